/* STUB: to be written. */
#include "internal.h"
#include "qda.h"
art_status art_qda_codebook_from_rubric(const art_rubric *r, art_qda_project **out, art_error *err) { (void)r; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "not implemented"); }
void art_qda_guid_from(const char *seed, char out[37]) { (void)seed; out[0] = '\0'; }
