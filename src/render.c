// render.c - place and draw one record's elements (DESIGN.md "render"; SPEC §2).
#include "render.h"

#include "i18n.h"

#include "photo.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

// One element's prepared content.
typedef struct {
    sc_placed_text text;
    cairo_surface_t *image; // a photo or fixed image, its A8 mask (FORM set), or the QR code
                            // as an A1 mask of WIDTH × WIDTH modules
    cairo_surface_t *form;  // a masked image drawn once in its colour, IMAGE's size, or NULL
    gboolean over_text;     // an image printed over text: drawn as ink (multiplied)
} placed;

struct sc_renderer {
    const sc_template *tmpl;
    sc_fonts *fonts;
    const sc_code_encoder *encoder;
    gboolean raster;
    sc_photo_files *photo_files; // where photos are read once, or NULL
    char **families;             // per element: resolved font list (text elements), else NULL
    gboolean *invariant;         // per element: names no field, so is the same on every page
    placed *fixed;               // per element: an invariant element's content, prepared once
    cairo_surface_t *background; // the invariant static elements recorded once, or NULL
    placed *last;                // per image element: the image loaded last, and its path, so
    char **last_path;            // an image every record names (a seal) is loaded once
    gboolean *over_text;         // per image element: its box overlaps a text's (a seal)
    GHashTable **texts;          // per text element: laid-out texts by value (layout_cached())
};

struct sc_page {
    placed *items; // parallel to the template's elements; invariant ones stay empty
    double *dy;    // parallel too: mm an element of a flow moves down on this page (flow_page())
    guint n;
    const sc_renderer *renderer;
};

#define PT(mm) ((mm)*SC_PT_PER_MM)

static void
placed_clear(placed *p)
{
    sc_placed_text_clear(&p->text);
    if (p->image != NULL)
        cairo_surface_destroy(p->image);
    if (p->form != NULL)
        cairo_surface_destroy(p->form);
    memset(p, 0, sizeof *p);
}

// The text an element's content comes from: text, image source or code data; NULL for shapes.
static const char *
element_pattern(const sc_element *e)
{
    return e->type == SC_ELEMENT_TEXT     ? e->text
           : e->type == SC_ELEMENT_IMAGE  ? e->source
           : e->type == SC_ELEMENT_QRCODE ? e->data
                                          : NULL;
}

static void
count_field(const char *name, gpointer data)
{
    (void)name;
    (*(guint *)data)++;
}

// Whether E names no {field}: then it is the same on every page.
static gboolean
is_invariant(const sc_element *e)
{
    const char *pattern = element_pattern(e);
    guint fields = 0;
    if (pattern != NULL)
        sc_template_foreach_field(pattern, count_field, &fields);
    return fields == 0;
}

// The lookup for invariant elements, which name no field: never asked.
static const char *
no_field(const char *name, gpointer data)
{
    (void)name;
    (void)data;
    return NULL;
}

// The field an element's problems are reported under: the first placeholder's name.
static void
first_field(const char *name, gpointer data)
{
    char **out = data;
    if (*out == NULL)
        *out = g_strdup(name);
}

static char *
element_field(const sc_element *e, const sc_fields *fields)
{
    char *field = NULL;
    const char *text = element_pattern(e);
    if (text != NULL)
        sc_template_foreach_field(text, first_field, &field);
    if (field == NULL)
        return g_strdup_printf("[%s]", e->id);
    if (fields->name == NULL)
        return field;
    char *named = g_strdup(fields->name(field));
    g_free(field);
    return named;
}

// The QR matrix as an A1 mask surface, one pixel per module (drawn scaled without interpolation).
static cairo_surface_t *
matrix_to_mask(const sc_code_matrix *m)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A1, m->width, m->width);
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    cairo_surface_flush(s);
    for (int y = 0; y < m->width; y++) {
        guint32 *row = (guint32 *)(data + (gsize)y * stride);
        memset(row, 0, stride);
        for (int x = 0; x < m->width; x++)
            if (m->modules[y * m->width + x]) {
                // A1 pixels are bits of native-endian 32-bit words, the first pixel in the
                // least significant bit on little-endian machines.
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
                row[x / 32] |= 1u << (x % 32);
#else
                row[x / 32] |= 1u << (31 - x % 32);
#endif
            }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

// The share of dark pixels above which an image over text hides it: a scanned seal's specks
// stay far below; a black or dark-grey blob is far above.
#define DARK_SHARE_MAX 0.02

// Whether the image at PATH, printed as ink over text (multiplied), would still hide the text
// under it: more than DARK_SHARE_MAX of its pixels too dark to read black text through
// (sc_photo_dark_share()).  IMG is the loaded image; a JPEG carried for PDF is decoded here.
static gboolean
hides_text(const char *path, cairo_surface_t *img, GError **error)
{
    const unsigned char *jpeg = NULL;
    unsigned long jpeg_len = 0;
    cairo_surface_get_mime_data(img, CAIRO_MIME_TYPE_JPEG, &jpeg, &jpeg_len);
    cairo_surface_t *pixels = img;
    if (jpeg != NULL && cairo_image_surface_get_format(img) == CAIRO_FORMAT_A8) {
        pixels = sc_photo_load(path, TRUE, NULL, error);
        if (pixels == NULL)
            return TRUE;
    }
    double share = sc_photo_dark_share(pixels);
    if (pixels != img)
        cairo_surface_destroy(pixels);
    if (share <= DARK_SHARE_MAX)
        return FALSE;
    g_set_error(error, SC_ERROR, SC_ERROR_PHOTO,
                _("%s lies over text and %.0f %% of it is too dark for the text under it to be "
                  "read; use a scan of the seal in its ink colour on white"),
                path, share * 100);
    return TRUE;
}

// Load the image at PATH into *OUT, with a unique ID so PDF output embeds it once however many
// pages show it.  For PDF output a single-colour image (a seal) becomes its colour through its
// alpha mask (sc_photo_to_mask()), carried compressed once for the batch to be written by the
// finish stage (sc_photo_mask_carrier()), else recorded once as a form of the image's size.  Raster
// output keeps the image, so a preview shows its exact pixels.  OVER_TEXT: the image is printed
// over text (as ink, multiplied) and refused when it would still hide it (hides_text()).
static gboolean
load_into(const sc_renderer *r, const char *path, const char *id, gboolean over_text, placed *out,
          GError **error)
{
    cairo_surface_t *img = sc_photo_load_in(r->photo_files, path, r->raster, id, error);
    if (img == NULL)
        return FALSE;
    if (over_text && hides_text(path, img, error)) {
        cairo_surface_destroy(img);
        return FALSE;
    }
    double colour[3];
    cairo_surface_t *mask = r->raster ? NULL : sc_photo_to_mask(img, colour);
    cairo_surface_t *carrier = mask != NULL ? sc_photo_mask_carrier(mask, colour, id) : NULL;
    if (carrier != NULL) {
        // Its colour and alpha compressed once for the batch (issue 15), the finish stage
        // making it an image with a soft mask in each PDF.
        cairo_surface_destroy(mask);
        cairo_surface_destroy(img);
        img = carrier;
    } else if (mask != NULL) {
        cairo_rectangle_t box = {0, 0, cairo_image_surface_get_width(mask),
                                 cairo_image_surface_get_height(mask)};
        out->form = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &box);
        cairo_t *cr = cairo_create(out->form);
        cairo_set_source_rgb(cr, colour[0], colour[1], colour[2]);
        cairo_pattern_t *pattern = cairo_pattern_create_for_surface(mask);
        cairo_pattern_set_filter(pattern, CAIRO_FILTER_GOOD);
        cairo_mask(cr, pattern);
        cairo_pattern_destroy(pattern);
        cairo_status_t st = cairo_status(cr);
        cairo_destroy(cr);
        cairo_surface_destroy(img);
        img = mask;
        if (st != CAIRO_STATUS_SUCCESS) {
            g_set_error(error, SC_ERROR, SC_ERROR_RENDER, "%s: %s", path,
                        cairo_status_to_string(st));
            cairo_surface_destroy(img);
            g_clear_pointer(&out->form, cairo_surface_destroy);
            return FALSE;
        }
    }
    out->image = img;
    out->over_text = over_text;
    return TRUE;
}

// Texts laid out kept per element: a batch's values recur (issue 15: 31 % of the (element, text)
// pairs of 1,000 records are distinct); an element whose values all differ (a name) churns
// through at most this many.
#define TEXT_CACHE_MAX 64

static void
placed_text_free(gpointer t)
{
    sc_placed_text_clear(t);
    g_free(t);
}

// Lay out VALUE for text element I (E) into *OUT, sharing the layout of an earlier page that had
// the same value.  FALSE with *ERROR set.
static gboolean
layout_cached(sc_renderer *r, guint i, const sc_element *e, const char *value, sc_placed_text *out,
              GError **error)
{
    if (r->texts[i] == NULL)
        r->texts[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, placed_text_free);
    sc_placed_text *hit = g_hash_table_lookup(r->texts[i], value);
    if (hit == NULL) {
        sc_placed_text t = {0};
        if (!sc_layout_text(r->fonts, e, r->families[i], value, &t, error))
            return FALSE;
        if (g_hash_table_size(r->texts[i]) >= TEXT_CACHE_MAX)
            g_hash_table_remove_all(r->texts[i]);
        hit = g_memdup2(&t, sizeof t);
        g_hash_table_insert(r->texts[i], g_strdup(value), hit);
    }
    *out = *hit;
    g_object_ref(out->layout);
    return TRUE;
}

// Prepare element E's content from VALUE (its pattern expanded) into *P.  FALSE with *ERROR set.
static gboolean
prepare_element(sc_renderer *r, guint i, const sc_element *e, const char *value, placed *p,
                GError **error)
{
    switch (e->type) {
    case SC_ELEMENT_TEXT: return layout_cached(r, i, e, value, &p->text, error);
    case SC_ELEMENT_IMAGE:
        if (*value == '\0' && e->optional)
            return TRUE;
        if (*value == '\0') {
            g_set_error(error, SC_ERROR, SC_ERROR_PHOTO, "%s", _("no image given"));
            return FALSE;
        }
        // The image loaded for the previous record when the path is the same, else loaded now.
        if (r->last_path[i] == NULL || strcmp(r->last_path[i], value) != 0) {
            g_autofree char *id = g_strdup_printf("skillcert-image:%s", value);
            placed img = {0};
            if (!load_into(r, value, id, r->over_text[i], &img, error))
                return FALSE;
            placed_clear(&r->last[i]);
            g_free(r->last_path[i]);
            r->last[i] = img;
            r->last_path[i] = g_strdup(value);
        }
        *p = r->last[i];
        cairo_surface_reference(p->image);
        if (p->form != NULL)
            cairo_surface_reference(p->form);
        return TRUE;
    case SC_ELEMENT_QRCODE: {
        sc_code_matrix m = {0};
        if (!r->encoder->encode(r->encoder->ctx, value, e->ec_level, &m, error))
            return FALSE;
        p->image = matrix_to_mask(&m);
        sc_code_matrix_clear(&m);
        return TRUE;
    }
    default: return TRUE;
    }
}

// Prepare invariant element I once, for every page: its problems are the template's.
static gboolean
prepare_fixed(sc_renderer *r, guint i, const sc_element *e, GError **error)
{
    const char *pattern = element_pattern(e);
    const char *key = e->type == SC_ELEMENT_TEXT    ? "text"
                      : e->type == SC_ELEMENT_IMAGE ? "source"
                                                    : "data";
    if (pattern == NULL)
        return TRUE;
    g_autofree char *value = sc_template_expand(pattern, no_field, NULL, error);
    gboolean ok = value != NULL;
    if (ok && e->type == SC_ELEMENT_IMAGE && *value != '\0') {
        // A fixed image (a seal, a mark): relative to the template's folder.
        g_autofree char *path = g_path_is_absolute(value)
                                    ? g_strdup(value)
                                    : g_build_filename(r->tmpl->dir, value, NULL);
        g_autofree char *id = g_strdup_printf("skillcert-fixed-%s", path);
        ok = load_into(r, path, id, r->over_text[i], &r->fixed[i], error);
    } else if (ok && !(e->type == SC_ELEMENT_IMAGE && e->optional)) {
        ok = prepare_element(r, i, e, value, &r->fixed[i], error);
    }
    if (!ok)
        g_prefix_error(error, "%s: [%s] %s: ", r->tmpl->path, e->id, key);
    return ok;
}

// Draw image element E's content P: turned as its EXIF orientation says
// (sc_photo_get_orientation()), scaled to its slot as E->fit says, and, over text (P->over_text),
// as ink on paper: multiplied, so its white is no ink and the text under it stays (SPEC §2; issue
// 10: a scanned seal blanked the institution's name).  In PDF the multiply is /BM /Multiply; the
// JPEG data is still passed through, the turn being only the image's matrix.
static void
draw_image(cairo_t *cr, const sc_element *e, const placed *p)
{
    double iw, ih;
    sc_photo_get_size(p->image, &iw, &ih);
    int orientation = sc_photo_get_orientation(p->image);
    double sw = orientation >= 5 ? ih : iw, sh = orientation >= 5 ? iw : ih; // as shown
    double bw = PT(e->width), bh = PT(e->height);
    // Cover fills the slot and crops centrally; contain fits inside it.  Never stretched.
    double s = e->fit == SC_FIT_COVER ? fmax(bw / sw, bh / sh) : fmin(bw / sw, bh / sh);
    cairo_save(cr);
    cairo_rectangle(cr, PT(e->x), PT(e->y), bw, bh);
    cairo_clip(cr);
    cairo_translate(cr, PT(e->x) + (bw - sw * s) / 2, PT(e->y) + (bh - sh * s) / 2);
    cairo_scale(cr, s, s);
    cairo_matrix_t turn;
    sc_photo_orientation_matrix(orientation, iw, ih, &turn);
    cairo_transform(cr, &turn);
    if (p->over_text)
        cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY);
    // A single-colour image is its recorded form, in image pixels like the image; a carrier's
    // one pixel stands for all of them (for any other image the scale is 1).
    if (p->form == NULL)
        cairo_scale(cr, iw / cairo_image_surface_get_width(p->image),
                    ih / cairo_image_surface_get_height(p->image));
    cairo_pattern_t *pattern = cairo_pattern_create_for_surface(p->form ? p->form : p->image);
    cairo_pattern_set_filter(pattern, CAIRO_FILTER_GOOD);
    cairo_set_source(cr, pattern);
    cairo_paint(cr);
    cairo_pattern_destroy(pattern);
    cairo_restore(cr);
}

static void
draw_code(cairo_t *cr, const sc_element *e, cairo_surface_t *mask)
{
    int modules = cairo_image_surface_get_width(mask);
    double s = PT(e->width) / modules;
    cairo_save(cr);
    cairo_set_source_rgb(cr, e->color[0], e->color[1], e->color[2]);
    cairo_translate(cr, PT(e->x), PT(e->y));
    cairo_scale(cr, s, s);
    cairo_pattern_t *pattern = cairo_pattern_create_for_surface(mask);
    cairo_pattern_set_filter(pattern, CAIRO_FILTER_NEAREST); // exact modules, no interpolation
    cairo_mask(cr, pattern);
    cairo_pattern_destroy(pattern);
    cairo_restore(cr);
}

// The ideographic space: what justifies a two-character label to the width of a four-character
// one (姓　　名：, SPEC §2).
#define JUSTIFYING_SPACE 0x3000

// Draw RUN, a run of a layout whose text is TEXT, at the current point, each ideographic space
// of it part of the character before it: in a PDF that character's text then spans the spaces'
// width too (cairo writes the cluster as /ActualText), so a text extractor reads 姓名：, one
// word, where the eye reads 姓　　名：.  Spaces are no text to an extractor (poppler): it sees a
// gap two em wide and splits the label in two, its halves far apart in its reading order.  The
// glyphs drawn are the same.
static void
show_run(cairo_t *cr, const char *text, PangoGlyphItem *run)
{
    const char *start = text + run->item->offset;
    int length = run->item->length;
    GString *folded = g_string_sized_new(length);
    g_autofree int *moved = g_new(int, length); // byte in the run -> byte in FOLDED
    int kept = -1;                              // FOLDED's last character
    for (const char *c = start; c < start + length; c = g_utf8_next_char(c)) {
        if (g_utf8_get_char(c) != JUSTIFYING_SPACE || kept < 0) {
            kept = (int)folded->len;
            g_string_append_len(folded, c, g_utf8_next_char(c) - c);
        }
        moved[c - start] = kept;
    }
    sc_fonts_keep_scaled(cr, run->item->analysis.font);
    if ((int)folded->len == length) {
        pango_cairo_show_glyph_item(cr, text, run);
    } else {
        PangoGlyphItem joined = *run;
        joined.item = pango_item_copy(run->item);
        joined.item->offset = 0;
        joined.item->length = (int)folded->len;
        joined.item->num_chars = (int)g_utf8_strlen(folded->str, folded->len);
        joined.glyphs = pango_glyph_string_copy(run->glyphs);
        for (int g = 0; g < joined.glyphs->num_glyphs; g++)
            joined.glyphs->log_clusters[g] = moved[run->glyphs->log_clusters[g]];
        pango_cairo_show_glyph_item(cr, folded->str, &joined);
        pango_glyph_string_free(joined.glyphs);
        pango_item_free(joined.item);
    }
    g_string_free(folded, TRUE);
}

// Draw LAYOUT with its top-left corner at the current point, run by run as
// pango_cairo_show_layout() does, its justified labels read as words (show_run()).
static void
show_layout(cairo_t *cr, PangoLayout *layout)
{
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    const char *text = pango_layout_get_text(layout);
    PangoLayoutIter *iter = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(iter);
        if (run == NULL)
            continue; // a line's end
        PangoRectangle logical;
        pango_layout_iter_get_run_extents(iter, NULL, &logical);
        cairo_move_to(cr, x + (double)logical.x / PANGO_SCALE,
                      y + (double)pango_layout_iter_get_baseline(iter) / PANGO_SCALE);
        show_run(cr, text, run);
    } while (pango_layout_iter_next_run(iter));
    pango_layout_iter_free(iter);
}

// Draw element E with its prepared content P, shifted by (DX, DY) points.
static void draw_content(cairo_t *cr, const sc_element *e, const placed *p, double dx, double dy);

// Whether a page drawn on CR with OPT is tagged (tagged PDF, for screen readers; issue 11): a PDF
// page that OPT does not leave untagged.  On any other surface (a recording of the design, a
// raster preview) tags mean nothing.
static gboolean
tagged_page(cairo_t *cr, const sc_draw_options *opt)
{
    return !opt->untagged && cairo_surface_get_type(cairo_get_target(cr)) == CAIRO_SURFACE_TYPE_PDF;
}

// The structure tag of E's content on a TAGGED page: P for a text, Figure for an image or a code;
// NULL for a shape, or when the page is not tagged.
static const char *
structure_tag(const sc_element *e, gboolean tagged)
{
    if (!tagged)
        return NULL;
    return e->type == SC_ELEMENT_TEXT                                    ? "P"
           : e->type == SC_ELEMENT_IMAGE || e->type == SC_ELEMENT_QRCODE ? "Figure"
                                                                         : NULL;
}

static void
draw_element(cairo_t *cr, const sc_element *e, const placed *p, gboolean tagged)
{
    const char *tag = structure_tag(e, tagged);
    if (tag != NULL)
        cairo_tag_begin(cr, tag, NULL);
    draw_content(cr, e, p, 0, 0);
    if (tag != NULL)
        cairo_tag_end(cr, tag);
}

static void
draw_content(cairo_t *cr, const sc_element *e, const placed *p, double dx, double dy)
{
    cairo_save(cr);
    cairo_translate(cr, dx, dy);
    cairo_set_source_rgb(cr, e->color[0], e->color[1], e->color[2]);
    switch (e->type) {
    case SC_ELEMENT_RECT:
        // The path is the box; the stroke straddles it (DESIGN.md pitfalls).
        cairo_set_line_width(cr, e->line_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
        cairo_rectangle(cr, PT(e->x), PT(e->y), PT(e->width), PT(e->height));
        cairo_stroke(cr);
        break;
    case SC_ELEMENT_LINE:
        cairo_set_line_width(cr, e->line_width);
        cairo_move_to(cr, PT(e->x), PT(e->y));
        cairo_line_to(cr, PT(e->x + e->width), PT(e->y + e->height));
        cairo_stroke(cr);
        break;
    case SC_ELEMENT_TEXT:
        if (p->text.layout != NULL) {
            cairo_move_to(cr, PT(p->text.x), PT(p->text.y));
            show_layout(cr, p->text.layout);
        }
        break;
    case SC_ELEMENT_IMAGE:
        if (p->image != NULL)
            draw_image(cr, e, p);
        break;
    case SC_ELEMENT_QRCODE:
        if (p->image != NULL)
            draw_code(cr, e, p->image);
        break;
    }
    cairo_restore(cr);
}

// Whether element I of R belongs to the design drawn once for every page (in PDF recorded once:
// one Form XObject per document): a static shape or image that names no field and moves with no
// flow.  Texts are drawn on each page instead, the pre-printed title and labels too: cairo tags
// only a page's own content, never a form's that every page reuses, and a screen reader must
// read them, each label with its value (draw_page_elements()).  Measured on 1,000 certificates
// (make bench): no slower, and 0.35 kB a certificate smaller than with the texts in the form,
// a label and its value being one paragraph where a label was one and its value another.
static gboolean
in_design(const sc_renderer *r, guint i)
{
    const sc_element *e = g_ptr_array_index(r->tmpl->elements, i);
    return e->layer == SC_LAYER_STATIC && r->invariant[i] && e->flow == NULL &&
           e->type != SC_ELEMENT_TEXT;
}

// Draw the design of R (in_design(): the border, a fixed mark) in file order, but the elements
// OMIT (may be NULL) leaves out; TAGGED: on a tagged page.
static void
draw_design(const sc_renderer *r, cairo_t *cr, const gboolean *omit, gboolean tagged)
{
    for (guint i = 0; i < r->tmpl->elements->len; i++)
        if (in_design(r, i) && !(omit && omit[i]))
            draw_element(cr, g_ptr_array_index(r->tmpl->elements, i), &r->fixed[i], tagged);
}

// Record the design once on a recording surface of the page's size: painted on every page,
// cairo's PDF output holds it once per document as a Form XObject (DESIGN.md pitfalls).
static gboolean
record_background(sc_renderer *r, GError **error)
{
    const sc_template *tmpl = r->tmpl;
    cairo_rectangle_t page = {0, 0, PT(tmpl->page_width), PT(tmpl->page_height)};
    r->background = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &page);
    cairo_t *cr = cairo_create(r->background);
    draw_design(r, cr, NULL, FALSE);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(r->background);
    if (st != CAIRO_STATUS_SUCCESS) {
        g_set_error(error, SC_ERROR, SC_ERROR_RENDER, _("%s: drawing the static design failed: %s"),
                    tmpl->path, cairo_status_to_string(st));
        return FALSE;
    }
    return TRUE;
}

// Whether image element E's box overlaps the box of a text element of TMPL (the seal over the
// institution's name and the date): then it is printed as ink over text.
static gboolean
overlaps_text(const sc_template *tmpl, const sc_element *e)
{
    if (e->type != SC_ELEMENT_IMAGE)
        return FALSE;
    for (guint i = 0; i < tmpl->elements->len; i++) {
        const sc_element *t = g_ptr_array_index(tmpl->elements, i);
        if (t->type == SC_ELEMENT_TEXT && t->x < e->x + e->width && e->x < t->x + t->width &&
            t->y < e->y + e->height && e->y < t->y + t->height)
            return TRUE;
    }
    return FALSE;
}

sc_renderer *
sc_renderer_new(const sc_template *tmpl, sc_fonts *fonts, const sc_code_encoder *encoder,
                gboolean raster, GError **error)
{
    sc_renderer *r = g_new0(sc_renderer, 1);
    r->tmpl = tmpl;
    r->fonts = fonts;
    r->encoder = encoder;
    r->raster = raster;
    guint n = tmpl->elements->len;
    r->families = g_new0(char *, n + 1);
    r->invariant = g_new0(gboolean, n);
    r->fixed = g_new0(placed, n);
    r->last = g_new0(placed, n);
    r->last_path = g_new0(char *, n);
    r->texts = g_new0(GHashTable *, n);
    r->over_text = g_new0(gboolean, n);
    for (guint i = 0; i < n; i++)
        r->over_text[i] = overlaps_text(tmpl, g_ptr_array_index(tmpl->elements, i));

    for (guint i = 0; i < n; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        if (e->type == SC_ELEMENT_TEXT) {
            r->families[i] = sc_fonts_resolve(fonts, e->fonts ? e->fonts : tmpl->fonts, error);
            if (r->families[i] == NULL)
                goto fail;
        }
        // What names no field is prepared here, once; its problems (a missing glyph, a text
        // that does not fit) are the template's.
        r->invariant[i] = is_invariant(e);
        if (r->invariant[i] && !prepare_fixed(r, i, e, error))
            goto fail;
    }
    // Raster output (a one-page preview) draws the design directly: cairo's image backend
    // replaying a recording antialiases the border's edges differently.
    if (!raster && !record_background(r, error))
        goto fail;
    return r;

fail:
    sc_renderer_free(r);
    return NULL;
}

void
sc_renderer_set_photo_files(sc_renderer *renderer, sc_photo_files *files)
{
    renderer->photo_files = files;
}

void
sc_renderer_free(sc_renderer *renderer)
{
    if (renderer == NULL)
        return;
    for (guint i = 0; i < renderer->tmpl->elements->len; i++) {
        g_free(renderer->families[i]);
        placed_clear(&renderer->fixed[i]);
        placed_clear(&renderer->last[i]);
        g_free(renderer->last_path[i]);
        if (renderer->texts[i] != NULL)
            g_hash_table_unref(renderer->texts[i]);
    }
    if (renderer->background != NULL)
        cairo_surface_destroy(renderer->background);
    g_free(renderer->families);
    g_free(renderer->invariant);
    g_free(renderer->fixed);
    g_free(renderer->last);
    g_free(renderer->last_path);
    g_free(renderer->texts);
    g_free(renderer->over_text);
    g_free(renderer);
}

void
sc_page_free(sc_page *page)
{
    if (page == NULL)
        return;
    for (guint i = 0; i < page->n; i++)
        placed_clear(&page->items[i]);
    g_free(page->items);
    g_free(page->dy);
    g_free(page);
}

// Element I's content on PAGE: the page's own, or the renderer's when it is invariant.
static const placed *
content_of(const sc_page *page, guint i)
{
    return page->renderer->invariant[i] ? &page->renderer->fixed[i] : &page->items[i];
}

const sc_placed_text *
sc_page_get_text(const sc_page *page, const char *id)
{
    for (guint i = 0; i < page->n; i++) {
        const sc_element *e = g_ptr_array_index(page->renderer->tmpl->elements, i);
        if (e->type == SC_ELEMENT_TEXT && strcmp(e->id, id) == 0)
            return &content_of(page, i)->text;
    }
    return NULL;
}

// The distance in mm from the first line's baseline of T to its last line's: what a wrapped
// text adds below its first line.
static double
wrapped_extra(const sc_placed_text *t)
{
    if (t->layout == NULL || t->lines < 2)
        return 0;
    PangoLayoutIter *iter = pango_layout_get_iter(t->layout);
    int first = pango_layout_iter_get_baseline(iter), last = first;
    while (pango_layout_iter_next_line(iter))
        last = pango_layout_iter_get_baseline(iter);
    pango_layout_iter_free(iter);
    return (double)(last - first) / PANGO_SCALE * SC_MM_PER_PT;
}

// Lay out the flows of PAGE (sc_element.flow; the basic information of SPEC §2): each text that
// wrapped onto more lines moves every element of its flow whose baseline lies below its own down
// by its extra lines, so official names are never shortened (issue 10) and the lines below keep
// their pitch.  An element moved off the page is a problem of the wrapped field.
static void
flow_page(sc_page *page, const sc_fields *fields, const char *file, guint row,
          sc_problems *problems)
{
    const sc_template *tmpl = page->renderer->tmpl;
    for (guint i = 0; i < page->n; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        double extra = e->type == SC_ELEMENT_TEXT && e->flow != NULL
                           ? wrapped_extra(&content_of(page, i)->text)
                           : 0;
        for (guint j = 0; j < page->n && extra > 0; j++) {
            const sc_element *below = g_ptr_array_index(tmpl->elements, j);
            if (below->flow == NULL || strcmp(below->flow, e->flow) != 0 ||
                below->baseline <= e->baseline + 0.01)
                continue;
            page->dy[j] += extra;
            if (below->y + page->dy[j] + below->height > tmpl->page_height) {
                g_autofree char *field = element_field(e, fields);
                sc_problems_add(problems, file, row, field,
                                _("the lines below this text no longer fit on the page once it "
                                  "takes %d lines"),
                                content_of(page, i)->text.lines);
                return;
            }
        }
    }
}

sc_page *
sc_renderer_prepare(sc_renderer *renderer, const sc_fields *fields, const char *file, guint row,
                    sc_problems *problems)
{
    const sc_template *tmpl = renderer->tmpl;
    sc_page *page = g_new0(sc_page, 1);
    page->renderer = renderer;
    page->n = tmpl->elements->len;
    page->items = g_new0(placed, page->n);
    page->dy = g_new0(double, page->n);
    guint before = sc_problems_count(problems);

    for (guint i = 0; i < page->n; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        const char *pattern = element_pattern(e);
        if (pattern == NULL || renderer->invariant[i])
            continue; // prepared once, in sc_renderer_new()

        GError *error = NULL;
        g_autofree char *value = sc_template_expand(pattern, fields->lookup, fields->data, &error);
        if (value != NULL)
            prepare_element(renderer, i, e, value, &page->items[i], &error);
        if (error != NULL) {
            g_autofree char *field = element_field(e, fields);
            sc_problems_add(problems, file, row, field, "%s", error->message);
            g_error_free(error);
        }
    }

    if (sc_problems_count(problems) == before)
        flow_page(page, fields, file, row, problems);
    if (sc_problems_count(problems) > before) {
        sc_page_free(page);
        return NULL;
    }
    return page;
}

// How many elements of the recorded design (in_design()) OMIT leaves out.
static guint
design_omitted(const sc_renderer *r, const gboolean *omit)
{
    guint n = 0;
    for (guint i = 0; omit != NULL && i < r->tmpl->elements->len; i++)
        n += in_design(r, i) && omit[i];
    return n;
}

// Draw the elements of PAGE but the design's (in_design()) and those OMIT leaves out, in file
// order, each moved as its flow says.  On a TAGGED page an image or a code is a
// Figure, and the texts that share one baseline are one P: a label and its value are read as one
// (姓名：张伟), in the order the template lists its lines.
static void
draw_page_elements(const sc_renderer *r, const sc_page *page, cairo_t *cr, const gboolean *omit,
                   gboolean tagged)
{
    gboolean in_line = FALSE; // a P is open
    double line = NAN;        // mm: its baseline on the page (NAN: its text has none)
    for (guint i = 0; i < page->n; i++) {
        const sc_element *e = g_ptr_array_index(r->tmpl->elements, i);
        if ((omit && omit[i]) || in_design(r, i))
            continue;
        double baseline = e->baseline >= 0 ? e->baseline + page->dy[i] : NAN;
        gboolean joins = in_line && e->type == SC_ELEMENT_TEXT && fabs(baseline - line) < 0.01;
        if (in_line && !joins) {
            cairo_tag_end(cr, "P");
            in_line = FALSE;
        }
        const char *tag = joins ? NULL : structure_tag(e, tagged);
        if (tag != NULL)
            cairo_tag_begin(cr, tag, NULL);
        draw_content(cr, e, content_of(page, i), 0, PT(page->dy[i]));
        if (tag != NULL && e->type == SC_ELEMENT_TEXT) {
            in_line = TRUE;
            line = baseline;
        } else if (tag != NULL) {
            cairo_tag_end(cr, tag);
        }
    }
    if (in_line)
        cairo_tag_end(cr, "P");
}

void
sc_renderer_draw_with(const sc_renderer *renderer, const sc_page *page, cairo_t *cr,
                      const sc_draw_options *opt)
{
    const gboolean *omit = opt->omit;
    gboolean tagged = tagged_page(cr, opt);
    // The printer's correction, around the page's top-left corner, for everything drawn.
    cairo_save(cr);
    cairo_translate(cr, PT(opt->offset_x), PT(opt->offset_y));
    if (opt->scale > 0)
        cairo_scale(cr, opt->scale, opt->scale);
    // The design first: recorded once (PDF) when the paper carries none of it, else element by
    // element, leaving out what the stock carries.
    if (renderer->background != NULL && design_omitted(renderer, omit) == 0) {
        cairo_set_source_surface(cr, renderer->background, 0, 0);
        cairo_paint(cr);
    } else {
        draw_design(renderer, cr, omit, tagged);
    }
    draw_page_elements(renderer, page, cr, omit, tagged);
    cairo_restore(cr);
}

void
sc_renderer_draw(const sc_renderer *renderer, const sc_page *page, cairo_t *cr, sc_layer layers,
                 double offset_x, double offset_y)
{
    // LAYERS as a mask: the elements of the other layer are left out.
    g_autofree gboolean *omit = g_new0(gboolean, page->n + 1);
    for (guint i = 0; i < page->n; i++)
        omit[i] = !(((const sc_element *)renderer->tmpl->elements->pdata[i])->layer & layers);
    const sc_draw_options opt = {.omit = omit, .offset_x = offset_x, .offset_y = offset_y};
    sc_renderer_draw_with(renderer, page, cr, &opt);
}
