/* art.tally, the phrase count done in C: lexical.lua (which uses it) gives
 * the same scores, weights and evidence as lexical_loop.lua (the Lua loop
 * over art.segments and art.match_all it replaced), on a random corpus big
 * enough to cut evidence at the limit, with weights whose sums depend on
 * the order of addition, in memory and streamed from a store; its options
 * are checked, and bad ones are one-line errors. */
#include "testutil.h"
#include "artefact/artefact.h"
#include "dict.h"           /* the tap's shared scan (internal) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S(x) ((char *)(x))

/* ---- a rubric with weights that are not sums of powers of two ----------- */

static art_indicator TRUST_IND[] = {
    {S("trust*"), 1, 1.0, ART_LEVEL_NONE, NULL},
    {S("need permission"), -1, 0.3, ART_LEVEL_ESPOUSED, NULL},
    {S("ask * manager"), -1, 1.7, ART_LEVEL_ASSUMPTION, NULL},
};
static art_indicator HIER_IND[] = {
    {S("sign off"), -1, 1.0, ART_LEVEL_NONE, NULL},
    {S("empower*"), 1, 0.1, ART_LEVEL_ARTEFACT, NULL},
    {S("panel"), -1, 2.0, ART_LEVEL_NONE, NULL},
};
static art_indicator COPRO_IND[] = {{S("co-production"), 1, 1.0, ART_LEVEL_NONE, NULL},
                                    {S("with carers"), 1, 0.7, ART_LEVEL_NONE, NULL}};
static art_dimension DIMS[4];
static art_rubric RUBRIC;

static void build_rubric(void)
{
    memset(DIMS, 0, sizeof DIMS);
    DIMS[0] = (art_dimension){.id = S("trust"), .name = S("Trust"), .target = 80,
                              .indicators = TRUST_IND, .nindicators = 3};
    DIMS[1] = (art_dimension){.id = S("hierarchy"), .name = S("Hierarchy"), .target = 70,
                              .indicators = HIER_IND, .nindicators = 3};
    DIMS[2] = (art_dimension){.id = S("coproduction"), .name = S("Co-production"),
                              .target = 75, .indicators = COPRO_IND, .nindicators = 2};
    /* A dimension no text matches: neither plugin emits for it. */
    DIMS[3] = (art_dimension){.id = S("quiet"), .name = S("Quiet"), .target = 50};
    memset(&RUBRIC, 0, sizeof RUBRIC);
    RUBRIC.id = S("tally-rubric");
    RUBRIC.version = S("1");
    RUBRIC.title = S("Tally rubric");
    RUBRIC.dims = DIMS;
    RUBRIC.ndims = 4;
}

/* ---- a random corpus ------------------------------------------------------ */

#define NSEGS 4000     /* enough for some cells to pass the 500 evidence kept */

static const char *const PHRASES[] = {"trust", "trusted", "need permission", "ask my manager",
                                      "ask the manager", "sign off", "empowered",
                                      "the panel", "co-production", "with carers"};
static const char *const FILLERS[] = {"we", "said", "the team", "often", "in the hub", "and"};
/* Before a phrase: negators and hedges, which change its sign and weight. */
static const char *const BEFORE[] = {"", "", "", "not", "no longer", "we aim to", "sometimes"};

static unsigned long rng_state;
static unsigned rng(unsigned n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng_state >> 33) % n);
}
#define PICK(a) a[rng(sizeof a / sizeof a[0])]

static art_seg_view RSEGS[NSEGS];
static char *RTEXT[NSEGS];
static art_corpus RCORPUS;

/* Each segment uses a phrase at most once: two matches of one phrase in
 * one segment with one weight tie in every key lexical_loop.lua sorts by,
 * and the Lua sort is not stable. */
static char *random_text(void)
{
    char buf[512] = "";
    bool used[sizeof PHRASES / sizeof PHRASES[0]] = {false};
    unsigned n = 1 + rng(5);
    for (unsigned i = 0; i < n; i++) {
        unsigned p = rng(sizeof PHRASES / sizeof PHRASES[0]);
        strcat(buf, PICK(FILLERS));
        strcat(buf, " ");
        if (!used[p]) {
            used[p] = true;
            strcat(buf, PICK(BEFORE));
            strcat(buf, " ");
            strcat(buf, PHRASES[p]);
        }
        strcat(buf, i + 1 < n ? ", " : ".");
    }
    char *s = strdup(buf);
    CU_ASSERT_FATAL(s != NULL);
    return s;
}

static void build_random_corpus(unsigned long seed)
{
    rng_state = seed;
    static const char *const BLOCKS[] = {"paragraph", "paragraph", "paragraph", "heading",
                                         "list_item", "excerpt"};
    static const art_level LEVELS[] = {ART_LEVEL_ESPOUSED, ART_LEVEL_ARTEFACT,
                                       ART_LEVEL_ASSUMPTION};
    for (size_t i = 0; i < NSEGS; i++) {
        free(RTEXT[i]);
        RTEXT[i] = random_text();
        bool interview = rng(2);
        RSEGS[i] = (art_seg_view){.id = (int64_t)(i * 3 + 1 + rng(2)),
                                  .kind = interview ? ART_SRC_INTERVIEW : ART_SRC_DOCUMENT,
                                  .source = interview ? "interviews.csv" : "policy.md",
                                  .locator = "para 1", .text = RTEXT[i],
                                  .participant = interview ? "P01" : NULL,
                                  .voice = ART_VOICE_UNKNOWN, .level = PICK(LEVELS),
                                  .block = PICK(BLOCKS)};
    }
    memset(&RCORPUS, 0, sizeof RCORPUS);
    RCORPUS.site = S("random");
    RCORPUS.round = S("r1");
    RCORPUS.segs = RSEGS;
    RCORPUS.nsegs = NSEGS;
}

static void free_random_corpus(void)
{
    for (size_t i = 0; i < NSEGS; i++) {
        free(RTEXT[i]);
        RTEXT[i] = NULL;
    }
}

/* ---- comparing emits ------------------------------------------------------ */

/* A total order on evidence, to compare two lists as sets in one order. */
static int evidence_cmp(const void *pa, const void *pb)
{
    const art_evidence *a = pa, *b = pb;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    if (a->segment_id != b->segment_id)
        return a->segment_id < b->segment_id ? -1 : 1;
    int c = strcmp(a->indicator, b->indicator);
    if (c)
        return c;
    if (a->direction != b->direction)
        return a->direction - b->direction;
    return (int)a->level - (int)b->level;
}

/* The number of ways the emits differ (0: the same).  Scores and weights
 * must be the same doubles: the tally adds in the loop's order. */
static size_t emit_differences(const art_plugin_result *x, const art_plugin_result *y)
{
    if (x->nemits != y->nemits) {
        fprintf(stderr, "\n  emits: %zu vs %zu\n", x->nemits, y->nemits);
        return 1;
    }
    size_t diffs = 0;
    for (size_t i = 0; i < x->nemits; i++) {
        const art_emit *a = &x->emits[i], *b = &y->emits[i];
        if (strcmp(a->dimension, b->dimension) || a->facet != b->facet || a->score != b->score ||
            a->weight != b->weight || a->nev != b->nev) {
            fprintf(stderr, "\n  emit %zu: %s/%d %.17g %.17g %zu vs %s/%d %.17g %.17g %zu\n", i,
                    a->dimension, (int)a->facet, a->score, a->weight, a->nev, b->dimension,
                    (int)b->facet, b->score, b->weight, b->nev);
            diffs++;
            continue;
        }
        qsort(a->ev, a->nev, sizeof *a->ev, evidence_cmp);
        qsort(b->ev, b->nev, sizeof *b->ev, evidence_cmp);
        for (size_t k = 0; k < a->nev; k++)
            if (evidence_cmp(&a->ev[k], &b->ev[k]) != 0 ||
                strcmp(a->ev[k].quote, b->ev[k].quote) != 0) {
                diffs++;
                break;
            }
    }
    return diffs;
}

static void run_plugin(const char *rel, const art_corpus *c, art_plugin_result *res)
{
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    lim.max_instructions = 2000000000LL;     /* the loop, on 4000 segments */
    lim.max_seconds = 120;                   /* under valgrind */
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL(art_plugin_run(art_test_src(rel), &RUBRIC, c, &lim, res, &err), ART_OK);
    CU_ASSERT_EQUAL(res->status, ART_OK);
    if (res->error)
        fprintf(stderr, "\n  %s: %s\n", rel, res->error);
}

/* What a shared scan's tap saw. */
typedef struct scan_seen {
    size_t segments, beyond;    /* segments fed with the scan; matches past the base */
    size_t base;
    size_t plain;               /* segments fed without it */
} scan_seen;

static art_status plain_count(void *ud, const art_seg_view *seg, art_error *err)
{
    (void)seg;
    (void)err;
    ((scan_seen *)ud)->plain++;
    return ART_OK;
}

static art_status scan_count(void *ud, const art_seg_view *seg, const art_match_ex *m, size_t n,
                             art_error *err)
{
    scan_seen *ss = ud;
    (void)seg;
    (void)err;
    ss->segments++;
    for (size_t i = 0; i < n; i++)
        ss->beyond += m[i].m.indicator >= ss->base;
    return ART_OK;
}

/* The rubric's indicators, dimension by dimension (as the plugin host lists
 * them for art.tally), then `extra`. */
static size_t scan_phrases(const char **out, const char *const *extra, size_t nextra)
{
    size_t k = 0;
    for (size_t d = 0; d < RUBRIC.ndims; d++)
        for (size_t i = 0; i < RUBRIC.dims[d].nindicators; i++)
            out[k++] = RUBRIC.dims[d].indicators[i].phrase;
    for (size_t i = 0; i < nextra; i++)
        out[k++] = extra[i];
    return k;
}

static void check_same_as_loop_tapped(const art_corpus *c, size_t min_emits, const char *tap)
{
    art_plugin_result loop, tally;
    run_plugin("tests/data/plugins/lexical_loop.lua", c, &loop);
    /* The tally's walk rides a shared scan of the rubric's phrases and more
     * (an indicator again, words every segment has): it must count only
     * its own phrases' matches, the same as its own matcher's. */
    static const char *const EXTRA[] = {"trust*", "the", "we", "panel", "ask * manager"};
    const char *phrases[64];
    size_t n = scan_phrases(phrases, EXTRA, tap ? sizeof EXTRA / sizeof EXTRA[0] : 0);
    art_matcher *m = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_matcher_new(phrases, n, &m, &err) == ART_OK);
    scan_seen ss = {0, 0, n - (tap ? sizeof EXTRA / sizeof EXTRA[0] : 0), 0};
    if (tap)
        CU_ASSERT_FATAL(art_corpus_tap_set_scan(c, plain_count, scan_count, &ss, m, phrases, n));
    run_plugin("plugins/lexical.lua", c, &tally);
    if (tap) {
        bool complete = false;
        CU_ASSERT_EQUAL(art_corpus_tap_take(c, &complete, &err), ART_OK);
        CU_ASSERT_TRUE(complete);
        CU_ASSERT_EQUAL(ss.segments, art_corpus_count(c));
        CU_ASSERT_EQUAL(ss.plain, 0);
        CU_ASSERT_TRUE(ss.beyond > art_corpus_count(c));     /* "the", "we": many */
        /* A walk whose owner does not take the scan feeds the plain tap. */
        ss = (scan_seen){0, 0, ss.base, 0};
        CU_ASSERT_FATAL(art_corpus_tap_set_scan(c, plain_count, scan_count, &ss, m, phrases, n));
        art_corpus_cursor *cur = NULL;
        CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
        const art_seg_view *v;
        const art_match_ex *sm;
        size_t nsm, walked = 0, scanned = 0;
        while (art_corpus_cursor_next(cur, &v, &err) == ART_OK && v) {
            walked++;
            scanned += art_corpus_cursor_scan(cur, &sm, &nsm);
        }
        art_corpus_cursor_close(cur);
        CU_ASSERT_EQUAL(art_corpus_tap_take(c, &complete, &err), ART_OK);
        CU_ASSERT_TRUE(complete);
        CU_ASSERT_EQUAL(walked, art_corpus_count(c));
        CU_ASSERT_EQUAL(ss.plain, walked);
        CU_ASSERT_EQUAL(ss.segments, 0);
        CU_ASSERT_EQUAL(scanned, 0);
    }
    art_matcher_free(m);
    CU_ASSERT(tally.nemits >= min_emits);
    if (tally.nemits < min_emits)
        fprintf(stderr, "\n  %zu emits\n", tally.nemits);
    CU_ASSERT_EQUAL(emit_differences(&loop, &tally), 0);
    art_plugin_result_clear(&loop);
    art_plugin_result_clear(&tally);
}

static void check_same_as_loop(const art_corpus *c, size_t min_emits)
{
    check_same_as_loop_tapped(c, min_emits, NULL);
}

/* ---- tests ---------------------------------------------------------------- */

static void test_same_as_loop_in_memory(void)
{
    build_rubric();
    for (unsigned long seed = 1; seed <= 3; seed++) {
        build_random_corpus(seed);
        /* 3 dimensions with matches x 2 facets */
        check_same_as_loop(&RCORPUS, 6);
    }
    /* Some cell passed the evidence limit, so the cut was exercised. */
    art_plugin_result res;
    run_plugin("plugins/lexical.lua", &RCORPUS, &res);
    size_t full = 0;
    for (size_t i = 0; i < res.nemits; i++)
        full += res.emits[i].nev == 500;
    CU_ASSERT(full > 0);
    art_plugin_result_clear(&res);
    free_random_corpus();
}

/* The random corpus of `seed` as a site: one Markdown document of its
 * texts (every tenth a heading when asked) in tmp/docs; the store's path
 * in db. */
static void write_random_site(const char *tag, unsigned long seed, bool headings, char *db,
                              size_t dbsize, char *docs, size_t docsize)
{
    build_random_corpus(seed);
    const char *tmp = art_test_tmpdir(tag);
    char path[4400];
    snprintf(db, dbsize, "%s/store.db", tmp);
    snprintf(docs, docsize, "%s/docs", tmp);
    CU_ASSERT_FATAL(mkdir(docs, 0700) == 0);
    snprintf(path, sizeof path, "%s/site.md", docs);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    for (size_t i = 0; i < NSEGS; i++)
        fprintf(f, "%s%s\n\n", headings && i % 10 == 0 ? "# " : "", RTEXT[i]);
    fclose(f);
    free_random_corpus();
}

static void test_same_as_loop_streamed(void)
{
    build_rubric();
    char db[4300], docs[4300];
    write_random_site("tally-stream", 7, true, db, sizeof db, docs, sizeof docs);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_store_open(db, &s, &err) == ART_OK);
    const char *paths[] = {art_test_src("tests/data/store/site"), docs};
    CU_ASSERT_FATAL(art_store_ingest(s, "Tallyshire", "r1", paths, 2, NULL, &err) == ART_OK);
    /* Small batches: the walk crosses many of them. */
    art_corpus_opts opts = {.batch_segments = 300};
    art_corpus *c = NULL;
    CU_ASSERT_FATAL(art_store_open_corpus(s, "Tallyshire", "r1", &opts, &c, &err) == ART_OK);
    check_same_as_loop(c, 3);   /* the documents: 3 dimensions, espoused */
    /* Riding a shared scan (the ladder's, in an assessment), on both
     * kinds of walk: the cursor's own and the read-ahead's. */
    for (int jobs = 1; jobs <= 2; jobs++) {
        art_store_set_jobs(s, jobs);
        check_same_as_loop_tapped(c, 3, "scan");
    }
    art_corpus_free(c);
    art_store_close(s);
}

/* The tally keeps at hand (pins) the segments of the evidence it keeps,
 * and only those, so the plugin's emits cite them without reading the
 * store; the plugin host lets them go when the plugin ends. */
static void test_tally_pins_its_evidence(void)
{
    build_rubric();
    char db[4300], docs[4300];
    write_random_site("tally-pins", 5, false, db, sizeof db, docs, sizeof docs);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_store_open(db, &s, &err) == ART_OK);
    const char *paths[] = {docs};
    CU_ASSERT_FATAL(art_store_ingest(s, "Pinshire", "r1", paths, 1, NULL, &err) == ART_OK);
    art_corpus_opts opts = {.batch_segments = 300};
    art_corpus *c = NULL;
    CU_ASSERT_FATAL(art_store_open_corpus(s, "Pinshire", "r1", &opts, &c, &err) == ART_OK);

    const char *phrases[64];
    size_t np = scan_phrases(phrases, NULL, 0);
    art_matcher *m = NULL;
    CU_ASSERT_FATAL(art_matcher_new(phrases, np, &m, &err) == ART_OK);
    art_tally_phrase tp[64];
    size_t k = 0;
    for (size_t d = 0; d < RUBRIC.ndims; d++)
        for (size_t i = 0; i < RUBRIC.dims[d].nindicators; i++, k++)
            tp[k] = (art_tally_phrase){.text = RUBRIC.dims[d].indicators[i].phrase, .group = d,
                                       .direction = RUBRIC.dims[d].indicators[i].direction,
                                       .weight = RUBRIC.dims[d].indicators[i].weight,
                                       .level = RUBRIC.dims[d].indicators[i].level};
    art_tally_spec sp = {.matcher = m, .phrases = tp, .nphrases = np, .ngroups = RUBRIC.ndims,
                         .hedge = 0.5, .limit = 7};
    art_tally_cell *cells = calloc(RUBRIC.ndims * 2, sizeof *cells);
    CU_ASSERT_FATAL(cells != NULL);
    CU_ASSERT_EQUAL_FATAL(art_tally_run(c, &sp, cells, NULL, &err), ART_OK);
    /* Pinned: exactly the distinct segments of the evidence kept. */
    int64_t ids[64 * 2 * 7];
    size_t nids = 0, kept = 0;
    for (size_t i = 0; i < RUBRIC.ndims * 2; i++)
        for (size_t j = 0; j < cells[i].nhits; j++, kept++) {
            bool seen = false;
            for (size_t x = 0; x < nids && !seen; x++)
                seen = ids[x] == cells[i].hits[j].segment;
            if (!seen)
                ids[nids++] = cells[i].hits[j].segment;
        }
    CU_ASSERT_TRUE(kept >= 7 * 3);      /* three cells (documents only) at their limit */
    CU_ASSERT_EQUAL(art_corpus_pins(c), nids);
    /* And they are what the store holds. */
    const art_seg_view **got = calloc(nids ? nids : 1, sizeof *got);
    CU_ASSERT_FATAL(got != NULL);
    CU_ASSERT_EQUAL(art_corpus_find_many(c, ids, nids, got, &err), ART_OK);
    size_t found = 0;
    for (size_t i = 0; i < nids; i++)
        found += got[i] && got[i]->id == ids[i] && got[i]->text;
    CU_ASSERT_EQUAL(found, nids);
    free(got);
    art_tally_cells_free(cells, RUBRIC.ndims * 2);
    art_matcher_free(m);

    /* A plugin's run lets its pins go. */
    art_plugin_result res;
    run_plugin("plugins/lexical.lua", c, &res);
    CU_ASSERT_TRUE(res.nemits > 0);
    CU_ASSERT_EQUAL(art_corpus_pins(c), 0);
    art_plugin_result_clear(&res);
    art_corpus_free(c);
    art_store_close(s);
}

/* The tally takes a shared scan's matches only when the scan's first
 * phrases are its own, and then takes them as they are: a scan that says
 * it holds the rubric's phrases but matches only "trust*" counts only
 * trust*, and one whose phrases are the rubric's in another order is not
 * used at all. */
static void test_shared_scan_is_used_only_when_it_covers(void)
{
    build_rubric();
    build_random_corpus(11);
    art_error err;
    const char *phrases[64];
    size_t n = scan_phrases(phrases, NULL, 0);
    const char *only_trust[] = {"trust*"};
    art_matcher *liar = NULL;
    CU_ASSERT_FATAL(art_matcher_new(only_trust, 1, &liar, &err) == ART_OK);

    /* An in-memory corpus has no tap: nothing to ride. */
    scan_seen ss = {0, 0, n, 0};
    CU_ASSERT_FALSE(art_corpus_tap_set_scan(&RCORPUS, plain_count, scan_count, &ss, liar, phrases, n));
    free_random_corpus();

    const char *tmp = art_test_tmpdir("tally-scan-covers");
    char db[4300], docs[4300], path[4400];
    snprintf(db, sizeof db, "%s/store.db", tmp);
    snprintf(docs, sizeof docs, "%s/docs", tmp);
    CU_ASSERT_FATAL(mkdir(docs, 0700) == 0);
    snprintf(path, sizeof path, "%s/site.txt", docs);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    for (int i = 0; i < 40; i++)
        fprintf(f, "We trust the team. The panel will sign off.\n\n");
    fclose(f);
    art_store *s = NULL;
    CU_ASSERT_FATAL(art_store_open(db, &s, &err) == ART_OK);
    const char *paths[] = {docs};
    CU_ASSERT_FATAL(art_store_ingest(s, "Scanshire", "r1", paths, 1, NULL, &err) == ART_OK);
    art_corpus *c = NULL;
    CU_ASSERT_FATAL(art_store_open_corpus(s, "Scanshire", "r1", NULL, &c, &err) == ART_OK);

    /* Its own matcher would count 40 trust and 80 hierarchy (panel, sign
     * off); riding the liar it counts what the liar finds. */
    CU_ASSERT_FATAL(art_corpus_tap_set_scan(c, plain_count, scan_count, &ss, liar, phrases, n));
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    static const char CODE[] =
        "return { name = 't', version = '1', description = 'd', dimensions = {'*'},\n"
        "  run = function(art)\n"
        "    local t = art.tally()\n"
        "    local function n(d) return t[d] and t[d].espoused.matches or 0 end\n"
        "    art.emit{ dimension = 'trust', facet = 'espoused', score = n('trust'), weight = 1 }\n"
        "    art.emit{ dimension = 'hierarchy', facet = 'espoused', score = n('hierarchy'),\n"
        "              weight = 1 }\n"
        "  end }\n";
    art_plugin_result res;
    CU_ASSERT_EQUAL(art_plugin_run_buffer(CODE, sizeof CODE - 1, "t", &RUBRIC, c, &lim, &res, NULL),
                    ART_OK);
    if (res.error)
        fprintf(stderr, "\n  %s\n", res.error);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 2);
    CU_ASSERT_EQUAL(res.emits[0].score, 40);    /* the liar's matches, as they are */
    CU_ASSERT_EQUAL(res.emits[1].score, 0);
    art_plugin_result_clear(&res);
    bool complete;
    CU_ASSERT_EQUAL(art_corpus_tap_take(c, &complete, &err), ART_OK);
    CU_ASSERT_TRUE(complete);

    /* The same phrases in another order: not the tally's list, not used. */
    const char *swapped[64];
    memcpy(swapped, phrases, n * sizeof *phrases);
    const char *t0 = swapped[0];
    swapped[0] = swapped[1];
    swapped[1] = t0;
    CU_ASSERT_FATAL(art_corpus_tap_set_scan(c, plain_count, scan_count, &ss, liar, swapped, n));
    CU_ASSERT_EQUAL(art_plugin_run_buffer(CODE, sizeof CODE - 1, "t", &RUBRIC, c, &lim, &res, NULL),
                    ART_OK);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 2);
    CU_ASSERT_EQUAL(res.emits[0].score, 40);    /* its own matcher's */
    CU_ASSERT_EQUAL(res.emits[1].score, 80);
    art_plugin_result_clear(&res);
    CU_ASSERT_EQUAL(art_corpus_tap_take(c, &complete, &err), ART_OK);
    art_matcher_free(liar);
    art_corpus_free(c);
    art_store_close(s);
}

/* A plugin that emits one count from art.tally(opts) as its score. */
static void run_tally_code(const char *opts, const char *expr, art_plugin_result *res)
{
    char code[2048];
    snprintf(code, sizeof code,
             "return { name = 't', version = '1', description = 'd', dimensions = {'*'},\n"
             "  run = function(art)\n"
             "    local t = art.tally(%s)\n"
             "    art.emit{ dimension = 'trust', facet = 'espoused', score = %s, weight = 1,\n"
             "              evidence = t.trust and t.trust.espoused and t.trust.espoused.evidence }\n"
             "  end }\n",
             opts, expr);
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    CU_ASSERT_EQUAL(art_plugin_run_buffer(code, strlen(code), "t", &RUBRIC, &RCORPUS, &lim, res,
                                          NULL), ART_OK);
}

static void test_options(void)
{
    build_rubric();
    static art_seg_view segs[3];
    segs[0] = (art_seg_view){.id = 1, .kind = ART_SRC_DOCUMENT, .source = "a.md",
                             .text = "Trust", .block = "heading", .level = ART_LEVEL_ESPOUSED};
    segs[1] = (art_seg_view){.id = 2, .kind = ART_SRC_DOCUMENT, .source = "a.md",
                             .text = "We trust staff; we aim to trust them more. No need permission.",
                             .block = "paragraph", .level = ART_LEVEL_ESPOUSED};
    segs[2] = (art_seg_view){.id = 3, .kind = ART_SRC_INTERVIEW, .source = "i.csv",
                             .text = "I trust them.", .participant = "P01",
                             .level = ART_LEVEL_ASSUMPTION};
    memset(&RCORPUS, 0, sizeof RCORPUS);
    RCORPUS.site = S("s");
    RCORPUS.round = S("r");
    RCORPUS.segs = segs;
    RCORPUS.nsegs = 3;
    static const struct {
        const char *opts, *expr;
        double score;
        size_t nev;
    } CASES[] = {
        /* headings read: "Trust", "trust", "trust" (hedged), "need permission" (negated) */
        {"", "t.trust.espoused.matches", 4, 4},
        {"{ skip_blocks = { 'heading' } }", "t.trust.espoused.matches", 3, 3},
        /* pos: 1 + 1 + 1 (hedge 1 by default) + 0.3 (negated, so toward) */
        {"{}", "t.trust.espoused.pos * 10", 33, 4},
        {"{ hedge = 0.5 }", "t.trust.espoused.pos * 10", 28, 4},
        {"{ evidence = 2 }", "#t.trust.espoused.evidence", 2, 2},
        {"{ evidence = 0 }", "t.trust.espoused.matches", 4, 0},
        /* the strongest first: the heading's and the first "trust" (weight 1,
           segments 1 and 2), not the negated 0.3 */
        {"{ evidence = 2, hedge = 0.5 }", "t.trust.espoused.evidence[2].segment", 2, 2},
        {"{}", "t.trust.enacted.matches + (t.hierarchy and 50 or 0)", 1, 4},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        art_plugin_result res;
        run_tally_code(CASES[i].opts, CASES[i].expr, &res);
        CU_ASSERT_EQUAL(res.status, ART_OK);
        if (res.status != ART_OK || res.nemits != 1 ||
            res.emits[0].score != CASES[i].score || res.emits[0].nev != CASES[i].nev)
            fprintf(stderr, "\n  case %zu (%s, %s): %s, %.17g, %zu\n", i, CASES[i].opts,
                    CASES[i].expr, res.error ? res.error : "ok",
                    res.nemits ? res.emits[0].score : -1, res.nemits ? res.emits[0].nev : 0);
        CU_ASSERT_EQUAL_FATAL(res.nemits, 1);
        CU_ASSERT_DOUBLE_EQUAL(res.emits[0].score, CASES[i].score, 1e-9);
        CU_ASSERT_EQUAL(res.emits[0].nev, CASES[i].nev);
        art_plugin_result_clear(&res);
    }
    /* The evidence's fields: a negated match points away from its
     * indicator's pole, and a hedged one weighs half. */
    art_plugin_result res;
    run_tally_code("{ hedge = 0.5 }", "1", &res);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 1);
    CU_ASSERT_EQUAL_FATAL(res.emits[0].nev, 4);
    const art_evidence *ev = res.emits[0].ev;
    CU_ASSERT_EQUAL(ev[0].segment_id, 1);
    CU_ASSERT_EQUAL(ev[1].segment_id, 2);
    CU_ASSERT_STRING_EQUAL(ev[1].indicator, "trust*");
    CU_ASSERT_DOUBLE_EQUAL(ev[2].weight, 0.5, 1e-12);
    CU_ASSERT_STRING_EQUAL(ev[3].indicator, "need permission");
    CU_ASSERT_EQUAL(ev[3].direction, 1);
    CU_ASSERT_EQUAL(ev[3].level, ART_LEVEL_ESPOUSED);
    CU_ASSERT_DOUBLE_EQUAL(ev[3].weight, 0.3, 1e-12);
    art_plugin_result_clear(&res);
}

static void test_bad_options(void)
{
    build_rubric();
    static art_seg_view seg;
    seg = (art_seg_view){.id = 1, .kind = ART_SRC_DOCUMENT, .source = "a.md", .text = "trust"};
    memset(&RCORPUS, 0, sizeof RCORPUS);
    RCORPUS.segs = &seg;
    RCORPUS.nsegs = 1;
    static const struct { const char *opts, *error; } CASES[] = {
        {"{ hedges = 0.5 }", "art.tally: unknown option 'hedges'"},
        {"{ [1] = 'heading' }", "art.tally: unknown option '1'"},
        {"{ skip_blocks = 'heading' }", "art.tally: skip_blocks must be a list of block names"},
        {"{ skip_blocks = { 1 } }", "art.tally: skip_blocks entry 1 is not a string"},
        {"{ skip_blocks = { 'a','b','c','d','e','f','g','h','i','j','k','l','m','n','o','p','q' } }",
         "more than 16 blocks"},
        {"{ hedge = 2 }", "art.tally: hedge must be more than 0 and at most 1"},
        {"{ hedge = 0 }", "art.tally: hedge must be more than 0 and at most 1"},
        {"{ hedge = 0/0 }", "art.tally: hedge must be more than 0 and at most 1"},
        {"{ hedge = 'half' }", "art.tally: hedge must be a number"},
        {"{ evidence = -1 }", "art.tally: evidence must be an integer >= 0"},
        {"{ evidence = 1.5 }", "art.tally: evidence must be an integer >= 0"},
        {"'heading'", "bad argument #1 to 'tally'"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        art_plugin_result res;
        run_tally_code(CASES[i].opts, "1", &res);
        CU_ASSERT_NOT_EQUAL(res.status, ART_OK);
        CU_ASSERT_EQUAL(res.nemits, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(res.error);
        CU_ASSERT_PTR_NULL(strchr(res.error, '\n'));
        CU_ASSERT_PTR_NOT_NULL(strstr(res.error, CASES[i].error));
        if (!strstr(res.error, CASES[i].error))
            fprintf(stderr, "\n  case %zu: %s\n", i, res.error);
        art_plugin_result_clear(&res);
    }
}

/* While a plugin is only described there is no corpus to walk. */
static void test_not_while_describing(void)
{
    const char *tmp = art_test_tmpdir("tally-describe");
    char path[4300];
    snprintf(path, sizeof path, "%s/p.lua", tmp);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("art.tally()\nreturn { name = 'p', version = '1', description = 'd', "
          "dimensions = {'*'}, run = function() end }\n", f);
    fclose(f);
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    art_plugin_result res;
    art_error err;
    art_error_clear(&err);
    art_plugin_describe(path, &lim, &res, &err);
    CU_ASSERT_NOT_EQUAL(res.status, ART_OK);
    CU_ASSERT_PTR_NOT_NULL(res.error);
    if (res.error)
        CU_ASSERT_PTR_NOT_NULL(strstr(res.error, "art.tally is not available while a plugin is being described"));
    art_plugin_result_clear(&res);
}

void art_test_register(void)
{
    ART_SUITE("tally",
              {"same as the Lua loop, in memory", test_same_as_loop_in_memory},
              {"a shared scan is used only when it covers", test_shared_scan_is_used_only_when_it_covers},
              {"the tally pins the segments of its evidence", test_tally_pins_its_evidence},
              {"same as the Lua loop, streamed", test_same_as_loop_streamed},
              {"options", test_options},
              {"bad options", test_bad_options},
              {"not while describing", test_not_while_describing});
}
