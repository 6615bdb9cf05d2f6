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

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/error/table-complete", test_table_complete);
    g_test_add_func("/error/exit-status", test_exit_status);
    g_test_add_func("/error/problems", test_problems);
    return g_test_run();
}
