/* The artefact command as a user runs it: exit codes, one-line errors,
 * golden outputs, determinism, privacy.  Set ART_UPDATE_GOLDEN=1 to rewrite
 * the golden files after a deliberate change (and review the diff). */
#include "testutil.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmp[4096];




static void test_version_and_usage(void)
{
    char *out, *err;
    CU_ASSERT_EQUAL(art_test_cli("--version", &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "artefact " ART_VERSION "\n");
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("", &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "usage: artefact COMMAND"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("frobnicate", &out, &err), 2);
    CU_ASSERT_STRING_EQUAL(err, "artefact: unknown command 'frobnicate' (try 'artefact --help')\n");
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("assess --help", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: artefact assess DIR"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("assess", &out, &err), 2);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("show --bogus", &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option '--bogus'"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("plugins --site x", &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--site does not apply"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("report --db /nonexistent/dir/a.db", &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    free(out); free(err);
}

static void test_assess_small_site_golden(void)
{
    char args[8192], *out, *err;
    snprintf(args, sizeof args,
             "assess tests/data/store/site --db '%s/g.db' --site Testshire --round r1", tmp);
    int rc = art_test_cli(args, &out, &err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0)
        fprintf(stderr, "stderr: %s\n", err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "Testshire, round r1: 3 files read (3 added, 0 already there), 7 segments, 3 codings"));
    art_test_golden("tests/data/cli/small-site.txt", out);
    /* Names never appear unless asked for. */
    CU_ASSERT_PTR_NULL(strstr(out, "Maya"));
    CU_ASSERT_PTR_NULL(strstr(out, "Okafor"));
    CU_ASSERT_PTR_NULL(strstr(out, "Tom Reed"));
    free(out); free(err);

    snprintf(args, sizeof args, "report --db '%s/g.db' --format json", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    art_test_golden("tests/data/cli/small-site.json", out);
    CU_ASSERT_PTR_NULL(strstr(out, "Maya"));
    free(out); free(err);

    snprintf(args, sizeof args, "report --db '%s/g.db' --format markdown", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    art_test_golden("tests/data/cli/small-site.md", out);
    free(out); free(err);

    /* A second round of the same files parses nothing: the line says the
     * files came from an earlier round and what the round holds, rather
     * than "0 segments, 0 codings" as if the interviews were lost. */
    for (int r = 1; r <= 2; r++) {
        snprintf(args, sizeof args,
                 "ingest tests/data/store/site --db '%s/g2.db' --site Testshire --round r%d",
                 tmp, r);
        CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
        if (r == 1) {
            free(out); free(err);
        }
    }
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "Testshire, round r2: 3 files read (3 added, 3 of them "
                                       "unchanged from an earlier round, 0 already there), "
                                       "0 new segments, 0 new codings; the round holds 7 "
                                       "segments and 3 codings"));
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    free(out); free(err);

    snprintf(args, sizeof args, "report --db '%s/g.db' --format json --reveal-names", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Maya Okafor"));
    free(out); free(err);

    snprintf(args, sizeof args, "show --db '%s/g.db' --format json", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    char want[16384];
    snprintf(want, sizeof want,
             "{\"store\": \"%s/g.db\", \"schema_version\": 9, \"site\": null, \"round\": null, "
             "\"sources\": 3, \"documents\": 2, \"interviews\": 1, \"segments\": 7, \"codes\": 6, "
             "\"codings\": 3, \"participants\": 2}\n", tmp);
    CU_ASSERT_STRING_EQUAL(out, want);
    free(out); free(err);

    snprintf(args, sizeof args, "codes --db '%s/g.db' --format csv", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out,
                           "path,name,depth,codings\n"
                           "Hierarchy,Hierarchy,0,0\n"
                           "Hierarchy/Toward low pole,Toward low pole,1,0\n"
                           "Hierarchy/Toward low pole/Panel sign-off,Panel sign-off,2,2\n"
                           "Trust,Trust,0,0\n"
                           "Trust/Toward CLS,Toward CLS,1,0\n"
                           "Trust/Toward CLS/Listened to,Listened to,2,1\n");
    free(out); free(err);

    snprintf(args, sizeof args, "codes --db '%s/g.db'", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Hierarchy (0)\n  Toward low pole (0)\n    Panel sign-off (2)\n"));
    free(out); free(err);
}

static void test_same_inputs_same_report(void)
{
    char args[8192], *a, *b, *err;
    snprintf(args, sizeof args,
             "assess examples/riverside --db '%s/d1.db' --site Riverside --round 2026-q4 --format json", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &a, &err), 0);
    free(err);
    snprintf(args, sizeof args,
             "assess examples/riverside --db '%s/d2.db' --site Riverside --round 2026-q4 --format json", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &b, &err), 0);
    free(err);
    CU_ASSERT_STRING_EQUAL(a, b);
    CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"site\": \"Riverside\""));
    CU_ASSERT_PTR_NULL(strstr(a, "Maya Okafor"));
    free(a);
    free(b);
}

/* Run `artefact ARGS` with the store path substituted; stderr kept. */
static int run_on(const char *db, const char *fmt, char **out, char **err)
{
    char args[8192];
    snprintf(args, sizeof args, fmt, db);
    return art_test_cli(args, out, err);
}

static long long runs_in(const char *db)
{
    long long n = -1;
    sqlite3 *h;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(h, "SELECT count(*) FROM rubric_runs", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}

/* Re-assessing with nothing changed reuses the last run (store untouched,
 * same report); anything that changes the scores' inputs scores again. */
static void test_unchanged_inputs_reuse_run(void)
{
    char db[4200], d1[65], d2[65], *a, *b, *out, *err;
    snprintf(db, sizeof db, "%s/reuse.db", tmp);
    const char *assess = "assess examples/riverside --db '%s' --site Riverside --round r1 "
                         "--format json";
    CU_ASSERT_EQUAL_FATAL(run_on(db, assess, &a, &err), 0);
    CU_ASSERT_PTR_NULL(strstr(err, "reused"));
    free(err);
    CU_ASSERT_EQUAL(runs_in(db), 1);
    art_test_store_digest(db, d1);
    sleep(1); /* a later second: nothing may be re-stamped (ratings, say) */
    CU_ASSERT_EQUAL(run_on(db, assess, &b, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "nothing changed since its last run"));
    free(err);
    art_test_store_digest(db, d2);
    CU_ASSERT_STRING_EQUAL(d1, d2);
    CU_ASSERT_STRING_EQUAL(a, b);
    free(b);

    /* --force scores again, to the same scores */
    CU_ASSERT_EQUAL(run_on(db, "score --db '%s' --force", &out, &err), 0);
    free(out);
    free(err);
    CU_ASSERT_EQUAL(runs_in(db), 2);
    /* another option, another run */
    CU_ASSERT_EQUAL(run_on(db, "score --db '%s' --gap-threshold 30", &out, &err), 0);
    CU_ASSERT_PTR_NULL(strstr(err, "reused"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(runs_in(db), 3);
    /* a purge changes the inputs too */
    CU_ASSERT_EQUAL(run_on(db, "purge --participant P02 --site Riverside --db '%s'", &out, &err), 0);
    free(out);
    free(err);
    CU_ASSERT_EQUAL(run_on(db, "score --db '%s' --gap-threshold 30", &out, &err), 0);
    CU_ASSERT_PTR_NULL(strstr(err, "reused"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(runs_in(db), 4);
    CU_ASSERT_EQUAL(run_on(db, "score --db '%s' --gap-threshold 30", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "reused"));
    free(out);
    free(err);
    CU_ASSERT_EQUAL(runs_in(db), 4);
    free(a);
}

static void test_html_report_file(void)
{
    char args[16384], *out, *err;
    snprintf(args, sizeof args,
             "assess examples/riverside --db '%s/h.db' --site Riverside --round 2026-q4 "
             "--format html -o '%s/report.html'", tmp, tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    char want[16384];
    snprintf(want, sizeof want, "report written to %s/report.html\n", tmp);
    CU_ASSERT_STRING_EQUAL(out, want);
    free(out); free(err);
    snprintf(want, sizeof want, "%s/report.html", tmp);
    char *html = art_test_read_abs(want, NULL);
    CU_ASSERT_FATAL(html != NULL);
    CU_ASSERT_EQUAL(strncmp(html, "<!DOCTYPE html>", 15), 0);
    CU_ASSERT_PTR_NULL(strstr(html, "Okafor"));
    free(html);
}

static void test_bad_input_leaves_store_unchanged(void)
{
    char args[8192], *out, *err;
    snprintf(args, sizeof args, "ingest tests/data/store/bad --db '%s/bad.db' --site S --round r1", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "b-broken.csv"));
    CU_ASSERT_EQUAL(strncmp(err, "artefact: ", 10), 0);
    free(out); free(err);
    snprintf(args, sizeof args, "show --db '%s/bad.db'", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "sources       0"));
    free(out); free(err);

    snprintf(args, sizeof args, "ingest tests/data/store/bad-html --db '%s/bad.db' --site S", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "policy.html: "));
    CU_ASSERT_PTR_NULL(strstr(err, "binary junk"));
    free(out); free(err);

    snprintf(args, sizeof args, "ingest /nonexistent/site --db '%s/bad.db' --site S", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_STRING_EQUAL(err, "artefact: /nonexistent/site: No such file or directory\n");
    free(out); free(err);

    snprintf(args, sizeof args, "ingest configure.ac --db '%s/bad.db' --site S", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "configure.ac: unsupported file type '.ac'"));
    free(out); free(err);

    snprintf(args, sizeof args, "report --db '%s/bad.db' --site S", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    free(out); free(err);
}

static void test_plugins_and_rubric_check(void)
{
    char *out, *err;
    CU_ASSERT_EQUAL(art_test_cli("plugins", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "lexical "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "codes "));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("plugins --format json", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"name\": \"lexical\""));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("rubric check rubrics/cls-culture.xml", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "rubrics/cls-culture.xml: ok: rubric cls-culture"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "11 dimensions"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("rubric check tests/data/store/site/policy.txt", &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "policy.txt"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("rubric frob x", &out, &err), 2);
    free(out); free(err);
}

static void test_refi_qda_commands(void)
{
    char args[16384], *out, *err;
    CU_ASSERT_EQUAL(art_test_cli("check tests/data/qda/invalid.qde", &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "tests/data/qda/invalid.qde: line "));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "tests/data/qda/invalid.qde: 4 problems\n"));
    free(out); free(err);
    snprintf(args, sizeof args, "check '%s'",
             art_test_src("../shared/fixtures/refi-qda/samples/cproctor_demo.qdpx"));
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "cproctor_demo.qdpx: valid\n"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("check tests/data/qda/notxml.qde", &out, &err), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err), 1);
    free(out); free(err);

    snprintf(args, sizeof args, "codebook export -o '%s/cls.qdc'", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    free(out); free(err);
    snprintf(args, sizeof args, "check '%s/cls.qdc'", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "cls.qdc: valid"));
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("codebook export --format csv", &out, &err), 2);
    free(out); free(err);

    /* Office documents and a project with its quirks, in one ingest. */
    snprintf(args, sizeof args,
             "ingest tests/data/office/sample.docx tests/data/office/sample.odt "
             "tests/data/qda/tolerant.qdpx --db '%s/q.db' --site Q --round r1", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "artefact: warning: tests/data/qda/tolerant.qdpx: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "Q, round r1: 3 files read (3 added, 0 already there)"));
    free(out); free(err);
    snprintf(args, sizeof args, "show --db '%s/q.db' --format json", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"documents\": 2,"));
    free(out); free(err);
    snprintf(args, sizeof args, "export --db '%s/q.db' -o '%s/q.qdpx'", tmp, tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "project written to "));
    free(out); free(err);
    snprintf(args, sizeof args, "check '%s/q.qdpx'", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    free(out); free(err);
    snprintf(args, sizeof args, "export --db '%s/q.db'", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "-o FILE"));
    free(out); free(err);
    snprintf(args, sizeof args, "ingest tests/data/qda/codebook.qdc --db '%s/q.db' --site Q", tmp);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "codebook"));
    free(out); free(err);
}

void art_test_register(void)
{
    snprintf(tmp, sizeof tmp, "%s", art_test_tmpdir("cli"));
    ART_SUITE("cli",
              {"version and usage", test_version_and_usage},
              {"assess a small site (golden)", test_assess_small_site_golden},
              {"same inputs, same report", test_same_inputs_same_report},
              {"unchanged inputs reuse the last run", test_unchanged_inputs_reuse_run},
              {"html report file", test_html_report_file},
              {"bad input leaves the store unchanged", test_bad_input_leaves_store_unchanged},
              {"plugins and rubric check", test_plugins_and_rubric_check},
              {"REFI-QDA: check, codebook, office files, export", test_refi_qda_commands});
}
