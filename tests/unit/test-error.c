// test-error.c - the SC_ERROR table, exit statuses and the problem collector.
#include "error.h"
#include "testutil.h"

static void
test_table_complete(void)
{
    // Every code has a name and the name spells the code's group: a new code added without its
    // table entry shows up here as NULL.
    for (int c = SC_ERROR_INPUT; c <= SC_ERROR_CANCELLED; c++) {
        const char *name = sc_error_code_name(c);
        g_assert_nonnull(name);
        g_assert_true(g_str_has_prefix(name, "SC_ERROR_"));
    }
    g_assert_null(sc_error_code_name(SC_ERROR_CANCELLED + 1));
}

static void
test_exit_status(void)
{
    struct {
        GQuark domain;
        int code;
        int status;
    } cases[] = {
        {SC_ERROR, SC_ERROR_INPUT, 1},
        {SC_ERROR, SC_ERROR_GLYPH, 1},
        {SC_ERROR, SC_ERROR_FIT, 1},
        {SC_ERROR, SC_ERROR_PHOTO, 1},
        {SC_ERROR, SC_ERROR_DUPLICATE, 1},
        {SC_ERROR, SC_ERROR_EXHAUSTED, 1},
        {SC_ERROR, SC_ERROR_USAGE, 2},
        {SC_ERROR, SC_ERROR_FONT, 3},
        {SC_ERROR, SC_ERROR_IO, 3},
        {SC_ERROR, SC_ERROR_REGISTER, 3},
        {SC_ERROR, SC_ERROR_RENDER, 3},
        {SC_ERROR, SC_ERROR_CANCELLED, 130},
        {G_FILE_ERROR, G_FILE_ERROR_NOENT, 3},
        {G_CONVERT_ERROR, G_CONVERT_ERROR_ILLEGAL_SEQUENCE, 1},
        {G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, 1},
        {G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, 2},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *e = g_error_new_literal(cases[i].domain, cases[i].code, "x");
        g_assert_cmpint(sc_error_exit_status(e), ==, cases[i].status);
        g_error_free(e);
    }
    g_assert_cmpint(sc_error_exit_status(NULL), ==, 0);
}

static void
test_problems(void)
{
    g_autoptr(sc_problems) p = sc_problems_new();
    GError *error = NULL;

    g_assert_true(sc_problems_to_error(p, SC_ERROR_INPUT, &error));
    g_assert_no_error(error);

    sc_problems_add(p, "records.csv", 7, "证件号码", "check digit is %d, expected X", 7);
    sc_problems_add(p, "records.csv", 0, NULL, "no 姓名 column");
    sc_problems_add(p, NULL, 3, "照片", "not found");
    g_assert_cmpuint(sc_problems_count(p), ==, 3);
    g_assert_cmpstr(sc_problems_get(p, 0), ==,
                    "records.csv:7: 证件号码: check digit is 7, expected X");
    g_assert_cmpstr(sc_problems_get(p, 1), ==, "records.csv: no 姓名 column");
    g_assert_cmpstr(sc_problems_get(p, 2), ==, ":3: 照片: not found");
    g_assert_true(sc_problems_has_row(p, 7));
    g_assert_false(sc_problems_has_row(p, 8));

    // Sorted by row, file-wide first, each row's problems in the order found.
    sc_problems_add(p, "records.csv", 3, "姓名", "second on row 3");
    sc_problems_sort(p);
    g_assert_cmpstr(sc_problems_get(p, 0), ==, "records.csv: no 姓名 column");
    g_assert_cmpstr(sc_problems_get(p, 1), ==, ":3: 照片: not found");
    g_assert_cmpstr(sc_problems_get(p, 2), ==, "records.csv:3: 姓名: second on row 3");
    g_assert_cmpstr(sc_problems_get(p, 3), ==,
                    "records.csv:7: 证件号码: check digit is 7, expected X");
    g_assert_true(sc_problems_has_row(p, 7));

    // Keeping one row: its problems and the file's, in order.
    g_autoptr(sc_problems) q = sc_problems_new();
    sc_problems_add(q, "r.csv", 2, "姓名", "a");
    sc_problems_add(q, "r.csv", 0, NULL, "file-wide");
    sc_problems_add(q, "r.csv", 3, "姓名", "b");
    sc_problems_add(q, "r.csv", 2, "照片", "c");
    sc_problems_keep_row(q, 2);
    g_assert_cmpuint(sc_problems_count(q), ==, 3);
    g_assert_cmpstr(sc_problems_get(q, 0), ==, "r.csv:2: 姓名: a");
    g_assert_cmpstr(sc_problems_get(q, 1), ==, "r.csv: file-wide");
    g_assert_cmpstr(sc_problems_get(q, 2), ==, "r.csv:2: 照片: c");
    g_assert_false(sc_problems_has_row(q, 3));

    g_assert_false(sc_problems_to_error(p, SC_ERROR_INPUT, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_true(g_str_has_suffix(error->message, "\n4 problems found"));
    g_clear_error(&error);
}

// A problem names the person as well as the row; without one the line is as before.
static void
test_who(void)
{
    g_autoptr(sc_problems) p = sc_problems_new();
    sc_problems_add_who(p, "records.csv", 31, "刘洋", "证件号码", "check digit is 7, expected X");
    sc_problems_add_who(p, "records.csv", 32, "", "证件号码", "m");
    sc_problems_add_who(p, "records.csv", 33, "阿依古丽·买买提·艾尔肯江·阿不都热依木·托合提", NULL,
                        "m"); // 24 characters: cut to 19 and "…"
    g_assert_cmpstr(sc_problems_get(p, 0), ==,
                    "records.csv:31 (刘洋): 证件号码: check digit is 7, expected X");
    g_assert_cmpstr(sc_problems_get(p, 1), ==, "records.csv:32: 证件号码: m");
    g_assert_cmpstr(sc_problems_get(p, 2), ==,
                    "records.csv:33 (阿依古丽·买买提·艾尔肯江·阿不都热依…): m");
    g_autoptr(sc_problems) q = sc_problems_new();
    sc_problems_merge(q, p);
    g_assert_cmpstr(sc_problems_item(q, 0)->who, ==, "刘洋");
}

// No cell drives the terminal: control and format characters are shown by their code.
static void
test_escape(void)
{
    g_autofree char *a = sc_problems_escape("\x1b[2J张\u202E伟\u200B\t\x7f");
    g_assert_cmpstr(a, ==, "\\x1b[2J张<U+202E>伟<U+200B>\\x09\\x7f");
    g_autofree char *b = sc_problems_escape("\xff张");
    g_assert_true(g_utf8_validate(b, -1, NULL));
    g_autoptr(sc_problems) p = sc_problems_new();
    sc_problems_add_who(p, "r.csv", 2, "\x1b]0;x\x07", "备\x1b注", "'\x1b[31m' is bad");
    g_assert_cmpstr(sc_problems_get(p, 0), ==,
                    "r.csv:2 (\\x1b]0;x\\x07): 备\\x1b注: '\\x1b[31m' is bad");
}

// The same problem on many rows is read once, with its rows and their count; a problem on
// fewer rows than SC_PROBLEMS_COMPACT_MIN, and problems of the file as a whole, stay as they are.
static void
test_compact(void)
{
    g_autoptr(sc_problems) p = sc_problems_new();
    sc_problems_add(p, "r.csv", 0, "姓名", "required column is missing");
    for (guint row = 2; row <= 10001; row++) {
        g_autofree char *who = g_strdup_printf("人%u", row);
        sc_problems_add_who(p, "r.csv", row, who, "评价机构名称", "there is none");
        if (row == 7 || row == 9)
            sc_problems_add_who(p, "r.csv", row, who, "证件号码", "check digit");
    }
    for (guint row = 3; row <= 30; row += row < 6 ? 1 : 10)
        sc_problems_add(p, "r.csv", row, "照片", "missing");
    sc_problems_sort(p);
    sc_problems_compact(p);
    g_assert_cmpuint(sc_problems_count(p), ==, 5);
    g_assert_cmpstr(sc_problems_get(p, 0), ==, "r.csv: 姓名: required column is missing");
    g_assert_cmpstr(sc_problems_get(p, 1), ==,
                    "r.csv: rows 2–10001 (10000 rows): 评价机构名称: there is none");
    g_assert_cmpuint(sc_problems_item(p, 1)->n_rows, ==, 10000);
    g_assert_cmpstr(sc_problems_get(p, 2), ==, "r.csv: rows 3–6, 16, 26 (6 rows): 照片: missing");
    g_assert_cmpstr(sc_problems_get(p, 3), ==, "r.csv:7 (人7): 证件号码: check digit");
    g_assert_cmpstr(sc_problems_get(p, 4), ==, "r.csv:9 (人9): 证件号码: check digit");
    sc_problems_compact(p); // again: nothing changes
    g_assert_cmpuint(sc_problems_count(p), ==, 5);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/error/table-complete", test_table_complete);
    g_test_add_func("/error/exit-status", test_exit_status);
    g_test_add_func("/error/problems", test_problems);
    g_test_add_func("/error/who", test_who);
    g_test_add_func("/error/escape", test_escape);
    g_test_add_func("/error/compact", test_compact);
    return g_test_run();
}
