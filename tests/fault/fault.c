// fault.c - a fault-injection shim for the fault tests (tests/cli/test-faults.sh), loaded with
// LD_PRELOAD into skillcert: the Nth call of one kind of file operation fails with a chosen
// errno, as a full disk, a failing drive or a vanished folder would make it fail.
//
// Environment:
//   SC_FAULT=KIND:N:ERRNO     fail the Nth call of KIND (counted from 1) with ERRNO (a name such
//                             as EIO, ENOSPC, EDQUOT, EROFS, EACCES, EXDEV, or a number);
//                             KIND:N+:ERRNO fails the Nth and every later call (a disk that stays
//                             full).  Unset: nothing fails (count only).
//   SC_FAULT_PATH=PREFIX      count (and fail) only calls on files whose path starts with PREFIX
//                             (an fd's path is read from /proc/self/fd; a relative path is taken
//                             from the current folder); unset: every regular file and folder.
//   SC_FAULT_COUNT=FILE       at exit, append "KIND COUNT" lines (the calls counted) to FILE.
//   SC_FAULT_LOG=FILE         append a line to FILE when the fault is injected (KIND, N, path).
//   SC_FAULT_TRACE=FILE       append a line "KIND N PATH" to FILE for every call counted, in the
//                             order they happen (to find which calls fall between two events).
//
// Kinds and the functions they cover (those skillcert, GLib, cairo and SQLite call; glibc's own
// stdio writes go through fwrite/fflush/fclose, which are covered, not through write):
//   write      write, pwrite, pwrite64, fwrite, fflush (one that has data to write)
//   fsync      fsync                        fdatasync  fdatasync
//   rename     rename, renameat, renameat2  link       link, linkat
//   close      close, fclose (the file is closed all the same, as Linux does)
//   ftruncate  ftruncate, ftruncate64, fallocate, fallocate64, posix_fallocate
//   open       open, open64, openat, openat64 when they create or write (O_CREAT, O_WRONLY,
//              O_RDWR), mkstemp-style creations included
//   unlink     unlink, unlinkat
// Sockets, pipes, terminals and /proc are never counted.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum {
    K_WRITE,
    K_FSYNC,
    K_FDATASYNC,
    K_RENAME,
    K_LINK,
    K_CLOSE,
    K_FTRUNCATE,
    K_OPEN,
    K_UNLINK,
    K_N
};
static const char *const kind_names[K_N] = {"write", "fsync",     "fdatasync", "rename", "link",
                                            "close", "ftruncate", "open",      "unlink"};

static long counts[K_N];
static int fault_kind = -1;
static long fault_n;
static int fault_sticky;
static int fault_errno;
static const char *fault_path;
static __thread int inside; // a call made by the shim itself is never counted

static const struct {
    const char *name;
    int value;
} errnos[] = {{"EIO", EIO},       {"ENOSPC", ENOSPC}, {"EDQUOT", EDQUOT}, {"EROFS", EROFS},
              {"EACCES", EACCES}, {"EPERM", EPERM},   {"EXDEV", EXDEV},   {"EBADF", EBADF},
              {"EINTR", EINTR},   {"EMFILE", EMFILE}, {"ENOENT", ENOENT}, {"EFBIG", EFBIG}};

static void __attribute__((constructor)) fault_init(void)
{
    const char *spec = getenv("SC_FAULT");
    fault_path = getenv("SC_FAULT_PATH");
    if (spec == NULL || *spec == '\0')
        return;
    char kind[32] = "", num[32] = "", err[32] = "";
    if (sscanf(spec, "%31[^:]:%31[^:]:%31s", kind, num, err) != 3) {
        fprintf(stderr, "fault: SC_FAULT=%s: write KIND:N:ERRNO\n", spec);
        _exit(99);
    }
    for (int k = 0; k < K_N; k++)
        if (strcmp(kind, kind_names[k]) == 0)
            fault_kind = k;
    char *end;
    fault_n = strtol(num, &end, 10);
    fault_sticky = *end == '+';
    fault_errno = (int)strtol(err, &end, 10);
    for (size_t i = 0; *end != '\0' && i < sizeof errnos / sizeof errnos[0]; i++)
        if (strcmp(err, errnos[i].name) == 0)
            fault_errno = errnos[i].value, end = (char *)"";
    if (fault_kind < 0 || fault_n < 1 || fault_errno <= 0 || *end != '\0') {
        fprintf(stderr, "fault: SC_FAULT=%s: unknown kind, count or errno\n", spec);
        _exit(99);
    }
}

static void *
real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (f == NULL) {
        fprintf(stderr, "fault: no %s\n", name);
        abort();
    }
    return f;
}
// The next definition of NAME, looked up once per call site.
#define REAL(type, name)                                                                           \
    ({                                                                                             \
        static __typeof__((type)0) f_;                                                             \
        if (f_ == NULL)                                                                            \
            f_ = (type)real(#name);                                                                \
        f_;                                                                                        \
    })

static void
log_fault(int kind, long n, const char *path)
{
    const char *file = getenv("SC_FAULT_LOG");
    if (file == NULL)
        return;
    int fd = REAL(int (*)(const char *, int, ...), open)(file, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0)
        return;
    char line[PATH_MAX + 64];
    int len = snprintf(line, sizeof line, "%s %ld %s\n", kind_names[kind], n, path ? path : "");
    REAL(ssize_t(*)(int, const void *, size_t), write)(fd, line, (size_t)len);
    REAL(int (*)(int), close)(fd);
}

static void __attribute__((destructor)) fault_fini(void)
{
    const char *file = getenv("SC_FAULT_COUNT");
    if (file == NULL)
        return;
    inside = 1;
    int fd = REAL(int (*)(const char *, int, ...), open)(file, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0)
        return;
    for (int k = 0; k < K_N; k++) {
        char line[64];
        int len = snprintf(line, sizeof line, "%s %ld\n", kind_names[k],
                           __atomic_load_n(&counts[k], __ATOMIC_SEQ_CST));
        REAL(ssize_t(*)(int, const void *, size_t), write)(fd, line, (size_t)len);
    }
    REAL(int (*)(int), close)(fd);
}

// Whether PATH (absolute) is one the test targets.
static int
path_matches(const char *path)
{
    if (strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/dev/", 5) == 0)
        return 0;
    return fault_path == NULL || strncmp(path, fault_path, strlen(fault_path)) == 0;
}

// The path of FD into BUF, or NULL when it is not a file or folder.
static const char *
fd_path(int fd, char *buf, size_t size)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, size - 1);
    if (n <= 0 || buf[0] != '/')
        return NULL; // pipe:[…], socket:[…], anon_inode:…
    buf[n] = '\0';
    return buf;
}

// PATH made absolute (relative to DIRFD or the current folder) into BUF.
static const char *
abs_path(int dirfd, const char *path, char *buf, size_t size)
{
    if (path == NULL)
        return NULL;
    if (path[0] == '/')
        return path;
    char dir[PATH_MAX];
    const char *d = dirfd == AT_FDCWD ? getcwd(dir, sizeof dir) : fd_path(dirfd, dir, sizeof dir);
    if (d == NULL)
        return NULL;
    if ((size_t)snprintf(buf, size, "%s/%s", d, path) >= size)
        return NULL; // too long to be one of ours
    return buf;
}

// Append "KIND N PATH" to the trace file, if asked for (opened once, kept open).
static void
trace(int kind, long n, const char *path)
{
    static int fd = -2;
    if (fd == -2) {
        const char *file = getenv("SC_FAULT_TRACE");
        fd = file == NULL ? -1
                          : REAL(int (*)(const char *, int, ...),
                                 open)(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    }
    if (fd < 0)
        return;
    char line[PATH_MAX + 64];
    int len = snprintf(line, sizeof line, "%s %ld %s\n", kind_names[kind], n, path);
    if (len > 0 && (size_t)len < sizeof line)
        REAL(ssize_t(*)(int, const void *, size_t), write)(fd, line, (size_t)len);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

// Count a call of KIND on PATH; nonzero (errno set) when it is the one to fail.
static int
hit(int kind, const char *path)
{
    if (inside || path == NULL || !path_matches(path))
        return 0;
    inside = 1;
    pthread_mutex_lock(&lock); // the count and the trace line in one order
    long n = ++counts[kind];
    trace(kind, n, path);
    pthread_mutex_unlock(&lock);
    inside = 0;
    if (kind != fault_kind || !(n == fault_n || (fault_sticky && n > fault_n)))
        return 0;
    inside = 1;
    log_fault(kind, n, path);
    inside = 0;
    errno = fault_errno;
    return 1;
}

static int
hit_fd(int kind, int fd)
{
    if (inside)
        return 0;
    char buf[PATH_MAX];
    inside = 1;
    const char *p = fd_path(fd, buf, sizeof buf);
    inside = 0;
    return hit(kind, p);
}

static int
hit_at(int kind, int dirfd, const char *path)
{
    if (inside)
        return 0;
    char buf[PATH_MAX];
    inside = 1;
    const char *p = abs_path(dirfd, path, buf, sizeof buf);
    inside = 0;
    return hit(kind, p);
}

// --- write ---------------------------------------------------------------------------------------

ssize_t
write(int fd, const void *data, size_t n)
{
    if (hit_fd(K_WRITE, fd))
        return -1;
    return REAL(ssize_t(*)(int, const void *, size_t), write)(fd, data, n);
}

ssize_t
pwrite(int fd, const void *data, size_t n, off_t off)
{
    if (hit_fd(K_WRITE, fd))
        return -1;
    return REAL(ssize_t(*)(int, const void *, size_t, off_t), pwrite)(fd, data, n, off);
}

ssize_t
pwrite64(int fd, const void *data, size_t n, off64_t off)
{
    if (hit_fd(K_WRITE, fd))
        return -1;
    return REAL(ssize_t(*)(int, const void *, size_t, off64_t), pwrite64)(fd, data, n, off);
}

// The join of a long PDF's parts copies stream data file to file (finish.c).
ssize_t
copy_file_range(int in, loff_t *in_off, int out, loff_t *out_off, size_t n, unsigned flags)
{
    if (hit_fd(K_WRITE, out))
        return -1;
    return REAL(ssize_t(*)(int, loff_t *, int, loff_t *, size_t, unsigned),
                copy_file_range)(in, in_off, out, out_off, n, flags);
}

size_t
fwrite(const void *data, size_t size, size_t n, FILE *fp)
{
    if (size > 0 && n > 0 && hit_fd(K_WRITE, fileno(fp))) {
        fp->_flags |= 0x0020; // glibc's _IO_ERR_SEEN, as a real failed write sets it (ferror())
        return 0;
    }
    return REAL(size_t(*)(const void *, size_t, size_t, FILE *), fwrite)(data, size, n, fp);
}

int
fflush(FILE *fp)
{
    // Only a stream with data waiting counts (glibc: the write buffer is not empty).
    if (fp != NULL && fp->_IO_write_ptr > fp->_IO_write_base && hit_fd(K_WRITE, fileno(fp)))
        return EOF;
    return REAL(int (*)(FILE *), fflush)(fp);
}

// --- sync
// ------------------------------------------------------------------------------------------

int
fsync(int fd)
{
    if (hit_fd(K_FSYNC, fd))
        return -1;
    return REAL(int (*)(int), fsync)(fd);
}

int
fdatasync(int fd)
{
    if (hit_fd(K_FDATASYNC, fd))
        return -1;
    return REAL(int (*)(int), fdatasync)(fd);
}

// --- rename and link
// -------------------------------------------------------------------------------

int
rename(const char *from, const char *to)
{
    if (hit_at(K_RENAME, AT_FDCWD, to))
        return -1;
    return REAL(int (*)(const char *, const char *), rename)(from, to);
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
    if (hit_at(K_RENAME, tofd, to))
        return -1;
    return REAL(int (*)(int, const char *, int, const char *), renameat)(fromfd, from, tofd, to);
}

int
renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
    if (hit_at(K_RENAME, tofd, to))
        return -1;
    return REAL(int (*)(int, const char *, int, const char *, unsigned),
                renameat2)(fromfd, from, tofd, to, flags);
}

int
link(const char *from, const char *to)
{
    if (hit_at(K_LINK, AT_FDCWD, to))
        return -1;
    return REAL(int (*)(const char *, const char *), link)(from, to);
}

int
linkat(int fromfd, const char *from, int tofd, const char *to, int flags)
{
    if (hit_at(K_LINK, tofd, to))
        return -1;
    return REAL(int (*)(int, const char *, int, const char *, int), linkat)(fromfd, from, tofd, to,
                                                                            flags);
}

// --- close: the file is closed all the same (Linux releases the descriptor whatever close says) --

int
close(int fd)
{
    int fail = hit_fd(K_CLOSE, fd);
    int saved = errno;
    int rc = REAL(int (*)(int), close)(fd);
    if (fail) {
        errno = saved;
        return -1;
    }
    return rc;
}

int
fclose(FILE *fp)
{
    int fail = hit_fd(K_CLOSE, fileno(fp));
    int saved = errno;
    int rc = REAL(int (*)(FILE *), fclose)(fp);
    if (fail) {
        errno = saved;
        return EOF;
    }
    return rc;
}

// --- size
// ------------------------------------------------------------------------------------------

int
ftruncate(int fd, off_t len)
{
    if (hit_fd(K_FTRUNCATE, fd))
        return -1;
    return REAL(int (*)(int, off_t), ftruncate)(fd, len);
}

int
ftruncate64(int fd, off64_t len)
{
    if (hit_fd(K_FTRUNCATE, fd))
        return -1;
    return REAL(int (*)(int, off64_t), ftruncate64)(fd, len);
}

int
fallocate(int fd, int mode, off_t off, off_t len)
{
    if (hit_fd(K_FTRUNCATE, fd))
        return -1;
    return REAL(int (*)(int, int, off_t, off_t), fallocate)(fd, mode, off, len);
}

int
fallocate64(int fd, int mode, off64_t off, off64_t len)
{
    if (hit_fd(K_FTRUNCATE, fd))
        return -1;
    return REAL(int (*)(int, int, off64_t, off64_t), fallocate64)(fd, mode, off, len);
}

int
posix_fallocate(int fd, off_t off, off_t len)
{
    if (hit_fd(K_FTRUNCATE, fd))
        return errno; // posix_fallocate returns the error
    return REAL(int (*)(int, off_t, off_t), posix_fallocate)(fd, off, len);
}

// --- open (for writing) and unlink
// -----------------------------------------------------------------

static int
opens_for_writing(int flags)
{
    return (flags & (O_CREAT | O_WRONLY | O_RDWR)) != 0;
}

#define OPEN_BODY(name, dirfd, ...)                                                                \
    mode_t mode = 0;                                                                               \
    if (flags & (O_CREAT | O_TMPFILE)) {                                                           \
        va_list ap;                                                                                \
        va_start(ap, flags);                                                                       \
        mode = (mode_t)va_arg(ap, int);                                                            \
        va_end(ap);                                                                                \
    }                                                                                              \
    if (opens_for_writing(flags) && hit_at(K_OPEN, dirfd, path))                                   \
        return -1;                                                                                 \
    return REAL(int (*)(__VA_ARGS__), name)

int
open(const char *path, int flags, ...)
{
    OPEN_BODY(open, AT_FDCWD, const char *, int, ...)(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
    OPEN_BODY(open64, AT_FDCWD, const char *, int, ...)(path, flags, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
    OPEN_BODY(openat, dirfd, int, const char *, int, ...)(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
    OPEN_BODY(openat64, dirfd, int, const char *, int, ...)(dirfd, path, flags, mode);
}

int
unlink(const char *path)
{
    if (hit_at(K_UNLINK, AT_FDCWD, path))
        return -1;
    return REAL(int (*)(const char *), unlink)(path);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
    if (hit_at(K_UNLINK, dirfd, path))
        return -1;
    return REAL(int (*)(int, const char *, int), unlinkat)(dirfd, path, flags);
}
