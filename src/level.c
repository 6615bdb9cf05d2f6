// level.c - 职业技能等级 names and codes (SPEC §3 position 16, §4; seeds/004 表7, seeds/001 附件6).
#include "level.h"

#include "i18n.h"

#include <string.h>

// The levels and the two halves of their canonical names (seeds/004 表7 "一级/高级技师 1" …
// "五级/初级工 5"; seeds/001 附件6 (七) "9表示预备技师", which has a single name).
static const struct {
    int code;
    const char *name;  // canonical printed form
    const char *grade; // 一级 … 五级, or NULL
    const char *title; // 高级技师 … 初级工, 预备技师
} level_table[] = {
    {1, "一级/高级技师", "一级", "高级技师"}, {2, "二级/技师", "二级", "技师"},
    {3, "三级/高级工", "三级", "高级工"},     {4, "四级/中级工", "四级", "中级工"},
    {5, "五级/初级工", "五级", "初级工"},     {SC_LEVEL_PREP, "预备技师", NULL, "预备技师"},
};

// Whether C is a space that may surround the level: ASCII whitespace or the ideographic
// space U+3000.
static gboolean
is_level_space(gunichar c)
{
    return c == 0x3000 || (c < 0x80 && g_ascii_isspace((char)c));
}

// Append the text between S and END to OUT without its surrounding spaces.
static void
append_trimmed(GString *out, const char *s, const char *end)
{
    while (s < end && is_level_space(g_utf8_get_char(s)))
        s = g_utf8_next_char(s);
    while (end > s && is_level_space(g_utf8_get_char(g_utf8_prev_char(end))))
        end = g_utf8_prev_char(end);
    g_string_append_len(out, s, end - s);
}

// TEXT with full-width digits (U+FF10–U+FF19) and Latin capitals made ASCII, the full-width
// solidus U+FF0F made '/', full-width parentheses made ASCII, Roman numerals Ⅰ–Ⅴ (U+2160–U+2164)
// made I–V, and the spaces around the whole and around the slash removed: " 四级 ／ 中级工 " →
// "四级/中级工".  NULL if TEXT is not UTF-8.  Caller frees with g_free().
static char *
normalize_level_text(const char *text)
{
    if (!g_utf8_validate(text, -1, NULL))
        return NULL;

    static const char *const roman[] = {"I", "II", "III", "IV", "V"};
    GString *mapped = g_string_new(NULL);
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c >= 0xFF10 && c <= 0xFF19)
            c = '0' + (c - 0xFF10);
        else if (c >= 0xFF21 && c <= 0xFF3A)
            c = 'A' + (c - 0xFF21);
        else if (c == 0xFF0F)
            c = '/';
        else if (c == 0xFF08 || c == 0xFF09)
            c = c == 0xFF08 ? '(' : ')';
        if (c >= 0x2160 && c <= 0x2164)
            g_string_append(mapped, roman[c - 0x2160]);
        else
            g_string_append_unichar(mapped, c);
    }

    GString *out = g_string_new(NULL);
    const char *end = mapped->str + mapped->len;
    const char *slash = strchr(mapped->str, '/');
    if (slash != NULL) {
        append_trimmed(out, mapped->str, slash);
        g_string_append_c(out, '/');
        append_trimmed(out, slash + 1, end);
    } else {
        append_trimmed(out, mapped->str, end);
    }
    g_string_free(mapped, TRUE);
    return g_string_free(out, FALSE);
}

// The code of one half of a level, written alone: 四级, 中级工, 4, 4级, IV级 (Roman numerals as
// the official summary tables write them), 预备技师; 0 if it is none.  Exact matches only:
// "技师" (2) is a suffix of "高级技师" (1) and "高级工" (3).
static int
half_code(const char *s, gsize len)
{
    static const char *const roman[] = {"I", "II", "III", "IV", "V"};
    GString *t = g_string_new(NULL);
    append_trimmed(t, s, s + len); // spaces inside parentheses: "五级 ( 初级工 )"
    g_autofree char *trimmed = g_string_free(t, FALSE);
    s = trimmed;
    len = strlen(trimmed);
    for (guint i = 0; i < G_N_ELEMENTS(level_table); i++) {
        int code = level_table[i].code;
        const char *grade = level_table[i].grade, *title = level_table[i].title;
        char digit[2] = {(char)('0' + code), '\0'};
        g_autofree char *digit_ji = g_strconcat(digit, "级", NULL);
        g_autofree char *roman_ji =
            code <= 5 ? g_strconcat(roman[code - 1], "级", NULL) : g_strdup(digit);
        const char *const forms[] = {title, digit, digit_ji, roman_ji, grade};
        for (guint f = 0; f < G_N_ELEMENTS(forms); f++)
            if (forms[f] != NULL && strlen(forms[f]) == len && memcmp(forms[f], s, len) == 0)
                return code;
    }
    return 0;
}

// Whether S (LEN bytes) is a title half: 高级技师 … 初级工.
static gboolean
is_title(const char *s, gsize len)
{
    for (guint i = 0; i < G_N_ELEMENTS(level_table); i++)
        if (strlen(level_table[i].title) == len && memcmp(level_table[i].title, s, len) == 0)
            return TRUE;
    return FALSE;
}

// The code of normalised level text NORM: one half alone, two halves of the same level
// joined by '/' ("四级/中级工"), or one in parentheses after the other as the official summary
// table writes them ("三级(高级工)", "高级工(三级)"); 0 if none.
static int
level_code_of(const char *norm)
{
    gsize len = strlen(norm);
    int code = half_code(norm, len);
    if (code != 0)
        return code;
    const char *slash = strchr(norm, '/');
    const char *open = strchr(norm, '(');
    const char *second = NULL;
    gsize first_len = 0, second_len = 0;
    if (slash != NULL) {
        first_len = slash - norm;
        second = slash + 1;
        second_len = len - first_len - 1;
    } else if (open != NULL && len > 0 && norm[len - 1] == ')') {
        first_len = open - norm;
        second = open + 1;
        second_len = len - first_len - 2;
    } else {
        return 0;
    }
    code = half_code(norm, first_len);
    if (code == 0 || half_code(second, second_len) != code)
        return 0;
    // With a slash, the order of the canonical name: grade first, title second.
    if (slash != NULL && (is_title(norm, first_len) || !is_title(second, second_len)))
        return 0;
    return code;
}

int
sc_level_parse(const char *text, GError **error)
{
    g_return_val_if_fail(text != NULL, 0);

    char *norm = normalize_level_text(text);
    int code = norm != NULL ? level_code_of(norm) : 0;
    if (code == 0) {
        char *what = norm == NULL    ? g_strdup(_("the text (not UTF-8) is not a level"))
                     : *norm == '\0' ? g_strdup(_("the level is empty"))
                                     : g_strdup_printf(_("'%s' is not a level"), text);
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s; write one of 一级/高级技师, 二级/技师, 三级/高级工, 四级/中级工, "
                      "五级/初级工 (or one half, such as 四级 or 中级工, or the digit 1–5), or "
                      "预备技师 (9)"),
                    what);
        g_free(what);
    }
    g_free(norm);
    return code;
}

// The index of CODE in level_table, or -1.
static int
level_index(int code)
{
    for (guint i = 0; i < G_N_ELEMENTS(level_table); i++)
        if (level_table[i].code == code)
            return (int)i;
    return -1;
}

gboolean
sc_level_is_code(int code)
{
    return level_index(code) >= 0;
}

const char *
sc_level_name(int code)
{
    int i = level_index(code);
    return i >= 0 ? level_table[i].name : NULL;
}
