/* Replay driver: with gcc (no libFuzzer), a harness is linked with this file
 * into a check program that feeds every file of its seed corpus,
 * fuzz/corpus/<name>/ (crash reproducers included), through
 * LLVMFuzzerTestOneInput.  A crash or a broken contract aborts the program;
 * otherwise it prints "replayed N inputs" and exits 0.
 *
 *   fuzz/replay-csv                 the corpus under $ART_TEST_SRCDIR
 *   fuzz/replay-csv FILE|DIR...     these inputs instead */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Read a whole file; NULL on failure (the caller reports). */
static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        unsigned char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static int replay_file(const char *path, long *count)
{
    size_t len = 0;
    unsigned char *data = read_all(path, &len);
    if (!data) {
        fprintf(stderr, "replay-%s: %s: cannot read: %s\n", art_fuzz_name, path, strerror(errno));
        return 1;
    }
    /* An exact-size copy, so ASan and valgrind see reads past the end. */
    unsigned char *exact = malloc(len ? len : 1);
    if (!exact) {
        free(data);
        return 1;
    }
    memcpy(exact, data, len);
    free(data);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    (*count)++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order so runs are comparable. */
static int replay_dir(const char *dir, long *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay-%s: %s: cannot open: %s\n", art_fuzz_name, dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int bad = 0;
    struct dirent *e;
    while (!bad && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger) {
                bad = 1;
                break;
            }
            names = bigger;
        }
        size_t need = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(need);
        if (!names[n]) {
            bad = 1;
            break;
        }
        snprintf(names[n], need, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (!bad && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            bad |= replay_file(names[i], count);
        free(names[i]);
    }
    free(names);
    return bad;
}

static int replay_path(const char *path, long *count)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay-%s: %s: %s\n", art_fuzz_name, path, strerror(errno));
        return 1;
    }
    return S_ISDIR(st.st_mode) ? replay_dir(path, count) : replay_file(path, count);
}

int main(int argc, char **argv)
{
    long count = 0;
    int bad = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            bad |= replay_path(argv[i], &count);
    } else {
        const char *src = getenv("ART_TEST_SRCDIR");
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", src ? src : ".", art_fuzz_name);
        bad |= replay_path(dir, &count);
    }
    /* An empty corpus would make this test pass while testing nothing. */
    if (count == 0) {
        fprintf(stderr, "replay-%s: no inputs\n", art_fuzz_name);
        bad = 1;
    }
    printf("replay-%s: replayed %ld inputs\n", art_fuzz_name, count);
    return bad ? 1 : 0;
}
