/* Plugin containment beyond tests/test_plugin.c: pathological patterns in
 * the string library (the count hook does not fire inside C functions),
 * floods of output and of evidence, giant strings handed to the host, and
 * tampering with the `art` table.  Each abusive plugin is stopped and
 * reported, the next plugin gets a fresh, intact API, and an assessment
 * completes with the other plugins' scores. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) ((char *)(x))

static art_indicator TRUST_IND[] = {
    {S("trust*"), 1, 1.0, ART_LEVEL_NONE, NULL},
    {S("need permission"), -1, 2.0, ART_LEVEL_ESPOUSED, NULL},
};
static char *LEVELS[ART_LEVELS] = {S("1"), S("2"), S("3"), S("4"), S("5")};
static art_dimension DIMS[1];
static art_rubric RUBRIC;
static art_seg_view SEGS[2];
static art_corpus CORPUS;

static void build(void)
{
    memset(DIMS, 0, sizeof DIMS);
    DIMS[0] = (art_dimension){.id = S("trust"), .name = S("Trust"), .target = 80,
                              .indicators = TRUST_IND, .nindicators = 2};
    memcpy(DIMS[0].levels, LEVELS, sizeof LEVELS);
    memset(&RUBRIC, 0, sizeof RUBRIC);
    RUBRIC.id = S("test-rubric");
    RUBRIC.version = S("1");
    RUBRIC.title = S("Test rubric");
    RUBRIC.dims = DIMS;
    RUBRIC.ndims = 1;
    SEGS[0] = (art_seg_view){.id = 10, .kind = ART_SRC_DOCUMENT, .source = "policy.md",
                             .locator = "para 1, sentence 1",
                             .text = "We trust our staff and empower teams.",
                             .level = ART_LEVEL_ESPOUSED};
    SEGS[1] = (art_seg_view){.id = 11, .kind = ART_SRC_DOCUMENT, .source = "policy.md",
                             .locator = "para 2, sentence 1", .paragraph = 1,
                             .text = "Workers need permission to sign off small purchases.",
                             .level = ART_LEVEL_ESPOUSED};
    memset(&CORPUS, 0, sizeof CORPUS);
    CORPUS.site = S("testshire");
    CORPUS.round = S("r1");
    CORPUS.segs = SEGS;
    CORPUS.nsegs = 2;
}

static void small_limits(art_plugin_limits *lim)
{
    art_plugin_limits_default(lim);
    lim->max_instructions = 2000000;
    lim->max_memory = (size_t)16 << 20;
    lim->max_seconds = 300;  /* the instruction budget stops them, even under valgrind */
}

static const char *plugin(const char *file)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/plugins/%s", file);
    return art_test_src(rel);
}

/* Run one plugin: it must be stopped with this status and a one-line error
 * that starts with its name and contains `text`. */
static void check_stopped(const char *file, const art_plugin_limits *lim, art_status st,
                          const char *name, const char *text)
{
    build();
    art_plugin_result res;
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(art_plugin_run(plugin(file), &RUBRIC, &CORPUS, lim, &res, &err), ART_OK);
    bool ok = res.status == st && res.error && strncmp(res.error, name, strlen(name)) == 0 &&
              strstr(res.error, text) && !strchr(res.error, '\n') && res.nemits == 0;
    CU_ASSERT_TRUE(ok);
    if (!ok)
        fprintf(stderr, "\n%s: status %s, error: %s\n", file, art_status_name(res.status),
                res.error ? res.error : "(none)");
    art_plugin_result_clear(&res);
}

/* The good plugin after each abusive one, as art_assess runs them: the
 * abusive one is recorded as failed, the good one's score is the result. */
static void check_assess_after(const char *file, const art_plugin_limits *lim)
{
    build();
    const char *paths[2] = {plugin(file), plugin("good.lua")};
    art_assessment *a = NULL;
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(art_assess(&RUBRIC, &CORPUS, paths, 2, lim, NULL, &a, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(a->nplugins, 2);
    CU_ASSERT_NOT_EQUAL(a->plugins[0].status, ART_OK);
    CU_ASSERT_EQUAL(a->plugins[1].status, ART_OK);
    CU_ASSERT_EQUAL_FATAL(a->ndims, 1);
    /* good.lua: trust, espoused, 75 with one evidence item. */
    CU_ASSERT_DOUBLE_EQUAL(a->dims[0].espoused, 75, 1e-9);
    CU_ASSERT_EQUAL(a->dims[0].nev, 1);
    art_assessment_free(a);
}

static void stopped_then_assess(const char *file, art_status st, const char *name,
                                const char *text)
{
    art_plugin_limits lim;
    small_limits(&lim);
    check_stopped(file, &lim, st, name, text);
    check_assess_after(file, &lim);
}

static void test_patterns(void)
{
    stopped_then_assess("pattern_nested.lua", ART_ERR_LIMIT, "evil_nested: ",
                        "string.find: pattern too costly for a subject of 3000 bytes");
    stopped_then_assess("pattern_optional.lua", ART_ERR_LIMIT, "evil_optional: ",
                        "string.match: pattern too costly for a subject of 40 bytes");
    stopped_then_assess("pattern_gmatch.lua", ART_ERR_LIMIT, "evil_gmatch: ",
                        "string.gmatch: pattern too costly for a subject of 6000 bytes");
    stopped_then_assess("pattern_gsub.lua", ART_ERR_LIMIT, "evil_gsub: ",
                        "string.gsub: pattern too costly for a subject of 4000 bytes");
    stopped_then_assess("pattern_long.lua", ART_ERR_LIMIT, "evil_longpat: ",
                        "string.find: a pattern of 6000 bytes is longer than 4096");
    stopped_then_assess("pattern_bomb.lua", ART_ERR_LIMIT, "evil_pattern: ",
                        "pattern too costly");
}

/* Ordinary patterns on ordinary text still run. */
static void test_patterns_still_work(void)
{
    build();
    const char *code =
        "return { name = 'p', version = '1', description = 'd', dimensions = {'trust'},\n"
        "  run = function(art)\n"
        "    local n = 0\n"
        "    for s in art.segments() do\n"
        "      local t = s.text:gsub('^%s*(.-)%s*$', '%1')\n"
        "      for w in t:gmatch('%a+') do n = n + 1 end\n"
        "      if t:find('trust', 1, true) and t:match('^We (%a+)') == 'trust' then n = n + 100 end\n"
        "    end\n"
        "    art.emit { dimension = 'trust', facet = 'espoused', score = n - 100, weight = 1 }\n"
        "  end }\n";
    art_plugin_limits lim;
    small_limits(&lim);
    art_plugin_result res;
    CU_ASSERT_EQUAL(art_plugin_run_buffer(code, strlen(code), "patterns", &RUBRIC, &CORPUS, &lim,
                                          &res, NULL), ART_OK);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    if (res.error)
        fprintf(stderr, "\n%s\n", res.error);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 1);
    /* 7 + 8 words, and the first sentence starts "We trust". */
    CU_ASSERT_DOUBLE_EQUAL(res.emits[0].score, 15, 1e-9);
    art_plugin_result_clear(&res);
}

static void test_output_floods(void)
{
    stopped_then_assess("print_flood.lua", ART_ERR_LIMIT, "evil_print: ", "instruction budget");
    stopped_then_assess("log_flood.lua", ART_ERR_LIMIT, "evil_log: ", "instruction budget");
    stopped_then_assess("giant_indicator.lua", ART_ERR_LIMIT, "evil_indicator: ",
                        "evidence 1 field 'indicator' is longer than 1024 bytes");
}

/* With the default limits (1000 emits of 500 items), what the host copies
 * is bounded too. */
static void test_evidence_flood(void)
{
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    lim.max_seconds = 300;  /* the evidence bound must be what stops it, even under valgrind */
    check_stopped("evidence_flood.lua", &lim, ART_ERR_LIMIT, "evil_evidence_flood: ",
                  "more than 100000 evidence items in all");
}

static void test_api_tampering(void)
{
    stopped_then_assess("api_tamper.lua", ART_ERR_PLUGIN, "evil_api: ",
                        "attempt to call a nil value (field 'emit')");
    stopped_then_assess("api_replace_global.lua", ART_ERR_PLUGIN, "evil_global: ",
                        "attempt to call a nil value (field 'emit')");
}

void art_test_register(void)
{
    ART_SUITE("containment", {"pathological patterns", test_patterns},
              {"ordinary patterns", test_patterns_still_work},
              {"output floods", test_output_floods},
              {"evidence flood", test_evidence_flood},
              {"api tampering", test_api_tampering});
}
