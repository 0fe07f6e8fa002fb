/* Tests for writing REFI-QDA (qda_write.c), the CLS codebook from a rubric
 * (qda_codebook.c) and the zip writer (zip_write.c).
 *
 * Schema validity is checked directly with libxml2's XSD validator against
 * the schemas compiled into the library, independently of the library's
 * own art_qda_validate_memory (checked too, once it is implemented).
 * Archives are read back with libarchive, independently of art_zip_read. */
#include "testutil.h"

#include "internal.h"
#include "qda.h"
#include "zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define S(x) ((char *)(x))

/* ---- helpers --------------------------------------------------------------- */

static void ignore_schema_error(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* Validate with libxml2's XSD validator; returns the number of problems
 * (0 = valid), -1 if the schema or document could not be parsed. */
static int xsd_problems(const char *xml, size_t len, bool codebook)
{
    const unsigned char *xsd = codebook ? art_schema_codebook_xsd : art_schema_project_xsd;
    size_t xsd_len = codebook ? art_schema_codebook_xsd_len : art_schema_project_xsd_len;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)xsd, (int)xsd_len);
    if (!pc)
        return -1;
    xmlSchemaSetParserErrors(pc, ignore_schema_error, ignore_schema_error, NULL);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!schema)
        return -1;
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, "mem.xml", NULL, XML_PARSE_NONET);
    int rc = -1;
    if (doc) {
        xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
        if (vc) {
            /* Let problems print: they say what the writer got wrong. */
            rc = xmlSchemaValidateDoc(vc, doc);
            xmlSchemaFreeValidCtxt(vc);
        }
        xmlFreeDoc(doc);
    }
    xmlSchemaFree(schema);
    return rc;
}

/* The library's own validator, once it is implemented (a stub answers
 * ART_ERR_UNSUPPORTED and is skipped). */
static void check_library_validates(const art_buf *b, bool codebook)
{
    art_error err;
    art_status st = art_qda_validate_memory(b->data, b->len, "written", codebook, NULL, NULL, &err);
    if (st != ART_ERR_UNSUPPORTED) {
        CU_ASSERT_EQUAL(st, ART_OK);
        if (st != ART_OK)
            fprintf(stderr, "\n  art_qda_validate_memory: %s\n", err.message);
    }
}

/* Evaluate an XPath expression with the prefix q bound to the namespace. */
static xmlXPathObjectPtr xpath(xmlDocPtr doc, const char *ns, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    if (!ctx)
        return NULL;
    xmlXPathRegisterNs(ctx, BAD_CAST "q", BAD_CAST ns);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    return o;
}

static double xpath_number(xmlDocPtr doc, const char *ns, const char *expr)
{
    xmlXPathObjectPtr o = xpath(doc, ns, expr);
    double d = o ? xmlXPathCastToNumber(o) : -1;
    xmlXPathFreeObject(o);
    return d;
}

/* String value of an expression into out (empty if none). */
static void xpath_string(xmlDocPtr doc, const char *ns, const char *expr, char *out, size_t n)
{
    xmlXPathObjectPtr o = xpath(doc, ns, expr);
    xmlChar *s = o ? xmlXPathCastToString(o) : NULL;
    snprintf(out, n, "%s", s ? (const char *)s : "");
    xmlFree(s);
    xmlXPathFreeObject(o);
}

static bool guid_like(const char *g)
{
    if (!g || strlen(g) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? g[i] != '-' : !strchr("0123456789abcdef", g[i]))
            return false;
    }
    return true;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    art_buf b;
    art_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        art_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return art_buf_steal(&b);
}

static int count_dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* Entries of a zip file read with libarchive: names and contents. */
typedef struct zentry {
    char name[256];
    char *data;
    size_t len;
} zentry;

static int read_zip(const char *path, zentry *out, int max)
{
    struct archive *a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, path, 16384) != ARCHIVE_OK) {
        archive_read_free(a);
        return -1;
    }
    int n = 0;
    struct archive_entry *e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK && n < max) {
        zentry *z = &out[n++];
        snprintf(z->name, sizeof z->name, "%s", archive_entry_pathname(e));
        art_buf b;
        art_buf_init(&b);
        char chunk[4096];
        la_ssize_t got;
        while ((got = archive_read_data(a, chunk, sizeof chunk)) > 0)
            art_buf_append(&b, chunk, (size_t)got);
        z->len = b.len;
        z->data = b.data ? art_buf_steal(&b) : art_strdup("");
    }
    archive_read_free(a);
    return n;
}

static void free_zip_entries(zentry *z, int n)
{
    for (int i = 0; i < n; i++)
        free(z[i].data);
}

/* The plugin host's code-pattern glob, restated: case-insensitive (ASCII
 * here; every pattern and name in the rubric is ASCII), '*' matches any
 * run of characters including '/', the whole path must match. */
static bool glob_ci(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*pat == '*') {
            star = ++pat;
            resume = s;
        } else if (*pat && tolower((unsigned char)*pat) == tolower((unsigned char)*s)) {
            pat++;
            s++;
        } else if (star) {
            s = ++resume;
            pat = star;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

/* What the host's art.code_direction answers: the first matching pattern. */
static int code_direction(const art_dimension *d, const char *path)
{
    for (size_t i = 0; i < d->ncodes; i++)
        if (glob_ci(d->codes[i].pattern, path))
            return d->codes[i].direction;
    return 0;
}

/* ---- GUIDs ------------------------------------------------------------------ */

static void test_guid_from(void)
{
    char g[37], h[37];
    /* SHA-256("user:Bob") = 48227e31e318e320d699e3d2d5f6073d...: version
     * nibble forced to 5, variant nibble d -> 9 (10xx). */
    art_qda_guid_from("user:Bob", g);
    CU_ASSERT_STRING_EQUAL(g, "48227e31-e318-5320-9699-e3d2d5f6073d");
    art_qda_guid_from("user:Bob", h);
    CU_ASSERT_STRING_EQUAL(g, h);
    art_qda_guid_from("user:bob", h);
    CU_ASSERT_STRING_NOT_EQUAL(g, h);
    CU_ASSERT_TRUE(guid_like(h));
    CU_ASSERT_EQUAL(h[14], '5');
    CU_ASSERT_PTR_NOT_NULL(strchr("89ab", h[19]));
    art_qda_guid_from("", h);
    CU_ASSERT_TRUE(guid_like(h));
}

/* ---- the CLS codebook ------------------------------------------------------- */

static art_rubric *load_cls_rubric(void)
{
    art_rubric *r = NULL;
    art_error err;
    art_status st = art_rubric_load(art_test_src("rubrics/cls-culture.xml"), &r, &err);
    if (st != ART_OK)
        fprintf(stderr, "\n  %s\n", err.message);
    return r;
}

/* The number of codes the codebook must have, computed independently:
 * 3 per dimension plus one per distinct star-less indicator name within
 * each dimension and direction. */
static size_t expected_code_count(const art_rubric *r)
{
    size_t n = 0;
    for (size_t d = 0; d < r->ndims; d++) {
        const art_dimension *dim = &r->dims[d];
        char **seen = calloc(dim->nindicators + 1, sizeof *seen);
        int *dir = calloc(dim->nindicators + 1, sizeof *dir);
        size_t nseen = 0;
        for (size_t i = 0; i < dim->nindicators; i++) {
            char *name = art_strdup(dim->indicators[i].phrase);
            char *w = name;
            for (char *p = name; *p; p++)
                if (*p != '*')
                    *w++ = *p;
            *w = '\0';
            art_str_squash_space(name);
            bool dup = !*name;
            for (size_t k = 0; k < nseen && !dup; k++)
                dup = dir[k] == dim->indicators[i].direction &&
                      art_strcasecmp_ascii(seen[k], name) == 0;
            if (dup) {
                free(name);
            } else {
                dir[nseen] = dim->indicators[i].direction;
                seen[nseen++] = name;
            }
        }
        n += 3 + nseen;
        for (size_t k = 0; k < nseen; k++)
            free(seen[k]);
        free(seen);
        free(dir);
    }
    return n;
}

static void test_codebook_structure(void)
{
    art_rubric *r = load_cls_rubric();
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    art_qda_project *cb = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_qda_codebook_from_rubric(r, &cb, &err), ART_OK);
    CU_ASSERT_EQUAL(r->ndims, 11);
    CU_ASSERT_EQUAL(cb->ncodes, expected_code_count(r));
    /* For rubric 1.0.0: 418 indicators give 417 distinct names. */
    if (r->version && strcmp(r->version, "1.0.0") == 0)
        CU_ASSERT_EQUAL(cb->ncodes, 11 * 3 + 417);
    CU_ASSERT_TRUE(cb->is_codebook);

    /* The first dimension, Trust: folder, its CLS folder, the first indicator. */
    CU_ASSERT_STRING_EQUAL(cb->codes[0].name, "Trust");
    CU_ASSERT_STRING_EQUAL(cb->codes[0].path, "Trust");
    CU_ASSERT_EQUAL(cb->codes[0].parent, -1);
    CU_ASSERT_FALSE(cb->codes[0].codable);
    CU_ASSERT_STRING_EQUAL(cb->codes[0].color, "#332288");
    CU_ASSERT_PTR_NOT_NULL(strstr(cb->codes[0].description, "\n\nLow pole: Lack of trust"));
    CU_ASSERT_PTR_NOT_NULL(strstr(cb->codes[0].description, "\n\nCLS value: Trust in practitioners"));
    CU_ASSERT_STRING_EQUAL(cb->codes[1].path, "Trust/Toward CLS");
    CU_ASSERT_FALSE(cb->codes[1].codable);
    CU_ASSERT_EQUAL(cb->codes[1].parent, 0);
    CU_ASSERT_STRING_EQUAL(cb->codes[1].description, r->dims[0].cls_value);
    CU_ASSERT_STRING_EQUAL(cb->codes[2].path, "Trust/Toward CLS/do the right thing");
    CU_ASSERT_TRUE(cb->codes[2].codable);
    CU_ASSERT_EQUAL(cb->codes[2].parent, 1);
    CU_ASSERT_STRING_EQUAL(cb->codes[2].description,
                           "Rubric indicator \"do the right thing\", toward the CLS value. "
                           "Schein level: espoused values. "
                           "Source: seed-004: How does CLS envisage change?.");
    /* "use * professional judgement": star removed, space squashed. */
    bool found_use = false, found_low = false, found_ask = false;
    long low_folder = -1;
    for (size_t i = 0; i < cb->ncodes; i++) {
        if (!strcmp(cb->codes[i].path, "Trust/Toward CLS/use professional judgement"))
            found_use = true;
        if (!strcmp(cb->codes[i].path, "Trust/Toward low pole")) {
            found_low = true;
            low_folder = (long)i;
            CU_ASSERT_STRING_EQUAL(cb->codes[i].description, r->dims[0].low_pole);
        }
        if (!strcmp(cb->codes[i].path, "Trust/Toward low pole/ask for permission")) {
            found_ask = true;
            CU_ASSERT_EQUAL(cb->codes[i].parent, low_folder);
            CU_ASSERT_PTR_NOT_NULL(strstr(cb->codes[i].description, "toward the low pole"));
            CU_ASSERT_PTR_NOT_NULL(strstr(cb->codes[i].description, "Schein level: not specified."));
        }
    }
    CU_ASSERT_TRUE(found_use);
    CU_ASSERT_TRUE(found_low);
    CU_ASSERT_TRUE(found_ask);

    /* GUIDs: well formed, unique, and the documented derivation. */
    char g[37];
    art_qda_guid_from("cls-codebook:cls-culture:Trust/Toward CLS/do the right thing", g);
    CU_ASSERT_STRING_EQUAL(cb->codes[2].guid, g);
    size_t bad = 0, dup = 0;
    for (size_t i = 0; i < cb->ncodes; i++) {
        bad += !guid_like(cb->codes[i].guid);
        for (size_t j = i + 1; j < cb->ncodes; j++)
            dup += strcmp(cb->codes[i].guid, cb->codes[j].guid) == 0;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(dup, 0);

    /* Two sets, Toward CLS / Toward low pole, holding every indicator code. */
    CU_ASSERT_EQUAL_FATAL(cb->nsets, 2);
    size_t ncodable = 0;
    for (size_t i = 0; i < cb->ncodes; i++)
        ncodable += cb->codes[i].codable;
    CU_ASSERT_EQUAL(ncodable, cb->ncodes - 33);
    CU_ASSERT_EQUAL(cb->sets[0].nmember_codes + cb->sets[1].nmember_codes, ncodable);
    CU_ASSERT_STRING_EQUAL(cb->sets[0].member_codes[0], cb->codes[2].guid);

    art_qda_project_free(cb);
    art_rubric_free(r);
}

static void test_codebook_writes_valid_deterministic_qdc(void)
{
    art_rubric *r = load_cls_rubric();
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    art_qda_project *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL_FATAL(art_qda_codebook_from_rubric(r, &a, NULL), ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_qda_codebook_from_rubric(r, &b, NULL), ART_OK);
    art_buf x1, x2;
    art_buf_init(&x1);
    art_buf_init(&x2);
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qdc(a, &x1, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qdc(b, &x2, &err), ART_OK);
    CU_ASSERT_EQUAL(x1.len, x2.len);
    CU_ASSERT_TRUE(x1.len == x2.len && memcmp(x1.data, x2.data, x1.len) == 0);
    CU_ASSERT_EQUAL(xsd_problems(x1.data, x1.len, true), 0);
    check_library_validates(&x1, true);

    xmlDocPtr doc = xmlReadMemory(x1.data, (int)x1.len, "cb.qdc", NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const char *ns = "urn:QDA-XML:codebook:1.0";
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(//q:Code)"), (double)a->ncodes);
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(/q:CodeBook/q:Codes/q:Code)"), 11);
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(//q:Code[@isCodable='false'])"), 33);
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(/q:CodeBook/q:Sets/q:Set)"), 2);
    char s[256];
    xpath_string(doc, ns, "/q:CodeBook/q:Codes/q:Code[1]/q:Code[1]/q:Code[1]/@name", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "do the right thing");
    xpath_string(doc, ns, "/q:CodeBook/q:Codes/q:Code[2]/@name", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "Bureaucracy and process");
    xpath_string(doc, ns, "/q:CodeBook/q:Codes/q:Code[2]/@color", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "#88ccee");
    xmlFreeDoc(doc);

    /* Read back with the importer: the same codes, paths, colours, sets. */
    art_qda_project *back = NULL;
    art_error err2;
    art_status st = art_qda_parse_xml(x1.data, x1.len, "cls.qdc", NULL, NULL, &back, &err2);
    if (st != ART_ERR_UNSUPPORTED) {
        CU_ASSERT_EQUAL_FATAL(st, ART_OK);
        CU_ASSERT_TRUE(back->is_codebook);
        CU_ASSERT_EQUAL(back->nwarnings, 0);
        CU_ASSERT_EQUAL_FATAL(back->ncodes, a->ncodes);
        size_t diff = 0;
        for (size_t i = 0; i < a->ncodes; i++) {
            const art_qda_code *c1 = &a->codes[i], *c2 = &back->codes[i];
            diff += strcmp(c1->guid, c2->guid) != 0 || strcmp(c1->path, c2->path) != 0 ||
                    c1->codable != c2->codable || c1->parent != c2->parent ||
                    !c2->color || strcmp(c1->color, c2->color) != 0 ||
                    !c2->description || strcmp(c1->description, c2->description) != 0;
        }
        CU_ASSERT_EQUAL(diff, 0);
        CU_ASSERT_EQUAL_FATAL(back->nsets, 2);
        CU_ASSERT_EQUAL(back->sets[0].nmember_codes, a->sets[0].nmember_codes);
        CU_ASSERT_EQUAL(back->sets[1].nmember_codes, a->sets[1].nmember_codes);
        /* And writes the same bytes again. */
        art_buf x3;
        art_buf_init(&x3);
        CU_ASSERT_EQUAL(art_qda_write_qdc(back, &x3, NULL), ART_OK);
        CU_ASSERT_TRUE(x3.len == x1.len && memcmp(x3.data, x1.data, x1.len) == 0);
        art_buf_free(&x3);
        art_qda_project_free(back);
    }

    art_buf_free(&x1);
    art_buf_free(&x2);
    art_qda_project_free(a);
    art_qda_project_free(b);
    art_rubric_free(r);
}

/* Every generated code, and each direction folder, must map through the
 * rubric's own <code> patterns to its dimension and direction. */
static void test_codebook_maps_through_rubric_patterns(void)
{
    art_rubric *r = load_cls_rubric();
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    art_qda_project *cb = NULL;
    CU_ASSERT_EQUAL_FATAL(art_qda_codebook_from_rubric(r, &cb, NULL), ART_OK);
    size_t checked = 0, wrong = 0;
    for (size_t i = 0; i < cb->ncodes; i++) {
        const art_qda_code *c = &cb->codes[i];
        if (c->parent < 0)
            continue;   /* the dimension folder itself carries no direction */
        long top = c->parent;
        while (cb->codes[top].parent >= 0)
            top = cb->codes[top].parent;
        const art_dimension *dim = NULL;
        for (size_t d = 0; d < r->ndims; d++)
            if (!strcmp(r->dims[d].name, cb->codes[top].name))
                dim = &r->dims[d];
        CU_ASSERT_PTR_NOT_NULL_FATAL(dim);
        bool toward_cls = strstr(c->path, "/Toward CLS") != NULL;
        int want = toward_cls ? 1 : -1;
        int got = code_direction(dim, c->path);
        checked++;
        if (got != want) {
            wrong++;
            fprintf(stderr, "\n  %s: code maps to %d, expected %d", dim->id, got, want);
        }
    }
    CU_ASSERT_EQUAL(checked, cb->ncodes - 11);
    CU_ASSERT_EQUAL(wrong, 0);
    art_qda_project_free(cb);
    art_rubric_free(r);
}

/* The same through the plugin host itself: a small plugin asks
 * art.code_direction for every code path on one segment. */
static const char MAPPING_PLUGIN[] =
    "return { name = 'mapcheck', version = '1', description = 'd', dimensions = {'*'},\n"
    "  run = function(art)\n"
    "    local dims = {}\n"
    "    for _, d in ipairs(art.rubric().dimensions) do dims[d.name] = d.id end\n"
    "    local ok, bad = 0, 0\n"
    "    for seg in art.segments() do\n"
    "      for _, code in ipairs(seg.codes) do\n"
    "        local top, folder = code:match('^([^/]+)/([^/]+)')\n"
    "        local want = (folder == 'Toward CLS') and 1 or -1\n"
    "        if art.code_direction(dims[top], code) == want then ok = ok + 1 else bad = bad + 1 end\n"
    "      end\n"
    "    end\n"
    "    art.emit { dimension = 'trust', facet = 'enacted', score = 100 * ok / (ok + bad),\n"
    "               weight = ok + bad }\n"
    "  end }\n";

static void test_codebook_maps_through_plugin_host(void)
{
    art_rubric *r = load_cls_rubric();
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    art_qda_project *cb = NULL;
    CU_ASSERT_EQUAL_FATAL(art_qda_codebook_from_rubric(r, &cb, NULL), ART_OK);
    const char **codes = calloc(cb->ncodes, sizeof *codes);
    const char **coders = calloc(cb->ncodes, sizeof *coders);
    CU_ASSERT_PTR_NOT_NULL_FATAL(codes);
    CU_ASSERT_PTR_NOT_NULL_FATAL(coders);
    size_t n = 0;
    for (size_t i = 0; i < cb->ncodes; i++)
        if (cb->codes[i].parent >= 0)
            codes[n++] = cb->codes[i].path;
    art_seg_view seg = {.id = 1, .kind = ART_SRC_INTERVIEW, .source = "i.qdpx",
                        .locator = "chars 0-4", .text = "text", .participant = "P01",
                        .level = ART_LEVEL_ASSUMPTION, .codes = codes, .coders = coders,
                        .ncodes = n};
    art_corpus corpus = {.site = S("s"), .round = S("r"), .segs = &seg, .nsegs = 1};
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    art_plugin_result res;
    memset(&res, 0, sizeof res);
    CU_ASSERT_EQUAL(art_plugin_run_buffer(MAPPING_PLUGIN, strlen(MAPPING_PLUGIN), "mapcheck", r,
                                          &corpus, &lim, &res, NULL),
                    ART_OK);
    CU_ASSERT_EQUAL(res.status, ART_OK);
    if (res.error)
        fprintf(stderr, "\n  %s\n", res.error);
    CU_ASSERT_EQUAL_FATAL(res.nemits, 1);
    CU_ASSERT_DOUBLE_EQUAL(res.emits[0].score, 100.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(res.emits[0].weight, (double)n, 1e-9);
    art_plugin_result_clear(&res);
    free(codes);
    free(coders);
    art_qda_project_free(cb);
    art_rubric_free(r);
}

/* ---- a hand-built project ---------------------------------------------------- */

#define G_ALICE "0a1b2c3d-0000-4000-8000-000000000001"
#define G_TRUST "0a1b2c3d-0000-4000-8000-000000000010"
#define G_TCLS "0a1b2c3d-0000-4000-8000-000000000011"
#define G_AUTON "0a1b2c3d-0000-4000-8000-000000000012"
#define G_SRC_A "0a1b2c3d-0000-4000-8000-000000000020"
#define G_SEL_1 "0a1b2c3d-0000-4000-8000-000000000021"
#define G_NOTE "0a1b2c3d-0000-4000-8000-000000000030"
#define G_SET "0a1b2c3d-0000-4000-8000-000000000040"

/* Non-ASCII and CRLF: code points differ from bytes. */
static const char TEXT_A[] = "Caf\xC3\xA9 \xE2\x80\x94 na\xC3\xAFve \xE2\x80\x9Cquotes\xE2\x80\x9D\r\n"
                             "We have autonomy here.\r\n";
static const char TEXT_B[] = "Plain policy text about hierarchy.";

typedef struct fixture {
    art_qda_user users[1];
    art_qda_code codes[4];
    art_qda_coding codings_a1[2], codings_a2[1], codings_b1[1];
    art_qda_selection sels_a[2], sels_b[1];
    art_qda_source sources[2];
    art_qda_value values1[5], values2[1];
    char *case1_sources[1];
    char *case1_sels[1];
    art_qda_case cases[2];
    art_qda_note notes[1];
    char *set_codes[1];
    char *set_sources[1];
    art_qda_set sets[1];
    art_qda_project p;
} fixture;

static void build_fixture(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->users[0] = (art_qda_user){S(G_ALICE), S("Alice")};
    f->codes[0] = (art_qda_code){S(G_TRUST), S("Trust"), S("Codes about trust & <control>"),
                                 S("#332288"), false, -1, S("Trust")};
    f->codes[1] = (art_qda_code){S(G_TCLS), S("Toward CLS"), NULL, NULL, false, 0,
                                 S("Trust/Toward CLS")};
    f->codes[2] = (art_qda_code){S(G_AUTON), S("autonomy"), S("Line one\nLine two"), S("#88ccee"),
                                 true, 1, S("Trust/Toward CLS/autonomy")};
    /* No GUID: one is derived from its path. */
    f->codes[3] = (art_qda_code){NULL, S("Hierarchy \xE2\x80\x93 panels"), NULL, NULL, true, -1,
                                 S("Hierarchy \xE2\x80\x93 panels")};
    /* "autonomy" is code points 31..39 of TEXT_A (bytes differ). */
    f->codings_a1[0] = (art_qda_coding){NULL, 2, S("Alice")};
    f->codings_a1[1] = (art_qda_coding){NULL, 2, S("Bob")};
    f->codings_a2[0] = (art_qda_coding){NULL, 3, S("Bob")};
    f->codings_b1[0] = (art_qda_coding){NULL, 3, S("Alice")};
    f->sels_a[0] = (art_qda_selection){S(G_SEL_1), NULL, 31, 39, false, S("autonomy"), S("Alice"),
                                       f->codings_a1, 2, S("A strong statement.")};
    f->sels_a[1] = (art_qda_selection){NULL, NULL, 0, 47, true, S(TEXT_A), NULL, f->codings_a2, 1,
                                       NULL};
    f->sels_b[0] = (art_qda_selection){NULL, S("hier"), 24, 33, false, S("hierarchy"), S("Alice"),
                                       f->codings_b1, 1, NULL};
    f->sources[0] = (art_qda_source){S(G_SRC_A), S("Interview 1 \xE2\x80\x94 P01"), NULL, S(TEXT_A),
                                     47, f->sels_a, 2, S("Memo on the interview.")};
    f->sources[1] = (art_qda_source){NULL, S("Policy"), NULL, S(TEXT_B), 34, f->sels_b, 1, NULL};
    f->values1[0] = (art_qda_value){S("role"), S("Text"), S("Social worker")};
    f->values1[1] = (art_qda_value){S("age"), S("Integer"), S("42")};
    f->values1[2] = (art_qda_value){S("score"), S("Float"), S("3.5")};
    f->values1[3] = (art_qda_value){S("consent"), S("Boolean"), S("true")};
    f->values1[4] = (art_qda_value){S("interviewed"), S("Date"), S("2024-02-29")};
    /* Not an integer: "age" must then be declared Text. */
    f->values2[0] = (art_qda_value){S("age"), S("Integer"), S("unknown")};
    f->case1_sources[0] = S(G_SRC_A);
    f->case1_sels[0] = S(G_SEL_1);
    f->cases[0] = (art_qda_case){NULL, S("P01"), S("First participant"), f->values1, 5,
                                 f->case1_sources, 1, f->case1_sels, 1};
    f->cases[1] = (art_qda_case){NULL, S("P02"), NULL, f->values2, 1, NULL, 0, NULL, 0};
    f->notes[0] = (art_qda_note){S(G_NOTE), S("Analysis plan"), S("Trust first.\r\nThen hierarchy.")};
    f->set_codes[0] = S(G_AUTON);
    f->set_sources[0] = S(G_SRC_A);
    f->sets[0] = (art_qda_set){S(G_SET), S("Interesting"), S("Worth a second look"), f->set_codes, 1,
                               f->set_sources, 1};
    f->p = (art_qda_project){.name = S("Riverside interviews"), .origin = NULL,
                             .users = f->users, .nusers = 1, .codes = f->codes, .ncodes = 4,
                             .cases = f->cases, .ncases = 2, .sources = f->sources, .nsources = 2,
                             .notes = f->notes, .nnotes = 1, .sets = f->sets, .nsets = 1};
}

static void test_fixture_offsets(void)
{
    /* The fixture's own positions are right (code points, not bytes). */
    CU_ASSERT_EQUAL(art_utf8_count(TEXT_A, strlen(TEXT_A)), 47);
    const char *at = strstr(TEXT_A, "autonomy");
    CU_ASSERT_EQUAL(art_utf8_count(TEXT_A, (size_t)(at - TEXT_A)), 31);
    CU_ASSERT_EQUAL(strstr(TEXT_B, "hierarchy") - TEXT_B, 24);
}

static void test_project_qde_valid(void)
{
    fixture f;
    build_fixture(&f);
    art_buf x, y;
    art_buf_init(&x);
    art_buf_init(&y);
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qde(&f.p, &x, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qde(&f.p, &y, &err), ART_OK);
    CU_ASSERT_TRUE(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
    CU_ASSERT_EQUAL(xsd_problems(x.data, x.len, false), 0);
    check_library_validates(&x, false);

    xmlDocPtr doc = xmlReadMemory(x.data, (int)x.len, "p.qde", NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    const char *ns = "urn:QDA-XML:project:1.0";
    char s[512], want[128];
    /* Users: Alice as given, Bob added for his codings with a derived GUID. */
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(/q:Project/q:Users/q:User)"), 2);
    char bob[37];
    art_qda_guid_from("user:Bob", bob);
    snprintf(want, sizeof want, "/q:Project/q:Users/q:User[@guid='%s']/@name", bob);
    xpath_string(doc, ns, want, s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "Bob");
    /* Codes nested, descriptions escaped, colours kept, derived GUID. */
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(/q:Project/q:CodeBook/q:Codes/q:Code)"), 2);
    xpath_string(doc, ns, "/q:Project/q:CodeBook/q:Codes/q:Code[1]/q:Description", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "Codes about trust & <control>");
    xpath_string(doc, ns, "//q:Code[@name='autonomy']/@color", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "#88ccee");
    xpath_string(doc, ns, "//q:Code[@name='Toward CLS']/q:Code/@guid", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, G_AUTON);
    char hier[37];
    art_qda_guid_from("code:Hierarchy \xE2\x80\x93 panels", hier);
    xpath_string(doc, ns, "/q:Project/q:CodeBook/q:Codes/q:Code[2]/@guid", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, hier);
    /* Variables: one per name; "age" is Text because one value is not an integer. */
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(/q:Project/q:Variables/q:Variable)"), 5);
    xpath_string(doc, ns, "//q:Variable[@name='age']/@typeOfVariable", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "Text");
    xpath_string(doc, ns, "//q:Variable[@name='score']/@typeOfVariable", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "Float");
    xpath_string(doc, ns, "//q:Variable[@name='interviewed']/@typeOfVariable", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "Date");
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(//q:Case[@name='P01']/q:VariableValue)"), 5);
    xpath_string(doc, ns, "//q:Case[@name='P01']/q:VariableValue/q:BooleanValue", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "true");
    xpath_string(doc, ns, "//q:Case[@name='P02']/q:VariableValue/q:TextValue", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "unknown");
    xpath_string(doc, ns, "//q:Case[@name='P01']/q:SelectionRef/@targetGUID", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, G_SEL_1);
    /* Sources: text by internal path, selections with positions and coders. */
    snprintf(want, sizeof want, "internal://%s.txt", G_SRC_A);
    xpath_string(doc, ns, "//q:TextSource[1]/@plainTextPath", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, want);
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(//q:PlainTextContent)"), 3);  /* notes only */
    xpath_string(doc, ns, "//q:PlainTextSelection[@guid='" G_SEL_1 "']/@startPosition", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "31");
    xpath_string(doc, ns, "//q:PlainTextSelection[@guid='" G_SEL_1 "']/@endPosition", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "39");
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(//q:PlainTextSelection[@guid='" G_SEL_1
                                          "']/q:Coding)"), 2);
    snprintf(want, sizeof want, "//q:PlainTextSelection/q:Coding[@creatingUser='%s']", bob);
    char expr[256];
    snprintf(expr, sizeof expr, "count(%s)", want);
    CU_ASSERT_EQUAL(xpath_number(doc, ns, expr), 1);
    /* The whole-source coding sits directly under the TextSource. */
    xpath_string(doc, ns, "//q:TextSource[1]/q:Coding/q:CodeRef/@targetGUID", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, hier);
    /* Memos become notes; project note kept, CR preserved. */
    CU_ASSERT_EQUAL(xpath_number(doc, ns, "count(/q:Project/q:Notes/q:Note)"), 3);
    xpath_string(doc, ns, "//q:Note[@guid='" G_NOTE "']/q:PlainTextContent", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "Trust first.\r\nThen hierarchy.");
    xpath_string(doc, ns, "//q:PlainTextSelection[@guid='" G_SEL_1 "']/q:NoteRef/@targetGUID", s,
                 sizeof s);
    char memo_ref[700];
    snprintf(memo_ref, sizeof memo_ref, "//q:Note[@guid='%s']/q:PlainTextContent", s);
    xpath_string(doc, ns, memo_ref, s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, "A strong statement.");
    /* The set, with references. */
    xpath_string(doc, ns, "//q:Set/q:MemberSource/@targetGUID", s, sizeof s);
    CU_ASSERT_STRING_EQUAL(s, G_SRC_A);
    xmlFreeDoc(doc);
    art_buf_free(&x);
    art_buf_free(&y);
}

static bool want_all(const char *entry_name, void *ud)
{
    (void)entry_name;
    (void)ud;
    return true;
}

static void test_project_qdpx_entries(void)
{
    fixture f;
    build_fixture(&f);
    const char *dir = art_test_tmpdir("qda-write-qdpx");
    char p1[4200], p2[4200];
    snprintf(p1, sizeof p1, "%s/one.qdpx", dir);
    snprintf(p2, sizeof p2, "%s/two.qdpx", dir);
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qdpx(&f.p, p1, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qdpx(&f.p, p2, &err), ART_OK);
    /* Only the two archives: no temporary file left behind. */
    CU_ASSERT_EQUAL(count_dir_entries(dir), 2);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(stat(p1, &st), 0);
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    size_t n1 = 0, n2 = 0;
    char *b1 = read_file(p1, &n1), *b2 = read_file(p2, &n2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b2);
    CU_ASSERT_TRUE(n1 == n2 && memcmp(b1, b2, n1) == 0);
    free(b1);
    free(b2);

    zentry z[8];
    int n = read_zip(p1, z, 8);
    CU_ASSERT_EQUAL_FATAL(n, 3);
    char src_b[37], name[64];
    art_qda_guid_from("source:Policy", src_b);
    CU_ASSERT_STRING_EQUAL(z[0].name, "project.qde");
    art_buf x;
    art_buf_init(&x);
    CU_ASSERT_EQUAL(art_qda_write_qde(&f.p, &x, NULL), ART_OK);
    CU_ASSERT_TRUE(z[0].len == x.len && memcmp(z[0].data, x.data, x.len) == 0);
    snprintf(name, sizeof name, "sources/%s.txt", G_SRC_A);
    CU_ASSERT_STRING_EQUAL(z[1].name, name);
    CU_ASSERT_TRUE(z[1].len == strlen(TEXT_A) && memcmp(z[1].data, TEXT_A, z[1].len) == 0);
    snprintf(name, sizeof name, "sources/%s.txt", src_b);
    CU_ASSERT_STRING_EQUAL(z[2].name, name);
    CU_ASSERT_TRUE(z[2].len == strlen(TEXT_B) && memcmp(z[2].data, TEXT_B, z[2].len) == 0);
    /* The .qde inside names the same GUID in its plainTextPath. */
    char path_attr[80];
    snprintf(path_attr, sizeof path_attr, "plainTextPath=\"internal://%s.txt\"", src_b);
    CU_ASSERT_PTR_NOT_NULL(strstr(x.data, path_attr));
    art_buf_free(&x);
    free_zip_entries(z, n);

    /* The library's reader, once it lands, reads the same entries. */
    size_t len = 0;
    char *data = read_file(p1, &len);
    art_zip *zip = NULL;
    art_zip_limits lim;
    memset(&lim, 0, sizeof lim);
    art_zip_limits_default(&lim);
    art_status rs = art_zip_read(data, len, "one.qdpx", &lim, want_all, NULL, &zip, &err);
    if (rs != ART_ERR_UNSUPPORTED) {
        CU_ASSERT_EQUAL(rs, ART_OK);
        if (zip) {
            CU_ASSERT_EQUAL(zip->nentries, 3);
            const art_zip_entry *e = art_zip_find(zip, name);
            CU_ASSERT_PTR_NOT_NULL(e);
            CU_ASSERT_TRUE(e && e->len == strlen(TEXT_B) && !memcmp(e->data, TEXT_B, e->len));
        }
    }
    art_zip_free(zip);
    free(data);
}

/* ---- round trip through the reader ------------------------------------------- */

static const art_qda_code *code_by_path(const art_qda_project *p, const char *path)
{
    for (size_t i = 0; i < p->ncodes; i++)
        if (p->codes[i].path && !strcmp(p->codes[i].path, path))
            return &p->codes[i];
    return NULL;
}

static void check_same_selection(const art_qda_project *orig, const art_qda_selection *a,
                                 const art_qda_project *back, const art_qda_selection *b)
{
    CU_ASSERT_EQUAL(a->start, b->start);
    CU_ASSERT_EQUAL(a->end, b->end);
    CU_ASSERT_EQUAL(a->whole_source, b->whole_source);
    CU_ASSERT_TRUE(a->text && b->text && !strcmp(a->text, b->text));
    CU_ASSERT_EQUAL_FATAL(a->ncodings, b->ncodings);
    for (size_t k = 0; k < a->ncodings; k++) {
        CU_ASSERT_STRING_EQUAL(orig->codes[a->codings[k].code].path,
                               back->codes[b->codings[k].code].path);
        CU_ASSERT_TRUE(b->codings[k].coder && !strcmp(a->codings[k].coder, b->codings[k].coder));
    }
    if (a->memo)
        CU_ASSERT_TRUE(b->memo && !strcmp(a->memo, b->memo));
}

static void test_round_trip(void)
{
    fixture f;
    build_fixture(&f);
    const char *dir = art_test_tmpdir("qda-write-rt");
    char path[4200];
    snprintf(path, sizeof path, "%s/rt.qdpx", dir);
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qdpx(&f.p, path, NULL), ART_OK);
    size_t len = 0;
    char *data = read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    art_qda_project *q = NULL;
    art_error err;
    art_status st = art_qda_parse_qdpx(data, len, "rt.qdpx", &q, &err);
    free(data);
    if (st == ART_ERR_UNSUPPORTED) {
        fprintf(stderr, "\n  round trip skipped: %s\n", err.message);
        return;   /* the reader (qda_read.c) has not landed yet */
    }
    CU_ASSERT_EQUAL_FATAL(st, ART_OK);
    CU_ASSERT_EQUAL(q->nwarnings, 0);
    for (size_t i = 0; i < q->nwarnings; i++)
        fprintf(stderr, "\n  warning: %s", q->warnings[i]);
    CU_ASSERT_STRING_EQUAL(q->name, "Riverside interviews");
    /* Codes. */
    CU_ASSERT_EQUAL_FATAL(q->ncodes, 4);
    for (size_t i = 0; i < 4; i++) {
        const art_qda_code *a = &f.codes[i], *b = code_by_path(q, a->path);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT_STRING_EQUAL(a->name, b->name);
        CU_ASSERT_EQUAL(a->codable, b->codable);
        if (a->description) {
            CU_ASSERT_TRUE(b->description && !strcmp(a->description, b->description));
        } else {
            CU_ASSERT_PTR_NULL(b->description);
        }
        if (a->color) {
            CU_ASSERT_TRUE(b->color && !strcmp(a->color, b->color));
        } else {
            CU_ASSERT_PTR_NULL(b->color);
        }
        if (a->guid)
            CU_ASSERT_STRING_EQUAL(a->guid, b->guid);
    }
    /* Sources: texts byte-equal, selections and codings the same. */
    CU_ASSERT_EQUAL_FATAL(q->nsources, 2);
    for (size_t i = 0; i < 2; i++) {
        const art_qda_source *a = &f.sources[i], *b = &q->sources[i];
        CU_ASSERT_STRING_EQUAL(a->name, b->name);
        CU_ASSERT_TRUE(b->text && !strcmp(a->text, b->text));
        CU_ASSERT_EQUAL(a->length, b->length);
        if (a->memo)
            CU_ASSERT_TRUE(b->memo && !strcmp(a->memo, b->memo));
        CU_ASSERT_EQUAL_FATAL(a->nsels, b->nsels);
        /* Whole-source codings may come back in any position: match by kind. */
        for (size_t j = 0; j < a->nsels; j++) {
            const art_qda_selection *sb = NULL;
            for (size_t k = 0; k < b->nsels && !sb; k++)
                if (b->sels[k].whole_source == a->sels[j].whole_source &&
                    b->sels[k].start == a->sels[j].start)
                    sb = &b->sels[k];
            CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
            check_same_selection(&f.p, &a->sels[j], q, sb);
        }
    }
    /* Cases and their variables ("age" comes back as Text). */
    CU_ASSERT_EQUAL_FATAL(q->ncases, 2);
    CU_ASSERT_STRING_EQUAL(q->cases[0].name, "P01");
    CU_ASSERT_EQUAL_FATAL(q->cases[0].nvalues, 5);
    for (size_t j = 0; j < 5; j++) {
        const art_qda_value *a = &f.values1[j], *b = &q->cases[0].values[j];
        CU_ASSERT_STRING_EQUAL(a->name, b->name);
        CU_ASSERT_STRING_EQUAL(a->value, b->value);
        CU_ASSERT_STRING_EQUAL(b->type, !strcmp(a->name, "age") ? "Text" : a->type);
    }
    CU_ASSERT_EQUAL_FATAL(q->cases[0].nsource_guids, 1);
    CU_ASSERT_STRING_EQUAL(q->cases[0].source_guids[0], G_SRC_A);
    CU_ASSERT_STRING_EQUAL(q->cases[1].name, "P02");
    CU_ASSERT_EQUAL_FATAL(q->cases[1].nvalues, 1);
    CU_ASSERT_STRING_EQUAL(q->cases[1].values[0].value, "unknown");
    /* Users, the project note, the set. */
    bool alice = false, bob = false;
    for (size_t i = 0; i < q->nusers; i++) {
        alice |= q->users[i].name && !strcmp(q->users[i].name, "Alice");
        bob |= q->users[i].name && !strcmp(q->users[i].name, "Bob");
    }
    CU_ASSERT_TRUE(alice && bob);
    bool note = false;
    for (size_t i = 0; i < q->nnotes; i++)
        note |= q->notes[i].guid && !strcmp(q->notes[i].guid, G_NOTE) && q->notes[i].text &&
                !strcmp(q->notes[i].text, "Trust first.\r\nThen hierarchy.");
    CU_ASSERT_TRUE(note);
    CU_ASSERT_EQUAL_FATAL(q->nsets, 1);
    CU_ASSERT_EQUAL(q->sets[0].nmember_codes, 1);
    CU_ASSERT_EQUAL(q->sets[0].nmember_sources, 1);

    /* Writing what was read gives the same file again. */
    art_buf x, y;
    art_buf_init(&x);
    art_buf_init(&y);
    CU_ASSERT_EQUAL(art_qda_write_qde(&f.p, &x, NULL), ART_OK);
    CU_ASSERT_EQUAL(art_qda_write_qde(q, &y, NULL), ART_OK);
    CU_ASSERT_EQUAL(xsd_problems(y.data, y.len, false), 0);
    CU_ASSERT_EQUAL(x.len, y.len);
    CU_ASSERT_TRUE(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
    art_buf_free(&x);
    art_buf_free(&y);
    art_qda_project_free(q);
}

/* ---- robustness and errors ------------------------------------------------------- */

static void test_unclean_strings_still_valid(void)
{
    fixture f;
    build_fixture(&f);
    /* A control character, a broken UTF-8 sequence, a bad colour and a
     * GUID that is not one: the file must still validate. */
    f.codes[2].name = S("auto\x01nomy \xC3");
    f.codes[2].color = S("blue");
    f.codes[3].guid = S("not-a-guid");
    f.values1[2].value = S("1e5");   /* not an xsd:decimal: "score" becomes Text */
    f.values1[4].value = S("2023-02-29");   /* no such day: Text */
    art_buf x;
    art_buf_init(&x);
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qde(&f.p, &x, NULL), ART_OK);
    CU_ASSERT_EQUAL(xsd_problems(x.data, x.len, false), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(x.data, "name=\"auto\xEF\xBF\xBDnomy \xEF\xBF\xBD\""));
    CU_ASSERT_PTR_NULL(strstr(x.data, "blue"));
    CU_ASSERT_PTR_NULL(strstr(x.data, "not-a-guid"));
    CU_ASSERT_PTR_NOT_NULL(strstr(x.data, "name=\"score\" typeOfVariable=\"Text\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(x.data, "name=\"interviewed\" typeOfVariable=\"Text\""));
    art_buf_free(&x);

    /* A codebook of the same codes validates against Codebook.xsd. */
    art_buf_init(&x);
    CU_ASSERT_EQUAL_FATAL(art_qda_write_qdc(&f.p, &x, NULL), ART_OK);
    CU_ASSERT_EQUAL(xsd_problems(x.data, x.len, true), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(x.data, "<MemberCode guid=\"" G_AUTON "\"/>"));
    art_buf_free(&x);

    /* A parent index that points forward is treated as top level, not a cycle. */
    f.codes[1].parent = 2;
    art_buf_init(&x);
    CU_ASSERT_EQUAL(art_qda_write_qde(&f.p, &x, NULL), ART_OK);
    CU_ASSERT_EQUAL(xsd_problems(x.data, x.len, false), 0);
    art_buf_free(&x);
}

static void test_empty_project_and_codebook(void)
{
    art_qda_project p;
    memset(&p, 0, sizeof p);
    art_buf x;
    art_buf_init(&x);
    CU_ASSERT_EQUAL(art_qda_write_qde(&p, &x, NULL), ART_OK);
    CU_ASSERT_EQUAL(xsd_problems(x.data, x.len, false), 0);
    art_buf_free(&x);
    art_buf_init(&x);
    art_error err;
    CU_ASSERT_EQUAL(art_qda_write_qdc(&p, &x, &err), ART_ERR_USAGE);
    CU_ASSERT_STRING_EQUAL(err.message, "REFI-QDA codebook: a codebook needs at least one code");
    CU_ASSERT_EQUAL(x.len, 0);
    art_buf_free(&x);
}

static void test_write_errors(void)
{
    fixture f;
    build_fixture(&f);
    const char *tmp = art_test_tmpdir("qda-write-err");
    char dir[4200], path[4300];
    snprintf(dir, sizeof dir, "%s", tmp);
    snprintf(path, sizeof path, "%s/missing/out.qdpx", dir);
    art_error err;
    CU_ASSERT_EQUAL(art_qda_write_qdpx(&f.p, path, &err), ART_ERR_IO);
    CU_ASSERT_EQUAL(err.status, ART_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, path));
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    CU_ASSERT_EQUAL(count_dir_entries(dir), 0);

    /* The target is a directory: the rename fails, the temporary goes. */
    snprintf(path, sizeof path, "%s/adir", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
    CU_ASSERT_EQUAL(art_qda_write_qdpx(&f.p, path, &err), ART_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "cannot rename into place"));
    CU_ASSERT_EQUAL(count_dir_entries(dir), 1);
    CU_ASSERT_EQUAL(count_dir_entries(path), 0);
}

static void test_zip_writer(void)
{
    const char *tmp = art_test_tmpdir("zip-writer");
    char dir[4200], path[4300];
    snprintf(dir, sizeof dir, "%s", tmp);
    snprintf(path, sizeof path, "%s/a.zip", dir);
    art_zip_writer *w = NULL;
    art_error err;
    /* Abort removes the temporary file and leaves nothing. */
    CU_ASSERT_EQUAL_FATAL(art_zip_writer_open(path, &w, &err), ART_OK);
    CU_ASSERT_EQUAL(count_dir_entries(dir), 1);
    CU_ASSERT_EQUAL(art_zip_writer_add(w, "x.txt", "abc", 3, &err), ART_OK);
    art_zip_writer_abort(w);
    CU_ASSERT_EQUAL(count_dir_entries(dir), 0);

    /* Bad entry names are refused, naming the archive, not the entry. */
    CU_ASSERT_EQUAL_FATAL(art_zip_writer_open(path, &w, &err), ART_OK);
    const char *bad[] = {"../x", "/abs", "a\\b", "", "a//b", "dir/", "./x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(art_zip_writer_add(w, bad[i], "x", 1, &err), ART_ERR_USAGE);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, path));
    }
    /* Empty, small and compressible entries. */
    char big[20000];
    memset(big, 'a', sizeof big);
    CU_ASSERT_EQUAL(art_zip_writer_add(w, "empty", NULL, 0, &err), ART_OK);
    CU_ASSERT_EQUAL(art_zip_writer_add(w, "d/big.txt", big, sizeof big, &err), ART_OK);
    CU_ASSERT_EQUAL(art_zip_writer_finish(w, &err), ART_OK);
    CU_ASSERT_EQUAL(count_dir_entries(dir), 1);
    struct stat st;
    CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
    CU_ASSERT_TRUE(st.st_size < 2000);   /* deflated, not stored */
    zentry z[4];
    int n = read_zip(path, z, 4);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_STRING_EQUAL(z[0].name, "empty");
    CU_ASSERT_EQUAL(z[0].len, 0);
    CU_ASSERT_STRING_EQUAL(z[1].name, "d/big.txt");
    CU_ASSERT_TRUE(z[1].len == sizeof big && memcmp(z[1].data, big, sizeof big) == 0);
    free_zip_entries(z, n);

    CU_ASSERT_EQUAL(art_zip_writer_open("", &w, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NULL(w);
}

void art_test_register(void)
{
    xmlInitParser();
    ART_SUITE("qda_write",
              {"guid_from", test_guid_from},
              {"codebook structure", test_codebook_structure},
              {"codebook .qdc valid and deterministic", test_codebook_writes_valid_deterministic_qdc},
              {"codebook maps through rubric patterns", test_codebook_maps_through_rubric_patterns},
              {"codebook maps through the plugin host", test_codebook_maps_through_plugin_host},
              {"fixture offsets", test_fixture_offsets},
              {"project .qde valid", test_project_qde_valid},
              {"project .qdpx entries", test_project_qdpx_entries},
              {"round trip", test_round_trip},
              {"unclean strings still valid", test_unclean_strings_still_valid},
              {"empty project and codebook", test_empty_project_and_codebook},
              {"write errors", test_write_errors},
              {"zip writer", test_zip_writer});
}
