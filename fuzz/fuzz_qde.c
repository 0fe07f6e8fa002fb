/* Fuzz the REFI-QDA project (.qde) reader (XML, no reader for external sources: a
 * project file must never make artefact read other files). */
#include "fuzz.h"
#include "qda.h"

#include <string.h>

const char art_fuzz_name[] = "qde";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    art_qda_project *p = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_qda_parse_xml((const char *)data, size, "fuzz.qde", NULL, NULL, &p, &err);
    if ((st == ART_OK) != (p != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    art_qda_project_free(p);
    return 0;
}
