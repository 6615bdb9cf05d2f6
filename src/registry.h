// registry.h - the register of issued certificates (SPEC §3 and "What the register means in an
// office"; 台账, seeds/001 五(四), 002 四(四)4): SQLite, the embedded default, or PostgreSQL for
// several desks (issue 14), chosen by where it is: a file, or an address postgresql://… (or
// postgres://…), which messages show without its password.  The same rules either way.  A
// register belongs to one institution (its number positions 1–13); it is created only on
// purpose (sc_registry_create()), never because a file is missing or empty.
#ifndef SC_REGISTRY_H
#define SC_REGISTRY_H

#include "error.h"
#include "numbering.h"
#include <glib.h>

typedef struct sc_registry sc_registry; // opaque: sc_registry_open() / sc_registry_close()

// Open the existing register at PATH.  PREFIX, when not NULL, must be the institution it serves.
// Refused (NULL with *ERROR set): a missing or empty file (SC_ERROR_REGISTER, saying how to
// restore a backup or create a register), a file that is no register, a register of another
// institution, a newer schema, a file others may read (group or other permissions: it holds
// identity numbers; the message gives the chmod that fixes it), a register failing SQLite's
// quick_check.  An older schema is migrated forward, keeping every number.  PATH an address: a
// server that cannot be reached, a database holding no register (tables made by
// sc_registry_create() only), or another institution's are refused alike; no file checks.
// Caller frees with sc_registry_close().  Copies PATH.
sc_registry *sc_registry_open(const char *path, const char *prefix, GError **error);

// Create a new register at PATH for the institution whose positions 1–13 are PREFIX (file mode
// 0600).  Refused when PATH exists (an address: when its database already holds a register's
// tables).  Caller frees with sc_registry_close().
sc_registry *sc_registry_create(const char *path, const char *prefix, GError **error);

// Create a new register at PATH (a file or an address, refused as sc_registry_create() refuses)
// holding every row of FROM, a register of either kind, for FROM's institution: a register
// moved between SQLite and PostgreSQL (issue 14).  All or nothing: on failure no register is
// left at PATH.  NULL with *ERROR set.  Caller frees with sc_registry_close().  Borrows FROM.
sc_registry *sc_registry_create_from(const char *path, sc_registry *from, GError **error);

void sc_registry_close(sc_registry *registry);

// The institution the register serves (positions 1–13).  Valid until sc_registry_close().
const char *sc_registry_get_prefix(const sc_registry *registry);

// Check the whole database (PRAGMA integrity_check; on PostgreSQL every table read through).
// FALSE with *ERROR set naming what is wrong (SC_ERROR_REGISTER).
gboolean sc_registry_check(sc_registry *registry, GError **error);

// A consistent copy of the register at DEST (SQLite's online backup; mode 0600), written to a
// temporary name and renamed.  FALSE with *ERROR set; always for a PostgreSQL register or
// DEST (its server's tools, pg_dump and pg_restore, keep its copies).
gboolean sc_registry_backup(sc_registry *registry, const char *dest, GError **error);

// Whether REGISTRY is a SQLite file, with backups beside it; FALSE on a PostgreSQL server.
gboolean sc_registry_is_file(const sc_registry *registry);

// How many backups beside a register are kept.
#define SC_REGISTRY_BACKUPS 10

// A backup beside the register, "PATH.backup-YYYYMMDD-HHMMSS", keeping the KEEP newest ones.
// Returns the backup's path, or NULL with *ERROR set.  Caller frees with g_free().
char *sc_registry_backup_rotate(sc_registry *registry, guint keep, GError **error);

// Replace the register at PATH by the backup BACKUP (checked first: a register, whole, of the
// same institution when PATH is one).  The register being replaced is kept as
// "PATH.before-restore-…".  FALSE with *ERROR set; always when either is an address.
gboolean sc_registry_restore(const char *backup, const char *path, GError **error);

// Number the N ITEMS (SPEC §3) in one transaction, recording BATCH (a label) and the time, and
// leave the transaction open until sc_registry_end_issue() (so the caller can put the output in
// place first).  For each item, in order:
// - a holder (证件类型 + 证件号码) who already holds a certificate (not void) for the same
//   occupation, work type and level gets it back: the same number and its original 发证日期
//   (ASSIGNED_DATE), status REPRINT; unless the item is SECOND (a genuinely second
//   certificate).  An item whose own 发证日期 (DATE_GIVEN) differs from the issued one, or whose
//   姓名 differs from the one issued (unless CORRECT: then the register keeps the history and
//   the status is CORRECTED), is a problem;
// - a given NUMBER is recorded (it never moves the counter) or refused: issued to someone else,
//   void, or not agreeing with PREFIX, the year and the level;
// - the others get the next serial of (year, level) never issued, pre-assigned serials skipped,
//   from 000001; 999999 used up is a problem (SC_ERROR_EXHAUSTED), never a wrap.
// Every item's print is logged with its OUTPUT and its STOCK sheet (unless UNPRINTED); a sheet
// already printed or spoiled is a problem (field 证书内芯), and each STOCK_RANGE is recorded.
// Problems are added to PROBLEMS under the item's row and field (no file name), and the call
// returns FALSE with *ERROR set to the first one's code (SC_ERROR_INPUT, SC_ERROR_DUPLICATE or
// SC_ERROR_EXHAUSTED) and a count; a failure of the register returns FALSE with *ERROR set
// (SC_ERROR_REGISTER).  On failure nothing is recorded, no transaction is left open and no ASSIGNED
// is set.  ASSIGNED and ASSIGNED_DATE are overwritten, not freed.  Safe against concurrent
// processes and crashes.  Borrows everything.
gboolean sc_registry_begin_issue(sc_registry *registry, const char *batch, sc_number_item *items,
                                 guint n, sc_problems *problems, GError **error);

// End the issue begun last: KEEP commits it (the numbers are issued), else it is rolled back
// (nothing issued).  FALSE with *ERROR set when the commit fails (then nothing is issued).
gboolean sc_registry_end_issue(sc_registry *registry, gboolean keep, GError **error);

// sc_registry_begin_issue() then sc_registry_end_issue(KEEP = TRUE).
gboolean sc_registry_issue(sc_registry *registry, const char *batch, sc_number_item *items, guint n,
                           sc_problems *problems, GError **error);

// As sc_registry_issue(), but nothing is kept: the numbers and dates the items would get now
// (a preview, a dry run).
gboolean sc_registry_preview(sc_registry *registry, sc_number_item *items, guint n,
                             sc_problems *problems, GError **error);

// The number the next certificate of (YEAR (four digits), LEVEL) would get, without allocating
// it.  Caller frees with g_free().  NULL with *ERROR set on failure.
char *sc_registry_peek(sc_registry *registry, int year, int level, GError **error);

// Mark NUMBER void, with REASON: it is never issued again, and a record carrying it is refused.
// FALSE with *ERROR set: not issued by this register (SC_ERROR_INPUT), already void.
gboolean sc_registry_void(sc_registry *registry, const char *number, const char *reason,
                          GError **error);

// What the register holds about the certificate NUMBER, or about every certificate of the holder
// with ID_NUMBER (one of them NULL): holder, occupation, level, dates, status, prints and
// corrections, as lines of text.  NULL with *ERROR set (SC_ERROR_INPUT when there is none).
// Caller frees with g_free().
char *sc_registry_show(sc_registry *registry, const char *number, const char *id_number,
                       GError **error);

// What a certificate is now, for the reports (issue 14; SPEC §3 "What the register means in an
// office").  The first that applies: void, corrected (a printed field changed, history kept),
// reprinted (printed more than once), issued.
typedef enum {
    SC_REGISTRY_ISSUED,
    SC_REGISTRY_REPRINTED,
    SC_REGISTRY_CORRECTED,
    SC_REGISTRY_VOID,
} sc_registry_state;

// Which certificates sc_registry_each() yields: 发证日期 from FROM to TO (YYYY-MM-DD, both
// included; NULL: no bound), of LEVEL (0: every level); void ones too unless SKIP_VOID.
typedef struct {
    const char *from, *to;
    int level;
    gboolean skip_void;
} sc_registry_filter;

// One certificate as the register holds it.  The strings are valid during the callback only.
typedef struct {
    const char *number, *name, *id_type, *id_number, *occupation, *occupation_code, *work_type;
    int level;               // 1–5, 9
    const char *issue_date;  // 发证日期, YYYY-MM-DD
    const char *void_reason; // NULL unless void
    guint prints;            // how many times it was printed (0: recorded, never printed)
    guint corrections;
    sc_registry_state state;
} sc_registry_entry;

// Called by sc_registry_each() for each certificate; FALSE with *ERROR set stops the walk.
typedef gboolean (*sc_registry_each_func)(const sc_registry_entry *entry, gpointer data,
                                          GError **error);

// Call FUNC with DATA for every certificate FILTER (NULL: all) selects, ordered by 发证日期 then
// number.  FALSE with *ERROR set when the register fails (SC_ERROR_REGISTER) or FUNC does.
// Borrows everything.
gboolean sc_registry_each(sc_registry *registry, const sc_registry_filter *filter,
                          sc_registry_each_func func, gpointer data, GError **error);

// A range of numbered blank stock sheets (证书内芯): LETTERS (ASCII letters, may be empty) then
// a serial of WIDTH digits (zero-padded), FIRST to LAST.
typedef struct {
    char letters[9];
    int width;
    guint64 first, last;
} sc_stock_range;

// The most sheets one range may have.
#define SC_STOCK_RANGE_MAX 1000000

// Parse TEXT: "A0001001-A0001100", "1001-1100", or one sheet "A0001001".  Both ends have the
// same letters and digits; FIRST ≤ LAST; at most SC_STOCK_RANGE_MAX sheets.  FALSE with *ERROR
// set (SC_ERROR_USAGE).  Borrows TEXT.
gboolean sc_registry_stock_parse(const char *text, sc_stock_range *out, GError **error);

// Sheet I (0 = FIRST) of RANGE as printed on it ("A0001005").  Caller frees with g_free().
char *sc_registry_stock_sheet(const sc_stock_range *range, guint64 i);

// Log SHEET as spoiled (损坏、作废的证书内芯) with REASON.  FALSE with *ERROR set: not a sheet
// (SC_ERROR_USAGE), already spoiled (SC_ERROR_INPUT).  A printed sheet may be spoiled (the
// certificate is printed again on another).
gboolean sc_registry_spoil(sc_registry *registry, const char *sheet, const char *reason,
                           GError **error);

// The stock account, as lines of text: per range of sheets the print runs were given
// (overlapping and adjacent ranges merged), its size, the sheets used (printed, not spoiled),
// spoiled, and remaining; then sheets used or spoiled outside every range.  NULL with *ERROR
// set.  Caller frees with g_free().
char *sc_registry_stock_report(sc_registry *registry, GError **error);

// The certificates whose issued file has the SHA-256 SHA256 (64 lower-case hex digits; issue
// 13), one or, for a print file, many: TRUE with *NUMBER the first of them, or the first voided
// (caller frees with g_free()), or NULL when the register logged no such file; *COUNT (may be
// NULL) how many; *VOID_REASON (may be NULL; caller frees with g_free()) why *NUMBER was voided,
// or NULL when none of them was.  FALSE with *ERROR set when the register cannot be read.
gboolean sc_registry_find_file(sc_registry *registry, const char *sha256, char **number,
                               guint *count, char **void_reason, GError **error);

// The register at PATH, which must exist, as a number source (numbering.h) for the institution
// whose positions 1–13 are PREFIX, recording BATCH: its assign is sc_registry_begin_issue(), or
// sc_registry_preview() for a dry run (a real one first takes a backup beside the register,
// sc_registry_backup_rotate(), on a file); its finish is sc_registry_end_issue().  Returns NULL
// with *ERROR set as sc_registry_open() does.  Copies PATH, PREFIX and BATCH.  Caller frees with
// sc_number_source_free(), which rolls back an issue not finished and closes the register.
sc_number_source *sc_registry_source_new(const char *path, const char *prefix, const char *batch,
                                         GError **error);

#endif
