/*
 * The kernel's C string functions (declared in kernel/include/kernel/string.h).
 *
 * Simple byte loops, plus word-at-a-time copies and fills when the pointers
 * are 8-byte aligned, which is the common case for page and struct copies.
 * Built only for the kernel: host tests use the C library's versions.
 *
 * The compiler must not turn these loops back into calls to memcpy/memset
 * (that would recurse): the kernel build uses -ffreestanding -fno-builtin,
 * and gcc does not replace a loop with a call to the function it is in.
 */
#include <kernel/string.h>
#include <kernel/types.h>

/* A word that may alias any object, so word copies are defined behaviour. */
typedef uint64_t __attribute__((may_alias)) string_word_t;

#define WORD sizeof(string_word_t)

static bool words_aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) & (WORD - 1)) == 0;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (words_aligned(d, s)) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(string_word_t *)d = *(const string_word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Forward is safe unless dst starts inside [src, src + n). */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char byte = (unsigned char)c;

	if (words_aligned(d, d)) {
		string_word_t w = byte * 0x0101010101010101ull;
		for (; n >= WORD; n -= WORD, d += WORD)
			*(string_word_t *)d = w;
	}
	while (n--)
		*d++ = byte;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i] || !x[i])
			return x[i] - y[i];
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}
