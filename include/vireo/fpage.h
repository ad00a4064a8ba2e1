/*
 * Flexpages: a naturally aligned, power-of-two region of memory or of
 * capability slots, with rights. One word:
 *
 *   63                         12 11     6 5  4 3    0
 *  +-----------------------------+--------+----+------+
 *  | base >> 12  or  slot index  | order  |type|rights|
 *  +-----------------------------+--------+----+------+
 *
 * Memory: base is a byte address, order = log2(size in bytes) >= 12,
 * rights R/W/X. Capabilities: the first slot index, order = log2(slots),
 * rights are capability rights. Base must be aligned to the size.
 *
 * A typed item in a message is two MRs: a control word, then the flexpage.
 * Control word: bit 0 = grant (move instead of share); bits 63..12 = the
 * offset ("send base") inside the receiver's window where the item lands:
 * a byte offset for memory (page aligned), a slot offset (shifted left by
 * 12) for capabilities. It is taken modulo the window's size and rounded
 * down to the item's size. The receiver names its windows in br[0]
 * (memory) and br[1] (capabilities) of its UTCB; an item that does not fit
 * its window fails the send with VIREO_E_MAP (tcr[0] = the item's index).
 */
#ifndef VIREO_FPAGE_H
#define VIREO_FPAGE_H

#include <vireo/types.h>

typedef uint64_t vireo_fpage_t;

#define VIREO_FPAGE_NIL 0u
#define VIREO_FPAGE_MEM 1u
#define VIREO_FPAGE_CAP 2u

/* Memory rights. */
#define VIREO_MEM_R 0x1u
#define VIREO_MEM_W 0x2u
#define VIREO_MEM_X 0x4u
#define VIREO_MEM_RWX 0x7u

/* Capability rights: what the holder of a capability may do with it. */
#define VIREO_CAP_SEND 0x1u   /* invoke: IPC through it, call operations */
#define VIREO_CAP_WRITE 0x2u  /* operations that change the object */
#define VIREO_CAP_DELETE 0x4u /* delete the object everywhere */
#define VIREO_CAP_READ 0x8u   /* operations that only inspect */
#define VIREO_CAP_ALL 0xfu

#define VIREO_ITEM_GRANT 0x1u

/* The control word of an item landing at `offset` in the window (bytes, or slots for caps). */
static inline vireo_word_t vireo_item_mem(uint64_t offset, int grant)
{
	return (offset & ~0xfffULL) | (grant ? VIREO_ITEM_GRANT : 0);
}

static inline vireo_word_t vireo_item_cap(uint64_t slot_offset)
{
	return slot_offset << 12;
}

static inline vireo_fpage_t vireo_fpage_mem(uint64_t addr, unsigned order, unsigned rights)
{
	return (addr & ~0xfffULL) | ((uint64_t)order << 6) | (VIREO_FPAGE_MEM << 4) |
	       (rights & 0xf);
}

static inline vireo_fpage_t vireo_fpage_cap(uint64_t slot, unsigned order, unsigned rights)
{
	return (slot << 12) | ((uint64_t)order << 6) | (VIREO_FPAGE_CAP << 4) | (rights & 0xf);
}

static inline unsigned vireo_fpage_type(vireo_fpage_t f) { return (unsigned)(f >> 4) & 3; }
static inline unsigned vireo_fpage_order(vireo_fpage_t f) { return (unsigned)(f >> 6) & 63; }
static inline unsigned vireo_fpage_rights(vireo_fpage_t f) { return (unsigned)f & 0xf; }
static inline uint64_t vireo_fpage_addr(vireo_fpage_t f) { return f & ~0xfffULL; }
static inline uint64_t vireo_fpage_slot(vireo_fpage_t f) { return f >> 12; }

#endif
