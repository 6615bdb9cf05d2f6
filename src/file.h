// file.h - read a file the user names, safely: only a regular file, and never more than a limit
// (DESIGN.md "Command line": a records file, template, institution file or image that is a
// folder, /dev/zero or a pipe is refused instead of read until memory runs out).
#ifndef SC_FILE_H
#define SC_FILE_H

#include "error.h"
#include <glib.h>

// Read the regular file at PATH whole into *DATA (NUL-terminated, *LEN bytes without the NUL).
// Refused before anything is read (FALSE with *ERROR set, SC_ERROR_INPUT): anything that is not
// a regular file ("PATH: not a regular file …": a folder, a device such as /dev/zero, a pipe, a
// socket), and a file over MAX_BYTES ("PATH: the file is N MB, over the limit of M MB", then
// "; ADVICE" when ADVICE is not NULL).  At most MAX_BYTES + 1 bytes are ever read, even when the
// file grows while it is read.  A file that cannot be opened or read: FALSE with *ERROR set
// (G_FILE_ERROR, as g_file_get_contents() sets it).  Never blocks on a pipe.
// Caller frees *DATA with g_free().  Borrows PATH and ADVICE.
gboolean sc_file_read(const char *path, gsize max_bytes, const char *advice, char **data,
                      gsize *len, GError **error);

// A temporary file beside PATH for writing it whole, named as the sink names its temporaries
// (sink.h: hidden, and removed by the next run into the folder when the run that made it was
// killed), mode 0600.  Returns its path (the file created, empty), or NULL with *ERROR set.
// Caller frees with g_free().
char *sc_file_temporary(const char *path, GError **error);

// Sync the written temporary TMP (sc_file_temporary()) and move it to PATH; TMP removed on
// failure (FALSE with *ERROR set).
gboolean sc_file_put_in_place(const char *tmp, const char *path, GError **error);

#endif
