/* STUB: co-production ladder (owned by the analyses helper). */
#include "internal.h"
#include <string.h>
const char *art_scope_id(art_scope s) { return s == ART_SCOPE_MICRO ? "micro" : s == ART_SCOPE_STRATEGIC ? "strategic" : "unknown"; }
art_status art_ladder_classify(const art_rubric *r, const art_corpus *c, art_ladder *out, art_error *err)
{ (void)r; (void)c; (void)err; memset(out, 0, sizeof *out); return ART_OK; }
void art_ladder_clear(art_ladder *l) { (void)l; }
