/* CSV exports of coded interviews: an RFC 4180 reader, and recognition of the
 * Taguette, QualCoder and artefact exports by their header rows. */
#include "csv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ==================================================================== */
/* Shared text helpers                                                  */
/* ==================================================================== */

art_status art_ingest_check_utf8(const char *data, size_t len, const char *name,
                                 art_error *err)
{
    size_t bad = art_utf8_first_invalid(data, len);
    if (bad < len)
        return art_error_set(err, ART_ERR_FORMAT, "%s: not valid UTF-8 text (byte %zu)", name,
                             bad);
    return ART_OK;
}

static const struct {
    const char *name;
    unsigned cp;
} named_entities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
    {"apos", '\''},    {"nbsp", 0xA0},     {"ndash", 0x2013}, {"mdash", 0x2014},
    {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C}, {"rdquo", 0x201D},
    {"hellip", 0x2026}, {"pound", 0xA3},   {"eacute", 0xE9},  {"copy", 0xA9},
};

static size_t numeric_entity(const char *s, size_t n, unsigned *cp)
{
    /* s points at "&#" */
    size_t i = 2;
    int base = 10;
    if (i < n && (s[i] == 'x' || s[i] == 'X')) {
        base = 16;
        i++;
    }
    unsigned long v = 0;
    size_t digits = 0;
    while (i < n && digits < 8 && (base == 16 ? isxdigit((unsigned char)s[i])
                                              : isdigit((unsigned char)s[i]))) {
        int d = isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10);
        v = v * (unsigned long)base + (unsigned long)d;
        i++;
        digits++;
    }
    if (digits == 0 || i >= n || s[i] != ';')
        return 0;
    /* NUL, surrogates and out-of-range values become U+FFFD, never raw bytes. */
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        v = 0xFFFD;
    *cp = (unsigned)v;
    return i + 1;
}

size_t art_entity_match(const char *s, size_t n, unsigned *cp)
{
    if (n < 3 || s[0] != '&')
        return 0;
    if (s[1] == '#')
        return numeric_entity(s, n, cp);
    for (size_t i = 0; i < sizeof named_entities / sizeof named_entities[0]; i++) {
        size_t k = strlen(named_entities[i].name);
        if (k + 2 <= n && memcmp(s + 1, named_entities[i].name, k) == 0 && s[k + 1] == ';') {
            *cp = named_entities[i].cp;
            return k + 2;
        }
    }
    return 0;
}

static bool ascii_ieq_n(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
    return true;
}

/* Is "<...>" at s a tag (not a lone "<" in prose like "a < b")? */
static size_t tag_length(const char *s, size_t n)
{
    if (n < 3 || s[0] != '<')
        return 0;
    unsigned char c = (unsigned char)s[1];
    if (!(isalpha(c) || c == '/' || c == '!'))
        return 0;
    const char *end = memchr(s, '>', n);
    return end ? (size_t)(end - s) + 1 : 0;
}

static bool tag_breaks_text(const char *tag, size_t n)
{
    static const char *const blocks[] = {"br", "p", "div", "li", "tr", "td", "th", "h1", "h2",
                                         "h3", "h4", "h5", "h6", "blockquote"};
    size_t i = 1;
    if (i < n && tag[i] == '/')
        i++;
    size_t start = i;
    while (i < n && isalnum((unsigned char)tag[i]))
        i++;
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        if (strlen(blocks[b]) == i - start &&
            ascii_ieq_n(tag + start, blocks[b], i - start))
            return true;
    return false;
}

char *art_html_fragment_text(const char *s, size_t n)
{
    art_buf b;
    art_buf_init(&b);
    for (size_t i = 0; i < n;) {
        size_t k = tag_length(s + i, n - i);
        if (k) {
            if (tag_breaks_text(s + i, k))
                art_buf_putc(&b, ' ');
            i += k;
            continue;
        }
        unsigned cp;
        k = art_entity_match(s + i, n - i, &cp);
        if (k) {
            char enc[4];
            if (cp == 0xA0)
                cp = ' ';
            art_buf_append(&b, enc, art_utf8_encode(cp, enc));
            i += k;
            continue;
        }
        art_buf_putc(&b, s[i]);
        i++;
    }
    art_buf_append(&b, "", 0);     /* "" rather than no string when empty */
    char *out = art_buf_steal(&b);
    if (out)
        art_str_squash_space(out);
    return out;
}

/* ==================================================================== */
/* RFC 4180 reader                                                      */
/* ==================================================================== */

art_status art_csv_open(art_csv *r, const char *data, size_t len, const char *name,
                        art_error *err)
{
    memset(r, 0, sizeof *r);
    art_status st = art_ingest_check_utf8(data, len, name, err);
    if (st != ART_OK)
        return st;
    size_t bom = art_utf8_bom_len(data, len);
    r->data = data;
    r->len = len;
    r->pos = bom;
    r->name = name;
    r->line = 1;
    art_buf_init(&r->store);
    return ART_OK;
}

void art_csv_close(art_csv *r)
{
    art_buf_free(&r->store);
    free(r->offs);
    free(r->lens);
    free((void *)r->fields);
    memset(r, 0, sizeof *r);
}

static art_status grow_fields(art_csv *r, art_error *err)
{
    if (r->nfields < r->cap)
        return ART_OK;
    if (r->nfields >= ART_CSV_MAX_FIELDS)
        return art_error_set(err, ART_ERR_LIMIT, "%s: record with more than %u fields at line %ld",
                             r->name, ART_CSV_MAX_FIELDS, r->record_line);
    size_t cap = r->cap ? r->cap * 2 : 16;
    if (cap > ART_CSV_MAX_FIELDS)
        cap = ART_CSV_MAX_FIELDS;
    size_t *offs = realloc(r->offs, cap * sizeof *offs);
    if (!offs)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", r->name);
    r->offs = offs;
    size_t *lens = realloc(r->lens, cap * sizeof *lens);
    if (!lens)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", r->name);
    r->lens = lens;
    const char **fields = realloc((void *)r->fields, cap * sizeof *fields);
    if (!fields)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", r->name);
    r->fields = fields;
    r->cap = cap;
    return ART_OK;
}

/* Consume a line ending at pos if there is one ("\r\n", "\n" or a lone "\r"). */
static bool eat_newline(art_csv *r)
{
    if (r->pos >= r->len)
        return false;
    if (r->data[r->pos] == '\r') {
        r->pos++;
        if (r->pos < r->len && r->data[r->pos] == '\n')
            r->pos++;
    } else if (r->data[r->pos] == '\n') {
        r->pos++;
    } else {
        return false;
    }
    r->line++;
    return true;
}

static art_status put_field_byte(art_csv *r, size_t start, char c, art_error *err)
{
    if (r->store.len - start >= ART_CSV_MAX_FIELD)
        return art_error_set(err, ART_ERR_LIMIT, "%s: field longer than 1 MiB at line %ld",
                             r->name, r->line);
    art_buf_putc(&r->store, c);
    if (r->store.failed)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", r->name);
    return ART_OK;
}

/* Read the body of a quoted field; pos is just past the opening quote. */
static art_status read_quoted(art_csv *r, size_t start, art_error *err)
{
    long open_line = r->line;
    while (r->pos < r->len) {
        char c = r->data[r->pos];
        if (c == '"') {
            if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
                r->pos += 2;
                art_status st = put_field_byte(r, start, '"', err);
                if (st != ART_OK)
                    return st;
                continue;
            }
            r->pos++;
            return ART_OK;
        }
        if (c == '\n' || (c == '\r' && !(r->pos + 1 < r->len && r->data[r->pos + 1] == '\n')))
            r->line++;
        art_status st = put_field_byte(r, start, c, err);
        if (st != ART_OK)
            return st;
        r->pos++;
    }
    return art_error_set(err, ART_ERR_FORMAT, "%s: unterminated quoted field starting at line %ld",
                         r->name, open_line);
}

/* Read one field; stops at ',' (consumed), a line end or end of input (not). */
static art_status read_field(art_csv *r, bool *more, art_error *err)
{
    art_status st = grow_fields(r, err);
    if (st != ART_OK)
        return st;
    size_t start = r->store.len;
    if (r->pos < r->len && r->data[r->pos] == '"') {
        r->pos++;
        r->quoted = true;
        st = read_quoted(r, start, err);
        if (st != ART_OK)
            return st;
    }
    /* Unquoted text, or anything after a closing quote (kept, as Python's
     * csv module does, rather than refusing the file). */
    while (r->pos < r->len) {
        char c = r->data[r->pos];
        if (c == ',' || c == '\n' || c == '\r')
            break;
        st = put_field_byte(r, start, c, err);
        if (st != ART_OK)
            return st;
        r->pos++;
    }
    r->offs[r->nfields] = start;
    r->lens[r->nfields] = r->store.len - start;
    r->nfields++;
    art_buf_putc(&r->store, '\0');
    if (r->store.failed)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", r->name);
    *more = r->pos < r->len && r->data[r->pos] == ',';
    if (*more)
        r->pos++;
    return ART_OK;
}

art_status art_csv_next(art_csv *r, bool *eof, art_error *err)
{
    *eof = false;
    for (;;) {
        r->nfields = 0;
        art_buf_reset(&r->store);
        if (r->pos >= r->len) {
            *eof = true;
            return ART_OK;
        }
        r->record_line = r->line;
        r->quoted = false;
        bool more = true;
        while (more) {
            art_status st = read_field(r, &more, err);
            if (st != ART_OK)
                return st;
        }
        eat_newline(r);
        /* A blank line is one empty unquoted field: not a record. */
        if (r->nfields == 1 && r->lens[0] == 0 && !r->quoted)
            continue;
        for (size_t i = 0; i < r->nfields; i++)
            r->fields[i] = r->store.data + r->offs[i];
        return ART_OK;
    }
}

/* ==================================================================== */
/* Coded exports                                                        */
/* ==================================================================== */

typedef enum export_kind { EXPORT_TAGUETTE, EXPORT_QUALCODER, EXPORT_ARTEFACT } export_kind;

/* Which column holds what (-1: absent).  Header names are kept trimmed, in
 * the file's own spelling, because CaseVar_* names become attribute names. */
typedef struct column_map {
    export_kind kind;
    int document, filename, participant, coder, code, text, memo, id, role, sector;
    int categories[ART_CSV_MAX_FIELDS];
    size_t ncategories;
    int casevars[ART_CSV_MAX_FIELDS];
    size_t ncasevars;
    char **names;
    size_t nnames;
} column_map;

static void trim_span(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static bool name_is(const char *name, const char *want) { return art_strcasecmp_ascii(name, want) == 0; }

static bool name_has_prefix(const char *name, const char *prefix)
{
    size_t n = strlen(prefix);
    return strlen(name) > n && ascii_ieq_n(name, prefix, n);
}

/* "Category", "Category_1", "Category 2": QualCoder repeats "Category" once per
 * level; numbered spellings come from spreadsheets that de-duplicate names. */
static bool is_category_column(const char *name)
{
    if (!ascii_ieq_n(name, "category", 8) || strlen(name) < 8)
        return false;
    const char *p = name + 8;
    if (*p == '_' || *p == ' ')
        p++;
    while (isdigit((unsigned char)*p))
        p++;
    return *p == '\0';
}

static void column_map_free(column_map *m)
{
    for (size_t i = 0; i < m->nnames; i++)
        free(m->names[i]);
    free(m->names);
    free(m);
}

static int find_column(const column_map *m, const char *want)
{
    for (size_t i = 0; i < m->nnames; i++)
        if (name_is(m->names[i], want))
            return (int)i;
    return -1;
}

static void assign_columns(column_map *m)
{
    m->document = m->filename = m->participant = m->coder = m->code = m->text = m->memo = -1;
    m->id = m->role = m->sector = -1;
    if (find_column(m, "coded") >= 0 && find_column(m, "codename") >= 0 &&
        (find_column(m, "file") >= 0 || find_column(m, "case") >= 0)) {
        m->kind = EXPORT_QUALCODER;
        m->document = find_column(m, "file");
        m->filename = find_column(m, "filename");
        m->participant = find_column(m, "case");
        m->coder = find_column(m, "coder");
        m->text = find_column(m, "coded");
        m->code = find_column(m, "codename");
        m->memo = find_column(m, "coded_memo");
        m->id = find_column(m, "id");
        for (size_t i = 0; i < m->nnames; i++) {
            if (is_category_column(m->names[i]))
                m->categories[m->ncategories++] = (int)i;
            else if (name_has_prefix(m->names[i], "casevar_"))
                m->casevars[m->ncasevars++] = (int)i;
        }
        return;
    }
    if (find_column(m, "id") >= 0 && find_column(m, "document") >= 0 &&
        find_column(m, "tag") >= 0 && find_column(m, "content") >= 0) {
        m->kind = EXPORT_TAGUETTE;
        m->document = find_column(m, "document");
        m->code = find_column(m, "tag");
        m->text = find_column(m, "content");
        m->id = find_column(m, "id");
        return;
    }
    m->kind = EXPORT_ARTEFACT;
    m->code = find_column(m, "code");
    m->text = find_column(m, "text");
    m->document = find_column(m, "source");
    m->participant = find_column(m, "participant");
    m->role = find_column(m, "role");
    m->sector = find_column(m, "sector");
    m->coder = find_column(m, "coder");
    m->memo = find_column(m, "memo");
}

static art_status map_header(const art_csv *r, const char *name, column_map **out,
                             art_error *err)
{
    column_map *m = calloc(1, sizeof *m);
    if (!m || !(m->names = calloc(r->nfields, sizeof *m->names))) {
        free(m);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    for (size_t i = 0; i < r->nfields; i++) {
        const char *s = r->fields[i];
        size_t n = r->lens[i];
        trim_span(&s, &n);
        if (!(m->names[i] = art_strndup(s, n))) {
            column_map_free(m);
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        }
        m->nnames++;
    }
    assign_columns(m);
    if (m->code < 0 || m->text < 0) {
        column_map_free(m);
        return art_error_set(err, ART_ERR_UNSUPPORTED,
                             "%s: CSV header not recognised (expected a Taguette, QualCoder or "
                             "artefact export)", name);
    }
    *out = m;
    return ART_OK;
}

/* The trimmed cell of column col in the current record ("" when absent). */
static const char *cell(const art_csv *r, int col, size_t *len)
{
    if (col < 0 || (size_t)col >= r->nfields) {
        *len = 0;
        return "";
    }
    const char *s = r->fields[col];
    *len = r->lens[col];
    trim_span(&s, len);
    return s;
}

/* Trimmed copy of a cell, or NULL (with *nomem false) when it is empty. */
static char *cell_dup(const art_csv *r, int col, bool *nomem)
{
    size_t n;
    const char *s = cell(r, col, &n);
    if (n == 0)
        return NULL;
    char *d = art_strndup(s, n);
    if (!d)
        *nomem = true;
    return d;
}

/* Append the parts of a code path (split on any byte of seps, each trimmed,
 * empty ones dropped) to b, joined by '/'. */
static void append_code_parts(art_buf *b, const char *s, size_t n, const char *seps)
{
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && !strchr(seps, s[j]))
            j++;
        const char *part = s + i;
        size_t plen = j - i;
        trim_span(&part, &plen);
        if (plen) {
            if (b->len)
                art_buf_putc(b, '/');
            art_buf_append(b, part, plen);
        }
        i = j + 1;
    }
}

/* ---- the coded set under construction ------------------------------ */

typedef struct set_builder {
    art_coded_set *set;
    size_t itemcap, partcap;
    const char *name;
} set_builder;

static art_participant_info *find_participant(art_coded_set *set, const char *who)
{
    for (size_t i = 0; i < set->nparticipants; i++)
        if (strcmp(set->participants[i].name, who) == 0)
            return &set->participants[i];
    return NULL;
}

static art_status add_participant(set_builder *sb, const char *who, art_participant_info **out,
                                  art_error *err)
{
    art_coded_set *set = sb->set;
    if ((*out = find_participant(set, who)))
        return ART_OK;
    if (set->nparticipants == sb->partcap) {
        size_t cap = sb->partcap ? sb->partcap * 2 : 8;
        art_participant_info *p = realloc(set->participants, cap * sizeof *p);
        if (!p)
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", sb->name);
        set->participants = p;
        sb->partcap = cap;
    }
    art_participant_info *p = &set->participants[set->nparticipants];
    memset(p, 0, sizeof *p);
    if (!(p->name = art_strdup(who)))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", sb->name);
    set->nparticipants++;
    *out = p;
    return ART_OK;
}

/* First non-empty value wins: later rows cannot overwrite an attribute. */
static art_status add_attr(set_builder *sb, art_participant_info *p, const char *attr,
                           const char *val, size_t vlen, art_error *err)
{
    if (vlen == 0 || art_participant_attr(p, attr))
        return ART_OK;
    art_attr *a = realloc(p->attrs, (p->nattrs + 1) * sizeof *a);
    if (!a)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", sb->name);
    p->attrs = a;
    a[p->nattrs].name = art_strdup(attr);
    a[p->nattrs].value = art_strndup(val, vlen);
    if (!a[p->nattrs].name || !a[p->nattrs].value) {
        free(a[p->nattrs].name);
        free(a[p->nattrs].value);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", sb->name);
    }
    p->nattrs++;
    return ART_OK;
}

static art_status record_participant(set_builder *sb, const art_csv *r, const column_map *m,
                                     const char *who, art_error *err)
{
    art_participant_info *p;
    art_status st = add_participant(sb, who, &p, err);
    for (size_t i = 0; st == ART_OK && i < m->ncasevars; i++) {
        size_t n;
        const char *v = cell(r, m->casevars[i], &n);
        st = add_attr(sb, p, m->names[m->casevars[i]] + strlen("casevar_"), v, n, err);
    }
    size_t n;
    const char *v;
    if (st == ART_OK && m->role >= 0) {
        v = cell(r, m->role, &n);
        st = add_attr(sb, p, m->names[m->role], v, n, err);
    }
    if (st == ART_OK && m->sector >= 0) {
        v = cell(r, m->sector, &n);
        st = add_attr(sb, p, m->names[m->sector], v, n, err);
    }
    return st;
}

static void coded_segment_clear(art_coded_segment *c)
{
    free(c->document);
    free(c->participant);
    free(c->coder);
    free(c->code);
    free(c->code_path);
    free(c->text);
    free(c->memo);
    memset(c, 0, sizeof *c);
}

static art_status push_item(set_builder *sb, art_coded_segment *item, art_error *err)
{
    art_coded_set *set = sb->set;
    if (set->nitems == sb->itemcap) {
        size_t cap = sb->itemcap ? sb->itemcap * 2 : 16;
        art_coded_segment *p = realloc(set->items, cap * sizeof *p);
        if (!p) {
            coded_segment_clear(item);
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", sb->name);
        }
        set->items = p;
        sb->itemcap = cap;
    }
    set->items[set->nitems++] = *item;
    return ART_OK;
}

/* The code path of the current row, '/'-separated; "" when there is none. */
static char *row_code_path(const art_csv *r, const column_map *m)
{
    art_buf b;
    art_buf_init(&b);
    size_t n;
    const char *s;
    switch (m->kind) {
    case EXPORT_QUALCODER:
        /* QualCoder writes a code's parents nearest first (parent code, then
         * its category, then that category's parent...), so the path is the
         * category cells in reverse order, then the code name. */
        for (size_t i = m->ncategories; i-- > 0;) {
            s = cell(r, m->categories[i], &n);
            append_code_parts(&b, s, n, "/");
        }
        s = cell(r, m->code, &n);
        append_code_parts(&b, s, n, "/");
        break;
    case EXPORT_TAGUETTE:
        s = cell(r, m->code, &n);
        append_code_parts(&b, s, n, "./");
        break;
    case EXPORT_ARTEFACT:
        s = cell(r, m->code, &n);
        append_code_parts(&b, s, n, "/");
        break;
    }
    art_buf_append(&b, "", 0);     /* "" rather than no string when empty */
    return art_buf_steal(&b);
}

static char *row_text(const art_csv *r, const column_map *m)
{
    size_t n;
    const char *s = cell(r, m->text, &n);
    /* Taguette's highlights are HTML fragments (older versions export them
     * as such; newer ones as plain text, which this leaves unchanged). */
    if (m->kind == EXPORT_TAGUETTE)
        return art_html_fragment_text(s, n);
    return art_strndup(s, n);
}

/* QualCoder exports image and audio/video codings too; only text is evidence. */
static bool row_is_media(const art_csv *r, const column_map *m)
{
    size_t n;
    const char *id = cell(r, m->id, &n);
    return m->kind == EXPORT_QUALCODER && n >= 5 &&
           (ascii_ieq_n(id, "imid:", 5) || ascii_ieq_n(id, "avid:", 5));
}

static art_status parse_row(set_builder *sb, const art_csv *r, const column_map *m, long row,
                            art_error *err)
{
    if (row_is_media(r, m))
        return ART_OK;
    art_coded_segment item;
    memset(&item, 0, sizeof item);
    item.row = row;
    bool nomem = false;
    item.code_path = row_code_path(r, m);
    item.text = row_text(r, m);
    if (!item.code_path || !item.text) {
        coded_segment_clear(&item);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", sb->name);
    }
    /* Rows without text or without a code carry no evidence: skipped. */
    if (!item.text[0] || !item.code_path[0]) {
        coded_segment_clear(&item);
        return ART_OK;
    }
    const char *leaf = strrchr(item.code_path, '/');
    item.code = art_strdup(leaf ? leaf + 1 : item.code_path);
    item.document = cell_dup(r, m->document >= 0 ? m->document : m->filename, &nomem);
    item.participant = cell_dup(r, m->participant, &nomem);
    item.coder = cell_dup(r, m->coder, &nomem);
    item.memo = cell_dup(r, m->memo, &nomem);
    if (nomem || !item.code) {
        coded_segment_clear(&item);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", sb->name);
    }
    if (item.participant) {
        art_status st = record_participant(sb, r, m, item.participant, err);
        if (st != ART_OK) {
            coded_segment_clear(&item);
            return st;
        }
    }
    return push_item(sb, &item, err);
}

static const char *export_format_id(export_kind k)
{
    switch (k) {
    case EXPORT_TAGUETTE: return "taguette-csv";
    case EXPORT_QUALCODER: return "qualcoder-csv";
    case EXPORT_ARTEFACT: return "artefact-csv";
    }
    return "artefact-csv";
}

static art_status parse_records(art_csv *r, const column_map *m, set_builder *sb,
                                art_error *err)
{
    long row = 0;
    for (;;) {
        bool eof;
        art_status st = art_csv_next(r, &eof, err);
        if (st != ART_OK || eof)
            return st;
        st = parse_row(sb, r, m, ++row, err);
        if (st != ART_OK)
            return st;
    }
}

art_status art_coded_parse_csv(const char *data, size_t len, const char *name,
                               art_coded_set **out, art_error *err)
{
    *out = NULL;
    if (!name)
        name = "(csv)";
    art_csv r;
    art_status st = art_csv_open(&r, data, len, name, err);
    if (st != ART_OK)
        return st;
    bool eof;
    column_map *m = NULL;
    st = art_csv_next(&r, &eof, err);
    if (st == ART_OK && eof)
        st = art_error_set(err, ART_ERR_FORMAT, "%s: empty CSV file (no header row)", name);
    if (st == ART_OK)
        st = map_header(&r, name, &m, err);
    set_builder sb = {.set = NULL, .name = name};
    if (st == ART_OK && !(sb.set = calloc(1, sizeof *sb.set)))
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (st == ART_OK && !(sb.set->format = art_strdup(export_format_id(m->kind))))
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (st == ART_OK)
        st = parse_records(&r, m, &sb, err);
    art_csv_close(&r);
    if (m)
        column_map_free(m);
    if (st != ART_OK) {
        art_coded_set_free(sb.set);
        return st;
    }
    *out = sb.set;
    return ART_OK;
}

void art_coded_set_free(art_coded_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nitems; i++)
        coded_segment_clear(&set->items[i]);
    free(set->items);
    for (size_t i = 0; i < set->nparticipants; i++) {
        art_participant_info *p = &set->participants[i];
        for (size_t j = 0; j < p->nattrs; j++) {
            free(p->attrs[j].name);
            free(p->attrs[j].value);
        }
        free(p->attrs);
        free(p->name);
    }
    free(set->participants);
    free(set->format);
    free(set);
}

const char *art_participant_attr(const art_participant_info *p, const char *name)
{
    if (!p || !name)
        return NULL;
    for (size_t i = 0; i < p->nattrs; i++)
        if (name_is(p->attrs[i].name, name))
            return p->attrs[i].value;
    return NULL;
}
