/* collate: Swedish alphabetical order and type-to-filter matching, done
 * in code so that lists sort the same whatever locales are installed.
 *
 * Order: space and punctuation, then digits 0-9, then a..z, å, ä, ö,
 * then every other character by code point. Letters compare without
 * regard to case first; then lower case before upper case at the first
 * difference; then byte order, so that the order is total. Following
 * Swedish practice (CLDR "sv"): é, è, á, ç, ñ and other accented Latin
 * letters sort as their base letter (é as e); ü and ű as y; æ and ę as ä;
 * ø, ô, œ and ő as ö; ð and đ as d; þ as t; ß as s. Decomposed input (a
 * or o followed by a combining ring or diaeresis) counts as å, ä, ö.
 * Numbers are not compared by value: "10" sorts before "9". */
#ifndef AVSLUT_COLLATE_H
#define AVSLUT_COLLATE_H

/* <0, 0 or >0 as a sorts before, equal to or after b. Both are UTF-8;
 * invalid bytes sort after every character, by byte value. */
int collate_cmp(const char *a, const char *b);
/* collate_cmp for qsort over an array of char *. */
int collate_strptr_cmp(const void *a, const void *b);

/* 1 if needle occurs in hay, ignoring case and the accents Swedish does
 * not count as letters of their own (typing "cafe" finds "Café", "u"
 * finds "ü"). å, ä and ö are letters of their own: "o" does not find
 * "ö" and "a" does not find "å" or "ä", just as they never sort
 * together. An empty needle is found everywhere. */
int collate_contains(const char *hay, const char *needle);

#endif
