/* Micro-benchmark of the phrase matcher (not run by `make check`).
 *
 * Builds one matcher over every phrase of rubrics/cls-culture.xml, matches
 * the example site's documents repeated to about 50 MB, and prints MB/s.
 * Times are CPU seconds.  It compares three ways to the same answers: the automaton, the same trie
 * simulated token by token (state bound 1), and the matcher artefact had
 * before the automaton (first-token index; the reference copy kept in
 * tests/test_matcher.c, included here).
 *
 *   make bench-matcher            (from the build directory)
 *   bench/bench-matcher SRCDIR [MB] */
#define ART_NAIVE_ONLY
#include "../tests/test_matcher.c"

#include <time.h>

/* CPU seconds of this process: on a shared machine wall time measures the
 * neighbours too, and the matcher is single-threaded. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 > cap) {
            char *p = realloc(buf, cap = (cap + 65536) * 2);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

static size_t rubric_phrases(const art_rubric *rb, const char **out, size_t cap)
{
    size_t n = 0;
    for (size_t d = 0; d < rb->ndims; d++)
        for (size_t i = 0; i < rb->dims[d].nindicators && n < cap; i++)
            out[n++] = rb->dims[d].indicators[i].phrase;
    const art_phrase_group *groups[] = {rb->ladder, rb->scopes, rb->outcomes, rb->routes};
    size_t ngroups[] = {rb->nladder, rb->nscopes, rb->noutcomes, rb->nroutes};
    for (size_t g = 0; g < 4; g++)
        for (size_t k = 0; k < ngroups[g]; k++)
            for (size_t i = 0; i < groups[g][k].nphrases && n < cap; i++)
                out[n++] = groups[g][k].phrases[i];
    return n;
}

/* The example site's text, repeated to at least `target` bytes. */
static char *corpus(const char *src, size_t target, size_t *len)
{
    static const char *const docs[] = {"conversation-record.txt", "hub-minutes.md",
                                       "panel-procedure.txt", "strategy.md", "README.md"};
    char *one = NULL;
    size_t n1 = 0;
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/examples/riverside/%s", src, docs[i]);
        size_t n = 0;
        char *d = slurp(path, &n);
        if (!d)
            continue;
        char *p = realloc(one, n1 + n + 1);
        if (!p) {
            free(d);
            break;
        }
        one = p;
        memcpy(one + n1, d, n);
        n1 += n;
        one[n1++] = '\n';
        free(d);
    }
    if (!one || n1 == 0)
        return NULL;
    size_t reps = target / n1 + 1;
    char *all = malloc(reps * n1);
    if (!all) {
        free(one);
        return NULL;
    }
    for (size_t r = 0; r < reps; r++)
        memcpy(all + r * n1, one, n1);
    free(one);
    *len = reps * n1;
    return all;
}

static int time_matcher(const char *label, const char *const *ph, size_t n, size_t bound,
                        const char *text, size_t len)
{
    double t0 = now();
    art_matcher *m = NULL;
    art_error err;
    if (art_matcher_new_bounded(ph, n, bound, &m, &err) != ART_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    art_match *v = NULL;
    size_t nm = 0;
    if (art_matcher_run(m, text, len, &v, &nm, &err) != ART_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        art_matcher_free(m);
        return 1;
    }
    double t2 = now();
    art_matcher_stats st;
    art_matcher_get_stats(m, &st);
    printf("%-22s build %.3f ms  match %.2f s  %.1f MB/s  %zu matches  "
           "(%zu symbols, %zu classes, %zu nodes, %zu states, %zu transitions)\n",
           label, (t1 - t0) * 1e3, t2 - t1, (double)len / 1e6 / (t2 - t1), nm, st.symbols,
           st.classes, st.nodes, st.states, st.transitions);
    free(v);
    art_matcher_free(m);
    return 0;
}

static int time_naive(const char *const *ph, size_t n, const char *text, size_t len)
{
    double t0 = now();
    naive_matcher *m = NULL;
    art_error err;
    if (naive_new(ph, n, &m, &err) != ART_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    art_match_ex *v = NULL;
    size_t nm = 0;
    if (naive_run(m, text, len, &v, &nm, &err) != ART_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        naive_free(m);
        return 1;
    }
    double t2 = now();
    printf("%-22s build %.3f ms  match %.2f s  %.1f MB/s  %zu matches\n", "previous (naive)",
           (t1 - t0) * 1e3, t2 - t1, (double)len / 1e6 / (t2 - t1), nm);
    free(v);
    naive_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench-matcher SRCDIR [MB]\n");
        return 2;
    }
    size_t mb = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 50;
    char path[4096];
    snprintf(path, sizeof path, "%s/rubrics/cls-culture.xml", argv[1]);
    art_rubric *rb = NULL;
    art_error err;
    if (art_rubric_load(path, &rb, &err) != ART_OK) {
        fprintf(stderr, "bench: %s\n", err.message);
        return 1;
    }
    const char *ph[4096];
    size_t n = rubric_phrases(rb, ph, 4096);
    size_t len = 0;
    char *text = corpus(argv[1], mb * 1000000, &len);
    if (!text) {
        fprintf(stderr, "bench: cannot read the example site under %s\n", argv[1]);
        art_rubric_free(rb);
        return 1;
    }
    printf("%zu phrases, %.1f MB of text\n", n, (double)len / 1e6);
    int rc = time_matcher("automaton", ph, n, 65536, text, len) ||
             time_matcher("simulation (bound 1)", ph, n, 1, text, len) ||
             time_naive(ph, n, text, len);
    free(text);
    art_rubric_free(rb);
    return rc;
}
