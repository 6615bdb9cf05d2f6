// test-layout.c - fonts, missing glyphs, fitting text to its box (SPEC §2; DESIGN.md pitfalls).
#include "layout.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#define PT_TO_MM (25.4 / 72.0)

static sc_fonts *fonts;
static char *kaiti; // the resolved default list

static sc_element
text_element(double x, double width, double size, double min_size, gboolean wrap)
{
    sc_element e = {0};
    e.id = "t";
    e.type = SC_ELEMENT_TEXT;
    e.x = x;
    e.y = 50;
    e.width = width;
    e.height = 30;
    e.size = size;
    e.min_size = min_size;
    e.baseline = 60;
    e.wrap = wrap;
    e.line_spacing = 1;
    return e;
}

static void
test_resolve(void)
{
    GError *error = NULL;
    // STKaiti is proprietary and not installed on test machines; LXGW WenKai is (SPEC §2).
    g_autofree char *a = sc_fonts_resolve(fonts, "No Such Face, LXGW WenKai", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(a, ==, "LXGW WenKai");
    g_assert_null(sc_fonts_resolve(fonts, "No Such Face, Neither This", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_FONT);
    g_assert_nonnull(strstr(error->message, "fonts-lxgw-wenkai"));
    g_clear_error(&error);
}

static void
test_missing_glyph(void)
{
    g_assert_cmpuint(sc_fonts_find_missing(fonts, kaiti, "阿依古丽·买买提 李龑 ——"), ==, 0);
    g_assert_cmpuint(sc_fonts_find_missing(fonts, kaiti, "王\xf0\xa0\x80\x80"), ==, 0x20000);
    // Private use area: in no face.
    g_assert_cmpuint(sc_fonts_find_missing(fonts, kaiti, "a\xee\x80\x80"), ==, 0xE000);

    sc_element e = text_element(10, 100, 16, 16, FALSE);
    sc_placed_text p;
    GError *error = NULL;
    g_assert_false(sc_layout_text(fonts, &e, kaiti, "王\xf0\xa0\x80\x80", &p, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_GLYPH);
    g_assert_nonnull(strstr(error->message, "U+20000"));
    g_assert_null(p.layout);
    g_clear_error(&error);
}

// A CJK ideograph is one em wide: 8 characters at 30 pt are 240 pt wide.
static void
test_single_line_measure(void)
{
    sc_element e = text_element(26, 110.5, 30, 30, FALSE);
    e.align = SC_ALIGN_CENTER;
    sc_placed_text p;
    GError *error = NULL;
    g_assert_true(sc_layout_text(fonts, &e, kaiti, "职业技能等级证书", &p, &error));
    g_assert_no_error(error);
    g_assert_cmpfloat_with_epsilon(p.width, 240 * PT_TO_MM, 0.01);
    g_assert_cmpfloat_with_epsilon(p.size, 30, 1e-9);
    g_assert_cmpint(p.lines, ==, 1);
    // Centred on the box: equal room left and right.
    g_assert_cmpfloat_with_epsilon(p.x - e.x, e.x + e.width - (p.x + p.width), 0.01);
    // The first baseline sits on the template's.
    double baseline = pango_layout_get_baseline(p.layout) / (double)PANGO_SCALE * PT_TO_MM;
    g_assert_cmpfloat_with_epsilon(p.y + baseline, 60, 0.01);
    sc_placed_text_clear(&p);

    e.align = SC_ALIGN_RIGHT;
    e.size = e.min_size = 16;
    g_assert_true(sc_layout_text(fonts, &e, kaiti, "发证日期：2026年11月20日", &p, &error));
    g_assert_cmpfloat_with_epsilon(p.x + p.width, e.x + e.width, 0.01);
    sc_placed_text_clear(&p);
}

static cairo_status_t
discard(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure, (void)data, (void)length;
    return CAIRO_STATUS_SUCCESS;
}

// The cairo scaled fonts a font draws with on a PDF page outlive the page, its document and the
// Pango font (a thread letting the last reference go while another takes the font back aborts
// cairo 1.16): the one drawn with for the page's transformation and the face's unscaled one the
// font subset is made of.
static void
test_keep_scaled(void)
{
    sc_element e = text_element(26, 110.5, 30, 30, FALSE);
    sc_placed_text p;
    GError *error = NULL;
    g_assert_true(sc_layout_text(fonts, &e, kaiti, "职业技能等级证书", &p, &error));
    PangoLayoutIter *iter = pango_layout_get_iter(p.layout);
    PangoFont *font = pango_layout_iter_get_run_readonly(iter)->item->analysis.font;
    pango_layout_iter_free(iter);
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(discard, NULL, 842, 595);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, 0.5, 0.5); // (a transformation of its own: a scaled font of its own)
    sc_fonts_keep_scaled(cr, font);
    cairo_set_scaled_font(cr, pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font)));
    cairo_scaled_font_t *drawn = cairo_get_scaled_font(cr);
    cairo_move_to(cr, 100, 100);
    pango_cairo_show_layout(cr, p.layout);
    cairo_matrix_t identity;
    cairo_matrix_init_identity(&identity);
    cairo_font_options_t *plain = cairo_font_options_create();
    cairo_font_options_set_hint_style(plain, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(plain, CAIRO_HINT_METRICS_OFF);
    cairo_scaled_font_t *unscaled = cairo_scaled_font_create(cairo_scaled_font_get_font_face(drawn),
                                                             &identity, &identity, plain);
    cairo_font_options_destroy(plain);
    cairo_scaled_font_destroy(unscaled);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    sc_placed_text_clear(&p);
    // (A scaled font nobody holds stays in cairo's font map with no reference, for a while.)
    g_assert_cmpuint(cairo_scaled_font_get_reference_count(drawn), >=, 1);
    g_assert_cmpuint(cairo_scaled_font_get_reference_count(unscaled), >=, 1);
}

// Too wide at 16 pt: shrinks in 0.5 pt steps, no further than needed, never below the floor.
static void
test_shrink(void)
{
    const char *name = "阿依古丽·买买提·艾尔肯江"; // 12 characters: 192 pt = 67.7 mm at 16 pt
    sc_element e = text_element(0, 50, 16, 10, FALSE);
    sc_placed_text p;
    GError *error = NULL;
    g_assert_true(sc_layout_text(fonts, &e, kaiti, name, &p, &error));
    g_assert_cmpfloat(p.size, <, 16);
    g_assert_cmpfloat(p.size, >=, 10);
    g_assert_cmpfloat(p.width, <=, 50 + 0.01);
    g_assert_cmpfloat_with_epsilon(fmod(p.size, 0.5), 0, 1e-9);
    double at = p.size;
    sc_placed_text_clear(&p);
    // Half a point larger would not have fitted.
    e.size = e.min_size = at + 0.5;
    g_assert_false(sc_layout_text(fonts, &e, kaiti, name, &p, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_FIT);
    g_clear_error(&error);

    // Past the floor: refused, saying so.
    e.size = 16;
    e.min_size = 14;
    g_assert_false(sc_layout_text(fonts, &e, kaiti, name, &p, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_FIT);
    g_assert_nonnull(strstr(error->message, "14 pt"));
    g_clear_error(&error);
}

// Wrapped text: at the box width, first line indented, single spacing = (usWinAscent +
// usWinDescent) / unitsPerEm = 1.317 em for LXGW WenKai (SPEC §2).
static void
test_wrap_and_spacing(void)
{
    sc_element e = text_element(26, 110.5, 16, 12, TRUE);
    e.indent = 2 * 16 * PT_TO_MM;
    e.height = 60;
    sc_placed_text p;
    GError *error = NULL;
    const char *body =
        "本证书由广州市越秀区百川职业培训学校颁发，表明持证人通过本机构组织的职业技能等"
        "级认定，具备该职业（工种）相应技能等级水平。";
    g_assert_true(sc_layout_text(fonts, &e, kaiti, body, &p, &error));
    g_assert_no_error(error);
    g_assert_cmpfloat(p.size, ==, 16);
    g_assert_cmpint(p.lines, ==, 4);
    g_assert_cmpfloat(p.width, <=, 110.5);

    PangoLayoutIter *it = pango_layout_get_iter(p.layout);
    int first = pango_layout_iter_get_baseline(it);
    PangoRectangle line1;
    pango_layout_iter_get_line_extents(it, NULL, &line1);
    g_assert_true(pango_layout_iter_next_line(it));
    int second = pango_layout_iter_get_baseline(it);
    PangoRectangle line2;
    pango_layout_iter_get_line_extents(it, NULL, &line2);
    pango_layout_iter_free(it);
    double pitch = (second - first) / (double)PANGO_SCALE;
    g_assert_cmpfloat_with_epsilon(pitch, 16 * 1.317, 0.05);
    g_assert_cmpfloat_with_epsilon(sc_fonts_line_height(fonts, kaiti, 16), 16 * 1.317, 0.05);
    // The first line starts 2 em (32 pt) right of the others.
    g_assert_cmpfloat_with_epsilon((line1.x - line2.x) / (double)PANGO_SCALE, 32, 0.01);
    sc_placed_text_clear(&p);

    // Too many lines for the box at the floor: refused.
    e.height = 12;
    g_assert_false(sc_layout_text(fonts, &e, kaiti, body, &p, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_FIT);
    g_clear_error(&error);
}

// CJK line breaking: no line starts with a closing punctuation mark.
static void
test_kinsoku(void)
{
    // 7 characters then '，' at the box edge: the comma must not open line 2.
    sc_element e = text_element(0, 7 * 16 * PT_TO_MM + 0.1, 16, 16, TRUE);
    e.height = 60;
    sc_placed_text p;
    GError *error = NULL;
    g_assert_true(sc_layout_text(fonts, &e, kaiti, "一二三四五六七，八九十", &p, &error));
    g_assert_cmpint(p.lines, >=, 2);
    PangoLayoutLine *line = pango_layout_get_line_readonly(p.layout, 1);
    const char *text = pango_layout_get_text(p.layout);
    g_assert_false(g_str_has_prefix(text + line->start_index, "，"));
    sc_placed_text_clear(&p);
}

// The element ID of the reference template (templates/national.ini).  Free with the template.
static const sc_element *
national_element(sc_template *tmpl, const char *id)
{
    for (guint i = 0; i < tmpl->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        if (strcmp(e->id, id) == 0)
            return e;
    }
    g_assert_not_reached();
}

// SPEC §2: every field of the basic information prints at 16 pt for every valid value; a
// 22-character number (SPEC §3: Y or S, then 21 digits) never shrinks.  The widest numbers are
// made of the widest digit: each letter with each digit repeated 21 times.
static void
test_national_number_size(void)
{
    GError *error = NULL;
    g_autoptr(sc_template) tmpl = sc_template_load("templates/national.ini", &error);
    g_assert_no_error(error);
    const sc_element *e = national_element(tmpl, "value_number");
    g_autofree char *families = sc_fonts_resolve(fonts, tmpl->fonts, &error);
    g_assert_no_error(error);
    for (const char *letter = "YS"; *letter != '\0'; letter++)
        for (char d = '0'; d <= '9'; d++) {
            char number[23];
            number[0] = *letter;
            memset(number + 1, d, 21);
            number[22] = '\0';
            sc_placed_text p;
            g_assert_true(sc_layout_text(fonts, e, families, number, &p, &error));
            g_assert_no_error(error);
            g_assert_cmpfloat(p.size, ==, 16.0);
            g_assert_cmpint(p.lines, ==, 1);
            // Inside the right page, clear of the border's inner edge (283 mm − 2.25 pt / 2).
            g_assert_cmpfloat(p.x + p.width, <=, 283.0 - 2.25 * PT_TO_MM / 2);
            sc_placed_text_clear(&p);
        }
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    GError *error = NULL;
    fonts = sc_fonts_new("fonts", &error);
    g_assert_no_error(error);
    kaiti = sc_fonts_resolve(fonts, "STKaiti, LXGW WenKai", &error);
    g_assert_no_error(error);

    g_test_add_func("/layout/resolve", test_resolve);
    g_test_add_func("/layout/missing-glyph", test_missing_glyph);
    g_test_add_func("/layout/single-line-measure", test_single_line_measure);
    g_test_add_func("/layout/shrink", test_shrink);
    g_test_add_func("/layout/wrap-and-spacing", test_wrap_and_spacing);
    g_test_add_func("/layout/kinsoku", test_kinsoku);
    g_test_add_func("/layout/keep-scaled", test_keep_scaled);
    g_test_add_func("/layout/national/number-size", test_national_number_size);
    int status = g_test_run();
    g_free(kaiti);
    sc_fonts_free(fonts);
    return status;
}
