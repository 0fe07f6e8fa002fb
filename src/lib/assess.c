/* STUB */
#include "internal.h"
art_status art_assess(const art_rubric *rubric, const art_corpus *corpus, const char *const *plugin_paths, size_t nplugins, const art_plugin_limits *lim, art_assessment **out, art_error *err)
{ (void)rubric; (void)corpus; (void)plugin_paths; (void)nplugins; (void)lim; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "not implemented"); }
void art_assessment_free(art_assessment *a) { (void)a; }
