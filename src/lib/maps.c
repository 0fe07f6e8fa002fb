/* Mapping files a site writes in its own words: voices (match,voice) and
 * codes from other codebooks (pattern,dimension,direction).  Both are small
 * CSV files read with the same RFC 4180 reader as the interview exports. */
#include "csv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAP_MAX_BYTES ((size_t)1 << 20)
#define MAP_MAX_ROWS 10000

/* Column index of each wanted header name (case-insensitive), or an error
 * naming the first one missing. */
static art_status map_header(const art_csv *r, const char *path, const char *const *want,
                             int *idx, int n, art_error *err)
{
    for (int k = 0; k < n; k++) {
        idx[k] = -1;
        for (size_t i = 0; i < r->nfields; i++) {
            char *f = art_strdup(r->fields[i]);
            if (!f)
                return art_error_set(err, ART_ERR_NOMEM, "out of memory");
            art_str_squash_space(f);
            if (art_strcasecmp_ascii(f, want[k]) == 0)
                idx[k] = (int)i;
            free(f);
        }
        if (idx[k] < 0)
            return art_error_set(err, ART_ERR_FORMAT, "%s: no '%s' column in the header", path,
                                 want[k]);
    }
    return ART_OK;
}

/* Read a mapping CSV and call row() for each data record with the wanted
 * columns, trimmed. */
typedef art_status (*map_row_fn)(void *ud, const char *path, long line, char **cols,
                                 art_error *err);

static art_status read_map(const char *path, const char *const *want, int n, map_row_fn row,
                           void *ud, char **text, art_error *err)
{
    char *data;
    size_t len;
    art_status r = art_read_file(path, MAP_MAX_BYTES, &data, &len, err);
    if (r != ART_OK)
        return r;
    art_csv csv;
    if ((r = art_csv_open(&csv, data, len, path, err)) != ART_OK) {
        free(data);
        return r;
    }
    bool eof = false;
    int idx[8];
    r = art_csv_next(&csv, &eof, err);
    if (r == ART_OK && eof)
        r = art_error_set(err, ART_ERR_FORMAT, "%s: empty mapping file", path);
    if (r == ART_OK)
        r = map_header(&csv, path, want, idx, n, err);
    long rows = 0;
    while (r == ART_OK && (r = art_csv_next(&csv, &eof, err)) == ART_OK && !eof) {
        if (++rows > MAP_MAX_ROWS) {
            r = art_error_set(err, ART_ERR_LIMIT, "%s: more than %d rows", path, MAP_MAX_ROWS);
            break;
        }
        char *cols[8] = {0};
        for (int k = 0; k < n && r == ART_OK; k++) {
            const char *v = (size_t)idx[k] < csv.nfields ? csv.fields[idx[k]] : "";
            if (!(cols[k] = art_strdup(v)))
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            else
                art_str_squash_space(cols[k]);
        }
        if (r == ART_OK)
            r = row(ud, path, csv.record_line, cols, err);
        for (int k = 0; k < n; k++)
            free(cols[k]);
    }
    art_csv_close(&csv);
    if (r == ART_OK && text)
        *text = data;
    else
        free(data);
    return r;
}

/* ---- voices ---------------------------------------------------------- */

static art_status voice_row(void *ud, const char *path, long line, char **cols, art_error *err)
{
    art_voice_map *m = ud;
    if (!*cols[0])
        return art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: empty match", path, line);
    art_voice v = art_voice_from_id(cols[1]);
    if (v == ART_VOICE_UNKNOWN)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: line %ld: unknown voice '%.40s' (expected local_authority, "
                             "health, vcs, lived_experience or other)",
                             path, line, cols[1]);
    art_voice_rule *rules = realloc(m->rules, (m->nrules + 1) * sizeof *rules);
    if (!rules)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    m->rules = rules;
    if (!(rules[m->nrules].match = art_strdup(cols[0])))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    rules[m->nrules++].voice = v;
    return ART_OK;
}

art_status art_voice_map_load(const char *path, art_voice_map **out, art_error *err)
{
    static const char *const want[] = {"match", "voice"};
    art_voice_map *m = calloc(1, sizeof *m);
    if (!m)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    art_status r = read_map(path, want, 2, voice_row, m, NULL, err);
    if (r != ART_OK) {
        art_voice_map_free(m);
        m = NULL;
    }
    *out = m;
    return r;
}

void art_voice_map_free(art_voice_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nrules; i++)
        free(m->rules[i].match);
    free(m->rules);
    free(m);
}

static const char *attr_value(const art_attr *attrs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (attrs[i].name && art_strcasecmp_ascii(attrs[i].name, name) == 0)
            return attrs[i].value;
    return NULL;
}

art_voice art_voice_of(const art_voice_map *m, const art_attr *attrs, size_t nattrs)
{
    const char *sector = attr_value(attrs, nattrs, "sector");
    const char *role = attr_value(attrs, nattrs, "role");
    for (size_t k = 0; m && k < m->nrules; k++) {
        const char *match = m->rules[k].match;
        if ((sector && art_str_contains_ci(sector, match)) ||
            (role && art_str_contains_ci(role, match)))
            return m->rules[k].voice;
        for (size_t i = 0; i < nattrs; i++)
            if (attrs[i].value && art_str_contains_ci(attrs[i].value, match))
                return m->rules[k].voice;
    }
    art_voice v = art_voice_classify(role, sector);
    /* No role/sector columns (QDA case variables): try every value. */
    for (size_t i = 0; i < nattrs && (v == ART_VOICE_UNKNOWN || v == ART_VOICE_OTHER); i++) {
        art_voice w = art_voice_classify(attrs[i].value, NULL);
        if (w != ART_VOICE_UNKNOWN && (v == ART_VOICE_UNKNOWN || w != ART_VOICE_OTHER))
            v = w;
    }
    return v;
}

/* ---- codes ----------------------------------------------------------- */

static art_status code_row(void *ud, const char *path, long line, char **cols, art_error *err)
{
    art_rubric *r = ud;
    art_dimension *d = NULL;
    for (size_t i = 0; i < r->ndims && !d; i++)
        if (strcmp(r->dims[i].id, cols[1]) == 0 || art_strcasecmp_ascii(r->dims[i].name, cols[1]) == 0)
            d = &r->dims[i];
    if (!d)
        return art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: unknown dimension '%.40s'", path,
                             line, cols[1]);
    int dir = strcmp(cols[2], "cls") == 0 ? 1 : strcmp(cols[2], "low") == 0 ? -1 : 0;
    if (!dir)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: line %ld: direction must be 'cls' or 'low'", path, line);
    if (!*cols[0])
        return art_error_set(err, ART_ERR_FORMAT, "%s: line %ld: empty pattern", path, line);
    art_code_map *codes = realloc(d->codes, (d->ncodes + 1) * sizeof *codes);
    if (!codes)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    d->codes = codes;
    if (!(codes[d->ncodes].pattern = art_strdup(cols[0])))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    codes[d->ncodes++].direction = dir;
    return ART_OK;
}

art_status art_rubric_add_code_map(art_rubric *r, const char *path, char **text, art_error *err)
{
    static const char *const want[] = {"pattern", "dimension", "direction"};
    if (text)
        *text = NULL;
    return read_map(path, want, 3, code_row, r, text, err);
}
