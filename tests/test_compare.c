/* Comparing sites: percentile ranks and quartiles, suppression, trends, the
 * four formats and the command.  Goldens live in tests/data/compare/ (set
 * ART_UPDATE_GOLDEN=1 to rewrite them after a deliberate change). */
#include "testutil.h"
#include "artefact/artefact.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Ranking a comparison built by hand                                  */
/* ------------------------------------------------------------------ */

static char *dup(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    return strcpy(p, s);
}

/* One dimension, one round per site; score NAN for none. */
static art_comparison *hand_built(const double *scores, const size_t *sources,
                                  const size_t *voices, size_t n)
{
    art_comparison *c = calloc(1, sizeof *c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    c->min_sources = 3;
    c->min_voices = 2;
    c->ndims = 1;
    c->dim_ids = calloc(1, sizeof *c->dim_ids);
    c->dim_names = calloc(1, sizeof *c->dim_names);
    c->dim_ids[0] = dup("trust");
    c->dim_names[0] = dup("Trust");
    c->sites = calloc(n, sizeof *c->sites);
    c->nsites = n;
    for (size_t i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%zu", i);
        art_compare_site *st = &c->sites[i];
        st->name = dup(name);
        st->nrounds = 1;
        st->rounds = calloc(1, sizeof *st->rounds);
        st->rounds[0].label = dup("r1");
        st->rounds[0].cells = calloc(1, sizeof *st->rounds[0].cells);
        art_compare_cell *x = &st->rounds[0].cells[0];
        x->score = scores[i];
        x->level = isnan(scores[i]) ? 0 : 1 + (int)(scores[i] / 20.0001);
        x->status = isnan(scores[i]) ? ART_CELL_NO_SCORE : ART_CELL_SCORED;
        x->nsources = sources[i];
        x->nvoices = voices[i];
    }
    art_comparison_rank(c);
    return c;
}

static const art_compare_cell *cell(const art_comparison *c, size_t site)
{
    return &c->sites[site].rounds[c->sites[site].matrix_round].cells[0];
}

static void test_percentiles_by_hand(void)
{
    /* s4 and s5 are suppressed (sources, voices), s6 has no score; the
     * ranked five are 10, 20, 20 (69.6 and 70.4 are both 70), 40, 70. */
    double scores[] = {10, 20, 20, 40, 99, 95, NAN, 69.6, 70.4};
    size_t sources[] = {3, 3, 5, 3, 2, 9, 4, 3, 3};
    size_t voices[] = {2, 2, 2, 4, 3, 1, 4, 2, 2};
    art_comparison *c = hand_built(scores, sources, voices, 9);
    /* n = 6 ranked cells: 10, 20, 20, 40, 70, 70.
     * 10: (0 + 0.5) / 6 =  8.33  Q1
     * 20: (1 + 1) / 6   = 33.33  Q2
     * 40: (3 + 0.5) / 6 = 58.33  Q3
     * 70: (4 + 1) / 6   = 83.33  Q4 */
    CU_ASSERT_EQUAL(cell(c, 0)->nranked, 6);
    CU_ASSERT_DOUBLE_EQUAL(cell(c, 0)->percentile, 100.0 * 0.5 / 6, 1e-9);
    CU_ASSERT_EQUAL(cell(c, 0)->quartile, 1);
    CU_ASSERT_DOUBLE_EQUAL(cell(c, 1)->percentile, 100.0 * 2 / 6, 1e-9);
    CU_ASSERT_EQUAL(cell(c, 1)->quartile, 2);
    CU_ASSERT_DOUBLE_EQUAL(cell(c, 2)->percentile, 100.0 * 2 / 6, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(cell(c, 3)->percentile, 100.0 * 3.5 / 6, 1e-9);
    CU_ASSERT_EQUAL(cell(c, 3)->quartile, 3);
    CU_ASSERT_DOUBLE_EQUAL(cell(c, 7)->percentile, 100.0 * 5 / 6, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(cell(c, 8)->percentile, 100.0 * 5 / 6, 1e-9);
    CU_ASSERT_EQUAL(cell(c, 8)->quartile, 4);
    /* Suppressed: why, and the score is gone. */
    CU_ASSERT_EQUAL(cell(c, 4)->status, ART_CELL_SUPPRESSED);
    CU_ASSERT_EQUAL(cell(c, 4)->why, ART_SUPPRESS_SOURCES);
    CU_ASSERT(isnan(cell(c, 4)->score));
    CU_ASSERT_EQUAL(cell(c, 4)->level, 0);
    CU_ASSERT(isnan(cell(c, 4)->percentile));
    CU_ASSERT_EQUAL(cell(c, 4)->quartile, 0);
    CU_ASSERT_EQUAL(cell(c, 5)->status, ART_CELL_SUPPRESSED);
    CU_ASSERT_EQUAL(cell(c, 5)->why, ART_SUPPRESS_VOICES);
    CU_ASSERT_EQUAL(cell(c, 6)->status, ART_CELL_NO_SCORE);
    CU_ASSERT_EQUAL(cell(c, 6)->quartile, 0);
    art_comparison_free(c);
}

static void test_quartile_edges(void)
{
    /* Four distinct scores: 12.5, 37.5, 62.5, 87.5 -> Q1..Q4.  One site
     * alone: 50 -> Q2.  Two: 25 -> Q1 and 75 -> Q3. */
    double four[] = {1, 2, 3, 4};
    size_t src[] = {3, 3, 3, 3}, voi[] = {2, 2, 2, 2};
    art_comparison *c = hand_built(four, src, voi, 4);
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_DOUBLE_EQUAL(cell(c, i)->percentile, 12.5 + 25.0 * (double)i, 1e-9);
        CU_ASSERT_EQUAL(cell(c, i)->quartile, (int)i + 1);
    }
    art_comparison_free(c);
    c = hand_built(four, src, voi, 1);
    CU_ASSERT_DOUBLE_EQUAL(cell(c, 0)->percentile, 50.0, 1e-9);
    CU_ASSERT_EQUAL(cell(c, 0)->quartile, 2);
    art_comparison_free(c);
    c = hand_built(four, src, voi, 2);
    CU_ASSERT_EQUAL(cell(c, 0)->quartile, 1);
    CU_ASSERT_EQUAL(cell(c, 1)->quartile, 3);
    art_comparison_free(c);
    /* Everyone level: all at 50. */
    double same[] = {60, 60, 60};
    c = hand_built(same, src, voi, 3);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_DOUBLE_EQUAL(cell(c, i)->percentile, 50.0, 1e-9);
    art_comparison_free(c);
}

/* A suppressed score never reaches any format. */
static void test_suppressed_never_written(void)
{
    double scores[] = {37, 61, 83};
    size_t src[] = {3, 2, 3}, voi[] = {2, 2, 1};
    art_comparison *c = hand_built(scores, src, voi, 3);
    const char *formats[] = {"text", "csv", "json", "html"};
    for (int k = 0; k < 4; k++) {
        for (int t = 0; t < 2; t++) {
            const char *table = t == 0 ? NULL : "trend";
            if (t == 1 && k >= 2)
                continue;
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            CU_ASSERT_PTR_NOT_NULL_FATAL(f);
            art_error err;
            CU_ASSERT_EQUAL(art_comparison_write(c, formats[k], table, f, &err), ART_OK);
            fclose(f);
            CU_ASSERT_PTR_NOT_NULL(strstr(buf, "37"));
            CU_ASSERT_PTR_NULL(strstr(buf, "61"));
            CU_ASSERT_PTR_NULL(strstr(buf, "83"));
            free(buf);
        }
    }
    art_error err;
    CU_ASSERT_EQUAL(art_comparison_write(c, "json", "trend", stdout, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_comparison_write(c, "pdf", NULL, stdout, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_comparison_write(c, "csv", "ladder", stdout, &err), ART_ERR_USAGE);
    art_comparison_free(c);
}

/* ------------------------------------------------------------------ */
/* A network built with the command                                    */
/* ------------------------------------------------------------------ */

static char db[4096];
#define HOSTILE "=Harrow & <Brent> \"east\""

static void run_ok(const char *args)
{
    char *out, *err;
    int rc = art_test_cli(args, &out, &err);
    if (rc != 0)
        fprintf(stderr, "%s: %s\n", args, err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    free(out);
    free(err);
}

/* Four known sites in round r1, "north" in r1 (traditional) and r2
 * (CLS-like), and a site whose name needs escaping everywhere. */
static const char *network(void)
{
    if (db[0])
        return db;
    snprintf(db, sizeof db, "%s/net.db", art_test_tmpdir("compare"));
    const char *sites[] = {"traditional", "contradictory", "cls-like"};
    char args[8192];
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "assess tests/data/sites/%s --db '%s' --site %s --round r1",
                 sites[i], db, sites[i]);
        run_ok(args);
    }
    snprintf(args, sizeof args, "assess examples/riverside --db '%s' --site riverside --round r1",
             db);
    run_ok(args);
    snprintf(args, sizeof args,
             "assess tests/data/sites/traditional --db '%s' --site north --round r1", db);
    run_ok(args);
    snprintf(args, sizeof args,
             "assess tests/data/sites/cls-like --db '%s' --site north --round r2", db);
    run_ok(args);
    snprintf(args, sizeof args,
             "assess tests/data/sites/contradictory --db '%s' --site '" HOSTILE "' --round r1", db);
    run_ok(args);
    return db;
}

static char *compare_out(const char *opts, int want_rc)
{
    char args[8192], *out, *err;
    snprintf(args, sizeof args, "compare --db '%s' %s", network(), opts);
    int rc = art_test_cli(args, &out, &err);
    if (rc != want_rc)
        fprintf(stderr, "%s: %s\n", args, err);
    CU_ASSERT_EQUAL(rc, want_rc);
    free(err);
    return out;
}

static long site_index(const art_comparison *c, const char *name)
{
    for (size_t i = 0; i < c->nsites; i++)
        if (strcmp(c->sites[i].name, name) == 0)
            return (long)i;
    return -1;
}

static long dim_index(const art_comparison *c, const char *id)
{
    for (size_t j = 0; j < c->ndims; j++)
        if (strcmp(c->dim_ids[j], id) == 0)
            return (long)j;
    return -1;
}

static const art_compare_cell *site_cell(const art_comparison *c, const char *site,
                                         const char *dim)
{
    long i = site_index(c, site), j = dim_index(c, dim);
    CU_ASSERT_FATAL(i >= 0 && j >= 0);
    const art_compare_site *st = &c->sites[i];
    return &st->rounds[st->matrix_round].cells[j];
}

static void test_network_ranks(void)
{
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(network(), &s, &err), ART_OK);
    art_compare_opts o;
    art_compare_opts_default(&o);
    CU_ASSERT_EQUAL(o.min_sources, 3);
    CU_ASSERT_EQUAL(o.min_voices, 2);
    o.min_sources = o.min_voices = 0;
    art_comparison *c = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_compare(s, &o, &c, &err), ART_OK);
    CU_ASSERT_EQUAL(c->nsites, 6);
    CU_ASSERT_STRING_EQUAL(c->sites[0].name, HOSTILE);   /* by name: '=' sorts first */
    CU_ASSERT_EQUAL(c->ndims, 11);
    CU_ASSERT_STRING_EQUAL(c->dim_ids[0], "trust");
    CU_ASSERT_STRING_EQUAL(c->dim_names[0], "Trust");
    /* north's matrix round is its latest, r2, and its trend holds both. */
    long north = site_index(c, "north");
    CU_ASSERT_FATAL(north >= 0);
    CU_ASSERT_EQUAL(c->sites[north].nrounds, 2);
    CU_ASSERT_EQUAL(c->sites[north].matrix_round, 1);
    CU_ASSERT_STRING_EQUAL(c->sites[north].rounds[0].label, "r1");
    /* Trust, by hand: the stored scores round to 55 (contradictory and the
     * hostile site), 89 (cls-like and north), 81 (riverside), 16
     * (traditional); n = 6.
     *   16: (0 + 0.5*1)/6 =  8.3  Q1      55: (1 + 0.5*2)/6 = 33.3  Q2
     *   81: (3 + 0.5*1)/6 = 58.3  Q3      89: (4 + 0.5*2)/6 = 83.3  Q4 */
    struct { const char *site; long score; double pct; int q; } want[] = {
        {"traditional", 16, 100 * 0.5 / 6, 1}, {"contradictory", 55, 100 * 2.0 / 6, 2},
        {HOSTILE, 55, 100 * 2.0 / 6, 2},       {"riverside", 81, 100 * 3.5 / 6, 3},
        {"cls-like", 89, 100 * 5.0 / 6, 4},    {"north", 89, 100 * 5.0 / 6, 4}};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        const art_compare_cell *x = site_cell(c, want[k].site, "trust");
        CU_ASSERT_EQUAL(x->status, ART_CELL_SCORED);
        CU_ASSERT_EQUAL(lround(x->score), want[k].score);
        CU_ASSERT_DOUBLE_EQUAL(x->percentile, want[k].pct, 1e-9);
        CU_ASSERT_EQUAL(x->quartile, want[k].q);
        CU_ASSERT_EQUAL(x->nranked, 6);
    }
    /* Trend cells are not ranked. */
    CU_ASSERT(isnan(c->sites[north].rounds[0].cells[0].percentile));
    CU_ASSERT_EQUAL(lround(c->sites[north].rounds[0].cells[0].score), 16);
    art_comparison_free(c);
    art_store_close(s);
}

static void test_network_suppression(void)
{
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(network(), &s, &err), ART_OK);
    art_comparison *c = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_compare(s, NULL, &c, &err), ART_OK);
    /* cls-like: trust from 2 sources and 2 voices; learning from 3 sources
     * and 1 voice; bureaucracy from none. */
    const art_compare_cell *x = site_cell(c, "cls-like", "trust");
    CU_ASSERT_EQUAL(x->status, ART_CELL_SUPPRESSED);
    CU_ASSERT_EQUAL(x->why, ART_SUPPRESS_SOURCES);
    CU_ASSERT_EQUAL(x->nsources, 2);
    CU_ASSERT(isnan(x->score));
    x = site_cell(c, "cls-like", "learning");
    CU_ASSERT_EQUAL(x->status, ART_CELL_SUPPRESSED);
    CU_ASSERT_EQUAL(x->why, ART_SUPPRESS_VOICES);
    CU_ASSERT_EQUAL(x->nvoices, 1);
    x = site_cell(c, "cls-like", "bureaucracy");
    CU_ASSERT_EQUAL(x->why, ART_SUPPRESS_SOURCES | ART_SUPPRESS_VOICES);
    /* Trust is ranked among the four sites left: 16, 55, 55, 81. */
    x = site_cell(c, "riverside", "trust");
    CU_ASSERT_EQUAL(x->status, ART_CELL_SCORED);
    CU_ASSERT_EQUAL(x->nranked, 4);
    CU_ASSERT_DOUBLE_EQUAL(x->percentile, 87.5, 1e-9);
    art_comparison_free(c);

    /* Lower thresholds bring them back, one rule at a time. */
    art_compare_opts o;
    art_compare_opts_default(&o);
    o.min_sources = 2;
    CU_ASSERT_EQUAL_FATAL(art_store_compare(s, &o, &c, &err), ART_OK);
    CU_ASSERT_EQUAL(site_cell(c, "cls-like", "trust")->status, ART_CELL_SCORED);
    CU_ASSERT_EQUAL(site_cell(c, "cls-like", "learning")->status, ART_CELL_SUPPRESSED);
    art_comparison_free(c);
    o.min_voices = 1;
    CU_ASSERT_EQUAL_FATAL(art_store_compare(s, &o, &c, &err), ART_OK);
    CU_ASSERT_EQUAL(site_cell(c, "cls-like", "learning")->status, ART_CELL_SCORED);
    CU_ASSERT_EQUAL(lround(site_cell(c, "cls-like", "learning")->score), 72);
    art_comparison_free(c);
    art_store_close(s);

    /* The command says it in every format. */
    char *out = compare_out("--format csv --table trend", 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\ncls-like,r1,trust,,,2,2,suppressed,sources\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\ncls-like,r1,learning,,,3,1,suppressed,voices\r\n"));
    free(out);
    out = compare_out("--format csv --table trend --min-sources 2 --min-voices 1", 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\ncls-like,r1,trust,89,5,2,2,scored,\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\ncls-like,r1,learning,72,4,3,1,scored,\r\n"));
    free(out);
}

static void test_network_round_option(void)
{
    char *out = compare_out("--round r2 --min-sources 0 --min-voices 0", 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Sites: 1, round r2\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Left out (no scored round 'r2'): " HOSTILE
                                       ", cls-like, contradictory, riverside, traditional\n"));
    free(out);
    char args[8192], *o2, *err;
    snprintf(args, sizeof args, "compare --db '%s' --round r9", network());
    CU_ASSERT_EQUAL(art_test_cli(args, &o2, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no site has a scored round 'r9'"));
    free(o2);
    free(err);
}

static void test_network_goldens(void)
{
    char *out = compare_out("", 0);
    art_test_golden("tests/data/compare/network.txt", out);
    free(out);
    out = compare_out("--format csv", 0);
    art_test_golden("tests/data/compare/matrix.csv", out);
    free(out);
    out = compare_out("--format csv --table trend", 0);
    art_test_golden("tests/data/compare/trend.csv", out);
    free(out);
    out = compare_out("--format json", 0);
    art_test_golden("tests/data/compare/network.json", out);
    free(out);
    out = compare_out("--table trend", 0);
    CU_ASSERT_PTR_NULL(strstr(out, "Scores by site and dimension"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Trends by round"));
    free(out);
}

static void test_network_csv_is_safe(void)
{
    char *out = compare_out("--format csv", 0);
    /* A name a spreadsheet would run as a formula is quoted and defused. */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\n\"'=Harrow & <Brent> \"\"east\"\"\",r1,"));
    free(out);
}

static void test_network_html(void)
{
    const char *dir = art_test_tmpdir("compare-html");
    char args[8192], *out, *err;
    snprintf(args, sizeof args, "compare --db '%s' --format html -o '%s/net.html'", network(), dir);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    free(err);
    char path[4200];
    snprintf(path, sizeof path, "%s/net.html", dir);
    char *html = art_test_read_abs(path, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<table class=\"heat\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<table class=\"trend\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<caption>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<th scope=\"col\">Trust</th>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<h2 id=\"legend\">Legend</h2>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "@page { size: A4"));
    /* Nothing fetched, nothing run, names escaped. */
    CU_ASSERT_PTR_NULL(strstr(html, "http"));
    CU_ASSERT_PTR_NULL(strstr(html, "<script"));
    CU_ASSERT_PTR_NULL(strstr(html, "<Brent>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "=Harrow &amp; &lt;Brent&gt; &quot;east&quot;"));
    /* Number and quartile written in the cell, not only its colour. */
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<b>81</b><small>Q4 &middot; p88</small>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "class=\"c sup\" title=\"suppressed: 2 sources (fewer than 3)\">suppressed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "</html>\n"));
    free(html);
    /* Written atomically: no temporary file is left beside it. */
    DIR *d = opendir(dir);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)))
        files += e->d_name[0] != '.';
    closedir(d);
    CU_ASSERT_EQUAL(files, 1);
}

static void test_compare_errors(void)
{
    const char *dir = art_test_tmpdir("compare-errors");
    char args[8192], *out, *err;
    /* No store at all. */
    snprintf(args, sizeof args, "compare --db '%s/none.db'", dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no store there"));
    free(out);
    free(err);
    /* A store whose only site was never scored. */
    snprintf(args, sizeof args,
             "ingest tests/data/sites/traditional --db '%s/empty.db' --site t --round r1", dir);
    run_ok(args);
    snprintf(args, sizeof args, "compare --db '%s/empty.db'", dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no site has a scored run yet"));
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    free(err);
    /* Usage. */
    const char *bad[] = {"--format pdf", "--table ladder", "--format json --table trend",
                         "--format html --table matrix", "--min-sources x", "--site a"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(args, sizeof args, "compare --db '%s' %s", network(), bad[i]);
        CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
        CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
        free(out);
        free(err);
    }
    /* A failed write leaves no file. */
    snprintf(args, sizeof args, "compare --db '%s' -o '%s/no/such/dir/x.txt'", network(), dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    free(out);
    free(err);
}

void art_test_register(void)
{
    ART_SUITE("compare ranks", {"percentiles by hand", test_percentiles_by_hand},
              {"quartile edges", test_quartile_edges},
              {"suppressed never written", test_suppressed_never_written});
    ART_SUITE("compare network", {"ranks", test_network_ranks},
              {"suppression", test_network_suppression},
              {"round option", test_network_round_option},
              {"goldens", test_network_goldens},
              {"csv is safe", test_network_csv_is_safe},
              {"html heatmap", test_network_html},
              {"errors", test_compare_errors});
}
