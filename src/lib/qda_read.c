/* STUB: to be written. */
#include "internal.h"
#include "qda.h"
void art_qda_project_free(art_qda_project *p) { (void)p; }
art_status art_qda_parse_xml(const char *xml, size_t len, const char *name, art_qda_read_fn read, void *ud, art_qda_project **out, art_error *err) { (void)xml; (void)len; (void)read; (void)ud; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
art_status art_qda_parse_qdpx(const void *data, size_t len, const char *name, art_qda_project **out, art_error *err) { (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
art_status art_qda_load_file(const char *path, art_qda_project **out, art_error *err) { *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", path); }
