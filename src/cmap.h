// cmap.h - the 'cmap' cairo reads to turn a glyph back into its character, made for that reading
// (issue 15).
//
// cairo 1.16 looks up the character of every glyph new to a PDF's font subset: for the subset's
// ToUnicode where the text drawn does not give it (the ideographic spaces of a justified label),
// and to choose between the CID subset and the WinAnsi one (_cairo_truetype_reverse_cmap()).  For
// each, it copies the font's Windows Unicode (3,1) format-4 cmap subtable (LXGW WenKai: 18.8 KB,
// 2,335 segments) and walks its segments until one maps to the glyph.  A split file maps about
// 110 glyphs, most of them the template's own text, the same in every file: 9 % of a split run.
//
// cmap.c defines FreeType's FT_Load_Sfnt_Table() for the program.  To cairo's calls, a font's
// 'cmap' is one (3,1) format-4 subtable holding, first, a segment for each glyph the program's
// layouts used (sc_cmap_note()) in the order they were first laid out, then every glyph's, each
// to the character cairo's walk finds in the font's own subtable (sc_cmap_walk()): the answer is
// the same for every glyph, found after a few segments.  Every other table, every other caller,
// and a font whose cmap cairo would read some other way (its first (3,1) subtable not format 4,
// or out of bounds) get FreeType's own.
#ifndef SC_CMAP_H
#define SC_CMAP_H

#include <ft2build.h>
#include FT_FREETYPE_H
#include <glib.h>

// The glyphs GLYPHS (N of them) of FACE are to be drawn: cairo finds their characters first.  The
// caller holds FACE (cairo_ft_scaled_font_lock_face()).
void sc_cmap_note(FT_Face face, const guint *glyphs, gsize n);

// Into CODE[g] for each glyph g < GLYPHS, the character cairo 1.16's walk finds in the 'cmap'
// table CMAP (LEN bytes), or G_MAXUINT32 where it finds none.  FALSE when cairo would not take
// its answers from the first (3,1) subtable (not format 4, out of bounds) or one is U+FFFF:
// cmap.c then serves FreeType's own table.
gboolean sc_cmap_walk(const guint8 *cmap, gsize len, guint32 *code, guint glyphs);

// The 'cmap' cairo is served for FACE now, or NULL when it is FreeType's own (for tests).
GBytes *sc_cmap_served(FT_Face face);

#endif
