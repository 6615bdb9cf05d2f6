// test-numbering.c - the number source plug point: numbers as given (the register's source is
// tested in test-registry.c).
#include "numbering.h"
#include "testutil.h"

#include <string.h>

#define PREFIX "S000044011001" // Guangdong, 广州, 企业, order 001 (seeds/004 二(四))

static sc_number_item
item(guint row, const char *id, int level, const char *number)
{
    sc_number_item it = {.row = row,
                         .name = "张伟",
                         .id_type = "居民身份证",
                         .id_number = id,
                         .occupation = "电工",
                         .work_type = "——",
                         .level = level,
                         .issue_date = "2026-11-20",
                         .number = number};
    return it;
}

static void
clear(sc_number_item *items, guint n)
{
    for (guint i = 0; i < n; i++) {
        g_clear_pointer(&items[i].assigned, g_free);
        g_clear_pointer(&items[i].assigned_date, g_free);
    }
}

static void
test_given(void)
{
    sc_number_source *s = sc_number_source_given_new();
    g_autoptr(sc_problems) problems = sc_problems_new();
    GError *error = NULL;
    sc_number_item items[] = {item(2, "A", 4, PREFIX "264000007"),
                              item(3, "B", 4, PREFIX "264000009")};
    g_assert_true(s->assign(s, items, 2, FALSE, problems, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(items[0].assigned, ==, PREFIX "264000007");
    g_assert_cmpstr(items[1].assigned, ==, PREFIX "264000009");
    // The date is the record's, and a given number is the certificate's first issue.
    for (guint i = 0; i < 2; i++) {
        g_assert_cmpstr(items[i].assigned_date, ==, "2026-11-20");
        g_assert_cmpint(items[i].status, ==, SC_NUMBER_NEW);
    }
    // No finish step: finishing keeps (nothing to keep).
    g_assert_true(sc_number_source_finish(s, /*keep*/ TRUE, &error));
    g_assert_no_error(error);
    clear(items, 2);

    // A record without a number and no register to number it: refused as a usage error of the
    // command (no record's problem), nothing assigned.
    items[1].number = NULL;
    g_assert_false(s->assign(s, items, 2, FALSE, problems, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_assert_nonnull(strstr(error->message, "-i INSTITUTION"));
    g_assert_null(items[0].assigned);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    g_clear_error(&error);
    sc_number_source_free(s);
    sc_number_source_free(NULL); // a no-op
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/numbering/given", test_given);
    return g_test_run();
}
