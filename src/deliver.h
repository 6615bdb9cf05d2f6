// deliver.h - electronic certificates an officer can hand out (SPEC §5; issue 11): one file name
// per certificate from a pattern, safe on every file system and in zip archives, and the
// manifest of a folder (number, holder, file, bytes, SHA-256), written last.
#ifndef SC_DELIVER_H
#define SC_DELIVER_H

#include "cert.h"
#include "error.h"
#include <glib.h>

// The default pattern of split output's file names (SPEC §5).
#define SC_DELIVER_DEFAULT_NAME "{证书编号}_{姓名}.pdf"
// The longest file name, in bytes of UTF-8 (NTFS, ext4, APFS: 255).
#define SC_DELIVER_NAME_MAX 255
// The manifest's file name inside a split folder.
#define SC_DELIVER_MANIFEST "manifest.csv"

// NAME made safe as one file name on Windows, macOS and Linux and in a zip archive, ending in
// ".pdf" (added unless NAME ends so): Unicode NFC; the characters < > : " / \ | ? * and control
// characters replaced by '_'; spaces around the name removed and leading dots replaced by '_' (no
// hidden files, no "." or ".."); a Windows reserved device name (CON, PRN, AUX, NUL, COM1–9,
// LPT1–9, in any case, with any extension) prefixed with '_'; an empty name "_"; then cut to
// SC_DELIVER_NAME_MAX bytes before a whole character, keeping ".pdf".  Invalid UTF-8 is
// repaired first.  Caller frees with g_free().
char *sc_deliver_safe_name(const char *name);

// The file name of each of CERTS (sc_cert *) by PATTERN (NULL: SC_DELIVER_DEFAULT_NAME),
// expanded with sc_cert_lookup() and made safe: a table sc_cert * → char *.  Two certificates
// whose names are the same as Windows and macOS compare them (ignoring case) add a problem on
// the later one's row, under FILE and the field 证书编号, naming the earlier row.  A pattern
// naming a field the records do not have: NULL with *ERROR set (SC_ERROR_USAGE).
// Caller frees with g_hash_table_unref().  Borrows CERTS: the table's keys are theirs.
GHashTable *sc_deliver_names(GPtrArray *certs, const char *pattern, const char *file,
                             sc_problems *problems, GError **error);

// ID with its middle hidden: the first and last four characters kept and each one between
// shown as '*' (440104199003121232 → 4401**********1232); shorter numbers keep less.
// Caller frees with g_free().
char *sc_deliver_mask_id(const char *id);

// One file of a folder.
typedef struct {
    const sc_cert *cert;
    const char *file; // its name in the folder
    guint64 bytes;
    const char *sha256; // lower-case hex
} sc_deliver_entry;

// Write DIR/manifest.csv (UTF-8 with a byte-order mark, so that spreadsheets read it as UTF-8):
// a header, then one line per entry of ENTRIES (N of them): row, 姓名, 证件号码 (masked unless
// FULL_ID), 证书编号, 发证日期, file, bytes, SHA-256.  Written to a temporary, synced and
// renamed, with MODE (0: 0600).  FALSE with *ERROR set (SC_ERROR_IO).  Borrows everything.
// Append VALUE (may be NULL: empty) to S as one CSV field (RFC 4180 quoting), then SEP (',', or
// '\n' after a line's last field).  A value a spreadsheet would take for a formula (starting with
// = + - @, a tab or a carriage return) is prefixed with a quote mark, so it stays text.
void sc_deliver_csv_field(GString *s, const char *value, char sep);

gboolean sc_deliver_write_manifest(const char *dir, const sc_deliver_entry *entries, guint n,
                                   gboolean full_id, guint mode, GError **error);

#endif
