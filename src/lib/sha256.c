/* SHA-256 of a buffer as lowercase hex: the identity of every source, rubric
 * and plugin.  Every byte ingested is hashed, so this is Nettle's SHA-256,
 * which uses the CPU's SHA extensions where it has them (about 1.5 GB/s on
 * the benchmark machine, against 0.2 GB/s for the portable C this file held
 * before: a tenth of an ingest's instructions).  See docs/dependencies.md. */
#include "internal.h"

#include <nettle/sha2.h>

void art_sha256_hex(const void *data, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    /* Nettle takes a size_t length, so any buffer goes in one call. */
    sha256_update(&c, len, data);
    sha256_digest(&c, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}
