/* STUB: to be written. */
#include "internal.h"
#include "qda.h"
art_status art_qda_write_qde(const art_qda_project *p, art_buf *out, art_error *err) { (void)p; (void)out; return art_error_set(err, ART_ERR_UNSUPPORTED, "not implemented"); }
art_status art_qda_write_qdc(const art_qda_project *p, art_buf *out, art_error *err) { (void)p; (void)out; return art_error_set(err, ART_ERR_UNSUPPORTED, "not implemented"); }
art_status art_qda_write_qdpx(const art_qda_project *p, const char *path, art_error *err) { (void)p; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", path); }
