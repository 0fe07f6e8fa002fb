/* Change stories (Most Significant Change): read them from Markdown with a
 * small front matter or from a CSV, and tag each with the CLS outcomes it
 * evidences and the route by which the person came in.  The formats are in
 * docs/stories.md.
 *
 * Error messages name the file, the row or the front-matter key, and never
 * quote a value: stories are about real people. */
#include "csv.h"
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A story is a page or two; past these a file is refused, not read. */
#define STORY_MAX_TEXT ((size_t)1 << 20)        /* bytes of story text */
#define FRONT_MAX_BYTES ((size_t)64 << 10)      /* bytes of front matter */
#define STORIES_MAX 10000                       /* stories in one CSV */

static const char *const ROUTE_IDS[] = {"hub", "referral", "worker"};

/* ------------------------------------------------------------------ */
/* Story sets                                                          */
/* ------------------------------------------------------------------ */

static void story_clear(art_story *s)
{
    free(s->id);
    free(s->title);
    free(s->teller);
    free(s->date);
    free(s->text);
    free(s->route);
    for (int k = 0; k <= ART_OUTCOMES; k++)
        free(s->because[k]);
    free(s->source);
    memset(s, 0, sizeof *s);
}

void art_story_set_free(art_story_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        story_clear(&s->stories[i]);
    free(s->stories);
    free(s);
}

/* A fresh zeroed story at the end of the set (owned by the set). */
static art_story *set_push(art_story_set *set, size_t *cap)
{
    if (set->n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        art_story *p = realloc(set->stories, c * sizeof *p);
        if (!p)
            return NULL;
        set->stories = p;
        *cap = c;
    }
    art_story *s = &set->stories[set->n++];
    memset(s, 0, sizeof *s);
    return s;
}

/* ------------------------------------------------------------------ */
/* Values: routes and outcome lists                                    */
/* ------------------------------------------------------------------ */

static const char *route_id(const char *v)
{
    for (size_t i = 0; i < sizeof ROUTE_IDS / sizeof ROUTE_IDS[0]; i++)
        if (art_strcasecmp_ascii(v, ROUTE_IDS[i]) == 0)
            return ROUTE_IDS[i];
    return NULL;
}

/* "3, 2", "[3, 2]", "3 2": outcome numbers 1..ART_OUTCOMES.  Sets the
 * story's declared outcomes; false if any item is not such a number. */
static bool parse_outcomes(const char *v, art_story *s)
{
    const char *p = v;
    while (*p == ' ' || *p == '\t')
        p++;
    bool bracket = *p == '[';
    if (bracket)
        p++;
    int found[ART_OUTCOMES + 1] = {0};
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p || (bracket && *p == ']'))
            break;
        if (*p < '1' || *p > '0' + ART_OUTCOMES || isdigit((unsigned char)p[1]))
            return false;
        found[*p - '0'] = 1;
        p++;
        if (*p && *p != ' ' && *p != '\t' && *p != ',' && *p != ']')
            return false;
    }
    if (bracket) {
        if (*p != ']')
            return false;
        for (p++; *p == ' ' || *p == '\t'; p++)
            ;
        if (*p)
            return false;
    }
    for (int k = 1; k <= ART_OUTCOMES; k++)
        if (found[k] && !s->outcomes[k]) {
            s->because[k] = art_strdup("declared");
            if (!s->because[k])
                return false;
            s->outcomes[k] = 1;
        }
    return true;
}

/* Set a string field from a value (NULL or empty leaves it NULL). */
static bool set_field(char **field, const char *v, size_t n)
{
    free(*field);
    *field = NULL;
    if (!v || n == 0)
        return true;
    *field = art_strndup(v, n);
    if (!*field)
        return false;
    art_str_squash_space(*field);
    if (!**field) {
        free(*field);
        *field = NULL;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Markdown front matter                                               */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *s;
    size_t n;
} span;

/* The line at *pos (without its LF or a CR before it); advances *pos. */
static span next_line(const char *data, size_t len, size_t *pos)
{
    size_t start = *pos, end = start;
    while (end < len && data[end] != '\n')
        end++;
    *pos = end < len ? end + 1 : end;
    size_t n = end - start;
    if (n && data[start + n - 1] == '\r')
        n--;
    return (span){data + start, n};
}

static span trim(span t)
{
    while (t.n && (t.s[0] == ' ' || t.s[0] == '\t'))
        t.s++, t.n--;
    while (t.n && (t.s[t.n - 1] == ' ' || t.s[t.n - 1] == '\t'))
        t.n--;
    return t;
}

static span unquote(span t)
{
    t = trim(t);
    if (t.n >= 2 && (t.s[0] == '"' || t.s[0] == '\'') && t.s[t.n - 1] == t.s[0])
        t = (span){t.s + 1, t.n - 2};
    return t;
}

static bool span_is(span t, const char *lit)
{
    size_t n = strlen(lit);
    return t.n == n && memcmp(t.s, lit, n) == 0;
}

static bool span_is_ci(span t, const char *lit)
{
    size_t n = strlen(lit);
    if (t.n != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)t.s[i]) != tolower((unsigned char)lit[i]))
            return false;
    return true;
}

/* Where the front matter is: its lines lie in data[first..close), the body
 * starts at *body.  False when the file does not open with a "---" line or
 * the block is never closed (then it is no front matter at all). */
static bool find_front_matter(const char *data, size_t len, size_t *first, size_t *close,
                              size_t *body)
{
    size_t pos = art_utf8_bom_len(data, len);
    span open = next_line(data, len, &pos);
    if (!span_is(trim(open), "---") || open.s[0] != '-')
        return false;
    *first = pos;
    while (pos < len) {
        size_t at = pos;
        span t = next_line(data, len, &pos);
        if (t.n && t.s[0] != ' ' && (span_is(trim(t), "---") || span_is(trim(t), "..."))) {
            *close = at;
            *body = pos;
            return true;
        }
    }
    return false;
}

/* Split "key: value" (key case-folded by the caller's comparisons). */
static bool key_value(span line, span *key, span *value)
{
    const char *colon = memchr(line.s, ':', line.n);
    if (!colon || line.s[0] == ' ' || line.s[0] == '\t' || line.s[0] == '#')
        return false;
    *key = trim((span){line.s, (size_t)(colon - line.s)});
    *value = unquote((span){colon + 1, line.n - (size_t)(colon - line.s) - 1});
    return key->n > 0;
}

/* A YAML block list under a key with no value ("outcomes:\n  - 3\n  - 2"):
 * join its items with ", " into buf.  *pos moves past the items. */
static void block_list(const char *data, size_t end, size_t *pos, art_buf *buf)
{
    while (*pos < end) {
        size_t at = *pos;
        span t = trim(next_line(data, end, pos));
        if (t.n == 0 || t.s[0] != '-') {
            *pos = at;
            return;
        }
        span item = unquote((span){t.s + 1, t.n - 1});
        if (buf->len)
            art_buf_puts(buf, ", ");
        art_buf_append(buf, item.s, item.n);
    }
}

/* The type: value of the front matter, if it has one. */
static bool front_matter_type(const char *data, size_t first, size_t close, span *type)
{
    size_t pos = first;
    while (pos < close) {
        span key, value;
        if (key_value(next_line(data, close, &pos), &key, &value) && span_is_ci(key, "type")) {
            *type = value;
            return true;
        }
    }
    return false;
}

static bool is_story_type(span t)
{
    return span_is_ci(t, "change-story") || span_is_ci(t, "story");
}

bool art_stories_is_story(const char *data, size_t len)
{
    if (!data || len == 0)
        return false;
    size_t first, close, body;
    span type;
    return find_front_matter(data, len, &first, &close, &body) && close - first <= FRONT_MAX_BYTES &&
           front_matter_type(data, first, close, &type) && is_story_type(type);
}

/* Apply one front-matter key to the story; unknown keys are ignored so a
 * site can keep its own (consent, site, ...). */
static art_status apply_key(art_story *s, span key, span value, const char *name, art_error *err)
{
    char **field = NULL;
    if (span_is_ci(key, "id"))
        field = &s->id;
    else if (span_is_ci(key, "title"))
        field = &s->title;
    else if (span_is_ci(key, "teller"))
        field = &s->teller;
    else if (span_is_ci(key, "date"))
        field = &s->date;
    if (field)
        return set_field(field, value.s, value.n)
                   ? ART_OK
                   : art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    char *v = art_strndup(value.s, value.n);
    if (!v)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    art_status st = ART_OK;
    if (span_is_ci(key, "route") && v[0]) {
        const char *id = route_id(v);
        free(s->route);
        s->route = id ? art_strdup(id) : NULL;
        if (!id)
            st = art_error_set(err, ART_ERR_FORMAT,
                               "%s: front matter key 'route' must be hub, referral or worker",
                               name);
        else if (!s->route)
            st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    } else if (span_is_ci(key, "outcomes") && !parse_outcomes(v, s)) {
        st = art_error_set(err, ART_ERR_FORMAT,
                           "%s: front matter key 'outcomes' must list outcome numbers 1 to %d",
                           name, ART_OUTCOMES);
    }
    free(v);
    return st;
}

static art_status read_front_matter(const char *data, size_t first, size_t close, art_story *s,
                                    const char *name, art_error *err)
{
    size_t pos = first;
    art_buf list;
    art_buf_init(&list);
    art_status st = ART_OK;
    while (pos < close && st == ART_OK) {
        span key, value;
        if (!key_value(next_line(data, close, &pos), &key, &value))
            continue;
        if (value.n == 0) {
            art_buf_reset(&list);
            block_list(data, close, &pos, &list);
            if (list.failed) {
                st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
                break;
            }
            value = (span){list.data ? list.data : "", list.len};
        }
        st = apply_key(s, key, value, name, err);
    }
    art_buf_free(&list);
    return st;
}

/* ------------------------------------------------------------------ */
/* Markdown body                                                       */
/* ------------------------------------------------------------------ */

/* The story's words without its headings: the first heading is usually the
 * story's title, and a heading is no evidence of an outcome. */
static char *body_text(const art_document *doc)
{
    art_buf b;
    art_buf_init(&b);
    int para = -1;
    for (size_t i = 0; i < doc->nsegs; i++) {
        const art_segment *sg = &doc->segs[i];
        if (sg->block == ART_BLOCK_HEADING)
            continue;
        if (b.len)
            art_buf_puts(&b, sg->paragraph == para ? " " : "\n\n");
        art_buf_puts(&b, sg->text);
        para = sg->paragraph;
    }
    if (!b.failed && !b.data)
        art_buf_puts(&b, "");
    return art_buf_steal(&b);
}

/* "dir/carla.md" -> "carla". */
static char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = (dot && dot != b) ? (size_t)(dot - b) : strlen(b);
    return art_strndup(b, n);
}

static art_status read_body(const char *data, size_t len, art_story *s, const char *name,
                            art_error *err)
{
    if (len > STORY_MAX_TEXT)
        return art_error_set(err, ART_ERR_LIMIT, "%s: story text is larger than %zu bytes", name,
                             STORY_MAX_TEXT);
    art_document *doc = NULL;
    art_error perr;
    art_error_clear(&perr);
    art_status st = len ? art_doc_parse_markdown(data, len, name, &doc, &perr) : ART_ERR_FORMAT;
    if (st == ART_ERR_NOMEM)
        return art_error_set(err, st, "%s: out of memory", name);
    if (st != ART_OK)
        return art_error_set(err, ART_ERR_FORMAT, "%s: change story has no text", name);
    s->text = body_text(doc);
    if (s->text && !s->title && doc->title)
        s->title = art_strdup(doc->title);
    art_document_free(doc);
    if (!s->text)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (!s->text[0])
        return art_error_set(err, ART_ERR_FORMAT, "%s: change story has no text", name);
    return ART_OK;
}

/* The id falls back to the file's name, the title to the first heading and
 * then to the id, so every story can be listed. */
static art_status fill_defaults(art_story *s, const char *name, art_error *err)
{
    if (!s->id)
        s->id = base_name(name);
    if (s->id && !s->title)
        s->title = art_strdup(s->id);
    s->source = art_strdup(name);
    if (!s->id || !s->title || !s->source)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    return ART_OK;
}

static art_status parse_markdown_story(const char *data, size_t len, const char *name,
                                       art_story *s, art_error *err)
{
    art_status st = art_ingest_check_utf8(data, len, name, err);
    if (st != ART_OK)
        return st;
    size_t first, close, body;
    span type;
    if (!find_front_matter(data, len, &first, &close, &body) ||
        !front_matter_type(data, first, close, &type) || !is_story_type(type))
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: not a change story (it needs front matter with "
                             "type: change-story)",
                             name);
    if (close - first > FRONT_MAX_BYTES)
        return art_error_set(err, ART_ERR_LIMIT, "%s: front matter is larger than %zu bytes",
                             name, FRONT_MAX_BYTES);
    st = read_front_matter(data, first, close, s, name, err);
    if (st == ART_OK)
        st = read_body(data + body, len - body, s, name, err);
    if (st == ART_OK)
        st = fill_defaults(s, name, err);
    return st;
}

static art_status new_set(art_story_set **out, const char *name, art_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    return ART_OK;
}

art_status art_stories_parse_markdown(const char *data, size_t len, const char *name,
                                      art_story_set **out, art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "stories: no output pointer");
    *out = NULL;
    if (!name)
        name = "story";
    if (!data && len > 0)
        return art_error_set(err, ART_ERR_USAGE, "%s: no data", name);
    if (!data)
        data = "";
    art_story_set *set = NULL;
    art_status st = new_set(&set, name, err);
    if (st != ART_OK)
        return st;
    size_t cap = 0;
    art_story *s = set_push(set, &cap);
    if (!s)
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    else
        st = parse_markdown_story(data, len, name, s, err);
    if (st != ART_OK) {
        art_story_set_free(set);
        return st;
    }
    *out = set;
    return ART_OK;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

enum { COL_ID, COL_TITLE, COL_TEXT, COL_TELLER, COL_DATE, COL_ROUTE, COL_OUTCOMES, NCOLS };
static const char *const COL_NAMES[NCOLS] = {"id",     "title", "text",    "teller",
                                             "date",   "route", "outcomes"};

/* Column index of each known header name (-1 absent); the first of a
 * repeated name counts. */
static art_status read_header(art_csv *r, long col[NCOLS], const char *name, art_error *err)
{
    for (int k = 0; k < NCOLS; k++)
        col[k] = -1;
    for (size_t i = 0; i < r->nfields; i++) {
        char *h = art_strdup(r->fields[i]);
        if (!h)
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        art_str_squash_space(h);
        for (int k = 0; k < NCOLS; k++)
            if (col[k] < 0 && art_strcasecmp_ascii(h, COL_NAMES[k]) == 0)
                col[k] = (long)i;
        free(h);
    }
    for (int k = COL_ID; k <= COL_TEXT; k++)
        if (col[k] < 0)
            return art_error_set(err, ART_ERR_FORMAT,
                                 "%s: line 1: the header needs the columns id, title and text "
                                 "(no '%s')",
                                 name, COL_NAMES[k]);
    return ART_OK;
}

static const char *field(const art_csv *r, long col, size_t *n)
{
    if (col < 0 || (size_t)col >= r->nfields) {
        *n = 0;
        return "";
    }
    *n = r->lens[col];
    return r->fields[col];
}

static bool id_used(const art_story_set *set, const char *id)
{
    for (size_t i = 0; i + 1 < set->n; i++)
        if (strcmp(set->stories[i].id, id) == 0)
            return true;
    return false;
}

static art_status read_row(const art_csv *r, const long col[NCOLS], art_story *s,
                           const art_story_set *set, const char *name, art_error *err)
{
    long line = r->record_line;
    size_t n;
    const char *v;
    bool ok = true;
    v = field(r, col[COL_ID], &n);
    ok = ok && set_field(&s->id, v, n);
    v = field(r, col[COL_TITLE], &n);
    ok = ok && set_field(&s->title, v, n);
    v = field(r, col[COL_TELLER], &n);
    ok = ok && set_field(&s->teller, v, n);
    v = field(r, col[COL_DATE], &n);
    ok = ok && set_field(&s->date, v, n);
    v = field(r, col[COL_TEXT], &n);
    if (n > STORY_MAX_TEXT)
        return art_error_set(err, ART_ERR_LIMIT, "%s: line %ld: story text is larger than %zu "
                             "bytes", name, line, STORY_MAX_TEXT);
    ok = ok && set_field(&s->text, v, n);
    if (!ok)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (!s->id)
        return art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: story has no id", name, line);
    if (!s->text)
        return art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: story has no text", name, line);
    if (id_used(set, s->id))
        return art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: story id is used twice", name,
                             line);
    v = field(r, col[COL_ROUTE], &n);
    char *route = NULL;
    if (!set_field(&route, v, n))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    const char *rid = route ? route_id(route) : NULL;
    bool bad_route = route && !rid;
    free(route);
    if (bad_route)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: line %ld: 'route' must be hub, referral or worker", name, line);
    if (rid && !(s->route = art_strdup(rid)))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    v = field(r, col[COL_OUTCOMES], &n);
    char *outs = art_strndup(v, n);
    if (!outs)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    bool good = parse_outcomes(outs, s);
    free(outs);
    if (!good)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: line %ld: 'outcomes' must list outcome numbers 1 to %d", name,
                             line, ART_OUTCOMES);
    if (!s->title && !(s->title = art_strdup(s->id)))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (!(s->source = art_strdup(name)))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    return ART_OK;
}

static art_status read_rows(art_csv *r, art_story_set *set, const char *name, art_error *err)
{
    bool eof = false;
    art_status st = art_csv_next(r, &eof, err);
    if (st != ART_OK)
        return st;
    if (eof)
        return art_error_set(err, ART_ERR_FORMAT, "%s: empty file, no header", name);
    long col[NCOLS];
    st = read_header(r, col, name, err);
    size_t cap = 0;
    while (st == ART_OK) {
        st = art_csv_next(r, &eof, err);
        if (st != ART_OK || eof)
            break;
        if (set->n == STORIES_MAX)
            return art_error_set(err, ART_ERR_LIMIT, "%s: more than %d stories", name,
                                 STORIES_MAX);
        art_story *s = set_push(set, &cap);
        if (!s)
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        st = read_row(r, col, s, set, name, err);
    }
    if (st == ART_OK && set->n == 0)
        st = art_error_set(err, ART_ERR_FORMAT, "%s: no stories after the header", name);
    return st;
}

art_status art_stories_parse_csv(const char *data, size_t len, const char *name,
                                 art_story_set **out, art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "stories: no output pointer");
    *out = NULL;
    if (!name)
        name = "stories.csv";
    if (!data && len > 0)
        return art_error_set(err, ART_ERR_USAGE, "%s: no data", name);
    art_csv r;
    art_status st = art_csv_open(&r, data ? data : "", len, name, err);
    if (st != ART_OK)
        return st;
    art_story_set *set = NULL;
    st = new_set(&set, name, err);
    if (st == ART_OK)
        st = read_rows(&r, set, name, err);
    art_csv_close(&r);
    if (st != ART_OK) {
        art_story_set_free(set);
        return st;
    }
    *out = set;
    return ART_OK;
}

/* ------------------------------------------------------------------ */
/* Tagging                                                             */
/* ------------------------------------------------------------------ */

/* What one compiled phrase stands for: outcome k, or a route. */
typedef struct {
    int outcome;            /* 1..ART_OUTCOMES, or 0 for a route */
    const char *route;      /* route id, for routes */
    const char *phrase;
} story_tag;

typedef struct {
    art_matcher *m;
    story_tag *tags;
    size_t ntags;
} story_matcher;

static art_status story_matcher_new(const art_rubric *r, story_matcher *sm, art_error *err)
{
    memset(sm, 0, sizeof *sm);
    size_t n = 0;
    for (size_t i = 0; i < r->noutcomes; i++)
        n += r->outcomes[i].nphrases;
    for (size_t i = 0; i < r->nroutes; i++)
        n += r->routes[i].nphrases;
    if (n == 0)
        return ART_OK;
    sm->tags = calloc(n, sizeof *sm->tags);
    const char **list = calloc(n, sizeof *list);
    if (!sm->tags || !list) {
        free(list);
        free(sm->tags);
        return art_error_set(err, ART_ERR_NOMEM, "stories: out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < r->noutcomes; i++) {
        const art_phrase_group *g = &r->outcomes[i];
        if (g->rank < 1 || g->rank > ART_OUTCOMES)   /* a hand-built rubric may rank badly */
            continue;
        for (size_t p = 0; p < g->nphrases; p++) {
            sm->tags[k] = (story_tag){g->rank, NULL, g->phrases[p]};
            list[k++] = g->phrases[p];
        }
    }
    for (size_t i = 0; i < r->nroutes; i++) {
        const art_phrase_group *g = &r->routes[i];
        for (size_t p = 0; p < g->nphrases; p++) {
            sm->tags[k] = (story_tag){0, g->id, g->phrases[p]};
            list[k++] = g->phrases[p];
        }
    }
    sm->ntags = k;
    art_status st = k ? art_matcher_new(list, k, &sm->m, err) : ART_OK;
    free(list);
    if (st != ART_OK) {
        free(sm->tags);
        sm->tags = NULL;
    }
    return st;
}

/* Tag one story: the first un-negated phrase of each outcome not already
 * set, and the first un-negated route phrase in the text when the story
 * did not declare its route. */
static art_status tag_story(const story_matcher *sm, art_story *s, art_error *err)
{
    if (!s->text)
        return ART_OK;
    art_match *ms = NULL;
    size_t n = 0;
    art_status st = art_matcher_run(sm->m, s->text, strlen(s->text), &ms, &n, err);
    if (st != ART_OK)
        return st;
    bool want_route = s->route == NULL;
    for (size_t i = 0; i < n && st == ART_OK; i++) {
        if (ms[i].negated || ms[i].indicator >= sm->ntags)
            continue;
        const story_tag *t = &sm->tags[ms[i].indicator];
        if (t->outcome && !s->outcomes[t->outcome]) {
            s->because[t->outcome] = art_strdup(t->phrase);
            s->outcomes[t->outcome] = s->because[t->outcome] != NULL;
            if (!s->because[t->outcome])
                st = art_error_set(err, ART_ERR_NOMEM, "stories: out of memory");
        } else if (!t->outcome && want_route && !s->route) {
            s->route = art_strdup(t->route);
            if (!s->route)
                st = art_error_set(err, ART_ERR_NOMEM, "stories: out of memory");
        }
    }
    free(ms);
    return st;
}

art_status art_stories_tag(const art_rubric *r, art_story_set *s, art_error *err)
{
    if (!r || !s)
        return art_error_set(err, ART_ERR_USAGE, "stories: no rubric or story set");
    story_matcher sm;
    art_status st = story_matcher_new(r, &sm, err);
    if (st != ART_OK || !sm.m)
        return st;
    for (size_t i = 0; i < s->n && st == ART_OK; i++)
        st = tag_story(&sm, &s->stories[i], err);
    art_matcher_free(sm.m);
    free(sm.tags);
    return st;
}
