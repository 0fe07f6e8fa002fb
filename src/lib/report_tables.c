/* Every table of a site report as CSV (RFC 4180) or JSON (an array of
 * objects), for spreadsheets and R.  Each table is written by one function
 * that emits cells in column order through a small streaming writer, so the
 * CSV and JSON of a table always have the same columns and rows.  Rows hold
 * what the assessment holds: participants appear as the assessment names
 * them (pseudonyms unless the caller revealed names). */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* The streaming table writer                                          */
/* ------------------------------------------------------------------ */

typedef struct tw {
    art_out *o;
    art_table_format fmt;
    const char *const *cols;
    size_t ncols;
    size_t col;         /* next column of the current row */
    size_t rows;
} tw;

static void tw_begin(tw *t, art_out *o, art_table_format fmt, const char *const *cols,
                     size_t ncols)
{
    *t = (tw){o, fmt, cols, ncols, 0, 0};
    if (fmt == ART_TABLE_JSON) {
        art_out_puts(o, "[");
        return;
    }
    for (size_t i = 0; i < ncols; i++)
        art_out_printf(o, "%s%s", i ? "," : "", cols[i]);
    art_out_puts(o, "\r\n");
}

/* Before a cell: the separator, or the row's opening and the key. */
static void tw_pre(tw *t)
{
    if (t->fmt == ART_TABLE_JSON) {
        if (t->col == 0)
            art_out_puts(t->o, t->rows ? ",\n  {" : "\n  {");
        else
            art_out_puts(t->o, ", ");
        art_out_printf(t->o, "\"%s\": ", t->cols[t->col]);
    } else if (t->col > 0) {
        art_out_puts(t->o, ",");
    }
}

/* After a cell: close the row after its last column. */
static void tw_post(tw *t)
{
    if (++t->col < t->ncols)
        return;
    art_out_puts(t->o, t->fmt == ART_TABLE_JSON ? "}" : "\r\n");
    t->col = 0;
    t->rows++;
}

/* A quoted CSV text field: "" for ", invalid UTF-8 as U+FFFD, control
 * characters other than line breaks and tabs as spaces.  A field that
 * starts with = + - @ gets a leading apostrophe, so a spreadsheet shows an
 * interview quote as text and never runs it as a formula. */
static void csv_field(art_out *o, const char *s)
{
    art_out_puts(o, "\"");
    if (*s && strchr("=+-@", *s))
        art_out_puts(o, "'");
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        if (cp == '"')
            art_out_puts(o, "\"\"");
        else if (cp == 0xFFFD)
            art_out_puts(o, "\xEF\xBF\xBD");
        else if ((cp < 0x20 && cp != '\n' && cp != '\r' && cp != '\t') || cp == 0x7F)
            art_out_puts(o, " ");
        else
            art_out_write(o, s + i, k);
        i += k;
    }
    art_out_puts(o, "\"");
}

/* A text cell; NULL is empty (CSV) or null (JSON).  Quoting every text
 * cell keeps numbers bare, so "0001" or "1-2" stay text in Excel and R. */
static void tw_str(tw *t, const char *s)
{
    tw_pre(t);
    if (t->fmt == ART_TABLE_JSON)
        art_report_json_string(t->o, s);
    else if (s)
        csv_field(t->o, s);
    tw_post(t);
}

static void tw_num(tw *t, double x, int decimals)
{
    tw_pre(t);
    if (t->fmt == ART_TABLE_JSON || art_report_has(x))
        art_report_json_number(t->o, x, decimals);
    tw_post(t);
}

static void tw_int(tw *t, long long v)
{
    tw_pre(t);
    art_out_printf(t->o, "%lld", v);
    tw_post(t);
}

/* A level 1..5, empty/null for 0. */
static void tw_level(tw *t, int level)
{
    tw_pre(t);
    if (level > 0)
        art_out_printf(t->o, "%d", level);
    else if (t->fmt == ART_TABLE_JSON)
        art_out_puts(t->o, "null");
    tw_post(t);
}

static void tw_bool(tw *t, bool b)
{
    tw_pre(t);
    art_out_puts(t->o, b ? "true" : "false");
    tw_post(t);
}

static void tw_end(tw *t)
{
    if (t->fmt == ART_TABLE_JSON)
        art_out_puts(t->o, t->rows ? "\n]\n" : "]\n");
}

#define BEGIN(t, o, fmt, cols) tw_begin(t, o, fmt, cols, sizeof cols / sizeof cols[0])

/* ------------------------------------------------------------------ */
/* The tables                                                          */
/* ------------------------------------------------------------------ */

static void table_about(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"key", "value"};
    BEGIN(t, o, f, cols);
    const char *pairs[][2] = {
        {"site", a->site},
        {"round", a->round},
        {"generated_by", "artefact " ART_VERSION},
        {"rubric_id", a->rubric_id},
        {"rubric_version", a->rubric_version},
        {"rubric_sha256", a->rubric_sha256[0] ? a->rubric_sha256 : NULL},
        {"rubric_title", a->rubric_title},
        {"origin", a->origin},
        {"since", a->since},
        {"reliability", art_reliability_id(art_alpha_reliability(
                            a->nratings && a->ratings ? a->ratings_alpha : NAN))},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        tw_str(t, pairs[i][0]);
        tw_str(t, pairs[i][1]);
    }
    char buf[64];
    bool rated = a->nratings > 0 && a->ratings;
    const struct { const char *k; double v; } nums[] = {
        {"gap_threshold", a->gap_threshold},
        {"ratings_alpha", rated ? a->ratings_alpha : NAN},
        {"ratings_alpha_lo", rated ? a->ratings_alpha_lo : NAN},
        {"ratings_alpha_hi", rated ? a->ratings_alpha_hi : NAN},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        tw_str(t, nums[i].k);
        if (art_report_has(nums[i].v)) {
            snprintf(buf, sizeof buf, "%.3f", nums[i].v);
            tw_str(t, buf);
        } else {
            tw_str(t, NULL);
        }
    }
}

static void table_dimensions(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {
        "id", "name", "score", "level", "target", "gap", "espoused", "enacted", "divergence",
        "divergent", "confidence", "confidence_label", "sources", "voices", "evidence",
        "insufficient", "self_mean", "self_n", "external_mean", "external_n", "disagree",
        "override_level"};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; i < a->ndims; i++) {
        const art_dim_score *d = &a->dims[i];
        const art_review *rv = art_report_override(a, d);
        tw_str(t, d->id);
        tw_str(t, d->name);
        tw_num(t, d->score, 1);
        tw_level(t, d->level);
        tw_num(t, d->target, 1);
        tw_num(t, d->gap, 1);
        tw_num(t, d->espoused, 1);
        tw_num(t, d->enacted, 1);
        tw_num(t, d->divergence, 1);
        tw_bool(t, d->divergent);
        tw_num(t, d->confidence, 2);
        tw_str(t, art_report_confidence_label(d));
        tw_int(t, (long long)d->nsources);
        tw_int(t, (long long)d->nvoices);
        tw_int(t, (long long)d->nev);
        tw_bool(t, d->insufficient);
        for (int r = 0; r < ART_ROLE_COUNT; r++) {
            tw_num(t, d->rating_n[r] ? d->rating_mean[r] : NAN, 2);
            tw_int(t, (long long)d->rating_n[r]);
        }
        tw_bool(t, d->rating_disagree);
        tw_level(t, rv ? rv->level : 0);
    }
}

static const char *const evidence_cols[] = {
    "dimension", "rank", "direction", "quote", "source", "locator", "level", "voice",
    "participant", "facet", "indicator", "weight"};

static void evidence_row(tw *t, const char *dim, size_t rank, const art_evidence *e)
{
    tw_str(t, dim);
    tw_int(t, (long long)rank);
    tw_str(t, e->direction > 0 ? "cls" : "low");
    tw_str(t, e->quote);
    tw_str(t, e->source);
    tw_str(t, e->locator);
    tw_str(t, art_level_id(e->level));
    tw_str(t, art_voice_id(e->voice));
    tw_str(t, e->participant);
    tw_str(t, art_facet_id(e->facet));
    tw_str(t, e->indicator);
    tw_num(t, e->weight, 2);
}

static void table_evidence(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    BEGIN(t, o, f, evidence_cols);
    for (size_t i = 0; i < a->ndims; i++)
        for (size_t k = 0; a->dims[i].ev && k < a->dims[i].nev; k++)
            evidence_row(t, a->dims[i].id, k + 1, &a->dims[i].ev[k]);
}

static void table_voices(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"dimension", "local_authority", "health", "vcs",
                                       "lived_experience", "other", "unknown"};
    static const art_voice order[] = {ART_VOICE_LOCAL_AUTHORITY, ART_VOICE_HEALTH,
                                      ART_VOICE_VCS, ART_VOICE_LIVED, ART_VOICE_OTHER,
                                      ART_VOICE_UNKNOWN};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; i < a->ndims; i++) {
        tw_str(t, a->dims[i].id);
        for (size_t v = 0; v < sizeof order / sizeof order[0]; v++)
            tw_int(t, (long long)a->dims[i].voice_counts[order[v]]);
    }
}

static void table_participants(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"voice", "participants", "key_voice"};
    BEGIN(t, o, f, cols);
    for (int v = 0; v < ART_VOICE_COUNT; v++) {
        bool key = false;
        for (int k = 0; k < ART_KEY_VOICES; k++)
            key = key || art_report_key_voices[k] == (art_voice)v;
        tw_str(t, art_voice_id((art_voice)v));
        tw_int(t, (long long)a->voice_participants[v]);
        tw_bool(t, key);
    }
}

static void table_levels(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"dimension", "level", "score", "count"};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; i < a->ndims; i++)
        for (int k = 0; k < 3; k++) {
            const art_dim_score *d = &a->dims[i];
            tw_str(t, d->id);
            tw_str(t, art_level_id((art_level)k));
            tw_num(t, d->level_counts[k] ? d->level_scores[k] : NAN, 1);
            tw_int(t, (long long)d->level_counts[k]);
        }
}

static void table_ladder(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"rung", "name", "passages", "documents", "interviews",
                                       "micro", "strategic", "highest_sustained"};
    BEGIN(t, o, f, cols);
    const art_ladder *l = &a->ladder;
    for (int r = 1; r <= ART_RUNGS; r++) {
        size_t docs, ints;
        art_report_ladder_facets(a, r, &docs, &ints);
        tw_int(t, r);
        tw_str(t, art_report_rung_name(r));
        tw_int(t, (long long)l->counts[r]);
        tw_int(t, (long long)docs);
        tw_int(t, (long long)ints);
        tw_int(t, (long long)l->micro[r]);
        tw_int(t, (long long)l->strategic[r]);
        tw_bool(t, l->highest_sustained == r);
    }
}

static void table_outcomes(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"outcome", "name", "stories", "of"};
    BEGIN(t, o, f, cols);
    size_t n = a->stories ? a->stories->n : 0;
    for (int k = 1; k <= ART_OUTCOMES; k++) {
        if (!art_report_outcome_name(k)[0])
            continue;
        tw_int(t, k);
        tw_str(t, art_report_outcome_name(k));
        tw_int(t, (long long)art_report_story_count(a, k));
        tw_int(t, (long long)n);
    }
}

static void table_stories(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"id", "title", "teller", "date", "route", "outcomes",
                                       "source"};
    BEGIN(t, o, f, cols);
    size_t n = a->stories ? a->stories->n : 0;
    for (size_t i = 0; i < n; i++) {
        const art_story *s = &a->stories->stories[i];
        char outs[3 * ART_OUTCOMES + 1] = "";
        size_t used = 0;
        for (int k = 1; k <= ART_OUTCOMES; k++)
            if (s->outcomes[k])
                used += (size_t)snprintf(outs + used, sizeof outs - used, "%s%d",
                                         used ? ";" : "", k);
        tw_str(t, s->id);
        tw_str(t, s->title);
        tw_str(t, s->teller);
        tw_str(t, s->date);
        tw_str(t, s->route);
        tw_str(t, outs);
        tw_str(t, s->source);
    }
}

static void table_ratings(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"rater", "role", "dimension", "level", "rationale"};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; a->ratings && i < a->nratings; i++) {
        const art_rating *r = &a->ratings[i];
        tw_str(t, r->rater);
        tw_str(t, art_rater_role_id(r->role));
        tw_str(t, r->dimension);
        tw_level(t, r->level);
        tw_str(t, r->rationale);
    }
}

static void table_reviews(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"dimension", "kind", "author", "created_at", "level",
                                       "rationale", "current_override"};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; a->reviews && i < a->nreviews; i++) {
        const art_review *r = &a->reviews[i];
        bool current = false;
        for (size_t k = 0; k < a->ndims; k++)
            current = current || art_report_override(a, &a->dims[k]) == r;
        tw_str(t, r->dimension);
        tw_str(t, art_review_kind_id(r->kind));
        tw_str(t, r->author);
        tw_str(t, r->created_at);
        tw_level(t, r->kind == ART_REVIEW_OVERRIDE ? r->level : 0);
        tw_str(t, r->rationale);
        tw_bool(t, current);
    }
}

static void table_movement(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"dimension", "since", "round", "from", "to", "change",
                                       "difference", "from_level", "to_level", "gained",
                                       "lost"};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; a->since && i < a->ndims; i++) {
        const art_movement *m = &a->dims[i].movement;
        if (!m->present)
            continue;
        bool both = art_report_has(m->from) && art_report_has(m->to);
        tw_str(t, a->dims[i].id);
        tw_str(t, a->since);
        tw_str(t, a->round);
        tw_num(t, m->from, 1);
        tw_num(t, m->to, 1);
        tw_str(t, art_report_movement_word(m));
        tw_num(t, both ? m->to - m->from : NAN, 1);
        tw_level(t, m->from_level);
        tw_level(t, m->to_level);
        tw_int(t, (long long)m->ngained);
        tw_int(t, (long long)m->nlost);
    }
}

static void table_movement_evidence(const art_assessment *a, tw *t, art_out *o,
                                    art_table_format f)
{
    static const char *const cols[] = {
        "dimension", "change", "direction", "quote", "source", "locator", "level", "voice",
        "participant", "facet", "indicator", "weight"};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; a->since && i < a->ndims; i++) {
        const art_movement *m = &a->dims[i].movement;
        for (int side = 0; m->present && side < 2; side++) {
            const art_evidence *ev = side ? m->lost : m->gained;
            size_t n = side ? m->nlost : m->ngained;
            for (size_t k = 0; ev && k < n; k++) {
                const art_evidence *e = &ev[k];
                tw_str(t, a->dims[i].id);
                tw_str(t, side ? "lost" : "gained");
                tw_str(t, e->direction > 0 ? "cls" : "low");
                tw_str(t, e->quote);
                tw_str(t, e->source);
                tw_str(t, e->locator);
                tw_str(t, art_level_id(e->level));
                tw_str(t, art_voice_id(e->voice));
                tw_str(t, e->participant);
                tw_str(t, art_facet_id(e->facet));
                tw_str(t, e->indicator);
                tw_num(t, e->weight, 2);
            }
        }
    }
}

/* Long format (one row per round and dimension): what R's ggplot wants,
 * and a pivot table away from Excel's wide one. */
static void table_trend(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"round", "created_at", "dimension", "score"};
    BEGIN(t, o, f, cols);
    const art_history *h = a->history;
    if (!h || !h->rounds || !h->scores || h->ndims != a->ndims)
        return;
    for (size_t r = 0; r < h->nrounds; r++)
        for (size_t i = 0; i < a->ndims; i++) {
            tw_str(t, h->rounds[r]);
            tw_str(t, h->created_at ? h->created_at[r] : NULL);
            tw_str(t, a->dims[i].id);
            tw_num(t, h->scores[r * h->ndims + i], 1);
        }
}

static void table_plugins(const art_assessment *a, tw *t, art_out *o, art_table_format f)
{
    static const char *const cols[] = {"name", "version", "status", "error", "sha256"};
    BEGIN(t, o, f, cols);
    for (size_t i = 0; a->plugins && i < a->nplugins; i++) {
        const art_plugin_result *p = &a->plugins[i];
        tw_str(t, p->name);
        tw_str(t, p->version);
        tw_str(t, p->status == ART_OK ? "ok" : art_status_name(p->status));
        tw_str(t, p->status == ART_OK ? NULL : p->error);
        tw_str(t, p->sha256[0] ? p->sha256 : NULL);
    }
}

typedef void (*table_fn)(const art_assessment *, tw *, art_out *, art_table_format);

static const struct {
    const char *name;
    table_fn fn;
} tables[] = {
    {"about", table_about},
    {"dimensions", table_dimensions},
    {"evidence", table_evidence},
    {"voices", table_voices},
    {"participants", table_participants},
    {"levels", table_levels},
    {"ladder", table_ladder},
    {"outcomes", table_outcomes},
    {"stories", table_stories},
    {"ratings", table_ratings},
    {"reviews", table_reviews},
    {"movement", table_movement},
    {"movement_evidence", table_movement_evidence},
    {"trend", table_trend},
    {"plugins", table_plugins},
};
#define NTABLES (sizeof tables / sizeof tables[0])

static const char *const table_names[NTABLES + 1] = {
    "about", "dimensions", "evidence", "voices", "participants", "levels", "ladder",
    "outcomes", "stories", "ratings", "reviews", "movement", "movement_evidence", "trend",
    "plugins", NULL};

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

const char *const *art_report_table_names(size_t *n)
{
    if (n)
        *n = NTABLES;
    return table_names;
}

art_status art_table_format_from_name(const char *name, art_table_format *out, art_error *err)
{
    if (name && strcmp(name, "csv") == 0)
        *out = ART_TABLE_CSV;
    else if (name && strcmp(name, "json") == 0)
        *out = ART_TABLE_JSON;
    else
        return art_error_set(err, ART_ERR_USAGE, "table format '%s': expected csv or json",
                             name ? name : "");
    return ART_OK;
}

static int find_table(const char *name)
{
    for (size_t i = 0; name && i < NTABLES; i++)
        if (strcmp(tables[i].name, name) == 0)
            return (int)i;
    return -1;
}

art_status art_report_write_table(const art_assessment *a, const char *name,
                                  art_table_format fmt, FILE *out, art_error *err)
{
    if (!a || !out || !name)
        return art_error_set(err, ART_ERR_USAGE, "table: no assessment, name or stream");
    if ((a->ndims > 0 && !a->dims) || (a->nplugins > 0 && !a->plugins))
        return art_error_set(err, ART_ERR_USAGE, "table: assessment arrays are missing");
    if (fmt != ART_TABLE_CSV && fmt != ART_TABLE_JSON)
        return art_error_set(err, ART_ERR_USAGE, "table: unknown format %d", (int)fmt);
    int k = find_table(name);
    if (k < 0) {
        char list[512];
        size_t used = 0;
        for (size_t i = 0; i < NTABLES && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                     tables[i].name);
        return art_error_set(err, ART_ERR_NOTFOUND, "no table named '%.64s' (tables: %s)",
                             name, list);
    }
    art_out o = {out, false};
    tw t;
    tables[k].fn(a, &t, &o, fmt);
    tw_end(&t);
    if (fflush(out) != 0 || ferror(out) || o.failed)
        return art_error_set(err, ART_ERR_IO, "cannot write table %s", name);
    return ART_OK;
}

art_status art_report_write_table_file(const art_assessment *a, const char *name,
                                       art_table_format fmt, const char *path, art_error *err)
{
    if (!path)
        return art_error_set(err, ART_ERR_USAGE, "table: no file name");
    size_t need = strlen(path) + 16;
    char *tmp = malloc(need);
    if (!tmp)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    snprintf(tmp, need, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return art_error_set(err, ART_ERR_IO, "%s: cannot write: %s", path, strerror(e));
    }
    fchmod(fd, 0644);
    art_status st = art_report_write_table(a, name, fmt, f, err);
    if (fclose(f) != 0 && st == ART_OK)
        st = art_error_set(err, ART_ERR_IO, "%s: cannot write", path);
    if (st == ART_OK && rename(tmp, path) != 0)
        st = art_error_set(err, ART_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    if (st != ART_OK) {
        unlink(tmp);
        if (err && !strstr(err->message, path)) {
            char msg[ART_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", err->message);
            art_error_set(err, st, "%s: %s", path, msg);
        }
    }
    free(tmp);
    return st;
}

art_status art_report_write_tables(const art_assessment *a, const char *dir, art_error *err)
{
    if (!a || !dir || !*dir)
        return art_error_set(err, ART_ERR_USAGE, "tables: no assessment or folder");
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        if (errno != ENOENT || mkdir(dir, 0755) != 0)
            return art_error_set(err, ART_ERR_IO, "%s: cannot create folder: %s", dir,
                                 strerror(errno));
    } else if (!S_ISDIR(sb.st_mode)) {
        return art_error_set(err, ART_ERR_IO, "%s: not a folder", dir);
    }
    static const char *const ext[2] = {"csv", "json"};
    for (size_t i = 0; i < NTABLES; i++)
        for (int f = 0; f < 2; f++) {
            size_t need = strlen(dir) + strlen(tables[i].name) + 8;
            char *path = malloc(need);
            if (!path)
                return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", dir);
            snprintf(path, need, "%s/%s.%s", dir, tables[i].name, ext[f]);
            art_status st = art_report_write_table_file(
                a, tables[i].name, f ? ART_TABLE_JSON : ART_TABLE_CSV, path, err);
            free(path);
            if (st != ART_OK)
                return st;
        }
    return ART_OK;
}
