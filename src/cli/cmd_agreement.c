/* artefact agreement: how far the coders of a round agree, code by code. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AGREEMENT_USAGE                                                                       \
    "usage: artefact agreement [--db FILE] [--site NAME] [--round LABEL] [--format F]\n"      \
    "                          [--exclude-uncoded] [--coders A,B...]\n"                     \
    "Agreement between two or more coders of the same interview transcripts, per code and\n"  \
    "over all codes: percentage agreement and Cohen's kappa for each pair of coders,\n"      \
    "Fleiss' kappa for three or more, and Krippendorff's alpha (nominal) with a 95%\n"       \
    "bootstrap interval. Alpha below 0.667 is unreliable, 0.667 to 0.8 tentative.\n"         \
    "Units are the segments of the round's interviews; a coder gives values only for the\n"  \
    "transcripts they coded. See docs/agreement.md.\n"                                       \
    "  --db FILE          the store (default: $ARTEFACT_DB or ./artefact.db)\n"              \
    "  --site NAME        the site (default: the store's only site)\n"                       \
    "  --round LABEL      the round (default: the site's latest)\n"                          \
    "  --format F         text (default), csv or json\n"                                      \
    "  --exclude-uncoded  leave out segments none of the compared coders coded\n"            \
    "                     (by default they count as 'absent' for every code)\n"              \
    "  --coders A,B       compare only these coders (default: every coder of the round)\n"

static const cli_command AGREEMENT = {
    "agreement", "how far coders agree: kappa and Krippendorff's alpha per code",
    AGREEMENT_USAGE, OPT_DB | OPT_SITE | OPT_ROUND | OPT_FORMAT, 0, 0, cmd_agreement};

typedef struct agreement_args {
    bool exclude_uncoded;
    char **coders;      /* split from --coders; owned */
    size_t ncoders;
} agreement_args;

static void args_free(agreement_args *a)
{
    for (size_t i = 0; i < a->ncoders; i++)
        free(a->coders[i]);
    free(a->coders);
}

/* "a, b,c" -> {"a","b","c"}; an empty name is a usage error. */
static int split_coders(const char *list, agreement_args *a)
{
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    a->coders = calloc(n, sizeof *a->coders);
    if (!a->coders) {
        fputs("artefact: out of memory\n", stderr);
        return CLI_FAIL;
    }
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0)
            return cli_usage_error("agreement", "--coders takes names separated by commas");
        char *name = malloc(len + 1);
        if (!name) {
            fputs("artefact: out of memory\n", stderr);
            return CLI_FAIL;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        a->coders[a->ncoders] = name;
        a->ncoders++;
        if (!end)
            break;
        p = end + 1;
    }
    return -1;
}

static int run_agreement(const cli_opts *o, const agreement_args *x)
{
    const char *format = o->format ? o->format : "text";
    if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error("agreement", "unknown format '%s' (expected text, csv or json)",
                               format);
    art_error err;
    art_store *s = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    char *site = NULL, *round = NULL;
    art_agreement *a = NULL;
    int rc = cli_resolve_site(s, o, &site);
    if (rc == CLI_OK)
        rc = cli_resolve_round(s, site, o, &round);
    art_agreement_opts ao = {x->exclude_uncoded, (const char *const *)x->coders, x->ncoders, 0, 0};
    if (!x->coders)
        ao.coders = NULL;
    if (rc == CLI_OK && art_store_agreement(s, site, round, &ao, &a, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK && art_agreement_write(a, format, stdout, &err) != ART_OK)
        rc = cli_fail(&err);
    art_agreement_free(a);
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}

/* Reached only through cmd_agreement_main, which knows the extra options. */
int cmd_agreement(cli_opts *o)
{
    agreement_args none = {false, NULL, 0};
    return run_agreement(o, &none);
}

/* Take --exclude-uncoded and --coders LIST (or --coders=LIST) out of argv,
 * then parse the rest as every command does. */
int cmd_agreement_main(int argc, char **argv)
{
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) {
        fputs("artefact: out of memory\n", stderr);
        return CLI_FAIL;
    }
    agreement_args x = {false, NULL, 0};
    int n = 0, rc = -1;
    for (int i = 0; i < argc && rc < 0; i++) {
        if (i > 0 && strcmp(argv[i], "--exclude-uncoded") == 0) {
            x.exclude_uncoded = true;
        } else if (i > 0 && strcmp(argv[i], "--coders") == 0) {
            if (x.coders)
                rc = cli_usage_error("agreement", "--coders given twice");
            else if (i + 1 >= argc)
                rc = cli_usage_error("agreement", "option '--coders' needs a value");
            else
                rc = split_coders(argv[++i], &x);
        } else if (i > 0 && strncmp(argv[i], "--coders=", 9) == 0) {
            rc = x.coders ? cli_usage_error("agreement", "--coders given twice")
                          : split_coders(argv[i] + 9, &x);
        } else {
            rest[n++] = argv[i];
        }
    }
    cli_opts o;
    if (rc < 0)
        rc = cli_parse(&AGREEMENT, n, rest, &o);
    if (rc < 0)
        rc = run_agreement(&o, &x);
    args_free(&x);
    free(rest);
    return rc;
}
