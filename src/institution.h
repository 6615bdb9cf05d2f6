// institution.h - the assessing institution as filed: name, the fixed part of its certificate
// numbers (positions 1–13, SPEC §3), its province profile, seal and QR data.
#ifndef SC_INSTITUTION_H
#define SC_INSTITUTION_H

#include "certno.h"
#include "error.h"
#include <glib.h>

// Where the institution's seal image is printed (SPEC §2: "the institution chooses where its
// seal image is printed"): a set of these, from the institution file's seal_on key.
typedef enum {
    SC_SEAL_ELECTRONIC = 1 << 0, // per-holder electronic certificates (--split)
    SC_SEAL_FULL = 1 << 1,       // the full design on blank paper
    SC_SEAL_STOCK = 1 << 2,      // printing on pre-printed certificate stock (套打)
} sc_seal_on;
// The default: electronic certificates and full prints; stock is stamped by hand.
#define SC_SEAL_DEFAULT (SC_SEAL_ELECTRONIC | SC_SEAL_FULL)

typedef struct {
    char *path;
    char *name;                            // 评价机构名称 exactly as filed (SPEC §2)
    char prefix[SC_CERTNO_PREFIX_LEN + 1]; // positions 1–13: category, route, province, site
    sc_profile profile;
    char *seal;      // absolute path of the seal image, or NULL
    char *qr_data;   // the QR data pattern with {field} placeholders, or NULL for the template's
    char *forbidden; // extra words the certificate must not contain, comma-separated, or NULL
    char *register_path; // absolute path of the register when the file names one, or NULL
    guint seal_on;       // sc_seal_on flags
    // Issue 13: the keys (sign.h), absolute paths, or NULL when the file names none.
    char *key;            // the signing key (PEM): every electronic certificate is signed
    char *certificate;    // its certificate (PEM), with its chain
    char *qr_key;         // the Ed25519 key of the QR code's signed payload
    char *qr_certificate; // its certificate
    gboolean qr_signed;   // qr_signed = yes: the QR code carries the signed payload
} sc_institution;

// Load the institution file at PATH ([institution] name, category, route, province, site,
// profile, and optional seal, seal_on, qr_data, forbidden_words, key, certificate, qr_key,
// qr_certificate, qr_signed).  Key paths are relative to the file; key needs certificate, and
// qr_signed = yes needs qr_key.  seal_on is a comma-separated
// list of electronic, full, stock, or none (default: electronic, full).  Positions 1–13 are
// validated against the profile; every problem is reported at once as "PATH: KEY: message".  Only a
// regular file of at most SC_KEYFILE_MAX_BYTES is read (sc_file_read()).  NULL with *ERROR set
// (SC_ERROR_INPUT or G_FILE_ERROR).  Caller frees with sc_institution_free().
sc_institution *sc_institution_load(const char *path, GError **error);
sc_institution *sc_institution_parse(const char *data, gsize len, const char *path, GError **error);
void sc_institution_free(sc_institution *inst);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_institution, sc_institution_free)

#endif
