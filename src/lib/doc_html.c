/* HTML documents: walk the tree and turn block elements into blocks of text.
 * Inline elements join their block; text sitting directly in a container
 * (div, section, body...) becomes a paragraph of its own, so nothing visible
 * is lost; scripts, styles and other invisible parts are dropped. */
#include "csv.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>

/* Deeper trees than this are not real documents; their text is still kept,
 * joined into the enclosing block. */
#define MAX_DEPTH 256

typedef enum elem_role {
    ROLE_INLINE = 0,    /* text joins the current block */
    ROLE_DROP,          /* invisible: skipped with everything inside */
    ROLE_BLOCK,         /* a block of its own kind */
    ROLE_CONTAINER,     /* a block boundary; its direct text is a paragraph */
    ROLE_BREAK          /* <br>: a space */
} elem_role;

static const char *const dropped[] = {"script", "style", "noscript", "template", "head",
                                      "svg", "iframe", "object", "title", "math", "canvas",
                                      "select", "button", "embed", "audio", "video"};
static const char *const containers[] = {
    "html", "body", "div", "section", "article", "main", "header", "footer", "nav", "aside",
    "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "form", "figure", "fieldset",
    "details", "summary", "hr", "center", "caption"};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, list[i]) == 0)
            return true;
    return false;
}

static elem_role role_of(const char *name, art_block_kind *kind)
{
    *kind = ART_BLOCK_PARAGRAPH;
    if (in_list(name, dropped, sizeof dropped / sizeof dropped[0]))
        return ROLE_DROP;
    if (strcmp(name, "br") == 0)
        return ROLE_BREAK;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0') {
        *kind = ART_BLOCK_HEADING;
        return ROLE_BLOCK;
    }
    if (strcmp(name, "li") == 0) {
        *kind = ART_BLOCK_LIST_ITEM;
        return ROLE_BLOCK;
    }
    if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0) {
        *kind = ART_BLOCK_TABLE_CELL;
        return ROLE_BLOCK;
    }
    if (strcmp(name, "blockquote") == 0) {
        *kind = ART_BLOCK_QUOTE;
        return ROLE_BLOCK;
    }
    static const char *const paragraphs[] = {"p", "dt", "dd", "figcaption", "pre", "address"};
    if (in_list(name, paragraphs, sizeof paragraphs / sizeof paragraphs[0]))
        return ROLE_BLOCK;
    if (in_list(name, containers, sizeof containers / sizeof containers[0]))
        return ROLE_CONTAINER;
    return ROLE_INLINE;
}

typedef struct html_walk {
    art_doc_builder *b;
    bool have_h1;       /* first h1 seen (title fallback) */
} html_walk;

/* The text being gathered for one block, and the kind its nested
 * paragraphs inherit (a <p> inside <li> is still a list item). */
typedef struct pending {
    art_buf text;
    art_block_kind kind;
} pending;

static void flush(html_walk *w, pending *p)
{
    if (p->text.failed)
        w->b->failed = true;
    if (p->text.len)
        art_doc_builder_add(w->b, p->kind, p->text.data, p->text.len);
    art_buf_reset(&p->text);
}

static void walk_children(html_walk *w, xmlNodePtr node, pending *p, int depth);

/* A block element: its own text gathered apart, then added as one block. */
static void walk_block(html_walk *w, xmlNodePtr el, art_block_kind kind, pending *outer,
                       int depth)
{
    flush(w, outer);
    pending inner;
    art_buf_init(&inner.text);
    /* Plain paragraphs inside a list item, cell or quote keep that kind. */
    inner.kind = (kind == ART_BLOCK_PARAGRAPH) ? outer->kind : kind;
    walk_children(w, el, &inner, depth + 1);
    if (kind == ART_BLOCK_HEADING && el->name[1] == '1' && !w->have_h1 && inner.text.len) {
        w->have_h1 = true;
        if (!w->b->doc->title)
            art_doc_builder_set_title(w->b, inner.text.data, inner.text.len);
    }
    flush(w, &inner);
    art_buf_free(&inner.text);
}

static void walk_children(html_walk *w, xmlNodePtr node, pending *p, int depth)
{
    for (xmlNodePtr c = node->children; c && !w->b->failed; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (c->content)
                art_buf_puts(&p->text, (const char *)c->content);
            continue;
        }
        if (c->type != XML_ELEMENT_NODE || !c->name)
            continue;
        art_block_kind kind;
        elem_role role = role_of((const char *)c->name, &kind);
        if (role == ROLE_DROP)
            continue;
        if (role == ROLE_BREAK) {
            art_buf_putc(&p->text, ' ');
            continue;
        }
        if (depth >= MAX_DEPTH) {
            /* Keep the text, lose the structure; xmlNodeGetContent does not
             * recurse on the C stack. */
            xmlChar *text = xmlNodeGetContent(c);
            art_buf_putc(&p->text, ' ');
            if (text)
                art_buf_puts(&p->text, (const char *)text);
            xmlFree(text);
            continue;
        }
        if (role == ROLE_BLOCK) {
            walk_block(w, c, kind, p, depth);
        } else if (role == ROLE_CONTAINER) {
            flush(w, p);
            walk_children(w, c, p, depth + 1);
            flush(w, p);
        } else {
            walk_children(w, c, p, depth + 1);
        }
    }
}

/* The text of the first <title> element, searched without recursion into
 * svg (whose <title> is a tooltip). */
static xmlNodePtr find_title(xmlNodePtr node, int depth)
{
    for (xmlNodePtr c = node; c && depth < MAX_DEPTH; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !c->name)
            continue;
        if (strcmp((const char *)c->name, "title") == 0)
            return c;
        if (strcmp((const char *)c->name, "svg") == 0 || strcmp((const char *)c->name, "body") == 0)
            continue;
        xmlNodePtr t = find_title(c->children, depth + 1);
        if (t)
            return t;
    }
    return NULL;
}

static void set_title_from(art_doc_builder *b, xmlNodePtr title)
{
    xmlChar *text = xmlNodeGetContent(title);
    if (!text)
        return;
    art_doc_builder_set_title(b, (const char *)text, strlen((const char *)text));
    xmlFree(text);
}

art_status art_doc_parse_html(const char *data, size_t len, const char *name,
                              art_document **out, art_error *err)
{
    *out = NULL;
    xmlDocPtr doc = art_html_parse(data, len, name, err);
    if (!doc)
        return err ? err->status : ART_ERR_FORMAT;
    art_doc_builder b;
    if (art_doc_builder_init(&b, "html") != ART_OK) {
        xmlFreeDoc(doc);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    xmlNodePtr title = find_title(doc->children, 0);
    if (title)
        set_title_from(&b, title);
    html_walk w = {.b = &b, .have_h1 = false};
    pending top;
    art_buf_init(&top.text);
    top.kind = ART_BLOCK_PARAGRAPH;
    walk_children(&w, (xmlNodePtr)doc, &top, 0);
    flush(&w, &top);
    art_buf_free(&top.text);
    xmlFreeDoc(doc);
    if (b.failed) {
        art_doc_builder_abort(&b);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    if (b.doc->nblocks == 0) {
        art_doc_builder_abort(&b);
        return art_error_set(err, ART_ERR_FORMAT, "%s: no text found", name);
    }
    return art_doc_builder_finish(&b, out, err);
}
