/* Writing REFI-QDA: projects (.qde, and .qdpx with the source texts) and
 * codebooks (.qdc), valid against Project.xsd / Codebook.xsd.
 *
 * The XML is produced with libxml2's xmlTextWriter, so every name and text
 * is escaped; characters XML 1.0 cannot carry (control characters, broken
 * UTF-8) are replaced by U+FFFD rather than making the file unreadable.
 * Elements follow the order the schemas' sequences require.  Everything the
 * schema requires but the model lacks (GUIDs, users for coders' names,
 * variable declarations) is derived from the content with
 * art_qda_guid_from, and no time stamps are written, so the same project
 * always writes the same bytes. */
#include "qda.h"
#include "zip.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PROJECT "urn:QDA-XML:project:1.0"
#define NS_CODEBOOK "urn:QDA-XML:codebook:1.0"

typedef struct gid {
    char s[37];
} gid;

typedef struct user_out {
    const char *name;    /* NULL for a user known only by GUID */
    gid g;
} user_out;

typedef struct var_out {
    const char *name;
    const char *type;    /* one of the schema's typeOfVariable values */
    gid g;
} var_out;

typedef struct wctx {
    const art_qda_project *p;
    bool codebook;           /* writing a .qdc */
    xmlTextWriterPtr w;
    xmlBufferPtr xbuf;
    art_buf scratch;         /* cleaned strings and GUID seeds */
    bool failed;             /* libxml2 reported an error */
    bool oom;
    gid *code_g;             /* per code */
    long *first_child, *next_sibling;
    long root_first;
    gid *src_g;              /* per source */
    size_t *sel_base;        /* per source: index of its first selection in sel_g */
    gid *sel_g;
    gid *case_g;
    gid *note_g;
    gid *set_g;
    user_out *users;
    size_t nusers;
    var_out *vars;
    size_t nvars;
} wctx;

/* ---- GUIDs ---------------------------------------------------------------- */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 8-4-4-4-12 hex digits, as GUIDType allows (braces handled by the caller). */
static bool guid_shape(const char *g, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? g[i] != '-' : !is_hex(g[i]))
            return false;
    }
    return true;
}

static char lower_ascii(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Seed for a GUID, built in the scratch buffer (NULL when out of memory). */
static const char *seed(wctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static const char *seed(wctx *c, const char *fmt, ...)
{
    art_buf_reset(&c->scratch);
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        art_buf_append(&c->scratch, small, (size_t)n);
    } else if (n >= 0 && art_buf_reserve(&c->scratch, (size_t)n + 1)) {
        vsnprintf(c->scratch.data, (size_t)n + 1, fmt, ap2);
        c->scratch.len = (size_t)n;
    } else {
        c->scratch.failed = true;
    }
    va_end(ap2);
    if (c->scratch.failed || !c->scratch.data) {
        c->oom = true;
        return NULL;
    }
    return c->scratch.data;
}

static void guid_from_seed(wctx *c, const char *s, gid *out)
{
    if (s)
        art_qda_guid_from(s, out->s);
    else
        out->s[0] = '\0';
    (void)c;
}

/* The GUID to write for one from the model: a valid one as it is (lower
 * case, braces dropped); an invalid one replaced by a GUID derived from it
 * (the same everywhere it is referenced); a missing one made from
 * `fallback_seed`. */
static void guid_out(wctx *c, const char *g, const char *fallback_seed, gid *out)
{
    if (g && *g) {
        size_t n = strlen(g);
        const char *b = g;
        if (n == 38 && g[0] == '{' && g[37] == '}') {
            b = g + 1;
            n = 36;
        }
        if (guid_shape(b, n)) {
            for (size_t i = 0; i < 36; i++)
                out->s[i] = lower_ascii(b[i]);
            out->s[36] = '\0';
            return;
        }
        guid_from_seed(c, seed(c, "guid:%s", g), out);
        return;
    }
    guid_from_seed(c, fallback_seed, out);
}

/* ---- XML output with checked calls -------------------------------------- */

static bool xml_char_ok(unsigned cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* s as XML can carry it: invalid UTF-8 and characters outside XML 1.0
 * become U+FFFD.  Returns s itself when nothing needs changing, else a
 * string in the scratch buffer valid until the next call. */
static const char *clean(wctx *c, const char *s)
{
    size_t n = strlen(s);
    bool ok = true;
    for (size_t i = 0; i < n && ok;) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        if (!xml_char_ok(cp) || (cp == 0xFFFD && (k != 3 || memcmp(s + i, "\xEF\xBF\xBD", 3))))
            ok = false;
        i += k;
    }
    if (ok)
        return s;
    art_buf_reset(&c->scratch);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        bool bad = !xml_char_ok(cp) ||
                   (cp == 0xFFFD && (k != 3 || memcmp(s + i, "\xEF\xBF\xBD", 3)));
        if (bad)
            art_buf_puts(&c->scratch, "\xEF\xBF\xBD");
        else
            art_buf_append(&c->scratch, s + i, k);
        i += k;
    }
    if (c->scratch.failed || !c->scratch.data) {
        c->oom = true;
        return "";
    }
    return c->scratch.data;
}

static bool alive(const wctx *c)
{
    return !c->failed && !c->oom;
}

static void check(wctx *c, int rc)
{
    if (rc < 0)
        c->failed = true;
}

static void start(wctx *c, const char *name)
{
    if (alive(c))
        check(c, xmlTextWriterStartElement(c->w, BAD_CAST name));
}

static void end(wctx *c)
{
    if (alive(c))
        check(c, xmlTextWriterEndElement(c->w));
}

static void attr(wctx *c, const char *name, const char *value)
{
    if (alive(c) && value) {
        const char *v = clean(c, value);
        if (alive(c))
            check(c, xmlTextWriterWriteAttribute(c->w, BAD_CAST name, BAD_CAST v));
    }
}

static void attr_long(wctx *c, const char *name, long value)
{
    char num[32];
    snprintf(num, sizeof num, "%ld", value);
    attr(c, name, num);
}

/* <name>text</name>, skipped when text is NULL. */
static void text_element(wctx *c, const char *name, const char *text)
{
    if (!text)
        return;
    start(c, name);
    if (alive(c) && *text) {
        const char *v = clean(c, text);
        if (alive(c))
            check(c, xmlTextWriterWriteString(c->w, BAD_CAST v));
    }
    end(c);
}

/* <name targetGUID="g"/> */
static void ref_element(wctx *c, const char *name, const gid *g)
{
    start(c, name);
    attr(c, "targetGUID", g->s);
    end(c);
}

/* ---- preparing: GUIDs, users, variables ------------------------------------ */

static void *alloc_array(wctx *c, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    void *a = calloc(n, size);
    if (!a)
        c->oom = true;
    return a;
}

/* Children lists in model order.  A parent index that does not come before
 * its child (the model promises parents first) is treated as top level, so
 * no input can make a cycle. */
static void prepare_code_tree(wctx *c)
{
    const art_qda_project *p = c->p;
    c->first_child = alloc_array(c, p->ncodes, sizeof *c->first_child);
    c->next_sibling = alloc_array(c, p->ncodes, sizeof *c->next_sibling);
    long *last_child = alloc_array(c, p->ncodes, sizeof *last_child);
    c->root_first = -1;
    if (!alive(c)) {
        free(last_child);
        return;
    }
    long root_last = -1;
    for (size_t i = 0; i < p->ncodes; i++) {
        c->first_child[i] = c->next_sibling[i] = last_child[i] = -1;
        long par = p->codes[i].parent;
        bool top = par < 0 || (size_t)par >= i;
        long *first = top ? &c->root_first : &c->first_child[par];
        long *last = top ? &root_last : &last_child[par];
        if (*last < 0)
            *first = (long)i;
        else
            c->next_sibling[*last] = (long)i;
        *last = (long)i;
    }
    free(last_child);
}

static void prepare_codes(wctx *c)
{
    const art_qda_project *p = c->p;
    c->code_g = alloc_array(c, p->ncodes, sizeof *c->code_g);
    for (size_t i = 0; i < p->ncodes && alive(c); i++) {
        const art_qda_code *k = &p->codes[i];
        const char *path = k->path ? k->path : k->name ? k->name : "";
        guid_out(c, k->guid, k->guid ? NULL : seed(c, "code:%s", path), &c->code_g[i]);
    }
    prepare_code_tree(c);
}

static bool src_guid_taken(const wctx *c, size_t upto, const char *g)
{
    for (size_t i = 0; i < upto; i++)
        if (strcmp(c->src_g[i].s, g) == 0)
            return true;
    return false;
}

static void prepare_sources(wctx *c)
{
    const art_qda_project *p = c->p;
    size_t nsel = 0;
    for (size_t i = 0; i < p->nsources; i++)
        nsel += p->sources[i].nsels;
    c->src_g = alloc_array(c, p->nsources, sizeof *c->src_g);
    c->sel_base = alloc_array(c, p->nsources, sizeof *c->sel_base);
    c->sel_g = alloc_array(c, nsel, sizeof *c->sel_g);
    size_t base = 0;
    for (size_t i = 0; i < p->nsources && alive(c); i++) {
        const art_qda_source *s = &p->sources[i];
        guid_out(c, s->guid, s->guid ? NULL : seed(c, "source:%s", s->name ? s->name : ""),
                 &c->src_g[i]);
        /* Each source's text is an archive entry named by its GUID: two
         * sources must not share one. */
        if (alive(c) && src_guid_taken(c, i, c->src_g[i].s))
            guid_from_seed(c, seed(c, "source:%zu:%s", i, c->src_g[i].s), &c->src_g[i]);
        c->sel_base[i] = base;
        for (size_t j = 0; j < s->nsels && alive(c); j++) {
            const art_qda_selection *sel = &s->sels[j];
            const char *fallback =
                sel->guid ? NULL
                          : seed(c, "selection:%s:%ld:%ld%s", c->src_g[i].s, sel->start,
                                 sel->end, sel->whole_source ? ":whole" : "");
            guid_out(c, sel->guid, fallback, &c->sel_g[base + j]);
        }
        base += s->nsels;
    }
}

static const user_out *find_user(const wctx *c, const char *coder)
{
    for (size_t i = 0; i < c->nusers; i++)
        if (c->users[i].name && strcmp(c->users[i].name, coder) == 0)
            return &c->users[i];
    for (size_t i = 0; i < c->nusers; i++)
        if (art_strcasecmp_ascii(c->users[i].g.s, coder) == 0)
            return &c->users[i];
    return NULL;
}

/* A coder not among the project's users becomes one: a GUID-shaped coder
 * (a user the importer knew only by GUID) keeps it, a name gets a GUID
 * derived from it. */
static void add_coder_user(wctx *c, const char *coder, size_t *cap)
{
    if (!coder || !*coder || find_user(c, coder))
        return;
    if (c->nusers == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        user_out *u = realloc(c->users, ncap * sizeof *u);
        if (!u) {
            c->oom = true;
            return;
        }
        c->users = u;
        *cap = ncap;
    }
    user_out *u = &c->users[c->nusers];
    if (guid_shape(coder, strlen(coder))) {
        u->name = NULL;
        guid_out(c, coder, NULL, &u->g);
    } else {
        u->name = coder;
        guid_from_seed(c, seed(c, "user:%s", coder), &u->g);
    }
    if (alive(c))
        c->nusers++;
}

static void prepare_users(wctx *c)
{
    const art_qda_project *p = c->p;
    size_t cap = p->nusers;
    c->users = alloc_array(c, cap, sizeof *c->users);
    for (size_t i = 0; i < p->nusers && alive(c); i++) {
        const art_qda_user *u = &p->users[i];
        c->users[i].name = u->name;
        guid_out(c, u->guid, u->guid ? NULL : seed(c, "user:%s", u->name ? u->name : ""),
                 &c->users[i].g);
        c->nusers++;
    }
    for (size_t i = 0; i < p->nsources && alive(c); i++) {
        const art_qda_source *s = &p->sources[i];
        for (size_t j = 0; j < s->nsels && alive(c); j++) {
            add_coder_user(c, s->sels[j].coder, &cap);
            for (size_t k = 0; k < s->sels[j].ncodings && alive(c); k++)
                add_coder_user(c, s->sels[j].codings[k].coder, &cap);
        }
    }
}

static const gid *user_guid(const wctx *c, const char *coder)
{
    if (!coder || !*coder)
        return NULL;
    const user_out *u = find_user(c, coder);
    return u ? &u->g : NULL;
}

/* ---- typed variable values ----------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num2(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static bool lex_integer(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    return all_digits(s, strlen(s));
}

/* xsd:decimal: no exponent. */
static bool lex_decimal(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    const char *dot = strchr(s, '.');
    if (!dot)
        return all_digits(s, strlen(s));
    size_t a = (size_t)(dot - s), b = strlen(dot + 1);
    return (a > 0 || b > 0) && (a == 0 || all_digits(s, a)) && (b == 0 || all_digits(dot + 1, b));
}

static bool lex_boolean(const char *s)
{
    return !strcmp(s, "true") || !strcmp(s, "false") || !strcmp(s, "1") || !strcmp(s, "0");
}

/* Optional time zone: Z or +hh:mm / -hh:mm; returns false if junk remains. */
static bool lex_zone(const char *s)
{
    if (*s == '\0' || (s[0] == 'Z' && s[1] == '\0'))
        return true;
    return (s[0] == '+' || s[0] == '-') && strlen(s) == 6 && all_digits(s + 1, 2) &&
           s[3] == ':' && all_digits(s + 4, 2) && num2(s + 1) <= 14 && num2(s + 4) <= 59;
}

/* YYYY-MM-DD with a real day of the month; advances *s past it. */
static bool lex_ymd(const char **sp)
{
    const char *s = *sp;
    if (strlen(s) < 10 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) ||
        s[7] != '-' || !all_digits(s + 8, 2))
        return false;
    int y = num2(s) * 100 + num2(s + 2), m = num2(s + 5), d = num2(s + 8);
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y == 0 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return false;
    *sp = s + 10;
    return true;
}

static bool lex_date(const char *s)
{
    return lex_ymd(&s) && lex_zone(s);
}

static bool lex_datetime(const char *s)
{
    if (!lex_ymd(&s) || strlen(s) < 9 || s[0] != 'T' || !all_digits(s + 1, 2) || s[3] != ':' ||
        !all_digits(s + 4, 2) || s[6] != ':' || !all_digits(s + 7, 2))
        return false;
    if (num2(s + 1) > 23 || num2(s + 4) > 59 || num2(s + 7) > 59)
        return false;
    s += 9;
    if (*s == '.') {
        s++;
        size_t n = 0;
        while (s[n] >= '0' && s[n] <= '9')
            n++;
        if (n == 0)
            return false;
        s += n;
    }
    return lex_zone(s);
}

/* The schema's name for a model type, or NULL if it is not one. */
static const char *known_type(const char *t)
{
    static const char *const types[] = {"Text", "Boolean", "Integer", "Float", "Date", "DateTime"};
    for (size_t i = 0; t && i < sizeof types / sizeof types[0]; i++)
        if (art_strcasecmp_ascii(t, types[i]) == 0)
            return types[i];
    return NULL;
}

static bool value_fits(const char *type, const char *v)
{
    if (!strcmp(type, "Text"))
        return true;
    if (!v)
        return false;
    if (!strcmp(type, "Boolean"))
        return lex_boolean(v);
    if (!strcmp(type, "Integer"))
        return lex_integer(v);
    if (!strcmp(type, "Float"))
        return lex_decimal(v);
    if (!strcmp(type, "Date"))
        return lex_date(v);
    return lex_datetime(v);
}

static var_out *find_var(const wctx *c, const char *name)
{
    for (size_t i = 0; i < c->nvars; i++)
        if (strcmp(c->vars[i].name, name) == 0)
            return &c->vars[i];
    return NULL;
}

/* One Variable per distinct name, typed by its values: the type they all
 * declare and all fit, otherwise Text (which every value fits). */
static void prepare_variables(wctx *c)
{
    const art_qda_project *p = c->p;
    size_t n = 0;
    for (size_t i = 0; i < p->ncases; i++)
        n += p->cases[i].nvalues;
    c->vars = alloc_array(c, n, sizeof *c->vars);
    for (size_t i = 0; i < p->ncases && alive(c); i++) {
        for (size_t j = 0; j < p->cases[i].nvalues && alive(c); j++) {
            const art_qda_value *v = &p->cases[i].values[j];
            if (!v->name)
                continue;
            const char *t = known_type(v->type);
            if (!t)
                t = "Text";
            var_out *var = find_var(c, v->name);
            if (!var) {
                var = &c->vars[c->nvars++];
                var->name = v->name;
                var->type = t;
                guid_from_seed(c, seed(c, "variable:%s", v->name), &var->g);
            }
            if (strcmp(var->type, t) != 0 || !value_fits(t, v->value))
                var->type = "Text";
        }
    }
}

static void prepare_misc(wctx *c)
{
    const art_qda_project *p = c->p;
    c->case_g = alloc_array(c, p->ncases, sizeof *c->case_g);
    for (size_t i = 0; i < p->ncases && alive(c); i++) {
        const art_qda_case *k = &p->cases[i];
        guid_out(c, k->guid, k->guid ? NULL : seed(c, "case:%zu:%s", i, k->name ? k->name : ""),
                 &c->case_g[i]);
    }
    c->note_g = alloc_array(c, p->nnotes, sizeof *c->note_g);
    for (size_t i = 0; i < p->nnotes && alive(c); i++) {
        const art_qda_note *k = &p->notes[i];
        guid_out(c, k->guid, k->guid ? NULL : seed(c, "note:%zu:%s", i, k->name ? k->name : ""),
                 &c->note_g[i]);
    }
    c->set_g = alloc_array(c, p->nsets, sizeof *c->set_g);
    for (size_t i = 0; i < p->nsets && alive(c); i++) {
        const art_qda_set *k = &p->sets[i];
        guid_out(c, k->guid, k->guid ? NULL : seed(c, "set:%zu:%s", i, k->name ? k->name : ""),
                 &c->set_g[i]);
    }
}

static void prepare(wctx *c)
{
    prepare_codes(c);
    prepare_misc(c);
    if (c->codebook)
        return;   /* a codebook holds only codes and sets */
    prepare_sources(c);
    prepare_users(c);
    prepare_variables(c);
}

/* ---- memos ------------------------------------------------------------------- */

/* Memos on sources and selections are written as Notes referenced by
 * NoteRef; their GUIDs come from what they annotate.  A note the model
 * already lists under that GUID (a project this writer wrote, read back)
 * is not written twice. */
static void source_memo_guid(wctx *c, size_t i, gid *out)
{
    guid_from_seed(c, seed(c, "note:source:%s", c->src_g[i].s), out);
}

static void selection_memo_guid(wctx *c, size_t flat, gid *out)
{
    guid_from_seed(c, seed(c, "note:selection:%s", c->sel_g[flat].s), out);
}

static bool note_listed(const wctx *c, const gid *g)
{
    for (size_t i = 0; i < c->p->nnotes; i++)
        if (strcmp(c->note_g[i].s, g->s) == 0)
            return true;
    return false;
}

/* ---- elements ------------------------------------------------------------ */

static void write_users(wctx *c)
{
    if (c->nusers == 0)
        return;
    start(c, "Users");
    for (size_t i = 0; i < c->nusers && alive(c); i++) {
        start(c, "User");
        attr(c, "guid", c->users[i].g.s);
        attr(c, "name", c->users[i].name);
        end(c);
    }
    end(c);
}

static bool color_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (s == NULL || s[0] != '#' || (n != 7 && n != 4))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_hex(s[i]))
            return false;
    return true;
}

static void open_code(wctx *c, long i)
{
    const art_qda_code *k = &c->p->codes[i];
    start(c, "Code");
    attr(c, "guid", c->code_g[i].s);
    attr(c, "name", k->name ? k->name : "");
    attr(c, "isCodable", k->codable ? "true" : "false");
    if (color_ok(k->color))
        attr(c, "color", k->color);
    text_element(c, "Description", k->description);
}

/* Depth first without recursion, so no nesting depth can exhaust the stack. */
static void write_code_tree(wctx *c)
{
    long *stack = alloc_array(c, c->p->ncodes, sizeof *stack);
    size_t depth = 0;
    long cur = c->root_first;
    while (alive(c)) {
        if (cur >= 0) {
            open_code(c, cur);
            stack[depth++] = cur;
            cur = c->first_child[cur];
        } else if (depth > 0) {
            end(c);
            cur = c->next_sibling[stack[--depth]];
        } else {
            break;
        }
    }
    free(stack);
}

static void write_codes(wctx *c)
{
    start(c, "Codes");
    write_code_tree(c);
    end(c);
}

static void write_variable_value(wctx *c, const art_qda_value *v)
{
    const var_out *var = find_var(c, v->name);
    if (!var)
        return;
    start(c, "VariableValue");
    ref_element(c, "VariableRef", &var->g);
    char elem[24];
    snprintf(elem, sizeof elem, "%sValue", var->type);
    text_element(c, elem, v->value ? v->value : "");
    end(c);
}

static void write_variables(wctx *c)
{
    if (c->nvars == 0)
        return;
    start(c, "Variables");
    for (size_t i = 0; i < c->nvars && alive(c); i++) {
        start(c, "Variable");
        attr(c, "guid", c->vars[i].g.s);
        attr(c, "name", c->vars[i].name);
        attr(c, "typeOfVariable", c->vars[i].type);
        end(c);
    }
    end(c);
}

static void write_cases(wctx *c)
{
    const art_qda_project *p = c->p;
    if (p->ncases == 0)
        return;
    start(c, "Cases");
    for (size_t i = 0; i < p->ncases && alive(c); i++) {
        const art_qda_case *k = &p->cases[i];
        start(c, "Case");
        attr(c, "guid", c->case_g[i].s);
        attr(c, "name", k->name);
        text_element(c, "Description", k->description);
        for (size_t j = 0; j < k->nvalues && alive(c); j++)
            if (k->values[j].name)
                write_variable_value(c, &k->values[j]);
        for (size_t j = 0; j < k->nsource_guids && alive(c); j++) {
            gid g;
            guid_out(c, k->source_guids[j], "source:unnamed", &g);
            ref_element(c, "SourceRef", &g);
        }
        for (size_t j = 0; j < k->nselection_guids && alive(c); j++) {
            gid g;
            guid_out(c, k->selection_guids[j], "selection:unnamed", &g);
            ref_element(c, "SelectionRef", &g);
        }
        end(c);
    }
    end(c);
}

static void write_codings(wctx *c, const art_qda_selection *sel, const gid *sel_g)
{
    for (size_t k = 0; k < sel->ncodings && alive(c); k++) {
        const art_qda_coding *cd = &sel->codings[k];
        if (cd->code < 0 || (size_t)cd->code >= c->p->ncodes)
            continue;   /* the model promises resolved codes; never write a dangling ref */
        const gid *code_g = &c->code_g[cd->code];
        gid g;
        const char *fallback =
            cd->guid ? NULL
                     : seed(c, "coding:%s:%s:%s", sel_g->s, code_g->s, cd->coder ? cd->coder : "");
        guid_out(c, cd->guid, fallback, &g);
        start(c, "Coding");
        attr(c, "guid", g.s);
        const gid *u = user_guid(c, cd->coder);
        if (u)
            attr(c, "creatingUser", u->s);
        ref_element(c, "CodeRef", code_g);
        end(c);
    }
}

static void write_selection(wctx *c, const art_qda_selection *sel, size_t flat)
{
    start(c, "PlainTextSelection");
    attr(c, "guid", c->sel_g[flat].s);
    attr(c, "name", sel->name);
    attr_long(c, "startPosition", sel->start);
    attr_long(c, "endPosition", sel->end);
    const gid *u = user_guid(c, sel->coder);
    if (u)
        attr(c, "creatingUser", u->s);
    write_codings(c, sel, &c->sel_g[flat]);
    if (sel->memo) {
        gid g;
        selection_memo_guid(c, flat, &g);
        ref_element(c, "NoteRef", &g);
    }
    end(c);
}

static void write_source(wctx *c, size_t i)
{
    const art_qda_source *s = &c->p->sources[i];
    const char *id = c->src_g[i].s;
    start(c, "TextSource");
    attr(c, "guid", id);
    attr(c, "name", s->name);
    if (s->text) {
        char path[64];
        snprintf(path, sizeof path, "internal://%s.txt", id);
        attr(c, "plainTextPath", path);
    } else if (s->path) {
        attr(c, "plainTextPath", s->path);
    }
    size_t base = c->sel_base[i];
    for (size_t j = 0; j < s->nsels && alive(c); j++)
        if (!s->sels[j].whole_source)
            write_selection(c, &s->sels[j], base + j);
    /* Codings of the whole source sit directly under the TextSource. */
    for (size_t j = 0; j < s->nsels && alive(c); j++)
        if (s->sels[j].whole_source)
            write_codings(c, &s->sels[j], &c->sel_g[base + j]);
    if (s->memo) {
        gid g;
        source_memo_guid(c, i, &g);
        ref_element(c, "NoteRef", &g);
    }
    for (size_t j = 0; j < s->nsels && alive(c); j++) {
        if (s->sels[j].whole_source && s->sels[j].memo) {
            gid g;
            selection_memo_guid(c, base + j, &g);
            ref_element(c, "NoteRef", &g);
        }
    }
    end(c);
}

static void write_sources(wctx *c)
{
    if (c->p->nsources == 0)
        return;
    start(c, "Sources");
    for (size_t i = 0; i < c->p->nsources && alive(c); i++)
        write_source(c, i);
    end(c);
}

static void write_note(wctx *c, const gid *g, const char *name, const char *text)
{
    start(c, "Note");
    attr(c, "guid", g->s);
    attr(c, "name", name);
    text_element(c, "PlainTextContent", text ? text : "");
    end(c);
}

static size_t count_memo_notes(wctx *c)
{
    const art_qda_project *p = c->p;
    size_t n = 0;
    for (size_t i = 0; i < p->nsources && alive(c); i++) {
        gid g;
        if (p->sources[i].memo) {
            source_memo_guid(c, i, &g);
            n += !note_listed(c, &g);
        }
        for (size_t j = 0; j < p->sources[i].nsels && alive(c); j++) {
            if (p->sources[i].sels[j].memo) {
                selection_memo_guid(c, c->sel_base[i] + j, &g);
                n += !note_listed(c, &g);
            }
        }
    }
    return n;
}

static void write_notes(wctx *c)
{
    const art_qda_project *p = c->p;
    size_t memos = count_memo_notes(c);
    if (p->nnotes == 0 && memos == 0)
        return;
    start(c, "Notes");
    for (size_t i = 0; i < p->nnotes && alive(c); i++)
        write_note(c, &c->note_g[i], p->notes[i].name, p->notes[i].text);
    for (size_t i = 0; i < p->nsources && alive(c); i++) {
        const art_qda_source *s = &p->sources[i];
        gid g;
        if (s->memo) {
            source_memo_guid(c, i, &g);
            if (alive(c) && !note_listed(c, &g))
                write_note(c, &g, "Memo", s->memo);
        }
        for (size_t j = 0; j < s->nsels && alive(c); j++) {
            if (!s->sels[j].memo)
                continue;
            selection_memo_guid(c, c->sel_base[i] + j, &g);
            if (alive(c) && !note_listed(c, &g))
                write_note(c, &g, "Memo", s->sels[j].memo);
        }
    }
    end(c);
}

static void write_sets(wctx *c)
{
    const art_qda_project *p = c->p;
    if (p->nsets == 0)
        return;
    start(c, "Sets");
    for (size_t i = 0; i < p->nsets && alive(c); i++) {
        const art_qda_set *s = &p->sets[i];
        start(c, "Set");
        attr(c, "guid", c->set_g[i].s);
        attr(c, "name", s->name ? s->name : "");
        text_element(c, "Description", s->description);
        for (size_t j = 0; j < s->nmember_codes && alive(c); j++) {
            gid g;
            guid_out(c, s->member_codes[j], "code:unnamed", &g);
            start(c, "MemberCode");
            attr(c, "guid", g.s);   /* Codebook.xsd: MemberCode/@guid */
            end(c);
        }
        end(c);
    }
    end(c);
}

/* Project.xsd spells set members as references (targetGUID). */
static void write_project_sets(wctx *c)
{
    const art_qda_project *p = c->p;
    if (p->nsets == 0)
        return;
    start(c, "Sets");
    for (size_t i = 0; i < p->nsets && alive(c); i++) {
        const art_qda_set *s = &p->sets[i];
        start(c, "Set");
        attr(c, "guid", c->set_g[i].s);
        attr(c, "name", s->name ? s->name : "");
        text_element(c, "Description", s->description);
        for (size_t j = 0; j < s->nmember_codes && alive(c); j++) {
            gid g;
            guid_out(c, s->member_codes[j], "code:unnamed", &g);
            ref_element(c, "MemberCode", &g);
        }
        for (size_t j = 0; j < s->nmember_sources && alive(c); j++) {
            gid g;
            guid_out(c, s->member_sources[j], "source:unnamed", &g);
            ref_element(c, "MemberSource", &g);
        }
        end(c);
    }
    end(c);
}

static void write_project_body(wctx *c)
{
    const art_qda_project *p = c->p;
    check(c, xmlTextWriterStartElementNS(c->w, NULL, BAD_CAST "Project", BAD_CAST NS_PROJECT));
    attr(c, "name", p->name ? p->name : "artefact project");
    attr(c, "origin", p->origin ? p->origin : "artefact " ART_VERSION);
    write_users(c);
    if (p->ncodes > 0) {
        start(c, "CodeBook");
        write_codes(c);
        end(c);
    }
    write_variables(c);
    write_cases(c);
    write_sources(c);
    write_notes(c);
    write_project_sets(c);
    end(c);
}

static void write_codebook_body(wctx *c)
{
    const art_qda_project *p = c->p;
    check(c, xmlTextWriterStartElementNS(c->w, NULL, BAD_CAST "CodeBook", BAD_CAST NS_CODEBOOK));
    attr(c, "origin", p->origin ? p->origin : "artefact " ART_VERSION);
    write_codes(c);
    write_sets(c);
    end(c);
}

/* ---- driver ------------------------------------------------------------------- */

static void wctx_free(wctx *c)
{
    if (c->w)
        xmlFreeTextWriter(c->w);
    if (c->xbuf)
        xmlBufferFree(c->xbuf);
    art_buf_free(&c->scratch);
    free(c->code_g);
    free(c->first_child);
    free(c->next_sibling);
    free(c->src_g);
    free(c->sel_base);
    free(c->sel_g);
    free(c->case_g);
    free(c->note_g);
    free(c->set_g);
    free(c->users);
    free(c->vars);
}

static art_status write_xml(const art_qda_project *p, bool codebook, art_buf *out,
                            art_error *err)
{
    const char *what = codebook ? "REFI-QDA codebook" : "REFI-QDA project";
    if (!p || !out)
        return art_error_set(err, ART_ERR_USAGE, "%s: nothing to write", what);
    if (codebook && p->ncodes == 0)
        return art_error_set(err, ART_ERR_USAGE, "%s: a codebook needs at least one code",
                             what);
    art_xml_init();
    wctx c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.codebook = codebook;
    art_buf_init(&c.scratch);
    prepare(&c);
    if (alive(&c)) {
        c.xbuf = xmlBufferCreate();
        c.w = c.xbuf ? xmlNewTextWriterMemory(c.xbuf, 0) : NULL;
        if (!c.w)
            c.oom = true;
    }
    if (alive(&c)) {
        check(&c, xmlTextWriterSetIndent(c.w, 1));
        check(&c, xmlTextWriterSetIndentString(c.w, BAD_CAST "  "));
        check(&c, xmlTextWriterStartDocument(c.w, "1.0", "UTF-8", NULL));
    }
    if (alive(&c)) {
        if (codebook)
            write_codebook_body(&c);
        else
            write_project_body(&c);
    }
    if (alive(&c))
        check(&c, xmlTextWriterEndDocument(c.w));
    if (alive(&c))
        check(&c, xmlTextWriterFlush(c.w));
    art_status st = ART_OK;
    if (c.oom)
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", what);
    else if (c.failed)
        st = art_error_set(err, ART_ERR_FORMAT, "%s: the XML writer failed", what);
    else {
        art_buf_append(out, (const char *)xmlBufferContent(c.xbuf),
                       (size_t)xmlBufferLength(c.xbuf));
        if (out->failed)
            st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", what);
    }
    wctx_free(&c);
    return st;
}

art_status art_qda_write_qde(const art_qda_project *p, art_buf *out, art_error *err)
{
    return write_xml(p, false, out, err);
}

art_status art_qda_write_qdc(const art_qda_project *p, art_buf *out, art_error *err)
{
    return write_xml(p, true, out, err);
}

/* ---- .qdpx ---------------------------------------------------------------- */

/* The GUID write_qde used for source i (the same derivation, so entry
 * names match the plainTextPath attributes). */
static art_status source_entry_names(const art_qda_project *p, gid **out, art_error *err,
                                     const char *path)
{
    wctx c;
    memset(&c, 0, sizeof c);
    c.p = p;
    art_buf_init(&c.scratch);
    prepare_sources(&c);
    art_buf_free(&c.scratch);
    free(c.sel_base);
    free(c.sel_g);
    if (c.oom) {
        free(c.src_g);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    }
    *out = c.src_g;
    return ART_OK;
}

art_status art_qda_write_qdpx(const art_qda_project *p, const char *path, art_error *err)
{
    if (!p || !path)
        return art_error_set(err, ART_ERR_USAGE, "REFI-QDA project: nothing to write");
    art_buf xml;
    art_buf_init(&xml);
    art_status st = art_qda_write_qde(p, &xml, err);
    gid *src_g = NULL;
    if (st == ART_OK)
        st = source_entry_names(p, &src_g, err, path);
    art_zip_writer *zw = NULL;
    if (st == ART_OK)
        st = art_zip_writer_open(path, &zw, err);
    if (st == ART_OK)
        st = art_zip_writer_add(zw, "project.qde", xml.data, xml.len, err);
    for (size_t i = 0; i < p->nsources && st == ART_OK; i++) {
        const char *text = p->sources[i].text;
        if (!text)
            continue;
        char entry[64];
        snprintf(entry, sizeof entry, "sources/%s.txt", src_g[i].s);
        st = art_zip_writer_add(zw, entry, text, strlen(text), err);
    }
    if (st == ART_OK)
        st = art_zip_writer_finish(zw, err);
    else if (zw)
        art_zip_writer_abort(zw);
    free(src_g);
    art_buf_free(&xml);
    return st;
}
