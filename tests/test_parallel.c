/* Plugins run at once (art_assess over a streamed corpus, store jobs > 1):
 * the same emits, evidence, scores and ladder as one after the other; a
 * failing plugin among good ones is reported and skipped while the others'
 * results stand; a store failure in one thread is one line, no crash. */
#include "testutil.h"
#include "store_internal.h"   /* the store's connection, to make it fail mid-walk */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SITE "Testshire"
#define SENTENCES_N 1500

static const char *const SENTENCES[] = {
    "We trust our practitioners to do the right thing.",
    "Maya Okafor said the panel had no say in it.",
    "Families were made to attend an awareness session.",
    "The board agreed to co-produce the new strategy with carers.",
    "Nothing here changed for the people we support.",
};

/* The store's test site and a document of many paragraphs, so a walk
 * spans batches; *db gets the store's path. */
static art_store *parallel_store(const char *tag, char *db, size_t dbsize)
{
    const char *tmp = art_test_tmpdir(tag);
    char docs[4300], path[4400];
    snprintf(db, dbsize, "%s/store.db", tmp);
    snprintf(docs, sizeof docs, "%s/docs", tmp);
    CU_ASSERT_FATAL(mkdir(docs, 0700) == 0);
    snprintf(path, sizeof path, "%s/big.txt", docs);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    size_t n = sizeof SENTENCES / sizeof SENTENCES[0];
    for (size_t i = 0; i < SENTENCES_N; i++)
        fprintf(f, "%s%s", SENTENCES[i % n], i % 3 == 2 ? "\n\n" : " ");
    fclose(f);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_store_open(db, &s, &err) == ART_OK);
    const char *paths[] = {art_test_src("tests/data/store/site"), docs};
    art_status st = art_store_ingest(s, SITE, "r1", paths, 2, NULL, &err);
    if (st != ART_OK)
        fprintf(stderr, "ingest: %s\n", err.message);
    CU_ASSERT_FATAL(st == ART_OK);
    return s;
}

static art_assessment *assess_jobs(art_store *s, const art_rubric *rb, const art_corpus *c,
                                   const char *const *plugins, size_t n,
                                   const art_plugin_limits *lim, int jobs)
{
    art_store_set_jobs(s, jobs);
    art_assessment *a = NULL;
    art_error err;
    art_status st = art_assess(rb, c, plugins, n, lim, NULL, &a, &err);
    if (st != ART_OK)
        fprintf(stderr, "assess (jobs %d): %s\n", jobs, err.message);
    CU_ASSERT_EQUAL(st, ART_OK);
    return a;
}

static art_rubric *shipped_rubric(void)
{
    art_rubric *rb = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    return rb;
}

/* Three plugins over two threads and over three: thread 0 runs plugins 0
 * and 2 (and carries the ladder and dictionary shares), thread 1 runs
 * plugin 1 over a reader of its own, with batches of 7 segments. */
static void test_parallel_same_as_sequential(void)
{
    char db[4300];
    art_store *s = parallel_store("parallel-same", db, sizeof db);
    art_rubric *rb = shipped_rubric();
    art_error err;
    art_corpus *c = NULL;
    art_corpus_opts o = {.batch_segments = 7};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    const char *plugins[] = {art_test_src("plugins/codes.lua"), art_test_src("plugins/lexical.lua"),
                             art_test_src("plugins/lexical.lua")};
    art_store_set_jobs(s, 1);
    CU_ASSERT_EQUAL(art_corpus_readers(c), 1);
    art_store_set_jobs(s, 3);
    CU_ASSERT_EQUAL(art_corpus_readers(c), 3);
    art_assessment *one = assess_jobs(s, rb, c, plugins, 3, NULL, 1);
    art_assessment *two = assess_jobs(s, rb, c, plugins, 3, NULL, 2);
    art_assessment *three = assess_jobs(s, rb, c, plugins, 3, NULL, 3);
    art_assessment *cores = assess_jobs(s, rb, c, plugins, 3, NULL, 0);
    CU_ASSERT_FATAL(one && two && three && cores);
    size_t nemits = 0;
    for (size_t i = 0; i < one->nplugins; i++) {
        CU_ASSERT_EQUAL(one->plugins[i].status, ART_OK);
        nemits += one->plugins[i].nemits;
    }
    CU_ASSERT_TRUE(nemits > 0);
    CU_ASSERT_TRUE(one->ladder.nitems > 0);
    CU_ASSERT_EQUAL(art_test_assessment_differences(one, two), 0);
    CU_ASSERT_EQUAL(art_test_assessment_differences(one, three), 0);
    CU_ASSERT_EQUAL(art_test_assessment_differences(one, cores), 0);
    art_assessment_free(one);
    art_assessment_free(two);
    art_assessment_free(three);
    art_assessment_free(cores);
    art_corpus_free(c);
    art_rubric_free(rb);
    art_store_close(s);
}

/* A plugin that raises, one past its instruction budget and one past its
 * memory budget, among the shipped ones, run on two threads: each bad one
 * is reported and skipped, the good ones' results stand, all as one after
 * the other. */
static void test_parallel_failing_plugins(void)
{
    char db[4300];
    art_store *s = parallel_store("parallel-failing", db, sizeof db);
    art_rubric *rb = shipped_rubric();
    art_error err;
    art_corpus *c = NULL;
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", NULL, &c, &err) == ART_OK);
    const char *plugins[] = {art_test_src("tests/data/assess/broken.lua"),
                             art_test_src("plugins/lexical.lua"),
                             art_test_src("tests/data/plugins/endless_loop.lua"),
                             art_test_src("plugins/codes.lua"),
                             art_test_src("tests/data/plugins/string_rep.lua")};
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    lim.max_instructions = 50000000;
    art_assessment *one = assess_jobs(s, rb, c, plugins, 5, &lim, 1);
    art_assessment *two = assess_jobs(s, rb, c, plugins, 5, &lim, 2);
    CU_ASSERT_FATAL(one && two);
    CU_ASSERT_EQUAL(two->nplugins, 5);
    CU_ASSERT_NOT_EQUAL(two->plugins[0].status, ART_OK);
    CU_ASSERT_EQUAL(two->plugins[1].status, ART_OK);
    CU_ASSERT_EQUAL(two->plugins[2].status, ART_ERR_LIMIT);
    CU_ASSERT_EQUAL(two->plugins[3].status, ART_OK);
    CU_ASSERT_NOT_EQUAL(two->plugins[4].status, ART_OK);
    for (size_t i = 0; i < two->nplugins; i++)
        if (two->plugins[i].status != ART_OK) {
            CU_ASSERT_PTR_NOT_NULL(two->plugins[i].error);
            CU_ASSERT_PTR_NULL(strchr(two->plugins[i].error ? two->plugins[i].error : "", '\n'));
        }
    CU_ASSERT_TRUE(two->plugins[1].nemits > 0 && two->plugins[3].nemits > 0);
    CU_ASSERT_EQUAL(art_test_assessment_differences(one, two), 0);
    art_assessment_free(one);
    art_assessment_free(two);
    art_corpus_free(c);
    art_rubric_free(rb);
    art_store_close(s);
}

/* The tripwires here (art_test_trip) fire once: what the library does next
 * (release a savepoint, say) runs, so the connection is left as a real
 * failure would leave it. */
/* The store failing in one thread: on the caller's connection (thread 0's
 * walk and evidence) and on thread 1's reader while the other thread
 * walks, and thread 1's reader failing to open.  Either way one line, no assessment, no crash; the threads are
 * joined and their readers freed (the sanitizer builds check the leaks). */
static void test_parallel_store_error(void)
{
    char db[4300], moved[4400];
    art_store *s = parallel_store("parallel-fail", db, sizeof db);
    art_rubric *rb = shipped_rubric();
    art_error err;
    art_corpus *c = NULL;
    art_corpus_opts o = {.batch_segments = 16};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    const char *plugins[] = {art_test_src("plugins/lexical.lua"), art_test_src("plugins/codes.lua")};
    art_store_set_jobs(s, 2);

    /* The caller's connection: the plugins' evidence is read on it. */
    art_test_tripwire t = {0, 200, 1};
    sqlite3_progress_handler(s->db, 1, art_test_trip, &t);
    art_assessment *a = NULL;
    art_error_clear(&err);
    art_status st = art_assess(rb, c, plugins, 2, NULL, NULL, &a, &err);
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "interrupt"));
    /* no transaction left open behind the failure */
    CU_ASSERT_TRUE(sqlite3_get_autocommit(s->db));

    /* Mid-walk on thread 1's reader (thread 0 reads in place: both cores
     * run a plugin; test_stream fails a read-ahead under an assessment). */
    art_test_reader_trips rt = {.fail_at = 2000, .once = 1};
    s->reader_hook = art_test_arm_reader;
    s->reader_hook_ud = &rt;
    art_error_clear(&err);
    st = art_assess(rb, c, plugins, 2, NULL, NULL, &a, &err);
    s->reader_hook = NULL;
    CU_ASSERT_EQUAL(rt.n, 1);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "interrupt"));

    /* The file gone from its name: thread 1's reader cannot open it, and
     * thread 0's plugins run over the caller's connection regardless. */
    snprintf(moved, sizeof moved, "%s.moved", db);
    CU_ASSERT_FATAL(rename(db, moved) == 0);
    art_error_clear(&err);
    st = art_assess(rb, c, plugins, 2, NULL, NULL, &a, &err);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "reader"));
    CU_ASSERT_FATAL(rename(moved, db) == 0);

    /* Put back, the same corpus scores again on both threads. */
    a = assess_jobs(s, rb, c, plugins, 2, NULL, 2);
    CU_ASSERT_PTR_NOT_NULL(a);
    art_assessment_free(a);
    art_corpus_free(c);
    art_rubric_free(rb);
    art_store_close(s);
}

/* Inside a transaction the store's connection may hold writes a reader
 * would not see: scoring stays on the one connection. */
static void test_parallel_not_in_transaction(void)
{
    char db[4300];
    art_store *s = parallel_store("parallel-txn", db, sizeof db);
    art_error err;
    art_corpus *c = NULL;
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", NULL, &c, &err) == ART_OK);
    art_store_set_jobs(s, 2);
    CU_ASSERT_EQUAL(art_corpus_readers(c), 2);
    CU_ASSERT_EQUAL(sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(s->db, "SELECT count(*) FROM segments", NULL, NULL, NULL),
                    SQLITE_OK);
    CU_ASSERT_EQUAL(art_corpus_readers(c), 1);
    CU_ASSERT_EQUAL(sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(art_corpus_readers(c), 2);
    art_corpus_free(c);
    art_store_close(s);
}

/* Connections an assessment opens: with a core to spare (one plugin, two
 * jobs) the walk reads ahead on its own connection; with every core running
 * a plugin, only the other plugins' readers are opened (a read-ahead would
 * only take turns with them); with one job, none.  Same scores each way. */
static void test_parallel_readahead_only_with_a_spare_core(void)
{
    char db[4300];
    art_store *s = parallel_store("parallel-spare", db, sizeof db);
    art_rubric *rb = shipped_rubric();
    art_error err;
    art_corpus *c = NULL;
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", NULL, &c, &err) == ART_OK);
    const char *two[] = {art_test_src("plugins/lexical.lua"), art_test_src("plugins/codes.lua")};
    int readers = 0;
    s->reader_hook = art_test_count_reader;
    s->reader_hook_ud = &readers;
    art_assessment *one_plugin = assess_jobs(s, rb, c, two, 1, NULL, 2);
    CU_ASSERT_EQUAL(readers, 1);                /* the read-ahead */
    readers = 0;
    art_assessment *both = assess_jobs(s, rb, c, two, 2, NULL, 2);
    CU_ASSERT_EQUAL(readers, 1);                /* the second plugin's */
    readers = 0;
    art_assessment *seq = assess_jobs(s, rb, c, two, 2, NULL, 1);
    CU_ASSERT_EQUAL(readers, 0);
    readers = 0;
    art_assessment *one_seq = assess_jobs(s, rb, c, two, 1, NULL, 1);
    CU_ASSERT_EQUAL(readers, 0);
    CU_ASSERT_FATAL(one_plugin && both && seq && one_seq);
    CU_ASSERT_EQUAL(art_test_assessment_differences(both, seq), 0);
    CU_ASSERT_EQUAL(art_test_assessment_differences(one_plugin, one_seq), 0);
    /* After an assessment the corpus reads ahead again by default. */
    readers = 0;
    art_store_set_jobs(s, 2);
    art_corpus_cursor *cur = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
    art_corpus_cursor_close(cur);
    CU_ASSERT_EQUAL(readers, 1);
    s->reader_hook = NULL;
    art_assessment_free(one_plugin);
    art_assessment_free(both);
    art_assessment_free(seq);
    art_assessment_free(one_seq);
    art_corpus_free(c);
    art_rubric_free(rb);
    art_store_close(s);
}

void art_test_register(void)
{
    ART_SUITE("parallel",
              {"plugins at once score as one after the other", test_parallel_same_as_sequential},
              {"a failing plugin among good ones, in parallel", test_parallel_failing_plugins},
              {"a store error in one thread is one line", test_parallel_store_error},
              {"no readers inside a transaction", test_parallel_not_in_transaction},
              {"a read-ahead only with a core to spare",
               test_parallel_readahead_only_with_a_spare_core});
}
