/* Fuzz the ratings CSV reader: whatever it accepts is a valid rating, and
 * whatever it refuses gets one line naming the file. */
#include "fuzz.h"
#include "internal.h"

#include <string.h>

const char art_fuzz_name[] = "ratings";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    art_rating *r = NULL;
    size_t n = 0;
    art_error err;
    art_error_clear(&err);
    art_status st = art_ratings_parse_csv((const char *)data, size, "fuzz.csv", &r, &n, &err);
    if (st != ART_OK && (strchr(err.message, '\n') || strncmp(err.message, "fuzz.csv", 8) != 0))
        __builtin_trap();
    for (size_t i = 0; st == ART_OK && i < n; i++)
        if (r[i].level < 1 || r[i].level > 5 || !r[i].rater || !*r[i].rater ||
            !r[i].dimension || !*r[i].dimension ||
            (r[i].role != ART_ROLE_SELF && r[i].role != ART_ROLE_EXTERNAL))
            __builtin_trap();
    art_ratings_free(r, n);
    return 0;
}
