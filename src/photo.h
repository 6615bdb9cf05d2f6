// photo.h - find and load holder photos (SPEC §2: 2-inch colour photo, 35 × 49 mm slot; §4 照片)
// and fixed images such as a seal.  PNG through libpng; JPEG passed into PDFs untouched.
#ifndef SC_PHOTO_H
#define SC_PHOTO_H

#include "error.h"
#include <cairo.h>
#include <glib.h>

// Decompression-bomb guards: larger images are refused before any pixel is decoded.
#define SC_PHOTO_MAX_SIDE   12000
#define SC_PHOTO_MAX_PIXELS (40 * 1000 * 1000)
#define SC_PHOTO_MAX_BYTES  (40 * 1024 * 1024)

typedef enum { SC_PHOTO_PNG, SC_PHOTO_JPEG } sc_photo_format;

typedef struct {
    sc_photo_format format;
    int width, height; // pixels
} sc_photo_info;

// The photo file for a record: VALUE (the 照片 cell, a path relative to DIR) when not empty,
// else <ID_NUMBER>.jpg, .jpeg or .png (either case) in DIR.  A path that would leave DIR
// (absolute, "..", or a link pointing outside) is refused.  Returns the path, or NULL with
// *ERROR set (SC_ERROR_PHOTO) saying what was looked for.  Caller frees with g_free().
char *sc_photo_find(const char *dir, const char *value, const char *id_number, GError **error);

// Read the format and size of the image at PATH from its content (not its name), without
// decoding pixels.  FALSE with *ERROR set (SC_ERROR_PHOTO) when it is not a PNG or JPEG, is
// corrupt, or exceeds the limits above.
gboolean sc_photo_probe(const char *path, sc_photo_info *info, GError **error);

// Load the image at PATH as a cairo surface.  A JPEG carries its file as CAIRO_MIME_TYPE_JPEG
// (so PDF output embeds it as-is) and, when UNIQUE_ID is set, CAIRO_MIME_TYPE_UNIQUE_ID (so an
// image used on many pages is embedded once); its pixels are decoded (RGB24) only when
// DECODE_JPEG (raster output), else the surface is an empty A8 one of the JPEG's size that only
// carries it.  A PNG is ARGB32.  NULL with *ERROR set (SC_ERROR_PHOTO).
// Caller frees with cairo_surface_destroy().
cairo_surface_t *sc_photo_load(const char *path, gboolean decode_jpeg, const char *unique_id,
                               GError **error);

// An ARGB32 IMAGE (from sc_photo_load()) whose visible pixels all have one colour and differ
// only in alpha, as a seal or a signature usually does: its alpha as a new A8 surface, and the
// colour (0–1) in COLOUR, to draw as that colour through the mask (cairo_mask()).  The same
// pixels, but cairo 1.16's PDF holds an 8-bit soft mask and a constant grey image instead of
// RGB plus a soft mask (the example seal: 16 instead of 35 KB, and 1,000 split records 9.0 →
// 5.6 s).  The mask's unique ID is IMAGE's with "#alpha" appended.  NULL when IMAGE has more
// than one colour, nothing visible, or is not ARGB32.  Reads IMAGE as it is, without flushing
// it (which in cairo 1.16 drops mime data).  Borrows IMAGE.
// Caller frees with cairo_surface_destroy().
cairo_surface_t *sc_photo_to_mask(cairo_surface_t *image, double colour[3]);

#endif
