/* STUB: tests for store_qda. */
#include "testutil.h"
#include "artefact/artefact.h"
static void test_placeholder(void) { CU_ASSERT_EQUAL(art_status_name(ART_OK)[0], 'o'); }
void art_test_register(void) { ART_SUITE("store_qda", {"placeholder", test_placeholder}); }
