// report.c - reports upward from the register (issue 14): the list of issued certificates for
// the supervision platform (seeds/000 五(四) 结果备案) and the monthly summary table of seeds/002
// 附件7, as CSV, .xlsx (libxlsxwriter) or an A4 PDF (Cairo + Pango, layout.h).
#include "report.h"

#include "file.h"

#include "i18n.h"
#include "layout.h"
#include "level.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

sc_report_format
sc_report_format_of(const char *path)
{
    if (g_str_has_suffix(path, ".xlsx") || g_str_has_suffix(path, ".XLSX"))
        return SC_REPORT_XLSX;
    g_autofree char *lower = g_ascii_strdown(path, -1);
    if (g_str_has_suffix(lower, ".xlsx"))
        return SC_REPORT_XLSX;
    if (g_str_has_suffix(lower, ".pdf"))
        return SC_REPORT_PDF;
    return SC_REPORT_CSV;
}

void
sc_report_append_csv_cell(GString *line, const char *text)
{
    if (text == NULL)
        text = "";
    // A cell a spreadsheet would run as a formula (CSV injection): '=', '+', '-', '@', and the
    // tab and carriage return some spreadsheets skip before one.
    gboolean formula = strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0';
    gboolean quote = formula || strpbrk(text, ",\"\r\n") != NULL;
    if (quote)
        g_string_append_c(line, '"');
    if (formula)
        g_string_append_c(line, '\'');
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"')
            g_string_append_c(line, '"');
        g_string_append_c(line, *p);
    }
    if (quote)
        g_string_append_c(line, '"');
}

const char *
sc_report_state_name(sc_registry_state state)
{
    switch (state) {
    case SC_REGISTRY_REPRINTED: return "补打";
    case SC_REGISTRY_CORRECTED: return "更正";
    case SC_REGISTRY_VOID: return "作废";
    case SC_REGISTRY_ISSUED:
    default: return "已发证";
    }
}

// --- Tables and their files -------------------------------------------------------------------

// A table to write: rows of cells (char **, NULL-terminated), the cells at or below row
// NUMERIC_ROW and at or right of column NUMERIC_COL being counts; TITLE: row 0 is a title over
// every column; HEADER: the row of column names.
typedef struct {
    GPtrArray *rows; // char ** (g_strfreev)
    guint columns;
    guint numeric_row, numeric_col; // G_MAXUINT: no numbers
    gboolean title;
    guint header;
    const double *widths; // xlsx column widths (characters), COLUMNS of them, or NULL
} table;

static void
table_init(table *t, guint columns)
{
    *t = (table){.rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev),
                 .columns = columns,
                 .numeric_row = G_MAXUINT,
                 .numeric_col = G_MAXUINT};
}

// Add a row of N cells (copied).
static void
table_add(table *t, const char *const *cells, guint n)
{
    char **row = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++)
        row[i] = g_strdup(cells[i] != NULL ? cells[i] : "");
    g_ptr_array_add(t->rows, row);
}

// T as CSV in UTF-8 with a BOM (Excel reads it as UTF-8), lines ending CR LF.
static gboolean
write_csv(const table *t, const char *path, GError **error)
{
    GString *csv = g_string_new("\xEF\xBB\xBF");
    for (guint r = 0; r < t->rows->len; r++) {
        char **row = g_ptr_array_index(t->rows, r);
        for (guint c = 0; row[c] != NULL; c++) {
            if (c > 0)
                g_string_append_c(csv, ',');
            sc_report_append_csv_cell(csv, row[c]);
        }
        g_string_append(csv, "\r\n");
    }
    g_autofree char *tmp = sc_file_temporary(path, error);
    gboolean ok = tmp != NULL;
    if (ok) {
        int fd = open(tmp, O_WRONLY | O_CLOEXEC);
        ok = fd >= 0 && write(fd, csv->str, csv->len) == (ssize_t)csv->len;
        int saved = errno;
        if (fd >= 0)
            close(fd);
        if (!ok) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write: %s"), path,
                        g_strerror(saved));
            g_unlink(tmp);
        }
    }
    g_string_free(csv, TRUE);
    return ok && sc_file_put_in_place(tmp, path, error);
}

// The formats of an xlsx table: title, header, text and count cells.
typedef struct {
    lxw_format *title, *header, *text, *count;
} xlsx_formats;

static void
xlsx_make_formats(lxw_workbook *wb, xlsx_formats *f)
{
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 16);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_border(f->header, LXW_BORDER_THIN);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->header);
    // Text cells: the "@" number format keeps what is typed later into them text too.
    f->text = workbook_add_format(wb);
    format_set_num_format(f->text, "@");
    f->count = workbook_add_format(wb);
    format_set_border(f->count, LXW_BORDER_THIN);
}

// Write T's cells into WS.  Every cell is written explicitly as a string, or as a number for a
// count: nothing is ever guessed from its text.
static lxw_error
xlsx_write_cells(lxw_worksheet *ws, const table *t, const xlsx_formats *f)
{
    lxw_error err = LXW_NO_ERROR;
    for (guint r = 0; r < t->rows->len && err == LXW_NO_ERROR; r++) {
        char **row = g_ptr_array_index(t->rows, r);
        if (r == 0 && t->title) {
            err = worksheet_merge_range(ws, 0, 0, 0, (lxw_col_t)(t->columns - 1), row[0], f->title);
            continue;
        }
        gboolean numeric_row = r >= t->numeric_row;
        for (guint c = 0; row[c] != NULL && err == LXW_NO_ERROR; c++) {
            lxw_format *fmt = r == t->header ? f->header : numeric_row ? f->count : f->text;
            if (numeric_row && c >= t->numeric_col)
                err =
                    worksheet_write_number(ws, r, (lxw_col_t)c, g_ascii_strtod(row[c], NULL), fmt);
            else
                err = worksheet_write_string(ws, r, (lxw_col_t)c, row[c], fmt);
        }
    }
    return err;
}

// T as an .xlsx workbook of one sheet named SHEET, for A4 paper.
static gboolean
write_xlsx(const table *t, const char *sheet, gboolean landscape, const char *path, GError **error)
{
    g_autofree char *tmp = sc_file_temporary(path, error);
    if (tmp == NULL)
        return FALSE;
    lxw_workbook *wb = workbook_new(tmp);
    lxw_worksheet *ws = wb != NULL ? workbook_add_worksheet(wb, sheet) : NULL;
    if (ws == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write the workbook"), path);
        if (wb != NULL)
            workbook_close(wb);
        g_unlink(tmp);
        return FALSE;
    }
    xlsx_formats f;
    xlsx_make_formats(wb, &f);
    worksheet_set_paper(ws, /*A4*/ 9);
    if (landscape)
        worksheet_set_landscape(ws);
    for (guint c = 0; t->widths != NULL && c < t->columns; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, t->widths[c], NULL);
    if (t->header != G_MAXUINT)
        worksheet_freeze_panes(ws, t->header + 1, 0);
    lxw_error err = xlsx_write_cells(ws, t, &f);
    lxw_error closed = workbook_close(wb);
    if (err == LXW_NO_ERROR)
        err = closed;
    if (err != LXW_NO_ERROR) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write the workbook: %s"), path,
                    lxw_strerror(err));
        g_unlink(tmp);
        return FALSE;
    }
    return sc_file_put_in_place(tmp, path, error);
}

// --- The list of issued certificates ----------------------------------------------------------

// The columns upload systems use (seeds/000 五(四): results uploaded to the supervision
// platform), then the certificate's state in the register.
static const char *const issued_columns[] = {"姓名",     "证件类型",     "证件号码",     "职业名称",
                                             "职业编码", "工种名称",     "职业技能等级", "证书编号",
                                             "发证日期", "评价机构名称", "状态"};
static const double issued_widths[] = {10, 14, 22, 20, 13, 16, 14, 26, 12, 30, 8};

typedef struct {
    table *t;
    const char *institution;
} issued_walk;

static gboolean
add_issued(const sc_registry_entry *e, gpointer data, GError **error)
{
    (void)error;
    issued_walk *w = data;
    // The register keeps a work type as printed: "——" for none (SPEC §2); its value is empty.
    const char *work_type = g_strcmp0(e->work_type, "——") == 0 ? "" : e->work_type;
    const char *level = sc_level_name(e->level);
    const char *cells[] = {e->name,
                           e->id_type,
                           e->id_number,
                           e->occupation,
                           e->occupation_code,
                           work_type,
                           level != NULL ? level : "",
                           e->number,
                           e->issue_date,
                           w->institution,
                           sc_report_state_name(e->state)};
    table_add(w->t, cells, G_N_ELEMENTS(cells));
    return TRUE;
}

gboolean
sc_report_issued(sc_registry *registry, const sc_registry_filter *filter, const char *institution,
                 const char *path, guint *count, GError **error)
{
    sc_report_format format = sc_report_format_of(path);
    if (format == SC_REPORT_PDF) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("%s: the list of issued certificates is written as .csv or .xlsx"), path);
        return FALSE;
    }
    table t;
    table_init(&t, G_N_ELEMENTS(issued_columns));
    t.header = 0;
    t.widths = issued_widths;
    table_add(&t, issued_columns, G_N_ELEMENTS(issued_columns));
    issued_walk w = {&t, institution != NULL ? institution : ""};
    gboolean ok = sc_registry_each(registry, filter, add_issued, &w, error);
    if (ok && count != NULL)
        *count = t.rows->len - 1;
    if (ok)
        ok = format == SC_REPORT_XLSX ? write_xlsx(&t, "证书发放名单", FALSE, path, error)
                                      : write_csv(&t, path, error);
    g_ptr_array_unref(t.rows);
    return ok;
}

// --- The monthly summary (seeds/002 附件7) ----------------------------------------------------

// 附件7's column headings after 职业（工种）名称, in its order: level codes 5, 4, 3, 2, 1.
static const char *const summary_levels[SC_REPORT_LEVELS] = {
    "初级工（五级）", "中级工（四级）", "高级工（三级）", "技师（二级）", "高级技师（一级）"};

void
sc_report_summary_free(sc_report_summary *summary)
{
    if (summary == NULL)
        return;
    g_ptr_array_unref(summary->rows);
    g_free(summary);
}

static void
summary_row_free(gpointer data)
{
    sc_report_summary_row *row = data;
    g_free(row->name);
    g_free(row);
}

typedef struct {
    sc_report_summary *s;
    GHashTable *by_name; // name -> sc_report_summary_row * (borrowed from s->rows)
} summary_walk;

// Count one certificate (void ones are filtered out by the query; each certificate is one row
// of the register whatever its prints, so a reprint is counted once).
static gboolean
add_to_summary(const sc_registry_entry *e, gpointer data, GError **error)
{
    (void)error;
    summary_walk *w = data;
    if (e->level < 1 || e->level > SC_REPORT_LEVELS) {
        w->s->other++; // 预备技师 (seeds/001): 附件7 has no column for it
        return TRUE;
    }
    gboolean typed =
        e->work_type != NULL && *e->work_type != '\0' && strcmp(e->work_type, "——") != 0;
    g_autofree char *name =
        typed ? g_strdup_printf("%s（%s）", e->occupation, e->work_type) : g_strdup(e->occupation);
    sc_report_summary_row *row = g_hash_table_lookup(w->by_name, name);
    if (row == NULL) {
        row = g_new0(sc_report_summary_row, 1);
        row->name = g_strdup(name);
        g_ptr_array_add(w->s->rows, row);
        g_hash_table_insert(w->by_name, row->name, row);
    }
    guint column = SC_REPORT_LEVELS - (guint)e->level; // 5 → 0 … 1 → 4
    row->count[column]++;
    row->total++;
    w->s->count[column]++;
    w->s->total++;
    return TRUE;
}

// NAME in GB 18030, whose bytes sort the 3,755 common characters of GB 2312 (level 1) by their
// pinyin, as a Chinese reader looks a table up (电工 before 焊工 before 钳工); the rarer ones come
// after, by radical, then the rest.  NAME itself when it cannot be converted.  Caller frees with
// g_free().
static char *
pinyin_key(const char *name)
{
    char *key = g_convert(name, -1, "GB18030", "UTF-8", NULL, NULL, NULL);
    return key != NULL ? key : g_strdup(name);
}

// Rows by their names' pinyin (附件7 lists occupations as a reader looks for them).
static gint
compare_rows(gconstpointer a, gconstpointer b)
{
    const sc_report_summary_row *x = *(const sc_report_summary_row *const *)a;
    const sc_report_summary_row *y = *(const sc_report_summary_row *const *)b;
    g_autofree char *kx = pinyin_key(x->name);
    g_autofree char *ky = pinyin_key(y->name);
    int c = strcmp(kx, ky);
    return c != 0 ? c : strcmp(x->name, y->name);
}

sc_report_summary *
sc_report_summary_new(sc_registry *registry, int year, int month, GError **error)
{
    if (year < 1000 || year > 9999 || month < 1 || month > 12) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE, _("%04d-%02d is not a month"), year, month);
        return NULL;
    }
    char from[11], to[11];
    g_snprintf(from, sizeof from, "%04d-%02d-01", year, month);
    g_snprintf(to, sizeof to, "%04d-%02d-31", year, month); // dates compare as text
    const sc_registry_filter filter = {.from = from, .to = to, .skip_void = TRUE};
    sc_report_summary *s = g_new0(sc_report_summary, 1);
    s->year = year;
    s->month = month;
    s->rows = g_ptr_array_new_with_free_func(summary_row_free);
    summary_walk w = {s, g_hash_table_new(g_str_hash, g_str_equal)};
    gboolean ok = sc_registry_each(registry, &filter, add_to_summary, &w, error);
    g_hash_table_unref(w.by_name);
    if (!ok) {
        sc_report_summary_free(s);
        return NULL;
    }
    g_ptr_array_sort(s->rows, compare_rows);
    return s;
}

// The cells of one line of counts: NAME, the five levels, the subtotal.
static void
add_counts(table *t, const char *name, const guint count[SC_REPORT_LEVELS], guint total)
{
    char numbers[SC_REPORT_LEVELS + 1][16];
    const char *cells[SC_REPORT_LEVELS + 2] = {name};
    for (guint i = 0; i <= SC_REPORT_LEVELS; i++) {
        g_snprintf(numbers[i], sizeof numbers[i], "%u", i < SC_REPORT_LEVELS ? count[i] : total);
        cells[i + 1] = numbers[i];
    }
    table_add(t, cells, G_N_ELEMENTS(cells));
}

// The month as the table dates it: "2026年11月".  Caller frees with g_free().
static char *
month_text(const sc_report_summary *s)
{
    return g_strdup_printf("%d年%d月", s->year, s->month);
}

// 附件7's lines as a table: title, 填报单位 / month / 单位, headings, rows, 合计.
static void
summary_table(const sc_report_summary *s, const char *institution, table *t)
{
    static const double widths[] = {36, 15, 15, 15, 15, 17, 10};
    table_init(t, SC_REPORT_LEVELS + 2);
    t->title = TRUE;
    t->header = 2;
    t->numeric_row = 3;
    t->numeric_col = 1;
    t->widths = widths;
    const char *title[] = {"企业职业技能等级认定结果汇总表"};
    table_add(t, title, 1);
    g_autofree char *unit = g_strdup_printf("填报单位：%s（章）", institution);
    g_autofree char *month = month_text(s);
    const char *info[] = {unit, "", "", month, "", "", "单位：人"};
    table_add(t, info, G_N_ELEMENTS(info));
    const char *head[SC_REPORT_LEVELS + 2] = {"职业（工种）名称"};
    for (guint i = 0; i < SC_REPORT_LEVELS; i++)
        head[i + 1] = summary_levels[i];
    head[SC_REPORT_LEVELS + 1] = "小计";
    table_add(t, head, G_N_ELEMENTS(head));
    for (guint i = 0; i < s->rows->len; i++) {
        const sc_report_summary_row *row = g_ptr_array_index(s->rows, i);
        add_counts(t, row->name, row->count, row->total);
    }
    add_counts(t, "合  计", s->count, s->total); // as 附件7 writes it
}

// --- The summary as an A4 PDF -----------------------------------------------------------------

// The page (A4 landscape) and the table on it, in mm.
#define PAGE_W      297.0
#define PAGE_H      210.0
#define TABLE_X     19.0
#define TABLE_TOP   42.0
#define ROW_H       9.0
#define HEAD_H      12.0
#define NAME_W      67.0
#define COUNT_W     34.0
#define COUNT_LAST  22.0 // 小计
#define TABLE_W     (NAME_W + 5 * COUNT_W + COUNT_LAST)
#define BODY_PT     10.5 // 五号, the size of forms
#define PAGE_BOTTOM 195.0

typedef struct {
    cairo_t *cr;
    sc_fonts *fonts;
    const char *families;
} pdf_page;

// Draw TEXT in the box (X, Y, W, H) mm, at SIZE pt (shrunk to 7 pt and wrapped on two lines if
// it must), aligned ALIGN, centred vertically.
static gboolean
draw_text(pdf_page *p, const char *text, double x, double y, double w, double h, double size,
          sc_align align, GError **error)
{
    sc_element e = {.type = SC_ELEMENT_TEXT,
                    .x = x + 1.5,
                    .y = y,
                    .width = w - 3.0,
                    .height = h,
                    .size = size,
                    .min_size = fmin(size, 7.0),
                    .align = align,
                    .baseline = -1,
                    .wrap = TRUE,
                    .line_spacing = 1.0,
                    .max_lines = 2};
    sc_placed_text placed;
    if (!sc_layout_text(p->fonts, &e, p->families, text, &placed, error))
        return FALSE;
    PangoRectangle logical;
    pango_layout_get_extents(placed.layout, NULL, &logical);
    double height = (double)logical.height / PANGO_SCALE * SC_MM_PER_PT;
    cairo_move_to(p->cr, placed.x * SC_PT_PER_MM, (y + (h - height) / 2) * SC_PT_PER_MM);
    pango_cairo_show_layout(p->cr, placed.layout);
    sc_placed_text_clear(&placed);
    return TRUE;
}

// The x of column I's left edge (0: the name), and its width, in mm.
static double
column_x(guint i, double *width)
{
    *width = i == 0 ? NAME_W : i <= SC_REPORT_LEVELS ? COUNT_W : COUNT_LAST;
    return i == 0 ? TABLE_X : TABLE_X + NAME_W + (i - 1) * COUNT_W;
}

// Draw table row CELLS at Y, H mm high, with its cell borders.
static gboolean
draw_row(pdf_page *p, char **cells, double y, double h, gboolean head, GError **error)
{
    cairo_set_line_width(p->cr, 0.75);
    for (guint i = 0; cells[i] != NULL && i < SC_REPORT_LEVELS + 2; i++) {
        double w, x = column_x(i, &w);
        cairo_rectangle(p->cr, x * SC_PT_PER_MM, y * SC_PT_PER_MM, w * SC_PT_PER_MM,
                        h * SC_PT_PER_MM);
        cairo_stroke(p->cr);
        sc_align align = i == 0 && !head ? SC_ALIGN_LEFT : SC_ALIGN_CENTER;
        if (!draw_text(p, cells[i], x, y, w, h, BODY_PT, align, error))
            return FALSE;
    }
    return TRUE;
}

// Draw the lines above the table: title, 填报单位, month, 单位 (table rows 0 and 1), and the
// column headings (row 2).
static gboolean
draw_header(pdf_page *p, const table *t, GError **error)
{
    char **title = g_ptr_array_index(t->rows, 0);
    char **info = g_ptr_array_index(t->rows, 1);
    return draw_text(p, title[0], TABLE_X, 14, TABLE_W, 12, 18, SC_ALIGN_CENTER, error) &&
           draw_text(p, info[0], TABLE_X, 30, TABLE_W * 0.6, 10, BODY_PT, SC_ALIGN_LEFT, error) &&
           draw_text(p, info[3], TABLE_X, 30, TABLE_W, 10, BODY_PT, SC_ALIGN_CENTER, error) &&
           draw_text(p, info[6], TABLE_X + TABLE_W - 40, 30, 40, 10, BODY_PT, SC_ALIGN_RIGHT,
                     error) &&
           draw_row(p, g_ptr_array_index(t->rows, 2), TABLE_TOP, HEAD_H, TRUE, error);
}

// Draw the table T on as many pages as it needs, the header on each.
static gboolean
draw_pages(pdf_page *p, const table *t, GError **error)
{
    guint per_page = (guint)((PAGE_BOTTOM - TABLE_TOP - HEAD_H) / ROW_H);
    guint first = 3, n = t->rows->len;
    do {
        if (!draw_header(p, t, error))
            return FALSE;
        double y = TABLE_TOP + HEAD_H;
        for (guint k = 0; k < per_page && first < n; k++, first++, y += ROW_H)
            if (!draw_row(p, g_ptr_array_index(t->rows, first), y, ROW_H, FALSE, error))
                return FALSE;
        cairo_show_page(p->cr);
        if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
            g_set_error(error, SC_ERROR, SC_ERROR_RENDER, "%s",
                        cairo_status_to_string(cairo_status(p->cr)));
            return FALSE;
        }
    } while (first < n);
    return TRUE;
}

static gboolean
write_pdf(const table *t, const char *fonts_dir, const char *fonts_list, const char *created,
          const char *path, GError **error)
{
    sc_fonts *fonts = sc_fonts_new(fonts_dir, error);
    if (fonts == NULL)
        return FALSE;
    g_autofree char *families = sc_fonts_resolve(fonts, fonts_list, error);
    g_autofree char *tmp = families != NULL ? sc_file_temporary(path, error) : NULL;
    if (tmp == NULL) {
        sc_fonts_free(fonts);
        return FALSE;
    }
    cairo_surface_t *surface =
        cairo_pdf_surface_create(tmp, PAGE_W * SC_PT_PER_MM, PAGE_H * SC_PT_PER_MM);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE,
                                   "企业职业技能等级认定结果汇总表");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "skillcert " SC_VERSION);
    if (created != NULL) // a pinned date: byte-identical output (DESIGN.md pitfalls)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
    pdf_page p = {cairo_create(surface), fonts, families};
    gboolean ok = draw_pages(&p, t, error);
    cairo_destroy(p.cr);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    sc_fonts_free(fonts);
    if (ok && status != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write: %s"), path,
                    cairo_status_to_string(status));
        ok = FALSE;
    }
    if (!ok) {
        g_unlink(tmp);
        return FALSE;
    }
    return sc_file_put_in_place(tmp, path, error);
}

gboolean
sc_report_summary_write(const sc_report_summary *summary, const char *institution,
                        const char *fonts_dir, const char *fonts_list, const char *created,
                        const char *path, GError **error)
{
    table t;
    summary_table(summary, institution != NULL ? institution : "", &t);
    gboolean ok;
    switch (sc_report_format_of(path)) {
    case SC_REPORT_PDF: ok = write_pdf(&t, fonts_dir, fonts_list, created, path, error); break;
    case SC_REPORT_XLSX: ok = write_xlsx(&t, "汇总表", TRUE, path, error); break;
    case SC_REPORT_CSV:
    default: ok = write_csv(&t, path, error); break;
    }
    g_ptr_array_unref(t.rows);
    return ok;
}
