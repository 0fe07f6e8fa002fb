/* Ingest: files and folders into a round of a site, in one transaction. */
#include "store_internal.h"
#include "zip.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define ART_MAX_INPUT_BYTES ((size_t)64 << 20)

/* ------------------------------------------------------------------ */
/* Ingest                                                               */
/* ------------------------------------------------------------------ */

typedef enum {
    FMT_UNKNOWN, FMT_TXT, FMT_MD, FMT_HTML, FMT_DOCX, FMT_ODT, FMT_CSV, FMT_QDPX, FMT_QDE, FMT_QDC
} file_format;

static file_format format_of(const char *path)
{
    static const struct { const char *ext; file_format f; } tab[] = {
        {".txt", FMT_TXT}, {".text", FMT_TXT}, {".md", FMT_MD}, {".markdown", FMT_MD},
        {".html", FMT_HTML}, {".htm", FMT_HTML}, {".docx", FMT_DOCX}, {".odt", FMT_ODT},
        {".csv", FMT_CSV}, {".qdpx", FMT_QDPX}, {".qde", FMT_QDE}, {".qdc", FMT_QDC}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (art_str_ends_with_ci(path, tab[i].ext))
            return tab[i].f;
    return FMT_UNKNOWN;
}

const char *ingest_base_name(const char *path)
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
    /* A file is either one source (sha256) or a container of several
     * (container_sha256, e.g. a .qdpx): link every source it gave. */
    if ((r = db_prepare(c->s,
                        "INSERT OR IGNORE INTO round_sources(round_id, source_id) "
                        "SELECT ?, id FROM sources WHERE site_id = ? AND "
                        "(sha256 = ? OR container_sha256 = ?)",
                        &st, err)) != ART_OK)
        return r;
    db_bind(st, "iitt", c->round_id, c->site_id, sha, sha);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(c->s, err, "link source");
    int linked = sqlite3_changes(c->s->db);
    if ((r = db_prepare(c->s,
                        "SELECT count(*) FROM sources WHERE site_id = ? AND "
                        "(sha256 = ? OR container_sha256 = ?)",
                        &st, err)) != ART_OK)
        return r;
    db_bind(st, "itt", c->site_id, sha, sha);
    rc = sqlite3_step(st);
    src_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_error(c->s, err, "lookup source");
    if (src_id == 0)
        return ART_OK;
    *found = true;
    if (linked > 0) {
        c->stats->files_new++;
        c->stats->files_reused++;
    } else
        c->stats->files_unchanged++;
    return ART_OK;
}

/* Bind text that lives at least until the statement is reset: SQLite keeps
 * the pointer instead of copying the bytes (db_step_done clears the
 * bindings, so no pointer outlives the call). */
static int bind_static_text(sqlite3_stmt *st, int col, const char *v)
{
    return v ? sqlite3_bind_text(st, col, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, col);
}

/* A statement the ingest runs many times, prepared on first use and kept
 * in the context (finalized by art_store_ingest). */
static art_status ctx_statement(ingest_ctx *c, sqlite3_stmt **slot, const char *sql,
                                art_error *err);

art_status ingest_insert_source(ingest_ctx *c, const ingest_source *src, long long *id,
                                art_error *err)
{
    art_status r = ctx_statement(
        c, &c->ins_source,
        "INSERT INTO sources(site_id, sha256, kind, format, path, name, title, plain_text, bytes, "
        "container_sha256, guid, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st = c->ins_source;
    /* The strings outlive the step; db_step_done clears the bindings. */
    const char *text[] = {src->sha, src->kind, src->format, src->path,
                          src->name ? src->name : ingest_base_name(src->path), src->title,
                          src->plain};
    int rc = sqlite3_bind_int64(st, 1, c->site_id);
    for (int i = 0; rc == SQLITE_OK && i < (int)(sizeof text / sizeof text[0]); i++)
        rc = bind_static_text(st, i + 2, text[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 9, (long long)src->bytes);
    if (rc == SQLITE_OK)
        rc = bind_static_text(st, 10, src->container_sha);
    if (rc == SQLITE_OK)
        rc = bind_static_text(st, 11, src->guid);
    if (rc == SQLITE_OK)
        rc = bind_static_text(st, 12, src->memo);
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(st);
        return db_error(c->s, err, "bind source");
    }
    if ((r = db_step_done(c->s, st, err)) != ART_OK) {
        sqlite3_clear_bindings(st);
        return r;
    }
    *id = sqlite3_last_insert_rowid(c->s->db);
    if ((r = ctx_statement(c, &c->ins_round_source,
                           "INSERT INTO round_sources(round_id, source_id) VALUES (?, ?)", err)) !=
        ART_OK)
        return r;
    st = c->ins_round_source;
    if (!db_bind(st, "ii", c->round_id, *id))
        return db_error(c->s, err, "bind round source");
    return db_step_done(c->s, st, err);
}

static art_status insert_source(ingest_ctx *c, const char *path, const char *sha, const char *kind,
                                const char *format, const char *title, const char *plain,
                                size_t bytes, long long *id, art_error *err)
{
    ingest_source src = {.path = path, .sha = sha, .kind = kind, .format = format,
                         .title = title, .plain = plain, .bytes = bytes};
    art_status r = ingest_insert_source(c, &src, id, err);
    if (r == ART_OK)
        c->stats->files_new++;
    return r;
}

/* Note segments [first_id, last_id] added to source_id.  A source's
 * segments come one after another, so mostly the last entry grows. */
static art_status note_segments(ingest_ctx *c, long long source_id, long long first_id,
                                long long last_id, art_error *err)
{
    ingest_span *sp = c->nspans ? &c->spans[c->nspans - 1] : NULL;
    if (!sp || sp->source_id != source_id) {
        if (c->nspans == c->spans_cap) {
            size_t cap = c->spans_cap ? c->spans_cap * 2 : 64;
            ingest_span *p = realloc(c->spans, cap * sizeof *p);
            if (!p)
                return art_error_set(err, ART_ERR_NOMEM, "out of memory");
            c->spans = p;
            c->spans_cap = cap;
        }
        sp = &c->spans[c->nspans++];
        *sp = (ingest_span){source_id, 0, first_id, last_id};
    }
    sp->n += last_id - first_id + 1;
    if (first_id < sp->min_id)
        sp->min_id = first_id;
    if (last_id > sp->max_id)
        sp->max_id = last_id;
    return ART_OK;
}

static int cmp_span_source(const void *a, const void *b)
{
    long long x = ((const ingest_span *)a)->source_id, y = ((const ingest_span *)b)->source_id;
    return (x > y) - (x < y);
}

/* Write the noted spans (a source noted twice, merged), then sum up any
 * source of the site still without one (one with no segments, say). */
static art_status write_spans(ingest_ctx *c, art_error *err)
{
    if (c->nspans)
        qsort(c->spans, c->nspans, sizeof *c->spans, cmp_span_source);
    sqlite3_stmt *st = NULL;
    art_status r = c->nspans ? db_prepare(c->s,
                                          "INSERT OR REPLACE INTO source_spans(source_id, "
                                          "nsegments, seg_min, seg_max) VALUES (?, ?, ?, ?)",
                                          &st, err)
                             : ART_OK;
    for (size_t i = 0; r == ART_OK && i < c->nspans;) {
        ingest_span m = c->spans[i++];
        for (; i < c->nspans && c->spans[i].source_id == m.source_id; i++) {
            m.n += c->spans[i].n;
            m.min_id = c->spans[i].min_id < m.min_id ? c->spans[i].min_id : m.min_id;
            m.max_id = c->spans[i].max_id > m.max_id ? c->spans[i].max_id : m.max_id;
        }
        if (!db_bind(st, "iiii", m.source_id, m.n, m.min_id, m.max_id))
            r = db_error(c->s, err, "bind source span");
        else
            r = db_step_done(c->s, st, err);
    }
    sqlite3_finalize(st);
    return r == ART_OK ? store_summarise_sources(c->s, c->site_id, err) : r;
}

/* The hottest write of an ingest (one row a sentence): bound column by
 * column rather than through db_bind's format string, and without copies. */
art_status ingest_insert_segment(ingest_ctx *c, long long source_id, long ordinal, int paragraph,
                                 int sentence, long start, long end, const char *block,
                                 const char *document, long long participant_id,
                                 const char *text, long long *seg_id, art_error *err)
{
    sqlite3_stmt *st = c->ins_segment;
    int rc = sqlite3_bind_int64(st, 1, source_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 2, (long long)ordinal);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 3, (long long)paragraph);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 4, (long long)sentence);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 5, (long long)start);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(st, 6, (long long)end);
    if (rc == SQLITE_OK) rc = bind_static_text(st, 7, block);
    if (rc == SQLITE_OK) rc = bind_static_text(st, 8, document);
    if (rc == SQLITE_OK)
        rc = participant_id > 0 ? sqlite3_bind_int64(st, 9, participant_id)
                                : sqlite3_bind_null(st, 9);
    if (rc == SQLITE_OK) rc = bind_static_text(st, 10, text);
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(st);
        return db_error(c->s, err, "bind segment");
    }
    art_status r = db_step_done(c->s, st, err);
    if (r == ART_OK) {
        *seg_id = sqlite3_last_insert_rowid(c->s->db);
        c->stats->segments++;
        r = note_segments(c, source_id, *seg_id, *seg_id, err);
    } else
        sqlite3_clear_bindings(st);   /* db_step_done only resets on failure */
    return r;
}

/* A statement the ingest runs many times, prepared on first use and kept
 * in the context (finalized by art_store_ingest). */
static art_status ctx_statement(ingest_ctx *c, sqlite3_stmt **slot, const char *sql,
                                art_error *err)
{
    if (*slot)
        return ART_OK;
    return db_prepare(c->s, sql, slot, err);
}

/* Participants get P01, P02... in order of first appearance in the site. */
art_status ingest_ensure_participant(ingest_ctx *c, const art_participant_info *p,
                                     long long *id, art_error *err)
{
    art_status r = ART_OK;
    sqlite3_stmt *st;
    if ((r = ctx_statement(c, &c->sel_participant,
                           "SELECT id FROM participants WHERE site_id = ? AND name = ?", err)) !=
        ART_OK)
        return r;
    st = c->sel_participant;
    db_bind(st, "it", c->site_id, p->name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
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

    art_voice v = art_voice_of(NULL, p->attrs, p->nattrs);
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

/* One code under parent (0: a root, parent_id NULL). */
static art_status insert_code(ingest_ctx *c, long long parent, const char *name,
                              const char *path, long long *id, art_error *err)
{
    art_status r = ctx_statement(
        c, &c->ins_code, "INSERT INTO codes(site_id, parent_id, name, path) VALUES (?, ?, ?, ?)",
        err);
    if (r != ART_OK)
        return r;
    sqlite3_stmt *st = c->ins_code;
    int rc = sqlite3_bind_int64(st, 1, c->site_id);
    if (rc == SQLITE_OK)
        rc = parent ? sqlite3_bind_int64(st, 2, parent) : sqlite3_bind_null(st, 2);
    if (rc == SQLITE_OK)
        rc = bind_static_text(st, 3, name);
    if (rc == SQLITE_OK)
        rc = bind_static_text(st, 4, path);
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(st);
        return db_error(c->s, err, "bind code");
    }
    if ((r = db_step_done(c->s, st, err)) != ART_OK) {
        sqlite3_clear_bindings(st);
        return r;
    }
    *id = sqlite3_last_insert_rowid(c->s->db);
    return ART_OK;
}

/* Codes are a tree: "A/B/C" makes A, A/B and A/B/C. */
art_status ingest_ensure_code(ingest_ctx *c, const char *path, long long *id, art_error *err)
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
        if ((r = ctx_statement(c, &c->sel_code,
                               "SELECT id FROM codes WHERE site_id = ? AND path = ?", err)) ==
            ART_OK) {
            sqlite3_stmt *st = c->sel_code;
            db_bind(st, "it", c->site_id, prefix);
            int rc = sqlite3_step(st);
            long long got = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            if (rc == SQLITE_ROW) {
                parent = got;
            } else if (rc != SQLITE_DONE) {
                r = db_error(c->s, err, "lookup code");
            } else {
                r = insert_code(c, parent, leaf, prefix, &parent, err);
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
/* The segments one coded file has added so far, by (text, document,
 * participant): a row coded twice (two codes on one passage) is one segment
 * with two codings.  Looking each row up in SQL scanned every segment of
 * the source (there is no index on the text), quadratic in the file's rows:
 * 5.6 s of CPU for two CSVs of 4,445 rows.  The source is always new
 * (insert_source inserts it), so its segments are exactly the ones recorded
 * here, and the answers are those of the old query
 * "source_id = ? AND text = ? AND document IS ? AND participant_id IS ?". */
typedef struct coded_slot {
    uint64_t hash;
    const art_coded_segment *it;    /* the first row that made the segment */
    long long participant_id;       /* <= 0: none */
    long long seg_id;
} coded_slot;

typedef struct coded_index {
    coded_slot *slots;              /* open addressing; seg_id 0 marks a free slot */
    size_t n, cap;
} coded_index;

static uint64_t coded_hash(const art_coded_segment *it, long long pid)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)it->text; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h = (h ^ 0xFF) * 1099511628211ULL;
    for (const unsigned char *p = (const unsigned char *)(it->document ? it->document : ""); *p;
         p++)
        h = (h ^ *p) * 1099511628211ULL;
    h = (h ^ (it->document ? 1u : 2u)) * 1099511628211ULL;
    return (h ^ (uint64_t)(pid > 0 ? pid : 0)) * 1099511628211ULL;
}

static bool coded_same(const coded_slot *s, uint64_t h, const art_coded_segment *it,
                       long long pid)
{
    if (s->hash != h || (s->participant_id > 0 ? s->participant_id : 0) != (pid > 0 ? pid : 0))
        return false;
    if (strcmp(s->it->text, it->text) != 0)
        return false;
    if (!s->it->document || !it->document)
        return s->it->document == it->document;
    return strcmp(s->it->document, it->document) == 0;
}

static void coded_index_free(coded_index *ix)
{
    free(ix->slots);
}

static bool coded_index_add(coded_index *ix, const art_coded_segment *it, long long pid,
                            long long seg_id)
{
    if (2 * (ix->n + 1) > ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        coded_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < ix->cap; i++) {
            if (!ix->slots[i].seg_id)
                continue;
            size_t j = ix->slots[i].hash & (cap - 1);
            while (slots[j].seg_id)
                j = (j + 1) & (cap - 1);
            slots[j] = ix->slots[i];
        }
        free(ix->slots);
        ix->slots = slots;
        ix->cap = cap;
    }
    uint64_t h = coded_hash(it, pid);
    size_t j = h & (ix->cap - 1);
    while (ix->slots[j].seg_id)
        j = (j + 1) & (ix->cap - 1);
    ix->slots[j] = (coded_slot){h, it, pid, seg_id};
    ix->n++;
    return true;
}

static long long find_coded_segment(const coded_index *ix, const art_coded_segment *it,
                                    long long participant_id)
{
    if (!ix->cap)
        return 0;
    uint64_t h = coded_hash(it, participant_id);
    for (size_t j = h & (ix->cap - 1); ix->slots[j].seg_id; j = (j + 1) & (ix->cap - 1))
        if (coded_same(&ix->slots[j], h, it, participant_id))
            return ix->slots[j].seg_id;
    return 0;
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
    coded_index seen = {0};
    for (size_t i = 0; r == ART_OK && i < set->nitems; i++) {
        const art_coded_segment *it = &set->items[i];
        long long pid = 0, seg_id = 0, code_id = 0;
        if (it->participant && *it->participant) {
            const art_participant_info *pi = participant_info(set, it->participant);
            art_participant_info bare = {(char *)it->participant, NULL, 0};
            r = ingest_ensure_participant(c, pi ? pi : &bare, &pid, err);
        }
        if (r == ART_OK)
            seg_id = find_coded_segment(&seen, it, pid);
        if (r == ART_OK && seg_id == 0) {
            long cps = art_utf8_count(it->text, strlen(it->text));
            r = ingest_insert_segment(c, src_id, ordinal++, (int)(it->row - 1), 0, 0, cps, "excerpt",
                               it->document, pid, it->text, &seg_id, err);
            if (r == ART_OK && !coded_index_add(&seen, it, pid, seg_id))
                r = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
        }
        if (r == ART_OK && it->code_path && *it->code_path)
            r = ingest_ensure_code(c, it->code_path, &code_id, err);
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
    coded_index_free(&seen);
    art_coded_set_free(set);
    return r;
}

/* Change stories are sources of their own: kept whole, never split into
 * segments, so they speak to outcomes and not to the culture scores. */
static art_status ingest_stories(ingest_ctx *c, const char *path, const char *sha,
                                 const art_story_set *set, const char *format, size_t bytes,
                                 art_error *err)
{
    long long src_id;
    art_status r = insert_source(c, path, sha, "document", format,
                                 set->n ? set->stories[0].title : NULL, NULL, bytes, &src_id, err);
    sqlite3_stmt *st = NULL;
    if (r == ART_OK)
        r = db_prepare(c->s,
                       "INSERT INTO stories(source_id, ordinal, story_id, title, teller, date, "
                       "route, declared_outcomes, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st, err);
    for (size_t i = 0; r == ART_OK && i < set->n; i++) {
        const art_story *t = &set->stories[i];
        char declared[32] = "";
        size_t used = 0;
        for (int k = 1; k <= ART_OUTCOMES; k++)
            if (t->outcomes[k] && t->because[k] && strcmp(t->because[k], "declared") == 0)
                used += (size_t)snprintf(declared + used, sizeof declared - used, "%s%d",
                                         used ? "," : "", k);
        if (!db_bind(st, "iittttttt", src_id, (long long)i, t->id, t->title, t->teller, t->date,
                     t->route, used ? declared : NULL, t->text ? t->text : ""))
            r = db_error(c->s, err, "bind story");
        else
            r = db_step_done(c->s, st, err);
    }
    sqlite3_finalize(st);
    return r;
}

static art_status ingest_story_file(ingest_ctx *c, const char *path, const char *sha,
                                    const char *data, size_t len, bool csv, art_error *err)
{
    art_story_set *set = NULL;
    art_status r = csv ? art_stories_parse_csv(data, len, path, &set, err)
                       : art_stories_parse_markdown(data, len, path, &set, err);
    if (r == ART_OK)
        r = ingest_stories(c, path, sha, set, csv ? "story-csv" : "story-md", len, err);
    art_story_set_free(set);
    return r;
}

/* A CSV is ratings, coded interview segments, or change stories; say what
 * was expected when it is none of them. */
static art_status ingest_csv(ingest_ctx *c, const char *path, const char *sha, const char *data,
                             size_t len, art_error *err)
{
    bool ratings = false;
    art_status r = ingest_ratings_csv(c, path, data, len, &ratings, err);
    if (r == ART_OK && !ratings)
        r = ingest_coded(c, path, sha, data, len, err);
    if (r != ART_ERR_UNSUPPORTED)
        return r;
    art_error story_err;
    art_story_set *set = NULL;
    art_status sr = art_stories_parse_csv(data, len, path, &set, &story_err);
    if (sr == ART_OK) {
        art_error_clear(err);
        r = ingest_stories(c, path, sha, set, "story-csv", len, err);
        art_story_set_free(set);
        return r;
    }
    if (sr != ART_ERR_UNSUPPORTED) {
        /* It looked like stories but something in it is wrong: say that. */
        art_error_set(err, sr, "%s", story_err.message);
        return sr;
    }
    return art_error_set(err, ART_ERR_UNSUPPORTED,
                         "%s: CSV header not recognised (expected a Taguette, QualCoder or "
                         "artefact export of coded interviews, or change stories with "
                         "id,title,text)",
                         path);
}

/* ---- loading a file (on any thread) -------------------------------- */

/* The sources a site held when the ingest began, by sha256 and by
 * container_sha256, sorted: a file found there is linked, not parsed, so
 * re-assessing an unchanged site parses nothing. */
typedef struct known_shas {
    char (*sha)[65];
    size_t n;
} known_shas;

static int cmp_sha(const void *a, const void *b) { return strcmp(a, b); }

static bool sha_known(const known_shas *k, const char *sha)
{
    return k->n && bsearch(sha, k->sha, k->n, sizeof k->sha[0], cmp_sha) != NULL;
}

static art_status load_known_shas(ingest_ctx *c, known_shas *k, art_error *err)
{
    k->sha = NULL;
    k->n = 0;
    sqlite3_stmt *st;
    art_status r = db_prepare(c->s,
                              "SELECT sha256 FROM sources WHERE site_id = ?1 UNION "
                              "SELECT container_sha256 FROM sources WHERE site_id = ?1 AND "
                              "container_sha256 IS NOT NULL",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", c->site_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (!v || strlen(v) != 64)
            continue;
        if (k->n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            char(*p)[65] = realloc(k->sha, ncap * sizeof *p);
            if (!p) {
                sqlite3_finalize(st);
                return art_error_set(err, ART_ERR_NOMEM, "out of memory");
            }
            k->sha = p;
            cap = ncap;
        }
        memcpy(k->sha[k->n++], v, 65);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(c->s, err, "list sources");
    if (k->n)
        qsort(k->sha, k->n, sizeof k->sha[0], cmp_sha);
    return ART_OK;
}

static bool is_plain_document(file_format fmt)
{
    return fmt == FMT_TXT || fmt == FMT_MD || fmt == FMT_HTML || fmt == FMT_DOCX ||
           fmt == FMT_ODT;
}

static art_status parse_document(const char *path, const char *data, size_t len,
                                 file_format fmt, art_document **doc, art_error *err)
{
    switch (fmt) {
    case FMT_TXT: return art_doc_parse_text(data, len, path, doc, err);
    case FMT_MD: return art_doc_parse_markdown(data, len, path, doc, err);
    case FMT_DOCX: return art_doc_parse_docx(data, len, path, doc, err);
    case FMT_ODT: return art_doc_parse_odt(data, len, path, doc, err);
    default: return art_doc_parse_html(data, len, path, doc, err);
    }
}

/* prefetch_load_fn: read and hash the file and, when it is a plain document
 * the site does not hold yet, parse it.  Touches no shared state but the
 * item (parsers are pure functions of their bytes). */
static void load_item(prefetch_item *it, void *ud)
{
    const known_shas *known = ud;
    file_format fmt = (file_format)it->format;
    if (it->status != ART_OK || fmt == FMT_QDC || fmt == FMT_UNKNOWN)
        return;  /* the writer reports these */
    it->status = art_read_file(it->path, ART_MAX_INPUT_BYTES, &it->data, &it->len, &it->err);
    if (it->status != ART_OK)
        return;
    it->loaded_ok = true;
    art_sha256_hex(it->data, it->len, it->sha);
    if (!is_plain_document(fmt) || sha_known(known, it->sha))
        return;
    if (fmt == FMT_MD && art_stories_is_story(it->data, it->len))
        return;
    it->status = parse_document(it->path, it->data, it->len, fmt, &it->doc, &it->err);
    /* The parsed document holds the text; the bytes are no longer needed. */
    free(it->data);
    it->data = NULL;
}

/* ---- writing a loaded file (the writer's thread) -------------------- */

/* Document segments go in INGEST_SEGMENT_BATCH rows a statement: a row's
 * own work (two b-tree inserts, the foreign-key probe) stays, but opening
 * and closing three cursors, halting and resetting the statement was about
 * a third of a one-row insert.  The rows and their ids are the same as one
 * at a time: a multi-row VALUES inserts in order, each taking the next id. */
#define INGEST_SEGMENT_BATCH 32
#define SEGMENT_BATCH_COLS 8    /* document and participant_id are NULL */

static art_status prepare_segment_batch(ingest_ctx *c, art_error *err)
{
    if (c->ins_segment_batch)
        return ART_OK;
    art_buf sql;
    art_buf_init(&sql);
    art_buf_puts(&sql, "INSERT INTO segments(source_id, ordinal, paragraph, sentence, start_cp, "
                       "end_cp, block, document, participant_id, text) VALUES ");
    for (int i = 0; i < INGEST_SEGMENT_BATCH; i++)
        art_buf_puts(&sql, i ? ", (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)"
                             : "(?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)");
    if (sql.failed) {
        art_buf_free(&sql);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    art_status r = db_prepare(c->s, sql.data, &c->ins_segment_batch, err);
    art_buf_free(&sql);
    return r;
}

/* Bind segs[0..INGEST_SEGMENT_BATCH) (ordinals from first) and step. */
static art_status insert_segment_batch(ingest_ctx *c, long long source_id, size_t first,
                                       const art_segment *segs, art_error *err)
{
    sqlite3_stmt *st = c->ins_segment_batch;
    int rc = SQLITE_OK;
    for (int i = 0; i < INGEST_SEGMENT_BATCH && rc == SQLITE_OK; i++) {
        const art_segment *sg = &segs[i];
        int col = i * SEGMENT_BATCH_COLS;
        /* The strings outlive the step, and db_step_done clears the bindings. */
        if ((rc = sqlite3_bind_int64(st, col + 1, source_id)) != SQLITE_OK ||
            (rc = sqlite3_bind_int64(st, col + 2, (long long)(first + (size_t)i))) != SQLITE_OK ||
            (rc = sqlite3_bind_int64(st, col + 3, sg->paragraph)) != SQLITE_OK ||
            (rc = sqlite3_bind_int64(st, col + 4, sg->sentence)) != SQLITE_OK ||
            (rc = sqlite3_bind_int64(st, col + 5, sg->start)) != SQLITE_OK ||
            (rc = sqlite3_bind_int64(st, col + 6, sg->end)) != SQLITE_OK ||
            (rc = sqlite3_bind_text(st, col + 7, art_block_kind_id(sg->block), -1,
                                    SQLITE_STATIC)) != SQLITE_OK)
            break;
        rc = sqlite3_bind_text(st, col + 8, sg->text, -1, SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(st);
        return db_error(c->s, err, "bind segment");
    }
    art_status r = db_step_done(c->s, st, err);
    if (r != ART_OK) {
        sqlite3_clear_bindings(st);
        return r;
    }
    c->stats->segments += INGEST_SEGMENT_BATCH;
    /* The rows took the ids after one another, in order (INSERT's VALUES). */
    long long last = sqlite3_last_insert_rowid(c->s->db);
    return note_segments(c, source_id, last - INGEST_SEGMENT_BATCH + 1, last, err);
}

static art_status insert_document(ingest_ctx *c, const char *path, const char *sha,
                                  const art_document *doc, size_t len, art_error *err)
{
    long long src_id, seg_id;
    art_status r = insert_source(c, path, sha, "document", doc->format, doc->title,
                                 doc->plain_text, len, &src_id, err);
    size_t i = 0;
    if (r == ART_OK && doc->nsegs >= INGEST_SEGMENT_BATCH)
        r = prepare_segment_batch(c, err);
    for (; r == ART_OK && doc->nsegs - i >= INGEST_SEGMENT_BATCH; i += INGEST_SEGMENT_BATCH)
        r = insert_segment_batch(c, src_id, i, &doc->segs[i], err);
    for (; r == ART_OK && i < doc->nsegs; i++) {
        const art_segment *sg = &doc->segs[i];
        r = ingest_insert_segment(c, src_id, (long)i, sg->paragraph, sg->sentence, sg->start,
                                  sg->end, art_block_kind_id(sg->block), NULL, 0, sg->text,
                                  &seg_id, err);
    }
    return r;
}

/* The checks and their order are a sequential ingest's: the format, then
 * reading, then whether the site holds the bytes, then parsing. */
static art_status ingest_item(ingest_ctx *c, prefetch_item *it, art_error *err)
{
    const char *path = it->path;
    file_format fmt = (file_format)it->format;
    /* The path could not be walked, or the file could not be read. */
    if (!it->loaded_ok && it->status != ART_OK) {
        art_error_set(err, it->status, "%s", it->err.message);
        return it->status;
    }
    if (fmt == FMT_QDC)
        return art_error_set(err, ART_ERR_UNSUPPORTED,
                             "%s: a codebook holds codes but no evidence; import the project "
                             "(.qdpx) instead, or check it with 'artefact check'",
                             path);
    if (fmt == FMT_UNKNOWN) {
        const char *dot = strrchr(ingest_base_name(path), '.');
        return art_error_set(err, ART_ERR_UNSUPPORTED,
                             "%s: unsupported file type '%s' (artefact reads .txt, .md, .html, "
                             ".htm, .docx, .odt, coded-interview .csv and REFI-QDA .qdpx/.qde)",
                             path, dot ? dot : "(none)");
    }
    c->stats->files_seen++;
    bool found;
    art_status r = link_existing_source(c, it->sha, &found, err);
    if (r != ART_OK || found)
        return r;
    if (it->status != ART_OK) {  /* the document did not parse */
        art_error_set(err, it->status, "%s", it->err.message);
        return it->status;
    }
    if (it->doc)
        return insert_document(c, path, it->sha, it->doc, it->len, err);
    if (fmt == FMT_CSV)
        return ingest_csv(c, path, it->sha, it->data, it->len, err);
    if (fmt == FMT_QDPX || fmt == FMT_QDE)
        return ingest_qda(c, path, it->sha, it->data, it->len, err);
    if (fmt == FMT_MD && art_stories_is_story(it->data, it->len))
        return ingest_story_file(c, path, it->sha, it->data, it->len, false, err);
    /* A plain document the site held when the ingest began, yet not found
     * now: cannot happen (sources are not removed during an ingest), but
     * parse it here rather than lose it. */
    art_document *doc = NULL;
    if ((r = parse_document(path, it->data, it->len, fmt, &doc, err)) == ART_OK)
        r = insert_document(c, path, it->sha, doc, it->len, err);
    art_document_free(doc);
    return r;
}

/* ---- the plan: which files, in which order -------------------------- */

typedef struct ingest_plan {
    prefetch_item *items;
    size_t n, cap;
    bool stopped;           /* a path could not be walked: nothing after it */
} ingest_plan;

static prefetch_item *plan_add(ingest_plan *pl, const char *path, art_error *err)
{
    if (pl->n == pl->cap) {
        size_t ncap = pl->cap ? pl->cap * 2 : 64;
        prefetch_item *p = realloc(pl->items, ncap * sizeof *p);
        if (!p) {
            art_error_set(err, ART_ERR_NOMEM, "out of memory");
            return NULL;
        }
        pl->items = p;
        pl->cap = ncap;
    }
    prefetch_item *it = &pl->items[pl->n];
    memset(it, 0, sizeof *it);
    if (!(it->path = strdup(path))) {
        art_error_set(err, ART_ERR_NOMEM, "out of memory");
        return NULL;
    }
    pl->n++;
    return it;
}

/* A path that cannot be walked ends the plan with its error, where a
 * sequential ingest would have stopped. */
static art_status plan_fail(ingest_plan *pl, const char *path, art_status why, art_error *err,
                            const char *fmt, const char *detail)
{
    prefetch_item *it = plan_add(pl, path, err);
    if (!it)
        return ART_ERR_NOMEM;
    it->format = FMT_UNKNOWN;
    it->status = why;
    art_error_set(&it->err, why, fmt, path, detail);
    pl->stopped = true;
    return ART_OK;
}

static void plan_free(ingest_plan *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        prefetch_item_clear(&pl->items[i]);
        free(pl->items[i].path);
    }
    free(pl->items);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files a directory walk leaves alone: hidden files, the site's README,
 * QDA codebooks. */
static bool skip_in_walk(const char *name)
{
    if (name[0] == '.')
        return true;
    /* A codebook beside a project is the analyst's, not evidence. */
    if (art_str_ends_with_ci(name, ".qdc"))
        return true;
    return strncasecmp(name, "readme", 6) == 0;
}

static art_status plan_path(ingest_plan *pl, const char *path, int depth, art_error *err);

static art_status plan_dir(ingest_plan *pl, const char *path, int depth, art_error *err)
{
    if (depth > 16)
        return plan_fail(pl, path, ART_ERR_LIMIT, err, "%s: folders nested too deeply%s", "");
    DIR *d = opendir(path);
    if (!d)
        return plan_fail(pl, path, ART_ERR_IO, err, "%s: cannot open folder: %s",
                         strerror(errno));
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
    if (r == ART_OK && n > 1)  /* names is NULL for an empty folder */
        qsort(names, n, sizeof *names, cmp_str);
    /* Beside a .qde, sources/ holds that project's transcripts: the project
     * reads them itself, so they must not be ingested again as documents. */
    bool has_qde = false;
    for (size_t i = 0; i < n; i++)
        has_qde = has_qde || art_str_ends_with_ci(names[i], ".qde");
    for (size_t i = 0; r == ART_OK && !pl->stopped && i < n; i++) {
        const char *leaf = ingest_base_name(names[i]);
        if (has_qde && art_strcasecmp_ascii(leaf, "sources") == 0)
            continue;
        r = plan_path(pl, names[i], depth + 1, err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return r;
}

static art_status plan_path(ingest_plan *pl, const char *path, int depth, art_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return plan_fail(pl, path, ART_ERR_IO, err, "%s: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return plan_dir(pl, path, depth, err);
    if (!S_ISREG(st.st_mode))
        return plan_fail(pl, path, ART_ERR_IO, err, "%s: not a regular file%s", "");
    prefetch_item *it = plan_add(pl, path, err);
    if (!it)
        return ART_ERR_NOMEM;
    it->format = format_of(path);
    it->size_hint = (size_t)st.st_size;
    return ART_OK;
}

/* Workers beside the writer: jobs - 1, or by default one core fewer than
 * the machine has, so the writer keeps one to itself. */
static int prefetch_workers(int jobs, size_t nfiles)
{
    long cpus = jobs > 0 ? jobs : sysconf(_SC_NPROCESSORS_ONLN);
    if (nfiles < 2 || cpus < 2)
        return 0;
    return (int)(cpus - 1);
}

/* Plan every path, then load the files ahead (prefetch) and write them in
 * the plan's order. */
static art_status ingest_paths(ingest_ctx *c, const char *const *paths, size_t npaths,
                               art_error *err)
{
    ingest_plan pl = {0};
    known_shas known = {0};
    prefetch *pf = NULL;
    art_status r = ART_OK;
    for (size_t i = 0; r == ART_OK && !pl.stopped && i < npaths; i++)
        r = plan_path(&pl, paths[i], 0, err);
    if (r == ART_OK)
        r = load_known_shas(c, &known, err);
    if (r == ART_OK)
        r = prefetch_start(pl.items, pl.n, load_item, &known, prefetch_workers(c->s->jobs, pl.n), &pf, err);
    for (size_t i = 0; r == ART_OK && i < pl.n; i++) {
        prefetch_item *it = prefetch_wait(pf, i);
        r = ingest_item(c, it, err);
        prefetch_release(pf, i);
    }
    prefetch_finish(pf);
    plan_free(&pl);
    free(known.sha);
    return r;
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
        r = ingest_paths(&c, paths, npaths, err);
    }
    if (r == ART_OK)
        r = write_spans(&c, err);
    free(c.spans);
    sqlite3_finalize(c.ins_segment);
    sqlite3_finalize(c.ins_coding);
    sqlite3_finalize(c.sel_participant);
    sqlite3_finalize(c.sel_code);
    sqlite3_finalize(c.ins_segment_batch);
    sqlite3_finalize(c.ins_source);
    sqlite3_finalize(c.ins_round_source);
    sqlite3_finalize(c.ins_code);
    if (r == ART_OK)
        r = db_exec(s, "COMMIT", err);
    if (r != ART_OK) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        art_ingest_stats zero = {0};
        *stats = zero;
    }
    return r;
}

