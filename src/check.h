// check.h - check records and make certificates of them before anything is printed or issued
// (SPEC §2, §4; DESIGN.md "checks").  Every problem of the batch is collected; nothing stops at
// the first.
#ifndef SC_CHECK_H
#define SC_CHECK_H

#include "cert.h"
#include "error.h"
#include "institution.h"
#include "record.h"
#include "template.h"

typedef struct {
    const sc_template *tmpl;                // which fields reach the certificate; has_level
    const sc_institution *institution;      // profile, prefix, forbidden words; may be NULL
    const char *photo_dir;                  // where photos are looked up; NULL = no photo checks
    sc_photo_files *photo_files;            // photos read once (render loads them from it); or NULL
    int batch_year, batch_month, batch_day; // the default 发证日期
} sc_check_options;

// Check every record of RECORDS and make its certificate: 证件类型 defaults to 居民身份证,
// 证件号码 upper-cased X, 工种名称 empty → "——", 职业技能等级 typed (printed canonically,
// "四级/中级工"), 发证日期 parsed (else the batch's), the given 证书编号 parsed, the photo file
// found and probed, the institution's name and seal.  Every printed field the record supplies is
// refused when it has a '?' (an ANSI/GBK export's lost character), a format or control character
// (given by its U+ code); a cell of only invisible characters is empty.  The same 证件号码 under
// two names is a problem.  Forbidden words (seeds/004 四(四)1, and the institution's list) are
// looked for in the template's own text, once per batch, never in what a record supplies.
// Every problem goes to PROBLEMS under the file, row, holder's name and field.  Returns one
// certificate per record, in order (sc_cert *; a record with problems has an incomplete one, to
// be reported, not printed).  Borrows everything: RECORDS must outlive the certificates.
// Caller frees with g_ptr_array_unref().
GPtrArray *sc_check_records(const sc_records *records, const sc_check_options *opts,
                            sc_problems *problems);

// Parse TEXT as YYYY-MM-DD or YYYY年M月D日 (also YYYY/M/D, YYYY.M.D, YYYYMMDD, and any of the
// first three followed by a time of day as Excel writes it: "2026-12-18 00:00:00",
// "2026/12/18 0:00"), a real date.  Returns FALSE if it is not one.
gboolean sc_check_parse_date(const char *text, int *year, int *month, int *day);

#endif
