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

// A split file's font subset repeats most of another's: the glyphs of the template's fixed text
// come first, in the same order, at the same place (cairo numbers a subset's glyphs as the page
// first uses them; 19.9 of a subset's 27 KB in the bench).  With a share (deflate.h), the streams
// of the reference page are kept; a later stream from SHARED_MIN bytes (under IMAGE_SIZE) that
// holds a run of SHARED_RUN bytes or more of one of them at the same place, starting within the
// first SHARED_START, is made of three deflate parts: the bytes before the run as a stored block,
// the run's compressed blocks (zlib's, made once for the share, ending byte-aligned and not
// final), and the rest compressed by libdeflate.  The run is cut to whole SHARED_STEP bytes, so
// that streams whose runs differ a little share one; and since what a stream becomes depends only
// on its bytes and the reference's, the same page gives the same bytes however the pages are
// shared among threads.  The price: the rest no longer refers back into the run, about 300 bytes
// more a subset (19,163 → 19,458 in the bench), for 0.39 of its 0.47 ms of compressing.
#define SHARED_MIN   (8u * 1024)
#define SHARED_RUN   (4u * 1024)
#define SHARED_START 4096u
#define SHARED_STEP  1024u
#define SHARED_REFS  4  // the reference's streams kept
#define SHARED_RUNS  16 // compressed runs kept, the least recently used dropped

// A small stream made again: its input and output kept, the output copied (a split file's
// WinAnsi font subset and its ToUnicode are the same as an earlier file's in two of three bench
// files, a form's few bytes in every one; compressing them cost 80 µs a file, most of it
// libdeflate's set-up for each stream).  A stream's bytes depend only on its input either way.
#define REPEAT_MAX (16u * 1024) // streams kept: up to this many bytes
#define REPEATS    32           // kept, the least recently used dropped

typedef struct {
    guint32 crc; // of the input
    GBytes *in, *out;
} repeat;

static GMutex repeats_lock;
static GQueue repeats; // repeat *, the most recently used first

typedef struct {
    guint ref;          // the reference stream it is of
    gsize start, len;   // where in it
    GByteArray *blocks; // compressed: raw deflate blocks, the last not final, byte-aligned
} shared_run;

struct sc_deflate_share {
    GMutex lock;
    GCond done_cond;
    gboolean done;   // the reference is complete: REFS no longer changes
    GPtrArray *refs; // GByteArray *: the reference page's streams from SHARED_MIN bytes
    GPtrArray *runs; // shared_run *, the most recently used first
};

static void
shared_run_free(shared_run *r)
{
    g_byte_array_unref(r->blocks);
    g_free(r);
}

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
static GPrivate share_key;     // the sc_deflate_share this thread uses, or NULL
static GPrivate recording_key; // non-NULL: this thread's streams are its reference

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

sc_deflate_share *
sc_deflate_share_new(void)
{
    sc_deflate_share *sh = g_new0(sc_deflate_share, 1);
    g_mutex_init(&sh->lock);
    g_cond_init(&sh->done_cond);
    sh->refs = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    sh->runs = g_ptr_array_new_with_free_func((GDestroyNotify)shared_run_free);
    return sh;
}

void
sc_deflate_share_free(sc_deflate_share *sh)
{
    if (sh == NULL)
        return;
    g_ptr_array_unref(sh->refs);
    g_ptr_array_unref(sh->runs);
    g_mutex_clear(&sh->lock);
    g_cond_clear(&sh->done_cond);
    g_free(sh);
}

void
sc_deflate_share_use(sc_deflate_share *sh)
{
    g_private_set(&share_key, sh);
    g_private_set(&recording_key, NULL);
}

void
sc_deflate_share_record(sc_deflate_share *sh)
{
    g_private_set(&share_key, sh);
    g_private_set(&recording_key, sh);
}

void
sc_deflate_share_done(sc_deflate_share *sh)
{
    if (sh == NULL)
        return;
    if (g_private_get(&recording_key) == sh)
        g_private_set(&recording_key, NULL);
    g_mutex_lock(&sh->lock);
    sh->done = TRUE;
    g_cond_broadcast(&sh->done_cond);
    g_mutex_unlock(&sh->lock);
}

// The longest run of bytes A and B (A_LEN, B_LEN bytes) have alike at the same places, starting
// within the first SHARED_START: its start into *START; its length.
static gsize
longest_run(const guint8 *a, gsize a_len, const guint8 *b, gsize b_len, gsize *start)
{
    gsize n = MIN(a_len, b_len), best = 0, i = 0;
    *start = 0;
    while (i < MIN(n, SHARED_START)) {
        while (i < n && a[i] != b[i])
            i++;
        gsize from = i;
        while (i + 8 <= n && memcmp(a + i, b + i, 8) == 0)
            i += 8;
        while (i < n && a[i] == b[i])
            i++;
        if (from < SHARED_START && i - from > best) {
            best = i - from;
            *start = from;
        }
    }
    return best;
}

// DATA compressed by zlib into raw deflate blocks, the last ending byte-aligned and not final (a
// sync flush), to be followed by more blocks; NULL if zlib fails.
static GByteArray *
sync_blocks(const guint8 *data, gsize len)
{
    z_stream z = {0};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return NULL;
    GByteArray *out = g_byte_array_new();
    g_byte_array_set_size(out, (guint)deflateBound(&z, (uLong)len) + 16);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = out->data;
    z.avail_out = out->len;
    find_zlib();
    int ret = zlib_deflate(&z, Z_SYNC_FLUSH);
    gboolean ok = ret == Z_OK && z.avail_in == 0 && z.avail_out > 0;
    g_byte_array_set_size(out, (guint)(out->len - z.avail_out));
    zlib_deflate_end(&z);
    if (!ok)
        g_clear_pointer(&out, g_byte_array_unref);
    return out;
}

// The run of SH's reference that DATA (LEN bytes) holds, its compressed blocks made or found
// (a new reference of SH's instead while this thread records it, SH's reference waited for
// otherwise); NULL when there is none to use.  *BLOCKS gets a reference to the blocks.
static gboolean
find_run(sc_deflate_share *sh, const guint8 *data, gsize len, gsize *start, gsize *run_len,
         GByteArray **blocks)
{
    g_mutex_lock(&sh->lock);
    if (g_private_get(&recording_key) == sh) {
        if (!sh->done && sh->refs->len < SHARED_REFS) {
            GByteArray *ref = g_byte_array_sized_new((guint)len);
            g_byte_array_append(ref, data, (guint)len);
            g_ptr_array_add(sh->refs, ref);
        }
        g_mutex_unlock(&sh->lock);
        return FALSE;
    }
    while (!sh->done)
        g_cond_wait(&sh->done_cond, &sh->lock);
    g_mutex_unlock(&sh->lock);
    // The reference no longer changes: read without the lock.
    guint best_ref = 0;
    gsize best = 0;
    for (guint k = 0; k < sh->refs->len; k++) {
        const GByteArray *ref = sh->refs->pdata[k];
        gsize from, n = longest_run(ref->data, ref->len, data, len, &from);
        n -= n % SHARED_STEP;
        if (n > best) {
            best = n;
            best_ref = k;
            *start = from;
        }
    }
    if (best < SHARED_RUN)
        return FALSE;
    *run_len = best;
    g_mutex_lock(&sh->lock);
    shared_run *r = NULL;
    for (guint k = 0; k < sh->runs->len && r == NULL; k++) {
        shared_run *c = sh->runs->pdata[k];
        if (c->ref == best_ref && c->start == *start && c->len == best)
            r = g_ptr_array_steal_index(sh->runs, k);
    }
    if (r == NULL) { // made under the lock: the other threads want the same run
        const GByteArray *ref = sh->refs->pdata[best_ref];
        GByteArray *made = sync_blocks(ref->data + *start, best);
        if (made != NULL) {
            r = g_new(shared_run, 1);
            *r = (shared_run){.ref = best_ref, .start = *start, .len = best, .blocks = made};
        }
        if (r != NULL && sh->runs->len >= SHARED_RUNS)
            g_ptr_array_remove_index(sh->runs, sh->runs->len - 1);
    }
    if (r != NULL) {
        g_ptr_array_insert(sh->runs, 0, r); // the most recently used first
        *blocks = g_byte_array_ref(r->blocks);
    }
    g_mutex_unlock(&sh->lock);
    return r != NULL;
}

// DATA (LEN bytes) as libdeflate's zlib stream into OUT (BOUND bytes): copied when the same bytes
// were compressed lately (REPEAT_MAX).  Its length, or 0 if it does not fit.
static gsize
compress_repeated(struct libdeflate_compressor *c, const guint8 *data, gsize len, guint8 *out,
                  gsize bound)
{
    if (len == 0 || len > REPEAT_MAX)
        return libdeflate_zlib_compress(c, data, len, out, bound);
    guint32 crc = libdeflate_crc32(0, data, len);
    gsize n = 0;
    g_mutex_lock(&repeats_lock);
    for (GList *l = repeats.head; l != NULL; l = l->next) {
        repeat *r = l->data;
        gsize in_len, out_len;
        const void *in = g_bytes_get_data(r->in, &in_len);
        const void *made = g_bytes_get_data(r->out, &out_len);
        if (r->crc == crc && in_len == len && out_len <= bound && memcmp(in, data, len) == 0) {
            memcpy(out, made, out_len);
            n = out_len;
            g_queue_unlink(&repeats, l);
            g_queue_push_head_link(&repeats, l);
            break;
        }
    }
    g_mutex_unlock(&repeats_lock);
    if (n > 0 || (n = libdeflate_zlib_compress(c, data, len, out, bound)) == 0)
        return n;
    repeat *r = g_new(repeat, 1);
    *r = (repeat){crc, g_bytes_new(data, len), g_bytes_new(out, n)};
    g_mutex_lock(&repeats_lock);
    g_queue_push_head(&repeats, r);
    if (repeats.length > REPEATS) {
        repeat *old = g_queue_pop_tail(&repeats);
        g_bytes_unref(old->in);
        g_bytes_unref(old->out);
        g_free(old);
    }
    g_mutex_unlock(&repeats_lock);
    return n;
}

// DATA (LEN bytes) as a zlib stream into OUT (BOUND bytes, libdeflate's bound for LEN): in three
// parts around a run of this thread's share's reference (find_run()), else libdeflate's in one.
// Its length, or 0 if it does not fit.
static gsize
compress_zlib(struct libdeflate_compressor *c, const guint8 *data, gsize len, guint8 *out,
              gsize bound)
{
    sc_deflate_share *sh = g_private_get(&share_key);
    gsize head = 0, run = 0;
    g_autoptr(GByteArray) blocks = NULL;
    if (sh == NULL || len < SHARED_MIN || len >= IMAGE_SIZE ||
        !find_run(sh, data, len, &head, &run, &blocks) ||
        2 + (head > 0 ? 5 + head : 0) + blocks->len + 4 >= bound)
        return compress_repeated(c, data, len, out, bound);
    gsize tail = head + run, n = 0;
    out[n++] = 0x78; // zlib's header: deflate, a 32 KB window, the default level, no dictionary
    out[n++] = 0x9c;
    if (head > 0) { // a stored block, not final: its 3 bits, the byte's rest; LEN and NLEN
        out[n++] = 0x00;
        out[n++] = (guint8)head;
        out[n++] = (guint8)(head >> 8);
        out[n++] = (guint8)~head;
        out[n++] = (guint8)(~head >> 8);
        memcpy(out + n, data, head);
        n += head;
    }
    memcpy(out + n, blocks->data, blocks->len);
    n += blocks->len;
    gsize made = libdeflate_deflate_compress(c, data + tail, len - tail, out + n, bound - n - 4);
    if (made == 0)
        return libdeflate_zlib_compress(c, data, len, out, bound);
    n += made;
    guint32 sum = libdeflate_adler32(1, data, len); // zlib's trailer, most significant first
    out[n++] = (guint8)(sum >> 24);
    out[n++] = (guint8)(sum >> 16);
    out[n++] = (guint8)(sum >> 8);
    out[n++] = (guint8)sum;
    return n;
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
        o->out_len = compress_zlib(c, o->in->data, o->in->len, o->out, bound);
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
