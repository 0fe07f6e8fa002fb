/* The HTML report: one self-contained file a CLS lead can hand to a board.
 * No external resources of any kind (inline CSS and SVG, no script, no web
 * fonts), so it opens offline and nothing leaves the machine when it does.
 * Direction and markers are told by words and shapes, never colour alone. */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DASH "\xE2\x80\x94"
#define MINUS "\xE2\x88\x92"
#define MIDDOT " \xC2\xB7 "
#define QUOTE_MAX_CP 600        /* a board report quotes, it does not reprint */
#define CHART_LABEL_MAX_CP 30

/* Chart geometry (SVG user units). */
#define CH_W 780
#define CH_X0 230               /* left edge of the 0..100 scale */
#define CH_SCALE 4.4            /* units per point: 100 points = 440 */
#define CH_TOP 56               /* first row */
#define CH_ROW 32

static const char css[] =
    ":root{--ink:#1f2328;--muted:#555d66;--line:#d4d9de;--soft:#f5f7f9;--bar:#3f6e8e;"
    "--track:#e8ecef;--cls:#1d6b38;--low:#9a3b12}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--ink);background:#fff;"
    "font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\n"
    ".page{max-width:58rem;margin:0 auto;padding:2rem 1.5rem 3rem}\n"
    "h1{font-size:1.9rem;line-height:1.2;margin:0 0 .3rem;font-weight:600}\n"
    "h2{font-size:1.35rem;margin:2.6rem 0 .8rem;padding-bottom:.3rem;"
    "border-bottom:1px solid var(--line);font-weight:600}\n"
    "h3{font-size:1.15rem;margin:0 0 .5rem;font-weight:600}\n"
    "p{margin:.4rem 0}\n"
    ".sub{color:var(--muted);margin:0 0 1rem}\n"
    "dl.counts{display:flex;flex-wrap:wrap;gap:.4rem 1.8rem;margin:1.2rem 0 0}\n"
    "dl.counts div{min-width:6rem}\n"
    "dl.counts dt{font-size:.78rem;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}\n"
    "dl.counts dd{margin:0;font-size:1.3rem;font-weight:600}\n"
    ".how{background:var(--soft);border-left:4px solid var(--bar);padding:.8rem 1rem;margin:1.5rem 0}\n"
    ".how h2{border:0;margin:0 0 .3rem;padding:0;font-size:1.1rem}\n"
    "table{border-collapse:collapse;width:100%;margin:.6rem 0 1.2rem;font-size:.93rem}\n"
    "th,td{text-align:left;vertical-align:top;padding:.4rem .55rem;border-bottom:1px solid var(--line)}\n"
    "thead th{background:var(--soft);font-weight:600}\n"
    "tbody th{font-weight:500}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "caption{caption-side:top;text-align:left;color:var(--muted);font-size:.9rem;padding:.2rem 0 .4rem}\n"
    "figure{margin:1rem 0 .5rem}\n"
    "svg.chart{display:block;width:100%;height:auto;font-family:inherit}\n"
    ".dim{border-top:1px solid var(--line);padding-top:1.2rem;margin-top:1.8rem}\n"
    "h2+.dim{border-top:0;padding-top:0;margin-top:1rem}\n"
    "a{color:#1f4f75}\n"
    "table.voices th.num{white-space:normal}\n"
    "table.voices tbody th{min-width:9rem}\n"
    "table.ev{table-layout:fixed}\n"
    "col.c-dir{width:7.5rem}col.c-src{width:10.5rem}col.c-lvl{width:8rem}col.c-voice{width:8.5rem}\n"
    ".figures{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;color:var(--muted)}\n"
    ".figures strong{color:var(--ink);font-size:1.1rem}\n"
    ".cols{display:grid;grid-template-columns:1fr 1fr;gap:.8rem;margin:.8rem 0}\n"
    ".box{background:var(--soft);padding:.6rem .8rem;border-radius:3px}\n"
    ".box .k{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;margin:0}\n"
    ".box .v{font-size:1.5rem;font-weight:600;margin:0}\n"
    ".box.low{border-left:4px solid var(--low)}\n"
    ".box.cls{border-left:4px solid var(--cls)}\n"
    ".contra .pair h3 .apart{font-weight:400;color:var(--low);font-size:.9rem;margin-left:.4rem}\n"
    "ul.quotes{margin:.3rem 0 0;padding-left:1rem}ul.quotes li{margin:.3rem 0}\n"
    "ul.quotes .cls{color:var(--cls);font-weight:700}ul.quotes .low{color:var(--low);font-weight:700}\n"
    "rect.bar{fill:#3f6e8e}rect.bar.sus{fill:var(--cls)}table.levels{max-width:28rem}\n"
    ".next{border-left:4px solid var(--bar);padding:.5rem .9rem;margin:.8rem 0}\n"
    ".next .k{font-weight:600;margin:0}\n"
    "td.dir{font-weight:600}\n"
    "td q{overflow-wrap:anywhere}\n"
    "td.dir.cls{color:var(--cls)}\n"
    "td.dir.low{color:var(--low)}\n"
    "q{quotes:\"\\201C\" \"\\201D\"}\n"
    ".loc,.who{display:block;color:var(--muted);font-size:.85rem}\n"
    ".none{color:var(--muted);font-style:italic}\n"
    ".warn{border:2px solid var(--low);padding:.6rem .9rem;margin:.8rem 0}\n"
    ".missing{color:var(--low);margin:.2rem 0 .6rem}\n"
    "tr.failed td{background:#fbefe9}\n"
    ".status-failed{color:var(--low);font-weight:700}\n"
    "code{font-size:.85em}\n"
    ".origin{border-left:4px solid var(--bar);background:var(--soft);padding:.5rem .9rem}\n"
    ".disagree{color:var(--low);font-weight:700}\n"
    ".agree{color:var(--muted)}\n"
    ".up{color:var(--cls);font-weight:600;white-space:nowrap}"
    ".down{color:var(--low);font-weight:600;white-space:nowrap}\n"
    "ul.apart{margin:.2rem 0 1rem}\n"
    "figure.radar svg{max-width:44rem;margin:0 auto}\n"
    "table.wide{font-size:.85rem}\n"
    ".ratings-line{margin:.3rem 0}\n"
    "footer{margin-top:3rem;padding-top:.8rem;border-top:1px solid var(--line);"
    "color:var(--muted);font-size:.85rem}\n"
    "@media (max-width:40rem){.cols{grid-template-columns:1fr}}\n"
    "@media print{\n"
    "@page{size:A4;margin:18mm 16mm 20mm}\n"
    "body{font-size:11pt;line-height:1.4}\n"
    ".page{max-width:none;padding:0}\n"
    "h1{font-size:20pt}h2{font-size:15pt}h3{font-size:12.5pt}\n"
    "h2,h3{break-after:avoid;page-break-after:avoid}\n"
    "tr,figure,svg,.box,.next,.figures,.origin{break-inside:avoid;page-break-inside:avoid}\n"
    "figure.radar svg{max-width:15cm}\n"
    "a{color:inherit;text-decoration:none}\n"
    "thead{display:table-header-group}\n"
    ".dim{break-before:auto}\n"
    "thead th,.box,.how,tr.failed td{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "}\n";

/* ------------------------------------------------------------------ */
/* Small writers                                                       */
/* ------------------------------------------------------------------ */

static void h_text(art_out *o, const char *s, const char *null_text)
{
    art_report_put_text(o, s, ART_REPORT_NO_LIMIT, ART_ESC_HTML, null_text);
}

static void h_num(art_out *o, double x)
{
    if (art_report_has(x))
        art_out_printf(o, "%ld", art_report_round(x));
    else
        art_out_puts(o, DASH);
}

static const char *dim_label(const art_dim_score *d)
{
    return d->name ? d->name : d->id;
}

static const char *schein_name(art_level lv)
{
    switch (lv) {
    case ART_LEVEL_ARTEFACT: return "Artefact";
    case ART_LEVEL_ESPOUSED: return "Espoused value";
    case ART_LEVEL_ASSUMPTION: return "Underlying assumption";
    default: return DASH;
    }
}

/* ------------------------------------------------------------------ */
/* Head and summary                                                    */
/* ------------------------------------------------------------------ */

static void html_head(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"artefact " ART_VERSION "\">\n"
                    "<title>Culture report: ");
    h_text(o, a->site, "unnamed site");
    art_out_puts(o, ", ");
    h_text(o, a->round, DASH);
    art_out_puts(o, "</title>\n<style>\n");
    art_out_puts(o, css);
    art_out_puts(o, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
}

static void count_item(art_out *o, const char *label, long long n)
{
    art_out_printf(o, "<div><dt>%s</dt><dd>%lld</dd></div>", label, n);
}

/* The evaluation found lived-experience and voluntary-sector voices the
 * most often absent: say plainly which key voices no participant carried. */
static void html_missing_voices(const art_assessment *a, art_out *o)
{
    size_t total = 0;
    for (int v = 0; v < ART_VOICE_COUNT; v++)
        total += a->voice_participants[v];
    char missing[256];
    if (total == 0) {
        art_out_puts(o, "<p class=\"warn\" role=\"note\"><strong>No interview voices.</strong> "
                        "No participant is recorded in this round, so the enacted scores have no "
                        "voices behind them.</p>\n");
    } else if (art_report_missing_voices(a->voice_participants, missing, sizeof missing) > 0) {
        art_out_puts(o, "<p class=\"warn\" role=\"note\"><strong>Voices missing:</strong> ");
        h_text(o, missing, NULL);
        art_out_puts(o, ". No participant in this round speaks for them; the evaluation of CLS "
                        "found lived-experience and voluntary-sector voices the ones most often "
                        "absent.</p>\n");
    }
}

/* A run imported from a bundle was scored at the site: say so up front. */
static void html_origin(const art_assessment *a, art_out *o)
{
    if (!a->origin)
        return;
    art_out_puts(o, "<p class=\"origin\" role=\"note\"><strong>Imported from a bundle.</strong> ");
    if (strncmp(a->origin, "bundle:", 7) == 0) {
        art_out_puts(o, "These scores were computed at the site and sent as a bundle (SHA-256 "
                        "<code>");
        art_report_put_text(o, a->origin + 7, 64, ART_ESC_HTML, NULL);
        art_out_puts(o, "</code>); this store holds what the bundle held, not the documents "
                        "and interviews themselves.</p>\n");
    } else {
        art_out_puts(o, "Origin: ");
        h_text(o, a->origin, NULL);
        art_out_puts(o, "</p>\n");
    }
}

static void html_summary(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "<header>\n<h1>Culture report: ");
    h_text(o, a->site, "unnamed site");
    art_out_puts(o, "</h1>\n<p class=\"sub\">Round ");
    h_text(o, a->round, DASH);
    art_out_puts(o, MIDDOT "assessed against ");
    if (a->rubric_title) {
        art_out_puts(o, "<em>");
        h_text(o, a->rubric_title, NULL);
        art_out_puts(o, "</em> (");
    }
    art_out_puts(o, "rubric ");
    h_text(o, a->rubric_id, DASH);
    art_out_puts(o, ", version ");
    h_text(o, a->rubric_version, DASH);
    art_out_puts(o, a->rubric_title ? ")</p>\n" : "</p>\n");
    const art_counts *c = &a->counts;
    art_out_puts(o, "<dl class=\"counts\">");
    count_item(o, "Sources", c->sources);
    count_item(o, "Documents", c->documents);
    count_item(o, "Interviews", c->interviews);
    count_item(o, "Participants", c->participants);
    count_item(o, "Segments", c->segments);
    count_item(o, "Codes", c->codes);
    count_item(o, "Codings", c->codings);
    art_out_puts(o, "</dl>\n</header>\n");
    html_origin(a, o);
    html_missing_voices(a, o);
}

static void html_how_to_read(art_out *o)
{
    art_out_puts(o,
        "<section class=\"how\" aria-labelledby=\"how\">\n"
        "<h2 id=\"how\">"
        "How to read this</h2>\n"
        "<p>Each culture dimension is scored from 0 to 100, from its &ldquo;before CLS&rdquo; "
        "pole (0) to the Community Led Support value (100), and falls in one of five levels. "
        "The <strong>target</strong> is where the site wants to be; the <strong>gap</strong> "
        "is the distance still to travel. <strong>Espoused</strong> scores come from what the "
        "site&rsquo;s documents say, <strong>enacted</strong> scores from what people said in "
        "interviews: a difference between the two is often the most useful finding. "
        "<strong>Confidence</strong> reflects how much evidence, from how many sources and "
        "voices, stands behind a score. Dimensions are listed with the biggest gap first, "
        "each with the passages behind its score.</p>\n</section>\n");
}

/* ------------------------------------------------------------------ */
/* Chart and its table alternative                                     */
/* ------------------------------------------------------------------ */

static double chart_x(double score)
{
    if (score < 0) score = 0;
    if (score > 100) score = 100;
    return CH_X0 + score * CH_SCALE;
}

static void chart_legend(art_out *o)
{
    art_out_puts(o,
        "<g class=\"legend\" font-size=\"12\" fill=\"#1f2328\">"
        "<rect x=\"230\" y=\"6\" width=\"22\" height=\"12\" fill=\"#3f6e8e\"/>"
        "<text x=\"258\" y=\"16\">Score</text>"
        "<line x1=\"318\" y1=\"3\" x2=\"318\" y2=\"21\" stroke=\"#1f2328\" stroke-width=\"2.5\"/>"
        "<text x=\"326\" y=\"16\">Target</text>"
        "<circle cx=\"396\" cy=\"12\" r=\"5\" fill=\"#fff\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
        "<text x=\"406\" y=\"16\">Espoused (documents)</text>"
        "<path d=\"M556 6 L562 12 L556 18 L550 12 Z\" fill=\"#1f2328\" stroke=\"#fff\" stroke-width=\"1\"/>"
        "<text x=\"568\" y=\"16\">Enacted (interviews)</text></g>\n");
}

static void chart_axis(art_out *o, int bottom)
{
    art_out_puts(o, "<g class=\"axis\" font-size=\"11\" fill=\"#555d66\" text-anchor=\"middle\">");
    for (int v = 0; v <= 100; v += 20) {
        double x = chart_x(v);
        art_out_printf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d4d9de\"/>",
                       x, CH_TOP - 6, x, bottom);
        art_out_printf(o, "<text x=\"%.1f\" y=\"%d\">%d</text>", x, CH_TOP - 10, v);
    }
    art_out_puts(o, "</g>\n");
}

static void chart_row(const art_dim_score *d, int y, art_out *o)
{
    int mid = y + CH_ROW / 2;
    art_out_puts(o, "<g><title>");
    h_text(o, dim_label(d), NULL);
    art_out_puts(o, ": score ");
    h_num(o, d->score);
    art_out_puts(o, ", target ");
    h_num(o, d->target);
    art_out_puts(o, "</title>");
    art_out_printf(o, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\" fill=\"#1f2328\">",
                   CH_X0 - 12, mid + 4);
    art_report_put_text(o, dim_label(d), CHART_LABEL_MAX_CP, ART_ESC_HTML, NULL);
    art_out_puts(o, "</text>");
    art_out_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"#e8ecef\"/>",
                   CH_X0, mid - 7, 100 * CH_SCALE);
    if (art_report_has(d->score))
        art_out_printf(o, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"#3f6e8e\"/>",
                       CH_X0, mid - 7, chart_x(d->score) - CH_X0);
    else
        art_out_printf(o, "<text x=\"%d\" y=\"%d\" font-size=\"12\" font-style=\"italic\" "
                          "fill=\"#555d66\">%s</text>", CH_X0 + 8, mid + 4,
                       art_report_confidence_label(d));
    if (art_report_has(d->target))
        art_out_printf(o, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#1f2328\" "
                          "stroke-width=\"2.5\"/>", chart_x(d->target), mid - 12,
                       chart_x(d->target), mid + 12);
    if (art_report_has(d->espoused))
        art_out_printf(o, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"#fff\" stroke=\"#1f2328\" "
                          "stroke-width=\"1.5\"/>", chart_x(d->espoused), mid);
    if (art_report_has(d->enacted)) {
        double x = chart_x(d->enacted);
        art_out_printf(o, "<path d=\"M%.1f %d L%.1f %d L%.1f %d L%.1f %d Z\" fill=\"#1f2328\" "
                          "stroke=\"#fff\" stroke-width=\"1\"/>",
                       x, mid - 6, x + 6, mid, x, mid + 6, x - 6, mid);
    }
    art_out_printf(o, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1f2328\">",
                   CH_X0 + (int)(100 * CH_SCALE) + 14, mid + 4);
    h_num(o, d->score);
    art_out_puts(o, " / ");
    h_num(o, d->target);
    art_out_puts(o, "</text></g>\n");
}

static void html_chart(const art_assessment *a, const size_t *order, art_out *o)
{
    int bottom = CH_TOP + (int)a->ndims * CH_ROW;
    int height = bottom + 8;
    art_out_puts(o, "<figure>\n");
    art_out_printf(o, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                      "role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n",
                   CH_W, height, CH_W, height);
    art_out_puts(o, "<title id=\"chart-title\">Scores against targets, biggest gap first</title>\n"
                    "<desc id=\"chart-desc\">A horizontal bar per culture dimension shows its "
                    "score on a scale from 0 to 100; a vertical tick marks its target, a circle "
                    "the score from documents (espoused) and a diamond the score from interviews "
                    "(enacted). The numbers at the right are score / target. The table after the "
                    "chart gives the same figures.</desc>\n");
    chart_legend(o);
    chart_axis(o, bottom);
    for (size_t k = 0; k < a->ndims; k++)
        chart_row(&a->dims[order[k]], CH_TOP + (int)k * CH_ROW, o);
    art_out_puts(o, "</svg>\n</figure>\n");
}

static void num_cell(art_out *o, double x)
{
    art_out_puts(o, "<td class=\"num\">");
    h_num(o, x);
    art_out_puts(o, "</td>");
}

static void html_chart_table(const art_assessment *a, const size_t *order, art_out *o)
{
    art_out_puts(o, "<table class=\"alt\">\n<caption>The chart as a table "
                    "(scores 0&ndash;100, biggest gap first)</caption>\n<thead><tr>"
                    "<th scope=\"col\">Dimension</th><th scope=\"col\" class=\"num\">Score</th>"
                    "<th scope=\"col\" class=\"num\">Target</th><th scope=\"col\" class=\"num\">Gap</th>"
                    "<th scope=\"col\" class=\"num\">Espoused</th>"
                    "<th scope=\"col\" class=\"num\">Enacted</th>"
                    "<th scope=\"col\">Confidence</th></tr></thead>\n<tbody>\n");
    for (size_t k = 0; k < a->ndims; k++) {
        const art_dim_score *d = &a->dims[order[k]];
        art_out_printf(o, "<tr><th scope=\"row\"><a href=\"#dim-%zu\">", k + 1);
        h_text(o, dim_label(d), NULL);
        art_out_puts(o, "</a></th>");
        num_cell(o, d->score);
        num_cell(o, d->target);
        num_cell(o, d->gap);
        num_cell(o, d->espoused);
        num_cell(o, d->enacted);
        art_out_printf(o, "<td>%s</td></tr>\n", art_report_confidence_label(d));
    }
    art_out_puts(o, "</tbody>\n</table>\n");
}

/* ------------------------------------------------------------------ */
/* One section per dimension                                           */
/* ------------------------------------------------------------------ */

static void dim_figures(const art_dim_score *d, art_out *o)
{
    art_out_puts(o, "<p class=\"figures\"><span>Score <strong>");
    h_num(o, d->score);
    art_out_puts(o, "</strong></span><span>Target <strong>");
    h_num(o, d->target);
    art_out_puts(o, "</strong></span><span>Gap <strong>");
    h_num(o, d->gap);
    art_out_puts(o, "</strong></span>");
    if (d->level > 0)
        art_out_printf(o, "<span>Level %d of %d</span>", d->level, ART_LEVELS);
    art_out_printf(o, "<span>Confidence: %s</span><span>%zu source%s, %zu voice%s</span></p>\n",
                   art_report_confidence_label(d), d->nsources, d->nsources == 1 ? "" : "s",
                   d->nvoices, d->nvoices == 1 ? "" : "s");
}

static void text_box(art_out *o, const char *cls, const char *label, const char *text)
{
    art_out_printf(o, "<div class=\"box %s\"><p class=\"k\">%s</p><p>", cls, label);
    h_text(o, text, DASH);
    art_out_puts(o, "</p></div>\n");
}

static void dim_poles(const art_dim_score *d, art_out *o)
{
    art_out_puts(o, "<div class=\"cols\">\n");
    text_box(o, "low", "From: before CLS", d->low_pole);
    text_box(o, "cls", "Towards: the CLS value", d->cls_value);
    art_out_puts(o, "</div>\n");
}

static void dim_next_level(const art_dim_score *d, art_out *o)
{
    art_out_puts(o, "<div class=\"next\"><p class=\"k\">What the next level looks like</p><p>");
    const char *next = art_report_next_level(d);
    if (next)
        h_text(o, next, NULL);
    else if (d->level >= ART_LEVELS)
        art_out_puts(o, "This dimension is already at the top level of the rubric.");
    else if (d->insufficient)
        art_out_puts(o, "Too little evidence to place this dimension: the next step is to gather "
                        "more, from more sources and voices.");
    else
        art_out_puts(o, "No score yet: the next step is to gather evidence for this dimension.");
    art_out_puts(o, "</p>");
    if (d->npractice && art_report_has(d->gap) && d->gap > 0) {
        art_out_puts(o, "<p class=\"k\">Next steps other CLS sites have taken</p><ul>");
        for (size_t i = 0; i < d->npractice; i++) {
            art_out_puts(o, "<li>");
            h_text(o, d->practice[i], NULL);
            art_out_puts(o, "</li>");
        }
        art_out_puts(o, "</ul>");
    }
    art_out_puts(o, "</div>\n");
}

/* The dimension by Schein level: what the artefacts, the espoused values
 * and the underlying assumptions each say. */
static void dim_levels(const art_dim_score *d, art_out *o)
{
    static const char *const labels[3] = {"Artefacts", "Espoused values",
                                          "Underlying assumptions"};
    size_t total = d->level_counts[0] + d->level_counts[1] + d->level_counts[2];
    if (total == 0)
        return;
    art_out_puts(o, "<table class=\"levels\"><caption>By level of culture (Schein)</caption>"
                    "<thead><tr><th scope=\"col\">Level</th><th scope=\"col\" class=\"num\">"
                    "Score</th><th scope=\"col\" class=\"num\">Passages</th></tr></thead><tbody>");
    for (int k = 0; k < 3; k++) {
        art_out_printf(o, "<tr><th scope=\"row\">%s</th><td class=\"num\">", labels[k]);
        h_num(o, d->level_scores[k]);
        art_out_printf(o, "</td><td class=\"num\">%zu</td></tr>", d->level_counts[k]);
    }
    art_out_puts(o, "</tbody></table>\n");
}

/* ------------------------------------------------------------------ */
/* Contradictions, ladder, stories                                     */
/* ------------------------------------------------------------------ */

/* no_quotes: the run came from a bundle without quotes, so an empty list
 * says that rather than "no passage". */
static void quote_list(const art_dim_score *d, int max_ev, art_facet f, bool no_quotes,
                       art_out *o)
{
    const art_evidence *ev[3];
    size_t shown = art_report_evidence_shown(d, max_ev, ART_REPORT_HTML_EVIDENCE);
    size_t n = art_report_facet_evidence(d, shown, f, art_report_contradiction_dir(d, f), ev, 3);
    art_out_puts(o, "<ul class=\"quotes\">");
    for (size_t i = 0; i < n; i++) {
        art_out_printf(o, "<li><span class=\"%s\">%s</span> <q>", ev[i]->direction > 0 ? "cls" : "low",
                       ev[i]->direction > 0 ? "+" : MINUS);
        art_report_put_text(o, ev[i]->quote, 300, ART_ESC_HTML, NULL);
        art_out_puts(o, "</q> <span class=\"loc\">");
        h_text(o, ev[i]->source, NULL);
        if (ev[i]->participant) {
            art_out_puts(o, ", ");
            h_text(o, ev[i]->participant, NULL);
        }
        art_out_puts(o, "</span></li>");
    }
    if (n == 0)
        art_out_puts(o, no_quotes ? "<li>The bundle this run came from has no quotes.</li>"
                                  : "<li>No passage points this way.</li>");
    art_out_puts(o, "</ul>");
}

static void html_contradictions(const art_assessment *a, int max_ev, art_out *o)
{
    size_t *idx;
    size_t n = art_report_contradictions(a, &idx);
    if (n == 0)
        return;
    art_out_printf(o, "<section class=\"contra\" aria-labelledby=\"contra\">\n<h2 id=\"contra\">"
                      "Where documents and interviews disagree</h2>\n<p>These dimensions differ by "
                      "%.0f points or more between what the site&rsquo;s documents espouse and what "
                      "its interviews describe: first those where the two lean opposite ways, "
                      "then the largest difference.</p>\n",
                   a->gap_threshold);
    for (size_t k = 0; k < n; k++) {
        const art_dim_score *d = &a->dims[idx[k]];
        art_out_puts(o, "<div class=\"pair\"><h3>");
        h_text(o, dim_label(d), NULL);
        art_out_printf(o, " <span class=\"apart\">%ld points apart; %s</span></h3><div class=\"cols\">"
                          "<div class=\"box\"><p class=\"k\">What the documents say &middot; %ld</p>",
                       art_report_round(d->divergence), art_report_lean_words(d),
                       art_report_round(d->espoused));
        bool no_quotes = a->origin && d->nev == 0;
        quote_list(d, max_ev, ART_FACET_ESPOUSED, no_quotes, o);
        art_out_printf(o, "</div><div class=\"box\"><p class=\"k\">What people describe &middot; "
                          "%ld</p>",
                       art_report_round(d->enacted));
        quote_list(d, max_ev, ART_FACET_ENACTED, no_quotes, o);
        art_out_puts(o, "</div></div></div>\n");
    }
    art_out_puts(o, "</section>\n");
    free(idx);
}

static void html_ladder(const art_assessment *a, art_out *o)
{
    const art_ladder *l = &a->ladder;
    if (l->nitems == 0)
        return;
    size_t max = 1;
    for (int r = 1; r <= ART_RUNGS; r++)
        if (l->counts[r] > max)
            max = l->counts[r];
    art_out_puts(o, "<section aria-labelledby=\"ladder\">\n<h2 id=\"ladder\">Co-production ladder"
                    "</h2>\n<p>Each engagement activity found in the documents and interviews, placed "
                    "on the Think Local Act Personal ladder of co-production (the highest rung a "
                    "passage names).</p>\n");
    art_out_printf(o, "<svg class=\"chart\" viewBox=\"0 0 640 %d\" role=\"img\" "
                      "aria-labelledby=\"ladder-t ladder-d\"><title id=\"ladder-t\">Co-production "
                      "ladder</title><desc id=\"ladder-d\">Passages per rung, from co-production at "
                      "the top to coercion at the bottom; the table below gives the figures."
                      "</desc>\n",
                   ART_RUNGS * 26 + 10);
    for (int r = ART_RUNGS, y = 6; r >= 1; r--, y += 26) {
        double w = 360.0 * (double)l->counts[r] / (double)max;
        art_out_printf(o, "<text x=\"150\" y=\"%d\" text-anchor=\"end\">%d %s</text>"
                          "<rect x=\"160\" y=\"%d\" width=\"%.1f\" height=\"16\" class=\"%s\"/>"
                          "<text x=\"%.1f\" y=\"%d\">%zu</text>\n",
                       y + 13, r, art_report_rung_name(r), y, w,
                       r == l->highest_sustained ? "bar sus" : "bar", 166 + w, y + 13,
                       l->counts[r]);
    }
    art_out_puts(o, "</svg>\n<table><caption>Passages per rung, and how many are about a person's "
                    "own support (micro) or about services and governance (strategic). A document "
                    "naming a rung says what the site intends; interviews say what happens."
                    "</caption>"
                    "<thead><tr><th scope=\"col\">Rung</th><th scope=\"col\" class=\"num\">"
                    "Passages</th><th scope=\"col\" class=\"num\">Documents</th>"
                    "<th scope=\"col\" class=\"num\">Interviews</th><th scope=\"col\" "
                    "class=\"num\">Micro</th><th scope=\"col\" class=\"num\">Strategic</th>"
                    "</tr></thead><tbody>");
    for (int r = ART_RUNGS; r >= 1; r--) {
        size_t docs, ints;
        art_report_ladder_facets(a, r, &docs, &ints);
        art_out_printf(o, "<tr><th scope=\"row\">%d %s</th><td class=\"num\">%zu</td><td "
                          "class=\"num\">%zu</td><td class=\"num\">%zu</td><td "
                          "class=\"num\">%zu</td><td class=\"num\">%zu</td></tr>",
                       r, art_report_rung_name(r), l->counts[r], docs, ints, l->micro[r],
                       l->strategic[r]);
    }
    art_out_puts(o, "</tbody></table>\n<p>");
    if (l->highest_sustained)
        art_out_printf(o, "<strong>Highest rung with sustained evidence:</strong> %d %s (two or "
                          "more passages from two or more sources).",
                       l->highest_sustained, art_report_rung_name(l->highest_sustained));
    else
        art_out_puts(o, "No rung has evidence from two passages in two sources.");
    art_out_puts(o, "</p>\n</section>\n");
}

static void html_stories(const art_assessment *a, art_out *o)
{
    if (!a->stories || a->stories->n == 0)
        return;
    size_t n = a->stories->n;
    art_out_printf(o, "<section aria-labelledby=\"stories\">\n<h2 id=\"stories\">Change stories</h2>"
                      "\n<p>%zu Most Significant Change stor%s, each tagged with the CLS outcomes it "
                      "evidences, counted as the 2020 NDTi briefing does.</p>\n<table><caption>"
                      "Stories per CLS outcome</caption><thead><tr><th scope=\"col\">CLS outcome</th>"
                      "<th scope=\"col\" class=\"num\">Stories</th></tr></thead><tbody>",
                   n, n == 1 ? "y" : "ies");
    for (int k = 1; k <= ART_OUTCOMES; k++) {
        if (!art_report_outcome_name(k)[0])
            continue;
        art_out_printf(o, "<tr><th scope=\"row\">%d. %s</th><td class=\"num\">%zu/%zu</td></tr>",
                       k, art_report_outcome_name(k), art_report_story_count(a, k), n);
    }
    art_out_puts(o, "</tbody></table>\n<table><caption>The stories</caption><thead><tr>"
                    "<th scope=\"col\">Story</th><th scope=\"col\">Outcomes</th>"
                    "<th scope=\"col\">How they came in</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const art_story *t = &a->stories->stories[i];
        art_out_puts(o, "<tr><td>");
        h_text(o, t->title ? t->title : t->id, "untitled");
        art_out_puts(o, "</td><td>");
        bool any = false;
        for (int k = 1; k <= ART_OUTCOMES; k++)
            if (t->outcomes[k]) {
                art_out_printf(o, "%s%d", any ? ", " : "", k);
                any = true;
            }
        art_out_puts(o, any ? "</td><td>" : DASH "</td><td>");
        h_text(o, art_report_route_name(t->route), NULL);
        art_out_puts(o, "</td></tr>\n");
    }
    art_out_puts(o, "</tbody></table>\n</section>\n");
}

static void facet_box(art_out *o, const char *label, double x)
{
    art_out_printf(o, "<div class=\"box\"><p class=\"k\">%s</p><p class=\"v\">", label);
    if (art_report_has(x))
        h_num(o, x);
    else
        art_out_puts(o, DASH " <span class=\"none\" style=\"font-size:.9rem\">no evidence</span>");
    art_out_puts(o, "</p></div>\n");
}

static void dim_facets(const art_dim_score *d, art_out *o)
{
    art_out_puts(o, "<div class=\"cols\">\n");
    facet_box(o, "Espoused: what documents say", d->espoused);
    facet_box(o, "Enacted: what interviews show", d->enacted);
    art_out_puts(o, "</div>\n");
}

/* Self, external and a critical friend's override beside the evidence
 * level, when there are any; the evidence score is never replaced. */
static void dim_ratings_line(const art_assessment *a, const art_dim_score *d, art_out *o)
{
    const art_review *rv = art_report_override(a, d);
    if (!d->rating_n[ART_ROLE_SELF] && !d->rating_n[ART_ROLE_EXTERNAL] && !rv)
        return;
    art_out_puts(o, "<p class=\"ratings-line\">Ratings: evidence level ");
    if (d->level > 0)
        art_out_printf(o, "%d", d->level);
    else
        art_out_puts(o, DASH);
    art_out_puts(o, MIDDOT "self ");
    art_report_put_mean(o, d->rating_mean[ART_ROLE_SELF], d->rating_n[ART_ROLE_SELF]);
    art_out_puts(o, MIDDOT "external ");
    art_report_put_mean(o, d->rating_mean[ART_ROLE_EXTERNAL], d->rating_n[ART_ROLE_EXTERNAL]);
    if (rv) {
        art_out_printf(o, MIDDOT "critical friend&rsquo;s override: level %d by ", rv->level);
        h_text(o, rv->author, "unknown");
        art_out_puts(o, ", ");
        h_text(o, rv->created_at, "undated");
    }
    if (d->rating_disagree)
        art_out_puts(o, " <span class=\"disagree\">&#9888; ratings disagree</span>");
    art_out_puts(o, "</p>\n");
}

static void evidence_row(const art_evidence *e, art_out *o)
{
    if (e->direction > 0)
        art_out_puts(o, "<tr><td class=\"dir cls\">+ towards CLS</td>");
    else
        art_out_puts(o, "<tr><td class=\"dir low\">" MINUS " towards low pole</td>");
    art_out_puts(o, "<td><q>");
    art_report_put_text(o, e->quote, QUOTE_MAX_CP, ART_ESC_HTML, NULL);
    art_out_puts(o, "</q></td><td>");
    h_text(o, e->source, "unknown source");
    if (e->locator) {
        art_out_puts(o, "<span class=\"loc\">");
        h_text(o, e->locator, NULL);
        art_out_puts(o, "</span>");
    }
    art_out_printf(o, "</td><td>%s</td><td>", schein_name(e->level));
    art_out_puts(o, e->voice == ART_VOICE_UNKNOWN ? DASH : art_voice_name(e->voice));
    if (e->participant) {
        art_out_puts(o, "<span class=\"who\">");
        h_text(o, e->participant, NULL);
        art_out_puts(o, "</span>");
    }
    art_out_puts(o, "</td></tr>\n");
}

static void dim_evidence(const art_dim_score *d, int max_ev, art_out *o)
{
    if (d->nev == 0) {
        art_out_puts(o, "<p class=\"none\">No evidence was found for this dimension.</p>\n");
        return;
    }
    size_t shown = art_report_evidence_shown(d, max_ev, ART_REPORT_HTML_EVIDENCE);
    art_out_printf(o, "<table class=\"ev\">\n<caption>Evidence, strongest first "
                      "(%zu of %zu shown)</caption>\n"
                      "<colgroup><col class=\"c-dir\"><col><col class=\"c-src\">"
                      "<col class=\"c-lvl\"><col class=\"c-voice\"></colgroup>\n<thead><tr>"
                      "<th scope=\"col\">Direction</th><th scope=\"col\">Quote</th>"
                      "<th scope=\"col\">Source</th><th scope=\"col\">Schein level</th>"
                      "<th scope=\"col\">Voice</th></tr></thead>\n<tbody>\n", shown, d->nev);
    for (size_t i = 0; i < shown; i++)
        evidence_row(&d->ev[i], o);
    art_out_puts(o, "</tbody>\n</table>\n");
}

static void html_dimension(const art_assessment *a, const art_dim_score *d, size_t rank,
                           int max_ev, art_out *o)
{
    art_out_printf(o, "<section class=\"dim\" id=\"dim-%zu\" aria-labelledby=\"dim-%zu-h\">\n"
                      "<h3 id=\"dim-%zu-h\">%zu. ", rank, rank, rank, rank);
    h_text(o, dim_label(d), NULL);
    art_out_puts(o, "</h3>\n");
    dim_figures(d, o);
    dim_ratings_line(a, d, o);
    char missing[256];
    if (d->nev > 0 && art_report_missing_voices(d->voice_counts, missing, sizeof missing) > 0) {
        art_out_puts(o, "<p class=\"missing\">No evidence from: ");
        h_text(o, missing, NULL);
        art_out_puts(o, "</p>\n");
    }
    dim_poles(d, o);
    dim_next_level(d, o);
    dim_facets(d, o);
    dim_levels(d, o);
    if (d->dict_tokens[0] || d->dict_tokens[1]) {
        static const char *const side[2] = {"documents", "interviews"};
        art_out_puts(o, "<p class=\"dictwords\">Dictionary words:");
        for (int f = 0; f < 2; f++)
            if (d->dict_tokens[f])
                art_out_printf(o, "%s %s %.1f%% (%zu of %zu words)",
                               f && d->dict_tokens[0] ? ";" : "", side[f],
                               100 * d->dict_share[f], d->dict_matched[f], d->dict_tokens[f]);
        art_out_puts(o, "</p>\n");
    }
    dim_evidence(d, max_ev, o);
    art_out_puts(o, "</section>\n");
}

/* ------------------------------------------------------------------ */
/* Voices, plugins, footer                                             */
/* ------------------------------------------------------------------ */

/* Known voices first; "unknown" (mostly documents) last, as "not recorded". */
static const art_voice voice_columns[ART_VOICE_COUNT] = {
    ART_VOICE_LOCAL_AUTHORITY, ART_VOICE_HEALTH, ART_VOICE_VCS, ART_VOICE_LIVED,
    ART_VOICE_OTHER, ART_VOICE_UNKNOWN};

static void html_voices(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "<section aria-labelledby=\"voices\">\n<h2 id=\"voices\">Whose voices are "
                    "heard</h2>\n<table class=\"voices\">\n<caption>Pieces of evidence per voice "
                    "and dimension, in rubric order. Documents usually carry no voice and count "
                    "as &ldquo;not recorded&rdquo;.</caption>\n<thead><tr>"
                    "<th scope=\"col\">Dimension</th>");
    for (int v = 0; v < ART_VOICE_COUNT; v++)
        art_out_printf(o, "<th scope=\"col\" class=\"num\">%s</th>",
                       voice_columns[v] == ART_VOICE_UNKNOWN ? "Not recorded"
                                                             : art_voice_name(voice_columns[v]));
    art_out_puts(o, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        art_out_puts(o, "<tr><th scope=\"row\">");
        h_text(o, dim_label(d), NULL);
        art_out_puts(o, "</th>");
        for (int v = 0; v < ART_VOICE_COUNT; v++)
            art_out_printf(o, "<td class=\"num\">%zu</td>", d->voice_counts[voice_columns[v]]);
        art_out_puts(o, "</tr>\n");
    }
    art_out_puts(o, "</tbody>\n</table>\n</section>\n");
}

static size_t failed_plugins(const art_assessment *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nplugins; i++)
        n += a->plugins[i].status != ART_OK;
    return n;
}

static void plugin_row(const art_plugin_result *p, art_out *o)
{
    bool ok = p->status == ART_OK;
    art_out_puts(o, ok ? "<tr><td>" : "<tr class=\"failed\"><td>");
    h_text(o, p->name, "unnamed");
    art_out_puts(o, "</td><td>");
    h_text(o, p->version, DASH);
    if (ok)
        art_out_puts(o, "</td><td>ok</td><td>" DASH "</td>");
    else {
        art_out_printf(o, "</td><td><span class=\"status-failed\">&#9888; FAILED</span> (%s)"
                          "</td><td>", art_status_name(p->status));
        h_text(o, p->error, "no message");
        art_out_puts(o, "</td>");
    }
    art_out_puts(o, "<td>");
    if (p->sha256[0]) {
        art_out_puts(o, "<code title=\"");
        art_report_put_text(o, p->sha256, 64, ART_ESC_HTML, NULL);
        art_out_puts(o, "\">");
        art_report_put_text(o, p->sha256, 12, ART_ESC_HTML, NULL);
        art_out_puts(o, "</code>");
    } else {
        art_out_puts(o, DASH);
    }
    art_out_puts(o, "</td></tr>\n");
}

static void html_plugins(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "<section aria-labelledby=\"plugins\">\n<h2 id=\"plugins\">Plugins</h2>\n");
    size_t failed = failed_plugins(a);
    if (failed)
        art_out_printf(o, "<p class=\"warn\"><strong>&#9888; %zu of %zu plugin%s failed.</strong> "
                          "The scores in this report do not include %s results.</p>\n",
                       failed, a->nplugins, a->nplugins == 1 ? "" : "s",
                       failed == 1 ? "its" : "their");
    if (a->nplugins == 0) {
        art_out_puts(o, "<p class=\"none\">No plugins ran.</p>\n</section>\n");
        return;
    }
    art_out_puts(o, "<table class=\"plugins\">\n<thead><tr><th scope=\"col\">Plugin</th>"
                    "<th scope=\"col\">Version</th><th scope=\"col\">Status</th>"
                    "<th scope=\"col\">Error</th><th scope=\"col\">SHA-256</th></tr></thead>\n"
                    "<tbody>\n");
    for (size_t i = 0; i < a->nplugins; i++)
        plugin_row(&a->plugins[i], o);
    art_out_puts(o, "</tbody>\n</table>\n</section>\n");
}

static void html_footer(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "<footer><p>Generated by artefact " ART_VERSION ". Rubric ");
    h_text(o, a->rubric_id, DASH);
    art_out_puts(o, " version ");
    h_text(o, a->rubric_version, DASH);
    if (a->rubric_sha256[0]) {
        art_out_puts(o, ", SHA-256 <code>");
        art_report_put_text(o, a->rubric_sha256, 64, ART_ESC_HTML, NULL);
        art_out_puts(o, "</code>");
    }
    art_out_puts(o, ". Quotes are shown as recorded; participants appear under the names "
                    "the assessment was given (pseudonyms by default).</p></footer>\n");
}

/* ------------------------------------------------------------------ */
/* Radar, gap bars, ratings, movement, trend                           */
/* ------------------------------------------------------------------ */

static void th_col(art_out *o, const char *label, bool num)
{
    art_out_printf(o, "<th scope=\"col\"%s>%s</th>", num ? " class=\"num\"" : "", label);
}

static void row_head(art_out *o, const art_dim_score *d)
{
    art_out_puts(o, "<tr><th scope=\"row\">");
    h_text(o, dim_label(d), NULL);
    art_out_puts(o, "</th>");
}

static void html_radar(const art_assessment *a, art_out *o)
{
    if (a->ndims < 3)
        return;
    art_out_puts(o, "<section aria-labelledby=\"profile\">\n<h2 id=\"profile\">Culture profile"
                    "</h2>\n<p>Every dimension at once: the further out, the closer to the CLS "
                    "value. Where the documents&rsquo; outline lies outside the interviews&rsquo;, "
                    "the site says more than people describe.</p>\n");
    art_svg_radar(a, o);
    art_out_puts(o, "<table class=\"alt\">\n<caption>The profile as a table (rubric order, "
                    "0&ndash;100)</caption>\n<thead><tr>");
    th_col(o, "Dimension", false);
    th_col(o, "Score", true);
    th_col(o, "Target", true);
    th_col(o, "Espoused (documents)", true);
    th_col(o, "Enacted (interviews)", true);
    art_out_puts(o, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        row_head(o, d);
        num_cell(o, d->score);
        num_cell(o, d->target);
        num_cell(o, d->espoused);
        num_cell(o, d->enacted);
        art_out_puts(o, "</tr>\n");
    }
    art_out_puts(o, "</tbody>\n</table>\n</section>\n");
}

static void html_gap_bars(const art_assessment *a, const size_t *order, art_out *o)
{
    art_out_puts(o, "<section aria-labelledby=\"gapchart\">\n<h2 id=\"gapchart\">Gaps to target"
                    "</h2>\n");
    size_t drawn = 0;
    for (size_t i = 0; i < a->ndims; i++)
        drawn += art_report_has(a->dims[i].gap) && !a->dims[i].insufficient;
    if (drawn == 0) {
        art_out_puts(o, "<p class=\"none\">No dimension has a score to measure a gap from."
                        "</p>\n");
    } else {
        art_out_puts(o, "<p>Points still to travel to each target, the largest first.</p>\n");
        art_svg_gap_bars(a, order, o);
        art_out_puts(o, "<table class=\"alt\">\n<caption>The gaps as a table, largest first"
                        "</caption>\n<thead><tr>");
        th_col(o, "Dimension", false);
        th_col(o, "Score", true);
        th_col(o, "Target", true);
        th_col(o, "Gap", true);
        th_col(o, "In words", false);
        art_out_puts(o, "</tr></thead>\n<tbody>\n");
        for (size_t k = 0; k < a->ndims; k++) {
            const art_dim_score *d = &a->dims[order[k]];
            if (!art_report_has(d->gap) || d->insufficient)
                continue;
            row_head(o, d);
            num_cell(o, d->score);
            num_cell(o, d->target);
            num_cell(o, d->gap);
            long g = art_report_round(d->gap);
            if (g > 0)
                art_out_printf(o, "<td>%ld point%s to go</td></tr>\n", g, g == 1 ? "" : "s");
            else if (g < 0)
                art_out_printf(o, "<td>%ld point%s beyond the target</td></tr>\n", -g,
                               g == -1 ? "" : "s");
            else
                art_out_puts(o, "<td>on target</td></tr>\n");
        }
        art_out_puts(o, "</tbody>\n</table>\n");
    }
    if (drawn < a->ndims) {
        art_out_puts(o, "<p>Not measured, for want of evidence:</p>\n<ul class=\"apart\">");
        for (size_t k = 0; k < a->ndims; k++) {
            const art_dim_score *d = &a->dims[order[k]];
            if (art_report_has(d->gap) && !d->insufficient)
                continue;
            art_out_puts(o, "<li>");
            h_text(o, dim_label(d), NULL);
            art_out_printf(o, ": %s</li>", art_report_confidence_label(d));
        }
        art_out_puts(o, "</ul>\n");
    }
    art_out_puts(o, "</section>\n");
}

static void mean_cell(art_out *o, const art_dim_score *d, art_rater_role r)
{
    art_out_puts(o, "<td class=\"num\">");
    art_report_put_mean(o, d->rating_mean[r], d->rating_n[r]);
    if (d->rating_n[r])
        art_out_printf(o, " <span class=\"loc\">%zu rater%s</span>", d->rating_n[r],
                       d->rating_n[r] == 1 ? "" : "s");
    art_out_puts(o, "</td>");
}

static const char *dim_name_of(const art_assessment *a, const char *id)
{
    for (size_t i = 0; id && i < a->ndims; i++)
        if (a->dims[i].id && strcmp(a->dims[i].id, id) == 0)
            return dim_label(&a->dims[i]);
    return id;
}

static void review_rows(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "<h3 id=\"reviews-h\">Every review, oldest first</h3>\n"
                    "<table class=\"reviews\">\n<caption>Reviews are never edited or deleted: a "
                    "later override supersedes an earlier one.</caption>\n<thead><tr>");
    th_col(o, "When", false);
    th_col(o, "Who", false);
    th_col(o, "Dimension", false);
    th_col(o, "Kind", false);
    th_col(o, "Rationale", false);
    art_out_puts(o, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < a->nreviews; i++) {
        const art_review *r = &a->reviews[i];
        art_out_puts(o, "<tr><td>");
        h_text(o, r->created_at, "undated");
        art_out_puts(o, "</td><td>");
        h_text(o, r->author, "unknown");
        art_out_puts(o, "</td><td>");
        h_text(o, dim_name_of(a, r->dimension), DASH);
        if (r->kind == ART_REVIEW_OVERRIDE)
            art_out_printf(o, "</td><td>Override to level %d</td><td>", r->level);
        else
            art_out_puts(o, "</td><td>Annotation</td><td>");
        h_text(o, r->rationale, DASH);
        art_out_puts(o, "</td></tr>\n");
    }
    art_out_puts(o, "</tbody>\n</table>\n");
}

static void html_reviews(const art_assessment *a, art_out *o)
{
    art_out_puts(o, "<section aria-labelledby=\"ratings\">\n<h2 id=\"ratings\">Ratings and "
                    "critical friends</h2>\n");
    if (!art_report_has_reviews(a)) {
        art_out_puts(o, "<p class=\"none\">No self or external ratings and no critical "
                        "friend&rsquo;s reviews are recorded for this round.</p>\n</section>\n");
        return;
    }
    art_out_puts(o, "<p>The level the evidence puts each dimension at, beside the site&rsquo;s "
                    "own ratings (self), a critical friend&rsquo;s (external) and any override, "
                    "on the rubric&rsquo;s levels 1 to 5. An override never changes the evidence "
                    "score: both are shown. Where the evidence, self and external levels are a "
                    "whole level or more apart, the row says they disagree.</p>\n<table class=\"ratings\">\n<caption>Evidence, self and external "
                    "levels side by side</caption>\n<thead><tr>");
    th_col(o, "Dimension", false);
    th_col(o, "Evidence level", true);
    th_col(o, "Self", true);
    th_col(o, "External", true);
    th_col(o, "Override", false);
    th_col(o, "Agreement", false);
    art_out_puts(o, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        row_head(o, d);
        art_out_puts(o, "<td class=\"num\">");
        if (d->level > 0)
            art_out_printf(o, "%d", d->level);
        else
            art_out_puts(o, DASH);
        art_out_puts(o, "</td>");
        mean_cell(o, d, ART_ROLE_SELF);
        mean_cell(o, d, ART_ROLE_EXTERNAL);
        const art_review *rv = art_report_override(a, d);
        art_out_puts(o, "<td>");
        if (rv) {
            art_out_printf(o, "Level %d<span class=\"who\">", rv->level);
            h_text(o, rv->author, "unknown");
            art_out_puts(o, ", ");
            h_text(o, rv->created_at, "undated");
            art_out_puts(o, "</span>");
        } else {
            art_out_puts(o, DASH);
        }
        art_out_puts(o, d->rating_disagree
                            ? "</td><td><span class=\"disagree\">&#9888; Disagree</span></td></tr>\n"
                            : "</td><td><span class=\"agree\">&#10003; Agree</span></td></tr>\n");
    }
    art_out_puts(o, "</tbody>\n</table>\n<p>");
    art_report_put_alpha(a, o);
    art_out_puts(o, "</p>\n");
    if (a->nreviews > 0 && a->reviews)
        review_rows(a, o);
    art_out_puts(o, "</section>\n");
}

static void movement_cell(art_out *o, const art_movement *m)
{
    const char *w = art_report_movement_word(m);
    long diff = art_report_has(m->from) && art_report_has(m->to)
                    ? art_report_round(m->to) - art_report_round(m->from) : 0;
    if (diff > 0)
        art_out_printf(o, "<td><span class=\"up\">&#9650; up %ld</span></td>", diff);
    else if (diff < 0)
        art_out_printf(o, "<td><span class=\"down\">&#9660; down %ld</span></td>", -diff);
    else
        art_out_printf(o, "<td>%s</td>", w);
}

static void moved_evidence(const char *caption, const art_evidence *ev, size_t n, art_out *o)
{
    if (!ev || n == 0)
        return;
    art_out_printf(o, "<table class=\"ev\">\n<caption>%s (%zu)</caption>\n<colgroup><col "
                      "class=\"c-dir\"><col><col class=\"c-src\"><col class=\"c-lvl\"><col "
                      "class=\"c-voice\"></colgroup>\n<thead><tr><th scope=\"col\">Direction</th>"
                      "<th scope=\"col\">Quote</th><th scope=\"col\">Source</th><th scope=\"col\">"
                      "Schein level</th><th scope=\"col\">Voice</th></tr></thead>\n<tbody>\n",
                   caption, n);
    for (size_t i = 0; i < n; i++)
        evidence_row(&ev[i], o);
    art_out_puts(o, "</tbody>\n</table>\n");
}

static void html_movement(const art_assessment *a, int max_ev, art_out *o)
{
    if (!a->since)
        return;
    art_out_puts(o, "<section aria-labelledby=\"since\">\n<h2 id=\"since\">Since ");
    h_text(o, a->since, NULL);
    art_out_puts(o, "</h2>\n<p>How each dimension moved from round ");
    h_text(o, a->since, NULL);
    art_out_puts(o, " to round ");
    h_text(o, a->round, DASH);
    art_out_puts(o, ", and the passages behind the change: evidence this round has that the "
                    "earlier one did not (gained), and the reverse (lost).</p>\n"
                    "<table class=\"movement\">\n<caption>Movement per dimension</caption>\n"
                    "<thead><tr>");
    th_col(o, "Dimension", false);
    th_col(o, "From", true);
    th_col(o, "To", true);
    th_col(o, "Change", false);
    th_col(o, "Level", false);
    th_col(o, "Passages gained", true);
    th_col(o, "Passages lost", true);
    art_out_puts(o, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        const art_movement *m = &d->movement;
        row_head(o, d);
        if (!m->present) {
            art_out_puts(o, "<td colspan=\"6\">not compared</td></tr>\n");
            continue;
        }
        num_cell(o, m->from);
        num_cell(o, m->to);
        movement_cell(o, m);
        art_out_puts(o, "<td>");
        if (m->from_level > 0) art_out_printf(o, "%d", m->from_level); else art_out_puts(o, DASH);
        art_out_puts(o, " &rarr; ");
        if (m->to_level > 0) art_out_printf(o, "%d", m->to_level); else art_out_puts(o, DASH);
        art_out_printf(o, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td></tr>\n",
                       m->ngained, m->nlost);
    }
    art_out_puts(o, "</tbody>\n</table>\n");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_movement *m = &a->dims[i].movement;
        if (!m->present || (m->ngained == 0 && m->nlost == 0))
            continue;
        art_out_printf(o, "<h3 id=\"since-%zu\">", i + 1);
        h_text(o, dim_label(&a->dims[i]), NULL);
        art_out_puts(o, ": ");
        h_num(o, m->from);
        art_out_puts(o, " &rarr; ");
        h_num(o, m->to);
        art_out_printf(o, ", %s</h3>\n", art_report_movement_word(m));
        size_t shown = max_ev > 0 ? (size_t)max_ev : ART_REPORT_HTML_EVIDENCE;
        moved_evidence("Evidence gained", m->gained, m->ngained < shown ? m->ngained : shown, o);
        moved_evidence("Evidence lost", m->lost, m->nlost < shown ? m->nlost : shown, o);
    }
    art_out_puts(o, "</section>\n");
}

static void html_trend(const art_assessment *a, art_out *o)
{
    if (!art_report_has_trend(a))
        return;
    const art_history *h = a->history;
    art_out_printf(o, "<section aria-labelledby=\"trend\">\n<h2 id=\"trend\">Trend across %zu "
                      "rounds</h2>\n", h->nrounds);
    art_svg_trend(a, o);
    art_out_puts(o, "<table class=\"alt wide\">\n<caption>The trend as a table (scores "
                    "0&ndash;100, oldest round first)</caption>\n<thead><tr>");
    th_col(o, "Dimension", false);
    for (size_t r = 0; r < h->nrounds; r++) {
        art_out_puts(o, "<th scope=\"col\" class=\"num\">");
        h_text(o, h->rounds[r], DASH);
        art_out_puts(o, "</th>");
    }
    art_out_puts(o, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < a->ndims; i++) {
        row_head(o, &a->dims[i]);
        for (size_t r = 0; r < h->nrounds; r++)
            num_cell(o, h->scores[r * h->ndims + i]);
        art_out_puts(o, "</tr>\n");
    }
    art_out_puts(o, "</tbody>\n</table>\n</section>\n");
}

void art_report_html(const art_assessment *a, int max_evidence, const size_t *order,
                     art_out *o)
{
    html_head(a, o);
    html_summary(a, o);
    art_out_puts(o, "<main>\n");
    html_how_to_read(o);
    html_contradictions(a, max_evidence, o);
    art_out_puts(o, "<section aria-labelledby=\"overview\">\n<h2 id=\"overview\">Scores "
                    "against targets</h2>\n");
    html_chart(a, order, o);
    html_chart_table(a, order, o);
    art_out_puts(o, "</section>\n");
    html_radar(a, o);
    html_gap_bars(a, order, o);
    html_reviews(a, o);
    html_movement(a, max_evidence, o);
    html_trend(a, o);
    art_out_puts(o, "<section aria-labelledby=\"gaps\">\n"
                    "<h2 id=\"gaps\">Biggest gaps first</h2>\n");
    for (size_t k = 0; k < a->ndims; k++)
        html_dimension(a, &a->dims[order[k]], k + 1, max_evidence, o);
    art_out_puts(o, "</section>\n");
    html_ladder(a, o);
    html_stories(a, o);
    html_voices(a, o);
    html_plugins(a, o);
    art_out_puts(o, "</main>\n");
    html_footer(a, o);
    art_out_puts(o, "</div>\n</body>\n</html>\n");
}
