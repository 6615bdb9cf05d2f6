// fuzz-idcard.c - libFuzzer target for 居民身份证 validation (src/idcard.c): any text either fails
// with a UTF-8 message or gives an 18-character number whose check character is right and which
// validates again to itself.
#include "idcard.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_strndup((const char *)data, size); // stops at a NUL, as a C caller would
    GError *error = NULL;
    char *number = sc_idcard_normalize(text, &error);
    CHECK((number == NULL) != (error == NULL));
    if (number == NULL) {
        CHECK(error->domain == SC_ERROR && error->code == SC_ERROR_INPUT);
        CHECK(g_utf8_validate(error->message, -1, NULL));
        g_error_free(error);
    } else {
        CHECK(strlen(number) == 18);
        for (int i = 0; i < 17; i++)
            CHECK(g_ascii_isdigit(number[i]));
        CHECK(number[17] == sc_idcard_check_char(number));
        char *again = sc_idcard_normalize(number, NULL);
        CHECK(again != NULL && strcmp(again, number) == 0);
        g_free(again);
        g_free(number);
    }
    g_free(text);
    return 0;
}
