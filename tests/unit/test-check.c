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
    g_assert_cmpstr(sc_cert_lookup("issue_day", a), ==, "5");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_INSTITUTION, a), ==, "广州市越秀区百川职业培训学校");
    g_assert_cmpstr(sc_cert_lookup(SC_FIELD_NUMBER, a), ==, "");
    g_assert_null(sc_cert_lookup("备注", a)); // no such column
    // The record itself is left as read.
    g_assert_cmpstr(sc_record_get(a->record, SC_FIELD_LEVEL), ==, "中级工");
    g_assert_cmpstr(sc_record_get(a->record, SC_FIELD_ID_NUMBER), ==, "11010519491231002x");

    sc_cert *b = g_ptr_array_index(certs, 1);
    // A number written normalised is the record's own text, not a copy (issue 9).
    g_assert_true(b->id_number == sc_record_get(b->record, SC_FIELD_ID_NUMBER));
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
        "陈明,,440104199003121013,电工,,,六级,,\n"                       // 4: level
        "赵敏,,440104199003121021,电工,,,三级,,2026-02-30\n"             // 5: date
        "刘?,,44010419900312103X,电工,,,三级,,\n"                        // 6: GBK export
        "黄丽,,440104199003121048,焊工,,,五级,S000044011001255000001,\n" // 7: year in number
        "林芬,,110105198001010016,车工,,,五级,S000044021001265000001,\n" // 8: other institution
        ",,,保育师,,,五级,,\n",                                          // 9: name, id empty
        problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);

    // Each names the holder as well as the row (issue 10), when the row has a name.
    const char *want[] = {
        "r.csv:2 (张伟): 证件号码: ",
        "r.csv:3 (王芳): 职业编码: ",
        "r.csv:4 (陈明): 职业技能等级: ",
        "r.csv:5 (赵敏): 发证日期: ",
        "r.csv:6 (刘?): 姓名: '刘?' has a question mark",
        "r.csv:7 (黄丽): 证书编号: positions 14–15",
        "r.csv:8 (林芬): 证书编号: positions 1–13",
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
                     "李明,,110105198001010016,焊工,,,五级,S000044011001265000001,\n"
                     "王芳,,11010519491231002x,电工,,,5,,\n", // row 4's, x for X
              problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    g_assert_cmpuint(sc_problems_count(problems), ==, 3);
    g_assert_true(g_str_has_prefix(sc_problems_get(problems, 0), "r.csv:3 (张伟): 证件号码: "));
    g_assert_nonnull(strstr(sc_problems_get(problems, 0), "row 2"));
    g_assert_true(g_str_has_prefix(sc_problems_get(problems, 1), "r.csv:5 (李明): 证书编号: "));
    g_assert_nonnull(strstr(sc_problems_get(problems, 1), "row 4"));
    g_assert_true(g_str_has_prefix(sc_problems_get(problems, 2), "r.csv:6 (王芳): 证件号码: "));
    g_assert_nonnull(strstr(sc_problems_get(problems, 2), "same holder"));
    g_assert_nonnull(strstr(sc_problems_get(problems, 2), "row 4"));
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
    // As offices and Excel write them (issue 10).
    static const char *const also[] = {"2026.12.18", "20261218", "2026-12-18 00:00:00",
                                       "2026/12/18 0:00", "2026-12-18 00:00"};
    for (guint i = 0; i < G_N_ELEMENTS(also); i++) {
        y = m = d = 0;
        g_assert_true(sc_check_parse_date(also[i], &y, &m, &d));
        g_assert_cmpint(y * 10000 + m * 100 + d, ==, 20261218);
    }
    const char *bad[] = {"2025-02-29",
                         "2026-13-01",
                         "2026-11-23x",
                         "2026113",
                         "",
                         "2026年11月",
                         "1899-01-01",
                         "20261318",
                         "2026.12.18.",
                         "202612180",
                         "2026-12-18 25:00:00",
                         "2026-12-18T00:00",
                         " 20261218",
                         "2026-12-18 00:00:00x"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(sc_check_parse_date(bad[i], &y, &m, &d));
}

// The problem lines of PROBLEMS, one per line, for messages in assertions.
static char *
all_lines(const sc_problems *problems)
{
    GString *all = g_string_new(NULL);
    for (guint i = 0; i < sc_problems_count(problems); i++)
        g_string_append_printf(all, "%s\n", sc_problems_get(problems, i));
    return g_string_free(all, FALSE);
}

// Whether some problem line starts with PREFIX and contains PHRASE.
static gboolean
has_problem(const sc_problems *problems, const char *prefix, const char *phrase)
{
    for (guint i = 0; i < sc_problems_count(problems); i++) {
        const char *line = sc_problems_get(problems, i);
        if (g_str_has_prefix(line, prefix) && strstr(line, phrase) != NULL)
            return TRUE;
    }
    return FALSE;
}

#define ASSERT_PROBLEM(problems, prefix, phrase)                                                   \
    do {                                                                                           \
        if (!has_problem(problems, prefix, phrase)) {                                              \
            g_autofree char *all = all_lines(problems);                                            \
            g_error("no problem '%s' … '%s' in:\n%s", prefix, phrase, all);                        \
        }                                                                                          \
    } while (0)

// seeds/004 四(四)1 governs the certificate's own design and wording, never what a record or the
// filing supplies (SPEC §2): holders named 刘中华, 王国家, 张全国, 陈广东, an occupation name with
// 国家 and an institution whose filed name has 广东 are accepted under the Guangdong profile.
static void
test_words_in_names_accepted(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r =
        parse(HEADER "刘中华,,440104199003121013,电工,,,四级,,\n"
                     "王国家,,440104199003121021,国家职业资格电工,,中华料理,四级,,\n"
                     "张全国,,44010419900312103X,电工,,,四级,,\n"
                     "陈广东,,440104199003121048,广东菜烹调师,,,四级,,\n",
              problems);
    const char *ini = "[institution]\nname = 广东省中华职业技能评价中心\ncategory = S\n"
                      "route = 0000\nprovince = 44\nsite = 011001\nprofile = guangdong\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(sc_institution) inst = sc_institution_parse(ini, strlen(ini), "i.ini", &error);
    g_assert_no_error(error);
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    g_autofree char *all = all_lines(problems);
    g_assert_cmpstr(all, ==, "");
}

// A template whose fixed text has a forbidden word is refused once, as a problem of the
// template, however many records the batch has; words inside {placeholders} are not text.
static void
test_words_in_template_refused(void)
{
    const char *ini = "[template]\nname = t\npage_width = 297mm\npage_height = 210mm\n"
                      "fonts = LXGW WenKai\n"
                      "[title]\ntype = text\ntext = 中国职业技能等级证书\nsize = 30pt\nx = 26mm\n"
                      "y = 20mm\nwidth = 110mm\nheight = 20mm\n"
                      "[hidden]\ntype = text\ntext = 全\u200B国{姓名}通用\nsize = 16pt\nx = 26mm\n"
                      "y = 50mm\nwidth = 110mm\nheight = 20mm\n"
                      "[name]\ntype = text\ntext = {姓名}国{职业名称}家\nsize = 16pt\nx = 26mm\n"
                      "y = 80mm\nwidth = 110mm\nheight = 20mm\n";
    g_autoptr(GError) error = NULL;
    g_autoptr(sc_template) tmpl = sc_template_parse(ini, strlen(ini), "t.ini", &error);
    g_assert_no_error(error);
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r = parse(HEADER "刘中华,,440104199003121013,电工,,,四级,,\n"
                                           "王国家,,440104199003121021,电工,,,四级,,\n",
                                    problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    o.tmpl = tmpl;
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    g_autofree char *all = all_lines(problems);
    g_assert_cmpstr(all, ==,
                    "t.ini: [title] text: contains '中国', which Guangdong certificates must not "
                    "carry\n"
                    "t.ini: [hidden] text: contains '全国', which Guangdong certificates must not "
                    "carry\n");

    // The institution's own list applies to the same text, under any profile.
    const char *own = "[institution]\nname = 某某培训学校\ncategory = S\nroute = 0000\n"
                      "province = 11\nsite = 011001\nforbidden_words = 证书, 通用\n";
    g_autoptr(sc_institution) other = sc_institution_parse(own, strlen(own), "o.ini", &error);
    g_assert_no_error(error);
    g_autoptr(sc_problems) found = sc_problems_new();
    o.institution = other;
    g_autoptr(GPtrArray) certs2 = sc_check_records(r, &o, found);
    g_autofree char *lines = all_lines(found);
    g_assert_cmpstr(lines, ==,
                    "t.ini: [title] text: contains '证书', which this institution's certificates "
                    "must not carry\n"
                    "t.ini: [hidden] text: contains '通用', which this institution's "
                    "certificates must not carry\n");
}

// Invisible and direction-changing characters in printed fields are refused with their code;
// a cell of only invisible characters is empty; a terminal escape is never echoed raw.
static void
test_invisible(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r =
        parse(HEADER "\u200B,,440104199003121013,电工,,,四级,,\n"         // 2: empty name
                     "国\u200B家,,440104199003121021,电工,,,四级,,\n"     // 3: ZWSP
                     "\u202E明伟张,,44010419900312103X,电工,,,四级,,\n"   // 4: RLO
                     "张伟,,440104199003121048,\x1b[2J电工,,,四级,,\n"    // 5: ESC
                     "李明,,110105198001010016,电工,,\u00AD,四级,,\n"     // 6: only soft hyphen
                     "王芳,,110105198001010024,电工,,焊\uFE0F工,四级,,\n" // 7: variation selector
                     "赵敏,,440104199003121232,电工,,\u2066焊工\u2069,四级,,\n", // 8: isolates
              problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    ASSERT_PROBLEM(problems, "r.csv:2: 姓名: ", "empty");
    ASSERT_PROBLEM(problems, "r.csv:3 (国<U+200B>家): 姓名: ", "U+200B");
    ASSERT_PROBLEM(problems, "r.csv:4 (<U+202E>明伟张): 姓名: ", "U+202E, a direction control");
    ASSERT_PROBLEM(problems, "r.csv:5 (张伟): 职业名称: ", "U+001B, a control character");
    ASSERT_PROBLEM(problems, "r.csv:7 (王芳): 工种名称: ", "U+FE0F, a variation selector");
    ASSERT_PROBLEM(problems, "r.csv:8 (赵敏): 工种名称: ", "U+2066");
    for (guint i = 0; i < sc_problems_count(problems); i++) {
        const char *line = sc_problems_get(problems, i);
        g_assert_null(strchr(line, '\x1b'));
        g_assert_null(strstr(line, "\u202E"));
        g_assert_false(g_str_has_prefix(line, "r.csv:6"));
    }
    g_assert_cmpstr(((sc_cert *)g_ptr_array_index(certs, 4))->work_type, ==, "——");
    g_assert_cmpuint(sc_problems_count(problems), ==, 6);
}

// One person, one name: the same 证件号码 under two names is a problem; an ID number that a
// spreadsheet turned into scientific notation says how to keep it as text.
static void
test_same_person_and_excel_numbers(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r = parse(HEADER "张伟,,440104199003121013,电工,,,四级,,\n"
                                           "张伟,,440104199003121013,焊工,,,四级,,\n"
                                           "张玮,,440104199003121013,车工,,,四级,,\n"
                                           "李明,,4.40104E+17,电工,,,四级,,\n",
                                    problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    ASSERT_PROBLEM(problems, "r.csv:4 (张玮): 证件号码: ", "row 2, where the name is 张伟");
    ASSERT_PROBLEM(problems, "r.csv:5 (李明): 证件号码: ", "设置单元格格式 → 文本");
    g_assert_cmpuint(sc_problems_count(problems), ==, 2);
}

// Forms offices write: levels from the summary table, dates as Excel exports them.
static void
test_everyday_forms(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(sc_records) r =
        parse("身份证号码,姓 名,职业,工种,技能等级,发证时间\n"
              "440104199003121013,张伟,电工,电力电缆安装工,三级（高级工）,2026-12-18 00:00:00\n"
              "440104199003121021,王芳,电工,,Ⅳ级,2026.12.18\n",
              problems);
    g_autoptr(sc_institution) inst = guangdong();
    sc_check_options o = options(inst);
    g_autoptr(GPtrArray) certs = sc_check_records(r, &o, problems);
    g_autofree char *all = all_lines(problems);
    g_assert_cmpstr(all, ==, "");
    sc_cert *a = g_ptr_array_index(certs, 0), *b = g_ptr_array_index(certs, 1);
    g_assert_cmpstr(a->work_type, ==, "电力电缆安装工");
    g_assert_cmpint(a->level, ==, 3);
    g_assert_cmpstr(a->issue_date, ==, "2026-12-18");
    g_assert_cmpint(b->level, ==, 4);
    g_assert_cmpstr(b->issue_date, ==, "2026-12-18");
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
    g_test_add_func("/check/words-in-names-accepted", test_words_in_names_accepted);
    g_test_add_func("/check/words-in-template-refused", test_words_in_template_refused);
    g_test_add_func("/check/invisible", test_invisible);
    g_test_add_func("/check/same-person-excel-numbers", test_same_person_and_excel_numbers);
    g_test_add_func("/check/everyday-forms", test_everyday_forms);
    return g_test_run();
}
