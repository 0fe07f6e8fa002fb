/* Tests of the phrase matcher: tokens, offsets, wildcards, negation, hedging,
 * errors, and equivalence with the reference implementation below. */
#ifndef ART_NAIVE_ONLY     /* bench/bench_matcher.c takes only the reference */
#include "testutil.h"
#endif
#include "artefact/artefact.h"
#include "dict.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * naive_matches: the matcher as it was before the automaton (phrases
 * indexed by first token, every candidate tried at every token), kept
 * verbatim as the reference the automaton must agree with exactly.  Its
 * negator list follows the engine's; its hedge check is written
 * independently.
 * ==================================================================== */
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

typedef struct naive_matcher naive_matcher;
struct naive_matcher {
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
    bool clause_before, sentence_before;  /* filled by mark_breaks() */
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
    tl->toks[tl->n++] = (text_token){off, len, start, end, false, false};
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
/* Breaks are found as the engine finds them (a flag carried from the
 * punctuation to the next token): the equivalence under test is the
 * automaton's matching, not the punctuation list. */
static bool is_break_cp(unsigned cp)
{
    return cp == ',' || cp == ';' || cp == ':' || cp == '.' || cp == '!' || cp == '?' ||
           cp == '(' || cp == ')' || cp == 0x2013 || cp == 0x2014 || cp == 0x2026;
}

static bool tokenize_words(const char *text, size_t len, token_list *tl);

static bool tokenize(const char *text, size_t len, token_list *tl)
{
    return tokenize_words(text, len, tl);
}

static bool push_flagged(token_list *tl, size_t off, size_t len, long start, long end, bool b,
                         bool se)
{
    if (!token_list_push(tl, off, len, start, end))
        return false;
    tl->toks[tl->n - 1].clause_before = b;
    tl->toks[tl->n - 1].sentence_before = se;
    return true;
}

static bool tokenize_words(const char *text, size_t len, token_list *tl)
{
    art_buf_init(&tl->folded);
    tl->toks = NULL;
    tl->n = tl->cap = 0;
    size_t i = 0;
    long cp_pos = 0;
    bool in_word = false, brk = false, sent = false, wbrk = false, wsent = false;
    size_t word_off = 0;
    long word_start = 0;
    while (i < len) {
        unsigned cp;
        size_t k = art_utf8_decode(text + i, len - i, &cp);
        if (!is_word_cp(cp) && !(in_word && is_apostrophe(cp))) {
            brk = brk || is_break_cp(cp);
            sent = sent || cp == '.' || cp == '!' || cp == '?';
        }
        if (is_word_cp(cp)) {
            if (!in_word) {
                in_word = true;
                word_off = tl->folded.len;
                word_start = cp_pos;
                wbrk = brk;
                wsent = sent;
                brk = sent = false;
            }
            append_folded(&tl->folded, cp);
        } else if (in_word && is_apostrophe(cp) && i + k < len) {
            /* Keep the apostrophe only when a word character follows it. */
            unsigned next;
            art_utf8_decode(text + i + k, len - i - k, &next);
            if (is_word_cp(next)) {
                art_buf_putc(&tl->folded, '\'');
            } else {
                if (!push_flagged(tl, word_off, tl->folded.len - word_off, word_start, cp_pos, wbrk, wsent))
                    return false;
                in_word = false;
            }
        } else if (in_word) {
            if (!push_flagged(tl, word_off, tl->folded.len - word_off, word_start, cp_pos, wbrk, wsent))
                return false;
            in_word = false;
        }
        i += k;
        cp_pos++;
    }
    if (in_word && !push_flagged(tl, word_off, tl->folded.len - word_off, word_start, cp_pos, wbrk, wsent))
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

static bucket_entry *bucket_find(const naive_matcher *m, const char *w, size_t n)
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

static bool index_phrase(naive_matcher *m, size_t id, size_t *loose_cap)
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

static void naive_free(naive_matcher *m)
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

static art_status naive_new(const char *const *phrases, size_t n, naive_matcher **out,
                           art_error *err)
{
    *out = NULL;
    if (n == 0 || !phrases)
        return art_error_set(err, ART_ERR_USAGE, "matcher needs at least one phrase");
    if (n > MAX_PHRASES)
        return art_error_set(err, ART_ERR_USAGE, "too many phrases (%zu, at most %d)", n,
                             MAX_PHRASES);
    naive_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    m->phrases = calloc(n, sizeof *m->phrases);
    m->nbuckets = n * 2 + 1;
    m->buckets = calloc(m->nbuckets, sizeof *m->buckets);
    if (!m->phrases || !m->buckets) {
        naive_free(m);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    }
    size_t loose_cap = 0;
    for (size_t i = 0; i < n; i++) {
        art_status st = compile_phrase(&m->phrases[i], phrases[i], i, err);
        m->nphrases = i + 1;    /* so free releases what this phrase holds */
        if (st != ART_OK) {
            naive_free(m);
            return st;
        }
        if (!index_phrase(m, i, &loose_cap)) {
            naive_free(m);
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
    "won't", "wouldn't", "shouldn't", "couldn't", "hasn't", "haven't", "hadn't",
    "mustn't", "needn't", "shan't", "ain't", "dont", "doesnt", "didnt", "isnt", "arent",
    "wasnt", "werent", "wouldnt", "shouldnt", "couldnt", "lack", "lacks", "lacking", NULL};

/* The reference's own hedge check: one- and multi-word hedges, compared
 * word by word backwards from the window position. */
static const char *const HEDGE_WORDS[] = {
    "maybe", "might", "perhaps", "possibly", "probably", "sometimes", "occasionally",
    "partly", "partially", "somewhat", "supposed", "supposedly", "meant", "hopefully",
    "ideally", "aspire", "aspires", "aspiring", "aspiration", "aspirations", NULL};
static const char *const HEDGE_PAIRS[][2] = {
    {"in", "theory"}, {"in", "principle"}, {"on", "paper"}, {"trying", "to"}, {"try", "to"},
    {"tries", "to"}, {"tried", "to"}, {"aim", "to"}, {"aims", "to"}, {"aiming", "to"},
    {"intend", "to"}, {"intends", "to"}, {"hope", "to"}, {"hoping", "to"}, {"like", "to"},
    {"some", "extent"}, {NULL, NULL}};

static bool naive_is_hedge_end(const token_list *tl, size_t i)
{
    for (size_t k = 0; HEDGE_WORDS[k]; k++)
        if (token_is(tl, i, HEDGE_WORDS[k]))
            return true;
    for (size_t k = 0; i > 0 && HEDGE_PAIRS[k][0]; k++) {
        if (!token_is(tl, i, HEDGE_PAIRS[k][1]) || !token_is(tl, i - 1, HEDGE_PAIRS[k][0]) ||
            tl->toks[i].sentence_before)
            continue;
        if (strcmp(HEDGE_PAIRS[k][0], "like") == 0)    /* "would like to" */
            return i > 1 && token_is(tl, i - 2, "would") && !tl->toks[i - 1].sentence_before;
        if (strcmp(HEDGE_PAIRS[k][0], "some") == 0)    /* "to some extent" */
            return i > 1 && token_is(tl, i - 2, "to") && !tl->toks[i - 1].sentence_before;
        return true;
    }
    return false;
}

static bool naive_hedged_before(const token_list *tl, size_t at)
{
    for (size_t d = 1; d <= 3 && d <= at; d++) {
        if (tl->toks[at - d + 1].sentence_before)
            return false;
        if (naive_is_hedge_end(tl, at - d))
            return true;
    }
    return false;
}

static bool is_plain_negator(const token_list *tl, size_t i)
{
    for (size_t k = 0; NEGATORS[k]; k++)
        if (token_is(tl, i, NEGATORS[k]))
            return true;
    return false;
}


/* Negators in the window, within the clause; "no longer" counts once.
 * Negated when odd ("nothing happens without X": X happens). */
static bool negated_before(const token_list *tl, size_t at)
{
    int count = 0;
    for (size_t d = 1; d <= NEG_WINDOW && d <= at; d++) {
        if (tl->toks[at - d + 1].clause_before)
            break;
        size_t i = at - d;
        if (i > 0 && token_is(tl, i, "longer") && token_is(tl, i - 1, "no") &&
            !tl->toks[i].clause_before) {
            count++;
            d++;        /* "no" is part of it */
        } else if (is_plain_negator(tl, i)) {
            count++;
        }
    }
    return count % 2 == 1;
}

typedef struct {
    art_match_ex *v;
    size_t n, cap;
} match_list;

static bool match_push(match_list *ml, const token_list *tl, size_t at, size_t id,
                       const phrase *p)
{
    if (ml->n == ml->cap) {
        size_t cap = ml->cap ? ml->cap * 2 : 16;
        art_match_ex *q = realloc(ml->v, cap * sizeof *q);
        if (!q)
            return false;
        ml->v = q;
        ml->cap = cap;
    }
    art_match_ex *mt = &ml->v[ml->n++];
    mt->m.indicator = id;
    mt->m.start = tl->toks[at].start;
    mt->m.end = tl->toks[at + p->ntoks - 1].end;
    mt->m.negated = negated_before(tl, at) ? 1 : 0;
    mt->hedged = naive_hedged_before(tl, at) ? 1 : 0;
    return true;
}

/* Try every candidate phrase at token `at`. */
static bool match_at(const naive_matcher *m, const token_list *tl, size_t at, match_list *ml)
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
    const art_match_ex *x = a, *y = b;
    if (x->m.start != y->m.start)
        return x->m.start < y->m.start ? -1 : 1;
    if (x->m.indicator != y->m.indicator)
        return x->m.indicator < y->m.indicator ? -1 : 1;
    return 0;
}

static art_status naive_run(const naive_matcher *m, const char *text, size_t len,
                           art_match_ex **out, size_t *nout, art_error *err)
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

/* ==================================================================== */

#ifndef ART_NAIVE_ONLY

/* Compile phrases, run on text, return the matches (caller frees). */
static art_match *run_phrases(const char *const *phrases, size_t n, const char *text,
                              size_t *nout)
{
    art_matcher *m = NULL;
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(phrases, n, &m, &err), ART_OK);
    art_match *v = NULL;
    CU_ASSERT_EQUAL(art_matcher_run(m, text, strlen(text), &v, nout, &err), ART_OK);
    art_matcher_free(m);
    return v;
}

static void check_match(const art_match *mt, size_t ind, long start, long end, int negated)
{
    CU_ASSERT_EQUAL(mt->indicator, ind);
    CU_ASSERT_EQUAL(mt->start, start);
    CU_ASSERT_EQUAL(mt->end, end);
    CU_ASSERT_EQUAL(mt->negated, negated);
}

static void test_exact_offsets_and_case(void)
{
    const char *ph[] = {"trust", "permission", "ask permission"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 3, "We Trust staff; they don't ask PERMISSION.", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 3, 8, 0);
    check_match(&v[1], 2, 27, 41, 1);   /* "don't" within three words before */
    check_match(&v[2], 1, 31, 41, 1);
    free(v);
}

static void test_punctuation_and_hyphens(void)
{
    const char *ph[] = {"co-production", "carers", "people"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 3, "Co--Production, (co production) for carers' and people's needs", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 0, 14, 0);
    check_match(&v[1], 0, 17, 30, 0);
    check_match(&v[2], 1, 36, 42, 0);   /* trailing apostrophe is not part of the word */
    /* "people's" is one token, so "people" does not match it. */
    free(v);
}

static void test_prefix_wildcard(void)
{
    const char *ph[] = {"empower*"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 1, "Empowerment, power, empowering; empower", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 0, 11, 0);
    check_match(&v[1], 0, 20, 30, 0);
    check_match(&v[2], 0, 32, 39, 0);
    free(v);
}

static void test_lone_wildcard(void)
{
    const char *ph[] = {"ask * permission"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 1, "ask permission; ask for permission; ask for the permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 16, 34, 0);
    free(v);
    /* A leading "*" goes into the loose index and still matches anywhere. */
    const char *ph2[] = {"* led support"};
    v = run_phrases(ph2, 1, "Truly community-led support.", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 6, 27, 0);
    free(v);
}

static void test_negation(void)
{
    const char *ph[] = {"need permission"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 1, "we no longer need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 13, 28, 1);
    free(v);
    v = run_phrases(ph, 1, "we need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 3, 18, 0);
    free(v);
    /* "no longer" counts as one negator even when "no" is outside the window. */
    v = run_phrases(ph, 1, "it is no longer true we need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(v[0].negated, 1);
    free(v);
    /* Four words back is out of the window. */
    v = run_phrases(ph, 1, "nobody said that so we need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(v[0].negated, 0);
    free(v);
    /* A typographic apostrophe folds to the ASCII one. */
    v = run_phrases(ph, 1, "we don\xE2\x80\x99t need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 9, 24, 1);
    free(v);
}

static void test_non_ascii_offsets(void)
{
    const char *ph[] = {"\xC3\xA9quipe", "na\xC3\xAFve"};   /* équipe, naïve */
    size_t n = 0;
    art_match *v = run_phrases(ph, 2, "Caf\xC3\xA9 culture: \xC3\x89QUIPE trusts na\xC3\xAFve staff", &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    check_match(&v[0], 0, 14, 20, 0);
    check_match(&v[1], 1, 28, 33, 0);
    free(v);
}

static void test_empty_text(void)
{
    const char *ph[] = {"trust"};
    art_matcher *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(ph, 1, &m, NULL), ART_OK);
    art_match *v = (art_match *)1;
    size_t n = 99;
    CU_ASSERT_EQUAL(art_matcher_run(m, "", 0, &v, &n, NULL), ART_OK);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(art_matcher_run(m, " ... -- !", 9, &v, &n, NULL), ART_OK);
    CU_ASSERT_EQUAL(n, 0);
    free(v);
    art_matcher_free(m);
}

static void test_overlapping(void)
{
    const char *ph[] = {"community led support", "led support", "community"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 3, "Community-led support works", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 0, 21, 0);
    check_match(&v[1], 2, 0, 9, 0);
    check_match(&v[2], 1, 10, 21, 0);
    free(v);
}

static void test_errors(void)
{
    art_matcher *m = NULL;
    art_error err;
    const char *empty[] = {"trust", ""};
    CU_ASSERT_EQUAL(art_matcher_new(empty, 2, &m, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "phrase 2 has no words"));
    CU_ASSERT_PTR_NULL(m);
    const char *punct[] = {" -- ! "};
    CU_ASSERT_EQUAL(art_matcher_new(punct, 1, &m, &err), ART_ERR_USAGE);
    const char *longp[] = {"a b c d e f g h i j k l m n o p q"};   /* 17 words */
    CU_ASSERT_EQUAL(art_matcher_new(longp, 1, &m, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "more than 16 words"));
    const char *ok16[] = {"a b c d e f g h i j k l m n o p"};
    CU_ASSERT_EQUAL(art_matcher_new(ok16, 1, &m, &err), ART_OK);
    art_matcher_free(m);
    m = NULL;
    CU_ASSERT_EQUAL(art_matcher_new(ok16, 0, &m, &err), ART_ERR_USAGE);
    size_t many = 100001;
    const char **lots = malloc(many * sizeof *lots);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lots);
    for (size_t i = 0; i < many; i++)
        lots[i] = "x";
    CU_ASSERT_EQUAL(art_matcher_new(lots, many, &m, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "too many phrases"));
    CU_ASSERT_EQUAL(art_matcher_new(lots, many - 1, &m, &err), ART_OK);
    art_match *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(art_matcher_run(m, "x y x", 5, &v, &n, &err), ART_OK);
    CU_ASSERT_EQUAL(n, 200000);   /* every phrase at both places, sorted */
    if (n == 200000) {
        CU_ASSERT_EQUAL(v[0].start, 0);
        CU_ASSERT_EQUAL(v[1].indicator, 1);
        CU_ASSERT_EQUAL(v[100000].start, 4);
        CU_ASSERT_EQUAL(v[100000].indicator, 0);
    }
    free(v);
    art_matcher_free(m);
    free(lots);
}


/* ---- equivalence with the reference ----------------------------------- */

/* The reference's token count for a text (art_matcher_scan must agree). */
static size_t naive_token_count(const char *text, size_t len)
{
    token_list tl;
    size_t n = tokenize(text, len, &tl) ? tl.n : (size_t)-1;
    token_list_free(&tl);
    return n;
}

/* Run both compiled matchers on text[0..len); true when every match
 * (indicator, offsets, negation, hedging) and their order agree, the token
 * counts agree, and art_matcher_run agrees too. */
static bool same_matches(const naive_matcher *nm, const art_matcher *m, const char *text,
                         size_t len)
{
    art_match_ex *a = NULL, *b = NULL;
    art_match *c = NULL;
    size_t na = 0, nb = 0, nc = 0, ntok = 0;
    bool same = naive_run(nm, text, len, &a, &na, NULL) == ART_OK &&
                art_matcher_scan(m, text, len, &b, &nb, &ntok, NULL) == ART_OK &&
                art_matcher_run(m, text, len, &c, &nc, NULL) == ART_OK && na == nb &&
                nb == nc && ntok == naive_token_count(text, len);
    if (!same && getenv("ART_DEBUG_MATCHER"))
        fprintf(stderr, "\nreference %zu matches, engine %zu (%zu tokens, reference %zu)\n",
                na, nb, ntok, naive_token_count(text, len));
    for (size_t i = 0; same && i < na; i++) {
        same = a[i].m.indicator == b[i].m.indicator && a[i].m.start == b[i].m.start &&
               a[i].m.end == b[i].m.end && a[i].m.negated == b[i].m.negated &&
               a[i].hedged == b[i].hedged && c[i].indicator == b[i].m.indicator &&
               c[i].start == b[i].m.start && c[i].end == b[i].m.end &&
               c[i].negated == b[i].m.negated;
        if (!same && getenv("ART_DEBUG_MATCHER"))
            fprintf(stderr, "\nmatch %zu: reference [%zu %ld-%ld neg %d hedge %d] engine "
                            "[%zu %ld-%ld neg %d hedge %d]\n",
                    i, a[i].m.indicator, a[i].m.start, a[i].m.end, a[i].m.negated,
                    a[i].hedged, b[i].m.indicator, b[i].m.start, b[i].m.end, b[i].m.negated,
                    b[i].hedged);
    }
    free(a);
    free(b);
    free(c);
    return same;
}

/* Compile the phrases both ways and compare on one text. */
static bool same_as_naive(const char *const *phrases, size_t n, const char *text,
                          size_t max_states)
{
    naive_matcher *nm = NULL;
    art_matcher *m = NULL;
    art_status s1 = naive_new(phrases, n, &nm, NULL);
    art_status s2 = art_matcher_new_bounded(phrases, n, max_states, &m, NULL);
    bool same = s1 == s2 && (s1 != ART_OK || same_matches(nm, m, text, strlen(text)));
    naive_free(nm);
    art_matcher_free(m);
    return same;
}

/* xorshift64*: deterministic, so a failure can be replayed. */
static unsigned rnd(unsigned long long *s, unsigned n)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (unsigned)(((*s * 2685821657736338717ULL) >> 33) % n);
}

/* Words that share prefixes, negators, hedges and "no longer" pieces. */
static const char *const VOCAB[] = {"a", "ab", "abc", "abd", "b", "ba", "bab", "c",
                                    "not", "no", "longer", "maybe", "in", "theory",
                                    "don't", "x"};
#define NVOCAB (sizeof VOCAB / sizeof VOCAB[0])

static void random_phrase(unsigned long long *s, char *out, size_t cap)
{
    size_t ntok = 1 + rnd(s, 4), pos = 0;
    out[0] = '\0';
    for (size_t k = 0; k < ntok; k++) {
        const char *w = VOCAB[rnd(s, NVOCAB)];
        unsigned kind = rnd(s, 10);
        char piece[32];
        if (kind < 2)
            snprintf(piece, sizeof piece, "*");
        else if (kind < 4)      /* a prefix of a vocabulary word */
            snprintf(piece, sizeof piece, "%.*s*", (int)(1 + rnd(s, (unsigned)strlen(w))), w);
        else if (kind < 5)      /* case and punctuation fold away */
            snprintf(piece, sizeof piece, "%c%s,", w[0] == 'a' ? 'A' : w[0], w + 1);
        else
            snprintf(piece, sizeof piece, "%s", w);
        pos += (size_t)snprintf(out + pos, cap - pos, "%s%s", k ? " " : "", piece);
    }
}

static void random_text(unsigned long long *s, char *out, size_t cap)
{
    static const char *const SEP[] = {" ", " ", ", ", "-", ". ", "\xE2\x80\x94", " ("};
    static const char *const JUNK[] = {"abx", "Bab", "ABC", "zz", "\xC3\xA9t\xC3\xA9",
                                       "don\xE2\x80\x99t", "c'", "no-longer"};
    size_t ntok = rnd(s, 40), pos = 0;
    out[0] = '\0';
    for (size_t k = 0; k < ntok && pos + 32 < cap; k++) {
        const char *w = rnd(s, 5) ? VOCAB[rnd(s, NVOCAB)] : JUNK[rnd(s, 8)];
        pos += (size_t)snprintf(out + pos, cap - pos, "%s%s", w, SEP[rnd(s, 7)]);
    }
}

static void test_random_equivalence(void)
{
    unsigned long long seed = 0x9E3779B97F4A7C15ULL;
    size_t lists = 0, runs = 0, failures = 0, automaton_lists = 0, simulated = 0;
    for (int iter = 0; iter < 3000; iter++) {
        char pbuf[40][96];
        const char *phrases[40];
        size_t n = 1 + rnd(&seed, 40);
        for (size_t i = 0; i < n; i++) {
            random_phrase(&seed, pbuf[i], sizeof pbuf[i]);
            phrases[i] = pbuf[i];
        }
        /* Every fourth list runs with a tiny state bound: the simulation. */
        size_t bound = iter % 4 == 3 ? 2 : 65536;
        art_matcher *m = NULL;
        if (art_matcher_new_bounded(phrases, n, bound, &m, NULL) == ART_OK) {
            art_matcher_stats st;
            art_matcher_get_stats(m, &st);
            automaton_lists += bound > 2 && st.states > 0;
            simulated += bound == 2 && st.states == 0;
        }
        art_matcher_free(m);
        lists++;
        for (int t = 0; t < 4; t++) {
            char text[1024];
            random_text(&seed, text, sizeof text);
            runs++;
            if (!same_as_naive(phrases, n, text, bound) && failures++ == 0) {
                fprintf(stderr, "\nfirst mismatch: text \"%s\"; phrases:", text);
                for (size_t i = 0; i < n; i++)
                    fprintf(stderr, " [%s]", phrases[i]);
                fprintf(stderr, "\n");
            }
        }
    }
    CU_ASSERT_EQUAL(lists, 3000);
    CU_ASSERT_EQUAL(runs, 12000);
    CU_ASSERT_EQUAL(failures, 0);
    CU_ASSERT_EQUAL(automaton_lists, 2250);     /* every unbounded list has its automaton */
    CU_ASSERT(simulated >= 700 && simulated <= 750);
}

/* A richer vocabulary: non-ASCII letters (upper case folds), digits,
 * straight and curly apostrophes, every negator and hedge shape (one word,
 * "no longer", "would like to", "to some extent"), words sharing prefixes
 * and one longer than any phrase word. */
static const char *const RICH_VOCAB[] = {
    "a", "ab", "abc", "abcdefghijklmnopqrstuvwxyz", "b", "ba", "trust", "trusted",
    "\xC3\xA9t\xC3\xA9", "\xC3\x89T\xC3\x89", "na\xC3\xAFve", "\xC5\x81\xC3\xB3" "d\xC5\xBA",
    "3rd", "24", "covid19", "don't", "don\xE2\x80\x99t", "can\xE2\x80\x98t", "l\xE2\x80\x99\xC3\xA9t\xC3\xA9",
    "people's", "not", "no", "longer", "nothing", "without", "never", "lacking", "maybe",
    "perhaps", "in", "theory", "would", "like", "to", "some", "extent", "trying", "on", "paper"};
#define NRICH (sizeof RICH_VOCAB / sizeof RICH_VOCAB[0])

static void random_rich_phrase(unsigned long long *s, char *out, size_t cap)
{
    /* One phrase in eight is long (up to 16 words), to reach far back and
     * far ahead of its anchor. */
    size_t ntok = 1 + (rnd(s, 8) ? rnd(s, 4) : rnd(s, 16)), pos = 0;
    out[0] = '\0';
    for (size_t k = 0; k < ntok; k++) {
        const char *w = RICH_VOCAB[rnd(s, NRICH)];
        unsigned kind = rnd(s, 10);
        char piece[64];
        if (kind < 2)
            snprintf(piece, sizeof piece, "*");
        else if (kind < 4)      /* a prefix, possibly cut inside a UTF-8 sequence */
            snprintf(piece, sizeof piece, "%.*s*", (int)(1 + rnd(s, (unsigned)strlen(w))), w);
        else
            snprintf(piece, sizeof piece, "%s", w);
        pos += (size_t)snprintf(out + pos, cap - pos, "%s%s", k ? " " : "", piece);
    }
}

/* Up to 300 words (more than the matcher keeps in its token ring), with
 * every kind of break between them: clause and sentence punctuation,
 * dashes, ellipsis, brackets, no-break space, apostrophes that do and do
 * not join, glued words, emoji, and invalid, truncated and overlong UTF-8. */
static size_t random_rich_text(unsigned long long *s, char *out, size_t cap)
{
    static const char *const SEP[] = {
        " ", " ", " ", " ", ", ", ". ", "; ", ": ", "! ", "? ", "-", "\xE2\x80\x94", "\xE2\x80\x93",
        "\xE2\x80\xA6", " (", ") ", "'", "' ", "\xE2\x80\x99", "\xE2\x80\x99 ", "\xC2\xA0", "\t", "\n",
        "\xFF", "\xC3", "\xE2\x80", "\xC0\xAF", "\xF0\x9F\x98\x80", "\xC3\x97", "", "''"};
    size_t ntok = rnd(s, 300), pos = 0;
    out[0] = '\0';
    for (size_t k = 0; k < ntok && pos + 64 < cap; k++) {
        const char *w = RICH_VOCAB[rnd(s, NRICH)];
        bool upper = rnd(s, 8) == 0;
        for (const char *c = w; *c; c++)
            out[pos++] = upper && *c >= 'a' && *c <= 'z' ? (char)(*c - 32) : *c;
        const char *sep = SEP[rnd(s, sizeof SEP / sizeof *SEP)];
        size_t n = strlen(sep);
        memcpy(out + pos, sep, n);
        pos += n;
    }
    out[pos] = '\0';
    return pos;
}

static void test_random_rich_equivalence(void)
{
    unsigned long long seed = 0xD1B54A32D192ED03ULL;
    size_t runs = 0, failures = 0, matched = 0;
    char *text = malloc(32768);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (int iter = 0; iter < 800; iter++) {
        char pbuf[30][512];
        const char *phrases[30];
        size_t n = 1 + rnd(&seed, 30);
        for (size_t i = 0; i < n; i++) {
            random_rich_phrase(&seed, pbuf[i], sizeof pbuf[i]);
            phrases[i] = pbuf[i];
        }
        size_t bound = iter % 4 == 3 ? 2 : 65536;
        naive_matcher *nm = NULL;
        art_matcher *m = NULL;
        art_status s1 = naive_new(phrases, n, &nm, NULL);
        art_status s2 = art_matcher_new_bounded(phrases, n, bound, &m, NULL);
        CU_ASSERT_EQUAL(s1, s2);
        for (int t = 0; s1 == ART_OK && s2 == ART_OK && t < 3; t++) {
            size_t len = random_rich_text(&seed, text, 32768);
            runs++;
            art_match *v = NULL;
            size_t nv = 0;
            if (art_matcher_run(m, text, len, &v, &nv, NULL) == ART_OK)
                matched += nv;
            free(v);
            if (!same_matches(nm, m, text, len) && failures++ == 0) {
                fprintf(stderr, "\nfirst mismatch (bound %zu): text \"%s\"; phrases:", bound, text);
                for (size_t i = 0; i < n; i++)
                    fprintf(stderr, " [%s]", phrases[i]);
                fprintf(stderr, "\n");
            }
        }
        naive_free(nm);
        art_matcher_free(m);
    }
    free(text);
    CU_ASSERT(runs > 2000);
    CU_ASSERT(matched > 10000);     /* the texts do hit the phrases */
    CU_ASSERT_EQUAL(failures, 0);
}

/* All phrases of the real rubric: indicators and phrase groups. */
static size_t rubric_phrases(const art_rubric *rb, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t d = 0; d < rb->ndims; d++)
        for (size_t i = 0; i < rb->dims[d].nindicators && n < cap; i++)
            out[n++] = rb->dims[d].indicators[i].phrase;
    const art_phrase_group *groups[] = {rb->ladder, rb->scopes, rb->outcomes, rb->routes};
    size_t ngroups[] = {rb->nladder, rb->nscopes, rb->noutcomes, rb->nroutes};
    for (size_t g = 0; g < 4; g++)
        for (size_t k = 0; k < ngroups[g]; k++)
            for (size_t i = 0; i < groups[g][k].nphrases && n < cap; i++)
                out[n++] = groups[g][k].phrases[i];
    return n;
}

static const char *const EXAMPLE_DOCS[] = {
    "examples/riverside/conversation-record.txt", "examples/riverside/hub-minutes.md",
    "examples/riverside/panel-procedure.txt", "examples/riverside/strategy.md",
    "examples/riverside/README.md"};

static void test_rubric_equivalence(void)
{
    art_rubric *rb = NULL;
    CU_ASSERT_EQUAL_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, NULL),
                          ART_OK);
    const char *all[2000];
    size_t nall = rubric_phrases(rb, all, 2000);
    CU_ASSERT(nall >= 420 && nall < 2000);
    size_t docs = 0, total = 0, mismatches = 0;
    for (size_t f = 0; f < sizeof EXAMPLE_DOCS / sizeof *EXAMPLE_DOCS; f++) {
        size_t len = 0;
        char *text = art_test_slurp(EXAMPLE_DOCS[f], &len);
        docs++;
        for (size_t d = 0; d < rb->ndims; d++) {
            const char *ph[512];
            size_t n = 0;
            for (size_t i = 0; i < rb->dims[d].nindicators && n < 512; i++)
                ph[n++] = rb->dims[d].indicators[i].phrase;
            mismatches += !same_as_naive(ph, n, text, 65536);
        }
        mismatches += !same_as_naive(all, nall, text, 65536);
        art_matcher *m = NULL;
        CU_ASSERT_EQUAL_FATAL(art_matcher_new(all, nall, &m, NULL), ART_OK);
        art_match *v = NULL;
        size_t n = 0;
        CU_ASSERT_EQUAL(art_matcher_run(m, text, len, &v, &n, NULL), ART_OK);
        total += n;
        free(v);
        art_matcher_free(m);
        free(text);
    }
    CU_ASSERT_EQUAL(docs, 5);
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT(total > 20);      /* the example site does use rubric language */
    art_rubric_free(rb);
}

/* ---- hedging ---------------------------------------------------------- */

static art_match_ex *run_ex(const char *const *phrases, size_t n, const char *text,
                            size_t *nout)
{
    art_matcher *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(phrases, n, &m, NULL), ART_OK);
    art_match_ex *v = NULL;
    CU_ASSERT_EQUAL(art_matcher_run_ex(m, text, strlen(text), &v, nout, NULL), ART_OK);
    art_matcher_free(m);
    return v;
}

static int hedged_in(const char *text)
{
    const char *ph[] = {"trust staff"};
    size_t n = 0;
    art_match_ex *v = run_ex(ph, 1, text, &n);
    int h = n == 1 ? v[0].hedged : -1;
    free(v);
    return h;
}

static void test_hedging(void)
{
    CU_ASSERT_EQUAL(hedged_in("we trust staff"), 0);
    CU_ASSERT_EQUAL(hedged_in("we maybe trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("Perhaps, we trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("sometimes we do trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("sometimes we really do trust staff"), 0);  /* four words back */
    CU_ASSERT_EQUAL(hedged_in("In theory we trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("in principle, trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("On paper we trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("paper we trust staff"), 0);         /* "on" is missing */
    CU_ASSERT_EQUAL(hedged_in("we are trying to trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("we aim to trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("we would like to trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("we like to trust staff"), 0);        /* no "would" */
    CU_ASSERT_EQUAL(hedged_in("to some extent we trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("we aspire: trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("ideally trust staff"), 1);
    CU_ASSERT_EQUAL(hedged_in("we trust staff maybe"), 0);         /* after is not before */
    /* Hedged and negated at once; art_matcher_run keeps only negation. */
    const char *ph[] = {"need permission", "trust"};
    size_t n = 0;
    art_match_ex *v = run_ex(ph, 2, "Supposedly we no longer need permission; we say trust", &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(v[0].m.indicator, 0);
    CU_ASSERT_EQUAL(v[0].m.start, 24);
    CU_ASSERT_EQUAL(v[0].m.end, 39);
    CU_ASSERT_EQUAL(v[0].m.negated, 1);
    CU_ASSERT_EQUAL(v[0].hedged, 0);          /* "supposedly" is four words back */
    CU_ASSERT_EQUAL(v[1].m.indicator, 1);
    CU_ASSERT_EQUAL(v[1].m.negated, 0);
    free(v);
    v = run_ex(ph, 2, "we might not need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(v[0].m.negated, 1);
    CU_ASSERT_EQUAL(v[0].hedged, 1);
    free(v);
}

static int negated_in(const char *text)
{
    const char *ph[] = {"need permission"};
    size_t n = 0;
    art_match_ex *v = run_ex(ph, 1, text, &n);
    int neg = n == 1 ? v[0].m.negated : -1;
    free(v);
    return neg;
}

static void test_negation_forms(void)
{
    CU_ASSERT_EQUAL(negated_in("we no longer need permission"), 1);
    CU_ASSERT_EQUAL(negated_in("No longer do we need permission"), 1);
    /* Negation stops at a clause break. */
    CU_ASSERT_EQUAL(negated_in("no longer, honestly, we need permission"), 0);
    CU_ASSERT_EQUAL(negated_in("do no harm; otherwise we need permission"), 0);
    CU_ASSERT_EQUAL(negated_in("We had never met. We need permission"), 0);
    /* Two negators cancel: "nothing without permission" means permission is needed. */
    CU_ASSERT_EQUAL(negated_in("nothing without need permission"), 0);
    CU_ASSERT_EQUAL(negated_in("not without need permission"), 0);
    CU_ASSERT_EQUAL(negated_in("no longer, honestly, do we need permission"), 0);
    CU_ASSERT_EQUAL(negated_in("a longer wait: we need permission"), 0);
    CU_ASSERT_EQUAL(negated_in("we don\xE2\x80\x99t need permission"), 1);   /* U+2019 */
    CU_ASSERT_EQUAL(negated_in("we don\xE2\x80\x98t need permission"), 1);   /* U+2018 */
    CU_ASSERT_EQUAL(negated_in("we haven\xE2\x80\x99t to need permission"), 1);
    CU_ASSERT_EQUAL(negated_in("we couldn't ever need permission"), 1);
    CU_ASSERT_EQUAL(negated_in("we dont need permission"), 1);
    CU_ASSERT_EQUAL(negated_in("they mustn\xE2\x80\x99t need permission"), 1);
    CU_ASSERT_EQUAL(negated_in("we don\xE2\x80\x99 need permission"), 0);   /* "don" alone */
    CU_ASSERT_EQUAL(negated_in("notably we need permission"), 0);
}

/* ---- tokens the single-pass reader must cut exactly as the tokeniser -- */

static void check_ex(const art_match_ex *mt, size_t ind, long start, long end, int negated,
                     int hedged)
{
    CU_ASSERT_EQUAL(mt->m.indicator, ind);
    CU_ASSERT_EQUAL(mt->m.start, start);
    CU_ASSERT_EQUAL(mt->m.end, end);
    CU_ASSERT_EQUAL(mt->m.negated, negated);
    CU_ASSERT_EQUAL(mt->hedged, hedged);
}

/* Scan with the phrases and check the token count too. */
static art_match_ex *scan_phrases(const char *const *phrases, size_t n, const char *text,
                                  size_t *nout, size_t ntokens)
{
    art_matcher *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(phrases, n, &m, NULL), ART_OK);
    art_match_ex *v = NULL;
    size_t nt = 0;
    CU_ASSERT_EQUAL(art_matcher_scan(m, text, strlen(text), &v, nout, &nt, NULL), ART_OK);
    CU_ASSERT_EQUAL(nt, ntokens);
    art_matcher_free(m);
    CU_ASSERT(same_as_naive(phrases, n, text, 65536));
    CU_ASSERT(same_as_naive(phrases, n, text, 1));
    return v;
}

static void test_apostrophes(void)
{
    /* Curly apostrophes join like straight ones; two in a row, or one
     * before a non-word character or the end of the text, do not. */
    const char *ph[] = {"don't", "l'\xC3\xA9t\xC3\xA9", "carers", "people's", "don", "t"};
    size_t n = 0;
    art_match_ex *v = scan_phrases(ph, 6,
                                   "Don\xE2\x80\x99t, don\xE2\x80\x98t and don''t: carers' "
                                   "l\xE2\x80\x99\xC3\xA9t\xC3\xA9 people's don'",
                                   &n, 9);
    CU_ASSERT_EQUAL_FATAL(n, 8);
    check_ex(&v[0], 0, 0, 5, 0, 0);
    check_ex(&v[1], 0, 7, 12, 0, 0);
    check_ex(&v[2], 4, 17, 20, 1, 0);   /* "don't" two words back */
    check_ex(&v[3], 5, 22, 23, 1, 0);
    check_ex(&v[4], 2, 25, 31, 0, 0);   /* after ":" */
    check_ex(&v[5], 1, 33, 38, 0, 0);   /* an apostrophe before a non-ASCII letter */
    check_ex(&v[6], 3, 39, 47, 0, 0);
    check_ex(&v[7], 4, 48, 51, 0, 0);   /* the final apostrophe is not part of it */
    free(v);
}

static void test_invalid_utf8(void)
{
    /* Each byte of an invalid, truncated, overlong or surrogate sequence is
     * one code point and no word character; a valid letter joins a word. */
    const char *ph[] = {"trust", "staff"};
    size_t n = 0;
    art_match_ex *v = scan_phrases(ph, 2,
                                   "\xFF trust \xC3 staff \xE2\x80 trust \xC0\xAF staff "
                                   "\xED\xA0\x80 trust tru\xFFst tr\xC3\xBCst",
                                   &n, 8);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    check_ex(&v[0], 0, 2, 7, 0, 0);
    check_ex(&v[1], 1, 10, 15, 0, 0);
    check_ex(&v[2], 0, 19, 24, 0, 0);
    check_ex(&v[3], 1, 28, 33, 0, 0);
    check_ex(&v[4], 0, 38, 43, 0, 0);
    free(v);
}

static void test_long_and_partial_tokens(void)
{
    /* A token longer than every phrase word still satisfies a prefix; one
     * that stops inside a word or runs past it is not that word. */
    const char *ph[] = {"trust*", "trust", "abcdefghij"};
    size_t n = 0;
    art_match_ex *v = scan_phrases(
        ph, 3, "trustworthinessxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx TRUST trus abcdefghijk "
               "abcdefghij",
        &n, 5);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    check_ex(&v[0], 0, 0, 57, 0, 0);
    check_ex(&v[1], 0, 58, 63, 0, 0);
    check_ex(&v[2], 1, 58, 63, 0, 0);
    check_ex(&v[3], 2, 81, 91, 0, 0);
    free(v);
}

static void test_phrases_at_the_end(void)
{
    /* Words after the anchor must exist: "trust *" needs a token after. */
    const char *ph[] = {"ask * permission", "trust *", "* *"};
    size_t n = 0;
    art_match_ex *v = scan_phrases(ph, 3, "ask for", &n, 2);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_ex(&v[0], 2, 0, 7, 0, 0);
    free(v);
    v = scan_phrases(ph, 3, "we trust", &n, 2);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_ex(&v[0], 2, 0, 8, 0, 0);
    free(v);
    v = scan_phrases(ph, 3, "trust", &n, 1);
    CU_ASSERT_EQUAL(n, 0);
    free(v);
}

/* The longest reach of a match: 15 words back from its anchor, its
 * negation window before that, and 15 words after another phrase's anchor
 * at once, deep into a text longer than the matcher's token ring. */
static void test_longest_reach(void)
{
    const char *ph[] = {"* * * * * * * * * * * * * * * trust",
                        "staff * * * * * * * * * * * * * * *", "need permission"};
    char text[1024] = "";
    for (int i = 1; i <= 30; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "w%d ", i);
    snprintf(text + strlen(text), sizeof text - strlen(text), "%s",
             "we would like to no longer a b c d e f g h i j k l m n o trust staff "
             "p q r s t u v w x y z a1 a2 a3 a4 maybe, need permission");
    size_t n = 0;
    art_match_ex *v = scan_phrases(ph, 3, text, &n, 71);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_ex(&v[0], 0, 138, 173, 1, 1);     /* "no longer"; "would like to" */
    check_ex(&v[1], 1, 174, 213, 0, 0);     /* ends with the 15th word after it */
    check_ex(&v[2], 2, 221, 236, 0, 1);     /* a comma stops negation, not a hedge */
    free(v);
}

/* ---- the automaton's size: facts independent of the machine ----------- */

static void test_automaton_size(void)
{
    enum { NW = 5000 };
    char (*words)[16] = malloc(NW * sizeof *words);
    const char **ph = malloc(NW * sizeof *ph);
    CU_ASSERT_PTR_NOT_NULL_FATAL(words);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ph);
    for (int i = 0; i < NW; i++) {
        snprintf(words[i], sizeof words[i], "w%d", i);
        ph[i] = words[i];
    }
    art_matcher *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(ph, NW, &m, NULL), ART_OK);
    art_matcher_stats st;
    art_matcher_get_stats(m, &st);
    /* One word each: the start state moves on each word to a state that
     * reports it, and those states only fall back: no quadratic table. */
    CU_ASSERT_EQUAL(st.phrases, NW);
    CU_ASSERT_EQUAL(st.symbols, NW + 1);
    CU_ASSERT_EQUAL(st.classes, NW + 1);
    CU_ASSERT_EQUAL(st.nodes, NW + 1);
    CU_ASSERT_EQUAL(st.states, NW + 1);
    CU_ASSERT_EQUAL(st.transitions, NW);
    art_match *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(art_matcher_run(m, "w1 w4999 w5000 W17", 18, &v, &n, NULL), ART_OK);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    CU_ASSERT_EQUAL(v[0].indicator, 1);
    CU_ASSERT_EQUAL(v[1].indicator, 4999);
    CU_ASSERT_EQUAL(v[2].indicator, 17);
    free(v);
    art_matcher_free(m);
    free(words);
    free(ph);

    /* Prefixes: "ab*" and "abc*" are two symbols; "abcd" satisfies both. */
    const char *pf[] = {"ab*", "abc*", "abcd", "x ab*"};
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(pf, 4, &m, NULL), ART_OK);
    art_matcher_get_stats(m, &st);
    CU_ASSERT_EQUAL(st.symbols, 5);       /* *, ab*, abc*, abcd, x */
    CU_ASSERT_EQUAL(st.classes, 5);       /* none, abcd, ab.., abc.., x */
    CU_ASSERT_EQUAL(st.nodes, 6);
    CU_ASSERT(st.states > 0);
    CU_ASSERT_EQUAL(art_matcher_run(m, "x abcd abq", 10, &v, &n, NULL), ART_OK);
    CU_ASSERT_EQUAL_FATAL(n, 5);
    CU_ASSERT_EQUAL(v[0].indicator, 3);   /* x abcd */
    CU_ASSERT_EQUAL(v[1].indicator, 0);   /* abcd: ab* */
    CU_ASSERT_EQUAL(v[2].indicator, 1);   /* abc* */
    CU_ASSERT_EQUAL(v[3].indicator, 2);   /* abcd */
    CU_ASSERT_EQUAL(v[4].indicator, 0);   /* abq: ab* */
    free(v);
    art_matcher_free(m);
}

/* A bound the phrases exceed: the simulation gives the same answers. */
static void test_simulation_mode(void)
{
    const char *ph[] = {"* * a", "a * * b", "b*", "a b"};
    art_matcher *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_matcher_new_bounded(ph, 4, 1, &m, NULL), ART_OK);
    art_matcher_stats st;
    art_matcher_get_stats(m, &st);
    CU_ASSERT_EQUAL(st.states, 0);
    CU_ASSERT_EQUAL(st.transitions, 0);
    art_matcher_free(m);
    CU_ASSERT(same_as_naive(ph, 4, "a b a b bb x a q r ba", 1));
    CU_ASSERT(same_as_naive(ph, 4, "a b a b bb x a q r ba", 65536));
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(ph, 4, &m, NULL), ART_OK);
    art_matcher_get_stats(m, &st);
    CU_ASSERT(st.states > 1);
    art_matcher_free(m);
}

static void test_scan_and_check(void)
{
    const char *ph[] = {"trust"};
    art_matcher *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(ph, 1, &m, NULL), ART_OK);
    art_match_ex *v = NULL;
    size_t n = 9, ntok = 9;
    const char *text = "Trust, they said -- trust!  Don't";
    CU_ASSERT_EQUAL(art_matcher_scan(m, text, strlen(text), &v, &n, &ntok, NULL), ART_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(ntok, 5);
    free(v);
    CU_ASSERT_EQUAL(art_matcher_scan(m, "", 0, &v, &n, &ntok, NULL), ART_OK);
    CU_ASSERT_EQUAL(ntok, 0);
    CU_ASSERT_PTR_NULL(v);
    art_error err;
    CU_ASSERT_EQUAL(art_matcher_scan(m, NULL, 3, &v, &n, &ntok, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_matcher_run_ex(NULL, "x", 1, &v, &n, &err), ART_ERR_USAGE);
    art_matcher_free(m);
    CU_ASSERT_EQUAL(art_matcher_check_phrase("anxi*", &err), ART_OK);
    CU_ASSERT_EQUAL(art_matcher_check_phrase("kind of", &err), ART_OK);
    CU_ASSERT_EQUAL(art_matcher_check_phrase(":-)", &err), ART_ERR_USAGE);
    CU_ASSERT_STRING_EQUAL(err.message, "phrase 1 has no words");
    CU_ASSERT_EQUAL(art_matcher_check_phrase(NULL, &err), ART_ERR_USAGE);
}

void art_test_register(void)
{
    ART_SUITE("matcher",
              {"exact offsets and case", test_exact_offsets_and_case},
              {"punctuation and hyphens", test_punctuation_and_hyphens},
              {"prefix wildcard", test_prefix_wildcard},
              {"lone wildcard", test_lone_wildcard},
              {"negation", test_negation},
              {"non-ASCII offsets", test_non_ascii_offsets},
              {"empty text", test_empty_text},
              {"overlapping phrases", test_overlapping},
              {"errors", test_errors},
              {"random equivalence with the reference", test_random_equivalence},
              {"random equivalence, rich texts", test_random_rich_equivalence},
              {"real rubric equivalence", test_rubric_equivalence},
              {"hedging", test_hedging},
              {"negation forms", test_negation_forms},
              {"apostrophes", test_apostrophes},
              {"invalid UTF-8", test_invalid_utf8},
              {"long and partial tokens", test_long_and_partial_tokens},
              {"phrases at the end of the text", test_phrases_at_the_end},
              {"longest reach of a match", test_longest_reach},
              {"automaton size", test_automaton_size},
              {"simulation mode", test_simulation_mode},
              {"scan and phrase check", test_scan_and_check});
}

#endif /* ART_NAIVE_ONLY */
