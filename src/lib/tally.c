/* tally.c: a plugin's whole phrase-count walk, in C (art.tally).
 *
 * A lexical plugin written in Lua builds a table per segment and one per
 * match, then adds them up: at a network's scale that was four fifths of
 * its time, against a matcher that alone runs faster than grep.  The tally
 * does the same walk without Lua: every segment through one automaton, each
 * match's signed, hedged weight added to its group's cell (a dimension and
 * a facet), and only the strongest `limit` matches of a cell kept as
 * evidence.  The sums are added in segment order, then match order, as the
 * Lua loop added them, so the totals are the same doubles. */
#include "internal.h"
#include "dict.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How often (in segments) the walk asks whether to go on. */
#define TALLY_CHECK_EVERY 256

/* Strongest first: weight, then the earlier segment, then the indicator's
 * text, then the earlier position; the last two make the order total, so
 * the evidence kept does not depend on the sort. */
static int hit_cmp(const void *pa, const void *pb)
{
    const art_tally_hit *a = pa, *b = pb;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    if (a->segment != b->segment)
        return a->segment < b->segment ? -1 : 1;
    int c = strcmp(a->phrase, b->phrase);
    if (c)
        return c;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Keep the cell's hits to its `limit` strongest.  Hits collect up to twice
 * the limit before a sort cuts them back, so the cost per match stays
 * constant and the memory bounded by the limit, whatever the corpus. */
static void cell_prune(art_tally_cell *c, size_t limit)
{
    if (c->nhits > 1)
        qsort(c->hits, c->nhits, sizeof *c->hits, hit_cmp);
    if (c->nhits >= limit && limit > 0) {
        c->nhits = limit;
        c->cutoff = c->hits[limit - 1];
        c->full = true;
    }
}

/* false only for memory; *kept says whether the hit joined the cell's. */
static bool cell_keep(art_tally_cell *c, const art_tally_hit *hit, size_t limit, bool *kept)
{
    *kept = false;
    /* Past the limit-th strongest so far: it can never be kept, and most
     * matches of a large site are such (the weights are few). */
    if (limit == 0 || (c->full && hit_cmp(hit, &c->cutoff) > 0))
        return true;
    if (c->nhits == c->cap) {
        if (c->cap >= 2 * limit) {
            cell_prune(c, limit);
        } else {
            size_t cap = c->cap ? 2 * c->cap : 16;
            if (cap > 2 * limit)
                cap = 2 * limit;
            art_tally_hit *v = realloc(c->hits, cap * sizeof *v);
            if (!v)
                return false;
            c->hits = v;
            c->cap = cap;
        }
    }
    c->hits[c->nhits++] = *hit;
    *kept = true;
    return true;
}

static bool block_skipped(const art_tally_spec *sp, const char *block)
{
    if (!block)
        return false;
    for (size_t i = 0; i < sp->nskip; i++)
        if (strcmp(block, sp->skip_blocks[i]) == 0)
            return true;
    return false;
}

/* Add one segment's matches to the cells: the tap's shared scan's when the
 * walk has them (its phrases beyond the spec's, the ladder's, passed over),
 * else the spec's own matcher's.  Either way the same matches in the same
 * order, so the same sums. */
static art_status tally_segment(const art_tally_spec *sp, const art_corpus *corpus,
                                const art_corpus_cursor *cur, bool shared,
                                const art_seg_view *seg, art_tally_cell *cells, art_error *err)
{
    const art_match_ex *v = NULL;
    art_match_ex *own = NULL;
    size_t n = 0;
    if (!shared || !art_corpus_cursor_scan(cur, &v, &n)) {
        const char *text = seg->text ? seg->text : "";
        art_status r = art_matcher_run_ex(sp->matcher, text, strlen(text), &own, &n, err);
        if (r != ART_OK)
            return r;
        v = own;
    }
    size_t facet = seg->kind == ART_SRC_INTERVIEW ? 1 : 0;
    bool any_kept = false;
    for (size_t i = 0; i < n; i++) {
        if (v[i].m.indicator >= sp->nphrases && shared)
            continue;
        const art_tally_phrase *p = &sp->phrases[v[i].m.indicator];
        art_tally_cell *c = &cells[p->group * 2 + facet];
        int dir = v[i].m.negated ? -p->direction : p->direction;
        double w = v[i].hedged ? p->weight * sp->hedge : p->weight;
        if (dir > 0)
            c->pos += w;
        else
            c->neg += w;
        c->matches++;
        art_tally_hit hit = {.segment = seg->id, .phrase = p->text, .index = v[i].m.indicator,
                             .start = v[i].m.start, .weight = w, .direction = dir,
                             .level = p->level != ART_LEVEL_NONE ? p->level : seg->level};
        bool kept;
        if (!cell_keep(c, &hit, sp->limit, &kept)) {
            free(own);
            return art_error_set(err, ART_ERR_NOMEM, "out of memory tallying matches");
        }
        any_kept = any_kept || kept;
    }
    free(own);
    /* Its evidence will be cited after the walk: keep the segment at hand
     * (a failed pin only means it is read back from the store). */
    if (any_kept)
        (void)art_corpus_pin(corpus, seg);
    return ART_OK;
}

/* Unpin the segments no cell kept evidence from. */
static void retain_evidence_pins(const art_corpus *corpus, const art_tally_spec *sp,
                                 const art_tally_cell *cells)
{
    size_t n = 0;
    for (size_t i = 0; i < sp->ngroups * 2; i++)
        n += cells[i].nhits;
    int64_t *ids = malloc((n ? n : 1) * sizeof *ids);
    if (!ids) {
        art_corpus_pins_clear(corpus);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < sp->ngroups * 2; i++)
        for (size_t j = 0; j < cells[i].nhits; j++)
            ids[k++] = cells[i].hits[j].segment;
    art_corpus_pins_retain(corpus, ids, k);
    free(ids);
}

/* Does the cursor's tap scan the spec's phrases (see tally_segment)? */
static bool shares_scan(art_corpus_cursor *cur, const art_tally_spec *sp)
{
    if (sp->nphrases == 0)
        return false;
    const char **texts = malloc(sp->nphrases * sizeof *texts);
    if (!texts)
        return false;   /* then the spec's own matcher: slower, the same */
    for (size_t i = 0; i < sp->nphrases; i++)
        texts[i] = sp->phrases[i].text;
    bool covers = art_corpus_cursor_scan_covers(cur, texts, sp->nphrases);
    free(texts);
    return covers;
}

art_status art_tally_run(const art_corpus *corpus, const art_tally_spec *sp,
                         art_tally_cell *cells, double *reading_seconds, art_error *err)
{
    if (!corpus || !sp || !sp->matcher || !cells)
        return art_error_set(err, ART_ERR_USAGE, "tally without a corpus or a matcher");
    art_corpus_cursor *cur = NULL;
    art_status r = art_corpus_cursor_open(corpus, &cur, err);
    if (r != ART_OK)
        return r;
    size_t seen = 0;
    bool shared = shares_scan(cur, sp);
    for (;;) {
        const art_seg_view *seg = NULL;
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        r = art_corpus_cursor_next(cur, &seg, err);
        if (reading_seconds)
            *reading_seconds += art_seconds_since(&t0);
        if (r != ART_OK || !seg)
            break;
        if (!block_skipped(sp, seg->block) &&
            (r = tally_segment(sp, corpus, cur, shared, seg, cells, err)) != ART_OK)
            break;
        if (++seen % TALLY_CHECK_EVERY == 0 && sp->keep_going && !sp->keep_going(sp->ud)) {
            r = art_error_set(err, ART_ERR_LIMIT, "tally stopped by its budget");
            break;
        }
    }
    art_corpus_cursor_close(cur);
    if (r != ART_OK)
        return r;
    for (size_t i = 0; i < sp->ngroups * 2; i++)
        cell_prune(&cells[i], sp->limit);
    retain_evidence_pins(corpus, sp, cells);
    return ART_OK;
}

void art_tally_cells_free(art_tally_cell *cells, size_t n)
{
    if (!cells)
        return;
    for (size_t i = 0; i < n; i++)
        free(cells[i].hits);
    free(cells);
}
