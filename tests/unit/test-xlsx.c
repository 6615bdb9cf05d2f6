// test-xlsx.c - the cells of an .xlsx sheet (ECMA-376 Part 1 §18), from workbooks made by two
// real writers (tests/data/records/make-xlsx.py: XlsxWriter's shared strings, openpyxl's inline
// strings and 1904 dates) and from packages written here with libzip for what those writers do
// not make (phonetic runs, booleans, errors, the 1900 leap-year serials, a zip bomb).
#include "record.h"
#include "xlsx.h"
#include "testutil.h"

#include <string.h>
#include <zip.h>

#define DIR "tests/data/records/"

// The rows of sheet SHEET of the workbook at PATH; it must be readable.
static GPtrArray *
read_sheet(const char *path, const char *sheet)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    GError *error = NULL;
    GPtrArray *rows = sc_xlsx_read(data, len, path, sheet, &error);
    g_assert_no_error(error);
    g_assert_nonnull(rows);
    return rows;
}

// The text of cell COL (0 = A) in sheet row ROW of ROWS, or NULL when the row or cell is absent.
static const char *
cell_at(GPtrArray *rows, guint row, guint col)
{
    for (guint i = 0; i < rows->len; i++) {
        const sc_xlsx_row *r = g_ptr_array_index(rows, i);
        if (r->row == row)
            return col < r->cells->len ? g_ptr_array_index(r->cells, col) : NULL;
    }
    return NULL;
}

// XlsxWriter's workbook: shared strings, the title row, row numbers as the sheet has them (row
// 6 empty, left out), dates from serials in three date formats, a number-typed ID as Excel
// shows it, a number, text kept as written.
static void
test_shared_strings(void)
{
    g_autoptr(GPtrArray) rows = read_sheet(DIR "workbook.xlsx", NULL);
    g_assert_cmpuint(rows->len, ==, 6);
    static const guint numbers[] = {1, 2, 3, 4, 5, 7};
    for (guint i = 0; i < rows->len; i++)
        g_assert_cmpuint(((sc_xlsx_row *)g_ptr_array_index(rows, i))->row, ==, numbers[i]);
    g_assert_cmpstr(cell_at(rows, 1, 0), ==, "2026年11月职业技能等级认定合格人员名单");
    g_assert_cmpstr(cell_at(rows, 2, 1), ==, "身份证号码");
    g_assert_cmpstr(cell_at(rows, 3, 1), ==, "440104199003121013"); // text: every digit
    g_assert_cmpstr(cell_at(rows, 3, 3), ==, "");                   // absent cell inside the row
    g_assert_cmpstr(cell_at(rows, 3, 5), ==, "2026-12-18");         // built-in format 14
    g_assert_cmpstr(cell_at(rows, 4, 4), ==, "4");                  // the number 4
    g_assert_cmpstr(cell_at(rows, 4, 5), ==, "2026-12-18");         // yyyy"年"m"月"d"日"
    g_assert_cmpstr(cell_at(rows, 5, 1), ==, "4.40104E+17");        // as Excel shows it
    g_assert_cmpstr(cell_at(rows, 5, 5), ==, "2026-12-18");         // with a time of day
    g_assert_cmpstr(cell_at(rows, 7, 0), ==, "  赵敏　");           // as written
    g_assert_cmpstr(cell_at(rows, 7, 5), ==, "2026.12.18");

    // --sheet: another sheet by its tab's name; a name that is not there lists those that are.
    g_autoptr(GPtrArray) second = read_sheet(DIR "workbook.xlsx", "第二批");
    g_assert_cmpstr(cell_at(second, 2, 0), ==, "陈明");
    g_autofree char *data = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(DIR "workbook.xlsx", &data, &len, NULL));
    GError *error = NULL;
    g_assert_null(sc_xlsx_read(data, len, "w.xlsx", "Sheet1", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==,
                    "w.xlsx: the workbook has no sheet named Sheet1; its sheets are: 名单, 第二批");
    g_clear_error(&error);
}

// openpyxl's workbook: inline strings, and a date in the 1904 date system.
static void
test_inline_1904(void)
{
    g_autoptr(GPtrArray) rows = read_sheet(DIR "workbook-inline.xlsx", NULL);
    g_assert_cmpstr(cell_at(rows, 1, 0), ==, "姓名");
    g_assert_cmpstr(cell_at(rows, 2, 4), ==, "四级/中级工");
    g_assert_cmpstr(cell_at(rows, 2, 5), ==, "2026-12-18");
}

// Records from the workbook: the title row skipped with a note, header synonyms, the sheet's
// row numbers, cells trimmed; the number-typed ID reaches the check as Excel showed it.
static void
test_records(void)
{
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    g_autoptr(sc_records) r = sc_records_load(DIR "workbook.xlsx", SC_ENCODING_AUTO, SC_FORMAT_AUTO,
                                              problems, notes, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    g_assert_cmpuint(notes->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(notes, 0), DIR "workbook.xlsx:1: '2026年11月"));
    g_assert_cmpuint(r->records->len, ==, 4);
    static const guint rows[] = {3, 4, 5, 7};
    for (guint i = 0; i < 4; i++)
        g_assert_cmpuint(((sc_record *)g_ptr_array_index(r->records, i))->row, ==, rows[i]);
    const sc_record *last = g_ptr_array_index(r->records, 3);
    g_assert_cmpstr(sc_record_get(last, SC_FIELD_NAME), ==, "赵敏");
    g_assert_cmpstr(sc_record_get(last, SC_FIELD_ID_NUMBER), ==, "44010419900312103X");
    g_assert_cmpstr(sc_record_get(last, SC_FIELD_LEVEL), ==, "Ⅳ级");
    const sc_record *second = g_ptr_array_index(r->records, 1);
    g_assert_cmpstr(sc_record_get(second, SC_FIELD_WORK_TYPE), ==, "电焊工");
    g_assert_cmpstr(sc_record_get(second, SC_FIELD_ISSUE_DATE), ==, "2026-12-18");

    // --sheet with a text file is a usage error.
    g_autoptr(sc_records) none = sc_records_load_sheet(DIR "basic.csv", "名单", SC_ENCODING_AUTO,
                                                       SC_FORMAT_AUTO, problems, NULL, &error);
    g_assert_null(none);
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_clear_error(&error);
}

// A package of the parts NAMES[i] = TEXTS[i] (NULL-terminated), deflated, as bytes.  LEN of -1
// takes TEXTS[i] as a string.  Caller frees with g_free().
static char *
make_package(const char *const *names, const char *const *texts, const gsize *lens, gsize *len)
{
    g_autofree char *dir = g_dir_make_tmp("xlsx-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "p.xlsx", NULL);
    int err = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    g_assert_nonnull(z);
    for (guint i = 0; names[i] != NULL; i++) {
        gsize n = lens != NULL && lens[i] != 0 ? lens[i] : strlen(texts[i]);
        zip_source_t *s = zip_source_buffer(z, texts[i], n, 0);
        g_assert_cmpint(zip_file_add(z, names[i], s, ZIP_FL_ENC_UTF_8), >=, 0);
    }
    g_assert_cmpint(zip_close(z), ==, 0);
    char *data = NULL;
    g_assert_true(g_file_get_contents(path, &data, len, NULL));
    g_unlink(path);
    g_rmdir(dir);
    return data;
}

#define RELS                                                                                       \
    "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "                               \
    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "        \
    "Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"x/styles\" "                   \
    "Target=\"styles.xml\"/></Relationships>"
#define WORKBOOK                                                                                   \
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"     \
    "</workbook>"

// The 1900 date system with its invented 29 February 1900; booleans, errors, formula strings;
// a phonetic run that is not part of the text; cells without references.
static void
test_cell_kinds(void)
{
    const char *names[] = {
        "xl/_rels/workbook.xml.rels", "xl/workbook.xml",          "xl/styles.xml",
        "xl/sharedStrings.xml",       "xl/worksheets/sheet1.xml", NULL};
    const char *texts[] = {
        RELS, WORKBOOK,
        "<styleSheet><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs><xf "
        "numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"49\"/></cellXfs></styleSheet>",
        "<sst><si><r><t>李</t></r><r><t>龑</t></r><rPh><t>lǐ yǎn</t></rPh></si></sst>",
        "<worksheet><sheetData><row r=\"1\"><c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c>"
        "<c s=\"1\"><v>60</v></c><c s=\"1\"><v>61</v></c><c s=\"1\"><v>46374.75</v></c></row>"
        "<row r=\"2\"><c t=\"b\"><v>1</v></c><c t=\"e\"><v>#N/A</v></c><c t=\"str\"><f>A1</f>"
        "<v>x&amp;y</v></c><c t=\"s\"><v>0</v></c><c s=\"2\"><v>0.5</v></c><c><v>12.0</v></c>"
        "</row></sheetData></worksheet>"};
    gsize len = 0;
    g_autofree char *data = make_package(names, texts, NULL, &len);
    GError *error = NULL;
    g_autoptr(GPtrArray) rows = sc_xlsx_read(data, len, "k.xlsx", NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(cell_at(rows, 1, 0), ==, "1900-01-01");
    g_assert_cmpstr(cell_at(rows, 1, 1), ==, "1900-02-28");
    g_assert_cmpstr(cell_at(rows, 1, 2), ==, "1900-02-29");
    g_assert_cmpstr(cell_at(rows, 1, 3), ==, "1900-03-01");
    g_assert_cmpstr(cell_at(rows, 1, 4), ==, "2026-12-18");
    g_assert_cmpstr(cell_at(rows, 2, 0), ==, "TRUE");
    g_assert_cmpstr(cell_at(rows, 2, 1), ==, "#N/A");
    g_assert_cmpstr(cell_at(rows, 2, 2), ==, "x&y");
    g_assert_cmpstr(cell_at(rows, 2, 3), ==, "李龑");
    g_assert_cmpstr(cell_at(rows, 2, 4), ==, "0.5");
    g_assert_cmpstr(cell_at(rows, 2, 5), ==, "12");
}

// What is not a workbook, or is a broken or hostile one, is refused as a whole with a message:
// not a zip, a zip without a workbook, a shared string that does not exist, broken XML, a part
// that unpacks past the limit (a zip bomb: 129 MB of zeros deflate to about 130 KB).
static void
test_refused(void)
{
    GError *error = NULL;
    g_assert_null(sc_xlsx_read("PK\x03\x04junk", 8, "j.xlsx", NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_true(g_str_has_prefix(error->message, "j.xlsx: not a readable .xlsx workbook"));
    g_clear_error(&error);

    const char *names[] = {"xl/_rels/workbook.xml.rels", "xl/workbook.xml",
                           "xl/worksheets/sheet1.xml", NULL};
    static const struct {
        const char *sheet;
        const char *phrase;
    } cases[] = {
        {"<worksheet><sheetData><row r=\"3\"><c t=\"s\"><v>7</v></c></row></sheetData>"
         "</worksheet>",
         "b.xlsx:3: the cell refers to shared string 7, which the workbook does not have"},
        {"<worksheet><sheetData><row><c>", "is not well-formed XML"},
        {"<worksheet><sheetData><row r=\"1\"><c r=\"ZZZ1\"><v>1</v></c></row></sheetData>"
         "</worksheet>",
         "over the limit of 4096 columns"},
        // Bytes that are no UTF-8 in a name: GMarkup quotes them; the message stays UTF-8.
        {"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" \x8c\xc2\xdd\x8b=\"1\"><v>1</v></c>"
         "</row></sheetData></worksheet>",
         "is not well-formed XML"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *texts[] = {RELS, WORKBOOK, cases[i].sheet};
        gsize len = 0;
        g_autofree char *data = make_package(names, texts, NULL, &len);
        g_assert_null(sc_xlsx_read(data, len, "b.xlsx", NULL, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        if (strstr(error->message, cases[i].phrase) == NULL)
            g_error("'%s' lacks '%s'", error->message, cases[i].phrase);
        g_assert_true(g_utf8_validate(error->message, -1, NULL));
        g_clear_error(&error);
    }

    const char *only[] = {"docProps/app.xml", NULL};
    const char *text[] = {"<Properties/>"};
    gsize len = 0;
    g_autofree char *plain = make_package(only, text, NULL, &len);
    g_assert_null(sc_xlsx_read(plain, len, "z.xlsx", NULL, &error));
    g_assert_nonnull(strstr(error->message, "not an Excel workbook"));
    g_clear_error(&error);

    gsize big = SC_XLSX_MAX_PART_BYTES + 1024 * 1024;
    g_autofree char *zeros = g_malloc0(big);
    const char *texts[] = {RELS, WORKBOOK, zeros};
    const gsize lens[] = {0, 0, big};
    g_autofree char *bomb = make_package(names, texts, lens, &len);
    g_assert_cmpuint(len, <, 2 * 1024 * 1024);
    g_assert_null(sc_xlsx_read(bomb, len, "bomb.xlsx", NULL, &error));
    g_assert_nonnull(strstr(error->message, "unpacks to more than 128 MB"));
    g_clear_error(&error);
}

// Rows become records as the sheet is read, but a workbook refused after its first rows leaves
// neither problems nor notes of them: only its own error.
static void
test_refused_after_rows(void)
{
    const char *names[] = {"xl/_rels/workbook.xml.rels", "xl/workbook.xml",
                           "xl/worksheets/sheet1.xml", NULL};
    const char *rows = "<row r=\"1\"><c t=\"inlineStr\"><is><t>姓名</t></is></c>"
                       "<c t=\"inlineStr\"><is><t>备注</t></is></c></row>"
                       "<row r=\"2\"><c t=\"inlineStr\"><is><t>张伟</t></is></c></row>";
    for (int broken = 0; broken <= 1; broken++) {
        g_autofree char *sheet =
            g_strdup_printf("<worksheet><sheetData>%s%s</sheetData></worksheet>", rows,
                            broken ? "<row r=\"3\"><c t=\"s\"><v>7</v></c></row>" : "");
        const char *texts[] = {RELS, WORKBOOK, sheet};
        gsize len = 0;
        g_autofree char *data = make_package(names, texts, NULL, &len);
        g_autoptr(sc_problems) problems = sc_problems_new();
        g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
        GError *error = NULL;
        g_autoptr(sc_records) r = sc_records_parse(data, len, "w.xlsx", SC_ENCODING_AUTO,
                                                   SC_FORMAT_AUTO, problems, notes, &error);
        if (broken) {
            g_assert_null(r);
            g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
            g_assert_nonnull(strstr(error->message, "w.xlsx:3: the cell refers to shared string"));
            g_assert_cmpuint(sc_problems_count(problems), ==, 0);
            g_assert_cmpuint(notes->len, ==, 0);
            g_clear_error(&error);
        } else { // the same rows, read whole: the missing columns and the unknown one are told
            g_assert_no_error(error);
            g_assert_cmpuint(r->records->len, ==, 1);
            g_assert_cmpuint(sc_problems_count(problems), >, 0);
            g_assert_cmpuint(notes->len, ==, 1);
        }
    }
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/xlsx/shared-strings", test_shared_strings);
    g_test_add_func("/xlsx/refused-after-rows", test_refused_after_rows);
    g_test_add_func("/xlsx/inline-1904", test_inline_1904);
    g_test_add_func("/xlsx/records", test_records);
    g_test_add_func("/xlsx/cell-kinds", test_cell_kinds);
    g_test_add_func("/xlsx/refused", test_refused);
    return g_test_run();
}
