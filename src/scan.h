// scan.h - a certificate read back as a reader sees it (issue 13: verify a scan, a phone photo
// or a PDF): the QR codes of an image with libzbar, and of each page of a PDF rendered with
// poppler, with the page's text.
#ifndef SC_SCAN_H
#define SC_SCAN_H

#include "error.h"
#include <glib.h>

// What one PDF page carries: the texts of its QR codes and its text (poppler's, in reading
// order, lines separated by newlines).
typedef struct {
    GPtrArray *codes; // char *
    char *text;
} sc_scan_page;

void sc_scan_page_free(sc_scan_page *page);

// Whether DATA (LEN bytes) starts as a PDF does.
gboolean sc_scan_is_pdf(const guint8 *data, gsize len);

// The texts of the QR codes found in the PNG or JPEG image at PATH (any orientation; a photo of
// up to SC_PHOTO_MAX_PIXELS).  An empty array when none can be read.  NULL with *ERROR set
// (SC_ERROR_PHOTO) when the file is no image that can be read.  Caller frees with
// g_ptr_array_unref().
GPtrArray *sc_scan_image(const char *path, GError **error);

// Each page of the PDF DATA (LEN bytes, named PATH in messages), rendered at DPI for its QR
// codes, and its text.  NULL with *ERROR set (SC_ERROR_INPUT) when it cannot be read as a PDF.
// Caller frees with g_ptr_array_unref() (the pages with it).
GPtrArray *sc_scan_pdf(const guint8 *data, gsize len, const char *path, double dpi, GError **error);

#endif
