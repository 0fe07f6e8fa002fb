/* artefact assess: ingest, score and report in one go. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The folder's own name is the natural default site: "examples/riverside/"
 * -> "riverside". */
static char *site_from_path(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && path[start - 1] != '/')
        start--;
    char *s = strndup(path + start, n - start);
    if (s) {
        char *dot = strrchr(s, '.');
        if (dot && dot != s)
            *dot = '\0';  /* a single file: drop its extension */
    }
    return s;
}

#define CLI_MAX_WARNINGS 20

void cli_print_warning(void *ud, const char *message)
{
    long *n = ud;
    if (++*n <= CLI_MAX_WARNINGS)
        fprintf(stderr, "artefact: warning: %s\n", message);
}

/* One line on what an ingest did.  A file unchanged since an earlier round
 * is linked, not parsed, so it adds no segments of its own: then the line
 * also gives what the round now holds, or a lead re-assessing a site would
 * read "0 codings" and think the interviews were lost. */
static void print_ingest_summary(art_store *s, const char *site, const char *round,
                                 const art_ingest_stats *st)
{
    fprintf(stderr, "artefact: %s, round %s: %ld file%s read (%ld added", site, round,
            st->files_seen, st->files_seen == 1 ? "" : "s", st->files_new);
    if (st->files_reused > 0)
        fprintf(stderr, ", %ld of them unchanged from an earlier round", st->files_reused);
    /* Some files added nothing of their own: the counts are only what is new. */
    bool linked = st->files_reused + st->files_unchanged > 0;
    const char *new_ = linked ? "new " : "";
    fprintf(stderr, ", %ld already there), %ld %ssegments, %ld %scodings", st->files_unchanged,
            st->segments, new_, st->codings, new_);
    art_counts c;
    art_error err;
    if (linked && art_store_counts(s, site, round, &c, &err) == ART_OK)
        fprintf(stderr, "; the round holds %lld segments and %lld codings", c.segments,
                c.codings);
    fputc('\n', stderr);
}

int cli_do_ingest(art_store *s, const cli_opts *o, char **site, char **round);

int cli_do_ingest(art_store *s, const cli_opts *o, char **site, char **round)
{
    art_error err;
    char today[11];
    cli_today(today);
    *site = o->site ? strdup(o->site) : site_from_path(o->args[0]);
    *round = strdup(o->round ? o->round : today);
    if (!*site || !*round || !**site)
        return cli_usage_error("ingest", "cannot tell the site's name; give --site");
    art_ingest_stats st;
    long warnings = 0;
    art_store_set_jobs(s, (int)o->jobs);
    art_store_set_warning_handler(s, cli_print_warning, &warnings);
    art_voice_map *vm = NULL;
    if (o->voice_map && art_voice_map_load(o->voice_map, &vm, &err) != ART_OK)
        return cli_fail(&err);
    if (art_store_ingest(s, *site, *round, (const char *const *)o->args, (size_t)o->nargs, &st,
                         &err) != ART_OK ||
        (vm && art_store_apply_voice_map(s, *site, vm, &err) != ART_OK)) {
        art_voice_map_free(vm);
        return cli_fail(&err);
    }
    art_voice_map_free(vm);
    if (warnings > CLI_MAX_WARNINGS)
        fprintf(stderr, "artefact: ... and %ld more warnings\n", warnings - CLI_MAX_WARNINGS);
    print_ingest_summary(s, *site, *round, &st);
    return CLI_OK;
}

int cmd_assess(cli_opts *o)
{
    art_error err;
    art_store *s = NULL;
    char *site = NULL, *round = NULL;
    art_assessment *a = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    int rc = cli_do_ingest(s, o, &site, &round);
    if (rc == CLI_OK)
        rc = cli_score(s, site, round, o, &a);
    if (rc == CLI_OK && o->reveal_names)
        rc = art_store_reveal_names(s, a, &err) == ART_OK ? CLI_OK : cli_fail(&err);
    if (rc == CLI_OK)
        rc = cli_write_report(a, o, o->output != NULL);
    art_assessment_free(a);
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}
