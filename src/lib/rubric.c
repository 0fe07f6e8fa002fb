/* STUB: rubric loading and validation (owned by the rubric helper). */
#include "internal.h"
art_status art_rubric_load(const char *path, art_rubric **out, art_error *err)
{ *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", path); }
art_status art_rubric_load_memory(const char *data, size_t len, const char *name, art_rubric **out, art_error *err)
{ (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
void art_rubric_free(art_rubric *r) { (void)r; }
const art_dimension *art_rubric_dimension(const art_rubric *r, const char *id) { (void)r; (void)id; return NULL; }
