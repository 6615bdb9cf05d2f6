// test-finish.c - the finish stage: PDF dates, the XMP packet, and what a finished PDF carries
// (SPEC §5: metadata, /Lang zh-CN; issue 11: dates in D:…+08'00' form; issue 12: /PrintScaling).
#include "finish.h"
#include "photo.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <poppler.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_pdf_date(void)
{
    // PDF 32000-1 §7.9.4: D:YYYYMMDDHHmmSSOHH'mm'.
    const struct {
        const char *iso, *pdf;
    } cases[] = {
        {"2026-11-20T00:00:00+08:00", "D:20261120000000+08'00'"},
        {"2026-11-20T09:30:05Z", "D:20261120093005+00'00'"},
        {"2026-01-02T03:04:05-05:30", "D:20260102030405-05'30'"},
        {"2026-11-20T00:00:00", "D:20261120000000+00'00'"}, // no zone: UTC
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = sc_finish_pdf_date(cases[i].iso);
        g_assert_cmpstr(got, ==, cases[i].pdf);
    }
    g_assert_null(sc_finish_pdf_date("2026-13-40"));
    g_assert_null(sc_finish_pdf_date("yesterday"));
    g_assert_null(sc_finish_pdf_date(NULL));
}

static void
test_xmp(void)
{
    const sc_finish_info info = {.title = "职业技能等级证书 — 张<&>伟",
                                 .author = "广州市某某职业培训学校",
                                 .subject = "电工 四级/中级工",
                                 .keywords = "S000044011001264000001, S000044011001264000002",
                                 .created = "2026-11-20T00:00:00+08:00"};
    g_autofree char *x = sc_finish_xmp(&info);
    g_assert_true(g_str_has_prefix(x, "<?xpacket begin=\"\xef\xbb\xbf\""));
    g_assert_true(g_str_has_suffix(x, "<?xpacket end=\"w\"?>"));
    // Markup in a value is escaped, never taken as XML.
    g_assert_nonnull(
        strstr(x, "<rdf:li xml:lang=\"x-default\">职业技能等级证书 — 张&lt;&amp;&gt;伟"));
    g_assert_nonnull(strstr(x, "<dc:creator><rdf:Seq><rdf:li>广州市某某职业培训学校</rdf:li>"));
    // Each number is one keyword of dc:subject; pdf:Keywords has them as one text.
    g_assert_nonnull(strstr(x, "<rdf:li>S000044011001264000001</rdf:li><rdf:li>"
                               "S000044011001264000002</rdf:li>"));
    g_assert_nonnull(
        strstr(x, "<pdf:Keywords>S000044011001264000001, S000044011001264000002</pdf:Keywords>"));
    g_assert_nonnull(strstr(x, "<xmp:CreateDate>2026-11-20T00:00:00+08:00</xmp:CreateDate>"));
    g_assert_nonnull(strstr(x, "<xmp:CreatorTool>skillcert " SC_VERSION "</xmp:CreatorTool>"));
    g_assert_nonnull(strstr(x, "<pdf:Producer>"));
    g_assert_nonnull(strstr(x, "<rdf:li>zh-CN</rdf:li>"));
    // A well-formed XML document (the packet is read by XML parsers).
    g_autoptr(GMarkupParseContext) ctx = g_markup_parse_context_new(
        &(GMarkupParser){NULL, NULL, NULL, NULL, NULL}, G_MARKUP_IGNORE_QUALIFIED, NULL, NULL);
    GError *error = NULL;
    const char *body = strstr(x, "<x:xmpmeta");
    const char *end = strstr(x, "<?xpacket end");
    g_assert_true(g_markup_parse_context_parse(ctx, body, end - body, &error));
    g_assert_true(g_markup_parse_context_end_parse(ctx, &error));
    g_assert_no_error(error);
}

// A two-page PDF as cairo writes it.
static GByteArray *
cairo_pdf(void)
{
    GByteArray *buf = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sc_test_append, buf, 842, 595);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2026-11-20T00:00:00");
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < 2; i++) {
        cairo_rectangle(cr, 10 + 100 * i, 10, 50, 50);
        cairo_fill(cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return buf;
}

// Whether NEEDLE occurs in the LEN bytes of DATA.
static gboolean
has_bytes(const guint8 *data, gsize len, const char *needle)
{
    gsize n = strlen(needle);
    for (gsize i = 0; i + n <= len; i++)
        if (memcmp(data + i, needle, n) == 0)
            return TRUE;
    return FALSE;
}

// How many times the token NEEDLE occurs in the LEN bytes of DATA (white space after it).
static guint
count_bytes(const guint8 *data, gsize len, const char *needle)
{
    gsize n = strlen(needle);
    guint count = 0;
    for (gsize i = 0; i + n < len; i++)
        count += memcmp(data + i, needle, n) == 0 && g_ascii_isspace(data[i + n]);
    return count;
}

static void
test_pdf(void)
{
    g_autoptr(GByteArray) in = cairo_pdf();
    // cairo 1.16 itself: a date without D: and no /Lang (what the stage is for).
    g_assert_false(has_bytes(in->data, in->len, "/Lang"));
    const sc_finish_info info = {.title = "Certificate",
                                 .keywords = "S000044011001264000001",
                                 .created = "2026-11-20T00:00:00+08:00"};
    GError *error = NULL;
    g_autofree char *sha256 = NULL;
    g_autoptr(GBytes) out = sc_finish_pdf(in->data, in->len, &info, &sha256, &error);
    g_assert_no_error(error);
    gsize len;
    const guint8 *d = g_bytes_get_data(out, &len);
    g_assert_true(len > 5 && memcmp(d, "%PDF-", 5) == 0);
    // The SHA-256 given is the finished bytes' (worked out as they were made).
    g_autofree char *digest = g_compute_checksum_for_data(G_CHECKSUM_SHA256, d, len);
    g_assert_cmpstr(sha256, ==, digest);
    g_assert_true(has_bytes(d, len, "/CreationDate (D:20261120000000+08'00')"));
    g_assert_true(has_bytes(d, len, "/ModDate (D:20261120000000+08'00')"));
    g_assert_true(has_bytes(d, len, "/Title (Certificate)"));
    g_assert_true(has_bytes(d, len, "/Keywords (S000044011001264000001)"));
    g_assert_true(has_bytes(d, len, "/Lang (zh-CN)"));
    g_assert_true(has_bytes(d, len, "/PrintScaling /None"));
    g_assert_true(has_bytes(d, len, "/Type /Metadata"));
    // The packet is stored as it is, readable without decoding.
    g_assert_true(has_bytes(d, len, "<xmp:CreateDate>2026-11-20T00:00:00+08:00</xmp:CreateDate>"));
    g_assert_true(has_bytes(d, len, "/ID ["));
    g_assert_true(has_bytes(d, len, "/Count 2"));
    // PDF/A-2b (ISO 19005-2 §6.6.4, §6.2.3): the claim in the XMP and the sRGB OutputIntent.
    g_assert_true(has_bytes(d, len, "<pdfaid:part>2</pdfaid:part>"));
    g_assert_true(has_bytes(d, len, "<pdfaid:conformance>B</pdfaid:conformance>"));
    g_assert_true(has_bytes(d, len, "/S /GTS_PDFA1"));
    g_assert_true(has_bytes(d, len, "/DestOutputProfile"));

    // The same input, the same bytes.
    g_autoptr(GBytes) again = sc_finish_pdf(in->data, in->len, &info, NULL, &error);
    g_assert_no_error(error);
    g_assert_true(g_bytes_equal(out, again));
    // Another holder's metadata, another file (and another /ID).
    const sc_finish_info other = {.title = "Other", .created = info.created};
    g_autoptr(GBytes) third = sc_finish_pdf(in->data, in->len, &other, NULL, &error);
    g_assert_false(g_bytes_equal(out, third));
}

// Issue 15: a PNG photo carried as a stub (photo.h) comes out of the finish stage as the PNG's
// own image: /FlateDecode with the PNG predictors over its IDAT data, no stub left.  Poppler
// reads it back (test-render.sh compares the pixels); here, the object as written.
static void
test_png_stub(void)
{
    g_autofree char *dir = g_dir_make_tmp("sc-finish-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "p.png", NULL);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 5, 4);
    g_assert_cmpint(cairo_surface_write_to_png(img, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(img);
    GError *error = NULL;
    img = sc_photo_load(path, FALSE, "p", &error);
    g_assert_no_error(error);

    GByteArray *in = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sc_test_append, in, 100, 100);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_surface(cr, img, 10, 10);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    cairo_surface_destroy(img);
    g_assert_true(has_bytes(in->data, in->len, "skillcert-png-idat"));

    const sc_finish_info info = {.title = "p"};
    g_autoptr(GBytes) out = sc_finish_pdf(in->data, in->len, &info, NULL, &error);
    g_assert_no_error(error);
    gsize len;
    const guint8 *d = g_bytes_get_data(out, &len);
    g_assert_false(has_bytes(d, len, "skillcert-png-idat"));
    g_assert_false(has_bytes(d, len, "/DCTDecode"));
    g_assert_true(has_bytes(d, len, "/FlateDecode"));
    g_assert_true(has_bytes(d, len, "/Predictor 15"));
    g_assert_true(has_bytes(d, len, "/Columns 5"));
    g_assert_true(has_bytes(d, len, "/DeviceRGB"));
    g_byte_array_unref(in);
    g_unlink(path);
    g_rmdir(dir);
}

// The LEN bytes of DATA from the last "startxref" on: the number after it.
static long
last_startxref(const guint8 *data, gsize len)
{
    long at = -1;
    for (gsize i = 0; i + 9 <= len; i++)
        if (memcmp(data + i, "startxref", 9) == 0)
            at = strtol((const char *)data + i + 9, NULL, 10);
    return at;
}

// Issue 15: cairo's file is not rewritten but amended where it stands, an incremental update
// appended (ISO 32000-1 §7.5.6) whose /Prev is cairo's cross-reference section; the file amended
// in place (the one PDF of a batch) is byte for byte the one finished in memory.
static void
test_incremental(void)
{
    g_autoptr(GByteArray) in = cairo_pdf();
    const sc_finish_info info = {.title = "证书", .created = "2026-11-20T00:00:00+08:00"};
    GError *error = NULL;
    g_autoptr(GBytes) out = sc_finish_pdf(in->data, in->len, &info, NULL, &error);
    g_assert_no_error(error);
    gsize len;
    const guint8 *d = g_bytes_get_data(out, &len);
    g_assert_cmpuint(len, >, in->len);
    // Nothing cairo wrote before its first object moved; the update ends the file.
    g_assert_cmpmem(d, 15, in->data, 15);
    g_autofree char *prev = g_strdup_printf("/Prev %ld ", last_startxref(in->data, in->len));
    g_assert_true(has_bytes(d + in->len, len - in->len, prev));
    g_assert_cmpint(last_startxref(d, len), >, (long)in->len);
    g_assert_true(has_bytes(d, len, "/Title <FEFF8BC14E66>"));
    g_assert_true(len >= 6 && memcmp(d + len - 6, "%%EOF\n", 6) == 0);

    g_autofree char *dir = g_dir_make_tmp("sc-finish-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "c.pdf", NULL);
    g_assert_true(g_file_set_contents(path, (const char *)in->data, in->len, NULL));
    g_autofree char *sha = NULL;
    g_assert_true(sc_finish_pdf_file(path, &info, &sha, &error));
    g_assert_no_error(error);
    g_autofree char *file = NULL;
    gsize file_len = 0;
    g_assert_true(g_file_get_contents(path, &file, &file_len, NULL));
    g_assert_cmpmem(file, file_len, d, len);
    g_autofree char *want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, d, len);
    g_assert_cmpstr(sha, ==, want);
    g_unlink(path);
    g_rmdir(dir);
}

// A seal's alpha: a disc filling a W × H A8 surface.
static cairo_surface_t *
disc_mask(int w, int h)
{
    cairo_surface_t *mask = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_t *m = cairo_create(mask);
    cairo_arc(m, w / 2.0, h / 2.0, MIN(w, h) / 2.0 * 0.8, 0, 2 * G_PI);
    cairo_fill(m);
    cairo_destroy(m);
    return mask;
}

// Issue 15: a single-colour image (a seal) carried by sc_photo_mask_carrier() comes out as an RGB
// image of its colour with its alpha as a soft mask, no stub left, the same mask bytes in every
// file (compressed once).
static void
test_mask_carrier(void)
{
    cairo_surface_t *mask = disc_mask(40, 30);
    const double red[3] = {0.8, 0.1, 0.1};
    cairo_surface_t *carrier = sc_photo_mask_carrier(mask, red, "seal");
    g_assert_nonnull(carrier);
    // One pixel standing for the mask's size (cairo scans a surface's pixels on every page).
    g_assert_cmpint(cairo_image_surface_get_width(carrier), ==, 1);
    double w, h;
    sc_photo_get_size(carrier, &w, &h);
    g_assert_cmpfloat(w, ==, 40);
    g_assert_cmpfloat(h, ==, 30);
    g_autoptr(GBytes) first = NULL;
    for (int round = 0; round < 2; round++) {
        GByteArray *in = g_byte_array_new();
        cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sc_test_append, in, 100, 100);
        cairo_t *cr = cairo_create(s);
        cairo_set_source_surface(cr, carrier, 10, 10);
        cairo_paint(cr);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        cairo_surface_destroy(s);
        g_assert_true(has_bytes(in->data, in->len, "skillcert-mask"));
        const sc_finish_info info = {.title = "s"};
        GError *error = NULL;
        GBytes *out = sc_finish_pdf(in->data, in->len, &info, NULL, &error);
        g_assert_no_error(error);
        gsize len;
        const guint8 *d = g_bytes_get_data(out, &len);
        g_assert_false(has_bytes(d, len, "skillcert-mask"));
        g_assert_false(has_bytes(d, len, "/DCTDecode"));
        g_assert_true(has_bytes(d, len, "/SMask "));
        g_assert_true(has_bytes(d, len, "/ColorSpace /DeviceRGB"));
        g_assert_true(has_bytes(d, len, "/Interpolate false"));
        g_assert_false(has_bytes(d, len, "/Interpolate true"));
        if (first == NULL)
            first = out;
        else {
            g_assert_true(g_bytes_equal(first, out)); // the same input, the same bytes
            g_bytes_unref(out);
        }
        g_byte_array_unref(in);
    }
    cairo_surface_destroy(carrier);
    cairo_surface_destroy(mask);
}

static void
test_not_a_pdf(void)
{
    const char junk[] = "this is not a PDF at all";
    const sc_finish_info info = {0};
    GError *error = NULL;
    g_assert_null(sc_finish_pdf((const guint8 *)junk, sizeof junk, &info, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_RENDER);
    g_clear_error(&error);
    // A cut PDF is either repaired or refused, never a crash.
    g_autoptr(GByteArray) in = cairo_pdf();
    GBytes *cut = sc_finish_pdf(in->data, in->len / 2, &info, NULL, &error);
    g_assert_true((cut != NULL) != (error != NULL));
    g_clear_pointer(&cut, g_bytes_unref);
    g_clear_error(&error);
}

// A W × H RGB24 image of noise from SEED (a photo's worth of bytes that deflate cannot shrink).
static cairo_surface_t *
noise_image(int w, int h, guint32 seed)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    guint8 *px = cairo_image_surface_get_data(img);
    for (int k = 0; k < h * cairo_image_surface_get_stride(img); k++)
        px[k] = (guint8)((seed = seed * 1103515245 + 12345) >> 16);
    cairo_surface_mark_dirty(img);
    return img;
}

// A part of a long document as sink.c has cairo write it: pages FIRST … FIRST + N - 1, each with
// its number as text, a link, a shared image and one of its own, into a file in DIR.  With
// CARRIED (may be NULL): each page also shows these images, carried as stubs (a seal, a PNG
// photo), the same in every part.
static char *
cairo_part(const char *dir, int first, int n, cairo_surface_t *const *carried)
{
    char *path = g_strdup_printf("%s/part-%d.pdf", dir, first);
    cairo_surface_t *s = cairo_pdf_surface_create(path, 842, 595);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    cairo_t *cr = cairo_create(s);
    // The shared image, a photo's worth of noise (the same in every part): copied once.
    cairo_surface_t *shared = noise_image(64, 64, 1);
    // An image of this part's own, of the shared one's kind in every way but its pixels: noise
    // that deflate stores, so that its data is as long in every part.  Copied once per part.
    cairo_surface_t *twin = noise_image(48, 48, (guint32)first);
    for (int i = first; i < first + n; i++) {
        g_autofree char *text = g_strdup_printf("page %d", i);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, 100, 100);
        cairo_set_font_size(cr, 24);
        cairo_show_text(cr, text);
        g_autofree char *link = g_strdup_printf("rect=[100 200 50 20] uri='http://e.test/%d'", i);
        cairo_tag_begin(cr, CAIRO_TAG_LINK, link);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
        cairo_set_source_surface(cr, shared, 300, 300);
        cairo_paint(cr);
        cairo_surface_t *own = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4 + i, 4);
        cairo_set_source_surface(cr, own, 400, 300);
        cairo_paint(cr);
        cairo_surface_destroy(own);
        cairo_set_source_surface(cr, twin, 500, 300);
        cairo_paint(cr);
        for (int k = 0; carried != NULL && carried[k] != NULL; k++) {
            cairo_save(cr);
            cairo_translate(cr, 100 + 150 * k, 400);
            cairo_scale(cr, 0.2, 0.2);
            cairo_set_source_surface(cr, carried[k], 0, 0);
            cairo_paint(cr);
            cairo_restore(cr);
        }
        cairo_show_page(cr);
    }
    cairo_surface_destroy(twin);
    cairo_surface_destroy(shared);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return path;
}

// The images a batch carries as stubs: a seal (sc_photo_mask_carrier()) and a PNG photo of noise
// written into DIR, NULL-terminated.
static cairo_surface_t **
carried_images(const char *dir)
{
    cairo_surface_t **carried = g_new0(cairo_surface_t *, 3);
    cairo_surface_t *mask = disc_mask(600, 600);
    const double red[3] = {0.8, 0.1, 0.1};
    carried[0] = sc_photo_mask_carrier(mask, red, "join-seal");
    cairo_surface_destroy(mask);
    g_autofree char *png = g_build_filename(dir, "photo.png", NULL);
    cairo_surface_t *img = noise_image(60, 80, 7);
    g_assert_cmpint(cairo_surface_write_to_png(img, png), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(img);
    GError *error = NULL;
    carried[1] = sc_photo_load(png, FALSE, "join-photo", &error);
    g_assert_no_error(error);
    g_unlink(png);
    return carried;
}

// Page I (from 0) of the PDF at PATH as a reader sees it, drawn at 72 dpi.
static cairo_surface_t *
page_pixels(const char *path, int i)
{
    g_autofree char *uri = g_filename_to_uri(path, NULL, NULL);
    GError *error = NULL;
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &error);
    g_assert_no_error(error);
    PopplerPage *page = poppler_document_get_page(doc, i);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 842, 595);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    poppler_page_render_for_printing(page, cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    g_object_unref(page);
    g_object_unref(doc);
    return s;
}

static void
test_join(void)
{
    g_autofree char *dir = g_dir_make_tmp("sc-join-XXXXXX", NULL);
    cairo_surface_t **carried = carried_images(dir);
    char *parts[3] = {cairo_part(dir, 1, 3, carried), cairo_part(dir, 4, 1, carried),
                      cairo_part(dir, 5, 2, carried)};
    g_autofree char *out = g_build_filename(dir, "joined.pdf", NULL);
    g_assert_true(g_file_set_contents(out, "", 0, NULL));
    GError *error = NULL;
    // Finished as the one PDF is, with a bookmark and a label per page: the stage finds the
    // six pages in order under the joined page tree.
    FILE *marks = tmpfile();
    for (int i = 1; i <= 6; i++)
        fprintf(marks, "N%d%cbookmark %d%c", i, 0, i, 0);
    const sc_finish_info info = {.title = "joined", .marks = marks, .mark_pages = 6};
    g_autofree char *sha = NULL;
    g_assert_true(sc_finish_join((const char *const *)parts, 3, out, &info, &sha, &error));
    g_assert_no_error(error);
    for (int i = 0; i < 3; i++)
        g_assert_false(g_file_test(parts[i], G_FILE_TEST_EXISTS)); // each removed once copied
    // The image all three parts use is in the file once; each page's own image is there.
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_assert_true(g_file_get_contents(out, &bytes, &len, NULL));
    g_assert_cmpint(count_bytes((const guint8 *)bytes, len, "/Width 64"), ==, 1);
    // Each part's twin, as long as the others but not the same, is there once per part.
    g_assert_cmpint(count_bytes((const guint8 *)bytes, len, "/Width 48"), ==, 3);
    gint64 twin_len = -1;
    for (gsize i = 0; i + 9 < len; i++) {
        if (memcmp(bytes + i, "/Width 48", 9) != 0)
            continue;
        gsize k = i;
        while (k > 0 && i - k < 200 && memcmp(bytes + k, "/Length ", 8) != 0)
            k--;
        gint64 n = g_ascii_strtoll(bytes + k + 8, NULL, 10);
        g_assert_true(twin_len < 0 || n == twin_len); // (the case the join must tell apart)
        twin_len = n;
    }
    g_assert_cmpint(twin_len, >, 0);
    for (int i = 1; i <= 6; i++) {
        g_autofree char *own = g_strdup_printf("/Width %d", 4 + i);
        g_assert_cmpint(count_bytes((const guint8 *)bytes, len, own), ==, 1);
    }
    // Amended as it was joined, as the finish stage amends what cairo wrote: the stubs turned
    // into their images, the seal and the photo each once though every part had its own copy
    // (told the same by what their stubs carried), every link printed, nothing interpolated.
    const guint8 *b = (const guint8 *)bytes;
    g_assert_false(has_bytes(b, len, "skillcert-png-idat"));
    g_assert_false(has_bytes(b, len, "skillcert-mask"));
    g_assert_false(has_bytes(b, len, "/DCTDecode"));
    g_assert_false(has_bytes(b, len, "/Interpolate true"));
    g_assert_cmpint(count_bytes(b, len, "/Predictor 15"), ==, 1);
    g_assert_cmpint(count_bytes(b, len, "/SMask"), ==, 1);
    g_assert_cmpint(count_bytes(b, len, "/Width 600"), ==, 2); // the seal's colour and mask
    g_assert_cmpint(count_bytes(b, len, "/Subtype /Link"), ==, 6);
    g_assert_cmpint(count_bytes(b, len, "/F 4"), ==, 6);
    // One update after the join's section (ISO 32000-1 §7.5.6), and the SHA-256 is the file's.
    g_assert_cmpint(count_bytes(b, len, "startxref"), ==, 2);
    g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, b, len);
    g_assert_cmpstr(sha, ==, sum);
    // The same parts joined, then finished as a file cairo wrote is: the same pages to a reader.
    char *again[3] = {cairo_part(dir, 1, 3, carried), cairo_part(dir, 4, 1, carried),
                      cairo_part(dir, 5, 2, carried)};
    g_autofree char *plain = g_build_filename(dir, "plain.pdf", NULL);
    g_assert_true(g_file_set_contents(plain, "", 0, NULL));
    rewind(marks);
    g_assert_true(sc_finish_join((const char *const *)again, 3, plain, NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(sc_finish_pdf_file(plain, &info, NULL, &error));
    g_assert_no_error(error);
    fclose(marks);
    for (int i = 0; i < 6; i++) {
        cairo_surface_t *x = page_pixels(out, i), *y = page_pixels(plain, i);
        int stride = cairo_image_surface_get_stride(x);
        g_assert_cmpint(memcmp(cairo_image_surface_get_data(x), cairo_image_surface_get_data(y),
                               (gsize)stride * 595),
                        ==, 0);
        cairo_surface_destroy(x);
        cairo_surface_destroy(y);
    }
    for (int i = 0; i < 3; i++)
        g_free(again[i]);
    g_unlink(plain);
    // As a reader sees it: six pages, each its part's page, with its link and images.
    g_autofree char *uri = g_filename_to_uri(out, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpint(poppler_document_get_n_pages(doc), ==, 6);
    for (int i = 0; i < 6; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        g_autofree char *text = poppler_page_get_text(page);
        g_autofree char *want = g_strdup_printf("page %d", i + 1);
        g_assert_cmpstr(g_strstrip(text), ==, want);
        g_autofree char *label = poppler_page_get_label(page);
        g_autofree char *want_label = g_strdup_printf("N%d", i + 1);
        g_assert_cmpstr(label, ==, want_label);
        GList *links = poppler_page_get_link_mapping(page);
        g_assert_cmpint(g_list_length(links), ==, 1);
        PopplerLinkMapping *m = links->data;
        g_autofree char *want_uri = g_strdup_printf("http://e.test/%d", i + 1);
        g_assert_cmpint(m->action->type, ==, POPPLER_ACTION_URI);
        g_assert_cmpstr(m->action->uri.uri, ==, want_uri);
        poppler_page_free_link_mapping(links);
        GList *images = poppler_page_get_image_mapping(page);
        g_assert_cmpint(g_list_length(images), ==, 5);
        poppler_page_free_image_mapping(images);
        g_object_unref(page);
    }
    g_object_unref(doc);
    // A part that is not a PDF: refused, what was not copied left for the caller to remove.
    char *bad[2] = {cairo_part(dir, 1, 1, NULL), g_build_filename(dir, "bad.pdf", NULL)};
    g_assert_true(g_file_set_contents(bad[1], "%PDF-1.5\nnot really\n", -1, NULL));
    g_assert_true(g_file_set_contents(out, "", 0, NULL));
    const sc_finish_info bare = {.title = "bad"};
    g_assert_false(sc_finish_join((const char *const *)bad, 2, out, &bare, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_RENDER);
    g_clear_error(&error);
    g_assert_true(g_file_test(bad[1], G_FILE_TEST_EXISTS));
    for (int i = 0; i < 2; i++) {
        g_unlink(bad[i]);
        g_free(bad[i]);
    }
    for (int i = 0; i < 3; i++)
        g_free(parts[i]);
    for (int k = 0; carried[k] != NULL; k++)
        cairo_surface_destroy(carried[k]);
    g_free(carried);
    g_unlink(out);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/finish/pdf-date", test_pdf_date);
    g_test_add_func("/finish/xmp", test_xmp);
    g_test_add_func("/finish/pdf", test_pdf);
    g_test_add_func("/finish/not-a-pdf", test_not_a_pdf);
    g_test_add_func("/finish/png-stub", test_png_stub);
    g_test_add_func("/finish/incremental", test_incremental);
    g_test_add_func("/finish/mask-carrier", test_mask_carrier);
    g_test_add_func("/finish/join", test_join);
    return g_test_run();
}
