/* Common main() for the CUnit test programs run by `make check`. */
#include "testutil.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
