/* artefact plugins / rubric check. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void print_plugin_text(const art_plugin_result *p)
{
    if (p->status != ART_OK) {
        printf("%s: cannot load: %s\n", p->path, p->error ? p->error : art_status_name(p->status));
        return;
    }
    printf("%s %s\n  %s\n  dimensions:", p->name, p->version ? p->version : "?",
           p->description ? p->description : "");
    for (size_t k = 0; k < p->ndimensions; k++)
        printf(" %s", p->dimensions[k]);
    printf("\n  file: %s\n  sha256: %s\n", p->path, p->sha256);
}

static void print_plugin_json(const art_plugin_result *p, bool first)
{
    printf("%s\n  {\"name\": ", first ? "" : ",");
    json_str(p->name);
    printf(", \"version\": ");
    json_str(p->version);
    printf(", \"description\": ");
    json_str(p->description);
    printf(", \"dimensions\": [");
    for (size_t k = 0; k < p->ndimensions; k++) {
        printf("%s", k ? ", " : "");
        json_str(p->dimensions[k]);
    }
    printf("], \"path\": ");
    json_str(p->path);
    printf(", \"sha256\": ");
    json_str(p->sha256);
    printf(", \"status\": \"%s\", \"error\": ", art_status_name(p->status));
    json_str(p->error);
    printf("}");
}

static void print_emit(const art_emit *e)
{
    printf("%s %s: score %.1f, weight %.2f, %zu evidence\n", e->dimension,
           art_facet_id(e->facet), e->score, e->weight, e->nev);
    for (size_t k = 0; k < e->nev && k < 3; k++) {
        const art_evidence *v = &e->ev[k];
        printf("    %s %s: \"%.120s\" (%s, %s)\n", v->direction > 0 ? "+" : "-",
               v->indicator ? v->indicator : "", v->quote ? v->quote : "",
               v->source ? v->source : "", v->locator ? v->locator : "");
    }
    if (e->nev > 3)
        printf("    ... and %zu more\n", e->nev - 3);
}

/* artefact plugins test PLUGIN DIR: the plugin author's loop. */
static int plugins_test(cli_opts *o)
{
    if (o->nargs != 3)
        return cli_usage_error("plugins", "test needs a plugin file and a folder");
    art_error err;
    art_store *s = NULL;
    art_rubric *rb = NULL;
    char *xml = NULL;
    size_t len = 0;
    art_corpus *corpus = NULL;
    art_plugin_result res;
    memset(&res, 0, sizeof res);
    const char *paths[] = {o->args[2]};
    int rc = cli_load_rubric(o, &rb, &xml, &len);
    if (rc == CLI_OK && (art_store_open(":memory:", &s, &err) != ART_OK ||
                         art_store_ingest(s, "test", "test", paths, 1, NULL, &err) != ART_OK ||
                         art_store_open_corpus(s, "test", "test", NULL, &corpus, &err) != ART_OK))
        rc = cli_fail(&err);
    if (rc == CLI_OK && art_plugin_run(o->args[1], rb, corpus, NULL, &res, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK) {
        printf("%s %s on %s: %zu segments\n", res.name ? res.name : o->args[1],
               res.version ? res.version : "?", o->args[2], art_corpus_count(corpus));
        if (res.status != ART_OK) {
            printf("failed (%s): %s\n", art_status_name(res.status), res.error ? res.error : "");
            rc = CLI_FAIL;
        } else {
            printf("%zu emits, %lld instructions, %zu bytes of memory at most\n", res.nemits,
                   res.instructions, res.peak_memory);
            for (size_t i = 0; i < res.nemits; i++)
                print_emit(&res.emits[i]);
        }
    }
    art_plugin_result_clear(&res);
    art_corpus_free(corpus);
    art_store_close(s);
    art_rubric_free(rb);
    free(xml);
    return rc;
}

int cmd_plugins(cli_opts *o)
{
    if (o->nargs > 0) {
        if (strcmp(o->args[0], "test") != 0)
            return cli_usage_error("plugins", "unknown action '%s' (expected: test)", o->args[0]);
        return plugins_test(o);
    }
    const char *fmt = o->format ? o->format : "text";
    bool json = strcmp(fmt, "json") == 0;
    if (!json && strcmp(fmt, "text") != 0)
        return cli_usage_error("plugins", "unknown format '%s' (expected text or json)", fmt);
    char **paths;
    size_t n;
    int rc = cli_list_plugins(o, &paths, &n);
    if (rc != CLI_OK)
        return rc;
    art_plugin_limits lim;
    art_plugin_limits_default(&lim);
    if (json)
        printf("[");
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        art_plugin_result p;
        art_error err;
        if (art_plugin_describe(paths[i], &lim, &p, &err) != ART_OK) {
            rc = cli_fail(&err);
            break;
        }
        if (!p.path)
            p.path = strdup(paths[i]);
        bad += p.status != ART_OK;
        if (json)
            print_plugin_json(&p, i == 0);
        else
            print_plugin_text(&p);
        art_plugin_result_clear(&p);
    }
    if (json)
        printf("\n]\n");
    cli_free_list(paths, n);
    return rc != CLI_OK ? rc : bad ? CLI_FAIL : CLI_OK;
}

int cmd_rubric(cli_opts *o)
{
    if (strcmp(o->args[0], "check") != 0)
        return cli_usage_error("rubric", "unknown action '%s' (expected: check FILE)", o->args[0]);
    art_error err;
    art_rubric *rb;
    if (art_rubric_load(o->args[1], &rb, &err) != ART_OK)
        return cli_fail(&err);
    size_t nind = 0, ncodes = 0;
    for (size_t i = 0; i < rb->ndims; i++) {
        nind += rb->dims[i].nindicators;
        ncodes += rb->dims[i].ncodes;
    }
    printf("%s: ok: rubric %s %s, %zu dimensions, %zu indicators, %zu code mappings\n",
           o->args[1], rb->id, rb->version, rb->ndims, nind, ncodes);
    printf("sha256 %s\n", rb->sha256);
    art_rubric_free(rb);
    return CLI_OK;
}
