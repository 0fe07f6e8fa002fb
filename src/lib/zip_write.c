/* Writing zip containers (QDPX) with libarchive.
 *
 * The archive is written to a temporary file created beside the target (so
 * the final rename stays on one file system and is atomic), mode 0600 since
 * it usually holds interview text, and renamed into place only when every
 * entry and the central directory were written.  Entry metadata is fixed, so
 * the same entries always give the same bytes. */
#include "zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1980-01-02 12:00 UTC: inside the DOS date range in every time zone
 * (libarchive converts to local time for the DOS fields), and fixed so that
 * output does not depend on when it was written. */
#define ZIP_FIXED_MTIME ((time_t)315662400)

struct art_zip_writer {
    struct archive *a;
    int fd;
    char *path;     /* where the archive ends up */
    char *tmp;      /* the temporary file being written */
};

static void writer_free(art_zip_writer *w)
{
    if (!w)
        return;
    if (w->a)
        archive_write_free(w->a);
    if (w->fd >= 0)
        close(w->fd);
    free(w->path);
    free(w->tmp);
    free(w);
}

/* Remove the temporary file and release everything. */
static void writer_discard(art_zip_writer *w)
{
    if (!w)
        return;
    if (w->a) {
        /* archive_write_free closes first, writing the central directory to
         * the temporary file about to be removed; archive_write_fail would
         * skip that but leaks libarchive's compressor state. */
        archive_write_free(w->a);
        w->a = NULL;
    }
    if (w->tmp)
        unlink(w->tmp);
    writer_free(w);
}

static art_status archive_failed(art_zip_writer *w, const char *what, art_error *err)
{
    const char *why = w->a ? archive_error_string(w->a) : NULL;
    return art_error_set(err, ART_ERR_IO, "%s: cannot %s: %s", w->path, what,
                         why ? why : "libarchive error");
}

static art_status make_temp_file(art_zip_writer *w, art_error *err)
{
    size_t n = strlen(w->path);
    w->tmp = malloc(n + sizeof ".XXXXXX");
    if (!w->tmp)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", w->path);
    memcpy(w->tmp, w->path, n);
    memcpy(w->tmp + n, ".XXXXXX", sizeof ".XXXXXX");
    w->fd = mkstemp(w->tmp);
    if (w->fd < 0) {
        int e = errno;
        free(w->tmp);
        w->tmp = NULL;
        return art_error_set(err, ART_ERR_IO, "%s: cannot create a file there: %s", w->path,
                             strerror(e));
    }
    /* mkstemp already uses 0600; say so explicitly in case the libc differs. */
    if (fchmod(w->fd, S_IRUSR | S_IWUSR) != 0) {
        int e = errno;
        return art_error_set(err, ART_ERR_IO, "%s: cannot set permissions: %s", w->path,
                             strerror(e));
    }
    return ART_OK;
}

static art_status open_archive(art_zip_writer *w, art_error *err)
{
    w->a = archive_write_new();
    if (!w->a)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", w->path);
    if (archive_write_set_format_zip(w->a) != ARCHIVE_OK)
        return archive_failed(w, "select the zip format", err);
    if (archive_write_set_options(w->a, "zip:compression=deflate") != ARCHIVE_OK)
        return archive_failed(w, "select deflate compression", err);
    /* No padding to tape blocks: the file is exactly the zip. */
    if (archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK)
        return archive_failed(w, "set block size", err);
    if (archive_write_open_fd(w->a, w->fd) != ARCHIVE_OK)
        return archive_failed(w, "open for writing", err);
    return ART_OK;
}

art_status art_zip_writer_open(const char *path, art_zip_writer **out, art_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return art_error_set(err, ART_ERR_USAGE, "zip writer: no output path");
    art_zip_writer *w = calloc(1, sizeof *w);
    if (!w)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    w->fd = -1;
    w->path = art_strdup(path);
    if (!w->path) {
        free(w);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    }
    art_status st = make_temp_file(w, err);
    if (st == ART_OK)
        st = open_archive(w, err);
    if (st != ART_OK) {
        writer_discard(w);
        return st;
    }
    *out = w;
    return ART_OK;
}

/* The names the reader accepts: relative, no "..", no backslash. */
static bool entry_name_ok(const char *name)
{
    if (!name || !*name || name[0] == '/' || strchr(name, '\\'))
        return false;
    for (const char *p = name; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.') || (n == 1 && p[0] == '.'))
            return false;
        p += n + (slash ? 1 : 0);
        if (slash && !*p)
            return false;
    }
    return true;
}

art_status art_zip_writer_add(art_zip_writer *w, const char *entry_name, const void *data,
                              size_t len, art_error *err)
{
    if (!w || !w->a)
        return art_error_set(err, ART_ERR_USAGE, "zip writer: not open");
    if (!entry_name_ok(entry_name))
        return art_error_set(err, ART_ERR_USAGE, "%s: invalid entry name", w->path);
    if (len > 0 && !data)
        return art_error_set(err, ART_ERR_USAGE, "%s: entry %s has no data", w->path,
                             entry_name);
    struct archive_entry *e = archive_entry_new();
    if (!e)
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", w->path);
    archive_entry_set_pathname(e, entry_name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, ZIP_FIXED_MTIME, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    art_status st = ART_OK;
    if (archive_write_header(w->a, e) != ARCHIVE_OK) {
        st = archive_failed(w, "write an entry header", err);
    } else if (len > 0) {
        la_ssize_t n = archive_write_data(w->a, data, len);
        if (n < 0 || (size_t)n != len)
            st = archive_failed(w, "write entry data", err);
    }
    archive_entry_free(e);
    return st;
}

art_status art_zip_writer_finish(art_zip_writer *w, art_error *err)
{
    if (!w || !w->a) {
        writer_discard(w);
        return art_error_set(err, ART_ERR_USAGE, "zip writer: not open");
    }
    art_status st = ART_OK;
    if (archive_write_close(w->a) != ARCHIVE_OK)
        st = archive_failed(w, "finish the archive", err);
    if (st == ART_OK && fsync(w->fd) != 0)
        st = art_error_set(err, ART_ERR_IO, "%s: cannot flush: %s", w->path, strerror(errno));
    if (st != ART_OK) {
        writer_discard(w);
        return st;
    }
    archive_write_free(w->a);
    w->a = NULL;
    int fd = w->fd;
    w->fd = -1;
    if (close(fd) != 0) {
        st = art_error_set(err, ART_ERR_IO, "%s: cannot close: %s", w->path, strerror(errno));
    } else if (rename(w->tmp, w->path) != 0) {
        st = art_error_set(err, ART_ERR_IO, "%s: cannot rename into place: %s", w->path,
                           strerror(errno));
    } else {
        free(w->tmp);
        w->tmp = NULL;   /* renamed: nothing left to remove */
    }
    writer_discard(w);
    return st;
}

void art_zip_writer_abort(art_zip_writer *w)
{
    writer_discard(w);
}
