/*
 * boot.cfg parser. See bootcfg.h for the syntax.
 *
 * Two passes. The first walks the file line by line: each line is checked for
 * length and bytes, split into tokens by a small lexer that never looks past
 * the line, and decoded into the current program block, reporting at most one
 * error per line. The second pass checks what only the whole file can tell:
 * that each service is served once and that every gate names a served one.
 *
 * Everything is bounded by the fixed arrays in struct bootcfg; running out of
 * room is an error, never a silent truncation. Messages are formatted by
 * msg_format() below (a few directives, no stdio), and any bytes of the input
 * that appear in a message are escaped and shortened there.
 */
#include "bootcfg.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Longest piece of input quoted in a message, before "..." is appended. */
#define MSG_TOKEN_MAX 40

/* A piece of the input, not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

enum tok_kind {
	TOK_END,    /* end of line or start of a comment */
	TOK_WORD,   /* bare word */
	TOK_STRING, /* "..."; the span includes the quotes and escapes */
};

struct token {
	enum tok_kind kind;
	struct span s;
};

/* Position in one line (without its line end). */
struct lexer {
	const char *p;
	size_t n;
	size_t pos;
};

/* Attributes that may appear in a program block. */
enum attr {
	ATTR_ARGS,
	ATTR_QUOTA,
	ATTR_MEMORY,
	ATTR_PRIORITY,
	ATTR_CPUS,
	ATTR_CAP,
	ATTR_SERVE,
	ATTR_FILE,
	ATTR_RESTART,
	ATTR_COUNT
};

struct parser {
	struct bootcfg *cfg;
	struct bootcfg_errors *errs;
	unsigned line;                  /* current line, 1-based */
	const char *keyword;            /* of the current line, for messages */
	struct bootcfg_program *cur;    /* block being filled, or NULL */
	bool skipping;                  /* cur is NULL after a broken unindented line */
	unsigned attr_line[ATTR_COUNT]; /* where cur got each attribute, 0 if not yet */
};

/* ---- messages ---- */

struct msgbuf {
	char *p;
	size_t size;
	size_t len; /* always < size; p[len] is NUL */
};

static void msg_putc(struct msgbuf *m, char c)
{
	if (m->len + 1 < m->size) {
		m->p[m->len++] = c;
		m->p[m->len] = '\0';
	}
}

static void msg_puts(struct msgbuf *m, const char *s)
{
	while (*s)
		msg_putc(m, *s++);
}

static void msg_hex(struct msgbuf *m, unsigned v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[sizeof(unsigned) * 2];
	size_t n = 0;

	do {
		buf[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v);
	if (n == 1)
		buf[n++] = '0';
	msg_puts(m, "0x");
	while (n)
		msg_putc(m, buf[--n]);
}

static void msg_uint(struct msgbuf *m, unsigned v)
{
	char buf[3 * sizeof(unsigned)];
	size_t n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		msg_putc(m, buf[--n]);
}

/* Input bytes: printable ASCII as is, the rest as \xNN; long ones cut with "...". */
static void msg_span(struct msgbuf *m, const struct span *s)
{
	size_t start = m->len;

	for (size_t i = 0; i < s->n; i++) {
		unsigned char c = (unsigned char)s->p[i];

		if (m->len - start >= MSG_TOKEN_MAX) {
			msg_puts(m, "...");
			return;
		}
		if (c >= 0x20 && c < 0x7f) {
			msg_putc(m, (char)c);
		} else {
			msg_puts(m, "\\x");
			msg_putc(m, "0123456789abcdef"[c >> 4]);
			msg_putc(m, "0123456789abcdef"[c & 0xf]);
		}
	}
}

/*
 * Format into m. Directives: %s (const char *), %u (unsigned), %x (unsigned,
 * as 0x.. with at least two digits), %t (const struct span *, input bytes).
 */
static void msg_format(struct msgbuf *m, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			msg_putc(m, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			msg_puts(m, va_arg(ap, const char *));
			break;
		case 'u':
			msg_uint(m, va_arg(ap, unsigned));
			break;
		case 'x':
			msg_hex(m, va_arg(ap, unsigned));
			break;
		case 't':
			msg_span(m, va_arg(ap, const struct span *));
			break;
		default: /* a bug in a format below; show it rather than read past it */
			msg_putc(m, '%');
			if (!*fmt)
				return;
			msg_putc(m, *fmt);
		}
	}
}

/*
 * Make room for an error on line, keeping error[] sorted by line and holding
 * the lowest lines. Returns the slot, or NULL if the error is only counted.
 */
static struct bootcfg_error *error_slot(struct bootcfg_errors *errs, unsigned line)
{
	unsigned kept = bootcfg_errors_kept(errs);
	unsigned at = kept;

	if (errs->count < UINT_MAX) /* saturate: a count of 0 would mean success */
		errs->count++;
	while (at > 0 && errs->error[at - 1].line > line)
		at--;
	if (at == BOOTCFG_MAX_ERRORS)
		return NULL;
	if (kept == BOOTCFG_MAX_ERRORS)
		kept--; /* the last one falls off */
	memmove(&errs->error[at + 1], &errs->error[at], (kept - at) * sizeof(errs->error[0]));
	return &errs->error[at];
}

/* Report an error on the current line. */
static void fail(struct parser *ps, const char *fmt, ...)
{
	struct bootcfg_error *e = error_slot(ps->errs, ps->line);
	struct msgbuf m;
	va_list ap;

	if (!e)
		return;
	e->line = ps->line;
	e->message[0] = '\0';
	m = (struct msgbuf){ e->message, sizeof(e->message), 0 };
	va_start(ap, fmt);
	msg_format(&m, fmt, ap);
	va_end(ap);
}

/* ---- lexer ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool span_is(const struct span *s, const char *word)
{
	size_t n = strlen(word);

	return s->n == n && memcmp(s->p, word, n) == 0;
}

static bool span_starts(const struct span *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s->n >= n && memcmp(s->p, prefix, n) == 0;
}

/* Whether the line's length and bytes are acceptable at all. */
static bool check_bytes(struct parser *ps, const char *p, size_t n)
{
	if (n > BOOTCFG_LINE_MAX) {
		fail(ps, "line too long (max %u bytes)", (unsigned)BOOTCFG_LINE_MAX);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == 0) {
			fail(ps, "NUL byte in line");
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			fail(ps, "control character %x in line", (unsigned)c);
			return false;
		}
	}
	return true;
}

/* A string token starting with the quote at lx->p[start]. */
static bool lex_string(struct parser *ps, struct lexer *lx, size_t start, struct token *t)
{
	size_t i = start + 1;

	for (;;) {
		if (i == lx->n) {
			fail(ps, "unterminated string");
			return false;
		}
		if (lx->p[i] == '"')
			break;
		if (lx->p[i] == '\\') {
			struct span esc = { lx->p + i, 2 };

			if (i + 1 == lx->n) {
				fail(ps, "unterminated string");
				return false;
			}
			if (lx->p[i + 1] != '"' && lx->p[i + 1] != '\\') {
				fail(ps, "bad escape '%t' in string (only \\\" and \\\\)", &esc);
				return false;
			}
			i++;
		}
		i++;
	}
	i++; /* the closing quote */
	if (i < lx->n && !is_blank(lx->p[i]) && lx->p[i] != '#') {
		fail(ps, "missing blank after closing quote");
		return false;
	}
	t->kind = TOK_STRING;
	t->s = (struct span){ lx->p + start, i - start };
	lx->pos = i;
	return true;
}

/* The next token of the line; false after reporting a malformed one. */
static bool lex_next(struct parser *ps, struct lexer *lx, struct token *t)
{
	size_t i = lx->pos, start;
	bool quote = false;

	while (i < lx->n && is_blank(lx->p[i]))
		i++;
	if (i == lx->n || lx->p[i] == '#') {
		lx->pos = lx->n;
		t->kind = TOK_END;
		t->s = (struct span){ lx->p + i, 0 };
		return true;
	}
	if (lx->p[i] == '"')
		return lex_string(ps, lx, i, t);
	for (start = i; i < lx->n && !is_blank(lx->p[i]) && lx->p[i] != '#'; i++)
		quote |= lx->p[i] == '"';
	t->kind = TOK_WORD;
	t->s = (struct span){ lx->p + start, i - start };
	lx->pos = i;
	if (quote) {
		fail(ps, "stray '\"' in '%t'", &t->s);
		return false;
	}
	return true;
}

/* Check that t is a valid name; what says which ("module name", ...). */
static bool check_name(struct parser *ps, const struct token *t, const char *what)
{
	if (t->s.n > BOOTCFG_NAME_MAX) {
		fail(ps, "%s '%t' is longer than %u characters", what, &t->s,
		     (unsigned)BOOTCFG_NAME_MAX);
		return false;
	}
	for (size_t i = 0; i < t->s.n; i++) {
		char c = t->s.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-')) {
			fail(ps, "bad %s '%t' (use A-Z a-z 0-9 _ . -)", what, &t->s);
			return false;
		}
	}
	return true;
}

/* The next token, which must be a bare word. */
static bool want_word(struct parser *ps, struct lexer *lx, struct token *t, const char *what)
{
	if (!lex_next(ps, lx, t))
		return false;
	if (t->kind == TOK_END) {
		fail(ps, "missing %s", what);
		return false;
	}
	if (t->kind == TOK_STRING) {
		fail(ps, "%s must not be quoted", what);
		return false;
	}
	return true;
}

static bool want_name(struct parser *ps, struct lexer *lx, struct token *t, const char *what)
{
	return want_word(ps, lx, t, what) && check_name(ps, t, what);
}

/* The line must end here (a comment may follow). */
static bool want_end(struct parser *ps, struct lexer *lx)
{
	struct token t;

	if (!lex_next(ps, lx, &t))
		return false;
	if (t.kind != TOK_END) {
		fail(ps, "unexpected '%t' at end of '%s' line", &t.s, ps->keyword);
		return false;
	}
	return true;
}

static void copy_name(char dst[BOOTCFG_NAME_MAX + 1], const struct span *s)
{
	memcpy(dst, s->p, s->n);
	dst[s->n] = '\0';
}

/* ---- numbers ---- */

enum num_status {
	NUM_OK,
	NUM_BAD,      /* no digits */
	NUM_OVERFLOW, /* more than 64 bits; the digits are still consumed */
};

static int digit_value(char c, unsigned base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d >= 0 && (unsigned)d < base ? d : -1;
}

/*
 * A decimal or 0x-hex number at the start of p[0..n); *used is set to the
 * bytes it takes, stopping at the first byte that is not a digit.
 */
static enum num_status num_prefix(const char *p, size_t n, uint64_t *out, size_t *used)
{
	unsigned base = 10;
	size_t i = 0, first;
	uint64_t v = 0;
	bool overflow = false;
	int d;

	if (n >= 2 && p[0] == '0' && p[1] == 'x') {
		base = 16;
		i = 2;
	}
	for (first = i; i < n && (d = digit_value(p[i], base)) >= 0; i++) {
		if (v > (UINT64_MAX - (unsigned)d) / base)
			overflow = true;
		else
			v = v * base + (unsigned)d;
	}
	*used = i;
	*out = v;
	if (i == first)
		return NUM_BAD;
	return overflow ? NUM_OVERFLOW : NUM_OK;
}

/* A number that is the whole of s. */
static enum num_status num_whole(const struct span *s, uint64_t *out)
{
	size_t used;
	enum num_status r = num_prefix(s->p, s->n, out, &used);

	return used == s->n ? r : NUM_BAD;
}

/* A number with an optional K/M/G suffix that is the whole of s. */
static enum num_status size_whole(const struct span *s, uint64_t *out)
{
	size_t used;
	unsigned shift = 0;
	enum num_status r = num_prefix(s->p, s->n, out, &used);

	if (r == NUM_BAD)
		return r;
	if (used + 1 == s->n) {
		switch (s->p[used]) {
		case 'K':
			shift = 10;
			break;
		case 'M':
			shift = 20;
			break;
		case 'G':
			shift = 30;
			break;
		default:
			return NUM_BAD;
		}
	} else if (used != s->n) {
		return NUM_BAD;
	}
	if (r == NUM_OVERFLOW || *out > UINT64_MAX >> shift)
		return NUM_OVERFLOW;
	*out <<= shift;
	return NUM_OK;
}

/* ---- attributes ---- */

/* Bytes of the string token s once unescaped (without the quotes). */
static size_t string_len(const struct span *s)
{
	size_t n = 0;

	for (size_t i = 1; i + 1 < s->n; i++, n++)
		i += s->p[i] == '\\'; /* the lexer checked that \" or \\ follows */
	return n;
}

/* Unescape the string token s into dst, which has room for string_len(s). */
static void string_copy(char *dst, const struct span *s)
{
	for (size_t i = 1; i + 1 < s->n; i++) {
		i += s->p[i] == '\\';
		*dst++ = s->p[i];
	}
}

static void parse_args(struct parser *ps, struct lexer *lx)
{
	struct bootcfg *cfg = ps->cfg;
	struct bootcfg_program *p = ps->cur;
	struct token t;
	size_t n;

	for (;;) {
		if (!lex_next(ps, lx, &t))
			return;
		if (t.kind == TOK_END)
			break;
		if (t.kind == TOK_WORD) {
			fail(ps, "argument '%t' must be double-quoted", &t.s);
			return;
		}
		if (p->nargs == BOOTCFG_MAX_ARGS) {
			fail(ps, "too many arguments (max %u)", (unsigned)BOOTCFG_MAX_ARGS);
			return;
		}
		n = string_len(&t.s);
		if (BOOTCFG_POOL_SIZE - cfg->pool_used < n + 1) {
			fail(ps, "arguments exceed the string pool (%u bytes in all)",
			     (unsigned)BOOTCFG_POOL_SIZE);
			return;
		}
		string_copy(cfg->pool + cfg->pool_used, &t.s);
		cfg->pool[cfg->pool_used + n] = '\0';
		p->arg[p->nargs++] = (struct bootcfg_arg){ (uint16_t)cfg->pool_used, (uint16_t)n };
		cfg->pool_used += n + 1;
	}
	if (p->nargs == 0)
		fail(ps, "'args' needs at least one double-quoted argument");
}

/* quota and memory. */
static void parse_size(struct parser *ps, struct lexer *lx, uint64_t *out)
{
	struct token t;
	uint64_t v;

	if (!want_word(ps, lx, &t, "size"))
		return;
	switch (size_whole(&t.s, &v)) {
	case NUM_BAD:
		fail(ps, "bad size '%t' (e.g. 4096, 0x1000, 64K, 4M, 1G)", &t.s);
		return;
	case NUM_OVERFLOW:
		fail(ps, "%s '%t' is too large", ps->keyword, &t.s);
		return;
	case NUM_OK:
		break;
	}
	if (v == 0) {
		fail(ps, "%s must be greater than 0", ps->keyword);
		return;
	}
	if (v % BOOTCFG_PAGE_SIZE) {
		fail(ps, "%s '%t' is not a multiple of 4K (4096 bytes)", ps->keyword, &t.s);
		return;
	}
	if (want_end(ps, lx))
		*out = v;
}

static void parse_quota(struct parser *ps, struct lexer *lx)
{
	parse_size(ps, lx, &ps->cur->quota);
}

static void parse_memory(struct parser *ps, struct lexer *lx)
{
	parse_size(ps, lx, &ps->cur->memory);
}

static void parse_priority(struct parser *ps, struct lexer *lx)
{
	struct token t;
	uint64_t v;

	if (!want_word(ps, lx, &t, "priority"))
		return;
	switch (num_whole(&t.s, &v)) {
	case NUM_BAD:
		fail(ps, "bad priority '%t' (a number 0..255)", &t.s);
		return;
	case NUM_OVERFLOW:
		v = UINT64_MAX;
		break;
	case NUM_OK:
		break;
	}
	if (v > UINT8_MAX) {
		fail(ps, "priority '%t' out of range 0..255", &t.s);
		return;
	}
	if (want_end(ps, lx))
		ps->cur->priority = (uint8_t)v;
}

/* CPUs lo..hi as a mask; both < 64. */
static uint64_t cpu_range_mask(uint64_t lo, uint64_t hi)
{
	return (UINT64_MAX >> (63 - hi)) & (UINT64_MAX << lo);
}

/* One "N" or "N-M" item of a CPU list at s->p[*pos]; adds it to *mask. */
static bool cpu_item(struct parser *ps, const struct span *s, size_t *pos, uint64_t *mask)
{
	uint64_t lo, hi, bits;
	size_t used, i = *pos;
	enum num_status r1, r2 = NUM_OK;

	r1 = num_prefix(s->p + i, s->n - i, &lo, &used);
	i += used;
	hi = lo;
	if (r1 != NUM_BAD && i < s->n && s->p[i] == '-') {
		i++;
		r2 = num_prefix(s->p + i, s->n - i, &hi, &used);
		i += used;
	}
	if (r1 == NUM_BAD || r2 == NUM_BAD || (i < s->n && s->p[i] != ',')) {
		fail(ps, "bad CPU list '%t' (e.g. 0, 0-3, 0-1,3)", s);
		return false;
	}
	if (r1 == NUM_OVERFLOW || r2 == NUM_OVERFLOW || lo > 63 || hi > 63) {
		fail(ps, "CPU number in '%t' out of range 0..63", s);
		return false;
	}
	if (lo > hi) {
		fail(ps, "bad CPU range in '%t' (start > end)", s);
		return false;
	}
	bits = cpu_range_mask(lo, hi);
	if (*mask & bits) {
		unsigned cpu = 0;

		while (!((*mask & bits) >> cpu & 1))
			cpu++;
		fail(ps, "CPU %u listed twice in '%t'", cpu, s);
		return false;
	}
	*mask |= bits;
	*pos = i;
	return true;
}

static void parse_cpus(struct parser *ps, struct lexer *lx)
{
	struct token t;
	uint64_t mask = 0;
	size_t pos = 0;

	if (!want_word(ps, lx, &t, "CPU list"))
		return;
	for (;;) {
		if (!cpu_item(ps, &t.s, &pos, &mask))
			return;
		if (pos == t.s.n)
			break;
		pos++; /* ',' */
	}
	if (want_end(ps, lx))
		ps->cur->cpus = mask;
}

static const char *const source_names[] = {
	[BOOTCFG_SRC_VCON] = "vcon",
	[BOOTCFG_SRC_ICU] = "icu",
	[BOOTCFG_SRC_SCHEDULER] = "scheduler",
	[BOOTCFG_SRC_PLATFORM] = "platform",
	[BOOTCFG_SRC_DEBUGGER] = "debugger",
	[BOOTCFG_SRC_FACTORY] = "factory",
	[BOOTCFG_SRC_ARCHIVE] = "archive",
	[BOOTCFG_SRC_GATE] = "gate",
};

const char *bootcfg_source_name(enum bootcfg_source source)
{
	if ((unsigned)source >= ARRAY_SIZE(source_names))
		return "?";
	return source_names[source];
}

/* The SOURCE of a cap line into c. */
static bool cap_source(struct parser *ps, const struct token *t, struct bootcfg_cap *c)
{
	if (span_starts(&t->s, "gate:")) {
		struct token service = { TOK_WORD, { t->s.p + 5, t->s.n - 5 } };

		if (service.s.n == 0) {
			fail(ps, "missing service name after 'gate:'");
			return false;
		}
		if (!check_name(ps, &service, "service name"))
			return false;
		c->source = BOOTCFG_SRC_GATE;
		copy_name(c->service, &service.s);
		return true;
	}
	for (unsigned i = 0; i < BOOTCFG_SRC_GATE; i++) {
		if (span_is(&t->s, source_names[i])) {
			c->source = (enum bootcfg_source)i;
			return true;
		}
	}
	fail(ps, "unknown cap source '%t'", &t->s);
	return false;
}

/* "rights=LETTERS" into c. */
static bool cap_rights(struct parser *ps, const struct token *t, struct bootcfg_cap *c)
{
	static const char letters[] = "rwsd";
	size_t n = sizeof("rights=") - 1;

	if (!span_starts(&t->s, "rights=")) {
		fail(ps, "expected rights=... after the cap source, got '%t'", &t->s);
		return false;
	}
	if (t->s.n == n)
		goto bad;
	for (size_t i = n; i < t->s.n; i++) {
		const char *l = t->s.p[i] ? strchr(letters, t->s.p[i]) : NULL;
		unsigned bit;

		if (!l)
			goto bad;
		bit = 1u << (l - letters);
		if (c->rights & bit)
			goto bad;
		c->rights = (uint8_t)(c->rights | bit);
	}
	c->rights_default = false;
	return true;
bad:
	fail(ps, "bad rights '%t' (letters r, w, s, d, each at most once)", &t->s);
	return false;
}

static void parse_cap(struct parser *ps, struct lexer *lx)
{
	struct bootcfg_program *p = ps->cur;
	struct bootcfg_cap c = { .rights_default = true, .line = ps->line };
	struct token name, source, rights;

	if (!want_name(ps, lx, &name, "cap name") || !want_word(ps, lx, &source, "cap source") ||
	    !cap_source(ps, &source, &c) || !lex_next(ps, lx, &rights))
		return;
	if (rights.kind != TOK_END && (!cap_rights(ps, &rights, &c) || !want_end(ps, lx)))
		return;
	for (unsigned i = 0; i < p->ncaps; i++) {
		if (span_is(&name.s, p->cap[i].name)) {
			fail(ps, "duplicate cap name '%t' (first on line %u)", &name.s,
			     p->cap[i].line);
			return;
		}
	}
	if (p->ncaps == BOOTCFG_MAX_CAPS) {
		fail(ps, "too many caps (max %u)", (unsigned)BOOTCFG_MAX_CAPS);
		return;
	}
	copy_name(c.name, &name.s);
	p->cap[p->ncaps++] = c;
}

static void parse_serve(struct parser *ps, struct lexer *lx)
{
	struct bootcfg_program *p = ps->cur;
	struct token name;

	if (!want_name(ps, lx, &name, "service name") || !want_end(ps, lx))
		return;
	for (unsigned i = 0; i < p->nserves; i++) {
		if (span_is(&name.s, p->serve[i].name)) {
			fail(ps, "duplicate service '%t' (first on line %u)", &name.s,
			     p->serve[i].line);
			return;
		}
	}
	if (p->nserves == BOOTCFG_MAX_SERVES) {
		fail(ps, "too many services (max %u)", (unsigned)BOOTCFG_MAX_SERVES);
		return;
	}
	copy_name(p->serve[p->nserves].name, &name.s);
	p->serve[p->nserves++].line = ps->line;
}

static void parse_file(struct parser *ps, struct lexer *lx)
{
	struct bootcfg_program *p = ps->cur;
	struct token name, module;

	if (!want_name(ps, lx, &name, "file name") || !want_name(ps, lx, &module, "module name") ||
	    !want_end(ps, lx))
		return;
	for (unsigned i = 0; i < p->nfiles; i++) {
		if (span_is(&name.s, p->file[i].name)) {
			fail(ps, "duplicate file name '%t' (first on line %u)", &name.s,
			     p->file[i].line);
			return;
		}
	}
	if (p->nfiles == BOOTCFG_MAX_FILES) {
		fail(ps, "too many files (max %u)", (unsigned)BOOTCFG_MAX_FILES);
		return;
	}
	copy_name(p->file[p->nfiles].name, &name.s);
	copy_name(p->file[p->nfiles].module, &module.s);
	p->file[p->nfiles++].line = ps->line;
}

static void parse_restart(struct parser *ps, struct lexer *lx)
{
	static const char *const policies[] = {
		[BOOTCFG_RESTART_NEVER] = "never",
		[BOOTCFG_RESTART_ON_FAILURE] = "on-failure",
		[BOOTCFG_RESTART_ALWAYS] = "always",
	};
	struct token t;

	if (!want_word(ps, lx, &t, "restart policy"))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(policies); i++) {
		if (span_is(&t.s, policies[i])) {
			if (want_end(ps, lx))
				ps->cur->restart = (enum bootcfg_restart)i;
			return;
		}
	}
	fail(ps, "unknown restart policy '%t' (never, on-failure or always)", &t.s);
}

static const struct {
	const char *name;
	bool once; /* at most once per block */
	void (*parse)(struct parser *ps, struct lexer *lx);
} attrs[ATTR_COUNT] = {
	[ATTR_ARGS] = { "args", true, parse_args },
	[ATTR_QUOTA] = { "quota", true, parse_quota },
	[ATTR_MEMORY] = { "memory", true, parse_memory },
	[ATTR_PRIORITY] = { "priority", true, parse_priority },
	[ATTR_CPUS] = { "cpus", true, parse_cpus },
	[ATTR_CAP] = { "cap", false, parse_cap },
	[ATTR_SERVE] = { "serve", false, parse_serve },
	[ATTR_FILE] = { "file", false, parse_file },
	[ATTR_RESTART] = { "restart", true, parse_restart },
};

/* The attribute named by t, or ATTR_COUNT. */
static enum attr find_attr(const struct token *t)
{
	unsigned i;

	for (i = 0; i < ATTR_COUNT; i++) {
		if (t->kind == TOK_WORD && span_is(&t->s, attrs[i].name))
			break;
	}
	return (enum attr)i;
}

/* ---- lines ---- */

/* No block is open; indented lines are skipped until the next 'start'. */
static void end_block(struct parser *ps)
{
	ps->cur = NULL;
	ps->skipping = true;
}

static void open_block(struct parser *ps, const struct span *module, const struct span *instance)
{
	struct bootcfg_program *p = &ps->cfg->prog[ps->cfg->nprograms++];

	memset(p, 0, sizeof(*p));
	copy_name(p->module, module);
	copy_name(p->instance, instance);
	p->line = ps->line;
	p->quota = BOOTCFG_DEFAULT_QUOTA;
	p->memory = BOOTCFG_DEFAULT_MEMORY;
	p->priority = BOOTCFG_DEFAULT_PRIORITY;
	p->cpus = BOOTCFG_DEFAULT_CPUS;
	p->restart = BOOTCFG_RESTART_NEVER;
	memset(ps->attr_line, 0, sizeof(ps->attr_line));
	ps->cur = p;
	ps->skipping = false;
}

/* "start MODULE [as INSTANCE]". */
static void parse_start(struct parser *ps, struct lexer *lx)
{
	struct bootcfg *cfg = ps->cfg;
	struct token module, as, instance;

	end_block(ps);
	if (!want_name(ps, lx, &module, "module name") || !lex_next(ps, lx, &as))
		return;
	instance = module;
	if (as.kind != TOK_END) {
		if (as.kind != TOK_WORD || !span_is(&as.s, "as")) {
			fail(ps, "expected 'as' after the module name, got '%t'", &as.s);
			return;
		}
		if (!want_name(ps, lx, &instance, "instance name") || !want_end(ps, lx))
			return;
	}
	for (unsigned i = 0; i < cfg->nprograms; i++) {
		if (span_is(&instance.s, cfg->prog[i].instance)) {
			fail(ps, "duplicate instance name '%t' (first on line %u)", &instance.s,
			     cfg->prog[i].line);
			return;
		}
	}
	if (cfg->nprograms == BOOTCFG_MAX_PROGRAMS) {
		fail(ps, "too many programs (max %u)", (unsigned)BOOTCFG_MAX_PROGRAMS);
		return;
	}
	open_block(ps, &module.s, &instance.s);
}

static void parse_attribute(struct parser *ps, struct lexer *lx, const struct token *kw)
{
	enum attr a = find_attr(kw);

	if (a == ATTR_COUNT) {
		fail(ps, "unknown keyword '%t'", &kw->s);
		return;
	}
	if (!ps->cur) {
		if (!ps->skipping)
			fail(ps, "'%s' before any 'start'", attrs[a].name);
		return;
	}
	if (attrs[a].once) {
		if (ps->attr_line[a]) {
			fail(ps, "duplicate '%s' (first on line %u)", attrs[a].name,
			     ps->attr_line[a]);
			return;
		}
		ps->attr_line[a] = ps->line;
	}
	ps->keyword = attrs[a].name;
	attrs[a].parse(ps, lx);
}

/* One line without its line end. */
static void parse_line(struct parser *ps, const char *p, size_t n)
{
	struct lexer lx = { p, n, 0 };
	bool indented = n > 0 && is_blank(p[0]);
	struct token kw;

	if (!check_bytes(ps, p, n) || !lex_next(ps, &lx, &kw)) {
		if (!indented)
			end_block(ps);
		return;
	}
	if (kw.kind == TOK_END)
		return;
	if (kw.kind == TOK_STRING) {
		if (!indented)
			end_block(ps);
		fail(ps, "expected a keyword, got a string");
		return;
	}
	ps->keyword = "start";
	if (span_is(&kw.s, "start")) {
		if (indented) {
			end_block(ps);
			fail(ps, "'start' must not be indented");
		} else {
			parse_start(ps, &lx);
		}
	} else if (indented) {
		parse_attribute(ps, &lx, &kw);
	} else {
		end_block(ps);
		if (find_attr(&kw) != ATTR_COUNT)
			fail(ps, "'%t' must be indented under a 'start' line", &kw.s);
		else
			fail(ps, "unknown keyword '%t'", &kw.s);
	}
}

/* ---- whole file ---- */

/*
 * The first serve line for name among the first nprog programs, or NULL;
 * *prog is set to the index of its program.
 */
static const struct bootcfg_service *find_server(const struct bootcfg *cfg, unsigned nprog,
						 const char *name, unsigned *prog)
{
	for (unsigned i = 0; i < nprog; i++) {
		for (unsigned s = 0; s < cfg->prog[i].nserves; s++) {
			if (strcmp(cfg->prog[i].serve[s].name, name) == 0) {
				*prog = i;
				return &cfg->prog[i].serve[s];
			}
		}
	}
	return NULL;
}

/* Every service is served by one program only; report the later serve lines. */
static void check_served_once(struct parser *ps)
{
	struct bootcfg *cfg = ps->cfg;
	const struct bootcfg_service *first;
	unsigned j;

	for (unsigned i = 0; i < cfg->nprograms; i++) {
		for (unsigned s = 0; s < cfg->prog[i].nserves; s++) {
			const struct bootcfg_service *srv = &cfg->prog[i].serve[s];

			first = find_server(cfg, i, srv->name, &j);
			if (!first)
				continue;
			ps->line = srv->line;
			fail(ps, "service '%s' is already served by '%s' (line %u)", srv->name,
			     cfg->prog[j].instance, first->line);
		}
	}
}

/* Bind every gate cap to its server; report unserved ones if report is set. */
static void resolve_gates(struct parser *ps, bool report)
{
	struct bootcfg *cfg = ps->cfg;

	for (unsigned i = 0; i < cfg->nprograms; i++) {
		for (unsigned c = 0; c < cfg->prog[i].ncaps; c++) {
			struct bootcfg_cap *cap = &cfg->prog[i].cap[c];

			if (cap->source != BOOTCFG_SRC_GATE)
				continue;
			if (find_server(cfg, cfg->nprograms, cap->service, &cap->server))
				continue;
			cap->server = cfg->nprograms;
			if (report) {
				ps->line = cap->line;
				fail(ps, "no program serves '%s'", cap->service);
			}
		}
	}
}

bool bootcfg_parse(const char *text, size_t len, struct bootcfg *cfg,
		   struct bootcfg_errors *errs)
{
	struct bootcfg_errors scratch;
	struct parser ps = { .cfg = cfg, .errs = errs ? errs : &scratch };
	size_t pos = 0;

	memset(cfg, 0, sizeof(*cfg));
	memset(ps.errs, 0, sizeof(*ps.errs));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;

		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		if (ps.line < UINT_MAX)
			ps.line++;
		parse_line(&ps, text + pos, n);
		pos = nl ? end + 1 : len;
	}
	check_served_once(&ps);
	resolve_gates(&ps, ps.errs->count == 0);
	if (ps.errs->count) {
		cfg->nprograms = 0;
		return false;
	}
	return true;
}
