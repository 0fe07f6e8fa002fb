/* Ratings and critical friends' reviews: the CSV parser, the store
 * (replace, refuse, one transaction, append-only reviews), the summary
 * (means, disagreement, override, alpha), the ingest hook and the CLI. */
#include "testutil.h"
#include "artefact/artefact.h"
#include "internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static art_status parse_file(const char *rel, art_rating **r, size_t *n, art_error *err)
{
    size_t len;
    char *data = art_test_slurp(rel, &len);
    art_status st = art_ratings_parse_csv(data, len, rel, r, n, err);
    free(data);
    return st;
}

static long long query_int(const char *db, const char *sql)
{
    sqlite3 *h;
    long long v = -1;
    CU_ASSERT_FATAL(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return v;
}

/* A fresh store holding site S, round r1 (one small document, no run). */
static art_store *fresh_store(const char *tag, char *db, size_t dbsize)
{
    snprintf(db, dbsize, "%s/r.db", art_test_tmpdir(tag));
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db, &s, &err), ART_OK);
    const char *paths[] = {art_test_src("tests/data/store/site/policy.txt")};
    CU_ASSERT_EQUAL_FATAL(art_store_ingest(s, "S", "r1", paths, 1, NULL, &err), ART_OK);
    return s;
}

static art_rubric *shipped_rubric(void)
{
    art_rubric *rb = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err),
                          ART_OK);
    return rb;
}

/* An assessment with dimensions ids[0..n) and nothing else, as the store
 * would hand it over before ratings are attached. */
static art_assessment *hand_assessment(const char *const *ids, size_t n)
{
    art_assessment *a = calloc(1, sizeof *a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    a->site = art_strdup("S");
    a->round = art_strdup("r1");
    a->dims = calloc(n, sizeof *a->dims);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a->dims);
    a->ndims = n;
    for (size_t i = 0; i < n; i++) {
        a->dims[i].id = art_strdup(ids[i]);
        a->dims[i].score = NAN;
        a->dims[i].override_review = -1;
    }
    return a;
}

static void add_rating(art_assessment *a, const char *rater, art_rater_role role,
                       const char *dim, int level)
{
    art_rating *p = realloc(a->ratings, (a->nratings + 1) * sizeof *p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    a->ratings = p;
    p[a->nratings++] = (art_rating){art_strdup(rater), role, art_strdup(dim), level, NULL};
}

static void add_review(art_assessment *a, const char *dim, art_review_kind kind, int level)
{
    art_review *p = realloc(a->reviews, (a->nreviews + 1) * sizeof *p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    a->reviews = p;
    p[a->nreviews++] = (art_review){art_strdup(dim), art_strdup("CF"),
                                    art_strdup("2026-01-01T00:00:00Z"), kind, level,
                                    art_strdup("because")};
}

/* ---------------------------------------------------------------- parser */

static void test_parse_good(void)
{
    art_rating *r = NULL;
    size_t n = 0;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(parse_file("tests/data/ratings/good.csv", &r, &n, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(n, 4);
    /* Columns in any order and case, values trimmed, extra columns ignored. */
    CU_ASSERT_STRING_EQUAL(r[0].rater, "CLS lead");
    CU_ASSERT_EQUAL(r[0].role, ART_ROLE_SELF);
    CU_ASSERT_STRING_EQUAL(r[0].dimension, "trust");
    CU_ASSERT_EQUAL(r[0].level, 3);
    CU_ASSERT_STRING_EQUAL(r[0].rationale, "We trust staff, mostly");
    CU_ASSERT_EQUAL(r[1].level, 4);
    CU_ASSERT_EQUAL(r[1].role, ART_ROLE_SELF);
    CU_ASSERT_PTR_NULL(r[1].rationale);            /* empty: none */
    CU_ASSERT_EQUAL(r[2].role, ART_ROLE_EXTERNAL);  /* "critical friend" */
    CU_ASSERT_STRING_EQUAL(r[2].rationale, "Panels still ask for \"sign-off\"");
    CU_ASSERT_EQUAL(r[3].role, ART_ROLE_EXTERNAL);  /* "External" */
    art_ratings_free(r, n);
}

static void test_parse_roles(void)
{
    art_rater_role role = ART_ROLE_EXTERNAL;
    CU_ASSERT_EQUAL(art_rater_role_from_id("SELF", &role), 0);
    CU_ASSERT_EQUAL(role, ART_ROLE_SELF);
    CU_ASSERT_EQUAL(art_rater_role_from_id("critical-friend", &role), 0);
    CU_ASSERT_EQUAL(role, ART_ROLE_EXTERNAL);
    CU_ASSERT_EQUAL(art_rater_role_from_id("friend", &role), -1);
    CU_ASSERT_EQUAL(art_rater_role_from_id(NULL, &role), -1);
    CU_ASSERT_STRING_EQUAL(art_rater_role_id(ART_ROLE_SELF), "self");
    CU_ASSERT_STRING_EQUAL(art_review_kind_id(ART_REVIEW_OVERRIDE), "override");
}

static void test_parse_bad_rows(void)
{
    static const struct { const char *file; art_status st; const char *msg; } cases[] = {
        {"bad-level", ART_ERR_FORMAT, ":3: level '6' is not a whole number from 1 to 5"},
        {"bad-level-word", ART_ERR_FORMAT, ":2: level 'three' is not a whole number from 1 to 5"},
        {"bad-level-fraction", ART_ERR_FORMAT, ":2: level '2.5' is not a whole number"},
        {"bad-role", ART_ERR_FORMAT, ":3: role 'manager' is neither 'self' nor 'external'"},
        {"bad-rater", ART_ERR_FORMAT, ":2: the rater is empty"},
        {"bad-dimension", ART_ERR_FORMAT, ":2: the dimension is empty"},
        {"bad-dimension-newline", ART_ERR_FORMAT, ":2: the dimension holds a line break"},
        {"bad-duplicate", ART_ERR_FORMAT, ":3: rater 'A' already rated 'trust' on line 2"},
        {"bad-role-conflict", ART_ERR_FORMAT,
         ":3: rater 'A' has the role 'self' on line 2 but 'external' here"},
        {"bad-fields", ART_ERR_FORMAT, ":3: 3 fields, the header has 4"},
        {"bad-header-twice", ART_ERR_FORMAT, ":1: the column 'level' appears twice"},
        {"bad-empty", ART_ERR_FORMAT, ": no ratings below the header"},
        {"not-ratings", ART_ERR_UNSUPPORTED, ":1: not a ratings file: the header has no 'level'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[256], want[512];
        snprintf(rel, sizeof rel, "tests/data/ratings/%s.csv", cases[i].file);
        snprintf(want, sizeof want, "%s%s", rel, cases[i].msg);
        art_rating *r = (art_rating *)1;
        size_t n = 99;
        art_error err;
        art_status st = parse_file(rel, &r, &n, &err);
        CU_ASSERT_EQUAL(st, cases[i].st);
        CU_ASSERT_PTR_NULL(r);
        CU_ASSERT_EQUAL(n, 0);
        bool ok = strncmp(err.message, want, strlen(want)) == 0;
        CU_ASSERT_TRUE(ok);
        CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
        if (!ok)
            fprintf(stderr, "\n%s: got '%s'\n", cases[i].file, err.message);
    }
}

static void test_parse_limits(void)
{
    art_error err;
    art_rating *r = NULL;
    size_t n = 0;
    /* A rationale beyond the limit. */
    size_t big = 9000;
    char *data = malloc(big + 100);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    int k = sprintf(data, "rater,role,dimension,level,rationale\nA,self,trust,3,");
    memset(data + k, 'x', big);
    data[k + big] = '\0';
    CU_ASSERT_EQUAL(art_ratings_parse_csv(data, strlen(data), "big.csv", &r, &n, &err),
                    ART_ERR_LIMIT);
    CU_ASSERT_STRING_EQUAL(err.message, "big.csv:2: the rationale is longer than 8000 bytes");
    free(data);
    /* Too many rows. */
    art_buf b;
    art_buf_init(&b);
    art_buf_puts(&b, "rater,role,dimension,level\n");
    for (int i = 0; i <= 10000; i++)
        art_buf_printf(&b, "R%d,self,trust,3\n", i);
    CU_ASSERT_FALSE_FATAL(b.failed);
    CU_ASSERT_EQUAL(art_ratings_parse_csv(b.data, b.len, "many.csv", &r, &n, &err),
                    ART_ERR_LIMIT);
    CU_ASSERT_STRING_EQUAL(err.message, "many.csv:10002: more than 10000 ratings in one file");
    art_buf_free(&b);
    /* A bad value is quoted short, on one line, cut between characters. */
    const char *odd = "rater,role,dimension,level\nA,\"self\nish\",trust,3\n";
    CU_ASSERT_EQUAL(art_ratings_parse_csv(odd, strlen(odd), "odd.csv", &r, &n, &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "odd.csv:2: role 'self?ish' is neither 'self' nor "
                                        "'external' (or 'critical friend')");
    /* 'a' then 20 two-byte characters: byte 40 falls inside the 20th. */
    art_buf_init(&b);
    art_buf_puts(&b, "rater,role,dimension,level\nB,self,trust,a");
    for (int i = 0; i < 20; i++)
        art_buf_puts(&b, "\xc3\xa9");
    art_buf_puts(&b, "x\n");
    CU_ASSERT_FALSE_FATAL(b.failed);
    CU_ASSERT_EQUAL(art_ratings_parse_csv(b.data, b.len, "odd.csv", &r, &n, &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_TRUE(art_utf8_valid(err.message, strlen(err.message)));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "odd.csv:2: level 'a\xc3\xa9"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "\xc3\xa9' is not a whole number"));
    const char *open = strchr(err.message, '\'') + 1;
    CU_ASSERT_EQUAL(strchr(open, '\'') - open, 39);    /* 'a' and 19 whole characters */
    art_buf_free(&b);
    /* Not UTF-8. */
    CU_ASSERT_NOT_EQUAL(art_ratings_parse_csv("rater,role,dimension,level\n\xff,self,trust,3\n",
                                              31, "bin.csv", &r, &n, &err),
                        ART_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "bin.csv"));
}

/* ---------------------------------------------------------------- store */

static void test_store_import_replace(void)
{
    char db[4300];
    art_store *s = fresh_store("ratings-replace", db, sizeof db);
    art_rubric *rb = shipped_rubric();
    art_rating *r = NULL;
    size_t n = 0;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(parse_file("tests/data/ratings/good.csv", &r, &n, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "S", "r1", rb, r, n, &err), ART_OK);
    art_ratings_free(r, n);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ratings"), 4);
    /* good2 rates trust again (CLS lead 3 -> 4, Critical friend 2 -> 3). */
    CU_ASSERT_EQUAL_FATAL(parse_file("tests/data/ratings/good2.csv", &r, &n, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "S", "r1", rb, r, n, &err), ART_OK);
    art_ratings_free(r, n);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ratings"), 4);
    CU_ASSERT_EQUAL(query_int(db, "SELECT level FROM ratings WHERE rater = 'CLS lead' AND "
                                  "dimension = 'trust'"),
                    4);
    CU_ASSERT_EQUAL(query_int(db, "SELECT rationale IS NULL FROM ratings WHERE "
                                  "rater = 'Critical friend' AND dimension = 'trust'"),
                    1);
    art_rubric_free(rb);
    art_store_close(s);
}

static void test_store_import_refused(void)
{
    char db[4300], before[65], after[65];
    art_store *s = fresh_store("ratings-refused", db, sizeof db);
    art_rubric *rb = shipped_rubric();
    art_rating *r = NULL;
    size_t n = 0;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(parse_file("tests/data/ratings/unknown-dimension.csv", &r, &n, &err),
                          ART_OK);
    art_test_store_digest(db, before);
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "Nowhere", "r1", rb, r, n, &err),
                    ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "no site named 'Nowhere'"));
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "S", "r9", rb, r, n, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "no round 'r9'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "'S'"));
    /* The first rating is good, the second is not: neither is stored. */
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "S", "r1", rb, r, n, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(err.message, "no dimension 'no-such-dimension' in the rubric "
                                        "'cls-culture' (rated by 'B')");
    art_test_store_digest(db, after);
    CU_ASSERT_STRING_EQUAL(before, after);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ratings"), 0);
    /* Without a rubric and without a run, every dimension is taken. */
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "S", "r1", NULL, r, n, &err), ART_OK);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ratings"), 2);
    art_ratings_free(r, n);
    art_rubric_free(rb);
    art_store_close(s);
}

/* With rb NULL the dimensions of the round's latest run are the rule. */
static void test_store_import_against_run(void)
{
    char db[4300], args[9000], *out, *err_s;
    snprintf(db, sizeof db, "%s/run.db", art_test_tmpdir("ratings-run"));
    snprintf(args, sizeof args,
             "assess tests/data/store/site --db '%s' --site S --round r1 --format json", db);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err_s), 0);
    free(out);
    free(err_s);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db, &s, &err), ART_OK);
    art_rating *r = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(parse_file("tests/data/ratings/unknown-dimension.csv", &r, &n, &err),
                          ART_OK);
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "S", "r1", NULL, r, n, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(err.message, "no dimension 'no-such-dimension' in the rubric of the "
                                        "round's latest run (rated by 'B')");
    CU_ASSERT_EQUAL(art_store_import_ratings(s, "S", "r1", NULL, r, 1, &err), ART_OK);
    art_ratings_free(r, n);
    art_store_close(s);
}

static void test_reviews_append_only(void)
{
    char db[4300];
    art_store *s = fresh_store("ratings-reviews", db, sizeof db);
    art_error err;
    art_review note = {"trust", "Critical friend", NULL, ART_REVIEW_ANNOTATION, 0,
                       "Ask the hub staff, not only managers"};
    art_review over1 = {"trust", "Critical friend", NULL, ART_REVIEW_OVERRIDE, 2, "first look"};
    art_review over2 = {"trust", "Second friend", NULL, ART_REVIEW_OVERRIDE, 4,
                        "after the visit"};
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &note, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &over1, &err), ART_OK);
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &over2, &err), ART_OK);
    /* What is refused. */
    art_review bad = over1;
    bad.level = 0;
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &bad, &err), ART_ERR_USAGE);
    CU_ASSERT_STRING_EQUAL(err.message, "an override needs a level from 1 to 5");
    bad = note;
    bad.level = 3;
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &bad, &err), ART_ERR_USAGE);
    CU_ASSERT_STRING_EQUAL(err.message, "an annotation has no level");
    bad = note;
    bad.author = "";
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &bad, &err), ART_ERR_USAGE);
    bad = note;
    bad.rationale = NULL;
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &bad, &err), ART_ERR_USAGE);
    bad = note;
    bad.dimension = "tr\nust";
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r1", &bad, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_EQUAL(art_store_add_review(s, "S", "r2", &note, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM reviews"), 3);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM reviews WHERE kind = 'annotation' AND "
                                  "level IS NULL"),
                    1);

    /* An UPDATE straight through SQLite is refused by the schema. */
    sqlite3 *h;
    CU_ASSERT_FATAL(sqlite3_open(db, &h) == SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(h, "UPDATE reviews SET level = 5 WHERE kind = 'override'", NULL, NULL,
                          &msg);
    CU_ASSERT_NOT_EQUAL(rc, SQLITE_OK);
    CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, "reviews are kept as written") ? msg : NULL);
    sqlite3_free(msg);
    sqlite3_close(h);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM reviews WHERE level = 5"), 0);

    /* Loaded oldest first; the later override is the one in force. */
    const char *ids[] = {"trust", "risk"};
    art_assessment *a = hand_assessment(ids, 2);
    CU_ASSERT_EQUAL_FATAL(art_store_load_reviews(s, a, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(a->nreviews, 3);
    CU_ASSERT_EQUAL(a->reviews[0].kind, ART_REVIEW_ANNOTATION);
    CU_ASSERT_EQUAL(a->reviews[0].level, 0);
    CU_ASSERT_STRING_EQUAL(a->reviews[2].author, "Second friend");
    CU_ASSERT_EQUAL(strlen(a->reviews[2].created_at), 20);  /* 2026-11-23T18:00:00Z */
    CU_ASSERT_EQUAL(a->dims[0].override_review, 2);
    CU_ASSERT_EQUAL(a->dims[1].override_review, -1);
    /* Loading again replaces, not appends. */
    CU_ASSERT_EQUAL_FATAL(art_store_load_reviews(s, a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->nreviews, 3);
    art_assessment_free(a);
    art_store_close(s);
}

/* ---------------------------------------------------------------- summary */

static void test_summary_means_and_disagreement(void)
{
    const char *ids[] = {"trust", "risk", "learning", "community"};
    art_assessment *a = hand_assessment(ids, 4);
    art_error err;
    /* trust: self 2 and 3 (mean 2.5), external 3, evidence level 3:
     * spread 0.5, no disagreement. */
    add_rating(a, "Lead", ART_ROLE_SELF, "trust", 2);
    add_rating(a, "Manager", ART_ROLE_SELF, "trust", 3);
    add_rating(a, "Friend", ART_ROLE_EXTERNAL, "trust", 3);
    a->dims[0].level = 3;
    a->dims[0].score = 50;
    /* risk: self 4, external 3: one whole level apart. */
    add_rating(a, "Lead", ART_ROLE_SELF, "risk", 4);
    add_rating(a, "Friend", ART_ROLE_EXTERNAL, "risk", 3);
    /* learning: self 3 alone against evidence level 2: disagree; the same
     * with the evidence below the floor: one value, no disagreement. */
    add_rating(a, "Lead", ART_ROLE_SELF, "learning", 3);
    a->dims[2].level = 2;
    a->dims[2].score = 30;
    /* community: nobody rated it. */
    add_review(a, "risk", ART_REVIEW_OVERRIDE, 2);
    add_review(a, "risk", ART_REVIEW_ANNOTATION, 0);
    add_review(a, "risk", ART_REVIEW_OVERRIDE, 3);
    add_review(a, "trust", ART_REVIEW_ANNOTATION, 0);
    CU_ASSERT_EQUAL_FATAL(art_assessment_summarise_reviews(a, &err), ART_OK);
    CU_ASSERT_DOUBLE_EQUAL(a->dims[0].rating_mean[ART_ROLE_SELF], 2.5, 1e-12);
    CU_ASSERT_EQUAL(a->dims[0].rating_n[ART_ROLE_SELF], 2);
    CU_ASSERT_DOUBLE_EQUAL(a->dims[0].rating_mean[ART_ROLE_EXTERNAL], 3.0, 1e-12);
    CU_ASSERT_EQUAL(a->dims[0].rating_n[ART_ROLE_EXTERNAL], 1);
    CU_ASSERT_EQUAL(a->dims[0].rating_disagree, 0);
    CU_ASSERT_EQUAL(a->dims[1].rating_disagree, 1);
    CU_ASSERT_EQUAL(a->dims[2].rating_disagree, 1);
    CU_ASSERT_TRUE(isnan(a->dims[2].rating_mean[ART_ROLE_EXTERNAL]));
    CU_ASSERT_EQUAL(a->dims[3].rating_n[ART_ROLE_SELF], 0);
    CU_ASSERT_TRUE(isnan(a->dims[3].rating_mean[ART_ROLE_SELF]));
    CU_ASSERT_EQUAL(a->dims[3].rating_disagree, 0);
    CU_ASSERT_EQUAL(a->dims[1].override_review, 2);     /* the later override */
    CU_ASSERT_EQUAL(a->dims[0].override_review, -1);    /* annotations do not override */
    a->dims[2].insufficient = 1;
    a->dims[0].level = 5;   /* now 2.5 / 3 / 5: apart by 2.5 */
    CU_ASSERT_EQUAL_FATAL(art_assessment_summarise_reviews(a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->dims[2].rating_disagree, 0);
    CU_ASSERT_EQUAL(a->dims[0].rating_disagree, 1);
    art_assessment_free(a);
}

static void test_summary_alpha(void)
{
    const char *ids[] = {"d1", "d2", "d3"};
    art_assessment *a = hand_assessment(ids, 3);
    art_error err;
    /* One rater: no pairable unit, alpha undefined. */
    add_rating(a, "A", ART_ROLE_SELF, "d1", 1);
    add_rating(a, "A", ART_ROLE_SELF, "d2", 2);
    add_rating(a, "A", ART_ROLE_SELF, "d3", 3);
    CU_ASSERT_EQUAL_FATAL(art_assessment_summarise_reviews(a, &err), ART_OK);
    CU_ASSERT_TRUE(isnan(a->ratings_alpha));
    CU_ASSERT_TRUE(isnan(a->ratings_alpha_lo));
    CU_ASSERT_EQUAL(art_alpha_reliability(a->ratings_alpha), ART_RELIABILITY_NA);
    /* B rates d1 1, d2 3, d3 3.  Values 1,1 | 2,3 | 3,3: marginals n1=2,
     * n2=1, n3=3 (n=6); coincidences o11=2, o23=o32=1, o33=2.  Ordinal
     * d2(2,3) = (1+3-(1+3)/2)^2 = 4, d2(1,2) = (2+1-1.5)^2 = 2.25,
     * d2(1,3) = (2+1+3-2.5)^2 = 12.25.  Observed 2*4 = 8; expected
     * 2*(2*1*2.25 + 2*3*12.25 + 1*3*4) = 180; alpha = 1 - 5*8/180 = 7/9. */
    add_rating(a, "B", ART_ROLE_EXTERNAL, "d1", 1);
    add_rating(a, "B", ART_ROLE_EXTERNAL, "d2", 3);
    add_rating(a, "B", ART_ROLE_EXTERNAL, "d3", 3);
    /* A rating of a dimension the assessment lacks takes no part. */
    add_rating(a, "C", ART_ROLE_EXTERNAL, "elsewhere", 5);
    CU_ASSERT_EQUAL_FATAL(art_assessment_summarise_reviews(a, &err), ART_OK);
    CU_ASSERT_DOUBLE_EQUAL(a->ratings_alpha, 7.0 / 9.0, 1e-9);
    CU_ASSERT_FALSE(isnan(a->ratings_alpha_lo));
    CU_ASSERT(a->ratings_alpha_lo <= a->ratings_alpha_hi);
    CU_ASSERT(a->ratings_alpha_hi <= 1.0 + 1e-12);
    CU_ASSERT_EQUAL(art_alpha_reliability(a->ratings_alpha), ART_RELIABILITY_TENTATIVE);
    /* Same inputs, same interval. */
    double lo = a->ratings_alpha_lo, hi = a->ratings_alpha_hi;
    CU_ASSERT_EQUAL_FATAL(art_assessment_summarise_reviews(a, &err), ART_OK);
    CU_ASSERT_DOUBLE_EQUAL(a->ratings_alpha_lo, lo, 0);
    CU_ASSERT_DOUBLE_EQUAL(a->ratings_alpha_hi, hi, 0);
    art_assessment_free(a);

    /* Two raters who never rate the same dimension: still NAN. */
    a = hand_assessment(ids, 3);
    add_rating(a, "A", ART_ROLE_SELF, "d1", 1);
    add_rating(a, "B", ART_ROLE_EXTERNAL, "d2", 4);
    CU_ASSERT_EQUAL_FATAL(art_assessment_summarise_reviews(a, &err), ART_OK);
    CU_ASSERT_TRUE(isnan(a->ratings_alpha));
    art_assessment_free(a);
}

/* ---------------------------------------------------------------- ingest */

static void test_ingest_hook(void)
{
    char db[4300], before[65], after[65];
    art_store *s = fresh_store("ratings-ingest", db, sizeof db);
    art_error err;
    art_ingest_stats stats;
    const char *good[] = {art_test_src("tests/data/ratings/unknown-dimension.csv")};
    /* Ingest knows no rubric: an unknown dimension is stored. */
    CU_ASSERT_EQUAL(art_store_ingest(s, "S", "r1", good, 1, &stats, &err), ART_OK);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ratings"), 2);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ratings WHERE "
                                  "dimension = 'no-such-dimension'"),
                    1);
    /* Again: replaced, not doubled. */
    CU_ASSERT_EQUAL(art_store_ingest(s, "S", "r1", good, 1, &stats, &err), ART_OK);
    CU_ASSERT_EQUAL(query_int(db, "SELECT count(*) FROM ratings"), 2);
    /* A bad ratings file fails the whole ingest, with its file and line,
     * and the good document beside it is not stored either. */
    art_test_store_digest(db, before);
    const char *bad[] = {art_test_src("tests/data/sites/cls-like/practice-framework.md"),
                         art_test_src("tests/data/ratings/bad-level.csv")};
    CU_ASSERT_EQUAL(art_store_ingest(s, "S", "r1", bad, 2, &stats, &err), ART_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "bad-level.csv:3: level '6'"));
    art_test_store_digest(db, after);
    CU_ASSERT_STRING_EQUAL(before, after);
    art_store_close(s);
}

/* ---------------------------------------------------------------- CLI */

static char cli_db[4300];

static int cli(const char *fmt, const char *extra, char **out, char **err)
{
    char args[9000];
    snprintf(args, sizeof args, fmt, extra ? extra : "");
    size_t used = strlen(args);
    snprintf(args + used, sizeof args - used, " --db '%s'", cli_db);
    return art_test_cli(args, out, err);
}

static void cli_setup(void)
{
    char *out, *err;
    snprintf(cli_db, sizeof cli_db, "%s/cli.db", art_test_tmpdir("ratings-cli"));
    CU_ASSERT_EQUAL_FATAL(cli("assess tests/data/store/site --site S --round r1 --format json",
                              NULL, &out, &err),
                          0);
    free(out);
    free(err);
}

static void test_cli_import_and_list(void)
{
    char *out, *err;
    cli_setup();
    CU_ASSERT_EQUAL(cli("ratings import tests/data/ratings/good.csv", NULL, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "S, round r1: 4 ratings imported from "
                                "tests/data/ratings/good.csv\n");
    CU_ASSERT_STRING_EQUAL(err, "");
    free(out);
    free(err);

    CU_ASSERT_EQUAL(cli("ratings list", NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "S, round r1: 4 ratings by 2 raters (1 self, 1 external)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\ntrust "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "3.0 (1)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Krippendorff's alpha (ordinal, between raters): "));
    free(out);
    free(err);

    CU_ASSERT_EQUAL(cli("ratings list --format csv", NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(strncmp(out, "scope,dimension,score,level,", 28), 0);
    CU_ASSERT_EQUAL(art_test_count_lines(out), 1 + 11 + 1);
    /* trust: self 3, external 2: apart by a level. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ",3.00,1,2.00,1,yes,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\noverall,"));
    free(out);
    free(err);

    CU_ASSERT_EQUAL(cli("ratings list --format json", NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"rubric\": \"cls-culture\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"self_mean\": 3.00, \"self_n\": 1, "
                                       "\"external_mean\": 2.00, \"external_n\": 1, "
                                       "\"disagree\": true, \"override\": null"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"rationale\": \"Panels still ask for \\\"sign-off\\\"\""));
    /* Two raters agree on neither dimension, so alpha is negative. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"reliability\": \"unreliable\""));
    free(out);
    free(err);

    CU_ASSERT_EQUAL(cli("ratings list --format xml", NULL, &out, &err), 2);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    free(out);
    free(err);
}

static void test_cli_review(void)
{
    char *out, *err;
    cli_setup();
    CU_ASSERT_EQUAL(cli("review --site S --dimension risk --by 'Critical friend' "
                        "--rationale 'Panels still sign off every plan' --level 2",
                        NULL, &out, &err),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "S, round r1: recorded 20"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Z  risk  override to level 2 by Critical friend: "
                                       "Panels still sign off every plan\n"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(cli("review --dimension risk --by 'Critical friend' --rationale '%s'",
                        "Seen the new panel guidance, too", &out, &err),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "risk  annotation by Critical friend"));
    free(out);
    free(err);

    CU_ASSERT_EQUAL(cli("review list", NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(art_test_count_lines(out), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "override to level 2"));
    CU_ASSERT(strstr(out, "override") < strstr(out, "annotation"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(cli("review list --format csv", NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(strncmp(out, "at,dimension,kind,level,by,rationale\n", 37), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ",risk,annotation,,Critical friend,"
                                       "\"Seen the new panel guidance, too\"\n"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(cli("review list --format json", NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"kind\": \"override\", \"level\": 2, "
                                       "\"by\": \"Critical friend\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"kind\": \"annotation\", \"level\": null"));
    free(out);
    free(err);
    /* The override shows in the ratings list, beside the evidence. */
    CU_ASSERT_EQUAL(cli("ratings list --format json", NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"override\": {\"dimension\": \"risk\", "
                                       "\"kind\": \"override\", \"level\": 2"));
    free(out);
    free(err);
}

static void test_cli_errors(void)
{
    static const struct { const char *args; int rc; const char *msg; } cases[] = {
        {"ratings import tests/data/ratings/bad-role.csv", 1,
         "artefact: tests/data/ratings/bad-role.csv:3: role 'manager'"},
        {"ratings import tests/data/ratings/unknown-dimension.csv", 1,
         "artefact: tests/data/ratings/unknown-dimension.csv: no dimension 'no-such-dimension'"},
        {"ratings import tests/data/ratings/not-there.csv", 1, "artefact: "},
        {"ratings import tests/data/ratings/good.csv --round r7", 1, "artefact: "},
        {"ratings import", 2, "artefact ratings: "},
        {"ratings frobnicate", 2, "artefact ratings: unknown subcommand 'frobnicate'"},
        {"review --dimension risk --rationale why", 2, "artefact review: a review needs"},
        {"review --dimension risk --by X --rationale why --level 7", 2, "artefact review: "},
        {"review --dimension nowhere --by X --rationale why", 1,
         "artefact: no dimension 'nowhere' in the rubric of the round's latest run"},
        {"review list --format yaml", 2, "artefact review: unknown format 'yaml'"},
    };
    cli_setup();
    char before[65], after[65];
    art_test_store_digest(cli_db, before);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out, *err;
        int rc = cli(cases[i].args, NULL, &out, &err);
        CU_ASSERT_EQUAL(rc, cases[i].rc);
        CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
        bool ok = strncmp(err, cases[i].msg, strlen(cases[i].msg)) == 0;
        CU_ASSERT_TRUE(ok);
        if (!ok || rc != cases[i].rc)
            fprintf(stderr, "\n%s: %d '%s'\n", cases[i].args, rc, err);
        free(out);
        free(err);
    }
    art_test_store_digest(cli_db, after);
    CU_ASSERT_STRING_EQUAL(before, after);
}

/* assess on a folder with a ratings file, then purge --site: every
 * rating and review of the site goes with it. */
static void test_cli_ingest_and_purge(void)
{
    char *out, *err;
    snprintf(cli_db, sizeof cli_db, "%s/riverside.db", art_test_tmpdir("ratings-purge"));
    CU_ASSERT_EQUAL_FATAL(cli("assess examples/riverside --site Riverside --round 2026-q4 "
                              "--format json",
                              NULL, &out, &err),
                          0);
    free(out);
    free(err);
    long long n = query_int(cli_db, "SELECT count(*) FROM ratings");
    CU_ASSERT(n >= 20);
    CU_ASSERT_EQUAL(query_int(cli_db, "SELECT count(DISTINCT rater) FROM ratings"), 3);
    CU_ASSERT_EQUAL(cli("ratings list --format json", NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"disagree\": true"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"in_rubric\": true"));
    CU_ASSERT_PTR_NULL(strstr(out, "\"alpha\": null"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(cli("review --dimension risk --by 'Critical friend' --rationale 'seen'",
                        NULL, &out, &err),
                    0);
    free(out);
    free(err);
    CU_ASSERT_EQUAL(query_int(cli_db, "SELECT count(*) FROM reviews"), 1);
    /* A participant named in a review is shown by their pseudonym. */
    CU_ASSERT_EQUAL(cli("review --dimension trust --by 'Critical friend' --rationale '%s'",
                        "Maya Okafor told me so", &out, &err),
                    0);
    CU_ASSERT_PTR_NULL(strstr(out, "Maya"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "P0"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(cli("review list --format json", NULL, &out, &err), 0);
    CU_ASSERT_PTR_NULL(strstr(out, "Okafor"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, " told me so"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(query_int(cli_db, "SELECT count(*) FROM reviews"), 2);
    CU_ASSERT_EQUAL(cli("purge --site Riverside", NULL, &out, &err), 0);
    free(out);
    free(err);
    CU_ASSERT_EQUAL(query_int(cli_db, "SELECT count(*) FROM ratings"), 0);
    CU_ASSERT_EQUAL(query_int(cli_db, "SELECT count(*) FROM reviews"), 0);
}

void art_test_register(void)
{
    ART_SUITE("ratings parser", {"good file", test_parse_good}, {"roles", test_parse_roles},
              {"bad rows", test_parse_bad_rows}, {"limits", test_parse_limits});
    ART_SUITE("ratings store", {"import replaces", test_store_import_replace},
              {"import refused whole", test_store_import_refused},
              {"import against the latest run", test_store_import_against_run},
              {"reviews append only", test_reviews_append_only},
              {"ingest hook", test_ingest_hook});
    ART_SUITE("ratings summary", {"means and disagreement", test_summary_means_and_disagreement},
              {"alpha", test_summary_alpha});
    ART_SUITE("ratings cli", {"import and list", test_cli_import_and_list},
              {"review", test_cli_review}, {"errors", test_cli_errors},
              {"ingest and purge", test_cli_ingest_and_purge});
}
