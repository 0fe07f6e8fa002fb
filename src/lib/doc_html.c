/* STUB: HTML (owned by the ingest helper). */
#include "internal.h"
art_status art_doc_parse_html(const char *data, size_t len, const char *name, art_document **out, art_error *err)
{ (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
