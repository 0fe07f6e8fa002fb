/* DOCX and ODT: exact blocks, segments and titles from the fixtures in
 * tests/data/office/ (see make-fixtures.py there), tracked deletions never
 * reaching the text, and every malformed package refused in one line. */
#include "testutil.h"
#include "../src/lib/zip.h"

#include <stdlib.h>
#include <string.h>

typedef art_status (*parse_fn)(const char *, size_t, const char *, art_document **, art_error *);

static art_status parse_fixture(const char *file, art_document **doc, art_error *err)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/office/%s", file);
    size_t len;
    char *data = art_test_slurp(rel, &len);
    parse_fn parse = strstr(file, ".odt") ? art_doc_parse_odt : art_doc_parse_docx;
    art_status st = parse(data, len, file, doc, err);
    free(data);
    return st;
}

typedef struct want_seg {
    int paragraph, sentence;
    art_block_kind kind;
    long start, end;
    const char *text;
} want_seg;

#define H ART_BLOCK_HEADING
#define P ART_BLOCK_PARAGRAPH
#define L ART_BLOCK_LIST_ITEM
#define C ART_BLOCK_TABLE_CELL

/* Every segment exactly, and the locator property: plain_text's code points
 * [start,end) are the segment's text. */
static void check_segments(const art_document *d, const want_seg *want, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(d->nsegs, n);
    for (size_t i = 0; i < n; i++) {
        const art_segment *s = &d->segs[i];
        CU_ASSERT_EQUAL(s->paragraph, want[i].paragraph);
        CU_ASSERT_EQUAL(s->sentence, want[i].sentence);
        CU_ASSERT_EQUAL(s->block, want[i].kind);
        CU_ASSERT_EQUAL(s->start, want[i].start);
        CU_ASSERT_EQUAL(s->end, want[i].end);
        CU_ASSERT_STRING_EQUAL(s->text, want[i].text);
    }
}

static void check_locators(const art_document *d)
{
    const char *pt = d->plain_text;
    size_t bytes = strlen(pt);
    for (size_t i = 0; i < d->nsegs; i++) {
        const art_segment *s = &d->segs[i];
        size_t off = 0;
        long cp = 0;
        unsigned u;
        while (cp < s->start && off < bytes) {
            off += art_utf8_decode(pt + off, bytes - off, &u);
            cp++;
        }
        size_t begin = off;
        while (cp < s->end && off < bytes) {
            off += art_utf8_decode(pt + off, bytes - off, &u);
            cp++;
        }
        CU_ASSERT_EQUAL(cp, s->end);
        CU_ASSERT_EQUAL(off - begin, strlen(s->text));
        CU_ASSERT_EQUAL(memcmp(pt + begin, s->text, off - begin), 0);
    }
}

/* Nothing hidden or deleted leaks into the text or the title. */
static void check_absent(const art_document *d, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_PTR_NULL(strstr(d->plain_text, words[i]));
        for (size_t k = 0; k < d->nsegs; k++)
            CU_ASSERT_PTR_NULL(strstr(d->segs[k].text, words[i]));
        if (d->title)
            CU_ASSERT_PTR_NULL(strstr(d->title, words[i]));
    }
}

static void test_docx_sample(void)
{
    art_document *d = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(parse_fixture("sample.docx", &d, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(d->format, "docx");
    CU_ASSERT_STRING_EQUAL(d->title, "Site review \xe2\x80\x94 Wigan");   /* core.xml */
    CU_ASSERT_EQUAL(d->nblocks, 15);
    static const want_seg want[] = {
        {0, 0, H, 0, 14, "Culture Review"},
        {1, 0, H, 16, 28, "Introduction"},
        {2, 0, P, 30, 53, "Trust is built locally."},
        {3, 0, P, 55, 84, "Caf\xc3\xa9 staff\xe2\x80\x99s view \xe2\x80\x94 positive."},
        {3, 1, P, 85, 105, "Co-production works."},
        {4, 0, H, 107, 123, "Heading two text"},
        {5, 0, L, 125, 135, "First item"},
        {6, 0, L, 137, 148, "Second item"},
        {7, 0, C, 150, 158, "Cell one"},
        {8, 0, C, 160, 181, "Cell two a Cell two b"},
        {9, 0, C, 183, 192, "Cell four"},
        {10, 0, P, 194, 211, "We really listen."},
        {11, 0, P, 213, 224, "Moved here."},
        {12, 0, P, 226, 232, "Page 1"},
        {13, 0, P, 234, 245, "Before box."},
        {14, 0, P, 247, 268, "In a content control."},
    };
    check_segments(d, want, sizeof want / sizeof want[0]);
    check_locators(d);
    static const char *const absent[] = {"SECRETDELETED", "MOVEDAWAY", "FIELDCODE", "BOXTEXT",
                                         "Someone"};
    check_absent(d, absent, sizeof absent / sizeof absent[0]);
    CU_ASSERT_EQUAL(strncmp(d->plain_text, "Culture Review\n\nIntroduction\n\nTrust", 35), 0);
    art_document_free(d);
}

static void test_docx_title_fallback_and_styles(void)
{
    art_document *d = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(parse_fixture("notitle.docx", &d, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(d->title, "Local Heading");       /* no core.xml */
    static const want_seg want[] = {
        {0, 0, P, 0, 14, "Plain opening."},
        {1, 0, H, 16, 29, "Local Heading"},
        {2, 0, H, 31, 36, "Text."},    /* style id "Berschrift2" named "heading 2" */
    };
    check_segments(d, want, 3);
    check_locators(d);
    art_document_free(d);
}

static void test_docx_doctype_without_entities(void)
{
    art_document *d = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(parse_fixture("doctype.docx", &d, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(d->plain_text, "Doctype without entities.");
    CU_ASSERT_PTR_NULL(d->title);
    art_document_free(d);
}

static void expect_refused(const char *file, art_status status, const char *message)
{
    art_document *d = (art_document *)1;
    art_error err = {0};
    art_status st = parse_fixture(file, &d, &err);
    CU_ASSERT_EQUAL(st, status);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_STRING_EQUAL(err.message, message);
    if (st == ART_OK)
        art_document_free(d);
}

static void test_docx_refused(void)
{
    expect_refused("entity.docx", ART_ERR_FORMAT,
                   "entity.docx:word/document.xml: XML that declares entities in its DOCTYPE is refused");
    expect_refused("malformed.docx", ART_ERR_FORMAT,
                   "malformed.docx:word/document.xml: malformed XML at line 2");
    expect_refused("nodoc.docx", ART_ERR_FORMAT,
                   "nodoc.docx: not a DOCX document (no word/document.xml)");
    expect_refused("not-a-zip.docx", ART_ERR_FORMAT, "not-a-zip.docx: not a zip archive");
    expect_refused("empty.docx", ART_ERR_FORMAT, "empty.docx: no text found");
    /* An ODT is not a DOCX, and the other way round. */
    art_document *d = NULL;
    art_error err = {0};
    size_t len;
    char *data = art_test_slurp("tests/data/office/sample.odt", &len);
    CU_ASSERT_EQUAL(art_doc_parse_docx(data, len, "x.docx", &d, &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "x.docx: not a DOCX document (no word/document.xml)");
    free(data);
    data = art_test_slurp("tests/data/office/sample.docx", &len);
    CU_ASSERT_EQUAL(art_doc_parse_odt(data, len, "x.odt", &d, &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "x.odt: not an ODT document (no content.xml)");
    /* Every truncation of a good DOCX is refused cleanly. */
    size_t refused = 0;
    for (size_t cut = 0; cut < len; cut += 7) {
        if (art_doc_parse_docx(data, cut, "cut.docx", &d, &err) != ART_OK)
            refused++;
        else
            art_document_free(d);
    }
    CU_ASSERT_EQUAL(refused, (len + 6) / 7);
    free(data);
}

static void test_odt_sample(void)
{
    art_document *d = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(parse_fixture("sample.odt", &d, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(d->format, "odt");
    CU_ASSERT_STRING_EQUAL(d->title, "Site review \xe2\x80\x94 Wigan");   /* meta.xml */
    CU_ASSERT_EQUAL(d->nblocks, 11);
    static const want_seg want[] = {
        {0, 0, H, 0, 12, "Introduction"},
        {1, 0, P, 14, 37, "Trust is built locally."},
        {1, 1, P, 38, 55, "We really listen."},
        {2, 0, P, 57, 86, "Caf\xc3\xa9 staff\xe2\x80\x99s view \xe2\x80\x94 positive."},
        {2, 1, P, 87, 103, "Two spaces next."},
        {3, 0, L, 105, 115, "First item"},
        {4, 0, L, 117, 128, "Second item"},
        {5, 0, L, 130, 141, "Nested item"},
        {6, 0, C, 143, 151, "Cell one"},
        {7, 0, C, 153, 174, "Cell two a Cell two b"},
        {8, 0, C, 176, 185, "Cell four"},
        {9, 0, H, 187, 199, "In a section"},
        {10, 0, P, 201, 214, "Before frame."},
    };
    check_segments(d, want, sizeof want / sizeof want[0]);
    check_locators(d);
    static const char *const absent[] = {"SECRETDELETED", "FOOTNOTETEXT", "COMMENTTEXT",
                                         "BOXTEXT"};
    check_absent(d, absent, sizeof absent / sizeof absent[0]);
    art_document_free(d);
}

static void test_odt_title_fallback(void)
{
    art_document *d = NULL;
    art_error err = {0};
    CU_ASSERT_EQUAL_FATAL(parse_fixture("notitle.odt", &d, &err), ART_OK);  /* no mimetype entry */
    CU_ASSERT_STRING_EQUAL(d->title, "Local Heading");
    CU_ASSERT_STRING_EQUAL(d->plain_text, "Opening.\n\nLocal Heading");
    CU_ASSERT_EQUAL(d->nblocks, 2);
    art_document_free(d);
}

static void test_odt_refused(void)
{
    expect_refused("wrong-mimetype.odt", ART_ERR_FORMAT,
                   "wrong-mimetype.odt: not an ODT text document (wrong mimetype entry)");
    expect_refused("spreadsheet.odt", ART_ERR_FORMAT,
                   "spreadsheet.odt: not an ODT text document (no office:text)");
    expect_refused("nocontent.odt", ART_ERR_FORMAT, "nocontent.odt: not an ODT document (no content.xml)");
    expect_refused("empty.odt", ART_ERR_FORMAT, "empty.odt: no text found");
}

/* Hostile zips are refused by the office parsers exactly as by the reader. */
static void test_hostile_zip_as_docx(void)
{
    size_t len;
    char *data = art_test_slurp("tests/data/zip/bomb.zip", &len);
    art_document *d = NULL;
    art_error err = {0};
    /* bomb.zip has no word/document.xml: it is listed, never inflated. */
    CU_ASSERT_EQUAL(art_doc_parse_docx(data, len, "bomb.docx", &d, &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "bomb.docx: not a DOCX document (no word/document.xml)");
    free(data);
    data = art_test_slurp("tests/data/zip/dotdot.zip", &len);
    CU_ASSERT_EQUAL(art_doc_parse_odt(data, len, "dotdot.odt", &d, &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "dotdot.odt: entry name contains '..' (entry '../evil.txt')");
    free(data);
}

void art_test_register(void)
{
    ART_SUITE("docx", {"sample", test_docx_sample},
              {"title fallback and style names", test_docx_title_fallback_and_styles},
              {"doctype without entities", test_docx_doctype_without_entities},
              {"refused", test_docx_refused});
    ART_SUITE("odt", {"sample", test_odt_sample}, {"title fallback", test_odt_title_fallback},
              {"refused", test_odt_refused}, {"hostile zips", test_hostile_zip_as_docx});
}
