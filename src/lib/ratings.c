/* Ratings (self and external judgements on the rubric's levels) and
 * critical friends' reviews: parsing and the per-dimension summary.
 * See docs/ratings.md for the file format and the rules applied here. */
#include "csv.h"
#include "internal.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Limits on a ratings file: a round has a handful of raters and a dozen
 * dimensions, so these are generous, and stop a hostile file early. */
#define RATINGS_MAX_ROWS 10000u
#define RATINGS_MAX_NAME 200u        /* bytes in a rater name or dimension id */
#define RATINGS_MAX_RATIONALE 8000u  /* bytes in a rationale */

/* Bootstrap of the raters' alpha: as many resamples and the same seed as
 * `artefact agreement`, so equal ratings always give equal intervals. */
#define RATINGS_RESAMPLES 1000u
#define RATINGS_SEED 20110101u

const char *art_rater_role_id(art_rater_role r)
{
    return r == ART_ROLE_EXTERNAL ? "external" : "self";
}

/* "self"; "external", "critical friend" (also with - or _): any case. */
int art_rater_role_from_id(const char *id, art_rater_role *out)
{
    static const struct { const char *id; art_rater_role role; } names[] = {
        {"self", ART_ROLE_SELF},
        {"external", ART_ROLE_EXTERNAL},
        {"critical friend", ART_ROLE_EXTERNAL},
        {"critical-friend", ART_ROLE_EXTERNAL},
        {"critical_friend", ART_ROLE_EXTERNAL}};
    for (size_t i = 0; id && i < sizeof names / sizeof names[0]; i++)
        if (art_strcasecmp_ascii(id, names[i].id) == 0) {
            *out = names[i].role;
            return 0;
        }
    return -1;
}

const char *art_review_kind_id(art_review_kind k)
{
    return k == ART_REVIEW_OVERRIDE ? "override" : "annotation";
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

enum { COL_RATER, COL_ROLE, COL_DIMENSION, COL_LEVEL, COL_RATIONALE, NCOLS };
static const char *const col_names[NCOLS] = {"rater", "role", "dimension", "level", "rationale"};

typedef struct rating_list {
    art_rating *items;
    size_t n, cap;
    long *lines;        /* line of each rating, for "already rated on line N" */
} rating_list;

/* A copy of s without leading and trailing white space. */
static char *trimmed_copy(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return art_strndup(s, n);
}

/* Which header field names which column; -1 where a column is absent. */
static art_status map_header(const art_csv *r, int col[NCOLS], const char *name, art_error *err)
{
    for (int k = 0; k < NCOLS; k++)
        col[k] = -1;
    for (size_t i = 0; i < r->nfields; i++) {
        char *h = trimmed_copy(r->fields[i]);
        if (!h)
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        for (int k = 0; k < NCOLS; k++) {
            if (art_strcasecmp_ascii(h, col_names[k]) != 0)
                continue;
            if (col[k] >= 0) {
                free(h);
                return art_error_set(err, ART_ERR_FORMAT, "%s:%ld: the column '%s' appears twice",
                                     name, r->record_line, col_names[k]);
            }
            col[k] = (int)i;
        }
        free(h);
    }
    for (int k = 0; k < COL_RATIONALE; k++)
        if (col[k] < 0)
            return art_error_set(err, ART_ERR_UNSUPPORTED,
                                 "%s:%ld: not a ratings file: the header has no '%s' column "
                                 "(expected rater, role, dimension, level and optionally "
                                 "rationale)",
                                 name, r->record_line, col_names[k]);
    return ART_OK;
}

/* A whole number 1..5, white space around it allowed. */
static int parse_level(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    if (*s < '1' || *s > '5')
        return 0;
    int v = *s++ - '0';
    while (isspace((unsigned char)*s))
        s++;
    return *s ? 0 : v;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return true;
    return false;
}

/* A required short field of the current row: trimmed, non-empty, one line. */
static art_status short_field(const art_csv *r, int col, const char *what, char **out,
                              const char *name, art_error *err)
{
    *out = NULL;
    const char *v = (size_t)col < r->nfields ? r->fields[col] : "";
    if (strlen(v) > RATINGS_MAX_NAME)
        return art_error_set(err, ART_ERR_LIMIT, "%s:%ld: the %s is longer than %u bytes", name,
                             r->record_line, what, RATINGS_MAX_NAME);
    if (!(*out = trimmed_copy(v)))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    const char *bad = !**out ? "is empty" : has_control(*out) ? "holds a line break or control "
                                                                 "character"
                                                               : NULL;
    if (bad) {
        free(*out);
        *out = NULL;
        return art_error_set(err, ART_ERR_FORMAT, "%s:%ld: the %s %s", name, r->record_line, what,
                             bad);
    }
    return ART_OK;
}

static art_status list_push(rating_list *l, long line, const char *name, art_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        art_rating *p = realloc(l->items, cap * sizeof *p);
        if (p)
            l->items = p;
        long *q = p ? realloc(l->lines, cap * sizeof *q) : NULL;
        if (!p || !q)
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        l->lines = q;
        l->cap = cap;
    }
    memset(&l->items[l->n], 0, sizeof l->items[l->n]);
    l->lines[l->n] = line;
    l->n++;
    return ART_OK;
}

/* One rater, one role; one rating per rater and dimension. */
static art_status check_against_earlier(const rating_list *l, const char *name, art_error *err)
{
    const art_rating *x = &l->items[l->n - 1];
    long line = l->lines[l->n - 1];
    for (size_t i = 0; i + 1 < l->n; i++) {
        const art_rating *y = &l->items[i];
        if (strcmp(x->rater, y->rater) != 0)
            continue;
        if (x->role != y->role)
            return art_error_set(err, ART_ERR_FORMAT,
                                 "%s:%ld: rater '%s' has the role '%s' on line %ld but '%s' here",
                                 name, line, x->rater, art_rater_role_id(y->role), l->lines[i],
                                 art_rater_role_id(x->role));
        if (strcmp(x->dimension, y->dimension) == 0)
            return art_error_set(err, ART_ERR_FORMAT,
                                 "%s:%ld: rater '%s' already rated '%s' on line %ld", name, line,
                                 x->rater, x->dimension, l->lines[i]);
    }
    return ART_OK;
}

/* A field as an error message may quote it: at most 40 bytes, cut on a
 * UTF-8 boundary, control characters shown as '?', so the message stays
 * one short line whatever the file holds. */
static void quotable(const char *v, char out[48])
{
    size_t n = 0;
    for (; v[n] && n < 40; n++)
        out[n] = (unsigned char)v[n] < 0x20 ? '?' : v[n];
    if (v[n])
        while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
            n--;
    out[n] = '\0';
}

static art_status read_row(const art_csv *r, const int col[NCOLS], size_t header_fields,
                           rating_list *l, const char *name, art_error *err)
{
    if (r->nfields != header_fields)
        return art_error_set(err, ART_ERR_FORMAT, "%s:%ld: %zu field%s, the header has %zu",
                             name, r->record_line, r->nfields, r->nfields == 1 ? "" : "s",
                             header_fields);
    if (l->n >= RATINGS_MAX_ROWS)
        return art_error_set(err, ART_ERR_LIMIT, "%s:%ld: more than %u ratings in one file",
                             name, r->record_line, RATINGS_MAX_ROWS);
    art_status st = list_push(l, r->record_line, name, err);
    if (st != ART_OK)
        return st;
    art_rating *x = &l->items[l->n - 1];
    const char *role = r->fields[col[COL_ROLE]];
    const char *level = r->fields[col[COL_LEVEL]];
    if ((st = short_field(r, col[COL_RATER], "rater", &x->rater, name, err)) != ART_OK ||
        (st = short_field(r, col[COL_DIMENSION], "dimension", &x->dimension, name, err)) != ART_OK)
        return st;
    char *role_id = trimmed_copy(role);
    if (!role_id)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    int bad_role = art_rater_role_from_id(role_id, &x->role);
    free(role_id);
    char shown[48];
    if (bad_role) {
        quotable(role, shown);
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s:%ld: role '%s' is neither 'self' nor 'external' "
                             "(or 'critical friend')",
                             name, r->record_line, shown);
    }
    if (!(x->level = parse_level(level))) {
        quotable(level, shown);
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s:%ld: level '%s' is not a whole number from 1 to 5", name,
                             r->record_line, shown);
    }
    if (col[COL_RATIONALE] >= 0) {
        const char *why = r->fields[col[COL_RATIONALE]];
        if (strlen(why) > RATINGS_MAX_RATIONALE)
            return art_error_set(err, ART_ERR_LIMIT,
                                 "%s:%ld: the rationale is longer than %u bytes", name,
                                 r->record_line, RATINGS_MAX_RATIONALE);
        if (!(x->rationale = trimmed_copy(why)))
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        if (!*x->rationale) {
            free(x->rationale);
            x->rationale = NULL;
        }
    }
    return check_against_earlier(l, name, err);
}

art_status art_ratings_parse_csv(const char *data, size_t len, const char *name,
                                 art_rating **out, size_t *n, art_error *err)
{
    if (!out || !n)
        return art_error_set(err, ART_ERR_USAGE, "ratings: no output pointer");
    *out = NULL;
    *n = 0;
    if (!name)
        name = "ratings.csv";
    if (!data && len > 0)
        return art_error_set(err, ART_ERR_USAGE, "%s: no data", name);
    art_csv r;
    art_status st = art_csv_open(&r, data ? data : "", len, name, err);
    if (st != ART_OK)
        return st;
    bool eof = false;
    int col[NCOLS];
    size_t header_fields = 0;
    rating_list l = {0};
    if ((st = art_csv_next(&r, &eof, err)) == ART_OK) {
        if (eof)
            st = art_error_set(err, ART_ERR_UNSUPPORTED, "%s: empty file, not a ratings file",
                               name);
        else
            st = map_header(&r, col, name, err);
        header_fields = r.nfields;
    }
    while (st == ART_OK && (st = art_csv_next(&r, &eof, err)) == ART_OK && !eof)
        st = read_row(&r, col, header_fields, &l, name, err);
    if (st == ART_OK && l.n == 0)
        st = art_error_set(err, ART_ERR_FORMAT, "%s: no ratings below the header", name);
    art_csv_close(&r);
    free(l.lines);
    if (st != ART_OK) {
        art_ratings_free(l.items, l.n);
        return st;
    }
    *out = l.items;
    *n = l.n;
    return ART_OK;
}

void art_ratings_free(art_rating *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].rater);
        free(r[i].dimension);
        free(r[i].rationale);
    }
    free(r);
}

void art_reviews_free(art_review *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        free(r[i].dimension);
        free(r[i].author);
        free(r[i].created_at);
        free(r[i].rationale);
    }
    free(r);
}

/* ------------------------------------------------------------------ */
/* Summary                                                              */
/* ------------------------------------------------------------------ */

static long dim_index(const art_assessment *a, const char *id)
{
    for (size_t i = 0; id && i < a->ndims; i++)
        if (a->dims[i].id && strcmp(a->dims[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* The disagreement rule: among the values present of the self mean, the
 * external mean and the evidence level (only when the evidence is not below
 * the floor), the highest and the lowest are a whole level apart or more.
 * One value alone never disagrees. */
static int disagrees(const art_dim_score *d)
{
    double v[3];
    int n = 0;
    for (int role = 0; role < ART_ROLE_COUNT; role++)
        if (d->rating_n[role])
            v[n++] = d->rating_mean[role];
    if (d->level >= 1 && !d->insufficient)
        v[n++] = d->level;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    return n >= 2 && hi - lo >= 1.0;
}

static void summarise_dims(art_assessment *a)
{
    double sum[ART_ROLE_COUNT];
    for (size_t i = 0; i < a->ndims; i++) {
        art_dim_score *d = &a->dims[i];
        for (int role = 0; role < ART_ROLE_COUNT; role++) {
            sum[role] = 0;
            d->rating_n[role] = 0;
            for (size_t k = 0; k < a->nratings; k++) {
                const art_rating *x = &a->ratings[k];
                if ((int)x->role == role && x->dimension && strcmp(x->dimension, d->id) == 0) {
                    sum[role] += x->level;
                    d->rating_n[role]++;
                }
            }
            d->rating_mean[role] = d->rating_n[role] ? sum[role] / (double)d->rating_n[role] : NAN;
        }
        d->rating_disagree = disagrees(d);
        /* Reviews are oldest first: the last override is the one in force. */
        d->override_review = -1;
        for (size_t k = 0; k < a->nreviews; k++)
            if (a->reviews[k].kind == ART_REVIEW_OVERRIDE && a->reviews[k].dimension &&
                strcmp(a->reviews[k].dimension, d->id) == 0)
                d->override_review = (long)k;
    }
}

/* Index of rater name in names[0..*n), added when new. */
static size_t rater_index(const char **names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    names[*n] = name;
    return (*n)++;
}

/* Krippendorff's alpha (ordinal) over units = the assessment's dimensions,
 * values = each rater's level, whatever their role.  Ratings of dimensions
 * the assessment does not have take no part. */
static art_status summarise_alpha(art_assessment *a, art_error *err)
{
    a->ratings_alpha = a->ratings_alpha_lo = a->ratings_alpha_hi = NAN;
    if (a->nratings < 2 || a->ndims == 0)
        return ART_OK;
    const char **raters = calloc(a->nratings, sizeof *raters);
    if (!raters)
        return art_error_set(err, ART_ERR_NOMEM, "ratings: out of memory");
    size_t nraters = 0;
    for (size_t k = 0; k < a->nratings; k++)
        if (a->ratings[k].rater && dim_index(a, a->ratings[k].dimension) >= 0)
            rater_index(raters, &nraters, a->ratings[k].rater);
    int *m = NULL;
    if (nraters >= 2 && a->ndims <= SIZE_MAX / sizeof *m / nraters)
        m = malloc(a->ndims * nraters * sizeof *m);
    if (nraters >= 2 && !m) {
        free(raters);
        return art_error_set(err, ART_ERR_NOMEM, "ratings: out of memory");
    }
    for (size_t i = 0; m && i < a->ndims * nraters; i++)
        m[i] = ART_AGREE_MISSING;
    bool overlap = false;
    for (size_t k = 0; m && k < a->nratings; k++) {
        long u = a->ratings[k].rater ? dim_index(a, a->ratings[k].dimension) : -1;
        if (u < 0)
            continue;
        size_t r = rater_index(raters, &nraters, a->ratings[k].rater);
        m[(size_t)u * nraters + r] = a->ratings[k].level;
    }
    for (size_t u = 0; m && u < a->ndims && !overlap; u++) {
        size_t present = 0;
        for (size_t r = 0; r < nraters; r++)
            present += m[u * nraters + r] != ART_AGREE_MISSING;
        overlap = present >= 2;
    }
    art_status st = ART_OK;
    if (overlap) {
        a->ratings_alpha = art_alpha_ordinal(m, a->ndims, nraters);
        if (!isnan(a->ratings_alpha))
            st = art_alpha_bootstrap(m, a->ndims, nraters, ART_ALPHA_ORDINAL, RATINGS_RESAMPLES,
                                     RATINGS_SEED, &a->ratings_alpha_lo, &a->ratings_alpha_hi,
                                     err);
    }
    free(m);
    free(raters);
    return st;
}

art_status art_assessment_summarise_reviews(art_assessment *a, art_error *err)
{
    if (!a)
        return art_error_set(err, ART_ERR_USAGE, "ratings: no assessment");
    summarise_dims(a);
    return summarise_alpha(a, err);
}
