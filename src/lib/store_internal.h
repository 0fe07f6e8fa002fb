/* What the store's files share: the handle and the SQLite helpers.
 * Not installed; the helpers are not exported (no art_ prefix). */
#ifndef ART_STORE_INTERNAL_H
#define ART_STORE_INTERNAL_H

#include "internal.h"

#include <sqlite3.h>

struct art_store {
    sqlite3 *db;
    char *path;
    art_warning_fn warn;
    void *warn_ud;
    int jobs;               /* ingest threads; 0: one per core */
    /* round_span's last answer.  Counting, digesting and opening one round
     * each need it; it holds while this connection has changed nothing
     * (total_changes) and no other has committed (data_version). */
    struct {
        bool valid;
        long long site_id, round_id;
        long long n, min_id, max_id;
        int changes;
        long long data_version;
    } span_memo;
    /* A test seam: called with each read-only connection opened from this
     * one (a plugin thread's, a cursor's read-ahead), on the thread that
     * opens it, so a test can make a reader fail part-way. */
    void (*reader_hook)(void *ud, sqlite3 *db);
    void *reader_hook_ud;
};

art_status db_error(art_store *s, art_error *err, const char *what);
art_status db_exec(art_store *s, const char *sql, art_error *err);
art_status db_prepare(art_store *s, const char *sql, sqlite3_stmt **st, art_error *err);
bool db_bind(sqlite3_stmt *st, const char *types, ...);
art_status db_step_done(art_store *s, sqlite3_stmt *st, art_error *err);
const char *col_text(sqlite3_stmt *st, int i);
double col_double_or_nan(sqlite3_stmt *st, int i);
art_status lookup_id(art_store *s, const char *sql, const char *types, art_error *err,
                            long long *id, const char *a, const char *b);
art_status find_site(art_store *s, const char *site, long long *id, art_error *err);
art_status find_round(art_store *s, long long site_id, const char *round, long long *id,
                             art_error *err);
/* A round's segments: how many, and the range their ids lie in (empty:
 * n 0 and the range [1, 0]), from the sources' summaries (migration 9): the
 * ids bound every later query over the round's segments. */
typedef struct seg_span {
    long long n, min_id, max_id;
} seg_span;
art_status round_span(art_store *s, long long site_id, long long round_id, seg_span *out,
                      art_error *err);
/* Sum up the segments of every source of the site whose summary is not
 * known (no source_spans row): at the end of whatever added or removed
 * segments, in its transaction. */
art_status store_summarise_sources(art_store *s, long long site_id, art_error *err);
art_status insert_returning_id(art_store *s, const char *sql, const char *types,
                                      long long *id, art_error *err, ...);
art_status ensure_site(art_store *s, const char *site, long long *id, art_error *err);
art_status ensure_round(art_store *s, long long site_id, const char *round, long long *id,
                               art_error *err);

/* ---- ingest (store_ingest.c), shared with the REFI-QDA importer ---- */
typedef struct ingest_ctx {
    art_store *s;
    long long site_id, round_id;
    art_ingest_stats *stats;
    sqlite3_stmt *ins_segment;
    sqlite3_stmt *ins_coding;
    /* Looked up once per coded row: preparing them each time was 6% of an
     * ingest's instructions.  Prepared on first use, finalized at the end. */
    sqlite3_stmt *sel_participant;
    sqlite3_stmt *sel_code;
    /* INGEST_SEGMENT_BATCH document segments a statement (store_ingest.c). */
    sqlite3_stmt *ins_segment_batch;
    /* One of each a file: prepared once instead of per file. */
    sqlite3_stmt *ins_source;
    sqlite3_stmt *ins_round_source;
    sqlite3_stmt *ins_code;     /* once a code path prefix: a codebook has hundreds */
    /* The segments this ingest added, by source (source_spans, migration
     * 9): noted as they are inserted, written before the commit, so the new
     * sources need not be walked again to be summed up. */
    struct ingest_span *spans;
    size_t nspans, spans_cap;
} ingest_ctx;

typedef struct ingest_span {
    long long source_id, n, min_id, max_id;
} ingest_span;

typedef struct ingest_source {
    const char *path;
    const char *sha;            /* of the bytes of this source (unique in a site) */
    const char *kind;           /* "document" or "interview" */
    const char *format;
    const char *name;           /* display name; NULL: the file's name */
    const char *title;
    const char *plain;
    size_t bytes;
    const char *container_sha;  /* the file holding several sources, or NULL */
    const char *guid;
    const char *memo;
} ingest_source;

const char *ingest_base_name(const char *path);
art_status ingest_insert_source(ingest_ctx *c, const ingest_source *src, long long *id,
                                art_error *err);
art_status ingest_insert_segment(ingest_ctx *c, long long source_id, long ordinal, int paragraph,
                                 int sentence, long start, long end, const char *block,
                                 const char *document, long long participant_id,
                                 const char *text, long long *seg_id, art_error *err);
art_status ingest_ensure_participant(ingest_ctx *c, const art_participant_info *p,
                                     long long *id, art_error *err);
art_status ingest_ensure_code(ingest_ctx *c, const char *path, long long *id, art_error *err);

/* ---- ingest prefetch (ingest_prefetch.c) ---- */
/* One file of an ingest's plan.  The plan fills path, format, size_hint
 * and, for a path that cannot be ingested at all, status and err; the load
 * function fills the rest on whichever thread loads it. */
typedef struct prefetch_item {
    char *path;
    int format;             /* store_ingest.c's file_format */
    size_t size_hint;       /* bytes on disk, for the memory budget */
    art_status status;      /* ART_OK, or why the file cannot be ingested */
    art_error err;
    bool loaded_ok;         /* read (and hashed) */
    char *data;             /* the file's bytes (NULL once parsed into doc) */
    size_t len;
    char sha[65];
    art_document *doc;      /* a plain document, parsed ahead; NULL otherwise */
    int state;              /* prefetch's own */
} prefetch_item;

typedef void (*prefetch_load_fn)(prefetch_item *it, void *ud);
typedef struct prefetch prefetch;

/* Start `workers` threads loading items in order (0: the writer loads every
 * item itself in prefetch_wait). */
art_status prefetch_start(prefetch_item *items, size_t n, prefetch_load_fn load, void *ud,
                          int workers, prefetch **out, art_error *err);
/* Item i, loaded (by a worker, or now by the caller).  Items are asked for
 * in order, each once. */
prefetch_item *prefetch_wait(prefetch *p, size_t i);
/* Done with item i: free its bytes and document, let the workers go on. */
void prefetch_release(prefetch *p, size_t i);
/* Stop and join the workers, free what is left; p may be NULL. */
void prefetch_finish(prefetch *p);
void prefetch_item_clear(prefetch_item *it);

/* ---- pseudonyms (store_corpus.c) ---- */
typedef struct name_map {
    char **names;    /* full names and name tokens */
    char **pseudos;  /* what replaces them */
    bool *exact_case;/* tokens must match case (so "Will" spares "will") */
    size_t n, cap;
} name_map;
art_status store_name_map_load(art_store *s, long long site_id, name_map *m, art_error *err);
void store_name_map_free(name_map *m);
char *store_pseudonymise(const name_map *m, const char *text, long **cpmap);

/* ---- runs (store_runs.c), shared with the bundle importer ---- */
/* Each writes one part of a run inside the caller's transaction. */
art_status save_rubric(art_store *s, const art_assessment *a, const char *xml, size_t len,
                       art_error *err);
art_status save_plugins(art_store *s, long long run_id, const art_assessment *a,
                        art_error *err);
/* Reviews are kept as written: an UPDATE is refused.  The one exception is
 * purge, which lifts the trigger inside its transaction to remove a
 * participant's name from rationales, then puts it back. */
#define ART_REVIEWS_TRIGGER                                                    \
    "CREATE TRIGGER reviews_kept BEFORE UPDATE ON reviews "                    \
    "  BEGIN SELECT RAISE(ABORT, 'reviews are kept as written'); END"

/* One piece of stored evidence: the columns to select (the dimension first)
 * and the reader of a row of them; false when out of memory (e is then
 * complete enough to free). */
#define EVIDENCE_COLUMNS                                                       \
    "dimension, segment_id, source, locator, quote, participant, indicator, "  \
    "direction, level, voice, facet, weight"
bool evidence_from_row(sqlite3_stmt *st, art_evidence *e);

/* A run's counts as kept in rubric_runs.counts (migration 6). */
void run_counts_format(const art_assessment *a, char *buf, size_t size);
art_status save_scores(art_store *s, long long run_id, const art_assessment *a,
                       art_error *err);
art_status save_ladder(art_store *s, long long run_id, const art_assessment *a,
                       art_error *err);

/* ---- ratings (store_ratings.c) ---- */
/* A .csv whose header has rater, role, dimension and level: store it as
 * the round's ratings (*taken set); any other CSV is left alone. */
art_status ingest_ratings_csv(ingest_ctx *c, const char *path, const char *data, size_t len,
                              bool *taken, art_error *err);

/* ---- REFI-QDA (store_qda.c) ---- */
art_status ingest_qda(ingest_ctx *c, const char *path, const char *sha, const char *data,
                      size_t len, art_error *err);

#endif
