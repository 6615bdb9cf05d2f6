// test-level.c - level names ↔ codes (SPEC §3 position 16, §4; seeds/004 表7, seeds/001 附件6).
#include "level.h"
#include "testutil.h"

#include <string.h>

// Every accepted form of every level gives its code (SPEC §4: "accept 四级/中级工, 四级, 中级工,
// 4"), also with full-width digits and slash and surrounding spaces.
static void
test_accepted_forms(void)
{
    static const struct {
        const char *text;
        int code;
    } cases[] = {
        {"一级/高级技师", 1},
        {"一级", 1},
        {"高级技师", 1},
        {"1", 1},
        {"１", 1},
        {"二级/技师", 2},
        {"二级", 2},
        {"技师", 2},
        {"2", 2},
        {"２", 2},
        {"三级/高级工", 3},
        {"三级", 3},
        {"高级工", 3},
        {"3", 3},
        {"３", 3},
        {"四级/中级工", 4},
        {"四级", 4},
        {"中级工", 4},
        {"4", 4},
        {"４", 4},
        {"五级/初级工", 5},
        {"五级", 5},
        {"初级工", 5},
        {"5", 5},
        {"５", 5},
        {"预备技师", 9},
        {"9", 9},
        {"９", 9},
        // Full-width slash, spaces around the whole (ASCII, tab, U+3000) and around the slash.
        {"四级／中级工", 4},
        {" 四级/中级工 ", 4},
        {"\t4\n", 4},
        {"　中级工　", 4},
        {"四级 / 中级工", 4},
        {"一级　／　高级技师", 1},
        {" ２ ", 2},
        // As the official summary table writes them (issue 10): a half in parentheses after the
        // other, either order, full-width or ASCII parentheses; "4级"; Roman numerals with 级.
        {"三级（高级工）", 3},
        {"高级工（三级）", 3},
        {"三级(高级工)", 3},
        {"高级工(三级)", 3},
        {"一级（高级技师）", 1},
        {"技师（二级）", 2},
        {"五级 ( 初级工 )", 5},
        {"4级", 4},
        {"４级", 4},
        {"1级", 1},
        {"Ⅳ级", 4},
        {"Ⅰ级", 1},
        {"Ⅴ级", 5},
        {"IV级", 4},
        {"III级", 3},
        {"ＩＶ级", 4},
        {"四级（4级）", 4},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        int code = sc_level_parse(cases[i].text, &error);
        if (error != NULL)
            g_error("'%s': %s", cases[i].text, error->message);
        if (code != cases[i].code)
            g_error("'%s': code %d, expected %d", cases[i].text, code, cases[i].code);
    }
}

// Exact matching only: "技师" is a suffix of "高级技师" and of "预备技师", "高级" a prefix of
// two names; mixed halves, unknown levels, 0, 6 and other text are refused with a message that
// lists what is accepted.
static void
test_refused(void)
{
    static const char *const cases[] = {
        "",
        " ",
        "高级",
        "级",
        "工",
        "技",
        "六级",
        "0",
        "6",
        "8",
        "10",
        "44",
        "四",
        "四级/",
        "/中级工",
        "四级/高级工",
        "中级工/四级",
        "四级//中级工",
        "四级中级工",
        "高级技师 技师",
        "技师学院",
        "Level 4",
        "IV",
        "4 级",
        "VI级",
        "Ⅵ级",
        "三级（中级工）",
        "高级工（四级）",
        "三级（高级工",
        "三级（高级工）（三级）",
        "（高级工）",
        "中 级 工",
        "\xff\xfe",
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        int code = sc_level_parse(cases[i], &error);
        if (code != 0)
            g_error("'%s' accepted as %d", cases[i], code);
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_assert_nonnull(strstr(error->message, "四级/中级工"));
        g_assert_nonnull(strstr(error->message, "预备技师"));
        g_assert_true(g_utf8_validate(error->message, -1, NULL));
        g_clear_error(&error);
    }
}

// The message quotes what was given.
static void
test_message(void)
{
    GError *error = NULL;
    g_assert_cmpint(sc_level_parse("六级", &error), ==, 0);
    g_assert_cmpstr(error->message, ==,
                    "'六级' is not a level; write one of 一级/高级技师, 二级/技师, 三级/高级工, "
                    "四级/中级工, 五级/初级工 (or one half, such as 四级 or 中级工, or the digit "
                    "1–5), or 预备技师 (9)");
    g_clear_error(&error);
}

// Canonical names (seeds/004 表7, seeds/001 附件6 (七)), and every name parses back to its code.
static void
test_names(void)
{
    g_assert_cmpstr(sc_level_name(1), ==, "一级/高级技师");
    g_assert_cmpstr(sc_level_name(2), ==, "二级/技师");
    g_assert_cmpstr(sc_level_name(3), ==, "三级/高级工");
    g_assert_cmpstr(sc_level_name(4), ==, "四级/中级工");
    g_assert_cmpstr(sc_level_name(5), ==, "五级/初级工");
    g_assert_cmpstr(sc_level_name(SC_LEVEL_PREP), ==, "预备技师");
    g_assert_cmpint(SC_LEVEL_PREP, ==, 9);
    for (int code = -1; code <= 12; code++) {
        const char *name = sc_level_name(code);
        if ((code >= 1 && code <= 5) || code == 9)
            g_assert_cmpint(sc_level_parse(name, NULL), ==, code);
        else
            g_assert_null(name);
    }
}

// The codes of position 16: 1–5 (seeds/004 表7) and 9 预备技师 (seeds/001 附件6 二(七)); the
// digits between are not levels.
static void
test_is_code(void)
{
    static const struct {
        int code;
        gboolean want;
    } cases[] = {{0, FALSE}, {1, TRUE}, {5, TRUE},   {6, FALSE},
                 {8, FALSE}, {9, TRUE}, {10, FALSE}, {-1, FALSE}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpint(sc_level_is_code(cases[i].code), ==, cases[i].want);
    g_assert_true(sc_level_is_code(SC_LEVEL_PREP));
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/level/accepted-forms", test_accepted_forms);
    g_test_add_func("/level/refused", test_refused);
    g_test_add_func("/level/message", test_message);
    g_test_add_func("/level/names", test_names);
    g_test_add_func("/level/is-code", test_is_code);
    return g_test_run();
}
