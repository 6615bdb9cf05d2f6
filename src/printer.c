// printer.c - printing on certificate stock: correction, printer profiles, the calibration page
// and CUPS jobs (SPEC §1 item 1: "only the variable fields onto pre-printed certificate stock
// (套打), with per-printer offset calibration").
#include "printer.h"

#include "file.h"
#include "i18n.h"
#include "keyfile.h"
#include "layout.h"
#include "sink.h"

#include <cups/cups.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>

// TEXT with full-width forms folded to ASCII (NFKC: "１．５，－０．８" → "1.5,-0.8"), the minus
// sign U+2212 to '-', and without spaces.  NULL when TEXT is not UTF-8.  Caller frees.
static char *
fold(const char *text)
{
    g_autofree char *nfkc = g_utf8_normalize(text, -1, G_NORMALIZE_ALL);
    if (nfkc == NULL)
        return NULL;
    GString *s = g_string_new(nfkc);
    g_string_replace(s, "\u2212", "-", 0);
    g_string_replace(s, "\u3001", ",", 0); // 、 the enumeration comma
    GString *out = g_string_new(NULL);
    for (const char *p = s->str; *p != '\0'; p++)
        if (!g_ascii_isspace(*p))
            g_string_append_c(out, *p);
    g_string_free(s, TRUE);
    return g_string_free(out, FALSE);
}

// A plain decimal at the whole of TEXT but for the suffix SUFFIX (may be NULL): sign, digits, an
// optional fraction; no exponent, hex, nan or inf.
static gboolean
parse_number(const char *text, const char *suffix, double *value)
{
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    gsize digits = 0;
    while (g_ascii_isdigit(*p))
        p++, digits++;
    if (*p == '.')
        for (p++; g_ascii_isdigit(*p); p++)
            digits++;
    if (digits == 0 || digits > 20 || (*p != '\0' && (suffix == NULL || strcmp(p, suffix) != 0)))
        return FALSE;
    g_autofree char *number = g_strndup(text, p - text);
    *value = g_ascii_strtod(number, NULL);
    return isfinite(*value);
}

gboolean
sc_printer_parse_offset(const char *text, double *x, double *y)
{
    g_autofree char *t = text != NULL ? fold(text) : NULL;
    if (t == NULL)
        return FALSE;
    g_auto(GStrv) parts = g_strsplit(t, ",", -1);
    double vx, vy;
    if (g_strv_length(parts) != 2 || !parse_number(parts[0], "mm", &vx) ||
        !parse_number(parts[1], "mm", &vy) || fabs(vx) > SC_PRINTER_OFFSET_MAX ||
        fabs(vy) > SC_PRINTER_OFFSET_MAX)
        return FALSE;
    *x = vx;
    *y = vy;
    return TRUE;
}

gboolean
sc_printer_parse_scale(const char *text, double *scale)
{
    g_autofree char *t = text != NULL ? fold(text) : NULL;
    double v;
    if (t == NULL || !parse_number(t, "%", &v))
        return FALSE;
    if (g_str_has_suffix(t, "%"))
        v /= 100;
    if (!(v >= SC_PRINTER_SCALE_MIN - 1e-12 && v <= SC_PRINTER_SCALE_MAX + 1e-12))
        return FALSE;
    *scale = v;
    return TRUE;
}

// A page number of a range: digits only, from 1 to PAGES (0: any).
static gboolean
parse_page(const char *text, guint pages, guint *page)
{
    if (*text == '\0' || strlen(text) > 9)
        return FALSE;
    for (const char *p = text; *p != '\0'; p++)
        if (!g_ascii_isdigit(*p))
            return FALSE;
    *page = (guint)g_ascii_strtoull(text, NULL, 10);
    return *page >= 1 && (pages == 0 || *page <= pages);
}

char *
sc_printer_parse_pages(const char *text, guint pages)
{
    g_autofree char *t = text != NULL ? fold(text) : NULL;
    if (t == NULL || *t == '\0')
        return NULL;
    g_auto(GStrv) parts = g_strsplit(t, ",", -1);
    GString *out = g_string_new(NULL);
    for (char **p = parts; *p != NULL; p++) {
        g_auto(GStrv) ends = g_strsplit(*p, "-", -1);
        guint a = 0, b = 0, n = g_strv_length(ends);
        gboolean ok =
            (n == 1 && parse_page(ends[0], pages, &a) && (b = a)) ||
            (n == 2 && parse_page(ends[0], pages, &a) && parse_page(ends[1], pages, &b) && a <= b);
        if (!ok) {
            g_string_free(out, TRUE);
            return NULL;
        }
        g_string_append_printf(out, "%s%u-%u", out->len ? "," : "", a, b);
    }
    return g_string_free(out, FALSE);
}

void
sc_printer_profile_free(sc_printer_profile *p)
{
    if (p == NULL)
        return;
    g_free(p->name);
    g_free(p->path);
    g_free(p->stock);
    g_free(p->options);
    g_free(p);
}

// The string value of KEY in GROUP, stripped, or NULL.
static char *
get(GKeyFile *kf, const char *group, const char *key)
{
    char *v = g_key_file_get_string(kf, group, key, NULL);
    return v != NULL ? g_strstrip(v) : NULL;
}

sc_printer_profile *
sc_printer_profile_parse(const char *data, gsize len, const char *path, const char *name,
                         GError **error)
{
    g_autoptr(GKeyFile) kf = sc_keyfile_parse(data, len, path, error);
    if (kf == NULL)
        return NULL;
    g_autofree char *group = g_strdup_printf("printer %s", name);
    if (!g_key_file_has_group(kf, group))
        return NULL;
    g_autoptr(sc_problems) problems = sc_problems_new();
    sc_printer_profile *p = g_new0(sc_printer_profile, 1);
    p->name = g_strdup(name);
    p->path = g_strdup(path);
    p->scale = 1;
    g_autofree char *offset = get(kf, group, "offset");
    if (offset != NULL && !sc_printer_parse_offset(offset, &p->offset_x, &p->offset_y))
        sc_problems_add(problems, path, 0, NULL,
                        _("[%s] offset: '%s' is not X,Y in millimetres within ±%g (+X right, "
                          "+Y down), e.g. 1.5,-0.8"),
                        group, offset, SC_PRINTER_OFFSET_MAX);
    g_autofree char *scale = get(kf, group, "scale");
    if (scale != NULL && !sc_printer_parse_scale(scale, &p->scale))
        sc_problems_add(problems, path, 0, NULL,
                        _("[%s] scale: '%s' is not a number from %g to %g, e.g. 1.002"), group,
                        scale, SC_PRINTER_SCALE_MIN, SC_PRINTER_SCALE_MAX);
    p->stock = get(kf, group, "stock");
    p->options = get(kf, group, "options");
    if (!sc_problems_to_error(problems, SC_ERROR_INPUT, error)) {
        sc_printer_profile_free(p);
        return NULL;
    }
    return p;
}

sc_printer_profile *
sc_printer_profile_find(const char *name, const char *institution_path, GError **error)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    if (institution_path != NULL) {
        g_autofree char *dir = g_path_get_dirname(institution_path);
        g_ptr_array_add(files, g_build_filename(dir, "printers.ini", NULL));
    }
    g_ptr_array_add(files,
                    g_build_filename(g_get_user_config_dir(), "skillcert", "printers.ini", NULL));
    for (guint i = 0; i < files->len; i++) {
        const char *path = files->pdata[i];
        g_autofree char *data = NULL;
        gsize len = 0;
        if (!g_file_test(path, G_FILE_TEST_EXISTS))
            continue;
        if (!sc_file_read(path, SC_KEYFILE_MAX_BYTES, NULL, &data, &len, error))
            return NULL;
        GError *err = NULL;
        sc_printer_profile *p = sc_printer_profile_parse(data, len, path, name, &err);
        if (err != NULL) {
            g_propagate_error(error, err);
            return NULL;
        }
        if (p != NULL)
            return p;
    }
    g_ptr_array_add(files, NULL);
    g_autofree char *looked = g_strjoinv(", ", (char **)files->pdata);
    g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                _("--printer %s: no [printer %s] in %s (write one: offset, scale, stock)"), name,
                name, looked);
    return NULL;
}

// Copy the file at PATH into the document of JOB_ID started on QUEUE.
static gboolean
send_file(const char *queue, const char *path, GError **error)
{
    int fd = g_open(path, O_RDONLY, 0);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, "%s: %s", path, g_strerror(e));
        return FALSE;
    }
    char buf[65536];
    ssize_t n;
    gboolean ok = TRUE;
    while (ok && (n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            g_set_error(error, SC_ERROR, SC_ERROR_IO, "%s: %s", path, g_strerror(e));
            ok = FALSE;
        } else if (cupsWriteRequestData(CUPS_HTTP_DEFAULT, buf, (size_t)n) !=
                   HTTP_STATUS_CONTINUE) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("printing to %s failed: %s"), queue,
                        cupsLastErrorString());
            ok = FALSE;
        }
    }
    close(fd);
    return ok;
}

int
sc_printer_submit(const char *queue, const char *path, const sc_print_job *job, GError **error)
{
    cups_option_t *opts = NULL;
    int n = 0;
    if (job->options != NULL)
        n = cupsParseOptions(job->options, n, &opts);
    g_autofree char *copies = g_strdup_printf("%d", job->copies > 0 ? job->copies : 1);
    n = cupsAddOption("copies", copies, n, &opts);
    if (job->pages != NULL)
        n = cupsAddOption("page-ranges", job->pages, n, &opts);
    // At actual size whatever the profile says: a scaled page misses the stock (套打).
    n = cupsAddOption("print-scaling", "none", n, &opts);
    n = cupsAddOption("fit-to-page", "false", n, &opts);

    int id = cupsCreateJob(CUPS_HTTP_DEFAULT, queue, job->title, n, opts);
    cupsFreeOptions(n, opts);
    if (id <= 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("printing to %s failed: %s"), queue,
                    cupsLastErrorString());
        return 0;
    }
    g_autofree char *doc = g_path_get_basename(path);
    if (cupsStartDocument(CUPS_HTTP_DEFAULT, queue, id, doc, CUPS_FORMAT_PDF, 1) !=
        HTTP_STATUS_CONTINUE) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("printing to %s failed: %s"), queue,
                    cupsLastErrorString());
        cupsCancelJob2(CUPS_HTTP_DEFAULT, queue, id, 0);
        return 0;
    }
    gboolean sent = send_file(queue, path, error);
    ipp_status_t st = cupsFinishDocument(CUPS_HTTP_DEFAULT, queue);
    if (sent && st > IPP_STATUS_OK_CONFLICTING)
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("printing to %s failed: %s"), queue,
                    cupsLastErrorString());
    if (!sent || st > IPP_STATUS_OK_CONFLICTING) {
        cupsCancelJob2(CUPS_HTTP_DEFAULT, queue, id, 0);
        return 0;
    }
    return id;
}

// The calibration page (issue 12): rulers, cross-hairs, instructions.
#define PT(mm)      ((mm)*SC_PT_PER_MM)
#define MARK_ARM_MM 4.0 // each arm of a cross-hair
#define RULER_MM    5.0 // the ruler's base line, from the paper's edge (printers leave ~4 mm blank)

// TEXT at (X, Y) mm (its top-left corner), SIZE pt, in FAMILIES, wrapped at WIDTH mm (0: not).
static void
show_text(cairo_t *cr, const char *families, double size, double x, double y, double width,
          const char *text)
{
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, families);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE); // user units are points
    pango_layout_set_font_description(layout, fd);
    if (width > 0) {
        pango_layout_set_width(layout, (int)(PT(width) * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, PT(x), PT(y));
    pango_cairo_show_layout(cr, layout);
    pango_font_description_free(fd);
    g_object_unref(layout);
}

// One ruler along an edge: ticks every mm from the base line inward (longer every 5 and 10 mm),
// numbered every 10 mm.  HORIZONTAL: along x at base line y = BASE, ticks growing by DIR (+1
// down, -1 up); else along y at x = BASE.
static void
draw_ruler(cairo_t *cr, const char *families, double length, double base, int dir,
           gboolean horizontal)
{
    for (int mm = 0; mm <= (int)length; mm++) {
        double tick = mm % 10 == 0 ? 3.5 : mm % 5 == 0 ? 2.5 : 1.5;
        double a = base, b = base + dir * tick;
        cairo_move_to(cr, PT(horizontal ? mm : a), PT(horizontal ? a : mm));
        cairo_line_to(cr, PT(horizontal ? mm : b), PT(horizontal ? b : mm));
        if (mm % 10 == 0 && mm > 0 && mm < (int)length) {
            g_autofree char *num = g_strdup_printf("%d", mm);
            // Inside the ticks, beside the 10 mm tick: x just right of it, y below/above it.
            double tx = horizontal ? mm + 0.4 : (dir > 0 ? b + 0.3 : b - 0.3 - 0.9 * strlen(num));
            double ty = horizontal ? (dir > 0 ? b - 2.0 : b - 0.4) : mm + 0.3;
            show_text(cr, families, 5, tx, ty, 0, num);
        }
    }
    cairo_set_line_width(cr, 0.3);
    cairo_stroke(cr);
}

// A cross-hair centred on (X, Y) mm, as one path: the horizontal arm, then the vertical one.
static void
draw_mark(cairo_t *cr, double x, double y)
{
    cairo_move_to(cr, PT(x - MARK_ARM_MM), PT(y));
    cairo_line_to(cr, PT(x + MARK_ARM_MM), PT(y));
    cairo_move_to(cr, PT(x), PT(y - MARK_ARM_MM));
    cairo_line_to(cr, PT(x), PT(y + MARK_ARM_MM));
    cairo_stroke(cr);
}

// Cross-hairs at the corners of every element the stock does not carry (a line: its two ends),
// in the corrected frame, each box named at its top-left corner.
static void
draw_marks(cairo_t *cr, const sc_calibration *cal, const char *families)
{
    const sc_template *t = cal->tmpl;
    cairo_save(cr);
    cairo_translate(cr, PT(cal->correct.offset_x), PT(cal->correct.offset_y));
    if (cal->correct.scale > 0)
        cairo_scale(cr, cal->correct.scale, cal->correct.scale);
    cairo_set_line_width(cr, 0.25);
    for (guint i = 0; i < t->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(t->elements, i);
        if (cal->omit != NULL && cal->omit[i])
            continue;
        double h = e->height;
        if (e->type == SC_ELEMENT_LINE) {
            draw_mark(cr, e->x, e->y);
            draw_mark(cr, e->x + e->width, e->y + e->height);
            continue;
        }
        draw_mark(cr, e->x, e->y);
        draw_mark(cr, e->x + e->width, e->y);
        draw_mark(cr, e->x, e->y + h);
        draw_mark(cr, e->x + e->width, e->y + h);
        show_text(cr, families, 5, e->x + 0.8, e->y + 0.5, 0, e->id);
    }
    cairo_restore(cr);
}

// The first rectangle the stock carries (its border): the two far-apart lines to read off.
static const sc_element *
reference_rect(const sc_calibration *cal)
{
    for (guint i = 0; cal->omit != NULL && i < cal->tmpl->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(cal->tmpl->elements, i);
        if (cal->omit[i] && e->type == SC_ELEMENT_RECT)
            return e;
    }
    return NULL;
}

// V in the C locale, shortest form ("14", "283", "1.002"): the page is the same in every locale.
static char *
num(double v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

// The heading: what the page is for, and the correction it is drawn with.
static char *
heading(const sc_calibration *cal)
{
    g_autofree char *ox = num(cal->correct.offset_x), *oy = num(cal->correct.offset_y);
    g_autofree char *s = num(cal->correct.scale > 0 ? cal->correct.scale : 1);
    return g_strdup_printf("套打校准页　模板：%s　证书纸：%s　%s%s　本页已校正：偏移 X = %s mm，"
                           "Y = %s mm，缩放 %s（+X 向右，+Y 向下；以纸张左上角为原点）",
                           cal->tmpl->name, cal->stock, cal->profile ? "打印机配置：" : "",
                           cal->profile ? cal->profile : "", ox, oy, s);
}

// How to read the offset and scale off a test print laid on the stock, in Chinese: from the
// stock's border (REF) when it carries one, else from any two far-apart pre-printed marks.
static char *
instructions(const sc_calibration *cal)
{
    const sc_element *ref = reference_rect(cal);
    GString *s = g_string_new(
        "1. 用普通白纸打印本页，打印时选“实际大小”或“100%”，不要选“适合页面”或“缩小”。\n"
        "2. 把打印好的本页正面朝上叠在一张空白证书纸（内芯）上，四边与纸边对齐，"
        "拿起来对着窗户或灯光看，让证书纸上的预印内容透过来。\n");
    if (ref != NULL) {
        g_autofree char *l = num(ref->x), *t = num(ref->y), *w = num(ref->width);
        g_autofree char *h = num(ref->height);
        g_string_append_printf(
            s,
            "3. 在上（或下）标尺上读出证书纸边框左边线的刻度 L 和右边线的刻度 R，"
            "在左（或右）标尺上读出上边线的刻度 T（模板中左边线在 %s mm，上边线在 %s mm，"
            "边框宽 %s mm、高 %s mm）。\n"
            "4. 缩放 S = (R − L) ÷ %s；偏移 X = L − %s × S，偏移 Y = T − %s × S（单位 mm）。"
            "可用下边线的刻度 B 核对：(B − T) ÷ %s 应与 S 相同。\n",
            l, t, w, h, w, l, t, h);
    } else {
        g_string_append(s, "3. 任选证书纸上相距最远的两处预印标记，模板位置为 A 和 B（mm），"
                           "在标尺上读出它们的刻度 a 和 b。\n"
                           "4. 缩放 S = (b − a) ÷ (B − A)；偏移 = a − A × S（单位 mm）。\n");
    }
    g_string_append(
        s, "　 +X 向右，+Y 向下（证书正放、标题在上时）：数据应往右移就是正 X，应往下移就是正 Y。"
           "缩放以纸张左上角为原点，允许 0.95 至 1.05；偏移每个方向不超过 ±50 mm。\n"
           "5. 把结果写进 printers.ini（放在机构文件旁边，或 ~/.config/skillcert/ 下）：\n"
           "　 [printer 打印机名]　offset = X, Y　scale = S　stock = 证书纸名\n"
           "6. 核对：skillcert calibrate --printer 打印机名 再印一张叠在证书纸上，"
           "每个十字线应正好落在证书纸上该项内容的位置（如标签之后、照片框的四角）；"
           "仍有偏差就把新读出的偏差加到 offset 上。");
    return g_string_free(s, FALSE);
}

// Draw the calibration page of CAL on CR in FAMILIES.
static void
draw_calibration(cairo_t *cr, const sc_calibration *cal, const char *families)
{
    double w = cal->tmpl->page_width, h = cal->tmpl->page_height;
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_ruler(cr, families, w, RULER_MM, +1, TRUE);     // top
    draw_ruler(cr, families, w, h - RULER_MM, -1, TRUE); // bottom
    draw_ruler(cr, families, h, RULER_MM, +1, FALSE);    // left
    draw_ruler(cr, families, h, w - RULER_MM, -1, FALSE);
    draw_marks(cr, cal, families);
    // The words in the free band at the bottom left of the national design, in grey.
    g_autofree char *head = heading(cal);
    g_autofree char *text = instructions(cal);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    show_text(cr, families, 7, 16, 146, w / 2 - 26, head);
    show_text(cr, families, 6, 16, 155, w / 2 - 26, text);
}

gboolean
sc_printer_calibrate(const sc_calibration *cal, const char *output, GError **error)
{
    g_return_val_if_fail(cal != NULL && cal->tmpl != NULL && output != NULL, FALSE);
    sc_fonts *fonts = sc_fonts_new(NULL, error);
    g_autofree char *families = fonts ? sc_fonts_resolve(fonts, cal->tmpl->fonts, error) : NULL;
    sc_fonts_free(fonts);
    if (families == NULL)
        return FALSE;
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, output, cal->tmpl->page_width, cal->tmpl->page_height,
                                0, "套打校准页", cal->created, error);
    if (sink == NULL)
        return FALSE;
    cairo_t *cr = sc_sink_begin_page(sink, "calibration", error);
    if (cr == NULL) {
        sc_sink_abort(sink);
        return FALSE;
    }
    draw_calibration(cr, cal, families);
    if (!sc_sink_end_page(sink, error) || !sc_sink_finish(sink, error)) {
        sc_sink_abort(sink);
        return FALSE;
    }
    return sc_sink_commit(sink, error);
}
