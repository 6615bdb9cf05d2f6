// datadir.h - where the program's data is: templates/, fonts/ and the message catalogues, in
// the source tree or installed (make install PREFIX=…).
#ifndef SC_DATADIR_H
#define SC_DATADIR_H

#include <glib.h>

// SUB ("templates/national.ini", "fonts") under $SKILLCERT_DATADIR, else next to the program or
// up to two folders above it (the source tree: ./skillcert, build/skillcert,
// build/asan/skillcert), else the installed data folder.  Caller frees with g_free().
char *sc_datadir_path(const char *sub);

// The folder of the message catalogues (LANG/LC_MESSAGES/skillcert.mo): the locale/ folder
// that sc_datadir_path() finds (the source tree's, built by make), else the installed one.
// Caller frees with g_free().
char *sc_datadir_locale(void);

#endif
