// photo.c - find and load holder photos and fixed images (SPEC §2, §4; DESIGN.md "photo").
#define _XOPEN_SOURCE 700 // realpath()
#include "photo.h"

#include "file.h"

#include "i18n.h"

#include <glib/gstdio.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// jpeglib.h needs stdio.h first.
#include <jpeglib.h>

// Whether PATH, resolved through links, lies inside DIR (also resolved).
static gboolean
inside_dir(const char *dir, const char *path)
{
    char *rdir = realpath(dir, NULL);
    char *rpath = realpath(path, NULL);
    gboolean inside = FALSE;
    if (rdir != NULL && rpath != NULL) {
        size_t n = strlen(rdir);
        inside = strncmp(rdir, rpath, n) == 0 && (rpath[n] == '/' || strcmp(rdir, "/") == 0);
    }
    free(rdir);
    free(rpath);
    return inside;
}

char *
sc_photo_find(const char *dir, const char *value, const char *id_number, GError **error)
{
    if (dir == NULL)
        dir = ".";
    if (value != NULL && *value != '\0') {
        // A relative path without "..": then the resolved file must still be inside DIR.
        g_auto(GStrv) parts = g_strsplit_set(value, "/\\", -1);
        gboolean dotdot = FALSE;
        for (int i = 0; parts[i] != NULL; i++)
            dotdot |= strcmp(parts[i], "..") == 0;
        if (g_path_is_absolute(value) || value[0] == '\\' || dotdot) {
            g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                        _("'%s' leaves the photo folder; give a path inside %s"), value, dir);
            return NULL;
        }
        char *path = g_build_filename(dir, value, NULL);
        if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
            g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, _("photo %s not found"), path);
            g_free(path);
            return NULL;
        }
        if (!inside_dir(dir, path)) {
            g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                        _("'%s' is a link that leaves the photo folder %s"), value, dir);
            g_free(path);
            return NULL;
        }
        return path;
    }

    // No 照片 cell: <证件号码>.jpg/.jpeg/.png in DIR.
    static const char *const exts[] = {".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"};
    if (id_number != NULL && *id_number != '\0' && strchr(id_number, '/') == NULL &&
        strcmp(id_number, "..") != 0) {
        for (guint i = 0; i < G_N_ELEMENTS(exts); i++) {
            g_autofree char *name = g_strconcat(id_number, exts[i], NULL);
            char *path = g_build_filename(dir, name, NULL);
            if (g_file_test(path, G_FILE_TEST_IS_REGULAR) && inside_dir(dir, path))
                return path;
            g_free(path);
        }
    }
    g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                _("no photo: the 照片 column is empty and %s has no %s.jpg, .jpeg or .png"), dir,
                id_number != NULL && *id_number != '\0' ? id_number : "<证件号码>");
    return NULL;
}

// Read the image file at PATH whole: only a regular file, and never more than the limit
// (sc_file_read()), every failure an SC_ERROR_PHOTO naming the file.
static gboolean
read_file(const char *path, char **data, gsize *len, GError **error)
{
    GError *local = NULL;
    if (!sc_file_read(path, SC_PHOTO_MAX_BYTES, _("use a smaller image"), data, len, &local)) {
        g_set_error_literal(error, SC_ERROR, SC_ERROR_PHOTO, local->message);
        g_error_free(local);
        return FALSE;
    }
    return TRUE;
}

static gboolean
size_ok(const char *path, int w, int h, GError **error)
{
    if (w <= 0 || h <= 0 || w > SC_PHOTO_MAX_SIDE || h > SC_PHOTO_MAX_SIDE ||
        (gint64)w * h > SC_PHOTO_MAX_PIXELS) {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                    _("%s is %d × %d pixels; images must be at most %d pixels a side and %d "
                      "million pixels"),
                    path, w, h, SC_PHOTO_MAX_SIDE, SC_PHOTO_MAX_PIXELS / 1000000);
        return FALSE;
    }
    return TRUE;
}

static gboolean
is_png(const char *data, gsize len)
{
    return len >= 8 && png_sig_cmp((png_const_bytep)data, 0, 8) == 0;
}

static gboolean
is_jpeg(const char *data, gsize len)
{
    return len >= 3 && (guint8)data[0] == 0xFF && (guint8)data[1] == 0xD8 &&
           (guint8)data[2] == 0xFF;
}

// libjpeg reports errors by calling error_exit; ours jumps back to the one function below
// that set the jump point, with the message kept (STYLE.md: setjmp confined to one function).
typedef struct {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_error;

static void
jpeg_error_exit(j_common_ptr cinfo)
{
    jpeg_error *err = (jpeg_error *)cinfo->err;
    err->mgr.format_message(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void
jpeg_silence(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level;
}

// Read a JPEG's header and, when SURFACE is not NULL, decode it into a new RGB24 surface.
static gboolean
jpeg_read(const char *path, const char *data, gsize len, sc_photo_info *info,
          cairo_surface_t **surface, GError **error)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_error err;
    cairo_surface_t *volatile img = NULL;
    JSAMPLE *volatile row = NULL;

    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_error_exit;
    err.mgr.emit_message = jpeg_silence;
    if (setjmp(err.jump)) {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, _("%s: corrupt JPEG (%s)"), path, err.message);
        jpeg_destroy_decompress(&cinfo);
        if (img != NULL)
            cairo_surface_destroy(img);
        g_free(row);
        return FALSE;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, (const unsigned char *)data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    info->format = SC_PHOTO_JPEG;
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    if (!size_ok(path, info->width, info->height, error)) {
        jpeg_destroy_decompress(&cinfo);
        return FALSE;
    }
    if (cinfo.num_components != 1 && cinfo.num_components != 3) {
        g_set_error(
            error, SC_ERROR, SC_ERROR_PHOTO,
            _("%s: a JPEG with %d colour components (CMYK?) is not supported; save it as RGB"),
            path, cinfo.num_components);
        jpeg_destroy_decompress(&cinfo);
        return FALSE;
    }
    if (surface == NULL) {
        jpeg_destroy_decompress(&cinfo);
        return TRUE;
    }

    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, info->width, info->height);
    unsigned char *pixels = cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img);
    row = g_malloc((gsize)info->width * 3);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[1] = {row};
        int y = (int)cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, rows, 1);
        guint32 *dst = (guint32 *)(pixels + (gsize)y * stride);
        for (int x = 0; x < info->width; x++)
            dst[x] = 0xff000000u | (guint32)row[3 * x] << 16 | (guint32)row[3 * x + 1] << 8 |
                     row[3 * x + 2];
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    g_free(row);
    cairo_surface_mark_dirty(img);
    *surface = img;
    return TRUE;
}

// Read a PNG's header and, when SURFACE is not NULL, decode it into a new ARGB32 surface
// (premultiplied, as cairo wants).
static gboolean
png_read(const char *path, const char *data, gsize len, sc_photo_info *info,
         cairo_surface_t **surface, GError **error)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&image, data, len)) {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, _("%s: corrupt PNG (%s)"), path,
                    image.message);
        png_image_free(&image);
        return FALSE;
    }
    info->format = SC_PHOTO_PNG;
    info->width = (int)image.width;
    info->height = (int)image.height;
    if (!size_ok(path, info->width, info->height, error)) {
        png_image_free(&image);
        return FALSE;
    }
    if (surface == NULL) {
        png_image_free(&image);
        return TRUE;
    }

    image.format = PNG_FORMAT_RGBA;
    gsize stride = (gsize)image.width * 4;
    guint8 *rgba = g_malloc(stride * image.height);
    if (!png_image_finish_read(&image, NULL, rgba, (png_int_32)stride, NULL)) {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, _("%s: corrupt PNG (%s)"), path,
                    image.message);
        png_image_free(&image);
        g_free(rgba);
        return FALSE;
    }
    cairo_surface_t *img =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, info->width, info->height);
    unsigned char *pixels = cairo_image_surface_get_data(img);
    int cstride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < info->height; y++) {
        const guint8 *src = rgba + (gsize)y * stride;
        guint32 *dst = (guint32 *)(pixels + (gsize)y * cstride);
        for (int x = 0; x < info->width; x++, src += 4) {
            guint32 a = src[3];
            guint32 r = (src[0] * a + 127) / 255, g = (src[1] * a + 127) / 255,
                    b = (src[2] * a + 127) / 255;
            dst[x] = a << 24 | r << 16 | g << 8 | b;
        }
    }
    g_free(rgba);
    cairo_surface_mark_dirty(img);
    *surface = img;
    return TRUE;
}

static gboolean
probe_data(const char *path, const char *data, gsize len, sc_photo_info *info,
           cairo_surface_t **surface, GError **error)
{
    if (is_png(data, len))
        return png_read(path, data, len, info, surface, error);
    if (is_jpeg(data, len))
        return jpeg_read(path, data, len, info, surface, error);
    g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, _("%s is not a PNG or JPEG image"), path);
    return FALSE;
}

gboolean
sc_photo_probe(const char *path, sc_photo_info *info, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!read_file(path, &data, &len, error))
        return FALSE;
    return probe_data(path, data, len, info, NULL, error);
}

cairo_surface_t *
sc_photo_load(const char *path, gboolean decode_jpeg, const char *unique_id, GError **error)
{
    char *data = NULL;
    gsize len = 0;
    if (!read_file(path, &data, &len, error))
        return NULL;

    sc_photo_info info;
    cairo_surface_t *surface = NULL;
    if (is_jpeg(data, len) && !decode_jpeg) {
        // Only the header: the pixels stay in the JPEG, which the PDF embeds as it is (its own
        // pixels and size).  The carrier is an empty A8 surface, not RGB24: cairo 1.16 copies a
        // source surface's pixels when it is destroyed after being drawn into a PDF (snapshot
        // copy-on-write), 4 ms for a 413 × 579 RGB24 photo, mostly page faults; at a quarter of
        // the size, 1,000 records without a seal went from 5.4 to 2.6 s split, 3.8 to 1.4 s in
        // one PDF.  The PDF is byte for byte the same.
        if (!probe_data(path, data, len, &info, NULL, error)) {
            g_free(data);
            return NULL;
        }
        surface = cairo_image_surface_create(CAIRO_FORMAT_A8, info.width, info.height);
    } else if (!probe_data(path, data, len, &info, &surface, error)) {
        g_free(data);
        return NULL;
    }

    if (info.format == SC_PHOTO_JPEG) {
        cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, (unsigned char *)data, len,
                                    g_free, data);
        data = NULL;
    }
    if (unique_id != NULL) {
        char *id = g_strdup(unique_id);
        cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_UNIQUE_ID, (unsigned char *)id,
                                    strlen(id), g_free, id);
    }
    g_free(data);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, "%s: %s", path,
                    cairo_status_to_string(cairo_surface_status(surface)));
        cairo_surface_destroy(surface);
        return NULL;
    }
    return surface;
}

// The interval of 8-bit colour values C that premultiply by alpha A (1–255) to P the way
// png_read() does, (C × A + 127) / 255, narrowed into [*LO, *HI].
static void
narrow(int p, int a, int *lo, int *hi)
{
    int min = (255 * p - 127 + a - 1) / a, max = (255 * p + 127) / a;
    if (255 * p - 127 < 0)
        min = 0;
    *lo = MAX(*lo, min);
    *hi = MIN(*hi, max);
}

cairo_surface_t *
sc_photo_to_mask(cairo_surface_t *image, double colour[3])
{
    const unsigned char *mime = NULL;
    unsigned long mime_len = 0;
    cairo_surface_get_mime_data(image, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
    if (mime != NULL || cairo_surface_status(image) != CAIRO_STATUS_SUCCESS ||
        cairo_surface_get_type(image) != CAIRO_SURFACE_TYPE_IMAGE ||
        cairo_image_surface_get_format(image) != CAIRO_FORMAT_ARGB32)
        return NULL;

    // One colour: every visible pixel's premultiplied channels are what one colour C gives at
    // its alpha.  Each pixel narrows the interval C may lie in; an empty interval ends it.
    // IMAGE is read as it is, not flushed: cairo 1.16's flush drops a surface's mime data (its
    // unique ID).
    int w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
    int stride = cairo_image_surface_get_stride(image);
    const unsigned char *data = cairo_image_surface_get_data(image);
    int lo[3] = {0, 0, 0}, hi[3] = {255, 255, 255};
    guint32 best = 0; // the most opaque pixel
    for (int y = 0; y < h; y++) {
        const guint32 *row = (const guint32 *)(data + (gsize)y * stride);
        for (int x = 0; x < w; x++) {
            guint32 px = row[x];
            int a = px >> 24;
            if (a == 0)
                continue;
            if (a > (int)(best >> 24))
                best = px;
            for (int c = 0; c < 3; c++) {
                narrow((px >> (16 - 8 * c)) & 0xff, a, &lo[c], &hi[c]);
                if (lo[c] > hi[c])
                    return NULL;
            }
        }
    }
    if (best == 0)
        return NULL; // nothing visible

    // The colour: the most opaque pixel's, unpremultiplied as cairo's PDF output does, within
    // the interval every pixel allows.
    int a = best >> 24;
    for (int c = 0; c < 3; c++) {
        int p = (best >> (16 - 8 * c)) & 0xff;
        colour[c] = CLAMP((p * 255 + a / 2) / a, lo[c], hi[c]) / 255.0;
    }

    cairo_surface_t *mask = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    cairo_surface_flush(mask);
    unsigned char *out = cairo_image_surface_get_data(mask);
    int out_stride = cairo_image_surface_get_stride(mask);
    for (int y = 0; y < h; y++) {
        const guint32 *row = (const guint32 *)(data + (gsize)y * stride);
        unsigned char *dst = out + (gsize)y * out_stride;
        for (int x = 0; x < w; x++)
            dst[x] = row[x] >> 24;
    }
    cairo_surface_mark_dirty(mask);

    // Its own unique ID, so a document embeds the mask once however many pages show it.
    cairo_surface_get_mime_data(image, CAIRO_MIME_TYPE_UNIQUE_ID, &mime, &mime_len);
    if (mime != NULL) {
        char *id = g_strdup_printf("%.*s#alpha", (int)mime_len, (const char *)mime);
        cairo_surface_set_mime_data(mask, CAIRO_MIME_TYPE_UNIQUE_ID, (unsigned char *)id,
                                    strlen(id), g_free, id);
    }
    return mask;
}
