// registry.h - the register of issued certificates (SPEC §3, 台账; SQLite, the embedded default).
#ifndef SC_REGISTRY_H
#define SC_REGISTRY_H

#include "error.h"
#include "numbering.h"
#include <glib.h>

typedef struct sc_registry sc_registry; // opaque: sc_registry_open() / sc_registry_close()

// Open the register at PATH, creating it (mode 0600: it holds identity numbers) if missing.
// Returns NULL with *ERROR set (SC_ERROR_REGISTER, or SC_ERROR_IO) on failure.
// Caller frees with sc_registry_close().  Copies PATH.
sc_registry *sc_registry_open(const char *path, GError **error);
void sc_registry_close(sc_registry *registry);

// Number the N ITEMS of the institution whose positions 1–13 are PREFIX, in one transaction,
// recording BATCH (a label) and the time.  A certificate already in the register (same prefix,
// 证件号码, occupation, work type, level and issue date) gets its number back; others without
// NUMBER get the next serials for (PREFIX, year, level), consecutive from 000001 and never
// reused; a given NUMBER is recorded, or refused (SC_ERROR_DUPLICATE) if it was issued to a
// different certificate.  Serial 999999 used up → SC_ERROR_EXHAUSTED.  Given numbers are
// recorded before any allocation, so a serial above the counter moves it and allocation never
// collides; a given NUMBER must agree with PREFIX (positions 1–13), the year of ISSUE_DATE
// (14–15) and LEVEL (16) (sc_certno_check_agrees()), or the call fails with SC_ERROR_INPUT.
// Every problem of the batch is added to PROBLEMS under its item's row and field, with no file
// name, and the call returns FALSE with *ERROR set to the code of the first (SC_ERROR_INPUT,
// SC_ERROR_DUPLICATE or SC_ERROR_EXHAUSTED) and a count ("3 problems found"); a PREFIX that is
// no institution's returns FALSE with *ERROR set (SC_ERROR_INPUT) and no problem added, a
// failure of the register FALSE with *ERROR set to it (SC_ERROR_REGISTER).  On any failure
// nothing is recorded and no ASSIGNED is set; ASSIGNED is overwritten, not freed.  Safe against
// concurrent processes and crashes.  Borrows everything.
gboolean sc_registry_issue(sc_registry *registry, const char *prefix, const char *batch,
                           sc_number_item *items, guint n, sc_problems *problems, GError **error);

// As sc_registry_issue(), but nothing is kept: the numbers the items would get now (for a
// preview).  BATCH is not needed.
gboolean sc_registry_preview(sc_registry *registry, const char *prefix, sc_number_item *items,
                             guint n, sc_problems *problems, GError **error);

// The register at PATH as a number source (numbering.h) for the institution whose positions
// 1–13 are PREFIX, recording BATCH: its assign is sc_registry_issue(), or sc_registry_preview()
// for a dry run.  Returns NULL with *ERROR set as sc_registry_open() does.  Copies PATH, PREFIX
// and BATCH.  Caller frees with sc_number_source_free(), which closes the register.
sc_number_source *sc_registry_source_new(const char *path, const char *prefix, const char *batch,
                                         GError **error);

// The number the next certificate of (PREFIX, YEAR (four digits), LEVEL) would get, without
// allocating it.  Caller frees with g_free().  NULL with *ERROR set on failure.
char *sc_registry_peek(sc_registry *registry, const char *prefix, int year, int level,
                       GError **error);

#endif
