// photo.c - find and load holder photos and fixed images (SPEC §2, §4; DESIGN.md "photo").
#define _XOPEN_SOURCE 700 // realpath()
#include "photo.h"

#include "file.h"

#include "i18n.h"

#include <glib/gstdio.h>
#include <libdeflate.h> // (its CRC-32: zlib's, 7 times faster)
#include <libexif/exif-data.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
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

// DIR/NAME in an allocation of its length: every certificate of a batch keeps its photo's path
// (issue 9), and g_build_filename()'s string keeps its GString's spare room (a path of 40 bytes
// holds 128).
static char *
build_path(const char *dir, const char *name)
{
    g_autofree char *built = g_build_filename(dir, name, NULL);
    return g_strdup(built);
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
        char *path = build_path(dir, value);
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
            char *path = build_path(dir, name);
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

// --- JPEG ------------------------------------------------------------------------------------

// The EXIF orientation (1–8) in the payload of an APP1 segment, or 0 when it is not Exif or
// has none (libexif reads the TIFF structure).
static int
exif_orientation(const guint8 *payload, gsize n)
{
    if (n < 6 || memcmp(payload, "Exif\0\0", 6) != 0 || n > G_MAXUINT)
        return 0;
    ExifData *ed = exif_data_new_from_data(payload, (unsigned int)n);
    if (ed == NULL)
        return 0;
    int o = 0;
    ExifEntry *entry = exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (entry != NULL && entry->format == EXIF_FORMAT_SHORT && entry->components >= 1 &&
        entry->size >= 2)
        o = exif_get_short(entry->data, exif_data_get_byte_order(ed));
    exif_data_unref(ed);
    return o >= 1 && o <= 8 ? o : 0;
}

// Whether a metadata segment (APPn, COM) is one a certificate keeps: APP0 JFIF (the pixel
// aspect), APP2 ICC_PROFILE (the colours), APP14 Adobe (the colour transform).  The others
// carry the camera, the time and place (Exif, GPS), XMP, IPTC, comments (SPEC §5).
static gboolean
keep_segment(guint8 marker, const guint8 *payload, gsize n)
{
    if (marker == 0xE0)
        return n >= 5 && memcmp(payload, "JFIF\0", 5) == 0;
    if (marker == 0xE2)
        return n >= 12 && memcmp(payload, "ICC_PROFILE\0", 12) == 0;
    if (marker == 0xEE)
        return n >= 5 && memcmp(payload, "Adobe", 5) == 0;
    return FALSE;
}

// The end of the entropy-coded data that starts at POS: the next marker other than a restart
// (RSTn) or a stuffed 0xFF 0x00.  G_MAXSIZE when the data ends first.
static gsize
scan_end(const guint8 *d, gsize len, gsize pos)
{
    while (pos < len) {
        const guint8 *ff = memchr(d + pos, 0xFF, len - pos);
        if (ff == NULL || (gsize)(ff - d) + 1 >= len)
            return G_MAXSIZE;
        pos = (gsize)(ff - d);
        guint8 next = d[pos + 1];
        if (next == 0x00 || (next >= 0xD0 && next <= 0xD7))
            pos += 2;
        else if (next == 0xFF)
            pos += 1; // fill bytes before a marker
        else
            return pos;
    }
    return G_MAXSIZE;
}

// Walk a JPEG's segments from SOI to EOI: the proof that the file is whole (a truncated one
// ends before EOI), its EXIF orientation into *ORIENTATION (1 when none), and, when KEPT is not
// NULL, the file without its metadata appended to KEPT (see keep_segment(); nothing after EOI).
static gboolean
jpeg_walk(const char *path, const guint8 *d, gsize len, GByteArray *kept, int *orientation,
          GError **error)
{
    gboolean scanned = FALSE;
    gsize pos = 2; // after SOI
    *orientation = 1;
    if (kept != NULL)
        g_byte_array_append(kept, d, 2);
    while (pos < len) {
        if (d[pos] != 0xFF)
            break;
        while (pos < len && d[pos] == 0xFF)
            pos++;
        if (pos >= len)
            break;
        guint8 m = d[pos++];
        gsize start = pos - 2, seg = 2;
        if (m == 0xD9 && scanned) { // EOI
            if (kept != NULL)
                g_byte_array_append(kept, d + start, 2);
            return TRUE;
        }
        if (m != 0x01 && (m < 0xD0 || m > 0xD7)) { // a segment with a length
            if (pos + 2 > len)
                break;
            seg = 2 + ((gsize)d[pos] << 8 | d[pos + 1]);
            if (seg < 4 || start + seg > len)
                break;
        }
        const guint8 *payload = d + start + 4;
        gsize n = seg - MIN(seg, 4);
        gboolean meta = (m >= 0xE0 && m <= 0xEF) || m == 0xFE;
        if (m == 0xE1 && *orientation == 1 && exif_orientation(payload, n) != 0)
            *orientation = exif_orientation(payload, n);
        gsize end = start + seg;
        if (m == 0xDA) { // SOS: its header, then the entropy-coded data to the next marker
            end = scan_end(d, len, end);
            if (end == G_MAXSIZE)
                break;
            scanned = TRUE;
        }
        if (kept != NULL && (!meta || keep_segment(m, payload, n)))
            g_byte_array_append(kept, d + start, (guint)(end - start));
        pos = end;
    }
    g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                _("%s: the JPEG ends before its end marker (EOI): the file is truncated or "
                  "damaged; copy the photo again from its source"),
                path);
    return FALSE;
}

// libjpeg reports errors by calling error_exit; ours jumps back to the one function below
// that set the jump point, with the message kept (STYLE.md: setjmp confined to one function).
// Warnings (premature end of data, corrupt data) are counted, the first one's text kept.
typedef struct {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    char warning[JMSG_LENGTH_MAX];
} jpeg_error;

static void
jpeg_error_exit(j_common_ptr cinfo)
{
    jpeg_error *err = (jpeg_error *)cinfo->err;
    err->mgr.format_message(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void
jpeg_emit(j_common_ptr cinfo, int level)
{
    jpeg_error *err = (jpeg_error *)cinfo->err;
    if (level < 0) {
        if (err->mgr.num_warnings++ == 0)
            err->mgr.format_message(cinfo, err->warning);
    }
}

// How much of a JPEG jpeg_read() decodes.
typedef enum {
    JPEG_HEADER, // the header only
    JPEG_CHECK,  // every scan, at 1/8 scale in grey, pixels thrown away: proves the data whole
    JPEG_PIXELS, // every pixel, into a new RGB24 surface
} jpeg_mode;

// Decode the started CINFO's rows; into IMG's pixels when IMG is not NULL.
static void
jpeg_rows(struct jpeg_decompress_struct *cinfo, JSAMPLE *row, cairo_surface_t *img)
{
    unsigned char *pixels = img != NULL ? cairo_image_surface_get_data(img) : NULL;
    int stride = img != NULL ? cairo_image_surface_get_stride(img) : 0;
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW rows[1] = {row};
        int y = (int)cinfo->output_scanline;
        jpeg_read_scanlines(cinfo, rows, 1);
        if (pixels == NULL)
            continue;
        guint32 *dst = (guint32 *)(pixels + (gsize)y * stride);
        for (guint x = 0; x < cinfo->output_width; x++)
            dst[x] = 0xff000000u | (guint32)row[3 * x] << 16 | (guint32)row[3 * x + 1] << 8 |
                     row[3 * x + 2];
    }
}

// Read a JPEG's header (stored size into *W, *H) and decode as MODE says; JPEG_PIXELS sets
// *SURFACE.
static gboolean
jpeg_read(const char *path, const char *data, gsize len, jpeg_mode mode, int *w, int *h,
          cairo_surface_t **surface, GError **error)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_error err;
    cairo_surface_t *volatile img = NULL;
    JSAMPLE *volatile row = NULL;

    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = jpeg_error_exit;
    err.mgr.emit_message = jpeg_emit;
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
    *w = (int)cinfo.image_width;
    *h = (int)cinfo.image_height;
    gboolean ok = size_ok(path, *w, *h, error);
    if (ok && cinfo.num_components != 1 && cinfo.num_components != 3) {
        g_set_error(
            error, SC_ERROR, SC_ERROR_PHOTO,
            _("%s: a JPEG with %d colour components (CMYK?) is not supported; save it as RGB"),
            path, cinfo.num_components);
        ok = FALSE;
    }
    if (ok && mode != JPEG_HEADER) {
        cinfo.out_color_space = JCS_RGB;
        if (mode == JPEG_CHECK) { // every scan's data decoded, the least made of it
            cinfo.scale_num = 1;
            cinfo.scale_denom = 8;
            cinfo.out_color_space = JCS_GRAYSCALE; // (no colour conversion: 15 % less time)
        }
        jpeg_start_decompress(&cinfo);
        if (mode == JPEG_PIXELS)
            img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, *w, *h);
        row = g_malloc((gsize)cinfo.output_width * 3);
        jpeg_rows(&cinfo, row, img);
        jpeg_finish_decompress(&cinfo);
        if (err.mgr.num_warnings > 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                        _("%s: the JPEG's image data is damaged (%s); copy the photo again from "
                          "its source"),
                        path, err.warning);
            ok = FALSE;
        }
    }
    jpeg_destroy_decompress(&cinfo);
    g_free(row);
    if (img != NULL && ok) {
        cairo_surface_mark_dirty(img);
        *surface = img;
    } else if (img != NULL) {
        cairo_surface_destroy(img);
    }
    return ok;
}

// --- PNG -------------------------------------------------------------------------------------

#define PNG_OPAQUE_MIN      230  // alpha (of 255) below which a pixel lets the paper through
#define PNG_CLEAR_SHARE_MAX 0.05 // of the middle's pixels

// Whether a photo's middle (the middle half each way, where the face is) is partly transparent:
// more than 5 % of its pixels below 90 % opacity.  Transparent corners of a cut-out are fine.
static gboolean
png_washed_out(const guint8 *rgba, int w, int h)
{
    gint64 clear = 0, all = 0;
    for (int y = h / 4; y < h - h / 4; y++)
        for (int x = w / 4; x < w - w / 4; x++, all++)
            clear += rgba[((gsize)y * w + x) * 4 + 3] < PNG_OPAQUE_MIN;
    return all > 0 && clear > PNG_CLEAR_SHARE_MAX * all;
}

// The RGBA pixels into a new ARGB32 surface (premultiplied, as cairo wants), or RGB24 when the
// PNG has no alpha: cairo's PDF output then skips its scan for transparency and its soft mask.
static cairo_surface_t *
png_surface(const guint8 *rgba, int w, int h, gboolean alpha)
{
    cairo_surface_t *img =
        cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, h);
    unsigned char *pixels = cairo_image_surface_get_data(img);
    int cstride = cairo_image_surface_get_stride(img);
    for (int y = 0; y < h; y++) {
        const guint8 *src = rgba + (gsize)y * w * 4;
        guint32 *dst = (guint32 *)(pixels + (gsize)y * cstride);
        for (int x = 0; x < w; x++, src += 4) {
            guint32 a = src[3];
            guint32 r = (src[0] * a + 127) / 255, g = (src[1] * a + 127) / 255,
                    b = (src[2] * a + 127) / 255;
            dst[x] = a << 24 | r << 16 | g << 8 | b;
        }
    }
    cairo_surface_mark_dirty(img);
    return img;
}

// Read a PNG's header and decode it through IEND (libpng fails on a truncated IDAT stream);
// CHECK also refuses a washed-out photo (png_washed_out()); SURFACE, when not NULL, gets the
// pixels as a new surface (png_surface()).  HEADER_ONLY stops after the header.
static gboolean
png_read(const char *path, const char *data, gsize len, gboolean header_only, gboolean check,
         int *w, int *h, cairo_surface_t **surface, GError **error)
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
    *w = (int)image.width;
    *h = (int)image.height;
    if (!size_ok(path, *w, *h, error)) {
        png_image_free(&image);
        return FALSE;
    }
    if (header_only) {
        png_image_free(&image);
        return TRUE;
    }

    gboolean alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0; // an alpha channel or tRNS
    image.format = PNG_FORMAT_RGBA;
    guint8 *rgba = g_malloc((gsize)*w * 4 * *h);
    gboolean ok = png_image_finish_read(&image, NULL, rgba, (png_int_32)(*w * 4), NULL);
    if (!ok)
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                    _("%s: corrupt PNG: its image data is truncated or damaged (%s); copy the "
                      "photo again from its source"),
                    path, image.message);
    else if (check && png_washed_out(rgba, *w, *h)) {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                    _("%s: the photo is partly transparent and would print washed out: save it "
                      "without transparency"),
                    path);
        ok = FALSE;
    }
    if (ok && surface != NULL)
        *surface = png_surface(rgba, *w, *h, alpha);
    png_image_free(&image);
    g_free(rgba);
    return ok;
}

// --- PNG passthrough -------------------------------------------------------------------------

static guint32
be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

// What png_idat() found of a PNG.
typedef struct {
    int w, h;
    int colors;     // 1 (grey) or 3 (RGB)
    gsize idat_len; // the length of its IDAT data, every chunk's together
    guint8 zlib[2]; // their first two bytes (the zlib header), when IDAT_LEN >= 2
} png_found;

// Whether the PNG in D can go into a PDF as it is (issue 15): 8 bits per channel, grey or RGB
// without alpha or tRNS, not interlaced, no ICC profile and no gamma but sRGB's; then what it is
// into *PI, and its IDAT data, concatenated, appended to OUT (when not NULL).  The file must
// reach IEND, and with CRC every chunk's CRC is checked (png_intact()): without, for bytes proved
// so before.  The PDF's /FlateDecode with /Predictor 15 reads IDAT data as is.
static gboolean
png_idat(const guint8 *d, gsize len, gboolean crc, png_found *pi, GByteArray *out)
{
    gsize pos = 8;
    gboolean ihdr = FALSE;
    memset(pi, 0, sizeof *pi);
    while (pos + 12 <= len) {
        guint32 n = be32(d + pos);
        const guint8 *type = d + pos + 4, *body = d + pos + 8;
        if (n > len - pos - 12 || (crc && libdeflate_crc32(0, type, n + 4) != be32(body + n)))
            return FALSE;
        if (memcmp(type, "IHDR", 4) == 0) {
            if (n != 13 || body[8] != 8 || (body[9] != 0 && body[9] != 2) || body[10] != 0 ||
                body[11] != 0 || body[12] != 0 || be32(body) > G_MAXINT ||
                be32(body + 4) > G_MAXINT)
                return FALSE;
            pi->w = (int)be32(body);
            pi->h = (int)be32(body + 4);
            pi->colors = body[9] == 2 ? 3 : 1;
            ihdr = TRUE;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            for (guint32 k = 0; k < n && pi->idat_len + k < 2; k++)
                pi->zlib[pi->idat_len + k] = body[k];
            pi->idat_len += n;
            if (out != NULL)
                g_byte_array_append(out, body, n);
        } else if (memcmp(type, "IEND", 4) == 0) {
            return ihdr && pi->idat_len > 0;
        } else if (memcmp(type, "tRNS", 4) == 0 || memcmp(type, "iCCP", 4) == 0 ||
                   (memcmp(type, "gAMA", 4) == 0 && (n != 4 || be32(body) != 45455))) {
            return FALSE; // transparency, or colours a PDF would show otherwise than libpng
        }
        pos += 12 + (gsize)n;
    }
    return FALSE;
}

// Whether the PNG in DATA goes into a PDF as it is (png_idat()) and is intact: every chunk's CRC
// right, IEND reached, its zlib stream's header valid (RFC 1950 §2.2).  Such a PNG is not decoded
// to prove it (issue 15: decoding a 413 × 579 photo took longer than all the rest of its
// certificate): the CRCs catch a damaged or cut file, and skillcert never inflates the data (the
// reader does, as for a JPEG's scans).  Its size into *W, *H.
static gboolean
png_intact(const char *data, gsize len, int *w, int *h)
{
    png_found pi;
    if (!png_idat((const guint8 *)data, len, TRUE, &pi, NULL) || pi.idat_len < 2)
        return FALSE;
    *w = pi.w;
    *h = pi.h;
    guint cmf = pi.zlib[0], flg = pi.zlib[1];
    return (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0 && !(flg & 0x20);
}

// The stub: SOI, a COM segment saying what it is (padded: room for the finish stage to write the
// image's dictionary over the stub where it stands), an SOF0 of the PNG's size and channels (all
// cairo 1.16 reads of "JPEG" mime data), EOI, then the IDAT data.
static const char stub_mark[] = "skillcert-png-idat"; // with its NUL: 19 bytes
#define STUB_PAD 96
#define STUB_SOF (2 + 2 + 2 + sizeof stub_mark + STUB_PAD) // SOI, COM marker, length, body

// The stub of the PNG in D (LEN bytes, PI as png_idat() found it) appended to OUT: its head, then
// its IDAT data copied once.
static void
png_stub(const guint8 *d, gsize len, const png_found *pi, GByteArray *out)
{
    const guint8 head[] = {0xFF, 0xD8, 0xFF, 0xFE, 0, 2 + sizeof stub_mark + STUB_PAD};
    g_byte_array_append(out, head, sizeof head);
    g_byte_array_append(out, (const guint8 *)stub_mark, sizeof stub_mark);
    const guint8 pad[STUB_PAD] = {0};
    g_byte_array_append(out, pad, sizeof pad);
    const guint8 sof[] = {0xFF,
                          0xC0,
                          0,
                          (guint8)(8 + 3 * pi->colors),
                          8,
                          (guint8)(pi->h >> 8),
                          (guint8)pi->h,
                          (guint8)(pi->w >> 8),
                          (guint8)pi->w,
                          (guint8)pi->colors};
    g_byte_array_append(out, sof, sizeof sof);
    for (guint8 c = 1; c <= pi->colors; c++) {
        const guint8 comp[] = {c, 0x11, 0};
        g_byte_array_append(out, comp, sizeof comp);
    }
    const guint8 eoi[] = {0xFF, 0xD9};
    g_byte_array_append(out, eoi, sizeof eoi);
    png_found again;
    guint at = out->len;
    g_byte_array_set_size(out, at + (guint)pi->idat_len); // (room made once)
    g_byte_array_set_size(out, at);
    png_idat(d, len, FALSE, &again, out);
}

gboolean
sc_photo_png_stub_parse(const guint8 *data, gsize len, int *colors, int *columns, gsize *offset)
{
    if (len < STUB_SOF + 4 || memcmp(data, "\xFF\xD8\xFF\xFE\0", 5) != 0 ||
        data[5] != 2 + sizeof stub_mark + STUB_PAD ||
        memcmp(data + 6, stub_mark, sizeof stub_mark) != 0 || data[STUB_SOF] != 0xFF ||
        data[STUB_SOF + 1] != 0xC0)
        return FALSE;
    gsize n = (gsize)data[STUB_SOF + 2] << 8 | data[STUB_SOF + 3];
    gsize end = STUB_SOF + 2 + n;
    if (n < 8 || end + 2 > len || data[end] != 0xFF || data[end + 1] != 0xD9)
        return FALSE;
    *colors = data[STUB_SOF + 9];
    *columns = data[STUB_SOF + 7] << 8 | data[STUB_SOF + 8];
    *offset = end + 2;
    return *colors == 1 || *colors == 3;
}

// --- Both ------------------------------------------------------------------------------------

// How a file is read: probed (the whole file proved, nothing kept), or loaded (for drawing).
typedef enum {
    READ_PROBE,  // prove it whole (JPEG: segments and a 1/8 decode; PNG: png_intact() or a
                 // decode), no pixels
    READ_CARRY,  // the JPEG's data and header only (PDF passthrough); PNG decoded
    READ_PIXELS, // every pixel
} read_mode;

// Read the image in DATA: fills *INFO (the shown size, the orientation); in READ_CARRY and
// READ_PIXELS sets *SURFACE (for a JPEG in READ_CARRY an empty A8 one of its stored size) and,
// for a JPEG, KEPT gets the data without metadata (jpeg_walk()).
// The key of a carrier's stored size (cairo user data: W << 32 | H).
static const cairo_user_data_key_t size_key;

// The surface that carries a W × H image's data for PDF output (CAIRO_MIME_TYPE_JPEG): one A8
// pixel, its size kept aside (sc_photo_get_size()).  Not W × H: cairo 1.16 scans every pixel of
// an image with alpha on every page that draws it (to learn whether it is opaque), 16 % of a
// 1,000-page PDF, and copies them when the surface is freed.
static cairo_surface_t *
carrier(int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_surface_set_user_data(s, &size_key, GSIZE_TO_POINTER((gsize)w << 32 | (gsize)h), NULL);
    return s;
}

static gboolean
read_image(const char *path, const char *data, gsize len, read_mode mode, gboolean intact,
           sc_photo_info *info, cairo_surface_t **surface, GByteArray *kept, GError **error)
{
    int w = 0, h = 0;
    info->orientation = 1;
    png_found pi;
    if (is_png(data, len) && mode == READ_CARRY && kept != NULL) {
        // For PDF output, a PNG that can go in as it is (png_idat()) is carried as a stub; its
        // CRCs checked again unless the probe proved these very bytes (INTACT).
        info->format = SC_PHOTO_PNG;
        if (png_idat((const guint8 *)data, len, !intact, &pi, NULL) &&
            size_ok(path, pi.w, pi.h, NULL)) {
            png_stub((const guint8 *)data, len, &pi, kept);
            w = pi.w;
            h = pi.h;
            *surface = carrier(w, h);
        } else if (!png_read(path, data, len, FALSE, FALSE, &w, &h, surface, error)) {
            return FALSE;
        }
    } else if (is_png(data, len) && mode == READ_PROBE && png_intact(data, len, &w, &h)) {
        info->format = SC_PHOTO_PNG;
        if (!size_ok(path, w, h, error))
            return FALSE;
    } else if (is_png(data, len)) {
        info->format = SC_PHOTO_PNG;
        if (!png_read(path, data, len, FALSE, mode == READ_PROBE, &w, &h,
                      mode == READ_PROBE ? NULL : surface, error))
            return FALSE;
    } else if (is_jpeg(data, len)) {
        info->format = SC_PHOTO_JPEG;
        if (!jpeg_walk(path, (const guint8 *)data, len, kept, &info->orientation, error))
            return FALSE;
        jpeg_mode jm = mode == READ_PROBE   ? JPEG_CHECK
                       : mode == READ_CARRY ? JPEG_HEADER
                                            : JPEG_PIXELS;
        if (!jpeg_read(path, data, len, jm, &w, &h, surface, error))
            return FALSE;
        // The carrier is an empty A8 surface, not RGB24: cairo 1.16 copies a source surface's
        // pixels when it is destroyed after being drawn into a PDF (snapshot copy-on-write),
        // 4 ms for a 413 × 579 RGB24 photo, mostly page faults; at a quarter of the size,
        // 1,000 records without a seal went from 5.4 to 2.6 s split, 3.8 to 1.4 s in one PDF.
        if (mode == READ_CARRY)
            *surface = carrier(w, h);
    } else {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, _("%s is not a PNG or JPEG image"), path);
        return FALSE;
    }
    // EXIF orientations 5–8 turn the picture a quarter: it is shown H × W.
    info->width = info->orientation >= 5 ? h : w;
    info->height = info->orientation >= 5 ? w : h;
    return TRUE;
}

struct sc_photo_files {
    GMutex lock;
    GHashTable *kept;   // path -> GBytes
    GHashTable *intact; // the paths of KEPT whose bytes a probe proved whole
    gsize held, max;
};

sc_photo_files *
sc_photo_files_new(gsize max_bytes)
{
    sc_photo_files *files = g_new0(sc_photo_files, 1);
    g_mutex_init(&files->lock);
    files->kept =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    files->intact = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    files->max = max_bytes;
    return files;
}

void
sc_photo_files_free(sc_photo_files *files)
{
    if (files == NULL)
        return;
    g_hash_table_unref(files->kept);
    g_hash_table_unref(files->intact);
    g_mutex_clear(&files->lock);
    g_free(files);
}

// The bytes of the file at PATH: kept in FILES when read before, else read (and kept while
// FILES has room; FILES may be NULL).  NULL with *ERROR set.  Caller frees with g_bytes_unref().
static GBytes *
file_bytes(sc_photo_files *files, const char *path, GError **error)
{
    GBytes *bytes = NULL;
    if (files != NULL) {
        g_mutex_lock(&files->lock);
        bytes = g_hash_table_lookup(files->kept, path);
        if (bytes != NULL)
            g_bytes_ref(bytes);
        g_mutex_unlock(&files->lock);
        if (bytes != NULL)
            return bytes;
    }
    char *data = NULL;
    gsize len = 0;
    if (!read_file(path, &data, &len, error))
        return NULL;
    bytes = g_bytes_new_take(data, len);
    if (files != NULL) {
        g_mutex_lock(&files->lock);
        if (files->held + len <= files->max && !g_hash_table_contains(files->kept, path)) {
            g_hash_table_insert(files->kept, g_strdup(path), g_bytes_ref(bytes));
            files->held += len;
        }
        g_mutex_unlock(&files->lock);
    }
    return bytes;
}

gboolean
sc_photo_probe_in(sc_photo_files *files, const char *path, sc_photo_info *info, GError **error)
{
    g_autoptr(GBytes) bytes = file_bytes(files, path, error);
    if (bytes == NULL)
        return FALSE;
    gsize len = 0;
    const char *data = g_bytes_get_data(bytes, &len);
    if (!read_image(path, data, len, READ_PROBE, FALSE, info, NULL, NULL, error))
        return FALSE;
    if (files != NULL) { // these bytes, kept for drawing, need no proof again
        g_mutex_lock(&files->lock);
        if (g_hash_table_lookup(files->kept, path) == bytes)
            g_hash_table_add(files->intact, g_strdup(path));
        g_mutex_unlock(&files->lock);
    }
    return TRUE;
}

gboolean
sc_photo_probe(const char *path, sc_photo_info *info, GError **error)
{
    return sc_photo_probe_in(NULL, path, info, error);
}

// The key of a loaded image's orientation (cairo user data: a constant, no state).
static const cairo_user_data_key_t orientation_key;

cairo_surface_t *
sc_photo_load(const char *path, gboolean decode_jpeg, const char *unique_id, GError **error)
{
    return sc_photo_load_in(NULL, path, decode_jpeg, unique_id, error);
}

cairo_surface_t *
sc_photo_load_in(sc_photo_files *files, const char *path, gboolean decode_jpeg,
                 const char *unique_id, GError **error)
{
    g_autoptr(GBytes) bytes = file_bytes(files, path, error);
    if (bytes == NULL)
        return NULL;
    // Drawn now: its room goes to the photos still to come.
    gboolean intact = FALSE; // proved whole by a probe (sc_photo_probe_in())
    if (files != NULL) {
        g_mutex_lock(&files->lock);
        intact = g_hash_table_lookup(files->kept, path) == bytes &&
                 g_hash_table_contains(files->intact, path);
        g_hash_table_remove(files->intact, path);
        if (g_hash_table_remove(files->kept, path))
            files->held -= g_bytes_get_size(bytes);
        g_mutex_unlock(&files->lock);
    }
    gsize len = 0;
    const char *data = g_bytes_get_data(bytes, &len);

    // Only the header of a JPEG for PDF output: its data, without metadata, goes into the PDF
    // as it is (its own pixels and size).
    sc_photo_info info;
    cairo_surface_t *surface = NULL;
    GByteArray *kept = g_byte_array_new();
    if (!read_image(path, data, len, decode_jpeg ? READ_PIXELS : READ_CARRY, intact, &info,
                    &surface, kept, error)) {
        g_byte_array_unref(kept);
        return NULL;
    }
    if (kept->len > 0) { // a JPEG, or a PNG's stub (sc_photo_png_stub_parse())
        guint kept_len = kept->len;
        guint8 *bytes = g_byte_array_free(g_steal_pointer(&kept), FALSE);
        cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_JPEG, bytes, kept_len, g_free, bytes);
    } else {
        g_byte_array_unref(kept);
    }
    if (info.orientation != 1)
        cairo_surface_set_user_data(surface, &orientation_key, GINT_TO_POINTER(info.orientation),
                                    NULL);
    if (unique_id != NULL) {
        char *id = g_strdup(unique_id);
        cairo_surface_set_mime_data(surface, CAIRO_MIME_TYPE_UNIQUE_ID, (unsigned char *)id,
                                    strlen(id), g_free, id);
    }
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, "%s: %s", path,
                    cairo_status_to_string(cairo_surface_status(surface)));
        cairo_surface_destroy(surface);
        return NULL;
    }
    return surface;
}

void
sc_photo_get_size(cairo_surface_t *image, double *w, double *h)
{
    gsize wh = GPOINTER_TO_SIZE(cairo_surface_get_user_data(image, &size_key));
    *w = wh != 0 ? (double)(wh >> 32) : cairo_image_surface_get_width(image);
    *h = wh != 0 ? (double)(wh & 0xffffffffu) : cairo_image_surface_get_height(image);
}

int
sc_photo_get_orientation(cairo_surface_t *image)
{
    int o = GPOINTER_TO_INT(cairo_surface_get_user_data(image, &orientation_key));
    return o >= 1 && o <= 8 ? o : 1;
}

void
sc_photo_orientation_matrix(int orientation, double w, double h, cairo_matrix_t *matrix)
{
    // Stored pixel (x, y) → shown (x', y'), as EXIF 2.3 defines the Orientation tag (0x0112);
    // cairo_matrix_init(xx, yx, xy, yy, x0, y0): x' = xx·x + xy·y + x0, y' = yx·x + yy·y + y0.
    switch (orientation) {
    case 2: cairo_matrix_init(matrix, -1, 0, 0, 1, w, 0); break;  // mirrored left–right
    case 3: cairo_matrix_init(matrix, -1, 0, 0, -1, w, h); break; // turned 180°
    case 4: cairo_matrix_init(matrix, 1, 0, 0, -1, 0, h); break;  // mirrored top–bottom
    case 5: cairo_matrix_init(matrix, 0, 1, 1, 0, 0, 0); break;   // transposed
    case 6: cairo_matrix_init(matrix, 0, 1, -1, 0, h, 0); break;  // turned 90° clockwise
    case 7: cairo_matrix_init(matrix, 0, -1, -1, 0, h, w); break; // transversed
    case 8: cairo_matrix_init(matrix, 0, -1, 1, 0, 0, w); break;  // turned 90° anticlockwise
    default: cairo_matrix_init_identity(matrix); break;
    }
}

double
sc_photo_dark_share(cairo_surface_t *image)
{
    if (cairo_surface_get_type(image) != CAIRO_SURFACE_TYPE_IMAGE)
        return 0;
    cairo_format_t format = cairo_image_surface_get_format(image);
    if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24)
        return 0;
    int w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
    int stride = cairo_image_surface_get_stride(image);
    const unsigned char *data = cairo_image_surface_get_data(image);
    if (w <= 0 || h <= 0 || data == NULL)
        return 0;
    // Over white paper a premultiplied pixel shows P + (255 − A) in each channel.
    const int dark_max = (int)(SC_PHOTO_DARK_MAX * 255);
    gint64 dark = 0;
    for (int y = 0; y < h; y++) {
        const guint32 *row = (const guint32 *)(data + (gsize)y * stride);
        for (int x = 0; x < w; x++) {
            guint32 px = row[x];
            int paper = format == CAIRO_FORMAT_ARGB32 ? 255 - (int)(px >> 24) : 0;
            int r = ((px >> 16) & 0xff) + paper, g = ((px >> 8) & 0xff) + paper,
                b = (px & 0xff) + paper;
            dark += MAX(r, MAX(g, b)) < dark_max;
        }
    }
    return (double)dark / ((double)w * h);
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

GBytes *
sc_photo_jpeg_icc(const guint8 *jpeg, gsize len)
{
    // The APP2 ICC_PROFILE segments before the first scan, each "ICC_PROFILE\0", its sequence
    // number (from 1) and the count, then its part of the profile (ICC.1:2010 Annex B.4).
    GPtrArray *parts = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    guint count = 0;
    gsize pos = 2;
    while (jpeg != NULL && len >= 4 && jpeg[0] == 0xFF && jpeg[1] == 0xD8 && pos + 4 <= len &&
           jpeg[pos] == 0xFF) {
        guint8 marker = jpeg[pos + 1];
        if (marker == 0xDA || marker == 0xD9)
            break; // the scan or the end: no segment of ours after it
        gsize n = ((gsize)jpeg[pos + 2] << 8) | jpeg[pos + 3];
        if (n < 2 || pos + 2 + n > len)
            break;
        const guint8 *payload = jpeg + pos + 4;
        gsize size = n - 2;
        if (marker == 0xE2 && size > 14 && memcmp(payload, "ICC_PROFILE\0", 12) == 0 &&
            payload[12] >= 1) {
            guint seq = payload[12];
            count = payload[13];
            if (parts->len < seq)
                g_ptr_array_set_size(parts, seq);
            if (parts->pdata[seq - 1] == NULL)
                parts->pdata[seq - 1] = g_bytes_new(payload + 14, size - 14);
        }
        pos += 2 + n;
    }
    GBytes *profile = NULL;
    gboolean whole = count > 0 && parts->len == count;
    for (guint i = 0; whole && i < parts->len; i++)
        whole = parts->pdata[i] != NULL;
    if (whole) {
        GByteArray *all = g_byte_array_new();
        for (guint i = 0; i < parts->len; i++) {
            gsize n;
            const guint8 *d = g_bytes_get_data(parts->pdata[i], &n);
            g_byte_array_append(all, d, (guint)n);
        }
        profile = g_byte_array_free_to_bytes(all);
    }
    g_ptr_array_unref(parts);
    return profile;
}

// --- Single-colour images carried for PDF ---------------------------------------------------

// The alpha of every carried image (sc_photo_mask_carrier()), deflated once for the batch:
// stub key → GBytes.  Shared by the threads drawing split files.
static GMutex carried_lock;
static GHashTable *carried;

static const char mask_mark[] = "skillcert-mask"; // with its NUL: 15 bytes

// RAW_LEN bytes of RAW compressed with zlib using STRATEGY.  An alpha mask is runs of one byte:
// Z_RLE makes the example seal's 13.8 KB in 1.5 ms, against 16 KB in 4.6 ms at the default and
// 14 KB in 53 ms at level 9.
static GBytes *
deflated(const guint8 *raw, gsize raw_len, int strategy)
{
    z_stream z = {0};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15, 8, strategy) != Z_OK)
        return NULL;
    gsize bound = deflateBound(&z, raw_len);
    guint8 *out = g_malloc(bound);
    z.next_in = (Bytef *)raw; // zlib 1.2 without ZLIB_CONST: not written to
    z.avail_in = (uInt)raw_len;
    z.next_out = out;
    z.avail_out = (uInt)bound;
    int rc = deflate(&z, Z_FINISH);
    gsize n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        g_free(out);
        return NULL;
    }
    return g_bytes_new_take(out, n);
}

cairo_surface_t *
sc_photo_mask_carrier(cairo_surface_t *mask, const double colour[3], const char *unique_id)
{
    g_return_val_if_fail(cairo_image_surface_get_format(mask) == CAIRO_FORMAT_A8, NULL);
    cairo_surface_flush(mask);
    int w = cairo_image_surface_get_width(mask), h = cairo_image_surface_get_height(mask);
    guint8 rgb[3];
    for (int k = 0; k < 3; k++)
        rgb[k] = (guint8)lround(CLAMP(colour[k], 0, 1) * 255);
    gsize pixels = (gsize)w * h;
    g_autofree guint8 *raw = g_malloc(pixels * 3);
    for (gsize i = 0; i < pixels; i++)
        memcpy(raw + 3 * i, rgb, 3);
    g_autoptr(GBytes) colours = deflated(raw, pixels * 3, Z_DEFAULT_STRATEGY);
    const guint8 *a = cairo_image_surface_get_data(mask);
    int stride = cairo_image_surface_get_stride(mask);
    for (int y = 0; y < h; y++)
        memcpy(raw + (gsize)y * w, a + (gsize)y * stride, (gsize)w);
    GBytes *alpha = deflated(raw, pixels, Z_RLE);
    if (colours == NULL || alpha == NULL || w > 0xFFFF || h > 0xFFFF) {
        g_clear_pointer(&alpha, g_bytes_unref);
        return NULL;
    }
    // The stub: SOI, a COM segment (the mark, the alpha's key, room for the finish stage's
    // dictionary), an SOF0 of the size with 3 components, EOI, then the colour data.
    g_autofree char *key = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, alpha);
    GByteArray *stub = g_byte_array_new();
    const guint8 head[] = {0xFF, 0xD8, 0xFF, 0xFE, 0, 2 + sizeof mask_mark + 64 + STUB_PAD};
    g_byte_array_append(stub, head, sizeof head);
    g_byte_array_append(stub, (const guint8 *)mask_mark, sizeof mask_mark);
    guint8 room[64 + STUB_PAD] = {0};
    memcpy(room, key, 64);
    g_byte_array_append(stub, room, sizeof room);
    const guint8 sof[] = {0xFF,      0xC0,
                          0,         17,
                          8,         (guint8)(h >> 8),
                          (guint8)h, (guint8)(w >> 8),
                          (guint8)w, 3,
                          1,         0x11,
                          0,         2,
                          0x11,      0,
                          3,         0x11,
                          0};
    g_byte_array_append(stub, sof, sizeof sof);
    const guint8 eoi[] = {0xFF, 0xD9};
    g_byte_array_append(stub, eoi, sizeof eoi);
    g_byte_array_append(stub, g_bytes_get_data(colours, NULL), g_bytes_get_size(colours));

    g_mutex_lock(&carried_lock);
    if (carried == NULL)
        carried =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
    g_hash_table_replace(carried, g_strdup(key), alpha);
    g_mutex_unlock(&carried_lock);

    // One pixel standing for W × H, as a photo's (carrier()): cairo 1.16 scanned the 600 × 600
    // seal's empty alpha on every page, 8 % of a 1,000-page PDF.
    cairo_surface_t *s = carrier(w, h);
    guint len = stub->len;
    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, g_byte_array_free(stub, FALSE), len,
                                g_free, NULL);
    if (unique_id != NULL) {
        char *id = g_strdup_printf("%s#carried", unique_id);
        cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_UNIQUE_ID, (unsigned char *)id, strlen(id),
                                    g_free, id);
    }
    return s;
}

GBytes *
sc_photo_mask_stub_parse(const guint8 *data, gsize len, int *width, int *height, gsize *offset)
{
    const gsize sof = 6 + sizeof mask_mark + 64 + STUB_PAD;
    if (len < sof + 21 || memcmp(data, "\xFF\xD8\xFF\xFE\0", 5) != 0 ||
        data[5] != 2 + sizeof mask_mark + 64 + STUB_PAD ||
        memcmp(data + 6, mask_mark, sizeof mask_mark) != 0 || data[sof] != 0xFF ||
        data[sof + 1] != 0xC0 || data[sof + 19] != 0xFF || data[sof + 20] != 0xD9)
        return NULL;
    g_autofree char *key = g_strndup((const char *)data + 6 + sizeof mask_mark, 64);
    *height = data[sof + 5] << 8 | data[sof + 6];
    *width = data[sof + 7] << 8 | data[sof + 8];
    *offset = sof + 21;
    g_mutex_lock(&carried_lock);
    GBytes *alpha = carried != NULL ? g_hash_table_lookup(carried, key) : NULL;
    if (alpha != NULL)
        g_bytes_ref(alpha);
    g_mutex_unlock(&carried_lock);
    return alpha;
}
