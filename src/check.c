// check.c - check and normalise records (SPEC §2 rules on content, §4 fields).
#include "check.h"

#include "certno.h"
#include "i18n.h"
#include "idcard.h"
#include "level.h"
#include "photo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define ID_TYPE_RESIDENT "居民身份证"
#define EMPTY_WORK_TYPE "——" // SPEC §2: 工种名称 empty → two em dashes

// seeds/004 四(四): a Guangdong certificate must not contain these (the fixed query addresses
// of the reference sample are not the institution's text and are not checked).
static const char guangdong_words[] = "中华人民共和国,中国,中华,国家,全国,广东,广东省,职业资格,人员资格";

const char *
sc_check_guangdong_words(void)
{
    return guangdong_words;
}

gboolean
sc_check_parse_date(const char *text, int *year, int *month, int *day)
{
    int y = 0, m = 0, d = 0, n = 0;
    if (text == NULL)
        return FALSE;
    gboolean ok = (sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && text[n] == '\0') ||
                  (sscanf(text, "%4d/%2d/%2d%n", &y, &m, &d, &n) == 3 && text[n] == '\0') ||
                  (sscanf(text, "%4d年%2d月%2d日%n", &y, &m, &d, &n) == 3 && text[n] == '\0');
    if (!ok || y < 1900 || y > 2999 || !g_date_valid_dmy(d, m, y))
        return FALSE;
    *year = y;
    *month = m;
    *day = d;
    return TRUE;
}

static gboolean
is_blank(const char *s)
{
    return s == NULL || *s == '\0';
}

// N-NN-NN-NN (职业分类大典 codes such as 4-01-02-01).
static gboolean
occupation_code_ok(const char *s)
{
    static const char shape[] = "9-99-99-99";
    if (strlen(s) != sizeof shape - 1)
        return FALSE;
    for (gsize i = 0; shape[i]; i++)
        if (shape[i] == '9' ? !g_ascii_isdigit(s[i]) : s[i] != '-')
            return FALSE;
    return TRUE;
}

// Collect the canonical names of the fields a template prints.
static void
add_field(const char *name, gpointer data)
{
    const char *canonical = sc_field_canonical(name);
    g_hash_table_add(data, g_strdup(canonical ? canonical : name));
}

static GHashTable *
printed_fields(const sc_template *tmpl)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (tmpl == NULL) {
        // No template: the fields of the reference certificate (SPEC §2).
        static const char *const reference[] = {
            SC_FIELD_NAME,       SC_FIELD_ID_TYPE, SC_FIELD_ID_NUMBER, SC_FIELD_OCCUPATION,
            SC_FIELD_WORK_TYPE,  SC_FIELD_LEVEL,   SC_FIELD_NUMBER,    SC_FIELD_INSTITUTION};
        for (guint i = 0; i < G_N_ELEMENTS(reference); i++)
            g_hash_table_add(set, g_strdup(reference[i]));
    }
    for (guint i = 0; tmpl != NULL && i < tmpl->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        if (e->type == SC_ELEMENT_TEXT)
            sc_template_foreach_field(e->text, add_field, set);
    }
    return set;
}

// The box of the template's image element showing 照片 (35 × 49 mm on the reference
// certificate, SPEC §2); FALSE if the template shows no photo.
static void
photo_field(const char *name, gpointer data)
{
    const char *canonical = sc_field_canonical(name);
    if (canonical != NULL && strcmp(canonical, SC_FIELD_PHOTO) == 0)
        *(gboolean *)data = TRUE;
}

static gboolean
photo_slot(const sc_template *tmpl, double *width, double *height)
{
    *width = 35;
    *height = 49;
    if (tmpl == NULL)
        return TRUE;
    for (guint i = 0; i < tmpl->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        gboolean shows = FALSE;
        if (e->type == SC_ELEMENT_IMAGE)
            sc_template_foreach_field(e->source, photo_field, &shows);
        if (shows) {
            *width = e->width;
            *height = e->height;
            return TRUE;
        }
    }
    return FALSE;
}

// What every record of a batch is checked against, worked out once per batch.
typedef struct {
    GHashTable *printed;  // the fields the certificate prints (printed_fields())
    char **words;         // forbidden words, trimmed, none empty (seeds/004 四(四); institution)
    gboolean has_photo;   // the template shows 照片 ...
    double slot_w, slot_h; // ... in a box this size, mm
} batch_rules;

static void
batch_rules_init(batch_rules *b, const sc_check_options *opts)
{
    const sc_institution *inst = opts->institution;
    b->printed = printed_fields(opts->tmpl);

    GString *words = g_string_new(inst != NULL && inst->forbidden ? inst->forbidden : "");
    if (inst != NULL && inst->profile == SC_PROFILE_GUANGDONG)
        g_string_append_printf(words, ",%s", guangdong_words);
    GPtrArray *kept = g_ptr_array_new();
    g_auto(GStrv) split = g_strsplit(words->str, ",", -1);
    for (int i = 0; split[i] != NULL; i++)
        if (*g_strstrip(split[i]) != '\0')
            g_ptr_array_add(kept, g_strdup(split[i]));
    g_ptr_array_add(kept, NULL);
    b->words = (char **)g_ptr_array_free(kept, FALSE);
    g_string_free(words, TRUE);

    b->has_photo = photo_slot(opts->tmpl, &b->slot_w, &b->slot_h);
}

static void
batch_rules_clear(batch_rules *b)
{
    g_hash_table_unref(b->printed);
    g_strfreev(b->words);
}

#define PHOTO_MIN_DPI 200.0
#define PHOTO_RATIO_TOLERANCE 0.08 // of the slot's ratio: 5:7 accepts 0.657–0.771

// The photo: found inside the photo folder, a real PNG or JPEG within the size limits, sharp
// enough for its slot, and about the slot's shape (a 2-inch photo is 35 × 49 mm, 5:7).
static void
check_photo(sc_record *rec, const sc_check_options *opts, const batch_rules *b, const char *file,
            sc_problems *problems)
{
    double sw = b->slot_w, sh = b->slot_h;
    GError *error = NULL;
    g_autofree char *path = sc_photo_find(opts->photo_dir, sc_record_get(rec, SC_FIELD_PHOTO),
                                          sc_record_get(rec, SC_FIELD_ID_NUMBER), &error);
    sc_image_info info;
    if (path != NULL && sc_image_probe(path, &info, &error)) {
        sc_record_set(rec, SC_FIELD_PHOTO, path); // the file found, for {照片}
        int min_w = (int)ceil(sw / 25.4 * PHOTO_MIN_DPI - 1e-9);
        int min_h = (int)ceil(sh / 25.4 * PHOTO_MIN_DPI - 1e-9);
        double ratio = (double)info.width / info.height, want = sw / sh;
        if (info.width < min_w || info.height < min_h)
            sc_problems_add(problems, file, rec->row, SC_FIELD_PHOTO,
                            _("%s is %d × %d pixels, too coarse for print: a %g × %g mm photo "
                              "needs at least %d × %d (200 dpi)"),
                            path, info.width, info.height, sw, sh, min_w, min_h);
        else if (fabs(ratio / want - 1) > PHOTO_RATIO_TOLERANCE)
            sc_problems_add(problems, file, rec->row, SC_FIELD_PHOTO,
                            _("%s is %d × %d pixels (%.2f:1); a %g × %g mm photo is %.2f:1 — use "
                              "a 2-inch (二寸) photo or crop it to that shape"),
                            path, info.width, info.height, ratio, sw, sh, want);
    }
    if (error != NULL) {
        sc_problems_add(problems, file, rec->row, SC_FIELD_PHOTO, "%s", error->message);
        g_error_free(error);
    }
}

// Each field's own rules; normalises REC.
static void
check_record(sc_record *rec, const sc_check_options *opts, const batch_rules *b, const char *file,
             sc_problems *problems)
{
    guint row = rec->row;
    GError *error = NULL;
    const sc_institution *inst = opts->institution;
    sc_profile profile = inst != NULL ? inst->profile : SC_PROFILE_NATIONAL;

    // A missing column is the reader's one problem, not one on every row.
    static const char *const required[] = {SC_FIELD_NAME, SC_FIELD_ID_NUMBER, SC_FIELD_OCCUPATION};
    for (guint i = 0; i < G_N_ELEMENTS(required); i++)
        if (sc_record_get(rec, required[i]) != NULL && is_blank(sc_record_get(rec, required[i])))
            sc_problems_add(problems, file, row, required[i],
                            _("empty; every certificate needs it"));

    // 证件类型 and 证件号码 (SPEC §4; GB 11643 for 居民身份证).
    const char *id_type = sc_record_get(rec, SC_FIELD_ID_TYPE);
    if (is_blank(id_type)) {
        sc_record_set(rec, SC_FIELD_ID_TYPE, ID_TYPE_RESIDENT);
        id_type = ID_TYPE_RESIDENT;
    }
    const char *id = sc_record_get(rec, SC_FIELD_ID_NUMBER);
    if (!is_blank(id)) {
        if (strcmp(id_type, ID_TYPE_RESIDENT) == 0) {
            g_autofree char *norm = sc_idcard_normalize(id, &error);
            if (norm != NULL)
                sc_record_set(rec, SC_FIELD_ID_NUMBER, norm);
        } else if (g_utf8_strlen(id, -1) > 40) {
            g_set_error(&error, SC_ERROR, SC_ERROR_INPUT,
                        _("%ld characters is too long for a %s number"), g_utf8_strlen(id, -1),
                        id_type);
        } else {
            for (const char *p = id; *p && error == NULL; p = g_utf8_next_char(p))
                if (!g_unichar_isgraph(g_utf8_get_char(p)))
                    g_set_error(&error, SC_ERROR, SC_ERROR_INPUT,
                                _("contains a space or control character (U+%04X)"),
                                g_utf8_get_char(p));
        }
        if (error != NULL) {
            sc_problems_add(problems, file, row, SC_FIELD_ID_NUMBER, "%s", error->message);
            g_clear_error(&error);
        }
    }

    // 职业编码: N-NN-NN-NN when present.
    const char *code = sc_record_get(rec, SC_FIELD_OCCUPATION_CODE);
    if (!is_blank(code) && !occupation_code_ok(code))
        sc_problems_add(problems, file, row, SC_FIELD_OCCUPATION_CODE,
                        _("'%s' is not of the form N-NN-NN-NN (e.g. 4-01-02-01)"), code);

    // 工种名称: empty prints as two em dashes (SPEC §2).
    if (is_blank(sc_record_get(rec, SC_FIELD_WORK_TYPE)))
        sc_record_set(rec, SC_FIELD_WORK_TYPE, EMPTY_WORK_TYPE);

    // 职业技能等级: any accepted form → canonical name and code; 9 only where the profile has it.
    if (opts->tmpl == NULL || opts->tmpl->has_level) {
        const char *level = sc_record_get(rec, SC_FIELD_LEVEL);
        int code_n = 0;
        if (level == NULL)
            ; // no column: reported once by the reader
        else if (is_blank(level))
            sc_problems_add(problems, file, row, SC_FIELD_LEVEL,
                            _("empty; write 一级/高级技师 … 五级/初级工, or 1 … 5"));
        else if ((code_n = sc_level_parse(level, &error)) == 0) {
            sc_problems_add(problems, file, row, SC_FIELD_LEVEL, "%s", error->message);
            g_clear_error(&error);
        } else if (!sc_certno_profile_allows_level(profile, code_n)) {
            sc_problems_add(problems, file, row, SC_FIELD_LEVEL,
                            _("%s is not issued under the %s profile"), sc_level_name(code_n),
                            sc_certno_profile_name(profile));
        } else {
            char digit[2] = {(char)('0' + code_n), 0};
            sc_record_set(rec, SC_FIELD_LEVEL, sc_level_name(code_n));
            sc_record_set(rec, SC_FIELD_LEVEL_CODE, digit);
        }
    }

    // 发证日期: either form, else the batch's date.
    int y = opts->batch_year, m = opts->batch_month, d = opts->batch_day;
    const char *date = sc_record_get(rec, SC_FIELD_ISSUE_DATE);
    if (!is_blank(date) && !sc_check_parse_date(date, &y, &m, &d))
        sc_problems_add(problems, file, row, SC_FIELD_ISSUE_DATE,
                        _("'%s' is not a date; write 2026-11-23 or 2026年11月23日"), date);
    char buf[16];
    g_snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    sc_record_set(rec, SC_FIELD_ISSUE_DATE, buf);
    g_snprintf(buf, sizeof buf, "%d", y);
    sc_record_set(rec, SC_FIELD_ISSUE_YEAR, buf);
    g_snprintf(buf, sizeof buf, "%d", m);
    sc_record_set(rec, SC_FIELD_ISSUE_MONTH, buf);
    g_snprintf(buf, sizeof buf, "%d", d);
    sc_record_set(rec, SC_FIELD_ISSUE_DAY, buf);

    // 证书编号, when given: valid under the profile, of this institution, year and level.
    const char *number = sc_record_get(rec, SC_FIELD_NUMBER);
    if (!is_blank(number)) {
        sc_certno n;
        if (!sc_certno_parse(number, profile, &n, &error)) {
            g_auto(GStrv) lines = g_strsplit(error->message, "\n", -1);
            for (int i = 0; lines[i] != NULL; i++)
                if (*lines[i])
                    sc_problems_add(problems, file, row, SC_FIELD_NUMBER, "%s", lines[i]);
            g_clear_error(&error);
        } else {
            if (inst != NULL && strncmp(number, inst->prefix, SC_CERTNO_PREFIX_LEN) != 0)
                sc_problems_add(problems, file, row, SC_FIELD_NUMBER,
                                _("positions 1–13 are %.13s, but the institution's are %s"),
                                number, inst->prefix);
            if (n.year != y % 100)
                sc_problems_add(problems, file, row, SC_FIELD_NUMBER,
                                _("positions 14–15 say 20%02d, but 发证日期 is %d"), n.year, y);
            const char *lc = sc_record_get(rec, SC_FIELD_LEVEL_CODE);
            if (lc != NULL && n.level != lc[0] - '0')
                sc_problems_add(problems, file, row, SC_FIELD_NUMBER,
                                _("position 16 is level %d, but 职业技能等级 is %s"), n.level,
                                sc_record_get(rec, SC_FIELD_LEVEL));
        }
    }

    // Forbidden words (seeds/004 四(四) for Guangdong, plus the institution's own list) in every
    // field the certificate prints.
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, b->printed);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        const char *value = sc_record_get(rec, key);
        if (strcmp(key, SC_FIELD_INSTITUTION) == 0 && inst != NULL)
            value = inst->name;
        for (int i = 0; value != NULL && b->words[i] != NULL; i++) {
            const char *w = b->words[i];
            if (strstr(value, w) != NULL) {
                if (profile == SC_PROFILE_GUANGDONG)
                    sc_problems_add(problems, file, row, key,
                                    _("contains '%s', which Guangdong certificates must not carry"),
                                    w);
                else
                    sc_problems_add(problems, file, row, key,
                                    _("contains '%s', which this institution's certificates must "
                                      "not carry"),
                                    w);
                break; // one word per field is enough to act on
            }
        }
    }

    if (opts->photo_dir != NULL && b->has_photo)
        check_photo(rec, opts, b, file, problems);

    // What the institution gives every certificate: its name as filed (SPEC §2: printed twice),
    // from the institution file, else from a 评价机构名称 column; never left blank.
    const char *inst_name = inst != NULL ? inst->name : sc_record_get(rec, SC_FIELD_INSTITUTION);
    if (is_blank(inst_name) && g_hash_table_contains(b->printed, SC_FIELD_INSTITUTION))
        sc_problems_add(problems, file, row, SC_FIELD_INSTITUTION, "%s",
                        _("the certificate prints the institution's name, but there is none: give "
                          "the institution file with -i, or a 评价机构名称 column"));
    sc_record_set(rec, SC_FIELD_INSTITUTION, inst_name != NULL ? inst_name : "");
    sc_record_set(rec, SC_FIELD_SEAL, inst != NULL && inst->seal ? inst->seal : "");
}

void
sc_check_records(sc_records *records, const sc_check_options *opts, sc_problems *problems)
{
    batch_rules rules;
    batch_rules_init(&rules, opts);
    g_autoptr(GHashTable) seen_cert = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GHashTable) seen_number =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < records->records->len; i++) {
        sc_record *rec = g_ptr_array_index(records->records, i);
        check_record(rec, opts, &rules, records->path, problems);

        // Duplicates inside the batch: the same certificate twice, or one number twice.
        g_autofree char *key = g_strjoin("\x1f", sc_record_get(rec, SC_FIELD_ID_NUMBER) ?: "",
                                         sc_record_get(rec, SC_FIELD_OCCUPATION) ?: "",
                                         sc_record_get(rec, SC_FIELD_WORK_TYPE) ?: "",
                                         sc_record_get(rec, SC_FIELD_LEVEL) ?: "", NULL);
        guint first = GPOINTER_TO_UINT(g_hash_table_lookup(seen_cert, key));
        if (first != 0)
            sc_problems_add(problems, records->path, rec->row, SC_FIELD_ID_NUMBER,
                            _("the same holder, occupation, work type and level as row %u"),
                            first);
        else
            g_hash_table_insert(seen_cert, g_strdup(key), GUINT_TO_POINTER(rec->row));

        const char *number = sc_record_get(rec, SC_FIELD_NUMBER);
        if (!is_blank(number)) {
            guint at = GPOINTER_TO_UINT(g_hash_table_lookup(seen_number, number));
            if (at != 0)
                sc_problems_add(problems, records->path, rec->row, SC_FIELD_NUMBER,
                                _("%s is already given to row %u"), number, at);
            else
                g_hash_table_insert(seen_number, g_strdup(number), GUINT_TO_POINTER(rec->row));
        }
    }
    batch_rules_clear(&rules);
}
