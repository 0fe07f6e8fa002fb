/* The parts of a report that go beyond one score per dimension: where a
 * site's documents and interviews contradict each other, each dimension by
 * Schein level, next steps, the co-production ladder and change stories.
 * One function per part and format; report.c and report_html.c place them. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* TLAP ladder of co-production; CLS outcomes as the 2020 briefing names
 * them; how people came in.  Fixed by the model, so the report can name
 * them without the rubric. */
static const char *const rung_names[ART_RUNGS + 1] = {
    "", "Coercion", "Educating", "Informing", "Consultation", "Engagement", "Co-design",
    "Co-production"};
static const char *const outcome_names[ART_OUTCOMES + 1] = {
    "", "Support before crisis", "Presence and use of local solutions",
    "Goals, resilience and wellbeing", "Quicker, easier, joined-up access", "",
    "Better use of resources and living arrangements"};

const char *art_report_rung_name(int rung)
{
    return rung >= 1 && rung <= ART_RUNGS ? rung_names[rung] : "";
}

const char *art_report_outcome_name(int k)
{
    return k >= 1 && k <= ART_OUTCOMES ? outcome_names[k] : "";
}

const char *art_report_route_name(const char *route)
{
    if (!route)
        return "not known";
    if (strcmp(route, "hub") == 0)
        return "walked into a hub";
    if (strcmp(route, "referral") == 0)
        return "referral to the council";
    if (strcmp(route, "worker") == 0)
        return "ongoing council worker";
    return route;
}

static const char *const level_labels[3] = {"Artefacts", "Espoused values",
                                            "Underlying assumptions"};

bool art_report_opposite(const art_dim_score *d)
{
    return (d->espoused - 50) * (d->enacted - 50) < 0;
}

const char *art_report_lean_words(const art_dim_score *d)
{
    if (!art_report_opposite(d))
        return "both lean the same way: a difference of degree";
    return d->espoused > d->enacted ? "documents lean toward the CLS value, interviews away"
                                    : "interviews lean toward the CLS value, documents away";
}

static bool contradiction_before(const art_dim_score *x, const art_dim_score *y)
{
    bool ox = art_report_opposite(x), oy = art_report_opposite(y);
    if (ox != oy)
        return ox;
    return x->divergence > y->divergence;
}

/* Divergent dimensions, opposite leanings first, then the largest
 * divergence; malloc'd indices. */
size_t art_report_contradictions(const art_assessment *a, size_t **out)
{
    *out = NULL;
    size_t n = 0;
    for (size_t i = 0; i < a->ndims; i++)
        n += a->dims[i].divergent != 0;
    if (n == 0 || !(*out = malloc(n * sizeof **out)))
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < a->ndims; i++)
        if (a->dims[i].divergent)
            (*out)[k++] = i;
    /* Opposite leanings first, then the larger divergence (insertion sort:
     * a handful of dimensions). */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && contradiction_before(&a->dims[(*out)[j]], &a->dims[(*out)[j - 1]]); j--) {
            size_t t = (*out)[j];
            (*out)[j] = (*out)[j - 1];
            (*out)[j - 1] = t;
        }
    return n;
}

/* The strongest evidence of one facet pointing one way (dir 0: either),
 * up to max, among the first `shown` (what the report shows at all). */
size_t art_report_facet_evidence(const art_dim_score *d, size_t shown, art_facet f, int dir,
                                 const art_evidence **ev, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nev && i < shown && n < max; i++)
        if (d->ev[i].facet == f && (dir == 0 || (d->ev[i].direction > 0) == (dir > 0)))
            ev[n++] = &d->ev[i];
    return n;
}

/* Which way each side leans in a contradiction: the side that scores
 * higher is shown by its evidence toward the CLS value, the other by its
 * evidence toward the low pole. */
int art_report_contradiction_dir(const art_dim_score *d, art_facet f)
{
    int docs_higher = d->espoused >= d->enacted;
    return (f == ART_FACET_ESPOUSED) == docs_higher ? 1 : -1;
}

size_t art_report_story_count(const art_assessment *a, int outcome)
{
    size_t n = 0;
    for (size_t i = 0; a->stories && i < a->stories->n; i++)
        n += a->stories->stories[i].outcomes[outcome] != 0;
    return n;
}

/* ------------------------------------------------------------------ */
/* Text and Markdown                                                   */
/* ------------------------------------------------------------------ */

/* An empty side of a contradiction says why, rather than leaving a bare
 * heading: a bundle imported without quotes has none to show. */
static void put_no_quote_line(const art_assessment *a, const art_dim_score *d, art_out *o,
                              bool md)
{
    art_out_puts(o, md ? "- " : "      ");
    art_out_puts(o, a->origin && d->nev == 0 ? "(the bundle this run came from has no quotes)\n"
                                             : "(no passage points this way)\n");
}

static void put_quote_line(art_out *o, const char *prefix, const art_evidence *e, art_esc esc)
{
    art_out_printf(o, "%s%s \"", prefix, e->direction > 0 ? "+" : "\xe2\x88\x92");
    art_report_put_text(o, e->quote, 240, esc, "");
    art_out_puts(o, "\" (");
    art_report_put_text(o, e->source, 80, esc, "");
    art_out_puts(o, ")\n");
}

void art_report_plain_contradictions(const art_assessment *a, int max_ev, size_t dflt,
                                     art_out *o, bool md)
{
    size_t *idx;
    size_t n = art_report_contradictions(a, &idx);
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    if (n == 0) {
        if (md)
            art_out_printf(o, "\n## What the documents say and what people describe\n\nNo dimension's "
                              "documents and interviews differ by %.0f points or more.\n",
                           a->gap_threshold);
        return;
    }
    art_out_printf(o, md ? "\n## Where documents and interviews disagree\n\n"
                         : "\nWhere documents and interviews disagree (%.0f points or more)\n",
                   a->gap_threshold);
    if (md)
        art_out_printf(o, "These dimensions differ by %.0f points or more between what the site's "
                          "documents espouse and what its interviews describe.\n",
                       a->gap_threshold);
    for (size_t k = 0; k < n; k++) {
        const art_dim_score *d = &a->dims[idx[k]];
        art_out_puts(o, md ? "\n### " : "  ");
        art_report_put_text(o, d->name ? d->name : d->id, ART_REPORT_NO_LIMIT, esc, NULL);
        art_out_printf(o, md ? "\n\nDocuments %ld, interviews %ld (%ld points apart; %s).\n\n"
                             : ": documents %ld, interviews %ld (%ld points apart; %s)\n",
                       art_report_round(d->espoused), art_report_round(d->enacted),
                       art_report_round(d->divergence), art_report_lean_words(d));
        const art_evidence *ev[2];
        size_t shown = art_report_evidence_shown(d, max_ev, dflt);
        size_t ne = art_report_facet_evidence(
            d, shown, ART_FACET_ESPOUSED, art_report_contradiction_dir(d, ART_FACET_ESPOUSED), ev,
            2);
        art_out_puts(o, md ? "What the documents say:\n\n" : "    What the documents say:\n");
        for (size_t i = 0; i < ne; i++)
            put_quote_line(o, md ? "- " : "      ", ev[i], esc);
        if (ne == 0)
            put_no_quote_line(a, d, o, md);
        ne = art_report_facet_evidence(
            d, shown, ART_FACET_ENACTED, art_report_contradiction_dir(d, ART_FACET_ENACTED), ev, 2);
        art_out_puts(o, md ? "\nWhat people describe:\n\n" : "    What people describe:\n");
        for (size_t i = 0; i < ne; i++)
            put_quote_line(o, md ? "- " : "      ", ev[i], esc);
        if (ne == 0)
            put_no_quote_line(a, d, o, md);
    }
    free(idx);
}

void art_report_plain_dimension_extra(const art_dim_score *d, art_out *o, bool md)
{
    const char *indent = md ? "" : "   ";
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    if (d->insufficient)
        art_out_printf(o, "%sInsufficient evidence: %zu passage%s from %zu source%s is too little "
                          "to score this dimension.%s\n",
                       indent, d->nev, d->nev == 1 ? "" : "s", d->nsources,
                       d->nsources == 1 ? "" : "s", md ? "\n" : "");
    bool any = false;
    for (int k = 0; k < 3; k++)
        any = any || d->level_counts[k] > 0;
    if (any) {
        art_out_printf(o, "%sBy level of culture:", indent);
        for (int k = 0; k < 3; k++) {
            if (!d->level_counts[k])
                continue;
            art_out_printf(o, " %s %ld (%zu)", level_labels[k],
                           art_report_round(d->level_scores[k]), d->level_counts[k]);
            art_out_puts(o, k < 2 ? ";" : "");
        }
        art_out_puts(o, md ? "\n\n" : "\n");
    }
    if (d->dict_tokens[0] || d->dict_tokens[1]) {
        art_out_printf(o, "%sDictionary words:", indent);
        static const char *const side[2] = {"documents", "interviews"};
        for (int f = 0; f < 2; f++)
            if (d->dict_tokens[f])
                art_out_printf(o, "%s %s %.1f%% (%zu of %zu words)", f && d->dict_tokens[0] ? ";" : "",
                               side[f], 100 * d->dict_share[f], d->dict_matched[f],
                               d->dict_tokens[f]);
        art_out_puts(o, md ? "\n\n" : "\n");
    }
    if (d->npractice && art_report_has(d->gap) && d->gap > 0) {
        art_out_printf(o, "%sNext steps:\n", indent);
        for (size_t i = 0; i < d->npractice; i++) {
            art_out_puts(o, md ? "- " : "     - ");
            art_report_put_text(o, d->practice[i], ART_REPORT_NO_LIMIT, esc, NULL);
            art_out_puts(o, "\n");
        }
        if (md)
            art_out_puts(o, "\n");
    }
}

/* Passages on a rung from documents (what a site says it does) and from
 * interviews (what people describe): a strategy that names co-production
 * is not co-production, so the two are shown apart. */
void art_report_ladder_facets(const art_assessment *a, int rung, size_t *docs, size_t *ints)
{
    *docs = *ints = 0;
    for (size_t i = 0; i < a->ladder.nitems; i++)
        if (a->ladder.items[i].rung == rung) {
            if (a->ladder.items[i].facet == ART_FACET_ENACTED)
                (*ints)++;
            else
                (*docs)++;
        }
}

void art_report_plain_ladder(const art_assessment *a, art_out *o, bool md)
{
    const art_ladder *l = &a->ladder;
    if (l->nitems == 0)
        return;
    art_out_puts(o, md ? "\n## Co-production ladder\n\n" : "\nCo-production ladder (TLAP)\n");
    if (md)
        art_out_puts(o, "| Rung | Passages | Documents | Interviews | Micro | Strategic |\n"
                        "|---|---:|---:|---:|---:|---:|\n");
    for (int r = ART_RUNGS; r >= 1; r--) {
        size_t docs, ints;
        art_report_ladder_facets(a, r, &docs, &ints);
        if (md)
            art_out_printf(o, "| %d %s | %zu | %zu | %zu | %zu | %zu |\n", r, rung_names[r],
                           l->counts[r], docs, ints, l->micro[r], l->strategic[r]);
        else
            art_out_printf(o, "  %d %-14s %4zu  (documents %zu, interviews %zu; micro %zu, "
                              "strategic %zu)\n",
                           r, rung_names[r], l->counts[r], docs, ints, l->micro[r],
                           l->strategic[r]);
    }
    if (l->highest_sustained)
        art_out_printf(o, "%sHighest rung with sustained evidence: %d %s.\n", md ? "\n" : "  ",
                       l->highest_sustained, rung_names[l->highest_sustained]);
    else
        art_out_printf(o, "%sNo rung has evidence from two passages in two sources.\n",
                       md ? "\n" : "  ");
}

void art_report_plain_stories(const art_assessment *a, art_out *o, bool md)
{
    if (!a->stories || a->stories->n == 0)
        return;
    size_t n = a->stories->n;
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    art_out_printf(o, md ? "\n## Change stories (%zu)\n\n" : "\nChange stories (%zu)\n", n);
    if (md)
        art_out_puts(o, "| CLS outcome | Stories |\n|---|---:|\n");
    for (int k = 1; k <= ART_OUTCOMES; k++) {
        if (!outcome_names[k][0])
            continue;
        size_t c = art_report_story_count(a, k);
        if (md)
            art_out_printf(o, "| %d %s | %zu/%zu |\n", k, outcome_names[k], c, n);
        else
            art_out_printf(o, "  Outcome %d %-48s %zu/%zu\n", k, outcome_names[k], c, n);
    }
    static const char *const routes[] = {"hub", "referral", "worker"};
    art_out_puts(o, md ? "\nHow people came in:" : "  How people came in:");
    for (size_t r = 0; r < 3; r++) {
        size_t c = 0;
        for (size_t i = 0; i < n; i++)
            c += a->stories->stories[i].route && strcmp(a->stories->stories[i].route, routes[r]) == 0;
        art_out_printf(o, "%s %s %zu", r ? "," : "", art_report_route_name(routes[r]), c);
    }
    art_out_puts(o, md ? ".\n\n" : ".\n");
    for (size_t i = 0; i < n; i++) {
        const art_story *t = &a->stories->stories[i];
        art_out_puts(o, md ? "- **" : "  - ");
        art_report_put_text(o, t->title ? t->title : t->id, 120, esc, "untitled");
        art_out_puts(o, md ? "**: outcomes" : ": outcomes");
        bool any = false;
        for (int k = 1; k <= ART_OUTCOMES; k++)
            if (t->outcomes[k]) {
                art_out_printf(o, "%s %d", any ? "," : "", k);
                any = true;
            }
        art_out_puts(o, any ? "" : " none");
        art_out_puts(o, "; came in: ");
        art_out_puts(o, art_report_route_name(t->route));
        art_out_puts(o, "\n");
    }
}

/* ------------------------------------------------------------------ */
/* JSON pieces (the writer in report.c calls these)                    */
/* ------------------------------------------------------------------ */

void art_report_json_ladder(const art_assessment *a, art_out *o)
{
    const art_ladder *l = &a->ladder;
    art_out_puts(o, "{\n    \"rungs\": [");
    for (int r = 1; r <= ART_RUNGS; r++) {
        size_t docs, ints;
        art_report_ladder_facets(a, r, &docs, &ints);
        art_out_printf(o, "%s\n      {\"rung\": %d, \"name\": \"%s\", \"count\": %zu, "
                          "\"documents\": %zu, \"interviews\": %zu, "
                          "\"micro\": %zu, \"strategic\": %zu}",
                       r > 1 ? "," : "", r, rung_names[r], l->counts[r], docs, ints,
                       l->micro[r], l->strategic[r]);
    }
    art_out_puts(o, "\n    ],\n    \"highest_sustained\": ");
    if (l->highest_sustained)
        art_out_printf(o, "%d", l->highest_sustained);
    else
        art_out_puts(o, "null");
    art_out_printf(o, ",\n    \"items\": %zu\n  }", l->nitems);
}

/* ------------------------------------------------------------------ */
/* Ratings and reviews, movement since an earlier round, trend         */
/* ------------------------------------------------------------------ */

#define DASH "\xE2\x80\x94"
#define ARROW "\xE2\x86\x92"
#define MOVED_SHOWN 5           /* gained or lost passages per dimension in text */

const art_review *art_report_override(const art_assessment *a, const art_dim_score *d)
{
    if (d->override_review < 0 || (size_t)d->override_review >= a->nreviews || !a->reviews)
        return NULL;
    const art_review *r = &a->reviews[d->override_review];
    return r->kind == ART_REVIEW_OVERRIDE ? r : NULL;
}

bool art_report_has_reviews(const art_assessment *a)
{
    return (a->nratings > 0 && a->ratings) || (a->nreviews > 0 && a->reviews);
}

const char *art_report_movement_word(const art_movement *m)
{
    bool f = art_report_has(m->from), t = art_report_has(m->to);
    if (f && t) {
        long d = art_report_round(m->to) - art_report_round(m->from);
        return d > 0 ? "up" : d < 0 ? "down" : "no change";
    }
    if (t)
        return "newly scored";
    if (f)
        return "no longer scored";
    return "not scored";
}

bool art_report_has_trend(const art_assessment *a)
{
    const art_history *h = a->history;
    return h && h->nrounds >= 2 && h->rounds && h->scores && h->ndims == a->ndims;
}

const char *art_report_schein_name(art_level lv)
{
    switch (lv) {
    case ART_LEVEL_ARTEFACT: return "Artefact";
    case ART_LEVEL_ESPOUSED: return "Espoused value";
    case ART_LEVEL_ASSUMPTION: return "Underlying assumption";
    default: return DASH;
    }
}

void art_report_put_mean(art_out *o, double mean, size_t n)
{
    if (n > 0 && art_report_has(mean))
        art_out_printf(o, "%.1f", round(mean * 10) / 10);
    else
        art_out_puts(o, DASH);
}

void art_report_put_alpha(const art_assessment *a, art_out *o)
{
    if (a->nratings == 0 || !a->ratings || !art_report_has(a->ratings_alpha)) {
        art_out_puts(o, "Agreement between raters: not computable (it needs two raters or more "
                        "rating the same dimensions, with some variation).");
        return;
    }
    art_out_printf(o, "Agreement between raters: Krippendorff's alpha (ordinal) %.2f",
                   a->ratings_alpha);
    if (art_report_has(a->ratings_alpha_lo) && art_report_has(a->ratings_alpha_hi))
        art_out_printf(o, " (95%% CI %.2f to %.2f)", a->ratings_alpha_lo, a->ratings_alpha_hi);
    art_out_printf(o, ": %s.", art_reliability_id(art_alpha_reliability(a->ratings_alpha)));
}

static void plain_level(art_out *o, int level)
{
    if (level > 0)
        art_out_printf(o, "%d", level);
    else
        art_out_puts(o, DASH);
}

/* "2 by Ann Critical, 2026-11-20T10:00:00Z" */
static void plain_override(const art_review *r, art_out *o, art_esc esc)
{
    if (!r) {
        art_out_puts(o, DASH);
        return;
    }
    art_out_printf(o, "%d by ", r->level);
    art_report_put_text(o, r->author, 80, esc, "unknown");
    art_out_puts(o, ", ");
    art_report_put_text(o, r->created_at, 40, esc, "undated");
}

static void plain_review_line(const art_assessment *a, const art_review *r, art_out *o, bool md)
{
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    art_out_puts(o, md ? "- " : "  ");
    art_report_put_text(o, r->created_at, 40, esc, "undated");
    art_out_puts(o, md ? " **" : "  ");
    art_report_put_text(o, r->author, 80, esc, "unknown");
    art_out_puts(o, md ? "**, " : ", ");
    art_out_puts(o, art_review_kind_id(r->kind));
    if (r->kind == ART_REVIEW_OVERRIDE)
        art_out_printf(o, " to level %d", r->level);
    art_out_puts(o, " of ");
    const char *name = r->dimension;
    for (size_t i = 0; i < a->ndims; i++)
        if (r->dimension && a->dims[i].id && strcmp(a->dims[i].id, r->dimension) == 0)
            name = a->dims[i].name ? a->dims[i].name : a->dims[i].id;
    art_report_put_text(o, name, 80, esc, "an unknown dimension");
    art_out_puts(o, ": ");
    art_report_put_text(o, r->rationale, ART_REPORT_NO_LIMIT, esc, DASH);
    art_out_puts(o, "\n");
}

void art_report_plain_reviews(const art_assessment *a, art_out *o, bool md)
{
    if (!art_report_has_reviews(a))
        return;
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    art_out_puts(o, md ? "\n## Ratings and critical friends\n\n"
                         "The evidence score is never changed by a rating or an override; both are "
                         "shown. Levels are the rubric's 1 to 5.\n\n"
                         "| Dimension | Evidence level | Self | External | Override | Agreement |\n"
                         "|---|---:|---:|---:|---|---|\n"
                       : "\nRatings and critical friends (levels 1-5; the evidence score is never "
                         "changed)\n");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        art_out_puts(o, md ? "| " : "  ");
        art_report_put_text(o, d->name ? d->name : d->id, 60, esc, NULL);
        art_out_puts(o, md ? " | " : ": evidence ");
        plain_level(o, d->level);
        art_out_puts(o, md ? " | " : ", self ");
        art_report_put_mean(o, d->rating_mean[ART_ROLE_SELF], d->rating_n[ART_ROLE_SELF]);
        art_out_printf(o, " (%zu)", d->rating_n[ART_ROLE_SELF]);
        art_out_puts(o, md ? " | " : ", external ");
        art_report_put_mean(o, d->rating_mean[ART_ROLE_EXTERNAL], d->rating_n[ART_ROLE_EXTERNAL]);
        art_out_printf(o, " (%zu)", d->rating_n[ART_ROLE_EXTERNAL]);
        art_out_puts(o, md ? " | " : ", override ");
        plain_override(art_report_override(a, d), o, esc);
        if (md)
            art_out_puts(o, d->rating_disagree ? " | **DISAGREE** |\n" : " | agree |\n");
        else
            art_out_puts(o, d->rating_disagree ? "  DISAGREE\n" : "\n");
    }
    if (a->nreviews > 0 && a->reviews) {
        art_out_puts(o, md ? "\n### Reviews, oldest first\n\n" : "  Reviews, oldest first:\n");
        for (size_t i = 0; i < a->nreviews; i++)
            plain_review_line(a, &a->reviews[i], o, md);
    }
    art_out_puts(o, md ? "\n" : "  ");
    art_report_put_alpha(a, o);
    art_out_puts(o, "\n");
}

static void plain_score(art_out *o, double x)
{
    if (art_report_has(x))
        art_out_printf(o, "%ld", art_report_round(x));
    else
        art_out_puts(o, DASH);
}

static void plain_moved_evidence(const art_evidence *e, const char *what, art_out *o, bool md)
{
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    art_out_printf(o, md ? "  - %s: %s " : "     %s: %s \"", what, e->direction > 0 ? "+" : "\xE2\x88\x92");
    if (md)
        art_out_puts(o, "\xE2\x80\x9C");
    art_report_put_text(o, e->quote, 240, esc, NULL);
    art_out_puts(o, md ? "\xE2\x80\x9D " DASH " " : "\" " DASH " ");
    art_report_put_text(o, e->source, ART_REPORT_NO_LIMIT, esc, "unknown source");
    if (e->locator) {
        art_out_puts(o, ", ");
        art_report_put_text(o, e->locator, ART_REPORT_NO_LIMIT, esc, NULL);
    }
    art_out_printf(o, " (%s", art_report_schein_name(e->level));
    if (e->voice != ART_VOICE_UNKNOWN)
        art_out_printf(o, ", %s", art_voice_name(e->voice));
    if (e->participant) {
        art_out_puts(o, ", ");
        art_report_put_text(o, e->participant, 40, esc, NULL);
    }
    art_out_puts(o, ")\n");
}

void art_report_plain_movement(const art_assessment *a, art_out *o, bool md)
{
    if (!a->since)
        return;
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    art_out_puts(o, md ? "\n## Since " : "\nSince ");
    art_report_put_text(o, a->since, 80, esc, NULL);
    art_out_puts(o, md ? "\n\n" : "\n");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        const art_movement *m = &d->movement;
        art_out_puts(o, md ? "- **" : "  ");
        art_report_put_text(o, d->name ? d->name : d->id, 60, esc, NULL);
        art_out_puts(o, md ? "**: " : ": ");
        if (!m->present) {
            art_out_puts(o, "not compared\n");
            continue;
        }
        plain_score(o, m->from);
        art_out_puts(o, " " ARROW " ");
        plain_score(o, m->to);
        art_out_printf(o, ", %s", art_report_movement_word(m));
        if (art_report_has(m->from) && art_report_has(m->to) &&
            art_report_round(m->to) != art_report_round(m->from))
            art_out_printf(o, " %ld", labs(art_report_round(m->to) - art_report_round(m->from)));
        art_out_puts(o, " (level ");
        plain_level(o, m->from_level);
        art_out_puts(o, " " ARROW " ");
        plain_level(o, m->to_level);
        art_out_printf(o, "); %zu passage%s gained, %zu lost\n", m->ngained,
                       m->ngained == 1 ? "" : "s", m->nlost);
        for (int side = 0; side < 2; side++) {
            const art_evidence *ev = side ? m->lost : m->gained;
            size_t n = ev ? (side ? m->nlost : m->ngained) : 0;
            for (size_t k = 0; k < n && k < MOVED_SHOWN; k++)
                plain_moved_evidence(&ev[k], side ? "lost" : "gained", o, md);
            if (n > MOVED_SHOWN)
                art_out_printf(o, md ? "  - %s: %zu more (the movement_evidence table lists "
                                       "them all)\n"
                                     : "     %s: %zu more (the movement_evidence table lists "
                                       "them all)\n",
                               side ? "lost" : "gained", n - MOVED_SHOWN);
        }
    }
}

void art_report_plain_trend(const art_assessment *a, art_out *o, bool md)
{
    if (!art_report_has_trend(a))
        return;
    const art_history *h = a->history;
    art_esc esc = md ? ART_ESC_MD : ART_ESC_NONE;
    art_out_printf(o, md ? "\n## Trend across %zu rounds\n\n| Dimension |"
                         : "\nTrend across %zu rounds (oldest first)\n", h->nrounds);
    if (md) {
        for (size_t r = 0; r < h->nrounds; r++) {
            art_out_puts(o, " ");
            art_report_put_text(o, h->rounds[r], 40, esc, DASH);
            art_out_puts(o, " |");
        }
        art_out_puts(o, "\n|---|");
        for (size_t r = 0; r < h->nrounds; r++)
            art_out_puts(o, "---:|");
        art_out_puts(o, "\n");
    }
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        art_out_puts(o, md ? "| " : "  ");
        art_report_put_text(o, d->name ? d->name : d->id, 60, esc, NULL);
        art_out_puts(o, md ? " |" : ":");
        for (size_t r = 0; r < h->nrounds; r++) {
            art_out_puts(o, md ? " " : r ? ", " : " ");
            plain_score(o, h->scores[r * h->ndims + i]);
            if (md) {
                art_out_puts(o, " |");
            } else {
                art_out_puts(o, " (");
                art_report_put_text(o, h->rounds[r], 40, esc, DASH);
                art_out_puts(o, ")");
            }
        }
        art_out_puts(o, "\n");
    }
}
