/* Known-group validation of the scoring.
 *
 * Three small fictional sites whose culture we know because we wrote them
 * (tests/data/sites/):
 *   traditional/   a process-led council: panels, sign-off thresholds,
 *                  escalation, blame, consultation events; documents and
 *                  interviews both sit toward the low pole;
 *   cls-like/      a mature CLS site: trust, peer forums, hubs, lived
 *                  experience co-chairing the steering group, positive risk;
 *                  documents and interviews agree;
 *   contradictory/ a glowing CLS strategy, while staff and partners describe
 *                  panels, permission, consultation with the same few people,
 *                  the council leading alone and short-term funding.
 *
 * A practitioner reading them would rank traditional < contradictory <
 * cls-like, and would say the contradictory site espouses what it does not
 * enact.  These tests run the artefact command on each site and check that
 * it says the same.  If one fails after a change to the rubric or the
 * scoring, the change got a known group wrong: fix the scoring, not the test.
 *
 * The numbers observed when the tests were written (rubric cls-culture
 * 1.0.0, plugins lexical and codes 0.1.0) are in the comments; each bound
 * is the observed value less a safety margin, so that refining the rubric
 * does not break the test unless it changes what a practitioner would see. */
#include "testutil.h"
#include "internal.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char tmp[4096];
static char out_path[4200], err_path[4200];

/* The dimensions every site's texts were written to cover, in both their
 * documents and their interviews. */
static const char *const DIMS[] = {"trust", "hierarchy", "coproduction",
                                   "leadership", "risk", "community"};
#define NDIMS (sizeof DIMS / sizeof DIMS[0])


/* `artefact assess tests/data/sites/SITE --format json` into DB (a file
 * name in the scratch directory); the JSON, or NULL after recording a
 * failure. */
static char *assess_json(const char *site, const char *db)
{
    char args[8192], *out, *err;
    snprintf(args, sizeof args,
             "assess tests/data/sites/%s --db '%s/%s' --site %s --round r1 --format json",
             site, tmp, db, site);
    int rc = art_test_cli(args, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0) {
        fprintf(stderr, "\nassess %s failed (%d): %s\n", site, rc, err ? err : "");
        free(out);
        out = NULL;
    }
    free(err);
    return out;
}

/* ---- a small scanner for the JSON report --------------------------------
 * The report is pretty-printed with a fixed key order (docs/report-json.md):
 * a dimension's own keys are on lines indented by six spaces, and all the
 * ones read here come before its "evidence" array.  Keys are looked up as
 * "\n      \"KEY\": " between the dimension's "id" and its "evidence", so a
 * nested "score" (in "levels") or a quote that happens to contain a key
 * name cannot be mistaken for the dimension's own. */

typedef struct json_num {
    bool found;   /* the key was there */
    bool null;    /* its value was null */
    double v;
} json_num;

typedef struct dim_view {
    json_num score, espoused, enacted;
    int divergent;     /* 1 true, 0 false, -1 missing or not a boolean */
    int insufficient;  /* likewise */
} dim_view;

static const char *find_between(const char *from, const char *to, const char *needle)
{
    const char *p = strstr(from, needle);
    return p && (!to || p < to) ? p : NULL;
}

static json_num number_at(const char *p)
{
    json_num n = {true, false, NAN};
    if (strncmp(p, "null", 4) == 0) {
        n.null = true;
        return n;
    }
    char *end;
    n.v = strtod(p, &end);
    if (end == p)
        n.found = false;  /* neither a number nor null: treat as missing */
    return n;
}

static int bool_at(const char *p)
{
    if (strncmp(p, "true", 4) == 0)
        return 1;
    if (strncmp(p, "false", 5) == 0)
        return 0;
    return -1;
}

/* Start of the value of a dimension key, or NULL when absent. */
static const char *dim_key(const char *from, const char *to, const char *key)
{
    char needle[128];
    snprintf(needle, sizeof needle, "\n      \"%s\": ", key);
    const char *p = find_between(from, to, needle);
    return p ? p + strlen(needle) : NULL;
}

static json_num dim_number(const char *from, const char *to, const char *key)
{
    const char *p = dim_key(from, to, key);
    json_num none = {false, false, NAN};
    return p ? number_at(p) : none;
}

static int dim_bool(const char *from, const char *to, const char *key)
{
    const char *p = dim_key(from, to, key);
    return p ? bool_at(p) : -1;
}

/* Reads one dimension of a report; false if the dimension is missing. */
static bool read_dim(const char *json, const char *id, dim_view *d)
{
    char needle[128];
    const char *dims = strstr(json, "\n  \"dimensions\": [");
    if (!dims)
        return false;
    snprintf(needle, sizeof needle, "\n      \"id\": \"%s\",", id);
    const char *from = strstr(dims, needle);
    if (!from)
        return false;
    const char *to = strstr(from, "\n      \"evidence\": ");
    d->score = dim_number(from, to, "score");
    d->espoused = dim_number(from, to, "espoused");
    d->enacted = dim_number(from, to, "enacted");
    d->divergent = dim_bool(from, to, "divergent");
    d->insufficient = dim_bool(from, to, "insufficient");
    return true;
}

/* A top-level count ("documents", "participants", ...); -1 if absent. */
static long count_of(const char *json, const char *key)
{
    char needle[128];
    const char *counts = strstr(json, "\n  \"counts\": {");
    if (!counts)
        return -1;
    snprintf(needle, sizeof needle, "\n    \"%s\": ", key);
    const char *p = find_between(counts, strstr(counts, "\n  }"), needle);
    return p ? strtol(p + strlen(needle), NULL, 10) : -1;
}

#define MAX_CONTRA 16

/* The top-level "contradictions" list of dimension ids, in order; returns
 * how many were read, -1 when the key is missing or malformed. */
static int contradictions(const char *json, char ids[MAX_CONTRA][32])
{
    const char *p = strstr(json, "\n  \"contradictions\": [");
    if (!p)
        return -1;
    p = strchr(p, '[') + 1;
    int n = 0;
    while (*p && *p != ']') {
        if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (!end || n == MAX_CONTRA || (size_t)(end - p - 1) >= sizeof ids[0])
                return -1;
            memcpy(ids[n], p + 1, (size_t)(end - p - 1));
            ids[n][end - p - 1] = '\0';
            n++;
            p = end + 1;
        } else {
            p++;
        }
    }
    return *p == ']' ? n : -1;
}

static bool listed(char ids[MAX_CONTRA][32], int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

/* ---- one assessed site ---------------------------------------------------- */

typedef struct site_run {
    const char *name;
    char *json;
    dim_view dims[NDIMS];
    bool ok;      /* every dimension in DIMS was read */
} site_run;

static site_run load_site(const char *name, const char *db)
{
    site_run s;
    memset(&s, 0, sizeof s);
    s.name = name;
    s.json = assess_json(name, db);
    if (!s.json)
        return s;
    s.ok = true;
    for (size_t i = 0; i < NDIMS; i++) {
        bool got = read_dim(s.json, DIMS[i], &s.dims[i]);
        if (!got)
            fprintf(stderr, "\n%s: dimension %s missing from the report\n", name, DIMS[i]);
        s.ok = s.ok && got;
    }
    CU_ASSERT_TRUE(s.ok);
    return s;
}

static bool has_score(const json_num *n)
{
    return n->found && !n->null;
}

/* Mean score over DIMS; NAN if any is missing. */
static double mean_score(const site_run *s)
{
    double sum = 0;
    for (size_t i = 0; i < NDIMS; i++) {
        if (!has_score(&s->dims[i].score))
            return NAN;
        sum += s->dims[i].score.v;
    }
    return sum / NDIMS;
}

/* ---- tests ---------------------------------------------------------------- */

/* Every file and every coded row of the fixtures is read: 3 documents and
 * one CSV per site, 6 participants, one coding per CSV row. */
static void test_sites_read_as_written(void)
{
    static const struct { const char *site; long codings; } want[] = {
        {"traditional", 23}, {"cls-like", 22}, {"contradictory", 21}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char db[64];
        snprintf(db, sizeof db, "read-%s.db", want[i].site);
        char *json = assess_json(want[i].site, db);
        if (!json)
            continue;
        CU_ASSERT_EQUAL(count_of(json, "sources"), 4);
        CU_ASSERT_EQUAL(count_of(json, "documents"), 3);
        CU_ASSERT_EQUAL(count_of(json, "interviews"), 1);
        CU_ASSERT_EQUAL(count_of(json, "participants"), 6);
        CU_ASSERT_EQUAL(count_of(json, "codings"), want[i].codings);
        free(json);
    }
}

/* The process-led council is far below the mature CLS site on every
 * dimension.  Observed (traditional / cls-like): trust 16.2 / 89.3,
 * hierarchy 6.9 / 87.9, coproduction 15.5 / 89.8, leadership 18.3 / 83.7,
 * risk 15.8 / 88.9, community 18.1 / 86.3: margins 65 to 81 points.  We
 * ask for 50 on each, and for each site to stay in its own part of the
 * scale: traditional at most 30 (observed at most 18.3, level 1),
 * cls-like at least 70 (observed at least 83.7, level 5). */
static void test_traditional_far_below_cls_like(void)
{
    site_run t = load_site("traditional", "order-traditional.db");
    site_run c = load_site("cls-like", "order-cls-like.db");
    if (t.ok && c.ok) {
        for (size_t i = 0; i < NDIMS; i++) {
            const json_num *ts = &t.dims[i].score, *cs = &c.dims[i].score;
            CU_ASSERT_TRUE(has_score(ts) && has_score(cs));
            if (!has_score(ts) || !has_score(cs))
                continue;
            if (cs->v - ts->v < 50 || ts->v > 30 || cs->v < 70)
                fprintf(stderr, "\n%s: traditional %.1f, cls-like %.1f\n", DIMS[i], ts->v,
                        cs->v);
            CU_ASSERT_TRUE(cs->v - ts->v >= 50);
            CU_ASSERT_TRUE(ts->v <= 30);
            CU_ASSERT_TRUE(cs->v >= 70);
        }
    }
    free(t.json);
    free(c.json);
}

/* Over the six dimensions, the site that says the right things but does
 * not do them sits between the other two, clearly apart from both.
 * Observed means: traditional 15.1, contradictory 55.1, cls-like 87.6;
 * gaps 40.0 and 32.5, asked for at least 20 each. */
static void test_mean_orders_the_three_sites(void)
{
    site_run t = load_site("traditional", "mean-traditional.db");
    site_run x = load_site("contradictory", "mean-contradictory.db");
    site_run c = load_site("cls-like", "mean-cls-like.db");
    if (t.ok && x.ok && c.ok) {
        double mt = mean_score(&t), mx = mean_score(&x), mc = mean_score(&c);
        CU_ASSERT_FALSE(isnan(mt) || isnan(mx) || isnan(mc));
        if (!(mt < mx && mx < mc) || mx - mt < 20 || mc - mx < 20)
            fprintf(stderr, "\nmeans: traditional %.1f, contradictory %.1f, cls-like %.1f\n",
                    mt, mx, mc);
        CU_ASSERT_TRUE(mt < mx);
        CU_ASSERT_TRUE(mx < mc);
        CU_ASSERT_TRUE(mx - mt >= 20);
        CU_ASSERT_TRUE(mc - mx >= 20);
    }
    free(t.json);
    free(x.json);
    free(c.json);
}

/* The contradictory site's documents promise what its interviews deny.
 * Observed: trust espoused 91.9 / enacted 16.7, coproduction 96.6 / 11.8;
 * the contradictions list is all six written dimensions (and three more),
 * led by coproduction (divergence 84.8).  Asked: both flagged divergent,
 * espoused at least 80, enacted at most 30, espoused at least 50 above
 * enacted; the list led by one of the six, and naming all six. */
static void test_contradictory_espouses_what_it_does_not_enact(void)
{
    site_run x = load_site("contradictory", "gap-contradictory.db");
    if (x.ok) {
        for (size_t i = 0; i < NDIMS; i++) {
            if (strcmp(DIMS[i], "trust") != 0 && strcmp(DIMS[i], "coproduction") != 0)
                continue;
            const dim_view *d = &x.dims[i];
            CU_ASSERT_EQUAL(d->divergent, 1);
            CU_ASSERT_TRUE(has_score(&d->espoused) && has_score(&d->enacted));
            if (!has_score(&d->espoused) || !has_score(&d->enacted))
                continue;
            if (d->espoused.v < 80 || d->enacted.v > 30 || d->espoused.v - d->enacted.v < 50)
                fprintf(stderr, "\ncontradictory %s: espoused %.1f, enacted %.1f\n", DIMS[i],
                        d->espoused.v, d->enacted.v);
            CU_ASSERT_TRUE(d->espoused.v >= 80);
            CU_ASSERT_TRUE(d->enacted.v <= 30);
            CU_ASSERT_TRUE(d->espoused.v - d->enacted.v >= 50);
        }
        char ids[MAX_CONTRA][32];
        int n = contradictions(x.json, ids);
        CU_ASSERT_TRUE(n > 0);
        if (n > 0) {
            bool first_written = false;
            for (size_t i = 0; i < NDIMS; i++)
                first_written = first_written || strcmp(ids[0], DIMS[i]) == 0;
            CU_ASSERT_TRUE(first_written);
            for (size_t i = 0; i < NDIMS; i++)
                CU_ASSERT_TRUE(listed(ids, n, DIMS[i]));
        }
    }
    free(x.json);
}

/* Where documents and interviews tell the same story, trust is not
 * flagged.  Observed trust espoused / enacted: traditional 16.7 / 15.7,
 * cls-like 90.5 / 88.2. */
static void test_consistent_sites_not_divergent_on_trust(void)
{
    static const char *const sites[] = {"traditional", "cls-like"};
    for (size_t s = 0; s < 2; s++) {
        char db[64];
        snprintf(db, sizeof db, "agree-%s.db", sites[s]);
        site_run r = load_site(sites[s], db);
        if (r.ok) {
            const dim_view *trust = &r.dims[0];  /* DIMS[0] is "trust" */
            CU_ASSERT_EQUAL(trust->divergent, 0);
            CU_ASSERT_TRUE(has_score(&trust->espoused) && has_score(&trust->enacted));
            if (has_score(&trust->espoused) && has_score(&trust->enacted))
                CU_ASSERT_TRUE(fabs(trust->espoused.v - trust->enacted.v) < 15);
        }
        free(r.json);
    }
}

/* Each site has plenty on each written dimension, on both sides: none may
 * say "insufficient evidence" or lack an espoused or enacted score. */
static void test_written_dimensions_have_enough_evidence(void)
{
    static const char *const sites[] = {"traditional", "cls-like", "contradictory"};
    for (size_t s = 0; s < 3; s++) {
        char db[64];
        snprintf(db, sizeof db, "enough-%s.db", sites[s]);
        site_run r = load_site(sites[s], db);
        for (size_t i = 0; r.ok && i < NDIMS; i++) {
            const dim_view *d = &r.dims[i];
            if (d->insufficient != 0 || !has_score(&d->score) || !has_score(&d->espoused) ||
                !has_score(&d->enacted))
                fprintf(stderr, "\n%s %s: too little evidence\n", sites[s], DIMS[i]);
            CU_ASSERT_EQUAL(d->insufficient, 0);
            CU_ASSERT_TRUE(has_score(&d->score));
            CU_ASSERT_TRUE(has_score(&d->espoused));
            CU_ASSERT_TRUE(has_score(&d->enacted));
        }
        free(r.json);
    }
}

/* Assessing a site again, into the same store or a fresh one, gives the
 * same bytes: a critical friend re-running it sees what the site saw. */
static void test_assess_is_deterministic(void)
{
    char *first = assess_json("contradictory", "det.db");
    char *again = assess_json("contradictory", "det.db");
    char *fresh = assess_json("contradictory", "det-fresh.db");
    CU_ASSERT_PTR_NOT_NULL(first);
    if (first && again)
        CU_ASSERT_STRING_EQUAL(first, again);
    if (first && fresh)
        CU_ASSERT_STRING_EQUAL(first, fresh);
    free(first);
    free(again);
    free(fresh);
}

/* The scanner itself: null, booleans, and keys nested below a dimension
 * (a "levels" score) or inside a quote are not read as the dimension's. */
static void test_scanner_reads_only_dimension_keys(void)
{
    const char *json =
        "{\n"
        "  \"dimensions\": [\n"
        "    {\n"
        "      \"id\": \"trust\",\n"
        "      \"score\": null,\n"
        "      \"espoused\": 12.5,\n"
        "      \"divergent\": true,\n"
        "      \"levels\": {\n"
        "        \"artefact\": {\"score\": 71.4, \"count\": 1}\n"
        "      },\n"
        "      \"evidence\": [\n"
        "        {\n"
        "          \"quote\": \"\\n      \\\"enacted\\\": 99.0\"\n"
        "        }\n"
        "      ]\n"
        "    },\n"
        "    {\n"
        "      \"id\": \"risk\",\n"
        "      \"enacted\": 40.0,\n"
        "      \"insufficient\": false,\n"
        "      \"evidence\": []\n"
        "    }\n"
        "  ],\n"
        "  \"contradictions\": [\"risk\", \"trust\"]\n"
        "}\n";
    dim_view d;
    CU_ASSERT_TRUE(read_dim(json, "trust", &d));
    CU_ASSERT_TRUE(d.score.found && d.score.null);
    CU_ASSERT_TRUE(d.espoused.found && !d.espoused.null);
    CU_ASSERT_DOUBLE_EQUAL(d.espoused.v, 12.5, 1e-9);
    CU_ASSERT_FALSE(d.enacted.found);
    CU_ASSERT_EQUAL(d.divergent, 1);
    CU_ASSERT_EQUAL(d.insufficient, -1);
    CU_ASSERT_TRUE(read_dim(json, "risk", &d));
    CU_ASSERT_FALSE(d.score.found);
    CU_ASSERT_DOUBLE_EQUAL(d.enacted.v, 40.0, 1e-9);
    CU_ASSERT_EQUAL(d.insufficient, 0);
    CU_ASSERT_FALSE(read_dim(json, "hierarchy", &d));
    char ids[MAX_CONTRA][32];
    CU_ASSERT_EQUAL(contradictions(json, ids), 2);
    CU_ASSERT_STRING_EQUAL(ids[0], "risk");
    CU_ASSERT_STRING_EQUAL(ids[1], "trust");
    CU_ASSERT_EQUAL(contradictions("{\n  \"contradictions\": []\n}\n", ids), 0);
    CU_ASSERT_EQUAL(contradictions("{\n  \"contradictions\": [\"risk\"\n", ids), -1);
    CU_ASSERT_EQUAL(contradictions("{}", ids), -1);
}

void art_test_register(void)
{
    snprintf(tmp, sizeof tmp, "%s", art_test_tmpdir("known_groups"));
    snprintf(out_path, sizeof out_path, "%s/stdout", tmp);
    snprintf(err_path, sizeof err_path, "%s/stderr", tmp);
    ART_SUITE("known groups",
              {"the JSON scanner reads only a dimension's own keys",
               test_scanner_reads_only_dimension_keys},
              {"the three sites are read as written", test_sites_read_as_written},
              {"traditional far below cls-like on every dimension",
               test_traditional_far_below_cls_like},
              {"mean orders traditional < contradictory < cls-like",
               test_mean_orders_the_three_sites},
              {"contradictory espouses what it does not enact",
               test_contradictory_espouses_what_it_does_not_enact},
              {"consistent sites are not divergent on trust",
               test_consistent_sites_not_divergent_on_trust},
              {"written dimensions have enough evidence",
               test_written_dimensions_have_enough_evidence},
              {"assessing twice gives identical JSON", test_assess_is_deterministic});
}
