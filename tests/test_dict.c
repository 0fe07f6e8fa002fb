/* Tests of LIWC-format dictionaries: .dic and .dicx parsing, the quirks of
 * real files, category phrase lists, scoring and its audit trail, errors. */
#include "testutil.h"
#include "dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *SAMPLE =
    "Managers trust staff: we are kind of a community now, no sign off needed. "
    "Neighbours help; trusted locals approve.";

static art_dict *load_fixture(const char *rel)
{
    art_dict *d = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = art_dict_load(art_test_src(rel), &d, &err);
    if (st != ART_OK)
        fprintf(stderr, "%s\n", err.message);
    CU_ASSERT_EQUAL_FATAL(st, ART_OK);
    return d;
}

static void check_categories(const art_dict *d)
{
    CU_ASSERT_EQUAL_FATAL(art_dict_ncategories(d), 3);
    CU_ASSERT_STRING_EQUAL(art_dict_category(d, 0), "trust");
    CU_ASSERT_STRING_EQUAL(art_dict_category(d, 1), "control");
    CU_ASSERT_STRING_EQUAL(art_dict_category(d, 2), "community");
    CU_ASSERT_PTR_NULL(art_dict_category(d, 3));
    CU_ASSERT_EQUAL(art_dict_find_category(d, "Control"), 1);
    CU_ASSERT_EQUAL(art_dict_find_category(d, "hierarchy"), (size_t)-1);
}

/* The phrases of a category joined by "|". */
static void phrases_are(const art_dict *d, size_t cat, const char *want)
{
    size_t n = 0;
    const char *const *ph = art_dict_phrases(d, cat, &n);
    char got[512] = "";
    for (size_t i = 0; i < n; i++) {
        strncat(got, ph[i], sizeof got - strlen(got) - 2);
        if (i + 1 < n)
            strcat(got, "|");
    }
    CU_ASSERT_STRING_EQUAL(got, want);
}

static void hit_is(const art_dict_hit *h, size_t entry, long start, long end, size_t ntok)
{
    CU_ASSERT_EQUAL(h->entry, entry);
    CU_ASSERT_EQUAL(h->start, start);
    CU_ASSERT_EQUAL(h->end, end);
    CU_ASSERT_EQUAL(h->ntokens, ntok);
}

static void test_dic_basic(void)
{
    art_dict *d = load_fixture("tests/data/dict/cls.dic");
    check_categories(d);
    CU_ASSERT_EQUAL(art_dict_nwarnings(d), 0);
    CU_ASSERT_EQUAL(art_dict_nentries(d), 12);
    CU_ASSERT_STRING_EQUAL(art_dict_entry(d, 5), "sign off");
    CU_ASSERT_STRING_EQUAL(art_dict_entry(d, 11), "kind of");
    CU_ASSERT_PTR_NULL(art_dict_entry(d, 12));
    size_t n = 0;
    const size_t *c = art_dict_entry_categories(d, 2, &n);   /* trusted: 1 3 */
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(c[0], 0);
    CU_ASSERT_EQUAL(c[1], 2);
    phrases_are(d, 0, "trust|trust*|trusted|autonom*|kind of");
    phrases_are(d, 1, "permission|sign off|approv*|manager*");
    phrases_are(d, 2, "trusted|community|neighbo*|local|kind of");
    CU_ASSERT_PTR_NULL(art_dict_phrases(d, 3, &n));
    CU_ASSERT_EQUAL(n, 0);

    art_dict_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(art_dict_score(d, SAMPLE, strlen(SAMPLE), &r, NULL), ART_OK);
    CU_ASSERT_EQUAL(r->tokens, 19);
    CU_ASSERT_EQUAL(r->ncategories, 3);
    CU_ASSERT_EQUAL(r->matched[0], 4);     /* trust, kind of (2), trusted */
    CU_ASSERT_EQUAL(r->matched[1], 4);     /* managers, sign off (2), approve */
    CU_ASSERT_EQUAL(r->matched[2], 5);     /* kind of (2), community, neighbours, trusted */
    CU_ASSERT_DOUBLE_EQUAL(r->share[0], 4.0 / 19.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r->share[1], 4.0 / 19.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r->share[2], 5.0 / 19.0, 1e-12);
    CU_ASSERT_EQUAL_FATAL(r->nhits, 8);
    hit_is(&r->hits[0], 7, 0, 8, 1);       /* manager* */
    hit_is(&r->hits[1], 0, 9, 14, 1);      /* "trust" exact beats "trust*" */
    hit_is(&r->hits[2], 11, 29, 36, 2);    /* kind of */
    hit_is(&r->hits[3], 8, 39, 48, 1);
    hit_is(&r->hits[4], 5, 57, 65, 2);     /* sign off */
    hit_is(&r->hits[5], 9, 74, 84, 1);     /* neighbo* */
    hit_is(&r->hits[6], 2, 91, 98, 1);     /* "trusted" beats "trust*" */
    hit_is(&r->hits[7], 6, 106, 113, 1);   /* approv*; "locals" is not "local" */
    art_dict_result_free(r);

    /* No tokens: shares are 0, not NaN. */
    CU_ASSERT_EQUAL_FATAL(art_dict_score(d, " -- ", 4, &r, NULL), ART_OK);
    CU_ASSERT_EQUAL(r->tokens, 0);
    CU_ASSERT_EQUAL(r->nhits, 0);
    CU_ASSERT_DOUBLE_EQUAL(r->share[2], 0.0, 0);
    art_dict_result_free(r);
    art_error err;
    CU_ASSERT_EQUAL(art_dict_score(d, NULL, 3, &r, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL(art_dict_score(NULL, "x", 1, &r, &err), ART_ERR_USAGE);
    art_dict_free(d);
}

/* Multi-word entries overlap single words: the longest wins, once. */
static void test_longest_entry_wins(void)
{
    const char *dic = "%\n1 a\n2 b\n%\nkind\t1\nkind of\t2\nof\t1\nof course\t1 2\n";
    art_dict *d = NULL;
    CU_ASSERT_EQUAL_FATAL(art_dict_load_memory(dic, strlen(dic), "m.dic", &d, NULL), ART_OK);
    art_dict_result *r = NULL;
    const char *text = "kind of course, kind";
    CU_ASSERT_EQUAL_FATAL(art_dict_score(d, text, strlen(text), &r, NULL), ART_OK);
    CU_ASSERT_EQUAL(r->tokens, 4);
    CU_ASSERT_EQUAL_FATAL(r->nhits, 2);
    hit_is(&r->hits[0], 1, 0, 7, 2);       /* "kind of" claims "of" */
    hit_is(&r->hits[1], 0, 16, 20, 1);
    CU_ASSERT_EQUAL(r->matched[0], 1);
    CU_ASSERT_EQUAL(r->matched[1], 2);
    art_dict_result_free(r);
    art_dict_free(d);
}

static void warning_is(const art_dict *d, size_t i, const char *tail)
{
    const char *w = art_dict_warning(d, i);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    size_t lw = strlen(w), lt = strlen(tail);
    CU_ASSERT(lw >= lt && strcmp(w + lw - lt, tail) == 0);
    if (!(lw >= lt && strcmp(w + lw - lt, tail) == 0))
        fprintf(stderr, "\nwarning %zu: got '%s', want '...%s'\n", i, w, tail);
}

static void test_dic_quirks(void)
{
    art_dict *d = load_fixture("tests/data/dict/quirks.dic");
    check_categories(d);
    CU_ASSERT_EQUAL(art_dict_nentries(d), 7);
    CU_ASSERT_EQUAL_FATAL(art_dict_nwarnings(d), 8);
    warning_is(d, 0, "quirks.dic:12: conditional category; its default is used");
    warning_is(d, 1, "quirks.dic:13: entry has no letters or digits (an emoticon?) and cannot "
                     "match; skipped");
    warning_is(d, 2, "quirks.dic:14: duplicate entry (first on line 8); categories merged");
    warning_is(d, 3, "quirks.dic:15: unknown category number 99; skipped");
    warning_is(d, 4, "quirks.dic:16: unknown category number 42; skipped");
    warning_is(d, 5, "quirks.dic:16: entry has no known category; skipped");
    warning_is(d, 6, "quirks.dic:19: line longer than 8192 bytes; skipped");
    warning_is(d, 7, "quirks.dic:20: stray '%' line; skipped");
    CU_ASSERT_PTR_NULL(art_dict_warning(d, 8));
    /* BOM and CRLF gone; spaces, labels and conditionals understood;
     * the duplicate "trust*" merged into {trust, community}. */
    phrases_are(d, 0, "trust*|kind of|sort of");
    phrases_are(d, 1, "micromanag*");
    phrases_are(d, 2, "trust*|kind of|sort of|like|neighbour|community");
    size_t n = 0;
    const size_t *c = art_dict_entry_categories(d, 0, &n);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    CU_ASSERT_EQUAL(c[0], 0);
    CU_ASSERT_EQUAL(c[1], 2);
    art_dict_result *r = NULL;
    const char *text = "Sort of micromanaging, like a trusting neighbour";
    CU_ASSERT_EQUAL_FATAL(art_dict_score(d, text, strlen(text), &r, NULL), ART_OK);
    CU_ASSERT_EQUAL(r->tokens, 7);
    CU_ASSERT_EQUAL(r->matched[0], 3);     /* sort of, trusting */
    CU_ASSERT_EQUAL(r->matched[1], 1);
    CU_ASSERT_EQUAL(r->matched[2], 5);     /* sort of, like, trusting, neighbour */
    CU_ASSERT_EQUAL(r->nhits, 5);
    art_dict_result_free(r);
    art_dict_free(d);
}

static void test_dicx(void)
{
    art_dict *d = load_fixture("tests/data/dict/cls.dicx");
    check_categories(d);
    CU_ASSERT_EQUAL(art_dict_nentries(d), 7);
    CU_ASSERT_EQUAL_FATAL(art_dict_nwarnings(d), 4);
    warning_is(d, 0, "cls.dicx:8: column 3 holds something other than X; ignored");
    warning_is(d, 1, "cls.dicx:8: entry has no category marked; skipped");
    warning_is(d, 2, "cls.dicx:9: more columns than the header; extra ones ignored");
    warning_is(d, 3, "cls.dicx:10: row without an entry; skipped");
    phrases_are(d, 0, "trust*|kind of");
    phrases_are(d, 1, "sign off|manager*");
    phrases_are(d, 2, "kind of|community|neighbo*|local");
    art_dict_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(art_dict_score(d, SAMPLE, strlen(SAMPLE), &r, NULL), ART_OK);
    CU_ASSERT_EQUAL(r->tokens, 19);
    CU_ASSERT_EQUAL(r->matched[0], 4);
    CU_ASSERT_EQUAL(r->matched[1], 3);
    CU_ASSERT_EQUAL(r->matched[2], 4);
    CU_ASSERT_DOUBLE_EQUAL(r->share[1], 3.0 / 19.0, 1e-12);
    CU_ASSERT_EQUAL_FATAL(r->nhits, 7);
    hit_is(&r->hits[0], 3, 0, 8, 1);
    hit_is(&r->hits[6], 0, 91, 98, 1);     /* trusted via trust* */
    art_dict_result_free(r);
    art_dict_free(d);
}

static void test_latin1_and_bounds(void)
{
    const char *dic = "%\n1 a\n%\ncaf\xe9\t1\n";
    art_dict *d = NULL;
    CU_ASSERT_EQUAL_FATAL(art_dict_load_memory(dic, strlen(dic), "l.dic", &d, NULL), ART_OK);
    CU_ASSERT_EQUAL_FATAL(art_dict_nwarnings(d), 1);
    CU_ASSERT_STRING_EQUAL(art_dict_warning(d, 0), "l.dic:1: not UTF-8; read as Latin-1");
    CU_ASSERT_STRING_EQUAL(art_dict_entry(d, 0), "caf\xc3\xa9");
    art_dict_result *r = NULL;
    CU_ASSERT_EQUAL_FATAL(art_dict_score(d, "CAF\xc3\x89!", 6, &r, NULL), ART_OK);
    CU_ASSERT_EQUAL(r->matched[0], 1);
    art_dict_result_free(r);
    art_dict_free(d);

    /* 150 warnings: 99 kept, then one line counting the rest. */
    art_buf b;
    art_buf_init(&b);
    art_buf_puts(&b, "%\n1 a\n%\n");
    for (int i = 0; i < 150; i++)
        art_buf_printf(&b, "w%d\t1 99\n", i);
    CU_ASSERT_FALSE_FATAL(b.failed);
    CU_ASSERT_EQUAL_FATAL(art_dict_load_memory(b.data, b.len, "w.dic", &d, NULL), ART_OK);
    CU_ASSERT_EQUAL(art_dict_nentries(d), 150);
    CU_ASSERT_EQUAL_FATAL(art_dict_nwarnings(d), ART_DICT_MAX_WARNINGS);
    CU_ASSERT_STRING_EQUAL(art_dict_warning(d, 0), "w.dic:4: unknown category number 99; skipped");
    CU_ASSERT_STRING_EQUAL(art_dict_warning(d, 99), "w.dic: 51 more warnings not shown");
    art_dict_free(d);
    art_buf_free(&b);
}

static void load_fails(const char *data, size_t len, const char *name, art_status want,
                       const char *msg)
{
    art_dict *d = (art_dict *)1;
    art_error err;
    art_error_clear(&err);
    if (len == (size_t)-1)
        len = strlen(data);
    CU_ASSERT_EQUAL(art_dict_load_memory(data, len, name, &d, &err), want);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_STRING_EQUAL(err.message, msg);
}

static void test_errors(void)
{
    load_fails("", (size_t)-1, "e.dic", ART_ERR_FORMAT, "e.dic: no '%' line: not a LIWC dictionary");
    load_fails("trust\t1\n", (size_t)-1, "e.dic", ART_ERR_FORMAT,
               "e.dic:1: expected a '%' line opening the category list");
    load_fails("%\n1\ttrust\n", (size_t)-1, "e.dic", ART_ERR_FORMAT,
               "e.dic: the category list is not closed by a '%' line");
    load_fails("%\nfoo\n%\n", (size_t)-1, "e.dic", ART_ERR_FORMAT,
               "e.dic:2: category line needs a number and a name");
    load_fails("%\r\n1 a\r\n\r\n1 b\r\n%\r\n", (size_t)-1, "e.dic", ART_ERR_FORMAT,
               "e.dic:4: category number 1 repeated");
    load_fails("%\n1 a\n%\n:-)\t1\n", (size_t)-1, "e.dic", ART_ERR_FORMAT, "e.dic: no usable entries");
    load_fails("%\n1 a\n%\nx\0y\t1\n", 14, "e.dic", ART_ERR_FORMAT,
               "e.dic: binary file (NUL byte)");
    load_fails("DicTerm\nx\n", (size_t)-1, "e.dicx", ART_ERR_FORMAT,
               "e.dicx:1: header needs an entry column and at least one category");
    load_fails("", (size_t)-1, "e.dicx", ART_ERR_FORMAT, "e.dicx: empty file: no header row");
    load_fails("DicTerm,a,,b\n", (size_t)-1, "e.dicx", ART_ERR_FORMAT,
               "e.dicx:1: category name in column 3 is empty or too long");
    load_fails("DicTerm,a,A\n", (size_t)-1, "e.dicx", ART_ERR_FORMAT,
               "e.dicx:1: category in column 3 repeats an earlier one");
    load_fails("DicTerm,a\nx,Y\n", (size_t)-1, "e.dicx", ART_ERR_FORMAT, "e.dicx: no usable entries");
    /* Content decides when the name has no known suffix. */
    art_dict *d = NULL;
    CU_ASSERT_EQUAL(art_dict_load_memory("Term,a\nx,X\n", 11, "noext", &d, NULL), ART_OK);
    CU_ASSERT_EQUAL(art_dict_nentries(d), 1);
    art_dict_free(d);
    CU_ASSERT_EQUAL(art_dict_load_memory("\n%\n1 a\n%\nx 1\n", 13, "noext", &d, NULL), ART_OK);
    CU_ASSERT_EQUAL(art_dict_nentries(d), 1);
    art_dict_free(d);
    art_error err;
    CU_ASSERT_EQUAL(art_dict_load(art_test_src("tests/data/dict/missing.dic"), &d, &err),
                    ART_ERR_IO);
    CU_ASSERT_PTR_NULL(d);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "missing.dic: cannot open"));
    CU_ASSERT_EQUAL(art_dict_load(NULL, &d, &err), ART_ERR_USAGE);
    art_dict_free(NULL);
    CU_ASSERT_EQUAL(art_dict_ncategories(NULL), 0);
}

/* The dictionary's matcher is the automaton: one per dictionary. */
static void test_one_matcher(void)
{
    art_dict *d = load_fixture("tests/data/dict/cls.dic");
    const art_matcher *m = art_dict_matcher(d);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    art_matcher_stats st;
    art_matcher_get_stats(m, &st);
    CU_ASSERT_EQUAL(st.phrases, 12);
    CU_ASSERT(st.states > 0);
    art_dict_free(d);
}

void art_test_register(void)
{
    ART_SUITE("dict",
              {".dic basics and scoring", test_dic_basic},
              {"longest entry wins", test_longest_entry_wins},
              {".dic quirks", test_dic_quirks},
              {".dicx", test_dicx},
              {"Latin-1 and warning bound", test_latin1_and_bounds},
              {"errors", test_errors},
              {"one matcher per dictionary", test_one_matcher});
}
