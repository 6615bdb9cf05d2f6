// fuzz-certno.c - libFuzzer target for the certificate-number parser (SPEC §3): parse, check
// the prefix and explain any bytes under every profile; a valid number must format back to
// itself, explain exactly when it parses, and report the same problems one by one.
#include "certno.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// An sc_certno_problem_func counting the problems in *DATA; each is one line of valid UTF-8.
static void
count_problem(int first, const char *message, gpointer data)
{
    if (first < 0 || first > SC_CERTNO_LEN || !g_utf8_validate(message, -1, NULL) ||
        strchr(message, '\n') != NULL)
        abort();
    (*(guint *)data)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // A NUL-terminated copy: the API takes C strings (an inner NUL just ends the text early).
    char *text = g_malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    for (int p = SC_PROFILE_NATIONAL; p <= SC_PROFILE_CHONGQING_TS; p++) {
        GError *error = NULL;
        sc_certno n;
        gboolean ok = sc_certno_parse(text, (sc_profile)p, &n, &error);
        if (ok != (error == NULL))
            abort();
        if (ok) {
            char *again = sc_certno_format(&n);
            if (again == NULL || strcmp(again, text) != 0)
                abort();
            g_free(again);
        } else if (error->domain != SC_ERROR || error->code != SC_ERROR_INPUT ||
                   !g_utf8_validate(error->message, -1, NULL) || error->message[0] == '\0') {
            abort();
        }
        guint problems = 0;
        sc_certno each;
        if (sc_certno_parse_each(text, (sc_profile)p, &each, count_problem, &problems) != ok ||
            (problems == 0) != ok || (ok && memcmp(&each, &n, sizeof n) != 0))
            abort();
        g_clear_error(&error);

        char *explained = sc_certno_explain(text, (sc_profile)p, &error);
        if ((explained != NULL) != ok || (explained == NULL) != (error != NULL))
            abort();
        if (explained != NULL && !g_utf8_validate(explained, -1, NULL))
            abort();
        g_free(explained);
        g_clear_error(&error);

        ok = sc_certno_check_prefix(text, (sc_profile)p, &error);
        if (ok != (error == NULL))
            abort();
        g_clear_error(&error);
    }
    g_free(text);
    return 0;
}
