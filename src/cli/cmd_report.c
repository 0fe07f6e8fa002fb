/* artefact score / report: score a stored round, or report its latest run. */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_score_summary(const art_assessment *a)
{
    size_t scored = 0, failed = 0;
    for (size_t i = 0; i < a->ndims; i++)
        scored += !isnan(a->dims[i].score);
    for (size_t i = 0; i < a->nplugins; i++)
        failed += a->plugins[i].status != ART_OK;
    printf("%s, round %s: %zu of %zu dimensions scored with %zu plugin%s (%zu skipped)\n", a->site,
           a->round, scored, a->ndims, a->nplugins, a->nplugins == 1 ? "" : "s", failed);
}

/* Open the store and find the site and round the options point at. */
static int open_scope(const cli_opts *o, art_store **s, char **site, char **round)
{
    art_error err;
    if (art_store_open(cli_db_path(o), s, &err) != ART_OK)
        return cli_fail(&err);
    int rc = cli_resolve_site(*s, o, site);
    if (rc == CLI_OK)
        rc = cli_resolve_round(*s, *site, o, round);
    return rc;
}

int cmd_score(cli_opts *o)
{
    art_store *s = NULL;
    char *site = NULL, *round = NULL;
    art_assessment *a = NULL;
    int rc = open_scope(o, &s, &site, &round);
    if (rc == CLI_OK) {
        art_store_set_jobs(s, (int)o->jobs);
        rc = cli_score(s, site, round, o, &a);
    }
    if (rc == CLI_OK)
        print_score_summary(a);
    art_assessment_free(a);
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}

/* --table NAME (CSV, or JSON with --format json; to -o FILE or stdout) and
 * --tables DIR (every table, both formats).  Either replaces the report. */
static int write_tables(const art_assessment *a, const cli_opts *o)
{
    art_error err;
    if (o->tables_dir && art_report_write_tables(a, o->tables_dir, &err) != ART_OK)
        return cli_fail(&err);
    if (!o->table)
        return CLI_OK;
    art_table_format fmt = ART_TABLE_CSV;
    if (o->format && art_table_format_from_name(o->format, &fmt, &err) != ART_OK)
        return cli_usage_error("report", "--table writes csv or json, not '%s'", o->format);
    art_status st;
    if (o->output && strcmp(o->output, "-") != 0)
        st = art_report_write_table_file(a, o->table, fmt, o->output, &err);
    else
        st = art_report_write_table(a, o->table, fmt, stdout, &err);
    return st == ART_OK ? CLI_OK : cli_fail(&err);
}

int cmd_report(cli_opts *o)
{
    art_error err;
    art_store *s = NULL;
    char *site = NULL, *round = NULL;
    art_assessment *a = NULL;
    int rc = open_scope(o, &s, &site, &round);
    if (rc == CLI_OK && art_store_load_assessment(s, site, round, &a, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK && o->since && art_store_load_movement(s, a, o->since, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK && o->reveal_names && art_store_reveal_names(s, a, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK)
        rc = o->table || o->tables_dir ? write_tables(a, o) : cli_write_report(a, o, false);
    art_assessment_free(a);
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}
