// testutil.h - shared helpers for the unit tests (GTest).
#ifndef SC_TESTUTIL_H
#define SC_TESTUTIL_H

#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>

// The source tree's top, for tests/data paths: tests run from there (tests/run.sh).
#define SC_TEST_DATA(name) ("tests/data/" name)

// Start a unit-test program: GTest, and the user's locale so a decimal-comma locale reaches
// every number we format or parse.
static inline void
sc_test_init(int *argc, char ***argv)
{
    setlocale(LC_ALL, "");
    g_test_init(argc, argv, NULL);
}

// The contents of PATH, which must be readable; *LEN set.  Caller frees with g_free().
static inline char *
sc_test_slurp(const char *path, gsize *len)
{
    char *data = NULL;
    GError *error = NULL;
    g_assert_true(g_file_get_contents(path, &data, len, &error));
    g_assert_no_error(error);
    return data;
}

// A cairo write function appending to the GByteArray CLOSURE
// (cairo_pdf_surface_create_for_stream()).
static inline cairo_status_t
sc_test_append(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

// Remove PATH and everything below it, without following links (a test's scratch folder).
static inline void
sc_test_remove_tree(const char *path)
{
    if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *name;
        while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
            char *child = g_build_filename(path, name, NULL);
            sc_test_remove_tree(child);
            g_free(child);
        }
        if (d != NULL)
            g_dir_close(d);
        g_rmdir(path);
    } else {
        g_unlink(path);
    }
}

#endif
