// test-sign.c - institution keys and CMS signatures (issue 13; seed 002): keys made 0600 and never
// replaced, a signature deterministic for one time, checked back, and refused when the bytes
// change or another key signed.
#include "sign.h"

#include <glib/gstdio.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <string.h>
#include <sys/stat.h>

#define PREFIX "S000044011001"

static char *
make_keys(void)
{
    g_autofree char *tmp = g_dir_make_tmp("test-sign-XXXXXX", NULL);
    char *dir = g_build_filename(tmp, "keys", NULL);
    GError *error = NULL;
    g_assert_true(sc_sign_key_new(dir, "某某职业培训学校", PREFIX, 1795392000, &error));
    g_assert_no_error(error);
    return dir;
}

static void
remove_keys(const char *dir)
{
    g_auto(GStrv) p = sc_sign_key_paths(dir, PREFIX);
    for (int i = 0; p[i] != NULL; i++)
        g_unlink(p[i]);
    g_rmdir(dir);
    g_autofree char *parent = g_path_get_dirname(dir);
    g_rmdir(parent);
}

static void
test_key_new(void)
{
    g_autofree char *dir = make_keys();
    g_auto(GStrv) p = sc_sign_key_paths(dir, PREFIX);
    for (int i = 0; i < 4; i++) {
        GStatBuf st;
        g_assert_cmpint(g_stat(p[i], &st), ==, 0);
        g_assert_cmpint(st.st_mode & 0777, ==, 0600); // keys are kept 0600 (issue 13)
    }
    // A key is never replaced.
    GError *error = NULL;
    g_assert_false(sc_sign_key_new(dir, "x", PREFIX, 1795392000, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    remove_keys(dir);
}

static void
test_cms(void)
{
    g_autofree char *dir = make_keys();
    g_autofree char *other = g_build_filename(dir, "other", NULL);
    g_auto(GStrv) p = sc_sign_key_paths(dir, PREFIX);
    GError *error = NULL;
    g_autoptr(sc_signer) s = sc_signer_load(p[0], p[1], &error);
    g_assert_no_error(error);
    static const guint8 a[] = "first part ", b[] = "second part";
    g_autoptr(GBytes) c1 = sc_signer_cms(s, a, sizeof a, b, sizeof b, 1795392000, &error);
    g_autoptr(GBytes) c2 = sc_signer_cms(s, a, sizeof a, b, sizeof b, 1795392000, &error);
    g_assert_no_error(error);
    g_assert_true(g_bytes_equal(c1, c2)); // RSA PKCS#1 v1.5: deterministic
    g_assert_cmpuint(g_bytes_get_size(c1), <=, sc_signer_max_size(s));
    gsize n;
    const guint8 *d = g_bytes_get_data(c1, &n);
    g_autofree char *who = NULL;
    g_assert_true(sc_sign_check_cms(d, n, a, sizeof a, b, sizeof b, p[1], &who, &error));
    g_assert_no_error(error);
    g_assert_nonnull(strstr(who, PREFIX));
    // In a PDF the signature is followed by the placeholder's unused room, zero bytes; a
    // signature may itself end in a zero byte (one time in 256): each is read whole.
    gboolean ends_in_zero = FALSE;
    for (guint k = 0; k < 4096 && !ends_in_zero; k++) {
        g_autofree char *text = g_strdup_printf("a certificate's bytes %u", k);
        g_autoptr(GBytes) c =
            sc_signer_cms(s, (const guint8 *)text, strlen(text), b, sizeof b, 1795392000, &error);
        g_assert_no_error(error);
        gsize m;
        const guint8 *der = g_bytes_get_data(c, &m);
        g_autofree guint8 *padded = g_malloc0(m + 64);
        memcpy(padded, der, m);
        ends_in_zero = der[m - 1] == 0;
        if (ends_in_zero || k == 0)
            g_assert_true(sc_sign_check_cms(padded, m + 64, (const guint8 *)text, strlen(text), b,
                                            sizeof b, p[1], NULL, &error));
        g_assert_no_error(error);
    }
    g_assert_true(ends_in_zero);
    // One byte changed: refused.
    static const guint8 b2[] = "second parT";
    g_assert_false(sc_sign_check_cms(d, n, a, sizeof a, b2, sizeof b2, NULL, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    // Another institution's certificate: refused.
    g_assert_true(sc_sign_key_new(other, "别的学校", PREFIX, 1795392000, &error));
    g_auto(GStrv) q = sc_sign_key_paths(other, PREFIX);
    g_assert_false(sc_sign_check_cms(d, n, a, sizeof a, b, sizeof b, q[1], NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    // A key with another's certificate cannot be loaded.
    g_assert_null(sc_signer_load(p[0], q[1], &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    for (int i = 0; q[i] != NULL; i++)
        g_unlink(q[i]);
    g_rmdir(other);
    remove_keys(dir);
}

// The CMS OpenSSL makes when it digests the content itself (CMS_final(): what sc_signer_cms()
// did before it took a digest worked out elsewhere), from the key and certificate files KEY and
// CERT, over DATA then DATA2, signed at WHEN.  Caller frees with g_bytes_unref().
static GBytes *
openssl_cms(const char *key, const char *cert, const guint8 *data, gsize len, const guint8 *data2,
            gsize len2, gint64 when)
{
    FILE *f = fopen(key, "r");
    g_assert_nonnull(f);
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    f = fopen(cert, "r");
    g_assert_nonnull(f);
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    g_assert_true(pkey != NULL && x != NULL);
    const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
    CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
    CMS_SignerInfo *si = CMS_add1_signer(cms, x, pkey, EVP_sha256(), flags | CMS_CADES);
    g_assert_nonnull(si);
    ASN1_TIME *t = ASN1_TIME_set(NULL, (time_t)when);
    g_assert_cmpint(CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1), ==, 1);
    ASN1_TIME_free(t);
    BIO *in = BIO_new(BIO_s_mem());
    BIO_write(in, data, (int)len);
    BIO_write(in, data2, (int)len2);
    g_assert_cmpint(CMS_final(cms, in, NULL, flags), ==, 1);
    unsigned char *der = NULL;
    int n = i2d_CMS_ContentInfo(cms, &der);
    g_assert_cmpint(n, >, 0);
    GBytes *bytes = g_bytes_new(der, (gsize)n);
    OPENSSL_free(der);
    BIO_free(in);
    CMS_ContentInfo_free(cms);
    X509_free(x);
    EVP_PKEY_free(pkey);
    return bytes;
}

// A signature over a digest worked out beforehand (sc_signer_cms_digest(), as the finish stage
// signs) is byte for byte the one OpenSSL makes digesting the bytes itself; another digest, or
// another time, signs differently.
static void
test_cms_digest(void)
{
    g_autofree char *dir = make_keys();
    g_auto(GStrv) p = sc_sign_key_paths(dir, PREFIX);
    GError *error = NULL;
    g_autoptr(sc_signer) s = sc_signer_load(p[0], p[1], &error);
    g_assert_no_error(error);
    g_autofree guint8 *big = g_malloc(200000); // more than one read of OpenSSL's content BIO
    for (gsize i = 0; i < 200000; i++)
        big[i] = (guint8)(i * 7 + i / 251);
    static const guint8 tail[] = " trailer";
    guint8 md[32];
    gsize mdn = sizeof md;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, big, 200000);
    g_checksum_update(sum, tail, sizeof tail);
    g_checksum_get_digest(sum, md, &mdn);
    g_checksum_free(sum);
    g_autoptr(GBytes) want = openssl_cms(p[0], p[1], big, 200000, tail, sizeof tail, 1795392000);
    g_autoptr(GBytes) got = sc_signer_cms_digest(s, md, 1795392000, &error);
    g_assert_no_error(error);
    g_assert_true(g_bytes_equal(got, want));
    g_autoptr(GBytes) whole = sc_signer_cms(s, big, 200000, tail, sizeof tail, 1795392000, &error);
    g_assert_true(g_bytes_equal(whole, want));
    gsize n;
    const guint8 *der = g_bytes_get_data(got, &n);
    g_assert_true(sc_sign_check_cms(der, n, big, 200000, tail, sizeof tail, p[1], NULL, &error));
    g_assert_no_error(error);
    md[31] ^= 1;
    g_autoptr(GBytes) other = sc_signer_cms_digest(s, md, 1795392000, &error);
    g_assert_false(g_bytes_equal(other, want));
    der = g_bytes_get_data(other, &n);
    g_assert_false(sc_sign_check_cms(der, n, big, 200000, tail, sizeof tail, NULL, NULL, &error));
    g_clear_error(&error);
    md[31] ^= 1;
    g_autoptr(GBytes) later = sc_signer_cms_digest(s, md, 1795392001, &error);
    g_assert_false(g_bytes_equal(later, want));
    remove_keys(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/sign/key-new", test_key_new);
    g_test_add_func("/sign/cms", test_cms);
    g_test_add_func("/sign/cms-digest", test_cms_digest);
    return g_test_run();
}
