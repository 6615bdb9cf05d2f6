// test-deflate.c - cairo's Flate streams compressed by libdeflate (deflate.h; issue 15): the
// streams begun inside sc_deflate_begin() are zlib streams any reader inflates to the bytes given,
// handed out however little room each call has; every other stream is zlib's, byte for byte.
#include "deflate.h"
#include "testutil.h"

#include <cairo-pdf.h>
#include <libdeflate.h>
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

// libdeflate's zlib stream of DATA (LEN bytes) at the level inside uses for it.
static GByteArray *
libdeflate_own(const guint8 *data, gsize len)
{
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    gsize bound = libdeflate_zlib_compress_bound(c, len);
    GByteArray *out = g_byte_array_sized_new((guint)bound);
    g_byte_array_set_size(out, (guint)bound);
    g_byte_array_set_size(out, (guint)libdeflate_zlib_compress(c, data, len, out->data, bound));
    libdeflate_free_compressor(c);
    g_assert_cmpuint(out->len, >, 0);
    return out;
}

// A small stream made again comes out as libdeflate's own bytes for it (copied from the first
// time); one that differs from a kept one in a byte, or in length, is its own; a kept one still
// comes out right after others have pushed older ones out.
static void
test_repeat(void)
{
    uLong adler;
    g_autofree guint8 *data = sample(5000);
    g_autoptr(GByteArray) own = libdeflate_own(data, 5000);
    sc_deflate_begin();
    g_autoptr(GByteArray) first = compress_as_cairo(data, 5000, 16384, 16384, &adler);
    g_autoptr(GByteArray) again = compress_as_cairo(data, 5000, 1000, 1, &adler);
    g_assert_cmpmem(first->data, first->len, own->data, own->len);
    g_assert_cmpmem(again->data, again->len, own->data, own->len);
    g_autofree guint8 *other = g_memdup2(data, 5000);
    other[4321] ^= 0x20;
    g_autoptr(GByteArray) changed = compress_as_cairo(other, 5000, 16384, 16384, &adler);
    g_autoptr(GByteArray) changed_own = libdeflate_own(other, 5000);
    g_assert_cmpmem(changed->data, changed->len, changed_own->data, changed_own->len);
    assert_inflates_to(changed, other, 5000);
    g_autoptr(GByteArray) shorter = compress_as_cairo(data, 4999, 16384, 16384, &adler);
    assert_inflates_to(shorter, data, 4999);
    for (guint i = 0; i < 40; i++) { // more than are kept
        g_autofree guint8 *d = sample(1000 + i);
        g_autoptr(GByteArray) made = compress_as_cairo(d, 1000 + i, 16384, 16384, &adler);
        assert_inflates_to(made, d, 1000 + i);
    }
    g_autoptr(GByteArray) late = compress_as_cairo(data, 5000, 16384, 16384, &adler);
    g_assert_cmpmem(late->data, late->len, own->data, own->len);
    sc_deflate_end();
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

// A font subset's worth (27,000 bytes): a 108-byte head of HEAD, the sample's bytes from 108 to
// 20,108 (the same in every one), then a tail of its own from SEED.
static guint8 *
subset_like(guint8 head, guint32 seed)
{
    guint8 *d = sample(27000);
    memset(d, head, 108);
    for (gsize i = 20108; i < 27000; i++) {
        seed = seed * 1103515245 + 12345;
        d[i] = i % 7 == 0 ? (guint8)(seed >> 16) : d[i - 5000];
    }
    return d;
}

// DATA compressed inside, using SHARE (NULL: none) on this thread.
static GByteArray *
compress_shared(sc_deflate_share *share, const guint8 *data, gsize len)
{
    uLong adler;
    sc_deflate_share_use(share);
    sc_deflate_begin();
    GByteArray *out = compress_as_cairo(data, len, 16384, 4096, &adler);
    sc_deflate_end();
    sc_deflate_share_use(NULL);
    g_assert_cmpuint(adler, ==, adler32(adler32(0, NULL, 0), data, (uInt)len));
    assert_inflates_to(out, data, len);
    return out;
}

typedef struct {
    sc_deflate_share *share;
    const guint8 *data;
    GByteArray *out;
    gint finished;
} shared_job;

static gpointer
compress_job(gpointer p)
{
    shared_job *j = p;
    j->out = compress_shared(j->share, j->data, 27000);
    g_atomic_int_set(&j->finished, 1);
    return NULL;
}

// Whether OUT is in three parts: a stored block of DATA's first HEAD bytes after zlib's header.
static gboolean
three_parts(const GByteArray *out, const guint8 *data, gsize head)
{
    return out->len > 7 + head && out->data[2] == 0x00 && out->data[3] == (guint8)head &&
           out->data[4] == (guint8)(head >> 8) && out->data[5] == (guint8)~head &&
           memcmp(out->data + 7, data, head) == 0;
}

// A share (deflate.h): a stream that repeats a long run of the reference's at the same place is
// made with the run's blocks compressed once (its head stored, the run, the rest), a zlib stream
// that inflates to its bytes; threads wait for the reference; the bytes depend only on the
// stream and the reference, not on the thread, the order or what was compressed before.
static void
test_share(void)
{
    g_autofree guint8 *ref = subset_like('A', 1);
    g_autofree guint8 *data = subset_like('B', 2);
    g_autoptr(GByteArray) plain = compress_shared(NULL, data, 27000);
    sc_deflate_share *share = sc_deflate_share_new();
    // A thread using the share waits until the reference is complete.
    shared_job early = {.share = share, .data = data};
    GThread *t = g_thread_new("early", compress_job, &early);
    g_usleep(100 * 1000);
    g_assert_cmpint(g_atomic_int_get(&early.finished), ==, 0);
    sc_deflate_share_record(share);
    sc_deflate_begin();
    uLong adler;
    g_autoptr(GByteArray) ref_out = compress_as_cairo(ref, 27000, 16384, 16384, &adler);
    sc_deflate_end();
    sc_deflate_share_done(share);
    g_thread_join(t);
    g_assert_cmpint(g_atomic_int_get(&early.finished), ==, 1);
    assert_inflates_to(ref_out, ref, 27000);
    // The stream: three parts, the run compressed (to less than half: the head and the rest
    // stored would leave it no more).
    g_assert_true(three_parts(early.out, data, 108));
    g_assert_false(three_parts(plain, data, 108));
    g_assert_cmpuint(early.out->len, <, 7 + 108 + 20000 / 2 + (27000 - 20108) + 4);
    // The same bytes again, on this thread, and from a new share with the same reference.
    g_autoptr(GByteArray) again = compress_shared(share, data, 27000);
    g_assert_cmpmem(again->data, again->len, early.out->data, early.out->len);
    sc_deflate_share *other = sc_deflate_share_new();
    sc_deflate_share_record(other);
    sc_deflate_begin();
    g_autoptr(GByteArray) ref_again = compress_as_cairo(ref, 27000, 16384, 16384, &adler);
    sc_deflate_end();
    sc_deflate_share_done(other);
    g_autoptr(GByteArray) fresh = compress_shared(other, data, 27000);
    g_assert_cmpmem(fresh->data, fresh->len, early.out->data, early.out->len);
    g_byte_array_unref(early.out);
    // The run one byte later than the reference's: no run at its place, libdeflate's bytes.
    g_autofree guint8 *shifted = g_malloc(27000);
    shifted[0] = 'C';
    memcpy(shifted + 1, data, 26999);
    g_autoptr(GByteArray) alone = compress_shared(NULL, shifted, 27000);
    g_autoptr(GByteArray) moved = compress_shared(share, shifted, 27000);
    g_assert_cmpmem(moved->data, moved->len, alone->data, alone->len);
    sc_deflate_share_free(share);
    sc_deflate_share_free(other);
    // A share whose reference never came: libdeflate's bytes, without waiting.
    sc_deflate_share *none = sc_deflate_share_new();
    sc_deflate_share_done(none);
    g_autoptr(GByteArray) unshared = compress_shared(none, data, 27000);
    g_assert_cmpmem(unshared->data, unshared->len, plain->data, plain->len);
    sc_deflate_share_free(none);
}

// A PDF of one line of text cairo writes, finished inside or not.
static GBytes *
cairo_pdf(gboolean inside)
{
    GByteArray *pdf = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sc_test_append, pdf, 300, 200);
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
    g_test_add_func("/deflate/repeat", test_repeat);
    g_test_add_func("/deflate/cairo-pdf", test_cairo_pdf);
    g_test_add_func("/deflate/share", test_share);
    return g_test_run();
}
