// test-report.c - reports from the register (issue 14): CSV cells a spreadsheet would run as
// formulas neutralised; the monthly summary of seeds/002 附件7 counted against hand-counted
// certificates (voids left out, a reprint counted once, only the month's 发证日期); the list
// of issued certificates with their states (已发证, 补打, 更正, 作废).
#include "registry.h"
#include "report.h"
#include "testutil.h"

#include <string.h>

#define PREFIX "S000052001001" // seeds/000 附件3 示例 2 (Guizhou)

typedef struct {
    char *dir;
    char *path;
    sc_registry *r;
} fixture;

static void
setup(fixture *f, gconstpointer data)
{
    (void)data;
    f->dir = g_dir_make_tmp("test-report-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    f->path = g_build_filename(f->dir, "r.db", NULL);
    GError *error = NULL;
    f->r = sc_registry_create(f->path, PREFIX, &error);
    g_assert_no_error(error);
}

static void
teardown(fixture *f, gconstpointer data)
{
    (void)data;
    sc_registry_close(f->r);
    sc_test_remove_tree(f->dir);
    g_free(f->path);
    g_free(f->dir);
}

// One certificate to issue: holder ID, occupation, work type ("" for none), level, date.
typedef struct {
    const char *id, *occupation, *work_type;
    int level;
    const char *date;
} cert;

// Issue CERTS (N of them) in one batch; their numbers in NUMBERS[i] (may be NULL).
static void
issue(fixture *f, const cert *certs, guint n, char **numbers)
{
    sc_number_item *items = g_new0(sc_number_item, n);
    for (guint i = 0; i < n; i++)
        items[i] = (sc_number_item){.row = i + 2,
                                    .name = certs[i].id, // a name per holder
                                    .id_type = "居民身份证",
                                    .id_number = certs[i].id,
                                    .occupation = certs[i].occupation,
                                    .occupation_code = "6-31-01-03",
                                    .work_type = certs[i].work_type,
                                    .level = certs[i].level,
                                    .issue_date = certs[i].date,
                                    .output = "out.pdf"};
    g_autoptr(sc_problems) problems = sc_problems_new();
    GError *error = NULL;
    g_assert_true(sc_registry_issue(f->r, "test", items, n, problems, &error));
    g_assert_no_error(error);
    for (guint i = 0; i < n; i++) {
        if (numbers != NULL)
            numbers[i] = items[i].assigned;
        else
            g_free(items[i].assigned);
        g_free(items[i].assigned_date);
    }
    g_free(items);
}

static void
test_csv_cell(void)
{
    // Issue 14: "Cells that a spreadsheet would run as formulas (=, +, -, @ first) are
    // neutralised"; a comma, quote or line break quotes the cell (RFC 4180).
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"张伟", "张伟"},
        {"", ""},
        {"=1+2", "\"'=1+2\""},
        {"+86", "\"'+86\""},
        {"-5", "\"'-5\""},
        {"@SUM(A1)", "\"'@SUM(A1)\""},
        {"\tx", "\"'\tx\""},
        {"=HYPERLINK(\"http://x\",\"a\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\""},
        {"a,b", "\"a,b\""},
        {"a\"b", "\"a\"\"b\""},
        {"a\nb", "\"a\nb\""},
        {"——", "——"}, // U+2014, not a minus
        {"1-2", "1-2"},
        {"4-01-02-01", "4-01-02-01"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GString) line = g_string_new(NULL);
        sc_report_append_csv_cell(line, cases[i].in);
        g_assert_cmpstr(line->str, ==, cases[i].out);
    }
}

static void
test_format_of(void)
{
    g_assert_cmpint(sc_report_format_of("a.csv"), ==, SC_REPORT_CSV);
    g_assert_cmpint(sc_report_format_of("a.txt"), ==, SC_REPORT_CSV);
    g_assert_cmpint(sc_report_format_of("a.xlsx"), ==, SC_REPORT_XLSX);
    g_assert_cmpint(sc_report_format_of("A.XLSX"), ==, SC_REPORT_XLSX);
    g_assert_cmpint(sc_report_format_of("a.pdf"), ==, SC_REPORT_PDF);
    g_assert_cmpint(sc_report_format_of("a.PDF"), ==, SC_REPORT_PDF);
    g_assert_cmpint(sc_report_format_of("a.xlsx.csv"), ==, SC_REPORT_CSV);
}

// The fixture of the summary: several occupations, all five levels, a void and a reprint,
// and certificates of the months before and after.
static const cert month_certs[] = {
    {"110101199001010011", "电工", "", 5, "2026-11-01"},
    {"110101199001010012", "电工", "", 5, "2026-11-30"},
    {"110101199001010013", "电工", "", 4, "2026-11-15"},
    {"110101199001010014", "焊工", "电焊工", 3, "2026-11-02"},
    {"110101199001010015", "焊工", "电焊工", 3, "2026-11-02"},
    {"110101199001010016", "焊工", "电焊工", 2, "2026-11-03"},
    {"110101199001010017", "焊工", "", 2, "2026-11-03"}, // another row: no work type
    {"110101199001010018", "车工", "", 1, "2026-11-20"},
    {"110101199001010019", "车工", "", 4, "2026-11-20"}, // voided below
    {"110101199001010020", "电工", "", 5, "2026-10-31"}, // the month before
    {"110101199001010021", "电工", "", 5, "2026-12-01"}, // the month after
};

static const sc_report_summary_row *
find_row(const sc_report_summary *s, const char *name)
{
    for (guint i = 0; i < s->rows->len; i++) {
        const sc_report_summary_row *row = g_ptr_array_index(s->rows, i);
        if (strcmp(row->name, name) == 0)
            return row;
    }
    return NULL;
}

// ROW's counts, 初级工（五级）… 高级技师（一级）, then 小计.
static void
assert_counts(const sc_report_summary_row *row, guint l5, guint l4, guint l3, guint l2, guint l1,
              guint total)
{
    g_assert_nonnull(row);
    const guint want[] = {l5, l4, l3, l2, l1};
    for (guint i = 0; i < SC_REPORT_LEVELS; i++)
        g_assert_cmpuint(row->count[i], ==, want[i]);
    g_assert_cmpuint(row->total, ==, total);
}

static void
issue_month(fixture *f, char **numbers)
{
    guint n = G_N_ELEMENTS(month_certs);
    issue(f, month_certs, n, numbers);
    // A reprint: the first holder printed again; the void: 车工 四级.
    issue(f, month_certs, 1, NULL);
    GError *error = NULL;
    g_assert_true(sc_registry_void(f->r, numbers[8], "打印错误", &error));
    g_assert_no_error(error);
}

// Issue 14: "Counts come from the register, voids excluded, reprints counted once"; seeds/002
// 附件7: a row per 职业（工种）, 小计 per row, a 合计 row.
static void
test_summary(fixture *f, gconstpointer data)
{
    (void)data;
    char *numbers[G_N_ELEMENTS(month_certs)];
    issue_month(f, numbers);
    GError *error = NULL;
    g_autoptr(sc_report_summary) s = sc_report_summary_new(f->r, 2026, 11, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(s->rows->len, ==, 4);
    assert_counts(find_row(s, "电工"), 2, 1, 0, 0, 0, 3);
    assert_counts(find_row(s, "焊工（电焊工）"), 0, 0, 2, 1, 0, 3);
    assert_counts(find_row(s, "焊工"), 0, 0, 0, 1, 0, 1);
    assert_counts(find_row(s, "车工"), 0, 0, 0, 0, 1, 1);
    // In pinyin order (chē, diàn, hàn), not by code point (焊 U+710A, 电 U+7535, 车 U+8F66).
    const char *const order[] = {"车工", "电工", "焊工", "焊工（电焊工）"};
    for (guint i = 0; i < G_N_ELEMENTS(order); i++)
        g_assert_cmpstr(((sc_report_summary_row *)g_ptr_array_index(s->rows, i))->name, ==,
                        order[i]);
    const guint total[] = {2, 1, 2, 2, 1};
    for (guint i = 0; i < SC_REPORT_LEVELS; i++)
        g_assert_cmpuint(s->count[i], ==, total[i]);
    g_assert_cmpuint(s->total, ==, 8);
    g_assert_cmpuint(s->other, ==, 0);

    // The months around it hold one certificate each.
    g_autoptr(sc_report_summary) oct = sc_report_summary_new(f->r, 2026, 10, &error);
    g_assert_cmpuint(oct->total, ==, 1);
    g_autoptr(sc_report_summary) dec = sc_report_summary_new(f->r, 2026, 12, &error);
    g_assert_cmpuint(dec->total, ==, 1);
    g_assert_null(sc_report_summary_new(f->r, 2026, 13, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_clear_error(&error);
    for (guint i = 0; i < G_N_ELEMENTS(numbers); i++)
        g_free(numbers[i]);
}

// The CSV of the summary carries 附件7's lines: title, 填报单位（章）, 单位：人, headings in its
// order, the rows and 合计.
static void
test_summary_csv(fixture *f, gconstpointer data)
{
    (void)data;
    char *numbers[G_N_ELEMENTS(month_certs)];
    issue_month(f, numbers);
    GError *error = NULL;
    g_autoptr(sc_report_summary) s = sc_report_summary_new(f->r, 2026, 11, &error);
    g_autofree char *out = g_build_filename(f->dir, "s.csv", NULL);
    g_assert_true(sc_report_summary_write(s, "某某公司", NULL, "LXGW WenKai", NULL, out, &error));
    g_assert_no_error(error);
    g_autofree char *text = sc_test_slurp(out, NULL);
    g_assert_true(g_str_has_prefix(text, "\xEF\xBB\xBF企业职业技能等级认定结果汇总表\r\n"));
    g_assert_nonnull(strstr(text, "填报单位：某某公司（章）,"));
    g_assert_nonnull(strstr(text, ",单位：人\r\n"));
    g_assert_nonnull(strstr(text,
                            "\r\n职业（工种）名称,初级工（五级）,中级工（四级）,高级工（三级）,"
                            "技师（二级）,高级技师（一级）,小计\r\n"));
    g_assert_nonnull(strstr(text, "\r\n电工,2,1,0,0,0,3\r\n"));
    g_assert_nonnull(strstr(text, "\r\n合  计,2,1,2,2,1,8\r\n"));
    for (guint i = 0; i < G_N_ELEMENTS(numbers); i++)
        g_free(numbers[i]);
}

// Issue 14: one row per certificate with the upload columns and its state.
static void
test_issued_csv(fixture *f, gconstpointer data)
{
    (void)data;
    char *numbers[G_N_ELEMENTS(month_certs)];
    issue_month(f, numbers);
    GError *error = NULL;
    g_autofree char *out = g_build_filename(f->dir, "i.csv", NULL);
    guint count = 0;
    const sc_registry_filter filter = {.from = "2026-11-01", .to = "2026-11-30"};
    g_assert_true(sc_report_issued(f->r, &filter, "某某公司", out, &count, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(count, ==, 9); // the void one listed as such
    g_autofree char *text = sc_test_slurp(out, NULL);
    g_assert_true(g_str_has_prefix(text, "\xEF\xBB\xBF姓名,证件类型,证件号码,职业名称,职业编码,"
                                         "工种名称,职业技能等级,证书编号,发证日期,评价机构名称,"
                                         "状态\r\n"));
    g_autofree char *reprint = g_strdup_printf(
        "110101199001010011,居民身份证,110101199001010011,电工,6-31-01-03,,五级/初级工,%s,"
        "2026-11-01,某某公司,补打\r\n",
        numbers[0]);
    g_assert_nonnull(strstr(text, reprint));
    g_autofree char *voided = g_strdup_printf(",%s,2026-11-20,某某公司,作废\r\n", numbers[8]);
    g_assert_nonnull(strstr(text, voided));
    g_autofree char *typed = g_strdup_printf(",焊工,6-31-01-03,电焊工,三级/高级工,%s,2026-11-02,"
                                             "某某公司,已发证\r\n",
                                             numbers[3]);
    g_assert_nonnull(strstr(text, typed));
    g_assert_null(strstr(text, "2026-10-31"));
    g_assert_null(strstr(text, "2026-12-01"));

    // One level only.
    const sc_registry_filter level = {.level = 3};
    g_assert_true(sc_report_issued(f->r, &level, "某某公司", out, &count, &error));
    g_assert_cmpuint(count, ==, 2);
    // A PDF is not a form of this list.
    g_autofree char *pdf = g_build_filename(f->dir, "i.pdf", NULL);
    g_assert_false(sc_report_issued(f->r, NULL, "某某公司", pdf, &count, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_clear_error(&error);
    g_assert_false(g_file_test(pdf, G_FILE_TEST_EXISTS));
    for (guint i = 0; i < G_N_ELEMENTS(numbers); i++)
        g_free(numbers[i]);
}

// Blank stock ranges (issue 14: --stock-serials A-B): letters kept, zeros kept, both ends alike.
static void
test_stock_parse(void)
{
    sc_stock_range r;
    GError *error = NULL;
    g_assert_true(sc_registry_stock_parse("A0001001-A0001100", &r, &error));
    g_assert_cmpstr(r.letters, ==, "A");
    g_assert_cmpint(r.width, ==, 7);
    g_assert_cmpuint(r.first, ==, 1001);
    g_assert_cmpuint(r.last, ==, 1100);
    g_autofree char *sheet = sc_registry_stock_sheet(&r, 99);
    g_assert_cmpstr(sheet, ==, "A0001100");
    g_assert_true(sc_registry_stock_parse(" 0099 ", &r, &error));
    g_assert_cmpuint(r.first, ==, 99);
    g_assert_cmpuint(r.last, ==, 99);
    static const char *const bad[] = {"",   "-",   "A1-B2", "A01-A2",    "20-10",
                                      "1-", "A-A", "1.5-2", "1-2000000", "ABCDEFGHIJ1-ABCDEFGHIJ2"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(sc_registry_stock_parse(bad[i], &r, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
        g_clear_error(&error);
    }
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/report/csv-cell", test_csv_cell);
    g_test_add_func("/report/format-of", test_format_of);
    g_test_add_func("/report/stock-parse", test_stock_parse);
    g_test_add("/report/summary", fixture, NULL, setup, test_summary, teardown);
    g_test_add("/report/summary-csv", fixture, NULL, setup, test_summary_csv, teardown);
    g_test_add("/report/issued-csv", fixture, NULL, setup, test_issued_csv, teardown);
    return g_test_run();
}
