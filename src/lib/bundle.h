/* Site bundles: what bundle.c (writing) and store_bundle.c (reading)
 * share.  Internal; not installed.  See docs/bundles.md. */
#ifndef ART_BUNDLE_H
#define ART_BUNDLE_H

#include "store_internal.h"
#include "zip.h"

#define BUNDLE_NS "urn:artefact:bundle:1"
#define BUNDLE_ENTRY "bundle.xml"
#define MANIFEST_ENTRY "manifest.xml"

/* The RelaxNG schema of bundle.xml (src/lib/schemas/bundle.rng), compiled in. */
extern const unsigned char art_schema_bundle_rng[];
extern const size_t art_schema_bundle_rng_len;

#endif
