// sign.c - institution keys, CMS signatures for PAdES (issue 13; seed 002: electronic and paper
// certificates have the same force).  OpenSSL 3 for all cryptography.
#include "sign.h"

#include "i18n.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

struct sc_signer {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) * chain; // the certificates after the first in the certificate file
    gsize max_size;
};

// OpenSSL's last error (its queue emptied) after WHAT, as *ERROR with CODE.
static void
set_ssl_error(GError **error, int code, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "";
    if (e != 0)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    g_set_error(error, SC_ERROR, code, "%s%s%s", what, *buf != '\0' ? ": " : "", buf);
}

char *
sc_sign_key_dir(void)
{
    return g_build_filename(g_get_user_data_dir(), "skillcert", "keys", NULL);
}

char **
sc_sign_key_paths(const char *dir, const char *prefix)
{
    char **p = g_new0(char *, 5);
    const char *ext[] = {".key", ".crt", ".qr.key", ".qr.crt"};
    for (int i = 0; i < 4; i++) {
        g_autofree char *base = g_strconcat(prefix, ext[i], NULL);
        p[i] = g_build_filename(dir, base, NULL);
    }
    return p;
}

// --- Writing keys -------------------------------------------------------------------------------

// BIO's bytes written to PATH with mode 0600, atomically.
static gboolean
write_bio(BIO *bio, const char *path, GError **error)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    if (!g_file_set_contents_full(path, data, n, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
        return FALSE;
    return g_chmod(path, 0600) == 0 ||
           (g_set_error(error, SC_ERROR, SC_ERROR_IO, "%s: %s", path, g_strerror(errno)), FALSE);
}

// KEY (PEM, unencrypted: the file's mode protects it) to PATH.
static gboolean
write_key(EVP_PKEY *key, const char *path, GError **error)
{
    BIO *bio = BIO_new(BIO_s_mem());
    gboolean ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) == 1;
    if (!ok)
        set_ssl_error(error, SC_ERROR_IO, path);
    else
        ok = write_bio(bio, path, error);
    BIO_free(bio);
    return ok;
}

// CERT and then CHAIN (may be NULL), PEM, to PATH.
static gboolean
write_certs(X509 *cert, STACK_OF(X509) * chain, const char *path, GError **error)
{
    BIO *bio = BIO_new(BIO_s_mem());
    gboolean ok = PEM_write_bio_X509(bio, cert) == 1;
    for (int i = 0; ok && chain != NULL && i < sk_X509_num(chain); i++)
        ok = PEM_write_bio_X509(bio, sk_X509_value(chain, i)) == 1;
    if (!ok)
        set_ssl_error(error, SC_ERROR_IO, path);
    else
        ok = write_bio(bio, path, error);
    BIO_free(bio);
    return ok;
}

// Refuse when any of the N PATHS exists: keys are never replaced.
static gboolean
none_exist(char **paths, int n, GError **error)
{
    for (int i = 0; i < n; i++)
        if (g_file_test(paths[i], G_FILE_TEST_EXISTS)) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO,
                        _("%s exists: an institution's key is never replaced (move it away "
                          "first)"),
                        paths[i]);
            return FALSE;
        }
    return TRUE;
}

// Add an extension NID with VALUE (openssl config syntax) to CERT, issued by itself.
static void
add_ext(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext != NULL)
        X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// A self-signed certificate of KEY naming the institution NAME with PREFIX, valid ten years
// from NOW.  NULL on failure (OpenSSL's error queue set).
static X509 *
self_signed(EVP_PKEY *key, const char *name, const char *prefix, gint64 now)
{
    X509 *x = X509_new();
    X509_set_version(x, 2);
    // A serial from the key and the time: unique enough for a self-signed certificate.
    ASN1_INTEGER_set_int64(X509_get_serialNumber(x), now);
    X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, (time_t *)&now);
    X509_time_adj_ex(X509_getm_notAfter(x), 3653, 0, (time_t *)&now);
    X509_NAME *n = X509_get_subject_name(x);
    const unsigned char *u = (const unsigned char *)name;
    X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, u, -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, u, -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "serialNumber", MBSTRING_UTF8, (const unsigned char *)prefix, -1,
                               -1, 0);
    X509_set_issuer_name(x, n);
    X509_set_pubkey(x, key);
    add_ext(x, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(x, NID_key_usage, "critical,digitalSignature,nonRepudiation");
    add_ext(x, NID_subject_key_identifier, "hash");
    // Ed25519 takes no separate digest.
    const EVP_MD *md = EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
    if (X509_sign(x, key, md) <= 0) {
        X509_free(x);
        return NULL;
    }
    return x;
}

// Make a key of TYPE ("RSA" 3072 bits or "ED25519") and its certificate, written to KEY_PATH and
// CERT_PATH.
static gboolean
make_pair(const char *type, const char *key_path, const char *cert_path, const char *name,
          const char *prefix, gint64 now, GError **error)
{
    EVP_PKEY *key = strcmp(type, "RSA") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072)
                                             : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    X509 *cert = key != NULL ? self_signed(key, name, prefix, now) : NULL;
    gboolean ok = cert != NULL;
    if (!ok)
        set_ssl_error(error, SC_ERROR_IO, _("cannot make a key"));
    ok = ok && write_key(key, key_path, error) && write_certs(cert, NULL, cert_path, error);
    X509_free(cert);
    EVP_PKEY_free(key);
    return ok;
}

gboolean
sc_sign_key_new(const char *dir, const char *name, const char *prefix, gint64 now, GError **error)
{
    g_auto(GStrv) paths = sc_sign_key_paths(dir, prefix);
    if (!none_exist(paths, 4, error))
        return FALSE;
    if (g_mkdir_with_parents(dir, 0700) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, "%s: %s", dir, g_strerror(errno));
        return FALSE;
    }
    if (make_pair("RSA", paths[0], paths[1], name, prefix, now, error) &&
        make_pair("ED25519", paths[2], paths[3], name, prefix, now, error))
        return TRUE;
    for (int i = 0; i < 4; i++)
        g_unlink(paths[i]); // none existed before: nothing half-made is left
    return FALSE;
}

gboolean
sc_sign_key_import(const char *dir, const char *prefix, const char *p12, const char *password,
                   GError **error)
{
    g_auto(GStrv) paths = sc_sign_key_paths(dir, prefix);
    if (!none_exist(paths, 2, error))
        return FALSE;
    BIO *in = BIO_new_file(p12, "rb");
    PKCS12 *pk = in != NULL ? d2i_PKCS12_bio(in, NULL) : NULL;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    STACK_OF(X509) *ca = NULL;
    gboolean ok = pk != NULL && PKCS12_parse(pk, password, &key, &cert, &ca) == 1 && key != NULL &&
                  cert != NULL && X509_check_private_key(cert, key) == 1;
    if (!ok) {
        g_autofree char *what = g_strdup_printf(
            _("%s: not a PKCS#12 file with a key and its certificate, or the password is wrong"),
            p12);
        set_ssl_error(error, SC_ERROR_INPUT, what);
    } else if (g_mkdir_with_parents(dir, 0700) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, "%s: %s", dir, g_strerror(errno));
        ok = FALSE;
    } else {
        ok = write_key(key, paths[0], error) && write_certs(cert, ca, paths[1], error);
        if (!ok)
            g_unlink(paths[0]);
    }
    sk_X509_pop_free(ca, X509_free);
    X509_free(cert);
    EVP_PKEY_free(key);
    PKCS12_free(pk);
    BIO_free(in);
    return ok;
}

// --- Signing ------------------------------------------------------------------------------------

// Every certificate of the PEM file PATH; NULL (with *ERROR set) when there is none.
static STACK_OF(X509) * read_certs(const char *path, GError **error)
{
    BIO *in = BIO_new_file(path, "r");
    STACK_OF(X509) *certs = sk_X509_new_null();
    X509 *x;
    while (in != NULL && (x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL)
        sk_X509_push(certs, x);
    ERR_clear_error(); // the end of the file reads as an error
    BIO_free(in);
    if (sk_X509_num(certs) == 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: no certificate (PEM) can be read"),
                    path);
        sk_X509_free(certs);
        return NULL;
    }
    return certs;
}

sc_signer *
sc_signer_load(const char *key_path, const char *cert_path, GError **error)
{
    BIO *in = BIO_new_file(key_path, "r");
    EVP_PKEY *key = in != NULL ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    if (key == NULL) {
        g_autofree char *what =
            g_strdup_printf(_("%s: no private key (PEM) can be read"), key_path);
        set_ssl_error(error, SC_ERROR_INPUT, what);
        return NULL;
    }
    STACK_OF(X509) *certs = read_certs(cert_path, error);
    if (certs == NULL) {
        EVP_PKEY_free(key);
        return NULL;
    }
    sc_signer *s = g_new0(sc_signer, 1);
    s->key = key;
    s->cert = sk_X509_shift(certs);
    s->chain = certs;
    if (X509_check_private_key(s->cert, key) != 1) {
        ERR_clear_error();
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s is not the certificate of the key %s"),
                    cert_path, key_path);
        sc_signer_free(s);
        return NULL;
    }
    // Room for a signature: one made now, and some spare for times and attribute lengths.
    static const guint8 probe[] = "probe";
    g_autoptr(GBytes) cms = sc_signer_cms(s, probe, sizeof probe, NULL, 0, 0, error);
    if (cms == NULL) {
        sc_signer_free(s);
        return NULL;
    }
    s->max_size = g_bytes_get_size(cms) + 512;
    return s;
}

void
sc_signer_free(sc_signer *s)
{
    if (s == NULL)
        return;
    EVP_PKEY_free(s->key);
    X509_free(s->cert);
    sk_X509_pop_free(s->chain, X509_free);
    g_free(s);
}

gsize
sc_signer_max_size(const sc_signer *s)
{
    return s->max_size;
}

static char *
subject_of(X509 *cert)
{
    BIO *bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0,
                       XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *s = g_strndup(data, n);
    BIO_free(bio);
    return s;
}

char *
sc_signer_subject(const sc_signer *s)
{
    return subject_of(s->cert);
}

GBytes *
sc_signer_cms_digest(const sc_signer *s, const guint8 *sha256, gint64 when, GError **error)
{
    const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    // CMS_CADES: the signing-certificate-v2 attribute (RFC 5035) that CAdES and PAdES B-B need.
    CMS_SignerInfo *si =
        cms != NULL ? CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(), flags | CMS_CADES) : NULL;
    gboolean ok = si != NULL;
    for (int i = 0; ok && i < sk_X509_num(s->chain); i++)
        ok = CMS_add1_cert(cms, sk_X509_value(s->chain, i)) == 1;
    // The signing time, pinned (OpenSSL adds the current time when none is given).
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)when);
    ok = ok && t != NULL &&
         CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1) == 1;
    ASN1_TIME_free(t);
    // What CMS_final() adds when it digests the content itself (RFC 5652 5.3: the content type
    // and the message digest), then the signature over the signed attributes.
    ok = ok &&
         CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                     OBJ_nid2obj(NID_pkcs7_data), -1) == 1 &&
         CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, sha256,
                                     SHA256_DIGEST_LENGTH) == 1 &&
         CMS_SignerInfo_sign(si) == 1;
    unsigned char *der = NULL;
    int n = ok ? i2d_CMS_ContentInfo(cms, &der) : -1;
    GBytes *result = n > 0 ? g_bytes_new(der, n) : NULL;
    if (result == NULL)
        set_ssl_error(error, SC_ERROR_RENDER, _("cannot sign"));
    OPENSSL_free(der);
    CMS_ContentInfo_free(cms);
    return result;
}

GBytes *
sc_signer_cms(const sc_signer *s, const guint8 *data, gsize len, const guint8 *data2, gsize len2,
              gint64 when, GError **error)
{
    guint8 md[SHA256_DIGEST_LENGTH];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    gboolean ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
                  EVP_DigestUpdate(ctx, data, len) == 1 &&
                  EVP_DigestUpdate(ctx, data2, len2) == 1 && EVP_DigestFinal_ex(ctx, md, NULL) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        set_ssl_error(error, SC_ERROR_RENDER, _("cannot sign"));
        return NULL;
    }
    return sc_signer_cms_digest(s, md, when, error);
}

// A memory BIO holding DATA then DATA2.
static BIO *
two_parts(const guint8 *data, gsize len, const guint8 *data2, gsize len2)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (len > 0)
        BIO_write(bio, data, (int)len);
    if (len2 > 0)
        BIO_write(bio, data2, (int)len2);
    return bio;
}

// Whether the signer of CMS (verified) is the first certificate of CERT_PATH.
static gboolean
signer_is(CMS_ContentInfo *cms, const char *cert_path, char **subject, GError **error)
{
    STACK_OF(X509) *signers = CMS_get0_signers(cms);
    X509 *who = signers != NULL && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
    gboolean ok = who != NULL;
    if (!ok)
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("the signature names no single signer"));
    STACK_OF(X509) *want = ok && cert_path != NULL ? read_certs(cert_path, error) : NULL;
    if (ok && cert_path != NULL) {
        ok = want != NULL && X509_cmp(who, sk_X509_value(want, 0)) == 0;
        if (want != NULL && !ok) {
            g_autofree char *by = subject_of(who);
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("signed by %s, not by the certificate %s"), by, cert_path);
        }
    }
    if (ok && subject != NULL)
        *subject = subject_of(who);
    sk_X509_pop_free(want, X509_free);
    sk_X509_free(signers);
    return ok;
}

gboolean
sc_sign_check_cms(const guint8 *der, gsize der_len, const guint8 *data, gsize len,
                  const guint8 *data2, gsize len2, const char *cert_path, char **subject,
                  GError **error)
{
    // The placeholder's unused room (zero bytes) follows the DER: its own length says where it
    // ends.  (Not the last nonzero byte: a signature ends in a zero byte one time in 256.)
    const unsigned char *p = der;
    long body = 0;
    int tag, class;
    if (!(ASN1_get_object(&p, &body, &tag, &class, (long)MIN(der_len, (gsize)G_MAXLONG)) & 0x80) &&
        (gsize)(p - der) + (gsize)body <= der_len)
        der_len = (gsize)(p - der) + (gsize)body;
    p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_len);
    if (cms == NULL) {
        set_ssl_error(error, SC_ERROR_INPUT, _("the signature is not a CMS SignedData"));
        return FALSE;
    }
    BIO *in = two_parts(data, len, data2, len2);
    X509_STORE *store = X509_STORE_new();
    // The digest and the signature; the certificate's chain is not checked (no trust anchors).
    gboolean ok =
        CMS_verify(cms, NULL, store, in, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
    if (!ok)
        set_ssl_error(error, SC_ERROR_INPUT,
                      _("the signature does not match the signed bytes: the file was changed"));
    else
        ok = signer_is(cms, cert_path, subject, error);
    X509_STORE_free(store);
    BIO_free(in);
    CMS_ContentInfo_free(cms);
    return ok;
}
