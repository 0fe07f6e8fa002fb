/* Fuzz the zip reader: every entry inflated, so the bounds on sizes, ratios,
 * names and offsets are all exercised. */
#include "fuzz.h"
#include "zip.h"

#include <string.h>

const char art_fuzz_name[] = "zip";

static bool want_all(const char *entry_name, void *ud)
{
    (void)entry_name;
    (void)ud;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Small bounds, so a fuzzer finds the limit paths and never spends its
     * time inflating 64 MiB. */
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_entries = 256;
    lim.max_entry_bytes = 1 << 20;
    lim.max_total_bytes = 4 << 20;
    art_zip *z = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_zip_read(data, size, "fuzz.zip", &lim, want_all, NULL, &z, &err);
    if ((st == ART_OK) != (z != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    if (z) {
        for (size_t i = 0; i < z->nentries; i++)
            if (z->entries[i].data && z->entries[i].data[z->entries[i].len] != '\0')
                __builtin_trap();
        (void)art_zip_find(z, "content.xml");
        (void)art_zip_find_ci(z, "WORD/DOCUMENT.XML");
    }
    art_zip_free(z);
    return 0;
}
