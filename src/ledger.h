// ledger.h - the register as the institution's ledger (台账, seeds/001 五(四), 002 四(四)4; SPEC
// §3 "What the register means in an office"): where an institution's register is, and what an
// officer does with it by hand — create it, back it up, restore it, check it, see the next
// number, void a certificate, show what it holds.
#ifndef SC_LEDGER_H
#define SC_LEDGER_H

#include "error.h"
#include "institution.h"

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

#endif
