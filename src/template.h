// template.h - load a template file into element descriptions; resolve {field} placeholders
// (DESIGN.md "Templates"; the reference certificate of SPEC §2 is templates/national.ini).
#ifndef SC_TEMPLATE_H
#define SC_TEMPLATE_H

#include "error.h"
#include <glib.h>

typedef enum {
    SC_ELEMENT_RECT,
    SC_ELEMENT_LINE,
    SC_ELEMENT_TEXT,
    SC_ELEMENT_IMAGE,
    SC_ELEMENT_QRCODE,
} sc_element_type;

// Static elements are the pre-printed design (drawn on blank paper, left out with --fill-only);
// field elements carry the record's data.
typedef enum {
    SC_LAYER_STATIC = 1 << 0,
    SC_LAYER_FIELD = 1 << 1,
} sc_layer;
#define SC_LAYER_ALL (SC_LAYER_STATIC | SC_LAYER_FIELD)

typedef enum { SC_ALIGN_LEFT, SC_ALIGN_CENTER, SC_ALIGN_RIGHT } sc_align;
typedef enum { SC_FIT_COVER, SC_FIT_CONTAIN } sc_image_fit;

// One element; lengths in millimetres, font sizes in points.
typedef struct {
    char *id; // the section name
    sc_element_type type;
    sc_layer layer;
    double x, y, width, height; // the box (for a line: from (x, y) to (x + width, y + height))
    double color[3];            // stroke or text colour, 0–1
    // rect, line
    double line_width; // points
    // text
    char *text;      // with {field} placeholders
    char *fonts;     // font family list, comma-separated; NULL = the template's
    double size;     // points
    double min_size; // floor for shrinking; = size when the text must not shrink
    sc_align align;
    double baseline;     // first baseline (mm from the page top); < 0 = top of the box
    gboolean wrap;       // wrap at the box width (else one line, shrunk to fit)
    double indent;       // first-line indent, mm
    double line_spacing; // factor of the font's own line height (1 = single spacing)
    int max_lines;       // 0 = as many as fit in the box
    // A column of lines (the basic information, SPEC §2): the text elements that name the same
    // flow move down together by what a wrapped value above them adds (its lines after the
    // first, at its line spacing); NULL = placed where the template says.
    char *flow;
    // image
    char *source; // path or {field}
    sc_image_fit fit;
    gboolean optional; // an empty source leaves the slot blank instead of failing
    // qrcode
    char *data;    // with {field} placeholders
    char ec_level; // 'L', 'M', 'Q' or 'H'
    gboolean sign; // may carry the institution's signed payload (`signed`, default yes)
} sc_element;

// A certificate stock (套打 paper): which of the template's elements are already printed on it.
// Written in the template as a section [stock NAME] with `preprinted = ` a comma-separated list
// of element section names (shell-style patterns such as label_* allowed) and optionally
// `based_on = OTHER` (everything OTHER carries, plus this list).
typedef struct {
    char *name;
    char *based_on;    // another stock's name, or NULL
    char **preprinted; // NULL-terminated element names or patterns
} sc_stock;

// The stock name meaning blank paper: nothing pre-printed, the full design is printed.
#define SC_STOCK_BLANK "blank"

typedef struct {
    char *path;
    char *dir; // the folder holding the template: fixed image paths are relative to it
    char *name;
    double page_width, page_height; // mm
    char *fonts;                    // default font family list, comma-separated, first present wins
    gboolean has_level; // FALSE for 专项职业能力 certificates, which have no level (seeds/003)
    GPtrArray *elements; // sc_element *, in drawing order
    GPtrArray *stocks;   // sc_stock *, in file order
    char *stock;         // [template] stock: the default stock's name, or NULL (the static layer)
    // [template] signature: the element (an index of ELEMENTS) over whose box a signed PDF shows
    // its signature field (the seal, issue 13), or -1: the signature field is invisible.
    int signature;
} sc_template;

// Load and validate the template at PATH.  Every problem (unknown key values, bad lengths,
// malformed placeholders) is reported at once as "PATH: [SECTION] KEY: message".
// Only a regular file of at most SC_KEYFILE_MAX_BYTES is read (sc_file_read()).
// Returns NULL with *ERROR set (SC_ERROR_INPUT, or G_FILE_ERROR).
// Caller frees with sc_template_free().
sc_template *sc_template_load(const char *path, GError **error);

// As sc_template_load() from DATA (LEN bytes) named PATH in messages.
sc_template *sc_template_parse(const char *data, gsize len, const char *path, GError **error);

void sc_template_free(sc_template *tmpl);

// Which elements of TMPL the stock NAME carries pre-printed: an array parallel to
// TMPL->elements, TRUE for each element not to be drawn.  NAME NULL or "": the template's default
// stock ([template] stock), or without one the elements of layer = static (--fill-only).
// SC_STOCK_BLANK: nothing pre-printed.  An unknown NAME: NULL with *ERROR set (SC_ERROR_USAGE,
// naming the stocks there are).  Caller frees with g_free().
gboolean *sc_template_stock_mask(const sc_template *tmpl, const char *name, GError **error);

// Set MASK[i] (parallel to TMPL->elements) for each element named in LIST, comma-separated
// section names or patterns (label_*).  A name matching no element: FALSE with *ERROR set
// (SC_ERROR_USAGE, under the option OPTION).  Borrows everything.
gboolean sc_template_mask_names(const sc_template *tmpl, gboolean *mask, const char *list,
                                const char *option, GError **error);

// The names of TMPL's stocks, comma-separated ("blank" first).  Caller frees with g_free().
char *sc_template_stock_names(const sc_template *tmpl);

// Whether element E names the field NAME (or one of the NULL-terminated ALIASES) in its text,
// image source or code data.
gboolean sc_template_element_names(const sc_element *e, const char *const *names);

// Bounds of every template number, whatever unit it is written in (a 1e6 pt font size hung the
// layout; a 0 mm box failed only when drawn).
#define SC_LENGTH_MAX_MM 2000.0 // any length, and each side of the page
#define SC_BOX_MIN_MM    0.1    // each side of a rect, text, image or qrcode box
#define SC_FONT_MIN_PT   1.0    // size and min_size
#define SC_FONT_MAX_PT   200.0
#define SC_LINE_MAX_PT   20.0 // line_width, from 0

// Parse a length with its unit ("14mm", "2.25pt", "1in", "0.5cm") into millimetres; EM_PT, when
// positive, lets "2em" mean 2 × EM_PT points.  The number is plain decimal (sign, digits,
// fraction: no exponent, hex, nan or inf) and the length at most SC_LENGTH_MAX_MM either way.
// Independent of the locale's decimal separator.  FALSE when TEXT is not such a length.
gboolean sc_template_length_parse(const char *text, double em_pt, double *mm);

#define SC_MM_PER_PT (25.4 / 72.0)
#define SC_PT_PER_MM (72.0 / 25.4)

// Looks up the value of field NAME for sc_template_expand(); NULL = no such field.
typedef const char *(*sc_field_lookup)(const char *name, gpointer user_data);

// Where a page's fields come from: LOOKUP with DATA gives each value; NAME, when not NULL, gives
// the name a problem of field NAME is reported under (the canonical name of an alias), else the
// name as the template writes it.
typedef struct {
    sc_field_lookup lookup;
    const char *(*name)(const char *field);
    gpointer data;
} sc_fields;

// Replace each {NAME} in TEXT by LOOKUP's value ("{{" and "}}" stand for braces).  An unknown
// field sets *ERROR (SC_ERROR_INPUT: "unknown field {NAME}") and returns NULL.
// Caller frees with g_free().  Borrows TEXT.
char *sc_template_expand(const char *text, sc_field_lookup lookup, gpointer user_data,
                         GError **error);

// Call FUNC for each field name TEXT refers to (to check templates against records).
void sc_template_foreach_field(const char *text, void (*func)(const char *name, gpointer data),
                               gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_template, sc_template_free)

#endif
