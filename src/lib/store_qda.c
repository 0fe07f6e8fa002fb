/* REFI-QDA projects and the store: importing a .qdpx/.qde into a round,
 * exporting a round as a .qdpx, the CLS codebook, and schema checks.
 *
 * On import, a coded selection becomes one segment holding exactly the
 * selected text; its codings keep their coder; a case becomes a participant
 * with its variables.  A source nobody coded is split into sentences, so an
 * uncoded transcript still counts.  Selections that code nothing add nothing.
 *
 * Sources artefact itself exported from documents carry the memo
 * "artefact:kind=document ...", so a round trip keeps them documents. */
#include "store_internal.h"
#include "qda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DOC_MARK "artefact:kind=document"

/* ------------------------------------------------------------------ */
/* Import                                                               */
/* ------------------------------------------------------------------ */

static void warn(ingest_ctx *c, const char *path, const char *msg)
{
    if (c->s->warn) {
        char line[ART_ERROR_MAX];
        snprintf(line, sizeof line, "%s: %s", path, msg);
        c->s->warn(c->s->warn_ud, line);
    }
}

/* The case a selection belongs to: one that names the selection, else one
 * that names its source. */
static long case_of(const art_qda_project *p, const char *source_guid, const char *sel_guid)
{
    for (size_t i = 0; sel_guid && i < p->ncases; i++)
        for (size_t k = 0; k < p->cases[i].nselection_guids; k++)
            if (strcmp(p->cases[i].selection_guids[k], sel_guid) == 0)
                return (long)i;
    for (size_t i = 0; source_guid && i < p->ncases; i++)
        for (size_t k = 0; k < p->cases[i].nsource_guids; k++)
            if (strcmp(p->cases[i].source_guids[k], source_guid) == 0)
                return (long)i;
    return -1;
}

static art_status import_case(ingest_ctx *c, const art_qda_case *k, long long *id, art_error *err)
{
    art_attr *attrs = calloc(k->nvalues ? k->nvalues : 1, sizeof *attrs);
    if (!attrs)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < k->nvalues; i++)
        attrs[i] = (art_attr){k->values[i].name, k->values[i].value};
    art_participant_info info = {k->name, attrs, k->nvalues};
    art_status r = ingest_ensure_participant(c, &info, id, err);
    free(attrs);
    sqlite3_stmt *st;
    if (r == ART_OK &&
        (r = db_prepare(c->s, "UPDATE participants SET guid = ?, description = ? WHERE id = ?",
                        &st, err)) == ART_OK) {
        db_bind(st, "tti", k->guid, k->description, *id);
        r = db_step_done(c->s, st, err);
        sqlite3_finalize(st);
    }
    if (r == ART_OK &&
        (r = db_prepare(c->s,
                        "UPDATE participant_attrs SET type = ? WHERE participant_id = ? AND name = ?",
                        &st, err)) == ART_OK) {
        for (size_t i = 0; r == ART_OK && i < k->nvalues; i++) {
            db_bind(st, "tit", k->values[i].type, *id, k->values[i].name);
            r = db_step_done(c->s, st, err);
        }
        sqlite3_finalize(st);
    }
    return r;
}

static art_status import_codes(ingest_ctx *c, const art_qda_project *p, long long *ids,
                               art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(c->s,
                              "UPDATE codes SET guid = ?, description = ?, color = ?, codable = ? "
                              "WHERE id = ?",
                              &st, err);
    for (size_t i = 0; r == ART_OK && i < p->ncodes; i++) {
        const art_qda_code *k = &p->codes[i];
        if ((r = ingest_ensure_code(c, k->path, &ids[i], err)) != ART_OK)
            break;
        db_bind(st, "tttii", k->guid, k->description, k->color, (long long)k->codable, ids[i]);
        r = db_step_done(c->s, st, err);
    }
    sqlite3_finalize(st);
    return r;
}

static art_status set_segment_guid(ingest_ctx *c, long long seg_id, const char *guid,
                                   art_error *err)
{
    if (!guid)
        return ART_OK;
    sqlite3_stmt *st;
    art_status r = db_prepare(c->s, "UPDATE segments SET guid = ? WHERE id = ?", &st, err);
    if (r == ART_OK) {
        db_bind(st, "ti", guid, seg_id);
        r = db_step_done(c->s, st, err);
        sqlite3_finalize(st);
    }
    return r;
}

static art_status import_selection(ingest_ctx *c, const art_qda_project *p,
                                   const art_qda_source *src, const art_qda_selection *sel,
                                   long long src_id, long ordinal, const long long *code_ids,
                                   const long long *case_ids, art_error *err)
{
    long k = case_of(p, src->guid, sel->guid);
    long long pid = k >= 0 ? case_ids[k] : 0, seg_id;
    art_status r = ingest_insert_segment(c, src_id, ordinal, (int)ordinal, 0, sel->start, sel->end,
                                         "excerpt", src->name, pid, sel->text, &seg_id, err);
    if (r == ART_OK)
        r = set_segment_guid(c, seg_id, sel->guid, err);
    for (size_t i = 0; r == ART_OK && i < sel->ncodings; i++) {
        const art_qda_coding *cd = &sel->codings[i];
        sqlite3_stmt *st = c->ins_coding;
        db_bind(st, "iitit", seg_id, code_ids[cd->code], cd->coder ? cd->coder : sel->coder, pid,
                sel->memo);
        if (pid <= 0)
            sqlite3_bind_null(st, 4);
        if ((r = db_step_done(c->s, st, err)) == ART_OK)
            c->stats->codings++;
    }
    return r;
}

/* A source nobody coded still speaks: split it into sentences. */
static art_status import_uncoded(ingest_ctx *c, const art_qda_project *p,
                                 const art_qda_source *src, long long src_id, bool document,
                                 const long long *case_ids, art_error *err)
{
    art_document *doc = NULL;
    art_status r = art_doc_parse_text(src->text, strlen(src->text), src->name, &doc, err);
    if (r == ART_ERR_FORMAT) {
        /* No text at all: nothing to add, and not worth failing the import. */
        art_error_clear(err);
        return ART_OK;
    }
    if (r != ART_OK)
        return r;
    long k = document ? -1 : case_of(p, src->guid, NULL);
    long long pid = k >= 0 ? case_ids[k] : 0, seg_id;
    for (size_t i = 0; r == ART_OK && i < doc->nsegs; i++) {
        const art_segment *sg = &doc->segs[i];
        r = ingest_insert_segment(c, src_id, (long)i, sg->paragraph, sg->sentence, sg->start,
                                  sg->end, art_block_kind_id(sg->block),
                                  document ? NULL : src->name, pid, sg->text, &seg_id, err);
    }
    art_document_free(doc);
    return r;
}

static art_status import_source(ingest_ctx *c, const char *path, const char *sha,
                                const char *format, const art_qda_project *p,
                                const art_qda_source *src, const long long *code_ids,
                                const long long *case_ids, art_error *err)
{
    bool document = src->memo && strncmp(src->memo, DOC_MARK, strlen(DOC_MARK)) == 0;
    char part_sha[65];
    art_buf seed;
    art_buf_init(&seed);
    art_buf_printf(&seed, "%s:%s", sha, src->guid ? src->guid : src->name);
    if (seed.failed)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    art_sha256_hex(seed.data, seed.len, part_sha);
    art_buf_free(&seed);
    ingest_source row = {.path = path, .sha = part_sha,
                         .kind = document ? "document" : "interview", .format = format,
                         .name = src->name, .plain = src->text, .bytes = strlen(src->text),
                         .container_sha = sha, .guid = src->guid, .memo = src->memo};
    long long src_id;
    art_status r = ingest_insert_source(c, &row, &src_id, err);
    long coded = 0;
    for (size_t i = 0; r == ART_OK && i < src->nsels; i++) {
        if (src->sels[i].ncodings == 0)
            continue;
        r = import_selection(c, p, src, &src->sels[i], src_id, coded++, code_ids, case_ids, err);
    }
    if (r == ART_OK && coded == 0)
        r = import_uncoded(c, p, src, src_id, document, case_ids, err);
    return r;
}

art_status ingest_qda(ingest_ctx *c, const char *path, const char *sha, const char *data,
                      size_t len, art_error *err)
{
    art_qda_project *p = NULL;
    bool qdpx = art_str_ends_with_ci(path, ".qdpx");
    /* A .qde on disk reads its sources from the folder beside it, which
     * art_qda_load_file knows how to do safely. */
    art_status r = qdpx ? art_qda_parse_qdpx(data, len, path, &p, err)
                        : art_qda_load_file(path, &p, err);
    if (r != ART_OK)
        return r;
    if (p->is_codebook) {
        art_qda_project_free(p);
        return art_error_set(err, ART_ERR_FORMAT, "%s: a codebook holds no evidence", path);
    }
    for (size_t i = 0; i < p->nwarnings; i++)
        warn(c, path, p->warnings[i]);
    long long *code_ids = calloc(p->ncodes + 1, sizeof *code_ids);
    long long *case_ids = calloc(p->ncases + 1, sizeof *case_ids);
    if (!code_ids || !case_ids)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK)
        r = import_codes(c, p, code_ids, err);
    for (size_t i = 0; r == ART_OK && i < p->ncases; i++)
        r = import_case(c, &p->cases[i], &case_ids[i], err);
    size_t imported = 0;
    for (size_t i = 0; r == ART_OK && i < p->nsources; i++) {
        if (!p->sources[i].text)
            continue;  /* the reader already warned */
        r = import_source(c, path, sha, qdpx ? "qdpx" : "qde", p, &p->sources[i], code_ids,
                          case_ids, err);
        imported++;
    }
    if (r == ART_OK) {
        c->stats->files_new++;
        if (imported == 0)
            warn(c, path, "the project holds no text sources: only its codes were added");
    }
    free(code_ids);
    free(case_ids);
    art_qda_project_free(p);
    return r;
}

/* ------------------------------------------------------------------ */
/* Export                                                               */
/* ------------------------------------------------------------------ */

/* Growable arrays of the project model, all malloc'd so that
 * art_qda_project_free releases them. */
#define GROW(arr, n, cap, err)                                                    \
    do {                                                                          \
        if ((n) == (cap)) {                                                       \
            size_t nc_ = (cap) ? (cap) * 2 : 8;                                   \
            void *np_ = realloc((arr), nc_ * sizeof *(arr));                      \
            if (!np_)                                                             \
                return art_error_set((err), ART_ERR_NOMEM, "out of memory");      \
            (arr) = np_;                                                          \
            (cap) = nc_;                                                          \
        }                                                                         \
        memset(&(arr)[(n)], 0, sizeof *(arr));                                    \
    } while (0)

typedef struct export_ctx {
    art_store *s;
    long long site_id, round_id;
    art_qda_project *p;
    name_map names;           /* empty when names are revealed */
    bool reveal;
    long long *code_ids;      /* store id of each exported code */
    size_t code_cap, case_cap, src_cap, user_cap;
    long long *case_ids;      /* store id of each exported case */
} export_ctx;

static char *guid_for(const char *kind, const char *stored, const char *seed)
{
    if (stored && *stored)
        return art_strdup(stored);
    char g[37];
    art_buf b;
    art_buf_init(&b);
    art_buf_printf(&b, "%s:%s", kind, seed);
    if (b.failed)
        return NULL;
    art_qda_guid_from(b.data, g);
    art_buf_free(&b);
    return art_strdup(g);
}

static art_status export_codes(export_ctx *x, art_error *err)
{
    sqlite3_stmt *st;
    /* By path, so a parent ("A") always comes before its children ("A/B"). */
    art_status r = db_prepare(x->s,
                              "SELECT id, parent_id, name, path, guid, description, color, codable "
                              "FROM codes WHERE site_id = ? ORDER BY path",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", x->site_id);
    art_qda_project *p = x->p;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->ncodes == x->code_cap) {
            size_t cap = x->code_cap ? x->code_cap * 2 : 32;
            art_qda_code *a = realloc(p->codes, cap * sizeof *a);
            long long *b = a ? realloc(x->code_ids, cap * sizeof *b) : NULL;
            if (a) p->codes = a;
            if (b) x->code_ids = b;
            if (!a || !b) { r = art_error_set(err, ART_ERR_NOMEM, "out of memory"); break; }
            x->code_cap = cap;
        }
        art_qda_code *k = &p->codes[p->ncodes];
        memset(k, 0, sizeof *k);
        x->code_ids[p->ncodes] = sqlite3_column_int64(st, 0);
        long long parent = sqlite3_column_int64(st, 1);
        k->parent = -1;
        for (size_t i = 0; parent && i < p->ncodes; i++)
            if (x->code_ids[i] == parent)
                k->parent = (long)i;
        k->name = art_strdup(col_text(st, 2));
        k->path = art_strdup(col_text(st, 3));
        k->guid = guid_for("code", col_text(st, 4), col_text(st, 3));
        k->description = art_strdup(col_text(st, 5));
        k->color = art_strdup(col_text(st, 6));
        k->codable = sqlite3_column_int(st, 7) != 0;
        p->ncodes++;
        if (!k->name || !k->path || !k->guid) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(x->s, err, "export codes");
    sqlite3_finalize(st);
    return r;
}

static long code_index(const export_ctx *x, long long id)
{
    for (size_t i = 0; i < x->p->ncodes; i++)
        if (x->code_ids[i] == id)
            return (long)i;
    return -1;
}

static art_status export_cases(export_ctx *x, art_error *err)
{
    sqlite3_stmt *st, *at;
    art_status r = db_prepare(x->s,
                              "SELECT id, name, pseudonym, guid, description FROM participants "
                              "WHERE site_id = ? ORDER BY id",
                              &st, err);
    if (r != ART_OK)
        return r;
    if ((r = db_prepare(x->s,
                        "SELECT name, value, type FROM participant_attrs "
                        "WHERE participant_id = ? ORDER BY name",
                        &at, err)) != ART_OK) {
        sqlite3_finalize(st);
        return r;
    }
    db_bind(st, "i", x->site_id);
    art_qda_project *p = x->p;
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (p->ncases == x->case_cap) {
            size_t cap = x->case_cap ? x->case_cap * 2 : 16;
            art_qda_case *a = realloc(p->cases, cap * sizeof *a);
            long long *b = a ? realloc(x->case_ids, cap * sizeof *b) : NULL;
            if (a) p->cases = a;
            if (b) x->case_ids = b;
            if (!a || !b) { r = art_error_set(err, ART_ERR_NOMEM, "out of memory"); break; }
            x->case_cap = cap;
        }
        art_qda_case *k = &p->cases[p->ncases];
        memset(k, 0, sizeof *k);
        long long pid = sqlite3_column_int64(st, 0);
        x->case_ids[p->ncases++] = pid;
        /* Under a pseudonym, the case's GUID is made from the pseudonym too:
         * a stored GUID could be looked up in the site's own QDA project. */
        const char *shown = x->reveal ? col_text(st, 1) : col_text(st, 2);
        k->name = art_strdup(shown);
        k->guid = guid_for("case", x->reveal ? col_text(st, 3) : NULL, shown);
        k->description = x->reveal ? art_strdup(col_text(st, 4)) : NULL;
        if (!k->name || !k->guid) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        db_bind(at, "i", pid);
        size_t cap = 0;
        while (r == ART_OK && sqlite3_step(at) == SQLITE_ROW) {
            if (k->nvalues == cap) {
                cap = cap ? cap * 2 : 4;
                art_qda_value *v = realloc(k->values, cap * sizeof *v);
                if (!v) { r = art_error_set(err, ART_ERR_NOMEM, "out of memory"); break; }
                k->values = v;
            }
            art_qda_value *v = &k->values[k->nvalues++];
            v->name = art_strdup(col_text(at, 0));
            v->value = art_strdup(col_text(at, 1));
            v->type = art_strdup(col_text(at, 2) ? col_text(at, 2) : "Text");
            if (!v->name || !v->value || !v->type)
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        }
        sqlite3_reset(at);
    }
    if (r == ART_OK && rc != SQLITE_DONE)
        r = db_error(x->s, err, "export cases");
    sqlite3_finalize(st);
    sqlite3_finalize(at);
    return r;
}

static art_status add_string(char ***arr, size_t *n, const char *s, art_error *err)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i], s) == 0)
            return ART_OK;
    char **a = realloc(*arr, (*n + 1) * sizeof *a);
    if (!a)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    *arr = a;
    if (!(a[*n] = art_strdup(s)))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    (*n)++;
    return ART_OK;
}

static art_status note_user(export_ctx *x, const char *coder, art_error *err)
{
    art_qda_project *p = x->p;
    for (size_t i = 0; i < p->nusers; i++)
        if (strcmp(p->users[i].name, coder) == 0)
            return ART_OK;
    GROW(p->users, p->nusers, x->user_cap, err);
    art_qda_user *u = &p->users[p->nusers++];
    u->name = art_strdup(coder);
    u->guid = guid_for("user", NULL, coder);
    if (!u->name || !u->guid)
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    return ART_OK;
}

static art_qda_case *case_by_id(export_ctx *x, long long pid)
{
    for (size_t i = 0; pid > 0 && i < x->p->ncases; i++)
        if (x->case_ids[i] == pid)
            return &x->p->cases[i];
    return NULL;
}

/* The codings of one segment become the codings of its selection. */
static art_status export_codings(export_ctx *x, long long seg_id, art_qda_selection *sel,
                                 art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(x->s,
                              "SELECT code_id, coder, memo FROM codings WHERE segment_id = ? "
                              "ORDER BY id",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", seg_id);
    while (r == ART_OK && sqlite3_step(st) == SQLITE_ROW) {
        long k = code_index(x, sqlite3_column_int64(st, 0));
        if (k < 0)
            continue;
        art_qda_coding *a = realloc(sel->codings, (sel->ncodings + 1) * sizeof *a);
        if (!a) {
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        sel->codings = a;
        art_qda_coding *cd = &a[sel->ncodings++];
        memset(cd, 0, sizeof *cd);
        cd->code = k;
        const char *coder = col_text(st, 1);
        if (coder) {
            cd->coder = art_strdup(coder);
            r = cd->coder ? note_user(x, coder, err) : art_error_set(err, ART_ERR_NOMEM, "out of memory");
        }
        if (r == ART_OK && col_text(st, 2) && !sel->memo)
            sel->memo = x->reveal ? art_strdup(col_text(st, 2))
                                  : store_pseudonymise(&x->names, col_text(st, 2), NULL);
        char g[37];
        char seed[128];
        snprintf(seed, sizeof seed, "coding:%s:%zu", sel->guid, sel->ncodings);
        art_qda_guid_from(seed, g);
        cd->guid = art_strdup(g);
    }
    sqlite3_finalize(st);
    return r;
}

/* Text as exported: the stored text, with names replaced unless revealed;
 * cpmap follows the offsets through the replacement. */
static char *export_text(export_ctx *x, const char *text, long **cpmap)
{
    if (x->reveal || x->names.n == 0) {
        if (cpmap)
            *cpmap = NULL;
        return art_strdup(text);
    }
    return store_pseudonymise(&x->names, text, cpmap);
}

static art_qda_source *new_source(export_ctx *x, art_error *err)
{
    art_qda_project *p = x->p;
    if (p->nsources == x->src_cap) {
        size_t cap = x->src_cap ? x->src_cap * 2 : 16;
        art_qda_source *a = realloc(p->sources, cap * sizeof *a);
        if (!a) {
            art_error_set(err, ART_ERR_NOMEM, "out of memory");
            return NULL;
        }
        p->sources = a;
        x->src_cap = cap;
    }
    art_qda_source *src = &p->sources[p->nsources++];
    memset(src, 0, sizeof *src);
    return src;
}

static art_qda_selection *new_selection(art_qda_source *src, art_error *err)
{
    art_qda_selection *a = realloc(src->sels, (src->nsels + 1) * sizeof *a);
    if (!a) {
        art_error_set(err, ART_ERR_NOMEM, "out of memory");
        return NULL;
    }
    src->sels = a;
    art_qda_selection *sel = &a[src->nsels++];
    memset(sel, 0, sizeof *sel);
    return sel;
}

static art_status link_case(export_ctx *x, long long pid, const art_qda_source *src,
                            const art_qda_selection *sel, art_error *err)
{
    art_qda_case *k = case_by_id(x, pid);
    if (!k)
        return ART_OK;
    art_status r = add_string(&k->source_guids, &k->nsource_guids, src->guid, err);
    if (r == ART_OK && sel)
        r = add_string(&k->selection_guids, &k->nselection_guids, sel->guid, err);
    return r;
}

/* A source with stored text (a document, or a transcript from a QDA
 * project): its coded segments become selections at their own offsets. */
static art_status export_text_source(export_ctx *x, long long src_id, sqlite3_stmt *row,
                                     art_error *err)
{
    art_qda_source *src = new_source(x, err);
    if (!src)
        return ART_ERR_NOMEM;
    bool document = strcmp(col_text(row, 1), "document") == 0;
    long *cpmap = NULL;
    src->name = art_strdup(col_text(row, 3));
    src->guid = guid_for("source", col_text(row, 5), col_text(row, 2));
    src->text = export_text(x, col_text(row, 4), &cpmap);
    if (!src->name || !src->guid || !src->text) {
        free(cpmap);
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    }
    src->length = art_utf8_count(src->text, strlen(src->text));
    if (document) {
        art_buf m;
        art_buf_init(&m);
        art_buf_printf(&m, DOC_MARK " format=%s", col_text(row, 6));
        if (col_text(row, 7))
            art_buf_printf(&m, " title=%s", col_text(row, 7));
        src->memo = art_buf_steal(&m);
    } else if (col_text(row, 8)) {
        src->memo = art_strdup(col_text(row, 8));
    }
    sqlite3_stmt *st;
    art_status r = db_prepare(x->s,
                              "SELECT g.id, g.start_cp, g.end_cp, g.guid, g.participant_id FROM "
                              "segments g WHERE g.source_id = ? AND EXISTS (SELECT 1 FROM codings "
                              "k WHERE k.segment_id = g.id) ORDER BY g.id",
                              &st, err);
    if (r == ART_OK)
        db_bind(st, "i", src_id);
    while (r == ART_OK && sqlite3_step(st) == SQLITE_ROW) {
        art_qda_selection *sel = new_selection(src, err);
        if (!sel) {
            r = ART_ERR_NOMEM;
            break;
        }
        long start = (long)sqlite3_column_int64(st, 1), end = (long)sqlite3_column_int64(st, 2);
        if (cpmap) {
            start = cpmap[start];
            end = cpmap[end];
        }
        sel->start = start;
        sel->end = end;
        char seed[256];
        snprintf(seed, sizeof seed, "%s:%ld:%ld", src->guid, start, end);
        sel->guid = guid_for("selection", col_text(st, 3), seed);
        r = sel->guid ? export_codings(x, sqlite3_column_int64(st, 0), sel, err)
                      : art_error_set(err, ART_ERR_NOMEM, "out of memory");
        if (r == ART_OK)
            r = link_case(x, sqlite3_column_int64(st, 4), src, sel, err);
    }
    sqlite3_finalize(st);
    free(cpmap);
    return r;
}

/* A coded-CSV source holds excerpts but no transcript: each interview in
 * it becomes one text source made of its excerpts, one paragraph each. */
static art_status export_excerpt_sources(export_ctx *x, long long src_id, const char *src_name,
                                         art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(x->s,
                              "SELECT id, coalesce(document, ''), text, participant_id FROM "
                              "segments WHERE source_id = ? ORDER BY coalesce(document, ''), id",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "i", src_id);
    art_qda_source *src = NULL;
    art_buf text;
    art_buf_init(&text);
    long cps = 0;
    char *doc = NULL;
    while (r == ART_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *d = col_text(st, 1);
        if (!src || strcmp(doc, d) != 0) {
            if (src && !(src->text = art_buf_steal(&text)))
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            if (src)
                src->length = cps;
            free(doc);
            doc = art_strdup(d);
            art_buf_init(&text);
            cps = 0;
            if (r != ART_OK || !doc || !(src = new_source(x, err))) {
                r = r != ART_OK ? r : art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
            art_buf name;
            art_buf_init(&name);
            art_buf_printf(&name, "%s", *d ? d : src_name);
            src->name = art_buf_steal(&name);
            char seed[512];
            snprintf(seed, sizeof seed, "%lld:%s", src_id, d);
            src->guid = guid_for("source", NULL, seed);
            if (!src->name || !src->guid) {
                r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
                break;
            }
        }
        if (cps > 0) {
            art_buf_puts(&text, "\n\n");
            cps += 2;
        }
        char *excerpt = export_text(x, col_text(st, 2), NULL);
        art_qda_selection *sel = excerpt ? new_selection(src, err) : NULL;
        if (!sel) {
            free(excerpt);
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
            break;
        }
        long n = art_utf8_count(excerpt, strlen(excerpt));
        art_buf_puts(&text, excerpt);
        free(excerpt);
        sel->start = cps;
        sel->end = cps + n;
        cps += n;
        char seed[256];
        snprintf(seed, sizeof seed, "%s:%ld:%ld", src->guid, sel->start, sel->end);
        sel->guid = guid_for("selection", NULL, seed);
        r = sel->guid ? export_codings(x, sqlite3_column_int64(st, 0), sel, err)
                      : art_error_set(err, ART_ERR_NOMEM, "out of memory");
        if (r == ART_OK)
            r = link_case(x, sqlite3_column_int64(st, 3), src, sel, err);
    }
    if (r == ART_OK && src) {
        if (!(src->text = art_buf_steal(&text)))
            r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
        src->length = cps;
    } else {
        art_buf_free(&text);
    }
    free(doc);
    sqlite3_finalize(st);
    return r;
}

static art_status export_sources(export_ctx *x, art_error *err)
{
    sqlite3_stmt *st;
    art_status r = db_prepare(x->s,
                              "SELECT s.id, s.kind, s.sha256, s.name, s.plain_text, s.guid, "
                              "s.format, s.title, s.memo FROM sources s "
                              "JOIN round_sources rs ON rs.source_id = s.id "
                              "WHERE s.site_id = ? AND rs.round_id = ? ORDER BY s.id",
                              &st, err);
    if (r != ART_OK)
        return r;
    db_bind(st, "ii", x->site_id, x->round_id);
    int rc;
    while (r == ART_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        if (col_text(st, 4))
            r = export_text_source(x, id, st, err);
        else
            r = export_excerpt_sources(x, id, col_text(st, 3), err);
    }
    sqlite3_finalize(st);
    return r;
}

static art_status build_project(art_store *s, const char *site, const char *round, bool reveal,
                                art_qda_project **out, art_error *err)
{
    export_ctx x = {.s = s, .reveal = reveal};
    art_status r = find_site(s, site, &x.site_id, err);
    if (r == ART_OK)
        r = find_round(s, x.site_id, round, &x.round_id, err);
    if (r != ART_OK)
        return r;
    if (!(x.p = calloc(1, sizeof *x.p)))
        return art_error_set(err, ART_ERR_NOMEM, "out of memory");
    art_buf name;
    art_buf_init(&name);
    art_buf_printf(&name, "%s, round %s", site, round);
    x.p->name = art_buf_steal(&name);
    x.p->origin = art_strdup("artefact " ART_VERSION);
    if (!x.p->name || !x.p->origin)
        r = art_error_set(err, ART_ERR_NOMEM, "out of memory");
    if (r == ART_OK && !reveal)
        r = store_name_map_load(s, x.site_id, &x.names, err);
    if (r == ART_OK)
        r = export_codes(&x, err);
    if (r == ART_OK)
        r = export_cases(&x, err);
    if (r == ART_OK)
        r = export_sources(&x, err);
    store_name_map_free(&x.names);
    free(x.code_ids);
    free(x.case_ids);
    if (r != ART_OK) {
        art_qda_project_free(x.p);
        return r;
    }
    *out = x.p;
    return ART_OK;
}

art_status art_store_export_qdpx(art_store *s, const char *site, const char *round,
                                 int reveal_names, const char *path, art_error *err)
{
    art_qda_project *p = NULL;
    art_status r = build_project(s, site, round, reveal_names != 0, &p, err);
    if (r == ART_OK)
        r = art_qda_write_qdpx(p, path, err);
    art_qda_project_free(p);
    return r;
}

/* ------------------------------------------------------------------ */
/* Codebook and checks                                                  */
/* ------------------------------------------------------------------ */

art_status art_codebook_write_qdc(const art_rubric *r, const char *path, art_error *err)
{
    art_qda_project *p = NULL;
    art_buf xml;
    art_buf_init(&xml);
    art_status st = art_qda_codebook_from_rubric(r, &p, err);
    if (st == ART_OK)
        st = art_qda_write_qdc(p, &xml, err);
    art_qda_project_free(p);
    if (st != ART_OK) {
        art_buf_free(&xml);
        return st;
    }
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        art_buf_free(&xml);
        return art_error_set(err, ART_ERR_IO, "%s: cannot write codebook", path);
    }
    bool ok = fwrite(xml.data, 1, xml.len, f) == xml.len;
    if (path)
        ok = (fclose(f) == 0) && ok;
    else
        ok = (fflush(f) == 0) && ok;
    art_buf_free(&xml);
    if (!ok)
        return art_error_set(err, ART_ERR_IO, "%s: cannot write codebook", path ? path : "stdout");
    return ART_OK;
}

typedef struct check_ctx {
    art_warning_fn fn;
    void *ud;
} check_ctx;

static void forward_problem(void *ud, const char *line)
{
    check_ctx *c = ud;
    if (c->fn)
        c->fn(c->ud, line);
}

art_status art_qda_check(const char *path, art_warning_fn report, void *ud, art_error *err)
{
    check_ctx c = {report, ud};
    return art_qda_validate(path, forward_problem, &c, err);
}
