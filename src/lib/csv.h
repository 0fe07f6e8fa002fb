/* Internal CSV reader (RFC 4180) and small text helpers shared by the
 * ingest parsers (csv.c, doc_text.c, doc_html.c).  Not installed. */
#ifndef ART_CSV_H
#define ART_CSV_H
#include "internal.h"

/* Limits: beyond these a file is refused with ART_ERR_LIMIT rather than read,
 * so a hostile or broken export cannot exhaust memory one field at a time. */
#define ART_CSV_MAX_FIELD (1024u * 1024u)  /* bytes in one field */
#define ART_CSV_MAX_FIELDS 2000u           /* fields in one record */

/* A reader over a caller-owned buffer.  Fields are returned as pointers into
 * the reader's own storage, valid until the next art_csv_next() or
 * art_csv_close(); each is NUL-terminated and its length is given too. */
typedef struct art_csv {
    const char *data;
    size_t len;
    size_t pos;
    const char *name;       /* file name for error messages */
    long line;              /* 1-based line at pos */
    long record_line;       /* line on which the last record started */
    art_buf store;          /* field bytes of the current record, NUL-separated */
    size_t *offs;           /* offset of each field in store */
    size_t *lens;           /* length of each field */
    const char **fields;    /* pointers into store, built at the end of a record */
    size_t nfields;
    size_t cap;
    bool quoted;            /* the current record had a quoted field */
} art_csv;

/* Check the buffer (valid UTF-8, no NUL byte), skip a BOM and prepare to
 * read.  On error the reader needs no close. */
art_status art_csv_open(art_csv *r, const char *data, size_t len, const char *name,
                        art_error *err);
/* Read the next record.  At end of input *eof is set and ART_OK returned.
 * Blank lines are skipped (they are not records). */
art_status art_csv_next(art_csv *r, bool *eof, art_error *err);
void art_csv_close(art_csv *r);

/* ---- text helpers shared by the ingest parsers ---------------------- */

/* ART_OK if data is valid UTF-8 without NUL bytes; otherwise ART_ERR_FORMAT
 * "NAME: not valid UTF-8 text (byte N)" with N the 0-based offset. */
art_status art_ingest_check_utf8(const char *data, size_t len, const char *name,
                                 art_error *err);
/* If s[0..n) starts with an HTML character reference (&amp; &#39; &#x2019;
 * and the common named ones), store its code point and return its length in
 * bytes; otherwise return 0. */
size_t art_entity_match(const char *s, size_t n, unsigned *cp);
/* Plain text of an HTML fragment: tags removed (block-level ones become a
 * space), entities decoded, white space squashed.  malloc'd; NULL on NOMEM. */
char *art_html_fragment_text(const char *s, size_t n);

#endif
