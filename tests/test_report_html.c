/* The HTML report as a reader gets it: a rich hand-built assessment (every
 * section: radar, gap bars, ratings and reviews, movement since a round, a
 * trend, a bundle's origin) and Riverside through the CLI.  Statically:
 * heading order, a table after every chart, no external reference, escaping,
 * libxml2's HTML parser reads it without errors.  In headless Chromium
 * ($ART_CHROMIUM): it renders (screenshot), logs nothing to the console, and
 * prints to an A4 PDF.  Without Chromium the browser tests fail, unless
 * ART_NO_BROWSER=1 says to check the HTML statically only. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* ------------------------------------------------------------------ */
/* A rich hand-built assessment                                        */
/* ------------------------------------------------------------------ */

#define NDIMS 6
#define NROUNDS 3
#define HOSTILE "<script>alert(1)</script> & \"quotes\" <img src=x onerror=y>"

typedef struct rich {
    art_assessment a;
    art_dim_score dims[NDIMS];
    art_evidence ev[NDIMS][3];
    art_evidence gained[2], lost[1];
    art_rating ratings[6];
    art_review reviews[3];
    art_history hist;
    char *rounds[NROUNDS];
    char *created[NROUNDS];
    double scores[NROUNDS * NDIMS];
    art_plugin_result plugins[2];
    art_story stories[2];
    art_story_set story_set;
    art_ladder_item ladder[5];
} rich;

static art_evidence mk_ev(const char *source, const char *locator, const char *quote, int dir,
                          art_level lv, art_facet facet, art_voice voice, const char *who)
{
    art_evidence e;
    memset(&e, 0, sizeof e);
    e.source = (char *)source;
    e.locator = (char *)locator;
    e.quote = (char *)quote;
    e.direction = dir;
    e.level = lv;
    e.facet = facet;
    e.voice = voice;
    e.participant = (char *)who;
    e.indicator = (char *)"indicator";
    e.weight = 1;
    return e;
}

static void rich_dim(art_dim_score *d, const char *id, const char *name, double score,
                     double esp, double enact, double target)
{
    static char *levels[ART_LEVELS] = {(char *)"Level one", (char *)"Level two",
                                       (char *)"Level three", (char *)"Level four",
                                       (char *)"Level five"};
    memset(d, 0, sizeof *d);
    d->id = (char *)id;
    d->name = (char *)name;
    d->low_pole = (char *)"Permission and panels";
    d->cls_value = (char *)"Trust and conversation";
    for (int k = 0; k < ART_LEVELS; k++)
        d->levels[k] = levels[k];
    d->score = score;
    d->espoused = esp;
    d->enacted = enact;
    d->target = target;
    d->gap = isnan(score) ? NAN : target - score;
    d->confidence = isnan(score) ? 0 : 0.7;
    d->level = art_score_level(score);
    d->divergence = isnan(esp) || isnan(enact) ? NAN : fabs(esp - enact);
    d->divergent = d->divergence >= 15;
    for (int k = 0; k < 3; k++)
        d->level_scores[k] = NAN;
    d->dict_share[0] = d->dict_share[1] = NAN;
    d->rating_mean[0] = d->rating_mean[1] = NAN;
    d->override_review = -1;
    d->movement.from = d->movement.to = NAN;
    d->nsources = 2;
    d->nvoices = 2;
}

static void rich_init(rich *r)
{
    memset(r, 0, sizeof *r);
    art_assessment *a = &r->a;
    rich_dim(&r->dims[0], "trust", "Trust", 62.4, 75, 50, 80);
    rich_dim(&r->dims[1], "hierarchy", "Hierarchy and decision-making", 31.5, 45, 20, 80);
    rich_dim(&r->dims[2], "risk", "Risk", 68, 86, 50, 80);
    rich_dim(&r->dims[3], "community", "Community orientation " HOSTILE, 85, 90, 80, 70);
    rich_dim(&r->dims[4], "leadership", "Distributed leadership", NAN, NAN, NAN, 80);
    rich_dim(&r->dims[5], "collaboration", "Collaboration", 55, 60, NAN, 80);
    r->dims[4].insufficient = 1;
    for (int i = 0; i < NDIMS; i++) {
        r->ev[i][0] = mk_ev("Interview 2", "row 14", "We still wait for panel & sign-off <always>.",
                            -1, ART_LEVEL_ASSUMPTION, ART_FACET_ENACTED, ART_VOICE_LIVED, "P02");
        r->ev[i][1] = mk_ev("Practice framework", "para 3, sentence 1",
                            "We trust practitioners to do the right thing.", 1,
                            ART_LEVEL_ESPOUSED, ART_FACET_ESPOUSED, ART_VOICE_UNKNOWN, NULL);
        r->ev[i][2] = mk_ev("Hub leaflet", "para 1", HOSTILE, 1, ART_LEVEL_ARTEFACT,
                            ART_FACET_ESPOUSED, ART_VOICE_UNKNOWN, NULL);
        r->dims[i].ev = r->ev[i];
        r->dims[i].nev = i == 4 ? 0 : 3;
        r->dims[i].voice_counts[ART_VOICE_LIVED] = 1;
        r->dims[i].voice_counts[ART_VOICE_UNKNOWN] = 2;
    }
    /* Ratings: trust disagrees (evidence 4, self 5, external 2). */
    static const struct { const char *rater; art_rater_role role; const char *dim; int level; } rt[] = {
        {"Sam Self", ART_ROLE_SELF, "trust", 5},      {"Kim Self", ART_ROLE_SELF, "trust", 5},
        {"Cat Friend", ART_ROLE_EXTERNAL, "trust", 2}, {"Sam Self", ART_ROLE_SELF, "hierarchy", 2},
        {"Cat Friend", ART_ROLE_EXTERNAL, "hierarchy", 2},
        {"Cat Friend", ART_ROLE_EXTERNAL, "risk", 4}};
    for (int i = 0; i < 6; i++) {
        r->ratings[i].rater = (char *)rt[i].rater;
        r->ratings[i].role = rt[i].role;
        r->ratings[i].dimension = (char *)rt[i].dim;
        r->ratings[i].level = rt[i].level;
        r->ratings[i].rationale = (char *)"Seen in the hub visits.";
    }
    a->ratings = r->ratings;
    a->nratings = 6;
    r->dims[0].rating_mean[ART_ROLE_SELF] = 5;
    r->dims[0].rating_n[ART_ROLE_SELF] = 2;
    r->dims[0].rating_mean[ART_ROLE_EXTERNAL] = 2;
    r->dims[0].rating_n[ART_ROLE_EXTERNAL] = 1;
    r->dims[0].rating_disagree = 1;
    r->dims[1].rating_mean[ART_ROLE_SELF] = 2;
    r->dims[1].rating_n[ART_ROLE_SELF] = 1;
    r->dims[1].rating_mean[ART_ROLE_EXTERNAL] = 2;
    r->dims[1].rating_n[ART_ROLE_EXTERNAL] = 1;
    r->dims[2].rating_mean[ART_ROLE_EXTERNAL] = 4;
    r->dims[2].rating_n[ART_ROLE_EXTERNAL] = 1;
    static const struct { const char *dim, *author, *when; art_review_kind kind; int level; const char *why; } rv[] = {
        {"trust", "Cat Friend", "2026-10-01T09:00:00Z", ART_REVIEW_OVERRIDE, 4, "First look."},
        {"risk", "Dee Friend", "2026-10-02T09:00:00Z", ART_REVIEW_ANNOTATION, 0,
         "Risk panels still meet weekly " HOSTILE},
        {"trust", "Cat Friend", "2026-11-01T09:00:00Z", ART_REVIEW_OVERRIDE, 3,
         "On reflection the interviews weigh more."}};
    for (int i = 0; i < 3; i++) {
        r->reviews[i].dimension = (char *)rv[i].dim;
        r->reviews[i].author = (char *)rv[i].author;
        r->reviews[i].created_at = (char *)rv[i].when;
        r->reviews[i].kind = rv[i].kind;
        r->reviews[i].level = rv[i].level;
        r->reviews[i].rationale = (char *)rv[i].why;
    }
    a->reviews = r->reviews;
    a->nreviews = 3;
    r->dims[0].override_review = 2;
    a->ratings_alpha = 0.712;
    a->ratings_alpha_lo = 0.5;
    a->ratings_alpha_hi = 0.9;
    /* Since the previous round: trust up, hierarchy down. */
    a->since = (char *)"2026-q2";
    r->gained[0] = mk_ev("Interview 5", "row 2", "Now we just agree it in the huddle.", 1,
                         ART_LEVEL_ASSUMPTION, ART_FACET_ENACTED, ART_VOICE_VCS, "P05");
    r->gained[1] = mk_ev("Interview 6", "row 9", "The hub has no waiting list.", 1,
                         ART_LEVEL_ASSUMPTION, ART_FACET_ENACTED, ART_VOICE_HEALTH, "P06");
    r->lost[0] = mk_ev("Old policy", "para 2", "Every request goes to panel.", -1,
                       ART_LEVEL_ESPOUSED, ART_FACET_ESPOUSED, ART_VOICE_UNKNOWN, NULL);
    for (int i = 0; i < NDIMS; i++)
        r->dims[i].movement.present = 1;
    r->dims[0].movement = (art_movement){1, 50, 62.4, 3, 4, r->gained, 2, r->lost, 1};
    r->dims[1].movement = (art_movement){1, 40, 31.5, 2, 2, NULL, 0, NULL, 0};
    r->dims[2].movement = (art_movement){1, 68, 68, 4, 4, NULL, 0, NULL, 0};
    r->dims[3].movement = (art_movement){1, NAN, 85, 0, 5, NULL, 0, NULL, 0};
    r->dims[4].movement = (art_movement){1, NAN, NAN, 0, 0, NULL, 0, NULL, 0};
    r->dims[5].movement = (art_movement){1, 50, 55, 3, 3, NULL, 0, NULL, 0};
    /* Three rounds of history, with a gap. */
    static const char *labels[NROUNDS] = {"2026-q1", "2026-q2", "2026-q4"};
    static const double sc[NROUNDS][NDIMS] = {{40, 45, 60, NAN, NAN, 40},
                                              {50, 40, 68, NAN, NAN, 50},
                                              {62.4, 31.5, 68, 85, NAN, 55}};
    for (int k = 0; k < NROUNDS; k++) {
        r->rounds[k] = (char *)labels[k];
        r->created[k] = (char *)"2026-01-01T00:00:00Z";
        for (int i = 0; i < NDIMS; i++)
            r->scores[k * NDIMS + i] = sc[k][i];
    }
    r->hist = (art_history){r->rounds, r->created, NROUNDS, NDIMS, r->scores};
    a->history = &r->hist;
    a->origin = (char *)"bundle:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    a->site = (char *)"Riverside " HOSTILE;
    a->round = (char *)"2026-q4";
    a->rubric_id = (char *)"cls-culture";
    a->rubric_version = (char *)"1.0";
    a->rubric_title = (char *)"CLS culture rubric";
    memset(a->rubric_sha256, 'c', 64);
    a->dims = r->dims;
    a->ndims = NDIMS;
    r->plugins[0] = (art_plugin_result){.name = (char *)"lexical", .version = (char *)"0.2.0"};
    r->plugins[1] = (art_plugin_result){.name = (char *)"codes", .version = (char *)"0.1.0",
                                        .status = ART_ERR_LIMIT,
                                        .error = (char *)"codes.lua: budget " HOSTILE};
    a->plugins = r->plugins;
    a->nplugins = 2;
    a->counts = (art_counts){8, 5, 3, 300, 20, 80, 6, 2};
    a->gap_threshold = 15;
    a->voice_participants[ART_VOICE_LIVED] = 2;
    a->voice_participants[ART_VOICE_LOCAL_AUTHORITY] = 3;
    a->ladder.counts[4] = 3;
    a->ladder.counts[6] = 2;
    a->ladder.highest_sustained = 6;
    for (int i = 0; i < 5; i++) {
        r->ladder[i].rung = i < 2 ? 6 : 4;
        r->ladder[i].facet = i % 2 ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
        r->ladder[i].scope = ART_SCOPE_STRATEGIC;
    }
    a->ladder.items = r->ladder;
    a->ladder.nitems = 5;
    r->stories[0].id = (char *)"s1";
    r->stories[0].title = (char *)"Mrs B walked in";
    r->stories[0].route = (char *)"hub";
    r->stories[0].outcomes[1] = 1;
    r->stories[1].id = (char *)"s2";
    r->stories[1].title = (char *)"A quicker answer";
    r->stories[1].outcomes[4] = 1;
    r->story_set = (art_story_set){r->stories, 2};
    a->stories = &r->story_set;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char *render_html(const art_assessment *a)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    art_report_opts opts = {ART_FORMAT_HTML, 0};
    art_error err;
    CU_ASSERT_EQUAL(art_report_write(a, &opts, f, &err), ART_OK);
    fclose(f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    return data;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

static long pos_of(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    return p ? (long)(p - hay) : -1;
}

static void write_file(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(data, f);
    fclose(f);
}

/* Headings never skip a level going down (h2 then h4 would), the page has
 * one h1 and it comes first.  Returns the number of headings seen. */
static int check_heading_order(const char *html)
{
    int prev = 0, n = 0, h1 = 0;
    for (const char *p = html; (p = strstr(p, "<h")) != NULL; p += 2) {
        if (p[2] < '1' || p[2] > '6' || (p[3] != '>' && p[3] != ' '))
            continue;
        int lv = p[2] - '0';
        if (lv > prev + 1) {
            fprintf(stderr, "\n  heading h%d after h%d at byte %ld\n", lv, prev, (long)(p - html));
            CU_FAIL("a heading skips a level");
        }
        h1 += lv == 1;
        if (n == 0)
            CU_ASSERT_EQUAL(lv, 1);
        prev = lv;
        n++;
    }
    CU_ASSERT_EQUAL(h1, 1);
    return n;
}

/* Every chart (an <svg role="img">) is followed by a <table> before any
 * other chart, heading or section: its table alternative.  Returns the
 * number of charts. */
static int check_charts_have_tables(const char *html)
{
    int charts = 0;
    for (const char *p = html; (p = strstr(p, "<svg")) != NULL; p += 4) {
        const char *end = strstr(p, "</svg>");
        CU_ASSERT_PTR_NOT_NULL_FATAL(end);
        CU_ASSERT_PTR_NOT_NULL(strstr(p, "role=\"img\""));
        const char *title = strstr(p, "<title");
        CU_ASSERT_TRUE(title && title < end);
        charts++;
        const char *q = end + 6;
        while (*q == '\n' || *q == ' ')
            q++;
        if (strncmp(q, "</figure>", 9) == 0)
            q += 9;
        while (*q == '\n' || *q == ' ')
            q++;
        bool table = strncmp(q, "<table", 6) == 0;
        if (!table)
            fprintf(stderr, "\n  chart %d is followed by: %.60s\n", charts, q);
        CU_ASSERT_TRUE(table);
    }
    return charts;
}

/* Nothing the browser would fetch: no scheme, no src, no stylesheet link,
 * no CSS url(), no script; every href is a fragment on the same page. */
static void check_self_contained(const char *html)
{
    CU_ASSERT_PTR_NULL(strstr(html, "http://"));
    CU_ASSERT_PTR_NULL(strstr(html, "https://"));
    CU_ASSERT_PTR_NULL(strstr(html, "src=\""));   /* an attribute; text has &quot; */
    CU_ASSERT_PTR_NULL(strstr(html, "src='"));
    CU_ASSERT_PTR_NULL(strstr(html, "<link"));
    CU_ASSERT_PTR_NULL(strstr(html, "url("));
    CU_ASSERT_PTR_NULL(strstr(html, "@import"));
    CU_ASSERT_PTR_NULL(strstr(html, "<script"));
    CU_ASSERT_PTR_NULL(strstr(html, "<img"));
    CU_ASSERT_PTR_NULL(strstr(html, "<iframe"));
    CU_ASSERT_PTR_NULL(strstr(html, "<object"));
    for (const char *p = html; (p = strstr(p, "href=\"")) != NULL; p += 6)
        CU_ASSERT_EQUAL(p[6], '#');
}

/* libxml2's HTML parser (HTML 4) reads the page without an error other than
 * not knowing HTML5 and SVG element names. */
typedef struct parse_errors {
    int count;
    char first[256];
} parse_errors;

static void count_error(void *ud, xmlErrorPtr e)
{
    parse_errors *pe = ud;
    if (e->code == XML_HTML_UNKNOWN_TAG)
        return;
    if (pe->count++ == 0)
        snprintf(pe->first, sizeof pe->first, "line %d: %s", e->line, e->message ? e->message : "");
}

static void check_parses(const char *html)
{
    parse_errors pe = {0, ""};
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctxt);
    xmlSetStructuredErrorFunc(&pe, count_error);
    htmlDocPtr doc = htmlCtxtReadMemory(ctxt, html, (int)strlen(html), "report.html", "UTF-8",
                                        HTML_PARSE_NONET | HTML_PARSE_NOWARNING);
    xmlSetStructuredErrorFunc(NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL(doc);
    if (pe.count)
        fprintf(stderr, "\n  %d HTML parse errors, first: %s", pe.count, pe.first);
    CU_ASSERT_EQUAL(pe.count, 0);
    xmlFreeDoc(doc);
    htmlFreeParserCtxt(ctxt);
}

static void check_static(const char *html)
{
    CU_ASSERT_EQUAL(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0);
    CU_ASSERT_TRUE(check_heading_order(html) > 5);
    check_self_contained(html);
    check_parses(html);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "@page{size:A4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "break-inside:avoid"));
}

/* ------------------------------------------------------------------ */
/* Chromium                                                            */
/* ------------------------------------------------------------------ */

static bool browser_wanted(void)
{
    const char *no = getenv("ART_NO_BROWSER");
    return !(no && strcmp(no, "1") == 0);
}

/* The browser to use, or NULL after failing the test with what to do. */
static const char *chromium(void)
{
    const char *c = getenv("ART_CHROMIUM");
    if (c && *c)
        return c;
    fprintf(stderr, "\n  no headless Chromium: install chromium (scripts/bootstrap.sh --test) "
                    "and re-run configure, or set ART_CHROMIUM=/path/to/chromium, or set "
                    "ART_NO_BROWSER=1 to check the HTML statically only\n");
    CU_FAIL("chromium is not installed (set ART_NO_BROWSER=1 to skip the browser checks)");
    return NULL;
}

/* Run Chromium headless on file `html` with `action` (--screenshot=...,
 * --print-to-pdf=...); its stderr goes to `log`.  Returns the exit code. */
static int run_chromium(const char *browser, const char *dir, const char *html,
                        const char *action, const char *log)
{
    char cmd[32768];
    snprintf(cmd, sizeof cmd,
             "timeout 90 '%s' --headless --no-sandbox --disable-gpu "
             "--disable-background-networking --disable-component-update --no-first-run "
             "--disable-extensions --user-data-dir='%s/profile' --enable-logging=stderr --v=0 "
             "%s --window-size=1100,1600 'file://%s' > /dev/null 2> '%s' < /dev/null",
             browser, dir, action, html, log);
    int rc = system(cmd);
    return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

/* Chromium logs a page's console messages, errors and uncaught exceptions
 * alike, as "...:INFO:CONSOLE:LINE] "message", source: URL (LINE)" (older
 * builds: "CONSOLE(LINE)").  The report has no script, so any is a fault. */
static int console_lines(const char *log, char *first, size_t n)
{
    int count = 0;
    first[0] = '\0';
    for (const char *p = log; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < 1000 ? len : 1000), p);
        if (strstr(line, ":CONSOLE:") || strstr(line, ":CONSOLE(")) {
            if (count++ == 0)
                snprintf(first, n, "%s", line);
        }
        p = eol ? eol + 1 : NULL;
    }
    return count;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Screenshot and PDF of an HTML file; no console message in either. */
static void check_in_browser(const char *dir, const char *name, const char *html)
{
    const char *browser = chromium();
    if (!browser)
        return;
    char page[4200], png[4200], pdf[4200], log[4200], action[4400];
    snprintf(page, sizeof page, "%s/%s.html", dir, name);
    snprintf(png, sizeof png, "%s/%s.png", dir, name);
    snprintf(pdf, sizeof pdf, "%s/%s.pdf", dir, name);
    snprintf(log, sizeof log, "%s/%s-chromium.log", dir, name);
    write_file(page, html);

    snprintf(action, sizeof action, "--screenshot='%s'", png);
    CU_ASSERT_EQUAL(run_chromium(browser, dir, page, action, log), 0);
    CU_ASSERT_TRUE(file_size(png) > 20000);     /* a rendered page, not a blank one */
    char *text = art_test_read_abs(log, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char first[1024];
    int n = console_lines(text, first, sizeof first);
    if (n)
        fprintf(stderr, "\n  console: %s\n", first);
    CU_ASSERT_EQUAL(n, 0);
    free(text);

    snprintf(action, sizeof action, "--print-to-pdf='%s' --no-pdf-header-footer", pdf);
    CU_ASSERT_EQUAL(run_chromium(browser, dir, page, action, log), 0);
    size_t len = 0;
    char *bytes = art_test_read_abs(pdf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    CU_ASSERT_TRUE(len > 10000 && memcmp(bytes, "%PDF-", 5) == 0);
    /* A4 is 595.28 x 841.89 points; US Letter (the default) would be 612 x 792. */
    int pages = 0, a4 = 0;
    for (size_t i = 0; i + 40 < len; i++) {
        if (memcmp(bytes + i, "/MediaBox [0 0 ", 15) != 0)
            continue;
        char box[40];
        memcpy(box, bytes + i + 15, sizeof box - 1);
        box[sizeof box - 1] = '\0';
        double w = 0, h = 0;
        pages++;
        if (sscanf(box, "%lf %lf", &w, &h) == 2 && fabs(w - 595.3) < 2 && fabs(h - 841.9) < 2)
            a4++;
    }
    CU_ASSERT_TRUE(pages > 1);
    CU_ASSERT_EQUAL(a4, pages);
    free(bytes);
    text = art_test_read_abs(log, NULL);
    CU_ASSERT_EQUAL(console_lines(text ? text : "", first, sizeof first), 0);
    free(text);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void test_rich_static(void)
{
    rich r;
    rich_init(&r);
    char *s = render_html(&r.a);
    check_static(s);
    /* Charts: overview, radar, gap bars, ladder, trend; each with a table. */
    CU_ASSERT_EQUAL(check_charts_have_tables(s), 5);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<title id=\"radar-t\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "stroke-dasharray=\"7 5\""));    /* target: dashed */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<title id=\"gapbars-t\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<title id=\"trend-t\">"));
    /* Gap bars: largest first, values in words, insufficient listed apart. */
    const char *g = strstr(s, "<title id=\"gapbars-t\">");
    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    long hier = pos_of(g, "Hierarchy and decision-making: 49 points to go"),
         coll = pos_of(g, "Collaboration: 25 points to go"),
         trust = pos_of(g, "Trust: 18 points to go"),
         comm = pos_of(g, "points beyond target");
    CU_ASSERT_TRUE(hier > 0 && hier < coll && coll < trust && trust < comm);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<li>Distributed leadership: insufficient evidence</li>"));
    /* Ratings: side by side, disagreement in words, the override with who
     * and when, every review, alpha with its interval and band. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<h2 id=\"ratings\">Ratings and critical friends</h2>"));
    CU_ASSERT_EQUAL(count_of(s, "&#9888; Disagree"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Level 3<span class=\"who\">Cat Friend, "
                                     "2026-11-01T09:00:00Z</span>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Override to level 4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Annotation</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Krippendorff's alpha (ordinal) 0.71 (95% CI 0.50 to "
                                     "0.90): tentative."));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "&#9888; ratings disagree"));
    /* Since: arrows and words, gained and lost evidence with its source. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<h2 id=\"since\">Since 2026-q2</h2>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "&#9650; up 12"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "&#9660; down 8"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<td>newly scored</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Evidence gained (2)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Evidence lost (1)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Now we just agree it in the huddle."));
    /* Trend: a column per round in the table. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<h2 id=\"trend\">Trend across 3 rounds</h2>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<th scope=\"col\" class=\"num\">2026-q1</th>"));
    /* Origin. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<strong>Imported from a bundle.</strong>"));
    /* Order of the sections. */
    long ov = pos_of(s, "id=\"overview\""), pr = pos_of(s, "id=\"profile\""),
         gc = pos_of(s, "id=\"gapchart\""), ra = pos_of(s, "id=\"ratings\""),
         si = pos_of(s, "id=\"since\""), tr = pos_of(s, "id=\"trend\""),
         dm = pos_of(s, "id=\"gaps\"");
    CU_ASSERT_TRUE(ov > 0 && ov < pr && pr < gc && gc < ra && ra < si && si < tr && tr < dm);
    /* Hostile text never reaches the page as markup. */
    CU_ASSERT_PTR_NULL(strstr(s, "<script"));
    CU_ASSERT_PTR_NULL(strstr(s, "onerror=y>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    free(s);
}

static void test_sections_absent_without_data(void)
{
    rich r;
    rich_init(&r);
    r.a.since = NULL;
    r.a.history = NULL;
    r.a.origin = NULL;
    r.a.ratings = NULL;
    r.a.nratings = 0;
    r.a.reviews = NULL;
    r.a.nreviews = 0;
    for (int i = 0; i < NDIMS; i++) {
        r.dims[i].rating_n[0] = r.dims[i].rating_n[1] = 0;
        r.dims[i].override_review = -1;
        r.dims[i].rating_disagree = 0;
    }
    char *s = render_html(&r.a);
    check_static(s);
    CU_ASSERT_EQUAL(check_charts_have_tables(s), 4);
    CU_ASSERT_PTR_NULL(strstr(s, "id=\"since\""));
    CU_ASSERT_PTR_NULL(strstr(s, "id=\"trend\""));
    CU_ASSERT_PTR_NULL(strstr(s, "Imported from a bundle"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "No self or external ratings and no critical"));
    CU_ASSERT_PTR_NULL(strstr(s, "Disagree"));
    /* Two dimensions: no radar (it needs three), the rest still renders. */
    r.a.ndims = 2;
    char *t = render_html(&r.a);
    check_static(t);
    CU_ASSERT_PTR_NULL(strstr(t, "radar-t"));
    CU_ASSERT_EQUAL(check_charts_have_tables(t), 3);
    free(t);
    free(s);
}

/* The console pattern is real: a page with a deliberate error shows it. */
static void test_console_error_is_detected(void)
{
    if (!browser_wanted())
        return;
    const char *browser = chromium();
    if (!browser)
        return;
    char dir[4096], page[4200], png[4200], log[4200], action[4400];
    snprintf(dir, sizeof dir, "%s", art_test_tmpdir("html-console"));
    snprintf(page, sizeof page, "%s/bad.html", dir);
    snprintf(png, sizeof png, "%s/bad.png", dir);
    snprintf(log, sizeof log, "%s/bad.log", dir);
    write_file(page, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>x"
                     "</title></head><body><p>x</p><script>console.error('deliberate');"
                     "no_such_function();</script></body></html>");
    snprintf(action, sizeof action, "--screenshot='%s'", png);
    CU_ASSERT_EQUAL(run_chromium(browser, dir, page, action, log), 0);
    char *text = art_test_read_abs(log, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char first[1024];
    CU_ASSERT_EQUAL(console_lines(text, first, sizeof first), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "deliberate"));
    free(text);
}

static void test_rich_in_browser(void)
{
    if (!browser_wanted())
        return;
    rich r;
    rich_init(&r);
    char *s = render_html(&r.a);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", art_test_tmpdir("html-rich"));
    check_in_browser(dir, "rich", s);
    free(s);
}

/* Riverside end to end: assess into a fresh store, the HTML report, checked
 * statically and in the browser. */
static void test_riverside(void)
{
    char dir[4096], args[12288];
    snprintf(dir, sizeof dir, "%s", art_test_tmpdir("html-riverside"));
    snprintf(args, sizeof args,
             "assess '%s' --db '%s/a.db' --round 2026-q4 --format html -o '%s/riverside.html'",
             art_test_src("examples/riverside"), dir, dir);
    char *out, *err;
    int rc = art_test_cli(args, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "\n  %s\n", err);
    free(out);
    free(err);
    char path[4200];
    snprintf(path, sizeof path, "%s/riverside.html", dir);
    char *html = art_test_read_abs(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    check_static(html);
    CU_ASSERT_TRUE(check_charts_have_tables(html) >= 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<title id=\"radar-t\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<title id=\"gapbars-t\">"));
    if (browser_wanted())
        check_in_browser(dir, "riverside-browser", html);
    free(html);
}

void art_test_register(void)
{
    ART_SUITE("report_html",
              {"rich report: sections, charts with tables, escaping", test_rich_static},
              {"sections without data are left out", test_sections_absent_without_data},
              {"a console error in a page is detected", test_console_error_is_detected},
              {"rich report renders and prints in Chromium", test_rich_in_browser},
              {"Riverside through the CLI, static and in Chromium", test_riverside});
}
