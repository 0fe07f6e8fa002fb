/* Site bundles, the reading side: check a bundle, then merge it into a
 * (network) store.
 *
 * Every check comes before the store is touched: the zip within bounds,
 * exactly the entries the manifest lists with the digests it gives, a
 * format this artefact reads, bundle.xml valid against the compiled-in
 * schema, the rubric text matching its digest and every dimension one of
 * the rubric's.  Then one transaction writes the run; a bundle whose
 * bundle.xml digest the store already knows changes nothing. */
#include "bundle.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A bundle holds one round's numbers and, at most, its quotes. */
#define BUNDLE_MAX_BYTES ((size_t)64 << 20)

typedef struct parsed {
    const char *path;
    char sha[65];           /* of bundle.xml */
    char *producer, *created, *site, *round;   /* from the manifest */
    char *artefact_version;
    char *run_created;      /* when the site scored the run, or NULL */
    char *round_created;    /* when the site opened the round, or NULL */
    char *rubric_xml;
    art_rubric *rb;
    art_assessment *a;
    art_rating *ratings;
    size_t nratings;
    art_review *reviews;
    size_t nreviews;
    size_t ndims, nquotes;
} parsed;

static void parsed_clear(parsed *p)
{
    free(p->producer);
    free(p->created);
    free(p->site);
    free(p->round);
    free(p->artefact_version);
    free(p->run_created);
    free(p->round_created);
    free(p->rubric_xml);
    art_rubric_free(p->rb);
    art_assessment_free(p->a);
    art_ratings_free(p->ratings, p->nratings);
    art_reviews_free(p->reviews, p->nreviews);
    memset(p, 0, sizeof *p);
}

void art_bundle_import_stats_clear(art_bundle_import_stats *st)
{
    if (!st)
        return;
    free(st->site);
    free(st->round);
    memset(st, 0, sizeof *st);
}

/* ------------------------------------------------------------------ */
/* Tree helpers                                                        */
/* ------------------------------------------------------------------ */

static bool is_el(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name) && n->ns &&
           xmlStrEqual(n->ns->href, BAD_CAST BUNDLE_NS);
}

/* The next element at or after n (text and comments skipped). */
static xmlNode *elem(xmlNode *n)
{
    while (n && n->type != XML_ELEMENT_NODE)
        n = n->next;
    return n;
}

/* Attribute or content as a malloc'd string (NULL when absent); *oom set
 * when a copy failed. */
static char *prop(const xmlNode *n, const char *name, bool *oom)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    if (!v)
        return NULL;
    char *s = art_strdup((const char *)v);
    xmlFree(v);
    if (!s)
        *oom = true;
    return s;
}

static char *content(const xmlNode *n, bool *oom)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = art_strdup(v ? (const char *)v : "");
    xmlFree(v);
    if (!s)
        *oom = true;
    return s;
}

/* Non-empty content, or NULL. */
static char *content_or_null(const xmlNode *n, bool *oom)
{
    char *s = content(n, oom);
    if (s && !*s) {
        free(s);
        s = NULL;
    }
    return s;
}

/* The schema has checked these are numbers when present. */
static double prop_num(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    double d = v ? strtod((const char *)v, NULL) : NAN;
    xmlFree(v);
    return d;
}

static size_t prop_size(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    size_t k = v ? (size_t)strtoull((const char *)v, NULL, 10) : 0;
    xmlFree(v);
    return k;
}

static bool prop_is(const xmlNode *n, const char *name, const char *value)
{
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
    bool eq = v && strcmp((const char *)v, value) == 0;
    xmlFree(v);
    return eq;
}

/* ------------------------------------------------------------------ */
/* The zip and its manifest                                            */
/* ------------------------------------------------------------------ */

static bool want_entry(const char *name, void *ud)
{
    (void)ud;
    return strcmp(name, MANIFEST_ENTRY) == 0 || strcmp(name, BUNDLE_ENTRY) == 0;
}

static art_status damaged(const parsed *p, art_error *err, const char *what)
{
    return art_error_set(err, ART_ERR_FORMAT, "%s: bundle is damaged: %s", p->path, what);
}

static art_status check_format(const parsed *p, const xmlNode *root, art_error *err)
{
    char want[16];
    snprintf(want, sizeof want, "%d", ART_BUNDLE_FORMAT);
    if (prop_is(root, "format", want))
        return ART_OK;
    xmlChar *v = xmlGetNoNsProp(root, BAD_CAST "format");
    art_error_set(err, ART_ERR_UNSUPPORTED,
                  "%s: bundle format '%.20s' is not supported (this artefact reads format %d)",
                  p->path, v ? (const char *)v : "", ART_BUNDLE_FORMAT);
    xmlFree(v);
    return ART_ERR_UNSUPPORTED;
}

/* Each entry the manifest lists is there with its digest, and nothing
 * else is in the zip. */
static art_status check_entries(parsed *p, const art_zip *z, xmlNode *root, art_error *err)
{
    bool listed_bundle = false;
    for (xmlNode *n = elem(root->children); n; n = elem(n->next)) {
        if (!is_el(n, "entry"))
            continue;
        xmlChar *name = xmlGetNoNsProp(n, BAD_CAST "name");
        xmlChar *sha = xmlGetNoNsProp(n, BAD_CAST "sha256");
        const art_zip_entry *e = name ? art_zip_find(z, (const char *)name) : NULL;
        char what[160], got[65];
        art_status r = ART_OK;
        if (!name || !sha || strcmp((const char *)name, BUNDLE_ENTRY) != 0) {
            snprintf(what, sizeof what, "the manifest lists an entry this format does not have");
            r = damaged(p, err, what);
        } else if (!e || !e->data) {
            r = damaged(p, err, BUNDLE_ENTRY " is listed in the manifest but missing");
        } else {
            art_sha256_hex(e->data, e->len, got);
            if (strcmp(got, (const char *)sha) != 0)
                r = damaged(p, err, BUNDLE_ENTRY " does not match its digest");
            else {
                memcpy(p->sha, got, sizeof p->sha);
                listed_bundle = true;
            }
        }
        xmlFree(name);
        xmlFree(sha);
        if (r != ART_OK)
            return r;
    }
    if (!listed_bundle)
        return damaged(p, err, BUNDLE_ENTRY " is not in the manifest");
    for (size_t i = 0; i < z->nentries; i++) {
        const char *name = z->entries[i].name;
        if (z->entries[i].is_dir || strcmp(name, MANIFEST_ENTRY) == 0 ||
            strcmp(name, BUNDLE_ENTRY) == 0)
            continue;
        char what[160];
        snprintf(what, sizeof what, "entry '%.80s' is not in the manifest", name);
        return damaged(p, err, what);
    }
    return ART_OK;
}

static art_status read_manifest(parsed *p, const art_zip *z, art_error *err)
{
    const art_zip_entry *m = art_zip_find(z, MANIFEST_ENTRY);
    if (!m || !m->data)
        return art_error_set(err, ART_ERR_FORMAT, "%s: not a bundle: it has no %s", p->path,
                             MANIFEST_ENTRY);
    char name[1100];
    snprintf(name, sizeof name, "%s: %s", p->path, MANIFEST_ENTRY);
    xmlDoc *doc = art_xml_parse((const char *)m->data, m->len, name, err);
    if (!doc)
        return err ? err->status : ART_ERR_FORMAT;
    xmlNode *root = xmlDocGetRootElement(doc);
    art_status r = ART_OK;
    bool oom = false;
    if (!is_el(root, "manifest"))
        r = art_error_set(err, ART_ERR_FORMAT, "%s: not a bundle: %s is not a bundle manifest",
                          p->path, MANIFEST_ENTRY);
    if (r == ART_OK)
        r = check_format(p, root, err);
    for (xmlNode *n = r == ART_OK ? elem(root->children) : NULL; n; n = elem(n->next)) {
        char **slot = is_el(n, "producer") ? &p->producer
                      : is_el(n, "created") ? &p->created
                      : is_el(n, "site")    ? &p->site
                      : is_el(n, "round")   ? &p->round
                                            : NULL;
        if (slot && !*slot)
            *slot = content(n, &oom);
    }
    if (r == ART_OK && oom)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK && (!p->site || !*p->site || !p->round || !*p->round))
        r = damaged(p, err, "the manifest names no site or round");
    if (r == ART_OK)
        r = check_entries(p, z, root, err);
    xmlFreeDoc(doc);
    return r;
}

/* ------------------------------------------------------------------ */
/* bundle.xml: schema                                                  */
/* ------------------------------------------------------------------ */

typedef struct schema_report {
    bool have;
    long line;
    char element[64];
    char message[200];
} schema_report;

/* Keep the first error, on one line, without control characters. */
static void on_schema_error(void *ud, const xmlError *e)
{
    schema_report *rep = ud;
    if (rep->have || !e)
        return;
    rep->have = true;
    rep->line = e->line;
    const xmlNode *node = e->node;
    if (node && node->type == XML_ELEMENT_NODE && node->name) {
        snprintf(rep->element, sizeof rep->element, "%s", (const char *)node->name);
        if (xmlGetLineNo(node) > 0)
            rep->line = xmlGetLineNo(node);
    }
    snprintf(rep->message, sizeof rep->message, "%s", e->message ? e->message : "invalid");
    for (char *c = rep->message; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
    art_str_squash_space(rep->message);
}

static art_status validate_bundle(const parsed *p, xmlDoc *doc, art_error *err)
{
    schema_report rep = {0};
    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewMemParserCtxt((const char *)art_schema_bundle_rng,
                                                              (int)art_schema_bundle_rng_len);
    if (!pctx)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory loading the bundle schema",
                             p->path);
    xmlRelaxNGSetParserStructuredErrors(pctx, (xmlStructuredErrorFunc)on_schema_error, &rep);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctx);
    xmlRelaxNGFreeParserCtxt(pctx);
    if (!schema)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: the bundle schema compiled into artefact does not load: %s",
                             p->path, rep.have ? rep.message : "unknown error");
    art_status r = ART_OK;
    xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(schema);
    if (!vctx) {
        r = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory validating", p->path);
    } else {
        rep = (schema_report){0};
        xmlRelaxNGSetValidStructuredErrors(vctx, (xmlStructuredErrorFunc)on_schema_error, &rep);
        if (xmlRelaxNGValidateDoc(vctx, doc) != 0) {
            char where[96] = "";
            if (rep.line > 0)
                snprintf(where, sizeof where, "line %ld: ", rep.line);
            if (rep.element[0])
                snprintf(where + strlen(where), sizeof where - strlen(where), "<%s>: ",
                         rep.element);
            r = art_error_set(err, ART_ERR_FORMAT, "%s: %s: %sdoes not match the bundle schema: %s",
                              p->path, BUNDLE_ENTRY, where, rep.have ? rep.message : "invalid");
        }
        xmlRelaxNGFreeValidCtxt(vctx);
    }
    xmlRelaxNGFree(schema);
    return r;
}

/* ------------------------------------------------------------------ */
/* bundle.xml: building the run                                        */
/* ------------------------------------------------------------------ */

static art_status unknown_dimension(const parsed *p, const char *what, const char *id,
                                    art_error *err)
{
    return art_error_set(err, ART_ERR_FORMAT, "%s: %s: %s of '%.60s', not a dimension of the rubric",
                         p->path, BUNDLE_ENTRY, what, id ? id : "");
}

/* The rubric: its text must have the digest the bundle gives, and load. */
static art_status read_rubric(parsed *p, const xmlNode *n, art_error *err)
{
    bool oom = false;
    p->rubric_xml = content(n, &oom);
    if (oom)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    char sha[65];
    size_t len = strlen(p->rubric_xml);
    art_sha256_hex(p->rubric_xml, len, sha);
    if (!prop_is(n, "sha256", sha))
        return damaged(p, err, "the rubric text does not match its digest");
    art_error rerr;
    if (art_rubric_load_memory(p->rubric_xml, len, ART_STORED_RUBRIC, &p->rb, &rerr) != ART_OK)
        return art_error_set(err, ART_ERR_FORMAT, "%s: %s: the rubric does not load: %s", p->path,
                             BUNDLE_ENTRY, rerr.message);
    if (!prop_is(n, "id", p->rb->id) || !prop_is(n, "version", p->rb->version))
        return damaged(p, err, "the rubric's id or version is not the one its text gives");
    return ART_OK;
}

static art_status read_plugins(parsed *p, const xmlNode *list, art_error *err)
{
    art_assessment *a = p->a;
    bool oom = false;
    for (xmlNode *n = elem(list->children); n; n = elem(n->next)) {
        art_plugin_result *pl = realloc(a->plugins, (a->nplugins + 1) * sizeof *pl);
        if (!pl)
            return art_error_set(err, ART_ERR_NOMEM, "out of memory");
        a->plugins = pl;
        pl = &a->plugins[a->nplugins++];
        memset(pl, 0, sizeof *pl);
        pl->name = prop(n, "name", &oom);
        pl->version = prop(n, "version", &oom);
        pl->error = prop(n, "error", &oom);
        char *sha = prop(n, "sha256", &oom);
        snprintf(pl->sha256, sizeof pl->sha256, "%s", sha ? sha : "");
        free(sha);
        /* an unknown status name (a later artefact's) reads as a failure */
        pl->status = ART_ERR_PLUGIN;
        for (int k = ART_OK; k <= ART_ERR_NOTFOUND; k++)
            if (prop_is(n, "status", art_status_name((art_status)k)))
                pl->status = (art_status)k;
    }
    return oom ? art_error_set(err, ART_ERR_NOMEM, "out of memory") : ART_OK;
}

static void read_counts(parsed *p, const xmlNode *n)
{
    art_counts *c = &p->a->counts;
    c->sources = (long long)prop_size(n, "sources");
    c->documents = (long long)prop_size(n, "documents");
    c->interviews = (long long)prop_size(n, "interviews");
    c->segments = (long long)prop_size(n, "segments");
    c->codes = (long long)prop_size(n, "codes");
    c->codings = (long long)prop_size(n, "codings");
    c->participants = (long long)prop_size(n, "participants");
    c->stories = (long long)prop_size(n, "stories");
}

static void read_voices(parsed *p, const xmlNode *list)
{
    for (xmlNode *n = elem(list->children); n; n = elem(n->next)) {
        xmlChar *id = xmlGetNoNsProp(n, BAD_CAST "id");
        p->a->voice_participants[art_voice_from_id((const char *)id)] = prop_size(n, "participants");
        xmlFree(id);
    }
}

static art_status read_quote(parsed *p, art_dim_score *d, const xmlNode *n, art_error *err)
{
    art_evidence *ev = realloc(d->ev, (d->nev + 1) * sizeof *ev);
    if (!ev)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    d->ev = ev;
    art_evidence *e = &d->ev[d->nev++];
    memset(e, 0, sizeof *e);
    bool oom = false;
    e->source = prop(n, "source", &oom);
    e->locator = prop(n, "locator", &oom);
    e->participant = prop(n, "participant", &oom);
    e->indicator = prop(n, "indicator", &oom);
    e->quote = content(n, &oom);
    xmlChar *v = xmlGetNoNsProp(n, BAD_CAST "level");
    e->level = art_level_from_id((const char *)v);
    xmlFree(v);
    v = xmlGetNoNsProp(n, BAD_CAST "voice");
    e->voice = art_voice_from_id((const char *)v);
    xmlFree(v);
    e->facet = prop_is(n, "facet", "enacted") ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
    e->direction = prop_is(n, "direction", "-1") ? -1 : 1;
    e->weight = prop_num(n, "weight");
    p->nquotes++;
    return oom ? art_error_set(err, ART_ERR_NOMEM, "out of memory") : ART_OK;
}

static art_status read_dimension(parsed *p, const xmlNode *n, bool *seen, art_error *err)
{
    xmlChar *id = xmlGetNoNsProp(n, BAD_CAST "id");
    art_dim_score *d = NULL;
    for (size_t i = 0; id && i < p->a->ndims; i++)
        if (strcmp(p->a->dims[i].id, (const char *)id) == 0) {
            d = &p->a->dims[i];
            if (seen[i])
                d = NULL;
            else
                seen[i] = true;
        }
    if (!d) {
        art_status r = unknown_dimension(p, "scores", (const char *)id, err);
        xmlFree(id);
        return r;
    }
    xmlFree(id);
    p->ndims++;
    d->score = prop_num(n, "score");
    d->espoused = prop_num(n, "espoused");
    d->enacted = prop_num(n, "enacted");
    d->target = prop_num(n, "target");
    d->gap = prop_num(n, "gap");
    d->confidence = prop_num(n, "confidence");
    d->level = (int)prop_size(n, "level");
    d->insufficient = prop_is(n, "insufficient", "1");
    d->divergent = prop_is(n, "divergent", "1");
    d->divergence = prop_num(n, "divergence");
    d->nsources = prop_size(n, "nsources");
    d->nvoices = prop_size(n, "nvoices");
    art_status r = ART_OK;
    for (xmlNode *c = elem(n->children); r == ART_OK && c; c = elem(c->next)) {
        xmlChar *cid = xmlGetNoNsProp(c, BAD_CAST "id");
        if (is_el(c, "voice")) {
            d->voice_counts[art_voice_from_id((const char *)cid)] = prop_size(c, "count");
        } else if (is_el(c, "level")) {
            art_level lv = art_level_from_id((const char *)cid);
            if (lv >= 0 && lv < 3) {
                d->level_counts[lv] = prop_size(c, "count");
                d->level_scores[lv] = prop_num(c, "score");
            }
        } else if (is_el(c, "dictionary")) {
            d->dict_matched[0] = prop_size(c, "documents-matched");
            d->dict_tokens[0] = prop_size(c, "documents-tokens");
            d->dict_matched[1] = prop_size(c, "interviews-matched");
            d->dict_tokens[1] = prop_size(c, "interviews-tokens");
            for (int f = 0; f < 2; f++)
                d->dict_share[f] =
                    d->dict_tokens[f] ? (double)d->dict_matched[f] / d->dict_tokens[f] : NAN;
        } else if (is_el(c, "quote")) {
            r = read_quote(p, d, c, err);
        }
        xmlFree(cid);
    }
    return r;
}

static art_status read_ladder(parsed *p, const xmlNode *list, art_error *err)
{
    art_ladder *l = &p->a->ladder;
    bool oom = false;
    for (xmlNode *n = elem(list->children); n; n = elem(n->next)) {
        art_ladder_item *it = realloc(l->items, (l->nitems + 1) * sizeof *it);
        if (!it)
            return art_error_set(err, ART_ERR_NOMEM, "out of memory");
        l->items = it;
        it = &l->items[l->nitems++];
        memset(it, 0, sizeof *it);
        it->rung = (int)prop_size(n, "rung");
        it->scope = prop_is(n, "scope", "micro")       ? ART_SCOPE_MICRO
                    : prop_is(n, "scope", "strategic") ? ART_SCOPE_STRATEGIC
                                                       : ART_SCOPE_UNKNOWN;
        it->facet = prop_is(n, "facet", "enacted") ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
        it->source = prop(n, "source", &oom);
        if (!it->source && !oom) {
            /* no name without quotes: the key keeps distinct sources apart */
            char key[40];
            snprintf(key, sizeof key, "source %zu", prop_size(n, "source-key"));
            if (!(it->source = art_strdup(key)))
                oom = true;
        }
        it->locator = prop(n, "locator", &oom);
        it->phrase = prop(n, "phrase", &oom);
        it->quote = content_or_null(n, &oom);
    }
    return oom ? art_error_set(err, ART_ERR_NOMEM, "out of memory") : ART_OK;
}

static art_status read_ratings(parsed *p, const xmlNode *list, art_error *err)
{
    bool oom = false;
    for (xmlNode *n = elem(list->children); n; n = elem(n->next)) {
        char *dim = prop(n, "dimension", &oom);
        if (dim && !art_rubric_dimension(p->rb, dim)) {
            art_status r = unknown_dimension(p, "a rating", dim, err);
            free(dim);
            return r;
        }
        art_rating *rt = realloc(p->ratings, (p->nratings + 1) * sizeof *rt);
        if (!rt) {
            free(dim);
            return art_error_set(err, ART_ERR_NOMEM, "out of memory");
        }
        p->ratings = rt;
        rt = &p->ratings[p->nratings++];
        memset(rt, 0, sizeof *rt);
        rt->dimension = dim;
        rt->rater = prop(n, "rater", &oom);
        rt->role = prop_is(n, "role", "external") ? ART_ROLE_EXTERNAL : ART_ROLE_SELF;
        rt->level = (int)prop_size(n, "level");
        rt->rationale = content_or_null(n, &oom);
    }
    return oom ? art_error_set(err, ART_ERR_NOMEM, "out of memory") : ART_OK;
}

static art_status read_reviews(parsed *p, const xmlNode *list, art_error *err)
{
    bool oom = false;
    for (xmlNode *n = elem(list->children); n; n = elem(n->next)) {
        char *dim = prop(n, "dimension", &oom);
        if (dim && !art_rubric_dimension(p->rb, dim)) {
            art_status r = unknown_dimension(p, "a review", dim, err);
            free(dim);
            return r;
        }
        art_review *rv = realloc(p->reviews, (p->nreviews + 1) * sizeof *rv);
        if (!rv) {
            free(dim);
            return art_error_set(err, ART_ERR_NOMEM, "out of memory");
        }
        p->reviews = rv;
        rv = &p->reviews[p->nreviews++];
        memset(rv, 0, sizeof *rv);
        rv->dimension = dim;
        rv->author = prop(n, "author", &oom);
        rv->kind = prop_is(n, "kind", "override") ? ART_REVIEW_OVERRIDE : ART_REVIEW_ANNOTATION;
        rv->level = (int)prop_size(n, "level");
        rv->created_at = prop(n, "created", &oom);
        rv->rationale = content(n, &oom);
    }
    return oom ? art_error_set(err, ART_ERR_NOMEM, "out of memory") : ART_OK;
}

/* Walk bundle.xml (valid, so its elements come in the schema's order). */
static art_status read_body(parsed *p, xmlNode *root, art_error *err)
{
    bool oom = false;
    char *site = NULL, *round = NULL;
    double gap = 15;
    art_status r = ART_OK;
    bool *seen = NULL;
    for (xmlNode *n = elem(root->children); r == ART_OK && n; n = elem(n->next)) {
        if (is_el(n, "site")) {
            site = content(n, &oom);
        } else if (is_el(n, "round")) {
            round = content(n, &oom);
        } else if (is_el(n, "run")) {
            p->artefact_version = prop(n, "artefact-version", &oom);
            p->run_created = prop(n, "created", &oom);
            p->round_created = prop(n, "round-created", &oom);
            gap = prop_num(n, "gap-threshold");
        } else if (is_el(n, "rubric")) {
            if (!site || !round || strcmp(site, p->site) != 0 || strcmp(round, p->round) != 0)
                r = damaged(p, err, "the manifest and bundle.xml name different sites or rounds");
            if (r == ART_OK)
                r = read_rubric(p, n, err);
            if (r == ART_OK)
                r = art_assessment_from_rubric(p->rb, p->site, p->round, &p->a, err);
            if (r == ART_OK) {
                p->a->gap_threshold = gap;
                if (!(seen = calloc(p->a->ndims + 1, sizeof *seen)))
                    r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            }
        } else if (is_el(n, "code-map")) {
            p->a->code_map = content(n, &oom);
        } else if (is_el(n, "plugins")) {
            r = read_plugins(p, n, err);
        } else if (is_el(n, "counts")) {
            read_counts(p, n);
        } else if (is_el(n, "voices")) {
            read_voices(p, n);
        } else if (is_el(n, "dimensions")) {
            for (xmlNode *d = elem(n->children); r == ART_OK && d; d = elem(d->next))
                r = read_dimension(p, d, seen, err);
        } else if (is_el(n, "ladder")) {
            r = read_ladder(p, n, err);
        } else if (is_el(n, "ratings")) {
            r = read_ratings(p, n, err);
        } else if (is_el(n, "reviews")) {
            r = read_reviews(p, n, err);
        }
    }
    free(site);
    free(round);
    free(seen);
    if (r == ART_OK && oom)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK && !p->a)
        r = damaged(p, err, "bundle.xml holds no rubric");
    return r;
}

static art_status read_bundle(parsed *p, const art_zip *z, art_error *err)
{
    const art_zip_entry *e = art_zip_find(z, BUNDLE_ENTRY);
    char name[1100];
    snprintf(name, sizeof name, "%s: %s", p->path, BUNDLE_ENTRY);
    xmlDoc *doc = art_xml_parse((const char *)e->data, e->len, name, err);
    if (!doc)
        return err ? err->status : ART_ERR_FORMAT;
    xmlNode *root = xmlDocGetRootElement(doc);
    art_status r = ART_OK;
    if (!is_el(root, "bundle"))
        r = damaged(p, err, "bundle.xml is not a bundle");
    if (r == ART_OK)
        r = check_format(p, root, err);
    if (r == ART_OK)
        r = validate_bundle(p, doc, err);
    if (r == ART_OK)
        r = read_body(p, root, err);
    xmlFreeDoc(doc);
    return r;
}

/* ------------------------------------------------------------------ */
/* Merging into the store                                              */
/* ------------------------------------------------------------------ */

static art_status known_bundle(art_store *s, const char *sha, bool *known, art_error *err)
{
    long long id;
    art_status r = lookup_id(s, "SELECT 1 FROM bundles WHERE sha256 = ?", "t", err, &id, sha, NULL);
    *known = r == ART_OK;
    return r == ART_ERR_NOTFOUND ? ART_OK : r;
}

/* A rater's rating of a dimension replaces theirs; unchanged rows are left
 * alone (so their imported_at stays). */
static art_status save_ratings(art_store *s, long long round_id, const parsed *p, art_error *err)
{
    if (p->nratings == 0)
        return ART_OK;
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "INSERT INTO ratings(round_id, rater, role, dimension, level, "
                              "rationale) VALUES (?, ?, ?, ?, ?, ?) "
                              "ON CONFLICT(round_id, rater, dimension) DO UPDATE SET "
                              "role = excluded.role, level = excluded.level, "
                              "rationale = excluded.rationale "
                              "WHERE role IS NOT excluded.role OR level IS NOT excluded.level "
                              "OR rationale IS NOT excluded.rationale",
                              &st, err);
    for (size_t i = 0; r == ART_OK && i < p->nratings; i++) {
        const art_rating *rt = &p->ratings[i];
        db_bind(st, "itttit", round_id, rt->rater, art_rater_role_id(rt->role), rt->dimension,
                (long long)rt->level, rt->rationale);
        r = db_step_done(s, st, err);
    }
    sqlite3_finalize(st);
    return r;
}

/* Reviews are appended, except one the store already has (same words, same
 * author, same time): two bundles of one round carry the same reviews. */
static art_status save_reviews(art_store *s, long long round_id, const parsed *p, art_error *err)
{
    if (p->nreviews == 0)
        return ART_OK;
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "INSERT INTO reviews(round_id, dimension, author, kind, level, "
                              "rationale, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 "
                              "WHERE NOT EXISTS (SELECT 1 FROM reviews WHERE round_id = ?1 AND "
                              "dimension = ?2 AND author = ?3 AND kind = ?4 AND level IS ?5 AND "
                              "rationale = ?6 AND created_at = ?7)",
                              &st, err);
    for (size_t i = 0; r == ART_OK && i < p->nreviews; i++) {
        const art_review *rv = &p->reviews[i];
        db_bind(st, "ittttt" "t", round_id, rv->dimension, rv->author,
                art_review_kind_id(rv->kind), NULL, rv->rationale, rv->created_at);
        if (rv->level >= 1 && rv->level <= 5)
            sqlite3_bind_int(st, 5, rv->level);
        r = db_step_done(s, st, err);
    }
    sqlite3_finalize(st);
    return r;
}

/* A round the store does not have yet keeps the date the site opened it,
 * so the network's trends put rounds in the sites' order. */
static art_status import_round(art_store *s, long long site_id, const parsed *p,
                               long long *round_id, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(s,
                              "INSERT OR IGNORE INTO rounds(site_id, label, created_at) VALUES "
                              "(?, ?, COALESCE(?, strftime('%Y-%m-%dT%H:%M:%SZ','now')))",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "itt", site_id, p->round, p->round_created);
    r = db_step_done(s, st, err);
    sqlite3_finalize(st);
    return r == ART_OK ? find_round(s, site_id, p->round, round_id, err) : r;
}

static art_status merge(art_store *s, const parsed *p, bool *imported, art_error *err)
{
    long long site_id, round_id, run_id;
    char origin[80], gap[40], counts[512];
    snprintf(origin, sizeof origin, "bundle:%s", p->sha);
    run_counts_format(p->a, counts, sizeof counts);
    /* insert_returning_id binds text and integers only */
    snprintf(gap, sizeof gap, "%.17g", p->a->gap_threshold);
    *imported = false;
    art_status r = db_exec(s, "BEGIN IMMEDIATE", err);
    if (r != ART_OK)
        return r;
    bool known = false;
    r = known_bundle(s, p->sha, &known, err);
    if (r == ART_OK && known) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return ART_OK;
    }
    if (r == ART_OK &&
        (r = ensure_site(s, p->site, &site_id, err)) == ART_OK &&
        (r = import_round(s, site_id, p, &round_id, err)) == ART_OK &&
        (r = save_rubric(s, p->a, p->rubric_xml, strlen(p->rubric_xml), err)) == ART_OK &&
        (r = insert_returning_id(s,
                                 "INSERT INTO rubric_runs(round_id, rubric_sha256, artefact_version, "
                                 "code_map, gap_threshold, origin, created_at, counts) VALUES (?, ?, "
                                 "?, ?, ?, ?, COALESCE(?, strftime('%Y-%m-%dT%H:%M:%SZ','now')), ?)",
                                 "itttt" "ttt", &run_id, err, round_id, p->a->rubric_sha256,
                                 p->artefact_version ? p->artefact_version : "?", p->a->code_map,
                                 gap, origin, p->run_created, counts)) == ART_OK &&
        (r = save_plugins(s, run_id, p->a, err)) == ART_OK &&
        (r = save_scores(s, run_id, p->a, err)) == ART_OK &&
        (r = save_ladder(s, run_id, p->a, err)) == ART_OK &&
        (r = save_ratings(s, round_id, p, err)) == ART_OK &&
        (r = save_reviews(s, round_id, p, err)) == ART_OK) {
        sqlite3_stmt *st;
        r = db_prepare(s,
                       "INSERT INTO bundles(sha256, site_id, round, producer, created_at) "
                       "VALUES (?, ?, ?, ?, ?)",
                       &st, err);
        if (r == ART_OK) {
            db_bind(st, "titt" "t", p->sha, site_id, p->round, p->producer, p->created);
            r = db_step_done(s, st, err);
            sqlite3_finalize(st);
        }
    }
    if (r == ART_OK)
        r = db_exec(s, "COMMIT", err);
    if (r != ART_OK)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    else
        *imported = true;
    return r;
}

static art_status fill_stats(const parsed *p, bool imported, art_bundle_import_stats *out,
                             art_error *err)
{
    if (!out)
        return ART_OK;
    out->site = art_strdup(p->site);
    out->round = art_strdup(p->round);
    if (!out->site || !out->round) {
        art_bundle_import_stats_clear(out);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    memcpy(out->sha256, p->sha, sizeof out->sha256);
    out->imported = imported;
    out->ndims = p->ndims;
    out->nquotes = p->nquotes;
    out->nladder = p->a ? p->a->ladder.nitems : 0;
    out->nratings = p->nratings;
    out->nreviews = p->nreviews;
    return ART_OK;
}

art_status art_store_import_bundle(art_store *s, const char *path,
                                   art_bundle_import_stats *out, art_error *err)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!s || !path)
        return art_error_set(err, ART_ERR_USAGE, "import bundle: a store and a file needed");
    parsed p = {0};
    p.path = path;
    char *data = NULL;
    size_t len = 0;
    art_zip *z = NULL;
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_input = BUNDLE_MAX_BYTES;
    lim.max_entries = 16;
    lim.max_entry_bytes = BUNDLE_MAX_BYTES;
    lim.max_total_bytes = 2 * BUNDLE_MAX_BYTES;
    art_status r = art_read_file(path, BUNDLE_MAX_BYTES, &data, &len, err);
    if (r == ART_OK)
        r = art_zip_read(data, len, path, &lim, want_entry, NULL, &z, err);
    if (r == ART_OK)
        r = read_manifest(&p, z, err);
    if (r == ART_OK)
        r = read_bundle(&p, z, err);
    bool imported = false;
    if (r == ART_OK)
        r = merge(s, &p, &imported, err);
    if (r == ART_OK)
        r = fill_stats(&p, imported, out, err);
    art_zip_free(z);
    free(data);
    parsed_clear(&p);
    return r;
}
