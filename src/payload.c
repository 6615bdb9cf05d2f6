// payload.c - the signed payload of the QR code (issue 13; seed 002).  Ed25519 through OpenSSL:
// deterministic, so the same certificate gives the same code.
#include "payload.h"

#include "i18n.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Between the address and the facts in a pattern, and between the facts: a control character no
// checked record value or printed text carries (ASCII unit separator).
#define FACT_SEP    "\x1f"
#define FACTS       6 // address, number, date, level, name, identity number
#define SIGNED_LEN  43
#define SIG_DIGITS  (SC_PAYLOAD_DIGITS - SIGNED_LEN)
#define ED25519_SIG 64

struct sc_payload_key {
    EVP_PKEY *key;
    sc_code_encoder encoder;
};

static gboolean payload_encode(gpointer ctx, const char *text, char ec_level, sc_code_matrix *out,
                               GError **error);

sc_payload_key *
sc_payload_key_load(const char *path, GError **error)
{
    BIO *in = BIO_new_file(path, "r");
    EVP_PKEY *key = in != NULL ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) : NULL;
    BIO_free(in);
    ERR_clear_error();
    if (key == NULL || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: no Ed25519 private key (PEM) can be read (skillcert key new makes "
                      "one: qr_key)"),
                    path);
        EVP_PKEY_free(key);
        return NULL;
    }
    sc_payload_key *k = g_new0(sc_payload_key, 1);
    k->key = key;
    k->encoder = (sc_code_encoder){payload_encode, k};
    return k;
}

void
sc_payload_key_free(sc_payload_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->key);
    g_free(key);
}

const sc_code_encoder *
sc_payload_key_encoder(sc_payload_key *key)
{
    return &key->encoder;
}

void
sc_payload_sign_template(sc_template *tmpl)
{
    // A certificate without a level (专项职业能力) names no level field: its level is 0.
    const char *facts = tmpl->has_level
                            ? FACT_SEP "{证书编号}" FACT_SEP "{发证日期}" FACT_SEP
                                       "{等级代码}" FACT_SEP "{姓名}" FACT_SEP "{证件号码}"
                            : FACT_SEP "{证书编号}" FACT_SEP "{发证日期}" FACT_SEP FACT_SEP
                                       "{姓名}" FACT_SEP "{证件号码}";
    for (guint i = 0; i < tmpl->elements->len; i++) {
        sc_element *e = g_ptr_array_index(tmpl->elements, i);
        if (e->type != SC_ELEMENT_QRCODE || !e->sign || e->data == NULL)
            continue;
        char *data = g_strconcat(e->data, facts, NULL);
        g_free(e->data);
        e->data = data;
    }
}

void
sc_payload_cut_facts(char *text)
{
    text[strcspn(text, FACT_SEP)] = '\0';
}

guint32
sc_payload_holder(const char *number, const char *name, const char *id)
{
    // The forms a verifier types are the forms printed: NFC, no surrounding spaces, 'X' upper.
    g_autofree char *n = g_utf8_normalize(name, -1, G_NORMALIZE_NFC);
    g_autofree char *i = g_ascii_strup(id, -1);
    if (n == NULL) // not UTF-8: digested as given, matching nothing printed
        n = g_strdup(name);
    g_autofree char *text =
        g_strdup_printf("skillcert-holder-1\n%s\n%s\n%s", number, g_strstrip(n), g_strstrip(i));
    guint8 md[32];
    gsize len = sizeof md;
    GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)text, strlen(text));
    g_checksum_get_digest(sum, md, &len);
    g_checksum_free(sum);
    return (guint32)md[0] << 24 | (guint32)md[1] << 16 | (guint32)md[2] << 8 | md[3];
}

// --- Signing ------------------------------------------------------------------------------------

// The bytes signed: a context string, the address and the payload's first 43 digits.
static char *
signed_text(const char *address, const char *digits)
{
    return g_strdup_printf("skillcert-qr-1\n%s\n%.*s", address, SIGNED_LEN, digits);
}

// The 43 digits of the facts in FACT (number, date, level, name, id) into OUT (44 bytes), or
// FALSE with *ERROR set when a fact has not the form the payload holds.
static gboolean
fact_digits(char **fact, char out[SIGNED_LEN + 1], GError **error)
{
    sc_certno n;
    int y = 0, m = 0, d = 0;
    char tail;
    int level = *fact[2] == '\0' ? 0 : atoi(fact[2]);
    if (!sc_certno_split(fact[0], &n)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("the QR code's signed payload needs a 22-character number, not '%s'"),
                    fact[0]);
        return FALSE;
    }
    if (sscanf(fact[1], "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy(d, m, y) ||
        level < 0 || level > 9) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("the QR code's signed payload needs a date YYYY-MM-DD and a level code, "
                      "not '%s' and '%s'"),
                    fact[1], fact[2]);
        return FALSE;
    }
    // The number's letter as its base-36 value, then its 21 digits as printed.
    g_snprintf(out, SIGNED_LEN + 1, "1%02d%s%04d%02d%02d%d%010u", fact[0][0] - 'A' + 10,
               fact[0] + 1, y, m, d, level, sc_payload_holder(fact[0], fact[3], fact[4]));
    return TRUE;
}

// SIG (64 bytes) as 155 decimal digits appended to OUT.
static void
append_signature(GString *out, const guint8 *sig)
{
    BIGNUM *bn = BN_bin2bn(sig, ED25519_SIG, NULL);
    char *dec = BN_bn2dec(bn);
    for (gsize k = strlen(dec); k < SIG_DIGITS; k++)
        g_string_append_c(out, '0');
    g_string_append(out, dec);
    OPENSSL_free(dec);
    BN_free(bn);
}

// The code's text for the pattern-expanded TEXT (address and facts): the address, "#", the
// payload.  NULL with *ERROR set.
static char *
payload_text(const sc_payload_key *k, const char *text, GError **error)
{
    g_auto(GStrv) fact = g_strsplit(text, FACT_SEP, -1);
    char digits[SIGNED_LEN + 1];
    if (g_strv_length(fact) != FACTS) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("the QR code's data holds a control character (U+001F)"));
        return NULL;
    }
    if (!fact_digits(fact + 1, digits, error))
        return NULL;
    g_autofree char *msg = signed_text(fact[0], digits);
    guint8 sig[ED25519_SIG];
    size_t sig_len = sizeof sig;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    // Ed25519 hashes the message itself: no digest is named.
    gboolean ok = EVP_DigestSignInit(md, NULL, NULL, NULL, k->key) == 1 &&
                  EVP_DigestSign(md, sig, &sig_len, (const guint8 *)msg, strlen(msg)) == 1 &&
                  sig_len == ED25519_SIG;
    EVP_MD_CTX_free(md);
    if (!ok) {
        ERR_clear_error();
        g_set_error_literal(error, SC_ERROR, SC_ERROR_RENDER,
                            _("cannot sign the QR code's payload"));
        return NULL;
    }
    GString *out = g_string_new(fact[0]);
    g_string_append_printf(out, "#%s", digits);
    append_signature(out, sig);
    return g_string_free(out, FALSE);
}

static gboolean
payload_encode(gpointer ctx, const char *text, char ec_level, sc_code_matrix *out, GError **error)
{
    if (strstr(text, FACT_SEP) == NULL) // a code that carries no payload
        return sc_qr_encoder()->encode(NULL, text, ec_level, out, error);
    g_autofree char *full = payload_text(ctx, text, error);
    GError *e = NULL;
    if (full == NULL)
        return FALSE;
    if (sc_qr_encode_mixed(full, ec_level, SC_PAYLOAD_MAX_VERSION, out, &e))
        return TRUE;
    // Only the address can be made shorter: say so, with what fits.
    g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                _("the QR code's address (%zu characters) is too long to carry the signed "
                  "payload: %s; about 74 characters fit at error correction M"),
                (size_t)(strrchr(full, '#') - full), e->message);
    g_error_free(e);
    return FALSE;
}

// --- Reading back -------------------------------------------------------------------------------

// Whether the N bytes of S are all digits.
static gboolean
all_digits(const char *s, gsize n)
{
    for (gsize i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return FALSE;
    return TRUE;
}

// The value of the N digits at D (payload.h's fixed-width fields).
static guint64
field(const char *d, int n)
{
    guint64 v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (guint64)(d[i] - '0');
    return v;
}

// The facts of D (the 43 signed digits, laid out as payload.h says) into *OUT; FALSE when they
// are not a payload's.
static gboolean
parse_facts(const char *d, sc_payload *out)
{
    int letter = (int)field(d + 1, 2);
    int y = (int)field(d + 24, 4), m = (int)field(d + 28, 2), day = (int)field(d + 30, 2);
    guint64 holder = field(d + 33, 10);
    if (d[0] != '1' || letter < 10 || letter > 35 || !g_date_valid_dmy(day, m, y) ||
        holder > G_MAXUINT32)
        return FALSE;
    out->number[0] = (char)('A' + letter - 10);
    memcpy(out->number + 1, d + 3, SC_CERTNO_LEN - 1);
    out->number[SC_CERTNO_LEN] = '\0';
    g_snprintf(out->issue_date, sizeof out->issue_date, "%04d-%02d-%02d", y, m, day);
    out->level = d[32] - '0';
    out->holder = (guint32)holder;
    return TRUE;
}

// The public key of the first certificate of PATH, or NULL with *ERROR set (SC_ERROR_IO).
static EVP_PKEY *
public_key(const char *path, GError **error)
{
    BIO *in = BIO_new_file(path, "r");
    X509 *x = in != NULL ? PEM_read_bio_X509(in, NULL, NULL, NULL) : NULL;
    EVP_PKEY *key = x != NULL ? X509_get_pubkey(x) : NULL;
    X509_free(x);
    BIO_free(in);
    ERR_clear_error();
    if (key == NULL || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO,
                    _("%s: no certificate of an Ed25519 key (PEM) can be read (qr_certificate)"),
                    path);
        EVP_PKEY_free(key);
        return NULL;
    }
    return key;
}

// Whether SIG_DIGITS (155 digits) are the signature of MSG by KEY.
static gboolean
signature_holds(EVP_PKEY *key, const char *msg, const char *sig_digits)
{
    char dec[SIG_DIGITS + 1];
    memcpy(dec, sig_digits, SIG_DIGITS);
    dec[SIG_DIGITS] = '\0';
    BIGNUM *bn = NULL;
    guint8 sig[ED25519_SIG];
    gboolean ok = BN_dec2bn(&bn, dec) == SIG_DIGITS && BN_num_bytes(bn) <= ED25519_SIG &&
                  BN_bn2binpad(bn, sig, sizeof sig) == ED25519_SIG;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ok = ok && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
         EVP_DigestVerify(md, sig, sizeof sig, (const guint8 *)msg, strlen(msg)) == 1;
    EVP_MD_CTX_free(md);
    BN_free(bn);
    ERR_clear_error();
    return ok;
}

gboolean
sc_payload_check(const char *text, const char *cert_path, sc_payload *out, char **address,
                 GError **error)
{
    const char *hash = strrchr(text, '#');
    const char *d = hash != NULL ? hash + 1 : NULL;
    if (d == NULL || strlen(d) != SC_PAYLOAD_DIGITS || !all_digits(d, SC_PAYLOAD_DIGITS) ||
        !parse_facts(d, out)) {
        g_set_error_literal(error, SC_ERROR, SC_ERROR_INPUT,
                            _("the QR code carries no signed payload (only an address?)"));
        return FALSE;
    }
    EVP_PKEY *key = public_key(cert_path, error);
    if (key == NULL)
        return FALSE;
    g_autofree char *addr = g_strndup(text, hash - text);
    g_autofree char *msg = signed_text(addr, d);
    gboolean ok = signature_holds(key, msg, d + SIGNED_LEN);
    EVP_PKEY_free(key);
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("the QR code's signature does not match: its text was changed, or it was "
                      "signed by another key than %s"),
                    cert_path);
        return FALSE;
    }
    if (address != NULL)
        *address = g_steal_pointer(&addr);
    return TRUE;
}
