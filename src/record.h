// record.h - read a records file into records (SPEC §4): CSV/TSV, UTF-8, UTF-8 with BOM, GB 18030,
// and .xlsx workbooks (xlsx.h).
// Names: sc_records_*() for a file of records, sc_record_*() for one, sc_field_canonical() and
// sc_encoding_from_name() for the header names and encodings the reader knows.
#ifndef SC_RECORD_H
#define SC_RECORD_H

#include "error.h"
#include <glib.h>

// Canonical field names (SPEC §4).  Records key their fields by these; headers may also use
// the ASCII aliases (sc_field_canonical()).
#define SC_FIELD_NAME             "姓名"
#define SC_FIELD_ID_TYPE          "证件类型"
#define SC_FIELD_ID_NUMBER        "证件号码"
#define SC_FIELD_OCCUPATION       "职业名称"
#define SC_FIELD_OCCUPATION_CODE  "职业编码"
#define SC_FIELD_WORK_TYPE        "工种名称"
#define SC_FIELD_LEVEL            "职业技能等级"
#define SC_FIELD_NUMBER           "证书编号"
#define SC_FIELD_ISSUE_DATE       "发证日期"
#define SC_FIELD_PHOTO            "照片"
#define SC_FIELD_INSTITUTION_NAME "评价机构名称" // = SC_FIELD_INSTITUTION (cert.h): a known column

// One record, compact: a batch of 100,000 holds them all (issue 9: memory in proportion to the
// batch stays small).  Read them with sc_record_get().
typedef struct {
    guint row;                // line number in the file where the record starts (the header is 1)
    guint n;                  // how many fields
    const char *const *names; // their names, interned (g_intern_string()): known fields by
                              // canonical name, unknown columns by their header text (trimmed)
    char *values;             // their UTF-8 values back to back, each ending with its NUL, in
                              // the order of NAMES: one allocation (sc_record_value())
} sc_record;

typedef struct {
    char *path;          // as given, for messages
    GPtrArray *columns;  // char *: the field name of each column, in file order
    GPtrArray *records;  // sc_record *, in file order; blank lines skipped
    gboolean incomplete; // reading stopped at a problem that makes the rest unusable (a limit)
} sc_records;

// Limits of sc_records_parse(), far above any real batch; each is reported in plain words.  A
// bigger file is refused as a whole (*ERROR); a longer cell is a problem of its row; a header with
// more columns, or a file with more cells (rows × columns), stops reading with one problem.
#define SC_RECORDS_MAX_BYTES      (256u * 1024 * 1024)
#define SC_RECORDS_MAX_CELL_BYTES (64u * 1024)
#define SC_RECORDS_MAX_COLUMNS    4096u
#define SC_RECORDS_MAX_CELLS      4000000u

typedef enum {
    SC_ENCODING_AUTO,    // UTF-8 (BOM or not) if the bytes are valid UTF-8, else GB 18030; a file
                         // that is UTF-8 but for a few bad bytes (under one per 8 multi-byte
                         // characters) is read as UTF-8 with the bad bytes reported, since as
                         // GB 18030 it would silently turn into other characters.  A UTF-16 file
                         // (with its byte-order mark, Excel's "Unicode text") is converted.
    SC_ENCODING_UTF8,    // UTF-8, an optional BOM skipped
    SC_ENCODING_GB18030, // GB 18030 (a superset of GBK and GB 2312)
} sc_encoding;

typedef enum {
    SC_FORMAT_AUTO, // by extension (.csv, .tsv/.tab/.txt), else by the header line's content
    SC_FORMAT_CSV,
    SC_FORMAT_TSV,
} sc_format;

// The encoding NAME stands for: auto (also NULL), utf-8 (utf8), gbk (gb18030, gb2312), in any
// case.  FALSE with *ERROR set (SC_ERROR_USAGE) for another name.
gboolean sc_encoding_from_name(const char *name, sc_encoding *encoding, GError **error);

// The canonical name for a header NAME ("name" → "姓名", " 姓名 " → "姓名"), or NULL when NAME
// is not a known field.  Also the names offices use instead (身份证号码, 工种, 等级, 证书号,
// 发证时间, 相片, …), with inner spaces, a leading '*' and a trailing colon ignored ("姓　　名：").
// Returns a static string.
const char *sc_field_canonical(const char *name);

// The known field an unknown header NAME probably means ("工种名" → "工种名称", "职业资格等级" →
// "职业技能等级"), by containment or a small edit distance; NULL when none is near.  Returns a
// static string.
const char *sc_field_suggest(const char *name);

// Parse records from DATA (LEN bytes) named PATH in messages.  Every problem of the file
// (invalid bytes, broken quoting, wrong cell count, missing required column) is added to
// PROBLEMS as "PATH:ROW: FIELD: message"; records with problems are left out.  Unknown columns
// are kept and mentioned once, in NOTES (may be NULL; it gets char * strings that its free
// function must g_free()).  Returns the records (possibly with problems added), or NULL with
// *ERROR set (SC_ERROR_INPUT) when the file as a whole cannot be read: over
// SC_RECORDS_MAX_BYTES, an old .xls workbook, a byte-order mark that contradicts ENCODING.  An
// .xlsx workbook is read (its first sheet), as by sc_records_parse_sheet().
// Caller frees with sc_records_free().  Borrows DATA.
sc_records *sc_records_parse(const char *data, gsize len, const char *path, sc_encoding encoding,
                             sc_format format, sc_problems *problems, GPtrArray *notes,
                             GError **error);

// As sc_records_parse(), reading an .xlsx workbook (a zip file) too: sheet SHEET (its tab's
// name; NULL = the first) is read with sc_xlsx_read(), its rows named by the sheet's row numbers
// and checked as a CSV file's.  A workbook that cannot be read, or has no such sheet: NULL with
// *ERROR set (SC_ERROR_INPUT); SHEET given for a text file: SC_ERROR_USAGE.  An old .xls
// workbook is refused with how to save it.  Caller frees with sc_records_free().
sc_records *sc_records_parse_sheet(const char *data, gsize len, const char *path, const char *sheet,
                                   sc_encoding encoding, sc_format format, sc_problems *problems,
                                   GPtrArray *notes, GError **error);

// Read the file at PATH and parse it as sc_records_parse() does.  Missing or unreadable file:
// NULL with *ERROR set (G_FILE_ERROR); not a regular file (a folder, a device, a pipe) or over
// SC_RECORDS_MAX_BYTES: SC_ERROR_INPUT, nothing read (sc_file_read()).  Caller frees with
// sc_records_free().
sc_records *sc_records_load(const char *path, sc_encoding encoding, sc_format format,
                            sc_problems *problems, GPtrArray *notes, GError **error);

// As sc_records_load() with sc_records_parse_sheet()'s SHEET.
sc_records *sc_records_load_sheet(const char *path, const char *sheet, sc_encoding encoding,
                                  sc_format format, sc_problems *problems, GPtrArray *notes,
                                  GError **error);

void sc_records_free(sc_records *records);

// The value of FIELD (canonical name, alias, or unknown column's header) in RECORD, or NULL
// when the record has no such column.  Valid until the record is freed or the field is set.
const char *sc_record_get(const sc_record *record, const char *field);

// The value of RECORD's field I (0 ≤ I < RECORD->n), named RECORD->names[I].  Valid until the
// record is freed or a field is set.
const char *sc_record_value(const sc_record *record, guint i);

// Set FIELD (canonical name or alias) to VALUE.  Copies both.
void sc_record_set(sc_record *record, const char *field, const char *value);

// A record at ROW with no fields (then sc_record_set()).  Caller frees with sc_record_free().
sc_record *sc_record_new(guint row);
void sc_record_free(sc_record *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_records, sc_records_free)

#endif
