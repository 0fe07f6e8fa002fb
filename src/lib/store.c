/* STUB */
#include "internal.h"
void art_corpus_free(art_corpus *c) { (void)c; }
