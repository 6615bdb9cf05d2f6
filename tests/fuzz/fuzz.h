// fuzz.h - shared by the libFuzzer targets: a check that aborts, so libFuzzer reports the input.
#ifndef SC_FUZZ_H
#define SC_FUZZ_H

#include <stdint.h>
#include <stdlib.h>

#define CHECK(cond)                                                                              \
    do {                                                                                         \
        if (!(cond))                                                                             \
            abort();                                                                             \
    } while (0)

#endif
