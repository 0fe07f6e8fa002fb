/* artefact ratings (import, list) and artefact review (annotate, override,
 * list).  See docs/ratings.md. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATINGS_MAX_FILE ((size_t)8 << 20)

/* ---- small writers ------------------------------------------------- */

/* RFC 4180 field: quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *f, const char *s)
{
    if (!s)
        return;
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

static void json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
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

/* A number with fmt, or `none` when NAN. */
static void put_num(FILE *f, double v, const char *fmt, const char *none)
{
    if (isnan(v))
        fputs(none, f);
    else
        fprintf(f, fmt, v);
}

static int check_format(const char *cmd, const char *format)
{
    if (strcmp(format, "text") == 0 || strcmp(format, "csv") == 0 ||
        strcmp(format, "json") == 0)
        return CLI_OK;
    return cli_usage_error(cmd, "unknown format '%s' (expected text, csv or json)", format);
}

/* ---- scope --------------------------------------------------------- */

static int open_scope(const cli_opts *o, art_store **s, char **site, char **round)
{
    art_error err;
    *s = NULL;
    *site = *round = NULL;
    if (art_store_open(cli_db_path(o), s, &err) != ART_OK)
        return cli_fail(&err);
    int rc = cli_resolve_site(*s, o, site);
    if (rc == CLI_OK)
        rc = cli_resolve_round(*s, *site, o, round);
    return rc;
}

static void close_scope(art_store *s, char *site, char *round)
{
    free(site);
    free(round);
    art_store_close(s);
}

/* An assessment of site/round with the rubric's dimensions and no
 * evidence (every score NAN), for a round that has no run yet. */
static art_assessment *bare_assessment(const art_rubric *rb, const char *site, const char *round)
{
    art_assessment *a = calloc(1, sizeof *a);
    if (!a || !(a->site = strdup(site)) || !(a->round = strdup(round)) ||
        (rb && !(a->rubric_id = strdup(rb->id ? rb->id : ""))) ||
        (rb && rb->ndims && !(a->dims = calloc(rb->ndims, sizeof *a->dims)))) {
        art_assessment_free(a);
        return NULL;
    }
    a->ratings_alpha = a->ratings_alpha_lo = a->ratings_alpha_hi = NAN;
    for (size_t i = 0; rb && i < rb->ndims; i++, a->ndims++) {
        art_dim_score *d = &a->dims[i];
        d->score = d->espoused = d->enacted = d->gap = d->divergence = NAN;
        d->rating_mean[ART_ROLE_SELF] = d->rating_mean[ART_ROLE_EXTERNAL] = NAN;
        d->override_review = -1;
        if (!(d->id = strdup(rb->dims[i].id)) ||
            (rb->dims[i].name && !(d->name = strdup(rb->dims[i].name)))) {
            a->ndims++;
            art_assessment_free(a);
            return NULL;
        }
    }
    return a;
}

/* The round's latest run with its ratings and reviews; when the round has
 * no run yet, the rubric's dimensions (--rubric or the shipped one) with no
 * evidence, so the ratings can still be listed side by side. */
static int load_round(art_store *s, const char *site, const char *round, const cli_opts *o,
                      art_assessment **a)
{
    art_error err;
    *a = NULL;
    art_status st = art_store_load_assessment(s, site, round, a, &err);
    if (st == ART_OK)
        return CLI_OK;
    if (st != ART_ERR_NOTFOUND)
        return cli_fail(&err);
    art_rubric *rb = NULL;
    char *xml = NULL;
    size_t xml_len = 0;
    int rc = cli_load_rubric(o, &rb, &xml, &xml_len);
    if (rc == CLI_OK && !(*a = bare_assessment(rb, site, round))) {
        fputs("artefact: out of memory\n", stderr);
        rc = CLI_FAIL;
    }
    if (rc == CLI_OK && art_store_load_reviews(s, *a, &err) != ART_OK)
        rc = cli_fail(&err);
    art_rubric_free(rb);
    free(xml);
    return rc;
}

/* Does a have dimension id? */
static bool has_dim(const art_assessment *a, const char *id)
{
    for (size_t i = 0; i < a->ndims; i++)
        if (strcmp(a->dims[i].id, id) == 0)
            return true;
    return false;
}

/* Number of distinct raters of a role (or of any role with role < 0). */
static size_t count_raters(const art_assessment *a, int role)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nratings; i++) {
        if (role >= 0 && (int)a->ratings[i].role != role)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(a->ratings[k].rater, a->ratings[i].rater) == 0 &&
                   (role < 0 || (int)a->ratings[k].role == role);
        n += !seen;
    }
    return n;
}

static const art_review *override_of(const art_assessment *a, const art_dim_score *d)
{
    return d->override_review >= 0 && (size_t)d->override_review < a->nreviews
               ? &a->reviews[d->override_review]
               : NULL;
}

/* ---- ratings list ---------------------------------------------------- */

static void evidence_text(const art_dim_score *d, char *buf, size_t n)
{
    if (isnan(d->score))
        snprintf(buf, n, "no evidence");
    else if (d->insufficient)
        snprintf(buf, n, "%.1f (insufficient)", d->score);
    else
        snprintf(buf, n, "%.1f (level %d)", d->score, d->level);
}

static void list_text(const art_assessment *a, FILE *f)
{
    fprintf(f, "%s, round %s: %zu rating%s by %zu rater%s (%zu self, %zu external)\n", a->site,
            a->round, a->nratings, a->nratings == 1 ? "" : "s", count_raters(a, -1),
            count_raters(a, -1) == 1 ? "" : "s", count_raters(a, ART_ROLE_SELF),
            count_raters(a, ART_ROLE_EXTERNAL));
    fprintf(f, "%-24s %-22s %-10s %-10s %-9s %s\n", "dimension", "evidence", "self",
            "external", "disagree", "override");
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        char ev[48], self[32] = "-", ext[32] = "-";
        evidence_text(d, ev, sizeof ev);
        if (d->rating_n[ART_ROLE_SELF])
            snprintf(self, sizeof self, "%.1f (%zu)", d->rating_mean[ART_ROLE_SELF],
                     d->rating_n[ART_ROLE_SELF]);
        if (d->rating_n[ART_ROLE_EXTERNAL])
            snprintf(ext, sizeof ext, "%.1f (%zu)", d->rating_mean[ART_ROLE_EXTERNAL],
                     d->rating_n[ART_ROLE_EXTERNAL]);
        fprintf(f, "%-24s %-22s %-10s %-10s %-9s ", d->id, ev, self, ext,
                d->rating_disagree ? "yes" : "no");
        const art_review *ov = override_of(a, d);
        if (ov)
            fprintf(f, "level %d by %s, %s\n", ov->level, ov->author, ov->created_at);
        else
            fputs("-\n", f);
    }
    fputs("Krippendorff's alpha (ordinal, between raters): ", f);
    if (isnan(a->ratings_alpha)) {
        fputs("n/a (fewer than two raters rated the same dimension)\n", f);
    } else {
        fprintf(f, "%.3f (95%% CI ", a->ratings_alpha);
        put_num(f, a->ratings_alpha_lo, "%.3f", "n/a");
        fputs(" to ", f);
        put_num(f, a->ratings_alpha_hi, "%.3f", "n/a");
        fprintf(f, "): %s\n", art_reliability_id(art_alpha_reliability(a->ratings_alpha)));
    }
    bool header = false;
    for (size_t i = 0; i < a->nratings; i++) {
        const art_rating *x = &a->ratings[i];
        if (has_dim(a, x->dimension))
            continue;
        if (!header)
            fputs("Ratings of dimensions this rubric does not have:\n", f);
        header = true;
        fprintf(f, "  %s: level %d by %s (%s)\n", x->dimension, x->level, x->rater,
                art_rater_role_id(x->role));
    }
}

static void list_csv(const art_assessment *a, FILE *f)
{
    fputs("scope,dimension,score,level,insufficient,self_mean,self_n,external_mean,external_n,"
          "disagree,override_level,override_by,override_at,alpha,alpha_ci_low,alpha_ci_high,"
          "reliability\n",
          f);
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        fputs(has_dim(a, d->id) ? "dimension," : "", f);
        csv_field(f, d->id);
        fputc(',', f);
        put_num(f, d->score, "%.1f", "");
        fprintf(f, ",%d,%s,", d->level, d->insufficient ? "yes" : "no");
        put_num(f, d->rating_mean[ART_ROLE_SELF], "%.2f", "");
        fprintf(f, ",%zu,", d->rating_n[ART_ROLE_SELF]);
        put_num(f, d->rating_mean[ART_ROLE_EXTERNAL], "%.2f", "");
        fprintf(f, ",%zu,%s,", d->rating_n[ART_ROLE_EXTERNAL], d->rating_disagree ? "yes" : "no");
        const art_review *ov = override_of(a, d);
        if (ov) {
            fprintf(f, "%d,", ov->level);
            csv_field(f, ov->author);
            fputc(',', f);
            csv_field(f, ov->created_at);
        } else {
            fputs(",,", f);
        }
        fputs(",,,,\n", f);
    }
    fputs("overall,,,,,,,,,,,,,", f);
    put_num(f, a->ratings_alpha, "%.4f", "");
    fputc(',', f);
    put_num(f, a->ratings_alpha_lo, "%.4f", "");
    fputc(',', f);
    put_num(f, a->ratings_alpha_hi, "%.4f", "");
    fprintf(f, ",%s\n", art_reliability_id(art_alpha_reliability(a->ratings_alpha)));
}

static void json_review(const art_review *v, FILE *f)
{
    fputs("{\"dimension\": ", f);
    json_string(f, v->dimension);
    fprintf(f, ", \"kind\": \"%s\", \"level\": ", art_review_kind_id(v->kind));
    if (v->kind == ART_REVIEW_OVERRIDE)
        fprintf(f, "%d", v->level);
    else
        fputs("null", f);
    fputs(", \"by\": ", f);
    json_string(f, v->author);
    fputs(", \"at\": ", f);
    json_string(f, v->created_at);
    fputs(", \"rationale\": ", f);
    json_string(f, v->rationale);
    fputc('}', f);
}

static void list_json(const art_assessment *a, FILE *f)
{
    fputs("{\n  \"site\": ", f);
    json_string(f, a->site);
    fputs(",\n  \"round\": ", f);
    json_string(f, a->round);
    fputs(",\n  \"rubric\": ", f);
    json_string(f, a->rubric_id);
    fputs(",\n  \"alpha\": ", f);
    put_num(f, a->ratings_alpha, "%.4f", "null");
    fputs(",\n  \"alpha_ci\": [", f);
    put_num(f, a->ratings_alpha_lo, "%.4f", "null");
    fputs(", ", f);
    put_num(f, a->ratings_alpha_hi, "%.4f", "null");
    fprintf(f, "],\n  \"reliability\": \"%s\",\n  \"dimensions\": [",
            art_reliability_id(art_alpha_reliability(a->ratings_alpha)));
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        fprintf(f, "%s\n    {\"id\": ", i ? "," : "");
        json_string(f, d->id);
        fputs(", \"score\": ", f);
        put_num(f, d->score, "%.1f", "null");
        fprintf(f, ", \"level\": %d, \"insufficient\": %s, \"self_mean\": ", d->level,
                d->insufficient ? "true" : "false");
        put_num(f, d->rating_mean[ART_ROLE_SELF], "%.2f", "null");
        fprintf(f, ", \"self_n\": %zu, \"external_mean\": ", d->rating_n[ART_ROLE_SELF]);
        put_num(f, d->rating_mean[ART_ROLE_EXTERNAL], "%.2f", "null");
        fprintf(f, ", \"external_n\": %zu, \"disagree\": %s, \"override\": ",
                d->rating_n[ART_ROLE_EXTERNAL], d->rating_disagree ? "true" : "false");
        const art_review *ov = override_of(a, d);
        if (ov)
            json_review(ov, f);
        else
            fputs("null", f);
        fputc('}', f);
    }
    fputs(a->ndims ? "\n  ],\n  \"ratings\": [" : "],\n  \"ratings\": [", f);
    for (size_t i = 0; i < a->nratings; i++) {
        const art_rating *x = &a->ratings[i];
        fprintf(f, "%s\n    {\"rater\": ", i ? "," : "");
        json_string(f, x->rater);
        fprintf(f, ", \"role\": \"%s\", \"dimension\": ", art_rater_role_id(x->role));
        json_string(f, x->dimension);
        fprintf(f, ", \"level\": %d, \"in_rubric\": %s, \"rationale\": ", x->level,
                has_dim(a, x->dimension) ? "true" : "false");
        json_string(f, x->rationale);
        fputc('}', f);
    }
    fputs(a->nratings ? "\n  ]\n}\n" : "]\n}\n", f);
}

static int ratings_list(const cli_opts *o)
{
    const char *format = o->format ? o->format : "text";
    int rc = check_format("ratings", format);
    if (rc != CLI_OK)
        return rc;
    art_store *s;
    char *site, *round;
    art_assessment *a = NULL;
    rc = open_scope(o, &s, &site, &round);
    if (rc == CLI_OK)
        rc = load_round(s, site, round, o, &a);
    if (rc == CLI_OK) {
        if (strcmp(format, "csv") == 0)
            list_csv(a, stdout);
        else if (strcmp(format, "json") == 0)
            list_json(a, stdout);
        else
            list_text(a, stdout);
    }
    art_assessment_free(a);
    close_scope(s, site, round);
    return rc;
}

/* ---- ratings import -------------------------------------------------- */

static int ratings_import(const cli_opts *o, const char *path)
{
    art_error err;
    char *data = NULL;
    size_t len = 0;
    art_rating *r = NULL;
    size_t n = 0;
    if (art_read_file(path, RATINGS_MAX_FILE, &data, &len, &err) != ART_OK)
        return cli_fail(&err);
    art_status st = art_ratings_parse_csv(data, len, path, &r, &n, &err);
    free(data);
    if (st != ART_OK)
        return cli_fail(&err);
    art_rubric *rb = NULL;
    char *xml = NULL;
    size_t xml_len = 0;
    art_store *s;
    char *site, *round;
    int rc = o->rubric ? cli_load_rubric(o, &rb, &xml, &xml_len) : CLI_OK;
    if (rc == CLI_OK)
        rc = open_scope(o, &s, &site, &round);
    else
        s = NULL, site = round = NULL;
    if (rc == CLI_OK && art_store_import_ratings(s, site, round, rb, r, n, &err) != ART_OK) {
        art_error named;
        art_error_set(&named, err.status, "%s: %s", path, err.message);
        rc = cli_fail(&named);
    }
    if (rc == CLI_OK)
        printf("%s, round %s: %zu rating%s imported from %s\n", site, round, n,
               n == 1 ? "" : "s", path);
    art_ratings_free(r, n);
    art_rubric_free(rb);
    free(xml);
    close_scope(s, site, round);
    return rc;
}

int cmd_ratings(cli_opts *o)
{
    const char *sub = o->args[0];
    if (strcmp(sub, "import") == 0) {
        if (o->nargs != 2)
            return cli_usage_error("ratings", "ratings import takes one FILE");
        return ratings_import(o, o->args[1]);
    }
    if (strcmp(sub, "list") == 0) {
        if (o->nargs != 1)
            return cli_usage_error("ratings", "ratings list takes no file");
        return ratings_list(o);
    }
    return cli_usage_error("ratings", "unknown subcommand '%s' (expected import or list)", sub);
}

/* ---- review ---------------------------------------------------------- */

/* The round's reviews, oldest first, into a bare assessment (no dims). */
static int load_reviews_only(art_store *s, const char *site, const char *round,
                             art_assessment **out)
{
    art_error err;
    art_assessment *a = bare_assessment(NULL, site, round);
    if (!a) {
        fputs("artefact: out of memory\n", stderr);
        return CLI_FAIL;
    }
    if (art_store_load_reviews(s, a, &err) != ART_OK) {
        art_assessment_free(a);
        return cli_fail(&err);
    }
    *out = a;
    return CLI_OK;
}

static void review_text(const art_review *v, FILE *f)
{
    fprintf(f, "%s  %s  %s", v->created_at, v->dimension, art_review_kind_id(v->kind));
    if (v->kind == ART_REVIEW_OVERRIDE)
        fprintf(f, " to level %d", v->level);
    fprintf(f, " by %s: %s\n", v->author, v->rationale);
}

static int review_list(const cli_opts *o)
{
    const char *format = o->format ? o->format : "text";
    int rc = check_format("review", format);
    if (rc != CLI_OK)
        return rc;
    art_store *s;
    char *site, *round;
    art_assessment *a = NULL;
    rc = open_scope(o, &s, &site, &round);
    if (rc == CLI_OK)
        rc = load_reviews_only(s, site, round, &a);
    if (rc == CLI_OK && strcmp(format, "csv") == 0) {
        fputs("at,dimension,kind,level,by,rationale\n", stdout);
        for (size_t i = 0; i < a->nreviews; i++) {
            const art_review *v = &a->reviews[i];
            printf("%s,", v->created_at);
            csv_field(stdout, v->dimension);
            printf(",%s,", art_review_kind_id(v->kind));
            if (v->kind == ART_REVIEW_OVERRIDE)
                printf("%d", v->level);
            fputc(',', stdout);
            csv_field(stdout, v->author);
            fputc(',', stdout);
            csv_field(stdout, v->rationale);
            fputc('\n', stdout);
        }
    } else if (rc == CLI_OK && strcmp(format, "json") == 0) {
        fputs("[", stdout);
        for (size_t i = 0; i < a->nreviews; i++) {
            fputs(i ? ",\n  " : "\n  ", stdout);
            json_review(&a->reviews[i], stdout);
        }
        fputs(a->nreviews ? "\n]\n" : "]\n", stdout);
    } else if (rc == CLI_OK) {
        if (a->nreviews == 0)
            printf("%s, round %s: no reviews\n", site, round);
        for (size_t i = 0; i < a->nreviews; i++)
            review_text(&a->reviews[i], stdout);
    }
    art_assessment_free(a);
    close_scope(s, site, round);
    return rc;
}

static int review_add(const cli_opts *o)
{
    if (!o->dimension || !o->by || !o->rationale)
        return cli_usage_error("review", "a review needs --dimension, --by and --rationale");
    if (o->format)
        return cli_usage_error("review", "--format is for 'review list'");
    art_review rv = {(char *)o->dimension, (char *)o->by, NULL,
                     o->level ? ART_REVIEW_OVERRIDE : ART_REVIEW_ANNOTATION, (int)o->level,
                     (char *)o->rationale};
    art_error err;
    art_store *s;
    char *site, *round;
    art_assessment *a = NULL;
    int rc = open_scope(o, &s, &site, &round);
    if (rc == CLI_OK && art_store_add_review(s, site, round, &rv, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK)
        rc = load_reviews_only(s, site, round, &a);
    if (rc == CLI_OK && a->nreviews) {
        printf("%s, round %s: recorded ", site, round);
        review_text(&a->reviews[a->nreviews - 1], stdout);
    }
    art_assessment_free(a);
    close_scope(s, site, round);
    return rc;
}

int cmd_review(cli_opts *o)
{
    if (o->nargs == 0)
        return review_add(o);
    if (strcmp(o->args[0], "list") != 0)
        return cli_usage_error("review", "unknown subcommand '%s' (expected list)", o->args[0]);
    if (o->dimension || o->by || o->rationale || o->level)
        return cli_usage_error("review", "'review list' takes no --dimension, --by, "
                                         "--rationale or --level");
    return review_list(o);
}
