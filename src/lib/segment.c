/* The document builder: blocks of plain text in, sentences with code-point
 * locators out.  Every parser (txt, md, html) goes through here, so the
 * locator rules live in one place: plain_text is the blocks joined by "\n\n",
 * and each segment's [start,end) in code points is exactly its text. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* One enormous line must not become one enormous segment. */
#define SENTENCE_MAX_CP 2000

art_status art_doc_builder_init(art_doc_builder *b, const char *format)
{
    memset(b, 0, sizeof *b);
    art_buf_init(&b->text);
    b->doc = calloc(1, sizeof *b->doc);
    if (!b->doc || !(b->doc->format = art_strdup(format))) {
        free(b->doc);
        b->doc = NULL;
        b->failed = true;
        return ART_ERR_NOMEM;
    }
    return ART_OK;
}

void art_document_free(art_document *doc)
{
    if (!doc)
        return;
    for (size_t i = 0; i < doc->nsegs; i++)
        free(doc->segs[i].text);
    free(doc->segs);
    free(doc->format);
    free(doc->title);
    free(doc->plain_text);
    free(doc);
}

void art_doc_builder_abort(art_doc_builder *b)
{
    art_document_free(b->doc);
    art_buf_free(&b->text);
    memset(b, 0, sizeof *b);
}

/* Byte classes for normalising a block: NO-BREAK SPACE (C2 A0) and ASCII
 * white space become one space, runs squash, and the text ends at a NUL
 * (the old copy-then-squash stopped there too). */
enum { NORM_KEEP = 0, NORM_SPACE, NORM_END, NORM_C2 };

static const unsigned char norm_class[256] = {
    [0] = NORM_END,   [' '] = NORM_SPACE, ['\t'] = NORM_SPACE, ['\n'] = NORM_SPACE,
    ['\r'] = NORM_SPACE, ['\f'] = NORM_SPACE, ['\v'] = NORM_SPACE, [0xC2] = NORM_C2,
};

/* Copy the leading bytes of s[i..n) that need no attention (printable
 * ASCII other than space) to out + w, and return how many.  With SSE2, 16
 * at a time: the 16 bytes are stored whatever they hold (out has room for
 * n bytes and w <= i, so the store stays inside it; the bytes past the
 * first interesting one are overwritten later). */
static size_t copy_plain_run(char *out, size_t w, const char *s, size_t i, size_t n)
{
    size_t start = i;
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i limit = _mm_set1_epi8(0x21);
    while (n - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(out + w + (i - start)), v);
        /* Signed compare: NUL, white space, other controls and every byte
         * >= 0x80 are below 0x21. */
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, limit));
        if (m)
            return i - start + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < n && (unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x80) {
        out[w + (i - start)] = s[i];
        i++;
    }
    return i - start;
}

/* Write s[0..n) to out (room for n bytes) with NO-BREAK SPACE turned into a
 * space and white space squashed and trimmed, so blocks compare and segment
 * the same whatever the source.  One pass instead of copy, squash, strlen;
 * returns the bytes written and ORs every byte kept into *high, so an
 * all-ASCII block needs no code-point count.  A kept byte is never ' ', so
 * out[w - 1] == ' ' means "a run of white space was just written". */
static size_t normalise_into(char *out, const char *s, size_t n, unsigned *high)
{
    size_t w = 0;
    unsigned seen = 0;
    for (size_t i = 0; i < n; i++) {
        size_t run = copy_plain_run(out, w, s, i, n);   /* ASCII: seen needs nothing */
        w += run;
        i += run;
        if (i == n)
            break;
        unsigned char c = (unsigned char)s[i];
        unsigned cls = norm_class[c];
        if (cls != NORM_KEEP) {
            if (cls == NORM_END)
                break;
            if (cls == NORM_C2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
                i++;
                cls = NORM_SPACE;
            }
            if (cls == NORM_SPACE) {
                if (w > 0 && out[w - 1] != ' ')
                    out[w++] = ' ';
                continue;
            }
        }
        out[w++] = (char)c;
        seen |= c;
    }
    if (w > 0 && out[w - 1] == ' ')
        w--;
    *high = seen;
    return w;
}

/* Copy of s[0..n), normalised as above. */
static char *normalised_copy(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    unsigned high;
    out[normalise_into(out, s, n, &high)] = '\0';
    return out;
}

void art_doc_builder_set_title(art_doc_builder *b, const char *title, size_t len)
{
    if (!b->doc || !title)
        return;
    char *t = normalised_copy(title, len);
    if (!t) {
        b->failed = true;
        return;
    }
    if (!t[0]) {
        free(t);
        return;
    }
    free(b->doc->title);
    b->doc->title = t;
}

/* ---- sentence boundaries ------------------------------------------- */

static bool is_terminator(unsigned cp) { return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026; }

static bool is_closer(unsigned cp)
{
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == 0x2019 || cp == 0x201D;
}

static bool is_opener(unsigned cp)
{
    return cp == '"' || cp == '\'' || cp == '(' || cp == '[' || cp == 0x2018 || cp == 0x201C;
}

static bool is_upper(unsigned cp)
{
    if (cp < 0x80)
        return isupper((int)cp) != 0;
    return art_utf8_fold(cp) != cp && cp != 0x2018 && cp != 0x2019;
}

static bool starts_sentence(unsigned cp)
{
    return is_upper(cp) || (cp >= '0' && cp <= '9') || is_opener(cp);
}

/* With their lengths, so the common case (a word of another length) costs
 * one compare instead of a strlen per entry. */
#define ABBR(s) {s, sizeof s - 1}
static const struct { const char *word; size_t len; } abbreviations[] = {
    ABBR("e.g"), ABBR("i.e"), ABBR("etc"), ABBR("mr"),   ABBR("mrs"),  ABBR("ms"),
    ABBR("dr"),  ABBR("st"),  ABBR("no"),  ABBR("vs"),   ABBR("approx"), ABBR("cf"),
    ABBR("prof"), ABBR("eg"), ABBR("ie"),  ABBR("fig"),  ABBR("nb"),   ABBR("jr"),
    ABBR("sr"),  ABBR("inc"), ABBR("ltd"), ABBR("co"),   ABBR("dept"), ABBR("cllr"),
};
#undef ABBR

/* The word ending just before the '.' at dot: an abbreviation, an initial
 * ("J."), or a dotted form ("U.K.") does not end a sentence. */
static bool dot_is_abbreviation(const char *s, size_t dot)
{
    size_t start = dot;
    while (start > 0 && s[start - 1] != ' ')
        start--;
    while (start < dot && (s[start] == '(' || s[start] == '"' || s[start] == '\'' ||
                           s[start] == '['))
        start++;
    size_t n = dot - start;
    if (n == 0)
        return false;
    if (n == 1 && isalpha((unsigned char)s[start]))
        return true;
    if (memchr(s + start, '.', n))
        return true;
    for (size_t i = 0; i < sizeof abbreviations / sizeof abbreviations[0]; i++) {
        if (abbreviations[i].len != n)
            continue;
        size_t k = 0;
        while (k < n && tolower((unsigned char)s[start + k]) == abbreviations[i].word[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

/* If a sentence ends at byte i (a terminator), return the byte just past its
 * closing punctuation when the text goes on with " " and a sentence start;
 * otherwise 0. */
static size_t sentence_end_at(const char *s, size_t n, size_t i)
{
    unsigned cp;
    size_t k = art_utf8_decode(s + i, n - i, &cp);
    if (!is_terminator(cp))
        return 0;
    bool single_dot = (cp == '.');
    size_t j = i + k;
    while (j < n) {
        size_t kk = art_utf8_decode(s + j, n - j, &cp);
        if (!is_terminator(cp) && !is_closer(cp))
            break;
        if (is_terminator(cp))
            single_dot = false;
        j += kk;
    }
    if (j + 1 >= n || s[j] != ' ')
        return 0;
    art_utf8_decode(s + j + 1, n - j - 1, &cp);
    if (!starts_sentence(cp))
        return 0;
    if (single_dot && dot_is_abbreviation(s, i))
        return 0;
    return j;
}

/* ---- segments -------------------------------------------------------- */

static bool push_segment(art_doc_builder *b, const char *s, size_t n, long start_cp,
                         long ncp, int sentence, art_block_kind kind)
{
    art_document *doc = b->doc;
    if (doc->nsegs == b->segcap) {
        size_t cap = b->segcap ? b->segcap * 2 : 32;
        art_segment *p = realloc(doc->segs, cap * sizeof *p);
        if (!p)
            return false;
        doc->segs = p;
        b->segcap = cap;
    }
    art_segment *seg = &doc->segs[doc->nsegs];
    if (!(seg->text = art_strndup(s, n)))
        return false;
    seg->paragraph = doc->nblocks;
    seg->sentence = sentence;
    seg->start = start_cp;
    seg->end = start_cp + ncp;
    seg->block = kind;
    doc->nsegs++;
    return true;
}

/* Emit s[0..n) (ncp code points, starting at code point start_cp of
 * plain_text) as one or more segments of at most SENTENCE_MAX_CP code
 * points, split at a space when one is available. */
static bool emit_sentence(art_doc_builder *b, const char *s, size_t n, long ncp, long start_cp,
                          int *sentence, art_block_kind kind)
{
    /* Nearly every sentence fits: no need to walk it code point by code point. */
    if (ncp <= SENTENCE_MAX_CP)
        return n == 0 || push_segment(b, s, n, start_cp, ncp, (*sentence)++, kind);
    while (n > 0) {
        size_t cut = 0, last_space = 0;
        long cps = 0, cps_at_space = 0;
        while (cut < n && cps < SENTENCE_MAX_CP) {
            unsigned cp;
            if (s[cut] == ' ' && cut > 0) {
                last_space = cut;
                cps_at_space = cps;
            }
            cut += art_utf8_decode(s + cut, n - cut, &cp);
            cps++;
        }
        if (cut < n && last_space > 0) {
            /* Split before the space; the space itself belongs to no segment. */
            if (!push_segment(b, s, last_space, start_cp, cps_at_space, (*sentence)++, kind))
                return false;
            s += last_space + 1;
            n -= last_space + 1;
            start_cp += cps_at_space + 1;
            continue;
        }
        if (!push_segment(b, s, cut, start_cp, cps, (*sentence)++, kind))
            return false;
        s += cut;
        n -= cut;
        start_cp += cps;
    }
    return true;
}

/* A sentence can only end at '.', '!', '?' or the first byte of U+2026
 * (E2 80 A6).  None of them is a UTF-8 continuation byte, and the decoder
 * never swallows a byte that is not one, so scanning bytes finds exactly
 * the code points a decoding walk would. */
#define TERMINATOR_BYTES ".!?\xE2"

/* Code points in s[0..n); an all-ASCII block has one a byte. */
static long block_cp_count(const char *s, size_t n, bool ascii)
{
    return ascii ? (long)n : art_utf8_count(s, n);
}

/* s[0..n) is a normalised block: it holds no NUL and s[n] is NUL, so
 * strcspn (vectorised in libc) can skip to the next candidate terminator. */
static bool segment_block(art_doc_builder *b, const char *s, size_t n, long block_cp,
                          bool ascii, art_block_kind kind)
{
    int sentence = 0;
    size_t from = 0;
    long from_cp = block_cp;
    size_t i = strcspn(s, TERMINATOR_BYTES);
    while (i < n) {
        size_t end = sentence_end_at(s, n, i);
        if (!end) {
            i++;
            i += strcspn(s + i, TERMINATOR_BYTES);
            continue;
        }
        long ncp = block_cp_count(s + from, end - from, ascii);
        if (!emit_sentence(b, s + from, end - from, ncp, from_cp, &sentence, kind))
            return false;
        from = end + 1;         /* past the single space between sentences */
        from_cp += ncp + 1;
        i = from + strcspn(s + from, TERMINATOR_BYTES);
    }
    if (from < n)
        return emit_sentence(b, s + from, n - from, block_cp_count(s + from, n - from, ascii),
                             from_cp, &sentence, kind);
    return true;
}

art_status art_doc_builder_add(art_doc_builder *b, art_block_kind kind, const char *text,
                               size_t len)
{
    if (b->failed || !b->doc)
        return ART_ERR_NOMEM;
    /* Normalise straight into plain_text, after room for the "\n\n" that
     * joins blocks; an empty block leaves the buffer as it was. */
    size_t sep = b->doc->nblocks > 0 ? 2 : 0;
    if (!art_buf_reserve(&b->text, sep + len)) {
        b->failed = true;
        return ART_ERR_NOMEM;
    }
    char *block = b->text.data + b->text.len + sep;
    unsigned high;
    size_t n = normalise_into(block, text, len, &high);
    if (n == 0) {
        b->text.data[b->text.len] = '\0';
        return ART_OK;
    }
    if (sep) {
        memcpy(block - sep, "\n\n", sep);
        b->text_cp += 2;
    }
    b->text.len += sep + n;
    b->text.data[b->text.len] = '\0';
    long block_cp = b->text_cp;
    bool ascii = high < 0x80;
    b->text_cp += block_cp_count(block, n, ascii);
    if (!segment_block(b, block, n, block_cp, ascii, kind)) {
        b->failed = true;
        return ART_ERR_NOMEM;
    }
    b->doc->nblocks++;
    return ART_OK;
}

art_status art_doc_builder_finish(art_doc_builder *b, art_document **out, art_error *err)
{
    *out = NULL;
    if (b->failed || !b->doc || b->text.failed) {
        art_doc_builder_abort(b);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory while segmenting a document");
    }
    art_buf_append(&b->text, "", 0);   /* plain_text is "" for an empty document */
    if (b->text.failed) {
        art_doc_builder_abort(b);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory while segmenting a document");
    }
    b->doc->plain_text = art_buf_steal(&b->text);
    *out = b->doc;
    b->doc = NULL;
    art_doc_builder_abort(b);
    return ART_OK;
}
