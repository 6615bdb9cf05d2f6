// test-cmap.c - the 'cmap' cairo is served (cmap.h; issue 15): for every glyph, cairo 1.16's
// reverse look-up finds in it the character it finds in the font's own table; glyphs noted come
// first; a table cairo would read otherwise is left to FreeType; text drawn without its
// characters is read back from the PDF as those characters.
#define _GNU_SOURCE // memmem()
#include "cmap.h"
#include "testutil.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <poppler.h>
#include <string.h>
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H

#define NOT_FOUND   G_MAXUINT32
#define UNSUPPORTED (G_MAXUINT32 - 1)

static guint
rd16(const guint8 *p)
{
    return (guint)p[0] << 8 | p[1];
}

static void
wr16(guint8 *p, guint v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

// cairo 1.16's _cairo_truetype_reverse_cmap() on the subtable at OFF of cmap T (LEN bytes), as
// it reads it: NOT_FOUND, UNSUPPORTED (cairo tries the next (3,1) subtable), or the character.
static guint32
cairo_reverse_at(const guint8 *t, gsize len, gsize off, guint index)
{
    if (off + 4 > len || rd16(t + off) != 4)
        return UNSUPPORTED;
    gsize size = rd16(t + off + 2);
    if (off + size > len)
        return UNSUPPORTED;
    const guint8 *map = t + off;
    guint n = rd16(map + 6) / 2;
    if (size < (8 + 4 * (gsize)n) * 2)
        return UNSUPPORTED;
    const guint8 *end = map + 14, *start = end + 2 * (n + 1), *delta = start + 2 * n,
                 *range = delta + 2 * n;
    for (guint i = 0; i < n; i++) {
        guint16 s = (guint16)rd16(start + 2 * i), e = (guint16)rd16(end + 2 * i);
        if (s == 0xffff && e == 0xffff)
            break;
        guint16 c = (guint16)(index - rd16(delta + 2 * i));
        if (rd16(range + 2 * i) == 0 && c >= s && c <= e)
            return c;
    }
    for (guint i = 0; i < n; i++) {
        guint16 s = (guint16)rd16(start + 2 * i), e = (guint16)rd16(end + 2 * i);
        if (s == 0xffff && e == 0xffff)
            break;
        if (rd16(range + 2 * i) != 0) {
            const guint8 *ids = range + 2 * i + 2 * (rd16(range + 2 * i) / 2);
            int count = e - s + 1;
            if (count > 0) {
                if (ids + 2 * count > map + size)
                    return UNSUPPORTED;
                for (int j = 0; j < count; j++)
                    if (rd16(ids + 2 * j) == (index & 0xffff))
                        return s + (guint)j;
            }
        }
    }
    return NOT_FOUND;
}

// cairo 1.16's _cairo_truetype_index_to_ucs4(): the first (3,1) subtable that is not unsupported.
static guint32
cairo_reverse(const guint8 *t, gsize len, guint index)
{
    if (len < 4 || 4 + 8 * (gsize)rd16(t + 2) > len)
        return UNSUPPORTED;
    for (guint i = 0; i < rd16(t + 2); i++) {
        const guint8 *rec = t + 4 + 8 * i;
        if (rd16(rec) == 3 && rd16(rec + 2) == 1) {
            guint32 r = cairo_reverse_at(t, len, (gsize)rd16(rec + 4) << 16 | rd16(rec + 6), index);
            if (r != UNSUPPORTED)
                return r;
        }
    }
    return UNSUPPORTED;
}

// A format-4 segment for a hand-made table.
typedef struct {
    guint start, end, delta;
    const guint *ids; // a glyph array, or NULL
} segment;

// A 'cmap' of a (0,3) record pointing at nothing useful and a (3,1) format-4 subtable of the
// N segments SEG; *LEN its length.
static guint8 *
make_cmap(const segment *seg, guint n, gsize *len)
{
    gsize ids = 0;
    for (guint i = 0; i < n; i++)
        if (seg[i].ids != NULL)
            ids += seg[i].end - seg[i].start + 1;
    gsize sub = 16 + 8 * (gsize)n + 2 * ids;
    *len = 20 + sub;
    guint8 *t = g_malloc0(*len);
    wr16(t + 2, 2);
    wr16(t + 4, 0);
    wr16(t + 6, 3);
    wr16(t + 10, 4); // (0,3) at 4: the header itself, not format 4
    wr16(t + 12, 3);
    wr16(t + 14, 1);
    wr16(t + 18, 20);
    guint8 *s = t + 20;
    wr16(s, 4);
    wr16(s + 2, (guint)sub);
    wr16(s + 6, 2 * n);
    guint8 *end = s + 14, *start = end + 2 * (n + 1), *delta = start + 2 * n,
           *range = delta + 2 * n, *array = range + 2 * n;
    for (guint i = 0; i < n; i++) {
        wr16(end + 2 * i, seg[i].end);
        wr16(start + 2 * i, seg[i].start);
        wr16(delta + 2 * i, seg[i].delta);
        if (seg[i].ids != NULL) {
            wr16(range + 2 * i, (guint)(array - (range + 2 * i)));
            for (guint j = 0; j <= seg[i].end - seg[i].start; j++, array += 2)
                wr16(array, seg[i].ids[j]);
        }
    }
    return t;
}

// sc_cmap_walk() on T (LEN bytes) agrees with cairo for every glyph below GLYPHS.
static void
assert_walk_as_cairo(const guint8 *t, gsize len, guint glyphs)
{
    g_autofree guint32 *code = g_new(guint32, glyphs);
    g_assert_true(sc_cmap_walk(t, len, code, glyphs));
    for (guint g = 0; g < glyphs; g++) {
        guint32 want = cairo_reverse(t, len, g);
        g_assert_cmpuint(want, !=, UNSUPPORTED);
        if (code[g] != want)
            g_error("glyph %u: walk %x, cairo %x", g, code[g], want);
    }
}

static void
test_walk(void)
{
    // Glyph 11 is reached from 0x42 and from 0x51 (a later segment): cairo takes 0x42.  Glyph
    // 20 is in a glyph array as it stands (cairo adds no delta to it) and also, later in the
    // table, from 0x60 without an array: cairo takes 0x60, the array-less segments coming first.
    // Glyph 30 is only past the U+FFFF segment: not found.
    static const guint arr[] = {20, 21, 5};
    const segment seg[] = {
        {0x41, 0x43, 10 - 0x41, NULL}, {0x50, 0x51, (guint)(10 - 0x50) & 0xffff, NULL},
        {0x58, 0x5A, 7, arr},          {0x60, 0x60, 20 - 0x60, NULL},
        {0xFFFF, 0xFFFF, 1, NULL},     {0x70, 0x70, 30 - 0x70, NULL},
    };
    gsize len;
    g_autofree guint8 *t = make_cmap(seg, G_N_ELEMENTS(seg), &len);
    assert_walk_as_cairo(t, len, 40);
    guint32 code[40];
    g_assert_true(sc_cmap_walk(t, len, code, 40));
    g_assert_cmpuint(code[11], ==, 0x42);
    g_assert_cmpuint(code[20], ==, 0x60);
    g_assert_cmpuint(code[21], ==, 0x59);
    g_assert_cmpuint(code[5], ==, 0x5A);
    g_assert_cmpuint(code[30], ==, NOT_FOUND);
    g_assert_cmpuint(code[0], ==, NOT_FOUND);

    // A glyph array running past the subtable: cairo gives the subtable up, FreeType's is served.
    guint8 *bad = g_memdup2(t, len);
    guint8 *range = bad + 20 + 14 + 2 * 7 + 2 * 6 + 2 * 6;
    wr16(range + 2 * 2, 0x4000);
    g_assert_false(sc_cmap_walk(bad, len, code, 40));
    g_free(bad);
    // A subtable longer than the table.
    bad = g_memdup2(t, len);
    wr16(bad + 20 + 2, (guint)len);
    g_assert_false(sc_cmap_walk(bad, len, code, 40));
    g_free(bad);
    // The first (3,1) subtable not format 4.
    bad = g_memdup2(t, len);
    wr16(bad + 20, 12);
    g_assert_false(sc_cmap_walk(bad, len, code, 40));
    g_free(bad);
    // A glyph whose character is U+FFFF: its segment would end the table.
    const segment last[] = {{0xFFF0, 0xFFFF, 1, NULL}, {0xFFFF, 0xFFFF, 1, NULL}};
    g_autofree guint8 *t2 = make_cmap(last, 2, &len);
    g_assert_false(sc_cmap_walk(t2, len, code, 40));
}

// The installed LXGW WenKai (SPEC §2), opened by FreeType.
static FT_Face
wenkai(FT_Library lib)
{
    FcPattern *p = FcNameParse((const FcChar8 *)"LXGW WenKai");
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, p, &res);
    FcChar8 *file = NULL;
    g_assert_nonnull(m);
    g_assert_cmpint(FcPatternGetString(m, FC_FILE, 0, &file), ==, FcResultMatch);
    FT_Face face = NULL;
    g_assert_cmpint(FT_New_Face(lib, (const char *)file, 0, &face), ==, 0);
    FcPatternDestroy(m);
    FcPatternDestroy(p);
    return face;
}

// The segment of table T that the reverse look-up of GLYPH stops at.
static guint
segment_found(const guint8 *t, guint glyph)
{
    const guint8 *map = t + 12;
    guint n = rd16(map + 6) / 2;
    const guint8 *end = map + 14, *start = end + 2 * (n + 1), *delta = start + 2 * n;
    for (guint i = 0; i < n; i++) {
        guint16 c = (guint16)(glyph - rd16(delta + 2 * i));
        if (c >= rd16(start + 2 * i) && c <= rd16(end + 2 * i))
            return i;
    }
    return n;
}

static void
test_font(void)
{
    FT_Library lib;
    g_assert_cmpint(FT_Init_FreeType(&lib), ==, 0);
    FT_Face face = wenkai(lib);
    FT_ULong len = 0;
    g_assert_cmpint(FT_Load_Sfnt_Table(face, TTAG_cmap, 0, NULL, &len), ==, 0);
    g_autofree guint8 *own = g_malloc(len);
    g_assert_cmpint(FT_Load_Sfnt_Table(face, TTAG_cmap, 0, own, &len), ==, 0); // not cairo: its own
    guint glyphs = (guint)face->num_glyphs;
    assert_walk_as_cairo(own, len, glyphs);

    // Before any note, and after: cairo's answer from the served table is the font's own.
    g_autoptr(GBytes) before = sc_cmap_served(face);
    g_assert_nonnull(before);
    gsize size;
    const guint8 *t = g_bytes_get_data(before, &size);
    guint found = 0;
    for (guint g = 0; g < glyphs; g++) {
        guint32 want = cairo_reverse(own, len, g);
        g_assert_cmpuint(cairo_reverse(t, size, g), ==, want);
        found += want != NOT_FOUND;
    }
    g_assert_cmpuint(found, >, 20000); // the font's CJK, Latin and more
    g_test_message("%u glyphs of %u mapped; served cmap %zu bytes, the font's %lu", found, glyphs,
                   size, (unsigned long)len);

    // 证 书 A: noted, then first; a glyph without a character (0, .notdef) is not.
    guint noted[] = {FT_Get_Char_Index(face, 0x8BC1), FT_Get_Char_Index(face, 0x4E66),
                     FT_Get_Char_Index(face, 'A'), 0, FT_Get_Char_Index(face, 0x8BC1)};
    g_assert_cmpuint(segment_found(t, noted[0]), >, 100);
    sc_cmap_note(face, noted, G_N_ELEMENTS(noted));
    g_autoptr(GBytes) after = sc_cmap_served(face);
    t = g_bytes_get_data(after, &size);
    g_assert_cmpuint(segment_found(t, noted[0]), ==, 0);
    g_assert_cmpuint(segment_found(t, noted[1]), ==, 1);
    g_assert_cmpuint(segment_found(t, noted[2]), ==, 2);
    for (guint g = 0; g < glyphs; g++)
        g_assert_cmpuint(cairo_reverse(t, size, g), ==, cairo_reverse(own, len, g));
    // The table kept by a holder does not change under it.
    g_assert_cmpuint(segment_found(g_bytes_get_data(before, NULL), noted[0]), >, 100);

    FT_Done_Face(face);
    FT_Done_FreeType(lib);
}

// Glyphs drawn without their text: cairo's reverse look-up (the table served) gives the PDF's
// ToUnicode, which a reader extracts.  Latin ones go to cairo's WinAnsi subset, by the same
// answer.
static void
test_pdf(void)
{
    FT_Library lib;
    g_assert_cmpint(FT_Init_FreeType(&lib), ==, 0);
    FT_Face face = wenkai(lib);
    cairo_font_face_t *cface = cairo_ft_font_face_create_for_ft_face(face, 0);
    const char *text = "职业技能等级证书 S0000440110012610000ABC";
    g_autoptr(GByteArray) pdf = g_byte_array_new();
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(sc_test_append, pdf, 600, 200);
    cairo_t *cr = cairo_create(s);
    cairo_set_font_face(cr, cface);
    cairo_set_font_size(cr, 14);
    glong n = 0;
    g_autofree gunichar *chars = g_utf8_to_ucs4_fast(text, -1, &n);
    g_autofree cairo_glyph_t *glyphs = g_new(cairo_glyph_t, n);
    double x = 10;
    for (glong i = 0; i < n; i++) {
        glyphs[i] = (cairo_glyph_t){FT_Get_Char_Index(face, chars[i]), x, 100};
        x += chars[i] < 0x80 ? 9 : 15;
    }
    cairo_show_glyphs(cr, glyphs, (int)n); // no text: the characters come from the cmap
    cairo_destroy(cr);
    cairo_surface_finish(s);
    g_assert_cmpint(cairo_surface_status(s), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);

    g_autoptr(GBytes) bytes = g_bytes_new(pdf->data, pdf->len);
    GError *error = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &error);
    g_assert_no_error(error);
    PopplerPage *page = poppler_document_get_page(doc, 0);
    g_autofree char *got = poppler_page_get_text(page);
    g_autofree char *squeezed = g_strdup(got);
    g_strdelimit(squeezed, "\n", ' ');
    g_assert_cmpstr(g_strstrip(squeezed), ==, text);
    g_object_unref(page);
    g_object_unref(doc);
    // Both subsets: the CJK one and the WinAnsi one for the Latin glyphs.
    g_assert_nonnull(memmem(pdf->data, pdf->len, "/WinAnsiEncoding", 16));
    g_assert_nonnull(memmem(pdf->data, pdf->len, "/Identity-H", 11));
    cairo_font_face_destroy(cface);
    FT_Done_Face(face);
    FT_Done_FreeType(lib);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/cmap/walk", test_walk);
    g_test_add_func("/cmap/font", test_font);
    g_test_add_func("/cmap/pdf", test_pdf);
    return g_test_run();
}
