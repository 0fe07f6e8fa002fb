/* REFI-QDA through the store: import, idempotence, export round trip,
 * pseudonymised export, the migration to schema 2, voice and code maps,
 * the CLS codebook. */
#include "testutil.h"
#include "internal.h"
#include "qda.h"
#include "store_schema.h"
#include "zip.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[4096];

static art_store *open_store(const char *name)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    art_store *s = NULL;
    art_error err;
    art_status st = art_store_open(path, &s, &err);
    CU_ASSERT_EQUAL(st, ART_OK);
    if (st != ART_OK)
        fprintf(stderr, "open: %s\n", err.message);
    return s;
}

static long warnings_seen;
static void count_warning(void *ud, const char *msg)
{
    (void)ud;
    (void)msg;
    warnings_seen++;
}

static art_status ingest(art_store *s, const char *site, const char *round, const char *path,
                         art_ingest_stats *st, art_error *err)
{
    const char *paths[] = {path};
    return art_store_ingest(s, site, round, paths, 1, st, err);
}

#define ORNIO "../shared/fixtures/refi-qda/samples/ornio_hand_authored/project.qde"
#define DEMO "../shared/fixtures/refi-qda/samples/cproctor_demo.qdpx"

static void test_import_hand_authored(void)
{
    art_store *s = open_store("ornio.db");
    CU_ASSERT_FATAL(s != NULL);
    art_error err;
    art_ingest_stats st;
    warnings_seen = 0;
    art_store_set_warning_handler(s, count_warning, NULL);
    art_status r = ingest(s, "Ornio", "r1", art_test_src(ORNIO), &st, &err);
    CU_ASSERT_EQUAL_FATAL(r, ART_OK);
    CU_ASSERT_EQUAL(st.files_new, 1);
    CU_ASSERT_EQUAL(st.segments, 2);   /* two coded selections */
    CU_ASSERT_EQUAL(st.codings, 2);
    art_counts c;
    CU_ASSERT_EQUAL(art_store_counts(s, "Ornio", "r1", &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c.sources, 1);
    CU_ASSERT_EQUAL(c.interviews, 1);
    CU_ASSERT_EQUAL(c.codes, 4);
    CU_ASSERT_EQUAL(c.participants, 1);
    /* The coded text is exactly the selection's range (its name lies). */
    art_corpus *corpus = NULL;
    art_corpus_opts reveal = {.reveal_names = 1};
    CU_ASSERT_EQUAL_FATAL(art_store_load_corpus(s, "Ornio", "r1", &reveal, &corpus, &err), ART_OK);
    CU_ASSERT_EQUAL(corpus->nsegs, 2);
    if (corpus->nsegs == 2) {
        CU_ASSERT_EQUAL(corpus->segs[0].start, 0);
        CU_ASSERT_EQUAL(corpus->segs[0].end, 15);
        CU_ASSERT_EQUAL(corpus->segs[1].start, 9);
        CU_ASSERT_EQUAL(corpus->segs[1].end, 23);
        CU_ASSERT_EQUAL(art_utf8_count(corpus->segs[1].text, strlen(corpus->segs[1].text)), 14);
        CU_ASSERT_STRING_EQUAL(corpus->segs[0].participant, "Participant 1");
        CU_ASSERT_STRING_EQUAL(corpus->segs[0].codes[0], "Topics/Health");
        CU_ASSERT_STRING_EQUAL(corpus->segs[1].codes[0], "Topics/Health/Diet");
        CU_ASSERT_STRING_EQUAL(corpus->segs[0].coders[0], "Researcher A");
    }
    art_corpus_free(corpus);
    /* Again: nothing changes. */
    CU_ASSERT_EQUAL(ingest(s, "Ornio", "r1", art_test_src(ORNIO), &st, &err), ART_OK);
    CU_ASSERT_EQUAL(st.files_unchanged, 1);
    CU_ASSERT_EQUAL(st.segments, 0);
    art_store_close(s);
}

static void test_import_qdpx_matches_reader(void)
{
    art_error err;
    art_qda_project *p = NULL;
    CU_ASSERT_EQUAL_FATAL(art_qda_load_file(art_test_src(DEMO), &p, &err), ART_OK);
    long coded = 0, codings = 0;
    for (size_t i = 0; i < p->nsources; i++)
        for (size_t k = 0; p->sources[i].text && k < p->sources[i].nsels; k++) {
            coded += p->sources[i].sels[k].ncodings > 0;
            codings += (long)p->sources[i].sels[k].ncodings;
        }
    art_store *s = open_store("demo.db");
    art_ingest_stats st;
    CU_ASSERT_EQUAL_FATAL(ingest(s, "Demo", "r1", art_test_src(DEMO), &st, &err), ART_OK);
    /* demo.qdpx: board_2017.txt has 158 coded selections (205 codings);
     * admin-1.txt has none, so it is split into sentences instead. */
    CU_ASSERT_EQUAL(coded, 158);
    CU_ASSERT_EQUAL(codings, 205);
    CU_ASSERT_EQUAL(st.codings, codings);
    art_corpus *corpus = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_load_corpus(s, "Demo", "r1", NULL, &corpus, &err), ART_OK);
    long board = 0, admin = 0;
    for (size_t i = 0; i < corpus->nsegs; i++) {
        if (strcmp(corpus->segs[i].source, "board_2017.txt") == 0) {
            board++;
            CU_ASSERT_TRUE(corpus->segs[i].ncodes > 0);
        } else if (strcmp(corpus->segs[i].source, "admin-1.txt") == 0) {
            admin++;
            CU_ASSERT_EQUAL(corpus->segs[i].ncodes, 0);
        }
    }
    CU_ASSERT_EQUAL(board, coded);
    CU_ASSERT_TRUE(admin > 0);
    CU_ASSERT_EQUAL(st.segments, board + admin);
    art_corpus_free(corpus);
    art_counts c;
    CU_ASSERT_EQUAL(art_store_counts(s, "Demo", "r1", &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c.codes, (long long)p->ncodes);
    CU_ASSERT_EQUAL(c.sources, (long long)p->nsources);
    art_store_close(s);
    art_qda_project_free(p);
}

static void test_codebook_is_not_evidence(void)
{
    art_store *s = open_store("qdc.db");
    art_error err;
    char path[4300];
    snprintf(path, sizeof path, "%s/cls.qdc", dir);
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_codebook_write_qdc(rb, path, &err), ART_OK);
    CU_ASSERT_EQUAL(art_qda_check(path, NULL, NULL, &err), ART_OK);
    CU_ASSERT_EQUAL(ingest(s, "S", "r1", path, NULL, &err), ART_ERR_UNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "codebook"));
    art_rubric_free(rb);
    art_store_close(s);
}

static void expect_same(const char *a_db, const char *b_db, const char *sql)
{
    char *x = art_test_query_rows(a_db, sql), *y = art_test_query_rows(b_db, sql);
    CU_ASSERT_STRING_EQUAL(x, y);
    if (strcmp(x, y) != 0)
        fprintf(stderr, "\n%s\n--- first\n%s--- second\n%s", sql, x, y);
    CU_ASSERT_TRUE(strlen(x) > 0);
    free(x);
    free(y);
}

static void test_export_round_trip(void)
{
    art_error err;
    art_store *a = open_store("rt-a.db");
    CU_ASSERT_FATAL(a != NULL);
    CU_ASSERT_EQUAL_FATAL(ingest(a, "Testshire", "r1", art_test_src("tests/data/store/site"), NULL,
                                 &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(ingest(a, "Testshire", "r1", art_test_src(ORNIO), NULL, &err), ART_OK);
    char qdpx[4300];
    snprintf(qdpx, sizeof qdpx, "%s/rt.qdpx", dir);
    art_status r = art_store_export_qdpx(a, "Testshire", "r1", 1, qdpx, &err);
    CU_ASSERT_EQUAL_FATAL(r, ART_OK);
    art_store_close(a);
    CU_ASSERT_EQUAL(art_qda_check(qdpx, NULL, NULL, &err), ART_OK);

    art_store *b = open_store("rt-b.db");
    CU_ASSERT_EQUAL_FATAL(ingest(b, "Testshire", "r1", qdpx, NULL, &err), ART_OK);
    art_store_close(b);
    char da[4300], db[4300];
    snprintf(da, sizeof da, "%s/rt-a.db", dir);
    snprintf(db, sizeof db, "%s/rt-b.db", dir);
    /* Codes with their descriptions and colours, codings with their coders,
     * participants with their typed attributes, and every coded text. */
    expect_same(da, db, "SELECT path, description, color, codable FROM codes ORDER BY path");
    expect_same(da, db,
                "SELECT c.path, k.coder, g.text FROM codings k JOIN codes c ON c.id = k.code_id "
                "JOIN segments g ON g.id = k.segment_id ORDER BY 1, 2, 3");
    expect_same(da, db,
                "SELECT p.name, p.voice, a.name, a.value, coalesce(a.type, 'Text') FROM "
                "participants p JOIN participant_attrs a ON a.participant_id = p.id ORDER BY 1, 3");
    expect_same(da, db,
                "SELECT p.name, g.text FROM segments g JOIN participants p ON p.id = "
                "g.participant_id ORDER BY 1, 2");
    /* Documents come back as documents, sentence by sentence. */
    expect_same(da, db,
                "SELECT s.name, g.text FROM segments g JOIN sources s ON s.id = g.source_id "
                "WHERE s.kind = 'document' ORDER BY 1, 2");
    expect_same(da, db, "SELECT name, plain_text FROM sources WHERE kind = 'document' ORDER BY 1");
    /* Both stores summed up every source's segments as ingest added them
     * (source_spans, migration 9), the .qdpx's selections too. */
    const char *stores[] = {da, db};
    for (size_t i = 0; i < 2; i++) {
        char *wrong = art_test_query_rows(stores[i], ART_TEST_SPANS_WRONG);
        CU_ASSERT_STRING_EQUAL(wrong, "0\n");
        free(wrong);
    }
    char *spans = art_test_query_rows(db, "SELECT count(*) > 3 FROM source_spans WHERE nsegments > 0");
    CU_ASSERT_STRING_EQUAL(spans, "1\n");
    free(spans);
}

static bool has_name(const char *data, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(data + i, needle, k) == 0)
            return true;
    return false;
}

static bool want_all(const char *name, void *ud)
{
    (void)name;
    (void)ud;
    return true;
}

static void test_export_pseudonymised(void)
{
    art_error err;
    art_store *a = open_store("ps.db");
    CU_ASSERT_EQUAL_FATAL(ingest(a, "Testshire", "r1", art_test_src("tests/data/store/site"), NULL,
                                 &err), ART_OK);
    char qdpx[4300];
    snprintf(qdpx, sizeof qdpx, "%s/ps.qdpx", dir);
    CU_ASSERT_EQUAL_FATAL(art_store_export_qdpx(a, "Testshire", "r1", 0, qdpx, &err), ART_OK);
    art_store_close(a);
    /* Inflate every entry: no name anywhere. */
    char *data;
    size_t len;
    CU_ASSERT_FATAL(art_read_file(qdpx, 0, &data, &len, &err) == ART_OK);
    art_zip *z = NULL;
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    CU_ASSERT_EQUAL_FATAL(art_zip_read(data, len, qdpx, &lim, want_all, NULL, &z, &err), ART_OK);
    CU_ASSERT_TRUE(z->nentries >= 2);
    for (size_t i = 0; i < z->nentries; i++) {
        if (!z->entries[i].data)
            continue;
        CU_ASSERT_FALSE(has_name((char *)z->entries[i].data, z->entries[i].len, "Maya"));
        CU_ASSERT_FALSE(has_name((char *)z->entries[i].data, z->entries[i].len, "Okafor"));
        CU_ASSERT_FALSE(has_name((char *)z->entries[i].data, z->entries[i].len, "Tom Reed"));
    }
    art_zip_free(z);
    free(data);
    /* And the selections still hold exactly their (pseudonymised) text. */
    art_qda_project *p = NULL;
    CU_ASSERT_EQUAL_FATAL(art_qda_load_file(qdpx, &p, &err), ART_OK);
    bool found = false;
    for (size_t i = 0; i < p->nsources; i++)
        for (size_t k = 0; k < p->sources[i].nsels; k++)
            if (strcmp(p->sources[i].sels[k].text,
                       "P01 listened to what matters to us, and P02 felt heard; P01 was kind.") == 0)
                found = true;
    CU_ASSERT_TRUE(found);
    art_qda_project_free(p);
}

static void test_migration_from_schema_1(void)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/v1.db", dir);
    sqlite3 *h;
    CU_ASSERT_FATAL(sqlite3_open(path, &h) == SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(h, art_migrations[0], NULL, NULL, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(h,
                                 "PRAGMA user_version = 1;"
                                 "INSERT INTO sites(name) VALUES ('Oldshire');"
                                 "INSERT INTO codes(site_id, name, path) VALUES (1, 'Trust', 'Trust');",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    sqlite3_close(h);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(path, &s, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_schema_version(s), ART_SCHEMA_VERSION);
    char **sites;
    size_t n;
    CU_ASSERT_EQUAL(art_store_sites(s, &sites, &n, &err), ART_OK);
    CU_ASSERT_EQUAL(n, 1);
    if (n == 1)
        CU_ASSERT_STRING_EQUAL(sites[0], "Oldshire");
    for (size_t i = 0; i < n; i++)
        free(sites[i]);
    free(sites);
    art_store_close(s);
    char *cols = art_test_query_rows(path, "SELECT name, codable, color FROM codes");
    CU_ASSERT_STRING_EQUAL(cols, "Trust|1|NULL\n");
    free(cols);
}

static void test_voice_map(void)
{
    art_error err;
    art_voice_map *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_voice_map_load(art_test_src("tests/data/store_qda/voices.csv"), &m,
                                             &err), ART_OK);
    CU_ASSERT_EQUAL(m->nrules, 2);
    art_attr carer[] = {{"role", "Carer"}, {"sector", "Lived experience"}};
    CU_ASSERT_EQUAL(art_voice_of(m, carer, 2), ART_VOICE_VCS);
    CU_ASSERT_EQUAL(art_voice_of(NULL, carer, 2), ART_VOICE_LIVED);
    art_attr qda[] = {{"Organisation", "NHS trust"}};
    CU_ASSERT_EQUAL(art_voice_of(NULL, qda, 1), ART_VOICE_HEALTH);

    art_store *s = open_store("voices.db");
    CU_ASSERT_EQUAL_FATAL(ingest(s, "Testshire", "r1", art_test_src("tests/data/store/site"), NULL,
                                 &err), ART_OK);
    size_t before[ART_VOICE_COUNT], after[ART_VOICE_COUNT];
    CU_ASSERT_EQUAL(art_store_voice_counts(s, "Testshire", "r1", before, &err), ART_OK);
    CU_ASSERT_EQUAL(before[ART_VOICE_LIVED], 1);
    CU_ASSERT_EQUAL(before[ART_VOICE_LOCAL_AUTHORITY], 1);
    CU_ASSERT_EQUAL(art_store_apply_voice_map(s, "Testshire", m, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_voice_counts(s, "Testshire", "r1", after, &err), ART_OK);
    CU_ASSERT_EQUAL(after[ART_VOICE_LIVED], 0);
    CU_ASSERT_EQUAL(after[ART_VOICE_VCS], 1);
    CU_ASSERT_EQUAL(after[ART_VOICE_HEALTH], 1);  /* "Social worker" mapped to health here */
    art_store_close(s);
    art_voice_map_free(m);

    CU_ASSERT_EQUAL(art_voice_map_load(art_test_src("tests/data/store_qda/voices-bad.csv"), &m,
                                       &err), ART_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "voices-bad.csv: line 2: unknown voice 'martians'"));
    CU_ASSERT_EQUAL(art_voice_map_load("/nonexistent/voices.csv", &m, &err), ART_ERR_IO);
}

static void test_code_map(void)
{
    art_error err;
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    const art_dimension *trust = art_rubric_dimension(rb, "trust");
    const art_dimension *comm = art_rubric_dimension(rb, "community");
    CU_ASSERT_FATAL(trust && comm);
    size_t t0 = trust->ncodes, c0 = comm->ncodes;
    char *text = NULL;
    CU_ASSERT_EQUAL(art_rubric_add_code_map(rb, art_test_src("tests/data/store_qda/codes.csv"),
                                            &text, &err), ART_OK);
    CU_ASSERT_EQUAL(trust->ncodes, t0 + 1);
    CU_ASSERT_EQUAL(comm->ncodes, c0 + 1);
    CU_ASSERT_STRING_EQUAL(trust->codes[t0].pattern, "Topics/Health*");
    CU_ASSERT_EQUAL(trust->codes[t0].direction, 1);
    CU_ASSERT_EQUAL(comm->codes[c0].direction, -1);
    CU_ASSERT_PTR_NOT_NULL(text);
    if (text)
        CU_ASSERT_EQUAL(strncmp(text, "pattern,dimension,direction", 27), 0);
    free(text);
    CU_ASSERT_EQUAL(art_rubric_add_code_map(rb, art_test_src("tests/data/store_qda/codes-bad.csv"),
                                            NULL, &err), ART_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "line 2: unknown dimension 'nonsense'"));
    art_rubric_free(rb);
}

/* A keyword pattern of one dimension must not turn a code round whose path
 * names its pole: Hierarchy's "*delegat*" (toward CLS) meets the leadership
 * code "not delegated" (toward the low pole). */
static void test_code_pole_wins_over_keyword(void)
{
    art_error err;
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    static const char plugin[] =
        "return { name = 'probe', version = '1', description = 'probe', dimensions = {'*'},\n"
        "  run = function(art)\n"
        "    local a = art.code_direction('hierarchy', 'Distributed leadership/Toward low pole/not delegated')\n"
        "    local b = art.code_direction('hierarchy', 'Themes/Delegated budgets')\n"
        "    local c = art.code_direction('hierarchy', 'Hierarchy and decision-making/Toward CLS/peer forum')\n"
        "    art.emit{ dimension = 'hierarchy', facet = 'enacted', weight = 1, evidence = {},\n"
        "      score = (a == -1 and 10 or 0) + (b == 1 and 20 or 0) + (c == 1 and 40 or 0) }\n"
        "  end }\n";
    art_seg_view seg = {.id = 1, .kind = ART_SRC_INTERVIEW, .source = "x", .locator = "row 1",
                        .text = "x", .level = ART_LEVEL_ASSUMPTION};
    art_corpus corpus = {.site = "S", .round = "r", .segs = &seg, .nsegs = 1};
    art_plugin_result res;
    CU_ASSERT_EQUAL(art_plugin_run_buffer(plugin, sizeof plugin - 1, "probe.lua", rb, &corpus,
                                          NULL, &res, &err), ART_OK);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    if (res.status != ART_OK)
        fprintf(stderr, "probe: %s\n", res.error);
    CU_ASSERT_EQUAL(res.nemits, 1);
    if (res.nemits == 1)
        CU_ASSERT_DOUBLE_EQUAL(res.emits[0].score, 70, 1e-9);
    art_plugin_result_clear(&res);
    art_rubric_free(rb);
}

void art_test_register(void)
{
    snprintf(dir, sizeof dir, "%s", art_test_tmpdir("storeqda"));
    ART_SUITE("store_qda",
              {"import a hand-authored project", test_import_hand_authored},
              {"import a qdpx: the store matches the reader", test_import_qdpx_matches_reader},
              {"a codebook is not evidence", test_codebook_is_not_evidence},
              {"export and import again: nothing lost", test_export_round_trip},
              {"export under pseudonyms", test_export_pseudonymised},
              {"migration from schema 1", test_migration_from_schema_1},
              {"voice mapping file", test_voice_map},
              {"code mapping file", test_code_map},
              {"a code's own pole wins over a keyword", test_code_pole_wins_over_keyword});
}
