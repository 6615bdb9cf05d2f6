// report.h - reports upward from the register (issue 14; SPEC §1 item 5): the list of issued
// certificates an institution uploads within 10 working days (seeds/000 五(四) 结果备案), and
// the monthly summary table 企业职业技能等级认定结果汇总表 (seeds/002 四(三)3, 附件7).  Written as
// CSV (UTF-8 with a BOM, so Excel opens it), as .xlsx (libxlsxwriter), or for the summary as a
// printable A4 PDF (Cairo + Pango through layout.h), chosen by the output's name.
// Names: sc_report_*().
#ifndef SC_REPORT_H
#define SC_REPORT_H

#include "error.h"
#include "registry.h"
#include <glib.h>

typedef enum {
    SC_REPORT_CSV,
    SC_REPORT_XLSX,
    SC_REPORT_PDF,
} sc_report_format;

// The format PATH's name asks for: ".xlsx" or ".pdf" (any case), else CSV.  Borrows PATH.
sc_report_format sc_report_format_of(const char *path);

// Append TEXT to LINE as one CSV cell: quoted when it holds a comma, quote or line break; a
// cell a spreadsheet would run as a formula (first character '=', '+', '-', '@', a tab or a
// carriage return) is neutralised with a leading apostrophe and quoted ("'=1+2").  Borrows TEXT.
void sc_report_append_csv_cell(GString *line, const char *text);

// What the status column says for STATE: 已发证 (issued, printed at most once), 补打 (printed
// again), 更正 (a printed field corrected, the history kept), 作废 (void).  Static string.
const char *sc_report_state_name(sc_registry_state state);

// The list of issued certificates FILTER selects (NULL: all), one row per certificate with the
// columns upload systems use — 姓名, 证件类型, 证件号码, 职业名称, 职业编码, 工种名称,
// 职业技能等级, 证书编号, 发证日期, 评价机构名称 (INSTITUTION, as filed) — and 状态
// (sc_report_state_name()), to PATH as CSV or .xlsx (sc_report_format_of(); a .pdf name is
// refused, SC_ERROR_USAGE).  工种名称 is empty for a certificate without one (the "——" is how it
// prints, not its value).  In .xlsx every cell is a text cell: an identity number never becomes
// a number.  Written to a temporary name (mode 0600: it holds identity numbers), synced, renamed.
// *COUNT (may be NULL) gets the number of rows.  FALSE with *ERROR set.  Borrows everything.
gboolean sc_report_issued(sc_registry *registry, const sc_registry_filter *filter,
                          const char *institution, const char *path, guint *count, GError **error);

// The columns of 附件7 after 职业（工种）名称, in its order: level codes 5, 4, 3, 2, 1.
#define SC_REPORT_LEVELS 5

// One row of the summary: an occupation and work type.
typedef struct {
    char *name;                    // "职业名称" or "职业名称（工种名称）"
    guint count[SC_REPORT_LEVELS]; // 初级工（五级）… 高级技师（一级）
    guint total;                   // 小计
} sc_report_summary_row;

// The summary of one month: certificates whose 发证日期 falls in it, voids left out, each
// certificate counted once however often it was printed, by occupation and work type.
typedef struct {
    int year, month;
    GPtrArray *rows; // sc_report_summary_row *, by name
    guint count[SC_REPORT_LEVELS];
    guint total; // 合计
    guint other; // certificates of a level 附件7 has no column for (预备技师), not counted
} sc_report_summary;

// Count the summary of YEAR-MONTH from the register.  NULL with *ERROR set.  Caller frees with
// sc_report_summary_free().
sc_report_summary *sc_report_summary_new(sc_registry *registry, int year, int month,
                                         GError **error);
void sc_report_summary_free(sc_report_summary *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_report_summary, sc_report_summary_free)

// Write SUMMARY as 附件7 to PATH: its title 企业职业技能等级认定结果汇总表, the month
// (YYYY年M月), 填报单位：INSTITUTION（章）, 单位：人, the columns 职业（工种）名称,
// 初级工（五级）, 中级工（四级）, 高级工（三级）, 技师（二级）, 高级技师（一级）, 小计, a row per
// occupation and a 合计 row.  A .pdf is A4 landscape, the header repeated on every page, drawn
// with the faces of FONTS_LIST (comma-separated families; FONTS_DIR an application font folder
// or NULL) and dated CREATED (ISO 8601, or NULL for now); .xlsx and CSV carry the same lines.
// Written to a temporary name and renamed.  FALSE with *ERROR set.  Borrows everything.
gboolean sc_report_summary_write(const sc_report_summary *summary, const char *institution,
                                 const char *fonts_dir, const char *fonts_list, const char *created,
                                 const char *path, GError **error);

#endif
