/* What the subcommands share: options, defaults, data files, output. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_fail(const art_error *err)
{
    fprintf(stderr, "artefact: %s\n", err->message[0] ? err->message : art_status_name(err->status));
    return err->status == ART_ERR_USAGE ? CLI_USAGE : CLI_FAIL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "artefact %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'artefact %s --help')\n", cmd);
    return CLI_USAGE;
}

int cli_parse(const cli_command *cmd, int argc, char **argv, cli_opts *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},      {"site", required_argument, NULL, 's'},
        {"round", required_argument, NULL, 'r'},   {"rubric", required_argument, NULL, 'R'},
        {"plugins", required_argument, NULL, 'P'}, {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},  {"reveal-names", no_argument, NULL, 'N'},
        {"voice-map", required_argument, NULL, 'V'}, {"code-map", required_argument, NULL, 'C'},
        {"gap-threshold", required_argument, NULL, 'G'},
        {"since", required_argument, NULL, 'S'},   {"bundle", required_argument, NULL, 'B'},
        {"with-quotes", no_argument, NULL, 'Q'},   {"min-sources", required_argument, NULL, 'm'},
        {"min-voices", required_argument, NULL, 'v'}, {"table", required_argument, NULL, 't'},
        {"tables", required_argument, NULL, 'T'},  {"dimension", required_argument, NULL, 'D'},
        {"level", required_argument, NULL, 'L'},   {"by", required_argument, NULL, 'b'},
        {"rationale", required_argument, NULL, 'x'}, {"force", no_argument, NULL, 'F'},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    static const struct { int ch; unsigned bit; const char *name; } bits[] = {
        {'d', OPT_DB, "--db"},         {'s', OPT_SITE, "--site"},
        {'r', OPT_ROUND, "--round"},   {'R', OPT_RUBRIC, "--rubric"},
        {'P', OPT_PLUGINS, "--plugins"}, {'f', OPT_FORMAT, "--format"},
        {'o', OPT_OUTPUT, "--output"}, {'N', OPT_REVEAL, "--reveal-names"},
        {'V', OPT_VOICE_MAP, "--voice-map"}, {'C', OPT_CODE_MAP, "--code-map"},
        {'G', OPT_GAP, "--gap-threshold"}, {'S', OPT_SINCE, "--since"},
        {'B', OPT_BUNDLE, "--bundle"}, {'Q', OPT_WITH_QUOTES, "--with-quotes"},
        {'m', OPT_MIN, "--min-sources"}, {'v', OPT_MIN, "--min-voices"},
        {'t', OPT_TABLES, "--table"}, {'T', OPT_TABLES, "--tables"},
        {'D', OPT_REVIEW, "--dimension"}, {'L', OPT_REVIEW, "--level"},
        {'b', OPT_REVIEW, "--by"}, {'x', OPT_REVIEW, "--rationale"},
        {'F', OPT_FORCE, "--force"}, {'j', OPT_JOBS, "--jobs"}};
    memset(o, 0, sizeof *o);
    o->gap_threshold = -1;
    o->min_sources = o->min_voices = -1;
    opterr = 0;
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(cmd->usage, stdout);
            return CLI_OK;
        }
        if (ch == '?')
            return cli_usage_error(cmd->name, "unknown option '%s'", argv[optind - 1]);
        if (ch == ':')
            return cli_usage_error(cmd->name, "option '%s' needs a value", argv[optind - 1]);
        for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
            if (bits[i].ch == ch && !(cmd->options & bits[i].bit))
                return cli_usage_error(cmd->name, "option %s does not apply here", bits[i].name);
        switch (ch) {
        case 'd': o->db = optarg; break;
        case 's': o->site = optarg; break;
        case 'r': o->round = optarg; break;
        case 'R': o->rubric = optarg; break;
        case 'P': o->plugins_dir = optarg; break;
        case 'f': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'N': o->reveal_names = true; break;
        case 'V': o->voice_map = optarg; break;
        case 'C': o->code_map = optarg; break;
        case 'S': o->since = optarg; break;
        case 'B': o->bundle = optarg; break;
        case 'Q': o->with_quotes = true; break;
        case 't': o->table = optarg; break;
        case 'T': o->tables_dir = optarg; break;
        case 'D': o->dimension = optarg; break;
        case 'b': o->by = optarg; break;
        case 'x': o->rationale = optarg; break;
        case 'F': o->force = true; break;
        case 'j': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 64)
                return cli_usage_error(cmd->name, "--jobs takes a number of threads from 1 to 64");
            o->jobs = v;
            break;
        }
        case 'm':
        case 'v':
        case 'L': {
            char *end;
            long v = strtol(optarg, &end, 10);
            const char *what = ch == 'm' ? "--min-sources" : ch == 'v' ? "--min-voices" : "--level";
            if (*end || end == optarg || v < 0 || v > 1000000 || (ch == 'L' && (v < 1 || v > 5)))
                return cli_usage_error(cmd->name, ch == 'L' ? "%s takes a level from 1 to 5"
                                                            : "%s takes a whole number",
                                       what);
            if (ch == 'm')
                o->min_sources = v;
            else if (ch == 'v')
                o->min_voices = v;
            else
                o->level = v;
            break;
        }
        case 'G': {
            char *end;
            o->gap_threshold = strtod(optarg, &end);
            if (*end || end == optarg || !(o->gap_threshold >= 0 && o->gap_threshold <= 100))
                return cli_usage_error(cmd->name, "--gap-threshold takes a number from 0 to 100");
            break;
        }
        }
    }
    o->args = argv + optind;
    o->nargs = argc - optind;
    if (o->nargs < cmd->min_args)
        return cli_usage_error(cmd->name, "missing argument");
    if (cmd->max_args >= 0 && o->nargs > cmd->max_args)
        return cli_usage_error(cmd->name, "unexpected argument '%s'", o->args[cmd->max_args]);
    if (o->site && !*o->site)
        return cli_usage_error(cmd->name, "--site needs a non-empty name");
    if (o->round && !*o->round)
        return cli_usage_error(cmd->name, "--round needs a non-empty label");
    return -1;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *cli_data_path(const char *rel)
{
    const char *roots[3] = {getenv("ARTEFACT_DATADIR"), ART_PKGDATADIR, ART_SRCDIR};
    char buf[4096];
    for (int i = 0; i < 3; i++) {
        if (!roots[i] || !*roots[i])
            continue;
        snprintf(buf, sizeof buf, "%s/%s", roots[i], rel);
        /* An explicit ARTEFACT_DATADIR is used even when the file is missing,
         * so the error names the folder the user chose. */
        if (i == 0 || file_exists(buf))
            return strdup(buf);
    }
    snprintf(buf, sizeof buf, "%s/%s", ART_PKGDATADIR, rel);
    return strdup(buf);
}

const char *cli_db_path(const cli_opts *o)
{
    if (o->db)
        return o->db;
    const char *env = getenv("ARTEFACT_DB");
    return env && *env ? env : "artefact.db";
}

int cli_resolve_site(art_store *s, const cli_opts *o, char **out)
{
    art_error err;
    if (o->site) {
        *out = strdup(o->site);
        return *out ? CLI_OK : CLI_FAIL;
    }
    char **names;
    size_t n;
    if (art_store_sites(s, &names, &n, &err) != ART_OK)
        return cli_fail(&err);
    int rc = CLI_OK;
    if (n == 1) {
        *out = names[0];
        names[0] = NULL;
    } else {
        fprintf(stderr, "artefact: %s: %s; name one with --site\n", cli_db_path(o),
                n == 0 ? "the store holds no site yet" : "the store holds several sites");
        rc = CLI_FAIL;
    }
    cli_free_list(names, n);
    return rc;
}

int cli_resolve_round(art_store *s, const char *site, const cli_opts *o, char **out)
{
    art_error err;
    if (o->round) {
        *out = strdup(o->round);
        return *out ? CLI_OK : CLI_FAIL;
    }
    if (art_store_latest_round(s, site, out, &err) != ART_OK)
        return cli_fail(&err);
    return CLI_OK;
}

void cli_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int cli_load_rubric(const cli_opts *o, art_rubric **rb, char **xml, size_t *xml_len)
{
    art_error err;
    char *path = o->rubric ? strdup(o->rubric) : cli_data_path("rubrics/cls-culture.xml");
    if (!path)
        return CLI_FAIL;
    int rc = CLI_OK;
    if (art_read_file(path, 8u << 20, xml, xml_len, &err) != ART_OK ||
        art_rubric_load_memory(*xml, *xml_len, path, rb, &err) != ART_OK) {
        free(*xml);
        *xml = NULL;
        rc = cli_fail(&err);
    }
    free(path);
    return rc;
}

void cli_free_list(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_list_plugins(const cli_opts *o, char ***paths, size_t *n)
{
    *paths = NULL;
    *n = 0;
    char *dir = o->plugins_dir ? strdup(o->plugins_dir) : cli_data_path("plugins");
    if (!dir)
        return CLI_FAIL;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "artefact: %s: cannot open plugin folder: %s\n", dir, strerror(errno));
        free(dir);
        return CLI_FAIL;
    }
    size_t cap = 0;
    struct dirent *e;
    int rc = CLI_OK;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".lua") != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            char **p = realloc(*paths, cap * sizeof *p);
            if (!p) { rc = CLI_FAIL; break; }
            *paths = p;
        }
        size_t need = strlen(dir) + len + 2;
        char *full = malloc(need);
        if (!full) { rc = CLI_FAIL; break; }
        snprintf(full, need, "%s/%s", dir, e->d_name);
        (*paths)[(*n)++] = full;
    }
    closedir(d);
    if (rc == CLI_OK && *n == 0) {
        fprintf(stderr, "artefact: %s: no plugins (*.lua) in this folder\n", dir);
        rc = CLI_FAIL;
    }
    free(dir);
    if (rc != CLI_OK) {
        cli_free_list(*paths, *n);
        *paths = NULL;
        *n = 0;
        return rc;
    }
    qsort(*paths, *n, sizeof **paths, cmp_str);
    return CLI_OK;
}

typedef struct report_job {
    const art_assessment *a;
    art_report_opts ro;
} report_job;

static art_status write_report_to(FILE *f, void *ud, art_error *err)
{
    const report_job *j = ud;
    return art_report_write(j->a, &j->ro, f, err);
}

int cli_write_report(const art_assessment *a, const cli_opts *o, bool announce)
{
    art_error err;
    report_job job = {a, {0}};
    if (art_format_from_name(o->format ? o->format : "text", &job.ro.format, &err) != ART_OK)
        return cli_fail(&err);
    /* Written beside the target and renamed, so a reader never sees half a
     * report and a failure leaves any earlier report intact. */
    int rc = cli_write_atomic(o->output, write_report_to, &job);
    if (rc != CLI_OK || !o->output || strcmp(o->output, "-") == 0)
        return rc;
    if (announce) {
        char *abs = realpath(o->output, NULL);
        printf("report written to %s\n", abs ? abs : o->output);
        free(abs);
    }
    return CLI_OK;
}

int cli_write_atomic(const char *path, cli_writer write, void *ud)
{
    art_error err;
    if (!path || strcmp(path, "-") == 0) {
        if (write(stdout, ud, &err) != ART_OK)
            return cli_fail(&err);
        return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
    }
    size_t need = strlen(path) + 16;
    char *tmp = malloc(need);
    if (!tmp)
        return CLI_FAIL;
    snprintf(tmp, need, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "artefact: %s: cannot write: %s\n", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return CLI_FAIL;
    }
    fchmod(fd, 0644);
    art_status st = write(f, ud, &err);
    if (fclose(f) != 0 && st == ART_OK)
        st = art_error_set(&err, ART_ERR_IO, "%s: cannot write", path);
    if (st == ART_OK && rename(tmp, path) != 0)
        st = art_error_set(&err, ART_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    if (st != ART_OK) {
        unlink(tmp);
        if (!strstr(err.message, path)) {
            char msg[ART_ERROR_MAX];
            snprintf(msg, sizeof msg, "%s", err.message);
            art_error_set(&err, st, "%s: %s", path, msg);
        }
    }
    free(tmp);
    return st == ART_OK ? CLI_OK : cli_fail(&err);
}

/* What a run's scores depend on outside the store: the artefact version,
 * the rubric, each plugin's name and bytes, the code map and the options. */
static int scoring_salt(const art_rubric *rb, char **plugins, size_t nplugins,
                        const char *code_map, const art_assess_opts *ao, char **out)
{
    art_error err;
    size_t cap = 256 + nplugins * 400 + (code_map ? 65 : 0);
    char *salt = malloc(cap);
    if (!salt)
        return CLI_FAIL;
    int n = snprintf(salt, cap, "artefact %s\nrubric %s\ngap %.6g floor %.6g %zu\n", ART_VERSION,
                     rb->sha256, ao->gap_threshold, ao->min_confidence, ao->min_evidence);
    if (code_map) {
        char h[65];
        art_sha256_hex(code_map, strlen(code_map), h);
        n += snprintf(salt + n, cap - (size_t)n, "code map %s\n", h);
    }
    for (size_t i = 0; i < nplugins; i++) {
        char *data = NULL, h[65];
        size_t len = 0;
        if (art_read_file(plugins[i], 0, &data, &len, &err) != ART_OK) {
            free(salt);
            return cli_fail(&err);
        }
        art_sha256_hex(data, len, h);
        free(data);
        const char *base = strrchr(plugins[i], '/');
        n += snprintf(salt + n, cap - (size_t)n, "plugin %.300s %s\n", base ? base + 1 : plugins[i],
                      h);
    }
    *out = salt;
    return CLI_OK;
}

/* When the round's latest run was computed from exactly these inputs, hand
 * it back instead of scoring again: same inputs, same scores, and the store
 * is left as it was.  *reused stays false when it cannot be. */
static int reuse_unchanged_run(art_store *s, const char *site, const char *round,
                               const char *digest, art_assessment **out, bool *reused)
{
    art_error err;
    char latest[65];
    *reused = false;
    if (art_store_latest_inputs(s, site, round, latest, &err) != ART_OK)
        return cli_fail(&err);
    if (!latest[0] || strcmp(latest, digest) != 0)
        return CLI_OK;
    if (art_store_load_assessment(s, site, round, out, &err) != ART_OK)
        return cli_fail(&err);
    fprintf(stderr, "artefact: %s, round %s: nothing changed since its last run; its scores "
                    "are reused\n",
            site, round);
    *reused = true;
    return CLI_OK;
}

int cli_score(art_store *s, const char *site, const char *round, const cli_opts *o,
              art_assessment **out)
{
    art_error err;
    art_rubric *rb = NULL;
    char *xml = NULL;
    size_t xml_len = 0;
    char **plugins = NULL;
    size_t nplugins = 0;
    art_corpus *corpus = NULL;
    art_assessment *a = NULL;
    char *code_map = NULL;
    int rc = cli_load_rubric(o, &rb, &xml, &xml_len);
    if (rc == CLI_OK && o->code_map &&
        art_rubric_add_code_map(rb, o->code_map, &code_map, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK)
        rc = cli_list_plugins(o, &plugins, &nplugins);
    /* Plugins always see pseudonymised text; --reveal-names only changes
     * what a report shows. */
    /* A round with nothing in it (one imported from a bundle, say) would get
     * an empty run that hides the real one. */
    art_counts held;
    if (rc == CLI_OK && art_store_counts(s, site, round, &held, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK && held.sources == 0) {
        fprintf(stderr, "artefact: %s: site %s, round %s holds no sources to score\n",
                cli_db_path(o), site, round);
        rc = CLI_FAIL;
    }
    art_assess_opts ao;
    art_assess_opts_default(&ao);
    if (o->gap_threshold >= 0)
        ao.gap_threshold = o->gap_threshold;
    char *salt = NULL, digest[65] = "";
    bool reused = false;
    if (rc == CLI_OK)
        rc = scoring_salt(rb, plugins, nplugins, code_map, &ao, &salt);
    if (rc == CLI_OK && art_store_inputs_digest(s, site, round, salt, digest, &err) != ART_OK)
        rc = cli_fail(&err);
    free(salt);
    if (rc == CLI_OK && !o->force)
        rc = reuse_unchanged_run(s, site, round, digest, out, &reused);
    if (rc == CLI_OK && reused) {
        cli_free_list(plugins, nplugins);
        art_rubric_free(rb);
        free(xml);
        free(code_map);
        return CLI_OK;
    }
    /* Streamed: segments are read from the store batch by batch by every
     * consumer, so memory does not grow with the site. */
    art_corpus_opts co = {.reveal_names = 0};
    if (rc == CLI_OK && art_store_open_corpus(s, site, round, &co, &corpus, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK && art_assess(rb, corpus, (const char *const *)plugins, nplugins, NULL, &ao,
                                   &a, &err) != ART_OK)
        rc = cli_fail(&err);
    art_corpus_free(corpus);
    corpus = NULL;
    /* Change stories are tagged with the same rubric. */
    if (rc == CLI_OK && (art_store_load_stories(s, site, round, &a->stories, &err) != ART_OK ||
                         (a->stories && art_stories_tag(rb, a->stories, &err) != ART_OK)))
        rc = cli_fail(&err);
    if (rc == CLI_OK) {
        a->code_map = code_map;
        code_map = NULL;
        memcpy(a->inputs_sha256, digest, sizeof a->inputs_sha256);
    }
    /* Counted before scoring, and nothing has been written since. */
    if (rc == CLI_OK)
        a->counts = held;
    if (rc == CLI_OK &&
        art_store_voice_counts(s, site, round, a->voice_participants, &err) != ART_OK)
        rc = cli_fail(&err);
    if (rc == CLI_OK && art_store_save_assessment(s, a, xml, xml_len, &err) != ART_OK)
        rc = cli_fail(&err);
    /* The report of a fresh run shows the round's ratings and reviews and
     * the site's trend, as a stored run's report would. */
    if (rc == CLI_OK && (art_store_load_reviews(s, a, &err) != ART_OK ||
                         art_store_load_history(s, a, &err) != ART_OK))
        rc = cli_fail(&err);
    if (rc == CLI_OK) {
        for (size_t i = 0; i < a->nplugins; i++)
            if (a->plugins[i].status != ART_OK)
                fprintf(stderr, "artefact: warning: plugin %s was skipped: %s\n",
                        a->plugins[i].name ? a->plugins[i].name : a->plugins[i].path,
                        a->plugins[i].error ? a->plugins[i].error : "failed");
        *out = a;
        a = NULL;
    }
    art_assessment_free(a);
    art_corpus_free(corpus);
    cli_free_list(plugins, nplugins);
    art_rubric_free(rb);
    free(xml);
    free(code_map);
    return rc;
}
