/* STUB: change stories (owned by the analyses helper). */
#include "internal.h"
bool art_stories_is_story(const char *data, size_t len) { (void)data; (void)len; return false; }
art_status art_stories_parse_markdown(const char *data, size_t len, const char *name, art_story_set **out, art_error *err)
{ (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
art_status art_stories_parse_csv(const char *data, size_t len, const char *name, art_story_set **out, art_error *err)
{ (void)data; (void)len; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "%s: not implemented", name); }
void art_story_set_free(art_story_set *s) { (void)s; }
art_status art_stories_tag(const art_rubric *r, art_story_set *s, art_error *err) { (void)r; (void)s; (void)err; return ART_OK; }
