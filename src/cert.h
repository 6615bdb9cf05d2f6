// cert.h - the certificate: one record checked and typed (DESIGN.md "Data flows one way").
// check makes it from a record, numbering fills its number, layout and render read it through
// sc_cert_lookup(); nobody rewrites the record behind another stage's back.
#ifndef SC_CERT_H
#define SC_CERT_H

#include "certno.h"
#include "numbering.h"
#include "photo.h"
#include "record.h"
#include <glib.h>

// Names templates may use besides SPEC §4's fields (and their ASCII aliases, in brackets).
#define SC_FIELD_LEVEL_CODE  "等级代码"     // "4" (level_code)
#define SC_FIELD_ISSUE_YEAR  "发证年"       // "2026" (issue_year)
#define SC_FIELD_ISSUE_MONTH "发证月"       // "11", no leading zero (issue_month)
#define SC_FIELD_ISSUE_DAY   "发证日"       // "3" (issue_day)
#define SC_FIELD_INSTITUTION "评价机构名称" // the institution's filed name (institution)
#define SC_FIELD_SEAL        "印章"         // the seal image's path, or "" (seal)

// Every certificate of a batch is held until the batch is drawn: the pointers come first and the
// small fields after them, so that none needs padding.
typedef struct {
    const sc_record *record; // borrowed: the columns the certificate does not type
    // The texts as checked.  Those the check does not change are borrowed from the record, the
    // institution or a constant (a batch of 100,000 holds every certificate: issue 9).
    const char *name;
    const char *id_type;   // 居民身份证 when the record leaves it empty
    const char *id_number; // normalised (upper-case X): the record's own text when it already is,
    char *id_normalised;   // else this copy, owned (NULL when the record's text is borrowed)
    const char *occupation;
    const char *occupation_code; // "" when none
    const char *work_type;       // "——" when empty (SPEC §2)
    char *number;            // the 22 characters printed: given, predicted or issued; NULL before
    char *photo;             // the photo file found, or NULL
    const char *institution; // the institution's name as filed, or ""
    const char *seal;        // the seal image's path, or ""
    sc_certno given;         // the record's number, parsed, when NUMBER_GIVEN
    guint row;               // the record's row in its file
    int level;               // 1–5 or 9; 0 when the certificate has no level or it is invalid
    int year;                // 发证日期 ...
    guint8 month, day;       // ... its month and day (a batch holds every certificate)
    gboolean date_given;     // the record's own 发证日期 (else the batch's default)
    gboolean number_given;   // the record carries its number, parsed into GIVEN
    sc_number_status status; // new, reprint or corrected, once numbered
    // The date as templates print it; its month, its day and the level code are a constant's
    // (sc_cert_lookup()).
    char issue_date[11]; // YYYY-MM-DD
    char issue_year[5];
} sc_cert;

// A certificate for RECORD, every text field empty.  Borrows RECORD: it must outlive the
// certificate, as must the institution and whatever the borrowed texts point to.  Caller frees with
// sc_cert_free().
sc_cert *sc_cert_new(const sc_record *record);
void sc_cert_free(sc_cert *cert);

// Set the issue date and the values derived from it.
void sc_cert_set_date(sc_cert *cert, int year, int month, int day);

// Set the level (a code of sc_level_is_code(), or 0).
void sc_cert_set_level(sc_cert *cert, int level);

// Set the ID number: NORMALISED (taken; may be NULL) when it differs from BORROWED, the record's
// text, else BORROWED itself, which must outlive the certificate (most numbers are written
// normalised: a batch of 100,000 need not hold a second copy of each).
void sc_cert_set_id_number(sc_cert *cert, const char *borrowed, char *normalised);

// Set (copies) or clear (NULL) the number printed.
void sc_cert_set_number(sc_cert *cert, const char *number);

// The value of template field NAME for CERT (an sc_field_lookup: DATA is the sc_cert): SPEC
// §4's fields by their Chinese names or ASCII aliases as checked and typed, the names above, and
// any other column of the record by its header; NULL for a name the record does not have.
// Valid until CERT is changed or freed.
const char *sc_cert_lookup(const char *name, gpointer cert);

// The name problems use for template field NAME: the canonical name of a known field or alias
// (" name " → "姓名", "issue_year" → "发证年"), else NAME itself.  Static or borrowed string.
const char *sc_cert_field_name(const char *name);

// What a number source needs of CERT: its holder, occupation, work type, level and 发证日期 (the
// strings borrowed from CERT); the number and what the run asks are the caller's to add.
sc_number_item sc_cert_number_item(const sc_cert *cert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_cert, sc_cert_free)

#endif
