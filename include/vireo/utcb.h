/*
 * The user thread control block: one per thread, 1 KiB, inside its task's
 * UTCB area (memory the kernel allocates and maps at task creation; the
 * kernel reaches it through its own mapping, never through user addresses).
 *
 *   0x000  mr[64]   message registers (MR0..MR3 also travel in a4..a7)
 *   0x200  br[16]   buffer registers: receive windows for typed items
 *   0x280  tcr[16]  thread control registers
 *   0x300  reserved
 */
#ifndef VIREO_UTCB_H
#define VIREO_UTCB_H

#include <stddef.h>
#include <vireo/tag.h>

#define VIREO_UTCB_SIZE 1024
#define VIREO_BR_COUNT 16
#define VIREO_TCR_COUNT 16

/* br[VIREO_BR_MEM_WINDOW]: flexpage where received memory items may land (0 = none). */
#define VIREO_BR_MEM_WINDOW 0
/* br[VIREO_BR_CAP_WINDOW]: flexpage of capability slots for received capabilities. */
#define VIREO_BR_CAP_WINDOW 1

/* tcr[VIREO_TCR_ERROR_ITEM]: index of the typed item that failed (VIREO_E_MAP). */
#define VIREO_TCR_ERROR_ITEM 0
/* tcr[VIREO_TCR_USER0..]: free for the program (thread-local pointers etc.). */
#define VIREO_TCR_USER0 8

struct vireo_utcb {
	vireo_word_t mr[VIREO_MR_COUNT];
	vireo_word_t br[VIREO_BR_COUNT];
	vireo_word_t tcr[VIREO_TCR_COUNT];
	vireo_word_t reserved[32];
};

_Static_assert(sizeof(struct vireo_utcb) == VIREO_UTCB_SIZE, "UTCB size");
_Static_assert(offsetof(struct vireo_utcb, br) == 0x200, "UTCB br offset");
_Static_assert(offsetof(struct vireo_utcb, tcr) == 0x280, "UTCB tcr offset");

#endif
