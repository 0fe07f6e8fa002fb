/* Scored runs: saving and loading assessments, with the rubric text. */
#include "store_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* Assessments                                                          */
/* ------------------------------------------------------------------ */

art_status save_rubric(art_store *s, const art_assessment *a, const char *xml, size_t len,
                              art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "INSERT OR IGNORE INTO rubrics(sha256, rubric_id, version, title, xml) "
                              "VALUES (?, ?, ?, ?, ?)",
                              &st, err);
    if (r != ART_OK)
        return r;
    char *text = art_strndup(xml, len);
    if (!text)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    else if (!db_bind(st, "ttttt", a->rubric_sha256, a->rubric_id, a->rubric_version,
                      a->rubric_title, text))
        r = db_error(s, err, "bind rubric");
    else
        r = db_step_done(s, st, err);
    free(text);
    sqlite3_finalize(st);
    return r;
}

art_status save_plugins(art_store *s, long long run_id, const art_assessment *a,
                               art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "INSERT INTO run_plugins(run_id, ordinal, path, name, version, sha256, "
                              "status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              &st, err);
    for (size_t i = 0; r == ART_OK && i < a->nplugins; i++) {
        const art_plugin_result *p = &a->plugins[i];
        db_bind(st, "iitttttt", run_id, (long long)i, p->path, p->name ? p->name : "?",
                p->version, p->sha256[0] ? p->sha256 : NULL, art_status_name(p->status), p->error);
        r = db_step_done(s, st, err);
    }
    sqlite3_finalize(st);
    return r;
}

static void voice_counts_text(const art_dim_score *d, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int v = 0; v < ART_VOICE_COUNT && used < n; v++)
        used += (size_t)snprintf(out + used, n - used, "%s%zu", v ? "," : "", d->voice_counts[v]);
}

/* "a,e,u" for the three Schein levels: scores in full (empty for none), so
 * a stored run reports exactly what the fresh one did; counts as integers. */
static void level_texts(const art_dim_score *d, char *ls, size_t nls, char *lc, size_t nlc)
{
    size_t u = 0, v = 0;
    for (int k = 0; k < 3; k++) {
        if (isnan(d->level_scores[k]))
            u += (size_t)snprintf(ls + u, nls - u, "%s", k ? "," : "");
        else
            u += (size_t)snprintf(ls + u, nls - u, "%s%.17g", k ? "," : "", d->level_scores[k]);
        v += (size_t)snprintf(lc + v, nlc - v, "%s%zu", k ? "," : "", d->level_counts[k]);
    }
}

static void parse_level_texts(art_dim_score *d, const char *ls, const char *lc)
{
    for (int k = 0; k < 3; k++) {
        d->level_scores[k] = NAN;
        if (ls) {
            if (*ls && *ls != ',')
                d->level_scores[k] = strtod(ls, (char **)&ls);
            if (*ls == ',')
                ls++;
        }
        if (lc && *lc) {
            d->level_counts[k] = (size_t)strtoull(lc, (char **)&lc, 10);
            if (*lc == ',')
                lc++;
        }
    }
}

/* ---- many rows a statement ---------------------------------------- */

/* A run's evidence and ladder rows go RUN_ROW_BATCH to a statement: much
 * of a one-row insert was its fixed part (db_bind's type string and a copy
 * of every text, halting the statement, opening and closing the table,
 * index and foreign-key cursors, resetting).  A multi-row VALUES inserts
 * its rows in order, each taking the next id, so the rows are the ones
 * one-at-a-time inserts made.  Not more rows: a multi-row statement that
 * may fail a constraint half way keeps a statement journal of the pages it
 * changes, and past 64 KiB SQLite spills that journal to a temporary file
 * (64 rows did, at two extra writes a page); 16 rows stay in memory. */
#define RUN_ROW_BATCH 16

/* "head (row), (row), ..." with nrows rows. */
static art_status prepare_rows(art_store *s, const char *head, const char *row, size_t nrows,
                               sqlite3_stmt **st, art_error *err)
{
    art_buf sql;
    art_buf_init(&sql);
    art_buf_puts(&sql, head);
    for (size_t i = 0; i < nrows; i++) {
        art_buf_puts(&sql, i ? ", " : " ");
        art_buf_puts(&sql, row);
    }
    if (sql.failed) {
        art_buf_free(&sql);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    art_status r = db_prepare(s, sql.data, st, err);
    art_buf_free(&sql);
    return r;
}

/* Text bound without a copy: every string is the assessment's (or a
 * literal) and outlives the step; db_step_done clears the bindings. */
static int bind_text_static(sqlite3_stmt *st, int col, const char *v)
{
    return v ? sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, col);
}

/* A segment id, or NULL for evidence tied to no segment. */
static int bind_segment(sqlite3_stmt *st, int col, int64_t segment_id)
{
    return segment_id > 0 ? sqlite3_bind_int64(st, col, segment_id) : sqlite3_bind_null(st, col);
}

/* Rows [0, n) in statements of RUN_ROW_BATCH rows, the rest in one
 * statement of its own size; bind(ud, st, col, i) binds row i from column
 * col + 1.  The statements are prepared only when there are rows for them. */
typedef int (*row_binder)(void *ud, sqlite3_stmt *st, int col, size_t i);

static art_status insert_rows(art_store *s, const char *head, const char *row, int ncols,
                              size_t n, row_binder bind, void *ud, const char *what,
                              art_error *err)
{
    sqlite3_stmt *full = NULL, *rest = NULL;
    art_status r = ART_OK;
    if (n >= RUN_ROW_BATCH)
        r = prepare_rows(s, head, row, RUN_ROW_BATCH, &full, err);
    if (r == ART_OK && n % RUN_ROW_BATCH)
        r = prepare_rows(s, head, row, n % RUN_ROW_BATCH, &rest, err);
    for (size_t first = 0; r == ART_OK && first < n; first += RUN_ROW_BATCH) {
        sqlite3_stmt *st = n - first >= RUN_ROW_BATCH ? full : rest;
        size_t rows = n - first >= RUN_ROW_BATCH ? RUN_ROW_BATCH : n - first;
        int rc = SQLITE_OK;
        for (size_t i = 0; i < rows && rc == SQLITE_OK; i++)
            rc = bind(ud, st, (int)i * ncols, first + i);
        if (rc != SQLITE_OK) {
            r = db_error(s, err, what);
            sqlite3_clear_bindings(st);
        } else {
            r = db_step_done(s, st, err);
        }
    }
    sqlite3_finalize(full);
    sqlite3_finalize(rest);
    return r;
}

typedef struct ladder_rows {
    long long run_id;
    const art_ladder *l;
} ladder_rows;

static int bind_ladder_row(void *ud, sqlite3_stmt *st, int col, size_t i)
{
    const ladder_rows *lr = ud;
    const art_ladder_item *it = &lr->l->items[i];
    int rc;
    if ((rc = sqlite3_bind_int64(st, col + 1, lr->run_id)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(st, col + 2, (long long)i)) != SQLITE_OK ||
        (rc = bind_segment(st, col + 3, it->segment_id)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(st, col + 4, it->rung)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 5, art_scope_id(it->scope))) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 6, art_facet_id(it->facet))) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 7, it->source)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 8, it->locator)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 9, it->quote)) != SQLITE_OK)
        return rc;
    return bind_text_static(st, col + 10, it->phrase);
}

art_status save_ladder(art_store *s, long long run_id, const art_assessment *a,
                              art_error *err)
{
    ladder_rows lr = {run_id, &a->ladder};
    return insert_rows(s,
                       "INSERT INTO ladder_items(run_id, ordinal, segment_id, rung, scope, "
                       "facet, source, locator, quote, phrase) VALUES",
                       "(?,?,?,?,?,?,?,?,?,?)", 10, a->ladder.nitems, bind_ladder_row, &lr,
                       "bind ladder", err);
}

/* Every dimension's evidence as one sequence, dimension by dimension: the
 * order one-at-a-time inserts used, so each row gets the id it had.  Rows
 * are asked for in order, so a cursor finds row i without a search. */
typedef struct evidence_rows {
    long long run_id;
    const art_assessment *a;
    size_t dim, base;       /* the cursor: row `base` is dims[dim].ev[0] */
} evidence_rows;

static int bind_evidence_row(void *ud, sqlite3_stmt *st, int col, size_t i)
{
    evidence_rows *er = ud;
    while (i - er->base >= er->a->dims[er->dim].nev)
        er->base += er->a->dims[er->dim++].nev;
    const art_dim_score *d = &er->a->dims[er->dim];
    size_t k = i - er->base;
    const art_evidence *e = &d->ev[k];
    int rc;
    if ((rc = sqlite3_bind_int64(st, col + 1, er->run_id)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 2, d->id)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(st, col + 3, (long long)k)) != SQLITE_OK ||
        (rc = bind_segment(st, col + 4, e->segment_id)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 5, e->source)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 6, e->locator)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 7, e->quote)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 8, e->participant)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 9, e->indicator)) != SQLITE_OK ||
        (rc = sqlite3_bind_int64(st, col + 10, e->direction < 0 ? -1 : 1)) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 11, art_level_id(e->level))) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 12, art_voice_id(e->voice))) != SQLITE_OK ||
        (rc = bind_text_static(st, col + 13, art_facet_id(e->facet))) != SQLITE_OK)
        return rc;
    /* NAN is NULL, as db_bind's 'd' had it (and the column refuses it) */
    return isnan(e->weight) ? sqlite3_bind_null(st, col + 14)
                            : sqlite3_bind_double(st, col + 14, e->weight);
}

static art_status save_evidence(art_store *s, long long run_id, const art_assessment *a,
                                art_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < a->ndims; i++)
        n += a->dims[i].nev;
    evidence_rows er = {run_id, a, 0, 0};
    return insert_rows(s,
                       "INSERT INTO evidence(run_id, dimension, ordinal, segment_id, source, "
                       "locator, quote, participant, indicator, direction, level, voice, facet, "
                       "weight) VALUES",
                       "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", 14, n, bind_evidence_row, &er,
                       "bind evidence", err);
}

/* Every score first, then the evidence: an evidence row's foreign key
 * needs its score row, and scores (WITHOUT ROWID) come out the same in
 * any order. */
art_status save_scores(art_store *s, long long run_id, const art_assessment *a,
                              art_error *err)
{
    sqlite3_stmt *sc;
    art_status r = db_prepare(s,
                              "INSERT INTO scores(run_id, dimension, ordinal, score, espoused, "
                              "enacted, target, gap, confidence, level, nsources, nvoices, "
                              "voice_counts, divergence, divergent, insufficient, level_scores, "
                              "level_counts, dictionary) "
                              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                              &sc, err);
    if (r != ART_OK)
        return r;
    for (size_t i = 0; r == ART_OK && i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        char vc[128];
        voice_counts_text(d, vc, sizeof vc);
        char ls[128], lc[64];
        level_texts(d, ls, sizeof ls, lc, sizeof lc);
        char dc[96];
        snprintf(dc, sizeof dc, "%zu,%zu,%zu,%zu", d->dict_matched[0], d->dict_tokens[0],
                 d->dict_matched[1], d->dict_tokens[1]);
        bool has_dict = !isnan(d->dict_share[0]) || !isnan(d->dict_share[1]);
        if (!db_bind(sc, "itiddddddiiitdiittt", run_id, d->id, (long long)i, d->score,
                     d->espoused, d->enacted, d->target, d->gap, d->confidence,
                     (long long)d->level, (long long)d->nsources, (long long)d->nvoices, vc,
                     d->divergence, (long long)d->divergent, (long long)d->insufficient, ls, lc,
                     has_dict ? dc : NULL))
            r = db_error(s, err, "bind score");
        else
            r = db_step_done(s, sc, err);
    }
    sqlite3_finalize(sc);
    if (r == ART_OK)
        r = save_evidence(s, run_id, a, err);
    return r;
}

art_status art_store_save_assessment(art_store *s, const art_assessment *a,
                                     const char *rubric_xml, size_t rubric_len, art_error *err)
{
    long long site_id, round_id, run_id;
    char gap_text[32];
    snprintf(gap_text, sizeof gap_text, "%.6g", a->gap_threshold);
    /* 16 MiB of page cache (taken only as used) for the save, SQLite's 2 MiB
     * otherwise: a save dirties some 850 pages (3.4 MB of evidence and
     * ladder) while its foreign keys probe the segments; in 2 MiB the dirty
     * pages were spilled to the WAL half way, then written again, and the
     * probed pages read again and again (12,500 reads and writes for one
     * save, 2,400 with the larger cache). */
    art_status r = db_exec(s, "PRAGMA cache_size = -16384", err);
    if (r == ART_OK)
        r = db_exec(s, "BEGIN IMMEDIATE", err);
    if (r != ART_OK)
        return r;
    if ((r = ensure_site(s, a->site, &site_id, err)) == ART_OK &&
        (r = ensure_round(s, site_id, a->round, &round_id, err)) == ART_OK &&
        (r = save_rubric(s, a, rubric_xml, rubric_len, err)) == ART_OK &&
        (r = insert_returning_id(s,
                                 "INSERT INTO rubric_runs(round_id, rubric_sha256, artefact_version, "
                                 "code_map, gap_threshold, inputs_sha256) VALUES (?, ?, ?, ?, ?, ?)",
                                 "itttt" "t", &run_id, err, round_id, a->rubric_sha256, ART_VERSION,
                                 a->code_map, gap_text,
                                 a->inputs_sha256[0] ? a->inputs_sha256 : NULL)) ==
            ART_OK &&
        (r = save_plugins(s, run_id, a, err)) == ART_OK &&
        (r = save_scores(s, run_id, a, err)) == ART_OK)
        r = save_ladder(s, run_id, a, err);
    if (r == ART_OK)
        r = db_exec(s, "COMMIT", err);
    if (r != ART_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    /* Back to the default, which also gives the pages back. */
    sqlite3_exec(s->db, "PRAGMA cache_size = -2000", NULL, NULL, NULL);
    return r;
}

/* Append every row of a query (columns as text) to b.  ?1 is the round or
 * the site; ?2 and ?3, where the query has them, the round's segment ids. */
static art_status digest_rows(art_store *s, const char *sql, long long id, const seg_span *sp,
                              art_buf *b, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, sql, &st, err);
    if (r != ART_OK)
        return r;
    int nparams = sqlite3_bind_parameter_count(st);
    sqlite3_bind_int64(st, 1, id);
    if (nparams >= 3) {
        sqlite3_bind_int64(st, 2, sp->min_id);
        sqlite3_bind_int64(st, 3, sp->max_id);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const char *v = col_text(st, c);
            art_buf_puts(b, v ? v : "-");
            art_buf_putc(b, c + 1 < sqlite3_column_count(st) ? '\t' : '\n');
        }
    }
    if (rc != SQLITE_DONE)
        r = db_error(s, err, "inputs digest");
    sqlite3_finalize(st);
    return r;
}

art_status art_store_inputs_digest(art_store *s, const char *site, const char *round,
                                   const char *salt, char out[65], art_error *err)
{
    /* What the scores depend on, cheaply: no segment's text is read.  A
     * source is its bytes (sha256), and its segments are cut from them once,
     * at ingest; afterwards only a purge changes them, and a purge always
     * deletes a participant, which the participants' part sees.  The count
     * and the id range of the round's segments catch a source re-ingested
     * after its site was purged.  Names are not hashed, only their length:
     * the digest stays in the store after a purge. */
    static const struct { bool by_site; const char *sql; } PARTS[] = {
        {false, "SELECT s.sha256 FROM sources s JOIN round_sources rs ON rs.source_id = s.id "
                "WHERE rs.round_id = ?1 ORDER BY s.sha256"},
        /* codings_segment over the id range, not every segment of the round */
        {false, "SELECT count(*), total(c.code_id), total(c.segment_id), "
                "total(length(c.coder)) FROM codings c "
                "CROSS JOIN segments g ON g.id = c.segment_id "
                "CROSS JOIN round_sources rs ON rs.source_id = g.source_id AND rs.round_id = ?1 "
                "WHERE c.segment_id BETWEEN ?2 AND ?3"},
        {true, "SELECT id, pseudonym, voice, length(name) FROM participants "
               "WHERE site_id = ?1 ORDER BY id"},
        {true, "SELECT count(*), total(length(path)), max(id) FROM codes WHERE site_id = ?1"},
    };
    long long site_id = 0, round_id = 0;
    seg_span sp;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r == ART_OK)
        r = round_span(s, site_id, round_id, &sp, err);
    if (r != ART_OK)
        return r;
    art_buf b;
    art_buf_init(&b);
    art_buf_puts(&b, salt ? salt : "");
    art_buf_putc(&b, '\n');
    art_buf_printf(&b, "%lld\t%lld\t%lld\n", sp.n, sp.min_id, sp.max_id);
    for (size_t i = 0; r == ART_OK && i < sizeof PARTS / sizeof PARTS[0]; i++)
        r = digest_rows(s, PARTS[i].sql, PARTS[i].by_site ? site_id : round_id, &sp, &b, err);
    if (r == ART_OK && b.failed)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK)
        art_sha256_hex(b.data, b.len, out);
    art_buf_free(&b);
    return r;
}

art_status art_store_latest_inputs(art_store *s, const char *site, const char *round,
                                   char out[65], art_error *err)
{
    out[0] = '\0';
    long long site_id = 0, round_id = 0;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    sqlite3_stmt *st;
    if (r == ART_OK)
        r = db_prepare(s, "SELECT inputs_sha256 FROM rubric_runs WHERE round_id = ? "
                          "ORDER BY id DESC LIMIT 1", &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && col_text(st, 0) && strlen(col_text(st, 0)) == 64)
        memcpy(out, col_text(st, 0), 65);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        r = db_error(s, err, "latest run");
    sqlite3_finalize(st);
    return r;
}

static art_status load_run_header(art_store *s, long long round_id, long long *run_id,
                                  art_rubric **rubric, char **code_map, double *gap,
                                  char **origin, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT r.id, b.xml, b.sha256, r.code_map, r.gap_threshold, r.origin "
                              "FROM rubric_runs r "
                              "JOIN rubrics b ON b.sha256 = r.rubric_sha256 "
                              "WHERE r.round_id = ? ORDER BY r.id DESC LIMIT 1",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *run_id = sqlite3_column_int64(st, 0);
        const char *xml = (const char *)sqlite3_column_blob(st, 1);
        int len = sqlite3_column_bytes(st, 1);
        r = art_rubric_load_memory(xml ? xml : "", (size_t)len, ART_STORED_RUBRIC, rubric, err);
        if (r == ART_OK && col_text(st, 3) && !(*code_map = art_strdup(col_text(st, 3))))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        *gap = sqlite3_column_type(st, 4) == SQLITE_NULL ? 15 : sqlite3_column_double(st, 4);
        if (r == ART_OK && col_text(st, 5) && !(*origin = art_strdup(col_text(st, 5))))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        r = art_error_set(err, ART_ERR_NOTFOUND,
                          "%s: this round has not been scored yet (run 'artefact score')", s->path);
    } else {
        r = db_error(s, err, "load run");
    }
    sqlite3_finalize(st);
    return r;
}

void run_counts_format(const art_assessment *a, char *buf, size_t size)
{
    const art_counts *c = &a->counts;
    int n = snprintf(buf, size, "%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld;", c->sources,
                     c->documents, c->interviews, c->segments, c->codes, c->codings,
                     c->participants, c->stories);
    for (int v = 0; v < ART_VOICE_COUNT && n > 0 && (size_t)n < size; v++)
        n += snprintf(buf + n, size - (size_t)n, v ? ",%zu" : "%zu", a->voice_participants[v]);
}

/* Parse what run_counts_format wrote; false (a untouched) when malformed. */
static bool run_counts_parse(const char *text, art_assessment *a)
{
    long long c[8];
    unsigned long long v[ART_VOICE_COUNT];
    const char *p = text;
    for (int i = 0; i < 8 + ART_VOICE_COUNT; i++) {
        char *end;
        errno = 0;
        long long x = strtoll(p, &end, 10);
        char want = i == 7 ? ';' : i == 8 + ART_VOICE_COUNT - 1 ? '\0' : ',';
        if (end == p || errno || x < 0 || *end != want)
            return false;
        if (i < 8)
            c[i] = x;
        else
            v[i - 8] = (unsigned long long)x;
        p = end + (want != '\0');
    }
    a->counts = (art_counts){c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
    for (int i = 0; i < ART_VOICE_COUNT; i++)
        a->voice_participants[i] = (size_t)v[i];
    return true;
}

/* A run imported from a bundle brings the counts of the store it was scored
 * in; they replace this store's (which holds none of its sources). */
static art_status load_run_counts(art_store *s, long long run_id, art_assessment *a,
                                  art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, "SELECT counts, inputs_sha256 FROM rubric_runs WHERE id = ?",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", run_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && col_text(st, 1) && strlen(col_text(st, 1)) == 64)
        memcpy(a->inputs_sha256, col_text(st, 1), 65);
    if (rc == SQLITE_ROW && col_text(st, 0) && !run_counts_parse(col_text(st, 0), a))
        r = art_error_set(err, ART_ERR_STORE, "%s: run %lld has malformed counts", s->path,
                          run_id);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        r = db_error(s, err, "load run counts");
    sqlite3_finalize(st);
    return r;
}

static art_dim_score *dim_by_id(art_assessment *a, const char *id)
{
    for (size_t i = 0; i < a->ndims; i++)
        if (strcmp(a->dims[i].id, id) == 0)
            return &a->dims[i];
    return NULL;
}

static art_status load_scores(art_store *s, long long run_id, art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT dimension, score, espoused, enacted, target, gap, "
                              "confidence, level, nsources, nvoices, voice_counts, divergence, "
                              "divergent, insufficient, level_scores, level_counts, dictionary "
                              "FROM scores WHERE run_id = ? ORDER BY ordinal",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", run_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        art_dim_score *d = dim_by_id(a, col_text(st, 0));
        if (!d)
            continue;
        d->score = col_double_or_nan(st, 1);
        d->espoused = col_double_or_nan(st, 2);
        d->enacted = col_double_or_nan(st, 3);
        d->target = sqlite3_column_double(st, 4);
        d->gap = col_double_or_nan(st, 5);
        d->confidence = sqlite3_column_double(st, 6);
        d->level = sqlite3_column_int(st, 7);
        d->nsources = (size_t)sqlite3_column_int64(st, 8);
        d->nvoices = (size_t)sqlite3_column_int64(st, 9);
        const char *vc = col_text(st, 10);
        for (int v = 0; v < ART_VOICE_COUNT && vc && *vc; v++) {
            d->voice_counts[v] = (size_t)strtoull(vc, (char **)&vc, 10);
            if (*vc == ',')
                vc++;
        }
        d->divergence = col_double_or_nan(st, 11);
        d->divergent = sqlite3_column_int(st, 12);
        d->insufficient = sqlite3_column_int(st, 13);
        parse_level_texts(d, col_text(st, 14), col_text(st, 15));
        const char *dc = col_text(st, 16);
        d->dict_share[0] = d->dict_share[1] = NAN;
        if (dc && sscanf(dc, "%zu,%zu,%zu,%zu", &d->dict_matched[0], &d->dict_tokens[0],
                         &d->dict_matched[1], &d->dict_tokens[1]) == 4)
            for (int f = 0; f < 2; f++)
                d->dict_share[f] = d->dict_tokens[f]
                                       ? (double)d->dict_matched[f] / d->dict_tokens[f]
                                       : NAN;
    }
    if (rc != SQLITE_DONE)
        r = db_error(s, err, "load scores");
    sqlite3_finalize(st);
    return r;
}

bool evidence_from_row(sqlite3_stmt *st, art_evidence *e)
{
    memset(e, 0, sizeof *e);
    e->segment_id = sqlite3_column_int64(st, 1);
    e->source = art_strdup(col_text(st, 2));
    e->locator = art_strdup(col_text(st, 3));
    e->quote = art_strdup(col_text(st, 4));
    e->participant = art_strdup(col_text(st, 5));
    e->indicator = art_strdup(col_text(st, 6));
    e->direction = sqlite3_column_int(st, 7) < 0 ? -1 : 1;
    e->level = art_level_from_id(col_text(st, 8));
    e->voice = art_voice_from_id(col_text(st, 9));
    const char *facet = col_text(st, 10);
    e->facet = facet && strcmp(facet, "enacted") == 0 ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
    e->weight = sqlite3_column_double(st, 11);
    /* a NULL column stays NULL; a copy that failed is out of memory */
    return !((col_text(st, 2) && !e->source) || (col_text(st, 3) && !e->locator) ||
             (col_text(st, 4) && !e->quote) || (col_text(st, 5) && !e->participant) ||
             (col_text(st, 6) && !e->indicator));
}

static art_status load_evidence(art_store *s, long long run_id, art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT " EVIDENCE_COLUMNS " FROM evidence WHERE run_id = ? "
                              "ORDER BY dimension, ordinal",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", run_id);
    int rc;
    art_dim_score *d = NULL;
    size_t cap = 0;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        art_dim_score *nd = dim_by_id(a, col_text(st, 0));
        if (!nd)
            continue;
        if (nd != d) {
            d = nd;
            cap = d->nev;
        }
        if (d->nev == cap) {
            cap = cap ? cap * 2 : 16;
            art_evidence *p = realloc(d->ev, cap * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            d->ev = p;
        }
        if (!evidence_from_row(st, &d->ev[d->nev++]))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load evidence");
    sqlite3_finalize(st);
    return r;
}

static art_status load_plugins(art_store *s, long long run_id, art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT path, name, version, sha256, status, error FROM run_plugins "
                              "WHERE run_id = ? ORDER BY ordinal",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", run_id);
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        art_plugin_result *p = realloc(a->plugins, (a->nplugins + 1) * sizeof *p);
        if (!p) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        a->plugins = p;
        p = &a->plugins[a->nplugins++];
        memset(p, 0, sizeof *p);
        p->path = art_strdup(col_text(st, 0));
        p->name = art_strdup(col_text(st, 1));
        p->version = art_strdup(col_text(st, 2));
        snprintf(p->sha256, sizeof p->sha256, "%s", col_text(st, 3) ? col_text(st, 3) : "");
        const char *status = col_text(st, 4);
        p->status = ART_OK;
        for (int k = ART_OK; k <= ART_ERR_NOTFOUND; k++)
            if (strcmp(status, art_status_name((art_status)k)) == 0)
                p->status = (art_status)k;
        p->error = art_strdup(col_text(st, 5));
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load plugins");
    sqlite3_finalize(st);
    return r;
}

static art_status load_ladder(art_store *s, long long run_id, art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT segment_id, rung, scope, facet, source, locator, quote, "
                              "phrase FROM ladder_items WHERE run_id = ? ORDER BY ordinal",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", run_id);
    art_ladder *l = &a->ladder;
    size_t cap = 0;
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (l->nitems == cap) {
            cap = cap ? cap * 2 : 16;
            art_ladder_item *p = realloc(l->items, cap * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            l->items = p;
        }
        art_ladder_item *it = &l->items[l->nitems++];
        memset(it, 0, sizeof *it);
        it->segment_id = sqlite3_column_int64(st, 0);
        it->rung = sqlite3_column_int(st, 1);
        const char *scope = col_text(st, 2);
        it->scope = strcmp(scope, "micro") == 0       ? ART_SCOPE_MICRO
                    : strcmp(scope, "strategic") == 0 ? ART_SCOPE_STRATEGIC
                                                      : ART_SCOPE_UNKNOWN;
        it->facet = strcmp(col_text(st, 3), "enacted") == 0 ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
        it->source = art_strdup(col_text(st, 4));
        it->locator = art_strdup(col_text(st, 5));
        it->quote = art_strdup(col_text(st, 6));
        it->phrase = art_strdup(col_text(st, 7));
        if (it->rung >= 1 && it->rung <= ART_RUNGS) {
            l->counts[it->rung]++;
            if (it->scope == ART_SCOPE_MICRO)
                l->micro[it->rung]++;
            else if (it->scope == ART_SCOPE_STRATEGIC)
                l->strategic[it->rung]++;
        }
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load ladder");
    sqlite3_finalize(st);
    /* The highest rung with evidence from two passages in two sources. */
    for (int rung = ART_RUNGS; r == ART_OK && rung >= 1 && !l->highest_sustained; rung--) {
        size_t n = 0;
        const char *first = NULL;
        bool two_sources = false;
        for (size_t i = 0; i < l->nitems; i++) {
            if (l->items[i].rung != rung)
                continue;
            n++;
            const char *src = l->items[i].source ? l->items[i].source : "";
            if (!first)
                first = src;
            else if (strcmp(first, src) != 0)
                two_sources = true;
        }
        if (n >= 2 && two_sources)
            l->highest_sustained = rung;
    }
    return r;
}

art_status art_store_load_stories(art_store *s, const char *site, const char *round,
                                  art_story_set **out, art_error *err)
{
    *out = NULL;
    long long site_id, round_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st;
    if ((r = db_prepare(s,
                        "SELECT t.story_id, t.title, t.teller, t.date, t.route, "
                        "t.declared_outcomes, t.text, s.name FROM stories t "
                        "JOIN sources s ON s.id = t.source_id "
                        "JOIN round_sources rs ON rs.source_id = s.id "
                        "WHERE s.site_id = ? AND rs.round_id = ? ORDER BY t.id",
                        &st, err)) != ART_OK)
        return r;
    db_bind(st, "ii", site_id, round_id);
    art_story_set *set = calloc(1, sizeof *set);
    if (!set) {
        sqlite3_finalize(st);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    size_t cap = 0;
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (set->n == cap) {
            cap = cap ? cap * 2 : 8;
            art_story *p = realloc(set->stories, cap * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            set->stories = p;
        }
        art_story *t = &set->stories[set->n++];
        memset(t, 0, sizeof *t);
        t->id = art_strdup(col_text(st, 0));
        t->title = art_strdup(col_text(st, 1));
        t->teller = art_strdup(col_text(st, 2));
        t->date = art_strdup(col_text(st, 3));
        t->route = art_strdup(col_text(st, 4));
        t->text = art_strdup(col_text(st, 6));
        t->source = art_strdup(col_text(st, 7));
        for (const char *d = col_text(st, 5); d && *d;) {
            long k = strtol(d, (char **)&d, 10);
            if (k >= 1 && k <= ART_OUTCOMES && !t->because[k]) {
                t->outcomes[k] = 1;
                t->because[k] = art_strdup("declared");
            }
            while (*d == ',' || *d == ' ')
                d++;
            if (*d && (*d < '0' || *d > '9'))
                break;
        }
        if (!t->text)
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "load stories");
    sqlite3_finalize(st);
    if (r != ART_OK || set->n == 0) {
        art_story_set_free(set);
        set = NULL;
    }
    *out = set;
    return r;
}

art_status art_store_load_assessment(art_store *s, const char *site, const char *round,
                                     art_assessment **out, art_error *err)
{
    *out = NULL;
    long long site_id = 0, round_id = 0, run_id = 0;
    art_rubric *rb = NULL;
    char *code_map = NULL, *origin = NULL;
    double gap = 15;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r == ART_OK)
        r = load_run_header(s, round_id, &run_id, &rb, &code_map, &gap, &origin, err);
    if (r != ART_OK) {
        art_rubric_free(rb);
        free(code_map);
        free(origin);
        return r;
    }
    art_assessment *a = NULL;
    r = art_assessment_from_rubric(rb, site, round, &a, err);
    if (r != ART_OK) {
        art_rubric_free(rb);
        free(code_map);
        free(origin);
        return r;
    }
    a->code_map = code_map;
    a->origin = origin;
    a->gap_threshold = gap;
    /* Stories are tagged with the run's own rubric, so the report says
     * what that rubric saw. */
    r = art_store_load_stories(s, site, round, &a->stories, err);
    if (r == ART_OK && a->stories)
        r = art_stories_tag(rb, a->stories, err);
    art_rubric_free(rb);
    if (r == ART_OK)
        r = load_ladder(s, run_id, a, err);
    if (r == ART_OK)
        r = art_store_voice_counts(s, site, round, a->voice_participants, err);
    if (r == ART_OK)
        r = load_scores(s, run_id, a, err);
    if (r == ART_OK)
        r = load_evidence(s, run_id, a, err);
    if (r == ART_OK)
        r = load_plugins(s, run_id, a, err);
    if (r == ART_OK)
        r = art_store_counts(s, site, round, &a->counts, err);
    if (r == ART_OK)
        r = load_run_counts(s, run_id, a, err);
    if (r == ART_OK)
        r = art_store_load_reviews(s, a, err);
    if (r == ART_OK)
        r = art_store_load_history(s, a, err);
    if (r != ART_OK) {
        art_assessment_free(a);
        return r;
    }
    *out = a;
    return ART_OK;
}

art_status art_store_reveal_names(art_store *s, art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT g.text, p.name FROM segments g "
                              "LEFT JOIN participants p ON p.id = g.participant_id WHERE g.id = ?",
                              &st, err);
    if (r != ART_OK)
        return r;
    for (size_t i = 0; r == ART_OK && i < a->ndims; i++) {
        for (size_t k = 0; r == ART_OK && k < a->dims[i].nev; k++) {
            art_evidence *e = &a->dims[i].ev[k];
            if (e->segment_id <= 0)
                continue;
            db_bind(st, "i", (long long)e->segment_id);
            if (sqlite3_step(st) == SQLITE_ROW) {
                char *quote = art_strdup(col_text(st, 0));
                char *name = art_strdup(col_text(st, 1));
                if (!quote || (col_text(st, 1) && !name)) {
                    free(quote);
                    free(name);
                    r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                } else {
                    free(e->quote);
                    e->quote = quote;
                    if (name) {
                        free(e->participant);
                        e->participant = name;
                    }
                }
            }
            sqlite3_reset(st);
        }
    }
    sqlite3_finalize(st);
    return r;
}

