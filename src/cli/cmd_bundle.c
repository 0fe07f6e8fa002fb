/* artefact export --bundle and artefact import --bundle: what a site sends
 * the network, and how the network store takes it in (docs/bundles.md). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_export_bundle(cli_opts *o)
{
    if (o->format)
        return cli_usage_error("export", "--format does not apply to --bundle");
    if (o->output)
        return cli_usage_error("export", "name the bundle with --bundle FILE, not -o");
    if (strcmp(o->bundle, "-") == 0)
        return cli_usage_error("export", "a bundle is a zip: name the file with --bundle FILE");
    art_error err;
    art_store *s = NULL;
    char *site = NULL, *round = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    int rc = cli_resolve_site(s, o, &site);
    if (rc == CLI_OK)
        rc = cli_resolve_round(s, site, o, &round);
    if (rc == CLI_OK) {
        art_bundle_opts opts = {.with_quotes = o->with_quotes, .reveal_names = o->reveal_names};
        if (art_store_export_bundle(s, site, round, &opts, o->bundle, &err) != ART_OK)
            rc = cli_fail(&err);
        else
            fprintf(stderr, "artefact: bundle of %s, round %s, written to %s (%s)\n", site, round,
                    o->bundle, o->with_quotes ? "with pseudonymised quotes" : "no quotes");
    }
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}

int cmd_import(cli_opts *o)
{
    if (!o->bundle)
        return cli_usage_error("import", "name the bundle with --bundle FILE");
    art_error err;
    art_store *s = NULL;
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    art_bundle_import_stats st;
    int rc = CLI_OK;
    if (art_store_import_bundle(s, o->bundle, &st, &err) != ART_OK) {
        rc = cli_fail(&err);
    } else {
        if (st.imported)
            printf("%s: imported site %s, round %s: %zu dimensions, %zu quotes, %zu ladder "
                   "passages, %zu ratings, %zu reviews\n",
                   o->bundle, st.site, st.round, st.ndims, st.nquotes, st.nladder, st.nratings,
                   st.nreviews);
        else
            printf("%s: already imported (site %s, round %s); nothing changed\n", o->bundle,
                   st.site, st.round);
        art_bundle_import_stats_clear(&st);
    }
    art_store_close(s);
    return rc;
}
