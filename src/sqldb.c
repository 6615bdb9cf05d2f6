// sqldb.c - the SQL under the register: SQLite or PostgreSQL (libpq) behind one small interface
// (issue 14 "Several desks, one register").
#include "sqldb.h"

#include <libpq-fe.h>
#include <string.h>

struct sc_sqldb {
    sc_sqldb_kind kind;
    sqlite3 *lite;
    PGconn *pg;
    char *message; // PostgreSQL: why the last call failed
    gint64 changes;
    guint prepared; // PostgreSQL: statements prepared on the server, for their names
};

// A bound value, as PostgreSQL receives it: text, or NULL.
typedef struct {
    const char *text; // borrowed, or NUMBER
    char number[24];
} pg_value;

struct sc_sqldb_stmt {
    sc_sqldb *db;
    sqlite3_stmt *lite;
    // PostgreSQL: the statement with $N placeholders, its values, and its result being read.
    char *sql;
    char *name;    // a persistent statement's name on the server, or NULL
    gboolean made; // prepared there under NAME
    int n_params;
    pg_value *values;
    PGresult *result;
    int row;      // the current row; -1 before the first
    gboolean run; // RESULT is this run's
};

gboolean
sc_sqldb_is_address(const char *where)
{
    return where != NULL &&
           (g_str_has_prefix(where, "postgresql://") || g_str_has_prefix(where, "postgres://"));
}

// Drop "password=…" from the query string Q (after "?"), into OUT.
static void
append_query_without_password(GString *out, const char *q)
{
    g_auto(GStrv) parts = g_strsplit(q, "&", -1);
    gboolean first = TRUE;
    for (guint i = 0; parts[i] != NULL; i++) {
        if (g_ascii_strncasecmp(parts[i], "password=", 9) == 0)
            continue;
        g_string_append(out, first ? "?" : "&");
        g_string_append(out, parts[i]);
        first = FALSE;
    }
}

char *
sc_sqldb_display_name(const char *where)
{
    if (!sc_sqldb_is_address(where))
        return g_strdup(where);
    // scheme://[user[:password]@]host…[?params]
    const char *rest = strstr(where, "://") + 3;
    const char *query = strchr(rest, '?');
    gsize authority_len = query != NULL ? (gsize)(query - rest) : strlen(rest);
    const char *slash = memchr(rest, '/', authority_len);
    gsize host_len = slash != NULL ? (gsize)(slash - rest) : authority_len;
    g_autofree char *authority = g_strndup(rest, host_len);
    GString *out = g_string_new_len(where, rest - where);
    char *at = strrchr(authority, '@');
    char *colon = at != NULL ? memchr(authority, ':', (gsize)(at - authority)) : NULL;
    if (colon != NULL) {
        g_string_append_len(out, authority, colon - authority);
        g_string_append(out, at);
    } else {
        g_string_append(out, authority);
    }
    g_string_append_len(out, rest + host_len, authority_len - host_len);
    if (query != NULL)
        append_query_without_password(out, query + 1);
    return g_string_free(out, FALSE);
}

sc_sqldb *
sc_sqldb_open_sqlite(sqlite3 *db)
{
    sc_sqldb *d = g_new0(sc_sqldb, 1);
    d->kind = SC_SQLDB_SQLITE;
    d->lite = db;
    return d;
}

// libpq prints the server's notices on stderr by default; nothing below the CLI prints.
static void
ignore_notice(void *data, const char *message)
{
    (void)data;
    (void)message;
}

// libpq's MESSAGE on one line: its lines joined, the "ERROR:  " of the server left out.
static char *
one_line(const char *message)
{
    g_autofree char *copy = g_strdup(message != NULL ? message : "");
    GString *out = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(copy, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        char *line = g_strstrip(lines[i]);
        if (*line == '\0')
            continue;
        if (out->len > 0)
            g_string_append(out, " ");
        g_string_append(out, line);
    }
    return g_string_free(out, FALSE);
}

sc_sqldb *
sc_sqldb_open_postgresql(const char *address, char **message)
{
    PGconn *conn = PQconnectdb(address);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        *message = one_line(conn != NULL ? PQerrorMessage(conn) : "out of memory");
        PQfinish(conn);
        return NULL;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    sc_sqldb *d = g_new0(sc_sqldb, 1);
    d->kind = SC_SQLDB_POSTGRESQL;
    d->pg = conn;
    return d;
}

void
sc_sqldb_close(sc_sqldb *db)
{
    if (db == NULL)
        return;
    if (db->lite != NULL)
        sqlite3_close_v2(db->lite);
    if (db->pg != NULL)
        PQfinish(db->pg);
    g_free(db->message);
    g_free(db);
}

sc_sqldb_kind
sc_sqldb_get_kind(const sc_sqldb *db)
{
    return db->kind;
}

sqlite3 *
sc_sqldb_get_sqlite(sc_sqldb *db)
{
    return db->lite;
}

const char *
sc_sqldb_errmsg(sc_sqldb *db)
{
    if (db->kind == SC_SQLDB_SQLITE)
        return sqlite3_errmsg(db->lite);
    return db->message != NULL ? db->message : "";
}

// Remember why RESULT (or the connection, when RESULT says nothing) failed: the server's
// primary message, or the first line of libpq's without its severity ("FATAL:  ").
static void
pg_failed(sc_sqldb *db, const PGresult *result)
{
    const char *primary =
        result != NULL ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    g_autofree char *text = g_strdup(primary != NULL ? primary : PQerrorMessage(db->pg));
    char *end = strchr(text, '\n');
    if (end != NULL)
        *end = '\0';
    const char *severity_end = primary == NULL ? strstr(text, ":  ") : NULL;
    g_free(db->message);
    db->message = g_strdup(severity_end != NULL ? severity_end + 3 : text);
}

// RESULT of a command: TRUE when it succeeded (the rows it changed counted), else its reason
// kept.  Takes RESULT.
static gboolean
pg_command_done(sc_sqldb *db, PGresult *result, const char *sql)
{
    ExecStatusType status = PQresultStatus(result);
    gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    // A COMMIT of a failed transaction is answered ROLLBACK, not an error: nothing was kept.
    if (ok && g_ascii_strcasecmp(sql, "COMMIT") == 0 &&
        strcmp(PQcmdStatus(result), "ROLLBACK") == 0) {
        g_free(db->message);
        db->message = g_strdup("the transaction had failed and was rolled back");
        ok = FALSE;
    } else if (!ok) {
        pg_failed(db, result);
    } else {
        db->changes = g_ascii_strtoll(PQcmdTuples(result), NULL, 10);
    }
    PQclear(result);
    return ok;
}

gboolean
sc_sqldb_exec(sc_sqldb *db, const char *sql)
{
    if (db->kind == SC_SQLDB_SQLITE)
        return sqlite3_exec(db->lite, sql, NULL, NULL, NULL) == SQLITE_OK;
    return pg_command_done(db, PQexec(db->pg, sql), sql);
}

gboolean
sc_sqldb_is_lost(sc_sqldb *db)
{
    return db->pg != NULL && PQstatus(db->pg) == CONNECTION_BAD;
}

gint64
sc_sqldb_changes(sc_sqldb *db)
{
    if (db->kind == SC_SQLDB_SQLITE)
        return sqlite3_changes(db->lite);
    return db->changes;
}

// SQL with SQLite's placeholders (?N, ?) as PostgreSQL's ($N), quoted text left alone; the
// highest parameter number in *N_PARAMS.  Caller frees with g_free().
static char *
pg_placeholders(const char *sql, int *n_params)
{
    GString *out = g_string_new(NULL);
    char quote = 0;
    int next = 0;
    for (const char *p = sql; *p != '\0'; p++) {
        if (quote != 0) {
            quote = *p == quote ? 0 : quote;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            // ?N is parameter N; a bare ? is one more than the largest so far (as in SQLite).
            int n = next + 1;
            if (g_ascii_isdigit(p[1])) {
                char *end = NULL;
                n = (int)g_ascii_strtoll(p + 1, &end, 10);
                p = end - 1;
            }
            next = MAX(next, n);
            g_string_append_printf(out, "$%d", n);
            continue;
        }
        g_string_append_c(out, *p);
    }
    *n_params = next;
    return g_string_free(out, FALSE);
}

sc_sqldb_stmt *
sc_sqldb_prepare(sc_sqldb *db, const char *sql, gboolean persistent)
{
    sc_sqldb_stmt *s = g_new0(sc_sqldb_stmt, 1);
    s->db = db;
    if (db->kind == SC_SQLDB_SQLITE) {
        if (sqlite3_prepare_v3(db->lite, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                               &s->lite, NULL) != SQLITE_OK) {
            g_free(s);
            return NULL;
        }
        return s;
    }
    s->sql = pg_placeholders(sql, &s->n_params);
    s->values = g_new0(pg_value, MAX(s->n_params, 1));
    s->row = -1;
    // A statement used for every item of a batch is parsed and planned once, on the server,
    // when first run (preparing takes the locks running takes: not before a batch has them).
    if (persistent)
        s->name = g_strdup_printf("sc_%u", ++db->prepared);
    return s;
}

void
sc_sqldb_bind_text(sc_sqldb_stmt *stmt, int i, const char *text)
{
    if (stmt->lite != NULL)
        sqlite3_bind_text(stmt->lite, i, text, -1, SQLITE_STATIC);
    else if (i >= 1 && i <= stmt->n_params)
        stmt->values[i - 1].text = text;
}

void
sc_sqldb_bind_int64(sc_sqldb_stmt *stmt, int i, gint64 value)
{
    if (stmt->lite != NULL) {
        sqlite3_bind_int64(stmt->lite, i, value);
    } else if (i >= 1 && i <= stmt->n_params) {
        pg_value *v = &stmt->values[i - 1];
        g_snprintf(v->number, sizeof v->number, "%" G_GINT64_FORMAT, value);
        v->text = v->number;
    }
}

void
sc_sqldb_bind_null(sc_sqldb_stmt *stmt, int i)
{
    sc_sqldb_bind_text(stmt, i, NULL);
}

// Run STMT on the server with its values; its rows (if any) kept for stepping.
static sc_sqldb_result
pg_run(sc_sqldb_stmt *s)
{
    if (s->name != NULL && !s->made) {
        if (!pg_command_done(s->db, PQprepare(s->db->pg, s->name, s->sql, s->n_params, NULL), ""))
            return SC_SQLDB_ERROR;
        s->made = TRUE;
    }
    g_autofree const char **values = g_new(const char *, MAX(s->n_params, 1));
    for (int i = 0; i < s->n_params; i++)
        values[i] = s->values[i].text;
    PGresult *result =
        s->name != NULL ? PQexecPrepared(s->db->pg, s->name, s->n_params, values, NULL, NULL, 0)
                        : PQexecParams(s->db->pg, s->sql, s->n_params, NULL, values, NULL, NULL, 0);
    s->run = TRUE;
    if (PQresultStatus(result) == PGRES_TUPLES_OK) {
        s->result = result;
        return SC_SQLDB_ROW;
    }
    return pg_command_done(s->db, result, s->sql) ? SC_SQLDB_DONE : SC_SQLDB_ERROR;
}

sc_sqldb_result
sc_sqldb_step(sc_sqldb_stmt *stmt)
{
    if (stmt->lite != NULL) {
        int rc = sqlite3_step(stmt->lite);
        return rc == SQLITE_ROW ? SC_SQLDB_ROW : rc == SQLITE_DONE ? SC_SQLDB_DONE : SC_SQLDB_ERROR;
    }
    if (!stmt->run) {
        sc_sqldb_result r = pg_run(stmt);
        if (r != SC_SQLDB_ROW)
            return r;
    }
    if (stmt->result == NULL || stmt->row + 1 >= PQntuples(stmt->result))
        return SC_SQLDB_DONE;
    stmt->row++;
    return SC_SQLDB_ROW;
}

const char *
sc_sqldb_column_text(sc_sqldb_stmt *stmt, int i)
{
    if (stmt->lite != NULL)
        return (const char *)sqlite3_column_text(stmt->lite, i);
    if (stmt->result == NULL || stmt->row < 0 || PQgetisnull(stmt->result, stmt->row, i))
        return NULL;
    return PQgetvalue(stmt->result, stmt->row, i);
}

gint64
sc_sqldb_column_int64(sc_sqldb_stmt *stmt, int i)
{
    if (stmt->lite != NULL)
        return sqlite3_column_int64(stmt->lite, i);
    const char *text = sc_sqldb_column_text(stmt, i);
    return text != NULL ? g_ascii_strtoll(text, NULL, 10) : 0;
}

void
sc_sqldb_reset(sc_sqldb_stmt *stmt)
{
    if (stmt->lite != NULL) {
        sqlite3_reset(stmt->lite);
        return;
    }
    g_clear_pointer(&stmt->result, PQclear);
    stmt->row = -1;
    stmt->run = FALSE;
}

void
sc_sqldb_finalize(sc_sqldb_stmt *stmt)
{
    if (stmt == NULL)
        return;
    if (stmt->lite != NULL)
        sqlite3_finalize(stmt->lite);
    if (stmt->result != NULL)
        PQclear(stmt->result);
    g_free(stmt->sql);
    g_free(stmt->name);
    g_free(stmt->values);
    g_free(stmt);
}
