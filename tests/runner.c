/* Common main() for the CUnit test programs run by `make check`. */
#include "testutil.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "artefact/artefact.h"

const char *art_test_src(const char *rel)
{
    static char bufs[8][4096];
    static int next;
    const char *root = getenv("ART_TEST_SRCDIR");
    const char *shared = getenv("ART_TEST_SHARED");
    char *b = bufs[next++ % 8];
    /* "../shared/..." is the project's shared folder, wherever configure
     * was told it is (--with-shared), so distcheck finds it too. */
    if (shared && *shared && strncmp(rel, "../shared/", 10) == 0)
        snprintf(b, sizeof bufs[0], "%s/%s", shared, rel + 10);
    else
        snprintf(b, sizeof bufs[0], "%s/%s", root ? root : ".", rel);
    return b;
}

static void rm_rf(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", path);
}

const char *art_test_tmpdir(const char *tag)
{
    static char buf[4096];
    const char *root = getenv("ART_TEST_BUILDDIR");
    snprintf(buf, sizeof buf, "%s/tests/tmp", root ? root : ".");
    mkdir(buf, 0700);
    snprintf(buf, sizeof buf, "%s/tests/tmp/%s-%ld", root ? root : ".", tag, (long)getpid());
    rm_rf(buf);
    if (mkdir(buf, 0700) != 0) {
        fprintf(stderr, "cannot create %s: %s\n", buf, strerror(errno));
        exit(99);
    }
    return buf;
}

char *art_test_slurp(const char *rel, size_t *len)
{
    const char *path = art_test_src(rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "test data missing: %s\n", path);
        exit(99);
    }
    size_t cap = 4096, n = 0;
    char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *p = realloc(data, cap * 2);
            if (!p) { free(data); data = NULL; break; }
            data = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (!data) exit(99);
    data[n] = '\0';
    if (len) *len = n;
    return data;
}

char *art_test_read_abs(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0, got;
    char *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *p = realloc(data, cap * 2);
            if (!p) {
                free(data);
                data = NULL;
                break;
            }
            data = p;
            cap *= 2;
        }
    }
    fclose(f);
    if (!data)
        return NULL;
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

int art_test_cli(const char *args, char **out, char **err)
{
    static char dir[4096];
    char outp[4300], errp[4300], cmd[32768];
    if (!dir[0]) {
        const char *root = getenv("ART_TEST_BUILDDIR");
        snprintf(dir, sizeof dir, "%s/tests/tmp", root ? root : ".");
        mkdir(dir, 0700);
        snprintf(dir, sizeof dir, "%s/tests/tmp/capture-%ld", root ? root : ".", (long)getpid());
        mkdir(dir, 0700);
    }
    snprintf(outp, sizeof outp, "%s/stdout", dir);
    snprintf(errp, sizeof errp, "%s/stderr", dir);
    const char *bin = getenv("ART_CLI");
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s > '%s' 2> '%s' < /dev/null",
             getenv("ART_TEST_SRCDIR") ? getenv("ART_TEST_SRCDIR") : ".",
             bin ? bin : "artefact", args, outp, errp);
    int rc = system(cmd);
    *out = art_test_read_abs(outp, NULL);
    *err = art_test_read_abs(errp, NULL);
    if (!*out)
        *out = calloc(1, 1);
    if (!*err)
        *err = calloc(1, 1);
    if (rc == -1)
        return -1;
    /* The shell reports a child killed by a signal as 128 + the signal. */
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

void art_test_golden(const char *rel, const char *actual)
{
    const char *path = art_test_src(rel);
    if (getenv("ART_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        CU_ASSERT_FATAL(f != NULL);
        fputs(actual, f);
        fclose(f);
    }
    char *want = art_test_read_abs(path, NULL);
    CU_ASSERT_PTR_NOT_NULL(want);
    if (want && strcmp(want, actual) != 0) {
        /* Leave what came out beside the build, to diff against the golden. */
        const char *root = getenv("ART_TEST_BUILDDIR");
        const char *base = strrchr(rel, '/');
        char got[4300];
        snprintf(got, sizeof got, "%s/tests/tmp", root ? root : ".");
        mkdir(got, 0700);
        snprintf(got, sizeof got, "%s/tests/tmp/%s.actual", root ? root : ".",
                 base ? base + 1 : rel);
        FILE *f = fopen(got, "wb");
        if (f) {
            fputs(actual, f);
            fclose(f);
        }
        fprintf(stderr, "\ngolden mismatch: diff %s %s\n", path, got);
        CU_FAIL("output differs from the golden file");
    }
    free(want);
}

int art_test_count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return n;
}

/* Append n bytes of t to *b (length *len, capacity *cap). */
static void rows_append(char **b, size_t *len, size_t *cap, const char *t, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = (*len + n + 1) * 2;
        char *p = realloc(*b, c);
        CU_ASSERT_FATAL(p != NULL);
        *b = p;
        *cap = c;
    }
    memcpy(*b + *len, t, n);
    *len += n;
    (*b)[*len] = '\0';
}

char *art_test_query_rows(const char *db_path, const char *sql)
{
    char *b = NULL;
    size_t len = 0, cap = 0;
    rows_append(&b, &len, &cap, "", 0);
    sqlite3 *h;
    sqlite3_stmt *st;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const char *t = (const char *)sqlite3_column_text(st, i);
                if (i)
                    rows_append(&b, &len, &cap, "|", 1);
                rows_append(&b, &len, &cap, t ? t : "NULL", strlen(t ? t : "NULL"));
            }
            rows_append(&b, &len, &cap, "\n", 1);
        }
        sqlite3_finalize(st);
    } else {
        fprintf(stderr, "sql: %s\n", sqlite3_errmsg(h));
    }
    sqlite3_close(h);
    return b;
}

void art_test_store_digest(const char *path, char out[65])
{
    sqlite3 *db;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    out[0] = '\0';
    if (!buf || sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        free(buf);
        return;
    }
    sqlite3_stmt *tables;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
                       -1, &tables, NULL);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY 1, 2",
                 (const char *)sqlite3_column_text(tables, 0));
        sqlite3_stmt *rows;
        if (sqlite3_prepare_v2(db, sql, -1, &rows, NULL) != SQLITE_OK)
            continue;
        while (sqlite3_step(rows) == SQLITE_ROW)
            for (int i = 0; i < sqlite3_column_count(rows); i++) {
                const char *t = (const char *)sqlite3_column_text(rows, i);
                size_t need = strlen(t ? t : "NULL") + 2;
                if (len + need >= cap) {
                    while (len + need >= cap)
                        cap *= 2;
                    char *p = realloc(buf, cap);
                    if (!p)
                        break;
                    buf = p;
                }
                len += (size_t)snprintf(buf + len, cap - len, "%s|", t ? t : "NULL");
            }
        sqlite3_finalize(rows);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    art_sha256_hex(buf, len, out);
    free(buf);
}

void art_test_add_suite(const char *name, const art_test_case *cases, size_t n)
{
    CU_pSuite s = CU_add_suite(name, NULL, NULL);
    if (!s) {
        fprintf(stderr, "CU_add_suite: %s\n", CU_get_error_msg());
        exit(99);
    }
    for (size_t i = 0; i < n; i++)
        if (!CU_add_test(s, cases[i].name, cases[i].fn)) {
            fprintf(stderr, "CU_add_test: %s\n", CU_get_error_msg());
            exit(99);
        }
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 99;
    art_test_register();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    /* Read the counts before CU_cleanup_registry(), which resets them. */
    unsigned failed = CU_get_number_of_failures();
    unsigned tests_failed = CU_get_number_of_tests_failed();
    unsigned run = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (run == 0) {
        fprintf(stderr, "no test ran\n");
        return 1;
    }
    return (failed || tests_failed) ? 1 : 0;
}

int art_test_trip(void *ud)
{
    art_test_tripwire *t = ud;
    t->calls++;
    if (!t->fail_at)
        return 0;
    return t->once ? t->calls == t->fail_at : t->calls >= t->fail_at;
}

void art_test_arm_reader(void *ud, sqlite3 *db)
{
    art_test_reader_trips *rt = ud;
    if (rt->n >= 8)
        return;
    art_test_tripwire *t = &rt->t[rt->n++];
    *t = (art_test_tripwire){0, rt->fail_at, rt->once};
    sqlite3_progress_handler(db, 1, art_test_trip, t);
}

void art_test_count_reader(void *ud, sqlite3 *db)
{
    (void)db;
    (*(int *)ud)++;
}

int art_test_same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static size_t evidence_differs(const art_evidence *x, const art_evidence *y)
{
    return x->segment_id != y->segment_id || !art_test_same_str(x->quote, y->quote) ||
           !art_test_same_str(x->source, y->source) ||
           !art_test_same_str(x->locator, y->locator) ||
           !art_test_same_str(x->participant, y->participant) ||
           !art_test_same_str(x->indicator, y->indicator) || x->direction != y->direction ||
           x->level != y->level || x->voice != y->voice || x->facet != y->facet ||
           x->weight != y->weight;
}

static size_t evidence_list_differences(const art_evidence *x, const art_evidence *y, size_t n)
{
    size_t differ = 0;
    for (size_t k = 0; k < n; k++)
        differ += evidence_differs(&x[k], &y[k]);
    return differ;
}

static size_t plugin_differences(const art_plugin_result *p, const art_plugin_result *q)
{
    if (p->status != q->status || !art_test_same_str(p->error, q->error) ||
        !art_test_same_str(p->name, q->name) || p->nemits != q->nemits)
        return 1;
    size_t differ = 0;
    for (size_t e = 0; e < p->nemits; e++) {
        const art_emit *a = &p->emits[e], *b = &q->emits[e];
        if (strcmp(a->dimension, b->dimension) != 0 || a->facet != b->facet ||
            a->score != b->score || a->weight != b->weight || a->nev != b->nev)
            differ++;
        else
            differ += evidence_list_differences(a->ev, b->ev, a->nev);
    }
    return differ;
}

static size_t dimension_differences(const art_dim_score *a, const art_dim_score *b)
{
    /* NaN (no score) equals NaN here. */
    bool same_score = a->score == b->score || (a->score != a->score && b->score != b->score);
    if (!same_score || a->nev != b->nev || a->dict_tokens[0] != b->dict_tokens[0] ||
        a->dict_matched[0] != b->dict_matched[0] || a->dict_tokens[1] != b->dict_tokens[1] ||
        a->dict_matched[1] != b->dict_matched[1])
        return 1;
    return evidence_list_differences(a->ev, b->ev, a->nev);
}

static size_t ladder_differences(const art_ladder *x, const art_ladder *y)
{
    size_t differ = 0;
    for (size_t i = 0; i < x->nitems; i++) {
        const art_ladder_item *a = &x->items[i], *b = &y->items[i];
        if (a->segment_id != b->segment_id || a->rung != b->rung || a->scope != b->scope ||
            a->facet != b->facet || !art_test_same_str(a->quote, b->quote) ||
            !art_test_same_str(a->phrase, b->phrase) || !art_test_same_str(a->source, b->source) ||
            !art_test_same_str(a->locator, b->locator))
            differ++;
    }
    for (int r = 0; r <= ART_RUNGS; r++)
        differ += x->counts[r] != y->counts[r] || x->micro[r] != y->micro[r] ||
                  x->strategic[r] != y->strategic[r];
    return differ + (x->highest_sustained != y->highest_sustained);
}

size_t art_test_assessment_differences(const art_assessment *x, const art_assessment *y)
{
    if (x->ndims != y->ndims || x->nplugins != y->nplugins ||
        x->ladder.nitems != y->ladder.nitems)
        return 1;
    size_t differ = 0;
    for (size_t i = 0; i < x->nplugins; i++)
        differ += plugin_differences(&x->plugins[i], &y->plugins[i]);
    for (size_t i = 0; i < x->ndims; i++)
        differ += dimension_differences(&x->dims[i], &y->dims[i]);
    return differ + ladder_differences(&x->ladder, &y->ladder);
}
