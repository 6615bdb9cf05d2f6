// test-deflate.c - cairo's Flate streams compressed by libdeflate (deflate.h; issue 15): the
// streams begun inside sc_deflate_begin() are zlib streams any reader inflates to the bytes given,
// handed out however little room each call has; every other stream is zlib's, byte for byte.
#include "deflate.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <poppler.h>
#include <string.h>
#include <zlib.h>

// LEN bytes of a font's worth of mixed data: runs, text and noise.
static guint8 *
sample(gsize len)
{
    guint8 *d = g_malloc(len);
    guint32 seed = 12345;
    for (gsize i = 0; i < len; i++) {
        seed = seed * 1103515245 + 12345;
        d[i] = i % 3000 < 1000   ? (guint8) "glyph outline "[i % 14]
               : i % 3000 < 1500 ? 0
                                 : (guint8)(seed >> 16);
    }
    return d;
}

// DATA (LEN bytes) through the zlib stream API as cairo drives it: INPUT bytes at a time with
// Z_NO_FLUSH, then Z_FINISH with ROOM bytes of output a call.  The stream; *ADLER its Adler-32.
static GByteArray *
compress_as_cairo(const guint8 *data, gsize len, gsize input, gsize room, uLong *adler)
{
    z_stream z = {0};
    g_assert_cmpint(deflateInit(&z, Z_DEFAULT_COMPRESSION), ==, Z_OK);
    GByteArray *out = g_byte_array_new();
    guint8 *buf = g_malloc(room);
    for (gsize at = 0; at < len; at += input) {
        z.next_in = (Bytef *)data + at;
        z.avail_in = (uInt)MIN(input, len - at);
        while (z.avail_in > 0) {
            z.next_out = buf;
            z.avail_out = (uInt)room;
            g_assert_cmpint(deflate(&z, Z_NO_FLUSH), ==, Z_OK);
            g_byte_array_append(out, buf, (guint)(room - z.avail_out));
        }
    }
    int ret;
    do {
        z.next_out = buf;
        z.avail_out = (uInt)room;
        ret = deflate(&z, Z_FINISH);
        g_assert_true(ret == Z_OK || ret == Z_STREAM_END);
        g_byte_array_append(out, buf, (guint)(room - z.avail_out));
    } while (ret != Z_STREAM_END);
    g_assert_cmpuint(z.total_in, ==, len);
    g_assert_cmpuint(z.total_out, ==, out->len);
    *adler = z.adler;
    g_assert_cmpint(deflateEnd(&z), ==, Z_OK);
    g_free(buf);
    return out;
}

// OUT inflates to DATA (LEN bytes).
static void
assert_inflates_to(const GByteArray *out, const guint8 *data, gsize len)
{
    uLongf n = (uLongf)len + 1;
    guint8 *back = g_malloc(n);
    g_assert_cmpint(uncompress(back, &n, out->data, out->len), ==, Z_OK);
    g_assert_cmpuint(n, ==, len);
    g_assert_cmpmem(back, n, data, len);
    g_free(back);
}

static void
test_round_trip(void)
{
    // (The last is past what a stream gathers: 16 MB.)
    const gsize sizes[] = {0, 1, 100, 16384, 16385, 70000, 1000000, (17u << 20) + 5};
    for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
        gboolean large = sizes[s] > (16u << 20);
        g_autofree guint8 *data = sample(sizes[s]);
        uLong adler_zlib, adler_ours;
        // Outside: zlib's stream, the bytes compress2() at zlib's default level gives.
        g_autoptr(GByteArray) plain = compress_as_cairo(data, sizes[s], 16384, 16384, &adler_zlib);
        uLongf n = compressBound((uLong)sizes[s]);
        g_autofree guint8 *ref = g_malloc(n);
        g_assert_cmpint(compress2(ref, &n, data, (uLong)sizes[s], Z_DEFAULT_COMPRESSION), ==, Z_OK);
        g_assert_cmpmem(plain->data, plain->len, ref, n);
        // Inside: libdeflate's, another stream that inflates to the same bytes, handed out
        // through any room (even one byte a call), its Adler-32 the input's.
        sc_deflate_begin();
        g_autoptr(GByteArray) fast = compress_as_cairo(data, sizes[s], 16384, 16384, &adler_ours);
        g_autoptr(GByteArray) dribble =
            compress_as_cairo(data, sizes[s], 1000, large ? 4093 : 1, &adler_ours);
        sc_deflate_end();
        assert_inflates_to(fast, data, sizes[s]);
        assert_inflates_to(dribble, data, sizes[s]);
        g_assert_cmpmem(fast->data, fast->len, dribble->data, dribble->len);
        g_assert_cmpuint(adler_ours, ==, adler_zlib);
        if (large) // past what is gathered: zlib's own bytes, what was gathered given first
            g_assert_cmpmem(fast->data, fast->len, plain->data, plain->len);
        else if (sizes[s] >= 16384) // (libdeflate's own bytes, no larger than zlib's)
            g_assert_false(fast->len == plain->len &&
                           memcmp(fast->data, plain->data, fast->len) == 0);
        if (sizes[s] >= 100)
            g_assert_cmpuint(fast->len, <=, plain->len);
    }
}

// Only streams begun at zlib's default level, inside, are libdeflate's; a flush it cannot make is
// refused, never made wrong; the scope nests.
static void
test_scope(void)
{
    g_autofree guint8 *data = sample(50000);
    sc_deflate_begin();
    sc_deflate_begin();
    sc_deflate_end();
    // Still inside: a stream at level 9 is zlib's (its bytes are compress2()'s at 9).
    z_stream z = {0};
    g_assert_cmpint(deflateInit(&z, 9), ==, Z_OK);
    guint8 out[70000];
    z.next_in = data;
    z.avail_in = 50000;
    z.next_out = out;
    z.avail_out = sizeof out;
    g_assert_cmpint(deflate(&z, Z_FINISH), ==, Z_STREAM_END);
    uLongf n = sizeof out;
    guint8 ref[70000];
    g_assert_cmpint(compress2(ref, &n, data, 50000, 9), ==, Z_OK);
    g_assert_cmpmem(out, z.total_out, ref, n);
    g_assert_cmpint(deflateEnd(&z), ==, Z_OK);
    // A default one asked for a sync flush: refused.
    z_stream y = {0};
    g_assert_cmpint(deflateInit(&y, Z_DEFAULT_COMPRESSION), ==, Z_OK);
    y.next_in = data;
    y.avail_in = 100;
    y.next_out = out;
    y.avail_out = sizeof out;
    g_assert_cmpint(deflate(&y, Z_SYNC_FLUSH), ==, Z_STREAM_ERROR);
    // Ended before its end was handed out: zlib's answer.
    g_assert_cmpint(deflateEnd(&y), ==, Z_DATA_ERROR);
    sc_deflate_end();
}

static cairo_status_t
append(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

// A PDF of one line of text cairo writes, finished inside or not.
static GBytes *
cairo_pdf(gboolean inside)
{
    GByteArray *pdf = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(append, pdf, 300, 200);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2026-12-01T00:00:00Z");
    cairo_t *cr = cairo_create(s);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 20);
    cairo_move_to(cr, 20, 100);
    cairo_show_text(cr, "Flate by libdeflate");
    cairo_destroy(cr);
    if (inside)
        sc_deflate_begin();
    cairo_surface_finish(s);
    if (inside)
        sc_deflate_end();
    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return g_byte_array_free_to_bytes(pdf);
}

// The text of PDF's first page, as poppler reads it.
static char *
pdf_text(GBytes *pdf)
{
    GError *error = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(pdf, NULL, &error);
    g_assert_no_error(error);
    PopplerPage *page = poppler_document_get_page(doc, 0);
    char *text = poppler_page_get_text(page);
    g_object_unref(page);
    g_object_unref(doc);
    return g_strstrip(text);
}

// A PDF cairo writes inside: other bytes (its font subset and content stream libdeflate's), the
// same text read back by poppler.
static void
test_cairo_pdf(void)
{
    g_autoptr(GBytes) zlib = cairo_pdf(FALSE);
    g_autoptr(GBytes) fast = cairo_pdf(TRUE);
    g_assert_false(g_bytes_equal(zlib, fast));
    g_autofree char *a = pdf_text(zlib);
    g_autofree char *b = pdf_text(fast);
    g_assert_cmpstr(a, ==, "Flate by libdeflate");
    g_assert_cmpstr(b, ==, a);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/deflate/round-trip", test_round_trip);
    g_test_add_func("/deflate/scope", test_scope);
    g_test_add_func("/deflate/cairo-pdf", test_cairo_pdf);
    return g_test_run();
}
