// institution.c - load the institution file (SPEC §3: positions 1–13 are assigned to the
// institution by the HR authority; seeds/004 二).
#include "institution.h"

#include "file.h"
#include "keyfile.h"

#include "i18n.h"
#include "sqldb.h"

#include <string.h>

void
sc_institution_free(sc_institution *inst)
{
    if (inst == NULL)
        return;
    g_free(inst->path);
    g_free(inst->name);
    g_free(inst->seal);
    g_free(inst->qr_data);
    g_free(inst->forbidden);
    g_free(inst->register_path);
    g_free(inst->key);
    g_free(inst->certificate);
    g_free(inst->qr_key);
    g_free(inst->qr_certificate);
    g_free(inst);
}

static char *
get(GKeyFile *kf, const char *key)
{
    char *v = g_key_file_get_string(kf, "institution", key, NULL);
    return v != NULL ? g_strstrip(v) : NULL;
}

// KEY must be exactly LEN characters from CLASS ("digits" or "YS"); returns it or NULL.
static char *
get_code(GKeyFile *kf, const char *path, const char *key, gsize len, gboolean letter,
         const char *what, sc_problems *problems)
{
    char *v = get(kf, key);
    if (v == NULL || *v == '\0') {
        sc_problems_add(problems, path, 0, key, _("missing (%s)"), what);
        g_free(v);
        return NULL;
    }
    gboolean ok = strlen(v) == len;
    for (gsize i = 0; ok && i < len; i++)
        ok = letter ? (v[i] == 'Y' || v[i] == 'S') : g_ascii_isdigit(v[i]);
    if (!ok) {
        sc_problems_add(problems, path, 0, key, _("'%s' is not %s"), v, what);
        g_free(v);
        return NULL;
    }
    return v;
}

// The profile's problems with positions 1–13, each under the key that holds its positions.
typedef struct {
    sc_problems *problems;
    const char *path;
    gboolean category, route, province, site; // whether the key was given (not a stand-in)
} prefix_report;

static void
report_prefix_problem(int first, const char *message, gpointer data)
{
    const prefix_report *r = data;
    // Positions 1 category, 2–5 route, 6–7 province, 8–13 site (SPEC §3); 0 the whole prefix.
    const char *key = first == 1                 ? "category"
                      : first >= 2 && first <= 5 ? "route"
                      : first >= 6 && first <= 7 ? "province"
                      : first >= 8               ? "site"
                                                 : NULL;
    gboolean given = key == NULL || (first == 1 && r->category) ||
                     (first >= 2 && first <= 5 && r->route) ||
                     (first >= 6 && first <= 7 && r->province) || (first >= 8 && r->site);
    if (given && *message != '\0')
        sc_problems_add(r->problems, r->path, 0, key, "%s", message);
}

// seal_on: where the seal is printed (SPEC §2), a list of electronic, full, stock; or none.
static guint
get_seal_on(GKeyFile *kf, const char *path, sc_problems *problems)
{
    static const struct {
        const char *name;
        guint flag;
    } names[] = {{"electronic", SC_SEAL_ELECTRONIC},
                 {"full", SC_SEAL_FULL},
                 {"stock", SC_SEAL_STOCK},
                 {"none", 0}};
    g_autofree char *v = get(kf, "seal_on");
    if (v == NULL)
        return SC_SEAL_DEFAULT;
    GString *list = g_string_new(v);
    g_string_replace(list, "，", ",", 0); // a full-width comma, as Chinese input methods type it
    g_auto(GStrv) parts = g_strsplit(list->str, ",", -1);
    g_string_free(list, TRUE);
    guint flags = 0;
    for (char **p = parts; *p != NULL; p++) {
        g_strstrip(*p);
        guint i = 0;
        while (i < G_N_ELEMENTS(names) && g_ascii_strcasecmp(*p, names[i].name) != 0)
            i++;
        if (i < G_N_ELEMENTS(names))
            flags |= names[i].flag;
        else
            sc_problems_add(problems, path, 0, "seal_on",
                            _("'%s' is not one of electronic, full, stock, none"), *p);
    }
    return flags;
}

// KEY's value as an absolute path relative to the file at PATH, or NULL when not given; a
// missing file is a problem.
static char *
get_path(GKeyFile *kf, const char *path, const char *key, sc_problems *problems)
{
    g_autofree char *v = get(kf, key);
    if (v == NULL || *v == '\0')
        return NULL;
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *abs_dir = g_canonicalize_filename(dir, NULL);
    char *abs = g_canonicalize_filename(v, abs_dir);
    if (!g_file_test(abs, G_FILE_TEST_IS_REGULAR))
        sc_problems_add(problems, path, 0, key, _("%s not found"), abs);
    return abs;
}

// Issue 13: the keys that sign the electronic certificates and the QR payload.
static void
get_keys(GKeyFile *kf, const char *path, sc_institution *inst, sc_problems *problems)
{
    inst->key = get_path(kf, path, "key", problems);
    inst->certificate = get_path(kf, path, "certificate", problems);
    inst->qr_key = get_path(kf, path, "qr_key", problems);
    inst->qr_certificate = get_path(kf, path, "qr_certificate", problems);
    if ((inst->key == NULL) != (inst->certificate == NULL))
        sc_problems_add(problems, path, 0, inst->key == NULL ? "key" : "certificate",
                        _("key and certificate go together (skillcert key new prints both)"));
    g_autofree char *qr = get(kf, "qr_signed");
    if (qr != NULL && *qr != '\0') {
        inst->qr_signed = g_ascii_strcasecmp(qr, "yes") == 0 || g_ascii_strcasecmp(qr, "true") == 0;
        if (!inst->qr_signed && g_ascii_strcasecmp(qr, "no") != 0 &&
            g_ascii_strcasecmp(qr, "false") != 0)
            sc_problems_add(problems, path, 0, "qr_signed", _("'%s' is not yes or no"), qr);
    }
    if (inst->qr_signed && inst->qr_key == NULL)
        sc_problems_add(problems, path, 0, "qr_signed", _("qr_signed = yes needs qr_key"));
}

sc_institution *
sc_institution_parse(const char *data, gsize len, const char *path, GError **error)
{
    g_autoptr(GKeyFile) kf = sc_keyfile_parse(data, len, path, error);
    if (kf == NULL)
        return NULL;
    g_autoptr(sc_problems) problems = sc_problems_new();
    if (!g_key_file_has_group(kf, "institution"))
        sc_problems_add(problems, path, 0, NULL, _("[institution] section is missing"));

    sc_institution *inst = g_new0(sc_institution, 1);
    inst->path = g_strdup(path);
    inst->name = get(kf, "name");
    if (inst->name == NULL || *inst->name == '\0')
        sc_problems_add(problems, path, 0, "name", _("missing (the institution's name as filed)"));

    // Positions 1–13 (SPEC §3): category, route, province, site.
    g_autofree char *category = get_code(kf, path, "category", 1, TRUE,
                                         _("Y (用人单位) or S (社会培训评价组织)"), problems);
    g_autofree char *route = get_code(kf, path, "route", 4, FALSE,
                                      _("4 digits: 0000 if filed with the province"), problems);
    g_autofree char *province =
        get_code(kf, path, "province", 2, FALSE, _("the 2-digit province code, e.g. 44"), problems);
    g_autofree char *site = get_code(kf, path, "site", 6, FALSE,
                                     _("the 6-digit institution (site) sequence"), problems);
    g_autofree char *profile = get(kf, "profile");
    if (profile == NULL)
        inst->profile = SC_PROFILE_NATIONAL;
    else if (!sc_certno_profile_from_name(profile, &inst->profile))
        sc_problems_add(problems, path, 0, "profile",
                        _("'%s' is not one of national, guizhou, guangdong, liaoning, "
                          "chongqing-ts"),
                        profile);
    // The profile's rules on positions 1–13, each problem under its key.  A malformed part is
    // already reported: a stand-in takes its place and its positions' problems are dropped.
    g_snprintf(inst->prefix, sizeof inst->prefix, "%s%s%s%s", category ? category : "S",
               route ? route : "0000", province ? province : "11", site ? site : "000001");
    prefix_report report = {problems,         path,        category != NULL, route != NULL,
                            province != NULL, site != NULL};
    sc_certno_check_prefix_each(inst->prefix, inst->profile, report_prefix_problem, &report);

    // Optional: the seal image (relative to this file), the QR data pattern, extra words.
    g_autofree char *seal = get(kf, "seal");
    if (seal != NULL && *seal != '\0') {
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *abs_dir = g_canonicalize_filename(dir, NULL);
        inst->seal = g_canonicalize_filename(seal, abs_dir); // absolute, relative to this file
        if (!g_file_test(inst->seal, G_FILE_TEST_IS_REGULAR))
            sc_problems_add(problems, path, 0, "seal", _("%s not found"), inst->seal);
    }
    // Where the register is when not in the per-user data folder: a shared folder, relative
    // to this file, or a PostgreSQL server's address (issue 14), as it is.
    g_autofree char *reg = get(kf, "register");
    if (sc_sqldb_is_address(reg)) {
        inst->register_path = g_steal_pointer(&reg);
    } else if (reg != NULL && *reg != '\0') {
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *abs_dir = g_canonicalize_filename(dir, NULL);
        inst->register_path = g_canonicalize_filename(reg, abs_dir);
    }
    inst->qr_data = get(kf, "qr_data");
    if (inst->qr_data != NULL && *inst->qr_data == '\0')
        g_clear_pointer(&inst->qr_data, g_free);
    inst->forbidden = get(kf, "forbidden_words");
    inst->seal_on = get_seal_on(kf, path, problems);
    get_keys(kf, path, inst, problems);

    if (!sc_problems_to_error(problems, SC_ERROR_INPUT, error)) {
        sc_institution_free(inst);
        return NULL;
    }
    return inst;
}

sc_institution *
sc_institution_load(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!sc_file_read(path, SC_KEYFILE_MAX_BYTES, NULL, &data, &len, error))
        return NULL;
    return sc_institution_parse(data, len, path, error);
}
