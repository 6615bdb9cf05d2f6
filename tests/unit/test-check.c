// test-check.c - record checks and normalisation (SPEC §2 rules on content, §4 fields).
#include "check.h"
#include "testutil.h"

#include <string.h>

// 11010519491231002X is GB 11643's own example; 440104199003121232 has check digit 2
// (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 = 8 → '2').
#define HEADER "姓名,证件类型,证件号码,职业名称,职业编码,工种名称,职业技能等级,证书编号,发证日期\n"

static sc_records *
parse(const char *csv, sc_problems *problems)
{
    GError *error = NULL;
    sc_records *r = sc_records_parse(csv, strlen(csv), "r.csv", SC_ENCODING_UTF8, SC_FORMAT_CSV,
                                     problems, NULL, &error);
    g_assert_no_error(error);
    return r;
}

static sc_institution *
guangdong(void)
{
    const char *ini = "[institution]\nname = 广州市越秀区百川职业培训学校\ncategory = S\n"
                      "route = 0000\nprovince = 44\nsite = 011001\nprofile = guangdong\n";
    GError *error = NULL;
    sc_institution *inst = sc_institution_parse(ini, strlen(ini), "i.ini", &error);
    g_assert_no_error(error);
    return inst;
}

static sc_check_options
options(const sc_institution *inst)
{
    sc_check_options o = {
        .institution = inst, .batch_year = 2026, .batch_month = 11, .batch_day = 23};
    return o;
}

static void
test_normalise(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r =
        parse(HEADER "张伟,,11010519491231002x,电工,,,中级工,,2026年3月5日\n"
                     "李龑,居民身份证,440104199003121232,焊工,6-18-02-04,电焊工,2,,\n",
              problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    g_assert_cmpuint(certs->len, ==, 2);

    // The typed certificate, and its fields as a template sees them.
    sc_cert *a = g_ptr_array_index(certs, 0);
    g_assert_cmpuint(a->row, ==, 2);
    g_assert_cmpstr(a->id_type, ==, "居民身份证"); // the default
    g_assert_cmpstr(a->id_number, ==, "11010519491231002X");
    g_assert_cmpstr(a->work_type, ==, "——"); // empty → two em dashes
    g_assert_cmpint(a->level, ==, 4);
    g_assert_cmpint(a->year * 10000 + a->month * 100 + a->day, ==, 20260305);
    g_assert_false(a->number_given);
    g_assert_null(a->number);
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_ID_TYPE, a), ==, "居民身份证");
    g_assert_cmpstr(sc_cert_lookup("id_number", a), ==, "11010519491231002X");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_LEVEL, a), ==, "四级/中级工");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_LEVEL_CODE, a), ==, "4");
    g_assert_cmpstr(sc_cert_lookup("level_code", a), ==, "4");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_ISSUE_DATE, a), ==, "2026-03-05");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_ISSUE_MONTH, a), ==, "3");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_INSTITUTION, a), ==, "广州市越秀区百川职业培训学校");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_NUMBER, a), ==, "");
    g_assert_null(sc_cert_lookup("备注", a)); // no such column
    // The record itself is left as read.
    g_assert_cmpstr(sc_record_get(a->record, SC_FIELD_LEVEL), ==, "中级工");
    g_assert_cmpstr(sc_record_get(a->record, SC_FIELD_ID_NUMBER), ==, "11010519491231002x");

    sc_cert *b = g_ptr_array_index(certs, 1);
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_WORK_TYPE, b), ==, "电焊工");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_LEVEL, b), ==, "二级/技师");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_ISSUE_DATE, b), ==, "2026-11-23"); // the batch's
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_ISSUE_YEAR, b), ==, "2026");
    g_assert_cmpstr(sc_cert_lookup("职业编码", b), ==, "6-18-02-04");
}

// A given number is parsed into the certificate, and printed as given.
static void
test_given_number(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r = parse(HEADER "张伟,,440104199003121232,电工,,,四级,"
                                           "S000044011001264000123,2026-03-05\n",
                                    problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    sc_cert *a = g_ptr_array_index(certs, 0);
    g_assert_true(a->number_given);
    g_assert_cmpint(a->given.year, ==, 26);
    g_assert_cmpint(a->given.level, ==, 4);
    g_assert_cmpint(a->given.serial, ==, 123);
    g_assert_cmpstr(sc_cert_lookup("number", a), ==, "S000044011001264000123");
}

// Every problem of the batch, each on its row and field.
static void
test_problems(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r = parse(
        HEADER
        "张伟,,110105194912310021,电工,,,四级,,\n"                       // 2: check digit
        "王芳,,440104199003121232,电工,4-1-02-01,,四级,,\n"              // 3: occupation code
        "陈明,,440104199003121232,电工,,,六级,,\n"                       // 4: level
        "赵敏,,440104199003121232,电工,,,三级,,2026-02-30\n"             // 5: date
        "刘洋,,440104199003121232,国家电工,,,三级,,\n"                   // 6: Guangdong word
        "黄丽,,440104199003121232,焊工,,,五级,S000044011001255000001,\n" // 7: year in number
        "林芬,,440104199003121232,车工,,,五级,S000044021001265000001,\n" // 8: other institution
        ",,,保育师,,,五级,,\n",                                          // 9: name, id empty
        problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);

    const char *want[] = {
        "r.csv:2: 证件号码: ",
        "r.csv:3: 职业编码: ",
        "r.csv:4: 职业技能等级: ",
        "r.csv:5: 发证日期: ",
        "r.csv:6: 职业名称: contains '国家'",
        "r.csv:7: 证书编号: positions 14–15",
        "r.csv:8: 证书编号: positions 1–13",
        "r.csv:9: 姓名: empty",
        "r.csv:9: 证件号码: empty",
    };
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        gboolean found = FALSE;
        for (guint j = 0; j < sc_problems_count(problems) && !found; j++)
            found = g_str_has_prefix(sc_problems_get(problems, j), want[i]);
        if (!found) {
            for (guint j = 0; j < sc_problems_count(problems); j++)
                g_printerr("%s\n", sc_problems_get(problems, j));
            g_error("no problem starting '%s'", want[i]);
        }
    }
    g_assert_cmpuint(sc_problems_count(problems), ==, G_N_ELEMENTS(want));
}

static void
test_duplicates(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r =
        parse(HEADER "张伟,,440104199003121232,电工,,,四级,,\n"
                     "张伟,,440104199003121232,电工,,,中级工,,\n" // same certificate
                     "王芳,,11010519491231002X,电工,,,五级,S000044011001265000001,\n"
                     "李明,,11010519491231002X,焊工,,,五级,S000044011001265000001,\n",
              problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    g_assert_cmpuint(sc_problems_count(problems), ==, 2);
    g_assert_true(g_str_has_prefix(sc_problems_get(problems, 0), "r.csv:3: 证件号码: "));
    g_assert_nonnull(strstr(sc_problems_get(problems, 0), "row 2"));
    g_assert_true(g_str_has_prefix(sc_problems_get(problems, 1), "r.csv:5: 证书编号: "));
    g_assert_nonnull(strstr(sc_problems_get(problems, 1), "row 4"));
}

static void
test_dates(void)
{
    int y, m, d;
    g_assert_true(sc_check_parse_date("2026-11-23", &y, &m, &d));
    g_assert_cmpint(y * 10000 + m * 100 + d, ==, 20261123);
    g_assert_true(sc_check_parse_date("2024年2月29日", &y, &m, &d)); // leap year
    g_assert_cmpint(y * 10000 + m * 100 + d, ==, 20240229);
    g_assert_true(sc_check_parse_date("2026/1/5", &y, &m, &d));
    const char *bad[] = {"2025-02-29", "2026-13-01", "2026-11-23x", "20261123",
                         "",           "2026年11月", "1899-01-01"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(sc_check_parse_date(bad[i], &y, &m, &d));
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/check/normalise", test_normalise);
    g_test_add_func("/check/given-number", test_given_number);
    g_test_add_func("/check/problems", test_problems);
    g_test_add_func("/check/duplicates", test_duplicates);
    g_test_add_func("/check/dates", test_dates);
    return g_test_run();
}
