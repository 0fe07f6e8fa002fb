/* Reports: dispatch by format, the text, Markdown and JSON writers, and the
 * helpers the HTML writer (report_html.c) shares.  Everything here renders an
 * assessment that is already computed; nothing is looked up or recalculated,
 * and the output depends on the input only (no clock, no addresses). */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_EVIDENCE_DEFAULT 5
#define QUOTE_MAX_CP 240        /* longest quote in text and Markdown */
#define NAME_COL_MAX 32         /* widest dimension name in the text table */
#define DASH "\xE2\x80\x94"     /* em dash: "no score" in human formats */
#define MINUS "\xE2\x88\x92"    /* minus sign: evidence toward the low pole */
#define ELLIPSIS "\xE2\x80\xA6"
#define LQUO "\xE2\x80\x9C"
#define RQUO "\xE2\x80\x9D"

/* ------------------------------------------------------------------ */
/* Output stream                                                       */
/* ------------------------------------------------------------------ */

void art_out_write(art_out *o, const char *s, size_t n)
{
    if (o->failed || n == 0)
        return;
    if (fwrite(s, 1, n, o->f) != n)
        o->failed = true;
}

void art_out_puts(art_out *o, const char *s)
{
    art_out_write(o, s, strlen(s));
}

void art_out_printf(art_out *o, const char *fmt, ...)
{
    if (o->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(o->f, fmt, ap);
    va_end(ap);
    if (n < 0)
        o->failed = true;
}

/* ------------------------------------------------------------------ */
/* Sanitised, escaped free text                                        */
/* ------------------------------------------------------------------ */

static bool is_space_cp(unsigned cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
           cp == '\v' || cp == 0xA0;
}

/* C0, DEL and C1 controls: a quote must never move a terminal's cursor or
 * change its colours, and HTML forbids most of them. */
static bool is_control_cp(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

/* Markdown characters that act wherever they stand in inline text.  & and <
 * would start entities and raw HTML; | ends a table cell; # would end or
 * start a heading.  Line-start markers (-, +, >, "1.") need no escape: text
 * is squashed to one line and always follows a prefix of ours. */
static bool md_inline_special(unsigned cp)
{
    return cp != 0 && cp < 0x80 && strchr("\\`*_[]<>&|~#", (int)cp) != NULL;
}

static void put_escaped_cp(art_out *o, unsigned cp, const char *bytes, size_t n, art_esc esc)
{
    if (esc == ART_ESC_HTML) {
        switch (cp) {
        case '&': art_out_puts(o, "&amp;"); return;
        case '<': art_out_puts(o, "&lt;"); return;
        case '>': art_out_puts(o, "&gt;"); return;
        case '"': art_out_puts(o, "&quot;"); return;
        case '\'': art_out_puts(o, "&#39;"); return;
        default: break;
        }
    } else if (esc == ART_ESC_MD && md_inline_special(cp)) {
        art_out_puts(o, "\\");
    }
    art_out_write(o, bytes, n);
}

/* Walks s as a human reader will see it (see art_report_put_text) and
 * writes at most `limit` code points to o, or only counts them when o is
 * NULL.  Returns the number of code points walked. */
static size_t walk_clean_text(art_out *o, const char *s, size_t limit, art_esc esc)
{
    size_t n = strlen(s), i = 0;
    while (i < n) {             /* leading white space and controls */
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        if (!is_space_cp(cp) && !is_control_cp(cp))
            break;
        i += k;
    }
    size_t written = 0;
    bool pending_space = false;
    while (i < n) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        if (is_space_cp(cp) || is_control_cp(cp)) {
            pending_space = true;
            i += k;
            continue;
        }
        if (written + (pending_space ? 2 : 1) > limit)
            break;
        if (pending_space) {
            if (o)
                art_out_puts(o, " ");
            written++;
            pending_space = false;
        }
        if (o)
            put_escaped_cp(o, cp, cp == 0xFFFD ? "\xEF\xBF\xBD" : s + i, cp == 0xFFFD ? 3 : k,
                           esc);
        written++;
        i += k;
    }
    return written;
}

void art_report_put_text(art_out *o, const char *s, size_t max_cp, art_esc esc,
                         const char *null_text)
{
    if (!s) {
        if (null_text)
            walk_clean_text(o, null_text, ART_REPORT_NO_LIMIT, esc);
        return;
    }
    if (max_cp == ART_REPORT_NO_LIMIT || walk_clean_text(NULL, s, max_cp + 1, esc) <= max_cp) {
        walk_clean_text(o, s, ART_REPORT_NO_LIMIT, esc);
        return;
    }
    /* Too long: keep room for the ellipsis within max_cp. */
    walk_clean_text(o, s, max_cp > 0 ? max_cp - 1 : 0, esc);
    art_out_puts(o, ELLIPSIS);
}

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

bool art_report_has(double x)
{
    return isfinite(x);
}

long art_report_round(double x)
{
    if (!isfinite(x))
        return 0;
    if (x > 1e9) x = 1e9;      /* keep lround defined for absurd values, even */
    if (x < -1e9) x = -1e9;    /* where long has 32 bits */
    return lround(x);
}

const char *art_report_confidence_word(double c)
{
    if (!isfinite(c))
        return NULL;
    if (c < 0.34) return "low";
    if (c < 0.67) return "medium";
    return "high";
}

const char *art_report_next_level(const art_dim_score *d)
{
    if (d->level < 1 || d->level >= ART_LEVELS)
        return NULL;
    return d->levels[d->level];   /* levels[L] describes level L+1 */
}

size_t art_report_evidence_shown(const art_dim_score *d, int max_evidence, size_t dflt)
{
    size_t limit = max_evidence > 0 ? (size_t)max_evidence : dflt;
    return d->nev < limit ? d->nev : limit;
}

typedef struct order_key {
    double gap;
    size_t idx;
} order_key;

static int cmp_order_key(const void *pa, const void *pb)
{
    const order_key *a = pa, *b = pb;
    bool ha = isfinite(a->gap), hb = isfinite(b->gap);
    if (ha != hb)
        return ha ? -1 : 1;            /* dimensions without a gap go last */
    if (ha && a->gap != b->gap)
        return a->gap > b->gap ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

size_t *art_report_order(const art_assessment *a)
{
    if (a->ndims == 0)
        return NULL;
    order_key *keys = calloc(a->ndims, sizeof *keys);
    size_t *order = calloc(a->ndims, sizeof *order);
    if (!keys || !order) {
        free(keys);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < a->ndims; i++) {
        keys[i].gap = a->dims[i].gap;
        keys[i].idx = i;
    }
    qsort(keys, a->ndims, sizeof *keys, cmp_order_key);
    for (size_t i = 0; i < a->ndims; i++)
        order[i] = keys[i].idx;
    free(keys);
    return order;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

static void text_number(art_out *o, double x, int width)
{
    if (isfinite(x))
        art_out_printf(o, "%*ld", width, art_report_round(x));
    else
        art_out_printf(o, "%*s" DASH, width > 1 ? width - 1 : 0, "");
}

/* Code points of s as the reader sees it, capped at cap+1 (enough to know
 * it is too long).  Pads table columns by what is on screen, not bytes. */
static size_t display_width(const char *s, size_t cap)
{
    return s ? walk_clean_text(NULL, s, cap + 1, ART_ESC_NONE) : 0;
}

static void put_padded_name(art_out *o, const char *name, size_t width)
{
    size_t w = display_width(name, width);
    art_report_put_text(o, name ? name : "", width, ART_ESC_NONE, NULL);
    for (size_t i = w < width ? w : width; i < width; i++)
        art_out_puts(o, " ");
}

const char *art_report_confidence_label(const art_dim_score *d)
{
    if (d->insufficient)
        return "insufficient evidence";
    if (!isfinite(d->score))
        return "no evidence";
    const char *w = art_report_confidence_word(d->confidence);
    return w ? w : DASH;
}

const art_voice art_report_key_voices[ART_KEY_VOICES] = {
    ART_VOICE_LOCAL_AUTHORITY, ART_VOICE_HEALTH, ART_VOICE_VCS, ART_VOICE_LIVED};

size_t art_report_missing_voices(const size_t counts[ART_VOICE_COUNT], char *buf, size_t n)
{
    size_t missing = 0, used = 0;
    if (n)
        buf[0] = '\0';
    for (int k = 0; k < ART_KEY_VOICES; k++) {
        art_voice v = art_report_key_voices[k];
        if (counts[v] > 0)
            continue;
        if (used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s%s", missing ? ", " : "",
                                     art_voice_name(v));
        missing++;
    }
    return missing;
}

static size_t total_participants(const art_assessment *a)
{
    size_t n = 0;
    for (int v = 0; v < ART_VOICE_COUNT; v++)
        n += a->voice_participants[v];
    return n;
}

/* "Voices heard: 4 Local authority, ...; missing: Health, Lived experience." */
static void put_voices_heard(const art_assessment *a, art_out *o, const char *bold)
{
    size_t total = total_participants(a);
    art_out_printf(o, "%sVoices heard:%s ", bold, bold);
    if (total == 0) {
        art_out_puts(o, "no interview participants, so the enacted scores have no voices behind "
                        "them.\n");
        return;
    }
    bool first = true;
    for (int v = 1; v < ART_VOICE_COUNT; v++) {
        if (!a->voice_participants[v])
            continue;
        art_out_printf(o, "%s%zu %s", first ? "" : ", ", a->voice_participants[v],
                       art_voice_name((art_voice)v));
        first = false;
    }
    if (a->voice_participants[ART_VOICE_UNKNOWN])
        art_out_printf(o, "%s%zu not recorded", first ? "" : ", ",
                       a->voice_participants[ART_VOICE_UNKNOWN]);
    char missing[256];
    if (art_report_missing_voices(a->voice_participants, missing, sizeof missing) > 0)
        art_out_printf(o, ". %sMissing:%s %s", bold, bold, missing);
    art_out_puts(o, ".\n");
}

/* Per dimension: which key voices no evidence came from. */
static void put_dimension_missing(const art_dim_score *d, art_out *o, const char *prefix,
                                  const char *end)
{
    char missing[256];
    if (d->nev > 0 && art_report_missing_voices(d->voice_counts, missing, sizeof missing) > 0)
        art_out_printf(o, "%sNo evidence from: %s%s", prefix, missing, end);
}

/* A run imported from a bundle was scored at the site, not here. */
static void put_origin(const art_assessment *a, art_out *o)
{
    if (!a->origin)
        return;
    if (strncmp(a->origin, "bundle:", 7) == 0) {
        art_out_puts(o, "Imported from a bundle (SHA-256 ");
        art_report_put_text(o, a->origin + 7, 64, ART_ESC_NONE, NULL);
        art_out_puts(o, "): scored at the site, not in this store.\n");
    } else {
        art_out_puts(o, "Origin: ");
        art_report_put_text(o, a->origin, 120, ART_ESC_NONE, NULL);
        art_out_puts(o, "\n");
    }
}

static void text_header(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "artefact culture report\n");
    art_out_puts(o, "Site: ");
    art_report_put_text(o, a->site, ART_REPORT_NO_LIMIT, ART_ESC_NONE, DASH);
    art_out_puts(o, "    Round: ");
    art_report_put_text(o, a->round, ART_REPORT_NO_LIMIT, ART_ESC_NONE, DASH);
    art_out_puts(o, "\nRubric: ");
    art_report_put_text(o, a->rubric_id, ART_REPORT_NO_LIMIT, ART_ESC_NONE, DASH);
    art_out_puts(o, " version ");
    art_report_put_text(o, a->rubric_version, ART_REPORT_NO_LIMIT, ART_ESC_NONE, DASH);
    if (a->rubric_title) {
        art_out_puts(o, " (");
        art_report_put_text(o, a->rubric_title, ART_REPORT_NO_LIMIT, ART_ESC_NONE, NULL);
        art_out_puts(o, ")");
    }
    const art_counts *c = &a->counts;
    art_out_printf(o,
                   "\nEvidence base: %lld source%s (%lld document%s, %lld interview source%s), "
                   "%lld segments, %lld codes, %lld codings, %lld participants\n",
                   c->sources, c->sources == 1 ? "" : "s", c->documents,
                   c->documents == 1 ? "" : "s", c->interviews, c->interviews == 1 ? "" : "s",
                   c->segments, c->codes, c->codings, c->participants);
    put_origin(a, o);
    put_voices_heard(a, o, "");
}

static size_t name_column_width(const art_assessment *a)
{
    size_t w = strlen("Dimension");
    for (size_t i = 0; i < a->ndims; i++) {
        size_t dw = display_width(a->dims[i].name, NAME_COL_MAX);
        if (dw > w)
            w = dw;
    }
    return w > NAME_COL_MAX ? NAME_COL_MAX : w;
}

static void text_table(const art_assessment *a, const size_t *order, art_out *o)
{
    size_t w = name_column_width(a);
    art_out_puts(o, "\nDimensions, biggest gap first\n  ");
    put_padded_name(o, "Dimension", w);
    art_out_puts(o, "  score  target   gap  espoused  enacted  confidence\n");
    for (size_t k = 0; k < a->ndims; k++) {
        const art_dim_score *d = &a->dims[order[k]];
        art_out_puts(o, "  ");
        put_padded_name(o, d->name ? d->name : d->id, w);
        text_number(o, d->score, 7);
        text_number(o, d->target, 8);
        text_number(o, d->gap, 6);
        text_number(o, d->espoused, 10);
        text_number(o, d->enacted, 9);
        art_out_printf(o, "  %s\n", art_report_confidence_label(d));
    }
}

/* "(Lived experience, P03)"; nothing at all when neither is known. */
static void put_who(art_out *o, const art_evidence *e, art_esc esc)
{
    bool voice = e->voice != ART_VOICE_UNKNOWN;
    if (!voice && !e->participant)
        return;
    art_out_puts(o, " (");
    if (voice)
        art_out_puts(o, art_voice_name(e->voice));
    if (voice && e->participant)
        art_out_puts(o, ", ");
    if (e->participant)
        art_report_put_text(o, e->participant, ART_REPORT_NO_LIMIT, esc, NULL);
    art_out_puts(o, ")");
}

static void text_evidence(const art_evidence *e, art_out *o)
{
    art_out_puts(o, e->direction > 0 ? "  + \"" : "  " MINUS " \"");
    art_report_put_text(o, e->quote, QUOTE_MAX_CP, ART_ESC_NONE, NULL);
    art_out_puts(o, "\" " DASH " ");
    art_report_put_text(o, e->source, ART_REPORT_NO_LIMIT, ART_ESC_NONE, "unknown source");
    if (e->locator) {
        art_out_puts(o, ", ");
        art_report_put_text(o, e->locator, ART_REPORT_NO_LIMIT, ART_ESC_NONE, NULL);
    }
    put_who(o, e, ART_ESC_NONE);
    art_out_puts(o, "\n");
}

/* "2 sources, 1 voice" */
static void put_source_voice_counts(art_out *o, const art_dim_score *d)
{
    art_out_printf(o, "%zu source%s, %zu voice%s", d->nsources, d->nsources == 1 ? "" : "s",
                   d->nvoices, d->nvoices == 1 ? "" : "s");
}

static void text_number_inline(art_out *o, const char *label, double x)
{
    art_out_printf(o, "%s ", label);
    if (isfinite(x))
        art_out_printf(o, "%ld", art_report_round(x));
    else
        art_out_puts(o, DASH);
}

static void text_dimension(const art_dim_score *d, size_t rank, int max_ev, art_out *o)
{
    art_out_printf(o, "\n%zu. ", rank);
    art_report_put_text(o, d->name ? d->name : d->id, ART_REPORT_NO_LIMIT, ART_ESC_NONE, NULL);
    art_out_puts(o, "\n   ");
    text_number_inline(o, "score", d->score);
    text_number_inline(o, ", target", d->target);
    text_number_inline(o, ", gap", d->gap);
    text_number_inline(o, "; espoused", d->espoused);
    text_number_inline(o, ", enacted", d->enacted);
    if (d->level > 0)
        art_out_printf(o, "; level %d of %d", d->level, ART_LEVELS);
    art_out_printf(o, "; confidence %s; ", art_report_confidence_label(d));
    put_source_voice_counts(o, d);
    art_out_puts(o, "\n");
    put_dimension_missing(d, o, "   ", "\n");
    art_out_puts(o, "   From: ");
    art_report_put_text(o, d->low_pole, ART_REPORT_NO_LIMIT, ART_ESC_NONE, DASH);
    art_out_puts(o, "\n   To:   ");
    art_report_put_text(o, d->cls_value, ART_REPORT_NO_LIMIT, ART_ESC_NONE, DASH);
    art_out_puts(o, "\n");
    const char *next = art_report_next_level(d);
    if (next) {
        art_out_puts(o, "   Next level: ");
        art_report_put_text(o, next, ART_REPORT_NO_LIMIT, ART_ESC_NONE, NULL);
        art_out_puts(o, "\n");
    }
    art_report_plain_dimension_extra(d, o, false);
    size_t shown = art_report_evidence_shown(d, max_ev, TEXT_EVIDENCE_DEFAULT);
    if (d->nev == 0) {
        art_out_puts(o, "   No evidence.\n");
        return;
    }
    art_out_printf(o, "   Evidence (%zu of %zu, strongest first):\n", shown, d->nev);
    for (size_t i = 0; i < shown; i++)
        text_evidence(&d->ev[i], o);
}

static const char *plugin_status_word(const art_plugin_result *p)
{
    return p->status == ART_OK ? "ok" : art_status_name(p->status);
}

static void text_plugins(const art_assessment *a, art_out *o)
{
    art_out_printf(o, "\nPlugins (%zu)\n", a->nplugins);
    if (a->nplugins == 0)
        art_out_puts(o, "  none\n");
    for (size_t i = 0; i < a->nplugins; i++) {
        const art_plugin_result *p = &a->plugins[i];
        art_out_puts(o, "  ");
        art_report_put_text(o, p->name, ART_REPORT_NO_LIMIT, ART_ESC_NONE, "unnamed");
        art_out_puts(o, " ");
        art_report_put_text(o, p->version, ART_REPORT_NO_LIMIT, ART_ESC_NONE, DASH);
        if (p->status == ART_OK)
            art_out_puts(o, "  ok\n");
        else
            art_out_printf(o, "  FAILED (%s)\n", plugin_status_word(p));
    }
    for (size_t i = 0; i < a->nplugins; i++) {
        const art_plugin_result *p = &a->plugins[i];
        if (p->status == ART_OK)
            continue;
        art_out_puts(o, "  error in ");
        art_report_put_text(o, p->name, ART_REPORT_NO_LIMIT, ART_ESC_NONE, "unnamed");
        art_out_puts(o, ": ");
        art_report_put_text(o, p->error, ART_REPORT_NO_LIMIT, ART_ESC_NONE, "no message");
        art_out_puts(o, "\n");
    }
}

static void write_text(const art_assessment *a, const size_t *order, int max_ev, art_out *o)
{
    text_header(a, o);
    art_report_plain_contradictions(a, max_ev, TEXT_EVIDENCE_DEFAULT, o, false);
    text_table(a, order, o);
    for (size_t k = 0; k < a->ndims; k++)
        text_dimension(&a->dims[order[k]], k + 1, max_ev, o);
    art_report_plain_reviews(a, o, false);
    art_report_plain_movement(a, o, false);
    art_report_plain_trend(a, o, false);
    art_report_plain_ladder(a, o, false);
    art_report_plain_stories(a, o, false);
    text_plugins(a, o);
}

/* ------------------------------------------------------------------ */
/* Markdown                                                            */
/* ------------------------------------------------------------------ */

static void md_text(art_out *o, const char *s, const char *null_text)
{
    art_report_put_text(o, s, ART_REPORT_NO_LIMIT, ART_ESC_MD, null_text);
}

static void md_number(art_out *o, double x)
{
    if (isfinite(x))
        art_out_printf(o, "%ld", art_report_round(x));
    else
        art_out_puts(o, DASH);
}

static void md_header(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "# Culture report: ");
    md_text(o, a->site, DASH);
    art_out_puts(o, ", ");
    md_text(o, a->round, DASH);
    art_out_puts(o, "\n\nRubric **");
    md_text(o, a->rubric_id, DASH);
    art_out_puts(o, "** version ");
    md_text(o, a->rubric_version, DASH);
    if (a->rubric_title) {
        art_out_puts(o, " (");
        md_text(o, a->rubric_title, NULL);
        art_out_puts(o, ")");
    }
    if (a->rubric_sha256[0]) {
        art_out_puts(o, ", sha256 `");
        art_report_put_text(o, a->rubric_sha256, 64, ART_ESC_NONE, NULL);
        art_out_puts(o, "`");
    }
    const art_counts *c = &a->counts;
    art_out_printf(o,
                   ".\n\n**Evidence base:** %lld source%s (%lld document%s, %lld interview source%s), "
                   "%lld segments, %lld codes, %lld codings, %lld participants.\n",
                   c->sources, c->sources == 1 ? "" : "s", c->documents,
                   c->documents == 1 ? "" : "s", c->interviews, c->interviews == 1 ? "" : "s",
                   c->segments, c->codes, c->codings, c->participants);
    art_out_puts(o, "\n");
    if (a->origin) {
        put_origin(a, o);
        art_out_puts(o, "\n");
    }
    put_voices_heard(a, o, "**");
}

static void md_table(const art_assessment *a, const size_t *order, art_out *o)
{
    art_out_puts(o, "\n## Dimensions, biggest gap first\n\n"
                    "| Dimension | Score | Target | Gap | Espoused | Enacted | Confidence |\n"
                    "|---|---:|---:|---:|---:|---:|---|\n");
    for (size_t k = 0; k < a->ndims; k++) {
        const art_dim_score *d = &a->dims[order[k]];
        art_out_puts(o, "| ");
        md_text(o, d->name ? d->name : d->id, NULL);
        const double cells[] = {d->score, d->target, d->gap, d->espoused, d->enacted};
        for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
            art_out_puts(o, " | ");
            md_number(o, cells[i]);
        }
        art_out_printf(o, " | %s |\n", art_report_confidence_label(d));
    }
}

static void md_evidence(const art_evidence *e, art_out *o)
{
    art_out_puts(o, e->direction > 0 ? "\n> **+ toward CLS:** " LQUO
                                     : "\n> **" MINUS " toward low pole:** " LQUO);
    art_report_put_text(o, e->quote, QUOTE_MAX_CP, ART_ESC_MD, NULL);
    art_out_puts(o, RQUO "  \n> " DASH " ");
    md_text(o, e->source, "unknown source");
    if (e->locator) {
        art_out_puts(o, ", ");
        md_text(o, e->locator, NULL);
    }
    put_who(o, e, ART_ESC_MD);
    art_out_puts(o, "\n");
}

static void md_bullet(art_out *o, const char *label, const char *s)
{
    art_out_printf(o, "- **%s:** ", label);
    md_text(o, s, DASH);
    art_out_puts(o, "\n");
}

static void md_dimension(const art_dim_score *d, size_t rank, int max_ev, art_out *o)
{
    art_out_printf(o, "\n## %zu. ", rank);
    md_text(o, d->name ? d->name : d->id, NULL);
    art_out_puts(o, "\n\nScore **");
    md_number(o, d->score);
    art_out_puts(o, "** against a target of **");
    md_number(o, d->target);
    art_out_puts(o, "** (gap ");
    md_number(o, d->gap);
    art_out_puts(o, "); espoused ");
    md_number(o, d->espoused);
    art_out_puts(o, ", enacted ");
    md_number(o, d->enacted);
    if (d->level > 0)
        art_out_printf(o, "; level %d of %d", d->level, ART_LEVELS);
    art_out_printf(o, "; confidence %s; ", art_report_confidence_label(d));
    put_source_voice_counts(o, d);
    art_out_puts(o, ".\n\n");
    put_dimension_missing(d, o, "", ".\n\n");
    md_bullet(o, "Low pole", d->low_pole);
    md_bullet(o, "CLS value", d->cls_value);
    const char *next = art_report_next_level(d);
    if (next)
        md_bullet(o, "Next level", next);
    art_out_puts(o, "\n");
    art_report_plain_dimension_extra(d, o, true);
    if (d->nev == 0) {
        art_out_puts(o, "\nNo evidence.\n");
        return;
    }
    size_t shown = art_report_evidence_shown(d, max_ev, TEXT_EVIDENCE_DEFAULT);
    art_out_printf(o, "\n### Evidence (%zu of %zu, strongest first)\n", shown, d->nev);
    for (size_t i = 0; i < shown; i++)
        md_evidence(&d->ev[i], o);
}

static void md_plugins(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "\n## Plugins\n\n");
    if (a->nplugins == 0) {
        art_out_puts(o, "No plugins ran.\n");
        return;
    }
    art_out_puts(o, "| Plugin | Version | Status | Error |\n|---|---|---|---|\n");
    for (size_t i = 0; i < a->nplugins; i++) {
        const art_plugin_result *p = &a->plugins[i];
        art_out_puts(o, "| ");
        md_text(o, p->name, "unnamed");
        art_out_puts(o, " | ");
        md_text(o, p->version, DASH);
        if (p->status == ART_OK) {
            art_out_puts(o, " | ok | " DASH " |\n");
        } else {
            art_out_printf(o, " | **FAILED (%s)** | ", plugin_status_word(p));
            md_text(o, p->error, "no message");
            art_out_puts(o, " |\n");
        }
    }
}

static void write_markdown(const art_assessment *a, const size_t *order, int max_ev,
                           art_out *o)
{
    md_header(a, o);
    art_report_plain_contradictions(a, max_ev, TEXT_EVIDENCE_DEFAULT, o, true);
    md_table(a, order, o);
    for (size_t k = 0; k < a->ndims; k++)
        md_dimension(&a->dims[order[k]], k + 1, max_ev, o);
    art_report_plain_reviews(a, o, true);
    art_report_plain_movement(a, o, true);
    art_report_plain_trend(a, o, true);
    art_report_plain_ladder(a, o, true);
    art_report_plain_stories(a, o, true);
    md_plugins(a, o);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

/* A JSON string: valid UTF-8 passes through, invalid bytes become U+FFFD,
 * control characters are \u00XX (or their short escapes). */
static void json_string(art_out *o, const char *s)
{
    if (!s) {
        art_out_puts(o, "null");
        return;
    }
    size_t n = strlen(s);
    art_out_puts(o, "\"");
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        switch (cp) {
        case '"': art_out_puts(o, "\\\""); break;
        case '\\': art_out_puts(o, "\\\\"); break;
        case '\n': art_out_puts(o, "\\n"); break;
        case '\r': art_out_puts(o, "\\r"); break;
        case '\t': art_out_puts(o, "\\t"); break;
        default:
            if (cp < 0x20 || cp == 0x7F)
                art_out_printf(o, "\\u%04x", cp);
            else if (cp == 0xFFFD)
                art_out_puts(o, "\xEF\xBF\xBD");
            else
                art_out_write(o, s + i, k);
        }
        i += k;
    }
    art_out_puts(o, "\"");
}

/* Fixed precision; -0.0 prints as 0.0 so equal reports stay byte-equal. */
static void json_number(art_out *o, double x, int decimals)
{
    if (!isfinite(x)) {
        art_out_puts(o, "null");
        return;
    }
    double scale = pow(10.0, decimals);
    double r = round(x * scale) / scale;
    if (r == 0)
        r = 0;
    art_out_printf(o, "%.*f", decimals, r);
}

void art_report_json_string(art_out *o, const char *s)
{
    json_string(o, s);
}

void art_report_json_number(art_out *o, double x, int decimals)
{
    json_number(o, x, decimals);
}

static void json_indent(art_out *o, int depth)
{
    for (int i = 0; i < depth; i++)
        art_out_puts(o, "  ");
}

/* `"key": ` on a new line at depth; `first` says whether a comma is due. */
static void json_key(art_out *o, int depth, const char *key, bool first)
{
    art_out_puts(o, first ? "\n" : ",\n");
    json_indent(o, depth);
    art_out_printf(o, "\"%s\": ", key);
}

static void json_str_field(art_out *o, int depth, const char *key, const char *v, bool first)
{
    json_key(o, depth, key, first);
    json_string(o, v);
}

static void json_num_field(art_out *o, int depth, const char *key, double v, int decimals)
{
    json_key(o, depth, key, false);
    json_number(o, v, decimals);
}

static void json_int_field(art_out *o, int depth, const char *key, long long v, bool first)
{
    json_key(o, depth, key, first);
    art_out_printf(o, "%lld", v);
}

static void json_close(art_out *o, int depth, char c, bool empty)
{
    if (!empty) {
        art_out_puts(o, "\n");
        json_indent(o, depth);
    }
    art_out_write(o, &c, 1);
}

static void json_evidence(const art_evidence *e, int depth, art_out *o)
{
    json_indent(o, depth);
    art_out_puts(o, "{");
    json_str_field(o, depth + 1, "source", e->source, true);
    json_str_field(o, depth + 1, "locator", e->locator, false);
    json_str_field(o, depth + 1, "quote", e->quote, false);
    json_str_field(o, depth + 1, "direction", e->direction > 0 ? "cls" : "low", false);
    json_str_field(o, depth + 1, "level", art_level_id(e->level), false);
    json_str_field(o, depth + 1, "facet", art_facet_id(e->facet), false);
    json_str_field(o, depth + 1, "voice", art_voice_id(e->voice), false);
    json_str_field(o, depth + 1, "participant", e->participant, false);
    json_str_field(o, depth + 1, "indicator", e->indicator, false);
    json_num_field(o, depth + 1, "weight", e->weight, 2);
    json_close(o, depth, '}', false);
}

static void json_voice_counts(const art_dim_score *d, int depth, art_out *o)
{
    json_key(o, depth, "voice_counts", false);
    art_out_puts(o, "{");
    for (int v = 0; v < ART_VOICE_COUNT; v++)
        json_int_field(o, depth + 1, art_voice_id((art_voice)v), (long long)d->voice_counts[v],
                       v == 0);
    json_close(o, depth, '}', false);
}

/* Key voices with no count; an empty list when `applies` is false (no
 * evidence at all is reported by the score, not as missing voices). */
static void json_missing_voices(const size_t counts[ART_VOICE_COUNT], bool applies, int depth,
                                art_out *o)
{
    json_key(o, depth, "missing_voices", false);
    art_out_puts(o, "[");
    bool first = true;
    for (int k = 0; applies && k < ART_KEY_VOICES; k++) {
        art_voice v = art_report_key_voices[k];
        if (counts[v])
            continue;
        art_out_printf(o, "%s\"%s\"", first ? "" : ", ", art_voice_id(v));
        first = false;
    }
    art_out_puts(o, "]");
}

static void json_level_or_null(art_out *o, int level)
{
    if (level > 0)
        art_out_printf(o, "%d", level);
    else
        art_out_puts(o, "null");
}

/* "ratings": self and external means, disagreement, the current override. */
static void json_dim_ratings(const art_assessment *a, const art_dim_score *d, int in,
                             art_out *o)
{
    json_key(o, in, "ratings", false);
    art_out_puts(o, "{");
    for (int r = 0; r < ART_ROLE_COUNT; r++) {
        json_key(o, in + 1, art_rater_role_id((art_rater_role)r), r == 0);
        art_out_puts(o, "{\"mean\": ");
        json_number(o, d->rating_n[r] ? d->rating_mean[r] : NAN, 2);
        art_out_printf(o, ", \"n\": %zu}", d->rating_n[r]);
    }
    json_key(o, in + 1, "disagree", false);
    art_out_puts(o, d->rating_disagree ? "true" : "false");
    json_key(o, in + 1, "override", false);
    const art_review *rv = art_report_override(a, d);
    if (rv) {
        art_out_printf(o, "{\"review\": %ld, \"level\": %d, \"author\": ", d->override_review,
                       rv->level);
        json_string(o, rv->author);
        art_out_puts(o, ", \"created_at\": ");
        json_string(o, rv->created_at);
        art_out_puts(o, "}");
    } else {
        art_out_puts(o, "null");
    }
    json_close(o, in, '}', false);
}

static void json_evidence_list(const char *key, const art_evidence *ev, size_t n, int depth,
                               art_out *o)
{
    json_key(o, depth, key, false);
    art_out_puts(o, "[");
    for (size_t i = 0; ev && i < n; i++) {
        art_out_puts(o, i ? ",\n" : "\n");
        json_evidence(&ev[i], depth + 1, o);
    }
    json_close(o, depth, ']', !ev || n == 0);
}

/* "movement": null without --since; else scores, levels and evidence. */
static void json_dim_movement(const art_dim_score *d, int in, art_out *o)
{
    const art_movement *m = &d->movement;
    json_key(o, in, "movement", false);
    if (!m->present) {
        art_out_puts(o, "null");
        return;
    }
    art_out_puts(o, "{");
    json_key(o, in + 1, "from", true);
    json_number(o, m->from, 1);
    json_num_field(o, in + 1, "to", m->to, 1);
    json_key(o, in + 1, "from_level", false);
    json_level_or_null(o, m->from_level);
    json_key(o, in + 1, "to_level", false);
    json_level_or_null(o, m->to_level);
    json_str_field(o, in + 1, "change", art_report_movement_word(m), false);
    json_evidence_list("gained", m->gained, m->ngained, in + 1, o);
    json_evidence_list("lost", m->lost, m->nlost, in + 1, o);
    json_close(o, in, '}', false);
}

static void json_dimension(const art_assessment *a, const art_dim_score *d, int max_ev,
                           int depth, art_out *o)
{
    int in = depth + 1;
    json_indent(o, depth);
    art_out_puts(o, "{");
    json_str_field(o, in, "id", d->id, true);
    json_str_field(o, in, "name", d->name, false);
    json_num_field(o, in, "score", d->score, 1);
    json_num_field(o, in, "espoused", d->espoused, 1);
    json_num_field(o, in, "enacted", d->enacted, 1);
    json_num_field(o, in, "target", d->target, 1);
    json_num_field(o, in, "gap", d->gap, 1);
    json_key(o, in, "level", false);
    if (d->level > 0)
        art_out_printf(o, "%d", d->level);
    else
        art_out_puts(o, "null");
    json_num_field(o, in, "confidence", d->confidence, 2);
    json_int_field(o, in, "sources", (long long)d->nsources, false);
    json_int_field(o, in, "voices", (long long)d->nvoices, false);
    json_voice_counts(d, in, o);
    json_missing_voices(d->voice_counts, d->nev > 0, in, o);
    json_str_field(o, in, "low_pole", d->low_pole, false);
    json_str_field(o, in, "cls_value", d->cls_value, false);
    json_str_field(o, in, "next_level", art_report_next_level(d), false);
    json_num_field(o, in, "divergence", d->divergence, 1);
    json_key(o, in, "divergent", false);
    art_out_puts(o, d->divergent ? "true" : "false");
    json_key(o, in, "insufficient", false);
    art_out_puts(o, d->insufficient ? "true" : "false");
    json_key(o, in, "levels", false);
    art_out_puts(o, "{");
    for (int k = 0; k < 3; k++) {
        json_key(o, in + 1, art_level_id((art_level)k), k == 0);
        art_out_puts(o, "{\"score\": ");
        json_number(o, d->level_counts[k] ? d->level_scores[k] : NAN, 1);
        art_out_printf(o, ", \"count\": %zu}", d->level_counts[k]);
    }
    json_close(o, in, '}', false);
    json_key(o, in, "dictionary", false);
    if (d->dict_tokens[0] || d->dict_tokens[1]) {
        art_out_puts(o, "{");
        for (int f = 0; f < 2; f++) {
            json_key(o, in + 1, f ? "enacted" : "espoused", f == 0);
            art_out_puts(o, "{\"share\": ");
            json_number(o, d->dict_tokens[f] ? d->dict_share[f] : NAN, 4);
            art_out_printf(o, ", \"matched\": %zu, \"tokens\": %zu}", d->dict_matched[f],
                           d->dict_tokens[f]);
        }
        json_close(o, in, '}', false);
    } else {
        art_out_puts(o, "null");
    }
    json_key(o, in, "next_steps", false);
    art_out_puts(o, "[");
    for (size_t i = 0; i < d->npractice; i++) {
        art_out_puts(o, i ? ", " : "");
        json_string(o, d->practice[i]);
    }
    art_out_puts(o, "]");
    json_key(o, in, "evidence", false);
    size_t shown = art_report_evidence_shown(d, max_ev, d->nev);
    art_out_puts(o, "[");
    for (size_t i = 0; i < shown; i++) {
        art_out_puts(o, i ? ",\n" : "\n");
        json_evidence(&d->ev[i], in + 1, o);
    }
    json_close(o, in, ']', shown == 0);
    json_dim_ratings(a, d, in, o);
    json_dim_movement(d, in, o);
    json_close(o, depth, '}', false);
}

static void json_plugin(const art_plugin_result *p, int depth, art_out *o)
{
    json_indent(o, depth);
    art_out_puts(o, "{");
    json_str_field(o, depth + 1, "name", p->name, true);
    json_str_field(o, depth + 1, "version", p->version, false);
    json_str_field(o, depth + 1, "status", p->status == ART_OK ? "ok" : art_status_name(p->status),
                   false);
    json_str_field(o, depth + 1, "error", p->status == ART_OK ? NULL : p->error, false);
    json_str_field(o, depth + 1, "sha256", p->sha256[0] ? p->sha256 : NULL, false);
    json_close(o, depth, '}', false);
}

static void json_head(const art_assessment *a, art_out *o)
{
    json_str_field(o, 1, "site", a->site, true);
    json_str_field(o, 1, "round", a->round, false);
    json_key(o, 1, "generated_by", false);
    art_out_puts(o, "{");
    json_str_field(o, 2, "name", "artefact", true);
    json_str_field(o, 2, "version", ART_VERSION, false);
    json_close(o, 1, '}', false);
    json_key(o, 1, "rubric", false);
    art_out_puts(o, "{");
    json_str_field(o, 2, "id", a->rubric_id, true);
    json_str_field(o, 2, "version", a->rubric_version, false);
    json_str_field(o, 2, "sha256", a->rubric_sha256[0] ? a->rubric_sha256 : NULL, false);
    json_str_field(o, 2, "title", a->rubric_title, false);
    json_close(o, 1, '}', false);
    const art_counts *c = &a->counts;
    json_key(o, 1, "counts", false);
    art_out_puts(o, "{");
    json_int_field(o, 2, "sources", c->sources, true);
    json_int_field(o, 2, "documents", c->documents, false);
    json_int_field(o, 2, "interviews", c->interviews, false);
    json_int_field(o, 2, "segments", c->segments, false);
    json_int_field(o, 2, "codes", c->codes, false);
    json_int_field(o, 2, "codings", c->codings, false);
    json_int_field(o, 2, "participants", c->participants, false);
    json_close(o, 1, '}', false);
    json_key(o, 1, "voices", false);
    art_out_puts(o, "{");
    json_key(o, 2, "participants", true);
    art_out_puts(o, "{");
    for (int v = 0; v < ART_VOICE_COUNT; v++)
        json_int_field(o, 3, art_voice_id((art_voice)v), (long long)a->voice_participants[v],
                       v == 0);
    json_close(o, 2, '}', false);
    json_missing_voices(a->voice_participants, true, 2, o);
    json_close(o, 1, '}', false);
}

/* Contradictions (ids, largest first), the ladder, change stories. */
static void json_depth(const art_assessment *a, art_out *o)
{
    json_num_field(o, 1, "gap_threshold", a->gap_threshold, 1);
    size_t *idx;
    size_t n = art_report_contradictions(a, &idx);
    json_key(o, 1, "contradictions", false);
    art_out_puts(o, "[");
    for (size_t k = 0; k < n; k++) {
        art_out_puts(o, k ? ", " : "");
        json_string(o, a->dims[idx[k]].id);
    }
    art_out_puts(o, "]");
    free(idx);
    json_key(o, 1, "ladder", false);
    art_report_json_ladder(a, o);
    json_key(o, 1, "stories", false);
    size_t ns = a->stories ? a->stories->n : 0;
    art_out_printf(o, "{\n    \"count\": %zu,\n    \"outcomes\": [", ns);
    bool first = true;
    for (int k = 1; k <= ART_OUTCOMES; k++) {
        if (!art_report_outcome_name(k)[0])
            continue;
        art_out_printf(o, "%s\n      {\"outcome\": %d, \"name\": ", first ? "" : ",", k);
        json_string(o, art_report_outcome_name(k));
        art_out_printf(o, ", \"count\": %zu, \"of\": %zu, \"stories\": [",
                       art_report_story_count(a, k), ns);
        bool f2 = true;
        for (size_t i = 0; i < ns; i++) {
            const art_story *t = &a->stories->stories[i];
            if (!t->outcomes[k])
                continue;
            art_out_puts(o, f2 ? "" : ", ");
            json_string(o, t->id ? t->id : t->title);
            f2 = false;
        }
        art_out_puts(o, "]}");
        first = false;
    }
    art_out_puts(o, "\n    ],\n    \"items\": [");
    for (size_t i = 0; i < ns; i++) {
        const art_story *t = &a->stories->stories[i];
        art_out_puts(o, i ? ",\n      {\"id\": " : "\n      {\"id\": ");
        json_string(o, t->id);
        art_out_puts(o, ", \"title\": ");
        json_string(o, t->title);
        art_out_puts(o, ", \"route\": ");
        json_string(o, t->route);
        art_out_puts(o, ", \"outcomes\": [");
        bool f3 = true;
        for (int k = 1; k <= ART_OUTCOMES; k++)
            if (t->outcomes[k]) {
                art_out_printf(o, "%s%d", f3 ? "" : ", ", k);
                f3 = false;
            }
        art_out_puts(o, "], \"source\": ");
        json_string(o, t->source);
        art_out_puts(o, "}");
    }
    art_out_puts(o, ns ? "\n    ]\n  }" : "]\n  }");
}

/* origin, since, ratings, reviews and the raters' agreement. */
static void json_reviews(const art_assessment *a, art_out *o)
{
    json_str_field(o, 1, "origin", a->origin, false);
    json_str_field(o, 1, "since", a->since, false);
    json_key(o, 1, "ratings", false);
    art_out_puts(o, "[");
    size_t nr = a->ratings ? a->nratings : 0;
    for (size_t i = 0; i < nr; i++) {
        const art_rating *r = &a->ratings[i];
        art_out_puts(o, i ? ",\n    {\"rater\": " : "\n    {\"rater\": ");
        json_string(o, r->rater);
        art_out_printf(o, ", \"role\": \"%s\", \"dimension\": ", art_rater_role_id(r->role));
        json_string(o, r->dimension);
        art_out_printf(o, ", \"level\": %d, \"rationale\": ", r->level);
        json_string(o, r->rationale);
        art_out_puts(o, "}");
    }
    json_close(o, 1, ']', nr == 0);
    json_key(o, 1, "reviews", false);
    art_out_puts(o, "[");
    size_t nv = a->reviews ? a->nreviews : 0;
    for (size_t i = 0; i < nv; i++) {
        const art_review *r = &a->reviews[i];
        art_out_puts(o, i ? ",\n    {\"dimension\": " : "\n    {\"dimension\": ");
        json_string(o, r->dimension);
        art_out_printf(o, ", \"kind\": \"%s\", \"author\": ", art_review_kind_id(r->kind));
        json_string(o, r->author);
        art_out_puts(o, ", \"created_at\": ");
        json_string(o, r->created_at);
        art_out_puts(o, ", \"level\": ");
        json_level_or_null(o, r->kind == ART_REVIEW_OVERRIDE ? r->level : 0);
        art_out_puts(o, ", \"rationale\": ");
        json_string(o, r->rationale);
        art_out_puts(o, "}");
    }
    json_close(o, 1, ']', nv == 0);
    json_key(o, 1, "ratings_agreement", false);
    /* No ratings, no agreement, whatever the fields hold. */
    double alpha = nr ? a->ratings_alpha : NAN;
    art_out_puts(o, "{\"alpha\": ");
    json_number(o, alpha, 3);
    art_out_puts(o, ", \"lo\": ");
    json_number(o, nr ? a->ratings_alpha_lo : NAN, 3);
    art_out_puts(o, ", \"hi\": ");
    json_number(o, nr ? a->ratings_alpha_hi : NAN, 3);
    art_out_printf(o, ", \"reliability\": \"%s\"}",
                   art_reliability_id(art_alpha_reliability(alpha)));
}

/* "history": every scored round, oldest first, or null when not loaded. */
static void json_history(const art_assessment *a, art_out *o)
{
    const art_history *h = a->history;
    json_key(o, 1, "history", false);
    if (!h || !h->rounds || (h->nrounds && !h->scores) || h->ndims != a->ndims) {
        art_out_puts(o, "null");
        return;
    }
    art_out_puts(o, "[");
    for (size_t r = 0; r < h->nrounds; r++) {
        art_out_puts(o, r ? ",\n    {\"round\": " : "\n    {\"round\": ");
        json_string(o, h->rounds[r]);
        /* No run times: equal inputs give equal reports (docs/report-json.md);
         * the trend table carries them. */
        art_out_puts(o, ", \"scores\": {");
        for (size_t i = 0; i < a->ndims; i++) {
            art_out_puts(o, i ? ", " : "");
            json_string(o, a->dims[i].id);
            art_out_puts(o, ": ");
            json_number(o, h->scores[r * h->ndims + i], 1);
        }
        art_out_puts(o, "}}");
    }
    json_close(o, 1, ']', h->nrounds == 0);
}

static void write_json(const art_assessment *a, int max_ev, art_out *o)
{
    art_out_puts(o, "{");
    json_head(a, o);
    json_key(o, 1, "dimensions", false);
    art_out_puts(o, "[");
    for (size_t i = 0; i < a->ndims; i++) {     /* rubric order: stable for tools */
        art_out_puts(o, i ? ",\n" : "\n");
        json_dimension(a, &a->dims[i], max_ev, 2, o);
    }
    json_close(o, 1, ']', a->ndims == 0);
    json_depth(a, o);
    json_key(o, 1, "plugins", false);
    art_out_puts(o, "[");
    for (size_t i = 0; i < a->nplugins; i++) {
        art_out_puts(o, i ? ",\n" : "\n");
        json_plugin(&a->plugins[i], 2, o);
    }
    json_close(o, 1, ']', a->nplugins == 0);
    json_reviews(a, o);
    json_history(a, o);
    json_close(o, 0, '}', false);
    art_out_puts(o, "\n");
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */
/* ------------------------------------------------------------------ */

art_status art_report_write(const art_assessment *a, const art_report_opts *opts, FILE *out,
                            art_error *err)
{
    if (!a || !out)
        return art_error_set(err, ART_ERR_USAGE, "report: no assessment or no output stream");
    if ((a->ndims > 0 && !a->dims) || (a->nplugins > 0 && !a->plugins))
        return art_error_set(err, ART_ERR_USAGE, "report: assessment arrays are missing");
    art_report_opts defaults = {ART_FORMAT_TEXT, 0};
    if (!opts)
        opts = &defaults;
    if (opts->max_evidence < 0)
        return art_error_set(err, ART_ERR_USAGE, "report: max_evidence must not be negative");
    size_t *order = art_report_order(a);
    if (a->ndims > 0 && !order)
        return art_error_set(err, ART_ERR_NOMEM, "report: out of memory");
    art_out o = {out, false};
    switch (opts->format) {
    case ART_FORMAT_TEXT: write_text(a, order, opts->max_evidence, &o); break;
    case ART_FORMAT_MARKDOWN: write_markdown(a, order, opts->max_evidence, &o); break;
    case ART_FORMAT_JSON: write_json(a, opts->max_evidence, &o); break;
    case ART_FORMAT_HTML: art_report_html(a, opts->max_evidence, order, &o); break;
    default:
        free(order);
        return art_error_set(err, ART_ERR_USAGE, "report: unknown format %d", (int)opts->format);
    }
    free(order);
    if (fflush(out) != 0 || ferror(out) || o.failed)
        return art_error_set(err, ART_ERR_IO, "cannot write report");
    return ART_OK;
}
