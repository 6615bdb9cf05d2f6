// keyfile.c - read the INI files users write (templates, institution files; DESIGN.md).
#include "keyfile.h"

#include "i18n.h"

#include <string.h>

GKeyFile *
sc_keyfile_parse(const char *data, gsize len, const char *path, GError **error)
{
    // UTF-8, a BOM allowed: anything else would reach the certificate, or a message, garbled.
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    const char *bad = NULL;
    if (!g_utf8_validate(data, (gssize)len, &bad)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: byte %zu is not UTF-8 (or a NUL); save the file as UTF-8"), path,
                    (size_t)(bad - data));
        return NULL;
    }
    GKeyFile *kf = g_key_file_new();
    GError *local = NULL;
    if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, "%s: %s", path, local->message);
        g_error_free(local);
        g_key_file_free(kf);
        return NULL;
    }
    return kf;
}
