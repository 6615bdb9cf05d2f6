// datadir.c - where the program's data is: templates, fonts, message catalogues.
#include "datadir.h"

// Where templates/ and fonts/ are: $SKILLCERT_DATADIR, else next to the program or up to two
// folders above it (the source tree: ./skillcert, build/skillcert, build/asan/skillcert), else
// the installed data folder.
char *
sc_datadir_path(const char *sub)
{
    const char *env = g_getenv("SKILLCERT_DATADIR");
    if (env != NULL && *env != '\0')
        return g_build_filename(env, sub, NULL);
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe != NULL) {
        g_autofree char *dir = g_path_get_dirname(exe);
        const char *const ups[] = {".", "..", "../.."};
        for (guint i = 0; i < G_N_ELEMENTS(ups); i++) {
            char *p = g_build_filename(dir, ups[i], sub, NULL);
            if (g_file_test(p, G_FILE_TEST_EXISTS))
                return p;
            g_free(p);
        }
    }
    return g_build_filename(SC_DATADIR, sub, NULL);
}

// Where the message catalogues are (LANG/LC_MESSAGES/skillcert.mo): the locale/ folder that
// sc_datadir_path() finds (the source tree's, built by make), else the installed SC_LOCALEDIR.
// Caller frees with g_free().
char *
sc_datadir_locale(void)
{
    char *dir = sc_datadir_path("locale");
    if (g_file_test(dir, G_FILE_TEST_IS_DIR))
        return dir;
    g_free(dir);
    return g_strdup(SC_LOCALEDIR);
}
