/* artefact: assess the culture of a Community Led Support site. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define COMMON_HELP                                                                  \
    "  --db FILE        the store (default: $ARTEFACT_DB or ./artefact.db)\n"        \
    "  --site NAME      the site (default: the store's only site)\n"

static const cli_command commands[] = {
    {"assess", "ingest a folder, score it and write a report",
     "usage: artefact assess DIR|FILE... [options]\n"
     "Ingest every supported file (documents: .txt .md .html .htm .docx .odt; coded\n"
     "interviews: REFI-QDA .qdpx .qde and .csv; change stories; a ratings .csv),\n"
     "score the site against the rubric with every plugin, store the run, and write a report.\n"
     "  --db FILE        the store (default: $ARTEFACT_DB or ./artefact.db)\n"
     "  --site NAME      the site (default: the name of the first folder)\n"
     "  --round LABEL    the assessment round (default: today's date, YYYY-MM-DD)\n"
     "  --rubric FILE    rubric to score against (default: the shipped cls-culture.xml)\n"
     "  --plugins DIR    folder of Lua plugins (default: the shipped plugins)\n"
     "  --format F       text (default), markdown, json or html\n"
     "  -o, --output F   write the report to F instead of standard output\n"
     "  --reveal-names   show participants' names instead of pseudonyms (P01, P02...)\n"
     "  --voice-map F    CSV (match,voice) naming the site's own words for voices\n"
     "  --code-map F     CSV (pattern,dimension,direction) mapping another codebook's codes\n"
     "  --gap-threshold N  flag dimensions whose documents and interviews differ by N points\n"
     "                   or more (default 15); opposite leanings are listed first\n"
     "  --force          score again even when nothing changed since the round's last run\n"
     "                   (by default its scores are reused: same inputs, same scores)\n"
     "  --jobs N         threads reading and parsing files, running the plugins and reading\n"
     "                   the corpus ahead of them (default: one per core; 1: one at a time).\n"
     "                   The store holds the same rows and scores whatever N is\n"
     "Every table of the report as CSV or JSON: artefact report --table NAME, --tables DIR.\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_RUBRIC | OPT_PLUGINS | OPT_FORMAT | OPT_OUTPUT |
         OPT_REVEAL | OPT_VOICE_MAP | OPT_CODE_MAP | OPT_GAP | OPT_FORCE | OPT_JOBS,
     1, -1, cmd_assess},
    {"ingest", "add documents and coded interviews to the store",
     "usage: artefact ingest DIR|FILE... [--db FILE] [--site NAME] [--round LABEL] [--jobs N]\n"
     "Add files to a round of a site, in one transaction: if any file is bad, nothing is kept.\n"
     "A file already in the store (same bytes) is not added again.\n"
     "  --db FILE        the store (default: $ARTEFACT_DB or ./artefact.db)\n"
     "  --site NAME      the site (default: the name of the first folder)\n"
     "  --round LABEL    the round (default: today's date, YYYY-MM-DD)\n"
     "  --voice-map F    CSV (match,voice) naming the site's own words for voices\n"
     "  --jobs N         threads reading and parsing files (default: one per core; 1: one\n"
     "                   at a time). The store holds the same rows whatever N is\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_VOICE_MAP | OPT_JOBS, 1, -1, cmd_ingest},
    {"score", "score a round with the rubric's plugins and store the run",
     "usage: artefact score [--db FILE] [--site NAME] [--round LABEL] [--rubric FILE] [--plugins DIR]\n"
     "Run every plugin over what the round holds and record the scores and evidence.\n" COMMON_HELP
     "  --round LABEL    the round (default: the site's latest)\n"
     "  --rubric FILE    rubric (default: the shipped cls-culture.xml)\n"
     "  --plugins DIR    folder of Lua plugins (default: the shipped plugins)\n"
     "  --code-map F     CSV (pattern,dimension,direction) mapping another codebook's codes\n"
     "  --gap-threshold N  flag documents/interviews divergence of N points or more (default 15)\n"
     "  --force          score again even when nothing changed since the round's last run\n"
     "  --jobs N         plugins run at once, each on its own thread and store reader, and\n"
     "                   the corpus is read ahead on another (default: one per core; 1: one\n"
     "                   thread); same scores\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_RUBRIC | OPT_PLUGINS | OPT_CODE_MAP | OPT_GAP |
         OPT_FORCE | OPT_JOBS,
     0, 0, cmd_score},
    {"report", "write the report of the latest scored run",
     "usage: artefact report [--db FILE] [--site NAME] [--round LABEL] [--format F] [-o FILE]\n"
     "       artefact report --table NAME [--format csv|json] [-o FILE] [options]\n"
     "       artefact report --tables DIR [options]\n" COMMON_HELP
     "  --round LABEL    the round (default: the site's latest)\n"
     "  --format F       text (default), markdown, json or html\n"
     "  -o, --output F   write the report to F instead of standard output\n"
     "  --reveal-names   show participants' names instead of pseudonyms (P01, P02...)\n"
     "  --since ROUND    show how each dimension moved since an earlier round, with the\n"
     "                   evidence gained and lost\n"
     "  --table NAME     print one table of the report as CSV (or JSON with --format json)\n"
     "                   instead of the report; an unknown NAME lists the tables\n"
     "  --tables DIR     write every table as DIR/NAME.csv and DIR/NAME.json\n"
     "Tables: about dimensions evidence voices participants levels ladder outcomes stories\n"
     "ratings reviews movement movement_evidence trend plugins (docs/reports.md).\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_FORMAT | OPT_OUTPUT | OPT_REVEAL | OPT_SINCE |
         OPT_TABLES,
     0, 0, cmd_report},
    {"show", "what the store holds",
     "usage: artefact show [--db FILE] [--site NAME] [--round LABEL] [--format text|json]\n"
     "Counts of sources, documents, interviews, segments, codes, codings and participants:\n"
     "for the whole store, a site, or one round of a site.\n"
     "  --db FILE        the store (default: $ARTEFACT_DB or ./artefact.db)\n"
     "  --site NAME      only this site\n"
     "  --round LABEL    only this round (needs --site or a store with one site)\n"
     "  --format F       text (default) or json\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_FORMAT, 0, 0, cmd_show},
    {"codes", "the codes of a site, with their number of codings",
     "usage: artefact codes [--db FILE] [--site NAME] [--format text|csv]\n" COMMON_HELP
     "  --format F       text (default: an indented tree) or csv\n",
     OPT_DB | OPT_SITE | OPT_FORMAT, 0, 0, cmd_codes},
    {"plugins", "list the scoring plugins, or test one on a folder",
     "usage: artefact plugins [--plugins DIR] [--format text|json]\n"
     "       artefact plugins test PLUGIN.lua SITE-FOLDER [--rubric FILE]\n"
     "List the plugins with their metadata; or run one plugin on a folder (ingested into a\n"
     "throw-away in-memory store) and print what it emits, with its evidence.\n"
     "  --plugins DIR    folder of Lua plugins (default: the shipped plugins)\n"
     "  --rubric FILE    rubric for the test (default: the shipped cls-culture.xml)\n"
     "  --format F       text (default) or json (for the list)\n",
     OPT_PLUGINS | OPT_FORMAT | OPT_RUBRIC, 0, 3, cmd_plugins},
    {"check", "validate REFI-QDA files against the standard's schemas",
     "usage: artefact check FILE...\n"
     "Validate projects (.qdpx, .qde) and codebooks (.qdc) against the REFI-QDA 1.0 schemas\n"
     "and list every problem, one per line. Exit 0 when all are valid.\n",
     0, 1, -1, cmd_check},
    {"codebook", "write the CLS codebook for your QDA software",
     "usage: artefact codebook export [--format qdc] [--rubric FILE] [-o FILE]\n"
     "Write the rubric's codebook as a REFI-QDA codebook (.qdc): a folder per dimension, with\n"
     "codes toward the CLS value and toward the low pole. Import it into NVivo, ATLAS.ti,\n"
     "MAXQDA or QualCoder before coding; codings with these codes need no mapping.\n"
     "  --rubric FILE    rubric (default: the shipped cls-culture.xml)\n"
     "  -o, --output F   write to F instead of standard output\n",
     OPT_RUBRIC | OPT_FORMAT | OPT_OUTPUT, 1, 1, cmd_codebook},
    {"export", "export a round as a REFI-QDA project (.qdpx), or as a bundle for NDTi",
     "usage: artefact export --format qdpx -o FILE [--db FILE] [--site NAME] [--round LABEL]\n"
     "       artefact export --bundle FILE [--with-quotes] [--db FILE] [--site NAME] [--round LABEL]\n"
     "qdpx: write a round's sources, codes, cases and codings as a REFI-QDA project, for QDA\n"
     "software or another artefact store. Participants are pseudonymised unless --reveal-names.\n"
     "--bundle: write what a network needs from the round's latest run (scores, levels, evidence\n"
     "counts by level and voice, corpus counts, ladder, ratings, reviews, the rubric and plugin\n"
     "versions) and no interview text; with --with-quotes, the evidence quotes too, always\n"
     "pseudonymised. Raters and reviewers appear as self-1, external-1... unless --reveal-names.\n"
     "See docs/bundles.md.\n"
     COMMON_HELP
     "  --round LABEL    the round (default: the site's latest)\n"
     "  --format F       qdpx (the default)\n"
     "  -o, --output F   the .qdpx to write\n"
     "  --bundle FILE    write a bundle (a zip) instead of a project\n"
     "  --with-quotes    put the pseudonymised evidence quotes in the bundle\n"
     "  --reveal-names   qdpx: keep participants' names; bundle: keep raters' and reviewers'\n"
     "                   names (participants' names never leave in a bundle)\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_FORMAT | OPT_OUTPUT | OPT_REVEAL | OPT_BUNDLE |
         OPT_WITH_QUOTES,
     0, 0, cmd_export},
    {"import", "merge a site's bundle into a network store",
     "usage: artefact import --bundle FILE [--db FILE]\n"
     "Check a bundle written by 'artefact export --bundle' (its zip limits, the digest of\n"
     "every entry, its format version, its schema, the rubric against its digest) and merge\n"
     "it into the store in one transaction: the site and round are created when missing and\n"
     "the run is recorded as imported. The same bundle twice changes nothing. Then\n"
     "'artefact report --site NAME' and 'artefact compare' use it. See docs/bundles.md.\n"
     "  --db FILE        the network store (default: $ARTEFACT_DB or ./artefact.db)\n"
     "  --bundle FILE    the bundle to import\n",
     OPT_DB | OPT_BUNDLE, 0, 0, cmd_import},
    {"ratings", "import or list self and external ratings of the dimensions",
     "usage: artefact ratings import FILE [--db FILE] [--site NAME] [--round LABEL]\n"
     "                               [--rubric FILE]\n"
     "       artefact ratings list [--db FILE] [--site NAME] [--round LABEL] [--format F]\n"
     "import: read a ratings CSV (columns rater, role, dimension, level and optionally\n"
     "rationale, in any order; role self or external, also 'critical friend'; level 1 to 5)\n"
     "into the round, all or nothing. A rater's rating of a dimension replaces their earlier\n"
     "one. Dimensions must be the rubric's: --rubric, else the round's latest run (with no\n"
     "run yet, any). A ratings CSV in a site folder is imported by ingest and assess too.\n"
     "list: per dimension, the evidence score and level, the self and external mean ratings\n"
     "(with how many), whether they disagree (a whole level apart or more, evidence\n"
     "included), the latest override, and Krippendorff's alpha (ordinal) between raters\n"
     "with a 95% bootstrap interval: below 0.667 unreliable, 0.667 to 0.8 tentative.\n"
     "See docs/ratings.md.\n"
     COMMON_HELP
     "  --round LABEL    the round (default: the site's latest)\n"
     "  --rubric FILE    import: check dimensions against this rubric; list: the rubric\n"
     "                   whose dimensions are shown when the round has no run yet\n"
     "  --format F       list: text (default), csv or json\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_RUBRIC | OPT_FORMAT, 1, 2, cmd_ratings},
    {"review", "a critical friend's annotation or override of a dimension",
     "usage: artefact review --dimension ID --by NAME --rationale TEXT [--level N]\n"
     "                       [--db FILE] [--site NAME] [--round LABEL]\n"
     "       artefact review list [--db FILE] [--site NAME] [--round LABEL] [--format F]\n"
     "A critical friend's review of one dimension of the round: with --level an override\n"
     "(the level they would give), without it an annotation. Reviews are only ever added,\n"
     "never changed: a later override supersedes an earlier one, and reports show every\n"
     "one with who and when, beside the evidence score, which is never changed.\n"
     "list: every review of the round, oldest first. See docs/ratings.md.\n"
     COMMON_HELP
     "  --round LABEL    the round (default: the site's latest)\n"
     "  --dimension ID   the rubric dimension reviewed\n"
     "  --by NAME        who reviews (shown in reports: a role such as 'Critical friend'\n"
     "                   is enough)\n"
     "  --rationale TEXT why (required)\n"
     "  --level N        override the dimension's level with N (1 to 5)\n"
     "  --format F       list: text (default), csv or json\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_REVIEW | OPT_FORMAT, 0, 1, cmd_review},
    {"compare", "compare every site of a store, dimension by dimension",
     "usage: artefact compare [--db FILE] [--round LABEL] [--min-sources N] [--min-voices N]\n"
     "                        [--format text|csv|json|html] [--table matrix|trend] [-o FILE]\n"
     "Every site of the store side by side: each site's score on each dimension, its\n"
     "percentile rank and quartile within the network (Q1 lowest, Q4 highest), and its\n"
     "scores in every scored round. See docs/compare.md.\n"
     "  --db FILE        the store (default: $ARTEFACT_DB or ./artefact.db)\n"
     "  --round LABEL    compare this round of every site (default: each site's latest)\n"
     "  --min-sources N  suppress a cell backed by fewer than N sources (default 3)\n"
     "  --min-voices N   suppress a cell backed by fewer than N voices (default 2)\n"
     "  --format F       text (default), csv, json or html (a heatmap page)\n"
     "  --table T        matrix or trend: the table for csv (default matrix) or text (both)\n"
     "  -o, --output F   write to F instead of standard output\n",
     OPT_DB | OPT_FORMAT | OPT_OUTPUT | OPT_MIN | OPT_TABLES | OPT_ROUND, 0, 0, cmd_compare},
    {"agreement", "how far coders agree: kappa and Krippendorff's alpha per code",
     "usage: artefact agreement [--db FILE] [--site NAME] [--round LABEL] [--format text|csv|json]\n"
     "                          [--exclude-uncoded] [--coders A,B...]\n",
     OPT_DB | OPT_SITE | OPT_ROUND | OPT_FORMAT, 0, 0, cmd_agreement},
    {"rubric", "check a rubric file",
     "usage: artefact rubric check FILE\n"
     "Validate FILE against the rubric schema and its rules; print a summary, or the problem.\n",
     0, 2, 2, cmd_rubric},
    {"purge", "remove every trace of a participant or a site from the store",
     "usage: artefact purge --participant ID --site NAME [--db FILE]\n"
     "       artefact purge --site NAME [--db FILE]\n",
     OPT_DB | OPT_SITE, 0, 0, cmd_purge},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void print_main_help(FILE *f)
{
    fprintf(f, "usage: artefact COMMAND [options]   (artefact COMMAND --help for more)\n\n"
               "Assess the working culture of a Community Led Support site from its policy\n"
               "documents and coded interviews, against the CLS values.\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n  --version  print the version\n  --help     this help\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_main_help(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("artefact %s\n", ART_VERSION);
        return CLI_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        if (commands[i].run == cmd_purge) /* it parses its own --participant */
            return cmd_purge_main(argc - 1, argv + 1);
        if (commands[i].run == cmd_agreement) /* --exclude-uncoded, --coders */
            return cmd_agreement_main(argc - 1, argv + 1);
        cli_opts o;
        int rc = cli_parse(&commands[i], argc - 1, argv + 1, &o);
        if (rc >= 0)
            return rc;
        return commands[i].run(&o);
    }
    fprintf(stderr, "artefact: unknown command '%s' (try 'artefact --help')\n", argv[1]);
    return CLI_USAGE;
}
