// batch.h - the issuing protocol (DESIGN.md "batch"): read, check, number (dry run), lay out,
// draw into temporaries, issue, draw again if the numbers moved, commit — and the threads that
// speed it up.  The command line only parses options, calls a batch and prints what it returns.
#ifndef SC_BATCH_H
#define SC_BATCH_H

#include "cert.h"
#include "error.h"
#include "numbering.h"
#include "record.h"

typedef struct sc_batch sc_batch; // opaque: sc_batch_load() / sc_batch_free()

// What a batch is made of.  Strings are borrowed for sc_batch_load().
typedef struct {
    const char *records_path;
    const char *template_path;
    const char *fonts_dir;        // an application font folder (a licensed STKaiti), or NULL
    const char *institution_path; // NULL: no institution; every record must carry its number
    const char *photo_dir;        // NULL: photos/ beside the records file, else its folder
    const char *register_path;    // NULL: INSTITUTION.register.db
    sc_encoding encoding;
    const char *sheet;        // the sheet of an .xlsx records file, or NULL for the first
    int year, month, day;     // the default 发证日期
    const char *label;        // names the batch in the register (records file and time)
    sc_number_source *source; // NULL: the register (with an institution) or the records'
                              // own numbers; else this one, borrowed (tests)
} sc_batch_options;

// Where and how a batch is drawn.
typedef struct {
    const char *output; // one PDF with a page per certificate ("-": standard output), or the PNG
                        // of a preview
    const char *split;  // a folder with one PDF per certificate, named by NAME_PATTERN, and its
                        // manifest.csv (deliver.h); both OUTPUT and SPLIT: one run, one numbering
    gboolean preview;   // one certificate as PNG at DPI; numbers worked out, none issued
    guint row;          // preview: the record starting at this row of the file; 0 = the first
    double dpi;
    gboolean fill_only;        // on the template's default stock (套打): as stock = ""
    const char *stock;         // the stock printed on (template.h), "" its default; NULL with
                               // fill_only unset: blank paper, the full design
    const char *leave_out;     // element names (patterns) not to print either, comma-separated
    double offset_x, offset_y; // mm, the printer's correction of everything drawn (+X right,
    double scale;              // +Y down), and its scale around the top-left corner; 0 means 1
    guint jobs;                // split: draw with this many threads (0 or 1: one)
    const char *created;       // the PDF creation date (ISO 8601), or NULL for now
    gboolean force;            // replace read-only output files (never anything but a regular file)
    guint mode;          // output files\' mode (e.g. 0644); 0 = 0600, private (identity numbers)
    GArray *rows;        // render only these rows (guint pairs: first, last), or NULL for all;
                         // the whole file is numbered, so each gets the number it would get
    gboolean second;     // the records are genuinely second certificates (--new)
    gboolean correct;    // a changed 姓名 corrects the register (--correct)
    const char *numbers; // the numbers file to write (who got which number), or NULL
    const gint *cancel;  // when it becomes non-zero (a signal), stop: nothing issued, no file
    const char *name_pattern; // split: file names, {field} placeholders (NULL: deliver.h's default)
    gboolean full_id;         // split: the manifest shows identity numbers whole, not masked
    const char *stock_serials; // the numbered blank stock sheets loaded, "A-B" (registry.h):
                               // each certificate printed is logged on the next one, or NULL
    gboolean sign;             // sign the one PDF too (split files are always signed when the
                               // institution names a key; issue 13)
} sc_batch_output;

// Called as certificates are laid out (check) or drawn (write): DONE of TOTAL so far.  Called from
// the --jobs threads too, one call at a time.
typedef void (*sc_batch_progress)(guint done, guint total, gpointer data);

// Report progress to FUNC (NULL: none) with DATA for the calls that follow.
void sc_batch_set_progress(sc_batch *batch, sc_batch_progress func, gpointer data);

// Load the template, the institution, the records and the fonts, and check every record into
// its certificate.  Problems of the records go to PROBLEMS (the batch is still returned, to
// report more of them); what stops the batch as a whole (a missing or broken template,
// institution or records file, no font) returns NULL with *ERROR set.  Borrows OPTS' source.
// Caller frees with sc_batch_free().
sc_batch *sc_batch_load(const sc_batch_options *opts, sc_problems *problems, GError **error);
void sc_batch_free(sc_batch *batch);

// Notes about the records file (unknown columns), char *.  Valid until sc_batch_free().
GPtrArray *sc_batch_get_notes(const sc_batch *batch);

// The certificates, one per record, in file order (sc_cert *).  Valid until sc_batch_free().
GPtrArray *sc_batch_get_certs(const sc_batch *batch);

// Lay out every certificate that has no problem yet, with the number it would get or a stand-in
// of the same width, adding what does not fit or print to PROBLEMS, sorted by row (check: nothing
// is written).  FALSE with *ERROR set when the template cannot be drawn at all (a font).
gboolean sc_batch_check(sc_batch *batch, sc_problems *problems, GError **error);

// Number and draw the certificates to OUT.  Every file is complete and synced to disk under a
// temporary name before any number is issued, and moved into place after; split output's
// manifest is written last, once every file is in place.  Two certificates that would get one
// file name are a problem before anything is written.  Nothing is written
// and no number issued unless every certificate is right: otherwise every problem is in PROBLEMS
// and the call returns FALSE with *ERROR set to their code (SC_ERROR_INPUT, SC_ERROR_DUPLICATE,
// SC_ERROR_EXHAUSTED) and a count.  A failure of the output or the register: FALSE with *ERROR set,
// nothing issued.  On success the certificates written are in *WRITTEN (sc_cert *, borrowed from
// the batch; may be NULL), numbered as issued (a preview: as they would be).
gboolean sc_batch_write(sc_batch *batch, const sc_batch_output *out, GPtrArray **written,
                        sc_problems *problems, GError **error);

// The register the batch numbers from, or NULL (no institution, or a source given).  Valid
// until sc_batch_free().
const char *sc_batch_get_register(const sc_batch *batch);

// The rows of TEXT ("6,9-12": rows of the file, the header being row 1) as guint pairs (first,
// last) for sc_batch_output's ROWS.  NULL with *ERROR set (SC_ERROR_USAGE).  Caller frees with
// g_array_unref().
GArray *sc_batch_parse_rows(const char *text, GError **error);

// What a render did, as lines for the officer: the register, the numbers issued per level (first
// – last, how many), how many were printed again, and where the numbers file is (NUMBERS, may
// be NULL).  WRITTEN as sc_batch_write() returned it.  Caller frees with g_free().
char *sc_batch_summary(const sc_batch *batch, GPtrArray *written, const char *numbers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_batch, sc_batch_free)

#endif
