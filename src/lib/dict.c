/* LIWC-format dictionaries: parse .dic and .dicx files, and score texts by
 * the share of their tokens each category covers, with the matched entries
 * as an audit trail.  Matching is the phrase matcher's automaton: one
 * matcher over every entry of a dictionary.
 *
 * Real dictionary files are messy, so the parser tolerates (with a warning
 * where something is lost) BOM, CRLF, Latin-1 bytes, tabs or spaces as
 * separators, comment and blank lines, category labels instead of numbers,
 * LIWC 2007 conditional categories "(02 134)125/464", entries no token can
 * match (emoticons), duplicate entries (their categories merge), unknown
 * categories and over-long lines. */
#include "dict.h"
#include "csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 8192           /* bytes; longer lines are skipped */
#define MAX_FILE (256u * 1024u * 1024u)

typedef struct {
    char *text;                 /* matcher phrase: words separated by one space */
    size_t *cats;               /* sorted, unique */
    size_t ncats;
    long line;
} dict_entry;

struct art_dict {
    char *name;
    char **cats;                /* category names, in header order */
    long *cat_nums;             /* LIWC numbers (.dic); column number (.dicx) */
    size_t ncats;
    dict_entry *entries;
    size_t nentries, entries_cap;
    uint32_t *eslots;           /* entry index + 1 by folded text; 0 empty */
    size_t eslots_cap;
    const char ***phrases;      /* per category */
    size_t *nphrases;
    char **warnings;
    size_t nwarnings;
    size_t dropped;             /* warnings past the bound */
    art_matcher *matcher;
};

/* ---- warnings --------------------------------------------------------- */

static void dict_warn(art_dict *d, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void dict_warn(art_dict *d, long line, const char *fmt, ...)
{
    if (d->nwarnings >= ART_DICT_MAX_WARNINGS - 1) {
        d->dropped++;
        return;
    }
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    art_buf b;
    art_buf_init(&b);
    art_buf_printf(&b, "%s:%ld: %s", d->name, line, msg);
    char *w = art_buf_steal(&b);
    if (!w) {
        d->dropped++;
        return;
    }
    d->warnings[d->nwarnings++] = w;
}

static void dict_warn_finish(art_dict *d)
{
    if (!d->dropped)
        return;
    art_buf b;
    art_buf_init(&b);
    art_buf_printf(&b, "%s: %zu more warning%s not shown", d->name, d->dropped,
                   d->dropped == 1 ? "" : "s");
    char *w = art_buf_steal(&b);
    if (w)
        d->warnings[d->nwarnings++] = w;
}

/* ---- categories --------------------------------------------------------- */

static size_t category_by_number(const art_dict *d, long num)
{
    for (size_t i = 0; i < d->ncats; i++)
        if (d->cat_nums[i] == num)
            return i;
    return (size_t)-1;
}

size_t art_dict_find_category(const art_dict *d, const char *name)
{
    for (size_t i = 0; d && name && i < d->ncats; i++)
        if (art_strcasecmp_ascii(d->cats[i], name) == 0)
            return i;
    return (size_t)-1;
}

static art_status add_category(art_dict *d, long num, const char *name, size_t n,
                               art_error *err)
{
    char **c = realloc(d->cats, (d->ncats + 1) * sizeof *c);
    if (c)
        d->cats = c;
    long *nums = realloc(d->cat_nums, (d->ncats + 1) * sizeof *nums);
    if (nums)
        d->cat_nums = nums;
    char *copy = art_strndup(name, n);
    if (!c || !nums || !copy) {
        free(copy);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
    }
    d->cats[d->ncats] = copy;
    d->cat_nums[d->ncats++] = num;
    return ART_OK;
}

/* ---- entries ------------------------------------------------------------ */

static uint64_t hash_text(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ULL;
    return h;
}

static size_t entry_lookup(const art_dict *d, const char *text)
{
    if (!d->eslots_cap)
        return (size_t)-1;
    size_t i = hash_text(text) & (d->eslots_cap - 1);
    for (; d->eslots[i]; i = (i + 1) & (d->eslots_cap - 1))
        if (art_strcasecmp_ascii(d->entries[d->eslots[i] - 1].text, text) == 0)
            return d->eslots[i] - 1;
    return (size_t)-1;
}

static void entry_slot_place(art_dict *d, size_t idx)
{
    size_t i = hash_text(d->entries[idx].text) & (d->eslots_cap - 1);
    while (d->eslots[i])
        i = (i + 1) & (d->eslots_cap - 1);
    d->eslots[i] = (uint32_t)idx + 1;
}

static bool entry_slots_grow(art_dict *d)
{
    size_t cap = d->eslots_cap ? d->eslots_cap * 2 : 256;
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s)
        return false;
    free(d->eslots);
    d->eslots = s;
    d->eslots_cap = cap;
    for (size_t k = 0; k < d->nentries; k++)
        entry_slot_place(d, k);
    return true;
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Add categories to an entry, keeping them sorted and unique. */
static bool entry_add_cats(dict_entry *e, const size_t *cats, size_t n)
{
    size_t *v = realloc(e->cats, (e->ncats + n + 1) * sizeof *v);
    if (!v)
        return false;
    e->cats = v;
    memcpy(v + e->ncats, cats, n * sizeof *v);
    size_t total = e->ncats + n, k = 0;
    qsort(v, total, sizeof *v, size_cmp);
    for (size_t i = 0; i < total; i++)
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    e->ncats = k;
    return true;
}

/* Record an entry (text already squashed) with its categories; a repeat
 * merges into the first. */
static art_status add_entry(art_dict *d, const char *text, const size_t *cats, size_t ncats,
                            long line, art_error *err)
{
    size_t prev = entry_lookup(d, text);
    if (prev != (size_t)-1) {
        dict_warn(d, line, "duplicate entry (first on line %ld); categories merged",
                  d->entries[prev].line);
        if (!entry_add_cats(&d->entries[prev], cats, ncats))
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
        return ART_OK;
    }
    if (d->nentries == d->entries_cap) {
        size_t cap = d->entries_cap ? d->entries_cap * 2 : 64;
        dict_entry *p = realloc(d->entries, cap * sizeof *p);
        if (!p)
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
        d->entries = p;
        d->entries_cap = cap;
    }
    if ((d->nentries + 1) * 2 > d->eslots_cap && !entry_slots_grow(d))
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
    dict_entry *e = &d->entries[d->nentries];
    *e = (dict_entry){art_strdup(text), NULL, 0, line};
    if (!e->text || !entry_add_cats(e, cats, ncats)) {
        free(e->text);
        free(e->cats);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
    }
    entry_slot_place(d, d->nentries++);
    return ART_OK;
}

/* True when the entry is words the matcher can find; warns otherwise. */
static bool entry_matchable(art_dict *d, const char *text, long line)
{
    bool only_stars = true;
    for (const char *s = text; *s; s++)
        if (*s != '*' && *s != ' ')
            only_stars = false;
    if (only_stars) {
        dict_warn(d, line, "entry of '*' alone would match every word; skipped");
        return false;
    }
    art_error e;
    if (art_matcher_check_phrase(text, &e) == ART_OK)
        return true;
    if (e.status == ART_ERR_NOMEM)
        dict_warn(d, line, "out of memory checking entry; skipped");
    else if (strstr(e.message, "more than"))
        dict_warn(d, line, "entry has more than 16 words; skipped");
    else
        dict_warn(d, line, "entry has no letters or digits (an emoticon?) and cannot match; "
                           "skipped");
    return false;
}

/* ---- .dic parsing ------------------------------------------------------- */

typedef struct {
    const char *s;
    size_t n;
} span;

static bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

static span trim(span x)
{
    while (x.n && is_blank_char(x.s[0])) {
        x.s++;
        x.n--;
    }
    while (x.n && is_blank_char(x.s[x.n - 1]))
        x.n--;
    return x;
}

static bool is_percent_line(span x)
{
    x = trim(x);
    return x.n == 1 && x.s[0] == '%';
}

static bool is_comment_or_blank(span x)
{
    x = trim(x);
    return x.n == 0 || x.s[0] == '#' || (x.n >= 2 && x.s[0] == '/' && x.s[1] == '/');
}

static bool all_digits(span x)
{
    if (x.n == 0 || x.n > 9)
        return false;
    for (size_t i = 0; i < x.n; i++)
        if (!isdigit((unsigned char)x.s[i]))
            return false;
    return true;
}

static long span_long(span x)
{
    long v = 0;
    for (size_t i = 0; i < x.n; i++)
        v = v * 10 + (x.s[i] - '0');
    return v;
}

/* Next category reference in x from *pos: a run of non-blanks, or a LIWC
 * 2007 conditional "(02 134)125/464" taken whole. */
static bool next_ref(span x, size_t *pos, span *ref)
{
    size_t i = *pos;
    while (i < x.n && is_blank_char(x.s[i]))
        i++;
    if (i >= x.n)
        return false;
    size_t j = i;
    if (x.s[j] == '(') {
        while (j < x.n && x.s[j] != ')')
            j++;
        if (j < x.n)
            j++;
    }
    while (j < x.n && !is_blank_char(x.s[j]))
        j++;
    *ref = (span){x.s + i, j - i};
    *pos = j;
    return true;
}

/* The part of a conditional reference to use: after "/" if there is one
 * (the category when the condition does not hold), else after ")". */
static span conditional_default(span r)
{
    size_t close = 0;
    while (close < r.n && r.s[close] != ')')
        close++;
    span tail = {r.s + close + (close < r.n), r.n - close - (close < r.n)};
    for (size_t i = 0; i < tail.n; i++)
        if (tail.s[i] == '/')
            return (span){tail.s + i + 1, tail.n - i - 1};
    return tail;
}

static bool is_category_ref(const art_dict *d, span r)
{
    if (r.n && r.s[0] == '(')
        return true;
    if (all_digits(r))
        return true;
    char buf[128];
    if (r.n >= sizeof buf)
        return false;
    memcpy(buf, r.s, r.n);
    buf[r.n] = '\0';
    return art_dict_find_category(d, buf) != (size_t)-1;
}

/* Resolve one reference to a category index, warning when it cannot be. */
static size_t resolve_ref(art_dict *d, span r, long line)
{
    if (r.n && r.s[0] == '(') {
        dict_warn(d, line, "conditional category; its default is used");
        r = conditional_default(r);
    }
    if (all_digits(r)) {
        size_t c = category_by_number(d, span_long(r));
        if (c == (size_t)-1)
            dict_warn(d, line, "unknown category number %ld; skipped", span_long(r));
        return c;
    }
    char buf[128];
    if (r.n == 0 || r.n >= sizeof buf) {
        dict_warn(d, line, "unreadable category reference; skipped");
        return (size_t)-1;
    }
    memcpy(buf, r.s, r.n);
    buf[r.n] = '\0';
    size_t c = art_dict_find_category(d, buf);
    if (c == (size_t)-1)
        dict_warn(d, line, "unknown category label; skipped");
    return c;
}

/* Entry words squashed to single spaces, malloc'd. */
static char *squash(span x)
{
    char *s = art_strndup(x.s, x.n);
    if (s)
        art_str_squash_space(s);
    return s;
}

/* Split an entry line into its entry text and category references.  With a
 * tab the entry is the first field (it may hold spaces: "kind of"); without
 * one, the trailing words that are category references are categories. */
static void split_entry_line(const art_dict *d, span line, span *entry, span *refs)
{
    const char *tab = memchr(line.s, '\t', line.n);
    if (tab) {
        *entry = trim((span){line.s, (size_t)(tab - line.s)});
        *refs = (span){tab + 1, line.n - (size_t)(tab + 1 - line.s)};
        return;
    }
    /* Walk the references from the left and remember where the trailing
     * run of references starts; the first word is always entry. */
    size_t pos = 0, run_start = line.n;
    span r;
    bool first = true;
    while (next_ref(line, &pos, &r)) {
        bool ref = !first && is_category_ref(d, r);
        if (!ref)
            run_start = line.n;
        else if (run_start == line.n)
            run_start = (size_t)(r.s - line.s);
        first = false;
    }
    *entry = trim((span){line.s, run_start});
    *refs = (span){line.s + run_start, line.n - run_start};
}

static art_status parse_entry_line(art_dict *d, span line, long lineno, art_error *err)
{
    span entry, refs;
    split_entry_line(d, line, &entry, &refs);
    if (entry.n == 0) {
        dict_warn(d, lineno, "line without an entry; skipped");
        return ART_OK;
    }
    size_t cats[64], ncats = 0, pos = 0;
    span r;
    while (next_ref(refs, &pos, &r)) {
        size_t c = resolve_ref(d, r, lineno);
        if (c != (size_t)-1 && ncats < sizeof cats / sizeof *cats)
            cats[ncats++] = c;
    }
    if (ncats == 0) {
        dict_warn(d, lineno, "entry has no known category; skipped");
        return ART_OK;
    }
    char *text = squash(entry);
    if (!text)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
    art_status st = ART_OK;
    if (entry_matchable(d, text, lineno))
        st = add_entry(d, text, cats, ncats, lineno, err);
    free(text);
    return st;
}

static art_status parse_category_line(art_dict *d, span line, long lineno, art_error *err)
{
    size_t pos = 0;
    span num, name;
    if (!next_ref(line, &pos, &num) || !all_digits(num) || !next_ref(line, &pos, &name))
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s:%ld: category line needs a number and a name", d->name,
                             lineno);
    long n = span_long(num);
    if (category_by_number(d, n) != (size_t)-1)
        return art_error_set(err, ART_ERR_FORMAT, "%s:%ld: category number %ld repeated",
                             d->name, lineno, n);
    if (name.n >= 128)
        return art_error_set(err, ART_ERR_FORMAT, "%s:%ld: category name too long", d->name,
                             lineno);
    return add_category(d, n, name.s, name.n, err);
}

typedef enum { BEFORE_HEADER, IN_HEADER, IN_ENTRIES } dic_phase;

static art_status parse_dic(art_dict *d, const char *data, size_t len, art_error *err)
{
    dic_phase phase = BEFORE_HEADER;
    long lineno = 0;
    size_t pos = art_utf8_bom_len(data, len);
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        span line = {data + pos, end - pos};
        pos = end + 1;
        lineno++;
        if (line.n && line.s[line.n - 1] == '\r')
            line.n--;
        if (line.n > MAX_LINE) {
            dict_warn(d, lineno, "line longer than %d bytes; skipped", MAX_LINE);
            continue;
        }
        bool percent = is_percent_line(line);
        if (!percent && is_comment_or_blank(line))
            continue;
        art_status st = ART_OK;
        if (phase == BEFORE_HEADER) {
            if (!percent)
                return art_error_set(err, ART_ERR_FORMAT,
                                     "%s:%ld: expected a '%%' line opening the category list",
                                     d->name, lineno);
            phase = IN_HEADER;
        } else if (phase == IN_HEADER) {
            if (percent)
                phase = IN_ENTRIES;
            else
                st = parse_category_line(d, line, lineno, err);
        } else if (percent) {
            dict_warn(d, lineno, "stray '%%' line; skipped");
        } else {
            st = parse_entry_line(d, line, lineno, err);
        }
        if (st != ART_OK)
            return st;
    }
    if (phase == BEFORE_HEADER)
        return art_error_set(err, ART_ERR_FORMAT, "%s: no '%%' line: not a LIWC dictionary",
                             d->name);
    if (phase == IN_HEADER)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s: the category list is not closed by a '%%' line", d->name);
    return ART_OK;
}

/* ---- .dicx parsing ------------------------------------------------------ */

static span field_span(const art_csv *r, size_t k)
{
    return trim((span){r->fields[k], r->lens[k]});
}

static art_status dicx_header(art_dict *d, const art_csv *r, art_error *err)
{
    if (r->nfields < 2)
        return art_error_set(err, ART_ERR_FORMAT,
                             "%s:%ld: header needs an entry column and at least one category",
                             d->name, r->record_line);
    for (size_t k = 1; k < r->nfields; k++) {
        span name = field_span(r, k);
        if (name.n == 0 || name.n >= 128)
            return art_error_set(err, ART_ERR_FORMAT,
                                 "%s:%ld: category name in column %zu is empty or too long",
                                 d->name, r->record_line, k + 1);
        char buf[128];
        memcpy(buf, name.s, name.n);
        buf[name.n] = '\0';
        if (art_dict_find_category(d, buf) != (size_t)-1)
            return art_error_set(err, ART_ERR_FORMAT,
                                 "%s:%ld: category in column %zu repeats an earlier one",
                                 d->name, r->record_line, k + 1);
        art_status st = add_category(d, (long)k, name.s, name.n, err);
        if (st != ART_OK)
            return st;
    }
    return ART_OK;
}

static bool is_mark(span v)
{
    return v.n == 1 && (v.s[0] == 'X' || v.s[0] == 'x' || v.s[0] == '1');
}

static art_status dicx_row(art_dict *d, const art_csv *r, art_error *err)
{
    long line = r->record_line;
    span entry = field_span(r, 0);
    if (entry.n == 0) {
        dict_warn(d, line, "row without an entry; skipped");
        return ART_OK;
    }
    if (r->nfields > d->ncats + 1)
        dict_warn(d, line, "more columns than the header; extra ones ignored");
    size_t cats[64], ncats = 0;
    for (size_t k = 1; k < r->nfields && k <= d->ncats; k++) {
        span v = field_span(r, k);
        if (v.n == 0)
            continue;
        if (!is_mark(v)) {
            dict_warn(d, line, "column %zu holds something other than X; ignored", k + 1);
            continue;
        }
        if (ncats < sizeof cats / sizeof *cats)
            cats[ncats++] = k - 1;
    }
    if (ncats == 0) {
        dict_warn(d, line, "entry has no category marked; skipped");
        return ART_OK;
    }
    char *text = squash(entry);
    if (!text)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
    art_status st = ART_OK;
    if (entry_matchable(d, text, line))
        st = add_entry(d, text, cats, ncats, line, err);
    free(text);
    return st;
}

static art_status parse_dicx(art_dict *d, const char *data, size_t len, art_error *err)
{
    art_csv r;
    art_status st = art_csv_open(&r, data, len, d->name, err);
    if (st != ART_OK)
        return st;
    bool header = true, eof = false;
    while (st == ART_OK) {
        st = art_csv_next(&r, &eof, err);
        if (st != ART_OK || eof)
            break;
        if (header) {
            st = dicx_header(d, &r, err);
            header = false;
        } else {
            st = dicx_row(d, &r, err);
        }
    }
    art_csv_close(&r);
    if (st == ART_OK && header)
        return art_error_set(err, ART_ERR_FORMAT, "%s: empty file: no header row", d->name);
    return st;
}

/* ---- loading ------------------------------------------------------------ */

void art_dict_free(art_dict *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ncats; i++) {
        free(d->cats[i]);
        if (d->phrases)
            free((void *)d->phrases[i]);
    }
    free(d->cats);
    free(d->cat_nums);
    free(d->phrases);
    free(d->nphrases);
    for (size_t i = 0; i < d->nentries; i++) {
        free(d->entries[i].text);
        free(d->entries[i].cats);
    }
    free(d->entries);
    free(d->eslots);
    for (size_t i = 0; i < d->nwarnings; i++)
        free(d->warnings[i]);
    free(d->warnings);
    art_matcher_free(d->matcher);
    free(d->name);
    free(d);
}

/* Per-category phrase lists, in file order. */
static bool build_category_phrases(art_dict *d)
{
    d->phrases = calloc(d->ncats + 1, sizeof *d->phrases);
    d->nphrases = calloc(d->ncats + 1, sizeof *d->nphrases);
    if (!d->phrases || !d->nphrases)
        return false;
    for (size_t i = 0; i < d->nentries; i++)
        for (size_t k = 0; k < d->entries[i].ncats; k++)
            d->nphrases[d->entries[i].cats[k]]++;
    for (size_t c = 0; c < d->ncats; c++) {
        d->phrases[c] = malloc((d->nphrases[c] + 1) * sizeof *d->phrases[c]);
        if (!d->phrases[c])
            return false;
        d->nphrases[c] = 0;
    }
    for (size_t i = 0; i < d->nentries; i++)
        for (size_t k = 0; k < d->entries[i].ncats; k++) {
            size_t c = d->entries[i].cats[k];
            d->phrases[c][d->nphrases[c]++] = d->entries[i].text;
        }
    return true;
}

static art_status compile_matcher(art_dict *d, art_error *err)
{
    if (d->nentries == 0)
        return art_error_set(err, ART_ERR_FORMAT, "%s: no usable entries", d->name);
    const char **texts = malloc(d->nentries * sizeof *texts);
    if (!texts)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", d->name);
    for (size_t i = 0; i < d->nentries; i++)
        texts[i] = d->entries[i].text;
    art_error merr;
    art_status st = art_matcher_new(texts, d->nentries, &d->matcher, &merr);
    free(texts);
    if (st != ART_OK)
        return art_error_set(err, st, "%s: %s", d->name, merr.message);
    return ART_OK;
}

/* Bytes that are not UTF-8 are read as Latin-1 (older LIWC files). */
static char *latin1_to_utf8(const char *data, size_t len)
{
    art_buf b;
    art_buf_init(&b);
    art_buf_reserve(&b, len + len / 4 + 1);
    for (size_t i = 0; i < len; i++) {
        char enc[4];
        size_t k = art_utf8_encode((unsigned char)data[i], enc);
        art_buf_append(&b, enc, k);
    }
    if (b.failed) {
        art_buf_free(&b);
        return NULL;
    }
    return art_buf_steal(&b);
}

static bool is_dicx(const char *name, const char *data, size_t len)
{
    if (art_str_ends_with_ci(name, ".dicx"))
        return true;
    if (art_str_ends_with_ci(name, ".dic"))
        return false;
    /* By content: a .dic starts with a '%' line; a .dicx with a CSV header. */
    size_t i = art_utf8_bom_len(data, len);
    while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
        i++;
    return i < len && data[i] != '%';
}

art_status art_dict_load_memory(const char *data, size_t len, const char *name,
                                art_dict **out, art_error *err)
{
    *out = NULL;
    if (!name)
        name = "dictionary";
    if (!data && len > 0)
        return art_error_set(err, ART_ERR_USAGE, "%s: no data", name);
    if (memchr(data ? data : "", '\0', len))
        return art_error_set(err, ART_ERR_FORMAT, "%s: binary file (NUL byte)", name);
    art_dict *d = calloc(1, sizeof *d);
    if (!d || !(d->name = art_strdup(name)) ||
        !(d->warnings = calloc(ART_DICT_MAX_WARNINGS, sizeof *d->warnings))) {
        art_dict_free(d);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    }
    char *converted = NULL;
    if (!art_utf8_valid(data ? data : "", len)) {
        converted = latin1_to_utf8(data, len);
        if (!converted) {
            art_dict_free(d);
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
        }
        dict_warn(d, 1, "not UTF-8; read as Latin-1");
        data = converted;
        len = strlen(converted);
    }
    art_status st = is_dicx(name, data ? data : "", len) ? parse_dicx(d, data, len, err)
                                                          : parse_dic(d, data ? data : "", len, err);
    free(converted);
    if (st == ART_OK)
        st = compile_matcher(d, err);
    if (st == ART_OK && !build_category_phrases(d))
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    if (st != ART_OK) {
        art_dict_free(d);
        return st;
    }
    dict_warn_finish(d);
    *out = d;
    return ART_OK;
}

art_status art_dict_load(const char *path, art_dict **out, art_error *err)
{
    *out = NULL;
    if (!path)
        return art_error_set(err, ART_ERR_USAGE, "dictionary path missing");
    FILE *f = fopen(path, "rb");
    if (!f)
        return art_error_set(err, ART_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    art_buf b;
    art_buf_init(&b);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= MAX_FILE)
        art_buf_append(&b, chunk, k);
    bool read_error = ferror(f) != 0;
    fclose(f);
    art_status st;
    if (read_error)
        st = art_error_set(err, ART_ERR_IO, "%s: read error", path);
    else if (b.failed)
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    else if (b.len > MAX_FILE)
        st = art_error_set(err, ART_ERR_LIMIT, "%s: larger than %u MB", path,
                           MAX_FILE / (1024u * 1024u));
    else
        st = art_dict_load_memory(b.data ? b.data : "", b.len, path, out, err);
    art_buf_free(&b);
    return st;
}

/* ---- accessors ---------------------------------------------------------- */

size_t art_dict_ncategories(const art_dict *d) { return d ? d->ncats : 0; }

const char *art_dict_category(const art_dict *d, size_t i)
{
    return d && i < d->ncats ? d->cats[i] : NULL;
}

size_t art_dict_nentries(const art_dict *d) { return d ? d->nentries : 0; }

const char *art_dict_entry(const art_dict *d, size_t i)
{
    return d && i < d->nentries ? d->entries[i].text : NULL;
}

const size_t *art_dict_entry_categories(const art_dict *d, size_t i, size_t *n)
{
    *n = 0;
    if (!d || i >= d->nentries)
        return NULL;
    *n = d->entries[i].ncats;
    return d->entries[i].cats;
}

const char *const *art_dict_phrases(const art_dict *d, size_t category, size_t *n)
{
    *n = 0;
    if (!d || category >= d->ncats)
        return NULL;
    *n = d->nphrases[category];
    return d->phrases[category];
}

size_t art_dict_nwarnings(const art_dict *d) { return d ? d->nwarnings : 0; }

const char *art_dict_warning(const art_dict *d, size_t i)
{
    return d && i < d->nwarnings ? d->warnings[i] : NULL;
}

const art_matcher *art_dict_matcher(const art_dict *d) { return d ? d->matcher : NULL; }

/* ---- scoring ------------------------------------------------------------ */

/* Which of two entries matching at the same start counts: more tokens, then
 * an exact last word over a wildcard, then the longer entry, then the first
 * in the file. */
static bool better_entry(const art_dict *d, size_t a, size_t na, size_t b, size_t nb)
{
    if (na != nb)
        return na > nb;
    const char *ta = d->entries[a].text, *tb = d->entries[b].text;
    size_t la = strlen(ta), lb = strlen(tb);
    bool wa = la && ta[la - 1] == '*', wb = lb && tb[lb - 1] == '*';
    if (wa != wb)
        return !wa;
    if (la != lb)
        return la > lb;
    return a < b;
}

void art_dict_result_free(art_dict_result *r)
{
    if (!r)
        return;
    free(r->matched);
    free(r->share);
    free(r->hits);
    free(r);
}

/* Pick, left to right, the best match at each start not covered by the
 * previous pick. */
static bool choose_hits(const art_dict *d, const art_match_ex *v, size_t n,
                        art_dict_result *r)
{
    r->hits = malloc((n + 1) * sizeof *r->hits);
    if (!r->hits)
        return false;
    long covered = -1;
    for (size_t i = 0; i < n;) {
        size_t j = i, best = i;
        size_t best_tok = art_matcher_phrase_tokens(d->matcher, v[i].m.indicator);
        for (j = i + 1; j < n && v[j].m.start == v[i].m.start; j++) {
            size_t t = art_matcher_phrase_tokens(d->matcher, v[j].m.indicator);
            if (better_entry(d, v[j].m.indicator, t, v[best].m.indicator, best_tok)) {
                best = j;
                best_tok = t;
            }
        }
        if (v[i].m.start >= covered) {
            r->hits[r->nhits++] =
                (art_dict_hit){v[best].m.indicator, v[best].m.start, v[best].m.end, best_tok};
            covered = v[best].m.end;
        }
        i = j;
    }
    return true;
}

art_status art_dict_score(const art_dict *d, const char *text, size_t len,
                          art_dict_result **out, art_error *err)
{
    *out = NULL;
    if (!d || (!text && len > 0))
        return art_error_set(err, ART_ERR_USAGE, "dictionary score without dictionary or text");
    art_dict_result *r = calloc(1, sizeof *r);
    if (!r)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory scoring", d->name);
    r->ncategories = d->ncats;
    r->matched = calloc(d->ncats + 1, sizeof *r->matched);
    r->share = calloc(d->ncats + 1, sizeof *r->share);
    art_match_ex *v = NULL;
    size_t n = 0;
    art_status st = !r->matched || !r->share
                        ? art_error_set(err, ART_ERR_NOMEM, "%s: out of memory scoring", d->name)
                        : art_matcher_scan(d->matcher, text ? text : "", len, &v, &n,
                                           &r->tokens, err);
    if (st == ART_OK && !choose_hits(d, v, n, r))
        st = art_error_set(err, ART_ERR_NOMEM, "%s: out of memory scoring", d->name);
    free(v);
    if (st != ART_OK) {
        art_dict_result_free(r);
        return st;
    }
    for (size_t h = 0; h < r->nhits; h++) {
        const dict_entry *e = &d->entries[r->hits[h].entry];
        for (size_t k = 0; k < e->ncats; k++)
            r->matched[e->cats[k]] += r->hits[h].ntokens;
    }
    for (size_t c = 0; c < d->ncats; c++)
        r->share[c] = r->tokens ? (double)r->matched[c] / (double)r->tokens : 0.0;
    *out = r;
    return ART_OK;
}
