/* artefact purge: remove every trace of a participant, or of a whole site. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cli_command PURGE = {
    "purge", "remove every trace of a participant or a site from the store",
    "usage: artefact purge --participant ID --site NAME [--db FILE]\n"
    "       artefact purge --site NAME [--db FILE]\n"
    "Remove a participant (ID: their pseudonym, e.g. P03, or their name) from a site:\n"
    "their segments and codings, the evidence quoting them, their attributes, and their\n"
    "name wherever else it appears (replaced by [removed]). Without --participant, remove\n"
    "the whole site. Then the store file is compacted so its bytes keep no trace.\n"
    "  --participant ID the participant's pseudonym or name\n"
    "  --site NAME      the site (required)\n"
    "  --db FILE        the store (default: $ARTEFACT_DB or ./artefact.db)\n",
    OPT_DB | OPT_SITE, 0, 0, cmd_purge};

static int purge(cli_opts *o, const char *participant)
{
    /* Purging is irreversible: the site is never guessed. */
    if (!o->site)
        return cli_usage_error("purge", "--site is required");
    art_error err;
    art_store *s = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    art_status st = participant ? art_store_purge_participant(s, o->site, participant, &err)
                                : art_store_purge_site(s, o->site, &err);
    art_store_close(s);
    if (st != ART_OK)
        return cli_fail(&err);
    /* The ID is not repeated: it may be a real name. */
    if (participant)
        fprintf(stderr, "artefact: purged the participant from site %s\n", o->site);
    else
        fprintf(stderr, "artefact: purged site %s\n", o->site);
    return CLI_OK;
}

int cmd_purge(cli_opts *o)
{
    return purge(o, NULL);
}

/* Take --participant ID (or --participant=ID) out of argv, then parse the
 * rest as every command does. */
int cmd_purge_main(int argc, char **argv)
{
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) {
        fputs("artefact: out of memory\n", stderr);
        return CLI_FAIL;
    }
    const char *participant = NULL;
    int n = 0, rc = -1;
    for (int i = 0; i < argc && rc < 0; i++) {
        if (strcmp(argv[i], "--participant") == 0) {
            if (i + 1 >= argc)
                rc = cli_usage_error("purge", "option '--participant' needs a value");
            else
                participant = argv[++i];
        } else if (strncmp(argv[i], "--participant=", 14) == 0) {
            participant = argv[i] + 14;
        } else {
            rest[n++] = argv[i];
        }
    }
    if (rc < 0 && participant && !*participant)
        rc = cli_usage_error("purge", "--participant needs a non-empty ID");
    cli_opts o;
    if (rc < 0)
        rc = cli_parse(&PURGE, n, rest, &o);
    if (rc < 0)
        rc = purge(&o, participant);
    free(rest);
    return rc;
}
