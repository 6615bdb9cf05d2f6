// test-sqldb.c - the SQL under the register (issue 14): addresses told from files and shown
// without their password; on both engines the same statements give the same answers —
// SQLite's placeholders (?N, ?) rewritten for PostgreSQL but never inside quoted text, NULLs and
// 64-bit integers carried, rows changed counted, a COMMIT of a failed transaction a failure, a
// connection lost known as such.  PostgreSQL: the test server at $SC_TEST_PG (tests/run.sh);
// without it these cases fail.
#include "sqldb.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

static void
test_display_name(void)
{
    static const struct {
        const char *where, *shown;
    } cases[] = {
        {"/var/lib/skillcert/r.db", "/var/lib/skillcert/r.db"},
        {"postgresql://desk@db.example/register", "postgresql://desk@db.example/register"},
        {"postgresql://desk:s3cret@db.example:5432/register",
         "postgresql://desk@db.example:5432/register"},
        {"postgres://desk:s3cret@/register?host=/run/postgresql",
         "postgres://desk@/register?host=/run/postgresql"},
        {"postgresql:///register?host=/tmp&password=s3cret&sslmode=require",
         "postgresql:///register?host=/tmp&sslmode=require"},
        {"postgresql:///register?password=s3cret", "postgresql:///register"},
        // A password with @ in it (percent-encoded or not): the last @ ends it.
        {"postgresql://desk:p@ss@host/db", "postgresql://desk@host/db"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *shown = sc_sqldb_display_name(cases[i].where);
        g_assert_cmpstr(shown, ==, cases[i].shown);
    }
    g_assert_true(sc_sqldb_is_address("postgres://x"));
    g_assert_true(sc_sqldb_is_address("postgresql://x"));
    g_assert_false(sc_sqldb_is_address("postgresql.db"));
    g_assert_false(sc_sqldb_is_address(NULL));
}

// A database of the engine DATA names: a SQLite file in DIR, or a schema of its own on the test
// server.  *DROP: the SQL that removes the schema afterwards (NULL for SQLite).
static sc_sqldb *
open_engine(gconstpointer data, const char *dir, char **drop)
{
    *drop = NULL;
    if (data == NULL) {
        g_autofree char *path = g_build_filename(dir, "t.db", NULL);
        sqlite3 *lite = NULL;
        g_assert_cmpint(sqlite3_open(path, &lite), ==, SQLITE_OK);
        return sc_sqldb_open_sqlite(lite);
    }
    const char *server = g_getenv("SC_TEST_PG");
    if (!sc_sqldb_is_address(server))
        g_error("no PostgreSQL test server: SC_TEST_PG is %s (tests/run.sh starts one)",
                server != NULL ? server : "not set");
    char *message = NULL;
    sc_sqldb *db = sc_sqldb_open_postgresql(server, &message);
    if (db == NULL)
        g_error("%s: %s", server, message);
    g_autofree char *schema = g_strdup_printf("sqldb_%ld", (long)getpid());
    g_autofree char *make =
        g_strdup_printf("CREATE SCHEMA IF NOT EXISTS %s; SET search_path = %s", schema, schema);
    g_assert_true(sc_sqldb_exec(db, make));
    *drop = g_strdup_printf("SET search_path = public; DROP SCHEMA %s CASCADE", schema);
    return db;
}

static void
test_statements(gconstpointer data)
{
    g_autofree char *dir = g_dir_make_tmp("sc-sqldb-XXXXXX", NULL);
    g_autofree char *drop = NULL;
    sc_sqldb *db = open_engine(data, dir, &drop);
    g_assert_cmpint(sc_sqldb_get_kind(db), ==,
                    data == NULL ? SC_SQLDB_SQLITE : SC_SQLDB_POSTGRESQL);
    g_assert_true(sc_sqldb_exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT, note TEXT)"));

    // ?N in any order, a bare ? after them, a '?' inside quotes left alone.
    sc_sqldb_stmt *put = sc_sqldb_prepare(db,
                                          "INSERT INTO t (n, k, note) VALUES (?2, ?1, CASE WHEN "
                                          "CAST(? AS TEXT) IS NULL THEN 'what?' END)",
                                          TRUE);
    g_assert_nonnull(put);
    sc_sqldb_bind_text(put, 1, "a");
    sc_sqldb_bind_int64(put, 2, G_GINT64_CONSTANT(9007199254740993)); // beyond a double
    sc_sqldb_bind_null(put, 3);
    g_assert_cmpint(sc_sqldb_step(put), ==, SC_SQLDB_DONE);
    g_assert_cmpint(sc_sqldb_changes(db), ==, 1);
    sc_sqldb_reset(put);
    sc_sqldb_bind_text(put, 1, "b");
    sc_sqldb_bind_int64(put, 2, -5);
    sc_sqldb_bind_text(put, 3, "x");
    g_assert_cmpint(sc_sqldb_step(put), ==, SC_SQLDB_DONE);
    sc_sqldb_reset(put);
    // The same key again: a failure, said.
    g_assert_cmpint(sc_sqldb_step(put), ==, SC_SQLDB_ERROR);
    g_assert_cmpstr(sc_sqldb_errmsg(db), !=, "");
    sc_sqldb_finalize(put);

    sc_sqldb_stmt *get = sc_sqldb_prepare(db, "SELECT k, n, note FROM t ORDER BY k", FALSE);
    g_assert_cmpint(sc_sqldb_step(get), ==, SC_SQLDB_ROW);
    g_assert_cmpstr(sc_sqldb_column_text(get, 0), ==, "a");
    g_assert_cmpint(sc_sqldb_column_int64(get, 1), ==, G_GINT64_CONSTANT(9007199254740993));
    g_assert_cmpstr(sc_sqldb_column_text(get, 2), ==, "what?");
    g_assert_cmpint(sc_sqldb_step(get), ==, SC_SQLDB_ROW);
    g_assert_cmpint(sc_sqldb_column_int64(get, 1), ==, -5);
    g_assert_null(sc_sqldb_column_text(get, 2));
    g_assert_cmpint(sc_sqldb_step(get), ==, SC_SQLDB_DONE);
    sc_sqldb_finalize(get);

    g_assert_true(sc_sqldb_exec(db, "UPDATE t SET note = 'y'"));
    g_assert_cmpint(sc_sqldb_changes(db), ==, 2);
    g_assert_false(sc_sqldb_is_lost(db));
    if (drop != NULL) {
        // A failed statement fails the transaction: its COMMIT keeps nothing and says so.
        g_assert_true(sc_sqldb_exec(db, "BEGIN; UPDATE t SET note = 'z'"));
        g_assert_false(sc_sqldb_exec(db, "SELECT no_such_column FROM t"));
        g_assert_false(sc_sqldb_exec(db, "COMMIT"));
        g_assert_cmpint(sc_sqldb_changes(db), ==, 2);
        g_assert_true(sc_sqldb_exec(db, drop));
    }
    sc_sqldb_close(db);
    sc_test_remove_tree(dir);
}

// The server ends the session: known as lost, the reason kept on one line.
static void
test_lost(void)
{
    g_autofree char *dir = g_dir_make_tmp("sc-sqldb-XXXXXX", NULL);
    g_autofree char *drop = NULL;
    sc_sqldb *db = open_engine("postgresql", dir, &drop);
    g_assert_true(sc_sqldb_exec(db, "BEGIN"));
    g_assert_false(sc_sqldb_exec(db, "SELECT pg_terminate_backend(pg_backend_pid())"));
    g_assert_true(sc_sqldb_is_lost(db));
    g_assert_null(strchr(sc_sqldb_errmsg(db), '\n'));
    g_assert_false(sc_sqldb_exec(db, "COMMIT"));
    sc_sqldb_close(db);
    // The schema, from a new session.
    db = open_engine("postgresql", dir, &drop);
    g_assert_true(sc_sqldb_exec(db, drop));
    sc_sqldb_close(db);
    sc_test_remove_tree(dir);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/sqldb/display-name", test_display_name);
    g_test_add_data_func("/sqldb/sqlite/statements", NULL, test_statements);
    g_test_add_data_func("/sqldb/postgresql/statements", "postgresql", test_statements);
    g_test_add_func("/sqldb/postgresql/lost", test_lost);
    return g_test_run();
}
