/* Sandboxed Lua 5.4 plugin host.
 *
 * Every plugin run gets a fresh lua_State whose allocator enforces a memory
 * budget, whose count hook enforces instruction and wall-clock budgets, and
 * whose global table holds only an allow-list of safe functions plus the
 * `art` API.  Everything that can raise a Lua error runs inside lua_pcall,
 * so a misbehaving plugin is reported in its art_plugin_result and never
 * takes the host down.  See docs/plugin-api.md for the Lua side. */
#include "internal.h"
#include "dict.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define HOOK_EVERY 1000
#define ERROR_LINE_MAX 300
#define MAX_MATCH_PHRASES 1000
#define MAX_PLUGIN_BYTES ((size_t)4 << 20)
#define MAX_NAME_LEN 64
#define GUARD_MT "artefact.guard"
#define CURSOR_MT "artefact.cursor"
/* Rough step count above which a Lua pattern is refused for its subject. */
#define PATTERN_COST_MAX 1e10
#define PATTERN_MAX_LEN 4096
/* Bytes of an evidence item's indicator, and evidence items in all: what a
 * plugin hands the host is copied outside the Lua memory budget. */
#define MAX_INDICATOR_BYTES 1024
#define MAX_TOTAL_EVIDENCE ((size_t)100000)

/* BUDGET_HOST: the host itself failed (the store, reading the corpus); the
 * run is stopped like a spent budget and the failure is the caller's. */
typedef enum {
    BUDGET_OK = 0,
    BUDGET_INSTRUCTIONS,
    BUDGET_TIME,
    BUDGET_HOST,
    BUDGET_CLOSING
} budget_state;

typedef struct host {
    const art_rubric *rubric;       /* NULL while describing */
    const art_corpus *corpus;       /* NULL while describing */
    art_plugin_limits lim;
    art_plugin_result *res;
    size_t mem_used, mem_peak;
    bool mem_refused;
    long long instructions;
    struct timespec t0;
    double host_seconds;            /* spent reading the corpus: not the plugin's time */
    budget_state budget;
    bool all_dims;                  /* declared dimensions = {"*"} */
    art_matcher **dim_matchers;     /* one per rubric dimension, compiled lazily */
    art_matcher *all_matcher;       /* every dimension's phrases at once (art.match_all) */
    size_t *all_dim, *all_ind;      /* phrase k of all_matcher is indicator all_ind[k]
                                       of dimension all_dim[k] */
    art_emit *emits;
    size_t nemits, emit_cap;
    art_status fail_status;         /* sticky failure raised by the host API */
    char fail_msg[ERROR_LINE_MAX + 1];
    int art_ref;                    /* registry reference of the `art` table */
    int strings_ref;                /* registry reference of the SEG_STRINGS table */
    art_status host_status;         /* why the host failed (BUDGET_HOST) */
    char host_msg[ERROR_LINE_MAX + 1];
    size_t total_evidence;          /* evidence items over all emits */
} host;

/* C memory that must be freed even if a Lua error unwinds past it: held by a
 * userdata whose __gc releases whatever is still set. */
typedef struct guard {
    art_matcher *matcher;
    art_match_ex *matches;      /* with the hedge flag (dict.h) */
    art_emit *emit;
    art_tally_phrase *phrases;  /* art.tally */
    art_tally_cell *cells;
    size_t ncells;
} guard;

static void emit_free(art_emit *e);

/* ---- budgets ----------------------------------------------------------- */

static host *host_of(lua_State *L)
{
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ud;
}

static void *host_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    host *h = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        h->mem_used -= old;
        return NULL;
    }
    /* Only growth can be refused: Lua relies on shrinking never failing. */
    if (nsize > old && (nsize > h->lim.max_memory || h->mem_used - old + nsize > h->lim.max_memory)) {
        h->mem_refused = true;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    h->mem_used = h->mem_used - old + nsize;
    if (h->mem_used > h->mem_peak)
        h->mem_peak = h->mem_used;
    return p;
}

/* The plugin's own time.  Reading a streamed corpus from the store (and
 * what rides along with that walk, such as the ladder) is the host's work,
 * as it was when the corpus was loaded before the plugin started, so it
 * does not count against the plugin's wall-clock budget. */
static double elapsed_seconds(const host *h)
{
    return art_seconds_since(&h->t0) - h->host_seconds;
}

static void budget_update(host *h)
{
    if (h->budget != BUDGET_OK)
        return;
    if (h->instructions > h->lim.max_instructions)
        h->budget = BUDGET_INSTRUCTIONS;
    else if (elapsed_seconds(h) > h->lim.max_seconds)
        h->budget = BUDGET_TIME;
}

static void budget_hook(lua_State *L, lua_Debug *ar);

/* Once a budget is gone every instruction raises, so a plugin that catches
 * the error with pcall cannot run on: the next instruction outside its pcall
 * raises again, until control is back in the host. */
static int budget_raise(lua_State *L, host *h)
{
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    if (h->budget == BUDGET_HOST)
        return luaL_error(L, "%s", h->host_msg);
    if (h->budget == BUDGET_TIME)
        return luaL_error(L, "time budget exceeded");
    return luaL_error(L, "instruction budget exceeded");
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    host *h = host_of(L);
    h->instructions += h->budget == BUDGET_OK ? HOOK_EVERY : 1;
    budget_update(h);
    if (h->budget != BUDGET_OK)
        budget_raise(L, h);
}

/* Called at the top of every API function: C calls count against the clock. */
static host *api_enter(lua_State *L)
{
    host *h = host_of(L);
    budget_update(h);
    if (h->budget != BUDGET_OK)
        budget_raise(L, h);
    return h;
}

/* luaL_error without its limited format set (no precision, no %zu). */
static int raise(lua_State *L, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int raise(lua_State *L, const char *fmt, ...)
{
    char msg[ERROR_LINE_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return luaL_error(L, "%s", msg);
}

/* Record a sticky failure (the first one wins) and raise it in Lua. */
static int host_fail(lua_State *L, art_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int host_fail(lua_State *L, art_status st, const char *fmt, ...)
{
    host *h = host_of(L);
    char msg[ERROR_LINE_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (h->fail_status == ART_OK) {
        h->fail_status = st;
        memcpy(h->fail_msg, msg, sizeof msg);
    }
    return luaL_error(L, "%s", msg);
}

/* The host could not do its part (a store error while reading the corpus):
 * stop the plugin for good, as a spent budget does, and hand the error to
 * the caller of art_plugin_run instead of blaming the plugin. */
static int host_broken(lua_State *L, host *h, const art_error *e)
{
    if (h->budget == BUDGET_OK || h->budget == BUDGET_CLOSING) {
        h->budget = BUDGET_HOST;
        h->host_status = e->status != ART_OK ? e->status : ART_ERR_IO;
        /* One line, cut to the host's error size (art_error holds more). */
        size_t n = strlen(e->message);
        if (n > ERROR_LINE_MAX)
            n = ERROR_LINE_MAX;
        memcpy(h->host_msg, e->message, n);
        h->host_msg[n] = '\0';
    }
    return budget_raise(L, h);
}

/* ---- guard userdata ------------------------------------------------------ */

static int guard_gc(lua_State *L)
{
    guard *g = lua_touserdata(L, 1);
    if (g) {
        art_matcher_free(g->matcher);
        free(g->matches);
        if (g->emit) {
            emit_free(g->emit);
            free(g->emit);
        }
        free(g->phrases);
        art_tally_cells_free(g->cells, g->ncells);
        memset(g, 0, sizeof *g);
    }
    return 0;
}

static guard *guard_push(lua_State *L)
{
    guard *g = lua_newuserdatauv(L, sizeof *g, 0);
    memset(g, 0, sizeof *g);
    luaL_setmetatable(L, GUARD_MT);
    return g;
}

/* ---- sandbox --------------------------------------------------------------- */

static const char *const ALLOWED_GLOBALS[] = {
    "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal", "rawlen", "rawget",
    "rawset", "select", "tonumber", "tostring", "type", "xpcall", "setmetatable",
    "getmetatable", "print", "_G", "_VERSION", "string", "table", "math", "utf8", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

static int sandbox_print(lua_State *L)
{
    /* Plugins must not write to the host's stdout; output is dropped. */
    api_enter(L);
    return 0;
}

static int call_original(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Finalizers run with debug hooks disabled, so a __gc loop could never be
 * stopped: metatables with a __gc field (even false, which marks the object
 * for finalization) are refused. */
static int safe_setmetatable(lua_State *L)
{
    api_enter(L);
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        int t = lua_rawget(L, 2);
        lua_pop(L, 1);
        if (t != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in plugins");
    }
    return call_original(L);
}

static void remove_unlisted_globals(lua_State *L)
{
    lua_pushglobaltable(L);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        bool keep = lua_type(L, -1) == LUA_TSTRING && in_list(ALLOWED_GLOBALS, lua_tostring(L, -1));
        if (!keep) {
            /* Setting an existing field to nil is allowed during traversal. */
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, -4);
        }
    }
    lua_pushcfunction(L, sandbox_print);
    lua_setfield(L, -2, "print");
    lua_getfield(L, -1, "setmetatable");
    lua_pushcclosure(L, safe_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
    lua_pop(L, 1);
}

static void remove_field(lua_State *L, const char *lib, const char *field)
{
    lua_getglobal(L, lib);
    lua_pushnil(L);
    lua_setfield(L, -2, field);
    lua_pop(L, 1);
}

/* string.rep refuses up front results that cannot fit in the memory budget. */
static int safe_rep(lua_State *L)
{
    host *h = api_enter(L);
    size_t l = 0, lsep = 0;
    luaL_checklstring(L, 1, &l);
    lua_Integer n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n > 0) {
        double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
        double room = (double)h->lim.max_memory - (double)h->mem_used;
        if (total > room)
            return host_fail(L, ART_ERR_LIMIT,
                             "string.rep: a result of %.0f bytes exceeds the memory budget", total);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Count the quantified items of a Lua pattern: "x*", "%a+", "[^,]-" (any
 * single-character class) can each make the backtracking matcher retry
 * every position, so k of them cost up to n^k ("a*a*a*b" on "aaaa...");
 * an "x?" item doubles the tries ("a?a?a?aaa" is the classic 2^k). */
static void pattern_quantifiers(const char *p, size_t n, int *star, int *opt)
{
    *star = *opt = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '%') {
            i++;
            /* %b and %f take arguments and no quantifier. */
            if (i < n && (p[i] == 'b' || p[i] == 'f')) {
                i += p[i] == 'b' ? 2 : 0;
                continue;
            }
        } else if (p[i] == '[') {
            i++;
            if (i < n && p[i] == '^')
                i++;
            if (i < n && p[i] == ']')
                i++;
            while (i < n && p[i] != ']') {
                if (p[i] == '%')
                    i++;
                i++;
            }
        } else if (p[i] == '(' || p[i] == ')' || (p[i] == '^' && i == 0) ||
                   (p[i] == '$' && i + 1 == n)) {
            continue;
        }
        if (i + 1 < n && (p[i + 1] == '*' || p[i + 1] == '-' || p[i + 1] == '+')) {
            (*star)++;
            i++;
        } else if (i + 1 < n && p[i + 1] == '?') {
            (*opt)++;
            i++;
        }
    }
}

/* The C pattern matcher runs without the instruction hook, so a call whose
 * worst case on this subject is out of proportion is refused before it
 * runs: bounded pattern length, and a cost bound of (n+1)^k * 2^m for k
 * repeated and m optional items (one more power of n when unanchored, as
 * find/gmatch/gsub retry from every position).  See docs/reliability.md. */
static void check_pattern(lua_State *L, const char *fname, bool plain)
{
    size_t ls = 0, lp = 0;
    luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    if (plain)
        return;
    if (lp > PATTERN_MAX_LEN)
        host_fail(L, ART_ERR_LIMIT, "string.%s: a pattern of %zu bytes is longer than %d", fname,
                  lp, PATTERN_MAX_LEN);
    int star, opt;
    pattern_quantifiers(p, lp, &star, &opt);
    if (star == 0 && opt == 0)
        return;
    bool anchored = lp > 0 && p[0] == '^';
    double cost = pow((double)ls + 1.0, (double)(star + (anchored ? 0 : 1))) *
                  pow(2.0, (double)(opt > 64 ? 64 : opt));
    if (cost > PATTERN_COST_MAX)
        host_fail(L, ART_ERR_LIMIT, "string.%s: pattern too costly for a subject of %zu bytes",
                  fname, ls);
}

static int safe_find(lua_State *L)
{
    api_enter(L);
    check_pattern(L, "find", lua_toboolean(L, 4));
    return call_original(L);
}
static int safe_match(lua_State *L)
{
    api_enter(L);
    check_pattern(L, "match", false);
    return call_original(L);
}
static int safe_gmatch(lua_State *L)
{
    api_enter(L);
    check_pattern(L, "gmatch", false);
    return call_original(L);
}
static int safe_gsub(lua_State *L)
{
    api_enter(L);
    check_pattern(L, "gsub", false);
    return call_original(L);
}

static void wrap_string_function(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_getglobal(L, "string");
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
}

static void lock_string_metatable(lua_State *L)
{
    /* getmetatable("") then returns false, so the shared string metatable
     * (whose __index is the string table) cannot be reached or changed. */
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* The strings every segment table repeats, made once per state and kept in
 * an array (SEG_STRINGS order): the field names, the two kinds, the voices
 * and the levels.  Setting a field by a ready key string skips looking the
 * C string up again for every field of every segment. */
enum {
    SK_ID = 1, SK_KIND, SK_SOURCE, SK_DOCUMENT, SK_LOCATOR, SK_BLOCK, SK_PARAGRAPH,
    SK_SENTENCE, SK_START, SK_END, SK_TEXT, SK_PARTICIPANT, SK_VOICE, SK_LEVEL, SK_CODES,
    SK_CODERS, SK_INTERVIEW, SK_DOCUMENT_KIND,
    SK_VOICES,                                  /* + art_voice */
    SK_LEVELS = SK_VOICES + ART_VOICE_COUNT,    /* + art_level (0..2) */
    SK_COUNT = SK_LEVELS + 3
};

static void make_segment_strings(lua_State *L, host *h)
{
    static const char *const names[] = {
        "id", "kind", "source", "document", "locator", "block", "paragraph", "sentence",
        "start", "end", "text", "participant", "voice", "level", "codes", "coders",
        "interview", "document"};
    lua_createtable(L, SK_COUNT - 1, 0);
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
        lua_pushstring(L, names[i]);
        lua_rawseti(L, -2, SK_ID + i);
    }
    for (int v = 0; v < ART_VOICE_COUNT; v++) {
        lua_pushstring(L, art_voice_id((art_voice)v));
        lua_rawseti(L, -2, SK_VOICES + v);
    }
    for (int lv = 0; lv < 3; lv++) {
        lua_pushstring(L, art_level_id((art_level)lv));
        lua_rawseti(L, -2, SK_LEVELS + lv);
    }
    h->strings_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

static const luaL_Reg SAFE_LIBS[] = {
    {LUA_GNAME, luaopen_base},
    {LUA_STRLIBNAME, luaopen_string},
    {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8},
    {NULL, NULL}};

static void register_art(lua_State *L);
static int cursor_gc(lua_State *L);
static int rawfield(lua_State *L, int idx, const char *key);

/* Protected: build the sandboxed environment and the `art` table. */
static int open_sandbox(lua_State *L)
{
    for (const luaL_Reg *lib = SAFE_LIBS; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    remove_unlisted_globals(L);
    remove_field(L, "string", "dump");
    remove_field(L, "math", "random");
    remove_field(L, "math", "randomseed");
    wrap_string_function(L, "rep", safe_rep);
    wrap_string_function(L, "find", safe_find);
    wrap_string_function(L, "match", safe_match);
    wrap_string_function(L, "gmatch", safe_gmatch);
    wrap_string_function(L, "gsub", safe_gsub);
    lock_string_metatable(L);
    luaL_newmetatable(L, GUARD_MT);
    lua_pushcfunction(L, guard_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, CURSOR_MT);
    lua_pushcfunction(L, cursor_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    make_segment_strings(L, host_of(L));
    register_art(L);
    return 0;
}

/* ---- corpus and rubric helpers --------------------------------------------- */

/* The segments an emit's evidence names, looked up together: in memory, or
 * read back from the store when the corpus is streamed (they are long gone
 * from the cursor's batch).  Items whose 'segment' is not an integer get
 * NULL (read_evidence reports them).  A store error stops the run as the
 * host's failure. */
static void find_segments(lua_State *L, host *h, int list_idx, size_t n,
                          const art_seg_view **segs)
{
    /* Lua memory, so a Lua error cannot leak it. */
    int64_t *ids = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ids, 0);
    size_t *at = lua_newuserdatauv(L, (n ? n : 1) * sizeof *at, 0);
    const art_seg_view **found = lua_newuserdatauv(L, (n ? n : 1) * sizeof *found, 0);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        segs[i] = NULL;
        if (lua_rawgeti(L, list_idx, (lua_Integer)i + 1) == LUA_TTABLE) {
            rawfield(L, -1, "segment");
            int isint = 0;
            lua_Integer id = lua_tointegerx(L, -1, &isint);
            lua_pop(L, 1);
            if (isint) {
                ids[k] = (int64_t)id;
                at[k++] = i;
            }
        }
        lua_pop(L, 1);
    }
    art_error e;
    art_error_clear(&e);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    art_status st = art_corpus_find_many(h->corpus, ids, k, found, &e);
    h->host_seconds += art_seconds_since(&t0);
    if (st != ART_OK)
        host_broken(L, h, &e);
    for (size_t j = 0; j < k; j++)
        segs[at[j]] = found[j];
    lua_pop(L, 3);
}

static size_t find_dimension(const art_rubric *r, const char *id)
{
    for (size_t i = 0; i < r->ndims; i++)
        if (strcmp(r->dims[i].id, id) == 0)
            return i;
    return (size_t)-1;
}

static void need_corpus(lua_State *L, const host *h, const char *fname)
{
    if (!h->rubric || !h->corpus)
        luaL_error(L, "art.%s is not available while a plugin is being described", fname);
}

/* Resolve a dimension id argument or raise. */
static const art_dimension *check_dimension(lua_State *L, host *h, int arg, const char *fname,
                                            size_t *index)
{
    const char *id = luaL_checkstring(L, arg);
    size_t i = find_dimension(h->rubric, id);
    if (i == (size_t)-1)
        raise(L, "art.%s: unknown dimension '%.64s'", fname, id);
    if (index)
        *index = i;
    return &h->rubric->dims[i];
}

static void set_str(lua_State *L, const char *key, const char *val)
{
    if (val) {
        lua_pushstring(L, val);
        lua_setfield(L, -2, key);
    }
}

static void set_int(lua_State *L, const char *key, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, key);
}

static void set_num(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static void set_level(lua_State *L, const char *key, art_level lv)
{
    if (lv != ART_LEVEL_NONE)
        set_str(L, key, art_level_id(lv));
}

/* Case-insensitive glob over code points: '*' matches any run, '/' included. */
static bool glob_match(const char *pat, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        unsigned pc = 0, sc = 0;
        size_t pk = *pat ? art_utf8_decode(pat, strlen(pat), &pc) : 0;
        size_t sk = art_utf8_decode(s, strlen(s), &sc);
        if (pk && pc == '*') {
            star = pat += pk;
            resume = s;
        } else if (pk && art_utf8_fold(pc) == art_utf8_fold(sc)) {
            pat += pk;
            s += sk;
        } else if (star) {
            unsigned rc;
            resume += art_utf8_decode(resume, strlen(resume), &rc);
            s = resume;
            pat = star;
        } else {
            return false;
        }
    }
    while (*pat == '*')
        pat++;
    return *pat == '\0';
}

/* Raw field read: a metatable on a plugin's table cannot run code here. */
static int rawfield(lua_State *L, int idx, const char *key)
{
    idx = lua_absindex(L, idx);
    lua_pushstring(L, key);
    return lua_rawget(L, idx);
}

/* ---- the art API ------------------------------------------------------------- */

static int api_rubric(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "rubric");
    const art_rubric *r = h->rubric;
    lua_createtable(L, 0, 4);
    set_str(L, "id", r->id);
    set_str(L, "version", r->version);
    set_str(L, "title", r->title);
    lua_createtable(L, (int)r->ndims, 0);
    for (size_t d = 0; d < r->ndims; d++) {
        const art_dimension *dim = &r->dims[d];
        lua_createtable(L, 0, 5);
        set_str(L, "id", dim->id);
        set_str(L, "name", dim->name);
        set_num(L, "target", dim->target);
        lua_createtable(L, (int)dim->nindicators, 0);
        for (size_t i = 0; i < dim->nindicators; i++) {
            const art_indicator *ind = &dim->indicators[i];
            lua_createtable(L, 0, 4);
            set_str(L, "phrase", ind->phrase);
            set_int(L, "direction", ind->direction);
            set_num(L, "weight", ind->weight);
            set_level(L, "level", ind->level);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "indicators");
        lua_createtable(L, (int)dim->ncodes, 0);
        for (size_t i = 0; i < dim->ncodes; i++) {
            lua_createtable(L, 0, 2);
            set_str(L, "pattern", dim->codes[i].pattern);
            set_int(L, "direction", dim->codes[i].direction);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "codes");
        lua_rawseti(L, -2, (lua_Integer)d + 1);
    }
    lua_setfield(L, -2, "dimensions");
    return 1;
}

static void push_string_array(lua_State *L, const char *const *v, size_t n)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        /* false keeps the array parallel where an entry is missing */
        if (v && v[i])
            lua_pushstring(L, v[i]);
        else
            lua_pushboolean(L, 0);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* Set field `key` (an SK_ index into the strings table at index strs) of
 * the table under the value just pushed. */
static void seg_field(lua_State *L, int strs, int key)
{
    lua_rawgeti(L, strs, key);
    lua_insert(L, -2);
    lua_rawset(L, -3);
}

static void seg_field_str(lua_State *L, int strs, int key, const char *val)
{
    if (val) {
        lua_pushstring(L, val);
        seg_field(L, strs, key);
    }
}

static void seg_field_int(lua_State *L, int strs, int key, lua_Integer v)
{
    lua_pushinteger(L, v);
    seg_field(L, strs, key);
}

/* A fresh table per segment, as docs/plugin-api.md promises: a plugin may
 * keep it, change it or iterate it with pairs.  Fields go in the order they
 * always did, so pairs() visits them as before. */
static void push_segment(lua_State *L, const art_seg_view *s, int strs)
{
    lua_createtable(L, 0, 18);
    seg_field_int(L, strs, SK_ID, (lua_Integer)s->id);
    lua_rawgeti(L, strs, s->kind == ART_SRC_INTERVIEW ? SK_INTERVIEW : SK_DOCUMENT_KIND);
    seg_field(L, strs, SK_KIND);
    seg_field_str(L, strs, SK_SOURCE, s->source);
    seg_field_str(L, strs, SK_DOCUMENT, s->document);
    seg_field_str(L, strs, SK_LOCATOR, s->locator);
    seg_field_str(L, strs, SK_BLOCK, s->block);
    seg_field_int(L, strs, SK_PARAGRAPH, s->paragraph);
    seg_field_int(L, strs, SK_SENTENCE, s->sentence);
    seg_field_int(L, strs, SK_START, s->start);
    seg_field_int(L, strs, SK_END, s->end);
    seg_field_str(L, strs, SK_TEXT, s->text ? s->text : "");
    seg_field_str(L, strs, SK_PARTICIPANT, s->participant);
    if (s->voice >= 0 && s->voice < ART_VOICE_COUNT)
        lua_rawgeti(L, strs, SK_VOICES + (int)s->voice);
    else
        lua_pushstring(L, art_voice_id(s->voice));
    seg_field(L, strs, SK_VOICE);
    if (s->level >= ART_LEVEL_ARTEFACT && s->level <= ART_LEVEL_ASSUMPTION) {
        lua_rawgeti(L, strs, SK_LEVELS + (int)s->level);
        seg_field(L, strs, SK_LEVEL);
    } else if (s->level != ART_LEVEL_NONE) {
        seg_field_str(L, strs, SK_LEVEL, art_level_id(s->level));
    }
    push_string_array(L, s->codes, s->ncodes);
    seg_field(L, strs, SK_CODES);
    push_string_array(L, s->coders, s->ncodes);
    seg_field(L, strs, SK_CODERS);
}

/* An art.segments() iterator's cursor, held by a userdata (its closure's
 * upvalue) so that a loop the plugin leaves early, or an error, still
 * closes it when the state collects or closes. */
typedef struct cursor_box {
    art_corpus_cursor *cur;
    bool coded;             /* art.segments{coded = true}: coded segments only */
} cursor_box;

static int cursor_gc(lua_State *L)
{
    cursor_box *box = lua_touserdata(L, 1);
    if (box) {
        art_corpus_cursor_close(box->cur);
        box->cur = NULL;
    }
    return 0;
}

static int segments_next(lua_State *L)
{
    host *h = api_enter(L);
    cursor_box *box = lua_touserdata(L, lua_upvalueindex(1));
    if (!box->cur)
        return 0;
    const art_seg_view *seg = NULL;
    art_error e;
    art_error_clear(&e);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    art_status st;
    /* With `coded`, segments without codes are passed over here: no Lua
     * table for the nine in ten a codes plugin has no use for.  This is
     * reading, the host's time like any step of the walk, and it ends at
     * the corpus's end. */
    while ((st = art_corpus_cursor_next(box->cur, &seg, &e)) == ART_OK && seg && box->coded &&
           seg->ncodes == 0)
        ;
    h->host_seconds += art_seconds_since(&t0);
    if (st != ART_OK)
        return host_broken(L, h, &e);
    if (!seg) {
        /* Done: give the batch memory back now, not at the next collection. */
        art_corpus_cursor_close(box->cur);
        box->cur = NULL;
        return 0;
    }
    push_segment(L, seg, lua_upvalueindex(2));
    return 1;
}

/* An options table (argument 1) has only these keys, or `fname` raises
 * the first other one. */
static void check_option_keys(lua_State *L, const char *const *keys, const char *fname)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || !in_list(keys, lua_tostring(L, -1)))
            raise(L, "%s: unknown option '%.40s'", fname, luaL_tolstring(L, -1, NULL));
    }
}

static const char *const SEGMENTS_KEYS[] = {"coded", NULL};

/* art.segments([{coded = true}]): the options, checked. */
static bool segments_read_opts(lua_State *L)
{
    if (lua_isnoneornil(L, 1))
        return false;
    check_option_keys(L, SEGMENTS_KEYS, "art.segments");
    int t = rawfield(L, 1, "coded");
    if (t != LUA_TNIL && t != LUA_TBOOLEAN)
        raise(L, "art.segments: coded must be true or false");
    bool coded = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return coded;
}

static int api_segments(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "segments");
    bool coded = segments_read_opts(L);
    cursor_box *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->cur = NULL;
    box->coded = coded;
    luaL_setmetatable(L, CURSOR_MT);
    art_error e;
    art_error_clear(&e);
    if (art_corpus_cursor_open(h->corpus, &box->cur, &e) != ART_OK)
        return host_broken(L, h, &e);
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->strings_ref);
    lua_pushcclosure(L, segments_next, 2);
    return 1;
}

static int api_segment_count(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "segment_count");
    lua_pushinteger(L, (lua_Integer)art_corpus_count(h->corpus));
    return 1;
}

/* One match table: indicator details from the rubric when `ind` is given,
 * else the phrase from the caller's list at stack index phrases_idx. */
static void push_match(lua_State *L, const art_match_ex *mx, size_t index,
                       const art_indicator *ind, const char *dimension, int phrases_idx)
{
    lua_createtable(L, 0, 10);
    if (dimension)
        set_str(L, "dimension", dimension);
    set_int(L, "indicator", (lua_Integer)index + 1);
    if (ind) {
        set_str(L, "phrase", ind->phrase);
        set_int(L, "direction", ind->direction);
        set_num(L, "weight", ind->weight);
        set_level(L, "level", ind->level);
    } else {
        lua_rawgeti(L, phrases_idx, (lua_Integer)index + 1);
        lua_setfield(L, -2, "phrase");
    }
    lua_pushboolean(L, mx->m.negated);
    lua_setfield(L, -2, "negated");
    lua_pushboolean(L, mx->hedged);
    lua_setfield(L, -2, "hedged");
    set_int(L, "start", mx->m.start);
    set_int(L, "end", mx->m.end);
}

/* Push the array of match tables; `dim` gives indicator details or NULL. */
static void push_matches(lua_State *L, const art_match_ex *vx, size_t n,
                         const art_dimension *dim, int phrases_idx)
{
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        size_t k = vx[i].m.indicator;
        push_match(L, &vx[i], k, dim ? &dim->indicators[k] : NULL, NULL, phrases_idx);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static art_matcher *dimension_matcher(lua_State *L, host *h, size_t d)
{
    if (h->dim_matchers[d])
        return h->dim_matchers[d];
    const art_dimension *dim = &h->rubric->dims[d];
    const char **phrases = malloc(dim->nindicators * sizeof *phrases);
    if (!phrases)
        luaL_error(L, "art.match: out of memory");
    for (size_t i = 0; i < dim->nindicators; i++)
        phrases[i] = dim->indicators[i].phrase;
    art_error err;
    art_error_clear(&err);
    art_status st = art_matcher_new(phrases, dim->nindicators, &h->dim_matchers[d], &err);
    free(phrases);
    if (st != ART_OK)
        luaL_error(L, "art.match: dimension '%s': %s", dim->id, err.message);
    return h->dim_matchers[d];
}

/* One automaton over every dimension's phrases: a plugin that scores all
 * dimensions reads each text once instead of once per dimension. */
static art_matcher *all_dimensions_matcher(lua_State *L, host *h)
{
    if (h->all_matcher)
        return h->all_matcher;
    size_t n = 0;
    for (size_t d = 0; d < h->rubric->ndims; d++)
        n += h->rubric->dims[d].nindicators;
    const char **phrases = malloc((n ? n : 1) * sizeof *phrases);
    h->all_dim = malloc((n ? n : 1) * sizeof *h->all_dim);
    h->all_ind = malloc((n ? n : 1) * sizeof *h->all_ind);
    if (!phrases || !h->all_dim || !h->all_ind) {
        free(phrases);
        luaL_error(L, "art.match_all: out of memory");
    }
    size_t k = 0;
    for (size_t d = 0; d < h->rubric->ndims; d++)
        for (size_t i = 0; i < h->rubric->dims[d].nindicators; i++, k++) {
            phrases[k] = h->rubric->dims[d].indicators[i].phrase;
            h->all_dim[k] = d;
            h->all_ind[k] = i;
        }
    art_error err;
    art_error_clear(&err);
    art_status st = art_matcher_new(phrases, n, &h->all_matcher, &err);
    free(phrases);
    if (st != ART_OK)
        luaL_error(L, "art.match_all: %s", err.message);
    return h->all_matcher;
}

/* art.match_all(text): the matches of every dimension, each with its
 * `dimension` id; otherwise as art.match. */
static int api_match_all(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "match_all");
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    art_matcher *m = all_dimensions_matcher(L, h);
    guard *g = guard_push(L);
    size_t n = 0;
    art_error err;
    art_error_clear(&err);
    if (art_matcher_run_ex(m, text, len, &g->matches, &n, &err) != ART_OK)
        return luaL_error(L, "art.match_all: %s", err.message);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        size_t k = g->matches[i].m.indicator;
        const art_dimension *dim = &h->rubric->dims[h->all_dim[k]];
        push_match(L, &g->matches[i], h->all_ind[k], &dim->indicators[h->all_ind[k]], dim->id,
                   0);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(g->matches);
    g->matches = NULL;
    return 1;
}

/* ---- art.tally ------------------------------------------------------------ */

#define TALLY_MAX_SKIP 16
static const char *const TALLY_KEYS[] = {"skip_blocks", "hedge", "evidence", NULL};

typedef struct tally_opts {
    const char *skip[TALLY_MAX_SKIP];
    size_t nskip;
    double hedge;
    size_t limit;
} tally_opts;

/* Read art.tally's options table (argument 1, optional) into o.  The
 * strings stay alive: the options table holds them. */
static void tally_read_opts(lua_State *L, const host *h, tally_opts *o)
{
    o->nskip = 0;
    o->hedge = 1;
    o->limit = h->lim.max_evidence;
    if (lua_isnoneornil(L, 1))
        return;
    check_option_keys(L, TALLY_KEYS, "art.tally");
    int t = rawfield(L, 1, "skip_blocks");
    if (t == LUA_TTABLE) {
        lua_Unsigned n = lua_rawlen(L, -1);
        if (n > TALLY_MAX_SKIP)
            raise(L, "art.tally: skip_blocks lists more than %d blocks", TALLY_MAX_SKIP);
        for (lua_Unsigned i = 0; i < n; i++) {
            if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
                raise(L, "art.tally: skip_blocks entry %d is not a string", (int)i + 1);
            o->skip[o->nskip++] = lua_tostring(L, -1);
            lua_pop(L, 1);
        }
    } else if (t != LUA_TNIL) {
        raise(L, "art.tally: skip_blocks must be a list of block names");
    }
    lua_pop(L, 1);
    t = rawfield(L, 1, "hedge");
    if (t == LUA_TNUMBER) {
        o->hedge = lua_tonumber(L, -1);
        /* 0 would make evidence weigh nothing, which art.emit refuses. */
        if (!(o->hedge > 0 && o->hedge <= 1))
            raise(L, "art.tally: hedge must be more than 0 and at most 1");
    } else if (t != LUA_TNIL) {
        raise(L, "art.tally: hedge must be a number");
    }
    lua_pop(L, 1);
    t = rawfield(L, 1, "evidence");
    if (t != LUA_TNIL) {
        int isint = 0;
        lua_Integer n = lua_tointegerx(L, -1, &isint);
        if (!isint || n < 0)
            raise(L, "art.tally: evidence must be an integer >= 0");
        /* More than art.emit takes would only be cut there. */
        if ((lua_Unsigned)n < h->lim.max_evidence)
            o->limit = (size_t)n;
    }
    lua_pop(L, 1);
}

/* The tally's budget check, every few hundred segments: the walk runs in C,
 * where no instruction hook fires, so the clock is read here. */
static bool tally_keep_going(void *ud)
{
    host *h = ud;
    budget_update(h);
    return h->budget == BUDGET_OK;
}

static void push_tally_cell(lua_State *L, const art_tally_cell *c)
{
    lua_createtable(L, 0, 4);
    set_num(L, "pos", c->pos);
    set_num(L, "neg", c->neg);
    set_int(L, "matches", (lua_Integer)c->matches);
    lua_createtable(L, (int)c->nhits, 0);
    for (size_t i = 0; i < c->nhits; i++) {
        const art_tally_hit *e = &c->hits[i];
        lua_createtable(L, 0, 5);
        set_int(L, "segment", (lua_Integer)e->segment);
        set_str(L, "indicator", e->phrase);
        set_int(L, "direction", e->direction);
        set_num(L, "weight", e->weight);
        set_level(L, "level", e->level);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "evidence");
}

/* art.tally([opts]): every dimension's phrases counted over the whole
 * corpus in one walk, in C.  Returns t[dimension id][facet] = {pos, neg,
 * matches, evidence}, for the cells with at least one match; evidence is
 * ready for art.emit.  See docs/plugin-api.md. */
static int api_tally(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "tally");
    tally_opts o;
    tally_read_opts(L, h, &o);
    art_matcher *m = all_dimensions_matcher(L, h);
    size_t np = 0, ndims = h->rubric->ndims;
    for (size_t d = 0; d < ndims; d++)
        np += h->rubric->dims[d].nindicators;
    guard *g = guard_push(L);
    g->phrases = calloc(np ? np : 1, sizeof *g->phrases);
    g->cells = calloc(ndims ? ndims * 2 : 1, sizeof *g->cells);
    if (!g->phrases || !g->cells)
        return luaL_error(L, "art.tally: out of memory");
    g->ncells = ndims * 2;
    for (size_t k = 0; k < np; k++) {
        const art_indicator *ind = &h->rubric->dims[h->all_dim[k]].indicators[h->all_ind[k]];
        g->phrases[k] = (art_tally_phrase){.text = ind->phrase, .group = h->all_dim[k],
                                           .direction = ind->direction, .weight = ind->weight,
                                           .level = ind->level};
    }
    art_tally_spec sp = {.matcher = m, .phrases = g->phrases, .nphrases = np, .ngroups = ndims,
                         .hedge = o.hedge, .limit = o.limit, .skip_blocks = o.skip,
                         .nskip = o.nskip, .keep_going = tally_keep_going, .ud = h};
    art_error e;
    art_error_clear(&e);
    art_status st = art_tally_run(h->corpus, &sp, g->cells, &h->host_seconds, &e);
    if (st != ART_OK) {
        if (h->budget != BUDGET_OK)
            return budget_raise(L, h);
        if (st == ART_ERR_NOMEM)
            return luaL_error(L, "art.tally: out of memory");
        return host_broken(L, h, &e);
    }
    lua_createtable(L, 0, (int)ndims);
    for (size_t d = 0; d < ndims; d++) {
        const art_tally_cell *c = &g->cells[d * 2];
        if (!c[0].matches && !c[1].matches)
            continue;
        lua_createtable(L, 0, 2);
        if (c[0].matches) {
            push_tally_cell(L, &c[0]);
            lua_setfield(L, -2, art_facet_id(ART_FACET_ESPOUSED));
        }
        if (c[1].matches) {
            push_tally_cell(L, &c[1]);
            lua_setfield(L, -2, art_facet_id(ART_FACET_ENACTED));
        }
        lua_setfield(L, -2, h->rubric->dims[d].id);
    }
    /* Give the C memory back now, not when the guard is collected. */
    free(g->phrases);
    art_tally_cells_free(g->cells, g->ncells);
    g->phrases = NULL;
    g->cells = NULL;
    g->ncells = 0;
    return 1;
}

static int api_match(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "match");
    size_t d;
    const art_dimension *dim = check_dimension(L, h, 1, "match", &d);
    size_t len;
    const char *text = luaL_checklstring(L, 2, &len);
    if (dim->nindicators == 0) {
        lua_newtable(L);
        return 1;
    }
    art_matcher *m = dimension_matcher(L, h, d);
    guard *g = guard_push(L);
    size_t n = 0;
    art_error err;
    art_error_clear(&err);
    if (art_matcher_run_ex(m, text, len, &g->matches, &n, &err) != ART_OK)
        return luaL_error(L, "art.match: %s", err.message);
    push_matches(L, g->matches, n, dim, 0);
    free(g->matches);
    g->matches = NULL;
    return 1;
}

static int api_match_phrases(lua_State *L)
{
    api_enter(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t len;
    const char *text = luaL_checklstring(L, 2, &len);
    lua_Unsigned n = lua_rawlen(L, 1);
    if (n == 0 || n > MAX_MATCH_PHRASES)
        return luaL_error(L, "art.match_phrases: needs 1 to %d phrases", MAX_MATCH_PHRASES);
    const char **phrases = lua_newuserdatauv(L, (size_t)n * sizeof *phrases, 0);
    for (lua_Unsigned i = 0; i < n; i++) {
        if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TSTRING)
            return luaL_error(L, "art.match_phrases: phrase %d is not a string", (int)i + 1);
        /* The string stays alive: the phrases table (argument 1) holds it. */
        phrases[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    guard *g = guard_push(L);
    art_error err;
    art_error_clear(&err);
    if (art_matcher_new(phrases, (size_t)n, &g->matcher, &err) != ART_OK)
        return luaL_error(L, "art.match_phrases: %s", err.message);
    size_t nm = 0;
    if (art_matcher_run_ex(g->matcher, text, len, &g->matches, &nm, &err) != ART_OK)
        return luaL_error(L, "art.match_phrases: %s", err.message);
    push_matches(L, g->matches, nm, NULL, 1);
    art_matcher_free(g->matcher);
    free(g->matches);
    g->matcher = NULL;
    g->matches = NULL;
    return 1;
}

/* +1 or -1 when a part of the code's path names its pole the way the CLS
 * codebook does ("Toward CLS", "Toward low pole"), else 0. */
static int explicit_pole(const char *code)
{
    static const struct { const char *name; int dir; } poles[] = {
        {"toward cls", 1}, {"towards cls", 1}, {"toward low pole", -1}, {"towards low pole", -1}};
    const char *part = code;
    for (const char *p = code;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        size_t n = (size_t)(p - part);
        for (size_t k = 0; k < sizeof poles / sizeof poles[0]; k++)
            if (strlen(poles[k].name) == n && strncasecmp(part, poles[k].name, n) == 0)
                return poles[k].dir;
        if (*p == '\0')
            return 0;
        part = p + 1;
    }
}

static int api_code_direction(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "code_direction");
    const art_dimension *dim = check_dimension(L, h, 1, "code_direction", NULL);
    const char *code = luaL_checkstring(L, 2);
    for (size_t i = 0; i < dim->ncodes; i++) {
        if (dim->codes[i].pattern && glob_match(dim->codes[i].pattern, code)) {
            /* A keyword pattern ("*delegat*") says which dimension a code
             * speaks to; when the code's own path names its pole, the analyst
             * has already said which way it points ("Distributed leadership/
             * Toward low pole/not delegated" is not delegation). */
            int pole = explicit_pole(code);
            lua_pushinteger(L, pole ? pole : dim->codes[i].direction);
            return 1;
        }
    }
    lua_pushnil(L);
    return 1;
}

static int api_log(lua_State *L)
{
    /* Accepted for plugin authors' convenience; nothing is written anywhere. */
    api_enter(L);
    luaL_checkstring(L, 1);
    return 0;
}

/* ---- art.emit -------------------------------------------------------------- */

static void emit_free(art_emit *e)
{
    if (!e)
        return;
    free(e->dimension);
    for (size_t i = 0; i < e->nev; i++) {
        art_evidence *v = &e->ev[i];
        free(v->source);
        free(v->locator);
        free(v->quote);
        free(v->participant);
        free(v->indicator);
    }
    free(e->ev);
    memset(e, 0, sizeof *e);
}

static const char *const EMIT_KEYS[] = {"dimension", "facet", "score", "weight", "evidence", NULL};
static const char *const EVIDENCE_KEYS[] = {"segment", "indicator", "direction", "level",
                                            "weight", NULL};

/* Strict tables: every key must be one of `allowed`. */
static void check_keys(lua_State *L, int idx, const char *const *allowed, const char *what)
{
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            host_fail(L, ART_ERR_PLUGIN, "art.emit: %s has a key of type %s", what,
                      luaL_typename(L, -1));
        if (!in_list(allowed, lua_tostring(L, -1)))
            host_fail(L, ART_ERR_PLUGIN, "art.emit: %s has unknown key '%.40s'", what,
                      lua_tostring(L, -1));
    }
}

static double field_number(lua_State *L, int idx, const char *key, bool required, double dflt,
                           const char *what)
{
    int t = rawfield(L, idx, key);
    double v = dflt;
    if (t == LUA_TNUMBER)
        v = lua_tonumber(L, -1);
    else if (t != LUA_TNIL || required)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s field '%s' must be a number", what, key);
    lua_pop(L, 1);
    return v;
}

static char *dup_or_fail(lua_State *L, const char *s)
{
    char *d = art_strdup(s);
    if (s && !d)
        host_fail(L, ART_ERR_NOMEM, "art.emit: out of memory");
    return d;
}

static art_facet segment_facet(const art_seg_view *s)
{
    return s->kind == ART_SRC_INTERVIEW ? ART_FACET_ENACTED : ART_FACET_ESPOUSED;
}

/* Read evidence item at the top of the stack into ev, filling the quote and
 * its context from the corpus (seg: the segment it names, or NULL), never
 * from the plugin. */
static void read_evidence(lua_State *L, const art_seg_view *seg, art_evidence *ev, size_t i)
{
    int idx = lua_gettop(L);
    char what[48];
    snprintf(what, sizeof what, "evidence %zu", i + 1);
    if (!lua_istable(L, idx))
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s is not a table", what);
    check_keys(L, idx, EVIDENCE_KEYS, what);
    rawfield(L, idx, "segment");
    int isint = 0;
    lua_Integer id = lua_tointegerx(L, -1, &isint);
    lua_pop(L, 1);
    if (!isint)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s field 'segment' must be an integer id", what);
    if (!seg)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s names unknown segment %lld", what,
                  (long long)id);
    if (rawfield(L, idx, "indicator") != LUA_TSTRING)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s field 'indicator' must be a string", what);
    if (lua_rawlen(L, -1) > MAX_INDICATOR_BYTES)
        host_fail(L, ART_ERR_LIMIT, "art.emit: %s field 'indicator' is longer than %d bytes", what,
                  MAX_INDICATOR_BYTES);
    ev->indicator = dup_or_fail(L, lua_tostring(L, -1));
    lua_pop(L, 1);
    double dir = field_number(L, idx, "direction", true, 0, what);
    if (dir != 1 && dir != -1)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s field 'direction' must be 1 or -1", what);
    ev->direction = (int)dir;
    ev->weight = field_number(L, idx, "weight", false, 1, what);
    if (!isfinite(ev->weight) || ev->weight <= 0)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s field 'weight' must be > 0", what);
    ev->level = seg->level;
    int t = rawfield(L, idx, "level");
    if (t == LUA_TSTRING) {
        ev->level = art_level_from_id(lua_tostring(L, -1));
        if (ev->level == ART_LEVEL_NONE)
            host_fail(L, ART_ERR_PLUGIN, "art.emit: %s has unknown level '%.32s'", what,
                      lua_tostring(L, -1));
    } else if (t != LUA_TNIL) {
        host_fail(L, ART_ERR_PLUGIN, "art.emit: %s field 'level' must be a string", what);
    }
    lua_pop(L, 1);
    ev->segment_id = seg->id;
    ev->source = dup_or_fail(L, seg->source);
    ev->locator = dup_or_fail(L, seg->locator);
    ev->quote = dup_or_fail(L, seg->text ? seg->text : "");
    ev->participant = dup_or_fail(L, seg->participant);
    ev->voice = seg->voice;
    ev->facet = segment_facet(seg);
}

static void check_emit_dimension(lua_State *L, host *h, const char *dim)
{
    if (find_dimension(h->rubric, dim) == (size_t)-1)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: unknown dimension '%.64s'", dim);
    if (h->all_dims)
        return;
    for (size_t i = 0; i < h->res->ndimensions; i++)
        if (strcmp(h->res->dimensions[i], dim) == 0)
            return;
    host_fail(L, ART_ERR_PLUGIN, "art.emit: dimension '%.64s' is not declared by the plugin", dim);
}

static void read_evidence_list(lua_State *L, host *h, art_emit *e)
{
    int t = rawfield(L, 1, "evidence");
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (t != LUA_TTABLE)
        host_fail(L, ART_ERR_PLUGIN, "art.emit: field 'evidence' must be an array");
    int idx = lua_gettop(L);
    size_t n = (size_t)lua_rawlen(L, idx);
    if (n > h->lim.max_evidence)
        host_fail(L, ART_ERR_LIMIT, "art.emit: %zu evidence items, at most %zu allowed", n,
                  h->lim.max_evidence);
    if (n > MAX_TOTAL_EVIDENCE - h->total_evidence)
        host_fail(L, ART_ERR_LIMIT, "art.emit: more than %zu evidence items in all",
                  MAX_TOTAL_EVIDENCE);
    h->total_evidence += n;
    if (n > 0) {
        e->ev = calloc(n, sizeof *e->ev);
        if (!e->ev)
            host_fail(L, ART_ERR_NOMEM, "art.emit: out of memory");
        e->nev = n;
    }
    const art_seg_view **segs = lua_newuserdatauv(L, (n ? n : 1) * sizeof *segs, 0);
    find_segments(L, h, idx, n, segs);
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, idx, (lua_Integer)i + 1);
        read_evidence(L, segs[i], &e->ev[i], i);
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
}

static void keep_emit(lua_State *L, host *h, guard *g)
{
    if (h->nemits == h->emit_cap) {
        size_t cap = h->emit_cap ? h->emit_cap * 2 : 8;
        art_emit *p = realloc(h->emits, cap * sizeof *p);
        if (!p)
            host_fail(L, ART_ERR_NOMEM, "art.emit: out of memory");
        h->emits = p;
        h->emit_cap = cap;
    }
    h->emits[h->nemits++] = *g->emit;
    free(g->emit);
    g->emit = NULL;
}

static int api_emit(lua_State *L)
{
    host *h = api_enter(L);
    need_corpus(L, h, "emit");
    if (!lua_istable(L, 1))
        return host_fail(L, ART_ERR_PLUGIN, "art.emit: expects a table");
    lua_settop(L, 1);
    if (h->nemits >= h->lim.max_emits)
        return host_fail(L, ART_ERR_LIMIT, "art.emit: more than %zu emits", h->lim.max_emits);
    check_keys(L, 1, EMIT_KEYS, "emit");
    guard *g = guard_push(L);
    g->emit = calloc(1, sizeof *g->emit);
    if (!g->emit)
        return host_fail(L, ART_ERR_NOMEM, "art.emit: out of memory");
    art_emit *e = g->emit;
    if (rawfield(L, 1, "dimension") != LUA_TSTRING)
        return host_fail(L, ART_ERR_PLUGIN, "art.emit: field 'dimension' must be a string");
    check_emit_dimension(L, h, lua_tostring(L, -1));
    e->dimension = dup_or_fail(L, lua_tostring(L, -1));
    lua_pop(L, 1);
    const char *facet = rawfield(L, 1, "facet") == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strcmp(facet, "espoused") == 0)
        e->facet = ART_FACET_ESPOUSED;
    else if (strcmp(facet, "enacted") == 0)
        e->facet = ART_FACET_ENACTED;
    else
        return host_fail(L, ART_ERR_PLUGIN, "art.emit: field 'facet' must be \"espoused\" or \"enacted\"");
    lua_pop(L, 1);
    e->score = field_number(L, 1, "score", true, 0, "emit");
    if (!isfinite(e->score) || e->score < 0 || e->score > 100)
        return host_fail(L, ART_ERR_PLUGIN, "art.emit: score %g is outside 0..100", e->score);
    e->weight = field_number(L, 1, "weight", true, 0, "emit");
    if (!isfinite(e->weight) || e->weight <= 0)
        return host_fail(L, ART_ERR_PLUGIN, "art.emit: weight must be a finite number > 0");
    read_evidence_list(L, h, e);
    keep_emit(L, h, g);
    return 0;
}

static const luaL_Reg ART_FUNCS[] = {
    {"rubric", api_rubric},
    {"segments", api_segments},
    {"segment_count", api_segment_count},
    {"match", api_match},
    {"match_all", api_match_all},
    {"match_phrases", api_match_phrases},
    {"tally", api_tally},
    {"code_direction", api_code_direction},
    {"emit", api_emit},
    {"log", api_log},
    {NULL, NULL}};

static void register_art(lua_State *L)
{
    host *h = host_of(L);
    lua_createtable(L, 0, 10);
    luaL_setfuncs(L, ART_FUNCS, 0);
    lua_pushliteral(L, ART_VERSION);
    lua_setfield(L, -2, "version");
    lua_pushvalue(L, -1);
    lua_setglobal(L, "art");
    h->art_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ---- metadata ----------------------------------------------------------- */

static const char *const META_KEYS[] = {"name", "version", "description", "dimensions", "run",
                                        NULL};

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > MAX_NAME_LEN)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static const char *meta_string(lua_State *L, const char *key)
{
    if (rawfield(L, 1, key) != LUA_TSTRING)
        luaL_error(L, "metadata '%s' must be a string", key);
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1);   /* still referenced by the plugin table */
    return s;
}

static char *meta_dup(lua_State *L, const char *s)
{
    char *d = art_strdup(s);
    if (!d)
        luaL_error(L, "out of memory reading metadata");
    return d;
}

static void read_meta_dimensions(lua_State *L, host *h)
{
    art_plugin_result *res = h->res;
    if (rawfield(L, 1, "dimensions") != LUA_TTABLE)
        luaL_error(L, "metadata 'dimensions' must be an array of dimension ids");
    size_t n = (size_t)lua_rawlen(L, -1);
    if (n == 0 || n > 1000)
        luaL_error(L, "metadata 'dimensions' must list 1 to 1000 dimension ids");
    res->dimensions = calloc(n, sizeof *res->dimensions);
    if (!res->dimensions)
        luaL_error(L, "out of memory reading metadata");
    for (size_t i = 0; i < n; i++) {
        if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
            luaL_error(L, "metadata 'dimensions' entry %d is not a string", (int)i + 1);
        size_t len;
        const char *id = lua_tolstring(L, -1, &len);
        bool star = strcmp(id, "*") == 0;
        if (!star && !valid_name(id, len))
            luaL_error(L, "metadata 'dimensions' entry %d is not a dimension id", (int)i + 1);
        if (star && n != 1)
            luaL_error(L, "metadata 'dimensions': \"*\" must be the only entry");
        h->all_dims = star;
        res->dimensions[i] = meta_dup(L, id);
        res->ndimensions = i + 1;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* Protected: validate the table the chunk returned (argument 1).  Raw access
 * only, so a metatable on the plugin's table cannot run code here. */
static int read_metadata(lua_State *L)
{
    host *h = host_of(L);
    art_plugin_result *res = h->res;
    if (!lua_istable(L, 1))
        return luaL_error(L, "plugin must return a table, not a %s", luaL_typename(L, 1));
    if (lua_getmetatable(L, 1))
        return luaL_error(L, "plugin table must not have a metatable");
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            return luaL_error(L, "metadata key of type %s", luaL_typename(L, -1));
        if (!in_list(META_KEYS, lua_tostring(L, -1)))
            return raise(L, "unknown metadata key '%.40s'", lua_tostring(L, -1));
    }
    const char *name = meta_string(L, "name");
    if (!valid_name(name, strlen(name)))
        return luaL_error(L, "metadata 'name' must be 1-%d characters of a-z 0-9 _ -",
                          MAX_NAME_LEN);
    char *nm = meta_dup(L, name);
    free(res->name);
    res->name = nm;
    res->version = meta_dup(L, meta_string(L, "version"));
    res->description = meta_dup(L, meta_string(L, "description"));
    read_meta_dimensions(L, h);
    if (rawfield(L, 1, "run") != LUA_TFUNCTION)
        return luaL_error(L, "metadata 'run' must be a function");
    return 0;
}

/* Protected: call plugin.run(art). */
static int call_run(lua_State *L)
{
    host *h = host_of(L);
    rawfield(L, 1, "run");   /* the table has no metatable: checked */
    lua_rawgeti(L, LUA_REGISTRYINDEX, h->art_ref);
    lua_call(L, 1, 0);
    return 0;
}

/* ---- running ----------------------------------------------------------- */

static int message_handler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            msg = lua_tostring(L, -1);
        else
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* "label: first line of msg", cut to ERROR_LINE_MAX on a UTF-8 boundary. */
static char *error_line(const char *label, const char *msg)
{
    char line[ERROR_LINE_MAX + 1];
    int k = snprintf(line, sizeof line, "%s: ", label);
    size_t used = k > 0 ? (size_t)k : 0;
    if (used >= sizeof line)
        used = sizeof line - 1;
    size_t room = sizeof line - 1 - used;
    size_t n = strcspn(msg ? msg : "", "\r\n");
    if (n > room) {
        n = room;
        while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0)
        memcpy(line + used, msg, n);
    line[used + n] = '\0';
    return art_strdup(line);
}

static const char *label_of(const host *h)
{
    return h->res->name ? h->res->name : "plugin";
}

/* Decide the status and message of a failed (or budget-breaking) run. */
static void record_failure(host *h, int lua_status, const char *msg)
{
    art_plugin_result *res = h->res;
    char buf[128];
    art_status st = ART_ERR_PLUGIN;
    if (h->budget == BUDGET_INSTRUCTIONS) {
        st = ART_ERR_LIMIT;
        snprintf(buf, sizeof buf, "instruction budget of %lld exceeded", h->lim.max_instructions);
        msg = buf;
    } else if (h->budget == BUDGET_TIME) {
        st = ART_ERR_LIMIT;
        snprintf(buf, sizeof buf, "time budget of %g s exceeded", h->lim.max_seconds);
        msg = buf;
    } else if (h->budget == BUDGET_HOST) {
        st = h->host_status;
        msg = h->host_msg;
    } else if (h->fail_status != ART_OK) {
        st = h->fail_status;
        msg = h->fail_msg;
    } else if (lua_status == LUA_ERRMEM ||
               (h->mem_refused && msg && strstr(msg, "not enough memory"))) {
        st = ART_ERR_LIMIT;
        snprintf(buf, sizeof buf, "memory budget of %zu bytes exceeded", h->lim.max_memory);
        msg = buf;
    }
    res->status = st;
    free(res->error);
    res->error = error_line(label_of(h), msg ? msg : "unknown error");
}

/* Call fn(arg at stack index argidx or none) protected; on error record it. */
static bool protected_call(lua_State *L, host *h, lua_CFunction fn, int argidx)
{
    lua_pushcfunction(L, fn);
    int nargs = 0;
    if (argidx) {
        lua_pushvalue(L, argidx);
        nargs = 1;
    }
    int rc = lua_pcall(L, nargs, 0, 1);
    if (rc != LUA_OK) {
        record_failure(h, rc, lua_tostring(L, -1));
        lua_pop(L, 1);
        return false;
    }
    return true;
}

static bool load_chunk(lua_State *L, host *h, const char *code, size_t len, const char *chunkname)
{
    if (len > 0 && code[0] == LUA_SIGNATURE[0]) {
        record_failure(h, LUA_ERRSYNTAX, "precompiled (bytecode) plugins are refused: ship Lua source");
        return false;
    }
    char name[128];
    const char *base = strrchr(chunkname, '/');
    snprintf(name, sizeof name, "=%s", base ? base + 1 : chunkname);
    int rc = luaL_loadbufferx(L, code, len, name, "t");
    if (rc == LUA_OK)
        rc = lua_pcall(L, 0, 1, 1);
    if (rc != LUA_OK) {
        record_failure(h, rc, lua_tostring(L, -1));
        lua_pop(L, 1);
        return false;
    }
    return true;
}

/* Did the plugin break a budget or the API rules yet carry on? */
static bool caught_failure(host *h)
{
    if (h->budget != BUDGET_OK || h->fail_status != ART_OK) {
        record_failure(h, LUA_OK, NULL);
        return true;
    }
    return false;
}

static void host_release(host *h)
{
    for (size_t i = 0; i < h->nemits; i++)
        emit_free(&h->emits[i]);
    free(h->emits);
    h->emits = NULL;
    h->nemits = 0;
    if (h->dim_matchers) {
        for (size_t i = 0; i < h->rubric->ndims; i++)
            art_matcher_free(h->dim_matchers[i]);
        free(h->dim_matchers);
    }
    art_matcher_free(h->all_matcher);
    free(h->all_dim);
    free(h->all_ind);
    h->all_matcher = NULL;
    h->all_dim = h->all_ind = NULL;
}

static void close_state(lua_State *L, host *h)
{
    /* Finalizers run on close: make sure none of them can loop. */
    h->budget = h->budget == BUDGET_OK ? BUDGET_CLOSING : h->budget;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
    lua_close(L);
}

static art_status execute(const char *code, size_t len, const char *chunkname, bool call,
                          host *h, art_error *err)
{
    art_plugin_result *res = h->res;
    clock_gettime(CLOCK_MONOTONIC, &h->t0);
    if (h->rubric) {
        h->dim_matchers = calloc(h->rubric->ndims ? h->rubric->ndims : 1, sizeof *h->dim_matchers);
        if (!h->dim_matchers)
            return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", chunkname);
    }
    lua_State *L = lua_newstate(host_alloc, h);
    if (!L) {
        host_release(h);
        return art_error_set(err, ART_ERR_NOMEM, "%s: cannot create a Lua state", chunkname);
    }
    /* Scoring makes a short-lived table per segment and per match; the
     * generational collector frees them young instead of re-marking the
     * long-lived tallies on every incremental cycle.  Plugins cannot see or
     * change the mode (collectgarbage is not in the sandbox). */
    lua_gc(L, LUA_GCGEN, 0, 0);
    lua_pushcfunction(L, message_handler);      /* stack index 1 */
    bool ok = protected_call(L, h, open_sandbox, 0);
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    ok = ok && load_chunk(L, h, code, len, chunkname);   /* plugin table at index 2 */
    ok = ok && protected_call(L, h, read_metadata, 2);
    if (ok && call)
        ok = protected_call(L, h, call_run, 2);
    if (ok)
        ok = !caught_failure(h);
    if (ok && h->nemits > 0) {
        res->emits = h->emits;
        res->nemits = h->nemits;
        h->emits = NULL;
        h->nemits = 0;
    }
    res->instructions = h->instructions;
    bool host_failed = h->budget == BUDGET_HOST;
    close_state(L, h);
    res->peak_memory = h->mem_peak;
    host_release(h);
    if (host_failed)
        return art_error_set(err, h->host_status, "plugin %s: %s", label_of(h), h->host_msg);
    if (ok)
        res->status = ART_OK;
    return ART_OK;
}

/* File name without directory and ".lua": the name until metadata says. */
static char *fallback_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (art_str_ends_with_ci(base, ".lua") && n > 4)
        n -= 4;
    return art_strndup(base, n);
}

static art_status result_init(art_plugin_result *out, const char *path, art_error *err)
{
    memset(out, 0, sizeof *out);
    out->path = art_strdup(path);
    out->name = fallback_name(path);
    if (!out->path || !out->name) {
        art_plugin_result_clear(out);
        return art_error_set(err, ART_ERR_NOMEM, "%s: out of memory", path);
    }
    out->status = ART_ERR_PLUGIN;
    return ART_OK;
}

static void host_init(host *h, const art_rubric *rubric, const art_corpus *corpus,
                      const art_plugin_limits *lim, art_plugin_result *out)
{
    memset(h, 0, sizeof *h);
    h->rubric = rubric;
    h->corpus = corpus;
    if (lim)
        h->lim = *lim;
    else
        art_plugin_limits_default(&h->lim);
    h->res = out;
    h->art_ref = LUA_NOREF;
    h->strings_ref = LUA_NOREF;
}

art_status art_plugin_run_buffer(const char *code, size_t len, const char *chunkname,
                                 const art_rubric *rubric, const art_corpus *corpus,
                                 const art_plugin_limits *lim, art_plugin_result *out,
                                 art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "plugin run without a result");
    memset(out, 0, sizeof *out);
    if (!code || !chunkname || !rubric || !corpus)
        return art_error_set(err, ART_ERR_USAGE, "plugin run needs code, a name, a rubric and a corpus");
    art_status st = result_init(out, chunkname, err);
    if (st != ART_OK)
        return st;
    art_sha256_hex(code, len, out->sha256);
    host h;
    host_init(&h, rubric, corpus, lim, out);
    return execute(code, len, chunkname, true, &h, err);
}

/* Read the plugin file; a missing file is the plugin's failure, not the host's. */
static bool read_plugin_file(const char *path, art_plugin_result *out, char **data, size_t *len)
{
    art_error ferr;
    art_error_clear(&ferr);
    art_status st = art_read_file(path, MAX_PLUGIN_BYTES, data, len, &ferr);
    if (st == ART_OK)
        return true;
    out->status = st;
    out->error = art_strdup(ferr.message);
    return false;
}

/* Read a plugin file and execute it: run it (call) or only read its
 * metadata.  A missing or unreadable file is the plugin's failure, in out. */
static art_status run_file(const char *path, const art_rubric *rubric, const art_corpus *corpus,
                           const art_plugin_limits *lim, bool call, art_plugin_result *out,
                           art_error *err)
{
    art_status st = result_init(out, path, err);
    if (st != ART_OK)
        return st;
    char *code = NULL;
    size_t len = 0;
    if (!read_plugin_file(path, out, &code, &len))
        return ART_OK;
    art_sha256_hex(code, len, out->sha256);
    host h;
    host_init(&h, rubric, corpus, lim, out);
    st = execute(code, len, path, call, &h, err);
    free(code);
    /* What art.tally pinned was for this plugin's evidence. */
    art_corpus_pins_clear(corpus);
    return st;
}

art_status art_plugin_run(const char *path, const art_rubric *rubric, const art_corpus *corpus,
                          const art_plugin_limits *lim, art_plugin_result *out, art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "plugin run without a result");
    memset(out, 0, sizeof *out);
    if (!path || !rubric || !corpus)
        return art_error_set(err, ART_ERR_USAGE, "plugin run needs a path, a rubric and a corpus");
    return run_file(path, rubric, corpus, lim, true, out, err);
}

art_status art_plugin_describe(const char *path, const art_plugin_limits *lim,
                               art_plugin_result *out, art_error *err)
{
    if (!out)
        return art_error_set(err, ART_ERR_USAGE, "plugin describe without a result");
    memset(out, 0, sizeof *out);
    if (!path)
        return art_error_set(err, ART_ERR_USAGE, "plugin describe needs a path");
    return run_file(path, NULL, NULL, lim, false, out, err);
}

void art_plugin_limits_default(art_plugin_limits *lim)
{
    lim->max_instructions = 200000000LL;
    lim->max_memory = (size_t)64 << 20;
    lim->max_seconds = 20;
    lim->max_emits = 1000;
    lim->max_evidence = 500;
}

void art_plugin_result_clear(art_plugin_result *r)
{
    if (!r)
        return;
    free(r->path);
    free(r->name);
    free(r->version);
    free(r->description);
    for (size_t i = 0; i < r->ndimensions; i++)
        free(r->dimensions[i]);
    free(r->dimensions);
    free(r->error);
    for (size_t i = 0; i < r->nemits; i++)
        emit_free(&r->emits[i]);
    free(r->emits);
    memset(r, 0, sizeof *r);
}
