/* STUB: to be written. */
#include "internal.h"
#include "zip.h"
art_status art_doc_parse_docx(const char *data, size_t len, const char *name, art_document **out, art_error *err) { (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
art_status art_doc_parse_odt(const char *data, size_t len, const char *name, art_document **out, art_error *err) { (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
