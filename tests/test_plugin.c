/* Tests of the Lua plugin host: the shipped plugins on a hand-made corpus,
 * determinism, metadata strictness and containment of abusive plugins. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define S(x) ((char *)(x))

/* ---- a hand-made rubric ------------------------------------------------- */

static art_indicator TRUST_IND[] = {
    {S("trust*"), 1, 1.0, ART_LEVEL_NONE, NULL},
    {S("need permission"), -1, 2.0, ART_LEVEL_ESPOUSED, NULL},
    {S("ask * manager"), -1, 1.0, ART_LEVEL_ASSUMPTION, NULL},
};
static art_code_map TRUST_CODES[] = {{S("Trust/Positive*"), 1}, {S("trust/negative"), -1}};
static art_indicator HIER_IND[] = {
    {S("sign off"), -1, 1.0, ART_LEVEL_NONE, NULL},
    {S("empower*"), 1, 1.5, ART_LEVEL_ARTEFACT, NULL},
};
static art_code_map HIER_CODES[] = {{S("*/Hierarchy"), -1}};
static art_indicator COPRO_IND[] = {{S("co-production"), 1, 1.0, ART_LEVEL_NONE, NULL}};

static art_dimension DIMS[3];
static art_rubric RUBRIC;

static void build_rubric(void)
{
    memset(DIMS, 0, sizeof DIMS);
    DIMS[0] = (art_dimension){.id = S("trust"), .name = S("Trust"), .target = 80,
                              .indicators = TRUST_IND, .nindicators = 3,
                              .codes = TRUST_CODES, .ncodes = 2};
    DIMS[1] = (art_dimension){.id = S("hierarchy"), .name = S("Hierarchy"), .target = 70,
                              .indicators = HIER_IND, .nindicators = 2,
                              .codes = HIER_CODES, .ncodes = 1};
    DIMS[2] = (art_dimension){.id = S("coproduction"), .name = S("Co-production"),
                              .target = 75, .indicators = COPRO_IND, .nindicators = 1};
    memset(&RUBRIC, 0, sizeof RUBRIC);
    RUBRIC.id = S("test-rubric");
    RUBRIC.version = S("1");
    RUBRIC.title = S("Test rubric");
    RUBRIC.dims = DIMS;
    RUBRIC.ndims = 3;
}

/* ---- a hand-made corpus --------------------------------------------------- */

static const char *const CODES20[] = {"Trust/Positive/Autonomy", "Culture/Hierarchy"};
static const char *const CODERS20[] = {"ann", NULL};
static const char *const CODES21[] = {"TRUST/Negative"};
static const char *const CODERS21[] = {"bob"};

static art_seg_view SEGS[5];
static art_corpus CORPUS;

static art_seg_view doc_seg(int64_t id, int para, const char *text)
{
    return (art_seg_view){.id = id, .kind = ART_SRC_DOCUMENT, .source = "policy.md",
                          .locator = para == 0 ? "para 1, sentence 1" : "para 2, sentence 1",
                          .paragraph = para, .text = text, .voice = ART_VOICE_UNKNOWN,
                          .level = ART_LEVEL_ESPOUSED};
}

static art_seg_view interview_seg(int64_t id, const char *who, art_voice voice, const char *text)
{
    return (art_seg_view){.id = id, .kind = ART_SRC_INTERVIEW, .source = "interviews.csv",
                          .document = "int1.docx", .locator = "row 1", .text = text,
                          .participant = who, .voice = voice, .level = ART_LEVEL_ASSUMPTION};
}

static void build_corpus(void)
{
    SEGS[0] = doc_seg(10, 0, "We trust our staff and empower teams.");
    SEGS[1] = doc_seg(11, 1, "Workers need permission to sign off small purchases.");
    SEGS[2] = interview_seg(20, "P01", ART_VOICE_LIVED,
                            "We no longer need permission, they trust us.");
    SEGS[2].codes = CODES20;
    SEGS[2].coders = CODERS20;
    SEGS[2].ncodes = 2;
    SEGS[3] = interview_seg(21, "P02", ART_VOICE_LOCAL_AUTHORITY,
                            "I still ask my manager before I act.");
    SEGS[3].codes = CODES21;
    SEGS[3].coders = CODERS21;
    SEGS[3].ncodes = 1;
    SEGS[4] = interview_seg(25, "P02", ART_VOICE_LOCAL_AUTHORITY, "Nothing here is co-production.");
    memset(&CORPUS, 0, sizeof CORPUS);
    CORPUS.site = S("testshire");
    CORPUS.round = S("r1");
    CORPUS.segs = SEGS;
    CORPUS.nsegs = 5;
}

static void test_limits(art_plugin_limits *lim)
{
    art_plugin_limits_default(lim);
    lim->max_instructions = 2000000;
    lim->max_memory = (size_t)4 << 20;
    lim->max_seconds = 5;
    lim->max_emits = 10;
    lim->max_evidence = 20;
}

static void run_file(const char *path, art_plugin_result *res)
{
    build_rubric();
    build_corpus();
    art_plugin_limits lim;
    test_limits(&lim);
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL(art_plugin_run(path, &RUBRIC, &CORPUS, &lim, res, &err), ART_OK);
}

static void run_test_plugin(const char *file, art_plugin_result *res)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/plugins/%s", file);
    run_file(art_test_src(rel), res);
}

/* ---- checks ---------------------------------------------------------------- */

static void check_evidence(const art_evidence *ev, int64_t seg, const char *indicator, int dir,
                           double weight, art_level level)
{
    CU_ASSERT_EQUAL(ev->segment_id, seg);
    CU_ASSERT_STRING_EQUAL(ev->indicator, indicator);
    CU_ASSERT_EQUAL(ev->direction, dir);
    CU_ASSERT_DOUBLE_EQUAL(ev->weight, weight, 1e-9);
    CU_ASSERT_EQUAL(ev->level, level);
    /* Quote and context come from the corpus, never from the plugin. */
    for (size_t i = 0; i < CORPUS.nsegs; i++) {
        const art_seg_view *s = &CORPUS.segs[i];
        if (s->id != seg)
            continue;
        CU_ASSERT_STRING_EQUAL(ev->quote, s->text);
        CU_ASSERT_STRING_EQUAL(ev->source, s->source);
        CU_ASSERT_STRING_EQUAL(ev->locator, s->locator);
        CU_ASSERT_EQUAL(ev->voice, s->voice);
        CU_ASSERT_EQUAL(ev->facet, s->kind == ART_SRC_INTERVIEW ? ART_FACET_ENACTED
                                                                : ART_FACET_ESPOUSED);
        if (s->participant) {
            CU_ASSERT_STRING_EQUAL(ev->participant, s->participant);
        } else {
            CU_ASSERT_PTR_NULL(ev->participant);
        }
    }
}

static void check_emit(const art_emit *e, const char *dim, art_facet facet, double score,
                       double weight, size_t nev)
{
    CU_ASSERT_STRING_EQUAL(e->dimension, dim);
    CU_ASSERT_EQUAL(e->facet, facet);
    CU_ASSERT_DOUBLE_EQUAL(e->score, score, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(e->weight, weight, 1e-9);
    CU_ASSERT_EQUAL(e->nev, nev);
}

static void check_failed(const art_plugin_result *res, art_status st, const char *name,
                         const char *text)
{
    CU_ASSERT_EQUAL(res->status, st);
    CU_ASSERT_EQUAL(res->nemits, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res->error);
    CU_ASSERT_PTR_NULL(strchr(res->error, '\n'));
    CU_ASSERT(strlen(res->error) <= 300);
    CU_ASSERT_EQUAL(strncmp(res->error, name, strlen(name)), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(res->error, text));
    if (!strstr(res->error, text) || res->status != st)
        fprintf(stderr, "\n  unexpected: status %s, error: %s\n", art_status_name(res->status),
                res->error);
}

/* The good plugin works after whatever ran before it. */
static void check_good_still_works(void)
{
    art_plugin_result res;
    run_test_plugin("good.lua", &res);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    CU_ASSERT_PTR_NULL(res.error);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 1);
    check_emit(&res.emits[0], "trust", ART_FACET_ESPOUSED, 75, 2, 1);
    check_evidence(&res.emits[0].ev[0], 10, "trust*", 1, 1, ART_LEVEL_ESPOUSED);
    art_plugin_result_clear(&res);
}

static void check_contained(const char *file, art_status st, const char *name, const char *text)
{
    art_plugin_result res;
    run_test_plugin(file, &res);
    check_failed(&res, st, name, text);
    art_plugin_result_clear(&res);
    check_good_still_works();
}

/* ---- shipped plugins --------------------------------------------------------- */

static void test_lexical_scores(void)
{
    art_plugin_result res;
    run_file(art_test_src("plugins/lexical.lua"), &res);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    CU_ASSERT_PTR_NULL(res.error);
    CU_ASSERT_STRING_EQUAL(res.name, "lexical");
    CU_ASSERT_EQUAL(strlen(res.sha256), 64);
    CU_ASSERT(res.peak_memory > 0 && res.peak_memory <= ((size_t)4 << 20));
    CU_ASSERT_EQUAL_FATAL(res.nemits, 4);
    /* trust, documents: +1 (trust) and -2 (need permission): 100*2/5 */
    const art_emit *e = &res.emits[0];
    check_emit(e, "trust", ART_FACET_ESPOUSED, 40.0, 3, 2);
    check_evidence(&e->ev[0], 11, "need permission", -1, 2, ART_LEVEL_ESPOUSED);
    check_evidence(&e->ev[1], 10, "trust*", 1, 1, ART_LEVEL_ESPOUSED);
    /* trust, interviews: "no longer need permission" flips to +2, trust +1,
     * "ask my manager" -1: 100*4/6 */
    e = &res.emits[1];
    check_emit(e, "trust", ART_FACET_ENACTED, 400.0 / 6.0, 4, 3);
    check_evidence(&e->ev[0], 20, "need permission", 1, 2, ART_LEVEL_ESPOUSED);
    check_evidence(&e->ev[1], 20, "trust*", 1, 1, ART_LEVEL_ASSUMPTION);
    check_evidence(&e->ev[2], 21, "ask * manager", -1, 1, ART_LEVEL_ASSUMPTION);
    /* hierarchy, documents: empower +1.5, sign off -1: 100*2.5/4.5 */
    e = &res.emits[2];
    check_emit(e, "hierarchy", ART_FACET_ESPOUSED, 250.0 / 4.5, 2.5, 2);
    check_evidence(&e->ev[0], 10, "empower*", 1, 1.5, ART_LEVEL_ARTEFACT);
    check_evidence(&e->ev[1], 11, "sign off", -1, 1, ART_LEVEL_ESPOUSED);
    /* co-production, interviews: negated by "Nothing": 100*1/3 */
    e = &res.emits[3];
    check_emit(e, "coproduction", ART_FACET_ENACTED, 100.0 / 3.0, 1, 1);
    check_evidence(&e->ev[0], 25, "co-production", -1, 1, ART_LEVEL_ASSUMPTION);
    art_plugin_result_clear(&res);
}

static void test_codes_scores(void)
{
    art_plugin_result res;
    run_file(art_test_src("plugins/codes.lua"), &res);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    CU_ASSERT_STRING_EQUAL(res.name, "codes");
    CU_ASSERT_EQUAL_FATAL(res.nemits, 2);
    const art_emit *e = &res.emits[0];
    check_emit(e, "trust", ART_FACET_ENACTED, 50.0, 2, 2);
    check_evidence(&e->ev[0], 20, "Trust/Positive/Autonomy", 1, 1, ART_LEVEL_ASSUMPTION);
    check_evidence(&e->ev[1], 21, "TRUST/Negative", -1, 1, ART_LEVEL_ASSUMPTION);
    CU_ASSERT_STRING_EQUAL(e->ev[0].participant, "P01");
    CU_ASSERT_EQUAL(e->ev[0].voice, ART_VOICE_LIVED);
    e = &res.emits[1];
    check_emit(e, "hierarchy", ART_FACET_ENACTED, 100.0 / 3.0, 1, 1);
    check_evidence(&e->ev[0], 20, "Culture/Hierarchy", -1, 1, ART_LEVEL_ASSUMPTION);
    art_plugin_result_clear(&res);
}

static bool emits_equal(const art_plugin_result *a, const art_plugin_result *b)
{
    if (a->nemits != b->nemits || strcmp(a->sha256, b->sha256) != 0)
        return false;
    for (size_t i = 0; i < a->nemits; i++) {
        const art_emit *x = &a->emits[i], *y = &b->emits[i];
        if (strcmp(x->dimension, y->dimension) || x->facet != y->facet || x->score != y->score ||
            x->weight != y->weight || x->nev != y->nev)
            return false;
        for (size_t k = 0; k < x->nev; k++)
            if (x->ev[k].segment_id != y->ev[k].segment_id ||
                strcmp(x->ev[k].indicator, y->ev[k].indicator) != 0)
                return false;
    }
    return true;
}

static void test_determinism(void)
{
    art_plugin_result a, b;
    run_file(art_test_src("plugins/lexical.lua"), &a);
    run_file(art_test_src("plugins/lexical.lua"), &b);
    CU_ASSERT_EQUAL(a.status, ART_OK);
    CU_ASSERT(emits_equal(&a, &b));
    CU_ASSERT_EQUAL(a.instructions, b.instructions);
    art_plugin_result_clear(&a);
    art_plugin_result_clear(&b);
}

/* ---- metadata ------------------------------------------------------------------ */

static void test_describe(void)
{
    art_plugin_result res;
    art_error err;
    CU_ASSERT_EQUAL(art_plugin_describe(art_test_src("plugins/lexical.lua"), NULL, &res, &err),
                    ART_OK);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    CU_ASSERT_STRING_EQUAL(res.name, "lexical");
    CU_ASSERT_STRING_EQUAL(res.version, "0.3.0");
    CU_ASSERT_EQUAL_FATAL(res.ndimensions, 1);
    CU_ASSERT_STRING_EQUAL(res.dimensions[0], "*");
    CU_ASSERT_EQUAL(res.nemits, 0);
    art_plugin_result_clear(&res);

    CU_ASSERT_EQUAL(art_plugin_describe(art_test_src("tests/data/plugins/unknown_key.lua"), NULL,
                                        &res, &err), ART_OK);
    check_failed(&res, ART_ERR_PLUGIN, "unknown_key: ", "unknown metadata key 'author'");
    art_plugin_result_clear(&res);

    CU_ASSERT_EQUAL(art_plugin_describe(art_test_src("tests/data/plugins/missing.lua"), NULL,
                                        &res, &err), ART_OK);
    CU_ASSERT_EQUAL(res.status, ART_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(res.error && strstr(res.error, "missing.lua"));
    art_plugin_result_clear(&res);
}

static void test_metadata_strict(void)
{
    check_contained("unknown_key.lua", ART_ERR_PLUGIN, "unknown_key: ", "unknown metadata key 'author'");
    check_contained("no_run.lua", ART_ERR_PLUGIN, "evil_norun: ", "metadata 'run' must be a function");
    check_contained("not_table.lua", ART_ERR_PLUGIN, "not_table: ", "must return a table, not a number");
    check_contained("bad_name.lua", ART_ERR_PLUGIN, "bad_name: ", "metadata 'name' must be");
    check_contained("bytecode.luac", ART_ERR_PLUGIN, "bytecode.luac: ", "precompiled (bytecode) plugins are refused");
}

static void test_run_buffer(void)
{
    build_rubric();
    build_corpus();
    const char *code =
        "return { name = 'buf', version = '1', description = 'd', dimensions = {'*'},\n"
        "  run = function(art)\n"
        "    local n = 0\n"
        "    for s in art.segments() do n = n + 1 end\n"
        "    local r = art.rubric()\n"
        "    local m = art.match_phrases({'need permission', 'trust*'}, 'We trust; no need permission')\n"
        "    assert(#m == 2 and m[1].indicator == 2 and m[2].negated and m[2].start == 13)\n"
        "    local ms = art.match('trust', 'We no longer need permission, they trust us.')\n"
        "    assert(#ms == 2 and ms[1].indicator == 2 and ms[1].negated and ms[1].weight == 2)\n"
        "    assert(ms[1].level == 'espoused' and ms[1].start == 13 and ms[1]['end'] == 28)\n"
        "    assert(ms[2].phrase == 'trust*' and ms[2].level == nil and ms[2].start == 35)\n"
        "    assert(ms[2]['end'] == 40 and not ms[2].negated and ms[2].direction == 1)\n"
        "    local it = art.segments(); local s1 = it(); local s2 = it(); local s3 = it()\n"
        "    assert(s1.id == 10 and s1.kind == 'document' and s1.participant == nil)\n"
        "    assert(s1.level == 'espoused' and s1.voice == 'unknown' and #s1.codes == 0)\n"
        "    assert(s3.id == 20 and s3.kind == 'interview' and s3.participant == 'P01')\n"
        "    assert(s3.voice == 'lived_experience' and s3.codes[2] == 'Culture/Hierarchy')\n"
        "    assert(s3.coders[1] == 'ann' and s3.coders[2] == false and s3.document == 'int1.docx')\n"
        "    assert(r.dimensions[1].indicators[2].level == 'espoused' and r.dimensions[2].codes[1].direction == -1)\n"
        "    assert(art.code_direction('trust', 'trust/POSITIVE/x') == 1)\n"
        "    assert(art.code_direction('coproduction', 'x') == nil)\n"
        "    assert(art.version == '0.1.0' and math.random == nil and string.dump == nil)\n"
        "    assert(getmetatable('') == false and collectgarbage == nil and load == nil)\n"
        "    art.emit{ dimension = #r.dimensions == 3 and 'coproduction' or 'x', facet = 'enacted',\n"
        "              score = n * 10, weight = art.segment_count() }\n"
        "  end }\n";
    art_plugin_result res;
    art_plugin_limits lim;
    test_limits(&lim);
    CU_ASSERT_EQUAL(art_plugin_run_buffer(code, strlen(code), "inline", &RUBRIC, &CORPUS, &lim,
                                          &res, NULL), ART_OK);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    if (res.error)
        fprintf(stderr, "\n  %s\n", res.error);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 1);
    check_emit(&res.emits[0], "coproduction", ART_FACET_ENACTED, 50, 5, 0);
    art_plugin_result_clear(&res);
    /* An unknown dimension in art.match is an error. */
    const char *bad = "return { name = 'b', version = '1', description = 'd', dimensions = {'*'},\n"
                      "  run = function(art) art.match('nope', 'x') end }\n";
    CU_ASSERT_EQUAL(art_plugin_run_buffer(bad, strlen(bad), "bad", &RUBRIC, &CORPUS, &lim,
                                          &res, NULL), ART_OK);
    check_failed(&res, ART_ERR_PLUGIN, "b: ", "art.match: unknown dimension 'nope'");
    art_plugin_result_clear(&res);
}

/* ---- containment ------------------------------------------------------------------ */

static void test_forbidden_libraries(void)
{
    check_contained("io_open.lua", ART_ERR_PLUGIN, "evil_io: ", "global 'io'");
    check_contained("os_execute.lua", ART_ERR_PLUGIN, "evil_os: ", "global 'os'");
    check_contained("require.lua", ART_ERR_PLUGIN, "evil_require: ", "global 'require'");
    check_contained("load_bytecode.lua", ART_ERR_PLUGIN, "evil_load: ", "global 'load'");
    check_contained("dofile.lua", ART_ERR_PLUGIN, "evil_dofile: ", "global 'dofile'");
    check_contained("metatable_tamper.lua", ART_ERR_PLUGIN, "evil_meta: ", "attempt to index a boolean value");
}

static void test_budgets(void)
{
    check_contained("endless_loop.lua", ART_ERR_LIMIT, "evil_loop: ", "instruction budget of 2000000 exceeded");
    check_contained("pcall_loop.lua", ART_ERR_LIMIT, "evil_pcall: ", "instruction budget");
    check_contained("pcall_return.lua", ART_ERR_LIMIT, "evil_swallow: ", "instruction budget");
    check_contained("string_rep.lua", ART_ERR_LIMIT, "evil_rep: ", "string.rep: a result of 1073741824 bytes");
    check_contained("string_rep_method.lua", ART_ERR_LIMIT, "evil_rep_method: ", "string.rep");
    check_contained("table_growth.lua", ART_ERR_LIMIT, "evil_grow: ", "memory budget of 4194304 bytes exceeded");
    check_contained("deep_recursion.lua", ART_ERR_LIMIT, "evil_recurse: ", "memory budget");
    check_contained("pattern_bomb.lua", ART_ERR_LIMIT, "evil_pattern: ", "pattern too costly");
    check_contained("run_error.lua", ART_ERR_PLUGIN, "evil_error: ", "run_error.lua:8: deliberate failure");
}

static void test_time_budget(void)
{
    build_rubric();
    build_corpus();
    art_plugin_limits lim;
    test_limits(&lim);
    lim.max_instructions = 1LL << 60;
    lim.max_seconds = 0.2;
    art_plugin_result res;
    CU_ASSERT_EQUAL(art_plugin_run(art_test_src("tests/data/plugins/pcall_loop.lua"), &RUBRIC,
                                   &CORPUS, &lim, &res, NULL), ART_OK);
    check_failed(&res, ART_ERR_LIMIT, "evil_pcall: ", "time budget of 0.2 s exceeded");
    art_plugin_result_clear(&res);
    check_good_still_works();
}

static void test_bad_emits(void)
{
    check_contained("forged_segment.lua", ART_ERR_PLUGIN, "evil_segment: ", "unknown segment 9999");
    check_contained("score_150.lua", ART_ERR_PLUGIN, "evil_score: ", "score 150 is outside 0..100");
    check_contained("emit_caught.lua", ART_ERR_PLUGIN, "evil_caught: ", "outside 0..100");
    check_contained("undeclared_dimension.lua", ART_ERR_PLUGIN, "evil_undeclared: ",
                    "dimension 'hierarchy' is not declared");
    check_contained("too_many_emits.lua", ART_ERR_LIMIT, "evil_emits: ", "more than 10 emits");
    check_contained("too_much_evidence.lua", ART_ERR_LIMIT, "evil_evidence: ", "21 evidence items");
}

static void test_finaliser_refused(void)
{
    check_contained("gc_loop.lua", ART_ERR_PLUGIN, "evil_gc: ", "__gc metamethods are not allowed");
}

static void test_instruction_count(void)
{
    art_plugin_result res;
    run_test_plugin("endless_loop.lua", &res);
    CU_ASSERT(res.instructions > 2000000 && res.instructions < 2010000);
    CU_ASSERT(res.peak_memory > 0 && res.peak_memory < ((size_t)4 << 20));
    art_plugin_result_clear(&res);
}

void art_test_register(void)
{
    ART_SUITE("plugin",
              {"lexical scores", test_lexical_scores},
              {"codes scores", test_codes_scores},
              {"determinism", test_determinism},
              {"describe", test_describe},
              {"metadata strict", test_metadata_strict},
              {"run buffer and API", test_run_buffer},
              {"forbidden libraries", test_forbidden_libraries},
              {"budgets", test_budgets},
              {"time budget", test_time_budget},
              {"bad emits", test_bad_emits},
              {"finaliser refused", test_finaliser_refused},
              {"instruction count", test_instruction_count});
}
