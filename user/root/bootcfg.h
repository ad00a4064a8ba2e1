/*
 * boot.cfg: which programs the root task starts, and with what.
 *
 * The root task reads boot.cfg from the boot archive and starts the programs
 * it names, each with exactly the capabilities, kernel-memory quota, memory,
 * priority and CPU set granted here. The file comes from whoever built the
 * boot image, so it is parsed as hostile input and validated completely before
 * anything is started: bootcfg_parse() either accepts the whole file or
 * rejects it with errors of the form "boot.cfg:LINE: message".
 *
 * The parser uses no heap and no stdio (the caller prints errors), so it
 * builds both for the root task (picolibc) and for the host unit tests.
 *
 * Syntax, by example:
 *
 *   # Comments start with '#' anywhere outside quotes; blank lines are ignored.
 *   start hello                  # the module "hello" from the boot archive
 *       args "-v" "two words"    # argv[1..]; argv[0] is the instance name
 *       quota 64K                # kernel-memory quota for its objects
 *       memory 4M                # user memory the root task hands it at most
 *       priority 10              # 0..255, default 10
 *       cpus 0-1,3               # CPU set, default 0; CPU numbers < 64
 *       cap log vcon             # cap "log" in the child, from the root's vcon
 *       cap fs gate:files rights=s   # from the service "files" a program serves
 *       serve files              # root creates an IPC gate bound to its main thread
 *       file kernel linux-Image  # the module mapped read-only, listed as "kernel"
 *       restart never            # never | on-failure | always; default never
 *   start hello as hello2        # the same module again under another name
 *
 * Lines and tokens:
 *  - Lines end in LF or CRLF; the last line needs no terminator. A line holds
 *    at most BOOTCFG_LINE_MAX bytes (without the terminator) and no control
 *    characters other than tab (no NUL, no lone CR, no DEL). Other bytes,
 *    including UTF-8, are allowed in comments and strings.
 *  - Tokens are separated by spaces and tabs. '#' outside a string starts a
 *    comment, also right after a token ("quota 4K# note").
 *  - A string is double-quoted, with the escapes \" and \\ only; it must be
 *    followed by a blank, a comment or the end of the line. Strings appear
 *    only after 'args'; every other value is a bare word, and a bare word may
 *    not contain '"'.
 *
 * Structure:
 *  - "start MODULE" or "start MODULE as INSTANCE" at column 0 begins a program
 *    block; the instance name defaults to the module name and must be unique.
 *  - Attribute lines are indented (spaces or tabs) and belong to the last
 *    'start'. An attribute before any 'start', an attribute at column 0, or
 *    'start' indented is an error. Keywords are case-sensitive.
 *  - Names (modules, instances, caps, services) are 1..BOOTCFG_NAME_MAX
 *    characters from [A-Za-z0-9_.-].
 *
 * Attributes (each at most once per block, except cap and serve):
 *  - args STRING...    1..BOOTCFG_MAX_ARGS strings, argv[1..]
 *  - quota SIZE        default BOOTCFG_DEFAULT_QUOTA
 *  - memory SIZE       default BOOTCFG_DEFAULT_MEMORY
 *  - priority NUMBER   0..255, default BOOTCFG_DEFAULT_PRIORITY
 *  - cpus LIST         e.g. "0", "0-3", "0-1,3" (one token, no blanks); each
 *                      CPU < 64 and listed once; ranges need start <= end.
 *                      Default CPU 0.
 *  - cap NAME SOURCE [rights=LETTERS]
 *                      SOURCE is vcon, icu, scheduler, platform, debugger,
 *                      factory (the program's own factory, its quota),
 *                      archive (the boot archive, read-only) or gate:SERVICE.
 *                      LETTERS from "rwsd" (read, write, send, delete), each
 *                      at most once; without rights=, the child gets all the
 *                      rights the source allows (rights_default is set).
 *                      Cap names are unique within a program.
 *  - serve SERVICE     the root creates an IPC gate bound to the program's
 *                      main thread. Every service is served by exactly one
 *                      program in the whole file, and every gate:SERVICE must
 *                      name a served service (checked after the whole file,
 *                      so the server may come later in the file).
 *  - restart POLICY    never, on-failure or always; default never.
 *  - file NAME MODULE  the boot archive's MODULE, copied into the program's
 *                      memory (counted in 'memory') and mapped read-only;
 *                      its environment lists it under NAME (include/vireo/
 *                      env.h). At most BOOTCFG_MAX_FILES; names unique.
 *
 * Numbers are decimal (leading zeros allowed, no octal) or "0x" hex, without
 * sign or separators. A SIZE is a number with an optional K, M or G suffix
 * (powers of 1024, upper case only), must be > 0 and a multiple of 4 KiB.
 * Overflow of 64 bits, before or after the suffix, is an error.
 *
 * Errors: every line is checked, one error per line at most; after a broken
 * unindented line (for example a bad 'start'), the indented lines up to the
 * next 'start' are skipped so one mistake does not cascade. "No program
 * serves X" is reported only when the rest of the file is clean, since a
 * broken or skipped 'serve' line would otherwise cause it.
 */
#ifndef ROOT_BOOTCFG_H
#define ROOT_BOOTCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOTCFG_LINE_MAX 255      /* bytes per line, without the line end */
#define BOOTCFG_NAME_MAX 31       /* characters per name */
#define BOOTCFG_MAX_PROGRAMS 32
#define BOOTCFG_MAX_ARGS 16       /* argv[1..], not counting argv[0] */
#define BOOTCFG_MAX_CAPS 16       /* per program */
#define BOOTCFG_MAX_SERVES 4      /* per program */
#define BOOTCFG_MAX_FILES 8       /* per program */
#define BOOTCFG_POOL_SIZE 4096    /* argument bytes for all programs, NULs included */
#define BOOTCFG_MAX_ERRORS 8      /* errors kept; more are only counted */
#define BOOTCFG_MESSAGE_SIZE 96

#define BOOTCFG_PAGE_SIZE 4096u
#define BOOTCFG_DEFAULT_QUOTA (128u * 1024) /* a small program needs ~72 KiB (validate.h) */
#define BOOTCFG_DEFAULT_MEMORY (1024u * 1024)
#define BOOTCFG_DEFAULT_PRIORITY 10
#define BOOTCFG_DEFAULT_CPUS 1u   /* mask: CPU 0 */

/* Rights of a granted capability, as letters in boot.cfg. */
#define BOOTCFG_RIGHT_READ 0x1u   /* r */
#define BOOTCFG_RIGHT_WRITE 0x2u  /* w */
#define BOOTCFG_RIGHT_SEND 0x4u   /* s */
#define BOOTCFG_RIGHT_DELETE 0x8u /* d */

/* Where a granted capability comes from. */
enum bootcfg_source {
	BOOTCFG_SRC_VCON,
	BOOTCFG_SRC_ICU,
	BOOTCFG_SRC_SCHEDULER,
	BOOTCFG_SRC_PLATFORM,
	BOOTCFG_SRC_DEBUGGER,
	BOOTCFG_SRC_FACTORY, /* the program's own factory, limited to its quota */
	BOOTCFG_SRC_ARCHIVE, /* the boot archive memory, read-only */
	BOOTCFG_SRC_GATE,    /* the IPC gate of a service another program serves */
};

enum bootcfg_restart {
	BOOTCFG_RESTART_NEVER,
	BOOTCFG_RESTART_ON_FAILURE,
	BOOTCFG_RESTART_ALWAYS,
};

/* One "cap NAME SOURCE [rights=...]" line. */
struct bootcfg_cap {
	char name[BOOTCFG_NAME_MAX + 1];    /* the name the child sees */
	enum bootcfg_source source;
	char service[BOOTCFG_NAME_MAX + 1]; /* BOOTCFG_SRC_GATE only, else "" */
	unsigned server;                    /* BOOTCFG_SRC_GATE: index of the serving program */
	uint8_t rights;                     /* BOOTCFG_RIGHT_*; 0 if rights_default */
	bool rights_default;                /* no rights=: all the source allows */
	unsigned line;
};

/* One "serve NAME" line. */
struct bootcfg_service {
	char name[BOOTCFG_NAME_MAX + 1];
	unsigned line;
};

/* One "file NAME MODULE" line. */
struct bootcfg_file {
	char name[BOOTCFG_NAME_MAX + 1];
	char module[BOOTCFG_NAME_MAX + 1];
	unsigned line;
};

/* An argument string: offset into bootcfg.pool of len bytes and a NUL. */
struct bootcfg_arg {
	uint16_t offset;
	uint16_t len;
};

/* One 'start' block. Defaults are filled in for attributes not given. */
struct bootcfg_program {
	char instance[BOOTCFG_NAME_MAX + 1]; /* unique; argv[0] */
	char module[BOOTCFG_NAME_MAX + 1];   /* file name in the boot archive */
	unsigned line;                       /* of the 'start' line */
	unsigned nargs;
	struct bootcfg_arg arg[BOOTCFG_MAX_ARGS];
	uint64_t quota;  /* bytes, > 0, multiple of BOOTCFG_PAGE_SIZE */
	uint64_t memory; /* bytes, > 0, multiple of BOOTCFG_PAGE_SIZE */
	uint8_t priority;
	uint64_t cpus;   /* bit n: CPU n; never 0 */
	enum bootcfg_restart restart;
	unsigned ncaps;
	struct bootcfg_cap cap[BOOTCFG_MAX_CAPS];
	unsigned nserves;
	struct bootcfg_service serve[BOOTCFG_MAX_SERVES];
	unsigned nfiles;
	struct bootcfg_file file[BOOTCFG_MAX_FILES];
};

/*
 * A parsed boot.cfg: programs in file order. About 55 KiB, so give it static
 * storage. Arguments are stored as offsets, so the struct may be copied.
 */
struct bootcfg {
	unsigned nprograms;
	struct bootcfg_program prog[BOOTCFG_MAX_PROGRAMS];
	size_t pool_used;
	char pool[BOOTCFG_POOL_SIZE];
};

struct bootcfg_error {
	unsigned line;                      /* 1-based line of boot.cfg */
	char message[BOOTCFG_MESSAGE_SIZE]; /* NUL-terminated, no "boot.cfg:N: " prefix */
};

/*
 * All errors found: count of them, the first BOOTCFG_MAX_ERRORS by line number
 * kept in error[] sorted by line (errors on one line in the order found).
 * Print error[i] as "boot.cfg:%u: %s" and, if count > BOOTCFG_MAX_ERRORS,
 * how many more there were.
 */
struct bootcfg_errors {
	unsigned count;
	struct bootcfg_error error[BOOTCFG_MAX_ERRORS];
};

_Static_assert(BOOTCFG_POOL_SIZE <= UINT16_MAX, "arg offsets are 16 bits");

/*
 * Parse and validate the len bytes of boot.cfg at text (need not be
 * NUL-terminated; may be NULL if len is 0). Returns true with *cfg filled in
 * and errs->count == 0 if the whole file is valid. Returns false if it is not,
 * with the errors in *errs (if errs is non-NULL) and cfg->nprograms == 0, so a
 * broken file never starts anything; the rest of *cfg is then meaningless.
 */
__attribute__((warn_unused_result)) bool bootcfg_parse(const char *text, size_t len,
						       struct bootcfg *cfg,
						       struct bootcfg_errors *errs);

/* Argument i (0 for argv[1]) of p, a NUL-terminated string in cfg's pool. */
static inline const char *bootcfg_arg(const struct bootcfg *cfg,
				      const struct bootcfg_program *p, unsigned i)
{
	return cfg->pool + p->arg[i].offset;
}

/* Number of entries of errs->error that are filled in. */
static inline unsigned bootcfg_errors_kept(const struct bootcfg_errors *errs)
{
	return errs->count < BOOTCFG_MAX_ERRORS ? errs->count : BOOTCFG_MAX_ERRORS;
}

/* The boot.cfg spelling of a source ("vcon", ..., "gate"). */
const char *bootcfg_source_name(enum bootcfg_source source);

#endif
