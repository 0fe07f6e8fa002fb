/* artefact compare: every site of a store, dimension by dimension. */
#include "cli.h"

#include <stdio.h>

int cmd_compare(cli_opts *o)
{
    (void)o;
    fprintf(stderr, "artefact compare: not available yet\n");
    return CLI_FAIL;
}
