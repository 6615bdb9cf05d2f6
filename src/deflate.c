// deflate.c - zlib's deflateInit_(), deflate() and deflateEnd() for the program: cairo's streams
// compressed by libdeflate (deflate.h).  The program's definitions are the ones cairo's calls
// reach (an executable's symbols come first); zlib's own are found behind them (RTLD_NEXT) for
// every stream that is not ours.
#define _GNU_SOURCE // RTLD_NEXT
#include "deflate.h"

#include <dlfcn.h>
#include <glib.h>
#include <libdeflate.h>
#include <string.h>
#include <zlib.h>

// zlib's default level is 6 (zlib.h: Z_DEFAULT_COMPRESSION).  libdeflate's 6 compresses a font
// subset or a page as well in 40 % of the time; an image's pixels (a PNG photo with alpha, 717 KB)
// 2 % less well, its 8 4 % better: level 8 from IMAGE_SIZE on (the few images cairo compresses).
#define LEVEL       6
#define LEVEL_LARGE 8
#define IMAGE_SIZE  (256u * 1024)

// The most a stream gathers: past this (an image cairo compresses, e.g. a large PNG photo with
// alpha, 40 million pixels), it goes on to zlib as it comes, what was gathered first, rather than
// be held whole twice over (its input and its output).
#define GATHER_MAX (16u << 20)

// A stream of ours, kept where zlib keeps its state (z_stream.state), told from zlib's by its
// first member: zlib's is the z_stream it belongs to, ours is &ours_mark.
typedef struct {
    const char *mark;
    GByteArray *in; // every byte given, until Z_FINISH
    guint8 *out;    // then the whole stream compressed (zlib format), OUT_LEN bytes
    gsize out_len;
    gsize given;    // how many of them were handed out
    z_stream *zlib; // past GATHER_MAX: the stream zlib compresses, IN fed to it first
    gsize fed;      // how much of IN it was given
} ours;

static const char ours_mark = 0;

static GPrivate depth; // sc_deflate_begin() calls open on this thread, as a pointer
static GPrivate compressor_key = G_PRIVATE_INIT((GDestroyNotify)libdeflate_free_compressor);
static GPrivate large_key = G_PRIVATE_INIT((GDestroyNotify)libdeflate_free_compressor);

void
sc_deflate_begin(void)
{
    gsize n = GPOINTER_TO_SIZE(g_private_get(&depth));
    g_private_set(&depth, GSIZE_TO_POINTER(n + 1));
}

void
sc_deflate_end(void)
{
    gsize n = GPOINTER_TO_SIZE(g_private_get(&depth));
    g_private_set(&depth, GSIZE_TO_POINTER(n > 0 ? n - 1 : 0));
}

typedef int (*deflate_fn)(z_streamp, int);
typedef int (*deflate_end_fn)(z_streamp);

// zlib's deflate() and deflateEnd(), behind the program's.
static deflate_fn zlib_deflate;
static deflate_end_fn zlib_deflate_end;

static void
find_zlib(void)
{
    static gsize found = 0;
    if (g_once_init_enter(&found)) {
        zlib_deflate = (deflate_fn)dlsym(RTLD_NEXT, "deflate");
        zlib_deflate_end = (deflate_end_fn)dlsym(RTLD_NEXT, "deflateEnd");
        if (zlib_deflate == NULL || zlib_deflate_end == NULL)
            g_error("zlib's deflate() is not found behind the program's");
        g_once_init_leave(&found, 1);
    }
}

static ours *
ours_of(z_streamp strm)
{
    ours *o = strm != NULL ? (ours *)(void *)strm->state : NULL;
    return o != NULL && o->mark == &ours_mark ? o : NULL;
}

// This thread's compressor for a stream of SIZE bytes (one per thread and level: libdeflate's
// are not to be shared), or NULL.
static struct libdeflate_compressor *
compressor(gsize size)
{
    GPrivate *key = size >= IMAGE_SIZE ? &large_key : &compressor_key;
    struct libdeflate_compressor *c = g_private_get(key);
    if (c == NULL &&
        (c = libdeflate_alloc_compressor(size >= IMAGE_SIZE ? LEVEL_LARGE : LEVEL)) != NULL)
        g_private_set(key, c);
    return c;
}

int
deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
    if (strm == NULL || level != Z_DEFAULT_COMPRESSION || strm->zalloc != Z_NULL ||
        g_private_get(&depth) == NULL) // zlib's own deflateInit_(), as zlib.h defines it
        return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, version,
                             stream_size);
    if (version == NULL || version[0] != ZLIB_VERSION[0] || stream_size != (int)sizeof(z_stream))
        return Z_VERSION_ERROR;
    ours *o = g_new0(ours, 1);
    o->mark = &ours_mark;
    o->in = g_byte_array_new();
    strm->state = (struct internal_state *)(void *)o;
    strm->msg = Z_NULL;
    strm->total_in = strm->total_out = 0;
    strm->adler = 1; // (Adler-32 of nothing)
    strm->data_type = Z_UNKNOWN;
    return Z_OK;
}

// O's stream past GATHER_MAX: what was gathered, then STRM's input, through zlib.
static int
deflate_by_zlib(ours *o, z_streamp strm, int flush)
{
    z_stream *z = o->zlib;
    int ret = Z_OK;
    while (o->in != NULL && ret == Z_OK) {
        z->next_in = o->in->data + o->fed;
        z->avail_in = o->in->len - (guint)o->fed;
        z->next_out = strm->next_out;
        z->avail_out = strm->avail_out;
        ret = zlib_deflate(z, Z_NO_FLUSH);
        gsize made = strm->avail_out - z->avail_out;
        strm->next_out += made;
        strm->avail_out = z->avail_out;
        strm->total_out += made;
        o->fed = o->in->len - z->avail_in;
        if (o->fed == o->in->len)
            g_byte_array_unref(g_steal_pointer(&o->in));
        else if (strm->avail_out == 0)
            return Z_OK; // (the caller makes room and asks again)
    }
    if (ret != Z_OK && ret != Z_BUF_ERROR)
        return ret;
    if (strm->avail_out == 0)
        return Z_OK; // (the gathered bytes just fitted)
    z->next_in = strm->next_in;
    z->avail_in = strm->avail_in;
    z->next_out = strm->next_out;
    z->avail_out = strm->avail_out;
    ret = zlib_deflate(z, flush);
    gsize used = strm->avail_in - z->avail_in, made = strm->avail_out - z->avail_out;
    strm->next_in += used;
    strm->avail_in = z->avail_in;
    strm->total_in += used;
    strm->next_out += made;
    strm->avail_out = z->avail_out;
    strm->total_out += made;
    strm->adler = z->adler;
    return ret;
}

// Z_NO_FLUSH gathers the input (up to GATHER_MAX: deflate_by_zlib()); Z_FINISH compresses it all
// and hands it out as AVAIL_OUT allows, over as many calls as it takes (Z_STREAM_END with the last
// byte).  No other flush is made.
int
deflate(z_streamp strm, int flush)
{
    ours *o = ours_of(strm);
    if (o == NULL) {
        find_zlib();
        return zlib_deflate(strm, flush);
    }
    if ((flush != Z_NO_FLUSH && flush != Z_FINISH) || (strm->avail_in > 0 && strm->next_in == NULL))
        return Z_STREAM_ERROR;
    if (o->zlib == NULL && o->out == NULL &&
        strm->avail_in > GATHER_MAX - MIN(o->in->len, GATHER_MAX)) {
        o->zlib = g_new0(z_stream, 1);
        if (deflateInit2_(o->zlib, Z_DEFAULT_COMPRESSION, Z_DEFLATED, MAX_WBITS, 8,
                          Z_DEFAULT_STRATEGY, ZLIB_VERSION, (int)sizeof(z_stream)) != Z_OK) {
            g_clear_pointer(&o->zlib, g_free);
            return Z_MEM_ERROR;
        }
    }
    if (o->zlib != NULL) {
        find_zlib();
        return deflate_by_zlib(o, strm, flush);
    }
    if (o->in != NULL) {
        if (strm->avail_in > G_MAXUINT - o->in->len)
            return Z_MEM_ERROR;
        g_byte_array_append(o->in, strm->next_in, strm->avail_in);
        strm->next_in += strm->avail_in;
        strm->total_in += strm->avail_in;
        strm->avail_in = 0;
        if (flush != Z_FINISH)
            return Z_OK;
        struct libdeflate_compressor *c = compressor(o->in->len);
        if (c == NULL)
            return Z_MEM_ERROR;
        gsize bound = libdeflate_zlib_compress_bound(c, o->in->len);
        o->out = g_malloc(bound);
        o->out_len = libdeflate_zlib_compress(c, o->in->data, o->in->len, o->out, bound);
        g_byte_array_unref(g_steal_pointer(&o->in));
        if (o->out_len < 6)
            return Z_STREAM_ERROR;                   // (not with room for the bound)
        const guint8 *sum = o->out + o->out_len - 4; // the zlib trailer: the input's Adler-32
        strm->adler = (uLong)sum[0] << 24 | (uLong)sum[1] << 16 | (uLong)sum[2] << 8 | sum[3];
    } else if (strm->avail_in > 0) {
        return Z_STREAM_ERROR; // input after the end
    }
    gsize n = MIN((gsize)strm->avail_out, o->out_len - o->given);
    if (n > 0 && strm->next_out == NULL)
        return Z_STREAM_ERROR;
    if (n > 0)
        memcpy(strm->next_out, o->out + o->given, n);
    strm->next_out += n;
    strm->avail_out -= (uInt)n;
    strm->total_out += n;
    o->given += n;
    return o->given == o->out_len ? Z_STREAM_END : Z_OK;
}

int
deflateEnd(z_streamp strm)
{
    ours *o = ours_of(strm);
    if (o == NULL) {
        find_zlib();
        return zlib_deflate_end(strm);
    }
    // zlib's answer for a stream freed before it was all handed out: Z_DATA_ERROR.
    int status = o->in == NULL && o->given == o->out_len ? Z_OK : Z_DATA_ERROR;
    if (o->zlib != NULL) {
        find_zlib();
        status = zlib_deflate_end(o->zlib);
        g_free(o->zlib);
    }
    if (o->in != NULL)
        g_byte_array_unref(o->in);
    g_free(o->out);
    g_free(o);
    strm->state = Z_NULL;
    return status;
}
