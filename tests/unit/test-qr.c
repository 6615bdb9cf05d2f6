// test-qr.c - the libqrencode encoder (SPEC §2's QR symbol): the symbol's fixed structure and
// capacities as ISO/IEC 18004 gives them, errors at our edge, and the text decoded back from a
// raster by zbarimg (STYLE.md: tests decode what they encode).
#include "qr.h"
#include "testutil.h"

#include <cairo.h>
#include <qrencode.h>
#include <glib/gstdio.h>
#include <string.h>

// The module at ROW, COL: 1 dark, 0 light.
static int
module(const sc_code_matrix *m, int row, int col)
{
    g_assert_cmpint(row, >=, 0);
    g_assert_cmpint(col, >=, 0);
    g_assert_cmpint(row, <, m->width);
    g_assert_cmpint(col, <, m->width);
    return m->modules[(gsize)row * m->width + col];
}

// Encode TEXT at EC, asserting success.
static void
encode_ok(const char *text, char ec, sc_code_matrix *m)
{
    GError *error = NULL;
    const sc_code_encoder *enc = sc_qr_encoder();
    memset(m, 0, sizeof *m);
    g_assert_true(enc->encode(enc->ctx, text, ec, m, &error));
    g_assert_no_error(error);
    g_assert_nonnull(m->modules);
}

// A string of N bytes of 'a'.  Caller frees.
static char *
repeat_a(gsize n)
{
    char *s = g_malloc(n + 1);
    memset(s, 'a', n);
    s[n] = '\0';
    return s;
}

// The version of a symbol WIDTH modules wide (ISO 18004 6.3.1: 21 + 4 (V - 1)), or 0.
static int
version_of(int width)
{
    if (width < 21 || width > 177 || (width - 21) % 4 != 0)
        return 0;
    return (width - 21) / 4 + 1;
}

// The 7 × 7 finder pattern with its top-left module at ROW, COL (ISO 18004 6.3.3: dark 7 × 7
// ring, light 5 × 5 ring, dark 3 × 3 core), and its light separator on the sides facing the
// symbol (6.3.4).
static void
assert_finder(const sc_code_matrix *m, int row, int col)
{
    for (int r = 0; r < 7; r++)
        for (int c = 0; c < 7; c++) {
            int ring = MAX(MAX(3 - r, r - 3), MAX(3 - c, c - 3)); // 3 outer, 2, then 0–1 core
            int want = ring == 2 ? 0 : 1;
            if (module(m, row + r, col + c) != want)
                g_error("finder at (%d,%d): module (%d,%d) is %d, expected %d", row, col, r, c,
                        !want, want);
        }
    // Separator: the row and column of light modules between the finder and the symbol.
    int sep_row = row == 0 ? 7 : row - 1;
    int sep_col = col == 0 ? 7 : col - 1;
    for (int i = 0; i < 8; i++) {
        int c = col == 0 ? i : col - 1 + i;
        int r = row == 0 ? i : row - 1 + i;
        g_assert_cmpint(module(m, sep_row, c), ==, 0);
        g_assert_cmpint(module(m, r, sep_col), ==, 0);
    }
}

static void
test_width_is_a_version(void)
{
    const char *texts[] = {
        "A",
        "证书编号：S000044011001264000001",
        "https://jndj.osta.org.cn/?certno=S000044011001264000001&name=%E5%BC%A0",
    };
    const char levels[] = "LMQH";
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
        for (int l = 0; l < 4; l++) {
            sc_code_matrix m;
            encode_ok(texts[i], levels[l], &m);
            g_assert_cmpint(version_of(m.width), >, 0);
            for (int k = 0; k < m.width * m.width; k++)
                g_assert_true(m.modules[k] == 0 || m.modules[k] == 1);
            sc_code_matrix_clear(&m);
        }
}

static void
test_finder_patterns(void)
{
    sc_code_matrix m;
    encode_ok("证书编号：S000044011001264000001", 'M', &m);
    int w = m.width;
    assert_finder(&m, 0, 0);
    assert_finder(&m, 0, w - 7);
    assert_finder(&m, w - 7, 0);
    // No finder at the fourth corner: the 7 × 7 block there is not the pattern (the core would
    // have to be dark and its ring light; ISO 18004 puts data or an alignment pattern there).
    gboolean is_finder = TRUE;
    for (int r = 0; r < 7 && is_finder; r++)
        for (int c = 0; c < 7 && is_finder; c++) {
            int ring = MAX(MAX(3 - r, r - 3), MAX(3 - c, c - 3));
            is_finder = module(&m, w - 7 + r, w - 7 + c) == (ring == 2 ? 0 : 1);
        }
    g_assert_false(is_finder);
    sc_code_matrix_clear(&m);
}

// Timing patterns (ISO 18004 6.3.5): row 6 and column 6 alternate between the separators,
// starting and ending dark; and the dark module at (4V + 9, 8) (6.9 figure 25).
static void
test_timing_and_dark_module(void)
{
    char *text = repeat_a(100);
    sc_code_matrix m;
    encode_ok(text, 'Q', &m);
    int w = m.width;
    for (int i = 8; i <= w - 9; i++) {
        g_assert_cmpint(module(&m, 6, i), ==, i % 2 == 0);
        g_assert_cmpint(module(&m, i, 6), ==, i % 2 == 0);
    }
    g_assert_cmpint(module(&m, 4 * version_of(w) + 9, 8), ==, 1);
    sc_code_matrix_clear(&m);
    g_free(text);
}

// The format information's BCH(15,5) code word for DATA (5 bits), masked (ISO 18004 7.9.1).
static int
format_word(int data)
{
    int v = data << 10;
    for (int i = 14; i >= 10; i--)
        if (v & (1 << i))
            v ^= 0x537 << (i - 10);
    return ((data << 10) | v) ^ 0x5412;
}

// Read the two copies of the 15-bit format information (ISO 18004 7.9.1 figure 25): bit 0 at
// (0, 8) … bit 5 at (5, 8), bit 6 at (7, 8), bit 7 at (8, 8), bit 8 at (8, 7), bits 9–14 at
// (8, 5) … (8, 0); and the copy: bits 0–7 at (8, w-1) … (8, w-8), bits 8–14 at (w-7, 8) …
// (w-1, 8).
static void
read_format(const sc_code_matrix *m, int *first, int *second)
{
    int w = m->width, a = 0, b = 0;
    for (int i = 0; i < 15; i++) {
        int r, c;
        if (i < 6)
            r = i, c = 8;
        else if (i < 8)
            r = i + 1, c = 8;
        else if (i == 8)
            r = 8, c = 7;
        else
            r = 8, c = 14 - i;
        a |= module(m, r, c) << i;
        if (i < 8)
            r = 8, c = w - 1 - i;
        else
            r = w - 15 + i, c = 8;
        b |= module(m, r, c) << i;
    }
    *first = a;
    *second = b;
}

// The error correction level asked for is the one the symbol declares (format information's
// two high data bits: L 01, M 00, Q 11, H 10; ISO 18004 table 12).
static void
test_format_information(void)
{
    const struct {
        char ec;
        int bits;
    } levels[] = {{'L', 1}, {'M', 0}, {'Q', 3}, {'H', 2}};
    for (guint i = 0; i < G_N_ELEMENTS(levels); i++) {
        sc_code_matrix m;
        encode_ok("S000044011001264000001", levels[i].ec, &m);
        int first, second;
        read_format(&m, &first, &second);
        g_assert_cmpint(first, ==, second);
        int found = -1;
        for (int data = 0; data < 32; data++)
            if (format_word(data) == first)
                found = data;
        g_assert_cmpint(found, >=, 0); // a valid BCH code word
        g_assert_cmpint(found >> 3, ==, levels[i].bits);
        sc_code_matrix_clear(&m);
    }
}

// Byte-mode capacities (ISO 18004 table 7): the smallest version that holds the data is used,
// and one byte more needs the next version; version 40 is the end.
static void
test_capacity_limits(void)
{
    const struct {
        gsize bytes;
        char ec;
        int version;
    } cases[] = {
        {1, 'L', 1},     {17, 'L', 1},    {18, 'L', 2},    {32, 'L', 2},    {33, 'L', 3},
        {14, 'M', 1},    {15, 'M', 2},    {26, 'M', 2},    {27, 'M', 3},    {11, 'Q', 1},
        {12, 'Q', 2},    {7, 'H', 1},     {8, 'H', 2},     {14, 'H', 2},    {15, 'H', 3},
        {2953, 'L', 40}, {2331, 'M', 40}, {1663, 'Q', 40}, {1273, 'H', 40},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = repeat_a(cases[i].bytes);
        sc_code_matrix m;
        encode_ok(text, cases[i].ec, &m);
        if (version_of(m.width) != cases[i].version)
            g_error("%zu bytes at %c: version %d, expected %d", cases[i].bytes, cases[i].ec,
                    version_of(m.width), cases[i].version);
        sc_code_matrix_clear(&m);
        g_free(text);
    }
}

// One byte over version 40's capacity, and far over it: SC_ERROR_INPUT saying "too long".
static void
test_too_long(void)
{
    const struct {
        gsize bytes;
        char ec;
    } cases[] = {
        {2954, 'L'}, {2332, 'M'}, {1664, 'Q'}, {1274, 'H'}, {8000, 'H'},
    };
    const sc_code_encoder *enc = sc_qr_encoder();
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = repeat_a(cases[i].bytes);
        sc_code_matrix m = {0, NULL};
        GError *error = NULL;
        g_assert_false(enc->encode(enc->ctx, text, cases[i].ec, &m, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_assert_nonnull(strstr(error->message, "too long"));
        g_assert_null(m.modules);
        g_clear_error(&error);
        g_free(text);
    }
}

// More error correction never makes the symbol smaller, and for a long text H needs a bigger
// version than L (200 bytes: version 9 at L, 15 at H; ISO 18004 table 7).
static void
test_ec_levels_order(void)
{
    char *text = repeat_a(200);
    const char levels[] = "LMQH";
    int widths[4];
    for (int l = 0; l < 4; l++) {
        sc_code_matrix m;
        encode_ok(text, levels[l], &m);
        widths[l] = m.width;
        sc_code_matrix_clear(&m);
    }
    g_assert_cmpint(widths[0], <=, widths[1]);
    g_assert_cmpint(widths[1], <=, widths[2]);
    g_assert_cmpint(widths[2], <=, widths[3]);
    g_assert_cmpint(version_of(widths[0]), ==, 9);
    g_assert_cmpint(version_of(widths[3]), ==, 15);
    g_free(text);
}

static void
test_bad_input(void)
{
    const sc_code_encoder *enc = sc_qr_encoder();
    sc_code_matrix m = {0, NULL};
    GError *error = NULL;

    g_assert_false(enc->encode(enc->ctx, "", 'M', &m, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "empty"));
    g_assert_null(m.modules);
    g_clear_error(&error);

    const char bad[] = {'X', 'l', '0', ' '};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(enc->encode(enc->ctx, "S000044011001264000001", bad[i], &m, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_assert_null(m.modules);
        g_clear_error(&error);
    }
}

static void
test_deterministic_and_clear(void)
{
    sc_code_matrix a, b;
    encode_ok("证书编号：S000044011001264000001", 'M', &a);
    encode_ok("证书编号：S000044011001264000001", 'M', &b);
    g_assert_cmpint(a.width, ==, b.width);
    g_assert_cmpmem(a.modules, (gsize)a.width * a.width, b.modules, (gsize)b.width * b.width);
    // 37 bytes at M: version 3 (26 < 37 <= 42).
    g_assert_cmpint(version_of(a.width), ==, 3);
    sc_code_matrix_clear(&a);
    g_assert_null(a.modules);
    g_assert_cmpint(a.width, ==, 0);
    sc_code_matrix_clear(&a); // twice: harmless
    sc_code_matrix_clear(NULL);
    sc_code_matrix_clear(&b);
}

// M is REF, libqrencode's symbol, module for module.
static void
assert_same_symbol(const sc_code_matrix *m, const QRcode *ref)
{
    g_assert_cmpint(m->width, ==, ref->width);
    for (int i = 0; i < ref->width * ref->width; i++)
        g_assert_cmpint(m->modules[i], ==, ref->data[i] & 1);
}

// The mask (qr.c): the symbols are libqrencode's own, module for module, whatever the version,
// level and mode: the mask chosen by penalty points as libqrencode's Mask_mask() chooses it.
// Texts of random bytes (8-bit mode) and of digits, letters and text (mixed modes), from one byte
// to a version 40 symbol.
static void
test_mask_as_libqrencode(void)
{
    static const char levels[] = "LMQH";
    static const QRecLevel qr_levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};
    GRand *rand = g_rand_new_with_seed(18004);
    const sc_code_encoder *enc = sc_qr_encoder();
    guint masks_seen = 0, symbols = 0;
    for (gsize len = 1; len <= 1270; len += len < 40 ? 1 : len / 8) {
        for (int l = 0; l < 4; l++) {
            // 8-bit data: any byte but NUL (the encoder takes text).
            g_autofree char *bytes = g_malloc(len + 1);
            for (gsize i = 0; i < len; i++)
                bytes[i] = (char)g_rand_int_range(rand, 1, 256);
            bytes[len] = '\0';
            QRcode *ref =
                QRcode_encodeData((int)len, (const unsigned char *)bytes, 0, qr_levels[l]);
            GError *error = NULL;
            sc_code_matrix m = {0};
            gboolean ok = enc->encode(enc->ctx, bytes, levels[l], &m, &error);
            g_assert_cmpint(ok, ==, ref != NULL);
            if (ref != NULL) {
                assert_same_symbol(&m, ref);
                // The mask, as the format information tells it (row 8, columns 2 … 4: its
                // bits XORed with 101).
                int mask = ((ref->data[8 * ref->width + 2] & 1) << 2 |
                            (ref->data[8 * ref->width + 3] & 1) << 1 |
                            (ref->data[8 * ref->width + 4] & 1)) ^
                           5;
                masks_seen |= 1u << mask;
                symbols++;
                QRcode_free(ref);
            } else {
                g_clear_error(&error);
            }
            sc_code_matrix_clear(&m);
            // Mixed modes: digits, upper-case letters and text in runs.
            g_autoptr(GString) mixed = g_string_new(NULL);
            while (mixed->len < len) {
                int kind = g_rand_int_range(rand, 0, 3), n = g_rand_int_range(rand, 1, 12);
                for (int i = 0; i < n; i++)
                    g_string_append_c(mixed, kind == 0 ? (char)('0' + g_rand_int_range(rand, 0, 10))
                                             : kind == 1
                                                 ? (char)('A' + g_rand_int_range(rand, 0, 26))
                                                 : "证书 http://x.cn/?a=b&"[i % 10]);
            }
            ref = QRcode_encodeString(mixed->str, 0, qr_levels[l], QR_MODE_8, 1);
            ok = sc_qr_encode_mixed(mixed->str, levels[l], 40, &m, &error);
            g_assert_cmpint(ok, ==, ref != NULL);
            if (ref != NULL) {
                assert_same_symbol(&m, ref);
                QRcode_free(ref);
            } else {
                g_clear_error(&error);
            }
            sc_code_matrix_clear(&m);
        }
    }
    // Every mask was chosen somewhere, every version up to 40 made.
    g_assert_cmpuint(masks_seen, ==, 0xff);
    g_assert_cmpuint(symbols, >, 200);
    g_rand_free(rand);
}

// Write M to PATH as a PNG: 10 px per module, a 4-module white quiet zone.
static void
write_png(const sc_code_matrix *m, const char *path)
{
    const int px = 10, quiet = 4, side = (m->width + 2 * quiet) * px;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < m->width; r++)
        for (int c = 0; c < m->width; c++)
            if (module(m, r, c))
                cairo_rectangle(cr, (quiet + c) * px, (quiet + r) * px, px, px);
    cairo_fill(cr);
    cairo_destroy(cr);
    g_assert_cmpint(cairo_surface_write_to_png(s, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

static void
test_round_trip(void)
{
    g_autofree char *zbarimg = g_find_program_in_path("zbarimg");
    if (zbarimg == NULL) {
        g_test_skip("zbarimg is not installed");
        return;
    }
    GError *error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sc-qr-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *png = g_build_filename(dir, "code.png", NULL);

    const struct {
        const char *text;
        char ec;
    } cases[] = {
        {"S000044011001264000001", 'L'},
        {"证书编号：S000044011001264000001", 'M'},
        {"姓名：张三\n证件号码：11010519491231002X\n证书编号：S000044011001264000001", 'Q'},
        {"http://jndj.osta.org.cn/?certno=S000044011001264000001&id=11010519491231002X", 'H'},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        sc_code_matrix m;
        encode_ok(cases[i].text, cases[i].ec, &m);
        write_png(&m, png);
        sc_code_matrix_clear(&m);

        char *argv[] = {zbarimg, "--raw", "-q", png, NULL};
        char *out = NULL, *err = NULL;
        int status = 0;
        g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                   &status, &error));
        g_assert_no_error(error);
        if (!g_spawn_check_wait_status(status, NULL))
            g_error("zbarimg failed on case %u: %s", i, err);
        // zbarimg ends each symbol's data with a newline.
        g_assert_true(g_str_has_suffix(out, "\n"));
        out[strlen(out) - 1] = '\0';
        g_assert_cmpstr(out, ==, cases[i].text);
        g_free(out);
        g_free(err);
    }
    g_unlink(png);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/qr/width-is-a-version", test_width_is_a_version);
    g_test_add_func("/qr/finder-patterns", test_finder_patterns);
    g_test_add_func("/qr/timing-and-dark-module", test_timing_and_dark_module);
    g_test_add_func("/qr/format-information", test_format_information);
    g_test_add_func("/qr/capacity-limits", test_capacity_limits);
    g_test_add_func("/qr/too-long", test_too_long);
    g_test_add_func("/qr/ec-levels-order", test_ec_levels_order);
    g_test_add_func("/qr/bad-input", test_bad_input);
    g_test_add_func("/qr/deterministic-and-clear", test_deterministic_and_clear);
    g_test_add_func("/qr/round-trip", test_round_trip);
    g_test_add_func("/qr/mask-as-libqrencode", test_mask_as_libqrencode);
    return g_test_run();
}
