/* Utilities: errors, buffers, UTF-8, SHA-256, vocabulary, files. */
#include "testutil.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_error_one_line(void)
{
    art_error err;
    CU_ASSERT_EQUAL(art_error_set(&err, ART_ERR_FORMAT, "a.csv: bad\nrow %d\r", 3), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "a.csv: bad row 3 ");
    CU_ASSERT_EQUAL(err.status, ART_ERR_FORMAT);
    CU_ASSERT_EQUAL(art_error_set(NULL, ART_ERR_IO, "x"), ART_ERR_IO);
    art_error_clear(&err);
    CU_ASSERT_EQUAL(err.status, ART_OK);
    CU_ASSERT_STRING_EQUAL(err.message, "");
    CU_ASSERT_STRING_EQUAL(art_status_name(ART_ERR_LIMIT), "limit");
    CU_ASSERT_STRING_EQUAL(art_status_name((art_status)99), "unknown");
}

static void test_error_truncates(void)
{
    art_error err;
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    art_error_set(&err, ART_ERR_IO, "%s", big);
    CU_ASSERT_EQUAL(strlen(err.message), ART_ERROR_MAX - 1);
}

static void test_buf(void)
{
    art_buf b;
    art_buf_init(&b);
    art_buf_puts(&b, "trust");
    art_buf_putc(&b, ' ');
    art_buf_printf(&b, "%d%%", 80);
    CU_ASSERT_STRING_EQUAL(b.data, "trust 80%");
    CU_ASSERT_EQUAL(b.len, 9);
    for (int i = 0; i < 1000; i++)
        art_buf_append(&b, "0123456789", 10);
    CU_ASSERT_EQUAL(b.len, 10009);
    CU_ASSERT_FALSE(b.failed);
    char *s = art_buf_steal(&b);
    CU_ASSERT_PTR_NOT_NULL(s);
    CU_ASSERT_PTR_NULL(b.data);
    CU_ASSERT_EQUAL(strlen(s), 10009);
    free(s);
    /* A buffer that cannot grow fails sticky and steals as NULL. */
    art_buf_init(&b);
    CU_ASSERT_FALSE(art_buf_reserve(&b, SIZE_MAX - 2));
    art_buf_puts(&b, "x");
    CU_ASSERT_TRUE(b.failed);
    CU_ASSERT_PTR_NULL(art_buf_steal(&b));
}

static void test_squash(void)
{
    char s[] = "  do  the\tright \n thing  ";
    art_str_squash_space(s);
    CU_ASSERT_STRING_EQUAL(s, "do the right thing");
    char e[] = " \t\n";
    art_str_squash_space(e);
    CU_ASSERT_STRING_EQUAL(e, "");
    CU_ASSERT_TRUE(art_str_ends_with_ci("Strategy.MD", ".md"));
    CU_ASSERT_FALSE(art_str_ends_with_ci("md", ".md"));
    CU_ASSERT_EQUAL(art_strcasecmp_ascii("Panel", "pANEL"), 0);
    CU_ASSERT_TRUE(art_str_contains_ci("Voluntary and Community Sector", "community sector"));
    CU_ASSERT_FALSE(art_str_contains_ci("Council", "councillor"));
    CU_ASSERT_TRUE(art_str_contains_ci("", ""));
    CU_ASSERT_FALSE(art_str_contains_ci("", "x"));
    CU_ASSERT_PTR_NULL(art_strdup(NULL));
}

static void test_utf8(void)
{
    unsigned cp;
    CU_ASSERT_EQUAL(art_utf8_decode("\xC3\xA9", 2, &cp), 2);
    CU_ASSERT_EQUAL(cp, 0xE9);
    CU_ASSERT_EQUAL(art_utf8_decode("\xE2\x80\x94", 3, &cp), 3);
    CU_ASSERT_EQUAL(cp, 0x2014);
    CU_ASSERT_EQUAL(art_utf8_decode("\xF0\x9F\x98\x80", 4, &cp), 4);
    CU_ASSERT_EQUAL(cp, 0x1F600);
    /* Invalid: truncated, overlong, surrogate, stray continuation byte. */
    CU_ASSERT_EQUAL(art_utf8_decode("\xE2\x80", 2, &cp), 1);
    CU_ASSERT_EQUAL(cp, 0xFFFD);
    CU_ASSERT_EQUAL(art_utf8_decode("\xC0\xAF", 2, &cp), 1);
    CU_ASSERT_EQUAL(art_utf8_decode("\xED\xA0\x80", 3, &cp), 1);
    CU_ASSERT_EQUAL(art_utf8_decode("\x80", 1, &cp), 1);
    CU_ASSERT_EQUAL(art_utf8_count("caf\xC3\xA9 \xE2\x80\x94", 9), 6);
    CU_ASSERT_TRUE(art_utf8_valid("caf\xC3\xA9", 5));
    CU_ASSERT_FALSE(art_utf8_valid("caf\xC3", 4));
    CU_ASSERT_FALSE(art_utf8_valid("a\0b", 3));
    CU_ASSERT_TRUE(art_utf8_valid("\xEF\xBF\xBD", 3));  /* a real U+FFFD */
    char out[4];
    CU_ASSERT_EQUAL(art_utf8_encode(0x2019, out), 3);
    CU_ASSERT_EQUAL(memcmp(out, "\xE2\x80\x99", 3), 0);
    CU_ASSERT_EQUAL(art_utf8_fold('P'), 'p');
    CU_ASSERT_EQUAL(art_utf8_fold(0xC9), 0xE9);     /* É -> é */
    CU_ASSERT_EQUAL(art_utf8_fold(0xD7), 0xD7);     /* × unchanged */
    CU_ASSERT_EQUAL(art_utf8_fold(0x2019), '\'');   /* ’ -> ' */
    CU_ASSERT_EQUAL(art_utf8_bom_len("\xEF\xBB\xBFx", 4), 3);
    CU_ASSERT_EQUAL(art_utf8_bom_len("x", 1), 0);
}

/* Reference: one code point at a time, as before the eight-byte ASCII path. */
static long count_slowly(const char *s, size_t n)
{
    long c = 0;
    for (size_t i = 0; i < n; c++)
        i += art_utf8_decode_multi(s + i, n - i, &(unsigned){0});
    return c;
}

static size_t first_invalid_slowly(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = art_utf8_decode_multi(s + i, n - i, &cp);
        if (cp == 0 || (cp == 0xFFFD && k == 1))
            return i;
        i += k;
    }
    return n;
}

/* The word-at-a-time paths agree with the byte-by-byte definition wherever
 * a NUL, a bad byte or a multi-byte character falls in or across a word. */
static void test_utf8_fast_paths(void)
{
    static const char *const pieces[] = {"a", "plain ascii ", "\xC3\xA9", "\xE2\x80\x94",
                                         "\xF0\x9F\x98\x80", "\x80", "\xC3", "\0",
                                         "\xEF\xBF\xBD", "12345678", "\xED\xA0\x80"};
    static const size_t lens[] = {1, 12, 2, 3, 4, 1, 1, 1, 3, 8, 3};
    unsigned seed = 12345;
    char buf[256];
    for (int t = 0; t < 5000; t++) {
        size_t n = 0;
        for (int k = (int)(seed % 12); k >= 0; k--) {
            seed = seed * 1103515245u + 12345u;
            size_t p = (seed >> 8) % 11;
            if (n + lens[p] > sizeof buf)
                break;
            memcpy(buf + n, pieces[p], lens[p]);
            n += lens[p];
        }
        seed = seed * 1103515245u + 12345u;
        size_t off = (seed >> 8) % 8;  /* start inside a word too */
        if (off > n)
            off = n;
        CU_ASSERT_EQUAL(art_utf8_count(buf + off, n - off), count_slowly(buf + off, n - off));
        CU_ASSERT_EQUAL(art_utf8_first_invalid(buf + off, n - off),
                        first_invalid_slowly(buf + off, n - off));
        CU_ASSERT_EQUAL(art_utf8_valid(buf + off, n - off),
                        first_invalid_slowly(buf + off, n - off) == n - off);
    }
    CU_ASSERT_EQUAL(art_utf8_first_invalid("abcdefgh\0ijklmno", 17), 8);
    CU_ASSERT_EQUAL(art_utf8_first_invalid("abcdefghijklmno\x80", 16), 15);
    CU_ASSERT_EQUAL(art_utf8_count("abcdefghijklmnop", 16), 16);
}

static void test_sha256(void)
{
    char hex[65];
    art_sha256_hex("", 0, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    art_sha256_hex("abc", 3, hex);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* FIPS 180-2's long message: a million 'a's, many blocks in one call. */
    char *million = malloc(1000000);
    CU_ASSERT_FATAL(million != NULL);
    memset(million, 'a', 1000000);
    art_sha256_hex(million, 1000000, hex);
    CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
    /* Two blocks with the padding spilling over (56 bytes). */
    art_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
    CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    art_sha256_hex(two, strlen(two), hex);
    CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* One million 'a': exercises many blocks. */
    char *m = malloc(1000000);
    CU_ASSERT_FATAL(m != NULL);
    memset(m, 'a', 1000000);
    art_sha256_hex(m, 1000000, hex);
    CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(m);
}

static void test_voice(void)
{
    CU_ASSERT_EQUAL(art_voice_classify("Social worker", "Local authority"), ART_VOICE_LOCAL_AUTHORITY);
    CU_ASSERT_EQUAL(art_voice_classify("Team manager", "Council"), ART_VOICE_LOCAL_AUTHORITY);
    CU_ASSERT_EQUAL(art_voice_classify("GP practice manager", "Health"), ART_VOICE_HEALTH);
    CU_ASSERT_EQUAL(art_voice_classify("Community navigator", "Voluntary and community sector"),
                    ART_VOICE_VCS);
    CU_ASSERT_EQUAL(art_voice_classify("Carer", "Lived experience"), ART_VOICE_LIVED);
    CU_ASSERT_EQUAL(art_voice_classify("Person who draws on support", NULL), ART_VOICE_LIVED);
    CU_ASSERT_EQUAL(art_voice_classify(NULL, "NHS trust"), ART_VOICE_HEALTH);
    CU_ASSERT_EQUAL(art_voice_classify("Architect", "Housing association"), ART_VOICE_OTHER);
    CU_ASSERT_EQUAL(art_voice_classify(NULL, NULL), ART_VOICE_UNKNOWN);
    CU_ASSERT_EQUAL(art_voice_classify("", ""), ART_VOICE_UNKNOWN);
    CU_ASSERT_STRING_EQUAL(art_voice_id(ART_VOICE_VCS), "vcs");
    CU_ASSERT_EQUAL(art_voice_from_id("lived_experience"), ART_VOICE_LIVED);
    CU_ASSERT_EQUAL(art_voice_from_id("nonsense"), ART_VOICE_UNKNOWN);
    CU_ASSERT_STRING_EQUAL(art_voice_id((art_voice)42), "unknown");
}

static void test_vocab(void)
{
    CU_ASSERT_STRING_EQUAL(art_level_id(ART_LEVEL_ARTEFACT), "artefact");
    CU_ASSERT_EQUAL(art_level_from_id("assumption"), ART_LEVEL_ASSUMPTION);
    CU_ASSERT_EQUAL(art_level_from_id("belief"), ART_LEVEL_NONE);
    CU_ASSERT_EQUAL(art_level_from_id(NULL), ART_LEVEL_NONE);
    CU_ASSERT_STRING_EQUAL(art_facet_id(ART_FACET_ENACTED), "enacted");
    CU_ASSERT_STRING_EQUAL(art_block_kind_id(ART_BLOCK_LIST_ITEM), "list_item");
    art_format f;
    art_error err;
    CU_ASSERT_EQUAL(art_format_from_name("html", &f, &err), ART_OK);
    CU_ASSERT_EQUAL(f, ART_FORMAT_HTML);
    CU_ASSERT_EQUAL(art_format_from_name("pdf", &f, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "pdf"));
    CU_ASSERT_EQUAL(art_score_level(NAN), 0);
    CU_ASSERT_EQUAL(art_score_level(0), 1);
    CU_ASSERT_EQUAL(art_score_level(19.9), 1);
    CU_ASSERT_EQUAL(art_score_level(20), 2);
    CU_ASSERT_EQUAL(art_score_level(59.99), 3);
    CU_ASSERT_EQUAL(art_score_level(80), 5);
    CU_ASSERT_EQUAL(art_score_level(100), 5);
    char *loc = art_locator_format(2, 0, 120, 245);
    CU_ASSERT_STRING_EQUAL(loc, "para 3, sentence 1, chars 120-245");
    free(loc);
}

static void test_read_file(void)
{
    art_error err;
    char *data;
    size_t len;
    CU_ASSERT_EQUAL(art_read_file("/nonexistent/x.txt", 0, &data, &len, &err), ART_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "/nonexistent/x.txt"));
    CU_ASSERT_PTR_NULL(data);
    const char *dir = art_test_tmpdir("readfile");
    CU_ASSERT_EQUAL(art_read_file(dir, 0, &data, &len, &err), ART_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not a regular file"));
    char path[4200];
    snprintf(path, sizeof path, "%s/f.txt", dir);
    FILE *f = fopen(path, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fputs("0123456789", f);
    fclose(f);
    CU_ASSERT_EQUAL(art_read_file(path, 0, &data, &len, &err), ART_OK);
    CU_ASSERT_EQUAL(len, 10);
    CU_ASSERT_STRING_EQUAL(data, "0123456789");
    free(data);
    CU_ASSERT_EQUAL(art_read_file(path, 5, &data, &len, &err), ART_ERR_LIMIT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "larger than 5 bytes"));
}

static void test_arena(void)
{
    art_arena *a = art_arena_new();
    CU_ASSERT_FATAL(a != NULL);
    char *s = art_arena_strdup(a, "hub");
    CU_ASSERT_STRING_EQUAL(s, "hub");
    CU_ASSERT_PTR_NULL(art_arena_strdup(a, NULL));
    void *big = art_arena_alloc(a, 200000);  /* larger than a block */
    CU_ASSERT_PTR_NOT_NULL(big);
    memset(big, 1, 200000);
    for (int i = 0; i < 10000; i++)
        CU_ASSERT_PTR_NOT_NULL(art_arena_strdup(a, "segment text"));
    CU_ASSERT_STRING_EQUAL(s, "hub");
    art_arena_free(a);
    art_arena_free(NULL);
}

void art_test_register(void)
{
    ART_SUITE("util",
              {"errors are one line", test_error_one_line},
              {"long errors are truncated", test_error_truncates},
              {"buffer", test_buf},
              {"string helpers", test_squash},
              {"utf8", test_utf8},
              {"utf8 fast paths agree with the slow ones", test_utf8_fast_paths},
              {"sha256 test vectors", test_sha256},
              {"voice classification", test_voice},
              {"vocabulary", test_vocab},
              {"read_file", test_read_file},
              {"arena", test_arena});
}
