// ledger.c - the register as the institution's ledger: where it is, and what an officer does
// with it by hand (SPEC §3 "What the register means in an office").
#include "ledger.h"

#include "check.h"
#include "i18n.h"
#include "level.h"
#include "record.h"
#include "registry.h"
#include "report.h"
#include "sqldb.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

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
    if (sc_sqldb_is_address(path) || g_file_test(path, G_FILE_TEST_EXISTS) ||
        !g_file_test(legacy, G_FILE_TEST_IS_REGULAR))
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
    if (!sc_sqldb_is_address(path) && g_mkdir_with_parents(dir, 0700) != 0) {
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
            // The older register, migrated and checked, copied whole (an online backup; between
            // SQLite and PostgreSQL, row for row).
            sc_registry *old = sc_registry_open(from, inst->prefix, error);
            ok = old != NULL && sc_registry_check(old, error);
            if (ok && (sc_sqldb_is_address(path) || sc_sqldb_is_address(from))) {
                sc_registry *made = sc_registry_create_from(path, old, error);
                ok = made != NULL;
                sc_registry_close(made);
            } else if (ok) {
                ok = sc_registry_backup(old, path, error);
            }
            sc_registry_close(old);
        }
    } else {
        sc_registry *reg = sc_registry_create(path, inst->prefix, error);
        ok = reg != NULL;
        sc_registry_close(reg);
    }
    if (!ok)
        g_clear_pointer(&path, g_free);
    // An address is said without its password.
    char *shown = path != NULL ? sc_sqldb_display_name(path) : NULL;
    g_free(path);
    return shown;
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

// A backup before a change made by hand (a PostgreSQL register's are its server's).
static gboolean
backed_up(sc_registry *reg, GError **error)
{
    if (!sc_registry_is_file(reg))
        return TRUE;
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

// The faces of the summary's PDF: those of the reference certificate (SPEC §2; templates/
// national.ini), a licensed STKaiti first when there is one.
#define REPORT_FONTS "STKaiti, LXGW WenKai"

gboolean
sc_ledger_report_issued(const sc_ledger_place *at, const sc_registry_filter *filter,
                        const char *path, guint *count, GError **error)
{
    g_autofree char *reg_path = NULL;
    g_autoptr(sc_institution) inst = locate(at, &reg_path, error);
    if (inst == NULL ||
        (at->register_path == NULL && !sc_ledger_check_exists(inst, reg_path, error)))
        return FALSE;
    sc_registry *reg = sc_registry_open(reg_path, inst->prefix, error);
    gboolean ok = reg != NULL && sc_report_issued(reg, filter, inst->name, path, count, error);
    sc_registry_close(reg);
    return ok;
}

// MONTH as "2026-11", "2026-11-…", "202611" or "2026年11月": FALSE if it is none of them.
static gboolean
parse_month(const char *month, int *year, int *mon)
{
    char tail = 0;
    int n = 0;
    if ((sscanf(month, "%4d-%2d%n", year, mon, &n) == 2 && (month[n] == '\0' || month[n] == '-')) ||
        (strlen(month) == 6 && sscanf(month, "%4d%2d%c", year, mon, &tail) == 2) ||
        (sscanf(month, "%4d年%d月%n", year, mon, &n) == 2 && month[n] == '\0'))
        return *year >= 1000 && *year <= 9999 && *mon >= 1 && *mon <= 12;
    return FALSE;
}

gboolean
sc_ledger_report_summary(const sc_ledger_place *at, const char *month, const char *fonts_dir,
                         const char *created, const char *path, guint *total, guint *other,
                         GError **error)
{
    int year = 0, mon = 0;
    if (!parse_month(month, &year, &mon)) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--month %s: write the month as YYYY-MM (2026-11)"), month);
        return FALSE;
    }
    g_autofree char *reg_path = NULL;
    g_autoptr(sc_institution) inst = locate(at, &reg_path, error);
    if (inst == NULL ||
        (at->register_path == NULL && !sc_ledger_check_exists(inst, reg_path, error)))
        return FALSE;
    sc_registry *reg = sc_registry_open(reg_path, inst->prefix, error);
    g_autoptr(sc_report_summary) summary =
        reg != NULL ? sc_report_summary_new(reg, year, mon, error) : NULL;
    sc_registry_close(reg);
    if (summary == NULL)
        return FALSE;
    if (total != NULL)
        *total = summary->total;
    if (other != NULL)
        *other = summary->other;
    return sc_report_summary_write(summary, inst->name, fonts_dir, REPORT_FONTS, created, path,
                                   error);
}

// Each row of an import must carry its number and 发证日期 (an empty one would be allocated or
// dated today), and the file those columns.
static void
import_required(const sc_records *records, GPtrArray *certs, const char *path,
                sc_problems *problems)
{
    static const char *const needed[] = {SC_FIELD_NUMBER, SC_FIELD_ISSUE_DATE};
    static const char *const why[] = {
        N_("empty; an imported row carries the number assigned to it"),
        N_("empty; an imported row carries the date its number was issued on")};
    for (guint k = 0; k < G_N_ELEMENTS(needed); k++) {
        gboolean has = FALSE;
        for (guint i = 0; i < records->columns->len && !has; i++)
            has = g_strcmp0(g_ptr_array_index(records->columns, i), needed[k]) == 0;
        if (!has) {
            sc_problems_add(problems, path, 0, needed[k],
                            _("required column is missing: numbers assigned elsewhere are "
                              "imported with their %s"),
                            needed[k]);
            continue;
        }
        for (guint i = 0; i < certs->len; i++) {
            const sc_cert *c = g_ptr_array_index(certs, i);
            g_autofree char *v = g_strdup(sc_record_get(c->record, needed[k]));
            if (v == NULL || *g_strstrip(v) == '\0')
                sc_problems_add_who(problems, path, c->row, c->name, needed[k], _(why[k]));
        }
    }
}

// The certificates CERTS (checked, each with its number and date) as items to record: numbers
// given, nothing printed.  Caller frees with g_free() (the strings are CERTS').
static sc_number_item *
import_items(GPtrArray *certs)
{
    sc_number_item *items = g_new0(sc_number_item, certs->len);
    for (guint i = 0; i < certs->len; i++) {
        const sc_cert *c = g_ptr_array_index(certs, i);
        items[i] = sc_cert_number_item(c);
        items[i].number = c->number;
        items[i].date_given = TRUE;
        items[i].unprinted = TRUE;
    }
    return items;
}

// Record the N ITEMS in REG in one transaction (batch "import PATH"), or only look for the
// register's problems when DRY_RUN (the file has problems already: nothing is recorded, but every
// problem is listed).  The register's problems go to PROBLEMS under PATH and the holder;
// *RECORDED and *KNOWN counted.
static gboolean
import_record(sc_registry *reg, const char *path, sc_number_item *items, guint n, gboolean dry_run,
              sc_problems *problems, guint *recorded, guint *known, GError **error)
{
    g_autofree char *label = g_strdup_printf("import %s", path);
    g_autoptr(sc_problems) found = sc_problems_new();
    GError *local = NULL;
    gboolean ok =
        dry_run ? sc_registry_preview(reg, items, n, found, &local)
                : backed_up(reg, &local) && sc_registry_issue(reg, label, items, n, found, &local);
    // Problems are counted with the file's own by the caller; another failure is said as is.
    if (!ok && sc_problems_count(found) > 0)
        g_clear_error(&local);
    else if (!ok)
        g_propagate_error(error, local);
    for (guint k = 0; k < sc_problems_count(found); k++) {
        const sc_problem *p = sc_problems_item(found, k);
        const char *who = NULL;
        for (guint i = 0; i < n && who == NULL; i++)
            if (items[i].row == p->row)
                who = items[i].name;
        sc_problems_add_who(problems, path, p->row, who, p->field, p->message);
    }
    for (guint i = 0; ok && !dry_run && i < n; i++) {
        if (items[i].status == SC_NUMBER_NEW)
            ++*recorded;
        else
            ++*known;
    }
    for (guint i = 0; i < n; i++) {
        g_free(items[i].assigned);
        g_free(items[i].assigned_date);
    }
    return ok;
}

gboolean
sc_ledger_import(const sc_ledger_place *at, const char *path, sc_problems *problems,
                 guint *recorded, guint *known, GError **error)
{
    *recorded = *known = 0;
    g_autofree char *reg_path = NULL;
    g_autoptr(sc_institution) inst = locate(at, &reg_path, error);
    if (inst == NULL ||
        (at->register_path == NULL && !sc_ledger_check_exists(inst, reg_path, error)))
        return FALSE;
    g_autoptr(sc_problems) found = sc_problems_new();
    g_autoptr(sc_records) records =
        sc_records_load(path, SC_ENCODING_AUTO, SC_FORMAT_AUTO, found, NULL, error);
    if (records == NULL)
        return FALSE;
    // Checked as render checks a row carrying its number (check.h): the rule under the
    // institution's profile, its prefix, the year and level agreeing, nothing twice in the file.
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    const sc_check_options opts = {.institution = inst,
                                   .batch_year = g_date_time_get_year(now),
                                   .batch_month = g_date_time_get_month(now),
                                   .batch_day = g_date_time_get_day_of_month(now)};
    g_autoptr(GPtrArray) certs = sc_check_records(records, &opts, found);
    import_required(records, certs, path, found);
    if (sc_problems_count(found) == 0 && certs->len == 0)
        sc_problems_add(found, path, 0, NULL, _("no rows to import"));
    // The rows without problems are checked against the register too (every problem listed);
    // they are recorded only when there is none anywhere.
    gboolean dry_run = sc_problems_count(found) > 0;
    g_autoptr(GPtrArray) clean = g_ptr_array_new();
    for (guint i = 0; i < certs->len; i++) {
        sc_cert *c = g_ptr_array_index(certs, i);
        if (!sc_problems_has_row(found, c->row))
            g_ptr_array_add(clean, c);
    }
    sc_registry *reg = sc_registry_open(reg_path, inst->prefix, error);
    g_autofree sc_number_item *items = import_items(clean);
    gboolean ok = reg != NULL && import_record(reg, path, items, clean->len, dry_run, found,
                                               recorded, known, error);
    sc_registry_close(reg);
    ok = ok && !dry_run;
    sc_problems_sort(found);
    sc_problems_merge(problems, found);
    guint n = sc_problems_count(found);
    if (!ok && n > 0 && error != NULL && *error == NULL)
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    g_dngettext(GETTEXT_PACKAGE, "%u problem found; nothing imported",
                                "%u problems found; nothing imported", n),
                    n);
    return ok;
}

gboolean
sc_ledger_spoil(const sc_ledger_place *at, const char *sheet, const char *reason, GError **error)
{
    sc_registry *reg = open_at(at, error);
    gboolean ok =
        reg != NULL && backed_up(reg, error) && sc_registry_spoil(reg, sheet, reason, error);
    sc_registry_close(reg);
    return ok;
}

char *
sc_ledger_stock_report(const sc_ledger_place *at, GError **error)
{
    sc_registry *reg = open_at(at, error);
    char *text = reg != NULL ? sc_registry_stock_report(reg, error) : NULL;
    sc_registry_close(reg);
    return text;
}
