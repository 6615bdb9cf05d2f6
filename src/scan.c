// scan.c - a certificate read back as a reader sees it (issue 13): libzbar for the QR codes,
// poppler for PDF pages, photo.c for PNG and JPEG files.
#include "scan.h"

#include "i18n.h"
#include "photo.h"

#include <cairo.h>
#include <poppler.h>
#include <string.h>
#include <zbar.h>

void
sc_scan_page_free(sc_scan_page *page)
{
    if (page == NULL)
        return;
    g_ptr_array_unref(page->codes);
    g_free(page->text);
    g_free(page);
}

gboolean
sc_scan_is_pdf(const guint8 *data, gsize len)
{
    return len >= 5 && memcmp(data, "%PDF-", 5) == 0;
}

// IMAGE (RGB24, ARGB32 or A8) as 8-bit grey, composited over white, W × H bytes; NULL for any
// other format.  Caller frees with g_free().
static guint8 *
grey_of(cairo_surface_t *image, int *w, int *h)
{
    cairo_surface_flush(image);
    cairo_format_t f = cairo_image_surface_get_format(image);
    *w = cairo_image_surface_get_width(image);
    *h = cairo_image_surface_get_height(image);
    int stride = cairo_image_surface_get_stride(image);
    const guint8 *px = cairo_image_surface_get_data(image);
    if (px == NULL || (f != CAIRO_FORMAT_RGB24 && f != CAIRO_FORMAT_ARGB32 && f != CAIRO_FORMAT_A8))
        return NULL;
    guint8 *grey = g_malloc((gsize)*w * *h);
    for (int y = 0; y < *h; y++) {
        const guint8 *row = px + (gsize)y * stride;
        for (int x = 0; x < *w; x++) {
            guint8 *g = grey + (gsize)y * *w + x;
            if (f == CAIRO_FORMAT_A8) { // ink: its alpha darkens the paper
                *g = (guint8)(255 - row[x]);
                continue;
            }
            guint32 p;
            memcpy(&p, row + 4 * x, 4);
            // Premultiplied: the colour already scaled by alpha; white fills what it leaves.
            guint a = f == CAIRO_FORMAT_ARGB32 ? p >> 24 : 255;
            guint r = (p >> 16) & 0xff, gr = (p >> 8) & 0xff, b = p & 0xff;
            *g = (guint8)MIN(255u, (r * 77 + gr * 150 + b * 29) / 256 + (255 - a));
        }
    }
    return grey;
}

// GREY (W × H) halved in each direction, by averaging 2 × 2 pixels.  Caller frees.
static guint8 *
halve(const guint8 *grey, int w, int h, int *hw, int *hh)
{
    *hw = w / 2;
    *hh = h / 2;
    guint8 *out = g_malloc((gsize)MAX(1, *hw) * MAX(1, *hh));
    for (int y = 0; y < *hh; y++)
        for (int x = 0; x < *hw; x++) {
            const guint8 *p = grey + (gsize)(2 * y) * w + 2 * x;
            out[(gsize)y * *hw + x] = (guint8)((p[0] + p[1] + p[w] + p[w + 1] + 2) / 4);
        }
    return out;
}

// The QR codes zbar reads in GREY (W × H), appended to CODES.
static void
zbar_codes(const guint8 *grey, int w, int h, GPtrArray *codes)
{
    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_t *img = zbar_image_create();
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, grey, (unsigned long)w * h, NULL); // borrowed
    if (zbar_scan_image(scanner, img) > 0)
        for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s != NULL;
             s = zbar_symbol_next(s))
            if (zbar_symbol_get_type(s) == ZBAR_QRCODE)
                g_ptr_array_add(codes,
                                g_strndup(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s)));
    zbar_image_destroy(img);
    zbar_image_scanner_destroy(scanner);
}

// The QR codes of IMAGE: read at its size, and when none is found at half and a quarter of it
// (a blurred photo of a large page reads better smaller: zbar's finder wants sharp edges).
static GPtrArray *
codes_of(cairo_surface_t *image)
{
    GPtrArray *codes = g_ptr_array_new_with_free_func(g_free);
    int w, h;
    guint8 *grey = grey_of(image, &w, &h);
    for (int k = 0; grey != NULL && k < 3 && codes->len == 0; k++) {
        zbar_codes(grey, w, h, codes);
        if (codes->len == 0 && w >= 200 && h >= 200) {
            guint8 *smaller = halve(grey, w, h, &w, &h);
            g_free(grey);
            grey = smaller;
        }
    }
    g_free(grey);
    return codes;
}

GPtrArray *
sc_scan_image(const char *path, GError **error)
{
    cairo_surface_t *image = sc_photo_load(path, /*decode_jpeg*/ TRUE, NULL, error);
    if (image == NULL)
        return NULL;
    GPtrArray *codes = codes_of(image);
    cairo_surface_destroy(image);
    return codes;
}

// PAGE rendered at DPI on white paper.  Caller frees with cairo_surface_destroy().
static cairo_surface_t *
render_page(PopplerPage *page, double dpi)
{
    double wpt, hpt;
    poppler_page_get_size(page, &wpt, &hpt);
    double s = dpi / 72.0;
    cairo_surface_t *surface = cairo_image_surface_create(
        CAIRO_FORMAT_RGB24, MAX(1, (int)(wpt * s + 0.5)), MAX(1, (int)(hpt * s + 0.5)));
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, s, s);
    poppler_page_render(page, cr);
    cairo_destroy(cr);
    return surface;
}

GPtrArray *
sc_scan_pdf(const guint8 *data, gsize len, const char *path, double dpi, GError **error)
{
    g_autoptr(GBytes) bytes = g_bytes_new_static(data, len);
    GError *e = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &e);
    if (doc == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: not a PDF that can be read: %s"), path,
                    e->message);
        g_error_free(e);
        return NULL;
    }
    GPtrArray *pages = g_ptr_array_new_with_free_func((GDestroyNotify)sc_scan_page_free);
    for (int i = 0; i < poppler_document_get_n_pages(doc); i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        sc_scan_page *p = g_new0(sc_scan_page, 1);
        cairo_surface_t *image = render_page(page, dpi);
        p->codes = codes_of(image);
        cairo_surface_destroy(image);
        p->text = poppler_page_get_text(page);
        if (p->text == NULL)
            p->text = g_strdup("");
        g_ptr_array_add(pages, p);
        g_object_unref(page);
    }
    g_object_unref(doc);
    return pages;
}
