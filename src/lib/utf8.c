/* UTF-8 decoding, validation and the simple case folding used by matching. */
#include "internal.h"

#include <stdint.h>
#include <string.h>

size_t art_utf8_decode_multi(const char *s, size_t n, unsigned *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    unsigned c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    unsigned min;
    if ((c & 0xE0) == 0xC0) { len = 2; c &= 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; c &= 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; c &= 0x07; min = 0x10000; }
    else { *cp = 0xFFFD; return 1; }
    if (len > n) { *cp = 0xFFFD; return 1; }
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        c = (c << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return len;
}

size_t art_utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Eight bytes at a time while they are all ASCII: English text is almost
 * all ASCII, and counting and checking run over every byte ingested. */
#define HIGH_BITS 0x8080808080808080ULL
#define LOW_BITS 0x0101010101010101ULL

static uint64_t load8(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

/* Bytes from s[0..n) that are ASCII (and, if no_nul, not NUL), in whole
 * words of eight; what is left is for the byte-by-byte loop. */
static size_t ascii_run(const char *s, size_t n, bool no_nul)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t w = load8(s + i);
        if (w & HIGH_BITS)
            break;
        if (no_nul && ((w - LOW_BITS) & ~w & HIGH_BITS))
            break;  /* a zero byte somewhere in the word */
        i += 8;
    }
    return i;
}

long art_utf8_count(const char *s, size_t n)
{
    long count = 0;
    for (size_t i = 0; i < n;) {
        size_t run = ascii_run(s + i, n - i, false);
        count += (long)run;
        i += run;
        if (i >= n)
            break;
        unsigned cp;
        i += art_utf8_decode(s + i, n - i, &cp);
        count++;
    }
    return count;
}

size_t art_utf8_first_invalid(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        i += ascii_run(s + i, n - i, true);
        if (i >= n)
            break;
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        /* A genuine U+FFFD is three bytes; a one-byte FFFD means invalid. */
        if (cp == 0 || (cp == 0xFFFD && k == 1))
            return i;
        i += k;
    }
    return n;
}

bool art_utf8_valid(const char *s, size_t n) { return art_utf8_first_invalid(s, n) == n; }

unsigned art_utf8_fold(unsigned cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp < 0xC0)
        return cp;
    /* Latin-1 capitals, except the multiplication sign. */
    if (cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    /* Latin Extended-A: pairs of capital (even) and small (odd), mostly. */
    if (cp >= 0x100 && cp <= 0x137 && !(cp & 1))
        return cp + 1;
    if (cp >= 0x139 && cp <= 0x148 && (cp & 1))
        return cp + 1;
    if (cp >= 0x14A && cp <= 0x177 && !(cp & 1))
        return cp + 1;
    /* Typographic apostrophe folds to ASCII so "don't" matches "don’t". */
    if (cp == 0x2019 || cp == 0x2018)
        return '\'';
    return cp;
}

size_t art_utf8_bom_len(const char *s, size_t n)
{
    return (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF) ? 3 : 0;
}
