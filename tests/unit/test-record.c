// test-record.c - records files (SPEC §4): the files of tests/data/records/ (its README says
// what each holds), RFC 4180 examples, row numbers, encodings, limits and pathological input.
#include "record.h"
#include "testfiles.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

// The result of reading one file: records, problems and notes, freed by parsed_free().
typedef struct {
    sc_records *records;
    sc_problems *problems;
    GPtrArray *notes;
} parsed;

static void
parsed_free(parsed *p)
{
    sc_records_free(p->records);
    sc_problems_free(p->problems);
    g_ptr_array_unref(p->notes);
}

// Load tests/data/records/NAME; the file must be readable as a whole.
static parsed
load(const char *name, sc_encoding encoding, sc_format format)
{
    parsed p = {NULL, sc_problems_new(), g_ptr_array_new_with_free_func(g_free)};
    char *path = g_build_filename("tests/data/records", name, NULL);
    GError *error = NULL;
    p.records = sc_records_load(path, encoding, format, p.problems, p.notes, &error);
    g_assert_no_error(error);
    g_assert_nonnull(p.records);
    g_assert_cmpstr(p.records->path, ==, path);
    g_free(path);
    return p;
}

// Parse LEN bytes of DATA (-1: a string) named PATH; it must be readable as a whole.
static parsed
parse(const char *data, gssize len, const char *path, sc_encoding encoding, sc_format format)
{
    parsed p = {NULL, sc_problems_new(), g_ptr_array_new_with_free_func(g_free)};
    GError *error = NULL;
    p.records = sc_records_parse(data, len < 0 ? strlen(data) : (gsize)len, path, encoding, format,
                                 p.problems, p.notes, &error);
    g_assert_no_error(error);
    g_assert_nonnull(p.records);
    return p;
}

// The problems are exactly WANT (NULL-terminated), in order.
static void
assert_problems(const sc_problems *problems, const char *const *want)
{
    guint n = 0;
    while (want[n] != NULL)
        n++;
    for (guint i = 0; i < sc_problems_count(problems) || i < n; i++) {
        const char *got = i < sc_problems_count(problems) ? sc_problems_get(problems, i) : NULL;
        if (g_strcmp0(got, i < n ? want[i] : NULL) != 0)
            g_error("problem %u:\n  got  %s\n  want %s", i, got ? got : "(none)",
                    i < n ? want[i] : "(none)");
    }
}

#define NO_PROBLEMS ((const char *const[]){NULL})

// The records start on exactly the lines ROWS (terminated by 0).
static void
assert_rows(const sc_records *records, const guint *rows)
{
    guint n = 0;
    while (rows[n] != 0)
        n++;
    g_assert_cmpuint(records->records->len, ==, n);
    for (guint i = 0; i < n; i++) {
        const sc_record *r = g_ptr_array_index(records->records, i);
        g_assert_cmpuint(r->row, ==, rows[i]);
    }
}

static const sc_record *
record_at(const parsed *p, guint i)
{
    g_assert_cmpuint(i, <, p->records->records->len);
    return g_ptr_array_index(p->records->records, i);
}

// The columns are exactly WANT (NULL-terminated).
static void
assert_columns(const sc_records *records, const char *const *want)
{
    guint n = 0;
    while (want[n] != NULL)
        n++;
    g_assert_cmpuint(records->columns->len, ==, n);
    for (guint i = 0; i < n; i++)
        g_assert_cmpstr(g_ptr_array_index(records->columns, i), ==, want[i]);
}

// Header names: Chinese exactly, aliases in any case, spaces (ASCII, U+3000) ignored (SPEC §4).
static void
test_canonical(void)
{
    static const struct {
        const char *name;
        const char *want;
    } cases[] = {
        {"姓名", SC_FIELD_NAME},
        {"name", SC_FIELD_NAME},
        {"NAME", SC_FIELD_NAME},
        {" Name\t", SC_FIELD_NAME},
        {"　姓名　", SC_FIELD_NAME},
        {"id_type", SC_FIELD_ID_TYPE},
        {"证件号码", SC_FIELD_ID_NUMBER},
        {"ID_Number", SC_FIELD_ID_NUMBER},
        {"职业名称", SC_FIELD_OCCUPATION},
        {"occupation", SC_FIELD_OCCUPATION},
        {"职业编码", SC_FIELD_OCCUPATION_CODE},
        {"Occupation_Code", SC_FIELD_OCCUPATION_CODE},
        {"工种名称", SC_FIELD_WORK_TYPE},
        {"work_type", SC_FIELD_WORK_TYPE},
        {"职业技能等级", SC_FIELD_LEVEL},
        {"level", SC_FIELD_LEVEL},
        {"证书编号", SC_FIELD_NUMBER},
        {"number", SC_FIELD_NUMBER},
        {"发证日期", SC_FIELD_ISSUE_DATE},
        {"issue_date", SC_FIELD_ISSUE_DATE},
        {"照片", SC_FIELD_PHOTO},
        {"PHOTO", SC_FIELD_PHOTO},
        {"备注", NULL},
        {"", NULL},
        {"　", NULL},
        {"姓", NULL},
        {"姓名2", NULL},
        {"names", NULL},
        {"nam", NULL},
        {"id number", NULL},
        {"ｎａｍｅ", NULL}, // full-width letters are not the alias
        // The names offices write instead (issue 10), spaces, '*' and a colon ignored.
        {"身份证号码", SC_FIELD_ID_NUMBER},
        {"身份证号", SC_FIELD_ID_NUMBER},
        {"证件号", SC_FIELD_ID_NUMBER},
        {"工种", SC_FIELD_WORK_TYPE},
        {"职业", SC_FIELD_OCCUPATION},
        {"等级", SC_FIELD_LEVEL},
        {"技能等级", SC_FIELD_LEVEL},
        {"证书号", SC_FIELD_NUMBER},
        {"证书编码", SC_FIELD_NUMBER},
        {"发证时间", SC_FIELD_ISSUE_DATE},
        {"颁证日期", SC_FIELD_ISSUE_DATE},
        {"相片", SC_FIELD_PHOTO},
        {"姓　　名：", SC_FIELD_NAME},
        {"*姓名", SC_FIELD_NAME},
        {"＊身份证号码:", SC_FIELD_ID_NUMBER},
        {"职业(工种)", SC_FIELD_OCCUPATION},
        {"评价机构名称", SC_FIELD_INSTITUTION_NAME},
        {"工种名", NULL},
        {"等 级 证", NULL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpstr(sc_field_canonical(cases[i].name), ==, cases[i].want);
    g_assert_null(sc_field_canonical(NULL));
}

// An unknown header gets the known field it is near, by containment or edit distance; headers
// unlike any field get none.
static void
test_suggest(void)
{
    static const struct {
        const char *name;
        const char *want;
    } cases[] = {
        {"工种名", SC_FIELD_WORK_TYPE},
        {"职业资格等级", SC_FIELD_LEVEL},
        {"身份证号吗", SC_FIELD_ID_NUMBER},
        {"证件号吗", SC_FIELD_ID_NUMBER},
        {"发证日", SC_FIELD_ISSUE_DATE},
        {"nane", SC_FIELD_NAME},
        {"备注", NULL},
        {"联系电话", NULL},
        {"序号", NULL},
        {"性别", NULL},
        {"工作单位", NULL},
        {"姓名", NULL}, // known: nothing to suggest
        {"", NULL},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
        if (g_strcmp0(sc_field_suggest(cases[i].name), cases[i].want) != 0)
            g_error("'%s': suggested %s, want %s", cases[i].name, sc_field_suggest(cases[i].name),
                    cases[i].want);

    // In a file: the note says what the column probably is, unless the header has that field.
    parsed p = parse("姓名,证件号码,职业名称,职业技能等级,工种名,备注\n", -1, "s.csv",
                     SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    g_assert_cmpuint(p.notes->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(p.notes, 0), ==,
                    "s.csv: column 工种名 is not a known field; kept for templates (did you mean "
                    "工种名称?)");
    g_assert_cmpstr(g_ptr_array_index(p.notes, 1), ==,
                    "s.csv: column 备注 is not a known field; kept for templates");
    parsed_free(&p);
}

// Cells are read in Unicode's composed form (NFC): "e" + U+0301 is "é", as typed elsewhere.
static void
test_nfc(void)
{
    parsed p = parse("姓名,证件号码,职业名称,职业技能等级\nRene\xcc\x81,1,电工,4\n", -1, "n.csv",
                     SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "姓名"), ==, "Ren\xc3\xa9");
    parsed_free(&p);
}

// basic.csv: every field, a unknown column, a minority name with the middle dot, a name with a
// character outside the BMP, quoted cells with commas, doubled quotes and a line break, values
// trimmed of ASCII and full-width spaces, an empty 工种名称.
static void
test_basic(void)
{
    parsed p = load("basic.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_columns(p.records, (const char *const[]){"姓名", "证件类型", "证件号码", "职业名称",
                                                    "职业编码", "工种名称", "职业技能等级",
                                                    "证书编号", "发证日期", "照片", "备注", NULL});
    assert_rows(p.records, (const guint[]){2, 3, 4, 6, 0});
    g_assert_cmpuint(p.notes->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(p.notes, 0), ==,
                    "tests/data/records/basic.csv: column 备注 is not a known field; kept for "
                    "templates");

    const sc_record *r = record_at(&p, 0);
    g_assert_cmpstr(sc_record_get(r, "姓名"), ==, "阿依古丽·买买提");
    g_assert_cmpstr(sc_record_get(r, "name"), ==, "阿依古丽·买买提");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_ID_TYPE), ==, "居民身份证");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_ID_NUMBER), ==, "11010519491231002X");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_OCCUPATION), ==, "电工");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_OCCUPATION_CODE), ==, "6-31-01-03");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_WORK_TYPE), ==, "维修电工");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_LEVEL), ==, "四级/中级工");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_NUMBER), ==, "");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_ISSUE_DATE), ==, "2024-06-01");
    g_assert_cmpstr(sc_record_get(r, SC_FIELD_PHOTO), ==, "ayiguli.jpg");
    g_assert_cmpstr(sc_record_get(r, "备注"), ==, "");
    g_assert_null(sc_record_get(r, "不存在"));

    r = record_at(&p, 1);
    g_assert_cmpstr(sc_record_get(r, "name"), ==, "王\xF0\xA0\xAE\xB7"); // 王𠮷, U+20BB7
    g_assert_cmpstr(sc_record_get(r, "work_type"), ==, "");
    g_assert_cmpstr(sc_record_get(r, "number"), ==, "S000044001001224300001");
    g_assert_cmpstr(sc_record_get(r, "issue_date"), ==, "2024年6月1日");
    g_assert_cmpstr(sc_record_get(r, "备注"), ==, "备注, 含逗号和\"引号\"");

    r = record_at(&p, 2);
    g_assert_cmpstr(sc_record_get(r, "name"), ==, "李　四"); // inner U+3000 kept
    g_assert_cmpstr(sc_record_get(r, "id_type"), ==, "护照");
    g_assert_cmpstr(sc_record_get(r, "occupation"), ==, "中式烹调师");
    g_assert_cmpstr(sc_record_get(r, "work_type"), ==, "");
    g_assert_cmpstr(sc_record_get(r, "level"), ==, "中级工");
    g_assert_cmpstr(sc_record_get(r, "备注"), ==, "第一行\n第二行");

    // Absent stays absent: the reader applies no defaults (证件类型 is empty, not 居民身份证).
    r = record_at(&p, 3);
    g_assert_cmpstr(sc_record_get(r, "id_type"), ==, "");
    g_assert_cmpstr(sc_record_get(r, "level"), ==, "5");
    parsed_free(&p);
}

// sc_record_get/_set by canonical name or alias; set copies and replaces.
static void
test_get_set(void)
{
    parsed p = parse("姓名,证件号码,职业名称,职业技能等级\n张三,1,电工,4\n", -1, "x.csv",
                     SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    sc_record *r = g_ptr_array_index(p.records->records, 0);
    g_assert_null(sc_record_get(r, "证件类型"));
    g_assert_null(sc_record_get(r, "id_type"));

    char value[] = "护照";
    sc_record_set(r, "ID_TYPE", value);
    value[0] = 'x';
    g_assert_cmpstr(sc_record_get(r, "证件类型"), ==, "护照");
    sc_record_set(r, "证件类型", "居民身份证");
    g_assert_cmpstr(sc_record_get(r, "id_type"), ==, "居民身份证");
    sc_record_set(r, "level", "四级/中级工");
    g_assert_cmpstr(sc_record_get(r, "职业技能等级"), ==, "四级/中级工");
    sc_record_set(r, "备注", "补考");
    g_assert_cmpstr(sc_record_get(r, "备注"), ==, "补考");
    g_assert_cmpuint(r->n, ==, 6);

    // The values are read by position too, an empty one among them.
    sc_record_set(r, "证件号码", "");
    static const char *const in_order[] = {"张三", "", "电工", "四级/中级工", "居民身份证", "补考"};
    for (guint i = 0; i < r->n; i++) {
        g_assert_cmpstr(sc_record_value(r, i), ==, in_order[i]);
        g_assert_true(sc_record_value(r, i) == sc_record_get(r, r->names[i]));
    }
    g_assert_cmpstr(sc_record_get(r, "备注"), ==, "补考");
    parsed_free(&p);

    sc_records_free(NULL); // a no-op
}

// aliases.tsv: ASCII aliases in mixed case, surrounded by spaces and U+3000, tab-separated.
static void
test_aliases_tsv(void)
{
    parsed p = load("aliases.tsv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_columns(p.records, (const char *const[]){"姓名", "证件号码", "职业名称", "职业技能等级",
                                                    "工种名称", "发证日期", "照片", "证件类型",
                                                    "证书编号", "职业编码", NULL});
    assert_rows(p.records, (const guint[]){2, 0});
    g_assert_cmpuint(p.notes->len, ==, 0);
    const sc_record *r = record_at(&p, 0);
    g_assert_cmpstr(sc_record_get(r, "姓名"), ==, "张三");
    g_assert_cmpstr(sc_record_get(r, "职业技能等级"), ==, "4");
    g_assert_cmpstr(sc_record_get(r, "发证日期"), ==, "2024-06-01");
    g_assert_cmpstr(sc_record_get(r, "职业编码"), ==, "");
    parsed_free(&p);
}

// bom-crlf.csv: a UTF-8 BOM (skipped) and CRLF line ends, also inside a quoted cell, where
// the value gets a plain LF.
static void
test_bom_crlf(void)
{
    for (int e = SC_ENCODING_AUTO; e <= SC_ENCODING_UTF8; e++) {
        parsed p = load("bom-crlf.csv", (sc_encoding)e, SC_FORMAT_AUTO);
        assert_problems(p.problems, NO_PROBLEMS);
        assert_columns(p.records, (const char *const[]){"姓名", "证件号码", "职业名称",
                                                        "职业技能等级", "备注", NULL});
        assert_rows(p.records, (const guint[]){2, 4, 0});
        g_assert_cmpstr(sc_record_get(record_at(&p, 0), "姓名"), ==, "张三");
        g_assert_cmpstr(sc_record_get(record_at(&p, 0), "备注"), ==, "甲\n乙");
        g_assert_cmpstr(sc_record_get(record_at(&p, 1), "level"), ==, "三级");
        parsed_free(&p);
    }

    // A UTF-8 BOM when GB 18030 is asked for: the file as a whole is refused, not misread.
    sc_problems *problems = sc_problems_new();
    GError *error = NULL;
    g_assert_null(sc_records_load("tests/data/records/bom-crlf.csv", SC_ENCODING_GB18030,
                                  SC_FORMAT_AUTO, problems, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_cmpstr(error->message, ==,
                    "tests/data/records/bom-crlf.csv: the file starts with a UTF-8 byte-order "
                    "mark, so it is UTF-8, not GB 18030; read it as UTF-8 or let the encoding be "
                    "detected");
    g_clear_error(&error);
    sc_problems_free(problems);
}

// gbk.csv (made with iconv -t GBK, CRLF as Excel writes it): detected and converted; the same
// when GB 18030 is asked for; asked to read it as UTF-8, the header's bytes are reported rather
// than turned into other characters.
static void
test_gbk(void)
{
    for (int e = 0; e < 2; e++) {
        parsed p = load("gbk.csv", e == 0 ? SC_ENCODING_AUTO : SC_ENCODING_GB18030, SC_FORMAT_AUTO);
        assert_problems(p.problems, NO_PROBLEMS);
        assert_rows(p.records, (const guint[]){2, 3, 0});
        const sc_record *r = record_at(&p, 0);
        g_assert_cmpstr(sc_record_get(r, "姓名"), ==, "阿依古丽·买买提");
        g_assert_cmpstr(sc_record_get(r, "证件号码"), ==, "11010519491231002X");
        g_assert_cmpstr(sc_record_get(r, "职业技能等级"), ==, "四级/中级工");
        g_assert_cmpstr(sc_record_get(r, "工种名称"), ==, "维修电工");
        r = record_at(&p, 1);
        g_assert_cmpstr(sc_record_get(r, "姓名"), ==, "欧阳娜娜");
        g_assert_cmpstr(sc_record_get(r, "职业名称"), ==, "中式烹调师");
        g_assert_cmpstr(sc_record_get(r, "工种名称"), ==, "");
        parsed_free(&p);
    }

    parsed p = load("gbk.csv", SC_ENCODING_UTF8, SC_FORMAT_AUTO);
    g_assert_cmpuint(p.records->records->len, ==, 0);
    g_assert_cmpuint(sc_problems_count(p.problems), ==, 5); // one per header cell
    g_assert_cmpstr(sc_problems_get(p.problems, 0), ==,
                    "tests/data/records/gbk.csv:1: header cell 1: byte 0xD0 is not valid UTF-8; "
                    "save the file as UTF-8 (Excel: CSV UTF-8) or read it as GB 18030");
    parsed_free(&p);
}

// gb18030.csv: characters GBK lacks, four bytes each in GB 18030 (U+20BB7 𠮷, U+4DAE 䶮).
static void
test_gb18030(void)
{
    parsed p = load("gb18030.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_rows(p.records, (const guint[]){2, 3, 0});
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "姓名"), ==, "王\xF0\xA0\xAE\xB7");
    g_assert_cmpstr(sc_record_get(record_at(&p, 1), "姓名"), ==, "刘\xE4\xB6\xAE");
    g_assert_cmpstr(sc_record_get(record_at(&p, 1), "职业技能等级"), ==, "五级");
    parsed_free(&p);
}

// gbk-bad.csv: bytes that are not GB 18030, one on line 4, one on the second line (6) of a
// cell that starts on line 5: each named by its own line and field; the other rows are read.
static void
test_gbk_bad(void)
{
    parsed p = load("gbk-bad.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){
                        "tests/data/records/gbk-bad.csv:4: 证件号码: bytes 0xFF 0xFF are not "
                        "valid GB 18030, and the file is not UTF-8 either; save it again as CSV "
                        "UTF-8",
                        "tests/data/records/gbk-bad.csv:6: 备注: byte 0x80 is not valid GB "
                        "18030, and the file is not UTF-8 either; save it again as CSV UTF-8",
                        NULL});
    assert_rows(p.records, (const guint[]){2, 7, 0});
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "备注"), ==, "甲\n乙");
    g_assert_cmpstr(sc_record_get(record_at(&p, 1), "姓名"), ==, "赵六");
    parsed_free(&p);

    // Asked for explicitly, the message does not talk about detection.
    p = load("gbk-bad.csv", SC_ENCODING_GB18030, SC_FORMAT_AUTO);
    g_assert_cmpstr(sc_problems_get(p.problems, 0), ==,
                    "tests/data/records/gbk-bad.csv:4: 证件号码: bytes 0xFF 0xFF are not valid "
                    "GB 18030; check which encoding the file is in");
    parsed_free(&p);
}

// utf8-bad.csv: a UTF-8 file with one Latin-1 byte is still read as UTF-8 (as GB 18030 every
// Chinese character would silently become another) and the byte is reported.
static void
test_utf8_bad(void)
{
    parsed p = load("utf8-bad.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){
                        "tests/data/records/utf8-bad.csv:3: 姓名: byte 0xE9 is not valid UTF-8 "
                        "(the rest of the file is UTF-8); retype the text there",
                        NULL});
    assert_rows(p.records, (const guint[]){2, 0});
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "姓名"), ==, "阿依古丽·买买提");
    parsed_free(&p);
}

// broken-quotes.csv: a quote inside an unquoted cell, text after a closing quote (also on the
// second line of a row); each reported at the row's first line and the next rows still read.
static void
test_broken_quotes(void)
{
    parsed p = load("broken-quotes.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(
        p.problems,
        (const char *const[]){
            "tests/data/records/broken-quotes.csv:2: 姓名: a double quote inside a cell that "
            "does not start with one; put the whole cell in double quotes and write the quote "
            "as two (\"\")",
            "tests/data/records/broken-quotes.csv:3: 姓名: 'x' follows the closing double quote "
            "of the cell; write a quote inside a quoted cell as two (\"\")",
            "tests/data/records/broken-quotes.csv:5: 职业技能等级: '五' follows the closing "
            "double quote of the cell (on line 6); write a quote inside a quoted cell as two "
            "(\"\")",
            NULL});
    assert_rows(p.records, (const guint[]){4, 7, 0});
    parsed_free(&p);
}

// unclosed-quote.csv: a quote opened on line 3 and never closed swallows the rest of the file.
static void
test_unclosed_quote(void)
{
    parsed p = load("unclosed-quote.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){
                        "tests/data/records/unclosed-quote.csv:3: 职业名称: the double quote that "
                        "opens this cell is never closed, so the rest of the file, to line 4, was "
                        "read into it; close the quote, and write a quote inside a cell as two "
                        "(\"\")",
                        NULL});
    assert_rows(p.records, (const guint[]){2, 0});
    parsed_free(&p);
}

// cells.csv: too few and too many cells; blank lines, lines of commas, spaces, U+3000 and a tab
// are skipped without a word.
static void
test_cells(void)
{
    parsed p = load("cells.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){
                        "tests/data/records/cells.csv:5: row has 3 cells, the header has 4; add "
                        "the missing cells, even if empty",
                        "tests/data/records/cells.csv:6: row has 5 cells, the header has 4; put a "
                        "cell that contains a comma in double quotes",
                        "tests/data/records/cells.csv:8: row has 3 cells, the header has 4; add "
                        "the missing cells, even if empty",
                        NULL});
    assert_rows(p.records, (const guint[]){2, 9, 0});
    g_assert_true(sc_problems_has_row(p.problems, 5));
    g_assert_false(sc_problems_has_row(p.problems, 9));
    parsed_free(&p);
}

// cr-only.csv: CR alone ends lines (old Mac Excel), also inside a quoted cell.
static void
test_cr_only(void)
{
    parsed p = load("cr-only.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_rows(p.records, (const guint[]){2, 3, 5, 0});
    g_assert_cmpstr(sc_record_get(record_at(&p, 1), "姓名"), ==, "多\n行");
    parsed_free(&p);
}

// Header problems: missing required columns (row 0, SPEC §4), a field given twice, a title
// line above the header.
static void
test_header_problems(void)
{
    parsed p = load("missing-column.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){
                        "tests/data/records/missing-column.csv: 姓名: required column is missing "
                        "(add a 姓名 or name column)",
                        "tests/data/records/missing-column.csv: 职业技能等级: required column is "
                        "missing (add a 职业技能等级 or level column)",
                        NULL});
    assert_rows(p.records, (const guint[]){2, 0});
    parsed_free(&p);

    p = load("duplicate-column.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(
        p.problems,
        (const char *const[]){"tests/data/records/duplicate-column.csv:1: 姓名: column given twice "
                              "(columns 1 and 5); delete one of them",
                              NULL});
    assert_columns(p.records, (const char *const[]){"姓名", "证件号码", "职业名称", "职业技能等级",
                                                    "姓名", NULL});
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "姓名"), ==, "张三");
    parsed_free(&p);

    // A title line above the header, as report sheets have: skipped, and said once (issue 10).
    p = load("title-line.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_rows(p.records, (const guint[]){3, 0});
    g_assert_cmpuint(p.notes->len, ==, 1);
    g_assert_nonnull(strstr(g_ptr_array_index(p.notes, 0), "title-line.csv:1: '2024年第一批"));
    g_assert_nonnull(strstr(g_ptr_array_index(p.notes, 0), "title"));
    parsed_free(&p);

    // Two lines without a field name: the second cannot be the header.
    p = parse("2026年11月职业技能等级认定合格人员名单\n制表单位：某某学校\n姓名,证件号码,职业名称,"
              "职业技能等级\n",
              -1, "t.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(
        p.problems,
        (const char *const[]){"t.csv:2: this line should be the header, but none of its cells is a "
                              "field name (姓名, 证件号码, 职业名称, 职业技能等级, …; it starts "
                              "with '制表单位：某某学校'); make the header the first line and "
                              "delete any title lines above it",
                              NULL});
    g_assert_cmpuint(p.records->records->len, ==, 0);
    parsed_free(&p);

    // A header cell given in quotes, and header cells that are blank at the end.
    p = load("unnamed-column.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(
        p.problems,
        (const char *const[]){"tests/data/records/unnamed-column.csv:3: cell 6 has a value but its "
                              "column has no header; name the column or empty the cell",
                              NULL});
    assert_columns(p.records, (const char *const[]){"姓名", "证件号码", "职业名称", "职业技能等级",
                                                    "", "", NULL});
    assert_rows(p.records, (const guint[]){2, 0});
    g_assert_cmpuint(record_at(&p, 0)->n, ==, 4);
    parsed_free(&p);
}

// Empty file, header only, a NUL byte, UTF-16 from Excel's "Unicode text", a broken workbook,
// a missing file.
static void
test_odd_files(void)
{
    parsed p = load("empty.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){
                        "tests/data/records/empty.csv: the file is empty; its first line must be "
                        "the header (姓名,证件号码,职业名称,职业技能等级,…) and each line below it "
                        "one certificate",
                        NULL});
    parsed_free(&p);

    p = load("header-only.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    g_assert_cmpuint(p.records->columns->len, ==, 4);
    g_assert_cmpuint(p.records->records->len, ==, 0);
    parsed_free(&p);

    p = load("nul.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){
                        "tests/data/records/nul.csv:2: 姓名: the cell has a NUL byte, which text "
                        "never has; is this file really CSV text?  Save the spreadsheet again as "
                        "CSV UTF-8",
                        NULL});
    assert_rows(p.records, (const guint[]){3, 0});
    parsed_free(&p);

    p = load("utf16.txt", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_rows(p.records, (const guint[]){2, 0});
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "姓名"), ==, "张三");
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "职业技能等级"), ==, "四级");
    parsed_free(&p);

    sc_problems *problems = sc_problems_new();
    GError *error = NULL;
    g_assert_null(sc_records_load("tests/data/records/utf16.txt", SC_ENCODING_UTF8, SC_FORMAT_AUTO,
                                  problems, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);

    // An .xlsx workbook is read (tests/unit/test-xlsx.c); one cut short is refused as a whole,
    // and so is an old .xls workbook, each saying how to save the sheet.
    g_assert_null(sc_records_load("tests/data/records/truncated.xlsx", SC_ENCODING_AUTO,
                                  SC_FORMAT_AUTO, problems, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_true(g_str_has_prefix(error->message, "tests/data/records/truncated.xlsx: not a "
                                                   "readable .xlsx workbook ("));
    g_assert_nonnull(strstr(error->message, "CSV UTF-8"));
    g_clear_error(&error);
    g_assert_null(sc_records_parse("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "old.xls",
                                   SC_ENCODING_AUTO, SC_FORMAT_AUTO, problems, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_true(g_str_has_prefix(error->message, "old.xls: this is an old Excel 97–2003 "
                                                   "workbook (.xls)"));
    g_clear_error(&error);

    g_assert_null(sc_records_load("tests/data/records/no-such-file.csv", SC_ENCODING_AUTO,
                                  SC_FORMAT_AUTO, problems, NULL, &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error(&error);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    sc_problems_free(problems);
}

// The format: by extension (.csv, .tsv, .txt), else by the header line (sniff-tab has no
// extension, sniff-comma.dat an unknown one); a format given explicitly wins.
static void
test_format(void)
{
    parsed p = load("sniff-tab", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "职业名称"), ==, "电工,焊工");
    parsed_free(&p);

    p = load("sniff-comma.dat", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "职业名称"), ==, "电工\t焊工");
    parsed_free(&p);

    // Tab-separated text named .csv, read as TSV because the caller says so.
    p = parse("姓名\t证件号码\t职业名称\t职业技能等级\n张三\t1\t电工\t四级\n", -1, "x.csv",
              SC_ENCODING_AUTO, SC_FORMAT_TSV);
    assert_problems(p.problems, NO_PROBLEMS);
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "level"), ==, "四级");
    parsed_free(&p);

    // A .txt is TSV; quoted TSV cells (as Excel writes them) may hold tabs and line breaks.
    p = parse(
        "姓名\t证件号码\t职业名称\t职业技能等级\n\"张\t三\"\t1\t\"电\n工\"\t四级\n李四\t2\t焊工\t"
        "三级\n",
        -1, "x.TXT", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_rows(p.records, (const guint[]){2, 4, 0});
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "name"), ==, "张\t三");
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "occupation"), ==, "电\n工");
    parsed_free(&p);

    // In TSV, empty cells between tabs stay cells (a tab is not a space to strip there).
    p = parse("姓名\t证件号码\t工种名称\t职业名称\t职业技能等级\n张三\t1\t\t电工\t4\n", -1, "x.tsv",
              SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "work_type"), ==, "");
    g_assert_cmpstr(sc_record_get(record_at(&p, 0), "occupation"), ==, "电工");
    parsed_free(&p);
}

// Quoting broken in the header stops the reading (no later line may become the header); in a
// GB 18030 file the character after a closing quote is shown decoded; a bad UTF-16 sequence is
// named by its line.
static void
test_broken_more(void)
{
    parsed p = parse("姓\"名\",证件号码,职业名称,职业技能等级\n张三,1,电工,4\n", -1, "h.csv",
                     SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){"h.csv:1: header cell 1: a double quote inside a cell "
                                          "that does not start with one; put the whole cell in "
                                          "double quotes and write the quote as two (\"\")",
                                          NULL});
    g_assert_cmpuint(p.records->columns->len, ==, 0);
    g_assert_cmpuint(p.records->records->len, ==, 0);
    parsed_free(&p);

    // "李四"五 in GBK: C0EE CBC4 and CEE5.
    p = parse("name,id_number,occupation,level\n"
              "\"\xC0\xEE\xCB\xC4\"\xCE\xE5,1,2,3\n"
              "\xC0\xEE,1,2,3\n",
              -1, "g.csv", SC_ENCODING_GB18030, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){"g.csv:2: 姓名: '五' follows the closing double quote of "
                                          "the cell; write a quote inside a quoted cell as two "
                                          "(\"\")",
                                          NULL});
    assert_rows(p.records, (const guint[]){3, 0});
    parsed_free(&p);

    // UTF-16LE: "a" LF "b" LF, then a low surrogate alone.
    static const char utf16[] = "\xFF\xFE"
                                "a\0\n\0"
                                "b\0\n\0"
                                "\x00\xDC"
                                "c\0";
    p = parse(utf16, sizeof utf16 - 1, "u.txt", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems,
                    (const char *const[]){"u.txt:3: the file is UTF-16 text, but has bytes here "
                                          "that are not UTF-16; save it again as CSV UTF-8",
                                          NULL});
    g_assert_cmpuint(p.records->records->len, ==, 0);
    parsed_free(&p);
}

// RFC 4180 §2: CRLF or none after the last record, quoted fields with commas, line breaks and
// doubled quotes, a header.  (Unlike the RFC, spaces around values are not kept: SPEC §4.)
static void
test_rfc4180(void)
{
    const char *data = "姓名,证件号码,职业名称,职业技能等级\r\n"
                       "aaa,bbb,ccc,4\r\n"
                       "\"aaa\",\"b\r\nbb\",\"ccc\",\"4\"\r\n"
                       "\"a,a\",\"b\"\"bb\",\"\",4\r\n"
                       "zzz,yyy,xxx,5"; // no line break at the end
    parsed p = parse(data, -1, "rfc.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    assert_problems(p.problems, NO_PROBLEMS);
    assert_rows(p.records, (const guint[]){2, 3, 5, 6, 0});
    g_assert_cmpstr(sc_record_get(record_at(&p, 1), "证件号码"), ==, "b\nbb");
    g_assert_cmpstr(sc_record_get(record_at(&p, 2), "姓名"), ==, "a,a");
    g_assert_cmpstr(sc_record_get(record_at(&p, 2), "证件号码"), ==, "b\"bb");
    g_assert_cmpstr(sc_record_get(record_at(&p, 2), "职业名称"), ==, "");
    g_assert_cmpstr(sc_record_get(record_at(&p, 3), "职业技能等级"), ==, "5");
    parsed_free(&p);
}

// Row numbers stay right after cells that span many lines, blank lines and broken rows: each
// record's row is the line where it starts (the header is line 1).
static void
test_row_numbers(void)
{
    GString *data = g_string_new("姓名,证件号码,职业名称,职业技能等级\n");
    GArray *want = g_array_new(TRUE, TRUE, sizeof(guint));
    guint line = 2;
    for (guint i = 0; i < 200; i++) {
        guint start = line;
        switch (i % 5) {
        case 0: // plain
            g_string_append_printf(data, "n%u,1,电工,4\n", i);
            line += 1;
            break;
        case 1: // a cell of i % 7 + 2 lines
            g_string_append_printf(data, "n%u,1,\"", i);
            for (guint k = 0; k < i % 7 + 1; k++)
                g_string_append(data, "x\n");
            g_string_append(data, "y\",4\n");
            line += i % 7 + 2;
            break;
        case 2: // blank lines before the row, CRLF line ends
            g_string_append_printf(data, "\n,,,\r\n  \r\nn%u,1,电工,4\r\n", i);
            start += 3;
            line += 4;
            break;
        case 3: // a broken row: not a record, but counted
            g_string_append_printf(data, "n%u,1,电工\n", i);
            line += 1;
            continue;
        default: // the first cell spans two lines
            g_string_append_printf(data, "\"n%u\nn\",1,电工,4\n", i);
            line += 2;
            break;
        }
        g_array_append_val(want, start);
    }
    parsed p = parse(data->str, (gssize)data->len, "rows.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    g_assert_cmpuint(sc_problems_count(p.problems), ==, 40);
    assert_rows(p.records, (const guint *)(void *)want->data);
    parsed_free(&p);
    g_array_unref(want);
    g_string_free(data, TRUE);
}

// A cell of exactly SC_RECORDS_MAX_CELL_BYTES is read; one byte more is a problem of its row,
// and the rows after it are read.
static void
test_limit_cell(void)
{
    GString *data = g_string_new("姓名,证件号码,职业名称,职业技能等级\n");
    g_string_append(data, "张三,1,\"");
    for (guint i = 0; i < SC_RECORDS_MAX_CELL_BYTES; i++)
        g_string_append_c(data, i % 100 == 99 ? '\n' : 'a');
    g_string_append(data, "\",4\n李四,1,");
    for (guint i = 0; i <= SC_RECORDS_MAX_CELL_BYTES; i++)
        g_string_append_c(data, 'b');
    g_string_append(data, ",4\n王五,1,电工,4\n");

    parsed p = parse(data->str, (gssize)data->len, "cell.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    guint after = 2 + SC_RECORDS_MAX_CELL_BYTES / 100 + 1; // the line of 李四
    char *want = g_strdup_printf("cell.csv:%u: 职业名称: the cell is %u bytes long, over the "
                                 "limit of %u; is this the right file?",
                                 after, SC_RECORDS_MAX_CELL_BYTES + 1, SC_RECORDS_MAX_CELL_BYTES);
    assert_problems(p.problems, (const char *const[]){want, NULL});
    assert_rows(p.records, (const guint[]){2, after + 1, 0});
    g_assert_cmpuint(strlen(sc_record_get(record_at(&p, 0), "职业名称")), ==,
                     SC_RECORDS_MAX_CELL_BYTES);
    g_free(want);
    parsed_free(&p);
    g_string_free(data, TRUE);
}

// A header of SC_RECORDS_MAX_COLUMNS columns is read (unknown columns: ten notes and a count);
// one more is refused in one problem.
static void
test_limit_columns(void)
{
    for (guint extra = 0; extra <= 1; extra++) {
        guint n = SC_RECORDS_MAX_COLUMNS + extra;
        GString *data = g_string_new("姓名,证件号码,职业名称,职业技能等级");
        for (guint i = 4; i < n; i++)
            g_string_append_printf(data, ",c%u", i);
        g_string_append(data, "\n张三,1,电工,4");
        for (guint i = 4; i < n; i++)
            g_string_append_printf(data, ",v%u", i);
        g_string_append(data, "\n");

        parsed p =
            parse(data->str, (gssize)data->len, "wide.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
        if (extra == 0) {
            assert_problems(p.problems, NO_PROBLEMS);
            assert_rows(p.records, (const guint[]){2, 0});
            g_assert_cmpstr(sc_record_get(record_at(&p, 0), "c4000"), ==, "v4000");
            g_assert_cmpuint(p.notes->len, ==, 11);
            char *last = g_strdup_printf("wide.csv: %u more columns are not known fields; kept "
                                         "for templates",
                                         n - 4 - 10);
            g_assert_cmpstr(g_ptr_array_index(p.notes, 10), ==, last);
            g_free(last);
        } else {
            char *want = g_strdup_printf("wide.csv:1: the header has %u columns, over the "
                                         "limit of %u; is this the right file?",
                                         n, SC_RECORDS_MAX_COLUMNS);
            assert_problems(p.problems, (const char *const[]){want, NULL});
            g_assert_cmpuint(p.records->records->len, ==, 0);
            g_free(want);
        }
        parsed_free(&p);
        g_string_free(data, TRUE);
    }
}

// A file over SC_RECORDS_MAX_BYTES is refused before it is read (a sparse file: no disk used).
static void
test_limit_file(void)
{
    char *path = NULL;
    GError *error = NULL;
    int fd = g_file_open_tmp("skillcert-XXXXXX.csv", &path, &error);
    g_assert_no_error(error);
    g_assert_cmpint(ftruncate(fd, (off_t)SC_RECORDS_MAX_BYTES + 1), ==, 0);
    close(fd);

    sc_problems *problems = sc_problems_new();
    g_assert_null(sc_records_load(path, SC_ENCODING_AUTO, SC_FORMAT_AUTO, problems, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    char *want = g_strdup_printf("%s: the file is 257 MB, over the limit of 256 MB; split the "
                                 "batch into smaller files",
                                 path);
    g_assert_cmpstr(error->message, ==, want);
    g_clear_error(&error);
    g_free(want);
    sc_problems_free(problems);
    g_unlink(path);
    g_free(path);
}

// A records "file" that is /dev/zero, a folder or a FIFO is refused at once (it was read until
// memory ran out, or blocked for ever), and no problem is added.
static void
test_not_regular(void)
{
    sc_test_hostile h;
    sc_test_hostile_init(&h);
    sc_problems *problems = sc_problems_new();
    for (guint i = 0; i < G_N_ELEMENTS(h.paths); i++) {
        GError *error = NULL;
        g_assert_null(
            sc_records_load(h.paths[i], SC_ENCODING_AUTO, SC_FORMAT_AUTO, problems, NULL, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_assert_nonnull(strstr(error->message, "not a regular file"));
        g_clear_error(&error);
    }
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    sc_problems_free(problems);
    sc_test_hostile_free(&h);
}

// Pathological input (cmark's pathological tests): each must finish fast and say something
// sensible.  Times are printed; under valgrind (SC_VALGRIND=1) they are not bounded.
static void
check_time(gdouble seconds, gdouble bound, const char *what)
{
    g_test_message("%s: %.3f s", what, seconds);
    if (g_strcmp0(g_getenv("SC_VALGRIND"), "1") != 0 && seconds > bound)
        g_error("%s took %.1f s, over %.0f s: not linear?", what, seconds, bound);
}

// 10,000-character cells (30,000 bytes of UTF-8) are ordinary values.
static void
test_pathological_long_cells(void)
{
    GString *data = g_string_new("姓名,证件号码,职业名称,职业技能等级\n");
    for (guint row = 0; row < 20; row++) {
        for (guint i = 0; i < 10000; i++)
            g_string_append(data, "张");
        g_string_append(data, ",1,电工,4\n");
    }
    g_test_timer_start();
    parsed p = parse(data->str, (gssize)data->len, "long.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    check_time(g_test_timer_elapsed(), 5, "20 cells of 10,000 characters");
    assert_problems(p.problems, NO_PROBLEMS);
    g_assert_cmpuint(p.records->records->len, ==, 20);
    g_assert_cmpint(g_utf8_strlen(sc_record_get(record_at(&p, 19), "姓名"), -1), ==, 10000);
    parsed_free(&p);
    g_string_free(data, TRUE);
}

// A 1 MB field, quoted and spanning 10,000 lines: a problem of its row; libcsv's buffer grows
// geometrically (feed_lines()), so this stays linear.
static void
test_pathological_huge_field(void)
{
    GString *data = g_string_new("姓名,证件号码,职业名称,职业技能等级\n张三,1,\"");
    for (guint i = 0; i < 10000 * 100; i++)
        g_string_append_c(data, i % 100 == 99 ? '\n' : (char)('0' + i % 10));
    g_string_append(data, "\",4\n李四,1,电工,4\n");
    g_test_timer_start();
    parsed p = parse(data->str, (gssize)data->len, "huge.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    check_time(g_test_timer_elapsed(), 5, "a 1 MB field");
    assert_problems(p.problems,
                    (const char *const[]){"huge.csv:2: 职业名称: the cell is 1000000 bytes long, "
                                          "over the limit of 65536; is this the right file?",
                                          NULL});
    assert_rows(p.records, (const guint[]){10003, 0});
    parsed_free(&p);
    g_string_free(data, TRUE);
}

// 100,000 rows (SPEC's largest batch tested): all read, in linear time.
static void
test_pathological_rows(void)
{
    GString *data = g_string_new("姓名,证件号码,职业名称,职业编码,工种名称,职业技能等级,证书编号,"
                                 "发证日期,照片,备注\n");
    for (guint i = 0; i < 100000; i++)
        g_string_append_printf(data,
                               "张三%u,11010519491231002X,电工,6-31-01-03,维修电工,四级/中级工,,"
                               "2024-06-01,p%u.jpg,\"备注, %u\"\n",
                               i, i, i);
    g_test_timer_start();
    parsed p = parse(data->str, (gssize)data->len, "many.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    check_time(g_test_timer_elapsed(), 20, "100,000 rows");
    assert_problems(p.problems, NO_PROBLEMS);
    g_assert_cmpuint(p.records->records->len, ==, 100000);
    g_assert_cmpuint(record_at(&p, 99999)->row, ==, 100001);
    g_assert_cmpstr(sc_record_get(record_at(&p, 99999), "备注"), ==, "备注, 99999");
    parsed_free(&p);
    g_string_free(data, TRUE);
}

// A line of a million commas, two million blank lines, and a row of a million cells after a
// short header: each dealt with in one pass.
static void
test_pathological_separators(void)
{
    GString *data = g_string_new("姓名,证件号码,职业名称,职业技能等级\n");
    for (guint i = 0; i < 1000000; i++)
        g_string_append_c(data, ',');
    g_string_append_c(data, '\n');
    for (guint i = 0; i < 2000000; i++)
        g_string_append_c(data, '\n');
    g_string_append(data, "张三,1,电工,4,");
    for (guint i = 0; i < 1000000; i++)
        g_string_append(data, "x,");
    g_string_append(data, "\n李四,1,电工,4\n");

    g_test_timer_start();
    parsed p = parse(data->str, (gssize)data->len, "sep.csv", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    check_time(g_test_timer_elapsed(), 10, "a million commas, two million blank lines");
    assert_problems(p.problems,
                    (const char *const[]){"sep.csv:2000003: row has 1000005 cells, the header "
                                          "has 4; put a cell that contains a comma in double "
                                          "quotes",
                                          NULL});
    assert_rows(p.records, (const guint[]){2000004, 0});
    parsed_free(&p);
    g_string_free(data, TRUE);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/record/canonical", test_canonical);
    g_test_add_func("/record/suggest", test_suggest);
    g_test_add_func("/record/nfc", test_nfc);
    g_test_add_func("/record/basic", test_basic);
    g_test_add_func("/record/get-set", test_get_set);
    g_test_add_func("/record/aliases-tsv", test_aliases_tsv);
    g_test_add_func("/record/bom-crlf", test_bom_crlf);
    g_test_add_func("/record/gbk", test_gbk);
    g_test_add_func("/record/gb18030", test_gb18030);
    g_test_add_func("/record/gbk-bad", test_gbk_bad);
    g_test_add_func("/record/utf8-bad", test_utf8_bad);
    g_test_add_func("/record/broken-quotes", test_broken_quotes);
    g_test_add_func("/record/unclosed-quote", test_unclosed_quote);
    g_test_add_func("/record/cells", test_cells);
    g_test_add_func("/record/cr-only", test_cr_only);
    g_test_add_func("/record/header-problems", test_header_problems);
    g_test_add_func("/record/odd-files", test_odd_files);
    g_test_add_func("/record/format", test_format);
    g_test_add_func("/record/broken-more", test_broken_more);
    g_test_add_func("/record/rfc4180", test_rfc4180);
    g_test_add_func("/record/row-numbers", test_row_numbers);
    g_test_add_func("/record/limit/cell", test_limit_cell);
    g_test_add_func("/record/limit/columns", test_limit_columns);
    g_test_add_func("/record/limit/file", test_limit_file);
    g_test_add_func("/record/limit/not-regular", test_not_regular);
    g_test_add_func("/record/pathological/long-cells", test_pathological_long_cells);
    g_test_add_func("/record/pathological/huge-field", test_pathological_huge_field);
    g_test_add_func("/record/pathological/rows", test_pathological_rows);
    g_test_add_func("/record/pathological/separators", test_pathological_separators);
    return g_test_run();
}
