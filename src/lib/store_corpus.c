/* The corpus handed to plugins: a round's segments with their codes,
 * participants' names replaced by pseudonyms. */
#include "store_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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
typedef struct name_index {
    uint32_t head[256];
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
        return false;
    }
    for (size_t k = m->n; k-- > 0;) {
        unsigned char c = (unsigned char)tolower((unsigned char)m->names[k][0]);
        ix->len[k] = strlen(m->names[k]);
        ix->next[k] = ix->head[c];
        ix->head[c] = (uint32_t)k + 1;
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
    for (uint32_t e = ix->head[(unsigned char)tolower((unsigned char)text[i])]; e;
         e = ix->next[e - 1]) {
        size_t k = e - 1, len = ix->len[k];
        if (len > n - i)
            continue;
        bool eq = m->exact_case[k] ? memcmp(text + i, m->names[k], len) == 0
                                   : strncasecmp(text + i, m->names[k], len) == 0;
        if (eq && (i + len == n || !is_word_byte((unsigned char)text[i + len]) ||
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
    long in_cp = 0, out_cp = 0;
    size_t run = 0;             /* start of the bytes not yet copied */
    for (size_t i = 0; i < n;) {
        size_t k = (i == 0 || !is_word_byte((unsigned char)text[i - 1]))
                       ? name_at(m, &ix, text, n, i) : 0;
        if (!k) {
            i++;
            continue;
        }
        k--;
        copy_run(&b, text, run, i, map, &in_cp, &out_cp);
        art_buf_puts(&b, m->pseudos[k]);
        long name_cps = art_utf8_count(text + i, ix.len[k]);
        for (long j = 0; map && j < name_cps; j++)
            map[in_cp + j] = out_cp;
        in_cp += name_cps;
        out_cp += art_utf8_count(m->pseudos[k], strlen(m->pseudos[k]));
        i += ix.len[k];
        run = i;
    }
    copy_run(&b, text, run, n, map, &in_cp, &out_cp);
    name_index_free(&ix);
    if (map)
        map[in_cp] = out_cp;
    char *out = art_buf_steal(&b);
    if (!out) {
        free(map);
        return NULL;
    }
    if (cpmap)
        *cpmap = map;
    return out;
}

typedef struct corpus_build {
    art_corpus *c;
    art_arena *arena;
    size_t cap;
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

static art_status attach_codes(art_store *s, art_corpus *c, art_arena *arena, long long site_id,
                               long long round_id, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(
        s,
        "SELECT k.segment_id, c.path, k.coder FROM codings k "
        "JOIN codes c ON c.id = k.code_id "
        "JOIN segments g ON g.id = k.segment_id "
        "JOIN round_sources rs ON rs.source_id = g.source_id "
        "WHERE c.site_id = ? AND rs.round_id = ? ORDER BY k.segment_id, k.id",
        &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "ii", site_id, round_id);
    /* Two passes over one sorted result would need it twice; instead gather
     * per segment, growing small arrays in the arena. */
    size_t si = 0;
    int rc;
    const char **codes = NULL, **coders = NULL;
    size_t n = 0, cap = 0;
    long long cur = -1;
    while (r == ART_OK) {
        rc = sqlite3_step(st);
        long long seg = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -2;
        if (seg != cur && cur >= 0) {
            /* flush the previous segment's codes */
            while (si < c->nsegs && c->segs[si].id < cur)
                si++;
            if (si < c->nsegs && c->segs[si].id == cur) {
                const char **a = art_arena_alloc(arena, n * sizeof *a);
                const char **b = art_arena_alloc(arena, n * sizeof *b);
                if (!a || !b) {
                    r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                    break;
                }
                memcpy(a, codes, n * sizeof *a);
                memcpy(b, coders, n * sizeof *b);
                c->segs[si].codes = a;
                c->segs[si].coders = b;
                c->segs[si].ncodes = n;
            }
            n = 0;
        }
        if (rc != SQLITE_ROW) {
            if (rc != SQLITE_DONE)
                r = db_error(s, err, "load codings");
            break;
        }
        cur = seg;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            const char **a = realloc(codes, cap * sizeof *a);
            if (a) codes = a;
            const char **b = a ? realloc(coders, cap * sizeof *b) : NULL;
            if (b) coders = b;
            if (!a || !b) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
        }
        codes[n] = art_arena_strdup(arena, col_text(st, 1));
        coders[n] = art_arena_strdup(arena, col_text(st, 2));
        if (!codes[n]) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        n++;
    }
    free(codes);
    free(coders);
    sqlite3_finalize(st);
    return r;
}

/* Consecutive segments mostly share their source, document, block and
 * participant: keep one arena copy of a repeated string instead of one per
 * segment (a site's corpus is tens of thousands of segments). */
typedef struct last_str {
    const char *s;
} last_str;

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

/* "para P, sentence S, chars A-B" or "DOCUMENT, row R", in the arena.  A
 * stack buffer takes the common case without art_buf_printf's two passes. */
static const char *segment_locator(art_arena *a, bool interview, const char *document,
                                   int paragraph, int sentence, long start, long end)
{
    char small[160];
    int n = interview ? snprintf(small, sizeof small, "%s%srow %d", document ? document : "",
                                 document ? ", " : "", paragraph + 1)
                      : snprintf(small, sizeof small, "para %d, sentence %d, chars %ld-%ld",
                                 paragraph + 1, sentence + 1, start, end);
    if (n < 0)
        return NULL;
    if ((size_t)n < sizeof small)
        return art_arena_strdup(a, small);
    /* Only an interview's document name can be this long. */
    art_buf loc;
    art_buf_init(&loc);
    art_buf_printf(&loc, "%s%srow %d", document ? document : "", document ? ", " : "",
                   paragraph + 1);
    const char *out = loc.failed ? NULL : art_arena_strdup(a, loc.data);
    art_buf_free(&loc);
    return out;
}

static art_status load_segments(art_store *s, corpus_build *cb, long long site_id,
                                long long round_id, const name_map *names, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(
        s,
        "SELECT g.id, s.kind, s.name, g.document, g.paragraph, g.sentence, g.start_cp, "
        "  g.end_cp, g.text, p.pseudonym, p.name, p.voice, g.block "
        "FROM segments g JOIN sources s ON s.id = g.source_id "
        "JOIN round_sources rs ON rs.source_id = s.id "
        "LEFT JOIN participants p ON p.id = g.participant_id "
        "WHERE s.site_id = ? AND rs.round_id = ? ORDER BY g.id",
        &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "ii", site_id, round_id);
    int rc;
    last_str last_source = {0}, last_document = {0}, last_block = {0}, last_who = {0};
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((r = corpus_grow(cb, err)) != ART_OK)
            break;
        art_seg_view *v = &cb->c->segs[cb->c->nsegs];
        memset(v, 0, sizeof *v);
        bool interview = strcmp(col_text(st, 1), "interview") == 0;
        v->id = sqlite3_column_int64(st, 0);
        v->kind = interview ? ART_SRC_INTERVIEW : ART_SRC_DOCUMENT;
        v->source = arena_dup_shared(cb->arena, &last_source, col_text(st, 2));
        v->document = arena_dup_shared(cb->arena, &last_document, col_text(st, 3));
        v->paragraph = sqlite3_column_int(st, 4);
        v->sentence = sqlite3_column_int(st, 5);
        v->start = (long)sqlite3_column_int64(st, 6);
        v->end = (long)sqlite3_column_int64(st, 7);
        v->level = interview ? ART_LEVEL_ASSUMPTION : ART_LEVEL_ESPOUSED;
        v->voice = art_voice_from_id(col_text(st, 11));
        v->block = arena_dup_shared(cb->arena, &last_block, col_text(st, 12));
        const char *who = names ? col_text(st, 9) : col_text(st, 10);
        v->participant = arena_dup_shared(cb->arena, &last_who, who);
        char *text = names ? store_pseudonymise(names, col_text(st, 8), NULL) : art_strdup(col_text(st, 8));
        v->text = text ? art_arena_strdup(cb->arena, text) : NULL;
        free(text);
        v->locator = segment_locator(cb->arena, interview, v->document, v->paragraph,
                                     v->sentence, v->start, v->end);
        if (!v->source || !v->text || !v->locator) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory loading the corpus");
            break;
        }
        cb->c->nsegs++;
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load segments");
    sqlite3_finalize(st);
    return r;
}

art_status art_store_load_corpus(art_store *s, const char *site, const char *round,
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
    art_arena *arena = art_arena_new();
    if (!c || !arena) {
        free(c);
        art_arena_free(arena);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    c->arena = arena;
    c->site = art_strdup(site);
    c->round = art_strdup(round);
    bool reveal = opts && opts->reveal_names;
    name_map names = {0};
    corpus_build cb = {c, arena, 0};
    if (!c->site || !c->round)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK && !reveal)
        r = store_name_map_load(s, site_id, &names, err);
    if (r == ART_OK)
        r = load_segments(s, &cb, site_id, round_id, reveal ? NULL : &names, err);
    if (r == ART_OK)
        r = attach_codes(s, c, arena, site_id, round_id, err);
    store_name_map_free(&names);
    if (r != ART_OK) {
        art_corpus_free(c);
        return r;
    }
    *out = c;
    return ART_OK;
}

void art_corpus_free(art_corpus *c)
{
    if (!c)
        return;
    free(c->segs);
    free(c->site);
    free(c->round);
    art_arena_free(c->arena);
    free(c);
}

