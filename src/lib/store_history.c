/* Rounds of a site over time: the trend of every dimension, and how each
 * moved since an earlier round.  A round counts once it has a scored run
 * (scored here, or imported from a bundle); its latest run stands for it. */
#include "store_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every round of a site with a scored run, oldest first (round creation,
 * then id, as labels need not sort by time), with that round's latest run. */
#define SCORED_ROUNDS_SQL                                                        \
    "SELECT ro.label, ro.created_at, "                                           \
    "  (SELECT max(r.id) FROM rubric_runs r WHERE r.round_id = ro.id) AS run "   \
    "FROM rounds ro WHERE ro.site_id = ? AND run IS NOT NULL "                   \
    "ORDER BY ro.created_at, ro.id"

static long dim_index(const art_assessment *a, const char *id)
{
    for (size_t i = 0; id && i < a->ndims; i++)
        if (strcmp(a->dims[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* A stored score as the reports read it: none when the run marked the
 * dimension as below the evidence floor. */
static double stored_score(sqlite3_stmt *st, int score_col, int insufficient_col)
{
    if (sqlite3_column_int(st, insufficient_col))
        return NAN;
    return col_double_or_nan(st, score_col);
}

/* Room for one more round in h (rows of h->ndims scores, all NAN). */
static bool history_grow(art_history *h, size_t *cap)
{
    if (h->nrounds < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 4;
    char **rounds = realloc(h->rounds, ncap * sizeof *rounds);
    if (!rounds)
        return false;
    h->rounds = rounds;
    char **created = realloc(h->created_at, ncap * sizeof *created);
    if (!created)
        return false;
    h->created_at = created;
    double *scores = realloc(h->scores, ncap * (h->ndims ? h->ndims : 1) * sizeof *scores);
    if (!scores)
        return false;
    h->scores = scores;
    *cap = ncap;
    return true;
}

/* Fill row `row` of h with the scores of run_id. */
static art_status history_row(art_store *s, sqlite3_stmt *sc, const art_assessment *a,
                              art_history *h, size_t row, long long run_id, art_error *err)
{
    double *out = h->scores + row * h->ndims;
    for (size_t k = 0; k < h->ndims; k++)
        out[k] = NAN;
    sqlite3_reset(sc);
    db_bind(sc, "i", run_id);
    int rc;
    while ((rc = sqlite3_step(sc)) == SQLITE_ROW) {
        long k = dim_index(a, col_text(sc, 0));
        if (k >= 0)
            out[k] = stored_score(sc, 1, 2);
    }
    return rc == SQLITE_DONE ? ART_OK : db_error(s, err, "load history scores");
}

art_status art_store_load_history(art_store *s, art_assessment *a, art_error *err)
{
    long long site_id;
    art_status r = find_site(s, a->site, &site_id, err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st = NULL, *sc = NULL;
    if ((r = db_prepare(s, SCORED_ROUNDS_SQL, &st, err)) != ART_OK)
        return r;
    if ((r = db_prepare(s, "SELECT dimension, score, insufficient FROM scores WHERE run_id = ?",
                        &sc, err)) != ART_OK) {
        sqlite3_finalize(st);
        return r;
    }
    art_history *h = calloc(1, sizeof *h);
    if (!h)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    else
        h->ndims = a->ndims;
    size_t cap = 0;
    if (r == ART_OK)
        db_bind(st, "i", site_id);
    int rc = SQLITE_DONE;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!history_grow(h, &cap)) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        size_t row = h->nrounds;
        h->rounds[row] = art_strdup(col_text(st, 0));
        h->created_at[row] = art_strdup(col_text(st, 1));
        h->nrounds++;
        if (!h->rounds[row] || !h->created_at[row])
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        else
            r = history_row(s, sc, a, h, row, sqlite3_column_int64(st, 2), err);
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load history");
    sqlite3_finalize(st);
    sqlite3_finalize(sc);
    if (r != ART_OK) {
        art_history_free(h);
        return r;
    }
    art_history_free(a->history);
    a->history = h;
    return ART_OK;
}

/* ------------------------------------------------------------------ */
/* Movement since an earlier round                                      */
/* ------------------------------------------------------------------ */

/* "a, b, c": the site's round labels, oldest first, for an error message. */
static void round_labels(art_store *s, long long site_id, char *out, size_t n)
{
    out[0] = '\0';
    sqlite3_stmt *st;
    art_error ignored;
    if (db_prepare(s, "SELECT label FROM rounds WHERE site_id = ? ORDER BY created_at, id", &st,
                   &ignored) != ART_OK)
        return;
    db_bind(st, "i", site_id);
    size_t used = 0;
    while (sqlite3_step(st) == SQLITE_ROW && used < n) {
        int k = snprintf(out + used, n - used, "%s%s", used ? ", " : "", col_text(st, 0));
        used += k > 0 ? (size_t)k : 0;
    }
    sqlite3_finalize(st);
    if (used == 0)
        snprintf(out, n, "none");
}

/* The round `since` of the site, and its latest run. */
static art_status find_since_run(art_store *s, long long site_id, const art_assessment *a,
                                 const char *since, long long *run_id, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT ro.id, (SELECT max(r.id) FROM rubric_runs r "
                              "WHERE r.round_id = ro.id) FROM rounds ro "
                              "WHERE ro.site_id = ? AND ro.label = ?",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "it", site_id, since);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL) {
        *run_id = sqlite3_column_int64(st, 1);
    } else if (rc == SQLITE_ROW) {
        r = art_error_set(err, ART_ERR_NOTFOUND,
                          "%s: round '%s' of site '%s' has never been scored, so there is "
                          "nothing to compare with (run 'artefact score --site %s --round %s')",
                          s->path, since, a->site, a->site, since);
    } else if (rc == SQLITE_DONE) {
        char labels[ART_ERROR_MAX / 2];
        round_labels(s, site_id, labels, sizeof labels);
        r = art_error_set(err, ART_ERR_NOTFOUND, "%s: site '%s' has no round '%s' (its rounds: %s)",
                          s->path, a->site, since, labels);
    } else {
        r = db_error(s, err, "find round");
    }
    sqlite3_finalize(st);
    return r;
}

static bool evidence_copy(art_evidence *dst, const art_evidence *src)
{
    *dst = *src;
    dst->source = art_strdup(src->source);
    dst->locator = art_strdup(src->locator);
    dst->quote = art_strdup(src->quote);
    dst->participant = art_strdup(src->participant);
    dst->indicator = art_strdup(src->indicator);
    return (dst->source || !src->source) && (dst->locator || !src->locator) &&
           (dst->quote || !src->quote) && (dst->participant || !src->participant) &&
           (dst->indicator || !src->indicator);
}

static void evidence_clear(art_evidence *e)
{
    free(e->source);
    free(e->locator);
    free(e->quote);
    free(e->participant);
    free(e->indicator);
}

static bool same_text(const char *x, const char *y)
{
    return strcmp(x ? x : "", y ? y : "") == 0;
}

/* The same piece of evidence in two rounds: same source, place and
 * indicator (quotes may be pseudonymised differently, weights rescaled). */
static bool same_evidence(const art_evidence *x, const art_evidence *y)
{
    return same_text(x->source, y->source) && same_text(x->locator, y->locator) &&
           same_text(x->indicator, y->indicator);
}

static bool evidence_in(const art_evidence *e, const art_evidence *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (same_evidence(e, &list[i]))
            return true;
    return false;
}

/* Copies of the items of `from` that `other` lacks, into *out. */
static bool evidence_difference(const art_evidence *from, size_t nfrom, const art_evidence *other,
                                size_t nother, art_evidence **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    size_t n = 0;
    for (size_t i = 0; i < nfrom; i++)
        n += !evidence_in(&from[i], other, nother);
    if (n == 0)
        return true;
    art_evidence *list = calloc(n, sizeof *list);
    if (!list)
        return false;
    for (size_t i = 0; i < nfrom; i++) {
        if (evidence_in(&from[i], other, nother))
            continue;
        bool ok = evidence_copy(&list[*nout], &from[i]);
        (*nout)++;
        if (!ok)
            break;
    }
    *out = list;
    return *nout == n;
}

/* The earlier run's evidence for one dimension. */
typedef struct earlier_dim {
    double score;
    int level;
    art_evidence *ev;
    size_t nev, cap;
} earlier_dim;

static void earlier_free(earlier_dim *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++) {
        for (size_t k = 0; k < e[i].nev; k++)
            evidence_clear(&e[i].ev[k]);
        free(e[i].ev);
    }
    free(e);
}

static art_status load_earlier_scores(art_store *s, long long run_id, const art_assessment *a,
                                      earlier_dim *out, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT dimension, score, insufficient, level FROM scores "
                              "WHERE run_id = ?",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", run_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long k = dim_index(a, col_text(st, 0));
        if (k < 0)
            continue;
        out[k].score = stored_score(st, 1, 2);
        out[k].level = isnan(out[k].score) ? 0 : sqlite3_column_int(st, 3);
    }
    if (rc != SQLITE_DONE)
        r = db_error(s, err, "load earlier scores");
    sqlite3_finalize(st);
    return r;
}

static art_status load_earlier_evidence(art_store *s, long long run_id, const art_assessment *a,
                                        earlier_dim *out, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT " EVIDENCE_COLUMNS " FROM evidence WHERE run_id = ? "
                              "ORDER BY dimension, ordinal",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", run_id);
    int rc = SQLITE_DONE;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long k = dim_index(a, col_text(st, 0));
        if (k < 0)
            continue;
        earlier_dim *d = &out[k];
        if (d->nev == d->cap) {
            size_t ncap = d->cap ? d->cap * 2 : 8;
            art_evidence *p = realloc(d->ev, ncap * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            d->ev = p;
            d->cap = ncap;
        }
        if (!evidence_from_row(st, &d->ev[d->nev++]))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load earlier evidence");
    sqlite3_finalize(st);
    return r;
}

static void movement_clear(art_movement *m)
{
    for (size_t i = 0; i < m->ngained; i++)
        evidence_clear(&m->gained[i]);
    free(m->gained);
    for (size_t i = 0; i < m->nlost; i++)
        evidence_clear(&m->lost[i]);
    free(m->lost);
    memset(m, 0, sizeof *m);
    m->from = m->to = NAN;
}

/* d's movement from the earlier round e. */
static bool set_movement(art_dim_score *d, const earlier_dim *e)
{
    art_movement *m = &d->movement;
    movement_clear(m);
    m->present = 1;
    m->from = e->score;
    m->from_level = e->level;
    m->to = d->insufficient ? NAN : d->score;
    m->to_level = isnan(m->to) ? 0 : d->level;
    return evidence_difference(d->ev, d->nev, e->ev, e->nev, &m->gained, &m->ngained) &&
           evidence_difference(e->ev, e->nev, d->ev, d->nev, &m->lost, &m->nlost);
}

art_status art_store_load_movement(art_store *s, art_assessment *a, const char *since,
                                   art_error *err)
{
    if (!since || !*since)
        return art_error_set(err, ART_ERR_USAGE, "%s: --since needs a round label", s->path);
    if (a->round && strcmp(since, a->round) == 0)
        return art_error_set(err, ART_ERR_USAGE,
                             "%s: --since %s is the round being reported; name another round "
                             "of site '%s'",
                             s->path, since, a->site);
    long long site_id, run_id;
    art_status r = find_site(s, a->site, &site_id, err);
    if (r == ART_OK)
        r = find_since_run(s, site_id, a, since, &run_id, err);
    if (r != ART_OK)
        return r;
    earlier_dim *e = calloc(a->ndims ? a->ndims : 1, sizeof *e);
    if (!e)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < a->ndims; i++)
        e[i].score = NAN;
    r = load_earlier_scores(s, run_id, a, e, err);
    if (r == ART_OK)
        r = load_earlier_evidence(s, run_id, a, e, err);
    char *label = r == ART_OK ? art_strdup(since) : NULL;
    if (r == ART_OK && !label)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    for (size_t i = 0; r == ART_OK && i < a->ndims; i++)
        if (!set_movement(&a->dims[i], &e[i]))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    earlier_free(e, a->ndims);
    if (r != ART_OK) {
        for (size_t i = 0; i < a->ndims; i++)
            movement_clear(&a->dims[i].movement);
        free(label);
        return r;
    }
    free(a->since);
    a->since = label;
    return ART_OK;
}
