/* The streamed corpus (art_store_open_corpus): the same segments, scores,
 * evidence and ladder as the corpus loaded whole, whatever the batch size,
 * read by the cursor itself or by its read-ahead thread; evidence resolved
 * for segments long out of the cursor's batch; an empty round; a store
 * failure mid-stream reported as one line, on either path; a read-ahead
 * left half-way. */
#include "testutil.h"
#include "store_internal.h"   /* the store's connection, to make it fail mid-stream */

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SITE "Testshire"
#define BIG_SENTENCES 2600    /* more than one default batch (2048 segments) */

static const char *const SENTENCES[] = {
    "We trust our practitioners to do the right thing.",
    "Maya Okafor said the panel had no say in it.",
    "Families were made to attend an awareness session.",
    "The board agreed to co-produce the new strategy with carers.",
    "Tom explained how the service works to the group.",
    "Nothing here changed for the people we support.",
};

/* A document of many short paragraphs, in the store's test site folder's
 * company, so the round has more segments than one batch. */
static void write_big_document(const char *dir)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/big.txt", dir);
    FILE *f = fopen(path, "w");
    CU_ASSERT_FATAL(f != NULL);
    size_t n = sizeof SENTENCES / sizeof SENTENCES[0];
    for (size_t i = 0; i < BIG_SENTENCES; i++)
        fprintf(f, "%s%s", SENTENCES[i % n], i % 3 == 2 ? "\n\n" : " ");
    fclose(f);
}

static art_store *big_store(const char *tag)
{
    const char *tmp = art_test_tmpdir(tag);
    char db[4300], docs[4300];
    snprintf(db, sizeof db, "%s/store.db", tmp);
    snprintf(docs, sizeof docs, "%s/docs", tmp);
    CU_ASSERT_FATAL(mkdir(docs, 0700) == 0);
    write_big_document(docs);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_store_open(db, &s, &err) == ART_OK);
    const char *paths[] = {art_test_src("tests/data/store/site"), docs};
    art_status st = art_store_ingest(s, SITE, "r1", paths, 2, NULL, &err);
    if (st != ART_OK)
        fprintf(stderr, "ingest: %s\n", err.message);
    CU_ASSERT_FATAL(st == ART_OK);
    return s;
}

static bool same_view(const art_seg_view *a, const art_seg_view *b)
{
    if (a->id != b->id || a->kind != b->kind || a->paragraph != b->paragraph ||
        a->sentence != b->sentence || a->start != b->start || a->end != b->end ||
        a->voice != b->voice || a->level != b->level || a->ncodes != b->ncodes)
        return false;
    if (!art_test_same_str(a->source, b->source) || !art_test_same_str(a->document, b->document) ||
        !art_test_same_str(a->locator, b->locator) || !art_test_same_str(a->text, b->text) ||
        !art_test_same_str(a->participant, b->participant) || !art_test_same_str(a->block, b->block))
        return false;
    for (size_t i = 0; i < a->ncodes; i++)
        if (!art_test_same_str(a->codes[i], b->codes[i]) || !art_test_same_str(a->coders[i], b->coders[i]))
            return false;
    return true;
}

/* Walk a streamed corpus and compare it, segment by segment, with the
 * corpus loaded whole. */
static void check_stream_equals_whole(art_store *s, size_t batch, int reveal)
{
    art_error err;
    art_corpus_opts o = {.reveal_names = reveal, .batch_segments = batch};
    art_corpus *whole = NULL, *stream = NULL;
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", &o, &whole, &err) == ART_OK);
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &stream, &err) == ART_OK);
    CU_ASSERT_PTR_NULL(whole->stream);
    CU_ASSERT_PTR_NOT_NULL(stream->stream);
    CU_ASSERT_PTR_NULL(stream->segs);
    CU_ASSERT_EQUAL(art_corpus_count(stream), whole->nsegs);
    CU_ASSERT_TRUE(whole->nsegs > BIG_SENTENCES);
    art_corpus_cursor *cur = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(stream, &cur, &err) == ART_OK);
    size_t i = 0, differ = 0;
    const art_seg_view *v;
    while (art_corpus_cursor_next(cur, &v, &err) == ART_OK && v) {
        if (i >= whole->nsegs || !same_view(v, &whole->segs[i]))
            differ++;
        i++;
    }
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(i, whole->nsegs);
    CU_ASSERT_EQUAL(differ, 0);
    /* After the end, the end again. */
    CU_ASSERT_EQUAL(art_corpus_cursor_next(cur, &v, &err), ART_OK);
    CU_ASSERT_PTR_NULL(v);
    art_corpus_cursor_close(cur);
    art_corpus_free(stream);
    art_corpus_free(whole);
}

static void test_stream_equals_whole(void)
{
    art_store *s = big_store("stream-equal");
    int readers = 0;
    s->reader_hook = art_test_count_reader;
    s->reader_hook_ud = &readers;
    /* jobs 1: the cursor reads its own batches; 2: a read-ahead thread does,
     * over a connection of its own (one per cursor, counted). */
    for (int jobs = 1; jobs <= 2; jobs++) {
        art_store_set_jobs(s, jobs);
        readers = 0;
        check_stream_equals_whole(s, 0, 0);     /* default batches: one boundary */
        check_stream_equals_whole(s, 7, 0);     /* hundreds of boundaries */
        check_stream_equals_whole(s, 1, 0);
        check_stream_equals_whole(s, 5, 1);     /* names revealed */
        /* load_corpus walks a cursor too: two cursors per check */
        CU_ASSERT_EQUAL(readers, jobs == 1 ? 0 : 8);
    }
    art_store_close(s);
}

/* A read-ahead cursor left after a few segments, with its thread blocked on
 * a full ring of batches: closing it stops the thread and frees everything
 * (the sanitizer build checks the leaks), and a new cursor starts over. */
static void test_stream_readahead_left_early(void)
{
    art_store *s = big_store("stream-early-close");
    art_store_set_jobs(s, 2);
    int readers = 0;
    s->reader_hook = art_test_count_reader;
    s->reader_hook_ud = &readers;
    art_error err;
    art_corpus *c = NULL;
    art_corpus_opts o = {.batch_segments = 2};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    int64_t first = 0;
    for (int round = 0; round < 3; round++) {
        art_corpus_cursor *cur = NULL;
        CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
        const art_seg_view *v = NULL;
        for (int i = 0; i < 5; i++)
            CU_ASSERT_EQUAL(art_corpus_cursor_next(cur, &v, &err), ART_OK);
        CU_ASSERT_FATAL(v != NULL);
        if (round == 0)
            first = v->id;
        CU_ASSERT_EQUAL(v->id, first);      /* each cursor from the start */
        if (round == 1) {
            /* let the thread fill the ring and wait on it */
            struct timespec pause = {0, 20 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
        art_corpus_cursor_close(cur);
    }
    /* Closed before its first segment. */
    art_corpus_cursor *cur = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
    art_corpus_cursor_close(cur);
    CU_ASSERT_EQUAL(readers, 4);
    art_corpus_free(c);
    art_store_close(s);
}

/* A read-ahead that cannot open its connection (the store's file is gone
 * from its name; the store's own connection still reads it): the cursor
 * reads its batches itself, the same segments. */
static void test_stream_readahead_falls_back(void)
{
    art_store *s = big_store("stream-fallback");
    art_store_set_jobs(s, 2);
    int readers = 0;
    art_error err;
    art_corpus *whole = NULL, *c = NULL;
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    art_corpus_opts o = {.batch_segments = 50};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    const char *file = sqlite3_db_filename(s->db, "main");
    char moved[4400];
    snprintf(moved, sizeof moved, "%s.moved", file);
    char orig[4400];
    snprintf(orig, sizeof orig, "%s", file);
    CU_ASSERT_FATAL(rename(orig, moved) == 0);
    s->reader_hook = art_test_count_reader;
    s->reader_hook_ud = &readers;
    art_corpus_cursor *cur = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
    size_t i = 0, differ = 0;
    const art_seg_view *v;
    art_status st;
    while ((st = art_corpus_cursor_next(cur, &v, &err)) == ART_OK && v) {
        if (i >= whole->nsegs || !same_view(v, &whole->segs[i]))
            differ++;
        i++;
    }
    CU_ASSERT_EQUAL(st, ART_OK);
    CU_ASSERT_EQUAL(i, whole->nsegs);
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT_EQUAL(readers, 0);
    art_corpus_cursor_close(cur);
    CU_ASSERT_FATAL(rename(moved, orig) == 0);
    art_corpus_free(c);
    art_corpus_free(whole);
    art_store_close(s);
}

static void test_stream_names_replaced(void)
{
    art_store *s = big_store("stream-names");
    art_error err;
    art_corpus *c = NULL;
    art_corpus_opts o = {.batch_segments = 3};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    art_corpus_cursor *cur = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
    size_t named = 0, pseudo = 0;
    const art_seg_view *v;
    while (art_corpus_cursor_next(cur, &v, &err) == ART_OK && v) {
        named += strstr(v->text, "Maya") != NULL || strstr(v->text, "Okafor") != NULL;
        pseudo += strstr(v->text, "P01") != NULL;
    }
    CU_ASSERT_EQUAL(named, 0);
    CU_ASSERT_TRUE(pseudo > 400);
    art_corpus_cursor_close(cur);
    art_corpus_free(c);
    art_store_close(s);
}

/* Two cursors at once, each at its own place, and lookups by id of
 * segments far from either cursor's batch. */
static void test_stream_find_outside_batch(void)
{
    art_store *s = big_store("stream-find");
    art_error err;
    art_corpus *whole = NULL, *c = NULL;
    art_corpus_opts o = {.batch_segments = 4};
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    art_corpus_cursor *a = NULL, *b = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &a, &err) == ART_OK);
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &b, &err) == ART_OK);
    const art_seg_view *v = NULL, *w = NULL;
    for (size_t i = 0; i < 100; i++)
        CU_ASSERT_EQUAL(art_corpus_cursor_next(a, &v, &err), ART_OK);
    CU_ASSERT_EQUAL(art_corpus_cursor_next(b, &w, &err), ART_OK);
    CU_ASSERT_FATAL(v && w);
    CU_ASSERT_TRUE(same_view(v, &whole->segs[99]));
    CU_ASSERT_TRUE(same_view(w, &whole->segs[0]));

    /* One by one: first, last, a coded interview segment, unknown. */
    size_t n = whole->nsegs;
    const art_seg_view *f = NULL;
    CU_ASSERT_EQUAL(art_corpus_find(c, whole->segs[n - 1].id, &f, &err), ART_OK);
    CU_ASSERT_TRUE(f && same_view(f, &whole->segs[n - 1]));
    CU_ASSERT_EQUAL(art_corpus_find(c, whole->segs[0].id, &f, &err), ART_OK);
    CU_ASSERT_TRUE(f && same_view(f, &whole->segs[0]));
    size_t coded = n;
    for (size_t i = 0; i < n && coded == n; i++)
        if (whole->segs[i].ncodes == 2)
            coded = i;
    CU_ASSERT_FATAL(coded < n);
    CU_ASSERT_EQUAL(art_corpus_find(c, whole->segs[coded].id, &f, &err), ART_OK);
    CU_ASSERT_TRUE(f && same_view(f, &whole->segs[coded]));
    CU_ASSERT_EQUAL(art_corpus_find(c, 987654321, &f, &err), ART_OK);
    CU_ASSERT_PTR_NULL(f);

    /* Many at once, out of order, repeated and unknown. */
    int64_t ids[] = {whole->segs[n / 2].id, whole->segs[3].id, -5, whole->segs[n / 2].id,
                     whole->segs[coded].id};
    const art_seg_view *got[5];
    CU_ASSERT_EQUAL(art_corpus_find_many(c, ids, 5, got, &err), ART_OK);
    CU_ASSERT_TRUE(got[0] && same_view(got[0], &whole->segs[n / 2]));
    CU_ASSERT_TRUE(got[1] && same_view(got[1], &whole->segs[3]));
    CU_ASSERT_PTR_NULL(got[2]);
    CU_ASSERT_TRUE(got[3] && same_view(got[3], &whole->segs[n / 2]));
    CU_ASSERT_TRUE(got[4] && same_view(got[4], &whole->segs[coded]));
    /* Every segment at once, last first, each twice, among unknown ids. */
    size_t nmany = 2 * n + 3;
    int64_t *many = malloc(nmany * sizeof *many);
    const art_seg_view **found = malloc(nmany * sizeof *found);
    CU_ASSERT_FATAL(many && found);
    for (size_t i = 0; i < n; i++)
        many[i] = many[n + i] = whole->segs[n - 1 - i].id;
    many[2 * n] = 0;
    many[2 * n + 1] = whole->segs[n - 1].id + 1000;
    many[2 * n + 2] = -1;
    CU_ASSERT_EQUAL(art_corpus_find_many(c, many, nmany, found, &err), ART_OK);
    size_t wrong = 0;
    for (size_t i = 0; i < n; i++)
        wrong += !found[i] || !same_view(found[i], &whole->segs[n - 1 - i]) ||
                 found[n + i] != found[i];
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_PTR_NULL(found[2 * n]);
    CU_ASSERT_PTR_NULL(found[2 * n + 1]);
    CU_ASSERT_PTR_NULL(found[2 * n + 2]);
    free(many);
    free(found);
    /* The earlier views were released by that lookup: look them up again. */
    CU_ASSERT_EQUAL(art_corpus_find_many(c, ids, 5, got, &err), ART_OK);
    CU_ASSERT_TRUE(got[4] && same_view(got[4], &whole->segs[coded]));

    /* The in-memory corpus answers the same. */
    const art_seg_view *mem[5];
    CU_ASSERT_EQUAL(art_corpus_find_many(whole, ids, 5, mem, &err), ART_OK);
    CU_ASSERT_PTR_EQUAL(mem[0], &whole->segs[n / 2]);
    CU_ASSERT_PTR_NULL(mem[2]);

    /* The cursors carry on where they were. */
    CU_ASSERT_EQUAL(art_corpus_cursor_next(a, &v, &err), ART_OK);
    CU_ASSERT_TRUE(v && same_view(v, &whole->segs[100]));
    CU_ASSERT_EQUAL(art_corpus_cursor_next(b, &w, &err), ART_OK);
    CU_ASSERT_TRUE(w && same_view(w, &whole->segs[1]));
    art_corpus_cursor_close(a);
    art_corpus_cursor_close(b);
    art_corpus_free(c);
    art_corpus_free(whole);
    art_store_close(s);
}

/* The shared comparison, and here every plugin must also have run: a
 * stream that broke both plugins the same way must not pass as equal. */
static size_t plugins_not_ok(const art_assessment *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nplugins; i++)
        n += a->plugins[i].status != ART_OK;
    return n;
}

static size_t assessment_differences(const art_assessment *x, const art_assessment *y)
{
    return art_test_assessment_differences(x, y) + plugins_not_ok(x) + plugins_not_ok(y);
}

static art_assessment *assess_with(const art_rubric *rb, const art_corpus *c,
                                   const char *const *plugins, size_t n)
{
    art_assessment *a = NULL;
    art_error err;
    art_status st = art_assess(rb, c, plugins, n, NULL, NULL, &a, &err);
    if (st != ART_OK)
        fprintf(stderr, "assess: %s\n", err.message);
    CU_ASSERT_EQUAL(st, ART_OK);
    return a;
}

static art_assessment *assess(const art_rubric *rb, const art_corpus *c)
{
    const char *plugins[] = {art_test_src("plugins/lexical.lua"), art_test_src("plugins/codes.lua")};
    return assess_with(rb, c, plugins, 2);
}

/* The shipped plugins and the ladder over batches of 3 segments: evidence
 * is resolved by id long after its segment left the cursor's batch. */
static void test_stream_scores_as_whole(void)
{
    art_store *s = big_store("stream-assess");
    art_error err;
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    art_corpus *whole = NULL, *c = NULL;
    art_corpus_opts o = {.batch_segments = 3};
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    art_assessment *x = assess(rb, whole), *y = assess(rb, c);
    CU_ASSERT_FATAL(x && y);
    CU_ASSERT_TRUE(x->ladder.nitems > 0);
    size_t nev = 0;
    for (size_t i = 0; i < y->ndims; i++)
        nev += y->dims[i].nev;
    CU_ASSERT_TRUE(nev > 0);
    CU_ASSERT_EQUAL(assessment_differences(x, y), 0);
    art_assessment_free(x);
    art_assessment_free(y);
    art_corpus_free(c);
    art_corpus_free(whole);
    art_rubric_free(rb);
    art_store_close(s);
}

/* A plugin that emits in the middle of its walk, citing the segment it is
 * at and the first one (batches away), then walks on to the end. */
static const char IN_LOOP[] =
    "return { name = 'inloop', version = '1', description = 'emits mid-walk', dimensions = {'*'},\n"
    "  run = function(art)\n"
    "    local dim = art.rubric().dimensions[1].id\n"
    "    local n, first = 0, nil\n"
    "    for seg in art.segments() do\n"
    "      n = n + 1; first = first or seg.id\n"
    "      if n == 50 then\n"
    "        art.emit { dimension = dim, facet = 'espoused', score = 50, weight = 1,\n"
    "          evidence = { { segment = seg.id, indicator = 'x', direction = 1 },\n"
    "                       { segment = first, indicator = 'y', direction = -1 } } }\n"
    "      end\n"
    "    end\n"
    "    art.emit { dimension = dim, facet = 'enacted', score = 40, weight = n,\n"
    "      evidence = { { segment = first, indicator = 'z', direction = 1 } } }\n"
    "  end }\n";

static void test_stream_emit_mid_walk(void)
{
    art_store *s = big_store("stream-midwalk");
    art_error err;
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    art_corpus *whole = NULL, *c = NULL;
    art_corpus_opts o = {.batch_segments = 4};
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    art_plugin_result res;
    CU_ASSERT_EQUAL_FATAL(art_plugin_run_buffer(IN_LOOP, sizeof IN_LOOP - 1, "inloop.lua", rb, c,
                                                NULL, &res, &err), ART_OK);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 2);
    CU_ASSERT_EQUAL(res.emits[1].weight, (double)whole->nsegs);
    CU_ASSERT_EQUAL_FATAL(res.emits[0].nev, 2);
    CU_ASSERT_EQUAL(res.emits[0].ev[0].segment_id, whole->segs[49].id);
    CU_ASSERT_STRING_EQUAL(res.emits[0].ev[0].quote, whole->segs[49].text);
    CU_ASSERT_STRING_EQUAL(res.emits[0].ev[1].quote, whole->segs[0].text);
    CU_ASSERT_STRING_EQUAL(res.emits[0].ev[1].locator, whole->segs[0].locator);
    CU_ASSERT_STRING_EQUAL(res.emits[1].ev[0].quote, whole->segs[0].text);
    art_plugin_result_clear(&res);
    art_corpus_free(c);
    art_corpus_free(whole);
    art_rubric_free(rb);
    art_store_close(s);
}

/* ---- the ladder and dictionary ride along with the first plugin ------ */

typedef struct tap_count {
    size_t n;
    int64_t last;
    bool in_order;
} tap_count;

static art_status count_tap(void *ud, const art_seg_view *seg, art_error *err)
{
    (void)err;
    tap_count *t = ud;
    t->in_order = t->in_order && seg->id > t->last;
    t->last = seg->id;
    t->n++;
    return ART_OK;
}

static void test_stream_tap(void)
{
    art_store *s = big_store("stream-tap");
    art_error err;
    art_corpus *c = NULL, *whole = NULL;
    art_corpus_opts o = {.batch_segments = 64};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    /* In memory there is no tap: walking is free. */
    tap_count t = {0, 0, true};
    CU_ASSERT_FALSE(art_corpus_tap_set(whole, count_tap, &t));

    /* The first cursor opened feeds it, the second does not. */
    CU_ASSERT_TRUE(art_corpus_tap_set(c, count_tap, &t));
    art_corpus_cursor *a = NULL, *b = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &a, &err) == ART_OK);
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &b, &err) == ART_OK);
    const art_seg_view *v;
    while (art_corpus_cursor_next(b, &v, &err) == ART_OK && v)
        ;
    CU_ASSERT_EQUAL(t.n, 0);
    while (art_corpus_cursor_next(a, &v, &err) == ART_OK && v)
        ;
    CU_ASSERT_EQUAL(t.n, whole->nsegs);
    CU_ASSERT_TRUE(t.in_order);
    art_corpus_cursor_close(a);
    art_corpus_cursor_close(b);
    bool complete = false;
    CU_ASSERT_EQUAL(art_corpus_tap_take(c, &complete, &err), ART_OK);
    CU_ASSERT_TRUE(complete);

    /* A walk left half-way is not complete; nor is no walk at all. */
    t = (tap_count){0, 0, true};
    CU_ASSERT_TRUE(art_corpus_tap_set(c, count_tap, &t));
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &a, &err) == ART_OK);
    for (int i = 0; i < 100; i++)
        CU_ASSERT_EQUAL(art_corpus_cursor_next(a, &v, &err), ART_OK);
    art_corpus_cursor_close(a);
    CU_ASSERT_EQUAL(t.n, 100);
    CU_ASSERT_EQUAL(art_corpus_tap_take(c, &complete, &err), ART_OK);
    CU_ASSERT_FALSE(complete);
    CU_ASSERT_TRUE(art_corpus_tap_set(c, count_tap, &t));
    CU_ASSERT_EQUAL(art_corpus_tap_take(c, &complete, &err), ART_OK);
    CU_ASSERT_FALSE(complete);
    art_corpus_free(whole);
    art_corpus_free(c);
    art_store_close(s);
}

/* A first plugin that stops early leaves the ladder to walk alone; the
 * ladder is the same either way. */
static void test_stream_ladder_after_early_stop(void)
{
    art_store *s = big_store("stream-early");
    const char *tmp = art_test_tmpdir("stream-early-plugin");
    char early[4400];
    snprintf(early, sizeof early, "%s/early.lua", tmp);
    FILE *f = fopen(early, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs("return { name = 'early', version = '1', description = 'stops', dimensions = {'*'},\n"
          "  run = function(art)\n"
          "    local n = 0\n"
          "    for seg in art.segments() do n = n + 1; if n == 5 then break end end\n"
          "  end }\n", f);
    fclose(f);
    art_error err;
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    art_corpus *whole = NULL, *c = NULL;
    art_corpus_opts o = {.batch_segments = 10};
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    const char *plugins[] = {early, art_test_src("plugins/lexical.lua")};
    art_assessment *x = assess_with(rb, whole, plugins, 2), *y = assess_with(rb, c, plugins, 2);
    CU_ASSERT_FATAL(x && y);
    CU_ASSERT_TRUE(x->ladder.nitems > 0);
    CU_ASSERT_EQUAL(assessment_differences(x, y), 0);
    art_assessment_free(x);
    art_assessment_free(y);
    /* No plugin at all: the ladder still walks. */
    x = assess_with(rb, whole, plugins, 0);
    y = assess_with(rb, c, plugins, 0);
    CU_ASSERT_FATAL(x && y);
    CU_ASSERT_TRUE(y->ladder.nitems > 0);
    CU_ASSERT_EQUAL(assessment_differences(x, y), 0);
    art_assessment_free(x);
    art_assessment_free(y);
    art_corpus_free(c);
    art_corpus_free(whole);
    art_rubric_free(rb);
    art_store_close(s);
}

/* Dictionary shares counted on the first plugin's walk equal those of the
 * corpus loaded whole. */
static void test_stream_dictionary_shares(void)
{
    art_store *s = big_store("stream-dict");
    art_error err;
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("tests/data/rubric/dict/rubric.xml"), &rb,
                                    &err) == ART_OK);
    art_corpus *whole = NULL, *c = NULL;
    art_corpus_opts o = {.batch_segments = 33};
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    art_assessment *x = assess(rb, whole), *y = assess(rb, c);
    CU_ASSERT_FATAL(x && y);
    size_t with_share = 0;
    for (size_t i = 0; i < x->ndims && i < y->ndims; i++)
        for (int f = 0; f < 2; f++) {
            CU_ASSERT_EQUAL(x->dims[i].dict_tokens[f], y->dims[i].dict_tokens[f]);
            CU_ASSERT_EQUAL(x->dims[i].dict_matched[f], y->dims[i].dict_matched[f]);
            with_share += !isnan(y->dims[i].dict_share[f]) && y->dims[i].dict_tokens[f] > 0;
        }
    CU_ASSERT_TRUE(with_share > 0);
    art_assessment_free(x);
    art_assessment_free(y);
    art_corpus_free(c);
    art_corpus_free(whole);
    art_rubric_free(rb);
    art_store_close(s);
}

/* A round with no segments: nothing to walk, nothing found, an empty
 * ladder, and plugins that run and emit nothing. */
static void test_stream_empty_round(void)
{
    const char *tmp = art_test_tmpdir("stream-empty");
    char db[4300];
    snprintf(db, sizeof db, "%s/store.db", tmp);
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_store_open(db, &s, &err) == ART_OK);
    /* Ingesting no path makes the round and puts nothing in it. */
    CU_ASSERT_FATAL(art_store_ingest(s, SITE, "r0", NULL, 0, NULL, &err) == ART_OK);
    art_corpus *c = NULL;
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r0", NULL, &c, &err) == ART_OK);
    CU_ASSERT_EQUAL(art_corpus_count(c), 0);
    art_corpus_cursor *cur = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
    const art_seg_view *v = (const art_seg_view *)1;
    CU_ASSERT_EQUAL(art_corpus_cursor_next(cur, &v, &err), ART_OK);
    CU_ASSERT_PTR_NULL(v);
    art_corpus_cursor_close(cur);
    CU_ASSERT_EQUAL(art_corpus_find(c, 1, &v, &err), ART_OK);
    CU_ASSERT_PTR_NULL(v);
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    art_assessment *a = assess(rb, c);
    CU_ASSERT_FATAL(a != NULL);
    CU_ASSERT_EQUAL(a->ladder.nitems, 0);
    for (size_t i = 0; i < a->nplugins; i++) {
        CU_ASSERT_EQUAL(a->plugins[i].status, ART_OK);
        CU_ASSERT_EQUAL(a->plugins[i].nemits, 0);
    }
    art_assessment_free(a);
    art_rubric_free(rb);
    art_corpus_free(c);
    CU_ASSERT_EQUAL(art_store_open_corpus(s, SITE, "nope", NULL, &c, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NULL(c);
    art_store_close(s);
}

/* ---- a store that fails part-way through ----------------------------- */

/* The tripwires here (art_test_trip) keep failing once armed: a walk that
 * carried on after its error would be caught. */

static long walk_steps(art_store *s, const art_corpus *c, art_test_tripwire *t, art_status *st,
                       art_error *err)
{
    art_corpus_cursor *cur = NULL;
    long n = 0;
    *st = art_corpus_cursor_open(c, &cur, err);
    if (*st != ART_OK)
        return 0;
    t->calls = 0;
    sqlite3_progress_handler(s->db, 1, art_test_trip, t);
    const art_seg_view *v;
    while ((*st = art_corpus_cursor_next(cur, &v, err)) == ART_OK && v)
        n++;
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    art_corpus_cursor_close(cur);
    return n;
}

static const char WALKER[] =
    "return { name = 'walker', version = '1', description = 'walks', dimensions = {'*'},\n"
    "  run = function(art)\n"
    "    local n = 0\n"
    "    for seg in art.segments() do n = n + 1 end\n"
    "    -- a plugin that swallows the error gets nowhere either\n"
    "    pcall(function() for seg in art.segments() do n = n + 1 end end)\n"
    "  end }\n";

static void test_stream_store_error(void)
{
    art_store *s = big_store("stream-fail");
    /* The cursor reads on the store's own connection (no read-ahead), so the
     * tripwire there catches the walk; the read-ahead's is the next test. */
    art_store_set_jobs(s, 1);
    art_error err;
    art_corpus *c = NULL;
    art_corpus_opts o = {.batch_segments = 16};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    art_test_tripwire t = {0, 0, 0};
    art_status st;
    long all = walk_steps(s, c, &t, &st, &err);
    CU_ASSERT_EQUAL(st, ART_OK);
    CU_ASSERT_EQUAL((size_t)all, art_corpus_count(c));
    long steps = t.calls;
    CU_ASSERT_TRUE(steps > 100);

    /* Half-way: the walk stops with one line, and the cursor stays ended. */
    t.fail_at = steps / 2;
    art_error_clear(&err);
    long got = walk_steps(s, c, &t, &st, &err);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_TRUE(got > 16 && got < all);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "interrupt"));

    /* Under a plugin: the host's failure, returned to the caller, not the
     * plugin's; no crash, and a pcall in the plugin does not hide it. */
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    art_plugin_result res;
    t.calls = 0;
    sqlite3_progress_handler(s->db, 1, art_test_trip, &t);
    art_error_clear(&err);
    st = art_plugin_run_buffer(WALKER, sizeof WALKER - 1, "walker.lua", rb, c, NULL, &res, &err);
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "walker"));
    CU_ASSERT_NOT_EQUAL(res.status, ART_OK);
    art_plugin_result_clear(&res);

    /* And the whole assessment stops with that line. */
    art_assessment *a = NULL;
    const char *plugins[] = {art_test_src("plugins/lexical.lua")};
    t.calls = 0;
    sqlite3_progress_handler(s->db, 1, art_test_trip, &t);
    art_error_clear(&err);
    st = art_assess(rb, c, plugins, 1, NULL, NULL, &a, &err);
    sqlite3_progress_handler(s->db, 0, NULL, NULL);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));

    /* Unarmed, the same corpus walks whole again. */
    t.fail_at = 0;
    CU_ASSERT_EQUAL(walk_steps(s, c, &t, &st, &err), all);
    CU_ASSERT_EQUAL(st, ART_OK);
    art_rubric_free(rb);
    art_corpus_free(c);
    art_store_close(s);
}

/* The read-ahead thread's connection failing part-way: the batches read
 * before it are handed out, then the error, as one line, and the cursor
 * stays ended; under a plugin and an assessment, the same. */
static void test_stream_readahead_error(void)
{
    art_store *s = big_store("stream-ra-fail");
    art_store_set_jobs(s, 2);
    art_test_reader_trips rt = {.fail_at = 0};
    s->reader_hook = art_test_arm_reader;
    s->reader_hook_ud = &rt;
    art_error err;
    art_corpus *c = NULL;
    art_corpus_opts o = {.batch_segments = 16};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    art_test_tripwire unused = {0, 0, 0};
    art_status st;
    long all = walk_steps(s, c, &unused, &st, &err);
    CU_ASSERT_EQUAL(st, ART_OK);
    CU_ASSERT_EQUAL((size_t)all, art_corpus_count(c));
    CU_ASSERT_EQUAL_FATAL(rt.n, 1);
    long steps = rt.t[0].calls;
    CU_ASSERT_TRUE(steps > 100);

    rt.n = 0;
    rt.fail_at = steps / 2;
    art_error_clear(&err);
    long got = walk_steps(s, c, &unused, &st, &err);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_TRUE(got > 16 && got < all);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "interrupt"));

    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    art_plugin_result res;
    rt.n = 0;
    art_error_clear(&err);
    st = art_plugin_run_buffer(WALKER, sizeof WALKER - 1, "walker.lua", rb, c, NULL, &res, &err);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "walker"));
    CU_ASSERT_NOT_EQUAL(res.status, ART_OK);
    art_plugin_result_clear(&res);

    art_assessment *a = NULL;
    const char *plugins[] = {art_test_src("plugins/lexical.lua")};
    rt.n = 0;
    art_error_clear(&err);
    st = art_assess(rb, c, plugins, 1, NULL, NULL, &a, &err);
    CU_ASSERT_EQUAL(st, ART_ERR_STORE);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));

    rt.n = 0;
    rt.fail_at = 0;
    CU_ASSERT_EQUAL(walk_steps(s, c, &unused, &st, &err), all);
    CU_ASSERT_EQUAL(st, ART_OK);
    art_rubric_free(rb);
    art_corpus_free(c);
    art_store_close(s);
}

/* Pinned segments are handed out by find_many without the store: the same
 * views as the store's, until unpinned; retain keeps only those listed;
 * an in-memory corpus pins nothing. */
static void test_stream_pins(void)
{
    art_store *s = big_store("stream-pins");
    art_error err;
    art_corpus *whole = NULL, *c = NULL;
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    art_corpus_opts o = {.batch_segments = 5};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    CU_ASSERT_FALSE(art_corpus_pin(whole, &whole->segs[0]));
    art_corpus_cursor *cur = NULL;
    CU_ASSERT_FATAL(art_corpus_cursor_open(c, &cur, &err) == ART_OK);
    const art_seg_view *v;
    size_t i = 0;
    /* every third segment, and one of them twice */
    while (art_corpus_cursor_next(cur, &v, &err) == ART_OK && v) {
        if (i % 3 == 0)
            CU_ASSERT_TRUE(art_corpus_pin(c, v));
        if (i == 3)
            CU_ASSERT_TRUE(art_corpus_pin(c, v));
        i++;
    }
    art_corpus_cursor_close(cur);
    size_t n = whole->nsegs, npinned = (n + 2) / 3;
    CU_ASSERT_EQUAL(art_corpus_pins(c), npinned);

    /* Pinned segments are found, and match the corpus loaded whole. */
    int64_t *ids = malloc(n * sizeof *ids);
    const art_seg_view **got = malloc(n * sizeof *got);
    CU_ASSERT_FATAL(ids && got);
    size_t k = 0;
    for (size_t j = 0; j < n; j += 3)
        ids[k++] = whole->segs[j].id;
    CU_ASSERT_EQUAL(art_corpus_find_many(c, ids, k, got, &err), ART_OK);
    size_t wrong = 0;
    for (size_t j = 0; j < k; j++)
        wrong += !got[j] || !same_view(got[j], &whole->segs[3 * j]);
    CU_ASSERT_EQUAL(wrong, 0);
    /* Pinned and unpinned together: both right. */
    int64_t mixed[] = {whole->segs[1].id, whole->segs[3].id, whole->segs[4].id, -7};
    const art_seg_view *m[4];
    CU_ASSERT_EQUAL(art_corpus_find_many(c, mixed, 4, m, &err), ART_OK);
    CU_ASSERT_TRUE(m[0] && same_view(m[0], &whole->segs[1]));
    CU_ASSERT_TRUE(m[1] && same_view(m[1], &whole->segs[3]));
    CU_ASSERT_TRUE(m[2] && same_view(m[2], &whole->segs[4]));
    CU_ASSERT_PTR_NULL(m[3]);

    /* Retain two (and an id never pinned): the rest are read again. */
    int64_t keep[] = {whole->segs[6].id, whole->segs[0].id, whole->segs[1].id};
    art_corpus_pins_retain(c, keep, 3);
    CU_ASSERT_EQUAL(art_corpus_pins(c), 2);
    CU_ASSERT_EQUAL(art_corpus_find_many(c, ids, k, got, &err), ART_OK);
    wrong = 0;
    for (size_t j = 0; j < k; j++)
        wrong += !got[j] || !same_view(got[j], &whole->segs[3 * j]);
    CU_ASSERT_EQUAL(wrong, 0);
    art_corpus_pins_retain(c, NULL, 0);
    CU_ASSERT_EQUAL(art_corpus_pins(c), 0);
    CU_ASSERT_TRUE(art_corpus_pin(c, &whole->segs[2]));
    art_corpus_pins_clear(c);
    CU_ASSERT_EQUAL(art_corpus_pins(c), 0);
    free(ids);
    free(got);
    art_corpus_free(c);     /* with pins left: freed with it (sanitizers check) */
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    CU_ASSERT_TRUE(art_corpus_pin(c, &whole->segs[5]));
    art_corpus_free(c);
    art_corpus_free(whole);
    art_store_close(s);
}

/* art.segments{coded = true}: the coded segments only, the same tables as
 * a full walk gives them, in memory and streamed (across batches); bad
 * options are one-line errors that name the option. */
static const char CODED_WALK[] =
    "return { name = 'coded', version = '1', description = 'coded', dimensions = {'*'},\n"
    "  run = function(art)\n"
    "    local all, coded, same = 0, 0, 0\n"
    "    local want = {}\n"
    "    for seg in art.segments() do\n"
    "      if #seg.codes > 0 then all = all + 1; want[seg.id] = seg.text .. '|' .. seg.codes[1] end\n"
    "    end\n"
    "    for seg in art.segments { coded = true } do\n"
    "      coded = coded + 1\n"
    "      if want[seg.id] == seg.text .. '|' .. seg.codes[1] then same = same + 1 end\n"
    "    end\n"
    "    for seg in art.segments { coded = false } do coded = coded + 0 end\n"
    "    local dim = art.rubric().dimensions[1].id\n"
    "    art.emit { dimension = dim, facet = 'enacted', score = all, weight = 1 }\n"
    "    art.emit { dimension = dim, facet = 'espoused', score = same, weight = coded }\n"
    "  end }\n";

static void check_coded_walk(const art_rubric *rb, const art_corpus *c, size_t ncoded)
{
    art_plugin_result res;
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL(art_plugin_run_buffer(CODED_WALK, sizeof CODED_WALK - 1, "coded.lua", rb, c,
                                          NULL, &res, &err), ART_OK);
    if (res.error)
        fprintf(stderr, "\n  %s\n", res.error);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 2);
    CU_ASSERT_EQUAL(res.emits[0].score, (double)ncoded);
    CU_ASSERT_EQUAL(res.emits[1].score, (double)ncoded);
    CU_ASSERT_EQUAL(res.emits[1].weight, (double)ncoded);
    art_plugin_result_clear(&res);
}

static void test_stream_coded_segments(void)
{
    art_store *s = big_store("stream-coded");
    art_error err;
    art_rubric *rb = NULL;
    CU_ASSERT_FATAL(art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &rb, &err) == ART_OK);
    art_corpus *whole = NULL, *c = NULL;
    CU_ASSERT_FATAL(art_store_load_corpus(s, SITE, "r1", NULL, &whole, &err) == ART_OK);
    size_t ncoded = 0;
    for (size_t i = 0; i < whole->nsegs; i++)
        ncoded += whole->segs[i].ncodes > 0;
    CU_ASSERT_TRUE(ncoded > 0 && ncoded < whole->nsegs);
    art_corpus_opts o = {.batch_segments = 2};
    CU_ASSERT_FATAL(art_store_open_corpus(s, SITE, "r1", &o, &c, &err) == ART_OK);
    check_coded_walk(rb, whole, ncoded);
    check_coded_walk(rb, c, ncoded);

    static const struct {
        const char *opts, *error;
    } BAD[] = {
        {"{ coded = 1 }", "art.segments: coded must be true or false"},
        {"{ codes = true }", "art.segments: unknown option 'codes'"},
        {"{ [1] = true }", "art.segments: unknown option '1'"},
        {"'coded'", "bad argument #1 to 'segments'"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        char code[512];
        snprintf(code, sizeof code,
                 "return { name = 'b', version = '1', description = 'd', dimensions = {'*'},\n"
                 "  run = function(art) for seg in art.segments(%s) do end end }\n",
                 BAD[i].opts);
        art_plugin_result res;
        CU_ASSERT_EQUAL(art_plugin_run_buffer(code, strlen(code), "b.lua", rb, c, NULL, &res, &err),
                        ART_OK);
        CU_ASSERT_NOT_EQUAL(res.status, ART_OK);
        CU_ASSERT_TRUE(res.error && strstr(res.error, BAD[i].error));
        CU_ASSERT_TRUE(res.error && !strchr(res.error, '\n'));
        if (!res.error || !strstr(res.error, BAD[i].error))
            fprintf(stderr, "\n  %s: %s\n", BAD[i].opts, res.error ? res.error : "(none)");
        art_plugin_result_clear(&res);
    }
    /* A coded walk is still under the plugin's budget: spent, the plugin
     * is skipped with the time budget's error. */
    static const char SPIN[] =
        "return { name = 's', version = '1', description = 'd', dimensions = {'*'},\n"
        "  run = function(art)\n"
        "    local n = 0\n"
        "    for seg in art.segments { coded = true } do n = n + 1 end\n"
        "  end }\n";
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    lim.max_seconds = -1;
    art_plugin_result res;
    CU_ASSERT_EQUAL(art_plugin_run_buffer(SPIN, sizeof SPIN - 1, "s.lua", rb, c, &lim, &res, &err),
                    ART_OK);
    CU_ASSERT_NOT_EQUAL(res.status, ART_OK);
    CU_ASSERT_TRUE(res.error && strstr(res.error, "time budget"));
    art_plugin_result_clear(&res);
    art_rubric_free(rb);
    art_corpus_free(c);
    art_corpus_free(whole);
    art_store_close(s);
}

void art_test_register(void)
{
    ART_SUITE("stream",
              {"streamed corpus equals the corpus loaded whole", test_stream_equals_whole},
              {"names are replaced batch by batch", test_stream_names_replaced},
              {"segments found by id outside the batch", test_stream_find_outside_batch},
              {"plugins and ladder score a stream as the whole", test_stream_scores_as_whole},
              {"an empty round streams nothing", test_stream_empty_round},
              {"a plugin emits in the middle of its walk", test_stream_emit_mid_walk},
              {"a tap rides on the first complete walk", test_stream_tap},
              {"the ladder walks alone after an early stop", test_stream_ladder_after_early_stop},
              {"dictionary shares from a stream", test_stream_dictionary_shares},
              {"a store error mid-stream is one line", test_stream_store_error},
              {"a store error in the read-ahead is one line", test_stream_readahead_error},
              {"a read-ahead left half-way stops cleanly", test_stream_readahead_left_early},
              {"a read-ahead without a connection reads itself", test_stream_readahead_falls_back},
              {"pinned segments are found without the store", test_stream_pins},
              {"art.segments{coded = true} walks the coded only", test_stream_coded_segments});
}
