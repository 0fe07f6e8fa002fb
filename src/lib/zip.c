/* Reading zip containers (DOCX, ODT, QDPX) held in memory.
 *
 * Two passes.  First artefact walks the zip's own structure itself, with
 * every read bounded by the buffer: the End Of Central Directory record, the
 * central directory, and each entry's local header.  That pass refuses what
 * a careful reader must never act on (unsafe or duplicate names, ZIP64,
 * encryption, methods other than stored/deflate, entries whose data overlap
 * each other or the central directory: the "overlapping entries" bomb) before
 * any inflating happens.  Then libarchive's seekable zip reader, and only
 * that reader, inflates the entries the caller wants, while artefact counts
 * the bytes as they arrive: declared sizes are never trusted, so a deflate
 * bomb or a lying header stops at the limit.  Nothing is written to disk.
 * See docs/dependencies.md. */
#include "zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EOCD_SIG 0x06054b50u
#define CDIR_SIG 0x02014b50u
#define LOCAL_SIG 0x04034b50u
#define ZIP64_LOCATOR_SIG 0x07064b50u
#define EOCD_LEN 22u
#define CDIR_LEN 46u
#define LOCAL_LEN 30u
#define ZIP64_LOCATOR_LEN 20u
/* The EOCD record is followed by a comment of at most 65535 bytes. */
#define EOCD_SEARCH (EOCD_LEN + 65535u)

#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DATA_DESCRIPTOR 0x0008u
#define FLAG_STRONG_ENCRYPTION 0x0040u
#define METHOD_STORED 0u
#define METHOD_DEFLATE 8u

/* Below this many inflated bytes the ratio is not checked: small XML parts
 * legitimately compress 100:1 or better. */
#define RATIO_FLOOR ((size_t)1 << 20)
#define READ_CHUNK ((size_t)64 * 1024)
/* Entry names quoted in error messages are cut to this many bytes. */
#define NAME_QUOTE_MAX 160

void art_zip_limits_default(art_zip_limits *lim)
{
    lim->max_input = (size_t)256 << 20;
    lim->max_entries = 10000;
    lim->max_entry_bytes = (size_t)64 << 20;
    lim->max_total_bytes = (size_t)256 << 20;
    lim->max_ratio = 200.0;
}

/* ---- little-endian fields, always read inside the buffer --------------- */

static unsigned rd16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* What the structural pass learns about one entry, beyond art_zip_entry. */
typedef struct entry_info {
    size_t local_offset;  /* local header, from the central directory */
    size_t span_end;      /* end of the local header plus its compressed data */
    unsigned method;
    unsigned flags;
    uint32_t compressed;
} entry_info;

typedef struct zip_reader {
    const unsigned char *p;
    size_t len;
    const char *name;
    const art_zip_limits *lim;
    art_error *err;
    art_zip *z;
    entry_info *info;
    size_t cd_offset;
    size_t cd_size;
    size_t *by_name;      /* entry indices sorted by name, for lookups */
    size_t *by_offset;    /* entry indices in the order their data lie */
    size_t total_inflated;
} zip_reader;

/* ---- error messages ---------------------------------------------------- */

/* A printable copy of an entry name for an error message: control bytes
 * become '?', so even a hostile name cannot break the one-line rule. */
static void quote_name(const char *n, size_t len, char out[NAME_QUOTE_MAX + 4])
{
    size_t w = 0;
    for (size_t i = 0; i < len && w < NAME_QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)n[i];
        out[w++] = (c < 0x20 || c == 0x7f || c == '\'') ? '?' : (char)c;
    }
    if (w < len)
        memcpy(out + w, "...", 3), w += 3;
    out[w] = '\0';
}

static art_status fail_entry(zip_reader *r, art_status st, const char *what, const char *entry,
                             size_t entry_len)
{
    char q[NAME_QUOTE_MAX + 4];
    quote_name(entry, entry_len, q);
    return art_error_set(r->err, st, "%s: %s (entry '%s')", r->name, what, q);
}

static art_status fail(zip_reader *r, art_status st, const char *what)
{
    return art_error_set(r->err, st, "%s: %s", r->name, what);
}

/* ---- End Of Central Directory -------------------------------------------- */

/* The last EOCD signature whose comment fits in the buffer. */
static bool find_eocd(const unsigned char *p, size_t len, size_t *at)
{
    if (len < EOCD_LEN)
        return false;
    size_t lowest = len > EOCD_SEARCH ? len - EOCD_SEARCH : 0;
    for (size_t i = len - EOCD_LEN + 1; i-- > lowest;) {
        if (rd32(p + i) == EOCD_SIG && i + EOCD_LEN + rd16(p + i + 20) <= len) {
            *at = i;
            return true;
        }
    }
    return false;
}

static art_status read_eocd(zip_reader *r, size_t *count)
{
    size_t e;
    if (!find_eocd(r->p, r->len, &e)) {
        bool looks_zip = r->len >= 4 && rd32(r->p) == LOCAL_SIG;
        return fail(r, ART_ERR_FORMAT,
                    looks_zip ? "truncated zip archive (no end of central directory)"
                              : "not a zip archive");
    }
    const unsigned char *q = r->p + e;
    unsigned disk = rd16(q + 4), cd_disk = rd16(q + 6);
    unsigned on_disk = rd16(q + 8), total = rd16(q + 10);
    uint32_t cd_size = rd32(q + 12), cd_offset = rd32(q + 16);
    /* ZIP64 marks its fields with all-ones and adds a locator before the
     * EOCD.  Office documents never need it, so it is refused, not half-read. */
    if (total == 0xffffu || on_disk == 0xffffu || cd_size == 0xffffffffu ||
        cd_offset == 0xffffffffu ||
        (e >= ZIP64_LOCATOR_LEN && rd32(r->p + e - ZIP64_LOCATOR_LEN) == ZIP64_LOCATOR_SIG))
        return fail(r, ART_ERR_FORMAT, "ZIP64 archives are not supported");
    if (disk != 0 || cd_disk != 0 || on_disk != total)
        return fail(r, ART_ERR_FORMAT, "multi-volume zip archives are not supported");
    if (total > r->lim->max_entries)
        return art_error_set(r->err, ART_ERR_LIMIT, "%s: too many entries (%u, limit %zu)",
                             r->name, total, r->lim->max_entries);
    if ((size_t)cd_offset > e || (size_t)cd_size > e - cd_offset)
        return fail(r, ART_ERR_FORMAT, "truncated zip archive (central directory outside the file)");
    if ((size_t)total * CDIR_LEN > cd_size)
        return fail(r, ART_ERR_FORMAT, "damaged zip archive (central directory too small)");
    r->cd_offset = cd_offset;
    r->cd_size = cd_size;
    *count = total;
    return ART_OK;
}

/* ---- entry names ---------------------------------------------------------- */

/* Why a stored name is unsafe, or NULL.  ".." is refused as a path
 * component ("a..b.txt" is an ordinary name); a drive letter, a leading '/',
 * a backslash or a NUL could all point outside wherever a consumer might put
 * the entry, and control characters could forge messages. */
static const char *unsafe_name_reason(const char *n, size_t len)
{
    if (len == 0)
        return "empty entry name";
    if (memchr(n, '\0', len))
        return "entry name contains a NUL byte";
    if (n[0] == '/')
        return "absolute entry name";
    if (memchr(n, '\\', len))
        return "entry name contains a backslash";
    if (len >= 2 && n[1] == ':' && ((n[0] >= 'A' && n[0] <= 'Z') || (n[0] >= 'a' && n[0] <= 'z')))
        return "entry name starts with a drive letter";
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)n[i] < 0x20 || n[i] == 0x7f)
            return "entry name contains a control character";
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && n[j] != '/')
            j++;
        if (j - i == 2 && n[i] == '.' && n[i + 1] == '.')
            return "entry name contains '..'";
        i = j + 1;
    }
    return NULL;
}

/* ---- central directory ---------------------------------------------------- */

static art_status read_central_record(zip_reader *r, size_t *pos, size_t idx)
{
    size_t end = r->cd_offset + r->cd_size;
    if (end - *pos < CDIR_LEN || rd32(r->p + *pos) != CDIR_SIG)
        return fail(r, ART_ERR_FORMAT, "damaged zip archive (bad central directory record)");
    const unsigned char *q = r->p + *pos;
    size_t nlen = rd16(q + 28), xlen = rd16(q + 30), clen = rd16(q + 32);
    if (end - *pos - CDIR_LEN < nlen + xlen + clen)
        return fail(r, ART_ERR_FORMAT, "damaged zip archive (central directory record overruns)");
    const char *n = (const char *)q + CDIR_LEN;
    const char *why = unsafe_name_reason(n, nlen);
    if (why)
        return fail_entry(r, ART_ERR_FORMAT, why, n, nlen);
    entry_info *inf = &r->info[idx];
    inf->flags = rd16(q + 8);
    inf->method = rd16(q + 10);
    inf->compressed = rd32(q + 20);
    uint32_t uncompressed = rd32(q + 24);
    inf->local_offset = rd32(q + 42);
    if (inf->compressed == 0xffffffffu || uncompressed == 0xffffffffu ||
        inf->local_offset == 0xffffffffu)
        return fail_entry(r, ART_ERR_FORMAT, "ZIP64 entries are not supported", n, nlen);
    if (inf->flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
        return fail_entry(r, ART_ERR_FORMAT, "encrypted entries are not supported", n, nlen);
    if (inf->method != METHOD_STORED && inf->method != METHOD_DEFLATE)
        return fail_entry(r, ART_ERR_FORMAT, "unsupported compression method", n, nlen);
    art_zip_entry *ent = &r->z->entries[idx];
    ent->name = art_strndup(n, nlen);
    if (!ent->name)
        return fail(r, ART_ERR_NOMEM, "out of memory");
    ent->compressed = inf->compressed;
    ent->is_dir = n[nlen - 1] == '/';
    r->z->nentries = idx + 1;
    *pos += CDIR_LEN + nlen + xlen + clen;
    return ART_OK;
}

static art_status read_central_directory(zip_reader *r, size_t count)
{
    size_t pos = r->cd_offset;
    for (size_t i = 0; i < count; i++) {
        art_status st = read_central_record(r, &pos, i);
        if (st != ART_OK)
            return st;
    }
    return ART_OK;
}

static int cmp_entry_names(const void *a, const void *b, void *z)
{
    const art_zip_entry *e = ((const art_zip *)z)->entries;
    return strcmp(e[*(const size_t *)a].name, e[*(const size_t *)b].name);
}

/* Entry indices sorted by some key; qsort_r is not C11, so a plain
 * insertion-free merge sort keeps this portable and O(n log n). */
static void sort_indices(size_t *idx, size_t *tmp, size_t n,
                         int (*cmp)(const void *, const void *, void *), void *ctx)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_indices(idx, tmp, h, cmp, ctx);
    sort_indices(idx + h, tmp, n - h, cmp, ctx);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp(&idx[j], &idx[i], ctx) < 0 ? idx[j++] : idx[i++];
    while (i < h)
        tmp[k++] = idx[i++];
    while (j < n)
        tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

static int cmp_local_offsets(const void *a, const void *b, void *rd)
{
    const entry_info *inf = ((const zip_reader *)rd)->info;
    size_t x = inf[*(const size_t *)a].local_offset, y = inf[*(const size_t *)b].local_offset;
    return (x > y) - (x < y);
}

/* Two entries with one name: which one a consumer gets is undefined, and
 * that ambiguity has been used to show a checker one file and an
 * application another. */
static art_status check_duplicates(zip_reader *r, size_t *idx, size_t *tmp)
{
    size_t n = r->z->nentries;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_indices(idx, tmp, n, cmp_entry_names, r->z);
    for (size_t i = 1; i < n; i++) {
        const char *a = r->z->entries[idx[i - 1]].name, *b = r->z->entries[idx[i]].name;
        if (strcmp(a, b) == 0)
            return fail_entry(r, ART_ERR_FORMAT, "duplicate entry name", b, strlen(b));
    }
    return ART_OK;
}

/* ---- local headers and overlap ---------------------------------------------- */

/* Where the entry's local header and data lie: the header must sit before
 * the central directory, and its data end there at the latest. */
static art_status locate_local_span(zip_reader *r, size_t i)
{
    entry_info *inf = &r->info[i];
    const char *name = r->z->entries[i].name;
    size_t off = inf->local_offset;
    if (off > r->cd_offset || r->cd_offset - off < LOCAL_LEN || rd32(r->p + off) != LOCAL_SIG)
        return fail_entry(r, ART_ERR_FORMAT, "bad local header offset", name, strlen(name));
    const unsigned char *q = r->p + off;
    size_t lnlen = rd16(q + 26), lxlen = rd16(q + 28);
    size_t room = r->cd_offset - off - LOCAL_LEN;
    if (lnlen + lxlen > room || (size_t)inf->compressed > room - lnlen - lxlen)
        return fail_entry(r, ART_ERR_FORMAT,
                          "entry data overlaps the central directory or is truncated", name,
                          strlen(name));
    /* A data descriptor after the data is not counted: its length varies,
     * and no entry's content is read from it. */
    inf->span_end = off + LOCAL_LEN + lnlen + lxlen + inf->compressed;
    return ART_OK;
}

/* The local header must agree with the central directory on name, method
 * and (unless sizes follow the data) compressed size, so libarchive reads
 * exactly the span checked here. */
static art_status check_local_matches(zip_reader *r, size_t i)
{
    const entry_info *inf = &r->info[i];
    const char *name = r->z->entries[i].name;
    size_t nlen = strlen(name);
    const unsigned char *q = r->p + inf->local_offset;
    if (rd16(q + 26) != nlen || memcmp(q + LOCAL_LEN, name, nlen) != 0 ||
        rd16(q + 8) != inf->method ||
        (!(inf->flags & FLAG_DATA_DESCRIPTOR) && rd32(q + 18) != inf->compressed))
        return fail_entry(r, ART_ERR_FORMAT, "local header does not match the central directory",
                          name, nlen);
    return ART_OK;
}

/* Each entry's [local header, end of data) must be disjoint from every
 * other's: overlapping spans let a few kilobytes of deflate stream stand for
 * thousands of entries (the "better zip bomb"). */
static art_status check_local_headers(zip_reader *r, size_t *idx, size_t *tmp)
{
    size_t n = r->z->nentries;
    for (size_t i = 0; i < n; i++) {
        art_status st = locate_local_span(r, i);
        if (st != ART_OK)
            return st;
        idx[i] = i;
    }
    sort_indices(idx, tmp, n, cmp_local_offsets, r);
    for (size_t i = 1; i < n; i++) {
        if (r->info[idx[i]].local_offset < r->info[idx[i - 1]].span_end) {
            const char *b = r->z->entries[idx[i]].name;
            return fail_entry(r, ART_ERR_FORMAT, "overlapping entries", b, strlen(b));
        }
    }
    for (size_t i = 0; i < n; i++) {
        art_status st = check_local_matches(r, i);
        if (st != ART_OK)
            return st;
    }
    return ART_OK;
}

static art_status check_structure(zip_reader *r)
{
    size_t count = 0;
    art_status st = read_eocd(r, &count);
    if (st != ART_OK)
        return st;
    r->z->entries = calloc(count ? count : 1, sizeof *r->z->entries);
    r->info = calloc(count ? count : 1, sizeof *r->info);
    r->by_name = malloc((count ? count : 1) * sizeof *r->by_name);
    r->by_offset = malloc((count ? count : 1) * sizeof *r->by_offset);
    size_t *tmp = malloc((count ? count : 1) * sizeof *tmp);
    if (!r->z->entries || !r->info || !r->by_name || !r->by_offset || !tmp)
        st = fail(r, ART_ERR_NOMEM, "out of memory");
    if (st == ART_OK)
        st = read_central_directory(r, count);
    if (st == ART_OK)
        st = check_duplicates(r, r->by_name, tmp);
    if (st == ART_OK)
        st = check_local_headers(r, r->by_offset, tmp);
    free(tmp);
    return st;
}

/* ---- inflating with libarchive ---------------------------------------------- */

static size_t entry_index(const art_zip *z, const char *name)
{
    for (size_t i = 0; i < z->nentries; i++)
        if (strcmp(z->entries[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

/* The most bytes this entry may inflate to under every limit at once. */
static size_t entry_budget(const zip_reader *r, size_t i)
{
    size_t cap = r->lim->max_entry_bytes;
    size_t left = r->lim->max_total_bytes - r->total_inflated;
    if (left < cap)
        cap = left;
    double comp = r->info[i].compressed ? (double)r->info[i].compressed : 1.0;
    double by_ratio = r->lim->max_ratio * comp;
    if (by_ratio < (double)cap) {
        size_t rb = (size_t)by_ratio;
        cap = rb > RATIO_FLOOR ? rb : (RATIO_FLOOR < cap ? RATIO_FLOOR : cap);
    }
    return cap;
}

/* Which limit `n` inflated bytes broke, for the message. */
static const char *limit_broken(const zip_reader *r, size_t n)
{
    if (n > r->lim->max_entry_bytes)
        return "entry inflates past the size limit";
    if (n > r->lim->max_total_bytes - r->total_inflated)
        return "archive inflates past the total size limit";
    return "compression ratio over the limit (zip bomb?)";
}

static bool grow(unsigned char **buf, size_t *cap, size_t need, size_t budget)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : READ_CHUNK;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > budget + 1)
        ncap = budget + 1;   /* never allocate past the limit */
    unsigned char *nb = realloc(*buf, ncap);
    if (!nb)
        return false;
    *buf = nb;
    *cap = ncap;
    return true;
}

/* Inflate the current entry, counting every byte before keeping it. */
static art_status inflate_entry(zip_reader *r, struct archive *a, size_t i)
{
    art_zip_entry *ent = &r->z->entries[i];
    size_t budget = entry_budget(r, i);
    unsigned char *buf = NULL, *chunk = malloc(READ_CHUNK);
    size_t len = 0, cap = 0;
    art_status st = chunk ? ART_OK : fail(r, ART_ERR_NOMEM, "out of memory");
    while (st == ART_OK) {
        la_ssize_t got = archive_read_data(a, chunk, READ_CHUNK);
        if (got < 0) {
            st = fail_entry(r, ART_ERR_FORMAT, "damaged entry data", ent->name, strlen(ent->name));
            break;
        }
        if (got == 0)
            break;
        if ((size_t)got > budget - len) {
            st = fail_entry(r, ART_ERR_LIMIT, limit_broken(r, len + (size_t)got), ent->name,
                            strlen(ent->name));
            break;
        }
        if (!grow(&buf, &cap, len + (size_t)got + 1, budget)) {
            st = fail(r, ART_ERR_NOMEM, "out of memory");
            break;
        }
        memcpy(buf + len, chunk, (size_t)got);
        len += (size_t)got;
    }
    free(chunk);
    if (st == ART_OK && !grow(&buf, &cap, len + 1, budget))
        st = fail(r, ART_ERR_NOMEM, "out of memory");
    if (st != ART_OK) {
        free(buf);
        return st;
    }
    buf[len] = '\0';
    ent->data = buf;
    ent->len = len;
    r->total_inflated += len;
    return ART_OK;
}

/* libarchive's seekable reader returns entries in the order of their local
 * headers, so the k-th header it gives is by_offset[k].  Its name, when it
 * can give one, must agree; it cannot for non-ASCII names when the process
 * runs in the C locale (it converts names to the locale's charset). */
static size_t match_entry(const zip_reader *r, struct archive_entry *e, size_t k)
{
    if (k >= r->z->nentries)
        return SIZE_MAX;
    size_t i = r->by_offset[k];
    const char *n = archive_entry_pathname_utf8(e);
    if (!n)
        n = archive_entry_pathname(e);
    if (n && strcmp(n, r->z->entries[i].name) != 0)
        return SIZE_MAX;
    return i;
}

static art_status inflate_wanted(zip_reader *r, art_zip_want_fn want, void *ud)
{
    struct archive *a = archive_read_new();
    if (!a)
        return fail(r, ART_ERR_NOMEM, "out of memory");
    art_status st = ART_OK;
    /* Only the seekable zip reader and no filters: libarchive's other
     * formats are attack surface artefact has no use for. */
    if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
        archive_read_support_filter_none(a) != ARCHIVE_OK ||
        archive_read_open_memory(a, r->p, r->len) != ARCHIVE_OK)
        st = fail(r, ART_ERR_FORMAT, "not a readable zip archive");
    size_t k = 0;
    struct archive_entry *e;
    int rc;
    while (st == ART_OK && (rc = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
        /* ARCHIVE_WARN is a name libarchive could not convert: harmless. */
        if (rc < ARCHIVE_WARN) {
            st = fail(r, ART_ERR_FORMAT, "damaged zip archive (unreadable entry header)");
            break;
        }
        size_t i = match_entry(r, e, k++);
        if (i == SIZE_MAX) {
            st = fail(r, ART_ERR_FORMAT,
                      "damaged zip archive (entries do not match the central directory)");
            break;
        }
        if (r->z->entries[i].is_dir || !want || !want(r->z->entries[i].name, ud))
            continue;   /* never inflated: libarchive seeks past it */
        st = inflate_entry(r, a, i);
    }
    if (st == ART_OK && k != r->z->nentries)
        st = fail(r, ART_ERR_FORMAT,
                  "damaged zip archive (entries do not match the central directory)");
    archive_read_free(a);
    return st;
}

/* ---- public API ------------------------------------------------------------ */

art_status art_zip_read(const void *data, size_t len, const char *name,
                        const art_zip_limits *lim, art_zip_want_fn want, void *ud,
                        art_zip **out, art_error *err)
{
    *out = NULL;
    art_zip_limits defaults;
    if (!lim) {
        art_zip_limits_default(&defaults);
        lim = &defaults;
    }
    if (!name)
        name = "(zip)";
    if (!data && len)
        return art_error_set(err, ART_ERR_USAGE, "%s: no data", name);
    if (len > lim->max_input)
        return art_error_set(err, ART_ERR_LIMIT, "%s: zip file too large (%zu bytes, limit %zu)",
                             name, len, lim->max_input);
    zip_reader r = {.p = data, .len = len, .name = name, .lim = lim, .err = err};
    r.z = calloc(1, sizeof *r.z);
    if (!r.z)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", name);
    art_status st = check_structure(&r);
    if (st == ART_OK)
        st = inflate_wanted(&r, want, ud);
    free(r.info);
    free(r.by_name);
    free(r.by_offset);
    if (st != ART_OK) {
        art_zip_free(r.z);
        return st;
    }
    *out = r.z;
    return ART_OK;
}

const art_zip_entry *art_zip_find(const art_zip *z, const char *entry_name)
{
    if (!z || !entry_name)
        return NULL;
    size_t i = entry_index(z, entry_name);
    return i == SIZE_MAX ? NULL : &z->entries[i];
}

const art_zip_entry *art_zip_find_ci(const art_zip *z, const char *entry_name)
{
    if (!z || !entry_name)
        return NULL;
    for (size_t i = 0; i < z->nentries; i++)
        if (art_strcasecmp_ascii(z->entries[i].name, entry_name) == 0)
            return &z->entries[i];
    return NULL;
}

void art_zip_free(art_zip *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->nentries; i++) {
        free(z->entries[i].name);
        free(z->entries[i].data);
    }
    free(z->entries);
    free(z);
}
