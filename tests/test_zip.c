/* Zip reading: a good archive read exactly, and every hostile archive under
 * tests/data/zip/ (see make-hostile.py there) refused with the right status
 * and a message naming the file and, where there is one, the entry. */
#include "testutil.h"
#include "../src/lib/zip.h"

#include <stdlib.h>
#include <string.h>

static bool want_all(const char *name, void *ud)
{
    (void)name;
    (void)ud;
    return true;
}

static bool want_txt(const char *name, void *ud)
{
    int *calls = ud;
    (*calls)++;
    return art_str_ends_with_ci(name, ".txt");
}

/* Read tests/data/zip/<file> with the given limits (NULL: defaults). */
static art_status read_fixture(const char *file, const art_zip_limits *lim, art_zip_want_fn want,
                               void *ud, art_zip **z, art_error *err)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/zip/%s", file);
    size_t len;
    char *data = art_test_slurp(rel, &len);
    art_zip_limits def;
    art_zip_limits_default(&def);
    art_status st = art_zip_read(data, len, file, lim ? lim : &def, want, ud, z, err);
    free(data);
    return st;
}

static void test_defaults(void)
{
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    CU_ASSERT_EQUAL(lim.max_input, (size_t)256 << 20);
    CU_ASSERT_EQUAL(lim.max_entries, 10000);
    CU_ASSERT_EQUAL(lim.max_entry_bytes, (size_t)64 << 20);
    CU_ASSERT_EQUAL(lim.max_total_bytes, (size_t)256 << 20);
    CU_ASSERT_DOUBLE_EQUAL(lim.max_ratio, 200.0, 1e-9);
}

static void test_good_listing_and_contents(void)
{
    art_zip *z = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(read_fixture("good.zip", NULL, want_all, NULL, &z, &err), ART_OK);
    static const char *const names[] = {"hello.txt", "dir/", "dir/notes.txt", "data.bin",
                                        "caf\xc3\xa9.txt", "empty.txt", "a..b.txt"};
    CU_ASSERT_EQUAL_FATAL(z->nentries, 7);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_STRING_EQUAL(z->entries[i].name, names[i]);

    const art_zip_entry *e = art_zip_find(z, "hello.txt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->len, 12);
    CU_ASSERT_STRING_EQUAL((const char *)e->data, "Hello, zip.\n");
    CU_ASSERT_FALSE(e->is_dir);

    e = art_zip_find(z, "dir/");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_TRUE(e->is_dir);
    CU_ASSERT_PTR_NULL(e->data);

    e = art_zip_find(z, "dir/notes.txt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->compressed, 11);     /* stored */
    CU_ASSERT_STRING_EQUAL((const char *)e->data, "stored text");

    e = art_zip_find(z, "data.bin");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL_FATAL(e->len, 1024);
    bool same = true;
    for (size_t i = 0; i < 1024; i++)
        same = same && e->data[i] == (unsigned char)(i % 256);
    CU_ASSERT_TRUE(same);
    CU_ASSERT_EQUAL(e->data[1024], 0);      /* NUL after the data */
    CU_ASSERT_TRUE(e->compressed < 1024);

    e = art_zip_find(z, "caf\xc3\xa9.txt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_STRING_EQUAL((const char *)e->data, "na\xc3\xafve \xe2\x80\x94 ok\n");

    e = art_zip_find(z, "empty.txt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_PTR_NOT_NULL(e->data);        /* wanted, so present, just empty */
    CU_ASSERT_EQUAL(e->len, 0);

    CU_ASSERT_STRING_EQUAL((const char *)art_zip_find(z, "a..b.txt")->data,
                           "dots inside a name are fine");
    CU_ASSERT_PTR_NULL(art_zip_find(z, "HELLO.TXT"));
    CU_ASSERT_PTR_EQUAL(art_zip_find_ci(z, "HELLO.TXT"), art_zip_find(z, "hello.txt"));
    CU_ASSERT_PTR_NULL(art_zip_find_ci(z, "missing.txt"));
    CU_ASSERT_PTR_NULL(art_zip_find(NULL, "hello.txt"));
    art_zip_free(z);
    art_zip_free(NULL);
}

static void test_want_honoured(void)
{
    art_zip *z = NULL;
    art_error err = {0};
    int calls = 0;
    CU_ASSERT_EQUAL_FATAL(read_fixture("good.zip", NULL, want_txt, &calls, &z, &err), ART_OK);
    CU_ASSERT_EQUAL(calls, 6);              /* every non-directory entry asked about */
    CU_ASSERT_EQUAL(z->nentries, 7);
    const art_zip_entry *bin = art_zip_find(z, "data.bin");
    CU_ASSERT_PTR_NOT_NULL_FATAL(bin);
    CU_ASSERT_PTR_NULL(bin->data);          /* listed, never inflated */
    CU_ASSERT_EQUAL(bin->len, 0);
    CU_ASSERT_TRUE(bin->compressed > 0);
    CU_ASSERT_STRING_EQUAL((const char *)art_zip_find(z, "hello.txt")->data, "Hello, zip.\n");
    art_zip_free(z);

    /* No want function at all: a listing only. */
    CU_ASSERT_EQUAL_FATAL(read_fixture("good.zip", NULL, NULL, NULL, &z, &err), ART_OK);
    for (size_t i = 0; i < z->nentries; i++)
        CU_ASSERT_PTR_NULL(z->entries[i].data);
    art_zip_free(z);
}

/* The central directory lists entries in reverse order of their data. */
static void test_reordered_directory(void)
{
    art_zip *z = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(read_fixture("reordered.zip", NULL, want_all, NULL, &z, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(z->nentries, 3);
    CU_ASSERT_STRING_EQUAL(z->entries[0].name, "third.txt");
    CU_ASSERT_STRING_EQUAL(z->entries[2].name, "first.txt");
    CU_ASSERT_STRING_EQUAL((const char *)art_zip_find(z, "first.txt")->data, "one");
    CU_ASSERT_STRING_EQUAL((const char *)art_zip_find(z, "second.txt")->data, "two");
    CU_ASSERT_STRING_EQUAL((const char *)art_zip_find(z, "third.txt")->data, "three");
    art_zip_free(z);
}

/* Expect `file` to be refused with `status`, and the message to contain
 * each of the (up to two) fragments. */
static void expect_refused(const char *file, const art_zip_limits *lim, art_status status,
                           const char *frag1, const char *frag2)
{
    art_zip *z = (art_zip *)1;
    art_error err = {0};
    art_status st = read_fixture(file, lim, want_all, NULL, &z, &err);
    CU_ASSERT_EQUAL(st, status);
    CU_ASSERT_PTR_NULL(z);
    CU_ASSERT_EQUAL(err.status, status);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, file));
    if (frag1)
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, frag1));
    if (frag2)
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, frag2));
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    if (st != status || (frag1 && !strstr(err.message, frag1)) ||
        (frag2 && !strstr(err.message, frag2)))
        fprintf(stderr, "\n%s: got %s: %s\n", file, art_status_name(st), err.message);
    if (st == ART_OK)
        art_zip_free(z);
}

static void test_not_zip_and_truncated(void)
{
    expect_refused("not-a-zip.zip", NULL, ART_ERR_FORMAT, "not-a-zip.zip: not a zip archive", NULL);
    expect_refused("truncated.zip", NULL, ART_ERR_FORMAT, "truncated", NULL);
    expect_refused("cd-outside.zip", NULL, ART_ERR_FORMAT, "central directory outside", NULL);

    art_zip *z = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL(art_zip_read("", 0, "empty.zip", NULL, want_all, NULL, &z, &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "empty.zip: not a zip archive");
    /* Every prefix of a good zip is refused cleanly, never crashes. */
    size_t len;
    char *good = art_test_slurp("tests/data/zip/good.zip", &len);
    size_t refused = 0;
    for (size_t cut = 0; cut < len; cut++) {
        if (art_zip_read(good, cut, "cut.zip", NULL, want_all, NULL, &z, &err) != ART_OK)
            refused++;
        else
            art_zip_free(z);
    }
    CU_ASSERT_EQUAL(refused, len);
    free(good);
}

static void test_unsafe_names(void)
{
    expect_refused("dotdot.zip", NULL, ART_ERR_FORMAT, "'..'", "(entry '../evil.txt')");
    expect_refused("inner-dotdot.zip", NULL, ART_ERR_FORMAT, "'..'", "(entry 'docs/../../evil.txt')");
    expect_refused("absolute.zip", NULL, ART_ERR_FORMAT, "absolute entry name", "(entry '/abs.txt')");
    expect_refused("backslash.zip", NULL, ART_ERR_FORMAT, "backslash", "(entry 'a\\b.txt')");
    expect_refused("drive.zip", NULL, ART_ERR_FORMAT, "drive letter", "(entry 'C:evil.txt')");
    expect_refused("duplicate.zip", NULL, ART_ERR_FORMAT, "duplicate entry name", "(entry 'same.txt')");
}

static void test_too_many_entries(void)
{
    expect_refused("many-entries.zip", NULL, ART_ERR_LIMIT, "too many entries (20001, limit 10000)",
                   NULL);
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_entries = 6;
    expect_refused("good.zip", &lim, ART_ERR_LIMIT, "too many entries (7, limit 6)", NULL);
    lim.max_entries = 7;
    art_zip *z = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL(read_fixture("good.zip", &lim, want_all, NULL, &z, &err), ART_OK);
    art_zip_free(z);
}

static void test_input_limit(void)
{
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_input = 1023;    /* good.zip is 1024 bytes */
    expect_refused("good.zip", &lim, ART_ERR_LIMIT, "zip file too large", NULL);
}

static void test_overlapping_entries(void)
{
    expect_refused("overlap.zip", NULL, ART_ERR_FORMAT, "overlapping entries", "(entry 'b.txt')");
    expect_refused("same-offset.zip", NULL, ART_ERR_FORMAT, "overlapping entries", "(entry '");
}

/* 200 MiB of zeros in ~200 KiB: stopped by the ratio (200) at ~40 MiB
 * inflated, never near 200 MiB. */
static void test_deflate_bomb(void)
{
    expect_refused("bomb.zip", NULL, ART_ERR_LIMIT, "compression ratio over the limit",
                   "(entry 'zeros.bin')");
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_ratio = 1e9;
    lim.max_entry_bytes = 8u << 20;
    expect_refused("bomb.zip", &lim, ART_ERR_LIMIT, "entry inflates past the size limit",
                   "(entry 'zeros.bin')");
    lim.max_entry_bytes = 64u << 20;
    lim.max_total_bytes = 4u << 20;
    expect_refused("bomb.zip", &lim, ART_ERR_LIMIT, "total size limit", "(entry 'zeros.bin')");

    /* Unwanted, the bomb is only listed: nothing is inflated. */
    art_zip *z = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(read_fixture("bomb.zip", NULL, NULL, NULL, &z, &err), ART_OK);
    CU_ASSERT_EQUAL(z->nentries, 1);
    CU_ASSERT_PTR_NULL(z->entries[0].data);
    art_zip_free(z);
}

/* Declares 100 bytes, inflates to 2 MiB: counting catches it. */
static void test_lying_size(void)
{
    art_zip_limits lim;
    art_zip_limits_default(&lim);
    lim.max_ratio = 1e9;
    lim.max_entry_bytes = 1u << 20;
    expect_refused("lying-size.zip", &lim, ART_ERR_LIMIT, "entry inflates past the size limit",
                   "(entry 'liar.txt')");
    /* Under the limit, libarchive's own size check refuses the lie. */
    lim.max_entry_bytes = 4u << 20;
    expect_refused("lying-size.zip", &lim, ART_ERR_FORMAT, "damaged entry data",
                   "(entry 'liar.txt')");
}

void art_test_register(void)
{
    ART_SUITE("zip", {"limits default", test_defaults},
              {"good listing and contents", test_good_listing_and_contents},
              {"want honoured", test_want_honoured},
              {"central directory out of data order", test_reordered_directory},
              {"not a zip, truncated", test_not_zip_and_truncated},
              {"unsafe and duplicate names", test_unsafe_names},
              {"too many entries", test_too_many_entries}, {"input limit", test_input_limit},
              {"overlapping entries", test_overlapping_entries},
              {"deflate bomb", test_deflate_bomb}, {"lying declared size", test_lying_size});
}
