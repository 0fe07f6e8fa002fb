/* Rubric files: parse (hardened libxml2), validate against the RelaxNG schema
 * compiled into the library, check what RelaxNG cannot, and build the
 * art_rubric the engine and plugins use.  The format is in docs/rubric.md. */
#include "internal.h"
#include "dict.h"

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* A rubric is a small hand-written file; anything bigger is not a rubric. */
#define RUBRIC_MAX_BYTES ((size_t)8 << 20)
/* Longer phrases never match real sentences and slow the matcher down. */
#define PHRASE_MAX_WORDS 16
#define RUBRIC_NAMESPACE "urn:artefact:rubric:1"
#define DEFAULT_TARGET 80.0
#define DEFAULT_WEIGHT 1.0

/* libxml2 2.12 made the structured error argument const. */
#if LIBXML_VERSION >= 21200
typedef const xmlError *art_xml_error_ptr;
#else
typedef xmlErrorPtr art_xml_error_ptr;
#endif

/* ------------------------------------------------------------------ */
/* Schema validation                                                   */
/* ------------------------------------------------------------------ */

/* The first validation error, kept by our own handler so that nothing goes
 * through libxml2's global error state and nothing is printed. */
typedef struct schema_report {
    bool have;
    bool have_node;     /* the kept error points at an element */
    long line;
    char element[64];
    char message[256];
} schema_report;

/* libxml2 messages may quote attribute values between single quotes; drop
 * what is quoted so an error message never carries document text, and tidy
 * the odd spacing of some messages ("an element , got"). */
static void sanitise_message(const char *in, char *out, size_t cap)
{
    size_t w = 0;
    bool quoted = false;
    for (const char *p = in; *p && w + 4 < cap; p++) {
        char c = *p;
        if (c == '\'') {
            if (!quoted && w + 6 < cap) {
                memcpy(out + w, "'...'", 5);
                w += 5;
            }
            quoted = !quoted;
            continue;
        }
        if (quoted)
            continue;
        if (c == '\n' || c == '\r')
            c = ' ';
        if (c == ',' && w > 0 && out[w - 1] == ' ')
            w--;
        out[w++] = c;
    }
    while (w > 0 && out[w - 1] == ' ')
        w--;
    out[w] = '\0';
}

static void on_schema_error(void *ctx, art_xml_error_ptr e)
{
    schema_report *rep = ctx;
    /* libxml2 sometimes reports a summary without a node first ("failed to
     * validate attributes") and the precise error next: keep the first error
     * that points at an element, or else the very first. */
    if (!e || rep->have_node || (rep->have && !e->node))
        return;
    rep->have = true;
    rep->line = e->line;
    rep->element[0] = '\0';
    const xmlNode *node = e->node;
    if (node && node->type == XML_ELEMENT_NODE && node->name) {
        long ln = xmlGetLineNo(node);
        if (ln > 0)
            rep->line = ln;
        snprintf(rep->element, sizeof rep->element, "%s", (const char *)node->name);
        rep->have_node = true;
    }
    sanitise_message(e->message ? e->message : "invalid", rep->message, sizeof rep->message);
}

static art_status report_schema_error(const schema_report *rep, const char *name,
                                      art_error *err)
{
    if (rep->element[0])
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: line %ld: <%s>: does not match the rubric schema: %s", name,
                             rep->line, rep->element, rep->message);
    return art_error_set(err, ART_ERR_FORMAT,
                         "%s: line %ld: does not match the rubric schema: %s", name, rep->line,
                         rep->message);
}

static bool explain_missing_part(xmlDoc *doc, const char *name, art_error *err);

static art_status validate_schema(xmlDoc *doc, const char *name, art_error *err)
{
    schema_report rep = {0};
    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewMemParserCtxt(
        (const char *)art_rubric_schema_rng, (int)art_rubric_schema_rng_len);
    if (!pctx)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory loading the rubric schema",
                             name);
    xmlRelaxNGSetParserStructuredErrors(pctx, on_schema_error, &rep);
    xmlRelaxNGPtr schema = xmlRelaxNGParse(pctx);
    xmlRelaxNGFreeParserCtxt(pctx);
    if (!schema)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: the rubric schema compiled into artefact does not load: %s",
                             name, rep.have ? rep.message : "unknown error");

    art_status st = ART_OK;
    xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(schema);
    if (!vctx) {
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory validating", name);
    } else {
        xmlRelaxNGSetValidStructuredErrors(vctx, on_schema_error, &rep);
        int rc = xmlRelaxNGValidateDoc(vctx, doc);
        if (rc != 0) {
            if (!rep.have)
                snprintf(rep.message, sizeof rep.message, "%s",
                         rc < 0 ? "validation failed internally" : "invalid");
            st = explain_missing_part(doc, name, err) ? ART_ERR_FORMAT
                                                      : report_schema_error(&rep, name, err);
        }
        xmlRelaxNGFreeValidCtxt(vctx);
    }
    xmlRelaxNGFree(schema);
    return st;
}

/* ------------------------------------------------------------------ */
/* Tree helpers (the tree has passed the schema when these run)        */
/* ------------------------------------------------------------------ */

static bool is_element(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static xmlNode *first_child(const xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent->children; c; c = c->next)
        if (is_element(c, name))
            return c;
    return NULL;
}

static xmlNode *next_sibling(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n->next; c; c = c->next)
        if (is_element(c, name))
            return c;
    return NULL;
}

/* Text content with white space squashed, malloc'd; NULL only on no memory. */
static char *node_text(const xmlNode *n)
{
    xmlChar *raw = xmlNodeGetContent(n);
    char *s = art_strdup(raw ? (const char *)raw : "");
    xmlFree(raw);
    if (s)
        art_str_squash_space(s);
    return s;
}

/* Attribute value squashed, malloc'd, or NULL when absent.  *nomem tells the
 * two NULLs apart. */
static char *node_attr(const xmlNode *n, const char *name, bool *nomem)
{
    xmlChar *raw = xmlGetProp(n, BAD_CAST name);
    if (!raw)
        return NULL;
    char *s = art_strdup((const char *)raw);
    xmlFree(raw);
    if (!s)
        *nomem = true;
    else
        art_str_squash_space(s);
    return s;
}

/* libxml2 reports a missing required element as an unexpected next one
 * ("Did not expect element indicators there"); when a dimension or the root
 * lacks one of its required parts, name the missing part instead. */
static bool explain_missing_part(xmlDoc *doc, const char *name, art_error *err)
{
    static const char *const root_parts[] = {"title", "description", "provenance", "dimension"};
    static const char *const dim_parts[] = {"name",      "description", "low-pole",
                                            "cls-value", "levels",      "indicators"};
    const xmlNode *root = xmlDocGetRootElement(doc);
    if (!is_element(root, "rubric") || !root->ns ||
        !xmlStrEqual(root->ns->href, BAD_CAST RUBRIC_NAMESPACE))
        return false;
    for (size_t i = 0; i < sizeof root_parts / sizeof root_parts[0]; i++)
        if (!first_child(root, root_parts[i])) {
            art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: <rubric> has no <%s>", name,
                          (long)xmlGetLineNo(root), root_parts[i]);
            return true;
        }
    for (const xmlNode *d = first_child(root, "dimension"); d; d = next_sibling(d, "dimension"))
        for (size_t i = 0; i < sizeof dim_parts / sizeof dim_parts[0]; i++)
            if (!first_child(d, dim_parts[i])) {
                xmlChar *id = xmlGetProp(d, BAD_CAST "id");
                art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: dimension '%s' has no <%s>",
                              name, (long)xmlGetLineNo(d), id ? (const char *)id : "?",
                              dim_parts[i]);
                xmlFree(id);
                return true;
            }
    return false;
}

/* Parse an xsd:decimal ("80", "-1.5", ".5", "+2.") without strtod, whose
 * decimal point depends on the locale. */
static bool parse_decimal(const char *s, double *out)
{
    double sign = 1.0, v = 0.0, scale = 1.0;
    bool digits = false;
    if (*s == '+' || *s == '-')
        sign = (*s++ == '-') ? -1.0 : 1.0;
    for (; *s >= '0' && *s <= '9'; s++, digits = true)
        v = v * 10.0 + (*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, digits = true)
            v += (*s - '0') * (scale /= 10.0);
    *out = sign * v;
    return digits && *s == '\0';
}

static long line_of(const xmlNode *n)
{
    long ln = xmlGetLineNo(n);
    return ln > 0 ? ln : 0;
}

/* ------------------------------------------------------------------ */
/* Building the rubric, with the checks RelaxNG cannot make            */
/* ------------------------------------------------------------------ */

typedef struct loader {
    const char *name;       /* file name for messages */
    art_error *err;
    art_rubric *r;
    const char *base_dir;   /* where <dictionary> files are found; NULL: not read */
} loader;

static art_status nomem(loader *ld)
{
    return art_error_set(ld->err, ART_ERR_NOMEM, "%s: out of memory", ld->name);
}

/* Words as the matcher sees them: runs of letters, digits and '*'; any other
 * ASCII character separates words.  Bytes >= 0x80 count as letters. */
static bool is_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || c == '*';
}

static void count_words(const char *s, size_t *words, size_t *wild_only)
{
    *words = *wild_only = 0;
    while (*s) {
        if (!is_word_byte((unsigned char)*s)) {
            s++;
            continue;
        }
        const char *start = s;
        while (*s && is_word_byte((unsigned char)*s))
            s++;
        (*words)++;
        if (s - start == 1 && *start == '*')
            (*wild_only)++;
    }
}

/* A phrase the matcher can use: some words, not too many, not only
 * wildcards.  `owner` names where it sits ("dimension 'trust'"), `what` what
 * it is ("indicator phrase"), for the message. */
static art_status check_words(loader *ld, const xmlNode *n, const char *owner, const char *what,
                              const char *phrase)
{
    size_t words, wild;
    count_words(phrase, &words, &wild);
    if (words == 0)
        return art_error_set(ld->err, ART_ERR_FORMAT, "%s: line %ld: %s: %s has no words",
                             ld->name, line_of(n), owner, what);
    if (words > PHRASE_MAX_WORDS)
        return art_error_set(ld->err, ART_ERR_FORMAT,
                             "%s: line %ld: %s: %s has %zu words (at most %d)", ld->name,
                             line_of(n), owner, what, words, PHRASE_MAX_WORDS);
    if (wild == words)
        return art_error_set(ld->err, ART_ERR_FORMAT, "%s: line %ld: %s: %s is only wildcards",
                             ld->name, line_of(n), owner, what);
    return ART_OK;
}

static art_status check_phrase(loader *ld, const art_dimension *d, const xmlNode *n,
                               const char *phrase)
{
    char owner[96];
    snprintf(owner, sizeof owner, "dimension '%s'", d->id);
    return check_words(ld, n, owner, "indicator phrase", phrase);
}

static int parse_direction(const char *s)
{
    return (s && strcmp(s, "low") == 0) ? -1 : +1;
}

static art_status load_indicator(loader *ld, art_dimension *d, const xmlNode *n)
{
    art_indicator *ind = &d->indicators[d->nindicators];
    bool oom = false;
    char *dir = node_attr(n, "direction", &oom);
    char *weight = node_attr(n, "weight", &oom);
    char *level = node_attr(n, "level", &oom);
    ind->provenance = node_attr(n, "source", &oom);
    ind->phrase = node_text(n);
    ind->direction = parse_direction(dir);
    ind->level = art_level_from_id(level);
    ind->weight = DEFAULT_WEIGHT;
    d->nindicators++;   /* owned by d from here, so art_rubric_free releases it */

    art_status st = ART_OK;
    if (oom || !ind->phrase)
        st = nomem(ld);
    else if (weight && (!parse_decimal(weight, &ind->weight) || !(ind->weight > 0.0)))
        st = art_error_set(ld->err, ART_ERR_FORMAT,
                           "%s: line %ld: dimension '%s': indicator weight must be a number "
                           "greater than 0",
                           ld->name, line_of(n), d->id);
    else
        st = check_phrase(ld, d, n, ind->phrase);
    free(dir);
    free(weight);
    free(level);
    return st;
}

/* The same phrase twice in one dimension is a slip (and, with opposite
 * directions, a contradiction); phrases compare case-insensitively. */
static art_status check_repeated_phrases(loader *ld, const art_dimension *d,
                                         const xmlNode *indicators)
{
    const xmlNode *n = first_child(indicators, "indicator");
    for (size_t i = 0; i < d->nindicators && n; i++, n = next_sibling(n, "indicator"))
        for (size_t j = 0; j < i; j++)
            if (art_strcasecmp_ascii(d->indicators[i].phrase, d->indicators[j].phrase) == 0)
                return art_error_set(ld->err, ART_ERR_FORMAT,
                                     "%s: line %ld: dimension '%s': indicator phrase repeats "
                                     "an earlier one",
                                     ld->name, line_of(n), d->id);
    return ART_OK;
}

static art_status load_indicators(loader *ld, art_dimension *d, const xmlNode *dim_node)
{
    const xmlNode *list = first_child(dim_node, "indicators");
    size_t n = 0;
    for (const xmlNode *c = first_child(list, "indicator"); c; c = next_sibling(c, "indicator"))
        n++;
    d->indicators = calloc(n ? n : 1, sizeof *d->indicators);
    if (!d->indicators)
        return nomem(ld);
    int toward_cls = 0, toward_low = 0;
    for (const xmlNode *c = first_child(list, "indicator"); c; c = next_sibling(c, "indicator")) {
        art_status st = load_indicator(ld, d, c);
        if (st != ART_OK)
            return st;
        if (d->indicators[d->nindicators - 1].direction > 0)
            toward_cls++;
        else
            toward_low++;
    }
    /* A scale needs evidence both ways, or every score sits at one end. */
    if (toward_cls == 0 || toward_low == 0)
        return art_error_set(ld->err, ART_ERR_FORMAT,
                             "%s: line %ld: dimension '%s' has no indicator toward the %s",
                             ld->name, line_of(list), d->id,
                             toward_cls == 0 ? "CLS value (direction=\"cls\")"
                                             : "low pole (direction=\"low\")");
    return check_repeated_phrases(ld, d, list);
}

static art_status load_codes(loader *ld, art_dimension *d, const xmlNode *dim_node)
{
    const xmlNode *list = first_child(dim_node, "codes");
    if (!list)
        return ART_OK;
    size_t n = 0;
    for (const xmlNode *c = first_child(list, "code"); c; c = next_sibling(c, "code"))
        n++;
    d->codes = calloc(n ? n : 1, sizeof *d->codes);
    if (!d->codes)
        return nomem(ld);
    for (const xmlNode *c = first_child(list, "code"); c; c = next_sibling(c, "code")) {
        bool oom = false;
        art_code_map *cm = &d->codes[d->ncodes++];
        char *dir = node_attr(c, "direction", &oom);
        cm->pattern = node_attr(c, "pattern", &oom);
        cm->direction = parse_direction(dir);
        free(dir);
        if (oom || !cm->pattern)
            return nomem(ld);
    }
    return ART_OK;
}

/* <practice>: next-step examples toward the CLS value, kept as plain strings
 * (their source attribute documents the rubric, reports show the text). */
static art_status load_practice(loader *ld, art_dimension *d, const xmlNode *dim_node)
{
    const xmlNode *list = first_child(dim_node, "practice");
    if (!list)
        return ART_OK;
    size_t n = 0;
    for (const xmlNode *c = first_child(list, "example"); c; c = next_sibling(c, "example"))
        n++;
    d->practice = calloc(n ? n : 1, sizeof *d->practice);
    if (!d->practice)
        return nomem(ld);
    for (const xmlNode *c = first_child(list, "example"); c; c = next_sibling(c, "example")) {
        d->practice[d->npractice] = node_text(c);
        if (!d->practice[d->npractice])
            return nomem(ld);
        d->npractice++;
    }
    return ART_OK;
}

static art_status load_levels(loader *ld, art_dimension *d, const xmlNode *dim_node)
{
    const xmlNode *list = first_child(dim_node, "levels");
    for (const xmlNode *c = first_child(list, "level"); c; c = next_sibling(c, "level")) {
        bool oom = false;
        char *nstr = node_attr(c, "n", &oom);
        int n = (nstr && nstr[0] >= '1' && nstr[0] <= '5' && !nstr[1]) ? nstr[0] - '0' : 0;
        free(nstr);
        if (oom)
            return nomem(ld);
        if (n == 0)
            return art_error_set(ld->err, ART_ERR_FORMAT,
                                 "%s: line %ld: dimension '%s': level number must be 1 to 5",
                                 ld->name, line_of(c), d->id);
        if (d->levels[n - 1])
            return art_error_set(ld->err, ART_ERR_FORMAT,
                                 "%s: line %ld: dimension '%s': level %d appears twice",
                                 ld->name, line_of(c), d->id, n);
        d->levels[n - 1] = node_text(c);
        if (!d->levels[n - 1])
            return nomem(ld);
    }
    for (int i = 0; i < ART_LEVELS; i++)
        if (!d->levels[i])
            return art_error_set(ld->err, ART_ERR_FORMAT,
                                 "%s: line %ld: dimension '%s': level %d is missing", ld->name,
                                 line_of(list), d->id, i + 1);
    return ART_OK;
}

static art_status load_target(loader *ld, art_dimension *d, const xmlNode *dim_node)
{
    bool oom = false;
    char *t = node_attr(dim_node, "target", &oom);
    if (oom)
        return nomem(ld);
    d->target = DEFAULT_TARGET;
    bool ok = !t || parse_decimal(t, &d->target);
    free(t);
    if (!ok || d->target < 0.0 || d->target > 100.0)
        return art_error_set(ld->err, ART_ERR_FORMAT,
                             "%s: line %ld: dimension '%s': target %g is outside 0..100",
                             ld->name, line_of(dim_node), d->id, d->target);
    return ART_OK;
}

/* Grow d->indicators by one (indicators are otherwise sized up front). */
static art_indicator *append_indicator(art_dimension *d)
{
    art_indicator *p = realloc(d->indicators, (d->nindicators + 1) * sizeof *p);
    if (!p)
        return NULL;
    d->indicators = p;
    art_indicator *ind = &p[d->nindicators];
    memset(ind, 0, sizeof *ind);
    return ind;
}

/* A dictionary file may only sit beside the rubric or below it: a rubric
 * must not steer reads elsewhere on the disk. */
static bool safe_dictionary_name(const char *f)
{
    return f[0] != '/' && !strstr(f, "..") && !strchr(f, '\\');
}

/* <dictionary file category direction weight>: every entry of one category
 * of a LIWC-format dictionary becomes an indicator of the dimension, with
 * "dictionary FILE: CATEGORY" as its provenance.  Entries the matcher cannot
 * read (emoticons, punctuation) are left out.  A rubric read back from the
 * store (no base_dir) keeps its dimensions but does not read dictionaries:
 * only scoring needs them. */
static art_status load_dictionaries(loader *ld, art_dimension *d, const xmlNode *dim_node)
{
    for (const xmlNode *c = first_child(dim_node, "dictionary"); c && ld->base_dir;
         c = next_sibling(c, "dictionary")) {
        bool oom = false;
        char *file = node_attr(c, "file", &oom), *cat = node_attr(c, "category", &oom);
        char *dir = node_attr(c, "direction", &oom), *weight = node_attr(c, "weight", &oom);
        art_status st = ART_OK;
        double w = DEFAULT_WEIGHT;
        art_dict *dict = NULL;
        if (oom || !file || !cat)
            st = nomem(ld);
        else if (!safe_dictionary_name(file))
            st = art_error_set(ld->err, ART_ERR_FORMAT,
                               "%s: line %ld: dictionary file must be beside the rubric",
                               ld->name, line_of(c));
        else if (weight && (!parse_decimal(weight, &w) || !(w > 0.0)))
            st = art_error_set(ld->err, ART_ERR_FORMAT,
                               "%s: line %ld: dictionary weight must be above 0", ld->name,
                               line_of(c));
        if (st == ART_OK) {
            art_buf path;
            art_buf_init(&path);
            art_buf_printf(&path, "%s/%s", ld->base_dir, file);
            st = path.failed ? nomem(ld) : art_dict_load(path.data, &dict, ld->err);
            art_buf_free(&path);
        }
        size_t k = 0, n = 0;
        const char *const *phrases = NULL;
        if (st == ART_OK) {
            k = art_dict_find_category(dict, cat);
            if (k == (size_t)-1 || k >= art_dict_ncategories(dict))
                st = art_error_set(ld->err, ART_ERR_FORMAT,
                                   "%s: line %ld: dictionary '%s' has no category '%s'",
                                   ld->name, line_of(c), file, cat);
            else
                phrases = art_dict_phrases(dict, k, &n);
        }
        art_buf prov;
        art_buf_init(&prov);
        art_buf_printf(&prov, "dictionary %s: %s", file, cat);
        for (size_t i = 0; st == ART_OK && i < n; i++) {
            if (art_matcher_check_phrase(phrases[i], NULL) != ART_OK)
                continue;
            art_indicator *ind = append_indicator(d);
            if (!ind || prov.failed) {
                st = nomem(ld);
                break;
            }
            ind->phrase = art_strdup(phrases[i]);
            ind->provenance = art_strdup(prov.data);
            ind->direction = parse_direction(dir);
            ind->weight = w;
            ind->level = ART_LEVEL_NONE;
            d->nindicators++;
            if (!ind->phrase || !ind->provenance)
                st = nomem(ld);
        }
        art_buf_free(&prov);
        art_dict_free(dict);
        free(file);
        free(cat);
        free(dir);
        free(weight);
        if (st != ART_OK)
            return st;
    }
    return ART_OK;
}

static art_status load_dimension(loader *ld, art_dimension *d, const xmlNode *n)
{
    bool oom = false;
    d->id = node_attr(n, "id", &oom);
    d->name = node_text(first_child(n, "name"));
    d->description = node_text(first_child(n, "description"));
    d->low_pole = node_text(first_child(n, "low-pole"));
    d->cls_value = node_text(first_child(n, "cls-value"));
    if (oom || !d->id || !d->name || !d->description || !d->low_pole || !d->cls_value)
        return nomem(ld);
    art_status st = load_target(ld, d, n);
    if (st == ART_OK)
        st = load_levels(ld, d, n);
    if (st == ART_OK)
        st = load_indicators(ld, d, n);
    if (st == ART_OK)
        st = load_codes(ld, d, n);
    if (st == ART_OK)
        st = load_practice(ld, d, n);
    if (st == ART_OK)
        st = load_dictionaries(ld, d, n);
    return st;
}

static const art_dimension *find_dimension(const art_rubric *r, const char *id, size_t upto)
{
    for (size_t i = 0; i < upto && id; i++)
        if (r->dims[i].id && strcmp(r->dims[i].id, id) == 0)
            return &r->dims[i];
    return NULL;
}

static art_status load_dimensions(loader *ld, const xmlNode *root)
{
    art_rubric *r = ld->r;
    size_t n = 0;
    for (const xmlNode *c = first_child(root, "dimension"); c; c = next_sibling(c, "dimension"))
        n++;
    r->dims = calloc(n ? n : 1, sizeof *r->dims);
    if (!r->dims)
        return nomem(ld);
    for (const xmlNode *c = first_child(root, "dimension"); c;
         c = next_sibling(c, "dimension")) {
        art_dimension *d = &r->dims[r->ndims++];
        art_status st = load_dimension(ld, d, c);
        if (st != ART_OK)
            return st;
        if (find_dimension(r, d->id, r->ndims - 1))
            return art_error_set(ld->err, ART_ERR_FORMAT,
                                 "%s: line %ld: dimension id '%s' is used twice", ld->name,
                                 line_of(c), d->id);
    }
    return ART_OK;
}

/* <related ref="..."/> must name another dimension of the same rubric; the
 * check runs after all dimensions are known, so forward references work. */
static art_status check_references(loader *ld, const xmlNode *root)
{
    for (const xmlNode *dn = first_child(root, "dimension"); dn;
         dn = next_sibling(dn, "dimension")) {
        bool oom = false;
        char *self = node_attr(dn, "id", &oom);
        for (const xmlNode *rel = first_child(dn, "related"); rel && !oom;
             rel = next_sibling(rel, "related")) {
            char *ref = node_attr(rel, "ref", &oom);
            art_status st = ART_OK;
            if (!oom && !find_dimension(ld->r, ref, ld->r->ndims))
                st = art_error_set(ld->err, ART_ERR_FORMAT,
                                   "%s: line %ld: dimension '%s' refers to unknown dimension "
                                   "'%s'",
                                   ld->name, line_of(rel), self ? self : "?", ref ? ref : "");
            else if (!oom && self && ref && strcmp(self, ref) == 0)
                st = art_error_set(ld->err, ART_ERR_FORMAT,
                                   "%s: line %ld: dimension '%s' refers to itself", ld->name,
                                   line_of(rel), self);
            free(ref);
            if (st != ART_OK) {
                free(self);
                return st;
            }
        }
        free(self);
        if (oom)
            return nomem(ld);
    }
    return ART_OK;
}

static art_status check_provenance(loader *ld, const xmlNode *root)
{
    const xmlNode *prov = first_child(root, "provenance");
    for (const xmlNode *a = first_child(prov, "source"); a; a = next_sibling(a, "source"))
        for (const xmlNode *b = first_child(prov, "source"); b != a;
             b = next_sibling(b, "source")) {
            xmlChar *ida = xmlGetProp(a, BAD_CAST "id");
            xmlChar *idb = xmlGetProp(b, BAD_CAST "id");
            bool same = ida && idb && xmlStrEqual(ida, idb);
            xmlFree(ida);
            xmlFree(idb);
            if (same)
                return art_error_set(ld->err, ART_ERR_FORMAT,
                                     "%s: line %ld: provenance source id is used twice",
                                     ld->name, line_of(a));
        }
    return ART_OK;
}

/* ------------------------------------------------------------------ */
/* Phrase groups beside the dimensions: ladder, scopes, outcomes, routes */
/* ------------------------------------------------------------------ */

/* What differs between the four kinds of phrase group. */
typedef struct group_kind {
    const char *list;       /* container element: "ladder" */
    const char *item;       /* item element: "rung" */
    const char *label;      /* in messages: "ladder rung" */
    int max_rank;           /* ranks run 1..max_rank; 0 = the item has no rank */
    size_t exact;           /* required number of items; 0 = any */
    bool phrases_unique;    /* one phrase may not sit in two items (it would contradict) */
} group_kind;

static const group_kind LADDER = {"ladder", "rung", "ladder rung", ART_RUNGS, ART_RUNGS, true};
static const group_kind SCOPES = {"scopes", "scope", "scope", 0, 0, true};
static const group_kind OUTCOMES = {"outcomes", "outcome", "outcome", ART_OUTCOMES, 0, false};
static const group_kind ROUTES = {"routes", "route", "route", 0, 0, true};

static void group_clear(art_phrase_group *g)
{
    free(g->id);
    free(g->name);
    free(g->description);
    for (size_t i = 0; i < g->nphrases; i++)
        free(g->phrases[i]);
    free(g->phrases);
}

static void groups_free(art_phrase_group *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        group_clear(&v[i]);
    free(v);
}

/* An xsd:integer (the schema has checked the form) as a rank; 0 when it is
 * out of 1..max, which no valid rank is. */
static int parse_rank(const char *s, int max)
{
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    long v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > max)
            return 0;
    }
    return (neg || *s || v < 1) ? 0 : (int)v;
}

static art_status load_rank(loader *ld, const group_kind *k, art_phrase_group *g,
                            const xmlNode *n)
{
    if (k->max_rank == 0)
        return ART_OK;
    bool oom = false;
    char *rank = node_attr(n, "rank", &oom);
    if (oom)
        return nomem(ld);
    g->rank = rank ? parse_rank(rank, k->max_rank) : 0;
    art_status st = ART_OK;
    if (g->rank == 0)
        st = art_error_set(ld->err, ART_ERR_FORMAT, "%s: line %ld: %s '%s': rank %.12s is "
                           "outside 1..%d", ld->name, line_of(n), k->label, g->id,
                           rank ? rank : "?", k->max_rank);
    free(rank);
    return st;
}

static art_status load_group_phrases(loader *ld, const group_kind *k, art_phrase_group *g,
                                     const xmlNode *n)
{
    size_t count = 0;
    for (const xmlNode *c = first_child(n, "phrase"); c; c = next_sibling(c, "phrase"))
        count++;
    g->phrases = calloc(count ? count : 1, sizeof *g->phrases);
    if (!g->phrases)
        return nomem(ld);
    char owner[96];
    snprintf(owner, sizeof owner, "%s '%s'", k->label, g->id);
    for (const xmlNode *c = first_child(n, "phrase"); c; c = next_sibling(c, "phrase")) {
        char *ph = node_text(c);
        if (!ph)
            return nomem(ld);
        g->phrases[g->nphrases++] = ph;
        art_status st = check_words(ld, c, owner, "phrase", ph);
        if (st != ART_OK)
            return st;
        for (size_t j = 0; j + 1 < g->nphrases; j++)
            if (art_strcasecmp_ascii(g->phrases[j], ph) == 0)
                return art_error_set(ld->err, ART_ERR_FORMAT,
                                     "%s: line %ld: %s: phrase repeats an earlier one",
                                     ld->name, line_of(c), owner);
    }
    return ART_OK;
}

static art_status load_group(loader *ld, const group_kind *k, art_phrase_group *g,
                             const xmlNode *n)
{
    bool oom = false;
    g->id = node_attr(n, "id", &oom);
    g->name = node_text(first_child(n, "name"));
    g->description = node_text(first_child(n, "description"));
    if (oom || !g->id || !g->name || !g->description)
        return nomem(ld);
    art_status st = load_rank(ld, k, g, n);
    if (st == ART_OK)
        st = load_group_phrases(ld, k, g, n);
    return st;
}

/* Item i against the items before it: ids, ranks and (where it matters)
 * phrases are each used once. */
static art_status check_group_unique(loader *ld, const group_kind *k,
                                     const art_phrase_group *v, size_t i, const xmlNode *n)
{
    const art_phrase_group *g = &v[i];
    for (size_t j = 0; j < i; j++) {
        if (strcmp(v[j].id, g->id) == 0)
            return art_error_set(ld->err, ART_ERR_FORMAT, "%s: line %ld: %s id '%s' is used twice",
                                 ld->name, line_of(n), k->label, g->id);
        if (k->max_rank && v[j].rank == g->rank)
            return art_error_set(ld->err, ART_ERR_FORMAT,
                                 "%s: line %ld: %s '%s': rank %d is used twice", ld->name,
                                 line_of(n), k->label, g->id, g->rank);
        for (size_t a = 0; k->phrases_unique && a < g->nphrases; a++)
            for (size_t b = 0; b < v[j].nphrases; b++)
                if (art_strcasecmp_ascii(g->phrases[a], v[j].phrases[b]) == 0)
                    return art_error_set(ld->err, ART_ERR_FORMAT,
                                         "%s: line %ld: %s '%s': a phrase is also in %s '%s'",
                                         ld->name, line_of(n), k->label, g->id, k->label,
                                         v[j].id);
    }
    return ART_OK;
}

static int group_rank_cmp(const void *a, const void *b)
{
    const art_phrase_group *x = a, *y = b;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static art_status load_groups(loader *ld, const xmlNode *root, const group_kind *k,
                              art_phrase_group **out, size_t *nout)
{
    const xmlNode *list = first_child(root, k->list);
    if (!list)
        return ART_OK;
    size_t n = 0;
    for (const xmlNode *c = first_child(list, k->item); c; c = next_sibling(c, k->item))
        n++;
    if (k->exact && n != k->exact)
        return art_error_set(ld->err, ART_ERR_FORMAT,
                             "%s: line %ld: <%s> has %zu %ss; it needs exactly %zu", ld->name,
                             line_of(list), k->list, n, k->item, k->exact);
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return nomem(ld);
    for (const xmlNode *c = first_child(list, k->item); c; c = next_sibling(c, k->item)) {
        size_t i = (*nout)++;   /* owned from here, so art_rubric_free releases it */
        art_status st = load_group(ld, k, &(*out)[i], c);
        if (st == ART_OK)
            st = check_group_unique(ld, k, *out, i, c);
        if (st != ART_OK)
            return st;
    }
    /* Ranks are unique, so sorting by them is deterministic. */
    if (k->max_rank)
        qsort(*out, *nout, sizeof **out, group_rank_cmp);
    return ART_OK;
}

static art_status load_phrase_groups(loader *ld, const xmlNode *root)
{
    art_rubric *r = ld->r;
    art_status st = load_groups(ld, root, &LADDER, &r->ladder, &r->nladder);
    if (st == ART_OK)
        st = load_groups(ld, root, &SCOPES, &r->scopes, &r->nscopes);
    if (st == ART_OK)
        st = load_groups(ld, root, &OUTCOMES, &r->outcomes, &r->noutcomes);
    if (st == ART_OK)
        st = load_groups(ld, root, &ROUTES, &r->routes, &r->nroutes);
    return st;
}

static art_status build_rubric(loader *ld, const xmlNode *root)
{
    bool oom = false;
    art_rubric *r = ld->r;
    r->id = node_attr(root, "id", &oom);
    r->version = node_attr(root, "version", &oom);
    r->title = node_text(first_child(root, "title"));
    if (oom || !r->id || !r->version || !r->title)
        return nomem(ld);
    art_status st = check_provenance(ld, root);
    if (st == ART_OK)
        st = load_dimensions(ld, root);
    if (st == ART_OK)
        st = check_references(ld, root);
    if (st == ART_OK)
        st = load_phrase_groups(ld, root);
    return st;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

static bool only_white_space(const char *data, size_t len)
{
    for (size_t i = art_utf8_bom_len(data, len); i < len; i++)
        if (data[i] != ' ' && data[i] != '\t' && data[i] != '\n' && data[i] != '\r')
            return false;
    return true;
}

/* Whatever the XML parser reports, a file that does not parse is malformed
 * input; only running out of memory stays what it is. */
static art_status parse_xml(const char *data, size_t len, const char *name, xmlDoc **doc,
                            art_error *err)
{
    art_error perr;
    art_error_clear(&perr);
    *doc = art_xml_parse(data, len, name, &perr);
    if (*doc)
        return ART_OK;
    art_status st = perr.status == ART_ERR_NOMEM ? ART_ERR_NOMEM : ART_ERR_FORMAT;
    if (perr.message[0])
        return art_error_set(err, st, "%s", perr.message);
    return art_error_set(err, st, "%s: not well-formed XML", name);
}

art_status art_rubric_load_memory(const char *data, size_t len, const char *name,
                                  art_rubric **out, art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "art_rubric_load_memory: no output pointer");
    *out = NULL;
    if (!name)
        name = "rubric";
    if (!data && len > 0)
        return art_error_set(err, ART_ERR_USAGE, "%s: no data", name);
    if (len > RUBRIC_MAX_BYTES)
        return art_error_set(err, ART_ERR_LIMIT, "%s: rubric is larger than %zu bytes", name,
                             RUBRIC_MAX_BYTES);
    if (!data || only_white_space(data, len))
        return art_error_set(err, ART_ERR_FORMAT, "%s: empty file, not a rubric", name);

    xmlDoc *doc = NULL;
    art_status st = parse_xml(data, len, name, &doc, err);
    if (st != ART_OK)
        return st;
    st = validate_schema(doc, name, err);
    art_rubric *r = NULL;
    if (st == ART_OK) {
        r = calloc(1, sizeof *r);
        if (!r)
            st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    char *base = NULL;
    if (st == ART_OK && strcmp(name, ART_STORED_RUBRIC) != 0) {
        /* Dictionaries are found beside the rubric file. */
        const char *slash = strrchr(name, '/');
        base = slash ? art_strndup(name, (size_t)(slash - name) + (slash == name)) : art_strdup(".");
        if (!base)
            st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    if (st == ART_OK) {
        loader ld = {name, err, r, base};
        st = build_rubric(&ld, xmlDocGetRootElement(doc));
    }
    free(base);
    xmlFreeDoc(doc);
    if (st != ART_OK) {
        art_rubric_free(r);
        return st;
    }
    art_sha256_hex(data, len, r->sha256);
    *out = r;
    return ART_OK;
}

art_status art_rubric_load(const char *path, art_rubric **out, art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "art_rubric_load: no output pointer");
    *out = NULL;
    if (!path)
        return art_error_set(err, ART_ERR_USAGE, "art_rubric_load: no path");
    char *data = NULL;
    size_t len = 0;
    art_status st = art_read_file(path, RUBRIC_MAX_BYTES, &data, &len, err);
    if (st != ART_OK)
        return st;
    st = art_rubric_load_memory(data, len, path, out, err);
    free(data);
    return st;
}

static void dimension_clear(art_dimension *d)
{
    free(d->id);
    free(d->name);
    free(d->description);
    free(d->low_pole);
    free(d->cls_value);
    for (int i = 0; i < ART_LEVELS; i++)
        free(d->levels[i]);
    for (size_t i = 0; i < d->nindicators; i++) {
        free(d->indicators[i].phrase);
        free(d->indicators[i].provenance);
    }
    free(d->indicators);
    for (size_t i = 0; i < d->ncodes; i++)
        free(d->codes[i].pattern);
    free(d->codes);
    for (size_t i = 0; i < d->npractice; i++)
        free(d->practice[i]);
    free(d->practice);
}

void art_rubric_free(art_rubric *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ndims; i++)
        dimension_clear(&r->dims[i]);
    free(r->dims);
    groups_free(r->ladder, r->nladder);
    groups_free(r->scopes, r->nscopes);
    groups_free(r->outcomes, r->noutcomes);
    groups_free(r->routes, r->nroutes);
    free(r->id);
    free(r->version);
    free(r->title);
    free(r);
}

const art_dimension *art_rubric_dimension(const art_rubric *r, const char *id)
{
    if (!r || !id)
        return NULL;
    return find_dimension(r, id, r->ndims);
}
