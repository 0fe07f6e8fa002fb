/* Site bundles: a round trip from a site's store to a network store gives
 * the same scores, levels and counts; importing twice changes nothing; no
 * interview text leaves without --with-quotes, and no participant's name
 * ever; a damaged, foreign, hostile or newer bundle is refused with the
 * store untouched. */
#include "testutil.h"
#include "artefact/artefact.h"
#include "../src/lib/zip.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int cli(const char *fmt, const char *a, const char *b, const char *c, char **out,
               char **err)
{
    char args[8192];
    snprintf(args, sizeof args, fmt, a, b, c);
    return art_test_cli(args, out, err);
}

static int cli_quiet(const char *fmt, const char *a, const char *b, const char *c)
{
    char *out, *err;
    int rc = cli(fmt, a, b, c, &out, &err);
    if (rc != 0)
        fprintf(stderr, "artefact failed (%d): %s\n", rc, err);
    free(out);
    free(err);
    return rc;
}

static void exec_sql(const char *db_path, const char *sql)
{
    sqlite3 *db;
    CU_ASSERT_FATAL(sqlite3_open(db_path, &db) == SQLITE_OK);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sql: %s\n", msg);
    CU_ASSERT_EQUAL(rc, SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
}

/* Riverside assessed once (site "Riverside", round "r1"), with two
 * ratings and a review whose texts name a participant. */
static const char *riverside_db(void)
{
    static char *db;
    if (db)
        return db;
    char *dir = strdup(art_test_tmpdir("bundle-riverside"));
    db = path_in(dir, "site.db");
    free(dir);
    CU_ASSERT_FATAL(cli_quiet("assess examples/riverside --db '%s' --site Riverside --round r1 "
                              "--format json -o /dev/null%s%s",
                              db, "", "") == 0);
    exec_sql(db,
             "INSERT INTO ratings(round_id, rater, role, dimension, level, rationale) "
             "SELECT id, 'Jo Self', 'self', 'trust', 4, 'Maya Okafor said so' FROM rounds "
             "WHERE label = 'r1';"
             "INSERT INTO ratings(round_id, rater, role, dimension, level, rationale) "
             "SELECT id, 'Dr Friend', 'external', 'trust', 3, NULL FROM rounds "
             "WHERE label = 'r1';"
             "INSERT INTO ratings(round_id, rater, role, dimension, level, rationale) "
             "SELECT id, 'Dr Friend', 'external', 'hierarchy', 2, 'panel' FROM rounds "
             "WHERE label = 'r1';"
             "INSERT INTO reviews(round_id, dimension, author, kind, level, rationale, "
             "created_at) SELECT id, 'hierarchy', 'Dr Friend', 'override', 2, "
             "'Panel still decides', '2026-01-02T03:04:05Z' FROM rounds WHERE label = 'r1';");
    return db;
}

static const char *cls_like_db(void)
{
    static char *db;
    if (db)
        return db;
    char *dir = strdup(art_test_tmpdir("bundle-cls"));
    db = path_in(dir, "site.db");
    free(dir);
    CU_ASSERT_FATAL(cli_quiet("assess tests/data/sites/cls-like --db '%s' --site Clsville "
                              "--round 2026-q1 --format json -o /dev/null%s%s",
                              db, "", "") == 0);
    return db;
}

static char *export_bundle(const char *db, const char *dir, const char *name, const char *flags)
{
    char *zip = path_in(dir, name);
    CU_ASSERT_FATAL(cli_quiet("export --db '%s' --bundle '%s' %s", db, zip, flags) == 0);
    return zip;
}

static void cleanup_free(char *a, char *b, char *c)
{
    free(a);
    free(b);
    free(c);
}

static bool want_all(const char *name, void *ud)
{
    (void)name;
    (void)ud;
    return true;
}

/* bundle.xml of a bundle, NUL-terminated (free it). */
static char *bundle_xml(const char *zip_path, char **manifest)
{
    size_t len;
    char *data = art_test_read_abs(zip_path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    art_zip *z = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_zip_read(data, len, zip_path, NULL, want_all, NULL, &z, &err), ART_OK);
    const art_zip_entry *b = art_zip_find(z, "bundle.xml");
    const art_zip_entry *m = art_zip_find(z, "manifest.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(z->nentries, 2);
    char *xml = strndup((const char *)b->data, b->len);
    CU_ASSERT(strlen(xml) > 1000);  /* so that "not found in it" means something */
    if (manifest)
        *manifest = strndup((const char *)m->data, m->len);
    art_zip_free(z);
    free(data);
    return xml;
}

/* Replace the first `from` in s by `to` (s is freed). */
static char *replace(char *s, const char *from, const char *to)
{
    char *at = strstr(s, from);
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    free(s);
    return out;
}

/* Write a zip of the given entries (name, text pairs). */
static void write_zip(const char *path, const char *const *entries, size_t n)
{
    art_zip_writer *w;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_zip_writer_open(path, &w, &err), ART_OK);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL_FATAL(
            art_zip_writer_add(w, entries[2 * i], entries[2 * i + 1], strlen(entries[2 * i + 1]),
                               &err),
            ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_zip_writer_finish(w, &err), ART_OK);
}

/* A copy of a bundle whose bundle.xml is edited; with fix_digest the
 * manifest gives the new digest (so only later checks can catch it). */
static char *edited_bundle(const char *src, const char *dir, const char *name, const char *from,
                           const char *to, bool fix_digest)
{
    char *manifest;
    char *xml = bundle_xml(src, &manifest);
    char old_sha[65], new_sha[65];
    art_sha256_hex(xml, strlen(xml), old_sha);
    xml = replace(xml, from, to);
    art_sha256_hex(xml, strlen(xml), new_sha);
    if (fix_digest)
        manifest = replace(manifest, old_sha, new_sha);
    char *out = path_in(dir, name);
    const char *entries[] = {"manifest.xml", manifest, "bundle.xml", xml};
    write_zip(out, entries, 2);
    free(xml);
    free(manifest);
    return out;
}

/* ------------------------------------------------------------------ */
/* Comparing runs                                                      */
/* ------------------------------------------------------------------ */

static art_assessment *load(const char *db, const char *site, const char *round)
{
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(db, &s, &err), ART_OK);
    art_assessment *a = NULL;
    art_status st = art_store_load_assessment(s, site, round, &a, &err);
    if (st != ART_OK)
        fprintf(stderr, "load: %s\n", err.message);
    CU_ASSERT_EQUAL_FATAL(st, ART_OK);
    art_store_close(s);
    return a;
}

static bool same_num(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

/* Every score, level and count of every dimension, the ladder, plugins. */
static void assert_same_run(const art_assessment *x, const art_assessment *y, bool quotes)
{
    CU_ASSERT_STRING_EQUAL(x->rubric_sha256, y->rubric_sha256);
    CU_ASSERT(same_num(x->gap_threshold, y->gap_threshold));
    CU_ASSERT_EQUAL_FATAL(x->ndims, y->ndims);
    size_t scored = 0;
    for (size_t i = 0; i < x->ndims; i++) {
        const art_dim_score *a = &x->dims[i], *b = &y->dims[i];
        CU_ASSERT_STRING_EQUAL(a->id, b->id);
        CU_ASSERT(same_num(a->score, b->score));
        CU_ASSERT(same_num(a->espoused, b->espoused));
        CU_ASSERT(same_num(a->enacted, b->enacted));
        CU_ASSERT(same_num(a->gap, b->gap));
        CU_ASSERT(same_num(a->target, b->target));
        CU_ASSERT(same_num(a->confidence, b->confidence));
        CU_ASSERT(same_num(a->divergence, b->divergence));
        CU_ASSERT_EQUAL(a->level, b->level);
        CU_ASSERT_EQUAL(a->divergent, b->divergent);
        CU_ASSERT_EQUAL(a->insufficient, b->insufficient);
        CU_ASSERT_EQUAL(a->nsources, b->nsources);
        CU_ASSERT_EQUAL(a->nvoices, b->nvoices);
        for (int v = 0; v < ART_VOICE_COUNT; v++)
            CU_ASSERT_EQUAL(a->voice_counts[v], b->voice_counts[v]);
        for (int k = 0; k < 3; k++) {
            CU_ASSERT_EQUAL(a->level_counts[k], b->level_counts[k]);
            CU_ASSERT(same_num(a->level_scores[k], b->level_scores[k]));
        }
        for (int f = 0; f < 2; f++) {
            CU_ASSERT(same_num(a->dict_share[f], b->dict_share[f]));
            CU_ASSERT_EQUAL(a->dict_matched[f], b->dict_matched[f]);
            CU_ASSERT_EQUAL(a->dict_tokens[f], b->dict_tokens[f]);
        }
        CU_ASSERT_EQUAL(b->nev, quotes ? a->nev : 0);
        for (size_t k = 0; quotes && k < a->nev && k < b->nev; k++) {
            CU_ASSERT_STRING_EQUAL(a->ev[k].quote, b->ev[k].quote);
            CU_ASSERT(same_num(a->ev[k].weight, b->ev[k].weight));
            CU_ASSERT_EQUAL(a->ev[k].voice, b->ev[k].voice);
        }
        scored += !isnan(a->score);
    }
    CU_ASSERT(scored > 0);  /* a round trip of nothing proves nothing */
    const art_ladder *l = &x->ladder, *m = &y->ladder;
    CU_ASSERT_EQUAL(l->nitems, m->nitems);
    CU_ASSERT_EQUAL(l->highest_sustained, m->highest_sustained);
    for (int r = 1; r <= ART_RUNGS; r++) {
        CU_ASSERT_EQUAL(l->counts[r], m->counts[r]);
        CU_ASSERT_EQUAL(l->micro[r], m->micro[r]);
        CU_ASSERT_EQUAL(l->strategic[r], m->strategic[r]);
    }
    for (size_t i = 0; i < l->nitems && i < m->nitems; i++)
        CU_ASSERT_EQUAL(l->items[i].facet, m->items[i].facet);
    CU_ASSERT_EQUAL_FATAL(x->nplugins, y->nplugins);
    for (size_t i = 0; i < x->nplugins; i++) {
        CU_ASSERT_STRING_EQUAL(x->plugins[i].name, y->plugins[i].name);
        CU_ASSERT_STRING_EQUAL(x->plugins[i].sha256, y->plugins[i].sha256);
        CU_ASSERT_EQUAL(x->plugins[i].status, y->plugins[i].status);
    }
}

/* The JSON report without what only the site's own store can know: the
 * change stories themselves and where the run came from.  The corpus counts
 * and participants per voice travel with the run (rubric_runs.counts). */
static char *mask_report(const char *json)
{
    static const char *const local_only[] = {"\"stories\"", "\"origin\""};
    char *copy = strdup(json);
    char *out = malloc(strlen(json) + 2);
    size_t o = 0;
    bool skipping = false;
    for (char *line = copy, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        bool top = strncmp(line, "  \"", 3) == 0;
        if (top || line[0] == '}') {
            skipping = false;
            for (size_t k = 0; top && k < sizeof local_only / sizeof *local_only; k++)
                if (strncmp(line + 2, local_only[k], strlen(local_only[k])) == 0)
                    skipping = true;
        }
        if (skipping)
            continue;
        o += (size_t)sprintf(out + o, "%s\n", line);
    }
    out[o] = '\0';
    free(copy);
    return out;
}

static char *report_json(const char *db, const char *site)
{
    char *out, *err;
    int rc = cli("report --db '%s' --site '%s' --format json%s", db, site, "", &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "report: %s\n", err);
    free(err);
    return out;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static char *query(const char *db_path, const char *sql);

static void test_round_trip_with_quotes(void)
{
    const char *site_db = riverside_db();
    char *dir = strdup(art_test_tmpdir("bundle-rt"));
    char *zip = export_bundle(site_db, dir, "riverside.zip", "--with-quotes --reveal-names");
    char *net = path_in(dir, "network.db");
    char *out, *err;
    CU_ASSERT_EQUAL(cli("import --db '%s' --bundle '%s'%s", net, zip, "", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "imported site Riverside, round r1"));
    char *n = query(site_db, "SELECT ', ' || count(*) || ' ratings, 1 reviews' FROM ratings");
    CU_ASSERT_PTR_NOT_NULL(strstr(out, n));
    free(n);
    free(out);
    free(err);

    art_assessment *a = load(site_db, "Riverside", "r1");
    art_assessment *b = load(net, "Riverside", "r1");
    assert_same_run(a, b, true);
    CU_ASSERT_PTR_NULL(a->origin);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b->origin);
    CU_ASSERT_EQUAL(strncmp(b->origin, "bundle:", 7), 0);
    CU_ASSERT_EQUAL(strlen(b->origin), 7 + 64);
    art_assessment_free(a);
    art_assessment_free(b);

    /* The reports agree on everything the bundle carries. */
    char *ja = report_json(site_db, "Riverside"), *jb = report_json(net, "Riverside");
    char *ma = mask_report(ja), *mb = mask_report(jb);
    CU_ASSERT_STRING_EQUAL(ma, mb);
    CU_ASSERT_PTR_NOT_NULL(strstr(mb, "\"score\": 81.4"));
    CU_ASSERT_PTR_NOT_NULL(strstr(mb, "Dr Friend"));   /* --reveal-names: raters named */
    CU_ASSERT_PTR_NOT_NULL(strstr(jb, "\"origin\": \"bundle:"));
    /* ...and the corpus counts travel in the bundle, for the network */
    char *xml = bundle_xml(zip, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<counts sources=\"10\" documents=\"5\" interviews=\"1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<voice id=\"local_authority\" participants=\"5\"/>"));
    free(xml);
    cleanup_free(ja, jb, ma);
    cleanup_free(mb, dir, zip);
    free(net);
}

static void test_round_trip_no_quotes(void)
{
    const char *site_db = cls_like_db();
    char *dir = strdup(art_test_tmpdir("bundle-rt2"));
    char *zip = export_bundle(site_db, dir, "cls.zip", "");
    char *net = path_in(dir, "network.db");
    CU_ASSERT_EQUAL(cli_quiet("import --db '%s' --bundle '%s'%s", net, zip, ""), 0);
    art_assessment *a = load(site_db, "Clsville", "2026-q1");
    art_assessment *b = load(net, "Clsville", "2026-q1");
    assert_same_run(a, b, false);
    art_assessment_free(a);
    art_assessment_free(b);
    /* every report format works on a round with no sources */
    static const char *const formats[] = {"text", "markdown", "json", "html"};
    for (size_t i = 0; i < 4; i++) {
        char *out, *err;
        CU_ASSERT_EQUAL(cli("report --db '%s' --site Clsville --format %s%s", net, formats[i], "",
                            &out, &err),
                        0);
        CU_ASSERT(strlen(out) > 100);
        cleanup_free(out, err, NULL);
    }
    /* the counts came with the run: the report does not say "0 sources" */
    char *out, *err;
    CU_ASSERT_EQUAL(cli("report --db '%s' --site Clsville --format text%s%s", net, "", "", &out, &err), 0);
    CU_ASSERT_PTR_NULL(strstr(out, "Evidence base: 0 sources"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Imported from a bundle"));
    cleanup_free(out, err, NULL);
    /* scoring the imported round would hide it behind an empty run: refused */
    CU_ASSERT_EQUAL(cli("score --db '%s' --site Clsville%s%s", net, "", "", &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "holds no sources to score"));
    cleanup_free(out, err, NULL);
    cleanup_free(dir, zip, net);
}

/* A contradiction on a round imported without quotes says why it shows none. */
static void test_contradictions_without_quotes(void)
{
    char *dir = strdup(art_test_tmpdir("bundle-contra"));
    char *site_db = path_in(dir, "site.db");
    char *net = path_in(dir, "network.db");
    char *out, *err;
    CU_ASSERT_EQUAL_FATAL(cli("assess tests/data/sites/contradictory --db '%s' --site C "
                              "--round r1 --format json%s%s",
                              site_db, "", "", &out, &err),
                          0);
    cleanup_free(out, err, NULL);
    char *zip = export_bundle(site_db, dir, "c.zip", "");
    CU_ASSERT_EQUAL(cli_quiet("import --db '%s' --bundle '%s'%s", net, zip, ""), 0);
    CU_ASSERT_EQUAL(cli("report --db '%s' --format text%s%s", net, "", "", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "What the documents say:\n      (the bundle this run "
                                       "came from has no quotes)\n"));
    cleanup_free(out, err, NULL);
    CU_ASSERT_EQUAL(cli("report --db '%s' --format html%s%s", net, "", "", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<li>The bundle this run came from has no quotes.</li>"));
    cleanup_free(out, err, NULL);
    cleanup_free(dir, zip, net);
    free(site_db);
}

/* The first column of the first row of sql, as a string (free it). */
static char *query(const char *db_path, const char *sql)
{
    sqlite3 *db;
    CU_ASSERT_FATAL(sqlite3_open(db_path, &db) == SQLITE_OK);
    sqlite3_stmt *st;
    CU_ASSERT_FATAL(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v ? v : strdup("");
}

static void test_ratings_pseudonymised(void)
{
    const char *site_db = riverside_db();
    char *dir = strdup(art_test_tmpdir("bundle-raters"));
    char *zip = export_bundle(site_db, dir, "r.zip", "");
    char *xml = bundle_xml(zip, NULL);
    CU_ASSERT_PTR_NULL(strstr(xml, "Jo Self"));
    CU_ASSERT_PTR_NULL(strstr(xml, "Dr Friend"));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "kind=\"override\" level=\"2\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, ">Panel still decides</review>"));  /* rationale kept */
    /* a participant named in a rationale: their pseudonym, never the name */
    CU_ASSERT_PTR_NULL(strstr(xml, "Maya Okafor"));
    char *pseudo = query(site_db, "SELECT pseudonym FROM participants WHERE name = 'Maya Okafor'");
    char said[64];
    snprintf(said, sizeof said, ">%s said so</rating>", pseudo);
    CU_ASSERT(strlen(pseudo) >= 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, said));
    free(pseudo);
    free(xml);

    char *net = path_in(dir, "network.db");
    CU_ASSERT_EQUAL(cli_quiet("import --db '%s' --bundle '%s'%s", net, zip, ""), 0);
    /* as many raters and ratings as the site has, each a role and a number */
    static const char *const counts =
        "SELECT count(DISTINCT rater) || '/' || count(*) FROM ratings";
    char *here = query(site_db, counts), *there = query(net, counts);
    CU_ASSERT_STRING_EQUAL(here, there);
    CU_ASSERT(atoi(here) >= 2);
    cleanup_free(here, there, NULL);
    char *odd = query(net, "SELECT count(*) FROM ratings WHERE NOT (rater GLOB 'self-[1-9]*' AND "
                           "role = 'self' OR rater GLOB 'external-[1-9]*' AND role = 'external')");
    CU_ASSERT_STRING_EQUAL(odd, "0");
    free(odd);
    /* the review's author keeps the pseudonym they rated under */
    char *author = query(net, "SELECT author || ' ' || created_at FROM reviews");
    char *rater = query(net, "SELECT rater || ' 2026-01-02T03:04:05Z' FROM ratings WHERE "
                             "dimension = 'hierarchy' AND rationale = 'panel'");
    CU_ASSERT_STRING_EQUAL(author, rater);
    CU_ASSERT_EQUAL(strncmp(rater, "external-", 9), 0);
    cleanup_free(author, rater, NULL);
    cleanup_free(dir, zip, net);
}

static void test_import_twice(void)
{
    const char *site_db = riverside_db();
    char *dir = strdup(art_test_tmpdir("bundle-twice"));
    char *zip = export_bundle(site_db, dir, "a.zip", "");
    char *net = path_in(dir, "network.db");
    CU_ASSERT_EQUAL(cli_quiet("import --db '%s' --bundle '%s'%s", net, zip, ""), 0);
    char before[65], after[65];
    art_test_store_digest(net, before);
    char *out, *err;
    CU_ASSERT_EQUAL(cli("import --db '%s' --bundle '%s'%s", net, zip, "", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "already imported"));
    cleanup_free(out, err, NULL);
    art_test_store_digest(net, after);
    CU_ASSERT_STRING_EQUAL(before, after);

    /* The same run exported again (another manifest time) is the same bundle. */
    char *again = export_bundle(site_db, dir, "b.zip", "");
    char *x1 = bundle_xml(zip, NULL), *x2 = bundle_xml(again, NULL);
    CU_ASSERT_STRING_EQUAL(x1, x2);
    CU_ASSERT_EQUAL(cli("import --db '%s' --bundle '%s'%s", net, again, "", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "already imported"));
    cleanup_free(out, err, NULL);
    art_test_store_digest(net, after);
    CU_ASSERT_STRING_EQUAL(before, after);

    /* Through the library: stats say so too. */
    art_store *s;
    art_error e;
    CU_ASSERT_EQUAL_FATAL(art_store_open(net, &s, &e), ART_OK);
    art_bundle_import_stats st;
    CU_ASSERT_EQUAL(art_store_import_bundle(s, zip, &st, &e), ART_OK);
    CU_ASSERT_FALSE(st.imported);
    CU_ASSERT_STRING_EQUAL(st.site, "Riverside");
    CU_ASSERT_STRING_EQUAL(st.round, "r1");
    art_bundle_import_stats_clear(&st);
    art_store_close(s);
    cleanup_free(x1, x2, again);
    cleanup_free(dir, zip, net);
}

static void test_no_interview_text(void)
{
    const char *site_db = riverside_db();
    char *dir = strdup(art_test_tmpdir("bundle-private"));
    char *zip = export_bundle(site_db, dir, "p.zip", "--reveal-names");
    char *xml = bundle_xml(zip, NULL);
    CU_ASSERT_PTR_NULL(strstr(xml, "taxi to get someone to the lunch club"));
    CU_ASSERT_PTR_NULL(strstr(xml, "<quote"));
    CU_ASSERT_PTR_NULL(strstr(xml, "conversation-record.txt"));  /* no source names either */
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "quotes=\"no\""));
    /* no participant's name, nor pseudonym tied to a quote */
    sqlite3 *db;
    CU_ASSERT_FATAL(sqlite3_open(site_db, &db) == SQLITE_OK);
    sqlite3_stmt *st;
    CU_ASSERT_FATAL(sqlite3_prepare_v2(db, "SELECT name FROM participants", -1, &st, NULL) ==
                    SQLITE_OK);
    int names = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        names++;
        CU_ASSERT_PTR_NULL(strstr(xml, (const char *)sqlite3_column_text(st, 0)));
    }
    CU_ASSERT(names >= 5);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(xml);
    cleanup_free(dir, zip, NULL);
}

static void test_with_quotes_only_pseudonyms(void)
{
    const char *site_db = riverside_db();
    char *dir = strdup(art_test_tmpdir("bundle-quotes"));
    /* --reveal-names names raters, never participants */
    char *zip = export_bundle(site_db, dir, "q.zip", "--with-quotes --reveal-names");
    char *xml = bundle_xml(zip, NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "taxi to get someone to the lunch club"));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "participant=\"P0"));
    sqlite3 *db;
    CU_ASSERT_FATAL(sqlite3_open(site_db, &db) == SQLITE_OK);
    sqlite3_stmt *st;
    CU_ASSERT_FATAL(sqlite3_prepare_v2(db, "SELECT name FROM participants", -1, &st, NULL) ==
                    SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (strstr(xml, name))
            fprintf(stderr, "participant name in the bundle: %s\n", name);
        CU_ASSERT_PTR_NULL(strstr(xml, name));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(xml);

    /* Even a name that reached a stored quote or source name (a store
     * written by something else) leaves as the pseudonym. */
    char *copy = path_in(dir, "copy.db");
    char sql[8192];
    snprintf(sql, sizeof sql, "VACUUM INTO '%s'", copy);
    exec_sql(site_db, sql);
    exec_sql(copy, "UPDATE evidence SET quote = 'Maya Okafor told me so', "
                   "source = 'Maya Okafor.csv' WHERE id = (SELECT min(id) FROM evidence)");
    char *zip2 = export_bundle(copy, dir, "q2.zip", "--with-quotes --reveal-names");
    xml = bundle_xml(zip2, NULL);
    char *pseudo = query(copy, "SELECT pseudonym FROM participants WHERE name = 'Maya Okafor'");
    char told[64];
    snprintf(told, sizeof told, ">%s told me so</quote>", pseudo);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, told));
    CU_ASSERT_PTR_NULL(strstr(xml, "Maya"));
    CU_ASSERT_PTR_NULL(strstr(xml, "Okafor"));
    cleanup_free(xml, pseudo, zip2);
    cleanup_free(dir, zip, copy);
}

/* Import must fail with `want` in the message and leave the store as it was. */
static void assert_refused(const char *net, const char *zip, const char *want)
{
    char before[65], after[65];
    art_test_store_digest(net, before);
    char *out, *err;
    int rc = cli("import --db '%s' --bundle '%s'%s", net, zip, "", &out, &err);
    CU_ASSERT_NOT_EQUAL(rc, 0);
    CU_ASSERT(rc < 128);  /* refused, never a crash */
    if (!strstr(err, want))
        fprintf(stderr, "expected '%s' in: %s\n", want, err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, zip));  /* the message names the file */
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    cleanup_free(out, err, NULL);
    art_test_store_digest(net, after);
    CU_ASSERT_STRING_EQUAL(before, after);
}

/* A network store holding one other import, so "unchanged" means something. */
static char *network_with_one(const char *dir)
{
    char *net = path_in(dir, "network.db");
    char *zip = export_bundle(cls_like_db(), dir, "first.zip", "");
    CU_ASSERT_EQUAL(cli_quiet("import --db '%s' --bundle '%s'%s", net, zip, ""), 0);
    free(zip);
    return net;
}

static void test_tampered(void)
{
    char *dir = strdup(art_test_tmpdir("bundle-tamper"));
    char *net = network_with_one(dir);
    char *zip = export_bundle(riverside_db(), dir, "good.zip", "");
    /* a score changed after the digest was taken */
    char *bad = edited_bundle(zip, dir, "bad.zip", "<dimension id=\"trust\" score=\"8",
                              "<dimension id=\"trust\" score=\"9", false);
    assert_refused(net, bad, "bundle is damaged: bundle.xml does not match its digest");
    free(bad);
    /* the digest fixed too, but the rubric text edited: its own digest fails */
    bad = edited_bundle(zip, dir, "rubric.zip", "The CLS culture rubric", "The CLS kulture rubric",
                        true);
    assert_refused(net, bad, "the rubric text does not match its digest");
    free(bad);
    /* valid digests, invalid content: the schema refuses it */
    bad = edited_bundle(zip, dir, "schema.zip", "level=\"5\" insufficient", "level=\"9\" insufficient",
                        true);
    assert_refused(net, bad, "does not match the bundle schema");
    free(bad);
    /* a rating of a dimension the rubric does not have */
    bad = edited_bundle(zip, dir, "dim.zip", "dimension=\"trust\" level=\"4\"",
                        "dimension=\"charisma\" level=\"4\"", true);
    assert_refused(net, bad, "not a dimension of the rubric");
    free(bad);
    /* an extra entry the manifest does not list */
    char *manifest;
    char *xml = bundle_xml(zip, &manifest);
    bad = path_in(dir, "extra.zip");
    const char *entries[] = {"manifest.xml", manifest, "bundle.xml", xml, "notes.txt", "hello"};
    write_zip(bad, entries, 3);
    assert_refused(net, bad, "entry 'notes.txt' is not in the manifest");
    free(bad);
    /* no manifest */
    bad = path_in(dir, "nomanifest.zip");
    write_zip(bad, entries + 2, 1);
    assert_refused(net, bad, "not a bundle: it has no manifest.xml");
    cleanup_free(bad, xml, manifest);
    cleanup_free(dir, zip, net);
}

static void test_wrong_version(void)
{
    char *dir = strdup(art_test_tmpdir("bundle-version"));
    char *net = network_with_one(dir);
    char *zip = export_bundle(riverside_db(), dir, "good.zip", "");
    char *manifest;
    char *xml = bundle_xml(zip, &manifest);
    manifest = replace(manifest, "format=\"1\"", "format=\"2\"");
    char *bad = path_in(dir, "v2.zip");
    const char *entries[] = {"manifest.xml", manifest, "bundle.xml", xml};
    write_zip(bad, entries, 2);
    assert_refused(net, bad, "bundle format '2' is not supported (this artefact reads format 1)");
    free(bad);
    /* bundle.xml of a later format, under a manifest that vouches for it */
    bad = edited_bundle(zip, dir, "body2.zip", "<bundle format=\"1\"", "<bundle format=\"7\"", true);
    assert_refused(net, bad, "bundle format '7' is not supported");
    cleanup_free(bad, xml, manifest);
    cleanup_free(dir, zip, net);
}

static void test_hostile_files(void)
{
    char *dir = strdup(art_test_tmpdir("bundle-hostile"));
    char *net = network_with_one(dir);
    /* not a zip */
    assert_refused(net, art_test_src("examples/riverside/strategy.md"), "strategy.md");
    /* another kind of zip (a bomb, but its entries are not a bundle's) */
    assert_refused(net, art_test_src("tests/hostile/bomb.docx"), "not a bundle");
    /* too many entries */
    char *many = path_in(dir, "many.zip");
    const char *entries[40];
    char names[20][16];
    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "e%02d.xml", i);
        entries[2 * i] = names[i];
        entries[2 * i + 1] = "<x/>";
    }
    write_zip(many, entries, 20);
    assert_refused(net, many, "too many entries");
    /* a bundle.xml that inflates a thousandfold */
    size_t big = (size_t)8 << 20;
    char *bomb_xml = malloc(big + 1);
    memset(bomb_xml, ' ', big);
    bomb_xml[big] = '\0';
    char *bomb = path_in(dir, "bomb.zip");
    const char *bomb_entries[] = {"manifest.xml", "<manifest/>", "bundle.xml", bomb_xml};
    write_zip(bomb, bomb_entries, 2);
    free(bomb_xml);
    assert_refused(net, bomb, "zip bomb");
    free(bomb);
    /* a missing file */
    char *missing = path_in(dir, "nothing-here.zip");
    assert_refused(net, missing, "nothing-here.zip");
    cleanup_free(many, missing, NULL);
    cleanup_free(dir, net, NULL);
}

static void test_unknown_site_or_round(void)
{
    const char *site_db = riverside_db();
    char *dir = strdup(art_test_tmpdir("bundle-unknown"));
    char *zip = path_in(dir, "x.zip");
    char *out, *err;
    CU_ASSERT_NOT_EQUAL(cli("export --db '%s' --site Nowhere --round r1 --bundle '%s'%s", site_db,
                            zip, "", &out, &err),
                        0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "Nowhere"));
    cleanup_free(out, err, NULL);
    CU_ASSERT_NOT_EQUAL(cli("export --db '%s' --site Riverside --round r9 --bundle '%s'%s",
                            site_db, zip, "", &out, &err),
                        0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "r9"));
    cleanup_free(out, err, NULL);
    /* nothing written */
    CU_ASSERT_PTR_NULL(art_test_read_abs(zip, NULL));
    /* through the library: NOTFOUND */
    art_store *s;
    art_error e;
    CU_ASSERT_EQUAL_FATAL(art_store_open(site_db, &s, &e), ART_OK);
    CU_ASSERT_EQUAL(art_store_export_bundle(s, "Riverside", "r9", NULL, zip, &e), ART_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(art_store_export_bundle(s, "Nowhere", "r1", NULL, zip, &e), ART_ERR_NOTFOUND);
    art_store_close(s);
    CU_ASSERT_PTR_NULL(art_test_read_abs(zip, NULL));
    cleanup_free(dir, zip, NULL);
}

/* A format 1 bundle kept in the tree (tests/data/bundle/) still imports,
 * whatever the code that writes bundles has become since. */
static void test_fixed_format1_bundle(void)
{
    char *dir = strdup(art_test_tmpdir("bundle-fixed"));
    char *net = path_in(dir, "network.db");
    art_store *s;
    art_error e;
    CU_ASSERT_EQUAL_FATAL(art_store_open(net, &s, &e), ART_OK);
    art_bundle_import_stats st;
    art_status rc =
        art_store_import_bundle(s, art_test_src("tests/data/bundle/clsville-2026-q1.zip"), &st, &e);
    if (rc != ART_OK)
        fprintf(stderr, "import: %s\n", e.message);
    CU_ASSERT_EQUAL_FATAL(rc, ART_OK);
    CU_ASSERT_TRUE(st.imported);
    CU_ASSERT_STRING_EQUAL(st.site, "Clsville");
    CU_ASSERT_STRING_EQUAL(st.round, "2026-q1");
    CU_ASSERT_STRING_EQUAL(st.sha256,
                           "0a5e3513ce47617484fd624bb72b931af5518618623ae6410dfe85213bd37896");
    CU_ASSERT_EQUAL(st.ndims, 11);
    CU_ASSERT_EQUAL(st.nquotes, 0);
    art_bundle_import_stats_clear(&st);
    art_assessment *a = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_load_assessment(s, "Clsville", "2026-q1", &a, &e), ART_OK);
    CU_ASSERT_STRING_EQUAL(a->origin,
                           "bundle:0a5e3513ce47617484fd624bb72b931af5518618623ae6410dfe85213bd37896");
    bool seen = false;
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        if (strcmp(d->id, "hierarchy") != 0)
            continue;
        seen = true;
        CU_ASSERT_EQUAL(d->score, strtod("87.643688991067719", NULL));  /* bit for bit */
        CU_ASSERT_EQUAL(d->level, 5);
        CU_ASSERT_EQUAL(d->nsources, 4);
        CU_ASSERT_EQUAL(d->nvoices, 2);
        CU_ASSERT_EQUAL(d->nev, 0);
    }
    CU_ASSERT_TRUE(seen);
    CU_ASSERT(a->ladder.nitems > 0);
    CU_ASSERT_EQUAL(a->ladder.counts[7], 5);
    art_assessment_free(a);
    art_store_close(s);
    cleanup_free(dir, net, NULL);
}

void art_test_register(void)
{
    ART_SUITE("bundle", {"round trip with quotes (Riverside)", test_round_trip_with_quotes},
              {"round trip without quotes (cls-like)", test_round_trip_no_quotes},
              {"contradictions without quotes say why", test_contradictions_without_quotes},
              {"raters pseudonymised", test_ratings_pseudonymised},
              {"importing twice changes nothing", test_import_twice},
              {"no interview text without --with-quotes", test_no_interview_text},
              {"with quotes: pseudonyms only", test_with_quotes_only_pseudonyms},
              {"tampered bundles refused", test_tampered},
              {"newer formats refused", test_wrong_version},
              {"hostile files refused", test_hostile_files},
              {"unknown site or round", test_unknown_site_or_round},
              {"a kept format 1 bundle imports", test_fixed_format1_bundle});
}
