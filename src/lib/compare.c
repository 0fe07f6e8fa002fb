/* Comparing sites: thresholds, percentile ranks and the writers of the
 * comparison (text, CSV, JSON, HTML heatmap).  See docs/compare.md. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void art_compare_opts_default(art_compare_opts *o)
{
    o->min_sources = 3;
    o->min_voices = 2;
    o->round = NULL;
}

const char *art_cell_status_id(art_cell_status s)
{
    switch (s) {
    case ART_CELL_SCORED: return "scored";
    case ART_CELL_SUPPRESSED: return "suppressed";
    case ART_CELL_NO_SCORE: return "no_score";
    case ART_CELL_ABSENT: return "absent";
    }
    return "?";
}

void art_comparison_free(art_comparison *c)
{
    if (!c)
        return;
    for (size_t j = 0; j < c->ndims; j++) {
        free(c->dim_ids ? c->dim_ids[j] : NULL);
        free(c->dim_names ? c->dim_names[j] : NULL);
    }
    free(c->dim_ids);
    free(c->dim_names);
    for (size_t i = 0; i < c->nsites; i++) {
        art_compare_site *st = &c->sites[i];
        for (size_t r = 0; r < st->nrounds; r++) {
            free(st->rounds[r].label);
            free(st->rounds[r].created_at);
            free(st->rounds[r].origin);
            free(st->rounds[r].cells);
        }
        free(st->rounds);
        free(st->name);
    }
    free(c->sites);
    for (size_t i = 0; i < c->nleft_out; i++)
        free(c->left_out[i]);
    free(c->left_out);
    free(c->round);
    free(c);
}

/* ------------------------------------------------------------------ */
/* Thresholds and ranks                                                */
/* ------------------------------------------------------------------ */

static void apply_threshold(art_compare_cell *x, size_t min_sources, size_t min_voices)
{
    x->percentile = NAN;
    x->quartile = 0;
    x->nranked = 0;
    if (x->status == ART_CELL_ABSENT || x->status == ART_CELL_SUPPRESSED) {
        x->score = NAN;
        x->level = 0;
        return;
    }
    x->why = 0;
    if (x->nsources < min_sources)
        x->why |= ART_SUPPRESS_SOURCES;
    if (x->nvoices < min_voices)
        x->why |= ART_SUPPRESS_VOICES;
    if (x->why)
        x->status = ART_CELL_SUPPRESSED;
    else if (!isfinite(x->score))
        x->status = ART_CELL_NO_SCORE;
    else
        x->status = ART_CELL_SCORED;
    if (x->status != ART_CELL_SCORED) {
        x->score = NAN;     /* a hidden score is not kept where a writer could show it */
        x->level = 0;
    }
}

static const art_compare_cell *matrix_cell(const art_compare_site *st, size_t j)
{
    return &st->rounds[st->matrix_round].cells[j];
}

/* Quartile from twice the mid-rank count t = 2*below + equal out of n:
 * percentile = 50 t / n, compared exactly in integers. */
static int quartile_of(size_t t, size_t n)
{
    if (2 * t <= n)
        return 1;
    if (t <= n)
        return 2;
    if (2 * t <= 3 * n)
        return 3;
    return 4;
}

static void rank_dimension(art_comparison *c, size_t j)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nsites; i++)
        n += matrix_cell(&c->sites[i], j)->status == ART_CELL_SCORED;
    for (size_t i = 0; i < c->nsites; i++) {
        art_compare_cell *x = &c->sites[i].rounds[c->sites[i].matrix_round].cells[j];
        if (x->status != ART_CELL_SCORED)
            continue;
        long mine = art_report_round(x->score);
        size_t below = 0, equal = 0;
        for (size_t k = 0; k < c->nsites; k++) {
            const art_compare_cell *y = matrix_cell(&c->sites[k], j);
            if (y->status != ART_CELL_SCORED)
                continue;
            long theirs = art_report_round(y->score);
            below += theirs < mine;
            equal += theirs == mine;
        }
        size_t t = 2 * below + equal;
        x->percentile = 50.0 * (double)t / (double)n;
        x->quartile = quartile_of(t, n);
        x->nranked = n;
    }
}

void art_comparison_rank(art_comparison *c)
{
    for (size_t i = 0; i < c->nsites; i++)
        for (size_t r = 0; r < c->sites[i].nrounds; r++)
            for (size_t j = 0; j < c->ndims; j++)
                apply_threshold(&c->sites[i].rounds[r].cells[j], c->min_sources, c->min_voices);
    for (size_t j = 0; j < c->ndims; j++)
        rank_dimension(c, j);
}

/* ------------------------------------------------------------------ */
/* Shared wording                                                      */
/* ------------------------------------------------------------------ */

/* Site names and labels are user input: one line, no controls, valid
 * UTF-8 (invalid bytes become U+FFFD).  malloc'd; NULL on no memory. */
static char *clean_text(const char *s)
{
    art_buf b;
    art_buf_init(&b);
    size_t n = s ? strlen(s) : 0;
    bool space = false;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        i += k;
        if (cp <= 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            space = b.len > 0;
            continue;
        }
        if (space)
            art_buf_putc(&b, ' ');
        space = false;
        char enc[4];
        art_buf_append(&b, enc, art_utf8_encode(cp, enc));
    }
    art_buf_putc(&b, '\0');
    return art_buf_steal(&b);
}

static const char *why_id(unsigned why)
{
    switch (why) {
    case ART_SUPPRESS_SOURCES: return "sources";
    case ART_SUPPRESS_VOICES: return "voices";
    case ART_SUPPRESS_SOURCES | ART_SUPPRESS_VOICES: return "sources+voices";
    }
    return "";
}

/* "suppressed: 2 sources (fewer than 3)" and the like; "" when scored. */
static void cell_note(const art_comparison *c, const art_compare_cell *x, char *out, size_t n)
{
    switch (x->status) {
    case ART_CELL_SCORED:
        out[0] = '\0';
        break;
    case ART_CELL_NO_SCORE:
        snprintf(out, n, "no score: no evidence or below the evidence floor");
        break;
    case ART_CELL_ABSENT:
        snprintf(out, n, "not in this run's rubric");
        break;
    case ART_CELL_SUPPRESSED:
        if (x->why == ART_SUPPRESS_SOURCES)
            snprintf(out, n, "suppressed: %zu source%s (fewer than %zu)", x->nsources,
                     x->nsources == 1 ? "" : "s", c->min_sources);
        else if (x->why == ART_SUPPRESS_VOICES)
            snprintf(out, n, "suppressed: %zu voice%s (fewer than %zu)", x->nvoices,
                     x->nvoices == 1 ? "" : "s", c->min_voices);
        else
            snprintf(out, n, "suppressed: %zu source%s (fewer than %zu), %zu voice%s (fewer than %zu)",
                     x->nsources, x->nsources == 1 ? "" : "s", c->min_sources, x->nvoices,
                     x->nvoices == 1 ? "" : "s", c->min_voices);
        break;
    }
}

/* The short form of a cell in the text tables. */
static void cell_short(const art_compare_cell *x, bool ranked, char *out, size_t n)
{
    switch (x->status) {
    case ART_CELL_SCORED:
        if (ranked)
            snprintf(out, n, "%ld Q%d p%ld", art_report_round(x->score), x->quartile,
                     art_report_round(x->percentile));
        else
            snprintf(out, n, "%ld", art_report_round(x->score));
        break;
    case ART_CELL_SUPPRESSED:
        snprintf(out, n, "%s", x->why == ART_SUPPRESS_SOURCES  ? "s:sources"
                               : x->why == ART_SUPPRESS_VOICES ? "s:voices"
                                                               : "s:both");
        break;
    case ART_CELL_NO_SCORE: snprintf(out, n, "-"); break;
    case ART_CELL_ABSENT: snprintf(out, n, "n/a"); break;
    }
}

static bool is_table(const char *table, const char *name)
{
    return !table || strcmp(table, name) == 0;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */
/* ------------------------------------------------------------------ */

#define CELL_MAX 32

/* Clean copies of every site name, round label and dimension id, so the
 * text writer can measure them. */
typedef struct text_names {
    char **sites;       /* nsites */
    char **rounds;      /* per site, per round: flattened */
    size_t *round_base; /* nsites: index of each site's first round in rounds */
    char **dims;        /* ndims */
    size_t nrounds;
} text_names;

static void text_names_free(text_names *t, const art_comparison *c)
{
    for (size_t i = 0; t->sites && i < c->nsites; i++)
        free(t->sites[i]);
    for (size_t i = 0; t->rounds && i < t->nrounds; i++)
        free(t->rounds[i]);
    for (size_t j = 0; t->dims && j < c->ndims; j++)
        free(t->dims[j]);
    free(t->sites);
    free(t->rounds);
    free(t->round_base);
    free(t->dims);
}

static bool text_names_init(text_names *t, const art_comparison *c)
{
    memset(t, 0, sizeof *t);
    size_t total = 0;
    for (size_t i = 0; i < c->nsites; i++)
        total += c->sites[i].nrounds;
    t->sites = calloc(c->nsites + 1, sizeof *t->sites);
    t->rounds = calloc(total + 1, sizeof *t->rounds);
    t->round_base = calloc(c->nsites + 1, sizeof *t->round_base);
    t->dims = calloc(c->ndims + 1, sizeof *t->dims);
    if (!t->sites || !t->rounds || !t->round_base || !t->dims)
        return false;
    bool ok = true;
    for (size_t i = 0; i < c->nsites; i++) {
        ok = ok && (t->sites[i] = clean_text(c->sites[i].name)) != NULL;
        t->round_base[i] = t->nrounds;
        for (size_t r = 0; r < c->sites[i].nrounds; r++)
            ok = ok && (t->rounds[t->nrounds++] = clean_text(c->sites[i].rounds[r].label)) != NULL;
    }
    for (size_t j = 0; j < c->ndims; j++)
        ok = ok && (t->dims[j] = clean_text(c->dim_ids[j])) != NULL;
    return ok;
}

static size_t text_width(const char *s)
{
    return (size_t)art_utf8_count(s, strlen(s));
}

static void put_padded(art_out *o, const char *s, size_t width)
{
    art_out_puts(o, s);
    for (size_t w = text_width(s); w < width; w++)
        art_out_puts(o, " ");
}

/* One table: rows are (site, round) pairs, columns the dimensions. */
static void text_table(art_out *o, const art_comparison *c, const text_names *t, bool matrix)
{
    size_t wsite = 4, wround = 5;
    size_t *wdim = calloc(c->ndims + 1, sizeof *wdim);
    if (!wdim) {
        o->failed = true;
        return;
    }
    char cell[CELL_MAX];
    for (size_t j = 0; j < c->ndims; j++)
        wdim[j] = text_width(t->dims[j]);
    for (size_t i = 0; i < c->nsites; i++) {
        const art_compare_site *st = &c->sites[i];
        if (text_width(t->sites[i]) > wsite)
            wsite = text_width(t->sites[i]);
        for (size_t r = 0; r < st->nrounds; r++) {
            if (matrix && r != st->matrix_round)
                continue;
            const char *label = t->rounds[t->round_base[i] + r];
            if (text_width(label) > wround)
                wround = text_width(label);
            for (size_t j = 0; j < c->ndims; j++) {
                cell_short(&st->rounds[r].cells[j], matrix, cell, sizeof cell);
                if (strlen(cell) > wdim[j])
                    wdim[j] = strlen(cell);
            }
        }
    }
    art_out_puts(o, "  ");
    put_padded(o, "Site", wsite + 2);
    put_padded(o, "Round", wround);
    for (size_t j = 0; j < c->ndims; j++) {
        art_out_puts(o, "  ");
        put_padded(o, t->dims[j], j + 1 < c->ndims ? wdim[j] : 0);
    }
    art_out_puts(o, "\n");
    for (size_t i = 0; i < c->nsites; i++) {
        const art_compare_site *st = &c->sites[i];
        for (size_t r = 0; r < st->nrounds; r++) {
            if (matrix && r != st->matrix_round)
                continue;
            art_out_puts(o, "  ");
            put_padded(o, t->sites[i], wsite + 2);
            put_padded(o, t->rounds[t->round_base[i] + r], wround);
            for (size_t j = 0; j < c->ndims; j++) {
                cell_short(&st->rounds[r].cells[j], matrix, cell, sizeof cell);
                art_out_puts(o, "  ");
                put_padded(o, cell, j + 1 < c->ndims ? wdim[j] : 0);
            }
            art_out_puts(o, "\n");
        }
    }
    free(wdim);
}

static void text_key(art_out *o, const art_comparison *c, const text_names *t)
{
    art_out_puts(o, "\nKey\n");
    size_t w = 9;
    for (size_t j = 0; j < c->ndims; j++)
        if (text_width(t->dims[j]) > w)
            w = text_width(t->dims[j]);
    for (size_t j = 0; j < c->ndims; j++) {
        art_out_puts(o, "  ");
        put_padded(o, t->dims[j], w + 2);
        art_report_put_text(o, c->dim_names[j], ART_REPORT_NO_LIMIT, ART_ESC_NONE, "");
        art_out_puts(o, "\n");
    }
    art_out_puts(o, "  ");
    put_padded(o, "Q1..Q4", w + 2);
    art_out_puts(o, "quartile within the network, Q1 lowest scores, Q4 highest\n");
    art_out_puts(o, "  ");
    put_padded(o, "p", w + 2);
    art_out_puts(o, "mid-rank percentile: 100 x (sites below + half the sites level) / sites scored\n");
    if (c->min_sources) {
        art_out_puts(o, "  ");
        put_padded(o, "s:sources", w + 2);
        art_out_printf(o, "suppressed: fewer than %zu sources\n", c->min_sources);
    }
    if (c->min_voices) {
        art_out_puts(o, "  ");
        put_padded(o, "s:voices", w + 2);
        art_out_printf(o, "suppressed: fewer than %zu voices\n", c->min_voices);
    }
    if (c->min_sources && c->min_voices) {
        art_out_puts(o, "  ");
        put_padded(o, "s:both", w + 2);
        art_out_puts(o, "suppressed: too few sources and too few voices\n");
    }
    art_out_puts(o, "  ");
    put_padded(o, "-", w + 2);
    art_out_puts(o, "no score: no evidence, or below the evidence floor\n");
    art_out_puts(o, "  ");
    put_padded(o, "n/a", w + 2);
    art_out_puts(o, "the dimension is not in that run's rubric\n");
}

static void text_left_out(art_out *o, const art_comparison *c)
{
    if (c->nleft_out == 0)
        return;
    art_out_puts(o, "Left out (no scored round '");
    art_report_put_text(o, c->round, ART_REPORT_NO_LIMIT, ART_ESC_NONE, "");
    art_out_puts(o, "'): ");
    for (size_t i = 0; i < c->nleft_out; i++) {
        art_out_puts(o, i ? ", " : "");
        art_report_put_text(o, c->left_out[i], ART_REPORT_NO_LIMIT, ART_ESC_NONE, "");
    }
    art_out_puts(o, "\n");
}

static void write_text(art_out *o, const art_comparison *c, const char *table)
{
    text_names t;
    if (!text_names_init(&t, c)) {
        text_names_free(&t, c);
        o->failed = true;
        return;
    }
    art_out_puts(o, "artefact: sites compared\n");
    art_out_printf(o, "Sites: %zu, ", c->nsites);
    if (c->round) {
        art_out_puts(o, "round ");
        art_report_put_text(o, c->round, ART_REPORT_NO_LIMIT, ART_ESC_NONE, "");
        art_out_puts(o, "\n");
    } else {
        art_out_puts(o, "each in its latest scored round\n");
    }
    art_out_printf(o,
                   "Cells backed by fewer than %zu sources or %zu voices are suppressed: "
                   "no score is shown and they are not ranked.\n",
                   c->min_sources, c->min_voices);
    text_left_out(o, c);
    if (is_table(table, "matrix")) {
        art_out_puts(o, "\nScores by site and dimension (score, quartile, percentile)\n");
        text_table(o, c, &t, true);
    }
    if (is_table(table, "trend")) {
        art_out_puts(o, "\nTrends by round (scores of every scored round, oldest first)\n");
        text_table(o, c, &t, false);
    }
    text_key(o, c, &t);
    text_names_free(&t, c);
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

/* RFC 4180 field from user text.  A field a spreadsheet would run as a
 * formula (= + - @ first) gets a leading apostrophe. */
static void csv_field(art_out *o, const char *s)
{
    char *clean = clean_text(s);
    if (!clean) {
        o->failed = true;
        return;
    }
    bool formula = strchr("=+-@", clean[0]) && clean[0];
    if (!formula && !strpbrk(clean, ",\"")) {
        art_out_puts(o, clean);
    } else {
        art_out_puts(o, "\"");
        if (formula)
            art_out_puts(o, "'");
        for (const char *p = clean; *p; p++)
            art_out_write(o, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
        art_out_puts(o, "\"");
    }
    free(clean);
}

static void csv_double(art_out *o, double x, int decimals)
{
    if (isfinite(x))
        art_out_printf(o, "%.*f", decimals, x == 0 ? 0.0 : x);
}

static void csv_matrix(art_out *o, const art_comparison *c)
{
    art_out_puts(o, "site,round");
    for (size_t j = 0; j < c->ndims; j++) {
        const char *suffix[] = {"", "_quartile", "_percentile", "_note"};
        for (int k = 0; k < 4; k++) {
            char *clean = clean_text(c->dim_ids[j]);
            size_t n = clean ? strlen(clean) + 16 : 0;
            char *name = clean ? malloc(n) : NULL;
            if (!name) {
                free(clean);
                o->failed = true;
                return;
            }
            snprintf(name, n, "%s%s", clean, suffix[k]);
            art_out_puts(o, ",");
            csv_field(o, name);
            free(name);
            free(clean);
        }
    }
    art_out_puts(o, "\r\n");
    char note[160];
    for (size_t i = 0; i < c->nsites; i++) {
        const art_compare_site *st = &c->sites[i];
        csv_field(o, st->name);
        art_out_puts(o, ",");
        csv_field(o, st->rounds[st->matrix_round].label);
        for (size_t j = 0; j < c->ndims; j++) {
            const art_compare_cell *x = matrix_cell(st, j);
            art_out_puts(o, ",");
            if (x->status == ART_CELL_SCORED)
                art_out_printf(o, "%ld,%d,", art_report_round(x->score), x->quartile);
            else
                art_out_puts(o, ",,");
            csv_double(o, x->percentile, 1);
            art_out_puts(o, ",");
            cell_note(c, x, note, sizeof note);
            csv_field(o, note);
        }
        art_out_puts(o, "\r\n");
    }
}

static void csv_trend(art_out *o, const art_comparison *c)
{
    art_out_puts(o, "site,round,dimension,score,level,nsources,nvoices,status,suppressed_for\r\n");
    for (size_t i = 0; i < c->nsites; i++) {
        const art_compare_site *st = &c->sites[i];
        for (size_t r = 0; r < st->nrounds; r++) {
            for (size_t j = 0; j < c->ndims; j++) {
                const art_compare_cell *x = &st->rounds[r].cells[j];
                csv_field(o, st->name);
                art_out_puts(o, ",");
                csv_field(o, st->rounds[r].label);
                art_out_puts(o, ",");
                csv_field(o, c->dim_ids[j]);
                if (x->status == ART_CELL_SCORED)
                    art_out_printf(o, ",%ld,%d,", art_report_round(x->score), x->level);
                else
                    art_out_puts(o, ",,,");
                if (x->status != ART_CELL_ABSENT)
                    art_out_printf(o, "%zu,%zu", x->nsources, x->nvoices);
                else
                    art_out_puts(o, ",");
                art_out_printf(o, ",%s,%s\r\n", art_cell_status_id(x->status), why_id(x->why));
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

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
        if (cp == '"' || cp == '\\')
            art_out_printf(o, "\\%c", (char)cp);
        else if (cp < 0x20 || cp == 0x7F)
            art_out_printf(o, "\\u%04x", cp);
        else if (cp == 0xFFFD)
            art_out_puts(o, "\xEF\xBF\xBD");
        else
            art_out_write(o, s + i, k);
        i += k;
    }
    art_out_puts(o, "\"");
}

static void json_cell_common(art_out *o, const art_comparison *c, const art_compare_cell *x,
                             size_t j)
{
    art_out_puts(o, "{\"dimension\": ");
    json_string(o, c->dim_ids[j]);
    art_out_printf(o, ", \"status\": \"%s\"", art_cell_status_id(x->status));
    if (x->status == ART_CELL_SUPPRESSED)
        art_out_printf(o, ", \"suppressed_for\": \"%s\"", why_id(x->why));
    if (x->status == ART_CELL_SCORED)
        art_out_printf(o, ", \"score\": %ld, \"level\": %d", art_report_round(x->score), x->level);
    else
        art_out_puts(o, ", \"score\": null, \"level\": null");
    if (x->status != ART_CELL_ABSENT)
        art_out_printf(o, ", \"nsources\": %zu, \"nvoices\": %zu", x->nsources, x->nvoices);
}

static void json_matrix(art_out *o, const art_comparison *c)
{
    art_out_puts(o, "  \"matrix\": [");
    for (size_t i = 0; i < c->nsites; i++) {
        const art_compare_site *st = &c->sites[i];
        const art_compare_round *rd = &st->rounds[st->matrix_round];
        art_out_puts(o, i ? ",\n    {\"site\": " : "\n    {\"site\": ");
        json_string(o, st->name);
        art_out_puts(o, ", \"round\": ");
        json_string(o, rd->label);
        art_out_puts(o, ", \"origin\": ");
        json_string(o, rd->origin);
        art_out_puts(o, ", \"cells\": [");
        for (size_t j = 0; j < c->ndims; j++) {
            const art_compare_cell *x = &rd->cells[j];
            art_out_puts(o, j ? ",\n      " : "\n      ");
            json_cell_common(o, c, x, j);
            if (x->status == ART_CELL_SCORED)
                art_out_printf(o, ", \"percentile\": %.1f, \"quartile\": %d, \"ranked\": %zu}",
                               x->percentile, x->quartile, x->nranked);
            else
                art_out_puts(o, ", \"percentile\": null, \"quartile\": null}");
        }
        art_out_puts(o, "]}");
    }
    art_out_puts(o, c->nsites ? "\n  ]" : "]");
}

static void json_trend(art_out *o, const art_comparison *c)
{
    art_out_puts(o, "  \"trend\": [");
    bool first = true;
    for (size_t i = 0; i < c->nsites; i++) {
        const art_compare_site *st = &c->sites[i];
        for (size_t r = 0; r < st->nrounds; r++) {
            for (size_t j = 0; j < c->ndims; j++) {
                art_out_puts(o, first ? "\n    {\"site\": " : ",\n    {\"site\": ");
                first = false;
                json_string(o, st->name);
                art_out_puts(o, ", \"round\": ");
                json_string(o, st->rounds[r].label);
                art_out_puts(o, ", \"cell\": ");
                json_cell_common(o, c, &st->rounds[r].cells[j], j);
                art_out_puts(o, "}}");
            }
        }
    }
    art_out_puts(o, first ? "]" : "\n  ]");
}

static void write_json(art_out *o, const art_comparison *c)
{
    art_out_puts(o, "{\n  \"comparison\": \"artefact sites\",\n  \"round\": ");
    json_string(o, c->round);
    art_out_printf(o, ",\n  \"min_sources\": %zu,\n  \"min_voices\": %zu,\n", c->min_sources,
                   c->min_voices);
    art_out_puts(o, "  \"percentile\": \"mid-rank: 100 * (below + 0.5 * equal) / n over the "
                    "dimension's scored, unsuppressed cells, scores as whole points\",\n");
    art_out_puts(o, "  \"quartile\": \"1: percentile up to 25 (lowest), 2: up to 50, 3: up to 75, "
                    "4: above 75 (highest)\",\n");
    art_out_puts(o, "  \"dimensions\": [");
    for (size_t j = 0; j < c->ndims; j++) {
        art_out_puts(o, j ? ",\n    {\"id\": " : "\n    {\"id\": ");
        json_string(o, c->dim_ids[j]);
        art_out_puts(o, ", \"name\": ");
        json_string(o, c->dim_names[j]);
        art_out_puts(o, "}");
    }
    art_out_puts(o, c->ndims ? "\n  ],\n  \"left_out\": [" : "],\n  \"left_out\": [");
    for (size_t i = 0; i < c->nleft_out; i++) {
        art_out_puts(o, i ? ", " : "");
        json_string(o, c->left_out[i]);
    }
    art_out_puts(o, "],\n");
    json_matrix(o, c);
    art_out_puts(o, ",\n");
    json_trend(o, c);
    art_out_puts(o, "\n}\n");
}

/* ------------------------------------------------------------------ */
/* HTML heatmap                                                        */
/* ------------------------------------------------------------------ */

static void html_text(art_out *o, const char *s)
{
    art_report_put_text(o, s, ART_REPORT_NO_LIMIT, ART_ESC_HTML, "");
}

/* Five bands of twenty points, light to dark, safe for colour-blind
 * readers (ColorBrewer YlGnBu); the number is always written too. */
static int score_band(double score)
{
    long s = art_report_round(score);
    int b = (int)(s / 20) + 1;
    return b < 1 ? 1 : b > 5 ? 5 : b;
}

static const char html_style[] =
    "<style>\n"
    "@page { size: A4 landscape; margin: 12mm; }\n"
    "body { font-family: system-ui, sans-serif; color: #111; margin: 1.5em; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.85em; }\n"
    "caption { text-align: left; font-weight: bold; margin-bottom: 0.4em; }\n"
    "th, td { border: 1px solid #999; padding: 0.25em 0.4em; text-align: center; "
    "vertical-align: middle; }\n"
    "th[scope=row], td.round { text-align: left; }\n"
    "thead th { background: #eee; }\n"
    "td.c { min-width: 4.2em; -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "td.c b { display: block; font-size: 1.15em; }\n"
    "td.c small { display: block; }\n"
    ".b1 { background: #ffffcc; } .b2 { background: #a1dab4; } .b3 { background: #41b6c4; }\n"
    ".b4 { background: #2c7fb8; color: #fff; } .b5 { background: #253494; color: #fff; }\n"
    ".sup { background: repeating-linear-gradient(45deg, #ddd 0 4px, #f4f4f4 4px 8px); "
    "color: #333; font-style: italic; }\n"
    ".none { background: #f4f4f4; color: #555; }\n"
    "ul.legend { list-style: none; padding: 0; }\n"
    "ul.legend li { margin: 0.2em 0; }\n"
    "ul.legend span { display: inline-block; width: 2.2em; height: 1.1em; vertical-align: "
    "middle; border: 1px solid #999; margin-right: 0.5em; -webkit-print-color-adjust: exact; "
    "print-color-adjust: exact; }\n"
    "@media print { body { margin: 0; font-size: 9pt; } h2 { break-before: auto; } "
    "tr { break-inside: avoid; } }\n"
    "</style>\n";

static void html_cell(art_out *o, const art_comparison *c, const art_compare_cell *x, bool ranked)
{
    char note[160];
    switch (x->status) {
    case ART_CELL_SCORED:
        art_out_printf(o, "<td class=\"c b%d\"><b>%ld</b>", score_band(x->score),
                       art_report_round(x->score));
        if (ranked)
            art_out_printf(o, "<small>Q%d &middot; p%ld</small>", x->quartile,
                           art_report_round(x->percentile));
        art_out_puts(o, "</td>");
        break;
    case ART_CELL_SUPPRESSED:
        cell_note(c, x, note, sizeof note);
        art_out_puts(o, "<td class=\"c sup\" title=\"");
        html_text(o, note);
        art_out_printf(o, "\">suppressed<small>too few %s</small></td>",
                       x->why == ART_SUPPRESS_SOURCES  ? "sources"
                       : x->why == ART_SUPPRESS_VOICES ? "voices"
                                                       : "sources, voices");
        break;
    case ART_CELL_NO_SCORE:
        art_out_puts(o, "<td class=\"c none\">no score</td>");
        break;
    case ART_CELL_ABSENT:
        art_out_puts(o, "<td class=\"c none\">n/a</td>");
        break;
    }
}

static void html_head_row(art_out *o, const art_comparison *c)
{
    art_out_puts(o, "<thead><tr><th scope=\"col\">Site</th><th scope=\"col\">Round</th>");
    for (size_t j = 0; j < c->ndims; j++) {
        art_out_puts(o, "<th scope=\"col\">");
        html_text(o, c->dim_names[j] ? c->dim_names[j] : c->dim_ids[j]);
        art_out_puts(o, "</th>");
    }
    art_out_puts(o, "</tr></thead>\n");
}

static void html_table(art_out *o, const art_comparison *c, bool matrix)
{
    art_out_printf(o, "<table class=\"%s\">\n<caption>", matrix ? "heat" : "trend");
    if (matrix) {
        art_out_puts(o, "Score of each site on each dimension (0&ndash;100), with its quartile "
                        "(Q1 lowest, Q4 highest) and percentile within the network");
    } else {
        art_out_puts(o, "Score of each site on each dimension in every scored round, oldest "
                        "round first");
    }
    art_out_puts(o, "</caption>\n");
    html_head_row(o, c);
    art_out_puts(o, "<tbody>\n");
    for (size_t i = 0; i < c->nsites; i++) {
        const art_compare_site *st = &c->sites[i];
        for (size_t r = 0; r < st->nrounds; r++) {
            if (matrix && r != st->matrix_round)
                continue;
            art_out_puts(o, "<tr><th scope=\"row\">");
            html_text(o, st->name);
            art_out_puts(o, "</th><td class=\"round\">");
            html_text(o, st->rounds[r].label);
            art_out_puts(o, "</td>");
            for (size_t j = 0; j < c->ndims; j++)
                html_cell(o, c, &st->rounds[r].cells[j], matrix);
            art_out_puts(o, "</tr>\n");
        }
    }
    art_out_puts(o, "</tbody>\n</table>\n");
}

static void html_legend(art_out *o, const art_comparison *c)
{
    static const char *bands[] = {"0&ndash;19", "20&ndash;39", "40&ndash;59", "60&ndash;79",
                                  "80&ndash;100"};
    art_out_puts(o, "<h2 id=\"legend\">Legend</h2>\n<ul class=\"legend\">\n");
    for (int b = 1; b <= 5; b++)
        art_out_printf(o, "<li><span class=\"b%d\"></span>score %s</li>\n", b, bands[b - 1]);
    art_out_printf(o,
                   "<li><span class=\"sup\"></span>suppressed: backed by fewer than %zu sources "
                   "or fewer than %zu voices; no score is shown and the cell is not ranked</li>\n",
                   c->min_sources, c->min_voices);
    art_out_puts(o, "<li><span class=\"none\"></span>no score (no evidence, or below the evidence "
                    "floor), or n/a (not in that run's rubric)</li>\n</ul>\n");
    art_out_puts(o, "<p>Percentile (p): the mid-rank percentile among the sites scored on the "
                    "dimension, 100 &times; (sites below + half the sites level) / sites scored. "
                    "Quartile: Q1 for a percentile up to 25 (the lowest scores), Q2 up to 50, "
                    "Q3 up to 75, Q4 above 75 (the highest).</p>\n");
}

static void write_html(art_out *o, const art_comparison *c)
{
    art_out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<title>artefact: sites compared</title>\n");
    art_out_puts(o, html_style);
    art_out_puts(o, "</head>\n<body>\n<main>\n<h1>Sites compared</h1>\n<p>");
    art_out_printf(o, "%zu site%s, ", c->nsites, c->nsites == 1 ? "" : "s");
    if (c->round) {
        art_out_puts(o, "round ");
        html_text(o, c->round);
    } else {
        art_out_puts(o, "each in its latest scored round");
    }
    art_out_printf(o, ". Cells backed by fewer than %zu sources or %zu voices are suppressed.</p>\n",
                   c->min_sources, c->min_voices);
    if (c->nleft_out) {
        art_out_puts(o, "<p>Left out, with no scored round of that name: ");
        for (size_t i = 0; i < c->nleft_out; i++) {
            art_out_puts(o, i ? ", " : "");
            html_text(o, c->left_out[i]);
        }
        art_out_puts(o, ".</p>\n");
    }
    art_out_puts(o, "<h2 id=\"matrix\">Scores by site and dimension</h2>\n");
    html_table(o, c, true);
    html_legend(o, c);
    art_out_puts(o, "<h2 id=\"trend\">Trends by round</h2>\n");
    html_table(o, c, false);
    art_out_puts(o, "</main>\n</body>\n</html>\n");
}

/* ------------------------------------------------------------------ */

art_status art_comparison_write(const art_comparison *c, const char *format, const char *table,
                                FILE *f, art_error *err)
{
    if (!format)
        format = "text";
    if (table && strcmp(table, "matrix") != 0 && strcmp(table, "trend") != 0)
        return art_error_set(err, ART_ERR_USAGE,
                             "unknown table '%s' (the comparison has: matrix, trend)", table);
    bool text = strcmp(format, "text") == 0, csv = strcmp(format, "csv") == 0;
    bool json = strcmp(format, "json") == 0, html = strcmp(format, "html") == 0;
    if (!text && !csv && !json && !html)
        return art_error_set(err, ART_ERR_USAGE,
                             "unknown format '%s' (compare writes text, csv, json or html)", format);
    if (table && (json || html))
        return art_error_set(err, ART_ERR_USAGE,
                             "--table chooses a table for text or csv; %s holds every table",
                             format);
    art_out o = {f, false};
    if (text)
        write_text(&o, c, table);
    else if (csv && is_table(table ? table : "matrix", "matrix"))
        csv_matrix(&o, c);
    else if (csv)
        csv_trend(&o, c);
    else if (json)
        write_json(&o, c);
    else
        write_html(&o, c);
    if (o.failed || ferror(f))
        return art_error_set(err, ART_ERR_IO, "cannot write the comparison");
    return ART_OK;
}
