/* Reading every site's scored rounds for art_store_compare (compare.c
 * ranks and writes them).  A round counts once it has a run, scored here
 * or imported from a bundle; its latest run stands for it. */
#include "store_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Dimension ids and names met so far, in the order first met. */
typedef struct dim_list {
    char **ids, **names;
    size_t n, cap;
} dim_list;

static long dim_find(const dim_list *d, const char *id)
{
    for (size_t j = 0; id && j < d->n; j++)
        if (strcmp(d->ids[j], id) == 0)
            return (long)j;
    return -1;
}

static bool dim_add(dim_list *d, const char *id, const char *name)
{
    if (dim_find(d, id) >= 0)
        return true;
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 16;
        char **ids = realloc(d->ids, ncap * sizeof *ids);
        if (!ids)
            return false;
        d->ids = ids;
        char **names = realloc(d->names, ncap * sizeof *names);
        if (!names)
            return false;
        d->names = names;
        d->cap = ncap;
    }
    d->ids[d->n] = art_strdup(id);
    d->names[d->n] = art_strdup(name ? name : id);
    d->n++;
    return d->ids[d->n - 1] && d->names[d->n - 1];
}

/* One run as read, before the dimensions are known in full. */
typedef struct run_row {
    long long run_id;
    char *sha;
} run_row;

/* The dimensions of the rubric a run was scored with, added to dims. */
static art_status add_rubric_dims(art_store *s, const char *sha, dim_list *dims, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, "SELECT xml FROM rubrics WHERE sha256 = ?", &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "t", sha);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *xml = (const char *)sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        art_rubric *rb = NULL;
        r = art_rubric_load_memory(xml ? xml : "", (size_t)len, ART_STORED_RUBRIC, &rb, err);
        for (size_t j = 0; r == ART_OK && j < rb->ndims; j++)
            if (!dim_add(dims, rb->dims[j].id, rb->dims[j].name))
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        art_rubric_free(rb);
    } else if (rc != SQLITE_DONE) {
        r = db_error(s, err, "load rubric");
    }
    sqlite3_finalize(st);
    return r;
}

static void dim_list_free(dim_list *d)
{
    for (size_t j = 0; j < d->n; j++) {
        free(d->ids[j]);
        free(d->names[j]);
    }
    free(d->ids);
    free(d->names);
}

/* Every site with at least one scored round; rounds oldest first. */
static art_status read_rounds(art_store *s, art_comparison *c, run_row **runs_out,
                              size_t *nruns_out, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT si.name, ro.label, ro.created_at, ru.id, ru.origin, "
                              "ru.rubric_sha256 FROM sites si "
                              "JOIN rounds ro ON ro.site_id = si.id "
                              "JOIN rubric_runs ru ON ru.id = (SELECT max(x.id) FROM rubric_runs x "
                              "  WHERE x.round_id = ro.id) "
                              "ORDER BY si.name, si.id, ro.created_at, ro.id",
                              &st, err);
    if (r != ART_OK)
        return r;
    run_row *runs = NULL;
    size_t nruns = 0, cap = 0, scap = 0;
    int rc = SQLITE_DONE;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *site = col_text(st, 0);
        if (c->nsites == 0 || strcmp(c->sites[c->nsites - 1].name, site) != 0) {
            if (c->nsites == scap) {
                scap = scap ? scap * 2 : 8;
                art_compare_site *p = realloc(c->sites, scap * sizeof *p);
                if (!p) {
                    r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                    break;
                }
                c->sites = p;
            }
            art_compare_site *ns = &c->sites[c->nsites++];
            memset(ns, 0, sizeof *ns);
            if (!(ns->name = art_strdup(site))) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
        }
        art_compare_site *cs = &c->sites[c->nsites - 1];
        art_compare_round *p = realloc(cs->rounds, (cs->nrounds + 1) * sizeof *p);
        if (!p) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        cs->rounds = p;
        art_compare_round *rd = &cs->rounds[cs->nrounds++];
        memset(rd, 0, sizeof *rd);
        rd->label = art_strdup(col_text(st, 1));
        rd->created_at = art_strdup(col_text(st, 2));
        rd->origin = art_strdup(col_text(st, 4));
        if (nruns == cap) {
            cap = cap ? cap * 2 : 16;
            run_row *q = realloc(runs, cap * sizeof *q);
            if (!q) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            runs = q;
        }
        runs[nruns].run_id = sqlite3_column_int64(st, 3);
        runs[nruns].sha = art_strdup(col_text(st, 5));
        nruns++;
        if (!rd->label || !rd->created_at || (col_text(st, 4) && !rd->origin) ||
            !runs[nruns - 1].sha)
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "read rounds");
    sqlite3_finalize(st);
    *runs_out = runs;
    *nruns_out = nruns;
    return r;
}

/* The cells of one run: every dimension absent until its score is read. */
static art_status read_cells(art_store *s, sqlite3_stmt *st, long long run_id, const dim_list *dims,
                             art_compare_round *rd, art_error *err)
{
    rd->cells = calloc(dims->n ? dims->n : 1, sizeof *rd->cells);
    if (!rd->cells)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    for (size_t j = 0; j < dims->n; j++) {
        rd->cells[j].status = ART_CELL_ABSENT;
        rd->cells[j].score = rd->cells[j].percentile = NAN;
    }
    sqlite3_reset(st);
    db_bind(st, "i", run_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long j = dim_find(dims, col_text(st, 0));
        if (j < 0)
            continue;
        art_compare_cell *x = &rd->cells[j];
        bool insufficient = sqlite3_column_int(st, 3) != 0;
        x->score = insufficient ? NAN : col_double_or_nan(st, 1);
        x->level = sqlite3_column_int(st, 2);
        x->nsources = (size_t)sqlite3_column_int64(st, 4);
        x->nvoices = (size_t)sqlite3_column_int64(st, 5);
        x->status = isnan(x->score) ? ART_CELL_NO_SCORE : ART_CELL_SCORED;
    }
    return rc == SQLITE_DONE ? ART_OK : db_error(s, err, "read scores");
}

/* Each site's round in the matrix: opts->round, or its latest.  Sites
 * without that round move to c->left_out. */
static art_status choose_matrix_rounds(art_comparison *c, art_error *err)
{
    if (c->round && !(c->left_out = calloc(c->nsites, sizeof *c->left_out)))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    size_t kept = 0;
    for (size_t i = 0; i < c->nsites; i++) {
        art_compare_site *st = &c->sites[i];
        bool found = false;
        st->matrix_round = st->nrounds - 1;
        for (size_t r = 0; c->round && r < st->nrounds && !found; r++)
            if (strcmp(st->rounds[r].label, c->round) == 0) {
                st->matrix_round = r;
                found = true;
            }
        if (!c->round || found) {
            c->sites[kept++] = *st;
            continue;
        }
        c->left_out[c->nleft_out++] = st->name;
        st->name = NULL;
        for (size_t r = 0; r < st->nrounds; r++) {
            free(st->rounds[r].label);
            free(st->rounds[r].created_at);
            free(st->rounds[r].origin);
            free(st->rounds[r].cells);
        }
        free(st->rounds);
    }
    c->nsites = kept;
    return ART_OK;
}

static art_status build(art_store *s, art_comparison *c, art_error *err)
{
    run_row *runs = NULL;
    size_t nruns = 0;
    dim_list dims = {0};
    art_status r = read_rounds(s, c, &runs, &nruns, err);
    for (size_t k = 0; r == ART_OK && k < nruns; k++) {
        bool seen = false;
        for (size_t q = 0; q < k && !seen; q++)
            seen = strcmp(runs[q].sha, runs[k].sha) == 0;
        if (!seen)
            r = add_rubric_dims(s, runs[k].sha, &dims, err);
    }
    sqlite3_stmt *st = NULL;
    if (r == ART_OK)
        r = db_prepare(s,
                       "SELECT dimension, score, level, insufficient, nsources, nvoices "
                       "FROM scores WHERE run_id = ?",
                       &st, err);
    size_t k = 0;
    for (size_t i = 0; r == ART_OK && i < c->nsites; i++)
        for (size_t rd = 0; r == ART_OK && rd < c->sites[i].nrounds; rd++, k++)
            r = read_cells(s, st, runs[k].run_id, &dims, &c->sites[i].rounds[rd], err);
    sqlite3_finalize(st);
    for (size_t q = 0; q < nruns; q++)
        free(runs[q].sha);
    free(runs);
    if (r == ART_OK) {
        c->dim_ids = dims.ids;
        c->dim_names = dims.names;
        c->ndims = dims.n;
    } else {
        dim_list_free(&dims);
    }
    return r;
}

art_status art_store_compare(art_store *s, const art_compare_opts *opts, art_comparison **out,
                             art_error *err)
{
    *out = NULL;
    art_compare_opts dflt;
    art_compare_opts_default(&dflt);
    if (!opts)
        opts = &dflt;
    art_comparison *c = calloc(1, sizeof *c);
    if (!c)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    c->min_sources = opts->min_sources;
    c->min_voices = opts->min_voices;
    art_status r = ART_OK;
    if (opts->round && !(c->round = art_strdup(opts->round)))
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK)
        r = build(s, c, err);
    if (r == ART_OK && c->nsites == 0)
        r = art_error_set(err, ART_ERR_NOTFOUND,
                          "%s: no site has a scored run yet, so there is nothing to compare "
                          "(run 'artefact assess' or 'artefact score' first)",
                          s->path);
    if (r == ART_OK)
        r = choose_matrix_rounds(c, err);
    if (r == ART_OK && c->nsites == 0)
        r = art_error_set(err, ART_ERR_NOTFOUND, "%s: no site has a scored round '%s'", s->path,
                          opts->round);
    if (r != ART_OK) {
        art_comparison_free(c);
        return r;
    }
    art_comparison_rank(c);
    *out = c;
    return ART_OK;
}
