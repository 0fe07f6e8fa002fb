/* The store: one SQLite file holding sites, rounds, sources, segments,
 * codes, codings, participants, and every scored run with its evidence.
 *
 * Every statement is prepared and bound (no SQL is built from input).  Every
 * ingest and every save runs in one IMMEDIATE transaction, so a failure half
 * way leaves the store as it was, and a second writer waits (busy timeout)
 * rather than interleaving. */
#include "store_internal.h"
#include "store_schema.h"

_Static_assert(sizeof art_migrations / sizeof art_migrations[0] == ART_SCHEMA_VERSION,
               "one migration per schema version");

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ART_MAX_INPUT_BYTES ((size_t)64 << 20)

/* ------------------------------------------------------------------ */
/* Small SQLite helpers                                                 */
/* ------------------------------------------------------------------ */

art_status db_error(art_store *s, art_error *err, const char *what)
{
    return art_error_set(err, ART_ERR_STORE, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

art_status db_exec(art_store *s, const char *sql, art_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        art_error_set(err, ART_ERR_STORE, "%s: %s", s->path, msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return ART_ERR_STORE;
    }
    return ART_OK;
}

art_status db_prepare(art_store *s, const char *sql, sqlite3_stmt **st, art_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_error(s, err, "prepare");
    }
    return ART_OK;
}

/* Bind by a type string: 't' text (NULL ok), 'i' int64, 'd' double (NAN ->
 * NULL), 'n' NULL.  Returns false on a bind failure. */
bool db_bind(sqlite3_stmt *st, const char *types, ...)
{
    /* A type string that does not match the statement is a programming
     * error; refuse it rather than read the wrong variadic arguments. */
    if ((int)strlen(types) != sqlite3_bind_parameter_count(st)) {
        assert(!"db_bind: type string does not match the statement");
        return false;
    }
    va_list ap;
    va_start(ap, types);
    int rc = SQLITE_OK;
    for (int i = 0; types[i] && rc == SQLITE_OK; i++) {
        int col = i + 1;
        switch (types[i]) {
        case 't': {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(st, col, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, col);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int64(st, col, va_arg(ap, long long));
            break;
        case 'd': {
            double d = va_arg(ap, double);
            rc = isnan(d) ? sqlite3_bind_null(st, col) : sqlite3_bind_double(st, col, d);
            break;
        }
        default:
            rc = sqlite3_bind_null(st, col);
        }
    }
    va_end(ap);
    return rc == SQLITE_OK;
}

/* Step a write statement to completion and reset it for reuse. */
art_status db_step_done(art_store *s, sqlite3_stmt *st, art_error *err)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        art_status r = db_error(s, err, "write");
        sqlite3_reset(st);
        return r;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ART_OK;
}

const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

double col_double_or_nan(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* ------------------------------------------------------------------ */
/* Open and migrate                                                     */
/* ------------------------------------------------------------------ */

/* Create the file 0600 before SQLite does, so interview data is never
 * readable by others even for a moment (SQLite would use the umask). */
static art_status create_private_file(const char *path, art_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return ART_OK;
        return art_error_set(err, ART_ERR_IO, "%s: cannot create store: %s", path, strerror(errno));
    }
    close(fd);
    return ART_OK;
}

static int user_version(art_store *s)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

static art_status migrate(art_store *s, art_error *err)
{
    int v = user_version(s);
    if (v < 0)
        return db_error(s, err, "not a store (cannot read schema version)");
    if (v > ART_MIGRATIONS)
        return art_error_set(err, ART_ERR_STORE,
                             "%s: store schema version %d is newer than this artefact (%d)",
                             s->path, v, ART_MIGRATIONS);
    for (int i = v; i < ART_MIGRATIONS; i++) {
        art_status st = db_exec(s, "BEGIN IMMEDIATE", err);
        if (st != ART_OK)
            return st;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
        if ((st = db_exec(s, art_migrations[i], err)) != ART_OK ||
            (st = db_exec(s, pragma, err)) != ART_OK) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return st;
        }
        if ((st = db_exec(s, "COMMIT", err)) != ART_OK)
            return st;
    }
    return ART_OK;
}

art_status art_store_open(const char *path, art_store **out, art_error *err)
{
    *out = NULL;
    art_store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = art_strdup(path))) {
        free(s);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    }
    /* ":memory:" is SQLite's private in-memory database (used by
     * `artefact plugins test`): there is no file to create. */
    bool in_memory = strcmp(path, ":memory:") == 0;
    art_status st = in_memory ? ART_OK : create_private_file(path, err);
    if (st != ART_OK) {
        free(s->path);
        free(s);
        return st;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        st = art_error_set(err, ART_ERR_STORE, "%s: cannot open store: %s", path,
                           s->db ? sqlite3_errmsg(s->db) : "out of memory");
        art_store_close(s);
        return st;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 5000);
    /* WAL keeps readers (reports) going while a writer ingests; secure_delete
     * so removed interview text does not linger in free pages.  The page
     * cache stays SQLite's 2 MiB: saving a run takes more for its
     * transaction (art_store_save_assessment); an ingest ran 5% slower
     * and used twice the memory with 16 MiB throughout. */
    if ((st = db_exec(s, "PRAGMA foreign_keys = ON", err)) != ART_OK ||
        (st = db_exec(s, "PRAGMA journal_mode = WAL", err)) != ART_OK ||
        (st = db_exec(s, "PRAGMA synchronous = NORMAL", err)) != ART_OK ||
        (st = db_exec(s, "PRAGMA secure_delete = ON", err)) != ART_OK ||
        (st = migrate(s, err)) != ART_OK) {
        if (st == ART_ERR_STORE && strstr(err ? err->message : "", "not a database"))
            art_error_set(err, ART_ERR_STORE, "%s: not an artefact store (not a SQLite database)",
                          path);
        art_store_close(s);
        return st;
    }
    *out = s;
    return ART_OK;
}

void art_store_close(art_store *s)
{
    if (!s)
        return;
    if (s->db)
        sqlite3_close_v2(s->db);
    free(s->path);
    free(s);
}

int art_store_schema_version(art_store *s) { return user_version(s); }

void art_store_set_jobs(art_store *s, int jobs)
{
    if (s)
        s->jobs = jobs < 0 ? 0 : jobs;
}

void art_store_set_warning_handler(art_store *s, art_warning_fn fn, void *ud)
{
    s->warn = fn;
    s->warn_ud = ud;
}

/* ------------------------------------------------------------------ */
/* Sites and rounds                                                     */
/* ------------------------------------------------------------------ */

art_status lookup_id(art_store *s, const char *sql, const char *types, art_error *err,
                            long long *id, const char *a, const char *b)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, sql, &st, err);
    if (r != ART_OK)
        return r;
    bool ok = types[1] ? db_bind(st, types, a, b) : db_bind(st, types, a);
    if (!ok) {
        sqlite3_finalize(st);
        return db_error(s, err, "bind");
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        r = ART_OK;
    } else if (rc == SQLITE_DONE) {
        r = ART_ERR_NOTFOUND;
    } else {
        r = db_error(s, err, "lookup");
    }
    sqlite3_finalize(st);
    return r;
}

art_status find_site(art_store *s, const char *site, long long *id, art_error *err)
{
    art_status r = lookup_id(s, "SELECT id FROM sites WHERE name = ?", "t", err, id, site, NULL);
    if (r == ART_ERR_NOTFOUND)
        art_error_set(err, r, "%s: no site named '%s'", s->path, site);
    return r;
}

art_status find_round(art_store *s, long long site_id, const char *round, long long *id,
                             art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, "SELECT id FROM rounds WHERE site_id = ? AND label = ?", &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "it", site_id, round);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
    } else if (rc == SQLITE_DONE) {
        r = art_error_set(err, ART_ERR_NOTFOUND, "%s: no round '%s' for this site", s->path, round);
    } else {
        r = db_error(s, err, "lookup round");
    }
    sqlite3_finalize(st);
    return r;
}

art_status insert_returning_id(art_store *s, const char *sql, const char *types,
                                      long long *id, art_error *err, ...)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, sql, &st, err);
    if (r != ART_OK)
        return r;
    va_list ap;
    va_start(ap, err);
    int rc = SQLITE_OK;
    for (int i = 0; types[i] && rc == SQLITE_OK; i++) {
        if (types[i] == 't') {
            const char *v = va_arg(ap, const char *);
            rc = v ? sqlite3_bind_text(st, i + 1, v, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null(st, i + 1);
        } else {
            rc = sqlite3_bind_int64(st, i + 1, va_arg(ap, long long));
        }
    }
    va_end(ap);
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
        r = db_error(s, err, "insert");
    } else {
        *id = sqlite3_last_insert_rowid(s->db);
    }
    sqlite3_finalize(st);
    return r;
}

art_status ensure_site(art_store *s, const char *site, long long *id, art_error *err)
{
    art_status r = lookup_id(s, "SELECT id FROM sites WHERE name = ?", "t", err, id, site, NULL);
    if (r != ART_ERR_NOTFOUND)
        return r;
    return insert_returning_id(s, "INSERT INTO sites(name) VALUES (?)", "t", id, err, site);
}

art_status ensure_round(art_store *s, long long site_id, const char *round, long long *id,
                               art_error *err)
{
    art_error tmp;
    if (find_round(s, site_id, round, id, &tmp) == ART_OK)
        return ART_OK;
    if (tmp.status != ART_ERR_NOTFOUND)
        return art_error_set(err, tmp.status, "%s", tmp.message);
    return insert_returning_id(s, "INSERT INTO rounds(site_id, label) VALUES (?, ?)", "it", id,
                               err, site_id, round);
}

art_status art_store_sites(art_store *s, char ***names, size_t *n, art_error *err)
{
    *names = NULL;
    *n = 0;
    sqlite3_stmt *st;
    art_status r = db_prepare(s, "SELECT name FROM sites ORDER BY name", &st, err);
    if (r != ART_OK)
        return r;
    int rc;
    size_t cap = 0;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            char **p = realloc(*names, cap * sizeof *p);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            *names = p;
        }
        if (!((*names)[*n] = art_strdup(col_text(st, 0))))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        else
            (*n)++;
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "list sites");
    sqlite3_finalize(st);
    if (r != ART_OK) {
        for (size_t i = 0; i < *n; i++)
            free((*names)[i]);
        free(*names);
        *names = NULL;
        *n = 0;
    }
    return r;
}

art_status art_store_latest_round(art_store *s, const char *site, char **out, art_error *err)
{
    *out = NULL;
    long long site_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st;
    if ((r = db_prepare(s, "SELECT label FROM rounds WHERE site_id = ? ORDER BY id DESC LIMIT 1",
                        &st, err)) != ART_OK)
        return r;
    db_bind(st, "i", site_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (!(*out = art_strdup(col_text(st, 0))))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        r = art_error_set(err, ART_ERR_NOTFOUND, "%s: site '%s' has no rounds", s->path, site);
    } else {
        r = db_error(s, err, "latest round");
    }
    sqlite3_finalize(st);
    return r;
}

/* ------------------------------------------------------------------ */
/* Counts and codes                                                     */
/* ------------------------------------------------------------------ */

static art_status count_query(art_store *s, const char *sql, long long site_id, long long round_id,
                              long long *out, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, sql, &st, err);
    if (r != ART_OK)
        return r;
    int nparams = sqlite3_bind_parameter_count(st);
    if (nparams >= 1)
        sqlite3_bind_int64(st, 1, site_id);
    if (nparams >= 2)
        sqlite3_bind_int64(st, 2, round_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        r = db_error(s, err, "count");
    sqlite3_finalize(st);
    return r;
}

/* PRAGMA data_version: changes when another connection commits.  -1 when
 * it cannot be read (then nothing is remembered). */
static long long data_version(art_store *s)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The round's span summed over its sources (migration 9).  A source whose
 * summary is not known (no source_spans row: a statement has added
 * segments to it or removed some since it was summed up) has its segments
 * counted here, through their source index, as every source's were. */
static art_status sum_round_span(art_store *s, long long site_id, long long round_id,
                                 seg_span *out, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(
        s,
        "SELECT total(coalesce(p.nsegments, "
        "  (SELECT count(*) FROM segments g WHERE g.source_id = s.id))), "
        "min(coalesce(p.seg_min, (SELECT min(g.id) FROM segments g WHERE g.source_id = s.id))), "
        "max(coalesce(p.seg_max, (SELECT max(g.id) FROM segments g WHERE g.source_id = s.id))) "
        "FROM sources s JOIN round_sources rs ON rs.source_id = s.id "
        "LEFT JOIN source_spans p ON p.source_id = s.id "
        "WHERE s.site_id = ?1 AND rs.round_id = ?2",
        &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "ii", site_id, round_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->n = (long long)sqlite3_column_double(st, 0);
        if (out->n > 0) {
            out->min_id = sqlite3_column_int64(st, 1);
            out->max_id = sqlite3_column_int64(st, 2);
        }
    } else {
        r = db_error(s, err, "count the round's segments");
    }
    sqlite3_finalize(st);
    return r;
}

art_status store_summarise_sources(art_store *s, long long site_id, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "INSERT INTO source_spans(source_id, nsegments, seg_min, seg_max) "
                              "SELECT s.id, count(g.id), min(g.id), max(g.id) FROM sources s "
                              "LEFT JOIN segments g ON g.source_id = s.id "
                              "WHERE s.site_id = ?1 AND s.id NOT IN "
                              "  (SELECT source_id FROM source_spans) "
                              "GROUP BY s.id",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", site_id);
    r = db_step_done(s, st, err);
    sqlite3_finalize(st);
    return r;
}

art_status round_span(art_store *s, long long site_id, long long round_id, seg_span *out,
                      art_error *err)
{
    out->n = 0;
    out->min_id = 1;
    out->max_id = 0;
    int changes = sqlite3_total_changes(s->db);
    long long dv = data_version(s);
    if (s->span_memo.valid && dv >= 0 && s->span_memo.site_id == site_id &&
        s->span_memo.round_id == round_id && s->span_memo.changes == changes &&
        s->span_memo.data_version == dv) {
        out->n = s->span_memo.n;
        out->min_id = s->span_memo.min_id;
        out->max_id = s->span_memo.max_id;
        return ART_OK;
    }
    s->span_memo.valid = false;
    art_status r = sum_round_span(s, site_id, round_id, out, err);
    if (r == ART_OK && dv >= 0) {
        s->span_memo.valid = true;
        s->span_memo.site_id = site_id;
        s->span_memo.round_id = round_id;
        s->span_memo.n = out->n;
        s->span_memo.min_id = out->min_id;
        s->span_memo.max_id = out->max_id;
        s->span_memo.changes = changes;
        s->span_memo.data_version = dv;
    }
    return r;
}

/* The codings of a round's segments.  Driven by codings_segment over the
 * round's id range (a few thousand codings), not by the round's segments
 * (every one of them, most of them uncoded documents). */
static art_status count_round_codings(art_store *s, long long site_id, long long round_id,
                                      const seg_span *sp, long long *out, art_error *err)
{
    *out = 0;
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT count(*) FROM codings k "
                              "CROSS JOIN segments g ON g.id = k.segment_id "
                              "CROSS JOIN sources s ON s.id = g.source_id AND s.site_id = ?1 "
                              "CROSS JOIN round_sources rs ON rs.source_id = s.id "
                              "AND rs.round_id = ?2 WHERE k.segment_id BETWEEN ?3 AND ?4",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "iiii", site_id, round_id, sp->min_id, sp->max_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        r = db_error(s, err, "count the round's codings");
    sqlite3_finalize(st);
    return r;
}

art_status art_store_counts(art_store *s, const char *site, const char *round, art_counts *out,
                            art_error *err)
{
    memset(out, 0, sizeof *out);
    long long site_id = 0, round_id = 0;
    art_status r;
    if (!site) {
        /* The whole store. */
        static const char *const q[] = {
            "SELECT count(*) FROM sources",
            "SELECT count(*) FROM sources WHERE kind = 'document' AND format NOT LIKE 'story%'",
            "SELECT count(*) FROM sources WHERE kind = 'interview'",
            "SELECT count(*) FROM segments", "SELECT count(*) FROM codes",
            "SELECT count(*) FROM codings", "SELECT count(*) FROM participants",
            "SELECT count(*) FROM stories"};
        long long *dst[] = {&out->sources, &out->documents, &out->interviews, &out->segments,
                            &out->codes, &out->codings, &out->participants, &out->stories};
        for (size_t i = 0; i < 8; i++)
            if ((r = count_query(s, q[i], 0, 0, dst[i], err)) != ART_OK)
                return r;
        return ART_OK;
    }
    if ((r = find_site(s, site, &site_id, err)) != ART_OK)
        return r;
    if (round && (r = find_round(s, site_id, round, &round_id, err)) != ART_OK)
        return r;
    /* With a round: what that round holds.  Without: the whole site. */
#define SRC_SCOPE(extra)                                                                        \
    (round ? "SELECT count(*) FROM sources s JOIN round_sources rs ON rs.source_id = s.id "     \
             "WHERE s.site_id = ? AND rs.round_id = ?" extra                                  \
           : "SELECT count(*) FROM sources s WHERE s.site_id = ?" extra)
    const char *q[] = {
        SRC_SCOPE(""),
        SRC_SCOPE(" AND s.kind = 'document' AND s.format NOT LIKE 'story%'"),
        SRC_SCOPE(" AND s.kind = 'interview'"),
        /* A round's segments and codings: round_span and count_round_codings. */
        round ? NULL
              : "SELECT count(*) FROM segments g JOIN sources s ON s.id = g.source_id WHERE "
                "s.site_id = ?",
        "SELECT count(*) FROM codes WHERE site_id = ?",
        round ? NULL
              : "SELECT count(*) FROM codings k JOIN segments g ON g.id = k.segment_id JOIN "
                "sources s ON s.id = g.source_id WHERE s.site_id = ?",
        "SELECT count(*) FROM participants WHERE site_id = ?",
        round ? "SELECT count(*) FROM stories t JOIN sources s ON s.id = t.source_id JOIN "
                "round_sources rs ON rs.source_id = s.id WHERE s.site_id = ? AND rs.round_id = ?"
              : "SELECT count(*) FROM stories t JOIN sources s ON s.id = t.source_id WHERE "
                "s.site_id = ?"};
#undef SRC_SCOPE
    long long *dst[] = {&out->sources, &out->documents, &out->interviews, &out->segments,
                        &out->codes, &out->codings, &out->participants, &out->stories};
    for (size_t i = 0; i < 8; i++)
        if (q[i] && (r = count_query(s, q[i], site_id, round_id, dst[i], err)) != ART_OK)
            return r;
    if (round) {
        seg_span sp;
        if ((r = round_span(s, site_id, round_id, &sp, err)) != ART_OK ||
            (r = count_round_codings(s, site_id, round_id, &sp, &out->codings, err)) != ART_OK)
            return r;
        out->segments = sp.n;
    }
    return ART_OK;
}

art_status art_store_each_code(art_store *s, const char *site, art_code_cb cb, void *ud,
                               art_error *err)
{
    long long site_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st;
    if ((r = db_prepare(s,
                        "SELECT c.path, c.name, "
                        "  (SELECT count(*) FROM codings k WHERE k.code_id = c.id) "
                        "FROM codes c WHERE c.site_id = ? ORDER BY c.path",
                        &st, err)) != ART_OK)
        return r;
    db_bind(st, "i", site_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        art_code_row row;
        row.path = col_text(st, 0);
        row.name = col_text(st, 1);
        row.depth = 0;
        for (const char *p = row.path; *p; p++)
            row.depth += *p == '/';
        row.ncodings = sqlite3_column_int64(st, 2);
        if (cb(&row, ud) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        r = db_error(s, err, "list codes");
    sqlite3_finalize(st);
    return r;
}


/* ------------------------------------------------------------------ */
/* Voices                                                               */
/* ------------------------------------------------------------------ */

static art_status participant_attrs(art_store *s, sqlite3_stmt *st, long long pid,
                                    art_attr **attrs, size_t *n, art_error *err)
{
    *attrs = NULL;
    *n = 0;
    db_bind(st, "i", pid);
    art_status r = ART_OK;
    while (r == ART_OK && sqlite3_step(st) == SQLITE_ROW) {
        art_attr *a = realloc(*attrs, (*n + 1) * sizeof *a);
        if (!a) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        *attrs = a;
        a[*n].name = art_strdup(col_text(st, 0));
        a[*n].value = art_strdup(col_text(st, 1));
        (*n)++;
        if (!a[*n - 1].name || !a[*n - 1].value)
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    sqlite3_reset(st);
    (void)s;
    return r;
}

static void free_attrs(art_attr *attrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(attrs[i].name);
        free(attrs[i].value);
    }
    free(attrs);
}

art_status art_store_apply_voice_map(art_store *s, const char *site, const art_voice_map *m,
                                     art_error *err)
{
    long long site_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *list = NULL, *attrs = NULL, *upd = NULL;
    if ((r = db_exec(s, "BEGIN IMMEDIATE", err)) != ART_OK)
        return r;
    if ((r = db_prepare(s, "SELECT id FROM participants WHERE site_id = ?", &list, err)) == ART_OK &&
        (r = db_prepare(s, "SELECT name, value FROM participant_attrs WHERE participant_id = ?",
                        &attrs, err)) == ART_OK &&
        (r = db_prepare(s, "UPDATE participants SET voice = ? WHERE id = ?", &upd, err)) == ART_OK) {
        db_bind(list, "i", site_id);
        while (r == ART_OK && sqlite3_step(list) == SQLITE_ROW) {
            long long pid = sqlite3_column_int64(list, 0);
            art_attr *a;
            size_t n;
            if ((r = participant_attrs(s, attrs, pid, &a, &n, err)) == ART_OK) {
                db_bind(upd, "ti", art_voice_id(art_voice_of(m, a, n)), pid);
                r = db_step_done(s, upd, err);
            }
            free_attrs(a, n);
        }
    }
    sqlite3_finalize(list);
    sqlite3_finalize(attrs);
    sqlite3_finalize(upd);
    if (r == ART_OK)
        r = db_exec(s, "COMMIT", err);
    if (r != ART_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

art_status art_store_voice_counts(art_store *s, const char *site, const char *round,
                                  size_t counts[ART_VOICE_COUNT], art_error *err)
{
    memset(counts, 0, ART_VOICE_COUNT * sizeof counts[0]);
    long long site_id, round_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st;
    if ((r = db_prepare(s,
                        /* Per participant, one probe of segments_participant
                         * for a segment in the round: not a walk of every
                         * segment of the round. */
                        "SELECT p.voice, count(*) FROM participants p "
                        "WHERE p.site_id = ?1 AND EXISTS (SELECT 1 FROM segments g "
                        "  CROSS JOIN round_sources rs ON rs.source_id = g.source_id "
                        "  AND rs.round_id = ?2 WHERE g.participant_id = p.id) "
                        "GROUP BY p.voice",
                        &st, err)) != ART_OK)
        return r;
    db_bind(st, "ii", site_id, round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        counts[art_voice_from_id(col_text(st, 0))] += (size_t)sqlite3_column_int64(st, 1);
    if (rc != SQLITE_DONE)
        r = db_error(s, err, "count voices");
    sqlite3_finalize(st);
    return r;
}
