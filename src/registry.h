// registry.h - the register of issued certificates (SPEC §3, 台账; SQLite, the embedded default).
#ifndef SC_REGISTRY_H
#define SC_REGISTRY_H

#include "error.h"
#include <glib.h>

typedef struct sc_registry sc_registry; // opaque: sc_registry_open() / sc_registry_close()

// Open the register at PATH, creating it (mode 0600: it holds identity numbers) if missing.
// Returns NULL with *ERROR set (SC_ERROR_REGISTER, or SC_ERROR_IO) on failure.
// Caller frees with sc_registry_close().  Copies PATH.
sc_registry *sc_registry_open(const char *path, GError **error);
void sc_registry_close(sc_registry *registry);

// One certificate to number.  The strings are borrowed; ASSIGNED is the result.
typedef struct {
    const char *name;
    const char *id_type;
    const char *id_number;  // normalised
    const char *occupation;
    const char *work_type;  // as printed ("——" when empty)
    int level;              // 1–5, 9
    const char *issue_date; // YYYY-MM-DD; its year gives positions 14–15
    const char *number;     // a pre-assigned number (already validated), or NULL to allocate
    char *assigned;         // out: the certificate's number; caller frees with g_free()
} sc_issue;

// Number N certificates of the institution whose positions 1–13 are PREFIX, in one transaction,
// recording BATCH (a label) and the time.  A certificate already in the register (same prefix,
// 证件号码, occupation, work type, level and issue date) gets its number back; others without
// NUMBER get the next serials for (PREFIX, year, level), consecutive from 000001 and never
// reused; a given NUMBER is recorded, or refused (SC_ERROR_DUPLICATE) if it was issued to a
// different certificate.  Serial 999999 used up → SC_ERROR_EXHAUSTED.  On any failure nothing
// is recorded and no ASSIGNED is set.  Safe against concurrent processes and crashes.
// Given numbers are recorded before any allocation, so a serial above the counter moves it and
// allocation never collides; a given NUMBER must agree with PREFIX (positions 1–13), the year
// of ISSUE_DATE (14–15) and LEVEL (16), or the call fails with SC_ERROR_INPUT.  Every problem
// of the batch is listed, one per line.  ASSIGNED is overwritten, not freed.
gboolean sc_registry_issue(sc_registry *registry, const char *prefix, const char *batch,
                           sc_issue *items, guint n, GError **error);

// As sc_registry_issue(), but nothing is kept: the numbers the items would get now (for a
// preview).  BATCH is not needed.
gboolean sc_registry_preview(sc_registry *registry, const char *prefix, sc_issue *items, guint n,
                             GError **error);

// The number the next certificate of (PREFIX, YEAR (four digits), LEVEL) would get, without
// allocating it.  Caller frees with g_free().  NULL with *ERROR set on failure.
char *sc_registry_peek(sc_registry *registry, const char *prefix, int year, int level,
                       GError **error);

#endif
