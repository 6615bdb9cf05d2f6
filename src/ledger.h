// ledger.h - the register as the institution's ledger (台账, seeds/001 五(四), 002 四(四)4; SPEC
// §3 "What the register means in an office"): where an institution's register is, and what an
// officer does with it by hand — create it, back it up, restore it, check it, see the next
// number, void a certificate, show what it holds.
#ifndef SC_LEDGER_H
#define SC_LEDGER_H

#include "error.h"
#include "institution.h"
#include "registry.h"

// The register of INST (it belongs to the institution, not to a file): GIVEN when not NULL,
// else where the institution file's `register` key points (a shared folder), else the per-user
// data folder's register of its number prefix, $XDG_DATA_HOME/skillcert/registers/
// PREFIX.register.db, which every copy of the institution file reaches.  Caller frees with
// g_free().
char *sc_ledger_register_path(const sc_institution *inst, const char *given);

// FALSE with *ERROR set when PATH does not exist but a register of the older versions lies
// beside the institution file (INSTITUTION.register.db): the message says how to adopt it.
// TRUE otherwise (a missing register is then sc_registry_open()'s to explain).
gboolean sc_ledger_check_exists(const sc_institution *inst, const char *path, GError **error);

// What a command line names: the institution file, and the register (or NULL for its default).
typedef struct {
    const char *institution_path;
    const char *register_path;
} sc_ledger_place;

// Create the register of the institution (refused when one exists).  FROM, when not NULL, is
// an existing register (an older version's, or a copy) whose certificates the new one takes
// over, whole.  Returns the register's path, or NULL with *ERROR set.  Caller frees with g_free().
char *sc_ledger_init(const sc_ledger_place *at, const char *from, GError **error);

// A consistent backup of the register: at DEST, or beside it (a few kept, rotated) when NULL.
// Returns the backup's path, or NULL with *ERROR set.  Caller frees with g_free().
char *sc_ledger_backup(const sc_ledger_place *at, const char *dest, GError **error);

// Replace the register by BACKUP (checked first).  Returns the register's path, or NULL with
// *ERROR set.  Caller frees with g_free().
char *sc_ledger_restore(const sc_ledger_place *at, const char *backup, GError **error);

// Check the whole register.  Returns a line saying what was checked (its path, how many
// certificates), or NULL with *ERROR set.  Caller frees with g_free().
char *sc_ledger_check(const sc_ledger_place *at, GError **error);

// The number the next certificate of LEVEL (any accepted form) issued in YEAR (0: this year)
// would get, without allocating it.  NULL with *ERROR set.  Caller frees with g_free().
char *sc_ledger_next_number(const sc_ledger_place *at, const char *level, int year, GError **error);

// Void NUMBER with REASON (never issued again).  FALSE with *ERROR set.
gboolean sc_ledger_void(const sc_ledger_place *at, const char *number, const char *reason,
                        GError **error);

// What the register holds about NUMBER, or about the holder ID_NUMBER (one of them NULL), as
// text.  NULL with *ERROR set.  Caller frees with g_free().
char *sc_ledger_show(const sc_ledger_place *at, const char *number, const char *id_number,
                     GError **error);

// The list of issued certificates FILTER selects (NULL: all) to PATH (.csv or .xlsx), with the
// institution's filed name (report.h, sc_report_issued()).  *COUNT (may be NULL) gets how many
// rows.  FALSE with *ERROR set.
gboolean sc_ledger_report_issued(const sc_ledger_place *at, const sc_registry_filter *filter,
                                 const char *path, guint *count, GError **error);

// The summary table of seeds/002 附件7 for MONTH ("2026-11", also "2026-11-01" or "202611") to
// PATH (.pdf, .xlsx or .csv; sc_report_summary_write()), the PDF drawn with the faces of
// FONTS_DIR (an application font folder, or NULL) and dated CREATED (or NULL: now).  *TOTAL
// (may be NULL) gets the 合计; *OTHER (may be NULL) the certificates of a level 附件7 has no
// column for (预备技师), left out.  FALSE with *ERROR set (SC_ERROR_USAGE for a bad MONTH).
gboolean sc_ledger_report_summary(const sc_ledger_place *at, const char *month,
                                  const char *fonts_dir, const char *created, const char *path,
                                  guint *total, guint *other, GError **error);

// Record in the register the numbers an upstream platform assigned (issue 14), as the records
// file PATH lists them (sc_records_load(): 证书编号, 姓名, 证件类型, 证件号码, 职业名称, 工种名称,
// 职业技能等级, 发证日期, optionally 职业编码): every row checked as render checks it (the number
// valid under the institution's profile, its positions 1–13 the institution's, 14–15 and 16
// agreeing with 发证日期 and the level), each row must carry its number and date, no number or
// certificate twice in the file nor issued otherwise in the register; then all are recorded in
// one transaction, batch "import PATH", or none.  A later render of the same holders reprints
// them with these numbers; the counter skips them and never moves for them.  Every problem goes
// to PROBLEMS as "PATH:ROW: FIELD: message"; then FALSE with *ERROR set to their code and count.
// *RECORDED gets the numbers recorded now, *KNOWN those the register already held for the same
// certificates (an import run twice).  FALSE with *ERROR set on other failures.
gboolean sc_ledger_import(const sc_ledger_place *at, const char *path, sc_problems *problems,
                          guint *recorded, guint *known, GError **error);

// Log the blank stock SHEET as spoiled, with REASON (registry.h).  FALSE with *ERROR set.
gboolean sc_ledger_spoil(const sc_ledger_place *at, const char *sheet, const char *reason,
                         GError **error);

// The blank stock account, as text (sc_registry_stock_report()).  NULL with *ERROR set.  Caller
// frees with g_free().
char *sc_ledger_stock_report(const sc_ledger_place *at, GError **error);

#endif
