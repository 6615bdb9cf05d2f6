// photo.h - find and load holder photos (SPEC §2: 2-inch colour photo, 35 × 49 mm slot; §4 照片)
// and fixed images such as a seal.  PNG through libpng; JPEG passed into PDFs untouched.
#ifndef SC_PHOTO_H
#define SC_PHOTO_H

#include "error.h"
#include <cairo.h>
#include <glib.h>

// Decompression-bomb guards: larger images are refused before any pixel is decoded.
#define SC_PHOTO_MAX_SIDE 12000
#define SC_PHOTO_MAX_PIXELS (40 * 1000 * 1000)
#define SC_PHOTO_MAX_BYTES (40 * 1024 * 1024)

typedef enum { SC_IMAGE_PNG, SC_IMAGE_JPEG } sc_image_format;

typedef struct {
    sc_image_format format;
    int width, height; // pixels
} sc_image_info;

// The photo file for a record: VALUE (the 照片 cell, a path relative to DIR) when not empty,
// else <ID_NUMBER>.jpg, .jpeg or .png (either case) in DIR.  A path that would leave DIR
// (absolute, "..", or a link pointing outside) is refused.  Returns the path, or NULL with
// *ERROR set (SC_ERROR_PHOTO) saying what was looked for.  Caller frees with g_free().
char *sc_photo_find(const char *dir, const char *value, const char *id_number, GError **error);

// Read the format and size of the image at PATH from its content (not its name), without
// decoding pixels.  FALSE with *ERROR set (SC_ERROR_PHOTO) when it is not a PNG or JPEG, is
// corrupt, or exceeds the limits above.
gboolean sc_image_probe(const char *path, sc_image_info *info, GError **error);

// Load the image at PATH as a cairo surface.  A JPEG carries its file as CAIRO_MIME_TYPE_JPEG
// (so PDF output embeds it as-is) and, when UNIQUE_ID is set, CAIRO_MIME_TYPE_UNIQUE_ID (so an
// image used on many pages is embedded once); its pixels are decoded only when DECODE_JPEG
// (raster output).  NULL with *ERROR set (SC_ERROR_PHOTO).
// Caller frees with cairo_surface_destroy().
cairo_surface_t *sc_image_load(const char *path, gboolean decode_jpeg, const char *unique_id,
                               GError **error);

#endif
