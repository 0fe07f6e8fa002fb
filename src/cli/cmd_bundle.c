/* artefact export --bundle and artefact import --bundle. */
#include "cli.h"

#include <stdio.h>

int cmd_export_bundle(cli_opts *o)
{
    (void)o;
    fprintf(stderr, "artefact export --bundle: not available yet\n");
    return CLI_FAIL;
}

int cmd_import(cli_opts *o)
{
    (void)o;
    fprintf(stderr, "artefact import: not available yet\n");
    return CLI_FAIL;
}
