/* Plain text and Markdown documents.  Both are read line by line into blocks
 * of markup-free text which the document builder splits into sentences. */
#include "csv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ==================================================================== */
/* Lines                                                                */
/* ==================================================================== */

typedef struct line {
    const char *s;
    size_t n;           /* without the line ending */
} line;

typedef struct lines {
    line *v;
    size_t n;
} lines;

/* Split data into lines on LF, dropping a CR before it (CRLF files).
 * memchr finds the line ends: a byte loop was a tenth of parsing text. */
static bool split_lines(const char *data, size_t len, lines *out)
{
    size_t count = 1;
    for (const char *p = data, *end = data + len;
         p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
        count++;
    out->v = calloc(count, sizeof *out->v);
    out->n = 0;
    if (!out->v)
        return false;
    size_t start = 0;
    while (start <= len) {
        const char *nl = start < len ? memchr(data + start, '\n', len - start) : NULL;
        size_t i = nl ? (size_t)(nl - data) : len;
        size_t n = i - start;
        if (n && data[start + n - 1] == '\r')
            n--;
        if (i < len || n > 0)
            out->v[out->n++] = (line){data + start, n};
        start = i + 1;
    }
    return true;
}

static bool line_blank(line l)
{
    for (size_t i = 0; i < l.n; i++)
        if (!isspace((unsigned char)l.s[i]))
            return false;
    return true;
}

/* Validate, skip the BOM and split: the common start of both parsers. */
static art_status prepare(const char *data, size_t len, const char *name, lines *out,
                          art_doc_builder *b, const char *format, art_error *err)
{
    memset(out, 0, sizeof *out);
    art_status st = art_ingest_check_utf8(data, len, name, err);
    if (st != ART_OK)
        return st;
    size_t bom = art_utf8_bom_len(data, len);
    if (!split_lines(data + bom, len - bom, out))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (art_doc_builder_init(b, format) != ART_OK) {
        free(out->v);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    return ART_OK;
}

static art_status finish(art_doc_builder *b, lines *ls, const char *name, art_document **out,
                         art_error *err)
{
    free(ls->v);
    if (b->failed) {
        art_doc_builder_abort(b);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    if (b->doc->nblocks == 0) {
        art_doc_builder_abort(b);
        return art_error_set(err, ART_ERR_FORMAT, "%s: no text found", name);
    }
    return art_doc_builder_finish(b, out, err);
}

/* ==================================================================== */
/* Plain text                                                           */
/* ==================================================================== */

art_status art_doc_parse_text(const char *data, size_t len, const char *name,
                              art_document **out, art_error *err)
{
    *out = NULL;
    lines ls;
    art_doc_builder b;
    art_status st = prepare(data, len, name, &ls, &b, "txt", err);
    if (st != ART_OK)
        return st;
    art_buf para;
    art_buf_init(&para);
    for (size_t i = 0; i <= ls.n; i++) {
        if (i == ls.n || line_blank(ls.v[i])) {
            art_doc_builder_add(&b, ART_BLOCK_PARAGRAPH, para.data ? para.data : "", para.len);
            art_buf_reset(&para);
            continue;
        }
        if (para.len)
            art_buf_putc(&para, ' ');
        art_buf_append(&para, ls.v[i].s, ls.v[i].n);
    }
    if (para.failed)
        b.failed = true;
    art_buf_free(&para);
    return finish(&b, &ls, name, out, err);
}

/* ==================================================================== */
/* Markdown: inline markup                                              */
/* ==================================================================== */

/* Index of the ']' closing the '[' at s[i], or n. */
static size_t closing_bracket(const char *s, size_t n, size_t i)
{
    int depth = 0;
    for (size_t j = i; j < n; j++) {
        if (s[j] == '\\') {
            j++;
            continue;
        }
        if (s[j] == '[')
            depth++;
        else if (s[j] == ']' && --depth == 0)
            return j;
    }
    return n;
}

/* Length of "(...)" or "[...]" link target at s[j], or 0. */
static size_t link_target_length(const char *s, size_t n, size_t j)
{
    if (j >= n || (s[j] != '(' && s[j] != '['))
        return 0;
    char close = s[j] == '(' ? ')' : ']';
    const char *e = memchr(s + j, close, n - j);
    return e ? (size_t)(e - (s + j)) + 1 : 0;
}

static size_t html_tag_length(const char *s, size_t n)
{
    if (n < 3 || s[0] != '<')
        return 0;
    unsigned char c = (unsigned char)s[1];
    if (!(isalpha(c) || c == '/' || c == '!'))
        return 0;
    if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
        for (size_t j = 4; j + 2 < n; j++)
            if (memcmp(s + j, "-->", 3) == 0)
                return j + 3;
        return n;
    }
    const char *e = memchr(s, '>', n);
    return e ? (size_t)(e - s) + 1 : 0;
}

static bool word_char(char c) { return isalnum((unsigned char)c) || (unsigned char)c >= 0x80; }

static void strip_inline(const char *s, size_t n, art_buf *out);

/* The bytes strip_inline looks at: escapes, code, links and images, HTML,
 * character references, emphasis.  Everything else is copied as it is. */
static const bool inline_special[256] = {
    ['\\'] = true, ['`'] = true, ['['] = true, ['!'] = true,
    ['<'] = true,  ['&'] = true, ['*'] = true, ['_'] = true,
};

/* Handle "[text](url)", "![alt](src)" and "[text][ref]" at s[i]; returns the
 * bytes consumed, or 0 when this is not a link. */
static size_t strip_link(const char *s, size_t n, size_t i, art_buf *out)
{
    bool image = s[i] == '!';
    size_t open = image ? i + 1 : i;
    size_t close = closing_bracket(s, n, open);
    if (close >= n)
        return 0;
    size_t target = link_target_length(s, n, close + 1);
    if (!target && image)
        return 0;
    if (!image)
        strip_inline(s + open + 1, close - open - 1, out);
    return close + 1 + target - i;
}

/* Remove inline Markdown: links keep their text, images go, code spans keep
 * their content, emphasis markers and HTML tags vanish, escapes and
 * character references are resolved. */
static void strip_inline(const char *s, size_t n, art_buf *out)
{
    for (size_t i = 0; i < n;) {
        char c = s[i];
        size_t k;
        unsigned cp;
        if (c == '\\' && i + 1 < n && ispunct((unsigned char)s[i + 1])) {
            art_buf_putc(out, s[i + 1]);
            i += 2;
        } else if (c == '`') {
            size_t ticks = 0;
            while (i + ticks < n && s[i + ticks] == '`')
                ticks++;
            size_t j = i + ticks, end = n;
            for (size_t m = j; m + ticks <= n; m++) {
                size_t t = 0;
                while (t < ticks && s[m + t] == '`')
                    t++;
                if (t == ticks) {
                    end = m;
                    break;
                }
            }
            if (end == n) {     /* unmatched: literal backticks */
                art_buf_append(out, s + i, ticks);
                i += ticks;
            } else {
                art_buf_append(out, s + j, end - j);
                i = end + ticks;
            }
        } else if ((c == '[' || (c == '!' && i + 1 < n && s[i + 1] == '[')) &&
                   (k = strip_link(s, n, i, out)) > 0) {
            i += k;
        } else if (c == '<' && (k = html_tag_length(s + i, n - i)) > 0) {
            i += k;
        } else if (c == '&' && (k = art_entity_match(s + i, n - i, &cp)) > 0) {
            char enc[4];
            art_buf_append(out, enc, art_utf8_encode(cp, enc));
            i += k;
        } else if (c == '*' || c == '_') {
            size_t run = 0;
            while (i + run < n && s[i + run] == c)
                run++;
            bool before = i > 0 && word_char(s[i - 1]);
            bool after = i + run < n && word_char(s[i + run]);
            /* snake_case and "2 * 3" stay; markers at a word edge go. */
            bool marker = c == '*' ? (before || after || (i + run < n && s[i + run] != ' '))
                                   : (before != after);
            if (!marker)
                art_buf_append(out, s + i, run);
            i += run;
        } else {
            /* Plain text up to the next byte that could start markup goes
             * in one append, not a byte at a time. */
            size_t j = i + 1;
            while (j < n && !inline_special[(unsigned char)s[j]])
                j++;
            art_buf_append(out, s + i, j - i);
            i = j;
        }
    }
}

/* ==================================================================== */
/* Markdown: blocks                                                     */
/* ==================================================================== */

typedef struct md_parser {
    art_doc_builder *b;
    art_buf raw;            /* the open block's text, markup still in */
    art_buf plain;          /* scratch for its stripped text */
    art_block_kind kind;
    int heading_level;
    bool open;
    bool in_list;           /* the last block was a list item */
    bool in_table;
    bool title_set;
} md_parser;

static void md_emit(md_parser *p, art_block_kind kind, int level, const char *s, size_t n)
{
    art_buf_reset(&p->plain);
    strip_inline(s, n, &p->plain);
    if (p->plain.failed) {
        p->b->failed = true;
        return;
    }
    const char *text = p->plain.data ? p->plain.data : "";
    art_doc_builder_add(p->b, kind, text, p->plain.len);
    if (kind == ART_BLOCK_HEADING && level == 1 && !p->title_set && p->plain.len) {
        art_doc_builder_set_title(p->b, text, p->plain.len);
        p->title_set = p->b->doc->title != NULL;
    }
}

static void md_flush(md_parser *p)
{
    if (p->open)
        md_emit(p, p->kind, p->heading_level, p->raw.data ? p->raw.data : "", p->raw.len);
    if (p->raw.failed)
        p->b->failed = true;
    art_buf_reset(&p->raw);
    p->open = false;
    p->in_table = false;
}

static void md_open(md_parser *p, art_block_kind kind, const char *s, size_t n)
{
    md_flush(p);
    p->kind = kind;
    p->heading_level = 0;
    p->open = true;
    art_buf_append(&p->raw, s, n);
}

static void md_append(md_parser *p, const char *s, size_t n)
{
    art_buf_putc(&p->raw, ' ');
    art_buf_append(&p->raw, s, n);
}

/* Leading indentation in columns (a tab counts 4) and the rest of the line. */
static size_t indent_of(line l, line *rest)
{
    size_t col = 0, i = 0;
    while (i < l.n && (l.s[i] == ' ' || l.s[i] == '\t')) {
        col += l.s[i] == '\t' ? 4 : 1;
        i++;
    }
    size_t n = l.n;
    while (n > i && isspace((unsigned char)l.s[n - 1]))
        n--;
    *rest = (line){l.s + i, n - i};
    return col;
}

static bool all_of(line t, const char *chars, char need, size_t min_need)
{
    size_t count = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (!strchr(chars, t.s[i]))
            return false;
        count += t.s[i] == need;
    }
    return count >= min_need;
}

static bool is_thematic_break(line t)
{
    return t.n >= 3 && (all_of(t, "- ", '-', 3) || all_of(t, "* ", '*', 3) ||
                        all_of(t, "_ ", '_', 3));
}

static bool is_fence(line t, char *ch, size_t *len)
{
    if (t.n < 3 || (t.s[0] != '`' && t.s[0] != '~'))
        return false;
    size_t k = 0;
    while (k < t.n && t.s[k] == t.s[0])
        k++;
    if (k < 3)
        return false;
    *ch = t.s[0];
    *len = k;
    return true;
}

static bool is_table_separator(line l)
{
    line t;
    indent_of(l, &t);
    return t.n > 0 && memchr(t.s, '|', t.n) && all_of(t, "|-: \t", '-', 1);
}

static void md_table_row(md_parser *p, line t)
{
    size_t i = 0, n = t.n;
    if (n && t.s[0] == '|')
        i++;
    if (n > i && t.s[n - 1] == '|' && !(n >= 2 && t.s[n - 2] == '\\'))
        n--;
    while (i <= n) {
        size_t j = i;
        while (j < n && !(t.s[j] == '|' && (j == 0 || t.s[j - 1] != '\\')))
            j++;
        md_emit(p, ART_BLOCK_TABLE_CELL, 0, t.s + i, j - i);
        i = j + 1;
    }
}

/* "# Title ##" -> level 1, "Title"; 0 when the line is no ATX heading. */
static int atx_heading(line t, line *content)
{
    size_t level = 0;
    while (level < t.n && t.s[level] == '#')
        level++;
    if (level == 0 || level > 6 || (level < t.n && t.s[level] != ' ' && t.s[level] != '\t'))
        return 0;
    size_t i = level, n = t.n;
    size_t k = n;
    while (k > i && t.s[k - 1] == '#')
        k--;
    if (k == i || t.s[k - 1] == ' ' || t.s[k - 1] == '\t')
        n = k;
    *content = (line){t.s + i, n - i};
    return (int)level;
}

/* Length of a list marker and its space ("- ", "12. ", "3) "), or 0. */
static size_t list_marker(line t)
{
    if (t.n >= 2 && strchr("-*+", t.s[0]) && (t.s[1] == ' ' || t.s[1] == '\t'))
        return 2;
    size_t d = 0;
    while (d < t.n && d < 9 && isdigit((unsigned char)t.s[d]))
        d++;
    if (d > 0 && d + 1 < t.n && (t.s[d] == '.' || t.s[d] == ')') &&
        (t.s[d + 1] == ' ' || t.s[d + 1] == '\t'))
        return d + 2;
    return 0;
}

static bool starts_with(line t, const char *p)
{
    size_t n = strlen(p);
    return t.n >= n && memcmp(t.s, p, n) == 0;
}

static bool contains(line t, const char *p)
{
    size_t n = strlen(p);
    for (size_t i = 0; i + n <= t.n; i++)
        if (memcmp(t.s + i, p, n) == 0)
            return true;
    return false;
}

/* "[ref]: http://..." lines define link targets and show nothing. */
static bool is_link_definition(line t)
{
    if (t.n < 4 || t.s[0] != '[')
        return false;
    const char *close = memchr(t.s, ']', t.n);
    return close && (size_t)(close - t.s) + 1 < t.n && close[1] == ':';
}

/* YAML front matter at the very top: skipped; its title: kept.  Returns the
 * index of the first line after it (0 when there is none). */
static size_t front_matter(md_parser *p, const lines *ls)
{
    line t;
    if (ls->n == 0)
        return 0;
    indent_of(ls->v[0], &t);
    if (ls->v[0].n < 3 || memcmp(ls->v[0].s, "---", 3) != 0 || t.n != 3)
        return 0;
    for (size_t i = 1; i < ls->n; i++) {
        indent_of(ls->v[i], &t);
        if ((t.n == 3 && (memcmp(t.s, "---", 3) == 0 || memcmp(t.s, "...", 3) == 0)) &&
            ls->v[i].s[0] != ' ') {
            for (size_t j = 1; j < i; j++) {
                line v = ls->v[j];
                if (v.n < 6 || strncmp(v.s, "title:", 6) != 0)
                    continue;
                line val;
                indent_of((line){v.s + 6, v.n - 6}, &val);
                if (val.n >= 2 && (val.s[0] == '"' || val.s[0] == '\'') &&
                    val.s[val.n - 1] == val.s[0])
                    val = (line){val.s + 1, val.n - 2};
                art_doc_builder_set_title(p->b, val.s, val.n);
                p->title_set = p->b->doc->title != NULL;
                break;
            }
            return i + 1;
        }
    }
    return 0;       /* never closed: not front matter after all */
}

static void md_quote_line(md_parser *p, line t)
{
    while (t.n && t.s[0] == '>') {
        t.s++;
        t.n--;
        if (t.n && t.s[0] == ' ') {
            t.s++;
            t.n--;
        }
    }
    line rest;
    indent_of(t, &rest);
    p->in_list = false;
    if (rest.n == 0)
        md_flush(p);
    else if (p->open && p->kind == ART_BLOCK_QUOTE)
        md_append(p, rest.s, rest.n);
    else
        md_open(p, ART_BLOCK_QUOTE, rest.s, rest.n);
}

static void md_list_item(md_parser *p, line t, size_t marker)
{
    line item = {t.s + marker, t.n - marker};
    indent_of(item, &item);
    /* Task lists: "[ ] " and "[x] " are check boxes, not text. */
    if (item.n >= 4 && item.s[0] == '[' && item.s[2] == ']' && item.s[3] == ' ' &&
        strchr(" xX", item.s[1]))
        item = (line){item.s + 4, item.n - 4};
    md_open(p, ART_BLOCK_LIST_ITEM, item.s, item.n);
    p->in_list = true;
}

/* One non-blank line outside fences and comments (i: its index, so a table
 * header can look at the separator row below it). */
static void md_line(md_parser *p, const lines *ls, size_t i)
{
    line t;
    size_t indent = indent_of(ls->v[i], &t);
    line content;
    int level;
    size_t marker;

    if (indent >= 4 && !p->open && !p->in_list)
        return;                                     /* indented code block */
    if ((level = atx_heading(t, &content)) > 0) {
        md_flush(p);
        md_emit(p, ART_BLOCK_HEADING, level, content.s, content.n);
        p->in_list = false;
        return;
    }
    if (p->open && p->kind == ART_BLOCK_PARAGRAPH && indent < 4 &&
        (all_of(t, "=", '=', 1) || all_of(t, "-", '-', 1))) {
        p->kind = ART_BLOCK_HEADING;                /* setext underline */
        p->heading_level = t.s[0] == '=' ? 1 : 2;
        md_flush(p);
        return;
    }
    if (is_thematic_break(t)) {
        md_flush(p);
        p->in_list = false;
        return;
    }
    if (p->in_table && memchr(t.s, '|', t.n)) {
        if (!is_table_separator(ls->v[i]))
            md_table_row(p, t);
        return;
    }
    if (memchr(t.s, '|', t.n) && i + 1 < ls->n && is_table_separator(ls->v[i + 1])) {
        md_flush(p);
        p->in_table = true;
        p->in_list = false;
        md_table_row(p, t);
        return;
    }
    if (is_link_definition(t))
        return;
    if (t.s[0] == '>') {
        md_quote_line(p, t);
        return;
    }
    if ((marker = list_marker(t)) > 0) {
        md_list_item(p, t, marker);
        return;
    }
    if (p->open && !p->in_table) {
        md_append(p, t.s, t.n);                     /* continuation line */
        return;
    }
    /* After a blank line, indented text still belongs to the list. */
    bool list_para = p->in_list && indent >= 2;
    md_open(p, list_para ? ART_BLOCK_LIST_ITEM : ART_BLOCK_PARAGRAPH, t.s, t.n);
    p->in_list = list_para;
}

static void md_parse_lines(md_parser *p, const lines *ls)
{
    char fence = 0;
    size_t fence_len = 0;
    bool in_comment = false;
    for (size_t i = front_matter(p, ls); i < ls->n; i++) {
        line t;
        indent_of(ls->v[i], &t);
        char ch;
        size_t len;
        if (fence) {
            if (is_fence(t, &ch, &len) && ch == fence && len >= fence_len && t.n == len)
                fence = 0;
            continue;
        }
        if (in_comment) {
            in_comment = !contains(t, "-->");
            continue;
        }
        if (t.n == 0) {
            md_flush(p);
            continue;
        }
        if (is_fence(t, &ch, &len)) {
            md_flush(p);
            fence = ch;
            fence_len = len;
            continue;
        }
        if (starts_with(t, "<!--")) {
            md_flush(p);
            in_comment = !contains((line){t.s + 4, t.n - 4}, "-->");
            continue;
        }
        md_line(p, ls, i);
    }
    md_flush(p);
}

art_status art_doc_parse_markdown(const char *data, size_t len, const char *name,
                                  art_document **out, art_error *err)
{
    *out = NULL;
    lines ls;
    art_doc_builder b;
    art_status st = prepare(data, len, name, &ls, &b, "md", err);
    if (st != ART_OK)
        return st;
    md_parser p;
    memset(&p, 0, sizeof p);
    p.b = &b;
    art_buf_init(&p.raw);
    art_buf_init(&p.plain);
    md_parse_lines(&p, &ls);
    if (p.raw.failed || p.plain.failed)
        b.failed = true;
    art_buf_free(&p.raw);
    art_buf_free(&p.plain);
    return finish(&b, &ls, name, out, err);
}
