/* Fuzz the rubric loader: XML, RelaxNG validation and the semantic checks. */
#include "fuzz.h"
#include "internal.h"

#include <string.h>

const char art_fuzz_name[] = "rubric";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    art_rubric *r = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_rubric_load_memory((const char *)data, size, "fuzz.xml", &r, &err);
    if ((st == ART_OK) != (r != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    if (r && r->ndims > 0)
        (void)art_rubric_dimension(r, r->dims[0].id);
    art_rubric_free(r);
    return 0;
}
