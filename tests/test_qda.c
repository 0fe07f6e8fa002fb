/* REFI-QDA import and schema checks.
 *
 * The expected numbers for the real exports in shared/fixtures/refi-qda/
 * samples were worked out independently of this code, with Python's zipfile
 * and xml.etree: for each project, count User, Code (walking CodeBook/Codes
 * recursively and joining names with '/'), Case, Note, Set and TextSource
 * elements; read each source's text from sources/ (internal:// prefix
 * removed, BOM removed, decoded as UTF-8) and take text[start:end] of every
 * PlainTextSelection (Python str slicing counts code points, as the
 * standard does), resolving CodeRef/@targetGUID to the code's path and
 * Coding/@creatingUser to the user's name.  xmllint --schema gave the schema
 * verdicts (all five samples are valid). */
#include "testutil.h"

#include "../src/lib/qda.h"

#include <stdlib.h>
#include <string.h>

#define SAMPLES "../shared/fixtures/refi-qda/samples/"

/* ---- helpers ------------------------------------------------------------- */

static art_qda_project *load(const char *rel)
{
    art_qda_project *p = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_qda_load_file(art_test_src(rel), &p, &err);
    if (st != ART_OK)
        fprintf(stderr, "\n  loading %s: %s\n", rel, err.message);
    CU_ASSERT_EQUAL_FATAL(st, ART_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    return p;
}

static art_qda_project *parse(const char *xml, art_status want, const char *msg_part)
{
    art_qda_project *p = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_qda_parse_xml(xml, strlen(xml), "mem.qde", NULL, NULL, &p, &err);
    CU_ASSERT_EQUAL(st, want);
    if (msg_part) {
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, msg_part));
    }
    return p;
}

static size_t count_selections(const art_qda_project *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nsources; i++)
        n += p->sources[i].nsels;
    return n;
}

static size_t count_codings(const art_qda_project *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nsources; i++)
        for (size_t j = 0; j < p->sources[i].nsels; j++)
            n += p->sources[i].sels[j].ncodings;
    return n;
}

static bool has_warning(const art_qda_project *p, const char *text)
{
    for (size_t i = 0; i < p->nwarnings; i++)
        if (strcmp(p->warnings[i], text) == 0)
            return true;
    return false;
}

static const char *coded_path(const art_qda_project *p, const art_qda_selection *s, size_t k)
{
    CU_ASSERT_FATAL(k < s->ncodings);
    long c = s->codings[k].code;
    CU_ASSERT_FATAL(c >= 0 && (size_t)c < p->ncodes);
    return p->codes[c].path;
}

/* Parents come before children and paths are the parents' paths plus a name. */
static void assert_tree_consistent(const art_qda_project *p)
{
    for (size_t i = 0; i < p->ncodes; i++) {
        const art_qda_code *c = &p->codes[i];
        if (c->parent < 0) {
            CU_ASSERT_STRING_EQUAL(c->path, c->name);
            continue;
        }
        CU_ASSERT((size_t)c->parent < i);
        const char *pp = p->codes[c->parent].path;
        size_t n = strlen(pp);
        CU_ASSERT(strncmp(c->path, pp, n) == 0 && c->path[n] == '/' &&
                  strcmp(c->path + n + 1, c->name) == 0);
    }
}

static bool mentions(const char *s, const char *needle)
{
    return s && strstr(s, needle);
}

/* Does `needle` occur anywhere in the imported project? */
static bool project_mentions(const art_qda_project *p, const char *needle)
{
    for (size_t i = 0; i < p->nwarnings; i++)
        if (mentions(p->warnings[i], needle))
            return true;
    for (size_t i = 0; i < p->nsources; i++) {
        const art_qda_source *s = &p->sources[i];
        if (mentions(s->text, needle) || mentions(s->memo, needle) || mentions(s->name, needle))
            return true;
        for (size_t j = 0; j < s->nsels; j++)
            if (mentions(s->sels[j].text, needle))
                return true;
    }
    return false;
}

/* ---- the real exports ------------------------------------------------------ */

static void test_sample_qc_demo(void)
{
    art_qda_project *p = load(SAMPLES "cproctor_demo.qdpx");
    CU_ASSERT_STRING_EQUAL(p->name, "qc project");
    CU_ASSERT_STRING_EQUAL(p->origin, "qc 1.3.2");
    CU_ASSERT_FALSE(p->is_codebook);
    CU_ASSERT_EQUAL(p->nusers, 1);
    CU_ASSERT_STRING_EQUAL(p->users[0].name, "cp");
    CU_ASSERT_EQUAL(p->ncodes, 262);
    CU_ASSERT_STRING_EQUAL(p->codes[0].path, "rq1_definition");
    CU_ASSERT_STRING_EQUAL(p->codes[2].path, "rq1_definition/competencies/programming");
    CU_ASSERT_STRING_EQUAL(p->codes[261].path, "rq3_process/politics/redirecting_conversation");
    CU_ASSERT_EQUAL(p->codes[2].parent, 1);
    assert_tree_consistent(p);
    CU_ASSERT_EQUAL(p->ncases, 0);
    CU_ASSERT_EQUAL(p->nnotes, 0);
    CU_ASSERT_EQUAL(p->nsets, 0);
    /* plainTextPath="board_2017.txt", no internal://, and no name attribute */
    CU_ASSERT_EQUAL_FATAL(p->nsources, 2);
    CU_ASSERT_STRING_EQUAL(p->sources[0].name, "board_2017.txt");
    CU_ASSERT_STRING_EQUAL(p->sources[0].path, "board_2017.txt");
    CU_ASSERT_EQUAL(p->sources[0].length, 52543);
    CU_ASSERT_STRING_EQUAL(p->sources[1].name, "admin-1.txt");
    CU_ASSERT_EQUAL(p->sources[1].length, 31906);
    CU_ASSERT_EQUAL_FATAL(p->sources[0].nsels, 158);
    CU_ASSERT_EQUAL(p->sources[1].nsels, 0);
    CU_ASSERT_EQUAL(count_codings(p), 205);
    CU_ASSERT_EQUAL(p->nwarnings, 0);

    const art_qda_selection *first = &p->sources[0].sels[0];
    CU_ASSERT_STRING_EQUAL(first->name, "line:6");
    CU_ASSERT_EQUAL(first->start, 320);
    CU_ASSERT_EQUAL(first->end, 400);
    CU_ASSERT_FALSE(first->whole_source);
    CU_ASSERT_STRING_EQUAL(first->text, "This district goal is engage every student in joyful, "
                                        "purposeful learning that \n");
    CU_ASSERT_EQUAL(first->ncodings, 1);
    CU_ASSERT_STRING_EQUAL(coded_path(p, first, 0), "rq2_curriculum_and_instruction/pedagogy/fun");
    CU_ASSERT_STRING_EQUAL(first->codings[0].coder, "cp");
    CU_ASSERT_STRING_EQUAL(first->codings[0].guid, "66323339-6466-3364-3266-616537386633");

    const art_qda_selection *second = &p->sources[0].sels[1];
    CU_ASSERT_STRING_EQUAL(second->text, "maximizes each student's opportunity to excel "
                                         "academically. Action step five \n");
    CU_ASSERT_STRING_EQUAL(coded_path(p, second, 0),
                           "rq2_curriculum_and_instruction/pedagogy/participation/"
                           "learning_opportunities");

    const art_qda_selection *last = &p->sources[0].sels[157];
    CU_ASSERT_EQUAL(last->start, 51547);
    CU_ASSERT_STRING_EQUAL(last->text, "similar equity issues [inaudible 00:54:11] access to "
                                       "that curriculum, which we \n");
    CU_ASSERT_STRING_EQUAL(coded_path(p, last, 0), "rq1_definition/rationales/equity");
    art_qda_project_free(p);
}

static void test_sample_nvivo(void)
{
    art_qda_project *p = load(SAMPLES "cproctor_nvivo_project.qdpx");
    CU_ASSERT_STRING_EQUAL(p->origin, "NVivo for Mac 15.0.0");
    CU_ASSERT_EQUAL(p->nusers, 2);
    CU_ASSERT_STRING_EQUAL(p->users[0].name, "chrisp");
    CU_ASSERT_STRING_EQUAL(p->users[0].guid, "1b0b1791-be46-4557-9957-7333544cfaf2");
    CU_ASSERT_EQUAL(p->ncodes, 262);
    CU_ASSERT_STRING_EQUAL(p->codes[2].path, "rq1_definition/competencies/programming");
    CU_ASSERT_STRING_EQUAL(p->codes[261].path, "rq3_process/politics/redirecting_conversation");
    assert_tree_consistent(p);
    /* DOCX sources with a plainTextPath to a .txt: the .txt is used (one "\n") */
    CU_ASSERT_EQUAL_FATAL(p->nsources, 2);
    CU_ASSERT_STRING_EQUAL(p->sources[0].name, "66653866-6334-3535-3435-366637306566");
    CU_ASSERT_STRING_EQUAL(p->sources[0].path,
                           "internal://d097e6fd-7671-4d95-a8b6-7795fa4a72e1.txt");
    CU_ASSERT_STRING_EQUAL(p->sources[0].text, "\n");
    CU_ASSERT_EQUAL(p->sources[0].length, 1);
    CU_ASSERT_STRING_EQUAL(p->sources[1].text, "\n");
    CU_ASSERT_EQUAL(count_selections(p), 0);
    CU_ASSERT_EQUAL(p->ncases + p->nnotes + p->nsets, 0);
    CU_ASSERT_EQUAL(p->nwarnings, 0);
    art_qda_project_free(p);
}

static void test_sample_atlas(void)
{
    art_qda_project *p = load(SAMPLES "ponte_blank-atlas-project.qdpx");
    CU_ASSERT_STRING_EQUAL(p->name, "blank-atlas-project");
    CU_ASSERT_STRING_EQUAL(p->origin, "ATLAS.ti for Windows 23.2.3.27778");
    CU_ASSERT_EQUAL(p->nusers, 2);
    /* ATLAS.ti writes upper-case GUIDs */
    CU_ASSERT_STRING_EQUAL(p->users[0].guid, "088b08ac-d5cd-4adb-8b71-b4f3459c177f");
    CU_ASSERT_STRING_EQUAL(p->users[1].name, "ATLAS.ti");
    CU_ASSERT_EQUAL(p->ncodes + p->ncases + p->nsources + p->nnotes + p->nsets, 0);
    CU_ASSERT_EQUAL(p->nwarnings, 0);
    art_qda_project_free(p);

    p = load(SAMPLES "ponte_target-atlas-project.qdpx");
    CU_ASSERT_EQUAL(p->nusers, 2);
    CU_ASSERT_EQUAL_FATAL(p->ncodes, 3);
    CU_ASSERT_STRING_EQUAL(p->codes[0].path, "Commits");
    CU_ASSERT_STRING_EQUAL(p->codes[0].guid, "a182cd3a-d83c-4d8c-bc80-26d9103ec6d6");
    CU_ASSERT_STRING_EQUAL(p->codes[1].path, "Commits/2022-05-10T02:05:59Z 19e4dce");
    CU_ASSERT_STRING_EQUAL(p->codes[2].path, "Commits/2022-02-11T10:39:25Z cdbfd92");
    CU_ASSERT_EQUAL(p->codes[2].parent, 0);
    CU_ASSERT_PTR_NULL(p->codes[0].color);
    CU_ASSERT_EQUAL(p->nsources, 0);
    CU_ASSERT_EQUAL(p->nwarnings, 0);
    art_qda_project_free(p);
}

static void test_sample_hand_authored(void)
{
    art_qda_project *p = load(SAMPLES "ornio_hand_authored/project.qde");
    CU_ASSERT_STRING_EQUAL(p->name, "Sample Study");
    CU_ASSERT_EQUAL(p->nusers, 1);
    CU_ASSERT_EQUAL_FATAL(p->ncodes, 4);
    CU_ASSERT_STRING_EQUAL(p->codes[0].path, "Topics");
    CU_ASSERT_FALSE(p->codes[0].codable);
    CU_ASSERT_STRING_EQUAL(p->codes[1].path, "Topics/Health");
    CU_ASSERT_STRING_EQUAL(p->codes[1].color, "#33cc33");
    CU_ASSERT_STRING_EQUAL(p->codes[1].description, "Anything about physical or mental health");
    CU_ASSERT_STRING_EQUAL(p->codes[2].path, "Topics/Health/Diet");
    CU_ASSERT_STRING_EQUAL(p->codes[3].path, "Topics/Wellbeing");
    CU_ASSERT_EQUAL(p->codes[3].parent, 0);
    CU_ASSERT_TRUE(p->codes[3].codable);

    CU_ASSERT_EQUAL_FATAL(p->ncases, 1);
    const art_qda_case *c = &p->cases[0];
    CU_ASSERT_STRING_EQUAL(c->name, "Participant 1");
    CU_ASSERT_STRING_EQUAL(c->description, "A pseudonymised interview participant.");
    CU_ASSERT_EQUAL_FATAL(c->nvalues, 2);
    CU_ASSERT_STRING_EQUAL(c->values[0].name, "Age");
    CU_ASSERT_STRING_EQUAL(c->values[0].type, "Integer");
    CU_ASSERT_STRING_EQUAL(c->values[0].value, "34");
    CU_ASSERT_STRING_EQUAL(c->values[1].name, "Consented");
    CU_ASSERT_STRING_EQUAL(c->values[1].type, "Boolean");
    CU_ASSERT_STRING_EQUAL(c->values[1].value, "true");
    CU_ASSERT_EQUAL_FATAL(c->nsource_guids, 1);
    CU_ASSERT_STRING_EQUAL(c->source_guids[0], "40000000-0000-0000-0000-000000000001");
    CU_ASSERT_EQUAL_FATAL(c->nselection_guids, 1);
    CU_ASSERT_STRING_EQUAL(c->selection_guids[0], "50000000-0000-0000-0000-000000000001");

    CU_ASSERT_EQUAL_FATAL(p->nsources, 1);
    const art_qda_source *s = &p->sources[0];
    CU_ASSERT_STRING_EQUAL(s->name, "Interview 1.txt");
    CU_ASSERT_EQUAL(s->length, 53);
    CU_ASSERT_EQUAL_FATAL(s->nsels, 2);
    CU_ASSERT_STRING_EQUAL(s->sels[0].text, "Diet and health");
    CU_ASSERT_STRING_EQUAL(coded_path(p, &s->sels[0], 0), "Topics/Health");
    CU_ASSERT_STRING_EQUAL(s->sels[0].codings[0].coder, "Researcher A");
    /* The name says "health are closely"; the range 9..23 says otherwise,
     * and the range is what counts. */
    CU_ASSERT_STRING_EQUAL(s->sels[1].name, "health are closely");
    CU_ASSERT_EQUAL(s->sels[1].start, 9);
    CU_ASSERT_EQUAL(s->sels[1].end, 23);
    CU_ASSERT_STRING_EQUAL(s->sels[1].text, "health are clo");
    CU_ASSERT_STRING_EQUAL(coded_path(p, &s->sels[1], 0), "Topics/Health/Diet");
    CU_ASSERT_EQUAL(count_codings(p), 2);

    CU_ASSERT_EQUAL_FATAL(p->nnotes, 1);
    CU_ASSERT_STRING_EQUAL(p->notes[0].name, "Research memo");
    CU_ASSERT_STRING_EQUAL(p->notes[0].text, "Remember to follow up on diet-related comments.");
    CU_ASSERT_EQUAL_FATAL(p->nsets, 1);
    CU_ASSERT_STRING_EQUAL(p->sets[0].name, "Diet-related");
    CU_ASSERT_EQUAL_FATAL(p->sets[0].nmember_codes, 1);
    CU_ASSERT_STRING_EQUAL(p->sets[0].member_codes[0], "20000000-0000-0000-0000-000000000003");
    CU_ASSERT_EQUAL_FATAL(p->sets[0].nmember_sources, 1);
    CU_ASSERT_EQUAL(p->nwarnings, 0);
    art_qda_project_free(p);
}

/* ---- tolerances --------------------------------------------------------------- */

/* tests/data/qda/tolerant.qde (and the same project as tolerant.qdpx, with a
 * "Sources/" folder and a project file named "Tolerance Study.QDE"). */
static void check_tolerant(const art_qda_project *p)
{
    CU_ASSERT_EQUAL(p->nusers, 2);
    CU_ASSERT_STRING_EQUAL(p->users[0].guid, "aaaaaaaa-0000-0000-0000-000000000001");

    CU_ASSERT_EQUAL_FATAL(p->ncodes, 4);
    CU_ASSERT_STRING_EQUAL(p->codes[0].guid, "cccccccc-0000-0000-0000-000000000001");
    CU_ASSERT_STRING_EQUAL(p->codes[0].color, "#ff000a");  /* rgb(255, 0, 10) */
    CU_ASSERT_FALSE(p->codes[0].codable);
    CU_ASSERT_STRING_EQUAL(p->codes[1].path, "Trust/Earned");
    CU_ASSERT_STRING_EQUAL(p->codes[1].color, "#abcdef");  /* #ABCDEF */
    CU_ASSERT_TRUE(p->codes[1].codable);                   /* isCodable absent */
    CU_ASSERT_STRING_EQUAL(p->codes[2].color, "#ff00aa");  /* #f0a */
    CU_ASSERT_STRING_EQUAL(p->codes[3].path, "Hierarchy");
    CU_ASSERT_PTR_NULL(p->codes[3].color);                 /* "red" */

    CU_ASSERT_EQUAL_FATAL(p->ncases, 1);
    CU_ASSERT_EQUAL_FATAL(p->cases[0].nvalues, 2);
    CU_ASSERT_STRING_EQUAL(p->cases[0].values[0].name, "Role");
    CU_ASSERT_STRING_EQUAL(p->cases[0].values[0].type, "Text");
    CU_ASSERT_STRING_EQUAL(p->cases[0].values[0].value, "social worker");
    CU_ASSERT_STRING_EQUAL(p->cases[0].values[1].value, "7");
    CU_ASSERT_STRING_EQUAL(p->cases[0].source_guids[0], "bbbbbbbb-0000-0000-0000-000000000001");

    CU_ASSERT_EQUAL_FATAL(p->nsources, 7);
    const art_qda_source *s = &p->sources[0];
    /* BOM removed; CRLF counts as two code points, as the standard says:
     * "Line one\r\n" 0..10, "Café naïve" 10..20, "\r\n", "Third line\r\n" 22..34 */
    CU_ASSERT_EQUAL(s->length, 34);
    CU_ASSERT_EQUAL((unsigned char)s->text[0], 'L');
    CU_ASSERT_STRING_EQUAL(s->memo, "Compare with P02.");
    CU_ASSERT_EQUAL_FATAL(s->nsels, 4);
    CU_ASSERT_STRING_EQUAL(s->sels[0].text, "Caf\xc3\xa9 na\xc3\xafve");
    CU_ASSERT_EQUAL(s->sels[0].start, 10);
    CU_ASSERT_EQUAL(s->sels[0].end, 20);
    CU_ASSERT_STRING_EQUAL(s->sels[0].coder, "Ben");
    CU_ASSERT_EQUAL_FATAL(s->sels[0].ncodings, 2);
    CU_ASSERT_STRING_EQUAL(coded_path(p, &s->sels[0], 0), "Trust/Earned");
    CU_ASSERT_STRING_EQUAL(s->sels[0].codings[0].coder, "Ana");  /* {lower-case} GUID */
    CU_ASSERT_STRING_EQUAL(coded_path(p, &s->sels[0], 1), "Trust/Lost");
    CU_ASSERT_STRING_EQUAL(s->sels[0].codings[1].coder, "Ben");  /* the selection's user */
    CU_ASSERT_STRING_EQUAL(s->sels[0].memo, "Ask about supervision.\n\nCompare with P02.");
    /* a selection without codings is kept */
    CU_ASSERT_STRING_EQUAL(s->sels[1].guid, "ffffffff-0000-0000-0000-000000000002");
    CU_ASSERT_STRING_EQUAL(s->sels[1].text, "\r\nCa");
    CU_ASSERT_EQUAL(s->sels[1].ncodings, 0);
    /* 22..40 clamped to 22..34 */
    CU_ASSERT_EQUAL(s->sels[2].start, 22);
    CU_ASSERT_EQUAL(s->sels[2].end, 34);
    CU_ASSERT_STRING_EQUAL(s->sels[2].text, "Third line\r\n");
    CU_ASSERT_STRING_EQUAL(s->sels[2].codings[0].coder, "12345678-0000-0000-0000-00000000ABCD");
    /* its only coding named an unknown code: dropped, selection kept */
    CU_ASSERT_STRING_EQUAL(s->sels[3].text, "Line");
    CU_ASSERT_EQUAL(s->sels[3].ncodings, 0);

    s = &p->sources[1];
    CU_ASSERT_PTR_NULL(s->path);
    CU_ASSERT_EQUAL(s->length, 21);
    CU_ASSERT_EQUAL_FATAL(s->nsels, 3);
    CU_ASSERT_STRING_EQUAL(s->sels[0].text, "\xf0\x9f\xa4\x9d");  /* one code point */
    CU_ASSERT_STRING_EQUAL(s->sels[1].text, "grows");
    CU_ASSERT_TRUE(s->sels[2].whole_source);
    CU_ASSERT_EQUAL(s->sels[2].start, 0);
    CU_ASSERT_EQUAL(s->sels[2].end, 21);
    CU_ASSERT_STRING_EQUAL(s->sels[2].text, "Trust \xf0\x9f\xa4\x9d grows slowly.");
    CU_ASSERT_STRING_EQUAL(coded_path(p, &s->sels[2], 0), "Trust");
    CU_ASSERT_STRING_EQUAL(s->sels[2].codings[0].coder, "Ben");

    s = &p->sources[2];  /* plainTextPath="bare.txt" */
    CU_ASSERT_STRING_EQUAL(s->text, "Plain path without the internal prefix.");
    CU_ASSERT_EQUAL_FATAL(s->nsels, 1);
    CU_ASSERT_TRUE(s->sels[0].whole_source);
    CU_ASSERT_EQUAL(s->sels[0].end, 39);
    CU_ASSERT_PTR_NULL(s->sels[0].codings[0].coder);

    CU_ASSERT_STRING_EQUAL(p->sources[3].name, "Relative");
    CU_ASSERT_PTR_NULL(p->sources[3].text);
    CU_ASSERT_STRING_EQUAL(p->sources[4].path, "absolute:///etc/passwd");
    CU_ASSERT_PTR_NULL(p->sources[4].text);
    CU_ASSERT_EQUAL(p->sources[4].nsels, 0);
    CU_ASSERT_PTR_NULL(p->sources[5].text);  /* internal://../secret.txt */
    CU_ASSERT_PTR_NULL(p->sources[6].text);  /* not UTF-8 */
    CU_ASSERT_FALSE(project_mentions(p, "root:"));
    CU_ASSERT_FALSE(project_mentions(p, "SECRET"));

    CU_ASSERT_EQUAL(count_selections(p), 8);
    CU_ASSERT_EQUAL(count_codings(p), 7);
    CU_ASSERT_EQUAL(p->nnotes, 2);
    CU_ASSERT_STRING_EQUAL(p->notes[1].guid, "a0000000-0000-0000-0000-000000000002");

    CU_ASSERT_EQUAL_FATAL(p->nsets, 1);
    CU_ASSERT_STRING_EQUAL(p->sets[0].description, "Codes about trust");
    CU_ASSERT_EQUAL_FATAL(p->sets[0].nmember_codes, 2);
    CU_ASSERT_STRING_EQUAL(p->sets[0].member_codes[0], "cccccccc-0000-0000-0000-000000000002");
    CU_ASSERT_STRING_EQUAL(p->sets[0].member_codes[1], "cccccccc-0000-0000-0000-000000000003");
    CU_ASSERT_EQUAL_FATAL(p->sets[0].nmember_sources, 1);
    CU_ASSERT_STRING_EQUAL(p->sets[0].member_sources[0], "bbbbbbbb-0000-0000-0000-000000000001");

    static const char *const expected[] = {
        "code 'Hierarchy': colour not understood; ignored",
        "case 'P01': a value refers to no variable; ignored",
        "source 'Interview CRLF': a selection runs outside the text; clamped",
        "source 'Interview CRLF': a zero-length selection codes nothing; skipped",
        "source 'Interview CRLF': a selection starts after it ends; skipped",
        "source 'Interview CRLF': a coding refers to no known code; dropped",
        "source 'Relative': text at relative:// path not read",
        "source 'Absolute': text at absolute:// path not read",
        "source 'Absolute': 1 selections and 0 whole-source codings skipped because its text "
        "could not be read",
        "source 'Escape': text file not found in the project",
        "source 'Not UTF-8': text is not valid UTF-8; not read",
        "duplicate source GUID; the later source is ignored",
        "skipped 2 PDF sources (artefact reads text sources only)",
        "skipped 1 picture source (artefact reads text sources only)",
    };
    size_t n = sizeof expected / sizeof expected[0];
    CU_ASSERT_EQUAL(p->nwarnings, n);
    for (size_t i = 0; i < n && i < p->nwarnings; i++) {
        CU_ASSERT_STRING_EQUAL(p->warnings[i], expected[i]);
    }
}

static void test_tolerant_qde(void)
{
    art_qda_project *p = load("tests/data/qda/tolerant.qde");
    check_tolerant(p);
    art_qda_project_free(p);
}

static void test_tolerant_qdpx(void)
{
    art_qda_project *p = load("tests/data/qda/tolerant.qdpx");
    check_tolerant(p);
    art_qda_project_free(p);
}

static void test_non_guid_ids(void)
{
    art_qda_project *p = load("tests/data/qda/nonguid.qde");
    CU_ASSERT_EQUAL_FATAL(p->ncodes, 3);
    CU_ASSERT_STRING_EQUAL(p->codes[0].guid, "code-A");
    CU_ASSERT_STRING_EQUAL(p->codes[1].path, "A/B");
    CU_ASSERT_STRING_EQUAL(p->codes[2].guid, "CODE-A");  /* not a GUID: case kept */
    CU_ASSERT_EQUAL_FATAL(p->nsources, 1);
    CU_ASSERT_EQUAL_FATAL(p->sources[0].nsels, 1);
    CU_ASSERT_STRING_EQUAL(p->sources[0].sels[0].text, "bc");
    CU_ASSERT_STRING_EQUAL(coded_path(p, &p->sources[0].sels[0], 0), "A/B");
    CU_ASSERT_STRING_EQUAL(p->sources[0].sels[0].codings[0].coder, "Coder One");
    CU_ASSERT_STRING_EQUAL(p->sets[0].member_codes[0], "CODE-A");
    CU_ASSERT_EQUAL_FATAL(p->nwarnings, 4);
    CU_ASSERT_STRING_EQUAL(p->warnings[0], "ids are not GUIDs; used as written");
    CU_ASSERT_STRING_EQUAL(p->warnings[1],
                           "duplicate code GUID; the later code and its subcodes are ignored");
    CU_ASSERT_STRING_EQUAL(p->warnings[2],
                           "source 'Short': duplicate selection GUID; the later selection is "
                           "ignored");
    CU_ASSERT_STRING_EQUAL(p->warnings[3],
                           "source 'Short': a selection has no readable positions; skipped");
    art_qda_project_free(p);
}

static void test_codebook(void)
{
    art_qda_project *p = load("tests/data/qda/codebook.qdc");
    CU_ASSERT_TRUE(p->is_codebook);
    CU_ASSERT_PTR_NULL(p->name);
    CU_ASSERT_STRING_EQUAL(p->origin, "artefact tests");
    CU_ASSERT_EQUAL_FATAL(p->ncodes, 2);
    CU_ASSERT_STRING_EQUAL(p->codes[0].color, "#00ff00");
    CU_ASSERT_STRING_EQUAL(p->codes[0].description, "Working with people, not doing to them");
    CU_ASSERT_STRING_EQUAL(p->codes[1].path, "Co-production/Toward CLS");
    CU_ASSERT_EQUAL_FATAL(p->nsets, 1);
    CU_ASSERT_EQUAL_FATAL(p->sets[0].nmember_codes, 1);
    CU_ASSERT_STRING_EQUAL(p->sets[0].member_codes[0], "c0000000-0000-0000-0000-000000000002");
    CU_ASSERT_EQUAL(p->nusers + p->nsources + p->ncases, 0);
    CU_ASSERT_EQUAL(p->nwarnings, 0);
    art_qda_project_free(p);
}

static char *project_with_codes(const char *colour, int depth)
{
    art_buf b;
    art_buf_init(&b);
    art_buf_puts(&b, "<Project xmlns='urn:QDA-XML:project:1.0' name='x'><CodeBook><Codes>");
    for (int i = 0; i < depth; i++)
        art_buf_printf(&b, "<Code guid='c%d' name='L%d' isCodable='true'%s%s%s>", i, i,
                       colour ? " color='" : "", colour ? colour : "", colour ? "'" : "");
    for (int i = 0; i < depth; i++)
        art_buf_puts(&b, "</Code>");
    art_buf_puts(&b, "</Codes></CodeBook></Project>");
    CU_ASSERT_FATAL(!b.failed);
    return art_buf_steal(&b);
}

static void check_colour(const char *in, const char *want)
{
    char *xml = project_with_codes(in, 1);
    art_qda_project *p = parse(xml, ART_OK, NULL);
    free(xml);
    CU_ASSERT_FATAL(p && p->ncodes == 1);
    if (want) {
        CU_ASSERT_STRING_EQUAL(p->codes[0].color, want);
    } else {
        CU_ASSERT_PTR_NULL(p->codes[0].color);
    }
    CU_ASSERT_TRUE(has_warning(p, "ids are not GUIDs; used as written"));
    CU_ASSERT_EQUAL(p->nwarnings, want ? 1 : 2);
    art_qda_project_free(p);
}

static void test_colours(void)
{
    check_colour("#A1b2C3", "#a1b2c3");
    check_colour("#ABC", "#aabbcc");
    check_colour("rgb(0,128,255)", "#0080ff");
    check_colour("rgb( 1 , 2 , 3 )", "#010203");
    check_colour("rgb(256,0,0)", NULL);
    check_colour("rgb(1,2)", NULL);
    check_colour("#12345", NULL);
    check_colour("#ggg", NULL);
    check_colour("", NULL);
}

static void test_depth_capped(void)
{
    char *xml = project_with_codes(NULL, 70);
    art_qda_project *p = parse(xml, ART_OK, NULL);
    free(xml);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->ncodes, 64);
    CU_ASSERT_EQUAL(p->codes[63].parent, 62);
    CU_ASSERT_TRUE(has_warning(p, "codes nested deeper than 64 levels are skipped"));
    CU_ASSERT_EQUAL(p->nwarnings, 2);
    art_qda_project_free(p);
}

static void test_warnings_capped(void)
{
    art_buf b;
    art_buf_init(&b);
    art_buf_puts(&b, "<Project xmlns='urn:QDA-XML:project:1.0'><Sources>"
                     "<TextSource guid='00000000-0000-0000-0000-000000000001' name='S'>"
                     "<PlainTextContent>abc</PlainTextContent>");
    for (int i = 0; i < 1500; i++)
        art_buf_printf(&b, "<PlainTextSelection guid='10000000-0000-0000-0000-%012d' "
                           "startPosition='1' endPosition='1'/>", i);
    art_buf_puts(&b, "</TextSource></Sources></Project>");
    CU_ASSERT_FATAL(!b.failed);
    art_qda_project *p = parse(b.data, ART_OK, NULL);
    art_buf_free(&b);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->sources[0].nsels, 0);
    CU_ASSERT_EQUAL_FATAL(p->nwarnings, 1001);
    CU_ASSERT_STRING_EQUAL(p->warnings[0], "source 'S': a zero-length selection codes nothing; "
                                           "skipped");
    CU_ASSERT_STRING_EQUAL(p->warnings[1000], "... and 500 more");
    art_qda_project_free(p);
}

static void test_path_without_reader(void)
{
    /* parse_xml with no reader: the text is simply not there */
    art_qda_project *p =
        parse("<Project xmlns='urn:QDA-XML:project:1.0'><Sources>"
              "<TextSource guid='00000000-0000-0000-0000-000000000001' name='S\nX' "
              "plainTextPath='internal://a.txt'/></Sources></Project>",
              ART_OK, NULL);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT_EQUAL(p->nsources, 1);
    CU_ASSERT_PTR_NULL(p->sources[0].text);
    CU_ASSERT_EQUAL_FATAL(p->nwarnings, 1);
    /* a new line in a name does not break the one-line warning */
    CU_ASSERT_STRING_EQUAL(p->warnings[0], "source 'S X': text file not available here; not read");
    art_qda_project_free(p);
}

/* ---- refusals ---------------------------------------------------------------- */

static void expect_load_error(const char *rel, art_status want, const char *msg_part)
{
    art_qda_project *p = (art_qda_project *)1;
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL(art_qda_load_file(art_test_src(rel), &p, &err), want);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, msg_part));
    CU_ASSERT_PTR_NULL(strstr(err.message, "root:"));
}

static void test_errors(void)
{
    expect_load_error("tests/data/qda/notxml.qde", ART_ERR_FORMAT, "malformed XML");
    expect_load_error("tests/data/qda/wrongroot.qde", ART_ERR_FORMAT,
                      "wrongroot.qde: not a REFI-QDA project or codebook");
    expect_load_error("tests/data/qda/entities.qde", ART_ERR_FORMAT, "declares entities");
    expect_load_error("tests/data/qda/two_qde.qdpx", ART_ERR_FORMAT,
                      "2 .qde project files at the archive's root; expected one");
    expect_load_error("tests/data/qda/nested_qde.qdpx", ART_ERR_FORMAT,
                      "no .qde project file at the archive's root");
    expect_load_error("tests/data/qda/missing.qdpx", ART_ERR_IO, "missing.qdpx");
    expect_load_error("tests/data/qda/sources/bare.txt", ART_ERR_UNSUPPORTED,
                      "not a REFI-QDA file");
    /* a codebook root in the wrong namespace */
    art_qda_project *p = parse("<CodeBook xmlns='urn:QDA-XML:project:1.0'/>", ART_ERR_FORMAT,
                               "mem.qde: not a REFI-QDA project or codebook");
    CU_ASSERT_PTR_NULL(p);
    p = parse("<Project/>", ART_ERR_FORMAT, "not a REFI-QDA project");
    CU_ASSERT_PTR_NULL(p);
}

static void test_truncated_qdpx(void)
{
    size_t len;
    char *data = art_test_slurp("tests/data/qda/tolerant.qdpx", &len);
    art_qda_project *p = (art_qda_project *)1;
    art_error err;
    for (size_t cut = 0; cut < len; cut += len / 7 + 1) {
        art_error_clear(&err);
        p = (art_qda_project *)1;
        art_status st = art_qda_parse_qdpx(data, cut, "cut.qdpx", &p, &err);
        CU_ASSERT_EQUAL(st, ART_ERR_FORMAT);
        CU_ASSERT_PTR_NULL(p);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "cut.qdpx"));
    }
    art_error_clear(&err);
    CU_ASSERT_EQUAL(art_qda_parse_qdpx(data, len, "whole.qdpx", &p, &err), ART_OK);
    art_qda_project_free(p);
    free(data);
}

/* ---- validation -------------------------------------------------------------- */

typedef struct problems {
    char lines[16][512];
    size_t n;
} problems;

static void collect(void *ud, const char *line)
{
    problems *pr = ud;
    if (pr->n < 16)
        snprintf(pr->lines[pr->n], sizeof pr->lines[0], "%s", line);
    pr->n++;
}

static void expect_valid(const char *rel)
{
    problems pr = {.n = 0};
    art_error err;
    art_error_clear(&err);
    art_status st = art_qda_validate(art_test_src(rel), collect, &pr, &err);
    if (st != ART_OK)
        fprintf(stderr, "\n  %s: %s / %s\n", rel, err.message, pr.n ? pr.lines[0] : "");
    CU_ASSERT_EQUAL(st, ART_OK);
    CU_ASSERT_EQUAL(pr.n, 0);
}

static void test_validate_samples(void)
{
    expect_valid(SAMPLES "cproctor_demo.qdpx");
    expect_valid(SAMPLES "cproctor_nvivo_project.qdpx");
    expect_valid(SAMPLES "ponte_blank-atlas-project.qdpx");
    expect_valid(SAMPLES "ponte_target-atlas-project.qdpx");
    expect_valid(SAMPLES "ornio_hand_authored/project.qde");
    expect_valid("tests/data/qda/codebook.qdc");
}

static void test_validate_invalid(void)
{
    problems pr = {.n = 0};
    art_error err;
    art_error_clear(&err);
    CU_ASSERT_EQUAL(art_qda_validate(art_test_src("tests/data/qda/invalid.qde"), collect, &pr,
                                     &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "invalid.qde: does not follow the REFI-QDA "
                                               "project schema (4 problems)"));
    CU_ASSERT_EQUAL_FATAL(pr.n, 4);
    CU_ASSERT_STRING_EQUAL(pr.lines[0],
                           "line 4: Element '{urn:QDA-XML:project:1.0}User', attribute 'guid': "
                           "[facet 'pattern'] The value '...' is not accepted by the pattern "
                           "'...'.");
    CU_ASSERT_STRING_EQUAL(pr.lines[1],
                           "line 8: Element '{urn:QDA-XML:project:1.0}Code', attribute 'color': "
                           "[facet 'pattern'] The value '...' is not accepted by the pattern "
                           "'...'.");
    CU_ASSERT_STRING_EQUAL(pr.lines[2], "line 8: Element '{urn:QDA-XML:project:1.0}Code': The "
                                        "attribute 'isCodable' is required but missing.");
    CU_ASSERT_PTR_NOT_NULL(strstr(pr.lines[3], "line 11: Element "
                                               "'{urn:QDA-XML:project:1.0}Bogus': This element "
                                               "is not expected."));
    for (size_t i = 0; i < pr.n; i++) {
        CU_ASSERT_PTR_NULL(strstr(pr.lines[i], "not-a-guid"));
        CU_ASSERT_PTR_NULL(strstr(pr.lines[i], "Private"));
        CU_ASSERT_PTR_NULL(strstr(pr.lines[i], "Secret"));
        CU_ASSERT_PTR_NULL(strstr(pr.lines[i], "'red'"));
    }

    /* the tolerant fixture imports, but is not valid */
    pr.n = 0;
    CU_ASSERT_EQUAL(art_qda_validate(art_test_src("tests/data/qda/tolerant.qdpx"), collect, &pr,
                                     &err),
                    ART_ERR_FORMAT);
    CU_ASSERT(pr.n >= 5);

    /* a codebook checked against the project schema, and the reverse */
    size_t len;
    char *xml = art_test_slurp("tests/data/qda/codebook.qdc", &len);
    pr.n = 0;
    CU_ASSERT_EQUAL(art_qda_validate_memory(xml, len, "cb", true, collect, &pr, &err), ART_OK);
    CU_ASSERT_EQUAL(art_qda_validate_memory(xml, len, "cb", false, collect, &pr, &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_EQUAL(pr.n, 1);
    free(xml);

    CU_ASSERT_EQUAL(art_qda_validate(art_test_src("tests/data/qda/entities.qde"), collect, &pr,
                                     &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_EQUAL(art_qda_validate(art_test_src("tests/data/qda/two_qde.qdpx"), collect, &pr,
                                     &err),
                    ART_ERR_FORMAT);
    CU_ASSERT_EQUAL(art_qda_validate(art_test_src("tests/data/qda/sources/bare.txt"), collect,
                                     &pr, &err),
                    ART_ERR_UNSUPPORTED);
}

void art_test_register(void)
{
    ART_SUITE("qda_samples", {"qc demo", test_sample_qc_demo}, {"nvivo", test_sample_nvivo},
              {"atlas", test_sample_atlas}, {"hand authored", test_sample_hand_authored});
    ART_SUITE("qda_tolerance", {"tolerant qde", test_tolerant_qde},
              {"tolerant qdpx", test_tolerant_qdpx}, {"non-GUID ids", test_non_guid_ids},
              {"codebook", test_codebook}, {"colours", test_colours},
              {"depth capped", test_depth_capped}, {"warnings capped", test_warnings_capped},
              {"path without reader", test_path_without_reader});
    ART_SUITE("qda_errors", {"errors", test_errors}, {"truncated qdpx", test_truncated_qdpx});
    ART_SUITE("qda_validate", {"samples valid", test_validate_samples},
              {"invalid", test_validate_invalid});
}
