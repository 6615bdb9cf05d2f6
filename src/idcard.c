// idcard.c - 居民身份证 numbers (SPEC §4): GB 11643 layout, ISO 7064 MOD 11-2 check character,
// birth date.
#include "idcard.h"

#include "i18n.h"

#include <string.h>

// GB 11643-1999 §8.2 (ISO 7064:1983 MOD 11-2): the weights of positions 1–17 and the check
// character for each remainder of the weighted sum modulo 11.
static const int check_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[] = "10X98765432";

#define IDCARD_LENGTH   18
#define IDCARD_MIN_YEAR 1900

char
sc_idcard_check_char(const char *digits17)
{
    g_return_val_if_fail(digits17 != NULL, '\0');

    int sum = 0;
    for (int i = 0; i < 17; i++) {
        g_return_val_if_fail(g_ascii_isdigit(digits17[i]), '\0');
        sum += (digits17[i] - '0') * check_weights[i];
    }
    return check_chars[sum % 11];
}

// C as a message quotes it: 'A' when printable, else U+0009.  Caller frees with g_free().
static char *
describe_char(gunichar c)
{
    if (g_unichar_isgraph(c)) {
        char utf8[8] = {0};
        g_unichar_to_utf8(c, utf8);
        return g_strdup_printf("'%s'", utf8);
    }
    return g_strdup_printf("U+%04X", c);
}

// Check the birth date YYYYMMDD at DIGITS8 (GB 11643 §5.2: positions 7–14): a real calendar
// date, year ≥ 1900, not after today in local time.  Sets *ERROR and returns FALSE otherwise.
static gboolean
check_birth_date(const char *digits8, GError **error)
{
    char text[9];
    memcpy(text, digits8, 8);
    text[8] = '\0';

    int ymd = (int)g_ascii_strtoull(text, NULL, 10);
    int year = ymd / 10000, month = ymd / 100 % 100, day = ymd % 100;

    if (month < 1 || month > 12 || day < 1 ||
        !g_date_valid_dmy((GDateDay)day, (GDateMonth)month, (GDateYear)year)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("birth date %s is not a real date"), text);
        return FALSE;
    }
    if (year < IDCARD_MIN_YEAR) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("birth date %s is before %d"), text,
                    IDCARD_MIN_YEAR);
        return FALSE;
    }

    GDateTime *now = g_date_time_new_now_local();
    int today = g_date_time_get_year(now) * 10000 + g_date_time_get_month(now) * 100 +
                g_date_time_get_day_of_month(now);
    g_date_time_unref(now);
    if (ymd > today) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("birth date %s is in the future"), text);
        return FALSE;
    }
    return TRUE;
}

char *
sc_idcard_normalize(const char *text, GError **error)
{
    g_return_val_if_fail(text != NULL, NULL);

    if (!g_utf8_validate(text, -1, NULL)) {
        g_set_error_literal(error, SC_ERROR, SC_ERROR_INPUT, _("is not valid UTF-8 text"));
        return NULL;
    }

    // Length in characters, not bytes, so "found 17" counts what the user sees.
    glong length = g_utf8_strlen(text, -1);
    if (length == 15) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("must be %d characters, found %ld (an old 15-digit number: use the "
                      "18-character number of the current card)"),
                    IDCARD_LENGTH, length);
        return NULL;
    }
    if (length != IDCARD_LENGTH) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("must be %d characters, found %ld"),
                    IDCARD_LENGTH, length);
        return NULL;
    }

    // Positions 1–17 digits, 18 a digit or X (GB 11643 §5); full-width digits and Ｘ, as
    // typed with a Chinese input method, are read as their ASCII forms, x as X.
    char number[IDCARD_LENGTH + 1];
    const char *p = text;
    for (int i = 0; i < IDCARD_LENGTH; i++, p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c >= 0xFF10 && c <= 0xFF19)
            c = '0' + (c - 0xFF10);
        else if (c == 0xFF38 || c == 0xFF58)
            c = 'X';
        if (i == IDCARD_LENGTH - 1 && (c == 'x' || c == 'X')) {
            number[i] = 'X';
            continue;
        }
        if (c < 0x80 && g_ascii_isdigit((char)c)) {
            number[i] = (char)c;
            continue;
        }
        char *what = describe_char(c);
        if (i == IDCARD_LENGTH - 1)
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("character %d is %s, must be a digit or X"), i + 1, what);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("character %d is %s, must be a digit"),
                        i + 1, what);
        g_free(what);
        return NULL;
    }
    number[IDCARD_LENGTH] = '\0';

    if (!check_birth_date(number + 6, error))
        return NULL;

    char expected = sc_idcard_check_char(number);
    if (number[17] != expected) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("check digit is %c, expected %c"),
                    number[17], expected);
        return NULL;
    }
    return g_strdup(number);
}
