// render.h - place one record's elements (text laid out, photos loaded, codes encoded) and draw
// them on a cairo_t, by layer: static (pre-printed design) and field (the record's data).
// Names: sc_renderer_*() for the renderer of a template, sc_page_*() for one prepared page.
#ifndef SC_RENDER_H
#define SC_RENDER_H

#include "error.h"
#include "layout.h"
#include "photo.h"
#include "qr.h"
#include "template.h"
#include <cairo.h>

typedef struct sc_renderer sc_renderer; // opaque: sc_renderer_new() / sc_renderer_free()
typedef struct sc_page sc_page;         // opaque: sc_renderer_prepare() / sc_page_free()

// A renderer for TMPL: resolves each text element's fonts (first installed wins) and prepares
// once every element that names no {field} (shapes, fixed texts and images, a fixed code): the
// same on every page.  For PDF output the static shapes and images among them (the pre-printed
// design but its texts) are also drawn once, on a recording surface that each page paints (one
// Form XObject per document).  RASTER: decode JPEG photos (PNG preview) instead of passing them
// through (PDF). NULL with *ERROR set: SC_ERROR_FONT; or a problem of such an element, as
// "TEMPLATE: [SECTION] KEY: message" (SC_ERROR_GLYPH, SC_ERROR_FIT, SC_ERROR_PHOTO).
// Borrows TMPL, FONTS and ENCODER: they must outlive the renderer.
// Caller frees with sc_renderer_free().
sc_renderer *sc_renderer_new(const sc_template *tmpl, sc_fonts *fonts,
                             const sc_code_encoder *encoder, gboolean raster, GError **error);
void sc_renderer_free(sc_renderer *renderer);

// Read the images that name a field (photos) through FILES, where check read them first (each
// photo read once per batch; photo.h).  Borrows FILES: it must outlive the renderer.
void sc_renderer_set_photo_files(sc_renderer *renderer, sc_photo_files *files);

// Prepare the page of one certificate whose fields FIELDS gives: expand placeholders, lay out and
// fit every text, load images (an image element's source is a path, after expansion), encode codes
// — of the elements that name a field; the others were prepared by sc_renderer_new().
// Each problem is added to PROBLEMS under FILE, ROW and the first field the element names (by
// FIELDS' name for it), or the element's section.  Returns the page, or NULL if any problem.
// Caller frees with sc_page_free().
sc_page *sc_renderer_prepare(sc_renderer *renderer, const sc_fields *fields, const char *file,
                             guint row, sc_problems *problems);
void sc_page_free(sc_page *page);

// The text of element ID as laid out on PAGE (or once for every page), or NULL.
// Valid until sc_page_free(PAGE) or sc_renderer_free() of its renderer, whichever comes first.
const sc_placed_text *sc_page_get_text(const sc_page *page, const char *id);

// How a page is drawn on its paper (套打): which elements the paper already carries, and the
// printer's correction.  Zero-initialised = every element, uncorrected.
typedef struct {
    const gboolean *omit; // parallel to the template's elements: TRUE = not drawn (pre-printed on
                          // the stock, or left out); NULL = draw every element
    double offset_x, offset_y; // mm; +X is right, +Y is down
    double scale;              // around the page's top-left corner; 0 means 1
    gboolean untagged; // a PDF page without structure tags: the combined print PDF, where cairo
                       // 1.16 keeps every page's structure tree to the end (4 KB a page)
} sc_draw_options;

// Draw PAGE's elements but those OPT omits on CR, whose user units are points with the page's
// top-left corner at the origin: first the static shapes and images that name no field, then the
// others in the template's order.  On a PDF page (unless OPT says untagged) the texts and images
// are tagged for screen readers: the texts that share a baseline (a label and its value) as one
// paragraph (P), each image and code as a Figure.  Every element drawn is corrected alike, so none
// moves relative to another: a point (x, y) of the template is drawn at (x × scale + offset_x, y ×
// scale + offset_y).  Borrows OPT.
void sc_renderer_draw_with(const sc_renderer *renderer, const sc_page *page, cairo_t *cr,
                           const sc_draw_options *opt);

// As sc_renderer_draw_with(), drawing the elements of LAYERS, every one shifted by OFFSET_X/Y mm.
void sc_renderer_draw(const sc_renderer *renderer, const sc_page *page, cairo_t *cr,
                      sc_layer layers, double offset_x, double offset_y);

#endif
