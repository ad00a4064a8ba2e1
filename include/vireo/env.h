/*
 * The environment the root task gives every program it starts from
 * boot.cfg, and the fixed places in such a program's address space.
 *
 * A program's initial sp holds two words (include/vireo/bootinfo.h):
 * sp[0] = its UTCB address (VIREO_PROG_UTCB_AREA), sp[1] = the address of
 * its environment page (VIREO_PROG_ENV), mapped read-only:
 *
 *   VIREO_PROG_ENV +------------------------------+
 *                  | magic (VIREO_ENV_MAGIC)       |
 *                  | argc, ncaps, nfiles           |
 *                  | cap[VIREO_ENV_MAX_CAPS]       |  name -> selector (+ label)
 *                  | file[VIREO_ENV_MAX_FILES]     |  name -> address, size
 *                  | argv[VIREO_ENV_MAX_ARGS]      |  byte offsets of strings
 *                  | strings ...                   |  NUL-terminated, in the page
 *                  +------------------------------+  4 KiB
 *
 * argv entries are offsets from the start of the page, not pointers, so the
 * page means the same wherever it is mapped; libvireo checks each one and
 * copies the strings to writable memory for main(). argv[0] is the
 * program's instance name from boot.cfg, argv[1..] its "args".
 *
 * The capability table lists the capabilities boot.cfg grants ("cap NAME
 * SOURCE") and the gates of the services the program serves ("serve NAME",
 * under the service's name), each with the selector where it sits in the
 * program. For a served service, label is the gate's label: what a
 * receive through it reports in the label word with the low four bits (the
 * sender's rights) cleared. Other entries have label 0.
 *
 * The file table lists the boot archive members boot.cfg gives the
 * program ("file NAME MODULE"): each copied into the program's memory and
 * mapped read-only at addr (2 MiB aligned, in the files region), size
 * bytes long.
 *
 * Every program also holds, whatever boot.cfg says, its task at
 * VIREO_SEL_TASK, its main thread at VIREO_SEL_THREAD, its own factory
 * (charged to its quota) at VIREO_SEL_FACTORY, the parent gate at
 * VIREO_SEL_PARENT, and, if boot.cfg grants any vcon capability, the
 * console at VIREO_SEL_VCON as well (include/vireo/caps.h).
 *
 * Parent protocol (label VIREO_PROTO_PARENT through VIREO_SEL_PARENT):
 *  - MR0 = VIREO_PARENT_EXIT, MR1 = the exit status (a C int,
 *    sign-extended); a plain send, after which the program's main thread
 *    deletes itself. The root task then frees the program and applies its
 *    restart policy.
 *  - MR0 = VIREO_PARENT_MEMORY, MR1 = bytes (a multiple of 4 KiB): a call.
 *    The root task maps that much zeroed, physically contiguous memory
 *    with all rights (a VMM passes it on as a guest's RAM) into the
 *    program, 2 MiB aligned in the memory region, and replies MR0 = a
 *    vireo_status, MR1 = the address. Everything a program gets counts
 *    against its boot.cfg 'memory' (VIREO_E_NOMEM beyond it), and comes
 *    back when it ends.
 */
#ifndef VIREO_ENV_H
#define VIREO_ENV_H

#include <stddef.h>
#include <vireo/types.h>

#define VIREO_ENV_MAGIC 0x314e454f45524956ULL /* "VIREOEN1" */
#define VIREO_ENV_SIZE 4096
#define VIREO_ENV_MAX_CAPS 24
#define VIREO_ENV_MAX_ARGS 32  /* argv[0..31] */
#define VIREO_ENV_MAX_FILES 8
#define VIREO_ENV_NAME_SIZE 32 /* capability and file names, NUL included */

/* Fixed places in a program's address space (all in one 2 MiB region). */
#define VIREO_PROG_IMAGE_MIN 0x10000UL       /* ELF segments lie in [MIN, END) */
#define VIREO_PROG_IMAGE_END 0x2000000000UL
#define VIREO_PROG_FILES 0x2000000000UL      /* boot.cfg's files, 2 MiB aligned each */
#define VIREO_PROG_MEMORY 0x3000000000UL     /* VIREO_PARENT_MEMORY's memory */
#define VIREO_PROG_MEMORY_END 0x3f00000000UL
#define VIREO_PROG_UTCB_AREA 0x3fffc00000UL  /* the main thread's UTCB is the first */
#define VIREO_PROG_UTCB_LOG2 14              /* 16 KiB: 16 UTCBs */
#define VIREO_PROG_ENV 0x3fffc10000UL        /* the environment page, read-only */
#define VIREO_PROG_STACK_TOP 0x3fffd00000UL  /* initial stack, VIREO_PROG_STACK_SIZE below */
#define VIREO_PROG_STACK_SIZE 0x10000UL

/* The parent protocol (see above). User label: kernel protocols are negative. */
#define VIREO_PROTO_PARENT 0x504152 /* "PAR" */
#define VIREO_PARENT_EXIT 1
#define VIREO_PARENT_MEMORY 2

struct vireo_env_cap {
	char name[VIREO_ENV_NAME_SIZE]; /* NUL-terminated */
	vireo_word_t sel;               /* selector in the program's capability space */
	vireo_word_t label;             /* served gates: the gate's label; else 0 */
};

struct vireo_env_file {
	char name[VIREO_ENV_NAME_SIZE]; /* NUL-terminated */
	vireo_word_t addr;
	vireo_word_t size;
};

struct vireo_env {
	vireo_word_t magic;
	vireo_word_t argc; /* 1..VIREO_ENV_MAX_ARGS */
	vireo_word_t ncaps;
	vireo_word_t nfiles;
	struct vireo_env_cap cap[VIREO_ENV_MAX_CAPS];
	struct vireo_env_file file[VIREO_ENV_MAX_FILES];
	vireo_word_t argv[VIREO_ENV_MAX_ARGS]; /* offsets into this page */
	char strings[VIREO_ENV_SIZE - 32 - VIREO_ENV_MAX_CAPS * 48 - VIREO_ENV_MAX_FILES * 48 -
		     VIREO_ENV_MAX_ARGS * 8];
};

_Static_assert(sizeof(struct vireo_env_cap) == 48, "env cap entry layout");
_Static_assert(offsetof(struct vireo_env, cap) == 32, "env layout");
_Static_assert(sizeof(struct vireo_env_file) == 48, "env file entry layout");
_Static_assert(offsetof(struct vireo_env, file) == 32 + VIREO_ENV_MAX_CAPS * 48, "env layout");
_Static_assert(offsetof(struct vireo_env, argv) ==
		       32 + VIREO_ENV_MAX_CAPS * 48 + VIREO_ENV_MAX_FILES * 48,
	       "env layout");
_Static_assert(offsetof(struct vireo_env, strings) == 1824, "env layout");
_Static_assert(sizeof(struct vireo_env) == VIREO_ENV_SIZE, "env fills one page");

#endif
