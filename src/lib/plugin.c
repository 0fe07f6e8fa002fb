/* STUB: Lua plugin host (owned by the plugin helper). */
#include "internal.h"
#include <string.h>
void art_plugin_limits_default(art_plugin_limits *lim)
{ lim->max_instructions = 200000000LL; lim->max_memory = 64u << 20; lim->max_seconds = 20; lim->max_emits = 1000; lim->max_evidence = 500; }
art_status art_plugin_run(const char *path, const art_rubric *rubric, const art_corpus *corpus, const art_plugin_limits *lim, art_plugin_result *out, art_error *err)
{ (void)rubric; (void)corpus; (void)lim; memset(out, 0, sizeof *out); return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", path); }
art_status art_plugin_run_buffer(const char *code, size_t len, const char *chunkname, const art_rubric *rubric, const art_corpus *corpus, const art_plugin_limits *lim, art_plugin_result *out, art_error *err)
{ (void)code; (void)len; (void)rubric; (void)corpus; (void)lim; memset(out, 0, sizeof *out); return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", chunkname); }
art_status art_plugin_describe(const char *path, const art_plugin_limits *lim, art_plugin_result *out, art_error *err)
{ (void)lim; memset(out, 0, sizeof *out); return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", path); }
void art_plugin_result_clear(art_plugin_result *r) { (void)r; }
