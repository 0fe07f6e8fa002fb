/* Fuzz the LIWC dictionary readers (.dic and .dicx): the first byte picks
 * the name the bytes are given, so one corpus covers both formats; a loaded
 * dictionary also scores a short text, exercising its compiled matcher. */
#include "fuzz.h"
#include "dict.h"

#include <string.h>

const char art_fuzz_name[] = "dic";

static const char TEXT[] = "We trust people and we don't ask permission; maybe in theory "
                           "it is kind of anxious, but we are happy to help.";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *name = (data[0] & 1) ? "fuzz.dicx" : "fuzz.dic";
    art_dict *d = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_dict_load_memory((const char *)data + 1, size - 1, name, &d, &err);
    if ((st == ART_OK) != (d != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    if (d) {
        for (size_t i = 0; i < art_dict_ncategories(d); i++) {
            size_t n = 0;
            (void)art_dict_phrases(d, i, &n);
        }
        art_dict_result *r = NULL;
        if (art_dict_score(d, TEXT, sizeof TEXT - 1, &r, &err) == ART_OK)
            art_dict_result_free(r);
        art_dict_free(d);
    }
    return 0;
}
