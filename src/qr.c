// qr.c - the code encoder plug point, implemented with libqrencode (SPEC §2).
#include "qr.h"

#include "i18n.h"

#include <errno.h>
#include <qrencode.h>
#include <string.h>

// libqrencode's contract is NULL + errno (ERANGE: data too large; EINVAL: bad argument); it is
// translated to GError here, at our edge (STYLE.md).
static gboolean
qrencode_encode(gpointer ctx, const char *text, char ec_level, sc_code_matrix *out, GError **error)
{
    (void)ctx;
    QRecLevel level;
    switch (ec_level) {
    case 'L': level = QR_ECLEVEL_L; break;
    case 'M': level = QR_ECLEVEL_M; break;
    case 'Q': level = QR_ECLEVEL_Q; break;
    case 'H': level = QR_ECLEVEL_H; break;
    default:
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("QR error correction '%c' is not L, M, Q or H"), ec_level);
        return FALSE;
    }
    if (*text == '\0') {
        g_set_error_literal(error, SC_ERROR, SC_ERROR_INPUT, _("QR data is empty"));
        return FALSE;
    }

    errno = 0;
    QRcode *code = QRcode_encodeData((int)strlen(text), (const unsigned char *)text, 0, level);
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
