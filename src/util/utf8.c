/* utf8: strict decoding and the forbidden-character rule. */
#include "util/utf8.h"

#include <string.h>

#include "util/xmem.h"

size_t
utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		o[0] = (unsigned char)(0xf0 | (cp >> 18));
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (unsigned char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* The 8 bytes at s, loaded without regard to alignment. */
static uint64_t
utf8_word(const char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof w);
	return w;
}

/* 1 if all 8 bytes of w are ASCII. */
static int
utf8_ascii8(uint64_t w)
{
	return (w & HIGH) == 0;
}

/* 1 if all 8 bytes of w are printable ASCII (0x20..0x7e): no high bit,
 * none below 0x20, none 0x7f (the usual tests for a byte below n, for
 * a zero byte after the xor). */
static int
utf8_print8(uint64_t w)
{
	uint64_t x = w ^ (0x7f * ONES);

	return ((w | ((w - 0x20 * ONES) & ~w) | ((x - ONES) & ~x)) & HIGH) == 0;
}

int
utf8_valid(const char *s, size_t n, size_t *bad)
{
	size_t i = 0, k, l;
	uint32_t cp;

	while (i < n) {
		while (n - i >= 8 && utf8_ascii8(utf8_word(s + i)))
			i += 8;
		/* ASCII (as utf8_decode) up to the byte that stopped the word */
		for (k = 0; k < 8 && i < n && (unsigned char)s[i] < 0x80; k++)
			i++;
		if (i >= n || (unsigned char)s[i] < 0x80)
			continue;
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0) {
			if (bad != NULL)
				*bad = i;
			return 0;
		}
		i += l;
	}
	return 1;
}

int
utf8_forbidden(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return 1;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 1;
	if (cp == 0x200e || cp == 0x200f || cp == 0x061c || cp == 0xfeff)
		return 1;
	return 0;
}

int
utf8_clean(const char *s, size_t n, int allow_newline, size_t *bad,
    uint32_t *badcp)
{
	size_t i = 0, l;
	uint32_t cp;

	while (i < n) {
		/* printable ASCII, most of any text: valid, not forbidden */
		if (n - i >= 8 && utf8_print8(utf8_word(s + i))) {
			i += 8;
			continue;
		}
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			i++;
			continue;
		}
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0) {
			cp = 0xffffffffu;
			goto fail;
		}
		if (utf8_forbidden(cp) && !(allow_newline && cp == '\n'))
			goto fail;
		i += l;
	}
	return 1;
fail:
	if (bad != NULL)
		*bad = i;
	if (badcp != NULL)
		*badcp = cp;
	return 0;
}

size_t
utf8_len(const char *s, size_t n)
{
	size_t i = 0, l, count = 0;
	uint32_t cp;

	while (i < n) {
		if (n - i >= 8 && utf8_ascii8(utf8_word(s + i))) {
			i += 8;
			count += 8;
			continue;
		}
		if ((unsigned char)s[i] < 0x80) /* ASCII: one character */
			l = 1;
		else
			l = utf8_decode(s + i, n - i, &cp);
		i += l ? l : 1;
		count++;
	}
	return count;
}

int
utf8_clean_len(const char *s, size_t n, int allow_newline, size_t *len,
    size_t *bad, uint32_t *badcp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, l, count = 0;
	uint32_t cp;

	/* utf8_clean's loop, counting as utf8_len does; after the first
	 * bad sequence only utf8_len's count goes on. */
	while (i < n) {
		while (n - i >= 8 && utf8_print8(utf8_word(s + i))) {
			i += 8;
			count += 8;
		}
		/* the printable ASCII up to the byte that stopped the word */
		for (k = 0; k < 8 && i < n && u[i] >= 0x20 && u[i] < 0x7f; k++)
			i++;
		count += k;
		if (i >= n || (u[i] >= 0x20 && u[i] < 0x7f))
			continue;
		/* Two bytes (the Latin letters): U+00A0..U+07FF are all
		 * allowed but U+061C; U+0080..U+009F are C1 controls. */
		if (u[i] >= 0xc2 && u[i] <= 0xdf && n - i >= 2 &&
		    (u[i + 1] & 0xc0) == 0x80) {
			cp = (uint32_t)(u[i] & 0x1f) << 6 | (u[i + 1] & 0x3f);
			if (cp >= 0xa0 && cp != 0x061c) {
				i += 2;
				count++;
				continue;
			}
		}
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0)
			cp = 0xffffffffu;
		else if (!utf8_forbidden(cp) || (allow_newline && cp == '\n')) {
			i += l;
			count++;
			continue;
		}
		if (bad != NULL)
			*bad = i;
		if (badcp != NULL)
			*badcp = cp;
		*len = count + utf8_len(s + i, n - i);
		return 0;
	}
	*len = count;
	return 1;
}

char *
utf8_sanitize(const char *s, size_t n, int keep_newline)
{
	/* Every input byte becomes at most 3 output bytes (U+FFFD). */
	char *out = xmalloc(n * 3 + 1);
	size_t i = 0, o = 0, l;
	uint32_t cp;

	while (i < n) {
		/* printable ASCII, most of any text: as it is */
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			out[o++] = s[i++];
			continue;
		}
		l = utf8_decode(s + i, n - i, &cp);
		if (l == 0 ||
		    (utf8_forbidden(cp) && !(keep_newline && cp == '\n'))) {
			if (l == 0)
				l = 1;
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(out + o, s + i, l);
			o += l;
		}
		i += l;
	}
	out[o] = '\0';
	return out;
}
