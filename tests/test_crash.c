/* Crash safety: `artefact ingest` killed with SIGKILL in the middle of a
 * large batch leaves a store that passes PRAGMA integrity_check and holds
 * all of that batch or none of it. */
#include "testutil.h"
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NDOCS 300
#define NPARAS 8

static char tmp[4096], docs[4200], db[4200];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_for(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* NDOCS policy documents of a few KB, each different (sources are
 * identified by their bytes, so equal files would be one source). */
static void make_docs(void)
{
    snprintf(docs, sizeof docs, "%s/docs", tmp);
    CU_ASSERT_FATAL(mkdir(docs, 0700) == 0);
    for (int i = 0; i < NDOCS; i++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/doc%04d.txt", docs, i);
        FILE *f = fopen(path, "w");
        CU_ASSERT_FATAL(f != NULL);
        for (int p = 0; p < NPARAS; p++)
            fprintf(f, "Document %d, paragraph %d. We trust practitioners to use their "
                       "judgement, and nobody needs to ask a manager for permission. "
                       "The community hub meets on Tuesday %d and people are listened to. "
                       "Panels sign off packages over budget %d.\n\n",
                    i, p, p * 7 + i, i * 13 + p);
        CU_ASSERT_FATAL(fclose(f) == 0);
    }
}

/* Start `artefact ingest DOCS` into site; returns its pid. */
static pid_t start_ingest(const char *site)
{
    const char *bin = getenv("ART_CLI");
    pid_t pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        /* Quiet child: its summary line is not part of this test's output. */
        FILE *null = freopen("/dev/null", "w", stdout);
        null = null ? freopen("/dev/null", "w", stderr) : NULL;
        (void)null;
        execl(bin ? bin : "artefact", "artefact", "ingest", docs, "--db", db, "--site", site,
              "--round", "batch", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static char *query_text(const char *sql)
{
    sqlite3 *h;
    CU_ASSERT_FATAL(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = art_strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return v;
}

static long long sources_of(const char *site)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM round_sources rs JOIN rounds r ON r.id = rs.round_id "
             "JOIN sites s ON s.id = r.site_id WHERE s.name = '%s' AND r.label = 'batch'",
             site);
    char *v = query_text(sql);
    long long n = v ? atoll(v) : -1;
    free(v);
    return n;
}

/* After a kill: the file is sound and holds all or none of the batch. */
static long long check_store(const char *site)
{
    char *ok = query_text("PRAGMA integrity_check");
    CU_ASSERT_STRING_EQUAL(ok ? ok : "(none)", "ok");
    free(ok);
    char *fk = query_text("SELECT count(*) FROM pragma_foreign_key_check");
    CU_ASSERT_STRING_EQUAL(fk ? fk : "(none)", "0");
    free(fk);
    long long n = sources_of(site);
    CU_ASSERT(n == 0 || n == NDOCS);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM segments g JOIN sources o ON o.id = g.source_id "
             "JOIN sites s ON s.id = o.site_id WHERE s.name = '%s'",
             site);
    char *segs = query_text(sql);
    /* NPARAS paragraphs of 4 sentences per document. */
    long long nseg = segs ? atoll(segs) : -1;
    CU_ASSERT(nseg == 0 || nseg == (long long)NDOCS * NPARAS * 4);
    free(segs);
    return n;
}

static void test_kill_mid_ingest(void)
{
    snprintf(tmp, sizeof tmp, "%s", art_test_tmpdir("crash"));
    snprintf(db, sizeof db, "%s/c.db", tmp);
    char wal[4300];
    snprintf(wal, sizeof wal, "%s-wal", db);
    make_docs();

    /* A full run first: it must complete, and its length paces the kills. */
    double t0 = now();
    int status;
    pid_t pid = start_ingest("Full");
    long max_wal = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        long w = file_size(wal);
        max_wal = w > max_wal ? w : max_wal;
        sleep_for(0.002);
    }
    double full = now() - t0;
    CU_ASSERT_FATAL(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT_EQUAL(check_store("Full"), NDOCS);

    static const double fractions[] = {0.05, 0.25, 0.5, 0.75, 0.9};
    int none = 0, all = 0;
    for (size_t k = 0; k < sizeof fractions / sizeof fractions[0]; k++) {
        char site[32];
        snprintf(site, sizeof site, "Crash%zu", k);
        pid = start_ingest(site);
        sleep_for(full * fractions[k]);
        long walsize = file_size(wal);
        kill(pid, SIGKILL);
        CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
        long long n = check_store(site);
        none += n == 0;
        all += n == NDOCS;
        printf("\n  kill at %.0f%% of %.2f s: WAL %ld bytes, %s", fractions[k] * 100, full,
               walsize, n == 0 ? "none kept" : n == NDOCS ? "all kept (it had finished)" : "PARTIAL");
    }
    /* Then kills paced by the WAL: as it reaches a share of the size it
     * had at the end of the full run, the batch is surely half written. */
    static const double shares[] = {0.1, 0.4, 0.8};
    for (size_t k = 0; k < sizeof shares / sizeof shares[0]; k++) {
        char site[32];
        snprintf(site, sizeof site, "CrashWal%zu", k);
        pid = start_ingest(site);
        long walsize = 0, want = (long)(shares[k] * (double)max_wal);
        for (double t = now(); now() - t < 2 * full + 5 && walsize < want;) {
            walsize = file_size(wal);
            sleep_for(0.0005);
        }
        kill(pid, SIGKILL);
        CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
        long long n = check_store(site);
        none += n == 0;
        printf("\n  kill at a WAL of %ld bytes (%.0f%% of %ld): %s", walsize, shares[k] * 100,
               max_wal, n == 0 ? "none kept" : n == NDOCS ? "all kept" : "PARTIAL");
    }
    printf("\n");
    /* The kills fell in the middle at least once (else this tested nothing). */
    CU_ASSERT(none >= 1);
    (void)all;
}

void art_test_register(void)
{
    ART_SUITE("crash", {"SIGKILL in the middle of an ingest", test_kill_mid_ingest});
}
