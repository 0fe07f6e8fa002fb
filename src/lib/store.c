/* The store: one SQLite file holding sites, rounds, sources, segments,
 * codes, codings, participants, and every scored run with its evidence.
 *
 * Every statement is prepared and bound (no SQL is built from input).  Every
 * ingest and every save runs in one IMMEDIATE transaction, so a failure half
 * way leaves the store as it was, and a second writer waits (busy timeout)
 * rather than interleaving. */
#include "internal.h"
#include "store_schema.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ART_MAX_INPUT_BYTES ((size_t)64 << 20)

struct art_store {
    sqlite3 *db;
    char *path;
};

/* ------------------------------------------------------------------ */
/* Small SQLite helpers                                                 */
/* ------------------------------------------------------------------ */

static art_status db_error(art_store *s, art_error *err, const char *what)
{
    return art_error_set(err, ART_ERR_STORE, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static art_status db_exec(art_store *s, const char *sql, art_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        art_error_set(err, ART_ERR_STORE, "%s: %s", s->path, msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return ART_ERR_STORE;
    }
    return ART_OK;
}

static art_status db_prepare(art_store *s, const char *sql, sqlite3_stmt **st, art_error *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_error(s, err, "prepare");
    }
    return ART_OK;
}

/* Bind by a type string: 't' text (NULL ok), 'i' int64, 'd' double (NAN ->
 * NULL), 'n' NULL.  Returns false on a bind failure. */
static bool db_bind(sqlite3_stmt *st, const char *types, ...)
{
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
static art_status db_step_done(art_store *s, sqlite3_stmt *st, art_error *err)
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

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static double col_double_or_nan(sqlite3_stmt *st, int i)
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
    art_status st = create_private_file(path, err);
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
     * so removed interview text does not linger in free pages. */
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

/* ------------------------------------------------------------------ */
/* Sites and rounds                                                     */
/* ------------------------------------------------------------------ */

static art_status lookup_id(art_store *s, const char *sql, const char *types, art_error *err,
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

static art_status find_site(art_store *s, const char *site, long long *id, art_error *err)
{
    art_status r = lookup_id(s, "SELECT id FROM sites WHERE name = ?", "t", err, id, site, NULL);
    if (r == ART_ERR_NOTFOUND)
        art_error_set(err, r, "%s: no site named '%s'", s->path, site);
    return r;
}

static art_status find_round(art_store *s, long long site_id, const char *round, long long *id,
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

static art_status insert_returning_id(art_store *s, const char *sql, const char *types,
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

static art_status ensure_site(art_store *s, const char *site, long long *id, art_error *err)
{
    art_status r = lookup_id(s, "SELECT id FROM sites WHERE name = ?", "t", err, id, site, NULL);
    if (r != ART_ERR_NOTFOUND)
        return r;
    return insert_returning_id(s, "INSERT INTO sites(name) VALUES (?)", "t", id, err, site);
}

static art_status ensure_round(art_store *s, long long site_id, const char *round, long long *id,
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
/* Ingest                                                               */
/* ------------------------------------------------------------------ */

typedef struct ingest_ctx {
    art_store *s;
    long long site_id, round_id;
    art_ingest_stats *stats;
    sqlite3_stmt *ins_segment;
    sqlite3_stmt *ins_coding;
} ingest_ctx;

typedef enum { FMT_UNKNOWN, FMT_TXT, FMT_MD, FMT_HTML, FMT_CSV } file_format;

static file_format format_of(const char *path)
{
    static const struct { const char *ext; file_format f; } tab[] = {
        {".txt", FMT_TXT}, {".text", FMT_TXT}, {".md", FMT_MD}, {".markdown", FMT_MD},
        {".html", FMT_HTML}, {".htm", FMT_HTML}, {".csv", FMT_CSV}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (art_str_ends_with_ci(path, tab[i].ext))
            return tab[i].f;
    return FMT_UNKNOWN;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Does the site already hold a source with these bytes?  Then link it to the
 * round (if it is not yet) and report whether anything changed. */
static art_status link_existing_source(ingest_ctx *c, const char *sha, bool *found,
                                       art_error *err)
{
    long long src_id = 0;
    *found = false;
    sqlite3_stmt *st;
    art_status r;
    if ((r = db_prepare(c->s, "SELECT id FROM sources WHERE site_id = ? AND sha256 = ?", &st,
                        err)) != ART_OK)
        return r;
    db_bind(st, "it", c->site_id, sha);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        src_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return ART_OK;
    if (rc != SQLITE_ROW)
        return db_error(c->s, err, "lookup source");
    *found = true;
    if ((r = db_prepare(c->s, "INSERT OR IGNORE INTO round_sources(round_id, source_id) VALUES (?, ?)",
                        &st, err)) != ART_OK)
        return r;
    db_bind(st, "ii", c->round_id, src_id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(c->s, err, "link source");
    if (sqlite3_changes(c->s->db) > 0)
        c->stats->files_new++;
    else
        c->stats->files_unchanged++;
    return ART_OK;
}

static art_status insert_source(ingest_ctx *c, const char *path, const char *sha, const char *kind,
                                const char *format, const char *title, const char *plain,
                                size_t bytes, long long *id, art_error *err)
{
    art_status r = insert_returning_id(
        c->s,
        "INSERT INTO sources(site_id, sha256, kind, format, path, name, title, plain_text, bytes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        "ittttttti", id, err, c->site_id, sha, kind, format, path, base_name(path), title, plain,
        (long long)bytes);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st;
    if ((r = db_prepare(c->s, "INSERT INTO round_sources(round_id, source_id) VALUES (?, ?)", &st,
                        err)) != ART_OK)
        return r;
    db_bind(st, "ii", c->round_id, *id);
    r = db_step_done(c->s, st, err);
    sqlite3_finalize(st);
    if (r == ART_OK)
        c->stats->files_new++;
    return r;
}

static art_status insert_segment(ingest_ctx *c, long long source_id, long ordinal, int paragraph,
                                 int sentence, long start, long end, const char *block,
                                 const char *document, long long participant_id,
                                 const char *text, long long *seg_id, art_error *err)
{
    sqlite3_stmt *st = c->ins_segment;
    if (!db_bind(st, "iiiiiittit", source_id, (long long)ordinal, (long long)paragraph,
                 (long long)sentence, (long long)start, (long long)end, block, document,
                 participant_id, text))
        return db_error(c->s, err, "bind segment");
    if (participant_id <= 0)
        sqlite3_bind_null(st, 9);
    art_status r = db_step_done(c->s, st, err);
    if (r == ART_OK) {
        *seg_id = sqlite3_last_insert_rowid(c->s->db);
        c->stats->segments++;
    }
    return r;
}

static art_status ingest_document(ingest_ctx *c, const char *path, const char *sha,
                                  const char *data, size_t len, file_format fmt, art_error *err)
{
    art_document *doc = NULL;
    const char *name = path;
    art_status r;
    switch (fmt) {
    case FMT_TXT: r = art_doc_parse_text(data, len, name, &doc, err); break;
    case FMT_MD: r = art_doc_parse_markdown(data, len, name, &doc, err); break;
    default: r = art_doc_parse_html(data, len, name, &doc, err); break;
    }
    if (r != ART_OK)
        return r;
    long long src_id, seg_id;
    r = insert_source(c, path, sha, "document", doc->format, doc->title, doc->plain_text, len,
                      &src_id, err);
    for (size_t i = 0; r == ART_OK && i < doc->nsegs; i++) {
        const art_segment *sg = &doc->segs[i];
        r = insert_segment(c, src_id, (long)i, sg->paragraph, sg->sentence, sg->start, sg->end,
                           art_block_kind_id(sg->block), NULL, 0, sg->text, &seg_id, err);
    }
    art_document_free(doc);
    return r;
}

/* Participants get P01, P02... in order of first appearance in the site. */
static art_status ensure_participant(ingest_ctx *c, const art_participant_info *p,
                                     long long *id, art_error *err)
{
    art_status r = ART_OK;
    sqlite3_stmt *st;
    if ((r = db_prepare(c->s, "SELECT id FROM participants WHERE site_id = ? AND name = ?", &st,
                        err)) != ART_OK)
        return r;
    db_bind(st, "it", c->site_id, p->name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return ART_OK;
    if (rc != SQLITE_DONE)
        return db_error(c->s, err, "lookup participant");

    long long n = 0;
    if ((r = db_prepare(c->s, "SELECT count(*) FROM participants WHERE site_id = ?", &st, err)) !=
        ART_OK)
        return r;
    db_bind(st, "i", c->site_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    char pseudo[32];
    snprintf(pseudo, sizeof pseudo, "P%02lld", n + 1);

    const char *role = art_participant_attr(p, "role");
    const char *sector = art_participant_attr(p, "sector");
    art_voice v = art_voice_classify(role, sector);
    if (v == ART_VOICE_UNKNOWN) {
        /* No role/sector columns: try every attribute value (CaseVar_*). */
        for (size_t i = 0; i < p->nattrs && (v == ART_VOICE_UNKNOWN || v == ART_VOICE_OTHER); i++)
            v = art_voice_classify(p->attrs[i].value, NULL);
    }
    if ((r = insert_returning_id(
             c->s, "INSERT INTO participants(site_id, name, pseudonym, voice) VALUES (?, ?, ?, ?)",
             "ittt", id, err, c->site_id, p->name, pseudo, art_voice_id(v))) != ART_OK)
        return r;
    if ((r = db_prepare(c->s,
                        "INSERT OR IGNORE INTO participant_attrs(participant_id, name, value) "
                        "VALUES (?, ?, ?)",
                        &st, err)) != ART_OK)
        return r;
    for (size_t i = 0; r == ART_OK && i < p->nattrs; i++) {
        if (!p->attrs[i].value || !*p->attrs[i].value)
            continue;
        db_bind(st, "itt", *id, p->attrs[i].name, p->attrs[i].value);
        r = db_step_done(c->s, st, err);
    }
    sqlite3_finalize(st);
    return r;
}

/* Codes are a tree: "A/B/C" makes A, A/B and A/B/C. */
static art_status ensure_code(ingest_ctx *c, const char *path, long long *id, art_error *err)
{
    art_status r = ART_OK;
    long long parent = 0;
    size_t n = strlen(path);
    for (size_t i = 0; i <= n && r == ART_OK; i++) {
        if (i < n && path[i] != '/')
            continue;
        if (i == 0 || (i < n && path[i - 1] == '/'))
            continue;
        char *prefix = art_strndup(path, i);
        if (!prefix)
            return art_error_set(err, ART_ERR_NOMEM, "out of memory");
        const char *leaf = strrchr(prefix, '/');
        leaf = leaf ? leaf + 1 : prefix;
        sqlite3_stmt *st;
        if ((r = db_prepare(c->s, "SELECT id FROM codes WHERE site_id = ? AND path = ?", &st, err)) ==
            ART_OK) {
            db_bind(st, "it", c->site_id, prefix);
            int rc = sqlite3_step(st);
            long long got = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
            sqlite3_finalize(st);
            if (rc == SQLITE_ROW) {
                parent = got;
            } else if (rc != SQLITE_DONE) {
                r = db_error(c->s, err, "lookup code");
            } else if (parent) {
                r = insert_returning_id(
                    c->s, "INSERT INTO codes(site_id, parent_id, name, path) VALUES (?, ?, ?, ?)",
                    "iitt", &parent, err, c->site_id, parent, leaf, prefix);
            } else {
                r = insert_returning_id(
                    c->s, "INSERT INTO codes(site_id, name, path) VALUES (?, ?, ?)", "itt",
                    &parent, err, c->site_id, leaf, prefix);
            }
        }
        free(prefix);
    }
    *id = parent;
    if (r == ART_OK && parent == 0)
        return art_error_set(err, ART_ERR_FORMAT, "empty code path");
    return r;
}

/* One coded excerpt may be coded several times (several codes, several
 * coders): it becomes one segment with several codings. */
static art_status find_coded_segment(ingest_ctx *c, long long src_id, const art_coded_segment *it,
                                     long long participant_id, long long *seg_id, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(c->s,
                              "SELECT id FROM segments WHERE source_id = ? AND text = ? AND "
                              "document IS ? AND participant_id IS ?",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "itti", src_id, it->text, it->document, participant_id);
    if (participant_id <= 0)
        sqlite3_bind_null(st, 4);
    int rc = sqlite3_step(st);
    *seg_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(c->s, err, "lookup segment");
    return ART_OK;
}

static const art_participant_info *participant_info(const art_coded_set *set, const char *name)
{
    for (size_t i = 0; name && i < set->nparticipants; i++)
        if (set->participants[i].name && strcmp(set->participants[i].name, name) == 0)
            return &set->participants[i];
    return NULL;
}

static art_status ingest_coded(ingest_ctx *c, const char *path, const char *sha, const char *data,
                               size_t len, art_error *err)
{
    art_coded_set *set = NULL;
    art_status r = art_coded_parse_csv(data, len, path, &set, err);
    if (r != ART_OK)
        return r;
    long long src_id;
    r = insert_source(c, path, sha, "interview", set->format, NULL, NULL, len, &src_id, err);
    long ordinal = 0;
    for (size_t i = 0; r == ART_OK && i < set->nitems; i++) {
        const art_coded_segment *it = &set->items[i];
        long long pid = 0, seg_id = 0, code_id = 0;
        if (it->participant && *it->participant) {
            const art_participant_info *pi = participant_info(set, it->participant);
            art_participant_info bare = {(char *)it->participant, NULL, 0};
            r = ensure_participant(c, pi ? pi : &bare, &pid, err);
        }
        if (r == ART_OK)
            r = find_coded_segment(c, src_id, it, pid, &seg_id, err);
        if (r == ART_OK && seg_id == 0) {
            long cps = art_utf8_count(it->text, strlen(it->text));
            r = insert_segment(c, src_id, ordinal++, (int)(it->row - 1), 0, 0, cps, "excerpt",
                               it->document, pid, it->text, &seg_id, err);
        }
        if (r == ART_OK && it->code_path && *it->code_path)
            r = ensure_code(c, it->code_path, &code_id, err);
        if (r == ART_OK && code_id) {
            sqlite3_stmt *st = c->ins_coding;
            db_bind(st, "iitit", seg_id, code_id, it->coder, pid, it->memo);
            if (pid <= 0)
                sqlite3_bind_null(st, 4);
            if ((r = db_step_done(c->s, st, err)) == ART_OK)
                c->stats->codings++;
        }
        if (r != ART_OK && err && !strstr(err->message, path)) {
            char msg[ART_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", err->message);
            art_error_set(err, r, "%s: row %ld: %s", path, it->row, msg);
        }
    }
    art_coded_set_free(set);
    return r;
}

static art_status ingest_file(ingest_ctx *c, const char *path, art_error *err)
{
    file_format fmt = format_of(path);
    if (fmt == FMT_UNKNOWN) {
        const char *dot = strrchr(base_name(path), '.');
        return art_error_set(err, ART_ERR_UNSUPPORTED,
                             "%s: unsupported file type '%s' (artefact reads .txt, .md, .html, "
                             ".htm and coded-interview .csv)",
                             path, dot ? dot : "(none)");
    }
    char *data;
    size_t len;
    art_status r = art_read_file(path, ART_MAX_INPUT_BYTES, &data, &len, err);
    if (r != ART_OK)
        return r;
    c->stats->files_seen++;
    char sha[65];
    art_sha256_hex(data, len, sha);
    bool found;
    r = link_existing_source(c, sha, &found, err);
    if (r == ART_OK && !found)
        r = fmt == FMT_CSV ? ingest_coded(c, path, sha, data, len, err)
                           : ingest_document(c, path, sha, data, len, fmt, err);
    free(data);
    return r;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files a directory walk leaves alone: hidden files, the site's README. */
static bool skip_in_walk(const char *name)
{
    if (name[0] == '.')
        return true;
    return strncasecmp(name, "readme", 6) == 0;
}

static art_status ingest_path(ingest_ctx *c, const char *path, int depth, art_error *err);

static art_status ingest_dir(ingest_ctx *c, const char *path, int depth, art_error *err)
{
    if (depth > 16)
        return art_error_set(err, ART_ERR_LIMIT, "%s: folders nested too deeply", path);
    DIR *d = opendir(path);
    if (!d)
        return art_error_set(err, ART_ERR_IO, "%s: cannot open folder: %s", path, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    art_status r = ART_OK;
    struct dirent *e;
    while (r == ART_OK && (e = readdir(d)) != NULL) {
        if (skip_in_walk(e->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **p = realloc(names, cap * sizeof *names);
            if (!p) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            names = p;
        }
        art_buf b;
        art_buf_init(&b);
        art_buf_printf(&b, "%s/%s", path, e->d_name);
        if (!(names[n] = art_buf_steal(&b)))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        else
            n++;
    }
    closedir(d);
    /* Sorted, so ids and pseudonyms come out the same on every machine. */
    if (r == ART_OK)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; r == ART_OK && i < n; i++)
        r = ingest_path(c, names[i], depth + 1, err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return r;
}

static art_status ingest_path(ingest_ctx *c, const char *path, int depth, art_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return art_error_set(err, ART_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return ingest_dir(c, path, depth, err);
    if (!S_ISREG(st.st_mode))
        return art_error_set(err, ART_ERR_IO, "%s: not a regular file", path);
    return ingest_file(c, path, err);
}

art_status art_store_ingest(art_store *s, const char *site, const char *round,
                            const char *const *paths, size_t npaths, art_ingest_stats *stats,
                            art_error *err)
{
    art_ingest_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!site || !*site || !round || !*round)
        return art_error_set(err, ART_ERR_USAGE, "a site name and a round label are required");
    art_status r = db_exec(s, "BEGIN IMMEDIATE", err);
    if (r != ART_OK)
        return r;
    ingest_ctx c = {.s = s, .stats = stats};
    if ((r = ensure_site(s, site, &c.site_id, err)) == ART_OK &&
        (r = ensure_round(s, c.site_id, round, &c.round_id, err)) == ART_OK &&
        (r = db_prepare(s,
                        "INSERT INTO segments(source_id, ordinal, paragraph, sentence, start_cp, "
                        "end_cp, block, document, participant_id, text) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        &c.ins_segment, err)) == ART_OK &&
        (r = db_prepare(s,
                        "INSERT INTO codings(segment_id, code_id, coder, participant_id, memo) "
                        "VALUES (?, ?, ?, ?, ?)",
                        &c.ins_coding, err)) == ART_OK) {
        for (size_t i = 0; r == ART_OK && i < npaths; i++)
            r = ingest_path(&c, paths[i], 0, err);
    }
    sqlite3_finalize(c.ins_segment);
    sqlite3_finalize(c.ins_coding);
    if (r == ART_OK)
        r = db_exec(s, "COMMIT", err);
    if (r != ART_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        art_ingest_stats zero = {0};
        *stats = zero;
    }
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
            "SELECT count(*) FROM sources WHERE kind = 'document'",
            "SELECT count(*) FROM sources WHERE kind = 'interview'",
            "SELECT count(*) FROM segments", "SELECT count(*) FROM codes",
            "SELECT count(*) FROM codings", "SELECT count(*) FROM participants"};
        long long *dst[] = {&out->sources, &out->documents, &out->interviews, &out->segments,
                            &out->codes, &out->codings, &out->participants};
        for (size_t i = 0; i < 7; i++)
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
        SRC_SCOPE(" AND s.kind = 'document'"),
        SRC_SCOPE(" AND s.kind = 'interview'"),
        round ? "SELECT count(*) FROM segments g JOIN sources s ON s.id = g.source_id JOIN "
                "round_sources rs ON rs.source_id = s.id WHERE s.site_id = ? AND rs.round_id = ?"
              : "SELECT count(*) FROM segments g JOIN sources s ON s.id = g.source_id WHERE "
                "s.site_id = ?",
        "SELECT count(*) FROM codes WHERE site_id = ?",
        round ? "SELECT count(*) FROM codings k JOIN segments g ON g.id = k.segment_id JOIN "
                "sources s ON s.id = g.source_id JOIN round_sources rs ON rs.source_id = s.id "
                "WHERE s.site_id = ? AND rs.round_id = ?"
              : "SELECT count(*) FROM codings k JOIN segments g ON g.id = k.segment_id JOIN "
                "sources s ON s.id = g.source_id WHERE s.site_id = ?",
        "SELECT count(*) FROM participants WHERE site_id = ?"};
#undef SRC_SCOPE
    long long *dst[] = {&out->sources, &out->documents, &out->interviews, &out->segments,
                        &out->codes, &out->codings, &out->participants};
    for (size_t i = 0; i < 7; i++)
        if ((r = count_query(s, q[i], site_id, round_id, dst[i], err)) != ART_OK)
            return r;
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
/* Corpus (what plugins see), with names pseudonymised                  */
/* ------------------------------------------------------------------ */

typedef struct name_map {
    char **names;    /* full names and name tokens */
    char **pseudos;  /* what replaces them */
    bool *exact_case;/* tokens must match case (so "Will" spares "will") */
    size_t n, cap;
} name_map;

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

static void name_map_free(name_map *m)
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

static art_status load_name_map(art_store *s, long long site_id, name_map *m, art_error *err)
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

/* Replace whole-word occurrences of every name in text.  Returns a malloc'd
 * string, or NULL when out of memory. */
static char *pseudonymise(const name_map *m, const char *text)
{
    art_buf b;
    art_buf_init(&b);
    size_t n = strlen(text);
    for (size_t i = 0; i < n;) {
        bool replaced = false;
        if (i == 0 || !is_word_byte((unsigned char)text[i - 1])) {
            for (size_t k = 0; k < m->n && !replaced; k++) {
                size_t len = strlen(m->names[k]);
                if (len > n - i)
                    continue;
                bool eq = m->exact_case[k] ? strncmp(text + i, m->names[k], len) == 0
                                           : strncasecmp(text + i, m->names[k], len) == 0;
                if (eq && (i + len == n || !is_word_byte((unsigned char)text[i + len]) ||
                           text[i + len] == '\'')) {
                    art_buf_puts(&b, m->pseudos[k]);
                    i += len;
                    replaced = true;
                }
            }
        }
        if (!replaced)
            art_buf_putc(&b, text[i++]);
    }
    return art_buf_steal(&b);
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

static art_status load_segments(art_store *s, corpus_build *cb, long long site_id,
                                long long round_id, const name_map *names, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(
        s,
        "SELECT g.id, s.kind, s.name, g.document, g.paragraph, g.sentence, g.start_cp, "
        "  g.end_cp, g.text, p.pseudonym, p.name, p.voice "
        "FROM segments g JOIN sources s ON s.id = g.source_id "
        "JOIN round_sources rs ON rs.source_id = s.id "
        "LEFT JOIN participants p ON p.id = g.participant_id "
        "WHERE s.site_id = ? AND rs.round_id = ? ORDER BY g.id",
        &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "ii", site_id, round_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if ((r = corpus_grow(cb, err)) != ART_OK)
            break;
        art_seg_view *v = &cb->c->segs[cb->c->nsegs];
        memset(v, 0, sizeof *v);
        bool interview = strcmp(col_text(st, 1), "interview") == 0;
        v->id = sqlite3_column_int64(st, 0);
        v->kind = interview ? ART_SRC_INTERVIEW : ART_SRC_DOCUMENT;
        v->source = art_arena_strdup(cb->arena, col_text(st, 2));
        v->document = art_arena_strdup(cb->arena, col_text(st, 3));
        v->paragraph = sqlite3_column_int(st, 4);
        v->sentence = sqlite3_column_int(st, 5);
        v->start = (long)sqlite3_column_int64(st, 6);
        v->end = (long)sqlite3_column_int64(st, 7);
        v->level = interview ? ART_LEVEL_ASSUMPTION : ART_LEVEL_ESPOUSED;
        v->voice = art_voice_from_id(col_text(st, 11));
        const char *who = names ? col_text(st, 9) : col_text(st, 10);
        v->participant = art_arena_strdup(cb->arena, who);
        char *text = names ? pseudonymise(names, col_text(st, 8)) : art_strdup(col_text(st, 8));
        v->text = text ? art_arena_strdup(cb->arena, text) : NULL;
        free(text);
        art_buf loc;
        art_buf_init(&loc);
        if (interview)
            art_buf_printf(&loc, "%s%srow %d", v->document ? v->document : "",
                           v->document ? ", " : "", v->paragraph + 1);
        else
            art_buf_printf(&loc, "para %d, sentence %d, chars %ld-%ld", v->paragraph + 1,
                           v->sentence + 1, v->start, v->end);
        v->locator = loc.failed ? NULL : art_arena_strdup(cb->arena, loc.data);
        art_buf_free(&loc);
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
        r = load_name_map(s, site_id, &names, err);
    if (r == ART_OK)
        r = load_segments(s, &cb, site_id, round_id, reveal ? NULL : &names, err);
    if (r == ART_OK)
        r = attach_codes(s, c, arena, site_id, round_id, err);
    name_map_free(&names);
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

/* ------------------------------------------------------------------ */
/* Assessments                                                          */
/* ------------------------------------------------------------------ */

static art_status save_rubric(art_store *s, const art_assessment *a, const char *xml, size_t len,
                              art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "INSERT OR IGNORE INTO rubrics(sha256, rubric_id, version, title, xml) "
                              "VALUES (?, ?, ?, ?, ?)",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "tttt", a->rubric_sha256, a->rubric_id, a->rubric_version, a->rubric_title);
    sqlite3_bind_text(st, 5, xml, (int)len, SQLITE_TRANSIENT);
    r = db_step_done(s, st, err);
    sqlite3_finalize(st);
    return r;
}

static art_status save_plugins(art_store *s, long long run_id, const art_assessment *a,
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

static art_status save_scores(art_store *s, long long run_id, const art_assessment *a,
                              art_error *err)
{
    sqlite3_stmt *sc, *ev = NULL;
    art_status r = db_prepare(s,
                              "INSERT INTO scores(run_id, dimension, ordinal, score, espoused, "
                              "enacted, target, gap, confidence, level, nsources, nvoices, "
                              "voice_counts) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                              &sc, err);
    if (r != ART_OK)
        return r;
    if ((r = db_prepare(s,
                        "INSERT INTO evidence(run_id, dimension, ordinal, segment_id, source, "
                        "locator, quote, participant, indicator, direction, level, voice, facet, "
                        "weight) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        &ev, err)) != ART_OK) {
        sqlite3_finalize(sc);
        return r;
    }
    for (size_t i = 0; r == ART_OK && i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        char vc[128];
        voice_counts_text(d, vc, sizeof vc);
        db_bind(sc, "itidddddiiiit", run_id, d->id, (long long)i, d->score, d->espoused,
                d->enacted, d->target, d->gap, d->confidence, (long long)d->level,
                (long long)d->nsources, (long long)d->nvoices, vc);
        r = db_step_done(s, sc, err);
        for (size_t k = 0; r == ART_OK && k < d->nev; k++) {
            const art_evidence *e = &d->ev[k];
            db_bind(ev, "itiittttt", run_id, d->id, (long long)k, (long long)e->segment_id,
                    e->source, e->locator, e->quote, e->participant, e->indicator);
            if (e->segment_id <= 0)
                sqlite3_bind_null(ev, 4);
            sqlite3_bind_int(ev, 10, e->direction < 0 ? -1 : 1);
            sqlite3_bind_text(ev, 11, art_level_id(e->level), -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 12, art_voice_id(e->voice), -1, SQLITE_STATIC);
            sqlite3_bind_text(ev, 13, art_facet_id(e->facet), -1, SQLITE_STATIC);
            sqlite3_bind_double(ev, 14, e->weight);
            r = db_step_done(s, ev, err);
        }
    }
    sqlite3_finalize(sc);
    sqlite3_finalize(ev);
    return r;
}

art_status art_store_save_assessment(art_store *s, const art_assessment *a,
                                     const char *rubric_xml, size_t rubric_len, art_error *err)
{
    long long site_id, round_id, run_id;
    art_status r = db_exec(s, "BEGIN IMMEDIATE", err);
    if (r != ART_OK)
        return r;
    if ((r = ensure_site(s, a->site, &site_id, err)) == ART_OK &&
        (r = ensure_round(s, site_id, a->round, &round_id, err)) == ART_OK &&
        (r = save_rubric(s, a, rubric_xml, rubric_len, err)) == ART_OK &&
        (r = insert_returning_id(s,
                                 "INSERT INTO rubric_runs(round_id, rubric_sha256, artefact_version) "
                                 "VALUES (?, ?, ?)",
                                 "itt", &run_id, err, round_id, a->rubric_sha256, ART_VERSION)) ==
            ART_OK &&
        (r = save_plugins(s, run_id, a, err)) == ART_OK)
        r = save_scores(s, run_id, a, err);
    if (r == ART_OK)
        r = db_exec(s, "COMMIT", err);
    if (r != ART_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

static art_status load_run_header(art_store *s, long long round_id, long long *run_id,
                                  art_rubric **rubric, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT r.id, b.xml, b.sha256 FROM rubric_runs r "
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
        r = art_rubric_load_memory(xml ? xml : "", (size_t)len, "stored rubric", rubric, err);
    } else if (rc == SQLITE_DONE) {
        r = art_error_set(err, ART_ERR_NOTFOUND,
                          "%s: this round has not been scored yet (run 'artefact score')", s->path);
    } else {
        r = db_error(s, err, "load run");
    }
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
                              "confidence, level, nsources, nvoices, voice_counts "
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
    }
    if (rc != SQLITE_DONE)
        r = db_error(s, err, "load scores");
    sqlite3_finalize(st);
    return r;
}

static art_status load_evidence(art_store *s, long long run_id, art_assessment *a, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT dimension, segment_id, source, locator, quote, participant, "
                              "indicator, direction, level, voice, facet, weight "
                              "FROM evidence WHERE run_id = ? ORDER BY dimension, ordinal",
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
        art_evidence *e = &d->ev[d->nev];
        memset(e, 0, sizeof *e);
        e->segment_id = sqlite3_column_int64(st, 1);
        e->source = art_strdup(col_text(st, 2));
        e->locator = art_strdup(col_text(st, 3));
        e->quote = art_strdup(col_text(st, 4));
        e->participant = art_strdup(col_text(st, 5));
        e->indicator = art_strdup(col_text(st, 6));
        e->direction = sqlite3_column_int(st, 7);
        e->level = art_level_from_id(col_text(st, 8));
        e->voice = art_voice_from_id(col_text(st, 9));
        e->facet = strcmp(col_text(st, 10), "enacted") == 0 ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
        e->weight = sqlite3_column_double(st, 11);
        d->nev++;
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

art_status art_store_load_assessment(art_store *s, const char *site, const char *round,
                                     art_assessment **out, art_error *err)
{
    *out = NULL;
    long long site_id = 0, round_id = 0, run_id = 0;
    art_rubric *rb = NULL;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r == ART_OK)
        r = load_run_header(s, round_id, &run_id, &rb, err);
    if (r != ART_OK)
        return r;
    art_assessment *a = NULL;
    r = art_assessment_from_rubric(rb, site, round, &a, err);
    art_rubric_free(rb);
    if (r != ART_OK)
        return r;
    if (r == ART_OK)
        r = load_scores(s, run_id, a, err);
    if (r == ART_OK)
        r = load_evidence(s, run_id, a, err);
    if (r == ART_OK)
        r = load_plugins(s, run_id, a, err);
    if (r == ART_OK)
        r = art_store_counts(s, site, round, &a->counts, err);
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
