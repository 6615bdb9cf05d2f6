// fuzz-institution.c - libFuzzer target for institution files (src/institution.c): any bytes
// either give an institution whose positions 1–13 pass its profile, or one SC_ERROR_INPUT.
#include "institution.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    sc_institution *inst = sc_institution_parse((const char *)data, size, "fuzz.ini", &error);
    CHECK((inst == NULL) != (error == NULL));
    if (inst == NULL) {
        CHECK(error->domain == SC_ERROR && error->code == SC_ERROR_INPUT);
        CHECK(g_utf8_validate(error->message, -1, NULL));
        g_error_free(error);
        return 0;
    }
    CHECK(strlen(inst->prefix) == SC_CERTNO_PREFIX_LEN);
    CHECK(sc_certno_check_prefix(inst->prefix, inst->profile, NULL));
    CHECK(inst->name != NULL && *inst->name != '\0');
    sc_institution_free(inst);
    return 0;
}
