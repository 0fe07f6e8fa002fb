/* Internal to the report writers (report.c, report_html.c).  Not installed. */
#ifndef ART_REPORT_H
#define ART_REPORT_H

#include "internal.h"

/* An output stream that remembers its first failure, so writers can emit
 * freely and check once at the end (a failed stream swallows later writes). */
typedef struct art_out {
    FILE *f;
    bool failed;
} art_out;

void art_out_write(art_out *o, const char *s, size_t n);
void art_out_puts(art_out *o, const char *s);
void art_out_printf(art_out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* How free text (names, quotes, errors) is escaped on its way out. */
typedef enum art_esc {
    ART_ESC_NONE = 0,   /* plain text: only sanitised */
    ART_ESC_MD,         /* Markdown inline text, also safe in a GFM table cell */
    ART_ESC_HTML        /* HTML text or attribute value */
} art_esc;

/* No limit on code points for art_report_put_text. */
#define ART_REPORT_NO_LIMIT ((size_t)-1)

/* Write s sanitised for a human reader: invalid UTF-8 becomes U+FFFD, control
 * characters become spaces, runs of white space one space, both ends trimmed.
 * At most max_cp code points are written; a longer text is cut on a code point
 * boundary and ends with an ellipsis.  NULL writes `null_text`. */
void art_report_put_text(art_out *o, const char *s, size_t max_cp, art_esc esc,
                         const char *null_text);

/* Indices of a->dims in report order: gap descending, NAN gaps last, ties
 * in rubric order.  malloc'd (NULL with ndims > 0 means no memory). */
size_t *art_report_order(const art_assessment *a);

/* How many evidence items of d to show given the per-format default. */
size_t art_report_evidence_shown(const art_dim_score *d, int max_evidence, size_t dflt);

/* True when x is a number (not NAN, not infinite). */
bool art_report_has(double x);
/* x rounded half away from zero, as an integer for human formats. */
long art_report_round(double x);
/* "low", "medium", "high" from a 0..1 confidence; NULL if it is not a number. */
const char *art_report_confidence_word(double c);
/* "low", "medium", "high", "insufficient evidence" or "no evidence". */
const char *art_report_confidence_label(const art_dim_score *d);
/* Descriptor of the level above d's current one; NULL at level 5 or no score. */
const char *art_report_next_level(const art_dim_score *d);

/* The voices the evaluation asks every site to hear: local authority,
 * health, the voluntary and community sector, lived experience. */
#define ART_KEY_VOICES 4
extern const art_voice art_report_key_voices[ART_KEY_VOICES];
/* Names of the key voices with a zero count, joined by ", " into buf;
 * returns how many are missing. */
size_t art_report_missing_voices(const size_t counts[ART_VOICE_COUNT], char *buf, size_t n);

/* ---- depth: contradictions, levels, next steps, ladder, stories ---- */
/* (report_depth.c) */
const char *art_report_rung_name(int rung);
const char *art_report_outcome_name(int k);       /* "" for unused numbers */
const char *art_report_route_name(const char *route);
/* Indices of the divergent dimensions, largest divergence first (malloc'd;
 * returns how many). */
size_t art_report_contradictions(const art_assessment *a, size_t **out);
/* Documents and interviews on opposite sides of 50, and words for it. */
bool art_report_opposite(const art_dim_score *d);
const char *art_report_lean_words(const art_dim_score *d);
size_t art_report_facet_evidence(const art_dim_score *d, size_t shown, art_facet f, int dir,
                                 const art_evidence **ev, size_t max);
int art_report_contradiction_dir(const art_dim_score *d, art_facet f);
size_t art_report_story_count(const art_assessment *a, int outcome);
void art_report_plain_contradictions(const art_assessment *a, int max_ev, size_t dflt,
                                     art_out *o, bool md);
void art_report_plain_dimension_extra(const art_dim_score *d, art_out *o, bool md);
void art_report_ladder_facets(const art_assessment *a, int rung, size_t *docs, size_t *ints);
void art_report_plain_ladder(const art_assessment *a, art_out *o, bool md);
void art_report_plain_stories(const art_assessment *a, art_out *o, bool md);
void art_report_json_ladder(const art_assessment *a, art_out *o);

/* ---- ratings, reviews, movement, trend (report.c) ---- */
/* The dimension's current override review, or NULL (index checked). */
const art_review *art_report_override(const art_assessment *a, const art_dim_score *d);
/* True when the assessment has any rating or review to show. */
bool art_report_has_reviews(const art_assessment *a);
/* "up", "down", "no change", "newly scored", "no longer scored", "not scored". */
const char *art_report_movement_word(const art_movement *m);
/* True when the history holds two rounds or more (a trend to draw). */
bool art_report_has_trend(const art_assessment *a);
/* Text (md false) and Markdown sections for them (report_depth.c); each
 * writes nothing when the assessment has nothing of its kind. */
void art_report_plain_reviews(const art_assessment *a, art_out *o, bool md);
void art_report_plain_movement(const art_assessment *a, art_out *o, bool md);
void art_report_plain_trend(const art_assessment *a, art_out *o, bool md);
/* "Krippendorff's alpha 0.71 (95% CI 0.50 to 0.90): tentative", or why
 * there is none. */
void art_report_put_alpha(const art_assessment *a, art_out *o);
/* The Schein level as a person reads it: "Artefact", "Espoused value"... */
const char *art_report_schein_name(art_level lv);
/* A mean rating ("3.5") or an em dash. */
void art_report_put_mean(art_out *o, double mean, size_t n);
/* JSON string (null for NULL) and fixed-precision number (null for NAN). */
void art_report_json_string(art_out *o, const char *s);
void art_report_json_number(art_out *o, double x, int decimals);

/* ---- SVG charts (report_svg.c), each a <figure> with role="img", a
 * <title>/<desc>, and shapes and line styles that do not rely on colour. */
/* Radar: one axis per dimension; score, target, espoused, enacted.  Needs
 * three dimensions or more (returns false and writes nothing otherwise). */
bool art_svg_radar(const art_assessment *a, art_out *o);
/* Horizontal gap bars (target - score), largest first; dimensions with no
 * score or too little evidence are left out (the caller lists them). */
void art_svg_gap_bars(const art_assessment *a, const size_t *order, art_out *o);
/* A line per dimension over the rounds of a->history (2+ rounds). */
void art_svg_trend(const art_assessment *a, art_out *o);

/* Default evidence per dimension in the HTML report. */
#define ART_REPORT_HTML_EVIDENCE 10

/* The HTML report (report_html.c).  `order` is art_report_order(a).  Errors
 * are left in o->failed; the caller checks the stream. */
void art_report_html(const art_assessment *a, int max_evidence, const size_t *order,
                     art_out *o);

#endif
