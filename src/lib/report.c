/* STUB: text, Markdown and JSON reports (owned by the report helper). */
#include "internal.h"
art_status art_report_write(const art_assessment *a, const art_report_opts *opts, FILE *out, art_error *err)
{ (void)a; (void)opts; (void)out; return art_error_set(err, ART_ERR_UNSUPPORTED, "report not implemented"); }
