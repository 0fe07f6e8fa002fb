/* STUB: tests for qda. */
#include "testutil.h"
#include "artefact/artefact.h"
static void test_placeholder(void) { CU_ASSERT_EQUAL(art_status_name(ART_OK)[0], 'o'); }
void art_test_register(void) { ART_SUITE("qda", {"placeholder", test_placeholder}); }
