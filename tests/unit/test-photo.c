// test-photo.c - finding a record's photo inside its folder (SPEC §4 照片), probing PNG and JPEG
// by content, the decompression-bomb limits of photo.h, and loading for PDF (JPEG passed through)
// and raster output (pixels decoded, premultiplied as cairo wants).
#include "photo.h"
#include "testfiles.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <png.h>
#include <string.h>
#include <unistd.h>

// A temporary tree: ROOT/photos is the photo folder, ROOT itself is "outside" it.
typedef struct {
    char *root;
    char *dir;
} fixture;

// S from sc_photo_load() stands for a W × H image (a carrier for PDF output, or the pixels).
static void
assert_size(cairo_surface_t *s, double w, double h)
{
    double got_w, got_h;
    sc_photo_get_size(s, &got_w, &got_h);
    g_assert_cmpfloat(got_w, ==, w);
    g_assert_cmpfloat(got_h, ==, h);
}

static void
fixture_set_up(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    f->root = g_dir_make_tmp("sc-photo-XXXXXX", &error);
    g_assert_no_error(error);
    f->dir = g_build_filename(f->root, "photos", NULL);
    g_assert_cmpint(g_mkdir(f->dir, 0755), ==, 0);
}

static void
fixture_tear_down(fixture *f, gconstpointer data)
{
    (void)data;
    sc_test_remove_tree(f->root);
    g_free(f->root);
    g_free(f->dir);
}

// Write LEN bytes of DATA to DIR/NAME (intermediate folders made).  Returns the path; caller
// frees.
static char *
put(const char *dir, const char *name, const void *data, gsize len)
{
    char *path = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(parent, 0755), ==, 0);
    g_free(parent);
    GError *error = NULL;
    g_assert_true(g_file_set_contents(path, data, (gssize)len, &error));
    g_assert_no_error(error);
    return path;
}

static void
touch(const char *dir, const char *name)
{
    g_free(put(dir, name, "x", 1));
}

// sc_photo_find must fail with SC_ERROR_PHOTO and a message containing WANT.
static void
assert_find_fails(const char *dir, const char *value, const char *id, const char *want)
{
    GError *error = NULL;
    char *path = sc_photo_find(dir, value, id, &error);
    if (path != NULL)
        g_error("value '%s', id '%s': found %s, expected a refusal", value, id, path);
    g_assert_error(error, SC_ERROR, SC_ERROR_PHOTO);
    if (strstr(error->message, want) == NULL)
        g_error("value '%s', id '%s': message \"%s\" lacks \"%s\"", value, id, error->message,
                want);
    g_error_free(error);
}

// sc_photo_find must return DIR/WANT.
static void
assert_find(const char *dir, const char *value, const char *id, const char *want)
{
    GError *error = NULL;
    char *path = sc_photo_find(dir, value, id, &error);
    g_assert_no_error(error);
    char *expected = g_build_filename(dir, want, NULL);
    g_assert_cmpstr(path, ==, expected);
    g_free(expected);
    g_free(path);
}

// --- sc_photo_find ----------------------------------------------------------------------------

static void
test_find_value(fixture *f, gconstpointer data)
{
    (void)data;
    touch(f->dir, "2024/张三.jpg");
    touch(f->dir, "a..b.jpg");
    assert_find(f->dir, "2024/张三.jpg", "11010519491231002X", "2024/张三.jpg");
    // Dots inside a name are not "..".
    assert_find(f->dir, "a..b.jpg", NULL, "a..b.jpg");
    // The 照片 cell wins over <证件号码>.jpg.
    touch(f->dir, "11010519491231002X.jpg");
    assert_find(f->dir, "a..b.jpg", "11010519491231002X", "a..b.jpg");
    // A value naming a missing file is an error naming it, not a fall back to the id.
    assert_find_fails(f->dir, "2024/李四.jpg", "11010519491231002X", "2024/李四.jpg");
    // A folder is not a photo.
    assert_find_fails(f->dir, "2024", NULL, "2024");
}

static void
test_find_refuses_leaving(fixture *f, gconstpointer data)
{
    (void)data;
    touch(f->root, "x.jpg"); // exists outside, so only the rule can refuse it
    touch(f->dir, "a/in.jpg");
    char *abs_inside = g_build_filename(f->dir, "a/in.jpg", NULL);
    char *abs_outside = g_build_filename(f->root, "x.jpg", NULL);
    assert_find_fails(f->dir, abs_inside, NULL, "leaves");
    assert_find_fails(f->dir, abs_outside, NULL, "leaves");
    assert_find_fails(f->dir, "../x.jpg", NULL, "leaves");
    assert_find_fails(f->dir, "a/../../x.jpg", NULL, "leaves");
    assert_find_fails(f->dir, "..", NULL, "leaves");
    g_free(abs_inside);
    g_free(abs_outside);
}

static void
test_find_refuses_links_out(fixture *f, gconstpointer data)
{
    (void)data;
    touch(f->root, "secret.jpg");
    touch(f->root, "elsewhere/b.jpg");
    touch(f->dir, "real.jpg");
    char *out = g_build_filename(f->root, "secret.jpg", NULL);
    char *link = g_build_filename(f->dir, "link.jpg", NULL);
    g_assert_cmpint(symlink(out, link), ==, 0);
    char *rel_link = g_build_filename(f->dir, "rel.jpg", NULL);
    g_assert_cmpint(symlink("../secret.jpg", rel_link), ==, 0);
    char *out_dir = g_build_filename(f->root, "elsewhere", NULL);
    char *dir_link = g_build_filename(f->dir, "sub", NULL);
    g_assert_cmpint(symlink(out_dir, dir_link), ==, 0);
    char *in_link = g_build_filename(f->dir, "alias.jpg", NULL);
    g_assert_cmpint(symlink("real.jpg", in_link), ==, 0);
    char *id_link = g_build_filename(f->dir, "11010519491231002X.jpg", NULL);
    g_assert_cmpint(symlink(out, id_link), ==, 0);

    assert_find_fails(f->dir, "link.jpg", NULL, "link");
    assert_find_fails(f->dir, "rel.jpg", NULL, "link");
    assert_find_fails(f->dir, "sub/b.jpg", NULL, "link");
    // A link that stays inside is fine.
    assert_find(f->dir, "alias.jpg", NULL, "alias.jpg");
    // The fall back does not follow a link out either.
    assert_find_fails(f->dir, "", "11010519491231002X", "11010519491231002X");

    g_free(out);
    g_free(link);
    g_free(rel_link);
    g_free(out_dir);
    g_free(dir_link);
    g_free(in_link);
    g_free(id_link);
}

static void
test_find_fallback(fixture *f, gconstpointer data)
{
    (void)data;
    const char *names[] = {"11010519491231002X.jpg",  "440106199001010015.jpeg",
                           "44010619900101003X.png",  "110105194912310037.JPG",
                           "110105194912310045.JPEG", "110105194912310053.PNG"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        touch(f->dir, names[i]);
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        char *id = g_strndup(names[i], 18);
        assert_find(f->dir, "", id, names[i]);
        assert_find(f->dir, NULL, id, names[i]);
        g_free(id);
    }
}

static void
test_find_nothing(fixture *f, gconstpointer data)
{
    (void)data;
    touch(f->dir, "11010519491231002X.gif");
    touch(f->dir, "11010519491231002X.jpg.bak");
    touch(f->root, "secret.jpg");
    // What was looked for is named: the id, the extensions and the folder.
    assert_find_fails(f->dir, "", "11010519491231002X", "11010519491231002X.jpg");
    assert_find_fails(f->dir, "", "11010519491231002X", ".png");
    assert_find_fails(f->dir, "", "11010519491231002X", f->dir);
    assert_find_fails(f->dir, NULL, NULL, "照片");
    assert_find_fails(f->dir, "", "", "照片");
    // An id cannot walk out of the folder either.
    assert_find_fails(f->dir, "", "../secret", "secret");
}

// --- Image files made here --------------------------------------------------------------------

// The CRC-32 of PNG chunks (ISO 3309, as the PNG specification's annex D computes it).
static guint32
crc32_png(const guint8 *data, gsize len)
{
    guint32 c = 0xffffffffu;
    for (gsize i = 0; i < len; i++) {
        c ^= data[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffu;
}

static void
put_be32(GByteArray *b, guint32 v)
{
    guint8 x[4] = {v >> 24, v >> 16, v >> 8, v};
    g_byte_array_append(b, x, 4);
}

// Append a chunk of TYPE with LEN bytes of DATA and its CRC.
static void
put_chunk(GByteArray *b, const char *type, const guint8 *data, guint32 len)
{
    put_be32(b, len);
    guint start = b->len;
    g_byte_array_append(b, (const guint8 *)type, 4);
    if (len > 0)
        g_byte_array_append(b, data, len);
    put_be32(b, crc32_png(b->data + start, len + 4));
}

// A PNG that is all header: an RGBA IHDR claiming W × H, an empty IDAT and IEND — a few dozen
// bytes that would decode to W × H × 4 bytes.  Written to DIR/NAME; caller frees the path.
static char *
put_png_header(const char *dir, const char *name, guint32 w, guint32 h)
{
    static const guint8 sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, sig, 8);
    guint8 ihdr[13] = {w >> 24,     w >> 16,    w >> 8, w, h >> 24, h >> 16, h >> 8, h,
                       /*depth*/ 8, /*RGBA*/ 6, 0,      0, 0};
    put_chunk(b, "IHDR", ihdr, 13);
    put_chunk(b, "IDAT", NULL, 0);
    put_chunk(b, "IEND", NULL, 0);
    char *path = put(dir, name, b->data, b->len);
    g_byte_array_unref(b);
    return path;
}

// A W × H PNG written by cairo (opaque blue).  Caller frees the path.
static char *
put_cairo_png(const char *dir, const char *name, int w, int h)
{
    char *path = g_build_filename(dir, name, NULL);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 1);
    cairo_paint(cr);
    cairo_destroy(cr);
    g_assert_cmpint(cairo_surface_write_to_png(s, path), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    return path;
}

// A PNG of exactly these straight (not premultiplied) samples, written by libpng.
static char *
put_libpng(const char *dir, const char *name, guint32 format, int w, int h, const guint8 *pixels)
{
    char *path = g_build_filename(dir, name, NULL);
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = w;
    image.height = h;
    image.format = format;
    g_assert_true(png_image_write_to_file(&image, path, 0, pixels, 0, NULL));
    png_image_free(&image);
    return path;
}

// --- sc_photo_probe ---------------------------------------------------------------------------

static void
assert_probe(const char *path, sc_photo_format format, int w, int h)
{
    sc_photo_info info = {-1, -1, -1, -1};
    GError *error = NULL;
    g_assert_true(sc_photo_probe(path, &info, &error));
    g_assert_no_error(error);
    g_assert_cmpint(info.format, ==, format);
    g_assert_cmpint(info.width, ==, w);
    g_assert_cmpint(info.height, ==, h);
}

static void
assert_probe_fails(const char *path, const char *want)
{
    sc_photo_info info;
    GError *error = NULL;
    g_assert_false(sc_photo_probe(path, &info, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_PHOTO);
    if (strstr(error->message, want) == NULL)
        g_error("%s: message \"%s\" lacks \"%s\"", path, error->message, want);
    g_error_free(error);
}

// As assert_probe_fails(), and the message does not contain NOT (refused for another reason).
static void
assert_probe_fails_not(const char *path, const char *want, const char * not )
{
    sc_photo_info info;
    GError *error = NULL;
    g_assert_false(sc_photo_probe(path, &info, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_PHOTO);
    // (After the file's name: its folder's random name may hold NOT.)
    const char *said = error->message;
    if (g_str_has_prefix(said, path))
        said += strlen(path);
    if (strstr(said, want) == NULL || strstr(said, not ) != NULL)
        g_error("%s: message \"%s\" lacks \"%s\" or has \"%s\"", path, error->message, want, not );
    g_error_free(error);
}

static void
assert_load_fails(const char *path, gboolean decode, const char *want)
{
    GError *error = NULL;
    cairo_surface_t *s = sc_photo_load(path, decode, NULL, &error);
    g_assert_null(s);
    g_assert_error(error, SC_ERROR, SC_ERROR_PHOTO);
    if (strstr(error->message, want) == NULL)
        g_error("%s: message \"%s\" lacks \"%s\"", path, error->message, want);
    g_error_free(error);
}

static void
test_probe_formats(fixture *f, gconstpointer data)
{
    (void)data;
    char *png = put_cairo_png(f->dir, "p.png", 13, 7);
    assert_probe(png, SC_PHOTO_PNG, 13, 7);
    // The name does not decide: a PNG named .jpg is a PNG, a JPEG named .png a JPEG.
    char *png_as_jpg = put_cairo_png(f->dir, "p.jpg", 3, 11);
    assert_probe(png_as_jpg, SC_PHOTO_PNG, 3, 11);
    assert_probe(SC_TEST_DATA("photo/rgb-8x6.jpg"), SC_PHOTO_JPEG, 8, 6);
    assert_probe(SC_TEST_DATA("photo/jpeg-named.png"), SC_PHOTO_JPEG, 8, 6);
    assert_probe(SC_TEST_DATA("photo/gray-7x9.jpg"), SC_PHOTO_JPEG, 7, 9);
    g_free(png);
    g_free(png_as_jpg);
}

static void
test_probe_not_an_image(fixture *f, gconstpointer data)
{
    (void)data;
    assert_probe_fails(SC_TEST_DATA("photo/text.jpg"), "not a PNG or JPEG");
    char *empty = put(f->dir, "empty.png", "", 0);
    assert_probe_fails(empty, "not a PNG or JPEG");
    char *missing = g_build_filename(f->dir, "missing.jpg", NULL);
    assert_probe_fails(missing, "missing.jpg");
    assert_load_fails(missing, TRUE, "missing.jpg");
    // Only the start of a JPEG: libjpeg's error comes back as an error, not an exit.
    static const guint8 soi[] = {0xff, 0xd8, 0xff, 0xe0, 0x00};
    char *stub = put(f->dir, "stub.jpg", soi, sizeof soi);
    assert_probe_fails(stub, "JPEG");
    assert_load_fails(stub, TRUE, "JPEG");
    assert_load_fails(stub, FALSE, "JPEG");
    g_free(empty);
    g_free(missing);
    g_free(stub);
}

static void
test_truncated_png(fixture *f, gconstpointer data)
{
    (void)data;
    // Noise does not compress, so the IDAT is large and cutting it in half leaves a valid header.
    int w = 64, h = 64;
    guint8 *rgba = g_malloc((gsize)w * h * 4);
    guint32 x = 12345;
    for (int i = 0; i < w * h * 4; i++) {
        x = x * 1103515245u + 12345u;
        rgba[i] = x >> 24;
    }
    char *full = put_libpng(f->dir, "full.png", PNG_FORMAT_RGBA, w, h, rgba);
    gsize len;
    char *bytes = sc_test_slurp(full, &len);
    g_assert_cmpuint(len, >, 8000);
    char *cut = put(f->dir, "cut.png", bytes, len / 2);

    // The header alone is intact, but the IDAT stream ends early (issue 10: a truncated photo
    // printed half a face).
    assert_probe_fails(cut, "truncated");
    assert_load_fails(cut, TRUE, "cut.png");
    assert_load_fails(cut, FALSE, "PNG");

    g_free(rgba);
    g_free(full);
    g_free(bytes);
    g_free(cut);
}

// Issue 15: an RGB PNG that goes into a PDF as it is is proved by its CRCs, not decoded; a
// damaged byte or a cut file is still refused (through the decode that follows).
static void
test_passthrough_png(fixture *f, gconstpointer data)
{
    (void)data;
    int w = 64, h = 64;
    guint8 *rgb = g_malloc((gsize)w * h * 3);
    guint32 x = 777;
    for (int i = 0; i < w * h * 3; i++) {
        x = x * 1103515245u + 12345u;
        rgb[i] = x >> 24;
    }
    char *full = put_libpng(f->dir, "rgb.png", PNG_FORMAT_RGB, w, h, rgb);
    sc_photo_info info;
    GError *error = NULL;
    g_assert_true(sc_photo_probe(full, &info, &error));
    g_assert_no_error(error);
    g_assert_cmpint(info.width, ==, w);
    gsize len;
    char *bytes = sc_test_slurp(full, &len);
    char *cut = put(f->dir, "rgb-cut.png", bytes, len / 2);
    assert_probe_fails(cut, "truncated");
    // Probed, then carried for PDF from the bytes the probe read: the stub holds the file's
    // IDAT data as it is (its CRCs not checked again).
    sc_photo_files *files = sc_photo_files_new(1 << 20);
    g_assert_true(sc_photo_probe_in(files, full, &info, &error));
    cairo_surface_t *s = sc_photo_load_in(files, full, FALSE, NULL, &error);
    g_assert_no_error(error);
    const unsigned char *mime;
    unsigned long mime_len;
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    int colors = 0, columns = 0;
    gsize offset = 0;
    g_assert_true(sc_photo_png_stub_parse(mime, mime_len, &colors, &columns, &offset));
    g_assert_cmpint(colors, ==, 3);
    g_assert_cmpint(columns, ==, w);
    g_autoptr(GByteArray) idat = g_byte_array_new(); // the file's IDAT chunks' data
    guint32 n = 0;
    for (gsize at = 8; at + 8 <= len; at += 12 + n) {
        n = (guint32)(guint8)bytes[at] << 24 | (guint32)(guint8)bytes[at + 1] << 16 |
            (guint32)(guint8)bytes[at + 2] << 8 | (guint8)bytes[at + 3];
        if (memcmp(bytes + at + 4, "IDAT", 4) == 0)
            g_byte_array_append(idat, (const guint8 *)bytes + at + 8, n);
    }
    g_assert_cmpuint(idat->len, >, 0);
    g_assert_cmpmem(mime + offset, mime_len - offset, idat->data, idat->len);
    cairo_surface_destroy(s);
    bytes[len / 2] ^= 0x55; // inside the IDAT: its CRC no longer matches
    char *bad = put(f->dir, "rgb-bad.png", bytes, len);
    assert_probe_fails(bad, "PNG");
    // Carried without a probe: its CRCs are checked, and it is not passed through.
    g_assert_null(sc_photo_load_in(files, bad, FALSE, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_PHOTO);
    g_clear_error(&error);
    sc_photo_files_free(files);
    g_free(rgb);
    g_free(full);
    g_free(bytes);
    g_free(cut);
    g_free(bad);
}

// photo.h's limits, from both sides: at most 12000 a side and 40 million pixels, checked from
// the header before any pixel is decoded.
static void
test_size_limits(fixture *f, gconstpointer data)
{
    (void)data;
    const struct {
        guint32 w, h;
        gboolean ok;
    } cases[] = {
        {12000, 1, TRUE},    {12001, 1, FALSE},     {1, 12000, TRUE},
        {1, 12001, FALSE},   {8000, 5000, TRUE},    {8000, 5001, FALSE},
        {6325, 6325, FALSE}, {20000, 20000, FALSE}, {100000, 100000, FALSE},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *path = put_png_header(f->dir, "bomb.png", cases[i].w, cases[i].h);
        if (cases[i].ok) {
            // Not refused for its size; only because a header is no whole image.
            assert_probe_fails_not(path, "truncated", "pixels");
        } else {
            char *size = g_strdup_printf("%u × %u", cases[i].w, cases[i].h);
            assert_probe_fails(path, size);
            // Refused at load too, before a W × H × 4 buffer is asked for.
            assert_load_fails(path, TRUE, size);
            g_free(size);
        }
        g_free(path);
    }
}

// The same limits for a JPEG: its SOF0 header patched to claim 20000 × 20000.
static void
test_jpeg_bomb(fixture *f, gconstpointer data)
{
    (void)data;
    gsize len;
    char *bytes = sc_test_slurp(SC_TEST_DATA("photo/rgb-8x6.jpg"), &len);
    guint8 *b = (guint8 *)bytes;
    gsize sof = 0;
    for (gsize i = 2; i + 9 < len && sof == 0; i++)
        if (b[i] == 0xff && b[i + 1] == 0xc0)
            sof = i;
    g_assert_cmpuint(sof, >, 0);
    g_assert_cmpint(b[sof + 5] << 8 | b[sof + 6], ==, 6); // height
    g_assert_cmpint(b[sof + 7] << 8 | b[sof + 8], ==, 8); // width
    b[sof + 5] = 20000 >> 8;
    b[sof + 6] = 20000 & 0xff;
    b[sof + 7] = 20000 >> 8;
    b[sof + 8] = 20000 & 0xff;
    char *path = put(f->dir, "bomb.jpg", bytes, len);
    assert_probe_fails(path, "20000 × 20000");
    assert_load_fails(path, TRUE, "20000 × 20000");
    assert_load_fails(path, FALSE, "20000 × 20000");
    g_free(bytes);
    g_free(path);
}

// A file over 40 MB is refused whatever it holds (sparse here, so the test stays small); one of
// exactly 40 MB is not.
static void
test_load_too_many_bytes(fixture *f, gconstpointer data)
{
    (void)data;
    char *path = put_png_header(f->dir, "big.png", 10, 10);
    g_assert_cmpint(truncate(path, SC_PHOTO_MAX_BYTES), ==, 0);
    assert_probe_fails_not(path, "PNG", "MB"); // read, then found no whole image
    g_assert_cmpint(truncate(path, SC_PHOTO_MAX_BYTES + 1), ==, 0);
    assert_load_fails(path, TRUE, "MB");
    assert_load_fails(path, FALSE, "MB");
    g_free(path);
}

// The same through sc_photo_probe.  BUG (photo.c read_file): on a file over the limit it
// g_free()s *DATA without clearing it, and sc_photo_probe's g_autofree frees it again — a double
// free.  sc_photo_load is not affected (its DATA is not g_autofree).
static void
test_probe_too_many_bytes(fixture *f, gconstpointer data)
{
    (void)data;
    char *path = put_png_header(f->dir, "big.png", 10, 10);
    g_assert_cmpint(truncate(path, SC_PHOTO_MAX_BYTES + 1), ==, 0);
    assert_probe_fails(path, "MB");
    g_free(path);
}

// An image path that is /dev/zero, a folder or a FIFO (a fixed image path in a template, or a
// seal): refused at once by the probe and by both loads.
static void
test_not_regular(void)
{
    sc_test_hostile h;
    sc_test_hostile_init(&h);
    for (guint i = 0; i < G_N_ELEMENTS(h.paths); i++) {
        assert_probe_fails(h.paths[i], "not a regular file");
        assert_load_fails(h.paths[i], TRUE, "not a regular file");
        assert_load_fails(h.paths[i], FALSE, "not a regular file");
    }
    sc_test_hostile_free(&h);
}

static void
test_cmyk_refused(void)
{
    assert_probe_fails(SC_TEST_DATA("photo/cmyk-5x3.jpg"), "CMYK");
    assert_load_fails(SC_TEST_DATA("photo/cmyk-5x3.jpg"), TRUE, "CMYK");
    assert_load_fails(SC_TEST_DATA("photo/cmyk-5x3.jpg"), FALSE, "CMYK");
}

// --- sc_photo_load ----------------------------------------------------------------------------

static guint32
pixel(cairo_surface_t *s, int x, int y)
{
    cairo_surface_flush(s);
    const unsigned char *p = cairo_image_surface_get_data(s);
    return ((const guint32 *)(p + (gsize)y * cairo_image_surface_get_stride(s)))[x];
}

static void
test_load_jpeg_passthrough(void)
{
    const char *path = SC_TEST_DATA("photo/rgb-8x6.jpg");
    gsize len;
    char *file = sc_test_slurp(path, &len);
    GError *error = NULL;

    cairo_surface_t *s = sc_photo_load(path, FALSE, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(s);
    assert_size(s, 8, 6);
    // For PDF output the surface is one pixel that carries the JPEG (cairo 1.16 scans every pixel
    // of a surface with alpha on each page that draws it).
    g_assert_cmpint(cairo_image_surface_get_width(s), ==, 1);
    g_assert_cmpint(cairo_image_surface_get_height(s), ==, 1);
    const unsigned char *mime;
    unsigned long mime_len;
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    g_assert_cmpmem(mime, mime_len, file, len);
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, &mime, &mime_len);
    g_assert_null(mime);
    cairo_surface_destroy(s);

    s = sc_photo_load(path, FALSE, "seal:/srv/seal.jpg", &error);
    g_assert_no_error(error);
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, &mime, &mime_len);
    g_assert_cmpmem(mime, mime_len, "seal:/srv/seal.jpg", strlen("seal:/srv/seal.jpg"));
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    g_assert_cmpmem(mime, mime_len, file, len);
    cairo_surface_destroy(s);

    // A JPEG under a PNG name is still passed through as a JPEG.
    s = sc_photo_load(SC_TEST_DATA("photo/jpeg-named.png"), FALSE, NULL, &error);
    g_assert_no_error(error);
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    g_assert_cmpmem(mime, mime_len, file, len);
    cairo_surface_destroy(s);
    g_free(file);
}

// |A - B| <= TOL for each of the three colour channels of RGB24 pixel P and (R, G, B).
static void
assert_rgb_near(guint32 p, int r, int g, int b, int tol)
{
    int pr = (p >> 16) & 0xff, pg = (p >> 8) & 0xff, pb = p & 0xff;
    if (ABS(pr - r) > tol || ABS(pg - g) > tol || ABS(pb - b) > tol)
        g_error("pixel %06x, expected about %02x%02x%02x", p & 0xffffff, r, g, b);
}

static void
test_load_jpeg_decoded(void)
{
    GError *error = NULL;
    const char *path = SC_TEST_DATA("photo/rgb-8x6.jpg");
    cairo_surface_t *s = sc_photo_load(path, TRUE, "p1", &error);
    g_assert_no_error(error);
    g_assert_nonnull(s);
    assert_size(s, 8, 6);
    // Decoded pixels, and the file still goes into a PDF as it is.  (Checked first: reading the
    // pixels flushes the surface, and cairo drops mime data on a flush.)
    const unsigned char *mime;
    unsigned long mime_len;
    gsize len;
    char *file = sc_test_slurp(path, &len);
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    g_assert_cmpmem(mime, mime_len, file, len);
    g_free(file);
    // rgb(200,40,30) at quality 95: a few levels of JPEG error at most.
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 8; x++)
            assert_rgb_near(pixel(s, x, y), 200, 40, 30, 6);
    cairo_surface_destroy(s);

    s = sc_photo_load(SC_TEST_DATA("photo/gray-7x9.jpg"), TRUE, NULL, &error);
    g_assert_no_error(error);
    assert_size(s, 7, 9);
    assert_rgb_near(pixel(s, 3, 4), 128, 128, 128, 3);
    cairo_surface_destroy(s);
}

// Straight RGBA samples become cairo's premultiplied ARGB32: each colour times alpha / 255.
static void
test_load_png_pixels(fixture *f, gconstpointer data)
{
    (void)data;
    static const guint8 rgba[] = {
        255, 0,   0,   128, // 50 % red        → a 0x80, r 0x80
        0,   255, 0,   255, // opaque green    → 0xff00ff00
        200, 100, 50,  51,  // 20 % alpha      → a 0x33, r 40, g 20, b 10
        255, 255, 255, 0,   // transparent     → 0
        255, 255, 255, 128, // 50 % white      → 0x80808080
        16,  32,  64,  255, // opaque, exact   → 0xff102040
    };
    static const guint32 want[] = {0x80800000u, 0xff00ff00u, 0x3328140au,
                                   0x00000000u, 0x80808080u, 0xff102040u};
    char *path = put_libpng(f->dir, "px.png", PNG_FORMAT_RGBA, 3, 2, rgba);
    GError *error = NULL;
    cairo_surface_t *s = sc_photo_load(path, TRUE, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(s);
    g_assert_cmpint(cairo_image_surface_get_format(s), ==, CAIRO_FORMAT_ARGB32);
    assert_size(s, 3, 2);
    // A PNG is not a JPEG: no JPEG data to pass through.
    const unsigned char *mime;
    unsigned long mime_len;
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    g_assert_null(mime);
    for (int i = 0; i < 6; i++) {
        guint32 p = pixel(s, i % 3, i / 3);
        if (p != want[i])
            g_error("pixel %d is %08x, expected %08x", i, p, want[i]);
    }
    cairo_surface_destroy(s);

    // DECODE_JPEG says nothing about PNGs: they are decoded either way, and take a unique id.
    s = sc_photo_load(path, FALSE, "seal", &error);
    g_assert_no_error(error);
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, &mime, &mime_len);
    g_assert_cmpmem(mime, mime_len, "seal", 4);
    g_assert_cmphex(pixel(s, 0, 0), ==, want[0]);
    cairo_surface_destroy(s);
    g_free(path);
}

static void
test_load_png_gray(fixture *f, gconstpointer data)
{
    (void)data;
    static const guint8 gray[] = {0x00, 0x40, 0xff, 0x80};
    char *path = put_libpng(f->dir, "gray.png", PNG_FORMAT_GRAY, 2, 2, gray);
    GError *error = NULL;
    cairo_surface_t *s = sc_photo_load(path, TRUE, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmphex(pixel(s, 0, 0), ==, 0xff000000u);
    g_assert_cmphex(pixel(s, 1, 0), ==, 0xff404040u);
    g_assert_cmphex(pixel(s, 0, 1), ==, 0xffffffffu);
    g_assert_cmphex(pixel(s, 1, 1), ==, 0xff808080u);
    cairo_surface_destroy(s);
    g_free(path);
}

// --- issue 10: phone photos, broken copies, transparency, seals ---------------------------------

// EXIF orientation: a portrait photo stored as landscape pixels and tagged 6 or 8 is judged by
// its shown shape (tests/data/photo/make-exif.sh: the shown picture is 280 × 392 for every tag).
static void
test_probe_orientation(void)
{
    for (int o = 1; o <= 8; o++) {
        g_autofree char *name = g_strdup_printf(SC_TEST_DATA("photo/orient-%d.jpg"), o);
        sc_photo_info info = {-1, -1, -1, -1};
        GError *error = NULL;
        g_assert_true(sc_photo_probe(name, &info, &error));
        g_assert_no_error(error);
        g_assert_cmpint(info.orientation, ==, o);
        g_assert_cmpint(info.width, ==, 280);
        g_assert_cmpint(info.height, ==, 392);
        cairo_surface_t *s = sc_photo_load(name, FALSE, NULL, &error);
        g_assert_no_error(error);
        g_assert_cmpint(sc_photo_get_orientation(s), ==, o);
        // The surface keeps the stored pixels: 5–8 are stored landscape.
        double w, h;
        sc_photo_get_size(s, &w, &h);
        g_assert_cmpfloat(w, ==, o >= 5 ? 392 : 280);
        cairo_surface_destroy(s);
    }
}

// The matrix maps the stored picture's corners where EXIF 2.3 says: the stored top-left pixel
// of orientation 6 (turned 90° clockwise to be shown) is shown at the top-right.
static void
test_orientation_matrix(void)
{
    const struct {
        int o;
        double x, y; // where the stored (0, 0) of a 4 × 3 image is shown
    } cases[] = {{1, 0, 0}, {2, 4, 0}, {3, 4, 3}, {4, 0, 3},
                 {5, 0, 0}, {6, 3, 0}, {7, 3, 4}, {8, 0, 4}};
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        cairo_matrix_t m;
        sc_photo_orientation_matrix(cases[i].o, 4, 3, &m);
        double x = 0, y = 0;
        cairo_matrix_transform_point(&m, &x, &y);
        g_assert_cmpfloat(x, ==, cases[i].x);
        g_assert_cmpfloat(y, ==, cases[i].y);
        // The stored far corner lands on the opposite corner of the shown picture.
        double fx = 4, fy = 3;
        cairo_matrix_transform_point(&m, &fx, &fy);
        double sw = cases[i].o >= 5 ? 3 : 4, sh = cases[i].o >= 5 ? 4 : 3;
        g_assert_cmpfloat(fx, ==, sw - cases[i].x);
        g_assert_cmpfloat(fy, ==, sh - cases[i].y);
    }
}

// The first occurrence of the N bytes WHAT in DATA, or NULL.
static const guint8 *
find_bytes(const void *data, gsize len, const void *what, gsize n)
{
    for (gsize i = 0; i + n <= len; i++)
        if (memcmp((const guint8 *)data + i, what, n) == 0)
            return (const guint8 *)data + i;
    return NULL;
}

static gboolean
has_bytes(const unsigned char *data, gsize len, const char *what)
{
    return find_bytes(data, len, what, strlen(what)) != NULL;
}

// SPEC §5: no EXIF or GPS in a certificate.  The JPEG carried into the PDF has no Exif, XMP,
// IPTC or comment, and from its first SOS marker on it is the file byte for byte.
static void
test_load_strips_metadata(void)
{
    const char *path = SC_TEST_DATA("photo/gps.jpg");
    gsize len;
    g_autofree char *file = sc_test_slurp(path, &len);
    g_assert_true(has_bytes((guint8 *)file, len, "Exif"));
    g_assert_true(has_bytes((guint8 *)file, len, "phone comment"));
    GError *error = NULL;
    cairo_surface_t *s = sc_photo_load(path, FALSE, NULL, &error);
    g_assert_no_error(error);
    const unsigned char *mime;
    unsigned long mime_len;
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    for (const char *const *w =
             (const char *const[]){"Exif", "GPS", "PhoneMaker", "http://ns.adobe.com",
                                   "Photoshop 3.0", "phone comment", NULL};
         *w != NULL; w++)
        if (has_bytes(mime, mime_len, *w))
            g_error("'%s' left in the embedded JPEG", *w);
    const guint8 sos[] = {0xff, 0xda};
    const guint8 *a = find_bytes(file, len, sos, 2), *b = find_bytes(mime, mime_len, sos, 2);
    g_assert_nonnull(a);
    g_assert_nonnull(b);
    g_assert_cmpmem(b, mime_len - (b - mime), a, len - (a - (guint8 *)file));
    g_assert_cmpint(sc_photo_get_orientation(s), ==, 6);
    cairo_surface_destroy(s);
}

// APP2 ICC_PROFILE (the colours) stays; an APP2 that is not ICC (FlashPix, MPF) goes.
static void
test_load_keeps_icc(fixture *f, gconstpointer data)
{
    (void)data;
    gsize len;
    g_autofree char *jpeg = sc_test_slurp(SC_TEST_DATA("photo/rgb-8x6.jpg"), &len);
    static const guint8 icc[] = {0xff, 0xe2, 0x00, 0x14, 'I', 'C', 'C', '_', 'P', 'R', 'O',
                                 'F',  'I',  'L',  'E',  0,   1,   1,   'p', 'r', 'o', 'f'};
    static const guint8 mpf[] = {0xff, 0xe2, 0x00, 0x08, 'M', 'P', 'F', 0, 'x', 'y'};
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, (guint8 *)jpeg, 2);
    g_byte_array_append(b, icc, sizeof icc);
    g_byte_array_append(b, mpf, sizeof mpf);
    g_byte_array_append(b, (guint8 *)jpeg + 2, (guint)len - 2);
    g_autofree char *path = put(f->dir, "icc.jpg", b->data, b->len);
    GError *error = NULL;
    cairo_surface_t *s = sc_photo_load(path, FALSE, NULL, &error);
    g_assert_no_error(error);
    const unsigned char *mime;
    unsigned long mime_len;
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    g_assert_cmpuint(mime_len, ==, len + sizeof icc);
    g_assert_cmpmem(mime + 2, sizeof icc, icc, sizeof icc);
    g_assert_false(has_bytes(mime, mime_len, "MPF"));
    cairo_surface_destroy(s);
    g_byte_array_unref(b);
}

// A truncated JPEG (issue 10: printed half a face) and a half-transparent PNG (printed washed
// out) are refused by the probe check uses.
static void
test_probe_broken_photos(fixture *f, gconstpointer data)
{
    (void)data;
    assert_probe_fails(SC_TEST_DATA("photo/truncated.jpg"), "truncated");
    assert_load_fails(SC_TEST_DATA("photo/truncated.jpg"), FALSE, "truncated");
    assert_probe_fails(SC_TEST_DATA("photo/half-transparent.png"), "partly transparent");
    // A cut JPEG with an end marker appended still has its scan cut short: libjpeg's warning.
    gsize len;
    g_autofree char *whole = sc_test_slurp(SC_TEST_DATA("photo/truncated.jpg"), &len);
    whole[len - 2] = (char)0xff;
    whole[len - 1] = (char)0xd9;
    g_autofree char *patched = put(f->dir, "patched.jpg", whole, len);
    assert_probe_fails(patched, "damaged");
    // The same pictures whole are accepted.
    assert_probe(SC_TEST_DATA("photo/orient-1.jpg"), SC_PHOTO_JPEG, 280, 392);
}

// sc_photo_dark_share(): ink too dark to read black text through, over white paper.
static void
test_dark_share(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.8, 0.1, 0.15); // seal red: readable through
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1); // near black: the left half
    cairo_rectangle(cr, 0, 0, 5, 10);
    cairo_fill(cr);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.3); // faint black: over white it is light grey
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_rectangle(cr, 5, 0, 5, 2);
    cairo_fill(cr);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    g_assert_cmpfloat_with_epsilon(sc_photo_dark_share(s), 0.5, 1e-9);
    cairo_surface_destroy(s);
}

// Issue 15: an 8-bit RGB PNG without alpha goes into a PDF as it is.  Loaded for PDF output it
// is not decoded: an empty A8 surface of its size carries a stub whose IDAT data is the file's,
// byte for byte.  With alpha (the RGBA PNG of test_load_png_pixels) it is decoded; a JPEG is
// never taken for a stub.
static void
test_load_png_passthrough(fixture *f, gconstpointer data)
{
    (void)data;
    static const guint8 rgb[] = {10, 20, 30, 40, 50, 60, 70, 80, 90, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    char *path = put_libpng(f->dir, "rgb.png", PNG_FORMAT_RGB, 3, 2, rgb);
    gsize file_len;
    char *file = sc_test_slurp(path, &file_len);
    GError *error = NULL;
    cairo_surface_t *s = sc_photo_load(path, FALSE, "p", &error);
    g_assert_no_error(error);
    g_assert_cmpint(cairo_image_surface_get_format(s), ==, CAIRO_FORMAT_A8);
    assert_size(s, 3, 2);
    const unsigned char *mime;
    unsigned long mime_len;
    cairo_surface_get_mime_data(s, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    g_assert_nonnull(mime);
    int colors = 0, columns = 0;
    gsize offset = 0;
    g_assert_true(sc_photo_png_stub_parse(mime, mime_len, &colors, &columns, &offset));
    g_assert_cmpint(colors, ==, 3);
    g_assert_cmpint(columns, ==, 3);
    // One IDAT chunk in so small a file: the stub's data is found in it as it is.
    g_assert_cmpuint(mime_len - offset, >, 8);
    gboolean found = FALSE;
    for (gsize i = 0; !found && i + (mime_len - offset) <= file_len; i++)
        found = memcmp(file + i, mime + offset, mime_len - offset) == 0;
    g_assert_true(found);
    cairo_surface_destroy(s);

    // For raster output it is decoded, opaque: RGB24.
    s = sc_photo_load(path, TRUE, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpint(cairo_image_surface_get_format(s), ==, CAIRO_FORMAT_RGB24);
    g_assert_cmphex(pixel(s, 1, 0) & 0xffffff, ==, 0x28323c);
    cairo_surface_destroy(s);

    gsize jpeg_len;
    char *jpeg = sc_test_slurp(SC_TEST_DATA("photo/rgb-8x6.jpg"), &jpeg_len);
    g_assert_false(
        sc_photo_png_stub_parse((const guint8 *)jpeg, jpeg_len, &colors, &columns, &offset));
    g_free(jpeg);
    g_free(file);
    g_free(path);
}

// A batch's photo files are read once: probed, then loaded from the bytes kept even after the
// file is gone; past the limit a file is not kept, and is read again (issue 7).
static void
test_files_read_once(void)
{
    g_autofree char *dir = g_dir_make_tmp("photo-files-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "p.jpg", NULL);
    gsize len = 0;
    g_autofree char *jpeg = sc_test_slurp("examples/photos/440104199003121232.jpg", &len);
    g_assert_true(g_file_set_contents(path, jpeg, (gssize)len, NULL));

    sc_photo_files *files = sc_photo_files_new(1024 * 1024);
    sc_photo_info info;
    GError *error = NULL;
    g_assert_true(sc_photo_probe_in(files, path, &info, &error));
    g_assert_no_error(error);
    g_unlink(path);
    cairo_surface_t *s = sc_photo_load_in(files, path, FALSE, NULL, &error);
    g_assert_no_error(error);
    g_assert_nonnull(s);
    double w, h;
    sc_photo_get_size(s, &w, &h);
    g_assert_cmpfloat(w, ==, info.width);
    cairo_surface_destroy(s);
    sc_photo_files_free(files);

    // A limit smaller than the file: nothing kept, so the file gone is an error.
    g_assert_true(g_file_set_contents(path, jpeg, (gssize)len, NULL));
    files = sc_photo_files_new(len - 1);
    g_assert_true(sc_photo_probe_in(files, path, &info, NULL));
    g_unlink(path);
    g_assert_null(sc_photo_load_in(files, path, FALSE, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_PHOTO);
    g_clear_error(&error);
    sc_photo_files_free(files);
    sc_test_remove_tree(dir);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
#define ADD(path, fn) g_test_add(path, fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("/photo/find/value", test_find_value);
    ADD("/photo/find/refuses-leaving", test_find_refuses_leaving);
    ADD("/photo/find/refuses-links-out", test_find_refuses_links_out);
    ADD("/photo/find/fallback", test_find_fallback);
    ADD("/photo/find/nothing", test_find_nothing);
    ADD("/photo/probe/formats", test_probe_formats);
    ADD("/photo/probe/not-an-image", test_probe_not_an_image);
    ADD("/photo/probe/truncated-png", test_truncated_png);
    ADD("/photo/probe/passthrough-png", test_passthrough_png);
    ADD("/photo/probe/size-limits", test_size_limits);
    ADD("/photo/probe/jpeg-bomb", test_jpeg_bomb);
    ADD("/photo/load/too-many-bytes", test_load_too_many_bytes);
    ADD("/photo/probe/too-many-bytes", test_probe_too_many_bytes);
    g_test_add_func("/photo/probe/cmyk-refused", test_cmyk_refused);
    g_test_add_func("/photo/files/read-once", test_files_read_once);
    g_test_add_func("/photo/probe/not-regular", test_not_regular);
    g_test_add_func("/photo/load/jpeg-passthrough", test_load_jpeg_passthrough);
    g_test_add_func("/photo/probe/orientation", test_probe_orientation);
    g_test_add_func("/photo/orientation-matrix", test_orientation_matrix);
    g_test_add_func("/photo/load/strips-metadata", test_load_strips_metadata);
    ADD("/photo/load/keeps-icc", test_load_keeps_icc);
    ADD("/photo/probe/broken-photos", test_probe_broken_photos);
    g_test_add_func("/photo/dark-share", test_dark_share);
    g_test_add_func("/photo/load/jpeg-decoded", test_load_jpeg_decoded);
    ADD("/photo/load/png-pixels", test_load_png_pixels);
    ADD("/photo/load/png-gray", test_load_png_gray);
    ADD("/photo/load/png-passthrough", test_load_png_passthrough);
#undef ADD
    return g_test_run();
}
