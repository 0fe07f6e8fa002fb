/* Zip containers (DOCX, ODT, QDPX): reading with every bound checked, and
 * writing.  Internal; not installed.
 *
 * Reading never extracts to disk and never trusts what the archive says
 * about itself: sizes are counted while inflating. */
#ifndef ART_ZIP_H
#define ART_ZIP_H

#include "internal.h"

typedef struct art_zip_limits {
    size_t max_input;        /* bytes of the zip file itself */
    size_t max_entries;      /* entries in the central directory */
    size_t max_entry_bytes;  /* inflated bytes of one entry */
    size_t max_total_bytes;  /* inflated bytes of all entries read */
    double max_ratio;        /* inflated / compressed, per entry (bombs) */
} art_zip_limits;

/* 256 MiB input, 10000 entries, 64 MiB per entry, 256 MiB in all, ratio 200. */
void art_zip_limits_default(art_zip_limits *lim);

typedef struct art_zip_entry {
    char *name;              /* as stored, validated: no "..", no leading '/', no '\\', no NUL */
    unsigned char *data;     /* inflated bytes plus a NUL; NULL when not wanted */
    size_t len;
    size_t compressed;       /* as declared in the central directory */
    bool is_dir;
} art_zip_entry;

typedef struct art_zip {
    art_zip_entry *entries;
    size_t nentries;
} art_zip;

/* Which entries to inflate: return true for the ones the caller needs.
 * The others are still listed and their names checked, but never inflated. */
typedef bool (*art_zip_want_fn)(const char *entry_name, void *ud);

/* Open a zip held in memory.  Fails with ART_ERR_FORMAT (not a zip,
 * truncated, bad entry names, overlapping entries) or ART_ERR_LIMIT (a bound
 * above), with one line naming `name` and the entry involved. */
art_status art_zip_read(const void *data, size_t len, const char *name,
                        const art_zip_limits *lim, art_zip_want_fn want, void *ud,
                        art_zip **out, art_error *err);
/* The entry with this exact name, or NULL; _ci ignores ASCII case. */
const art_zip_entry *art_zip_find(const art_zip *z, const char *entry_name);
const art_zip_entry *art_zip_find_ci(const art_zip *z, const char *entry_name);
void art_zip_free(art_zip *z);

/* Writing: entries are deflated, written to a temporary file beside `path`
 * and renamed into place by art_zip_writer_finish, so a failure never leaves
 * half a file behind. */
typedef struct art_zip_writer art_zip_writer;
art_status art_zip_writer_open(const char *path, art_zip_writer **out, art_error *err);
art_status art_zip_writer_add(art_zip_writer *w, const char *entry_name, const void *data,
                              size_t len, art_error *err);
/* Finish and rename into place; frees w whatever happens. */
art_status art_zip_writer_finish(art_zip_writer *w, art_error *err);
/* Abandon: remove the temporary file; frees w. */
void art_zip_writer_abort(art_zip_writer *w);

/* Office documents (zip + XML): DOCX (word/document.xml, docProps/core.xml)
 * and ODT (content.xml, meta.xml).  Paragraphs, headings, list items and
 * table cells in reading order, the title from the document's properties,
 * tracked deletions left out. */
art_status art_doc_parse_docx(const char *data, size_t len, const char *name,
                              art_document **out, art_error *err);
art_status art_doc_parse_odt(const char *data, size_t len, const char *name,
                             art_document **out, art_error *err);

#endif
