// sign.h - the institution's keys and what is signed with them (issue 13; seed 002: "纸质证书与
// 电子证书具有同等效力", an electronic certificate as hard to forge as paper).  OpenSSL 3 does all
// the cryptography.
//
// Two keys per institution: a signing key (RSA 3072: PKCS#1 v1.5 signatures are deterministic,
// and OpenSSL 3.0 has no RFC 6979 ECDSA) with its X.509 certificate, for the PAdES signature of
// every electronic certificate; and an Ed25519 key, also with a certificate, for the compact
// payload in the QR code.  Keys are PEM files of mode 0600.
#ifndef SC_SIGN_H
#define SC_SIGN_H

#include "error.h"
#include <glib.h>

typedef struct sc_signer sc_signer; // opaque: sc_signer_load() / sc_signer_free()

// Where `key new` and `key import` keep an institution's keys: DIR/PREFIX.key, PREFIX.crt (the
// signing key and certificate), PREFIX.qr.key, PREFIX.qr.crt (Ed25519).  DIR is
// $XDG_DATA_HOME/skillcert/keys.  Caller frees with g_free().
char *sc_sign_key_dir(void);

// The four paths of PREFIX's keys in DIR, in the order above.  Caller frees with g_strfreev().
char **sc_sign_key_paths(const char *dir, const char *prefix);

// Make PREFIX's two keys and their self-signed certificates (valid ten years from NOW, a
// Unix time), naming the institution: CN and O its filed NAME, serialNumber PREFIX, C CN.
// Written to the paths of sc_sign_key_paths(DIR, PREFIX), each 0600, DIR made 0700 if needed.
// An existing key file is never replaced: FALSE with *ERROR set (SC_ERROR_IO), nothing written.
// Copies all.
gboolean sc_sign_key_new(const char *dir, const char *name, const char *prefix, gint64 now,
                         GError **error);

// Take the key and certificate (and its chain) of a PKCS#12 file at P12 opened with PASSWORD,
// written as the signing key and certificate of sc_sign_key_paths(DIR, PREFIX).  FALSE with
// *ERROR set: SC_ERROR_INPUT when the file cannot be read with PASSWORD or holds no key and
// matching certificate; SC_ERROR_IO when a key file exists already.  Copies all.
gboolean sc_sign_key_import(const char *dir, const char *prefix, const char *p12,
                            const char *password, GError **error);

// The signing key at KEY_PATH and its certificate (first PEM block; more blocks: its chain) at
// CERT_PATH.  NULL with *ERROR set (SC_ERROR_INPUT) when either cannot be read or they do not
// match.  Safe to use from several threads at once.  Caller frees with sc_signer_free().
sc_signer *sc_signer_load(const char *key_path, const char *cert_path, GError **error);
void sc_signer_free(sc_signer *signer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_signer, sc_signer_free)

// The most bytes sc_signer_cms() returns for SIGNER (room to leave in a PDF).
gsize sc_signer_max_size(const sc_signer *signer);

// The subject of SIGNER's certificate, one line.  Caller frees with g_free().
char *sc_signer_subject(const sc_signer *signer);

// A detached CMS SignedData (DER) over the bytes of DATA (LEN) followed by DATA2 (LEN2, may be
// 0): SHA-256, the signing-certificate-v2 attribute (ESS; CAdES), the signer's certificate and
// chain, and a signing time of WHEN (Unix time).  RSA keys sign deterministically: the same
// input and time give the same bytes.  NULL with *ERROR set (SC_ERROR_RENDER).  Borrows all.
// Caller frees with g_bytes_unref().
GBytes *sc_signer_cms(const sc_signer *signer, const guint8 *data, gsize len, const guint8 *data2,
                      gsize len2, gint64 when, GError **error);

// sc_signer_cms() for bytes whose SHA-256 (32 bytes) is SHA256, already worked out (the same
// DER as sc_signer_cms() over those bytes).
GBytes *sc_signer_cms_digest(const sc_signer *signer, const guint8 *sha256, gint64 when,
                             GError **error);

// Check the detached CMS signature CMS (DER, CMS_LEN, what follows the DER ignored) over DATA
// and DATA2: the digest and the signature, and, when CERT_PATH is given, that the signer's
// certificate is the first one in CERT_PATH.  The certificate's chain is not checked (no trust
// anchors here).  TRUE with *SUBJECT (may be NULL) the signer's subject (caller frees with
// g_free()); FALSE with *ERROR set (SC_ERROR_INPUT) saying why.  Borrows all.
gboolean sc_sign_check_cms(const guint8 *cms, gsize cms_len, const guint8 *data, gsize len,
                           const guint8 *data2, gsize len2, const char *cert_path, char **subject,
                           GError **error);

#endif
