/* artefact check / codebook export / export: REFI-QDA interchange. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct problems {
    const char *file;
    long n;
} problems;

static void print_problem(void *ud, const char *line)
{
    problems *p = ud;
    p->n++;
    printf("%s: %s\n", p->file, line);
}

int cmd_check(cli_opts *o)
{
    int rc = CLI_OK;
    for (int i = 0; i < o->nargs; i++) {
        art_error err;
        problems p = {o->args[i], 0};
        art_status st = art_qda_check(o->args[i], print_problem, &p, &err);
        if (st == ART_OK) {
            printf("%s: valid\n", o->args[i]);
        } else if (st == ART_ERR_FORMAT && p.n > 0) {
            printf("%s: %ld problem%s\n", o->args[i], p.n, p.n == 1 ? "" : "s");
            rc = CLI_FAIL;
        } else {
            cli_fail(&err);
            rc = CLI_FAIL;
        }
    }
    return rc;
}

int cmd_codebook(cli_opts *o)
{
    if (strcmp(o->args[0], "export") != 0)
        return cli_usage_error("codebook", "unknown action '%s' (expected: export)", o->args[0]);
    if (o->format && strcmp(o->format, "qdc") != 0)
        return cli_usage_error("codebook", "unknown format '%s' (expected qdc)", o->format);
    art_rubric *rb = NULL;
    char *xml = NULL;
    size_t len = 0;
    int rc = cli_load_rubric(o, &rb, &xml, &len);
    if (rc != CLI_OK)
        return rc;
    art_error err;
    const char *out = o->output && strcmp(o->output, "-") != 0 ? o->output : NULL;
    if (art_codebook_write_qdc(rb, out, &err) != ART_OK)
        rc = cli_fail(&err);
    else if (out)
        fprintf(stderr, "artefact: codebook written to %s\n", out);
    art_rubric_free(rb);
    free(xml);
    return rc;
}

int cmd_export(cli_opts *o)
{
    if (o->bundle)
        return cmd_export_bundle(o);
    if (o->with_quotes)
        return cli_usage_error("export", "--with-quotes applies to --bundle only");
    if (o->format && strcmp(o->format, "qdpx") != 0)
        return cli_usage_error("export", "unknown format '%s' (expected qdpx)", o->format);
    if (!o->output || strcmp(o->output, "-") == 0)
        return cli_usage_error("export", "a .qdpx is a zip: name the file with -o FILE");
    art_error err;
    art_store *s = NULL;
    char *site = NULL, *round = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    int rc = cli_resolve_site(s, o, &site);
    if (rc == CLI_OK)
        rc = cli_resolve_round(s, site, o, &round);
    if (rc == CLI_OK &&
        art_store_export_qdpx(s, site, round, o->reveal_names, o->output, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK)
        printf("project written to %s\n", o->output);
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}
