/* The corpus handed to plugins: a round's segments with their codes,
 * participants' names replaced by pseudonyms. */
#include "store_internal.h"
#include "dict.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Corpus (what plugins see), with names pseudonymised                  */
/* ------------------------------------------------------------------ */


static bool name_map_add(name_map *m, const char *name, size_t len, const char *pseudo, bool exact)
{
    for (size_t i = 0; i < m->n; i++)
        if (strlen(m->names[i]) == len && strncmp(m->names[i], name, len) == 0) {
            /* The same token names two people: replace it with a neutral mark
             * rather than guess which person is meant. */
            if (strcmp(m->pseudos[i], pseudo) != 0) {
                char *p = art_strdup("[name]");
                if (!p)
                    return false;
                free(m->pseudos[i]);
                m->pseudos[i] = p;
            }
            return true;
        }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 32;
        char **a = realloc(m->names, cap * sizeof *a);
        if (!a) return false;
        m->names = a;
        char **b = realloc(m->pseudos, cap * sizeof *b);
        if (!b) return false;
        m->pseudos = b;
        bool *e = realloc(m->exact_case, cap * sizeof *e);
        if (!e) return false;
        m->exact_case = e;
        m->cap = cap;
    }
    m->names[m->n] = art_strndup(name, len);
    m->pseudos[m->n] = art_strdup(pseudo);
    m->exact_case[m->n] = exact;
    if (!m->names[m->n] || !m->pseudos[m->n]) {
        free(m->names[m->n]);
        free(m->pseudos[m->n]);
        return false;
    }
    m->n++;
    return true;
}

void store_name_map_free(name_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->names[i]);
        free(m->pseudos[i]);
    }
    free(m->names);
    free(m->pseudos);
    free(m->exact_case);
}

static bool is_word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80 || c == '\'';
}

art_status store_name_map_load(art_store *s, long long site_id, name_map *m, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, "SELECT name, pseudonym FROM participants WHERE site_id = ? "
                                 "ORDER BY id",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", site_id);
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = col_text(st, 0), *pseudo = col_text(st, 1);
        if (!name_map_add(m, name, strlen(name), pseudo, false))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        /* Each part of a name of three letters or more stands for the person too. */
        for (const char *p = name; r == ART_OK && *p;) {
            while (*p && !is_word_byte((unsigned char)*p))
                p++;
            const char *q = p;
            while (*q && is_word_byte((unsigned char)*q))
                q++;
            if (q - p >= 3 && (size_t)(q - p) < strlen(name) &&
                !name_map_add(m, p, (size_t)(q - p), pseudo, true))
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            p = q;
        }
    }
    sqlite3_finalize(st);
    if (r != ART_OK)
        return r;
    /* Longest first, so "Maya Okafor" is replaced before "Maya" (insertion
     * sort: three arrays move together and the list is short). */
    for (size_t i = 1; i < m->n; i++)
        for (size_t j = i; j > 0 && strlen(m->names[j]) > strlen(m->names[j - 1]); j--) {
            char *t = m->names[j]; m->names[j] = m->names[j - 1]; m->names[j - 1] = t;
            t = m->pseudos[j]; m->pseudos[j] = m->pseudos[j - 1]; m->pseudos[j - 1] = t;
            bool e = m->exact_case[j]; m->exact_case[j] = m->exact_case[j - 1]; m->exact_case[j - 1] = e;
        }
    return ART_OK;
}

/* The names that can start at a byte, bucketed by the byte's ASCII lower
 * case: head[c] is the first candidate's index + 1 (0: none) and next[k] the
 * one after k, in the map's own order (longest first).  Trying only a byte's
 * bucket finds the same first match as trying every name, without comparing
 * every name at every word (names x words was a fifth of scoring). */
#define FIRST_WORD_BITS 65536u
#define WORD_HASH_SEED 2166136261u      /* FNV-1a */
#define WORD_HASH_MUL 16777619u

static inline uint32_t word_hash_step(uint32_t h, unsigned char folded)
{
    return (h ^ folded) * WORD_HASH_MUL;
}

typedef struct name_index {
    uint32_t head[256];
    /* by the raw byte: head[tolower(c)], and is_word_byte(c), so the scan
     * over every byte of a text makes no library calls */
    uint32_t bucket[256];
    bool word[256];
    /* The first two bytes of every name, folded: pair[(a << 8) | b] says
     * some name starts "ab" (one[a]: some name is the single byte a).  A
     * word start whose bucket is not empty is tried only when its first
     * two bytes pass, so a text whose words share names' initials ("s",
     * "j") is not compared name by name at every such word. */
    unsigned char lower[256];
    uint64_t pair[65536 / 64];
    bool one[256];
    /* A Bloom filter of the names' first words: a name's bytes up to its
     * first non-word byte, folded, hashed (word_hash).  A name matches only
     * where a text word is exactly that first word (or is it followed by an
     * apostrophe: "Maya's"), so a word whose hash is not here needs no
     * comparison at all: nearly every word of a text. */
    uint64_t first_word[FIRST_WORD_BITS / 64];
    uint32_t *next;
    size_t *len;
} name_index;

static bool name_index_build(const name_map *m, name_index *ix)
{
    memset(ix->head, 0, sizeof ix->head);
    size_t n = m->n ? m->n : 1;
    ix->next = malloc(n * sizeof *ix->next);
    ix->len = malloc(n * sizeof *ix->len);
    if (!ix->next || !ix->len) {
        free(ix->next);
        free(ix->len);
        ix->next = NULL;
        ix->len = NULL;
        return false;
    }
    for (size_t k = m->n; k-- > 0;) {
        unsigned char c = (unsigned char)tolower((unsigned char)m->names[k][0]);
        ix->len[k] = strlen(m->names[k]);
        ix->next[k] = ix->head[c];
        ix->head[c] = (uint32_t)k + 1;
    }
    for (int c = 0; c < 256; c++) {
        ix->lower[c] = (unsigned char)tolower(c);
        ix->bucket[c] = ix->head[ix->lower[c]];
        ix->word[c] = is_word_byte((unsigned char)c);
    }
    memset(ix->pair, 0, sizeof ix->pair);
    memset(ix->one, 0, sizeof ix->one);
    memset(ix->first_word, 0, sizeof ix->first_word);
    for (size_t k = 0; k < m->n; k++) {
        const unsigned char *p = (const unsigned char *)m->names[k];
        uint32_t h = WORD_HASH_SEED;
        for (size_t j = 0; j < ix->len[k] && ix->word[p[j]]; j++)
            h = word_hash_step(h, ix->lower[p[j]]);
        ix->first_word[(h >> 16) / 64] |= (uint64_t)1 << ((h >> 16) % 64);
        if (ix->len[k] < 2) {
            ix->one[ix->lower[p[0]]] = true;
        } else {
            unsigned v = ((unsigned)ix->lower[p[0]] << 8) | ix->lower[p[1]];
            ix->pair[v / 64] |= (uint64_t)1 << (v % 64);
        }
    }
    return true;
}

static void name_index_free(name_index *ix)
{
    free(ix->next);
    free(ix->len);
}

/* Index + 1 of the first name that matches text at i as a whole word (a
 * possessive "'s" may follow), or 0. */
static size_t name_at(const name_map *m, const name_index *ix, const char *text, size_t n,
                      size_t i)
{
    unsigned char a = ix->lower[(unsigned char)text[i]];
    if (!ix->one[a]) {
        if (i + 1 >= n)
            return 0;
        unsigned v = ((unsigned)a << 8) | ix->lower[(unsigned char)text[i + 1]];
        if (!(ix->pair[v / 64] >> (v % 64) & 1))
            return 0;
    }
    for (uint32_t e = ix->bucket[(unsigned char)text[i]]; e; e = ix->next[e - 1]) {
        size_t k = e - 1, len = ix->len[k];
        if (len > n - i)
            continue;
        bool eq = m->exact_case[k] ? memcmp(text + i, m->names[k], len) == 0
                                   : strncasecmp(text + i, m->names[k], len) == 0;
        if (eq && (i + len == n || !ix->word[(unsigned char)text[i + len]] ||
                   text[i + len] == '\''))
            return k + 1;
    }
    return 0;
}

/* Copy text[from, to) unchanged, counting its code points into map. */
static void copy_run(art_buf *b, const char *text, size_t from, size_t to, long *map,
                     long *in_cp, long *out_cp)
{
    art_buf_append(b, text + from, to - from);
    if (!map)
        return;
    /* A code point starts at every byte that is not a continuation. */
    for (size_t i = from; i < to; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            map[(*in_cp)++] = (*out_cp)++;
}

static inline bool first_word_may_be(const name_index *ix, uint32_t h)
{
    return ix->first_word[(h >> 16) / 64] >> ((h >> 16) % 64) & 1;
}

/* Could a name start at text[i], the start of a word?  The word is read to
 * its end (*end) while its hash is taken, so the caller steps over it: a
 * name starts only where a word does, and most bytes are inside words. */
static bool word_may_start_name(const name_index *ix, const char *text, size_t n, size_t i,
                                size_t *end)
{
    uint32_t h = WORD_HASH_SEED;
    bool maybe = false;
    size_t j = i;
    for (; j < n && ix->word[(unsigned char)text[j]]; j++) {
        /* "Maya's": the name ends before an apostrophe inside the word */
        if (text[j] == '\'' && j > i && !maybe)
            maybe = first_word_may_be(ix, h);
        h = word_hash_step(h, ix->lower[(unsigned char)text[j]]);
    }
    *end = j;
    return maybe || first_word_may_be(ix, h);
}

/* Append text with every name replaced to b (see store_pseudonymise). */
static void pseudonymise_into(const name_map *m, const name_index *ix, const char *text,
                              size_t n, long *map, art_buf *b)
{
    long in_cp = 0, out_cp = 0;
    size_t run = 0;             /* start of the bytes not yet copied */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)text[i];
        size_t k = 0;
        if (ix->word[c]) {
            /* A word start (the previous byte, if any, is not a word byte). */
            size_t end;
            if (word_may_start_name(ix, text, n, i, &end) && ix->bucket[c])
                k = name_at(m, ix, text, n, i);
            if (!k) {
                i = end;
                continue;
            }
        } else if (ix->bucket[c] && (i == 0 || !ix->word[(unsigned char)text[i - 1]])) {
            /* a name that starts with punctuation, as odd as it is */
            k = name_at(m, ix, text, n, i);
        }
        if (!k) {
            i++;
            continue;
        }
        k--;
        copy_run(b, text, run, i, map, &in_cp, &out_cp);
        art_buf_puts(b, m->pseudos[k]);
        long name_cps = art_utf8_count(text + i, ix->len[k]);
        for (long j = 0; map && j < name_cps; j++)
            map[in_cp + j] = out_cp;
        in_cp += name_cps;
        out_cp += art_utf8_count(m->pseudos[k], strlen(m->pseudos[k]));
        i += ix->len[k];
        run = i;
        /* Inside the word a name ended in, no other name starts ("Maya's"). */
        if (ix->word[(unsigned char)text[i - 1]])
            while (i < n && ix->word[(unsigned char)text[i]])
                i++;
    }
    copy_run(b, text, run, n, map, &in_cp, &out_cp);
    if (map)
        map[in_cp] = out_cp;
}

/* Replace whole-word occurrences of every name in text.  Returns a malloc'd
 * string, or NULL when out of memory.  With cpmap, also hands back where each
 * code point of text went (cpmap[i] for i in 0..length, the last one the new
 * length), so offsets into the text can follow it; a code point inside a
 * replaced name maps to the start of its pseudonym. */
char *store_pseudonymise(const name_map *m, const char *text, long **cpmap)
{
    size_t n = strlen(text);
    long *map = NULL;
    if (cpmap) {
        *cpmap = NULL;
        if (!(map = malloc(((size_t)art_utf8_count(text, n) + 1) * sizeof *map)))
            return NULL;
    }
    name_index ix;
    if (!name_index_build(m, &ix)) {
        free(map);
        return NULL;
    }
    art_buf b;
    art_buf_init(&b);
    (void)art_buf_reserve(&b, n + 1);   /* a failure stays in b: art_buf_steal says NULL */
    pseudonymise_into(m, &ix, text, n, map, &b);
    name_index_free(&ix);
    char *out = art_buf_steal(&b);
    if (!out) {
        free(map);
        return NULL;
    }
    if (cpmap)
        *cpmap = map;
    return out;
}

/* ------------------------------------------------------------------ */
/* Streaming: segments read from the store batch by batch              */
/* ------------------------------------------------------------------ */

/* A batch ends at whichever comes first: enough segments to amortise the
 * codings query, or enough text to keep memory small whatever one
 * segment's size (a long coded excerpt is one segment). */
#define BATCH_SEGMENTS 2048
#define BATCH_TEXT_BYTES ((size_t)4 << 20)

/* The segments in an id range (?1..?2), in id order along the rowid: the
 * round's sources and the site's participants are small and held in memory
 * (stream_open), so a row needs no join, and a segment of a source outside
 * the round is skipped before its text is read.  Joined in SQL, each row
 * paid two index searches, and the planner sorted every row, text
 * included, in a temporary B-tree, once per walk. */
#define SEGMENTS_IN_RANGE                                                      \
    "SELECT id, source_id, document, paragraph, sentence, start_cp, end_cp, "  \
    "  text, participant_id, block FROM segments WHERE id BETWEEN ?1 AND ?2 "  \
    "ORDER BY id"
enum { COL_ID, COL_SOURCE, COL_DOCUMENT, COL_PARAGRAPH, COL_SENTENCE, COL_START, COL_END,
       COL_TEXT, COL_PARTICIPANT, COL_BLOCK };

/* The codings of a range of segment ids, in the order the whole-corpus
 * loader attached them (segment, then coding id): codings_segment gives
 * that order without sorting.  Only segments of the batch take them, so a
 * coding of another round's segment inside the range is skipped.  The "+"
 * keeps SQLite from starting at the site's codes, which read every coding of
 * the site for each batch (and for each segment looked up by id). */
#define CODINGS_SELECT                                                         \
    "SELECT k.segment_id, c.path, k.coder FROM codings k "                     \
    "JOIN codes c ON c.id = k.code_id "                                        \
    "WHERE k.segment_id BETWEEN ?1 AND ?2 AND +c.site_id = ?3 "                \
    "ORDER BY k.segment_id, k.id"

/* A source of the round, or a participant of the site, by id. */
typedef struct source_row {
    long long id;
    bool interview;
    char *name;
} source_row;

typedef struct person_row {
    long long id;
    char *shown;            /* pseudonym, or the name when revealed */
    art_voice voice;
} person_row;

/* See art_corpus_tap_set (internal.h). */
typedef struct corpus_tap {
    art_corpus_tap_fn fn;
    art_corpus_scan_fn sfn;     /* with a scan, instead of fn */
    const art_matcher *scan;
    const char *const *scan_phrases;
    size_t scan_nphrases;
    void *ud;
    bool claimed;           /* a cursor feeds it */
    bool complete;          /* that cursor reached the end */
    art_status status;      /* fn's first error */
    art_error err;
} corpus_tap;

/* Pinned segments (art_corpus_pin): flat copies by id, open addressing,
 * at most half full; id 0 marks an empty slot. */
struct pin_table {
    int64_t *ids;
    art_seg_view **views;
    size_t cap, n;          /* cap: 0 or a power of two */
};

struct art_corpus_stream {
    art_store *s;
    bool owns_store;        /* a sibling's own read connection: closed with it */
    long long site_id, round_id;
    bool reveal;            /* names kept: no map, participants by name */
    bool no_readahead;      /* art_corpus_set_readahead(false) */
    size_t batch_segments;  /* segments a batch holds at most */
    name_map names;
    name_index ix;          /* built once, not per segment */
    size_t count;
    int64_t min_id, max_id; /* the round's segment ids lie in [min_id, max_id] */
    source_row *sources;    /* the round's, by ascending id */
    size_t nsources;
    person_row *people;     /* the site's participants, by ascending id */
    size_t npeople;
    /* art_corpus_find: prepared on first use, the found segment's batch */
    sqlite3_stmt *find_seg, *find_codes;
    struct seg_batch *found;
    /* What the last art_corpus_find_many handed out: one flat block each. */
    art_seg_view **kept;
    size_t nkept;
    struct pin_table pins;  /* art_corpus_pin */
    corpus_tap tap;
};

/* Segments of one batch and the memory behind them, reused batch after
 * batch: the arena is reset, the arrays keep their capacity. */
typedef struct seg_batch {
    art_seg_view *segs;
    size_t n, cap;
    size_t text_bytes;
    art_arena *arena;
    art_buf scratch;        /* pseudonymised text before it goes in the arena */
    const char **codes, **coders;   /* one segment's codes while gathering */
    size_t ncodes, codes_cap;
} seg_batch;

struct readahead;

struct art_corpus_cursor {
    const art_corpus *c;
    size_t pos;             /* next segment: into c->segs, or into cb->segs */
    sqlite3_stmt *segs;     /* streamed: the round's segments, across batches */
    sqlite3_stmt *codes;    /* streamed: codings of one batch's id range */
    bool done;              /* no more segments will come */
    bool tapped;            /* feeds the stream's tap */
    seg_batch b;            /* read here, or ... */
    struct readahead *ra;   /* ... by a thread of its own, batches ahead */
    seg_batch *cb;          /* the batch being handed out */
    /* The tap's scan of the segment last handed out (art_corpus_cursor_scan),
     * run once the owner took it (scan_on). */
    bool scan_on;
    art_match_ex *scan_m;
    size_t scan_n;
    bool scan_ok;
};

static seg_batch *batch_new(void)
{
    seg_batch *b = calloc(1, sizeof *b);
    if (b && !(b->arena = art_arena_new())) {
        free(b);
        return NULL;
    }
    if (b)
        art_buf_init(&b->scratch);
    return b;
}

static void batch_release(seg_batch *b)
{
    free(b->segs);
    art_arena_free(b->arena);
    art_buf_free(&b->scratch);
    free(b->codes);
    free(b->coders);
}

static void batch_clear(seg_batch *b)
{
    b->n = 0;
    b->text_bytes = 0;
    art_arena_reset(b->arena);
}

static art_status batch_grow(seg_batch *b, art_error *err)
{
    if (b->n < b->cap)
        return ART_OK;
    size_t cap = b->cap ? b->cap * 2 : 256;
    art_seg_view *p = realloc(b->segs, cap * sizeof *p);
    if (!p)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory reading the corpus");
    b->segs = p;
    b->cap = cap;
    return ART_OK;
}

/* Consecutive segments mostly share their source, document, block and
 * participant: keep one arena copy of a repeated string instead of one per
 * segment. */
typedef struct last_str {
    const char *s;
} last_str;

typedef struct shared_strs {
    last_str source, document, block, who;
} shared_strs;

static const char *arena_dup_shared(art_arena *a, last_str *last, const char *s)
{
    if (!s)
        return NULL;
    if (last->s && strcmp(last->s, s) == 0)
        return last->s;
    const char *d = art_arena_strdup(a, s);
    if (d)
        last->s = d;
    return d;
}

/* Decimal digits of v at p; returns the end.  snprintf's format parsing
 * was a twentieth of reading a segment, for four numbers. */
static char *put_long(char *p, long v)
{
    char digits[24];
    size_t n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *p++ = '-';
    while (n)
        *p++ = digits[--n];
    return p;
}

static char *put_str(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* "para P, sentence S, chars A-B" or "DOCUMENT, row R", in the arena, as
 * "%d"/"%ld" would print them (paragraph and sentence shown from 1). */
static const char *segment_locator(art_arena *a, bool interview, const char *document,
                                   int paragraph, int sentence, long start, long end)
{
    size_t dlen = interview && document ? strlen(document) : 0;
    /* Four numbers of at most 21 characters each, and the words between. */
    char *out = art_arena_alloc(a, dlen + 4 * 21 + 32);
    if (!out)
        return NULL;
    char *p = out;
    if (interview) {
        if (document) {
            p = put_str(p, document, dlen);
            p = put_str(p, ", ", 2);
        }
        p = put_str(p, "row ", 4);
        p = put_long(p, (long)paragraph + 1);
    } else {
        p = put_str(p, "para ", 5);
        p = put_long(p, (long)paragraph + 1);
        p = put_str(p, ", sentence ", 11);
        p = put_long(p, (long)sentence + 1);
        p = put_str(p, ", chars ", 8);
        p = put_long(p, start);
        *p++ = '-';
        p = put_long(p, end);
    }
    *p = '\0';
    return out;
}

/* The segment's text, names replaced unless revealed, copied to the arena. */
static const char *segment_text(const art_corpus_stream *cs, seg_batch *b, const char *text)
{
    if (cs->reveal || cs->names.n == 0)
        return art_arena_strdup(b->arena, text);
    size_t n = strlen(text);
    art_buf_reset(&b->scratch);
    if (!art_buf_reserve(&b->scratch, n + 1))
        return NULL;
    pseudonymise_into(&cs->names, &cs->ix, text, n, NULL, &b->scratch);
    if (b->scratch.failed)
        return NULL;
    char *out = art_arena_alloc(b->arena, b->scratch.len + 1);
    if (out)
        memcpy(out, b->scratch.data, b->scratch.len + 1);
    return out;
}

static const source_row *source_of(const art_corpus_stream *cs, long long id)
{
    size_t lo = 0, hi = cs->nsources;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cs->sources[mid].id == id)
            return &cs->sources[mid];
        if (cs->sources[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const person_row *person_of(const art_corpus_stream *cs, long long id)
{
    size_t lo = 0, hi = cs->npeople;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cs->people[mid].id == id)
            return &cs->people[mid];
        if (cs->people[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Is the statement's current row (SEGMENTS_IN_RANGE) a segment of the
 * round?  *src is its source. */
static bool row_in_round(const art_corpus_stream *cs, sqlite3_stmt *st, const source_row **src)
{
    *src = source_of(cs, sqlite3_column_int64(st, COL_SOURCE));
    return *src != NULL;
}

/* Append the segment at the statement's current row (SEGMENTS_IN_RANGE's
 * columns, a source of the round) to the batch. */
static art_status batch_add_row(const art_corpus_stream *cs, seg_batch *b, sqlite3_stmt *st,
                                const source_row *src, shared_strs *sh, art_error *err)
{
    art_status r = batch_grow(b, err);
    if (r != ART_OK)
        return r;
    art_seg_view *v = &b->segs[b->n];
    memset(v, 0, sizeof *v);
    bool interview = src->interview;
    v->id = sqlite3_column_int64(st, COL_ID);
    v->kind = interview ? ART_SRC_INTERVIEW : ART_SRC_DOCUMENT;
    /* The source's name lives as long as the stream: no copy. */
    v->source = src->name;
    v->document = arena_dup_shared(b->arena, &sh->document,
                                   (const char *)sqlite3_column_text(st, COL_DOCUMENT));
    v->paragraph = sqlite3_column_int(st, COL_PARAGRAPH);
    v->sentence = sqlite3_column_int(st, COL_SENTENCE);
    v->start = (long)sqlite3_column_int64(st, COL_START);
    v->end = (long)sqlite3_column_int64(st, COL_END);
    v->level = interview ? ART_LEVEL_ASSUMPTION : ART_LEVEL_ESPOUSED;
    v->voice = ART_VOICE_UNKNOWN;
    if (sqlite3_column_type(st, COL_PARTICIPANT) != SQLITE_NULL) {
        const person_row *p = person_of(cs, sqlite3_column_int64(st, COL_PARTICIPANT));
        if (p) {
            v->participant = p->shown;
            v->voice = p->voice;
        }
    }
    v->block = arena_dup_shared(b->arena, &sh->block,
                                (const char *)sqlite3_column_text(st, COL_BLOCK));
    const char *text = (const char *)sqlite3_column_text(st, COL_TEXT);
    v->text = text ? segment_text(cs, b, text) : NULL;
    v->locator = segment_locator(b->arena, interview, v->document, v->paragraph, v->sentence,
                                 v->start, v->end);
    if (!v->text || !v->locator)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory reading the corpus");
    b->text_bytes += (size_t)sqlite3_column_bytes(st, COL_TEXT);
    b->n++;
    return ART_OK;
}

/* Give segment v the codes gathered so far (copied to the arena). */
static art_status flush_codes(seg_batch *b, art_seg_view *v, art_error *err)
{
    size_t n = b->ncodes;
    b->ncodes = 0;
    if (!v || n == 0)
        return ART_OK;
    const char **a = art_arena_alloc(b->arena, n * sizeof *a);
    const char **c = art_arena_alloc(b->arena, n * sizeof *c);
    if (!a || !c)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory reading codings");
    memcpy(a, b->codes, n * sizeof *a);
    memcpy(c, b->coders, n * sizeof *c);
    v->codes = a;
    v->coders = c;
    v->ncodes = n;
    return ART_OK;
}

static art_status gather_code(seg_batch *b, sqlite3_stmt *st, art_error *err)
{
    if (b->ncodes == b->codes_cap) {
        size_t cap = b->codes_cap ? b->codes_cap * 2 : 8;
        const char **a = realloc(b->codes, cap * sizeof *a);
        if (a)
            b->codes = a;
        const char **c = a ? realloc(b->coders, cap * sizeof *c) : NULL;
        if (c)
            b->coders = c;
        if (!a || !c)
            return art_error_set(err, ART_ERR_NOMEM, "out of memory reading codings");
        b->codes_cap = cap;
    }
    const char *coder = (const char *)sqlite3_column_text(st, 2);
    b->codes[b->ncodes] = art_arena_strdup(b->arena, col_text(st, 1));
    b->coders[b->ncodes] = art_arena_strdup(b->arena, coder);
    if (!b->codes[b->ncodes] || (coder && !b->coders[b->ncodes]))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory reading codings");
    b->ncodes++;
    return ART_OK;
}

/* Attach to the batch's segments their codings: one query over the batch's
 * id range, merged with the segments (both in id order).  Errors name the
 * connection db, which read them. */
static art_status batch_attach_codes(const art_corpus_stream *cs, art_store *db, seg_batch *b,
                                     sqlite3_stmt *st, art_error *err)
{
    if (b->n == 0)
        return ART_OK;
    sqlite3_reset(st);
    if (!db_bind(st, "iii", (long long)b->segs[0].id, (long long)b->segs[b->n - 1].id,
                 cs->site_id))
        return db_error(db, err, "read codings");
    size_t si = 0;
    art_seg_view *cur = NULL;
    art_status r = ART_OK;
    int rc;
    b->ncodes = 0;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seg = sqlite3_column_int64(st, 0);
        if (!cur || cur->id != seg) {
            if ((r = flush_codes(b, cur, err)) != ART_OK)
                break;
            while (si < b->n && b->segs[si].id < seg)
                si++;
            cur = si < b->n && b->segs[si].id == seg ? &b->segs[si] : NULL;
            if (!cur)
                continue;   /* a segment of another round */
        }
        r = gather_code(b, st, err);
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(db, err, "read codings");
    if (r == ART_OK)
        r = flush_codes(b, cur, err);
    sqlite3_reset(st);
    return r;
}

static art_status prepare_bound(const art_corpus_stream *cs, const char *sql, sqlite3_stmt **st,
                                art_error *err)
{
    art_status r = db_prepare(cs->s, sql, st, err);
    /* ?1 and ?2 by number: a statement may have more parameters to bind. */
    if (r == ART_OK && (sqlite3_bind_int64(*st, 1, cs->site_id) != SQLITE_OK ||
                        sqlite3_bind_int64(*st, 2, cs->round_id) != SQLITE_OK)) {
        r = db_error(cs->s, err, "read the corpus");
        sqlite3_finalize(*st);
        *st = NULL;
    }
    return r;
}

/* Read the next batch into b from a segment statement (SEGMENTS_IN_RANGE)
 * and a codings statement (CODINGS_SELECT) prepared on db; *eof once the
 * segment statement has no more rows.  The stream is only read. */
static art_status batch_fill(const art_corpus_stream *cs, art_store *db, sqlite3_stmt *segs,
                             sqlite3_stmt *codes, seg_batch *b, bool *eof, art_error *err)
{
    batch_clear(b);
    shared_strs sh = {0};
    art_status r = ART_OK;
    while (!*eof && b->n < cs->batch_segments && b->text_bytes < BATCH_TEXT_BYTES) {
        int rc = sqlite3_step(segs);
        if (rc == SQLITE_DONE) {
            *eof = true;
            break;
        }
        if (rc != SQLITE_ROW)
            return db_error(db, err, "read the corpus's segments");
        const source_row *src;
        if (row_in_round(cs, segs, &src) &&
            (r = batch_add_row(cs, b, segs, src, &sh, err)) != ART_OK)
            return r;
    }
    return batch_attach_codes(cs, db, b, codes, err);
}

/* Read the next batch on the cursor's own thread. */
static art_status cursor_fill(art_corpus_cursor *cur, art_error *err)
{
    cur->pos = 0;
    return batch_fill(cur->c->stream, cur->c->stream->s, cur->segs, cur->codes, &cur->b,
                      &cur->done, err);
}

/* ---- read-ahead: the next batches read on another core ------------- */

/* Reading a batch (SQLite's rows, names replaced, locators) costs about as
 * much as what most consumers then do with it (matching phrases), so a
 * walk on one thread left the second core idle.  With read-ahead a thread
 * of the cursor's own fills batches over a read-only connection of its
 * own (connections are opened NOMUTEX: never shared), up to RA_BATCHES
 * ahead, while the consumer takes them in order.  The batches are the
 * ones the cursor would have read itself, in the same order, with the same
 * error at the same place: the stream (names, sources, participants) is
 * only read by both.  The connection reads what the store's connection
 * would: neither is pinned to the snapshot the stream was opened on, as
 * each walk has always begun a read transaction of its own. */
#define RA_BATCHES 3

typedef struct readahead {
    const art_corpus_stream *cs;
    art_store *db;              /* the producer's connection */
    sqlite3_stmt *segs, *codes;
    pthread_t thread;
    int synced;                 /* of mu, filled_cv, free_cv: how many are set up */
    pthread_mutex_t mu;
    pthread_cond_t filled_cv;   /* a batch was filled, or the producer ended */
    pthread_cond_t free_cv;     /* a batch was handed back, or stop */
    seg_batch batch[RA_BATCHES];
    /* Under mu.  Both sides go round the ring in order: the producer fills
     * batch[tail], the consumer takes batch[head]. */
    size_t head, tail, nfilled, nfree;
    bool ended;                 /* the producer fills no more */
    bool stop;                  /* the consumer wants no more */
    art_status status;          /* the producer's error, after its batches */
    art_error err;
} readahead;

static void *readahead_main(void *arg)
{
    readahead *ra = arg;
    bool eof = false;
    for (;;) {
        pthread_mutex_lock(&ra->mu);
        while (ra->nfree == 0 && !ra->stop)
            pthread_cond_wait(&ra->free_cv, &ra->mu);
        if (ra->stop) {
            ra->ended = true;
            pthread_mutex_unlock(&ra->mu);
            return NULL;
        }
        size_t i = ra->tail;
        ra->tail = (ra->tail + 1) % RA_BATCHES;
        ra->nfree--;
        pthread_mutex_unlock(&ra->mu);

        art_error err;
        art_error_clear(&err);
        art_status st = batch_fill(ra->cs, ra->db, ra->segs, ra->codes, &ra->batch[i], &eof, &err);

        pthread_mutex_lock(&ra->mu);
        if (st != ART_OK) {
            ra->status = st;
            ra->err = err;
        } else {
            ra->nfilled++;
        }
        ra->ended = st != ART_OK || eof;
        bool ended = ra->ended;
        pthread_cond_signal(&ra->filled_cv);
        pthread_mutex_unlock(&ra->mu);
        if (ended)
            return NULL;
    }
}

static void readahead_free(readahead *ra)
{
    if (!ra)
        return;
    if (ra->synced > 2)
        pthread_cond_destroy(&ra->free_cv);
    if (ra->synced > 1)
        pthread_cond_destroy(&ra->filled_cv);
    if (ra->synced > 0)
        pthread_mutex_destroy(&ra->mu);
    sqlite3_finalize(ra->segs);
    sqlite3_finalize(ra->codes);
    art_store_close(ra->db);
    for (size_t i = 0; i < RA_BATCHES; i++)
        batch_release(&ra->batch[i]);
    free(ra);
}

static art_status open_reader_store(const art_store *s, art_store **out, art_error *err);

/* Open the producer's connection and statements on the caller's thread (the
 * store's connection is read to find its file), then start the producer.
 * NULL when any of it fails: the cursor then reads its batches itself, and
 * meets whatever the failure was in its own time. */
static readahead *readahead_start(const art_corpus_stream *cs)
{
    readahead *ra = calloc(1, sizeof *ra);
    if (!ra)
        return NULL;
    ra->cs = cs;
    ra->nfree = RA_BATCHES;
    bool ok = true;
    for (size_t i = 0; i < RA_BATCHES; i++) {
        art_buf_init(&ra->batch[i].scratch);
        ok = ok && (ra->batch[i].arena = art_arena_new()) != NULL;
    }
    art_error err;
    ok = ok && open_reader_store(cs->s, &ra->db, &err) == ART_OK &&
         db_prepare(ra->db, SEGMENTS_IN_RANGE, &ra->segs, &err) == ART_OK &&
         db_bind(ra->segs, "ii", (long long)cs->min_id, (long long)cs->max_id) &&
         db_prepare(ra->db, CODINGS_SELECT, &ra->codes, &err) == ART_OK;
    ok = ok && pthread_mutex_init(&ra->mu, NULL) == 0 && ++ra->synced &&
         pthread_cond_init(&ra->filled_cv, NULL) == 0 && ++ra->synced &&
         pthread_cond_init(&ra->free_cv, NULL) == 0 && ++ra->synced &&
         pthread_create(&ra->thread, NULL, readahead_main, ra) == 0;
    if (!ok) {
        readahead_free(ra);
        return NULL;
    }
    return ra;
}

/* Stop the producer (it ends after the batch it is filling), wait for it,
 * and free everything. */
static void readahead_stop(readahead *ra)
{
    pthread_mutex_lock(&ra->mu);
    ra->stop = true;
    pthread_cond_signal(&ra->free_cv);
    pthread_mutex_unlock(&ra->mu);
    pthread_join(ra->thread, NULL);
    readahead_free(ra);
}

/* Hand back the batch the consumer holds, and take the next one filled:
 * *b is NULL at the end, or at the producer's error (returned). */
static art_status readahead_next(readahead *ra, seg_batch **b, art_error *err)
{
    pthread_mutex_lock(&ra->mu);
    if (*b) {
        ra->nfree++;
        pthread_cond_signal(&ra->free_cv);
    }
    *b = NULL;
    while (ra->nfilled == 0 && !ra->ended)
        pthread_cond_wait(&ra->filled_cv, &ra->mu);
    art_status st = ART_OK;
    if (ra->nfilled > 0) {
        *b = &ra->batch[ra->head];
        ra->head = (ra->head + 1) % RA_BATCHES;
        ra->nfilled--;
    } else if (ra->status != ART_OK) {
        st = ra->status;
        if (err)
            *err = ra->err;
    }
    pthread_mutex_unlock(&ra->mu);
    return st;
}

art_status art_corpus_cursor_open(const art_corpus *c, art_corpus_cursor **out, art_error *err)
{
    *out = NULL;
    if (!c || (!c->stream && !c->segs && c->nsegs > 0))
        return art_error_set(err, ART_ERR_USAGE, "corpus cursor without a corpus");
    art_corpus_cursor *cur = calloc(1, sizeof *cur);
    if (!cur)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
    cur->c = c;
    cur->cb = &cur->b;
    if (!c->stream) {
        *out = cur;
        return ART_OK;
    }
    if (!c->stream->no_readahead && art_corpus_readers(c) > 1 &&
        (cur->ra = readahead_start(c->stream))) {
        cur->cb = NULL;
    } else {
        art_status r = ART_OK;
        art_buf_init(&cur->b.scratch);
        if (!(cur->b.arena = art_arena_new()))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
        if (r == ART_OK)
            r = db_prepare(c->stream->s, SEGMENTS_IN_RANGE, &cur->segs, err);
        if (r == ART_OK && !db_bind(cur->segs, "ii", (long long)c->stream->min_id,
                                    (long long)c->stream->max_id))
            r = db_error(c->stream->s, err, "read the corpus");
        if (r == ART_OK)
            r = db_prepare(c->stream->s, CODINGS_SELECT, &cur->codes, err);
        if (r != ART_OK) {
            art_corpus_cursor_close(cur);
            return r;
        }
    }
    corpus_tap *t = &c->stream->tap;
    if (t->fn && !t->claimed)
        cur->tapped = t->claimed = true;
    *out = cur;
    return ART_OK;
}

/* Run the tap's scan over seg into the cursor.  The owner may rely on the
 * matches even after fn failed, so the scan runs whatever fn did. */
static void tap_scan(art_corpus_cursor *cur, corpus_tap *t, const art_seg_view *seg)
{
    free(cur->scan_m);
    cur->scan_m = NULL;
    cur->scan_n = 0;
    const char *text = seg->text ? seg->text : "";
    art_error err;
    art_error_clear(&err);
    art_status st = art_matcher_run_ex(t->scan, text, strlen(text), &cur->scan_m, &cur->scan_n,
                                       &err);
    cur->scan_ok = st == ART_OK;
    if (st != ART_OK && t->status == ART_OK) {
        t->status = st;
        t->err = err;
    }
    if (cur->scan_ok && t->status == ART_OK)
        t->status = t->sfn(t->ud, seg, cur->scan_m, cur->scan_n, &t->err);
}

/* Hand the tap what the cursor just read; at the end, mark it complete. */
static void tap_feed(art_corpus_cursor *cur, const art_seg_view *seg)
{
    corpus_tap *t = &cur->c->stream->tap;
    if (!seg) {
        t->complete = true;
        cur->tapped = false;
    } else if (t->scan && cur->scan_on) {
        tap_scan(cur, t, seg);
    } else if (t->status == ART_OK) {
        t->status = t->fn(t->ud, seg, &t->err);
    }
}

bool art_corpus_tap_set_scan(const art_corpus *c, art_corpus_tap_fn fn, art_corpus_scan_fn sfn,
                             void *ud, const art_matcher *scan, const char *const *phrases,
                             size_t nphrases)
{
    if (!c || !c->stream || !scan || !fn || !sfn)
        return false;
    corpus_tap *t = &c->stream->tap;
    memset(t, 0, sizeof *t);
    t->fn = fn;
    t->sfn = sfn;
    t->scan = scan;
    t->scan_phrases = phrases;
    t->scan_nphrases = nphrases;
    t->ud = ud;
    return true;
}

bool art_corpus_cursor_scan_covers(art_corpus_cursor *cur, const char *const *phrases, size_t n)
{
    if (!cur->tapped || n == 0)
        return false;
    const corpus_tap *t = &cur->c->stream->tap;
    if (!t->scan || t->scan_nphrases < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (t->scan_phrases[i] != phrases[i] &&
            (!t->scan_phrases[i] || !phrases[i] || strcmp(t->scan_phrases[i], phrases[i]) != 0))
            return false;
    cur->scan_on = true;
    return true;
}

bool art_corpus_cursor_scan(const art_corpus_cursor *cur, const art_match_ex **m, size_t *n)
{
    *m = cur->scan_ok ? cur->scan_m : NULL;
    *n = cur->scan_ok ? cur->scan_n : 0;
    return cur->scan_ok;
}

bool art_corpus_tap_set(const art_corpus *c, art_corpus_tap_fn fn, void *ud)
{
    if (!c || !c->stream)
        return false;
    corpus_tap *t = &c->stream->tap;
    memset(t, 0, sizeof *t);
    t->fn = fn;
    t->ud = ud;
    return true;
}

art_status art_corpus_tap_take(const art_corpus *c, bool *complete, art_error *err)
{
    *complete = false;
    if (!c || !c->stream)
        return ART_OK;
    corpus_tap *t = &c->stream->tap;
    *complete = t->complete && t->status == ART_OK;
    art_status st = t->status;
    if (st != ART_OK && err)
        *err = t->err;
    memset(t, 0, sizeof *t);
    return st;
}

art_status art_corpus_cursor_next(art_corpus_cursor *cur, const art_seg_view **seg,
                                  art_error *err)
{
    *seg = NULL;
    cur->scan_ok = false;
    if (!cur->c->stream) {
        if (cur->pos < cur->c->nsegs)
            *seg = &cur->c->segs[cur->pos++];
        return ART_OK;
    }
    art_status r = ART_OK;
    if (cur->ra) {
        /* An empty batch (a range of another round's rows) is passed over. */
        while (!cur->done && (!cur->cb || cur->pos == cur->cb->n)) {
            cur->pos = 0;
            if ((r = readahead_next(cur->ra, &cur->cb, err)) != ART_OK || !cur->cb)
                cur->done = true;
        }
    } else if (cur->pos == cur->b.n && !cur->done) {
        r = cursor_fill(cur, err);
        if (r != ART_OK)
            batch_clear(&cur->b);
    }
    if (r != ART_OK) {
        /* A failed cursor stays at its end rather than half a batch, and
         * its tap never completes. */
        cur->done = true;
        cur->tapped = false;
        return r;
    }
    if (cur->cb && cur->pos < cur->cb->n)
        *seg = &cur->cb->segs[cur->pos++];
    if (cur->tapped)
        tap_feed(cur, *seg);
    return ART_OK;
}

void art_corpus_cursor_close(art_corpus_cursor *cur)
{
    if (!cur)
        return;
    if (cur->ra)
        readahead_stop(cur->ra);
    free(cur->scan_m);
    sqlite3_finalize(cur->segs);
    sqlite3_finalize(cur->codes);
    batch_release(&cur->b);
    free(cur);
}

size_t art_corpus_count(const art_corpus *c)
{
    if (!c)
        return 0;
    return c->stream ? c->stream->count : c->nsegs;
}

static const art_seg_view *find_in_memory(const art_corpus *c, int64_t id)
{
    size_t lo = 0, hi = c->nsegs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->segs[mid].id == id)
            return &c->segs[mid];
        if (c->segs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* One segment by id into the stream's `found` batch (a batch of one). */
static art_status find_in_store(art_corpus_stream *cs, int64_t id, const art_seg_view **seg,
                                art_error *err)
{
    art_status r = ART_OK;
    if (!cs->found && !(cs->found = batch_new()))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory reading a segment");
    if (!cs->find_seg)
        r = db_prepare(cs->s, SEGMENTS_IN_RANGE, &cs->find_seg, err);
    if (r == ART_OK && !cs->find_codes)
        r = db_prepare(cs->s, CODINGS_SELECT, &cs->find_codes, err);
    if (r != ART_OK)
        return r;
    seg_batch *b = cs->found;
    batch_clear(b);
    sqlite3_reset(cs->find_seg);
    if (!db_bind(cs->find_seg, "ii", (long long)id, (long long)id))
        return db_error(cs->s, err, "read a segment");
    int rc = sqlite3_step(cs->find_seg);
    shared_strs sh = {0};
    const source_row *src;
    if (rc == SQLITE_ROW && row_in_round(cs, cs->find_seg, &src))
        r = batch_add_row(cs, b, cs->find_seg, src, &sh, err);
    else if (rc != SQLITE_DONE)
        r = db_error(cs->s, err, "read a segment");
    sqlite3_reset(cs->find_seg);
    if (r == ART_OK)
        r = batch_attach_codes(cs, cs->s, b, cs->find_codes, err);
    if (r == ART_OK && b->n == 1)
        *seg = &b->segs[0];
    return r;
}

/* One allocation holding a copy of v: the view, its code arrays and its
 * strings.  source and participant belong to the stream and are not copied. */
static art_seg_view *view_copy_flat(const art_seg_view *v)
{
    const char *strs[] = {v->document, v->block, v->text, v->locator};
    size_t nstr = sizeof strs / sizeof strs[0];
    size_t bytes = sizeof *v + 2 * v->ncodes * sizeof(char *);
    for (size_t i = 0; i < nstr; i++)
        bytes += strs[i] ? strlen(strs[i]) + 1 : 0;
    for (size_t i = 0; i < v->ncodes; i++)
        bytes += (v->codes[i] ? strlen(v->codes[i]) + 1 : 0) +
                 (v->coders[i] ? strlen(v->coders[i]) + 1 : 0);
    art_seg_view *out = malloc(bytes);
    if (!out)
        return NULL;
    *out = *v;
    const char **codes = (const char **)(out + 1);
    const char **coders = codes + v->ncodes;
    char *p = (char *)(coders + v->ncodes);
#define COPY_STR(dst, src)                                                     \
    do {                                                                       \
        if (src) {                                                             \
            size_t n_ = strlen(src) + 1;                                       \
            memcpy(p, src, n_);                                                \
            dst = p;                                                           \
            p += n_;                                                           \
        } else {                                                               \
            dst = NULL;                                                        \
        }                                                                      \
    } while (0)
    COPY_STR(out->document, v->document);
    COPY_STR(out->block, v->block);
    COPY_STR(out->text, v->text);
    COPY_STR(out->locator, v->locator);
    for (size_t i = 0; i < v->ncodes; i++) {
        COPY_STR(codes[i], v->codes[i]);
        COPY_STR(coders[i], v->coders[i]);
    }
#undef COPY_STR
    out->codes = v->ncodes ? codes : NULL;
    out->coders = v->ncodes ? coders : NULL;
    return out;
}

static void release_kept(art_corpus_stream *cs)
{
    for (size_t i = 0; i < cs->nkept; i++)
        free(cs->kept[i]);
    free(cs->kept);
    cs->kept = NULL;
    cs->nkept = 0;
}

typedef struct id_slot {
    int64_t id;
    size_t at;              /* index into the caller's arrays */
} id_slot;

static int id_slot_cmp(const void *a, const void *b)
{
    const id_slot *x = a, *y = b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* Look the sorted ids up one by one, keeping a flat copy of each segment
 * found (a repeated id is looked up once). */
static art_status find_sorted(art_corpus_stream *cs, const id_slot *slots, size_t n,
                              const art_seg_view **out, art_error *err)
{
    art_status r = ART_OK;
    art_seg_view *last = NULL;
    for (size_t i = 0; r == ART_OK && i < n; i++) {
        if (i > 0 && slots[i].id == slots[i - 1].id) {
            out[slots[i].at] = last;
            continue;
        }
        const art_seg_view *v = NULL;
        last = NULL;
        r = find_in_store(cs, slots[i].id, &v, err);
        if (r == ART_OK && v) {
            if (!(last = view_copy_flat(v)))
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory reading a segment");
            else
                cs->kept[cs->nkept++] = last;
        }
        out[slots[i].at] = last;
    }
    return r;
}

static const art_seg_view *pinned(const art_corpus_stream *cs, int64_t id);

/* Many ids at once, in id order (neighbouring rows share pages) and inside
 * one read transaction: each lookup on its own began and ended one, at a
 * few system calls each, and a plugin cites thousands of segments. */
static art_status find_many_in_store(art_corpus_stream *cs, const int64_t *ids, size_t n,
                                     const art_seg_view **out, art_error *err)
{
    release_kept(cs);
    id_slot *slots = malloc(n * sizeof *slots);
    cs->kept = malloc(n * sizeof *cs->kept);
    if (!slots || !cs->kept) {
        free(slots);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory reading segments");
    }
    /* Pinned segments need no read: only the others go to the store. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const art_seg_view *p = pinned(cs, ids[i]);
        if (p)
            out[i] = p;
        else
            slots[m++] = (id_slot){ids[i], i};
    }
    n = m;
    if (n == 0) {
        free(slots);
        return ART_OK;
    }
    qsort(slots, n, sizeof *slots, id_slot_cmp);
    art_status r = db_exec(cs->s, "SAVEPOINT art_corpus_find", err);
    if (r == ART_OK) {
        r = find_sorted(cs, slots, n, out, err);
        /* Read only: releasing the savepoint only ends the read. */
        art_error rerr;
        art_status rr = db_exec(cs->s, "RELEASE art_corpus_find", &rerr);
        if (r == ART_OK && rr != ART_OK) {
            r = rr;
            if (err)
                *err = rerr;
        }
    }
    free(slots);
    return r;
}

art_status art_corpus_find_many(const art_corpus *c, const int64_t *ids, size_t n,
                                const art_seg_view **out, art_error *err)
{
    if (!c || (n > 0 && (!ids || !out)))
        return art_error_set(err, ART_ERR_USAGE, "segment lookup without a corpus");
    for (size_t i = 0; i < n; i++)
        out[i] = NULL;
    if (!c->stream) {
        for (size_t i = 0; i < n; i++)
            out[i] = find_in_memory(c, ids[i]);
        return ART_OK;
    }
    if (n == 0)
        return ART_OK;
    return find_many_in_store(c->stream, ids, n, out, err);
}

art_status art_corpus_find(const art_corpus *c, int64_t id, const art_seg_view **seg,
                           art_error *err)
{
    *seg = NULL;
    if (!c)
        return art_error_set(err, ART_ERR_USAGE, "segment lookup without a corpus");
    return art_corpus_find_many(c, &id, 1, seg, err);
}

/* ---- pinned segments ------------------------------------------------ */

static size_t pin_slot(const struct pin_table *t, int64_t id)
{
    /* Fibonacci hashing: ids are consecutive integers. */
    size_t mask = t->cap - 1;
    size_t i = (size_t)(((uint64_t)id * 11400714819323198485ull) >> 32) & mask;
    while (t->ids[i] != 0 && t->ids[i] != id)
        i = (i + 1) & mask;
    return i;
}

static art_seg_view *pin_find(const struct pin_table *t, int64_t id)
{
    if (t->n == 0 || id == 0)
        return NULL;
    return t->views[pin_slot(t, id)];
}

static const art_seg_view *pinned(const art_corpus_stream *cs, int64_t id)
{
    return pin_find(&cs->pins, id);
}

static void pin_table_free(struct pin_table *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->views[i]);
    free(t->ids);
    free(t->views);
    memset(t, 0, sizeof *t);
}

/* Put view v (owned from here on) under id, which is not in the table; the
 * table grows to stay at most half full.  false, v freed, when out of
 * memory. */
static bool pin_put(struct pin_table *t, int64_t id, art_seg_view *v)
{
    if ((t->n + 1) * 2 > t->cap) {
        struct pin_table g = {NULL, NULL, t->cap ? t->cap * 2 : 1024, 0};
        g.ids = calloc(g.cap, sizeof *g.ids);
        g.views = calloc(g.cap, sizeof *g.views);
        if (!g.ids || !g.views) {
            free(g.ids);
            free(g.views);
            free(v);
            return false;
        }
        for (size_t i = 0; i < t->cap; i++)
            if (t->ids[i]) {
                size_t j = pin_slot(&g, t->ids[i]);
                g.ids[j] = t->ids[i];
                g.views[j] = t->views[i];
                g.n++;
            }
        free(t->ids);
        free(t->views);
        *t = g;
    }
    size_t i = pin_slot(t, id);
    t->ids[i] = id;
    t->views[i] = v;
    t->n++;
    return true;
}

bool art_corpus_pin(const art_corpus *c, const art_seg_view *seg)
{
    if (!c || !c->stream || !seg || seg->id == 0)
        return false;
    art_corpus_stream *cs = c->stream;
    if (pinned(cs, seg->id))
        return true;
    if (cs->pins.n >= ART_MAX_PINS)
        return false;
    art_seg_view *v = view_copy_flat(seg);
    return v && pin_put(&cs->pins, seg->id, v);
}

void art_corpus_pins_clear(const art_corpus *c)
{
    if (c && c->stream)
        pin_table_free(&c->stream->pins);
}

void art_corpus_pins_retain(const art_corpus *c, const int64_t *ids, size_t n)
{
    if (!c || !c->stream || c->stream->pins.n == 0)
        return;
    /* Move the listed pins to a new table (each once: its old slot is
     * emptied of its view), then free what is left in the old one. */
    struct pin_table old = c->stream->pins, kept = {0};
    for (size_t i = 0; i < n; i++) {
        if (ids[i] == 0)
            continue;
        size_t j = pin_slot(&old, ids[i]);
        if (old.views[j]) {
            (void)pin_put(&kept, ids[i], old.views[j]);   /* fewer pins is always safe */
            old.views[j] = NULL;
        }
    }
    pin_table_free(&old);
    c->stream->pins = kept;
}

size_t art_corpus_pins(const art_corpus *c)
{
    return c && c->stream ? c->stream->pins.n : 0;
}

static void stream_free(art_corpus_stream *cs)
{
    if (!cs)
        return;
    sqlite3_finalize(cs->find_seg);
    sqlite3_finalize(cs->find_codes);
    release_kept(cs);
    pin_table_free(&cs->pins);
    if (cs->found) {
        batch_release(cs->found);
        free(cs->found);
    }
    for (size_t i = 0; i < cs->nsources; i++)
        free(cs->sources[i].name);
    free(cs->sources);
    for (size_t i = 0; i < cs->npeople; i++)
        free(cs->people[i].shown);
    free(cs->people);
    name_index_free(&cs->ix);
    store_name_map_free(&cs->names);
    if (cs->owns_store)
        art_store_close(cs->s);
    free(cs);
}

/* How many segments the round has, and the range of their ids. */
static art_status count_segments(art_corpus_stream *cs, art_error *err)
{
    seg_span sp;
    art_status r = round_span(cs->s, cs->site_id, cs->round_id, &sp, err);
    if (r == ART_OK) {
        /* An empty round: the range [1, 0] holds nothing. */
        cs->count = (size_t)sp.n;
        cs->min_id = sp.min_id;
        cs->max_id = sp.max_id;
    }
    return r;
}

/* The round's sources, by id: what a segment row needs of its source. */
static art_status load_sources(art_corpus_stream *cs, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = prepare_bound(cs,
                                 "SELECT s.id, s.kind, s.name FROM sources s "
                                 "JOIN round_sources rs ON rs.source_id = s.id "
                                 "WHERE s.site_id = ?1 AND rs.round_id = ?2 ORDER BY s.id",
                                 &st, err);
    if (r != ART_OK)
        return r;
    size_t cap = 0;
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cs->nsources == cap) {
            size_t c = cap ? cap * 2 : 64;
            source_row *p = realloc(cs->sources, c * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
                break;
            }
            cs->sources = p;
            cap = c;
        }
        source_row *row = &cs->sources[cs->nsources];
        row->id = sqlite3_column_int64(st, 0);
        row->interview = strcmp(col_text(st, 1), "interview") == 0;
        row->name = art_strdup(col_text(st, 2));
        if (!row->name)
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
        else
            cs->nsources++;
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(cs->s, err, "read the round's sources");
    sqlite3_finalize(st);
    return r;
}

/* The site's participants, by id: pseudonym (or name) and voice. */
static art_status load_people(art_corpus_stream *cs, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(cs->s,
                              "SELECT id, pseudonym, name, voice FROM participants "
                              "WHERE site_id = ? ORDER BY id",
                              &st, err);
    if (r != ART_OK)
        return r;
    if (!db_bind(st, "i", cs->site_id)) {
        sqlite3_finalize(st);
        return db_error(cs->s, err, "read the site's participants");
    }
    size_t cap = 0;
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cs->npeople == cap) {
            size_t c = cap ? cap * 2 : 32;
            person_row *p = realloc(cs->people, c * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
                break;
            }
            cs->people = p;
            cap = c;
        }
        person_row *row = &cs->people[cs->npeople];
        row->id = sqlite3_column_int64(st, 0);
        row->shown = art_strdup(col_text(st, cs->reveal ? 2 : 1));
        row->voice = art_voice_from_id(col_text(st, 3));
        if (!row->shown)
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
        else
            cs->npeople++;
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(cs->s, err, "read the site's participants");
    sqlite3_finalize(st);
    return r;
}

static art_status stream_open(art_store *s, long long site_id, long long round_id,
                              const art_corpus_opts *opts, art_corpus_stream **out,
                              art_error *err)
{
    *out = NULL;
    art_corpus_stream *cs = calloc(1, sizeof *cs);
    if (!cs)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
    cs->s = s;
    cs->site_id = site_id;
    cs->round_id = round_id;
    cs->reveal = opts && opts->reveal_names;
    cs->batch_segments = opts && opts->batch_segments ? opts->batch_segments : BATCH_SEGMENTS;
    art_status r = cs->reveal ? ART_OK : store_name_map_load(s, site_id, &cs->names, err);
    if (r == ART_OK && !name_index_build(&cs->names, &cs->ix))
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory opening the corpus");
    if (r == ART_OK)
        r = count_segments(cs, err);
    if (r == ART_OK)
        r = load_sources(cs, err);
    if (r == ART_OK)
        r = load_people(cs, err);
    if (r != ART_OK) {
        stream_free(cs);
        return r;
    }
    *out = cs;
    return ART_OK;
}

/* A corpus with its site and round names, and the stream under it. */
static art_status corpus_open(art_store *s, const char *site, const char *round,
                              const art_corpus_opts *opts, art_corpus **out, art_error *err)
{
    *out = NULL;
    long long site_id, round_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r != ART_OK)
        return r;
    art_corpus *c = calloc(1, sizeof *c);
    if (!c)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    c->site = art_strdup(site);
    c->round = art_strdup(round);
    if (!c->site || !c->round)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK)
        r = stream_open(s, site_id, round_id, opts, &c->stream, err);
    if (r != ART_OK) {
        art_corpus_free(c);
        return r;
    }
    *out = c;
    return ART_OK;
}

art_status art_store_open_corpus(art_store *s, const char *site, const char *round,
                                 const art_corpus_opts *opts, art_corpus **out, art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "corpus without an output");
    *out = NULL;
    if (!s || !site || !round)
        return art_error_set(err, ART_ERR_USAGE, "corpus needs a store, a site and a round");
    return corpus_open(s, site, round, opts, out, err);
}

/* ---- readers for other threads ------------------------------------- */

/* The store's file, or NULL when another connection cannot open the same
 * database (SQLite's private ":memory:" or temporary database). */
static const char *reopenable_file(const art_store *s)
{
    const char *f = sqlite3_db_filename(s->db, "main");
    return f && *f ? f : NULL;
}

void art_corpus_set_readahead(const art_corpus *c, bool on)
{
    if (c && c->stream)
        c->stream->no_readahead = !on;
}

int art_corpus_readers(const art_corpus *c)
{
    if (!c || !c->stream)
        return 1;
    const art_store *s = c->stream->s;
    if (s->jobs == 1 || !sqlite3_threadsafe() || !reopenable_file(s))
        return 1;
    /* A transaction open on the store's connection may hold writes that
     * another connection would not see: the readers would disagree. */
    if (!sqlite3_get_autocommit(s->db))
        return 1;
    long n = s->jobs > 0 ? s->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* A read-only connection of its own to the store's file, for one thread
 * (connections are opened SQLITE_OPEN_NOMUTEX: never shared). */
static art_status open_reader_store(const art_store *s, art_store **out, art_error *err)
{
    *out = NULL;
    const char *file = reopenable_file(s);
    if (!file)
        return art_error_set(err, ART_ERR_USAGE, "%s: an in-memory store has one connection",
                             s->path);
    art_store *r = calloc(1, sizeof *r);
    if (!r || !(r->path = art_strdup(s->path))) {
        free(r);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory opening a reader");
    }
    r->jobs = 1;
    r->warn = s->warn;
    r->warn_ud = s->warn_ud;
    if (sqlite3_open_v2(file, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        art_status st = art_error_set(err, ART_ERR_STORE, "%s: cannot open a reader: %s", s->path,
                                      r->db ? sqlite3_errmsg(r->db) : "out of memory");
        art_store_close(r);
        return st;
    }
    sqlite3_extended_result_codes(r->db, 1);
    sqlite3_busy_timeout(r->db, 5000);
    r->reader_hook = s->reader_hook;
    r->reader_hook_ud = s->reader_hook_ud;
    if (s->reader_hook)
        s->reader_hook(s->reader_hook_ud, r->db);
    *out = r;
    return ART_OK;
}

art_status art_corpus_open_reader(const art_corpus *c, art_corpus **out, art_error *err)
{
    *out = NULL;
    if (!c || !c->stream)
        return art_error_set(err, ART_ERR_USAGE, "only a streamed corpus has readers");
    const art_corpus_stream *cs = c->stream;
    art_corpus *rc = calloc(1, sizeof *rc);
    if (!rc)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory opening a reader");
    rc->site = art_strdup(c->site);
    rc->round = art_strdup(c->round);
    art_status r = rc->site && rc->round
                       ? ART_OK
                       : art_error_set(err, ART_ERR_NOMEM, "out of memory opening a reader");
    art_store *s = NULL;
    if (r == ART_OK)
        r = open_reader_store(cs->s, &s, err);
    art_corpus_opts opts = {.reveal_names = cs->reveal, .batch_segments = cs->batch_segments};
    if (r == ART_OK)
        r = stream_open(s, cs->site_id, cs->round_id, &opts, &rc->stream, err);
    if (r == ART_OK) {
        rc->stream->owns_store = true;
        /* Opened on another connection: the same round as the one we read. */
        if (rc->stream->count != cs->count || rc->stream->min_id != cs->min_id ||
            rc->stream->max_id != cs->max_id)
            r = art_error_set(err, ART_ERR_STORE,
                              "%s: the round changed while it was being scored", cs->s->path);
    } else {
        art_store_close(s);
    }
    if (r != ART_OK) {
        art_corpus_free(rc);
        return r;
    }
    *out = rc;
    return ART_OK;
}

/* ---- in memory: the stream copied whole ---------------------------- */

typedef struct corpus_build {
    art_corpus *c;
    art_arena *arena;
    size_t cap;
    shared_strs sh;
} corpus_build;

static art_status corpus_grow(corpus_build *cb, art_error *err)
{
    if (cb->c->nsegs < cb->cap)
        return ART_OK;
    size_t cap = cb->cap ? cb->cap * 2 : 256;
    art_seg_view *p = realloc(cb->c->segs, cap * sizeof *p);
    if (!p)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory loading the corpus");
    cb->c->segs = p;
    cb->cap = cap;
    return ART_OK;
}

static const char **arena_dup_array(art_arena *a, const char *const *v, size_t n, bool *ok)
{
    if (n == 0)
        return NULL;
    const char **out = art_arena_alloc(a, n * sizeof *out);
    if (!out) {
        *ok = false;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = art_arena_strdup(a, v[i]);
        if (v[i] && !out[i])
            *ok = false;
    }
    return out;
}

static art_status keep_segment(corpus_build *cb, const art_seg_view *src, art_error *err)
{
    art_status r = corpus_grow(cb, err);
    if (r != ART_OK)
        return r;
    art_seg_view *v = &cb->c->segs[cb->c->nsegs];
    *v = *src;
    bool ok = true;
    v->source = arena_dup_shared(cb->arena, &cb->sh.source, src->source);
    v->document = arena_dup_shared(cb->arena, &cb->sh.document, src->document);
    v->block = arena_dup_shared(cb->arena, &cb->sh.block, src->block);
    v->participant = arena_dup_shared(cb->arena, &cb->sh.who, src->participant);
    v->text = art_arena_strdup(cb->arena, src->text);
    v->locator = art_arena_strdup(cb->arena, src->locator);
    v->codes = arena_dup_array(cb->arena, src->codes, src->ncodes, &ok);
    v->coders = arena_dup_array(cb->arena, src->coders, src->ncodes, &ok);
    if (!ok || !v->source || !v->text || !v->locator || (src->document && !v->document) ||
        (src->block && !v->block) || (src->participant && !v->participant))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory loading the corpus");
    cb->c->nsegs++;
    return ART_OK;
}

/* Walk a stream with a cursor and keep every segment. */
static art_status load_whole(art_corpus *c, art_error *err)
{
    art_corpus_cursor *cur;
    art_status r = art_corpus_cursor_open(c, &cur, err);
    if (r != ART_OK)
        return r;
    corpus_build cb = {.c = c, .arena = c->arena};
    const art_seg_view *v;
    while ((r = art_corpus_cursor_next(cur, &v, err)) == ART_OK && v)
        if ((r = keep_segment(&cb, v, err)) != ART_OK)
            break;
    art_corpus_cursor_close(cur);
    return r;
}

art_status art_store_load_corpus(art_store *s, const char *site, const char *round,
                                 const art_corpus_opts *opts, art_corpus **out, art_error *err)
{
    art_status r = art_store_open_corpus(s, site, round, opts, out, err);
    if (r != ART_OK)
        return r;
    art_corpus *c = *out;
    if (!(c->arena = art_arena_new()))
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK)
        r = load_whole(c, err);
    /* From here on it is an in-memory corpus: the store may be closed. */
    stream_free(c->stream);
    c->stream = NULL;
    if (r != ART_OK) {
        art_corpus_free(c);
        *out = NULL;
    }
    return r;
}

void art_corpus_free(art_corpus *c)
{
    if (!c)
        return;
    stream_free(c->stream);
    free(c->segs);
    free(c->site);
    free(c->round);
    art_arena_free(c->arena);
    free(c);
}
