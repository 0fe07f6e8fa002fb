/* Checking REFI-QDA files against the schemas compiled into the library.
 *
 * The schema is read from memory, so nothing is fetched: the schemaLocation
 * that exports carry is never followed (and art_xml_init's entity loader
 * refuses any fetch anyway).  libxml2's messages quote attribute values,
 * which may be interview text, so every quoted value is blanked out before a
 * problem is reported; element and attribute names are kept. */
#include "qda.h"
#include "zip.h"

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <stdio.h>
#include <string.h>

#define QDA_MAX_INPUT ((size_t)64 << 20)
#define MAX_PROBLEMS 1000

typedef struct check_ctx {
    art_qda_problem_fn report;
    void *ud;
    size_t problems;
} check_ctx;

/* Keep a quoted word only where libxml2 quotes a name it took from the
 * schema or the element/attribute structure: "Element '...'",
 * "attribute '...'", "[facet '...']". */
static bool quotes_a_name(const char *msg, size_t quote)
{
    static const char *const keep[] = {"Element ", "attribute ", "facet "};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        size_t n = strlen(keep[i]);
        if (quote >= n && strncmp(msg + quote - n, keep[i], n) == 0)
            return true;
    }
    return false;
}

/* The message in one line with quoted values replaced by '...'. */
static void clean_message(const char *msg, art_buf *b)
{
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = msg[i];
        if (c == '\'') {
            const char *close = memchr(msg + i + 1, '\'', n - i - 1);
            if (close) {
                size_t j = (size_t)(close - msg);
                if (quotes_a_name(msg, i))
                    art_buf_append(b, msg + i, j - i + 1);
                else
                    art_buf_puts(b, "'...'");
                i = j;
                continue;
            }
        }
        art_buf_putc(b, (c == '\n' || c == '\r' || c == '\t') ? ' ' : c);
    }
}

static void on_schema_error(void *ud, xmlErrorPtr e)
{
    check_ctx *c = ud;
    if (!e || e->level == XML_ERR_WARNING)
        return;
    c->problems++;
    if (!c->report || c->problems > MAX_PROBLEMS)
        return;
    art_buf b;
    art_buf_init(&b);
    art_buf_printf(&b, "line %d: ", e->line);
    clean_message(e->message ? e->message : "invalid", &b);
    if (!b.failed && b.data)
        c->report(c->ud, b.data);
    art_buf_free(&b);
}

static void ignore_schema_error(void *ud, xmlErrorPtr e)
{
    (void)ud;
    (void)e;
}

static art_status compile_schema(bool codebook, const char *name, xmlSchemaPtr *out,
                                 art_error *err)
{
    const unsigned char *xsd = codebook ? art_schema_codebook_xsd : art_schema_project_xsd;
    size_t len = codebook ? art_schema_codebook_xsd_len : art_schema_project_xsd_len;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)xsd, (int)len);
    if (!pc)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    xmlSchemaSetParserStructuredErrors(pc, ignore_schema_error, NULL);
    *out = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!*out)
        return art_error_set(err, ART_ERR_FORMAT, "%s: the built-in REFI-QDA schema did not load",
                             name);
    return ART_OK;
}

art_status art_qda_validate_memory(const char *xml, size_t len, const char *name,
                                   bool codebook, art_qda_problem_fn report, void *ud,
                                   art_error *err)
{
    if (!name)
        name = codebook ? "codebook" : "project";
    if (len > QDA_MAX_INPUT)
        return art_error_set(err, ART_ERR_LIMIT, "%s: larger than %zu bytes", name,
                             QDA_MAX_INPUT);
    art_xml_init();
    xmlDoc *doc = art_xml_parse(xml, len, name, err);
    if (!doc)
        return err ? err->status : ART_ERR_FORMAT;
    xmlSchemaPtr schema = NULL;
    art_status st = compile_schema(codebook, name, &schema, err);
    if (st != ART_OK) {
        xmlFreeDoc(doc);
        return st;
    }
    check_ctx c = {report, ud, 0};
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = -1;
    if (vc) {
        xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &c);
        rc = xmlSchemaValidateDoc(vc, doc);
        xmlSchemaFreeValidCtxt(vc);
    }
    xmlSchemaFree(schema);
    xmlFreeDoc(doc);
    if (!vc)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (c.problems > MAX_PROBLEMS && report) {
        char line[64];
        snprintf(line, sizeof line, "... and %zu more problems", c.problems - MAX_PROBLEMS);
        report(ud, line);
    }
    if (rc == 0)
        return ART_OK;
    if (rc < 0)
        return art_error_set(err, ART_ERR_FORMAT, "%s: could not be checked against the schema",
                             name);
    return art_error_set(err, ART_ERR_FORMAT,
                         "%s: does not follow the REFI-QDA %s schema (%zu problem%s)", name,
                         codebook ? "codebook" : "project", c.problems,
                         c.problems == 1 ? "" : "s");
}

static bool want_root_qde(const char *entry, void *ud)
{
    (void)ud;
    return !strchr(entry, '/') && art_str_ends_with_ci(entry, ".qde");
}

static art_status validate_qdpx(const char *data, size_t len, const char *path,
                                art_qda_problem_fn report, void *ud, art_error *err)
{
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_entry_bytes = QDA_MAX_INPUT;
    art_zip *z = NULL;
    art_status st = art_zip_read(data, len, path, &lim, want_root_qde, NULL, &z, err);
    if (st != ART_OK)
        return st;
    const art_zip_entry *qde = NULL;
    size_t n = 0;
    for (size_t i = 0; i < z->nentries; i++)
        if (!z->entries[i].is_dir && want_root_qde(z->entries[i].name, NULL) && !n++)
            qde = &z->entries[i];
    if (n != 1)
        st = art_error_set(err, ART_ERR_FORMAT,
                           "%s: %zu .qde project files at the archive's root; expected one", path,
                           n);
    else if (!qde->data)
        st = art_error_set(err, ART_ERR_FORMAT, "%s: the project file could not be read", path);
    else
        st = art_qda_validate_memory((const char *)qde->data, qde->len, path, false, report, ud,
                                     err);
    art_zip_free(z);
    return st;
}

art_status art_qda_validate(const char *path, art_qda_problem_fn report, void *ud,
                            art_error *err)
{
    bool qdpx = art_str_ends_with_ci(path, ".qdpx");
    bool qde = art_str_ends_with_ci(path, ".qde");
    bool qdc = art_str_ends_with_ci(path, ".qdc");
    if (!qdpx && !qde && !qdc)
        return art_error_set(err, ART_ERR_UNSUPPORTED,
                             "%s: not a REFI-QDA file (expected .qdpx, .qde or .qdc)", path);
    char *data = NULL;
    size_t len = 0;
    art_status st = art_read_file(path, QDA_MAX_INPUT, &data, &len, err);
    if (st != ART_OK)
        return st;
    if (qdpx)
        st = validate_qdpx(data, len, path, report, ud, err);
    else
        st = art_qda_validate_memory(data, len, path, qdc, report, ud, err);
    free(data);
    return st;
}
