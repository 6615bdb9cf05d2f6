// testfiles.h - hostile "files" for the unit tests of every loader: what a user may name where a
// file is expected (a device that never ends, a folder, a pipe nobody writes to).
#ifndef SC_TESTFILES_H
#define SC_TESTFILES_H

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

// Paths that are not regular files, in a scratch folder made for them: /dev/zero, the folder
// itself, and a FIFO in it.  A loader must refuse each at once: the test arms an alarm so that
// one that blocks on the FIFO or reads /dev/zero for ever fails instead of hanging.  Free with
// sc_test_hostile_free().
typedef struct {
    char *dir;
    char *paths[3];
} sc_test_hostile;

static inline void
sc_test_hostile_init(sc_test_hostile *h)
{
    GError *error = NULL;
    h->dir = g_dir_make_tmp("sc-hostile-XXXXXX", &error);
    g_assert_no_error(error);
    h->paths[0] = g_strdup("/dev/zero");
    h->paths[1] = g_strdup(h->dir);
    h->paths[2] = g_build_filename(h->dir, "fifo", NULL);
    g_assert_cmpint(mkfifo(h->paths[2], 0600), ==, 0);
    alarm(20); // SIGALRM ends a test that hangs
}

static inline void
sc_test_hostile_free(sc_test_hostile *h)
{
    alarm(0);
    g_unlink(h->paths[2]);
    g_rmdir(h->dir);
    for (guint i = 0; i < G_N_ELEMENTS(h->paths); i++)
        g_free(h->paths[i]);
    g_free(h->dir);
}

#endif
