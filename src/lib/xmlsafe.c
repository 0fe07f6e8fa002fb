/* STUB: hardened libxml2 parsing (owned by the ingest helper). */
#include "internal.h"
void art_xml_init(void) {}
struct _xmlDoc *art_xml_parse(const char *data, size_t len, const char *name, art_error *err)
{ (void)data; (void)len; art_error_set(err, ART_ERR_UNSUPPORTED, "%s: XML not implemented", name); return NULL; }
struct _xmlDoc *art_html_parse(const char *data, size_t len, const char *name, art_error *err)
{ (void)data; (void)len; art_error_set(err, ART_ERR_UNSUPPORTED, "%s: HTML not implemented", name); return NULL; }
