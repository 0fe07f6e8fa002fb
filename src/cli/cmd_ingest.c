/* artefact ingest: add files to a round of a site. */
#include "cli.h"

#include <stdlib.h>

int cli_do_ingest(art_store *s, const cli_opts *o, char **site, char **round);

int cmd_ingest(cli_opts *o)
{
    art_error err;
    art_store *s = NULL;
    char *site = NULL, *round = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    int rc = cli_do_ingest(s, o, &site, &round);
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}
