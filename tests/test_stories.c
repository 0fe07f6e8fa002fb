/* Change stories: Markdown with front matter and CSV, declared and tagged
 * outcomes and routes with the shipped rubric, the n/N counts over a story
 * set, and every error path (bad route, bad outcomes, no text, invalid
 * UTF-8, unterminated front matter, oversized text, bad CSV). */
#include "testutil.h"
#include "artefact/artefact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHIPPED "rubrics/cls-culture.xml"
#define DATA "tests/data/stories/"

static art_rubric *shipped(void)
{
    art_rubric *r = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_rubric_load(art_test_src(SHIPPED), &r, &err), ART_OK);
    return r;
}

static art_story_set *parse_file(const char *rel)
{
    size_t len = 0;
    char *data = art_test_slurp(rel, &len);
    art_story_set *s = NULL;
    art_error err;
    art_error_clear(&err);
    art_status st = strstr(rel, ".csv") ? art_stories_parse_csv(data, len, rel, &s, &err)
                                        : art_stories_parse_markdown(data, len, rel, &s, &err);
    if (st != ART_OK)
        fprintf(stderr, "\n%s: %s\n", rel, err.message);
    free(data);
    CU_ASSERT_EQUAL(st, ART_OK);
    return s;
}

/* Parse a broken input: must fail with `want`, leave *out NULL, give one
 * line that starts with the name.  Returns the message after "NAME: ". */
static const char *parse_bad(const char *data, size_t len, const char *name, bool csv,
                             art_status want)
{
    static art_error err;
    art_story_set *s = (art_story_set *)&err;   /* must be reset to NULL */
    art_error_clear(&err);
    art_status st = csv ? art_stories_parse_csv(data, len, name, &s, &err)
                        : art_stories_parse_markdown(data, len, name, &s, &err);
    if (st != want)
        fprintf(stderr, "\n%s: status %s: %s\n", name, art_status_name(st), err.message);
    CU_ASSERT_EQUAL(st, want);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_PTR_NULL(strchr(err.message, '\n'));
    size_t n = strlen(name);
    CU_ASSERT_EQUAL(strncmp(err.message, name, n), 0);
    return strncmp(err.message, name, n) == 0 && err.message[n] == ':' ? err.message + n + 2
                                                                          : err.message;
}

static const char *parse_bad_file(const char *rel, art_status want)
{
    size_t len = 0;
    char *data = art_test_slurp(rel, &len);
    const char *m = parse_bad(data, len, rel, strstr(rel, ".csv") != NULL, want);
    free(data);
    return m;
}

/* ---- expected tags of the fixtures ------------------------------------- */

typedef struct {
    const char *file, *id, *title, *teller, *date, *route;
    const char *because[ART_OUTCOMES + 1];   /* NULL: outcome not evidenced */
} expected;

static const expected MD[] = {
    {"nadia.md", "s01-nadia", "Nadia finds her group", "community navigator", "2019-11-04",
     "hub", {NULL, NULL, "art group*", "new friends", NULL, NULL, NULL}},
    {"walter.md", "s02-walter", "Walter keeps walking", "family carer", "2019-06-12", "hub",
     {NULL, NULL, "walking group*", NULL, NULL, NULL, "declared"}},
    {"gwen.md", "s03-gwen", "Gwen at the surgery", "stronger communities officer", "2019-09-30",
     "hub", {NULL, "declared", "knit and natter", "declared", NULL, NULL, NULL}},
    {"ruth.md", "s04-ruth", "Ruth redesigns her support", "social worker", "2020-01-15",
     "worker", {NULL, NULL, NULL, "independen*", NULL, NULL, "least restrictive"}},
    {"owen-and-may.md", "owen-and-may", "Owen and May", "community navigator", "2019-10-02",
     NULL, {NULL, NULL, "community group*", "confident", NULL, NULL, NULL}},
    {"dai.md", "s06-dai", "Dai and the caf\xc3\xa9", "social worker", "2019-08-21", "worker",
     {NULL, NULL, "declared", NULL, NULL, NULL, "declared"}},
    {"pat-and-len.md", "s07-pat-and-len", "Pat and Len", "community agent", "2019-12-03", "hub",
     {NULL, NULL, "voluntary organisation*", "more positive", "working with * GP", NULL, NULL}},
    {"iris.md", "s08-iris", "Iris in the library", "community navigator", "2020-02-10", "hub",
     {NULL, "walked into", NULL, "less isolated", NULL, NULL, NULL}},
};
#define NMD (sizeof MD / sizeof MD[0])

static const expected CSV[] = {
    {"stories.csv", "c01-frank", "Frank and the befrienders", "community agent", "2019-07-01",
     "referral", {NULL, NULL, "community option*", "wellbeing", NULL, NULL, NULL}},
    {"stories.csv", "c02-bill-and-rhona", "Bill and Rhona", "volunteer", "2019-05-14", "hub",
     {NULL, "came along", "declared", NULL, "quickly", NULL, NULL}},
    {"stories.csv", "c03-lena-and-sam", "Lena and Sam", "social worker", "2019-11-20", "worker",
     {NULL, NULL, NULL, "confident", NULL, NULL, "hours have been * reduced"}},
    {"stories.csv", "c04-holly", "Holly's new start", "parent", "2020-01-08", "referral",
     {NULL, NULL, "declared", "declared", NULL, NULL, NULL}},
    {"stories.csv", "c05-joyce", "A carer's words", "carer", "2019-03-02", "worker",
     {NULL, NULL, NULL, "more positive", NULL, NULL, NULL}},
};
#define NCSV (sizeof CSV / sizeof CSV[0])

static void check_story(const art_story *s, const expected *e, const char *source)
{
    CU_ASSERT_STRING_EQUAL(s->id, e->id);
    CU_ASSERT_STRING_EQUAL(s->title, e->title);
    CU_ASSERT_STRING_EQUAL(s->teller, e->teller);
    CU_ASSERT_STRING_EQUAL(s->date, e->date);
    CU_ASSERT_STRING_EQUAL(s->source, source);
    if (e->route) {
        CU_ASSERT_PTR_NOT_NULL(s->route);
        if (s->route)
            CU_ASSERT_STRING_EQUAL(s->route, e->route);
    } else {
        CU_ASSERT_PTR_NULL(s->route);
    }
    for (int k = 0; k <= ART_OUTCOMES; k++) {
        bool want = e->because[k] != NULL;
        CU_ASSERT_EQUAL(s->outcomes[k], want ? 1 : 0);
        if (want && s->because[k]) {
            CU_ASSERT_STRING_EQUAL(s->because[k], e->because[k]);
        } else {
            CU_ASSERT_EQUAL(s->because[k] == NULL, !want);
        }
        if ((s->outcomes[k] != 0) != want || (want && s->because[k] &&
                                              strcmp(s->because[k], e->because[k]) != 0))
            fprintf(stderr, "\n%s outcome %d: got %s\n", e->id, k,
                    s->because[k] ? s->because[k] : "none");
    }
}

/* ---- Markdown ------------------------------------------------------------ */

static void test_markdown_tags(void)
{
    art_rubric *r = shipped();
    art_error err;
    for (size_t i = 0; i < NMD; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, DATA "%s", MD[i].file);
        art_story_set *s = parse_file(rel);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_EQUAL_FATAL(s->n, 1);
        CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
        check_story(&s->stories[0], &MD[i], rel);
        art_story_set_free(s);
    }
    art_rubric_free(r);
}

/* Before tagging only what the file declares is set. */
static void test_markdown_declared(void)
{
    art_story_set *s = parse_file(DATA "walter.md");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    const art_story *w = &s->stories[0];
    CU_ASSERT_PTR_NULL(w->route);
    for (int k = 0; k <= ART_OUTCOMES; k++)
        CU_ASSERT_EQUAL(w->outcomes[k], k == 6);
    CU_ASSERT_STRING_EQUAL(w->because[6], "declared");
    art_story_set_free(s);

    s = parse_file(DATA "nadia.md");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s->stories[0].route, "hub");
    for (int k = 0; k <= ART_OUTCOMES; k++)
        CU_ASSERT_EQUAL(s->stories[0].outcomes[k], 0);
    /* The body is plain text without the heading, paragraphs kept apart. */
    const char *t = s->stories[0].text;
    CU_ASSERT_EQUAL(strncmp(t, "Nadia is in her twenties, has a learning disability", 51), 0);
    CU_ASSERT_PTR_NULL(strstr(t, "Nadia's story"));
    CU_ASSERT_PTR_NULL(strchr(t, '#'));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "nothing to offer.\n\nA letter invited her"));
    size_t n = strlen(t);
    CU_ASSERT(n > 5 && strcmp(t + n - 5, "full.") == 0);
    art_story_set_free(s);

    /* A YAML block list declares outcomes too, and "type: story" counts. */
    s = parse_file(DATA "dai.md");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->stories[0].outcomes[2], 1);
    CU_ASSERT_EQUAL(s->stories[0].outcomes[6], 1);
    CU_ASSERT_EQUAL(s->stories[0].outcomes[3], 0);
    art_story_set_free(s);
}

static void test_markdown_forms(void)
{
    art_rubric *r = shipped();
    art_error err;
    static const char crlf[] = "\xef\xbb\xbf---\r\ntype: Change-Story\r\nid: crlf\r\n"
                               "route: Worker\r\noutcomes: []\r\n---\r\n\r\n"
                               "She feels more confident.\r\n";
    art_story_set *s = NULL;
    CU_ASSERT_EQUAL_FATAL(art_stories_parse_markdown(crlf, sizeof crlf - 1, "x/crlf.md", &s, &err),
                          ART_OK);
    CU_ASSERT_STRING_EQUAL(s->stories[0].id, "crlf");
    CU_ASSERT_STRING_EQUAL(s->stories[0].title, "crlf");   /* no title, no heading: the id */
    CU_ASSERT_PTR_NULL(s->stories[0].teller);
    CU_ASSERT_PTR_NULL(s->stories[0].date);
    CU_ASSERT_STRING_EQUAL(s->stories[0].route, "worker");
    CU_ASSERT_STRING_EQUAL(s->stories[0].text, "She feels more confident.");
    CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
    CU_ASSERT_EQUAL(s->stories[0].outcomes[3], 1);
    CU_ASSERT_STRING_EQUAL(s->stories[0].because[3], "confident");
    CU_ASSERT_STRING_EQUAL(s->stories[0].route, "worker");  /* declared: not re-tagged */
    /* Tagging twice changes nothing. */
    CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(s->stories[0].because[3], "confident");
    art_story_set_free(s);
    art_rubric_free(r);
}

static void test_is_story(void)
{
    static const char *const yes[] = {"nadia.md", "walter.md", "gwen.md", "ruth.md",
                                      "owen-and-may.md", "dai.md", "pat-and-len.md", "iris.md"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        char rel[128];
        size_t len;
        snprintf(rel, sizeof rel, DATA "%s", yes[i]);
        char *d = art_test_slurp(rel, &len);
        CU_ASSERT_TRUE(art_stories_is_story(d, len));
        free(d);
    }
    static const char *const no[] = {"bad/not-a-story.md", "bad/plain.md", "bad/unterminated.md",
                                     "stories.csv"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        char rel[128];
        size_t len;
        snprintf(rel, sizeof rel, DATA "%s", no[i]);
        char *d = art_test_slurp(rel, &len);
        CU_ASSERT_FALSE(art_stories_is_story(d, len));
        free(d);
    }
    CU_ASSERT_TRUE(art_stories_is_story("---\ntype: story\n---\n", 20));
    CU_ASSERT_TRUE(art_stories_is_story("---\ntype: 'change-story'\n...\nText", 33));
    CU_ASSERT_FALSE(art_stories_is_story("\n---\ntype: story\n---\n", 21));  /* not at the top */
    CU_ASSERT_FALSE(art_stories_is_story("---\ntype: stories\n---\n", 22));
    CU_ASSERT_FALSE(art_stories_is_story("---\ntype: story\n", 16));           /* never closed */
    CU_ASSERT_FALSE(art_stories_is_story("----\ntype: story\n---\n", 21));
    CU_ASSERT_FALSE(art_stories_is_story("", 0));
    CU_ASSERT_FALSE(art_stories_is_story(NULL, 10));
}

/* ---- CSV ----------------------------------------------------------------- */

static void test_csv_tags(void)
{
    art_rubric *r = shipped();
    art_error err;
    art_story_set *s = parse_file(DATA "stories.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL_FATAL(s->n, NCSV);
    /* Declared before tagging: c02 outcome 2, c04 route and outcomes 2 and 3. */
    CU_ASSERT_PTR_NULL(s->stories[0].route);
    CU_ASSERT_EQUAL(s->stories[1].outcomes[2], 1);
    CU_ASSERT_EQUAL(s->stories[1].outcomes[1], 0);
    CU_ASSERT_STRING_EQUAL(s->stories[3].route, "referral");
    CU_ASSERT_EQUAL(s->stories[3].outcomes[3], 1);
    CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
    for (size_t i = 0; i < NCSV; i++)
        check_story(&s->stories[i], &CSV[i], DATA "stories.csv");
    art_story_set_free(s);
    art_rubric_free(r);
}

static void test_csv_forms(void)
{
    static const char csv[] = "Text,ID,Title,extra\r\n\"Line one.\nLine two, with comma.\",a1,,z\r\n";
    art_story_set *s = NULL;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_stories_parse_csv(csv, sizeof csv - 1, "in.csv", &s, &err), ART_OK);
    CU_ASSERT_EQUAL_FATAL(s->n, 1);
    CU_ASSERT_STRING_EQUAL(s->stories[0].id, "a1");
    CU_ASSERT_STRING_EQUAL(s->stories[0].title, "a1");
    CU_ASSERT_STRING_EQUAL(s->stories[0].text, "Line one. Line two, with comma.");
    CU_ASSERT_PTR_NULL(s->stories[0].route);
    CU_ASSERT_STRING_EQUAL(s->stories[0].source, "in.csv");
    art_story_set_free(s);
}

/* ---- the n/N counts a report shows -------------------------------------- */

typedef struct {
    size_t n;
    size_t outcome[ART_OUTCOMES + 1];
    size_t hub, referral, worker, unknown;
} tally;

static void count(const art_story_set *s, tally *t)
{
    for (size_t i = 0; i < s->n; i++) {
        const art_story *st = &s->stories[i];
        t->n++;
        for (int k = 1; k <= ART_OUTCOMES; k++)
            t->outcome[k] += st->outcomes[k] != 0;
        if (!st->route)
            t->unknown++;
        else if (strcmp(st->route, "hub") == 0)
            t->hub++;
        else if (strcmp(st->route, "referral") == 0)
            t->referral++;
        else if (strcmp(st->route, "worker") == 0)
            t->worker++;
    }
}

static void test_counts(void)
{
    art_rubric *r = shipped();
    art_error err;
    tally md = {0}, all = {0};
    for (size_t i = 0; i < NMD; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, DATA "%s", MD[i].file);
        art_story_set *s = parse_file(rel);
        CU_ASSERT_PTR_NOT_NULL_FATAL(s);
        CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
        count(s, &md);
        count(s, &all);
        art_story_set_free(s);
    }
    /* Eight Markdown stories: outcome 1 in 2/8, 2 in 6/8, 3 in 6/8, 4 in 1/8, 6 in 3/8. */
    CU_ASSERT_EQUAL(md.n, 8);
    CU_ASSERT_EQUAL(md.outcome[1], 2);
    CU_ASSERT_EQUAL(md.outcome[2], 6);
    CU_ASSERT_EQUAL(md.outcome[3], 6);
    CU_ASSERT_EQUAL(md.outcome[4], 1);
    CU_ASSERT_EQUAL(md.outcome[5], 0);
    CU_ASSERT_EQUAL(md.outcome[6], 3);
    CU_ASSERT_EQUAL(md.hub, 5);
    CU_ASSERT_EQUAL(md.worker, 2);
    CU_ASSERT_EQUAL(md.referral, 0);
    CU_ASSERT_EQUAL(md.unknown, 1);

    art_story_set *s = parse_file(DATA "stories.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
    tally csv = {0};
    count(s, &csv);
    count(s, &all);
    art_story_set_free(s);
    /* Five CSV stories: 1 in 1/5, 2 in 3/5, 3 in 4/5, 4 in 1/5, 6 in 1/5. */
    CU_ASSERT_EQUAL(csv.n, 5);
    CU_ASSERT_EQUAL(csv.outcome[1], 1);
    CU_ASSERT_EQUAL(csv.outcome[2], 3);
    CU_ASSERT_EQUAL(csv.outcome[3], 4);
    CU_ASSERT_EQUAL(csv.outcome[4], 1);
    CU_ASSERT_EQUAL(csv.outcome[6], 1);
    CU_ASSERT_EQUAL(csv.hub, 1);
    CU_ASSERT_EQUAL(csv.referral, 2);
    CU_ASSERT_EQUAL(csv.worker, 2);
    CU_ASSERT_EQUAL(csv.unknown, 0);

    /* The whole bank: outcome 3 in 10/13 stories, outcome 2 in 9/13. */
    CU_ASSERT_EQUAL(all.n, 13);
    CU_ASSERT_EQUAL(all.outcome[3], 10);
    CU_ASSERT_EQUAL(all.outcome[2], 9);
    CU_ASSERT_EQUAL(all.outcome[1], 3);
    CU_ASSERT_EQUAL(all.outcome[4], 2);
    CU_ASSERT_EQUAL(all.outcome[6], 4);
    CU_ASSERT_EQUAL(all.hub + all.referral + all.worker + all.unknown, 13);
    art_rubric_free(r);
}

/* ---- errors -------------------------------------------------------------- */

static void test_markdown_errors(void)
{
    const char *m = parse_bad_file(DATA "bad/bad-route.md", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "front matter key 'route' must be hub, referral or worker");
    m = parse_bad_file(DATA "bad/bad-outcomes.md", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "front matter key 'outcomes' must list outcome numbers 1 to 6");
    m = parse_bad_file(DATA "bad/no-text.md", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "change story has no text");
    m = parse_bad_file(DATA "bad/invalid-utf8.md", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "not valid UTF-8 text (byte 51)");
    m = parse_bad_file(DATA "bad/unterminated.md", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "not a change story (it needs front matter with type: "
                              "change-story)");
    m = parse_bad_file(DATA "bad/not-a-story.md", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "not a change story (it needs front matter with type: "
                              "change-story)");
    parse_bad_file(DATA "bad/plain.md", ART_ERR_FORMAT);
    m = parse_bad("---\ntype: story\n---\n", 20, "empty.md", false, ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "change story has no text");
    m = parse_bad("---\ntype: story\noutcomes: 12\n---\nText.", 37, "o.md", false,
                  ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "front matter key 'outcomes' must list outcome numbers 1 to 6");
    m = parse_bad("---\ntype: story\noutcomes: [3, 2\n---\nText.", 39, "o.md", false,
                  ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "front matter key 'outcomes' must list outcome numbers 1 to 6");
    parse_bad("", 0, "nothing.md", false, ART_ERR_FORMAT);

    art_story_set *s = NULL;
    art_error err;
    CU_ASSERT_EQUAL(art_stories_parse_markdown("x", 1, "a.md", NULL, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_stories_parse_markdown(NULL, 5, "a.md", &s, &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NULL(s);
}

/* A story over 1 MiB is refused before it is read. */
static void test_size_limit(void)
{
    static const char head[] = "---\ntype: change-story\n---\n";
    size_t body = ((size_t)1 << 20) + 1;
    size_t len = sizeof head - 1 + body;
    char *d = malloc(len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    memcpy(d, head, sizeof head - 1);
    for (size_t i = 0; i < body; i++)
        d[sizeof head - 1 + i] = (i % 6 == 5) ? ' ' : 'a';
    const char *m = parse_bad(d, len, "big.md", false, ART_ERR_LIMIT);
    CU_ASSERT_STRING_EQUAL(m, "story text is larger than 1048576 bytes");
    free(d);
}

static void test_csv_errors(void)
{
    const char *m = parse_bad_file(DATA "bad/missing-text.csv", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "line 1: the header needs the columns id, title and text "
                              "(no 'text')");
    m = parse_bad_file(DATA "bad/bad-route.csv", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "line 3: 'route' must be hub, referral or worker");
    m = parse_bad_file(DATA "bad/bad-outcomes.csv", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "line 2: 'outcomes' must list outcome numbers 1 to 6");
    m = parse_bad_file(DATA "bad/duplicate-id.csv", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "line 4: story id is used twice");
    m = parse_bad_file(DATA "bad/empty-text.csv", ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "line 3: story has no text");
    m = parse_bad("", 0, "e.csv", true, ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "empty file, no header");
    m = parse_bad("id,title,text\n", 14, "h.csv", true, ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "no stories after the header");
    m = parse_bad("id,title,text\n,t,Some text\n", 27, "i.csv", true, ART_ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(m, "line 2: story has no id");
    parse_bad("id,title,text\nx,t,caf\xe9\n", 22, "latin1.csv", true, ART_ERR_FORMAT);
    parse_bad("id,title,text\nx,t,\"unclosed\n", 28, "q.csv", true, ART_ERR_FORMAT);
}

static void test_tag_edge_cases(void)
{
    art_error err;
    art_rubric *mini = NULL;
    CU_ASSERT_EQUAL_FATAL(art_rubric_load(art_test_src("tests/data/rubric/valid-mini.xml"),
                                          &mini, &err),
                          ART_OK);
    art_story_set *s = parse_file(DATA "iris.md");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    /* A rubric without outcomes or routes tags nothing. */
    CU_ASSERT_EQUAL(art_stories_tag(mini, s, &err), ART_OK);
    CU_ASSERT_PTR_NULL(s->stories[0].route);
    for (int k = 0; k <= ART_OUTCOMES; k++)
        CU_ASSERT_EQUAL(s->stories[0].outcomes[k], 0);
    CU_ASSERT_EQUAL(art_stories_tag(NULL, s, &err), ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_stories_tag(mini, NULL, &err), ART_ERR_USAGE);
    art_story_set_free(s);
    art_story_set_free(NULL);
    art_rubric_free(mini);
}

/* Every prefix and many one-byte corruptions of a story: no crash, no leak,
 * and an answer that is either a story or a format error. */
static void test_damaged_inputs(void)
{
    art_rubric *r = shipped();
    size_t len = 0;
    char *d = art_test_slurp(DATA "gwen.md", &len);
    size_t ok = 0, bad = 0;
    for (size_t n = 0; n <= len; n += 3) {
        art_story_set *s = NULL;
        art_error err;
        art_status st = art_stories_parse_markdown(d, n, "cut.md", &s, &err);
        CU_ASSERT(st == ART_OK || st == ART_ERR_FORMAT);
        if (st == ART_OK) {
            CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
            ok++;
        } else {
            bad++;
        }
        art_story_set_free(s);
    }
    CU_ASSERT(ok > 0 && bad > 0);
    static const char junk[] = {'\0', '\n', '-', ':', '[', ',', '"', '\xc3', '#'};
    for (size_t i = 0; i < len; i += 5) {
        char saved = d[i];
        d[i] = junk[i % sizeof junk];
        art_story_set *s = NULL;
        art_error err;
        art_status st = art_stories_parse_markdown(d, len, "flip.md", &s, &err);
        CU_ASSERT(st == ART_OK || st == ART_ERR_FORMAT);
        if (st == ART_OK)
            CU_ASSERT_EQUAL(art_stories_tag(r, s, &err), ART_OK);
        art_story_set_free(s);
        d[i] = saved;
    }
    free(d);
    art_rubric_free(r);
}

void art_test_register(void)
{
    ART_SUITE("stories-markdown",
              {"outcomes and routes of eight stories", test_markdown_tags},
              {"declared before tagging; body text", test_markdown_declared},
              {"CRLF, BOM, case, empty list, defaults", test_markdown_forms},
              {"is_story true and false", test_is_story});
    ART_SUITE("stories-csv",
              {"outcomes and routes of five stories", test_csv_tags},
              {"header order, case, quoted text", test_csv_forms});
    ART_SUITE("stories-counts", {"n/N over the story bank", test_counts});
    ART_SUITE("stories-errors",
              {"Markdown errors", test_markdown_errors},
              {"over 1 MiB refused", test_size_limit},
              {"CSV errors", test_csv_errors},
              {"tagging edge cases", test_tag_edge_cases},
              {"damaged inputs", test_damaged_inputs});
}
