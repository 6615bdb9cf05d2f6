// certno.c - parse, validate, explain and format 22-character certificate numbers under the
// province profiles (SPEC §3; seeds/004 附件4 一–三, 000 附件3, 001 附件6, 002 附件5).
#include "certno.h"

#include "i18n.h"
#include "level.h"

#include <string.h>

typedef struct {
    const char *code;
    const char *name;
} code_name;

// Province codes: 004 附件4 二(三) 表4 (GB/T 2260).
static const code_name provinces[] = {
    {"11", "北京市"},           {"12", "天津市"},           {"13", "河北省"},
    {"14", "山西省"},           {"15", "内蒙古自治区"},     {"21", "辽宁省"},
    {"22", "吉林省"},           {"23", "黑龙江省"},         {"31", "上海市"},
    {"32", "江苏省"},           {"33", "浙江省"},           {"34", "安徽省"},
    {"35", "福建省"},           {"36", "江西省"},           {"37", "山东省"},
    {"41", "河南省"},           {"42", "湖北省"},           {"43", "湖南省"},
    {"44", "广东省"},           {"45", "广西壮族自治区"},   {"46", "海南省"},
    {"50", "重庆市"},           {"51", "四川省"},           {"52", "贵州省"},
    {"53", "云南省"},           {"54", "西藏自治区"},       {"61", "陕西省"},
    {"62", "甘肃省"},           {"63", "青海省"},           {"64", "宁夏回族自治区"},
    {"65", "新疆维吾尔自治区"}, {"66", "新疆生产建设兵团"}, {"71", "台湾省"},
    {"81", "香港特别行政区"},   {"82", "澳门特别行政区"},
};

// Guangdong positions 8–9: 004 附件4 二(四)1 表5 (10 and 11 are not in the table).
static const code_name guangdong_cities[] = {
    {"00", "广东省省本级"}, {"01", "广州市"}, {"02", "韶关市"}, {"03", "深圳市"}, {"04", "珠海市"},
    {"05", "汕头市"},       {"06", "佛山市"}, {"07", "江门市"}, {"08", "湛江市"}, {"09", "茂名市"},
    {"12", "肇庆市"},       {"13", "惠州市"}, {"14", "梅州市"}, {"15", "汕尾市"}, {"16", "河源市"},
    {"17", "阳江市"},       {"18", "清远市"}, {"19", "东莞市"}, {"20", "中山市"}, {"51", "潮州市"},
    {"52", "揭阳市"},       {"53", "云浮市"},
};

// Liaoning positions 8–9: 002 附件5 四 ("前2位01-14依次为…").
static const code_name liaoning_cities[] = {
    {"01", "沈阳市"}, {"02", "大连市"}, {"03", "鞍山市"}, {"04", "抚顺市"},   {"05", "本溪市"},
    {"06", "丹东市"}, {"07", "锦州市"}, {"08", "营口市"}, {"09", "阜新市"},   {"10", "辽阳市"},
    {"11", "铁岭市"}, {"12", "朝阳市"}, {"13", "盘锦市"}, {"14", "葫芦岛市"},
};

// Position 10, indexed by the digit.  Guangdong: 004 附件4 二(四)2 表6-1 (category Y) and
// 表6-2 (category S).  Liaoning: 002 附件5 四 ("第3位：1央企辽宁分公司…6其他").
static const char *const guangdong_units_y[] = {NULL, "国有企业", "非国有企业", "其他"};
static const char *const guangdong_units_s[] = {NULL, "企业", "技工院校", "行业协会（学会）",
                                                "其他"};
static const char *const liaoning_units[] = {NULL,       "央企辽宁分公司", "省属企业", "市属企业",
                                             "技工院校", "行业协会",       "其他"};

static const struct {
    const char *name;     // as sc_certno_profile_from_name() takes it
    const char *province; // the province the profile requires, or NULL for any
    const char *label;    // for messages (N_(): translated where shown)
    const char *place;    // the province, for messages (N_())
} profiles[] = {
    [SC_PROFILE_NATIONAL] = {"national", NULL, N_("national"), NULL},
    [SC_PROFILE_GUIZHOU] = {"guizhou", "52", N_("Guizhou"), N_("Guizhou")},
    [SC_PROFILE_GUANGDONG] = {"guangdong", "44", N_("Guangdong"), N_("Guangdong")},
    [SC_PROFILE_LIAONING] = {"liaoning", "21", N_("Liaoning"), N_("Liaoning")},
    [SC_PROFILE_CHONGQING_TS] = {"chongqing-ts", "50", N_("Chongqing technician schools"),
                                 N_("Chongqing")},
};

static gboolean
profile_is_valid(sc_profile profile)
{
    return (unsigned)profile < G_N_ELEMENTS(profiles);
}

gboolean
sc_certno_profile_from_name(const char *name, sc_profile *profile)
{
    g_return_val_if_fail(profile != NULL, FALSE);
    if (name == NULL)
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(profiles); i++) {
        if (g_ascii_strcasecmp(name, profiles[i].name) == 0) {
            *profile = (sc_profile)i;
            return TRUE;
        }
    }
    return FALSE;
}

const char *
sc_certno_profile_name(sc_profile profile)
{
    g_return_val_if_fail(profile_is_valid(profile), NULL);
    return profiles[profile].name;
}

static const char *
lookup(const code_name *table, gsize n, const char *code)
{
    if (code == NULL)
        return NULL;
    for (gsize i = 0; i < n; i++)
        if (strcmp(table[i].code, code) == 0)
            return table[i].name;
    return NULL;
}

const char *
sc_certno_province_name(const char *code)
{
    return lookup(provinces, G_N_ELEMENTS(provinces), code);
}

const char *
sc_certno_profile_city_name(sc_profile profile, const char *code)
{
    switch (profile) {
    case SC_PROFILE_GUANGDONG:
        return lookup(guangdong_cities, G_N_ELEMENTS(guangdong_cities), code);
    case SC_PROFILE_LIAONING: return lookup(liaoning_cities, G_N_ELEMENTS(liaoning_cities), code);
    default: return NULL;
    }
}

const char *
sc_certno_profile_unit_type_name(sc_profile profile, char category, char digit)
{
    int d = digit - '0';
    switch (profile) {
    case SC_PROFILE_GUANGDONG:
        if (category == 'Y' && d >= 1 && d < (int)G_N_ELEMENTS(guangdong_units_y))
            return guangdong_units_y[d];
        if (category == 'S' && d >= 1 && d < (int)G_N_ELEMENTS(guangdong_units_s))
            return guangdong_units_s[d];
        return NULL;
    case SC_PROFILE_LIAONING:
        if (d >= 1 && d < (int)G_N_ELEMENTS(liaoning_units))
            return liaoning_units[d];
        return NULL;
    default: return NULL;
    }
}

gboolean
sc_certno_profile_allows_level(sc_profile profile, int level)
{
    // Chongqing technician schools: 3, 4, 5 and 9 = 预备技师 (001 附件6 二(七)).  Everywhere
    // else 1–5 (004 附件4 表7; 000 附件3 6; 002 附件5 六).
    if (profile == SC_PROFILE_CHONGQING_TS)
        return level == 3 || level == 4 || level == 5 || level == SC_LEVEL_PREP;
    return sc_level_is_code(level) && level != SC_LEVEL_PREP;
}

// --- Fields ---------------------------------------------------------------------------------

typedef enum {
    F_CATEGORY,
    F_ROUTE,
    F_PROVINCE,
    F_SITE,  // 8–13 as one field (national, Guizhou, Chongqing)
    F_CITY,  // 8–9 (Guangdong, Liaoning)
    F_UNIT,  // 10
    F_ORDER, // 11–13
    F_YEAR,
    F_LEVEL,
    F_SERIAL,
} field_kind;

typedef struct {
    field_kind kind;
    int first, last;  // positions, 1-based, inclusive
    const char *name; // for messages (N_())
} field;

// The number's structure (004 附件4 一 表1): the same seven parts everywhere; Guangdong
// (004 附件4 二(四)) and Liaoning (002 附件5 四) split positions 8–13 into three.
static const field fields_flat[] = {
    {F_CATEGORY, 1, 1, N_("category")},
    {F_ROUTE, 2, 5, N_("institution code")},
    {F_PROVINCE, 6, 7, N_("province code")},
    {F_SITE, 8, 13, N_("site sequence")},
    {F_YEAR, 14, 15, N_("year")},
    {F_LEVEL, 16, 16, N_("level")},
    {F_SERIAL, 17, 22, N_("serial")},
};
static const field fields_split[] = {
    {F_CATEGORY, 1, 1, N_("category")},
    {F_ROUTE, 2, 5, N_("institution code")},
    {F_PROVINCE, 6, 7, N_("province code")},
    {F_CITY, 8, 9, N_("city code")},
    {F_UNIT, 10, 10, N_("unit type")},
    {F_ORDER, 11, 13, N_("order")},
    {F_YEAR, 14, 15, N_("year")},
    {F_LEVEL, 16, 16, N_("level")},
    {F_SERIAL, 17, 22, N_("serial")},
};

static const field *
profile_fields(sc_profile profile, guint *n)
{
    if (profile == SC_PROFILE_GUANGDONG || profile == SC_PROFILE_LIAONING) {
        *n = G_N_ELEMENTS(fields_split);
        return fields_split;
    }
    *n = G_N_ELEMENTS(fields_flat);
    return fields_flat;
}

// "position 1" or "positions 6–7".
static char *
positions(const field *f)
{
    if (f->first == f->last)
        return g_strdup_printf(_("position %d"), f->first);
    return g_strdup_printf(_("positions %d–%d"), f->first, f->last);
}

// What kind of character C is, for "found X where a digit is expected" messages.
static const char *
describe_char(gunichar c)
{
    if (c >= 'a' && c <= 'z')
        return _("a lower-case letter");
    if (c >= 'A' && c <= 'Z')
        return _("a capital letter");
    if (c >= '0' && c <= '9')
        return _("a digit");
    if (c == ' ')
        return _("a space");
    if (c >= 0xFF10 && c <= 0xFF19)
        return _("a full-width digit");
    if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A))
        return _("a full-width letter");
    if (c == 0x3000)
        return _("a full-width space");
    if (g_unichar_iscntrl(c))
        return _("a control character");
    if (c < 0x80)
        return _("punctuation");
    return _("not ASCII");
}

// C as a message shows it: 'x' when printable, else U+XXXX.  Caller frees with g_free().
static char *
show_char(gunichar c)
{
    GString *s = g_string_new(NULL);
    if (g_unichar_isprint(c) && c != ' ' && c != 0x3000) {
        g_string_append_c(s, '\'');
        g_string_append_unichar(s, c);
        g_string_append_c(s, '\'');
    } else {
        g_string_append_printf(s, "U+%04" G_GINT32_MODIFIER "X", (gint32)c);
    }
    return g_string_free(s, /*free_segment*/ FALSE);
}

// The state of one check: the characters, and the problems found so far.
typedef struct {
    gunichar chars[SC_CERTNO_LEN];
    char ascii[SC_CERTNO_LEN + 1]; // the characters where ASCII, else '?'
    sc_profile profile;
    GPtrArray *problems; // char *, one line each
    GArray *firsts;      // int, parallel: the first position of the problem's field, or 0
} checker;

static void G_GNUC_PRINTF(3, 4) problem(checker *c, const field *f, const char *format, ...)
{
    GString *line = g_string_new(NULL);
    if (f != NULL) {
        char *where = positions(f);
        g_string_append_printf(line, "%s: ", where);
        g_free(where);
    }
    va_list args;
    va_start(args, format);
    g_string_append_vprintf(line, format, args);
    va_end(args);
    g_ptr_array_add(c->problems, g_string_free(line, /*free_segment*/ FALSE));
    int first = f != NULL ? f->first : 0;
    g_array_append_val(c->firsts, first);
}

// Check that every character of F has the right class (a letter at position 1, digits
// elsewhere: 004 附件4 一 "1 位大写英文字母和 21 位阿拉伯数字").  Reports each wrong character of
// the field in one problem; returns whether the field is clean.
static gboolean
check_class(checker *c, const field *f)
{
    GString *bad = g_string_new(NULL);
    for (int p = f->first; p <= f->last; p++) {
        gunichar ch = c->chars[p - 1];
        gboolean ok = f->kind == F_CATEGORY ? (ch >= 'A' && ch <= 'Z') : (ch >= '0' && ch <= '9');
        if (ok)
            continue;
        if (bad->len > 0)
            // TRANSLATORS: between the wrong characters of one field: "'a' at position 3 is
            // a lower-case letter, ' ' at position 4 is a space".
            g_string_append(bad, _(", "));
        g_autofree char *shown = show_char(ch);
        if (f->first != f->last)
            g_string_append_printf(bad, _("%s at position %d is %s"), shown, p, describe_char(ch));
        else if (f->kind == F_CATEGORY && ch >= 'a' && ch <= 'z')
            g_string_append_printf(bad, _("%s is %s (write it in capitals)"), shown,
                                   describe_char(ch));
        else
            g_string_append_printf(bad, _("%s is %s"), shown, describe_char(ch));
    }
    gboolean clean = bad->len == 0;
    if (!clean) {
        // The field as found, control characters shown as U+XXXX so a message cannot move a
        // terminal's cursor.
        GString *raw = g_string_new(NULL);
        for (int p = f->first; p <= f->last; p++) {
            gunichar ch = c->chars[p - 1];
            if (g_unichar_isprint(ch) || ch == ' ' || ch == 0x3000)
                g_string_append_unichar(raw, ch);
            else
                g_string_append_printf(raw, "U+%04" G_GINT32_MODIFIER "X", (gint32)ch);
        }
        if (f->kind == F_CATEGORY)
            problem(c, f, _("category %s; expected the capital letter Y or S"), bad->str);
        else
            problem(c, f, _("%s \"%s\" is not all digits: %s"), _(f->name), raw->str, bad->str);
        g_string_free(raw, /*free_segment*/ TRUE);
    }
    g_string_free(bad, /*free_segment*/ TRUE);
    return clean;
}

// The digits of F as a NUL-terminated string in BUF (at least 7 bytes).
static const char *
field_digits(const checker *c, const field *f, char *buf)
{
    int n = f->last - f->first + 1;
    memcpy(buf, c->ascii + f->first - 1, n);
    buf[n] = '\0';
    return buf;
}

// Positions 6–7: 004 附件4 二(三) 表4; a province profile fixes its code (000 附件3 3: 贵州 52;
// 001 附件6 二(三): 重庆 50; 002 附件5 三: 辽宁 21; 004 附件4 三: 广东 44).
static void
check_province(checker *c, const field *f, const char *v)
{
    const char *want = profiles[c->profile].province;
    const char *name = sc_certno_province_name(v);
    if (name == NULL && want != NULL)
        problem(c, f, _("province code %s does not exist (%s is %s)"), v,
                _(profiles[c->profile].place), want);
    else if (name == NULL)
        problem(c, f, _("province code %s does not exist"), v);
    else if (want != NULL && strcmp(v, want) != 0)
        problem(c, f, _("province code %s (%s) is not %s %s"), v, name,
                _(profiles[c->profile].place), want);
}

// Position 10 of Guangdong and Liaoning.  CATEGORY is the category letter when position 1 is
// valid, else 0.
static void
check_unit(checker *c, const field *f, const char *v, char category)
{
    if (c->profile == SC_PROFILE_LIAONING) {
        // 002 附件5 四: 1–6.
        if (sc_certno_profile_unit_type_name(c->profile, 'Y', v[0]) == NULL)
            problem(c, f, _("unit type %s does not exist in Liaoning; expected 1–6"), v);
    } else if (category == 'Y' || category == 'S') {
        // 004 附件4 二(四)2: 表6-1 for Y (1–3), 表6-2 for S (1–4).
        if (sc_certno_profile_unit_type_name(c->profile, category, v[0]) == NULL)
            problem(c, f,
                    _("unit type %s does not exist for category %c in Guangdong; "
                      "expected %s"),
                    v, category, category == 'Y' ? "1–3" : "1–4");
    } else if (v[0] < '1' || v[0] > '4') {
        problem(c, f, _("unit type %s does not exist in Guangdong; expected 1–3 for Y, 1–4 for S"),
                v);
    }
}

// Position 16: a level code the profile issues (004 附件4 二(六) 表7; 001 附件6 二(七)).
static void
check_level(checker *c, const field *f, int level)
{
    if (sc_certno_profile_allows_level(c->profile, level))
        return;
    if (c->profile == SC_PROFILE_CHONGQING_TS && sc_level_is_code(level))
        problem(c, f, _("level %d (%s) is not issued by %s; expected 3, 4, 5 or 9 (预备技师)"),
                level, sc_level_name(level), _(profiles[c->profile].label));
    else if (c->profile == SC_PROFILE_CHONGQING_TS)
        problem(c, f, _("level %d does not exist; expected 3, 4, 5 or 9 (预备技师)"), level);
    else if (level == SC_LEVEL_PREP)
        problem(c, f,
                _("level 9 (预备技师) is issued only by Chongqing technician schools "
                  "(profile chongqing-ts); expected 1–5"));
    else
        problem(c, f, _("level %d does not exist; expected 1–5"), level);
}

// Check the value of F, whose characters have the right class.  CATEGORY is the category
// letter when position 1 is valid, else 0.
static void
check_value(checker *c, const field *f, char category)
{
    char v[8];
    field_digits(c, f, v);

    switch (f->kind) {
    case F_CATEGORY:
        // Y 用人单位 or S 社会培训评价组织 (004 附件4 二(一) 表2); Chongqing technician schools
        // are always S (001 附件6 二(一)).
        if (v[0] != 'Y' && v[0] != 'S')
            problem(c, f,
                    _("category %c does not exist; expected Y (用人单位) or S (社会培训评价组织)"),
                    v[0]);
        else if (c->profile == SC_PROFILE_CHONGQING_TS && v[0] != 'S')
            problem(c, f, _("category %c is not allowed for %s; expected S"), v[0],
                    _(profiles[c->profile].label));
        break;
    case F_ROUTE:
        // 0000 filed with the province, 0001–9999 filed with the Ministry (004 附件4 二(二) 表3);
        // Chongqing technician schools are filed with the city: always 0000 (001 附件6 二(二)).
        if (c->profile == SC_PROFILE_CHONGQING_TS && strcmp(v, "0000") != 0)
            problem(c, f, _("institution code %s is not allowed for %s; expected 0000"), v,
                    _(profiles[c->profile].label));
        break;
    case F_PROVINCE: check_province(c, f, v); break;
    case F_SITE:
        // Chongqing: 000001–999999 in order (001 附件6 二(四)).  National and Guizhou: six digits
        // the province assigns (000 附件3 4) with no stated range; we refuse 000000 there too,
        // since every sequence in the seeds counts from 1 and no structured province can
        // produce it (Guangdong's unit type and Liaoning's city are never 0).
        if (strcmp(v, "000000") == 0)
            problem(c, f, _("site sequence 000000 is never assigned; sequences run 000001–999999"));
        break;
    case F_CITY:
        if (sc_certno_profile_city_name(c->profile, v) != NULL)
            break;
        if (c->profile == SC_PROFILE_GUANGDONG) // 004 附件4 表5
            problem(c, f,
                    _("city code %s does not exist in Guangdong; expected 00 (省本级), 01–09, "
                      "12–20 or 51–53"),
                    v);
        else // 002 附件5 四
            problem(c, f, _("city code %s does not exist in Liaoning; expected 01–14"), v);
        break;
    case F_UNIT: check_unit(c, f, v, category); break;
    case F_ORDER:
        // Guangdong: 000–999 (004 附件4 二(四)3).  Liaoning: "按照备案先后顺序赋码" (002 附件5
        // 四); every filing number in 002 附件8/9 counts from 001, so 000 is refused.
        if (c->profile == SC_PROFILE_LIAONING && strcmp(v, "000") == 0)
            problem(c, f, _("order 000 is never assigned in Liaoning; orders run 001–999"));
        break;
    case F_YEAR:
        // Any two digits: the last two of the year of issue (004 附件4 二(五)).
        break;
    case F_LEVEL: check_level(c, f, v[0] - '0'); break;
    case F_SERIAL:
        // 000001–999999 (004 附件4 二(七); not 000 附件3's 00001–99999, SPEC §3).
        if (strcmp(v, "000000") == 0)
            problem(c, f, _("serial 000000 does not exist; serials run 000001–999999"));
        break;
    }
}

// Whether the first LENGTH characters of TEXT, and no more, are a capital letter and digits:
// the shape of a number (22) or of its positions 1–13 (13).  Says nothing of the values.
static gboolean
is_shaped(const char *text, int length)
{
    if ((int)strlen(text) != length || !g_ascii_isupper(text[0]))
        return FALSE;
    for (int i = 1; i < length; i++)
        if (!g_ascii_isdigit(text[i]))
            return FALSE;
    return TRUE;
}

// Fill *OUT from ASCII, the first LENGTH positions (22, or 13 for a prefix) of a number of the
// right shape: the one place that reads the fields by position.
static void
read_fields(const char *ascii, int length, sc_certno *out)
{
    memset(out, 0, sizeof *out);
    out->category = ascii[0];
    memcpy(out->route, ascii + 1, 4);
    memcpy(out->province, ascii + 5, 2);
    memcpy(out->site, ascii + 7, 6);
    if (length == SC_CERTNO_LEN) {
        out->year = (ascii[13] - '0') * 10 + (ascii[14] - '0');
        out->level = ascii[15] - '0';
        out->serial = (int)g_ascii_strtoll(ascii + 16, NULL, 10);
    }
}

// Check TEXT as the first LENGTH positions of a number (22, or 13 for a prefix) under PROFILE.
// Fills *OUT as far as LENGTH reaches (when OUT is non-NULL) and returns TRUE, or returns FALSE
// with *ERROR listing every problem, one per line, each also handed to FUNC (when not NULL).
static gboolean
check_number(const char *text, int length, sc_profile profile, sc_certno *out,
             sc_certno_problem_func func, gpointer data, GError **error)
{
    checker c = {.profile = profile};
    c.problems = g_ptr_array_new_with_free_func(g_free);
    c.firsts = g_array_new(FALSE, FALSE, sizeof(int));
    const char *end = NULL;

    if (!g_utf8_validate(text, -1, &end)) {
        // Not text at all: nothing else can be said about positions.
        problem(&c, NULL, _("not valid UTF-8 text (byte 0x%02X at byte %zu)"), (guint)(guchar)*end,
                (size_t)(end - text));
        goto out;
    }

    glong n = g_utf8_strlen(text, -1);
    if (n != length) {
        // A wrong length shifts every field: one problem, with the length found
        // (004 附件4 一: 1 letter + 21 digits; 000 附件3's 20-character examples fail here).
        if (n == 0)
            problem(&c, NULL, _("length: the number is empty; expected %d characters"), length);
        else
            problem(&c, NULL, _("length: found %ld characters, expected %d (%s)"), n, length,
                    length == SC_CERTNO_LEN ? _("a capital letter and 21 digits")
                                            : _("positions 1–13: a capital letter and 12 digits"));
        for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
            gunichar ch = g_utf8_get_char(p);
            if (ch == ' ' || ch == '\t' || ch == 0x3000 || ch == '-') {
                problem(&c, NULL,
                        _("the number contains spaces or separators; write the %d characters "
                          "together"),
                        length);
                break;
            }
        }
        goto out;
    }

    const char *p = text;
    for (int i = 0; i < length; i++, p = g_utf8_next_char(p)) {
        c.chars[i] = g_utf8_get_char(p);
        c.ascii[i] = c.chars[i] < 0x80 ? (char)c.chars[i] : '?';
    }
    c.ascii[length] = '\0';

    // Field by field in position order: the characters' class, then the value.  Position 1
    // comes first, so the unit type (position 10) knows the category.
    guint nf;
    const field *fields = profile_fields(profile, &nf);
    char category = 0;
    for (guint i = 0; i < nf && fields[i].last <= length; i++) {
        if (!check_class(&c, &fields[i]))
            continue;
        if (fields[i].kind == F_CATEGORY && (c.ascii[0] == 'Y' || c.ascii[0] == 'S'))
            category = c.ascii[0];
        check_value(&c, &fields[i], category);
    }

out:
    for (guint i = 0; func != NULL && i < c.problems->len; i++)
        func(g_array_index(c.firsts, int, i), g_ptr_array_index(c.problems, i), data);
    g_array_unref(c.firsts);
    if (c.problems->len > 0) {
        g_ptr_array_add(c.problems, NULL);
        char *message = g_strjoinv("\n", (char **)c.problems->pdata);
        g_set_error_literal(error, SC_ERROR, SC_ERROR_INPUT, message);
        g_free(message);
        g_ptr_array_unref(c.problems);
        return FALSE;
    }
    g_ptr_array_unref(c.problems);

    if (out != NULL)
        read_fields(c.ascii, length, out);
    return TRUE;
}

gboolean
sc_certno_check_prefix(const char *prefix, sc_profile profile, GError **error)
{
    g_return_val_if_fail(prefix != NULL, FALSE);
    g_return_val_if_fail(profile_is_valid(profile), FALSE);
    return check_number(prefix, SC_CERTNO_PREFIX_LEN, profile, NULL, NULL, NULL, error);
}

gboolean
sc_certno_check_prefix_each(const char *prefix, sc_profile profile, sc_certno_problem_func func,
                            gpointer data)
{
    g_return_val_if_fail(prefix != NULL && func != NULL, FALSE);
    g_return_val_if_fail(profile_is_valid(profile), FALSE);
    return check_number(prefix, SC_CERTNO_PREFIX_LEN, profile, NULL, func, data, NULL);
}

gboolean
sc_certno_parse(const char *text, sc_profile profile, sc_certno *out, GError **error)
{
    g_return_val_if_fail(text != NULL, FALSE);
    g_return_val_if_fail(profile_is_valid(profile), FALSE);
    sc_certno parsed;
    if (!check_number(text, SC_CERTNO_LEN, profile, &parsed, NULL, NULL, error))
        return FALSE;
    if (out != NULL)
        *out = parsed;
    return TRUE;
}

gboolean
sc_certno_parse_each(const char *text, sc_profile profile, sc_certno *out,
                     sc_certno_problem_func func, gpointer data)
{
    g_return_val_if_fail(text != NULL && func != NULL, FALSE);
    g_return_val_if_fail(profile_is_valid(profile), FALSE);
    sc_certno parsed;
    if (!check_number(text, SC_CERTNO_LEN, profile, &parsed, func, data, NULL))
        return FALSE;
    if (out != NULL)
        *out = parsed;
    return TRUE;
}

gboolean
sc_certno_split(const char *text, sc_certno *out)
{
    g_return_val_if_fail(text != NULL && out != NULL, FALSE);
    if (!is_shaped(text, SC_CERTNO_LEN))
        return FALSE;
    read_fields(text, SC_CERTNO_LEN, out);
    return TRUE;
}

gboolean
sc_certno_make(const char *prefix, int year, int level, int serial, sc_certno *out)
{
    g_return_val_if_fail(prefix != NULL && out != NULL, FALSE);
    // Positions 14–15 the year's last two digits (004 附件4 二(五)), 16 a level code (表7;
    // 001 附件6 二(七)), 17–22 000001–999999 (二(七)).
    if (!is_shaped(prefix, SC_CERTNO_PREFIX_LEN) || year < 0 || !sc_level_is_code(level) ||
        serial < 1 || serial > SC_CERTNO_SERIAL_MAX)
        return FALSE;
    char text[SC_CERTNO_LEN + 1];
    g_snprintf(text, sizeof text, "%s%02d%d%06d", prefix, year % 100, level, serial);
    read_fields(text, SC_CERTNO_LEN, out);
    return TRUE;
}

void
sc_certno_get_prefix(const sc_certno *number, char out[SC_CERTNO_PREFIX_LEN + 1])
{
    g_return_if_fail(number != NULL && out != NULL);
    g_snprintf(out, SC_CERTNO_PREFIX_LEN + 1, "%c%.4s%.2s%.6s", number->category, number->route,
               number->province, number->site);
}

gboolean
sc_certno_check_agrees(const sc_certno *number, const char *prefix, int year, int level,
                       sc_certno_problem_func func, gpointer data)
{
    g_return_val_if_fail(number != NULL && func != NULL, FALSE);
    gboolean agrees = TRUE;

    // Positions 1–13 are the institution's (SPEC §3).
    char own[SC_CERTNO_PREFIX_LEN + 1];
    sc_certno_get_prefix(number, own);
    if (prefix != NULL && strcmp(own, prefix) != 0) {
        g_autofree char *m = g_strdup_printf(
            _("positions 1–13 are %.13s, but the institution's are %s"), own, prefix);
        func(1, m, data);
        agrees = FALSE;
    }
    // 14–15 the last two digits of the year of issue (004 附件4 二(五)).
    if (year > 0 && number->year != year % 100) {
        g_autofree char *m = g_strdup_printf(_("positions 14–15 say 20%02d, but 发证日期 is %d"),
                                             number->year, year);
        func(14, m, data);
        agrees = FALSE;
    }
    // 16 the level (004 附件4 二(六) 表7).
    if (level != 0 && number->level != level) {
        const char *name = sc_level_name(level);
        g_autofree char *shown = name != NULL ? g_strdup(name) : g_strdup_printf("%d", level);
        g_autofree char *m = g_strdup_printf(_("position 16 is level %d, but 职业技能等级 is %s"),
                                             number->level, shown);
        func(16, m, data);
        agrees = FALSE;
    }
    return agrees;
}

char *
sc_certno_format(const sc_certno *number)
{
    g_return_val_if_fail(number != NULL, NULL);
    g_return_val_if_fail(number->year >= 0 && number->year <= 99, NULL);
    g_return_val_if_fail(number->level >= 0 && number->level <= 9, NULL);
    g_return_val_if_fail(number->serial >= 0 && number->serial <= SC_CERTNO_SERIAL_MAX, NULL);
    return g_strdup_printf("%c%.4s%.2s%.6s%02d%d%06d", number->category, number->route,
                           number->province, number->site, number->year, number->level,
                           number->serial);
}

// --- Explain --------------------------------------------------------------------------------

// The terminal width of UTF-8 S: CJK wide characters count 2, the en dash 1.
static int
display_width(const char *s)
{
    int w = 0;
    for (; *s != '\0'; s = g_utf8_next_char(s)) {
        gunichar ch = g_utf8_get_char(s);
        w += g_unichar_iswide(ch) ? 2 : g_unichar_iszerowidth(ch) ? 0 : 1;
    }
    return w;
}

// Append S padded with spaces to WIDTH columns (at least one space after it).
static void
append_padded(GString *line, const char *s, int width)
{
    int w = display_width(s);
    g_string_append(line, s);
    do
        g_string_append_c(line, ' ');
    while (++w < width);
}

// One line of the explanation: positions, the value, and the meaning last (the Chinese is
// last so the columns stay aligned whatever the terminal does with wide characters).
static void G_GNUC_PRINTF(4, 5)
    explain_line(GString *out, const char *text, const field *f, const char *format, ...)
{
    char where[16], value[8];
    if (f->first == f->last)
        g_snprintf(where, sizeof where, "%d", f->first);
    else
        g_snprintf(where, sizeof where, "%d–%d", f->first, f->last);
    int n = f->last - f->first + 1;
    memcpy(value, text + f->first - 1, n);
    value[n] = '\0';

    append_padded(out, where, 7);
    append_padded(out, value, 8);
    va_list args;
    va_start(args, format);
    g_string_append_vprintf(out, format, args);
    va_end(args);
    g_string_append_c(out, '\n');
}

char *
sc_certno_explain(const char *text, sc_profile profile, GError **error)
{
    g_return_val_if_fail(text != NULL, NULL);
    g_return_val_if_fail(profile_is_valid(profile), NULL);
    sc_certno n;
    if (!sc_certno_parse(text, profile, &n, error))
        return NULL;

    // TEXT is now 22 ASCII characters.
    GString *out = g_string_new(NULL);
    guint nf;
    const field *fields = profile_fields(profile, &nf);
    char v[8];
    for (guint i = 0; i < nf; i++) {
        const field *f = &fields[i];
        int first = f->first - 1;
        int len = f->last - f->first + 1;
        memcpy(v, text + first, len);
        v[len] = '\0';
        switch (f->kind) {
        case F_CATEGORY:
            // 004 附件4 表2; technician schools are category S (001 附件6 二(一)).
            explain_line(out, text, f, "评价机构类别：%s",
                         profile == SC_PROFILE_CHONGQING_TS ? "技工院校"
                         : n.category == 'Y'                ? "用人单位"
                                                            : "社会培训评价组织");
            break;
        case F_ROUTE:
            // 004 附件4 表3.
            if (strcmp(v, "0000") == 0)
                explain_line(out, text, f, "备案途径：省级人社部门备案");
            else
                explain_line(out, text, f, "备案途径：人社部备案，评价机构代码 %s", v);
            break;
        case F_PROVINCE: explain_line(out, text, f, "省份：%s", sc_certno_province_name(v)); break;
        case F_SITE:
            if (profile == SC_PROFILE_CHONGQING_TS) // 001 附件6 二(四): 依次顺序取值赋码
                explain_line(out, text, f, "评价机构序列码：%d", (int)g_ascii_strtoll(v, NULL, 10));
            else // 000 附件3 4
                explain_line(out, text, f, "评价机构（站点）序列码：由省级人社部门赋码");
            break;
        case F_CITY:
            explain_line(out, text, f, "地市：%s", sc_certno_profile_city_name(profile, v));
            break;
        case F_UNIT:
            explain_line(out, text, f, "%s：%s",
                         profile == SC_PROFILE_LIAONING ? "单位类别" : "站点类别",
                         sc_certno_profile_unit_type_name(profile, n.category, v[0]));
            break;
        case F_ORDER:
            explain_line(out, text, f, "%s：%d",
                         profile == SC_PROFILE_LIAONING ? "备案顺序" : "流水序列码",
                         (int)g_ascii_strtoll(v, NULL, 10));
            break;
        case F_YEAR:
            // 004 附件4 二(五): the last two digits of the year; certificates date from 2019.
            explain_line(out, text, f, "发证年份：%d", 2000 + n.year);
            break;
        case F_LEVEL: explain_line(out, text, f, "职业技能等级：%s", sc_level_name(n.level)); break;
        case F_SERIAL: explain_line(out, text, f, "证书序列码：%d", n.serial); break;
        }
    }
    return g_string_free(out, /*free_segment*/ FALSE);
}
