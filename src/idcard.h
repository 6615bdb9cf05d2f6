// idcard.h - 居民身份证 numbers (SPEC §4): 18 characters, GB 11643 check digit, birth date.
#ifndef SC_IDCARD_H
#define SC_IDCARD_H

#include "error.h"
#include <glib.h>

// The ISO 7064 MOD 11-2 check character ('0'–'9' or 'X') for the 17 digits at DIGITS17.
char sc_idcard_check_char(const char *digits17);

// Validate TEXT as an 18-character 居民身份证 number: 17 digits and a check character (a
// lower-case x accepted), a real birth date (positions 7–14, not in the future, year ≥ 1900),
// and the GB 11643 check character.  Returns the normalised number (x → X), or NULL with
// *ERROR set (SC_ERROR_INPUT) to one plain message such as "check digit is 7, expected X".
// Caller frees with g_free().  Borrows TEXT.
char *sc_idcard_normalize(const char *text, GError **error);

#endif
