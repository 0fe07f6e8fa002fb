/* Reports: text, Markdown and JSON against golden files; HTML by assertion;
 * ordering, evidence limits, escaping and write errors. */
#include "testutil.h"
#include "artefact/artefact.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* A hand-built assessment                                             */
/* ------------------------------------------------------------------ */

/* Evidence with markup-breaking characters and non-ASCII text. */
#define QUOTE_TRICKY "Managers say \"trust us\" & then ask <permission> \xE2\x80\x94 caf\xC3\xA9 staff know"

typedef struct fixture {
    art_assessment a;
    art_dim_score dims[4];
    art_evidence trust_ev[2];
    art_evidence hier_ev[7];
    art_evidence comm_ev[2];
    art_plugin_result plugins[2];
    char long_quote[400];
} fixture;

static art_evidence ev(const char *source, const char *locator, const char *quote, int dir,
                       art_level lv, art_facet facet, art_voice voice, const char *participant,
                       const char *indicator, double weight)
{
    art_evidence e;
    memset(&e, 0, sizeof e);
    e.source = (char *)source;
    e.locator = (char *)locator;
    e.quote = (char *)quote;
    e.direction = dir;
    e.level = lv;
    e.facet = facet;
    e.voice = voice;
    e.participant = (char *)participant;
    e.indicator = (char *)indicator;
    e.weight = weight;
    return e;
}

static void set_levels(art_dim_score *d, const char *stem)
{
    static char texts[4][ART_LEVELS][64];
    static int next;
    int slot = next++ % 4;
    for (int i = 0; i < ART_LEVELS; i++) {
        snprintf(texts[slot][i], sizeof texts[slot][i], "%s level %d descriptor", stem, i + 1);
        d->levels[i] = texts[slot][i];
    }
}

static void set_dim(art_dim_score *d, const char *id, const char *name, double score,
                    double esp, double enact, double target, double conf)
{
    memset(d, 0, sizeof *d);
    d->id = (char *)id;
    d->name = (char *)name;
    d->low_pole = (char *)"low pole of the dimension";
    d->cls_value = (char *)"the CLS value of the dimension";
    set_levels(d, id);
    d->score = score;
    d->espoused = esp;
    d->enacted = enact;
    d->target = target;
    d->gap = isnan(score) ? NAN : target - score;
    d->confidence = conf;
    d->level = art_score_level(score);
}

/* The 240-code-point cut falls inside a run of two-byte letters. */
static void make_long_quote(char *buf, size_t cap)
{
    size_t n = 0;
    const char *word = "Decisions go up to panel again ";   /* 31 ASCII chars */
    for (int i = 0; i < 7; i++)                             /* 217 */
        n += (size_t)snprintf(buf + n, cap - n, "%s", word);
    for (int i = 0; i < 40; i++)                            /* + 40 x U+00E9 */
        n += (size_t)snprintf(buf + n, cap - n, "\xC3\xA9");
}

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    art_dim_score *trust = &f->dims[0], *hier = &f->dims[1], *cop = &f->dims[2],
                  *comm = &f->dims[3];
    set_dim(trust, "trust", "Trust", 62.4, 75.0, 50.25, 80, 0.71);
    set_dim(hier, "hierarchy", "Hierarchy", 31.5, 45.0, 20.04, 75, 0.5);
    set_dim(cop, "coproduction", "Co-production", NAN, NAN, NAN, 70, 0);
    set_dim(comm, "community", "Community | hubs", 85.0, 90.0, 80.0, 70, 0.2);

    f->trust_ev[0] = ev("Interview 2", "row 14", QUOTE_TRICKY, -1, ART_LEVEL_ASSUMPTION,
                        ART_FACET_ENACTED, ART_VOICE_LIVED, "P02", "permission", 1.5);
    f->trust_ev[1] = ev("Practice framework", "para 3, sentence 1, chars 120-188",
                        "We trust practitioners to do the right thing.", 1, ART_LEVEL_ESPOUSED,
                        ART_FACET_ESPOUSED, ART_VOICE_UNKNOWN, NULL, "trust practitioners", 1);
    trust->ev = f->trust_ev;
    trust->nev = 2;
    trust->nsources = 2;
    trust->nvoices = 1;
    trust->voice_counts[ART_VOICE_UNKNOWN] = 1;
    trust->voice_counts[ART_VOICE_LIVED] = 1;

    make_long_quote(f->long_quote, sizeof f->long_quote);
    f->hier_ev[0] = ev("Interview 1", "row 3", f->long_quote, -1, ART_LEVEL_ASSUMPTION,
                       ART_FACET_ENACTED, ART_VOICE_LOCAL_AUTHORITY, "P01", "panel", 2);
    f->hier_ev[1] = ev("Interview 1", "row 4", "Line one\nline\x1b[31m two\t\xff end", -1,
                       ART_LEVEL_ASSUMPTION, ART_FACET_ENACTED, ART_VOICE_HEALTH, "P03",
                       "sign-off", 1.25);
    for (int i = 2; i < 7; i++) {
        static const char *const quotes[] = {"Third item.", "Fourth item.", "Fifth item.",
                                             "Sixth item.", "Seventh item."};
        f->hier_ev[i] = ev("Scheme of delegation", "para 9", quotes[i - 2], i % 2 ? 1 : -1,
                           ART_LEVEL_ARTEFACT, ART_FACET_ESPOUSED, ART_VOICE_UNKNOWN, NULL,
                           "delegated", 0.5);
    }
    hier->ev = f->hier_ev;
    hier->nev = 7;
    hier->nsources = 2;
    hier->nvoices = 2;
    hier->voice_counts[ART_VOICE_LOCAL_AUTHORITY] = 1;
    hier->voice_counts[ART_VOICE_HEALTH] = 1;
    hier->voice_counts[ART_VOICE_UNKNOWN] = 5;

    f->comm_ev[0] = ev("Hub leaflet", "para 1", "# hubs | open to all", 1, ART_LEVEL_ARTEFACT,
                       ART_FACET_ESPOUSED, ART_VOICE_UNKNOWN, NULL, "hub", 1);
    f->comm_ev[1] = ev("Interview 3", "row 8", "1. people just walk in", 1,
                       ART_LEVEL_ASSUMPTION, ART_FACET_ENACTED, ART_VOICE_VCS, "P04", "walk in",
                       1);
    comm->ev = f->comm_ev;
    comm->nev = 2;
    comm->nsources = 2;
    comm->nvoices = 1;
    comm->voice_counts[ART_VOICE_UNKNOWN] = 1;
    comm->voice_counts[ART_VOICE_VCS] = 1;

    f->plugins[0].name = (char *)"lexical";
    f->plugins[0].version = (char *)"1.0.0";
    f->plugins[0].status = ART_OK;
    memset(f->plugins[0].sha256, 'a', 64);
    f->plugins[1].name = (char *)"codes";
    f->plugins[1].version = (char *)"0.2";
    f->plugins[1].status = ART_ERR_LIMIT;
    f->plugins[1].error = (char *)"codes.lua: instruction budget exceeded";
    memset(f->plugins[1].sha256, 'b', 64);

    art_assessment *a = &f->a;
    a->site = (char *)"Riverside";
    a->round = (char *)"2026-q4";
    a->rubric_id = (char *)"cls-culture";
    a->rubric_version = (char *)"1.0";
    a->rubric_title = (char *)"CLS culture rubric";
    memset(a->rubric_sha256, 'c', 64);
    a->dims = f->dims;
    a->ndims = 4;
    a->plugins = f->plugins;
    a->nplugins = 2;
    a->counts = (art_counts){5, 3, 2, 120, 14, 40, 6, 0};
    a->gap_threshold = 15;
    for (int i = 0; i < 4; i++) {
        art_dim_score *d = &f->dims[i];
        d->divergence = (d->espoused == d->espoused && d->enacted == d->enacted)
                            ? fabs(d->espoused - d->enacted) : NAN;
        d->divergent = d->divergence >= 15;
        for (int k = 0; k < 3; k++)
            d->level_scores[k] = NAN;
    }
    /* Hierarchy's evidence by Schein level, and next steps for it. */
    hier->level_scores[ART_LEVEL_ARTEFACT] = 22.5;
    hier->level_counts[ART_LEVEL_ARTEFACT] = 5;
    hier->level_scores[ART_LEVEL_ASSUMPTION] = 40;
    hier->level_counts[ART_LEVEL_ASSUMPTION] = 2;
    static char *hier_practice[] = {(char *)"Peer forums agree support without a manager's sign-off.",
                                    (char *)"Give practice leads the budget with the responsibility."};
    hier->practice = hier_practice;
    hier->npractice = 2;
    /* Words of a rubric dictionary in hierarchy's documents and interviews. */
    hier->dict_matched[0] = 10;
    hier->dict_tokens[0] = 200;
    hier->dict_share[0] = 0.05;
    hier->dict_matched[1] = 5;
    hier->dict_tokens[1] = 50;
    hier->dict_share[1] = 0.1;
    a->voice_participants[ART_VOICE_LOCAL_AUTHORITY] = 3;
    a->voice_participants[ART_VOICE_VCS] = 2;
    a->voice_participants[ART_VOICE_UNKNOWN] = 1;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char *render(const art_assessment *a, art_format fmt, int max_ev, art_status *st)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    art_report_opts opts = {fmt, max_ev};
    art_error err;
    art_error_clear(&err);
    *st = art_report_write(a, &opts, f, &err);
    fclose(f);
    return data;
}

static char *render_ok(const art_assessment *a, art_format fmt, int max_ev)
{
    art_status st;
    char *s = render(a, fmt, max_ev, &st);
    CU_ASSERT_EQUAL(st, ART_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
        n++;
    return n;
}

static long pos_of(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    return p ? (long)(p - hay) : -1;
}

static void write_actual(const char *name, const char *data)
{
    const char *root = getenv("ART_TEST_BUILDDIR");
    char path[4096];
    /* tests/tmp is removed by `make clean`, so distcheck finds nothing left. */
    snprintf(path, sizeof path, "%s/tests/tmp", root ? root : ".");
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/tests/tmp/%s", root ? root : ".", name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(data, f);
        fclose(f);
        fprintf(stderr, "\n  mismatch: actual output written to %s\n", path);
    }
}

/* Byte-for-byte comparison with tests/data/report/<name>. */
static void check_golden(const char *name, const char *actual)
{
    char rel[256];
    snprintf(rel, sizeof rel, "tests/data/report/%s", name);
    FILE *f = fopen(art_test_src(rel), "rb");
    if (!f) {
        write_actual(name, actual);
        CU_FAIL("golden file missing");
        return;
    }
    fclose(f);
    size_t len;
    char *want = art_test_slurp(rel, &len);
    bool same = len == strlen(actual) && memcmp(want, actual, len) == 0;
    CU_ASSERT_TRUE(same);
    if (!same)
        write_actual(name, actual);
    free(want);
}

/* ---- a small JSON validator: the report must parse, whatever it holds ---- */

typedef struct jp {
    const char *s;
    int objects, arrays, nulls;
} jp;

static bool jp_value(jp *p);

static void jp_ws(jp *p)
{
    while (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r')
        p->s++;
}

static bool jp_lit(jp *p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(p->s, lit, n) != 0)
        return false;
    p->s += n;
    return true;
}

static bool jp_string(jp *p)
{
    if (*p->s != '"')
        return false;
    for (p->s++; *p->s != '"'; p->s++) {
        unsigned char c = (unsigned char)*p->s;
        if (c < 0x20)
            return false;               /* raw control characters are invalid */
        if (c == '\\') {
            p->s++;
            if (*p->s == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p->s[i]) || !p->s[i])
                        return false;
                p->s += 4;
            } else if (!*p->s || !strchr("\"\\/bfnrt", *p->s)) {
                return false;
            }
        }
    }
    p->s++;
    return true;
}

static bool jp_number(jp *p)
{
    char *end;
    strtod(p->s, &end);
    if (end == p->s)
        return false;
    p->s = end;
    return true;
}

static bool jp_container(jp *p, char close, bool object)
{
    p->s++;
    jp_ws(p);
    if (*p->s == close) {
        p->s++;
        return true;
    }
    for (;;) {
        jp_ws(p);
        if (object) {
            if (!jp_string(p))
                return false;
            jp_ws(p);
            if (*p->s++ != ':')
                return false;
        }
        if (!jp_value(p))
            return false;
        jp_ws(p);
        if (*p->s == ',') {
            p->s++;
            continue;
        }
        if (*p->s++ != close)
            return false;
        return true;
    }
}

static bool jp_value(jp *p)
{
    jp_ws(p);
    switch (*p->s) {
    case '{': p->objects++; return jp_container(p, '}', true);
    case '[': p->arrays++; return jp_container(p, ']', false);
    case '"': return jp_string(p);
    case 'n': p->nulls++; return jp_lit(p, "null");
    case 't': return jp_lit(p, "true");
    case 'f': return jp_lit(p, "false");
    default: return jp_number(p);
    }
}

static bool json_parses(const char *s, jp *p)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    if (!jp_value(p))
        return false;
    jp_ws(p);
    return *p->s == '\0';
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void test_text_golden(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_TEXT, 0);
    check_golden("sample.txt", s);
    /* Biggest gap first, the dimension without a score last. */
    long h = pos_of(s, "\n1. Hierarchy"), t = pos_of(s, "\n2. Trust"),
         c = pos_of(s, "\n3. Community"), p = pos_of(s, "\n4. Co-production");
    CU_ASSERT_TRUE(h > 0 && h < t && t < c && c < p);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Evidence (5 of 7, strongest first)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  " "\xE2\x88\x92" " \"" QUOTE_TRICKY "\" \xE2\x80\x94 "
                                     "Interview 2, row 14 (Lived experience, P02)\n"));
    CU_ASSERT_PTR_NULL(strstr(s, "Sixth item."));       /* beyond the default 5 */
    CU_ASSERT_PTR_NULL(strchr(s, '\x1b'));               /* no terminal escapes */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Line one line [31m two \xEF\xBF\xBD end"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "FAILED (limit)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "codes.lua: instruction budget exceeded"));
    CU_ASSERT_TRUE(art_utf8_valid(s, strlen(s)));
    free(s);
}

static void test_text_truncates_on_boundary(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_TEXT, 0);
    /* 217 ASCII (one trailing space squashed into the next char's gap) +
     * 22 x U+00E9 + the ellipsis = 240 code points. */
    const char *start = strstr(s, "\"Decisions go up");
    CU_ASSERT_PTR_NOT_NULL_FATAL(start);
    start++;
    const char *end = strstr(start, "\xE2\x80\xA6\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(end);
    CU_ASSERT_EQUAL(art_utf8_count(start, (size_t)(end - start)) + 1, 240);
    /* Quoted twice, cut the same way: where documents and interviews
     * disagree (hierarchy is divergent), and in its evidence. */
    CU_ASSERT_EQUAL(count_of(s, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                                "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x80\xA6"), 2);
    free(s);
}

static void test_markdown_golden(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_MARKDOWN, 0);
    check_golden("sample.md", s);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "| Community \\| hubs | 85 | 70 | -15 | 90 | 80 | low |\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "| Co-production | \xE2\x80\x94 | 70 | \xE2\x80\x94 |"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\\# hubs \\| open to all"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Managers say \"trust us\" \\& then ask \\<permission\\>"));
    CU_ASSERT_PTR_NULL(strstr(s, "<permission>"));
    long h = pos_of(s, "## 1. Hierarchy"), t = pos_of(s, "## 2. Trust");
    CU_ASSERT_TRUE(h > 0 && h < t);
    free(s);
}

static void test_json_golden_and_structure(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_JSON, 0);
    check_golden("sample.json", s);
    jp p;
    CU_ASSERT_TRUE(json_parses(s, &p));
    /* top, generated_by, rubric, counts, voices + participants,
     * 4 x (dimension + voice_counts), 11 evidence objects, 2 plugins */
    /* ... plus 4 x (levels + its 3 levels), ladder + 7 rungs, stories + 5 outcomes,
     * hierarchy's dictionary + its 2 sides */
    /* ... plus 4 x (ratings + self + external) and ratings_agreement */
    CU_ASSERT_EQUAL(p.objects, 4 + 2 + 8 + 11 + 2 + 16 + 8 + 6 + 3 + 12 + 1);
    /* dimensions, plugins, top missing_voices, 4 x (evidence + missing_voices),
     * 4 x next_steps, contradictions, rungs, outcomes + 5 story lists + items */
    /* ... plus the top-level ratings and reviews */
    CU_ASSERT_EQUAL(p.arrays, 2 + 1 + 4 + 4 + 4 + 1 + 1 + 7 + 2);
    CU_ASSERT_EQUAL(count_of(s, "\"movement\": null"), 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"ratings_agreement\": {\"alpha\": null, \"lo\": null, "
                                     "\"hi\": null, \"reliability\": \"n/a\"},"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"history\": null\n}\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"contradictions\": [\"hierarchy\", \"trust\"],"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"artefact\": {\"score\": 22.5, \"count\": 5},"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"espoused\": {\"score\": null, \"count\": 0},"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"espoused\": {\"share\": 0.0500, \"matched\": 10, "
                                     "\"tokens\": 200},"));
    CU_ASSERT_EQUAL(count_of(s, "\"dictionary\": null,"), 3);
    /* Voices nobody in the round speaks for, and per dimension. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"missing_voices\": [\"health\", \"lived_experience\"]\n  },"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"missing_voices\": [\"vcs\", \"lived_experience\"],"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"local_authority\": 3,"));
    CU_ASSERT_EQUAL(count_of(s, "\n      \"id\": "), 4);
    /* Rubric order, not gap order. */
    long t = pos_of(s, "\"id\": \"trust\""), h = pos_of(s, "\"id\": \"hierarchy\"");
    CU_ASSERT_TRUE(t > 0 && t < h);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"score\": null,\n      \"espoused\": null,\n"
                                     "      \"enacted\": null,\n      \"target\": 70.0,\n"
                                     "      \"gap\": null,\n      \"level\": null,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"enacted\": 50.3,"));  /* 50.25 rounds away */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"gap\": -15.0,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"quote\": \"Managers say \\\"trust us\\\" & then ask "
                                     "<permission> \xE2\x80\x94 caf\xC3\xA9 staff know\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"Line one\\nline\\u001b[31m two\\t\xEF\xBF\xBD end\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"next_level\": \"hierarchy level 3 descriptor\""));
    CU_ASSERT_EQUAL(count_of(s, "\"next_level\": null"), 2);   /* level 5 and no score */
    CU_ASSERT_EQUAL(count_of(s, "\"evidence\": []"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"status\": \"limit\",\n      \"error\": "
                                     "\"codes.lua: instruction budget exceeded\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"status\": \"ok\",\n      \"error\": null"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"generated_by\": {\n    \"name\": \"artefact\",\n"
                                     "    \"version\": \"" ART_VERSION "\"\n  }"));
    free(s);
}

static void test_json_max_evidence(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_JSON, 1);
    jp p;
    CU_ASSERT_TRUE(json_parses(s, &p));
    CU_ASSERT_EQUAL(count_of(s, "\"direction\": "), 3);   /* one each for 3 dimensions */
    free(s);
}

static void test_text_max_evidence(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_TEXT, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Evidence (2 of 7, strongest first)"));
    CU_ASSERT_PTR_NULL(strstr(s, "Third item."));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Evidence (2 of 2, strongest first)"));
    free(s);
}

static void test_ties_keep_rubric_order(void)
{
    fixture f;
    fixture_init(&f);
    f.dims[0].gap = 10;     /* trust */
    f.dims[1].gap = 10;     /* hierarchy */
    f.dims[3].gap = 10;     /* community */
    char *s = render_ok(&f.a, ART_FORMAT_MARKDOWN, 0);
    long t = pos_of(s, "## 1. Trust"), h = pos_of(s, "## 2. Hierarchy"),
         c = pos_of(s, "## 3. Community"), p = pos_of(s, "## 4. Co-production");
    CU_ASSERT_TRUE(t > 0 && t < h && h < c && c < p);
    free(s);
}

static void test_html(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_HTML, 0);
    CU_ASSERT_EQUAL(strncmp(s, "<!DOCTYPE html>\n<html lang=\"en\">", 32), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<meta charset=\"utf-8\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<title>Culture report: Riverside, 2026-q4</title>"));
    CU_ASSERT_PTR_NULL(strstr(s, "http://"));
    CU_ASSERT_PTR_NULL(strstr(s, "https://"));
    CU_ASSERT_PTR_NULL(strstr(s, "<script"));
    CU_ASSERT_PTR_NULL(strstr(s, "src="));
    CU_ASSERT_PTR_NULL(strstr(s, "<link"));
    CU_ASSERT_PTR_NULL(strstr(s, "@import"));
    CU_ASSERT_PTR_NULL(strstr(s, "url("));
    CU_ASSERT_EQUAL(count_of(s, "<h1"), 1);
    /* 4 dimensions, and the 2 where documents and interviews disagree */
    CU_ASSERT_EQUAL(count_of(s, "<h3"), 6);
    CU_ASSERT_TRUE(pos_of(s, "Where documents and interviews disagree") <
                   pos_of(s, "Biggest gaps first"));
    /* The overview chart, the radar and the gap bars. */
    CU_ASSERT_EQUAL(count_of(s, "role=\"img\""), 3);
    long svg = pos_of(s, "<svg"), alt = pos_of(s, "<table class=\"alt\">");
    CU_ASSERT_TRUE(svg > 0 && alt > svg);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<title id=\"chart-title\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<desc id=\"chart-desc\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "@page{size:A4"));
    /* Biggest gap first in the sections. */
    long gaps = pos_of(s, "<h2 id=\"gaps\">");
    CU_ASSERT_TRUE_FATAL(gaps > 0);
    const char *g = s + gaps;
    long h = pos_of(g, ">1. Hierarchy</h3>"), t = pos_of(g, ">2. Trust</h3>"),
         c = pos_of(g, ">3. Community | hubs</h3>"), p = pos_of(g, ">4. Co-production</h3>");
    CU_ASSERT_TRUE(h > 0 && h < t && t < c && c < p);
    /* Escaping: the quote's markup characters never reach the page raw. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "Managers say &quot;trust us&quot; &amp; then ask "
                                     "&lt;permission&gt; \xE2\x80\x94 caf\xC3\xA9 staff know"));
    CU_ASSERT_PTR_NULL(strstr(s, "<permission>"));
    CU_ASSERT_PTR_NULL(strchr(s, '\x1b'));
    CU_ASSERT_TRUE(art_utf8_valid(s, strlen(s)));
    /* All 7 hierarchy items within the default of 10; direction in words. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "(7 of 7 shown)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "+ towards CLS"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\xE2\x88\x92 towards low pole"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "What the next level looks like</p><p>hierarchy level 3 "
                                     "descriptor"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "No evidence was found for this dimension."));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "1 of 2 plugins failed."));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "&#9888; FAILED</span> (limit)</td><td>codes.lua: "
                                     "instruction budget exceeded"));
    CU_ASSERT_EQUAL(strcmp(s + strlen(s) - 8, "</html>\n"), 0);
    /* Deterministic: the same input renders the same bytes. */
    char *again = render_ok(&f.a, ART_FORMAT_HTML, 0);
    CU_ASSERT_STRING_EQUAL(s, again);
    free(again);

    const char *root = getenv("ART_TEST_BUILDDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/tmp", root ? root : ".");
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/tests/tmp/report-sample.html", root ? root : ".");
    FILE *out = fopen(path, "wb");
    if (out) {      /* kept for looking at; not needed by the assertions */
        fputs(s, out);
        fclose(out);
    }
    free(s);
}

static void test_html_max_evidence(void)
{
    fixture f;
    fixture_init(&f);
    char *s = render_ok(&f.a, ART_FORMAT_HTML, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "(3 of 7 shown)"));
    CU_ASSERT_PTR_NULL(strstr(s, "Fourth item."));
    free(s);
}

/* A dimension below the evidence floor says so in the chart and tables of
 * every format, not "no evidence". */
static void test_insufficient_everywhere(void)
{
    const art_format fmts[] = {ART_FORMAT_TEXT, ART_FORMAT_MARKDOWN, ART_FORMAT_HTML};
    for (size_t i = 0; i < 3; i++) {
        fixture f;
        fixture_init(&f);
        art_dim_score *comm = &f.dims[3];
        comm->insufficient = 1;
        comm->score = comm->gap = NAN;
        comm->level = 0;
        char *s = render_ok(&f.a, fmts[i], 0);
        CU_ASSERT_PTR_NOT_NULL(strstr(s, "insufficient evidence"));
        if (fmts[i] == ART_FORMAT_HTML)
            CU_ASSERT_PTR_NOT_NULL(strstr(s, "font-style=\"italic\" fill=\"#555d66\">"
                                             "insufficient evidence</text>"));
        free(s);
    }
}

static void test_write_error_is_io(void)
{
    fixture f;
    fixture_init(&f);
    const art_format fmts[] = {ART_FORMAT_TEXT, ART_FORMAT_MARKDOWN, ART_FORMAT_JSON,
                               ART_FORMAT_HTML};
    for (size_t i = 0; i < 4; i++) {
        FILE *full = fopen("/dev/full", "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(full);
        art_report_opts opts = {fmts[i], 0};
        art_error err;
        art_error_clear(&err);
        CU_ASSERT_EQUAL(art_report_write(&f.a, &opts, full, &err), ART_ERR_IO);
        CU_ASSERT_EQUAL(err.status, ART_ERR_IO);
        CU_ASSERT_STRING_EQUAL(err.message, "cannot write report");
        fclose(full);
    }
}

static void test_bad_arguments(void)
{
    fixture f;
    fixture_init(&f);
    art_error err;
    art_report_opts opts = {ART_FORMAT_TEXT, -1};
    CU_ASSERT_EQUAL(art_report_write(&f.a, &opts, stdout, &err), ART_ERR_USAGE);
    opts.max_evidence = 0;
    CU_ASSERT_EQUAL(art_report_write(NULL, &opts, stdout, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_report_write(&f.a, &opts, NULL, &err), ART_ERR_USAGE);
    opts.format = (art_format)42;
    art_status st;
    char *s = render(&f.a, (art_format)42, 0, &st);
    CU_ASSERT_EQUAL(st, ART_ERR_USAGE);
    CU_ASSERT_STRING_EQUAL(s, "");      /* nothing written before the refusal */
    free(s);
}

static void test_empty_assessment(void)
{
    art_assessment a;
    memset(&a, 0, sizeof a);
    const art_format fmts[] = {ART_FORMAT_TEXT, ART_FORMAT_MARKDOWN, ART_FORMAT_JSON,
                               ART_FORMAT_HTML};
    for (size_t i = 0; i < 4; i++) {
        char *s = render_ok(&a, fmts[i], 0);
        CU_ASSERT_TRUE(strlen(s) > 0);
        if (fmts[i] == ART_FORMAT_JSON) {
            jp p;
            CU_ASSERT_TRUE(json_parses(s, &p));
            CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"site\": null,"));
            CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"dimensions\": [],\n"));
            CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"contradictions\": [],\n"));
            CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"plugins\": [],\n"));
            CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"history\": null\n}\n"));
        }
        free(s);
    }
}

/* ------------------------------------------------------------------ */
/* Ratings, reviews, movement since a round, trend, origin             */
/* ------------------------------------------------------------------ */

typedef struct rounds_fixture {
    art_rating ratings[3];
    art_review reviews[2];
    art_evidence gained[1], lost[1];
    art_history hist;
    char *labels[3];
    double scores[3 * 4];
} rounds_fixture;

static void fixture_add_rounds(fixture *f, rounds_fixture *r)
{
    memset(r, 0, sizeof *r);
    art_assessment *a = &f->a;
    r->ratings[0] = (art_rating){(char *)"Sam", ART_ROLE_SELF, (char *)"trust", 5, NULL};
    r->ratings[1] = (art_rating){(char *)"Cat", ART_ROLE_EXTERNAL, (char *)"trust", 2,
                                 (char *)"Panels | still \"meet\""};
    r->ratings[2] = (art_rating){(char *)"Cat", ART_ROLE_EXTERNAL, (char *)"hierarchy", 2, NULL};
    a->ratings = r->ratings;
    a->nratings = 3;
    r->reviews[0] = (art_review){(char *)"trust", (char *)"Cat <friend>",
                                 (char *)"2026-11-01T09:00:00Z", ART_REVIEW_OVERRIDE, 3,
                                 (char *)"Interviews weigh more."};
    r->reviews[1] = (art_review){(char *)"hierarchy", (char *)"Dee", (char *)"2026-11-02T09:00:00Z",
                                 ART_REVIEW_ANNOTATION, 0, (char *)"Ask about # panels *again*"};
    a->reviews = r->reviews;
    a->nreviews = 2;
    a->ratings_alpha = 0.4567;
    a->ratings_alpha_lo = 0.1;
    a->ratings_alpha_hi = NAN;
    for (int i = 0; i < 4; i++) {
        f->dims[i].rating_mean[0] = f->dims[i].rating_mean[1] = NAN;
        f->dims[i].override_review = -1;
    }
    f->dims[0].rating_mean[ART_ROLE_SELF] = 5;
    f->dims[0].rating_n[ART_ROLE_SELF] = 1;
    f->dims[0].rating_mean[ART_ROLE_EXTERNAL] = 2;
    f->dims[0].rating_n[ART_ROLE_EXTERNAL] = 1;
    f->dims[0].rating_disagree = 1;
    f->dims[0].override_review = 0;
    f->dims[1].rating_mean[ART_ROLE_EXTERNAL] = 2;
    f->dims[1].rating_n[ART_ROLE_EXTERNAL] = 1;
    f->dims[1].override_review = 1;     /* an annotation: not an override */
    a->since = (char *)"2026-q2";
    r->gained[0] = ev("Interview 5", "row 2", "We agree it in the huddle.", 1, ART_LEVEL_ASSUMPTION,
                      ART_FACET_ENACTED, ART_VOICE_VCS, "P05", "huddle", 1);
    r->lost[0] = ev("Old policy", "para 2", "Every request goes to panel.", -1, ART_LEVEL_ESPOUSED,
                    ART_FACET_ESPOUSED, ART_VOICE_UNKNOWN, NULL, "panel", 1);
    f->dims[0].movement = (art_movement){1, 50, 62.4, 3, 4, r->gained, 1, r->lost, 1};
    f->dims[1].movement = (art_movement){1, 40, 31.5, 2, 2, NULL, 0, NULL, 0};
    f->dims[2].movement = (art_movement){1, NAN, NAN, 0, 0, NULL, 0, NULL, 0};
    f->dims[3].movement = (art_movement){0, NAN, NAN, 0, 0, NULL, 0, NULL, 0};
    static const char *labels[3] = {"2026-q1", "2026-q2", "2026-q4"};
    static const double sc[3][4] = {{40, 45, NAN, 80}, {50, 40, NAN, 82}, {62.4, 31.5, NAN, 85}};
    for (int k = 0; k < 3; k++) {
        r->labels[k] = (char *)labels[k];
        for (int i = 0; i < 4; i++)
            r->scores[k * 4 + i] = sc[k][i];
    }
    r->hist = (art_history){r->labels, NULL, 3, 4, r->scores};
    a->history = &r->hist;
    a->origin = (char *)"bundle:abc123";
}

static void test_rounds_text_markdown(void)
{
    fixture f;
    rounds_fixture r;
    fixture_init(&f);
    fixture_add_rounds(&f, &r);
    char *t = render_ok(&f.a, ART_FORMAT_TEXT, 0);
    check_golden("rounds.txt", t);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "Imported from a bundle (SHA-256 abc123)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  Trust: evidence 4, self 5.0 (1), external 2.0 (1), "
                                     "override 3 by Cat <friend>, 2026-11-01T09:00:00Z  DISAGREE\n"));
    /* An annotation is listed but is not an override. */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  Hierarchy: evidence 2, self \xE2\x80\x94 (0), external 2.0 "
                                     "(1), override \xE2\x80\x94\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "Krippendorff's alpha (ordinal) 0.46: unreliable."));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  Trust: 50 \xE2\x86\x92 62, up 12 (level 3 \xE2\x86\x92 4); "
                                     "1 passage gained, 1 lost\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "gained: + \"We agree it in the huddle.\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  Community | hubs: not compared\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "  Hierarchy: 45 (2026-q1), 40 (2026-q2), 32 (2026-q4)\n"));
    free(t);
    char *m = render_ok(&f.a, ART_FORMAT_MARKDOWN, 0);
    check_golden("rounds.md", m);
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "| Trust | 4 | 5.0 (1) | 2.0 (1) | 3 by Cat \\<friend\\>, "
                                     "2026-11-01T09:00:00Z | **DISAGREE** |\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "Ask about \\# panels \\*again\\*"));
    CU_ASSERT_PTR_NOT_NULL(strstr(m, "| Community \\| hubs | 80 | 82 | 85 |\n"));
    free(m);
}

static void test_rounds_json(void)
{
    fixture f;
    rounds_fixture r;
    fixture_init(&f);
    fixture_add_rounds(&f, &r);
    char *s = render_ok(&f.a, ART_FORMAT_JSON, 0);
    check_golden("rounds.json", s);
    jp p;
    CU_ASSERT_TRUE(json_parses(s, &p));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"override\": {\"review\": 0, \"level\": 3, \"author\": "
                                     "\"Cat <friend>\", \"created_at\": \"2026-11-01T09:00:00Z\"}"));
    CU_ASSERT_EQUAL(count_of(s, "\"override\": null"), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"self\": {\"mean\": 5.00, \"n\": 1},"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"disagree\": true,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"change\": \"up\","));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"change\": \"not scored\","));
    CU_ASSERT_EQUAL(count_of(s, "\"movement\": null"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"origin\": \"bundle:abc123\",\n  \"since\": \"2026-q2\","));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"ratings_agreement\": {\"alpha\": 0.457, \"lo\": 0.100, "
                                     "\"hi\": null, \"reliability\": \"unreliable\"},"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "{\"round\": \"2026-q4\", \"scores\": "
                                     "{\"trust\": 62.4, \"hierarchy\": 31.5, \"coproduction\": null, "
                                     "\"community\": 85.0}}"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"level\": null, \"rationale\": \"Ask about # panels "
                                     "*again*\"}"));
    free(s);
    /* A history that does not match the dimensions is left out, not misread. */
    r.hist.ndims = 3;
    s = render_ok(&f.a, ART_FORMAT_JSON, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"history\": null\n}\n"));
    free(s);
    s = render_ok(&f.a, ART_FORMAT_TEXT, 0);
    CU_ASSERT_PTR_NULL(strstr(s, "Trend across"));
    free(s);
}

void art_test_register(void)
{
    ART_SUITE("report",
              {"text matches golden, biggest gap first", test_text_golden},
              {"text cuts long quotes on a code point", test_text_truncates_on_boundary},
              {"markdown matches golden and escapes", test_markdown_golden},
              {"json matches golden and parses", test_json_golden_and_structure},
              {"json honours max_evidence", test_json_max_evidence},
              {"text honours max_evidence", test_text_max_evidence},
              {"equal gaps keep rubric order", test_ties_keep_rubric_order},
              {"html is self-contained and ordered", test_html},
              {"html honours max_evidence", test_html_max_evidence},
              {"insufficient evidence in every format", test_insufficient_everywhere},
              {"write to a full device is ART_ERR_IO", test_write_error_is_io},
              {"bad arguments are ART_ERR_USAGE", test_bad_arguments},
              {"empty assessment renders", test_empty_assessment},
              {"ratings, movement and trend in text and markdown", test_rounds_text_markdown},
              {"ratings, movement and trend in json", test_rounds_json});
}
