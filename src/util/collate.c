/* collate: Swedish order by primary weights per character (tables for
 * Latin-1 and Latin Extended-A), with case and bytes as tiebreaks. */
#include "util/collate.h"

#include <stdint.h>
#include <string.h>

#include "util/utf8.h"

/* Weight bands: punctuation < digits < letters < other < invalid. */
#define W_PUNCT 1u
#define W_DIGIT 0x3000u
#define W_LETTER 0x3100u
#define W_OTHER 0x4000u
#define W_INVALID 0x200000u

/* Base letters: 'a'..'z', '1' = å, '2' = ä, '3' = ö, '.' = not a letter.
 * U+00E0..U+00FF (upper case U+00C0..U+00DE maps onto it). */
static const char collate_latin1[33] = "aaaa212ceeeeiiiidnoo3o3.3uuuyyty";
/* U+0100..U+017F. */
static const char collate_exta[129] =
    "aaaaaaccccccccddddeeeeee22eegggggggghhhhiiiiiiiiiiiijjkkk"
    "llllllllllnnnnnnnnnoooo3333rrrrrrssssssssttttttuuuuuuuuyyuu"
    "wwyyyzzzzzzs";

/* One character's weights. alt is a second primary weight that
 * collate_contains also accepts (u for ü). */
struct collate_ch {
	uint32_t w, alt;
	int upper;
};

static uint32_t
collate_letter(char base)
{
	if (base >= 'a' && base <= 'z')
		return W_LETTER + (uint32_t)(base - 'a');
	return W_LETTER + 26 + (uint32_t)(base - '1');
}

/* Upper case in Latin Extended-A: mostly even code points, but two runs
 * have upper case on the odd ones. */
static int
collate_exta_upper(uint32_t cp)
{
	if (cp == 0x130 || cp == 0x178)
		return 1;
	if (cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17f)
		return 0;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return cp & 1;
	return !(cp & 1);
}

static void
collate_weigh(uint32_t cp, struct collate_ch *c)
{
	char base = '.';

	c->upper = 0;
	if (cp >= '0' && cp <= '9') {
		c->w = W_DIGIT + (cp - '0');
		return;
	}
	if (cp >= 'a' && cp <= 'z')
		base = (char)cp;
	else if (cp >= 'A' && cp <= 'Z') {
		base = (char)(cp - 'A' + 'a');
		c->upper = 1;
	} else if (cp == 0xdf)
		base = 's'; /* ß */
	else if (cp >= 0xe0 && cp <= 0xff)
		base = collate_latin1[cp - 0xe0];
	else if (cp >= 0xc0 && cp <= 0xde) {
		base = collate_latin1[cp - 0xc0];
		c->upper = 1;
	} else if (cp >= 0x100 && cp <= 0x17f) {
		base = collate_exta[cp - 0x100];
		c->upper = collate_exta_upper(cp);
	}
	if (base != '.')
		c->w = collate_letter(base);
	else if (cp < 0x80 || (cp >= 0x80 && cp <= 0xbf) || cp == 0xd7 ||
	    cp == 0xf7 || (cp >= 0x2000 && cp <= 0x206f))
		c->w = W_PUNCT + cp;
	else
		c->w = W_OTHER + cp;
	/* ü and ű sort as y but are typed as u. */
	c->alt = (cp == 0xfc || cp == 0xdc || cp == 0x170 || cp == 0x171) ?
	    collate_letter('u') :
	    c->w;
}

/* Next character of *p with its weights; 0 at the end. Combining marks
 * are folded into the character before them. */
static int
collate_next(const char **p, struct collate_ch *c)
{
	const char *s = *p;
	size_t n = strnlen(s, 4), l;
	uint32_t cp, mark;

	if (*s == '\0')
		return 0;
	if ((l = utf8_decode(s, n, &cp)) == 0) {
		c->w = c->alt = W_INVALID + (unsigned char)*s;
		c->upper = 0;
		*p = s + 1;
		return 1;
	}
	s += l;
	collate_weigh(cp, c);
	for (;;) {
		n = strnlen(s, 4);
		if ((l = utf8_decode(s, n, &mark)) == 0 || mark < 0x300 ||
		    mark > 0x36f)
			break;
		s += l;
		if (mark == 0x30a && c->w == collate_letter('a'))
			c->w = c->alt = collate_letter('1');
		else if (mark == 0x308 && c->w == collate_letter('a'))
			c->w = c->alt = collate_letter('2');
		else if (mark == 0x308 && c->w == collate_letter('o'))
			c->w = c->alt = collate_letter('3');
		else if (mark == 0x308 && c->w == collate_letter('u'))
			c->w = collate_letter('y');
	}
	*p = s;
	return 1;
}

int
collate_cmp(const char *a, const char *b)
{
	const char *pa = a, *pb = b;
	struct collate_ch ca, cb;
	int ha, hb, casediff = 0;

	for (;;) {
		ha = collate_next(&pa, &ca);
		hb = collate_next(&pb, &cb);
		if (!ha || !hb)
			break;
		if (ca.w != cb.w)
			return ca.w < cb.w ? -1 : 1;
		if (casediff == 0 && ca.upper != cb.upper)
			casediff = ca.upper ? 1 : -1;
	}
	if (ha != hb)
		return ha ? 1 : -1; /* the shorter sorts first */
	if (casediff != 0)
		return casediff;
	return strcmp(a, b) < 0 ? -1 : strcmp(a, b) > 0;
}

int
collate_strptr_cmp(const void *a, const void *b)
{
	return collate_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if needle matches hay at this position. */
static int
collate_match_at(const char *hay, const char *needle)
{
	struct collate_ch ch, cn;

	while (collate_next(&needle, &cn)) {
		if (!collate_next(&hay, &ch))
			return 0;
		if (cn.w != ch.w && cn.w != ch.alt)
			return 0;
	}
	return 1;
}

int
collate_contains(const char *hay, const char *needle)
{
	struct collate_ch c;

	if (*needle == '\0')
		return 1;
	do {
		if (collate_match_at(hay, needle))
			return 1;
	} while (collate_next(&hay, &c));
	return 0;
}
