// keyfile.h - read the INI files users write (templates, institution files) into a GKeyFile:
// UTF-8 with or without a BOM, every failure one SC_ERROR_INPUT message naming the file.
#ifndef SC_KEYFILE_H
#define SC_KEYFILE_H

#include "error.h"
#include <glib.h>

// The largest INI file read (templates, institution files): a template is a few kilobytes.
#define SC_KEYFILE_MAX_BYTES (1u << 20)

// Parse DATA (LEN bytes) named PATH in messages.  A UTF-8 BOM (as Windows editors save) is
// skipped; bytes that are not UTF-8, or a NUL, are refused with their offset.  Returns NULL with
// *ERROR set (SC_ERROR_INPUT).  Caller frees with g_key_file_free().  Borrows DATA.
GKeyFile *sc_keyfile_parse(const char *data, gsize len, const char *path, GError **error);

#endif
