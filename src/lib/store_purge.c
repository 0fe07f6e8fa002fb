/* Purge: remove every trace of one participant, or of a whole site.
 *
 * Interview data is personal data; a participant who withdraws, or a site
 * whose data must go, must leave nothing behind: not their rows, not the
 * evidence quoting them, not their name inside someone else's sentence, and
 * not the old bytes in the file.  So the deletes and rewrites run in ONE
 * transaction (all or nothing), secure_delete (on since open) zeroes freed
 * content, and afterwards the WAL is checkpointed and truncated and the file
 * VACUUMed, so no free page or old WAL frame still holds the text. */
#include "store_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define REMOVED "[removed]"

/* What to wipe from free text: the participant's name, its capitalised
 * parts (the "Maya" in "Maya said..."), matched as whole words and with
 * their case; and the exact text of their own segments (a transcript's
 * plain text holds it too). */
typedef struct scrub_list {
    char **words;      /* whole-word, exact case */
    size_t nwords;
    char **texts;      /* exact substrings */
    size_t ntexts;
} scrub_list;

static void scrub_list_free(scrub_list *l)
{
    for (size_t i = 0; i < l->nwords; i++)
        free(l->words[i]);
    for (size_t i = 0; i < l->ntexts; i++)
        free(l->texts[i]);
    free(l->words);
    free(l->texts);
    memset(l, 0, sizeof *l);
}

static bool push_string(char ***v, size_t *n, const char *s, size_t len)
{
    char **bigger = realloc(*v, (*n + 1) * sizeof **v);
    if (!bigger)
        return false;
    *v = bigger;
    char *copy = art_strndup(s, len);
    if (!copy)
        return false;
    (*v)[(*n)++] = copy;
    return true;
}

/* The full name first (so "Maya Okafor" becomes one "[removed]"), then each
 * part of two or more bytes that starts with a capital or a non-ASCII byte:
 * lower-case parts ("de", "van") are too common to wipe everywhere. */
static bool scrub_add_name(scrub_list *l, const char *name)
{
    if (!push_string(&l->words, &l->nwords, name, strlen(name)))
        return false;
    const char *p = name;
    while (*p) {
        while (*p && (isspace((unsigned char)*p) || *p == ',' || *p == '.'))
            p++;
        const char *start = p;
        while (*p && !isspace((unsigned char)*p) && *p != ',' && *p != '.')
            p++;
        size_t n = (size_t)(p - start);
        unsigned char c = (unsigned char)*start;
        if (n >= 2 && n < strlen(name) && (isupper(c) || c >= 0x80) &&
            !push_string(&l->words, &l->nwords, start, n))
            return false;
    }
    return true;
}

static bool is_word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80 || c == '_';
}

/* Replace every occurrence of `what` in text (whole words only when
 * `whole`); returns a new string, or NULL when nothing changed or on no
 * memory (*failed says which). */
static char *replace_all(const char *text, const char *what, bool whole, bool *failed)
{
    size_t wl = strlen(what);
    if (wl == 0)
        return NULL;
    art_buf b;
    art_buf_init(&b);
    bool changed = false;
    const char *p = text;
    const char *hit;
    while ((hit = strstr(p, what)) != NULL) {
        bool ok = !whole || ((hit == text || !is_word_byte((unsigned char)hit[-1])) &&
                             !is_word_byte((unsigned char)hit[wl]));
        art_buf_append(&b, p, (size_t)(hit - p));
        if (ok) {
            art_buf_puts(&b, REMOVED);
            changed = true;
        } else {
            art_buf_append(&b, hit, wl);
        }
        p = hit + wl;
    }
    if (!changed) {
        art_buf_free(&b);
        return NULL;
    }
    art_buf_puts(&b, p);
    if (b.failed) {
        art_buf_free(&b);
        *failed = true;
        return NULL;
    }
    return art_buf_steal(&b);
}

/* Apply the whole list to text; NULL when nothing changed. */
static char *scrub_text(const scrub_list *l, const char *text, bool *failed)
{
    char *cur = NULL;
    for (size_t k = 0; k < l->ntexts + l->nwords && !*failed; k++) {
        bool whole = k >= l->ntexts;
        const char *what = whole ? l->words[k - l->ntexts] : l->texts[k];
        char *next = replace_all(cur ? cur : text, what, whole, failed);
        if (next) {
            free(cur);
            cur = next;
        }
    }
    if (*failed) {
        free(cur);
        return NULL;
    }
    return cur;
}

static bool table_exists(art_store *s, const char *table)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* One rewrite: a query returning (key1, key2, text) for the site's rows
 * (?1 = site id), and an update setting ?1 where the keys are ?2, ?3. */
typedef struct scrub_target {
    const char *table;     /* skipped when the store has no such table */
    const char *select;
    const char *update;
} scrub_target;

#define SITE_SEGMENTS "SELECT g.id FROM segments g JOIN sources o ON o.id = g.source_id WHERE o.site_id = ?1"
#define SITE_RUNS "SELECT u.id FROM rubric_runs u JOIN rounds r ON r.id = u.round_id WHERE r.site_id = ?1"

static const scrub_target SCRUB_TARGETS[] = {
    {"segments", "SELECT id, 0, text FROM segments WHERE id IN (" SITE_SEGMENTS ")",
     "UPDATE segments SET text = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"sources", "SELECT id, 0, plain_text FROM sources WHERE site_id = ?1",
     "UPDATE sources SET plain_text = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"sources", "SELECT id, 0, title FROM sources WHERE site_id = ?1",
     "UPDATE sources SET title = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"sources", "SELECT id, 0, name FROM sources WHERE site_id = ?1",
     "UPDATE sources SET name = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"sources", "SELECT id, 0, path FROM sources WHERE site_id = ?1",
     "UPDATE sources SET path = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"sources", "SELECT id, 0, memo FROM sources WHERE site_id = ?1",
     "UPDATE sources SET memo = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"codings", "SELECT id, 0, memo FROM codings WHERE segment_id IN (" SITE_SEGMENTS ")",
     "UPDATE codings SET memo = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"participants", "SELECT id, 0, description FROM participants WHERE site_id = ?1",
     "UPDATE participants SET description = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"evidence", "SELECT id, 0, quote FROM evidence WHERE run_id IN (" SITE_RUNS ")",
     "UPDATE evidence SET quote = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"evidence", "SELECT id, 0, source FROM evidence WHERE run_id IN (" SITE_RUNS ")",
     "UPDATE evidence SET source = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"ladder_items",
     "SELECT run_id, ordinal, quote FROM ladder_items WHERE run_id IN (" SITE_RUNS ")",
     "UPDATE ladder_items SET quote = ?1 WHERE run_id = ?2 AND ordinal = ?3"},
    {"stories",
     "SELECT id, 0, text FROM stories WHERE source_id IN (SELECT id FROM sources WHERE site_id = ?1)",
     "UPDATE stories SET text = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"stories",
     "SELECT id, 0, title FROM stories WHERE source_id IN (SELECT id FROM sources WHERE site_id = ?1)",
     "UPDATE stories SET title = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"stories",
     "SELECT id, 0, teller FROM stories WHERE source_id IN (SELECT id FROM sources WHERE site_id = ?1)",
     "UPDATE stories SET teller = ?1 WHERE id = ?2 AND ?3 = 0"},
    {"ratings",
     "SELECT id, 0, rationale FROM ratings WHERE round_id IN (SELECT id FROM rounds WHERE site_id = ?1)",
     "UPDATE ratings SET rationale = ?1 WHERE id = ?2 AND ?3 = 0"},
    /* reviews_kept is lifted around this one (see purge_participant_tx) */
    {"reviews",
     "SELECT id, 0, rationale FROM reviews WHERE round_id IN (SELECT id FROM rounds WHERE site_id = ?1)",
     "UPDATE reviews SET rationale = ?1 WHERE id = ?2 AND ?3 = 0"},
};

typedef struct pending {
    long long k1, k2;
    char *text;
} pending;

/* Collect the rewrites first, then apply them: updating a table while a
 * query walks it could visit rows twice. */
static art_status scrub_one(art_store *s, long long site_id, const scrub_target *t,
                            const scrub_list *l, art_error *err)
{
    if (!t->update || !table_exists(s, t->table))
        return ART_OK;
    sqlite3_stmt *st;
    art_status r = db_prepare(s, t->select, &st, err);
    if (r != ART_OK)
        return r;
    sqlite3_bind_int64(st, 1, site_id);
    pending *v = NULL;
    size_t n = 0;
    bool failed = false;
    int rc;
    while (!failed && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = col_text(st, 2);
        if (!text)
            continue;
        char *fixed = scrub_text(l, text, &failed);
        if (!fixed)
            continue;
        pending *bigger = realloc(v, (n + 1) * sizeof *v);
        if (!bigger) {
            free(fixed);
            failed = true;
            break;
        }
        v = bigger;
        v[n++] = (pending){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), fixed};
    }
    if (failed)
        r = art_error_set(err, ART_ERR_NOMEM, "%s: purge: out of memory", s->path);
    else if (rc != SQLITE_DONE)
        r = db_error(s, err, "purge: read");
    sqlite3_finalize(st);
    if (r == ART_OK && n > 0 && (r = db_prepare(s, t->update, &st, err)) == ART_OK) {
        for (size_t i = 0; i < n && r == ART_OK; i++) {
            db_bind(st, "tii", v[i].text, v[i].k1, v[i].k2);
            r = db_step_done(s, st, err);
        }
        sqlite3_finalize(st);
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
    return r;
}

/* Run a statement with ?1 = a, ?2 = the pseudonym (when it has two). */
static art_status exec_with_id(art_store *s, const char *table, const char *sql, long long a,
                               const char *pseudo, art_error *err)
{
    if (table && !table_exists(s, table))
        return ART_OK;
    sqlite3_stmt *st;
    art_status r = db_prepare(s, sql, &st, err);
    if (r != ART_OK)
        return r;
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_text(st, 2, pseudo, -1, SQLITE_STATIC);
    r = db_step_done(s, st, err);
    sqlite3_finalize(st);
    return r;
}

typedef struct who {
    long long id;
    char *name;
    char *pseudonym;
} who;

/* By pseudonym first (what reports show), then by name. */
static art_status find_participant(art_store *s, long long site_id, const char *site,
                                   const char *participant, who *w, art_error *err)
{
    static const char *const SQL[] = {
        "SELECT id, name, pseudonym FROM participants WHERE site_id = ? AND pseudonym = ?",
        "SELECT id, name, pseudonym FROM participants WHERE site_id = ? AND name = ?"};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st;
        art_status r = db_prepare(s, SQL[i], &st, err);
        if (r != ART_OK)
            return r;
        db_bind(st, "it", site_id, participant);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            w->id = sqlite3_column_int64(st, 0);
            w->name = art_strdup(col_text(st, 1));
            w->pseudonym = art_strdup(col_text(st, 2));
        }
        sqlite3_finalize(st);
        if (rc == SQLITE_ROW)
            return w->name && w->pseudonym
                       ? ART_OK
                       : art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", s->path);
        if (rc != SQLITE_DONE)
            return db_error(s, err, "lookup participant");
    }
    /* The name the user typed may be a real name: not echoed. */
    return art_error_set(err, ART_ERR_NOTFOUND, "%s: site '%s' has no such participant", s->path,
                         site);
}

/* The exact text of the participant's own segments, for plain texts. */
static art_status collect_segment_texts(art_store *s, long long pid, scrub_list *l,
                                        art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s, "SELECT text FROM segments WHERE participant_id = ?", &st, err);
    if (r != ART_OK)
        return r;
    sqlite3_bind_int64(st, 1, pid);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = col_text(st, 0);
        /* Very short texts ("Yes.") would wipe other people's words too. */
        if (t && strlen(t) >= 12 && !push_string(&l->texts, &l->ntexts, t, strlen(t))) {
            r = art_error_set(err, ART_ERR_NOMEM, "%s: purge: out of memory", s->path);
            break;
        }
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(s, err, "purge: read segments");
    sqlite3_finalize(st);
    return r;
}

#define THEIR_SEGMENTS "SELECT id FROM segments WHERE participant_id = ?1"

/* Evidence and ladder rows quoting their segments go first: they name a
 * segment by id without a foreign key (migration 8), so nothing else would
 * remove them. */
static art_status purge_rows(art_store *s, long long site_id, const who *w, art_error *err)
{
    static const struct { const char *table; const char *sql; bool by_site; } STEPS[] = {
        {"evidence", "DELETE FROM evidence WHERE segment_id IN (" THEIR_SEGMENTS ")", false},
        {"evidence", "DELETE FROM evidence WHERE participant = ?2 AND run_id IN (" SITE_RUNS ")", true},
        {"ladder_items", "DELETE FROM ladder_items WHERE segment_id IN (" THEIR_SEGMENTS ")", false},
        {NULL, "DELETE FROM codings WHERE segment_id IN (" THEIR_SEGMENTS ") OR participant_id = ?1",
         false},
        {NULL, "DELETE FROM segments WHERE participant_id = ?1", false},
        {NULL, "DELETE FROM participant_attrs WHERE participant_id = ?1", false},
        {NULL, "DELETE FROM participants WHERE id = ?1", false},
    };
    art_status r = ART_OK;
    for (size_t i = 0; r == ART_OK && i < sizeof STEPS / sizeof STEPS[0]; i++)
        r = exec_with_id(s, STEPS[i].table, STEPS[i].sql, STEPS[i].by_site ? site_id : w->id,
                         w->pseudonym, err);
    return r;
}

static art_status purge_participant_tx(art_store *s, long long site_id, const who *w,
                                       art_error *err)
{
    scrub_list l;
    memset(&l, 0, sizeof l);
    art_status r = collect_segment_texts(s, w->id, &l, err);
    if (r == ART_OK && !scrub_add_name(&l, w->name))
        r = art_error_set(err, ART_ERR_NOMEM, "%s: purge: out of memory", s->path);
    if (r == ART_OK)
        r = purge_rows(s, site_id, w, err);
    if (r == ART_OK)
        r = store_summarise_sources(s, site_id, err);
    /* Erasing a person outranks keeping reviews as written: the trigger is
     * lifted inside this transaction only (a rollback restores it). */
    bool reviews = table_exists(s, "reviews");
    if (r == ART_OK && reviews)
        r = db_exec(s, "DROP TRIGGER IF EXISTS reviews_kept", err);
    for (size_t i = 0; r == ART_OK && i < sizeof SCRUB_TARGETS / sizeof SCRUB_TARGETS[0]; i++)
        r = scrub_one(s, site_id, &SCRUB_TARGETS[i], &l, err);
    if (r == ART_OK && reviews)
        r = db_exec(s, ART_REVIEWS_TRIGGER, err);
    scrub_list_free(&l);
    return r;
}

/* After the commit: fold the WAL into the file and empty it, rewrite the
 * file without free pages, and empty the WAL VACUUM itself wrote. */
static art_status compact(art_store *s, art_error *err)
{
    art_status r = db_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", err);
    if (r == ART_OK)
        r = db_exec(s, "VACUUM", err);
    if (r == ART_OK)
        r = db_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", err);
    return r;
}

static art_status in_transaction(art_store *s, art_status r, art_error *err)
{
    if (r == ART_OK)
        return db_exec(s, "COMMIT", err);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return r;
}

art_status art_store_purge_participant(art_store *s, const char *site, const char *participant,
                                       art_error *err)
{
    if (!s || !site || !participant || !*participant)
        return art_error_set(err, ART_ERR_USAGE, "purge: a site and a participant are needed");
    art_status r = db_exec(s, "BEGIN IMMEDIATE", err);
    if (r != ART_OK)
        return r;
    long long site_id = 0;
    who w = {0, NULL, NULL};
    r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_participant(s, site_id, site, participant, &w, err);
    if (r == ART_OK)
        r = purge_participant_tx(s, site_id, &w, err);
    free(w.name);
    free(w.pseudonym);
    r = in_transaction(s, r, err);
    return r == ART_OK ? compact(s, err) : r;
}

art_status art_store_purge_site(art_store *s, const char *site, art_error *err)
{
    if (!s || !site)
        return art_error_set(err, ART_ERR_USAGE, "purge: a site is needed");
    art_status r = db_exec(s, "BEGIN IMMEDIATE", err);
    if (r != ART_OK)
        return r;
    long long site_id = 0;
    r = find_site(s, site, &site_id, err);
    /* Evidence names the site's segments (by id, without a foreign key:
     * migration 8) and cascades from its scores; deleting it first keeps
     * the order obvious.  The rest, ladder rows with their runs, cascades
     * from the site row (foreign keys are on). */
    if (r == ART_OK)
        r = exec_with_id(s, "evidence", "DELETE FROM evidence WHERE run_id IN (" SITE_RUNS ")",
                         site_id, NULL, err);
    if (r == ART_OK)
        r = exec_with_id(s, NULL, "DELETE FROM sites WHERE id = ?1", site_id, NULL, err);
    r = in_transaction(s, r, err);
    return r == ART_OK ? compact(s, err) : r;
}
