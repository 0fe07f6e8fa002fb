/* Hardened libxml2 parsing.  Everything artefact reads as XML or HTML comes
 * through here, so the defences are in one place:
 *  - an external entity loader that refuses everything (XML_PARSE_NONET
 *    alone does not stop a file:// entity on libxml2 2.9.x);
 *  - no entity substitution, no DTD loading, default size limits;
 *  - a DOCTYPE that declares any entity is refused before the entity can be
 *    used (no XXE, no "billion laughs");
 *  - libxml2's own messages, which can echo document text, are never shown:
 *    errors are reported in our words, with a line number at most. */
#include "csv.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

static xmlParserInputPtr refuse_external_entity(const char *url, const char *id,
                                                xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

static void install_xml_defaults(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(refuse_external_entity);
}

void art_xml_init(void)
{
    /* pthread_once: libxml2's loader is process-wide, so set it exactly once
     * even if two threads parse their first file at the same time. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_xml_defaults);
}

/* SAX hook for <!ENTITY ...> (general and parameter): stop at once.  The
 * parser then reports XML_ERR_USER_STOP, which nothing else here causes. */
static void refuse_entity_decl(void *ctx, const xmlChar *name, int type,
                               const xmlChar *public_id, const xmlChar *system_id,
                               xmlChar *content)
{
    (void)name;
    (void)type;
    (void)public_id;
    (void)system_id;
    (void)content;
    xmlStopParser((xmlParserCtxtPtr)ctx);
}

static void refuse_unparsed_entity_decl(void *ctx, const xmlChar *name,
                                        const xmlChar *public_id, const xmlChar *system_id,
                                        const xmlChar *notation)
{
    (void)name;
    (void)public_id;
    (void)system_id;
    (void)notation;
    xmlStopParser((xmlParserCtxtPtr)ctx);
}

/* Swallow structured errors for this context only, in case some other part
 * of the process installed a global structured handler. */
static void ignore_structured_error(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

static bool declares_entities(const xmlDoc *doc)
{
    const xmlDtd *dtd = doc->intSubset;
    return dtd && ((dtd->entities && xmlHashSize(dtd->entities) > 0) ||
                   (dtd->pentities && xmlHashSize(dtd->pentities) > 0));
}

struct _xmlDoc *art_xml_parse(const char *data, size_t len, const char *name, art_error *err)
{
    art_xml_init();
    if (len > INT_MAX) {
        art_error_set(err, ART_ERR_LIMIT, "%s: XML file too large", name);
        return NULL;
    }
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    ctxt->sax->entityDecl = refuse_entity_decl;
    ctxt->sax->unparsedEntityDecl = refuse_unparsed_entity_decl;
    ctxt->sax->serror = ignore_structured_error;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL, opts);
    int code = ctxt->errNo;
    int line = ctxt->lastError.line;
    bool well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);

    if (code == XML_ERR_USER_STOP || (doc && declares_entities(doc))) {
        xmlFreeDoc(doc);
        art_error_set(err, ART_ERR_FORMAT,
                      "%s: XML that declares entities in its DOCTYPE is refused", name);
        return NULL;
    }
    if (!doc || !well_formed) {
        xmlFreeDoc(doc);
        if (code == XML_ERR_NO_MEMORY)
            art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        else if (line > 0)
            art_error_set(err, ART_ERR_FORMAT, "%s: malformed XML at line %d", name, line);
        else
            art_error_set(err, ART_ERR_FORMAT, "%s: malformed XML", name);
        return NULL;
    }
    return doc;
}

/* Does the head of an HTML file declare a charset other than UTF-8?  Then
 * libxml2 converts it, and the UTF-8 check does not apply. */
static bool declares_other_charset(const char *data, size_t len)
{
    size_t n = len < 2048 ? len : 2048;
    for (size_t i = 0; i + 7 < n; i++) {
        if (strncasecmp(data + i, "charset", 7) != 0)
            continue;
        size_t j = i + 7;
        while (j < n && (data[j] == ' ' || data[j] == '=' || data[j] == '"' || data[j] == '\''))
            j++;
        if (j < n && data[j] != '>')
            return !(j + 5 <= n && strncasecmp(data + j, "utf-8", 5) == 0) &&
                   !(j + 4 <= n && strncasecmp(data + j, "utf8", 4) == 0);
    }
    return false;
}

struct _xmlDoc *art_html_parse(const char *data, size_t len, const char *name, art_error *err)
{
    art_xml_init();
    if (len > INT_MAX) {
        art_error_set(err, ART_ERR_LIMIT, "%s: HTML file too large", name);
        return NULL;
    }
    if (memchr(data, '\0', len)) {
        art_error_set(err, ART_ERR_FORMAT, "%s: not an HTML file (contains NUL bytes)", name);
        return NULL;
    }
    bool other_charset = declares_other_charset(data, len);
    if (!other_charset && art_ingest_check_utf8(data, len, name, err) != ART_OK)
        return NULL;
    htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
    if (!ctxt) {
        art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    ctxt->sax->serror = ignore_structured_error;
    int opts = HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
               HTML_PARSE_NOIMPLIED | HTML_PARSE_COMPACT;
    htmlDocPtr doc = htmlCtxtReadMemory(ctxt, data, (int)len, NULL,
                                        other_charset ? NULL : "UTF-8", opts);
    int code = ctxt->errNo;
    htmlFreeParserCtxt(ctxt);
    if (!doc) {
        if (code == XML_ERR_NO_MEMORY)
            art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        else
            art_error_set(err, ART_ERR_FORMAT, "%s: not readable as HTML", name);
        return NULL;
    }
    return doc;
}
