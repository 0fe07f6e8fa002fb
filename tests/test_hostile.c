/* Hostile inputs (tests/hostile/EXPECTED): each is given to the artefact
 * command next to a store that already holds a good site.  Each must end
 * with its expected exit code and one line on stderr naming the file and
 * saying what is wrong, never a crash, and the store exactly as before. */
#include "testutil.h"
#include "internal.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char tmp[4096];
static char db_path[4200], ok_db_path[4200];



/* ---- inputs too big to commit --------------------------------------------- */

static bool write_file(const char *path, const char *head, char fill, size_t nfill,
                       const char *tail)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    char block[65536];
    memset(block, fill, sizeof block);
    bool ok = fputs(head, f) >= 0;
    for (size_t left = nfill; ok && left > 0;) {
        size_t n = left < sizeof block ? left : sizeof block;
        ok = fwrite(block, 1, n, f) == n;
        left -= n;
    }
    ok = ok && fputs(tail, f) >= 0;
    return fclose(f) == 0 && ok;
}

static bool write_repeated(const char *path, const char *head, const char *unit, size_t n,
                           const char *unit2, const char *tail)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fputs(head, f) >= 0;
    for (size_t i = 0; ok && i < n; i++)
        ok = fputs(unit, f) >= 0;
    for (size_t i = 0; ok && unit2 && i < n; i++)
        ok = fputs(unit2, f) >= 0;
    ok = ok && fputs(tail, f) >= 0;
    return fclose(f) == 0 && ok;
}

static bool copy_file(const char *from, const char *to)
{
    size_t len;
    char *data = art_test_read_abs(from, &len);
    if (!data)
        return false;
    FILE *f = fopen(to, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    free(data);
    return ok;
}

/* Make tmp/NAME for a "gen:" row. */
static bool generate(const char *name, const char *path)
{
    if (strcmp(name, "deep.qde") == 0)
        return write_repeated(path,
                              "<?xml version=\"1.0\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" "
                              "name=\"x\">",
                              "<a>", 100000, "</a>", "</Project>\n");
    if (strcmp(name, "deep.html") == 0)
        return write_repeated(path, "<html><body>", "<div>", 100000, "</div>", "</body></html>\n");
    if (strcmp(name, "huge-line.txt") == 0)  /* 30 MiB, no newline, no space */
        return write_file(path, "", 'a', (size_t)30 << 20, "");
    if (strcmp(name, "huge-field.csv") == 0)
        return write_file(path,
                          "source,participant,role,sector,coder,code,text\n"
                          "Interview 01,P,Social worker,Local authority,c,Trust,\"",
                          'x', (size_t)20 << 20, "\"\n");
    if (strcmp(name, "many-entries.qdpx") == 0)  /* 20001 entries */
        return copy_file(art_test_src("tests/data/zip/many-entries.zip"), path);
    return false;
}

/* ---- the manifest ----------------------------------------------------------- */

typedef struct row {
    char file[256];
    bool generated;
    int exit_code;
    char fragment[512];
} row;

static size_t load_manifest(row *rows, size_t max)
{
    char *text = art_test_slurp("tests/hostile/EXPECTED", NULL);
    size_t n = 0;
    for (char *line = strtok(text, "\n"); line && n < max; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        CU_ASSERT_PTR_NOT_NULL(t2);
        if (!t2)
            continue;
        *t1 = *t2 = '\0';
        row *r = &rows[n++];
        r->generated = strncmp(line, "gen:", 4) == 0;
        snprintf(r->file, sizeof r->file, "%s", line + (r->generated ? 4 : 0));
        r->exit_code = atoi(t1 + 1);
        snprintf(r->fragment, sizeof r->fragment, "%s", t2 + 1);
    }
    free(text);
    return n;
}

/* The bytes of a file contain needle (for "nothing was read from /etc"). */
static bool file_contains(const char *path, const char *needle)
{
    size_t len;
    char *data = art_test_read_abs(path, &len);
    if (!data)
        return false;
    bool found = false;
    size_t nl = strlen(needle);
    for (size_t i = 0; !found && i + nl <= len; i++)
        found = memcmp(data + i, needle, nl) == 0;
    free(data);
    return found;
}

static void run_row(const row *r)
{
    char path[4600], args[10000];
    if (r->generated) {
        snprintf(path, sizeof path, "%s/%s", tmp, r->file);
        CU_ASSERT_FATAL(generate(r->file, path));
    } else {
        char rel[300];
        snprintf(rel, sizeof rel, "tests/hostile/%.255s", r->file);
        snprintf(path, sizeof path, "%s", art_test_src(rel));
    }
    bool rubric = strncmp(r->file, "rubric-", 7) == 0;
    if (rubric)
        snprintf(args, sizeof args, "rubric check '%s'", path);
    else
        snprintf(args, sizeof args, "ingest '%s' --db '%s' --site Hostile --round r", path,
                 r->exit_code == 0 ? ok_db_path : db_path);

    char before[65], after[65];
    art_test_store_digest(db_path, before);
    char *out, *err;
    int rc = art_test_cli(args, &out, &err);
    art_test_store_digest(db_path, after);

    bool ok = rc == r->exit_code && rc >= 0 && rc < 128 && strcmp(before, after) == 0;
    if (r->exit_code != 0) {
        ok = ok && art_test_count_lines(err) == 1 && strstr(err, r->file) && strstr(err, r->fragment);
    } else {
        ok = ok && (strstr(err, r->fragment) || strstr(out, r->fragment));
        /* An external DTD or entity would have pulled /etc/passwd in. */
        ok = ok && !strstr(out, "root:") && !strstr(err, "root:") &&
             !file_contains(ok_db_path, "root:x:");
    }
    CU_ASSERT_TRUE(ok);
    if (!ok)
        fprintf(stderr, "\nhostile %s: exit %d (want %d), store %s\n  stderr: %s", r->file, rc,
                r->exit_code, strcmp(before, after) == 0 ? "unchanged" : "CHANGED", err);
    free(out);
    free(err);
    if (r->generated)
        remove(path);
}

static void test_manifest(void)
{
    row rows[64];
    size_t n = load_manifest(rows, 64);
    /* Every case the issue lists is there. */
    CU_ASSERT(n >= 27);
    for (size_t i = 0; i < n; i++)
        run_row(&rows[i]);
}

/* Every committed file of tests/hostile/ has its row, and every row that is
 * not generated has its file. */
static void test_every_file_is_listed(void)
{
    row rows[64];
    size_t n = load_manifest(rows, 64);
    size_t committed = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].generated)
            continue;
        committed++;
        char rel[300];
        snprintf(rel, sizeof rel, "tests/hostile/%.255s", rows[i].file);
        FILE *f = fopen(art_test_src(rel), "rb");
        CU_ASSERT_PTR_NOT_NULL(f);
        if (f)
            fclose(f);
    }
    CU_ASSERT_EQUAL(committed, 22);
    DIR *d = opendir(art_test_src("tests/hostile"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    size_t files = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        /* EXPECTED itself, and the DTD that external-dtd.qde points at. */
        if (e->d_name[0] == '.' || strcmp(e->d_name, "EXPECTED") == 0 ||
            strcmp(e->d_name, "evil.dtd") == 0)
            continue;
        files++;
        bool listed = false;
        for (size_t i = 0; i < n && !listed; i++)
            listed = !rows[i].generated && strcmp(rows[i].file, e->d_name) == 0;
        CU_ASSERT_TRUE(listed);
        if (!listed)
            fprintf(stderr, "\ntests/hostile/%s has no row in EXPECTED\n", e->d_name);
    }
    closedir(d);
    CU_ASSERT_EQUAL(files, committed);
}

static void setup_store(void)
{
    snprintf(tmp, sizeof tmp, "%s", art_test_tmpdir("hostile"));
    snprintf(db_path, sizeof db_path, "%s/h.db", tmp);
    snprintf(ok_db_path, sizeof ok_db_path, "%s/ok.db", tmp);
    char args[9000];
    snprintf(args, sizeof args, "ingest '%s' --db '%s' --site Good --round r1",
             art_test_src("tests/data/store/site"), db_path);
    char *out, *err;
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    free(out);
    free(err);
}

static void test_hostile(void)
{
    setup_store();
    test_manifest();
}

void art_test_register(void)
{
    ART_SUITE("hostile", {"every input refused or contained", test_hostile},
              {"manifest complete", test_every_file_is_listed});
}
