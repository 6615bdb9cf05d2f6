// qr.h - the code encoder plug point and its libqrencode implementation (DESIGN.md "Two plug
// points"; SPEC §2: a 30 × 30 mm QR symbol on the right page).
// Names: the plug point's types are sc_code_* (any code, not only QR: sc_code_encoder,
// sc_code_matrix); sc_qr_*() is the libqrencode implementation.
#ifndef SC_QR_H
#define SC_QR_H

#include "error.h"
#include <glib.h>

// A square module matrix: WIDTH × WIDTH bytes, row-major, 1 = dark.  No quiet zone.
typedef struct {
    int width;
    guint8 *modules;
} sc_code_matrix;

// Turns text into a module matrix.  ENCODE returns TRUE and fills *OUT (free its modules with
// g_free()), or FALSE with *ERROR set (SC_ERROR_INPUT when the text cannot be encoded).
typedef struct {
    gboolean (*encode)(gpointer ctx, const char *text, char ec_level, sc_code_matrix *out,
                       GError **error);
    gpointer ctx;
} sc_code_encoder;

// The libqrencode encoder (8-bit mode, UTF-8 text, error correction L/M/Q/H).  Static.
const sc_code_encoder *sc_qr_encoder(void);

// TEXT (UTF-8, not empty) encoded with libqrencode's choice of mode for each run of characters
// (a run of digits in numeric mode: 3.3 bits a digit instead of 8), in the smallest version at
// error correction EC_LEVEL.  FALSE with *ERROR set (SC_ERROR_INPUT) when that version is above
// MAX_VERSION or TEXT does not fit at all.  Free OUT's modules with g_free().
gboolean sc_qr_encode_mixed(const char *text, char ec_level, int max_version, sc_code_matrix *out,
                            GError **error);

// The QR version (1–40) of MATRIX: its width is 17 + 4 × version modules (ISO/IEC 18004).
int sc_code_matrix_version(const sc_code_matrix *matrix);

void sc_code_matrix_clear(sc_code_matrix *matrix);

#endif
