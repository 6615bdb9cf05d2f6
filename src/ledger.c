// ledger.c - the register as the institution's ledger: where it is, and what an officer does
// with it by hand (SPEC §3 "What the register means in an office").
#include "ledger.h"

#include "i18n.h"
#include "level.h"
#include "registry.h"

#include <errno.h>
#include <glib/gstdio.h>

// The register of INST (SPEC §3: it belongs to the institution, not to a file): GIVEN, else
// where the institution file's `register` key points, else the per-user data folder's register
// of its number prefix (positions 1–13), which every copy of the institution file reaches.
char *
sc_ledger_register_path(const sc_institution *inst, const char *given)
{
    if (given != NULL)
        return g_strdup(given);
    if (inst->register_path != NULL)
        return g_strdup(inst->register_path);
    g_autofree char *name = g_strconcat(inst->prefix, ".register.db", NULL);
    return g_build_filename(g_get_user_data_dir(), "skillcert", "registers", name, NULL);
}

gboolean
sc_ledger_check_exists(const sc_institution *inst, const char *path, GError **error)
{
    g_autofree char *legacy = g_strconcat(inst->path, ".register.db", NULL);
    if (g_file_test(path, G_FILE_TEST_EXISTS) || !g_file_test(legacy, G_FILE_TEST_IS_REGULAR))
        return TRUE;
    g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                _("%s: no register there; the register of %s is at %s: adopt it with skillcert "
                  "register init -i %s --from '%s'"),
                path, inst->prefix, legacy, inst->path, legacy);
    return FALSE;
}

// The institution and the register AT names.  *PATH set; NULL with *ERROR set.
static sc_institution *
locate(const sc_ledger_place *at, char **path, GError **error)
{
    sc_institution *inst = sc_institution_load(at->institution_path, error);
    if (inst != NULL)
        *path = sc_ledger_register_path(inst, at->register_path);
    return inst;
}

// Open the register AT names, for its institution.  NULL with *ERROR set.
static sc_registry *
open_at(const sc_ledger_place *at, GError **error)
{
    g_autofree char *path = NULL;
    g_autoptr(sc_institution) inst = locate(at, &path, error);
    if (inst == NULL || (at->register_path == NULL && !sc_ledger_check_exists(inst, path, error)))
        return NULL;
    return sc_registry_open(path, inst->prefix, error);
}

char *
sc_ledger_init(const sc_ledger_place *at, const char *from, GError **error)
{
    char *path = NULL;
    g_autoptr(sc_institution) inst = locate(at, &path, error);
    if (inst == NULL)
        return NULL;
    g_autofree char *dir = g_path_get_dirname(path);
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        int saved = errno;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot create the folder: %s"), dir,
                    g_strerror(saved));
        g_free(path);
        return NULL;
    }
    gboolean ok;
    if (from != NULL) {
        if (g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_set_error(error, SC_ERROR, SC_ERROR_REGISTER,
                        _("%s already exists: a register is never created over another file"),
                        path);
            ok = FALSE;
        } else {
            // The older register, migrated and checked, copied whole (an online backup).
            sc_registry *old = sc_registry_open(from, inst->prefix, error);
            ok = old != NULL && sc_registry_check(old, error) &&
                 sc_registry_backup(old, path, error);
            sc_registry_close(old);
        }
    } else {
        sc_registry *reg = sc_registry_create(path, inst->prefix, error);
        ok = reg != NULL;
        sc_registry_close(reg);
    }
    if (!ok)
        g_clear_pointer(&path, g_free);
    return path;
}

char *
sc_ledger_backup(const sc_ledger_place *at, const char *dest, GError **error)
{
    sc_registry *reg = open_at(at, error);
    if (reg == NULL)
        return NULL;
    char *made = NULL;
    if (dest == NULL)
        made = sc_registry_backup_rotate(reg, SC_REGISTRY_BACKUPS, error);
    else if (sc_registry_backup(reg, dest, error))
        made = g_strdup(dest);
    sc_registry_close(reg);
    return made;
}

char *
sc_ledger_restore(const sc_ledger_place *at, const char *backup, GError **error)
{
    char *path = NULL;
    g_autoptr(sc_institution) inst = locate(at, &path, error);
    if (inst == NULL)
        return NULL;
    // The backup must be this institution's.
    sc_registry *check = sc_registry_open(backup, inst->prefix, error);
    sc_registry_close(check);
    if (check == NULL || !sc_registry_restore(backup, path, error))
        g_clear_pointer(&path, g_free);
    return path;
}

char *
sc_ledger_check(const sc_ledger_place *at, GError **error)
{
    sc_registry *reg = open_at(at, error);
    if (reg == NULL)
        return NULL;
    char *said = NULL;
    if (sc_registry_check(reg, error))
        said = g_strdup_printf(_("the register of %s is whole"), sc_registry_get_prefix(reg));
    sc_registry_close(reg);
    return said;
}

char *
sc_ledger_next_number(const sc_ledger_place *at, const char *level_text, int year, GError **error)
{
    g_autofree char *path = NULL;
    g_autoptr(sc_institution) inst = locate(at, &path, error);
    if (inst == NULL)
        return NULL;
    int level = sc_level_parse(level_text, error);
    if (level == 0)
        return NULL;
    if (!sc_certno_profile_allows_level(inst->profile, level)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s is not issued under the %s profile"),
                    sc_level_name(level), sc_certno_profile_name(inst->profile));
        return NULL;
    }
    if (year == 0) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        year = g_date_time_get_year(now);
    }
    if (at->register_path == NULL && !sc_ledger_check_exists(inst, path, error))
        return NULL;
    sc_registry *reg = sc_registry_open(path, inst->prefix, error);
    char *next = reg != NULL ? sc_registry_peek(reg, year, level, error) : NULL;
    sc_registry_close(reg);
    return next;
}

// A backup before a change made by hand.
static gboolean
backed_up(sc_registry *reg, GError **error)
{
    g_autofree char *made = sc_registry_backup_rotate(reg, SC_REGISTRY_BACKUPS, error);
    return made != NULL;
}

gboolean
sc_ledger_void(const sc_ledger_place *at, const char *number, const char *reason, GError **error)
{
    sc_registry *reg = open_at(at, error);
    gboolean ok =
        reg != NULL && backed_up(reg, error) && sc_registry_void(reg, number, reason, error);
    sc_registry_close(reg);
    return ok;
}

char *
sc_ledger_show(const sc_ledger_place *at, const char *number, const char *id_number, GError **error)
{
    sc_registry *reg = open_at(at, error);
    char *text = reg != NULL ? sc_registry_show(reg, number, id_number, error) : NULL;
    sc_registry_close(reg);
    return text;
}
