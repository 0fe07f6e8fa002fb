/* Office documents: DOCX (WordprocessingML) and ODT (OpenDocument Text).
 *
 * Both are zips of XML parts.  Only the parts needed are inflated
 * (art_zip_read with a want list, so every zip bound applies), each is parsed
 * with the hardened art_xml_parse, and the body is walked in reading order
 * into the document builder: headings, paragraphs, list items and table
 * cells (one block per cell).  Tracked deletions, moved-away text, field
 * instructions, the ODT change log, footnotes, comments and text boxes are
 * left out: deleted text must never reach an assessment, and the rest is not
 * part of the running text a reader sees in order.  Text boxes
 * (w:txbxContent, draw:text-box) and footnotes are skipped on purpose. */
#include "zip.h"

#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* libxml2 refuses deeper trees itself (256); this only guards our recursion. */
#define MAX_DEPTH 300
/* text:s may ask for any number of spaces; the builder squashes them anyway. */
#define MAX_SPACES 64

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define OFFICE_NS "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define TEXT_NS "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define TABLE_NS "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define DRAW_NS "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define ODT_MIMETYPE "application/vnd.oasis.opendocument.text"

/* ---- shared helpers ---------------------------------------------------- */

static bool has_ns(xmlNodePtr n, const char *uri)
{
    return n->ns && n->ns->href && strcmp((const char *)n->ns->href, uri) == 0;
}

static bool is_el(xmlNodePtr n, const char *uri, const char *local)
{
    return n->type == XML_ELEMENT_NODE && has_ns(n, uri) && strcmp((const char *)n->name, local) == 0;
}

/* WordprocessingML comes in a transitional and a strict namespace. */
static bool is_w(xmlNodePtr n, const char *local)
{
    return is_el(n, W_NS, local) || is_el(n, W_NS_STRICT, local);
}

static xmlNodePtr first_child(xmlNodePtr parent, bool (*match)(xmlNodePtr, const char *),
                              const char *local)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
        if (match(c, local))
            return c;
    return NULL;
}

static void append_text_children(xmlNodePtr el, art_buf *t)
{
    for (xmlNodePtr c = el->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
            art_buf_puts(t, (const char *)c->content);
}

static bool has_visible_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return true;
    return false;
}

typedef struct office_walk {
    art_doc_builder *b;
    art_buf *cell;          /* the table cell being gathered, or NULL */
    bool in_list;           /* ODT: inside text:list-item */
    char *first_heading;    /* title fallback */
    bool failed;
} office_walk;

/* One paragraph's text: a block of its own, or part of the enclosing cell. */
static void emit(office_walk *w, art_block_kind kind, art_buf *text)
{
    if (text->failed) {
        w->failed = true;
        return;
    }
    if (!text->len || !has_visible_text(text->data, text->len))
        return;
    if (w->cell) {
        if (w->cell->len)
            art_buf_putc(w->cell, ' ');
        art_buf_append(w->cell, text->data, text->len);
        return;
    }
    if (art_doc_builder_add(w->b, kind, text->data, text->len) != ART_OK)
        w->failed = true;
    if (kind == ART_BLOCK_HEADING && !w->first_heading &&
        !(w->first_heading = art_strndup(text->data, text->len)))
        w->failed = true;
}

/* Gather a table cell's paragraphs into one block.  A nested table's cells
 * become blocks of their own; what the outer cell had so far goes first, so
 * reading order holds. */
static void walk_cell(office_walk *w, xmlNodePtr cell, int depth,
                      void (*walk)(office_walk *, xmlNodePtr, int))
{
    art_buf *outer = w->cell;
    if (outer && outer->len) {
        w->cell = NULL;
        emit(w, ART_BLOCK_TABLE_CELL, outer);
        art_buf_reset(outer);
    }
    art_buf text;
    art_buf_init(&text);
    w->cell = &text;
    walk(w, cell, depth + 1);
    w->cell = NULL;
    emit(w, ART_BLOCK_TABLE_CELL, &text);
    art_buf_free(&text);
    w->cell = outer;
}

/* "NAME: part" for messages about one part of the package. */
static void part_label(char *out, size_t n, const char *name, const char *part)
{
    snprintf(out, n, "%s:%s", name, part);
}

static xmlDocPtr parse_part(const art_zip_entry *e, const char *name, const char *part,
                            art_error *err)
{
    char label[512];
    part_label(label, sizeof label, name, part);
    return art_xml_parse((const char *)e->data, e->len, label, err);
}

/* dc:title under the root of docProps/core.xml or office:meta in meta.xml. */
static void title_from(art_doc_builder *b, xmlNodePtr parent, int depth)
{
    for (xmlNodePtr c = parent ? parent->children : NULL; c && !b->doc->title; c = c->next) {
        if (is_el(c, DC_NS, "title")) {
            xmlChar *t = xmlNodeGetContent(c);
            if (t)
                art_doc_builder_set_title(b, (const char *)t, strlen((const char *)t));
            xmlFree(t);
        } else if (c->type == XML_ELEMENT_NODE && depth < 2) {
            title_from(b, c, depth + 1);
        }
    }
}

/* Title from a metadata part; a damaged metadata part only loses the title. */
static void title_from_part(art_doc_builder *b, const art_zip_entry *e, const char *name,
                            const char *part)
{
    if (!e || !e->data)
        return;
    art_error ignored = {0};
    xmlDocPtr doc = parse_part(e, name, part, &ignored);
    if (!doc)
        return;
    title_from(b, xmlDocGetRootElement(doc), 0);
    xmlFreeDoc(doc);
}

typedef struct want_parts {
    const char *const *parts;
} want_parts;

static bool want_part(const char *entry, void *ud)
{
    const want_parts *w = ud;
    for (const char *const *p = w->parts; *p; p++)
        if (art_strcasecmp_ascii(entry, *p) == 0)
            return true;
    return false;
}

static art_status finish(office_walk *w, const char *name, art_document **out, art_error *err)
{
    art_doc_builder *b = w->b;
    if (!w->failed && !b->failed && !b->doc->title && w->first_heading)
        art_doc_builder_set_title(b, w->first_heading, strlen(w->first_heading));
    free(w->first_heading);
    if (w->failed || b->failed) {
        art_doc_builder_abort(b);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    if (b->doc->nblocks == 0) {
        art_doc_builder_abort(b);
        return art_error_set(err, ART_ERR_FORMAT, "%s: no text found", name);
    }
    return art_doc_builder_finish(b, out, err);
}

/* ---- DOCX -------------------------------------------------------------- */

/* Paragraph styles by id, so a heading style with a localised id
 * ("berschrift1") is still known by its name ("heading 1"). */
typedef struct docx_styles {
    xmlDocPtr doc;
} docx_styles;

static bool starts_with_ci(const char *s, const char *prefix)
{
    return s && strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static xmlChar *w_attr(xmlNodePtr n, const char *local)
{
    xmlChar *v = xmlGetNsProp(n, (const xmlChar *)local, (const xmlChar *)W_NS);
    return v ? v : xmlGetNsProp(n, (const xmlChar *)local, (const xmlChar *)W_NS_STRICT);
}

/* The name of paragraph style `id` in styles.xml, or NULL (xmlFree it). */
static xmlChar *style_name(const docx_styles *st, const char *id)
{
    xmlNodePtr root = st->doc ? xmlDocGetRootElement(st->doc) : NULL;
    for (xmlNodePtr s = root ? root->children : NULL; s; s = s->next) {
        if (!is_w(s, "style"))
            continue;
        xmlChar *sid = w_attr(s, "styleId");
        bool same = sid && strcmp((const char *)sid, id) == 0;
        xmlFree(sid);
        if (same) {
            xmlNodePtr nm = first_child(s, is_w, "name");
            return nm ? w_attr(nm, "val") : NULL;
        }
    }
    return NULL;
}

static bool heading_style(const char *s) { return starts_with_ci(s, "heading") || starts_with_ci(s, "title"); }

static art_block_kind docx_paragraph_kind(const docx_styles *st, xmlNodePtr p)
{
    xmlNodePtr ppr = first_child(p, is_w, "pPr");
    if (!ppr)
        return ART_BLOCK_PARAGRAPH;
    xmlNodePtr ps = first_child(ppr, is_w, "pStyle");
    xmlChar *id = ps ? w_attr(ps, "val") : NULL;
    xmlChar *nm = id ? style_name(st, (const char *)id) : NULL;
    art_block_kind kind = ART_BLOCK_PARAGRAPH;
    if (heading_style((const char *)id) || heading_style((const char *)nm))
        kind = ART_BLOCK_HEADING;
    else if (first_child(ppr, is_w, "numPr") || starts_with_ci((const char *)id, "list") ||
             starts_with_ci((const char *)nm, "list"))
        kind = ART_BLOCK_LIST_ITEM;
    xmlFree(id);
    xmlFree(nm);
    return kind;
}

/* Never text in the running body: tracked deletions and moved-away text,
 * field instructions, properties, text boxes, and the Choice half of
 * mc:AlternateContent (its Fallback carries the same content). */
static bool docx_skipped(xmlNodePtr n)
{
    static const char *const skip[] = {"del", "delText", "moveFrom", "instrText", "pPr", "rPr",
                                       "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "sym",
                                       "txbxContent", "footnoteReference", "endnoteReference",
                                       "commentReference", "fldData"};
    if (is_el(n, MC_NS, "Choice"))
        return true;
    if (!has_ns(n, W_NS) && !has_ns(n, W_NS_STRICT))
        return false;
    for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
        if (strcmp((const char *)n->name, skip[i]) == 0)
            return true;
    return false;
}

/* Runs and everything that may wrap them (w:ins, w:moveTo, w:hyperlink,
 * w:smartTag, w:fldSimple, w:sdt...): only w:t carries text. */
static void docx_inline(xmlNodePtr parent, art_buf *t, int depth)
{
    for (xmlNodePtr c = parent->children; c && depth < MAX_DEPTH; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || docx_skipped(c))
            continue;
        if (is_w(c, "t"))
            append_text_children(c, t);
        else if (is_w(c, "tab") || is_w(c, "br") || is_w(c, "cr") || is_w(c, "ptab"))
            art_buf_putc(t, ' ');
        else if (is_w(c, "noBreakHyphen"))
            art_buf_putc(t, '-');
        else
            docx_inline(c, t, depth + 1);
    }
}

typedef struct docx_walk {
    office_walk w;
    const docx_styles *styles;
} docx_walk;

static void docx_paragraph(docx_walk *d, xmlNodePtr p)
{
    art_buf text;
    art_buf_init(&text);
    docx_inline(p, &text, 0);
    emit(&d->w, docx_paragraph_kind(d->styles, p), &text);
    art_buf_free(&text);
}

static void docx_blocks(office_walk *w, xmlNodePtr parent, int depth)
{
    docx_walk *d = (docx_walk *)w;    /* w is the first member of docx_walk */
    for (xmlNodePtr c = parent->children; c && depth < MAX_DEPTH && !w->failed; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || docx_skipped(c))
            continue;
        if (is_w(c, "p"))
            docx_paragraph(d, c);
        else if (is_w(c, "tc"))
            walk_cell(w, c, depth, docx_blocks);
        else
            docx_blocks(w, c, depth + 1);   /* tbl, tr, sdt, customXml, ins... */
    }
}

static art_status docx_body(const art_zip *z, const char *name, xmlNodePtr *body_out,
                            xmlDocPtr *doc_out, art_error *err)
{
    const art_zip_entry *e = art_zip_find_ci(z, "word/document.xml");
    if (!e || !e->data)
        return art_error_set(err, ART_ERR_FORMAT, "%s: not a DOCX document (no word/document.xml)",
                             name);
    xmlDocPtr doc = parse_part(e, name, "word/document.xml", err);
    if (!doc)
        return err ? err->status : ART_ERR_FORMAT;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr body = root && is_w(root, "document") ? first_child(root, is_w, "body") : NULL;
    if (!body) {
        xmlFreeDoc(doc);
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: word/document.xml is not a WordprocessingML document", name);
    }
    *doc_out = doc;
    *body_out = body;
    return ART_OK;
}

static art_status docx_from_zip(const art_zip *z, const char *name, art_document **out,
                                art_error *err)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr body = NULL;
    art_status st = docx_body(z, name, &body, &doc, err);
    if (st != ART_OK)
        return st;
    art_doc_builder b;
    if (art_doc_builder_init(&b, "docx") != ART_OK) {
        xmlFreeDoc(doc);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    title_from_part(&b, art_zip_find_ci(z, "docProps/core.xml"), name, "docProps/core.xml");
    /* styles.xml only refines heading detection; a damaged one is ignored. */
    docx_styles styles = {NULL};
    const art_zip_entry *se = art_zip_find_ci(z, "word/styles.xml");
    if (se && se->data) {
        art_error ignored = {0};
        styles.doc = parse_part(se, name, "word/styles.xml", &ignored);
    }
    docx_walk d = {.w = {.b = &b}, .styles = &styles};
    docx_blocks(&d.w, body, 0);
    xmlFreeDoc(styles.doc);
    xmlFreeDoc(doc);
    return finish(&d.w, name, out, err);
}

art_status art_doc_parse_docx(const char *data, size_t len, const char *name,
                              art_document **out, art_error *err)
{
    *out = NULL;
    static const char *const parts[] = {"word/document.xml", "docProps/core.xml",
                                        "word/styles.xml", NULL};
    want_parts wp = {parts};
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    art_zip *z = NULL;
    art_status st = art_zip_read(data, len, name, &lim, want_part, &wp, &z, err);
    if (st != ART_OK)
        return st;
    st = docx_from_zip(z, name, out, err);
    art_zip_free(z);
    return st;
}

/* ---- ODT --------------------------------------------------------------- */

static bool is_text(xmlNodePtr n, const char *local) { return is_el(n, TEXT_NS, local); }
static bool is_office(xmlNodePtr n, const char *local) { return is_el(n, OFFICE_NS, local); }

/* Never running text: the change log (which holds deleted text), deletions,
 * notes, comments, drawings and text boxes, generated indexes, declarations. */
static bool odt_skipped(xmlNodePtr n)
{
    static const char *const skip_text[] = {
        "tracked-changes", "deletion", "note", "sequence-decls", "variable-decls",
        "user-field-decls", "dde-connection-decls", "table-of-content", "alphabetical-index",
        "illustration-index", "table-index", "object-index", "user-index", "bibliography"};
    if (has_ns(n, DRAW_NS) || is_office(n, "annotation") || is_office(n, "annotation-end") ||
        is_office(n, "forms"))
        return true;
    if (!has_ns(n, TEXT_NS))
        return false;
    for (size_t i = 0; i < sizeof skip_text / sizeof skip_text[0]; i++)
        if (strcmp((const char *)n->name, skip_text[i]) == 0)
            return true;
    return false;
}

static void odt_spaces(xmlNodePtr s, art_buf *t)
{
    long count = 1;
    xmlChar *c = xmlGetNsProp(s, (const xmlChar *)"c", (const xmlChar *)TEXT_NS);
    if (c) {
        char *end;
        long v = strtol((const char *)c, &end, 10);
        if (end != (const char *)c && v > 0)
            count = v > MAX_SPACES ? MAX_SPACES : v;
        xmlFree(c);
    }
    for (long i = 0; i < count; i++)
        art_buf_putc(t, ' ');
}

static void odt_inline(xmlNodePtr parent, art_buf *t, int depth)
{
    for (xmlNodePtr c = parent->children; c && depth < MAX_DEPTH; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                art_buf_puts(t, (const char *)c->content);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || odt_skipped(c))
            continue;
        if (is_text(c, "s"))
            odt_spaces(c, t);
        else if (is_text(c, "tab") || is_text(c, "line-break"))
            art_buf_putc(t, ' ');
        else
            odt_inline(c, t, depth + 1);    /* span, a, meta, fields... */
    }
}

static void odt_paragraph(office_walk *w, xmlNodePtr p, art_block_kind kind)
{
    art_buf text;
    art_buf_init(&text);
    odt_inline(p, &text, 0);
    emit(w, kind, &text);
    art_buf_free(&text);
}

static void odt_blocks(office_walk *w, xmlNodePtr parent, int depth)
{
    for (xmlNodePtr c = parent->children; c && depth < MAX_DEPTH && !w->failed; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || odt_skipped(c))
            continue;
        if (is_text(c, "h")) {
            odt_paragraph(w, c, ART_BLOCK_HEADING);
        } else if (is_text(c, "p")) {
            odt_paragraph(w, c, w->in_list ? ART_BLOCK_LIST_ITEM : ART_BLOCK_PARAGRAPH);
        } else if (is_el(c, TABLE_NS, "table-cell") || is_el(c, TABLE_NS, "covered-table-cell")) {
            bool in_list = w->in_list;
            w->in_list = false;
            walk_cell(w, c, depth, odt_blocks);
            w->in_list = in_list;
        } else if (is_text(c, "list-item") || is_text(c, "list-header")) {
            bool in_list = w->in_list;
            w->in_list = true;
            odt_blocks(w, c, depth + 1);
            w->in_list = in_list;
        } else {
            odt_blocks(w, c, depth + 1);    /* section, list, table, rows... */
        }
    }
}

/* The 'mimetype' entry, when present, must say ODF text. */
static bool odt_mimetype_ok(const art_zip *z)
{
    const art_zip_entry *m = art_zip_find(z, "mimetype");
    if (!m)
        return true;
    if (!m->data)
        return false;
    size_t n = m->len;
    while (n && (m->data[n - 1] == '\n' || m->data[n - 1] == '\r' || m->data[n - 1] == ' '))
        n--;
    return n == strlen(ODT_MIMETYPE) && memcmp(m->data, ODT_MIMETYPE, n) == 0;
}

static art_status odt_body(const art_zip *z, const char *name, xmlNodePtr *text_out,
                           xmlDocPtr *doc_out, art_error *err)
{
    if (!odt_mimetype_ok(z))
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: not an ODT text document (wrong mimetype entry)", name);
    const art_zip_entry *e = art_zip_find_ci(z, "content.xml");
    if (!e || !e->data)
        return art_error_set(err, ART_ERR_FORMAT, "%s: not an ODT document (no content.xml)", name);
    xmlDocPtr doc = parse_part(e, name, "content.xml", err);
    if (!doc)
        return err ? err->status : ART_ERR_FORMAT;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr body = root && is_office(root, "document-content")
                          ? first_child(root, is_office, "body") : NULL;
    xmlNodePtr text = first_child(body, is_office, "text");
    if (!text) {
        xmlFreeDoc(doc);
        return art_error_set(err, ART_ERR_FORMAT, "%s: not an ODT text document (no office:text)",
                             name);
    }
    *doc_out = doc;
    *text_out = text;
    return ART_OK;
}

static art_status odt_from_zip(const art_zip *z, const char *name, art_document **out,
                               art_error *err)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr text = NULL;
    art_status st = odt_body(z, name, &text, &doc, err);
    if (st != ART_OK)
        return st;
    art_doc_builder b;
    if (art_doc_builder_init(&b, "odt") != ART_OK) {
        xmlFreeDoc(doc);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    title_from_part(&b, art_zip_find_ci(z, "meta.xml"), name, "meta.xml");
    office_walk w = {.b = &b};
    odt_blocks(&w, text, 0);
    xmlFreeDoc(doc);
    return finish(&w, name, out, err);
}

art_status art_doc_parse_odt(const char *data, size_t len, const char *name,
                             art_document **out, art_error *err)
{
    *out = NULL;
    static const char *const parts[] = {"mimetype", "content.xml", "meta.xml", NULL};
    want_parts wp = {parts};
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    art_zip *z = NULL;
    art_status st = art_zip_read(data, len, name, &lim, want_part, &wp, &z, err);
    if (st != ART_OK)
        return st;
    st = odt_from_zip(z, name, out, err);
    art_zip_free(z);
    return st;
}
