// layout.c - fit text to its box with Pango (DESIGN.md "layout"; sizes of SPEC §2).
#include "layout.h"

#include "cmap.h"
#include "i18n.h"

#include <cairo-ft.h>

#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <string.h>

struct sc_fonts {
    PangoFontMap *map;
    PangoContext *context;
    GHashTable *installed; // every lower-case name of every installed family -> TRUE
    GHashTable *faces;     // family name -> PangoFont * (at 12 pt, for coverage)
    GHashTable *spacing;   // family list -> spacing *: single spacing (see single_spacing())
    char *folder;          // the application font folder's real path, or NULL
    char *folder_families; // the families of its faces, comma-separated: a fallback after every
                           // template's list (a font dropped there serves what the others lack)
};

// The families of the faces fontconfig read from the application font folder, comma-separated
// in file order (each once, by its first name), or NULL when it has none.
static char *
folder_families(void)
{
    FcFontSet *set = FcConfigGetFonts(NULL, FcSetApplication);
    GString *out = g_string_new(NULL);
    for (int i = 0; set != NULL && i < set->nfont; i++) {
        FcChar8 *name = NULL;
        if (FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &name) != FcResultMatch ||
            strchr((const char *)name, ',') != NULL)
            continue;
        g_autofree char *with = g_strconcat(",", out->str, ",", NULL);
        g_autofree char *item = g_strconcat(",", (const char *)name, ",", NULL);
        if (strstr(with, item) == NULL)
            g_string_append_printf(out, "%s%s", out->len > 0 ? "," : "", (const char *)name);
    }
    return g_string_free(out, out->len == 0);
}

sc_fonts *
sc_fonts_new(const char *fonts_dir, GError **error)
{
    // The application font folder goes into fontconfig's current configuration before the font
    // map reads it.
    if (fonts_dir != NULL && g_file_test(fonts_dir, G_FILE_TEST_IS_DIR)) {
        if (!FcConfigAppFontAddDir(NULL, (const FcChar8 *)fonts_dir)) {
            g_set_error(error, SC_ERROR, SC_ERROR_FONT,
                        _("%s: fontconfig cannot read this font folder"), fonts_dir);
            return NULL;
        }
    }

    sc_fonts *f = g_new0(sc_fonts, 1);
    if (fonts_dir != NULL && g_file_test(fonts_dir, G_FILE_TEST_IS_DIR)) {
        f->folder = g_canonicalize_filename(fonts_dir, NULL);
        f->folder_families = folder_families();
    }
    f->map = pango_cairo_font_map_new();
    f->context = pango_font_map_create_context(f->map);
    pango_cairo_context_set_resolution(f->context, 72.0); // user units are points
    pango_context_set_round_glyph_positions(f->context, FALSE);
    pango_context_set_language(f->context, pango_language_from_string("zh-cn"));
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(f->context, opts);
    cairo_font_options_destroy(opts);

    // Fontconfig gives a family one name per language ("LXGW WenKai", "霞鹜文楷") and lists
    // first the one of the user's locale, which is all Pango's family list shows: every name
    // of every face is recorded, so a template's name is found in any locale.
    f->installed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    FcPattern *any = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, NULL);
    FcFontSet *set = FcFontList(NULL, any, os);
    for (int i = 0; set != NULL && i < set->nfont; i++) {
        FcChar8 *name = NULL;
        for (int k = 0; FcPatternGetString(set->fonts[i], FC_FAMILY, k, &name) == FcResultMatch;
             k++)
            g_hash_table_add(f->installed, g_utf8_strdown((const char *)name, -1));
    }
    if (set != NULL)
        FcFontSetDestroy(set);
    FcObjectSetDestroy(os);
    FcPatternDestroy(any);

    f->faces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    f->spacing = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return f;
}

// A scaled font kept (sc_fonts_keep_scaled()): a font's cairo scaled font and the linear part of
// the transformation it draws under.
typedef struct {
    cairo_scaled_font_t *font;
    double xx, yx, xy, yy;
    cairo_scaled_font_t *drawn, *unscaled; // the references kept (not part of the key)
} kept_key;

static guint
kept_hash(gconstpointer k)
{
    const kept_key *a = k;
    return g_direct_hash(a->font) ^ g_double_hash(&a->xx) ^ (g_double_hash(&a->yy) << 1);
}

static gboolean
kept_equal(gconstpointer x, gconstpointer y)
{
    const kept_key *a = x, *b = y;
    return a->font == b->font && a->xx == b->xx && a->yx == b->yx && a->xy == b->xy &&
           a->yy == b->yy;
}

void
sc_fonts_keep_scaled(cairo_t *cr, PangoFont *font)
{
    static GMutex lock;
    static GHashTable *kept; // kept_key * -> itself, never freed
    cairo_scaled_font_t *scaled = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
    if (scaled == NULL)
        return;
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    kept_key key = {scaled, m.xx, m.yx, m.xy, m.yy, NULL, NULL};
    g_mutex_lock(&lock);
    if (kept == NULL)
        kept = g_hash_table_new(kept_hash, kept_equal);
    if (!g_hash_table_contains(kept, &key)) {
        // The scaled font cairo draws FONT with on CR (its transformation, its surface's options),
        // and its face's unscaled one (cairo-scaled-font-subsets.c), each one reference more.
        cairo_save(cr);
        cairo_set_scaled_font(cr, scaled);
        key.drawn = cairo_scaled_font_reference(cairo_get_scaled_font(cr));
        cairo_restore(cr);
        cairo_matrix_t identity;
        cairo_matrix_init_identity(&identity);
        cairo_font_options_t *plain = cairo_font_options_create();
        cairo_font_options_set_hint_style(plain, CAIRO_HINT_STYLE_NONE);
        cairo_font_options_set_hint_metrics(plain, CAIRO_HINT_METRICS_OFF);
        key.unscaled = cairo_scaled_font_create(cairo_scaled_font_get_font_face(key.drawn),
                                                &identity, &identity, plain);
        cairo_font_options_destroy(plain);
        cairo_scaled_font_reference(scaled); // (the key's font stays the same object)
        g_hash_table_add(kept, g_memdup2(&key, sizeof key));
    }
    g_mutex_unlock(&lock);
}

void
sc_fonts_free(sc_fonts *fonts)
{
    if (fonts == NULL)
        return;
    g_hash_table_destroy(fonts->spacing);
    g_hash_table_destroy(fonts->faces);
    g_hash_table_destroy(fonts->installed);
    g_free(fonts->folder);
    g_free(fonts->folder_families);
    g_object_unref(fonts->context);
    g_object_unref(fonts->map);
    g_free(fonts);
}

char *
sc_fonts_resolve(sc_fonts *fonts, const char *list, GError **error)
{
    g_auto(GStrv) names = g_strsplit(list, ",", -1);
    GString *found = g_string_new(NULL);
    for (int i = 0; names[i] != NULL; i++) {
        char *name = g_strstrip(names[i]);
        g_autofree char *key = g_utf8_strdown(name, -1);
        if (*name == '\0' || !g_hash_table_contains(fonts->installed, key))
            continue;
        if (found->len > 0)
            g_string_append_c(found, ',');
        g_string_append(found, name);
    }
    if (found->len == 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_FONT,
                    _("none of the fonts '%s' is installed: install fonts-lxgw-wenkai "
                      "(apt-get install fonts-lxgw-wenkai) or put a licensed STKaiti in fonts/"),
                    list);
        g_string_free(found, TRUE);
        return NULL;
    }
    // The font folder's faces serve, after the template's, the characters those lack.
    g_auto(GStrv) extra = g_strsplit(fonts->folder_families ? fonts->folder_families : "", ",", -1);
    for (int i = 0; extra[i] != NULL; i++) {
        g_autofree char *with = g_strconcat(",", found->str, ",", NULL);
        g_autofree char *item = g_strconcat(",", extra[i], ",", NULL);
        if (*extra[i] != '\0' && strstr(with, item) == NULL)
            g_string_append_printf(found, ",%s", extra[i]);
    }
    return g_string_free(found, FALSE);
}

// Whether FAMILY is one of the names of FONT's family, in whichever language (see
// sc_fonts_new()).
static gboolean
font_is_family(PangoFont *font, const char *family)
{
    if (!PANGO_IS_FC_FONT(font)) {
        PangoFontDescription *got = pango_font_describe(font);
        gboolean same = g_ascii_strcasecmp(pango_font_description_get_family(got), family) == 0;
        pango_font_description_free(got);
        return same;
    }
    FcPattern *pattern = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    FcChar8 *name = NULL;
    for (int k = 0; FcPatternGetString(pattern, FC_FAMILY, k, &name) == FcResultMatch; k++)
        if (g_ascii_strcasecmp((const char *)name, family) == 0)
            return TRUE;
    return FALSE;
}

// The loaded face of FAMILY, or NULL when fontconfig would substitute another family for it.
static PangoFont *
face_for(sc_fonts *fonts, const char *family)
{
    PangoFont *font = g_hash_table_lookup(fonts->faces, family);
    if (font != NULL || g_hash_table_contains(fonts->faces, family))
        return font;

    PangoFontDescription *desc = pango_font_description_new();
    pango_font_description_set_family(desc, family);
    pango_font_description_set_size(desc, 12 * PANGO_SCALE);
    font = pango_font_map_load_font(fonts->map, fonts->context, desc);
    pango_font_description_free(desc);
    if (font != NULL && !font_is_family(font, family))
        g_clear_object(&font);
    g_hash_table_insert(fonts->faces, g_strdup(family), font);
    return font;
}

gunichar
sc_fonts_find_missing(sc_fonts *fonts, const char *families, const char *text)
{
    g_auto(GStrv) names = g_strsplit(families, ",", -1);
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\n' || c == '\t' || c == '\r')
            continue;
        gboolean covered = FALSE;
        for (int i = 0; names[i] != NULL && !covered; i++) {
            PangoFont *font = face_for(fonts, names[i]);
            covered = font != NULL && pango_font_has_char(font, c);
        }
        if (!covered)
            return c;
    }
    return 0;
}

// Single spacing of a family list (its first face), worked out once per list.
typedef struct {
    double line_em; // the line height SPEC §2 means, in em
    double factor;  // the Pango line-spacing factor that gives it
} spacing;

// Single spacing as SPEC §2 means it: the font's own line height, (usWinAscent +
// usWinDescent) / unitsPerEm, as word processors use it.  Pango's own line height (typographic
// or hhea metrics) is shorter for many CJK faces, hence a factor over it.
static const spacing *
single_spacing(sc_fonts *fonts, const char *families)
{
    spacing *sp = g_hash_table_lookup(fonts->spacing, families);
    if (sp != NULL)
        return sp;

    sp = g_new(spacing, 1);
    sp->line_em = 1.2;
    sp->factor = 1.0;
    g_auto(GStrv) names = g_strsplit(families, ",", 2);
    PangoFont *font = names[0] != NULL ? face_for(fonts, names[0]) : NULL;
    if (font != NULL) {
        PangoFontMetrics *m = pango_font_get_metrics(font, NULL);
        double pango_em =
            (double)(pango_font_metrics_get_ascent(m) + pango_font_metrics_get_descent(m)) /
            PANGO_SCALE / 12.0; // faces are loaded at 12 pt (face_for)
        pango_font_metrics_unref(m);
        sp->line_em = pango_em;

        hb_font_t *sized = pango_font_get_hb_font(font);
        hb_font_t *unscaled = hb_font_create(hb_font_get_face(sized)); // scale = units per em
        unsigned int upem = hb_face_get_upem(hb_font_get_face(sized));
        hb_position_t asc = 0, desc = 0;
        if (hb_ot_metrics_get_position(unscaled, HB_OT_METRICS_TAG_HORIZONTAL_CLIPPING_ASCENT,
                                       &asc) &&
            hb_ot_metrics_get_position(unscaled, HB_OT_METRICS_TAG_HORIZONTAL_CLIPPING_DESCENT,
                                       &desc) &&
            upem > 0 && pango_em > 0) {
            // Descent is negative in HarfBuzz's clipping metrics on some faces: take magnitudes.
            sp->line_em = (double)(ABS(asc) + ABS(desc)) / upem;
            sp->factor = sp->line_em / pango_em;
        }
        hb_font_destroy(unscaled);
    }
    g_hash_table_insert(fonts->spacing, g_strdup(families), sp);
    return sp;
}

double
sc_fonts_line_height(sc_fonts *fonts, const char *families, double size)
{
    return size * single_spacing(fonts, families)->line_em;
}

void
sc_placed_text_clear(sc_placed_text *placed)
{
    if (placed != NULL)
        g_clear_object(&placed->layout);
}

// Lay TEXT out at SIZE points; fills the measurements and says whether it fits the box.
static gboolean
try_size(PangoLayout *layout, PangoFontDescription *desc, const sc_element *e, double size,
         double *top_mm, double *width_mm, int *lines)
{
    pango_font_description_set_size(desc, (int)lround(size * PANGO_SCALE));
    pango_layout_set_font_description(layout, desc);
    if (e->wrap)
        pango_layout_set_indent(
            layout, (int)lround(e->indent * SC_PT_PER_MM * PANGO_SCALE * (size / e->size)));

    PangoRectangle logical;
    pango_layout_get_extents(layout, NULL, &logical);
    *width_mm = (double)logical.width / PANGO_SCALE * SC_MM_PER_PT;
    *lines = pango_layout_get_line_count(layout);
    double height_mm = (double)logical.height / PANGO_SCALE * SC_MM_PER_PT;
    double baseline_mm = (double)pango_layout_get_baseline(layout) / PANGO_SCALE * SC_MM_PER_PT;

    // Where the layout's top goes: its first baseline on the template's, or the box top.
    *top_mm = e->baseline >= 0 ? e->baseline - baseline_mm : e->y;

    const double eps = 0.01; // mm
    if (*width_mm > e->width + eps)
        return FALSE;
    if (e->max_lines > 0 && *lines > e->max_lines)
        return FALSE;
    if (!e->wrap && *lines > 1)
        return FALSE;
    if (e->height > 0 && *top_mm + height_mm > e->y + e->height + eps)
        return FALSE;
    return TRUE;
}

// The glyphs of LAYOUT are to be drawn: cairo finds their characters first (cmap.h).
static void
note_glyphs(PangoLayout *layout)
{
    PangoLayoutIter *iter = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(iter);
        if (run == NULL)
            continue;
        cairo_scaled_font_t *font =
            pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font));
        if (font == NULL || cairo_scaled_font_get_type(font) != CAIRO_FONT_TYPE_FT)
            continue;
        FT_Face face = cairo_ft_scaled_font_lock_face(font);
        if (face != NULL) {
            g_autofree guint *glyphs = g_new(guint, run->glyphs->num_glyphs);
            for (int i = 0; i < run->glyphs->num_glyphs; i++)
                glyphs[i] = run->glyphs->glyphs[i].glyph;
            sc_cmap_note(face, glyphs, (gsize)run->glyphs->num_glyphs);
            cairo_ft_scaled_font_unlock_face(font);
        }
    } while (pango_layout_iter_next_run(iter));
    pango_layout_iter_free(iter);
}

gboolean
sc_layout_text(sc_fonts *fonts, const sc_element *e, const char *families, const char *text,
               sc_placed_text *out, GError **error)
{
    g_return_val_if_fail(e->type == SC_ELEMENT_TEXT, FALSE);
    memset(out, 0, sizeof *out);

    gunichar missing = sc_fonts_find_missing(fonts, families, text);
    if (missing != 0) {
        char utf8[8] = {0};
        g_unichar_to_utf8(missing, utf8);
        if (fonts->folder != NULL)
            g_set_error(error, SC_ERROR, SC_ERROR_GLYPH,
                        _("character '%s' (U+%04X) is in none of the fonts %s; copy a font that "
                          "has it into %s (its faces are used after the template's), or use "
                          "another character"),
                        utf8, missing, families, fonts->folder);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_GLYPH,
                        _("character '%s' (U+%04X) is in none of the fonts %s; install a font "
                          "that has it, or use another character"),
                        utf8, missing, families);
        return FALSE;
    }

    PangoLayout *layout = pango_layout_new(fonts->context);
    pango_layout_set_text(layout, text, -1);
    if (e->wrap) {
        pango_layout_set_width(layout, (int)floor(e->width * SC_PT_PER_MM * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
        static const PangoAlignment aligns[] = {PANGO_ALIGN_LEFT, PANGO_ALIGN_CENTER,
                                                PANGO_ALIGN_RIGHT};
        pango_layout_set_alignment(layout, aligns[e->align]);
    }
    pango_layout_set_line_spacing(
        layout, (float)(e->line_spacing * single_spacing(fonts, families)->factor));
    PangoFontDescription *desc = pango_font_description_from_string("");
    pango_font_description_set_family(desc, families);

    // Shrink in 0.5 pt steps, the floor itself tried last.
    double top = 0, width = 0;
    int lines = 0;
    double size = e->size;
    gboolean fits = FALSE;
    for (;;) {
        fits = try_size(layout, desc, e, size, &top, &width, &lines);
        if (fits || size <= e->min_size + 1e-9)
            break;
        size = fmax(e->min_size, size - 0.5);
    }
    pango_font_description_free(desc);

    if (!fits) {
        if (e->min_size < e->size)
            g_set_error(error, SC_ERROR, SC_ERROR_FIT,
                        g_dngettext(GETTEXT_PACKAGE,
                                    "text does not fit its %.1f × %.1f mm box even at %g pt (%d "
                                    "line, %.1f mm wide); shorten it",
                                    "text does not fit its %.1f × %.1f mm box even at %g pt (%d "
                                    "lines, %.1f mm wide); shorten it",
                                    lines),
                        e->width, e->height, e->min_size, lines, width);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_FIT,
                        _("text does not fit its %.1f mm wide box at %g pt (%.1f mm wide); "
                          "shorten it"),
                        e->width, e->size, width);
        g_object_unref(layout);
        return FALSE;
    }

    // Horizontal place: a wrapped layout aligns itself inside the box width; a single line is
    // placed by its logical width.
    double x = e->x;
    if (!e->wrap) {
        if (e->align == SC_ALIGN_CENTER)
            x += (e->width - width) / 2;
        else if (e->align == SC_ALIGN_RIGHT)
            x += e->width - width;
    }
    note_glyphs(layout);
    out->layout = layout;
    out->x = x;
    out->y = top;
    out->size = size;
    out->width = width;
    out->lines = lines;
    return TRUE;
}
