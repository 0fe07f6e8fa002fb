/* Fuzz the change-story readers: Markdown with front matter, and CSV.  The
 * first byte chooses the reader so one corpus covers both. */
#include "fuzz.h"
#include "internal.h"

#include <string.h>

const char art_fuzz_name[] = "stories";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool csv = data[0] & 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    art_story_set *set = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st;
    if (csv) {
        st = art_stories_parse_csv(text, len, "fuzz.csv", &set, &err);
    } else {
        (void)art_stories_is_story(text, len);
        st = art_stories_parse_markdown(text, len, "fuzz.md", &set, &err);
    }
    if ((st == ART_OK) != (set != NULL) || strchr(err.message, '\n'))
        __builtin_trap();
    art_story_set_free(set);
    return 0;
}
