/* Shared test helpers: every suite file defines art_test_register(). */
#ifndef ART_TESTUTIL_H
#define ART_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <stddef.h>

/* Each test program defines this: add its suites to the registry. */
void art_test_register(void);

/* Path of a file under the source tree (ART_TEST_SRCDIR), in a static buffer
 * rotation of 8 (so a few may be used at once). */
const char *art_test_src(const char *rel);
/* A fresh empty directory under the build tree for this test; static buffer. */
const char *art_test_tmpdir(const char *tag);
/* Read a file from the source tree; aborts the test program if missing. */
char *art_test_slurp(const char *rel, size_t *len);

/* A whole file outside the source tree (NUL-terminated), or NULL. */
char *art_test_read_abs(const char *path, size_t *len);
/* Run `artefact ARGS` ($ART_CLI) from the source tree; *out and *err get
 * what it printed (free both).  Returns the exit code, 128 + signal when it
 * was killed. */
int art_test_cli(const char *args, char **out, char **err);
int art_test_count_lines(const char *s);
/* Compare actual with the golden file at rel (source tree); with
 * ART_UPDATE_GOLDEN set, rewrite the golden file first. */
void art_test_golden(const char *rel, const char *actual);
/* A digest of every row of every table of a store: equal digests, same data. */
void art_test_store_digest(const char *db_path, char out[65]);
/* Every row of a query on the store at db_path (read only), columns joined
 * by '|', each row ended by '\n' ("NULL" for NULL); "" for no rows.  Freed
 * by the caller. */
char *art_test_query_rows(const char *db_path, const char *sql);
/* How many sources' segment summaries (source_spans, schema 9) are missing
 * or disagree with their segments. */
#define ART_TEST_SPANS_WRONG                                                              \
    "SELECT count(*) FROM sources s LEFT JOIN source_spans p ON p.source_id = s.id "      \
    "WHERE p.source_id IS NULL "                                                          \
    "OR p.nsegments != (SELECT count(*) FROM segments g WHERE g.source_id = s.id) "       \
    "OR p.seg_min IS NOT (SELECT min(g.id) FROM segments g WHERE g.source_id = s.id) "    \
    "OR p.seg_max IS NOT (SELECT max(g.id) FROM segments g WHERE g.source_id = s.id)"

/* Both NULL, or equal strings. */
int art_test_same_str(const char *a, const char *b);
/* How many things differ between two assessments of the same corpus: each
 * plugin's status, error line, name and emits (dimension, facet, score,
 * weight, evidence), each dimension's score, evidence and dictionary
 * shares, the ladder's passages, counts and highest sustained rung; 0 when
 * they are the same.  (Declared with incomplete types so suites that never
 * assess need not include artefact.h.) */
struct art_assessment;
size_t art_test_assessment_differences(const struct art_assessment *x,
                                       const struct art_assessment *y);

/* SQLite's progress handler (art_test_trip, with one of these as its
 * argument), counting VM steps: once armed (fail_at > 0) it interrupts the
 * statement running at step fail_at, and every step after it unless
 * `once` (then what the library does next, releasing a savepoint say, runs,
 * as after a real failure). */
typedef struct art_test_tripwire {
    long calls, fail_at;
    int once;
} art_test_tripwire;
int art_test_trip(void *ud);
/* For a store's reader_hook (store_internal.h): arms each read-only
 * connection the store opens with a tripwire of its own (at most 8; the
 * hook runs on the thread that opens them), as fail_at and once say. */
typedef struct art_test_reader_trips {
    art_test_tripwire t[8];
    int n;
    long fail_at;
    int once;
} art_test_reader_trips;
struct sqlite3;
void art_test_arm_reader(void *ud, struct sqlite3 *db);
/* For a store's reader_hook: counts the connections (ud: an int). */
void art_test_count_reader(void *ud, struct sqlite3 *db);

/* Add a suite with tests in one call: ART_SUITE("name", {"t1", f1}, ...). */
typedef struct art_test_case { const char *name; CU_TestFunc fn; } art_test_case;
void art_test_add_suite(const char *name, const art_test_case *cases, size_t n);
#define ART_SUITE(name, ...)                                                   \
    do {                                                                       \
        static const art_test_case cases_[] = {__VA_ARGS__};                    \
        art_test_add_suite(name, cases_, sizeof cases_ / sizeof cases_[0]);    \
    } while (0)

#endif
