// layout.h - fit text to its box with Pango: wrap, shrink to a floor, or fail; detect characters
// no configured face has (SPEC §2 "A glyph missing from every configured face ... is an error").
// Its two types carry their own names: the fonts of a job (sc_fonts_*()) and a placed text
// (sc_placed_text_clear()); sc_layout_text() lays one out.
#ifndef SC_LAYOUT_H
#define SC_LAYOUT_H

#include "error.h"
#include "template.h"
#include <cairo.h>
#include <pango/pango.h>

typedef struct sc_fonts sc_fonts; // opaque: sc_fonts_new() / sc_fonts_free()

// A font map and a Pango context measuring in points (72 dpi, unhinted metrics, unrounded glyph
// positions: DESIGN.md pitfalls).  FONTS_DIR, when not NULL and present, is added to fontconfig
// as an application font folder (where a licensed STKaiti goes).  Caller frees with
// sc_fonts_free().
sc_fonts *sc_fonts_new(const char *fonts_dir, GError **error);
void sc_fonts_free(sc_fonts *fonts);

// Before FONT (a font of a layout of these fonts) draws on CR: the cairo scaled fonts it will
// draw with there (for CR's transformation) and the one a PDF surface makes of its face for the
// font subset, kept alive until the process ends, so that no drawing thread lets one go while
// another takes it back.  cairo 1.16 asserts, without its lock, that a scaled font whose last
// reference is going is not in use: when another thread has just found the same one (they are
// shared by face, size and options), the program aborts.  Any thread; once per font and
// transformation.
void sc_fonts_keep_scaled(cairo_t *cr, PangoFont *font);

// The families of the comma-separated LIST that are installed, in order, comma-separated: the
// first is the face used, the others serve characters it lacks.  None installed:
// NULL with *ERROR set (SC_ERROR_FONT) naming the list and how to install a face.
// Caller frees with g_free().
char *sc_fonts_resolve(sc_fonts *fonts, const char *list, GError **error);

// The first character of TEXT that none of FAMILIES (as sc_fonts_resolve() returns) has, as a
// code point, or 0 if every character is covered.  Line breaks and tabs are not checked.
gunichar sc_fonts_find_missing(sc_fonts *fonts, const char *families, const char *text);

// Single line spacing (SPEC §2 单倍行距) in points for FAMILIES at SIZE points: the first face's
// (usWinAscent + usWinDescent) / unitsPerEm × SIZE.
double sc_fonts_line_height(sc_fonts *fonts, const char *families, double size);

// A text laid out in its box.
typedef struct {
    PangoLayout *layout; // owned
    double x, y;         // mm: where the layout's top-left corner goes on the page
    double size;         // pt: the size actually used (≤ the element's size after shrinking)
    double width;        // mm: the ink-independent (logical) width of the widest line
    int lines;
} sc_placed_text;

// Lay out TEXT for text element E with FAMILIES: wrapped at the box width when E->wrap, shrunk
// in 0.5 pt steps from E->size down to E->min_size until it fits (width, max_lines, and the box
// bottom).  Missing character: FALSE, SC_ERROR_GLYPH ("character '𠀀' (U+20000) is in none of
// the fonts ...").  No fit at the floor: FALSE, SC_ERROR_FIT.  On success fills *OUT; free it
// with sc_placed_text_clear().  Borrows everything.
gboolean sc_layout_text(sc_fonts *fonts, const sc_element *e, const char *families,
                        const char *text, sc_placed_text *out, GError **error);

void sc_placed_text_clear(sc_placed_text *placed);

#endif
