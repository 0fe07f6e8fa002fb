/* The domain vocabulary: Schein levels, voices, facets, block kinds. */
#include "internal.h"

#include <ctype.h>
#include <string.h>

const char *art_level_id(art_level lv)
{
    switch (lv) {
    case ART_LEVEL_ARTEFACT: return "artefact";
    case ART_LEVEL_ESPOUSED: return "espoused";
    case ART_LEVEL_ASSUMPTION: return "assumption";
    default: return "none";
    }
}

art_level art_level_from_id(const char *id)
{
    if (!id) return ART_LEVEL_NONE;
    if (strcmp(id, "artefact") == 0) return ART_LEVEL_ARTEFACT;
    if (strcmp(id, "espoused") == 0) return ART_LEVEL_ESPOUSED;
    if (strcmp(id, "assumption") == 0) return ART_LEVEL_ASSUMPTION;
    return ART_LEVEL_NONE;
}

static const char *const voice_ids[ART_VOICE_COUNT] = {
    "unknown", "local_authority", "health", "vcs", "lived_experience", "other"};
static const char *const voice_names[ART_VOICE_COUNT] = {
    "Unknown", "Local authority", "Health", "Voluntary and community sector",
    "Lived experience", "Other"};

const char *art_voice_id(art_voice v)
{
    return (unsigned)v < ART_VOICE_COUNT ? voice_ids[v] : voice_ids[0];
}

const char *art_voice_name(art_voice v)
{
    return (unsigned)v < ART_VOICE_COUNT ? voice_names[v] : voice_names[0];
}

art_voice art_voice_from_id(const char *id)
{
    for (int i = 0; id && i < ART_VOICE_COUNT; i++)
        if (strcmp(id, voice_ids[i]) == 0)
            return (art_voice)i;
    return ART_VOICE_UNKNOWN;
}

static bool any_word(const char *text, const char *const *words)
{
    for (; *words; words++)
        if (art_str_contains_ci(text, *words))
            return true;
    return false;
}

/* The usual words sites use.  Lived experience is tested first: "carer" or
 * "person who draws on support" must win over "community" in
 * "community member who draws on support".  Sector outranks role. */
static art_voice classify_one(const char *s)
{
    static const char *const lived[] = {"lived experience", "lived-experience", "carer",
        "draws on support", "draw on support", "service user", "person supported",
        "people who use", "expert by experience", "family member", "resident", NULL};
    static const char *const vcs[] = {"voluntary", "vcs", "vcse", "charity", "third sector",
        "community sector", "community organisation", "community group", "volunteer",
        "social enterprise", "faith", NULL};
    static const char *const health[] = {"nhs", "health", "gp", "nurse", "clinic", "hospital",
        "icb", "therapist", "primary care", "mental health", NULL};
    static const char *const la[] = {"local authority", "council", "social work",
        "social worker", "adult social care", "asc", "commissioner", "commissioning",
        "team manager", "director", "la ", "practitioner", "occupational", NULL};
    if (!s || !*s)
        return ART_VOICE_UNKNOWN;
    if (any_word(s, lived)) return ART_VOICE_LIVED;
    if (any_word(s, vcs)) return ART_VOICE_VCS;
    if (any_word(s, health)) return ART_VOICE_HEALTH;
    if (any_word(s, la)) return ART_VOICE_LOCAL_AUTHORITY;
    if (strcmp(s, "la") == 0 || strcmp(s, "LA") == 0) return ART_VOICE_LOCAL_AUTHORITY;
    return ART_VOICE_OTHER;
}

art_voice art_voice_classify(const char *role, const char *sector)
{
    art_voice v = classify_one(sector);
    if (v != ART_VOICE_UNKNOWN && v != ART_VOICE_OTHER)
        return v;
    art_voice r = classify_one(role);
    if (r != ART_VOICE_UNKNOWN)
        return r;
    return v;
}

const char *art_facet_id(art_facet f)
{
    return f == ART_FACET_ENACTED ? "enacted" : "espoused";
}

const char *art_block_kind_id(art_block_kind k)
{
    switch (k) {
    case ART_BLOCK_HEADING: return "heading";
    case ART_BLOCK_LIST_ITEM: return "list_item";
    case ART_BLOCK_TABLE_CELL: return "table_cell";
    case ART_BLOCK_QUOTE: return "quote";
    default: return "paragraph";
    }
}

art_status art_format_from_name(const char *name, art_format *out, art_error *err)
{
    static const struct { const char *name; art_format f; } tab[] = {
        {"text", ART_FORMAT_TEXT}, {"txt", ART_FORMAT_TEXT},
        {"markdown", ART_FORMAT_MARKDOWN}, {"md", ART_FORMAT_MARKDOWN},
        {"json", ART_FORMAT_JSON}, {"html", ART_FORMAT_HTML}};
    for (size_t i = 0; name && i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(name, tab[i].name) == 0) {
            *out = tab[i].f;
            return ART_OK;
        }
    return art_error_set(err, ART_ERR_USAGE,
                         "unknown format '%s' (expected text, markdown, json or html)",
                         name ? name : "");
}

int art_score_level(double score)
{
    if (!(score == score))  /* NAN */
        return 0;
    if (score < 20) return 1;
    if (score < 40) return 2;
    if (score < 60) return 3;
    if (score < 80) return 4;
    return 5;
}
