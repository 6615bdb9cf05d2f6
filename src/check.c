// check.c - check and normalise records (SPEC §2 rules on content, §4 fields).
#include "check.h"

#include "i18n.h"
#include "idcard.h"
#include "level.h"
#include "photo.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ID_TYPE_RESIDENT "居民身份证"
#define EMPTY_WORK_TYPE  "——" // SPEC §2: 工种名称 empty → two em dashes

// seeds/004 四(四): a Guangdong certificate must not contain these (the fixed query addresses
// of the reference sample are not the institution's text and are not checked).
static const char guangdong_words[] =
    "中华人民共和国,中国,中华,国家,全国,广东,广东省,职业资格,人员资格";

// Whether TEXT from N on is nothing, or a time of day as Excel writes it after a date
// ("2026-12-18 00:00:00", "2026/12/18 0:00").
static gboolean
time_or_end(const char *text, int n)
{
    int h = 0, min = 0, sec = 0, k = 0;
    const char *t = text + n;
    if (*t == '\0')
        return TRUE;
    if (sscanf(t, " %2d:%2d:%2d%n", &h, &min, &sec, &k) == 3 && t[k] == '\0')
        return h < 24 && min < 60 && sec < 60;
    k = 0;
    return sscanf(t, " %2d:%2d%n", &h, &min, &k) == 2 && t[k] == '\0' && h < 24 && min < 60;
}

gboolean
sc_check_parse_date(const char *text, int *year, int *month, int *day)
{
    int y = 0, m = 0, d = 0, n = 0;
    if (text == NULL || *text == ' ' || *text == '\0')
        return FALSE;
    // The separators offices use: 2026-12-18, 2026/12/18, 2026.12.18, 2026年12月18日.
    static const char *const forms[] = {"%4d-%2d-%2d%n", "%4d/%2d/%2d%n", "%4d.%2d.%2d%n",
                                        "%4d年%2d月%2d日%n"};
    gboolean ok = FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(forms) && !ok; i++) {
        n = 0;
        ok = sscanf(text, forms[i], &y, &m, &d, &n) == 3 && n > 0 && time_or_end(text, n);
    }
    // 20261218: eight digits and nothing else.
    if (!ok && strlen(text) == 8 && strspn(text, "0123456789") == 8) {
        ok = sscanf(text, "%4d%2d%2d", &y, &m, &d) == 3;
    }
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
            SC_FIELD_NAME,      SC_FIELD_ID_TYPE, SC_FIELD_ID_NUMBER, SC_FIELD_OCCUPATION,
            SC_FIELD_WORK_TYPE, SC_FIELD_LEVEL,   SC_FIELD_NUMBER,    SC_FIELD_INSTITUTION};
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
    const sc_check_options *opts;
    sc_profile profile; // the institution's, else national
    const char *file;   // for problems
    sc_problems *problems;
    GHashTable *printed; // the fields the certificate prints (printed_fields())
    char **words;        // forbidden words, trimmed, none empty (seeds/004 四(四); institution):
                         // for the template's own text, never for what a record supplies
    gboolean has_photo;  // the template shows 照片 ...
    double slot_w, slot_h; // ... in a box this size, mm
} batch_rules;

static void
batch_rules_init(batch_rules *b, const sc_check_options *opts, const char *file,
                 sc_problems *problems)
{
    const sc_institution *inst = opts->institution;
    b->opts = opts;
    b->profile = inst != NULL ? inst->profile : SC_PROFILE_NATIONAL;
    b->file = file;
    b->problems = problems;
    b->printed = printed_fields(opts->tmpl);

    GString *words = g_string_new(inst != NULL && inst->forbidden ? inst->forbidden : "");
    if (b->profile == SC_PROFILE_GUANGDONG)
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

// One problem of CERT's FIELD, naming the holder as well as the row.
static void G_GNUC_PRINTF(4, 5)
    problem(const batch_rules *b, const sc_cert *c, const char *field, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    g_autofree char *message = g_strdup_vprintf(format, args);
    va_end(args);
    sc_problems_add_who(b->problems, b->file, c->row, c->name, field, message);
}

// Whether C prints as nothing: a format character (Unicode Cf: zero-width spaces and joiners,
// the soft hyphen, bidi controls, a BOM), a variation selector, or a space.
static gboolean
is_invisible(gunichar c)
{
    return g_unichar_type(c) == G_UNICODE_FORMAT || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0xE0100 && c <= 0xE01EF) || g_unichar_isspace(c) || c == 0x3000;
}

// Whether S is not empty but has nothing visible: a cell of only U+200B is empty.
static gboolean
only_invisible(const char *s)
{
    if (s == NULL || *s == '\0' || !g_utf8_validate(s, -1, NULL))
        return FALSE;
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p))
        if (!is_invisible(g_utf8_get_char(p)))
            return FALSE;
    return TRUE;
}

// A field's text as the record gives it, "" when the column is missing or empty, or when the
// cell has only invisible characters (it prints as nothing: it is empty).
static const char *
cell(const sc_cert *c, const char *field)
{
    const char *value = sc_record_get(c->record, field);
    return value != NULL && !only_invisible(value) ? value : "";
}

#define PHOTO_MIN_DPI         200.0
#define PHOTO_RATIO_TOLERANCE 0.08 // of the slot's ratio: 5:7 accepts 0.657–0.771

// --- Photos probed ahead ------------------------------------------------------------------------
//
// Probing a photo (reading it, a JPEG decoded at 1/8 scale to prove it whole) is most of the
// time of a check.  The other cores probe the photos of the next records while this thread
// checks in order: the results are the same, found sooner.

// How many records ahead photos are probed: what the results take stays small.
#define PROBE_AHEAD 256

typedef struct {
    guint index;   // the record probed (G_MAXUINT: none yet)
    gboolean done; // the probe below is made
    char *path;    // the file probed (sc_photo_find()), or NULL when none was found
    gboolean probed;
    sc_photo_info info;
    GError *error; // the probe's
} photo_probe;

typedef struct {
    const batch_rules *b;
    const sc_records *records;
    GThreadPool *pool;
    GMutex lock;
    GCond done;
    photo_probe slots[PROBE_AHEAD]; // record I's in slot I % PROBE_AHEAD
} photo_ahead;

// The photo file of RECORD, as check_photo() finds it, with ID its identity number as checked.
static char *
photo_path(const batch_rules *b, const sc_record *record, const char *id, GError **error)
{
    return sc_photo_find(b->opts->photo_dir, sc_record_get(record, SC_FIELD_PHOTO), id, error);
}

static void
probe_ahead(gpointer data, gpointer user_data)
{
    photo_ahead *a = user_data;
    guint i = GPOINTER_TO_UINT(data) - 1;
    const sc_record *record = g_ptr_array_index(a->records->records, i);
    // The identity number as check_id() leaves it in the usual case (an upper-case X); another
    // finds another file name, and check_photo() then probes on its own.
    g_autofree char *id = g_ascii_strup(sc_record_get(record, SC_FIELD_ID_NUMBER) != NULL
                                            ? sc_record_get(record, SC_FIELD_ID_NUMBER)
                                            : "",
                                        -1);
    photo_probe p = {.index = i, .done = TRUE};
    p.path = photo_path(a->b, record, g_strstrip(id), NULL);
    if (p.path != NULL)
        p.probed = sc_photo_probe_in(a->b->opts->photo_files, p.path, &p.info, &p.error);
    g_mutex_lock(&a->lock);
    a->slots[i % PROBE_AHEAD] = p;
    g_cond_broadcast(&a->done);
    g_mutex_unlock(&a->lock);
}

// Photos of RECORDS probed ahead by the other cores, or NULL (one core, no photos checked).
static photo_ahead *
photo_ahead_new(const batch_rules *b, const sc_records *records)
{
    guint threads = MIN(g_get_num_processors(), 8);
    if (b->opts->photo_dir == NULL || !b->has_photo || threads < 2 || records->records->len < 2)
        return NULL;
    photo_ahead *a = g_new0(photo_ahead, 1);
    a->b = b;
    a->records = records;
    g_mutex_init(&a->lock);
    g_cond_init(&a->done);
    for (guint k = 0; k < PROBE_AHEAD; k++)
        a->slots[k].index = G_MAXUINT;
    a->pool = g_thread_pool_new(probe_ahead, a, (gint)threads, FALSE, NULL);
    for (guint i = 0; i < MIN(PROBE_AHEAD, records->records->len); i++)
        g_thread_pool_push(a->pool, GUINT_TO_POINTER(i + 1), NULL);
    return a;
}

static void
probe_clear(photo_probe *p)
{
    g_clear_pointer(&p->path, g_free);
    g_clear_error(&p->error);
    p->index = G_MAXUINT;
}

static void
photo_ahead_free(photo_ahead *a)
{
    if (a == NULL)
        return;
    g_thread_pool_free(a->pool, TRUE, TRUE); // the probes under way finish first
    for (guint k = 0; k < PROBE_AHEAD; k++)
        probe_clear(&a->slots[k]);
    g_mutex_clear(&a->lock);
    g_cond_clear(&a->done);
    g_free(a);
}

// Record I's probe, waited for, taken out of A into *P (its slot then probes record
// I + PROBE_AHEAD).  FALSE without A.
static gboolean
photo_ahead_take(photo_ahead *a, guint i, photo_probe *p)
{
    if (a == NULL)
        return FALSE;
    photo_probe *slot = &a->slots[i % PROBE_AHEAD];
    g_mutex_lock(&a->lock);
    while (!(slot->done && slot->index == i))
        g_cond_wait(&a->done, &a->lock);
    *p = *slot;
    *slot = (photo_probe){.index = G_MAXUINT};
    g_mutex_unlock(&a->lock);
    if (i + PROBE_AHEAD < a->records->records->len)
        g_thread_pool_push(a->pool, GUINT_TO_POINTER(i + PROBE_AHEAD + 1), NULL);
    return TRUE;
}

// 照片: found inside the photo folder, a real PNG or JPEG within the size limits, sharp enough
// for its slot, and about the slot's shape (a 2-inch photo is 35 × 49 mm, 5:7).  AHEAD: the
// probe already made for record I (C's), used when it was of the same file.
static void
check_photo(sc_cert *c, const batch_rules *b, photo_ahead *ahead, guint i)
{
    double sw = b->slot_w, sh = b->slot_h;
    GError *error = NULL;
    g_autofree char *path = photo_path(b, c->record, c->id_number, &error);
    photo_probe early = {0};
    gboolean taken = photo_ahead_take(ahead, i, &early);
    sc_photo_info info;
    gboolean probed;
    if (path != NULL && taken && early.path != NULL && strcmp(early.path, path) == 0) {
        probed = early.probed;
        info = early.info;
        error = g_steal_pointer(&early.error);
    } else {
        probed = path != NULL && sc_photo_probe_in(b->opts->photo_files, path, &info, &error);
    }
    probe_clear(&early);
    if (probed) {
        int min_w = (int)ceil(sw / 25.4 * PHOTO_MIN_DPI - 1e-9);
        int min_h = (int)ceil(sh / 25.4 * PHOTO_MIN_DPI - 1e-9);
        double ratio = (double)info.width / info.height, want = sw / sh;
        if (info.width < min_w || info.height < min_h)
            problem(b, c, SC_FIELD_PHOTO,
                    _("%s is %d × %d pixels, too coarse for print: a %g × %g mm photo needs at "
                      "least %d × %d (200 dpi)"),
                    path, info.width, info.height, sw, sh, min_w, min_h);
        else if (fabs(ratio / want - 1) > PHOTO_RATIO_TOLERANCE)
            problem(b, c, SC_FIELD_PHOTO,
                    _("%s is %d × %d pixels (%.2f:1); a %g × %g mm photo is %.2f:1 — use a "
                      "2-inch (二寸) photo or crop it to that shape"),
                    path, info.width, info.height, ratio, sw, sh, want);
        c->photo = g_steal_pointer(&path); // the file found, for {照片}
    }
    if (error != NULL) {
        problem(b, c, SC_FIELD_PHOTO, "%s", error->message);
        g_error_free(error);
    }
}

// 姓名, 证件号码, 职业名称 are on every certificate.  A missing column is the reader's one
// problem, not one on every row.
static void
check_required(sc_cert *c, const batch_rules *b)
{
    static const char *const required[] = {SC_FIELD_NAME, SC_FIELD_ID_NUMBER, SC_FIELD_OCCUPATION};
    for (guint i = 0; i < G_N_ELEMENTS(required); i++)
        if (sc_record_get(c->record, required[i]) != NULL && is_blank(cell(c, required[i])))
            problem(b, c, required[i], "%s", _("empty; every certificate needs it"));
    c->name = cell(c, SC_FIELD_NAME);
    c->occupation = cell(c, SC_FIELD_OCCUPATION);
}

// Whether S is a number as a spreadsheet shows a long one: "4.40307E+17", "4.4E17".
static gboolean
is_scientific(const char *s)
{
    const char *e = strpbrk(s, "eE");
    if (e == NULL || e == s || !g_ascii_isdigit(s[0]))
        return FALSE;
    for (const char *p = s; p < e; p++)
        if (!g_ascii_isdigit(*p) && *p != '.')
            return FALSE;
    const char *x = e[1] == '+' ? e + 2 : e + 1;
    return *x != '\0' && strspn(x, "0123456789") == strlen(x);
}

// 证件类型 and 证件号码 (SPEC §4; GB 11643 for 居民身份证).
static void
check_id(sc_cert *c, const batch_rules *b)
{
    const char *id_type = cell(c, SC_FIELD_ID_TYPE);
    c->id_type = is_blank(id_type) ? ID_TYPE_RESIDENT : id_type;
    const char *id = cell(c, SC_FIELD_ID_NUMBER);
    sc_cert_set_id_number(c, id, NULL);
    if (is_blank(id))
        return;

    GError *error = NULL;
    glong length = g_utf8_strlen(id, -1);
    if (is_scientific(id)) {
        problem(b, c, SC_FIELD_ID_NUMBER,
                _("'%s' is a number in scientific notation: the spreadsheet took the ID number "
                  "for a number and kept only its first 15 digits.  Format the column as text "
                  "(设置单元格格式 → 文本) and enter the numbers again"),
                id);
        return;
    }
    if (strcmp(c->id_type, ID_TYPE_RESIDENT) == 0) {
        char *norm = sc_idcard_normalize(id, &error);
        if (norm != NULL)
            sc_cert_set_id_number(c, id, norm);
    } else if (length > 40) {
        g_set_error(&error, SC_ERROR, SC_ERROR_INPUT,
                    _("%ld characters is too long for a %s number"), length, c->id_type);
    } else {
        for (const char *p = id; *p && error == NULL; p = g_utf8_next_char(p))
            if (!g_unichar_isgraph(g_utf8_get_char(p)))
                g_set_error(&error, SC_ERROR, SC_ERROR_INPUT,
                            _("contains a space or control character (U+%04X)"),
                            g_utf8_get_char(p));
    }
    if (error != NULL) {
        problem(b, c, SC_FIELD_ID_NUMBER, "%s", error->message);
        g_error_free(error);
    }
}

// 职业编码: N-NN-NN-NN when present; 工种名称: empty prints as two em dashes (SPEC §2).
static void
check_occupation(sc_cert *c, const batch_rules *b)
{
    const char *code = cell(c, SC_FIELD_OCCUPATION_CODE);
    if (!is_blank(code) && !occupation_code_ok(code))
        problem(b, c, SC_FIELD_OCCUPATION_CODE,
                _("'%s' is not of the form N-NN-NN-NN (e.g. 4-01-02-01)"), code);
    c->occupation_code = code;
    const char *work_type = cell(c, SC_FIELD_WORK_TYPE);
    c->work_type = is_blank(work_type) ? EMPTY_WORK_TYPE : work_type;
}

// 职业技能等级: any accepted form; 9 only where the profile has it.  None on a certificate
// without levels (专项职业能力, seeds/003).
static void
check_level(sc_cert *c, const batch_rules *b)
{
    if (b->opts->tmpl != NULL && !b->opts->tmpl->has_level)
        return;
    const char *level = sc_record_get(c->record, SC_FIELD_LEVEL);
    GError *error = NULL;
    int code = 0;
    if (level == NULL)
        return; // no column: reported once by the reader
    if (is_blank(level))
        problem(b, c, SC_FIELD_LEVEL, "%s",
                _("empty; write 一级/高级技师 … 五级/初级工, or 1 … 5"));
    else if ((code = sc_level_parse(level, &error)) == 0) {
        problem(b, c, SC_FIELD_LEVEL, "%s", error->message);
        g_error_free(error);
    } else if (!sc_certno_profile_allows_level(b->profile, code))
        problem(b, c, SC_FIELD_LEVEL, _("%s is not issued under the %s profile"),
                sc_level_name(code), sc_certno_profile_name(b->profile));
    else
        sc_cert_set_level(c, code);
}

// 发证日期: either form, else the batch's date.
static void
check_date(sc_cert *c, const batch_rules *b)
{
    int y = b->opts->batch_year, m = b->opts->batch_month, d = b->opts->batch_day;
    const char *date = cell(c, SC_FIELD_ISSUE_DATE);
    if (!is_blank(date) && !sc_check_parse_date(date, &y, &m, &d))
        problem(b, c, SC_FIELD_ISSUE_DATE,
                _("'%s' is not a date; write 2026-11-23, 2026年11月23日, 2026/11/23, "
                  "2026.11.23 or 20261123"),
                date);
    c->date_given = !is_blank(date);
    sc_cert_set_date(c, y, m, d);
}

typedef struct {
    const batch_rules *b;
    const sc_cert *c;
} number_problems;

static void
number_problem(int first, const char *message, gpointer data)
{
    (void)first;
    number_problems *np = data;
    problem(np->b, np->c, SC_FIELD_NUMBER, "%s", message);
}

// 证书编号, when given: valid under the profile, of this institution, year and level.
static void
check_number(sc_cert *c, const batch_rules *b)
{
    const char *number = cell(c, SC_FIELD_NUMBER);
    if (is_blank(number))
        return;
    number_problems np = {b, c};
    if (!sc_certno_parse_each(number, b->profile, &c->given, number_problem, &np))
        return;
    const sc_institution *inst = b->opts->institution;
    sc_certno_check_agrees(&c->given, inst != NULL ? inst->prefix : NULL, c->year, c->level,
                           number_problem, &np);
    c->number_given = TRUE;
    sc_cert_set_number(c, number);
}

// What kind of character C is, for a message refusing it; NULL if it may be printed.  Format
// characters print as nothing or change the order of what follows: "\u202E明伟张" printed
// 张伟明 while the register kept the reversed text.
static const char *
unprintable_kind(gunichar c)
{
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
        c == 0x200F || c == 0x061C)
        return _("a direction control, which reorders the text around it");
    if ((c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF))
        return _("a variation selector, which no configured font is known to support");
    if (g_unichar_type(c) == G_UNICODE_FORMAT)
        return _("an invisible formatting character");
    if (g_unichar_type(c) == G_UNICODE_CONTROL)
        return _("a control character");
    if (g_unichar_type(c) == G_UNICODE_LINE_SEPARATOR ||
        g_unichar_type(c) == G_UNICODE_PARAGRAPH_SEPARATOR)
        return _("a line separator");
    return NULL;
}

// The printed field FIELD's text VALUE (from the record): no character that prints as
// nothing or reorders the text, and no '?' where an ANSI (GBK) export lost a character.
static void
check_text(sc_cert *c, const batch_rules *b, const char *field, const char *value)
{
    if (value == NULL || *value == '\0' || only_invisible(value))
        return; // empty: reported (or defaulted) by the field's own check
    for (const char *p = value; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar u = g_utf8_get_char(p);
        const char *kind = unprintable_kind(u);
        if (kind != NULL) {
            problem(b, c, field, _("contains U+%04X, %s; retype the cell without it"), u, kind);
            break; // one per field is enough to act on
        }
    }
    if (strchr(value, '?') != NULL || strstr(value, "？") != NULL)
        problem(
            b, c, field,
            _("'%s' has a question mark where a character should be: the sheet was saved as "
              "ANSI/GBK CSV (Excel's \"CSV (逗号分隔)\"), which replaces every character "
              "outside GBK, such as 䶮 or 𬌗, by '?'.  Save it as \"CSV UTF-8 (逗号分隔)\", "
              "or give the .xlsx workbook itself, and correct this cell"),
            value);
}

// Every printed field that comes from the record (SPEC §2), through check_text().
static void
check_printed_text(sc_cert *c, const batch_rules *b)
{
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init(&it, b->printed);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (b->opts->institution != NULL && strcmp(key, SC_FIELD_INSTITUTION) == 0)
            continue; // the institution file's name, not the record's
        check_text(c, b, key, sc_record_get(c->record, key));
    }
}

// Every field reads as "\n" in the template's fixed text: a word never spans a placeholder.
static const char *
no_field(const char *name, gpointer data)
{
    (void)name;
    (void)data;
    return "\n";
}

// TEXT in NFC without format characters (a zero-width space cannot hide a word).  Caller
// frees with g_free().
static char *
visible_text(const char *text)
{
    g_autofree char *nfc = g_utf8_normalize(text, -1, G_NORMALIZE_NFC);
    GString *out = g_string_new(NULL);
    for (const char *p = nfc != NULL ? nfc : ""; *p != '\0'; p = g_utf8_next_char(p))
        if (!is_invisible(g_utf8_get_char(p)) || g_unichar_isspace(g_utf8_get_char(p)))
            g_string_append_unichar(out, g_utf8_get_char(p));
    return g_string_free(out, FALSE);
}

// Forbidden words (seeds/004 四(四)1 for Guangdong, plus the institution's own list) in the
// certificate's own design and fixed wording: the literal text of the template's text
// elements, outside {placeholders}.  The rule never applies to what a record or the filing
// supplies (a holder named 王国家, an institution whose filed name has 广东, an official
// occupation name; SPEC §2).  Reported once per batch, as a problem of the template.
static void
check_template_words(const batch_rules *b)
{
    const sc_template *tmpl = b->opts->tmpl;
    for (guint i = 0; tmpl != NULL && b->words[0] != NULL && i < tmpl->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        if (e->type != SC_ELEMENT_TEXT || e->text == NULL)
            continue;
        g_autofree char *literal = sc_template_expand(e->text, no_field, NULL, NULL);
        g_autofree char *text = visible_text(literal != NULL ? literal : e->text);
        g_autofree char *where = g_strdup_printf("[%s] text", e->id);
        for (int w = 0; b->words[w] != NULL; w++) {
            if (strstr(text, b->words[w]) == NULL)
                continue;
            if (b->profile == SC_PROFILE_GUANGDONG)
                sc_problems_add(b->problems, tmpl->path, 0, where,
                                _("contains '%s', which Guangdong certificates must not carry"),
                                b->words[w]);
            else
                sc_problems_add(b->problems, tmpl->path, 0, where,
                                _("contains '%s', which this institution's certificates must not "
                                  "carry"),
                                b->words[w]);
            break; // one word per element is enough to act on
        }
    }
}

// What the institution gives every certificate: its name as filed (SPEC §2: printed twice),
// from the institution file, else from a 评价机构名称 column; and its seal.
static void
fill_institution(sc_cert *c, const batch_rules *b)
{
    const sc_institution *inst = b->opts->institution;
    c->institution = inst != NULL ? inst->name : cell(c, SC_FIELD_INSTITUTION);
    c->seal = inst != NULL && inst->seal ? inst->seal : "";
}

// The institution's name is never left blank on a certificate that prints it.
static void
check_institution(const sc_cert *c, const batch_rules *b)
{
    if (is_blank(c->institution) && g_hash_table_contains(b->printed, SC_FIELD_INSTITUTION))
        problem(b, c, SC_FIELD_INSTITUTION, "%s",
                _("the certificate prints the institution's name, but there is none: give the "
                  "institution file with -i, or a 评价机构名称 column"));
}

// The batch's certificates are indexed while they are checked by what makes two of them the same,
// as sets of the certificates themselves: no key is built for each record (issue 9: a batch of
// 100,000).  A key is a few texts of the certificate; two keys are equal when every text is.
#define KEY_TEXTS 4

// One person: 证件类型 and 证件号码.  Returns the number of texts.
static guint
holder_key(const sc_cert *c, const char *texts[KEY_TEXTS])
{
    texts[0] = c->id_type;
    texts[1] = c->id_number;
    return 2;
}

// One certificate: 证件号码, 职业名称, 工种名称 and the level, by its code, else (invalid, or the
// certificate has none) as written.
static guint
certificate_key(const sc_cert *c, const char *texts[KEY_TEXTS])
{
    texts[0] = c->id_number;
    texts[1] = c->occupation;
    texts[2] = c->work_type;
    texts[3] =
        c->level != 0 ? sc_cert_lookup(SC_FIELD_LEVEL_CODE, (gpointer)c) : cell(c, SC_FIELD_LEVEL);
    return 4;
}

static guint
texts_hash(const char *const *texts, guint n)
{
    guint h = 0;
    for (guint i = 0; i < n; i++)
        h = h * 31 + g_str_hash(texts[i]);
    return h;
}

static gboolean
texts_equal(const char *const *x, const char *const *y, guint n)
{
    for (guint i = 0; i < n; i++)
        if (strcmp(x[i], y[i]) != 0)
            return FALSE;
    return TRUE;
}

static guint
holder_hash(gconstpointer c)
{
    const char *t[KEY_TEXTS];
    return texts_hash(t, holder_key(c, t));
}

static gboolean
same_holder(gconstpointer a, gconstpointer b)
{
    const char *x[KEY_TEXTS], *y[KEY_TEXTS];
    guint n = holder_key(a, x);
    holder_key(b, y);
    return texts_equal(x, y, n);
}

static guint
certificate_hash(gconstpointer c)
{
    const char *t[KEY_TEXTS];
    return texts_hash(t, certificate_key(c, t));
}

static gboolean
same_certificate(gconstpointer a, gconstpointer b)
{
    const char *x[KEY_TEXTS], *y[KEY_TEXTS];
    guint n = certificate_key(a, x);
    certificate_key(b, y);
    return texts_equal(x, y, n);
}

// One person, one name: the same 证件类型 and 证件号码 under two different names in one batch is
// a typing error in one of them.  HOLDERS holds the first certificate of each holder.
static void
check_same_person(const sc_cert *c, const batch_rules *b, GHashTable *holders)
{
    if (is_blank(c->id_number) || is_blank(c->name))
        return;
    const sc_cert *first = g_hash_table_lookup(holders, c);
    if (first == NULL) {
        g_hash_table_add(holders, (gpointer)c);
        return;
    }
    if (strcmp(first->name, c->name) != 0)
        problem(b, c, SC_FIELD_ID_NUMBER,
                _("the same %s as row %u, where the name is %s; one person has one name: correct "
                  "the name or the number"),
                SC_FIELD_ID_NUMBER, first->row, first->name);
}

// Duplicates inside the batch: the same certificate twice (CERTS holds the first of each), or
// one number twice (NUMBERS: each number given, borrowed from its record, → its row).
static void
check_duplicates(const sc_cert *c, const batch_rules *b, GHashTable *certs, GHashTable *numbers)
{
    const sc_cert *first = g_hash_table_lookup(certs, c);
    if (first != NULL)
        problem(b, c, SC_FIELD_ID_NUMBER,
                _("the same holder, occupation, work type and level as row %u"), first->row);
    else
        g_hash_table_add(certs, (gpointer)c);

    const char *number = cell(c, SC_FIELD_NUMBER);
    if (is_blank(number))
        return;
    guint at = GPOINTER_TO_UINT(g_hash_table_lookup(numbers, number));
    if (at != 0)
        problem(b, c, SC_FIELD_NUMBER, _("%s is already given to row %u"), number, at);
    else
        g_hash_table_insert(numbers, (gpointer)number, GUINT_TO_POINTER(c->row));
}

GPtrArray *
sc_check_records(const sc_records *records, const sc_check_options *opts, sc_problems *problems)
{
    batch_rules b;
    batch_rules_init(&b, opts, records->path, problems);
    g_autoptr(GHashTable) seen_cert = g_hash_table_new(certificate_hash, same_certificate);
    g_autoptr(GHashTable) seen_number = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) seen_id = g_hash_table_new(holder_hash, same_holder);
    GPtrArray *certs = g_ptr_array_new_full(records->records->len, (GDestroyNotify)sc_cert_free);
    check_template_words(&b);
    photo_ahead *ahead = photo_ahead_new(&b, records);

    for (guint i = 0; i < records->records->len; i++) {
        sc_cert *c = sc_cert_new(g_ptr_array_index(records->records, i));
        c->name = cell(c, SC_FIELD_NAME); // problems name the holder
        check_required(c, &b);
        check_printed_text(c, &b);
        check_id(c, &b);
        check_occupation(c, &b);
        check_level(c, &b);
        check_date(c, &b);
        check_number(c, &b);
        fill_institution(c, &b);
        if (opts->photo_dir != NULL && b.has_photo)
            check_photo(c, &b, ahead, i);
        check_institution(c, &b);
        check_duplicates(c, &b, seen_cert, seen_number);
        check_same_person(c, &b, seen_id);
        g_ptr_array_add(certs, c);
    }
    photo_ahead_free(ahead);
    batch_rules_clear(&b);
    return certs;
}
