/* Site bundles, the writing side: what a site sends the network (NDTi).
 *
 * A bundle is a zip of two entries: bundle.xml (the round's latest run:
 * scores, levels, evidence counts by Schein level and voice, the ladder,
 * ratings, reviews and the rubric's own text) and manifest.xml (format,
 * producer, time, site, round and the SHA-256 of bundle.xml).  bundle.xml
 * holds no time, so the same run exported twice has the same digest and
 * the network store takes it once.  The reading side is store_bundle.c;
 * the format is in docs/bundles.md and src/lib/schemas/bundle.rng. */
#include "bundle.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ */
/* What the bundle is made from                                        */
/* ------------------------------------------------------------------ */

typedef struct bundle_src {
    art_assessment *a;      /* the latest run, as reports see it */
    char *rubric_xml;       /* that run's rubric text */
    char *run_created;      /* when the site scored it */
    char *round_created;    /* when the site opened the round (orders trends) */
    art_rating *ratings;
    size_t nratings;
    art_review *reviews;
    size_t nreviews;
} bundle_src;

static void bundle_src_clear(bundle_src *b)
{
    art_assessment_free(b->a);
    free(b->rubric_xml);
    free(b->run_created);
    free(b->round_created);
    art_ratings_free(b->ratings, b->nratings);
    art_reviews_free(b->reviews, b->nreviews);
    memset(b, 0, sizeof *b);
}

static art_status load_run_text(art_store *s, long long round_id, bundle_src *b, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "SELECT b.xml, r.created_at, o.created_at FROM rubric_runs r "
                              "JOIN rubrics b ON b.sha256 = r.rubric_sha256 "
                              "JOIN rounds o ON o.id = r.round_id "
                              "WHERE r.round_id = ? ORDER BY r.id DESC LIMIT 1",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", round_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *xml = (const char *)sqlite3_column_blob(st, 0);
        b->rubric_xml = art_strndup(xml ? xml : "", (size_t)sqlite3_column_bytes(st, 0));
        b->run_created = art_strdup(col_text(st, 1));
        b->round_created = art_strdup(col_text(st, 2));
        if (!b->rubric_xml || (col_text(st, 1) && !b->run_created) ||
            (col_text(st, 2) && !b->round_created))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        r = art_error_set(err, ART_ERR_NOTFOUND,
                          "%s: this round has not been scored yet (run 'artefact score')", s->path);
    } else {
        r = db_error(s, err, "load rubric");
    }
    sqlite3_finalize(st);
    return r;
}

/* Self ratings first, then by rater and dimension: the order raters are
 * numbered in (self-1, external-1...), stable from one export to the next. */
static int cmp_rating(const void *x, const void *y)
{
    const art_rating *a = x, *b = y;
    if (a->role != b->role)
        return a->role == ART_ROLE_SELF ? -1 : 1;
    int c = strcmp(a->rater, b->rater);
    return c ? c : strcmp(a->dimension, b->dimension);
}

/* The assessment loaded the round's ratings and reviews (reviews oldest
 * first); the bundle takes them over. */
static void take_ratings_and_reviews(bundle_src *b)
{
    b->ratings = b->a->ratings;
    b->nratings = b->a->nratings;
    b->reviews = b->a->reviews;
    b->nreviews = b->a->nreviews;
    b->a->ratings = NULL;
    b->a->nratings = 0;
    b->a->reviews = NULL;
    b->a->nreviews = 0;
    if (b->nratings > 1)
        qsort(b->ratings, b->nratings, sizeof *b->ratings, cmp_rating);
}

/* Replace *text by its pseudonymised form (participants' names). */
static bool scrub(const name_map *m, char **text)
{
    if (!*text || m->n == 0)
        return true;
    char *clean = store_pseudonymise(m, *text, NULL);
    if (!clean)
        return false;
    free(*text);
    *text = clean;
    return true;
}

/* Stored quotes are pseudonymised when a run is saved; the bundle makes
 * sure again (a source or document may be named after a person too). */
static bool scrub_run(const name_map *m, art_assessment *a)
{
    bool ok = true;
    for (size_t i = 0; ok && i < a->ndims; i++)
        for (size_t k = 0; ok && k < a->dims[i].nev; k++) {
            art_evidence *e = &a->dims[i].ev[k];
            ok = scrub(m, &e->source) && scrub(m, &e->locator) && scrub(m, &e->quote) &&
                 scrub(m, &e->participant) && scrub(m, &e->indicator);
        }
    for (size_t i = 0; ok && i < a->ladder.nitems; i++) {
        art_ladder_item *it = &a->ladder.items[i];
        ok = scrub(m, &it->source) && scrub(m, &it->locator) && scrub(m, &it->quote) &&
             scrub(m, &it->phrase);
    }
    return ok;
}

/* Ratings and reviews are typed by people: a participant's name in a
 * rater, an author or a rationale becomes their pseudonym, as in the
 * evidence, whatever --reveal-names says. */
static art_status scrub_people(art_store *s, long long site_id, bundle_src *b, art_error *err)
{
    name_map m = {0};
    art_status r = store_name_map_load(s, site_id, &m, err);
    bool ok = r == ART_OK && scrub_run(&m, b->a);
    for (size_t i = 0; ok && i < b->nratings; i++)
        ok = scrub(&m, &b->ratings[i].rater) && scrub(&m, &b->ratings[i].rationale);
    for (size_t i = 0; ok && i < b->nreviews; i++)
        ok = scrub(&m, &b->reviews[i].author) && scrub(&m, &b->reviews[i].rationale);
    store_name_map_free(&m);
    if (r == ART_OK && !ok)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    return r;
}

static art_status bundle_src_load(art_store *s, const char *site, const char *round,
                                  bundle_src *b, art_error *err)
{
    long long site_id, round_id;
    art_status r = find_site(s, site, &site_id, err);
    if (r == ART_OK)
        r = find_round(s, site_id, round, &round_id, err);
    if (r == ART_OK)
        r = load_run_text(s, round_id, b, err);
    if (r == ART_OK)
        r = art_store_load_assessment(s, site, round, &b->a, err);
    if (r == ART_OK)
        take_ratings_and_reviews(b);
    if (r == ART_OK)
        r = scrub_people(s, site_id, b, err);
    return r;
}

/* ------------------------------------------------------------------ */
/* Pseudonyms of raters and review authors                             */
/* ------------------------------------------------------------------ */

/* Raters become "self-1", "external-1"... in the order of their names
 * within their role; a review's author who also rated keeps that
 * pseudonym, any other author becomes "reviewer-1"... */
typedef struct people {
    char **names;
    char **pseudos;
    size_t n;
    size_t per_label[3];    /* self, external, reviewer */
} people;

static void people_clear(people *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->names[i]);
        free(p->pseudos[i]);
    }
    free(p->names);
    free(p->pseudos);
    memset(p, 0, sizeof *p);
}

static const char *people_find(const people *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->names[i], name) == 0)
            return p->pseudos[i];
    return NULL;
}

static bool people_add(people *p, const char *name, int label)
{
    static const char *const labels[] = {"self", "external", "reviewer"};
    if (people_find(p, name))
        return true;
    char **nn = realloc(p->names, (p->n + 1) * sizeof *nn);
    if (!nn)
        return false;
    p->names = nn;
    char **np = realloc(p->pseudos, (p->n + 1) * sizeof *np);
    if (!np)
        return false;
    p->pseudos = np;
    char pseudo[32];
    snprintf(pseudo, sizeof pseudo, "%s-%zu", labels[label], ++p->per_label[label]);
    p->names[p->n] = art_strdup(name);
    p->pseudos[p->n] = art_strdup(pseudo);
    if (!p->names[p->n] || !p->pseudos[p->n]) {
        free(p->names[p->n]);
        free(p->pseudos[p->n]);
        return false;
    }
    p->n++;
    return true;
}

static bool people_build(const bundle_src *b, people *p)
{
    /* ratings are ordered by role (self first), then rater */
    for (size_t i = 0; i < b->nratings; i++)
        if (!people_add(p, b->ratings[i].rater, b->ratings[i].role == ART_ROLE_EXTERNAL ? 1 : 0))
            return false;
    for (size_t i = 0; i < b->nreviews; i++)
        if (!people_add(p, b->reviews[i].author, 2))
            return false;
    return true;
}

/* ------------------------------------------------------------------ */
/* Writing XML                                                         */
/* ------------------------------------------------------------------ */

typedef struct xw {
    xmlTextWriterPtr w;
    xmlBufferPtr buf;
    art_buf scratch;
    bool failed;
} xw;

static void xw_check(xw *x, int rc)
{
    if (rc < 0)
        x->failed = true;
}

/* Text as XML 1.0 allows it: invalid UTF-8 becomes U+FFFD, control
 * characters other than tab and line ends become spaces. */
static const char *xw_clean(xw *x, const char *s)
{
    art_buf_reset(&x->scratch);
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        i += k;
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
            cp = cp < 0x20 ? ' ' : 0xFFFD;
        char enc[4];
        art_buf_append(&x->scratch, enc, art_utf8_encode(cp, enc));
    }
    art_buf_putc(&x->scratch, '\0');
    if (x->scratch.failed) {
        x->failed = true;
        return "";
    }
    return x->scratch.data;
}

static void xw_start(xw *x, const char *name)
{
    if (!x->failed)
        xw_check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

static void xw_end(xw *x)
{
    if (!x->failed)
        xw_check(x, xmlTextWriterEndElement(x->w));
}

static void xw_attr(xw *x, const char *name, const char *value)
{
    if (x->failed || !value)
        return;
    const char *v = xw_clean(x, value);
    if (!x->failed)
        xw_check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST v));
}

static void xw_attr_size(xw *x, const char *name, unsigned long long v)
{
    char num[32];
    snprintf(num, sizeof num, "%llu", v);
    xw_attr(x, name, num);
}

/* Doubles with 17 significant digits, so they come back bit for bit;
 * left out when there is no number (NAN). */
static void xw_attr_num(xw *x, const char *name, double v)
{
    if (!isfinite(v))
        return;
    char num[40];
    snprintf(num, sizeof num, "%.17g", v);
    xw_attr(x, name, num);
}

static void xw_text(xw *x, const char *text)
{
    if (x->failed || !text || !*text)
        return;
    const char *v = xw_clean(x, text);
    if (!x->failed)
        xw_check(x, xmlTextWriterWriteString(x->w, BAD_CAST v));
}

static void xw_element(xw *x, const char *name, const char *text)
{
    xw_start(x, name);
    xw_text(x, text);
    xw_end(x);
}

static bool xw_open(xw *x, const char *root)
{
    memset(x, 0, sizeof *x);
    art_buf_init(&x->scratch);
    x->buf = xmlBufferCreate();
    x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
    if (!x->w)
        return false;
    xw_check(x, xmlTextWriterSetIndent(x->w, 1));
    xw_check(x, xmlTextWriterSetIndentString(x->w, BAD_CAST "  "));
    xw_check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
    if (!x->failed)
        xw_check(x, xmlTextWriterStartElementNS(x->w, NULL, BAD_CAST root, BAD_CAST BUNDLE_NS));
    char fmt[16];
    snprintf(fmt, sizeof fmt, "%d", ART_BUNDLE_FORMAT);
    xw_attr(x, "format", fmt);
    return !x->failed;
}

/* Close the document and hand its text to *out. */
static art_status xw_finish(xw *x, const char *what, art_buf *out, art_error *err)
{
    if (x->w && !x->failed)
        xw_check(x, xmlTextWriterEndDocument(x->w));
    if (x->w && !x->failed)
        xw_check(x, xmlTextWriterFlush(x->w));
    art_status r = ART_OK;
    if (!x->w || x->failed)
        r = art_error_set(err, ART_ERR_NOMEM, "%s: the XML writer failed", what);
    else
        art_buf_append(out, (const char *)xmlBufferContent(x->buf), (size_t)xmlBufferLength(x->buf));
    if (r == ART_OK && out->failed)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (x->w)
        xmlFreeTextWriter(x->w);
    if (x->buf)
        xmlBufferFree(x->buf);
    art_buf_free(&x->scratch);
    memset(x, 0, sizeof *x);
    return r;
}

/* ------------------------------------------------------------------ */
/* bundle.xml                                                          */
/* ------------------------------------------------------------------ */

static void write_plugins(xw *x, const art_assessment *a)
{
    xw_start(x, "plugins");
    for (size_t i = 0; i < a->nplugins; i++) {
        const art_plugin_result *p = &a->plugins[i];
        xw_start(x, "plugin");
        xw_attr(x, "name", p->name && *p->name ? p->name : "?");
        xw_attr(x, "version", p->version);
        xw_attr(x, "sha256", p->sha256[0] ? p->sha256 : NULL);
        xw_attr(x, "status", art_status_name(p->status));
        xw_attr(x, "error", p->error);
        xw_end(x);
    }
    xw_end(x);
}

static void write_counts(xw *x, const art_assessment *a)
{
    const art_counts *c = &a->counts;
    xw_start(x, "counts");
    xw_attr_size(x, "sources", (unsigned long long)c->sources);
    xw_attr_size(x, "documents", (unsigned long long)c->documents);
    xw_attr_size(x, "interviews", (unsigned long long)c->interviews);
    xw_attr_size(x, "segments", (unsigned long long)c->segments);
    xw_attr_size(x, "codes", (unsigned long long)c->codes);
    xw_attr_size(x, "codings", (unsigned long long)c->codings);
    xw_attr_size(x, "participants", (unsigned long long)c->participants);
    xw_attr_size(x, "stories", (unsigned long long)c->stories);
    xw_end(x);
    xw_start(x, "voices");
    for (int v = 0; v < ART_VOICE_COUNT; v++) {
        xw_start(x, "voice");
        xw_attr(x, "id", art_voice_id((art_voice)v));
        xw_attr_size(x, "participants", a->voice_participants[v]);
        xw_end(x);
    }
    xw_end(x);
}

static void write_quote(xw *x, const art_evidence *e)
{
    xw_start(x, "quote");
    xw_attr(x, "source", e->source);
    xw_attr(x, "locator", e->locator);
    xw_attr(x, "participant", e->participant);
    xw_attr(x, "indicator", e->indicator);
    xw_attr(x, "level", art_level_id(e->level));
    xw_attr(x, "voice", art_voice_id(e->voice));
    xw_attr(x, "facet", art_facet_id(e->facet));
    xw_attr(x, "direction", e->direction < 0 ? "-1" : "1");
    xw_attr_num(x, "weight", e->weight);
    xw_text(x, e->quote);
    xw_end(x);
}

static void write_dimension(xw *x, const art_dim_score *d, bool with_quotes)
{
    xw_start(x, "dimension");
    xw_attr(x, "id", d->id);
    xw_attr_num(x, "score", d->score);
    xw_attr_num(x, "espoused", d->espoused);
    xw_attr_num(x, "enacted", d->enacted);
    xw_attr_num(x, "target", d->target);
    xw_attr_num(x, "gap", d->gap);
    xw_attr_num(x, "confidence", d->confidence);
    xw_attr_size(x, "level", (unsigned long long)(d->level < 0 ? 0 : d->level));
    xw_attr(x, "insufficient", d->insufficient ? "1" : "0");
    xw_attr(x, "divergent", d->divergent ? "1" : "0");
    xw_attr_num(x, "divergence", d->divergence);
    xw_attr_size(x, "nsources", d->nsources);
    xw_attr_size(x, "nvoices", d->nvoices);
    xw_attr_size(x, "evidence", d->nev);
    for (int v = 0; v < ART_VOICE_COUNT; v++) {
        xw_start(x, "voice");
        xw_attr(x, "id", art_voice_id((art_voice)v));
        xw_attr_size(x, "count", d->voice_counts[v]);
        xw_end(x);
    }
    for (int k = 0; k < 3; k++) {
        xw_start(x, "level");
        xw_attr(x, "id", art_level_id((art_level)k));
        xw_attr_size(x, "count", d->level_counts[k]);
        xw_attr_num(x, "score", d->level_scores[k]);
        xw_end(x);
    }
    /* the store keeps a dictionary share only when the rubric gave one */
    if (!isnan(d->dict_share[0]) || !isnan(d->dict_share[1])) {
        xw_start(x, "dictionary");
        xw_attr_size(x, "documents-matched", d->dict_matched[0]);
        xw_attr_size(x, "documents-tokens", d->dict_tokens[0]);
        xw_attr_size(x, "interviews-matched", d->dict_matched[1]);
        xw_attr_size(x, "interviews-tokens", d->dict_tokens[1]);
        xw_end(x);
    }
    for (size_t k = 0; with_quotes && k < d->nev; k++)
        write_quote(x, &d->ev[k]);
    xw_end(x);
}

/* The ladder's passages by rung, scope and facet.  Sources are numbered
 * (distinct sources stay distinct, so "two passages in two sources" holds
 * in the network store too) and named, with the passage, only with quotes. */
static void write_ladder(xw *x, const art_ladder *l, bool with_quotes)
{
    xw_start(x, "ladder");
    for (size_t i = 0; i < l->nitems; i++) {
        const art_ladder_item *it = &l->items[i];
        const char *src = it->source ? it->source : "";
        size_t key = i;
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->items[j].source ? l->items[j].source : "", src) == 0) {
                key = j;
                break;
            }
        xw_start(x, "item");
        xw_attr_size(x, "rung", (unsigned long long)it->rung);
        xw_attr(x, "scope", art_scope_id(it->scope));
        xw_attr(x, "facet", art_facet_id(it->facet));
        xw_attr_size(x, "source-key", key + 1);
        if (with_quotes) {
            xw_attr(x, "source", it->source);
            xw_attr(x, "locator", it->locator);
            xw_attr(x, "phrase", it->phrase);
            xw_text(x, it->quote);
        }
        xw_end(x);
    }
    xw_end(x);
}

static void write_ratings(xw *x, const bundle_src *b, const people *p, bool reveal)
{
    xw_start(x, "ratings");
    for (size_t i = 0; i < b->nratings; i++) {
        const art_rating *r = &b->ratings[i];
        xw_start(x, "rating");
        xw_attr(x, "rater", reveal ? r->rater : people_find(p, r->rater));
        xw_attr(x, "role", art_rater_role_id(r->role));
        xw_attr(x, "dimension", r->dimension);
        xw_attr_size(x, "level", (unsigned long long)r->level);
        xw_text(x, r->rationale);
        xw_end(x);
    }
    xw_end(x);
    xw_start(x, "reviews");
    for (size_t i = 0; i < b->nreviews; i++) {
        const art_review *r = &b->reviews[i];
        xw_start(x, "review");
        xw_attr(x, "dimension", r->dimension);
        xw_attr(x, "author", reveal ? r->author : people_find(p, r->author));
        xw_attr(x, "kind", art_review_kind_id(r->kind));
        if (r->level >= 1 && r->level <= 5)
            xw_attr_size(x, "level", (unsigned long long)r->level);
        xw_attr(x, "created", r->created_at);
        xw_text(x, r->rationale);
        xw_end(x);
    }
    xw_end(x);
}

static art_status write_bundle_xml(const bundle_src *b, const art_bundle_opts *o, art_buf *out,
                                   art_error *err)
{
    const art_assessment *a = b->a;
    people p = {0};
    if (!people_build(b, &p)) {
        people_clear(&p);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    xw x;
    xw_open(&x, "bundle");
    xw_element(&x, "site", a->site);
    xw_element(&x, "round", a->round);
    xw_start(&x, "run");
    xw_attr(&x, "artefact-version", ART_VERSION);
    xw_attr(&x, "created", b->run_created);
    xw_attr(&x, "round-created", b->round_created);
    xw_attr_num(&x, "gap-threshold", a->gap_threshold);
    xw_attr(&x, "quotes", o->with_quotes ? "yes" : "no");
    xw_end(&x);
    xw_start(&x, "rubric");
    xw_attr(&x, "id", a->rubric_id);
    xw_attr(&x, "version", a->rubric_version);
    xw_attr(&x, "sha256", a->rubric_sha256);
    xw_text(&x, b->rubric_xml);
    xw_end(&x);
    if (a->code_map)
        xw_element(&x, "code-map", a->code_map);
    write_plugins(&x, a);
    write_counts(&x, a);
    xw_start(&x, "dimensions");
    for (size_t i = 0; i < a->ndims; i++)
        write_dimension(&x, &a->dims[i], o->with_quotes);
    xw_end(&x);
    write_ladder(&x, &a->ladder, o->with_quotes);
    write_ratings(&x, b, &p, o->reveal_names);
    people_clear(&p);
    return xw_finish(&x, "bundle.xml", out, err);
}

static art_status write_manifest_xml(const art_assessment *a, const char *bundle_sha,
                                     art_buf *out, art_error *err)
{
    char created[32], producer[64];
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm) || !strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(created, sizeof created, "1970-01-01T00:00:00Z");
    snprintf(producer, sizeof producer, "artefact %s", ART_VERSION);
    xw x;
    xw_open(&x, "manifest");
    xw_element(&x, "producer", producer);
    xw_element(&x, "created", created);
    xw_element(&x, "site", a->site);
    xw_element(&x, "round", a->round);
    xw_start(&x, "entry");
    xw_attr(&x, "name", BUNDLE_ENTRY);
    xw_attr(&x, "sha256", bundle_sha);
    xw_end(&x);
    return xw_finish(&x, MANIFEST_ENTRY, out, err);
}

art_status art_store_export_bundle(art_store *s, const char *site, const char *round,
                                   const art_bundle_opts *opts, const char *path,
                                   art_error *err)
{
    art_bundle_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    if (!s || !site || !round || !path)
        return art_error_set(err, ART_ERR_USAGE, "export bundle: site, round and file needed");
    bundle_src b = {0};
    art_buf body, manifest;
    art_buf_init(&body);
    art_buf_init(&manifest);
    art_status r = bundle_src_load(s, site, round, &b, err);
    if (r == ART_OK)
        r = write_bundle_xml(&b, opts, &body, err);
    char sha[65];
    if (r == ART_OK) {
        art_sha256_hex(body.data, body.len, sha);
        r = write_manifest_xml(b.a, sha, &manifest, err);
    }
    art_zip_writer *w = NULL;
    if (r == ART_OK)
        r = art_zip_writer_open(path, &w, err);
    if (r == ART_OK)
        r = art_zip_writer_add(w, MANIFEST_ENTRY, manifest.data, manifest.len, err);
    if (r == ART_OK)
        r = art_zip_writer_add(w, BUNDLE_ENTRY, body.data, body.len, err);
    if (r == ART_OK)
        r = art_zip_writer_finish(w, err);
    else if (w)
        art_zip_writer_abort(w);
    art_buf_free(&body);
    art_buf_free(&manifest);
    bundle_src_clear(&b);
    return r;
}
