/*
 * A message as the kernel sees an invocation: the tag plus a view of the
 * caller's message registers, MR0..MR3 in its saved a4..a7 and the rest in
 * its UTCB. Kernel objects read arguments and write results in place.
 */
#ifndef KERNEL_MSG_H
#define KERNEL_MSG_H

#include <vireo/tag.h>
#include <vireo/utcb.h>

#define MSG_REG_WORDS 4

struct msg {
	vireo_tag_t tag;          /* the request */
	vireo_tag_t reply;        /* the reply's tag: no words unless msg_reply() says */
	vireo_word_t *reg_mr;     /* MR0..MR3: the caller's saved a4..a7 */
	struct vireo_utcb *utcb;  /* MR4..: may be NULL (no UTCB bound) */
};

static inline unsigned msg_words(const struct msg *m)
{
	return vireo_tag_words(m->tag);
}

/* MR i of the request, 0 beyond the words sent (callers check msg_words first). */
static inline vireo_word_t msg_word(const struct msg *m, unsigned i)
{
	if (i >= msg_words(m))
		return 0;
	if (i < MSG_REG_WORDS)
		return m->reg_mr[i];
	return m->utcb ? m->utcb->mr[i] : 0;
}

/* MR i as it stands now, regardless of the request's length (for building replies). */
static inline vireo_word_t msg_word_any(const struct msg *m, unsigned i)
{
	if (i < MSG_REG_WORDS)
		return m->reg_mr[i];
	return m->utcb && i < VIREO_MR_COUNT ? m->utcb->mr[i] : 0;
}

static inline vireo_word_t msg_op(const struct msg *m)
{
	return msg_word(m, 0);
}

/* The reply has `words` words (the label stays the request's). */
static inline void msg_reply(struct msg *m, unsigned words)
{
	m->reply = vireo_tag(vireo_tag_label(m->tag), words, 0);
}

static inline void msg_set(struct msg *m, unsigned i, vireo_word_t v)
{
	if (i < MSG_REG_WORDS)
		m->reg_mr[i] = v;
	else if (m->utcb && i < VIREO_MR_COUNT)
		m->utcb->mr[i] = v;
}

#endif
