// sink.c - output targets with atomic writes (DESIGN.md "sink"; pitfalls: the PDF creation date
// must be pinned for byte-identical output with cairo 1.16).
#include "sink.h"

#include "i18n.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>

struct sc_sink {
    sc_sink_kind kind;
    char *path;
    double width_pt, height_pt, dpi;
    char *title, *created;
    cairo_surface_t *surface; // PDF: the open document; split: the current page's; PNG: raster
    cairo_t *cr;
    char *tmp;                // PDF, PNG: the temporary file being written
    FILE *fp;                 // PDF: its stream
    GPtrArray *tmps, *finals; // split: temporary names and their final names
    guint pages;
};

// A new temporary file next to FINAL (same file system, so rename() is atomic).
static FILE *
open_tmp(const char *final, char **tmp, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(final);
    g_autofree char *base = g_path_get_basename(final);
    *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    int fd = g_mkstemp_full(*tmp, O_RDWR, 0644);
    if (fd < 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write in %s: %s"), dir,
                    g_strerror(errno));
        g_clear_pointer(tmp, g_free);
        return NULL;
    }
    return fdopen(fd, "wb");
}

static cairo_status_t
write_stream(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

static gboolean
surface_ok(cairo_surface_t *surface, const char *path, GError **error)
{
    cairo_status_t st = cairo_surface_status(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        return TRUE;
    g_set_error(error, SC_ERROR, st == CAIRO_STATUS_WRITE_ERROR ? SC_ERROR_IO : SC_ERROR_RENDER,
                "%s: %s", path, cairo_status_to_string(st));
    return FALSE;
}

static cairo_surface_t *
new_pdf(sc_sink *sink, FILE *fp)
{
    cairo_surface_t *s =
        cairo_pdf_surface_create_for_stream(write_stream, fp, sink->width_pt, sink->height_pt);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "skillcert");
    if (sink->title != NULL)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, sink->title);
    if (sink->created != NULL)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, sink->created);
    return s;
}

sc_sink *
sc_sink_new(sc_sink_kind kind, const char *path, double width_mm, double height_mm, double dpi,
            const char *title, const char *created, GError **error)
{
    sc_sink *sink = g_new0(sc_sink, 1);
    sink->kind = kind;
    sink->path = g_strdup(path);
    sink->width_pt = width_mm * 72.0 / 25.4;
    sink->height_pt = height_mm * 72.0 / 25.4;
    sink->dpi = dpi > 0 ? dpi : 150;
    sink->title = g_strdup(title);
    sink->created = g_strdup(created);

    switch (kind) {
    case SC_SINK_PDF:
        sink->fp = open_tmp(path, &sink->tmp, error);
        if (sink->fp == NULL)
            goto fail;
        sink->surface = new_pdf(sink, sink->fp);
        break;
    case SC_SINK_SPLIT:
        if (g_mkdir_with_parents(path, 0755) != 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot create folder %s: %s"), path,
                        g_strerror(errno));
            goto fail;
        }
        sink->tmps = g_ptr_array_new_with_free_func(g_free);
        sink->finals = g_ptr_array_new_with_free_func(g_free);
        break;
    case SC_SINK_PNG: {
        // Probe the folder now, so a bad path fails before any work.
        FILE *fp = open_tmp(path, &sink->tmp, error);
        if (fp == NULL)
            goto fail;
        fclose(fp);
        break;
    }
    }
    return sink;

fail:
    sc_sink_abort(sink);
    return NULL;
}

cairo_t *
sc_sink_begin_page(sc_sink *sink, const char *name, GError **error)
{
    g_return_val_if_fail(sink->cr == NULL, NULL);
    switch (sink->kind) {
    case SC_SINK_PDF:
        break;
    case SC_SINK_SPLIT: {
        g_autofree char *file = g_strconcat(name, ".pdf", NULL);
        char *final = g_build_filename(sink->path, file, NULL);
        char *tmp = NULL;
        FILE *fp = open_tmp(final, &tmp, error);
        if (fp == NULL) {
            g_free(final);
            return NULL;
        }
        g_ptr_array_add(sink->tmps, tmp);
        g_ptr_array_add(sink->finals, final);
        sink->fp = fp;
        sink->surface = new_pdf(sink, fp);
        break;
    }
    case SC_SINK_PNG: {
        if (sink->surface != NULL) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE, _("a PNG holds one page"));
            return NULL;
        }
        double scale = sink->dpi / 72.0;
        int w = (int)ceil(sink->width_pt * scale), h = (int)ceil(sink->height_pt * scale);
        sink->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        sink->cr = cairo_create(sink->surface);
        cairo_set_source_rgb(sink->cr, 1, 1, 1);
        cairo_paint(sink->cr);
        cairo_scale(sink->cr, scale, scale);
        sink->pages++;
        return sink->cr;
    }
    }
    sink->cr = cairo_create(sink->surface);
    sink->pages++;
    return sink->cr;
}

gboolean
sc_sink_end_page(sc_sink *sink, GError **error)
{
    g_return_val_if_fail(sink->cr != NULL, FALSE);
    cairo_status_t st = cairo_status(sink->cr);
    cairo_destroy(sink->cr);
    sink->cr = NULL;
    if (st != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, SC_ERROR, SC_ERROR_RENDER, _("%s: drawing failed: %s"), sink->path,
                    cairo_status_to_string(st));
        return FALSE;
    }

    switch (sink->kind) {
    case SC_SINK_PDF:
        cairo_surface_show_page(sink->surface);
        return surface_ok(sink->surface, sink->path, error);
    case SC_SINK_SPLIT: {
        // The page's own document is complete: finish it and close its temporary file.
        cairo_surface_finish(sink->surface);
        gboolean ok = surface_ok(sink->surface, sink->path, error);
        cairo_surface_destroy(sink->surface);
        sink->surface = NULL;
        if (fclose(sink->fp) != 0 && ok) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, "%s: %s", sink->path, g_strerror(errno));
            ok = FALSE;
        }
        sink->fp = NULL;
        return ok;
    }
    case SC_SINK_PNG:
        return surface_ok(sink->surface, sink->path, error);
    }
    return TRUE;
}

// Flush and close FP, then rename TMP to FINAL.
static gboolean
close_and_rename(FILE *fp, const char *tmp, const char *final, GError **error)
{
    gboolean ok = TRUE;
    if (fp != NULL) {
        ok = fflush(fp) == 0 && fsync(fileno(fp)) == 0;
        ok = (fclose(fp) == 0) && ok;
    }
    if (ok)
        ok = g_rename(tmp, final) == 0;
    if (!ok)
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), final,
                    g_strerror(errno));
    return ok;
}

gboolean
sc_sink_commit(sc_sink *sink, GError **error)
{
    gboolean ok = TRUE;
    if (sink->cr != NULL)
        ok = sc_sink_end_page(sink, error);

    switch (sink->kind) {
    case SC_SINK_PDF:
        cairo_surface_finish(sink->surface);
        ok = ok && surface_ok(sink->surface, sink->path, error);
        if (ok && sink->pages == 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: no pages to write"), sink->path);
            ok = FALSE;
        }
        if (ok) {
            ok = close_and_rename(sink->fp, sink->tmp, sink->path, error);
            sink->fp = NULL;
            g_clear_pointer(&sink->tmp, g_free);
        }
        break;
    case SC_SINK_SPLIT:
        if (ok && sink->tmps->len == 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: no pages to write"), sink->path);
            ok = FALSE;
        }
        for (guint i = 0; ok && i < sink->tmps->len; i++) {
            ok = close_and_rename(NULL, g_ptr_array_index(sink->tmps, i),
                                  g_ptr_array_index(sink->finals, i), error);
            if (ok) { // renamed: nothing to remove
                g_free(g_ptr_array_index(sink->tmps, i));
                g_ptr_array_index(sink->tmps, i) = NULL;
            }
        }
        break;
    case SC_SINK_PNG:
        if (ok && sink->surface == NULL) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: no page to write"), sink->path);
            ok = FALSE;
        }
        if (ok) {
            cairo_status_t st = cairo_surface_write_to_png(sink->surface, sink->tmp);
            if (st != CAIRO_STATUS_SUCCESS) {
                g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), sink->path,
                            cairo_status_to_string(st));
                ok = FALSE;
            }
        }
        if (ok) {
            ok = close_and_rename(NULL, sink->tmp, sink->path, error);
            if (ok)
                g_clear_pointer(&sink->tmp, g_free);
        }
        break;
    }
    sc_sink_abort(sink);
    return ok;
}

void
sc_sink_abort(sc_sink *sink)
{
    if (sink == NULL)
        return;
    if (sink->cr != NULL)
        cairo_destroy(sink->cr);
    if (sink->surface != NULL) {
        cairo_surface_finish(sink->surface);
        cairo_surface_destroy(sink->surface);
    }
    if (sink->fp != NULL)
        fclose(sink->fp);
    if (sink->tmp != NULL)
        g_unlink(sink->tmp);
    if (sink->tmps != NULL) {
        for (guint i = 0; i < sink->tmps->len; i++) {
            const char *tmp = g_ptr_array_index(sink->tmps, i);
            if (tmp != NULL)
                g_unlink(tmp);
        }
        g_ptr_array_unref(sink->tmps);
        g_ptr_array_unref(sink->finals);
    }
    g_free(sink->path);
    g_free(sink->title);
    g_free(sink->created);
    g_free(sink->tmp);
    g_free(sink);
}
