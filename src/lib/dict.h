/* Internal API of the lexical engine: matcher extensions (hedging, token
 * counts, automaton introspection for tests) and LIWC-format dictionaries.
 * Not installed; the public matcher API stays in artefact.h. */
#ifndef ART_DICT_H
#define ART_DICT_H

#include "internal.h"

/* ---- matcher extensions (matcher.c) ---------------------------------- */

/* A match with the hedge flag the public struct has no room for: hedged
 * when a hedge word or phrase ("maybe", "in theory", "trying to"...) ends
 * within the 3 tokens before the match.  Detection only: the plugin host
 * decides what a hedge is worth. */
typedef struct art_match_ex {
    art_match m;
    int hedged;
} art_match_ex;

/* Same matches, order and negation as art_matcher_run, plus hedging.
 * *out is malloc'd (NULL when there is no match); free() it. */
art_status art_matcher_run_ex(const art_matcher *m, const char *text, size_t len,
                              art_match_ex **out, size_t *nout, art_error *err);
/* As art_matcher_run_ex, and *ntokens (may be NULL) gets the number of word
 * tokens in the text: the denominator of dictionary shares. */
art_status art_matcher_scan(const art_matcher *m, const char *text, size_t len,
                            art_match_ex **out, size_t *nout, size_t *ntokens,
                            art_error *err);
/* ART_OK when `phrase` would compile (has 1..16 words); otherwise the error
 * art_matcher_new would give for it as phrase 1. */
art_status art_matcher_check_phrase(const char *phrase, art_error *err);
/* As art_matcher_new, with a bound on the states of the compiled automaton:
 * past it the matcher simulates the same automaton state by state (slower,
 * same results).  art_matcher_new uses a bound of 65536. */
art_status art_matcher_new_bounded(const char *const *phrases, size_t n, size_t max_states,
                                   art_matcher **out, art_error *err);
/* Word tokens of phrase i as compiled ("co-op*" has 2); 0 if out of range. */
size_t art_matcher_phrase_tokens(const art_matcher *m, size_t i);
/* Introspection for tests and benchmarks. */
typedef struct art_matcher_stats {
    size_t phrases;
    size_t symbols;         /* interned word and prefix symbols, plus "*" */
    size_t classes;         /* token classes (what a text token can look like) */
    size_t nodes;           /* trie nodes over symbols */
    size_t states;          /* automaton states; 0 when simulating */
    size_t transitions;     /* stored (non-default) transitions */
} art_matcher_stats;
void art_matcher_get_stats(const art_matcher *m, art_matcher_stats *st);

/* ---- LIWC-format dictionaries (dict.c) ------------------------------ */

typedef struct art_dict art_dict;

/* Load a LIWC .dic (numbered categories between two '%' lines, then
 * "entry<TAB>cat<TAB>cat") or a LIWC-22 .dicx (CSV: entry, then one column
 * per category marked "X").  The format is chosen by the ".dicx" suffix of
 * the name, else by content.  Tolerated quirks become warnings. */
art_status art_dict_load(const char *path, art_dict **out, art_error *err);
art_status art_dict_load_memory(const char *data, size_t len, const char *name,
                                art_dict **out, art_error *err);
void art_dict_free(art_dict *d);

size_t art_dict_ncategories(const art_dict *d);
const char *art_dict_category(const art_dict *d, size_t i);  /* NULL if out of range */
/* Index of a category by name (ASCII case-insensitive), or (size_t)-1. */
size_t art_dict_find_category(const art_dict *d, const char *name);
size_t art_dict_nentries(const art_dict *d);
const char *art_dict_entry(const art_dict *d, size_t i);     /* matcher phrase syntax */
/* Categories of entry i (indices, ascending); *n gets their number. */
const size_t *art_dict_entry_categories(const art_dict *d, size_t i, size_t *n);
/* The entries of one category as matcher phrases ("anxi*", "kind of"), in
 * file order; *n gets their number.  Owned by the dictionary. */
const char *const *art_dict_phrases(const art_dict *d, size_t category, size_t *n);
/* Warnings from loading, one line each (at most ART_DICT_MAX_WARNINGS; the
 * last says how many more were dropped). */
#define ART_DICT_MAX_WARNINGS 100
size_t art_dict_nwarnings(const art_dict *d);
const char *art_dict_warning(const art_dict *d, size_t i);
/* The one matcher compiled over all entries (indicator = entry index). */
const art_matcher *art_dict_matcher(const art_dict *d);

/* One counted dictionary hit: the audit trail of a score. */
typedef struct art_dict_hit {
    size_t entry;           /* entry index */
    long start, end;        /* code points in the text, end exclusive */
    size_t ntokens;         /* text tokens it covers */
} art_dict_hit;

typedef struct art_dict_result {
    size_t tokens;          /* word tokens in the text */
    size_t ncategories;
    size_t *matched;        /* per category: tokens counted in it */
    double *share;          /* per category: matched / tokens (0 when no tokens) */
    art_dict_hit *hits;     /* in text order */
    size_t nhits;
} art_dict_result;

/* Score a text: each token is counted at most once, by the longest, most
 * specific entry that covers it (see docs/dictionaries.md), and adds its
 * tokens to every category of that entry. */
art_status art_dict_score(const art_dict *d, const char *text, size_t len,
                          art_dict_result **out, art_error *err);
void art_dict_result_free(art_dict_result *r);

#endif
