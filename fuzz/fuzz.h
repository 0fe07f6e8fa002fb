/* Shared by every fuzz harness: the libFuzzer entry point, declared so the
 * harnesses compile warning-free with -Wmissing-prototypes, and used both by
 * libFuzzer (clang, --enable-fuzzing) and by replay.c (make check). */
#ifndef ART_FUZZ_H
#define ART_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harness's name, for the replay driver's messages ("csv", "zip"...). */
extern const char art_fuzz_name[];

#endif
