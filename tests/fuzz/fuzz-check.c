// fuzz-check.c - libFuzzer target for the record checks (src/check.c, SPEC §2, §4): any bytes,
// read as a records file and checked against the bundled template and example institution, give
// one certificate per record, and every certificate of a row without problems is complete: a
// level code, a real 发证日期 whose printed parts agree, a normalised 证件号码, a given number
// that agrees with the institution, year and level; every text valid UTF-8; no crash, leak or
// undefined behaviour.
#include "check.h"
#include "fuzz.h"
#include "level.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

// The design and institution, loaded once (the fuzzer runs from the source tree's top).
static sc_template *tmpl;
static sc_institution *inst;

static void
load_once(void)
{
    if (tmpl != NULL)
        return;
    tmpl = sc_template_load("templates/national.ini", NULL);
    inst = sc_institution_load("examples/institution.ini", NULL);
    CHECK(tmpl != NULL && inst != NULL);
}

// An sc_certno_problem_func for a number that must agree: any disagreement is a finding.
static void
disagrees(int first, const char *message, gpointer data)
{
    (void)first, (void)message, (void)data;
    abort();
}

// A certificate of a row without problems is complete and agrees with itself.
static void
check_cert(const sc_cert *c)
{
    CHECK(sc_level_is_code(c->level) || (c->level == 0 && !tmpl->has_level));
    int y, m, d;
    CHECK(sc_check_parse_date(c->issue_date, &y, &m, &d));
    CHECK(y == c->year && m == c->month && d == c->day);
    char part[8];
    g_snprintf(part, sizeof part, "%d", c->year);
    CHECK(strcmp(part, c->issue_year) == 0);
    g_snprintf(part, sizeof part, "%d", c->month);
    CHECK(strcmp(part, sc_cert_lookup("issue_month", (gpointer)c)) == 0);
    CHECK(c->id_number != NULL && *c->id_number != '\0');
    // 居民身份证 numbers are normalised (upper-case X); other documents are kept as written.
    CHECK(strcmp(c->id_type, "居民身份证") != 0 ||
          (strlen(c->id_number) == 18 && strchr(c->id_number, 'x') == NULL));
    CHECK(c->work_type != NULL && *c->work_type != '\0');
    const char *texts[] = {c->name,       c->id_type,   c->id_number,
                           c->occupation, c->work_type, c->institution};
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
        CHECK(texts[i] != NULL && g_utf8_validate(texts[i], -1, NULL));
    if (c->number_given) {
        // The given number is the institution's, of the certificate's year and level.
        CHECK(sc_certno_check_agrees(&c->given, inst->prefix, c->year, c->level, disagrees, NULL));
        char *again = sc_certno_format(&c->given);
        CHECK(again != NULL && strlen(again) == SC_CERTNO_LEN);
        g_free(again);
    }
    // Every field a template may ask for answers with valid UTF-8 (or NULL: no such column).
    const char *names[] = {"姓名", "name", "证书编号", "发证年", "等级代码", "印章", "unknown"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        const char *v = sc_cert_lookup(names[i], (gpointer)c);
        CHECK(v == NULL || g_utf8_validate(v, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_once();
    sc_problems *problems = sc_problems_new();
    sc_records *records = sc_records_parse((const char *)data, size, "fuzz.csv", SC_ENCODING_AUTO,
                                           SC_FORMAT_AUTO, problems, NULL, NULL);
    if (records != NULL) {
        // A batch date chosen by the input, so that defaults of every kind are reached.
        int year = 2000 + (int)(size % 40), month = 1 + (int)(size % 12),
            day = 1 + (int)(size % 28);
        sc_check_options o = {.tmpl = tmpl,
                              .institution = size % 3 == 0 ? NULL : inst,
                              .photo_dir = NULL,
                              .batch_year = year,
                              .batch_month = month,
                              .batch_day = day};
        const sc_institution *saved = inst;
        GPtrArray *certs = sc_check_records(records, &o, problems);
        CHECK(certs != NULL && certs->len == records->records->len);
        for (guint i = 0; i < certs->len; i++) {
            const sc_cert *c = g_ptr_array_index(certs, i);
            CHECK(c->row == ((sc_record *)records->records->pdata[i])->row);
            // A problem of the whole file (row 0: a missing column) stops the batch anyway.
            if (!sc_problems_has_row(problems, c->row) && !sc_problems_has_row(problems, 0) &&
                o.institution != NULL)
                check_cert(c);
        }
        CHECK(inst == saved);
        g_ptr_array_unref(certs);
    }
    for (guint i = 0; i < sc_problems_count(problems); i++)
        CHECK(g_utf8_validate(sc_problems_get(problems, i), -1, NULL));
    sc_records_free(records);
    sc_problems_free(problems);
    return 0;
}
