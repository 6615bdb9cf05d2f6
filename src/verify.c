// verify.c - check a certificate PDF's signature (issue 13; PAdES B-B as finish.c writes it, or
// any ETSI.CAdES.detached / adbe.pkcs7.detached signature field).
#include "verify.h"

#include "i18n.h"
#include "sign.h"

#include <qpdf/qpdf-c.h>
#include <string.h>

// The first signature dictionary of the document's form fields, or an uninitialised handle.
static qpdf_oh
find_signature(qpdf_data q)
{
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh form = qpdf_oh_get_key(q, root, "/AcroForm");
    qpdf_oh fields =
        qpdf_oh_is_dictionary(q, form) ? qpdf_oh_get_key(q, form, "/Fields") : qpdf_oh_new_null(q);
    int n = qpdf_oh_is_array(q, fields) ? qpdf_oh_get_array_n_items(q, fields) : 0;
    for (int i = 0; i < n; i++) {
        qpdf_oh f = qpdf_oh_get_array_item(q, fields, i);
        qpdf_oh ft = qpdf_oh_get_key(q, f, "/FT");
        qpdf_oh v = qpdf_oh_get_key(q, f, "/V");
        if (qpdf_oh_is_name(q, ft) && strcmp(qpdf_oh_get_name(q, ft), "/Sig") == 0 &&
            qpdf_oh_is_dictionary(q, v))
            return v;
    }
    return qpdf_oh_new_uninitialized(q);
}

// The four integers of SIG's /ByteRange into R; FALSE when it is not such an array.
static gboolean
byte_range(qpdf_data q, qpdf_oh sig, long long r[4])
{
    qpdf_oh br = qpdf_oh_get_key(q, sig, "/ByteRange");
    if (!qpdf_oh_is_array(q, br) || qpdf_oh_get_array_n_items(q, br) != 4)
        return FALSE;
    for (int i = 0; i < 4; i++) {
        qpdf_oh v = qpdf_oh_get_array_item(q, br, i);
        if (!qpdf_oh_is_integer(q, v))
            return FALSE;
        r[i] = qpdf_oh_get_int_value(q, v);
    }
    return TRUE;
}

static gboolean
fail(GError **error, const char *path, const char *why)
{
    g_set_error(error, SC_ERROR, SC_ERROR_INPUT, "%s: %s", path, why);
    return FALSE;
}

gboolean
sc_verify_pdf(const guint8 *data, gsize len, const char *path, const char *cert_path, char **signer,
              GError **error)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    gboolean ok = FALSE;
    long long r[4];
    if (qpdf_read_memory(q, path, (const char *)data, len, NULL) & QPDF_ERRORS) {
        fail(error, path, _("not a PDF that can be read"));
        goto out;
    }
    qpdf_oh sig = find_signature(q);
    if (!qpdf_oh_is_initialized(q, sig)) {
        fail(error, path, _("not signed: it carries no signature"));
        goto out;
    }
    // The signed bytes: all but the signature's own hex string, to the end of the file.
    if (!byte_range(q, sig, r) || r[0] != 0 || r[1] <= 0 || r[2] <= r[1] || r[3] < 0 ||
        (unsigned long long)(r[2] + r[3]) > len || data[r[1]] != '<' || data[r[2] - 1] != '>') {
        fail(error, path, _("its signature's byte range is malformed"));
        goto out;
    }
    if ((unsigned long long)(r[2] + r[3]) != len) {
        fail(error, path, _("changed after it was signed: bytes were added after the signature"));
        goto out;
    }
    qpdf_oh contents = qpdf_oh_get_key(q, sig, "/Contents");
    if (!qpdf_oh_is_string(q, contents)) {
        fail(error, path, _("its signature has no /Contents"));
        goto out;
    }
    size_t cms_len = 0;
    const char *cms = qpdf_oh_get_binary_string_value(q, contents, &cms_len);
    GError *e = NULL;
    ok = sc_sign_check_cms((const guint8 *)cms, cms_len, data, (gsize)r[1], data + r[2],
                           (gsize)r[3], cert_path, signer, &e);
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, "%s: %s", path, e->message);
        g_error_free(e);
    }
out:
    qpdf_cleanup(&q);
    return ok;
}
