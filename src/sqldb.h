// sqldb.h - the SQL under the register (registry.h; issue 14 "Several desks, one register"):
// one small interface, two engines.  SQLite (a file, the embedded default) and PostgreSQL
// through libpq (an address postgresql://… or postgres://…).  Statements are written once, with
// SQLite's placeholders ?N (or ?); for PostgreSQL they become $N, and every value travels as
// text.  What differs beyond that (locking, the schema, backups) is the register's business.
#ifndef SC_SQLDB_H
#define SC_SQLDB_H

#include <glib.h>
#include <sqlite3.h>

typedef struct sc_sqldb sc_sqldb;           // opaque: sc_sqldb_open_*() / sc_sqldb_close()
typedef struct sc_sqldb_stmt sc_sqldb_stmt; // opaque: sc_sqldb_prepare() / sc_sqldb_finalize()

typedef enum {
    SC_SQLDB_SQLITE,
    SC_SQLDB_POSTGRESQL,
} sc_sqldb_kind;

// What sc_sqldb_step() found.
typedef enum {
    SC_SQLDB_ROW,   // a row is ready for the sc_sqldb_column_*() functions
    SC_SQLDB_DONE,  // no more rows (or a statement that returns none ran)
    SC_SQLDB_ERROR, // failed: sc_sqldb_errmsg() says why
} sc_sqldb_result;

// Whether WHERE is a PostgreSQL address (postgresql://… or postgres://…) rather than a file.
gboolean sc_sqldb_is_address(const char *where);

// WHERE as it may be shown: a PostgreSQL address without its password (user:PASSWORD@ and a
// password=… parameter are left out); a file name as it is.  Caller frees with g_free().
char *sc_sqldb_display_name(const char *where);

// The SQLite database DB (opened by the caller, who set it up) as an sc_sqldb, which closes it.
// Never fails.  Caller frees with sc_sqldb_close().
sc_sqldb *sc_sqldb_open_sqlite(sqlite3 *db);

// Connect to the PostgreSQL server at ADDRESS (libpq's connection URI).  NULL with *MESSAGE set
// to libpq's reason (caller frees with g_free()).  Server notices are not printed.  Caller frees
// with sc_sqldb_close().
sc_sqldb *sc_sqldb_open_postgresql(const char *address, char **message);

// Close DB, finalising nothing: finalise its statements first.  NULL is a no-op.
void sc_sqldb_close(sc_sqldb *db);

sc_sqldb_kind sc_sqldb_get_kind(const sc_sqldb *db);

// The SQLite handle of DB, or NULL for PostgreSQL.  Valid until sc_sqldb_close(DB).
sqlite3 *sc_sqldb_get_sqlite(sc_sqldb *db);

// Why the last call on DB failed (one line).  Valid until the next call on DB.
const char *sc_sqldb_errmsg(sc_sqldb *db);

// Run SQL (one or more statements, no parameters, no rows of interest).  FALSE on failure.
// On PostgreSQL a COMMIT that the server turned into a rollback (the transaction had failed)
// is a failure.
gboolean sc_sqldb_exec(sc_sqldb *db, const char *sql);

// Whether DB's connection to its server is lost (the server stopped, the session terminated):
// then nothing of an open transaction was kept.  Always FALSE for SQLite.
gboolean sc_sqldb_is_lost(sc_sqldb *db);

// How many rows the last INSERT, UPDATE or DELETE changed.
gint64 sc_sqldb_changes(sc_sqldb *db);

// Prepare one statement SQL; PERSISTENT when it is kept for many uses.  NULL on failure.
// Caller frees with sc_sqldb_finalize().  Copies SQL.
sc_sqldb_stmt *sc_sqldb_prepare(sc_sqldb *db, const char *sql, gboolean persistent);

// Bind parameter I (from 1).  TEXT NULL binds NULL.  TEXT is borrowed until the statement is
// reset or bound again.
void sc_sqldb_bind_text(sc_sqldb_stmt *stmt, int i, const char *text);
void sc_sqldb_bind_int64(sc_sqldb_stmt *stmt, int i, gint64 value);
void sc_sqldb_bind_null(sc_sqldb_stmt *stmt, int i);

// The next row of STMT (it runs on the first call after prepare or reset).
sc_sqldb_result sc_sqldb_step(sc_sqldb_stmt *stmt);

// Column I (from 0) of the current row: its text (NULL for NULL; valid until the next step or
// reset), or its integer value (0 for NULL).
const char *sc_sqldb_column_text(sc_sqldb_stmt *stmt, int i);
gint64 sc_sqldb_column_int64(sc_sqldb_stmt *stmt, int i);

// Make STMT ready to run again, keeping its bindings.
void sc_sqldb_reset(sc_sqldb_stmt *stmt);

// NULL is a no-op.
void sc_sqldb_finalize(sc_sqldb_stmt *stmt);

#endif
