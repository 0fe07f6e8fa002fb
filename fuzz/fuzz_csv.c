/* Fuzz the coded-interview CSV parser (Taguette, QualCoder, artefact CSV). */
#include "fuzz.h"
#include "internal.h"

#include <string.h>

const char art_fuzz_name[] = "csv";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    art_coded_set *set = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_coded_parse_csv((const char *)data, size, "fuzz.csv", &set, &err);
    if ((st == ART_OK) != (set != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    if (set)
        for (size_t i = 0; i < set->nparticipants; i++)
            (void)art_participant_attr(&set->participants[i], "role");
    art_coded_set_free(set);
    return 0;
}
