/* REFI-QDA import: projects (.qdpx, .qde) and codebooks (.qdc) into the
 * in-memory model of qda.h.
 *
 * Real exports break the standard in many small ways (see
 * docs/refi-qda.md); the importer takes what it can and turns everything it
 * skips or repairs into a one-line warning.  Warnings and errors name items
 * by their names or GUIDs and never quote source text, which is interview
 * data.
 *
 * The root's children are read in a fixed order of phases (users, codes,
 * variables, notes, cases, sources, sets) rather than document order, so a
 * reference to something declared later in the file still resolves. */
#include "qda.h"
#include "zip.h"

#include <libxml/tree.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NS_PROJECT "urn:QDA-XML:project:1.0"
#define NS_CODEBOOK "urn:QDA-XML:codebook:1.0"
#define MAX_ITEMS 1000000L        /* codes + selections + cases */
#define MAX_CODE_DEPTH 64
#define MAX_WARNINGS 1000
#define QDA_MAX_INPUT ((size_t)64 << 20)
#define CP_STRIDE 256             /* code points between byte-offset checkpoints */

/* ---- GUID index -------------------------------------------------------- */

/* One table for every kind of id; the key is the kind letter followed by the
 * normalised id, so a code and a coding may share a GUID without clashing. */
typedef struct id_slot {
    char *key;
    long index;
} id_slot;

typedef struct id_index {
    id_slot *slots;
    size_t cap, n;
} id_index;

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t slot_of(const id_index *ix, const char *key)
{
    size_t i = (size_t)hash_key(key) & (ix->cap - 1);
    while (ix->slots[i].key && strcmp(ix->slots[i].key, key) != 0)
        i = (i + 1) & (ix->cap - 1);
    return i;
}

static bool id_index_grow(id_index *ix)
{
    size_t ncap = ix->cap ? ix->cap * 2 : 256;
    id_slot *old = ix->slots;
    size_t ocap = ix->cap;
    ix->slots = calloc(ncap, sizeof *ix->slots);
    if (!ix->slots) {
        ix->slots = old;
        return false;
    }
    ix->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].key)
            ix->slots[slot_of(ix, old[i].key)] = old[i];
    free(old);
    return true;
}

static void id_index_free(id_index *ix)
{
    for (size_t i = 0; i < ix->cap; i++)
        free(ix->slots[i].key);
    free(ix->slots);
}

static char *make_key(char kind, const char *id)
{
    size_t n = strlen(id);
    char *k = malloc(n + 2);
    if (k) {
        k[0] = kind;
        memcpy(k + 1, id, n + 1);
    }
    return k;
}

static long id_find(const id_index *ix, char kind, const char *id)
{
    if (!id || !ix->cap)
        return -1;
    char *key = make_key(kind, id);
    if (!key)
        return -1;
    const id_slot *s = &ix->slots[slot_of(ix, key)];
    long r = s->key ? s->index : -1;
    free(key);
    return r;
}

/* ---- parser state ------------------------------------------------------ */

typedef struct qda_var {
    char *name;
    char *type;
} qda_var;

enum { SKIP_PDF, SKIP_PICTURE, SKIP_AUDIO, SKIP_VIDEO, SKIP_OTHER, SKIP_KINDS };

typedef struct qparser {
    const char *name;          /* file name for messages */
    const char *ns;            /* the root's namespace */
    art_qda_project *p;
    art_qda_read_fn read;
    void *ud;
    size_t cap_users, cap_codes, cap_cases, cap_sources, cap_notes, cap_sets, cap_warn;
    qda_var *vars;
    size_t nvars, cap_vars;
    id_index ids;
    long items;
    size_t warn_dropped;
    bool warned_nonguid, warned_depth;
    size_t skipped[SKIP_KINDS];
    art_error *err;
} qparser;

static art_status nomem(qparser *q)
{
    return art_error_set(q->err, ART_ERR_NOMEM, "%s: out of memory", q->name);
}

/* Grow *arr (of elements `size` bytes) to hold at least n+1 elements. */
static bool grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 8;
    if (ncap > SIZE_MAX / size)
        return false;
    void *a = realloc(*arr, ncap * size);
    if (!a)
        return false;
    memset((char *)a + *cap * size, 0, (ncap - *cap) * size);
    *arr = a;
    *cap = ncap;
    return true;
}

/* One printable line: control characters become spaces and bytes that are
 * not UTF-8 become U+FFFD, so a name from the file cannot break a report. */
static char *one_line(const char *s)
{
    art_buf b;
    art_buf_init(&b);
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = art_utf8_decode(s + i, n - i, &cp);
        if (cp < 0x20 || cp == 0x7f) {
            art_buf_putc(&b, ' ');
        } else {
            char enc[4];
            art_buf_append(&b, enc, art_utf8_encode(cp, enc));
        }
        i += k;
    }
    if (!b.data)
        art_buf_puts(&b, "");
    return art_buf_steal(&b);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static art_status warn(qparser *q, const char *fmt, ...)
{
    if (q->p->nwarnings >= MAX_WARNINGS) {
        q->warn_dropped++;
        return ART_OK;
    }
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char *w = one_line(line);
    if (!w || !grow((void **)&q->p->warnings, &q->cap_warn, q->p->nwarnings, sizeof(char *))) {
        free(w);
        return nomem(q);
    }
    q->p->warnings[q->p->nwarnings++] = w;
    return ART_OK;
}

/* A name shortened for a warning (names are not interview text, but some are
 * long).  Cuts on a code-point boundary. */
static const char *short_name(const char *s, char out[72])
{
    if (!s)
        return "(unnamed)";
    size_t n = strlen(s);
    if (n < 64)
        return s;
    size_t cut = 60;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    memcpy(out, s, cut);
    memcpy(out + cut, "...", 4);
    return out;
}

static art_status count_item(qparser *q)
{
    if (++q->items > MAX_ITEMS)
        return art_error_set(q->err, ART_ERR_LIMIT,
                             "%s: more than %ld codes, selections and cases", q->name,
                             MAX_ITEMS);
    return ART_OK;
}

/* ---- XML helpers ------------------------------------------------------- */

static bool is_el(const qparser *q, const xmlNode *n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, q->ns) == 0 &&
           strcmp((const char *)n->name, local) == 0;
}

static xmlNode *first_child(const qparser *q, const xmlNode *parent, const char *local)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (is_el(q, c, local))
            return c;
    return NULL;
}

/* Attribute value as our own string, or NULL if absent.  *bad is set when
 * libxml2 could not allocate (an absent attribute leaves it alone). */
static char *attr(const xmlNode *n, const char *name, bool *bad)
{
    if (!xmlHasProp(n, (const xmlChar *)name))
        return NULL;
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    char *s = v ? art_strdup((const char *)v) : NULL;
    xmlFree(v);
    if (!s)
        *bad = true;
    return s;
}

static char *content(const xmlNode *n, bool *bad)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = v ? art_strdup((const char *)v) : NULL;
    xmlFree(v);
    if (!s)
        *bad = true;
    return s;
}

/* ---- ids ----------------------------------------------------------------- */

static bool is_hex_run(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool looks_like_guid(const char *s, size_t n)
{
    return n == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' &&
           is_hex_run(s, 8) && is_hex_run(s + 9, 4) && is_hex_run(s + 14, 4) &&
           is_hex_run(s + 19, 4) && is_hex_run(s + 24, 12);
}

/* Normalise an id as written: trimmed; a GUID loses its braces and is lower
 * cased, so "{ABC...}" and "abc..." compare equal.  Anything else is kept
 * as written (after trimming), with one warning per file.  NULL for an
 * absent or empty id. */
static art_status norm_id(qparser *q, const char *raw, char **out)
{
    *out = NULL;
    if (!raw)
        return ART_OK;
    const char *s = raw;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (!n)
        return ART_OK;
    const char *g = s;
    size_t gn = n;
    if (gn >= 2 && g[0] == '{' && g[gn - 1] == '}')
        g++, gn -= 2;
    if (looks_like_guid(g, gn)) {
        char *r = art_strndup(g, gn);
        if (!r)
            return nomem(q);
        for (char *c = r; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        *out = r;
        return ART_OK;
    }
    if (!q->warned_nonguid) {
        q->warned_nonguid = true;
        art_status st = warn(q, "ids are not GUIDs; used as written");
        if (st != ART_OK)
            return st;
    }
    *out = art_strndup(s, n);
    return *out ? ART_OK : nomem(q);
}

/* Normalised id from attribute `name` of n. */
static art_status id_attr(qparser *q, const xmlNode *n, const char *name, char **out)
{
    bool bad = false;
    char *raw = attr(n, name, &bad);
    if (bad)
        return nomem(q);
    art_status st = norm_id(q, raw, out);
    free(raw);
    return st;
}

/* Register an id; *dup says it was already there (the caller then skips the
 * later item, as the warning says). */
static art_status id_add(qparser *q, char kind, const char *id, long index, bool *dup)
{
    *dup = false;
    if (!id)
        return ART_OK;
    id_index *ix = &q->ids;
    if ((ix->n + 1) * 10 > ix->cap * 7 && !id_index_grow(ix))
        return nomem(q);
    char *key = make_key(kind, id);
    if (!key)
        return nomem(q);
    id_slot *s = &ix->slots[slot_of(ix, key)];
    if (s->key) {
        free(key);
        *dup = true;
        return ART_OK;
    }
    s->key = key;
    s->index = index;
    ix->n++;
    return ART_OK;
}

/* ---- small string helpers -------------------------------------------- */

static bool prefix_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

/* ---- colours ------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_byte(const char **p, unsigned *v)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    unsigned x = 0;
    int digits = 0;
    while (isdigit((unsigned char)*s) && digits < 4) {
        x = x * 10 + (unsigned)(*s++ - '0');
        digits++;
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (x > 255 || isdigit((unsigned char)*s))
        return false;
    *v = x;
    *p = s;
    return true;
}

/* "#rrggbb", "#RRGGBB", "#rgb" or "rgb(r,g,b)" -> "#rrggbb"; false otherwise. */
static bool normalise_colour(const char *in, char out[8])
{
    while (*in == ' ')
        in++;
    unsigned r, g, b;
    size_t n = strlen(in);
    while (n && in[n - 1] == ' ')
        n--;
    if (in[0] == '#' && (n == 7 || n == 4)) {
        for (size_t i = 1; i < n; i++)
            if (hexval(in[i]) < 0)
                return false;
        if (n == 7) {
            r = (unsigned)(hexval(in[1]) * 16 + hexval(in[2]));
            g = (unsigned)(hexval(in[3]) * 16 + hexval(in[4]));
            b = (unsigned)(hexval(in[5]) * 16 + hexval(in[6]));
        } else {
            r = (unsigned)hexval(in[1]) * 17;
            g = (unsigned)hexval(in[2]) * 17;
            b = (unsigned)hexval(in[3]) * 17;
        }
    } else if (n > 4 && prefix_ci(in, "rgb(")) {
        const char *p = in + 4;
        if (!parse_byte(&p, &r) || *p++ != ',' || !parse_byte(&p, &g) || *p++ != ',' ||
            !parse_byte(&p, &b) || *p++ != ')' || (size_t)(p - in) != n)
            return false;
    } else {
        return false;
    }
    snprintf(out, 8, "#%02x%02x%02x", r & 0xff, g & 0xff, b & 0xff);
    return true;
}

/* ---- users ------------------------------------------------------------- */

static art_status parse_users(qparser *q, const xmlNode *users)
{
    art_qda_project *p = q->p;
    for (xmlNode *u = users ? users->children : NULL; u; u = u->next) {
        if (!is_el(q, u, "User"))
            continue;
        char *guid = NULL;
        bool bad = false, dup;
        art_status st = id_attr(q, u, "guid", &guid);
        if (st == ART_OK)
            st = id_add(q, 'u', guid, (long)p->nusers, &dup);
        if (st != ART_OK) {
            free(guid);
            return st;
        }
        if (dup) {
            free(guid);
            if ((st = warn(q, "duplicate user GUID; the later user is ignored")) != ART_OK)
                return st;
            continue;
        }
        char *name = attr(u, "name", &bad);
        if (!name && !bad)
            name = art_strdup(guid ? guid : "");
        if (!name || bad || !grow((void **)&p->users, &q->cap_users, p->nusers, sizeof *p->users)) {
            free(guid);
            free(name);
            return nomem(q);
        }
        p->users[p->nusers].guid = guid;
        p->users[p->nusers].name = name;
        p->nusers++;
    }
    return ART_OK;
}

/* The name a creatingUser attribute stands for: the user's name, else the id
 * as written (trimmed), else NULL. */
static art_status user_name(qparser *q, const xmlNode *n, char **out)
{
    *out = NULL;
    bool bad = false;
    char *raw = attr(n, "creatingUser", &bad);
    if (bad)
        return nomem(q);
    if (!raw)
        return ART_OK;
    char *id = NULL;
    art_status st = norm_id(q, raw, &id);
    if (st != ART_OK) {
        free(raw);
        return st;
    }
    long u = id_find(&q->ids, 'u', id);
    free(id);
    if (u >= 0) {
        free(raw);
        *out = art_strdup(q->p->users[u].name);
        return *out ? ART_OK : nomem(q);
    }
    art_str_squash_space(raw);
    if (!*raw) {
        free(raw);
        return ART_OK;
    }
    *out = raw;
    return ART_OK;
}

/* ---- codes --------------------------------------------------------------- */

static art_status add_code(qparser *q, const xmlNode *c, long parent, char *guid, long *index)
{
    art_qda_project *p = q->p;
    bool bad = false;
    char buf[72];
    if (!grow((void **)&p->codes, &q->cap_codes, p->ncodes, sizeof *p->codes))
        return nomem(q);
    art_qda_code *code = &p->codes[p->ncodes];
    memset(code, 0, sizeof *code);
    code->guid = guid;
    code->parent = parent;
    code->codable = true;
    p->ncodes++; /* owned by the project from here on */
    code->name = attr(c, "name", &bad);
    if (!code->name && !bad) {
        code->name = art_strdup(guid ? guid : "(unnamed)");
        art_status st = warn(q, "a code has no name; its GUID is used");
        if (st != ART_OK)
            return st;
    }
    xmlNode *d = first_child(q, c, "Description");
    if (d)
        code->description = content(d, &bad);
    char *codable = attr(c, "isCodable", &bad);
    if (codable) {
        art_str_squash_space(codable);
        code->codable = !(strcmp(codable, "false") == 0 || strcmp(codable, "0") == 0);
        free(codable);
    }
    char *colour = attr(c, "color", &bad);
    if (colour) {
        char norm[8];
        if (normalise_colour(colour, norm)) {
            code->color = art_strdup(norm);
            bad = bad || !code->color;
        } else {
            art_status st = warn(q, "code '%s': colour not understood; ignored",
                                 short_name(code->name, buf));
            if (st != ART_OK) {
                free(colour);
                return st;
            }
        }
        free(colour);
    }
    if (bad || !code->name)
        return nomem(q);
    const char *ppath = parent >= 0 ? p->codes[parent].path : NULL;
    art_buf path;
    art_buf_init(&path);
    if (ppath) {
        art_buf_puts(&path, ppath);
        art_buf_putc(&path, '/');
    }
    art_buf_puts(&path, code->name);
    if (path.failed || !(code->path = art_buf_steal(&path)))
        return nomem(q);
    *index = (long)p->ncodes - 1;
    return ART_OK;
}

/* Codes nest; recursion is bounded by MAX_CODE_DEPTH. */
static art_status parse_codes(qparser *q, const xmlNode *parent_el, long parent, int depth)
{
    for (xmlNode *c = parent_el ? parent_el->children : NULL; c; c = c->next) {
        if (!is_el(q, c, "Code"))
            continue;
        art_status st;
        if (depth >= MAX_CODE_DEPTH) {
            if (!q->warned_depth) {
                q->warned_depth = true;
                if ((st = warn(q, "codes nested deeper than %d levels are skipped",
                               MAX_CODE_DEPTH)) != ART_OK)
                    return st;
            }
            continue;
        }
        if ((st = count_item(q)) != ART_OK)
            return st;
        char *guid = NULL;
        bool dup;
        if ((st = id_attr(q, c, "guid", &guid)) != ART_OK)
            return st;
        if ((st = id_add(q, 'c', guid, (long)q->p->ncodes, &dup)) != ART_OK) {
            free(guid);
            return st;
        }
        if (dup) {
            free(guid);
            if ((st = warn(q, "duplicate code GUID; the later code and its subcodes are "
                              "ignored")) != ART_OK)
                return st;
            continue;
        }
        long index = -1;
        if ((st = add_code(q, c, parent, guid, &index)) != ART_OK)
            return st;
        if ((st = parse_codes(q, c, index, depth + 1)) != ART_OK)
            return st;
    }
    return ART_OK;
}

/* ---- variables ---------------------------------------------------------- */

static art_status parse_variables(qparser *q, const xmlNode *vars)
{
    for (xmlNode *v = vars ? vars->children : NULL; v; v = v->next) {
        if (!is_el(q, v, "Variable"))
            continue;
        char *guid = NULL;
        bool bad = false, dup;
        art_status st = id_attr(q, v, "guid", &guid);
        if (st == ART_OK && guid)
            st = id_add(q, 'v', guid, (long)q->nvars, &dup);
        else
            dup = false;
        if (st != ART_OK) {
            free(guid);
            return st;
        }
        if (!guid || dup) {
            free(guid);
            if ((st = warn(q, dup ? "duplicate variable GUID; the later variable is ignored"
                                  : "a variable has no GUID; ignored")) != ART_OK)
                return st;
            continue;
        }
        free(guid);
        if (!grow((void **)&q->vars, &q->cap_vars, q->nvars, sizeof *q->vars))
            return nomem(q);
        qda_var *var = &q->vars[q->nvars++];
        var->name = attr(v, "name", &bad);
        var->type = attr(v, "typeOfVariable", &bad);
        if (!var->name && !bad)
            var->name = art_strdup("(unnamed)");
        if (!var->type && !bad)
            var->type = art_strdup("Text");
        if (bad || !var->name || !var->type)
            return nomem(q);
    }
    return ART_OK;
}

/* ---- text --------------------------------------------------------------- */

/* Byte offsets of every CP_STRIDE-th code point, so a selection's text is
 * found without walking the whole source each time. */
typedef struct cp_map {
    const char *text;
    size_t bytes;
    size_t *at;
} cp_map;

static bool cp_map_build(cp_map *m, const char *text, long length)
{
    m->text = text;
    m->bytes = text ? strlen(text) : 0;
    m->at = malloc(((size_t)length / CP_STRIDE + 1) * sizeof *m->at);
    if (!m->at)
        return false;
    size_t b = 0;
    for (long c = 0; c <= length; c++) {
        if (c % CP_STRIDE == 0)
            m->at[c / CP_STRIDE] = b;
        if (c < length) {
            unsigned cp;
            b += art_utf8_decode(text + b, m->bytes - b, &cp);
        }
    }
    return true;
}

static size_t cp_to_byte(const cp_map *m, long cp)
{
    size_t b = m->at[cp / CP_STRIDE];
    for (long c = cp - cp % CP_STRIDE; c < cp && b < m->bytes; c++) {
        unsigned u;
        b += art_utf8_decode(m->text + b, m->bytes - b, &u);
    }
    return b;
}

/* Make source text usable: no BOM, valid UTF-8 without NUL.  Takes data. */
static art_status accept_text(qparser *q, char *data, size_t len, const char *what,
                              const char *label, char **text, long *length)
{
    char buf[72];
    size_t bom = art_utf8_bom_len(data, len);
    if (bom) {
        memmove(data, data + bom, len - bom);
        len -= bom;
    }
    data[len] = '\0';
    if (!art_utf8_valid(data, len)) {
        free(data);
        return warn(q, "%s '%s': text is not valid UTF-8; not read", what,
                    short_name(label, buf));
    }
    *text = data;
    *length = art_utf8_count(data, len);
    return ART_OK;
}

/* Read the file a plainTextPath names, through q->read.  Only paths inside
 * the project's own container are followed. */
static art_status read_path(qparser *q, const char *path, const char *what, const char *label,
                            char **text, long *length)
{
    char buf[72];
    const char *shown = short_name(label, buf);
    const char *rel = path;
    if (prefix_ci(path, "internal://"))
        rel = path + strlen("internal://");
    else if (prefix_ci(path, "relative://"))
        return warn(q, "%s '%s': text at relative:// path not read", what, shown);
    else if (prefix_ci(path, "absolute://"))
        return warn(q, "%s '%s': text at absolute:// path not read", what, shown);
    else if (strstr(path, "://"))
        return warn(q, "%s '%s': text at an unknown kind of path not read", what, shown);
    if (!*rel)
        return warn(q, "%s '%s': empty plainTextPath; no text", what, shown);
    if (!q->read)
        return warn(q, "%s '%s': text file not available here; not read", what, shown);
    char *data = NULL;
    size_t len = 0;
    art_error e;
    art_error_clear(&e);
    art_status st = q->read(q->ud, rel, &data, &len, &e);
    if (st == ART_ERR_NOMEM) {
        free(data);
        return nomem(q);
    }
    if (st != ART_OK || !data) {
        free(data);
        if (st == ART_ERR_NOTFOUND || st == ART_OK)
            return warn(q, "%s '%s': text file not found in the project", what, shown);
        return warn(q, "%s '%s': text file could not be read (%s)", what, shown,
                    art_status_name(st));
    }
    return accept_text(q, data, len, what, label, text, length);
}

/* Text of a TextSource or Note: PlainTextContent, else plainTextPath.  On
 * return *text may be NULL (a warning says why). */
static art_status load_text(qparser *q, const xmlNode *el, const char *what, const char *label,
                            char **path_out, char **text, long *length)
{
    char buf[72];
    bool bad = false;
    *text = NULL;
    *length = 0;
    xmlNode *ptc = first_child(q, el, "PlainTextContent");
    char *path = attr(el, "plainTextPath", &bad);
    if (bad)
        return nomem(q);
    if (path_out)
        *path_out = path;
    art_status st;
    if (ptc) {
        char *c = content(ptc, &bad);
        st = bad ? nomem(q) : accept_text(q, c, strlen(c), what, label, text, length);
    } else if (path) {
        st = read_path(q, path, what, label, text, length);
    } else {
        st = warn(q, "%s '%s': has no text", what, short_name(label, buf));
    }
    if (!path_out)
        free(path);
    return st;
}

/* ---- notes and memos ----------------------------------------------------- */

static art_status parse_notes(qparser *q, const xmlNode *notes)
{
    art_qda_project *p = q->p;
    for (xmlNode *n = notes ? notes->children : NULL; n; n = n->next) {
        if (!is_el(q, n, "Note"))
            continue;
        char *guid = NULL;
        bool bad = false, dup;
        art_status st = id_attr(q, n, "guid", &guid);
        if (st == ART_OK)
            st = id_add(q, 'n', guid, (long)p->nnotes, &dup);
        if (st != ART_OK) {
            free(guid);
            return st;
        }
        if (dup) {
            free(guid);
            if ((st = warn(q, "duplicate note GUID; the later note is ignored")) != ART_OK)
                return st;
            continue;
        }
        if (!grow((void **)&p->notes, &q->cap_notes, p->nnotes, sizeof *p->notes)) {
            free(guid);
            return nomem(q);
        }
        art_qda_note *note = &p->notes[p->nnotes++];
        memset(note, 0, sizeof *note);
        note->guid = guid;
        note->name = attr(n, "name", &bad);
        if (bad)
            return nomem(q);
        long length;
        if ((st = load_text(q, n, "note", note->name ? note->name : guid, NULL, &note->text,
                            &length)) != ART_OK)
            return st;
        /* Notes always have a text, so memos can be joined without checks. */
        if (!note->text && !(note->text = art_strdup("")))
            return nomem(q);
    }
    return ART_OK;
}

/* The texts of the notes an element's NoteRef children point to, joined by
 * a blank line; NULL when there are none. */
static art_status memo_of(qparser *q, const xmlNode *el, char **memo)
{
    art_buf b;
    art_buf_init(&b);
    bool any = false;
    *memo = NULL;
    for (xmlNode *r = el->children; r; r = r->next) {
        if (!is_el(q, r, "NoteRef"))
            continue;
        char *id = NULL;
        art_status st = id_attr(q, r, "targetGUID", &id);
        if (st != ART_OK) {
            art_buf_free(&b);
            return st;
        }
        long n = id_find(&q->ids, 'n', id);
        free(id);
        if (n < 0) {
            if ((st = warn(q, "a NoteRef points to no note; ignored")) != ART_OK) {
                art_buf_free(&b);
                return st;
            }
            continue;
        }
        if (any)
            art_buf_puts(&b, "\n\n");
        art_buf_puts(&b, q->p->notes[n].text);
        any = true;
    }
    if (!any) {
        art_buf_free(&b);
        return ART_OK;
    }
    if (b.failed || !b.data) {
        art_buf_free(&b);
        return nomem(q);
    }
    *memo = art_buf_steal(&b);
    return ART_OK;
}

/* ---- cases --------------------------------------------------------------- */

static const char *const value_elements[][2] = {
    {"TextValue", "Text"},         {"BooleanValue", "Boolean"}, {"IntegerValue", "Integer"},
    {"FloatValue", "Float"},       {"DateValue", "Date"},       {"DateTimeValue", "DateTime"},
};

static art_status parse_value(qparser *q, const xmlNode *vv, art_qda_case *c, size_t *cap)
{
    char buf[72];
    xmlNode *ref = first_child(q, vv, "VariableRef");
    char *id = NULL;
    art_status st = ref ? id_attr(q, ref, "targetGUID", &id) : ART_OK;
    if (st != ART_OK)
        return st;
    long v = id_find(&q->ids, 'v', id);
    free(id);
    if (v < 0)
        return warn(q, "case '%s': a value refers to no variable; ignored",
                    short_name(c->name, buf));
    xmlNode *val = NULL;
    for (size_t i = 0; i < sizeof value_elements / sizeof value_elements[0] && !val; i++)
        val = first_child(q, vv, value_elements[i][0]);
    if (!val)
        return warn(q, "case '%s': a value has no content; ignored", short_name(c->name, buf));
    if (!grow((void **)&c->values, cap, c->nvalues, sizeof *c->values))
        return nomem(q);
    art_qda_value *x = &c->values[c->nvalues++];
    bool bad = false;
    x->name = art_strdup(q->vars[v].name);
    x->type = art_strdup(q->vars[v].type);
    x->value = content(val, &bad);
    return (!x->name || !x->type || bad) ? nomem(q) : ART_OK;
}

static art_status add_ref(qparser *q, const xmlNode *r, char ***arr, size_t *n, size_t *cap)
{
    char *id = NULL;
    art_status st = id_attr(q, r, "targetGUID", &id);
    if (st != ART_OK || !id)
        return st;
    if (!grow((void **)arr, cap, *n, sizeof **arr)) {
        free(id);
        return nomem(q);
    }
    (*arr)[(*n)++] = id;
    return ART_OK;
}

static art_status parse_case(qparser *q, const xmlNode *el, art_qda_case *c)
{
    bool bad = false;
    size_t cap_values = 0, cap_src = 0, cap_sel = 0;
    c->name = attr(el, "name", &bad);
    if (bad)
        return nomem(q);
    xmlNode *d = first_child(q, el, "Description");
    if (d && !(c->description = content(d, &bad)))
        return nomem(q);
    for (xmlNode *k = el->children; k; k = k->next) {
        art_status st = ART_OK;
        if (is_el(q, k, "VariableValue"))
            st = parse_value(q, k, c, &cap_values);
        else if (is_el(q, k, "SourceRef"))
            st = add_ref(q, k, &c->source_guids, &c->nsource_guids, &cap_src);
        else if (is_el(q, k, "SelectionRef"))
            st = add_ref(q, k, &c->selection_guids, &c->nselection_guids, &cap_sel);
        if (st != ART_OK)
            return st;
    }
    if (!c->name && !(c->name = art_strdup(c->guid ? c->guid : "(unnamed)")))
        return nomem(q);
    return ART_OK;
}

static art_status parse_cases(qparser *q, const xmlNode *cases)
{
    art_qda_project *p = q->p;
    for (xmlNode *el = cases ? cases->children : NULL; el; el = el->next) {
        if (!is_el(q, el, "Case"))
            continue;
        art_status st = count_item(q);
        char *guid = NULL;
        bool dup = false;
        if (st == ART_OK)
            st = id_attr(q, el, "guid", &guid);
        if (st == ART_OK)
            st = id_add(q, 'k', guid, (long)p->ncases, &dup);
        if (st != ART_OK) {
            free(guid);
            return st;
        }
        if (dup) {
            free(guid);
            if ((st = warn(q, "duplicate case GUID; the later case is ignored")) != ART_OK)
                return st;
            continue;
        }
        if (!grow((void **)&p->cases, &q->cap_cases, p->ncases, sizeof *p->cases)) {
            free(guid);
            return nomem(q);
        }
        art_qda_case *c = &p->cases[p->ncases++];
        memset(c, 0, sizeof *c);
        c->guid = guid;
        if ((st = parse_case(q, el, c)) != ART_OK)
            return st;
    }
    return ART_OK;
}

/* ---- selections and codings -------------------------------------------- */

static void free_coding(art_qda_coding *c)
{
    free(c->guid);
    free(c->coder);
}

static void free_selection(art_qda_selection *s)
{
    free(s->guid);
    free(s->name);
    free(s->text);
    free(s->coder);
    for (size_t i = 0; i < s->ncodings; i++)
        free_coding(&s->codings[i]);
    free(s->codings);
    free(s->memo);
}

static void free_source(art_qda_source *s)
{
    free(s->guid);
    free(s->name);
    free(s->path);
    free(s->text);
    for (size_t i = 0; i < s->nsels; i++)
        free_selection(&s->sels[i]);
    free(s->sels);
    free(s->memo);
}

/* One Coding into sel (or a warning when it cannot be used). */
static art_status parse_coding(qparser *q, const xmlNode *el, art_qda_selection *sel,
                               size_t *cap, const char *where)
{
    char buf[72];
    char *guid = NULL, *code_id = NULL;
    bool dup = false;
    art_status st = id_attr(q, el, "guid", &guid);
    if (st == ART_OK)
        st = id_add(q, 'g', guid, 0, &dup);
    if (st != ART_OK || dup) {
        free(guid);
        return st != ART_OK ? st
                            : warn(q, "source '%s': duplicate coding GUID; the later coding "
                                      "is ignored", short_name(where, buf));
    }
    xmlNode *ref = first_child(q, el, "CodeRef");
    if (ref && (st = id_attr(q, ref, "targetGUID", &code_id)) != ART_OK) {
        free(guid);
        return st;
    }
    long code = id_find(&q->ids, 'c', code_id);
    free(code_id);
    if (code < 0) {
        free(guid);
        return warn(q, "source '%s': a coding refers to no known code; dropped",
                    short_name(where, buf));
    }
    char *coder = NULL;
    if ((st = user_name(q, el, &coder)) != ART_OK) {
        free(guid);
        return st;
    }
    if (!coder && sel->coder && !(coder = art_strdup(sel->coder))) {
        free(guid);
        return nomem(q);
    }
    if (!grow((void **)&sel->codings, cap, sel->ncodings, sizeof *sel->codings)) {
        free(guid);
        free(coder);
        return nomem(q);
    }
    art_qda_coding *c = &sel->codings[sel->ncodings++];
    c->guid = guid;
    c->code = code;
    c->coder = coder;
    return ART_OK;
}

static bool parse_position(const xmlNode *el, const char *name, long *out)
{
    bool bad = false;
    char *s = attr(el, name, &bad);
    if (!s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (*end == ' ')
        end++;
    bool ok = end != s && *end == '\0' && errno == 0;
    free(s);
    *out = v;
    return ok;
}

/* Check a selection's range against the text: false (with a warning) when
 * it must be skipped; clamps it (with a warning) when it runs past an end. */
static art_status check_range(qparser *q, const art_qda_source *src, long *start, long *end,
                              bool *keep)
{
    char buf[72];
    const char *shown = short_name(src->name, buf);
    *keep = false;
    if (*start > *end)
        return warn(q, "source '%s': a selection starts after it ends; skipped", shown);
    if (*start == *end)
        return warn(q, "source '%s': a zero-length selection codes nothing; skipped", shown);
    if (*start < 0 || *end > src->length) {
        art_status st = warn(q, "source '%s': a selection runs outside the text; clamped",
                             shown);
        if (st != ART_OK)
            return st;
        if (*start < 0)
            *start = 0;
        if (*end > src->length)
            *end = src->length;
        if (*start >= *end)
            return warn(q, "source '%s': a selection lies wholly outside the text; skipped",
                        shown);
    }
    *keep = true;
    return ART_OK;
}

static art_status push_selection(qparser *q, art_qda_source *src, size_t *cap,
                                 art_qda_selection *sel)
{
    if (!grow((void **)&src->sels, cap, src->nsels, sizeof *src->sels)) {
        free_selection(sel);
        return nomem(q);
    }
    src->sels[src->nsels++] = *sel;
    return ART_OK;
}

static art_status fill_selection(qparser *q, const xmlNode *el, const art_qda_source *src,
                                 const cp_map *map, long start, long end,
                                 art_qda_selection *sel)
{
    bool bad = false;
    size_t cap = 0;
    sel->start = start;
    sel->end = end;
    size_t b0 = cp_to_byte(map, start), b1 = cp_to_byte(map, end);
    sel->name = attr(el, "name", &bad);
    sel->text = art_strndup(src->text + b0, b1 - b0);
    if (bad || !sel->text)
        return nomem(q);
    art_status st = user_name(q, el, &sel->coder);
    for (xmlNode *c = el->children; c && st == ART_OK; c = c->next)
        if (is_el(q, c, "Coding"))
            st = parse_coding(q, c, sel, &cap, src->name);
    if (st == ART_OK)
        st = memo_of(q, el, &sel->memo);
    return st;
}

static art_status parse_selection(qparser *q, const xmlNode *el, art_qda_source *src,
                                  const cp_map *map, size_t *cap)
{
    char buf[72];
    art_status st = count_item(q);
    char *guid = NULL;
    bool dup = false, keep;
    if (st == ART_OK)
        st = id_attr(q, el, "guid", &guid);
    if (st == ART_OK)
        st = id_add(q, 'l', guid, 0, &dup);
    if (st != ART_OK || dup) {
        free(guid);
        return st != ART_OK ? st
                            : warn(q, "source '%s': duplicate selection GUID; the later "
                                      "selection is ignored", short_name(src->name, buf));
    }
    long start, end;
    if (!parse_position(el, "startPosition", &start) || !parse_position(el, "endPosition", &end)) {
        free(guid);
        return warn(q, "source '%s': a selection has no readable positions; skipped",
                    short_name(src->name, buf));
    }
    if ((st = check_range(q, src, &start, &end, &keep)) != ART_OK || !keep) {
        free(guid);
        return st;
    }
    art_qda_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.guid = guid;
    if ((st = fill_selection(q, el, src, map, start, end, &sel)) != ART_OK) {
        free_selection(&sel);
        return st;
    }
    return push_selection(q, src, cap, &sel);
}

/* Codings directly under a TextSource code the whole document: they go into
 * one selection spanning the whole text. */
static art_status whole_source_selection(qparser *q, const xmlNode *el, art_qda_source *src,
                                         size_t *cap)
{
    art_qda_selection sel;
    memset(&sel, 0, sizeof sel);
    size_t ccap = 0;
    art_status st = ART_OK;
    for (xmlNode *c = el->children; c && st == ART_OK; c = c->next)
        if (is_el(q, c, "Coding"))
            st = parse_coding(q, c, &sel, &ccap, src->name);
    if (st != ART_OK || sel.ncodings == 0) {
        free_selection(&sel);
        return st;
    }
    if ((st = count_item(q)) != ART_OK) {
        free_selection(&sel);
        return st;
    }
    sel.whole_source = true;
    sel.start = 0;
    sel.end = src->length;
    if (!(sel.text = art_strdup(src->text))) {
        free_selection(&sel);
        return nomem(q);
    }
    return push_selection(q, src, cap, &sel);
}

static size_t count_children(const qparser *q, const xmlNode *el, const char *local)
{
    size_t n = 0;
    for (xmlNode *c = el->children; c; c = c->next)
        n += is_el(q, c, local);
    return n;
}

static art_status parse_selections(qparser *q, const xmlNode *el, art_qda_source *src)
{
    char buf[72];
    size_t nsel = count_children(q, el, "PlainTextSelection");
    size_t ndirect = count_children(q, el, "Coding");
    if (!src->text) {
        if (nsel + ndirect == 0)
            return ART_OK;
        return warn(q, "source '%s': %zu selections and %zu whole-source codings skipped "
                       "because its text could not be read",
                    short_name(src->name, buf), nsel, ndirect);
    }
    cp_map map;
    if (!cp_map_build(&map, src->text, src->length))
        return nomem(q);
    size_t cap = 0;
    art_status st = ART_OK;
    for (xmlNode *c = el->children; c && st == ART_OK; c = c->next)
        if (is_el(q, c, "PlainTextSelection"))
            st = parse_selection(q, c, src, &map, &cap);
    free(map.at);
    if (st == ART_OK && ndirect)
        st = whole_source_selection(q, el, src, &cap);
    return st;
}

/* ---- sources --------------------------------------------------------------- */

/* A source without a name (the qc tool writes none) is called after its
 * file, else its GUID. */
static char *fallback_source_name(const char *path, const char *guid)
{
    if (path) {
        const char *s = path;
        if (prefix_ci(s, "internal://"))
            s += strlen("internal://");
        const char *slash = strrchr(s, '/');
        if (slash)
            s = slash + 1;
        if (*s)
            return art_strdup(s);
    }
    return art_strdup(guid ? guid : "(unnamed)");
}

static art_status parse_text_source(qparser *q, const xmlNode *el)
{
    art_qda_project *p = q->p;
    char *guid = NULL;
    bool dup = false, bad = false;
    art_status st = id_attr(q, el, "guid", &guid);
    if (st == ART_OK)
        st = id_add(q, 's', guid, (long)p->nsources, &dup);
    if (st != ART_OK || dup) {
        free(guid);
        return st != ART_OK ? st
                            : warn(q, "duplicate source GUID; the later source is ignored");
    }
    art_qda_source src;
    memset(&src, 0, sizeof src);
    src.guid = guid;
    src.name = attr(el, "name", &bad);
    if (bad) {
        free_source(&src);
        return nomem(q);
    }
    if (!src.name) {
        char *path = attr(el, "plainTextPath", &bad);
        src.name = fallback_source_name(path, guid);
        free(path);
        if (!src.name) {
            free_source(&src);
            return nomem(q);
        }
    }
    st = load_text(q, el, "source", src.name, &src.path, &src.text, &src.length);
    if (st == ART_OK)
        st = parse_selections(q, el, &src);
    if (st == ART_OK)
        st = memo_of(q, el, &src.memo);
    if (st == ART_OK &&
        !grow((void **)&p->sources, &q->cap_sources, p->nsources, sizeof *p->sources))
        st = nomem(q);
    if (st != ART_OK) {
        free_source(&src);
        return st;
    }
    p->sources[p->nsources++] = src;
    return ART_OK;
}

static const struct {
    const char *element;
    int kind;
} skipped_sources[] = {
    {"PDFSource", SKIP_PDF},
    {"PictureSource", SKIP_PICTURE},
    {"AudioSource", SKIP_AUDIO},
    {"VideoSource", SKIP_VIDEO},
};

static art_status parse_sources(qparser *q, const xmlNode *sources)
{
    for (xmlNode *el = sources ? sources->children : NULL; el; el = el->next) {
        if (el->type != XML_ELEMENT_NODE)
            continue;
        if (is_el(q, el, "TextSource")) {
            art_status st = parse_text_source(q, el);
            if (st != ART_OK)
                return st;
            continue;
        }
        int kind = SKIP_OTHER;
        for (size_t i = 0; i < sizeof skipped_sources / sizeof skipped_sources[0]; i++)
            if (is_el(q, el, skipped_sources[i].element))
                kind = skipped_sources[i].kind;
        q->skipped[kind]++;
    }
    return ART_OK;
}

static art_status report_skipped(qparser *q)
{
    static const char *const what[SKIP_KINDS] = {"PDF", "picture", "audio", "video", "other"};
    for (int k = 0; k < SKIP_KINDS; k++) {
        size_t n = q->skipped[k];
        if (!n)
            continue;
        art_status st = warn(q, "skipped %zu %s source%s (artefact reads text sources only)", n,
                             what[k], n == 1 ? "" : "s");
        if (st != ART_OK)
            return st;
    }
    return ART_OK;
}

/* ---- sets -------------------------------------------------------------------- */

/* Set members name their target by targetGUID (the project schema) or guid
 * (the codebook schema, and some project exports). */
static art_status add_member(qparser *q, const xmlNode *m, char ***arr, size_t *n, size_t *cap)
{
    char *id = NULL;
    art_status st = id_attr(q, m, "targetGUID", &id);
    if (st == ART_OK && !id)
        st = id_attr(q, m, "guid", &id);
    if (st != ART_OK)
        return st;
    if (!id)
        return warn(q, "a set member names no GUID; ignored");
    if (!grow((void **)arr, cap, *n, sizeof **arr)) {
        free(id);
        return nomem(q);
    }
    (*arr)[(*n)++] = id;
    return ART_OK;
}

static art_status parse_set(qparser *q, const xmlNode *el, art_qda_set *s)
{
    bool bad = false;
    size_t cap_codes = 0, cap_sources = 0;
    s->name = attr(el, "name", &bad);
    xmlNode *d = first_child(q, el, "Description");
    if (d)
        s->description = content(d, &bad);
    if (!s->name && !bad)
        s->name = art_strdup(s->guid ? s->guid : "(unnamed)");
    if (bad || !s->name)
        return nomem(q);
    for (xmlNode *m = el->children; m; m = m->next) {
        art_status st = ART_OK;
        if (is_el(q, m, "MemberCode"))
            st = add_member(q, m, &s->member_codes, &s->nmember_codes, &cap_codes);
        else if (is_el(q, m, "MemberSource"))
            st = add_member(q, m, &s->member_sources, &s->nmember_sources, &cap_sources);
        if (st != ART_OK)
            return st;
    }
    return ART_OK;
}

static art_status parse_sets(qparser *q, const xmlNode *sets)
{
    art_qda_project *p = q->p;
    for (xmlNode *el = sets ? sets->children : NULL; el; el = el->next) {
        if (!is_el(q, el, "Set"))
            continue;
        char *guid = NULL;
        bool dup = false;
        art_status st = id_attr(q, el, "guid", &guid);
        if (st == ART_OK)
            st = id_add(q, 't', guid, (long)p->nsets, &dup);
        if (st != ART_OK || dup) {
            free(guid);
            if (st != ART_OK)
                return st;
            if ((st = warn(q, "duplicate set GUID; the later set is ignored")) != ART_OK)
                return st;
            continue;
        }
        if (!grow((void **)&p->sets, &q->cap_sets, p->nsets, sizeof *p->sets)) {
            free(guid);
            return nomem(q);
        }
        art_qda_set *s = &p->sets[p->nsets++];
        memset(s, 0, sizeof *s);
        s->guid = guid;
        if ((st = parse_set(q, el, s)) != ART_OK)
            return st;
    }
    return ART_OK;
}

/* ---- the whole file ------------------------------------------------------- */

void art_qda_project_free(art_qda_project *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->origin);
    for (size_t i = 0; i < p->nusers; i++) {
        free(p->users[i].guid);
        free(p->users[i].name);
    }
    free(p->users);
    for (size_t i = 0; i < p->ncodes; i++) {
        art_qda_code *c = &p->codes[i];
        free(c->guid);
        free(c->name);
        free(c->description);
        free(c->color);
        free(c->path);
    }
    free(p->codes);
    for (size_t i = 0; i < p->ncases; i++) {
        art_qda_case *c = &p->cases[i];
        free(c->guid);
        free(c->name);
        free(c->description);
        for (size_t j = 0; j < c->nvalues; j++) {
            free(c->values[j].name);
            free(c->values[j].type);
            free(c->values[j].value);
        }
        free(c->values);
        for (size_t j = 0; j < c->nsource_guids; j++)
            free(c->source_guids[j]);
        free(c->source_guids);
        for (size_t j = 0; j < c->nselection_guids; j++)
            free(c->selection_guids[j]);
        free(c->selection_guids);
    }
    free(p->cases);
    for (size_t i = 0; i < p->nsources; i++)
        free_source(&p->sources[i]);
    free(p->sources);
    for (size_t i = 0; i < p->nnotes; i++) {
        free(p->notes[i].guid);
        free(p->notes[i].name);
        free(p->notes[i].text);
    }
    free(p->notes);
    for (size_t i = 0; i < p->nsets; i++) {
        art_qda_set *s = &p->sets[i];
        free(s->guid);
        free(s->name);
        free(s->description);
        for (size_t j = 0; j < s->nmember_codes; j++)
            free(s->member_codes[j]);
        free(s->member_codes);
        for (size_t j = 0; j < s->nmember_sources; j++)
            free(s->member_sources[j]);
        free(s->member_sources);
    }
    free(p->sets);
    for (size_t i = 0; i < p->nwarnings; i++)
        free(p->warnings[i]);
    free(p->warnings);
    free(p);
}

static art_status parse_project(qparser *q, const xmlNode *root)
{
    bool bad = false;
    q->p->name = attr(root, "name", &bad);
    q->p->origin = attr(root, "origin", &bad);
    if (bad)
        return nomem(q);
    art_status st = parse_users(q, first_child(q, root, "Users"));
    if (st == ART_OK)
        st = parse_codes(q, first_child(q, first_child(q, root, "CodeBook"), "Codes"), -1, 0);
    if (st == ART_OK)
        st = parse_variables(q, first_child(q, root, "Variables"));
    if (st == ART_OK)
        st = parse_notes(q, first_child(q, root, "Notes"));
    if (st == ART_OK)
        st = parse_cases(q, first_child(q, root, "Cases"));
    if (st == ART_OK)
        st = parse_sources(q, first_child(q, root, "Sources"));
    if (st == ART_OK)
        st = report_skipped(q);
    if (st == ART_OK)
        st = parse_sets(q, first_child(q, root, "Sets"));
    return st;
}

static art_status parse_codebook(qparser *q, const xmlNode *root)
{
    bool bad = false;
    q->p->is_codebook = true;
    q->p->origin = attr(root, "origin", &bad);
    if (bad)
        return nomem(q);
    art_status st = parse_codes(q, first_child(q, root, "Codes"), -1, 0);
    if (st == ART_OK)
        st = parse_sets(q, first_child(q, root, "Sets"));
    return st;
}

static art_status finish_warnings(qparser *q)
{
    if (!q->warn_dropped)
        return ART_OK;
    char line[64];
    snprintf(line, sizeof line, "... and %zu more", q->warn_dropped);
    char *w = art_strdup(line);
    if (!w || !grow((void **)&q->p->warnings, &q->cap_warn, q->p->nwarnings, sizeof(char *))) {
        free(w);
        return nomem(q);
    }
    q->p->warnings[q->p->nwarnings++] = w;
    return ART_OK;
}

static bool root_is(const xmlNode *root, const char *ns, const char *local)
{
    return root && root->type == XML_ELEMENT_NODE && root->ns && root->ns->href &&
           strcmp((const char *)root->ns->href, ns) == 0 &&
           strcmp((const char *)root->name, local) == 0;
}

art_status art_qda_parse_xml(const char *xml, size_t len, const char *name, art_qda_read_fn read,
                             void *ud, art_qda_project **out, art_error *err)
{
    *out = NULL;
    if (!name)
        name = "project";
    if (!xml)
        return art_error_set(err, ART_ERR_USAGE, "%s: no data", name);
    if (len > QDA_MAX_INPUT)
        return art_error_set(err, ART_ERR_LIMIT, "%s: project XML is larger than %zu bytes", name,
                             QDA_MAX_INPUT);
    art_error e;
    art_error_clear(&e);
    xmlDoc *doc = art_xml_parse(xml, len, name, &e);
    if (!doc)
        return art_error_set(err, e.status, "%s", e.message);
    xmlNode *root = xmlDocGetRootElement(doc);
    bool project = root_is(root, NS_PROJECT, "Project");
    bool codebook = root_is(root, NS_CODEBOOK, "CodeBook");
    if (!project && !codebook) {
        xmlFreeDoc(doc);
        return art_error_set(err, ART_ERR_FORMAT, "%s: not a REFI-QDA project or codebook", name);
    }
    qparser q;
    memset(&q, 0, sizeof q);
    q.name = name;
    q.ns = project ? NS_PROJECT : NS_CODEBOOK;
    q.read = read;
    q.ud = ud;
    q.err = err;
    art_status st = ART_OK;
    q.p = calloc(1, sizeof *q.p);
    if (!q.p)
        st = nomem(&q);
    if (st == ART_OK)
        st = project ? parse_project(&q, root) : parse_codebook(&q, root);
    if (st == ART_OK)
        st = finish_warnings(&q);
    xmlFreeDoc(doc);
    id_index_free(&q.ids);
    for (size_t i = 0; i < q.nvars; i++) {
        free(q.vars[i].name);
        free(q.vars[i].type);
    }
    free(q.vars);
    if (st != ART_OK) {
        art_qda_project_free(q.p);
        return st;
    }
    *out = q.p;
    return ART_OK;
}

/* ---- containers ----------------------------------------------------------- */

static bool is_root_qde(const char *entry)
{
    return !strchr(entry, '/') && art_str_ends_with_ci(entry, ".qde");
}

static bool want_qdpx_entry(const char *entry, void *ud)
{
    (void)ud;
    return is_root_qde(entry) || prefix_ci(entry, "sources/");
}

/* The archive's one project file at its root. */
static art_status find_root_qde(const art_zip *z, const char *name, const art_zip_entry **out,
                                art_error *err)
{
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < z->nentries; i++) {
        if (z->entries[i].is_dir || !is_root_qde(z->entries[i].name))
            continue;
        if (!n++)
            *out = &z->entries[i];
    }
    if (n == 0)
        return art_error_set(err, ART_ERR_FORMAT, "%s: no .qde project file at the archive's root",
                             name);
    if (n > 1)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: %zu .qde project files at the archive's root; expected one",
                             name, n);
    if (!(*out)->data)
        return art_error_set(err, ART_ERR_FORMAT, "%s: the project file could not be read", name);
    return ART_OK;
}

static art_status read_from_zip(void *ud, const char *rel, char **data, size_t *len,
                                art_error *err)
{
    const art_zip *z = ud;
    *data = NULL;
    *len = 0;
    art_buf path;
    art_buf_init(&path);
    art_buf_puts(&path, "sources/");
    art_buf_puts(&path, rel);
    if (path.failed)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    const art_zip_entry *e = art_zip_find(z, path.data);
    if (!e) {
        path.data[0] = 'S';
        e = art_zip_find(z, path.data);
    }
    if (!e)
        e = art_zip_find_ci(z, path.data);
    art_buf_free(&path);
    if (!e || e->is_dir || !e->data)
        return art_error_set(err, ART_ERR_NOTFOUND, "no such source file in the archive");
    if (!(*data = malloc(e->len + 1)))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    memcpy(*data, e->data, e->len);
    (*data)[e->len] = '\0';
    *len = e->len;
    return ART_OK;
}

art_status art_qda_parse_qdpx(const void *data, size_t len, const char *name,
                              art_qda_project **out, art_error *err)
{
    *out = NULL;
    if (!name)
        name = "project.qdpx";
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_entry_bytes = QDA_MAX_INPUT;
    art_zip *z = NULL;
    art_status st = art_zip_read(data, len, name, &lim, want_qdpx_entry, NULL, &z, err);
    if (st != ART_OK)
        return st;
    const art_zip_entry *qde;
    st = find_root_qde(z, name, &qde, err);
    if (st == ART_OK)
        st = art_qda_parse_xml((const char *)qde->data, qde->len, name, read_from_zip, z, out,
                               err);
    art_zip_free(z);
    return st;
}

/* Reading beside a .qde on disk: only "<dir>/sources/X" (or Sources/X), and
 * only a plain file name X, so a project cannot point artefact elsewhere. */
typedef struct disk_ctx {
    char *dir;
} disk_ctx;

static art_status read_from_disk(void *ud, const char *rel, char **data, size_t *len,
                                 art_error *err)
{
    const disk_ctx *d = ud;
    *data = NULL;
    *len = 0;
    if (!*rel || strchr(rel, '/') || strchr(rel, '\\') || strstr(rel, ".."))
        return art_error_set(err, ART_ERR_NOTFOUND, "source path refused");
    static const char *const folders[] = {"sources", "Sources"};
    for (size_t i = 0; i < 2; i++) {
        art_buf path;
        art_buf_init(&path);
        art_buf_printf(&path, "%s/%s/%s", d->dir, folders[i], rel);
        if (path.failed)
            return art_error_set(err, ART_ERR_NOMEM, "out of memory");
        struct stat sb;
        art_status st = ART_ERR_NOTFOUND;
        if (stat(path.data, &sb) == 0)
            st = art_read_file(path.data, QDA_MAX_INPUT, data, len, err);
        art_buf_free(&path);
        if (st != ART_ERR_NOTFOUND)
            return st;
    }
    return art_error_set(err, ART_ERR_NOTFOUND, "no such source file");
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return art_strdup(".");
    if (slash == path)
        return art_strdup("/");
    return art_strndup(path, (size_t)(slash - path));
}

art_status art_qda_load_file(const char *path, art_qda_project **out, art_error *err)
{
    *out = NULL;
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
    if (qdpx) {
        st = art_qda_parse_qdpx(data, len, path, out, err);
    } else if (qde) {
        disk_ctx d = {dir_of(path)};
        st = d.dir ? art_qda_parse_xml(data, len, path, read_from_disk, &d, out, err)
                   : art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
        free(d.dir);
    } else {
        st = art_qda_parse_xml(data, len, path, NULL, NULL, out, err);
    }
    free(data);
    return st;
}
