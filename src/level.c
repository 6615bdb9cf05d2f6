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

// TEXT with full-width digits (U+FF10–U+FF19) made ASCII, the full-width solidus U+FF0F made
// '/', and the spaces around the whole and around the slash removed: " 四级 ／ 中级工 " →
// "四级/中级工".  NULL if TEXT is not UTF-8.  Caller frees with g_free().
static char *
normalize_level_text(const char *text)
{
    if (!g_utf8_validate(text, -1, NULL))
        return NULL;

    GString *mapped = g_string_new(NULL);
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c >= 0xFF10 && c <= 0xFF19)
            c = '0' + (c - 0xFF10);
        else if (c == 0xFF0F)
            c = '/';
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

int
sc_level_parse(const char *text, GError **error)
{
    g_return_val_if_fail(text != NULL, 0);

    char *norm = normalize_level_text(text);
    int code = 0;
    if (norm != NULL) {
        // Exact matches only: "技师" (2) is a suffix of "高级技师" (1) and "高级工" (3).
        for (guint i = 0; i < G_N_ELEMENTS(level_table) && code == 0; i++) {
            char digit[2] = {(char)('0' + level_table[i].code), '\0'};
            if (strcmp(norm, level_table[i].name) == 0 || strcmp(norm, level_table[i].title) == 0 ||
                strcmp(norm, digit) == 0 ||
                (level_table[i].grade != NULL && strcmp(norm, level_table[i].grade) == 0))
                code = level_table[i].code;
        }
    }

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
