// sink.h - output targets: one multi-page PDF, a folder of per-record PDFs, a PNG preview.
// Every file is written under a temporary name and moved to its name only when complete and
// synced to disk, so nothing half-written is ever left behind (DESIGN.md "Command line").
//
// The protocol: sc_sink_new() or sc_sink_new_full(); sc_sink_begin_page() / sc_sink_end_page()
// per page; sc_sink_finish() (every file written, closed and fsync()ed under its temporary name;
// nothing visible yet); sc_sink_commit() (the files moved to their names, their folder synced).
// sc_sink_abort() at any point removes everything the sink wrote.  Between finish and commit the
// caller may do what must happen before the files appear (issue the numbers in the register).
//
// Temporaries are named ".NAME.skillcert-tmp-PID-XXXXXX" next to their final name (split output:
// one folder ".DIR.skillcert-tmp-PID-XXXXXX" inside DIR holding the pages).  A run killed outright
// (SIGKILL, a power cut) leaves them behind: a sink opening in a folder removes those of that
// pattern whose process no longer exists, and nothing else.
#ifndef SC_SINK_H
#define SC_SINK_H

#include "deflate.h"
#include "error.h"
#include "finish.h"
#include <cairo.h>
#include <glib.h>

typedef struct sc_sink sc_sink; // opaque: sc_sink_new() / sc_sink_commit() or sc_sink_abort()

typedef enum {
    SC_SINK_PDF,   // all pages into one PDF at PATH (cairo writes it in temporary parts of 2,000
                   // pages, joined by sc_sink_finish(): sink.c says why)
    SC_SINK_SPLIT, // one PDF per page, named by sc_sink_begin_page()'s NAME, in folder PATH
    SC_SINK_PNG,   // one page as a PNG at PATH, at DPI
} sc_sink_kind;

// How a sink treats what it writes over.  Zero-initialised = the defaults.
typedef struct {
    // Replace an existing output file that is read-only (no write permission for us in its mode
    // bits; checked on the mode, since root may write anyway).  Without it such a file is
    // refused, before anything is written.  Whatever this says, an existing output name that is
    // not a regular file (a folder, a device such as /dev/null, a link, a pipe) is refused.
    gboolean force;
    // Permission bits of every output file; 0 = 0600, as they carry identity numbers and photos.
    // A folder the sink makes for split output gets the same bits plus search (x) where read is
    // given: 0600 → 0700.
    guint mode;
    // Split: write the pages into BESIDE's temporary folder, BESIDE being an open split sink into
    // the same folder that is to take this sink's files over (sc_sink_adopt(), which then has
    // nothing to move).  The folder stays BESIDE's: this sink neither makes nor removes it, and
    // BESIDE must outlive it.  NULL: a temporary folder of its own.
    const sc_sink *beside;
} sc_sink_options;

// A sink of KIND writing to PATH, pages WIDTH × HEIGHT mm.  TITLE goes into PDF metadata;
// CREATED (ISO 8601, may be NULL for now) is pinned as the PDF creation date so that the same
// input gives byte-identical output.  A PDF at PATH "-" goes to standard output: it is built in
// the temporary folder and copied out at commit.  Every PDF passes through the finish stage
// (finish.h) when complete: its metadata (sc_sink_set_info(), or TITLE and CREATED), /Lang and
// the viewer preferences.  OPTIONS may be NULL (the defaults).  Stale temporaries of
// dead runs in PATH's folder (split: in PATH) are removed first.  NULL with *ERROR set
// (SC_ERROR_IO) if PATH's folder cannot be written, or PATH (PDF, PNG) exists and is not a regular
// file, or is read-only without OPTIONS->force; nothing is then written.
// Caller ends it with sc_sink_commit() or sc_sink_abort().  Copies all.
sc_sink *sc_sink_new_full(sc_sink_kind kind, const char *path, double width_mm, double height_mm,
                          double dpi, const char *title, const char *created,
                          const sc_sink_options *options, GError **error);

// sc_sink_new_full() with the default options.
sc_sink *sc_sink_new(sc_sink_kind kind, const char *path, double width_mm, double height_mm,
                     double dpi, const char *title, const char *created, GError **error);

// Start a page; NAME (a file name, ".pdf" added unless it ends so; without '/', not starting
// with '.', at most 255 bytes: else SC_ERROR_INPUT) is used by SC_SINK_SPLIT, whose file DIR/NAME
// must not exist as anything but a regular file (nor read-only without force: SC_ERROR_IO), nor
// be given twice (SC_ERROR_DUPLICATE).  Returns a cairo context in points, origin at the page's
// top-left, or NULL with *ERROR set.  Valid until sc_sink_end_page().
cairo_t *sc_sink_begin_page(sc_sink *sink, const char *name, GError **error);

// What a page says about itself.  Strings are copied; each may be NULL.
typedef struct {
    const char *bookmark;       // SC_SINK_PDF: an outline entry leading to the page
    const char *label;          // SC_SINK_PDF: the page's label, as readers show its number
    const sc_finish_info *info; // SC_SINK_SPLIT: the metadata of the page's own file (NULL:
                                // the sink's)
    gboolean reference;         // SC_SINK_SPLIT: the page whose streams are the reference of
                                // the sink's share (sc_sink_set_share())
    guint order;                // SC_SINK_SPLIT: the page's place among the folder's files once
                                // sinks are adopted (sc_sink_adopt() keeps them in this order)
} sc_sink_page;

// sc_sink_begin_page() with what PAGE (may be NULL) says about it.
cairo_t *sc_sink_begin_page_full(sc_sink *sink, const char *name, const sc_sink_page *page,
                                 GError **error);

// The metadata of the sink's PDF (SC_SINK_PDF), or of every split page that has none of its own;
// replaces TITLE and CREATED.  Call before sc_sink_finish().  Copies INFO.
void sc_sink_set_info(sc_sink *sink, const sc_finish_info *info);

// Sign every PDF the sink writes with SIGNER (finish.h: PAdES B-B; the signing time is the
// sink's CREATED).  Call before the first page.  Borrows SIGNER: it must outlive the sink.
void sc_sink_set_signer(sc_sink *sink, const sc_signer *signer);

// Show the signature field of every signed PDF over BOX (x, y, width, height in mm from the
// first page's top-left corner: the seal's box), instead of invisible.  Copies BOX.
void sc_sink_set_signature_box(sc_sink *sink, const double box[4]);

// Split output: the streams of every page use SHARE (deflate.h; NULL: none), the page begun as its
// reference (sc_sink_page) recording it.  Borrows SHARE: it must outlive the drawing.
void sc_sink_set_share(sc_sink *sink, sc_deflate_share *share);

// Finish the page started last; checks cairo's status (and for split output, writes the file
// under its temporary name).
gboolean sc_sink_end_page(sc_sink *sink, GError **error);

// Phase one: end the open page if any, complete every file (PDF trailer, PNG encoding), close it
// and fsync() it, still under its temporary name; nothing appears under the final names.  A
// second call does nothing.  FALSE with *ERROR set when a file cannot be written, or there is no
// page (SC_ERROR_INPUT); then end the sink with sc_sink_abort().
gboolean sc_sink_finish(sc_sink *sink, GError **error);

// Phase two: finish if not done yet, then move every file to its name and fsync() its folder.
// Each name is checked again just before its move (not a regular file, or read-only without
// force: refused).  Split output moves the pages one by one; if one move fails, those already
// moved are undone (an older file they replaced is put back) so that the folder is as before.
// Frees SINK whatever the result; on failure (*ERROR set), every temporary is removed.
gboolean sc_sink_commit(sc_sink *sink, GError **error);

// Remove everything written so far (also a split folder the sink made, when empty) and free SINK.
// NULL is a no-op.
void sc_sink_abort(sc_sink *sink);

// The final paths of the sink's files (char *), in page order: PATH for PDF and PNG, DIR/NAME.pdf
// for each split page begun so far.  Valid until sc_sink_commit() or sc_sink_abort(): copy what
// is needed after (for a manifest).
const GPtrArray *sc_sink_files(const sc_sink *sink);

// The size in bytes of the I-th file of sc_sink_files(), known after sc_sink_finish() (0 before).
guint64 sc_sink_file_size(const sc_sink *sink, guint i);

// The kind the sink was made with.
sc_sink_kind sc_sink_get_kind(const sc_sink *sink);

// The SHA-256 (64 lower-case hex digits) of the I-th PDF of sc_sink_files(), known once written
// (NULL before, and for a PNG).  Valid until sc_sink_commit() or sc_sink_abort().
const char *sc_sink_file_sha256(const sc_sink *sink, guint i);

// Take over the files of OTHER, another split sink into the same folder with no page open (the
// pages of another thread, written beside this sink: sc_sink_options.beside; none at all is
// fine): they are synced and become this sink's, to be
// committed or aborted with its own, so the whole set appears at once or not at all; the files are
// listed in their pages' order (sc_sink_page.order).  For the one PDF: OTHER, another unfinished
// PDF sink into the same folder, drew the pages that follow this sink's; its parts become this
// sink's (joined when it is finished).  OTHER is freed on success; on failure
// (*ERROR set) both are left to be aborted.
gboolean sc_sink_adopt(sc_sink *sink, sc_sink *other, GError **error);

#endif
