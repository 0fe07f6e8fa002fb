/* Ratings and reviews in the store.  Ratings are replaced (one per rater,
 * dimension and round); reviews are only ever appended (the schema's
 * trigger refuses an UPDATE), so every override keeps who and when. */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The latest run of the round, 0 when it has none. */
static art_status latest_run(art_store *s, long long round_id, long long *run_id, art_error *err)
{
    *run_id = 0;
    sqlite3_stmt *st;
    art_status r = db_prepare(s, "SELECT id FROM rubric_runs WHERE round_id = ? "
                                 "ORDER BY id DESC LIMIT 1",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *run_id = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        r = db_error(s, err, "find the round's latest run");
    sqlite3_finalize(st);
    return r;
}

/* What a dimension id is checked against: a rubric, or the dimensions the
 * round's latest run scored, or nothing (no run yet: every id is taken). */
typedef struct dim_check {
    const art_rubric *rb;
    long long run_id;
    sqlite3_stmt *st;       /* SELECT on the run's scores, when run_id */
} dim_check;

static art_status dim_check_open(art_store *s, const art_rubric *rb, long long round_id,
                                 dim_check *dc, art_error *err)
{
    memset(dc, 0, sizeof *dc);
    dc->rb = rb;
    if (rb)
        return ART_OK;
    art_status r = latest_run(s, round_id, &dc->run_id, err);
    if (r == ART_OK && dc->run_id)
        r = db_prepare(s, "SELECT 1 FROM scores WHERE run_id = ? AND dimension = ?", &dc->st, err);
    return r;
}

static void dim_check_close(dim_check *dc)
{
    sqlite3_finalize(dc->st);
    dc->st = NULL;
}

/* NOTFOUND "no dimension 'x' in ..." when the id is not known. */
static art_status dim_check_one(art_store *s, dim_check *dc, const char *dim, art_error *err)
{
    if (dc->rb) {
        for (size_t i = 0; i < dc->rb->ndims; i++)
            if (strcmp(dc->rb->dims[i].id, dim) == 0)
                return ART_OK;
        return art_error_set(err, ART_ERR_NOTFOUND, "no dimension '%s' in the rubric '%s'", dim,
                             dc->rb->id ? dc->rb->id : "(unnamed)");
    }
    if (!dc->st)
        return ART_OK;
    db_bind(dc->st, "it", dc->run_id, dim);
    int rc = sqlite3_step(dc->st);
    sqlite3_reset(dc->st);
    if (rc == SQLITE_ROW)
        return ART_OK;
    if (rc != SQLITE_DONE)
        return db_error(s, err, "check dimension");
    return art_error_set(err, ART_ERR_NOTFOUND,
                         "no dimension '%s' in the rubric of the round's latest run", dim);
}

/* Upsert every rating; strict: each dimension must pass dim_check_one. */
static art_status insert_ratings(art_store *s, long long round_id, const art_rubric *rb,
                                 bool strict, const art_rating *r, size_t n, art_error *err)
{
    dim_check dc = {0};
    sqlite3_stmt *st = NULL;
    art_status res = strict ? dim_check_open(s, rb, round_id, &dc, err) : ART_OK;
    if (res == ART_OK)
        res = db_prepare(s,
                         "INSERT INTO ratings(round_id, rater, role, dimension, level, rationale) "
                         "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(round_id, rater, dimension) "
                         "DO UPDATE SET role = excluded.role, level = excluded.level, "
                         "rationale = excluded.rationale, imported_at = excluded.imported_at "
                         /* the same rating again changes nothing, not even its time */
                         "WHERE role IS NOT excluded.role OR level IS NOT excluded.level "
                         "OR rationale IS NOT excluded.rationale",
                         &st, err);
    for (size_t i = 0; res == ART_OK && i < n; i++) {
        const art_rating *x = &r[i];
        if (!x->rater || !*x->rater || !x->dimension || !*x->dimension || x->level < 1 ||
            x->level > 5 || (x->role != ART_ROLE_SELF && x->role != ART_ROLE_EXTERNAL)) {
            res = art_error_set(err, ART_ERR_USAGE,
                                "rating %zu: needs a rater, a dimension, a role and a level 1-5",
                                i + 1);
            break;
        }
        if (strict && (res = dim_check_one(s, &dc, x->dimension, err)) != ART_OK) {
            char msg[ART_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", err ? err->message : "");
            res = art_error_set(err, res, "%s (rated by '%s')", msg, x->rater);
            break;
        }
        if (!db_bind(st, "itttit", round_id, x->rater, art_rater_role_id(x->role), x->dimension,
                     (long long)x->level, x->rationale))
            res = db_error(s, err, "bind rating");
        else
            res = db_step_done(s, st, err);
    }
    sqlite3_finalize(st);
    dim_check_close(&dc);
    return res;
}

static art_status find_scope(art_store *s, const char *site, const char *round,
                             long long *round_id, art_error *err)
{
    long long site_id;
    if (!site || !*site || !round || !*round)
        return art_error_set(err, ART_ERR_USAGE, "a site name and a round label are required");
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, round_id, err);
    if (r == ART_ERR_NOTFOUND && err && !strstr(err->message, site)) {
        char msg[ART_ERROR_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        art_error_set(err, r, "%s (site '%s')", msg, site);
    }
    return r;
}

/* End the transaction begun by the caller: commit when all went well,
 * else roll back, so a failed import leaves nothing behind. */
static art_status finish_transaction(art_store *s, art_status r, art_error *err)
{
    if (r == ART_OK)
        return db_exec(s, "COMMIT", err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

art_status art_store_import_ratings(art_store *s, const char *site, const char *round,
                                    const art_rubric *rb, const art_rating *r, size_t n,
                                    art_error *err)
{
    if (!s || (!r && n))
        return art_error_set(err, ART_ERR_USAGE, "ratings: no store or no ratings");
    art_status res = db_exec(s, "BEGIN IMMEDIATE", err);
    if (res != ART_OK)
        return res;
    long long round_id = 0;
    res = find_scope(s, site, round, &round_id, err);
    if (res == ART_OK)
        res = insert_ratings(s, round_id, rb, true, r, n, err);
    return finish_transaction(s, res, err);
}

/* Called by ingest for every .csv, inside its transaction: a file whose
 * header has rater, role, dimension and level is the round's ratings.
 * Ingest knows no rubric, so every dimension is stored as it is; a report
 * lists the ones its rubric does not have. */
art_status ingest_ratings_csv(ingest_ctx *c, const char *path, const char *data, size_t len,
                              bool *taken, art_error *err)
{
    *taken = false;
    art_rating *r = NULL;
    size_t n = 0;
    art_error local;
    art_status res = art_ratings_parse_csv(data, len, path, &r, &n, &local);
    if (res == ART_ERR_UNSUPPORTED)
        return ART_OK;          /* not a ratings file: the other CSV readers try */
    *taken = true;
    if (res != ART_OK)
        return art_error_set(err, res, "%s", local.message);
    res = insert_ratings(c->s, c->round_id, NULL, false, r, n, err);
    if (res != ART_OK && err && !strstr(err->message, path)) {
        char msg[ART_ERROR_MAX];
        snprintf(msg, sizeof msg, "%s", err->message);
        art_error_set(err, res, "%s: %s", path, msg);
    }
    art_ratings_free(r, n);
    return res;
}

/* One short line: what a dimension id or an author name must be, so an
 * error message quoting it stays one line. */
static bool short_line(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if ((unsigned char)s[n] < 0x20)
            return false;
    return n <= 200;
}

static art_status check_review(const art_review *rv, art_error *err)
{
    if (!rv || !rv->dimension || !*rv->dimension)
        return art_error_set(err, ART_ERR_USAGE, "a review needs a dimension");
    if (!short_line(rv->dimension) || (rv->author && !short_line(rv->author)))
        return art_error_set(err, ART_ERR_USAGE,
                             "a review's dimension and author are one line of 200 bytes at most");
    if (rv->rationale && strlen(rv->rationale) > 8000)
        return art_error_set(err, ART_ERR_LIMIT, "a review's rationale is longer than 8000 bytes");
    if (!rv->author || !*rv->author)
        return art_error_set(err, ART_ERR_USAGE, "a review needs its author (--by)");
    if (!rv->rationale || !*rv->rationale)
        return art_error_set(err, ART_ERR_USAGE, "a review needs a rationale");
    if (rv->kind == ART_REVIEW_OVERRIDE && (rv->level < 1 || rv->level > 5))
        return art_error_set(err, ART_ERR_USAGE, "an override needs a level from 1 to 5");
    if (rv->kind == ART_REVIEW_ANNOTATION && rv->level != 0)
        return art_error_set(err, ART_ERR_USAGE, "an annotation has no level");
    if (rv->kind != ART_REVIEW_OVERRIDE && rv->kind != ART_REVIEW_ANNOTATION)
        return art_error_set(err, ART_ERR_USAGE, "unknown kind of review");
    return ART_OK;
}

art_status art_store_add_review(art_store *s, const char *site, const char *round,
                                const art_review *rv, art_error *err)
{
    art_status res = check_review(rv, err);
    if (res != ART_OK)
        return res;
    if ((res = db_exec(s, "BEGIN IMMEDIATE", err)) != ART_OK)
        return res;
    long long round_id = 0;
    dim_check dc = {0};
    sqlite3_stmt *st = NULL;
    res = find_scope(s, site, round, &round_id, err);
    if (res == ART_OK)
        res = dim_check_open(s, NULL, round_id, &dc, err);
    if (res == ART_OK)
        res = dim_check_one(s, &dc, rv->dimension, err);
    if (res == ART_OK)
        res = db_prepare(s,
                         "INSERT INTO reviews(round_id, dimension, author, kind, level, rationale) "
                         "VALUES (?, ?, ?, ?, ?, ?)",
                         &st, err);
    if (res == ART_OK) {
        if (!db_bind(st, "itttit", round_id, rv->dimension, rv->author,
                     art_review_kind_id(rv->kind), (long long)rv->level, rv->rationale))
            res = db_error(s, err, "bind review");
        else if (rv->kind == ART_REVIEW_ANNOTATION && sqlite3_bind_null(st, 5) != SQLITE_OK)
            res = db_error(s, err, "bind review");
        else
            res = db_step_done(s, st, err);
    }
    sqlite3_finalize(st);
    dim_check_close(&dc);
    return finish_transaction(s, res, err);
}

/* A copy of text with the site's participants' names replaced by their
 * pseudonyms (rationales may name the people interviewed). */
static char *private_copy(const name_map *names, const char *text)
{
    if (!text)
        return NULL;
    return store_pseudonymise(names, text, NULL);
}

static art_status load_ratings(art_store *s, long long round_id, const name_map *names,
                               art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT rater, role, dimension, level, rationale FROM ratings "
                              "WHERE round_id = ? ORDER BY rater, dimension",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (a->nratings == cap) {
            cap = cap ? cap * 2 : 32;
            art_rating *p = realloc(a->ratings, cap * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory loading ratings");
                break;
            }
            a->ratings = p;
        }
        art_rating *x = &a->ratings[a->nratings++];
        memset(x, 0, sizeof *x);
        x->rater = private_copy(names, col_text(st, 0));
        art_rater_role_from_id(col_text(st, 1), &x->role);
        x->dimension = art_strdup(col_text(st, 2));
        x->level = sqlite3_column_int(st, 3);
        x->rationale = private_copy(names, col_text(st, 4));
        if (!x->rater || !x->dimension || (col_text(st, 4) && !x->rationale))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory loading ratings");
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load ratings");
    sqlite3_finalize(st);
    return r;
}

static art_status load_review_rows(art_store *s, long long round_id, const name_map *names,
                                   art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT dimension, author, created_at, kind, level, rationale "
                              "FROM reviews WHERE round_id = ? ORDER BY id",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    size_t cap = 0;
    int rc = SQLITE_DONE;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (a->nreviews == cap) {
            cap = cap ? cap * 2 : 16;
            art_review *p = realloc(a->reviews, cap * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory loading reviews");
                break;
            }
            a->reviews = p;
        }
        art_review *v = &a->reviews[a->nreviews++];
        memset(v, 0, sizeof *v);
        v->dimension = art_strdup(col_text(st, 0));
        v->author = private_copy(names, col_text(st, 1));
        v->created_at = art_strdup(col_text(st, 2));
        const char *kind = col_text(st, 3);
        v->kind = kind && strcmp(kind, "override") == 0 ? ART_REVIEW_OVERRIDE
                                                        : ART_REVIEW_ANNOTATION;
        v->level = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 4);
        v->rationale = private_copy(names, col_text(st, 5));
        if (!v->dimension || !v->author || !v->created_at || !v->rationale)
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory loading reviews");
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load reviews");
    sqlite3_finalize(st);
    return r;
}

art_status art_store_load_reviews(art_store *s, art_assessment *a, art_error *err)
{
    if (!s || !a)
        return art_error_set(err, ART_ERR_USAGE, "ratings: no store or no assessment");
    /* Loading again replaces what a holds (a fresh run's report reloads). */
    art_ratings_free(a->ratings, a->nratings);
    art_reviews_free(a->reviews, a->nreviews);
    a->ratings = NULL;
    a->reviews = NULL;
    a->nratings = a->nreviews = 0;
    long long site_id = 0, round_id = 0;
    name_map names = {0};
    art_status r = find_site(s, a->site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, a->round, &round_id, err);
    if (r == ART_OK)
        r = store_name_map_load(s, site_id, &names, err);
    if (r == ART_OK)
        r = load_ratings(s, round_id, &names, a, err);
    if (r == ART_OK)
        r = load_review_rows(s, round_id, &names, a, err);
    store_name_map_free(&names);
    if (r == ART_OK)
        r = art_assessment_summarise_reviews(a, err);
    return r;
}
