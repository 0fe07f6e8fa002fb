/* Fuzz the REFI-QDA project archive reader (.qdpx: zip + .qde + sources). */
#include "fuzz.h"
#include "qda.h"

#include <string.h>

const char art_fuzz_name[] = "qdpx";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    art_qda_project *p = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_qda_parse_qdpx(data, size, "fuzz.qdpx", &p, &err);
    if ((st == ART_OK) != (p != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    art_qda_project_free(p);
    return 0;
}
