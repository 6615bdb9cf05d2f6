// error.h - the SC_ERROR domain, exit statuses, and the problem collector (DESIGN.md, STYLE.md).
// The collector is its own small type, sc_problems_*(): every stage reports through it.
#ifndef SC_ERROR_H
#define SC_ERROR_H

#include <glib.h>

#define SC_ERROR (sc_error_quark())

// Codes are grouped by the exit status they lead to: 1 bad input, 2 usage, 3 environment.
// Keep sc_error_code_name() and the table in error.c in step (tests/unit/test-error.c).
typedef enum {
    SC_ERROR_INPUT,     // a records file, number, template or institution file is wrong (1)
    SC_ERROR_GLYPH,     // a character no configured font has (1)
    SC_ERROR_FIT,       // text does not fit its box at the template's floor size (1)
    SC_ERROR_PHOTO,     // a photo is missing, unreadable or unsuitable (1)
    SC_ERROR_DUPLICATE, // a number or certificate given twice (1)
    SC_ERROR_EXHAUSTED, // serial 999999 already issued for (institution, year, level) (1)
    SC_ERROR_USAGE,     // the command line is wrong (2)
    SC_ERROR_FONT,      // no configured font face is installed (3)
    SC_ERROR_IO,        // a file cannot be read or written (3)
    SC_ERROR_REGISTER,  // the register database failed (3)
    SC_ERROR_RENDER,    // cairo failed (3)
    SC_ERROR_CANCELLED, // stopped by a signal (Ctrl-C, SIGTERM, SIGHUP): 130 (the CLI gives
                        // 128 + the signal's number)
} sc_error_code;

GQuark sc_error_quark(void);

// The symbolic name of CODE ("SC_ERROR_INPUT"), or NULL if out of range.
const char *sc_error_code_name(sc_error_code code);

// The exit status for any GError: SC_ERROR codes by their group, G_FILE_ERROR and
// G_IO_ERROR 3, G_CONVERT_ERROR, G_KEY_FILE_ERROR and G_MARKUP_ERROR 1, G_OPTION_ERROR 2,
// anything else 3.  NULL gives 0.
int sc_error_exit_status(const GError *error);

// A collector of input problems, each a structured item shown as one line "FILE:ROW: FIELD:
// message".  Every stage adds every problem it finds and the caller fails once at the end, so a
// user sees all of them at once.  Problems travel as items from every stage to the command line,
// never joined into one text and split again.
typedef struct sc_problems sc_problems; // opaque: sc_problems_new() / sc_problems_free()

// One problem.  FILE and FIELD may be NULL; ROW 0 is a problem of the file (or input) as a whole.
// WHO names the person of the row ("刘洋"), or is NULL.  After sc_problems_compact(), one item may
// stand for the same problem on N_ROWS rows (ROW is the first, ROWS says which).
typedef struct {
    char *file;
    guint row;
    char *field;
    char *message; // the problem itself, without file, row or field
    char *line;    // as shown: "FILE:ROW (WHO): FIELD: message"; control and format characters
                   // escaped (\x1b, <U+202E>), so no cell can drive the terminal
    char *who;     // the holder's name, or NULL
    guint n_rows;  // 1, or the rows this item stands for after sc_problems_compact()
    char *rows;    // NULL, or "2–10001" after sc_problems_compact()
} sc_problem;

// Caller frees with sc_problems_free().
sc_problems *sc_problems_new(void);
void sc_problems_free(sc_problems *problems);

// Add one problem.  FILE may be NULL (omitted); ROW 0 is omitted; FIELD may be NULL (omitted).
// Copies everything.
void sc_problems_add(sc_problems *problems, const char *file, guint row, const char *field,
                     const char *format, ...) G_GNUC_PRINTF(5, 6);

// As sc_problems_add() with MESSAGE taken as it is (no format).  Copies everything.
void sc_problems_add_literal(sc_problems *problems, const char *file, guint row, const char *field,
                             const char *message);

// As sc_problems_add_literal(), naming the person of the row too: WHO (may be NULL or empty:
// left out) is shown as "FILE:ROW (WHO): FIELD: message", cut to 20 characters.  Copies everything.
void sc_problems_add_who(sc_problems *problems, const char *file, guint row, const char *who,
                         const char *field, const char *message);

// Fold each problem that is the same (file, field and message) on at least
// SC_PROBLEMS_COMPACT_MIN rows into one item at its first place, shown as "FILE: rows 2–10001
// (10000 rows): FIELD: message" (an institution-level fault on every row is read once).
// The person is left out of a folded item.
#define SC_PROBLEMS_COMPACT_MIN 4
void sc_problems_compact(sc_problems *problems);

// TEXT as a message may quote it: control characters shown as \xNN (C0, DEL) or <U+0085>, and
// format characters (Unicode Cf: bidi controls, zero-width spaces, soft hyphen), line and
// paragraph separators as <U+202E>; invalid UTF-8 as U+FFFD.  Caller frees with g_free().
char *sc_problems_escape(const char *text);

guint sc_problems_count(const sc_problems *problems);

// The I-th problem, and its line.  Valid until PROBLEMS is changed or freed.
const sc_problem *sc_problems_item(const sc_problems *problems, guint i);
const char *sc_problems_get(const sc_problems *problems, guint i);

// Add every problem of FROM to PROBLEMS, in order.  Copies them.
void sc_problems_merge(sc_problems *problems, const sc_problems *from);

// As sc_problems_merge(), giving FILE (may be NULL) to the problems that name none: a stage that
// does not know the file name (the register) adds problems by row only.
void sc_problems_merge_in(sc_problems *problems, const sc_problems *from, const char *file);

// Keep only the problems of ROW and those of the file as a whole (row 0).
void sc_problems_keep_row(sc_problems *problems, guint row);

// Order the problems by row, keeping the order of problems within a row (file-wide problems,
// row 0, first), so a user reads them top to bottom as in the file.
void sc_problems_sort(sc_problems *problems);

// Whether any problem was added for ROW of FILE (to skip later stages for a broken record).
gboolean sc_problems_has_row(const sc_problems *problems, guint row);

// If there are problems, set *ERROR (CODE, SC_ERROR) to all lines joined by newlines followed by
// a count line, and return FALSE; otherwise return TRUE.
gboolean sc_problems_to_error(const sc_problems *problems, sc_error_code code, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(sc_problems, sc_problems_free)

#endif
