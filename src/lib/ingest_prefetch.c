/* Ingest prefetch: read, hash and parse the files of one ingest ahead of the
 * thread that writes them to the store.
 *
 * Why: an ingest is two jobs of about equal cost, turning bytes into
 * segments (pure: art_doc_parse_*) and writing rows to SQLite (one
 * connection, one transaction, so one thread).  On a machine with two cores
 * the first can run beside the second.  The writer still takes the files in
 * the order of the plan, so ids, pseudonyms and the first error reported are
 * exactly those of a sequential ingest.
 *
 * How: the plan is an array of items.  Workers claim the next unclaimed item,
 * load it (the caller's function: read, hash, parse) and mark it ready.  The
 * writer asks for item i with prefetch_wait: when no worker has claimed it
 * yet, the writer loads it itself, so with no workers at all this is a plain
 * sequential loop.  Workers stay at most `window` items and `max_bytes`
 * bytes of files ahead of the writer, so memory is bounded however many
 * files a site has.  The first failure is the writer's to report: workers
 * record an error in the item and carry on; prefetch_finish stops them. */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#define PREFETCH_MAX_WORKERS 4

enum { ITEM_PENDING, ITEM_LOADING, ITEM_READY };

struct prefetch {
    prefetch_item *items;
    size_t n;
    prefetch_load_fn load;
    void *ud;
    size_t window;          /* items a worker may be ahead of the writer */
    size_t max_bytes;       /* bytes of files in flight before workers wait */

    pthread_mutex_t mu;
    pthread_cond_t changed;          /* an item became ready, or the writer moved on */
    size_t next_claim;      /* first item nobody has claimed */
    size_t released;        /* items the writer is done with */
    size_t bytes_in_flight; /* sizes of the claimed, unreleased items */
    bool stop;

    pthread_t workers[PREFETCH_MAX_WORKERS];
    int nworkers;
};

/* May a worker claim the next item now?  Called with mu held. */
static bool worker_may_claim(const prefetch *p)
{
    if (p->next_claim >= p->n)
        return false;
    if (p->next_claim >= p->released + p->window)
        return false;
    /* Always allow one item in flight, however large, or a file bigger than
     * the budget would stall the workers until the writer loads it. */
    return p->bytes_in_flight == 0 ||
           p->bytes_in_flight + p->items[p->next_claim].size_hint <= p->max_bytes;
}

/* Load item i outside the lock, then publish it. */
static void load_claimed(prefetch *p, size_t i)
{
    p->load(&p->items[i], p->ud);
    pthread_mutex_lock(&p->mu);
    p->items[i].state = ITEM_READY;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
}

/* Called with mu held: claim item next_claim. */
static size_t claim_next(prefetch *p)
{
    size_t i = p->next_claim++;
    p->items[i].state = ITEM_LOADING;
    p->bytes_in_flight += p->items[i].size_hint;
    return i;
}

static void *worker_main(void *arg)
{
    prefetch *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !worker_may_claim(p) && p->next_claim < p->n)
            pthread_cond_wait(&p->changed, &p->mu);
        if (p->stop || p->next_claim >= p->n)
            break;
        size_t i = claim_next(p);
        pthread_mutex_unlock(&p->mu);
        load_claimed(p, i);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

art_status prefetch_start(prefetch_item *items, size_t n, prefetch_load_fn load, void *ud,
                          int workers, prefetch **out, art_error *err)
{
    prefetch *p = calloc(1, sizeof *p);
    if (!p)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    p->items = items;
    p->n = n;
    p->load = load;
    p->ud = ud;
    if (workers < 0)
        workers = 0;
    if (workers > PREFETCH_MAX_WORKERS)
        workers = PREFETCH_MAX_WORKERS;
    p->window = 2 * (size_t)workers + 2;
    p->max_bytes = (size_t)64 << 20;
    for (size_t i = 0; i < n; i++)
        items[i].state = ITEM_PENDING;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return art_error_set(err, ART_ERR_NOMEM, "cannot create a lock for the ingest");
    }
    if (pthread_cond_init(&p->changed, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        free(p);
        return art_error_set(err, ART_ERR_NOMEM, "cannot create a condition for the ingest");
    }
    /* A worker that cannot be started is no error: the writer loads what
     * nobody else does. */
    for (int w = 0; w < workers && n > 1; w++) {
        if (pthread_create(&p->workers[p->nworkers], NULL, worker_main, p) != 0)
            break;
        p->nworkers++;
    }
    *out = p;
    return ART_OK;
}

prefetch_item *prefetch_wait(prefetch *p, size_t i)
{
    if (i >= p->n)
        return NULL;
    pthread_mutex_lock(&p->mu);
    /* Items are claimed in order: while i is unclaimed, the writer takes the
     * next unclaimed item itself (that is i, as the writer goes in order)
     * rather than wait for a worker. */
    while (p->items[i].state == ITEM_PENDING && p->next_claim <= i) {
        size_t k = claim_next(p);
        pthread_mutex_unlock(&p->mu);
        load_claimed(p, k);
        pthread_mutex_lock(&p->mu);
    }
    while (p->items[i].state != ITEM_READY)
        pthread_cond_wait(&p->changed, &p->mu);
    pthread_mutex_unlock(&p->mu);
    return &p->items[i];
}

void prefetch_release(prefetch *p, size_t i)
{
    prefetch_item_clear(&p->items[i]);
    pthread_mutex_lock(&p->mu);
    if (p->bytes_in_flight >= p->items[i].size_hint)
        p->bytes_in_flight -= p->items[i].size_hint;
    else
        p->bytes_in_flight = 0;
    if (i + 1 > p->released)
        p->released = i + 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
}

void prefetch_finish(prefetch *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->mu);
    for (int w = 0; w < p->nworkers; w++)
        pthread_join(p->workers[w], NULL);
    /* Whatever was loaded but not consumed (after an error) is freed here. */
    for (size_t i = 0; i < p->n; i++)
        prefetch_item_clear(&p->items[i]);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

void prefetch_item_clear(prefetch_item *it)
{
    free(it->data);
    it->data = NULL;
    it->len = 0;
    art_document_free(it->doc);
    it->doc = NULL;
}
