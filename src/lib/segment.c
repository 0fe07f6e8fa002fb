/* STUB: document builder and sentence segmentation (owned by the ingest helper). */
#include "internal.h"
art_status art_doc_builder_init(art_doc_builder *b, const char *format) { (void)b; (void)format; return ART_ERR_UNSUPPORTED; }
art_status art_doc_builder_add(art_doc_builder *b, art_block_kind kind, const char *text, size_t len) { (void)b; (void)kind; (void)text; (void)len; return ART_ERR_UNSUPPORTED; }
void art_doc_builder_set_title(art_doc_builder *b, const char *title, size_t len) { (void)b; (void)title; (void)len; }
art_status art_doc_builder_finish(art_doc_builder *b, art_document **out, art_error *err) { (void)b; *out = NULL; return art_error_set(err, ART_ERR_UNSUPPORTED, "not implemented"); }
void art_doc_builder_abort(art_doc_builder *b) { (void)b; }
void art_document_free(art_document *doc) { (void)doc; }
