// fuzz-level.c - libFuzzer target for level names (src/level.c): any text is a level whose
// canonical name parses back to it, or an SC_ERROR_INPUT with a UTF-8 message.
#include "level.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_strndup((const char *)data, size);
    GError *error = NULL;
    int code = sc_level_parse(text, &error);
    if (code == 0) {
        CHECK(error != NULL && error->domain == SC_ERROR && error->code == SC_ERROR_INPUT);
        CHECK(g_utf8_validate(error->message, -1, NULL));
        g_error_free(error);
    } else {
        CHECK(error == NULL);
        CHECK(sc_level_is_code(code));
        CHECK(sc_level_parse(sc_level_name(code), NULL) == code);
    }
    g_free(text);
    return 0;
}
