/* STUB: CSV exports of coded interviews (owned by the ingest helper). */
#include "csv.h"
art_status art_coded_parse_csv(const char *data, size_t len, const char *name, art_coded_set **out, art_error *err)
{ (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
void art_coded_set_free(art_coded_set *set) { (void)set; }
const char *art_participant_attr(const art_participant_info *p, const char *name) { (void)p; (void)name; return NULL; }
