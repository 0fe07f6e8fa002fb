/* STUB: to be written. */
#include "internal.h"
#include "qda.h"
art_status art_qda_validate(const char *path, art_qda_problem_fn report, void *ud, art_error *err) { (void)report; (void)ud; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", path); }
art_status art_qda_validate_memory(const char *xml, size_t len, const char *name, bool codebook, art_qda_problem_fn report, void *ud, art_error *err) { (void)xml; (void)len; (void)codebook; (void)report; (void)ud; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
