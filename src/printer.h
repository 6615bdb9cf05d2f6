// printer.h - printing on certificate stock (套打, SPEC §1 item 1: "with per-printer offset
// calibration"): the printer's correction (offset and scale) and its profiles, the calibration
// page, and sending a PDF to a CUPS queue.
#ifndef SC_PRINTER_H
#define SC_PRINTER_H

#include "error.h"
#include "render.h"
#include "template.h"
#include <glib.h>

// The allowed correction: an offset of at most ±SC_PRINTER_OFFSET_MAX mm on each axis (+X is
// right, +Y is down), a scale from SC_PRINTER_SCALE_MIN to SC_PRINTER_SCALE_MAX around the page's
// top-left corner.  A printer further off than that needs repair, not calibration.
#define SC_PRINTER_OFFSET_MAX 50.0
#define SC_PRINTER_SCALE_MIN  0.95
#define SC_PRINTER_SCALE_MAX  1.05

// Parse an offset "X,Y" in millimetres ("1.5,-0.8", "1.5mm, -0.8mm"), full-width digits,
// signs, points and commas accepted as Chinese input methods type them ("１．５，－０．８").
// FALSE when TEXT is not two such numbers within ±SC_PRINTER_OFFSET_MAX.
gboolean sc_printer_parse_offset(const char *text, double *x, double *y);

// Parse a scale ("1.002", or a percentage "100.2%"), full-width accepted; FALSE when TEXT is
// not a number from SC_PRINTER_SCALE_MIN to SC_PRINTER_SCALE_MAX.
gboolean sc_printer_parse_scale(const char *text, double *scale);

// Parse a page range for reprints ("3,5-7", full-width accepted) of a document of PAGES pages
// (0: not known yet).  Returns it in the form IPP's page-ranges takes, or NULL when TEXT is not
// a list of pages and ascending ranges from 1 to PAGES.  Caller frees with g_free().
char *sc_printer_parse_pages(const char *text, guint pages);

// A printer profile: one [printer NAME] section of a printers.ini file.
typedef struct {
    char *name;
    char *path;                // the file it came from
    double offset_x, offset_y; // mm
    double scale;              // 1 when not given
    char *stock;               // the stock it prints on, or NULL (the template's default stock)
    char *options;             // CUPS options for every job ("media=A4 InputSlot=Tray2"), or NULL
} sc_printer_profile;

// The profile NAME from the first printers.ini that has it: beside INSTITUTION_PATH (may be
// NULL), then the user's ($XDG_CONFIG_HOME/skillcert/printers.ini).  A file that is there but
// wrong, or no profile NAME anywhere: NULL with *ERROR set (SC_ERROR_INPUT: "PATH: [printer
// NAME] KEY: message"; SC_ERROR_USAGE for a name no file has, naming the files looked in).
// Caller frees with sc_printer_profile_free().
sc_printer_profile *sc_printer_profile_find(const char *name, const char *institution_path,
                                            GError **error);

// As sc_printer_profile_find() from the printers file DATA (LEN bytes) named PATH; NULL with
// *ERROR unset when it has no profile NAME.
sc_printer_profile *sc_printer_profile_parse(const char *data, gsize len, const char *path,
                                             const char *name, GError **error);
void sc_printer_profile_free(sc_printer_profile *profile);

// What the calibration page is made for.  Strings are borrowed.
typedef struct {
    const sc_template *tmpl;
    const gboolean *omit;    // the elements the stock carries (no mark), parallel to elements
    const char *stock;       // the stock's name, for the page's heading
    const char *profile;     // the printer profile's name, or NULL
    sc_draw_options correct; // the correction the marks are drawn with (OMIT unused)
    const char *created;     // the PDF creation date (ISO 8601), or NULL for now
} sc_calibration;

// Write the calibration page to the PDF at OUTPUT (atomically, as every output): the template's
// page with millimetre rulers along its four edges (drawn uncorrected: the paper's own frame),
// a cross-hair at each corner of every element the stock does not carry, drawn with the
// correction exactly as the data would be, and how to read the offset and scale off a test print
// laid on the stock, in Chinese.  All text with Pango.  FALSE with *ERROR set.
gboolean sc_printer_calibrate(const sc_calibration *cal, const char *output, GError **error);

// How a job is printed.
typedef struct {
    int copies;          // 1 or more
    const char *pages;   // page-ranges as sc_printer_parse_pages() returns, or NULL for all
    const char *options; // the profile's CUPS options, or NULL
    const char *title;   // the job's name
} sc_print_job;

// Send the PDF at PATH to the CUPS queue QUEUE (the server of $CUPS_SERVER, or the default) as
// one job, at actual size (print-scaling=none, fit-to-page=false, whatever the options say).
// Returns the job id (> 0), or 0 with *ERROR set (SC_ERROR_IO, with CUPS's reason).
int sc_printer_submit(const char *queue, const char *path, const sc_print_job *job, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_printer_profile, sc_printer_profile_free)

#endif
