// sink.c - output targets with atomic, durable writes (DESIGN.md "sink", "Command line": nothing
// half-written is ever left behind; pitfalls: the PDF creation date must be pinned for
// byte-identical output with cairo 1.16).
#include "sink.h"

#include "deflate.h"

#include "i18n.h"

#include <cairo-pdf.h>
#include <png.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define TMP_MARK ".skillcert-tmp-"

// The one PDF is written by cairo in parts of this many pages, joined when finished
// (sc_finish_join()): cairo 1.16 holds ≈ 1 KB per page until its document ends.  The
// environment's SKILLCERT_PART_PAGES sets another count (the tests join small batches).
#define PART_PAGES 2000

// One output file: written under TMP, moved to FINAL at commit.
typedef struct {
    char *tmp;    // NULL once moved (or never made)
    char *backup; // split commit: the older file that was under FINAL, until the set is in place
    gboolean moved;
    gboolean backup_by_rename; // the older file left FINAL (no hard link possible)
    guint64 size;
    char *sha256; // of the finished file, lower-case hex; NULL before
    guint order;  // its page's place among the folder's files (sc_sink_page.order)
} out_file;

// A copy of an sc_finish_info (every string owned).
typedef struct {
    char *title, *author, *subject, *keywords, *created;
} info_copy;

struct sc_sink {
    sc_sink_kind kind;
    char *path;
    char *dir; // the folder the files appear in: PATH's folder, or PATH for split output
    double width_pt, height_pt, dpi;
    char *title, *created;
    gboolean force;
    guint mode;
    cairo_surface_t *surface; // PDF: the open document; split: the current page's; PNG: raster
    cairo_t *cr;
    FILE *fp;            // PDF, PNG: the temporary file's stream; split: the current page's
    GByteArray *buf;     // PDF, split: what cairo wrote of the open document, for sc_finish_pdf()
    info_copy info;      // the metadata of the one PDF, or of every split page without its own
    info_copy page_info; // split: the current page's own
    gboolean to_stdout;  // PDF at "-": a temporary in the temporary folder, copied out at commit
    GArray *files;       // out_file, in page order
    GPtrArray *finals;   // char *: their final paths (sc_sink_files())
    char *tmpdir;        // split: DIR/.BASE.skillcert-tmp-PID-XXXXXX, holding the pages
    gboolean beside;     // split: TMPDIR is another sink's (sc_sink_options.beside), not ours
    gboolean made_dir;   // split: DIR did not exist and was made by this sink
    gboolean finished;
    guint pages;
    const sc_signer *signer; // signs every PDF (issue 13), or NULL
    double signature_box[4]; // where the signature field shows (mm), when SIGNATURE_SHOWN
    gboolean signature_shown;
    int write_errno;  // PDF: the first error of cairo's writes into FP, or 0
    GPtrArray *parts; // PDF: the parts written before the one open (char *: temporaries)
    guint part_pages; // PDF: pages in the part open, and most in one
    guint part_limit;
    FILE *marks;             // PDF: each page's label and bookmark (sc_finish_info.marks), in a
                             // temporary file (removed when closed)
    int marks_errno;         // the first error of writing it, or 0
    gboolean marked;         // PDF: some page has one
    struct syncer *syncer;   // split: syncs the pages' files while the next are drawn, or NULL
    sc_deflate_share *share; // split: the pages' (sc_sink_set_share()), or NULL
    gboolean reference;      // split: the current page is its reference
};

static out_file *
file_at(const sc_sink *sink, guint i)
{
    return &g_array_index(sink->files, out_file, i);
}

// --- Names, checks and stale temporaries -------------------------------------------------------

// The temporary name pattern ".BASE.skillcert-tmp-PID-XXXXXX" in DIR, for g_mkstemp/g_mkdtemp.
static char *
tmp_template(const char *dir, const char *base)
{
    g_autofree char *name = g_strdup_printf(".%s" TMP_MARK "%ld-XXXXXX", base, (long)getpid());
    return g_build_filename(dir, name, NULL);
}

// Whether NAME is one of our temporaries, ".BASE.skillcert-tmp-PID-XXXXXX" exactly (BASE not
// empty, PID digits, six letters or digits as g_mkstemp() makes them); *PID set.
static gboolean
parse_tmp_name(const char *name, pid_t *pid)
{
    if (name[0] != '.')
        return FALSE;
    const char *mark = g_strrstr(name, TMP_MARK);
    if (mark == NULL || mark < name + 2)
        return FALSE;
    const char *p = mark + strlen(TMP_MARK);
    guint64 v = 0;
    gsize digits = 0;
    while (g_ascii_isdigit(*p) && digits < 10) {
        v = v * 10 + (guint64)(*p - '0');
        p++, digits++;
    }
    if (digits == 0 || *p != '-' || v == 0 || v > G_MAXINT32)
        return FALSE;
    p++;
    for (int i = 0; i < 6; i++)
        if (!g_ascii_isalnum(p[i]))
            return FALSE;
    if (p[6] != '\0')
        return FALSE;
    *pid = (pid_t)v;
    return TRUE;
}

// Remove the temporary PATH: a file, or one of our folders with the files in it (never following
// a link, never descending further: we make nothing deeper).
static void
remove_tmp(const char *path)
{
    GStatBuf st;
    if (g_lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        GDir *d = g_dir_open(path, 0, NULL);
        const char *name;
        while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            GStatBuf cst;
            if (g_lstat(child, &cst) == 0 && !S_ISDIR(cst.st_mode))
                g_unlink(child);
        }
        if (d != NULL)
            g_dir_close(d);
        g_rmdir(path);
    } else if (S_ISREG(st.st_mode)) {
        g_unlink(path);
    }
}

// Remove the temporaries in DIR left by runs that were killed: names of our pattern whose process
// is gone (kill(PID, 0) fails with ESRCH).  A live process's, and anything else, is kept.
static void
remove_stale(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (d == NULL)
        return;
    const char *name;
    while ((name = g_dir_read_name(d)) != NULL) {
        pid_t pid;
        if (!parse_tmp_name(name, &pid) || pid == getpid())
            continue;
        if (kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        g_autofree char *path = g_build_filename(dir, name, NULL);
        remove_tmp(path);
    }
    g_dir_close(d);
}

// Whether the existing file ST may be written by us, judged on its mode bits: root may write
// anything, so for root a file without any write bit counts as read-only.
static gboolean
mode_writable(const char *path, const GStatBuf *st)
{
    if (geteuid() == 0)
        return (st->st_mode & 0222) != 0;
    if (st->st_uid == geteuid())
        return (st->st_mode & S_IWUSR) != 0;
    return access(path, W_OK) == 0;
}

// FINAL may be written: it does not exist, or is a regular file we may replace.
static gboolean
check_target(const char *final, gboolean force, GError **error)
{
    GStatBuf st;
    if (g_lstat(final, &st) != 0) {
        if (errno == ENOENT)
            return TRUE;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), final,
                    g_strerror(errno));
        return FALSE;
    }
    if (!S_ISREG(st.st_mode)) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO,
                    _("%s exists and is not a regular file (a folder, device, link or pipe); it "
                      "is not replaced: give another output name"),
                    final);
        return FALSE;
    }
    if (!force && !mode_writable(final, &st)) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO,
                    _("%s exists and is read-only; it is not replaced unless forced"), final);
        return FALSE;
    }
    return TRUE;
}

// Open a new file for writing at TMP with the sink's mode: TMP a g_mkstemp() template (EXCL set
// or not), else a plain name that must not exist.
static FILE *
open_file(sc_sink *sink, char *tmp, gboolean is_template, GError **error)
{
    int fd = is_template ? g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, (int)sink->mode)
                         : g_open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (int)sink->mode);
    if (fd < 0) {
        int err = errno;
        g_autofree char *dir = g_path_get_dirname(tmp);
        if (err == EEXIST && !is_template)
            g_set_error(error, SC_ERROR, SC_ERROR_DUPLICATE, _("%s: two pages with one name"), tmp);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write in %s: %s"), dir,
                        g_strerror(err));
        return NULL;
    }
    // The mode exactly as asked, whatever the umask.
    if (fchmod(fd, sink->mode) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), tmp, g_strerror(errno));
        close(fd);
        g_unlink(tmp);
        return NULL;
    }
    FILE *fp = fdopen(fd, "wb");
    if (fp == NULL) {
        close(fd);
        g_unlink(tmp);
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), tmp, g_strerror(errno));
    }
    return fp;
}

// fsync() the folder DIR, so that a rename in it survives a crash.
static gboolean
sync_dir(const char *dir, GError **error)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    gboolean ok = fd >= 0 && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (!ok)
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot sync folder %s: %s"), dir,
                    g_strerror(err));
    return ok;
}

// --- Split pages synced behind the drawing -----------------------------------------------------
//
// A split page's file is complete when its page ends, and must be on the disk before any number
// is issued; waiting there for each fsync() left the drawing thread idle for a third of a
// 1,000-page run (the disk's latency, page after page).  Threads of the sink's own sync and close
// the files while the next pages are drawn (several: a disk takes the syncs of several files at
// once about as fast as one); sc_sink_finish() waits for the last and reports the first that
// failed.  At most SYNC_PENDING files wait (open descriptors), the drawing waiting when there are
// more.

#define SYNC_THREADS 4
#define SYNC_PENDING 64

typedef struct syncer {
    GThreadPool *pool; // SYNC_THREADS
    GMutex lock;
    GCond room;
    guint pending;    // files handed over and not yet closed
    gboolean dropped; // the sink is aborted: close without syncing
    int err;          // the first failure's errno, or 0
    guint failed;     // and its file's index (the first in page order of those that failed)
} syncer;

typedef struct {
    FILE *fp;
    guint index;
} sync_job;

static void
sync_run(gpointer data, gpointer user_data)
{
    sync_job *job = data;
    syncer *s = user_data;
    g_mutex_lock(&s->lock);
    gboolean dropped = s->dropped;
    g_mutex_unlock(&s->lock);
    int err = 0;
    if (!dropped && fsync(fileno(job->fp)) != 0)
        err = errno;
    if (fclose(job->fp) != 0 && err == 0)
        err = errno;
    g_mutex_lock(&s->lock);
    if (err != 0 && !dropped && (s->err == 0 || job->index < s->failed)) {
        s->err = err;
        s->failed = job->index;
    }
    s->pending--;
    g_cond_signal(&s->room);
    g_mutex_unlock(&s->lock);
    g_free(job);
}

// Hand FP (file I of SINK, flushed) to SINK's syncer, which syncs and closes it; waits while
// SYNC_PENDING files wait.
static void
sync_later(sc_sink *sink, FILE *fp, guint i)
{
    syncer *s = sink->syncer;
    if (s == NULL) {
        s = sink->syncer = g_new0(syncer, 1);
        g_mutex_init(&s->lock);
        g_cond_init(&s->room);
        s->pool = g_thread_pool_new(sync_run, s, SYNC_THREADS, FALSE, NULL);
    }
    g_mutex_lock(&s->lock);
    while (s->pending >= SYNC_PENDING)
        g_cond_wait(&s->room, &s->lock);
    s->pending++;
    g_mutex_unlock(&s->lock);
    sync_job *job = g_new(sync_job, 1);
    *job = (sync_job){.fp = fp, .index = i};
    g_thread_pool_push(s->pool, job, NULL);
}

// Wait for SINK's syncer to close every file handed to it (DROP: unsynced, the files being
// thrown away), and end it.  FALSE with *ERROR set for the first file that failed.
static gboolean
sync_wait(sc_sink *sink, gboolean drop, GError **error)
{
    syncer *s = g_steal_pointer(&sink->syncer);
    if (s == NULL)
        return TRUE;
    g_mutex_lock(&s->lock);
    s->dropped = drop;
    g_mutex_unlock(&s->lock);
    g_thread_pool_free(s->pool, FALSE, TRUE); // every file handed over is closed first
    gboolean ok = s->err == 0;
    if (!ok)
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"),
                    (const char *)g_ptr_array_index(sink->finals, s->failed), g_strerror(s->err));
    g_mutex_clear(&s->lock);
    g_cond_clear(&s->room);
    g_free(s);
    return ok;
}

// Flush, fsync() and close FP (the file FINAL is written at); *SIZE set.
static gboolean
close_synced(FILE *fp, const char *final, guint64 *size, GError **error)
{
    gboolean ok = fflush(fp) == 0;
    int err = errno;
    struct stat st;
    if (ok) {
        ok = fsync(fileno(fp)) == 0 && fstat(fileno(fp), &st) == 0;
        err = errno;
    }
    if (fclose(fp) != 0 && ok) {
        ok = FALSE;
        err = errno;
    }
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), final, g_strerror(err));
        return FALSE;
    }
    *size = (guint64)st.st_size;
    return TRUE;
}

// --- Cairo --------------------------------------------------------------------------------------

// cairo writes a PDF into memory: the finish stage reads it whole.
static cairo_status_t
write_buffer(void *closure, const unsigned char *data, unsigned int length)
{
    g_byte_array_append(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

static gboolean
surface_ok(cairo_surface_t *surface, const char *path, GError **error)
{
    cairo_status_t st = cairo_surface_status(surface);
    if (st == CAIRO_STATUS_SUCCESS)
        return TRUE;
    g_set_error(error, SC_ERROR, st == CAIRO_STATUS_WRITE_ERROR ? SC_ERROR_IO : SC_ERROR_RENDER,
                "%s: %s", path, cairo_status_to_string(st));
    return FALSE;
}

// cairo writes the one PDF into the sink's temporary file (a document of thousands of pages is
// never held in memory).  The first failure is kept and reported when the file is finished; the
// rest is dropped, and cairo is told nothing: a cairo 1.16 PDF surface whose stream failed can
// crash when it is finished or destroyed.
static cairo_status_t
write_file(void *closure, const unsigned char *data, unsigned int length)
{
    sc_sink *sink = closure;
    if (sink->write_errno == 0 && fwrite(data, 1, length, sink->fp) != length)
        sink->write_errno = errno != 0 ? errno : EIO;
    return CAIRO_STATUS_SUCCESS;
}

// A PDF surface writing into SINK->buf (emptied; split output), or for the one PDF into its
// temporary file.  Its document information is replaced by the finish stage; the date is
// pinned all the same, so that cairo's own output is reproducible.
static cairo_surface_t *
new_pdf(sc_sink *sink)
{
    g_byte_array_set_size(sink->buf, 0);
    cairo_surface_t *s =
        sink->kind == SC_SINK_PDF
            ? cairo_pdf_surface_create_for_stream(write_file, sink, sink->width_pt, sink->height_pt)
            : cairo_pdf_surface_create_for_stream(write_buffer, sink->buf, sink->width_pt,
                                                  sink->height_pt);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    if (sink->created != NULL)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, sink->created);
    return s;
}

// --- Metadata and the finish stage --------------------------------------------------------------

static void
info_clear(info_copy *c)
{
    g_free(c->title);
    g_free(c->author);
    g_free(c->subject);
    g_free(c->keywords);
    g_free(c->created);
    memset(c, 0, sizeof *c);
}

// Copy INFO (may be NULL: nothing) into C, replacing what C held.
static void
info_set(info_copy *c, const sc_finish_info *info)
{
    info_clear(c);
    if (info == NULL)
        return;
    c->title = g_strdup(info->title);
    c->author = g_strdup(info->author);
    c->subject = g_strdup(info->subject);
    c->keywords = g_strdup(info->keywords);
    c->created = g_strdup(info->created);
}

// What the finish stage writes into SINK's file about itself: INFO, SINK's key and where its
// signature shows.  Borrows both.
static sc_finish_info
finish_info(const sc_sink *sink, const info_copy *info)
{
    return (sc_finish_info){.title = info->title,
                            .author = info->author,
                            .subject = info->subject,
                            .keywords = info->keywords,
                            .created = info->created,
                            .signer = sink->signer,
                            .signature_box = sink->signature_shown ? sink->signature_box : NULL,
                            .marks = sink->marked ? sink->marks : NULL,
                            .mark_pages = sink->pages};
}

// Split: the PDF cairo wrote into SINK->buf, finished with INFO (sc_finish_pdf()), written to FP,
// which goes to the syncer (sync_later(): synced and closed there); file I's size and SHA-256
// set.  FP is closed here on failure.
static gboolean
write_finished(sc_sink *sink, guint i, FILE *fp, const info_copy *info, GError **error)
{
    const char *final = g_ptr_array_index(sink->finals, i);
    const sc_finish_info view = finish_info(sink, info);
    out_file *f = &g_array_index(sink->files, out_file, i);
    g_clear_pointer(&f->sha256, g_free);
    g_autoptr(GBytes) bytes =
        sc_finish_pdf(sink->buf->data, sink->buf->len, &view, &f->sha256, error);
    g_byte_array_set_size(sink->buf, 0);
    if (bytes == NULL) {
        fclose(fp);
        return FALSE;
    }
    gsize n;
    const guint8 *d = g_bytes_get_data(bytes, &n);
    if (fwrite(d, 1, n, fp) != n || fflush(fp) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), final,
                    g_strerror(errno));
        fclose(fp);
        return FALSE;
    }
    f->size = n;
    sync_later(sink, fp, i); // synced and closed while the next page is drawn
    return TRUE;
}

// Sync the file at PATH and set *SIZE.  FALSE with *ERROR set.
static gboolean
sync_file(const char *path, guint64 *size, GError **error)
{
    int fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);
    GStatBuf st;
    gboolean ok = fd >= 0 && fstat(fd, &st) == 0 && fsync(fd) == 0;
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), path, g_strerror(err));
        return FALSE;
    }
    *size = (guint64)st.st_size;
    return TRUE;
}

// The one PDF: end the part cairo is writing, its document finished and its file closed.
static gboolean
end_part(sc_sink *sink, GError **error)
{
    sc_deflate_begin(); // (the document's last streams: its fonts)
    cairo_surface_finish(sink->surface);
    sc_deflate_end();
    gboolean ok = surface_ok(sink->surface, sink->path, error);
    cairo_surface_destroy(g_steal_pointer(&sink->surface));
    FILE *fp = g_steal_pointer(&sink->fp);
    int err = sink->write_errno;
    if (fflush(fp) != 0 && err == 0)
        err = errno;
    if (fclose(fp) != 0 && err == 0)
        err = errno;
    if (ok && err != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), sink->path,
                    g_strerror(err));
        ok = FALSE;
    }
    return ok;
}

// A new temporary beside the output (".BASE.skillcert-tmp-PID-XXXXXX"), opened into *FP
// (closed when FP is NULL).  NULL with *ERROR set.
static char *
new_tmp(sc_sink *sink, FILE **fp, GError **error)
{
    g_autofree char *base = g_path_get_basename(sink->to_stdout ? "stdout.pdf" : sink->path);
    char *tmp = tmp_template(sink->dir, base);
    FILE *f = open_file(sink, tmp, TRUE, error);
    if (f == NULL) {
        g_free(tmp);
        return NULL;
    }
    if (fp != NULL)
        *fp = f;
    else
        fclose(f);
    return tmp;
}

// The one PDF: the part open ended and kept, a new one begun.
static gboolean
next_part(sc_sink *sink, GError **error)
{
    if (!end_part(sink, error))
        return FALSE;
    out_file *f = file_at(sink, 0);
    g_ptr_array_add(sink->parts, g_steal_pointer(&f->tmp));
    f->tmp = new_tmp(sink, &sink->fp, error);
    if (f->tmp == NULL)
        return FALSE;
    sink->part_pages = 0;
    sink->surface = new_pdf(sink);
    return TRUE;
}

// The one PDF, its last part ended: the parts joined into one file, the file's temporary, and
// finished as it is joined when INFO is given (sc_finish_join(): F's SHA-256 set, *FINISHED).
static gboolean
join_parts(sc_sink *sink, const sc_finish_info *info, gboolean *finished, GError **error)
{
    out_file *f = file_at(sink, 0);
    *finished = FALSE;
    if (f->tmp != NULL)
        g_ptr_array_add(sink->parts, g_steal_pointer(&f->tmp));
    if (sink->parts->len == 1) { // one part: the file as cairo wrote it
        f->tmp = g_ptr_array_steal_index(sink->parts, 0);
        return TRUE;
    }
    f->tmp = new_tmp(sink, NULL, error);
    if (f->tmp == NULL || !sc_finish_join((const char *const *)sink->parts->pdata, sink->parts->len,
                                          f->tmp, info, &f->sha256, error))
        return FALSE;
    g_ptr_array_set_size(sink->parts, 0); // each removed once copied
    *finished = info != NULL;
    return TRUE;
}

// The one PDF: its parts joined (join_parts()), what cairo wrote into the file's temporary
// finished where it is by sc_finish_pdf_file() (an update appended), synced; its size and SHA-256
// set.  A signed one passes through memory into a new temporary (the signature is made over the
// written bytes).
static gboolean
write_finished_file(sc_sink *sink, const info_copy *info, GError **error)
{
    out_file *f = &g_array_index(sink->files, out_file, 0);
    gboolean ok, joined_finished;
    const sc_finish_info view = finish_info(sink, info);
    g_free(f->sha256);
    f->sha256 = NULL;
    if (!join_parts(sink, sink->signer == NULL ? &view : NULL, &joined_finished, error))
        return FALSE;
    if (sink->signer == NULL)
        return (joined_finished || sc_finish_pdf_file(f->tmp, &view, &f->sha256, error)) &&
               sync_file(f->tmp, &f->size, error);
    FILE *out = NULL;
    char *finished = new_tmp(sink, &out, error);
    if (finished == NULL)
        return FALSE;
    // Signed: through memory, as split files are.
    g_autofree char *raw = NULL;
    gsize len = 0;
    g_autoptr(GBytes) bytes = NULL;
    ok = g_file_get_contents(f->tmp, &raw, &len, error) &&
         (bytes = sc_finish_pdf((const guint8 *)raw, len, &view, &f->sha256, error)) != NULL;
    if (ok) {
        gsize n;
        const guint8 *d = g_bytes_get_data(bytes, &n);
        ok = fwrite(d, 1, n, out) == n;
        if (!ok)
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), finished,
                        g_strerror(errno));
    }
    // The finished file takes the raw one's place as the file to move in at commit.
    g_unlink(f->tmp);
    g_free(f->tmp);
    f->tmp = finished;
    if (!ok) {
        fclose(out);
        return FALSE;
    }
    return close_synced(out, finished, &f->size, error);
}

// --- PNG ----------------------------------------------------------------------------------------

// Write the RGB24 image SURFACE to FP as an 8-bit RGB PNG that records its resolution DPI (a
// pHYs chunk, which cairo_surface_write_to_png() leaves out), so that it prints at its true
// size.  libpng's longjmp is confined here.
static gboolean
write_png(cairo_surface_t *surface, double dpi, FILE *fp)
{
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    cairo_surface_flush(surface);
    const unsigned char *pixels = cairo_image_surface_get_data(surface);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    guint8 *volatile row = NULL;
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        g_free(row);
        png_destroy_write_struct(&png, &info);
        return FALSE;
    }
    row = g_malloc((gsize)w * 3);
    png_init_io(png, fp);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const guint32 *src = (const guint32 *)(pixels + (gsize)y * (gsize)stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (guint8)(src[x] >> 16);
            row[3 * x + 1] = (guint8)(src[x] >> 8);
            row[3 * x + 2] = (guint8)src[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    g_free(row);
    return TRUE;
}

// --- The sink -----------------------------------------------------------------------------------

// Add a file whose final path is FINAL (taken) and temporary TMP (taken).
static void
add_file(sc_sink *sink, char *final, char *tmp)
{
    out_file f = {.tmp = tmp};
    g_array_append_val(sink->files, f);
    g_ptr_array_add(sink->finals, final);
}

// Split output: make DIR if needed (recording that we did) and our temporary folder in it.
static gboolean
open_split(sc_sink *sink, GError **error)
{
    sink->made_dir = !g_file_test(sink->path, G_FILE_TEST_EXISTS);
    guint dir_mode = sink->mode | ((sink->mode & 0444) >> 2);
    if (g_mkdir_with_parents(sink->path, (int)dir_mode) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot create folder %s: %s"), sink->path,
                    g_strerror(errno));
        sink->made_dir = FALSE;
        return FALSE;
    }
    remove_stale(sink->path);
    g_autofree char *base = g_path_get_basename(sink->path);
    char *tmpdir = tmp_template(sink->path, base);
    if (g_mkdtemp_full(tmpdir, 0700) == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write in %s: %s"), sink->path,
                    g_strerror(errno));
        g_free(tmpdir);
        return FALSE;
    }
    sink->tmpdir = tmpdir;
    return TRUE;
}

sc_sink *
sc_sink_new_full(sc_sink_kind kind, const char *path, double width_mm, double height_mm, double dpi,
                 const char *title, const char *created, const sc_sink_options *options,
                 GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    const sc_sink *beside = options != NULL ? options->beside : NULL;
    g_return_val_if_fail(beside == NULL ||
                             (kind == SC_SINK_SPLIT && beside->kind == SC_SINK_SPLIT &&
                              beside->tmpdir != NULL && strcmp(beside->path, path) == 0),
                         NULL);
    sc_sink *sink = g_new0(sc_sink, 1);
    sink->kind = kind;
    sink->path = g_strdup(path);
    sink->dir = kind == SC_SINK_SPLIT ? g_strdup(path) : g_path_get_dirname(path);
    sink->width_pt = width_mm * 72.0 / 25.4;
    sink->height_pt = height_mm * 72.0 / 25.4;
    sink->dpi = dpi > 0 ? dpi : 150;
    sink->title = g_strdup(title);
    sink->created = g_strdup(created);
    sink->force = options != NULL && options->force;
    sink->mode = options != NULL && options->mode != 0 ? (options->mode & 07777) : 0600;
    sink->files = g_array_new(FALSE, TRUE, sizeof(out_file));
    sink->finals = g_ptr_array_new_with_free_func(g_free);
    sink->buf = g_byte_array_new();
    sink->parts = g_ptr_array_new_with_free_func(g_free);
    const char *limit = g_getenv("SKILLCERT_PART_PAGES");
    sink->part_limit = limit != NULL && atoi(limit) > 0 ? (guint)atoi(limit) : PART_PAGES;
    sink->info.title = g_strdup(title);
    sink->info.created = g_strdup(created);
    sink->to_stdout = kind == SC_SINK_PDF && strcmp(path, "-") == 0;
    if (sink->to_stdout) {
        // Standard output: built in the temporary folder, copied out at commit.
        g_free(sink->dir);
        sink->dir = g_strdup(g_get_tmp_dir());
    }

    if (beside != NULL) { // its pages written where BESIDE's are; the folder is BESIDE's
        sink->tmpdir = g_strdup(beside->tmpdir);
        sink->beside = TRUE;
        return sink;
    }
    if (kind == SC_SINK_SPLIT) {
        if (!open_split(sink, error))
            goto fail;
        return sink;
    }

    // One file (PDF, PNG): refuse a bad target before writing anything, then open the
    // temporary now, so that a bad folder fails before any work.
    if (!sink->to_stdout && !check_target(path, sink->force, error))
        goto fail;
    remove_stale(sink->dir);
    char *tmp = new_tmp(sink, &sink->fp, error);
    if (tmp == NULL)
        goto fail;
    add_file(sink, g_strdup(path), tmp);
    if (kind == SC_SINK_PDF)
        sink->surface = new_pdf(sink);
    return sink;

fail:
    sc_sink_abort(sink);
    return NULL;
}

sc_sink *
sc_sink_new(sc_sink_kind kind, const char *path, double width_mm, double height_mm, double dpi,
            const char *title, const char *created, GError **error)
{
    return sc_sink_new_full(kind, path, width_mm, height_mm, dpi, title, created, NULL, error);
}

// Split output: the page's file, DIR/NAME (".pdf" added unless NAME ends so), built as
// TMPDIR/NAME.
static gboolean
begin_split_page(sc_sink *sink, const char *name, GError **error)
{
    if (name == NULL || *name == '\0' || name[0] == '.' || strchr(name, '/') != NULL ||
        strlen(name) > 255) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("'%s' is not a file name for a page"),
                    name != NULL ? name : "");
        return FALSE;
    }
    g_autofree char *file =
        g_str_has_suffix(name, ".pdf") ? g_strdup(name) : g_strconcat(name, ".pdf", NULL);
    if (strlen(file) > 255) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("'%s' is not a file name for a page"), name);
        return FALSE;
    }
    char *final = g_build_filename(sink->path, file, NULL);
    if (!check_target(final, sink->force, error)) {
        g_free(final);
        return FALSE;
    }
    char *tmp = g_build_filename(sink->tmpdir, file, NULL);
    FILE *fp = open_file(sink, tmp, FALSE, error);
    if (fp == NULL) {
        if (error != NULL && *error != NULL && (*error)->code == SC_ERROR_DUPLICATE) {
            g_clear_error(error);
            g_set_error(error, SC_ERROR, SC_ERROR_DUPLICATE, _("%s: two pages with one name"),
                        final);
        }
        g_free(final);
        g_free(tmp);
        return FALSE;
    }
    add_file(sink, final, tmp);
    sink->fp = fp;
    sink->surface = new_pdf(sink);
    return TRUE;
}

// A temporary file for the one PDF's marks, gone once closed; NULL with *ERR set.
static FILE *
marks_file(int *err)
{
    g_autofree char *name = NULL;
    int fd = g_file_open_tmp("skillcert-marks-XXXXXX", &name, NULL);
    FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
    if (f == NULL) {
        *err = errno != 0 ? errno : EIO;
        if (fd >= 0)
            close(fd);
    }
    if (name != NULL)
        g_unlink(name);
    return f;
}

// One PDF: PAGE's label and bookmark (an outline entry at the top level), for the finish stage.
static void
mark_page(sc_sink *sink, const sc_sink_page *page)
{
    if (sink->kind != SC_SINK_PDF)
        return;
    const char *label = page != NULL && page->label != NULL ? page->label : "";
    const char *bookmark = page != NULL && page->bookmark != NULL ? page->bookmark : "";
    if (sink->marks == NULL)
        sink->marks = marks_file(&sink->marks_errno);
    if (sink->marks != NULL && sink->marks_errno == 0 &&
        (fwrite(label, strlen(label) + 1, 1, sink->marks) != 1 ||
         fwrite(bookmark, strlen(bookmark) + 1, 1, sink->marks) != 1))
        sink->marks_errno = errno != 0 ? errno : EIO;
    sink->marked = sink->marked || *label != '\0' || *bookmark != '\0';
}

cairo_t *
sc_sink_begin_page(sc_sink *sink, const char *name, GError **error)
{
    return sc_sink_begin_page_full(sink, name, NULL, error);
}

cairo_t *
sc_sink_begin_page_full(sc_sink *sink, const char *name, const sc_sink_page *page, GError **error)
{
    g_return_val_if_fail(sink != NULL && sink->cr == NULL, NULL);
    if (sink->finished) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE, _("%s: already finished"), sink->path);
        return NULL;
    }
    switch (sink->kind) {
    case SC_SINK_PDF:
        if (sink->part_pages == sink->part_limit && !next_part(sink, error))
            return NULL;
        sink->part_pages++;
        break;
    case SC_SINK_SPLIT:
        if (!begin_split_page(sink, name, error))
            return NULL;
        info_set(&sink->page_info, page != NULL ? page->info : NULL);
        sink->reference = page != NULL && page->reference;
        file_at(sink, sink->files->len - 1)->order = page != NULL ? page->order : 0;
        break;
    case SC_SINK_PNG: {
        if (sink->surface != NULL) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE, _("a PNG holds one page"));
            return NULL;
        }
        double scale = sink->dpi / 72.0;
        int w = (int)ceil(sink->width_pt * scale), h = (int)ceil(sink->height_pt * scale);
        sink->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        sink->cr = cairo_create(sink->surface);
        cairo_set_source_rgb(sink->cr, 1, 1, 1);
        cairo_paint(sink->cr);
        cairo_scale(sink->cr, scale, scale);
        sink->pages++;
        return sink->cr;
    }
    }
    sink->cr = cairo_create(sink->surface);
    sink->pages++;
    mark_page(sink, page);
    return sink->cr;
}

gboolean
sc_sink_end_page(sc_sink *sink, GError **error)
{
    g_return_val_if_fail(sink != NULL && sink->cr != NULL, FALSE);
    cairo_status_t st = cairo_status(sink->cr);
    cairo_destroy(sink->cr);
    sink->cr = NULL;
    if (st != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, SC_ERROR, SC_ERROR_RENDER, _("%s: drawing failed: %s"), sink->path,
                    cairo_status_to_string(st));
        return FALSE;
    }

    switch (sink->kind) {
    case SC_SINK_PDF:
        sc_deflate_begin(); // (the page's streams)
        cairo_surface_show_page(sink->surface);
        sc_deflate_end();
        return surface_ok(sink->surface, sink->path, error);
    case SC_SINK_SPLIT: {
        // The page's own document is complete: finish it and write its file, synced and closed
        // behind (sync_later(); sc_sink_finish() waits: the sync comes before any rename, as a
        // crash must not leave an empty file under the final name).
        guint i = sink->files->len - 1;
        const char *final = g_ptr_array_index(sink->finals, i);
        if (sink->reference)
            sc_deflate_share_record(sink->share);
        else
            sc_deflate_share_use(sink->share);
        sc_deflate_begin(); // (the page's streams and the document's fonts)
        cairo_surface_finish(sink->surface);
        sc_deflate_end();
        if (sink->reference)
            sc_deflate_share_done(sink->share);
        sc_deflate_share_use(NULL);
        gboolean ok = surface_ok(sink->surface, final, error);
        cairo_surface_destroy(sink->surface);
        sink->surface = NULL;
        FILE *fp = g_steal_pointer(&sink->fp);
        const info_copy *info = sink->page_info.title != NULL ? &sink->page_info : &sink->info;
        if (ok)
            ok = write_finished(sink, i, fp, info, error);
        else
            fclose(fp);
        return ok;
    }
    case SC_SINK_PNG: return surface_ok(sink->surface, sink->path, error);
    }
    return TRUE;
}

gboolean
sc_sink_finish(sc_sink *sink, GError **error)
{
    g_return_val_if_fail(sink != NULL, FALSE);
    if (sink->finished)
        return TRUE;
    if (sink->cr != NULL && !sc_sink_end_page(sink, error))
        return FALSE;
    if (sink->pages == 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: no pages to write"), sink->path);
        return FALSE;
    }

    switch (sink->kind) {
    case SC_SINK_PDF:
        if (sink->marks_errno != 0 || (sink->marked && fflush(sink->marks) != 0)) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), sink->path,
                        g_strerror(sink->marks_errno != 0 ? sink->marks_errno : errno));
            return FALSE;
        }
        if ((sink->surface != NULL && !end_part(sink, error)) ||
            !write_finished_file(sink, &sink->info, error))
            return FALSE;
        break;
    case SC_SINK_SPLIT: // each page's file was written by sc_sink_end_page(), and is synced
        if (!sync_wait(sink, FALSE, error))
            return FALSE;
        break;
    case SC_SINK_PNG: {
        if (!write_png(sink->surface, sink->dpi, sink->fp)) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), sink->path,
                        g_strerror(errno != 0 ? errno : EIO));
            return FALSE;
        }
        if (!close_synced(g_steal_pointer(&sink->fp), sink->path, &file_at(sink, 0)->size, error))
            return FALSE;
        break;
    }
    }
    sink->finished = TRUE;
    return TRUE;
}

// Split commit, undoing: put every moved page back as it was (the older file it replaced back
// under its name, or its name free again), newest first.
static void
undo_moves(sc_sink *sink)
{
    for (guint i = sink->files->len; i-- > 0;) {
        out_file *f = file_at(sink, i);
        const char *final = g_ptr_array_index(sink->finals, i);
        if (f->moved) {
            if (f->backup != NULL) {
                if (g_rename(f->backup, final) == 0)
                    g_clear_pointer(&f->backup, g_free);
            } else {
                g_unlink(final);
            }
            f->moved = FALSE;
        } else if (f->backup != NULL && f->backup_by_rename) {
            // The older file left its name but the new one never came: put it back.
            if (g_rename(f->backup, final) == 0)
                g_clear_pointer(&f->backup, g_free);
        }
    }
    sync_dir(sink->path, NULL);
}

// Split commit: move page I into place, keeping an older file under its name as a backup in the
// temporary folder (a hard link, so the name is never empty; a rename where links are not
// supported).
static gboolean
move_split_page(sc_sink *sink, guint i, GError **error)
{
    out_file *f = file_at(sink, i);
    const char *final = g_ptr_array_index(sink->finals, i);
    if (!check_target(final, sink->force, error))
        return FALSE;
    if (g_file_test(final, G_FILE_TEST_EXISTS)) {
        f->backup = g_strconcat(f->tmp, ".old", NULL);
        if (link(final, f->backup) != 0) {
            if (g_rename(final, f->backup) != 0) {
                g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot replace %s: %s"), final,
                            g_strerror(errno));
                g_clear_pointer(&f->backup, g_free);
                return FALSE;
            }
            f->backup_by_rename = TRUE;
        }
    }
    if (g_rename(f->tmp, final) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), final,
                    g_strerror(errno));
        return FALSE;
    }
    g_clear_pointer(&f->tmp, g_free);
    f->moved = TRUE;
    return TRUE;
}

static gboolean
commit_split(sc_sink *sink, GError **error)
{
    for (guint i = 0; i < sink->files->len; i++)
        if (!move_split_page(sink, i, error)) {
            undo_moves(sink);
            return FALSE;
        }
    if (!sync_dir(sink->path, error))
        return FALSE; // the pages are in place; only their durability is in doubt
    // In place: the older files are no longer needed.
    for (guint i = 0; i < sink->files->len; i++) {
        out_file *f = file_at(sink, i);
        if (f->backup != NULL)
            g_unlink(f->backup);
        g_clear_pointer(&f->backup, g_free);
    }
    return TRUE;
}

// Standard output: the finished temporary TMP copied out whole.
static gboolean
copy_to_stdout(const char *tmp, GError **error)
{
    g_autofree char *data = NULL;
    gsize n;
    if (!g_file_get_contents(tmp, &data, &n, error))
        return FALSE;
    if (fwrite(data, 1, n, stdout) != n || fflush(stdout) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write to standard output: %s"),
                    g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

gboolean
sc_sink_commit(sc_sink *sink, GError **error)
{
    g_return_val_if_fail(sink != NULL, FALSE);
    gboolean ok = sc_sink_finish(sink, error);
    if (ok && sink->kind == SC_SINK_SPLIT) {
        ok = commit_split(sink, error);
    } else if (ok && sink->to_stdout) {
        ok = copy_to_stdout(file_at(sink, 0)->tmp, error); // the temporary goes with the sink
    } else if (ok) {
        // One file: checked again (the name may have changed since the sink opened), renamed,
        // and its folder synced.  The temporary is forgotten only once the rename worked.
        out_file *f = file_at(sink, 0);
        ok = check_target(sink->path, sink->force, error);
        if (ok && g_rename(f->tmp, sink->path) != 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), sink->path,
                        g_strerror(errno));
            ok = FALSE;
        }
        if (ok) {
            g_clear_pointer(&f->tmp, g_free);
            f->moved = TRUE;
            ok = sync_dir(sink->dir, error);
        }
    }
    if (ok)
        sink->made_dir = FALSE; // the folder now holds the output: keep it
    sc_sink_abort(sink);
    return ok;
}

void
sc_sink_abort(sc_sink *sink)
{
    if (sink == NULL)
        return;
    if (sink->cr != NULL)
        cairo_destroy(sink->cr);
    if (sink->surface != NULL) {
        cairo_surface_finish(sink->surface);
        cairo_surface_destroy(sink->surface);
    }
    if (sink->fp != NULL)
        fclose(sink->fp);
    sync_wait(sink, TRUE, NULL); // (its files are removed below)
    gboolean keep_tmpdir = FALSE;
    for (guint i = 0; i < sink->files->len; i++) {
        out_file *f = file_at(sink, i);
        if (f->tmp != NULL)
            g_unlink(f->tmp);
        if (f->backup != NULL && !f->backup_by_rename)
            g_unlink(f->backup); // a link: the older file is still under its name
        else if (f->backup != NULL)
            keep_tmpdir = TRUE; // an older file that could not be put back: never delete it
        g_free(f->tmp);
        g_free(f->backup);
        g_free(f->sha256);
    }
    for (guint i = 0; i < sink->parts->len; i++)
        g_unlink(g_ptr_array_index(sink->parts, i));
    g_ptr_array_unref(sink->parts);
    if (sink->marks != NULL)
        fclose(sink->marks);
    if (sink->tmpdir != NULL && !keep_tmpdir && !sink->beside)
        remove_tmp(sink->tmpdir);
    if (sink->made_dir)
        g_rmdir(sink->path); // only if empty
    g_array_unref(sink->files);
    g_ptr_array_unref(sink->finals);
    g_free(sink->tmpdir);
    g_free(sink->path);
    g_free(sink->dir);
    g_free(sink->title);
    g_free(sink->created);
    g_byte_array_unref(sink->buf);
    info_clear(&sink->info);
    info_clear(&sink->page_info);
    g_free(sink);
}

void
sc_sink_set_info(sc_sink *sink, const sc_finish_info *info)
{
    g_return_if_fail(sink != NULL);
    info_set(&sink->info, info);
}

void
sc_sink_set_share(sc_sink *sink, sc_deflate_share *share)
{
    g_return_if_fail(sink != NULL);
    sink->share = share;
}

void
sc_sink_set_signer(sc_sink *sink, const sc_signer *signer)
{
    g_return_if_fail(sink != NULL);
    sink->signer = signer;
}

void
sc_sink_set_signature_box(sc_sink *sink, const double box[4])
{
    g_return_if_fail(sink != NULL);
    memcpy(sink->signature_box, box, sizeof sink->signature_box);
    sink->signature_shown = TRUE;
}

sc_sink_kind
sc_sink_get_kind(const sc_sink *sink)
{
    return sink->kind;
}

const char *
sc_sink_file_sha256(const sc_sink *sink, guint i)
{
    g_return_val_if_fail(sink != NULL && i < sink->files->len, NULL);
    return file_at(sink, i)->sha256;
}

const GPtrArray *
sc_sink_files(const sc_sink *sink)
{
    g_return_val_if_fail(sink != NULL, NULL);
    return sink->finals;
}

guint64
sc_sink_file_size(const sc_sink *sink, guint i)
{
    g_return_val_if_fail(sink != NULL && i < sink->files->len, 0);
    return file_at(sink, i)->size;
}

// The one PDF: OTHER's pages after SINK's (sc_sink_adopt()): both open parts ended, OTHER's
// parts and marks appended to SINK's.
static gboolean
adopt_parts(sc_sink *sink, sc_sink *other, GError **error)
{
    if ((sink->surface != NULL && !end_part(sink, error)) ||
        (other->surface != NULL && !end_part(other, error)))
        return FALSE;
    out_file *mine = file_at(sink, 0), *theirs = file_at(other, 0);
    if (mine->tmp != NULL)
        g_ptr_array_add(sink->parts, g_steal_pointer(&mine->tmp));
    for (guint i = 0; i < other->parts->len; i++)
        g_ptr_array_add(sink->parts, g_steal_pointer(&other->parts->pdata[i]));
    g_ptr_array_set_size(other->parts, 0);
    if (theirs->tmp != NULL)
        g_ptr_array_add(sink->parts, g_steal_pointer(&theirs->tmp));
    if (other->marks != NULL) {
        if (sink->marks == NULL)
            sink->marks = marks_file(&sink->marks_errno);
        char buf[64 * 1024];
        size_t n;
        rewind(other->marks);
        while (sink->marks != NULL && (n = fread(buf, 1, sizeof buf, other->marks)) > 0)
            if (sink->marks_errno == 0 && fwrite(buf, 1, n, sink->marks) != n)
                sink->marks_errno = errno != 0 ? errno : EIO;
        sink->marks_errno = sink->marks_errno != 0 ? sink->marks_errno : other->marks_errno;
    }
    sink->marked = sink->marked || other->marked;
    sink->pages += other->pages;
    sc_sink_abort(other);
    return TRUE;
}

static int
by_order(gconstpointer a, gconstpointer b, gpointer data)
{
    const out_file *files = data;
    guint x = files[*(const guint *)a].order, y = files[*(const guint *)b].order;
    return (x > y) - (x < y);
}

// SINK's files (and their final paths) in the order of their pages (sc_sink_page.order).
static void
sort_files(sc_sink *sink)
{
    guint n = sink->files->len;
    g_autofree guint *at = g_new(guint, n);
    for (guint i = 0; i < n; i++)
        at[i] = i;
    g_qsort_with_data(at, (gint)n, sizeof *at, by_order, sink->files->data);
    g_autofree out_file *files = g_memdup2(sink->files->data, n * sizeof(out_file));
    g_autofree gpointer *finals = g_memdup2(sink->finals->pdata, n * sizeof(gpointer));
    for (guint i = 0; i < n; i++) {
        *file_at(sink, i) = files[at[i]];
        sink->finals->pdata[i] = finals[at[i]];
    }
}

gboolean
sc_sink_adopt(sc_sink *sink, sc_sink *other, GError **error)
{
    g_return_val_if_fail(sink != NULL && other != NULL && sink->kind == other->kind, FALSE);
    if (sink->kind == SC_SINK_PDF)
        return adopt_parts(sink, other, error);
    g_return_val_if_fail(sink->kind == SC_SINK_SPLIT && sink->tmpdir != NULL && other->cr == NULL &&
                             other->beside && strcmp(other->tmpdir, sink->tmpdir) == 0,
                         FALSE);
    // Both synced first (OTHER's files are then complete, as its sc_sink_finish() makes them): a
    // failure names its file by its place in the sink's list, which the files taken over reorder.
    if (!sync_wait(other, FALSE, error) || !sync_wait(sink, FALSE, error))
        return FALSE;
    // Every file of OTHER, written beside this sink's, is this sink's from then on.
    for (guint i = 0; i < other->files->len; i++) {
        out_file *f = file_at(other, i);
        if (f->tmp == NULL)
            continue;
        char *moved = g_steal_pointer(&f->tmp);
        add_file(sink, g_strdup(g_ptr_array_index(other->finals, i)), moved);
        out_file *to = file_at(sink, sink->files->len - 1);
        to->size = f->size;
        to->sha256 = g_steal_pointer(&f->sha256);
        to->order = f->order;
    }
    sort_files(sink);
    sink->pages += other->pages;
    sc_sink_abort(other); // (the temporary folder is this sink's)
    return TRUE;
}
