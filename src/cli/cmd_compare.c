/* artefact compare: every site of a store, dimension by dimension. */
#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct compare_out {
    const art_comparison *c;
    const char *format;
    const char *table;
} compare_out;

static art_status write_comparison(FILE *f, void *ud, art_error *err)
{
    const compare_out *w = ud;
    return art_comparison_write(w->c, w->format, w->table, f, err);
}

/* Refuse a wrong --format or --table before the store is read. */
static int check_options(const cli_opts *o, const char *format)
{
    bool text = strcmp(format, "text") == 0, csv = strcmp(format, "csv") == 0;
    if (!text && !csv && strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
        return cli_usage_error("compare", "--format takes text, csv, json or html, not '%s'",
                               format);
    if (o->table && strcmp(o->table, "matrix") != 0 && strcmp(o->table, "trend") != 0)
        return cli_usage_error("compare", "--table takes matrix or trend, not '%s'", o->table);
    if (o->table && !text && !csv)
        return cli_usage_error("compare", "--table chooses a table for text or csv; %s holds "
                                          "every table",
                               format);
    if (o->tables_dir)
        return cli_usage_error("compare", "--tables is for reports; use --format csv --table "
                                          "matrix|trend, or --format json for every table");
    return CLI_OK;
}

int cmd_compare(cli_opts *o)
{
    const char *format = o->format ? o->format : "text";
    int rc = check_options(o, format);
    if (rc != CLI_OK)
        return rc;
    art_compare_opts opts;
    art_compare_opts_default(&opts);
    if (o->min_sources >= 0)
        opts.min_sources = (size_t)o->min_sources;
    if (o->min_voices >= 0)
        opts.min_voices = (size_t)o->min_voices;
    opts.round = o->round;
    /* Opening a store creates it: comparing a path that holds none is a
     * mistake to report, not an empty network to make. */
    struct stat sb;
    if (stat(cli_db_path(o), &sb) != 0) {
        fprintf(stderr, "artefact: %s: no store there (give --db FILE or set ARTEFACT_DB)\n",
                cli_db_path(o));
        return CLI_FAIL;
    }
    art_error err;
    art_store *s = NULL;
    art_comparison *c = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    if (art_store_compare(s, &opts, &c, &err) != ART_OK)
        rc = cli_fail(&err);
    art_store_close(s);
    if (rc == CLI_OK) {
        compare_out w = {c, format, o->table};
        rc = cli_write_atomic(o->output, write_comparison, &w);
    }
    art_comparison_free(c);
    return rc;
}
