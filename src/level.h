// level.h - 职业技能等级 names and codes (SPEC §3 position 16, §4).
#ifndef SC_LEVEL_H
#define SC_LEVEL_H

#include "error.h"
#include <glib.h>

// Codes are the digit of position 16: 1 一级/高级技师 … 5 五级/初级工; 9 预备技师 (Chongqing
// technician schools, seeds/001).
#define SC_LEVEL_PREP 9

// Parse TEXT in any accepted form: "四级/中级工", "四级", "中级工", "4" (also full-width digits
// and surrounding spaces; "四级／中级工" with a full-width slash), "预备技师" or "9"; as the
// official summary table writes them, "三级（高级工）" and "高级工（三级）" (full-width or ASCII
// parentheses); "4级"; Roman "Ⅳ级" or "IV级" (Ⅰ–Ⅴ, I–V, full-width Ｉ–Ｖ).  Returns the
// code, or 0 with *ERROR set (SC_ERROR_INPUT) naming what is accepted.  Borrows TEXT.
int sc_level_parse(const char *text, GError **error);

// Whether CODE is a level code: 1–5 (seeds/004 表7) or 9 预备技师 (seeds/001 附件6 二(七)).
// Which profile issues which is sc_certno_profile_allows_level().
gboolean sc_level_is_code(int code);

// The canonical printed name of CODE ("四级/中级工"; "预备技师" for 9), or NULL if CODE is not a
// level.  Returns a static string.
const char *sc_level_name(int code);

#endif
