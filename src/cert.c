// cert.c - the certificate: one record checked and typed (DESIGN.md "Data flows one way").
#include "cert.h"

#include "level.h"

#include <string.h>

// The names checks derive, with the ASCII aliases templates may use for them.
static const struct {
    const char *alias, *field;
} derived[] = {
    {"institution", SC_FIELD_INSTITUTION}, {"seal", SC_FIELD_SEAL},
    {"issue_year", SC_FIELD_ISSUE_YEAR},   {"issue_month", SC_FIELD_ISSUE_MONTH},
    {"issue_day", SC_FIELD_ISSUE_DAY},     {"level_code", SC_FIELD_LEVEL_CODE},
};

sc_cert *
sc_cert_new(const sc_record *record)
{
    g_return_val_if_fail(record != NULL, NULL);
    sc_cert *c = g_new0(sc_cert, 1);
    c->row = record->row;
    c->record = record;
    c->name = "";
    c->id_type = "";
    c->id_number = "";
    c->occupation = "";
    c->occupation_code = "";
    c->work_type = "";
    c->institution = "";
    c->seal = "";
    return c;
}

void
sc_cert_free(sc_cert *cert)
{
    if (cert == NULL)
        return;
    g_free(cert->id_normalised);
    g_free(cert->number);
    g_free(cert->photo);
    g_free(cert);
}

void
sc_cert_set_date(sc_cert *cert, int year, int month, int day)
{
    cert->year = year;
    cert->month = month;
    cert->day = day;
    g_snprintf(cert->issue_date, sizeof cert->issue_date, "%04d-%02d-%02d", year, month, day);
    g_snprintf(cert->issue_year, sizeof cert->issue_year, "%d", year);
}

void
sc_cert_set_level(sc_cert *cert, int level)
{
    cert->level = level;
}

void
sc_cert_set_id_number(sc_cert *cert, const char *borrowed, char *normalised)
{
    g_clear_pointer(&cert->id_normalised, g_free);
    if (normalised != NULL && strcmp(normalised, borrowed) != 0) {
        cert->id_normalised = normalised;
        cert->id_number = normalised;
    } else {
        g_free(normalised);
        cert->id_number = borrowed;
    }
}

void
sc_cert_set_number(sc_cert *cert, const char *number)
{
    g_free(cert->number);
    cert->number = g_strdup(number);
}

const char *
sc_cert_field_name(const char *name)
{
    const char *canonical = sc_field_canonical(name);
    if (canonical != NULL)
        return canonical;
    for (guint i = 0; i < G_N_ELEMENTS(derived); i++)
        if (g_ascii_strcasecmp(name, derived[i].alias) == 0)
            return derived[i].field;
    return name;
}

// N (1–31: a month, a day, a level code) as text, and 0 (a date not set yet) as "": constants,
// so that no certificate holds these.
static const char *
small_number(int n)
{
    static const char *const text[] = {"",   "1",  "2",  "3",  "4",  "5",  "6",  "7",
                                       "8",  "9",  "10", "11", "12", "13", "14", "15",
                                       "16", "17", "18", "19", "20", "21", "22", "23",
                                       "24", "25", "26", "27", "28", "29", "30", "31"};
    g_return_val_if_fail(n >= 0 && n < (int)G_N_ELEMENTS(text), "");
    return text[n];
}

// The typed value of canonical field NAME, or NULL when CERT does not type it.
static const char *
typed_value(const sc_cert *c, const char *name)
{
    static const char *const reference[] = {SC_FIELD_NAME, SC_FIELD_ID_TYPE, SC_FIELD_ID_NUMBER,
                                            SC_FIELD_OCCUPATION, SC_FIELD_WORK_TYPE};
    const char *const values[] = {c->name, c->id_type, c->id_number, c->occupation, c->work_type};
    for (guint i = 0; i < G_N_ELEMENTS(reference); i++)
        if (strcmp(name, reference[i]) == 0)
            return values[i];
    if (strcmp(name, SC_FIELD_OCCUPATION_CODE) == 0)
        return sc_record_get(c->record, name) != NULL ? c->occupation_code : NULL;
    if (strcmp(name, SC_FIELD_LEVEL) == 0 && c->level != 0)
        return sc_level_name(c->level);
    if (strcmp(name, SC_FIELD_NUMBER) == 0)
        return c->number != NULL ? c->number : "";
    if (strcmp(name, SC_FIELD_ISSUE_DATE) == 0)
        return c->issue_date;
    if (strcmp(name, SC_FIELD_PHOTO) == 0 && c->photo != NULL)
        return c->photo;
    if (strcmp(name, SC_FIELD_INSTITUTION) == 0)
        return c->institution;
    if (strcmp(name, SC_FIELD_SEAL) == 0)
        return c->seal;
    if (strcmp(name, SC_FIELD_ISSUE_YEAR) == 0)
        return c->issue_year;
    if (strcmp(name, SC_FIELD_ISSUE_MONTH) == 0)
        return small_number(c->month);
    if (strcmp(name, SC_FIELD_ISSUE_DAY) == 0)
        return small_number(c->day);
    if (strcmp(name, SC_FIELD_LEVEL_CODE) == 0 && c->level != 0)
        return small_number(c->level);
    return NULL;
}

const char *
sc_cert_lookup(const char *name, gpointer cert)
{
    const sc_cert *c = cert;
    const char *value = typed_value(c, sc_cert_field_name(name));
    return value != NULL ? value : sc_record_get(c->record, name);
}

sc_number_item
sc_cert_number_item(const sc_cert *cert)
{
    return (sc_number_item){.row = cert->row,
                            .name = cert->name,
                            .id_type = cert->id_type,
                            .id_number = cert->id_number,
                            .occupation = cert->occupation,
                            .occupation_code = cert->occupation_code,
                            .work_type = cert->work_type,
                            .level = cert->level,
                            .issue_date = cert->issue_date,
                            .date_given = cert->date_given};
}
