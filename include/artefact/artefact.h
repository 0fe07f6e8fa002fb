/*
 * artefact — culture artefact assessment for Community Led Support sites.
 *
 * This is the one public header of libartefact.  Every public symbol starts
 * with art_ (functions, types) or ART_ (constants).  Functions that can fail
 * return an art_status and fill an art_error the caller may print: the
 * message is one line, names the file involved where there is one, and never
 * contains document text (interview data is sensitive personal data).
 *
 * Ownership: a function named *_free or *_clear releases what the matching
 * constructor returned.  Strings inside structs are owned by the struct.
 */
#ifndef ARTEFACT_H
#define ARTEFACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ART_VERSION "0.1.0"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

typedef enum art_status {
    ART_OK = 0,
    ART_ERR_USAGE,       /* bad arguments from the caller */
    ART_ERR_IO,          /* missing or unreadable file, write failure */
    ART_ERR_FORMAT,      /* malformed input (CSV, HTML, XML, rubric) */
    ART_ERR_UNSUPPORTED, /* a file whose format artefact does not read */
    ART_ERR_NOMEM,       /* allocation failed */
    ART_ERR_STORE,       /* SQLite reported an error */
    ART_ERR_PLUGIN,      /* a plugin failed (load, run, or bad output) */
    ART_ERR_LIMIT,       /* a size, count, time or memory budget was exceeded */
    ART_ERR_NOTFOUND     /* a named site, round, dimension... does not exist */
} art_status;

#define ART_ERROR_MAX 512

typedef struct art_error {
    art_status status;
    char message[ART_ERROR_MAX];
} art_error;

/* Set err (which may be NULL) and return st, so callers can write
 * `return art_error_set(err, ART_ERR_IO, "%s: cannot open", path);` */
art_status art_error_set(art_error *err, art_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void art_error_clear(art_error *err);
const char *art_status_name(art_status st);

/* ------------------------------------------------------------------ */
/* Vocabulary: Schein levels, voices, facets                           */
/* ------------------------------------------------------------------ */

/* Schein's three levels of culture. */
typedef enum art_level {
    ART_LEVEL_NONE = -1,
    ART_LEVEL_ARTEFACT = 0,   /* what can be seen: processes, forms, hubs, mantras */
    ART_LEVEL_ESPOUSED = 1,   /* what the organisation says matters */
    ART_LEVEL_ASSUMPTION = 2  /* what people take for granted (interviews) */
} art_level;
const char *art_level_id(art_level lv);        /* "artefact", "espoused", "assumption", "none" */
art_level art_level_from_id(const char *id);   /* ART_LEVEL_NONE if unknown */

/* Whose voice a piece of interview evidence carries. */
typedef enum art_voice {
    ART_VOICE_UNKNOWN = 0,
    ART_VOICE_LOCAL_AUTHORITY,
    ART_VOICE_HEALTH,
    ART_VOICE_VCS,            /* voluntary and community sector */
    ART_VOICE_LIVED,          /* people who draw on support, and carers */
    ART_VOICE_OTHER
} art_voice;
#define ART_VOICE_COUNT 6
const char *art_voice_id(art_voice v);    /* "unknown","local_authority","health","vcs","lived_experience","other" */
const char *art_voice_name(art_voice v);  /* human-readable */
art_voice art_voice_from_id(const char *id);
/* Map free-text role/sector attributes (either may be NULL) to a voice. */
art_voice art_voice_classify(const char *role, const char *sector);

/* Where a score comes from: documents (espoused), interviews (enacted). */
typedef enum art_facet {
    ART_FACET_ESPOUSED = 0,
    ART_FACET_ENACTED = 1
} art_facet;
const char *art_facet_id(art_facet f);    /* "espoused", "enacted" */

typedef enum art_source_kind {
    ART_SRC_DOCUMENT = 0,     /* policy documents: txt, md, html */
    ART_SRC_INTERVIEW = 1     /* coded interview data: CSV exports */
} art_source_kind;

/* ------------------------------------------------------------------ */
/* Documents: parse, segment, keep locators                            */
/* ------------------------------------------------------------------ */

typedef enum art_block_kind {
    ART_BLOCK_PARAGRAPH = 0,
    ART_BLOCK_HEADING,
    ART_BLOCK_LIST_ITEM,
    ART_BLOCK_TABLE_CELL,
    ART_BLOCK_QUOTE
} art_block_kind;
const char *art_block_kind_id(art_block_kind k);

/* A segment is one sentence of one block.  Offsets count Unicode code points
 * in the document's plain_text, from 0, end exclusive (as REFI-QDA does). */
typedef struct art_segment {
    char *text;
    int paragraph;          /* 0-based block index in the document */
    int sentence;           /* 0-based sentence index within the block */
    long start, end;        /* code-point offsets into plain_text */
    art_block_kind block;
} art_segment;

typedef struct art_document {
    char *format;           /* "txt", "md", "html" */
    char *title;            /* <title>, first heading, or NULL */
    char *plain_text;       /* extracted text: blocks joined by "\n\n" */
    art_segment *segs;
    size_t nsegs;
    int nblocks;
} art_document;

art_status art_doc_parse_text(const char *data, size_t len, const char *name,
                              art_document **out, art_error *err);
art_status art_doc_parse_markdown(const char *data, size_t len, const char *name,
                                  art_document **out, art_error *err);
art_status art_doc_parse_html(const char *data, size_t len, const char *name,
                              art_document **out, art_error *err);
void art_document_free(art_document *doc);

/* ------------------------------------------------------------------ */
/* Coded interview data (CSV exports from QDA software)                */
/* ------------------------------------------------------------------ */

typedef struct art_attr {
    char *name;
    char *value;
} art_attr;

typedef struct art_coded_segment {
    char *document;         /* interview document/file inside the export, or NULL */
    char *participant;      /* case / participant as written in the export, or NULL */
    char *coder;            /* who coded it, or NULL */
    char *code;             /* leaf code name */
    char *code_path;        /* "Parent/Child"; equal to code when flat */
    char *text;             /* the coded text */
    char *memo;             /* coder's memo, or NULL */
    long row;               /* 1-based data record number in the file */
} art_coded_segment;

typedef struct art_participant_info {
    char *name;
    art_attr *attrs;        /* role, sector, CaseVar_* ... (names as in the file) */
    size_t nattrs;
} art_participant_info;

typedef struct art_coded_set {
    char *format;           /* "taguette-csv", "qualcoder-csv", "artefact-csv" */
    art_coded_segment *items;
    size_t nitems;
    art_participant_info *participants;
    size_t nparticipants;
} art_coded_set;

/* Recognise the export by its header row and parse it.  A CSV whose header is
 * none of the known ones fails with ART_ERR_UNSUPPORTED. */
art_status art_coded_parse_csv(const char *data, size_t len, const char *name,
                               art_coded_set **out, art_error *err);
void art_coded_set_free(art_coded_set *set);
/* Value of attribute `name` (case-insensitive) for participant, or NULL. */
const char *art_participant_attr(const art_participant_info *p, const char *name);

/* A site's own words for its voices, from a mapping file (CSV with the
 * header "match,voice"): a participant whose sector, role or any other
 * attribute contains `match` (case-insensitive) has that voice.  Rules are
 * tried in file order before the built-in defaults. */
typedef struct art_voice_rule {
    char *match;
    art_voice voice;
} art_voice_rule;
typedef struct art_voice_map {
    art_voice_rule *rules;
    size_t nrules;
} art_voice_map;
art_status art_voice_map_load(const char *path, art_voice_map **out, art_error *err);
void art_voice_map_free(art_voice_map *m);
/* The voice of a participant with these attributes: the map's first
 * matching rule (sector, then role, then the others), else the defaults. */
art_voice art_voice_of(const art_voice_map *m, const art_attr *attrs, size_t nattrs);


/* ------------------------------------------------------------------ */
/* Rubric                                                              */
/* ------------------------------------------------------------------ */

typedef struct art_indicator {
    char *phrase;           /* words; "word*" matches a prefix, "*" any one word */
    int direction;          /* +1 toward the CLS value, -1 toward the low pole */
    double weight;          /* > 0, default 1 */
    art_level level;        /* ART_LEVEL_NONE when the rubric does not say */
    char *provenance;       /* where the indicator comes from, or NULL */
} art_indicator;

typedef struct art_code_map {
    char *pattern;          /* code path glob, case-insensitive, e.g. "Trust/..." */
    int direction;          /* +1 / -1 */
} art_code_map;

#define ART_LEVELS 5

/* A named list of phrases the rubric uses outside dimension scoring: the
 * rungs of the co-production ladder, micro/strategic scope, CLS outcomes,
 * how a person came in.  Phrases follow the indicator syntax. */
typedef struct art_phrase_group {
    char *id;               /* "consultation", "micro", "outcome-1", "hub" ... */
    char *name;             /* human label */
    char *description;
    int rank;               /* ladder rung 1..7, outcome number 1..6; 0 otherwise */
    char **phrases;
    size_t nphrases;
} art_phrase_group;

typedef struct art_dimension {
    char *id;               /* "trust", "hierarchy", ... */
    char *name;
    char *description;
    char *low_pole;
    char *cls_value;
    double target;          /* 0..100 */
    char *levels[ART_LEVELS];  /* descriptors of levels 1 (low pole) .. 5 (CLS value) */
    art_indicator *indicators;
    size_t nindicators;
    art_code_map *codes;
    size_t ncodes;
    char **practice;        /* next steps: practice examples toward the CLS value */
    size_t npractice;
} art_dimension;

typedef struct art_rubric {
    char *id;
    char *version;
    char *title;
    char sha256[65];        /* of the rubric file's bytes, lowercase hex */
    art_dimension *dims;
    size_t ndims;
    art_phrase_group *ladder;   /* TLAP co-production ladder, rungs by rank 1..7 */
    size_t nladder;
    art_phrase_group *scopes;   /* "micro" (a person's own support), "strategic" */
    size_t nscopes;
    art_phrase_group *outcomes; /* CLS outcomes, rank = outcome number */
    size_t noutcomes;
    art_phrase_group *routes;   /* how a person came in: "hub", "referral", "worker" */
    size_t nroutes;
} art_rubric;

/* Add a code mapping file (CSV with the header "pattern,dimension,direction",
 * direction "cls" or "low") to a loaded rubric, for codebooks other than
 * the CLS one: each row maps the codes whose path matches `pattern` (a
 * case-insensitive glob) to a dimension.  *text gets the file's bytes (for
 * the run's record; may be NULL). */
art_status art_rubric_add_code_map(art_rubric *r, const char *path, char **text,
                                   art_error *err);

/* Parse and validate (against the RelaxNG schema compiled into the library)
 * a rubric file.  Semantic checks too: unique ids, five levels, targets in
 * range, at least one indicator per direction. */
art_status art_rubric_load(const char *path, art_rubric **out, art_error *err);
art_status art_rubric_load_memory(const char *data, size_t len, const char *name,
                                  art_rubric **out, art_error *err);
void art_rubric_free(art_rubric *r);
const art_dimension *art_rubric_dimension(const art_rubric *r, const char *id);

/* ------------------------------------------------------------------ */
/* Phrase matching (C side; exposed to plugins)                        */
/* ------------------------------------------------------------------ */

typedef struct art_match {
    size_t indicator;       /* index into the phrase list given to the matcher */
    long start, end;        /* code-point offsets in the text, end exclusive */
    int negated;            /* a negator ("not", "no longer", "never"...) precedes it */
} art_match;

typedef struct art_matcher art_matcher;

/* Compile a phrase list (as in art_indicator.phrase).  Matching is on
 * case-folded word tokens, so punctuation and case do not matter. */
art_status art_matcher_new(const char *const *phrases, size_t n, art_matcher **out,
                           art_error *err);
void art_matcher_free(art_matcher *m);
/* All matches in text, in order of start.  *out is malloc'd; free() it. */
art_status art_matcher_run(const art_matcher *m, const char *text, size_t len,
                           art_match **out, size_t *nout, art_error *err);

/* ------------------------------------------------------------------ */
/* Corpus: what plugins see                                            */
/* ------------------------------------------------------------------ */

typedef struct art_seg_view {
    int64_t id;             /* segment id in the store */
    art_source_kind kind;
    const char *source;     /* display name: title or file name */
    const char *document;   /* interview document inside an export, or NULL */
    const char *locator;    /* human-readable: "para 3, sentence 2, chars 120-245" */
    int paragraph, sentence;
    long start, end;
    const char *text;       /* participants' names already replaced unless revealed */
    const char *participant;/* pseudonym ("P01") or, when revealed, the name; NULL for documents */
    art_voice voice;
    art_level level;        /* default level: espoused for documents, assumption for interviews */
    const char *const *codes;   /* code paths attached to this segment */
    const char *const *coders;  /* parallel to codes; entries may be NULL */
    size_t ncodes;
    const char *block;      /* "paragraph", "heading", "list_item", "table_cell", "quote",
                               "excerpt" (a coded passage); NULL if unknown */
} art_seg_view;

/* A corpus is held in one of two ways.  In memory (art_store_load_corpus,
 * or built by hand): segs holds every segment in ascending id order.
 * Streamed from the store (art_store_open_corpus): segs is NULL, nsegs 0,
 * and segments are read in bounded batches by a cursor, so memory does not
 * grow with the size of a site.  Consumers that should work with both walk
 * a cursor (art_corpus_cursor_open) and resolve ids with art_corpus_find. */
typedef struct art_corpus_stream art_corpus_stream;

typedef struct art_corpus {
    char *site;
    char *round;
    art_seg_view *segs;     /* in memory: every segment; NULL when streamed */
    size_t nsegs;
    void *arena;            /* owns all strings above */
    art_corpus_stream *stream;  /* store-backed reader, or NULL (in memory) */
} art_corpus;

/* Frees either kind.  A streamed corpus must be freed before its store is
 * closed, and not while a cursor on it is open. */
void art_corpus_free(art_corpus *c);

/* Segments in the corpus (a COUNT in the store when streamed). */
size_t art_corpus_count(const art_corpus *c);

/* A forward walk over a corpus's segments in ascending id order.  Several
 * cursors may be open on one corpus at once (each reads its own batches);
 * a corpus and its cursors belong to one thread at a time. */
typedef struct art_corpus_cursor art_corpus_cursor;
art_status art_corpus_cursor_open(const art_corpus *c, art_corpus_cursor **out,
                                  art_error *err);
/* The next segment, or *seg = NULL at the end.  The view and its strings
 * stay valid until the next call on this cursor or its close; copy what must
 * outlive that.  A store error is returned as one line in err. */
art_status art_corpus_cursor_next(art_corpus_cursor *cur, const art_seg_view **seg,
                                  art_error *err);
void art_corpus_cursor_close(art_corpus_cursor *cur);

/* The segment with this id, or *seg = NULL (ART_OK) when the corpus has no
 * such segment.  A streamed corpus reads it from the store; its view stays
 * valid until the next art_corpus_find on the same corpus or its free. */
art_status art_corpus_find(const art_corpus *c, int64_t id, const art_seg_view **seg,
                           art_error *err);
/* The segments with these ids at once: out[i] for ids[i], NULL where the
 * corpus has none.  A streamed corpus reads them in id order inside one
 * read transaction, far cheaper than one art_corpus_find each.  The views
 * stay valid until the next find on the same corpus or its free. */
art_status art_corpus_find_many(const art_corpus *c, const int64_t *ids, size_t n,
                                const art_seg_view **out, art_error *err);

/* ------------------------------------------------------------------ */
/* Plugins                                                             */
/* ------------------------------------------------------------------ */

typedef struct art_evidence {
    int64_t segment_id;     /* 0 when not tied to a segment */
    char *source;
    char *locator;
    char *quote;
    char *participant;      /* pseudonym or NULL */
    char *indicator;        /* the phrase or code that matched */
    int direction;          /* +1 / -1 */
    art_level level;
    art_voice voice;
    art_facet facet;
    double weight;
} art_evidence;

typedef struct art_emit {
    char *dimension;
    art_facet facet;
    double score;           /* 0..100 */
    double weight;          /* how much evidence stands behind it (> 0) */
    art_evidence *ev;
    size_t nev;
} art_emit;

typedef struct art_plugin_limits {
    long long max_instructions;  /* VM instructions per plugin run */
    size_t max_memory;           /* bytes of Lua heap */
    double max_seconds;          /* wall clock, checked in hooks and C calls */
    size_t max_emits;
    size_t max_evidence;         /* per emit */
} art_plugin_limits;

/* Sensible defaults: 200M instructions, 64 MiB, 20 s, 1000 emits, 500 evidence. */
void art_plugin_limits_default(art_plugin_limits *lim);

typedef struct art_plugin_result {
    char *path;
    char *name;             /* from the plugin's metadata; the file name if it never declared */
    char *version;
    char *description;
    char **dimensions;
    size_t ndimensions;
    char sha256[65];        /* of the plugin file */
    art_status status;      /* ART_OK, or why it was skipped */
    char *error;            /* one-line error, NULL when ok */
    art_emit *emits;
    size_t nemits;
    long long instructions; /* VM instructions used (approximate) */
    size_t peak_memory;     /* bytes */
} art_plugin_result;

/* Run one plugin over a corpus (in memory or streamed) in a fresh sandboxed
 * lua_State.  The return value is ART_OK when the plugin ran or was
 * contained; a plugin's own failure is reported in out->status / out->error,
 * never as a crash.  Only a failure of the host itself returns an error: no
 * memory for the state, or the store failing while a streamed corpus is
 * read (the plugin is stopped, as by a spent budget, and err names it). */
art_status art_plugin_run(const char *path, const art_rubric *rubric,
                          const art_corpus *corpus, const art_plugin_limits *lim,
                          art_plugin_result *out, art_error *err);
art_status art_plugin_run_buffer(const char *code, size_t len, const char *chunkname,
                                 const art_rubric *rubric, const art_corpus *corpus,
                                 const art_plugin_limits *lim, art_plugin_result *out,
                                 art_error *err);
/* Load a plugin only to read its metadata (for `artefact plugins`). */
art_status art_plugin_describe(const char *path, const art_plugin_limits *lim,
                               art_plugin_result *out, art_error *err);
void art_plugin_result_clear(art_plugin_result *r);

/* ------------------------------------------------------------------ */
/* Analyses beside the scores: co-production ladder, change stories    */
/* ------------------------------------------------------------------ */

#define ART_RUNGS 7         /* TLAP: 1 coercion .. 7 co-production */
#define ART_OUTCOMES 6      /* CLS outcome numbers 1..6 (5 is not used by the 2020 briefing) */

typedef enum art_scope {
    ART_SCOPE_UNKNOWN = 0,
    ART_SCOPE_MICRO,        /* a person's own support */
    ART_SCOPE_STRATEGIC     /* services, commissioning, governance */
} art_scope;
const char *art_scope_id(art_scope s);   /* "unknown", "micro", "strategic" */

typedef struct art_ladder_item {
    int64_t segment_id;
    int rung;               /* 1..ART_RUNGS */
    art_scope scope;
    art_facet facet;
    char *source;
    char *locator;
    char *quote;
    char *phrase;           /* what placed it on the rung */
} art_ladder_item;

typedef struct art_ladder {
    size_t counts[ART_RUNGS + 1];     /* [rung], index 0 unused */
    size_t micro[ART_RUNGS + 1];
    size_t strategic[ART_RUNGS + 1];
    int highest_sustained;  /* highest rung with evidence from >= 2 passages in >= 2 sources; 0 none */
    art_ladder_item *items; /* strongest rung first */
    size_t nitems;
} art_ladder;

/* Place each engagement activity found in the corpus on the ladder, using
 * the rubric's ladder and scope phrases (the highest rung a passage names).
 * One walk of a cursor: a streamed corpus is read once, batch by batch. */
art_status art_ladder_classify(const art_rubric *r, const art_corpus *c, art_ladder *out,
                               art_error *err);
void art_ladder_clear(art_ladder *l);

/* A Most Significant Change story. */
typedef struct art_story {
    char *id;
    char *title;
    char *teller;           /* role of who tells it, or NULL */
    char *date;
    char *text;
    char *route;            /* route id: declared in the file, else tagged; NULL unknown */
    int outcomes[ART_OUTCOMES + 1];       /* [k] = 1 if it evidences CLS outcome k */
    char *because[ART_OUTCOMES + 1];      /* the phrase that tagged outcome k, or "declared" */
    char *source;           /* file it came from */
} art_story;

typedef struct art_story_set {
    art_story *stories;
    size_t n;
} art_story_set;

/* Markdown with a small front matter (one story per file; front matter
 * keys: type: change-story, id, title, teller, date, route, outcomes), or a
 * CSV with an id,title,text header (plus optional teller,date,route,
 * outcomes).  art_stories_is_story() tells whether a Markdown file is one. */
bool art_stories_is_story(const char *data, size_t len);
art_status art_stories_parse_markdown(const char *data, size_t len, const char *name,
                                      art_story_set **out, art_error *err);
art_status art_stories_parse_csv(const char *data, size_t len, const char *name,
                                 art_story_set **out, art_error *err);
void art_story_set_free(art_story_set *s);
/* Tag outcomes and (when not declared) the route from the rubric's phrases. */
art_status art_stories_tag(const art_rubric *r, art_story_set *s, art_error *err);

/* ------------------------------------------------------------------ */
/* Assessment: combined scores per dimension                           */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Ratings, reviews and rounds (what an assessment carries beside its  */
/* evidence scores; filled by art_store_load_assessment)               */
/* ------------------------------------------------------------------ */

/* Who gave a rating: the site's own people, or an external critical friend. */
typedef enum art_rater_role { ART_ROLE_SELF = 0, ART_ROLE_EXTERNAL = 1 } art_rater_role;
#define ART_ROLE_COUNT 2
const char *art_rater_role_id(art_rater_role r);          /* "self", "external" */
int art_rater_role_from_id(const char *id, art_rater_role *out);  /* 0 ok, -1 unknown */

/* One judgement of one dimension on the rubric's 1..5 levels. */
typedef struct art_rating {
    char *rater;
    art_rater_role role;
    char *dimension;        /* rubric dimension id */
    int level;              /* 1..5 */
    char *rationale;        /* may be NULL */
} art_rating;

/* A critical friend's annotation or override of one dimension.  Reviews are
 * never edited or deleted: a later override supersedes an earlier one, and
 * every one stays in the store and in the report, with who and when. */
typedef enum art_review_kind { ART_REVIEW_ANNOTATION = 0, ART_REVIEW_OVERRIDE = 1 } art_review_kind;
const char *art_review_kind_id(art_review_kind k);        /* "annotation", "override" */
typedef struct art_review {
    char *dimension;
    char *author;
    char *created_at;       /* ISO 8601 UTC, set by the store */
    art_review_kind kind;
    int level;              /* override: 1..5; annotation: 0 */
    char *rationale;        /* required */
} art_review;

/* How a dimension moved between an earlier round and this one
 * (art_report --since).  Evidence lists hold what this round has that the
 * earlier did not (gained) and the reverse (lost), matched on source,
 * locator and indicator. */
typedef struct art_movement {
    int present;            /* 0 unless the assessment has a `since` round */
    double from, to;        /* scores, NAN when none */
    int from_level, to_level;
    art_evidence *gained;
    size_t ngained;
    art_evidence *lost;
    size_t nlost;
} art_movement;

/* Every scored round of a site, oldest first, for trend charts: row r holds
 * round r's score for each dimension of the assessment, in a->dims order
 * (NAN where there was no score or too little evidence). */
typedef struct art_history {
    char **rounds;          /* labels, oldest first (the current one included) */
    char **created_at;
    size_t nrounds;
    size_t ndims;
    double *scores;         /* nrounds * ndims */
} art_history;
void art_history_free(art_history *h);

/* Scores are 0..100, NAN when there is no evidence ("null" in JSON). */
typedef struct art_dim_score {
    char *id;
    char *name;
    char *description;
    char *low_pole;
    char *cls_value;
    char *levels[ART_LEVELS];
    double target;
    double score;           /* combined */
    double espoused;        /* from documents */
    double enacted;         /* from interviews */
    double gap;             /* target - score; NAN if score is NAN */
    double confidence;      /* 0..1 */
    int level;              /* 1..5 the score falls in, 0 when no score */
    size_t nsources;        /* distinct sources behind the evidence */
    size_t nvoices;         /* distinct known voices behind the evidence */
    size_t voice_counts[ART_VOICE_COUNT];
    art_evidence *ev;       /* strongest first */
    size_t nev;
    double divergence;      /* |espoused - enacted|, NAN unless both exist */
    int divergent;          /* divergence >= the assessment's gap threshold */
    int insufficient;       /* below the evidence floor: reports say "insufficient evidence" */
    double level_scores[3]; /* score from the evidence at each Schein level (artefact,
                               espoused, assumption); NAN when none */
    size_t level_counts[3];
    char **practice;        /* next steps from the rubric (copied) */
    size_t npractice;
    /* Share of word tokens matched by the dimension's dictionary indicators
     * (rubric <dictionary>), in documents [ART_FACET_ESPOUSED] and interviews
     * [ART_FACET_ENACTED]; NAN when the rubric gives it no dictionary. */
    double dict_share[2];
    size_t dict_matched[2];
    size_t dict_tokens[2];
    /* Ratings of this dimension in the round, by role (ART_ROLE_*): mean
     * level and count; NAN/0 when none.  rating_disagree is set when, among
     * the values present of the self mean, the external mean and the
     * evidence level (not counted when `insufficient`), the highest and the
     * lowest are 1.0 level apart or more (so self 2.5 vs external 3 is not
     * a disagreement; self 2 vs evidence level 3 is). */
    double rating_mean[ART_ROLE_COUNT];
    size_t rating_n[ART_ROLE_COUNT];
    int rating_disagree;
    /* The latest override, if any (index into a->reviews, -1 when none):
     * the evidence score above is never changed; reports show both. */
    long override_review;
    art_movement movement;
} art_dim_score;

typedef struct art_counts {
    long long sources, documents, interviews, segments, codes, codings, participants;
    long long stories;      /* change stories (their files count as sources, not documents) */
} art_counts;

typedef struct art_assessment {
    char *site;
    char *round;
    char *rubric_id;
    char *rubric_version;
    char rubric_sha256[65];
    char *rubric_title;
    art_dim_score *dims;    /* in rubric order */
    size_t ndims;
    art_plugin_result *plugins;  /* metadata and status only once stored */
    size_t nplugins;
    art_counts counts;
    char *code_map;         /* text of the code mapping file used, or NULL */
    double gap_threshold;   /* espoused/enacted divergence that is flagged */
    art_ladder ladder;
    art_story_set *stories; /* change stories of the round, tagged; NULL if none */
    size_t voice_participants[ART_VOICE_COUNT];  /* participants per voice in the round */
    art_rating *ratings;    /* the round's ratings, by rater then dimension */
    size_t nratings;
    art_review *reviews;    /* the round's reviews, oldest first */
    size_t nreviews;
    /* Krippendorff's alpha (ordinal) over raters x dimensions, with its
     * bootstrap 95% interval; NAN when fewer than two raters overlap. */
    double ratings_alpha, ratings_alpha_lo, ratings_alpha_hi;
    char *since;            /* the earlier round movement is measured from, or NULL */
    art_history *history;   /* NULL until loaded */
    char *origin;           /* NULL when scored here; "bundle:SHA256" when imported */
    /* What the scores were computed from (art_store_inputs_digest), stored
     * with the run; "" when unknown. */
    char inputs_sha256[65];
} art_assessment;

typedef struct art_assess_opts {
    double gap_threshold;   /* flag espoused/enacted divergence at or above (default 15) */
    double min_confidence;  /* below: "insufficient evidence" (default 0.2) */
    size_t min_evidence;    /* below: "insufficient evidence" (default 3) */
} art_assess_opts;
void art_assess_opts_default(art_assess_opts *o);

/* Run every plugin (one failing plugin is recorded and skipped) and combine
 * their emits into per-dimension scores.  Deterministic for equal inputs.
 * opts may be NULL (defaults). */
art_status art_assess(const art_rubric *rubric, const art_corpus *corpus,
                      const char *const *plugin_paths, size_t nplugins,
                      const art_plugin_limits *lim, const art_assess_opts *opts,
                      art_assessment **out, art_error *err);
void art_assessment_free(art_assessment *a);
/* Level 1..5 for a 0..100 score (0 for NAN). */
int art_score_level(double score);

/* ------------------------------------------------------------------ */
/* Store (SQLite)                                                      */
/* ------------------------------------------------------------------ */

typedef struct art_store art_store;

#define ART_SCHEMA_VERSION 9

/* Open or create.  A new file is created mode 0600.  Foreign keys on, WAL,
 * busy timeout; the schema is migrated forward to ART_SCHEMA_VERSION. */
art_status art_store_open(const char *path, art_store **out, art_error *err);
void art_store_close(art_store *s);
int art_store_schema_version(art_store *s);

/* Warnings from an ingest (a REFI-QDA project that breaks the standard in
 * ways artefact can work round, say): one line each, naming the file. */
typedef void (*art_warning_fn)(void *ud, const char *message);
void art_store_set_warning_handler(art_store *s, art_warning_fn fn, void *ud);
/* Threads an ingest uses to read, hash and parse files while it writes
 * them: 1 is strictly sequential, 0 (the default) one per core.  The store
 * holds the same rows whatever the number. */
void art_store_set_jobs(art_store *s, int jobs);

typedef struct art_ingest_stats {
    long files_seen;
    long files_new;         /* files added to this round (parsed, or reused) */
    long files_unchanged;   /* already ingested in this round: nothing done */
    long segments;          /* segments the store did not hold before */
    long codings;           /* codings the store did not hold before */
    long files_reused;      /* of files_new: already in the store from an earlier
                               round, linked without parsing (so they add no
                               segments or codings of their own) */
} art_ingest_stats;

/* Ingest files (documents or coded CSV; directories are walked, hidden files
 * skipped) into site/round in ONE transaction: on any error nothing is kept. */
art_status art_store_ingest(art_store *s, const char *site, const char *round,
                            const char *const *paths, size_t npaths,
                            art_ingest_stats *stats, art_error *err);

art_status art_store_counts(art_store *s, const char *site, const char *round,
                            art_counts *out, art_error *err);

/* Names of all sites, sorted.  Free each name and the array with free(). */
art_status art_store_sites(art_store *s, char ***names, size_t *n, art_error *err);

/* Latest round of a site (by creation), or NOTFOUND. *out malloc'd. */
art_status art_store_latest_round(art_store *s, const char *site, char **out, art_error *err);

typedef struct art_code_row {
    const char *path;
    const char *name;
    int depth;
    long long ncodings;
} art_code_row;
typedef int (*art_code_cb)(const art_code_row *row, void *ud);  /* non-zero stops */
art_status art_store_each_code(art_store *s, const char *site, art_code_cb cb, void *ud,
                               art_error *err);

typedef struct art_corpus_opts {
    int reveal_names;       /* 0: participants as pseudonyms, names replaced in text */
    size_t batch_segments;  /* streamed: at most this many segments a batch (0: 2048);
                               a batch also ends after 4 MB of text */
} art_corpus_opts;

/* The round's corpus, loaded whole into memory (segs/nsegs).  Memory grows
 * with the site: scoring uses art_store_open_corpus instead. */
art_status art_store_load_corpus(art_store *s, const char *site, const char *round,
                                 const art_corpus_opts *opts, art_corpus **out,
                                 art_error *err);
/* The same corpus, streamed: segments are read from the store in bounded
 * batches and pseudonymised batch by batch when a cursor walks them.  The
 * corpus keeps a pointer to s, which must stay open until it is freed. */
art_status art_store_open_corpus(art_store *s, const char *site, const char *round,
                                 const art_corpus_opts *opts, art_corpus **out,
                                 art_error *err);

/* Record a scored run (rubric text kept so the run is reproducible). */
art_status art_store_save_assessment(art_store *s, const art_assessment *a,
                                     const char *rubric_xml, size_t rubric_len,
                                     art_error *err);
/* A digest of everything a round's scores depend on inside the store: its
 * sources (by content), its segments and codings (so a purge counts), the
 * site's participants and their voices, and its codes, joined with `salt`,
 * which the caller makes from what lies outside the store (rubric and
 * plugin digests, code map, options, artefact version).  Equal digests mean
 * scoring again would give the same scores. */
art_status art_store_inputs_digest(art_store *s, const char *site, const char *round,
                                   const char *salt, char out[65], art_error *err);
/* The inputs digest of the round's latest run: "" when the round has no run
 * or the run has none (scored before schema 6, or imported). */
art_status art_store_latest_inputs(art_store *s, const char *site, const char *round,
                                   char out[65], art_error *err);
/* The latest stored assessment of site/round. */
art_status art_store_load_assessment(art_store *s, const char *site, const char *round,
                                     art_assessment **out, art_error *err);

/* Export a site's round as a REFI-QDA project (.qdpx): sources with their
 * text, codes, cases (participants, with their attributes) and codings.
 * Participants appear as pseudonyms, and their names are replaced in the
 * text, unless reveal_names.  Written atomically. */
art_status art_store_export_qdpx(art_store *s, const char *site, const char *round,
                                 int reveal_names, const char *path, art_error *err);

/* Write the CLS codebook of a rubric as a REFI-QDA codebook (.qdc) for a
 * site to import into its QDA software before coding. */
art_status art_codebook_write_qdc(const art_rubric *r, const char *path, art_error *err);

/* Validate a REFI-QDA file (.qdpx, .qde, .qdc) against the standard's
 * schemas; each problem goes to `report` as one line.  ART_OK when valid,
 * ART_ERR_FORMAT when not. */
art_status art_qda_check(const char *path, art_warning_fn report, void *ud, art_error *err);

/* Re-classify the voices of a site's participants with a mapping file. */
art_status art_store_apply_voice_map(art_store *s, const char *site, const art_voice_map *m,
                                     art_error *err);
/* Participants per voice among those heard in a round. */
art_status art_store_voice_counts(art_store *s, const char *site, const char *round,
                                  size_t counts[ART_VOICE_COUNT], art_error *err);

/* The change stories of a round, untagged (tag them with art_stories_tag). */
art_status art_store_load_stories(art_store *s, const char *site, const char *round,
                                  art_story_set **out, art_error *err);

/* Remove every trace of a participant (pseudonym such as "P03", or name)
 * from a site: their segments with their codings, the evidence quoting them,
 * their attributes and row, and their name (and their own sentences) inside
 * any other text of the site, replaced by "[removed]".  One transaction;
 * then the WAL is checkpointed and truncated and the file VACUUMed, so the
 * file's bytes no longer hold them.  NOTFOUND for an unknown site or
 * participant (the error does not repeat the participant). */
art_status art_store_purge_participant(art_store *s, const char *site, const char *participant,
                                       art_error *err);
/* Remove a whole site (rounds, sources, participants, codes, runs), the
 * same way. */
art_status art_store_purge_site(art_store *s, const char *site, art_error *err);

/* Put participants' real names back into an assessment's evidence (quotes
 * re-read from the store, pseudonyms replaced by names).  Only for a user who
 * asked for it (--reveal-names). */
art_status art_store_reveal_names(art_store *s, art_assessment *a, art_error *err);

/* ---- Ratings and reviews (ratings.c, store_ratings.c) ---- */

/* Parse a ratings CSV: a header naming at least rater, role, dimension and
 * level (rationale optional; any order, case-insensitive), one rating per
 * row.  Bad rows are an error naming the file and line. */
art_status art_ratings_parse_csv(const char *data, size_t len, const char *name,
                                 art_rating **out, size_t *n, art_error *err);
void art_ratings_free(art_rating *r, size_t n);
/* Store ratings into site/round in one transaction (the site and round
 * must exist: NOTFOUND naming them); a rater's rating of a dimension
 * replaces their earlier one.  Every dimension must be one of the rubric's
 * (rb may be NULL: the dimensions the round's latest run scored; with no run
 * yet, every dimension id is accepted).  NOTFOUND names an unknown one. */
art_status art_store_import_ratings(art_store *s, const char *site, const char *round,
                                    const art_rubric *rb, const art_rating *r, size_t n,
                                    art_error *err);
/* Append a review (annotation or override) to site/round: author,
 * rationale and dimension required (the dimension checked as for ratings
 * with rb NULL); an override has a level 1..5, an annotation level 0.
 * created_at is set by the store and rv->created_at is ignored. */
art_status art_store_add_review(art_store *s, const char *site, const char *round,
                                const art_review *rv, art_error *err);
/* Load the round's ratings (by rater then dimension) and reviews (oldest
 * first) into a, replacing what it held, and fill each dimension's
 * rating_mean/rating_n/rating_disagree/override_review and a->ratings_alpha.
 * Participants' names in raters, authors and rationales are replaced by
 * their pseudonyms, as in the evidence. */
art_status art_store_load_reviews(art_store *s, art_assessment *a, art_error *err);
/* The same summary from a->ratings and a->reviews alone (no store).
 * Alpha is ordinal, units = a's dimensions, one column per rater (either
 * role); ratings of dimensions a does not have take no part in it. */
art_status art_assessment_summarise_reviews(art_assessment *a, art_error *err);
void art_reviews_free(art_review *r, size_t n);

/* ---- Rounds and trends (store_history.c) ---- */

/* Every scored round of a's site, oldest first, into a->history. */
art_status art_store_load_history(art_store *s, art_assessment *a, art_error *err);
/* Compare a with the latest run of an earlier round of its site: sets
 * a->since and each dimension's movement.  NOTFOUND for an unknown round. */
art_status art_store_load_movement(art_store *s, art_assessment *a, const char *since,
                                   art_error *err);

/* ---- Comparing sites (compare.c, store_compare.c) ---- */

/* Every site of a store side by side (see docs/compare.md).  A cell is one
 * site's score on one dimension in one round.  A cell backed by fewer than
 * min_sources distinct sources or min_voices distinct known voices is
 * suppressed: its score and level are never shown (they are NAN/0 in the
 * comparison itself), it says why, and it takes no part in percentiles. */
typedef struct art_compare_opts {
    size_t min_sources;     /* default 3 */
    size_t min_voices;      /* default 2 */
    const char *round;      /* the round compared; NULL: each site's latest scored round */
} art_compare_opts;
void art_compare_opts_default(art_compare_opts *o);

typedef enum art_cell_status {
    ART_CELL_SCORED = 0,
    ART_CELL_SUPPRESSED,    /* too few sources or voices (see `why`) */
    ART_CELL_NO_SCORE,      /* enough sources and voices, but the run gave no score
                               (no evidence, or below the evidence floor) */
    ART_CELL_ABSENT         /* the rubric of this run has no such dimension */
} art_cell_status;
const char *art_cell_status_id(art_cell_status s);   /* "scored", "suppressed", ... */

/* Why a cell is suppressed: a set of these bits. */
enum { ART_SUPPRESS_SOURCES = 1, ART_SUPPRESS_VOICES = 2 };

typedef struct art_compare_cell {
    art_cell_status status;
    unsigned why;           /* ART_SUPPRESS_* bits when suppressed, else 0 */
    double score;           /* 0..100; NAN unless status is ART_CELL_SCORED */
    int level;              /* 1..5; 0 unless scored */
    size_t nsources, nvoices;
    /* Mid-rank percentile of the score among the scored cells of the same
     * dimension in the matrix: 100 * (below + 0.5 * equal) / n, where equal
     * counts this site too and scores are compared as whole points.
     * Quartile from it: 1 for (0, 25], 2 for (25, 50], 3 for (50, 75],
     * 4 for (75, 100) — 4 is the top.  NAN / 0 for trend cells and for cells
     * without a shown score. */
    double percentile;
    int quartile;
    size_t nranked;         /* n: scored cells of the dimension in the matrix */
} art_compare_cell;

/* One scored round of a site: its latest run. */
typedef struct art_compare_round {
    char *label;
    char *created_at;
    char *origin;           /* NULL when scored in this store; "bundle:SHA256" when imported */
    art_compare_cell *cells;/* ndims, in art_comparison dimension order */
} art_compare_round;

typedef struct art_compare_site {
    char *name;
    art_compare_round *rounds;   /* every scored round, oldest first: the trend */
    size_t nrounds;
    size_t matrix_round;         /* index into rounds of the round in the matrix */
} art_compare_site;

typedef struct art_comparison {
    char **dim_ids;         /* the union of the runs' dimensions, in rubric order */
    char **dim_names;
    size_t ndims;
    art_compare_site *sites;     /* sites in the matrix, by name */
    size_t nsites;
    char **left_out;        /* sites with no scored run of opts.round, by name */
    size_t nleft_out;
    size_t min_sources, min_voices;
    char *round;            /* opts.round, or NULL */
} art_comparison;

/* Read every site's scored rounds and build the comparison.  NOTFOUND when
 * no site has a scored run (of opts->round, when given).  opts may be NULL. */
art_status art_store_compare(art_store *s, const art_compare_opts *opts, art_comparison **out,
                             art_error *err);
/* Apply the thresholds to every cell and rank the matrix (done by
 * art_store_compare; exposed for comparisons built by hand).  Cells must
 * hold their raw scores, levels and counts with status SCORED, NO_SCORE or
 * ABSENT; suppressed cells lose their score here. */
void art_comparison_rank(art_comparison *c);
/* format "text", "csv", "json" or "html"; table "matrix" or "trend" chooses
 * one table (csv: default matrix; text: default both; json and html always
 * hold both and refuse a table). */
art_status art_comparison_write(const art_comparison *c, const char *format, const char *table,
                                FILE *f, art_error *err);
void art_comparison_free(art_comparison *c);

/* ---- Bundles (bundle.c) ---- */

/* A bundle is what a site sends the network (NDTi): a zip holding
 * manifest.xml (format, producer, time, and the SHA-256 of every other
 * entry) and bundle.xml (scores, levels, evidence counts by Schein level and
 * voice, the ladder's counts, ratings, reviews, the rubric's text).  No
 * interview text unless with_quotes, and then only the stored, already
 * pseudonymised quotes.  See docs/bundles.md. */
#define ART_BUNDLE_FORMAT 1

typedef struct art_bundle_opts {
    int with_quotes;        /* add each dimension's evidence quotes (pseudonymised) */
    int reveal_names;       /* raters and review authors by name, not "self-1"...;
                               participants are never named in a bundle */
} art_bundle_opts;

/* Write the latest run of site/round as a bundle at path (atomically).
 * opts may be NULL (no quotes, raters pseudonymised).  NOTFOUND for an
 * unknown site or round, or a round never scored. */
art_status art_store_export_bundle(art_store *s, const char *site, const char *round,
                                   const art_bundle_opts *opts, const char *path,
                                   art_error *err);

typedef struct art_bundle_import_stats {
    char *site;             /* from the bundle (owned; art_bundle_import_stats_clear) */
    char *round;
    char sha256[65];        /* of bundle.xml: the run's origin is "bundle:" this */
    bool imported;          /* false: this bundle was already in the store, nothing changed */
    size_t ndims, nquotes, nladder, nratings, nreviews;
} art_bundle_import_stats;
void art_bundle_import_stats_clear(art_bundle_import_stats *st);

/* Check a bundle (zip bounds, digests, format, schema, rubric digest) and
 * merge it into the store in one transaction: site and round created when
 * missing, the rubric, a run whose origin is "bundle:SHA256", its scores,
 * quotes when present, ladder, ratings (a rater's rating replaces theirs)
 * and reviews (appended unless already there).  A bundle already imported
 * changes nothing (out->imported false).  out may be NULL. */
art_status art_store_import_bundle(art_store *s, const char *path,
                                   art_bundle_import_stats *out, art_error *err);

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

typedef enum art_format {
    ART_FORMAT_TEXT = 0,
    ART_FORMAT_MARKDOWN,
    ART_FORMAT_JSON,
    ART_FORMAT_HTML
} art_format;
art_status art_format_from_name(const char *name, art_format *out, art_error *err);

typedef struct art_report_opts {
    art_format format;
    int max_evidence;       /* per dimension; 0 = default (5 text/markdown, 10 html, all json) */
} art_report_opts;

art_status art_report_write(const art_assessment *a, const art_report_opts *opts,
                            FILE *out, art_error *err);

/* Every table of a report, for spreadsheets and R (docs/reports.md lists
 * them with their columns).  CSV is RFC 4180: a header row, CRLF line ends,
 * UTF-8 without a byte order mark, text fields quoted (one starting with
 * = + - @ gets a leading apostrophe so a spreadsheet never runs it),
 * numbers bare with a dot, an empty field for a missing value.  JSON is an
 * array of objects keyed by the CSV's header, null for a missing value.
 * Participants appear as the assessment names them (pseudonyms unless the
 * caller revealed names). */
typedef enum art_table_format { ART_TABLE_CSV = 0, ART_TABLE_JSON } art_table_format;
art_status art_table_format_from_name(const char *name, art_table_format *out,
                                      art_error *err);        /* "csv", "json" */
/* The table names in report order, NULL-terminated; *n (may be NULL) gets
 * how many.  Static: do not free. */
const char *const *art_report_table_names(size_t *n);
/* One table to a stream; NOTFOUND (listing the names) for an unknown one. */
art_status art_report_write_table(const art_assessment *a, const char *name,
                                  art_table_format fmt, FILE *out, art_error *err);
/* One table to a file, atomically (temporary file, then rename). */
art_status art_report_write_table_file(const art_assessment *a, const char *name,
                                       art_table_format fmt, const char *path, art_error *err);
/* Every table as DIR/NAME.csv and DIR/NAME.json, each atomically; DIR is
 * created when missing (not its parents). */
art_status art_report_write_tables(const art_assessment *a, const char *dir, art_error *err);

/* ------------------------------------------------------------------ */
/* Utilities                                                           */
/* ------------------------------------------------------------------ */

/* Read a whole file, refusing files larger than max_bytes (0 = 256 MiB). */
art_status art_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                         art_error *err);
/* Lowercase hex SHA-256 of data into out[65]. */
void art_sha256_hex(const void *data, size_t len, char out[65]);

/* ------------------------------------------------------------------ */
/* Agreement between coders                                            */
/* ------------------------------------------------------------------ */

/* Statistics are NAN when undefined (no units, no variation, one coder):
 * "null" in JSON, "n/a" in text.  See docs/agreement.md. */

/* A missing value in a units x raters matrix (the rater gave none). */
#define ART_AGREE_MISSING INT32_MIN

typedef enum art_alpha_metric {
    ART_ALPHA_NOMINAL = 0,
    ART_ALPHA_ORDINAL,
    ART_ALPHA_INTERVAL
} art_alpha_metric;

/* Krippendorff's alpha over a units x raters matrix, row-major: the value
 * rater r gave unit u is m[u * nraters + r], ART_AGREE_MISSING for none.
 * Units with fewer than two values are not pairable and are ignored. */
double art_alpha(const int *m, size_t nunits, size_t nraters, art_alpha_metric metric);
double art_alpha_nominal(const int *m, size_t nunits, size_t nraters);
/* Ordinal alpha, for ratings (levels 1..5, or any ordered integers). */
double art_alpha_ordinal(const int *m, size_t nunits, size_t nraters);
/* Percentile bootstrap interval of alpha: `resamples` resamples of the
 * units with replacement (0 = 1000), drawn from a splitmix64 stream seeded
 * with `seed`, so equal inputs give equal intervals; *lo, *hi are the 2.5th
 * and 97.5th percentiles of the defined resampled alphas (NAN if none). */
art_status art_alpha_bootstrap(const int *m, size_t nunits, size_t nraters,
                               art_alpha_metric metric, size_t resamples, uint64_t seed,
                               double *lo, double *hi, art_error *err);

/* Cohen's kappa from a k x k table of counts (row: the first coder's
 * category, column: the second's), row-major. */
double art_cohen_kappa(const long *table, size_t k);
/* Fleiss' kappa from a subjects x categories table of counts (how many
 * raters put subject i in category j); every subject needs the same number
 * (>= 2) of raters, else NAN. */
double art_fleiss_kappa(const long *counts, size_t nsubjects, size_t ncategories);

/* Krippendorff's thresholds: < 0.667 unreliable, < 0.8 tentative. */
typedef enum art_reliability {
    ART_RELIABILITY_NA = 0,      /* alpha undefined */
    ART_RELIABILITY_UNRELIABLE,
    ART_RELIABILITY_TENTATIVE,
    ART_RELIABILITY_RELIABLE
} art_reliability;
art_reliability art_alpha_reliability(double alpha);
const char *art_reliability_id(art_reliability r);  /* "n/a", "unreliable", "tentative", "reliable" */
/* Landis & Koch band of a kappa: "poor" (< 0), "slight" (<= .20), "fair",
 * "moderate", "substantial", "almost perfect" (> .80); "n/a" for NAN. */
const char *art_kappa_band(double kappa);

/* Who applied which code to which unit, for art_agreement_compute. */
typedef struct art_coding_matrix {
    size_t nunits, ncoders, ncodes;
    const char *const *coders;  /* ncoders names */
    const char *const *codes;   /* ncodes code paths */
    /* value[(u * ncoders + c) * ncodes + k]: 1 coder c applied code k to
     * unit u, 0 did not, -1 the coder gave no value for the unit (missing). */
    const signed char *value;
} art_coding_matrix;

typedef struct art_agreement_opts {
    bool exclude_uncoded;       /* leave out units no compared coder coded */
    const char *const *coders;  /* compare only these (>= 1); NULL: every coder */
    size_t ncoders;
    size_t resamples;           /* bootstrap resamples; 0 = 1000 */
    uint64_t seed;              /* bootstrap seed; 0 = the default (20110101) */
} art_agreement_opts;

typedef struct art_pair_agreement {
    size_t a, b;                /* indices into art_agreement.coders, a < b */
    size_t units;               /* units (unit x code pairs overall) both gave a value */
    size_t both, only_a, only_b, neither;
    double percent;             /* 0..100 */
    double kappa;               /* Cohen's */
} art_pair_agreement;

typedef struct art_code_agreement {
    char *code;                 /* code path; "(all codes)" for the overall figures */
    size_t units;               /* units with at least one value */
    size_t pairable;            /* units with two values or more */
    size_t applied;             /* (unit, coder) pairs with the code present */
    art_pair_agreement *pairs;  /* every pair of coders, in order */
    size_t npairs;
    double fleiss;              /* Fleiss' kappa over units all coders valued; NAN for < 3 coders */
    double alpha;               /* Krippendorff's alpha, nominal, presence/absence */
    double alpha_lo, alpha_hi;  /* 95% bootstrap interval */
    art_reliability reliability;
} art_code_agreement;

typedef struct art_agreement {
    char *site, *round;         /* NULL when computed from a bare matrix */
    char **coders;
    size_t ncoders;
    bool exclude_uncoded;
    size_t units;               /* units in the analysis */
    size_t uncoded;             /* of those, units no compared coder coded */
    size_t excluded;            /* uncoded units left out (--exclude-uncoded) */
    size_t transcripts;         /* interview transcripts the units come from */
    size_t resamples;
    uint64_t seed;
    art_code_agreement *codes;  /* in the matrix's order (from the store: by path) */
    size_t ncodes;
    art_code_agreement overall; /* every unit x code pair as a unit */
} art_agreement;

/* Agreement of a coding matrix (every unit in it is analysed). */
art_status art_agreement_compute(const art_coding_matrix *m, const art_agreement_opts *opts,
                                 art_agreement **out, art_error *err);
/* Agreement of the coders of a round's interview sources.  Units are the
 * segments of those sources; a coder gives a value to every unit of each
 * transcript (source and document) they coded at least once, and none to
 * the others.  Only codings that name a coder count. */
art_status art_store_agreement(art_store *s, const char *site, const char *round,
                               const art_agreement_opts *opts, art_agreement **out,
                               art_error *err);
void art_agreement_free(art_agreement *a);
/* format: "text", "csv" or "json" (docs/agreement.md). */
art_status art_agreement_write(const art_agreement *a, const char *format, FILE *out,
                               art_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ARTEFACT_H */
