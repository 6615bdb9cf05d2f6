// test-file.c - reading the files users name (file.h): only regular files, never more than the
// limit, a pipe never waited on, the usual errors for a missing file.
#include "file.h"
#include "testfiles.h"
#include "testutil.h"

#include <string.h>

static void
test_regular(void)
{
    char *data = NULL;
    gsize len = 0;
    GError *error = NULL;
    g_assert_true(
        sc_file_read(SC_TEST_DATA("institution/cases.txt"), 1u << 20, NULL, &data, &len, &error));
    g_assert_no_error(error);
    gsize want_len;
    char *want = sc_test_slurp(SC_TEST_DATA("institution/cases.txt"), &want_len);
    g_assert_cmpmem(data, len, want, want_len);
    g_assert_cmpint(data[len], ==, '\0');
    g_free(want);
    g_free(data);
}

// An empty file is read as empty (not refused); one of exactly the limit is read; one byte more
// is refused with the limit named, and the advice appended.
static void
test_limit(void)
{
    char *path = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp("sc-file-XXXXXX", &path, &error);
    g_assert_no_error(error);
    close(fd);

    char *data = NULL;
    gsize len = 99;
    g_assert_true(sc_file_read(path, 1u << 20, NULL, &data, &len, &error));
    g_assert_cmpuint(len, ==, 0);
    g_assert_cmpstr(data, ==, "");
    g_free(data);

    g_assert_cmpint(truncate(path, 1u << 20), ==, 0);
    g_assert_true(sc_file_read(path, 1u << 20, NULL, &data, &len, &error));
    g_assert_cmpuint(len, ==, 1u << 20);
    g_free(data);

    g_assert_cmpint(truncate(path, (1u << 20) + 1), ==, 0);
    g_assert_false(sc_file_read(path, 1u << 20, "make it smaller", &data, &len, &error));
    g_assert_null(data);
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    char *want =
        g_strdup_printf("%s: the file is 2 MB, over the limit of 1 MB; make it smaller", path);
    g_assert_cmpstr(error->message, ==, want);
    g_free(want);
    g_clear_error(&error);
    g_unlink(path);
    g_free(path);
}

// /dev/zero, a folder and a FIFO: refused at once, nothing read.
static void
test_not_regular(void)
{
    sc_test_hostile h;
    sc_test_hostile_init(&h);
    for (guint i = 0; i < G_N_ELEMENTS(h.paths); i++) {
        char *data = NULL;
        gsize len = 0;
        GError *error = NULL;
        g_assert_false(sc_file_read(h.paths[i], 1u << 20, NULL, &data, &len, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_assert_true(g_str_has_prefix(error->message, h.paths[i]));
        g_assert_nonnull(strstr(error->message, "not a regular file"));
        g_assert_null(data);
        g_clear_error(&error);
    }
    sc_test_hostile_free(&h);
}

// A link to a regular file is read through; a link to /dev/zero is refused.
static void
test_links(void)
{
    GError *error = NULL;
    char *dir = g_dir_make_tmp("sc-file-XXXXXX", &error);
    char *target = g_build_filename(dir, "target", NULL);
    char *good = g_build_filename(dir, "good", NULL);
    char *bad = g_build_filename(dir, "bad", NULL);
    g_assert_true(g_file_set_contents(target, "abc", 3, &error));
    g_assert_cmpint(symlink("target", good), ==, 0);
    g_assert_cmpint(symlink("/dev/zero", bad), ==, 0);
    char *data = NULL;
    gsize len = 0;
    g_assert_true(sc_file_read(good, 10, NULL, &data, &len, &error));
    g_assert_cmpstr(data, ==, "abc");
    g_free(data);
    g_assert_false(sc_file_read(bad, 10, NULL, &data, &len, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    sc_test_remove_tree(dir);
    g_free(bad);
    g_free(good);
    g_free(target);
    g_free(dir);
}

static void
test_missing(void)
{
    char *data = NULL;
    gsize len = 0;
    GError *error = NULL;
    g_assert_false(sc_file_read("tests/data/no-such-file", 10, NULL, &data, &len, &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull(strstr(error->message, "tests/data/no-such-file"));
    g_clear_error(&error);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/file/regular", test_regular);
    g_test_add_func("/file/limit", test_limit);
    g_test_add_func("/file/not-regular", test_not_regular);
    g_test_add_func("/file/links", test_links);
    g_test_add_func("/file/missing", test_missing);
    return g_test_run();
}
