// template.c - load a template file (GKeyFile) into element descriptions; {field} placeholders.
// The reference layout it must be able to express is SPEC §2 (seeds/000 附件4, 004 六).
#include "template.h"

#include "file.h"
#include "keyfile.h"

#include "i18n.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

// A plain decimal number at TEXT: an optional sign, digits, an optional fraction.  strtod()
// alone would also take "nan", "inf", "1e6" and hex ("0x1p9"), none of which a template means;
// here they are not numbers at all.  Sets *END after the number; FALSE when there is none.
static gboolean
parse_decimal(const char *text, double *value, const char **end)
{
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    gsize digits = 0;
    while (g_ascii_isdigit(*p))
        p++, digits++;
    if (*p == '.') {
        p++;
        while (g_ascii_isdigit(*p))
            p++, digits++;
    }
    if (digits == 0 || digits > 30)
        return FALSE;
    g_autofree char *number = g_strndup(text, p - text);
    double v = g_ascii_strtod(number, NULL);
    if (!isfinite(v))
        return FALSE;
    *value = v;
    *end = p;
    return TRUE;
}

typedef enum { LENGTH_OK, LENGTH_BAD, LENGTH_TOO_LONG } length_result;

// sc_template_length_parse(), telling a length out of bounds from text that is no length at all.
static length_result
parse_length(const char *text, double em_pt, double *mm)
{
    if (text == NULL)
        return LENGTH_BAD;
    while (g_ascii_isspace(*text))
        text++;
    const char *end = NULL;
    double v;
    if (!parse_decimal(text, &v, &end))
        return LENGTH_BAD;
    while (g_ascii_isspace(*end))
        end++;

    // Each unit and its size in millimetres.
    double scale;
    if (g_ascii_strncasecmp(end, "mm", 2) == 0)
        scale = 1.0;
    else if (g_ascii_strncasecmp(end, "cm", 2) == 0)
        scale = 10.0;
    else if (g_ascii_strncasecmp(end, "pt", 2) == 0)
        scale = SC_MM_PER_PT;
    else if (g_ascii_strncasecmp(end, "in", 2) == 0)
        scale = 25.4;
    else if (g_ascii_strncasecmp(end, "em", 2) == 0 && em_pt > 0)
        scale = em_pt * SC_MM_PER_PT;
    else
        return LENGTH_BAD;
    end += 2;
    while (g_ascii_isspace(*end))
        end++;
    if (*end != '\0')
        return LENGTH_BAD;
    // Bounded whatever the unit: "1000in" is as wrong as "25400mm".
    if (!(fabs(v * scale) <= SC_LENGTH_MAX_MM))
        return LENGTH_TOO_LONG;
    *mm = v * scale;
    return LENGTH_OK;
}

gboolean
sc_template_length_parse(const char *text, double em_pt, double *mm)
{
    return parse_length(text, em_pt, mm) == LENGTH_OK;
}

// Placeholders: walk TEXT, handing literal runs and field names to the callbacks.  Returns FALSE
// at the first malformed brace, with *BAD set to its byte offset.
typedef void (*literal_func)(const char *s, gsize len, gpointer data);
typedef gboolean (*field_func)(const char *name, gpointer data);

static gboolean
scan_placeholders(const char *text, literal_func on_literal, field_func on_field, gpointer data,
                  gsize *bad)
{
    const char *p = text;
    while (*p != '\0') {
        const char *brace = strpbrk(p, "{}");
        if (brace == NULL) {
            if (on_literal)
                on_literal(p, strlen(p), data);
            break;
        }
        if (on_literal && brace > p)
            on_literal(p, brace - p, data);
        if (brace[0] == brace[1]) { // "{{" or "}}"
            if (on_literal)
                on_literal(brace, 1, data);
            p = brace + 2;
            continue;
        }
        const char *close = brace[0] == '{' ? strchr(brace + 1, '}') : NULL;
        const char *open2 = brace[0] == '{' ? strchr(brace + 1, '{') : NULL;
        if (close == NULL || close == brace + 1 || (open2 != NULL && open2 < close)) {
            *bad = brace - text;
            return FALSE;
        }
        g_autofree char *name = g_strstrip(g_strndup(brace + 1, close - brace - 1));
        if (on_field && !on_field(name, data))
            return FALSE;
        p = close + 1;
    }
    return TRUE;
}

typedef struct {
    GString *out;
    sc_field_lookup lookup;
    gpointer user_data;
    char *missing;
} expand_state;

static void
expand_literal(const char *s, gsize len, gpointer data)
{
    g_string_append_len(((expand_state *)data)->out, s, len);
}

static gboolean
expand_field(const char *name, gpointer data)
{
    expand_state *st = data;
    const char *value = st->lookup(name, st->user_data);
    if (value == NULL) {
        st->missing = g_strdup(name);
        return FALSE;
    }
    g_string_append(st->out, value);
    return TRUE;
}

char *
sc_template_expand(const char *text, sc_field_lookup lookup, gpointer user_data, GError **error)
{
    expand_state st = {g_string_new(NULL), lookup, user_data, NULL};
    gsize bad = 0;
    if (!scan_placeholders(text, expand_literal, expand_field, &st, &bad)) {
        if (st.missing != NULL)
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("unknown field {%s}"), st.missing);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("unbalanced brace at byte %zu"),
                        (size_t)bad);
        g_free(st.missing);
        g_string_free(st.out, TRUE);
        return NULL;
    }
    return g_string_free(st.out, FALSE);
}

typedef struct {
    void (*func)(const char *name, gpointer data);
    gpointer data;
} foreach_state;

static gboolean
foreach_field(const char *name, gpointer data)
{
    foreach_state *st = data;
    st->func(name, st->data);
    return TRUE;
}

void
sc_template_foreach_field(const char *text, void (*func)(const char *name, gpointer data),
                          gpointer data)
{
    foreach_state st = {func, data};
    gsize bad;
    scan_placeholders(text, NULL, foreach_field, &st, &bad);
}

static void
element_free(gpointer p)
{
    sc_element *e = p;
    g_free(e->id);
    g_free(e->text);
    g_free(e->fonts);
    g_free(e->flow);
    g_free(e->source);
    g_free(e->data);
    g_free(e);
}

static void
stock_free(gpointer p)
{
    sc_stock *st = p;
    g_free(st->name);
    g_free(st->based_on);
    g_strfreev(st->preprinted);
    g_free(st);
}

void
sc_template_free(sc_template *tmpl)
{
    if (tmpl == NULL)
        return;
    if (tmpl->stocks != NULL)
        g_ptr_array_unref(tmpl->stocks);
    g_free(tmpl->stock);
    g_free(tmpl->path);
    g_free(tmpl->dir);
    g_free(tmpl->name);
    g_free(tmpl->fonts);
    if (tmpl->elements != NULL)
        g_ptr_array_unref(tmpl->elements);
    g_free(tmpl);
}

// Reading keys: each getter adds a problem and returns the default when the value is bad.
// Messages are translated by the caller; "[group] key: " stays as the file has it.
typedef struct {
    GKeyFile *kf;
    const char *path;
    const char *group;
    sc_problems *problems;
} reader;

static void
bad_key(reader *r, const char *key, const char *message)
{
    sc_problems_add(r->problems, r->path, 0, NULL, "[%s] %s: %s", r->group, key, message);
}

static char *
get_string(reader *r, const char *key, const char *fallback)
{
    char *v = g_key_file_get_string(r->kf, r->group, key, NULL);
    if (v == NULL)
        return g_strdup(fallback);
    return g_strstrip(v);
}

// A length in mm: FALLBACK when KEY is missing, NAN when it is there but wrong (so that the
// checks of the element, all written to be false for NAN, do not report the key twice).
static double
get_length(reader *r, const char *key, double em_pt, double fallback, gboolean required)
{
    g_autofree char *v = get_string(r, key, NULL);
    if (v == NULL) {
        if (required) {
            bad_key(r, key, _("missing (a length such as 14mm or 2.25pt)"));
            return NAN;
        }
        return fallback;
    }
    double mm;
    length_result res = parse_length(v, em_pt, &mm);
    if (res == LENGTH_TOO_LONG) {
        sc_problems_add(r->problems, r->path, 0, NULL, _("[%s] %s: '%s' is longer than %g mm"),
                        r->group, key, v, SC_LENGTH_MAX_MM);
        return NAN;
    }
    if (res != LENGTH_OK) {
        sc_problems_add(r->problems, r->path, 0, NULL,
                        em_pt > 0 ? _("[%s] %s: '%s' is not a length (write a number and a unit: "
                                      "mm, cm, pt, in, em)")
                                  : _("[%s] %s: '%s' is not a length (write a number and a unit: "
                                      "mm, cm, pt, in)"),
                        r->group, key, v);
        return NAN;
    }
    return mm;
}

// A font size in points ("16pt", "16", or any length such as "5mm"), from SC_FONT_MIN_PT to
// SC_FONT_MAX_PT whatever it is written in: a 999 pt size took seconds per record to shrink, and
// 1e6 pt never finished.
static double
get_points(reader *r, const char *key, double fallback)
{
    g_autofree char *v = get_string(r, key, NULL);
    if (v == NULL)
        return fallback;
    const char *end = NULL;
    double pt = -1, mm;
    if (parse_decimal(v, &pt, &end) && *end == '\0')
        ; // a bare number: points
    else if (sc_template_length_parse(v, 0, &mm))
        pt = mm * SC_PT_PER_MM;
    else
        pt = -1;
    if (pt >= SC_FONT_MIN_PT && pt <= SC_FONT_MAX_PT)
        return pt;
    sc_problems_add(r->problems, r->path, 0, NULL,
                    _("[%s] %s: '%s' is not a font size from %g to %g pt (such as 16pt)"), r->group,
                    key, v, SC_FONT_MIN_PT, SC_FONT_MAX_PT);
    return fallback;
}

static double
get_number(reader *r, const char *key, double fallback, double lo, double hi)
{
    g_autofree char *v = get_string(r, key, NULL);
    if (v == NULL)
        return fallback;
    const char *end = NULL;
    double d = 0;
    if (!parse_decimal(v, &d, &end) || *end != '\0' || !(d >= lo && d <= hi)) {
        sc_problems_add(r->problems, r->path, 0, NULL,
                        _("[%s] %s: '%s' is not a number from %g to %g"), r->group, key, v, lo, hi);
        return fallback;
    }
    return d;
}

static gboolean
get_bool(reader *r, const char *key, gboolean fallback)
{
    g_autofree char *v = get_string(r, key, NULL);
    if (v == NULL)
        return fallback;
    if (g_ascii_strcasecmp(v, "true") == 0 || g_ascii_strcasecmp(v, "yes") == 0 ||
        strcmp(v, "1") == 0)
        return TRUE;
    if (g_ascii_strcasecmp(v, "false") == 0 || g_ascii_strcasecmp(v, "no") == 0 ||
        strcmp(v, "0") == 0)
        return FALSE;
    bad_key(r, key, _("write true or false"));
    return fallback;
}

// One of CHOICES (NULL-terminated); returns its index.
static int
get_choice(reader *r, const char *key, const char *const *choices, int fallback)
{
    g_autofree char *v = get_string(r, key, NULL);
    if (v == NULL)
        return fallback;
    for (int i = 0; choices[i] != NULL; i++)
        if (g_ascii_strcasecmp(v, choices[i]) == 0)
            return i;
    g_autofree char *list = g_strjoinv(", ", (char **)choices);
    sc_problems_add(r->problems, r->path, 0, NULL, _("[%s] %s: '%s' is not one of %s"), r->group,
                    key, v, list);
    return fallback;
}

static void
get_color(reader *r, const char *key, double rgb[3])
{
    rgb[0] = rgb[1] = rgb[2] = 0;
    g_autofree char *v = get_string(r, key, NULL);
    if (v == NULL)
        return;
    unsigned int c;
    if (strlen(v) == 7 && v[0] == '#' && sscanf(v + 1, "%6x", &c) == 1) {
        rgb[0] = ((c >> 16) & 0xff) / 255.0;
        rgb[1] = ((c >> 8) & 0xff) / 255.0;
        rgb[2] = (c & 0xff) / 255.0;
        return;
    }
    bad_key(r, key, _("write a colour as #rrggbb"));
}

static void
check_placeholders(reader *r, const char *key, const char *text)
{
    gsize bad = 0;
    if (text != NULL && !scan_placeholders(text, NULL, NULL, NULL, &bad))
        sc_problems_add(r->problems, r->path, 0, NULL,
                        _("[%s] %s: unbalanced brace at byte %zu (write {field}, or {{ and }} "
                          "for braces)"),
                        r->group, key, (size_t)bad);
}

static const char *const type_names[] = {"rect", "line", "text", "image", "qrcode", NULL};
static const char *const layer_names[] = {"static", "field", NULL};
static const char *const align_names[] = {"left", "center", "right", NULL};
static const char *const fit_names[] = {"cover", "contain", NULL};

// Whether V (mm) lies off the page's 0–HI; FALSE for NAN (already reported as a bad length).
static gboolean
outside(double v, double hi)
{
    return v < -1e-6 || v > hi + 1e-6;
}

// A rect's or line's own key: its line width.
static void
read_shape(reader *r, sc_element *e)
{
    e->line_width = get_length(r, "line_width", 0, 1.0 * SC_MM_PER_PT, FALSE) * SC_PT_PER_MM;
    if (e->line_width < 0 || e->line_width > SC_LINE_MAX_PT) {
        sc_problems_add(r->problems, r->path, 0, NULL, _("[%s] %s: must be from 0 to %g pt"),
                        r->group, "line_width", SC_LINE_MAX_PT);
        e->line_width = 1.0;
    }
}

// A text element's own keys.
static void
read_text(reader *r, const sc_template *tmpl, sc_element *e)
{
    e->text = get_string(r, "text", NULL);
    if (e->text == NULL)
        bad_key(r, "text", _("missing"));
    check_placeholders(r, "text", e->text);
    e->fonts = get_string(r, "fonts", NULL);
    e->size = get_points(r, "size", 12);
    e->min_size = get_points(r, "min_size", e->size);
    if (e->min_size > e->size)
        bad_key(r, "min_size", _("is larger than size"));
    e->align = get_choice(r, "align", align_names, SC_ALIGN_LEFT);
    e->baseline = get_length(r, "baseline", 0, -1, FALSE);
    e->wrap = get_bool(r, "wrap", FALSE);
    e->indent = get_length(r, "indent", e->size, 0, FALSE);
    e->line_spacing = get_number(r, "line_spacing", 1.0, 0.5, 5.0);
    e->max_lines = (int)get_number(r, "max_lines", 0, 0, 1000);
    e->flow = get_string(r, "flow", NULL);
    if (e->flow != NULL && e->baseline < 0)
        bad_key(r, "flow", _("needs a baseline: a flow orders its lines by their baselines"));
    if (e->baseline < 0 && e->height <= 0 && !g_key_file_has_key(r->kf, r->group, "height", NULL))
        bad_key(r, "height", _("missing (or give a baseline)"));
    if (g_key_file_has_key(r->kf, r->group, "baseline", NULL) &&
        (e->baseline < 0 || e->baseline > tmpl->page_height))
        bad_key(r, "baseline", _("the baseline does not lie within the page"));
    if (e->width >= SC_BOX_MIN_MM && fabs(e->indent) > e->width)
        bad_key(r, "indent", _("is wider than the box"));
}

// An image element's own keys.
static void
read_image(reader *r, sc_element *e)
{
    e->source = get_string(r, "source", NULL);
    if (e->source == NULL)
        bad_key(r, "source", _("missing (a path, or {照片})"));
    check_placeholders(r, "source", e->source);
    e->fit = get_choice(r, "fit", fit_names, SC_FIT_COVER);
    e->optional = get_bool(r, "optional", FALSE);
}

// A QR code element's own keys.
static void
read_qrcode(reader *r, sc_element *e)
{
    static const char *const ec_names[] = {"L", "M", "Q", "H", NULL};
    e->data = get_string(r, "data", NULL);
    if (e->data == NULL)
        bad_key(r, "data", _("missing (the text to encode, e.g. with {证书编号})"));
    check_placeholders(r, "data", e->data);
    e->ec_level = ec_names[get_choice(r, "error_correction", ec_names, 1)][0];
    e->sign = get_bool(r, "signed", TRUE);
    if (fabs(e->width - e->height) > 1e-9)
        bad_key(r, "height", _("a QR code is square: width and height must be equal"));
}

// E's box: a size (a 0 mm QR code box failed only when drawn, as "invalid matrix"; a text box
// may leave out its height when it gives a baseline), and on the page.
static void
check_box(reader *r, const sc_template *tmpl, const sc_element *e)
{
    // A box needs a size (a 0 mm QR code box failed only when drawn, as "invalid matrix"); a
    // text box may leave out its height when it gives a baseline.
    if (e->type == SC_ELEMENT_LINE) {
        if (e->width < 0 || e->height < 0)
            bad_key(r, "width", _("negative size"));
    } else {
        if (e->width < SC_BOX_MIN_MM)
            sc_problems_add(r->problems, r->path, 0, NULL, _("[%s] %s: must be at least %g mm"),
                            r->group, "width", SC_BOX_MIN_MM);
        if (e->height < SC_BOX_MIN_MM &&
            (e->type != SC_ELEMENT_TEXT || g_key_file_has_key(r->kf, r->group, "height", NULL)))
            sc_problems_add(r->problems, r->path, 0, NULL, _("[%s] %s: must be at least %g mm"),
                            r->group, "height", SC_BOX_MIN_MM);
    }
    if (e->type == SC_ELEMENT_LINE &&
        (outside(e->x, tmpl->page_width) || outside(e->y, tmpl->page_height) ||
         outside(e->x + e->width, tmpl->page_width) ||
         outside(e->y + e->height, tmpl->page_height)))
        bad_key(r, "x", _("the line does not lie within the page"));
    if (e->type != SC_ELEMENT_LINE &&
        (e->x < 0 || e->y < 0 || e->x + e->width > tmpl->page_width + 1e-6 ||
         e->y + e->height > tmpl->page_height + 1e-6))
        bad_key(r, "x", _("the box does not lie within the page"));
}

static sc_element *
read_element(reader *r, const sc_template *tmpl)
{
    sc_element *e = g_new0(sc_element, 1);
    e->id = g_strdup(r->group);
    int type = get_choice(r, "type", type_names, -1);
    if (!g_key_file_has_key(r->kf, r->group, "type", NULL))
        bad_key(r, "type", _("missing (rect, line, text, image or qrcode)"));
    // Without a known type, the type's own keys cannot be judged: report the type alone.
    e->type = type < 0 ? SC_ELEMENT_RECT : (sc_element_type)type;
    e->layer = get_choice(r, "layer", layer_names, e->type == SC_ELEMENT_TEXT ? 1 : 0) == 0
                   ? SC_LAYER_STATIC
                   : SC_LAYER_FIELD;
    get_color(r, "color", e->color);

    e->x = get_length(r, "x", 0, 0, TRUE);
    e->y = get_length(r, "y", 0, 0, TRUE);
    gboolean box_required = e->type != SC_ELEMENT_LINE;
    e->width = get_length(r, "width", 0, 0, box_required);
    e->height = get_length(r, "height", 0, 0, box_required && e->type != SC_ELEMENT_TEXT);

    switch (type < 0 ? -1 : (int)e->type) {
    case -1: break;
    case SC_ELEMENT_RECT:
    case SC_ELEMENT_LINE: read_shape(r, e); break;
    case SC_ELEMENT_TEXT: read_text(r, tmpl, e); break;
    case SC_ELEMENT_IMAGE: read_image(r, e); break;
    case SC_ELEMENT_QRCODE: read_qrcode(r, e); break;
    }
    check_box(r, tmpl, e);
    return e;
}

#define STOCK_PREFIX "stock "

// A [stock NAME] section: its list of pre-printed elements and the stock it is based on.
static sc_stock *
read_stock(reader *r)
{
    sc_stock *st = g_new0(sc_stock, 1);
    st->name = g_strstrip(g_strdup(r->group + strlen(STOCK_PREFIX)));
    st->based_on = get_string(r, "based_on", NULL);
    g_autofree char *list = get_string(r, "preprinted", "");
    st->preprinted = g_strsplit(list, ",", -1);
    for (char **p = st->preprinted; *p != NULL; p++)
        g_strstrip(*p);
    if (*st->name == '\0' || strcmp(st->name, SC_STOCK_BLANK) == 0)
        bad_key(r, "name", _("a stock needs a name other than blank: [stock NAME]"));
    return st;
}

static const sc_stock *
find_stock(const sc_template *tmpl, const char *name)
{
    for (guint i = 0; name != NULL && i < tmpl->stocks->len; i++) {
        const sc_stock *st = g_ptr_array_index(tmpl->stocks, i);
        if (strcmp(st->name, name) == 0)
            return st;
    }
    return NULL;
}

// Whether PATTERN names an element of TMPL (a typo would silently print what the stock carries).
static gboolean
names_an_element(const sc_template *tmpl, const char *pattern)
{
    for (guint i = 0; i < tmpl->elements->len; i++)
        if (g_pattern_match_simple(pattern, ((sc_element *)tmpl->elements->pdata[i])->id))
            return TRUE;
    return FALSE;
}

// Every stock's list names elements, its based_on a stock, without a cycle; the default exists.
static void
check_stocks(const sc_template *tmpl, sc_problems *problems)
{
    for (guint i = 0; i < tmpl->stocks->len; i++) {
        const sc_stock *st = g_ptr_array_index(tmpl->stocks, i);
        for (char **p = st->preprinted; *p != NULL; p++)
            if (**p != '\0' && !names_an_element(tmpl, *p))
                sc_problems_add(problems, tmpl->path, 0, NULL,
                                _("[stock %s] preprinted: '%s' is no element of the template"),
                                st->name, *p);
        const sc_stock *base = st;
        guint depth = 0;
        while (base != NULL && base->based_on != NULL && depth++ <= tmpl->stocks->len)
            base = find_stock(tmpl, base->based_on);
        if (st->based_on != NULL && find_stock(tmpl, st->based_on) == NULL)
            sc_problems_add(problems, tmpl->path, 0, NULL,
                            _("[stock %s] based_on: there is no [stock %s]"), st->name,
                            st->based_on);
        else if (depth > tmpl->stocks->len)
            sc_problems_add(
                problems, tmpl->path, 0, NULL,
                _("[stock %s] based_on: the stocks are based on each other in a circle"), st->name);
    }
    if (tmpl->stock != NULL && find_stock(tmpl, tmpl->stock) == NULL)
        sc_problems_add(problems, tmpl->path, 0, NULL,
                        _("[template] stock: there is no [stock %s]"), tmpl->stock);
}

// Mark in MASK the elements stock ST carries, and those of the stocks it is based on.
static void
mark_stock(const sc_template *tmpl, const sc_stock *st, gboolean *mask, guint depth)
{
    if (st == NULL || depth > tmpl->stocks->len)
        return;
    for (guint i = 0; i < tmpl->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        for (char **p = st->preprinted; *p != NULL && !mask[i]; p++)
            mask[i] = **p != '\0' && g_pattern_match_simple(*p, e->id);
    }
    mark_stock(tmpl, find_stock(tmpl, st->based_on), mask, depth + 1);
}

gboolean *
sc_template_stock_mask(const sc_template *tmpl, const char *name, GError **error)
{
    guint n = tmpl->elements->len;
    gboolean *mask = g_new0(gboolean, n + 1);
    if (name != NULL && strcmp(name, SC_STOCK_BLANK) == 0)
        return mask;
    if (name == NULL || *name == '\0')
        name = tmpl->stock;
    if (name == NULL) {
        // No stock described: the static layer is what the paper carries (layer = static).
        for (guint i = 0; i < n; i++)
            mask[i] = ((sc_element *)tmpl->elements->pdata[i])->layer == SC_LAYER_STATIC;
        return mask;
    }
    const sc_stock *st = find_stock(tmpl, name);
    if (st == NULL) {
        g_autofree char *names = sc_template_stock_names(tmpl);
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE, _("%s: no stock '%s' (the stocks are: %s)"),
                    tmpl->path, name, names);
        g_free(mask);
        return NULL;
    }
    mark_stock(tmpl, st, mask, 0);
    return mask;
}

gboolean
sc_template_mask_names(const sc_template *tmpl, gboolean *mask, const char *list,
                       const char *option, GError **error)
{
    g_auto(GStrv) names = g_strsplit(list != NULL ? list : "", ",", -1);
    for (char **p = names; *p != NULL; p++) {
        g_strstrip(*p);
        gboolean found = **p == '\0';
        for (guint i = 0; **p != '\0' && i < tmpl->elements->len; i++)
            if (g_pattern_match_simple(*p, ((sc_element *)tmpl->elements->pdata[i])->id))
                mask[i] = found = TRUE;
        if (!found) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE, _("%s %s: no element [%s] in %s"), option,
                        *p, *p, tmpl->path);
            return FALSE;
        }
    }
    return TRUE;
}

char *
sc_template_stock_names(const sc_template *tmpl)
{
    GString *s = g_string_new(SC_STOCK_BLANK);
    for (guint i = 0; i < tmpl->stocks->len; i++)
        g_string_append_printf(s, ", %s", ((sc_stock *)tmpl->stocks->pdata[i])->name);
    return g_string_free(s, FALSE);
}

typedef struct {
    const char *const *names;
    gboolean found;
} names_state;

static void
match_name(const char *name, gpointer data)
{
    names_state *st = data;
    for (const char *const *n = st->names; *n != NULL; n++)
        st->found |= strcmp(name, *n) == 0;
}

gboolean
sc_template_element_names(const sc_element *e, const char *const *names)
{
    names_state st = {names, FALSE};
    const char *texts[] = {e->text, e->source, e->data};
    for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
        if (texts[i] != NULL)
            sc_template_foreach_field(texts[i], match_name, &st);
    return st.found;
}

// [template] signature: invisible (the default), or the name of the element (section) over
// whose box the signature field of a signed PDF is shown (issue 13: visible over the seal).
static void
read_signature(reader *r, sc_template *tmpl)
{
    g_autofree char *name = get_string(r, "signature", "invisible");
    tmpl->signature = -1;
    if (strcmp(name, "invisible") == 0)
        return;
    for (guint i = 0; i < tmpl->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(tmpl->elements, i);
        if (strcmp(e->id, name) == 0 && e->type != SC_ELEMENT_LINE) {
            tmpl->signature = (int)i;
            return;
        }
    }
    bad_key(r, "signature",
            _("names no element with a box: write invisible, or an element's section name "
              "(such as seal)"));
}

sc_template *
sc_template_parse(const char *data, gsize len, const char *path, GError **error)
{
    g_autoptr(GKeyFile) kf = sc_keyfile_parse(data, len, path, error);
    if (kf == NULL)
        return NULL;

    g_autoptr(sc_problems) problems = sc_problems_new();
    sc_template *tmpl = g_new0(sc_template, 1);
    tmpl->path = g_strdup(path);
    tmpl->dir = g_path_get_dirname(path);
    tmpl->elements = g_ptr_array_new_with_free_func(element_free);
    tmpl->stocks = g_ptr_array_new_with_free_func(stock_free);

    // [template]: the page and defaults.
    reader r = {kf, path, "template", problems};
    if (!g_key_file_has_group(kf, "template"))
        sc_problems_add(problems, path, 0, NULL, _("[template] section is missing"));
    tmpl->name = get_string(&r, "name", "");
    // A wrong page size is reported once; the elements are then judged on A4 landscape.
    tmpl->page_width = get_length(&r, "page_width", 0, 297, FALSE);
    tmpl->page_height = get_length(&r, "page_height", 0, 210, FALSE);
    if (isnan(tmpl->page_width))
        tmpl->page_width = 297;
    if (isnan(tmpl->page_height))
        tmpl->page_height = 210;
    tmpl->fonts = get_string(&r, "fonts", "LXGW WenKai");
    tmpl->has_level = get_bool(&r, "has_level", TRUE);
    tmpl->stock = get_string(&r, "stock", NULL);
    if (tmpl->page_width <= 0 || tmpl->page_width > SC_LENGTH_MAX_MM) {
        bad_key(&r, "page_width", _("the page must be between 0 and 2000 mm on each side"));
        tmpl->page_width = 297;
    }
    if (tmpl->page_height <= 0 || tmpl->page_height > SC_LENGTH_MAX_MM) {
        bad_key(&r, "page_height", _("the page must be between 0 and 2000 mm on each side"));
        tmpl->page_height = 210;
    }

    // Every other section is an element, drawn in file order.
    gsize n = 0;
    g_auto(GStrv) groups = g_key_file_get_groups(kf, &n);
    for (gsize i = 0; i < n; i++) {
        if (strcmp(groups[i], "template") == 0)
            continue;
        r.group = groups[i];
        if (g_str_has_prefix(groups[i], STOCK_PREFIX))
            g_ptr_array_add(tmpl->stocks, read_stock(&r));
        else
            g_ptr_array_add(tmpl->elements, read_element(&r, tmpl));
    }
    if (tmpl->elements->len == 0)
        sc_problems_add(problems, path, 0, NULL, _("no elements: add a section per element"));
    check_stocks(tmpl, problems);
    r.group = "template";
    read_signature(&r, tmpl);

    if (!sc_problems_to_error(problems, SC_ERROR_INPUT, error)) {
        sc_template_free(tmpl);
        return NULL;
    }
    return tmpl;
}

sc_template *
sc_template_load(const char *path, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!sc_file_read(path, SC_KEYFILE_MAX_BYTES, NULL, &data, &len, error))
        return NULL;
    return sc_template_parse(data, len, path, error);
}
