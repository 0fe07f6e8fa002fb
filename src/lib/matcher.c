/* Phrase matcher: finds rubric indicator phrases in text.
 *
 * Text and phrases are cut into the same word tokens (runs of letters and
 * digits, case-folded; an apostrophe between two word characters belongs to
 * the word, so "don't" is one token; hyphens split).  A phrase is a sequence
 * of token patterns: an exact word, a prefix ("word*") or any one word ("*").
 * Phrases are indexed by their first token so one pass over the text only
 * tries phrases that can start at each token. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PHRASE_TOKENS 16
#define MAX_PHRASES 100000
#define NEG_WINDOW 3

typedef enum { PAT_EXACT, PAT_PREFIX, PAT_ANY } pat_kind;

typedef struct {
    pat_kind kind;
    char *word;             /* folded UTF-8; NULL for PAT_ANY */
    size_t len;
} pat_token;

typedef struct {
    pat_token toks[MAX_PHRASE_TOKENS];
    size_t ntoks;
} phrase;

/* A chain of phrases sharing an exact first word. */
typedef struct bucket_entry {
    const char *word;
    size_t len;
    size_t *ids;
    size_t nids, cap;
    struct bucket_entry *next;
} bucket_entry;

struct art_matcher {
    phrase *phrases;
    size_t nphrases;
    bucket_entry **buckets;     /* hash of exact first words */
    size_t nbuckets;
    size_t *loose;              /* phrases whose first token is a prefix or "*" */
    size_t nloose;
};

/* One token of text: folded bytes live in a shared buffer. */
typedef struct {
    size_t off, len;            /* into the folded buffer */
    long start, end;            /* code points in the original text */
} text_token;

typedef struct {
    art_buf folded;
    text_token *toks;
    size_t n, cap;
} token_list;

/* ---- character classes ------------------------------------------------ */

/* Without a Unicode table, code points >= 0x80 count as letters unless they
 * sit in a block that is punctuation, symbols, spaces or controls. */
static bool is_word_cp(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp < 0xC0)
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    if (cp == 0xD7 || cp == 0xF7)
        return false;
    if (cp >= 0x2000 && cp <= 0x2BFF)       /* punctuation, symbols, arrows, math */
        return false;
    if (cp >= 0x3000 && cp <= 0x303F)       /* CJK punctuation */
        return false;
    if (cp >= 0xD800 && cp <= 0xF8FF)       /* surrogates, private use */
        return false;
    if (cp >= 0xFE00 && cp <= 0xFE6F)       /* variation selectors, small forms */
        return false;
    if (cp >= 0xFF00 && cp <= 0xFF0F)       /* full-width punctuation */
        return false;
    if (cp >= 0xFFF0 && cp <= 0xFFFF)       /* specials, U+FFFD */
        return false;
    if (cp >= 0x1F000 && cp <= 0x1FAFF)     /* emoji and pictographs */
        return false;
    return true;
}

static bool is_apostrophe(unsigned cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018; }

/* ---- tokeniser -------------------------------------------------------- */

static bool token_list_push(token_list *tl, size_t off, size_t len, long start, long end)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 32;
        text_token *p = realloc(tl->toks, cap * sizeof *p);
        if (!p)
            return false;
        tl->toks = p;
        tl->cap = cap;
    }
    tl->toks[tl->n++] = (text_token){off, len, start, end};
    return true;
}

static void token_list_free(token_list *tl)
{
    art_buf_free(&tl->folded);
    free(tl->toks);
}

static void append_folded(art_buf *b, unsigned cp)
{
    char enc[4];
    size_t k = art_utf8_encode(art_utf8_fold(cp), enc);
    art_buf_append(b, enc, k);
}

/* Cut text into folded word tokens with code-point offsets. */
static bool tokenize(const char *text, size_t len, token_list *tl)
{
    art_buf_init(&tl->folded);
    tl->toks = NULL;
    tl->n = tl->cap = 0;
    size_t i = 0;
    long cp_pos = 0;
    bool in_word = false;
    size_t word_off = 0;
    long word_start = 0;
    while (i < len) {
        unsigned cp;
        size_t k = art_utf8_decode(text + i, len - i, &cp);
        if (is_word_cp(cp)) {
            if (!in_word) {
                in_word = true;
                word_off = tl->folded.len;
                word_start = cp_pos;
            }
            append_folded(&tl->folded, cp);
        } else if (in_word && is_apostrophe(cp) && i + k < len) {
            /* Keep the apostrophe only when a word character follows it. */
            unsigned next;
            art_utf8_decode(text + i + k, len - i - k, &next);
            if (is_word_cp(next)) {
                art_buf_putc(&tl->folded, '\'');
            } else {
                if (!token_list_push(tl, word_off, tl->folded.len - word_off, word_start, cp_pos))
                    return false;
                in_word = false;
            }
        } else if (in_word) {
            if (!token_list_push(tl, word_off, tl->folded.len - word_off, word_start, cp_pos))
                return false;
            in_word = false;
        }
        i += k;
        cp_pos++;
    }
    if (in_word && !token_list_push(tl, word_off, tl->folded.len - word_off, word_start, cp_pos))
        return false;
    /* An empty buffer has no data pointer; give tokens something to point at. */
    if (!tl->folded.data)
        art_buf_putc(&tl->folded, '\0');
    return !tl->folded.failed;
}

/* ---- phrase compilation ----------------------------------------------- */

static void phrase_free(phrase *p)
{
    for (size_t i = 0; i < p->ntoks; i++)
        free(p->toks[i].word);
}

static art_status phrase_add(phrase *p, pat_kind kind, const char *w, size_t n, size_t idx,
                             art_error *err)
{
    if (p->ntoks == MAX_PHRASE_TOKENS)
        return art_error_set(err, ART_ERR_USAGE, "phrase %zu has more than %d words", idx + 1,
                             MAX_PHRASE_TOKENS);
    pat_token *t = &p->toks[p->ntoks];
    t->kind = kind;
    t->word = NULL;
    t->len = n;
    if (kind != PAT_ANY) {
        t->word = art_strndup(w, n);
        if (!t->word)
            return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    }
    p->ntoks++;
    return ART_OK;
}

/* Compile one white-space separated piece: "*", "word", "word*", "co-prod*". */
static art_status compile_piece(phrase *p, const char *s, size_t n, size_t idx, art_error *err)
{
    if (n == 1 && s[0] == '*')
        return phrase_add(p, PAT_ANY, NULL, 0, idx, err);
    bool prefix = false;
    while (n > 0 && s[n - 1] == '*') {
        prefix = true;
        n--;
    }
    token_list tl;
    if (!tokenize(s, n, &tl)) {
        token_list_free(&tl);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    }
    art_status st = ART_OK;
    for (size_t i = 0; i < tl.n && st == ART_OK; i++) {
        pat_kind kind = (prefix && i + 1 == tl.n) ? PAT_PREFIX : PAT_EXACT;
        st = phrase_add(p, kind, tl.folded.data + tl.toks[i].off, tl.toks[i].len, idx, err);
    }
    token_list_free(&tl);
    return st;
}

static art_status compile_phrase(phrase *p, const char *text, size_t idx, art_error *err)
{
    p->ntoks = 0;
    if (!text)
        return art_error_set(err, ART_ERR_USAGE, "phrase %zu is missing", idx + 1);
    const char *s = text;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r')
            e++;
        if (e > s) {
            art_status st = compile_piece(p, s, (size_t)(e - s), idx, err);
            if (st != ART_OK)
                return st;
        }
        s = e;
    }
    if (p->ntoks == 0)
        return art_error_set(err, ART_ERR_USAGE, "phrase %zu has no words", idx + 1);
    return ART_OK;
}

/* ---- first-token index ------------------------------------------------ */

static size_t hash_word(const char *w, size_t n)
{
    size_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

static bucket_entry *bucket_find(const art_matcher *m, const char *w, size_t n)
{
    bucket_entry *e = m->buckets[hash_word(w, n) % m->nbuckets];
    for (; e; e = e->next)
        if (e->len == n && memcmp(e->word, w, n) == 0)
            return e;
    return NULL;
}

static bool push_id(size_t **ids, size_t *n, size_t *cap, size_t id)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 4;
        size_t *p = realloc(*ids, c * sizeof *p);
        if (!p)
            return false;
        *ids = p;
        *cap = c;
    }
    (*ids)[(*n)++] = id;
    return true;
}

static bool index_phrase(art_matcher *m, size_t id, size_t *loose_cap)
{
    const pat_token *first = &m->phrases[id].toks[0];
    if (first->kind != PAT_EXACT)
        return push_id(&m->loose, &m->nloose, loose_cap, id);
    bucket_entry *e = bucket_find(m, first->word, first->len);
    if (!e) {
        e = calloc(1, sizeof *e);
        if (!e)
            return false;
        e->word = first->word;
        e->len = first->len;
        size_t b = hash_word(first->word, first->len) % m->nbuckets;
        e->next = m->buckets[b];
        m->buckets[b] = e;
    }
    return push_id(&e->ids, &e->nids, &e->cap, id);
}

void art_matcher_free(art_matcher *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->buckets && i < m->nbuckets; i++) {
        bucket_entry *e = m->buckets[i];
        while (e) {
            bucket_entry *next = e->next;
            free(e->ids);
            free(e);
            e = next;
        }
    }
    free(m->buckets);
    for (size_t i = 0; i < m->nphrases; i++)
        phrase_free(&m->phrases[i]);
    free(m->phrases);
    free(m->loose);
    free(m);
}

art_status art_matcher_new(const char *const *phrases, size_t n, art_matcher **out,
                           art_error *err)
{
    *out = NULL;
    if (n == 0 || !phrases)
        return art_error_set(err, ART_ERR_USAGE, "matcher needs at least one phrase");
    if (n > MAX_PHRASES)
        return art_error_set(err, ART_ERR_USAGE, "too many phrases (%zu, at most %d)", n,
                             MAX_PHRASES);
    art_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    m->phrases = calloc(n, sizeof *m->phrases);
    m->nbuckets = n * 2 + 1;
    m->buckets = calloc(m->nbuckets, sizeof *m->buckets);
    if (!m->phrases || !m->buckets) {
        art_matcher_free(m);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    }
    size_t loose_cap = 0;
    for (size_t i = 0; i < n; i++) {
        art_status st = compile_phrase(&m->phrases[i], phrases[i], i, err);
        m->nphrases = i + 1;    /* so free releases what this phrase holds */
        if (st != ART_OK) {
            art_matcher_free(m);
            return st;
        }
        if (!index_phrase(m, i, &loose_cap)) {
            art_matcher_free(m);
            return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
        }
    }
    *out = m;
    return ART_OK;
}

/* ---- matching --------------------------------------------------------- */

static bool token_is(const token_list *tl, size_t i, const char *w)
{
    size_t n = strlen(w);
    return tl->toks[i].len == n && memcmp(tl->folded.data + tl->toks[i].off, w, n) == 0;
}

static bool token_matches(const token_list *tl, size_t i, const pat_token *p)
{
    const text_token *t = &tl->toks[i];
    const char *w = tl->folded.data + t->off;
    switch (p->kind) {
    case PAT_ANY:
        return true;
    case PAT_PREFIX:
        return t->len >= p->len && memcmp(w, p->word, p->len) == 0;
    case PAT_EXACT:
        return t->len == p->len && memcmp(w, p->word, p->len) == 0;
    }
    return false;
}

static bool phrase_matches_at(const token_list *tl, size_t at, const phrase *p)
{
    if (at + p->ntoks > tl->n)
        return false;
    for (size_t k = 0; k < p->ntoks; k++)
        if (!token_matches(tl, at + k, &p->toks[k]))
            return false;
    return true;
}

static const char *const NEGATORS[] = {
    "not", "no", "never", "nobody", "nothing", "neither", "nor", "without", "cannot",
    "can't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't",
    "won't", "wouldn't", "shouldn't", "lack", "lacks", "lacking", NULL};

static bool is_negator(const token_list *tl, size_t i)
{
    for (size_t k = 0; NEGATORS[k]; k++)
        if (token_is(tl, i, NEGATORS[k]))
            return true;
    /* "no longer": counts when "longer" is in the window and "no" precedes it. */
    return i > 0 && token_is(tl, i, "longer") && token_is(tl, i - 1, "no");
}

static bool negated_before(const token_list *tl, size_t at)
{
    for (size_t d = 1; d <= NEG_WINDOW && d <= at; d++)
        if (is_negator(tl, at - d))
            return true;
    return false;
}

typedef struct {
    art_match *v;
    size_t n, cap;
} match_list;

static bool match_push(match_list *ml, const token_list *tl, size_t at, size_t id,
                       const phrase *p)
{
    if (ml->n == ml->cap) {
        size_t cap = ml->cap ? ml->cap * 2 : 16;
        art_match *q = realloc(ml->v, cap * sizeof *q);
        if (!q)
            return false;
        ml->v = q;
        ml->cap = cap;
    }
    art_match *mt = &ml->v[ml->n++];
    mt->indicator = id;
    mt->start = tl->toks[at].start;
    mt->end = tl->toks[at + p->ntoks - 1].end;
    mt->negated = negated_before(tl, at) ? 1 : 0;
    return true;
}

/* Try every candidate phrase at token `at`. */
static bool match_at(const art_matcher *m, const token_list *tl, size_t at, match_list *ml)
{
    const text_token *t = &tl->toks[at];
    const bucket_entry *e = bucket_find(m, tl->folded.data + t->off, t->len);
    for (size_t k = 0; e && k < e->nids; k++) {
        const phrase *p = &m->phrases[e->ids[k]];
        if (phrase_matches_at(tl, at, p) && !match_push(ml, tl, at, e->ids[k], p))
            return false;
    }
    for (size_t k = 0; k < m->nloose; k++) {
        const phrase *p = &m->phrases[m->loose[k]];
        if (phrase_matches_at(tl, at, p) && !match_push(ml, tl, at, m->loose[k], p))
            return false;
    }
    return true;
}

static int match_cmp(const void *a, const void *b)
{
    const art_match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->indicator != y->indicator)
        return x->indicator < y->indicator ? -1 : 1;
    return 0;
}

art_status art_matcher_run(const art_matcher *m, const char *text, size_t len,
                           art_match **out, size_t *nout, art_error *err)
{
    *out = NULL;
    *nout = 0;
    if (!m || (!text && len > 0))
        return art_error_set(err, ART_ERR_USAGE, "matcher run without matcher or text");
    if (len == 0)
        return ART_OK;
    token_list tl;
    if (!tokenize(text, len, &tl)) {
        token_list_free(&tl);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory matching phrases");
    }
    match_list ml = {NULL, 0, 0};
    for (size_t at = 0; at < tl.n; at++) {
        if (!match_at(m, &tl, at, &ml)) {
            free(ml.v);
            token_list_free(&tl);
            return art_error_set(err, ART_ERR_NOMEM, "out of memory matching phrases");
        }
    }
    token_list_free(&tl);
    /* Matches are found in start order; the sort settles ties by indicator. */
    if (ml.n > 1)
        qsort(ml.v, ml.n, sizeof *ml.v, match_cmp);
    *out = ml.v;
    *nout = ml.n;
    return ART_OK;
}
