/* The co-production ladder: place each engagement activity the corpus
 * mentions on the TLAP ladder (1 coercion .. 7 co-production), say whether
 * it is about a person's own support (micro) or services and governance
 * (strategic), and find the highest rung the site shows more than once.
 *
 * One matcher holds every ladder and scope phrase, so each segment is read
 * once.  A passage that names several rungs goes on the highest one it
 * names without negation: "this was not co-production, it was consultation"
 * is consultation, because the co-production match is negated. */
#include "dict.h"

#include <stdlib.h>
#include <string.h>

const char *art_scope_id(art_scope s)
{
    switch (s) {
    case ART_SCOPE_MICRO:
        return "micro";
    case ART_SCOPE_STRATEGIC:
        return "strategic";
    case ART_SCOPE_UNKNOWN:
        break;
    }
    return "unknown";
}

/* What one compiled phrase stands for. */
typedef enum { TAG_RUNG, TAG_MICRO, TAG_STRATEGIC } tag_kind;

typedef struct {
    tag_kind kind;
    int rung;               /* for TAG_RUNG */
    const char *phrase;     /* the rubric's phrase (owned by the rubric) */
} phrase_tag;

typedef struct {
    art_matcher *m;
    phrase_tag *tags;       /* parallel to the matcher's phrase list */
    size_t ntags;
} ladder_matcher;

static void ladder_matcher_free(ladder_matcher *lm)
{
    art_matcher_free(lm->m);
    free(lm->tags);
}

static size_t count_phrases(const art_phrase_group *v, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += v[i].nphrases;
    return total;
}

static void add_tags(phrase_tag *tags, const char **list, size_t *k, const art_phrase_group *g,
                     tag_kind kind)
{
    for (size_t p = 0; p < g->nphrases; p++) {
        tags[*k] = (phrase_tag){kind, g->rank, g->phrases[p]};
        list[(*k)++] = g->phrases[p];
    }
}

static tag_kind scope_kind(const art_phrase_group *g, bool *known)
{
    *known = true;
    if (strcmp(g->id, "micro") == 0)
        return TAG_MICRO;
    if (strcmp(g->id, "strategic") == 0)
        return TAG_STRATEGIC;
    *known = false;
    return TAG_MICRO;
}

static art_status ladder_matcher_new(const art_rubric *r, ladder_matcher *lm, art_error *err)
{
    memset(lm, 0, sizeof *lm);
    size_t n = count_phrases(r->ladder, r->nladder) + count_phrases(r->scopes, r->nscopes);
    lm->tags = calloc(n ? n : 1, sizeof *lm->tags);
    const char **list = calloc(n ? n : 1, sizeof *list);
    if (!lm->tags || !list) {
        free(list);
        ladder_matcher_free(lm);
        return art_error_set(err, ART_ERR_NOMEM, "ladder: out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < r->nladder; i++)   /* a hand-built rubric may rank badly */
        if (r->ladder[i].rank >= 1 && r->ladder[i].rank <= ART_RUNGS)
            add_tags(lm->tags, list, &k, &r->ladder[i], TAG_RUNG);
    for (size_t i = 0; i < r->nscopes; i++) {
        bool known;
        tag_kind kind = scope_kind(&r->scopes[i], &known);
        if (known)
            add_tags(lm->tags, list, &k, &r->scopes[i], kind);
    }
    lm->ntags = k;
    if (k == 0) {
        free(list);
        ladder_matcher_free(lm);
        return art_error_set(err, ART_ERR_USAGE, "ladder: the rubric's ladder has no phrases");
    }
    art_status st = art_matcher_new(list, k, &lm->m, err);
    free(list);
    if (st != ART_OK)
        ladder_matcher_free(lm);
    return st;
}

/* What one segment says: the highest rung it names (0 none), the phrase that
 * put it there, and its scope. */
typedef struct {
    int rung;
    const char *phrase;
    art_scope scope;
} placement;

/* A placement being found, one match at a time. */
typedef struct {
    placement pl;
    bool micro, strategic;
} placing;

static void place_match(placing *p, const ladder_matcher *lm, size_t tag, bool negated)
{
    if (negated || tag >= lm->ntags)
        return;
    const phrase_tag *t = &lm->tags[tag];
    switch (t->kind) {
    case TAG_RUNG:
        /* Matches come in text order: the first phrase of the top rung wins. */
        if (t->rung > p->pl.rung) {
            p->pl.rung = t->rung;
            p->pl.phrase = t->phrase;
        }
        break;
    case TAG_MICRO:
        p->micro = true;
        break;
    case TAG_STRATEGIC:
        p->strategic = true;
        break;
    }
}

static placement placed(placing *p)
{
    /* A passage about a board that also mentions families is still about
     * the board: strategic wins a tie. */
    p->pl.scope = p->strategic ? ART_SCOPE_STRATEGIC
                  : p->micro   ? ART_SCOPE_MICRO
                               : ART_SCOPE_UNKNOWN;
    return p->pl;
}

static art_status push_item(art_ladder *out, size_t *cap, const art_seg_view *sv,
                            const placement *pl, art_error *err)
{
    if (out->nitems == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        art_ladder_item *p = realloc(out->items, c * sizeof *p);
        if (!p)
            return art_error_set(err, ART_ERR_NOMEM, "ladder: out of memory");
        out->items = p;
        *cap = c;
    }
    art_ladder_item *it = &out->items[out->nitems];
    memset(it, 0, sizeof *it);
    it->segment_id = sv->id;
    it->rung = pl->rung;
    it->scope = pl->scope;
    it->facet = sv->kind == ART_SRC_INTERVIEW ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
    it->source = art_strdup(sv->source ? sv->source : "");
    it->locator = art_strdup(sv->locator ? sv->locator : "");
    it->quote = art_strdup(sv->text);
    it->phrase = art_strdup(pl->phrase);
    out->nitems++;  /* owned from here, so art_ladder_clear releases it */
    if (!it->source || !it->locator || !it->quote || !it->phrase)
        return art_error_set(err, ART_ERR_NOMEM, "ladder: out of memory");
    out->counts[pl->rung]++;
    if (pl->scope == ART_SCOPE_MICRO)
        out->micro[pl->rung]++;
    else if (pl->scope == ART_SCOPE_STRATEGIC)
        out->strategic[pl->rung]++;
    return ART_OK;
}

static int item_cmp(const void *a, const void *b)
{
    const art_ladder_item *x = a, *y = b;
    if (x->rung != y->rung)
        return x->rung > y->rung ? -1 : 1;
    return (x->segment_id > y->segment_id) - (x->segment_id < y->segment_id);
}

static bool source_seen(const art_ladder *l, size_t upto, int rung, const char *source)
{
    for (size_t j = 0; j < upto; j++)
        if (l->items[j].rung == rung && strcmp(l->items[j].source, source) == 0)
            return true;
    return false;
}

/* One mention may be an exception; two passages from two sources suggest a
 * practice.  Items are sorted by rung, so the first qualifying rung is the
 * highest. */
static int highest_sustained(const art_ladder *l)
{
    for (int rung = ART_RUNGS; rung >= 1; rung--) {
        if (l->counts[rung] < 2)
            continue;
        size_t sources = 0;
        for (size_t i = 0; i < l->nitems; i++)
            if (l->items[i].rung == rung && !source_seen(l, i, rung, l->items[i].source))
                sources++;
        if (sources >= 2)
            return rung;
    }
    return 0;
}

struct art_ladder_run {
    ladder_matcher lm;
    art_ladder out;
    size_t cap;
};

art_status art_ladder_run_new(const art_rubric *r, art_ladder_run **out, art_error *err)
{
    *out = NULL;
    if (!r)
        return art_error_set(err, ART_ERR_USAGE, "ladder: no rubric");
    /* A rubric without a ladder has nothing to place: an empty ladder. */
    if (r->nladder == 0 || count_phrases(r->ladder, r->nladder) == 0)
        return ART_OK;
    art_ladder_run *lr = calloc(1, sizeof *lr);
    if (!lr)
        return art_error_set(err, ART_ERR_NOMEM, "ladder: out of memory");
    art_status st = ladder_matcher_new(r, &lr->lm, err);
    if (st != ART_OK) {
        free(lr);
        return st;
    }
    *out = lr;
    return ART_OK;
}

art_status art_ladder_run_feed(art_ladder_run *lr, const art_seg_view *sv, art_error *err)
{
    if (!sv->text || !sv->text[0])
        return ART_OK;
    art_match_ex *ms = NULL;
    size_t n = 0;
    art_status st = art_matcher_run_ex(lr->lm.m, sv->text, strlen(sv->text), &ms, &n, err);
    if (st == ART_OK)
        st = art_ladder_run_feed_matches(lr, sv, ms, n, 0, err);
    free(ms);
    return st;
}

size_t art_ladder_run_phrases(const art_ladder_run *lr, const char **out)
{
    for (size_t i = 0; out && i < lr->lm.ntags; i++)
        out[i] = lr->lm.tags[i].phrase;
    return lr->lm.ntags;
}

art_status art_ladder_run_feed_matches(art_ladder_run *lr, const art_seg_view *sv,
                                       const art_match_ex *m, size_t n, size_t base,
                                       art_error *err)
{
    /* As art_ladder_run_feed: a passage without text places nothing. */
    if (!sv->text || !sv->text[0])
        return ART_OK;
    placing p = {{0, NULL, ART_SCOPE_UNKNOWN}, false, false};
    for (size_t i = 0; i < n; i++)
        if (m[i].m.indicator >= base)
            place_match(&p, &lr->lm, m[i].m.indicator - base, m[i].m.negated);
    placement pl = placed(&p);
    if (pl.rung >= 1 && pl.rung <= ART_RUNGS)
        return push_item(&lr->out, &lr->cap, sv, &pl, err);
    return ART_OK;
}

void art_ladder_run_reset(art_ladder_run *lr)
{
    art_ladder_clear(&lr->out);
    lr->cap = 0;
}

void art_ladder_run_finish(art_ladder_run *lr, art_ladder *out)
{
    *out = lr->out;
    memset(&lr->out, 0, sizeof lr->out);
    lr->cap = 0;
    if (out->nitems > 1)
        qsort(out->items, out->nitems, sizeof *out->items, item_cmp);
    out->highest_sustained = highest_sustained(out);
}

void art_ladder_run_free(art_ladder_run *lr)
{
    if (!lr)
        return;
    art_ladder_clear(&lr->out);
    ladder_matcher_free(&lr->lm);
    free(lr);
}

/* One walk of a cursor: the corpus may be streamed from the store, and
 * only the placed passages are kept. */
static art_status classify_segments(art_ladder_run *lr, const art_corpus *c, art_error *err)
{
    art_corpus_cursor *cur;
    art_status st = art_corpus_cursor_open(c, &cur, err);
    if (st != ART_OK)
        return st;
    const art_seg_view *sv;
    while ((st = art_corpus_cursor_next(cur, &sv, err)) == ART_OK && sv)
        if ((st = art_ladder_run_feed(lr, sv, err)) != ART_OK)
            break;
    art_corpus_cursor_close(cur);
    return st;
}

art_status art_ladder_classify(const art_rubric *r, const art_corpus *c, art_ladder *out,
                               art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "ladder: no output");
    memset(out, 0, sizeof *out);
    if (!r || !c || (!c->segs && c->nsegs > 0))
        return art_error_set(err, ART_ERR_USAGE, "ladder: no rubric or corpus");
    if (art_corpus_count(c) == 0)
        return ART_OK;
    art_ladder_run *lr;
    art_status st = art_ladder_run_new(r, &lr, err);
    if (st != ART_OK || !lr)
        return st;
    st = classify_segments(lr, c, err);
    if (st == ART_OK)
        art_ladder_run_finish(lr, out);
    art_ladder_run_free(lr);
    return st;
}

void art_ladder_clear(art_ladder *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nitems; i++) {
        free(l->items[i].source);
        free(l->items[i].locator);
        free(l->items[i].quote);
        free(l->items[i].phrase);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}
