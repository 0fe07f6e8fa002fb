/* Tests for document ingestion: plain text, Markdown, HTML, sentence
 * segmentation with code-point locators, and hardened XML parsing. */
#include "testutil.h"
#include "artefact/artefact.h"
#include "internal.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers -------------------------------------------------------- */

/* Code points [start,end) of s, as a malloc'd UTF-8 string. */
static char *cp_slice(const char *s, long start, long end)
{
    size_t n = strlen(s), i = 0, from = n, to = n;
    long cp = 0;
    while (i < n) {
        unsigned c;
        if (cp == start)
            from = i;
        if (cp == end) {
            to = i;
            break;
        }
        i += art_utf8_decode(s + i, n - i, &c);
        cp++;
    }
    if (cp == start && from == n)
        from = i;
    if (cp < start || cp < end)
        return NULL;
    return art_strndup(s + from, to - from);
}

/* The locator property every document must have: plain_text's code points
 * [start,end) are exactly the segment text, and locators are ordered. */
static void check_locators(const art_document *doc)
{
    long prev_end = -1;
    long total = art_utf8_count(doc->plain_text, strlen(doc->plain_text));
    for (size_t i = 0; i < doc->nsegs; i++) {
        const art_segment *s = &doc->segs[i];
        char *slice = cp_slice(doc->plain_text, s->start, s->end);
        CU_ASSERT_PTR_NOT_NULL_FATAL(slice);
        CU_ASSERT_STRING_EQUAL(slice, s->text);
        free(slice);
        CU_ASSERT(s->start >= prev_end);
        CU_ASSERT(s->end > s->start);
        CU_ASSERT(s->end <= total);
        CU_ASSERT(s->paragraph >= 0 && s->paragraph < doc->nblocks);
        prev_end = s->end;
    }
}

typedef struct expect_seg {
    int paragraph, sentence;
    long start, end;
    art_block_kind block;
    const char *text;
} expect_seg;

static void check_segments(const art_document *doc, const expect_seg *want, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(doc->nsegs, n);
    for (size_t i = 0; i < n; i++) {
        const art_segment *s = &doc->segs[i];
        CU_ASSERT_STRING_EQUAL(s->text, want[i].text);
        CU_ASSERT_EQUAL(s->paragraph, want[i].paragraph);
        CU_ASSERT_EQUAL(s->sentence, want[i].sentence);
        CU_ASSERT_EQUAL(s->start, want[i].start);
        CU_ASSERT_EQUAL(s->end, want[i].end);
        CU_ASSERT_EQUAL(s->block, want[i].block);
    }
}

typedef art_status (*doc_parser)(const char *, size_t, const char *, art_document **,
                                 art_error *);

static art_document *parse_fixture(doc_parser parse, const char *rel, const char *name)
{
    size_t len;
    char *data = art_test_slurp(rel, &len);
    art_document *doc = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = parse(data, len, name, &doc, &err);
    free(data);
    CU_ASSERT_EQUAL(st, ART_OK);
    if (st != ART_OK)
        fprintf(stderr, "%s\n", err.message);
    return doc;
}

/* Parse a buffer expecting failure; returns the status, message in err. */
static art_status parse_fail(doc_parser parse, const char *data, size_t len, const char *name,
                             art_error *err)
{
    art_document *doc = (art_document *)1;
    art_error_clear(err);
    art_status st = parse(data, len, name, &doc, err);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_EQUAL(err->status, st);
    return st;
}

/* ---- plain text ------------------------------------------------------ */

static const expect_seg policy_segs[] = {
    {0, 0, 0, 37, ART_BLOCK_PARAGRAPH, "Our approach to Community Led Support"},
    {1, 0, 39, 76, ART_BLOCK_PARAGRAPH, "We trust our staff to make decisions."},
    {1, 1, 77, 152, ART_BLOCK_PARAGRAPH,
     "Conversations happen in community hubs, e.g. St. Anne\xE2\x80\x99s Hall every Tuesday."},
    {1, 2, 153, 195, ART_BLOCK_PARAGRAPH,
     "Mrs Okafor said: \xE2\x80\x9CIt feels different now.\xE2\x80\x9D"},
    {1, 3, 196, 227, ART_BLOCK_PARAGRAPH, "Dr. Patel agreed with J. Smith."},
    {2, 0, 229, 308, ART_BLOCK_PARAGRAPH,
     "The team meets weekly; there is no waiting list \xE2\x80\x94 people are seen the same day."},
    {2, 1, 309, 325, ART_BLOCK_PARAGRAPH, "Is this working?"},
    {2, 2, 326, 338, ART_BLOCK_PARAGRAPH, "We think so!"},
    {2, 3, 339, 374, ART_BLOCK_PARAGRAPH, "Costs fell by 3.5 per cent in 2023."},
    {3, 0, 376, 430, ART_BLOCK_PARAGRAPH,
     "Caf\xC3\xA9 conversations are held at the caf\xC3\xA9 on Fore Street"},
};

static void test_text_policy(void)
{
    art_document *doc = parse_fixture(art_doc_parse_text, "tests/data/ingest/policy.txt",
                                      "policy.txt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_STRING_EQUAL(doc->format, "txt");
    CU_ASSERT_PTR_NULL(doc->title);
    CU_ASSERT_EQUAL(doc->nblocks, 4);
    check_segments(doc, policy_segs, sizeof policy_segs / sizeof policy_segs[0]);
    check_locators(doc);
    /* Blocks are joined by a blank line; lines inside one by a space. */
    CU_ASSERT(strncmp(doc->plain_text, "Our approach to Community Led Support\n\nWe trust", 47) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(doc->plain_text, "weekly; there is"));
    art_document_free(doc);
}

static void test_text_bom_crlf(void)
{
    art_document *a = parse_fixture(art_doc_parse_text, "tests/data/ingest/policy.txt", "a.txt");
    art_document *b = parse_fixture(art_doc_parse_text, "tests/data/ingest/policy-bom-crlf.txt",
                                    "b.txt");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(a->plain_text, b->plain_text);
    CU_ASSERT_PTR_NULL(strchr(b->plain_text, '\r'));
    check_segments(b, policy_segs, sizeof policy_segs / sizeof policy_segs[0]);
    check_locators(b);
    art_document_free(a);
    art_document_free(b);
}

static void test_text_errors(void)
{
    art_error err;
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_text, "abc\xFF" "def", 7, "bad.txt", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "bad.txt: not valid UTF-8 text (byte 3)");
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_text, "ab\0cd", 5, "nul.txt", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "nul.txt: not valid UTF-8 text (byte 2)");
    /* An overlong encoding of '/' is invalid too. */
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_text, "a\xC0\xAF", 3, "o.txt", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "o.txt: not valid UTF-8 text (byte 1)");
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_text, "", 0, "empty.txt", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "empty.txt: no text found");
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_text, "\xEF\xBB\xBF \r\n\t\r\n", 8, "blank.txt", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "blank.txt: no text found");
}

/* ---- segmentation ---------------------------------------------------- */

static void test_sentence_rules(void)
{
    const char *text =
        "See approx. 40 people, cf. Annex 2. Ask Ms. Reid vs. Mr. Cole about No. 5 Mill Rd. "
        "Then wait\xE2\x80\xA6 Then go. (Really.) \"Yes,\" she said. the end";
    art_document *doc = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_doc_parse_text(text, strlen(text), "s.txt", &doc, &err), ART_OK);
    static const expect_seg want[] = {
        {0, 0, 0, 35, ART_BLOCK_PARAGRAPH, "See approx. 40 people, cf. Annex 2."},
        {0, 1, 36, 82, ART_BLOCK_PARAGRAPH, "Ask Ms. Reid vs. Mr. Cole about No. 5 Mill Rd."},
        {0, 2, 83, 93, ART_BLOCK_PARAGRAPH, "Then wait\xE2\x80\xA6"},
        {0, 3, 94, 102, ART_BLOCK_PARAGRAPH, "Then go."},
        {0, 4, 103, 112, ART_BLOCK_PARAGRAPH, "(Really.)"},
        {0, 5, 113, 137, ART_BLOCK_PARAGRAPH, "\"Yes,\" she said. the end"},
    };
    check_segments(doc, want, sizeof want / sizeof want[0]);
    check_locators(doc);
    art_document_free(doc);
}

static void test_sentence_cap(void)
{
    /* 1500 words of 4 letters and one 2500-letter word: no segment may
     * exceed 2000 code points, and the locators still hold.  Word runs are
     * split at a space (which then belongs to no segment); the long word is
     * cut hard at 2000. */
    size_t len = 1500 * 5 + 2500 + 2;
    char *text = malloc(len + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    size_t n = 0;
    for (int i = 0; i < 1500; i++) {
        memcpy(text + n, "care ", 5);
        n += 5;
    }
    memset(text + n, 'x', 2500);
    n += 2500;
    text[n] = '\0';
    art_document *doc = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_doc_parse_text(text, n, "long.txt", &doc, &err), ART_OK);
    CU_ASSERT_EQUAL(doc->nblocks, 1);
    CU_ASSERT_EQUAL_FATAL(doc->nsegs, 6);
    for (size_t i = 0; i < doc->nsegs; i++) {
        CU_ASSERT(doc->segs[i].end - doc->segs[i].start <= 2000);
        CU_ASSERT_EQUAL(doc->segs[i].sentence, (int)i);
    }
    /* 400 words fit in 1999 code points; the split is at the space. */
    CU_ASSERT_EQUAL(doc->segs[0].start, 0);
    CU_ASSERT_EQUAL(doc->segs[0].end, 1999);
    CU_ASSERT_EQUAL(doc->segs[1].start, 2000);
    CU_ASSERT_EQUAL(doc->segs[3].end, 7499);
    CU_ASSERT_EQUAL(doc->segs[4].start, 7500);
    CU_ASSERT_EQUAL(doc->segs[4].end, 9500);
    CU_ASSERT_EQUAL(doc->segs[5].start, 9500);
    CU_ASSERT_EQUAL(doc->segs[5].end, 10000);
    check_locators(doc);
    art_document_free(doc);
    free(text);
}

/* ---- Markdown -------------------------------------------------------- */

static void test_markdown_strategy(void)
{
    art_document *doc = parse_fixture(art_doc_parse_markdown, "tests/data/ingest/strategy.md",
                                      "strategy.md");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_STRING_EQUAL(doc->format, "md");
    CU_ASSERT_STRING_EQUAL(doc->title, "Riverside Community Led Support Strategy");
    CU_ASSERT_EQUAL(doc->nblocks, 16);
    static const expect_seg want[] = {
        {0, 0, 0, 19, ART_BLOCK_HEADING, "Working differently"},
        {1, 0, 21, 69, ART_BLOCK_PARAGRAPH, "We want to trust our teams and reduce hand-offs."},
        {1, 1, 70, 101, ART_BLOCK_PARAGRAPH, "Read the full plan for details."},
        {2, 0, 103, 113, ART_BLOCK_HEADING, "Our values"},
        {3, 0, 115, 145, ART_BLOCK_LIST_ITEM, "Conversations, not assessments"},
        {4, 0, 147, 171, ART_BLOCK_LIST_ITEM, "Local hubs in every town"},
        {5, 0, 173, 199, ART_BLOCK_LIST_ITEM, "Nested: Brixham and Totnes"},
        {6, 0, 201, 212, ART_BLOCK_LIST_ITEM, "Fewer forms"},
        {7, 0, 214, 227, ART_BLOCK_LIST_ITEM, "Shorter waits"},
        {8, 0, 229, 283, ART_BLOCK_QUOTE,
         "People told us they felt \xE2\x80\x9Cpassed from pillar to post\xE2\x80\x9D."},
        {8, 1, 284, 311, ART_BLOCK_QUOTE, "They want one conversation."},
        {9, 0, 313, 320, ART_BLOCK_TABLE_CELL, "Measure"},
        {10, 0, 322, 326, ART_BLOCK_TABLE_CELL, "2023"},
        {11, 0, 328, 332, ART_BLOCK_TABLE_CELL, "2024"},
        {12, 0, 334, 346, ART_BLOCK_TABLE_CELL, "Waiting list"},
        {13, 0, 348, 351, ART_BLOCK_TABLE_CELL, "120"},
        {14, 0, 353, 354, ART_BLOCK_TABLE_CELL, "0"},
        {15, 0, 356, 394, ART_BLOCK_PARAGRAPH,
         "The hub model works \xE2\x80\x94 it\xE2\x80\x99s caf\xC3\xA9-style."},
    };
    check_segments(doc, want, sizeof want / sizeof want[0]);
    check_locators(doc);
    static const char *const absent[] = {"fenced code", "indented code", "internal note",
                                         "diagram", "https", "author", "**", "---", "|"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        CU_ASSERT_PTR_NULL(strstr(doc->plain_text, absent[i]));
    art_document_free(doc);
}

static void test_markdown_title_and_inline(void)
{
    const char *md = "Intro to hubs\n=============\n\nA __bold__ move_with_underscores and 2 * 3.\n"
                     "\n## Second\n\n# Later level one\n\nSee <span>this</span> &amp; \\*that\\*.\n";
    art_document *doc = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_doc_parse_markdown(md, strlen(md), "t.md", &doc, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(doc->title, "Intro to hubs");
    CU_ASSERT_EQUAL(doc->nblocks, 5);
    CU_ASSERT_EQUAL_FATAL(doc->nsegs, 5);
    CU_ASSERT_EQUAL(doc->segs[0].block, ART_BLOCK_HEADING);
    CU_ASSERT_STRING_EQUAL(doc->segs[1].text, "A bold move_with_underscores and 2 * 3.");
    CU_ASSERT_EQUAL(doc->segs[2].block, ART_BLOCK_HEADING);
    CU_ASSERT_STRING_EQUAL(doc->segs[3].text, "Later level one");
    CU_ASSERT_STRING_EQUAL(doc->segs[4].text, "See this & *that*.");
    check_locators(doc);
    art_document_free(doc);
}

static void test_markdown_errors(void)
{
    art_error err;
    const char *only_code = "```\nnothing to see\n```\n<!-- hidden -->\n";
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_markdown, only_code, strlen(only_code), "c.md", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "c.md: no text found");
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_markdown, "# T\xE9st\n", 7, "l1.md", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "l1.md: not valid UTF-8 text (byte 3)");
}

/* ---- HTML ------------------------------------------------------------ */

static void test_html_hub(void)
{
    art_document *doc = parse_fixture(art_doc_parse_html, "tests/data/ingest/hub.html", "hub.html");
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_STRING_EQUAL(doc->format, "html");
    CU_ASSERT_STRING_EQUAL(doc->title, "Riverside Hub Guide");
    CU_ASSERT_EQUAL(doc->nblocks, 13);
    static const expect_seg want[] = {
        {0, 0, 0, 4, ART_BLOCK_PARAGRAPH, "Home"},
        {1, 0, 6, 27, ART_BLOCK_HEADING, "Talking Points & Hubs"},
        {2, 0, 29, 74, ART_BLOCK_PARAGRAPH, "Residents can drop in without an appointment."},
        {2, 1, 75, 97, ART_BLOCK_PARAGRAPH, "No referral is needed."},
        {2, 2, 98, 127, ART_BLOCK_PARAGRAPH, "Staff use good conversations."},
        {3, 0, 129, 156, ART_BLOCK_PARAGRAPH, "Opening hours vary by town."},
        {4, 0, 158, 177, ART_BLOCK_PARAGRAPH, "Ask at the library."},
        {5, 0, 179, 200, ART_BLOCK_PARAGRAPH, "Call ahead if unsure."},
        {6, 0, 202, 220, ART_BLOCK_LIST_ITEM, "Brixham \xE2\x80\x94 Tuesdays"},
        {7, 0, 222, 233, ART_BLOCK_LIST_ITEM, "Totnes caf\xC3\xA9"},
        {8, 0, 235, 239, ART_BLOCK_TABLE_CELL, "Town"},
        {9, 0, 241, 244, ART_BLOCK_TABLE_CELL, "Day"},
        {10, 0, 246, 255, ART_BLOCK_TABLE_CELL, "Dartmouth"},
        {11, 0, 257, 263, ART_BLOCK_TABLE_CELL, "Friday"},
        {12, 0, 265, 285, ART_BLOCK_QUOTE, "\xE2\x80\x9CI was listened to.\xE2\x80\x9D"},
    };
    check_segments(doc, want, sizeof want / sizeof want[0]);
    check_locators(doc);
    static const char *const absent[] = {"script text", "color", "Enable JavaScript",
                                         "hidden template", "svg text", "icon", "Riverside"};
    for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
        CU_ASSERT_PTR_NULL(strstr(doc->plain_text, absent[i]));
    art_document_free(doc);
}

static void test_html_title_fallback(void)
{
    const char *html = "<body><h2>Minor</h2><h1>First <b>main</b> heading</h1>"
                       "<h1>Second</h1><p>Text.</p></body>";
    art_document *doc = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_doc_parse_html(html, strlen(html), "h.html", &doc, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(doc->title, "First main heading");
    CU_ASSERT_EQUAL(doc->nblocks, 4);
    check_locators(doc);
    art_document_free(doc);
}

static void test_html_errors(void)
{
    art_error err;
    static const char binary[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_html, binary, sizeof binary - 1, "img.html", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "img.html: not an HTML file (contains NUL bytes)");
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_html, "<p>caf\xE9</p>", 11, "l1.html", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "l1.html: not valid UTF-8 text (byte 6)");
    const char *blank = "<html><head><title>T</title><script>x()</script></head><body> </body></html>";
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_html, blank, strlen(blank), "b.html", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "b.html: no text found");
    CU_ASSERT_EQUAL(parse_fail(art_doc_parse_html, "", 0, "e.html", &err), ART_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "e.html: "));
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
}

static void test_html_declared_charset(void)
{
    /* A Latin-1 page that says so is converted, not refused. */
    const char *html = "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xE9.</p></body></html>";
    art_document *doc = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_doc_parse_html(html, strlen(html), "l.html", &doc, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(doc->nsegs, 1);
    CU_ASSERT_STRING_EQUAL(doc->segs[0].text, "Caf\xC3\xA9.");
    art_document_free(doc);
}

/* ---- hardened XML ---------------------------------------------------- */

static art_status xml_fixture(const char *rel, const char *name, art_error *err)
{
    size_t len;
    char *data = art_test_slurp(rel, &len);
    art_error_clear(err);
    xmlDocPtr doc = art_xml_parse(data, len, name, err);
    free(data);
    if (doc) {
        xmlFreeDoc(doc);
        return ART_OK;
    }
    return err->status;
}

static void test_xml_external_entity(void)
{
    art_error err;
    CU_ASSERT_EQUAL(xml_fixture("tests/data/ingest/xxe.xml", "xxe.xml", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message,
                           "xxe.xml: XML that declares entities in its DOCTYPE is refused");
    CU_ASSERT_PTR_NULL(strstr(err.message, "root"));
    CU_ASSERT_EQUAL(xml_fixture("tests/data/ingest/xxe-param.xml", "p.xml", &err), ART_ERR_FORMAT);
    CU_ASSERT_PTR_NULL(strstr(err.message, "root"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "p.xml: "));
}

static void test_xml_billion_laughs(void)
{
    art_error err;
    CU_ASSERT_EQUAL(xml_fixture("tests/data/ingest/laughs.xml", "laughs.xml", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message,
                           "laughs.xml: XML that declares entities in its DOCTYPE is refused");
}

static void test_xml_malformed(void)
{
    art_error err;
    CU_ASSERT_EQUAL(xml_fixture("tests/data/ingest/malformed.xml", "malformed.xml", &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "malformed.xml: malformed XML at line 5");
    CU_ASSERT_PTR_NULL(strstr(err.message, "Confidential"));
    CU_ASSERT_PTR_NULL(strstr(err.message, "dimension"));
}

static void test_xml_valid(void)
{
    const char *xml = "<?xml version=\"1.0\"?>\n<rubric id=\"r\"><dim>caf\xC3\xA9</dim></rubric>\n";
    art_error err;
    xmlDocPtr doc = art_xml_parse(xml, strlen(xml), "ok.xml", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    CU_ASSERT_STRING_EQUAL((const char *)root->name, "rubric");
    xmlFreeDoc(doc);
    /* An external DTD is neither fetched nor fatal. */
    const char *ext = "<?xml version=\"1.0\"?>\n<!DOCTYPE r SYSTEM \"file:///etc/passwd\">\n<r/>\n";
    doc = art_xml_parse(ext, strlen(ext), "ext.xml", &err);
    CU_ASSERT_PTR_NOT_NULL(doc);
    xmlFreeDoc(doc);
}

/* ---- the builder's one-pass normaliser ---------------------------------- */

/* The normalisation the builder did before it was one pass: copy with
 * NO-BREAK SPACE as a space, then squash white space (stopping at a NUL).
 * The fast path must give the same bytes for any input. */
static char *reference_normalise(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            out[w++] = ' ';
            i++;
        } else {
            out[w++] = s[i];
        }
    }
    out[w] = '\0';
    art_str_squash_space(out);
    return out;
}

/* Build a document from blocks (each with an explicit length). */
static art_document *build_blocks(const char *const *blocks, const size_t *lens, size_t n)
{
    art_doc_builder b;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_doc_builder_init(&b, "txt"), ART_OK);
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL_FATAL(art_doc_builder_add(&b, ART_BLOCK_PARAGRAPH, blocks[i], lens[i]),
                              ART_OK);
    art_document *doc = NULL;
    CU_ASSERT_EQUAL_FATAL(art_doc_builder_finish(&b, &doc, &err), ART_OK);
    return doc;
}

static void test_builder_white_space(void)
{
    /* Runs of spaces, tabs, CRLF, \f\v and NO-BREAK SPACE squash to one
     * space; both ends are trimmed; blocks of nothing but white space (or
     * nothing) add neither a block nor a "\n\n". */
    static const char b0[] = " \t Care\r\n\r\nplans  are\xC2\xA0\xC2\xA0shared.\f\v ";
    static const char b1[] = " \t\r\n\xC2\xA0 ";
    static const char b2[] = "";
    static const char b3[] = "Caf\xC3\xA9\tstaff listen\xE2\x80\xA6 Then act.";
    static const char b4[] = "ends with a lone lead \xC2";
    const char *blocks[] = {b0, b1, b2, b3, b4};
    size_t lens[] = {sizeof b0 - 1, sizeof b1 - 1, 0, sizeof b3 - 1, sizeof b4 - 1};
    art_document *doc = build_blocks(blocks, lens, 5);
    CU_ASSERT_STRING_EQUAL(doc->plain_text,
                           "Care plans are shared.\n\nCaf\xC3\xA9 staff listen\xE2\x80\xA6 Then act."
                           "\n\nends with a lone lead \xC2");
    CU_ASSERT_EQUAL(doc->nblocks, 3);
    CU_ASSERT_EQUAL_FATAL(doc->nsegs, 4);
    CU_ASSERT_STRING_EQUAL(doc->segs[1].text, "Caf\xC3\xA9 staff listen\xE2\x80\xA6");
    CU_ASSERT_EQUAL(doc->segs[1].start, 24);
    CU_ASSERT_EQUAL(doc->segs[1].end, 42);
    CU_ASSERT_EQUAL(doc->segs[2].paragraph, 1);
    CU_ASSERT_EQUAL(doc->segs[2].sentence, 1);
    CU_ASSERT_EQUAL(doc->segs[3].paragraph, 2);
    check_locators(doc);
    art_document_free(doc);

    /* A NUL ends the block, as the copy-then-squash did. */
    static const char nul[] = "Kept words.\0 Lost words.";
    const char *one[] = {nul};
    size_t nlen[] = {sizeof nul - 1};
    doc = build_blocks(one, nlen, 1);
    CU_ASSERT_STRING_EQUAL(doc->plain_text, "Kept words.");
    CU_ASSERT_EQUAL(doc->nsegs, 1);
    art_document_free(doc);

    /* A document of empty blocks only is empty. */
    const char *empties[] = {b1, b2};
    size_t elens[] = {sizeof b1 - 1, 0};
    doc = build_blocks(empties, elens, 2);
    CU_ASSERT_STRING_EQUAL(doc->plain_text, "");
    CU_ASSERT_EQUAL(doc->nblocks, 0);
    CU_ASSERT_EQUAL(doc->nsegs, 0);
    art_document_free(doc);
}

static void test_builder_matches_reference(void)
{
    /* Random blocks over an alphabet of the bytes the fast path treats
     * specially (white space, NBSP halves, terminators, the ellipsis and
     * other multi-byte pieces, NUL): plain_text is the reference
     * normalisation of each block joined by "\n\n", and the locators hold. */
    static const char alphabet[] = {' ', '\t', '\n', '\r', '\f', '\v', 'a', 'B', '.', '!', '?', '"',
                                    (char)0xC2, (char)0xA0, (char)0xE2, (char)0x80, (char)0xA6,
                                    (char)0xC3, (char)0xA9, (char)0xFF, '\0'};
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        char blocks[4][256];
        const char *ptrs[4];
        size_t lens[4];
        art_buf want;
        art_buf_init(&want);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            lens[k] = (seed >> 16) % sizeof blocks[k];
            for (size_t i = 0; i < lens[k]; i++) {
                seed = seed * 1103515245u + 12345u;
                /* Even rounds: mostly the special bytes, letters and spaces,
                 * so there are sentences.  Odd rounds: long words, so the
                 * 16-byte copy runs, with the odd special byte in them. */
                unsigned r = (seed >> 16) % 64;
                if (round % 2 == 0) {
                    blocks[k][i] = r < sizeof alphabet - 1 ? alphabet[r] : (r & 1 ? 'x' : ' ');
                    if (r == 63)
                        blocks[k][i] = '\0';
                } else {
                    blocks[k][i] = r < 6 ? alphabet[r * 3 % (sizeof alphabet - 1)]
                                         : (char)('a' + r % 26);
                }
            }
            ptrs[k] = blocks[k];
            char *norm = reference_normalise(blocks[k], lens[k]);
            if (norm[0]) {
                if (want.len)
                    art_buf_append(&want, "\n\n", 2);
                art_buf_puts(&want, norm);
            }
            free(norm);
        }
        art_document *doc = build_blocks(ptrs, lens, 4);
        CU_ASSERT_STRING_EQUAL(doc->plain_text, want.data ? want.data : "");
        check_locators(doc);
        art_document_free(doc);
        art_buf_free(&want);
    }
}

static void test_builder_long_paragraph(void)
{
    /* One paragraph of 4,000 two-byte letters and some sentences: the cap
     * counts code points, not bytes, and a sentence of exactly 2000 code
     * points is one segment while 2001 is two. */
    art_buf t;
    art_buf_init(&t);
    for (int i = 0; i < 1999; i++)
        art_buf_append(&t, "\xC3\xA9", 2);
    art_buf_append(&t, ". Next one. ", 12);
    for (int i = 0; i < 2001; i++)
        art_buf_append(&t, "\xC3\xA9", 2);
    CU_ASSERT_FALSE_FATAL(t.failed);
    const char *blocks[] = {t.data};
    size_t lens[] = {t.len};
    art_document *doc = build_blocks(blocks, lens, 1);
    CU_ASSERT_EQUAL_FATAL(doc->nsegs, 4);
    CU_ASSERT_EQUAL(doc->segs[0].start, 0);      /* 1999 letters and "." */
    CU_ASSERT_EQUAL(doc->segs[0].end, 2000);
    CU_ASSERT_EQUAL(doc->segs[1].start, 2001);
    CU_ASSERT_STRING_EQUAL(doc->segs[1].text, "Next one.");
    CU_ASSERT_EQUAL(doc->segs[2].start, 2011);   /* 2001 letters: cut hard at 2000 */
    CU_ASSERT_EQUAL(doc->segs[2].end, 4011);
    CU_ASSERT_EQUAL(doc->segs[3].start, 4011);
    CU_ASSERT_EQUAL(doc->segs[3].end, 4012);
    check_locators(doc);
    art_document_free(doc);
    art_buf_free(&t);
}

void art_test_register(void)
{
    ART_SUITE("text", {"policy fixture: blocks, sentences, offsets", test_text_policy},
              {"BOM and CRLF give the same document", test_text_bom_crlf},
              {"errors: invalid UTF-8, NUL, empty", test_text_errors});
    ART_SUITE("segment", {"abbreviations, ellipsis, brackets, quotes", test_sentence_rules},
              {"long sentences are capped", test_sentence_cap},
              {"builder: white space, NBSP, CRLF, empty blocks, NUL", test_builder_white_space},
              {"builder: one-pass normaliser matches the reference", test_builder_matches_reference},
              {"builder: long paragraph of multi-byte text", test_builder_long_paragraph});
    ART_SUITE("markdown", {"strategy fixture", test_markdown_strategy},
              {"setext title, inline markup", test_markdown_title_and_inline},
              {"errors", test_markdown_errors});
    ART_SUITE("html", {"hub fixture", test_html_hub}, {"title from first h1", test_html_title_fallback},
              {"errors: binary, invalid UTF-8, no text", test_html_errors},
              {"declared charset", test_html_declared_charset});
    ART_SUITE("xml", {"external entity refused", test_xml_external_entity},
              {"billion laughs refused", test_xml_billion_laughs},
              {"malformed: message without document text", test_xml_malformed},
              {"valid XML parses", test_xml_valid});
}
