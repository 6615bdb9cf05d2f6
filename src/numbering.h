// numbering.h - the number source plug point (DESIGN.md "Two plug points"): "give these
// certificates their numbers".  Implementations: the register (allocate per institution, year,
// level; SPEC §3) and pre-assigned numbers from the records file (validate only).
#ifndef SC_NUMBERING_H
#define SC_NUMBERING_H

#include "error.h"
#include "registry.h"

typedef struct sc_number_source sc_number_source;
struct sc_number_source {
    // Give each of the N ITEMS its number in ITEMS[i].assigned, all or none.  DRY_RUN: work out
    // the numbers without keeping anything (preview).  FALSE with *ERROR set on failure.
    gboolean (*assign)(sc_number_source *self, sc_issue *items, guint n, gboolean dry_run,
                       GError **error);
    void (*free)(sc_number_source *self);
};

// Numbers from the register at PATH for the institution whose positions 1–13 are PREFIX;
// BATCH labels the allocation in the register.  NULL with *ERROR set if the register cannot be
// opened.  Caller frees with sc_number_source_free().  Copies all.
sc_number_source *sc_number_source_register_new(const char *path, const char *prefix,
                                                const char *batch, GError **error);

// Numbers as the records give them: every item must carry one.
sc_number_source *sc_number_source_given_new(void);

void sc_number_source_free(sc_number_source *source);

#endif
