/* artefact ratings (import, list) and artefact review (annotate, override). */
#include "cli.h"

#include <stdio.h>

int cmd_ratings(cli_opts *o)
{
    (void)o;
    fprintf(stderr, "artefact ratings: not available yet\n");
    return CLI_FAIL;
}

int cmd_review(cli_opts *o)
{
    (void)o;
    fprintf(stderr, "artefact review: not available yet\n");
    return CLI_FAIL;
}
