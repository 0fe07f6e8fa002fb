/* STUB: to be written. */
#include "internal.h"
#include "zip.h"
void art_zip_limits_default(art_zip_limits *lim) { (void)lim; }
art_status art_zip_read(const void *data, size_t len, const char *name, const art_zip_limits *lim, art_zip_want_fn want, void *ud, art_zip **out, art_error *err)
{ (void)data; (void)len; (void)lim; (void)want; (void)ud; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: zip not implemented", name); }
const art_zip_entry *art_zip_find(const art_zip *z, const char *n) { (void)z; (void)n; return NULL; }
const art_zip_entry *art_zip_find_ci(const art_zip *z, const char *n) { (void)z; (void)n; return NULL; }
void art_zip_free(art_zip *z) { (void)z; }
