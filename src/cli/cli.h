/* The artefact command: one file per group of subcommands. */
#ifndef ART_CLI_H
#define ART_CLI_H

#include "artefact/artefact.h"

#include <stdbool.h>

/* Exit codes: 0 done, 1 the input or the run failed, 2 the command line is wrong. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Which options a subcommand accepts. */
enum {
    OPT_DB = 1 << 0,
    OPT_SITE = 1 << 1,
    OPT_ROUND = 1 << 2,
    OPT_RUBRIC = 1 << 3,
    OPT_PLUGINS = 1 << 4,
    OPT_FORMAT = 1 << 5,
    OPT_OUTPUT = 1 << 6,
    OPT_REVEAL = 1 << 7,
    OPT_VOICE_MAP = 1 << 8,
    OPT_CODE_MAP = 1 << 9,
    OPT_GAP = 1 << 10,
    OPT_SINCE = 1 << 11,      /* --since ROUND (report) */
    OPT_BUNDLE = 1 << 12,     /* --bundle FILE (export, import) */
    OPT_WITH_QUOTES = 1 << 13,/* --with-quotes (export --bundle) */
    OPT_MIN = 1 << 14,        /* --min-sources N, --min-voices N (compare) */
    OPT_TABLES = 1 << 15,     /* --table NAME, --tables DIR (report, compare) */
    OPT_REVIEW = 1 << 16,     /* --dimension, --level, --by, --rationale (review) */
    OPT_FORCE = 1 << 17,      /* --force: score again even when nothing changed */
    OPT_JOBS = 1 << 18        /* --jobs N: threads reading and parsing files */
};

typedef struct cli_opts {
    const char *db;
    const char *site;
    const char *round;
    const char *rubric;
    const char *plugins_dir;
    const char *format;
    const char *output;
    const char *voice_map;
    const char *code_map;
    double gap_threshold;   /* < 0: the default */
    bool reveal_names;
    const char *since;
    const char *bundle;
    bool with_quotes;
    long min_sources;       /* < 0: the default */
    long min_voices;        /* < 0: the default */
    const char *table;      /* one table of a report, as CSV or JSON */
    const char *tables_dir; /* every table, as CSV and JSON files */
    const char *dimension;
    long level;             /* 0: none given */
    const char *by;
    const char *rationale;
    bool force;
    long jobs;              /* 0: one per core */
    char **args;        /* positional arguments */
    int nargs;
} cli_opts;

typedef struct cli_command {
    const char *name;
    const char *summary;
    const char *usage;  /* full --help text */
    unsigned options;
    int min_args, max_args;  /* max -1 = any */
    int (*run)(cli_opts *o);
} cli_command;

/* Parse argv for cmd into o.  Returns -1 to go on, or an exit code (help
 * printed: 0, bad usage: 2). */
int cli_parse(const cli_command *cmd, int argc, char **argv, cli_opts *o);

/* Print "artefact: MESSAGE" on stderr; returns CLI_FAIL (or CLI_USAGE). */
int cli_fail(const art_error *err);
int cli_usage_error(const char *cmd, const char *fmt, ...);

/* Path of a shipped data file (rubrics/..., plugins/...): $ARTEFACT_DATADIR,
 * then the installed data folder, then the source tree. malloc'd. */
char *cli_data_path(const char *rel);

/* The defaults every subcommand shares. */
const char *cli_db_path(const cli_opts *o);
/* Site: --site, else the store's only site. malloc'd into *out. */
int cli_resolve_site(art_store *s, const cli_opts *o, char **out);
/* Round: --round, else the site's latest round. malloc'd into *out. */
int cli_resolve_round(art_store *s, const char *site, const cli_opts *o, char **out);
/* Today's date (UTC) as YYYY-MM-DD, the default label of a new round. */
void cli_today(char out[11]);

/* Load the rubric (--rubric or the shipped one) and its bytes. */
int cli_load_rubric(const cli_opts *o, art_rubric **rb, char **xml, size_t *xml_len);
/* The plugin files (*.lua in --plugins or the shipped folder), sorted. */
int cli_list_plugins(const cli_opts *o, char ***paths, size_t *n);
void cli_free_list(char **list, size_t n);

/* Write a report to -o FILE (atomically: a temporary file renamed into
 * place) or to stdout. */
int cli_write_report(const art_assessment *a, const cli_opts *o, bool announce);

/* Write path atomically (a temporary file beside it, renamed into place on
 * success; removed on failure) with write(f, ud, err); "-" or NULL writes to
 * stdout.  Prints the error and returns CLI_FAIL/CLI_USAGE, or CLI_OK. */
typedef art_status (*cli_writer)(FILE *f, void *ud, art_error *err);
int cli_write_atomic(const char *path, cli_writer write, void *ud);

/* Score site/round from the store, save the run, and hand back the result. */
int cli_score(art_store *s, const char *site, const char *round, const cli_opts *o,
              art_assessment **out);

int cmd_assess(cli_opts *o);
int cmd_ingest(cli_opts *o);
int cmd_score(cli_opts *o);
int cmd_report(cli_opts *o);
int cmd_show(cli_opts *o);
int cmd_codes(cli_opts *o);
int cmd_plugins(cli_opts *o);
int cmd_rubric(cli_opts *o);
int cmd_check(cli_opts *o);
int cmd_codebook(cli_opts *o);
int cmd_export(cli_opts *o);
int cmd_purge(cli_opts *o);
/* purge has an option of its own (--participant), so it parses its argv. */
int cmd_purge_main(int argc, char **argv);
/* agreement has options of its own (--exclude-uncoded, --coders). */
int cmd_agreement(cli_opts *o);
int cmd_ratings(cli_opts *o);       /* cmd_ratings.c */
int cmd_review(cli_opts *o);        /* cmd_ratings.c */
int cmd_compare(cli_opts *o);       /* cmd_compare.c */
int cmd_import(cli_opts *o);        /* cmd_bundle.c */
int cmd_export_bundle(cli_opts *o); /* cmd_bundle.c: export --bundle */
int cmd_agreement_main(int argc, char **argv);

/* Print an ingest's warnings ("artefact: warning: ..."), the first few. */
void cli_print_warning(void *ud, const char *message);

#endif
