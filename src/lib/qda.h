/* REFI-QDA projects (.qdpx, .qde) and codebooks (.qdc): an in-memory model,
 * the importer, the writer, and schema checks.  Internal; not installed.
 *
 * Positions are Unicode code points from 0, end exclusive, as the standard
 * says.  Every string is UTF-8 and owned by the project. */
#ifndef ART_QDA_H
#define ART_QDA_H

#include "internal.h"

typedef struct art_qda_user {
    char *guid;              /* normalised: lower case, no braces */
    char *name;
} art_qda_user;

typedef struct art_qda_code {
    char *guid;
    char *name;
    char *description;       /* NULL if none */
    char *color;             /* normalised "#rrggbb", or NULL if absent/unreadable */
    bool codable;
    long parent;             /* index into codes, -1 for a top-level code */
    char *path;              /* names from the top joined by '/' */
} art_qda_code;

typedef struct art_qda_value {
    char *name;              /* the variable's name */
    char *type;              /* "Text", "Integer", "Float", "Boolean", "Date", "DateTime" */
    char *value;             /* as text */
} art_qda_value;

typedef struct art_qda_case {
    char *guid;
    char *name;
    char *description;
    art_qda_value *values;
    size_t nvalues;
    char **source_guids;     /* SourceRef */
    size_t nsource_guids;
    char **selection_guids;  /* SelectionRef */
    size_t nselection_guids;
} art_qda_case;

typedef struct art_qda_coding {
    char *guid;
    long code;               /* index into codes; never unresolved (those become warnings) */
    char *coder;             /* the creating user's name, else their GUID, else NULL */
} art_qda_coding;

typedef struct art_qda_selection {
    char *guid;
    char *name;
    long start, end;         /* code points in the source's text; whole source: 0..length */
    bool whole_source;       /* a coding directly under the TextSource */
    char *text;              /* exactly text[start, end) of the source */
    char *coder;             /* the selection's creating user (name), or NULL */
    art_qda_coding *codings;
    size_t ncodings;
    char *memo;              /* text of notes attached to the selection, or NULL */
} art_qda_selection;

typedef struct art_qda_source {
    char *guid;
    char *name;
    char *path;              /* plainTextPath as written, or NULL for PlainTextContent */
    char *text;              /* the plain text (BOM removed), NULL if it could not be read */
    long length;             /* code points in text */
    art_qda_selection *sels;
    size_t nsels;
    char *memo;
} art_qda_source;

typedef struct art_qda_note {
    char *guid;
    char *name;
    char *text;
} art_qda_note;

typedef struct art_qda_set {
    char *guid;
    char *name;
    char *description;
    char **member_codes;     /* GUIDs */
    size_t nmember_codes;
    char **member_sources;   /* GUIDs */
    size_t nmember_sources;
} art_qda_set;

typedef struct art_qda_project {
    char *name;              /* Project/@name, or NULL for a codebook */
    char *origin;
    bool is_codebook;        /* parsed from a .qdc */
    art_qda_user *users;     size_t nusers;
    art_qda_code *codes;     size_t ncodes;    /* parents before children */
    art_qda_case *cases;     size_t ncases;
    art_qda_source *sources; size_t nsources;  /* text sources only */
    art_qda_note *notes;     size_t nnotes;
    art_qda_set *sets;       size_t nsets;
    char **warnings;         size_t nwarnings; /* what was skipped and why, one line each */
} art_qda_project;

void art_qda_project_free(art_qda_project *p);

/* Source text for a plainTextPath.  `rel` is the path inside the project's
 * container with any "internal://" prefix removed (e.g. "abc.txt"); the
 * reader looks in "sources/" and "Sources/".  Return ART_ERR_NOTFOUND when
 * there is no such file. */
typedef art_status (*art_qda_read_fn)(void *ud, const char *rel, char **data, size_t *len,
                                      art_error *err);

/* Parse project XML (.qde) or codebook XML (.qdc), tolerant of what real
 * exports do; what breaks the standard but can be skipped becomes a warning.
 * `read` may be NULL (then sources with only a plainTextPath have text NULL
 * and a warning).  relative:// and absolute:// paths are never followed:
 * a project file must not make artefact read files elsewhere on the disk. */
art_status art_qda_parse_xml(const char *xml, size_t len, const char *name,
                             art_qda_read_fn read, void *ud, art_qda_project **out,
                             art_error *err);
/* A .qdpx held in memory: finds the one *.qde at the root and reads source
 * text from the archive. */
art_status art_qda_parse_qdpx(const void *data, size_t len, const char *name,
                              art_qda_project **out, art_error *err);
/* By extension: .qdpx, .qde, .qdc (a .qde beside a sources/ folder reads
 * its text from there). */
art_status art_qda_load_file(const char *path, art_qda_project **out, art_error *err);

/* Validate against the REFI-QDA schemas compiled into the library
 * (Project.xsd for .qde/.qdpx, Codebook.xsd for .qdc).  Each problem is
 * passed to `report` as one line ("line N: ..."); returns ART_OK when valid,
 * ART_ERR_FORMAT when not. */
typedef void (*art_qda_problem_fn)(void *ud, const char *line);
art_status art_qda_validate(const char *path, art_qda_problem_fn report, void *ud,
                            art_error *err);
art_status art_qda_validate_memory(const char *xml, size_t len, const char *name,
                                   bool codebook, art_qda_problem_fn report, void *ud,
                                   art_error *err);

/* Writing.  GUIDs missing from the model are made deterministically from
 * the content, so the same project writes the same bytes. */
art_status art_qda_write_qde(const art_qda_project *p, art_buf *out, art_error *err);
art_status art_qda_write_qdc(const art_qda_project *p, art_buf *out, art_error *err);
/* project.qde plus sources/<guid>.txt for every source with text. */
art_status art_qda_write_qdpx(const art_qda_project *p, const char *path, art_error *err);

/* The CLS codebook of a rubric: a folder per dimension (its name), with
 * "Toward CLS" and "Toward low pole" folders holding one code per indicator;
 * descriptions from the rubric. */
art_status art_qda_codebook_from_rubric(const art_rubric *r, art_qda_project **out,
                                        art_error *err);

/* A deterministic GUID (RFC 4122 layout, version 5 style) from a name. */
void art_qda_guid_from(const char *seed, char out[37]);

extern const unsigned char art_schema_project_xsd[];
extern const size_t art_schema_project_xsd_len;
extern const unsigned char art_schema_codebook_xsd[];
extern const size_t art_schema_codebook_xsd_len;

#endif
