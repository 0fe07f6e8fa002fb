/* The HTML report's SVG charts: a radar of every dimension, gap bars and a
 * trend across rounds.  Inline SVG only (no script, no external reference),
 * each with a <title> and <desc> and followed, in report_html.c, by a table
 * holding the same figures.  Series differ by line style and marker shape
 * as well as by colour (an Okabe-Ito palette, safe for colour-blind
 * readers), and values are written beside bars, so nothing is told by
 * colour alone. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LABEL_MAX_CP 26
#define PI 3.14159265358979323846
#define INK "#1f2328"
#define MUTED "#555d66"
#define GRID "#d4d9de"

/* ------------------------------------------------------------------ */
/* Markers                                                             */
/* ------------------------------------------------------------------ */

typedef enum marker { M_CIRCLE, M_SQUARE, M_TRIANGLE, M_DIAMOND, M_CROSS, M_RING, M_NMARKERS } marker;

static void put_marker(art_out *o, marker m, double x, double y, const char *colour)
{
    switch (m) {
    case M_CIRCLE:
        art_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", x, y, colour);
        break;
    case M_SQUARE:
        art_out_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"%s\"/>",
                       x - 4, y - 4, colour);
        break;
    case M_TRIANGLE:
        art_out_printf(o, "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"%s\"/>", x,
                       y - 5.5, x + 5, y + 4, x - 5, y + 4, colour);
        break;
    case M_DIAMOND:
        art_out_printf(o, "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"%s\"/>",
                       x, y - 5.5, x + 5.5, y, x, y + 5.5, x - 5.5, y, colour);
        break;
    case M_CROSS:
        art_out_printf(o, "<path d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f\" stroke=\"%s\" "
                          "stroke-width=\"2.2\" fill=\"none\"/>",
                       x - 4, y - 4, x + 4, y + 4, x - 4, y + 4, x + 4, y - 4, colour);
        break;
    default:
        art_out_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#fff\" stroke=\"%s\" "
                          "stroke-width=\"2\"/>", x, y, colour);
        break;
    }
}

static void put_label(art_out *o, const char *s)
{
    art_report_put_text(o, s, LABEL_MAX_CP, ART_ESC_HTML, "");
}

static void put_full(art_out *o, const char *s)
{
    art_report_put_text(o, s, ART_REPORT_NO_LIMIT, ART_ESC_HTML, "");
}

static const char *dim_label(const art_dim_score *d)
{
    return d->name ? d->name : d->id;
}

static void put_score(art_out *o, double x)
{
    if (art_report_has(x))
        art_out_printf(o, "%ld", art_report_round(x));
    else
        art_out_puts(o, "no score");
}

/* ------------------------------------------------------------------ */
/* Radar                                                               */
/* ------------------------------------------------------------------ */

#define RD_W 780
#define RD_H 500
#define RD_CX 390.0
#define RD_CY 265.0
#define RD_R 180.0

typedef struct series {
    const char *name;
    const char *colour;
    const char *dash;       /* stroke-dasharray, or NULL for solid */
    double width;
    marker mk;
    bool fill;
} series;

static const series radar_series[4] = {
    {"Target", INK, "7 5", 2, M_SQUARE, false},
    {"Score", "#0072b2", NULL, 3, M_CIRCLE, true},
    {"Espoused (documents)", "#e69f00", "2 4", 2.5, M_TRIANGLE, false},
    {"Enacted (interviews)", "#d55e00", "9 4 2 4", 2.5, M_DIAMOND, false},
};

static double series_value(const art_dim_score *d, int s)
{
    switch (s) {
    case 0: return d->target;
    case 1: return d->score;
    case 2: return d->espoused;
    default: return d->enacted;
    }
}

static void radar_point(size_t i, size_t n, double value, double *x, double *y)
{
    double v = value < 0 ? 0 : value > 100 ? 100 : value;
    double angle = -PI / 2 + 2 * PI * (double)i / (double)n;
    *x = RD_CX + RD_R * v / 100 * cos(angle);
    *y = RD_CY + RD_R * v / 100 * sin(angle);
}

static void radar_grid(const art_assessment *a, art_out *o)
{
    size_t n = a->ndims;
    art_out_puts(o, "<g class=\"grid\" fill=\"none\" stroke=\"" GRID "\">");
    for (int ring = 20; ring <= 100; ring += 20) {
        art_out_puts(o, "<path d=\"");
        for (size_t i = 0; i < n; i++) {
            double x, y;
            radar_point(i, n, ring, &x, &y);
            art_out_printf(o, "%s%.1f %.1f ", i ? "L" : "M", x, y);
        }
        art_out_puts(o, "Z\"/>");
    }
    for (size_t i = 0; i < n; i++) {
        double x, y;
        radar_point(i, n, 100, &x, &y);
        art_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", RD_CX, RD_CY,
                       x, y);
    }
    art_out_puts(o, "</g>\n<g font-size=\"11\" fill=\"" MUTED "\">");
    for (int ring = 20; ring <= 100; ring += 20)
        art_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\">%d</text>", RD_CX + 4,
                       RD_CY - RD_R * ring / 100 + 12, ring);
    art_out_puts(o, "</g>\n<g font-size=\"15\" fill=\"" INK "\">");
    for (size_t i = 0; i < n; i++) {
        double x, y;
        radar_point(i, n, 112, &x, &y);
        const char *anchor = fabs(x - RD_CX) < 8 ? "middle" : x > RD_CX ? "start" : "end";
        art_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x,
                       y + (y > RD_CY + 8 ? 10 : y < RD_CY - 8 ? -2 : 4), anchor);
        put_label(o, dim_label(&a->dims[i]));
        art_out_puts(o, "</text>");
    }
    art_out_puts(o, "</g>\n");
}

static void radar_legend(art_out *o)
{
    static const double at[4] = {70, 182, 290, 500};    /* by the names' lengths */
    art_out_puts(o, "<g class=\"legend\" font-size=\"14\" fill=\"" INK "\">");
    for (int s = 0; s < 4; s++) {
        const series *sr = &radar_series[s];
        double x = at[s];
        art_out_printf(o, "<line x1=\"%.1f\" y1=\"16\" x2=\"%.1f\" y2=\"16\" stroke=\"%s\" "
                          "stroke-width=\"%.1f\"%s%s%s/>",
                       x, x + 34, sr->colour, sr->width, sr->dash ? " stroke-dasharray=\"" : "",
                       sr->dash ? sr->dash : "", sr->dash ? "\"" : "");
        put_marker(o, sr->mk, x + 17, 16, sr->colour);
        art_out_printf(o, "<text x=\"%.1f\" y=\"20\">%s</text>", x + 40, sr->name);
    }
    art_out_puts(o, "</g>\n");
}

static void radar_series_path(const art_assessment *a, int s, art_out *o)
{
    const series *sr = &radar_series[s];
    size_t n = a->ndims, present = 0;
    for (size_t i = 0; i < n; i++)
        present += art_report_has(series_value(&a->dims[i], s));
    if (present == 0)
        return;
    bool closed = present == n;
    art_out_printf(o, "<g class=\"series\"><title>%s</title><path d=\"", sr->name);
    bool pen = false;
    for (size_t i = 0; i < n; i++) {
        double v = series_value(&a->dims[i], s);
        if (!art_report_has(v)) {
            pen = false;
            continue;
        }
        double x, y;
        radar_point(i, n, v, &x, &y);
        art_out_printf(o, "%s%.1f %.1f ", pen ? "L" : "M", x, y);
        pen = true;
    }
    art_out_printf(o, "%s\" fill=\"%s\" fill-opacity=\"%s\" stroke=\"%s\" stroke-width=\"%.1f\" "
                      "stroke-linejoin=\"round\"%s%s%s/>",
                   closed ? "Z" : "", closed && sr->fill ? sr->colour : "none",
                   closed && sr->fill ? "0.12" : "0", sr->colour, sr->width,
                   sr->dash ? " stroke-dasharray=\"" : "", sr->dash ? sr->dash : "",
                   sr->dash ? "\"" : "");
    for (size_t i = 0; i < n; i++) {
        double v = series_value(&a->dims[i], s);
        if (!art_report_has(v))
            continue;
        double x, y;
        radar_point(i, n, v, &x, &y);
        art_out_puts(o, "<g><title>");
        put_full(o, dim_label(&a->dims[i]));
        art_out_printf(o, ": %s %ld</title>", sr->name, art_report_round(v));
        put_marker(o, sr->mk, x, y, sr->colour);
        art_out_puts(o, "</g>");
    }
    art_out_puts(o, "</g>\n");
}

bool art_svg_radar(const art_assessment *a, art_out *o)
{
    if (a->ndims < 3)
        return false;
    art_out_printf(o, "<figure class=\"radar\">\n<svg class=\"chart\" viewBox=\"0 0 %d %d\" "
                      "width=\"%d\" height=\"%d\" role=\"img\" "
                      "aria-labelledby=\"radar-t radar-d\">\n",
                   RD_W, RD_H, RD_W, RD_H);
    art_out_puts(o, "<title id=\"radar-t\">Culture profile: every dimension at once</title>\n"
                    "<desc id=\"radar-d\">A radar chart with one axis per culture dimension, "
                    "0 at the centre and 100 (the CLS value) at the edge. Four outlines: the "
                    "target (dashed, square markers), the score (solid, shaded, round "
                    "markers), the score from documents (dotted, triangles) and from interviews "
                    "(dash-dot, diamonds). A gap in an outline is a dimension without that "
                    "score. The table after the chart gives the same figures.</desc>\n");
    radar_legend(o);
    radar_grid(a, o);
    for (int s = 0; s < 4; s++)
        radar_series_path(a, s, o);
    art_out_puts(o, "</svg>\n</figure>\n");
    return true;
}

/* ------------------------------------------------------------------ */
/* Gap bars                                                            */
/* ------------------------------------------------------------------ */

#define GB_W 780
#define GB_X0 260.0         /* left end of the bar area */
#define GB_SPAN 380.0
#define GB_TOP 40
#define GB_ROW 30

static bool gap_drawn(const art_dim_score *d)
{
    return art_report_has(d->gap) && !d->insufficient;
}

void art_svg_gap_bars(const art_assessment *a, const size_t *order, art_out *o)
{
    double lo = 0, hi = 0;
    size_t rows = 0;
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        if (!gap_drawn(d))
            continue;
        rows++;
        if (d->gap < lo) lo = d->gap;
        if (d->gap > hi) hi = d->gap;
    }
    if (rows == 0)
        return;
    double span = hi - lo > 0 ? hi - lo : 1;
    double zero = GB_X0 + GB_SPAN * (-lo) / span;
    int height = GB_TOP + (int)rows * GB_ROW + 10;
    art_out_printf(o, "<figure class=\"gaps\">\n<svg class=\"chart\" viewBox=\"0 0 %d %d\" "
                      "width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"gapbars-t "
                      "gapbars-d\">\n", GB_W, height, GB_W, height);
    art_out_puts(o, "<title id=\"gapbars-t\">Gap to target, largest first</title>\n"
                    "<desc id=\"gapbars-d\">One bar per scored dimension, as long as the points "
                    "still to travel to its target; a bar to the left of the zero line is a "
                    "dimension already beyond its target. Each bar is labelled with its value "
                    "in words. The table after the chart gives the same figures.</desc>\n");
    art_out_printf(o, "<g font-size=\"11\" fill=\"" MUTED "\"><line x1=\"%.1f\" y1=\"%d\" "
                      "x2=\"%.1f\" y2=\"%d\" stroke=\"" INK "\" stroke-width=\"1.5\"/>"
                      "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">0 (on target)</text></g>\n",
                   zero, GB_TOP - 8, zero, height - 6, zero, GB_TOP - 14);
    size_t row = 0;
    for (size_t k = 0; k < a->ndims; k++) {
        const art_dim_score *d = &a->dims[order[k]];
        if (!gap_drawn(d))
            continue;
        int mid = GB_TOP + (int)row++ * GB_ROW + GB_ROW / 2;
        double w = GB_SPAN * fabs(d->gap) / span;
        bool ahead = d->gap < 0;
        long g = labs(art_report_round(d->gap));
        art_out_puts(o, "<g><title>");
        put_full(o, dim_label(d));
        if (ahead)
            art_out_printf(o, ": %ld point%s beyond target</title>", g, g == 1 ? "" : "s");
        else
            art_out_printf(o, ": %ld point%s to go</title>", g, g == 1 ? "" : "s");
        art_out_printf(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"14\" text-anchor=\"end\" "
                          "fill=\"" INK "\">", GB_X0 - 12, mid + 4);
        put_label(o, dim_label(d));
        art_out_puts(o, "</text>");
        /* Bars to go are solid; bars beyond target are hatched outlines. */
        if (ahead)
            art_out_printf(o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" "
                              "fill=\"#fff\" stroke=\"#009e73\" stroke-width=\"2\" "
                              "stroke-dasharray=\"4 2\"/>", zero - w, mid - 8, w);
        else
            art_out_printf(o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" "
                              "fill=\"#0072b2\"/>", zero, mid - 8, w);
        /* The value always reads to the right: beyond the bar, or (for a
         * bar beyond target, drawn leftwards) just right of the zero line. */
        art_out_printf(o, "<text x=\"%.1f\" y=\"%d\" font-size=\"13\" fill=\"" INK "\">"
                          "%ld %s</text></g>\n",
                       ahead ? zero + 6 : zero + w + 6, mid + 4, g,
                       ahead ? "beyond target" : "to go");
    }
    art_out_puts(o, "</svg>\n</figure>\n");
}

/* ------------------------------------------------------------------ */
/* Trend                                                               */
/* ------------------------------------------------------------------ */

#define TR_W 780
#define TR_H 420
#define TR_X0 60.0
#define TR_X1 560.0
#define TR_Y0 40.0          /* 100 */
#define TR_Y1 360.0         /* 0 */

static const char *const palette[8] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                       "#e69f00", "#56b4e9", "#1f2328", "#8c6d1f"};
static const char *const dashes[4] = {NULL, "8 4", "2 4", "10 4 2 4"};

static double trend_x(size_t r, size_t n)
{
    return n > 1 ? TR_X0 + (TR_X1 - TR_X0) * (double)r / (double)(n - 1) : TR_X0;
}

static double trend_y(double v)
{
    double c = v < 0 ? 0 : v > 100 ? 100 : v;
    return TR_Y1 - (TR_Y1 - TR_Y0) * c / 100;
}

typedef struct end_label {
    size_t dim;
    double y;
} end_label;

static int cmp_end_label(const void *pa, const void *pb)
{
    const end_label *a = pa, *b = pb;
    if (a->y != b->y)
        return a->y < b->y ? -1 : 1;
    return a->dim < b->dim ? -1 : (a->dim > b->dim);
}

/* Direct labels at the right, pushed apart so they never overlap. */
static void trend_labels(const art_assessment *a, art_out *o)
{
    const art_history *h = a->history;
    end_label *lab = calloc(a->ndims ? a->ndims : 1, sizeof *lab);
    if (!lab) {
        o->failed = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < a->ndims; i++)
        for (size_t r = h->nrounds; r-- > 0;) {
            double v = h->scores[r * h->ndims + i];
            if (art_report_has(v)) {
                lab[n++] = (end_label){i, trend_y(v)};
                break;
            }
        }
    qsort(lab, n, sizeof *lab, cmp_end_label);
    for (size_t k = 1; k < n; k++)
        if (lab[k].y < lab[k - 1].y + 16)
            lab[k].y = lab[k - 1].y + 16;
    art_out_puts(o, "<g font-size=\"13\" fill=\"" INK "\">");
    for (size_t k = 0; k < n; k++) {
        size_t i = lab[k].dim;
        art_out_printf(o, "<text x=\"%.1f\" y=\"%.1f\">", TR_X1 + 22, lab[k].y + 4);
        put_label(o, dim_label(&a->dims[i]));
        art_out_puts(o, "</text>");
        put_marker(o, (marker)(i % M_NMARKERS), TR_X1 + 12, lab[k].y, palette[i % 8]);
    }
    art_out_puts(o, "</g>\n");
    free(lab);
}

static void trend_axes(const art_history *h, art_out *o)
{
    art_out_puts(o, "<g font-size=\"13\" fill=\"" MUTED "\">");
    for (int v = 0; v <= 100; v += 20)
        art_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID
                          "\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%d</text>",
                       TR_X0, trend_y(v), TR_X1, trend_y(v), TR_X0 - 8, trend_y(v) + 4, v);
    for (size_t r = 0; r < h->nrounds; r++) {
        double x = trend_x(r, h->nrounds);
        art_out_printf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" GRID
                          "\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                       x, TR_Y0, x, TR_Y1 + 4, x, TR_Y1 + 22);
        art_report_put_text(o, h->rounds[r], 16, ART_ESC_HTML, "");
        art_out_puts(o, "</text>");
    }
    art_out_puts(o, "</g>\n");
}

static void trend_line(const art_assessment *a, size_t i, art_out *o)
{
    const art_history *h = a->history;
    const char *colour = palette[i % 8];
    const char *dash = dashes[(i / 2) % 4];
    art_out_puts(o, "<g><title>");
    put_full(o, dim_label(&a->dims[i]));
    art_out_puts(o, "</title><path d=\"");
    bool pen = false;
    for (size_t r = 0; r < h->nrounds; r++) {
        double v = h->scores[r * h->ndims + i];
        if (!art_report_has(v)) {
            pen = false;
            continue;
        }
        art_out_printf(o, "%s%.1f %.1f ", pen ? "L" : "M", trend_x(r, h->nrounds), trend_y(v));
        pen = true;
    }
    art_out_printf(o, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\"%s%s%s/>", colour,
                   dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
    for (size_t r = 0; r < h->nrounds; r++) {
        double v = h->scores[r * h->ndims + i];
        if (!art_report_has(v))
            continue;
        art_out_puts(o, "<g><title>");
        put_full(o, dim_label(&a->dims[i]));
        art_out_puts(o, ", ");
        put_full(o, h->rounds[r]);
        art_out_puts(o, ": ");
        put_score(o, v);
        art_out_puts(o, "</title>");
        put_marker(o, (marker)(i % M_NMARKERS), trend_x(r, h->nrounds), trend_y(v), colour);
        art_out_puts(o, "</g>");
    }
    art_out_puts(o, "</g>\n");
}

void art_svg_trend(const art_assessment *a, art_out *o)
{
    if (!art_report_has_trend(a))
        return;
    art_out_printf(o, "<figure class=\"trend\">\n<svg class=\"chart\" viewBox=\"0 0 %d %d\" "
                      "width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"trend-t "
                      "trend-d\">\n", TR_W, TR_H, TR_W, TR_H);
    art_out_puts(o, "<title id=\"trend-t\">Scores across rounds</title>\n<desc id=\"trend-d\">"
                    "One line per culture dimension, from the oldest round at the left to this "
                    "one at the right, on a scale from 0 to 100. Each line has its own marker "
                    "shape and line style and is named at its right end. A break in a line is a "
                    "round without a score. The table after the chart gives the same figures."
                    "</desc>\n");
    trend_axes(a->history, o);
    for (size_t i = 0; i < a->ndims; i++)
        trend_line(a, i, o);
    trend_labels(a, o);
    art_out_puts(o, "</svg>\n</figure>\n");
}
