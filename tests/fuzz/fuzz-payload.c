// fuzz-payload.c - libFuzzer target for what verify reads from outside (issue 13): any text as
// a QR code's (sc_payload_check(), against a real Ed25519 certificate made once) and any text as
// a page's (sc_verify_page_text()).  Only well-formed results; nothing is ever valid by chance.
#include "payload.h"
#include "sign.h"
#include "verify.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// The QR certificate of keys made once for the run.
static const char *
certificate(void)
{
    static char *cert;
    if (cert == NULL) {
        char *dir = g_dir_make_tmp("fuzz-payload-XXXXXX", NULL);
        if (dir == NULL ||
            !sc_sign_key_new(dir, "某某职业培训学校", "S000044011001", 1795392000, NULL))
            abort();
        char **p = sc_sign_key_paths(dir, "S000044011001");
        cert = g_strdup(p[3]);
        g_strfreev(p);
        g_free(dir);
    }
    return cert;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    sc_payload p;
    char *address = NULL;
    GError *error = NULL;
    // No key but the one made here signed anything: no input is valid.
    if (sc_payload_check(text, certificate(), &p, &address, &error) || error == NULL ||
        error->domain != SC_ERROR || error->code != SC_ERROR_INPUT || address != NULL)
        abort();
    g_clear_error(&error);

    sc_payload fixed = {.number = "S000044011001264000001", .issue_date = "2026-11-20", .level = 4};
    char *holder = NULL;
    gboolean ok = sc_verify_page_text(&fixed, text, NULL, NULL, &holder, &error);
    if (ok == (error != NULL) || (ok && holder == NULL))
        abort();
    g_clear_error(&error);
    g_free(holder);
    g_free(text);
    return 0;
}
