/* The co-production ladder over a hand-built corpus with the shipped
 * rubric: the exact rung, scope and facet of each passage, the per-rung
 * counts, item order, and the highest rung sustained by two sources. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHIPPED "rubrics/cls-culture.xml"

static art_rubric *shipped(void)
{
    art_rubric *r = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_rubric_load(art_test_src(SHIPPED), &r, &err);
    if (st != ART_OK)
        fprintf(stderr, "\nrubric: %s\n", err.message);
    CU_ASSERT_EQUAL_FATAL(st, ART_OK);
    return r;
}

#define DOC(i, src, t) \
    {.id = i, .kind = ART_SRC_DOCUMENT, .source = src, .locator = "para " #i, .text = t, \
     .level = ART_LEVEL_ESPOUSED}
#define INT(i, src, t) \
    {.id = i, .kind = ART_SRC_INTERVIEW, .source = src, .locator = "row " #i, .text = t, \
     .participant = "P01", .voice = ART_VOICE_LOCAL_AUTHORITY, .level = ART_LEVEL_ASSUMPTION}

/* Fourteen passages; the comment says where each belongs. */
static art_seg_view segs[] = {
    DOC(1, "strategy.md", "We held a consultation event in the town hall in March."),  /* 4 */
    DOC(2, "engagement-plan.md",
        "An online survey went to everyone who uses day services."),                     /* 4 */
    DOC(3, "strategy.md", "We designed the hub together with people who use it."),     /* 6 S */
    INT(4, "interviews.csv",
        "People with lived experience sit on the steering group as equal partners."),  /* 7 S */
    INT(5, "interviews.csv", "We asked people for feedback after the changes."),        /* 4 */
    INT(6, "interviews.csv", "Honestly, this was not co-production, it was consultation."), /* 4 */
    INT(7, "interviews.csv", "She co-designed her support plan with her social worker."), /* 6 M */
    DOC(8, "strategy.md", "A leaflet told people about the new hub."),                   /* 3 */
    DOC(9, "board-minutes.md",
        "The programme board is co-produced with carers and people who draw on support."), /* 7 S */
    DOC(10, "training.md", "Staff attended a dementia awareness session run by the council."), /* 2 */
    INT(11, "interviews.csv", "Residents had no say in the decision; it was a tick box exercise."), /* 1 */
    INT(12, "interviews.csv", "We ran a focus group with carers about what matters to them."), /* 5 M */
    DOC(13, "strategy.md", "The team meets on Tuesdays."),                               /* none */
    DOC(14, "engagement-plan.md",
        "Focus groups and a survey fed into the commissioning strategy."),               /* 5 S */
};
static art_corpus corpus = {.site = "Testshire", .round = "r1", .segs = segs,
                            .nsegs = sizeof segs / sizeof segs[0]};

static void classify(const art_rubric *r, const art_corpus *c, art_ladder *l)
{
    art_error err;
    art_error_clear(&err);
    art_status st = art_ladder_classify(r, c, l, &err);
    if (st != ART_OK)
        fprintf(stderr, "\nladder: %s\n", err.message);
    CU_ASSERT_EQUAL_FATAL(st, ART_OK);
}

static const art_ladder_item *item_for(const art_ladder *l, int64_t id)
{
    for (size_t i = 0; i < l->nitems; i++)
        if (l->items[i].segment_id == id)
            return &l->items[i];
    return NULL;
}

static void expect(const art_ladder *l, int64_t id, int rung, art_scope scope,
                   const char *phrase)
{
    const art_ladder_item *it = item_for(l, id);
    CU_ASSERT_PTR_NOT_NULL(it);
    if (!it) {
        fprintf(stderr, "\nsegment %lld not on the ladder\n", (long long)id);
        return;
    }
    if (it->rung != rung || it->scope != scope || strcmp(it->phrase, phrase) != 0)
        fprintf(stderr, "\nsegment %lld: rung %d scope %s phrase \"%s\"\n", (long long)id,
                it->rung, art_scope_id(it->scope), it->phrase);
    CU_ASSERT_EQUAL(it->rung, rung);
    CU_ASSERT_EQUAL(it->scope, scope);
    CU_ASSERT_STRING_EQUAL(it->phrase, phrase);
}

static void test_rungs_of_passages(void)
{
    art_rubric *r = shipped();
    art_ladder l;
    classify(r, &corpus, &l);
    CU_ASSERT_EQUAL(l.nitems, 13);
    expect(&l, 1, 4, ART_SCOPE_UNKNOWN, "consultation*");
    expect(&l, 2, 4, ART_SCOPE_UNKNOWN, "survey*");
    expect(&l, 3, 6, ART_SCOPE_STRATEGIC, "designed * * together");
    expect(&l, 4, 7, ART_SCOPE_STRATEGIC, "people with lived experience sit on");
    expect(&l, 5, 4, ART_SCOPE_UNKNOWN, "asked * for feedback");
    /* The negated co-production is ignored: the passage is consultation. */
    expect(&l, 6, 4, ART_SCOPE_UNKNOWN, "consultation*");
    expect(&l, 7, 6, ART_SCOPE_MICRO, "co design*");
    expect(&l, 8, 3, ART_SCOPE_UNKNOWN, "leaflet*");
    expect(&l, 9, 7, ART_SCOPE_STRATEGIC, "co produc*");
    expect(&l, 10, 2, ART_SCOPE_UNKNOWN, "awareness session*");
    expect(&l, 11, 1, ART_SCOPE_UNKNOWN, "had no say");
    expect(&l, 12, 5, ART_SCOPE_MICRO, "focus group*");
    CU_ASSERT_PTR_NULL(item_for(&l, 13));
    /* Focus groups outrank the survey in the same sentence. */
    expect(&l, 14, 5, ART_SCOPE_STRATEGIC, "focus group*");
    art_ladder_clear(&l);
    art_rubric_free(r);
}

static void test_items_carry_evidence(void)
{
    art_rubric *r = shipped();
    art_ladder l;
    classify(r, &corpus, &l);
    const art_ladder_item *it = item_for(&l, 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it);
    CU_ASSERT_EQUAL(it->facet, ART_FACET_ENACTED);
    CU_ASSERT_STRING_EQUAL(it->source, "interviews.csv");
    CU_ASSERT_STRING_EQUAL(it->locator, "row 4");
    CU_ASSERT_STRING_EQUAL(it->quote,
                           "People with lived experience sit on the steering group as equal "
                           "partners.");
    it = item_for(&l, 9);
    CU_ASSERT_PTR_NOT_NULL_FATAL(it);
    CU_ASSERT_EQUAL(it->facet, ART_FACET_ESPOUSED);
    CU_ASSERT_STRING_EQUAL(it->source, "board-minutes.md");
    CU_ASSERT_STRING_EQUAL(it->locator, "para 9");
    art_ladder_clear(&l);
    art_rubric_free(r);
}

static void test_counts_and_order(void)
{
    static const size_t counts[ART_RUNGS + 1] = {0, 1, 1, 1, 4, 2, 2, 2};
    static const size_t micro[ART_RUNGS + 1] = {0, 0, 0, 0, 0, 1, 1, 0};
    static const size_t strategic[ART_RUNGS + 1] = {0, 0, 0, 0, 0, 1, 1, 2};
    static const int64_t order[] = {4, 9, 3, 7, 12, 14, 1, 2, 5, 6, 8, 10, 11};
    art_rubric *r = shipped();
    art_ladder l;
    classify(r, &corpus, &l);
    for (int k = 0; k <= ART_RUNGS; k++) {
        CU_ASSERT_EQUAL(l.counts[k], counts[k]);
        CU_ASSERT_EQUAL(l.micro[k], micro[k]);
        CU_ASSERT_EQUAL(l.strategic[k], strategic[k]);
    }
    CU_ASSERT_EQUAL_FATAL(l.nitems, sizeof order / sizeof order[0]);
    for (size_t i = 0; i < l.nitems; i++)
        CU_ASSERT_EQUAL(l.items[i].segment_id, order[i]);
    /* Rung 7 is named in interviews.csv and board-minutes.md. */
    CU_ASSERT_EQUAL(l.highest_sustained, 7);
    art_ladder_clear(&l);
    CU_ASSERT_EQUAL(l.nitems, 0);
    CU_ASSERT_PTR_NULL(l.items);
    CU_ASSERT_EQUAL(l.counts[4], 0);
    CU_ASSERT_EQUAL(l.highest_sustained, 0);
    art_rubric_free(r);
}

/* Two co-production mentions from ONE source and a single co-design do
 * not sustain a rung; consultation in two documents does. */
static void test_sustained_needs_two_sources(void)
{
    art_seg_view v[] = {
        INT(1, "interviews.csv", "We co-produced the new hub with local people."),
        INT(2, "interviews.csv", "Co-production is how we work now."),
        DOC(3, "strategy.md", "Carers co-designed the leaflet."),
        DOC(4, "strategy.md", "A survey asked what people thought."),
        DOC(5, "minutes.md", "The consultation closed in May."),
    };
    art_corpus c = {.site = "S", .round = "r", .segs = v, .nsegs = 5};
    art_rubric *r = shipped();
    art_ladder l;
    classify(r, &c, &l);
    CU_ASSERT_EQUAL(l.counts[7], 2);
    CU_ASSERT_EQUAL(l.counts[6], 1);
    CU_ASSERT_EQUAL(l.counts[4], 2);
    CU_ASSERT_EQUAL(l.highest_sustained, 4);
    art_ladder_clear(&l);

    /* One passage per rung: nothing sustained. */
    c.nsegs = 3;
    v[1].text = "The team meets weekly.";
    classify(r, &c, &l);
    CU_ASSERT_EQUAL(l.nitems, 2);
    CU_ASSERT_EQUAL(l.highest_sustained, 0);
    art_ladder_clear(&l);

    /* Two passages at rung 7 from two sources. */
    v[1].source = "other.md";
    v[1].text = "The board is co-produced.";
    classify(r, &c, &l);
    CU_ASSERT_EQUAL(l.counts[7], 2);
    CU_ASSERT_EQUAL(l.highest_sustained, 7);
    art_ladder_clear(&l);
    art_rubric_free(r);
}

static void test_negation_and_scope_ties(void)
{
    art_seg_view v[] = {
        DOC(1, "a.md", "This was never co-design; we only consulted."),
        DOC(2, "a.md", "We did not consult anyone."),  /* "consult" alone is no phrase */
        DOC(3, "a.md", "Their own support plan was discussed by the steering group."),
        DOC(4, "a.md", "Nobody co-produced anything."),
    };
    art_corpus c = {.site = "S", .round = "r", .segs = v, .nsegs = 4};
    art_rubric *r = shipped();
    art_ladder l;
    classify(r, &c, &l);
    CU_ASSERT_EQUAL(l.nitems, 1);
    expect(&l, 1, 4, ART_SCOPE_UNKNOWN, "consulted");
    CU_ASSERT_PTR_NULL(item_for(&l, 2));
    CU_ASSERT_PTR_NULL(item_for(&l, 4));
    art_ladder_clear(&l);

    /* Micro and strategic phrases together: strategic wins. */
    v[3].text = "Carers co-designed their own support plan and the steering group's terms.";
    classify(r, &c, &l);
    expect(&l, 4, 6, ART_SCOPE_STRATEGIC, "co design*");
    art_ladder_clear(&l);
    art_rubric_free(r);
}

static void test_edge_cases(void)
{
    art_rubric *r = shipped();
    art_ladder l;
    art_error err;
    /* An empty corpus and a segment without text: an empty ladder. */
    art_seg_view v[] = {{.id = 1, .kind = ART_SRC_DOCUMENT, .source = "x", .text = NULL},
                        {.id = 2, .kind = ART_SRC_DOCUMENT, .source = NULL, .locator = NULL,
                         .text = "A survey."}};
    art_corpus c = {.segs = v, .nsegs = 0};
    classify(r, &c, &l);
    CU_ASSERT_EQUAL(l.nitems, 0);
    CU_ASSERT_EQUAL(l.highest_sustained, 0);
    art_ladder_clear(&l);
    c.nsegs = 2;
    classify(r, &c, &l);
    CU_ASSERT_EQUAL_FATAL(l.nitems, 1);
    CU_ASSERT_STRING_EQUAL(l.items[0].source, "");
    CU_ASSERT_STRING_EQUAL(l.items[0].locator, "");
    art_ladder_clear(&l);

    /* A rubric without a ladder places nothing. */
    size_t n = r->nladder;
    r->nladder = 0;
    classify(r, &corpus, &l);
    CU_ASSERT_EQUAL(l.nitems, 0);
    r->nladder = n;

    CU_ASSERT_EQUAL(art_ladder_classify(NULL, &corpus, &l, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_ladder_classify(r, NULL, &l, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_ladder_classify(r, &corpus, NULL, &err), ART_ERR_USAGE);
    art_ladder_clear(NULL);
    CU_ASSERT_STRING_EQUAL(art_scope_id(ART_SCOPE_UNKNOWN), "unknown");
    CU_ASSERT_STRING_EQUAL(art_scope_id(ART_SCOPE_MICRO), "micro");
    CU_ASSERT_STRING_EQUAL(art_scope_id(ART_SCOPE_STRATEGIC), "strategic");
    CU_ASSERT_STRING_EQUAL(art_scope_id((art_scope)42), "unknown");
    art_rubric_free(r);
}

void art_test_register(void)
{
    ART_SUITE("ladder",
              {"rung and scope of each passage", test_rungs_of_passages},
              {"items carry source, locator, quote, facet", test_items_carry_evidence},
              {"counts, micro, strategic, order", test_counts_and_order},
              {"highest sustained needs two sources", test_sustained_needs_two_sources},
              {"negation and scope ties", test_negation_and_scope_ties},
              {"edge cases and bad arguments", test_edge_cases});
}
