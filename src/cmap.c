// cmap.c - FreeType's FT_Load_Sfnt_Table() for the program: the 'cmap' cairo reads served from a
// table made for its walk (cmap.h).  The program's definition is the one cairo's calls reach (an
// executable's symbols come first); FreeType's own is found behind it (RTLD_NEXT).
#define _GNU_SOURCE // RTLD_NEXT, dl_iterate_phdr()
#include "cmap.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H

// Glyphs mapped first, per font: the template's text and the commonest names' characters.  Past
// them a glyph's segment is found where it is in the font's own order, as before.
#define HOT_MAX 512
// A format-4 subtable's length is 16 bits: 16 + 8 bytes a segment, at most 65,535.
#define SEGMENTS_MAX 8189
#define NONE         G_MAXUINT32

// Glyphs in a row whose characters are in a row: one segment.
typedef struct {
    guint16 first, last, delta; // characters; glyph − character
} run;

typedef FT_Error (*load_fn)(FT_Face, FT_ULong, FT_Long, FT_Byte *, FT_ULong *);
static load_fn freetype_load;

// One font: its identity (the same after cairo closes its face and opens it again), what cairo's
// walk finds for each glyph, and the table served.
typedef struct {
    FT_Long glyphs, index, checksum;
    FT_ULong created[2], modified[2];
    FT_UShort units;
    char *family, *style;
    gboolean served; // FALSE: cairo reads FreeType's table
    guint32 *code;   // glyph -> character, NONE for none; fixed once made
    run *runs;       // the whole mapping
    guint nruns;
    GMutex lock;  // the rest
    guint8 *seen; // glyph -> noted
    guint *hot;
    guint nhot;
    GBytes *table; // the 'cmap' served now; NULL after a note, made again when next read
} font_map;

static GMutex maps_lock;
static GPtrArray *maps; // font_map *, never freed (a few fonts a process)

// What a thread holds: the font it last read and the table it reads (the same through cairo's
// four reads of one look-up, whatever another thread notes meanwhile).
typedef struct {
    FT_Face face;
    font_map *map;
    GBytes *table;
} reader;

static void
reader_free(gpointer p)
{
    reader *r = p;
    if (r->table != NULL)
        g_bytes_unref(r->table);
    g_free(r);
}

static GPrivate reader_key = G_PRIVATE_INIT(reader_free);

static guint
be16(const guint8 *p)
{
    return (guint)p[0] << 8 | p[1];
}

static void
put16(guint8 *p, guint v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

static void
find_freetype(void)
{
    static gsize found = 0;
    if (g_once_init_enter(&found)) {
        freetype_load = (load_fn)dlsym(RTLD_NEXT, "FT_Load_Sfnt_Table");
        if (freetype_load == NULL)
            g_error("FreeType's FT_Load_Sfnt_Table() is not found behind the program's");
        g_once_init_leave(&found, 1);
    }
}

// cairo's executable code: [cairo_lo, cairo_hi).
static uintptr_t cairo_lo, cairo_hi;

static int
find_cairo(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    const char *name = info->dlpi_name != NULL ? strrchr(info->dlpi_name, '/') : NULL;
    if (name == NULL || !g_str_has_prefix(name + 1, "libcairo.so"))
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            cairo_lo = info->dlpi_addr + ph->p_vaddr;
            cairo_hi = cairo_lo + ph->p_memsz;
            return 1;
        }
    }
    return 0;
}

// Whether the call returning to RA comes from cairo.
static gboolean
from_cairo(const void *ra)
{
    static gsize found = 0;
    if (g_once_init_enter(&found)) {
        dl_iterate_phdr(find_cairo, NULL);
        g_once_init_leave(&found, 1);
    }
    return (uintptr_t)ra >= cairo_lo && (uintptr_t)ra < cairo_hi;
}

gboolean
sc_cmap_walk(const guint8 *t, gsize len, guint32 *code, guint glyphs)
{
    for (guint g = 0; g < glyphs; g++)
        code[g] = NONE;
    if (len < 4 || 4 + 8 * (gsize)be16(t + 2) > len)
        return FALSE;
    // _cairo_truetype_index_to_ucs4(): the (3,1) subtables in order, the first read to the end.
    const guint8 *map = NULL;
    gsize size = 0;
    for (guint i = 0; i < be16(t + 2) && map == NULL; i++) {
        const guint8 *rec = t + 4 + 8 * i;
        if (be16(rec) != 3 || be16(rec + 2) != 1)
            continue;
        gsize off = (gsize)be16(rec + 4) << 16 | be16(rec + 6);
        if (off > len || len - off < 4 || be16(t + off) != 4 || be16(t + off + 2) > len - off)
            return FALSE;
        map = t + off;
        size = be16(t + off + 2);
    }
    if (map == NULL)
        return FALSE;
    // _cairo_truetype_reverse_cmap(): the segments up to the first that is U+FFFF alone, first
    // those without a glyph array, then those with one (its glyph numbers as they stand).
    guint n = be16(map + 6) / 2;
    if (size < (8 + 4 * (gsize)n) * 2)
        return FALSE;
    const guint8 *end = map + 14, *start = end + 2 * (n + 1), *delta = start + 2 * n,
                 *range = delta + 2 * n;
    guint last = n;
    for (guint i = 0; i < n; i++) {
        guint s = be16(start + 2 * i), e = be16(end + 2 * i);
        if (s == 0xFFFF && e == 0xFFFF) {
            last = i;
            break;
        }
        if (be16(range + 2 * i) != 0)
            continue;
        for (guint c = s; c <= e; c++) {
            guint g = (c + be16(delta + 2 * i)) & 0xFFFF;
            if (g < glyphs && code[g] == NONE)
                code[g] = c;
        }
    }
    for (guint i = 0; i < last; i++) {
        guint r = be16(range + 2 * i), s = be16(start + 2 * i), e = be16(end + 2 * i);
        if (r == 0 || e < s)
            continue;
        const guint8 *ids = range + 2 * i + 2 * (r / 2);
        if ((gsize)(ids - map) + 2 * (gsize)(e - s + 1) > size)
            return FALSE; // cairo gives this subtable up here
        for (guint j = 0; j <= e - s; j++) {
            guint g = be16(ids + 2 * j);
            if (g < glyphs && code[g] == NONE)
                code[g] = s + j;
        }
    }
    for (guint g = 0; g < glyphs; g++)
        if (code[g] == 0xFFFF) // its segment would read as the end
            return FALSE;
    return TRUE;
}

// M's mapping as runs.
static gboolean
make_runs(font_map *m)
{
    m->runs = g_new(run, SEGMENTS_MAX);
    for (guint g = 0; g < (guint)m->glyphs; g++) {
        if (m->code[g] == NONE)
            continue;
        guint first = g;
        while (g + 1 < (guint)m->glyphs && m->code[g] < 0xFFFE && m->code[g + 1] == m->code[g] + 1)
            g++;
        if (m->nruns == SEGMENTS_MAX - 1)
            return FALSE; // more than a format-4 subtable holds
        m->runs[m->nruns++] = (run){(guint16)m->code[first], (guint16)m->code[g],
                                    (guint16)((first - m->code[first]) & 0xFFFF)};
    }
    return TRUE;
}

// Whether M is FACE's font, by what FACE says of it; with HEAD, by its 'head' too.
static gboolean
same_font(const font_map *m, FT_Face face, const TT_Header *head)
{
    return m->glyphs == face->num_glyphs && m->index == face->face_index &&
           m->units == face->units_per_EM && g_strcmp0(m->family, face->family_name) == 0 &&
           g_strcmp0(m->style, face->style_name) == 0 &&
           (head == NULL ||
            (m->checksum == head->CheckSum_Adjust && m->created[0] == head->Created[0] &&
             m->created[1] == head->Created[1] && m->modified[0] == head->Modified[0] &&
             m->modified[1] == head->Modified[1]));
}

// FACE's map, made on first sight (its cmap read from FreeType), or NULL when it has no 'head'.
// The caller holds FACE.
static font_map *
map_of(FT_Face face)
{
    reader *r = g_private_get(&reader_key);
    if (r != NULL && r->face == face && same_font(r->map, face, NULL))
        return r->map; // this thread's last font (its 'head' is looked up in FreeType by name)
    TT_Header *head = FT_IS_SFNT(face) ? FT_Get_Sfnt_Table(face, FT_SFNT_HEAD) : NULL;
    if (head == NULL)
        return NULL;

    g_mutex_lock(&maps_lock);
    font_map *m = NULL;
    for (guint i = 0; maps != NULL && i < maps->len && m == NULL; i++)
        if (same_font(maps->pdata[i], face, head))
            m = maps->pdata[i];
    if (m == NULL) {
        find_freetype();
        m = g_new0(font_map, 1);
        m->glyphs = face->num_glyphs;
        m->index = face->face_index;
        m->checksum = head->CheckSum_Adjust;
        memcpy(m->created, head->Created, sizeof m->created);
        memcpy(m->modified, head->Modified, sizeof m->modified);
        m->units = face->units_per_EM;
        m->family = g_strdup(face->family_name);
        m->style = g_strdup(face->style_name);
        g_mutex_init(&m->lock);
        FT_ULong len = 0;
        g_autofree guint8 *cmap = NULL;
        if (face->num_glyphs > 0 && freetype_load(face, TTAG_cmap, 0, NULL, &len) == 0 && len > 0) {
            cmap = g_malloc(len);
            m->code = g_new(guint32, face->num_glyphs);
            m->served = freetype_load(face, TTAG_cmap, 0, cmap, &len) == 0 &&
                        sc_cmap_walk(cmap, len, m->code, (guint)face->num_glyphs) && make_runs(m);
            m->seen = g_new0(guint8, face->num_glyphs);
            m->hot = g_new(guint, HOT_MAX);
        }
        if (maps == NULL)
            maps = g_ptr_array_new();
        g_ptr_array_add(maps, m);
    }
    g_mutex_unlock(&maps_lock);
    if (r == NULL) {
        r = g_new0(reader, 1);
        g_private_set(&reader_key, r);
    }
    if (r->map != m && r->table != NULL)
        g_clear_pointer(&r->table, g_bytes_unref);
    r->face = face;
    r->map = m;
    return m;
}

// The 'cmap' served for M (M->lock held): a header with one (3,1) subtable, at 12; the noted
// glyphs' segments, then the runs, then the U+FFFF segment that ends the table.
static GBytes *
make_table(const font_map *m)
{
    guint hot = MIN(m->nhot, SEGMENTS_MAX - 1 - m->nruns), n = hot + m->nruns + 1;
    gsize sub = 16 + 8 * (gsize)n, len = 12 + sub;
    guint8 *t = g_malloc0(len);
    put16(t + 2, 1); // version 0, one subtable
    put16(t + 4, 3);
    put16(t + 6, 1);
    put16(t + 10, 12);
    guint8 *s = t + 12;
    guint range = 1, log = 0;
    while (range * 2 <= n) {
        range *= 2;
        log++;
    }
    put16(s, 4);
    put16(s + 2, (guint)sub);
    put16(s + 6, 2 * n);
    put16(s + 8, 2 * range);
    put16(s + 10, log);
    put16(s + 12, 2 * (n - range));
    guint8 *end = s + 14, *start = end + 2 * (n + 1), *delta = start + 2 * n; // ranges all 0
    for (guint k = 0; k < n; k++) {
        guint first = 0xFFFF, last = 0xFFFF, d = 1;
        if (k < hot) {
            guint g = m->hot[k];
            first = last = m->code[g];
            d = (g - first) & 0xFFFF;
        } else if (k < n - 1) {
            first = m->runs[k - hot].first;
            last = m->runs[k - hot].last;
            d = m->runs[k - hot].delta;
        }
        put16(end + 2 * k, last);
        put16(start + 2 * k, first);
        put16(delta + 2 * k, d);
    }
    return g_bytes_new_take(t, len);
}

void
sc_cmap_note(FT_Face face, const guint *glyphs, gsize n)
{
    font_map *m = face != NULL ? map_of(face) : NULL;
    if (m == NULL || !m->served)
        return;
    g_mutex_lock(&m->lock);
    for (gsize i = 0; i < n && m->nhot < HOT_MAX; i++) {
        guint g = glyphs[i];
        if (g < (guint)m->glyphs && !m->seen[g] && m->code[g] != NONE) {
            m->seen[g] = 1;
            m->hot[m->nhot++] = g;
            g_clear_pointer(&m->table, g_bytes_unref);
        }
    }
    g_mutex_unlock(&m->lock);
}

// M's table now, one reference more.
static GBytes *
table_now(font_map *m)
{
    g_mutex_lock(&m->lock);
    if (m->table == NULL)
        m->table = make_table(m);
    GBytes *t = g_bytes_ref(m->table);
    g_mutex_unlock(&m->lock);
    return t;
}

GBytes *
sc_cmap_served(FT_Face face)
{
    font_map *m = map_of(face);
    return m != NULL && m->served ? table_now(m) : NULL;
}

FT_Error
FT_Load_Sfnt_Table(FT_Face face, FT_ULong tag, FT_Long offset, FT_Byte *buffer, FT_ULong *length)
{
    find_freetype();
    if (tag != TTAG_cmap || face == NULL || !from_cairo(__builtin_return_address(0)))
        return freetype_load(face, tag, offset, buffer, length);
    font_map *m = map_of(face);
    if (m == NULL || !m->served)
        return freetype_load(face, tag, offset, buffer, length);
    // A read from the start begins a look-up: the table as it is now, kept for the reads after.
    reader *r = g_private_get(&reader_key);
    if (offset == 0 || r->table == NULL) {
        if (r->table != NULL)
            g_bytes_unref(r->table);
        r->table = table_now(m);
    }
    gsize size;
    const guint8 *t = g_bytes_get_data(r->table, &size);
    if (length != NULL && *length == 0) {
        *length = size;
        return FT_Err_Ok;
    }
    gsize want = length != NULL ? *length : size - MIN((gsize)MAX(offset, 0), size);
    if (offset < 0 || (gsize)offset > size || want > size - (gsize)offset || buffer == NULL)
        return FT_Err_Invalid_Table;
    memcpy(buffer, t + offset, want);
    return FT_Err_Ok;
}
