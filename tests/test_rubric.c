/* Tests for rubric loading: the shipped CLS rubric, the small valid rubric
 * under tests/data/rubric/, and one broken rubric per check the loader
 * makes (schema and semantic), each rejected with a one-line message that
 * names the file and the problem. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* art_read_file and art_sha256_hex are declared in the public header. */

#define SHIPPED "rubrics/cls-culture.xml"
#define DATA "tests/data/rubric/"

static art_rubric *load_ok(const char *rel)
{
    art_rubric *r = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_rubric_load(art_test_src(rel), &r, &err);
    if (st != ART_OK)
        fprintf(stderr, "\n%s: %s\n", rel, err.message);
    CU_ASSERT_EQUAL_FATAL(st, ART_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

/* Load a broken file: must fail with ART_ERR_FORMAT, leave *out NULL, and say
 * which file.  Returns the message for further checks (static buffer). */
static const char *load_bad(const char *rel)
{
    static art_error err;
    art_rubric *r = (art_rubric *)&err; /* must be reset to NULL */
    art_error_clear(&err);
    const char *path = art_test_src(rel);
    art_status st = art_rubric_load(path, &r, &err);
    if (st != ART_ERR_FORMAT)
        fprintf(stderr, "\n%s: status %s: %s\n", rel, art_status_name(st), err.message);
    CU_ASSERT_EQUAL(st, ART_ERR_FORMAT);
    CU_ASSERT_EQUAL(err.status, ART_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, rel));
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    return err.message;
}

/* The message after "PATH: ", i.e. without the source-dir prefix. */
static const char *after_path(const char *msg, const char *rel)
{
    const char *p = strstr(msg, rel);
    return p ? p + strlen(rel) : "";
}

static bool has(const char *msg, const char *needle)
{
    bool ok = strstr(msg, needle) != NULL;
    if (!ok)
        fprintf(stderr, "\nmessage \"%s\" lacks \"%s\"\n", msg, needle);
    return ok;
}

static void expect_message(const char *rel, const char *tail)
{
    const char *m = load_bad(rel);
    const char *t = after_path(m, rel);
    CU_ASSERT_STRING_EQUAL(t, tail);
    if (strcmp(t, tail) != 0)
        fprintf(stderr, "\n%s: got \"%s\"\n", rel, m);
}

/* ---- the shipped rubric ------------------------------------------------ */

static void test_shipped_dimensions(void)
{
    static const char *const ids[] = {"trust",     "bureaucracy",  "risk",      "collaboration",
                                      "community", "hierarchy",    "leadership", "coproduction",
                                      "inclusion", "learning",     "strengths"};
    art_rubric *r = load_ok(SHIPPED);
    CU_ASSERT_STRING_EQUAL(r->id, "cls-culture");
    CU_ASSERT_STRING_EQUAL(r->version, "1.0.0");
    CU_ASSERT_STRING_EQUAL(r->title, "Community Led Support culture rubric");
    CU_ASSERT_EQUAL_FATAL(r->ndims, 11);
    for (size_t i = 0; i < r->ndims; i++) {
        const art_dimension *d = &r->dims[i];
        CU_ASSERT_STRING_EQUAL(d->id, ids[i]);
        CU_ASSERT(d->name && d->name[0]);
        CU_ASSERT(d->description && strlen(d->description) > 40);
        CU_ASSERT(d->low_pole && d->low_pole[0]);
        CU_ASSERT(d->cls_value && d->cls_value[0]);
        CU_ASSERT(d->target >= 0.0 && d->target <= 100.0);
        for (int l = 0; l < ART_LEVELS; l++)
            CU_ASSERT(d->levels[l] && strlen(d->levels[l]) > 40);
        CU_ASSERT(d->nindicators >= 25);
        CU_ASSERT(d->nindicators <= 45);
        size_t toward_cls = 0, toward_low = 0, with_source = 0;
        for (size_t k = 0; k < d->nindicators; k++) {
            const art_indicator *ind = &d->indicators[k];
            CU_ASSERT(ind->direction == 1 || ind->direction == -1);
            CU_ASSERT(ind->weight > 0.0 && ind->weight <= 2.0);
            CU_ASSERT(ind->phrase && ind->phrase[0]);
            toward_cls += ind->direction > 0;
            toward_low += ind->direction < 0;
            with_source += ind->provenance != NULL;
        }
        /* Roughly balanced: neither direction under a third of the phrases. */
        CU_ASSERT(toward_cls * 3 >= d->nindicators);
        CU_ASSERT(toward_low * 3 >= d->nindicators);
        CU_ASSERT_EQUAL(with_source, d->nindicators);
        CU_ASSERT(d->ncodes >= 4);
        bool cls_code = false, low_code = false;
        for (size_t k = 0; k < d->ncodes; k++) {
            cls_code |= d->codes[k].direction > 0 && strstr(d->codes[k].pattern, "/Toward CLS");
            low_code |= d->codes[k].direction < 0 &&
                        strstr(d->codes[k].pattern, "/Toward low pole");
        }
        CU_ASSERT(cls_code && low_code);
    }
    art_rubric_free(r);
}

static const art_indicator *find_indicator(const art_dimension *d, const char *phrase)
{
    for (size_t k = 0; k < d->nindicators; k++)
        if (strcmp(d->indicators[k].phrase, phrase) == 0)
            return &d->indicators[k];
    return NULL;
}

static void test_shipped_content(void)
{
    art_rubric *r = load_ok(SHIPPED);
    const art_dimension *h = art_rubric_dimension(r, "hierarchy");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(h->name, "Hierarchy and decision-making");
    CU_ASSERT_DOUBLE_EQUAL(h->target, 80.0, 1e-9);
    CU_ASSERT_PTR_NOT_NULL(strstr(h->levels[0], "panel or a senior manager for sign-off"));
    CU_ASSERT_PTR_NOT_NULL(strstr(h->levels[4], "authority comes with the budget to use it"));
    const art_indicator *ind = find_indicator(h, "hierarchy is unavoidable");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ind);
    CU_ASSERT_EQUAL(ind->direction, -1);
    CU_ASSERT_EQUAL(ind->level, ART_LEVEL_ASSUMPTION);
    CU_ASSERT_DOUBLE_EQUAL(ind->weight, 2.0, 1e-9);
    CU_ASSERT_PTR_NOT_NULL(strstr(ind->provenance, "seed-004"));

    const art_dimension *t = art_rubric_dimension(r, "trust");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    ind = find_indicator(t, "do the right thing");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ind);
    CU_ASSERT_EQUAL(ind->direction, 1);
    CU_ASSERT_EQUAL(ind->level, ART_LEVEL_ESPOUSED);
    ind = find_indicator(t, "trusted");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ind);
    CU_ASSERT_EQUAL(ind->level, ART_LEVEL_NONE);
    CU_ASSERT_DOUBLE_EQUAL(ind->weight, 1.0, 1e-9);
    /* Negation flips direction in the matcher, so no "not trusted" entry. */
    CU_ASSERT_PTR_NULL(find_indicator(t, "not trusted"));

    const art_dimension *c = art_rubric_dimension(r, "coproduction");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ind = find_indicator(c, "ideal but not achievable");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ind);
    CU_ASSERT_EQUAL(ind->direction, -1);
    CU_ASSERT_EQUAL(ind->level, ART_LEVEL_ASSUMPTION);
    art_rubric_free(r);
}

static void test_shipped_sha256(void)
{
    size_t len = 0;
    char *bytes = art_test_slurp(SHIPPED, &len);
    char want[65];
    art_sha256_hex(bytes, len, want);
    art_rubric *r = load_ok(SHIPPED);
    CU_ASSERT_STRING_EQUAL(r->sha256, want);
    CU_ASSERT_EQUAL(strlen(r->sha256), 64);
    art_rubric_free(r);

    /* Loading from memory under another name gives the same digest. */
    art_error err;
    art_rubric *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_rubric_load_memory(bytes, len, "copy.xml", &m, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(m->sha256, want);
    art_rubric_free(m);
    free(bytes);
}

/* Two loads of the same file produce identical structures. */
static void assert_same_dimension(const art_dimension *a, const art_dimension *b)
{
    CU_ASSERT_STRING_EQUAL(a->id, b->id);
    CU_ASSERT_STRING_EQUAL(a->name, b->name);
    CU_ASSERT_STRING_EQUAL(a->description, b->description);
    CU_ASSERT_STRING_EQUAL(a->low_pole, b->low_pole);
    CU_ASSERT_STRING_EQUAL(a->cls_value, b->cls_value);
    CU_ASSERT_EQUAL(a->target, b->target);
    for (int l = 0; l < ART_LEVELS; l++)
        CU_ASSERT_STRING_EQUAL(a->levels[l], b->levels[l]);
    CU_ASSERT_EQUAL_FATAL(a->nindicators, b->nindicators);
    for (size_t k = 0; k < a->nindicators; k++) {
        CU_ASSERT_STRING_EQUAL(a->indicators[k].phrase, b->indicators[k].phrase);
        CU_ASSERT_EQUAL(a->indicators[k].direction, b->indicators[k].direction);
        CU_ASSERT_EQUAL(a->indicators[k].weight, b->indicators[k].weight);
        CU_ASSERT_EQUAL(a->indicators[k].level, b->indicators[k].level);
        CU_ASSERT_STRING_EQUAL(a->indicators[k].provenance, b->indicators[k].provenance);
    }
    CU_ASSERT_EQUAL_FATAL(a->ncodes, b->ncodes);
    for (size_t k = 0; k < a->ncodes; k++) {
        CU_ASSERT_STRING_EQUAL(a->codes[k].pattern, b->codes[k].pattern);
        CU_ASSERT_EQUAL(a->codes[k].direction, b->codes[k].direction);
    }
}

static void test_load_twice_identical(void)
{
    art_rubric *a = load_ok(SHIPPED), *b = load_ok(SHIPPED);
    CU_ASSERT_STRING_EQUAL(a->id, b->id);
    CU_ASSERT_STRING_EQUAL(a->version, b->version);
    CU_ASSERT_STRING_EQUAL(a->title, b->title);
    CU_ASSERT_STRING_EQUAL(a->sha256, b->sha256);
    CU_ASSERT_EQUAL_FATAL(a->ndims, b->ndims);
    for (size_t i = 0; i < a->ndims; i++)
        assert_same_dimension(&a->dims[i], &b->dims[i]);
    art_rubric_free(a);
    art_rubric_free(b);
}

/* ---- the small valid rubric: exact values ------------------------------ */

static void test_mini_values(void)
{
    art_rubric *r = load_ok(DATA "valid-mini.xml");
    CU_ASSERT_STRING_EQUAL(r->id, "mini");
    CU_ASSERT_STRING_EQUAL(r->version, "0.2.1");
    CU_ASSERT_STRING_EQUAL(r->title, "Mini rubric"); /* white space squashed */
    CU_ASSERT_EQUAL_FATAL(r->ndims, 2);

    const art_dimension *t = &r->dims[0];
    CU_ASSERT_STRING_EQUAL(t->id, "trust");
    CU_ASSERT_DOUBLE_EQUAL(t->target, 75.5, 1e-12);
    /* Levels are placed by their n attribute, not their order in the file. */
    CU_ASSERT_STRING_EQUAL(t->levels[0], "one");
    CU_ASSERT_STRING_EQUAL(t->levels[4], "five");
    CU_ASSERT_EQUAL_FATAL(t->nindicators, 3);
    CU_ASSERT_STRING_EQUAL(t->indicators[0].phrase, "do the right thing");
    CU_ASSERT_EQUAL(t->indicators[0].direction, 1);
    CU_ASSERT_DOUBLE_EQUAL(t->indicators[0].weight, 1.5, 1e-12);
    CU_ASSERT_EQUAL(t->indicators[0].level, ART_LEVEL_ESPOUSED);
    CU_ASSERT_STRING_EQUAL(t->indicators[0].provenance, "seed-004: Culture after CLS");
    CU_ASSERT_STRING_EQUAL(t->indicators[1].phrase, "ask* permission");
    CU_ASSERT_EQUAL(t->indicators[1].direction, -1);
    CU_ASSERT_DOUBLE_EQUAL(t->indicators[1].weight, 1.0, 1e-12);
    CU_ASSERT_EQUAL(t->indicators[1].level, ART_LEVEL_NONE);
    CU_ASSERT_DOUBLE_EQUAL(t->indicators[2].weight, 0.5, 1e-12);
    CU_ASSERT_EQUAL(t->indicators[2].level, ART_LEVEL_ASSUMPTION);
    CU_ASSERT_PTR_NULL(t->indicators[2].provenance);
    CU_ASSERT_EQUAL_FATAL(t->ncodes, 2);
    CU_ASSERT_STRING_EQUAL(t->codes[0].pattern, "Trust/Toward CLS/*");
    CU_ASSERT_EQUAL(t->codes[0].direction, 1);
    CU_ASSERT_EQUAL(t->codes[1].direction, -1);

    const art_dimension *h = &r->dims[1];
    CU_ASSERT_STRING_EQUAL(h->id, "hierarchy");
    CU_ASSERT_DOUBLE_EQUAL(h->target, 80.0, 1e-12); /* the default */
    CU_ASSERT_EQUAL(h->ncodes, 0);
    CU_ASSERT_PTR_NULL(h->codes);
    CU_ASSERT_EQUAL(h->indicators[0].level, ART_LEVEL_ARTEFACT);
    art_rubric_free(r);
}

static void test_dimension_lookup(void)
{
    art_rubric *r = load_ok(DATA "valid-mini.xml");
    const art_dimension *d = art_rubric_dimension(r, "hierarchy");
    CU_ASSERT_PTR_EQUAL(d, &r->dims[1]);
    CU_ASSERT_PTR_EQUAL(art_rubric_dimension(r, "trust"), &r->dims[0]);
    CU_ASSERT_PTR_NULL(art_rubric_dimension(r, "Trust"));  /* ids are case-sensitive */
    CU_ASSERT_PTR_NULL(art_rubric_dimension(r, "leadership"));
    CU_ASSERT_PTR_NULL(art_rubric_dimension(r, ""));
    CU_ASSERT_PTR_NULL(art_rubric_dimension(r, NULL));
    CU_ASSERT_PTR_NULL(art_rubric_dimension(NULL, "trust"));
    art_rubric_free(r);
    art_rubric_free(NULL); /* harmless */
}

/* ---- broken rubrics: schema violations --------------------------------- */

static void test_missing_levels(void)
{
    expect_message(DATA "missing-levels.xml", ": line 32: dimension 'hierarchy' has no <levels>");
}

static void test_unknown_element(void)
{
    const char *rel = DATA "unknown-element.xml";
    const char *m = load_bad(rel);
    CU_ASSERT(has(after_path(m, rel), ": line 13: <colour>: does not match the rubric schema: "
                  "Did not expect element colour there"));
    /* The element's text ("red") is never quoted. */
    CU_ASSERT_PTR_NULL(strstr(m, "red"));
}

static void test_bad_direction(void)
{
    const char *rel = DATA "bad-direction.xml";
    const char *m = load_bad(rel);
    CU_ASSERT_STRING_EQUAL(after_path(m, rel), ": line 23: <indicator>: does not match the rubric "
                                              "schema: Invalid attribute direction for element "
                                              "indicator");
    CU_ASSERT_PTR_NULL(strstr(m, "down"));
}

static void test_four_levels(void)
{
    const char *rel = DATA "four-levels.xml";
    const char *m = load_bad(rel);
    CU_ASSERT_STRING_EQUAL(after_path(m, rel), ": line 13: <levels>: does not match the rubric "
                                              "schema: Expecting an element, got nothing");
}

/* ---- broken rubrics: semantic checks ----------------------------------- */


static void test_duplicate_id(void)
{
    expect_message(DATA "duplicate-id.xml", ": line 32: dimension id 'trust' is used twice");
}

static void test_duplicate_level(void)
{
    expect_message(DATA "duplicate-level.xml",
                   ": line 18: dimension 'trust': level 3 appears twice");
}

static void test_target_out_of_range(void)
{
    expect_message(DATA "target-150.xml",
                   ": line 8: dimension 'trust': target 150 is outside 0..100");
}

static void test_weight_zero(void)
{
    expect_message(DATA "weight-zero.xml",
                   ": line 24: dimension 'trust': indicator weight must be a number greater "
                   "than 0");
}

static void test_only_cls_indicators(void)
{
    expect_message(DATA "only-cls.xml",
                   ": line 44: dimension 'hierarchy' has no indicator toward the low pole "
                   "(direction=\"low\")");
}

static void test_long_phrase(void)
{
    expect_message(DATA "long-phrase.xml",
                   ": line 23: dimension 'trust': indicator phrase has 17 words (at most 16)");
}

static void test_phrase_without_words(void)
{
    expect_message(DATA "no-words.xml", ": line 23: dimension 'trust': indicator phrase has no words");
    expect_message(DATA "only-wildcards.xml",
                   ": line 23: dimension 'trust': indicator phrase is only wildcards");
}

static void test_repeated_phrase(void)
{
    expect_message(DATA "repeated-phrase.xml",
                   ": line 24: dimension 'trust': indicator phrase repeats an earlier one");
}

static void test_unknown_related(void)
{
    expect_message(DATA "unknown-related.xml",
                   ": line 30: dimension 'trust' refers to unknown dimension 'leadership'");
}

/* ---- analyses beside the scores: practice, ladder, scopes, outcomes, routes */

static const art_phrase_group *find_group(const art_phrase_group *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].id, id) == 0)
            return &v[i];
    return NULL;
}

static bool group_has(const art_phrase_group *g, const char *phrase)
{
    for (size_t i = 0; g && i < g->nphrases; i++)
        if (strcmp(g->phrases[i], phrase) == 0)
            return true;
    return false;
}

static void test_shipped_depth(void)
{
    static const char *const rungs[] = {"coercion",   "educating", "informing",    "consultation",
                                        "engagement", "co-design", "co-production"};
    static const int outcome_ranks[] = {1, 2, 3, 4, 6};
    art_rubric *r = load_ok(SHIPPED);
    /* Every dimension has 2 to 4 next-step practice examples. */
    size_t total = 0;
    for (size_t i = 0; i < r->ndims; i++) {
        const art_dimension *d = &r->dims[i];
        CU_ASSERT(d->npractice >= 2 && d->npractice <= 4);
        for (size_t k = 0; k < d->npractice; k++)
            CU_ASSERT(d->practice[k] && strlen(d->practice[k]) > 40);
        total += d->npractice;
    }
    CU_ASSERT_EQUAL(total, 36);
    const art_dimension *t = art_rubric_dimension(r, "trust");
    CU_ASSERT_EQUAL_FATAL(t->npractice, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(t->practice[0], "without a manager's sign-off"));

    CU_ASSERT_EQUAL_FATAL(r->nladder, 7);
    for (size_t i = 0; i < 7; i++) {
        CU_ASSERT_EQUAL(r->ladder[i].rank, (int)i + 1);
        CU_ASSERT_STRING_EQUAL(r->ladder[i].id, rungs[i]);
        CU_ASSERT(r->ladder[i].nphrases >= 8);
        CU_ASSERT(r->ladder[i].name && r->ladder[i].description);
    }
    CU_ASSERT_STRING_EQUAL(r->ladder[3].name, "Consultation");
    CU_ASSERT(group_has(&r->ladder[3], "survey*"));
    CU_ASSERT(group_has(&r->ladder[4], "focus group*"));
    CU_ASSERT(group_has(&r->ladder[5], "designed together"));
    CU_ASSERT(group_has(&r->ladder[6], "equal partner*"));
    CU_ASSERT(group_has(&r->ladder[2], "told them what would happen"));

    CU_ASSERT_EQUAL_FATAL(r->nscopes, 2);
    CU_ASSERT_STRING_EQUAL(r->scopes[0].id, "micro");
    CU_ASSERT_STRING_EQUAL(r->scopes[1].id, "strategic");
    CU_ASSERT_EQUAL(r->scopes[0].rank, 0);
    CU_ASSERT(group_has(&r->scopes[0], "support plan*"));
    CU_ASSERT(group_has(&r->scopes[1], "steering group*"));

    CU_ASSERT_EQUAL_FATAL(r->noutcomes, 5);
    for (size_t i = 0; i < 5; i++) {
        char id[16];
        snprintf(id, sizeof id, "outcome-%d", outcome_ranks[i]);
        CU_ASSERT_EQUAL(r->outcomes[i].rank, outcome_ranks[i]);
        CU_ASSERT_STRING_EQUAL(r->outcomes[i].id, id);
        CU_ASSERT(r->outcomes[i].nphrases >= 10);
    }
    CU_ASSERT(group_has(&r->outcomes[0], "without a referral"));
    CU_ASSERT(group_has(&r->outcomes[2], "less isolated"));
    CU_ASSERT(group_has(&r->outcomes[4], "rather than residential care"));

    CU_ASSERT_EQUAL_FATAL(r->nroutes, 3);
    CU_ASSERT_PTR_NOT_NULL(find_group(r->routes, r->nroutes, "hub"));
    CU_ASSERT_PTR_NOT_NULL(find_group(r->routes, r->nroutes, "referral"));
    CU_ASSERT(group_has(find_group(r->routes, r->nroutes, "worker"), "social worker"));
    art_rubric_free(r);
}

static void test_depth_values(void)
{
    art_rubric *r = load_ok(DATA "valid-depth.xml");
    const art_dimension *t = &r->dims[0];
    CU_ASSERT_EQUAL_FATAL(t->npractice, 2);
    CU_ASSERT_STRING_EQUAL(t->practice[0], "Run peer forums without a manager's sign-off.");
    CU_ASSERT_STRING_EQUAL(t->practice[1], "Share stories of change at team meetings.");
    CU_ASSERT_EQUAL(r->dims[1].npractice, 0);
    CU_ASSERT_PTR_NULL(r->dims[1].practice);
    /* Rungs come out by rank whatever their order in the file. */
    CU_ASSERT_EQUAL_FATAL(r->nladder, 7);
    CU_ASSERT_STRING_EQUAL(r->ladder[0].id, "coercion");
    CU_ASSERT_STRING_EQUAL(r->ladder[6].id, "co-production");
    CU_ASSERT_EQUAL(r->ladder[6].rank, 7);
    CU_ASSERT_STRING_EQUAL(r->ladder[6].name, "Co-production");
    CU_ASSERT_STRING_EQUAL(r->ladder[6].description, "Rung 7.");
    CU_ASSERT_EQUAL_FATAL(r->ladder[6].nphrases, 2);
    CU_ASSERT_STRING_EQUAL(r->ladder[6].phrases[1], "equal partner*");
    CU_ASSERT_EQUAL(r->ladder[3].nphrases, 2);
    CU_ASSERT_EQUAL(r->nscopes, 2);
    CU_ASSERT_EQUAL(r->scopes[1].nphrases, 2);
    CU_ASSERT_EQUAL_FATAL(r->noutcomes, 2);
    CU_ASSERT_EQUAL(r->outcomes[0].rank, 1);
    CU_ASSERT_STRING_EQUAL(r->outcomes[0].id, "outcome-1");
    CU_ASSERT_EQUAL(r->outcomes[1].rank, 3);
    CU_ASSERT_EQUAL(r->outcomes[1].nphrases, 2);
    CU_ASSERT_EQUAL_FATAL(r->nroutes, 1);
    CU_ASSERT_STRING_EQUAL(r->routes[0].id, "hub");
    CU_ASSERT_EQUAL(r->routes[0].rank, 0);
    art_rubric_free(r);

    /* Without the optional parts everything is empty. */
    r = load_ok(DATA "valid-mini.xml");
    CU_ASSERT_EQUAL(r->nladder + r->nscopes + r->noutcomes + r->nroutes, 0);
    CU_ASSERT_PTR_NULL(r->ladder);
    CU_ASSERT_PTR_NULL(r->routes);
    CU_ASSERT_EQUAL(r->dims[0].npractice, 0);
    art_rubric_free(r);
}

static void test_depth_broken(void)
{
    expect_message(DATA "ladder-six-rungs.xml", ": line 54: <ladder> has 6 rungs; it needs exactly 7");
    expect_message(DATA "ladder-rank-8.xml",
                   ": line 66: ladder rung 'educating': rank 8 is outside 1..7");
    expect_message(DATA "ladder-duplicate-rank.xml",
                   ": line 86: ladder rung 'co-design': rank 6 is used twice");
    expect_message(DATA "ladder-duplicate-id.xml",
                   ": line 82: ladder rung id 'consultation' is used twice");
    expect_message(DATA "ladder-phrase-twice.xml",
                   ": line 82: ladder rung 'engagement': a phrase is also in ladder rung "
                   "'consultation'");
    expect_message(DATA "ladder-wildcard-phrase.xml",
                   ": line 75: ladder rung 'informing': phrase is only wildcards");
    expect_message(DATA "outcome-rank-7.xml", ": line 55: outcome 'outcome-7': rank 7 is outside 1..6");
    expect_message(DATA "outcome-rank-0.xml", ": line 55: outcome 'outcome-0': rank 0 is outside 1..6");
    expect_message(DATA "outcome-duplicate-rank.xml",
                   ": line 60: outcome 'local': rank 2 is used twice");
    expect_message(DATA "scope-duplicate.xml", ": line 60: scope id 'micro' is used twice");
    expect_message(DATA "route-repeated-phrase.xml",
                   ": line 60: route 'hub': phrase repeats an earlier one");
    expect_message(DATA "route-unknown.xml",
                   ": line 55: <route>: does not match the rubric schema: Element route failed "
                   "to validate attributes");
    expect_message(DATA "practice-empty.xml",
                   ": line 30: <practice>: does not match the rubric schema: Expecting an "
                   "element, got nothing");
    expect_message(DATA "ladder-after-routes.xml",
                   ": line 61: <ladder>: does not match the rubric schema: Did not expect "
                   "element ladder there");
}

/* ---- broken rubrics: not a rubric at all ------------------------------- */

static void test_not_xml(void)
{
    load_bad(DATA "not-xml.xml");
}

static void test_external_entity_refused(void)
{
    const char *m = load_bad(DATA "external-entity.xml");
    CU_ASSERT_PTR_NULL(strstr(m, "root:")); /* nothing from /etc/passwd */
}

static void test_empty_file(void)
{
    expect_message(DATA "empty.xml", ": empty file, not a rubric");
    art_rubric *r = NULL;
    art_error err;
    CU_ASSERT_EQUAL(art_rubric_load_memory("  \n\t", 4, "blank.xml", &r, &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "blank.xml: empty file, not a rubric");
    CU_ASSERT_EQUAL(art_rubric_load_memory(NULL, 0, "none.xml", &r, &err), ART_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(r);
}

static void test_wrong_namespace(void)
{
    static const char doc[] = "<rubric id=\"x\" version=\"1.0.0\"><title>t</title></rubric>";
    art_rubric *r = NULL;
    art_error err;
    CU_ASSERT_EQUAL(art_rubric_load_memory(doc, sizeof doc - 1, "plain.xml", &r, &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT(has(err.message, "plain.xml: line 1: <rubric>: does not match the rubric schema"));
}

static void test_missing_file(void)
{
    art_rubric *r = NULL;
    art_error err;
    CU_ASSERT_EQUAL(art_rubric_load(art_test_src(DATA "no-such-rubric.xml"), &r, &err), ART_ERR_IO);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT(has(err.message, "no-such-rubric.xml: cannot open"));
    CU_ASSERT_EQUAL(art_rubric_load(NULL, &r, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_rubric_load(art_test_src(SHIPPED), NULL, &err), ART_ERR_USAGE);
    /* err may be NULL: status still returned. */
    CU_ASSERT_EQUAL(art_rubric_load(art_test_src(DATA "empty.xml"), &r, NULL), ART_ERR_FORMAT);
}

/* Every prefix of a valid rubric is rejected cleanly (no crash, no leak). */
static void test_truncated_rubrics(void)
{
    size_t len = 0;
    char *bytes = art_test_slurp(DATA "valid-mini.xml", &len);
    size_t rejected = 0;
    for (size_t n = 0; n < len; n += 7) {
        art_rubric *r = NULL;
        art_error err;
        art_status st = art_rubric_load_memory(bytes, n, "cut.xml", &r, &err);
        CU_ASSERT_PTR_NULL(r);
        CU_ASSERT_EQUAL(st, ART_ERR_FORMAT);
        rejected += st == ART_ERR_FORMAT;
        art_rubric_free(r);
    }
    CU_ASSERT_EQUAL(rejected, (len + 6) / 7);
    free(bytes);
}

/* A rubric may take indicators from a category of a LIWC-format
 * dictionary beside it; a rubric read back from the store does not read it. */
static void test_dictionary_indicators(void)
{
    art_rubric *r = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_rubric_load(art_test_src("tests/data/rubric/dict/rubric.xml"), &r,
                                          &err), ART_OK);
    const art_dimension *d = art_rubric_dimension(r, "trust");
    CU_ASSERT_FATAL(d != NULL);
    /* 3 written + 5 from "trust" (trust, trust*, trusted, autonom*, kind of)
     * + 4 from "control" (permission, sign off, approv*, manager*) */
    CU_ASSERT_EQUAL(d->nindicators, 3 + 5 + 4);
    size_t from_trust = 0, from_control = 0;
    for (size_t i = 3; i < d->nindicators; i++) {
        const art_indicator *ind = &d->indicators[i];
        if (strcmp(ind->provenance, "dictionary culture.dic: trust") == 0) {
            from_trust++;
            CU_ASSERT_EQUAL(ind->direction, 1);
            CU_ASSERT_DOUBLE_EQUAL(ind->weight, 0.5, 1e-12);
        } else if (strcmp(ind->provenance, "dictionary culture.dic: control") == 0) {
            from_control++;
            CU_ASSERT_EQUAL(ind->direction, -1);
            CU_ASSERT_DOUBLE_EQUAL(ind->weight, 1.0, 1e-12);
        }
    }
    CU_ASSERT_EQUAL(from_trust, 5);
    CU_ASSERT_EQUAL(from_control, 4);
    art_rubric_free(r);

    /* Read back from the store: dimensions only, no file read. */
    size_t len;
    char *xml = art_test_slurp("tests/data/rubric/dict/rubric.xml", &len);
    CU_ASSERT_EQUAL_FATAL(art_rubric_load_memory(xml, len, "stored rubric", &r, &err), ART_OK);
    CU_ASSERT_EQUAL(art_rubric_dimension(r, "trust")->nindicators, 3);
    art_rubric_free(r);
    free(xml);

    static const struct { const char *file, *msg; art_status st; } bad[] = {
        {"tests/data/rubric/dict/unknown-category.xml", "has no category 'nonsense'", ART_ERR_FORMAT},
        {"tests/data/rubric/dict/missing-file.xml", "absent.dic", ART_ERR_IO},
        {"tests/data/rubric/dict/outside.xml", "dictionary file must be beside the rubric",
         ART_ERR_FORMAT}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = NULL;
        CU_ASSERT_EQUAL(art_rubric_load(art_test_src(bad[i].file), &r, &err), bad[i].st);
        CU_ASSERT_PTR_NULL(r);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, bad[i].msg));
        if (!strstr(err.message, bad[i].msg))
            fprintf(stderr, "\n%s: %s\n", bad[i].file, err.message);
    }
}

void art_test_register(void)
{
    ART_SUITE("rubric-dictionaries",
              {"indicators from a LIWC-format dictionary", test_dictionary_indicators});
    ART_SUITE("rubric-shipped",
              {"eleven dimensions, levels, indicators, codes", test_shipped_dimensions},
              {"content of hierarchy, trust, co-production", test_shipped_content},
              {"sha256 of the file bytes", test_shipped_sha256},
              {"two loads identical", test_load_twice_identical},
              {"practice, ladder, scopes, outcomes, routes", test_shipped_depth});
    ART_SUITE("rubric-load",
              {"small rubric exact values", test_mini_values},
              {"art_rubric_dimension finds and misses", test_dimension_lookup},
              {"missing file and bad arguments", test_missing_file},
              {"truncated rubrics rejected", test_truncated_rubrics});
    ART_SUITE("rubric-schema",
              {"missing levels", test_missing_levels},
              {"unknown element", test_unknown_element},
              {"bad direction value", test_bad_direction},
              {"four levels", test_four_levels},
              {"wrong namespace", test_wrong_namespace});
    ART_SUITE("rubric-semantic",
              {"duplicate dimension id", test_duplicate_id},
              {"duplicate level number", test_duplicate_level},
              {"target 150", test_target_out_of_range},
              {"weight 0", test_weight_zero},
              {"only cls indicators", test_only_cls_indicators},
              {"phrase over 16 words", test_long_phrase},
              {"phrase without words", test_phrase_without_words},
              {"repeated phrase", test_repeated_phrase},
              {"unknown related dimension", test_unknown_related});
    ART_SUITE("rubric-depth",
              {"exact values of the new parts", test_depth_values},
              {"broken ladder, outcomes, scopes, routes, practice", test_depth_broken});
    ART_SUITE("rubric-not-a-rubric",
              {"not XML at all", test_not_xml},
              {"external entity refused", test_external_entity_refused},
              {"empty file", test_empty_file});
}
