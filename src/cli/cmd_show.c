/* artefact show / codes: what the store holds. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* JSON string for names a user typed (sites, rounds). */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

int cmd_show(cli_opts *o)
{
    art_error err;
    art_store *s = NULL;
    const char *fmt = o->format ? o->format : "text";
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)
        return cli_usage_error("show", "unknown format '%s' (expected text or json)", fmt);
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    char *site = NULL, *round = NULL;
    int rc = CLI_OK;
    /* A round needs a site; a store with one site supplies it. */
    if (o->site || o->round)
        rc = cli_resolve_site(s, o, &site);
    if (rc == CLI_OK && o->round)
        round = strdup(o->round);
    art_counts c;
    if (rc == CLI_OK && art_store_counts(s, site, round, &c, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK) {
        static const char *const labels[] = {"sources", "documents", "interviews", "segments",
                                             "codes", "codings", "participants"};
        long long v[] = {c.sources, c.documents, c.interviews, c.segments,
                         c.codes, c.codings, c.participants};
        if (strcmp(fmt, "json") == 0) {
            printf("{\"store\": ");
            json_string(stdout, cli_db_path(o));
            printf(", \"schema_version\": %d, \"site\": ", art_store_schema_version(s));
            site ? json_string(stdout, site) : (void)fputs("null", stdout);
            printf(", \"round\": ");
            round ? json_string(stdout, round) : (void)fputs("null", stdout);
            for (int i = 0; i < 7; i++)
                printf(", \"%s\": %lld", labels[i], v[i]);
            printf("}\n");
        } else {
            printf("store %s (schema %d)", cli_db_path(o), art_store_schema_version(s));
            if (site)
                printf(", site %s", site);
            if (round)
                printf(", round %s", round);
            printf("\n");
            for (int i = 0; i < 7; i++)
                printf("  %-13s %lld\n", labels[i], v[i]);
        }
    }
    free(site);
    free(round);
    art_store_close(s);
    return rc;
}

typedef struct codes_out {
    bool csv;
} codes_out;

static int print_code(const art_code_row *row, void *ud)
{
    const codes_out *co = ud;
    if (co->csv) {
        csv_field(stdout, row->path);
        fputc(',', stdout);
        csv_field(stdout, row->name);
        printf(",%d,%lld\n", row->depth, row->ncodings);
    } else {
        printf("%*s%s (%lld)\n", row->depth * 2, "", row->name, row->ncodings);
    }
    return 0;
}

int cmd_codes(cli_opts *o)
{
    art_error err;
    art_store *s = NULL;
    const char *fmt = o->format ? o->format : "text";
    if (strcmp(fmt, "text") != 0 && strcmp(fmt, "csv") != 0)
        return cli_usage_error("codes", "unknown format '%s' (expected text or csv)", fmt);
    if (art_store_open(cli_db_path(o), &s, &err) != ART_OK)
        return cli_fail(&err);
    char *site = NULL;
    codes_out co = {strcmp(fmt, "csv") == 0};
    int rc = cli_resolve_site(s, o, &site);
    if (rc == CLI_OK && co.csv)
        printf("path,name,depth,codings\n");
    if (rc == CLI_OK && art_store_each_code(s, site, print_code, &co, &err) != ART_OK)
        rc = cli_fail(&err);
    free(site);
    art_store_close(s);
    return rc;
}
