// verify.c - check a certificate PDF's signature (issue 13; PAdES B-B as finish.c writes it, or
// any ETSI.CAdES.detached / adbe.pkcs7.detached signature field), and a page's printed text
// against its QR code's signed payload.
#include "verify.h"

#include "i18n.h"
#include "level.h"
#include "sign.h"

#include <qpdf/qpdf-c.h>
#include <stdlib.h>
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

gboolean
sc_verify_holder(const sc_payload *p, const char *name, const char *id)
{
    return sc_payload_holder(p->number, name, id) == p->holder;
}

// TEXT without white space (poppler breaks and spaces letter-spaced labels: "姓 名"), bytes
// that are not UTF-8 replaced.
static char *
compact(const char *text)
{
    g_autofree char *valid = g_utf8_make_valid(text, -1);
    GString *out = g_string_sized_new(strlen(valid));
    for (const char *c = valid; *c != '\0'; c = g_utf8_next_char(c)) {
        gunichar u = g_utf8_get_char(c);
        if (!g_unichar_isspace(u) && u != 0x3000)
            g_string_append_unichar(out, u);
    }
    return g_string_free(out, FALSE);
}

// Whether the compact page text C prints the date ISO (YYYY-MM-DD) in one of its usual forms.
static gboolean
prints_date(const char *c, const char *iso)
{
    int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
    g_autofree char *plain = g_strdup_printf("%d年%d月%d日", y, m, d);
    g_autofree char *padded = g_strdup_printf("%d年%02d月%02d日", y, m, d);
    return strstr(c, plain) != NULL || strstr(c, padded) != NULL || strstr(c, iso) != NULL;
}

// What the page TEXT may print as a name or an identity number: each line's value after its
// last colon (full-width or not), and each word, without surrounding spaces.
static GPtrArray *
candidates(const char *text)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l != NULL; l++) {
        const char *wide = g_strrstr(*l, "："), *narrow = strrchr(*l, ':');
        const char *value = wide != NULL && (narrow == NULL || wide > narrow) ? wide + 3
                            : narrow != NULL                                  ? narrow + 1
                                                                              : NULL;
        if (value != NULL)
            g_ptr_array_add(out, g_strstrip(g_strdup(value)));
        g_auto(GStrv) words = g_strsplit_set(*l, " \t", -1);
        for (char **w = words; *w != NULL; w++)
            if (**w != '\0')
                g_ptr_array_add(out, g_strdup(*w));
    }
    return out;
}

// A name and identity number among the page TEXT's candidates whose digest is P's holder: the
// name (caller frees), or NULL.
static char *
find_holder(const sc_payload *p, const char *text)
{
    g_autoptr(GPtrArray) c = candidates(text);
    for (guint i = 0; i < c->len; i++)
        for (guint j = 0; j < c->len; j++)
            if (i != j && sc_verify_holder(p, c->pdata[i], c->pdata[j]))
                return g_strdup(c->pdata[i]);
    return NULL;
}

gboolean
sc_verify_page_text(const sc_payload *p, const char *text, const char *name, const char *id,
                    char **holder, GError **error)
{
    g_autofree char *valid = g_utf8_make_valid(text, -1);
    g_autofree char *c = compact(valid);
    const char *level = p->level != 0 ? sc_level_name(p->level) : NULL;
    // The level's first name (一级 of 一级/高级技师), which every form of its name starts with.
    g_autofree char *short_level = level != NULL ? g_strndup(level, strcspn(level, "/")) : NULL;
    g_autofree char *found = NULL;
    const char *why = NULL;
    if (strstr(c, p->number) == NULL)
        why = _("the page does not print the number its QR code holds");
    else if (!prints_date(c, p->issue_date))
        why = _("the page does not print the issue date its QR code holds");
    else if (short_level != NULL && strstr(c, short_level) == NULL)
        why = _("the page does not print the level its QR code holds");
    else if (name != NULL && id != NULL) {
        g_autofree char *cn = compact(name), *ci = compact(id);
        if (!sc_verify_holder(p, name, id))
            why = _("the name and identity number given are not the holder of its QR code");
        else if (strstr(c, cn) == NULL || strstr(c, ci) == NULL)
            why = _("the page does not print the name and identity number given");
        else
            found = g_strdup(name);
    } else if ((found = find_holder(p, valid)) == NULL)
        why = _("the page prints no name and identity number of the holder its QR code holds");
    if (why != NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, "%s (%s, %s)", why, p->number, p->issue_date);
        return FALSE;
    }
    if (holder != NULL)
        *holder = g_steal_pointer(&found);
    return TRUE;
}
