/* Tests of the phrase matcher: tokens, offsets, wildcards, negation, errors. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <stdlib.h>
#include <string.h>

/* Compile phrases, run on text, return the matches (caller frees). */
static art_match *run_phrases(const char *const *phrases, size_t n, const char *text,
                              size_t *nout)
{
    art_matcher *m = NULL;
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(phrases, n, &m, &err), ART_OK);
    art_match *v = NULL;
    CU_ASSERT_EQUAL(art_matcher_run(m, text, strlen(text), &v, nout, &err), ART_OK);
    art_matcher_free(m);
    return v;
}

static void check_match(const art_match *mt, size_t ind, long start, long end, int negated)
{
    CU_ASSERT_EQUAL(mt->indicator, ind);
    CU_ASSERT_EQUAL(mt->start, start);
    CU_ASSERT_EQUAL(mt->end, end);
    CU_ASSERT_EQUAL(mt->negated, negated);
}

static void test_exact_offsets_and_case(void)
{
    const char *ph[] = {"trust", "permission", "ask permission"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 3, "We Trust staff; they don't ask PERMISSION.", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 3, 8, 0);
    check_match(&v[1], 2, 27, 41, 1);   /* "don't" within three words before */
    check_match(&v[2], 1, 31, 41, 1);
    free(v);
}

static void test_punctuation_and_hyphens(void)
{
    const char *ph[] = {"co-production", "carers", "people"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 3, "Co--Production, (co production) for carers' and people's needs", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 0, 14, 0);
    check_match(&v[1], 0, 17, 30, 0);
    check_match(&v[2], 1, 36, 42, 0);   /* trailing apostrophe is not part of the word */
    /* "people's" is one token, so "people" does not match it. */
    free(v);
}

static void test_prefix_wildcard(void)
{
    const char *ph[] = {"empower*"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 1, "Empowerment, power, empowering; empower", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 0, 11, 0);
    check_match(&v[1], 0, 20, 30, 0);
    check_match(&v[2], 0, 32, 39, 0);
    free(v);
}

static void test_lone_wildcard(void)
{
    const char *ph[] = {"ask * permission"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 1, "ask permission; ask for permission; ask for the permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 16, 34, 0);
    free(v);
    /* A leading "*" goes into the loose index and still matches anywhere. */
    const char *ph2[] = {"* led support"};
    v = run_phrases(ph2, 1, "Truly community-led support.", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 6, 27, 0);
    free(v);
}

static void test_negation(void)
{
    const char *ph[] = {"need permission"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 1, "we no longer need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 13, 28, 1);
    free(v);
    v = run_phrases(ph, 1, "we need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 3, 18, 0);
    free(v);
    /* "no longer" counts as one negator even when "no" is outside the window. */
    v = run_phrases(ph, 1, "it is no longer true we need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(v[0].negated, 1);
    free(v);
    /* Four words back is out of the window. */
    v = run_phrases(ph, 1, "nobody said that so we need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    CU_ASSERT_EQUAL(v[0].negated, 0);
    free(v);
    /* A typographic apostrophe folds to the ASCII one. */
    v = run_phrases(ph, 1, "we don\xE2\x80\x99t need permission", &n);
    CU_ASSERT_EQUAL_FATAL(n, 1);
    check_match(&v[0], 0, 9, 24, 1);
    free(v);
}

static void test_non_ascii_offsets(void)
{
    const char *ph[] = {"\xC3\xA9quipe", "na\xC3\xAFve"};   /* équipe, naïve */
    size_t n = 0;
    art_match *v = run_phrases(ph, 2, "Caf\xC3\xA9 culture: \xC3\x89QUIPE trusts na\xC3\xAFve staff", &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    check_match(&v[0], 0, 14, 20, 0);
    check_match(&v[1], 1, 28, 33, 0);
    free(v);
}

static void test_empty_text(void)
{
    const char *ph[] = {"trust"};
    art_matcher *m = NULL;
    CU_ASSERT_EQUAL_FATAL(art_matcher_new(ph, 1, &m, NULL), ART_OK);
    art_match *v = (art_match *)1;
    size_t n = 99;
    CU_ASSERT_EQUAL(art_matcher_run(m, "", 0, &v, &n, NULL), ART_OK);
    CU_ASSERT_PTR_NULL(v);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(art_matcher_run(m, " ... -- !", 9, &v, &n, NULL), ART_OK);
    CU_ASSERT_EQUAL(n, 0);
    free(v);
    art_matcher_free(m);
}

static void test_overlapping(void)
{
    const char *ph[] = {"community led support", "led support", "community"};
    size_t n = 0;
    art_match *v = run_phrases(ph, 3, "Community-led support works", &n);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    check_match(&v[0], 0, 0, 21, 0);
    check_match(&v[1], 2, 0, 9, 0);
    check_match(&v[2], 1, 10, 21, 0);
    free(v);
}

static void test_errors(void)
{
    art_matcher *m = NULL;
    art_error err;
    const char *empty[] = {"trust", ""};
    CU_ASSERT_EQUAL(art_matcher_new(empty, 2, &m, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "phrase 2 has no words"));
    CU_ASSERT_PTR_NULL(m);
    const char *punct[] = {" -- ! "};
    CU_ASSERT_EQUAL(art_matcher_new(punct, 1, &m, &err), ART_ERR_USAGE);
    const char *longp[] = {"a b c d e f g h i j k l m n o p q"};   /* 17 words */
    CU_ASSERT_EQUAL(art_matcher_new(longp, 1, &m, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "more than 16 words"));
    const char *ok16[] = {"a b c d e f g h i j k l m n o p"};
    CU_ASSERT_EQUAL(art_matcher_new(ok16, 1, &m, &err), ART_OK);
    art_matcher_free(m);
    m = NULL;
    CU_ASSERT_EQUAL(art_matcher_new(ok16, 0, &m, &err), ART_ERR_USAGE);
    size_t many = 100001;
    const char **lots = malloc(many * sizeof *lots);
    CU_ASSERT_PTR_NOT_NULL_FATAL(lots);
    for (size_t i = 0; i < many; i++)
        lots[i] = "x";
    CU_ASSERT_EQUAL(art_matcher_new(lots, many, &m, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "too many phrases"));
    CU_ASSERT_EQUAL(art_matcher_new(lots, many - 1, &m, &err), ART_OK);
    art_match *v = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL(art_matcher_run(m, "x y x", 5, &v, &n, &err), ART_OK);
    CU_ASSERT_EQUAL(n, 200000);   /* every phrase at both places, sorted */
    if (n == 200000) {
        CU_ASSERT_EQUAL(v[0].start, 0);
        CU_ASSERT_EQUAL(v[1].indicator, 1);
        CU_ASSERT_EQUAL(v[100000].start, 4);
        CU_ASSERT_EQUAL(v[100000].indicator, 0);
    }
    free(v);
    art_matcher_free(m);
    free(lots);
}

void art_test_register(void)
{
    ART_SUITE("matcher",
              {"exact offsets and case", test_exact_offsets_and_case},
              {"punctuation and hyphens", test_punctuation_and_hyphens},
              {"prefix wildcard", test_prefix_wildcard},
              {"lone wildcard", test_lone_wildcard},
              {"negation", test_negation},
              {"non-ASCII offsets", test_non_ascii_offsets},
              {"empty text", test_empty_text},
              {"overlapping phrases", test_overlapping},
              {"errors", test_errors});
}
