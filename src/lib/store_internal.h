/* What the store's files share: the handle and the SQLite helpers.
 * Not installed; the helpers are not exported (no art_ prefix). */
#ifndef ART_STORE_INTERNAL_H
#define ART_STORE_INTERNAL_H

#include "internal.h"

#include <sqlite3.h>

struct art_store {
    sqlite3 *db;
    char *path;
};

art_status db_error(art_store *s, art_error *err, const char *what);
art_status db_exec(art_store *s, const char *sql, art_error *err);
art_status db_prepare(art_store *s, const char *sql, sqlite3_stmt **st, art_error *err);
bool db_bind(sqlite3_stmt *st, const char *types, ...);
art_status db_step_done(art_store *s, sqlite3_stmt *st, art_error *err);
const char *col_text(sqlite3_stmt *st, int i);
double col_double_or_nan(sqlite3_stmt *st, int i);
art_status lookup_id(art_store *s, const char *sql, const char *types, art_error *err,
                            long long *id, const char *a, const char *b);
art_status find_site(art_store *s, const char *site, long long *id, art_error *err);
art_status find_round(art_store *s, long long site_id, const char *round, long long *id,
                             art_error *err);
art_status insert_returning_id(art_store *s, const char *sql, const char *types,
                                      long long *id, art_error *err, ...);
art_status ensure_site(art_store *s, const char *site, long long *id, art_error *err);
art_status ensure_round(art_store *s, long long site_id, const char *round, long long *id,
                               art_error *err);

#endif
