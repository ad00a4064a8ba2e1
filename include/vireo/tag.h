/*
 * The message tag, first word of every message (a1 in both directions):
 *
 *   63                           16 15  12 11    7 6      0
 *  +-------------------------------+------+-------+--------+
 *  |  label (signed, 48 bits)      |flags | items | words  |
 *  +-------------------------------+------+-------+--------+
 *
 * words: untyped message registers MR0..MR(words-1), at most 64.
 * items: typed items that follow the untyped words, two MRs each.
 * label: the protocol (negative values: kernel protocols, see
 *        protocol.h) or any value a user protocol chooses.
 */
#ifndef VIREO_TAG_H
#define VIREO_TAG_H

#include <vireo/types.h>

#define VIREO_MR_COUNT 64
#define VIREO_TAG_WORDS_MASK 0x7fULL
#define VIREO_TAG_ITEMS_SHIFT 7
#define VIREO_TAG_ITEMS_MASK 0x1fULL
#define VIREO_TAG_FLAGS_SHIFT 12
#define VIREO_TAG_FLAGS_MASK 0xfULL
#define VIREO_TAG_LABEL_SHIFT 16

typedef uint64_t vireo_tag_t;

static inline vireo_tag_t vireo_tag(int64_t label, unsigned words, unsigned items)
{
	return ((uint64_t)label << VIREO_TAG_LABEL_SHIFT) |
	       (((uint64_t)items & VIREO_TAG_ITEMS_MASK) << VIREO_TAG_ITEMS_SHIFT) |
	       ((uint64_t)words & VIREO_TAG_WORDS_MASK);
}

static inline unsigned vireo_tag_words(vireo_tag_t t)
{
	return (unsigned)(t & VIREO_TAG_WORDS_MASK);
}

static inline unsigned vireo_tag_items(vireo_tag_t t)
{
	return (unsigned)((t >> VIREO_TAG_ITEMS_SHIFT) & VIREO_TAG_ITEMS_MASK);
}

static inline int64_t vireo_tag_label(vireo_tag_t t)
{
	return (int64_t)t >> VIREO_TAG_LABEL_SHIFT;
}

#endif
