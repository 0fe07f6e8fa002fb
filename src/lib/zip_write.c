/* STUB: to be written. */
#include "internal.h"
#include "zip.h"
art_status art_zip_writer_open(const char *path, art_zip_writer **out, art_error *err) { *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", path); }
art_status art_zip_writer_add(art_zip_writer *w, const char *n, const void *d, size_t l, art_error *err) { (void)w; (void)n; (void)d; (void)l; return art_error_set(err, ART_ERR_UNSUPPORTED, "not implemented"); }
art_status art_zip_writer_finish(art_zip_writer *w, art_error *err) { (void)w; return art_error_set(err, ART_ERR_UNSUPPORTED, "not implemented"); }
void art_zip_writer_abort(art_zip_writer *w) { (void)w; }
