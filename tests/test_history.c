/* Rounds of a site: the trend over every scored round (art_store_load_history)
 * and movement since an earlier round (art_store_load_movement), on stores
 * built with the artefact command from the test sites. */
#include "testutil.h"
#include "artefact/artefact.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char db[4096];

/* Site "north": round "b-first" from the traditional site, "a-second" from
 * the CLS-like one (labels that sort the other way from time), "c-again"
 * from the CLS-like one again, "d-mini" scored with a two-dimension rubric,
 * and "e-unscored", ingested but never scored. */
static const char *north_store(void)
{
    if (db[0])
        return db;
    snprintf(db, sizeof db, "%s/north.db", art_test_tmpdir("history"));
    static const char *steps[] = {
        "assess tests/data/sites/traditional --site north --round b-first",
        "assess tests/data/sites/cls-like --site north --round a-second",
        "assess tests/data/sites/cls-like --site north --round c-again",
        "assess tests/data/sites/cls-like --site north --round d-mini "
        "--rubric tests/data/rubric/valid-mini.xml",
        "ingest tests/data/sites/contradictory --site north --round e-unscored",
    };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        char args[8192], *out, *err;
        snprintf(args, sizeof args, "%s --db '%s'", steps[i], db);
        int rc = art_test_cli(args, &out, &err);
        if (rc != 0)
            fprintf(stderr, "%s: %s\n", args, err);
        CU_ASSERT_EQUAL_FATAL(rc, 0);
        free(out);
        free(err);
    }
    return db;
}

static art_assessment *load(art_store *s, const char *round)
{
    art_assessment *a = NULL;
    art_error err;
    art_status r = art_store_load_assessment(s, "north", round, &a, &err);
    if (r != ART_OK)
        fprintf(stderr, "load %s: %s\n", round, err.message);
    CU_ASSERT_EQUAL_FATAL(r, ART_OK);
    return a;
}

/* The score a report shows: none below the evidence floor. */
static double shown(const art_dim_score *d)
{
    return d->insufficient ? NAN : d->score;
}

static bool same_score(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

static void test_history_rounds_and_scores(void)
{
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(north_store(), &s, &err), ART_OK);
    art_assessment *a = load(s, "c-again");
    art_assessment *first = load(s, "b-first");
    art_assessment *second = load(s, "a-second");
    const art_history *h = a->history;
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    /* Oldest first by creation, not by label; the unscored round is left out. */
    CU_ASSERT_EQUAL_FATAL(h->nrounds, 4);
    CU_ASSERT_STRING_EQUAL(h->rounds[0], "b-first");
    CU_ASSERT_STRING_EQUAL(h->rounds[1], "a-second");
    CU_ASSERT_STRING_EQUAL(h->rounds[2], "c-again");
    CU_ASSERT_STRING_EQUAL(h->rounds[3], "d-mini");
    CU_ASSERT_EQUAL(strlen(h->created_at[0]), 20);   /* 2026-01-01T00:00:00Z */
    CU_ASSERT_EQUAL_FATAL(h->ndims, a->ndims);
    size_t scored_first = 0, differ = 0;
    for (size_t k = 0; k < a->ndims; k++) {
        CU_ASSERT_STRING_EQUAL(first->dims[k].id, a->dims[k].id);
        CU_ASSERT(same_score(h->scores[0 * h->ndims + k], shown(&first->dims[k])));
        CU_ASSERT(same_score(h->scores[1 * h->ndims + k], shown(&second->dims[k])));
        CU_ASSERT(same_score(h->scores[2 * h->ndims + k], shown(&a->dims[k])));
        scored_first += !isnan(h->scores[k]);
        differ += !same_score(h->scores[k], h->scores[h->ndims + k]);
        /* The two-dimension rubric scored only trust and hierarchy. */
        bool in_mini = strcmp(a->dims[k].id, "trust") == 0 || strcmp(a->dims[k].id, "hierarchy") == 0;
        if (!in_mini)
            CU_ASSERT(isnan(h->scores[3 * h->ndims + k]));
    }
    CU_ASSERT(scored_first >= 5);
    CU_ASSERT(differ >= 5);     /* traditional and CLS-like sites really differ */
    /* Every round's report carries the same history. */
    CU_ASSERT_EQUAL(first->history->nrounds, 4);
    art_assessment_free(a);
    art_assessment_free(first);
    art_assessment_free(second);
    art_store_close(s);
}

/* A dimension marked insufficient in a run has no score in the trend, even
 * when the run stored one. */
static void test_history_insufficient_is_nan(void)
{
    char copy[4200];
    snprintf(copy, sizeof copy, "%s/insufficient.db", art_test_tmpdir("history-insufficient"));
    size_t len;
    char *bytes = art_test_read_abs(north_store(), &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    FILE *f = fopen(copy, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(bytes, 1, len, f), len);
    fclose(f);
    free(bytes);
    sqlite3 *q;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(copy, &q), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(q,
                                 "UPDATE scores SET insufficient = 1 WHERE dimension = 'community' "
                                 "AND run_id = (SELECT r.id FROM rubric_runs r JOIN rounds o ON "
                                 "o.id = r.round_id WHERE o.label = 'b-first')",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_changes(q), 1);
    sqlite3_close(q);
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(copy, &s, &err), ART_OK);
    art_assessment *a = load(s, "a-second");
    long k = -1;
    for (size_t i = 0; i < a->ndims; i++)
        if (strcmp(a->dims[i].id, "community") == 0)
            k = (long)i;
    CU_ASSERT_FATAL(k >= 0);
    CU_ASSERT(isnan(a->history->scores[k]));
    CU_ASSERT(!isnan(a->history->scores[a->ndims + k]));
    CU_ASSERT_EQUAL(art_store_load_movement(s, a, "b-first", &err), ART_OK);
    CU_ASSERT(isnan(a->dims[k].movement.from));
    CU_ASSERT_EQUAL(a->dims[k].movement.from_level, 0);
    art_assessment_free(a);
    art_store_close(s);
}

static bool has_evidence(const art_evidence *list, size_t n, const art_evidence *e)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].source, e->source) == 0 && strcmp(list[i].locator, e->locator) == 0 &&
            strcmp(list[i].indicator, e->indicator) == 0)
            return true;
    return false;
}

static void test_movement_numbers_and_evidence(void)
{
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(north_store(), &s, &err), ART_OK);
    art_assessment *a = load(s, "a-second");
    art_assessment *first = load(s, "b-first");
    CU_ASSERT_PTR_NULL(a->since);
    CU_ASSERT_EQUAL(a->dims[0].movement.present, 0);
    CU_ASSERT_EQUAL_FATAL(art_store_load_movement(s, a, "b-first", &err), ART_OK);
    CU_ASSERT_STRING_EQUAL(a->since, "b-first");
    size_t up = 0, gained = 0, lost = 0, kept = 0;
    for (size_t k = 0; k < a->ndims; k++) {
        const art_dim_score *d = &a->dims[k], *e = &first->dims[k];
        const art_movement *m = &d->movement;
        CU_ASSERT_EQUAL(m->present, 1);
        CU_ASSERT(same_score(m->from, shown(e)));
        CU_ASSERT(same_score(m->to, shown(d)));
        CU_ASSERT_EQUAL(m->from_level, isnan(shown(e)) ? 0 : e->level);
        CU_ASSERT_EQUAL(m->to_level, isnan(shown(d)) ? 0 : d->level);
        up += !isnan(m->from) && !isnan(m->to) && m->to > m->from;
        /* Gained: this round's evidence the earlier lacks; lost: the reverse. */
        size_t want_gained = 0, want_lost = 0;
        for (size_t i = 0; i < d->nev; i++)
            want_gained += !has_evidence(e->ev, e->nev, &d->ev[i]);
        for (size_t i = 0; i < e->nev; i++)
            want_lost += !has_evidence(d->ev, d->nev, &e->ev[i]);
        CU_ASSERT_EQUAL(m->ngained, want_gained);
        CU_ASSERT_EQUAL(m->nlost, want_lost);
        for (size_t i = 0; i < m->ngained; i++) {
            CU_ASSERT(has_evidence(d->ev, d->nev, &m->gained[i]));
            CU_ASSERT(!has_evidence(e->ev, e->nev, &m->gained[i]));
            CU_ASSERT_PTR_NOT_NULL(m->gained[i].quote);
        }
        for (size_t i = 0; i < m->nlost; i++) {
            CU_ASSERT(has_evidence(e->ev, e->nev, &m->lost[i]));
            CU_ASSERT(!has_evidence(d->ev, d->nev, &m->lost[i]));
        }
        gained += m->ngained;
        lost += m->nlost;
        kept += d->nev - m->ngained;
    }
    /* From a traditional site to a CLS-like one most dimensions go up, and
     * the evidence is nearly all new. */
    CU_ASSERT(up >= 5);
    CU_ASSERT(gained >= 10);
    CU_ASSERT(lost >= 10);
    (void)kept;
    /* Loading it again replaces the movement rather than adding to it. */
    size_t before = a->dims[0].movement.ngained;
    CU_ASSERT_EQUAL(art_store_load_movement(s, a, "b-first", &err), ART_OK);
    CU_ASSERT_EQUAL(a->dims[0].movement.ngained, before);
    art_assessment_free(a);
    art_assessment_free(first);
    art_store_close(s);
}

/* The same files scored twice: nothing moved, nothing gained or lost. */
static void test_movement_same_sources_is_still(void)
{
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(north_store(), &s, &err), ART_OK);
    art_assessment *a = load(s, "c-again");
    CU_ASSERT_EQUAL_FATAL(art_store_load_movement(s, a, "a-second", &err), ART_OK);
    size_t scored = 0;
    for (size_t k = 0; k < a->ndims; k++) {
        const art_movement *m = &a->dims[k].movement;
        CU_ASSERT(same_score(m->from, m->to));
        CU_ASSERT_EQUAL(m->from_level, m->to_level);
        CU_ASSERT_EQUAL(m->ngained, 0);
        CU_ASSERT_EQUAL(m->nlost, 0);
        scored += !isnan(m->to);
    }
    CU_ASSERT(scored >= 5);
    art_assessment_free(a);
    art_store_close(s);
}

static void test_movement_errors(void)
{
    art_store *s;
    art_error err;
    CU_ASSERT_EQUAL_FATAL(art_store_open(north_store(), &s, &err), ART_OK);
    art_assessment *a = load(s, "c-again");
    CU_ASSERT_EQUAL(art_store_load_movement(s, a, "nope", &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "site 'north' has no round 'nope' (its rounds: "
                                               "b-first, a-second, c-again, d-mini, e-unscored)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "north.db"));
    CU_ASSERT_EQUAL(art_store_load_movement(s, a, "e-unscored", &err), ART_ERR_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "round 'e-unscored' of site 'north' has never been scored"));
    CU_ASSERT_EQUAL(art_store_load_movement(s, a, "c-again", &err), ART_ERR_USAGE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "is the round being reported"));
    /* A failed call leaves the assessment as it was. */
    CU_ASSERT_PTR_NULL(a->since);
    for (size_t k = 0; k < a->ndims; k++)
        CU_ASSERT_EQUAL(a->dims[k].movement.present, 0);
    art_assessment_free(a);
    art_store_close(s);

    char args[8192], *out, *err2;
    snprintf(args, sizeof args, "report --db '%s' --site north --round c-again --since nope",
             north_store());
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err2), 1);
    CU_ASSERT_EQUAL(art_test_count_lines(err2), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err2, "has no round 'nope'"));
    CU_ASSERT_STRING_EQUAL(out, "");
    free(out);
    free(err2);
    snprintf(args, sizeof args, "report --db '%s' --site north --round c-again --since b-first",
             north_store());
    CU_ASSERT_EQUAL(art_test_cli(args, &out, &err2), 0);
    free(out);
    free(err2);
}

/* A round imported from another store's bundle is a round like any other. */
static void test_history_counts_imported_rounds(void)
{
    const char *dir = art_test_tmpdir("history-bundle");
    char args[8192], *out, *err;
    snprintf(args, sizeof args,
             "export --bundle '%s/b.zip' --db '%s' --site north --round b-first", dir,
             north_store());
    int rc = art_test_cli(args, &out, &err);
    if (rc != 0)
        fprintf(stderr, "%s\n", err);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    free(out);
    free(err);
    snprintf(args, sizeof args, "import --bundle '%s/b.zip' --db '%s/net.db'", dir, dir);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    free(out);
    free(err);
    snprintf(args, sizeof args,
             "assess tests/data/sites/cls-like --db '%s/net.db' --site north --round later", dir);
    CU_ASSERT_EQUAL_FATAL(art_test_cli(args, &out, &err), 0);
    free(out);
    free(err);
    char net[4200];
    snprintf(net, sizeof net, "%s/net.db", dir);
    art_store *s;
    art_error e;
    CU_ASSERT_EQUAL_FATAL(art_store_open(net, &s, &e), ART_OK);
    art_assessment *a = NULL;
    CU_ASSERT_EQUAL_FATAL(art_store_load_assessment(s, "north", "later", &a, &e), ART_OK);
    CU_ASSERT_EQUAL_FATAL(a->history->nrounds, 2);
    CU_ASSERT_STRING_EQUAL(a->history->rounds[0], "b-first");
    CU_ASSERT_STRING_EQUAL(a->history->rounds[1], "later");
    CU_ASSERT_EQUAL(art_store_load_movement(s, a, "b-first", &e), ART_OK);
    size_t present = 0;
    for (size_t k = 0; k < a->ndims; k++)
        present += a->dims[k].movement.present;
    CU_ASSERT_EQUAL(present, a->ndims);
    art_assessment_free(a);
    art_store_close(s);
}

void art_test_register(void)
{
    ART_SUITE("history", {"rounds and scores", test_history_rounds_and_scores},
              {"insufficient is no score", test_history_insufficient_is_nan},
              {"movement numbers and evidence", test_movement_numbers_and_evidence},
              {"same sources do not move", test_movement_same_sources_is_still},
              {"movement errors", test_movement_errors},
              {"imported rounds count", test_history_counts_imported_rounds});
}
