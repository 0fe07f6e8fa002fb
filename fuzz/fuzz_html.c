/* Fuzz the HTML parser: any bytes must give a document or a one-line error,
 * never a crash, a leak or undefined behaviour. */
#include "fuzz.h"
#include "internal.h"

#include <string.h>

const char art_fuzz_name[] = "html";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    art_document *doc = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_doc_parse_html((const char *)data, size, "fuzz.html", &doc, &err);
    /* The contract: a document exactly when ART_OK, and an error message
     * that is one line. */
    if ((st == ART_OK) != (doc != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    art_document_free(doc);
    return 0;
}
