/* The CLS codebook of a rubric, for analysts who code interviews in a QDA
 * tool (NVivo, ATLAS.ti, MAXQDA, QualCoder) and then bring the project back
 * into artefact.
 *
 * Layout, per dimension:
 *     <Dimension name>                       folder, not codable
 *         Toward CLS                         folder, not codable
 *             <indicator phrase>             codable, one per indicator
 *         Toward low pole                    folder, not codable
 *             <indicator phrase>             codable
 * The rubric's own <code> patterns (such as "Trust/Toward CLS/ *") then
 * map every coding made with these codes to its dimension and direction,
 * with no configuration.  GUIDs are derived from the rubric id and the code
 * path, so the codebook is the same every time it is generated. */
#include "qda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deterministic GUIDs ----------------------------------------------- */

static int hex_value(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

void art_qda_guid_from(const char *seed, char out[37])
{
    char hex[65];
    const char *s = seed ? seed : "";
    art_sha256_hex(s, strlen(s), hex);
    /* RFC 4122 layout: version nibble 5 (name-based), variant bits 10xx. */
    hex[12] = '5';
    hex[16] = "0123456789abcdef"[(hex_value(hex[16]) & 0x3) | 0x8];
    static const int group[] = {8, 4, 4, 4, 12};
    size_t o = 0, h = 0;
    for (size_t g = 0; g < sizeof group / sizeof group[0]; g++) {
        if (g > 0)
            out[o++] = '-';
        for (int k = 0; k < group[g]; k++)
            out[o++] = hex[h++];
    }
    out[o] = '\0';
}

/* ---- building the codebook --------------------------------------------- */

/* Paul Tol's "muted" scheme plus three from his medium-contrast and light
 * schemes: distinguishable with the common forms of colour blindness.  The
 * dimension's index picks its colour, so colours are stable. */
static const char *const palette[] = {
    "#332288", "#88ccee", "#44aa99", "#117733", "#999933", "#ddcc77",
    "#cc6677", "#882255", "#aa4499", "#6699cc", "#ee8866", "#bbbbbb",
};
#define PALETTE_N (sizeof palette / sizeof palette[0])

typedef struct builder {
    art_qda_project *p;
    size_t cap;
    const art_rubric *r;
    bool oom;
} builder;

static char *join3(const char *a, const char *b, const char *c)
{
    art_buf buf;
    art_buf_init(&buf);
    art_buf_puts(&buf, a ? a : "");
    art_buf_puts(&buf, b ? b : "");
    art_buf_puts(&buf, c ? c : "");
    if (buf.failed) {
        art_buf_free(&buf);
        return NULL;
    }
    return art_buf_steal(&buf);
}

/* Append a code; returns its index, or -1 when out of memory. */
static long add_code(builder *b, long parent, const char *name, const char *description,
                     bool codable, const char *color)
{
    art_qda_project *p = b->p;
    if (p->ncodes == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        art_qda_code *codes = realloc(p->codes, cap * sizeof *codes);
        if (!codes) {
            b->oom = true;
            return -1;
        }
        p->codes = codes;
        b->cap = cap;
    }
    art_qda_code *c = &p->codes[p->ncodes];
    memset(c, 0, sizeof *c);
    p->ncodes++;   /* counted now so that a partial code is freed with the project */
    c->parent = parent;
    c->codable = codable;
    c->name = art_strdup(name);
    c->description = art_strdup(description);
    c->color = art_strdup(color);
    c->path = parent >= 0 ? join3(p->codes[parent].path, "/", name) : art_strdup(name);
    char *seed = join3("cls-codebook:", b->r->id, ":");
    char *seed2 = seed ? join3(seed, c->path, NULL) : NULL;
    c->guid = malloc(37);
    if (c->guid && seed2)
        art_qda_guid_from(seed2, c->guid);
    free(seed);
    free(seed2);
    if (!c->name || !c->path || !c->guid || !seed2 || !c->color ||
        (description && !c->description)) {
        b->oom = true;
        return -1;
    }
    return (long)(p->ncodes - 1);
}

/* The code name for an indicator: wildcard stars removed, white space
 * squashed.  NULL when nothing is left, or out of memory (b->oom). */
static char *indicator_code_name(builder *b, const char *phrase)
{
    char *s = art_strdup(phrase ? phrase : "");
    if (!s) {
        b->oom = true;
        return NULL;
    }
    char *w = s;
    for (const char *q = s; *q; q++)
        if (*q != '*')
            *w++ = *q;
    *w = '\0';
    art_str_squash_space(s);
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

static const char *level_words(art_level lv)
{
    switch (lv) {
    case ART_LEVEL_ARTEFACT:   return "artefacts";
    case ART_LEVEL_ESPOUSED:   return "espoused values";
    case ART_LEVEL_ASSUMPTION: return "underlying assumptions";
    default:                   return "not specified";
    }
}

static char *indicator_description(const art_indicator *ind)
{
    art_buf buf;
    art_buf_init(&buf);
    art_buf_printf(&buf, "Rubric indicator \"%s\", toward the %s. Schein level: %s.",
                   ind->phrase ? ind->phrase : "",
                   ind->direction > 0 ? "CLS value" : "low pole", level_words(ind->level));
    if (ind->provenance)
        art_buf_printf(&buf, " Source: %s.", ind->provenance);
    if (buf.failed) {
        art_buf_free(&buf);
        return NULL;
    }
    return art_buf_steal(&buf);
}

/* True if a child of `parent` already has this name (ignoring ASCII case,
 * as the rubric's code patterns do). */
static bool has_child_named(const art_qda_project *p, long parent, const char *name)
{
    for (size_t i = (size_t)parent + 1; i < p->ncodes; i++)
        if (p->codes[i].parent == parent && art_strcasecmp_ascii(p->codes[i].name, name) == 0)
            return true;
    return false;
}

static void add_indicator_codes(builder *b, const art_dimension *d, long folder, int direction,
                                const char *color)
{
    for (size_t i = 0; i < d->nindicators && !b->oom; i++) {
        const art_indicator *ind = &d->indicators[i];
        if ((ind->direction > 0) != (direction > 0))
            continue;
        char *name = indicator_code_name(b, ind->phrase);
        if (!name)
            continue;
        if (!has_child_named(b->p, folder, name)) {
            char *desc = indicator_description(ind);
            if (!desc)
                b->oom = true;
            else
                add_code(b, folder, name, desc, true, color);
            free(desc);
        }
        free(name);
    }
}

static char *dimension_description(const art_dimension *d)
{
    art_buf buf;
    art_buf_init(&buf);
    if (d->description)
        art_buf_printf(&buf, "%s\n\n", d->description);
    art_buf_printf(&buf, "Low pole: %s\n\nCLS value: %s", d->low_pole ? d->low_pole : "",
                   d->cls_value ? d->cls_value : "");
    if (buf.failed) {
        art_buf_free(&buf);
        return NULL;
    }
    return art_buf_steal(&buf);
}

static void add_dimension(builder *b, size_t di)
{
    const art_dimension *d = &b->r->dims[di];
    const char *color = palette[di % PALETTE_N];
    char *desc = dimension_description(d);
    if (!desc) {
        b->oom = true;
        return;
    }
    long top = add_code(b, -1, d->name ? d->name : d->id, desc, false, color);
    free(desc);
    if (top < 0)
        return;
    long cls = add_code(b, top, "Toward CLS", d->cls_value, false, color);
    if (cls < 0)
        return;
    add_indicator_codes(b, d, cls, +1, color);
    if (b->oom)
        return;
    long low = add_code(b, top, "Toward low pole", d->low_pole, false, color);
    if (low < 0)
        return;
    add_indicator_codes(b, d, low, -1, color);
}

/* Two sets that cut across dimensions: every indicator code toward the CLS
 * value, and every one toward the low pole. */
static void add_direction_set(builder *b, const char *name, const char *description,
                              const char *folder_name)
{
    art_qda_project *p = b->p;
    art_qda_set *s = &p->sets[p->nsets++];
    memset(s, 0, sizeof *s);
    s->name = art_strdup(name);
    s->description = art_strdup(description);
    s->guid = malloc(37);
    char *seed = join3("cls-codebook:", b->r->id, ":set:");
    char *seed2 = seed ? join3(seed, folder_name, NULL) : NULL;
    if (s->guid && seed2)
        art_qda_guid_from(seed2, s->guid);
    free(seed);
    free(seed2);
    size_t n = 0;
    for (size_t i = 0; i < p->ncodes; i++) {
        long par = p->codes[i].parent;
        if (p->codes[i].codable && par >= 0 && strcmp(p->codes[par].name, folder_name) == 0)
            n++;
    }
    s->member_codes = n ? calloc(n, sizeof *s->member_codes) : NULL;
    if (!s->name || !s->description || !s->guid || !seed2 || (n && !s->member_codes)) {
        b->oom = true;
        return;
    }
    for (size_t i = 0; i < p->ncodes; i++) {
        long par = p->codes[i].parent;
        if (p->codes[i].codable && par >= 0 && strcmp(p->codes[par].name, folder_name) == 0) {
            char *g = art_strdup(p->codes[i].guid);
            if (!g) {
                b->oom = true;
                return;
            }
            s->member_codes[s->nmember_codes++] = g;
        }
    }
}

static char *codebook_origin(const art_rubric *r)
{
    art_buf buf;
    art_buf_init(&buf);
    art_buf_printf(&buf, "artefact %s, rubric %s %s", ART_VERSION, r->id ? r->id : "?",
                   r->version ? r->version : "");
    if (buf.failed) {
        art_buf_free(&buf);
        return NULL;
    }
    char *s = art_buf_steal(&buf);
    if (s)
        art_str_squash_space(s);
    return s;
}

art_status art_qda_codebook_from_rubric(const art_rubric *r, art_qda_project **out,
                                        art_error *err)
{
    *out = NULL;
    if (!r || !r->id || r->ndims == 0)
        return art_error_set(err, ART_ERR_USAGE, "codebook: the rubric has no dimensions");
    builder b = {0};
    b.r = r;
    b.p = calloc(1, sizeof *b.p);
    if (!b.p)
        return art_error_set(err, ART_ERR_NOMEM, "codebook for rubric %s: out of memory",
                             r->id);
    b.p->is_codebook = true;
    b.p->origin = codebook_origin(r);
    b.oom = !b.p->origin;
    for (size_t i = 0; i < r->ndims && !b.oom; i++)
        add_dimension(&b, i);
    if (!b.oom) {
        b.p->sets = calloc(2, sizeof *b.p->sets);
        b.oom = !b.p->sets;
    }
    if (!b.oom)
        add_direction_set(&b, "Toward CLS (all dimensions)",
                          "Every indicator code that counts toward a CLS value.", "Toward CLS");
    if (!b.oom)
        add_direction_set(&b, "Toward low pole (all dimensions)",
                          "Every indicator code that counts toward a low pole.",
                          "Toward low pole");
    if (b.oom) {
        art_qda_project_free(b.p);
        return art_error_set(err, ART_ERR_NOMEM, "codebook for rubric %s: out of memory",
                             r->id);
    }
    *out = b.p;
    return ART_OK;
}
