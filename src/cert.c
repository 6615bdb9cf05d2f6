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
    c->id_number = g_strdup("");
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
    g_free(cert->id_number);
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
    g_snprintf(cert->issue_month, sizeof cert->issue_month, "%d", month);
    g_snprintf(cert->issue_day, sizeof cert->issue_day, "%d", day);
}

void
sc_cert_set_level(sc_cert *cert, int level)
{
    cert->level = level;
    if (level != 0)
        g_snprintf(cert->level_code, sizeof cert->level_code, "%d", level);
    else
        cert->level_code[0] = '\0';
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
        return c->issue_month;
    if (strcmp(name, SC_FIELD_ISSUE_DAY) == 0)
        return c->issue_day;
    if (strcmp(name, SC_FIELD_LEVEL_CODE) == 0 && c->level != 0)
        return c->level_code;
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
