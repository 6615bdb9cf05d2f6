// registry.c - the register of issued certificates (台账) in SQLite or PostgreSQL (issue 14;
// one logic over sqldb.h, the engines' differences in its "PostgreSQL" section): serial
// allocation per (institution, year, level), reprints, corrections, voids, the print log (SPEC
// §3 and "What the register means in an office"; seeds/004 附件4 二(七), 001 五(四), 002 四(四)4).
#include "registry.h"

#include "certno.h"
#include "i18n.h"
#include "level.h"
#include "record.h"
#include "sqldb.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// PRAGMA application_id: "SCRG", so a register is told from any other SQLite file.
#define REGISTRY_APP_ID 0x53435247
// PRAGMA user_version of the schema below.
#define REGISTRY_SCHEMA_VERSION 4
// Concurrent batches wait for each other rather than fail (milliseconds).
#define REGISTRY_BUSY_TIMEOUT_MS 30000

// Blank stock (证书内芯): the ranges of numbered sheets print runs were given, and the sheets
// spoiled.  A sheet is printed once (prints.stock is unique where set).
#define STOCK_TABLES_SQL                                                                           \
    "CREATE UNIQUE INDEX prints_stock ON prints (stock) WHERE stock IS NOT NULL;\n"                \
    "CREATE TABLE stock_ranges (\n"                                                                \
    "    letters TEXT NOT NULL,\n"                                                                 \
    "    first   INTEGER NOT NULL,\n"                                                              \
    "    last    INTEGER NOT NULL CHECK (last >= first),\n"                                        \
    "    width   INTEGER NOT NULL,\n"                                                              \
    "    batch   TEXT NOT NULL,\n"                                                                 \
    "    at      TEXT NOT NULL\n"                                                                  \
    ");\n"                                                                                         \
    "CREATE TABLE spoiled (\n"                                                                     \
    "    serial TEXT NOT NULL PRIMARY KEY,\n"                                                      \
    "    reason TEXT NOT NULL,\n"                                                                  \
    "    at     TEXT NOT NULL\n"                                                                   \
    ");\n"

// The schema, version 3.  A certificate's number is unique, and so is its (institution, year,
// level, serial).  A holder (证件类型 + 证件号码) holds one certificate of an occupation, work type
// and level unless a second one was asked for (second = 1): a later print of it is a reprint.
// A void certificate keeps its number forever unused.  Counters hold the last serial allocated
// per (institution, year, level) and only ever increase; pre-assigned serials do not move them,
// allocation skips them (004 附件4 二(七): 依次顺序取值; SPEC §3: never reused).
// The tables of schema version 2 that version 1 did not have or had otherwise: the
// certificates (no longer unique per issue date: a reprint keeps the original date; voids), the
// institution it serves, and the history of corrections and prints.
#define CERTIFICATES_SQL                                                                           \
    "CREATE TABLE certificates (\n"                                                                \
    "    number      TEXT NOT NULL PRIMARY KEY CHECK (length(number) = 22),\n"                     \
    "    prefix      TEXT NOT NULL CHECK (length(prefix) = 13),\n"                                 \
    "    year        INTEGER NOT NULL CHECK (year BETWEEN 0 AND 99),\n"                            \
    "    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5 OR level = 9),\n"               \
    "    serial      INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 999999),\n"                      \
    "    name        TEXT NOT NULL,\n"                                                             \
    "    id_type     TEXT NOT NULL,\n"                                                             \
    "    id_number   TEXT NOT NULL,\n"                                                             \
    "    occupation  TEXT NOT NULL,\n"                                                             \
    "    work_type   TEXT NOT NULL,\n"                                                             \
    "    issue_date  TEXT NOT NULL,\n"                                                             \
    "    batch       TEXT NOT NULL,\n"                                                             \
    "    issued_at   TEXT NOT NULL,\n"                                                             \
    "    second      INTEGER NOT NULL DEFAULT 0,\n"                                                \
    "    void_reason TEXT,\n"                                                                      \
    "    voided_at   TEXT,\n"                                                                      \
    "    UNIQUE (prefix, year, level, serial)\n"                                                   \
    ");\n"                                                                                         \
    "CREATE INDEX certificates_holder ON certificates\n"                                           \
    "    (prefix, id_number, id_type, occupation, work_type, level);\n"
#define META_SQL "CREATE TABLE meta (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);\n"
#define HISTORY_SQL                                                                                \
    "CREATE TABLE corrections (\n"                                                                 \
    "    number    TEXT NOT NULL REFERENCES certificates (number),\n"                              \
    "    field     TEXT NOT NULL,\n"                                                               \
    "    old_value TEXT NOT NULL,\n"                                                               \
    "    new_value TEXT NOT NULL,\n"                                                               \
    "    batch     TEXT NOT NULL,\n"                                                               \
    "    at        TEXT NOT NULL\n"                                                                \
    ");\n"                                                                                         \
    "CREATE TABLE prints (\n"                                                                      \
    "    number TEXT NOT NULL REFERENCES certificates (number),\n"                                 \
    "    batch  TEXT NOT NULL,\n"                                                                  \
    "    output TEXT NOT NULL,\n"                                                                  \
    "    at     TEXT NOT NULL\n"                                                                   \
    ");\n"                                                                                         \
    "CREATE INDEX prints_number ON prints (number);\n"                                             \
    "CREATE TRIGGER certificates_never_deleted BEFORE DELETE ON certificates\n"                    \
    "BEGIN SELECT RAISE(ABORT, 'an issued certificate is never deleted: void it'); END;\n"

// Version 2 → 3: the occupation code (职业编码, for the reports upward), the stock sheet a
// print used, and the blank stock tables.  Every number is kept.  A new register is made as
// version 2 and taken to 3 by the same statements.
#define MIGRATE_2_3_SQL                                                                            \
    "ALTER TABLE certificates ADD COLUMN occupation_code TEXT NOT NULL DEFAULT '';\n"              \
    "ALTER TABLE prints ADD COLUMN stock TEXT;\n" STOCK_TABLES_SQL

// Version 3 → 4 (issue 13): the print log keeps the SHA-256 of each file issued.  Every number
// is kept.
#define MIGRATE_3_4_SQL                                                                            \
    "ALTER TABLE prints ADD COLUMN sha256 TEXT;\n"                                                 \
    "CREATE INDEX prints_sha256 ON prints (sha256);\n"

static const char schema_sql[] = META_SQL CERTIFICATES_SQL
    "CREATE TABLE counters (\n"
    "    prefix TEXT NOT NULL,\n"
    "    year   INTEGER NOT NULL,\n"
    "    level  INTEGER NOT NULL,\n"
    "    last   INTEGER NOT NULL CHECK (last BETWEEN 0 AND 999999),\n"
    "    PRIMARY KEY (prefix, year, level)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TRIGGER counters_only_increase BEFORE UPDATE OF last ON counters\n"
    "WHEN NEW.last < OLD.last\n"
    "BEGIN SELECT RAISE(ABORT, 'a serial counter never decreases'); END;\n"
    "CREATE TRIGGER counters_never_deleted BEFORE DELETE ON counters\n"
    "BEGIN SELECT RAISE(ABORT, 'a serial counter is never deleted'); END;\n" HISTORY_SQL
        MIGRATE_2_3_SQL MIGRATE_3_4_SQL;

// Version 1 → 2: the holder's certificate is no longer unique per issue date (a reprint keeps
// the original date), and the tables of voids, corrections and prints are added.  Every number
// is kept.
static const char migrate_1_2_sql[] =
    "ALTER TABLE certificates RENAME TO certificates_v1;\n" META_SQL CERTIFICATES_SQL
    "INSERT INTO certificates (number, prefix, year, level, serial, name, id_type, id_number,\n"
    "    occupation, work_type, issue_date, batch, issued_at)\n"
    "SELECT number, prefix, year, level, serial, name, id_type, id_number, occupation,\n"
    "    work_type, issue_date, batch, issued_at FROM certificates_v1;\n"
    "DROP TABLE certificates_v1;\n" HISTORY_SQL
    "INSERT INTO meta (key, value) SELECT 'prefix', prefix FROM certificates\n"
    "    GROUP BY prefix HAVING (SELECT count(DISTINCT prefix) FROM certificates) = 1;\n";

static const char migrate_2_3_sql[] = MIGRATE_2_3_SQL;

static const char migrate_3_4_sql[] = MIGRATE_3_4_SQL;

struct sc_registry {
    char *path;
    char *prefix; // the institution it serves
    sc_sqldb *db;
    gboolean open; // an issue's transaction is open
    // Prepared once, reused for every item of every batch.
    sc_sqldb_stmt *find_holder; // the holder's certificate of a kind, not void, newest first
    sc_sqldb_stmt *find_number; // a number's holder and state
    sc_sqldb_stmt *find_serial; // whether a serial is taken
    sc_sqldb_stmt *get_last;    // the counter of (prefix, year, level)
    sc_sqldb_stmt *put_last;    // raise it
    sc_sqldb_stmt *insert;      // record a certificate
    sc_sqldb_stmt *correct;     // change a certificate's name
    sc_sqldb_stmt *fill_code;   // give a certificate the 职业编码 it lacks
    sc_sqldb_stmt *log_fix;     // record a correction
    sc_sqldb_stmt *log_print;   // record a print
};

static const char find_holder_sql[] =
    "SELECT number, name, issue_date FROM certificates WHERE prefix = ?1 AND id_number = ?2 "
    "AND id_type = ?3 AND occupation = ?4 AND work_type = ?5 AND level = ?6 "
    "AND void_reason IS NULL ORDER BY issued_at DESC, number DESC LIMIT 1";
static const char find_number_sql[] =
    "SELECT id_number, id_type, occupation, work_type, level, name, issue_date, void_reason, "
    "batch, issued_at FROM certificates WHERE number = ?1";
static const char find_serial_sql[] =
    "SELECT 1 FROM certificates WHERE prefix = ?1 AND year = ?2 AND level = ?3 AND serial = ?4";
static const char get_last_sql[] =
    "SELECT coalesce((SELECT last FROM counters WHERE prefix = ?1 AND year = ?2 AND level = ?3), "
    "0)";
static const char put_last_sql[] =
    "INSERT INTO counters (prefix, year, level, last) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (prefix, year, level) DO UPDATE SET last = excluded.last "
    "WHERE excluded.last > counters.last";
static const char insert_sql[] =
    "INSERT INTO certificates (number, prefix, year, level, serial, name, id_type, id_number, "
    "occupation, work_type, issue_date, batch, issued_at, second, occupation_code) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";
static const char correct_sql[] = "UPDATE certificates SET name = ?2 WHERE number = ?1";
// A reprint whose record now gives the 职业编码 the register lacks fills it in (reports need it).
static const char fill_code_sql[] =
    "UPDATE certificates SET occupation_code = ?2 WHERE number = ?1 AND occupation_code = ''";
static const char log_fix_sql[] =
    "INSERT INTO corrections (number, field, old_value, new_value, batch, at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char log_print_sql[] =
    "INSERT INTO prints (number, batch, output, at, stock, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

// Set *ERROR (SC_ERROR_REGISTER) to "PATH: WHAT: sqlite's message".
static void
set_db_error(const sc_registry *r, GError **error, const char *what)
{
    g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, "%s: %s: %s", r->path, what,
                sc_sqldb_errmsg(r->db));
}

// Run SQL that returns no rows of interest.
static gboolean
exec(sc_registry *r, const char *sql, GError **error)
{
    if (!sc_sqldb_exec(r->db, sql)) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, "%s: %s: %s", r->path, sql,
                    sc_sqldb_errmsg(r->db));
        return FALSE;
    }
    return TRUE;
}

// The integer a one-row query (a PRAGMA) returns, in *VALUE.
static gboolean
query_int(sc_registry *r, const char *sql, gint64 *value, GError **error)
{
    sc_sqldb_stmt *stmt = NULL;
    gboolean ok = FALSE;
    if ((stmt = sc_sqldb_prepare(r->db, sql, FALSE)) == NULL) {
        set_db_error(r, error, sql);
        goto out;
    }
    int rc = sc_sqldb_step(stmt);
    if (rc != SC_SQLDB_ROW) {
        set_db_error(r, error, sql);
        goto out;
    }
    *value = sc_sqldb_column_int64(stmt, 0);
    ok = TRUE;
out:
    sc_sqldb_finalize(stmt);
    return ok;
}

// Put the register in WAL mode.  Switching a new file to WAL takes an exclusive lock without
// calling the busy handler, so processes opening a new register at once retry here, within the
// same busy timeout.
static gboolean
set_wal(sc_registry *r, GError **error)
{
    sqlite3 *lite = sc_sqldb_get_sqlite(r->db);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(lite, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK) {
        set_db_error(r, error, _("cannot use it as a register"));
        return FALSE;
    }
    gint64 deadline = g_get_monotonic_time() + (gint64)REGISTRY_BUSY_TIMEOUT_MS * 1000;
    int rc;
    while ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
        int primary = rc & 0xff;
        sqlite3_reset(stmt);
        if ((primary != SQLITE_BUSY && primary != SQLITE_LOCKED) ||
            g_get_monotonic_time() > deadline) {
            set_db_error(r, error, _("cannot use it as a register"));
            sqlite3_finalize(stmt);
            return FALSE;
        }
        g_usleep(/*microseconds*/ 5000);
    }
    gboolean wal = g_ascii_strcasecmp((const char *)sqlite3_column_text(stmt, 0), "wal") == 0;
    sqlite3_finalize(stmt);
    if (!wal) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                    _("%s: the file system does not support SQLite's WAL journal"), r->path);
        return FALSE;
    }
    return TRUE;
}

// SQL made with SQLite's printf (%Q quotes a string).  Caller frees with g_free().
static char *
sql_printf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *made = sqlite3_vmprintf(format, args);
    va_end(args);
    char *sql = g_strdup(made);
    sqlite3_free(made);
    return sql;
}

// The text a one-row query gives, or NULL (no row).  Caller frees with g_free().  Sets *FAILED
// and *ERROR when the database fails.
static char *
query_text(sc_registry *r, const char *sql, const char *arg, gboolean *failed, GError **error)
{
    sc_sqldb_stmt *stmt = NULL;
    char *value = NULL;
    if ((stmt = sc_sqldb_prepare(r->db, sql, FALSE)) == NULL) {
        set_db_error(r, error, sql);
        *failed = TRUE;
        return NULL;
    }
    if (arg != NULL)
        sc_sqldb_bind_text(stmt, 1, arg);
    int rc = sc_sqldb_step(stmt);
    if (rc == SC_SQLDB_ROW && sc_sqldb_column_text(stmt, 0) != NULL)
        value = g_strdup((const char *)sc_sqldb_column_text(stmt, 0));
    else if (rc != SC_SQLDB_ROW && rc != SC_SQLDB_DONE) {
        set_db_error(r, error, sql);
        *failed = TRUE;
    }
    sc_sqldb_finalize(stmt);
    return value;
}

// Migrate an older schema forward, under the write lock.
static gboolean
migrate(sc_registry *r, GError **error)
{
    if (!exec(r, "BEGIN IMMEDIATE", error))
        return FALSE;
    gint64 now = 0;
    if (!query_int(r, "PRAGMA user_version", &now, error))
        goto rollback;
    if (now == 1 && !exec(r, migrate_1_2_sql, error))
        goto rollback;
    if (now <= 2 && !exec(r, migrate_2_3_sql, error))
        goto rollback;
    if (now <= 3 && !exec(r, migrate_3_4_sql, error))
        goto rollback;
    char pragma[64];
    g_snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", REGISTRY_SCHEMA_VERSION);
    if (!exec(r, pragma, error) || !exec(r, "COMMIT", error))
        goto rollback;
    return TRUE;
rollback:
    sc_sqldb_exec(r->db, "ROLLBACK");
    return FALSE;
}

// Check the file is a register of ours and not newer; its schema version in *VERSION.
static gboolean
check_schema(sc_registry *r, gint64 *version_out, GError **error)
{
    gint64 version = 0, app = 0;
    if (!query_int(r, "PRAGMA application_id", &app, error) ||
        !query_int(r, "PRAGMA user_version", &version, error))
        return FALSE;
    *version_out = version;
    if (app != REGISTRY_APP_ID || version == 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: not a skillcert register"), r->path);
        return FALSE;
    }
    if (version > REGISTRY_SCHEMA_VERSION) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                    _("%s: register schema version %lld is newer than this program's (%d); use "
                      "a newer skillcert"),
                    r->path, (long long)version, REGISTRY_SCHEMA_VERSION);
        return FALSE;
    }
    return TRUE;
}

// The institution the register serves: its meta prefix, set now from PREFIX when an older
// register has none.  Another institution's register is refused.
static gboolean
check_prefix(sc_registry *r, const char *prefix, GError **error)
{
    gboolean failed = FALSE;
    r->prefix = query_text(r, "SELECT value FROM meta WHERE key = 'prefix'", NULL, &failed, error);
    if (failed)
        return FALSE;
    if (r->prefix == NULL && prefix != NULL) {
        g_autofree char *sql =
            sql_printf("INSERT INTO meta (key, value) SELECT 'prefix', %Q WHERE NOT EXISTS "
                       "(SELECT 1 FROM certificates WHERE prefix <> %Q)",
                       prefix, prefix);
        if (!exec(r, sql, error))
            return FALSE;
        r->prefix =
            query_text(r, "SELECT value FROM meta WHERE key = 'prefix'", NULL, &failed, error);
        if (failed)
            return FALSE;
    }
    if (r->prefix == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                    _("%s: the register does not say which institution it serves"), r->path);
        return FALSE;
    }
    if (prefix != NULL && strcmp(prefix, r->prefix) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                    _("%s is the register of institution %s, not of %s: check -i and --register"),
                    r->path, r->prefix, prefix);
        return FALSE;
    }
    return TRUE;
}

// For g_ptr_array_sort(), which hands pointers to the elements: two paths in byte order.
static gint
compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// The backups beside the register at PATH ("PATH.backup-YYYYMMDD-HHMMSS", not a temporary nor
// SQLite's files beside an open one),
// oldest first: the names sort by time.  Caller frees with g_ptr_array_unref().
static GPtrArray *
list_backups(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *pattern = g_strconcat(base, ".backup-", NULL);
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL)
        if (g_str_has_prefix(name, pattern) && strstr(name, ".tmp-") == NULL &&
            !g_str_has_suffix(name, "-wal") && !g_str_has_suffix(name, "-shm") &&
            !g_str_has_suffix(name, "-journal"))
            g_ptr_array_add(found, g_build_filename(dir, name, NULL));
    if (d != NULL)
        g_dir_close(d);
    g_ptr_array_sort(found, compare_paths);
    return found;
}

// What to do about a missing or empty register file at PATH: the backups beside it, or how to
// make a new register.
static char *
restore_advice(const char *path)
{
    g_autoptr(GPtrArray) found = list_backups(path);
    if (found->len == 0)
        return g_strdup(_("if it was moved or deleted, put it back (from a backup copy); if this "
                          "institution has never issued a certificate, create its register with "
                          "skillcert register init -i INSTITUTION"));
    const char *newest = g_ptr_array_index(found, found->len - 1);
    return g_strdup_printf(_("restore the newest backup with skillcert register restore %s -i "
                             "INSTITUTION (%u backups are beside it)"),
                           newest, found->len);
}

// Refuse a register file others may read: it holds identity numbers.
static gboolean
check_private(const char *path, const struct stat *st, GError **error)
{
    if ((st->st_mode & 077) == 0)
        return TRUE;
    g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                _("%s can be read by other users (mode %04o) and holds identity numbers: make it "
                  "private with chmod 600 '%s' (and its -wal and -shm files)"),
                path, (unsigned)(st->st_mode & 07777), path);
    return FALSE;
}

static gboolean
prepare(sc_registry *r, const char *sql, sc_sqldb_stmt **stmt, GError **error)
{
    if ((*stmt = sc_sqldb_prepare(r->db, sql, /*persistent*/ TRUE)) == NULL) {
        set_db_error(r, error, _("preparing a statement"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
prepare_all(sc_registry *r, GError **error)
{
    return prepare(r, find_holder_sql, &r->find_holder, error) &&
           prepare(r, find_number_sql, &r->find_number, error) &&
           prepare(r, find_serial_sql, &r->find_serial, error) &&
           prepare(r, get_last_sql, &r->get_last, error) &&
           prepare(r, put_last_sql, &r->put_last, error) &&
           prepare(r, insert_sql, &r->insert, error) &&
           prepare(r, correct_sql, &r->correct, error) &&
           prepare(r, fill_code_sql, &r->fill_code, error) &&
           prepare(r, log_fix_sql, &r->log_fix, error) &&
           prepare(r, log_print_sql, &r->log_print, error);
}

// Open the SQLite file at PATH (which exists) as a register: WAL, synchronous, the busy timeout.
static sc_registry *
connect(const char *path, GError **error)
{
    sc_registry *r = g_new0(sc_registry, 1);
    r->path = g_strdup(path);
    sqlite3 *lite = NULL;
    int rc = sqlite3_open_v2(path, &lite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (lite != NULL)
        r->db = sc_sqldb_open_sqlite(lite);
    if (rc != SQLITE_OK) {
        if (r->db == NULL)
            g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: cannot open: out of memory"),
                        path);
        else
            set_db_error(r, error, _("cannot open"));
        sc_registry_close(r);
        return NULL;
    }
    sqlite3_busy_timeout(lite, REGISTRY_BUSY_TIMEOUT_MS);
    // WAL: readers never block the writer.  synchronous=FULL: a committed batch survives a
    // power cut, or its numbers could be issued twice after the certificates were printed.
    if (!set_wal(r, error) || !exec(r, "PRAGMA synchronous = FULL", error)) {
        sc_registry_close(r);
        return NULL;
    }
    return r;
}

// --- PostgreSQL (issue 14 "Several desks, one register") ------------------------------------
// The same register on a PostgreSQL server (postgresql://… through libpq), for several desks:
// the same tables, statements and rules.  What differs is here: the schema's dialect (no
// PRAGMAs: the meta table says what the database is; triggers call a function; texts compare
// byte by byte, COLLATE "C", as in SQLite, whatever the database's locale; prints.rowid keeps
// the order prints were logged in), locking (see begin_write()), and what the server does
// itself (backups: pg_dump; integrity: its WAL and checksums).

// meta.value of 'application', as SQLite's application_id tells a register from other files.
#define PG_APPLICATION "skillcert register"

#define PG_TEXT "TEXT COLLATE \"C\""
static const char pg_schema_sql[] =
    "CREATE TABLE meta (key " PG_TEXT " NOT NULL PRIMARY KEY, value " PG_TEXT " NOT NULL);\n"
    "CREATE TABLE certificates (\n"
    "    number      " PG_TEXT " NOT NULL PRIMARY KEY CHECK (length(number) = 22),\n"
    "    prefix      " PG_TEXT " NOT NULL CHECK (length(prefix) = 13),\n"
    "    year        INTEGER NOT NULL CHECK (year BETWEEN 0 AND 99),\n"
    "    level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5 OR level = 9),\n"
    "    serial      INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 999999),\n"
    "    name        " PG_TEXT " NOT NULL,\n"
    "    id_type     " PG_TEXT " NOT NULL,\n"
    "    id_number   " PG_TEXT " NOT NULL,\n"
    "    occupation  " PG_TEXT " NOT NULL,\n"
    "    work_type   " PG_TEXT " NOT NULL,\n"
    "    issue_date  " PG_TEXT " NOT NULL,\n"
    "    batch       " PG_TEXT " NOT NULL,\n"
    "    issued_at   " PG_TEXT " NOT NULL,\n"
    "    second      INTEGER NOT NULL DEFAULT 0,\n"
    "    void_reason " PG_TEXT ",\n"
    "    voided_at   " PG_TEXT ",\n"
    "    occupation_code " PG_TEXT " NOT NULL DEFAULT '',\n"
    "    UNIQUE (prefix, year, level, serial)\n"
    ");\n"
    "CREATE INDEX certificates_holder ON certificates\n"
    "    (prefix, id_number, id_type, occupation, work_type, level);\n"
    "CREATE TABLE counters (\n"
    "    prefix " PG_TEXT " NOT NULL,\n"
    "    year   INTEGER NOT NULL,\n"
    "    level  INTEGER NOT NULL,\n"
    "    last   INTEGER NOT NULL CHECK (last BETWEEN 0 AND 999999),\n"
    "    PRIMARY KEY (prefix, year, level)\n"
    ");\n"
    "CREATE FUNCTION skillcert_refuse() RETURNS trigger LANGUAGE plpgsql AS\n"
    "    $$BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END$$;\n"
    "CREATE TRIGGER counters_only_increase BEFORE UPDATE OF last ON counters FOR EACH ROW\n"
    "    WHEN (NEW.last < OLD.last)\n"
    "    EXECUTE FUNCTION skillcert_refuse('a serial counter never decreases');\n"
    "CREATE TRIGGER counters_never_deleted BEFORE DELETE ON counters FOR EACH ROW\n"
    "    EXECUTE FUNCTION skillcert_refuse('a serial counter is never deleted');\n"
    "CREATE TABLE corrections (\n"
    "    number    " PG_TEXT " NOT NULL REFERENCES certificates (number),\n"
    "    field     " PG_TEXT " NOT NULL,\n"
    "    old_value " PG_TEXT " NOT NULL,\n"
    "    new_value " PG_TEXT " NOT NULL,\n"
    "    batch     " PG_TEXT " NOT NULL,\n"
    "    at        " PG_TEXT " NOT NULL\n"
    ");\n"
    "CREATE TABLE prints (\n"
    "    rowid  BIGINT GENERATED ALWAYS AS IDENTITY,\n"
    "    number " PG_TEXT " NOT NULL REFERENCES certificates (number),\n"
    "    batch  " PG_TEXT " NOT NULL,\n"
    "    output " PG_TEXT " NOT NULL,\n"
    "    at     " PG_TEXT " NOT NULL,\n"
    "    stock  " PG_TEXT ",\n"
    "    sha256 " PG_TEXT "\n"
    ");\n"
    "CREATE INDEX prints_number ON prints (number);\n"
    "CREATE INDEX prints_sha256 ON prints (sha256);\n"
    "CREATE UNIQUE INDEX prints_stock ON prints (stock) WHERE stock IS NOT NULL;\n"
    "CREATE TRIGGER certificates_never_deleted BEFORE DELETE ON certificates FOR EACH ROW\n"
    "    EXECUTE FUNCTION skillcert_refuse('an issued certificate is never deleted: void it');\n"
    "CREATE TABLE stock_ranges (\n"
    "    letters " PG_TEXT " NOT NULL,\n"
    "    first   BIGINT NOT NULL,\n"
    "    last    BIGINT NOT NULL CHECK (last >= first),\n"
    "    width   INTEGER NOT NULL,\n"
    "    batch   " PG_TEXT " NOT NULL,\n"
    "    at      " PG_TEXT " NOT NULL\n"
    ");\n"
    "CREATE TABLE spoiled (\n"
    "    serial " PG_TEXT " NOT NULL PRIMARY KEY,\n"
    "    reason " PG_TEXT " NOT NULL,\n"
    "    at     " PG_TEXT " NOT NULL\n"
    ");\n";

static gboolean
is_server(const sc_registry *r)
{
    return sc_sqldb_get_kind(r->db) == SC_SQLDB_POSTGRESQL;
}

// Backups and restores of a PostgreSQL register are its server's: refused with the tools.
static gboolean
pg_no_backup(const char *shown, GError **error)
{
    g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                _("%s: a register on a PostgreSQL server is backed up and restored by the "
                  "server's tools (pg_dump, pg_restore), not by skillcert"),
                shown);
    return FALSE;
}

// Connect to the register's server at ADDRESS.  Its name in messages never has the password.
static sc_registry *
pg_connect(const char *address, GError **error)
{
    sc_registry *r = g_new0(sc_registry, 1);
    r->path = sc_sqldb_display_name(address);
    g_autofree char *message = NULL;
    r->db = sc_sqldb_open_postgresql(address, &message);
    if (r->db == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                    _("%s: cannot connect to the register's server: %s"), r->path, message);
        sc_registry_close(r);
        return NULL;
    }
    // A batch waits for another as long as on SQLite (its busy timeout), then fails.
    char sql[64];
    g_snprintf(sql, sizeof sql, "SET lock_timeout = %d", REGISTRY_BUSY_TIMEOUT_MS);
    if (!exec(r, sql, error)) {
        sc_registry_close(r);
        return NULL;
    }
    return r;
}

// Whether the database holds a register (its meta table): *THERE.  FALSE with *ERROR set when
// the server fails.
static gboolean
pg_has_register(sc_registry *r, gboolean *there, GError **error)
{
    gboolean failed = FALSE;
    g_autofree char *meta = query_text(r, "SELECT to_regclass('meta')::text", NULL, &failed, error);
    *there = meta != NULL;
    return !failed;
}

// The database is a register of ours, not newer (as check_schema()).
static gboolean
pg_check_schema(sc_registry *r, GError **error)
{
    gboolean there = FALSE, failed = FALSE;
    if (!pg_has_register(r, &there, error))
        return FALSE;
    if (!there) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: no register there (%s): %s"),
                    r->path, _("the database holds none"),
                    _("create it with skillcert register init -i INSTITUTION --register ADDRESS"));
        return FALSE;
    }
    g_autofree char *app =
        query_text(r, "SELECT value FROM meta WHERE key = 'application'", NULL, &failed, error);
    g_autofree char *version = failed ? NULL
                                      : query_text(r,
                                                   "SELECT value FROM meta WHERE key = "
                                                   "'schema_version'",
                                                   NULL, &failed, error);
    if (failed)
        return FALSE;
    gint64 v = version != NULL ? g_ascii_strtoll(version, NULL, 10) : 0;
    if (g_strcmp0(app, PG_APPLICATION) != 0 || v <= 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: not a skillcert register"), r->path);
        return FALSE;
    }
    // Schema version 4 is the first on PostgreSQL: nothing older to migrate.
    if (v > REGISTRY_SCHEMA_VERSION) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                    _("%s: register schema version %lld is newer than this program's (%d); use "
                      "a newer skillcert"),
                    r->path, (long long)v, REGISTRY_SCHEMA_VERSION);
        return FALSE;
    }
    return TRUE;
}

static sc_registry *
pg_open(const char *address, const char *prefix, GError **error)
{
    sc_registry *r = pg_connect(address, error);
    if (r != NULL &&
        (!pg_check_schema(r, error) || !check_prefix(r, prefix, error) || !prepare_all(r, error)))
        g_clear_pointer(&r, sc_registry_close);
    return r;
}

// Create the register's tables for PREFIX in the database at ADDRESS, which holds none (a
// register is never created over another).  Two desks creating it at once: one does, the other
// is refused.
static gboolean copy_rows(sc_registry *from, sc_registry *to, GError **error);

static sc_registry *
pg_create(const char *address, const char *prefix, sc_registry *from, GError **error)
{
    sc_registry *r = pg_connect(address, error);
    if (r == NULL)
        return NULL;
    gboolean there = FALSE;
    g_autofree char *init =
        sql_printf("%s INSERT INTO meta (key, value) VALUES ('prefix', %Q), ('application', %Q), "
                   "('schema_version', '%d');",
                   pg_schema_sql, prefix, PG_APPLICATION, REGISTRY_SCHEMA_VERSION);
    // The lock (keyed by the application id) makes concurrent inits take turns.
    if (!exec(r, "BEGIN; SELECT pg_advisory_xact_lock(1396920903)", error) ||
        !pg_has_register(r, &there, error))
        goto fail;
    if (there) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                    _("%s: a register already exists in this database: a register is never "
                      "created over another"),
                    r->path);
        goto fail;
    }
    if (!sc_sqldb_exec(r->db, init)) {
        set_db_error(r, error, _("cannot create the register"));
        goto fail;
    }
    // A copy is made in the same transaction: all of it, or no register.
    if (from != NULL && !copy_rows(from, r, error))
        goto fail;
    if (!sc_sqldb_exec(r->db, "COMMIT")) {
        set_db_error(r, error, _("cannot create the register"));
        goto fail;
    }
    r->prefix = g_strdup(prefix);
    if (!prepare_all(r, error))
        goto fail;
    return r;
fail:
    sc_sqldb_exec(r->db, "ROLLBACK");
    sc_registry_close(r);
    return NULL;
}

// Read every table through, and check what the rows must agree on (each number is its
// institution, year, level and serial): what a register on a server can be checked for; its own
// WAL and page checksums guard the rest.
static gboolean
pg_check(sc_registry *r, GError **error)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM certificates WHERE number <> prefix || "
        "lpad(year::text, 2, '0') || level::text || lpad(serial::text, 6, '0')) + "
        "0 * ((SELECT count(*) FROM meta) + (SELECT count(*) FROM counters) + "
        "(SELECT count(*) FROM corrections) + (SELECT count(*) FROM prints) + "
        "(SELECT count(*) FROM stock_ranges) + (SELECT count(*) FROM spoiled))";
    gboolean failed = FALSE;
    if (!pg_check_schema(r, error))
        return FALSE;
    g_autofree char *bad = query_text(r, sql, NULL, &failed, error);
    if (failed)
        return FALSE;
    gint64 n = bad != NULL ? g_ascii_strtoll(bad, NULL, 10) : 0;
    if (n != 0) {
        g_autofree char *what = g_strdup_printf(
            g_dngettext(GETTEXT_PACKAGE, "%lld certificate whose number disagrees with its parts",
                        "%lld certificates whose number disagrees with its parts", (gulong)n),
            (long long)n);
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s is damaged: %s"), r->path, what);
        return FALSE;
    }
    return TRUE;
}

// Take the write lock of a batch at once, so that a concurrent batch waits (SQLite's busy
// timeout, PostgreSQL's lock_timeout) instead of failing half-way.  On PostgreSQL: a lock on
// the counters table that writers take and readers (reports, previews) do not, as SQLite's
// BEGIN IMMEDIATE with WAL.  The whole batch takes turns, not only each (institution, year,
// level) counter row: a reprint is told by the holder's earlier certificate, which another
// desk's batch may be recording at the same moment, under any counter.
static gboolean
begin_write(sc_registry *r)
{
    if (!is_server(r))
        return sc_sqldb_exec(r->db, "BEGIN IMMEDIATE");
    if (sc_sqldb_exec(r->db, "BEGIN; LOCK TABLE counters IN SHARE ROW EXCLUSIVE MODE"))
        return TRUE;
    if (!sc_sqldb_is_lost(r->db))
        sc_sqldb_exec(r->db, "ROLLBACK"); // the failure's message stays
    return FALSE;
}

// Run SQL, one change made by hand (a void, a spoiled sheet), under the write lock of a batch
// on PostgreSQL (on SQLite a statement takes it), with the rows it changed in *CHANGES.
static gboolean
exec_write(sc_registry *r, const char *sql, gint64 *changes, GError **error)
{
    if (!is_server(r)) {
        gboolean ok = exec(r, sql, error);
        *changes = sc_sqldb_changes(r->db);
        return ok;
    }
    if (!begin_write(r)) {
        set_db_error(r, error, _("cannot lock the register"));
        return FALSE;
    }
    if (!exec(r, sql, error)) {
        sc_sqldb_exec(r->db, "ROLLBACK");
        return FALSE;
    }
    *changes = sc_sqldb_changes(r->db);
    if (!sc_sqldb_exec(r->db, "COMMIT")) {
        set_db_error(r, error, _("cannot commit the change"));
        sc_sqldb_exec(r->db, "ROLLBACK");
        return FALSE;
    }
    return TRUE;
}

sc_registry *
sc_registry_open(const char *path, const char *prefix, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    if (sc_sqldb_is_address(path))
        return pg_open(path, prefix, error);
    struct stat st;
    if (g_stat(path, &st) != 0 || (S_ISREG(st.st_mode) && st.st_size == 0)) {
        int saved = errno;
        g_autofree char *advice = restore_advice(path);
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: no register there (%s): %s"), path,
                    g_file_test(path, G_FILE_TEST_EXISTS) ? _("the file is empty")
                                                          : g_strerror(saved),
                    advice);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: not a regular file"), path);
        return NULL;
    }
    if (!check_private(path, &st, error))
        return NULL;
    sc_registry *r = connect(path, error);
    if (r == NULL)
        return NULL;
    g_autofree char *verdict = NULL;
    gboolean failed = FALSE;
    gint64 version = 0;
    if (!check_schema(r, &version, error))
        goto fail;
    // A quick check before anything is written (a migration, the institution recorded): a
    // damaged register is restored, not used.
    verdict = query_text(r, "PRAGMA quick_check", NULL, &failed, error);
    if (failed)
        goto fail;
    if (g_strcmp0(verdict, "ok") != 0) {
        g_autofree char *advice = restore_advice(path);
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s is damaged (%s): %s"), path, verdict,
                    advice);
        goto fail;
    }
    if ((version < REGISTRY_SCHEMA_VERSION && !migrate(r, error)) ||
        !check_prefix(r, prefix, error))
        goto fail;
    if (!prepare_all(r, error))
        goto fail;
    return r;
fail:
    sc_registry_close(r);
    return NULL;
}

sc_registry *
sc_registry_create(const char *path, const char *prefix, GError **error)
{
    g_return_val_if_fail(path != NULL && prefix != NULL, NULL);
    GError *local = NULL;
    if (!sc_certno_check_prefix(prefix, SC_PROFILE_NATIONAL, &local)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("institution %s:\n%s"), prefix,
                    local->message);
        g_error_free(local);
        return NULL;
    }
    if (sc_sqldb_is_address(path))
        return pg_create(path, prefix, NULL, error);
    // Created by us, so it is born 0600 whatever the umask (it holds identity numbers); SQLite
    // gives its -wal and -shm files the database file's mode.  O_EXCL: never over a register.
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, SC_ERROR, saved == EEXIST ? SC_ERROR_REGISTER : SC_ERROR_IO,
                    saved == EEXIST ? _("%s already exists: a register is never created over "
                                        "another file")
                                    : _("%s: cannot create the register: %s"),
                    path, g_strerror(saved));
        return NULL;
    }
    close(fd);
    sc_registry *r = connect(path, error);
    if (r == NULL) {
        g_unlink(path);
        return NULL;
    }
    g_autofree char *init =
        sql_printf("BEGIN IMMEDIATE; %s INSERT INTO meta (key, value) VALUES ('prefix', %Q); "
                   "PRAGMA user_version = %d; PRAGMA application_id = %d; COMMIT;",
                   schema_sql, prefix, REGISTRY_SCHEMA_VERSION, REGISTRY_APP_ID);
    if (!exec(r, init, error)) {
        sc_registry_close(r);
        g_unlink(path);
        return NULL;
    }
    r->prefix = g_strdup(prefix);
    if (!prepare_all(r, error)) {
        sc_registry_close(r);
        return NULL;
    }
    return r;
}

// --- Copies between the engines (issue 14) --------------------------------------------------

// Every table of a register with the columns it holds (schema 4), in an order that keeps the
// references whole; the prints in the order they were logged.
static const struct {
    const char *table, *columns, *order;
} copied[] = {
    {"certificates",
     "number, prefix, year, level, serial, name, id_type, id_number, occupation, work_type, "
     "issue_date, batch, issued_at, second, void_reason, voided_at, occupation_code",
     "number"},
    {"counters", "prefix, year, level, last", "prefix, year, level"},
    {"corrections", "number, field, old_value, new_value, batch, at", "at, number"},
    {"prints", "number, batch, output, at, stock, sha256", "rowid"},
    {"stock_ranges", "letters, first, last, width, batch, at", "letters, first, last"},
    {"spoiled", "serial, reason, at", "serial"},
};

// Copy table K of FROM into TO, row for row, every value as text (SQLite's INTEGER affinity
// and PostgreSQL's typed columns take it back as a number); *ROWS counted.
static gboolean
copy_table(sc_registry *from, sc_registry *to, guint k, gint64 *rows, GError **error)
{
    int n = 1;
    for (const char *c = copied[k].columns; *c != '\0'; c++)
        n += *c == ',';
    g_autofree char *select = g_strdup_printf("SELECT %s FROM %s ORDER BY %s", copied[k].columns,
                                              copied[k].table, copied[k].order);
    GString *insert = g_string_new(NULL);
    g_string_printf(insert, "INSERT INTO %s (%s) VALUES (", copied[k].table, copied[k].columns);
    for (int i = 1; i <= n; i++)
        g_string_append_printf(insert, i < n ? "?%d, " : "?%d)", i);
    sc_sqldb_stmt *get = sc_sqldb_prepare(from->db, select, FALSE);
    sc_sqldb_stmt *put = get != NULL ? sc_sqldb_prepare(to->db, insert->str, FALSE) : NULL;
    g_string_free(insert, TRUE);
    gboolean ok = put != NULL;
    sc_sqldb_result rc = SC_SQLDB_DONE;
    while (ok && (rc = sc_sqldb_step(get)) == SC_SQLDB_ROW) {
        for (int i = 0; i < n; i++)
            sc_sqldb_bind_text(put, i + 1, sc_sqldb_column_text(get, i));
        ok = sc_sqldb_step(put) == SC_SQLDB_DONE;
        sc_sqldb_reset(put);
        ++*rows;
    }
    if (get == NULL || rc == SC_SQLDB_ERROR)
        set_db_error(from, error, _("reading the register"));
    else if (!ok)
        set_db_error(to, error, _("cannot create the register"));
    sc_sqldb_finalize(get);
    sc_sqldb_finalize(put);
    return get != NULL && rc != SC_SQLDB_ERROR && ok;
}

// Copy every row of FROM into TO (new, empty, in an open transaction), FROM read in one
// consistent view; then the counts of both compared.
static gboolean
copy_rows(sc_registry *from, sc_registry *to, GError **error)
{
    if (!exec(from, is_server(from) ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN", error))
        return FALSE;
    gboolean ok = TRUE;
    for (guint k = 0; ok && k < G_N_ELEMENTS(copied); k++) {
        gint64 rows = 0, there = 0;
        g_autofree char *count = g_strdup_printf("SELECT count(*) FROM %s", copied[k].table);
        g_autofree char *n = NULL;
        gboolean failed = FALSE;
        ok = copy_table(from, to, k, &rows, error) &&
             (n = query_text(to, count, NULL, &failed, error)) != NULL;
        there = n != NULL ? g_ascii_strtoll(n, NULL, 10) : -1;
        if (ok && there != rows) {
            g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: %s: %lld of %lld rows copied"),
                        to->path, copied[k].table, (long long)there, (long long)rows);
            ok = FALSE;
        }
    }
    sc_sqldb_exec(from->db, "ROLLBACK"); // it only read
    return ok;
}

sc_registry *
sc_registry_create_from(const char *path, sc_registry *from, GError **error)
{
    g_return_val_if_fail(path != NULL && from != NULL, NULL);
    if (sc_sqldb_is_address(path))
        return pg_create(path, from->prefix, from, error);
    sc_registry *to = sc_registry_create(path, from->prefix, error);
    if (to == NULL)
        return NULL;
    if (!exec(to, "BEGIN IMMEDIATE", error) || !copy_rows(from, to, error) ||
        !exec(to, "COMMIT", error)) {
        sc_registry_close(to);
        g_unlink(path);
        return NULL;
    }
    return to;
}

void
sc_registry_close(sc_registry *registry)
{
    if (registry == NULL)
        return;
    if (registry->open)
        sc_sqldb_exec(registry->db, "ROLLBACK");
    sc_sqldb_stmt *stmts[] = {registry->find_holder, registry->find_number, registry->find_serial,
                              registry->get_last,    registry->put_last,    registry->insert,
                              registry->correct,     registry->log_fix,     registry->log_print,
                              registry->fill_code};
    for (guint i = 0; i < G_N_ELEMENTS(stmts); i++)
        sc_sqldb_finalize(stmts[i]);
    sc_sqldb_close(registry->db);
    g_free(registry->path);
    g_free(registry->prefix);
    g_free(registry);
}

const char *
sc_registry_get_prefix(const sc_registry *registry)
{
    return registry->prefix;
}

gboolean
sc_registry_check(sc_registry *registry, GError **error)
{
    if (is_server(registry))
        return pg_check(registry, error);
    gboolean failed = FALSE;
    g_autofree char *verdict = query_text(registry, "PRAGMA integrity_check", NULL, &failed, error);
    if (failed)
        return FALSE;
    if (g_strcmp0(verdict, "ok") != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s is damaged: %s"), registry->path,
                    verdict);
        return FALSE;
    }
    return TRUE;
}

gboolean
sc_registry_backup(sc_registry *registry, const char *dest, GError **error)
{
    if (is_server(registry) || sc_sqldb_is_address(dest))
        return pg_no_backup(is_server(registry) ? registry->path : dest, error);
    g_autofree char *tmp = g_strdup_printf("%s.tmp-%d", dest, (int)getpid());
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write a backup: %s"), dest,
                    g_strerror(saved));
        return FALSE;
    }
    close(fd);
    sqlite3 *to = NULL;
    gboolean ok = FALSE;
    if (sqlite3_open_v2(tmp, &to, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_backup *b =
            sqlite3_backup_init(to, "main", sc_sqldb_get_sqlite(registry->db), "main");
        if (b != NULL) {
            int rc;
            while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
                g_usleep(/*microseconds*/ 10000);
            sqlite3_backup_finish(b);
            ok = rc == SQLITE_DONE;
        }
        // The copy is a rollback-journal database on its own, fully written.
        ok = ok && sqlite3_exec(to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) == SQLITE_OK;
    }
    if (!ok)
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: cannot write a backup: %s"), dest,
                    to != NULL ? sqlite3_errmsg(to) : "out of memory");
    sqlite3_close_v2(to);
    if (ok && g_rename(tmp, dest) != 0) {
        int saved = errno;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write a backup: %s"), dest,
                    g_strerror(saved));
        ok = FALSE;
    }
    if (!ok)
        g_unlink(tmp);
    return ok;
}

// "PATH.WHAT-YYYYMMDD-HHMMSS" for now, a file that does not exist: a second one within the same
// second is "…-HHMMSS-02", and so on, which sorts after the first and before the next second's
// and overwrites no other.  Caller frees with g_free().
static char *
stamped_name(const char *path, const char *what)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");
    char *name = g_strdup_printf("%s.%s-%s", path, what, stamp);
    for (guint i = 2; i < 100 && g_file_test(name, G_FILE_TEST_EXISTS); i++) {
        g_free(name);
        name = g_strdup_printf("%s.%s-%s-%02u", path, what, stamp, i);
    }
    return name;
}

gboolean
sc_registry_is_file(const sc_registry *registry)
{
    return !is_server(registry);
}

char *
sc_registry_backup_rotate(sc_registry *registry, guint keep, GError **error)
{
    if (is_server(registry)) {
        pg_no_backup(registry->path, error);
        return NULL;
    }
    char *dest = stamped_name(registry->path, "backup");
    if (!sc_registry_backup(registry, dest, error)) {
        g_free(dest);
        return NULL;
    }
    // The KEEP newest stay.
    g_autoptr(GPtrArray) found = list_backups(registry->path);
    for (guint i = 0; i + keep < found->len; i++)
        g_unlink(g_ptr_array_index(found, i));
    return dest;
}

// A name for keeping the register at PATH before a restore: "PATH.before-restore-STAMP", with
// "-NN" added when a restore in the same second already took it.  Caller frees with g_free().
static char *
before_restore_name(const char *path)
{
    return stamped_name(path, "before-restore");
}

gboolean
sc_registry_restore(const char *backup, const char *path, GError **error)
{
    if (sc_sqldb_is_address(backup) || sc_sqldb_is_address(path)) {
        g_autofree char *shown = sc_sqldb_display_name(sc_sqldb_is_address(path) ? path : backup);
        return pg_no_backup(shown, error);
    }
    g_autoptr(GError) local = NULL;
    sc_registry *current = sc_registry_open(path, NULL, &local);
    sc_registry *from = sc_registry_open(backup, current != NULL ? current->prefix : NULL, error);
    gboolean ok = from != NULL && sc_registry_check(from, error);
    g_autofree char *kept = ok ? before_restore_name(path) : NULL;
    struct stat st;
    if (ok && current != NULL) {
        ok = sc_registry_backup(current, kept, error);
    } else if (ok && g_lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        // A register that cannot be opened (damaged, not private, …) is kept as it is: another
        // name for the same file, which the restored one then replaces.
        if (link(path, kept) != 0) {
            int saved = errno;
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot keep it as %s: %s"), path, kept,
                        g_strerror(saved));
            ok = FALSE;
        }
        g_autofree char *wal = g_strconcat(path, "-wal", NULL);
        g_autofree char *kept_wal = g_strconcat(kept, "-wal", NULL);
        if (ok && g_file_test(wal, G_FILE_TEST_IS_REGULAR))
            (void)link(wal, kept_wal); // what it holds beyond the file, if anything
    }
    sc_registry_close(current);
    if (ok)
        ok = sc_registry_backup(from, path, error);
    sc_registry_close(from);
    // The old register's WAL must not be replayed onto the restored file.
    if (ok) {
        g_autofree char *wal = g_strconcat(path, "-wal", NULL);
        g_autofree char *shm = g_strconcat(path, "-shm", NULL);
        g_unlink(wal);
        g_unlink(shm);
    }
    return ok;
}

// --- Issuing --------------------------------------------------------------------------------

// The last serial allocated in one (year, level), as the batch moves it.
typedef struct {
    int year, level;
    int last;
    gboolean dirty;     // to be written back
    gboolean exhausted; // already reported
} counter;

// One issue: the statements' shared state and the problems found.
typedef struct {
    sc_registry *r;
    const char *batch;
    char *issued_at;
    GHashTable *counters;  // "year/level" -> counter *
    sc_problems *problems; // the caller's
    guint found;           // problems this call added
    int code;              // sc_error_code of the first
} issuing;

// Add a problem of ITEM's FIELD, under the item's row.
static void G_GNUC_PRINTF(5, 6) problem(issuing *is, sc_error_code code, const sc_number_item *item,
                                        const char *field, const char *format, ...)
{
    if (is->found++ == 0)
        is->code = code;
    va_list args;
    va_start(args, format);
    char *message = g_strdup_vprintf(format, args);
    va_end(args);
    sc_problems_add_literal(is->problems, /*file*/ NULL, item->row, field, message);
    g_free(message);
}

// Bind TEXT (borrowed until the statement is reset).
static void
bind_text(sc_sqldb_stmt *stmt, int i, const char *text)
{
    sc_sqldb_bind_text(stmt, i, text);
}

// Run the write statement S once and reset it for the next use; FALSE with *ERROR set (saying
// WHAT failed) unless it completed.
static gboolean
step_done(sc_registry *r, sc_sqldb_stmt *s, const char *what, GError **error)
{
    int rc = sc_sqldb_step(s);
    sc_sqldb_reset(s);
    if (rc != SC_SQLDB_DONE) {
        set_db_error(r, error, what);
        return FALSE;
    }
    return TRUE;
}

// Step the query S for one row: TRUE and the row ready (reset it after reading), FALSE with
// *FOUND FALSE for none, or FALSE with *ERROR set (saying WHAT) when the database fails.
static gboolean
step_row(sc_registry *r, sc_sqldb_stmt *s, const char *what, gboolean *failed, GError **error)
{
    int rc = sc_sqldb_step(s);
    if (rc == SC_SQLDB_ROW)
        return TRUE;
    sc_sqldb_reset(s);
    if (rc != SC_SQLDB_DONE) {
        set_db_error(r, error, what);
        *failed = TRUE;
    }
    return FALSE;
}

static char *
column(sc_sqldb_stmt *s, int i)
{
    return g_strdup((const char *)sc_sqldb_column_text(s, i));
}

// The counter of (YEAR, LEVEL), read from the register on first use.  NULL with *ERROR set
// when the database fails.
static counter *
get_counter(issuing *is, int year, int level, GError **error)
{
    char key[16];
    g_snprintf(key, sizeof key, "%d/%d", year, level);
    counter *c = g_hash_table_lookup(is->counters, key);
    if (c != NULL)
        return c;
    sc_sqldb_stmt *s = is->r->get_last;
    bind_text(s, 1, is->r->prefix);
    sc_sqldb_bind_int64(s, 2, year);
    sc_sqldb_bind_int64(s, 3, level);
    gboolean failed = FALSE;
    if (!step_row(is->r, s, _("reading a serial counter"), &failed, error))
        return NULL;
    c = g_new0(counter, 1);
    c->year = year;
    c->level = level;
    c->last = (int)sc_sqldb_column_int64(s, 0);
    sc_sqldb_reset(s);
    g_hash_table_insert(is->counters, g_strdup(key), c);
    return c;
}

// What the register holds about a certificate.
typedef struct {
    char *number, *name, *issue_date;
    char *id_number, *id_type, *occupation, *work_type, *void_reason;
    int level;
} held;

static void
held_clear(held *h)
{
    g_free(h->number);
    g_free(h->name);
    g_free(h->issue_date);
    g_free(h->id_number);
    g_free(h->id_type);
    g_free(h->occupation);
    g_free(h->work_type);
    g_free(h->void_reason);
    memset(h, 0, sizeof *h);
}

// ITEM's work type as printed: "——" when it has none (SPEC §2), so an empty one and "——" are
// the same certificate.
static const char *
work_type_of(const sc_number_item *it)
{
    return it->work_type != NULL && *it->work_type != '\0' ? it->work_type : "——";
}

// The certificate (not void) ITEM's holder holds of ITEM's kind, into *OUT: TRUE, or FALSE
// (none, or the database failed: *FAILED and *ERROR set).
static gboolean
find_holder(issuing *is, const sc_number_item *it, held *out, gboolean *failed, GError **error)
{
    sc_sqldb_stmt *s = is->r->find_holder;
    bind_text(s, 1, is->r->prefix);
    bind_text(s, 2, it->id_number);
    bind_text(s, 3, it->id_type);
    bind_text(s, 4, it->occupation);
    bind_text(s, 5, work_type_of(it));
    sc_sqldb_bind_int64(s, 6, it->level);
    if (!step_row(is->r, s, _("looking up a certificate"), failed, error))
        return FALSE;
    *out = (held){.number = column(s, 0), .name = column(s, 1), .issue_date = column(s, 2)};
    sc_sqldb_reset(s);
    return TRUE;
}

// The certificate NUMBER, into *OUT: TRUE, or FALSE (none, or *FAILED and *ERROR set).
static gboolean
find_number(sc_registry *r, const char *number, held *out, gboolean *failed, GError **error)
{
    sc_sqldb_stmt *s = r->find_number;
    bind_text(s, 1, number);
    if (!step_row(r, s, _("looking up a number"), failed, error))
        return FALSE;
    *out = (held){.number = g_strdup(number),
                  .id_number = column(s, 0),
                  .id_type = column(s, 1),
                  .occupation = column(s, 2),
                  .work_type = column(s, 3),
                  .level = (int)sc_sqldb_column_int64(s, 4),
                  .name = column(s, 5),
                  .issue_date = column(s, 6),
                  .void_reason = column(s, 7)};
    sc_sqldb_reset(s);
    return TRUE;
}

// Whether SERIAL of (YEAR, LEVEL) is taken (a pre-assigned or void number).
static gboolean
serial_taken(issuing *is, int year, int level, int serial, gboolean *failed, GError **error)
{
    sc_sqldb_stmt *s = is->r->find_serial;
    bind_text(s, 1, is->r->prefix);
    sc_sqldb_bind_int64(s, 2, year);
    sc_sqldb_bind_int64(s, 3, level);
    sc_sqldb_bind_int64(s, 4, serial);
    gboolean taken = step_row(is->r, s, _("looking up a number"), failed, error);
    if (taken)
        sc_sqldb_reset(s);
    return taken;
}

// Record ITEM under NUMBER.  FALSE with *ERROR set when the database fails.
static gboolean
insert(issuing *is, const sc_number_item *it, const sc_certno *number, const char *text,
       GError **error)
{
    sc_sqldb_stmt *s = is->r->insert;
    bind_text(s, 1, text);
    bind_text(s, 2, is->r->prefix);
    sc_sqldb_bind_int64(s, 3, number->year);
    sc_sqldb_bind_int64(s, 4, it->level);
    sc_sqldb_bind_int64(s, 5, number->serial);
    bind_text(s, 6, it->name);
    bind_text(s, 7, it->id_type);
    bind_text(s, 8, it->id_number);
    bind_text(s, 9, it->occupation);
    bind_text(s, 10, work_type_of(it));
    bind_text(s, 11, it->issue_date);
    bind_text(s, 12, is->batch);
    bind_text(s, 13, is->issued_at);
    sc_sqldb_bind_int64(s, 14, it->second ? 1 : 0);
    bind_text(s, 15, it->occupation_code != NULL ? it->occupation_code : "");
    return step_done(is->r, s, _("recording a certificate"), error);
}

// Correct the name of certificate NUMBER from OLD to NEW, keeping the history.
static gboolean
correct_name(issuing *is, const char *number, const char *old, const char *new_name, GError **error)
{
    sc_sqldb_stmt *s = is->r->correct;
    bind_text(s, 1, number);
    bind_text(s, 2, new_name);
    if (!step_done(is->r, s, _("correcting a certificate"), error))
        return FALSE;
    s = is->r->log_fix;
    bind_text(s, 1, number);
    bind_text(s, 2, SC_FIELD_NAME);
    bind_text(s, 3, old);
    bind_text(s, 4, new_name);
    bind_text(s, 5, is->batch);
    bind_text(s, 6, is->issued_at);
    return step_done(is->r, s, _("recording a correction"), error);
}

// The year of ISSUE_DATE (YYYY-MM-DD, a real date), or -1.
static int
issue_year(const char *issue_date)
{
    int y = 0, m = 0, d = 0;
    if (issue_date == NULL || strlen(issue_date) != 10 ||
        sscanf(issue_date, "%4d-%2d-%2d", &y, &m, &d) != 3 || y < 1 ||
        !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return -1;
    return y;
}

static gboolean
is_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

// An item and its issuing, for number_disagrees().
typedef struct {
    issuing *is;
    const sc_number_item *item;
} item_at;

// An sc_certno_problem_func: a given number that disagrees with its item.
static void
number_disagrees(int first, const char *message, gpointer data)
{
    (void)first;
    item_at *at = data;
    problem(at->is, SC_ERROR_INPUT, at->item, SC_FIELD_NUMBER, "%s", message);
}

// Check ITEMS before touching the register: fields present, level and date valid, a given
// number consistent with the institution, the level and the year (SPEC §3: positions 1–13 are
// the institution's, 14–15 the year of issue, 16 the level).  Adds problems.
static void
check_items(issuing *is, const sc_number_item *items, guint n)
{
    for (guint i = 0; i < n; i++) {
        const sc_number_item *it = &items[i];
        if (is_empty(it->name))
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_NAME, _("empty; every certificate needs it"));
        if (is_empty(it->id_number) || is_empty(it->id_type))
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_ID_NUMBER,
                    _("empty; every certificate needs it"));
        if (is_empty(it->occupation))
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_OCCUPATION,
                    _("empty; every certificate needs it"));
        // Which profile allows which level was checked by the caller.
        if (!sc_level_is_code(it->level))
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_LEVEL, _("level %d does not exist"),
                    it->level);
        int year = issue_year(it->issue_date);
        if (year < 0)
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_ISSUE_DATE,
                    _("\"%s\" is not a date YYYY-MM-DD"), it->issue_date ? it->issue_date : "");
        if (it->number == NULL)
            continue;
        sc_certno number;
        if (!sc_certno_split(it->number, &number)) {
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_NUMBER, _("%s is not a certificate number"),
                    it->number);
            continue;
        }
        item_at at = {is, it};
        sc_certno_check_agrees(&number, is->r->prefix, year > 0 ? year : 0, it->level,
                               number_disagrees, &at);
        if (number.serial == 0)
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_NUMBER, _("%s has serial 000000"), it->number);
    }
}

// ITEM matches the certificate H its holder already holds: a reprint, the original date; a
// correction when the name changed and CORRECT says so.  Sets the item's result.
static gboolean
reissue(issuing *is, sc_number_item *it, const held *h, GError **error)
{
    if (it->date_given && g_strcmp0(it->issue_date, h->issue_date) != 0) {
        problem(is, SC_ERROR_DUPLICATE, it, SC_FIELD_ISSUE_DATE,
                _("%s was issued on %s; this record says %s: leave 发证日期 empty to print it "
                  "again, or give --new for a second certificate"),
                h->number, h->issue_date, it->issue_date);
        return TRUE;
    }
    it->status = SC_NUMBER_REPRINT;
    if (g_strcmp0(it->name, h->name) != 0) {
        if (!it->correct) {
            problem(is, SC_ERROR_DUPLICATE, it, SC_FIELD_NAME,
                    _("%s was issued to %s; this record says %s: give --correct to correct the "
                      "register and print it with the same number"),
                    h->number, h->name, it->name);
            return TRUE;
        }
        if (!correct_name(is, h->number, h->name, it->name, error))
            return FALSE;
        it->status = SC_NUMBER_CORRECTED;
    }
    if (!is_empty(it->occupation_code)) {
        sc_sqldb_stmt *s = is->r->fill_code;
        bind_text(s, 1, h->number);
        bind_text(s, 2, it->occupation_code);
        if (!step_done(is->r, s, _("recording a certificate's 职业编码"), error))
            return FALSE;
    }
    it->assigned = g_strdup(h->number);
    it->assigned_date = g_strdup(h->issue_date);
    return TRUE;
}

// A pre-assigned NUMBER: recorded (the counter does not move), or the same holder's reprint.
static gboolean
record_given(issuing *is, sc_number_item *it, GError **error)
{
    gboolean failed = FALSE;
    held h = {0};
    if (find_number(is->r, it->number, &h, &failed, error)) {
        gboolean same = g_strcmp0(h.id_number, it->id_number) == 0 &&
                        g_strcmp0(h.id_type, it->id_type) == 0 &&
                        g_strcmp0(h.occupation, it->occupation) == 0 &&
                        g_strcmp0(h.work_type, work_type_of(it)) == 0 && h.level == it->level;
        gboolean ok = TRUE;
        if (h.void_reason != NULL)
            problem(is, SC_ERROR_DUPLICATE, it, SC_FIELD_NUMBER,
                    _("%s is void (%s) and is never issued again"), it->number, h.void_reason);
        else if (!same)
            problem(is, SC_ERROR_DUPLICATE, it, SC_FIELD_NUMBER,
                    _("%s is already issued to a different certificate"), it->number);
        else
            ok = reissue(is, it, &h, error);
        held_clear(&h);
        return ok;
    }
    if (failed)
        return FALSE;
    if (!it->second && find_holder(is, it, &h, &failed, error)) {
        problem(is, SC_ERROR_DUPLICATE, it, SC_FIELD_NUMBER,
                _("this certificate was already issued as %s, not %s"), h.number, it->number);
        held_clear(&h);
        return TRUE;
    }
    if (failed)
        return FALSE;
    sc_certno given;
    sc_certno_split(it->number, &given); // of the right shape: check_items()
    if (!insert(is, it, &given, it->number, error))
        return FALSE;
    it->assigned = g_strdup(it->number);
    it->assigned_date = g_strdup(it->issue_date);
    it->status = SC_NUMBER_NEW;
    return TRUE;
}

// The next serial of C never issued (pre-assigned serials skipped), or 0 when none is left.
static int
next_serial(issuing *is, counter *c, gboolean *failed, GError **error)
{
    for (int serial = c->last + 1; serial <= SC_CERTNO_SERIAL_MAX; serial++)
        if (!serial_taken(is, c->year, c->level, serial, failed, error) || *failed)
            return *failed ? 0 : serial;
    return 0;
}

// A new number for IT: the next serial of its (year, level).
static gboolean
allocate(issuing *is, sc_number_item *it, GError **error)
{
    gboolean failed = FALSE;
    int year = issue_year(it->issue_date) % 100;
    counter *c = get_counter(is, year, it->level, error);
    if (c == NULL)
        return FALSE;
    int serial = c->exhausted ? 0 : next_serial(is, c, &failed, error);
    if (failed)
        return FALSE;
    // Running out is an error, never a wrap (SPEC §3; 004 附件4 二(七): 000001–999999).
    if (serial == 0) {
        if (!c->exhausted)
            problem(is, SC_ERROR_EXHAUSTED, it, SC_FIELD_NUMBER,
                    _("no serial left for institution %s, year %02d, level %d: %06d is "
                      "already issued and serials are never reused"),
                    is->r->prefix, year, it->level, SC_CERTNO_SERIAL_MAX);
        c->exhausted = TRUE;
        return TRUE;
    }
    sc_certno number;
    sc_certno_make(is->r->prefix, year + 2000, it->level, serial, &number);
    char *text = sc_certno_format(&number);
    if (!insert(is, it, &number, text, error)) {
        g_free(text);
        return FALSE;
    }
    c->last = serial;
    c->dirty = TRUE;
    it->assigned = text;
    it->assigned_date = g_strdup(it->issue_date);
    it->status = SC_NUMBER_NEW;
    return TRUE;
}

// Number IT: its reprint, its given number, or a new one.
static gboolean
issue_item(issuing *is, sc_number_item *it, GError **error)
{
    if (it->number != NULL)
        return record_given(is, it, error);
    gboolean failed = FALSE;
    held h = {0};
    if (!it->second && find_holder(is, it, &h, &failed, error)) {
        gboolean ok = reissue(is, it, &h, error);
        held_clear(&h);
        return ok;
    }
    return !failed && allocate(is, it, error);
}

// Whether stock SHEET was printed or spoiled before.  *FAILED and *ERROR set when the database
// fails.
static gboolean
sheet_taken(sc_registry *r, const char *sheet, gboolean *failed, GError **error)
{
    g_autofree char *sql = sql_printf("SELECT 1 FROM prints WHERE stock = %Q UNION ALL "
                                      "SELECT 1 FROM spoiled WHERE serial = %Q",
                                      sheet, sheet);
    g_autofree char *found = query_text(r, sql, NULL, failed, error);
    return found != NULL;
}

// Record the stock RANGE a print run was given, once.
static gboolean
record_stock_range(issuing *is, const char *text, GError **error)
{
    sc_stock_range range;
    if (!sc_registry_stock_parse(text, &range, error))
        return FALSE;
    g_autofree char *sql = sql_printf(
        "INSERT INTO stock_ranges (letters, first, last, width, batch, at) SELECT %Q, %llu, "
        "%llu, %d, %Q, %Q WHERE NOT EXISTS (SELECT 1 FROM stock_ranges WHERE letters = %Q AND "
        "first = %llu AND last = %llu AND width = %d)",
        range.letters, (unsigned long long)range.first, (unsigned long long)range.last, range.width,
        is->batch, is->issued_at, range.letters, (unsigned long long)range.first,
        (unsigned long long)range.last, range.width);
    return exec(is->r, sql, error);
}

// The stock sheets of the items: each unused (SPEC: a numbered sheet is printed once), and the
// ranges recorded.  Adds problems.
static gboolean
check_stock(issuing *is, sc_number_item *items, guint n, GError **error)
{
    const char *recorded = NULL;
    for (guint i = 0; i < n; i++) {
        gboolean failed = FALSE;
        if (items[i].stock != NULL && sheet_taken(is->r, items[i].stock, &failed, error))
            problem(is, SC_ERROR_DUPLICATE, &items[i], "证书内芯",
                    _("stock sheet %s was already printed or spoiled: give --stock-serials "
                      "the sheets now in the printer"),
                    items[i].stock);
        if (failed)
            return FALSE;
        if (items[i].stock_range != NULL && g_strcmp0(recorded, items[i].stock_range) != 0) {
            if (!record_stock_range(is, items[i].stock_range, error))
                return FALSE;
            recorded = items[i].stock_range;
        }
    }
    return TRUE;
}

// Log the print of every numbered item.
static gboolean
log_prints(issuing *is, sc_number_item *items, guint n, GError **error)
{
    if (!check_stock(is, items, n, error))
        return FALSE;
    for (guint i = 0; i < n && is->found == 0; i++) {
        if (items[i].unprinted)
            continue;
        sc_sqldb_stmt *s = is->r->log_print;
        bind_text(s, 1, items[i].assigned);
        bind_text(s, 2, is->batch);
        bind_text(s, 3, items[i].output != NULL ? items[i].output : "");
        bind_text(s, 4, is->issued_at);
        bind_text(s, 5, items[i].stock); // NULL: no numbered stock
        // The file's hash, when the file carries the number it is logged under (issue 13).
        if (items[i].sha256 != NULL && g_strcmp0(items[i].sha256_number, items[i].assigned) == 0)
            bind_text(s, 6, items[i].sha256);
        else
            sc_sqldb_bind_null(s, 6);
        if (!step_done(is->r, s, _("logging a print"), error))
            return FALSE;
    }
    return TRUE;
}

// Write back the counters the batch moved.
static gboolean
save_counters(issuing *is, GError **error)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, is->counters);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        counter *c = value;
        if (!c->dirty)
            continue;
        sc_sqldb_stmt *s = is->r->put_last;
        bind_text(s, 1, is->r->prefix);
        sc_sqldb_bind_int64(s, 2, c->year);
        sc_sqldb_bind_int64(s, 3, c->level);
        sc_sqldb_bind_int64(s, 4, c->last);
        if (!step_done(is->r, s, _("saving a serial counter"), error))
            return FALSE;
    }
    return TRUE;
}

static void
clear_results(sc_number_item *items, guint n)
{
    for (guint i = 0; i < n; i++) {
        g_clear_pointer(&items[i].assigned, g_free);
        g_clear_pointer(&items[i].assigned_date, g_free);
    }
}

// Set *ERROR for a batch's transaction that failed (saying WHAT): a PostgreSQL connection lost
// is said as such, with what it means.
static void
batch_failed(sc_registry *r, const char *what, GError **error)
{
    if (!sc_sqldb_is_lost(r->db)) {
        set_db_error(r, error, what);
        return;
    }
    g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                _("%s: %s: the connection to the register's server was lost (%s): no number of "
                  "this batch was issued; run it again"),
                r->path, what, sc_sqldb_errmsg(r->db));
}

// Issue ITEMS in one transaction, left open when KEEP (for sc_registry_end_issue()), else rolled
// back once the numbers are known (a preview).
static gboolean
issue_batch(sc_registry *r, const char *batch, sc_number_item *items, guint n, gboolean keep,
            sc_problems *problems, GError **error)
{
    g_return_val_if_fail(r != NULL && problems != NULL && !r->open, FALSE);
    g_return_val_if_fail(items != NULL || n == 0, FALSE);
    for (guint i = 0; i < n; i++)
        items[i].assigned = items[i].assigned_date = NULL;

    GDateTime *now = g_date_time_new_now_local();
    issuing is = {
        .r = r,
        .batch = batch != NULL ? batch : "",
        .issued_at = g_date_time_format_iso8601(now),
        .counters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .problems = problems,
    };
    g_date_time_unref(now);
    gboolean ok = FALSE;

    check_items(&is, items, n);
    if (is.found > 0)
        goto out;
    // One transaction for the whole batch, taking the write lock at once: a concurrent batch
    // waits (busy timeout) instead of failing half-way.
    if (!begin_write(r)) {
        batch_failed(r, _("cannot lock the register"), error);
        goto out;
    }
    r->open = TRUE;
    // Pre-assigned numbers first, so that allocation skips them.
    for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; i < n; i++)
            if ((items[i].number != NULL) == (pass == 0) && !issue_item(&is, &items[i], error))
                goto out;
    if (is.found > 0 || !save_counters(&is, error) || !log_prints(&is, items, n, error) ||
        is.found > 0)
        goto out;
    ok = TRUE;
out:
    if (r->open && (!ok || !keep)) {
        sc_sqldb_exec(r->db, "ROLLBACK");
        r->open = FALSE;
    }
    if (!ok)
        clear_results(items, n);
    if (!ok && is.found > 0 && (error == NULL || *error == NULL))
        g_set_error(error, SC_ERROR, is.code,
                    g_dngettext(GETTEXT_PACKAGE, "%u problem found", "%u problems found", is.found),
                    is.found);
    g_hash_table_unref(is.counters);
    g_free(is.issued_at);
    return ok;
}

gboolean
sc_registry_begin_issue(sc_registry *registry, const char *batch, sc_number_item *items, guint n,
                        sc_problems *problems, GError **error)
{
    return issue_batch(registry, batch, items, n, /*keep*/ TRUE, problems, error);
}

gboolean
sc_registry_end_issue(sc_registry *registry, gboolean keep, GError **error)
{
    g_return_val_if_fail(registry != NULL, FALSE);
    if (!registry->open)
        return TRUE;
    registry->open = FALSE;
    if (!keep) {
        sc_sqldb_exec(registry->db, "ROLLBACK");
        return TRUE;
    }
    if (!sc_sqldb_exec(registry->db, "COMMIT")) {
        batch_failed(registry, _("cannot commit the batch"), error);
        sc_sqldb_exec(registry->db, "ROLLBACK");
        return FALSE;
    }
    return TRUE;
}

gboolean
sc_registry_issue(sc_registry *registry, const char *batch, sc_number_item *items, guint n,
                  sc_problems *problems, GError **error)
{
    if (!sc_registry_begin_issue(registry, batch, items, n, problems, error))
        return FALSE;
    if (sc_registry_end_issue(registry, TRUE, error))
        return TRUE;
    clear_results(items, n);
    return FALSE;
}

gboolean
sc_registry_preview(sc_registry *registry, sc_number_item *items, guint n, sc_problems *problems,
                    GError **error)
{
    return issue_batch(registry, "preview", items, n, /*keep*/ FALSE, problems, error);
}

char *
sc_registry_peek(sc_registry *registry, int year, int level, GError **error)
{
    g_return_val_if_fail(registry != NULL, NULL);
    if (year < 1000 || year > 9999) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("year %d is not a four-digit year"), year);
        return NULL;
    }
    if (!sc_level_is_code(level)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("level %d does not exist"), level);
        return NULL;
    }
    // The numbers the next certificate would get: a dry run of one allocation.
    issuing is = {
        .r = registry,
        .counters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
    };
    gboolean failed = FALSE;
    char *next = NULL;
    counter *c = get_counter(&is, year % 100, level, error);
    int serial = c != NULL ? next_serial(&is, c, &failed, error) : 0;
    if (c != NULL && !failed && serial == 0)
        g_set_error(error, SC_ERROR, SC_ERROR_EXHAUSTED,
                    _("no serial left for institution %s, year %02d, level %d: %06d is "
                      "already issued and serials are never reused"),
                    registry->prefix, year % 100, level, SC_CERTNO_SERIAL_MAX);
    if (serial > 0) {
        sc_certno number;
        sc_certno_make(registry->prefix, year, level, serial, &number);
        next = sc_certno_format(&number);
    }
    g_hash_table_unref(is.counters);
    return next;
}

gboolean
sc_registry_void(sc_registry *registry, const char *number, const char *reason, GError **error)
{
    g_return_val_if_fail(registry != NULL && number != NULL && reason != NULL, FALSE);
    gboolean failed = FALSE;
    held h = {0};
    if (!find_number(registry, number, &h, &failed, error)) {
        if (!failed)
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: not issued by this register (%s)"),
                        number, registry->path);
        return FALSE;
    }
    gboolean ok = FALSE;
    if (h.void_reason != NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s is already void (%s)"), number,
                    h.void_reason);
    } else {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *at = g_date_time_format_iso8601(now);
        // Only if still not void: a void made meanwhile by another process is not overwritten.
        g_autofree char *sql =
            sql_printf("UPDATE certificates SET void_reason = %Q, voided_at = %Q WHERE number = %Q "
                       "AND void_reason IS NULL",
                       reason, at, number);
        gint64 changes = 0;
        ok = exec_write(registry, sql, &changes, error);
        if (ok && changes == 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s is already void"), number);
            ok = FALSE;
        }
    }
    held_clear(&h);
    return ok;
}

// Append to OUT the corrections and prints of NUMBER.
static gboolean
show_history(sc_registry *r, const char *number, GString *out, GError **error)
{
    g_autofree char *sql = sql_printf(
        "SELECT at, field, old_value, new_value FROM corrections WHERE number = %Q ORDER BY at;",
        number);
    g_autofree char *prints = sql_printf(
        "SELECT at, output, batch, sha256 FROM prints WHERE number = %Q ORDER BY at, rowid",
        number);
    sc_sqldb_stmt *s = NULL;
    for (int pass = 0; pass < 2; pass++) {
        if ((s = sc_sqldb_prepare(r->db, pass == 0 ? sql : prints, FALSE)) == NULL) {
            set_db_error(r, error, _("reading the history"));
            return FALSE;
        }
        int rc;
        guint count = 0;
        while ((rc = sc_sqldb_step(s)) == SC_SQLDB_ROW) {
            const char *a = (const char *)sc_sqldb_column_text(s, 0);
            const char *b = (const char *)sc_sqldb_column_text(s, 1);
            const char *c = (const char *)sc_sqldb_column_text(s, 2);
            if (pass == 0)
                g_string_append_printf(out, _("  更正 %s：%s 由 %s 改为 %s\n"), a, b, c,
                                       (const char *)sc_sqldb_column_text(s, 3));
            else
                g_string_append_printf(out, _("  打印 %s：%s（%s）\n"), a, *b ? b : "-", c);
            const char *sha = pass == 1 ? (const char *)sc_sqldb_column_text(s, 3) : NULL;
            if (sha != NULL)
                g_string_append_printf(out, "    SHA-256 %s\n", sha);
            count++;
        }
        sc_sqldb_finalize(s);
        if (rc != SC_SQLDB_DONE) {
            set_db_error(r, error, _("reading the history"));
            return FALSE;
        }
        if (pass == 1)
            g_string_append_printf(out, _("  共打印 %u 次\n"), count);
    }
    return TRUE;
}

gboolean
sc_registry_find_file(sc_registry *registry, const char *sha256, char **number, guint *count,
                      char **void_reason, GError **error)
{
    g_return_val_if_fail(registry != NULL && sha256 != NULL && number != NULL, FALSE);
    *number = NULL;
    if (count != NULL)
        *count = 0;
    if (void_reason != NULL)
        *void_reason = NULL;
    // Every certificate the file carries (a print file, many): the first, or the first voided.
    static const char sql[] =
        "SELECT DISTINCT p.number, c.void_reason FROM prints p JOIN certificates c "
        "ON c.number = p.number WHERE p.sha256 = ?1 ORDER BY p.number";
    sc_sqldb_stmt *s = NULL;
    if ((s = sc_sqldb_prepare(registry->db, sql, FALSE)) == NULL) {
        set_db_error(registry, error, _("reading the print log"));
        return FALSE;
    }
    bind_text(s, 1, sha256);
    gboolean voided = FALSE;
    int rc;
    while ((rc = sc_sqldb_step(s)) == SC_SQLDB_ROW) {
        if (count != NULL)
            (*count)++;
        const char *reason = (const char *)sc_sqldb_column_text(s, 1);
        if (*number != NULL && (voided || reason == NULL))
            continue;
        g_free(*number);
        *number = g_strdup((const char *)sc_sqldb_column_text(s, 0));
        voided = reason != NULL;
        if (void_reason != NULL && voided)
            *void_reason = g_strdup(reason);
    }
    sc_sqldb_finalize(s);
    if (rc != SC_SQLDB_DONE) {
        set_db_error(registry, error, _("reading the print log"));
        g_clear_pointer(number, g_free);
        if (void_reason != NULL)
            g_clear_pointer(void_reason, g_free);
        return FALSE;
    }
    return TRUE;
}

char *
sc_registry_show(sc_registry *registry, const char *number, const char *id_number, GError **error)
{
    g_return_val_if_fail(registry != NULL && (number != NULL) != (id_number != NULL), NULL);
    g_autofree char *sql = sql_printf(
        "SELECT number, name, id_type, id_number, occupation, work_type, level, issue_date, "
        "issued_at, batch, void_reason, voided_at, second FROM certificates WHERE %s = %Q "
        "ORDER BY issued_at, number",
        number != NULL ? "number" : "id_number", number != NULL ? number : id_number);
    sc_sqldb_stmt *s = NULL;
    if ((s = sc_sqldb_prepare(registry->db, sql, FALSE)) == NULL) {
        set_db_error(registry, error, _("reading the register"));
        return NULL;
    }
    GString *out = g_string_new(NULL);
    int rc;
    gboolean ok = TRUE;
    while (ok && (rc = sc_sqldb_step(s)) == SC_SQLDB_ROW) {
        const char *col[13];
        for (int i = 0; i < 13; i++)
            col[i] = (const char *)sc_sqldb_column_text(s, i);
        g_string_append_printf(
            out, _("%s  %s（%s %s）\n  %s / %s / %s\n  发证日期 %s，登记于 %s（%s）%s\n"), col[0],
            col[1], col[2], col[3], col[4], col[5], sc_level_name((int)sc_sqldb_column_int64(s, 6)),
            col[7], col[8], col[9],
            (int)sc_sqldb_column_int64(s, 12) ? _("，另发的第二份证书") : "");
        if (col[10] != NULL)
            g_string_append_printf(out, _("  已作废（%s）：%s\n"), col[11], col[10]);
        g_autofree char *num = g_strdup(col[0]);
        ok = show_history(registry, num, out, error);
    }
    sc_sqldb_finalize(s);
    if (ok && rc != SC_SQLDB_DONE) {
        set_db_error(registry, error, _("reading the register"));
        ok = FALSE;
    }
    if (ok && out->len == 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: not in the register %s"),
                    number != NULL ? number : id_number, registry->path);
        ok = FALSE;
    }
    return g_string_free(out, !ok);
}

// --- Reports --------------------------------------------------------------------------------

// Every certificate with its prints and corrections counted; ?1–?3: from, to, level (NULL/0:
// any), ?4: 1 to leave void ones out.  (The casts tell PostgreSQL what a NULL bound is.)
static const char each_sql[] =
    "SELECT c.number, c.name, c.id_type, c.id_number, c.occupation, c.occupation_code, "
    "c.work_type, c.level, c.issue_date, c.void_reason, "
    "(SELECT count(*) FROM prints p WHERE p.number = c.number), "
    "(SELECT count(*) FROM corrections k WHERE k.number = c.number) "
    "FROM certificates c WHERE (CAST(?1 AS TEXT) IS NULL OR c.issue_date >= ?1) "
    "AND (CAST(?2 AS TEXT) IS NULL OR c.issue_date <= ?2) AND (?3 = 0 OR c.level = ?3) "
    "AND (?4 = 0 OR c.void_reason IS NULL) ORDER BY c.issue_date, c.number";

gboolean
sc_registry_each(sc_registry *registry, const sc_registry_filter *filter,
                 sc_registry_each_func func, gpointer data, GError **error)
{
    g_return_val_if_fail(registry != NULL && func != NULL, FALSE);
    const sc_registry_filter all = {0};
    if (filter == NULL)
        filter = &all;
    sc_sqldb_stmt *s = NULL;
    if ((s = sc_sqldb_prepare(registry->db, each_sql, FALSE)) == NULL) {
        set_db_error(registry, error, _("reading the register"));
        return FALSE;
    }
    bind_text(s, 1, filter->from);
    bind_text(s, 2, filter->to);
    sc_sqldb_bind_int64(s, 3, filter->level);
    sc_sqldb_bind_int64(s, 4, filter->skip_void ? 1 : 0);
    int rc;
    gboolean ok = TRUE;
    while (ok && (rc = sc_sqldb_step(s)) == SC_SQLDB_ROW) {
        const char *col[10];
        for (int i = 0; i < 10; i++)
            col[i] = (const char *)sc_sqldb_column_text(s, i);
        sc_registry_entry e = {
            .number = col[0],
            .name = col[1],
            .id_type = col[2],
            .id_number = col[3],
            .occupation = col[4],
            .occupation_code = col[5],
            .work_type = col[6],
            .level = (int)sc_sqldb_column_int64(s, 7),
            .issue_date = col[8],
            .void_reason = col[9],
            .prints = (guint)(int)sc_sqldb_column_int64(s, 10),
            .corrections = (guint)(int)sc_sqldb_column_int64(s, 11),
        };
        e.state = e.void_reason != NULL ? SC_REGISTRY_VOID
                  : e.corrections > 0   ? SC_REGISTRY_CORRECTED
                  : e.prints > 1        ? SC_REGISTRY_REPRINTED
                                        : SC_REGISTRY_ISSUED;
        ok = func(&e, data, error);
    }
    if (ok && rc != SC_SQLDB_DONE) {
        set_db_error(registry, error, _("reading the register"));
        ok = FALSE;
    }
    sc_sqldb_finalize(s);
    return ok;
}

// --- Blank stock (证书内芯) -------------------------------------------------------------------

// One end of a range: letters, then digits.  FALSE if TEXT is not one.
static gboolean
parse_sheet(const char *text, sc_stock_range *out, guint64 *value)
{
    gsize letters = 0;
    while (g_ascii_isalpha(text[letters]))
        letters++;
    gsize digits = strlen(text + letters);
    if (letters >= sizeof out->letters || digits == 0 || digits > 12)
        return FALSE;
    for (gsize i = letters; text[i] != '\0'; i++)
        if (!g_ascii_isdigit(text[i]))
            return FALSE;
    memcpy(out->letters, text, letters);
    out->letters[letters] = '\0';
    out->width = (int)digits;
    *value = g_ascii_strtoull(text + letters, NULL, 10);
    return TRUE;
}

gboolean
sc_registry_stock_parse(const char *text, sc_stock_range *out, GError **error)
{
    g_autofree char *copy = g_strstrip(g_strdup(text));
    char *dash = strchr(copy, '-');
    if (dash != NULL)
        *dash = '\0';
    const char *second = dash != NULL ? g_strstrip(dash + 1) : g_strstrip(copy);
    sc_stock_range a = {0}, b = {0};
    guint64 first = 0, last = 0;
    gboolean ok = parse_sheet(g_strstrip(copy), &a, &first) && parse_sheet(second, &b, &last) &&
                  strcmp(a.letters, b.letters) == 0 && a.width == b.width && first <= last &&
                  last - first < SC_STOCK_RANGE_MAX;
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--stock-serials %s: write the first and last sheet, e.g. A0001001-A0001100 "
                      "(the same letters and number of digits, at most %d sheets)"),
                    text, SC_STOCK_RANGE_MAX);
        return FALSE;
    }
    *out = a;
    out->first = first;
    out->last = last;
    return TRUE;
}

char *
sc_registry_stock_sheet(const sc_stock_range *range, guint64 i)
{
    return g_strdup_printf("%s%0*llu", range->letters, range->width,
                           (unsigned long long)(range->first + i));
}

gboolean
sc_registry_spoil(sc_registry *registry, const char *sheet, const char *reason, GError **error)
{
    sc_stock_range one;
    if (!sc_registry_stock_parse(sheet, &one, error))
        return FALSE;
    if (one.first != one.last) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("%s: give one sheet, e.g. A0001005; spoil the others one by one"), sheet);
        return FALSE;
    }
    g_autofree char *text = sc_registry_stock_sheet(&one, 0);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *at = g_date_time_format_iso8601(now);
    g_autofree char *sql = sql_printf(
        "INSERT INTO spoiled (serial, reason, at) VALUES (%Q, %Q, %Q) ON CONFLICT DO NOTHING", text,
        reason, at);
    gint64 changes = 0;
    if (!exec_write(registry, sql, &changes, error))
        return FALSE;
    if (changes == 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("stock sheet %s is already spoiled"), text);
        return FALSE;
    }
    return TRUE;
}

// The serials of one query (first column) into SET.
static gboolean
collect(sc_registry *r, const char *sql, GHashTable *set, GError **error)
{
    sc_sqldb_stmt *s = NULL;
    if ((s = sc_sqldb_prepare(r->db, sql, FALSE)) == NULL) {
        set_db_error(r, error, _("reading the stock"));
        return FALSE;
    }
    int rc;
    while ((rc = sc_sqldb_step(s)) == SC_SQLDB_ROW)
        g_hash_table_add(set, g_strdup((const char *)sc_sqldb_column_text(s, 0)));
    sc_sqldb_finalize(s);
    if (rc != SC_SQLDB_DONE) {
        set_db_error(r, error, _("reading the stock"));
        return FALSE;
    }
    return TRUE;
}

// The recorded ranges, merged where they overlap or touch (same letters and width).
static GArray *
merged_ranges(sc_registry *r, GError **error)
{
    sc_sqldb_stmt *s = NULL;
    if ((s = sc_sqldb_prepare(r->db,
                              "SELECT letters, width, first, last FROM stock_ranges "
                              "ORDER BY letters, width, first, last",
                              FALSE)) == NULL) {
        set_db_error(r, error, _("reading the stock"));
        return NULL;
    }
    GArray *out = g_array_new(FALSE, TRUE, sizeof(sc_stock_range));
    while (sc_sqldb_step(s) == SC_SQLDB_ROW) {
        sc_stock_range x = {.width = (int)sc_sqldb_column_int64(s, 1),
                            .first = (guint64)sc_sqldb_column_int64(s, 2),
                            .last = (guint64)sc_sqldb_column_int64(s, 3)};
        g_strlcpy(x.letters, (const char *)sc_sqldb_column_text(s, 0), sizeof x.letters);
        sc_stock_range *prev =
            out->len > 0 ? &g_array_index(out, sc_stock_range, out->len - 1) : NULL;
        if (prev != NULL && strcmp(prev->letters, x.letters) == 0 && prev->width == x.width &&
            x.first <= prev->last + 1)
            prev->last = MAX(prev->last, x.last);
        else
            g_array_append_val(out, x);
    }
    sc_sqldb_finalize(s);
    return out;
}

// Count the sheets of RANGE that are in USED (and not spoiled) and in SPOILED, removing them
// from both sets (what is left lies outside every range).
static void
count_range(const sc_stock_range *range, GHashTable *used, GHashTable *spoiled, guint *n_used,
            guint *n_spoiled)
{
    *n_used = *n_spoiled = 0;
    for (guint64 i = 0; range->first + i <= range->last; i++) {
        g_autofree char *sheet = sc_registry_stock_sheet(range, i);
        gboolean u = g_hash_table_remove(used, sheet), sp = g_hash_table_remove(spoiled, sheet);
        if (sp)
            ++*n_spoiled;
        else if (u)
            ++*n_used;
    }
}

char *
sc_registry_stock_report(sc_registry *registry, GError **error)
{
    g_autoptr(GHashTable) used = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) spoiled = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!collect(registry, "SELECT stock FROM prints WHERE stock IS NOT NULL", used, error) ||
        !collect(registry, "SELECT serial FROM spoiled", spoiled, error))
        return NULL;
    g_autoptr(GArray) ranges = merged_ranges(registry, error);
    if (ranges == NULL)
        return NULL;
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < ranges->len; i++) {
        const sc_stock_range *r = &g_array_index(ranges, sc_stock_range, i);
        guint n_used, n_spoiled;
        count_range(r, used, spoiled, &n_used, &n_spoiled);
        guint size = (guint)(r->last - r->first + 1);
        g_autofree char *a = sc_registry_stock_sheet(r, 0);
        g_autofree char *b = sc_registry_stock_sheet(r, r->last - r->first);
        g_string_append_printf(out, _("%s-%s: %u sheets, %u used, %u spoiled, %u remaining\n"), a,
                               b, size, n_used, n_spoiled, size - n_used - n_spoiled);
    }
    guint outside = g_hash_table_size(used) + g_hash_table_size(spoiled);
    if (outside > 0)
        g_string_append_printf(out, _("outside every range: %u used, %u spoiled\n"),
                               g_hash_table_size(used), g_hash_table_size(spoiled));
    if (out->len == 0)
        g_string_append(out, _("no stock sheets recorded (render --stock-serials A-B)\n"));
    return g_string_free(out, FALSE);
}

// --- The number source ----------------------------------------------------------------------

// The register behind the number-source plug point (numbering.h).
typedef struct {
    sc_number_source base;
    sc_registry *registry;
    char *batch;
} registry_source;

static gboolean
source_assign(sc_number_source *self, sc_number_item *items, guint n, gboolean dry_run,
              sc_problems *problems, GError **error)
{
    registry_source *rs = (registry_source *)self;
    if (dry_run)
        return sc_registry_preview(rs->registry, items, n, problems, error);
    // A consistent copy first: a register damaged later is restored from it.  A PostgreSQL
    // register's copies are its server's.
    g_autofree char *backup =
        sc_registry_is_file(rs->registry)
            ? sc_registry_backup_rotate(rs->registry, SC_REGISTRY_BACKUPS, error)
            : g_strdup("");
    return backup != NULL &&
           sc_registry_begin_issue(rs->registry, rs->batch, items, n, problems, error);
}

static gboolean
source_finish(sc_number_source *self, gboolean keep, GError **error)
{
    return sc_registry_end_issue(((registry_source *)self)->registry, keep, error);
}

static void
source_free(sc_number_source *self)
{
    registry_source *rs = (registry_source *)self;
    sc_registry_close(rs->registry);
    g_free(rs->batch);
    g_free(rs);
}

sc_number_source *
sc_registry_source_new(const char *path, const char *prefix, const char *batch, GError **error)
{
    g_return_val_if_fail(prefix != NULL, NULL);
    sc_registry *registry = sc_registry_open(path, prefix, error);
    if (registry == NULL)
        return NULL;
    registry_source *rs = g_new0(registry_source, 1);
    rs->base.assign = source_assign;
    rs->base.finish = source_finish;
    rs->base.free = source_free;
    rs->registry = registry;
    rs->batch = g_strdup(batch);
    return &rs->base;
}
