/* Report tables as CSV and JSON: every named table, RFC 4180 quoting read
 * back with the project's own CSV reader, JSON that parses, missing values
 * empty or null, formula-looking text defused, unknown names refused; and
 * through the CLI on Riverside: --table, --tables DIR, pseudonyms unless
 * --reveal-names. */
#include "testutil.h"
#include "artefact/artefact.h"
#include "csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* A small hand-built assessment with awkward text                     */
/* ------------------------------------------------------------------ */

#define AWKWARD "He said \"no\", then\nleft; caf\xC3\xA9 \xff"

typedef struct tfix {
    art_assessment a;
    art_dim_score dims[2];
    art_evidence ev[2];
    art_rating ratings[2];
    art_review reviews[1];
    art_history hist;
    char *rounds[2];
    char *created[2];
    double scores[4];
    art_plugin_result plugin;
} tfix;

static void tfix_init(tfix *f)
{
    memset(f, 0, sizeof *f);
    art_assessment *a = &f->a;
    for (int i = 0; i < 2; i++) {
        art_dim_score *d = &f->dims[i];
        d->id = (char *)(i ? "hierarchy" : "trust");
        d->name = (char *)(i ? "Hierarchy, and \"power\"" : "Trust");
        d->target = 80;
        d->score = i ? NAN : 62.44;
        d->espoused = i ? NAN : 75;
        d->enacted = i ? NAN : 50;
        d->gap = i ? NAN : 80 - 62.44;
        d->divergence = i ? NAN : 25;
        d->divergent = !i;
        d->confidence = i ? 0 : 0.714;
        d->level = i ? 0 : 4;
        d->insufficient = i;
        d->rating_mean[0] = d->rating_mean[1] = NAN;
        d->override_review = -1;
        d->movement.from = d->movement.to = NAN;
        for (int k = 0; k < 3; k++)
            d->level_scores[k] = NAN;
    }
    f->dims[0].level_scores[ART_LEVEL_ASSUMPTION] = 50;
    f->dims[0].level_counts[ART_LEVEL_ASSUMPTION] = 1;
    f->ev[0] = (art_evidence){0, (char *)"Interview 1", (char *)"row 3", (char *)AWKWARD,
                              (char *)"P01", (char *)"panel", -1, ART_LEVEL_ASSUMPTION,
                              ART_VOICE_LIVED, ART_FACET_ENACTED, 1.5};
    f->ev[1] = (art_evidence){0, (char *)"Framework", (char *)"para 2",
                              (char *)"=HYPERLINK(\"x\")", NULL, (char *)"trust", 1,
                              ART_LEVEL_ESPOUSED, ART_VOICE_UNKNOWN, ART_FACET_ESPOUSED, 1};
    f->dims[0].ev = f->ev;
    f->dims[0].nev = 2;
    f->dims[0].nsources = 2;
    f->dims[0].nvoices = 1;
    f->dims[0].voice_counts[ART_VOICE_LIVED] = 1;
    f->dims[0].voice_counts[ART_VOICE_UNKNOWN] = 1;
    f->ratings[0] = (art_rating){(char *)"Sam", ART_ROLE_SELF, (char *)"trust", 5, NULL};
    f->ratings[1] = (art_rating){(char *)"Cat", ART_ROLE_EXTERNAL, (char *)"trust", 2,
                                 (char *)"-2 levels, really"};
    a->ratings = f->ratings;
    a->nratings = 2;
    f->dims[0].rating_mean[ART_ROLE_SELF] = 5;
    f->dims[0].rating_n[ART_ROLE_SELF] = 1;
    f->dims[0].rating_mean[ART_ROLE_EXTERNAL] = 2;
    f->dims[0].rating_n[ART_ROLE_EXTERNAL] = 1;
    f->dims[0].rating_disagree = 1;
    f->reviews[0] = (art_review){(char *)"trust", (char *)"Cat", (char *)"2026-11-01T09:00:00Z",
                                 ART_REVIEW_OVERRIDE, 3, (char *)"Interviews weigh more."};
    a->reviews = f->reviews;
    a->nreviews = 1;
    f->dims[0].override_review = 0;
    a->ratings_alpha = a->ratings_alpha_lo = a->ratings_alpha_hi = NAN;
    a->since = (char *)"r1";
    f->dims[0].movement = (art_movement){1, 50, 62.44, 3, 4, &f->ev[1], 1, NULL, 0};
    f->dims[1].movement = (art_movement){1, NAN, NAN, 0, 0, NULL, 0, NULL, 0};
    f->rounds[0] = (char *)"r1";
    f->rounds[1] = (char *)"r2";
    f->created[0] = (char *)"2026-01-01T00:00:00Z";
    f->created[1] = (char *)"2026-06-01T00:00:00Z";
    f->scores[0] = 50;
    f->scores[1] = NAN;
    f->scores[2] = 62.44;
    f->scores[3] = NAN;
    f->hist = (art_history){f->rounds, f->created, 2, 2, f->scores};
    a->history = &f->hist;
    f->plugin = (art_plugin_result){.name = (char *)"lexical", .version = (char *)"0.2.0"};
    a->plugins = &f->plugin;
    a->nplugins = 1;
    a->site = (char *)"Riverside";
    a->round = (char *)"r2";
    a->rubric_id = (char *)"cls-culture";
    a->rubric_version = (char *)"1.0";
    a->dims = f->dims;
    a->ndims = 2;
    a->gap_threshold = 15;
    a->voice_participants[ART_VOICE_LIVED] = 1;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char *table(const art_assessment *a, const char *name, art_table_format fmt,
                   art_status *st)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    art_error err;
    art_error_clear(&err);
    *st = art_report_write_table(a, name, fmt, f, &err);
    fclose(f);
    return data;
}

static char *table_ok(const art_assessment *a, const char *name, art_table_format fmt)
{
    art_status st;
    char *s = table(a, name, fmt, &st);
    CU_ASSERT_EQUAL(st, ART_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    return s;
}

/* A parsed CSV: rows of fields (row 0 the header). */
typedef struct csv_rows {
    char ***rows;
    size_t *nf;
    size_t n;
} csv_rows;

static bool csv_parse(const char *data, csv_rows *out)
{
    memset(out, 0, sizeof *out);
    art_csv r;
    art_error err;
    if (art_csv_open(&r, data, strlen(data), "table.csv", &err) != ART_OK)
        return false;
    bool eof = false, ok = true;
    while (ok) {
        if (art_csv_next(&r, &eof, &err) != ART_OK) {
            ok = false;
            break;
        }
        if (eof)
            break;
        out->rows = realloc(out->rows, (out->n + 1) * sizeof *out->rows);
        out->nf = realloc(out->nf, (out->n + 1) * sizeof *out->nf);
        out->rows[out->n] = calloc(r.nfields, sizeof(char *));
        for (size_t i = 0; i < r.nfields; i++)
            out->rows[out->n][i] = strdup(r.fields[i]);
        out->nf[out->n++] = r.nfields;
    }
    art_csv_close(&r);
    return ok;
}

static void csv_free(csv_rows *c)
{
    for (size_t i = 0; i < c->n; i++) {
        for (size_t k = 0; k < c->nf[i]; k++)
            free(c->rows[i][k]);
        free(c->rows[i]);
    }
    free(c->rows);
    free(c->nf);
}

/* The field of row `row` under header `col`, or NULL. */
static const char *csv_get(const csv_rows *c, size_t row, const char *col)
{
    if (c->n == 0 || row >= c->n)
        return NULL;
    for (size_t i = 0; i < c->nf[0]; i++)
        if (strcmp(c->rows[0][i], col) == 0)
            return i < c->nf[row] ? c->rows[row][i] : NULL;
    return NULL;
}

/* A minimal JSON check: an array of flat objects, strings well escaped. */
static bool json_array_of_objects(const char *s, size_t *objects)
{
    *objects = 0;
    const char *p = s;
    if (*p++ != '[')
        return false;
    int depth = 1;
    bool in_str = false;
    for (; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (in_str) {
            if (c < 0x20)
                return false;
            if (c == '\\') {
                p++;
                if (!*p || !strchr("\"\\/bfnrtu", *p))
                    return false;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (c == '"')
            in_str = true;
        else if (c == '{') {
            if (depth != 1)
                return false;       /* flat rows only */
            depth++;
            (*objects)++;
        } else if (c == '}' || c == ']')
            depth--;
        else if (c == '[')
            return false;
    }
    return depth == 0 && !in_str;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void test_names(void)
{
    size_t n = 0;
    const char *const *names = art_report_table_names(&n);
    CU_ASSERT_TRUE_FATAL(n >= 11);
    CU_ASSERT_PTR_NULL(names[n]);
    static const char *const required[] = {"dimensions", "evidence", "voices", "levels",
                                           "ladder", "stories", "ratings", "reviews",
                                           "movement", "trend", "plugins"};
    for (size_t r = 0; r < sizeof required / sizeof required[0]; r++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found = found || strcmp(names[i], required[r]) == 0;
        CU_ASSERT_TRUE(found);
    }
    art_table_format f;
    CU_ASSERT_EQUAL(art_table_format_from_name("json", &f, NULL), ART_OK);
    CU_ASSERT_EQUAL(f, ART_TABLE_JSON);
    CU_ASSERT_EQUAL(art_table_format_from_name("html", &f, NULL), ART_ERR_USAGE);
}

/* Every table, both formats: CSV reads back with a header and rectangular
 * rows, JSON is an array with as many objects as the CSV has rows. */
static void test_every_table(void)
{
    tfix f;
    tfix_init(&f);
    size_t n;
    const char *const *names = art_report_table_names(&n);
    for (size_t i = 0; i < n; i++) {
        char *c = table_ok(&f.a, names[i], ART_TABLE_CSV);
        char *j = table_ok(&f.a, names[i], ART_TABLE_JSON);
        csv_rows rows;
        CU_ASSERT_TRUE_FATAL(csv_parse(c, &rows));
        CU_ASSERT_TRUE(rows.n >= 1);
        for (size_t r = 1; r < rows.n; r++)
            CU_ASSERT_EQUAL(rows.nf[r], rows.nf[0]);
        size_t objects;
        CU_ASSERT_TRUE(json_array_of_objects(j, &objects));
        CU_ASSERT_EQUAL(objects, rows.n - 1);
        /* Every column of the header is a key of every object. */
        if (objects > 0)
            for (size_t k = 0; k < rows.nf[0]; k++) {
                char key[128];
                snprintf(key, sizeof key, "\"%s\": ", rows.rows[0][k]);
                CU_ASSERT_PTR_NOT_NULL(strstr(j, key));
            }
        /* RFC 4180 line ends. */
        CU_ASSERT_PTR_NOT_NULL(strstr(c, "\r\n"));
        csv_free(&rows);
        free(c);
        free(j);
    }
}

static void test_dimensions_values(void)
{
    tfix f;
    tfix_init(&f);
    char *c = table_ok(&f.a, "dimensions", ART_TABLE_CSV);
    CU_ASSERT_EQUAL(strncmp(c, "id,name,score,level,target,gap,espoused,enacted,divergence,"
                               "divergent,confidence,confidence_label,sources,voices,evidence,"
                               "insufficient,", 90), 0);
    csv_rows rows;
    CU_ASSERT_TRUE_FATAL(csv_parse(c, &rows));
    CU_ASSERT_EQUAL_FATAL(rows.n, 3);
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "score"), "62.4");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "gap"), "17.6");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "confidence"), "0.71");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "divergent"), "true");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "self_mean"), "5.00");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "disagree"), "true");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "override_level"), "3");
    /* Missing is empty: no score, no level, no override. */
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "score"), "");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "level"), "");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "override_level"), "");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "insufficient"), "true");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "confidence_label"), "insufficient evidence");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "name"), "Hierarchy, and \"power\"");
    csv_free(&rows);
    free(c);
    char *j = table_ok(&f.a, "dimensions", ART_TABLE_JSON);
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"score\": null, \"level\": null,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"name\": \"Hierarchy, and \\\"power\\\"\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"override_level\": 3}"));
    free(j);
}

static void test_evidence_quoting(void)
{
    tfix f;
    tfix_init(&f);
    char *c = table_ok(&f.a, "evidence", ART_TABLE_CSV);
    csv_rows rows;
    CU_ASSERT_TRUE_FATAL(csv_parse(c, &rows));
    CU_ASSERT_EQUAL_FATAL(rows.n, 3);
    /* Quotes, commas and line breaks survive; the invalid byte is U+FFFD. */
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "quote"),
                           "He said \"no\", then\nleft; caf\xC3\xA9 \xEF\xBF\xBD");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "participant"), "P01");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "voice"), "lived_experience");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "level"), "assumption");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "direction"), "low");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 1, "weight"), "1.50");
    /* A formula is shown, never run. */
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "quote"), "'=HYPERLINK(\"x\")");
    CU_ASSERT_STRING_EQUAL(csv_get(&rows, 2, "participant"), "");
    csv_free(&rows);
    free(c);
    char *j = table_ok(&f.a, "evidence", ART_TABLE_JSON);
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"quote\": \"He said \\\"no\\\", then\\nleft; caf\xC3\xA9 "
                                     "\xEF\xBF\xBD\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"quote\": \"=HYPERLINK(\\\"x\\\")\""));  /* JSON: as is */
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "\"participant\": null"));
    free(j);
}

static void test_rounds_tables(void)
{
    tfix f;
    tfix_init(&f);
    char *c = table_ok(&f.a, "trend", ART_TABLE_CSV);
    CU_ASSERT_STRING_EQUAL(c, "round,created_at,dimension,score\r\n"
                              "\"r1\",\"2026-01-01T00:00:00Z\",\"trust\",50.0\r\n"
                              "\"r1\",\"2026-01-01T00:00:00Z\",\"hierarchy\",\r\n"
                              "\"r2\",\"2026-06-01T00:00:00Z\",\"trust\",62.4\r\n"
                              "\"r2\",\"2026-06-01T00:00:00Z\",\"hierarchy\",\r\n");
    free(c);
    c = table_ok(&f.a, "movement", ART_TABLE_CSV);
    CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"trust\",\"r1\",\"r2\",50.0,62.4,\"up\",12.4,3,4,1,0\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"hierarchy\",\"r1\",\"r2\",,,\"not scored\",,,,0,0\r\n"));
    free(c);
    c = table_ok(&f.a, "movement_evidence", ART_TABLE_CSV);
    CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"trust\",\"gained\",\"cls\",\"'=HYPERLINK(\"\"x\"\")\""));
    free(c);
    c = table_ok(&f.a, "ratings", ART_TABLE_CSV);
    CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"Cat\",\"external\",\"trust\",2,\"'-2 levels, really\"\r\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"Sam\",\"self\",\"trust\",5,\r\n"));
    free(c);
    c = table_ok(&f.a, "reviews", ART_TABLE_JSON);
    CU_ASSERT_PTR_NOT_NULL(strstr(c, "\"kind\": \"override\", \"author\": \"Cat\", \"created_at\": "
                                     "\"2026-11-01T09:00:00Z\", \"level\": 3, \"rationale\": "
                                     "\"Interviews weigh more.\", \"current_override\": true}"));
    free(c);
    /* No since: the movement tables hold a header and nothing else. */
    f.a.since = NULL;
    c = table_ok(&f.a, "movement", ART_TABLE_CSV);
    CU_ASSERT_EQUAL(strchr(c, '\n') - c + 1, (long)strlen(c));
    free(c);
    c = table_ok(&f.a, "movement", ART_TABLE_JSON);
    CU_ASSERT_STRING_EQUAL(c, "[]\n");
    free(c);
    f.a.history = NULL;
    c = table_ok(&f.a, "trend", ART_TABLE_CSV);
    CU_ASSERT_STRING_EQUAL(c, "round,created_at,dimension,score\r\n");
    free(c);
}

static void test_errors(void)
{
    tfix f;
    tfix_init(&f);
    art_error err;
    CU_ASSERT_EQUAL(art_report_write_table(&f.a, "nope", ART_TABLE_CSV, stdout, &err),
                    ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "no table named 'nope'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "dimensions"));
    CU_ASSERT_EQUAL(art_report_write_table(NULL, "dimensions", ART_TABLE_CSV, stdout, &err),
                    ART_ERR_USAGE);
    CU_ASSERT_EQUAL(art_report_write_table(&f.a, "dimensions", (art_table_format)7, stdout, &err),
                    ART_ERR_USAGE);
    FILE *full = fopen("/dev/full", "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(full);
    CU_ASSERT_EQUAL(art_report_write_table(&f.a, "evidence", ART_TABLE_CSV, full, &err),
                    ART_ERR_IO);
    fclose(full);
    /* A folder that cannot be made; a file where the folder should be. */
    CU_ASSERT_EQUAL(art_report_write_tables(&f.a, "/nonexistent/deeper/tables", &err),
                    ART_ERR_IO);
    const char *dir = art_test_tmpdir("tables-err");
    char path[4200];
    snprintf(path, sizeof path, "%s/file", dir);
    FILE *p = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    fclose(p);
    CU_ASSERT_EQUAL(art_report_write_tables(&f.a, path, &err), ART_ERR_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "not a folder"));
}

static void test_write_tables_dir(void)
{
    tfix f;
    tfix_init(&f);
    const char *tmp = art_test_tmpdir("tables-dir");
    char dir[4200], path[4400];
    snprintf(dir, sizeof dir, "%s/out", tmp);
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_report_write_tables(&f.a, dir, &err), ART_OK);
    size_t n;
    const char *const *names = art_report_table_names(&n);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, names[i]);
        char *disk = art_test_read_abs(path, NULL);
        char *mem = table_ok(&f.a, names[i], ART_TABLE_CSV);
        CU_ASSERT_TRUE(disk && strcmp(disk, mem) == 0);
        free(disk);
        free(mem);
        snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
        struct stat st;
        CU_ASSERT_EQUAL(stat(path, &st), 0);
    }
    /* Nothing but the tables: no temporary file left behind. */
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq %zu", dir, 2 * n);
    CU_ASSERT_EQUAL(system(cmd), 0);
    /* Writing again replaces the files in place. */
    CU_ASSERT_EQUAL(art_report_write_tables(&f.a, dir, &err), ART_OK);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Riverside through the CLI: --table and --tables agree, names stay
 * pseudonyms unless --reveal-names. */
static void test_cli(void)
{
    char dir[4096], args[12288];
    snprintf(dir, sizeof dir, "%s", art_test_tmpdir("tables-cli"));
    char *out, *err;
    snprintf(args, sizeof args, "assess '%s' --db '%s/a.db' --round r1 -o '%s/r.txt'",
             art_test_src("examples/riverside"), dir, dir);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    free(out);
    free(err);
    snprintf(args, sizeof args, "report --db '%s/a.db' --tables '%s/t'", dir, dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    free(err);
    snprintf(args, sizeof args, "report --db '%s/a.db' --table evidence", dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/t/evidence.csv", dir);
    char *disk = art_test_read_abs(path, NULL);
    CU_ASSERT_TRUE(disk && strcmp(disk, out) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"P01\""));
    CU_ASSERT_PTR_NULL(strstr(out, "Okafor"));          /* a participant's real name */
    free(disk);
    free(out);
    free(err);
    snprintf(args, sizeof args, "report --db '%s/a.db' --table evidence --reveal-names", dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "Okafor"));
    free(out);
    free(err);
    snprintf(args, sizeof args, "report --db '%s/a.db' --table dimensions --format json", dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    size_t objects;
    CU_ASSERT_TRUE(json_array_of_objects(out, &objects));
    CU_ASSERT_EQUAL(objects, 11);
    free(out);
    free(err);
    snprintf(args, sizeof args, "report --db '%s/a.db' --table dimensions -o '%s/d.csv'", dir,
             dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 0);
    snprintf(path, sizeof path, "%s/d.csv", dir);
    disk = art_test_read_abs(path, NULL);
    CU_ASSERT_TRUE(disk && strncmp(disk, "id,name,score,", 14) == 0);
    free(disk);
    free(out);
    free(err);
    snprintf(args, sizeof args, "report --db '%s/a.db' --table dimensions --format html", dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--table writes csv or json"));
    free(out);
    free(err);
    snprintf(args, sizeof args, "report --db '%s/a.db' --table nope", dir);
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "no table named 'nope'"));
    free(out);
    free(err);
}

void art_test_register(void)
{
    ART_SUITE("tables",
              {"table names", test_names},
              {"every table as CSV and JSON", test_every_table},
              {"dimensions: numbers, missing values, quoting", test_dimensions_values},
              {"evidence: RFC 4180 round trip, formulas defused", test_evidence_quoting},
              {"trend, movement, ratings, reviews", test_rounds_tables},
              {"errors", test_errors},
              {"--tables folder, atomically", test_write_tables_dir},
              {"CLI: --table, --tables, pseudonyms", test_cli});
}
