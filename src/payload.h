// payload.h - the signed payload of the QR code (issue 13; seed 002: an electronic certificate
// as hard to forge as paper; SPEC §2: the 30 mm symbol).  A code encoder wrapped around
// libqrencode's (DESIGN.md "Two plug points"), and the reading of the payload back.
//
// What the code holds: the address the template or institution names, then "#" and 198
// digits (QR numeric mode, 3.3 bits a digit: the address's fragment, which a phone opening the
// address does not send):
//
//   1        format version 1
//   2 + 21   the certificate number: its capital letter as 10–35, then its 21 digits
//   8        发证日期 YYYYMMDD
//   1        level code, 0 for a certificate without a level
//   10       holder digest: the first 32 bits of SHA-256("skillcert-holder-1\n" NUMBER "\n"
//            NAME "\n" ID), NAME in NFC without surrounding spaces, ID upper-case
//   155      Ed25519 signature, a 512-bit big-endian number, over "skillcert-qr-1\n" ADDRESS
//            "\n" and the 43 digits before it
//
// The holder digest confirms a name and identity number one already has; it is salted with
// the certificate number (no table computed once serves two certificates) and cut to 32 bits,
// so that the identity-number space (about 2^37 numbers) leaves some 30 candidates per digest.
// It cannot hide the number from someone who knows the holder's region and birth date (1,000
// candidates): no digest that anyone can check can.  The number is printed beside the code on
// the certificate itself; the digest is there to bind the code to the holder, not to hide.
// A forger presenting one holder's code for another matches the digest once in 2^32.
//
// With the default address (52 bytes) the code is version 8 at error correction M: 49 modules,
// 0.61 mm each in 30 mm.  SC_PAYLOAD_MAX_VERSION is enforced when encoding.
#ifndef SC_PAYLOAD_H
#define SC_PAYLOAD_H

#include "certno.h"
#include "error.h"
#include "qr.h"
#include "template.h"
#include <glib.h>

// The largest symbol with modules of at least 0.6 mm in SPEC §2's 30 mm box (17 + 4 × 8 = 49).
#define SC_PAYLOAD_MAX_VERSION 8
#define SC_PAYLOAD_DIGITS      198

// The facts a payload signs, as read back.
typedef struct {
    char number[SC_CERTNO_LEN + 1];
    char issue_date[11]; // YYYY-MM-DD
    int level;           // 0 when the certificate has none
    guint32 holder;      // the holder digest
} sc_payload;

// The institution's QR key (an Ed25519 private key, PEM) and the code encoder signing with it.
typedef struct sc_payload_key sc_payload_key; // opaque: sc_payload_key_load() / _free()

// The key at PATH.  NULL with *ERROR set (SC_ERROR_INPUT) when it cannot be read or is not
// Ed25519.  Safe to use from several threads at once.  Caller frees with sc_payload_key_free().
sc_payload_key *sc_payload_key_load(const char *path, GError **error);
void sc_payload_key_free(sc_payload_key *key);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_payload_key, sc_payload_key_free)

// The code encoder of KEY: a text made by a pattern of sc_payload_sign_template() is encoded as
// its address with the signed payload, at most SC_PAYLOAD_MAX_VERSION; any other text as
// sc_qr_encoder() does.  Valid until sc_payload_key_free(KEY).
const sc_code_encoder *sc_payload_key_encoder(sc_payload_key *key);

// Make every QR code element of TMPL that allows it (its `signed`, default yes) carry the facts
// the encoder signs: its data pattern gets the number, date, level, name and identity number
// appended, after a separator no printed text has, for sc_payload_key_encoder() to take off.
void sc_payload_sign_template(sc_template *tmpl);

// The address part of TEXT, a data pattern expanded (the facts cut off in place, for a link).
void sc_payload_cut_facts(char *text);

// The holder digest of NAME and ID on certificate NUMBER.  Borrows all.
guint32 sc_payload_holder(const char *number, const char *name, const char *id);

// The payload TEXT (a QR code's text) carries, its signature checked with the public key of the
// first certificate of CERT_PATH (PEM).  TRUE with *OUT filled and *ADDRESS (may be NULL; caller
// frees with g_free()) the address before it; FALSE with *ERROR set: SC_ERROR_INPUT when TEXT
// holds no payload of this format or its signature does not match (a changed character, another
// key), SC_ERROR_IO when CERT_PATH cannot be read.  Borrows all.
gboolean sc_payload_check(const char *text, const char *cert_path, sc_payload *out, char **address,
                          GError **error);

#endif
