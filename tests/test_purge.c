/* Privacy: store files are private, reports never name participants, and
 * purge leaves no trace of a participant (or a site) in the file's bytes. */
#include "testutil.h"
#include "internal.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char tmp[4096];



static bool bytes_contain(const char *data, size_t len, const char *needle)
{
    size_t nl = strlen(needle);
    for (size_t i = 0; i + nl <= len; i++)
        if (memcmp(data + i, needle, nl) == 0)
            return true;
    return false;
}

/* The store's file and its WAL (when there is one) hold needle. */
static bool store_bytes_contain(const char *db, const char *needle)
{
    bool found = false;
    const char *suffixes[] = {"", "-wal", "-journal"};
    for (int i = 0; i < 3 && !found; i++) {
        char path[4300];
        snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
        size_t len;
        char *data = art_test_read_abs(path, &len);
        if (data)
            found = bytes_contain(data, len, needle);
        free(data);
    }
    return found;
}

/* One text value from the store (NULL if no row). */
static char *query_text(const char *db, const char *sql)
{
    sqlite3 *h;
    CU_ASSERT_FATAL(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = art_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return v;
}

static long long query_int(const char *db, const char *sql)
{
    char *v = query_text(db, sql);
    long long n = v ? atoll(v) : -1;
    free(v);
    return n;
}

/* Every participant name in the example's interviews. */
static art_coded_set *riverside_names(void)
{
    size_t len;
    char *csv = art_test_slurp("examples/riverside/interviews.csv", &len);
    art_coded_set *set = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_coded_parse_csv(csv, len, "interviews.csv", &set, &err), ART_OK);
    free(csv);
    return set;
}

static void set_paths(const char *tag)
{
    snprintf(tmp, sizeof tmp, "%s", art_test_tmpdir(tag));
}

static void test_store_files_private(void)
{
    set_paths("purge-mode");
    char db[4300], side[4400];
    snprintf(db, sizeof db, "%s/m.db", tmp);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db, &s, &err), ART_OK);
    const char *paths[] = {art_test_src("tests/data/store/site/policy.txt")};
    art_ingest_stats stats;
    CU_ASSERT_EQUAL(art_store_ingest(s, "Mode", "r1", paths, 1, &stats, &err), ART_OK);
    /* While the store is open after a write, the WAL and its index exist:
     * they hold interview text too, so they must be as private as the file. */
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(side, sizeof side, "%s%s", db, suffixes[i]);
        struct stat st;
        CU_ASSERT_EQUAL(stat(side, &st), 0);
        CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    }
    art_store_close(s);
}

/* assess with every format: no participant name on stdout or stderr. */
static void test_no_names_in_reports(void)
{
    set_paths("purge-report");
    art_coded_set *set = riverside_names();
    CU_ASSERT(set->nparticipants >= 5);
    const char *formats[] = {"text", "markdown", "json", "html"};
    for (int f = 0; f < 4; f++) {
        char args[9000], *out, *err;
        snprintf(args, sizeof args,
                 "assess examples/riverside --db '%s/r.db' --site Riverside --round 2026-q4 "
                 "--format %s",
                 tmp, formats[f]);
        CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
        CU_ASSERT(strlen(out) > 1000);
        for (size_t i = 0; i < set->nparticipants; i++) {
            const char *name = set->participants[i].name;
            bool leaked = strstr(out, name) || strstr(err, name);
            CU_ASSERT_FALSE(leaked);
            if (leaked)
                fprintf(stderr, "\n%s report names participant %zu\n", formats[f], i + 1);
        }
        free(out);
        free(err);
    }
    art_coded_set_free(set);
}

static void test_purge_participant(void)
{
    set_paths("purge-one");
    char db[4300], args[9000], sql[512], *out, *err;
    snprintf(db, sizeof db, "%s/p.db", tmp);
    snprintf(args, sizeof args,
             "assess examples/riverside --db '%s' --site Riverside --round 2026-q4 --format json",
             db);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    free(out);
    free(err);

    char *name = query_text(db, "SELECT name FROM participants WHERE pseudonym = 'P01'");
    char *other = query_text(db, "SELECT name FROM participants WHERE pseudonym = 'P02'");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    /* Their longest sentence: distinctive enough to be theirs alone. */
    char *sentence = query_text(db, "SELECT s.text FROM segments s JOIN participants p ON "
                                    "p.id = s.participant_id WHERE p.pseudonym = 'P01' "
                                    "ORDER BY length(s.text) DESC LIMIT 1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sentence);
    CU_ASSERT(strlen(sentence) > 40);
    long long parts = query_int(db, "SELECT count(*) FROM participants");
    long long evidence = query_int(db, "SELECT count(*) FROM evidence");
    CU_ASSERT(evidence > 0);
    /* Evidence and ladder rows quote their segments, named by id without a
     * foreign key (migration 8): the purge itself must remove them. */
    static const char THEIRS[] =
        "SELECT count(*) FROM evidence e JOIN segments g ON g.id = e.segment_id "
        "JOIN participants p ON p.id = g.participant_id WHERE p.pseudonym = 'P01'";
    static const char *const DANGLING[] = {
        "SELECT count(*) FROM evidence WHERE segment_id IS NOT NULL AND "
        "segment_id NOT IN (SELECT id FROM segments)",
        "SELECT count(*) FROM ladder_items WHERE segment_id IS NOT NULL AND "
        "segment_id NOT IN (SELECT id FROM segments)",
    };
    CU_ASSERT(query_int(db, THEIRS) > 0);
    /* (the ladder quotes others of the site's interviews, not P01's) */
    long long ladder = query_int(db, "SELECT count(*) FROM ladder_items");
    CU_ASSERT(ladder > 0);
    /* A critical friend names them in a review (kept as written)... */
    snprintf(args, sizeof args,
             "review --db '%s' --site Riverside --dimension trust --by 'Critical friend' "
             "--rationale 'As %s told us, panels still decide.'",
             db, name);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    free(out);
    free(err);
    CU_ASSERT_TRUE(store_bytes_contain(db, name));
    CU_ASSERT_TRUE(store_bytes_contain(db, sentence));

    /* An unknown participant: refused in one line that does not repeat it. */
    snprintf(args, sizeof args, "purge --participant 'Nobody Atall' --site Riverside --db '%s'", db);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "has no such participant"));
    CU_ASSERT_PTR_NULL(strstr(err, "Nobody"));
    free(out);
    free(err);
    snprintf(args, sizeof args, "purge --participant P01 --db '%s'", db);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
    free(out);
    free(err);

    snprintf(args, sizeof args, "purge --participant P01 --site Riverside --db '%s'", db);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(err, "artefact: purged the participant from site Riverside\n");
    free(out);
    free(err);

    CU_ASSERT_FALSE(store_bytes_contain(db, name));
    CU_ASSERT_FALSE(store_bytes_contain(db, sentence));
    /* Each part of the name too ("Maya" in someone else's sentence). */
    char *part = art_strdup(name);
    for (char *w = strtok(part, " "); w; w = strtok(NULL, " "))
        CU_ASSERT_FALSE(store_bytes_contain(db, w));
    free(part);
    CU_ASSERT_TRUE(store_bytes_contain(db, other));
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM participants"), parts - 1);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM participants WHERE pseudonym = 'P01'"), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM evidence WHERE participant = 'P01'");
    CU_ASSERT_EQUAL(query_int(db, sql), 0);
    CU_ASSERT(query_int(db, "SELECT count(*) FROM evidence") > 0);
    CU_ASSERT(query_int(db, "SELECT count(*) FROM evidence") < evidence);
    CU_ASSERT(query_int(db, "SELECT count(*) FROM segments WHERE text LIKE '%[removed]%'") >= 0);
    char *ok = query_text(db, "PRAGMA integrity_check");
    CU_ASSERT_STRING_EQUAL(ok ? ok : "", "ok");
    free(ok);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    /* every source's segments summed up again (migration 9) */
    CU_ASSERT_EQUAL(query_int(db, ART_TEST_SPANS_WRONG), 0);
    CU_ASSERT_EQUAL(query_int(db, DANGLING[0]), 0);
    CU_ASSERT_EQUAL(query_int(db, DANGLING[1]), 0);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ladder_items"), ladder);
    /* ...the review's rationale lost the name, and reviews are kept as
     * written again afterwards. */
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM reviews WHERE rationale LIKE "
                                  "'As [removed] told us%'"), 1);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                  "AND name = 'reviews_kept'"), 1);

    /* The store still reports. */
    snprintf(args, sizeof args, "report --db '%s' --site Riverside --format json", db);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NULL(strstr(out, sentence));
    free(out);
    free(err);

    /* Then the whole site. */
    snprintf(args, sizeof args, "purge --site Riverside --db '%s'", db);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(err, "artefact: purged site Riverside\n");
    free(out);
    free(err);
    CU_ASSERT_FALSE(store_bytes_contain(db, other));
    CU_ASSERT_FALSE(store_bytes_contain(db, "Riverside"));
    const char *tables[] = {"sites", "rounds", "sources", "segments", "participants",
                            "participant_attrs", "codes", "codings", "rubric_runs",
                            "scores", "evidence", "ladder_items", "source_spans"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        CU_ASSERT_EQUAL(query_int(db, sql), 0);
    }
    ok = query_text(db, "PRAGMA integrity_check");
    CU_ASSERT_STRING_EQUAL(ok ? ok : "", "ok");
    free(ok);
    snprintf(args, sizeof args, "purge --site Riverside --db '%s'", db);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no site named 'Riverside'"));
    free(out);
    free(err);
    free(name);
    free(other);
    free(sentence);
}

/* The library call, by name instead of pseudonym, leaves others' rows. */
static void test_purge_by_name_api(void)
{
    set_paths("purge-api");
    char db[4300];
    snprintf(db, sizeof db, "%s/a.db", tmp);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db, &s, &err), ART_OK);
    const char *paths[] = {art_test_src("tests/data/store/site")};
    art_ingest_stats stats;
    CU_ASSERT_EQUAL_FATAL(art_store_ingest(s, "Testshire", "r1", paths, 1, &stats, &err), ART_OK);
    art_counts before, after;
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r1", &before, &err), ART_OK);
    char *name = query_text(db, "SELECT name FROM participants ORDER BY id LIMIT 1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(name);
    CU_ASSERT_EQUAL(art_store_purge_participant(s, "Nowhere", name, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(art_store_purge_participant(s, "Testshire", "P99", &err), ART_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(art_store_purge_participant(s, "Testshire", name, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_counts(s, "Testshire", "r1", &after, &err), ART_OK);
    CU_ASSERT_EQUAL(after.participants, before.participants - 1);
    CU_ASSERT(after.segments < before.segments);
    CU_ASSERT_EQUAL(after.documents, before.documents);
    CU_ASSERT_EQUAL(art_store_purge_site(s, "Testshire", &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_counts(s, NULL, NULL, &after, &err), ART_OK);
    CU_ASSERT_EQUAL(after.sources, 0);
    CU_ASSERT_EQUAL(after.segments, 0);
    art_store_close(s);
    CU_ASSERT_FALSE(store_bytes_contain(db, name));
    free(name);
}

void art_test_register(void)
{
    ART_SUITE("privacy", {"store files are 0600", test_store_files_private},
              {"no participant name in any report", test_no_names_in_reports},
              {"purge a participant, then the site", test_purge_participant},
              {"purge by name through the library", test_purge_by_name_api});
}
