// test-numbering.c - the number source plug point: the register, and numbers as given.
#include "numbering.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <string.h>

#define PREFIX "S000044011001" // Guangdong, 广州, 企业, order 001 (seeds/004 二(四))

static sc_issue
item(const char *id, int level, const char *number)
{
    sc_issue it = {.name = "张伟", .id_type = "居民身份证", .id_number = id, .occupation = "电工",
                   .work_type = "——", .level = level, .issue_date = "2026-11-20",
                   .number = number};
    return it;
}

static void
clear(sc_issue *items, guint n)
{
    for (guint i = 0; i < n; i++)
        g_clear_pointer(&items[i].assigned, g_free);
}

static void
test_given(void)
{
    sc_number_source *s = sc_number_source_given_new();
    GError *error = NULL;
    sc_issue items[] = {item("A", 4, PREFIX "264000007"), item("B", 4, PREFIX "264000009")};
    g_assert_true(s->assign(s, items, 2, FALSE, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(items[1].assigned, ==, PREFIX "264000009");
    clear(items, 2);

    // A record without a number and no register to number it: refused, nothing assigned.
    items[1].number = NULL;
    g_assert_false(s->assign(s, items, 2, FALSE, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_assert_nonnull(strstr(error->message, "-i INSTITUTION"));
    g_assert_null(items[0].assigned);
    g_clear_error(&error);
    sc_number_source_free(s);
}

static void
test_register(void)
{
    g_autofree char *dir = g_dir_make_tmp("sc-numbering-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "reg.db", NULL);
    GError *error = NULL;
    sc_number_source *s = sc_number_source_register_new(path, PREFIX, "batch 1", &error);
    g_assert_no_error(error);

    // A dry run (preview) shows the numbers and keeps nothing; the real run gets the same.
    sc_issue items[] = {item("A", 4, NULL), item("B", 4, NULL), item("C", 5, NULL)};
    g_assert_true(s->assign(s, items, 3, TRUE, &error));
    g_assert_cmpstr(items[1].assigned, ==, PREFIX "264000002");
    clear(items, 3);
    g_assert_true(s->assign(s, items, 3, FALSE, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(items[0].assigned, ==, PREFIX "264000001");
    g_assert_cmpstr(items[1].assigned, ==, PREFIX "264000002");
    g_assert_cmpstr(items[2].assigned, ==, PREFIX "265000001");
    clear(items, 3);
    sc_number_source_free(s);

    g_assert_null(sc_number_source_register_new("/nonexistent/dir/reg.db", PREFIX, "b", &error));
    g_assert_nonnull(error);
    g_assert_cmpint(sc_error_exit_status(error), ==, 3);
    g_clear_error(&error);

    g_autofree char *wal = g_strconcat(path, "-wal", NULL);
    g_autofree char *shm = g_strconcat(path, "-shm", NULL);
    g_unlink(wal);
    g_unlink(shm);
    g_unlink(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/numbering/given", test_given);
    g_test_add_func("/numbering/register", test_register);
    return g_test_run();
}
