// verify.h - is this certificate PDF the one the institution issued? (issue 13; seed 002: an
// electronic certificate as hard to forge as paper).  Reads the file's PAdES signature with
// qpdf and checks it with OpenSSL (sign.h); no other program is run.  A page's printed text is
// checked against its QR code's signed payload (payload.h; the page read by scan.h).
#ifndef SC_VERIFY_H
#define SC_VERIFY_H

#include "error.h"
#include "payload.h"
#include <glib.h>

// Check the PDF DATA (LEN bytes, named PATH in messages): it carries a signature field whose
// /ByteRange covers the whole file but the signature itself (nothing appended after signing),
// and whose CMS signature matches those bytes; with CERT_PATH, the signer is the first
// certificate of CERT_PATH.  TRUE with *SIGNER (may be NULL) the signer's subject (caller frees
// with g_free()); FALSE with *ERROR set (SC_ERROR_INPUT) saying why.  Borrows all.
gboolean sc_verify_pdf(const guint8 *data, gsize len, const char *path, const char *cert_path,
                       char **signer, GError **error);

// Whether the text of a page, TEXT (poppler's, lines separated by newlines), prints what the
// page's QR payload P holds: its number, its issue date (2026年11月3日, 2026年11月03日 or
// 2026-11-03), its level's name (一级, 四级 …), and a holder whose digest is P's: NAME and ID
// when given (then both must be printed too), else a name and an identity number found on the
// page (each line's value after its last colon, and each word).  TRUE with *HOLDER (may be
// NULL) the name found (caller frees with g_free()); FALSE with *ERROR set (SC_ERROR_INPUT)
// naming the first disagreement.  Borrows all.
gboolean sc_verify_page_text(const sc_payload *p, const char *text, const char *name,
                             const char *id, char **holder, GError **error);

// Whether NAME and ID are the holder of P (sc_payload_holder()).  Borrows all.
gboolean sc_verify_holder(const sc_payload *p, const char *name, const char *id);

#endif
