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
    int width, height; // pixels as every viewer shows the image: after its EXIF orientation
    int orientation;   // EXIF orientation 1–8 (1: shown as stored; 5–8 swap the sides)
} sc_photo_info;

// The photo file for a record: VALUE (the 照片 cell, a path relative to DIR) when not empty,
// else <ID_NUMBER>.jpg, .jpeg or .png (either case) in DIR.  A path that would leave DIR
// (absolute, "..", or a link pointing outside) is refused.  Returns the path, or NULL with
// *ERROR set (SC_ERROR_PHOTO) saying what was looked for.  Caller frees with g_free().
char *sc_photo_find(const char *dir, const char *value, const char *id_number, GError **error);

// Read the format, shown size and orientation of the image at PATH from its content (not its
// name), reading the file once, and prove it whole without keeping its pixels: a JPEG's segments
// are walked to its end marker (EOI) and it is decoded at 1/8 scale with every libjpeg warning
// (premature end, corrupt data) an error; a PNG is decoded through its last IDAT to IEND, but
// one that goes into a PDF as it is (see sc_photo_load()) is proved by its chunks' CRCs and
// zlib header instead, its data never being inflated by skillcert (issue 15).  FALSE
// with *ERROR set (SC_ERROR_PHOTO) when it is not a PNG or JPEG, is truncated or corrupt,
// exceeds the limits above, or is a PNG whose middle (the face) is partly transparent, which
// prints washed out (issue 10).
gboolean sc_photo_probe(const char *path, sc_photo_info *info, GError **error);

// Load the image at PATH as a cairo surface.  A JPEG carries its file as CAIRO_MIME_TYPE_JPEG
// (so PDF output embeds it as-is) and, when UNIQUE_ID is set, CAIRO_MIME_TYPE_UNIQUE_ID (so an
// image used on many pages is embedded once); its pixels are decoded (RGB24) only when
// DECODE_JPEG (raster output), else the surface is a one-pixel A8 one that only carries it (its
// size: sc_photo_get_size()).  The JPEG data is the file without its metadata (SPEC §5: no EXIF,
// GPS or XMP in a certificate): APP1 (Exif, XMP), APP13 (Photoshop, IPTC), COM and every other APPn
// segment but APP0 JFIF, APP2 ICC_PROFILE and APP14 Adobe are left out, and whatever follows EOI;
// every other byte (tables, frame, scans) is the file's.  The surface holds the pixels as stored:
// draw it through sc_photo_get_orientation().  A PNG is ARGB32, or RGB24 when it has no alpha; but
// for PDF output (not DECODE_JPEG) an 8-bit grey or RGB PNG without alpha, tRNS, interlace, ICC
// profile or a gamma other than sRGB's is carried like a JPEG, its IDAT data as is (issue 15:
// no decoding and no deflating again, bit-exact): a one-pixel A8 carrier with, as
// CAIRO_MIME_TYPE_JPEG, a stub that cairo 1.16 takes for a JPEG and the finish stage turns into
// the PNG's image object (sc_photo_png_stub_parse()).  NULL with *ERROR set (SC_ERROR_PHOTO).
// Caller frees with cairo_surface_destroy().
cairo_surface_t *sc_photo_load(const char *path, gboolean decode_jpeg, const char *unique_id,
                               GError **error);

// Whether DATA (LEN bytes, an image stream cairo wrote as /DCTDecode) is the stub of a PNG
// carried by sc_photo_load(): then its channels (1 grey, 3 RGB) into *COLORS, its width into
// *COLUMNS, and where its IDAT data (zlib, PNG-filtered: /FlateDecode with /Predictor 15) starts
// into *OFFSET.  The stub starts with a COM segment, which no JPEG that sc_photo_load() carries
// keeps, so a photo cannot pass for one.
gboolean sc_photo_png_stub_parse(const guint8 *data, gsize len, int *colors, int *columns,
                                 gsize *offset);

// The stored size in pixels of IMAGE from sc_photo_load(): a carrier's (one pixel standing for
// the JPEG or PNG it carries) as that image's, any other surface's its own.
void sc_photo_get_size(cairo_surface_t *image, double *w, double *h);

// The EXIF orientation (1–8) of IMAGE from sc_photo_load(): how its stored pixels are turned to
// be shown.  1 for any other surface.  Borrows IMAGE.
int sc_photo_get_orientation(cairo_surface_t *image);

// The matrix that maps the stored pixels of a W × H image (user space, pixel units) to the image
// as shown under ORIENTATION (1–8): shown W × H for 1–4, H × W for 5–8.
void sc_photo_orientation_matrix(int orientation, double w, double h, cairo_matrix_t *matrix);

// The share (0–1) of IMAGE's pixels that, printed as ink on white paper (multiplied), are too
// dark for black text under them to be read: their brightest channel, composited over white, is
// below SC_PHOTO_DARK_MAX.  A red or blue seal has none; a black blob or a dark scan many.
// IMAGE is an RGB24 or ARGB32 surface from sc_photo_load() (decoded); read without flushing it.
// Borrows IMAGE.
#define SC_PHOTO_DARK_MAX 0.35
double sc_photo_dark_share(cairo_surface_t *image);

// The photo files of a batch, each read once (issue 7): check reads a photo to probe it and
// render loads it from the bytes kept, up to MAX_BYTES in all (a file past that is read again
// when it is drawn); a file loaded leaves, making room.  Safe to share between threads.  Caller
// frees with sc_photo_files_free().
typedef struct sc_photo_files sc_photo_files;
sc_photo_files *sc_photo_files_new(gsize max_bytes);
void sc_photo_files_free(sc_photo_files *files);

// sc_photo_probe() and sc_photo_load() reading through FILES (may be NULL: read each time).
gboolean sc_photo_probe_in(sc_photo_files *files, const char *path, sc_photo_info *info,
                           GError **error);
cairo_surface_t *sc_photo_load_in(sc_photo_files *files, const char *path, gboolean decode_jpeg,
                                  const char *unique_id, GError **error);

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

// For PDF output: MASK (an A8 surface from sc_photo_to_mask()) in COLOUR as a carrier like a
// PNG's (sc_photo_load()): one A8 pixel standing for its size (sc_photo_get_size()), whose JPEG
// mime data is a stub holding the colour image, compressed, that the finish stage turns into an
// RGB image with MASK as its soft mask (issue 15: a seal compressed once per batch, not again in
// every split file; cairo 1.16 cannot be handed compressed data but JPEG's).  UNIQUE_ID (may be
// NULL) with "#carried" appended: the image embedded once per document.  The mask's compressed data
// is kept for the process's life.  NULL when MASK is larger than a JPEG header says.  Borrows MASK.
// Caller frees with cairo_surface_destroy().
cairo_surface_t *sc_photo_mask_carrier(cairo_surface_t *mask, const double colour[3],
                                       const char *unique_id);

// Whether DATA (LEN bytes, an image stream cairo wrote as /DCTDecode) is the stub of
// sc_photo_mask_carrier(): then its size into *WIDTH and *HEIGHT, where its colour data (zlib)
// starts into *OFFSET, and returned the soft mask's data (zlib, 8-bit grey).  NULL otherwise.
// Caller frees with g_bytes_unref().
GBytes *sc_photo_mask_stub_parse(const guint8 *data, gsize len, int *width, int *height,
                                 gsize *offset);

// The ICC profile a JPEG carries (its APP2 ICC_PROFILE segments, joined in sequence order), or
// NULL when it has none or an incomplete one.  Borrows JPEG.  Caller frees with g_bytes_unref().
GBytes *sc_photo_jpeg_icc(const guint8 *jpeg, gsize len);

#endif
