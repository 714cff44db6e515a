/* utf8: strict UTF-8 decoding and the text rules every input obeys:
 * no invalid sequences, no control characters, no bidi overrides. */
#ifndef AVSLUT_UTF8_H
#define AVSLUT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point from s[0..n). Returns its length (1..4) and sets
 * *cp, or 0 for an invalid, overlong, surrogate or truncated sequence. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp into out (at least 4 bytes). Returns the length, 0 if cp is
 * not a scalar value. */
size_t utf8_encode(uint32_t cp, char *out);
/* 1 if s[0..n) is valid UTF-8; otherwise 0 and *bad = offset of the first
 * bad byte (bad may be NULL). */
int utf8_valid(const char *s, size_t n, size_t *bad);
/* 1 for code points that must never appear in stored or displayed text:
 * C0/C1 controls and DEL (tab and newline are decided by the caller),
 * bidi embeddings, overrides and isolates (U+202A..U+202E,
 * U+2066..U+2069), U+200E/U+200F marks, U+061C, and U+FEFF. */
int utf8_forbidden(uint32_t cp);
/* Check valid UTF-8 with no forbidden code point. allow_newline lets '\n'
 * through (multi-line texts). Returns 1 if fine, else 0 with *bad set to
 * the byte offset and *badcp to the code point (0xFFFFFFFF if invalid). */
int utf8_clean(const char *s, size_t n, int allow_newline, size_t *bad,
    uint32_t *badcp);
/* Number of code points in a valid string. */
size_t utf8_len(const char *s, size_t n);
/* utf8_clean and utf8_len in one pass over s[0..n): *len is what
 * utf8_len(s, n) returns; the result, *bad and *badcp what utf8_clean
 * gives. For checking a text's length and characters together. */
int utf8_clean_len(const char *s, size_t n, int allow_newline, size_t *len,
    size_t *bad, uint32_t *badcp);
/* Copy s with every forbidden or invalid sequence replaced by U+FFFD and
 * newlines kept only if keep_newline. Caller frees. For showing untrusted
 * text on a terminal. */
char *utf8_sanitize(const char *s, size_t n, int keep_newline);

#endif
