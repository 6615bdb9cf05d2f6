// render.c - place and draw one record's elements (DESIGN.md "render"; SPEC §2).
#include "render.h"

#include "photo.h"
#include "record.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

struct sc_renderer {
    const sc_template *tmpl;
    sc_fonts *fonts;
    const sc_code_encoder *encoder;
    gboolean raster;
    char **families;           // per element: resolved font list (text elements), else NULL
    cairo_surface_t **fixed;   // per element: a fixed image loaded once, else NULL
    cairo_surface_t **last;    // per image element: the image loaded last, and its path, so an
    char **last_path;          // image every record names (a seal) is loaded and embedded once
};

// One element's prepared content.
typedef struct {
    sc_placed_text text;
    cairo_surface_t *image; // photo, or the QR code as an A1 mask of WIDTH × WIDTH modules
} placed;

struct sc_page {
    placed *items; // parallel to the template's elements
    guint n;
    const sc_template *tmpl;
};

static gboolean
has_placeholder(const char *s)
{
    return s != NULL && strchr(s, '{') != NULL;
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
    r->fixed = g_new0(cairo_surface_t *, n);
    r->last = g_new0(cairo_surface_t *, n);
    r->last_path = g_new0(char *, n);

    for (guint i = 0; i < n; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        if (e->type == SC_ELEMENT_TEXT) {
            r->families[i] = sc_fonts_resolve(fonts, e->fonts ? e->fonts : tmpl->fonts, error);
            if (r->families[i] == NULL)
                goto fail;
        } else if (e->type == SC_ELEMENT_IMAGE && !has_placeholder(e->source) && *e->source) {
            // A fixed image (a seal, a mark): relative to the template's folder, embedded once.
            g_autofree char *path = g_path_is_absolute(e->source)
                                        ? g_strdup(e->source)
                                        : g_build_filename(tmpl->dir, e->source, NULL);
            g_autofree char *id = g_strdup_printf("skillcert-fixed-%s", path);
            r->fixed[i] = sc_image_load(path, raster, id, error);
            if (r->fixed[i] == NULL) {
                g_prefix_error(error, "%s: [%s] source: ", tmpl->path, e->id);
                goto fail;
            }
        }
    }
    return r;

fail:
    sc_renderer_free(r);
    return NULL;
}

void
sc_renderer_free(sc_renderer *renderer)
{
    if (renderer == NULL)
        return;
    for (guint i = 0; i < renderer->tmpl->elements->len; i++) {
        g_free(renderer->families[i]);
        if (renderer->fixed[i] != NULL)
            cairo_surface_destroy(renderer->fixed[i]);
        if (renderer->last[i] != NULL)
            cairo_surface_destroy(renderer->last[i]);
        g_free(renderer->last_path[i]);
    }
    g_free(renderer->families);
    g_free(renderer->fixed);
    g_free(renderer->last);
    g_free(renderer->last_path);
    g_free(renderer);
}

const char *
sc_renderer_families(const sc_renderer *renderer, const sc_element *e)
{
    for (guint i = 0; i < renderer->tmpl->elements->len; i++)
        if (g_ptr_array_index(renderer->tmpl->elements, i) == e)
            return renderer->families[i];
    return NULL;
}

void
sc_page_free(sc_page *page)
{
    if (page == NULL)
        return;
    for (guint i = 0; i < page->n; i++) {
        sc_placed_text_clear(&page->items[i].text);
        if (page->items[i].image != NULL)
            cairo_surface_destroy(page->items[i].image);
    }
    g_free(page->items);
    g_free(page);
}

const sc_placed_text *
sc_page_get_text(const sc_page *page, const char *id)
{
    for (guint i = 0; i < page->n; i++) {
        const sc_element *e = g_ptr_array_index(page->tmpl->elements, i);
        if (e->type == SC_ELEMENT_TEXT && strcmp(e->id, id) == 0)
            return &page->items[i].text;
    }
    return NULL;
}

// The field an element's problems are reported under: the first placeholder's canonical name.
static void
first_field(const char *name, gpointer data)
{
    char **out = data;
    if (*out == NULL) {
        const char *canonical = sc_field_canonical(name);
        *out = g_strdup(canonical ? canonical : name);
    }
}

static char *
element_field(const sc_element *e)
{
    char *field = NULL;
    const char *text = e->type == SC_ELEMENT_TEXT    ? e->text
                       : e->type == SC_ELEMENT_IMAGE ? e->source
                       : e->type == SC_ELEMENT_QRCODE ? e->data
                                                      : NULL;
    if (text != NULL)
        sc_template_foreach_field(text, first_field, &field);
    return field != NULL ? field : g_strdup_printf("[%s]", e->id);
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

// The image at PATH for element I: the one loaded for the previous record when the path is the
// same, else loaded now (with a unique ID, so PDF output embeds an image once however many pages
// show it).  A new reference, or NULL with *ERROR set.
static cairo_surface_t *
load_image(sc_renderer *r, guint i, const char *path, GError **error)
{
    if (r->last_path[i] == NULL || strcmp(r->last_path[i], path) != 0) {
        g_autofree char *id = g_strdup_printf("skillcert-image:%s", path);
        cairo_surface_t *img = sc_image_load(path, r->raster, id, error);
        if (img == NULL)
            return NULL;
        if (r->last[i] != NULL)
            cairo_surface_destroy(r->last[i]);
        g_free(r->last_path[i]);
        r->last[i] = img;
        r->last_path[i] = g_strdup(path);
    }
    return cairo_surface_reference(r->last[i]);
}

sc_page *
sc_renderer_prepare(sc_renderer *renderer, sc_field_lookup lookup, gpointer user_data,
                    const char *file, guint row, sc_problems *problems)
{
    const sc_template *tmpl = renderer->tmpl;
    sc_page *page = g_new0(sc_page, 1);
    page->tmpl = tmpl;
    page->n = tmpl->elements->len;
    page->items = g_new0(placed, page->n);
    guint before = sc_problems_count(problems);

    for (guint i = 0; i < page->n; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        placed *p = &page->items[i];
        GError *error = NULL;
        const char *pattern = e->type == SC_ELEMENT_TEXT    ? e->text
                              : e->type == SC_ELEMENT_IMAGE ? e->source
                              : e->type == SC_ELEMENT_QRCODE ? e->data
                                                             : NULL;
        if (pattern == NULL || (e->type == SC_ELEMENT_IMAGE && renderer->fixed[i] != NULL))
            continue;

        g_autofree char *value = sc_template_expand(pattern, lookup, user_data, &error);
        if (value != NULL) {
            switch (e->type) {
            case SC_ELEMENT_TEXT:
                sc_layout_text(renderer->fonts, e, renderer->families[i], value, &p->text, &error);
                break;
            case SC_ELEMENT_IMAGE:
                if (*value == '\0' && e->optional)
                    break;
                if (*value == '\0')
                    g_set_error(&error, SC_ERROR, SC_ERROR_PHOTO, "no image given");
                else
                    p->image = load_image(renderer, i, value, &error);
                break;
            case SC_ELEMENT_QRCODE: {
                sc_code_matrix m = {0};
                if (renderer->encoder->encode(renderer->encoder->ctx, value, e->ec_level, &m,
                                              &error)) {
                    p->image = matrix_to_mask(&m);
                    sc_code_matrix_clear(&m);
                }
                break;
            }
            default:
                break;
            }
        }
        if (error != NULL) {
            g_autofree char *field = element_field(e);
            sc_problems_add(problems, file, row, field, "%s", error->message);
            g_error_free(error);
        }
    }

    if (sc_problems_count(problems) > before) {
        sc_page_free(page);
        return NULL;
    }
    return page;
}

#define PT(mm) ((mm) * SC_PT_PER_MM)

static void
draw_image(cairo_t *cr, const sc_element *e, cairo_surface_t *img)
{
    double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
    double bw = PT(e->width), bh = PT(e->height);
    // Cover fills the slot and crops centrally; contain fits inside it.  Never stretched.
    double s = e->fit == SC_FIT_COVER ? fmax(bw / iw, bh / ih) : fmin(bw / iw, bh / ih);
    cairo_save(cr);
    cairo_rectangle(cr, PT(e->x), PT(e->y), bw, bh);
    cairo_clip(cr);
    cairo_translate(cr, PT(e->x) + (bw - iw * s) / 2, PT(e->y) + (bh - ih * s) / 2);
    cairo_scale(cr, s, s);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
    cairo_paint(cr);
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

void
sc_renderer_draw(const sc_renderer *renderer, const sc_page *page, cairo_t *cr, sc_layer layers,
                 double offset_x, double offset_y)
{
    const sc_template *tmpl = renderer->tmpl;
    for (guint i = 0; i < page->n; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        const placed *p = &page->items[i];
        if (!(e->layer & layers))
            continue;

        cairo_save(cr);
        if (e->layer == SC_LAYER_FIELD)
            cairo_translate(cr, PT(offset_x), PT(offset_y));
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
                pango_cairo_show_layout(cr, p->text.layout);
            }
            break;
        case SC_ELEMENT_IMAGE:
            if (renderer->fixed[i] != NULL)
                draw_image(cr, e, renderer->fixed[i]);
            else if (p->image != NULL)
                draw_image(cr, e, p->image);
            break;
        case SC_ELEMENT_QRCODE:
            if (p->image != NULL)
                draw_code(cr, e, p->image);
            break;
        }
        cairo_restore(cr);
    }
}
