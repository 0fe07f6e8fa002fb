/* The combiner: facet means, equal say for espoused and enacted, skipped
 * plugins, evidence order, confidence, determinism. */
#include "testutil.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static art_indicator trust_ind[] = {
    {"trusted", 1, 1, ART_LEVEL_NONE, NULL}, {"permission", -1, 1, ART_LEVEL_NONE, NULL}};
static art_dimension dims[] = {
    {.id = "trust", .name = "Trust", .description = "d", .low_pole = "lack of trust",
     .cls_value = "trust in practitioners", .target = 80,
     .levels = {"1", "2", "3", "4", "5"}, .indicators = trust_ind, .nindicators = 2},
    {.id = "risk", .name = "Risk", .description = "d", .low_pole = "blame",
     .cls_value = "positive risk", .target = 75,
     .levels = {"1", "2", "3", "4", "5"}, .indicators = trust_ind, .nindicators = 2}};
static art_rubric rubric = {.id = "test", .version = "1", .title = "Test rubric",
                            .sha256 = "00", .dims = dims, .ndims = 2};

static art_seg_view segs[] = {
    {.id = 1, .kind = ART_SRC_DOCUMENT, .source = "strategy.md", .locator = "para 1",
     .text = "Practitioners are trusted.", .level = ART_LEVEL_ESPOUSED},
    {.id = 2, .kind = ART_SRC_DOCUMENT, .source = "framework.html", .locator = "para 2",
     .text = "Do the right thing.", .level = ART_LEVEL_ESPOUSED},
    {.id = 3, .kind = ART_SRC_INTERVIEW, .source = "interviews.csv", .locator = "row 1",
     .text = "I wait for permission.", .participant = "P01", .voice = ART_VOICE_LOCAL_AUTHORITY,
     .level = ART_LEVEL_ASSUMPTION},
    {.id = 4, .kind = ART_SRC_INTERVIEW, .source = "interviews.csv", .locator = "row 2",
     .text = "Now I feel trusted.", .participant = "P02", .voice = ART_VOICE_VCS,
     .level = ART_LEVEL_ASSUMPTION}};
static art_corpus corpus = {.site = "Testshire", .round = "r1", .segs = segs, .nsegs = 4};

static art_assessment *run(const char *const *names, size_t n)
{
    const char *paths[8];
    for (size_t i = 0; i < n; i++)
        paths[i] = art_test_src(names[i]);
    art_assessment *a = NULL;
    art_error err;
    art_status st = art_assess(&rubric, &corpus, paths, n, NULL, NULL, &a, &err);
    CU_ASSERT_EQUAL(st, ART_OK);
    if (st != ART_OK)
        fprintf(stderr, "assess: %s\n", err.message);
    return a;
}

static void test_weighted_facets_equal_say(void)
{
    const char *p[] = {"tests/data/assess/fixed-a.lua", "tests/data/assess/fixed-b.lua"};
    art_assessment *a = run(p, 2);
    CU_ASSERT_FATAL(a != NULL);
    CU_ASSERT_EQUAL(a->nplugins, 2);
    CU_ASSERT_EQUAL(a->plugins[0].status, ART_OK);
    CU_ASSERT_EQUAL(a->plugins[1].status, ART_OK);
    const art_dim_score *t = &a->dims[0];
    CU_ASSERT_STRING_EQUAL(t->id, "trust");
    CU_ASSERT_DOUBLE_EQUAL(t->espoused, (80.0 * 3 + 40) / 4, 1e-9);  /* 70 */
    CU_ASSERT_DOUBLE_EQUAL(t->enacted, 20, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(t->score, 45, 1e-9);   /* documents and interviews count equally */
    CU_ASSERT_DOUBLE_EQUAL(t->gap, 35, 1e-9);
    CU_ASSERT_EQUAL(t->level, 3);
    /* Evidence: 5 items (segment 2's phrase emitted twice is kept once). */
    CU_ASSERT_EQUAL(t->nev, 5);
    CU_ASSERT_EQUAL(t->nsources, 3);
    CU_ASSERT_EQUAL(t->nvoices, 2);
    CU_ASSERT_EQUAL(t->voice_counts[ART_VOICE_VCS], 1);
    CU_ASSERT_EQUAL(t->voice_counts[ART_VOICE_LOCAL_AUTHORITY], 1);
    /* confidence = 0.5*5/20 + 0.3*3/5 + 0.2*2/3 = 0.125 + 0.18 + 0.1333 = 0.44 */
    CU_ASSERT_DOUBLE_EQUAL(t->confidence, 0.44, 1e-9);
    /* Round robin: documents for, interviews against, interviews for,
     * documents against; strongest first within each. */
    if (t->nev == 5) {
        CU_ASSERT_EQUAL(t->ev[0].segment_id, 1);
        CU_ASSERT_EQUAL(t->ev[0].direction, 1);
        CU_ASSERT_STRING_EQUAL(t->ev[0].quote, "Practitioners are trusted.");
        CU_ASSERT_EQUAL(t->ev[0].facet, ART_FACET_ESPOUSED);
        CU_ASSERT_EQUAL(t->ev[1].segment_id, 3);
        CU_ASSERT_EQUAL(t->ev[1].facet, ART_FACET_ENACTED);
        CU_ASSERT_STRING_EQUAL(t->ev[1].participant, "P01");
        CU_ASSERT_EQUAL(t->ev[2].segment_id, 4);
        CU_ASSERT_EQUAL(t->ev[3].segment_id, 1);
        CU_ASSERT_EQUAL(t->ev[3].direction, -1);
        CU_ASSERT_EQUAL(t->ev[4].segment_id, 2);
    }
    const art_dim_score *r = &a->dims[1];
    CU_ASSERT_TRUE(isnan(r->score));
    CU_ASSERT_TRUE(isnan(r->espoused));
    CU_ASSERT_TRUE(isnan(r->gap));
    CU_ASSERT_EQUAL(r->level, 0);
    CU_ASSERT_EQUAL(r->nev, 0);
    CU_ASSERT_DOUBLE_EQUAL(r->confidence, 0, 1e-9);
    art_assessment_free(a);
}

static void test_failed_plugin_is_skipped(void)
{
    const char *p[] = {"tests/data/assess/broken.lua", "tests/data/assess/fixed-a.lua"};
    art_assessment *a = run(p, 2);
    CU_ASSERT_FATAL(a != NULL);
    CU_ASSERT_NOT_EQUAL(a->plugins[0].status, ART_OK);
    CU_ASSERT_PTR_NOT_NULL(a->plugins[0].error);
    if (a->plugins[0].error)
        CU_ASSERT_PTR_NOT_NULL(strstr(a->plugins[0].error, "deliberate failure"));
    CU_ASSERT_EQUAL(a->plugins[1].status, ART_OK);
    /* The broken plugin's emit before it failed does not count. */
    CU_ASSERT_DOUBLE_EQUAL(a->dims[0].enacted, 20, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(a->dims[0].espoused, 80, 1e-9);
    art_assessment_free(a);
}

static void test_missing_plugin_file(void)
{
    const char *p[] = {"tests/data/assess/no-such-plugin.lua", "tests/data/assess/fixed-a.lua"};
    art_assessment *a = run(p, 2);
    CU_ASSERT_FATAL(a != NULL);
    CU_ASSERT_NOT_EQUAL(a->plugins[0].status, ART_OK);
    CU_ASSERT_DOUBLE_EQUAL(a->dims[0].score, 50, 1e-9);
    art_assessment_free(a);
}

static void test_deterministic(void)
{
    const char *p[] = {"tests/data/assess/fixed-b.lua", "tests/data/assess/fixed-a.lua"};
    art_assessment *a = run(p, 2), *b = run(p, 2);
    CU_ASSERT_FATAL(a && b);
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *x = &a->dims[i], *y = &b->dims[i];
        CU_ASSERT_TRUE((isnan(x->score) && isnan(y->score)) || x->score == y->score);
        CU_ASSERT_EQUAL(x->nev, y->nev);
        for (size_t k = 0; k < x->nev && k < y->nev; k++) {
            CU_ASSERT_EQUAL(x->ev[k].segment_id, y->ev[k].segment_id);
            CU_ASSERT_STRING_EQUAL(x->ev[k].indicator, y->ev[k].indicator);
        }
    }
    art_assessment_free(a);
    art_assessment_free(b);
}

/* A rubric dictionary's share of the words, documents and interviews apart. */
static void test_dictionary_shares(void)
{
    art_rubric *r = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("tests/data/rubric/dict/rubric.xml"), &r,
                                    &err) == ART_OK);
    art_seg_view dsegs[] = {
        {.id = 1, .kind = ART_SRC_DOCUMENT, .source = "policy.txt", .locator = "para 1",
         .text = "Staff are trusted and autonomous.", .level = ART_LEVEL_ESPOUSED},
        {.id = 2, .kind = ART_SRC_DOCUMENT, .source = "policy.txt", .locator = "para 1",
         .text = "We still need a manager to approve every request.",
         .level = ART_LEVEL_ESPOUSED},
        {.id = 3, .kind = ART_SRC_INTERVIEW, .source = "i.csv", .locator = "row 1",
         .text = "They trust me, kind of.", .level = ART_LEVEL_ASSUMPTION}};
    art_corpus c = {.site = "S", .round = "r", .segs = dsegs, .nsegs = 3};
    art_assessment *a = NULL;
    CU_ASSERT_EQUAL_FATAL(art_assess(r, &c, NULL, 0, NULL, NULL, &a, &err), ART_OK);
    const art_dim_score *t = &a->dims[0];
    CU_ASSERT_STRING_EQUAL(t->id, "trust");
    /* documents: 5 + 9 words; "trusted" (once, though two entries find it),
     * "autonomous", "manager", "approve" */
    CU_ASSERT_EQUAL(t->dict_tokens[ART_FACET_ESPOUSED], 14);
    CU_ASSERT_EQUAL(t->dict_matched[ART_FACET_ESPOUSED], 4);
    CU_ASSERT_DOUBLE_EQUAL(t->dict_share[ART_FACET_ESPOUSED], 4.0 / 14, 1e-12);
    /* interviews: 5 words; "trust", "kind of" */
    CU_ASSERT_EQUAL(t->dict_tokens[ART_FACET_ENACTED], 5);
    CU_ASSERT_EQUAL(t->dict_matched[ART_FACET_ENACTED], 3);
    /* hierarchy has no dictionary */
    CU_ASSERT_TRUE(isnan(a->dims[1].dict_share[0]));
    CU_ASSERT_EQUAL(a->dims[1].dict_tokens[0], 0);
    art_assessment_free(a);
    art_rubric_free(r);
}

void art_test_register(void)
{
    ART_SUITE("assess",
              {"weighted facets, equal say", test_weighted_facets_equal_say},
              {"a failed plugin is skipped", test_failed_plugin_is_skipped},
              {"a missing plugin file is skipped", test_missing_plugin_file},
              {"same inputs, same scores", test_deterministic},
              {"dictionary share of words", test_dictionary_shares});
}
