// xlsx.c - the cells of one sheet of an .xlsx workbook (ECMA-376 Part 1 §18.3 sheets, §18.4
// shared strings, §18.8.30 number formats): libzip for the package, GMarkup for its XML parts.
#include "xlsx.h"

#include "i18n.h"

#include <math.h>
#include <string.h>
#include <zip.h>

// The package being read: the zip, and how much of it has been decompressed so far.
typedef struct {
    zip_t *zip;
    const char *path;
    guint64 total; // bytes decompressed, against SC_XLSX_MAX_TOTAL_BYTES
} package;

gboolean
sc_xlsx_is_zip(const char *data, gsize len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

// The local name of an XML element or attribute: "x:sheet" → "sheet".
static const char *
local(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon != NULL ? colon + 1 : name;
}

// The value of attribute NAME: by its full name ("r:id"), else, for a NAME without a prefix,
// by its local name; NULL when absent.
static const char *
attr(const char **names, const char **values, const char *name)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], name) == 0)
            return values[i];
    for (int i = 0; strchr(name, ':') == NULL && names[i] != NULL; i++)
        if (strcmp(local(names[i]), name) == 0)
            return values[i];
    return NULL;
}

// Parse the XML of part NAME with PARSER and DATA as it is decompressed, a piece at a time: a
// sheet of 100,000 rows is never held whole (issue 9).  At most SC_XLSX_MAX_PART_BYTES and
// within the total, counting the bytes actually decompressed, not what the zip's directory says;
// a part over a limit or damaged is reported as such even when its XML went wrong first (the
// XML is not read any further, the bytes are still counted).  A missing part is not an error
// when OPTIONAL.  Returns FALSE with *ERROR set.
static gboolean
parse_part(package *pk, const char *name, const GMarkupParser *parser, gpointer data,
           gboolean optional, GError **error)
{
    zip_int64_t index = zip_name_locate(pk->zip, name, ZIP_FL_NOCASE);
    if (index < 0 && optional)
        return TRUE;
    if (index < 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: not an Excel workbook (it has no %s); save the sheet as .xlsx or as "
                      "CSV UTF-8"),
                    pk->path, name);
        return FALSE;
    }
    zip_file_t *f = zip_fopen_index(pk->zip, (zip_uint64_t)index, 0);
    if (f == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: the workbook's part %s cannot be read (%s); open the file in Excel or "
                      "WPS and save it again"),
                    pk->path, name, zip_strerror(pk->zip));
        return FALSE;
    }
    GMarkupParseContext *ctx = g_markup_parse_context_new(parser, 0, data, NULL);
    GError *bad = NULL; // the first problem of the XML, or of what a callback found in it
    guint8 chunk[65536];
    guint64 part = 0;
    zip_int64_t n = 0;
    gboolean over = FALSE;
    while ((n = zip_fread(f, chunk, sizeof chunk)) > 0) {
        pk->total += (guint64)n;
        part += (guint64)n;
        if (part > SC_XLSX_MAX_PART_BYTES || pk->total > SC_XLSX_MAX_TOTAL_BYTES) {
            over = TRUE;
            break;
        }
        if (bad == NULL)
            g_markup_parse_context_parse(ctx, (const char *)chunk, (gssize)n, &bad);
    }
    gboolean broken = n < 0;
    zip_fclose(f);
    if (!over && !broken && bad == NULL)
        g_markup_parse_context_end_parse(ctx, &bad);
    g_markup_parse_context_free(ctx);

    if (over || broken) {
        if (over)
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("%s: the workbook's part %s unpacks to more than %u MB; is this the "
                          "right file?  Save the sheet as CSV UTF-8 or split the batch"),
                        pk->path, name, SC_XLSX_MAX_PART_BYTES >> 20);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("%s: the workbook's part %s is damaged; open the file in Excel or WPS "
                          "and save it again"),
                        pk->path, name);
        g_clear_error(&bad);
        return FALSE;
    }
    if (bad == NULL)
        return TRUE;
    if (bad->domain == SC_ERROR) {
        g_propagate_error(error, bad);
    } else {
        // GMarkup quotes what it could not read, invalid UTF-8 included: never into a message.
        g_autofree char *why = g_utf8_make_valid(bad->message, -1);
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: the workbook's part %s is not well-formed XML (%s); open the file "
                      "in Excel or WPS and save it again"),
                    pk->path, name, why);
        g_error_free(bad);
    }
    return FALSE;
}

// ---- xl/workbook.xml and its relationships: which part is which sheet.

typedef struct {
    GPtrArray *names; // char *: the sheets' names, in tab order
    GPtrArray *ids;   // char *: their relationship ids
    gboolean date1904;
} workbook;

static void
workbook_start(GMarkupParseContext *ctx, const char *element, const char **names,
               const char **values, gpointer data, GError **error)
{
    (void)ctx;
    (void)error;
    workbook *wb = data;
    const char *el = local(element);
    if (strcmp(el, "sheet") == 0) {
        const char *name = attr(names, values, "name");
        const char *id = attr(names, values, "r:id");
        for (int i = 0; id == NULL && names[i] != NULL; i++)
            if (strcmp(local(names[i]), "id") == 0)
                id = values[i];
        g_ptr_array_add(wb->names, g_strdup(name != NULL ? name : ""));
        g_ptr_array_add(wb->ids, g_strdup(id != NULL ? id : ""));
    } else if (strcmp(el, "workbookPr") == 0) {
        const char *d = attr(names, values, "date1904");
        wb->date1904 = d != NULL && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    }
}

// Relationships: id → target part, and the targets of the shared strings and styles parts.
typedef struct {
    GHashTable *targets; // id → part name ("xl/worksheets/sheet1.xml")
    char *shared_strings;
    char *styles;
} relations;

// The part name of TARGET, relative to xl/ unless absolute.  Caller frees with g_free().
static char *
part_name(const char *target)
{
    if (target[0] == '/')
        return g_strdup(target + 1);
    return g_strconcat("xl/", target, NULL);
}

static void
rels_start(GMarkupParseContext *ctx, const char *element, const char **names, const char **values,
           gpointer data, GError **error)
{
    (void)ctx;
    (void)error;
    relations *rel = data;
    if (strcmp(local(element), "Relationship") != 0)
        return;
    const char *id = attr(names, values, "Id");
    const char *type = attr(names, values, "Type");
    const char *target = attr(names, values, "Target");
    if (id == NULL || target == NULL)
        return;
    g_hash_table_insert(rel->targets, g_strdup(id), part_name(target));
    if (type != NULL && g_str_has_suffix(type, "/sharedStrings") && rel->shared_strings == NULL)
        rel->shared_strings = part_name(target);
    if (type != NULL && g_str_has_suffix(type, "/styles") && rel->styles == NULL)
        rel->styles = part_name(target);
}

// ---- xl/sharedStrings.xml: the strings cells refer to by index.

typedef struct {
    GPtrArray *strings; // char *
    GString *current;   // the <si> being read, or NULL
    int in_t;           // inside a <t> of the <si> (not of a phonetic <rPh> run)
    int in_rph;
} shared_strings;

static void
sst_start(GMarkupParseContext *ctx, const char *element, const char **names, const char **values,
          gpointer data, GError **error)
{
    (void)ctx;
    (void)names;
    (void)values;
    shared_strings *ss = data;
    const char *el = local(element);
    if (strcmp(el, "si") == 0) {
        if (ss->strings->len >= SC_XLSX_MAX_CELLS) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, "%s",
                        _("the workbook has more shared strings than the limit of cells"));
            return;
        }
        ss->current = g_string_new(NULL);
    } else if (strcmp(el, "rPh") == 0) {
        ss->in_rph++;
    } else if (strcmp(el, "t") == 0 && ss->current != NULL && ss->in_rph == 0) {
        ss->in_t++;
    }
}

static void
sst_end(GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
    (void)ctx;
    (void)error;
    shared_strings *ss = data;
    const char *el = local(element);
    if (strcmp(el, "si") == 0 && ss->current != NULL) {
        g_ptr_array_add(ss->strings, g_string_free(ss->current, FALSE));
        ss->current = NULL;
    } else if (strcmp(el, "rPh") == 0 && ss->in_rph > 0) {
        ss->in_rph--;
    } else if (strcmp(el, "t") == 0 && ss->in_t > 0) {
        ss->in_t--;
    }
}

static void
sst_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
    (void)ctx;
    (void)error;
    shared_strings *ss = data;
    if (ss->in_t > 0 && ss->current != NULL)
        g_string_append_len(ss->current, text, (gssize)len);
}

// ---- xl/styles.xml: which cell formats show dates.

typedef struct {
    GHashTable *custom_dates; // numFmtId (GUINT_TO_POINTER) of custom formats that are dates
    GArray *xf_is_date;       // gboolean per cellXfs entry: the s="N" of a cell
    gboolean in_cell_xfs;
} styles;

// Whether a custom number format CODE shows a date: y or d outside quoted text, escaped
// characters and [brackets] ("yyyy/m/d", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy-mm-dd").
static gboolean
format_is_date(const char *code)
{
    gboolean quoted = FALSE;
    int bracket = 0;
    for (const char *p = code; *p != '\0'; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (*p == '\\' && p[1] != '\0')
            p++;
        else if (*p == '[')
            bracket++;
        else if (*p == ']' && bracket > 0)
            bracket--;
        else if (bracket == 0 && strchr("yYdD", *p) != NULL)
            return TRUE;
    }
    return FALSE;
}

// Built-in number formats that show dates (ECMA-376 §18.8.30: 14–22; the East Asian date
// formats 27–36 and 50–58 that Chinese Excel and WPS write).
static gboolean
builtin_is_date(guint id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

static void
styles_start(GMarkupParseContext *ctx, const char *element, const char **names, const char **values,
             gpointer data, GError **error)
{
    (void)ctx;
    (void)error;
    styles *st = data;
    const char *el = local(element);
    const char *id = attr(names, values, "numFmtId");
    if (strcmp(el, "numFmt") == 0 && id != NULL) {
        const char *code = attr(names, values, "formatCode");
        if (code != NULL && format_is_date(code))
            g_hash_table_add(st->custom_dates,
                             GUINT_TO_POINTER((guint)g_ascii_strtoull(id, NULL, 10)));
    } else if (strcmp(el, "cellXfs") == 0) {
        st->in_cell_xfs = TRUE;
    } else if (strcmp(el, "xf") == 0 && st->in_cell_xfs && st->xf_is_date->len < 65536) {
        guint n = id != NULL ? (guint)g_ascii_strtoull(id, NULL, 10) : 0;
        gboolean date =
            builtin_is_date(n) || g_hash_table_contains(st->custom_dates, GUINT_TO_POINTER(n));
        g_array_append_val(st->xf_is_date, date);
    }
}

static void
styles_end(GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
    (void)ctx;
    (void)error;
    styles *st = data;
    if (strcmp(local(element), "cellXfs") == 0)
        st->in_cell_xfs = FALSE;
}

// ---- The sheet: rows of cells.

typedef struct {
    package *pk;
    const shared_strings *strings;
    const styles *styles;
    gboolean date1904;
    sc_xlsx_row_func func; // given each row that is not empty, with FUNC_DATA
    gpointer func_data;
    guint row; // the row being read (0 = none)
    GPtrArray *cells;
    guint column;   // the column of the cell being read (0-based)
    char type[16];  // its t attribute ("s", "str", "inlineStr", "n", "b", "e", "d")
    guint style;    // its s attribute
    GString *value; // the text of its <v>, or of its <is><t>
    gboolean in_value;
    guint64 n_cells;
} sheet;

// The column of cell reference REF ("B12" → 1), or -1 if REF does not start with letters.
static int
ref_column(const char *ref)
{
    int col = 0, letters = 0;
    for (; g_ascii_isalpha(*ref) && letters < 4; ref++, letters++)
        col = col * 26 + (g_ascii_toupper(*ref) - 'A' + 1);
    return letters > 0 && letters < 4 ? col - 1 : -1;
}

// YYYY-MM-DD for the date serial SERIAL (its whole days; the time of day is dropped).  In the
// 1900 system, serial 60 is the 29 February 1900 that Lotus 1-2-3 invented, and serials from 61
// count from 30 December 1899; in the 1904 system, serials count from 1 January 1904.
static char *
serial_date(double serial, gboolean date1904)
{
    if (!(serial >= 1 && serial < 2958466)) // 9999-12-31
        return NULL;
    long days = (long)floor(serial);
    GDate *d = date1904 ? g_date_new_dmy(1, 1, 1904) : g_date_new_dmy(31, 12, 1899);
    if (!date1904 && days == 60) {
        g_date_free(d);
        return g_strdup("1900-02-29");
    }
    g_date_add_days(d, (guint)(date1904 ? days : days < 60 ? days : days - 1));
    char *out = g_strdup_printf("%04d-%02d-%02d", g_date_get_year(d), g_date_get_month(d),
                                g_date_get_day(d));
    g_date_free(d);
    return out;
}

// A number as Excel's General format shows it in a normal-width column: whole numbers below
// 10^11 in full, larger ones as "4.40104E+17" (an ID number entered as a number), fractions to
// 10 significant digits.  Independent of the locale.
static char *
general_number(const char *text)
{
    char *end = NULL;
    double v = g_ascii_strtod(text, &end);
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    if (end == text || *end != '\0' || !isfinite(v))
        return g_strdup(text);
    if (v == floor(v) && fabs(v) < 1e11)
        return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.0f", v));
    if (fabs(v) >= 1e11) {
        // Excel: up to 5 decimals without trailing zeros, a two-digit exponent with its sign.
        g_ascii_formatd(buf, sizeof buf, "%.5E", v);
        char *e = strchr(buf, 'E'), *z = e;
        while (z > buf && z[-1] == '0')
            z--;
        if (z > buf && z[-1] == '.')
            z--;
        memmove(z, e, strlen(e) + 1);
        return g_strdup(buf);
    }
    return g_strdup(g_ascii_formatd(buf, sizeof buf, "%.10G", v));
}

// The text of the cell just read, as the sheet shows it.  NULL with *ERROR set for a shared
// string index the workbook does not have.
static char *
cell_text(sheet *sh, GError **error)
{
    const char *v = sh->value->str;
    const char *t = sh->type;
    if (strcmp(t, "s") == 0) {
        guint64 i = g_ascii_strtoull(v, NULL, 10);
        if (*v == '\0' || i >= sh->strings->strings->len) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("%s:%u: the cell refers to shared string %s, which the workbook does "
                          "not have; open the file in Excel or WPS and save it again"),
                        sh->pk->path, sh->row, v);
            return NULL;
        }
        return g_strdup(g_ptr_array_index(sh->strings->strings, i));
    }
    if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0 || strcmp(t, "e") == 0)
        return g_strdup(v);
    if (strcmp(t, "b") == 0)
        return g_strdup(strcmp(v, "1") == 0 ? "TRUE" : *v != '\0' ? "FALSE" : "");
    if (strcmp(t, "d") == 0) // an ISO 8601 date-time: its date
        return g_strndup(v, MIN(strlen(v), 10));
    if (*v == '\0')
        return g_strdup("");
    gboolean is_date = sh->style < sh->styles->xf_is_date->len &&
                       g_array_index(sh->styles->xf_is_date, gboolean, sh->style);
    char *date = is_date ? serial_date(g_ascii_strtod(v, NULL), sh->date1904) : NULL;
    return date != NULL ? date : general_number(v);
}

// Begin row R (its r attribute, else the one after the last).
static void
begin_row(sheet *sh, const char *r)
{
    guint64 n = r != NULL ? g_ascii_strtoull(r, NULL, 10) : sh->row + 1;
    sh->row = n > 0 && n <= 1048576 ? (guint)n : sh->row + 1;
    sh->cells = g_ptr_array_new_with_free_func(g_free);
    sh->column = 0;
}

// End the row being read: handed on if it has a non-empty cell.
static void
end_row(sheet *sh)
{
    gboolean empty = TRUE;
    for (guint i = 0; i < sh->cells->len && empty; i++)
        empty = *(const char *)g_ptr_array_index(sh->cells, i) == '\0';
    if (!empty) {
        const sc_xlsx_row row = {sh->row, sh->cells};
        sh->func(&row, sh->func_data);
    }
    g_clear_pointer(&sh->cells, g_ptr_array_unref);
}

// Begin a cell: its column (from its reference, else the one after the last), type and style.
static gboolean
begin_cell(sheet *sh, const char **names, const char **values, GError **error)
{
    const char *ref = attr(names, values, "r");
    int col = ref != NULL ? ref_column(ref) : (int)sh->cells->len;
    if (col < 0 || (guint)col >= SC_XLSX_MAX_COLUMNS) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s:%u: the sheet has a cell in column %d, over the limit of %u columns (or "
                      "a cell without a column); is this the right sheet?"),
                    sh->pk->path, sh->row, col + 1, SC_XLSX_MAX_COLUMNS);
        return FALSE;
    }
    if (++sh->n_cells > SC_XLSX_MAX_CELLS) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s:%u: the sheet has more than %u cells; split it into smaller sheets"),
                    sh->pk->path, sh->row, SC_XLSX_MAX_CELLS);
        return FALSE;
    }
    sh->column = (guint)col;
    const char *t = attr(names, values, "t");
    g_strlcpy(sh->type, t != NULL ? t : "n", sizeof sh->type);
    const char *s = attr(names, values, "s");
    sh->style = s != NULL ? (guint)g_ascii_strtoull(s, NULL, 10) : 0;
    g_string_truncate(sh->value, 0);
    return TRUE;
}

// Whether the element being read is inside a phonetic run (<rPh>), whose text is not the cell's.
static gboolean
in_phonetic(GMarkupParseContext *ctx)
{
    for (const GSList *l = g_markup_parse_context_get_element_stack(ctx); l != NULL; l = l->next)
        if (strcmp(local(l->data), "rPh") == 0)
            return TRUE;
    return FALSE;
}

static void
sheet_start(GMarkupParseContext *ctx, const char *element, const char **names, const char **values,
            gpointer data, GError **error)
{
    sheet *sh = data;
    const char *el = local(element);
    if (strcmp(el, "row") == 0 && sh->cells == NULL)
        begin_row(sh, attr(names, values, "r"));
    else if (strcmp(el, "c") == 0 && sh->cells != NULL)
        begin_cell(sh, names, values, error);
    else if (strcmp(el, "v") == 0 ||
             (strcmp(el, "t") == 0 && strcmp(sh->type, "inlineStr") == 0 && !in_phonetic(ctx)))
        sh->in_value = TRUE;
}

static void
sheet_end(GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
    (void)ctx;
    sheet *sh = data;
    const char *el = local(element);
    if (strcmp(el, "v") == 0 || strcmp(el, "t") == 0) {
        sh->in_value = FALSE;
    } else if (strcmp(el, "c") == 0 && sh->cells != NULL) {
        char *text = cell_text(sh, error);
        if (text == NULL)
            return;
        while (sh->cells->len < sh->column)
            g_ptr_array_add(sh->cells, g_strdup(""));
        if (sh->column < sh->cells->len) { // a cell given twice: the last one counts
            g_free(sh->cells->pdata[sh->column]);
            sh->cells->pdata[sh->column] = text;
        } else {
            g_ptr_array_add(sh->cells, text);
        }
    } else if (strcmp(el, "row") == 0 && sh->cells != NULL) {
        end_row(sh);
    }
}

static void
sheet_text(GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
    (void)ctx;
    sheet *sh = data;
    if (!sh->in_value)
        return;
    if (sh->value->len + len > 64u * 1024 * 1024) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s:%u: a cell is too long"), sh->pk->path,
                    sh->row);
        return;
    }
    g_string_append_len(sh->value, text, (gssize)len);
}

// The part of the sheet named SHEET (NULL: the first) in WB, through REL.  NULL with *ERROR set
// naming the sheets there are.
static char *
sheet_part(const workbook *wb, const relations *rel, const char *path, const char *sheet,
           GError **error)
{
    for (guint i = 0; i < wb->names->len; i++) {
        if (sheet != NULL && strcmp(g_ptr_array_index(wb->names, i), sheet) != 0)
            continue;
        const char *target = g_hash_table_lookup(rel->targets, g_ptr_array_index(wb->ids, i));
        if (target != NULL)
            return g_strdup(target);
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: the workbook does not say where sheet %s is; open the file in Excel "
                      "or WPS and save it again"),
                    path, (const char *)g_ptr_array_index(wb->names, i));
        return NULL;
    }
    if (wb->names->len == 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: the workbook has no sheet"), path);
        return NULL;
    }
    GString *list = g_string_new(NULL);
    for (guint i = 0; i < wb->names->len; i++)
        g_string_append_printf(list, "%s%s", i > 0 ? ", " : "",
                               (const char *)g_ptr_array_index(wb->names, i));
    g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                _("%s: the workbook has no sheet named %s; its sheets are: %s"), path, sheet,
                list->str);
    g_string_free(list, TRUE);
    return NULL;
}

// Read the workbook's parts in order: relationships, workbook, styles, shared strings, sheet,
// handing each row of the sheet to FUNC with DATA.  FALSE with *ERROR set.
static gboolean
read_workbook(package *pk, const char *sheet_name, sc_xlsx_row_func func, gpointer data,
              GError **error)
{
    static const GMarkupParser wb_parser = {workbook_start, NULL, NULL, NULL, NULL};
    static const GMarkupParser rel_parser = {rels_start, NULL, NULL, NULL, NULL};
    static const GMarkupParser st_parser = {styles_start, styles_end, NULL, NULL, NULL};
    static const GMarkupParser ss_parser = {sst_start, sst_end, sst_text, NULL, NULL};
    static const GMarkupParser sh_parser = {sheet_start, sheet_end, sheet_text, NULL, NULL};
    workbook wb = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
                   FALSE};
    relations rel = {g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free), NULL, NULL};
    styles st = {g_hash_table_new(g_direct_hash, g_direct_equal),
                 g_array_new(FALSE, FALSE, sizeof(gboolean)), FALSE};
    shared_strings ss = {g_ptr_array_new_with_free_func(g_free), NULL, 0, 0};
    sheet sh = {.pk = pk,
                .strings = &ss,
                .styles = &st,
                .func = func,
                .func_data = data,
                .value = g_string_new(NULL)};
    g_autofree char *part = NULL;

    gboolean ok =
        parse_part(pk, "xl/_rels/workbook.xml.rels", &rel_parser, &rel, FALSE, error) &&
        parse_part(pk, "xl/workbook.xml", &wb_parser, &wb, FALSE, error) &&
        (part = sheet_part(&wb, &rel, pk->path, sheet_name, error)) != NULL &&
        parse_part(pk, rel.styles ? rel.styles : "xl/styles.xml", &st_parser, &st, TRUE, error) &&
        parse_part(pk, rel.shared_strings ? rel.shared_strings : "xl/sharedStrings.xml", &ss_parser,
                   &ss, TRUE, error);
    sh.date1904 = wb.date1904;
    ok = ok && parse_part(pk, part, &sh_parser, &sh, FALSE, error);

    if (sh.cells != NULL)
        g_ptr_array_unref(sh.cells);
    if (ss.current != NULL)
        g_string_free(ss.current, TRUE);
    g_string_free(sh.value, TRUE);
    g_ptr_array_unref(ss.strings);
    g_hash_table_unref(st.custom_dates);
    g_array_unref(st.xf_is_date);
    g_hash_table_unref(rel.targets);
    g_free(rel.shared_strings);
    g_free(rel.styles);
    g_ptr_array_unref(wb.names);
    g_ptr_array_unref(wb.ids);
    return ok;
}

gboolean
sc_xlsx_read_rows(const char *data, gsize len, const char *path, const char *sheet,
                  sc_xlsx_row_func func, gpointer func_data, GError **error)
{
    g_return_val_if_fail(path != NULL && (data != NULL || len == 0) && func != NULL, FALSE);
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    zip_t *zip = src != NULL ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
    if (zip == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: not a readable .xlsx workbook (%s); open it in Excel or WPS and save "
                      "it again, or save the sheet as CSV UTF-8"),
                    path, zip_error_strerror(&zerr));
        zip_error_fini(&zerr);
        if (src != NULL)
            zip_source_free(src);
        return FALSE;
    }
    zip_error_fini(&zerr);
    package pk = {zip, path, 0};
    gboolean ok = read_workbook(&pk, sheet, func, func_data, error);
    zip_discard(zip); // read only: nothing to write back
    return ok;
}

static void
row_free(gpointer data)
{
    sc_xlsx_row *row = data;
    g_ptr_array_unref(row->cells);
    g_free(row);
}

// An sc_xlsx_row_func keeping a copy of each row in DATA, a GPtrArray.
static void
keep_row(const sc_xlsx_row *row, gpointer data)
{
    sc_xlsx_row *kept = g_new(sc_xlsx_row, 1);
    kept->row = row->row;
    kept->cells = g_ptr_array_ref(row->cells);
    g_ptr_array_add(data, kept);
}

GPtrArray *
sc_xlsx_read(const char *data, gsize len, const char *path, const char *sheet, GError **error)
{
    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    if (!sc_xlsx_read_rows(data, len, path, sheet, keep_row, rows, error))
        g_clear_pointer(&rows, g_ptr_array_unref);
    return rows;
}
