/* Combining plugin emits into one score per dimension.
 *
 * Each plugin emits, per dimension and facet, a score with a weight (how much
 * evidence stands behind it).  Per facet the score is the weighted mean over
 * plugins.  The combined score gives the two facets equal say: what a site
 * says (documents) and what it does (interviews) count the same, however many
 * more pages one has than the other.  Evidence is merged, de-duplicated and
 * ordered so that a reader sees both sides early. */
#include "internal.h"
#include "dict.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void evidence_list_free(art_evidence *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ev[i].source);
        free(ev[i].locator);
        free(ev[i].quote);
        free(ev[i].participant);
        free(ev[i].indicator);
    }
    free(ev);
}

static void dim_score_clear(art_dim_score *d)
{
    free(d->id);
    free(d->name);
    free(d->description);
    free(d->low_pole);
    free(d->cls_value);
    for (int k = 0; k < ART_LEVELS; k++)
        free(d->levels[k]);
    evidence_list_free(d->ev, d->nev);
    evidence_list_free(d->movement.gained, d->movement.ngained);
    evidence_list_free(d->movement.lost, d->movement.nlost);
    for (size_t i = 0; i < d->npractice; i++)
        free(d->practice[i]);
    free(d->practice);
}

void art_assess_opts_default(art_assess_opts *o)
{
    o->gap_threshold = 15;
    o->min_confidence = 0.2;
    o->min_evidence = 3;
}

void art_assessment_free(art_assessment *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->ndims; i++)
        dim_score_clear(&a->dims[i]);
    free(a->dims);
    for (size_t i = 0; i < a->nplugins; i++)
        art_plugin_result_clear(&a->plugins[i]);
    free(a->plugins);
    free(a->site);
    free(a->round);
    free(a->rubric_id);
    free(a->rubric_version);
    free(a->rubric_title);
    free(a->code_map);
    art_ladder_clear(&a->ladder);
    art_story_set_free(a->stories);
    art_ratings_free(a->ratings, a->nratings);
    art_reviews_free(a->reviews, a->nreviews);
    free(a->since);
    art_history_free(a->history);
    free(a->origin);
    free(a);
}

void art_history_free(art_history *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->nrounds; i++) {
        free(h->rounds[i]);
        if (h->created_at)
            free(h->created_at[i]);
    }
    free(h->rounds);
    free(h->created_at);
    free(h->scores);
    free(h);
}

art_status art_assessment_from_rubric(const art_rubric *rb, const char *site, const char *round,
                                      art_assessment **out, art_error *err)
{
    *out = NULL;
    art_assessment *a = calloc(1, sizeof *a);
    if (!a)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    a->site = art_strdup(site);
    a->round = art_strdup(round);
    a->rubric_id = art_strdup(rb->id);
    a->rubric_version = art_strdup(rb->version);
    a->rubric_title = art_strdup(rb->title);
    memcpy(a->rubric_sha256, rb->sha256, sizeof a->rubric_sha256);
    a->gap_threshold = 15;
    a->ratings_alpha = a->ratings_alpha_lo = a->ratings_alpha_hi = NAN;
    a->dims = calloc(rb->ndims ? rb->ndims : 1, sizeof *a->dims);
    bool ok = a->site && a->round && a->rubric_id && a->rubric_version && a->dims;
    if (a->dims)
        a->ndims = rb->ndims;
    for (size_t i = 0; ok && i < rb->ndims; i++) {
        art_dim_score *d = &a->dims[i];
        const art_dimension *dm = &rb->dims[i];
        d->id = art_strdup(dm->id);
        d->name = art_strdup(dm->name);
        d->description = art_strdup(dm->description);
        d->low_pole = art_strdup(dm->low_pole);
        d->cls_value = art_strdup(dm->cls_value);
        for (int k = 0; k < ART_LEVELS; k++)
            d->levels[k] = art_strdup(dm->levels[k]);
        d->target = dm->target;
        d->score = d->espoused = d->enacted = d->gap = d->divergence = NAN;
        d->dict_share[0] = d->dict_share[1] = NAN;
        for (int k = 0; k < 3; k++)
            d->level_scores[k] = NAN;
        d->rating_mean[ART_ROLE_SELF] = d->rating_mean[ART_ROLE_EXTERNAL] = NAN;
        d->override_review = -1;
        d->movement.from = d->movement.to = NAN;
        ok = d->id && d->name;
        if (ok && dm->npractice) {
            d->practice = calloc(dm->npractice, sizeof *d->practice);
            ok = d->practice != NULL;
            for (size_t k = 0; ok && k < dm->npractice; k++) {
                d->practice[k] = art_strdup(dm->practice[k]);
                ok = d->practice[k] != NULL;
                d->npractice = k + 1;
            }
        }
    }
    if (!ok) {
        art_assessment_free(a);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    *out = a;
    return ART_OK;
}

/* Weighted mean of the emits for one dimension and facet, NAN if none. */
static double facet_score(const art_assessment *a, const char *dim, art_facet f)
{
    double sw = 0, sws = 0;
    for (size_t p = 0; p < a->nplugins; p++) {
        const art_plugin_result *pr = &a->plugins[p];
        if (pr->status != ART_OK)
            continue;
        for (size_t i = 0; i < pr->nemits; i++) {
            const art_emit *e = &pr->emits[i];
            if (e->facet == f && e->weight > 0 && strcmp(e->dimension, dim) == 0) {
                sw += e->weight;
                sws += e->weight * e->score;
            }
        }
    }
    return sw > 0 ? sws / sw : NAN;
}

/* Evidence groups, read round-robin: what the documents promise, what the
 * interviews contradict, what the interviews confirm, what the documents
 * concede. */
static int evidence_group(const art_evidence *e)
{
    if (e->facet == ART_FACET_ESPOUSED)
        return e->direction > 0 ? 0 : 3;
    return e->direction > 0 ? 2 : 1;
}

typedef struct ranked_ev {
    const art_evidence *e;
    int group;
    size_t rank;  /* position within its group */
} ranked_ev;

static int cmp_strength(const void *pa, const void *pb)
{
    const ranked_ev *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group - b->group;
    if (a->e->weight != b->e->weight)
        return a->e->weight > b->e->weight ? -1 : 1;
    if (a->e->segment_id != b->e->segment_id)
        return a->e->segment_id < b->e->segment_id ? -1 : 1;
    return strcmp(a->e->indicator ? a->e->indicator : "", b->e->indicator ? b->e->indicator : "");
}

static int cmp_interleave(const void *pa, const void *pb)
{
    const ranked_ev *a = pa, *b = pb;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->group - b->group;
}

/* One passage is shown once per direction, however many indicators or
 * plugins found it; evidence not tied to a segment is told apart by its
 * indicator. */
static bool same_evidence(const art_evidence *a, const art_evidence *b)
{
    if (a->segment_id != b->segment_id || a->direction != b->direction)
        return false;
    return a->segment_id > 0 ||
           strcmp(a->indicator ? a->indicator : "", b->indicator ? b->indicator : "") == 0;
}

static art_status copy_evidence(art_evidence *dst, const art_evidence *src)
{
    *dst = *src;
    dst->source = art_strdup(src->source);
    dst->locator = art_strdup(src->locator);
    dst->quote = art_strdup(src->quote);
    dst->participant = art_strdup(src->participant);
    dst->indicator = art_strdup(src->indicator);
    if ((src->source && !dst->source) || (src->locator && !dst->locator) ||
        (src->quote && !dst->quote) || (src->participant && !dst->participant) ||
        (src->indicator && !dst->indicator))
        return ART_ERR_NOMEM;
    return ART_OK;
}

static art_status gather_evidence(art_assessment *a, art_dim_score *d, art_error *err)
{
    size_t total = 0;
    for (size_t p = 0; p < a->nplugins; p++)
        if (a->plugins[p].status == ART_OK)
            for (size_t i = 0; i < a->plugins[p].nemits; i++)
                if (strcmp(a->plugins[p].emits[i].dimension, d->id) == 0)
                    total += a->plugins[p].emits[i].nev;
    if (total == 0)
        return ART_OK;
    ranked_ev *r = calloc(total, sizeof *r);
    if (!r)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t p = 0; p < a->nplugins; p++) {
        const art_plugin_result *pr = &a->plugins[p];
        if (pr->status != ART_OK)
            continue;
        for (size_t i = 0; i < pr->nemits; i++) {
            if (strcmp(pr->emits[i].dimension, d->id) != 0)
                continue;
            for (size_t k = 0; k < pr->emits[i].nev; k++) {
                const art_evidence *e = &pr->emits[i].ev[k];
                r[n++] = (ranked_ev){e, evidence_group(e), 0};
            }
        }
    }
    /* Strongest first, then drop the weaker copies of a passage. */
    qsort(r, n, sizeof *r, cmp_strength);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t j = 0; j < kept && !dup; j++)
            dup = same_evidence(r[j].e, r[i].e);
        if (!dup)
            r[kept++] = r[i];
    }
    n = kept;
    for (size_t i = 0; i < n; i++)
        r[i].rank = (i > 0 && r[i - 1].group == r[i].group) ? r[i - 1].rank + 1 : 0;
    qsort(r, n, sizeof *r, cmp_interleave);
    d->ev = calloc(n, sizeof *d->ev);
    if (!d->ev) {
        free(r);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    art_status st = ART_OK;
    for (size_t i = 0; i < n && st == ART_OK; i++) {
        st = copy_evidence(&d->ev[i], r[i].e);
        d->nev = i + 1;
    }
    free(r);
    if (st != ART_OK)
        return art_error_set(err, st, "out of memory");
    return ART_OK;
}

static void evidence_spread(art_dim_score *d)
{
    /* Distinct sources, by name: a handful of evidence items, so quadratic
     * is fine and needs no allocation. */
    d->nsources = 0;
    for (size_t i = 0; i < d->nev; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(d->ev[i].source ? d->ev[i].source : "",
                          d->ev[j].source ? d->ev[j].source : "") == 0;
        if (!seen)
            d->nsources++;
        d->voice_counts[d->ev[i].voice < ART_VOICE_COUNT ? d->ev[i].voice : 0]++;
    }
    d->nvoices = 0;
    for (int v = 1; v < ART_VOICE_COUNT; v++)
        d->nvoices += d->voice_counts[v] > 0;
}

/* 0..1 from how much evidence, how many sources, how many voices. */
static double confidence_of(const art_dim_score *d)
{
    double n = d->nev / 20.0, s = d->nsources / 5.0, v = d->nvoices / 3.0;
    double c = 0.5 * (n > 1 ? 1 : n) + 0.3 * (s > 1 ? 1 : s) + 0.2 * (v > 1 ? 1 : v);
    return round(c * 100) / 100;
}

/* What each Schein level of the evidence says on its own: the same
 * smoothed share as the plugins use, so levels can be compared. */
static void level_breakdown(art_dim_score *d)
{
    double pos[3] = {0}, neg[3] = {0};
    for (size_t i = 0; i < d->nev; i++) {
        const art_evidence *e = &d->ev[i];
        if (e->level < ART_LEVEL_ARTEFACT || e->level > ART_LEVEL_ASSUMPTION)
            continue;
        double w = e->weight > 0 ? e->weight : 1;
        if (e->direction > 0)
            pos[e->level] += w;
        else
            neg[e->level] += w;
        d->level_counts[e->level]++;
    }
    for (int k = 0; k < 3; k++)
        d->level_scores[k] = d->level_counts[k]
                                 ? 100 * (pos[k] + 1) / (pos[k] + neg[k] + 2)
                                 : NAN;
}

/* Flagged at the threshold, as the site asked for it.  Reports then tell
 * the two kinds apart: documents and interviews leaning opposite ways (one
 * toward the CLS value, the other toward the low pole) come first; two
 * sides leaning the same way are a difference of degree, and smoothing
 * pulls the side with less evidence (usually the interviews) toward 50. */
static int is_contradiction(const art_dim_score *d, double threshold)
{
    return d->divergence >= threshold;
}

static art_status combine(art_assessment *a, const art_assess_opts *o, art_error *err)
{
    a->gap_threshold = o->gap_threshold;
    for (size_t i = 0; i < a->ndims; i++) {
        art_dim_score *d = &a->dims[i];
        d->espoused = facet_score(a, d->id, ART_FACET_ESPOUSED);
        d->enacted = facet_score(a, d->id, ART_FACET_ENACTED);
        if (!isnan(d->espoused) && !isnan(d->enacted))
            d->score = (d->espoused + d->enacted) / 2;
        else
            d->score = isnan(d->espoused) ? d->enacted : d->espoused;
        art_status st = gather_evidence(a, d, err);
        if (st != ART_OK)
            return st;
        evidence_spread(d);
        d->confidence = confidence_of(d);
        level_breakdown(d);
        if (!isnan(d->espoused) && !isnan(d->enacted)) {
            d->divergence = fabs(d->espoused - d->enacted);
            d->divergent = is_contradiction(d, o->gap_threshold);
        }
        /* Too little to stand on: say so rather than print a number a
         * board would read as a finding. */
        if (!isnan(d->score) && (d->nev < o->min_evidence || d->confidence < o->min_confidence)) {
            d->insufficient = 1;
            d->score = NAN;
        }
        d->gap = isnan(d->score) ? NAN : d->target - d->score;
        d->level = art_score_level(d->score);
    }
    return ART_OK;
}

#define DICT_PROVENANCE "dictionary "

/* One dimension's dictionary entries (those whose provenance says so), or
 * *m = NULL when it has none. */
static art_status dictionary_matcher(const art_dimension *dm, art_matcher **m, art_error *err)
{
    *m = NULL;
    size_t n = 0;
    for (size_t k = 0; k < dm->nindicators; k++)
        n += dm->indicators[k].provenance &&
             strncmp(dm->indicators[k].provenance, DICT_PROVENANCE,
                     strlen(DICT_PROVENANCE)) == 0;
    if (n == 0)
        return ART_OK;
    const char **phrases = calloc(n, sizeof *phrases);
    if (!phrases)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    n = 0;
    for (size_t k = 0; k < dm->nindicators; k++)
        if (dm->indicators[k].provenance &&
            strncmp(dm->indicators[k].provenance, DICT_PROVENANCE, strlen(DICT_PROVENANCE)) == 0)
            phrases[n++] = dm->indicators[k].phrase;
    art_status st = art_matcher_new(phrases, n, m, err);
    free(phrases);
    return st;
}

/* Dictionary shares being counted: a matcher for each dimension that has
 * dictionary entries, and the tokens counted so far. */
typedef struct dict_run {
    size_t ndims;
    art_matcher **m;        /* [dimension], NULL without a dictionary */
    size_t (*tokens)[2], (*matched)[2];     /* [dimension][facet] */
    bool any;
} dict_run;

static void dict_run_free(dict_run *dr)
{
    for (size_t i = 0; dr->m && i < dr->ndims; i++)
        art_matcher_free(dr->m[i]);
    free(dr->m);
    free(dr->tokens);
    free(dr->matched);
    memset(dr, 0, sizeof *dr);
}

static art_status dict_run_new(const art_rubric *rubric, const art_assessment *a, dict_run *dr,
                               art_error *err)
{
    memset(dr, 0, sizeof *dr);
    dr->ndims = rubric->ndims < a->ndims ? rubric->ndims : a->ndims;
    size_t n = dr->ndims ? dr->ndims : 1;
    dr->m = calloc(n, sizeof *dr->m);
    dr->tokens = calloc(n, sizeof *dr->tokens);
    dr->matched = calloc(n, sizeof *dr->matched);
    if (!dr->m || !dr->tokens || !dr->matched) {
        dict_run_free(dr);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    art_status st = ART_OK;
    for (size_t i = 0; st == ART_OK && i < dr->ndims; i++) {
        st = dictionary_matcher(&rubric->dims[i], &dr->m[i], err);
        dr->any = dr->any || dr->m[i];
    }
    if (st != ART_OK)
        dict_run_free(dr);
    return st;
}

/* Count one segment's tokens and, for each dictionary, its words among
 * them. */
static art_status dict_run_feed(dict_run *dr, const art_seg_view *v, art_error *err)
{
    int f = v->kind == ART_SRC_INTERVIEW ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
    for (size_t i = 0; i < dr->ndims; i++) {
        if (!dr->m[i])
            continue;
        art_match_ex *ms = NULL;
        size_t nm = 0, ntok = 0;
        art_status st = art_matcher_scan(dr->m[i], v->text, strlen(v->text), &ms, &nm, &ntok, err);
        if (st != ART_OK)
            return st;
        /* Matches come sorted by start: keep those that do not overlap one
         * already counted ("trusted" found by "trust*" and by "trusted" is
         * one word). */
        size_t matched = 0;
        long covered_to = -1;
        for (size_t k = 0; k < nm; k++) {
            if (ms[k].m.start < covered_to)
                continue;
            matched += art_matcher_phrase_tokens(dr->m[i], ms[k].m.indicator);
            covered_to = ms[k].m.end;
        }
        free(ms);
        dr->tokens[i][f] += ntok;
        dr->matched[i][f] += matched < ntok ? matched : ntok;
    }
    return ART_OK;
}

static void dict_run_reset(dict_run *dr)
{
    for (size_t i = 0; i < dr->ndims; i++)
        dr->tokens[i][0] = dr->tokens[i][1] = dr->matched[i][0] = dr->matched[i][1] = 0;
}

/* LIWC-style shares: of all the word tokens of the documents (and of the
 * interviews), how many the dimension's dictionary entries match, each word
 * once; the evidence names the entries (the audit trail). */
static void dict_run_finish(const dict_run *dr, art_assessment *a)
{
    for (size_t i = 0; i < dr->ndims; i++) {
        if (!dr->m[i])
            continue;
        art_dim_score *d = &a->dims[i];
        for (int f = 0; f < 2; f++) {
            d->dict_tokens[f] += dr->tokens[i][f];
            d->dict_matched[f] += dr->matched[i][f];
            d->dict_share[f] = d->dict_tokens[f] ? (double)d->dict_matched[f] / d->dict_tokens[f]
                                                 : NAN;
        }
    }
}

/* What reads the corpus besides the plugins: the ladder and the dictionary
 * shares.  On a streamed corpus they ride along with the first plugin's
 * walk (art_corpus_tap_set), so the store is read once for the three; only if
 * that walk was not complete do they walk the corpus themselves. */
typedef struct side_walk {
    art_ladder_run *ladder;     /* NULL: no ladder to place */
    dict_run dict;
    /* The tap's shared scan (art_corpus_tap_set_scan): every indicator of
     * the rubric, dimension by dimension as the plugin host lists them for
     * art.tally, then the ladder's phrases from scan_base on.  A lexical
     * plugin's walk then matches each segment once for itself and the
     * ladder.  NULL when there is no ladder or nothing to tap. */
    art_matcher *scan;
    const char **scan_phrases;
    size_t nscan, scan_base;
} side_walk;

/* The scan the side walk offers the first plugin's walk. */
static art_status side_walk_scan_new(const art_rubric *rubric, side_walk *sw, art_error *err)
{
    size_t nind = 0;
    for (size_t d = 0; d < rubric->ndims; d++)
        nind += rubric->dims[d].nindicators;
    size_t nladder = art_ladder_run_phrases(sw->ladder, NULL);
    sw->scan_phrases = malloc((nind + nladder) * sizeof *sw->scan_phrases);
    if (!sw->scan_phrases)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t d = 0; d < rubric->ndims; d++)
        for (size_t i = 0; i < rubric->dims[d].nindicators; i++)
            sw->scan_phrases[k++] = rubric->dims[d].indicators[i].phrase;
    sw->scan_base = k;
    art_ladder_run_phrases(sw->ladder, sw->scan_phrases + k);
    sw->nscan = k + nladder;
    return art_matcher_new(sw->scan_phrases, sw->nscan, &sw->scan, err);
}

static art_status side_walk_new(const art_rubric *rubric, const art_corpus *corpus,
                                const art_assessment *a, side_walk *sw, art_error *err)
{
    memset(sw, 0, sizeof *sw);
    art_status st = ART_OK;
    /* As art_ladder_classify: an empty corpus places nothing, whatever the
     * rubric's ladder holds. */
    if (rubric->nladder > 0 && art_corpus_count(corpus) > 0)
        st = art_ladder_run_new(rubric, &sw->ladder, err);
    if (st == ART_OK)
        st = dict_run_new(rubric, a, &sw->dict, err);
    if (st == ART_OK && sw->ladder && corpus->stream)
        st = side_walk_scan_new(rubric, sw, err);
    return st;
}

static bool side_walk_needed(const side_walk *sw)
{
    return sw->ladder || sw->dict.any;
}

static art_status side_walk_feed(void *ud, const art_seg_view *seg, art_error *err)
{
    side_walk *sw = ud;
    art_status st = sw->ladder ? art_ladder_run_feed(sw->ladder, seg, err) : ART_OK;
    if (st == ART_OK && sw->dict.any)
        st = dict_run_feed(&sw->dict, seg, err);
    return st;
}

/* side_walk_feed, with the shared scan's matches in hand. */
static art_status side_walk_feed_scan(void *ud, const art_seg_view *seg, const art_match_ex *m,
                                      size_t n, art_error *err)
{
    side_walk *sw = ud;
    art_status st = art_ladder_run_feed_matches(sw->ladder, seg, m, n, sw->scan_base, err);
    if (st == ART_OK && sw->dict.any)
        st = dict_run_feed(&sw->dict, seg, err);
    return st;
}

/* Ride along with the walk of the corpus's next cursor. */
static bool side_walk_tap(side_walk *sw, const art_corpus *corpus)
{
    if (sw->scan)
        return art_corpus_tap_set_scan(corpus, side_walk_feed, side_walk_feed_scan, sw, sw->scan,
                                       sw->scan_phrases, sw->nscan);
    return art_corpus_tap_set(corpus, side_walk_feed, sw);
}

/* The side walk's own pass over the corpus, from the start. */
static art_status side_walk_alone(side_walk *sw, const art_corpus *corpus, art_error *err)
{
    if (sw->ladder)
        art_ladder_run_reset(sw->ladder);
    dict_run_reset(&sw->dict);
    art_corpus_cursor *cur = NULL;
    art_status st = art_corpus_cursor_open(corpus, &cur, err);
    const art_seg_view *v;
    while (st == ART_OK && (st = art_corpus_cursor_next(cur, &v, err)) == ART_OK && v)
        st = side_walk_feed(sw, v, err);
    art_corpus_cursor_close(cur);
    return st;
}

static void side_walk_free(side_walk *sw)
{
    art_matcher_free(sw->scan);
    free(sw->scan_phrases);
    art_ladder_run_free(sw->ladder);
    dict_run_free(&sw->dict);
}

/* What a share of the plugins needs: the plugins first, first + step, ...
 * run over one corpus, each into its own slot of results. */
typedef struct plugin_share {
    const art_rubric *rubric;
    const char *const *paths;
    size_t nplugins, first, step;
    const art_plugin_limits *lim;
    art_plugin_result *results;
} plugin_share;

/* Run a share in order.  A failing plugin is recorded in its result and
 * skipped; only a failure of the host itself stops the share (*failed_at:
 * that plugin's index, else nplugins).  With the side walk tapped, it rides
 * along with the share's first plugin. */
static art_status run_share(const plugin_share *ps, const art_corpus *corpus, side_walk *sw,
                            bool *side_done, size_t *failed_at, art_error *err)
{
    *side_done = false;
    *failed_at = ps->nplugins;
    bool tapped = sw && side_walk_needed(sw) && ps->first < ps->nplugins &&
                  side_walk_tap(sw, corpus);
    art_status st = ART_OK;
    for (size_t i = ps->first; i < ps->nplugins && st == ART_OK; i += ps->step) {
        st = art_plugin_run(ps->paths[i], ps->rubric, corpus, ps->lim, &ps->results[i], err);
        if (st != ART_OK)
            *failed_at = i;
        if (tapped) {
            /* Taken whatever happened: the tap points into our frame. */
            art_error terr;
            art_status tst = art_corpus_tap_take(corpus, side_done, &terr);
            tapped = false;
            if (st == ART_OK && tst != ART_OK) {
                st = tst;
                *failed_at = i;
                if (err)
                    *err = terr;
            }
        }
    }
    return st;
}

/* A share run on a thread of its own, over a reader of its own: SQLite
 * connections are not shared between threads.  The reader is opened and
 * freed on the caller's thread (the store's connection is read to open it)
 * and only used by the worker in between.  The rubric, the limits and the
 * paths are only read; each plugin writes its own result slot. */
typedef struct plugin_worker {
    plugin_share share;
    art_corpus *reader;
    pthread_t thread;
    bool started;
    art_status st;
    size_t failed_at;
    art_error err;
} plugin_worker;

static void *plugin_worker_main(void *arg)
{
    plugin_worker *w = arg;
    bool side_done;
    w->st = run_share(&w->share, w->reader, NULL, &side_done, &w->failed_at, &w->err);
    return NULL;
}

/* Open the worker's reader and start its thread; a reader that cannot be
 * opened is the worker's failure, a thread that cannot start runs its share
 * on the caller's thread later (plugin_worker_finish). */
static void plugin_worker_start(plugin_worker *w, const plugin_share *base, size_t first,
                                const art_corpus *corpus)
{
    w->share = *base;
    w->share.first = first;
    w->failed_at = first;
    art_error_clear(&w->err);
    w->st = art_corpus_open_reader(corpus, &w->reader, &w->err);
    if (w->st == ART_OK)
        w->started = pthread_create(&w->thread, NULL, plugin_worker_main, w) == 0;
}

static void plugin_worker_finish(plugin_worker *w)
{
    if (w->started) {
        int rc = pthread_join(w->thread, NULL);
        if (rc != 0 && w->st == ART_OK)
            w->st = art_error_set(&w->err, ART_ERR_IO, "cannot join a plugin thread (%d)", rc);
    } else if (w->reader) {
        plugin_worker_main(w);
    }
    art_corpus_free(w->reader);
    w->reader = NULL;
}

/* Threads to run the plugins on: bounded by the cores the store allows
 * (art_corpus_readers) and by the plugins; 1 is the sequential path. */
static size_t plugin_threads(const art_corpus *corpus, size_t nplugins)
{
    size_t n = (size_t)art_corpus_readers(corpus);
    return n < nplugins ? n : nplugins ? nplugins : 1;
}

/* Run every plugin, the first with the side walk riding along when it can.
 * With several threads, plugin i runs on thread i % threads; thread 0 is
 * the caller's, over the caller's corpus, so the side walk rides with
 * plugin 0 as on the sequential path.  Results land in plugin order
 * whatever finishes first; of several host failures the first plugin's is
 * returned, as the sequential path would have stopped there. */
static art_status run_plugins(const art_rubric *rubric, const art_corpus *corpus,
                              const char *const *plugin_paths, size_t nplugins,
                              const art_plugin_limits *lim, art_assessment *a, side_walk *sw,
                              bool *side_done, art_error *err)
{
    size_t nthreads = plugin_threads(corpus, nplugins);
    plugin_share base = {rubric, plugin_paths, nplugins, 0, nthreads, lim, a->plugins};
    /* Thread 0's walks read ahead on a core of their own only when the
     * plugins leave one free: with every core walking, a reader thread more
     * only takes turns with them (measured: a slower score). */
    art_corpus_set_readahead(corpus, nthreads < (size_t)art_corpus_readers(corpus));
    plugin_worker *w = NULL;
    if (nthreads > 1 && !(w = calloc(nthreads, sizeof *w)))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    for (size_t t = 1; t < nthreads; t++)
        plugin_worker_start(&w[t], &base, t, corpus);
    size_t failed_at;
    art_status st = run_share(&base, corpus, sw, side_done, &failed_at, err);
    art_corpus_set_readahead(corpus, true);
    a->nplugins = nplugins;
    for (size_t t = 1; t < nthreads; t++) {
        plugin_worker_finish(&w[t]);
        if (w[t].st != ART_OK && (st == ART_OK || w[t].failed_at < failed_at)) {
            st = w[t].st;
            failed_at = w[t].failed_at;
            if (err)
                *err = w[t].err;
        }
    }
    free(w);
    return st;
}

art_status art_assess(const art_rubric *rubric, const art_corpus *corpus,
                      const char *const *plugin_paths, size_t nplugins,
                      const art_plugin_limits *lim, const art_assess_opts *opts,
                      art_assessment **out, art_error *err)
{
    art_plugin_limits deflim;
    art_assess_opts defopts;
    if (!lim) {
        art_plugin_limits_default(&deflim);
        lim = &deflim;
    }
    if (!opts) {
        art_assess_opts_default(&defopts);
        opts = &defopts;
    }
    art_assessment *a;
    art_status st = art_assessment_from_rubric(rubric, corpus->site, corpus->round, &a, err);
    if (st != ART_OK)
        return st;
    a->plugins = calloc(nplugins ? nplugins : 1, sizeof *a->plugins);
    if (!a->plugins) {
        art_assessment_free(a);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    side_walk sw;
    bool side_done = false;
    st = side_walk_new(rubric, corpus, a, &sw, err);
    if (st == ART_OK)
        st = run_plugins(rubric, corpus, plugin_paths, nplugins, lim, a, &sw, &side_done, err);
    if (st == ART_OK)
        st = combine(a, opts, err);
    if (st == ART_OK && side_walk_needed(&sw) && !side_done)
        st = side_walk_alone(&sw, corpus, err);
    if (st == ART_OK) {
        if (sw.ladder)
            art_ladder_run_finish(sw.ladder, &a->ladder);
        dict_run_finish(&sw.dict, a);
    }
    side_walk_free(&sw);
    if (st != ART_OK) {
        art_assessment_free(a);
        return st;
    }
    *out = a;
    return ART_OK;
}
