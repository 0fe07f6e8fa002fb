/* The store's schema, one string per migration.  Migration N takes a store
 * from user_version N-1 to N; they run in order, each in its own
 * transaction, and are never edited once released: add a new one instead. */
#ifndef ART_STORE_SCHEMA_H
#define ART_STORE_SCHEMA_H

#include "store_internal.h" /* ART_REVIEWS_TRIGGER */

#define ART_NOW "(strftime('%Y-%m-%dT%H:%M:%SZ','now'))"

static const char *const art_migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE sites("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL DEFAULT " ART_NOW ");"
    "CREATE TABLE rounds("
    "  id INTEGER PRIMARY KEY,"
    "  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,"
    "  label TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT " ART_NOW ","
    "  UNIQUE(site_id, label));"
    /* A source is identified by its bytes: the same file ingested twice, or
     * under another name, is one source.  Rounds share sources. */
    "CREATE TABLE sources("
    "  id INTEGER PRIMARY KEY,"
    "  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,"
    "  sha256 TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('document','interview')),"
    "  format TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  title TEXT,"
    "  plain_text TEXT,"
    "  bytes INTEGER NOT NULL,"
    "  ingested_at TEXT NOT NULL DEFAULT " ART_NOW ","
    "  UNIQUE(site_id, sha256));"
    "CREATE TABLE round_sources("
    "  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  PRIMARY KEY(round_id, source_id)) WITHOUT ROWID;"
    /* Names stay here; reports use the pseudonym unless asked otherwise. */
    "CREATE TABLE participants("
    "  id INTEGER PRIMARY KEY,"
    "  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  pseudonym TEXT NOT NULL,"
    "  voice TEXT NOT NULL,"
    "  UNIQUE(site_id, name),"
    "  UNIQUE(site_id, pseudonym));"
    "CREATE TABLE participant_attrs("
    "  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY(participant_id, name)) WITHOUT ROWID;"
    "CREATE TABLE segments("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  paragraph INTEGER NOT NULL,"
    "  sentence INTEGER NOT NULL,"
    "  start_cp INTEGER NOT NULL,"
    "  end_cp INTEGER NOT NULL,"
    "  block TEXT NOT NULL,"
    "  document TEXT,"
    "  participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,"
    "  text TEXT NOT NULL,"
    "  UNIQUE(source_id, ordinal));"
    "CREATE TABLE codes("
    "  id INTEGER PRIMARY KEY,"
    "  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,"
    "  parent_id INTEGER REFERENCES codes(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  path TEXT NOT NULL,"
    "  UNIQUE(site_id, path));"
    "CREATE TABLE codings("
    "  id INTEGER PRIMARY KEY,"
    "  segment_id INTEGER NOT NULL REFERENCES segments(id) ON DELETE CASCADE,"
    "  code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,"
    "  coder TEXT,"
    "  participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,"
    "  memo TEXT);"
    "CREATE INDEX codings_segment ON codings(segment_id);"
    "CREATE INDEX codings_code ON codings(code_id);"
    /* The rubric's own text is kept so every run can be reproduced. */
    "CREATE TABLE rubrics("
    "  sha256 TEXT PRIMARY KEY,"
    "  rubric_id TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  title TEXT,"
    "  xml TEXT NOT NULL);"
    "CREATE TABLE rubric_runs("
    "  id INTEGER PRIMARY KEY,"
    "  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    "  rubric_sha256 TEXT NOT NULL REFERENCES rubrics(sha256),"
    "  artefact_version TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT " ART_NOW ");"
    "CREATE TABLE run_plugins("
    "  run_id INTEGER NOT NULL REFERENCES rubric_runs(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  path TEXT,"
    "  name TEXT NOT NULL,"
    "  version TEXT,"
    "  sha256 TEXT,"
    "  status TEXT NOT NULL,"
    "  error TEXT,"
    "  PRIMARY KEY(run_id, ordinal)) WITHOUT ROWID;"
    "CREATE TABLE scores("
    "  run_id INTEGER NOT NULL REFERENCES rubric_runs(id) ON DELETE CASCADE,"
    "  dimension TEXT NOT NULL,"
    "  ordinal INTEGER NOT NULL,"
    "  score REAL, espoused REAL, enacted REAL,"
    "  target REAL NOT NULL,"
    "  gap REAL,"
    "  confidence REAL NOT NULL,"
    "  level INTEGER NOT NULL,"
    "  nsources INTEGER NOT NULL,"
    "  nvoices INTEGER NOT NULL,"
    "  voice_counts TEXT NOT NULL,"
    "  PRIMARY KEY(run_id, dimension)) WITHOUT ROWID;"
    "CREATE TABLE evidence("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL,"
    "  dimension TEXT NOT NULL,"
    "  ordinal INTEGER NOT NULL,"
    "  segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,"
    "  source TEXT, locator TEXT, quote TEXT, participant TEXT, indicator TEXT,"
    "  direction INTEGER NOT NULL CHECK(direction IN (-1, 1)),"
    "  level TEXT NOT NULL, voice TEXT NOT NULL, facet TEXT NOT NULL,"
    "  weight REAL NOT NULL,"
    "  FOREIGN KEY(run_id, dimension) REFERENCES scores(run_id, dimension) ON DELETE CASCADE);"
    "CREATE INDEX evidence_run ON evidence(run_id, dimension, ordinal);",

    /* 2: REFI-QDA projects.  One file (a .qdpx) holds many sources, so a
     * source remembers the file it came from; GUIDs, descriptions, colours,
     * typed variables and memos are kept so an exported project loses
     * nothing; a run records the code mapping file it used. */
    "ALTER TABLE sources ADD COLUMN container_sha256 TEXT;"
    "ALTER TABLE sources ADD COLUMN guid TEXT;"
    "ALTER TABLE sources ADD COLUMN memo TEXT;"
    "CREATE INDEX sources_container ON sources(site_id, container_sha256);"
    "ALTER TABLE segments ADD COLUMN guid TEXT;"
    "ALTER TABLE codes ADD COLUMN guid TEXT;"
    "ALTER TABLE codes ADD COLUMN description TEXT;"
    "ALTER TABLE codes ADD COLUMN color TEXT;"
    "ALTER TABLE codes ADD COLUMN codable INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE participants ADD COLUMN guid TEXT;"
    "ALTER TABLE participants ADD COLUMN description TEXT;"
    "ALTER TABLE participant_attrs ADD COLUMN type TEXT;"
    "ALTER TABLE rubric_runs ADD COLUMN code_map TEXT;",

    /* 3: rubric depth.  Scores keep the espoused/enacted divergence, the
     * evidence floor and the Schein-level breakdown; a run keeps its
     * co-production ladder; change stories are sources of their own (format
     * "story-md"/"story-csv"), never split into segments. */
    "ALTER TABLE scores ADD COLUMN divergence REAL;"
    "ALTER TABLE scores ADD COLUMN divergent INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE scores ADD COLUMN insufficient INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE scores ADD COLUMN level_scores TEXT;"
    "ALTER TABLE scores ADD COLUMN level_counts TEXT;"
    "ALTER TABLE rubric_runs ADD COLUMN gap_threshold REAL;"
    "CREATE TABLE stories("
    "  id INTEGER PRIMARY KEY,"
    "  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  story_id TEXT, title TEXT, teller TEXT, date TEXT, route TEXT,"
    "  declared_outcomes TEXT,"
    "  text TEXT NOT NULL,"
    "  UNIQUE(source_id, ordinal));"
    "CREATE TABLE ladder_items("
    "  run_id INTEGER NOT NULL REFERENCES rubric_runs(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL,"
    "  rung INTEGER NOT NULL CHECK(rung BETWEEN 1 AND 7),"
    "  scope TEXT NOT NULL, facet TEXT NOT NULL,"
    "  source TEXT, locator TEXT, quote TEXT, phrase TEXT,"
    "  PRIMARY KEY(run_id, ordinal)) WITHOUT ROWID;",

    /* 4: dictionary shares per dimension: "matched,tokens,matched,tokens"
     * for documents then interviews; NULL when the rubric gives none. */
    "ALTER TABLE scores ADD COLUMN dictionary TEXT;",

    /* 5: ratings, critical friends' reviews, bundles.  A rating is one
     * rater's level for one dimension in a round; importing again replaces
     * it.  Reviews are appended and never changed (an UPDATE is refused), so
     * every override keeps who and when.  A run imported from a bundle says
     * so in `origin`; a bundle is remembered by its digest, so importing it
     * twice changes nothing. */
    "CREATE TABLE ratings("
    "  id INTEGER PRIMARY KEY,"
    "  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    "  rater TEXT NOT NULL,"
    "  role TEXT NOT NULL CHECK(role IN ('self','external')),"
    "  dimension TEXT NOT NULL,"
    "  level INTEGER NOT NULL CHECK(level BETWEEN 1 AND 5),"
    "  rationale TEXT,"
    "  imported_at TEXT NOT NULL DEFAULT " ART_NOW ","
    "  UNIQUE(round_id, rater, dimension));"
    "CREATE TABLE reviews("
    "  id INTEGER PRIMARY KEY,"
    "  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,"
    "  dimension TEXT NOT NULL,"
    "  author TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('annotation','override')),"
    "  level INTEGER CHECK(level IS NULL OR level BETWEEN 1 AND 5),"
    "  rationale TEXT NOT NULL,"
    "  created_at TEXT NOT NULL DEFAULT " ART_NOW ");"
    "CREATE INDEX reviews_round ON reviews(round_id, dimension, id);"
    ART_REVIEWS_TRIGGER ";"
    "ALTER TABLE rubric_runs ADD COLUMN origin TEXT;"
    "CREATE TABLE bundles("
    "  sha256 TEXT PRIMARY KEY,"
    "  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,"
    "  round TEXT NOT NULL,"
    "  producer TEXT,"
    "  created_at TEXT,"
    "  imported_at TEXT NOT NULL DEFAULT " ART_NOW ");",

    /* 6: a run imported from a bundle has no sources in this store, so it
     * keeps the counts of the store it came from: "sources,documents,
     * interviews,segments,codes,codings,participants,stories;" then the
     * participants per voice, comma-separated in art_voice order.  NULL for
     * a run scored here (its counts are the store's own). */
    "ALTER TABLE rubric_runs ADD COLUMN counts TEXT;"
    /* The digest of everything a run's scores depend on (see
     * art_store_inputs_digest): a later run with the same digest would give
     * the same scores, so the CLI reuses the stored one instead. */
    "ALTER TABLE rubric_runs ADD COLUMN inputs_sha256 TEXT;",

    /* 7: a participant's segments by participant.  Counting a round's
     * voices, and purging one person, looked at every segment of the site;
     * only interview segments have a participant, so the index is partial
     * and a site's documents (most of its text) cost ingest nothing. */
    "CREATE INDEX segments_participant ON segments(participant_id) "
    "WHERE participant_id IS NOT NULL;",

    /* 8: evidence and ladder rows name their segment without a foreign key.
     * With one, saving a run probed the segments table once a row (8,000
     * random page reads for a site's lexical score: two thirds of the
     * save), and deleting a segment scanned every run's evidence and ladder
     * rows for it (there is no index on segment_id): purging a site of
     * 100,000 segments from a store holding a few runs did not finish in ten
     * minutes.  Segments are deleted only by a purge, which deletes the
     * evidence and ladder rows citing them first (store_purge.c), so the
     * reference needs no enforcing.  SQLite cannot drop a constraint: both
     * tables are rebuilt, ids and rows kept. */
    "CREATE TABLE evidence_v8("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL,"
    "  dimension TEXT NOT NULL,"
    "  ordinal INTEGER NOT NULL,"
    "  segment_id INTEGER,"
    "  source TEXT, locator TEXT, quote TEXT, participant TEXT, indicator TEXT,"
    "  direction INTEGER NOT NULL CHECK(direction IN (-1, 1)),"
    "  level TEXT NOT NULL, voice TEXT NOT NULL, facet TEXT NOT NULL,"
    "  weight REAL NOT NULL,"
    "  FOREIGN KEY(run_id, dimension) REFERENCES scores(run_id, dimension) ON DELETE CASCADE);"
    "INSERT INTO evidence_v8(id, run_id, dimension, ordinal, segment_id, source, locator, quote, "
    "  participant, indicator, direction, level, voice, facet, weight) "
    "SELECT id, run_id, dimension, ordinal, segment_id, source, locator, quote, participant, "
    "  indicator, direction, level, voice, facet, weight FROM evidence;"
    "DROP TABLE evidence;"
    "ALTER TABLE evidence_v8 RENAME TO evidence;"
    "CREATE INDEX evidence_run ON evidence(run_id, dimension, ordinal);"
    "CREATE TABLE ladder_items_v8("
    "  run_id INTEGER NOT NULL REFERENCES rubric_runs(id) ON DELETE CASCADE,"
    "  ordinal INTEGER NOT NULL,"
    "  segment_id INTEGER,"
    "  rung INTEGER NOT NULL CHECK(rung BETWEEN 1 AND 7),"
    "  scope TEXT NOT NULL, facet TEXT NOT NULL,"
    "  source TEXT, locator TEXT, quote TEXT, phrase TEXT,"
    "  PRIMARY KEY(run_id, ordinal)) WITHOUT ROWID;"
    "INSERT INTO ladder_items_v8(run_id, ordinal, segment_id, rung, scope, facet, source, "
    "  locator, quote, phrase) "
    "SELECT run_id, ordinal, segment_id, rung, scope, facet, source, locator, quote, phrase "
    "FROM ladder_items;"
    "DROP TABLE ladder_items;"
    "ALTER TABLE ladder_items_v8 RENAME TO ladder_items;",

    /* 9: a source's segments summed up (how many, lowest and highest id),
     * so a round's span is a sum over its sources instead of a walk over
     * every segment's index entry (23 ms for a network site, at every score
     * and report).  A table of its own: after a source's plain_text, reading
     * a column means reading the text's overflow pages.  No row means not
     * known: readers then count the source's segments themselves
     * (round_span), so a missing summary costs time, never a wrong count.
     * Segments are only ever added to a source created in the same
     * transaction (ingest, which notes each source's ids as it writes them
     * and sums up any source still missing before it commits); a trigger on
     * each insert, to guard against anything else, made an ingest 10%
     * slower, and summing up the new sources by walking them 10% too.  Any
     * delete of a segment drops its source's row, whatever code does it,
     * and a purge sums up again before it commits. */
    "CREATE TABLE IF NOT EXISTS source_spans("
    "  source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,"
    "  nsegments INTEGER NOT NULL,"
    "  seg_min INTEGER,"
    "  seg_max INTEGER);"
    "INSERT OR REPLACE INTO source_spans(source_id, nsegments, seg_min, seg_max) "
    "  SELECT s.id, count(g.id), min(g.id), max(g.id) FROM sources s "
    "  LEFT JOIN segments g ON g.source_id = s.id GROUP BY s.id;"
    "CREATE TRIGGER IF NOT EXISTS segments_removed AFTER DELETE ON segments BEGIN "
    "  DELETE FROM source_spans WHERE source_id = OLD.source_id; END;",
};

#define ART_MIGRATIONS ((int)(sizeof art_migrations / sizeof art_migrations[0]))

#endif
