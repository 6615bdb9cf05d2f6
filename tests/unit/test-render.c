// test-render.c - the renderer's page-invariant design and single-colour image masks
// (DESIGN.md "render", pitfalls: the static design once per document as a Form XObject).
#include "photo.h"
#include "render.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <string.h>

static sc_fonts *fonts;

// A template of a border, a fixed title, a fixed label and one field, from TITLE.
static sc_template *
small_template(const char *title)
{
    g_autofree char *ini = g_strdup_printf("[template]\n"
                                           "name = t\n"
                                           "page_width = 297mm\n"
                                           "page_height = 210mm\n"
                                           "fonts = LXGW WenKai\n"
                                           "[border]\n"
                                           "type = rect\n"
                                           "layer = static\n"
                                           "x = 14mm\ny = 11mm\nwidth = 269mm\nheight = 188mm\n"
                                           "line_width = 2.25pt\n"
                                           "[title]\n"
                                           "type = text\n"
                                           "layer = static\n"
                                           "text = %s\n"
                                           "size = 30pt\n"
                                           "x = 26mm\ny = 30mm\nwidth = 110mm\nheight = 20mm\n"
                                           "[name]\n"
                                           "type = text\n"
                                           "layer = field\n"
                                           "text = {姓名}\n"
                                           "size = 16pt\n"
                                           "x = 26mm\ny = 60mm\nwidth = 110mm\nheight = 9mm\n",
                                           title);
    GError *error = NULL;
    sc_template *tmpl = sc_template_parse(ini, strlen(ini), "t.ini", &error);
    g_assert_no_error(error);
    return tmpl;
}

static const char *
lookup(const char *name, gpointer data)
{
    (void)data;
    return strcmp(name, "姓名") == 0 ? "张伟" : NULL;
}

static guint
count(const GByteArray *bytes, const char *needle)
{
    guint n = 0;
    gsize len = strlen(needle);
    for (gsize i = 0; i + len <= bytes->len; i++)
        n += memcmp(bytes->data + i, needle, len) == 0;
    return n;
}

// Three pages: the design (its border) is one Form XObject; the texts, the fixed title too, are
// on every page (tagged there); the fixed title is laid out once and still found through the page.
static void
test_design_once(void)
{
    g_autoptr(sc_template) tmpl = small_template("职业技能等级证书");
    GError *error = NULL;
    sc_renderer *r = sc_renderer_new(tmpl, fonts, sc_qr_encoder(), FALSE, &error);
    g_assert_no_error(error);

    GByteArray *pdf = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sc_test_append, pdf, 841.89, 595.28);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    g_autoptr(sc_problems) problems = sc_problems_new();
    for (int i = 0; i < 3; i++) {
        const sc_fields fields = {lookup, NULL, NULL};
        sc_page *page = sc_renderer_prepare(r, &fields, "r.csv", 2, problems);
        g_assert_nonnull(page);
        const sc_placed_text *title = sc_page_get_text(page, "title");
        g_assert_nonnull(title);
        g_assert_nonnull(title->layout);
        g_assert_cmpfloat(title->size, ==, 30);
        cairo_t *cr = cairo_create(s);
        sc_renderer_draw(r, page, cr, SC_LAYER_ALL, 0, 0);
        g_assert_cmpint(cairo_status(cr), ==, CAIRO_STATUS_SUCCESS);
        cairo_destroy(cr);
        cairo_surface_show_page(s);
        sc_page_free(page);
    }
    cairo_surface_finish(s);
    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    g_assert_cmpuint(count(pdf, "/Type /Page "), ==, 3);
    g_assert_cmpuint(count(pdf, "/Subtype /Form"), ==, 1);
    g_byte_array_unref(pdf);
    sc_renderer_free(r);
}

// A problem in a fixed text is the template's, reported when the renderer is made.
static void
test_design_problem(void)
{
    g_autoptr(sc_template) tmpl = small_template("证书\xf0\xa0\x80\x80"); // U+20000: no face
    GError *error = NULL;
    sc_renderer *r = sc_renderer_new(tmpl, fonts, sc_qr_encoder(), FALSE, &error);
    g_assert_null(r);
    g_assert_error(error, SC_ERROR, SC_ERROR_GLYPH);
    g_assert_nonnull(strstr(error->message, "t.ini: [title] text: "));
    g_assert_nonnull(strstr(error->message, "U+20000"));
    g_error_free(error);
}

// An ARGB32 surface of W × H pixels with colour (R, G, B) at alpha (x * 255 / (W - 1)),
// premultiplied as photo.c does; one pixel (1, 0) is OTHER when not 0.
static cairo_surface_t *
ramp(int w, int h, int r, int g, int b, guint32 other)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_surface_flush(s);
    unsigned char *data = cairo_image_surface_get_data(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            guint32 a = x * 255 / (w - 1);
            ((guint32 *)(data + y * cairo_image_surface_get_stride(s)))[x] =
                a << 24 | (r * a + 127) / 255 << 16 | (g * a + 127) / 255 << 8 |
                (b * a + 127) / 255;
        }
    if (other != 0)
        ((guint32 *)data)[1] = other;
    cairo_surface_mark_dirty(s);
    return s;
}

static void
test_mask(void)
{
    // One colour at every alpha: its alpha, and the colour back exactly.
    cairo_surface_t *img = ramp(256, 3, 0xD0, 0x20, 0x20, 0);
    char *id = g_strdup("seal");
    cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_UNIQUE_ID, (unsigned char *)id, strlen(id),
                                g_free, id);
    double colour[3] = {0};
    cairo_surface_t *mask = sc_photo_to_mask(img, colour);
    g_assert_nonnull(mask);
    g_assert_cmpint(cairo_image_surface_get_format(mask), ==, CAIRO_FORMAT_A8);
    g_assert_cmpfloat_with_epsilon(colour[0], 0xD0 / 255.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(colour[1], 0x20 / 255.0, 1e-9);
    g_assert_cmpfloat_with_epsilon(colour[2], 0x20 / 255.0, 1e-9);
    const unsigned char *a = cairo_image_surface_get_data(mask);
    for (int x = 0; x < 256; x++)
        g_assert_cmpint(a[cairo_image_surface_get_stride(mask) * 2 + x], ==, x);
    const unsigned char *mime;
    unsigned long len;
    cairo_surface_get_mime_data(mask, CAIRO_MIME_TYPE_UNIQUE_ID, &mime, &len);
    g_assert_cmpmem(mime, len, "seal#alpha", 10);
    cairo_surface_destroy(mask);
    cairo_surface_destroy(img);

    // A second colour (opaque blue where red is expected): no mask.
    img = ramp(256, 3, 0xD0, 0x20, 0x20, 0xff0000ffu);
    g_assert_null(sc_photo_to_mask(img, colour));
    cairo_surface_destroy(img);

    // Nothing visible, or no alpha channel: no mask.
    img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    g_assert_null(sc_photo_to_mask(img, colour));
    cairo_surface_destroy(img);
    img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4, 4);
    g_assert_null(sc_photo_to_mask(img, colour));
    cairo_surface_destroy(img);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    GError *error = NULL;
    fonts = sc_fonts_new("fonts", &error);
    g_assert_no_error(error);
    g_test_add_func("/render/design-once", test_design_once);
    g_test_add_func("/render/design-problem", test_design_problem);
    g_test_add_func("/render/mask", test_mask);
    int status = g_test_run();
    sc_fonts_free(fonts);
    return status;
}
