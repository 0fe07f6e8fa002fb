/* STUB: phrase matcher (owned by the plugin helper). */
#include "internal.h"
art_status art_matcher_new(const char *const *phrases, size_t n, art_matcher **out, art_error *err)
{ (void)phrases; (void)n; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "matcher not implemented"); }
void art_matcher_free(art_matcher *m) { (void)m; }
art_status art_matcher_run(const art_matcher *m, const char *text, size_t len, art_match **out, size_t *nout, art_error *err)
{ (void)m; (void)text; (void)len; *out = NULL; *nout = 0; return art_error_set(err, ART_ERR_UNSUPPORTED, "matcher not implemented"); }
