/* Placeholder until the tables tests land. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <string.h>

static void test_placeholder(void)
{
    CU_ASSERT_STRING_EQUAL(art_rater_role_id(ART_ROLE_EXTERNAL), "external");
}

void art_test_register(void)
{
    ART_SUITE("tables", {"placeholder", test_placeholder});
}
