// sink.h - output targets: one multi-page PDF, a folder of per-record PDFs, a PNG preview.
// Every file is written under a temporary name and renamed only when complete, so nothing
// half-written is ever left behind (DESIGN.md "Command line").
#ifndef SC_SINK_H
#define SC_SINK_H

#include "error.h"
#include <cairo.h>
#include <glib.h>

typedef struct sc_sink sc_sink; // opaque: sc_sink_*_new() / sc_sink_commit() or sc_sink_abort()

typedef enum {
    SC_SINK_PDF,   // all pages into one PDF at PATH
    SC_SINK_SPLIT, // one PDF per page, named by sc_sink_begin_page()'s NAME, in folder PATH
    SC_SINK_PNG,   // one page as a PNG at PATH, at DPI
} sc_sink_kind;

// A sink of KIND writing to PATH, pages WIDTH × HEIGHT mm.  TITLE goes into PDF metadata;
// CREATED (ISO 8601, may be NULL for now) is pinned as the PDF creation date so that the same
// input gives byte-identical output.  NULL with *ERROR set (SC_ERROR_IO) if PATH's folder
// cannot be written.  Caller ends it with sc_sink_commit() or sc_sink_abort().  Copies all.
sc_sink *sc_sink_new(sc_sink_kind kind, const char *path, double width_mm, double height_mm,
                     double dpi, const char *title, const char *created, GError **error);

// Start a page; NAME (a file name without extension) is used by SC_SINK_SPLIT.  Returns a
// cairo context in points, origin at the page's top-left.  Valid until sc_sink_end_page().
cairo_t *sc_sink_begin_page(sc_sink *sink, const char *name, GError **error);

// Finish the page started last; checks cairo's status (and for split output, writes the file
// under its temporary name).
gboolean sc_sink_end_page(sc_sink *sink, GError **error);

// Finish everything and move the files to their names.  Frees SINK whatever the result; on
// failure, nothing is left behind.
gboolean sc_sink_commit(sc_sink *sink, GError **error);

// Remove everything written so far and free SINK.  NULL is a no-op.
void sc_sink_abort(sc_sink *sink);

#endif
