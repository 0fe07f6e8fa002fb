/* Agreement between coders: the statistics against worked examples from the
 * literature, the coding-matrix analysis, the store end to end with a CSV
 * whose figures were worked out by hand, and the CLI's three formats.
 *
 * Literature values reproduced (to 3 decimals):
 *  - Cohen's kappa, 2x2 with 50 units a=20 b=5 c=10 d=15: 0.400
 *    (Wikipedia, "Cohen's kappa", simple example);
 *  - Wikipedia's "same agreement, different kappa" tables:
 *    45/15/25/15 -> 0.130 and 25/35/5/35 -> 0.259;
 *  - Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability",
 *    reliability data of 4 observers x 12 units with missing values:
 *    nominal 0.743, ordinal 0.815, interval 0.849;
 *  - Fleiss' kappa, Wikipedia example (10 subjects, 14 raters, 5
 *    categories): 0.210. */
#include "testutil.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define M ART_AGREE_MISSING
#define NEAR(x, want) CU_ASSERT_DOUBLE_EQUAL((x), (want), 0.0005)

/* ------------------------------------------------------------------ */
/* Literature                                                           */
/* ------------------------------------------------------------------ */

static void test_cohen_literature(void)
{
    long classic[4] = {20, 5, 10, 15};
    NEAR(art_cohen_kappa(classic, 2), 0.400);
    long same_po_1[4] = {45, 15, 25, 15};
    NEAR(art_cohen_kappa(same_po_1, 2), 0.1304);
    long same_po_2[4] = {25, 35, 5, 35};
    NEAR(art_cohen_kappa(same_po_2, 2), 0.2593);
    /* Perfect agreement on two categories. */
    long perfect[4] = {7, 0, 0, 3};
    NEAR(art_cohen_kappa(perfect, 2), 1.0);
}

static void test_cohen_undefined(void)
{
    long one_category[4] = {0, 0, 0, 9};     /* both always "absent" */
    CU_ASSERT_TRUE(isnan(art_cohen_kappa(one_category, 2)));
    long empty[4] = {0, 0, 0, 0};
    CU_ASSERT_TRUE(isnan(art_cohen_kappa(empty, 2)));
    long negative[4] = {1, -1, 0, 2};
    CU_ASSERT_TRUE(isnan(art_cohen_kappa(negative, 2)));
    CU_ASSERT_TRUE(isnan(art_cohen_kappa(NULL, 2)));
}

/* Krippendorff (2011), section C: observers A-D (columns) x units 1-12. */
static const int reliability_data[12 * 4] = {
    1, 1, M, 1,
    2, 2, 3, 2,
    3, 3, 3, 3,
    3, 3, 3, 3,
    2, 2, 2, 2,
    1, 2, 3, 4,
    4, 4, 4, 4,
    1, 1, 2, 1,
    2, 2, 2, 2,
    M, 5, 5, 5,
    M, M, 1, 1,
    M, 3, M, M,
};

static void test_krippendorff_literature(void)
{
    NEAR(art_alpha_nominal(reliability_data, 12, 4), 0.743);
    NEAR(art_alpha(reliability_data, 12, 4, ART_ALPHA_NOMINAL), 0.743);
    NEAR(art_alpha_ordinal(reliability_data, 12, 4), 0.815);
    NEAR(art_alpha(reliability_data, 12, 4, ART_ALPHA_INTERVAL), 0.849);
}

static void test_alpha_ordinal_ratings(void)
{
    /* Two raters, levels 1..5, perfect agreement -> 1. */
    int same[5 * 2] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    NEAR(art_alpha_ordinal(same, 5, 2), 1.0);
    /* Ordinal alpha credits near misses that nominal alpha does not:
     * always one level apart. */
    int near[4 * 2] = {1, 2, 2, 3, 4, 5, 3, 4};
    double ord = art_alpha_ordinal(near, 4, 2), nom = art_alpha_nominal(near, 4, 2);
    CU_ASSERT_TRUE(ord > nom);
    /* Hand computation: coincidences 1-2:1, 2-3:1, 4-5:1, 3-4:1 (each both
     * ways); n = 8, n_1=1 n_2=2 n_3=2 n_4=2 n_5=1.  Nominal alpha =
     * 1 - 7 * 8 / (64 - (1+4+4+4+1)) = 1 - 56/50 = -0.12. */
    NEAR(nom, -0.12);
}

static void test_alpha_undefined(void)
{
    int identical[3 * 2] = {2, 2, 2, 2, 2, 2};
    CU_ASSERT_TRUE(isnan(art_alpha_nominal(identical, 3, 2)));
    CU_ASSERT_TRUE(isnan(art_alpha_ordinal(identical, 3, 2)));
    int one_rater[3 * 2] = {1, M, 2, M, 3, M};
    CU_ASSERT_TRUE(isnan(art_alpha_nominal(one_rater, 3, 2)));
    CU_ASSERT_TRUE(isnan(art_alpha_nominal(NULL, 0, 0)));
    CU_ASSERT_TRUE(isnan(art_alpha_nominal(NULL, 3, 2)));
}

static void test_bootstrap(void)
{
    art_error err;
    double lo, hi, lo2, hi2;
    CU_ASSERT_EQUAL(art_alpha_bootstrap(reliability_data, 12, 4, ART_ALPHA_NOMINAL, 1000, 42,
                                        &lo, &hi, &err), ART_OK);
    CU_ASSERT_TRUE(lo < 0.743 && 0.743 < hi);
    CU_ASSERT_TRUE(hi <= 1.0);
    /* The same seed gives the same interval, to the last bit. */
    CU_ASSERT_EQUAL(art_alpha_bootstrap(reliability_data, 12, 4, ART_ALPHA_NOMINAL, 1000, 42,
                                        &lo2, &hi2, &err), ART_OK);
    CU_ASSERT_EQUAL(lo, lo2);
    CU_ASSERT_EQUAL(hi, hi2);
    CU_ASSERT_EQUAL(art_alpha_bootstrap(reliability_data, 12, 4, ART_ALPHA_NOMINAL, 1000, 43,
                                        &lo2, &hi2, &err), ART_OK);
    CU_ASSERT_TRUE(lo != lo2 || hi != hi2);
    CU_ASSERT_EQUAL(art_alpha_bootstrap(reliability_data, 12, 4, ART_ALPHA_ORDINAL, 0, 0, &lo,
                                        &hi, &err), ART_OK);
    CU_ASSERT_TRUE(lo < 0.815 && 0.815 < hi);
    /* Nothing pairable: no interval, no error. */
    int one_rater[2 * 2] = {1, M, 2, M};
    CU_ASSERT_EQUAL(art_alpha_bootstrap(one_rater, 2, 2, ART_ALPHA_NOMINAL, 10, 1, &lo, &hi,
                                        &err), ART_OK);
    CU_ASSERT_TRUE(isnan(lo) && isnan(hi));
    CU_ASSERT_EQUAL(art_alpha_bootstrap(reliability_data, 12, 4, ART_ALPHA_NOMINAL, 2000000, 1,
                                        &lo, &hi, &err), ART_ERR_LIMIT);
    CU_ASSERT_EQUAL(art_alpha_bootstrap(NULL, 12, 4, ART_ALPHA_NOMINAL, 10, 1, &lo, &hi, &err),
                    ART_ERR_USAGE);
}

/* Wikipedia, "Fleiss' kappa", worked example. */
static const long fleiss_data[10 * 5] = {
    0, 0, 0, 0, 14,
    0, 2, 6, 4, 2,
    0, 0, 3, 5, 6,
    0, 3, 9, 2, 0,
    2, 2, 8, 1, 1,
    7, 7, 0, 0, 0,
    3, 2, 6, 3, 0,
    2, 5, 3, 2, 2,
    6, 5, 2, 1, 0,
    0, 2, 2, 3, 7,
};

static void test_fleiss_literature(void)
{
    NEAR(art_fleiss_kappa(fleiss_data, 10, 5), 0.210);
    long uneven[2 * 2] = {3, 0, 1, 1};     /* 3 raters, then 2 */
    CU_ASSERT_TRUE(isnan(art_fleiss_kappa(uneven, 2, 2)));
    long all_one[2 * 2] = {3, 0, 3, 0};
    CU_ASSERT_TRUE(isnan(art_fleiss_kappa(all_one, 2, 2)));
    CU_ASSERT_TRUE(isnan(art_fleiss_kappa(NULL, 2, 2)));
}

static void test_labels(void)
{
    CU_ASSERT_STRING_EQUAL(art_reliability_id(art_alpha_reliability(0.6669)), "unreliable");
    CU_ASSERT_STRING_EQUAL(art_reliability_id(art_alpha_reliability(0.667)), "tentative");
    CU_ASSERT_STRING_EQUAL(art_reliability_id(art_alpha_reliability(0.7999)), "tentative");
    CU_ASSERT_STRING_EQUAL(art_reliability_id(art_alpha_reliability(0.8)), "reliable");
    CU_ASSERT_STRING_EQUAL(art_reliability_id(art_alpha_reliability(-0.2)), "unreliable");
    CU_ASSERT_STRING_EQUAL(art_reliability_id(art_alpha_reliability(NAN)), "n/a");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(-0.01), "poor");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(0.0), "slight");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(0.2), "slight");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(0.4), "fair");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(0.41), "moderate");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(0.61), "substantial");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(0.81), "almost perfect");
    CU_ASSERT_STRING_EQUAL(art_kappa_band(NAN), "n/a");
}

/* ------------------------------------------------------------------ */
/* Coding matrices                                                      */
/* ------------------------------------------------------------------ */

/* 6 units, 3 coders, 2 codes; coder "c" gave no value on unit 5. */
static const char *const three_coders[] = {"a", "b", "c"};
static const char *const two_codes[] = {"X", "Y"};
static const signed char cube3[6 * 3 * 2] = {
    /* unit 0 */ 1, 0, 1, 0, 1, 0,
    /* unit 1 */ 1, 1, 0, 1, 1, 1,
    /* unit 2 */ 0, 0, 0, 0, 0, 1,
    /* unit 3 */ 0, 1, 0, 1, 0, 0,
    /* unit 4 */ 1, 0, 1, 0, 0, 0,
    /* unit 5 */ 0, 1, 0, 0, -1, -1,
};

/* The matrix of one code as a units x raters matrix for art_alpha. */
static void slice(const signed char *cube, size_t nunits, size_t ncoders, size_t ncodes, size_t k,
                  int *out)
{
    for (size_t u = 0; u < nunits; u++)
        for (size_t c = 0; c < ncoders; c++) {
            signed char v = cube[(u * ncoders + c) * ncodes + k];
            out[u * ncoders + c] = v < 0 ? M : v;
        }
}

static void test_compute_matches_generic_alpha(void)
{
    art_coding_matrix m = {6, 3, 2, three_coders, two_codes, cube3};
    art_agreement *a = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_agreement_compute(&m, NULL, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->ncoders, 3);
    CU_ASSERT_EQUAL(a->ncodes, 2);
    CU_ASSERT_EQUAL(a->units, 6);
    CU_ASSERT_EQUAL(a->uncoded, 0);     /* unit 2: a and b coded nothing, c coded Y */
    int both[12 * 3];
    slice(cube3, 6, 3, 2, 0, both);
    slice(cube3, 6, 3, 2, 1, both + 6 * 3);
    for (size_t k = 0; k < 2; k++) {
        double want = art_alpha_nominal(both + k * 6 * 3, 6, 3);
        NEAR(a->codes[k].alpha, want);
    }
    /* Overall: every unit x code pair is a unit. */
    NEAR(a->overall.alpha, art_alpha_nominal(both, 12, 3));
    CU_ASSERT_EQUAL(a->codes[0].npairs, 3);
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].a, 0);
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].b, 1);
    /* a and b on X: units 0..5 all valued by both: 1/1,1/0,0/0,0/0,1/1,0/0. */
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].both, 2);
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].only_a, 1);
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].only_b, 0);
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].neither, 3);
    /* b and c on X: unit 5 has no value from c. */
    CU_ASSERT_EQUAL(a->codes[0].pairs[2].units, 5);
    CU_ASSERT_EQUAL(a->codes[0].units, 6);
    CU_ASSERT_EQUAL(a->codes[0].pairable, 6);
    /* Fleiss over the 5 units all three coded: X counts (absent, present). */
    long fx[5 * 2] = {0, 3, 1, 2, 3, 0, 3, 0, 1, 2};
    NEAR(a->codes[0].fleiss, art_fleiss_kappa(fx, 5, 2));
    CU_ASSERT_FALSE(isnan(a->codes[0].fleiss));
    CU_ASSERT_FALSE(isnan(a->overall.fleiss));
    art_agreement_free(a);
}

static void test_compute_uncoded_and_coders(void)
{
    /* Unit 2 of a two-coder view (a, b) is coded by neither. */
    art_coding_matrix m = {6, 3, 2, three_coders, two_codes, cube3};
    const char *ab[] = {"a", "b"};
    art_agreement_opts o = {false, ab, 2, 200, 7};
    art_agreement *a = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_agreement_compute(&m, &o, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->ncoders, 2);
    CU_ASSERT_EQUAL(a->units, 6);
    CU_ASSERT_EQUAL(a->uncoded, 1);
    CU_ASSERT_EQUAL(a->excluded, 0);
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].neither, 3);
    CU_ASSERT_TRUE(isnan(a->codes[0].fleiss));   /* two coders: no Fleiss */
    CU_ASSERT_EQUAL(a->resamples, 200);
    CU_ASSERT_EQUAL(a->seed, 7);
    art_agreement_free(a);
    o.exclude_uncoded = true;
    CU_ASSERT_EQUAL_FATAL(art_agreement_compute(&m, &o, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->units, 5);
    CU_ASSERT_EQUAL(a->uncoded, 0);
    CU_ASSERT_EQUAL(a->excluded, 1);
    CU_ASSERT_EQUAL(a->codes[0].pairs[0].neither, 2);
    art_agreement_free(a);

    const char *nobody[] = {"zed"};
    art_agreement_opts bad = {false, nobody, 1, 0, 0};
    CU_ASSERT_EQUAL(art_agreement_compute(&m, &bad, &a, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_STRING_EQUAL(err.message, "agreement: no codings by coder 'zed'");
    const char *twice[] = {"a", "a"};
    art_agreement_opts dup = {false, twice, 2, 0, 0};
    CU_ASSERT_EQUAL(art_agreement_compute(&m, &dup, &a, &err), ART_ERR_USAGE);
    art_agreement_opts none = {false, twice, 0, 0, 0};
    CU_ASSERT_EQUAL(art_agreement_compute(&m, &none, &a, &err), ART_ERR_USAGE);
    art_agreement_opts many = {false, NULL, 0, 5000000, 0};
    CU_ASSERT_EQUAL(art_agreement_compute(&m, &many, &a, &err), ART_ERR_LIMIT);
    art_coding_matrix novalues = {6, 3, 2, three_coders, two_codes, NULL};
    CU_ASSERT_EQUAL(art_agreement_compute(&novalues, NULL, &a, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_agreement_compute(NULL, NULL, &a, &err), ART_ERR_USAGE);
}

static void test_compute_degenerate(void)
{
    art_agreement *a = NULL;
    art_error err;
    /* One coder: no pairs, alpha undefined, and the writers still work. */
    const char *const one[] = {"solo"};
    const signed char cube1[2] = {1, 0};
    art_coding_matrix m1 = {2, 1, 1, one, two_codes, cube1};
    CU_ASSERT_EQUAL_FATAL(art_agreement_compute(&m1, NULL, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->codes[0].npairs, 0);
    CU_ASSERT_TRUE(isnan(a->codes[0].alpha));
    CU_ASSERT_TRUE(isnan(a->codes[0].alpha_lo));
    CU_ASSERT_EQUAL(a->codes[0].reliability, ART_RELIABILITY_NA);
    FILE *f = tmpfile();
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(art_agreement_write(a, "text", f, &err), ART_OK);
    CU_ASSERT_EQUAL(art_agreement_write(a, "csv", f, &err), ART_OK);
    CU_ASSERT_EQUAL(art_agreement_write(a, "json", f, &err), ART_OK);
    CU_ASSERT_EQUAL(art_agreement_write(a, "xml", f, &err), ART_ERR_USAGE);
    fclose(f);
    art_agreement_free(a);
    /* All units identical for both coders: kappa and alpha undefined. */
    const char *const two[] = {"a", "b"};
    const signed char same[3 * 2] = {0, 0, 0, 0, 0, 0};
    art_coding_matrix m2 = {3, 2, 1, two, two_codes, same};
    CU_ASSERT_EQUAL_FATAL(art_agreement_compute(&m2, NULL, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->uncoded, 3);
    NEAR(a->codes[0].pairs[0].percent, 100.0);
    CU_ASSERT_TRUE(isnan(a->codes[0].pairs[0].kappa));
    CU_ASSERT_TRUE(isnan(a->codes[0].alpha));
    CU_ASSERT_TRUE(isnan(a->overall.alpha));
    art_agreement_free(a);
    /* Nothing at all. */
    art_coding_matrix empty = {0, 0, 0, NULL, NULL, NULL};
    CU_ASSERT_EQUAL_FATAL(art_agreement_compute(&empty, NULL, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->units, 0);
    CU_ASSERT_EQUAL(a->ncodes, 0);
    CU_ASSERT_TRUE(isnan(a->overall.alpha));
    f = tmpfile();
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_EQUAL(art_agreement_write(a, "json", f, &err), ART_OK);
    fclose(f);
    art_agreement_free(a);
}

/* ------------------------------------------------------------------ */
/* Through the store                                                    */
/* ------------------------------------------------------------------ */

#define TWO_CODERS "tests/data/agreement/two-coders.csv"

static art_store *store_with_two_coders(const char *tag)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/a.db", art_test_tmpdir(tag));
    art_store *s = NULL;
    art_error err;
    if (art_store_open(path, &s, &err) != ART_OK)
        return NULL;
    const char *paths[] = {art_test_src(TWO_CODERS)};
    art_ingest_stats st;
    if (art_store_ingest(s, "Riverside", "r1", paths, 1, &st, &err) != ART_OK) {
        art_store_close(s);
        return NULL;
    }
    return s;
}

static const art_code_agreement *code_named(const art_agreement *a, const char *path)
{
    for (size_t k = 0; k < a->ncodes; k++)
        if (strcmp(a->codes[k].code, path) == 0)
            return &a->codes[k];
    return NULL;
}

/* The figures of two-coders.csv, worked out by hand in docs/agreement.md:
 * 8 segments (units) in 2 transcripts; alex and sam both coded Interview A
 * (7 units, one of them coded only by an unnamed coder), only sam coded
 * Interview B (1 unit: alex gives no value there). */
static void test_store_two_coders(void)
{
    art_store *s = store_with_two_coders("agree-store");
    CU_ASSERT_FATAL(s != NULL);
    art_agreement *a = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_agreement(s, "Riverside", "r1", NULL, &a, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(a->site, "Riverside");
    CU_ASSERT_STRING_EQUAL(a->round, "r1");
    CU_ASSERT_EQUAL_FATAL(a->ncoders, 2);
    CU_ASSERT_STRING_EQUAL(a->coders[0], "alex");
    CU_ASSERT_STRING_EQUAL(a->coders[1], "sam");
    CU_ASSERT_EQUAL(a->units, 8);
    CU_ASSERT_EQUAL(a->uncoded, 1);
    CU_ASSERT_EQUAL(a->transcripts, 2);
    CU_ASSERT_EQUAL_FATAL(a->ncodes, 3);
    CU_ASSERT_STRING_EQUAL(a->codes[0].code, "Hierarchy");
    CU_ASSERT_STRING_EQUAL(a->codes[1].code, "Risk");
    CU_ASSERT_STRING_EQUAL(a->codes[2].code, "Trust");

    const art_code_agreement *h = code_named(a, "Hierarchy");
    CU_ASSERT_EQUAL(h->units, 8);
    CU_ASSERT_EQUAL(h->pairable, 7);
    CU_ASSERT_EQUAL(h->applied, 5);
    CU_ASSERT_EQUAL(h->pairs[0].units, 7);
    CU_ASSERT_EQUAL(h->pairs[0].both, 2);
    CU_ASSERT_EQUAL(h->pairs[0].only_a, 0);
    CU_ASSERT_EQUAL(h->pairs[0].only_b, 1);
    CU_ASSERT_EQUAL(h->pairs[0].neither, 4);
    NEAR(h->pairs[0].percent, 600.0 / 7.0);
    NEAR(h->pairs[0].kappa, 16.0 / 23.0);            /* 0.696 */
    NEAR(h->alpha, 1.0 - 13.0 / 45.0);               /* 0.711 */
    CU_ASSERT_EQUAL(h->reliability, ART_RELIABILITY_TENTATIVE);
    CU_ASSERT_TRUE(h->alpha_lo <= h->alpha && h->alpha <= h->alpha_hi);

    const art_code_agreement *t = code_named(a, "Trust");
    CU_ASSERT_EQUAL(t->applied, 7);
    CU_ASSERT_EQUAL(t->pairs[0].both, 1);
    CU_ASSERT_EQUAL(t->pairs[0].only_a, 2);
    CU_ASSERT_EQUAL(t->pairs[0].only_b, 2);
    CU_ASSERT_EQUAL(t->pairs[0].neither, 2);
    NEAR(t->pairs[0].kappa, -1.0 / 6.0);             /* -0.167 */
    NEAR(t->alpha, 1.0 - 52.0 / 48.0);               /* -0.083 */
    CU_ASSERT_EQUAL(t->reliability, ART_RELIABILITY_UNRELIABLE);

    const art_code_agreement *r = code_named(a, "Risk");   /* no compared coder used it */
    CU_ASSERT_EQUAL(r->applied, 0);
    NEAR(r->pairs[0].percent, 100.0);
    CU_ASSERT_TRUE(isnan(r->pairs[0].kappa));
    CU_ASSERT_TRUE(isnan(r->alpha));
    CU_ASSERT_TRUE(isnan(r->alpha_lo));

    CU_ASSERT_EQUAL(a->overall.units, 24);
    CU_ASSERT_EQUAL(a->overall.pairs[0].units, 21);
    NEAR(a->overall.pairs[0].kappa, 66.0 / 171.0);   /* 0.386 */
    NEAR(a->overall.alpha, 1.0 - 205.0 / 341.0);     /* 0.399 */
    art_agreement_free(a);

    /* Uncoded text excluded: the segment only the unnamed coder coded goes. */
    art_agreement_opts o = {true, NULL, 0, 0, 0};
    CU_ASSERT_EQUAL_FATAL(art_store_agreement(s, "Riverside", "r1", &o, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->units, 7);
    CU_ASSERT_EQUAL(a->excluded, 1);
    h = code_named(a, "Hierarchy");
    t = code_named(a, "Trust");
    NEAR(h->pairs[0].kappa, 2.0 / 3.0);
    NEAR(h->alpha, 1.0 - 11.0 / 35.0);               /* 0.686 */
    NEAR(t->pairs[0].kappa, -1.0 / 3.0);
    NEAR(t->alpha, 1.0 - 44.0 / 36.0);               /* -0.222 */
    art_agreement_free(a);

    /* One coder only. */
    const char *sam[] = {"sam"};
    art_agreement_opts one = {false, sam, 1, 0, 0};
    CU_ASSERT_EQUAL_FATAL(art_store_agreement(s, "Riverside", "r1", &one, &a, &err), ART_OK);
    CU_ASSERT_EQUAL(a->ncoders, 1);
    CU_ASSERT_EQUAL(a->codes[0].npairs, 0);
    CU_ASSERT_TRUE(isnan(a->overall.alpha));
    art_agreement_free(a);

    const char *zed[] = {"zed"};
    art_agreement_opts bad = {false, zed, 1, 0, 0};
    CU_ASSERT_EQUAL(art_store_agreement(s, "Riverside", "r1", &bad, &a, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "no codings by coder 'zed' in round 'r1'"));
    CU_ASSERT_EQUAL(art_store_agreement(s, "Nowhere", "r1", NULL, &a, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_EQUAL(art_store_agreement(s, "Riverside", "r9", NULL, &a, &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NULL(a);
    art_store_close(s);
}

/* ------------------------------------------------------------------ */
/* CLI                                                                  */
/* ------------------------------------------------------------------ */


static char cli_dir[4096];



static void test_cli_formats(void)
{
    snprintf(cli_dir, sizeof cli_dir, "%s", art_test_tmpdir("agree-cli"));
    char *out, *err, args[8192];
    snprintf(args, sizeof args, "ingest " TWO_CODERS " --db '%s/a.db' --site Riverside --round r1",
             cli_dir);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    free(out); free(err);

    snprintf(args, sizeof args, "agreement --db '%s/a.db'", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    art_test_golden("tests/data/agreement/two-coders.txt", out);
    CU_ASSERT_STRING_EQUAL(err, "");
    free(out); free(err);

    snprintf(args, sizeof args, "agreement --db '%s/a.db' --format csv --exclude-uncoded", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    art_test_golden("tests/data/agreement/two-coders-excluded.csv", out);
    free(out); free(err);

    snprintf(args, sizeof args,
             "agreement --db '%s/a.db' --site Riverside --round r1 --format json --coders alex,sam",
             cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    art_test_golden("tests/data/agreement/two-coders.json", out);
    free(out); free(err);

    snprintf(args, sizeof args, "agreement --db '%s/a.db' --coders=sam", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Only 1 coder: agreement needs two or more."));
    free(out); free(err);
}

static void test_cli_errors(void)
{
    char *out, *err, args[8192];
    snprintf(args, sizeof args, "agreement --db '%s/a.db' --format xml", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown format 'xml'"));
    free(out); free(err);
    snprintf(args, sizeof args, "agreement --db '%s/a.db' --coders 'alex,,sam'", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--coders takes names separated by commas"));
    free(out); free(err);
    snprintf(args, sizeof args, "agreement --db '%s/a.db' --coders", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
    free(out); free(err);
    snprintf(args, sizeof args, "agreement --db '%s/a.db' --coders alex,zed", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no codings by coder 'zed'"));
    free(out); free(err);
    snprintf(args, sizeof args, "agreement --db '%s/a.db' --rubric x.xml", cli_dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
    free(out); free(err);
    CU_ASSERT_EQUAL(art_test_cli("agreement --help", &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "--exclude-uncoded"));
    free(out); free(err);
}

void art_test_register(void)
{
    ART_SUITE("literature", {"cohen kappa", test_cohen_literature},
              {"cohen kappa undefined", test_cohen_undefined},
              {"krippendorff alpha", test_krippendorff_literature},
              {"ordinal alpha for ratings", test_alpha_ordinal_ratings},
              {"alpha undefined", test_alpha_undefined}, {"bootstrap", test_bootstrap},
              {"fleiss kappa", test_fleiss_literature}, {"labels", test_labels});
    ART_SUITE("matrix", {"matches generic alpha", test_compute_matches_generic_alpha},
              {"uncoded and coders", test_compute_uncoded_and_coders},
              {"degenerate", test_compute_degenerate});
    ART_SUITE("store", {"two coders by hand", test_store_two_coders});
    ART_SUITE("cli", {"formats", test_cli_formats}, {"errors", test_cli_errors});
}
