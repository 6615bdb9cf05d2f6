// test-registry.c - the register (SPEC §3): consecutive allocation per (institution, year,
// level), idempotent re-runs, pre-assigned numbers, exhaustion, crashes and concurrent
// processes, on real files in a temporary folder.
#include "registry.h"
#include "testutil.h"

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

// A temporary folder with a register path in it; removed afterwards.
typedef struct {
    char *dir;
    char *path;
} fixture;

static void
fixture_set_up(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    f->dir = g_dir_make_tmp("sc-registry-XXXXXX", &error);
    g_assert_no_error(error);
    f->path = g_build_filename(f->dir, "register.db", NULL);
}

static void
fixture_tear_down(fixture *f, gconstpointer data)
{
    (void)data;
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        char *p = g_strconcat(f->path, suffixes[i], NULL);
        g_unlink(p);
        g_free(p);
    }
    // Anything else a test left (a stray file) goes too.
    GDir *d = g_dir_open(f->dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
        char *p = g_build_filename(f->dir, name, NULL);
        g_remove(p);
        g_free(p);
    }
    if (d != NULL)
        g_dir_close(d);
    g_assert_cmpint(g_rmdir(f->dir), ==, 0);
    g_free(f->path);
    g_free(f->dir);
}

static sc_registry *
open_ok(const fixture *f)
{
    GError *error = NULL;
    sc_registry *r = sc_registry_open(f->path, &error);
    g_assert_no_error(error);
    g_assert_nonnull(r);
    return r;
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

// Add a certificate for person ID (any text) at LEVEL issued on DATE, with NUMBER or NULL.  Its
// row is its place in the batch plus one, as in a records file under a header line: item 1 is
// row 2.
static void
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
    g_array_append_val(b->items, it);
}

static sc_number_item *
batch_item(batch *b, guint i)
{
    return &g_array_index(b->items, sc_number_item, i);
}

// Forget the numbers of the last issue, to issue the same batch again.
static void
batch_clear_assigned(batch *b)
{
    for (guint i = 0; i < b->items->len; i++)
        g_clear_pointer(&batch_item(b, i)->assigned, g_free);
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

static gboolean
issue(sc_registry *r, const char *prefix, const char *label, batch *b, GError **error)
{
    sc_problems_free(b->problems);
    b->problems = sc_problems_new();
    return sc_registry_issue(r, prefix, label, (sc_number_item *)(void *)b->items->data,
                             b->items->len, b->problems, error);
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

// Another connection to the register, to look at it from outside.
static sqlite3 *
peek_db(const fixture *f)
{
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
    sqlite3_busy_timeout(db, 30000);
    return db;
}

static sqlite3_int64
db_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, sql, -1, &s, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    sqlite3_int64 v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static sqlite3_int64
count_rows(const fixture *f)
{
    sqlite3 *db = peek_db(f);
    sqlite3_int64 n = db_int(db, "SELECT count(*) FROM certificates");
    sqlite3_close(db);
    return n;
}

static void
assert_peek(sc_registry *r, const char *prefix, int year, int level, const char *want)
{
    GError *error = NULL;
    char *next = sc_registry_peek(r, prefix, year, level, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(next, ==, want);
    g_free(next);
}

// --- Opening --------------------------------------------------------------------------------

// The file is born 0600 whatever the umask (it holds identity numbers), in WAL mode, with the
// schema version set; its WAL file has the same mode.
static void
test_open_mode(fixture *f, gconstpointer data)
{
    (void)data;
    mode_t old = umask(0);
    sc_registry *r = open_ok(f);
    batch *b = batch_new();
    batch_add(b, "110101199003070012", 5, "2020-06-01", NULL);
    GError *error = NULL;
    g_assert_true(issue(r, GUIZHOU, "mode", b, &error));
    g_assert_no_error(error);
    umask(old);

    struct stat st;
    g_assert_cmpint(stat(f->path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    char *wal = g_strconcat(f->path, "-wal", NULL);
    if (stat(wal, &st) == 0)
        g_assert_cmpint(st.st_mode & 07777, ==, 0600);
    g_free(wal);

    sqlite3 *db = peek_db(f);
    sqlite3_stmt *s = NULL;
    g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    g_assert_cmpstr((const char *)sqlite3_column_text(s, 0), ==, "wal");
    sqlite3_finalize(s);
    g_assert_cmpint(db_int(db, "PRAGMA user_version"), ==, 1);
    sqlite3_close(db);

    batch_free(b);
    sc_registry_close(r);
    sc_registry_close(NULL); // a no-op
}

// Reopening keeps everything; what is not a register is refused.
static void
test_open_refusals(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;

    // A missing folder: an I/O error naming the path.
    char *missing = g_build_filename(f->dir, "no", "such", "register.db", NULL);
    g_assert_null(sc_registry_open(missing, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_assert_nonnull(strstr(error->message, missing));
    g_clear_error(&error);
    g_free(missing);

    // A text file.
    char *text = g_build_filename(f->dir, "records.csv", NULL);
    g_assert_true(g_file_set_contents(text, "姓名,证件号码\n张三,110101199003070012\n", -1, NULL));
    g_assert_null(sc_registry_open(text, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_clear_error(&error);
    g_free(text);

    // Somebody else's SQLite database.
    char *other = g_build_filename(f->dir, "other.db", NULL);
    sqlite3 *db = NULL;
    g_assert_cmpint(sqlite3_open(other, &db), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    g_assert_null(sc_registry_open(other, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, "not a skillcert register"));
    g_clear_error(&error);
    g_free(other);

    // A register from a newer program.
    sc_registry *r = open_ok(f);
    sc_registry_close(r);
    db = peek_db(f);
    g_assert_cmpint(sqlite3_exec(db, "PRAGMA user_version = 2", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close(db);
    g_assert_null(sc_registry_open(f->path, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_REGISTER);
    g_assert_nonnull(strstr(error->message, "newer"));
    g_clear_error(&error);
}

// --- Allocation -----------------------------------------------------------------------------

// Serials are consecutive per (institution, year, level) from 000001, in the order given
// (004 附件4 二(七): 按年度分职业技能等级分别从 000001-999999 依次顺序取值), and continue in the
// next batch and after reopening.
static void
test_consecutive(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;
    assert_peek(r, GUIZHOU, 2020, 5, GUIZHOU "205000001");

    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 3, "2020-06-01", NULL);
    batch_add(b, "C", 5, "2020-06-01", NULL);
    batch_add(b, "D", 5, "2021-01-04", NULL);
    batch_add(b, "E", 3, "2020-12-31", NULL);
    batch_add(b, "F", 5, "2020-06-02", NULL);
    batch_add(b, "G", 5, "2021-01-04", NULL);
    g_assert_true(issue(r, GUIZHOU, "first", b, &error));
    g_assert_no_error(error);
    const char *want[] = {
        GUIZHOU "205000001", GUIZHOU "203000001", GUIZHOU "205000002", GUIZHOU "215000001",
        GUIZHOU "203000002", GUIZHOU "205000003", GUIZHOU "215000002",
    };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++)
        g_assert_cmpstr(batch_item(b, i)->assigned, ==, want[i]);
    batch_free(b);

    assert_peek(r, GUIZHOU, 2020, 5, GUIZHOU "205000004");
    assert_peek(r, GUIZHOU, 2021, 3, GUIZHOU "213000001");
    // Another institution counts on its own.
    assert_peek(r, GUANGDONG, 2020, 5, GUANGDONG "205000001");
    sc_registry_close(r);

    // The next batch, after reopening, continues.
    r = open_ok(f);
    b = batch_new();
    batch_add(b, "H", 5, "2020-07-01", NULL);
    batch_add(b, "I", 5, "2020-07-01", NULL);
    batch_add(b, "J", 1, "2020-07-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "second", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000004");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000005");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "201000001");
    batch_free(b);

    // An empty batch is fine and changes nothing.
    g_autoptr(sc_problems) none = sc_problems_new();
    g_assert_true(sc_registry_issue(r, GUIZHOU, "empty", NULL, 0, none, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(sc_problems_count(none), ==, 0);
    g_assert_cmpint(count_rows(f), ==, 10);
    sc_registry_close(r);
}

// The same batch twice gets the same numbers and uses no new serial; two items of one batch
// that are the same certificate share a number.
static void
test_idempotent(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;
    batch *b = batch_new();
    for (int i = 0; i < 20; i++) {
        char id[16];
        g_snprintf(id, sizeof id, "P%02d", i);
        batch_add(b, id, i % 2 == 0 ? 4 : 5, "2022-03-15", NULL);
    }
    g_assert_true(issue(r, GUANGDONG, "run 1", b, &error));
    g_assert_no_error(error);
    char **first = g_new0(char *, 21);
    for (int i = 0; i < 20; i++)
        first[i] = g_strdup(batch_item(b, i)->assigned);
    g_assert_cmpstr(first[19], ==, GUANGDONG "225000010");

    batch_clear_assigned(b);
    g_assert_true(issue(r, GUANGDONG, "run 2", b, &error));
    g_assert_no_error(error);
    for (int i = 0; i < 20; i++)
        g_assert_cmpstr(batch_item(b, i)->assigned, ==, first[i]);
    g_assert_cmpint(count_rows(f), ==, 20);
    assert_peek(r, GUANGDONG, 2022, 4, GUANGDONG "224000011");
    assert_peek(r, GUANGDONG, 2022, 5, GUANGDONG "225000011");
    g_strfreev(first);
    batch_free(b);

    // Within one batch: the same person, occupation, work type, level and date twice.
    b = batch_new();
    batch_add(b, "Q", 4, "2022-03-15", NULL);
    batch_add(b, "R", 4, "2022-03-15", NULL);
    batch_add(b, "Q", 4, "2022-03-15", NULL);
    batch_add(b, "Q", 4, "2022-03-16", NULL); // another issue date: another certificate
    g_assert_true(issue(r, GUANGDONG, "twice", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUANGDONG "224000011");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUANGDONG "224000012");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUANGDONG "224000011");
    g_assert_cmpstr(batch_item(b, 3)->assigned, ==, GUANGDONG "224000013");
    batch_free(b);

    // An empty work type is the printed "——" (SPEC §2): the same certificate.
    b = batch_new();
    batch_add(b, "Q", 4, "2022-03-15", NULL);
    batch_item(b, 0)->work_type = "";
    batch_add(b, "Q", 4, "2022-03-16", NULL);
    batch_item(b, 1)->work_type = NULL;
    g_assert_true(issue(r, GUANGDONG, "empty work type", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUANGDONG "224000011");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUANGDONG "224000013");
    batch_free(b);
    sc_registry_close(r);
}

// Pre-assigned numbers are recorded; one above the counter moves it, so allocation never
// collides; one below it fills its place; a re-run of it is idempotent.
static void
test_preassigned(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", GUIZHOU "205000010");
    batch_add(b, "C", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "given", b, &error));
    g_assert_no_error(error);
    // The given number is recorded first, so the others continue after it.
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000011");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000010");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "205000012");
    batch_clear_assigned(b);
    g_assert_true(issue(r, GUIZHOU, "given again", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000010");
    batch_free(b);

    // Below the counter: recorded, the counter stays.
    b = batch_new();
    batch_add(b, "D", 5, "2020-06-01", GUIZHOU "205000003");
    batch_add(b, "E", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "below", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000003");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000013");
    batch_free(b);

    // The same certificate twice in one batch, once without its given number first: both get
    // the given number.
    b = batch_new();
    batch_add(b, "K", 5, "2020-06-01", NULL);
    batch_add(b, "K", 5, "2020-06-01", GUIZHOU "205000030");
    g_assert_true(issue(r, GUIZHOU, "given later", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000030");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000030");
    batch_free(b);
    assert_peek(r, GUIZHOU, 2020, 5, GUIZHOU "205000031");

    // Given numbers that contradict the item: another institution, level or year.
    b = batch_new();
    batch_add(b, "F", 5, "2020-06-01", GUANGDONG "205000001");
    batch_add(b, "G", 4, "2020-06-01", GUIZHOU "205000020");
    batch_add(b, "H", 5, "2021-06-01", GUIZHOU "205000021");
    batch_add(b, "I", 5, "2020-06-01", GUIZHOU "20500002");
    g_assert_false(issue(r, GUIZHOU, "wrong", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==, "4 problems found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 4);
    assert_problem(b, 0, 2, "证书编号",
                   "positions 1–13 are " GUANGDONG ", but the institution's are " GUIZHOU);
    assert_problem(b, 1, 3, "证书编号", "position 16 is level 5, but 职业技能等级 is 四级/中级工");
    assert_problem(b, 2, 4, "证书编号", "positions 14–15 say 2020, but 发证日期 is 2021");
    assert_problem(b, 3, 5, "证书编号", GUIZHOU "20500002 is not a certificate number");
    g_clear_error(&error);
    for (guint i = 0; i < b->items->len; i++)
        g_assert_null(batch_item(b, i)->assigned);
    batch_free(b);
    g_assert_cmpint(count_rows(f), ==, 6);
    sc_registry_close(r);
}

// A number issued to somebody else is refused by name (SC_ERROR_DUPLICATE), as is a second
// number for a certificate already issued; and a failing batch consumes no numbers.
static void
test_duplicate(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "first", b, &error));
    g_assert_no_error(error);
    batch_free(b);

    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    batch_add(b, "D", 3, "2020-06-01", NULL);
    batch_add(b, "E", 5, "2020-06-01", GUIZHOU "205000002"); // B's
    batch_add(b, "A", 5, "2020-06-01", GUIZHOU "205000009"); // A has 000001
    batch_add(b, "F", 5, "2020-06-01", GUIZHOU "205000007");
    batch_add(b, "G", 5, "2020-06-01", GUIZHOU "205000007"); // F's, in the same batch
    g_assert_false(issue(r, GUIZHOU, "second", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_assert_cmpstr(error->message, ==, "3 problems found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 3);
    // Items 3, 4 and 6: rows 4, 5 and 7.
    assert_problem(b, 0, 4, "证书编号",
                   "number " GUIZHOU "205000002 is already issued to a different certificate "
                   "(batch \"first\"");
    assert_problem(b, 1, 5, "证书编号",
                   "this certificate was already issued as " GUIZHOU "205000001, not " GUIZHOU
                   "205000009");
    assert_problem(b, 2, 7, "证书编号", "number " GUIZHOU "205000007 is already issued");
    g_clear_error(&error);
    for (guint i = 0; i < b->items->len; i++)
        g_assert_null(batch_item(b, i)->assigned);
    batch_free(b);

    // Nothing recorded, no serial consumed, not even the counter moved by 000007.
    g_assert_cmpint(count_rows(f), ==, 2);
    assert_peek(r, GUIZHOU, 2020, 5, GUIZHOU "205000003");
    assert_peek(r, GUIZHOU, 2020, 3, GUIZHOU "203000001");
    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "third", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000003");
    batch_free(b);
    sc_registry_close(r);
}

// Items are checked before the register is touched; every problem is listed.
static void
test_bad_items(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 7, "2020-06-01", NULL);
    batch_add(b, "C", 5, "2020-02-30", NULL);
    batch_add(b, "D", 5, "2020年6月1日", NULL);
    batch_add(b, "", 5, "2020-06-01", NULL);
    batch_item(b, 4)->name = "";
    g_assert_false(issue(r, GUIZHOU, "bad", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==, "5 problems found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 5);
    assert_problem(b, 0, 3, "职业技能等级", "level 7 does not exist");
    assert_problem(b, 1, 4, "发证日期", "\"2020-02-30\" is not a date YYYY-MM-DD");
    assert_problem(b, 2, 5, "发证日期", "\"2020年6月1日\" is not a date YYYY-MM-DD");
    assert_problem(b, 3, 6, "姓名", "empty");
    assert_problem(b, 4, 6, "证件号码", "empty");
    g_assert_cmpstr(sc_problems_item(b->problems, 3)->message, ==,
                    "empty; every certificate needs it");
    g_clear_error(&error);
    batch_free(b);

    // A prefix that is no institution's.
    b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    g_assert_false(issue(r, "S000099001001", "bad prefix", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "province code 99 does not exist"));
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 0); // the institution's, no item's
    g_clear_error(&error);
    g_assert_false(issue(r, "S00005200100", "short prefix", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    batch_free(b);

    g_assert_null(sc_registry_peek(r, GUIZHOU, 20, 5, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_null(sc_registry_peek(r, GUIZHOU, 2020, 6, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_cmpint(count_rows(f), ==, 0);
    sc_registry_close(r);
}

// 999999 is issued; the next is refused (SC_ERROR_EXHAUSTED) naming the institution, year and
// level, and the refused batch records nothing (SPEC §3: running out is an error, not a wrap).
static void
test_exhausted(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;

    // Through a pre-assigned number: S…999998.
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", GUIZHOU "205999998");
    g_assert_true(issue(r, GUIZHOU, "near the end", b, &error));
    g_assert_no_error(error);
    batch_free(b);
    assert_peek(r, GUIZHOU, 2020, 5, GUIZHOU "205999999");

    b = batch_new();
    batch_add(b, "B", 5, "2020-06-01", NULL);
    batch_add(b, "C", 4, "2020-06-01", NULL);
    batch_add(b, "D", 5, "2020-06-01", NULL);
    batch_add(b, "E", 5, "2020-06-01", NULL);
    g_assert_false(issue(r, GUIZHOU, "one too many", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    // Reported once for the (year, level), not once per item: at D, the first item left
    // without a serial (row 4).
    g_assert_cmpstr(error->message, ==, "1 problem found");
    g_assert_cmpuint(sc_problems_count(b->problems), ==, 1);
    g_assert_cmpstr(sc_problems_item(b->problems, 0)->message, ==,
                    "no serial left for institution " GUIZHOU ", year 20, level 5: 999999 is "
                    "already issued and serials are never reused");
    assert_problem(b, 0, 4, "证书编号", "no serial left");
    g_clear_error(&error);
    batch_free(b);
    g_assert_cmpint(count_rows(f), ==, 1);

    // The last one is still there to take, then nothing.
    b = batch_new();
    batch_add(b, "B", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "the last", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205999999");
    batch_free(b);
    g_assert_null(sc_registry_peek(r, GUIZHOU, 2020, 5, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    g_clear_error(&error);
    b = batch_new();
    batch_add(b, "C", 5, "2020-06-01", NULL);
    g_assert_false(issue(r, GUIZHOU, "after the last", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    g_clear_error(&error);
    // A re-run of the last certificate still gets its number back.
    batch_free(b);
    b = batch_new();
    batch_add(b, "B", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "re-run", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205999999");
    batch_free(b);
    // Other years and levels are untouched.
    assert_peek(r, GUIZHOU, 2021, 5, GUIZHOU "215000001");
    assert_peek(r, GUIZHOU, 2020, 4, GUIZHOU "204000001");

    // Through the counter, seeded by SQL.
    sqlite3 *db = peek_db(f);
    g_assert_cmpint(sqlite3_exec(db, "INSERT INTO counters VALUES ('" CHONGQING "', 20, 9, 999997)",
                                 NULL, NULL, NULL),
                    ==, SQLITE_OK);
    sqlite3_close(db);
    b = batch_new();
    batch_add(b, "X", 9, "2020-07-01", NULL);
    batch_add(b, "Y", 9, "2020-07-01", NULL);
    g_assert_true(issue(r, CHONGQING, "预备技师", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, CHONGQING "209999998");
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, CHONGQING "209999999");
    batch_free(b);
    b = batch_new();
    batch_add(b, "Z", 9, "2020-07-01", NULL);
    g_assert_false(issue(r, CHONGQING, "预备技师", b, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_EXHAUSTED);
    assert_problem(b, 0, 2, "证书编号", CHONGQING ", year 20, level 9");
    g_clear_error(&error);
    batch_free(b);
    sc_registry_close(r);
}

// A serial is never reused: counters only increase, and a deleted certificate's serial stays
// used.
static void
test_never_reused(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;
    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL);
    batch_add(b, "B", 5, "2020-06-01", NULL);
    batch_add(b, "C", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "first", b, &error));
    g_assert_no_error(error);
    batch_free(b);

    sqlite3 *db = peek_db(f);
    g_assert_cmpint(sqlite3_exec(db, "DELETE FROM certificates WHERE serial = 3", NULL, NULL, NULL),
                    ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "UPDATE counters SET last = 0", NULL, NULL, NULL), !=,
                    SQLITE_OK);
    g_assert_cmpint(sqlite3_exec(db, "DELETE FROM counters", NULL, NULL, NULL), !=, SQLITE_OK);
    sqlite3_close(db);

    b = batch_new();
    batch_add(b, "D", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "second", b, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, GUIZHOU "205000004");
    batch_free(b);
    sc_registry_close(r);
}

// --- Processes ------------------------------------------------------------------------------

// For every (institution, year, level): serials 1…max with no gap and no duplicate, and the
// counter at max.  Returns the number of certificates.
static sqlite3_int64
assert_no_gap(const fixture *f)
{
    sqlite3 *db = peek_db(f);
    sqlite3_stmt *s = NULL;
    g_assert_cmpint(
        sqlite3_prepare_v2(db,
                           "SELECT c.prefix, c.year, c.level, count(*), count(DISTINCT c.serial), "
                           "min(c.serial), max(c.serial), "
                           "(SELECT last FROM counters k WHERE k.prefix = c.prefix "
                           "AND k.year = c.year AND k.level = c.level) "
                           "FROM certificates c GROUP BY c.prefix, c.year, c.level",
                           -1, &s, NULL),
        ==, SQLITE_OK);
    sqlite3_int64 total = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        sqlite3_int64 n = sqlite3_column_int64(s, 3);
        g_assert_cmpint(sqlite3_column_int64(s, 4), ==, n);
        g_assert_cmpint(sqlite3_column_int64(s, 5), ==, 1);
        g_assert_cmpint(sqlite3_column_int64(s, 6), ==, n);
        g_assert_cmpint(sqlite3_column_int64(s, 7), ==, n);
        total += n;
    }
    sqlite3_finalize(s);
    g_assert_cmpint(total, ==, db_int(db, "SELECT count(*) FROM certificates"));
    g_assert_cmpint(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), ==, SQLITE_OK);
    g_assert_cmpint(sqlite3_step(s), ==, SQLITE_ROW);
    g_assert_cmpstr((const char *)sqlite3_column_text(s, 0), ==, "ok");
    sqlite3_finalize(s);
    sqlite3_close(db);
    return total;
}

// A child's loop: issue small batches for ever (until killed).  Never returns.
static void G_GNUC_NORETURN
child_allocate_forever(const char *path, guint seed)
{
    GError *error = NULL;
    sc_registry *r = sc_registry_open(path, &error);
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
        if (!issue(r, GUIZHOU, "killed", b, &error))
            _exit(3);
        batch_free(b);
    }
}

// Children allocating in a loop are SIGKILLed at random moments, several rounds; the register
// is left with no gap and no duplicate, and allocation carries on after the last number.
static void
test_killed(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry_close(open_ok(f));
    GRand *rand = g_rand_new_with_seed(g_test_rand_int());
    for (int round = 0; round < 10; round++) {
        pid_t kids[3];
        for (guint k = 0; k < G_N_ELEMENTS(kids); k++) {
            guint seed = g_rand_int(rand);
            kids[k] = fork();
            g_assert_cmpint(kids[k], >=, 0);
            if (kids[k] == 0)
                child_allocate_forever(f->path, seed);
        }
        g_usleep(g_rand_int_range(rand, 20, 150) * 1000);
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

    sqlite3_int64 total = assert_no_gap(f);
    g_assert_cmpint(total, >, 0);
    g_test_message("%" G_GINT64_FORMAT " certificates survived 10 rounds of SIGKILL",
                   (gint64)total);

    // The register carries on from where it was.
    sc_registry *r = open_ok(f);
    sqlite3 *db = peek_db(f);
    sqlite3_int64 max = db_int(db, "SELECT coalesce(max(serial), 0) FROM certificates "
                                   "WHERE year = 20 AND level = 5");
    sqlite3_close(db);
    char *want = g_strdup_printf(GUIZHOU "205%06d", (int)max + 1);
    assert_peek(r, GUIZHOU, 2020, 5, want);
    g_free(want);
    sc_registry_close(r);
}

// Two processes each issue a batch of 500 for the same institution at the same moment: each
// gets a consecutive range, the ranges are disjoint, and together they are 1…1000.
static void
test_concurrent(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry_close(open_ok(f));
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
        sc_registry *r = sc_registry_open(f->path, &error);
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
        gboolean ok = issue(r, GUIZHOU, k == 0 ? "A" : "B", b, &error);
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

    sqlite3 *db = peek_db(f);
    sqlite3_int64 lo[2], hi[2];
    for (int k = 0; k < 2; k++) {
        char *sql = g_strdup_printf("SELECT count(*) = 500 AND max(serial) - min(serial) = 499 "
                                    "FROM certificates WHERE batch = '%c'",
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
    sqlite3_close(db);
    g_assert_cmpint(assert_no_gap(f), ==, 1000);
}

// Four processes open a register that does not exist yet at the same moment and issue at
// once: it is created once, and their numbers are 1…200 without gap.
static void
test_fresh(fixture *f, gconstpointer data)
{
    (void)data;
    int go[2];
    g_assert_cmpint(pipe(go), ==, 0);
    pid_t kids[4];
    for (guint k = 0; k < G_N_ELEMENTS(kids); k++) {
        kids[k] = fork();
        g_assert_cmpint(kids[k], >=, 0);
        if (kids[k] != 0)
            continue;
        close(go[1]);
        char c;
        if (read(go[0], &c, 1) != 0) // wait for the parent to close its end
            _exit(4);
        GError *error = NULL;
        sc_registry *r = sc_registry_open(f->path, &error);
        if (r == NULL) {
            g_printerr("child %u: %s\n", k, error->message);
            g_error_free(error);
            _exit(2);
        }
        batch *b = batch_new();
        for (int i = 0; i < 50; i++) {
            char id[32];
            g_snprintf(id, sizeof id, "%u-%d", k, i);
            batch_add(b, id, 3, "2024-05-20", NULL);
        }
        gboolean ok = issue(r, CHONGQING, "fresh", b, &error);
        batch_free(b);
        sc_registry_close(r);
        if (!ok) {
            g_printerr("child %u: %s\n", k, error->message);
            g_error_free(error);
            _exit(3);
        }
        _exit(0);
    }
    close(go[0]);
    close(go[1]); // go
    for (guint k = 0; k < G_N_ELEMENTS(kids); k++) {
        int status = 0;
        g_assert_cmpint(waitpid(kids[k], &status, 0), ==, kids[k]);
        g_assert_true(WIFEXITED(status));
        g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    }
    g_assert_cmpint(assert_no_gap(f), ==, 200);
}

// --- Speed ----------------------------------------------------------------------------------

// A 10,000-certificate batch in one transaction; its rate is reported (and re-running it, which
// only looks numbers up).
static void
test_speed(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    batch *b = batch_new();
    for (int i = 0; i < 10000; i++) {
        char id[32];
        g_snprintf(id, sizeof id, "11010119900307%04d", i);
        batch_add(b, id, 1 + i % 5, i % 3 == 0 ? "2024-01-15" : "2025-01-15", NULL);
    }
    GError *error = NULL;
    gint64 t0 = g_get_monotonic_time();
    g_assert_true(issue(r, GUANGDONG, "speed", b, &error));
    gint64 t1 = g_get_monotonic_time();
    g_assert_no_error(error);
    // Item 9999: level 5, 2024; the 667th such (i = 9, 24, … 9999).
    g_assert_cmpstr(batch_item(b, 9999)->assigned, ==, GUANGDONG "245000667");
    batch_clear_assigned(b);
    g_assert_true(issue(r, GUANGDONG, "speed again", b, &error));
    gint64 t2 = g_get_monotonic_time();
    g_assert_no_error(error);

    double first = (t1 - t0) / 1e6, again = (t2 - t1) / 1e6;
    g_test_message("10000 numbers allocated in %.3f s: %.0f numbers per second", first,
                   10000 / first);
    g_test_message("the same 10000 re-issued (looked up) in %.3f s: %.0f per second", again,
                   10000 / again);
    g_assert_cmpstr(batch_item(b, 9999)->assigned, ==, GUANGDONG "245000667");
    batch_free(b);
    sc_registry_close(r);
    g_assert_cmpint(assert_no_gap(f), ==, 10000);
}

// A preview gives the numbers the batch would get now, and keeps nothing: the next real issue
// gets the same numbers.
static void
test_preview(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry *r = open_ok(f);
    GError *error = NULL;
    batch *first = batch_new();
    batch_add(first, "A", 5, "2020-06-01", NULL);
    batch_add(first, "B", 5, "2020-06-01", NULL);
    g_assert_true(issue(r, GUIZHOU, "first", first, &error));
    g_assert_no_error(error);

    batch *b = batch_new();
    batch_add(b, "A", 5, "2020-06-01", NULL); // already issued: its own number back
    batch_add(b, "C", 5, "2020-06-01", NULL);
    batch_add(b, "D", 4, "2020-06-01", NULL);
    g_assert_true(sc_registry_preview(r, GUIZHOU, (sc_number_item *)b->items->data, b->items->len,
                                      b->problems, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(batch_item(b, 0)->assigned, ==, batch_item(first, 0)->assigned);
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, GUIZHOU "205000003");
    g_assert_cmpstr(batch_item(b, 2)->assigned, ==, GUIZHOU "204000001");
    g_assert_cmpint(count_rows(f), ==, 2);
    assert_peek(r, GUIZHOU, 2020, 5, GUIZHOU "205000003");

    // Issued for real: the same numbers.
    g_autofree char *c = g_strdup(batch_item(b, 1)->assigned);
    batch_clear_assigned(b);
    g_assert_true(issue(r, GUIZHOU, "second", b, &error));
    g_assert_cmpstr(batch_item(b, 1)->assigned, ==, c);
    g_assert_cmpint(count_rows(f), ==, 4);
    batch_free(first);
    batch_free(b);
    sc_registry_close(r);
}

// The register as a number source (numbering.h): a dry run shows the numbers and keeps
// nothing, the real run gets the same; problems come back as the register's, by row.
static void
test_source(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    sc_number_source *s = sc_registry_source_new(f->path, GUANGDONG, "batch 1", &error);
    g_assert_no_error(error);
    batch *b = batch_new();
    batch_add(b, "A", 4, "2026-11-20", NULL);
    batch_add(b, "B", 4, "2026-11-20", NULL);
    batch_add(b, "C", 5, "2026-11-20", NULL);
    sc_number_item *items = (sc_number_item *)(void *)b->items->data;
    g_assert_true(s->assign(s, items, 3, /*dry_run*/ TRUE, b->problems, &error));
    g_assert_cmpstr(items[1].assigned, ==, GUANGDONG "264000002");
    batch_clear_assigned(b);
    g_assert_cmpint(count_rows(f), ==, 0);
    g_assert_true(s->assign(s, items, 3, /*dry_run*/ FALSE, b->problems, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(items[0].assigned, ==, GUANGDONG "264000001");
    g_assert_cmpstr(items[1].assigned, ==, GUANGDONG "264000002");
    g_assert_cmpstr(items[2].assigned, ==, GUANGDONG "265000001");
    g_assert_cmpint(count_rows(f), ==, 3);
    batch_free(b);

    b = batch_new();
    batch_add(b, "D", 4, "2026-11-20", GUANGDONG "264000001"); // A's
    g_assert_false(
        s->assign(s, (sc_number_item *)(void *)b->items->data, 1, FALSE, b->problems, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_clear_error(&error);
    assert_problem(b, 0, 2, "证书编号", "is already issued to a different certificate");
    batch_free(b);
    sc_number_source_free(s);

    g_autofree char *missing = g_build_filename(f->dir, "no", "reg.db", NULL);
    g_assert_null(sc_registry_source_new(missing, GUANGDONG, "b", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_assert_cmpint(sc_error_exit_status(error), ==, 3);
    g_clear_error(&error);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
#define ADD(path, fn) g_test_add(path, fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("/registry/open/mode", test_open_mode);
    ADD("/registry/open/refusals", test_open_refusals);
    ADD("/registry/allocate/consecutive", test_consecutive);
    ADD("/registry/allocate/idempotent", test_idempotent);
    ADD("/registry/allocate/preassigned", test_preassigned);
    ADD("/registry/allocate/duplicate", test_duplicate);
    ADD("/registry/allocate/bad-items", test_bad_items);
    ADD("/registry/allocate/exhausted", test_exhausted);
    ADD("/registry/allocate/never-reused", test_never_reused);
    ADD("/registry/allocate/preview", test_preview);
    ADD("/registry/source", test_source);
    ADD("/registry/process/killed", test_killed);
    ADD("/registry/process/concurrent", test_concurrent);
    ADD("/registry/process/fresh", test_fresh);
    ADD("/registry/allocate/large-batch", test_speed);
#undef ADD
    return g_test_run();
}
