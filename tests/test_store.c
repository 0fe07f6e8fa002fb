/* The store: creation, migrations, ingest (idempotent, transactional),
 * counts, codes, corpus pseudonymisation, saved runs. */
#include "testutil.h"
#include "internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char db_path[4200];

static art_store *fresh_store(const char *tag)
{
    snprintf(db_path, sizeof db_path, "%s/store.db", art_test_tmpdir(tag));
    art_store *s = NULL;
    art_error err;
    art_status st = art_store_open(db_path, &s, &err);
    CU_ASSERT_EQUAL(st, ART_OK);
    if (st != ART_OK)
        fprintf(stderr, "open: %s\n", err.message);
    return s;
}

static void test_open_creates_private_file(void)
{
    art_store *s = fresh_store("open");
    CU_ASSERT_FATAL(s != NULL);
    struct stat st;
    CU_ASSERT_EQUAL(stat(db_path, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    CU_ASSERT_EQUAL(art_store_schema_version(s), ART_SCHEMA_VERSION);
    art_store_close(s);
    /* Re-opening migrates nothing and keeps the version. */
    art_error err;
    CU_ASSERT_EQUAL(art_store_open(db_path, &s, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_schema_version(s), ART_SCHEMA_VERSION);
    art_store_close(s);
    /* WAL is recorded in the file itself. */
    sqlite3 *db;
    sqlite3_open(db_path, &db);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &q, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(q), SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void test_open_rejects_newer_and_foreign_files(void)
{
    art_store *s = fresh_store("newer");
    art_store_close(s);
    sqlite3 *db;
    sqlite3_open(db_path, &db);
    sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(db);
    art_error err;
    CU_ASSERT_EQUAL(art_store_open(db_path, &s, &err), ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "newer"));

    char path[4300];
    snprintf(path, sizeof path, "%s/notadb.db", art_test_tmpdir("notadb"));
    FILE *f = fopen(path, "w");
    fputs("this is a text file, not a database, but long enough to have a header....\n", f);
    fclose(f);
    CU_ASSERT_EQUAL(art_store_open(path, &s, &err), ART_ERR_STORE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, path));

    CU_ASSERT_EQUAL(art_store_open("/nonexistent-dir/x.db", &s, &err), ART_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "/nonexistent-dir/x.db"));
}

static void ingest_site(art_store *s, const char *round, art_ingest_stats *st)
{
    const char *paths[] = {art_test_src("tests/data/store/site")};
    art_error err;
    art_status r = art_store_ingest(s, "Testshire", round, paths, 1, st, &err);
    CU_ASSERT_EQUAL(r, ART_OK);
    if (r != ART_OK)
        fprintf(stderr, "ingest: %s\n", err.message);
}

/* Write one plain-text policy document into DIR. */
static const char *write_doc(const char *dir, const char *name, const char *text)
{
    static char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

static void add_doc(art_store *s, const char *path)
{
    art_ingest_stats st;
    art_error err;
    const char *paths[] = {path};
    CU_ASSERT_EQUAL(art_store_ingest(s, "Testshire", "r1", paths, 1, &st, &err), ART_OK);
    CU_ASSERT_EQUAL(st.files_new, 1);
}

static long long round_segments(art_store *s)
{
    art_counts c;
    art_error err;
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r1", &c, &err), ART_OK);
    return c.segments;
}

/* The round's counts, digest and voices are read off indexes and a span
 * remembered per connection: every change, made here or by another
 * connection, must still show. */
static void test_round_facts_follow_changes(void)
{
    art_store *s = fresh_store("facts");
    CU_ASSERT_FATAL(s != NULL);
    char dir[4300];
    snprintf(dir, sizeof dir, "%s", art_test_tmpdir("facts-docs"));
    art_ingest_stats st;
    art_error err;
    ingest_site(s, "r1", &st);
    CU_ASSERT_EQUAL(round_segments(s), 7);
    art_counts c;
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r1", &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c.codings, 3);
    char d1[65], d2[65], d3[65], d4[65];
    CU_ASSERT_EQUAL(art_store_inputs_digest(s, "Testshire", "r1", "salt", d1, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_inputs_digest(s, "Testshire", "r1", "salt", d2, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(d1, d2);
    CU_ASSERT_EQUAL(art_store_inputs_digest(s, "Testshire", "r1", "other", d2, &err), ART_OK);
    CU_ASSERT_STRING_NOT_EQUAL(d1, d2);
    size_t v1[ART_VOICE_COUNT], v2[ART_VOICE_COUNT];
    CU_ASSERT_EQUAL(art_store_voice_counts(s, "Testshire", "r1", v1, &err), ART_OK);
    CU_ASSERT_EQUAL(v1[ART_VOICE_LOCAL_AUTHORITY], 1);
    CU_ASSERT_EQUAL(v1[ART_VOICE_LIVED], 1);

    /* Another connection commits a document: this one sees it. */
    art_store *other = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db_path, &other, &err), ART_OK);
    add_doc(other, write_doc(dir, "a.txt", "We trust staff.\n\nPanels are gone.\n"));
    CU_ASSERT_EQUAL(round_segments(s), 9);
    CU_ASSERT_EQUAL(art_store_inputs_digest(s, "Testshire", "r1", "salt", d3, &err), ART_OK);
    CU_ASSERT_STRING_NOT_EQUAL(d1, d3);

    /* And one of its own. */
    add_doc(s, write_doc(dir, "b.txt", "Leaders share decisions.\n"));
    CU_ASSERT_EQUAL(round_segments(s), 10);
    CU_ASSERT_EQUAL(art_store_inputs_digest(s, "Testshire", "r1", "salt", d4, &err), ART_OK);
    CU_ASSERT_STRING_NOT_EQUAL(d3, d4);

    /* A purge by the other connection: segments, codings, voices, digest. */
    CU_ASSERT_EQUAL(art_store_purge_participant(other, "Testshire", "Maya Okafor", &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r1", &c, &err), ART_OK);
    CU_ASSERT(c.segments < 10);
    CU_ASSERT(c.codings < 3);
    CU_ASSERT_EQUAL(c.participants, 1);
    CU_ASSERT_EQUAL(art_store_voice_counts(s, "Testshire", "r1", v2, &err), ART_OK);
    CU_ASSERT_EQUAL(v2[ART_VOICE_LOCAL_AUTHORITY], 0);
    CU_ASSERT_EQUAL(v2[ART_VOICE_LIVED], 1);
    CU_ASSERT_EQUAL(art_store_inputs_digest(s, "Testshire", "r1", "salt", d3, &err), ART_OK);
    CU_ASSERT_STRING_NOT_EQUAL(d3, d4);
    art_store_close(other);

    /* Another round of the site has its own span. */
    ingest_site(s, "r2", &st);
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r2", &c, &err), ART_OK);
    CU_ASSERT(c.segments > 0);
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r1", &c, &err), ART_OK);
    long long r1 = c.segments;
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r2", &c, &err), ART_OK);
    CU_ASSERT(c.segments < r1);   /* r2 holds the site folder only */
    art_store_close(s);
}

/* A store of schema 6 gets migration 7's index on open. */
static void test_migrates_to_participant_index(void)
{
    art_store *s = fresh_store("migrate7");
    CU_ASSERT_FATAL(s != NULL);
    art_store_close(s);
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "DROP INDEX segments_participant; PRAGMA user_version = 6",
                                 NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db_path, &s, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_schema_version(s), ART_SCHEMA_VERSION);
    art_store_close(s);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    CU_ASSERT_EQUAL(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = "
                                           "'index' AND name = 'segments_participant'",
                                       -1, &st, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A run to save: the shipped rubric (its text in *xml, *len) and an
 * assessment of Testshire's round r1 with nothing scored yet. */
static art_assessment *blank_run(art_rubric **rb, char **xml, size_t *len)
{
    art_error err;
    CU_ASSERT_FATAL(art_read_file(art_test_src("rubrics/cls-culture.xml"), 0, xml, len, &err) == ART_OK);
    *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load_memory(*xml, *len, "cls-culture.xml", rb, &err) == ART_OK);
    art_assessment *a = NULL;
    CU_ASSERT_FATAL(art_assessment_from_rubric(*rb, "Testshire", "r1", &a, &err) == ART_OK);
    return a;
}

/* How many of table's foreign keys point at parent. */
static int foreign_keys_to(sqlite3 *db, const char *table, const char *parent)
{
    sqlite3_stmt *st;
    int n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_foreign_key_list(?1) "
                               "WHERE \"table\" = ?2", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, parent, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return n;
}

/* Evidence and ladder rows as schema 7 made them: segment_id a foreign key
 * to segments, ON DELETE SET NULL. */
static const char SCHEMA7_RUN_ROWS[] =
    "PRAGMA foreign_keys = OFF; BEGIN;"
    "CREATE TABLE ev7(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL,"
    "  dimension TEXT NOT NULL, ordinal INTEGER NOT NULL,"
    "  segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,"
    "  source TEXT, locator TEXT, quote TEXT, participant TEXT, indicator TEXT,"
    "  direction INTEGER NOT NULL CHECK(direction IN (-1, 1)),"
    "  level TEXT NOT NULL, voice TEXT NOT NULL, facet TEXT NOT NULL, weight REAL NOT NULL,"
    "  FOREIGN KEY(run_id, dimension) REFERENCES scores(run_id, dimension) ON DELETE CASCADE);"
    "INSERT INTO ev7 SELECT * FROM evidence; DROP TABLE evidence;"
    "ALTER TABLE ev7 RENAME TO evidence;"
    "CREATE INDEX evidence_run ON evidence(run_id, dimension, ordinal);"
    "CREATE TABLE la7(run_id INTEGER NOT NULL REFERENCES rubric_runs(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,"
    "  rung INTEGER NOT NULL CHECK(rung BETWEEN 1 AND 7), scope TEXT NOT NULL,"
    "  facet TEXT NOT NULL, source TEXT, locator TEXT, quote TEXT, phrase TEXT,"
    "  PRIMARY KEY(run_id, ordinal)) WITHOUT ROWID;"
    "INSERT INTO la7 SELECT * FROM ladder_items; DROP TABLE ladder_items;"
    "ALTER TABLE la7 RENAME TO ladder_items;"
    "PRAGMA user_version = 7; COMMIT;";

/* A store of schema 7 gets migration 8: its evidence and ladder rows, ids
 * and all, stay as they were, and name their segments without a foreign
 * key (which made every saved row probe the segments, and every deleted
 * segment scan them).  The cascades from runs and scores stay. */
static void test_migrates_run_rows_without_segment_keys(void)
{
    art_store *s = fresh_store("migrate8");
    CU_ASSERT_FATAL(s != NULL);
    ingest_site(s, "r1", NULL);
    art_error err;
    char *xml;
    size_t len;
    art_rubric *rb;
    art_assessment *a = blank_run(&rb, &xml, &len);
    art_dim_score *d = &a->dims[1];
    d->ev = calloc(3, sizeof *d->ev);
    CU_ASSERT_FATAL(d->ev != NULL);
    d->nev = 3;
    for (size_t k = 0; k < 3; k++)
        d->ev[k] = (art_evidence){.segment_id = (int64_t)k * 2, .source = strdup("policy.txt"),
                                  .locator = strdup("para 1"), .quote = strdup("We trust."),
                                  .indicator = strdup("trust*"), .direction = 1,
                                  .level = ART_LEVEL_ESPOUSED, .voice = ART_VOICE_LIVED,
                                  .facet = ART_FACET_ESPOUSED, .weight = 1};
    a->ladder.items = calloc(2, sizeof *a->ladder.items);
    CU_ASSERT_FATAL(a->ladder.items != NULL);
    a->ladder.nitems = 2;
    for (size_t i = 0; i < 2; i++)
        a->ladder.items[i] = (art_ladder_item){.segment_id = (int64_t)i + 3, .rung = 4,
                                               .scope = ART_SCOPE_MICRO,
                                               .facet = ART_FACET_ESPOUSED,
                                               .source = strdup("policy.txt"),
                                               .locator = strdup("p"), .quote = strdup("co-design"),
                                               .phrase = strdup("co-design")};
    CU_ASSERT_EQUAL_FATAL(art_store_save_assessment(s, a, xml, len, &err), ART_OK);
    art_store_close(s);
    art_assessment_free(a);
    art_rubric_free(rb);
    free(xml);

    static const char EV[] = "SELECT * FROM evidence ORDER BY id";
    static const char LA[] = "SELECT * FROM ladder_items ORDER BY run_id, ordinal";
    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL(foreign_keys_to(db, "evidence", "segments"), 0);
    CU_ASSERT_EQUAL_FATAL(sqlite3_exec(db, SCHEMA7_RUN_ROWS, NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(foreign_keys_to(db, "evidence", "segments"), 1);
    CU_ASSERT_EQUAL(foreign_keys_to(db, "ladder_items", "segments"), 1);
    char *ev7 = art_test_query_rows(db_path, EV), *la7 = art_test_query_rows(db_path, LA);
    sqlite3_close(db);
    CU_ASSERT_PTR_NOT_NULL(strstr(ev7, "|4|policy.txt|"));  /* a segment named */
    CU_ASSERT_PTR_NOT_NULL(strstr(la7, "|4|4|"));

    CU_ASSERT_EQUAL_FATAL(art_store_open(db_path, &s, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_schema_version(s), ART_SCHEMA_VERSION);
    art_assessment *b = NULL;
    CU_ASSERT_EQUAL(art_store_load_assessment(s, "Testshire", "r1", &b, &err), ART_OK);
    CU_ASSERT_EQUAL(b ? b->dims[1].nev : 0, 3);
    CU_ASSERT_EQUAL(b ? b->ladder.nitems : 0, 2);
    art_assessment_free(b);
    art_store_close(s);

    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    CU_ASSERT_EQUAL(foreign_keys_to(db, "evidence", "segments"), 0);
    CU_ASSERT_EQUAL(foreign_keys_to(db, "ladder_items", "segments"), 0);
    CU_ASSERT_EQUAL(foreign_keys_to(db, "evidence", "scores"), 2);   /* one per column */
    CU_ASSERT_EQUAL(foreign_keys_to(db, "ladder_items", "rubric_runs"), 1);
    char *ev8 = art_test_query_rows(db_path, EV), *la8 = art_test_query_rows(db_path, LA);
    CU_ASSERT_STRING_EQUAL(ev8, ev7);
    CU_ASSERT_STRING_EQUAL(la8, la7);
    /* the run's rows still go with it */
    CU_ASSERT_EQUAL(sqlite3_exec(db, "PRAGMA foreign_keys = ON; DELETE FROM rubric_runs",
                                 NULL, NULL, NULL), SQLITE_OK);
    char *gone = art_test_query_rows(db_path, "SELECT (SELECT count(*) FROM evidence), "
                               "(SELECT count(*) FROM ladder_items)");
    CU_ASSERT_STRING_EQUAL(gone, "0|0\n");
    free(gone);
    sqlite3_close(db);
    free(ev7);
    free(la7);
    free(ev8);
    free(la8);
}

/* Sources whose source_spans row is missing or wrong, and rows there are. */
static const char SPANS_WRONG[] =
    "SELECT (" ART_TEST_SPANS_WRONG "), (SELECT count(*) FROM source_spans)";

/* A source's segments are summed up at ingest, and a round's count is the
 * sum; a summary that is gone (a segment deleted by anything) only means
 * counting that source's segments again.  A schema 8 store gets every
 * source's summary on open. */
static void test_source_spans(void)
{
    art_store *s = fresh_store("spans");
    CU_ASSERT_FATAL(s != NULL);
    ingest_site(s, "r1", NULL);
    long long n = round_segments(s);
    CU_ASSERT(n > 2);
    art_store_close(s);

    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    char *got = art_test_query_rows(db_path, SPANS_WRONG);
    CU_ASSERT_STRING_EQUAL(got, "0|3\n");   /* three sources, all summed up */
    free(got);
    /* a summary gone, and a segment deleted behind the store's back */
    CU_ASSERT_EQUAL(sqlite3_exec(db, "DELETE FROM source_spans WHERE source_id = "
                                     "(SELECT min(source_id) FROM source_spans)",
                                 NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "DELETE FROM segments WHERE id = (SELECT max(id) FROM "
                                     "segments)", NULL, NULL, NULL), SQLITE_OK);
    got = art_test_query_rows(db_path, SPANS_WRONG);
    CU_ASSERT_STRING_EQUAL(got, "2|1\n");   /* two sources to count again */
    free(got);
    sqlite3_close(db);
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db_path, &s, &err), ART_OK);
    CU_ASSERT_EQUAL(round_segments(s), n - 1);
    /* the next ingest sums up what it finds missing */
    ingest_site(s, "r2", NULL);
    art_store_close(s);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db_path, &db), SQLITE_OK);
    got = art_test_query_rows(db_path, SPANS_WRONG);
    CU_ASSERT_STRING_EQUAL(got, "0|3\n");
    free(got);
    CU_ASSERT_EQUAL(sqlite3_exec(db, "DROP TRIGGER segments_removed; DROP TABLE source_spans; "
                                     "PRAGMA user_version = 8", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    CU_ASSERT_EQUAL_FATAL(art_store_open(db_path, &s, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_schema_version(s), 9);
    CU_ASSERT_EQUAL(round_segments(s), n - 1);
    art_store_close(s);
    got = art_test_query_rows(db_path, SPANS_WRONG);
    CU_ASSERT_STRING_EQUAL(got, "0|3\n");
    free(got);
}

static void test_ingest_counts_and_idempotence(void)
{
    art_store *s = fresh_store("ingest");
    CU_ASSERT_FATAL(s != NULL);
    art_ingest_stats st;
    ingest_site(s, "r1", &st);
    CU_ASSERT_EQUAL(st.files_seen, 3);  /* README.md is not a policy document */
    CU_ASSERT_EQUAL(st.files_new, 3);
    CU_ASSERT_EQUAL(st.files_reused, 0);
    CU_ASSERT_EQUAL(st.files_unchanged, 0);
    CU_ASSERT_EQUAL(st.segments, 7);
    CU_ASSERT_EQUAL(st.codings, 3);
    art_counts c;
    art_error err;
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r1", &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c.sources, 3);
    CU_ASSERT_EQUAL(c.documents, 2);
    CU_ASSERT_EQUAL(c.interviews, 1);
    CU_ASSERT_EQUAL(c.segments, 7);
    CU_ASSERT_EQUAL(c.codes, 6);
    CU_ASSERT_EQUAL(c.codings, 3);
    CU_ASSERT_EQUAL(c.participants, 2);

    char before[65], after[65];
    art_store_close(s);
    art_test_store_digest(db_path, before);
    CU_ASSERT_EQUAL(art_store_open(db_path, &s, &err), ART_OK);
    ingest_site(s, "r1", &st);
    CU_ASSERT_EQUAL(st.files_seen, 3);
    CU_ASSERT_EQUAL(st.files_new, 0);
    CU_ASSERT_EQUAL(st.files_unchanged, 3);
    CU_ASSERT_EQUAL(st.segments, 0);
    art_store_close(s);
    art_test_store_digest(db_path, after);
    CU_ASSERT_STRING_EQUAL(before, after);

    /* A second round shares the sources: nothing is parsed again. */
    CU_ASSERT_EQUAL(art_store_open(db_path, &s, &err), ART_OK);
    ingest_site(s, "r2", &st);
    CU_ASSERT_EQUAL(st.files_new, 3);
    CU_ASSERT_EQUAL(st.files_reused, 3);
    CU_ASSERT_EQUAL(st.segments, 0);
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", NULL, &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c.sources, 3);
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r2", &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c.segments, 7);
    char *latest = NULL;
    CU_ASSERT_EQUAL(art_store_latest_round(s, "Testshire", &latest, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(latest, "r2");
    free(latest);
    CU_ASSERT_EQUAL(art_store_counts(s, "Nowhere", NULL, &c, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r9", &c, &err), ART_ERR_NOTFOUND);
    char **sites;
    size_t n;
    CU_ASSERT_EQUAL(art_store_sites(s, &sites, &n, &err), ART_OK);
    CU_ASSERT_EQUAL(n, 1);
    if (n == 1)
        CU_ASSERT_STRING_EQUAL(sites[0], "Testshire");
    for (size_t i = 0; i < n; i++)
        free(sites[i]);
    free(sites);
    art_store_close(s);
}

static void expect_ingest_fails(const char *path, art_status want, const char *needle)
{
    art_store *s = fresh_store("fail");
    CU_ASSERT_FATAL(s != NULL);
    ingest_site(s, "r1", NULL);
    art_store_close(s);
    char before[65], after[65];
    art_test_store_digest(db_path, before);
    art_error err;
    CU_ASSERT_EQUAL(art_store_open(db_path, &s, &err), ART_OK);
    const char *paths[] = {art_test_src("tests/data/store/site/policy.txt"), path};
    art_ingest_stats st;
    art_status r = art_store_ingest(s, "Testshire", "r2", paths, 2, &st, &err);
    CU_ASSERT_EQUAL(r, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, needle));
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_EQUAL(st.files_new, 0);
    art_store_close(s);
    art_test_store_digest(db_path, after);
    /* Not even the new round or the good file survived. */
    CU_ASSERT_STRING_EQUAL(before, after);
}

static void test_ingest_is_one_transaction(void)
{
    expect_ingest_fails(art_test_src("tests/data/store/bad"), ART_ERR_FORMAT, "b-broken.csv");
}

static void test_ingest_rejects_unknown_and_missing(void)
{
    expect_ingest_fails(art_test_src("tests/data/store/site/../../../../configure.ac"),
                        ART_ERR_UNSUPPORTED, "configure.ac");
    expect_ingest_fails("/nonexistent/interviews.csv", ART_ERR_IO, "/nonexistent/interviews.csv");
    art_store *s = fresh_store("usage");
    art_error err;
    const char *paths[] = {"x.txt"};
    CU_ASSERT_EQUAL(art_store_ingest(s, "", "r1", paths, 1, NULL, &err), ART_ERR_USAGE);
    art_store_close(s);
}

typedef struct code_list { char paths[16][128]; long long n[16]; int depth[16]; int count; } code_list;

static int collect_code(const art_code_row *row, void *ud)
{
    code_list *l = ud;
    if (l->count < 16) {
        snprintf(l->paths[l->count], 128, "%s", row->path);
        l->n[l->count] = row->ncodings;
        l->depth[l->count] = row->depth;
        l->count++;
    }
    return 0;
}

/* What an ingest wrote, less the clock: every row of the ingest's tables. */
static void ingest_digest(const char *path, char out[65])
{
    static const char *const queries[] = {
        "SELECT id, source_id, ordinal, paragraph, sentence, start_cp, end_cp, block, document, "
        "participant_id, text FROM segments ORDER BY id",
        "SELECT id, sha256, kind, format, path, name, title, plain_text, bytes, container_sha256 "
        "FROM sources ORDER BY id",
        "SELECT * FROM codings ORDER BY id", "SELECT * FROM participants ORDER BY id",
        "SELECT * FROM codes ORDER BY id", "SELECT * FROM round_sources ORDER BY 1, 2",
        "SELECT * FROM participant_attrs ORDER BY 1, 2"};
    sqlite3 *db;
    art_buf b;
    art_buf_init(&b);
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        sqlite3_stmt *st;
        CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(db, queries[q], -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const char *t = (const char *)sqlite3_column_text(st, i);
                art_buf_printf(&b, "%s\x1f", t ? t : "\x1e");
            }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    art_sha256_hex(b.data ? b.data : "", b.len, out);
    art_buf_free(&b);
}

static art_status ingest_with_jobs(const char *tag, int jobs, const char *const *paths,
                                   size_t n, art_ingest_stats *st, art_error *err, char out[65])
{
    art_store *s = fresh_store(tag);
    CU_ASSERT_FATAL(s != NULL);
    art_store_set_jobs(s, jobs);
    art_status r = art_store_ingest(s, "Riverside", "r1", paths, n, st, err);
    art_store_close(s);
    ingest_digest(db_path, out);
    return r;
}

/* Files are read and parsed ahead on other threads, but written in order:
 * the store is the same row for row whatever the number of threads. */
static void test_ingest_threads_change_nothing(void)
{
    const char *paths[] = {art_test_src("examples/riverside"),
                           art_test_src("tests/data/store/site")};
    char one[65], many[65], two[65];
    art_ingest_stats st1, st8, st2;
    art_error err;
    CU_ASSERT_EQUAL(ingest_with_jobs("jobs1", 1, paths, 2, &st1, &err, one), ART_OK);
    CU_ASSERT_EQUAL(ingest_with_jobs("jobs8", 8, paths, 2, &st8, &err, many), ART_OK);
    CU_ASSERT_EQUAL(ingest_with_jobs("jobs2", 2, paths, 2, &st2, &err, two), ART_OK);
    CU_ASSERT_STRING_EQUAL(one, many);
    CU_ASSERT_STRING_EQUAL(one, two);
    CU_ASSERT_EQUAL(st1.segments, st8.segments);
    CU_ASSERT_EQUAL(st1.codings, st8.codings);
    CU_ASSERT_EQUAL(st1.files_seen, st8.files_seen);
    CU_ASSERT_TRUE(st1.segments > 500);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* With threads loading ahead, the error reported is still that of the
 * first bad file in the plan's order, and nothing is kept. */
static void test_ingest_threads_report_the_first_error(void)
{
    const char *dir = art_test_tmpdir("jobs-bad");
    char folder[4200], path[4300];
    snprintf(folder, sizeof folder, "%s/site", dir);
    mkdir(folder, 0700);
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof path, "%s/doc-%02d.txt", folder, i);
        write_file(path, "Practitioners are trusted to do the right thing.\n\nWe work "
                         "alongside the voluntary sector at the community hub.\n");
    }
    /* Two bad files: the first in order is the one named. */
    snprintf(path, sizeof path, "%s/doc-05.docx", folder);
    write_file(path, "this is not a zip container");
    snprintf(path, sizeof path, "%s/doc-30.csv", folder);
    write_file(path, "what,is,this\n1,2,3\n");
    const char *paths[] = {folder};
    for (int jobs = 1; jobs <= 8; jobs *= 2) {
        char tag[32], digest[65], empty[65];
        snprintf(tag, sizeof tag, "jobs-bad-%d", jobs);
        art_ingest_stats st;
        art_error err;
        art_status r = ingest_with_jobs(tag, jobs, paths, 1, &st, &err, digest);
        CU_ASSERT_NOT_EQUAL(r, ART_OK);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "doc-05.docx"));
        CU_ASSERT_PTR_NULL(strstr(err.message, "doc-30.csv"));
        CU_ASSERT_EQUAL(st.segments, 0);
        art_store *s = fresh_store(tag);
        art_store_close(s);
        ingest_digest(db_path, empty);
        CU_ASSERT_STRING_EQUAL(digest, empty);
    }
}

/* An empty folder is an empty round, not an error (and no qsort of NULL,
 * which UBSan reports). */
static void test_ingest_empty_folder(void)
{
    char folder[4200];
    snprintf(folder, sizeof folder, "%s/empty", art_test_tmpdir("empty-folder"));
    mkdir(folder, 0700);
    art_store *s = fresh_store("empty-folder-store");
    CU_ASSERT_FATAL(s != NULL);
    const char *paths[] = {folder};
    art_ingest_stats st;
    art_error err;
    CU_ASSERT_EQUAL(art_store_ingest(s, "Nowhere", "r1", paths, 1, &st, &err), ART_OK);
    CU_ASSERT_EQUAL(st.files_seen, 0);
    CU_ASSERT_EQUAL(st.segments, 0);
    art_counts c;
    CU_ASSERT_EQUAL(art_store_counts(s, "Nowhere", "r1", &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c.sources, 0);
    art_store_close(s);
}

static void test_codes_tree(void)
{
    art_store *s = fresh_store("codes");
    ingest_site(s, "r1", NULL);
    code_list l = {0};
    art_error err;
    CU_ASSERT_EQUAL(art_store_each_code(s, "Testshire", collect_code, &l, &err), ART_OK);
    CU_ASSERT_EQUAL(l.count, 6);
    CU_ASSERT_STRING_EQUAL(l.paths[0], "Hierarchy");
    CU_ASSERT_EQUAL(l.depth[0], 0);
    CU_ASSERT_STRING_EQUAL(l.paths[2], "Hierarchy/Toward low pole/Panel sign-off");
    CU_ASSERT_EQUAL(l.depth[2], 2);
    CU_ASSERT_EQUAL(l.n[2], 2);  /* two coders */
    CU_ASSERT_EQUAL(l.n[0], 0);
    CU_ASSERT_STRING_EQUAL(l.paths[5], "Trust/Toward CLS/Listened to");
    CU_ASSERT_EQUAL(l.n[5], 1);
    CU_ASSERT_EQUAL(art_store_each_code(s, "Elsewhere", collect_code, &l, &err), ART_ERR_NOTFOUND);
    art_store_close(s);
}

static const art_seg_view *find_seg(const art_corpus *c, const char *needle)
{
    for (size_t i = 0; i < c->nsegs; i++)
        if (strstr(c->segs[i].text, needle))
            return &c->segs[i];
    return NULL;
}

static void test_corpus_pseudonymised(void)
{
    art_store *s = fresh_store("corpus");
    ingest_site(s, "r1", NULL);
    art_corpus *c = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_load_corpus(s, "Testshire", "r1", NULL, &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c->nsegs, 7);  /* the doubly coded excerpt is one segment */
    for (size_t i = 1; i < c->nsegs; i++)
        CU_ASSERT_TRUE(c->segs[i - 1].id < c->segs[i].id);
    const art_seg_view *v = find_seg(c, "listened to what matters");
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_STRING_EQUAL(v->text, "P01 listened to what matters to us, and P02 felt heard; P01 was kind.");
    CU_ASSERT_STRING_EQUAL(v->participant, "P02");
    CU_ASSERT_EQUAL(v->voice, ART_VOICE_LIVED);
    CU_ASSERT_EQUAL(v->kind, ART_SRC_INTERVIEW);
    CU_ASSERT_EQUAL(v->level, ART_LEVEL_ASSUMPTION);
    CU_ASSERT_STRING_EQUAL(v->document, "Interview 02");
    CU_ASSERT_STRING_EQUAL(v->locator, "Interview 02, row 3");
    CU_ASSERT_EQUAL(v->ncodes, 1);
    CU_ASSERT_STRING_EQUAL(v->codes[0], "Trust/Toward CLS/Listened to");
    v = find_seg(c, "goes to panel");
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_EQUAL(v->ncodes, 2);
    CU_ASSERT_STRING_EQUAL(v->coders[0], "coder-a");
    CU_ASSERT_STRING_EQUAL(v->coders[1], "coder-b");
    CU_ASSERT_EQUAL(v->voice, ART_VOICE_LOCAL_AUTHORITY);
    v = find_seg(c, "Decisions are made");
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_EQUAL(v->kind, ART_SRC_DOCUMENT);
    CU_ASSERT_STRING_EQUAL(v->source, "policy.txt");
    CU_ASSERT_STRING_EQUAL(v->locator, "para 1, sentence 2, chars 50-89");
    CU_ASSERT_PTR_NULL(v->participant);
    CU_ASSERT_EQUAL(v->level, ART_LEVEL_ESPOUSED);
    art_corpus_free(c);

    art_corpus_opts reveal = {.reveal_names = 1};
    CU_ASSERT_EQUAL_FATAL(art_store_load_corpus(s, "Testshire", "r1", &reveal, &c, &err), ART_OK);
    v = find_seg(c, "listened to what matters");
    CU_ASSERT_FATAL(v != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(v->text, "Maya Okafor listened"));
    CU_ASSERT_STRING_EQUAL(v->participant, "Tom Reed");
    art_corpus_free(c);
    CU_ASSERT_EQUAL(art_store_load_corpus(s, "Testshire", "nope", NULL, &c, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NULL(c);
    art_store_close(s);
}

static void test_save_and_load_assessment(void)
{
    art_store *s = fresh_store("runs");
    ingest_site(s, "r1", NULL);
    art_error err;
    char *xml;
    size_t len;
    art_rubric *rb;
    art_assessment *a = blank_run(&rb, &xml, &len);
    art_dim_score *d = &a->dims[0];
    d->score = 42.5;
    d->espoused = 70;
    d->enacted = 15;
    d->gap = d->target - d->score;
    d->confidence = 0.5;
    d->level = 3;
    d->nsources = 2;
    d->nvoices = 1;
    d->voice_counts[ART_VOICE_LIVED] = 1;
    d->ev = calloc(1, sizeof *d->ev);
    d->nev = 1;
    d->ev[0] = (art_evidence){.segment_id = 0, .source = strdup("policy.txt"),
                              .locator = strdup("para 1"), .quote = strdup("We trust P01."),
                              .participant = strdup("P01"), .indicator = strdup("trust*"),
                              .direction = 1, .level = ART_LEVEL_ESPOUSED,
                              .voice = ART_VOICE_LIVED, .facet = ART_FACET_ENACTED, .weight = 2};
    a->plugins = calloc(1, sizeof *a->plugins);
    a->nplugins = 1;
    a->plugins[0].name = strdup("broken");
    a->plugins[0].status = ART_ERR_LIMIT;
    a->plugins[0].error = strdup("broken: instruction budget exceeded");
    CU_ASSERT_EQUAL(art_store_save_assessment(s, a, xml, len, &err), ART_OK);

    art_assessment *b = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_load_assessment(s, "Testshire", "r1", &b, &err), ART_OK);
    CU_ASSERT_EQUAL(b->ndims, a->ndims);
    CU_ASSERT_STRING_EQUAL(b->rubric_sha256, rb->sha256);
    CU_ASSERT_STRING_EQUAL(b->dims[0].id, rb->dims[0].id);
    CU_ASSERT_DOUBLE_EQUAL(b->dims[0].score, 42.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(b->dims[0].enacted, 15, 1e-9);
    CU_ASSERT_EQUAL(b->dims[0].voice_counts[ART_VOICE_LIVED], 1);
    CU_ASSERT_EQUAL(b->dims[0].nev, 1);
    CU_ASSERT_STRING_EQUAL(b->dims[0].ev[0].quote, "We trust P01.");
    CU_ASSERT_EQUAL(b->dims[0].ev[0].facet, ART_FACET_ENACTED);
    CU_ASSERT_EQUAL(b->dims[0].ev[0].level, ART_LEVEL_ESPOUSED);
    CU_ASSERT_TRUE(isnan(b->dims[1].score));
    CU_ASSERT_EQUAL(b->nplugins, 1);
    CU_ASSERT_EQUAL(b->plugins[0].status, ART_ERR_LIMIT);
    CU_ASSERT_STRING_EQUAL(b->plugins[0].error, "broken: instruction budget exceeded");
    CU_ASSERT_EQUAL(b->counts.segments, 7);
    art_assessment_free(b);
    CU_ASSERT_EQUAL(art_store_load_assessment(s, "Testshire", "r2", &b, &err), ART_ERR_NOTFOUND);

    art_assessment_free(a);
    art_rubric_free(rb);
    free(xml);
    art_store_close(s);
}

/* A run's evidence and ladder rows are written several a statement: with
 * dimensions holding none, fewer, exactly, one over and many times the
 * batch, every row is stored as one-row inserts stored it (ids following
 * on in dimension order, ordinals within the dimension, NULL for no
 * segment or participant) and loads back. */
static void test_save_batches_rows(void)
{
    static const size_t nev[] = {0, 15, 16, 17, 0, 1, 33, 2, 0, 5, 16, 48};
    art_store *s = fresh_store("run-batches");
    ingest_site(s, "r1", NULL);
    art_error err;
    char *xml;
    size_t len;
    art_rubric *rb;
    art_assessment *a = blank_run(&rb, &xml, &len);
    size_t total = 0;
    for (size_t i = 0; i < a->ndims && i < sizeof nev / sizeof nev[0]; i++) {
        art_dim_score *d = &a->dims[i];
        d->ev = calloc(nev[i] ? nev[i] : 1, sizeof *d->ev);
        CU_ASSERT_FATAL(d->ev != NULL);
        d->nev = nev[i];
        for (size_t k = 0; k < nev[i]; k++) {
            char q[64];
            snprintf(q, sizeof q, "quote %zu of %s", k, d->id);
            d->ev[k] = (art_evidence){.segment_id = (int64_t)((total + k) % 8),  /* 0: none */
                                      .source = strdup("policy.txt"), .locator = strdup("p"),
                                      .quote = strdup(q),
                                      .participant = k % 3 ? strdup("P01") : NULL,
                                      .indicator = strdup("trust*"),
                                      .direction = k % 2 ? -1 : 1, .level = ART_LEVEL_ESPOUSED,
                                      .voice = ART_VOICE_LIVED, .facet = ART_FACET_ENACTED,
                                      .weight = 0.5 + (double)k};
        }
        total += nev[i];
    }
    const size_t nladder = 35;
    a->ladder.items = calloc(nladder, sizeof *a->ladder.items);
    CU_ASSERT_FATAL(a->ladder.items != NULL);
    a->ladder.nitems = nladder;
    for (size_t i = 0; i < nladder; i++) {
        char q[64];
        snprintf(q, sizeof q, "ladder quote %zu", i);
        a->ladder.items[i] = (art_ladder_item){.segment_id = (int64_t)(i % 8),
                                               .rung = 1 + (int)(i % 7),
                                               .scope = (art_scope)(i % 3),
                                               .facet = ART_FACET_ESPOUSED,
                                               .source = strdup("policy.txt"),
                                               .locator = strdup("p"), .quote = strdup(q),
                                               .phrase = i % 4 ? strdup("co-design") : NULL};
    }
    CU_ASSERT_EQUAL_FATAL(art_store_save_assessment(s, a, xml, len, &err), ART_OK);
    art_store_close(s);

    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(db,
                           "SELECT id, dimension, ordinal, segment_id, quote, participant, "
                           "direction, weight, run_id FROM evidence ORDER BY id",
                           -1, &q, NULL),
        SQLITE_OK);
    size_t dim = 0, k = 0, rows = 0;
    long long first_id = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        while (dim < a->ndims && k == a->dims[dim].nev) {
            dim++;
            k = 0;
        }
        CU_ASSERT_FATAL(dim < a->ndims);
        const art_evidence *e = &a->dims[dim].ev[k];
        if (rows == 0)
            first_id = sqlite3_column_int64(q, 0);
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 0), first_id + (long long)rows);
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 1), a->dims[dim].id);
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 2), (long long)k);
        if (e->segment_id > 0) {
            CU_ASSERT_EQUAL(sqlite3_column_int64(q, 3), e->segment_id);
        } else {
            CU_ASSERT_EQUAL(sqlite3_column_type(q, 3), SQLITE_NULL);
        }
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 4), e->quote);
        if (e->participant) {
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 5), e->participant);
        } else {
            CU_ASSERT_EQUAL(sqlite3_column_type(q, 5), SQLITE_NULL);
        }
        CU_ASSERT_EQUAL(sqlite3_column_int(q, 6), e->direction);
        CU_ASSERT_DOUBLE_EQUAL(sqlite3_column_double(q, 7), e->weight, 1e-12);
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 8), 1);
        k++;
        rows++;
    }
    sqlite3_finalize(q);
    CU_ASSERT_EQUAL(rows, total);
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(db,
                           "SELECT ordinal, segment_id, rung, scope, quote, phrase "
                           "FROM ladder_items ORDER BY ordinal",
                           -1, &q, NULL),
        SQLITE_OK);
    rows = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        CU_ASSERT_FATAL(rows < nladder);
        const art_ladder_item *it = &a->ladder.items[rows];
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 0), (long long)rows);
        if (it->segment_id > 0) {
            CU_ASSERT_EQUAL(sqlite3_column_int64(q, 1), it->segment_id);
        } else {
            CU_ASSERT_EQUAL(sqlite3_column_type(q, 1), SQLITE_NULL);
        }
        CU_ASSERT_EQUAL(sqlite3_column_int(q, 2), it->rung);
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 3), art_scope_id(it->scope));
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 4), it->quote);
        if (it->phrase) {
            CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 5), it->phrase);
        } else {
            CU_ASSERT_EQUAL(sqlite3_column_type(q, 5), SQLITE_NULL);
        }
        rows++;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    CU_ASSERT_EQUAL(rows, nladder);

    /* and a stored run reads back what was saved */
    CU_ASSERT_EQUAL_FATAL(art_store_open(db_path, &s, &err), ART_OK);
    art_assessment *b = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_load_assessment(s, "Testshire", "r1", &b, &err), ART_OK);
    for (size_t i = 0; i < a->ndims; i++) {
        CU_ASSERT_EQUAL(b->dims[i].nev, a->dims[i].nev);
        for (size_t j = 0; j < a->dims[i].nev && j < b->dims[i].nev; j++)
            CU_ASSERT_STRING_EQUAL(b->dims[i].ev[j].quote, a->dims[i].ev[j].quote);
    }
    CU_ASSERT_EQUAL(b->ladder.nitems, nladder);
    art_assessment_free(b);
    art_store_close(s);
    art_assessment_free(a);
    art_rubric_free(rb);
    free(xml);
}

/* Document segments are written several rows a statement: whatever a
 * document's count against the batch size (under, exactly, one over, many
 * and a tail), every row is its parsed segment, at its ordinal, with ids
 * following on across documents as one-row inserts gave them. */
static void test_ingest_segment_batches(void)
{
    static const int sentences[] = {1, 31, 32, 33, 64, 70, 200};
    const size_t nfiles = sizeof sentences / sizeof sentences[0];
    char dir[4200], path[4300];
    snprintf(dir, sizeof dir, "%s", art_test_tmpdir("batches-site"));   /* a static buffer */
    for (size_t f = 0; f < nfiles; f++) {
        snprintf(path, sizeof path, "%s/doc-%02zu.txt", dir, f);
        art_buf t;
        art_buf_init(&t);
        for (int k = 0; k < sentences[f]; k++)
            art_buf_printf(&t, "Sentence %d of file %zu is here.%s", k, f,
                           k % 10 == 9 ? "\n\n" : " ");
        CU_ASSERT_FALSE_FATAL(t.failed);
        write_file(path, t.data);
        art_buf_free(&t);
    }
    art_store *s = fresh_store("batches");
    CU_ASSERT_FATAL(s != NULL);
    const char *paths[] = {dir};
    art_ingest_stats st;
    art_error err;
    art_status r = art_store_ingest(s, "Batchshire", "r1", paths, 1, &st, &err);
    if (r != ART_OK)
        fprintf(stderr, "ingest: %s\n", err.message);
    CU_ASSERT_EQUAL_FATAL(r, ART_OK);
    art_store_close(s);

    long total = 0;
    for (size_t f = 0; f < nfiles; f++)
        total += sentences[f];
    CU_ASSERT_EQUAL(st.segments, total);

    sqlite3 *db;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q;
    CU_ASSERT_EQUAL_FATAL(
        sqlite3_prepare_v2(db,
                           "SELECT g.id, g.ordinal, g.paragraph, g.sentence, g.start_cp, g.end_cp, "
                           "g.block, g.document IS NULL AND g.participant_id IS NULL, g.text, "
                           "s.path FROM segments g JOIN sources s ON s.id = g.source_id "
                           "ORDER BY g.id",
                           -1, &q, NULL),
        SQLITE_OK);
    long long prev_id = 0;
    size_t f = 0, i = 0, rows = 0;
    art_document *doc = NULL;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *src = (const char *)sqlite3_column_text(q, 9);
        if (!doc || i == doc->nsegs) {
            art_document_free(doc);
            doc = NULL;
            CU_ASSERT_FATAL(f < nfiles);
            snprintf(path, sizeof path, "%s/doc-%02zu.txt", dir, f);
            CU_ASSERT_STRING_EQUAL(src, path);
            size_t len;
            char *data = art_test_read_abs(path, &len);
            CU_ASSERT_EQUAL_FATAL(art_doc_parse_text(data, len, path, &doc, &err), ART_OK);
            free(data);
            CU_ASSERT_EQUAL(doc->nsegs, (size_t)sentences[f]);
            f++;
            i = 0;
        }
        const art_segment *sg = &doc->segs[i];
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 0), prev_id + 1);
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 1), (long long)i);
        CU_ASSERT_EQUAL(sqlite3_column_int(q, 2), sg->paragraph);
        CU_ASSERT_EQUAL(sqlite3_column_int(q, 3), sg->sentence);
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 4), sg->start);
        CU_ASSERT_EQUAL(sqlite3_column_int64(q, 5), sg->end);
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 6),
                               art_block_kind_id(sg->block));
        CU_ASSERT_EQUAL(sqlite3_column_int(q, 7), 1);
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(q, 8), sg->text);
        prev_id = sqlite3_column_int64(q, 0);
        i++;
        rows++;
    }
    art_document_free(doc);
    sqlite3_finalize(q);
    /* each document's segments summed up as they were written */
    char *spans = art_test_query_rows(db_path, SPANS_WRONG);
    char want[32];
    snprintf(want, sizeof want, "0|%zu\n", nfiles);
    CU_ASSERT_STRING_EQUAL(spans, want);
    free(spans);
    sqlite3_close(db);
    CU_ASSERT_EQUAL(f, nfiles);
    CU_ASSERT_EQUAL(rows, (size_t)total);
}

void art_test_register(void)
{
    ART_SUITE("store",
              {"open creates a 0600 WAL store", test_open_creates_private_file},
              {"open rejects newer and foreign files", test_open_rejects_newer_and_foreign_files},
              {"ingest counts; re-ingest changes nothing", test_ingest_counts_and_idempotence},
              {"round counts, digest and voices follow every change",
               test_round_facts_follow_changes},
              {"a schema 6 store gets the participant index", test_migrates_to_participant_index},
              {"a schema 7 store's run rows lose their segment keys",
               test_migrates_run_rows_without_segment_keys},
              {"sources' segments summed up, and counted when not", test_source_spans},
              {"a bad file leaves the store as it was", test_ingest_is_one_transaction},
              {"unknown and missing files", test_ingest_rejects_unknown_and_missing},
              {"ingest threads change nothing", test_ingest_threads_change_nothing},
              {"ingest threads report the first error", test_ingest_threads_report_the_first_error},
              {"an empty folder is an empty round", test_ingest_empty_folder},
              {"document segments in batches are the rows one at a time",
               test_ingest_segment_batches},
              {"codes form a tree", test_codes_tree},
              {"corpus is pseudonymised", test_corpus_pseudonymised},
              {"runs are saved and loaded", test_save_and_load_assessment},
              {"a run's evidence and ladder in batches are the rows one at a time",
               test_save_batches_rows});
}
