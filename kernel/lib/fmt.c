/*
 * printf-style formatting; see kernel/include/kernel/fmt.h for what is
 * supported. Each directive is parsed into a struct fmt_spec, its argument
 * fetched at the width the length modifier names, and then laid out as
 *
 *   [spaces] [sign or 0x] [zeros] digits [spaces]
 *
 * No allocation, no locks, no global state: safe anywhere the sink is.
 */
#include <kernel/fmt.h>
#include <kernel/string.h>
#include <kernel/types.h>

#define FLAG_LEFT 0x01u  /* '-' */
#define FLAG_ZERO 0x02u  /* '0' */
#define FLAG_PLUS 0x04u  /* '+' */
#define FLAG_SPACE 0x08u /* ' ' */
#define FLAG_ALT 0x10u   /* '#' */

/* Field widths saturate here instead of overflowing. */
#define FIELD_MAX 0x7fffffff

enum fmt_length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

struct fmt_spec {
	unsigned flags;
	int width;     /* >= 0 */
	int precision; /* -1 when not given */
	enum fmt_length length;
	char conv;
};

struct fmt_sink {
	void (*put)(void *ctx, char c);
	void *ctx;
	size_t count;
};

static void emit(struct fmt_sink *s, char c)
{
	s->put(s->ctx, c);
	s->count++;
}

static void emit_repeat(struct fmt_sink *s, char c, size_t n)
{
	while (n--)
		emit(s, c);
}

static void emit_n(struct fmt_sink *s, const char *str, size_t n)
{
	for (size_t i = 0; i < n; i++)
		emit(s, str[i]);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parse a decimal number at *p, saturating at FIELD_MAX. */
static int parse_number(const char **p)
{
	int n = 0;

	for (; is_digit(**p); (*p)++) {
		int d = **p - '0';
		n = n > (FIELD_MAX - d) / 10 ? FIELD_MAX : n * 10 + d;
	}
	return n;
}

static unsigned parse_flags(const char **p)
{
	unsigned flags = 0;

	for (;; (*p)++) {
		switch (**p) {
		case '-': flags |= FLAG_LEFT; break;
		case '0': flags |= FLAG_ZERO; break;
		case '+': flags |= FLAG_PLUS; break;
		case ' ': flags |= FLAG_SPACE; break;
		case '#': flags |= FLAG_ALT; break;
		default: return flags;
		}
	}
}

static enum fmt_length parse_length(const char **p)
{
	const char *s = *p;
	enum fmt_length len;

	switch (*s) {
	case 'h': len = s[1] == 'h' ? LEN_HH : LEN_H; break;
	case 'l': len = s[1] == 'l' ? LEN_LL : LEN_L; break;
	case 'z': len = LEN_Z; break;
	case 'j': len = LEN_J; break;
	case 't': len = LEN_T; break;
	default: return LEN_NONE;
	}
	*p += (len == LEN_HH || len == LEN_LL) ? 2 : 1;
	return len;
}

/* Parse flags, width, precision and length after a '%'; leave *p at the conversion. */
static void parse_spec(const char **p, va_list *ap, struct fmt_spec *sp)
{
	sp->flags = parse_flags(p);
	sp->width = 0;
	if (**p == '*') {
		int w = va_arg(*ap, int);
		(*p)++;
		/* A negative '*' width means '-' and its magnitude. */
		if (w < 0) {
			sp->flags |= FLAG_LEFT;
			w = w == -FIELD_MAX - 1 ? FIELD_MAX : -w;
		}
		sp->width = w;
	} else {
		sp->width = parse_number(p);
	}

	sp->precision = -1;
	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			int prec = va_arg(*ap, int);
			(*p)++;
			/* A negative '*' precision counts as omitted. */
			sp->precision = prec < 0 ? -1 : prec;
		} else {
			sp->precision = parse_number(p);
		}
	}
	sp->length = parse_length(p);
	sp->conv = **p;
}

static int64_t fetch_signed(va_list *ap, enum fmt_length len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z: return (int64_t)va_arg(*ap, size_t); /* the signed size_t */
	case LEN_J: return va_arg(*ap, intmax_t);
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(va_list *ap, enum fmt_length len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	case LEN_T: return (uint64_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Pad to the field width on the left (unless '-'): spaces before the prefix. */
static void pad_left(struct fmt_sink *s, const struct fmt_spec *sp, size_t len)
{
	if (!(sp->flags & FLAG_LEFT) && (size_t)sp->width > len)
		emit_repeat(s, ' ', (size_t)sp->width - len);
}

static void pad_right(struct fmt_sink *s, const struct fmt_spec *sp, size_t len)
{
	if ((sp->flags & FLAG_LEFT) && (size_t)sp->width > len)
		emit_repeat(s, ' ', (size_t)sp->width - len);
}

static unsigned conv_base(char conv)
{
	if (conv == 'o')
		return 8;
	return (conv == 'x' || conv == 'X' || conv == 'p') ? 16 : 10;
}

/*
 * Lay out an integer: magnitude in the spec's base, with prefix ("-", "+",
 * " ", "0x", or ""). Precision is the minimum digit count; precision 0 and
 * value 0 print no digits. '0' pads with zeros only without a precision.
 */
static void put_integer(struct fmt_sink *s, const struct fmt_spec *sp, uint64_t mag,
			const char *prefix)
{
	const char *set = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = conv_base(sp->conv);
	char digits[24]; /* 22 octal digits of a 64-bit value, least significant first */
	size_t n = 0, zeros = 0, plen = strlen(prefix), total;

	for (uint64_t v = mag; v; v /= base)
		digits[n++] = set[v % base];
	if (mag == 0 && sp->precision != 0)
		digits[n++] = '0';
	if (sp->precision > 0 && (size_t)sp->precision > n)
		zeros = (size_t)sp->precision - n;
	/* '#' with 'o': the first digit printed must be a zero. */
	if (sp->conv == 'o' && (sp->flags & FLAG_ALT) && zeros == 0 &&
	    (n == 0 || digits[n - 1] != '0'))
		zeros = 1;

	total = plen + zeros + n;
	if ((sp->flags & FLAG_ZERO) && !(sp->flags & FLAG_LEFT) && sp->precision < 0 &&
	    (size_t)sp->width > total) {
		zeros += (size_t)sp->width - total;
		total = (size_t)sp->width;
	}
	pad_left(s, sp, total);
	emit_n(s, prefix, plen);
	emit_repeat(s, '0', zeros);
	while (n)
		emit(s, digits[--n]);
	pad_right(s, sp, total);
}

static void put_string(struct fmt_sink *s, const struct fmt_spec *sp, const char *str)
{
	size_t len = 0;

	if (!str)
		str = "(null)";
	/* With a precision, never read past it: the array may not be terminated. */
	while ((sp->precision < 0 || len < (size_t)sp->precision) && str[len])
		len++;
	pad_left(s, sp, len);
	emit_n(s, str, len);
	pad_right(s, sp, len);
}

static const char *sign_prefix(unsigned flags, bool negative)
{
	if (negative)
		return "-";
	if (flags & FLAG_PLUS)
		return "+";
	return (flags & FLAG_SPACE) ? " " : "";
}

/* Print one conversion, written in the format as [start, end] ('%' to conversion). */
static void convert(struct fmt_sink *s, const struct fmt_spec *sp, va_list *ap, const char *start,
		    const char *end)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i': {
		int64_t v = fetch_signed(ap, sp->length);
		uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		put_integer(s, sp, mag, sign_prefix(sp->flags, v < 0));
		break;
	}
	case 'u':
	case 'o':
		put_integer(s, sp, fetch_unsigned(ap, sp->length), "");
		break;
	case 'x':
	case 'X': {
		uint64_t v = fetch_unsigned(ap, sp->length);
		bool alt = (sp->flags & FLAG_ALT) && v != 0;
		put_integer(s, sp, v, alt ? (sp->conv == 'x' ? "0x" : "0X") : "");
		break;
	}
	case 'p':
		put_integer(s, sp, (uintptr_t)va_arg(*ap, void *), "0x");
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		pad_left(s, sp, 1);
		emit(s, c);
		pad_right(s, sp, 1);
		break;
	case 's':
		put_string(s, sp, va_arg(*ap, const char *));
		break;
	case '%':
		emit(s, '%');
		break;
	default:
		/* Unknown: show the directive as written. */
		emit_n(s, start, (size_t)(end - start) + 1);
		break;
	}
}

size_t fmt_vformat(void (*put)(void *ctx, char c), void *ctx, const char *fmt, va_list ap)
{
	struct fmt_sink s = { put, ctx, 0 };
	struct fmt_spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&s, *fmt++);
			continue;
		}
		const char *start = fmt++;
		parse_spec(&fmt, &args, &sp);
		if (sp.conv == '\0') {
			/* Directive cut off by the end of the string: print what is there. */
			emit_n(&s, start, (size_t)(fmt - start));
			break;
		}
		convert(&s, &sp, &args, start, fmt);
		fmt++;
	}
	va_end(args);
	return s.count;
}

/* Buffer sink for fmt_vsnprintf: keeps room for the NUL, counts everything. */
struct fmt_buf {
	char *buf;
	size_t size;
	size_t len;
};

static void buf_put(void *ctx, char c)
{
	struct fmt_buf *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { buf, size, 0 };
	size_t len = fmt_vformat(buf_put, &b, fmt, ap);

	if (size > 0)
		buf[len < size ? len : size - 1] = '\0';
	return len > FIELD_MAX ? FIELD_MAX : (int)len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
