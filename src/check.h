// check.h - check and normalise records before anything is printed or issued (SPEC §2, §4;
// DESIGN.md "checks").  Every problem of the batch is collected; nothing stops at the first.
#ifndef SC_CHECK_H
#define SC_CHECK_H

#include "error.h"
#include "institution.h"
#include "record.h"
#include "template.h"

// Fields that checks add to each record for templates (besides normalising SPEC §4's).
#define SC_FIELD_LEVEL_CODE "等级代码"     // "4"
#define SC_FIELD_ISSUE_YEAR "发证年"       // "2026"
#define SC_FIELD_ISSUE_MONTH "发证月"      // "11" (no leading zero)
#define SC_FIELD_ISSUE_DAY "发证日"        // "3"
#define SC_FIELD_INSTITUTION "评价机构名称" // from the institution file
#define SC_FIELD_SEAL "印章"               // the seal image's path, or ""

typedef struct {
    const sc_template *tmpl;            // which fields reach the certificate; has_level
    const sc_institution *institution;  // profile, prefix, forbidden words; may be NULL
    const char *photo_dir;              // where photos are looked up; NULL = no photo checks
    int batch_year, batch_month, batch_day; // the default 发证日期
} sc_check_options;

// Check every record of RECORDS and normalise it in place: 证件类型 defaults to 居民身份证,
// 证件号码 upper-cased X, 工种名称 empty → "——", 职业技能等级 canonical ("四级/中级工"),
// 发证日期 YYYY-MM-DD, 照片 the path of the photo file found; plus the fields above.  Every problem goes to PROBLEMS as
// "FILE:ROW: FIELD: message".  Borrows everything.
void sc_check_records(sc_records *records, const sc_check_options *opts, sc_problems *problems);

// Parse TEXT as YYYY-MM-DD or YYYY年M月D日 (also YYYY/M/D), a real date.  Returns FALSE if it
// is not one.
gboolean sc_check_parse_date(const char *text, int *year, int *month, int *day);

// The words seeds/004 四(四) forbids on Guangdong certificates, comma-separated.  Static string.
const char *sc_check_guangdong_words(void);

#endif
