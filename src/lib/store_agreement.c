/* Gather a round's codings from the store as a coding matrix for
 * art_agreement_compute.
 *
 * Units are the segments of the round's interview sources.  A transcript is
 * one source and document (a CSV export may hold several interviews, told
 * apart by its document column).  A coder who coded a transcript at least
 * once gives a value (present/absent) for every code on every unit of it;
 * a coder who never touched a transcript gives none there (missing data),
 * so a transcript only one coder did is not counted as disagreement.
 * Codings without a coder name cannot be attributed and are ignored. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

/* The cube of values is bytes; refuse one over 1 GiB rather than thrash. */
#define MAX_CELLS ((size_t)1 << 30)

#define ROUND_INTERVIEWS                                                                   \
    " FROM segments g JOIN sources src ON src.id = g.source_id"                            \
    " JOIN round_sources rs ON rs.source_id = src.id"                                      \
    " WHERE rs.round_id = ?1 AND src.kind = 'interview'"

typedef struct strlist {
    char **v;
    size_t n;
} strlist;

static void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* Every first column of a one-parameter query (the round id), in order. */
static art_status query_strings(art_store *s, const char *sql, long long round_id, strlist *out,
                                art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, sql, &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = col_text(st, 0);
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nv = realloc(out->v, ncap * sizeof *nv);
            if (!nv) {
                r = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", s->path);
                break;
            }
            out->v = nv;
            cap = ncap;
        }
        if (!(out->v[out->n] = art_strdup(t ? t : ""))) {
            r = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", s->path);
            break;
        }
        out->n++;
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "read codings");
    sqlite3_finalize(st);
    return r;
}

static ptrdiff_t find_string(const strlist *l, const char *s)
{
    /* Lists come sorted by SQLite's BINARY collation, which is strcmp's. */
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(l->v[mid], s);
        if (c == 0)
            return (ptrdiff_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

typedef struct seg_ref {
    long long id;
    size_t unit;
} seg_ref;

static int cmp_seg_ref(const void *a, const void *b)
{
    long long x = ((const seg_ref *)a)->id, y = ((const seg_ref *)b)->id;
    return (x > y) - (x < y);
}

/* The units: segment ids sorted for lookup, and each unit's transcript. */
typedef struct units {
    seg_ref *refs;
    size_t *transcript;
    size_t n, ntranscripts;
} units;

static void units_free(units *u)
{
    free(u->refs);
    free(u->transcript);
}

static art_status load_units(art_store *s, long long round_id, units *u, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT g.id, g.source_id, COALESCE(g.document, '')" ROUND_INTERVIEWS
                              " ORDER BY g.source_id, COALESCE(g.document, ''), g.ordinal, g.id",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    size_t cap = 0;
    long long last_src = -1;
    char *last_doc = NULL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (u->n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            seg_ref *nr = realloc(u->refs, ncap * sizeof *nr);
            if (nr)
                u->refs = nr;
            size_t *nt = nr ? realloc(u->transcript, ncap * sizeof *nt) : NULL;
            if (!nt) {
                r = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", s->path);
                break;
            }
            u->transcript = nt;
            cap = ncap;
        }
        long long src = sqlite3_column_int64(st, 1);
        const char *doc = col_text(st, 2);
        if (!doc)
            doc = "";
        if (src != last_src || !last_doc || strcmp(doc, last_doc) != 0) {
            free(last_doc);
            if (!(last_doc = art_strdup(doc))) {
                r = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", s->path);
                break;
            }
            last_src = src;
            u->ntranscripts++;
        }
        u->refs[u->n] = (seg_ref){sqlite3_column_int64(st, 0), u->n};
        u->transcript[u->n] = u->ntranscripts - 1;
        u->n++;
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "read segments");
    free(last_doc);
    sqlite3_finalize(st);
    if (r == ART_OK && u->n)
        qsort(u->refs, u->n, sizeof *u->refs, cmp_seg_ref);
    return r;
}

typedef struct gathered {
    strlist coders, codes;
    units u;
    signed char *value;
    unsigned char *took_part;   /* ntranscripts x ncoders */
} gathered;

static void gathered_free(gathered *g)
{
    strlist_free(&g->coders);
    strlist_free(&g->codes);
    units_free(&g->u);
    free(g->value);
    free(g->took_part);
}

/* One pass over the codings: who took part in which transcript, and which
 * code each coder applied to each unit. */
static art_status load_codings(art_store *s, long long round_id, gathered *g, art_error *err)
{
    size_t nc = g->coders.n, nk = g->codes.n, n = g->u.n;
    if (nc && nk && n > MAX_CELLS / nc / nk)
        return art_error_set(err, ART_ERR_LIMIT,
                             "%s: too many segments x coders x codes for an agreement", s->path);
    size_t cells = n * nc * nk;
    g->value = malloc(cells ? cells : 1);
    size_t parts = g->u.ntranscripts * nc;
    g->took_part = calloc(parts ? parts : 1, 1);
    if (!g->value || !g->took_part)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", s->path);
    memset(g->value, 0, cells);
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT c.segment_id, c.coder, k.path FROM codings c"
                              " JOIN codes k ON k.id = c.code_id"
                              " JOIN segments g ON g.id = c.segment_id"
                              " JOIN sources src ON src.id = g.source_id"
                              " JOIN round_sources rs ON rs.source_id = src.id"
                              " WHERE rs.round_id = ?1 AND src.kind = 'interview'"
                              " AND c.coder IS NOT NULL",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        seg_ref key = {sqlite3_column_int64(st, 0), 0};
        const seg_ref *ref = bsearch(&key, g->u.refs, n, sizeof key, cmp_seg_ref);
        const char *coder = col_text(st, 1), *path = col_text(st, 2);
        ptrdiff_t c = coder ? find_string(&g->coders, coder) : -1;
        ptrdiff_t k = path ? find_string(&g->codes, path) : -1;
        if (!ref || c < 0 || k < 0)
            continue; /* cannot happen: the lists come from the same tables */
        g->took_part[g->u.transcript[ref->unit] * nc + (size_t)c] = 1;
        g->value[(ref->unit * nc + (size_t)c) * nk + (size_t)k] = 1;
    }
    if (rc != SQLITE_DONE)
        r = db_error(s, err, "read codings");
    sqlite3_finalize(st);
    /* A coder who never coded a transcript gives no value on its units. */
    for (size_t u = 0; r == ART_OK && u < n; u++)
        for (size_t c = 0; c < nc; c++)
            if (!g->took_part[g->u.transcript[u] * nc + c])
                memset(g->value + (u * nc + c) * nk, -1, nk);
    return r;
}

static size_t transcripts_coded(const gathered *g, const art_agreement *a)
{
    size_t n = 0;
    for (size_t t = 0; t < g->u.ntranscripts; t++) {
        bool any = false;
        for (size_t i = 0; i < a->ncoders && !any; i++) {
            ptrdiff_t c = find_string(&g->coders, a->coders[i]);
            any = c >= 0 && g->took_part[t * g->coders.n + (size_t)c];
        }
        n += any;
    }
    return n;
}

static art_status check_named_coders(art_store *s, const gathered *g, const char *round,
                                     const art_agreement_opts *o, art_error *err)
{
    for (size_t i = 0; o && o->coders && i < o->ncoders; i++)
        if (!o->coders[i] || find_string(&g->coders, o->coders[i]) < 0)
            return art_error_set(err, ART_ERR_NOTFOUND,
                                 "%s: no codings by coder '%s' in round '%s'", s->path,
                                 o->coders[i] ? o->coders[i] : "", round);
    return ART_OK;
}

art_status art_store_agreement(art_store *s, const char *site, const char *round,
                               const art_agreement_opts *opts, art_agreement **out,
                               art_error *err)
{
    *out = NULL;
    if (!s || !site || !round)
        return art_error_set(err, ART_ERR_USAGE, "agreement: no store, site or round");
    long long site_id, round_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r != ART_OK)
        return r;
    gathered g;
    memset(&g, 0, sizeof g);
    if ((r = query_strings(s,
                           "SELECT DISTINCT c.coder FROM codings c"
                           " JOIN segments g ON g.id = c.segment_id"
                           " JOIN sources src ON src.id = g.source_id"
                           " JOIN round_sources rs ON rs.source_id = src.id"
                           " WHERE rs.round_id = ?1 AND src.kind = 'interview'"
                           " AND c.coder IS NOT NULL ORDER BY c.coder",
                           round_id, &g.coders, err)) == ART_OK &&
        (r = query_strings(s,
                           "SELECT DISTINCT k.path FROM codings c"
                           " JOIN codes k ON k.id = c.code_id"
                           " JOIN segments g ON g.id = c.segment_id"
                           " JOIN sources src ON src.id = g.source_id"
                           " JOIN round_sources rs ON rs.source_id = src.id"
                           " WHERE rs.round_id = ?1 AND src.kind = 'interview'"
                           " ORDER BY k.path",
                           round_id, &g.codes, err)) == ART_OK &&
        (r = check_named_coders(s, &g, round, opts, err)) == ART_OK &&
        (r = load_units(s, round_id, &g.u, err)) == ART_OK)
        r = load_codings(s, round_id, &g, err);
    art_agreement *a = NULL;
    if (r == ART_OK) {
        /* Units in the order of their transcripts, as load_units read them. */
        art_coding_matrix m = {g.u.n, g.coders.n, g.codes.n, (const char *const *)g.coders.v,
                               (const char *const *)g.codes.v, g.value};
        r = art_agreement_compute(&m, opts, &a, err);
    }
    if (r == ART_OK) {
        a->transcripts = transcripts_coded(&g, a);
        a->site = art_strdup(site);
        a->round = art_strdup(round);
        if (!a->site || !a->round)
            r = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", s->path);
    }
    gathered_free(&g);
    if (r != ART_OK) {
        art_agreement_free(a);
        return r;
    }
    *out = a;
    return ART_OK;
}
