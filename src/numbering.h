// numbering.h - the number source plug point (DESIGN.md "Two plug points"): "give these
// certificates their numbers".  Implementations: the register (registry.h: allocate per
// institution, year, level; SPEC §3), pre-assigned numbers from the records file (validate only,
// here), and in the tests an in-memory source.  This header knows no implementation.
// Names: the plug point is sc_number_source; sc_number_source_*() are its functions.
#ifndef SC_NUMBERING_H
#define SC_NUMBERING_H

#include "error.h"

// What a certificate's number is to its holder.
typedef enum {
    SC_NUMBER_NEW,       // issued now
    SC_NUMBER_REPRINT,   // issued before: the same number and date, printed again
    SC_NUMBER_CORRECTED, // issued before, a printed field corrected (the register keeps both)
} sc_number_status;

// One certificate to number.  The strings are borrowed; ASSIGNED, ASSIGNED_DATE and STATUS are
// the result.
typedef struct {
    // (Pointers first, then the numbers and flags together: 16 bytes an item less, 1.6 MB at
    // 100,000 certificates.)
    const char *name;
    const char *id_type;
    const char *id_number; // normalised
    const char *occupation;
    const char *occupation_code; // 职业编码 ("4-01-02-01"), NULL or "" when none: kept for reports
    const char *work_type;       // as printed ("——" when empty)
    const char *issue_date;      // YYYY-MM-DD; its year gives positions 14–15
    const char *number;          // a pre-assigned number (already validated), or NULL to allocate
    const char *output;          // where it is printed (a file, with its page), for the print log
    const char *stock;           // the blank stock sheet (证书内芯) it is printed on, or NULL
    const char *stock_range;     // the range of sheets the print run was given ("A-B"), or NULL
    const char *sha256;          // the SHA-256 of OUTPUT's file (issue 13), or NULL: logged only
    const char *sha256_number; // when the file carries this number and it is the one assigned
    char *assigned;            // out: the certificate's number; caller frees with g_free()
    char *assigned_date;       // out: its 发证日期, YYYY-MM-DD (a reprint's original); g_free()
    guint row;                 // the record's row in its file, for problems (0 = none)
    int level;                 // 1–5, 9 (sc_level_is_code())
    gboolean date_given;       // ISSUE_DATE is the record's own, not the batch's default
    gboolean second;           // a genuinely second certificate of the same kind (--new)
    gboolean correct;          // a changed 姓名 corrects the register (--correct)
    gboolean unprinted;        // recorded, not printed (numbers imported): no print logged
    sc_number_status status;   // out
} sc_number_item;

typedef struct sc_number_source sc_number_source;
struct sc_number_source {
    // Give each of the N ITEMS its number in ITEMS[i].assigned, all or none.  DRY_RUN: work out
    // the numbers without keeping anything.  A problem of an item (a number already issued to
    // someone else, serials used up) is added to PROBLEMS under the item's row, with no file
    // name, and the call returns FALSE with *ERROR set to the problems' code (SC_ERROR_INPUT,
    // SC_ERROR_DUPLICATE, SC_ERROR_EXHAUSTED) and a one-line summary; a failure of the source
    // itself returns FALSE with *ERROR set and no problem added.  ASSIGNED is overwritten, not
    // freed.
    gboolean (*assign)(sc_number_source *self, sc_number_item *items, guint n, gboolean dry_run,
                       sc_problems *problems, GError **error);
    // After a successful assign that was not a dry run: KEEP the numbers (the output is in
    // place) or give them back (it is not).  Until then a source may hold its numbers
    // provisionally (a register's open transaction).  NULL: nothing to do.  FALSE with *ERROR
    // set when keeping failed: then nothing was kept.
    gboolean (*finish)(sc_number_source *self, gboolean keep, GError **error);
    void (*free)(sc_number_source *self);
};

// Numbers as the records give them: every item must carry one.  Caller frees with
// sc_number_source_free().
sc_number_source *sc_number_source_given_new(void);

// SOURCE's finish, if it has one (else TRUE).
gboolean sc_number_source_finish(sc_number_source *source, gboolean keep, GError **error);

// Calls SOURCE's free.  NULL is a no-op.
void sc_number_source_free(sc_number_source *source);

#endif
