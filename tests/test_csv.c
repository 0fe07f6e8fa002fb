/* Tests for the CSV reader and the coded-export parsers (Taguette,
 * QualCoder, artefact), including every error path. */
#include "testutil.h"
#include "artefact/artefact.h"
#include "csv.h"

#include <stdlib.h>
#include <string.h>

static art_coded_set *parse_fixture(const char *rel, const char *name)
{
    size_t len;
    char *data = art_test_slurp(rel, &len);
    art_coded_set *set = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_coded_parse_csv(data, len, name, &set, &err);
    free(data);
    CU_ASSERT_EQUAL(st, ART_OK);
    if (st != ART_OK)
        fprintf(stderr, "%s\n", err.message);
    return set;
}

static art_status parse_fail(const char *data, size_t len, const char *name, art_error *err)
{
    art_coded_set *set = (art_coded_set *)1;
    art_error_clear(err);
    art_status st = art_coded_parse_csv(data, len, name, &set, err);
    CU_ASSERT_PTR_NULL(set);
    CU_ASSERT_EQUAL(err->status, st);
    CU_ASSERT_PTR_NULL(strchr(err->message, '\n'));
    return st;
}

/* got equals want, where want NULL means "absent". */
static void assert_str_or_null(const char *got, const char *want)
{
    if (!want) {
        CU_ASSERT_PTR_NULL(got);
        return;
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, want);
}
#define ASSERT_STR_OR_NULL(got, want) assert_str_or_null((got), (want))

typedef struct expect_item {
    long row;
    const char *document, *participant, *coder, *code, *code_path, *text, *memo;
} expect_item;

static void check_items(const art_coded_set *set, const expect_item *want, size_t n)
{
    CU_ASSERT_EQUAL_FATAL(set->nitems, n);
    for (size_t i = 0; i < n; i++) {
        const art_coded_segment *c = &set->items[i];
        CU_ASSERT_EQUAL(c->row, want[i].row);
        ASSERT_STR_OR_NULL(c->document, want[i].document);
        ASSERT_STR_OR_NULL(c->participant, want[i].participant);
        ASSERT_STR_OR_NULL(c->coder, want[i].coder);
        ASSERT_STR_OR_NULL(c->code, want[i].code);
        ASSERT_STR_OR_NULL(c->code_path, want[i].code_path);
        ASSERT_STR_OR_NULL(c->text, want[i].text);
        ASSERT_STR_OR_NULL(c->memo, want[i].memo);
    }
}

/* ---- the reader ------------------------------------------------------ */

static void test_reader_records(void)
{
    static const char data[] = "\xEF\xBB\xBF" "a,\"b \"\"quoted\"\"\",c\r\n"
                               "\"multi\r\nline\",,\"\"\r\n"
                               "\n"
                               "last,row";
    art_csv r;
    art_error err;
    bool eof;
    CU_ASSERT_EQUAL_FATAL(art_csv_open(&r, data, sizeof data - 1, "r.csv", &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_csv_next(&r, &eof, &err), ART_OK);
    CU_ASSERT_FALSE(eof);
    CU_ASSERT_EQUAL_FATAL(r.nfields, 3);
    CU_ASSERT_STRING_EQUAL(r.fields[0], "a");
    CU_ASSERT_STRING_EQUAL(r.fields[1], "b \"quoted\"");
    CU_ASSERT_EQUAL(r.lens[1], 10);
    CU_ASSERT_STRING_EQUAL(r.fields[2], "c");
    CU_ASSERT_EQUAL(r.record_line, 1);
    CU_ASSERT_EQUAL_FATAL(art_csv_next(&r, &eof, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(r.nfields, 3);
    CU_ASSERT_STRING_EQUAL(r.fields[0], "multi\r\nline");
    CU_ASSERT_STRING_EQUAL(r.fields[1], "");
    CU_ASSERT_STRING_EQUAL(r.fields[2], "");
    CU_ASSERT_EQUAL(r.record_line, 2);
    /* The blank line is skipped; the last record has no line ending. */
    CU_ASSERT_EQUAL_FATAL(art_csv_next(&r, &eof, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(r.nfields, 2);
    CU_ASSERT_STRING_EQUAL(r.fields[1], "row");
    CU_ASSERT_EQUAL(r.record_line, 5);
    CU_ASSERT_EQUAL(art_csv_next(&r, &eof, &err), ART_OK);
    CU_ASSERT_TRUE(eof);
    art_csv_close(&r);
}

/* ---- the three exports ----------------------------------------------- */

static void test_taguette(void)
{
    art_coded_set *set = parse_fixture("tests/data/csv/taguette.csv", "taguette.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_STRING_EQUAL(set->format, "taguette-csv");
    /* Row 3 has no tag and row 5 no text: both skipped. */
    static const expect_item want[] = {
        {1, "Interview 01 - Sam", NULL, NULL, "permission seeking", "trust/permission seeking",
         "I had to ask my manager before I could help & that took weeks.", NULL},
        {2, "Interview 01 - Sam", NULL, NULL, "sign-off", "hierarchy/sign-off",
         "We\xE2\x80\x99re told to \"use our judgement\" now.", NULL},
        {4, "Interview 02 - Priya", NULL, NULL, "Co-production", "Co-production",
         "First line second line", NULL},
    };
    check_items(set, want, sizeof want / sizeof want[0]);
    CU_ASSERT_EQUAL(set->nparticipants, 0);
    art_coded_set_free(set);
}

static void test_qualcoder_cases(void)
{
    art_coded_set *set = parse_fixture("tests/data/csv/qualcoder-case.csv", "qc.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_STRING_EQUAL(set->format, "qualcoder-csv");
    /* Row 2 is an image coding (Id imid:...): not text, skipped.  Categories
     * are written nearest first, so the path reads them backwards. */
    static const expect_item want[] = {
        {1, "interview-sam.txt", "Sam", "alex", "Permission seeking",
         "Culture/Trust/Permission seeking", "I had to ask permission\nfor everything.",
         "seems common"},
        {3, "interview-priya.txt", "Priya", "jo", "Listening", "Co-production/Listening",
         "They \"just listened\" to me.", NULL},
        {4, "interview-sam.txt", "Sam", "jo", "Autonomy", "Trust/Autonomy",
         "We now decide on the spot.", NULL},
    };
    check_items(set, want, sizeof want / sizeof want[0]);
    CU_ASSERT_EQUAL_FATAL(set->nparticipants, 2);
    const art_participant_info *sam = &set->participants[0], *priya = &set->participants[1];
    CU_ASSERT_STRING_EQUAL(sam->name, "Sam");
    CU_ASSERT_EQUAL(sam->nattrs, 2);
    CU_ASSERT_STRING_EQUAL(sam->attrs[0].name, "role");
    ASSERT_STR_OR_NULL(art_participant_attr(sam, "role"), "Social worker");
    /* First non-empty value wins: row 4's "Health" does not replace it. */
    ASSERT_STR_OR_NULL(art_participant_attr(sam, "SECTOR"), "Local authority");
    CU_ASSERT_STRING_EQUAL(priya->name, "Priya");
    ASSERT_STR_OR_NULL(art_participant_attr(priya, "role"), "Carer");
    ASSERT_STR_OR_NULL(art_participant_attr(priya, "sector"), "Lived experience");
    CU_ASSERT_PTR_NULL(art_participant_attr(priya, "CaseVar_role"));
    CU_ASSERT_PTR_NULL(art_participant_attr(NULL, "role"));
    art_coded_set_free(set);
}

static void test_qualcoder_files(void)
{
    art_coded_set *set = parse_fixture("tests/data/csv/qualcoder-file.csv", "qf.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_STRING_EQUAL(set->format, "qualcoder-csv");
    static const expect_item want[] = {
        {1, "hub-notes.txt", NULL, "alex", "Hubs", "Hubs", "Hubs run every week.", NULL},
    };
    check_items(set, want, 1);
    CU_ASSERT_EQUAL(set->nparticipants, 0);
    art_coded_set_free(set);
}

static void test_artefact(void)
{
    art_coded_set *set = parse_fixture("tests/data/csv/artefact.csv", "a.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_STRING_EQUAL(set->format, "artefact-csv");
    static const expect_item want[] = {
        {1, "Interview Ann", "P-Ann", "RB", "Permission seeking", "Trust/Permission seeking",
         "We used to say \"no\" first; now we ask what matters.", NULL},
        {2, "Interview Ann", "P-Ann", "RB", "Panels", "Hierarchy/Panels",
         "Decisions still go to panel.", NULL},
        {4, "Interview Ben", "Ben", NULL, "Co-production", "Co-production",
         "The hub is run by us.", NULL},
    };
    check_items(set, want, sizeof want / sizeof want[0]);
    CU_ASSERT_EQUAL_FATAL(set->nparticipants, 2);
    CU_ASSERT_STRING_EQUAL(set->participants[0].name, "P-Ann");
    ASSERT_STR_OR_NULL(art_participant_attr(&set->participants[0], "role"), "Team manager");
    ASSERT_STR_OR_NULL(art_participant_attr(&set->participants[0], "sector"), "Local authority");
    CU_ASSERT_STRING_EQUAL(set->participants[1].name, "Ben");
    ASSERT_STR_OR_NULL(art_participant_attr(&set->participants[1], "sector"), "VCS");
    CU_ASSERT_PTR_NULL(art_participant_attr(&set->participants[1], "notes"));
    art_coded_set_free(set);
}

static void test_artefact_minimal(void)
{
    /* Only code and text, upper case and padded header names. */
    const char *csv = " TEXT , Code \nWe listen first.,Trust\n";
    art_coded_set *set = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_coded_parse_csv(csv, strlen(csv), "m.csv", &set, &err), ART_OK);
    static const expect_item want[] = {
        {1, NULL, NULL, NULL, "Trust", "Trust", "We listen first.", NULL},
    };
    check_items(set, want, 1);
    art_coded_set_free(set);
}

static void test_header_only(void)
{
    art_coded_set *set = parse_fixture("tests/data/csv/header-only.csv", "h.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_STRING_EQUAL(set->format, "taguette-csv");
    CU_ASSERT_EQUAL(set->nitems, 0);
    CU_ASSERT_EQUAL(set->nparticipants, 0);
    art_coded_set_free(set);
}

/* ---- errors ---------------------------------------------------------- */

static void test_unterminated(void)
{
    size_t len;
    char *data = art_test_slurp("tests/data/csv/unterminated.csv", &len);
    art_error err;
    CU_ASSERT_EQUAL(parse_fail(data, len, "unterminated.csv", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message,
                           "unterminated.csv: unterminated quoted field starting at line 4");
    CU_ASSERT_PTR_NULL(strstr(err.message, "never"));
    free(data);
}

static void test_unknown_header(void)
{
    size_t len;
    char *data = art_test_slurp("tests/data/csv/unknown.csv", &len);
    art_error err;
    CU_ASSERT_EQUAL(parse_fail(data, len, "unknown.csv", &err), ART_ERR_UNSUPPORTED);
    CU_ASSERT_STRING_EQUAL(err.message, "unknown.csv: CSV header not recognised (expected a "
                                        "Taguette, QualCoder or artefact export)");
    free(data);
}

static void test_bad_bytes(void)
{
    art_error err;
    CU_ASSERT_EQUAL(parse_fail("code,text\nTrust,caf\xE9\n", 20, "l1.csv", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "l1.csv: not valid UTF-8 text (byte 19)");
    CU_ASSERT_EQUAL(parse_fail("code,text\nTr\0st,x\n", 18, "nul.csv", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "nul.csv: not valid UTF-8 text (byte 12)");
    CU_ASSERT_EQUAL(parse_fail("", 0, "empty.csv", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "empty.csv: empty CSV file (no header row)");
    CU_ASSERT_EQUAL(parse_fail("\xEF\xBB\xBF\r\n\r\n", 7, "blank.csv", &err), ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(err.message, "blank.csv: empty CSV file (no header row)");
}

static void test_limits(void)
{
    art_error err;
    /* A field one byte over 1 MiB, quoted so it also spans the limit check
     * in the quoted path. */
    size_t big = ART_CSV_MAX_FIELD + 1;
    char *data = malloc(big + 32);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    size_t n = (size_t)sprintf(data, "code,text\nTrust,\"");
    memset(data + n, 'a', big);
    n += big;
    data[n++] = '"';
    CU_ASSERT_EQUAL(parse_fail(data, n, "big.csv", &err), ART_ERR_LIMIT);
    CU_ASSERT_STRING_EQUAL(err.message, "big.csv: field longer than 1 MiB at line 2");
    free(data);
    /* Exactly 1 MiB is still fine. */
    data = malloc(ART_CSV_MAX_FIELD + 32);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    n = (size_t)sprintf(data, "code,text\nTrust,");
    memset(data + n, 'b', ART_CSV_MAX_FIELD);
    n += ART_CSV_MAX_FIELD;
    art_coded_set *set = NULL;
    CU_ASSERT_EQUAL(art_coded_parse_csv(data, n, "ok.csv", &set, &err), ART_OK);
    CU_ASSERT_EQUAL(set ? strlen(set->items[0].text) : 0, ART_CSV_MAX_FIELD);
    art_coded_set_free(set);
    free(data);
    /* 2001 fields in the header. */
    data = malloc(2 * 2001 + 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    n = 0;
    for (int i = 0; i < 2001; i++) {
        data[n++] = 'x';
        data[n++] = ',';
    }
    data[n - 1] = '\n';
    CU_ASSERT_EQUAL(parse_fail(data, n, "wide.csv", &err), ART_ERR_LIMIT);
    CU_ASSERT_STRING_EQUAL(err.message, "wide.csv: record with more than 2000 fields at line 1");
    free(data);
}

static void test_fragment_text(void)
{
    const char *html = "<p>A&amp;B&nbsp;&lt;3 &#39;x&#x27; &#8212;</p><p>next<br/>line</p> a < b";
    char *t = art_html_fragment_text(html, strlen(html));
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_EQUAL(t, "A&B <3 'x' \xE2\x80\x94 next line a < b");
    free(t);
    unsigned cp = 0;
    CU_ASSERT_EQUAL(art_entity_match("&#0;", 4, &cp), 4);
    CU_ASSERT_EQUAL(cp, 0xFFFD);
    CU_ASSERT_EQUAL(art_entity_match("&bogus;", 7, &cp), 0);
}

void art_test_register(void)
{
    ART_SUITE("csv-reader", {"records, quotes, newlines, BOM", test_reader_records},
              {"HTML fragments to text", test_fragment_text});
    ART_SUITE("csv-exports", {"Taguette", test_taguette}, {"QualCoder by case", test_qualcoder_cases},
              {"QualCoder by file", test_qualcoder_files}, {"artefact", test_artefact},
              {"artefact minimal header", test_artefact_minimal},
              {"header only: empty set", test_header_only});
    ART_SUITE("csv-errors", {"unterminated quote", test_unterminated},
              {"unknown header", test_unknown_header},
              {"invalid UTF-8, NUL, empty", test_bad_bytes}, {"limits", test_limits});
}
