// qr.c - the code encoder plug point, implemented with libqrencode (SPEC §2).
#include "qr.h"

#include "i18n.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

// libqrencode's level for EC_LEVEL, or FALSE with *ERROR set.
static gboolean
qr_level(char ec_level, QRecLevel *level, GError **error)
{
    switch (ec_level) {
    case 'L': *level = QR_ECLEVEL_L; return TRUE;
    case 'M': *level = QR_ECLEVEL_M; return TRUE;
    case 'Q': *level = QR_ECLEVEL_Q; return TRUE;
    case 'H': *level = QR_ECLEVEL_H; return TRUE;
    default:
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("QR error correction '%c' is not L, M, Q or H"), ec_level);
        return FALSE;
    }
}

// libqrencode's contract is NULL + errno (ERANGE: data too large; EINVAL: bad argument); it is
// translated to GError here, at our edge (STYLE.md).  CODE (freed here) into *OUT.
static gboolean
take_code(QRcode *code, const char *text, char ec_level, sc_code_matrix *out, GError **error)
{
    if (code == NULL) {
        if (errno == ERANGE)
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("QR data is too long (%zu bytes) for error correction %c"), strlen(text),
                        ec_level);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("QR encoding failed: %s"),
                        g_strerror(errno));
        return FALSE;
    }
    // Bit 0 of each libqrencode byte is the module colour.
    int w = code->width;
    out->width = w;
    out->modules = g_malloc((gsize)w * w);
    for (int i = 0; i < w * w; i++)
        out->modules[i] = code->data[i] & 1;
    QRcode_free(code);
    return TRUE;
}

static gboolean
qrencode_encode(gpointer ctx, const char *text, char ec_level, sc_code_matrix *out, GError **error)
{
    (void)ctx;
    QRecLevel level;
    if (!qr_level(ec_level, &level, error))
        return FALSE;
    if (*text == '\0') {
        g_set_error_literal(error, SC_ERROR, SC_ERROR_INPUT, _("QR data is empty"));
        return FALSE;
    }
    errno = 0;
    QRcode *code = QRcode_encodeData((int)strlen(text), (const unsigned char *)text, 0, level);
    return take_code(code, text, ec_level, out, error);
}

gboolean
sc_qr_encode_mixed(const char *text, char ec_level, int max_version, sc_code_matrix *out,
                   GError **error)
{
    QRecLevel level;
    if (!qr_level(ec_level, &level, error))
        return FALSE;
    errno = 0;
    // Case kept (casesensitive): the text is not upper-cased to fit alphanumeric mode.
    QRcode *code = QRcode_encodeString(text, 0, level, QR_MODE_8, /*casesensitive*/ 1);
    int version = code != NULL ? code->version : 0;
    if (code != NULL && version > max_version) {
        QRcode_free(code);
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("QR data of %zu characters needs a version %d symbol at error correction "
                      "%c, larger than version %d: shorten the QR data"),
                    strlen(text), version, ec_level, max_version);
        return FALSE;
    }
    return take_code(code, text, ec_level, out, error);
}

int
sc_code_matrix_version(const sc_code_matrix *matrix)
{
    return (matrix->width - 17) / 4;
}

static const sc_code_encoder qr_encoder = {qrencode_encode, NULL};

const sc_code_encoder *
sc_qr_encoder(void)
{
    return &qr_encoder;
}

void
sc_code_matrix_clear(sc_code_matrix *matrix)
{
    if (matrix == NULL)
        return;
    g_clear_pointer(&matrix->modules, g_free);
    matrix->width = 0;
}
