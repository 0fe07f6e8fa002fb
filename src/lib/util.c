/* Errors, buffers, strings, files, arenas: the small things every part uses. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- errors ------------------------------------------------------- */

art_status art_error_set(art_error *err, art_status st, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        /* One line, always: a message is printed as a single line by the CLI. */
        for (char *p = err->message; *p; p++)
            if (*p == '\n' || *p == '\r')
                *p = ' ';
        err->status = st;
    }
    return st;
}

void art_error_clear(art_error *err)
{
    if (err) {
        err->status = ART_OK;
        err->message[0] = '\0';
    }
}

const char *art_status_name(art_status st)
{
    switch (st) {
    case ART_OK: return "ok";
    case ART_ERR_USAGE: return "usage";
    case ART_ERR_IO: return "io";
    case ART_ERR_FORMAT: return "format";
    case ART_ERR_UNSUPPORTED: return "unsupported";
    case ART_ERR_NOMEM: return "nomem";
    case ART_ERR_STORE: return "store";
    case ART_ERR_PLUGIN: return "plugin";
    case ART_ERR_LIMIT: return "limit";
    case ART_ERR_NOTFOUND: return "notfound";
    }
    return "unknown";
}

/* ---- buffer -------------------------------------------------------- */

void art_buf_init(art_buf *b) { memset(b, 0, sizeof *b); }

void art_buf_free(art_buf *b)
{
    free(b->data);
    art_buf_init(b);
}

void art_buf_reset(art_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

bool art_buf_reserve(art_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void art_buf_append_slow(art_buf *b, const char *s, size_t n)
{
    if (!art_buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void art_buf_puts(art_buf *b, const char *s) { art_buf_append(b, s, strlen(s)); }

void art_buf_printf(art_buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !art_buf_reserve(b, (size_t)n)) {
        if (n < 0)
            b->failed = true;
        va_end(ap2);
        return;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

char *art_buf_steal(art_buf *b)
{
    if (b->failed) {
        art_buf_free(b);
        return NULL;
    }
    if (!b->data) {
        if (!art_buf_reserve(b, 0))
            return NULL;
        b->data[0] = '\0';
    }
    char *s = b->data;
    art_buf_init(b);
    return s;
}

/* ---- strings ------------------------------------------------------- */

char *art_strdup(const char *s)
{
    return s ? art_strndup(s, strlen(s)) : NULL;
}

char *art_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int art_strcasecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

bool art_str_ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && art_strcasecmp_ascii(s + n - m, suffix) == 0;
}

bool art_str_contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return true;
    return false;
}

void art_str_squash_space(char *s)
{
    char *w = s;
    bool space = false;
    for (const char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = (w != s);
            continue;
        }
        if (space) {
            *w++ = ' ';
            space = false;
        }
        *w++ = (char)c;
    }
    *w = '\0';
}

char *art_locator_format(int paragraph, int sentence, long start, long end)
{
    art_buf b;
    art_buf_init(&b);
    /* Humans count from 1; the offsets stay as stored (code points from 0). */
    art_buf_printf(&b, "para %d, sentence %d, chars %ld-%ld", paragraph + 1, sentence + 1,
                   start, end);
    return art_buf_steal(&b);
}

/* ---- files --------------------------------------------------------- */

art_status art_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                         art_error *err)
{
    *data = NULL;
    *len = 0;
    if (max_bytes == 0)
        max_bytes = (size_t)256 << 20;
    FILE *f = fopen(path, "rb");
    if (!f)
        return art_error_set(err, ART_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return art_error_set(err, ART_ERR_IO, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        fclose(f);
        return art_error_set(err, ART_ERR_LIMIT, "%s: file is larger than %zu bytes", path,
                             max_bytes);
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    }
    /* Read until EOF rather than trusting st_size: the file may grow. */
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > max_bytes) {
                free(buf);
                fclose(f);
                return art_error_set(err, ART_ERR_LIMIT, "%s: file is larger than %zu bytes",
                                     path, max_bytes);
            }
            char *p = realloc(buf, cap * 2);
            if (!p) {
                free(buf);
                fclose(f);
                return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return art_error_set(err, ART_ERR_IO, "%s: read error", path);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return ART_OK;
}

/* ---- arena ---------------------------------------------------------- */

typedef struct art_arena_block {
    struct art_arena_block *next;
    size_t used, cap;
    max_align_t data[];
} art_arena_block;

struct art_arena {
    art_arena_block *head;
};

art_arena *art_arena_new(void) { return calloc(1, sizeof(art_arena)); }

void *art_arena_alloc(art_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        art_arena_block *blk = malloc(sizeof *blk + cap);
        if (!blk)
            return NULL;
        blk->next = a->head;
        blk->used = 0;
        blk->cap = cap;
        a->head = blk;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

char *art_arena_strdup(art_arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = art_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void art_arena_reset(art_arena *a)
{
    if (!a || !a->head)
        return;
    /* Keep the newest block for the next round of allocations: a corpus
     * batch refills an arena of about the same size every time. */
    art_arena_block *b = a->head->next;
    while (b) {
        art_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head->next = NULL;
    a->head->used = 0;
}

void art_arena_free(art_arena *a)
{
    if (!a)
        return;
    art_arena_block *b = a->head;
    while (b) {
        art_arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}

double art_seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}
