// testutil.h - shared helpers for the unit tests (GTest).
#ifndef SC_TESTUTIL_H
#define SC_TESTUTIL_H

#include <glib.h>
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

#endif
