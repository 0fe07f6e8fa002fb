/* Phrase matcher: finds rubric indicator phrases in text.
 *
 * Text and phrases are cut into the same word tokens (runs of letters and
 * digits, case-folded; an apostrophe between two word characters belongs to
 * the word, so "don't" is one token; hyphens split).  A phrase is a sequence
 * of token patterns: an exact word, a prefix ("word*") or any one word ("*").
 *
 * All phrases compile into ONE automaton over token symbols:
 *  - every exact word and every prefix of the phrases is interned as a
 *    symbol; "*" is symbol 0;
 *  - a text token is classified into a token class: the set of symbols it
 *    satisfies (its exact word, every prefix pattern it starts with, and
 *    "*").  There are at most words + prefixes + 1 classes, all known when
 *    the matcher is built;
 *  - each phrase's anchor (its first run of words without "*") goes into a
 *    trie over symbols; the set of trie nodes alive after each token is an
 *    automaton state (Aho-Corasick's failure closure, generalised to tokens
 *    that satisfy several symbols at once), and the states are built
 *    eagerly by subset construction, so finding anchors costs one or two
 *    table look-ups per token, however many phrases there are;
 *  - when an anchor ends, the rest of its phrases ("*" before it, anything
 *    after it) is checked against the token classes already computed: a
 *    fixed number of steps per candidate.  Keeping "*" out of the trie is
 *    what keeps the automaton small (a "*" inside it multiplies states).
 *    Phrases made only of "*" match at every position that has room.
 * Transitions are stored sparsely: a state falls back to the start state's
 * transitions for any class its own nodes cannot extend (the failure link).
 * Should a pathological phrase list need more states than the bound, the
 * matcher keeps the trie and simulates the same state sets token by token:
 * slower, same results.
 *
 * Matching reads the text once and keeps no copy of it.  A dense trie over
 * the folded bytes of every word the matcher knows (phrase words and
 * prefixes, negators, hedges) classifies a token while it is read: one
 * table look-up per byte, ending in a node that says the token's class and
 * which known word, if any, it is.  The last 64 tokens stay in a ring on
 * the stack, enough for the longest phrase, the words after its anchor and
 * the negation window before it; the automaton consumes each token
 * `lookahead` tokens after it is read, so every phrase can be checked in
 * full at once.  The matcher itself is read-only while matching. */
#include "dict.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PHRASE_TOKENS 16
#define MAX_PHRASES 100000
#define NEG_WINDOW 3
#define HEDGE_WINDOW 3
#define DEFAULT_MAX_STATES 65536u
#define MAX_TRANSITIONS (1u << 19)
#define NONE UINT32_MAX
#define ANY_SYM 0u

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

/* One token of text: folded bytes live in a shared buffer. */
typedef struct {
    size_t off, len;            /* into the folded buffer */
    long start, end;            /* code points in the original text */
    bool clause_before;         /* , ; : . ! ? or a dash/bracket since the previous token */
    bool sentence_before;       /* . ! ? since the previous token */
} text_token;

typedef struct {
    art_buf folded;
    text_token *toks;
    size_t n, cap;
} token_list;

/* Open-addressing map from 64-bit keys to 32-bit values (trie edges and
 * automaton transitions). */
typedef struct {
    uint64_t *keys;             /* UINT64_MAX marks an empty slot */
    uint32_t *vals;
    size_t cap, n;              /* cap is a power of two */
} u64map;

/* A folded string the phrases use, as an exact word, a prefix, or both. */
typedef struct {
    char *w;
    size_t len;
    uint64_t hash;
    uint32_t exact_sym, prefix_sym;   /* NONE when unused that way */
    uint32_t exact_cls, prefix_cls;   /* class of a token equal to w / deepest prefix w */
    unsigned char marks;        /* MARK_*: w ends a negator / a hedge */
} word_entry;

#define MARK_NEG 1u
#define MARK_HEDGE 2u

typedef struct {
    uint32_t first_edge;        /* edge list, NONE-terminated */
    uint32_t first_term;        /* phrases whose anchor ends here, NONE-terminated */
} trie_node;

typedef struct { uint32_t sym, child, next; } trie_edge;
typedef struct { uint32_t phrase, next; } term_link;

typedef struct {
    uint32_t set_off, set_len;  /* sorted trie nodes, in set_pool */
    uint32_t out_off, out_len;  /* phrases ending here, in out_pool */
    uint32_t dflt;              /* start state only: the move on an unknown token */
    uint32_t own_off, own_len;  /* its own moves, by class, in own_cls/own_to */
} dfa_state;

/* A negator or hedge of one or more words, as word entries. */
#define MAX_LISTED_WORDS 4
typedef struct {
    uint32_t words[MAX_LISTED_WORDS];
    unsigned char nwords;
} listed_phrase;

typedef struct {
    listed_phrase *items;
    size_t n;
} listed_set;

/* What a token that ends at a byte-trie node is. */
typedef struct {
    uint32_t cls;               /* its token class */
    uint32_t entry;             /* the word entry equal to it, NONE */
    unsigned char marks;        /* that entry's MARK_* */
} bt_info;

/* byte_col values that are no trie column (columns are < 0xFE). */
#define BYTE_HIGH 0xFEu         /* a byte >= 0x80: the decoder decides */
#define BYTE_OTHER 0xFFu        /* an ASCII byte that is no word character */
#define BRK_CLAUSE 1u           /* , ; : . ! ? ( ) dashes, ellipsis */
#define BRK_SENTENCE 2u         /* . ! ? */

/* A growable array of uint32_t. */
typedef struct {
    uint32_t *v;
    size_t n, cap;
} u32vec;

struct art_matcher {
    size_t nphrases;
    unsigned char *ntoks;       /* tokens per phrase */
    unsigned char *anchor;      /* index of the anchor's first token */
    unsigned char *anchor_len;  /* tokens in the anchor; 0 for an all-"*" phrase */
    uint32_t *psyms;            /* MAX_PHRASE_TOKENS symbols per phrase */
    u32vec all_any;             /* phrases made only of "*" */
    /* symbols */
    word_entry *words;
    size_t nwords, words_cap;
    uint32_t *wslots;           /* word index + 1; 0 empty */
    size_t wslots_cap;
    uint64_t prefix_lens;       /* bit l: a prefix of l bytes exists (bit 63: >= 63) */
    size_t max_prefix_len;
    size_t nsyms;
    /* token classes: symbol lists in CSR form; class 0 is "only *" */
    u32vec cls_off, cls_syms;
    /* classes containing each symbol, CSR */
    uint32_t *symcls_off, *symcls;
    /* trie over symbols */
    trie_node *nodes;
    size_t nnodes, nodes_cap;
    trie_edge *edges;
    size_t nedges, edges_cap;
    term_link *terms;
    size_t nterms, terms_cap;
    u64map edge_map;
    /* automaton */
    bool has_dfa;
    dfa_state *states;
    size_t nstates, states_cap;
    u32vec set_pool, out_pool;
    uint32_t *sslots;           /* state index + 1; 0 empty */
    size_t sslots_cap;
    u64map trans;
    uint32_t *root_next;        /* the start state's move per class (automaton only) */
    uint32_t *own_cls, *own_to; /* other states' moves, sorted by class per state */
    size_t lookahead;           /* most tokens a phrase reaches past its anchor's end */
    /* negators and hedges */
    listed_set negators, hedges;
    /* byte trie over the folded words: classifies a token as it is read */
    uint32_t *btrie;            /* bt_nodes rows of bt_stride cells; see build_byte_trie */
    bt_info *bt_info;
    size_t bt_nodes;
    uint32_t bt_stride, bt_ncols;
    unsigned char col[256];     /* folded byte -> trie column (0: in no word) */
    unsigned char byte_col[256];  /* text byte -> column of its folded form, BYTE_HIGH or
                                     BYTE_OTHER */
    unsigned char ascii_brk[128]; /* text byte -> BRK_* it stands for */
};

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

static bool token_list_push(token_list *tl, size_t off, size_t len, long start, long end,
                            unsigned breaks)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 32;
        text_token *p = realloc(tl->toks, cap * sizeof *p);
        if (!p)
            return false;
        tl->toks = p;
        tl->cap = cap;
    }
    tl->toks[tl->n++] = (text_token){off, len, start, end, (breaks & 1) != 0, (breaks & 2) != 0};
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

static bool is_clause_break(unsigned cp)
{
    switch (cp) {
    case ',': case ';': case ':': case '.': case '!': case '?': case '(': case ')':
    case 0x2013: case 0x2014: /* en and em dashes */
    case 0x2026:              /* ellipsis */
        return true;
    default:
        return false;
    }
}

/* Append one byte when the buffer has room (it does: tokenize reserves the
 * text's length up front), without a call per byte. */
static void put_byte(art_buf *b, char c)
{
    if (b->data && b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
    } else {
        art_buf_putc(b, c);
    }
}

static bool is_ascii_word(unsigned c)
{
    return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
}

/* The code point at text[i] and its length in bytes; ASCII without a call. */
static size_t decode_at(const char *text, size_t len, size_t i, unsigned *cp)
{
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    return art_utf8_decode(text + i, len - i, cp);
}

/* Cut text into folded word tokens with code-point offsets.  ASCII, most of
 * the text, takes a fast path (class, fold and copy inline); other code
 * points go through the UTF-8 decoder, is_word_cp and art_utf8_fold. */
static bool tokenize(const char *text, size_t len, token_list *tl)
{
    art_buf_init(&tl->folded);
    tl->toks = NULL;
    tl->n = tl->cap = 0;
    /* Folding ASCII keeps its length, so this is nearly always enough. */
    if (len && !art_buf_reserve(&tl->folded, len))
        return false;
    size_t i = 0;
    long cp_pos = 0;
    bool in_word = false;
    unsigned clause = 0, word_clause = 0;   /* bit 0: a clause break, bit 1: a sentence end */
    size_t word_off = 0;
    long word_start = 0;
    while (i < len) {
        unsigned cp;
        size_t k = decode_at(text, len, i, &cp);
        if (cp < 0x80 ? is_ascii_word(cp) : is_word_cp(cp)) {
            if (!in_word) {
                in_word = true;
                word_off = tl->folded.len;
                word_start = cp_pos;
                word_clause = clause;
                clause = 0;
            }
            if (cp < 0x80)
                put_byte(&tl->folded, (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
            else
                append_folded(&tl->folded, cp);
        } else if (in_word && is_apostrophe(cp) && i + k < len) {
            /* Keep the apostrophe only when a word character follows it. */
            unsigned next;
            decode_at(text, len, i + k, &next);
            if (is_word_cp(next)) {
                put_byte(&tl->folded, '\'');
            } else {
                if (!token_list_push(tl, word_off, tl->folded.len - word_off, word_start, cp_pos,
                                     word_clause))
                    return false;
                in_word = false;
            }
        } else {
            if (in_word) {
                if (!token_list_push(tl, word_off, tl->folded.len - word_off, word_start, cp_pos,
                                     word_clause))
                    return false;
                in_word = false;
            }
            /* Negation does not reach across a clause: in "do no harm;
             * otherwise, go for it" the "no" is not about "go for it". */
            if (is_clause_break(cp))
                clause |= 1;
            if (cp == '.' || cp == '!' || cp == '?')
                clause |= 2;
        }
        i += k;
        cp_pos++;
    }
    if (in_word && !token_list_push(tl, word_off, tl->folded.len - word_off, word_start, cp_pos,
                                    word_clause))
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

/* ---- small containers ------------------------------------------------- */

/* Make room for one more element in a malloc'd array. */
static bool grow_for_one(void **p, size_t *cap, size_t n, size_t elsz)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 16;
    if (c > SIZE_MAX / elsz)
        return false;
    void *q = realloc(*p, c * elsz);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

static bool u32_push(u32vec *a, uint32_t x)
{
    if (!grow_for_one((void **)&a->v, &a->cap, a->n, sizeof *a->v))
        return false;
    a->v[a->n++] = x;
    return true;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t edge_key(uint32_t a, uint32_t b) { return ((uint64_t)a << 32) | b; }

static bool u64map_init(u64map *m, size_t cap)
{
    m->cap = cap;
    m->n = 0;
    m->keys = malloc(cap * sizeof *m->keys);
    m->vals = malloc(cap * sizeof *m->vals);
    if (!m->keys || !m->vals)
        return false;
    memset(m->keys, 0xff, cap * sizeof *m->keys);
    return true;
}

static void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}

static uint32_t u64map_get(const u64map *m, uint64_t key)
{
    if (!m->cap)
        return NONE;
    size_t i = mix64(key) & (m->cap - 1);
    while (m->keys[i] != UINT64_MAX) {
        if (m->keys[i] == key)
            return m->vals[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NONE;
}

static void u64map_place(u64map *m, uint64_t key, uint32_t val)
{
    size_t i = mix64(key) & (m->cap - 1);
    while (m->keys[i] != UINT64_MAX && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (m->keys[i] == UINT64_MAX)
        m->n++;
    m->keys[i] = key;
    m->vals[i] = val;
}

/* Insert or overwrite; the table stays at most half full. */
static bool u64map_put(u64map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        u64map bigger;
        if (!u64map_init(&bigger, m->cap ? m->cap * 2 : 64)) {
            u64map_free(&bigger);
            return false;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i] != UINT64_MAX)
                u64map_place(&bigger, m->keys[i], m->vals[i]);
        u64map_free(m);
        *m = bigger;
    }
    u64map_place(m, key, val);
    return true;
}

/* ---- symbols: interned folded words and prefixes ---------------------- */

static uint64_t fnv_step(uint64_t h, unsigned char c) { return (h ^ c) * 1099511628211ULL; }
#define FNV_INIT 14695981039346656037ULL

static uint64_t hash_bytes(const char *w, size_t n)
{
    uint64_t h = FNV_INIT;
    for (size_t i = 0; i < n; i++)
        h = fnv_step(h, (unsigned char)w[i]);
    return h;
}

static word_entry *word_lookup(const art_matcher *m, const char *w, size_t n, uint64_t h)
{
    if (!m->wslots_cap)
        return NULL;
    size_t i = mix64(h) & (m->wslots_cap - 1);
    while (m->wslots[i]) {
        word_entry *e = &m->words[m->wslots[i] - 1];
        if (e->hash == h && e->len == n && memcmp(e->w, w, n) == 0)
            return e;
        i = (i + 1) & (m->wslots_cap - 1);
    }
    return NULL;
}

static void word_slot_place(art_matcher *m, uint32_t idx)
{
    size_t i = mix64(m->words[idx].hash) & (m->wslots_cap - 1);
    while (m->wslots[i])
        i = (i + 1) & (m->wslots_cap - 1);
    m->wslots[i] = idx + 1;
}

static bool word_slots_grow(art_matcher *m)
{
    size_t cap = m->wslots_cap ? m->wslots_cap * 2 : 64;
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s)
        return false;
    free(m->wslots);
    m->wslots = s;
    m->wslots_cap = cap;
    for (size_t k = 0; k < m->nwords; k++)
        word_slot_place(m, (uint32_t)k);
    return true;
}

static word_entry *word_intern(art_matcher *m, const char *w, size_t n)
{
    uint64_t h = hash_bytes(w, n);
    word_entry *e = word_lookup(m, w, n, h);
    if (e)
        return e;
    if ((m->nwords + 1) * 2 > m->wslots_cap && !word_slots_grow(m))
        return NULL;
    if (!grow_for_one((void **)&m->words, &m->words_cap, m->nwords, sizeof *m->words))
        return NULL;
    e = &m->words[m->nwords];
    e->w = art_strndup(w, n);
    if (!e->w)
        return NULL;
    e->len = n;
    e->hash = h;
    e->exact_sym = e->prefix_sym = e->exact_cls = e->prefix_cls = NONE;
    e->marks = 0;
    m->nwords++;
    word_slot_place(m, (uint32_t)(m->nwords - 1));
    return e;
}

static uint32_t symbol_of(art_matcher *m, const pat_token *t)
{
    if (t->kind == PAT_ANY)
        return ANY_SYM;
    word_entry *e = word_intern(m, t->word, t->len);
    if (!e)
        return NONE;
    uint32_t *sym = t->kind == PAT_EXACT ? &e->exact_sym : &e->prefix_sym;
    if (*sym == NONE) {
        *sym = (uint32_t)m->nsyms++;
        if (t->kind == PAT_PREFIX) {
            m->prefix_lens |= 1ULL << (t->len < 63 ? t->len : 63);
            if (t->len > m->max_prefix_len)
                m->max_prefix_len = t->len;
        }
    }
    return *sym;
}

static bool prefix_len_possible(const art_matcher *m, size_t l)
{
    return (m->prefix_lens >> (l < 63 ? l : 63)) & 1;
}

/* ---- trie over symbols ------------------------------------------------ */

static uint32_t node_new(art_matcher *m)
{
    if (!grow_for_one((void **)&m->nodes, &m->nodes_cap, m->nnodes, sizeof *m->nodes))
        return NONE;
    m->nodes[m->nnodes] = (trie_node){NONE, NONE};
    return (uint32_t)m->nnodes++;
}

static uint32_t node_child(const art_matcher *m, uint32_t node, uint32_t sym)
{
    return u64map_get(&m->edge_map, edge_key(node, sym));
}

static uint32_t node_child_add(art_matcher *m, uint32_t node, uint32_t sym)
{
    uint32_t c = node_child(m, node, sym);
    if (c != NONE)
        return c;
    c = node_new(m);
    if (c == NONE)
        return NONE;
    if (!grow_for_one((void **)&m->edges, &m->edges_cap, m->nedges, sizeof *m->edges))
        return NONE;
    m->edges[m->nedges] = (trie_edge){sym, c, m->nodes[node].first_edge};
    m->nodes[node].first_edge = (uint32_t)m->nedges++;
    if (!u64map_put(&m->edge_map, edge_key(node, sym), c))
        return NONE;
    return c;
}

/* Intern the phrase's symbols and thread its anchor into the trie. */
static bool trie_add_phrase(art_matcher *m, const phrase *p, uint32_t id)
{
    uint32_t *syms = m->psyms + (size_t)id * MAX_PHRASE_TOKENS;
    size_t a = 0, b;
    for (size_t k = 0; k < p->ntoks; k++) {
        syms[k] = symbol_of(m, &p->toks[k]);
        if (syms[k] == NONE)
            return false;
    }
    while (a < p->ntoks && syms[a] == ANY_SYM)
        a++;
    for (b = a; b < p->ntoks && syms[b] != ANY_SYM; b++)
        ;
    m->ntoks[id] = (unsigned char)p->ntoks;
    m->anchor[id] = (unsigned char)a;
    m->anchor_len[id] = (unsigned char)(b - a);
    if (a == b)
        return u32_push(&m->all_any, id);
    uint32_t node = 0;
    for (size_t k = a; k < b; k++) {
        node = node_child_add(m, node, syms[k]);
        if (node == NONE)
            return false;
    }
    if (!grow_for_one((void **)&m->terms, &m->terms_cap, m->nterms, sizeof *m->terms))
        return false;
    m->terms[m->nterms] = (term_link){id, m->nodes[node].first_term};
    m->nodes[node].first_term = (uint32_t)m->nterms++;
    return true;
}

/* ---- token classes ----------------------------------------------------- */

/* Append the prefix symbols a token with these bytes satisfies. */
static bool push_prefix_syms(const art_matcher *m, const char *w, size_t n, u32vec *syms)
{
    uint64_t h = FNV_INIT;
    size_t lim = n < m->max_prefix_len ? n : m->max_prefix_len;
    for (size_t l = 1; l <= lim; l++) {
        h = fnv_step(h, (unsigned char)w[l - 1]);
        if (!prefix_len_possible(m, l))
            continue;
        const word_entry *e = word_lookup(m, w, l, h);
        if (e && e->prefix_sym != NONE && !u32_push(syms, e->prefix_sym))
            return false;
    }
    return true;
}

/* The id the next class will get. */
static uint32_t class_begin(const art_matcher *m) { return (uint32_t)(m->cls_off.n - 1); }

/* Classes: 0 = a token no symbol but "*" accepts; one per exact word (the
 * word and every prefix it starts with); one per prefix (a token that is
 * no exact word and whose longest satisfied prefix is this one). */
static bool build_classes(art_matcher *m)
{
    if (!u32_push(&m->cls_off, 0) || !u32_push(&m->cls_off, 0))
        return false;
    for (size_t i = 0; i < m->nwords; i++) {
        word_entry *e = &m->words[i];
        if (e->exact_sym != NONE) {
            e->exact_cls = class_begin(m);
            if (!u32_push(&m->cls_syms, e->exact_sym) ||
                !push_prefix_syms(m, e->w, e->len, &m->cls_syms) ||
                !u32_push(&m->cls_off, (uint32_t)m->cls_syms.n))
                return false;
        }
        if (e->prefix_sym != NONE) {
            e->prefix_cls = class_begin(m);
            if (!push_prefix_syms(m, e->w, e->len, &m->cls_syms) ||
                !u32_push(&m->cls_off, (uint32_t)m->cls_syms.n))
                return false;
        }
    }
    return true;
}

static size_t nclasses(const art_matcher *m) { return m->cls_off.n - 1; }

/* Inverted index: for each symbol, the classes that contain it. */
static bool build_symbol_classes(art_matcher *m)
{
    m->symcls_off = calloc(m->nsyms + 1, sizeof *m->symcls_off);
    m->symcls = malloc((m->cls_syms.n + 1) * sizeof *m->symcls);
    if (!m->symcls_off || !m->symcls)
        return false;
    for (size_t k = 0; k < m->cls_syms.n; k++)
        m->symcls_off[m->cls_syms.v[k] + 1]++;
    for (size_t s = 0; s < m->nsyms; s++)
        m->symcls_off[s + 1] += m->symcls_off[s];
    uint32_t *fill = malloc((m->nsyms + 1) * sizeof *fill);
    if (!fill)
        return false;
    memcpy(fill, m->symcls_off, (m->nsyms + 1) * sizeof *fill);
    for (size_t c = 0; c < nclasses(m); c++)
        for (uint32_t k = m->cls_off.v[c]; k < m->cls_off.v[c + 1]; k++)
            m->symcls[fill[m->cls_syms.v[k]]++] = (uint32_t)c;
    free(fill);
    return true;
}

/* ---- state sets and the automaton ------------------------------------ */

static int u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The trie nodes alive after one more token of class c, from `from`. */
static bool step_set(const art_matcher *m, const uint32_t *from, size_t nfrom, uint32_t c,
                     u32vec *to)
{
    to->n = 0;
    if (!u32_push(to, 0))
        return false;
    const uint32_t *syms = m->cls_syms.v + m->cls_off.v[c];
    size_t nsyms = m->cls_off.v[c + 1] - m->cls_off.v[c];
    for (size_t i = 0; i < nfrom; i++) {
        if (m->nodes[from[i]].first_edge == NONE)
            continue;
        for (size_t k = 0; k < nsyms; k++) {
            uint32_t ch = u64map_get(&m->edge_map, edge_key(from[i], syms[k]));
            if (ch != NONE && !u32_push(to, ch))
                return false;
        }
    }
    /* Each node has one parent edge, so no node is reached twice: sorting
     * is enough to make the set canonical.  Sets are nearly always tiny. */
    if (to->n > 32) {
        qsort(to->v, to->n, sizeof *to->v, u32_cmp);
        return true;
    }
    for (size_t i = 1; i < to->n; i++) {
        uint32_t x = to->v[i];
        size_t j = i;
        for (; j > 0 && to->v[j - 1] > x; j--)
            to->v[j] = to->v[j - 1];
        to->v[j] = x;
    }
    return true;
}

static uint64_t hash_set(const uint32_t *s, size_t n)
{
    uint64_t h = FNV_INIT;
    for (size_t i = 0; i < n; i++)
        h = mix64(h ^ s[i]);
    return h;
}

static const uint32_t *state_set(const art_matcher *m, uint32_t st)
{
    return m->set_pool.v + m->states[st].set_off;
}

static bool same_set(const art_matcher *m, uint32_t st, const u32vec *s)
{
    return m->states[st].set_len == s->n &&
           memcmp(state_set(m, st), s->v, s->n * sizeof *s->v) == 0;
}

static void state_slot_place(art_matcher *m, uint32_t st, uint64_t h)
{
    size_t i = mix64(h) & (m->sslots_cap - 1);
    while (m->sslots[i])
        i = (i + 1) & (m->sslots_cap - 1);
    m->sslots[i] = st + 1;
}

static bool state_slots_grow(art_matcher *m)
{
    size_t cap = m->sslots_cap ? m->sslots_cap * 2 : 64;
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s)
        return false;
    free(m->sslots);
    m->sslots = s;
    m->sslots_cap = cap;
    for (size_t k = 0; k < m->nstates; k++)
        state_slot_place(m, (uint32_t)k,
                         hash_set(state_set(m, (uint32_t)k), m->states[k].set_len));
    return true;
}

/* A state's outputs: the phrases ending at its nodes. */
static bool state_outputs(art_matcher *m, dfa_state *ds, const u32vec *set)
{
    ds->out_off = (uint32_t)m->out_pool.n;
    for (size_t i = 0; i < set->n; i++)
        for (uint32_t t = m->nodes[set->v[i]].first_term; t != NONE; t = m->terms[t].next)
            if (!u32_push(&m->out_pool, m->terms[t].phrase))
                return false;
    ds->out_len = (uint32_t)(m->out_pool.n - ds->out_off);
    return true;
}

/* The state for a node set, created when new.  NONE on NOMEM or when the
 * bound is reached (*full set). */
static uint32_t state_intern(art_matcher *m, const u32vec *set, size_t max_states, bool *full)
{
    uint64_t h = hash_set(set->v, set->n);
    if (m->sslots_cap) {
        size_t i = mix64(h) & (m->sslots_cap - 1);
        for (; m->sslots[i]; i = (i + 1) & (m->sslots_cap - 1))
            if (same_set(m, m->sslots[i] - 1, set))
                return m->sslots[i] - 1;
    }
    if (m->nstates >= max_states || m->set_pool.n + set->n > UINT32_MAX / 2) {
        *full = true;
        return NONE;
    }
    if ((m->nstates + 1) * 2 > m->sslots_cap && !state_slots_grow(m))
        return NONE;
    if (!grow_for_one((void **)&m->states, &m->states_cap, m->nstates, sizeof *m->states))
        return NONE;
    dfa_state *ds = &m->states[m->nstates];
    ds->set_off = (uint32_t)m->set_pool.n;
    ds->set_len = (uint32_t)set->n;
    ds->dflt = NONE;
    for (size_t i = 0; i < set->n; i++)
        if (!u32_push(&m->set_pool, set->v[i]))
            return NONE;
    if (!state_outputs(m, ds, set))
        return NONE;
    uint32_t st = (uint32_t)m->nstates++;
    state_slot_place(m, st, h);
    return st;
}

/* Classes for which state st needs its own transitions (marked in `seen`
 * with stamp st + 1 and listed in `out`). */
static bool relevant_classes(const art_matcher *m, uint32_t st, uint32_t *seen, u32vec *out)
{
    out->n = 0;
    const dfa_state *ds = &m->states[st];
    const uint32_t *set = state_set(m, st);
    for (size_t i = 0; i < ds->set_len; i++) {
        if (set[i] == 0 && st != 0)
            continue;   /* the root's moves are the failure path */
        for (uint32_t e = m->nodes[set[i]].first_edge; e != NONE; e = m->edges[e].next) {
            uint32_t sym = m->edges[e].sym;
            for (uint32_t k = m->symcls_off[sym]; k < m->symcls_off[sym + 1]; k++) {
                uint32_t c = m->symcls[k];
                if (seen[c] != st + 1) {
                    seen[c] = st + 1;
                    if (!u32_push(out, c))
                        return false;
                }
            }
        }
    }
    return true;
}

/* The move of the start state (the failure path of every sparse state). */
static uint32_t root_move(const art_matcher *m, uint32_t c)
{
    uint32_t t = u64map_get(&m->trans, edge_key(0, c));
    return t != NONE ? t : m->states[0].dflt;
}

typedef enum { BUILD_OK, BUILD_FULL, BUILD_NOMEM } build_result;

/* Build every state's moves; states are numbered in discovery order, so
 * the loop is a breadth-first walk of the automaton. */
static build_result build_automaton(art_matcher *m, size_t max_states)
{
    build_result res = BUILD_NOMEM;
    u32vec set = {0}, cls = {0};
    uint32_t *seen = calloc(nclasses(m), sizeof *seen);
    bool full = false;
    if (!seen || !u64map_init(&m->trans, 64) || !u32_push(&set, 0))
        goto done;
    if (state_intern(m, &set, max_states, &full) != 0)
        goto done;
    for (uint32_t st = 0; st < m->nstates; st++) {
        if (st == 0) {
            if (!step_set(m, state_set(m, 0), m->states[0].set_len, 0, &set))
                goto done;
            uint32_t d = state_intern(m, &set, max_states, &full);
            if (d == NONE)
                goto done;
            m->states[0].dflt = d;
        }
        if (!relevant_classes(m, st, seen, &cls))
            goto done;
        for (size_t k = 0; k < cls.n; k++) {
            uint32_t c = cls.v[k];
            if (!step_set(m, state_set(m, st), m->states[st].set_len, c, &set))
                goto done;
            uint32_t t = state_intern(m, &set, max_states, &full);
            if (t == NONE)
                goto done;
            bool needed = st == 0 ? t != m->states[0].dflt : t != root_move(m, c);
            if (!needed)
                continue;
            if (m->trans.n >= MAX_TRANSITIONS) {
                full = true;
                goto done;
            }
            if (!u64map_put(&m->trans, edge_key(st, c), t))
                goto done;
        }
    }
    res = BUILD_OK;
done:
    if (res != BUILD_OK && full)
        res = BUILD_FULL;
    free(seen);
    free(set.v);
    free(cls.v);
    return res;
}

static void automaton_drop(art_matcher *m)
{
    free(m->states);
    m->states = NULL;
    m->nstates = m->states_cap = 0;
    free(m->set_pool.v);
    free(m->out_pool.v);
    m->set_pool = (u32vec){0};
    m->out_pool = (u32vec){0};
    free(m->sslots);
    m->sslots = NULL;
    m->sslots_cap = 0;
    u64map_free(&m->trans);
    m->has_dfa = false;
}

/* ---- construction ----------------------------------------------------- */

void art_matcher_free(art_matcher *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nwords; i++)
        free(m->words[i].w);
    free(m->words);
    free(m->wslots);
    free(m->ntoks);
    free(m->anchor);
    free(m->anchor_len);
    free(m->psyms);
    free(m->all_any.v);
    free(m->cls_off.v);
    free(m->cls_syms.v);
    free(m->symcls_off);
    free(m->symcls);
    free(m->nodes);
    free(m->edges);
    free(m->terms);
    u64map_free(&m->edge_map);
    automaton_drop(m);
    free(m->root_next);
    free(m->own_cls);
    free(m->own_to);
    free(m->negators.items);
    free(m->hedges.items);
    free(m->btrie);
    free(m->bt_info);
    free(m);
}

static art_status nomem(art_matcher *m, art_error *err)
{
    art_matcher_free(m);
    return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
}

static bool intern_marks(art_matcher *m);
static bool build_byte_trie(art_matcher *m);
static bool build_moves(art_matcher *m);
static void compute_lookahead(art_matcher *m);

/* Compile each phrase and thread it into the trie; the token strings are
 * only needed until their symbols are interned. */
static art_status add_phrases(art_matcher *m, const char *const *phrases, size_t n,
                              art_error *err)
{
    phrase *p = calloc(1, sizeof *p);
    if (!p)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    art_status st = ART_OK;
    for (size_t i = 0; i < n && st == ART_OK; i++) {
        st = compile_phrase(p, phrases[i], i, err);
        if (st == ART_OK) {
            if (!trie_add_phrase(m, p, (uint32_t)i))
                st = art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
        }
        phrase_free(p);
    }
    free(p);
    return st;
}

art_status art_matcher_new_bounded(const char *const *phrases, size_t n, size_t max_states,
                                   art_matcher **out, art_error *err)
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
    m->nphrases = n;
    m->nsyms = 1;   /* symbol 0 is "*" */
    m->ntoks = calloc(n, 1);
    m->anchor = calloc(n, 1);
    m->anchor_len = calloc(n, 1);
    m->psyms = calloc(n * MAX_PHRASE_TOKENS, sizeof *m->psyms);
    if (!m->ntoks || !m->anchor || !m->anchor_len || !m->psyms || !u64map_init(&m->edge_map, 64) || node_new(m) != 0)
        return nomem(m, err);
    art_status st = add_phrases(m, phrases, n, err);
    if (st != ART_OK) {
        art_matcher_free(m);
        return st;
    }
    if (!intern_marks(m) || !build_classes(m) || !build_symbol_classes(m) ||
        !build_byte_trie(m))
        return nomem(m, err);
    compute_lookahead(m);
    build_result br = build_automaton(m, max_states ? max_states : 1);
    if (br == BUILD_NOMEM)
        return nomem(m, err);
    m->has_dfa = br == BUILD_OK;
    if (!m->has_dfa)
        automaton_drop(m);
    else if (!build_moves(m))
        return nomem(m, err);
    *out = m;
    return ART_OK;
}

art_status art_matcher_new(const char *const *phrases, size_t n, art_matcher **out,
                           art_error *err)
{
    return art_matcher_new_bounded(phrases, n, DEFAULT_MAX_STATES, out, err);
}

art_status art_matcher_check_phrase(const char *phrase_text, art_error *err)
{
    phrase *p = calloc(1, sizeof *p);
    if (!p)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory compiling phrases");
    art_status st = compile_phrase(p, phrase_text, 0, err);
    phrase_free(p);
    free(p);
    return st;
}

size_t art_matcher_phrase_tokens(const art_matcher *m, size_t i)
{
    return m && i < m->nphrases ? m->ntoks[i] : 0;
}

void art_matcher_get_stats(const art_matcher *m, art_matcher_stats *st)
{
    memset(st, 0, sizeof *st);
    if (!m)
        return;
    st->phrases = m->nphrases;
    st->symbols = m->nsyms;
    st->classes = nclasses(m);
    st->nodes = m->nnodes;
    st->states = m->has_dfa ? m->nstates : 0;
    st->transitions = m->has_dfa ? m->trans.n : 0;
}

/* ---- negation and hedging ---------------------------------------------- */

/* Curly apostrophes fold to "'" in the tokeniser, so one spelling covers
 * "don't" and "don’t"; the apostrophe-less forms are common in transcripts. */
static const char *const NEGATORS[] = {
    "not", "no", "never", "nobody", "nothing", "neither", "nor", "without", "cannot",
    "can't", "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't",
    "won't", "wouldn't", "shouldn't", "couldn't", "hasn't", "haven't", "hadn't",
    "mustn't", "needn't", "shan't", "ain't", "dont", "doesnt", "didnt", "isnt", "arent",
    "wasnt", "werent", "wouldnt", "shouldnt", "couldnt", "lack", "lacks", "lacking",
    "no longer", NULL};

/* Hedges: words and phrases that mark a statement as aspiration, theory or
 * partial truth rather than settled practice. */
static const char *const HEDGES[] = {
    "maybe", "might", "perhaps", "possibly", "probably", "sometimes", "occasionally",
    "partly", "partially", "somewhat", "supposed", "supposedly", "meant", "hopefully",
    "ideally", "aspire", "aspires", "aspiring", "aspiration", "aspirations",
    "in theory", "in principle", "on paper", "trying to", "try to", "tries to",
    "tried to", "aim to", "aims to", "aiming to", "intend to", "intends to",
    "hope to", "hoping to", "would like to", "to some extent", NULL};

/* Every word of every listed negator and hedge is a word entry, so a text
 * token is compared with a listed word by entry index, not by its bytes;
 * the last word of each carries the list's mark, so the window checks only
 * look closer at marked tokens. */
static bool intern_listed(art_matcher *m, const char *const *list, unsigned char bit,
                          listed_set *out)
{
    size_t n = 0;
    while (list[n])
        n++;
    out->items = calloc(n, sizeof *out->items);
    if (!out->items)
        return false;
    out->n = n;
    for (size_t k = 0; k < n; k++) {
        listed_phrase *lp = &out->items[k];
        const char *s = list[k];
        while (*s) {
            const char *e = strchr(s, ' ');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (lp->nwords == MAX_LISTED_WORDS)
                return false;
            word_entry *we = word_intern(m, s, len);
            if (!we)
                return false;
            lp->words[lp->nwords++] = (uint32_t)(we - m->words);
            s += len + (e != NULL);
        }
        m->words[lp->words[lp->nwords - 1]].marks |= bit;
    }
    return true;
}

static bool intern_marks(art_matcher *m)
{
    return intern_listed(m, NEGATORS, MARK_NEG, &m->negators) &&
           intern_listed(m, HEDGES, MARK_HEDGE, &m->hedges);
}

/* ---- the byte trie: classifying tokens while they are read ------------- */

/* Columns: one per byte value some folded word uses; column 0 is every
 * other byte.  Folded words hold lower-case letters, digits, "'" and
 * UTF-8 bytes, so there are far fewer than 255 columns. */
static void assign_columns(art_matcher *m)
{
    bool used[256] = {false};
    for (size_t i = 0; i < m->nwords; i++)
        for (size_t k = 0; k < m->words[i].len; k++)
            used[(unsigned char)m->words[i].w[k]] = true;
    unsigned ncols = 1;
    for (unsigned b = 0; b < 256; b++)
        m->col[b] = used[b] ? (unsigned char)ncols++ : 0;
    m->bt_ncols = ncols;
    /* Text bytes: ASCII word characters map to the column of their folded
     * form, other ASCII to BYTE_OTHER (ascii_brk says which break it is),
     * the rest to BYTE_HIGH. */
    for (unsigned c = 128; c < 256; c++)
        m->byte_col[c] = BYTE_HIGH;
    for (unsigned c = 0; c < 128; c++) {
        bool word = is_ascii_word(c);
        m->byte_col[c] = word ? m->col[c >= 'A' && c <= 'Z' ? c + 32 : c] : BYTE_OTHER;
        unsigned brk = 0;
        if (!word && is_clause_break(c))
            brk |= BRK_CLAUSE;
        if (c == '.' || c == '!' || c == '?')
            brk |= BRK_SENTENCE;
        m->ascii_brk[c] = (unsigned char)brk;
    }
}

/* The trie over the words' folded bytes while it is built: per node, its
 * parent, the byte leading to it and the entry ending at it (NONE). */
typedef struct {
    u32vec parent, byte, entry;
} word_trie;

static void word_trie_free(word_trie *t)
{
    free(t->parent.v);
    free(t->byte.v);
    free(t->entry.v);
}

static bool word_trie_node(word_trie *t, uint32_t parent, uint32_t byte)
{
    return u32_push(&t->parent, parent) && u32_push(&t->byte, byte) &&
           u32_push(&t->entry, NONE);
}

/* Thread every word entry into the trie (children found through a map
 * keyed by (node, byte)).  Nodes are numbered as they are made, so every
 * parent has a lower number than its children. */
static bool trie_of_words(const art_matcher *m, word_trie *t)
{
    u64map kids;
    bool ok = u64map_init(&kids, 64) && word_trie_node(t, NONE, 0);
    for (size_t i = 0; ok && i < m->nwords; i++) {
        uint32_t node = 0;
        for (size_t k = 0; ok && k < m->words[i].len; k++) {
            unsigned char b = (unsigned char)m->words[i].w[k];
            uint64_t key = edge_key(node, b);
            uint32_t child = u64map_get(&kids, key);
            if (child == NONE) {
                child = (uint32_t)t->entry.n;
                ok = word_trie_node(t, node, b) && u64map_put(&kids, key, child);
            }
            node = child;
        }
        if (ok)
            t->entry.v[node] = (uint32_t)i;
    }
    u64map_free(&kids);
    return ok;
}

/* The class of a token that passes through each node: that of the deepest
 * prefix pattern on the way.  One pass in node order sees every parent
 * before its children. */
static void pass_classes(const art_matcher *m, const word_trie *t, uint32_t *pass)
{
    for (size_t v = 0; v < t->entry.n; v++) {
        uint32_t e = t->entry.v[v];
        if (e != NONE && m->words[e].prefix_sym != NONE)
            pass[v] = m->words[e].prefix_cls;
        else
            pass[v] = v ? pass[t->parent.v[v]] : 0;
    }
}

#define MAX_TRIE_CELLS (1u << 28)

/* Lay the trie out as a dense table: row r holds, per column, the row
 * offset of the next node, and in its last cell the node's number (its
 * bt_info).  A byte the trie cannot follow leads to a sink: a node that
 * loops on itself and remembers the deepest prefix class reached, so a
 * word is classified with one load per byte and no branch. */
static bool build_byte_trie(art_matcher *m)
{
    assign_columns(m);
    word_trie t = {{0}, {0}, {0}};
    uint32_t *pass = NULL, *sink_of = NULL;
    bool ok = false;
    if (!trie_of_words(m, &t))
        goto done;
    size_t ntrie = t.entry.n, ncls = nclasses(m);
    pass = malloc(ntrie * sizeof *pass);
    sink_of = malloc(ncls * sizeof *sink_of);
    if (!pass || !sink_of)
        goto done;
    pass_classes(m, &t, pass);
    /* One sink per prefix class some node passes with (class 0: no prefix). */
    for (size_t c = 0; c < ncls; c++)
        sink_of[c] = NONE;
    size_t nodes = ntrie;
    for (size_t v = 0; v < ntrie; v++)
        if (sink_of[pass[v]] == NONE)
            sink_of[pass[v]] = (uint32_t)nodes++;
    size_t stride = m->bt_ncols + 1;
    if (nodes > MAX_TRIE_CELLS / stride)
        goto done;
    m->bt_stride = (uint32_t)stride;
    m->btrie = malloc(nodes * stride * sizeof *m->btrie);
    m->bt_info = malloc(nodes * sizeof *m->bt_info);
    if (!m->btrie || !m->bt_info)
        goto done;
    m->bt_nodes = nodes;
    /* Every node first leads to its sink on every byte, then to its
     * children on theirs; sinks lead to themselves. */
    for (size_t v = 0; v < nodes; v++) {
        uint32_t *row = m->btrie + v * stride;
        uint32_t sink = v < ntrie ? sink_of[pass[v]] : (uint32_t)v;
        for (size_t k = 0; k + 1 < stride; k++)
            row[k] = (uint32_t)(sink * stride);
        row[stride - 1] = (uint32_t)v;
    }
    for (size_t v = 1; v < ntrie; v++)
        m->btrie[(size_t)t.parent.v[v] * stride + m->col[t.byte.v[v]]] = (uint32_t)(v * stride);
    for (size_t v = 0; v < ntrie; v++) {
        uint32_t e = t.entry.v[v];
        bt_info *in = &m->bt_info[v];
        in->entry = e;
        in->marks = e != NONE ? m->words[e].marks : 0;
        in->cls = e != NONE && m->words[e].exact_sym != NONE ? m->words[e].exact_cls : pass[v];
    }
    for (size_t c = 0; c < ncls; c++)
        if (sink_of[c] != NONE)
            m->bt_info[sink_of[c]] = (bt_info){(uint32_t)c, NONE, 0};
    ok = true;
done:
    word_trie_free(&t);
    free(pass);
    free(sink_of);
    return ok;
}

static int pair_cmp(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The automaton's moves laid out for reading: the start state's move on
 * every class as a plain array (most tokens are read in the start state or
 * fall back to it), and every other state's own moves as a short list
 * sorted by class (there are about two per state). */
static bool build_moves(art_matcher *m)
{
    size_t ncls = nclasses(m), nown = 0;
    m->root_next = malloc(ncls * sizeof *m->root_next);
    uint32_t *pairs = malloc((m->trans.n + 1) * 2 * sizeof *pairs);
    m->own_cls = malloc((m->trans.n + 1) * sizeof *m->own_cls);
    m->own_to = malloc((m->trans.n + 1) * sizeof *m->own_to);
    if (!m->root_next || !pairs || !m->own_cls || !m->own_to) {
        free(pairs);
        return false;
    }
    for (size_t c = 0; c < ncls; c++) {
        uint32_t t = u64map_get(&m->trans, edge_key(0, (uint32_t)c));
        m->root_next[c] = t != NONE ? t : m->states[0].dflt;
    }
    /* Count each state's moves, place them by state, then sort each run.
     * The start state's moves are all in root_next. */
    for (size_t st = 0; st < m->nstates; st++)
        m->states[st].own_off = m->states[st].own_len = 0;
    for (size_t k = 0; k < m->trans.cap; k++)
        if (m->trans.keys[k] != UINT64_MAX && (m->trans.keys[k] >> 32) != 0)
            m->states[m->trans.keys[k] >> 32].own_len++;
    for (size_t st = 0; st < m->nstates; st++) {
        m->states[st].own_off = (uint32_t)nown;
        nown += m->states[st].own_len;
        m->states[st].own_len = 0;
    }
    for (size_t k = 0; k < m->trans.cap; k++) {
        uint64_t key = m->trans.keys[k];
        if (key == UINT64_MAX || (key >> 32) == 0)
            continue;
        dfa_state *ds = &m->states[key >> 32];
        uint32_t *p = pairs + 2 * (ds->own_off + ds->own_len++);
        p[0] = (uint32_t)key;
        p[1] = m->trans.vals[k];
    }
    for (size_t st = 0; st < m->nstates; st++) {
        dfa_state *ds = &m->states[st];
        qsort(pairs + 2 * ds->own_off, ds->own_len, 2 * sizeof *pairs, pair_cmp);
    }
    for (size_t k = 0; k < nown; k++) {
        m->own_cls[k] = pairs[2 * k];
        m->own_to[k] = pairs[2 * k + 1];
    }
    free(pairs);
    return true;
}

/* How many tokens past an anchor's end a phrase can still need. */
static void compute_lookahead(art_matcher *m)
{
    m->lookahead = 0;
    for (size_t id = 0; id < m->nphrases; id++) {
        if (!m->anchor_len[id])
            continue;
        size_t after = (size_t)m->ntoks[id] - m->anchor[id] - m->anchor_len[id];
        if (after > m->lookahead)
            m->lookahead = after;
    }
}

/* ---- matching --------------------------------------------------------- */

/* One token of text, as the matcher keeps it: its offsets, its class, its
 * word entry (for the negator and hedge phrases) and the breaks before it. */
typedef struct {
    long start, end;            /* code points in the original text */
    uint32_t cls;
    uint32_t entry;             /* word entry equal to the token, NONE */
    unsigned char marks;        /* MARK_* of that entry */
    unsigned char brk;          /* BRK_* since the previous token */
} ring_tok;

/* Tokens kept: a match reaches 15 tokens before its anchor's end and
 * `lookahead` (< 16) after it, and its negation window 5 before its start
 * ("would like to" ending 3 tokens before). */
#define RING 64u
#define RING_MASK (RING - 1)
_Static_assert(2 * MAX_PHRASE_TOKENS + NEG_WINDOW + 3 <= RING, "token ring too small");

typedef struct {
    art_match_ex *v;
    size_t n, cap;
    bool unsorted;              /* an insertion gave up: sort at the end */
} match_list;

/* The state of one scan: the matcher stays read-only, everything that
 * changes lives here (on the caller's stack). */
typedef struct {
    const art_matcher *m;
    ring_tok ring[RING];
    size_t ntok;                /* tokens read */
    size_t nstep;               /* tokens the automaton has consumed */
    uint32_t st;                /* automaton state */
    u32vec cur, next;           /* simulation only: the live trie nodes */
    match_list ml;
} scanner;

static const ring_tok *tok_at(const scanner *s, size_t i) { return &s->ring[i & RING_MASK]; }

/* The words of `lp` end at token j, unbroken ("no, longer" is not "no
 * longer"; a hedge only breaks at a sentence end). */
static bool listed_ends_at(const scanner *s, size_t j, const listed_phrase *lp, bool hedge)
{
    unsigned char stop = hedge ? BRK_SENTENCE : BRK_CLAUSE;
    for (size_t k = lp->nwords; k-- > 0;) {
        if (tok_at(s, j)->entry != lp->words[k])
            return false;
        if (k == 0)
            return true;
        if (j == 0 || (tok_at(s, j)->brk & stop))
            return false;
        j--;
    }
    return true;
}

/* How many listed words or phrases end within `window` tokens before token
 * at, without crossing a clause break (a hedge: a sentence end).  A phrase
 * is counted once, by its longest listed form ("no longer", not also "no"),
 * so parity means something: "nothing happens without panel sign-off"
 * holds two negators, and says panel sign-off does happen.  "no longer" is
 * listed whole so it counts even when "no" is outside the window. */
static size_t count_listed_before(const scanner *s, size_t at, const listed_set *list,
                                  unsigned char bit, size_t window)
{
    size_t count = 0;
    bool hedge = bit == MARK_HEDGE;
    unsigned char stop = hedge ? BRK_SENTENCE : BRK_CLAUSE;
    for (size_t d = 1; d <= window && d <= at; d++) {
        if (tok_at(s, at - d + 1)->brk & stop)
            break;
        if (!(tok_at(s, at - d)->marks & bit))
            continue;
        size_t longest = 0;
        for (size_t k = 0; k < list->n; k++) {
            const listed_phrase *lp = &list->items[k];
            if (lp->nwords > longest && listed_ends_at(s, at - d, lp, hedge))
                longest = lp->nwords;
        }
        if (longest) {
            count++;
            d += longest - 1;
        }
    }
    return count;
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

/* Matches are found in end order, a few places from start order: move
 * each new one back into place, and leave it to one sort at the end when
 * that would take long (thousands of phrases matching at one token). */
#define MAX_INSERTION_SHIFT 16

static void match_settle(match_list *ml)
{
    if (ml->unsorted)
        return;
    size_t j = ml->n - 1;
    art_match_ex x = ml->v[j];
    for (size_t shifts = 0; j > 0 && match_cmp(&ml->v[j - 1], &x) > 0; shifts++) {
        if (shifts == MAX_INSERTION_SHIFT) {
            ml->unsorted = true;
            break;
        }
        ml->v[j] = ml->v[j - 1];
        j--;
    }
    ml->v[j] = x;
}

static bool match_push(scanner *s, size_t at, uint32_t id, size_t ntoks)
{
    match_list *ml = &s->ml;
    if (!grow_for_one((void **)&ml->v, &ml->cap, ml->n, sizeof *ml->v))
        return false;
    const art_matcher *m = s->m;
    art_match_ex *mt = &ml->v[ml->n++];
    mt->m.indicator = id;
    mt->m.start = tok_at(s, at)->start;
    mt->m.end = tok_at(s, at + ntoks - 1)->end;
    mt->m.negated = count_listed_before(s, at, &m->negators, MARK_NEG, NEG_WINDOW) % 2;
    mt->hedged = count_listed_before(s, at, &m->hedges, MARK_HEDGE, HEDGE_WINDOW) > 0;
    match_settle(ml);
    return true;
}

static bool class_has(const art_matcher *m, uint32_t c, uint32_t sym)
{
    for (uint32_t k = m->cls_off.v[c]; k < m->cls_off.v[c + 1]; k++)
        if (m->cls_syms.v[k] == sym)
            return true;
    return false;
}

/* Phrase `id`'s anchor ended at token `end`: check the whole phrase fits
 * in the tokens read so far (all of them that can matter: the automaton
 * runs `lookahead` tokens behind the reader) and that the tokens after the
 * anchor match ("*" before it always does). */
static bool report_anchor(scanner *s, uint32_t id, size_t end)
{
    const art_matcher *m = s->m;
    size_t anchor_start = end + 1 - m->anchor_len[id];
    if (anchor_start < m->anchor[id])
        return true;
    size_t start = anchor_start - m->anchor[id], n = m->ntoks[id];
    if (start + n > s->ntok)
        return true;
    const uint32_t *syms = m->psyms + (size_t)id * MAX_PHRASE_TOKENS;
    for (size_t k = (size_t)m->anchor[id] + m->anchor_len[id]; k < n; k++)
        if (syms[k] != ANY_SYM && !class_has(m, tok_at(s, start + k)->cls, syms[k]))
            return true;
    return match_push(s, start, id, n);
}

/* A state's own move on class c if it has one, else the start state's
 * (the failure path). */
static uint32_t automaton_move(const art_matcher *m, uint32_t st, uint32_t c)
{
    const dfa_state *ds = &m->states[st];
    const uint32_t *cls = m->own_cls + ds->own_off;
    size_t lo = 0, hi = ds->own_len;
    while (hi - lo > 4) {
        size_t mid = lo + (hi - lo) / 2;
        if (cls[mid] <= c)
            lo = mid;
        else
            hi = mid;
    }
    for (; lo < hi; lo++)
        if (cls[lo] == c)
            return m->own_to[ds->own_off + lo];
    return m->root_next[c];
}

/* The phrases whose anchor ends at token i, in automaton state ds. */
static bool report_outputs(scanner *s, const dfa_state *ds, size_t i)
{
    const art_matcher *m = s->m;
    for (uint32_t k = 0; k < ds->out_len; k++)
        if (!report_anchor(s, m->out_pool.v[ds->out_off + k], i))
            return false;
    return true;
}

/* The same state sets, computed token by token (no bound on states). */
static bool simulation_step(scanner *s, size_t i)
{
    const art_matcher *m = s->m;
    if (!step_set(m, s->cur.v, s->cur.n, tok_at(s, i)->cls, &s->next))
        return false;
    for (size_t k = 0; k < s->next.n; k++)
        for (uint32_t t = m->nodes[s->next.v[k]].first_term; t != NONE; t = m->terms[t].next)
            if (!report_anchor(s, m->terms[t].phrase, i))
                return false;
    u32vec tmp = s->cur;
    s->cur = s->next;
    s->next = tmp;
    return true;
}

/* Phrases of "*" alone match wherever there are enough tokens: here, the
 * ones ending at token i. */
static bool all_any_step(scanner *s, size_t i)
{
    const art_matcher *m = s->m;
    for (size_t k = 0; k < m->all_any.n; k++) {
        uint32_t id = m->all_any.v[k];
        size_t n = m->ntoks[id];
        if (i + 1 >= n && !match_push(s, i + 1 - n, id, n))
            return false;
    }
    return true;
}

/* Feed the next unconsumed token to the automaton.  Most tokens end no
 * anchor: one move and one test, inlined in the reading loop. */
static inline bool scanner_step(scanner *s)
{
    const art_matcher *m = s->m;
    size_t i = s->nstep++;
    if (m->has_dfa) {
        s->st = automaton_move(m, s->st, tok_at(s, i)->cls);
        const dfa_state *ds = &m->states[s->st];
        if (ds->out_len && !report_outputs(s, ds, i))
            return false;
    } else if (!simulation_step(s, i)) {
        return false;
    }
    return !m->all_any.n || all_any_step(s, i);
}

/* A word character follows at byte j (an apostrophe there joins two
 * words' worth of characters into one token). */
static bool word_follows(const art_matcher *m, const char *text, size_t len, size_t j)
{
    if (j >= len)
        return false;
    unsigned char c = (unsigned char)text[j];
    if (c < 0x80)
        return m->byte_col[c] != BYTE_OTHER;
    unsigned cp;
    art_utf8_decode(text + j, len - j, &cp);
    return is_word_cp(cp);
}

/* Walk the trie over the folded UTF-8 bytes of one code point. */
static uint32_t feed_cp(const art_matcher *m, uint32_t row, unsigned cp)
{
    char enc[4];
    size_t k = art_utf8_encode(cp, enc);
    for (size_t b = 0; b < k; b++)
        row = m->btrie[row + m->col[(unsigned char)enc[b]]];
    return row;
}

/* Where a word goes on past a byte that is no ASCII word character. */
typedef struct {
    size_t bytes;               /* bytes of the character taken; 0: the word ends */
    uint32_t row;               /* the trie row after it */
} word_step;

/* The word goes on at byte i: with an apostrophe that has a word
 * character after it, or a non-ASCII word character (through the decoder,
 * is_word_cp and art_utf8_fold, exactly as the tokeniser does).  Returned
 * by value, so the caller's loop keeps its position in registers. */
static word_step word_goes_on(const art_matcher *m, const char *text, size_t len, size_t i,
                              uint32_t row)
{
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
        if (c != '\'' || !word_follows(m, text, len, i + 1))
            return (word_step){0, row};
        return (word_step){1, m->btrie[row + m->col['\'']]};
    }
    unsigned cp;
    size_t k = art_utf8_decode(text + i, len - i, &cp);
    if (is_word_cp(cp))
        return (word_step){k, feed_cp(m, row, art_utf8_fold(cp))};
    if (is_apostrophe(cp) && word_follows(m, text, len, i + k))
        return (word_step){k, m->btrie[row + m->col['\'']]};
    return (word_step){0, row};
}

/* A token was read: keep it in the ring. */
static void keep_token(scanner *s, long start, long end, uint32_t row, unsigned brk)
{
    const art_matcher *m = s->m;
    const bt_info *in = &m->bt_info[m->btrie[row + m->bt_stride - 1]];
    ring_tok *t = &s->ring[s->ntok & RING_MASK];
    t->start = start;
    t->end = end;
    t->cls = in->cls;
    t->entry = in->entry;
    t->marks = in->marks;
    t->brk = (unsigned char)brk;
    s->ntok++;
}

/* One pass over the text: words are cut, folded and classified as they are
 * read, with the same tokens, offsets and breaks as tokenize() gives.  An
 * ASCII word byte, nearly all of the text, costs one look-up in byte_col
 * and one in the trie.  Code-point offsets are byte offsets less the
 * continuation bytes of the code points decoded so far (adj).  The
 * automaton consumes each token `lookahead` tokens after it was read, when
 * its phrases can be checked in full. */
static bool scan_words(scanner *s, const char *text, size_t len)
{
    const art_matcher *m = s->m;
    const unsigned char *u = (const unsigned char *)text;
    const unsigned char *byte_col = m->byte_col;
    const uint32_t *bt = m->btrie;
    size_t i = 0, adj = 0, lookahead = m->lookahead;
    unsigned brk = 0;
    while (i < len) {
        unsigned col = byte_col[u[i]];
        if (col == BYTE_OTHER) {
            brk |= m->ascii_brk[u[i]];
            i++;
            continue;
        }
        if (col == BYTE_HIGH) {
            unsigned cp;
            size_t k = art_utf8_decode(text + i, len - i, &cp);
            if (!is_word_cp(cp)) {
                if (is_clause_break(cp))
                    brk |= BRK_CLAUSE;
                i += k;
                adj += k - 1;
                continue;
            }
        }
        long start = (long)(i - adj);
        uint32_t row = 0;       /* the root is node 0 */
        for (;;) {
            const unsigned char *p = u + i, *end = u + len;
            while (p < end && (col = byte_col[*p]) < BYTE_HIGH) {
                row = bt[row + col];
                p++;
            }
            i = (size_t)(p - u);
            if (i == len)
                break;
            word_step ws = word_goes_on(m, text, len, i, row);
            if (!ws.bytes)
                break;
            row = ws.row;
            i += ws.bytes;
            adj += ws.bytes - 1;
        }
        keep_token(s, start, (long)(i - adj), row, brk);
        brk = 0;
        if (s->ntok > lookahead && !scanner_step(s))
            return false;
    }
    /* The last tokens' phrases can be checked now that the count is known. */
    while (s->nstep < s->ntok)
        if (!scanner_step(s))
            return false;
    return true;
}

art_status art_matcher_scan(const art_matcher *m, const char *text, size_t len,
                            art_match_ex **out, size_t *nout, size_t *ntokens,
                            art_error *err)
{
    *out = NULL;
    *nout = 0;
    if (ntokens)
        *ntokens = 0;
    if (!m || (!text && len > 0))
        return art_error_set(err, ART_ERR_USAGE, "matcher run without matcher or text");
    if (len == 0)
        return ART_OK;
    scanner s;
    s.m = m;
    s.ntok = s.nstep = 0;
    s.st = 0;
    s.cur = s.next = (u32vec){0};
    s.ml = (match_list){NULL, 0, 0, false};
    bool ok = m->has_dfa || u32_push(&s.cur, 0);
    ok = ok && scan_words(&s, text, len);
    free(s.cur.v);
    free(s.next.v);
    if (!ok) {
        free(s.ml.v);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory matching phrases");
    }
    /* Callers want start, then indicator. */
    if (s.ml.unsorted)
        qsort(s.ml.v, s.ml.n, sizeof *s.ml.v, match_cmp);
    *out = s.ml.v;
    *nout = s.ml.n;
    if (ntokens)
        *ntokens = s.ntok;
    return ART_OK;
}

art_status art_matcher_run_ex(const art_matcher *m, const char *text, size_t len,
                              art_match_ex **out, size_t *nout, art_error *err)
{
    return art_matcher_scan(m, text, len, out, nout, NULL, err);
}

art_status art_matcher_run(const art_matcher *m, const char *text, size_t len,
                           art_match **out, size_t *nout, art_error *err)
{
    *out = NULL;
    *nout = 0;
    art_match_ex *ex = NULL;
    size_t n = 0;
    art_status st = art_matcher_scan(m, text, len, &ex, &n, NULL, err);
    if (st != ART_OK || n == 0) {
        free(ex);
        return st;
    }
    /* art_match is the head of art_match_ex: compact in place. */
    art_match *v = (art_match *)ex;
    for (size_t i = 0; i < n; i++)
        memmove(&v[i], &ex[i].m, sizeof *v);
    *out = v;
    *nout = n;
    return ART_OK;
}
