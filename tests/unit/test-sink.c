// test-sink.c - output targets (sink.h): files appear under their names only at commit, abort
// and failure leave nothing, the PDF has the pages and size asked for and is byte-identical when
// its creation date is pinned (STYLE.md, cairo 1.16), split output names each page's file, and
// the PNG preview has the pixel size the dpi gives (rounded up).
#define _GNU_SOURCE // RTLD_NEXT
#include "sink.h"
#include "testutil.h"

#include <dlfcn.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PT_PER_MM (72.0 / 25.4)

typedef struct {
    char *dir;
} fixture;

static void
fixture_set_up(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    f->dir = g_dir_make_tmp("sc-sink-XXXXXX", &error);
    g_assert_no_error(error);
}

static void
fixture_tear_down(fixture *f, gconstpointer data)
{
    (void)data;
    sc_test_remove_tree(f->dir);
    g_free(f->dir);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// The names in DIR, sorted, joined by "|" ("" when empty or missing).  Caller frees.
static char *
listing(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    if (d != NULL)
        g_dir_close(d);
    g_ptr_array_sort(names, compare_strings);
    g_ptr_array_add(names, NULL);
    char *joined = g_strjoinv("|", (char **)names->pdata);
    g_ptr_array_unref(names);
    return joined;
}

static void
assert_listing(const char *dir, const char *want)
{
    char *got = listing(dir);
    g_assert_cmpstr(got, ==, want);
    g_free(got);
}

// The file at PATH is SIZE bytes whose SHA-256 is SHA256 (lower-case hex), as the sink reported.
static void
assert_file_digest(const char *path, const char *sha256, guint64 size)
{
    gsize len;
    g_autofree char *bytes = sc_test_slurp(path, &len);
    g_autofree char *sum =
        g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)bytes, len);
    g_assert_cmpstr(sum, ==, sha256);
    g_assert_cmpuint(len, ==, size);
}

// Whether every name in DIR is a temporary ".BASE.skillcert-tmp-PID-XXXXXX" of BASE made by
// this process, and there is at least one.
static gboolean
only_temporaries_of(const char *dir, const char *base)
{
    char *prefix = g_strdup_printf(".%s.skillcert-tmp-%ld-", base, (long)getpid());
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    int n = 0;
    gboolean ok = d != NULL;
    while (ok && (name = g_dir_read_name(d)) != NULL) {
        ok = g_str_has_prefix(name, prefix) && strlen(name) == strlen(prefix) + 6;
        n++;
    }
    if (d != NULL)
        g_dir_close(d);
    g_free(prefix);
    return ok && n > 0;
}

// Draw a recognisable page: a black rectangle at (X, Y) mm, 30 × 10 mm.
static void
draw(cairo_t *cr, double x, double y)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, x * PT_PER_MM, y * PT_PER_MM, 30 * PT_PER_MM, 10 * PT_PER_MM);
    cairo_fill(cr);
}

// Add a page named NAME to SINK, drawn at (X, Y) mm.
static void
add_page(sc_sink *sink, const char *name, double x, double y)
{
    GError *error = NULL;
    cairo_t *cr = sc_sink_begin_page(sink, name, &error);
    g_assert_no_error(error);
    g_assert_nonnull(cr);
    draw(cr, x, y);
    g_assert_true(sc_sink_end_page(sink, &error));
    g_assert_no_error(error);
}

// Where NEEDLE first occurs in the LEN bytes of HAYSTACK (PDFs hold NUL bytes), or NULL.
static const char *
find_bytes(const char *haystack, gsize len, const char *needle)
{
    gsize n = strlen(needle);
    for (gsize i = 0; i + n <= len; i++)
        if (memcmp(haystack + i, needle, n) == 0)
            return haystack + i;
    return NULL;
}

// Pages of the PDF DATA: "/Type /Page" not followed by "s" (cairo 1.16 writes page objects
// uncompressed).
static int
count_pages(const char *data, gsize len)
{
    int n = 0;
    const char *key = "/Type /Page";
    gsize k = strlen(key);
    for (gsize i = 0; i + k < len; i++)
        if (memcmp(data + i, key, k) == 0 && data[i + k] != 's')
            n++;
    return n;
}

// pdfinfo's value for KEY ("Pages", "Page size", "Title"), or NULL without pdfinfo.  Caller
// frees.
static char *
pdfinfo(const char *path, const char *key)
{
    g_autofree char *prog = g_find_program_in_path("pdfinfo");
    if (prog == NULL)
        return NULL;
    char *argv[] = {prog, "-enc", "UTF-8", (char *)path, NULL};
    g_autofree char *out = NULL;
    int status;
    GError *error = NULL;
    // pdfinfo speaks C numbers whatever the locale; keep its messages in English too.
    char **env = g_environ_setenv(g_get_environ(), "LC_ALL", "C.UTF-8", TRUE);
    g_assert_true(g_spawn_sync(NULL, argv, env, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                               &status, &error));
    g_strfreev(env);
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    char *want = g_strdup_printf("%s:", key);
    char *value = NULL;
    char **lines = g_strsplit(out, "\n", -1);
    for (int i = 0; lines[i] != NULL && value == NULL; i++)
        if (g_str_has_prefix(lines[i], want))
            value = g_strstrip(g_strdup(lines[i] + strlen(want)));
    g_strfreev(lines);
    g_free(want);
    g_assert_nonnull(value);
    return value;
}

// A valid PDF at PATH with PAGES pages of W × H mm.
static void
assert_pdf(const char *path, int pages, double w_mm, double h_mm)
{
    gsize len;
    char *data = sc_test_slurp(path, &len);
    g_assert_cmpuint(len, >, 5);
    g_assert_cmpmem(data, 5, "%PDF-", 5);
    g_assert_nonnull(find_bytes(data + len - MIN(len, 32), MIN(len, 32), "%%EOF"));
    g_assert_cmpint(count_pages(data, len), ==, pages);

    // The page size from the /MediaBox, read with C number syntax whatever the locale.
    const char *box = find_bytes(data, len, "/MediaBox [");
    g_assert_nonnull(box);
    char *end;
    const char *p = box + strlen("/MediaBox [");
    double v[4];
    for (int i = 0; i < 4; i++) {
        v[i] = g_ascii_strtod(p, &end);
        g_assert_true(end != p);
        p = end;
    }
    g_assert_cmpfloat_with_epsilon(v[2] - v[0], w_mm * PT_PER_MM, 0.01);
    g_assert_cmpfloat_with_epsilon(v[3] - v[1], h_mm * PT_PER_MM, 0.01);
    g_free(data);

    char *n = pdfinfo(path, "Pages");
    if (n != NULL) {
        g_assert_cmpint(atoi(n), ==, pages);
        g_free(n);
        char *size = pdfinfo(path, "Page size"); // "841.89 x 595.276 pts (A4)"
        double pw = g_ascii_strtod(size, &end);
        g_assert_true(g_str_has_prefix(end, " x "));
        double ph = g_ascii_strtod(end + 3, NULL);
        g_assert_cmpfloat_with_epsilon(pw, w_mm * PT_PER_MM, 0.01);
        g_assert_cmpfloat_with_epsilon(ph, h_mm * PT_PER_MM, 0.01);
        g_free(size);
    }
}

// --- One PDF ----------------------------------------------------------------------------------

static void
test_pdf_commit(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "out.pdf", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, "职业技能等级证书",
                                "2024-05-06T07:08:09+08:00", &error);
    g_assert_no_error(error);
    g_assert_nonnull(sink);
    for (int i = 0; i < 3; i++) {
        add_page(sink, NULL, 10 + 20 * i, 20);
        // Nothing under the final name until commit: only the temporary.
        g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
        g_assert_true(only_temporaries_of(f->dir, "out.pdf"));
    }
    g_assert_true(sc_sink_commit(sink, &error));
    g_assert_no_error(error);
    assert_listing(f->dir, "out.pdf");
    assert_pdf(path, 3, 297, 210);

    char *title = pdfinfo(path, "Title");
    if (title != NULL) {
        g_assert_cmpstr(title, ==, "职业技能等级证书");
        g_free(title);
        char *creator = pdfinfo(path, "Creator");
        g_assert_cmpstr(creator, ==, "skillcert " SC_VERSION);
        g_free(creator);
    }
    g_free(path);
}

// An older file under the name stays as it was until the new one is complete.
static void
test_pdf_replaces_at_commit(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "out.pdf", NULL);
    g_assert_true(g_file_set_contents(path, "old", 3, &error));
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, path, 210, 297, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    add_page(sink, NULL, 10, 10);
    gsize len;
    char *old = sc_test_slurp(path, &len);
    g_assert_cmpmem(old, len, "old", 3);
    g_free(old);
    g_assert_true(sc_sink_commit(sink, &error));
    g_assert_no_error(error);
    assert_listing(f->dir, "out.pdf");
    assert_pdf(path, 1, 210, 297);

    // Abort leaves the older file alone too.
    sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, NULL, NULL, &error);
    add_page(sink, NULL, 10, 10);
    add_page(sink, NULL, 10, 10);
    sc_sink_abort(sink);
    assert_listing(f->dir, "out.pdf");
    assert_pdf(path, 1, 210, 297);
    g_free(path);
}

static void
test_pdf_abort(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "out.pdf", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, "t", NULL, &error);
    g_assert_no_error(error);
    add_page(sink, NULL, 10, 10);
    add_page(sink, NULL, 10, 10);
    sc_sink_abort(sink);
    assert_listing(f->dir, "");

    // Abort in the middle of a page.
    sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, "t", NULL, &error);
    g_assert_no_error(error);
    cairo_t *cr = sc_sink_begin_page(sink, NULL, &error);
    g_assert_nonnull(cr);
    draw(cr, 10, 10);
    sc_sink_abort(sink);
    assert_listing(f->dir, "");

    sc_sink_abort(NULL);
    g_free(path);
}

// The same pages and creation date give the same bytes; another date gives other bytes, with
// that date in the document information (PDF 32000 7.9.4: D:YYYYMMDDHHmmSS).
static void
test_pdf_deterministic(fixture *f, gconstpointer data)
{
    (void)data;
    const char *dates[] = {"2024-05-06T07:08:09+08:00", "2024-05-06T07:08:09+08:00",
                           "2025-01-02T03:04:05+08:00"};
    char *contents[3];
    gsize lens[3];
    for (int i = 0; i < 3; i++) {
        GError *error = NULL;
        char *name = g_strdup_printf("run%d.pdf", i);
        char *path = g_build_filename(f->dir, name, NULL);
        sc_sink *sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, "证书", dates[i], &error);
        g_assert_no_error(error);
        add_page(sink, NULL, 10, 20);
        add_page(sink, NULL, 50, 60);
        g_assert_true(sc_sink_commit(sink, &error));
        g_assert_no_error(error);
        contents[i] = sc_test_slurp(path, &lens[i]);
        g_free(name);
        g_free(path);
    }
    g_assert_cmpmem(contents[0], lens[0], contents[1], lens[1]);
    // cairo 1.16 leaves out the "D:" prefix; later versions write it.
    g_assert_true(find_bytes(contents[0], lens[0], "/CreationDate (20240506070809+08'00") ||
                  find_bytes(contents[0], lens[0], "/CreationDate (D:20240506070809+08'00"));
    g_assert_true(find_bytes(contents[2], lens[2], "/CreationDate (20250102030405+08'00") ||
                  find_bytes(contents[2], lens[2], "/CreationDate (D:20250102030405+08'00"));
    g_assert_false(lens[0] == lens[2] && memcmp(contents[0], contents[2], lens[0]) == 0);
    for (int i = 0; i < 3; i++)
        g_free(contents[i]);
}

static void
test_pdf_zero_pages(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "out.pdf", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(sc_sink_commit(sink, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "out.pdf"));
    g_clear_error(&error);
    assert_listing(f->dir, "");
    g_free(path);
}

// A folder that is missing, or a "folder" that is a file: SC_ERROR_IO, and nothing made.
static void
test_bad_folder(fixture *f, gconstpointer data)
{
    (void)data;
    char *file = g_build_filename(f->dir, "file", NULL);
    g_assert_true(g_file_set_contents(file, "x", 1, NULL));
    const char *bad[] = {"missing/out.pdf", "file/out.pdf", "missing/deeper/out.png"};
    const sc_sink_kind kinds[] = {SC_SINK_PDF, SC_SINK_PNG};
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
        for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
            GError *error = NULL;
            char *path = g_build_filename(f->dir, bad[i], NULL);
            sc_sink *sink = sc_sink_new(kinds[k], path, 297, 210, 100, NULL, NULL, &error);
            g_assert_null(sink);
            g_assert_error(error, SC_ERROR, SC_ERROR_IO);
            g_clear_error(&error);
            g_free(path);
        }
    // Split output makes its folder, but not inside a file.
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "file/pages", NULL);
    g_assert_null(sc_sink_new(SC_SINK_SPLIT, path, 297, 210, 0, NULL, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    g_free(path);
    assert_listing(f->dir, "file");
    g_free(file);
}

// A folder the user may not write to (meaningless as root, who may write anywhere).
static void
test_unwritable_folder(fixture *f, gconstpointer data)
{
    (void)data;
    if (geteuid() == 0) {
        g_test_skip("running as root: permissions do not stop writes");
        return;
    }
    char *ro = g_build_filename(f->dir, "ro", NULL);
    g_assert_cmpint(g_mkdir(ro, 0555), ==, 0);
    char *path = g_build_filename(ro, "out.pdf", NULL);
    GError *error = NULL;
    g_assert_null(sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, NULL, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    g_assert_null(sc_sink_new(SC_SINK_PNG, path, 297, 210, 0, NULL, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    // Split output makes its temporary folder at once, so it fails as early.
    g_assert_null(sc_sink_new(SC_SINK_SPLIT, ro, 297, 210, 0, NULL, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    assert_listing(ro, "");
    g_chmod(ro, 0755);
    g_free(path);
    g_free(ro);
}

// --- One PDF per page -------------------------------------------------------------------------

static void
test_split_commit(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *out = g_build_filename(f->dir, "pages", NULL);
    sc_sink *sink =
        sc_sink_new(SC_SINK_SPLIT, out, 297, 210, 0, "证书", "2024-05-06T07:08:09Z", &error);
    g_assert_no_error(error);
    const char *names[] = {"S000044011001264000001", "S000044011001264000002", "张三"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        add_page(sink, names[i], 10, 10 + 10 * i);
        // Nothing visible so far: the pages are in the temporary folder
        // ".pages.skillcert-tmp-PID-XXXXXX".
        g_assert_true(only_temporaries_of(out, "pages"));
    }
    g_assert_true(sc_sink_commit(sink, &error));
    g_assert_no_error(error);
    assert_listing(out, "S000044011001264000001.pdf|S000044011001264000002.pdf|张三.pdf");
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        char *file = g_strconcat(names[i], ".pdf", NULL);
        char *path = g_build_filename(out, file, NULL);
        assert_pdf(path, 1, 297, 210);
        g_free(file);
        g_free(path);
    }
    g_free(out);
}

static void
test_split_abort(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, f->dir, 297, 210, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    add_page(sink, "a", 10, 10);
    add_page(sink, "b", 10, 10);
    cairo_t *cr = sc_sink_begin_page(sink, "c", &error);
    g_assert_nonnull(cr);
    sc_sink_abort(sink);
    assert_listing(f->dir, "");
}

// Committing nothing is refused for one PDF, for a PNG, and for split output.
static void
test_split_zero_pages(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, f->dir, 297, 210, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(sc_sink_commit(sink, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
}

// --- PNG preview ------------------------------------------------------------------------------

// Commit a one-page PNG of W × H mm at DPI to DIR/NAME, with the test rectangle at (10, 20) mm,
// and read it back.  Caller destroys.
static cairo_surface_t *
png_round_trip(const char *dir, const char *name, double w, double h, double dpi)
{
    GError *error = NULL;
    char *path = g_build_filename(dir, name, NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PNG, path, w, h, dpi, NULL, NULL, &error);
    g_assert_no_error(error);
    add_page(sink, NULL, 10, 20);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_true(sc_sink_commit(sink, &error));
    g_assert_no_error(error);
    assert_listing(dir, name);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    g_unlink(path);
    g_free(path);
    return s;
}

// Pixel sizes: mm / 25.4 × dpi, rounded up.
static void
test_png_size(fixture *f, gconstpointer data)
{
    (void)data;
    const struct {
        double w, h, dpi;
        int pw, ph;
    } cases[] = {
        {297, 210, 100, 1170, 827}, // 1169.3 × 826.8
        {297, 210, 72, 842, 596},   // 841.9 × 595.3
        {35, 49, 300, 414, 579},    // the photo slot: 413.4 × 578.7
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        cairo_surface_t *s = png_round_trip(f->dir, "p.png", cases[i].w, cases[i].h, cases[i].dpi);
        g_assert_cmpint(cairo_image_surface_get_width(s), ==, cases[i].pw);
        g_assert_cmpint(cairo_image_surface_get_height(s), ==, cases[i].ph);
        cairo_surface_destroy(s);
    }
}

// Whole pixel counts are not rounded up by floating-point noise (254 mm at 100 dpi is exactly
// 1000 px).
static void
test_png_size_exact(fixture *f, gconstpointer data)
{
    (void)data;
    const struct {
        double w, h, dpi;
        int pw, ph;
    } cases[] = {
        {254, 127, 100, 1000, 500},
        {25.4, 50.8, 72, 72, 144},
        {25.4, 25.4, 300, 300, 300},
        {203.2, 101.6, 150, 1200, 600},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        cairo_surface_t *s = png_round_trip(f->dir, "p.png", cases[i].w, cases[i].h, cases[i].dpi);
        g_assert_cmpint(cairo_image_surface_get_width(s), ==, cases[i].pw);
        g_assert_cmpint(cairo_image_surface_get_height(s), ==, cases[i].ph);
        cairo_surface_destroy(s);
    }
}

static guint32
pixel_at_mm(cairo_surface_t *s, double x_mm, double y_mm, double dpi)
{
    int x = (int)(x_mm / 25.4 * dpi), y = (int)(y_mm / 25.4 * dpi);
    cairo_surface_flush(s);
    const unsigned char *p = cairo_image_surface_get_data(s);
    return ((const guint32 *)(p + (gsize)y * cairo_image_surface_get_stride(s)))[x] & 0xffffff;
}

// The context is in points with the origin at the top-left; the page is white.
static void
test_png_content(fixture *f, gconstpointer data)
{
    (void)data;
    cairo_surface_t *s = png_round_trip(f->dir, "p.png", 297, 210, 100);
    // The rectangle spans x 10–40, y 20–30 mm.
    g_assert_cmphex(pixel_at_mm(s, 25, 25, 100), ==, 0x000000);
    g_assert_cmphex(pixel_at_mm(s, 11, 21, 100), ==, 0x000000);
    g_assert_cmphex(pixel_at_mm(s, 39, 29, 100), ==, 0x000000);
    g_assert_cmphex(pixel_at_mm(s, 5, 5, 100), ==, 0xffffff);
    g_assert_cmphex(pixel_at_mm(s, 45, 25, 100), ==, 0xffffff);
    g_assert_cmphex(pixel_at_mm(s, 25, 35, 100), ==, 0xffffff);
    g_assert_cmphex(pixel_at_mm(s, 25, 185, 100), ==, 0xffffff); // not flipped to the bottom
    g_assert_cmphex(pixel_at_mm(s, 296, 209, 100), ==, 0xffffff);
    cairo_surface_destroy(s);
}

static void
test_png_one_page(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "p.png", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PNG, path, 297, 210, 50, NULL, NULL, &error);
    g_assert_no_error(error);
    add_page(sink, NULL, 10, 20);
    g_assert_null(sc_sink_begin_page(sink, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_clear_error(&error);
    g_assert_true(sc_sink_commit(sink, &error));
    g_assert_no_error(error);
    assert_listing(f->dir, "p.png");
    g_free(path);
}

static void
test_png_nothing_left(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "p.png", NULL);

    // No page: refused, and the probe temporary is gone.
    sc_sink *sink = sc_sink_new(SC_SINK_PNG, path, 297, 210, 50, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_false(sc_sink_commit(sink, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    assert_listing(f->dir, "");

    // Aborted after a page, and in the middle of one.
    sink = sc_sink_new(SC_SINK_PNG, path, 297, 210, 50, NULL, NULL, &error);
    add_page(sink, NULL, 10, 20);
    sc_sink_abort(sink);
    assert_listing(f->dir, "");
    sink = sc_sink_new(SC_SINK_PNG, path, 297, 210, 50, NULL, NULL, &error);
    g_assert_nonnull(sc_sink_begin_page(sink, NULL, &error));
    sc_sink_abort(sink);
    assert_listing(f->dir, "");
    g_free(path);
}

// --- Targets, modes, stale temporaries, two phases ---------------------------------------------

static guint
mode_of(const char *path)
{
    GStatBuf st;
    g_assert_cmpint(g_lstat(path, &st), ==, 0);
    return st.st_mode & 07777;
}

// A read-only output file is refused before anything is written, unless forced (judged on the
// mode bits: root, who runs these tests in CI, could write it anyway).
static void
test_read_only_target(fixture *f, gconstpointer data)
{
    (void)data;
    const sc_sink_kind kinds[] = {SC_SINK_PDF, SC_SINK_PNG};
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
        GError *error = NULL;
        char *path = g_build_filename(f->dir, "out", NULL);
        g_assert_true(g_file_set_contents(path, "old", 3, &error));
        g_assert_cmpint(g_chmod(path, 0444), ==, 0);
        g_assert_null(sc_sink_new(kinds[k], path, 297, 210, 50, NULL, NULL, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_IO);
        g_assert_nonnull(strstr(error->message, "read-only"));
        g_clear_error(&error);
        assert_listing(f->dir, "out");

        sc_sink_options opts = {.force = TRUE};
        sc_sink *sink = sc_sink_new_full(kinds[k], path, 297, 210, 50, NULL, NULL, &opts, &error);
        g_assert_no_error(error);
        add_page(sink, NULL, 10, 10);
        g_assert_true(sc_sink_commit(sink, &error));
        g_assert_no_error(error);
        assert_listing(f->dir, "out");
        gsize len;
        char *got = sc_test_slurp(path, &len);
        g_assert_cmpuint(len, >, 3);
        g_free(got);
        g_assert_cmpuint(mode_of(path), ==, 0600);
        g_unlink(path);
        g_free(path);
    }

    // Split output: a read-only page file is refused when its page begins.
    GError *error = NULL;
    char *page = g_build_filename(f->dir, "a.pdf", NULL);
    g_assert_true(g_file_set_contents(page, "old", 3, &error));
    g_assert_cmpint(g_chmod(page, 0400), ==, 0);
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, f->dir, 297, 210, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_null(sc_sink_begin_page(sink, "a", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    sc_sink_abort(sink);
    assert_listing(f->dir, "a.pdf");
    sc_sink_options opts = {.force = TRUE};
    sink = sc_sink_new_full(SC_SINK_SPLIT, f->dir, 297, 210, 0, NULL, NULL, &opts, &error);
    add_page(sink, "a", 10, 10);
    g_assert_true(sc_sink_commit(sink, &error));
    g_assert_no_error(error);
    assert_listing(f->dir, "a.pdf");
    assert_pdf(page, 1, 297, 210);
    g_free(page);
}

// An output name that is a folder, a device or a link is refused, forced or not, and nothing is
// written anywhere.
static void
test_not_regular_target(fixture *f, gconstpointer data)
{
    (void)data;
    char *sub = g_build_filename(f->dir, "sub", NULL);
    g_assert_cmpint(g_mkdir(sub, 0755), ==, 0);
    char *link = g_build_filename(f->dir, "null.pdf", NULL);
    g_assert_cmpint(symlink("/dev/null", link), ==, 0);
    const char *paths[] = {sub, "/dev/null", link};
    const sc_sink_kind kinds[] = {SC_SINK_PDF, SC_SINK_PNG};
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
        for (guint i = 0; i < G_N_ELEMENTS(paths); i++)
            for (int force = 0; force < 2; force++) {
                GError *error = NULL;
                sc_sink_options opts = {.force = force};
                g_assert_null(
                    sc_sink_new_full(kinds[k], paths[i], 297, 210, 50, NULL, NULL, &opts, &error));
                g_assert_error(error, SC_ERROR, SC_ERROR_IO);
                g_assert_nonnull(strstr(error->message, "not a regular file"));
                g_clear_error(&error);
            }
    assert_listing(f->dir, "null.pdf|sub");
    assert_listing(sub, "");
    GStatBuf st;
    g_assert_cmpint(g_stat("/dev/null", &st), ==, 0);
    g_assert_true(S_ISCHR(st.st_mode));

    // A split page whose name is taken by a folder.
    char *taken = g_build_filename(sub, "a.pdf", NULL);
    g_assert_cmpint(g_mkdir(taken, 0755), ==, 0);
    GError *error = NULL;
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, sub, 297, 210, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    g_assert_null(sc_sink_begin_page(sink, "a", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    sc_sink_abort(sink);
    assert_listing(sub, "a.pdf");
    g_free(taken);
    g_free(link);
    g_free(sub);
}

// Outputs are 0600 unless a mode is given, whatever the umask; a split folder the sink makes is
// 0700 (0755 for 0644).
static void
test_modes(fixture *f, gconstpointer data)
{
    (void)data;
    mode_t old_umask = umask(022);
    for (int given = 0; given < 2; given++) {
        sc_sink_options opts = {.mode = given ? 0644 : 0};
        guint want = given ? 0644 : 0600;
        GError *error = NULL;
        char *pdf = g_build_filename(f->dir, "m.pdf", NULL);
        char *png = g_build_filename(f->dir, "m.png", NULL);
        char *dir = g_build_filename(f->dir, "pages", NULL);
        char *page = g_build_filename(dir, "a.pdf", NULL);
        const char *paths[] = {pdf, png, dir};
        const sc_sink_kind kinds[] = {SC_SINK_PDF, SC_SINK_PNG, SC_SINK_SPLIT};
        for (guint k = 0; k < G_N_ELEMENTS(kinds); k++) {
            sc_sink *sink =
                sc_sink_new_full(kinds[k], paths[k], 297, 210, 50, NULL, NULL, &opts, &error);
            g_assert_no_error(error);
            add_page(sink, "a", 10, 10);
            g_assert_true(sc_sink_commit(sink, &error));
            g_assert_no_error(error);
        }
        g_assert_cmpuint(mode_of(pdf), ==, want);
        g_assert_cmpuint(mode_of(png), ==, want);
        g_assert_cmpuint(mode_of(page), ==, want);
        g_assert_cmpuint(mode_of(dir), ==, given ? 0755 : 0700);
        sc_test_remove_tree(dir);
        g_unlink(pdf);
        g_unlink(png);
        g_free(page);
        g_free(dir);
        g_free(png);
        g_free(pdf);
    }
    umask(old_umask);
}

// A process id that has just ended (its number is free until the system reuses it).
static pid_t
dead_pid(void)
{
    pid_t pid = fork();
    g_assert_cmpint(pid, >=, 0);
    if (pid == 0)
        _exit(0);
    int status;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_cmpint(kill(pid, 0), ==, -1);
    return pid;
}

// Temporaries of a killed run (its process gone) are removed when a sink opens in their folder;
// a live process's (ours), and names that only look alike, are kept.
static void
test_stale_temporaries(fixture *f, gconstpointer data)
{
    (void)data;
    long dead = (long)dead_pid(), live = (long)getpid();
    char *stale_file = g_strdup_printf(".out.pdf.skillcert-tmp-%ld-Ab3xYz", dead);
    char *stale_dir = g_strdup_printf(".pages.skillcert-tmp-%ld-QQ9q9q", dead);
    char *live_file = g_strdup_printf(".out.pdf.skillcert-tmp-%ld-Ab3xYz", live);
    char *short_x = g_strdup_printf(".out.pdf.skillcert-tmp-%ld-Ab3xY", dead);
    char *no_dot = g_strdup_printf("out.pdf.skillcert-tmp-%ld-Ab3xYz", dead);
    char *no_base = g_strdup_printf(".skillcert-tmp-%ld-Ab3xYz", dead);
    const char *files[] = {stale_file, live_file, short_x, no_dot, no_base};
    for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
        char *p = g_build_filename(f->dir, files[i], NULL);
        g_assert_true(g_file_set_contents(p, "x", 1, NULL));
        g_free(p);
    }
    char *d = g_build_filename(f->dir, stale_dir, NULL);
    g_assert_cmpint(g_mkdir(d, 0700), ==, 0);
    char *inner = g_build_filename(d, "S1.pdf", NULL);
    g_assert_true(g_file_set_contents(inner, "x", 1, NULL));

    // Opening a sink elsewhere touches nothing here.
    GError *error = NULL;
    char *other = g_build_filename(f->dir, "other", NULL);
    g_assert_cmpint(g_mkdir(other, 0700), ==, 0);
    char *other_pdf = g_build_filename(other, "x.pdf", NULL);
    sc_sink_abort(sc_sink_new(SC_SINK_PDF, other_pdf, 297, 210, 0, NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_true(g_file_test(inner, G_FILE_TEST_EXISTS));

    char *path = g_build_filename(f->dir, "out.pdf", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    sc_sink_abort(sink);
    char *want = g_strdup_printf("%s|%s|%s|%s|other", live_file, short_x, no_base, no_dot);
    // The listing is sorted byte-wise: ".out…ld-Ab3xY" < ".out…ld-Ab3xYz" only when the pids
    // sort alike, so compare as sets.
    char *got = listing(f->dir);
    g_auto(GStrv) got_v = g_strsplit(got, "|", -1);
    g_auto(GStrv) want_v = g_strsplit(want, "|", -1);
    g_assert_cmpuint(g_strv_length(got_v), ==, g_strv_length(want_v));
    for (guint i = 0; want_v[i] != NULL; i++)
        g_assert_true(g_strv_contains((const char *const *)got_v, want_v[i]));
    g_free(got);
    g_free(want);
    g_free(path);
    g_free(other_pdf);
    g_free(other);
    g_free(inner);
    g_free(d);
    for (guint i = 0; i < G_N_ELEMENTS(files); i++)
        g_free((char *)files[i]);
    g_free(stale_dir);
}

// After sc_sink_finish() every file is complete under its temporary name and nothing is visible;
// the files and their sizes are known; abort then leaves nothing.
static void
test_finish_then_abort(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *pdf = g_build_filename(f->dir, "out.pdf", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, pdf, 297, 210, 0, NULL, NULL, &error);
    add_page(sink, NULL, 10, 10);
    g_assert_cmpuint(sc_sink_file_size(sink, 0), ==, 0);
    g_assert_true(sc_sink_finish(sink, &error));
    g_assert_no_error(error);
    g_assert_true(sc_sink_finish(sink, &error)); // a second time: nothing to do
    g_assert_true(only_temporaries_of(f->dir, "out.pdf"));
    const GPtrArray *files = sc_sink_files(sink);
    g_assert_cmpuint(files->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(files, 0), ==, pdf);
    g_assert_cmpuint(sc_sink_file_size(sink, 0), >, 100);
    sc_sink_abort(sink);
    assert_listing(f->dir, "");

    char *dir = g_build_filename(f->dir, "pages", NULL);
    sink = sc_sink_new(SC_SINK_SPLIT, dir, 297, 210, 0, NULL, NULL, &error);
    add_page(sink, "a", 10, 10);
    add_page(sink, "b", 10, 10);
    g_assert_true(sc_sink_finish(sink, &error));
    g_assert_no_error(error);
    g_assert_null(sc_sink_begin_page(sink, "c", &error)); // finished: no more pages
    g_clear_error(&error);
    files = sc_sink_files(sink);
    g_assert_cmpuint(files->len, ==, 2);
    char *b = g_build_filename(dir, "b.pdf", NULL);
    g_assert_cmpstr(g_ptr_array_index(files, 1), ==, b);
    g_assert_true(only_temporaries_of(dir, "pages"));
    sc_sink_abort(sink);
    assert_listing(f->dir, ""); // the folder the sink made is gone too

    char *png = g_build_filename(f->dir, "p.png", NULL);
    sink = sc_sink_new(SC_SINK_PNG, png, 297, 210, 20, NULL, NULL, &error);
    add_page(sink, NULL, 10, 10);
    g_assert_true(sc_sink_finish(sink, &error));
    g_assert_cmpuint(sc_sink_file_size(sink, 0), >, 0);
    g_assert_true(only_temporaries_of(f->dir, "p.png"));
    sc_sink_abort(sink);
    assert_listing(f->dir, "");
    g_free(png);
    g_free(b);
    g_free(dir);
    g_free(pdf);
}

// A split commit whose third move is blocked (a non-empty folder under the page's name, made
// after the pages were written) undoes the first two: the older a.pdf is back as it was, b.pdf
// is gone, and no temporary is left.
static void
test_split_commit_fails(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *a = g_build_filename(f->dir, "a.pdf", NULL);
    g_assert_true(g_file_set_contents(a, "old a", 5, &error));
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, f->dir, 297, 210, 0, NULL, NULL, &error);
    g_assert_no_error(error);
    add_page(sink, "a", 10, 10);
    add_page(sink, "b", 10, 10);
    add_page(sink, "c", 10, 10);
    g_assert_true(sc_sink_finish(sink, &error));
    char *c = g_build_filename(f->dir, "c.pdf", NULL);
    g_assert_cmpint(g_mkdir(c, 0755), ==, 0);
    char *inside = g_build_filename(c, "keep", NULL);
    g_assert_true(g_file_set_contents(inside, "k", 1, &error));

    g_assert_false(sc_sink_commit(sink, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "c.pdf"));
    g_clear_error(&error);
    assert_listing(f->dir, "a.pdf|c.pdf");
    assert_listing(c, "keep");
    gsize len;
    char *old = sc_test_slurp(a, &len);
    g_assert_cmpmem(old, len, "old a", 5);
    g_free(old);
    g_free(inside);
    g_free(c);
    g_free(a);
}

// Page names stay inside the folder, once each.
static void
test_split_names(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, f->dir, 297, 210, 0, NULL, NULL, &error);
    const char *bad[] = {"../x", "a/b", ".hidden", ""};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_null(sc_sink_begin_page(sink, bad[i], &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_clear_error(&error);
    }
    add_page(sink, "a", 10, 10);
    g_assert_null(sc_sink_begin_page(sink, "a", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
    g_clear_error(&error);
    add_page(sink, "b", 10, 10);
    g_assert_true(sc_sink_commit(sink, &error));
    g_assert_no_error(error);
    assert_listing(f->dir, "a.pdf|b.pdf");
}

// The PNG records its resolution (a pHYs chunk in pixels per metre), so that it prints at its
// true size (issue 11).
static void
test_png_resolution(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "r.png", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PNG, path, 50, 30, 300, NULL, NULL, &error);
    add_page(sink, NULL, 5, 5);
    g_assert_true(sc_sink_commit(sink, &error));
    gsize len;
    char *png = sc_test_slurp(path, &len);
    const char *phys = find_bytes(png, len, "pHYs");
    g_assert_nonnull(phys);
    const guchar *v = (const guchar *)phys + 4;
    guint32 x = (guint32)v[0] << 24 | (guint32)v[1] << 16 | (guint32)v[2] << 8 | v[3];
    guint32 y = (guint32)v[4] << 24 | (guint32)v[5] << 16 | (guint32)v[6] << 8 | v[7];
    g_assert_cmpuint(x, ==, 11811); // 300 dpi = 300 / 0.0254 m
    g_assert_cmpuint(y, ==, 11811);
    g_assert_cmpuint(v[8], ==, 1); // unit: the metre
    g_free(png);
    g_free(path);
}

// Split pages: the name given with its extension is kept; each file's SHA-256 and size are those
// of the file committed; each file carries its own metadata.
static void
test_split_digests(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, f->dir, 297, 210, 0, "t", NULL, &error);
    const char *names[] = {"S1_张三.pdf", "S2_李四"};
    for (guint i = 0; i < 2; i++) {
        const sc_finish_info info = {.title = names[i], .created = "2026-11-20T00:00:00+08:00"};
        const sc_sink_page page = {.info = &info};
        cairo_t *cr = sc_sink_begin_page_full(sink, names[i], &page, &error);
        g_assert_nonnull(cr);
        draw(cr, 10 + i, 10);
        g_assert_true(sc_sink_end_page(sink, &error));
    }
    g_assert_true(sc_sink_finish(sink, &error));
    char *sums[2];
    guint64 sizes[2];
    for (guint i = 0; i < 2; i++) {
        sums[i] = g_strdup(sc_sink_file_sha256(sink, i));
        sizes[i] = sc_sink_file_size(sink, i);
    }
    g_assert_true(sc_sink_commit(sink, &error));
    assert_listing(f->dir, "S1_张三.pdf|S2_李四.pdf");
    const char *files[] = {"S1_张三.pdf", "S2_李四.pdf"};
    for (guint i = 0; i < 2; i++) {
        char *path = g_build_filename(f->dir, files[i], NULL);
        gsize len;
        char *bytes = sc_test_slurp(path, &len);
        char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)bytes, len);
        g_assert_cmpstr(sum, ==, sums[i]);
        g_assert_cmpuint(len, ==, sizes[i]);
        g_assert_nonnull(find_bytes(bytes, len, "/CreationDate (D:20261120000000+08'00')"));
        char *title = pdfinfo(path, "Title");
        if (title != NULL)
            g_assert_cmpstr(title, ==, names[i]);
        g_free(title);
        g_free(sum);
        g_free(bytes);
        g_free(path);
        g_free(sums[i]);
    }
}

// While set, every fsync() takes 20 ms longer: a slow disk, which the drawing outruns.
static gint slow_disk;

// The test's fsync(), before the C library's (an executable's symbols come first): the sink's
// syncs, slowed while SLOW_DISK is set.
int
fsync(int fd)
{
    static int (*real)(int);
    if (real == NULL)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    if (g_atomic_int_get(&slow_disk))
        g_usleep(20000);
    return real(fd);
}

// How many file descriptors this process has open.
static guint
open_fds(void)
{
    GDir *d = g_dir_open("/proc/self/fd", 0, NULL);
    g_assert_nonnull(d);
    guint n = 0;
    while (g_dir_read_name(d) != NULL)
        n++;
    g_dir_close(d);
    return n;
}

// Many split pages on a slow disk: their files are synced and closed behind the drawing (sink.c's
// syncer), which waits when 64 files wait, so that no more are open; finished, every file is
// closed and has the size and SHA-256 the sink reports.  An abort with pages still being synced
// leaves nothing behind.
static void
test_split_many(fixture *f, gconstpointer data)
{
    (void)data;
    enum { PAGES = 300 };
    GError *error = NULL;
    guint before = open_fds(), most = 0;
    sc_sink *sink = sc_sink_new(SC_SINK_SPLIT, f->dir, 297, 210, 0, "t", NULL, &error);
    g_assert_no_error(error);
    g_atomic_int_set(&slow_disk, 1); // 300 syncs of 20 ms on 4 threads: 1.5 s, the drawing less
    for (guint i = 0; i < PAGES; i++) {
        g_autofree char *name = g_strdup_printf("p%03u", i);
        add_page(sink, name, 10 + i % 50, 10);
        most = MAX(most, open_fds());
    }
    // The bound reached and kept: 64 files waiting, and a few of the process's own.
    g_assert_cmpuint(most, >=, before + 60);
    g_assert_cmpuint(most, <=, before + 64 + 4);
    g_assert_true(sc_sink_finish(sink, &error));
    g_atomic_int_set(&slow_disk, 0);
    g_assert_no_error(error);
    g_assert_cmpuint(open_fds(), ==, before);
    char *sums[PAGES];
    guint64 sizes[PAGES];
    for (guint i = 0; i < PAGES; i++) {
        sums[i] = g_strdup(sc_sink_file_sha256(sink, i));
        sizes[i] = sc_sink_file_size(sink, i);
    }
    g_assert_true(sc_sink_commit(sink, &error));
    for (guint i = 0; i < PAGES; i++) {
        g_autofree char *path = g_strdup_printf("%s/p%03u.pdf", f->dir, i);
        assert_file_digest(path, sums[i], sizes[i]);
        g_free(sums[i]);
    }
    g_autofree char *last = g_build_filename(f->dir, "p299.pdf", NULL);
    assert_pdf(last, 1, 297, 210);

    char *second = g_build_filename(f->dir, "second", NULL);
    sink = sc_sink_new(SC_SINK_SPLIT, second, 297, 210, 0, "t", NULL, &error);
    g_assert_no_error(error);
    for (guint i = 0; i < 100; i++) {
        g_autofree char *name = g_strdup_printf("q%03u", i);
        add_page(sink, name, 10, 10);
    }
    sc_sink_abort(sink);
    g_assert_false(g_file_test(second, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(open_fds(), ==, before);
    g_free(second);
}

// One PDF: a bookmark and a label per page; the document's metadata; print at actual size.
static void
test_pdf_outline(fixture *f, gconstpointer data)
{
    (void)data;
    GError *error = NULL;
    char *path = g_build_filename(f->dir, "o.pdf", NULL);
    sc_sink *sink = sc_sink_new(SC_SINK_PDF, path, 297, 210, 0, NULL, NULL, &error);
    const sc_finish_info info = {.title = "职业技能等级证书 — 2 份", .author = "某某学校"};
    sc_sink_set_info(sink, &info);
    const char *marks[] = {"S1 张三", "S2 李四"}, *labels[] = {"S1", "S2"};
    for (guint i = 0; i < 2; i++) {
        const sc_sink_page page = {.bookmark = marks[i], .label = labels[i]};
        cairo_t *cr = sc_sink_begin_page_full(sink, NULL, &page, &error);
        draw(cr, 10, 10);
        g_assert_true(sc_sink_end_page(sink, &error));
    }
    g_assert_true(sc_sink_commit(sink, &error));
    gsize len;
    char *bytes = sc_test_slurp(path, &len);
    g_assert_nonnull(find_bytes(bytes, len, "/Outlines"));
    g_assert_nonnull(find_bytes(bytes, len, "/PageLabels"));
    g_assert_nonnull(find_bytes(bytes, len, "/PrintScaling /None"));
    g_assert_nonnull(find_bytes(bytes, len, "/Lang (zh-CN)"));
    char *title = pdfinfo(path, "Title");
    if (title != NULL)
        g_assert_cmpstr(title, ==, "职业技能等级证书 — 2 份");
    g_free(title);
    g_free(bytes);
    g_free(path);
}

// Threads' sinks into one folder, their pages taken in turn (batch.c): adopted into the first,
// the files are listed in their pages' order (sc_sink_page.order) with each its own digest and
// size, whoever drew it; a thread that drew none has an empty sink, adopted as it is.  (Sinks are
// adopted as the threads leave them, not finished: batch.c's gather().)
static void
test_split_adopt_order(fixture *f, gconstpointer data)
{
    (void)data; // the second and third write in the first's folder
    GError *error = NULL;
    sc_sink *sinks[3];
    for (guint k = 0; k < 3; k++) {
        const sc_sink_options so = {.beside = k > 0 ? sinks[0] : NULL};
        sinks[k] = sc_sink_new_full(SC_SINK_SPLIT, f->dir, 297, 210, 0, "t", NULL, &so, &error);
        g_assert_no_error(error);
    }
    // One temporary folder for the three.
    g_autofree char *base = g_path_get_basename(f->dir);
    g_autofree char *names = listing(f->dir);
    g_auto(GStrv) folders = g_strsplit(names, "|", -1);
    g_assert_cmpuint(g_strv_length(folders), ==, 1);
    g_assert_true(only_temporaries_of(f->dir, base));
    const guint taken[] = {0, 1, 1, 0, 1, 0}; // which sink drew page I
    for (guint i = 0; i < G_N_ELEMENTS(taken); i++) {
        g_autofree char *name = g_strdup_printf("p%u", i);
        const sc_sink_page page = {.order = i};
        cairo_t *cr = sc_sink_begin_page_full(sinks[taken[i]], name, &page, &error);
        g_assert_nonnull(cr);
        draw(cr, 10 + 20 * i, 10);
        g_assert_true(sc_sink_end_page(sinks[taken[i]], &error));
    }
    // All six in the one temporary folder before any is adopted.
    g_autofree char *tmp = g_build_filename(f->dir, folders[0], NULL);
    assert_listing(tmp, "p0.pdf|p1.pdf|p2.pdf|p3.pdf|p4.pdf|p5.pdf");
    g_assert_true(sc_sink_adopt(sinks[0], sinks[1], &error)); // (its files synced there)
    g_assert_true(sc_sink_adopt(sinks[0], sinks[2], &error)); // (empty)
    g_assert_no_error(error);
    // The first's folder is left, as it was.
    assert_listing(f->dir, folders[0]);
    g_assert_true(only_temporaries_of(f->dir, base));
    g_assert_true(sc_sink_finish(sinks[0], &error));
    const GPtrArray *files = sc_sink_files(sinks[0]);
    g_assert_cmpuint(files->len, ==, G_N_ELEMENTS(taken));
    char *sums[G_N_ELEMENTS(taken)];
    guint64 sizes[G_N_ELEMENTS(taken)];
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *want = g_strdup_printf("p%u.pdf", i);
        g_autofree char *base = g_path_get_basename(files->pdata[i]);
        g_assert_cmpstr(base, ==, want);
        sums[i] = g_strdup(sc_sink_file_sha256(sinks[0], i));
        sizes[i] = sc_sink_file_size(sinks[0], i);
    }
    g_assert_true(sc_sink_commit(sinks[0], &error));
    assert_listing(f->dir, "p0.pdf|p1.pdf|p2.pdf|p3.pdf|p4.pdf|p5.pdf");
    for (guint i = 0; i < G_N_ELEMENTS(taken); i++) {
        g_autofree char *path = g_strdup_printf("%s/p%u.pdf", f->dir, i);
        assert_file_digest(path, sums[i], sizes[i]);
        g_free(sums[i]);
    }
}

// Sinks writing beside another (sc_sink_options.beside): a name the other has is refused as
// two pages with one name; aborting one removes its own pages only (the first still commits
// its own), and aborting them all, the last made first, leaves nothing behind.
static void
test_split_beside_abort(fixture *f, gconstpointer data)
{
    (void)data;
    for (guint round = 0; round < 2; round++) {
        GError *error = NULL;
        g_autofree char *dir = g_strdup_printf("%s/new%u", f->dir, round); // made by the first
        sc_sink *first = sc_sink_new(SC_SINK_SPLIT, dir, 297, 210, 0, "t", NULL, &error);
        g_assert_no_error(error);
        const sc_sink_options so = {.beside = first};
        sc_sink *second = sc_sink_new_full(SC_SINK_SPLIT, dir, 297, 210, 0, "t", NULL, &so, &error);
        g_assert_no_error(error);
        cairo_t *cr = sc_sink_begin_page(first, "a", &error);
        g_assert_nonnull(cr);
        draw(cr, 10, 10);
        g_assert_true(sc_sink_end_page(first, &error));
        g_assert_null(sc_sink_begin_page(second, "a", &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_DUPLICATE);
        g_clear_error(&error);
        cr = sc_sink_begin_page(second, "b", &error);
        g_assert_nonnull(cr);
        draw(cr, 10, 40);
        g_assert_true(sc_sink_end_page(second, &error));
        sc_sink_abort(second);
        if (round == 0) {
            g_assert_true(sc_sink_commit(first, &error));
            g_assert_no_error(error);
            assert_listing(dir, "a.pdf");
        } else {
            sc_sink_abort(first);
            g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
        }
    }
    assert_listing(f->dir, "new0");
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
#define ADD(path, fn) g_test_add(path, fixture, NULL, fixture_set_up, fn, fixture_tear_down)
    ADD("/sink/pdf/commit", test_pdf_commit);
    ADD("/sink/pdf/replaces-at-commit", test_pdf_replaces_at_commit);
    ADD("/sink/pdf/abort", test_pdf_abort);
    ADD("/sink/pdf/deterministic", test_pdf_deterministic);
    ADD("/sink/pdf/zero-pages", test_pdf_zero_pages);
    ADD("/sink/bad-folder", test_bad_folder);
    ADD("/sink/unwritable-folder", test_unwritable_folder);
    ADD("/sink/split/commit", test_split_commit);
    ADD("/sink/split/abort", test_split_abort);
    ADD("/sink/split/zero-pages", test_split_zero_pages);
    ADD("/sink/png/size", test_png_size);
    ADD("/sink/png/size-exact", test_png_size_exact);
    ADD("/sink/png/content", test_png_content);
    ADD("/sink/png/one-page", test_png_one_page);
    ADD("/sink/png/nothing-left", test_png_nothing_left);
    ADD("/sink/target/read-only", test_read_only_target);
    ADD("/sink/target/not-regular", test_not_regular_target);
    ADD("/sink/modes", test_modes);
    ADD("/sink/stale-temporaries", test_stale_temporaries);
    ADD("/sink/finish-then-abort", test_finish_then_abort);
    ADD("/sink/split/commit-fails", test_split_commit_fails);
    ADD("/sink/split/names", test_split_names);
    ADD("/sink/split/digests", test_split_digests);
    ADD("/sink/split/adopt-order", test_split_adopt_order);
    ADD("/sink/split/beside-abort", test_split_beside_abort);
    ADD("/sink/split/many", test_split_many);
    ADD("/sink/png/resolution", test_png_resolution);
    ADD("/sink/pdf/outline", test_pdf_outline);
#undef ADD
    return g_test_run();
}
