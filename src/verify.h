// verify.h - is this certificate PDF the one the institution issued? (issue 13; seed 002: an
// electronic certificate as hard to forge as paper).  Reads the file's PAdES signature with
// qpdf and checks it with OpenSSL (sign.h); no other program is run.
#ifndef SC_VERIFY_H
#define SC_VERIFY_H

#include "error.h"
#include <glib.h>

// Check the PDF DATA (LEN bytes, named PATH in messages): it carries a signature field whose
// /ByteRange covers the whole file but the signature itself (nothing appended after signing),
// and whose CMS signature matches those bytes; with CERT_PATH, the signer is the first
// certificate of CERT_PATH.  TRUE with *SIGNER (may be NULL) the signer's subject (caller frees
// with g_free()); FALSE with *ERROR set (SC_ERROR_INPUT) saying why.  Borrows all.
gboolean sc_verify_pdf(const guint8 *data, gsize len, const char *path, const char *cert_path,
                       char **signer, GError **error);

#endif
