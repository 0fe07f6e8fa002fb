/* Internal helpers shared by the engine's source files.  Not installed. */
#ifndef ART_INTERNAL_H
#define ART_INTERNAL_H

#include "artefact/artefact.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* ---- growable byte buffer ------------------------------------------ */
/* A buffer that fails sticky: after one allocation failure every append is a
 * no-op and `failed` stays set, so callers check once at the end. */
typedef struct art_buf {
    char *data;     /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    bool failed;
} art_buf;

void art_buf_init(art_buf *b);
void art_buf_free(art_buf *b);
void art_buf_reset(art_buf *b);
bool art_buf_reserve(art_buf *b, size_t extra);
void art_buf_append_slow(art_buf *b, const char *s, size_t n);
void art_buf_puts(art_buf *b, const char *s);
/* Inline when the bytes fit: the parsers append a character or a short run
 * at a time, and the call plus reserve check was a tenth of parsing. */
static inline void art_buf_append(art_buf *b, const char *s, size_t n)
{
    if (!b->failed && b->cap - b->len > n) {   /* room for n bytes and the NUL */
        if (n)
            memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
        return;
    }
    art_buf_append_slow(b, s, n);
}
static inline void art_buf_putc(art_buf *b, char c)
{
    if (!b->failed && b->cap - b->len > 1) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return;
    }
    art_buf_append_slow(b, &c, 1);
}
void art_buf_printf(art_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Hand the buffer's string to the caller (never NULL unless failed). */
char *art_buf_steal(art_buf *b);

/* ---- strings -------------------------------------------------------- */
char *art_strdup(const char *s);                 /* NULL in -> NULL out */
char *art_strndup(const char *s, size_t n);
int art_strcasecmp_ascii(const char *a, const char *b);
bool art_str_ends_with_ci(const char *s, const char *suffix);
/* needle occurs in hay, ignoring ASCII case (an empty needle always does). */
bool art_str_contains_ci(const char *hay, const char *needle);
/* Collapse runs of white space to one space and trim both ends, in place. */
void art_str_squash_space(char *s);

/* ---- UTF-8 ---------------------------------------------------------- */
/* Decode one code point at s (n bytes available).  Returns its length in
 * bytes (>= 1) and stores U+FFFD for invalid sequences, so loops always
 * advance. */
size_t art_utf8_decode_multi(const char *s, size_t n, unsigned *cp);
/* Inline for the ASCII byte, which is nearly every byte of English text:
 * the call was a tenth of an ingest's instructions. */
static inline size_t art_utf8_decode(const char *s, size_t n, unsigned *cp)
{
    if (n > 0 && (unsigned char)s[0] < 0x80) {
        *cp = (unsigned char)s[0];
        return 1;
    }
    return art_utf8_decode_multi(s, n, cp);
}
size_t art_utf8_encode(unsigned cp, char out[4]);
/* Number of code points in s[0..n) (an invalid byte counts as one). */
long art_utf8_count(const char *s, size_t n);
/* True if s[0..n) is valid UTF-8 with no NUL byte. */
bool art_utf8_valid(const char *s, size_t n);
/* Offset of the first byte of s[0..n) that is not valid UTF-8 or is NUL;
 * n when there is none. */
size_t art_utf8_first_invalid(const char *s, size_t n);
/* Simple case fold for matching: ASCII and Latin-1/Latin Extended-A letters. */
unsigned art_utf8_fold(unsigned cp);
/* Skip a UTF-8 byte-order mark; returns bytes skipped (0 or 3). */
size_t art_utf8_bom_len(const char *s, size_t n);

/* ---- XML (libxml2), hardened ----------------------------------------- */
/* libxml2 types are only used in the files that include <libxml/...>. */
struct _xmlDoc;
/* Install artefact's libxml2 settings once per process: an external entity
 * loader that refuses everything, no network.  Idempotent and thread-safe. */
void art_xml_init(void);
/* Parse XML with XML_PARSE_NONET, no entity substitution, no DTD loading;
 * a DOCTYPE that declares any entity is refused outright (an external DTD
 * is never fetched).  Errors name `name`
 * and never quote document text. */
struct _xmlDoc *art_xml_parse(const char *data, size_t len, const char *name, art_error *err);
struct _xmlDoc *art_html_parse(const char *data, size_t len, const char *name, art_error *err);

/* ---- documents ------------------------------------------------------ */
/* Builder used by the txt/md/html parsers: adds one block of text (already
 * without markup), splits it into sentences with code-point locators. */
typedef struct art_doc_builder {
    art_document *doc;
    art_buf text;           /* plain_text under construction */
    long text_cp;           /* code points in text so far */
    size_t segcap;
    bool failed;
} art_doc_builder;

art_status art_doc_builder_init(art_doc_builder *b, const char *format);
/* Adds a block: white space is squashed, empty blocks ignored. */
art_status art_doc_builder_add(art_doc_builder *b, art_block_kind kind, const char *text,
                               size_t len);
void art_doc_builder_set_title(art_doc_builder *b, const char *title, size_t len);
/* Finish: returns the document (the builder is reset). */
art_status art_doc_builder_finish(art_doc_builder *b, art_document **out, art_error *err);
void art_doc_builder_abort(art_doc_builder *b);

/* ---- arena for corpus strings -------------------------------------- */
typedef struct art_arena art_arena;
art_arena *art_arena_new(void);
void *art_arena_alloc(art_arena *a, size_t n);
char *art_arena_strdup(art_arena *a, const char *s);   /* NULL -> NULL */
/* Forget every allocation but keep one block, so the arena can be refilled
 * without going back to malloc (the streamed corpus's batches). */
void art_arena_reset(art_arena *a);
void art_arena_free(art_arena *a);

/* ---- corpus taps (store_corpus.c) ----------------------------------- */
/* A consumer that rides along with another's walk of a streamed corpus, so
 * the segments are read from the store once for both: fn gets every segment
 * that the first cursor opened after art_corpus_tap_set reads.  An error from fn
 * is kept, not returned to the cursor's owner. */
typedef art_status (*art_corpus_tap_fn)(void *ud, const art_seg_view *seg, art_error *err);
/* false for an in-memory corpus (walk it yourself: it costs nothing). */
bool art_corpus_tap_set(const art_corpus *c, art_corpus_tap_fn fn, void *ud);
/* Remove the tap.  *complete: a cursor fed it every segment, first to last
 * (a walk left half-way, or none at all, is not).  Returns fn's error. */
art_status art_corpus_tap_take(const art_corpus *c, bool *complete, art_error *err);

/* A tap that offers a shared scan: one matcher, compiled from `phrases`.
 * When the tapped walk's owner takes it (art_corpus_cursor_scan_covers),
 * the walk runs the scan once per segment and hands sfn the matches, and
 * the owner reads the same matches (art_corpus_cursor_scan) instead of
 * matching the text again; otherwise the walk feeds fn, as
 * art_corpus_tap_set's does.  So the ladder's phrases, appended to the
 * rubric's indicators, cost a lexical plugin's walk no second pass, and
 * cost any other walk no more than the ladder's own matcher.  The matcher
 * and the phrases must outlive the tap.  Removed with art_corpus_tap_take. */
struct art_match_ex;
typedef art_status (*art_corpus_scan_fn)(void *ud, const art_seg_view *seg,
                                         const struct art_match_ex *m, size_t n, art_error *err);
bool art_corpus_tap_set_scan(const art_corpus *c, art_corpus_tap_fn fn, art_corpus_scan_fn sfn,
                             void *ud, const art_matcher *scan, const char *const *phrases,
                             size_t nphrases);
/* Does this cursor feed a scan whose first n phrases are `phrases` (the
 * same strings, in order)?  If so, the cursor runs the scan from its next
 * segment on.  Ask once, after opening it, before the first segment. */
bool art_corpus_cursor_scan_covers(art_corpus_cursor *cur, const char *const *phrases, size_t n);
/* The scan's matches of the segment the cursor last returned, in
 * (start, indicator) order; false when the scan has none for it (no scan,
 * or it failed): match the text yourself.  Valid until the next call on
 * the cursor. */
bool art_corpus_cursor_scan(const art_corpus_cursor *cur, const struct art_match_ex **m,
                            size_t *n);

/* ---- readers of a streamed corpus for other threads (store_corpus.c) - */
/* How many threads may walk the corpus at once, each with a reader of its
 * own: 1 for an in-memory corpus, a store set to one job, an in-memory
 * store, or a connection inside a transaction (a new connection would not
 * see its writes); else the store's jobs, by default one per core. */
int art_corpus_readers(const art_corpus *c);
/* The same round over a read-only connection of its own, for one thread;
 * free it with art_corpus_free on that thread.  Its taps are its own. */
art_status art_corpus_open_reader(const art_corpus *c, art_corpus **out, art_error *err);
/* Pinned segments: copies of segments a walk was at, kept so that
 * art_corpus_find_many hands them out without reading the store again.
 * Evidence is found during a walk but cited after it, when its segments
 * are long gone from the batches: read back one by one they cost a
 * lexical score a fifth of its time.  Streamed corpora only, at most
 * ART_MAX_PINS segments (then they are read again, as before).  A pin
 * fails only for memory, and then the segment is simply read again. */
#define ART_MAX_PINS 65536
bool art_corpus_pin(const art_corpus *c, const art_seg_view *seg);
/* Unpin every segment but those whose ids are listed (any order). */
void art_corpus_pins_retain(const art_corpus *c, const int64_t *ids, size_t n);
void art_corpus_pins_clear(const art_corpus *c);
size_t art_corpus_pins(const art_corpus *c);

/* Whether cursors opened from now on read ahead on a thread of their own,
 * where readers are allowed at all (art_corpus_readers > 1): on by default.
 * Off helps nothing when every core already walks: art_assess turns it off
 * while the plugins' threads fill the cores. */
void art_corpus_set_readahead(const art_corpus *c, bool on);

/* ---- the ladder, one segment at a time (ladder.c) ------------------- */
typedef struct art_ladder_run art_ladder_run;
/* *out is NULL when the rubric has nothing to place (an empty ladder). */
art_status art_ladder_run_new(const art_rubric *r, art_ladder_run **out, art_error *err);
art_status art_ladder_run_feed(art_ladder_run *lr, const art_seg_view *sv, art_error *err);
/* The ladder's phrases in the order its matcher numbers them: *out (may be
 * NULL) gets them; returns how many. */
size_t art_ladder_run_phrases(const art_ladder_run *lr, const char **out);
/* As art_ladder_run_feed, from matches already found by a matcher whose
 * phrases base, base + 1, ... are the ladder's (art_ladder_run_phrases);
 * matches of other phrases are passed over. */
art_status art_ladder_run_feed_matches(art_ladder_run *lr, const art_seg_view *sv,
                                       const struct art_match_ex *m, size_t n, size_t base,
                                       art_error *err);
/* Forget what was fed (to walk again from the start). */
void art_ladder_run_reset(art_ladder_run *lr);
/* Sort, find the highest sustained rung, and hand the ladder over. */
void art_ladder_run_finish(art_ladder_run *lr, art_ladder *out);
void art_ladder_run_free(art_ladder_run *lr);

/* ---- tally: a phrase count over the whole corpus, in C (tally.c) ---- */
/* What art.tally hands a plugin: per group (a rubric dimension) and facet
 * (0 espoused: documents; 1 enacted: interviews), the sums of positive and
 * negative weight and the strongest matches as evidence. */
typedef struct art_tally_phrase {
    const char *text;       /* the indicator's phrase */
    size_t group;           /* < ngroups */
    int direction;          /* +1 / -1 */
    double weight;
    art_level level;        /* ART_LEVEL_NONE: the segment's own level */
} art_tally_phrase;

typedef struct art_tally_hit {
    int64_t segment;
    const char *phrase;     /* the spec's, not a copy */
    size_t index;           /* phrase index in the matcher */
    long start;             /* code point in the segment */
    double weight;          /* after hedging */
    int direction;          /* after negation */
    art_level level;
} art_tally_hit;

typedef struct art_tally_cell {
    double pos, neg;        /* weights toward (+) and away from (-) the value */
    size_t matches;
    art_tally_hit *hits;    /* after the run: the strongest, at most limit, sorted */
    size_t nhits, cap;
    art_tally_hit cutoff;   /* the weakest kept at the last cut, once full */
    bool full;
} art_tally_cell;

typedef struct art_tally_spec {
    const art_matcher *matcher;
    const art_tally_phrase *phrases;   /* one per matcher phrase */
    size_t nphrases;                   /* 0: never share the tap's scan */
    size_t ngroups;
    double hedge;                      /* a hedged match's weight is multiplied by it */
    size_t limit;                      /* evidence kept per cell */
    const char *const *skip_blocks;    /* segments of these blocks are not read */
    size_t nskip;
    /* Asked every few hundred segments; false stops the walk (ART_ERR_LIMIT). */
    bool (*keep_going)(void *ud);
    void *ud;
} art_tally_spec;

/* Walk the corpus once into cells (ngroups * 2 of them, zeroed by the
 * caller; index group * 2 + facet).  *reading_seconds (may be NULL) gains
 * the time spent reading the corpus.  The cursor it opens takes the
 * corpus's tap, as any walk does. */
art_status art_tally_run(const art_corpus *corpus, const art_tally_spec *spec,
                         art_tally_cell *cells, double *reading_seconds, art_error *err);
void art_tally_cells_free(art_tally_cell *cells, size_t n);

/* ---- assessments --------------------------------------------------- */
/* A fresh assessment with one unscored dimension per rubric dimension. */
art_status art_assessment_from_rubric(const art_rubric *rb, const char *site, const char *round,
                                      art_assessment **out, art_error *err);

/* The name under which the store reads a run's rubric back: such a rubric
 * keeps its dimensions but reads no dictionary files (reports need none). */
#define ART_STORED_RUBRIC "stored rubric"

/* ---- misc ----------------------------------------------------------- */
/* Seconds on CLOCK_MONOTONIC since t0 (taken from the same clock). */
struct timespec;
double art_seconds_since(const struct timespec *t0);
/* Format a locator for a document segment into a malloc'd string. */
char *art_locator_format(int paragraph, int sentence, long start, long end);

/* The RelaxNG schema of rubric files, compiled in (generated from rubrics/rubric.rng). */
extern const unsigned char art_rubric_schema_rng[];
extern const size_t art_rubric_schema_rng_len;

#endif
