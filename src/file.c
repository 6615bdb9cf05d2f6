// file.c - read a file the user names: only a regular file, bounded (DESIGN.md "Command line").
#include "file.h"

#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

// "N MB" for a byte count, rounded up so that a file just over a limit never reads as equal.
static guint64
megabytes(guint64 bytes)
{
    return (bytes + (1u << 20) - 1) >> 20;
}

static void
set_not_regular(const char *path, GError **error)
{
    g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                _("%s: not a regular file (a folder, device or pipe); give the path of a file"),
                path);
}

static void
set_too_big(const char *path, guint64 size, gsize max_bytes, const char *advice, GError **error)
{
    if (advice != NULL)
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: the file is %llu MB, over the limit of %llu MB; %s"), path,
                    (unsigned long long)megabytes(size), (unsigned long long)(max_bytes >> 20),
                    advice);
    else
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: the file is %llu MB, over the limit of %llu MB"), path,
                    (unsigned long long)megabytes(size), (unsigned long long)(max_bytes >> 20));
}

static void
set_errno(const char *path, const char *what, int err, GError **error)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s: %s: %s", path, what,
                g_strerror(err));
}

gboolean
sc_file_read(const char *path, gsize max_bytes, const char *advice, char **data, gsize *len,
             GError **error)
{
    g_return_val_if_fail(path != NULL && data != NULL && len != NULL, FALSE);
    g_return_val_if_fail(max_bytes < G_MAXSIZE / 4, FALSE);
    *data = NULL;
    *len = 0;

    // Look first, so that a device is not even opened (opening one may have effects of its own).
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        set_not_regular(path, error);
        return FALSE;
    }
    // O_NONBLOCK: a pipe put in the file's place since the stat opens at once instead of
    // waiting for a writer; fstat() then tells what was opened, whatever the name points to now.
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        set_errno(path, _("cannot open"), errno, error);
        return FALSE;
    }
    gboolean ok = FALSE;
    char *buf = NULL;
    if (fstat(fd, &st) != 0) {
        set_errno(path, _("cannot read"), errno, error);
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        set_not_regular(path, error);
        goto out;
    }
    if ((guint64)st.st_size > max_bytes) {
        set_too_big(path, (guint64)st.st_size, max_bytes, advice, error);
        goto out;
    }

    // Read to the end, but never past MAX_BYTES + 1: a file that grows is caught, not followed.
    gsize cap = max_bytes + 1, size = MIN((gsize)st.st_size + 1, cap), used = 0;
    buf = g_malloc(size + 1);
    for (;;) {
        if (used == size) {
            if (size == cap)
                break;
            size = size > cap / 2 ? cap : MAX(size * 2, 4096u);
            size = MIN(size, cap);
            buf = g_realloc(buf, size + 1);
        }
        ssize_t n = read(fd, buf + used, size - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            set_errno(path, _("cannot read"), errno, error);
            goto out;
        }
        if (n == 0)
            break;
        used += (gsize)n;
    }
    if (used > max_bytes) {
        set_too_big(path, used, max_bytes, advice, error);
        goto out;
    }
    buf[used] = '\0';
    *len = used;
    *data = g_steal_pointer(&buf);
    ok = TRUE;

out:
    g_free(buf);
    close(fd);
    return ok;
}

// A temporary file beside PATH, named as the sink names its temporaries (sink.h), mode 0600.
// Returns its path (the file created, empty), or NULL with *ERROR set.  Caller frees with g_free().
char *
sc_file_temporary(const char *path, GError **error)
{
    g_autofree char *dir = g_path_get_dirname(path);
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *name = g_strdup_printf(".%s.skillcert-tmp-%ld-XXXXXX", base, (long)getpid());
    char *tmp = g_build_filename(dir, name, NULL);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        int saved = errno;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write: %s"), path,
                    g_strerror(saved));
        g_free(tmp);
        return NULL;
    }
    close(fd);
    return tmp;
}

// Sync the finished temporary TMP and move it to PATH; removed on failure.
gboolean
sc_file_put_in_place(const char *tmp, const char *path, GError **error)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    gboolean ok = fd >= 0 && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    if (ok && g_rename(tmp, path) != 0) {
        saved = errno;
        ok = FALSE;
    }
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write: %s"), path,
                    g_strerror(saved));
        g_unlink(tmp);
    }
    return ok;
}
