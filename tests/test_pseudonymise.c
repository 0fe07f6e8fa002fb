/* Pseudonymising (store_pseudonymise, the engine's internal): names are
 * replaced where a naive reading of the rule would replace them, on random
 * texts made to trip the fast path (names inside words, before an
 * apostrophe, in other case, after punctuation, beside UTF-8 and invalid
 * bytes, and words that share only a name's first letters or its hash
 * bucket).  Linked with the engine itself (libartefact_core): the function
 * is not part of the public API. */
#include "testutil.h"
#include "store_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80 || c == '\'';
}

/* The rule, read naively: at every position that starts a word (or any
 * position after a non-word byte), try every name in the map's order
 * (longest first); a name matches when the bytes are equal (ignoring ASCII
 * case unless the name is exact-case) and it ends the text, or is followed
 * by a non-word byte or an apostrophe.  The first that matches is replaced,
 * and the rest of the word it ended in is copied as it is. */
static char *naive(const name_map *m, const char *text)
{
    size_t n = strlen(text), cap = 2 * n + 64, o = 0;
    char *out = malloc(cap);
    for (size_t i = 0; i < n;) {
        size_t k = m->n;
        if (i == 0 || !word_byte((unsigned char)text[i - 1]))
            for (size_t j = 0; j < m->n && k == m->n; j++) {
                size_t len = strlen(m->names[j]);
                if (len > n - i)
                    continue;
                bool eq = m->exact_case[j] ? memcmp(text + i, m->names[j], len) == 0
                                           : strncasecmp(text + i, m->names[j], len) == 0;
                if (eq && (i + len == n || !word_byte((unsigned char)text[i + len]) ||
                           text[i + len] == '\''))
                    k = j;
            }
        if (k == m->n) {
            out[o++] = text[i++];
            continue;
        }
        size_t plen = strlen(m->pseudos[k]);
        if (o + plen + n + 1 > cap)
            out = realloc(out, cap = 2 * (o + plen + n + 1));
        memcpy(out + o, m->pseudos[k], plen);
        o += plen;
        i += strlen(m->names[k]);
        if (word_byte((unsigned char)text[i - 1]))
            while (i < n && word_byte((unsigned char)text[i]))
                out[o++] = text[i++];
    }
    out[o] = '\0';
    return out;
}

/* A store whose site has these participants (name, pseudonym). */
static art_store *people_store(const char *tag, const char *const (*people)[2], size_t n,
                               long long *site_id)
{
    char db[4300];
    snprintf(db, sizeof db, "%s/store.db", art_test_tmpdir(tag));
    art_store *s = NULL;
    art_error err;
    CU_ASSERT_FATAL(art_store_open(db, &s, &err) == ART_OK);
    CU_ASSERT_FATAL(sqlite3_exec(s->db, "INSERT INTO sites(name) VALUES ('Namesville')", NULL,
                                 NULL, NULL) == SQLITE_OK);
    *site_id = sqlite3_last_insert_rowid(s->db);
    sqlite3_stmt *st;
    CU_ASSERT_FATAL(sqlite3_prepare_v2(s->db,
                                       "INSERT INTO participants(site_id, name, pseudonym, voice) "
                                       "VALUES (?, ?, ?, 'unknown')", -1, &st, NULL) == SQLITE_OK);
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, *site_id);
        sqlite3_bind_text(st, 2, people[i][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, people[i][1], -1, SQLITE_STATIC);
        CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_DONE);
    }
    sqlite3_finalize(st);
    return s;
}

static const char *const PEOPLE[][2] = {
    {"Maya Okafor", "P01"}, {"Tom Reed", "P02"}, {"Jo", "P03"},
    {"O'Neil Banks", "P04"}, {"Anne-Marie Lee", "P05"}, {"Ann Lee", "P06"},
    {"Zo\xc3\xab Brown", "P07"}, {"Sam", "P08"}, {"Samira", "P09"},
    {"'Tis Ward", "P10"},   /* a part that starts with an apostrophe */
};

/* Pieces a random text is made of. */
static const char *const PIECES[] = {
    "Maya", "maya", "MAYA", "Okafor", "Maya Okafor", "maya okafor", "Maya's", "Okafor's",
    "Mayan", "Maya2", "xMaya", "Tom", "tom", "Tommy", "Reed", "reed", "Reeds", "Tom Reed",
    "Jo", "jo", "Joe", "JO's", "Jo'", "O'Neil", "o'neil", "O'Neil's", "O'Neill", "Banks",
    "Anne-Marie", "Anne", "Marie", "Lee", "Lee's", "Ann", "Ann Lee", "anne", "Zo\xc3\xab",
    "zo\xc3\xab", "Brown", "Sam", "sam", "Samira", "Sami", "Sams", "Samira's", "the", "team",
    "said", "and", "trust", "panel", "we", "a", "x", "'", "''", "s", "\xc3\xa9t\xc3\xa9",
    "\xff", "\xc3", "42", "M", "Ma", "May", "R", "Re", "'Tis", "Sam'Tis", "Jo'Tis", "Ward",
};
static const char *const GLUE[] = {" ", " ", " ", ", ", ". ", "-", "(", ")", "\"", "'", "",
                                   "\n", ": ", "\xc2\xa0", "/", "_"};

static unsigned long rng_next(unsigned long *x)
{
    *x = *x * 6364136223846793005UL + 1442695040888963407UL;
    return *x >> 33;
}

static void test_same_as_naive(void)
{
    long long site;
    art_store *s = people_store("pseudo-naive", PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0], &site);
    name_map m = {0};
    art_error err;
    CU_ASSERT_FATAL(store_name_map_load(s, site, &m, &err) == ART_OK);
    CU_ASSERT_TRUE(m.n > sizeof PEOPLE / sizeof PEOPLE[0]);   /* and their parts */
    unsigned long x = 12345;
    size_t differ = 0, replaced = 0;
    char text[4096];
    for (int t = 0; t < 5000; t++) {
        size_t len = 0;
        int pieces = 1 + (int)(rng_next(&x) % 40);
        for (int p = 0; p < pieces && len < sizeof text - 64; p++) {
            const char *w = PIECES[rng_next(&x) % (sizeof PIECES / sizeof PIECES[0])];
            const char *g = GLUE[rng_next(&x) % (sizeof GLUE / sizeof GLUE[0])];
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", p ? g : "", w);
        }
        char *want = naive(&m, text);
        char *got = store_pseudonymise(&m, text, NULL);
        CU_ASSERT_FATAL(got != NULL);
        if (strcmp(want, got) != 0) {
            if (differ++ < 3)
                fprintf(stderr, "\n  text: %s\n  want: %s\n  got:  %s\n", text, want, got);
        }
        replaced += strcmp(got, text) != 0;
        free(want);
        free(got);
    }
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT_TRUE(replaced > 2500);     /* the texts did name people */
    store_name_map_free(&m);
    art_store_close(s);
}

/* The code-point map follows the replacements (offsets into the original
 * text find their place in the new one). */
static void test_cpmap(void)
{
    long long site;
    art_store *s = people_store("pseudo-map", PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0], &site);
    name_map m = {0};
    art_error err;
    CU_ASSERT_FATAL(store_name_map_load(s, site, &m, &err) == ART_OK);
    long *map = NULL;
    const char *text = "Zo\xc3\xab met Maya Okafor's team";
    char *got = store_pseudonymise(&m, text, &map);
    CU_ASSERT_FATAL(got && map);
    CU_ASSERT_STRING_EQUAL(got, "P07 met P01's team");
    /* "Zoë" (code points 0..2) -> "P07" at 0; " met " stays at 3..7;
     * "Maya Okafor" (8..18) -> "P01" at 8; "'s team" (19..25) -> 11..17. */
    CU_ASSERT_EQUAL(map[0], 0);
    CU_ASSERT_EQUAL(map[2], 0);
    CU_ASSERT_EQUAL(map[3], 3);
    CU_ASSERT_EQUAL(map[8], 8);
    CU_ASSERT_EQUAL(map[18], 8);
    CU_ASSERT_EQUAL(map[19], 11);
    CU_ASSERT_EQUAL(map[25], 17);
    CU_ASSERT_EQUAL(map[26], 18);    /* the end: the new length */
    free(got);
    free(map);
    store_name_map_free(&m);
    art_store_close(s);
}

void art_test_register(void)
{
    ART_SUITE("pseudonymise",
              {"the same as the rule read naively", test_same_as_naive},
              {"offsets follow the replacements", test_cpmap});
}
