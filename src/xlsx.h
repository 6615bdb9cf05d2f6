// xlsx.h - the cells of one sheet of an Excel workbook (.xlsx, Office Open XML SpreadsheetML,
// ECMA-376 Part 1 §18), so that an office's own workbook is read directly (SPEC §4; issue 10):
// shared and inline strings, numbers, date-formatted serials as YYYY-MM-DD, cells stored as text.
// The zip is read with libzip, the XML with GLib's GMarkup; every part is bounded.
#ifndef SC_XLSX_H
#define SC_XLSX_H

#include "error.h"
#include <glib.h>

// One row of the sheet as Excel numbers it, its cells by column (0 = A).
typedef struct {
    guint row;        // the sheet's row number, 1-based
    GPtrArray *cells; // char *: each cell's text as the sheet shows it ("" where empty)
} sc_xlsx_row;

// Limits against zip bombs and runaway sheets, far above any real batch: a part decompressed
// (stopped at the limit, whatever the zip's directory claims), all parts together, cells (as
// SC_RECORDS_MAX_CELLS), and the columns a cell may be in.
#define SC_XLSX_MAX_PART_BYTES  (128u * 1024 * 1024)
#define SC_XLSX_MAX_TOTAL_BYTES (384u * 1024 * 1024)
#define SC_XLSX_MAX_CELLS       4000000u
#define SC_XLSX_MAX_COLUMNS     4096u

// Whether DATA (LEN bytes) starts as a zip file does (an .xlsx is one).
gboolean sc_xlsx_is_zip(const char *data, gsize len);

// Read the rows of sheet SHEET (its name as the tab shows it; NULL = the first) of the workbook
// in DATA (LEN bytes), named PATH in messages.  Each cell's text: a string as written; a number
// in a date format (built-in formats 14–22 and the Chinese date formats 27–36 and 50–58, or a
// custom format with y or d) as YYYY-MM-DD from its serial (1900 or 1904 date system); another
// number as Excel's General format shows it (an 18-digit ID number stored as a number shows as
// "4.40104E+17", which is what a user sees); TRUE/FALSE; an error such as "#N/A" as written.
// Returns the non-empty rows in order (sc_xlsx_row *, freed with the array), or NULL with
// *ERROR set (SC_ERROR_INPUT): not a workbook, a broken part, no such sheet (the message lists
// the sheets), over a limit.  Borrows DATA.  Caller frees with g_ptr_array_unref().
GPtrArray *sc_xlsx_read(const char *data, gsize len, const char *path, const char *sheet,
                        GError **error);

// Called with each row that sc_xlsx_read() would return, in order, as the sheet is read; ROW is
// the reader's, valid during the call only.
typedef void (*sc_xlsx_row_func)(const sc_xlsx_row *row, gpointer data);

// As sc_xlsx_read(), handing each row to FUNC with FUNC_DATA as soon as it is read, so that a
// sheet's rows are never all held (issue 9).  Rows before a problem of the workbook are handed
// on all the same: then FALSE with *ERROR set, and the caller drops what it made of them.
gboolean sc_xlsx_read_rows(const char *data, gsize len, const char *path, const char *sheet,
                           sc_xlsx_row_func func, gpointer func_data, GError **error);

#endif
