// certno.h - 22-character certificate numbers and province profiles (SPEC §3; seeds/004 一–三,
// 000 附件3, 001, 002 附件5).
#ifndef SC_CERTNO_H
#define SC_CERTNO_H

#include "error.h"
#include <glib.h>

#define SC_CERTNO_LEN        22
#define SC_CERTNO_PREFIX_LEN 13 // positions 1–13, fixed for an institution
#define SC_CERTNO_SERIAL_MAX 999999

// Which province's structure positions 8–13 follow, and its extra constraints.  The type is
// certno's: its functions are sc_certno_profile_*().
typedef enum {
    SC_PROFILE_NATIONAL,     // any province of the table; 8–13 unstructured (000 附件3)
    SC_PROFILE_GUIZHOU,      // province 52; 8–13 unstructured
    SC_PROFILE_GUANGDONG,    // province 44; city, unit type, order (004 二(四))
    SC_PROFILE_LIAONING,     // province 21; city, unit type, order (002 附件5)
    SC_PROFILE_CHONGQING_TS, // province 50, technician schools: S, 0000, levels 3/4/5/9 (001)
} sc_profile;

// A parsed number; the strings are NUL-terminated digits.
typedef struct {
    char category;    // 'Y' or 'S'
    char route[5];    // positions 2–5
    char province[3]; // positions 6–7
    char site[7];     // positions 8–13
    int year;         // positions 14–15, 0–99
    int level;        // position 16
    int serial;       // positions 17–22, 1–999999
} sc_certno;

// PROFILE for its NAME ("national", "guizhou", "guangdong", "liaoning", "chongqing-ts").
// Returns FALSE for an unknown name.
gboolean sc_certno_profile_from_name(const char *name, sc_profile *profile);

// The name of PROFILE as sc_certno_profile_from_name() takes it.  Static string.
const char *sc_certno_profile_name(sc_profile profile);

// The Chinese name of province CODE ("44" → "广东省"), or NULL.  Static string.
const char *sc_certno_province_name(const char *code);

// The Chinese name of city CODE (positions 8–9, two digits) under PROFILE ("03" → "深圳市" for
// Guangdong, 004 表5; "01" → "沈阳市" for Liaoning, 002 附件5 四), or NULL when PROFILE has no city
// field or CODE is not in its table.  Static string.
const char *sc_certno_profile_city_name(sc_profile profile, const char *code);

// The Chinese name of unit type DIGIT (position 10, '1'…) under PROFILE for CATEGORY ('Y' or
// 'S'; Guangdong's table depends on it, 004 表6-1/6-2), or NULL when PROFILE has no unit-type
// field or DIGIT is not in its table.  Static string.
const char *sc_certno_profile_unit_type_name(sc_profile profile, char category, char digit);

// Whether PROFILE allows level CODE (1–5 everywhere but Chongqing technician schools: 3, 4, 5, 9).
gboolean sc_certno_profile_allows_level(sc_profile profile, int level);

// Validate the institution's fixed part PREFIX (exactly 13 characters: positions 1–13) against
// PROFILE.  Returns FALSE with *ERROR set (SC_ERROR_INPUT) listing every problem, one per line,
// each naming the positions, the field and the reason ("positions 6–7: province code 99 does not
// exist").  Borrows PREFIX.
gboolean sc_certno_check_prefix(const char *prefix, sc_profile profile, GError **error);

// One problem of a number: FIRST is the first position of the field it is about (1–22), or 0
// for one about the number as a whole (its length, its encoding); MESSAGE is its line as
// sc_certno_check_prefix() words it (translated).  Borrows MESSAGE for the call.
typedef void (*sc_certno_problem_func)(int first, const char *message, gpointer data);

// The same check as sc_certno_check_prefix(), handing each problem to FUNC with DATA instead of
// joining them, so a caller can tell which field each is about without reading the words.
// Returns TRUE when there is none.  Borrows PREFIX.
gboolean sc_certno_check_prefix_each(const char *prefix, sc_profile profile,
                                     sc_certno_problem_func func, gpointer data);

// Parse and validate TEXT as a full number under PROFILE.  Returns TRUE and fills *OUT, or
// FALSE with *ERROR set (SC_ERROR_INPUT) listing every problem as above (a wrong length is one
// problem, reported with the length found).  Borrows TEXT.
gboolean sc_certno_parse(const char *text, sc_profile profile, sc_certno *out, GError **error);

// The same check as sc_certno_parse(), handing each problem to FUNC with DATA (as
// sc_certno_check_prefix_each() does) instead of joining them.  Returns TRUE and fills *OUT
// (when not NULL) when there is none.  Borrows TEXT.
gboolean sc_certno_parse_each(const char *text, sc_profile profile, sc_certno *out,
                              sc_certno_problem_func func, gpointer data);

// Read the fields of TEXT when it has a number's shape (a capital letter and 21 digits) without
// judging their values under any profile: for a number validated before (a register's
// records).  Returns TRUE and fills *OUT, or FALSE.  Borrows TEXT.
gboolean sc_certno_split(const char *text, sc_certno *out);

// The number of the institution whose positions 1–13 are PREFIX (a capital letter and 12
// digits), for YEAR (the year of issue, such as 2026: positions 14–15 are its last two digits),
// level code LEVEL (sc_level_is_code()) and SERIAL (1–SC_CERTNO_SERIAL_MAX).  Returns TRUE and
// fills *OUT, or FALSE if any part is out of range.  Borrows PREFIX.
gboolean sc_certno_make(const char *prefix, int year, int level, int serial, sc_certno *out);

// Positions 1–13 of NUMBER, the institution's part, NUL-terminated in OUT.
void sc_certno_get_prefix(const sc_certno *number, char out[SC_CERTNO_PREFIX_LEN + 1]);

// Whether NUMBER agrees with the certificate it is given to: positions 1–13 with the
// institution's PREFIX, 14–15 with YEAR of 发证日期 (four digits), 16 with level code LEVEL.
// Each disagreement goes to FUNC with DATA, FIRST being 1, 14 or 16 ("positions 14–15 say 2025,
// but 发证日期 is 2026").  A NULL PREFIX, a YEAR below 1 or a LEVEL 0 is not compared.  Returns
// TRUE when all agree.  Borrows PREFIX.
gboolean sc_certno_check_agrees(const sc_certno *number, const char *prefix, int year, int level,
                                sc_certno_problem_func func, gpointer data);

// The 22-character form of NUMBER.  Caller frees with g_free().
char *sc_certno_format(const sc_certno *number);

// A multi-line explanation of TEXT under PROFILE, one field per line with positions, the value
// and its meaning in Chinese (category, route, province name, city and unit type where the
// profile defines them, year, level name, serial).  Returns NULL with *ERROR set as
// sc_certno_parse() does when the number is invalid.  Caller frees with g_free().
char *sc_certno_explain(const char *text, sc_profile profile, GError **error);

#endif
