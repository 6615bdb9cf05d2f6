// registry.c - the register of issued certificates (台账) in SQLite: serial allocation per
// (institution, year, level), idempotent re-issue, pre-assigned numbers (SPEC §3; seeds/004
// 附件4 二(七), 001 五(四), 002 四(四)4).
#include "registry.h"

#include "certno.h"
#include "i18n.h"
#include "level.h"
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

// PRAGMA application_id: "SCRG", so a register is told from any other SQLite file.
#define REGISTRY_APP_ID 0x53435247
// PRAGMA user_version of the schema below.
#define REGISTRY_SCHEMA_VERSION 1
// Concurrent batches wait for each other rather than fail (milliseconds).
#define REGISTRY_BUSY_TIMEOUT_MS 30000

// The schema, version 1.  A certificate's number is unique, and so is its (institution, year,
// level, serial); the idempotency key is the certificate itself: the same person, occupation,
// work type, level and issue date under one institution.  Counters hold the last serial used
// per (institution, year, level) and only ever increase, so a serial is never used twice even if
// a certificate row were deleted (004 附件4 二(七): 依次顺序取值; SPEC §3: never reused).
static const char schema_sql[] =
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

struct sc_registry {
    char *path;
    sqlite3 *db;
    // Prepared once, reused for every item of every batch.
    sqlite3_stmt *find_key;    // the number of a certificate by its idempotency key
    sqlite3_stmt *find_number; // who holds a number
    sqlite3_stmt *get_last;    // the last serial of (prefix, year, level)
    sqlite3_stmt *put_last;    // raise it
    sqlite3_stmt *insert;      // record a certificate
};

static const char find_key_sql[] =
    "SELECT number FROM certificates WHERE prefix = ?1 AND id_number = ?2 AND occupation = ?3 "
    "AND work_type = ?4 AND level = ?5 AND issue_date = ?6";
static const char find_number_sql[] = "SELECT batch, issued_at FROM certificates WHERE number = ?1";
// The counter, and the highest serial recorded as a second guard (rows written by hand).
static const char get_last_sql[] =
    "SELECT max(coalesce((SELECT last FROM counters WHERE prefix = ?1 AND year = ?2 "
    "AND level = ?3), 0), coalesce((SELECT max(serial) FROM certificates WHERE prefix = ?1 "
    "AND year = ?2 AND level = ?3), 0))";
static const char put_last_sql[] =
    "INSERT INTO counters (prefix, year, level, last) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (prefix, year, level) DO UPDATE SET last = excluded.last "
    "WHERE excluded.last > last";
static const char insert_sql[] =
    "INSERT INTO certificates (number, prefix, year, level, serial, name, id_type, id_number, "
    "occupation, work_type, issue_date, batch, issued_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

// Set *ERROR (SC_ERROR_REGISTER) to "PATH: WHAT: sqlite's message".
static void
set_db_error(const sc_registry *r, GError **error, const char *what)
{
    g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, "%s: %s: %s", r->path, what,
                sqlite3_errmsg(r->db));
}

// Run SQL that returns no rows of interest.
static gboolean
exec(sc_registry *r, const char *sql, GError **error)
{
    char *msg = NULL;
    if (sqlite3_exec(r->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, "%s: %s: %s", r->path, sql,
                    msg != NULL ? msg : sqlite3_errmsg(r->db));
        sqlite3_free(msg);
        return FALSE;
    }
    return TRUE;
}

// The integer a one-row query (a PRAGMA) returns, in *VALUE.
static gboolean
query_int(sc_registry *r, const char *sql, sqlite3_int64 *value, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    gboolean ok = FALSE;
    if (sqlite3_prepare_v2(r->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        set_db_error(r, error, sql);
        goto out;
    }
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        set_db_error(r, error, sql);
        goto out;
    }
    *value = sqlite3_column_int64(stmt, 0);
    ok = TRUE;
out:
    sqlite3_finalize(stmt);
    return ok;
}

// Create the schema in a new register, or check an existing one is ours and not newer.
static gboolean
ensure_schema(sc_registry *r, GError **error)
{
    sqlite3_int64 version = 0, app = 0, objects = 0;
    if (!query_int(r, "PRAGMA user_version", &version, error))
        return FALSE;
    if (version == 0) {
        // Possibly new: create it under the write lock, so two processes opening a fresh file
        // at once create it once.
        if (!exec(r, "BEGIN IMMEDIATE", error))
            return FALSE;
        if (!query_int(r, "PRAGMA user_version", &version, error) ||
            !query_int(r, "SELECT count(*) FROM sqlite_master", &objects, error))
            goto rollback;
        if (version == 0 && objects > 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                        _("%s: not a skillcert register (a database with other tables)"), r->path);
            goto rollback;
        }
        if (version == 0) {
            char *pragmas = g_strdup_printf("PRAGMA user_version = %d; PRAGMA application_id = %d;",
                                            REGISTRY_SCHEMA_VERSION, REGISTRY_APP_ID);
            gboolean ok = exec(r, schema_sql, error) && exec(r, pragmas, error);
            g_free(pragmas);
            if (!ok)
                goto rollback;
            version = REGISTRY_SCHEMA_VERSION;
        }
        if (!exec(r, "COMMIT", error))
            goto rollback;
    }
    if (!query_int(r, "PRAGMA application_id", &app, error))
        return FALSE;
    if (app != REGISTRY_APP_ID) {
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

rollback:
    sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
    return FALSE;
}

// Put the register in WAL mode.  Switching a new file to WAL takes an exclusive lock without
// calling the busy handler, so processes opening a new register at once retry here, within the
// same busy timeout.
static gboolean
set_wal(sc_registry *r, GError **error)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(r->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) != SQLITE_OK) {
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

static gboolean
prepare(sc_registry *r, const char *sql, sqlite3_stmt **stmt, GError **error)
{
    if (sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK) {
        set_db_error(r, error, _("preparing a statement"));
        return FALSE;
    }
    return TRUE;
}

sc_registry *
sc_registry_open(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);

    // Create the file ourselves so it is born 0600 whatever the umask (it holds identity
    // numbers); SQLite gives its -wal and -shm files the database file's mode.
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot open the register: %s"), path,
                    g_strerror(saved));
        return NULL;
    }
    close(fd);

    sc_registry *r = g_new0(sc_registry, 1);
    r->path = g_strdup(path);
    if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        if (r->db == NULL)
            g_set_error(error, SC_ERROR, SC_ERROR_REGISTER, _("%s: cannot open: out of memory"),
                        path);
        else
            set_db_error(r, error, _("cannot open"));
        goto fail;
    }
    sqlite3_busy_timeout(r->db, REGISTRY_BUSY_TIMEOUT_MS);

    // WAL: readers never block the writer.  synchronous=FULL: a committed batch survives a
    // power cut, or its numbers could be issued twice after the certificates were printed.
    if (!set_wal(r, error) || !exec(r, "PRAGMA synchronous = FULL", error) ||
        !ensure_schema(r, error))
        goto fail;

    if (!prepare(r, find_key_sql, &r->find_key, error) ||
        !prepare(r, find_number_sql, &r->find_number, error) ||
        !prepare(r, get_last_sql, &r->get_last, error) ||
        !prepare(r, put_last_sql, &r->put_last, error) ||
        !prepare(r, insert_sql, &r->insert, error))
        goto fail;
    return r;

fail:
    sc_registry_close(r);
    return NULL;
}

void
sc_registry_close(sc_registry *registry)
{
    if (registry == NULL)
        return;
    sqlite3_finalize(registry->find_key);
    sqlite3_finalize(registry->find_number);
    sqlite3_finalize(registry->get_last);
    sqlite3_finalize(registry->put_last);
    sqlite3_finalize(registry->insert);
    sqlite3_close_v2(registry->db);
    g_free(registry->path);
    g_free(registry);
}

// --- Issuing --------------------------------------------------------------------------------

// The last serial of one (year, level) of the batch's institution, as the batch moves it.
typedef struct {
    int year, level;
    int last;
    gboolean dirty;     // to be written back
    gboolean exhausted; // already reported
} counter;

// One issue() call: the statements' shared state and the problems found.
typedef struct {
    sc_registry *r;
    const char *prefix;
    const char *batch;
    char *issued_at;
    GHashTable *counters;  // "year/level" -> counter *
    sc_problems *problems; // the caller's
    guint found;           // problems this call added
    int code;              // sc_error_code of the first
    char **assigned;       // the number of each item, or NULL
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
bind_text(sqlite3_stmt *stmt, int i, const char *text)
{
    sqlite3_bind_text(stmt, i, text, -1, SQLITE_STATIC);
}

// The counter of (YEAR, LEVEL), read from the register on first use.  NULL with *ERROR set
// when the database fails.
// Run the write statement S once and reset it for the next use; FALSE with *ERROR set (saying
// WHAT failed) unless it completed.
static gboolean
step_done(sc_registry *r, sqlite3_stmt *s, const char *what, GError **error)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        set_db_error(r, error, what);
        return FALSE;
    }
    return TRUE;
}

static counter *
get_counter(issuing *is, int year, int level, GError **error)
{
    char key[16];
    g_snprintf(key, sizeof key, "%d/%d", year, level);
    counter *c = g_hash_table_lookup(is->counters, key);
    if (c != NULL)
        return c;

    sqlite3_stmt *s = is->r->get_last;
    bind_text(s, 1, is->prefix);
    sqlite3_bind_int(s, 2, year);
    sqlite3_bind_int(s, 3, level);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        set_db_error(is->r, error, _("reading a serial counter"));
        sqlite3_reset(s);
        return NULL;
    }
    c = g_new0(counter, 1);
    c->year = year;
    c->level = level;
    c->last = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    g_hash_table_insert(is->counters, g_strdup(key), c);
    return c;
}

// The number of the certificate with ITEM's idempotency key, or NULL.  Caller frees with
// g_free().  Sets *FAILED and *ERROR when the database fails.
static char *
find_by_key(issuing *is, const sc_number_item *item, const char *work_type, gboolean *failed,
            GError **error)
{
    sqlite3_stmt *s = is->r->find_key;
    bind_text(s, 1, is->prefix);
    bind_text(s, 2, item->id_number);
    bind_text(s, 3, item->occupation);
    bind_text(s, 4, work_type);
    sqlite3_bind_int(s, 5, item->level);
    bind_text(s, 6, item->issue_date);
    int rc = sqlite3_step(s);
    char *number = NULL;
    if (rc == SQLITE_ROW)
        number = g_strdup((const char *)sqlite3_column_text(s, 0));
    else if (rc != SQLITE_DONE) {
        set_db_error(is->r, error, _("looking up a certificate"));
        *failed = TRUE;
    }
    sqlite3_reset(s);
    return number;
}

// Whether NUMBER is recorded; if so *HOLDER describes its batch and time (caller frees).
// Sets *FAILED and *ERROR when the database fails.
static gboolean
find_number(issuing *is, const char *number, char **holder, gboolean *failed, GError **error)
{
    sqlite3_stmt *s = is->r->find_number;
    bind_text(s, 1, number);
    int rc = sqlite3_step(s);
    gboolean found = rc == SQLITE_ROW;
    if (found)
        *holder = g_strdup_printf(_("batch \"%s\", issued %s"), sqlite3_column_text(s, 0),
                                  sqlite3_column_text(s, 1));
    else if (rc != SQLITE_DONE) {
        set_db_error(is->r, error, _("looking up a number"));
        *failed = TRUE;
    }
    sqlite3_reset(s);
    return found;
}

// Record ITEM under NUMBER (YEAR, SERIAL).  FALSE with *ERROR set when the database fails.
static gboolean
insert(issuing *is, const sc_number_item *item, const char *work_type, const char *id_type,
       const char *number, int year, int serial, GError **error)
{
    sqlite3_stmt *s = is->r->insert;
    bind_text(s, 1, number);
    bind_text(s, 2, is->prefix);
    sqlite3_bind_int(s, 3, year);
    sqlite3_bind_int(s, 4, item->level);
    sqlite3_bind_int(s, 5, serial);
    bind_text(s, 6, item->name);
    bind_text(s, 7, id_type);
    bind_text(s, 8, item->id_number);
    bind_text(s, 9, item->occupation);
    bind_text(s, 10, work_type);
    bind_text(s, 11, item->issue_date);
    bind_text(s, 12, is->batch);
    bind_text(s, 13, is->issued_at);
    return step_done(is->r, s, _("recording a certificate"), error);
}

// The year of ISSUE_DATE (YYYY-MM-DD, a real date), or -1.
static int
issue_year(const char *issue_date)
{
    if (issue_date == NULL || strlen(issue_date) != 10 || issue_date[4] != '-' ||
        issue_date[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !g_ascii_isdigit(issue_date[i]))
            return -1;
    int y = (int)g_ascii_strtoll(issue_date, NULL, 10);
    int m = (int)g_ascii_strtoll(issue_date + 5, NULL, 10);
    int d = (int)g_ascii_strtoll(issue_date + 8, NULL, 10);
    if (y < 1 || m < 1 || m > 12 || d < 1 ||
        !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
        return -1;
    return y;
}

static const char *
or_default(const char *s, const char *fallback)
{
    return s != NULL && *s != '\0' ? s : fallback;
}

static gboolean
is_empty(const char *s)
{
    return s == NULL || *s == '\0';
}

// The number of SERIAL in (YEAR, LEVEL) of the institution PREFIX, whose every part the caller
// checked (a programming error otherwise: NULL).  Caller frees with g_free().
static char *
make_number(const char *prefix, int year, int level, int serial)
{
    sc_certno n;
    gboolean made = sc_certno_make(prefix, year, level, serial, &n);
    g_return_val_if_fail(made, NULL);
    return sc_certno_format(&n);
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
        if (is_empty(it->id_number))
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
        sc_certno_check_agrees(&number, is->prefix, year > 0 ? year : 0, it->level,
                               number_disagrees, &at);
        if (number.serial == 0)
            problem(is, SC_ERROR_INPUT, it, SC_FIELD_NUMBER, _("%s has serial 000000"), it->number);
    }
}

// Pass 1: record the pre-assigned numbers, so allocation moves past them.  FALSE with *ERROR
// set only when the database fails; refusals are added as problems.
static gboolean
record_given(issuing *is, const sc_number_item *items, guint n, GError **error)
{
    gboolean failed = FALSE;
    for (guint i = 0; i < n && !failed; i++) {
        const sc_number_item *it = &items[i];
        if (it->number == NULL)
            continue;
        const char *work_type = or_default(it->work_type, "——");
        const char *id_type = or_default(it->id_type, "居民身份证");

        // Already recorded (a re-run): it must be under the same number.
        char *have = find_by_key(is, it, work_type, &failed, error);
        if (failed)
            break;
        if (have != NULL) {
            if (strcmp(have, it->number) == 0)
                is->assigned[i] = have;
            else {
                problem(is, SC_ERROR_DUPLICATE, it, SC_FIELD_NUMBER,
                        _("this certificate was already issued as %s, not %s"), have, it->number);
                g_free(have);
            }
            continue;
        }

        // New to the register: the number must be free.
        char *holder = NULL;
        if (find_number(is, it->number, &holder, &failed, error)) {
            problem(is, SC_ERROR_DUPLICATE, it, SC_FIELD_NUMBER,
                    _("number %s is already issued to a different certificate (%s)"), it->number,
                    holder);
            g_free(holder);
            continue;
        }
        if (failed)
            break;

        sc_certno given; // of the right shape: check_items()
        sc_certno_split(it->number, &given);
        counter *c = get_counter(is, given.year, it->level, error);
        if (c == NULL ||
            !insert(is, it, work_type, id_type, it->number, given.year, given.serial, error)) {
            failed = TRUE;
            break;
        }
        is->assigned[i] = g_strdup(it->number);
        if (given.serial > c->last) {
            c->last = given.serial;
            c->dirty = TRUE;
        }
    }
    return !failed;
}

// Pass 2: number the others in the order given, each (year, level) consecutively.  FALSE
// with *ERROR set only when the database fails.
static gboolean
allocate(issuing *is, const sc_number_item *items, guint n, GError **error)
{
    gboolean failed = FALSE;
    for (guint i = 0; i < n && !failed; i++) {
        const sc_number_item *it = &items[i];
        if (it->number != NULL)
            continue;
        const char *work_type = or_default(it->work_type, "——");
        const char *id_type = or_default(it->id_type, "居民身份证");

        char *have = find_by_key(is, it, work_type, &failed, error);
        if (failed)
            break;
        if (have != NULL) {
            is->assigned[i] = have;
            continue;
        }

        int year = issue_year(it->issue_date) % 100;
        counter *c = get_counter(is, year, it->level, error);
        if (c == NULL)
            break;
        // Running out is an error, never a wrap (SPEC §3; 004 附件4 二(七): 000001–999999).
        if (c->last >= SC_CERTNO_SERIAL_MAX) {
            if (!c->exhausted)
                problem(is, SC_ERROR_EXHAUSTED, it, SC_FIELD_NUMBER,
                        _("no serial left for institution %s, year %02d, level %d: %06d is "
                          "already issued and serials are never reused"),
                        is->prefix, year, it->level, SC_CERTNO_SERIAL_MAX);
            c->exhausted = TRUE;
            continue;
        }
        int serial = c->last + 1;
        char *number = make_number(is->prefix, year, it->level, serial);
        if (!insert(is, it, work_type, id_type, number, year, serial, error)) {
            g_free(number);
            failed = TRUE;
            break;
        }
        c->last = serial;
        c->dirty = TRUE;
        is->assigned[i] = number;
    }
    return !failed;
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
        sqlite3_stmt *s = is->r->put_last;
        bind_text(s, 1, is->prefix);
        sqlite3_bind_int(s, 2, c->year);
        sqlite3_bind_int(s, 3, c->level);
        sqlite3_bind_int(s, 4, c->last);
        if (!step_done(is->r, s, _("saving a serial counter"), error))
            return FALSE;
    }
    return TRUE;
}

// Issue ITEMS in one transaction; KEEP commits it, else it is rolled back after the numbers are
// known (a preview).
static gboolean
issue_batch(sc_registry *registry, const char *prefix, const char *batch, sc_number_item *items,
            guint n, gboolean keep, sc_problems *problems, GError **error)
{
    g_return_val_if_fail(registry != NULL && prefix != NULL && problems != NULL, FALSE);
    g_return_val_if_fail(items != NULL || n == 0, FALSE);

    // The prefix as any province profile would accept it (every profile's prefixes pass the
    // national check; the caller checked its own profile).
    GError *local = NULL;
    if (!sc_certno_check_prefix(prefix, SC_PROFILE_NATIONAL, &local)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("institution %s:\n%s"), prefix,
                    local->message);
        g_error_free(local);
        return FALSE;
    }

    GDateTime *now = g_date_time_new_now_local();
    issuing is = {
        .r = registry,
        .prefix = prefix,
        .batch = batch != NULL ? batch : "",
        .issued_at = g_date_time_format_iso8601(now),
        .counters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .problems = problems,
        .assigned = g_new0(char *, n),
    };
    g_date_time_unref(now);
    gboolean ok = FALSE, begun = FALSE;

    check_items(&is, items, n);
    if (is.found > 0)
        goto out;

    // One transaction for the whole batch, taking the write lock at once: a concurrent batch
    // waits (busy timeout) instead of failing half-way.
    if (sqlite3_exec(registry->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        set_db_error(registry, error, _("cannot lock the register"));
        goto out;
    }
    begun = TRUE;
    if (!record_given(&is, items, n, error) || !allocate(&is, items, n, error))
        goto out;
    if (is.found > 0)
        goto out;
    if (!save_counters(&is, error))
        goto out;
    if (!keep) {
        sqlite3_exec(registry->db, "ROLLBACK", NULL, NULL, NULL);
    } else if (sqlite3_exec(registry->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        set_db_error(registry, error, _("cannot commit the batch"));
        goto out;
    }
    begun = FALSE;

    for (guint i = 0; i < n; i++) {
        items[i].assigned = is.assigned[i];
        is.assigned[i] = NULL;
    }
    ok = TRUE;

out:
    if (begun)
        sqlite3_exec(registry->db, "ROLLBACK", NULL, NULL, NULL);
    if (!ok && is.found > 0 && (error == NULL || *error == NULL))
        g_set_error(error, SC_ERROR, is.code,
                    g_dngettext(GETTEXT_PACKAGE, "%u problem found", "%u problems found", is.found),
                    is.found);
    for (guint i = 0; i < n; i++) // not g_strfreev(): unset items leave holes
        g_free(is.assigned[i]);
    g_free(is.assigned);
    g_hash_table_unref(is.counters);
    g_free(is.issued_at);
    return ok;
}

gboolean
sc_registry_issue(sc_registry *registry, const char *prefix, const char *batch,
                  sc_number_item *items, guint n, sc_problems *problems, GError **error)
{
    return issue_batch(registry, prefix, batch, items, n, /*keep*/ TRUE, problems, error);
}

gboolean
sc_registry_preview(sc_registry *registry, const char *prefix, sc_number_item *items, guint n,
                    sc_problems *problems, GError **error)
{
    return issue_batch(registry, prefix, "preview", items, n, /*keep*/ FALSE, problems, error);
}

char *
sc_registry_peek(sc_registry *registry, const char *prefix, int year, int level, GError **error)
{
    g_return_val_if_fail(registry != NULL, NULL);
    g_return_val_if_fail(prefix != NULL, NULL);

    GError *local = NULL;
    if (!sc_certno_check_prefix(prefix, SC_PROFILE_NATIONAL, &local)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("institution %s:\n%s"), prefix,
                    local->message);
        g_error_free(local);
        return NULL;
    }
    if (year < 1000 || year > 9999) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("year %d is not a four-digit year"), year);
        return NULL;
    }
    if (!sc_level_is_code(level)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("level %d does not exist"), level);
        return NULL;
    }

    sqlite3_stmt *s = registry->get_last;
    bind_text(s, 1, prefix);
    sqlite3_bind_int(s, 2, year % 100);
    sqlite3_bind_int(s, 3, level);
    int rc = sqlite3_step(s);
    int last = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) {
        set_db_error(registry, error, _("reading a serial counter"));
        return NULL;
    }
    if (last >= SC_CERTNO_SERIAL_MAX) {
        g_set_error(error, SC_ERROR, SC_ERROR_EXHAUSTED,
                    _("no serial left for institution %s, year %02d, level %d: %06d is "
                      "already issued and serials are never reused"),
                    prefix, year % 100, level, SC_CERTNO_SERIAL_MAX);
        return NULL;
    }
    return make_number(prefix, year, level, last + 1);
}

// --- The number source ----------------------------------------------------------------------

// The register behind the number-source plug point (numbering.h).
typedef struct {
    sc_number_source base;
    sc_registry *registry;
    char *prefix;
    char *batch;
} registry_source;

static gboolean
source_assign(sc_number_source *self, sc_number_item *items, guint n, gboolean dry_run,
              sc_problems *problems, GError **error)
{
    registry_source *rs = (registry_source *)self;
    if (dry_run)
        return sc_registry_preview(rs->registry, rs->prefix, items, n, problems, error);
    return sc_registry_issue(rs->registry, rs->prefix, rs->batch, items, n, problems, error);
}

static void
source_free(sc_number_source *self)
{
    registry_source *rs = (registry_source *)self;
    sc_registry_close(rs->registry);
    g_free(rs->prefix);
    g_free(rs->batch);
    g_free(rs);
}

sc_number_source *
sc_registry_source_new(const char *path, const char *prefix, const char *batch, GError **error)
{
    g_return_val_if_fail(prefix != NULL, NULL);
    sc_registry *registry = sc_registry_open(path, error);
    if (registry == NULL)
        return NULL;
    registry_source *rs = g_new0(registry_source, 1);
    rs->base.assign = source_assign;
    rs->base.free = source_free;
    rs->registry = registry;
    rs->prefix = g_strdup(prefix);
    rs->batch = g_strdup(batch);
    return &rs->base;
}
