// test-idcard.c - 居民身份证 numbers: the cases of tests/data/idcard.txt, the check character,
// and the birth-date boundary of today.
#include "idcard.h"
#include "testutil.h"

#include <string.h>

// Every case of tests/data/idcard.txt (its header explains the format).
static void
test_table(void)
{
    char *text = NULL;
    GError *error = NULL;
    g_assert_true(g_file_get_contents(SC_TEST_DATA("idcard.txt"), &text, NULL, &error));
    g_assert_no_error(error);

    char **blocks = g_regex_split_simple("\\n\\s*\\n", text, 0, 0);
    guint cases = 0;
    for (char **b = blocks; *b != NULL; b++) {
        const char *in = NULL, *out = NULL, *want_error = NULL;
        char **lines = g_strsplit(*b, "\n", -1);
        for (char **l = lines; *l != NULL; l++) {
            if (g_str_has_prefix(*l, "in: "))
                in = *l + 4;
            else if (g_str_has_prefix(*l, "out: "))
                out = *l + 5;
            else if (g_str_has_prefix(*l, "error: "))
                want_error = *l + 7;
            else if (**l != '#' && **l != '\0')
                g_error("idcard.txt: unexpected line '%s'", *l);
        }
        if (in == NULL) {
            g_strfreev(lines);
            continue;
        }
        g_assert_true((out == NULL) != (want_error == NULL));
        cases++;

        char *got = sc_idcard_normalize(in, &error);
        if (out != NULL) {
            if (error != NULL)
                g_error("'%s': unexpected error '%s'", in, error->message);
            g_assert_cmpstr(got, ==, out);
        } else {
            if (got != NULL)
                g_error("'%s': accepted as '%s', expected '%s'", in, got, want_error);
            g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
            g_assert_cmpstr(error->message, ==, want_error);
            g_clear_error(&error);
        }
        g_free(got);
        g_strfreev(lines);
    }
    g_assert_cmpuint(cases, >=, 25);
    g_strfreev(blocks);
    g_free(text);
}

// The check character against the standard's example and against the remainder table
// "10X98765432" (GB 11643 §8.2): with 16 zeros and a last digit d (weight 2), the sum is 2d.
static void
test_check_char(void)
{
    g_assert_cmpint(sc_idcard_check_char("11010519491231002"), ==, 'X');
    g_assert_cmpint(sc_idcard_check_char("44030819990101001"), ==, '2');
    // Sums 0, 2, …, 18 are remainders 0, 2, 4, 6, 8, 10, 1, 3, 5, 7.
    const char want[] = {'1', 'X', '8', '6', '4', '2', '0', '9', '7', '5'};
    for (int d = 0; d <= 9; d++) {
        char digits[18] = "0000000000000000";
        digits[16] = (char)('0' + d);
        digits[17] = '\0';
        g_assert_cmpint(sc_idcard_check_char(digits), ==, want[d]);
    }
}

// A number for the birth date YMD ("20240101") with its proper check character.  Caller frees
// with g_free().
static char *
number_born(const char *ymd)
{
    char digits[18];
    memcpy(digits, "110105", 6);
    memcpy(digits + 6, ymd, 8);
    memcpy(digits + 14, "001", 3);
    digits[17] = '\0';
    return g_strdup_printf("%s%c", digits, sc_idcard_check_char(digits));
}

// Born today is accepted; born tomorrow is refused (SPEC §4: not in the future).
static void
test_today_tomorrow(void)
{
    GDateTime *now = g_date_time_new_now_local();
    GDateTime *tomorrow = g_date_time_add_days(now, 1);
    char *today_ymd = g_date_time_format(now, "%Y%m%d");
    char *tomorrow_ymd = g_date_time_format(tomorrow, "%Y%m%d");
    GError *error = NULL;

    char *today_number = number_born(today_ymd);
    char *got = sc_idcard_normalize(today_number, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(got, ==, today_number);
    g_free(got);

    char *tomorrow_number = number_born(tomorrow_ymd);
    g_assert_null(sc_idcard_normalize(tomorrow_number, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    char *want = g_strdup_printf("birth date %s is in the future", tomorrow_ymd);
    g_assert_cmpstr(error->message, ==, want);
    g_clear_error(&error);

    g_free(want);
    g_free(tomorrow_number);
    g_free(today_number);
    g_free(tomorrow_ymd);
    g_free(today_ymd);
    g_date_time_unref(tomorrow);
    g_date_time_unref(now);
}

// Text that is not UTF-8 is an input error, not a crash.
static void
test_not_utf8(void)
{
    GError *error = NULL;
    g_assert_null(sc_idcard_normalize("11010519491231\xff\xfe\x58", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/idcard/table", test_table);
    g_test_add_func("/idcard/check-char", test_check_char);
    g_test_add_func("/idcard/today-tomorrow", test_today_tomorrow);
    g_test_add_func("/idcard/not-utf8", test_not_utf8);
    return g_test_run();
}
