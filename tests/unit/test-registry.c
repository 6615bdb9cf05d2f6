// test-registry.c - the register (SPEC §3 and "What the register means in an office"; issues 8
// and 9): created on purpose for one institution, refused when missing, empty, foreign, readable
// by others, newer or damaged; consecutive allocation per (year, level) that skips pre-assigned
// serials; reprints, corrections, second certificates, voids and the print log; the two-phase
// issue; backups and restores; the schema migrated from version 1; crashes and concurrent
// processes — on real files in a temporary folder.  Every test of the register's rules runs
// twice, on SQLite and on PostgreSQL (issue 14): each case in a schema of its own on the test
// server at $SC_TEST_PG (tests/run.sh starts one with tests/pg.sh; without it the PostgreSQL
// cases fail, they are never skipped).
#include "registry.h"
#include "record.h"
#include "sqldb.h"
#include "testutil.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

// Institutions of SPEC §3 and the seeds.
#define GUIZHOU   "S000052001001" // 000 附件3 示例 2
#define GUANGDONG "Y000144001005" // 004 附件4 三(一) 示例 1
#define CHONGQING "S000050000001" // 001 附件6 表1

// --- Fixtures -------------------------------------------------------------------------------

// A temporary folder with a register path in it (a SQLite file), or the address of an empty
// schema of its own on the test server (PostgreSQL); removed afterwards.
typedef struct {
    char *dir;
    char *path;
    gboolean pg;  // the register is on PostgreSQL
    char *schema; // its schema there
} fixture;

// The fixture data of the PostgreSQL cases (the SQLite ones have NULL).
static const char on_postgresql[] = "postgresql";

// The test server's address ($SC_TEST_PG), or a failed test.
static const char *
test_server(void)
{
    const char *server = g_getenv("SC_TEST_PG");
    if (!sc_sqldb_is_address(server))
        g_error("no PostgreSQL test server: SC_TEST_PG is %s (tests/run.sh starts one with "
                "tests/pg.sh start)",
                server != NULL ? server : "not set");
    return server;
}

// Run SQL on the test server as a whole (not in a case's schema).
static void
server_exec(const char *sql)
{
    char *message = NULL;
    sc_sqldb *db = sc_sqldb_open_postgresql(test_server(), &message);
    if (db == NULL)
        g_error("%s: %s", test_server(), message);
    if (!sc_sqldb_exec(db, sql))
        g_error("%s: %s", sql, sc_sqldb_errmsg(db));
    sc_sqldb_close(db);
}

static void
fixture_set_up(fixture *f, gconstpointer data)
{
    static guint cases;
    GError *error = NULL;
    f->dir = g_dir_make_tmp("sc-registry-XXXXXX", &error);
    g_assert_no_error(error);
    f->pg = data == on_postgresql;
    if (!f->pg) {
        f->path = g_build_filename(f->dir, "register.db", NULL);
        return;
    }
    const char *server = test_server();
    f->schema = g_strdup_printf("registry_%ld_%u", (long)getpid(), ++cases);
    g_autofree char *create = g_strdup_printf("CREATE SCHEMA %s", f->schema);
    server_exec(create);
    // Its connections named after the schema: the server is shared with the other tests of
    // the run, and a test that looks for its own backend must not find theirs.
    f->path = g_strdup_printf("%s%coptions=-csearch_path%%3D%s&application_name=%s", server,
                              strchr(server, '?') != NULL ? '&' : '?', f->schema, f->schema);
}

static void
fixture_tear_down(fixture *f, gconstpointer data)
{
    (void)data;
    if (f->pg) {
        g_autofree char *drop = g_strdup_printf("DROP SCHEMA %s CASCADE", f->schema);
        server_exec(drop);
        g_free(f->schema);
    }
    sc_test_remove_tree(f->dir);
    g_assert_false(g_file_test(f->dir, G_FILE_TEST_EXISTS));
    g_free(f->path);
    g_free(f->dir);
}

// A new register of PREFIX at the fixture's path.
static sc_registry *
create_ok(const fixture *f, const char *prefix)
{
    GError *error = NULL;
    sc_registry *r = sc_registry_create(f->path, prefix, &error);
    g_assert_no_error(error);
    g_assert_nonnull(r);
    return r;
}

static sc_registry *
open_ok(const char *path, const char *prefix)
{
    GError *error = NULL;
    sc_registry *r = sc_registry_open(path, prefix, &error);
    g_assert_no_error(error);
    g_assert_nonnull(r);
    return r;
}

// Opening PATH for PREFIX is refused with CODE, and the message contains WANT (or NULL).
static void
assert_open_refused(const char *path, const char *prefix, int code, const char *want)
{
    GError *error = NULL;
    g_assert_null(sc_registry_open(path, prefix, &error));
    g_assert_error(error, SC_ERROR, code);
    if (want != NULL && strstr(error->message, want) == NULL)
        g_error("\"%s\" does not contain \"%s\"", error->message, want);
    g_error_free(error);
}

// A batch of certificates to issue; owns its strings, the assigned numbers and the problems of
// its last issue.
typedef struct {
    GArray *items;         // sc_number_item
    GPtrArray *strings;    // char *, what the items borrow
    sc_problems *problems; // of the last issue()
} batch;

static batch *
batch_new(void)
{
    batch *b = g_new0(batch, 1);
    b->items = g_array_new(FALSE, TRUE, sizeof(sc_number_item));
    b->strings = g_ptr_array_new_with_free_func(g_free);
    b->problems = sc_problems_new();
    return b;
}

static const char *
keep(batch *b, char *s)
{
    g_ptr_array_add(b->strings, s);
    return s;
}

// Add a certificate for person ID (any text) at LEVEL issued on DATE (the batch's default date:
// DATE_GIVEN false), with NUMBER or NULL.  Its row is its place in the batch plus one, as in a
// records file under a header line: item 1 is row 2.  Returns the item.
static sc_number_item *
batch_add(batch *b, const char *id, int level, const char *date, const char *number)
{
    sc_number_item it = {0};
    it.row = b->items->len + 2;
    it.name = keep(b, g_strdup_printf("持证人%s", id));
    it.id_type = "居民身份证";
    it.id_number = keep(b, g_strdup(id));
    it.occupation = "营销员";
    it.work_type = "——";
    it.level = level;
    it.issue_date = keep(b, g_strdup(date));
    it.number = number != NULL ? keep(b, g_strdup(number)) : NULL;
    it.output = keep(b, g_strdup_printf("out.pdf#%u", b->items->len + 1));
    g_array_append_val(b->items, it);
    return &g_array_index(b->items, sc_number_item, b->items->len - 1);
}

static sc_number_item *
batch_item(batch *b, guint i)
{
    return &g_array_index(b->items, sc_number_item, i);
}

static sc_number_item *
batch_items(batch *b)
{
    return (sc_number_item *)(void *)b->items->data;
}

// Forget the numbers of the last issue, to issue the same batch again.
static void
batch_clear_assigned(batch *b)
{
    for (guint i = 0; i < b->items->len; i++) {
        g_clear_pointer(&batch_item(b, i)->assigned, g_free);
        g_clear_pointer(&batch_item(b, i)->assigned_date, g_free);
    }
}

static void
batch_free(batch *b)
{
    batch_clear_assigned(b);
    g_array_unref(b->items);
    g_ptr_array_unref(b->strings);
    sc_problems_free(b->problems);
    g_free(b);
}

static void
batch_reset_problems(batch *b)
{
    sc_problems_free(b->problems);
    b->problems = sc_problems_new();
}

static gboolean
issue(sc_registry *r, const char *label, batch *b, GError **error)
{
    batch_reset_problems(b);
    batch_clear_assigned(b);
    return sc_registry_issue(r, label, batch_items(b), b->items->len, b->problems, error);
}

// Issue B, which must succeed.
static void
issue_ok(sc_registry *r, const char *label, batch *b)
{
    GError *error = NULL;
    g_assert_true(issue(r, label, b, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 0);
}

// Problem I of B's last issue is about ROW's FIELD, without a file name, and its message
// contains WANT.
static void
assert_problem(const batch *b, guint i, guint row, const char *field, const char *want)
{
    g_assert_cmpuint(i, <, sc_problems_count(b->problems));
    const sc_problem *p = sc_problems_item(b->problems, i);
    g_assert_null(p->file);
    g_assert_cmpuint(p->row, ==, row);
    g_assert_cmpstr(p->field, ==, field);
    if (strstr(p->message, want) == NULL)
        g_error("problem %u: \"%s\" does not contain \"%s\"", i, p->message, want);
}

// Another connection to the register at PATH (a file or an address), to look at it from
// outside.
static sc_sqldb *
db_open(const char *path)
{
    if (sc_sqldb_is_address(path)) {
        char *message = NULL;
        sc_sqldb *db = sc_sqldb_open_postgresql(path, &message);
        if (db == NULL)
            g_error("%s: %s", path, message);
        return db;
    }
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 30000);
    return sc_sqldb_open_sqlite(db);
}

// A new SQLite database at PATH.
static sc_sqldb *
db_create_sqlite(const char *path)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(path, &db), ==, SQLITE_OK);
    return sc_sqldb_open_sqlite(db);
}

static sc_sqldb *
peek_db(const fixture *f)
{
    return db_open(f->path);
}

static void
db_exec(sc_sqldb *db, const char *sql)
{
    if (!sc_sqldb_exec(db, sql))
        g_error("%s: %s", sql, sc_sqldb_errmsg(db));
}

// The statement of a one-row query, stepped onto its row.
static sc_sqldb_stmt *
db_row(sc_sqldb *db, const char *sql)
{
    sc_sqldb_stmt *s = sc_sqldb_prepare(db, sql, FALSE);
    if (s == NULL || sc_sqldb_step(s) != SC_SQLDB_ROW)
        g_error("%s: %s", sql, sc_sqldb_errmsg(db));
    return s;
}

static gint64
db_int(sc_sqldb *db, const char *sql)
{
    sc_sqldb_stmt *s = db_row(db, sql);
    gint64 v = sc_sqldb_column_int64(s, 0);
    sc_sqldb_finalize(s);
    return v;
}

// The text a one-row query gives.  Caller frees with g_free().
static char *
db_text(sc_sqldb *db, const char *sql)
{
    sc_sqldb_stmt *s = db_row(db, sql);
    char *v = g_strdup(sc_sqldb_column_text(s, 0));
    sc_sqldb_finalize(s);
    return v;
}

// One query's integer answer, seen from another connection to the register at PATH.
static gint64
path_int(const char *path, const char *sql)
{
    sc_sqldb *db = db_open(path);
    gint64 n = db_int(db, sql);
    sc_sqldb_close(db);
    return n;
}

static gint64
count_rows(const fixture *f)
{
    return path_int(f->path, "SELECT count(*) FROM certificates");
}

static void
sql(const fixture *f, const char *text)
{
    sc_sqldb *db = peek_db(f);
    db_exec(db, text);
    sc_sqldb_close(db);
}

static void
assert_peek(sc_registry *r, int year, int level, const char *want)
{
    GError *error = NULL;
    char *next = sc_registry_peek(r, year, level, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(next, ==, want);
    g_free(next);
}

// What sc_registry_show() says about NUMBER (or the holder ID_NUMBER).  Caller frees with
// g_free().
static char *
show_ok(sc_registry *r, const char *number, const char *id_number)
{
    GError *error = NULL;
    char *text = sc_registry_show(r, number, id_number, &error);
    g_assert_no_error(error);
    g_assert_nonnull(text);
    return text;
}

// TEXT contains WANT, COUNT times.
static void
assert_contains(const char *text, const char *want, guint count)
{
    guint found = 0;
    for (const char *p = text; (p = strstr(p, want)) != NULL; p += strlen(want))
        found++;
    if (found != count)
        g_error("\"%s\" contains \"%s\" %u times, not %u", text, want, found, count);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

// The files in DIR whose names start with PREFIX, sorted.  Caller frees with
// g_ptr_array_unref().
static GPtrArray *
files_starting(const char *dir, const char *prefix)
{
    GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL)
        if (g_str_has_prefix(name, prefix))
            g_ptr_array_add(found, g_strdup(name));
    g_dir_close(d);
    g_ptr_array_sort(found, compare_names);
    return found;
}

static guint
file_mode(const char *path)
{
    struct stat st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    return st.st_mode & 07777;
}

// --- Creating and opening -------------------------------------------------------------------

// Issue 8: "A register is never created or re-created silently" — created only on purpose, for
// one institution, born 0600 whatever the umask (issue 9: private by default), in WAL mode,
// schema version 3; never created over an existing file.
static void
test_create(fixture *f, gconstpointer data)
{
    (void)data;
    mode_t old = umask(0);
    sc_registry *r = create_ok(f, GUIZHOU);
    g_assert_cmpstr(sc_registry_get_prefix(r), ==, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "110101199003070012", 5, "2020-06-01", NULL);
    issue_ok(r, "mode", b);
    umask(old);
    g_assert_cmpuint(file_mode(f->path), ==, 0600);
    g_autofree char *wal = g_strconcat(f->path, "-wal", NULL);
    if (g_file_test(wal, G_FILE_TEST_EXISTS))
        g_assert_cmpuint(file_mode(wal), ==, 0600);

    sc_sqldb *db = peek_db(f);
    g_autofree char *mode = db_text(db, "PRAGMA journal_mode");
    g_assert_cmpstr(mode, ==, "wal");
    g_assert_cmpint(db_int(db, "PRAGMA user_version"), ==, 4);
    g_assert_cmpint(db_int(db, "PRAGMA application_id"), ==, 0x53435247);
    sc_sqldb_close(db);
    batch_free(b);
    sc_registry_close(r);
    sc_registry_close(NULL); // a no-op

    // Reopened, it serves the institution it was made for, with or without naming it.
    r = open_ok(f->path, NULL);
    g_assert_cmpstr(sc_registry_get_prefix(r), ==, GUIZHOU);
    sc_registry_close(r);
    r = open_ok(f->path, GUIZHOU);
    assert_peek(r, 2020, 5, GUIZHOU "205000002");
    sc_registry_close(r);

    // Never over an existing file: neither a register nor anything else, which stays as it was.
    GError *error = NULL;
    g_assert_null(sc_registry_create(f->path, GUIZHOU, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, "already exists"));
    g_clear_error(&error);
    g_assert_cmpint(count_rows(f), ==, 1);
    g_autofree char *text = g_build_filename(f->dir, "notes.txt", NULL);
    g_assert_true(g_file_set_contents(text, "keep me", -1, NULL));
    g_assert_null(sc_registry_create(text, GUIZHOU, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_clear_error(&error);
    g_autofree char *kept = sc_test_slurp(text, NULL);
    g_assert_cmpstr(kept, ==, "keep me");

    // A prefix that is no institution's (SPEC §3: positions 1–13), and a short one: nothing
    // is created.
    g_autofree char *other = g_build_filename(f->dir, "other.db", NULL);
    g_assert_null(sc_registry_create(other, "S000099001001", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "province code 99 does not exist"));
    g_clear_error(&error);
    g_assert_null(sc_registry_create(other, "S00005200100", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_false(g_file_test(other, G_FILE_TEST_EXISTS));
    // A folder that does not exist: the file system's error.
    g_autofree char *nowhere = g_build_filename(f->dir, "no", "such", "register.db", NULL);
    g_assert_null(sc_registry_create(nowhere, GUIZHOU, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_assert_nonnull(strstr(error->message, nowhere));
    g_clear_error(&error);
}

// Issue 8: a missing or empty file where a register is expected is an error that says how to
// restore it from a backup or how to create it — never a fresh register (issue 9: "the register
// file truncated to 0 bytes, or deleted … numbering restarts at 000001").
static void
test_open_missing(fixture *f, gconstpointer data)
{
    (void)data;
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "register init");
    g_assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS)); // nothing created
    g_autofree char *missing = g_build_filename(f->dir, "no", "such", "register.db", NULL);
    assert_open_refused(missing, GUIZHOU, SC_ERROR_REGISTER, missing);

    // Truncated to 0 bytes, no backup beside it: how to create one, or put the file back.
    sc_registry *r = create_ok(f, GUIZHOU);
    g_autofree char *backup = sc_registry_backup_rotate(r, SC_REGISTRY_BACKUPS, NULL);
    g_assert_nonnull(backup);
    sc_registry_close(r);
    g_autofree char *saved = g_strconcat(f->dir, "/saved.db", NULL);
    g_assert_cmpint(g_rename(backup, saved), ==, 0);
    g_assert_true(g_file_set_contents(f->path, "", 0, NULL));
    g_assert_cmpint(g_chmod(f->path, 0600), ==, 0);
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "empty");
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "register init");
    g_assert_cmpint(file_mode(f->path), ==, 0600);
    struct stat st;
    g_assert_cmpint(g_stat(f->path, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, 0); // left as it was

    // With a backup beside it: the restore command naming the backup.
    g_assert_cmpint(g_rename(saved, backup), ==, 0);
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "register restore");
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, backup);
    g_unlink(f->path);
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, backup);
}

// Issue 8: a register serves one institution and refuses another's; issue 9: a register others
// may read is refused with the chmod that fixes it; what is not a register, or a newer one, is
// refused.
static void
test_open_refusals(fixture *f, gconstpointer data)
{
    (void)data;
    // A text file, a folder, somebody else's SQLite database.
    g_autofree char *text = g_build_filename(f->dir, "records.csv", NULL);
    g_assert_true(g_file_set_contents(text, "姓名,证件号码\n张三,110101199003070012\n", -1, NULL));
    g_assert_cmpint(g_chmod(text, 0600), ==, 0);
    assert_open_refused(text, GUIZHOU, SC_ERROR_REGISTER, text);
    assert_open_refused(f->dir, GUIZHOU, SC_ERROR_REGISTER, "not a regular file");
    g_autofree char *other = g_build_filename(f->dir, "other.db", NULL);
    sc_sqldb *db = db_create_sqlite(other);
    db_exec(db, "CREATE TABLE t (x)");
    sc_sqldb_close(db);
    g_assert_cmpint(g_chmod(other, 0600), ==, 0);
    assert_open_refused(other, GUIZHOU, SC_ERROR_REGISTER, "not a skillcert register");

    // Another institution's register: both named.
    sc_registry_close(create_ok(f, GUIZHOU));
    assert_open_refused(f->path, CHONGQING, SC_ERROR_REGISTER, CHONGQING);
    assert_open_refused(f->path, CHONGQING, SC_ERROR_REGISTER, "register of institution " GUIZHOU);

    // Readable by the group or others: refused, with the chmod; the file is left alone.
    g_assert_cmpint(g_chmod(f->path, 0644), ==, 0);
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "chmod 600");
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "0644");
    g_assert_cmpuint(file_mode(f->path), ==, 0644);
    g_assert_cmpint(g_chmod(f->path, 0640), ==, 0);
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "chmod 600");
    g_assert_cmpint(g_chmod(f->path, 0600), ==, 0);
    sc_registry_close(open_ok(f->path, GUIZHOU));

    // A register from a newer program.
    sql(f, "PRAGMA user_version = 5");
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "newer");
    sql(f, "PRAGMA user_version = 4");
    sc_registry_close(open_ok(f->path, GUIZHOU));
    // Not ours, whatever its version says.
    sql(f, "PRAGMA application_id = 1");
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "not a skillcert register");
}

// Issue 8: a register is integrity-checked when opened for writing (PRAGMA quick_check); a
// damaged one is refused with how to restore it, or fails sc_registry_check().
static void
test_open_damaged(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    batch *b = batch_new();
    for (int i = 0; i < 400; i++) {
        char id[32];
        g_snprintf(id, sizeof id, "11010119900307%04d", i);
        batch_add(b, id, 1 + i % 5, "2024-05-20", NULL);
    }
    issue_ok(r, "many", b);
    batch_free(b);
    g_assert_true(sc_registry_check(r, NULL));
    g_autofree char *backup = sc_registry_backup_rotate(r, SC_REGISTRY_BACKUPS, NULL);
    g_assert_nonnull(backup);
    sc_registry_close(r); // checkpointed: everything is in the main file

    // Overwrite the b-tree page header of a page in the middle of the file: its type byte is
    // then none of SQLite's (btreeInitPage fails), which quick_check finds.
    struct stat st;
    g_assert_cmpint(g_stat(f->path, &st), ==, 0);
    gint64 page = path_int(f->path, "PRAGMA page_size");
    gint64 pages = st.st_size / page;
    g_assert_cmpint(pages, >=, 8);
    int fd = open(f->path, O_WRONLY);
    g_assert_cmpint(fd, >=, 0);
    char junk[16];
    memset(junk, 0xee, sizeof junk);
    g_assert_cmpint(pwrite(fd, junk, sizeof junk, (pages / 2) * page), ==, sizeof junk);
    close(fd);

    GError *error = NULL;
    r = sc_registry_open(f->path, GUIZHOU, &error);
    if (r != NULL) {
        g_assert_false(sc_registry_check(r, &error));
        sc_registry_close(r);
    } else {
        g_assert_nonnull(strstr(error->message, "register restore"));
    }
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, f->path));
    g_clear_error(&error);

    // Restored from the backup: whole again; the damaged file is kept beside it, as it was.
    g_assert_true(sc_registry_restore(backup, f->path, &error));
    g_assert_no_error(error);
    r = open_ok(f->path, GUIZHOU);
    g_assert_true(sc_registry_check(r, NULL));
    assert_peek(r, 2024, 1, GUIZHOU "241000081");
    sc_registry_close(r);
    g_autoptr(GPtrArray) kept = files_starting(f->dir, "register.db.before-restore-");
    g_assert_cmpuint(kept->len, ==, 1);
    g_autofree char *kept_path = g_build_filename(f->dir, kept->pdata[0], NULL);
    g_assert_cmpint(g_stat(kept_path, &st), ==, 0);
    g_assert_cmpint(st.st_size, ==, pages * page);
}

// --- Allocation -----------------------------------------------------------------------------

// Serials are consecutive per (institution, year, level) from 000001, in the order given
// (004 附件4 二(七): 按年度分职业技能等级分别从 000001-999999 依次顺序取值), and continue in the
// next batch and after reopening.  Another institution's register counts on its own.
static void
test_consecutive(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    assert_peek(r, 2020, 5, GUIZHOU "205000001");

    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 3, "2020-06-01", NULL);
    batch_add(b, "C", 5, "2020-06-01", NULL);
    batch_add(b, "D", 5, "2021-01-04", NULL);
    batch_add(b, "E", 3, "2020-12-31", NULL);
    batch_add(b, "F", 5, "2020-06-02", NULL);
    batch_add(b, "G", 5, "2021-01-04", NULL);
    issue_ok(r, "first", b);
    const char *want[] = {
        GUIZHOU "205000001", GUIZHOU "203000001", GUIZHOU "205000002", GUIZHOU "215000001",
        GUIZHOU "203000002", GUIZHOU "205000003", GUIZHOU "215000002",
    };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        g_assert_cmpstr(batch_item(b, i)->assigned, ==, want[i]);
        g_assert_cmpstr(batch_item(b, i)->assigned_date, ==, batch_item(b, i)->issue_date);
        g_assert_cmpint(batch_item(b, i)->status, ==, SC_NUMBER_NEW);
    }
    batch_free(b);

    assert_peek(r, 2020, 5, GUIZHOU "205000004");
    assert_peek(r, 2021, 3, GUIZHOU "213000001");
    sc_registry_close(r);

    // Another institution's register, beside it, starts at 000001.
    g_autofree char *other = g_build_filename(f->dir, "chongqing.db", NULL);
    r = sc_registry_create(other, CHONGQING, &error);
    g_assert_no_error(error);
    assert_peek(r, 2020, 5, CHONGQING "205000001");
    sc_registry_close(r);

    // The next batch, after reopening, continues.
    r = open_ok(f->path, GUIZHOU);
    b = batch_new();
    batch_add(b, "H", 5, "2020-07-01", NULL);
    batch_add(b, "I", 5, "2020-07-01", NULL);
    batch_add(b, "J", 1, "2020-07-01", NULL);
    issue_ok(r, "second", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000004");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000005");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "201000001");
    batch_free(b);

    // An empty batch is fine and changes nothing.
    g_autoptr(sc_problems) none = sc_problems_new();
    g_assert_true(sc_registry_issue(r, "empty", NULL, 0, none, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(sc_problems_count(none), ==, 0);
    g_assert_cmpint(count_rows(f), ==, 10);
    sc_registry_close(r);
}

// Issue 8 ("a reprint … whatever day it is"): the same batch twice gets the same numbers and
// uses no new serial, and so does a re-run on another default date; two items of one batch that
// are the same certificate share a number (the second one is its reprint).
static void
test_idempotent(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUANGDONG);
    batch *b = batch_new();
    for (int i = 0; i < 20; i++) {
        char id[16];
        g_snprintf(id, sizeof id, "P%02d", i);
        batch_add(b, id, i % 2 == 0 ? 4 : 5, "2022-03-15", NULL);
    }
    issue_ok(r, "run 1", b);
    char **first = g_new0(char *, 21);
    for (int i = 0; i < 20; i++)
        first[i] = g_strdup(batch_item(b, i)->assigned);
    g_assert_cmpstr(first[19], ==, GUANGDONG "225000010");

    // The same batch a week later with the batch's default date: the same numbers and dates.
    for (int i = 0; i < 20; i++)
        batch_item(b, i)->issue_date = "2022-03-22";
    issue_ok(r, "run 2", b);
    for (int i = 0; i < 20; i++) {
        g_assert_cmpstr(batch_item(b, i)->assigned, ==, first[i]);
        g_assert_cmpstr(batch_item(b, i)->assigned_date, ==, "2022-03-15");
        g_assert_cmpint(batch_item(b, i)->status, ==, SC_NUMBER_REPRINT);
    }
    g_assert_cmpint(count_rows(f), ==, 20);
    assert_peek(r, 2022, 4, GUANGDONG "224000011");
    assert_peek(r, 2022, 5, GUANGDONG "225000011");
    g_strfreev(first);
    batch_free(b);

    // Within one batch: the same person, occupation, work type and level twice, on the batch's
    // default date or another one.
    b = batch_new();
    batch_add(b, "Q", 4, "2022-03-15", NULL);
    batch_add(b, "R", 4, "2022-03-15", NULL);
    batch_add(b, "Q", 4, "2022-03-15", NULL);
    batch_add(b, "Q", 4, "2022-03-16", NULL);
    issue_ok(r, "twice", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUANGDONG "224000011");
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_NEW);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUANGDONG "224000012");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUANGDONG "224000011");
    g_assert_cmpint(batch_item(b, 2)->status, ==, SC_NUMBER_REPRINT);
    g_assert_cmpstr(batch_item(b, 3)->assigned, ==, GUANGDONG "224000011");
    g_assert_cmpstr(batch_item(b, 3)->assigned_date, ==, "2022-03-15");
    batch_free(b);

    // An empty work type is the printed "——" (SPEC §2): the same certificate.
    b = batch_new();
    batch_add(b, "Q", 4, "2022-03-15", NULL)->work_type = "";
    batch_add(b, "Q", 4, "2022-03-16", NULL)->work_type = NULL;
    issue_ok(r, "empty work type", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUANGDONG "224000011");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUANGDONG "224000011");
    batch_free(b);
    g_assert_cmpint(count_rows(f), ==, 22);
    sc_registry_close(r);
}

// Issue 9: "Pre-assigned numbers do not move the counter.  Allocation takes the next serial that
// has never been issued; pre-assigned serials are skipped, not jumped to."  A pre-assigned number
// is recorded whether above or below the counter; a re-run of it is a reprint.
static void
test_preassigned(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", GUIZHOU "205000010");
    batch_add(b, "C", 5, "2020-06-01", NULL);
    issue_ok(r, "given", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000001");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000010");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "205000002");
    assert_peek(r, 2020, 5, GUIZHOU "205000003");
    issue_ok(r, "given again", b);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000010");
    g_assert_cmpint(batch_item(b, 1)->status, ==, SC_NUMBER_REPRINT);
    batch_free(b);

    // Allocation reaches the pre-assigned serial and steps over it: 3…9, then 11.
    b = batch_new();
    for (int i = 0; i < 8; i++) {
        char id[8];
        g_snprintf(id, sizeof id, "N%d", i);
        batch_add(b, id, 5, "2020-06-01", NULL);
    }
    issue_ok(r, "up to it", b);
    g_assert_cmpstr(batch_item(b, 6)->assigned, ==, GUIZHOU "205000009");
    g_assert_cmpstr(batch_item(b, 7)->assigned, ==, GUIZHOU "205000011");
    batch_free(b);

    // Below the counter, in a gap never issued (the counter was raised by hand): recorded, the
    // counter stays.
    sql(f, "UPDATE counters SET last = 20 WHERE level = 5");
    b = batch_new();
    batch_add(b, "D", 5, "2020-06-01", GUIZHOU "205000015");
    batch_add(b, "E", 5, "2020-06-01", NULL);
    issue_ok(r, "below", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000015");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000021");
    batch_free(b);

    // The same certificate twice in one batch, once without its given number first: both get
    // the given number.
    b = batch_new();
    batch_add(b, "K", 5, "2020-06-01", NULL);
    batch_add(b, "K", 5, "2020-06-01", GUIZHOU "205000030");
    issue_ok(r, "given later", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000030");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000030");
    batch_free(b);
    assert_peek(r, 2020, 5, GUIZHOU "205000022");

    // Serial 999999 pre-assigned does not end allocation (issue 9: "that institution, year and
    // level can never issue again").
    b = batch_new();
    batch_add(b, "Z", 5, "2020-06-01", GUIZHOU "205999999");
    batch_add(b, "Y", 5, "2020-06-01", NULL);
    issue_ok(r, "typo", b);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000022");
    batch_free(b);
    assert_peek(r, 2020, 5, GUIZHOU "205000023");
    sc_registry_close(r);
}

// Given numbers that contradict their item (SPEC §3: positions 1–13 the institution's, 14–15
// the year of issue, 16 the level) are refused, every one listed, nothing recorded.
static void
test_preassigned_wrong(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "F", 5, "2020-06-01", GUANGDONG "205000001");
    batch_add(b, "G", 4, "2020-06-01", GUIZHOU "205000020");
    batch_add(b, "H", 5, "2021-06-01", GUIZHOU "205000021");
    batch_add(b, "I", 5, "2020-06-01", GUIZHOU "20500002");
    batch_add(b, "J", 5, "2020-06-01", GUIZHOU "205000000");
    g_assert_false(issue(r, "wrong", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==, "5 problems found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 5);
    assert_problem(b, 0, 2, "证书编号",
                   "positions 1–13 are " GUANGDONG ", but the institution's are " GUIZHOU);
    assert_problem(b, 1, 3, "证书编号", "position 16 is level 5, but 职业技能等级 is 四级/中级工");
    assert_problem(b, 2, 4, "证书编号", "positions 14–15 say 2020, but 发证日期 is 2021");
    assert_problem(b, 3, 5, "证书编号", GUIZHOU "20500002 is not a certificate number");
    assert_problem(b, 4, 6, "证书编号", "serial 000000");
    g_clear_error(&error);
    for (guint i = 0; i < b->items->len; i++)
        g_assert_null(batch_item(b, i)->assigned);
    batch_free(b);
    g_assert_cmpint(count_rows(f), ==, 0);
    sc_registry_close(r);
}

// A number issued to somebody else is refused (SC_ERROR_DUPLICATE), as is a second number for a
// certificate already issued; and a failing batch consumes no numbers.
static void
test_duplicate(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    issue_ok(r, "first", b);
    batch_free(b);

    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    batch_add(b, "D", 3, "2020-06-01", NULL);
    batch_add(b, "E", 5, "2020-06-01", GUIZHOU "205000002"); // B's
    batch_add(b, "A", 5, "2020-06-01", GUIZHOU "205000009"); // A has 000001
    batch_add(b, "F", 5, "2020-06-01", GUIZHOU "205000007");
    batch_add(b, "G", 5, "2020-06-01", GUIZHOU "205000007"); // F's, in the same batch
    g_assert_false(issue(r, "second", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_assert_cmpstr(error->message, ==, "3 problems found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 3);
    // Items 3, 4 and 6: rows 4, 5 and 7.
    assert_problem(b, 0, 4, "证书编号",
                   GUIZHOU "205000002 is already issued to a different certificate");
    assert_problem(b, 1, 5, "证书编号",
                   "this certificate was already issued as " GUIZHOU "205000001, not " GUIZHOU
                   "205000009");
    assert_problem(b, 2, 7, "证书编号", GUIZHOU "205000007 is already issued");
    g_clear_error(&error);
    for (guint i = 0; i < b->items->len; i++) {
        g_assert_null(batch_item(b, i)->assigned);
        g_assert_null(batch_item(b, i)->assigned_date);
    }
    batch_free(b);

    // Nothing recorded, no serial consumed, no print logged.
    g_assert_cmpint(count_rows(f), ==, 2);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM prints"), ==, 2);
    assert_peek(r, 2020, 5, GUIZHOU "205000003");
    assert_peek(r, 2020, 3, GUIZHOU "203000001");
    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    issue_ok(r, "third", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000003");
    batch_free(b);
    sc_registry_close(r);
}

// Items are checked before the register is touched; every problem is listed.
static void
test_bad_items(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 7, "2020-06-01", NULL);
    batch_add(b, "C", 5, "2020-02-30", NULL);
    batch_add(b, "D", 5, "2020年6月1日", NULL);
    batch_add(b, "", 5, "2020-06-01", NULL)->name = "";
    batch_add(b, "F", 5, "2020-06-01", NULL)->occupation = "";
    g_assert_false(issue(r, "bad", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==, "6 problems found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 6);
    assert_problem(b, 0, 3, "职业技能等级", "level 7 does not exist");
    assert_problem(b, 1, 4, "发证日期", "\"2020-02-30\" is not a date YYYY-MM-DD");
    assert_problem(b, 2, 5, "发证日期", "\"2020年6月1日\" is not a date YYYY-MM-DD");
    assert_problem(b, 3, 6, "姓名", "empty");
    assert_problem(b, 4, 6, "证件号码", "empty");
    assert_problem(b, 5, 7, "职业名称", "empty");
    g_assert_cmpstr(sc_problems_item(b->problems, 3)->message, ==,
                    "empty; every certificate needs it");
    g_clear_error(&error);
    batch_free(b);

    g_assert_null(sc_registry_peek(r, 20, 5, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_null(sc_registry_peek(r, 2020, 6, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_cmpint(count_rows(f), ==, 0);
    sc_registry_close(r);
}

// Issue 9, exhaustion through the counter: with the counter at 999998 one allocation gives
// 999999 and the next is refused (SC_ERROR_EXHAUSTED) naming the institution, year and level,
// once per (year, level); the refused batch records nothing (SPEC §3: running out is an error,
// not a wrap).  Pre-assigned serials are skipped, so a pre-assigned 999999 leaves nothing after
// 999998.
static void
test_exhausted(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    sql(f, "INSERT INTO counters VALUES ('" GUIZHOU "', 20, 5, 999998)");
    assert_peek(r, 2020, 5, GUIZHOU "205999999");

    batch *b = batch_new();
    batch_add(b, "B", 5, "2020-06-01", NULL);
    batch_add(b, "C", 4, "2020-06-01", NULL);
    batch_add(b, "D", 5, "2020-06-01", NULL);
    batch_add(b, "E", 5, "2020-06-01", NULL);
    g_assert_false(issue(r, "one too many", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    // Reported once, at D, the first item left without a serial (row 4).
    g_assert_cmpstr(error->message, ==, "1 problem found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 1);
    g_assert_cmpstr(sc_problems_item(b->problems, 0)->message, ==,
                    "no serial left for institution " GUIZHOU ", year 20, level 5: 999999 is "
                    "already issued and serials are never reused");
    assert_problem(b, 0, 4, "证书编号", "no serial left");
    g_clear_error(&error);
    batch_free(b);
    g_assert_cmpint(count_rows(f), ==, 0);
    assert_peek(r, 2020, 5, GUIZHOU "205999999");

    // The last one is still there to take, then nothing.
    b = batch_new();
    batch_add(b, "B", 5, "2020-06-01", NULL);
    issue_ok(r, "the last", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205999999");
    batch_free(b);
    g_assert_null(sc_registry_peek(r, 2020, 5, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    g_clear_error(&error);
    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    g_assert_false(issue(r, "after the last", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    g_clear_error(&error);
    // A reprint of the last certificate still gets its number back.
    batch_free(b);
    b = batch_new();
    batch_add(b, "B", 5, "2020-06-01", NULL);
    issue_ok(r, "re-run", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205999999");
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_REPRINT);
    batch_free(b);
    // Other years and levels are untouched.
    assert_peek(r, 2021, 5, GUIZHOU "215000001");
    assert_peek(r, 2020, 4, GUIZHOU "204000001");

    // Level 9 (预备技师), year 2020: 999999 pre-assigned, the counter at 999998: no serial left.
    sql(f, "INSERT INTO counters VALUES ('" GUIZHOU "', 20, 9, 999998)");
    b = batch_new();
    batch_add(b, "X", 9, "2020-07-01", GUIZHOU "209999999");
    issue_ok(r, "预备技师", b);
    batch_free(b);
    g_assert_null(sc_registry_peek(r, 2020, 9, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    g_clear_error(&error);
    b = batch_new();
    batch_add(b, "Y", 9, "2020-07-01", NULL);
    g_assert_false(issue(r, "预备技师", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    assert_problem(b, 0, 2, "证书编号", GUIZHOU ", year 20, level 9");
    g_clear_error(&error);
    batch_free(b);
    sc_registry_close(r);
}

// A serial is never reused (SPEC §3): certificates are never deleted, counters only increase;
// and were a certificate deleted by hand, its serial stays used.
static void
test_never_reused(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    batch_add(b, "C", 5, "2020-06-01", NULL);
    issue_ok(r, "first", b);
    batch_free(b);

    sc_sqldb *db = peek_db(f);
    g_assert_false(sc_sqldb_exec(db, "DELETE FROM certificates WHERE serial = 3"));
    g_assert_false(sc_sqldb_exec(db, "UPDATE counters SET last = 0"));
    g_assert_false(sc_sqldb_exec(db, "DELETE FROM counters"));
    db_exec(db, f->pg ? "DROP TRIGGER certificates_never_deleted ON certificates; "
                      : "DROP TRIGGER certificates_never_deleted; "
                        "DELETE FROM prints WHERE number LIKE '%000003'; "
                        "DELETE FROM certificates WHERE serial = 3");
    sc_sqldb_close(db);

    b = batch_new();
    batch_add(b, "D", 5, "2020-06-01", NULL);
    issue_ok(r, "second", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000004");
    batch_free(b);
    sc_registry_close(r);
}

// A preview gives the numbers the batch would get now, and keeps nothing: the next real issue
// gets the same numbers.
static void
test_preview(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *first = batch_new();
    batch_add(first, "A", 5, "2020-06-01", NULL);
    batch_add(first, "B", 5, "2020-06-01", NULL);
    issue_ok(r, "first", first);

    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-09", NULL); // already issued: its own number and date back
    batch_add(b, "C", 5, "2020-06-09", NULL);
    batch_add(b, "D", 4, "2020-06-09", NULL);
    g_assert_true(sc_registry_preview(r, batch_items(b), b->items->len, b->problems, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, batch_item(first, 0)->assigned);
    g_assert_cmpstr(batch_item(b, 0)->assigned_date, ==, "2020-06-01");
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_REPRINT);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000003");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "204000001");
    g_assert_cmpint(count_rows(f), ==, 2);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM prints"), ==, 2);
    assert_peek(r, 2020, 5, GUIZHOU "205000003");

    // Issued for real: the same numbers.
    g_autofree char *c = g_strdup(batch_item(b, 1)->assigned);
    issue_ok(r, "second", b);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, c);
    g_assert_cmpint(count_rows(f), ==, 4);
    batch_free(first);
    batch_free(b);
    sc_registry_close(r);
}

// --- Reprints, corrections, voids, the print log (issue 8) ----------------------------------

// Issue 8: "A holder (证件类型 + 证件号码) who already holds a certificate for the same
// occupation, work type and level gets that certificate back, whatever day it is: same number,
// and the original 发证日期"; a record whose own 发证日期 differs is reported; --new (SECOND) is a
// second certificate.
static void
test_reprint(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "110101199003070012", 4, "2026-11-30", NULL);
    issue_ok(r, "11-30", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "264000001");
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_NEW);

    // A week later, and in the next year, on the batch's default date.
    const char *later[] = {"2026-12-07", "2027-01-05"};
    for (guint i = 0; i < G_N_ELEMENTS(later); i++) {
        batch_item(b, 0)->issue_date = later[i];
        issue_ok(r, later[i], b);
        g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "264000001");
        g_assert_cmpstr(batch_item(b, 0)->assigned_date, ==, "2026-11-30");
        g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_REPRINT);
    }
    // The record's own 发证日期, the issued one: a reprint too.
    batch_item(b, 0)->issue_date = "2026-11-30";
    batch_item(b, 0)->date_given = TRUE;
    issue_ok(r, "own date", b);
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_REPRINT);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM prints"), ==, 4);

    // Its own 发证日期, another one: a problem naming the number and the issued date; nothing
    // recorded, not even the print.
    batch_item(b, 0)->issue_date = "2026-12-07";
    g_assert_false(issue(r, "other date", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_clear_error(&error);
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 1);
    assert_problem(b, 0, 2, "发证日期", GUIZHOU "264000001 was issued on 2026-11-30");
    assert_problem(b, 0, 2, "发证日期", "2026-12-07");
    g_assert_null(batch_item(b, 0)->assigned);
    g_assert_cmpint(count_rows(f), ==, 1);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM prints"), ==, 4);

    // Issue 14: a reprint whose record now gives the 职业编码 the register lacks fills it in;
    // one the register has is kept.
    batch_item(b, 0)->issue_date = "2026-11-30";
    batch_item(b, 0)->occupation_code = "6-29-03-01";
    issue_ok(r, "with its code", b);
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_REPRINT);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM certificates WHERE serial = 1 AND "
                                      "occupation_code = '6-29-03-01'"),
                    ==, 1);
    batch_item(b, 0)->occupation_code = "4-01-02-01";
    issue_ok(r, "another code", b);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM certificates WHERE serial = 1 AND "
                                      "occupation_code = '6-29-03-01'"),
                    ==, 1);
    batch_item(b, 0)->occupation_code = NULL;
    batch_item(b, 0)->issue_date = "2026-12-07";

    // --new: a genuinely second certificate, recorded as such; a later reprint is of one of them.
    batch_item(b, 0)->second = TRUE;
    issue_ok(r, "second", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "264000002");
    g_assert_cmpstr(batch_item(b, 0)->assigned_date, ==, "2026-12-07");
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_NEW);
    g_assert_cmpint(path_int(f->path, "SELECT second FROM certificates WHERE serial = 2"), ==, 1);
    g_autofree char *shown = show_ok(r, GUIZHOU "264000002", NULL);
    assert_contains(shown, "第二份", 1);
    batch_free(b);

    // Another kind, another 证件类型 with the same 证件号码, another person: new certificates.
    b = batch_new();
    batch_add(b, "110101199003070012", 3, "2026-12-07", NULL);
    batch_add(b, "110101199003070012", 4, "2026-12-07", NULL)->id_type = "护照";
    batch_add(b, "110101199003070012", 4, "2026-12-07", NULL)->occupation = "电工";
    batch_add(b, "110101199003070020", 4, "2026-12-07", NULL);
    issue_ok(r, "others", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "263000001");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "264000003");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "264000004");
    g_assert_cmpstr(batch_item(b, 3)->assigned, ==, GUIZHOU "264000005");
    for (guint i = 0; i < 4; i++)
        g_assert_cmpint(batch_item(b, i)->status, ==, SC_NUMBER_NEW);
    batch_free(b);
    sc_registry_close(r);
}

// Issue 8: "A record that matches an issued certificate but differs in another printed field (a
// corrected name) is refused unless --correct is given; then the register keeps the history (old
// value, new value, when) and the certificate prints with the same number."
static void
test_correct(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "110101199003070012", 5, "2026-11-30", NULL)->name = "刘䶮";
    issue_ok(r, "typed", b);

    batch_item(b, 0)->name = "刘岩";
    batch_item(b, 0)->issue_date = "2026-12-07";
    g_assert_false(issue(r, "fixed", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_clear_error(&error);
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 1);
    assert_problem(b, 0, 2, "姓名", GUIZHOU "265000001 was issued to 刘䶮");
    assert_problem(b, 0, 2, "姓名", "刘岩");
    g_assert_null(batch_item(b, 0)->assigned);
    sc_sqldb *db = peek_db(f);
    g_autofree char *name = db_text(db, "SELECT name FROM certificates");
    g_assert_cmpstr(name, ==, "刘䶮");
    g_assert_cmpint(db_int(db, "SELECT count(*) FROM corrections"), ==, 0);
    sc_sqldb_close(db);

    // With --correct: the same number and date, the register's name changed, the history kept.
    batch_item(b, 0)->correct = TRUE;
    issue_ok(r, "corrected", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "265000001");
    g_assert_cmpstr(batch_item(b, 0)->assigned_date, ==, "2026-11-30");
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_CORRECTED);
    db = peek_db(f);
    g_autofree char *now = db_text(db, "SELECT name FROM certificates");
    g_assert_cmpstr(now, ==, "刘岩");
    g_assert_cmpint(db_int(db, "SELECT count(*) FROM corrections WHERE old_value = '刘䶮' AND "
                               "new_value = '刘岩' AND field = '姓名' AND at <> ''"),
                    ==, 1);
    sc_sqldb_close(db);
    g_autofree char *shown = show_ok(r, GUIZHOU "265000001", NULL);
    assert_contains(shown, "刘岩", 2); // the holder, and the correction's new value
    assert_contains(shown, "刘䶮", 1); // the correction's old value
    assert_contains(shown, "更正", 1);

    // Printed again under the corrected name (with --correct still given): a plain reprint.
    issue_ok(r, "again", b);
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_REPRINT);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM corrections"), ==, 1);
    batch_free(b);
    sc_registry_close(r);
}

// Issue 8: "the number is marked void with its reason and time; it is never issued again, and a
// record carrying it is refused."
static void
test_void(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2026-11-30", NULL);
    batch_add(b, "B", 5, "2026-11-30", NULL);
    batch_add(b, "C", 5, "2026-11-30", GUIZHOU "265000004"); // ahead of the counter
    issue_ok(r, "first", b);
    batch_free(b);

    g_assert_true(sc_registry_void(r, GUIZHOU "265000002", "印错纸张", &error));
    g_assert_no_error(error);
    g_assert_true(sc_registry_void(r, GUIZHOU "265000004", "编号填错", &error));
    g_assert_no_error(error);
    g_assert_cmpint(path_int(f->path,
                             "SELECT count(*) FROM certificates WHERE void_reason = '印错纸张' "
                             "AND voided_at IS NOT NULL AND number = '" GUIZHOU "265000002'"),
                    ==, 1);
    g_autofree char *shown = show_ok(r, GUIZHOU "265000002", NULL);
    assert_contains(shown, "作废", 1);
    assert_contains(shown, "印错纸张", 1);

    // Twice, or a number this register never issued: refused.
    g_assert_false(sc_registry_void(r, GUIZHOU "265000002", "again", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "already void"));
    g_clear_error(&error);
    g_assert_false(sc_registry_void(r, GUIZHOU "265000003", "never issued", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_false(sc_registry_void(r, CHONGQING "265000001", "not ours", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);

    // A record carrying a void number is refused, whoever it names.
    b = batch_new();
    batch_add(b, "B", 5, "2026-11-30", GUIZHOU "265000002");
    batch_add(b, "X", 5, "2026-11-30", GUIZHOU "265000004");
    g_assert_false(issue(r, "void", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_clear_error(&error);
    assert_problem(b, 0, 2, "证书编号", GUIZHOU "265000002 is void (印错纸张)");
    assert_problem(b, 1, 3, "证书编号", "never issued again");
    batch_free(b);

    // The holder of a void certificate gets a new number; allocation steps over the void and
    // pre-assigned serial 000004: B 000003, D 000005.
    b = batch_new();
    batch_add(b, "B", 5, "2026-12-07", NULL);
    batch_add(b, "D", 5, "2026-12-07", NULL);
    issue_ok(r, "after", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "265000003");
    g_assert_cmpstr(batch_item(b, 0)->assigned_date, ==, "2026-12-07");
    g_assert_cmpint(batch_item(b, 0)->status, ==, SC_NUMBER_NEW);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "265000005");
    batch_free(b);
    assert_peek(r, 2026, 5, GUIZHOU "265000006");
    // The holder's void certificate and its new one, both shown.
    g_autofree char *holder = show_ok(r, NULL, "B");
    assert_contains(holder, GUIZHOU "265000002", 1);
    assert_contains(holder, GUIZHOU "265000003", 1);
    sc_registry_close(r);
}

// Issue 8: "Every print is logged (time, output file); a reprint increments a print count", and
// `show` says what the register holds.
static void
test_print_log(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    sc_number_item *a = batch_add(b, "110101199003070012", 5, "2025-03-14", NULL);
    a->output = "cohort-1.pdf, page 1";
    batch_add(b, "110101199003070020", 5, "2025-03-14", NULL)->output = "cohort-1.pdf, page 2";
    issue_ok(r, "cohort 1", b);
    batch_free(b);

    b = batch_new();
    batch_add(b, "110101199003070012", 5, "2025-03-21", NULL)->output = "damaged.pdf";
    issue_ok(r, "reprint 1", b);
    batch_item(b, 0)->output = NULL; // printed nowhere named
    issue_ok(r, "reprint 2", b);
    batch_free(b);

    g_autofree char *text = show_ok(r, GUIZHOU "255000001", NULL);
    assert_contains(text, GUIZHOU "255000001", 1);
    assert_contains(text, "持证人110101199003070012", 1);
    assert_contains(text, "营销员", 1);
    assert_contains(text, "2025-03-14", 1);
    assert_contains(text, "cohort-1.pdf, page 1", 1);
    assert_contains(text, "cohort-1.pdf, page 2", 0);
    assert_contains(text, "damaged.pdf", 1);
    assert_contains(text, "reprint 1", 1);
    assert_contains(text, "reprint 2", 1);
    assert_contains(text, "共打印 3 次", 1);
    g_autofree char *other = show_ok(r, GUIZHOU "255000002", NULL);
    assert_contains(other, "共打印 1 次", 1);

    // By holder: every certificate of theirs.
    b = batch_new();
    batch_add(b, "110101199003070012", 3, "2025-03-21", NULL);
    issue_ok(r, "level 3", b);
    batch_free(b);
    g_autofree char *all = show_ok(r, NULL, "110101199003070012");
    assert_contains(all, GUIZHOU "255000001", 1);
    assert_contains(all, GUIZHOU "253000001", 1);
    assert_contains(all, GUIZHOU "255000002", 0);
    assert_contains(all, "共打印", 2);

    // Nothing there: an input error.
    g_assert_null(sc_registry_show(r, GUIZHOU "255000009", NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_null(sc_registry_show(r, NULL, "999", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    sc_registry_close(r);
}

// --- The two-phase issue (issue 9) ----------------------------------------------------------

// Begin the issue of B (which must succeed), leaving its transaction open.
static void
begin_ok(sc_registry *r, const char *label, batch *b)
{
    GError *error = NULL;
    batch_reset_problems(b);
    batch_clear_assigned(b);
    g_assert_true(
        sc_registry_begin_issue(r, label, batch_items(b), b->items->len, b->problems, &error));
    g_assert_no_error(error);
}

// Issue 9: "Numbers are issued only for output that exists": begun, the numbers are known but
// not issued; ended without keeping, nothing is issued; ended keeping, they are; a register
// closed with an issue open issues nothing.
static void
test_two_phase(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    begin_ok(r, "given back", b);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000002");
    g_assert_cmpint(count_rows(f), ==, 0); // not committed: another process sees nothing
    g_assert_true(sc_registry_end_issue(r, /*keep*/ FALSE, &error));
    g_assert_no_error(error);
    assert_peek(r, 2020, 5, GUIZHOU "205000001");
    g_assert_null(sc_registry_show(r, GUIZHOU "205000001", NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_cmpint(count_rows(f), ==, 0);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM prints"), ==, 0);
    // Ending when nothing is begun does nothing.
    g_assert_true(sc_registry_end_issue(r, TRUE, &error));
    g_assert_cmpint(count_rows(f), ==, 0);

    begin_ok(r, "kept", b);
    g_assert_true(sc_registry_end_issue(r, /*keep*/ TRUE, &error));
    g_assert_no_error(error);
    g_assert_cmpint(count_rows(f), ==, 2);
    assert_peek(r, 2020, 5, GUIZHOU "205000003");
    g_autofree char *shown = show_ok(r, GUIZHOU "205000002", NULL);
    assert_contains(shown, "kept", 2); // registered in, and printed by, the batch "kept"
    batch_free(b);

    // Closed with an issue open: rolled back.
    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    begin_ok(r, "interrupted", b);
    sc_registry_close(r);
    g_assert_cmpint(count_rows(f), ==, 2);
    r = open_ok(f->path, GUIZHOU);
    assert_peek(r, 2020, 5, GUIZHOU "205000003");
    sc_registry_close(r);
    batch_free(b);
}

// Issue 9: while an issue is open (its output being put in place) another process's issue waits
// for the write lock, then proceeds after the commit, its numbers after the first's.  The child
// is forked before this process opens the register (an SQLite connection does not cross fork()).
static void
test_two_phase_lock(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry_close(create_ok(f, GUIZHOU));
    int go[2], opened[2];
    g_assert_cmpint(pipe(go), ==, 0);
    g_assert_cmpint(pipe(opened), ==, 0);
    pid_t kid = fork();
    g_assert_cmpint(kid, >=, 0);
    if (kid == 0) {
        close(go[1]);
        close(opened[0]);
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(4);
        sc_registry *r = sc_registry_open(f->path, GUIZHOU, NULL);
        if (r == NULL)
            _exit(2);
        if (write(opened[1], &c, 1) != 1)
            _exit(4);
        batch *b = batch_new();
        batch_add(b, "K1", 5, "2020-06-01", NULL);
        batch_add(b, "K2", 5, "2020-06-01", NULL);
        gboolean ok = issue(r, "child", b, NULL) &&
                      g_strcmp0(batch_item(b, 0)->assigned, GUIZHOU "205000003") == 0;
        batch_free(b);
        sc_registry_close(r);
        _exit(ok ? 0 : 3);
    }
    close(go[0]);
    close(opened[1]);
    sc_registry *r = open_ok(f->path, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    begin_ok(r, "parent", b);
    char c = 'g';
    g_assert_cmpint(write(go[1], &c, 1), ==, 1);
    g_assert_cmpint(read(opened[0], &c, 1), ==, 1);
    // The child is now issuing: it cannot finish while this issue holds the lock.
    g_usleep(300 * 1000);
    int status = 0;
    g_assert_cmpint(waitpid(kid, &status, WNOHANG), ==, 0);
    GError *error = NULL;
    g_assert_true(sc_registry_end_issue(r, TRUE, &error));
    g_assert_no_error(error);
    g_assert_cmpint(waitpid(kid, &status, 0), ==, kid);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    close(go[1]);
    close(opened[0]);
    g_assert_cmpint(count_rows(f), ==, 4);
    assert_peek(r, 2020, 5, GUIZHOU "205000005");
    batch_free(b);
    sc_registry_close(r);
}

// --- Backups and restores (issue 8) ---------------------------------------------------------

// "Each render takes a consistent backup first (SQLite's online backup, a few rotated copies
// beside the register, 0600)": the SC_REGISTRY_BACKUPS newest are kept, and a backup is a
// register of the same institution holding the same certificates.
static void
test_backup_rotate(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    issue_ok(r, "first", b);
    batch_free(b);
    // Twelve older backups, named as rotation names them, listed in no particular order.
    for (int i = 12; i >= 1; i--) {
        char name[64];
        g_snprintf(name, sizeof name, "register.db.backup-202001%02d-120000", i);
        g_autofree char *older = g_build_filename(f->dir, name, NULL);
        g_assert_true(sc_registry_backup(r, older, &error));
        g_assert_no_error(error);
        g_assert_cmpuint(file_mode(older), ==, 0600);
    }
    g_autofree char *made = sc_registry_backup_rotate(r, SC_REGISTRY_BACKUPS, &error);
    g_assert_no_error(error);
    g_assert_nonnull(made);
    g_assert_cmpuint(file_mode(made), ==, 0600);
    g_autoptr(GPtrArray) left = files_starting(f->dir, "register.db.backup-");
    g_assert_cmpuint(left->len, ==, SC_REGISTRY_BACKUPS);
    // The three oldest are gone, the new one is there.
    g_assert_cmpstr(left->pdata[0], ==, "register.db.backup-20200104-120000");
    g_autofree char *base = g_path_get_basename(made);
    g_assert_cmpstr(left->pdata[left->len - 1], ==, base);
    g_assert_true(g_str_has_prefix(base, "register.db.backup-2"));

    // Issued after the backup: not in it.
    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    issue_ok(r, "after", b);
    batch_free(b);
    sc_registry *copy = open_ok(made, GUIZHOU);
    g_assert_true(sc_registry_check(copy, NULL));
    assert_peek(copy, 2020, 5, GUIZHOU "205000003");
    g_autofree char *shown = show_ok(copy, GUIZHOU "205000002", NULL);
    assert_contains(shown, "持证人B", 1);
    sc_registry_close(copy);
    g_assert_cmpint(path_int(made, "SELECT count(*) FROM certificates"), ==, 2);

    // Two more at once (within one second, most likely): neither overwrites the other.
    g_autofree char *second = sc_registry_backup_rotate(r, SC_REGISTRY_BACKUPS, &error);
    g_assert_no_error(error);
    g_autofree char *third = sc_registry_backup_rotate(r, SC_REGISTRY_BACKUPS, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(second, !=, third);
    g_assert_true(g_file_test(second, G_FILE_TEST_IS_REGULAR));
    g_assert_true(g_file_test(third, G_FILE_TEST_IS_REGULAR));
    g_autoptr(GPtrArray) newest = files_starting(f->dir, "register.db.backup-");
    g_assert_cmpuint(newest->len, ==, SC_REGISTRY_BACKUPS);
    g_autofree char *third_base = g_path_get_basename(third);
    g_assert_cmpstr(newest->pdata[newest->len - 1], ==, third_base); // in order of time

    // Keeping fewer.
    g_autofree char *again = sc_registry_backup_rotate(r, 3, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) three = files_starting(f->dir, "register.db.backup-");
    g_assert_cmpuint(three->len, ==, 3);
    sc_registry_close(r);
}

// The register with D, E issued after BACKUP was taken, at F's path: replaced by BACKUP, kept
// whole beside it.
static void
restore_replaces_later(const fixture *f, const char *backup)
{
    sc_registry *r = open_ok(f->path, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "D", 5, "2020-06-01", NULL);
    batch_add(b, "E", 5, "2020-06-01", NULL);
    issue_ok(r, "later", b);
    batch_free(b);
    sc_registry_close(r);
    g_autoptr(GPtrArray) before = files_starting(f->dir, "register.db.before-restore-");
    GError *error = NULL;
    g_assert_true(sc_registry_restore(backup, f->path, &error));
    g_assert_no_error(error);
    g_assert_cmpint(count_rows(f), ==, 2);
    g_autoptr(GPtrArray) kept = files_starting(f->dir, "register.db.before-restore-");
    g_assert_cmpuint(kept->len, ==, before->len + 1);
    gboolean found = FALSE;
    for (guint i = 0; i < kept->len; i++) {
        g_autofree char *p = g_build_filename(f->dir, kept->pdata[i], NULL);
        struct stat st;
        g_assert_cmpint(g_stat(p, &st), ==, 0);
        if (st.st_size == 0)
            continue;
        g_assert_cmpuint(file_mode(p), ==, 0600);
        sc_registry *old = open_ok(p, GUIZHOU);
        assert_peek(old, 2020, 5, GUIZHOU "205000005");
        sc_registry_close(old);
        found = TRUE;
    }
    g_assert_true(found);
}

// Issue 8/9: a register deleted or truncated to 0 bytes is brought back from a backup (`register
// restore`); the register replaced is kept as PATH.before-restore-…; a backup of another
// institution, or no register at all, is refused and changes nothing.
static void
test_restore(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    issue_ok(r, "first", b);
    g_autofree char *backup = sc_registry_backup_rotate(r, SC_REGISTRY_BACKUPS, &error);
    g_assert_no_error(error);
    batch_add(b, "C", 5, "2020-06-01", NULL);
    issue_ok(r, "after the backup", b);
    batch_free(b);
    sc_registry_close(r);
    g_assert_cmpint(count_rows(f), ==, 3);

    // Deleted: brought back as the backup was.
    g_assert_cmpint(g_unlink(f->path), ==, 0);
    g_assert_true(sc_registry_restore(backup, f->path, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(file_mode(f->path), ==, 0600);
    r = open_ok(f->path, GUIZHOU);
    assert_peek(r, 2020, 5, GUIZHOU "205000003");
    sc_registry_close(r);

    // Truncated to 0 bytes: brought back.
    g_assert_true(g_file_set_contents(f->path, "", 0, NULL));
    g_assert_cmpint(g_chmod(f->path, 0600), ==, 0);
    g_assert_true(sc_registry_restore(backup, f->path, &error));
    g_assert_no_error(error);
    r = open_ok(f->path, GUIZHOU);
    g_assert_true(sc_registry_check(r, NULL));
    sc_registry_close(r);
    g_assert_cmpint(count_rows(f), ==, 2);

    restore_replaces_later(f, backup);

    // Refused: another institution's register, a file that is no register.
    g_autofree char *other = g_build_filename(f->dir, "chongqing.db", NULL);
    sc_registry_close(sc_registry_create(other, CHONGQING, &error));
    g_assert_no_error(error);
    g_assert_false(sc_registry_restore(other, f->path, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_clear_error(&error);
    g_autofree char *text = g_build_filename(f->dir, "notes.txt", NULL);
    g_assert_true(g_file_set_contents(text, "no register", -1, NULL));
    g_assert_cmpint(g_chmod(text, 0600), ==, 0);
    g_assert_false(sc_registry_restore(text, f->path, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_clear_error(&error);
    g_assert_cmpint(count_rows(f), ==, 2);
    r = open_ok(f->path, GUIZHOU);
    sc_registry_close(r);
}

// --- Migration (issue 8: "a register made by today's main keeps every number") -------------

// The schema of version 1, as main made it (git show 1181d60~1:src/registry.c).
static const char v1_schema[] =
    "CREATE TABLE certificates (\n"
    "    number     TEXT NOT NULL PRIMARY KEY CHECK (length(number) = 22),\n"
    "    prefix     TEXT NOT NULL CHECK (length(prefix) = 13),\n"
    "    year       INTEGER NOT NULL CHECK (year BETWEEN 0 AND 99),\n"
    "    level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5 OR level = 9),\n"
    "    serial     INTEGER NOT NULL CHECK (serial BETWEEN 1 AND 999999),\n"
    "    name       TEXT NOT NULL,\n"
    "    id_type    TEXT NOT NULL,\n"
    "    id_number  TEXT NOT NULL,\n"
    "    occupation TEXT NOT NULL,\n"
    "    work_type  TEXT NOT NULL,\n"
    "    issue_date TEXT NOT NULL,\n"
    "    batch      TEXT NOT NULL,\n"
    "    issued_at  TEXT NOT NULL,\n"
    "    UNIQUE (prefix, year, level, serial),\n"
    "    UNIQUE (prefix, id_number, occupation, work_type, level, issue_date)\n"
    ");\n"
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
    "BEGIN SELECT RAISE(ABORT, 'a serial counter is never deleted'); END;\n";

// Version 1's certificates: A twice (the same kind, two issue dates: two certificates then), B,
// C at level 3, and D's pre-assigned 000007, which moved version 1's counter.
static const char v1_rows[] =
    "INSERT INTO certificates VALUES\n"
    " ('" GUIZHOU "205000001', '" GUIZHOU "', 20, 5, 1, '持证人A', '居民身份证', 'A', '营销员', "
    "'——', '2020-06-01', 'june', '2020-06-01T09:00:00+08'),\n"
    " ('" GUIZHOU "205000002', '" GUIZHOU "', 20, 5, 2, '持证人B', '居民身份证', 'B', '营销员', "
    "'——', '2020-06-01', 'june', '2020-06-01T09:00:00+08'),\n"
    " ('" GUIZHOU "203000001', '" GUIZHOU "', 20, 3, 1, '持证人C', '居民身份证', 'C', '营销员', "
    "'——', '2020-06-01', 'june', '2020-06-01T09:00:00+08'),\n"
    " ('" GUIZHOU "205000007', '" GUIZHOU "', 20, 5, 7, '持证人D', '居民身份证', 'D', '营销员', "
    "'——', '2020-06-01', 'june', '2020-06-01T09:00:00+08'),\n"
    " ('" GUIZHOU "205000008', '" GUIZHOU "', 20, 5, 8, '持证人A', '居民身份证', 'A', '营销员', "
    "'——', '2020-07-01', 'july', '2020-07-01T09:00:00+08');\n"
    "INSERT INTO counters VALUES ('" GUIZHOU "', 20, 5, 8), ('" GUIZHOU "', 20, 3, 1);\n";

static const char v1_numbers[] = GUIZHOU "203000001," GUIZHOU "205000001," GUIZHOU
                                         "205000002," GUIZHOU "205000007," GUIZHOU "205000008";

// A version-1 register at PATH, as main left it: WAL, 0600.
static void
make_v1(const char *path)
{
    sc_sqldb *db = db_create_sqlite(path);
    db_exec(db, "PRAGMA journal_mode = WAL");
    db_exec(db, v1_schema);
    db_exec(db, v1_rows);
    g_autofree char *pragmas =
        g_strdup_printf("PRAGMA user_version = 1; PRAGMA application_id = %d", 0x53435247);
    db_exec(db, pragmas);
    sc_sqldb_close(db);
    g_assert_cmpint(g_chmod(path, 0600), ==, 0);
}

static char *
all_numbers(const char *path)
{
    sc_sqldb *db = db_open(path);
    char *numbers = db_text(db, "SELECT group_concat(number) FROM (SELECT number FROM certificates "
                                "ORDER BY number)");
    sc_sqldb_close(db);
    return numbers;
}

// Issue 13: the print log keeps each file's SHA-256 when the file carries the number assigned, and
// finds the certificate by it; a version-2 register is migrated to 3, every number kept.
static void
test_sha256(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-08-01", NULL);
    batch_add(b, "B", 5, "2020-08-01", NULL);
    static const char sha_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static const char sha_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    batch_item(b, 0)->sha256 = sha_a;
    batch_item(b, 0)->sha256_number = GUIZHOU "205000001";
    batch_item(b, 1)->sha256 = sha_b;
    batch_item(b, 1)->sha256_number = GUIZHOU "205000009"; // drawn with another number
    issue_ok(r, "hashed", b);
    batch_free(b);
    char *number = NULL, *reason = NULL;
    guint count = 0;
    g_assert_true(sc_registry_find_file(r, sha_a, &number, &count, &reason, NULL));
    g_assert_cmpstr(number, ==, GUIZHOU "205000001");
    g_assert_cmpuint(count, ==, 1);
    g_assert_null(reason);
    g_free(number);
    g_assert_true(sc_registry_find_file(r, sha_b, &number, NULL, NULL, NULL));
    g_assert_null(number); // not the number it carries: not logged
    g_autofree char *shown = show_ok(r, GUIZHOU "205000001", NULL);
    assert_contains(shown, sha_a, 1);
    g_assert_true(sc_registry_void(r, GUIZHOU "205000001", "lost", NULL));
    g_assert_true(sc_registry_find_file(r, sha_a, &number, NULL, &reason, NULL));
    g_assert_cmpstr(reason, ==, "lost");
    g_free(number);
    g_free(reason);

    // A print file carries many certificates: all counted, a voided one named whichever it is.
    b = batch_new();
    static const char sha_c[] = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
    static const char *const carried[] = {GUIZHOU "204000001", GUIZHOU "204000002",
                                          GUIZHOU "204000003"};
    for (guint i = 0; i < 3; i++) {
        sc_number_item *it = batch_add(b, i == 0 ? "C" : i == 1 ? "D" : "E", 4, "2020-08-02", NULL);
        it->sha256 = sha_c;
        it->sha256_number = carried[i];
    }
    issue_ok(r, "print file", b);
    g_assert_true(sc_registry_find_file(r, sha_c, &number, &count, &reason, NULL));
    g_assert_cmpstr(number, ==, carried[0]);
    g_assert_cmpuint(count, ==, 3);
    g_assert_null(reason);
    g_free(number);
    g_assert_true(sc_registry_void(r, carried[1], "spoiled", NULL));
    g_assert_true(sc_registry_find_file(r, sha_c, &number, &count, &reason, NULL));
    g_assert_cmpstr(number, ==, carried[1]);
    g_assert_cmpstr(reason, ==, "spoiled");
    g_free(number);
    g_free(reason);
    batch_free(b);
    sc_registry_close(r);
    if (f->pg)
        return; // PostgreSQL registers begin at version 4: nothing to migrate
    // A version-2 register: no sha256 column; opened, it gets one and keeps its numbers.
    sql(f, "DROP INDEX prints_sha256; ALTER TABLE prints DROP COLUMN sha256; "
           "DROP INDEX prints_stock; DROP TABLE stock_ranges; DROP TABLE spoiled; "
           "ALTER TABLE prints DROP COLUMN stock; "
           "ALTER TABLE certificates DROP COLUMN occupation_code; PRAGMA user_version = 2");
    g_autofree char *before = all_numbers(f->path);
    r = open_ok(f->path, GUIZHOU);
    sc_sqldb *db = peek_db(f);
    g_assert_cmpint(db_int(db, "PRAGMA user_version"), ==, 4);
    g_assert_cmpint(db_int(db, "SELECT count(*) FROM prints WHERE sha256 IS NULL"), ==, 5);
    sc_sqldb_close(db);
    g_autofree char *after = all_numbers(f->path);
    g_assert_cmpstr(before, ==, after);
    sc_registry_close(r);
}

// Opened by this program, a version-1 register is migrated to version 2: every number kept, the
// institution recorded, issuing continuing after the counter; its holders' certificates are
// reprinted, the newest of two.
static void
test_migrate_v1(fixture *f, gconstpointer data)
{
    (void)data;
    make_v1(f->path);
    sc_registry *r = open_ok(f->path, GUIZHOU);
    g_assert_cmpstr(sc_registry_get_prefix(r), ==, GUIZHOU);
    g_assert_true(sc_registry_check(r, NULL));
    g_autofree char *numbers = all_numbers(f->path);
    g_assert_cmpstr(numbers, ==, v1_numbers);
    sc_sqldb *db = peek_db(f);
    g_assert_cmpint(db_int(db, "PRAGMA user_version"), ==, 4);
    g_autofree char *prefix = db_text(db, "SELECT value FROM meta WHERE key = 'prefix'");
    g_assert_cmpstr(prefix, ==, GUIZHOU);
    g_assert_cmpint(db_int(db, "SELECT count(*) FROM certificates WHERE second = 0 AND "
                               "void_reason IS NULL AND batch <> '' AND issued_at <> ''"),
                    ==, 5);
    sc_sqldb_close(db);

    assert_peek(r, 2020, 5, GUIZHOU "205000009");
    batch *b = batch_new();
    batch_add(b, "E", 5, "2020-08-01", NULL);
    batch_add(b, "A", 5, "2020-08-01", NULL);
    batch_add(b, "C", 3, "2020-08-01", NULL);
    issue_ok(r, "after migration", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000009");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000008");
    g_assert_cmpstr(batch_item(b, 1)->assigned_date, ==, "2020-07-01");
    g_assert_cmpint(batch_item(b, 1)->status, ==, SC_NUMBER_REPRINT);
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "203000001");
    batch_free(b);
    // The new tables work: a void, the print log.
    g_assert_true(sc_registry_void(r, GUIZHOU "205000002", "migrated, then voided", NULL));
    g_autofree char *shown = show_ok(r, GUIZHOU "205000008", NULL);
    assert_contains(shown, "共打印 1 次", 1);
    sc_registry_close(r);

    // Reopened: version 2 as it is, nothing lost.
    r = open_ok(f->path, GUIZHOU);
    g_assert_cmpint(count_rows(f), ==, 6);
    sc_registry_close(r);

    // Opened without naming the institution: the one its certificates belong to.
    g_autofree char *other = g_build_filename(f->dir, "v1.db", NULL);
    make_v1(other);
    r = open_ok(other, NULL);
    g_assert_cmpstr(sc_registry_get_prefix(r), ==, GUIZHOU);
    sc_registry_close(r);
    g_autofree char *kept = all_numbers(other);
    g_assert_cmpstr(kept, ==, v1_numbers);
    // …and another institution's view of it is refused.
    g_autofree char *third = g_build_filename(f->dir, "v1-other.db", NULL);
    make_v1(third);
    assert_open_refused(third, CHONGQING, SC_ERROR_REGISTER, GUIZHOU);
    g_autofree char *still = all_numbers(third);
    g_assert_cmpstr(still, ==, v1_numbers);
}

// Issue 8: the integrity check comes before anything is written: a damaged version-1 register
// is refused as it is, not migrated (its file left byte for byte).
static void
test_migrate_damaged(fixture *f, gconstpointer data)
{
    (void)data;
    make_v1(f->path);
    // The last page of the file is a b-tree page (the file has no free pages): a page header
    // that is none of SQLite's.
    gint64 page = path_int(f->path, "PRAGMA page_size");
    gint64 pages = path_int(f->path, "PRAGMA page_count");
    g_assert_cmpint(path_int(f->path, "PRAGMA freelist_count"), ==, 0);
    int fd = open(f->path, O_WRONLY);
    g_assert_cmpint(fd, >=, 0);
    char junk[16];
    memset(junk, 0xee, sizeof junk);
    g_assert_cmpint(pwrite(fd, junk, sizeof junk, (pages - 1) * page), ==, sizeof junk);
    close(fd);
    gsize before_len = 0, after_len = 0;
    g_autofree char *before = sc_test_slurp(f->path, &before_len);

    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "damaged");
    g_autofree char *after = sc_test_slurp(f->path, &after_len);
    g_assert_cmpmem(before, before_len, after, after_len);
    g_assert_cmpint(path_int(f->path, "PRAGMA user_version"), ==, 1);
}

// --- Processes ------------------------------------------------------------------------------

// For every (institution, year, level): serials 1…max with no gap and no duplicate, and the
// counter at max.  Returns the number of certificates.
static gint64
assert_no_gap(const fixture *f)
{
    sc_sqldb *db = peek_db(f);
    sc_sqldb_stmt *s =
        sc_sqldb_prepare(db,
                         "SELECT c.prefix, c.year, c.level, count(*), count(DISTINCT c.serial), "
                         "min(c.serial), max(c.serial), "
                         "(SELECT last FROM counters k WHERE k.prefix = c.prefix "
                         "AND k.year = c.year AND k.level = c.level) "
                         "FROM certificates c GROUP BY c.prefix, c.year, c.level",
                         FALSE);
    g_assert_nonnull(s);
    gint64 total = 0;
    sc_sqldb_result rc;
    while ((rc = sc_sqldb_step(s)) == SC_SQLDB_ROW) {
        gint64 n = sc_sqldb_column_int64(s, 3);
        g_assert_cmpint(sc_sqldb_column_int64(s, 4), ==, n);
        g_assert_cmpint(sc_sqldb_column_int64(s, 5), ==, 1);
        g_assert_cmpint(sc_sqldb_column_int64(s, 6), ==, n);
        g_assert_cmpint(sc_sqldb_column_int64(s, 7), ==, n);
        total += n;
    }
    g_assert_cmpint(rc, ==, SC_SQLDB_DONE);
    sc_sqldb_finalize(s);
    g_assert_cmpint(total, ==, db_int(db, "SELECT count(*) FROM certificates"));
    if (!f->pg) {
        g_autofree char *verdict = db_text(db, "PRAGMA integrity_check");
        g_assert_cmpstr(verdict, ==, "ok");
    }
    sc_sqldb_close(db);
    return total;
}

// A child's loop: issue small batches for ever (until killed), saying on STARTED when the
// first is issued.  Never returns.
static void G_GNUC_NORETURN
child_allocate_forever(const char *path, guint seed, int started)
{
    GError *error = NULL;
    sc_registry *r = sc_registry_open(path, GUIZHOU, &error);
    if (r == NULL)
        _exit(2);
    GRand *rand = g_rand_new_with_seed(seed);
    for (guint round = 0;; round++) {
        batch *b = batch_new();
        guint n = g_rand_int_range(rand, 1, 25);
        for (guint i = 0; i < n; i++) {
            char id[48];
            g_snprintf(id, sizeof id, "%ld-%u-%u", (long)getpid(), round, i);
            batch_add(b, id, g_rand_boolean(rand) ? 3 : 5,
                      g_rand_boolean(rand) ? "2020-06-01" : "2021-06-01", NULL);
        }
        if (!issue(r, "killed", b, &error))
            _exit(3);
        batch_free(b);
        char c = 's';
        if (round == 0 && (write(started, &c, 1) != 1 || close(started) != 0))
            _exit(4);
    }
}

// Children allocating in a loop are SIGKILLed at random moments, several rounds; the register
// is left with no gap and no duplicate, and allocation carries on after the last number.
static void
test_killed(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry_close(create_ok(f, GUIZHOU));
    GRand *rand = g_rand_new_with_seed(g_test_rand_int());
    for (int round = 0; round < 10; round++) {
        pid_t kids[3];
        int started[2];
        g_assert_cmpint(pipe(started), ==, 0);
        for (guint k = 0; k < G_N_ELEMENTS(kids); k++) {
            guint seed = g_rand_int(rand);
            kids[k] = fork();
            g_assert_cmpint(kids[k], >=, 0);
            if (kids[k] == 0) {
                close(started[0]);
                child_allocate_forever(f->path, seed, started[1]);
            }
        }
        // Killed some time after each has issued its first batch, however slow the machine (a
        // child failing closes its end: the read then ends, and the test fails, not hangs).
        close(started[1]);
        char c;
        for (guint k = 0; k < G_N_ELEMENTS(kids); k++)
            g_assert_cmpint(read(started[0], &c, 1), ==, 1);
        close(started[0]);
        g_usleep(g_rand_int_range(rand, 0, 150) * 1000);
        for (guint k = 0; k < G_N_ELEMENTS(kids); k++) {
            if (g_rand_boolean(rand))
                g_usleep(g_rand_int_range(rand, 0, 10) * 1000);
            kill(kids[k], SIGKILL);
        }
        for (guint k = 0; k < G_N_ELEMENTS(kids); k++) {
            int status = 0;
            g_assert_cmpint(waitpid(kids[k], &status, 0), ==, kids[k]);
            // Killed, not failed on its own.
            g_assert_true(WIFSIGNALED(status));
            g_assert_cmpint(WTERMSIG(status), ==, SIGKILL);
        }
    }
    g_rand_free(rand);

    gint64 total = assert_no_gap(f);
    g_assert_cmpint(total, >, 0);
    g_test_message("%" G_GINT64_FORMAT " certificates survived 10 rounds of SIGKILL",
                   (gint64)total);

    // The register carries on from where it was.
    sc_registry *r = open_ok(f->path, GUIZHOU);
    sc_sqldb *db = peek_db(f);
    gint64 max = db_int(db, "SELECT coalesce(max(serial), 0) FROM certificates "
                            "WHERE year = 20 AND level = 5");
    sc_sqldb_close(db);
    char *want = g_strdup_printf(GUIZHOU "205%06d", (int)max + 1);
    assert_peek(r, 2020, 5, want);
    g_free(want);
    sc_registry_close(r);
}

// Two processes each issue a batch of 500 for the same institution at the same moment: each
// gets a consecutive range, the ranges are disjoint, and together they are 1…1000.
static void
test_concurrent(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry_close(create_ok(f, GUIZHOU));
    int ready[2], go[2];
    g_assert_cmpint(pipe(ready), ==, 0);
    g_assert_cmpint(pipe(go), ==, 0);
    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        g_assert_cmpint(kids[k], >=, 0);
        if (kids[k] != 0)
            continue;
        // The child: prepare everything, say so, wait for the start, issue.
        close(ready[0]);
        close(go[1]);
        GError *error = NULL;
        sc_registry *r = sc_registry_open(f->path, GUIZHOU, &error);
        if (r == NULL)
            _exit(2);
        batch *b = batch_new();
        for (int i = 0; i < 500; i++) {
            char id[32];
            g_snprintf(id, sizeof id, "%c%03d", 'A' + k, i);
            batch_add(b, id, 4, "2023-09-01", NULL);
        }
        char c = 'r';
        if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
            _exit(4);
        gboolean ok = issue(r, k == 0 ? "A" : "B", b, &error);
        batch_free(b);
        sc_registry_close(r);
        if (!ok) {
            g_printerr("child %d: %s\n", k, error->message);
            g_error_free(error);
            _exit(3);
        }
        _exit(0);
    }
    close(ready[1]);
    close(go[0]);
    char c;
    for (int k = 0; k < 2; k++)
        g_assert_cmpint(read(ready[0], &c, 1), ==, 1);
    c = 'g';
    g_assert_cmpint(write(go[1], &c, 1), ==, 1);
    g_assert_cmpint(write(go[1], &c, 1), ==, 1);
    for (int k = 0; k < 2; k++) {
        int status = 0;
        g_assert_cmpint(waitpid(kids[k], &status, 0), ==, kids[k]);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    }
    close(ready[0]);
    close(go[1]);

    sc_sqldb *db = peek_db(f);
    gint64 lo[2], hi[2];
    for (int k = 0; k < 2; k++) {
        char *sql = g_strdup_printf("SELECT CASE WHEN count(*) = 500 AND max(serial) - min(serial) "
                                    "= 499 THEN 1 ELSE 0 END FROM certificates WHERE batch = '%c'",
                                    'A' + k);
        g_assert_cmpint(db_int(db, sql), ==, 1);
        g_free(sql);
        sql = g_strdup_printf("SELECT min(serial) FROM certificates WHERE batch = '%c'", 'A' + k);
        lo[k] = db_int(db, sql);
        g_free(sql);
        hi[k] = lo[k] + 499;
        // In the order given: item i of the batch got min + i.
        sql = g_strdup_printf("SELECT count(*) FROM certificates WHERE batch = '%c' AND "
                              "serial - %" G_GINT64_FORMAT
                              " != CAST(substr(id_number, 2) AS INTEGER)",
                              'A' + k, (gint64)lo[k]);
        g_assert_cmpint(db_int(db, sql), ==, 0);
        g_free(sql);
    }
    g_assert_true(hi[0] < lo[1] || hi[1] < lo[0]);
    g_assert_cmpint(MIN(lo[0], lo[1]), ==, 1);
    g_assert_cmpint(MAX(hi[0], hi[1]), ==, 1000);
    sc_sqldb_close(db);
    g_assert_cmpint(assert_no_gap(f), ==, 1000);
}

// Wait for the children KIDS; return how many exited with each status 0…7 in COUNTS.
static void
wait_all(const pid_t *kids, guint n, guint counts[8])
{
    memset(counts, 0, 8 * sizeof *counts);
    for (guint k = 0; k < n; k++) {
        int status = 0;
        g_assert_cmpint(waitpid(kids[k], &status, 0), ==, kids[k]);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), <, 8);
        counts[WEXITSTATUS(status)]++;
    }
}

// A child of test_create_race(): create the register (exit 0) or find it exists (exit 1).
static void G_GNUC_NORETURN
child_create(const fixture *f, int go)
{
    char c;
    if (read(go, &c, 1) != 0) // wait for the parent to close its end
        _exit(4);
    GError *error = NULL;
    sc_registry *r = sc_registry_create(f->path, CHONGQING, &error);
    sc_registry_close(r);
    if (r != NULL)
        _exit(0);
    _exit(g_error_matches(error, SC_ERROR, SC_ERROR_REGISTER) &&
                  strstr(error->message, "already exists") != NULL
              ? 1
              : 5);
}

// A child of test_create_race(): open the register and issue 50 certificates.
static void G_GNUC_NORETURN
child_issue_50(const fixture *f, guint k, int go)
{
    char c;
    if (read(go, &c, 1) != 0)
        _exit(4);
    GError *error = NULL;
    sc_registry *r = sc_registry_open(f->path, CHONGQING, &error);
    if (r == NULL) {
        g_printerr("child %u: %s\n", k, error->message);
        _exit(2);
    }
    batch *b = batch_new();
    for (int i = 0; i < 50; i++) {
        char id[32];
        g_snprintf(id, sizeof id, "%u-%d", k, i);
        batch_add(b, id, 3, "2024-05-20", NULL);
    }
    gboolean ok = issue(r, "fresh", b, &error);
    batch_free(b);
    sc_registry_close(r);
    if (!ok)
        g_printerr("child %u: %s\n", k, error->message);
    _exit(ok ? 0 : 3);
}

// Issue 8 ("never created or re-created silently"): four processes creating one register at the
// same moment create it once, the others are told it exists; four then opening it at once and
// issuing get 1…200 without gap.
static void
test_create_race(fixture *f, gconstpointer data)
{
    (void)data;
    for (int round = 0; round < 2; round++) {
        int go[2];
        g_assert_cmpint(pipe(go), ==, 0);
        pid_t kids[4];
        for (guint k = 0; k < G_N_ELEMENTS(kids); k++) {
            kids[k] = fork();
            g_assert_cmpint(kids[k], >=, 0);
            if (kids[k] != 0)
                continue;
            close(go[1]);
            if (round == 0)
                child_create(f, go[0]);
            child_issue_50(f, k, go[0]);
        }
        close(go[0]);
        close(go[1]); // go
        guint counts[8];
        wait_all(kids, G_N_ELEMENTS(kids), counts);
        if (round == 0) {
            g_assert_cmpuint(counts[0], ==, 1);
            g_assert_cmpuint(counts[1], ==, 3);
        } else {
            g_assert_cmpuint(counts[0], ==, 4);
        }
    }
    g_assert_cmpint(assert_no_gap(f), ==, 200);
}

// --- Speed ----------------------------------------------------------------------------------

// A 10,000-certificate batch in one transaction; its rate is reported (and re-running it, which
// finds every certificate's reprint).
static void
test_speed(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUANGDONG);
    batch *b = batch_new();
    for (int i = 0; i < 10000; i++) {
        char id[32];
        g_snprintf(id, sizeof id, "11010119900307%04d", i);
        batch_add(b, id, 1 + i % 5, i % 3 == 0 ? "2024-01-15" : "2025-01-15", NULL);
    }
    gint64 t0 = g_get_monotonic_time();
    issue_ok(r, "speed", b);
    gint64 t1 = g_get_monotonic_time();
    // Item 9999: level 5, 2024; the 667th such (i = 9, 24, … 9999).
    g_assert_cmpstr(batch_item(b, 9999)->assigned, ==, GUANGDONG "245000667");
    issue_ok(r, "speed again", b);
    gint64 t2 = g_get_monotonic_time();

    double first = (t1 - t0) / 1e6, again = (t2 - t1) / 1e6;
    g_test_message("10000 numbers allocated in %.3f s: %.0f numbers per second", first,
                   10000 / first);
    g_test_message("the same 10000 reprinted (looked up) in %.3f s: %.0f per second", again,
                   10000 / again);
    g_assert_cmpstr(batch_item(b, 9999)->assigned, ==, GUANGDONG "245000667");
    g_assert_cmpint(batch_item(b, 9999)->status, ==, SC_NUMBER_REPRINT);
    batch_free(b);
    sc_registry_close(r);
    g_assert_cmpint(assert_no_gap(f), ==, 10000);
    g_assert_cmpint(path_int(f->path, "SELECT count(*) FROM prints"), ==, 20000);
}

// --- The number source ----------------------------------------------------------------------

// The register as a number source (numbering.h): a dry run shows the numbers and keeps nothing;
// a real assign takes a backup first and keeps its numbers only when finished with KEEP (issue
// 9); problems come back as the register's, by row; freed unfinished, nothing is kept.
static void
test_source(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    // Issue 8: the register must exist (a missing one is never created).
    g_assert_null(sc_registry_source_new(f->path, GUANGDONG, "b", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_cmpint(sc_error_exit_status(error), ==, 3);
    g_clear_error(&error);
    g_assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
    sc_registry_close(create_ok(f, GUANGDONG));
    g_assert_null(sc_registry_source_new(f->path, CHONGQING, "b", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_clear_error(&error);

    sc_number_source *s = sc_registry_source_new(f->path, GUANGDONG, "batch 1", &error);
    g_assert_no_error(error);
    batch *b = batch_new();
    batch_add(b, "A", 4, "2026-11-20", NULL);
    batch_add(b, "B", 4, "2026-11-20", NULL);
    batch_add(b, "C", 5, "2026-11-20", NULL);
    sc_number_item *items = batch_items(b);
    g_assert_true(s->assign(s, items, 3, /*dry_run*/ TRUE, b->problems, &error));
    g_assert_cmpstr(items[1].assigned, ==, GUANGDONG "264000002");
    batch_clear_assigned(b);
    g_assert_cmpint(count_rows(f), ==, 0);
    g_autoptr(GPtrArray) none = files_starting(f->dir, "register.db.backup-");
    g_assert_cmpuint(none->len, ==, 0);

    // Assigned, then given back: nothing kept.  The backup was taken before the assign.
    g_assert_true(s->assign(s, items, 3, /*dry_run*/ FALSE, b->problems, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(items[2].assigned, ==, GUANGDONG "265000001");
    g_autoptr(GPtrArray) backups = files_starting(f->dir, "register.db.backup-");
    g_assert_cmpuint(backups->len, ==, f->pg ? 0 : 1); // PostgreSQL's are its server's
    if (!f->pg) {
        g_autofree char *backup = g_build_filename(f->dir, backups->pdata[0], NULL);
        g_assert_cmpint(path_int(backup, "SELECT count(*) FROM certificates"), ==, 0);
    }
    g_assert_cmpint(count_rows(f), ==, 0);
    g_assert_true(sc_number_source_finish(s, /*keep*/ FALSE, &error));
    g_assert_no_error(error);
    g_assert_cmpint(count_rows(f), ==, 0);
    batch_clear_assigned(b);

    // Assigned and kept.
    g_assert_true(s->assign(s, items, 3, /*dry_run*/ FALSE, b->problems, &error));
    g_assert_true(sc_number_source_finish(s, /*keep*/ TRUE, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(items[0].assigned, ==, GUANGDONG "264000001");
    g_assert_cmpstr(items[1].assigned, ==, GUANGDONG "264000002");
    g_assert_cmpstr(items[2].assigned, ==, GUANGDONG "265000001");
    g_assert_cmpint(count_rows(f), ==, 3);
    batch_free(b);

    b = batch_new();
    batch_add(b, "D", 4, "2026-11-20", GUANGDONG "264000001"); // A's
    g_assert_false(s->assign(s, batch_items(b), 1, FALSE, b->problems, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_clear_error(&error);
    assert_problem(b, 0, 2, "证书编号", "is already issued to a different certificate");
    batch_free(b);

    // Freed with an issue not finished: rolled back.
    b = batch_new();
    batch_add(b, "E", 4, "2026-11-20", NULL);
    g_assert_true(s->assign(s, batch_items(b), 1, FALSE, b->problems, &error));
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUANGDONG "264000003");
    sc_number_source_free(s);
    g_assert_cmpint(count_rows(f), ==, 3);
    batch_free(b);
}

// --- PostgreSQL (issue 14) ------------------------------------------------------------------

// A register on a PostgreSQL server: created on purpose only, once, in a database holding none;
// refused for another institution, a newer schema, a database of something else, a server that
// cannot be reached (named without the password in its address); its backups are the server's.
static void
test_pg_open(fixture *f, gconstpointer data)
{
    (void)data;
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "register init");
    sc_registry *r = create_ok(f, GUIZHOU);
    g_assert_false(sc_registry_is_file(r));
    GError *error = NULL;
    g_assert_null(sc_registry_create(f->path, GUIZHOU, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, "already exists"));
    g_clear_error(&error);
    g_assert_true(sc_registry_check(r, &error));
    g_assert_no_error(error);
    // Backups and restores: pg_dump's, said so; no file written.
    g_autofree char *dest = g_build_filename(f->dir, "copy.db", NULL);
    g_assert_false(sc_registry_backup(r, dest, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, "pg_dump"));
    g_clear_error(&error);
    g_assert_false(g_file_test(dest, G_FILE_TEST_EXISTS));
    g_assert_null(sc_registry_backup_rotate(r, 3, &error));
    g_assert_nonnull(strstr(error->message, "pg_dump"));
    g_clear_error(&error);
    g_assert_false(sc_registry_restore(dest, f->path, &error));
    g_assert_nonnull(strstr(error->message, "pg_restore"));
    g_clear_error(&error);
    sc_registry_close(r);

    sc_sqldb *db = peek_db(f);
    g_autofree char *app = db_text(db, "SELECT value FROM meta WHERE key = 'application'");
    g_autofree char *version = db_text(db, "SELECT value FROM meta WHERE key = 'schema_version'");
    g_autofree char *prefix = db_text(db, "SELECT value FROM meta WHERE key = 'prefix'");
    sc_sqldb_close(db);
    g_assert_cmpstr(app, ==, "skillcert register");
    g_assert_cmpstr(version, ==, "4");
    g_assert_cmpstr(prefix, ==, GUIZHOU);

    assert_open_refused(f->path, CHONGQING, SC_ERROR_REGISTER, "register of institution " GUIZHOU);
    // register check: a number that disagrees with its parts is damage.
    r = open_ok(f->path, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    issue_ok(r, "one", b);
    batch_free(b);
    g_assert_true(sc_registry_check(r, &error));
    sql(f, "UPDATE certificates SET serial = 2");
    g_assert_false(sc_registry_check(r, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, "1 certificate whose number disagrees"));
    g_clear_error(&error);
    sc_registry_close(r);
    sql(f, "UPDATE meta SET value = '5' WHERE key = 'schema_version'");
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "newer");
    sql(f, "UPDATE meta SET value = '4' WHERE key = 'schema_version'");
    sql(f, "UPDATE meta SET value = 'other' WHERE key = 'application'");
    assert_open_refused(f->path, GUIZHOU, SC_ERROR_REGISTER, "not a skillcert register");
    sql(f, "UPDATE meta SET value = 'skillcert register' WHERE key = 'application'");
    sc_registry_close(open_ok(f->path, GUIZHOU));

    // No server there: the address is named, its password never.
    g_autofree char *nowhere =
        g_strdup_printf("postgresql://desk:s3cret@/register?host=%s&password=s3cret", f->dir);
    g_assert_null(sc_registry_open(nowhere, GUIZHOU, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_autofree char *shown = g_strdup_printf("postgresql://desk@/register?host=%s:", f->dir);
    if (strstr(error->message, shown) == NULL || strstr(error->message, "s3cret") != NULL)
        g_error("\"%s\": not \"%s\" without the password", error->message, shown);
    g_clear_error(&error);
}

// The connection to the server lost while a batch holds its numbers (the server stopped, the
// backend terminated): keeping them fails, says so, and nothing is issued; the next batch gets
// the same numbers.
static void
test_pg_connection_lost(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = create_ok(f, GUIZHOU);
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    begin_ok(r, "lost", b);
    sc_sqldb *db = peek_db(f);
    g_autofree char *terminate =
        g_strdup_printf("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE state = 'idle in transaction' AND pid <> pg_backend_pid() "
                        "AND application_name = '%s' AND query LIKE 'INSERT INTO prints%%'",
                        f->schema);
    g_assert_cmpint(db_int(db, terminate), ==, 1);
    sc_sqldb_close(db);
    GError *error = NULL;
    g_assert_false(sc_registry_end_issue(r, TRUE, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, "cannot commit the batch"));
    g_clear_error(&error);
    sc_registry_close(r);
    batch_free(b);
    g_assert_cmpint(count_rows(f), ==, 0);

    r = open_ok(f->path, GUIZHOU);
    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    issue_ok(r, "after", b);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000001");
    batch_free(b);
    sc_registry_close(r);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
#define ADD(path, fn) g_test_add(path, fixture, NULL, fixture_set_up, fn, fixture_tear_down)
// The rules of the register, on both: "/registry/sqlite/…" and "/registry/postgresql/…".
#define ADD2(path, fn)                                                                             \
    do {                                                                                           \
        g_test_add("/registry/sqlite" path, fixture, NULL, fixture_set_up, fn, fixture_tear_down); \
        g_test_add("/registry/postgresql" path, fixture, on_postgresql, fixture_set_up, fn,        \
                   fixture_tear_down);                                                             \
    } while (0)
    // SQLite's files: modes, damage, migrations, backups.
    ADD("/registry/sqlite/create", test_create);
    ADD("/registry/sqlite/open/missing", test_open_missing);
    ADD("/registry/sqlite/open/refusals", test_open_refusals);
    ADD("/registry/sqlite/open/damaged", test_open_damaged);
    ADD("/registry/sqlite/migrate/v1", test_migrate_v1);
    ADD("/registry/sqlite/migrate/damaged", test_migrate_damaged);
    ADD("/registry/sqlite/backup/rotate", test_backup_rotate);
    ADD("/registry/sqlite/backup/restore", test_restore);
    // PostgreSQL's server.
    g_test_add("/registry/postgresql/open", fixture, on_postgresql, fixture_set_up, test_pg_open,
               fixture_tear_down);
    g_test_add("/registry/postgresql/connection-lost", fixture, on_postgresql, fixture_set_up,
               test_pg_connection_lost, fixture_tear_down);
    ADD2("/sha256", test_sha256);
    ADD2("/allocate/consecutive", test_consecutive);
    ADD2("/allocate/idempotent", test_idempotent);
    ADD2("/allocate/preassigned", test_preassigned);
    ADD2("/allocate/preassigned-wrong", test_preassigned_wrong);
    ADD2("/allocate/duplicate", test_duplicate);
    ADD2("/allocate/bad-items", test_bad_items);
    ADD2("/allocate/exhausted", test_exhausted);
    ADD2("/allocate/never-reused", test_never_reused);
    ADD2("/allocate/preview", test_preview);
    ADD2("/reprint", test_reprint);
    ADD2("/correct", test_correct);
    ADD2("/void", test_void);
    ADD2("/print-log", test_print_log);
    ADD2("/two-phase/end", test_two_phase);
    ADD2("/two-phase/lock", test_two_phase_lock);
    ADD2("/source", test_source);
    ADD2("/process/killed", test_killed);
    ADD2("/process/concurrent", test_concurrent);
    ADD2("/process/create-race", test_create_race);
    ADD2("/allocate/large-batch", test_speed);
#undef ADD2
#undef ADD
    return g_test_run();
}
