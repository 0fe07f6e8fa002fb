/* Agreement between coders: percentage agreement, Cohen's and Fleiss'
 * kappa, Krippendorff's alpha (nominal, ordinal, interval) with a bootstrap
 * interval, and the writers of `artefact agreement`.
 *
 * Alpha is computed from the coincidence matrix (Krippendorff 2011,
 * "Computing Krippendorff's Alpha-Reliability"): every pairable unit (two
 * values or more) adds n_uc * (n_uk - [c == k]) / (m_u - 1) to o_ck, and
 * alpha = 1 - (n - 1) * sum(o_ck d2_ck) / sum(n_c n_k d2_ck).
 * Because coincidences add up unit by unit, a bootstrap resample is just a
 * weighted sum of per-unit contributions: nothing is copied per resample.
 * See docs/agreement.md for what the figures mean. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_RESAMPLES 1000
#define DEFAULT_SEED 20110101u
#define MAX_RESAMPLES 1000000
#define ALL_CODES "(all codes)"

/* ------------------------------------------------------------------ */
/* A small reproducible PRNG (splitmix64): never rand(), whose stream    */
/* differs between C libraries and is shared process-wide.             */
/* ------------------------------------------------------------------ */

typedef struct prng {
    uint64_t state;
} prng;

static uint64_t prng_next(prng *p)
{
    uint64_t z = (p->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [0, n), without modulo bias (n > 0). */
static size_t prng_below(prng *p, size_t n)
{
    uint64_t bound = (uint64_t)n;
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t x = prng_next(p);
        if (x >= threshold)
            return (size_t)(x % bound);
    }
}

/* Resample n items with replacement: w[i] = how many times item i was drawn. */
static void draw_weights(prng *p, size_t n, double *w)
{
    memset(w, 0, n * sizeof *w);
    for (size_t i = 0; i < n; i++)
        w[prng_below(p, n)] += 1.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Percentile p (0..1) of sorted x[0..n) by linear interpolation between
 * order statistics (Hyndman & Fan type 7, R's default). */
static double percentile_sorted(const double *x, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* Sort the defined values of x[0..n) and take the 2.5th and 97.5th percentiles. */
static void interval_of(double *x, size_t n, double *lo, double *hi)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[k++] = x[i];
    qsort(x, k, sizeof *x, cmp_double);
    *lo = percentile_sorted(x, k, 0.025);
    *hi = percentile_sorted(x, k, 0.975);
}

/* ------------------------------------------------------------------ */
/* Krippendorff's alpha over any values                                 */
/* ------------------------------------------------------------------ */

/* Squared difference d2 of value indices c and k, given the sorted values
 * and (for ordinal) the marginal frequencies n_g. */
static double delta2(art_alpha_metric metric, const double *vals, const double *marg, size_t c,
                     size_t k)
{
    if (c == k)
        return 0.0;
    switch (metric) {
    case ART_ALPHA_INTERVAL: {
        double d = vals[c] - vals[k];
        return d * d;
    }
    case ART_ALPHA_ORDINAL: {
        size_t a = c < k ? c : k, b = c < k ? k : c;
        double sum = 0.0;
        for (size_t g = a; g <= b; g++)
            sum += marg[g];
        double d = sum - (marg[a] + marg[b]) / 2.0;
        return d * d;
    }
    case ART_ALPHA_NOMINAL:
    default:
        return 1.0;
    }
}

/* Alpha from a V x V coincidence matrix o; marg is scratch of V doubles. */
static double alpha_from_coincidences(const double *o, const double *vals, size_t nv,
                                      art_alpha_metric metric, double *marg)
{
    double n = 0.0;
    for (size_t c = 0; c < nv; c++) {
        marg[c] = 0.0;
        for (size_t k = 0; k < nv; k++)
            marg[c] += o[c * nv + k];
        n += marg[c];
    }
    if (n < 2.0)
        return NAN;
    double observed = 0.0, expected = 0.0;
    for (size_t c = 0; c < nv; c++)
        for (size_t k = 0; k < nv; k++) {
            double d = delta2(metric, vals, marg, c, k);
            observed += o[c * nv + k] * d;
            expected += marg[c] * marg[k] * d;
        }
    /* No variation at all: every coder used one value on every unit, so
     * agreement cannot be told from chance and alpha is undefined. */
    if (!(expected > 0.0))
        return NAN;
    return 1.0 - (n - 1.0) * observed / expected;
}

/* The matrix as value histograms of its pairable units. */
typedef struct alpha_data {
    double *vals;      /* distinct values, ascending */
    size_t nv;
    unsigned *hist;    /* npairable x nv counts */
    unsigned *m;       /* values per pairable unit (>= 2) */
    size_t npairable;
} alpha_data;

static void alpha_data_free(alpha_data *d)
{
    free(d->vals);
    free(d->hist);
    free(d->m);
    memset(d, 0, sizeof *d);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static size_t values_in_unit(const int *row, size_t nraters)
{
    size_t k = 0;
    for (size_t r = 0; r < nraters; r++)
        k += row[r] != ART_AGREE_MISSING;
    return k;
}

static bool alpha_data_build(const int *m, size_t nunits, size_t nraters, alpha_data *d)
{
    memset(d, 0, sizeof *d);
    if (nraters && nunits > SIZE_MAX / nraters)
        return false;
    /* Distinct values of the pairable units, ascending. */
    size_t total = 0;
    for (size_t u = 0; u < nunits; u++) {
        size_t k = values_in_unit(m + u * nraters, nraters);
        if (k >= 2) {
            total += k;
            d->npairable++;
        }
    }
    int *all = malloc((total ? total : 1) * sizeof *all);
    if (!all)
        return false;
    size_t t = 0;
    for (size_t u = 0; u < nunits; u++) {
        const int *row = m + u * nraters;
        if (values_in_unit(row, nraters) < 2)
            continue;
        for (size_t r = 0; r < nraters; r++)
            if (row[r] != ART_AGREE_MISSING)
                all[t++] = row[r];
    }
    qsort(all, total, sizeof *all, cmp_int);
    d->vals = malloc((total ? total : 1) * sizeof *d->vals);
    if (!d->vals) {
        free(all);
        return false;
    }
    for (size_t i = 0; i < total; i++)
        if (i == 0 || all[i] != all[i - 1])
            d->vals[d->nv++] = all[i];
    size_t cells = d->npairable * (d->nv ? d->nv : 1);
    d->hist = calloc(cells ? cells : 1, sizeof *d->hist);
    d->m = calloc(d->npairable ? d->npairable : 1, sizeof *d->m);
    if (!d->hist || !d->m) {
        free(all);
        alpha_data_free(d);
        return false;
    }
    size_t p = 0;
    for (size_t u = 0; u < nunits; u++) {
        const int *row = m + u * nraters;
        if (values_in_unit(row, nraters) < 2)
            continue;
        for (size_t r = 0; r < nraters; r++) {
            if (row[r] == ART_AGREE_MISSING)
                continue;
            /* The value's index in vals (ascending, distinct). */
            size_t lo = 0, hi = d->nv;
            while (hi - lo > 1) {
                size_t mid = (lo + hi) / 2;
                if (d->vals[mid] <= (double)row[r])
                    lo = mid;
                else
                    hi = mid;
            }
            d->hist[p * d->nv + lo]++;
            d->m[p]++;
        }
        p++;
    }
    free(all);
    return true;
}

/* Coincidences of the pairable units, unit p weighted by w[p] (w NULL: 1). */
static void coincidences(const alpha_data *d, const double *w, double *o)
{
    size_t nv = d->nv;
    memset(o, 0, nv * nv * sizeof *o);
    for (size_t p = 0; p < d->npairable; p++) {
        double wp = w ? w[p] : 1.0;
        if (wp == 0.0)
            continue;
        const unsigned *h = d->hist + p * nv;
        double scale = wp / (double)(d->m[p] - 1);
        for (size_t c = 0; c < nv; c++) {
            if (!h[c])
                continue;
            for (size_t k = 0; k < nv; k++)
                if (h[k])
                    o[c * nv + k] += scale * h[c] * (h[k] - (c == k));
        }
    }
}

static double alpha_of_data(const alpha_data *d, const double *w, art_alpha_metric metric,
                            double *o, double *marg)
{
    if (d->nv == 0)
        return NAN;
    coincidences(d, w, o);
    return alpha_from_coincidences(o, d->vals, d->nv, metric, marg);
}

double art_alpha(const int *m, size_t nunits, size_t nraters, art_alpha_metric metric)
{
    if (!m && nunits && nraters)
        return NAN;
    alpha_data d;
    if (!alpha_data_build(m, nunits, nraters, &d))
        return NAN;
    double result = NAN;
    size_t nv = d.nv ? d.nv : 1;
    double *o = malloc(nv * nv * sizeof *o), *marg = malloc(nv * sizeof *marg);
    if (o && marg)
        result = alpha_of_data(&d, NULL, metric, o, marg);
    free(o);
    free(marg);
    alpha_data_free(&d);
    return result;
}

double art_alpha_nominal(const int *m, size_t nunits, size_t nraters)
{
    return art_alpha(m, nunits, nraters, ART_ALPHA_NOMINAL);
}

double art_alpha_ordinal(const int *m, size_t nunits, size_t nraters)
{
    return art_alpha(m, nunits, nraters, ART_ALPHA_ORDINAL);
}

static size_t resamples_or_default(size_t r)
{
    return r ? r : DEFAULT_RESAMPLES;
}

static uint64_t seed_or_default(uint64_t s)
{
    return s ? s : DEFAULT_SEED;
}

art_status art_alpha_bootstrap(const int *m, size_t nunits, size_t nraters,
                               art_alpha_metric metric, size_t resamples, uint64_t seed,
                               double *lo, double *hi, art_error *err)
{
    *lo = *hi = NAN;
    if (!m && nunits && nraters)
        return art_error_set(err, ART_ERR_USAGE, "alpha bootstrap: no matrix");
    resamples = resamples_or_default(resamples);
    if (resamples > MAX_RESAMPLES)
        return art_error_set(err, ART_ERR_LIMIT, "alpha bootstrap: more than %d resamples",
                             MAX_RESAMPLES);
    alpha_data d;
    if (!alpha_data_build(m, nunits, nraters, &d))
        return art_error_set(err, ART_ERR_NOMEM, "alpha bootstrap: out of memory");
    size_t nv = d.nv ? d.nv : 1;
    double *o = malloc(nv * nv * sizeof *o), *marg = malloc(nv * sizeof *marg);
    double *w = malloc((d.npairable ? d.npairable : 1) * sizeof *w);
    double *alphas = malloc(resamples * sizeof *alphas);
    art_status st = ART_OK;
    if (!o || !marg || !w || !alphas) {
        st = art_error_set(err, ART_ERR_NOMEM, "alpha bootstrap: out of memory");
    } else if (d.npairable > 0) {
        prng rng = {seed_or_default(seed)};
        for (size_t b = 0; b < resamples; b++) {
            draw_weights(&rng, d.npairable, w);
            alphas[b] = alpha_of_data(&d, w, metric, o, marg);
        }
        interval_of(alphas, resamples, lo, hi);
    }
    free(o);
    free(marg);
    free(w);
    free(alphas);
    alpha_data_free(&d);
    return st;
}

/* ------------------------------------------------------------------ */
/* Kappas and labels                                                    */
/* ------------------------------------------------------------------ */

double art_cohen_kappa(const long *table, size_t k)
{
    if (!table || k == 0)
        return NAN;
    double n = 0.0, agree = 0.0, chance = 0.0;
    for (size_t i = 0; i < k * k; i++) {
        if (table[i] < 0)
            return NAN;
        n += (double)table[i];
    }
    if (n <= 0.0)
        return NAN;
    for (size_t c = 0; c < k; c++) {
        double row = 0.0, col = 0.0;
        for (size_t j = 0; j < k; j++) {
            row += (double)table[c * k + j];
            col += (double)table[j * k + c];
        }
        agree += (double)table[c * k + c];
        chance += (row / n) * (col / n);
    }
    double po = agree / n;
    /* Both coders used one and the same category throughout: chance
     * agreement is total and kappa is 0/0. */
    if (chance >= 1.0 - 1e-12)
        return NAN;
    return (po - chance) / (1.0 - chance);
}

double art_fleiss_kappa(const long *counts, size_t nsubjects, size_t ncategories)
{
    if (!counts || nsubjects == 0 || ncategories == 0)
        return NAN;
    long raters = -1;
    double pbar = 0.0;
    double *pj = calloc(ncategories, sizeof *pj);
    if (!pj)
        return NAN;
    for (size_t i = 0; i < nsubjects; i++) {
        const long *row = counts + i * ncategories;
        long ni = 0;
        double sq = 0.0;
        for (size_t j = 0; j < ncategories; j++) {
            if (row[j] < 0) {
                free(pj);
                return NAN;
            }
            ni += row[j];
            sq += (double)row[j] * (double)row[j];
            pj[j] += (double)row[j];
        }
        if (raters < 0)
            raters = ni;
        if (ni != raters || ni < 2) {
            free(pj);
            return NAN;
        }
        pbar += (sq - (double)ni) / ((double)ni * (double)(ni - 1));
    }
    pbar /= (double)nsubjects;
    double total = (double)nsubjects * (double)raters, pe = 0.0;
    for (size_t j = 0; j < ncategories; j++) {
        double p = pj[j] / total;
        pe += p * p;
    }
    free(pj);
    if (pe >= 1.0 - 1e-12)
        return NAN;
    return (pbar - pe) / (1.0 - pe);
}

art_reliability art_alpha_reliability(double alpha)
{
    if (isnan(alpha))
        return ART_RELIABILITY_NA;
    if (alpha < 0.667)
        return ART_RELIABILITY_UNRELIABLE;
    if (alpha < 0.8)
        return ART_RELIABILITY_TENTATIVE;
    return ART_RELIABILITY_RELIABLE;
}

const char *art_reliability_id(art_reliability r)
{
    switch (r) {
    case ART_RELIABILITY_UNRELIABLE: return "unreliable";
    case ART_RELIABILITY_TENTATIVE: return "tentative";
    case ART_RELIABILITY_RELIABLE: return "reliable";
    case ART_RELIABILITY_NA:
    default: return "n/a";
    }
}

const char *art_kappa_band(double kappa)
{
    if (isnan(kappa))
        return "n/a";
    if (kappa < 0.0)
        return "poor";
    if (kappa <= 0.20)
        return "slight";
    if (kappa <= 0.40)
        return "fair";
    if (kappa <= 0.60)
        return "moderate";
    if (kappa <= 0.80)
        return "substantial";
    return "almost perfect";
}

/* ------------------------------------------------------------------ */
/* Agreement of a coding matrix                                         */
/* ------------------------------------------------------------------ */

/* The matrix reduced to what the statistics need, for the chosen coders
 * and the units kept: for each unit, how many coders gave a value (m) and
 * who did (has); for each unit and code, how many applied it (n1). */
typedef struct reduced {
    const art_coding_matrix *src;
    size_t *coder;          /* nsel indices into src->coders */
    size_t nsel;
    size_t *unit;           /* nunits indices into src units */
    size_t nunits;
    unsigned *m;            /* nunits */
    unsigned *n1;           /* nunits x ncodes */
    size_t ncodes;
} reduced;

static void reduced_free(reduced *r)
{
    free(r->coder);
    free(r->unit);
    free(r->m);
    free(r->n1);
}

static signed char value_of(const art_coding_matrix *m, size_t u, size_t c, size_t k)
{
    return m->value[(u * m->ncoders + c) * m->ncodes + k];
}

static art_status select_coders(const art_coding_matrix *m, const art_agreement_opts *o,
                                reduced *r, art_error *err)
{
    size_t want = o->coders ? o->ncoders : m->ncoders;
    r->coder = calloc(want ? want : 1, sizeof *r->coder);
    if (!r->coder)
        return art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
    if (!o->coders) {
        for (size_t c = 0; c < m->ncoders; c++)
            r->coder[r->nsel++] = c;
        return ART_OK;
    }
    for (size_t i = 0; i < o->ncoders; i++) {
        size_t c = 0;
        while (c < m->ncoders && strcmp(m->coders[c], o->coders[i]) != 0)
            c++;
        if (c == m->ncoders)
            return art_error_set(err, ART_ERR_NOTFOUND, "agreement: no codings by coder '%s'",
                                 o->coders[i]);
        for (size_t j = 0; j < r->nsel; j++)
            if (r->coder[j] == c)
                return art_error_set(err, ART_ERR_USAGE, "agreement: coder '%s' named twice",
                                     o->coders[i]);
        r->coder[r->nsel++] = c;
    }
    return ART_OK;
}

/* Keep the units at least one chosen coder gave a value, minus the
 * uncoded ones when asked; count both kinds. */
static art_status select_units(const art_coding_matrix *m, const art_agreement_opts *o,
                               reduced *r, art_agreement *a, art_error *err)
{
    r->ncodes = m->ncodes;
    size_t cells = m->nunits * (m->ncodes ? m->ncodes : 1);
    if (m->ncodes && cells / m->ncodes != m->nunits)
        return art_error_set(err, ART_ERR_LIMIT, "agreement: too many units x codes");
    r->unit = calloc(m->nunits ? m->nunits : 1, sizeof *r->unit);
    r->m = calloc(m->nunits ? m->nunits : 1, sizeof *r->m);
    r->n1 = calloc(cells ? cells : 1, sizeof *r->n1);
    if (!r->unit || !r->m || !r->n1)
        return art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
    for (size_t u = 0; u < m->nunits; u++) {
        unsigned valued = 0, applied = 0;
        unsigned *n1 = r->n1 + r->nunits * m->ncodes;
        for (size_t i = 0; i < r->nsel; i++) {
            size_t c = r->coder[i];
            if (m->ncodes == 0 || value_of(m, u, c, 0) < 0)
                continue;
            valued++;
            for (size_t k = 0; k < m->ncodes; k++)
                if (value_of(m, u, c, k) > 0) {
                    n1[k]++;
                    applied++;
                }
        }
        if (valued == 0)
            continue;
        if (applied == 0) {
            if (o->exclude_uncoded) {
                a->excluded++;
                memset(n1, 0, m->ncodes * sizeof *n1);
                continue;
            }
            a->uncoded++;
        }
        r->unit[r->nunits] = u;
        r->m[r->nunits] = valued;
        r->nunits++;
    }
    a->units = r->nunits;
    return ART_OK;
}

static bool has_value(const reduced *r, size_t i, size_t sel)
{
    return r->src->ncodes && value_of(r->src, r->unit[i], r->coder[sel], 0) >= 0;
}

static bool applied(const reduced *r, size_t i, size_t sel, size_t k)
{
    return value_of(r->src, r->unit[i], r->coder[sel], k) > 0;
}

static void pair_finish(art_pair_agreement *p)
{
    p->units = p->both + p->only_a + p->only_b + p->neither;
    if (p->units == 0) {
        p->percent = p->kappa = NAN;
        return;
    }
    p->percent = 100.0 * (double)(p->both + p->neither) / (double)p->units;
    long t[4] = {(long)p->both, (long)p->only_a, (long)p->only_b, (long)p->neither};
    p->kappa = art_cohen_kappa(t, 2);
}

/* The 2x2 table of coders a and b on code k, added into the code's and
 * the overall pair. */
static void tally_pair(const reduced *r, size_t a, size_t b, size_t k, art_pair_agreement *p,
                       art_pair_agreement *all)
{
    for (size_t i = 0; i < r->nunits; i++) {
        if (!has_value(r, i, a) || !has_value(r, i, b))
            continue;
        bool x = applied(r, i, a, k), y = applied(r, i, b, k);
        size_t *cell = x && y ? &p->both : x ? &p->only_a : y ? &p->only_b : &p->neither;
        size_t *acell = x && y ? &all->both : x ? &all->only_a : y ? &all->only_b : &all->neither;
        (*cell)++;
        (*acell)++;
    }
}

/* Fleiss' kappa over the units every chosen coder valued, for the codes
 * [k0, k1): each (unit, code) is a subject rated absent/present. */
static double fleiss_of(const reduced *r, size_t k0, size_t k1)
{
    if (r->nsel < 3)
        return NAN;
    size_t n = 0;
    for (size_t i = 0; i < r->nunits; i++)
        n += r->m[i] == r->nsel;
    n *= k1 - k0;
    if (n == 0)
        return NAN;
    long *t = malloc(n * 2 * sizeof *t);
    if (!t)
        return NAN;
    size_t s = 0;
    for (size_t k = k0; k < k1; k++)
        for (size_t i = 0; i < r->nunits; i++) {
            if (r->m[i] != r->nsel)
                continue;
            unsigned yes = r->n1[i * r->ncodes + k];
            t[s * 2] = (long)(r->nsel - yes);
            t[s * 2 + 1] = (long)yes;
            s++;
        }
    double kappa = art_fleiss_kappa(t, n, 2);
    free(t);
    return kappa;
}

/* Binary alpha sums: o01 (one off-diagonal coincidence), n0, n1. */
typedef struct binsum {
    double o01, n0, n1;
} binsum;

static double binary_alpha(binsum s)
{
    double n = s.n0 + s.n1;
    if (n < 2.0 || !(s.n0 > 0.0 && s.n1 > 0.0))
        return NAN;
    return 1.0 - (n - 1.0) * s.o01 / (s.n0 * s.n1);
}

/* For the bootstrap: per code, the pairable units that carry the code at
 * least once (the others only add absences, accounted for in bulk). */
typedef struct sparse_code {
    size_t *unit;   /* index among the pairable units */
    unsigned *n1;
    size_t n;
} sparse_code;

typedef struct boot {
    size_t *pairable;   /* indices into the reduced units with m >= 2 */
    size_t npairable;
    sparse_code *codes;
    size_t ncodes;
} boot;

static void boot_free(boot *b)
{
    for (size_t k = 0; b->codes && k < b->ncodes; k++) {
        free(b->codes[k].unit);
        free(b->codes[k].n1);
    }
    free(b->codes);
    free(b->pairable);
}

static bool boot_build(const reduced *r, boot *b)
{
    memset(b, 0, sizeof *b);
    b->ncodes = r->ncodes;
    b->pairable = calloc(r->nunits ? r->nunits : 1, sizeof *b->pairable);
    b->codes = calloc(r->ncodes ? r->ncodes : 1, sizeof *b->codes);
    if (!b->pairable || !b->codes)
        return false;
    for (size_t i = 0; i < r->nunits; i++)
        if (r->m[i] >= 2)
            b->pairable[b->npairable++] = i;
    for (size_t k = 0; k < r->ncodes; k++) {
        sparse_code *sc = &b->codes[k];
        sc->unit = calloc(b->npairable ? b->npairable : 1, sizeof *sc->unit);
        sc->n1 = calloc(b->npairable ? b->npairable : 1, sizeof *sc->n1);
        if (!sc->unit || !sc->n1)
            return false;
        for (size_t p = 0; p < b->npairable; p++) {
            unsigned n1 = r->n1[b->pairable[p] * r->ncodes + k];
            if (n1) {
                sc->unit[sc->n] = p;
                sc->n1[sc->n] = n1;
                sc->n++;
            }
        }
    }
    return true;
}

/* Binary alpha sums of code k with pairable unit p weighted w[p]; `values`
 * is sum(w[p] * m[p]), the same for every code. */
static binsum code_sums(const reduced *r, const boot *b, size_t k, const double *w, double values)
{
    binsum s = {0.0, 0.0, 0.0};
    const sparse_code *sc = &b->codes[k];
    for (size_t j = 0; j < sc->n; j++) {
        size_t p = sc->unit[j];
        double wp = w ? w[p] : 1.0;
        double m = r->m[b->pairable[p]], n1 = sc->n1[j];
        s.o01 += wp * n1 * (m - n1) / (m - 1.0);
        s.n1 += wp * n1;
    }
    s.n0 = values - s.n1;
    return s;
}

static double weighted_values(const reduced *r, const boot *b, const double *w)
{
    double v = 0.0;
    for (size_t p = 0; p < b->npairable; p++)
        v += (w ? w[p] : 1.0) * r->m[b->pairable[p]];
    return v;
}

/* Alpha per code and overall, and their bootstrap intervals.  Every code
 * sees the same resamples of units, so the overall interval is consistent
 * with the per-code ones. */
static art_status alphas(const reduced *r, art_agreement *a, art_error *err)
{
    boot b;
    size_t K = r->ncodes, B = a->resamples;
    double *w = NULL, *draws = NULL;
    art_status st = ART_OK;
    if (!boot_build(r, &b) || !(w = malloc((b.npairable ? b.npairable : 1) * sizeof *w)) ||
        !(draws = malloc((K + 1) * B * sizeof *draws))) {
        st = art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
        goto done;
    }
    double values = weighted_values(r, &b, NULL);
    binsum total = {0.0, 0.0, 0.0};
    for (size_t k = 0; k < K; k++) {
        binsum s = code_sums(r, &b, k, NULL, values);
        a->codes[k].alpha = binary_alpha(s);
        total.o01 += s.o01;
        total.n0 += s.n0;
        total.n1 += s.n1;
    }
    a->overall.alpha = binary_alpha(total);
    if (b.npairable > 0) {
        prng rng = {a->seed};
        for (size_t i = 0; i < B; i++) {
            draw_weights(&rng, b.npairable, w);
            double v = weighted_values(r, &b, w);
            binsum t = {0.0, 0.0, 0.0};
            for (size_t k = 0; k < K; k++) {
                binsum s = code_sums(r, &b, k, w, v);
                draws[k * B + i] = binary_alpha(s);
                t.o01 += s.o01;
                t.n0 += s.n0;
                t.n1 += s.n1;
            }
            draws[K * B + i] = binary_alpha(t);
        }
    }
    for (size_t k = 0; k <= K; k++) {
        art_code_agreement *c = k < K ? &a->codes[k] : &a->overall;
        c->alpha_lo = c->alpha_hi = NAN;
        /* An interval around an undefined alpha would mislead. */
        if (b.npairable > 0 && !isnan(c->alpha))
            interval_of(draws + k * B, B, &c->alpha_lo, &c->alpha_hi);
        c->reliability = art_alpha_reliability(c->alpha);
    }
done:
    free(w);
    free(draws);
    boot_free(&b);
    return st;
}

static art_status alloc_code(art_code_agreement *c, const char *code, size_t npairs,
                             art_error *err)
{
    c->code = art_strdup(code);
    c->npairs = npairs;
    c->pairs = calloc(npairs ? npairs : 1, sizeof *c->pairs);
    c->fleiss = c->alpha = c->alpha_lo = c->alpha_hi = NAN;
    if (!c->code || !c->pairs)
        return art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
    return ART_OK;
}

static art_status fill_codes(const reduced *r, art_agreement *a, art_error *err)
{
    size_t npairs = r->nsel >= 2 ? r->nsel * (r->nsel - 1) / 2 : 0;
    a->codes = calloc(r->ncodes ? r->ncodes : 1, sizeof *a->codes);
    if (!a->codes)
        return art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
    art_status st = alloc_code(&a->overall, ALL_CODES, npairs, err);
    for (size_t k = 0; st == ART_OK && k < r->ncodes; k++) {
        st = alloc_code(&a->codes[k], r->src->codes[k], npairs, err);
        a->ncodes++;
    }
    if (st != ART_OK)
        return st;
    for (size_t k = 0; k < r->ncodes; k++) {
        art_code_agreement *c = &a->codes[k];
        for (size_t i = 0; i < r->nunits; i++) {
            c->units += r->m[i] >= 1;
            c->pairable += r->m[i] >= 2;
            c->applied += r->n1[i * r->ncodes + k];
        }
        a->overall.units += c->units;
        a->overall.pairable += c->pairable;
        a->overall.applied += c->applied;
        size_t p = 0;
        for (size_t x = 0; x < r->nsel; x++)
            for (size_t y = x + 1; y < r->nsel; y++, p++) {
                c->pairs[p].a = a->overall.pairs[p].a = x;
                c->pairs[p].b = a->overall.pairs[p].b = y;
                tally_pair(r, x, y, k, &c->pairs[p], &a->overall.pairs[p]);
            }
        for (p = 0; p < npairs; p++)
            pair_finish(&c->pairs[p]);
        c->fleiss = fleiss_of(r, k, k + 1);
    }
    if (r->ncodes == 0) { /* still name the pairs */
        size_t p = 0;
        for (size_t x = 0; x < r->nsel; x++)
            for (size_t y = x + 1; y < r->nsel; y++, p++) {
                a->overall.pairs[p].a = x;
                a->overall.pairs[p].b = y;
            }
    }
    for (size_t p = 0; p < npairs; p++)
        pair_finish(&a->overall.pairs[p]);
    a->overall.fleiss = fleiss_of(r, 0, r->ncodes);
    return ART_OK;
}

static art_status copy_coders(const reduced *r, art_agreement *a, art_error *err)
{
    a->coders = calloc(r->nsel ? r->nsel : 1, sizeof *a->coders);
    if (!a->coders)
        return art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
    for (size_t i = 0; i < r->nsel; i++) {
        if (!(a->coders[i] = art_strdup(r->src->coders[r->coder[i]])))
            return art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
        a->ncoders++;
    }
    return ART_OK;
}

static art_status check_matrix(const art_coding_matrix *m, const art_agreement_opts *o,
                               art_error *err)
{
    if (!m || (m->ncoders && !m->coders) || (m->ncodes && !m->codes))
        return art_error_set(err, ART_ERR_USAGE, "agreement: no coding matrix");
    if (m->nunits && m->ncoders && m->ncodes && !m->value)
        return art_error_set(err, ART_ERR_USAGE, "agreement: coding matrix without values");
    if (m->ncoders && m->ncodes && m->nunits > SIZE_MAX / m->ncoders / m->ncodes)
        return art_error_set(err, ART_ERR_LIMIT, "agreement: coding matrix too large");
    for (size_t i = 0; i < m->ncoders; i++)
        if (!m->coders[i])
            return art_error_set(err, ART_ERR_USAGE, "agreement: coder %zu has no name", i);
    for (size_t k = 0; k < m->ncodes; k++)
        if (!m->codes[k])
            return art_error_set(err, ART_ERR_USAGE, "agreement: code %zu has no path", k);
    if (o && o->coders && o->ncoders == 0)
        return art_error_set(err, ART_ERR_USAGE, "agreement: an empty list of coders");
    if (o && o->resamples > MAX_RESAMPLES)
        return art_error_set(err, ART_ERR_LIMIT, "agreement: more than %d resamples",
                             MAX_RESAMPLES);
    return ART_OK;
}

art_status art_agreement_compute(const art_coding_matrix *m, const art_agreement_opts *opts,
                                 art_agreement **out, art_error *err)
{
    *out = NULL;
    art_agreement_opts defaults = {0};
    const art_agreement_opts *o = opts ? opts : &defaults;
    art_status st = check_matrix(m, o, err);
    if (st != ART_OK)
        return st;
    art_agreement *a = calloc(1, sizeof *a);
    if (!a)
        return art_error_set(err, ART_ERR_NOMEM, "agreement: out of memory");
    a->exclude_uncoded = o->exclude_uncoded;
    a->resamples = resamples_or_default(o->resamples);
    a->seed = seed_or_default(o->seed);
    reduced r = {.src = m};
    if ((st = select_coders(m, o, &r, err)) == ART_OK &&
        (st = select_units(m, o, &r, a, err)) == ART_OK &&
        (st = copy_coders(&r, a, err)) == ART_OK && (st = fill_codes(&r, a, err)) == ART_OK)
        st = alphas(&r, a, err);
    reduced_free(&r);
    if (st != ART_OK) {
        art_agreement_free(a);
        return st;
    }
    *out = a;
    return ART_OK;
}

static void code_clear(art_code_agreement *c)
{
    free(c->code);
    free(c->pairs);
}

void art_agreement_free(art_agreement *a)
{
    if (!a)
        return;
    free(a->site);
    free(a->round);
    for (size_t i = 0; i < a->ncoders; i++)
        free(a->coders[i]);
    free(a->coders);
    for (size_t k = 0; k < a->ncodes; k++)
        code_clear(&a->codes[k]);
    free(a->codes);
    code_clear(&a->overall);
    free(a);
}

/* ------------------------------------------------------------------ */
/* Writers                                                              */
/* ------------------------------------------------------------------ */

static void put_num(FILE *f, double v, const char *fmt, const char *missing)
{
    if (isnan(v))
        fputs(missing, f);
    else
        fprintf(f, fmt, v);
}

/* Pad to a display width counted in code points (code paths are UTF-8). */
static void put_padded(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    long n = art_utf8_count(s, strlen(s));
    for (long i = n; i < (long)width; i++)
        fputc(' ', f);
}

static size_t code_width(const art_agreement *a)
{
    size_t w = strlen(ALL_CODES);
    for (size_t k = 0; k < a->ncodes; k++) {
        size_t n = (size_t)art_utf8_count(a->codes[k].code, strlen(a->codes[k].code));
        if (n > w)
            w = n;
    }
    return w;
}

static size_t pair_width(const art_agreement *a)
{
    size_t w = strlen("Coders");
    for (size_t x = 0; x < a->ncoders; x++)
        for (size_t y = x + 1; y < a->ncoders; y++) {
            size_t n = (size_t)(art_utf8_count(a->coders[x], strlen(a->coders[x])) +
                                art_utf8_count(a->coders[y], strlen(a->coders[y]))) + 3;
            if (n > w)
                w = n;
        }
    return w;
}

static void text_header(const art_agreement *a, FILE *f)
{
    fprintf(f, "Agreement between coders");
    if (a->site)
        fprintf(f, ": site %s", a->site);
    if (a->round)
        fprintf(f, ", round %s", a->round);
    fprintf(f, "\nCoders (%zu):", a->ncoders);
    for (size_t i = 0; i < a->ncoders; i++)
        fprintf(f, "%s %s", i ? "," : "", a->coders[i]);
    fprintf(f, "\nUnits: %zu segment%s", a->units, a->units == 1 ? "" : "s");
    if (a->site)
        fprintf(f, " of %zu interview transcript%s", a->transcripts,
                a->transcripts == 1 ? "" : "s");
    if (a->exclude_uncoded)
        fprintf(f, "; uncoded text excluded (%zu segment%s no compared coder coded left out)\n",
                a->excluded, a->excluded == 1 ? "" : "s");
    else
        fprintf(f, "; uncoded text included (%zu segment%s no compared coder coded, counted "
                   "as absent for every code)\n",
                a->uncoded, a->uncoded == 1 ? "" : "s");
    fprintf(f, "Alpha: Krippendorff's, nominal (code present or absent); 95%% CI from %zu "
               "bootstrap resamples of units (seed %llu)\n",
            a->resamples, (unsigned long long)a->seed);
    fprintf(f, "Alpha >= 0.800 reliable, 0.667 to 0.800 tentative, below 0.667 unreliable; "
               "kappa bands after Landis & Koch\n");
    if (a->ncoders < 2)
        fprintf(f, "Only %zu coder: agreement needs two or more.\n", a->ncoders);
    fputc('\n', f);
}

static void text_row(const art_agreement *a, const art_code_agreement *c, FILE *f, size_t cw,
                     size_t pw)
{
    bool fleiss = a->ncoders >= 3;
    size_t rows = c->npairs ? c->npairs : 1;
    for (size_t i = 0; i < rows; i++) {
        const art_pair_agreement *p = c->npairs ? &c->pairs[i] : NULL;
        put_padded(f, i == 0 ? c->code : "", cw);
        if (i == 0)
            fprintf(f, "  %6zu  ", c->units);
        else
            fprintf(f, "  %6s  ", "");
        char pair[1024] = "-";
        if (p)
            snprintf(pair, sizeof pair, "%s / %s", a->coders[p->a], a->coders[p->b]);
        put_padded(f, pair, pw);
        fputs("  ", f);
        put_num(f, p ? p->percent : NAN, "%6.1f%%", "   n/a ");
        fputs("  ", f);
        put_num(f, p ? p->kappa : NAN, "%6.3f", "   n/a");
        if (i > 0) { /* the code's own columns only on its first row */
            fprintf(f, "  %s\n", art_kappa_band(p->kappa));
            continue;
        }
        fprintf(f, "  %-14s", art_kappa_band(p ? p->kappa : NAN));
        if (fleiss) {
            fputs("  ", f);
            put_num(f, c->fleiss, "%6.3f", "   n/a");
        }
        fputs("  ", f);
        put_num(f, c->alpha, "%6.3f", "   n/a");
        if (isnan(c->alpha_lo))
            fprintf(f, "  %-16s", "n/a");
        else
            fprintf(f, "  [%6.3f, %6.3f]", c->alpha_lo, c->alpha_hi);
        fprintf(f, "  %s\n", art_reliability_id(c->reliability));
    }
}

static void write_text(const art_agreement *a, FILE *f)
{
    text_header(a, f);
    size_t cw = code_width(a), pw = pair_width(a);
    put_padded(f, "Code", cw);
    fprintf(f, "  %6s  ", "Units");
    put_padded(f, "Coders", pw);
    fprintf(f, "  %7s  %6s  %-14s", "Agree", "Kappa", "Band");
    if (a->ncoders >= 3)
        fprintf(f, "  %6s", "Fleiss");
    fprintf(f, "  %6s  %-16s  %s\n", "Alpha", "95% CI", "Reliability");
    for (size_t k = 0; k < a->ncodes; k++)
        text_row(a, &a->codes[k], f, cw, pw);
    if (a->ncodes == 0)
        fprintf(f, "(no codes)\n");
    text_row(a, &a->overall, f, cw, pw);
}

/* RFC 4180 field: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_rows(const art_agreement *a, const art_code_agreement *c, bool overall, FILE *f)
{
    size_t rows = c->npairs ? c->npairs : 1;
    for (size_t i = 0; i < rows; i++) {
        const art_pair_agreement *p = c->npairs ? &c->pairs[i] : NULL;
        fputs(overall ? "overall," : "code,", f);
        csv_field(f, overall ? "" : c->code);
        fputc(',', f);
        if (p) {
            csv_field(f, a->coders[p->a]);
            fputc(',', f);
            csv_field(f, a->coders[p->b]);
            fprintf(f, ",%zu,%zu,%zu,%zu,%zu,", p->units, p->both, p->only_a, p->only_b,
                    p->neither);
        } else {
            fputs(",,,,,,,", f);
        }
        put_num(f, p ? p->percent : NAN, "%.2f", "");
        fputc(',', f);
        put_num(f, p ? p->kappa : NAN, "%.4f", "");
        fprintf(f, ",%s,%zu,%zu,%zu,", art_kappa_band(p ? p->kappa : NAN), c->units, c->pairable,
                c->applied);
        put_num(f, c->fleiss, "%.4f", "");
        fputc(',', f);
        put_num(f, c->alpha, "%.4f", "");
        fputc(',', f);
        put_num(f, c->alpha_lo, "%.4f", "");
        fputc(',', f);
        put_num(f, c->alpha_hi, "%.4f", "");
        fprintf(f, ",%s\n", art_reliability_id(c->reliability));
    }
}

static void write_csv(const art_agreement *a, FILE *f)
{
    fputs("scope,code,coder_a,coder_b,pair_units,both,only_a,only_b,neither,"
          "percent_agreement,cohen_kappa,kappa_band,units,pairable_units,applied,"
          "fleiss_kappa,alpha,alpha_ci_low,alpha_ci_high,reliability\n",
          f);
    for (size_t k = 0; k < a->ncodes; k++)
        csv_rows(a, &a->codes[k], false, f);
    csv_rows(a, &a->overall, true, f);
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p == '\r')
            fputs("\\r", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_num(FILE *f, double v, const char *fmt)
{
    put_num(f, v, fmt, "null");
}

static void json_code(const art_agreement *a, const art_code_agreement *c, bool with_code, FILE *f,
                      const char *ind)
{
    fprintf(f, "{\n");
    if (with_code) {
        fprintf(f, "%s  \"code\": ", ind);
        json_string(f, c->code);
        fputs(",\n", f);
    }
    fprintf(f, "%s  \"units\": %zu,\n%s  \"pairable_units\": %zu,\n%s  \"applied\": %zu,\n", ind,
            c->units, ind, c->pairable, ind, c->applied);
    fprintf(f, "%s  \"alpha\": ", ind);
    json_num(f, c->alpha, "%.4f");
    fprintf(f, ",\n%s  \"alpha_ci\": ", ind);
    if (isnan(c->alpha_lo)) {
        fputs("null", f);
    } else {
        fprintf(f, "[%.4f, %.4f]", c->alpha_lo, c->alpha_hi);
    }
    fprintf(f, ",\n%s  \"reliability\": \"%s\",\n%s  \"fleiss_kappa\": ", ind,
            art_reliability_id(c->reliability), ind);
    json_num(f, c->fleiss, "%.4f");
    fprintf(f, ",\n%s  \"pairs\": [", ind);
    for (size_t i = 0; i < c->npairs; i++) {
        const art_pair_agreement *p = &c->pairs[i];
        fprintf(f, "%s\n%s    {\"coders\": [", i ? "," : "", ind);
        json_string(f, a->coders[p->a]);
        fputs(", ", f);
        json_string(f, a->coders[p->b]);
        fprintf(f, "], \"units\": %zu, \"both\": %zu, \"only_a\": %zu, \"only_b\": %zu, "
                   "\"neither\": %zu, \"percent_agreement\": ",
                p->units, p->both, p->only_a, p->only_b, p->neither);
        json_num(f, p->percent, "%.2f");
        fputs(", \"cohen_kappa\": ", f);
        json_num(f, p->kappa, "%.4f");
        fprintf(f, ", \"kappa_band\": \"%s\"}", art_kappa_band(p->kappa));
    }
    if (c->npairs)
        fprintf(f, "\n%s  ", ind);
    fprintf(f, "]\n%s}", ind);
}

static void write_json(const art_agreement *a, FILE *f)
{
    fputs("{\n  \"site\": ", f);
    if (a->site)
        json_string(f, a->site);
    else
        fputs("null", f);
    fputs(",\n  \"round\": ", f);
    if (a->round)
        json_string(f, a->round);
    else
        fputs("null", f);
    fputs(",\n  \"coders\": [", f);
    for (size_t i = 0; i < a->ncoders; i++) {
        fputs(i ? ", " : "", f);
        json_string(f, a->coders[i]);
    }
    fprintf(f, "],\n  \"exclude_uncoded\": %s,\n  \"units\": %zu,\n  \"uncoded_units\": %zu,\n"
               "  \"excluded_units\": %zu,\n  \"transcripts\": %zu,\n",
            a->exclude_uncoded ? "true" : "false", a->units, a->uncoded, a->excluded,
            a->transcripts);
    fprintf(f, "  \"alpha_metric\": \"nominal\",\n"
               "  \"bootstrap\": {\"resamples\": %zu, \"seed\": %llu, \"percentiles\": [2.5, 97.5]},\n"
               "  \"thresholds\": {\"tentative\": 0.667, \"reliable\": 0.8},\n  \"overall\": ",
            a->resamples, (unsigned long long)a->seed);
    json_code(a, &a->overall, false, f, "  ");
    fputs(",\n  \"codes\": [", f);
    for (size_t k = 0; k < a->ncodes; k++) {
        fputs(k ? ", " : "", f);
        json_code(a, &a->codes[k], true, f, "  ");
    }
    fputs("]\n}\n", f);
}

art_status art_agreement_write(const art_agreement *a, const char *format, FILE *out,
                               art_error *err)
{
    if (!a || !out)
        return art_error_set(err, ART_ERR_USAGE, "agreement: nothing to write");
    if (!format || strcmp(format, "text") == 0)
        write_text(a, out);
    else if (strcmp(format, "csv") == 0)
        write_csv(a, out);
    else if (strcmp(format, "json") == 0)
        write_json(a, out);
    else
        return art_error_set(err, ART_ERR_USAGE,
                             "agreement: unknown format '%s' (expected text, csv or json)", format);
    if (fflush(out) != 0 || ferror(out))
        return art_error_set(err, ART_ERR_IO, "agreement: cannot write the output");
    return ART_OK;
}
