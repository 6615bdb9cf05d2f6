// record.c - read a records file into records (SPEC §4): CSV (RFC 4180) and TSV split by libcsv
// in strict mode; UTF-8, UTF-8 with BOM, GB 18030/GBK, Excel's UTF-16; rows named by the line
// where they start, so a user finds them in a text editor.
#include "record.h"

#include "file.h"
#include "xlsx.h"

#include "i18n.h"

#include <csv.h>
#include <string.h>

// SPEC §4: the fields, their ASCII aliases, and the columns every records file must have.
static const struct {
    const char *name;
    const char *alias;
    gboolean required;
} field_table[] = {
    {SC_FIELD_NAME, "name", TRUE},
    {SC_FIELD_ID_TYPE, "id_type", FALSE},
    {SC_FIELD_ID_NUMBER, "id_number", TRUE},
    {SC_FIELD_OCCUPATION, "occupation", TRUE},
    {SC_FIELD_OCCUPATION_CODE, "occupation_code", FALSE},
    {SC_FIELD_WORK_TYPE, "work_type", FALSE},
    {SC_FIELD_LEVEL, "level", TRUE},
    {SC_FIELD_NUMBER, "number", FALSE},
    {SC_FIELD_ISSUE_DATE, "issue_date", FALSE},
    {SC_FIELD_PHOTO, "photo", FALSE},
    {SC_FIELD_INSTITUTION_NAME, "institution", FALSE},
};

// libcsv is fed one line at a time, long lines in pieces of this size, so that every callback
// knows its line and a huge cell grows libcsv's buffer geometrically (see feed_lines()).
#define FEED_PIECE 16384

// Unknown columns are named one note each up to this many, then counted in one more note.
#define MAX_UNKNOWN_NOTES 10

// Byte-order marks and the signatures of files that are not text at all.
#define BOM_UTF8    "\xEF\xBB\xBF"
#define BOM_GB18030 "\x84\x31\x95\x33"
#define BOM_UTF16LE "\xFF\xFE"
#define BOM_UTF16BE "\xFE\xFF"
#define MAGIC_OLE   "\xD0\xCF\x11\xE0"

// How the encoding was chosen, for messages about bytes that do not fit it.
typedef enum {
    CHOSEN_BY_CALLER,   // forced by the caller or by a byte-order mark
    CHOSEN_MOSTLY_UTF8, // detected: UTF-8 but for a few bad bytes
    CHOSEN_NOT_UTF8,    // detected: not UTF-8, so GB 18030
} encoding_choice;

typedef enum {
    COLUMN_FIELD,     // a named column: its cells go into the records
    COLUMN_UNNAMED,   // an empty header cell: its cells must be empty
    COLUMN_DUPLICATE, // a second column of the same field: reported once, then ignored
} column_kind;

// One cell of the row being read: its unquoted bytes in reader.row_bytes.
typedef struct {
    gsize offset;
    gsize len;
    guint end_line; // the line where the cell ends
} raw_cell;

// The state of one sc_records_parse() call, shared with libcsv's callbacks.
typedef struct {
    const char *path;
    sc_encoding encoding; // SC_ENCODING_UTF8 or SC_ENCODING_GB18030
    encoding_choice choice;
    GIConv conv; // GB 18030 → UTF-8, or (GIConv)-1
    unsigned char delim;
    sc_problems *problems;
    GPtrArray *notes;
    sc_records *out;

    guint line;        // the line being fed to libcsv
    gboolean row_open; // libcsv has begun a row that has not ended
    guint row_start;   // the line where that row began

    GString *row_bytes;       // the cells of the row being read, back to back
    GArray *cells;            // raw_cell, at most SC_RECORDS_MAX_COLUMNS + 1
    guint n_cells;            // the row's cells, counting those not kept
    gboolean unkept_has_text; // a cell not kept has a non-space byte

    gboolean have_header;
    gboolean title_skipped; // a title line above the header was skipped (said once in NOTES)
    GArray *kinds;          // column_kind of each column
    const char *const
        *names; // the names of the field columns, shared by every record (names_new())
    guint n_names;
    guint64 total_cells; // cells of the records kept so far
    gboolean stop;       // a problem that makes the rest of the file unreadable was reported
} reader;

// Whether the byte C is a space libcsv strips around unquoted CSV cells.  Also decides which
// lines are blank before a row begins (feed_lines()), so the two agree.
static int
csv_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}

// The same for TSV, where a tab separates cells.
static int
tsv_space(unsigned char c)
{
    return c == ' ';
}

// The length of the space at the start of S (LEN bytes) that cells are trimmed of: ASCII
// whitespace, the ideographic space U+3000, U+00A0 and a stray BOM U+FEFF; 0 if none.
static gsize
space_prefix(const char *s, gsize len)
{
    if (len >= 1 && g_ascii_isspace(s[0]))
        return 1;
    if (len >= 3 && (memcmp(s, "\xE3\x80\x80", 3) == 0 || memcmp(s, BOM_UTF8, 3) == 0))
        return 3;
    if (len >= 2 && memcmp(s, "\xC2\xA0", 2) == 0)
        return 2;
    return 0;
}

// The same at the end of S: these sequences cannot end any other UTF-8 character.
static gsize
space_suffix(const char *s, gsize len)
{
    if (len >= 1 && g_ascii_isspace(s[len - 1]))
        return 1;
    if (len >= 3 &&
        (memcmp(s + len - 3, "\xE3\x80\x80", 3) == 0 || memcmp(s + len - 3, BOM_UTF8, 3) == 0))
        return 3;
    if (len >= 2 && memcmp(s + len - 2, "\xC2\xA0", 2) == 0)
        return 2;
    return 0;
}

// Narrow [*S, *S + *LEN) to its text without surrounding spaces.
static void
trim_span(const char **s, gsize *len)
{
    gsize n;
    while ((n = space_prefix(*s, *len)) > 0) {
        *s += n;
        *len -= n;
    }
    while ((n = space_suffix(*s, *len)) > 0)
        *len -= n;
}

// Header names offices use for the fields (Chinese HR spreadsheets, the platforms' upload
// sheets), matched after the spaces, a leading required-marker '*' and a trailing colon are
// taken out.  Not SPEC §4's names: what a user writes instead of them.
static const struct {
    const char *synonym;
    const char *field;
} synonym_table[] = {
    {"姓　名", SC_FIELD_NAME},
    {"考生姓名", SC_FIELD_NAME},
    {"学员姓名", SC_FIELD_NAME},
    {"人员姓名", SC_FIELD_NAME},
    {"持证人", SC_FIELD_NAME},
    {"持证人姓名", SC_FIELD_NAME},
    {"证件种类", SC_FIELD_ID_TYPE},
    {"身份证件类型", SC_FIELD_ID_TYPE},
    {"身份证号码", SC_FIELD_ID_NUMBER},
    {"身份证号", SC_FIELD_ID_NUMBER},
    {"身份证", SC_FIELD_ID_NUMBER},
    {"公民身份号码", SC_FIELD_ID_NUMBER},
    {"证件号", SC_FIELD_ID_NUMBER},
    {"身份证件号码", SC_FIELD_ID_NUMBER},
    {"职业", SC_FIELD_OCCUPATION},
    {"职业（工种）", SC_FIELD_OCCUPATION},
    {"申报职业", SC_FIELD_OCCUPATION},
    {"职业代码", SC_FIELD_OCCUPATION_CODE},
    {"职业编号", SC_FIELD_OCCUPATION_CODE},
    {"工种", SC_FIELD_WORK_TYPE},
    {"工种（方向）", SC_FIELD_WORK_TYPE},
    {"等级", SC_FIELD_LEVEL},
    {"技能等级", SC_FIELD_LEVEL},
    {"职业等级", SC_FIELD_LEVEL},
    {"申报等级", SC_FIELD_LEVEL},
    {"认定等级", SC_FIELD_LEVEL},
    {"级别", SC_FIELD_LEVEL},
    {"证书号", SC_FIELD_NUMBER},
    {"证书编码", SC_FIELD_NUMBER},
    {"证书号码", SC_FIELD_NUMBER},
    {"发证时间", SC_FIELD_ISSUE_DATE},
    {"颁证日期", SC_FIELD_ISSUE_DATE},
    {"颁证时间", SC_FIELD_ISSUE_DATE},
    {"发证日期（年月日）", SC_FIELD_ISSUE_DATE},
    {"相片", SC_FIELD_PHOTO},
    {"照片文件", SC_FIELD_PHOTO},
    {"照片文件名", SC_FIELD_PHOTO},
    {"机构名称", SC_FIELD_INSTITUTION_NAME},
};

// Whether C is left out of a header name before synonyms are compared: spaces of any width.
static gboolean
header_space(gunichar c)
{
    return g_unichar_isspace(c) || c == 0x3000 || c == 0xFEFF;
}

// NAME (LEN bytes) as synonyms are compared: no spaces, no leading '*' or '＊' (the required
// marker of upload sheets), no trailing ':' or '：', ASCII parentheses made full-width.  NULL
// when NAME is not UTF-8.  Caller frees with g_free().
static char *
header_key(const char *name, gsize len)
{
    if (!g_utf8_validate(name, (gssize)len, NULL))
        return NULL;
    GString *out = g_string_new(NULL);
    for (const char *p = name; p < name + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (header_space(c) || ((c == '*' || c == 0xFF0A) && out->len == 0))
            continue;
        g_string_append_unichar(out, c == '(' ? 0xFF08 : c == ')' ? 0xFF09 : c);
    }
    while (out->len > 0 && out->str[out->len - 1] == ':')
        g_string_truncate(out, out->len - 1);
    if (g_str_has_suffix(out->str, "："))
        g_string_truncate(out, out->len - strlen("："));
    return g_string_free(out, FALSE);
}

const char *
sc_field_canonical(const char *name)
{
    if (name == NULL)
        return NULL;
    const char *s = name;
    gsize len = strlen(name);
    trim_span(&s, &len);

    // Chinese names exactly, ASCII aliases in any case (SPEC §4).
    for (guint i = 0; i < G_N_ELEMENTS(field_table); i++) {
        const char *canon = field_table[i].name;
        const char *alias = field_table[i].alias;
        if (strlen(canon) == len && memcmp(canon, s, len) == 0)
            return canon;
        if (strlen(alias) == len && g_ascii_strncasecmp(alias, s, len) == 0)
            return canon;
    }
    if (len == 0)
        return NULL;

    // The names offices write instead, with spaces and markers taken out ("姓　　名：").
    g_autofree char *key = header_key(s, len);
    for (guint i = 0; key != NULL && i < G_N_ELEMENTS(field_table); i++)
        if (strcmp(key, field_table[i].name) == 0)
            return field_table[i].name;
    for (guint i = 0; key != NULL && i < G_N_ELEMENTS(synonym_table); i++)
        if (strcmp(key, synonym_table[i].synonym) == 0)
            return sc_field_canonical(synonym_table[i].field);
    return NULL;
}

// The edit distance between A and B in characters (at most 32 of each are compared).
static guint
edit_distance(const char *a, const char *b)
{
    gunichar x[32] = {0}, y[32] = {0};
    guint n = 0, m = 0;
    for (const char *p = a; *p != '\0' && n < 32; p = g_utf8_next_char(p))
        x[n++] = g_unichar_tolower(g_utf8_get_char(p));
    for (const char *p = b; *p != '\0' && m < 32; p = g_utf8_next_char(p))
        y[m++] = g_unichar_tolower(g_utf8_get_char(p));
    guint d[33];
    for (guint j = 0; j <= m; j++)
        d[j] = j;
    for (guint i = 1; i <= n; i++) {
        guint diag = d[0];
        d[0] = i;
        for (guint j = 1; j <= m; j++) {
            guint up = d[j];
            guint best = MIN(d[j] + 1, d[j - 1] + 1);
            d[j] = MIN(best, diag + (x[i - 1] == y[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return d[m];
}

// Whether header KEY looks like the known name NAME: one contains the other (both of at least
// two characters), or they differ in one character (names of 3–4 characters) or two (longer).
static gboolean
looks_like(const char *key, const char *name)
{
    glong kn = g_utf8_strlen(key, -1), nn = g_utf8_strlen(name, -1);
    if (kn >= 2 && nn >= 2 && (strstr(key, name) != NULL || strstr(name, key) != NULL))
        return TRUE;
    // Two-character names differ in one character from too many others (性别, 级别).
    glong shorter = MIN(kn, nn);
    guint allowed = shorter >= 5 ? 2 : shorter >= 3 ? 1 : 0;
    return allowed > 0 && edit_distance(key, name) <= allowed;
}

const char *
sc_field_suggest(const char *name)
{
    if (name == NULL || sc_field_canonical(name) != NULL)
        return NULL;
    g_autofree char *key = header_key(name, strlen(name));
    if (key == NULL || *key == '\0')
        return NULL;
    for (guint i = 0; i < G_N_ELEMENTS(field_table); i++)
        if (looks_like(key, field_table[i].name) || looks_like(key, field_table[i].alias))
            return field_table[i].name;
    for (guint i = 0; i < G_N_ELEMENTS(synonym_table); i++)
        if (looks_like(key, synonym_table[i].synonym))
            return sc_field_canonical(synonym_table[i].field);
    return NULL;
}

// The number of line breaks (CR LF, lone CR, lone LF) in S (LEN bytes).
static guint
count_line_breaks(const char *s, gsize len)
{
    guint n = 0;
    for (gsize i = 0; i < len; i++) {
        if (s[i] == '\n')
            n++;
        else if (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n'))
            n++;
    }
    return n;
}

// "0xFF" or "0x81 0x20": the bad byte at S (AVAIL bytes exist) and, in UTF-8, the continuation
// bytes after it; in GB 18030 the byte after it, since a lead byte is bad because of what
// follows.  *N is set to the number of bytes.  Caller frees with g_free().
static char *
describe_bad_bytes(const unsigned char *s, gsize avail, sc_encoding encoding, gsize *n)
{
    GString *out = g_string_new(NULL);
    *n = 1;
    if (encoding == SC_ENCODING_UTF8)
        while (*n < avail && *n < 4 && s[*n] >= 0x80 && s[*n] < 0xC0)
            (*n)++;
    else if (avail > 1)
        *n = 2;
    for (gsize i = 0; i < *n; i++)
        g_string_append_printf(out, i == 0 ? "0x%02X" : " 0x%02X", s[i]);
    return g_string_free(out, FALSE);
}

// Why the bytes at BAD (of AVAIL) do not fit the file's encoding, and what to do.  Caller frees
// with g_free().
static char *
bad_bytes_message(const reader *r, const char *bad, gsize avail)
{
    gsize n = 0;
    g_autofree char *bytes = describe_bad_bytes((const unsigned char *)bad, avail, r->encoding, &n);
    const char *format = NULL;
    if (r->encoding == SC_ENCODING_UTF8 && r->choice == CHOSEN_MOSTLY_UTF8)
        format = g_dngettext(GETTEXT_PACKAGE,
                             "byte %s is not valid UTF-8 (the rest of the file is UTF-8); "
                             "retype the text there",
                             "bytes %s are not valid UTF-8 (the rest of the file is UTF-8); "
                             "retype the text there",
                             n);
    else if (r->encoding == SC_ENCODING_UTF8)
        format = g_dngettext(GETTEXT_PACKAGE,
                             "byte %s is not valid UTF-8; save the file as UTF-8 (Excel: CSV "
                             "UTF-8) or read it as GB 18030",
                             "bytes %s are not valid UTF-8; save the file as UTF-8 (Excel: CSV "
                             "UTF-8) or read it as GB 18030",
                             n);
    else if (r->choice == CHOSEN_NOT_UTF8)
        format = g_dngettext(GETTEXT_PACKAGE,
                             "byte %s is not valid GB 18030, and the file is not UTF-8 either; "
                             "save it again as CSV UTF-8",
                             "bytes %s are not valid GB 18030, and the file is not UTF-8 "
                             "either; save it again as CSV UTF-8",
                             n);
    else
        format = g_dngettext(GETTEXT_PACKAGE,
                             "byte %s is not valid GB 18030; check which encoding the file is in",
                             "bytes %s are not valid GB 18030; check which encoding the file "
                             "is in",
                             n);
    return g_strdup_printf(format, bytes);
}

// VALUE with its line breaks inside quoted cells (CR LF, CR) made LF, in place.  Returns VALUE.
static char *
normalize_breaks(char *value)
{
    if (strchr(value, '\r') == NULL)
        return value;
    char *to = value;
    for (const char *from = value; *from != '\0'; from++) {
        if (*from == '\r') {
            *to++ = '\n';
            if (from[1] == '\n')
                from++;
        } else {
            *to++ = *from;
        }
    }
    *to = '\0';
    return value;
}

// VALUE (valid UTF-8, owned) as records carry it: line breaks made LF, and in Unicode's
// composed form NFC, so that the same name typed two ways is one text (seeds aside: a
// decomposed 'é' or a Hangul sequence would not match its register entry).  Returns it.
static char *
finish_value(char *value)
{
    normalize_breaks(value);
    for (const char *p = value; *p != '\0'; p++) {
        if ((guchar)*p >= 0x80) {
            char *nfc = g_utf8_normalize(value, -1, G_NORMALIZE_NFC);
            if (nfc == NULL)
                return value;
            g_free(value);
            return nfc;
        }
    }
    return value;
}

// Decode the kept cell CELL to trimmed UTF-8.  Returns it (caller frees with g_free()), or NULL
// with *BAD_LINE set to the line of the fault and *WHY to what is wrong (caller frees).
static char *
decode_cell(reader *r, const raw_cell *cell, guint *bad_line, char **why)
{
    const char *bytes = r->row_bytes->str + cell->offset;
    gsize len = cell->len;
    gsize bad = len;

    if (len > SC_RECORDS_MAX_CELL_BYTES) {
        *bad_line = r->row_start;
        *why = g_strdup_printf(_("the cell is %zu bytes long, over the limit of %u; is this the "
                                 "right file?"),
                               (size_t)len, SC_RECORDS_MAX_CELL_BYTES);
        return NULL;
    }

    const char *nul = memchr(bytes, '\0', len);
    char *value = NULL;
    if (nul != NULL) {
        bad = nul - bytes;
        *why = g_strdup(_("the cell has a NUL byte, which text never has; is this file really "
                          "CSV text?  Save the spreadsheet again as CSV UTF-8"));
    } else if (r->encoding == SC_ENCODING_UTF8) {
        const char *end = NULL;
        if (g_utf8_validate(bytes, (gssize)len, &end)) {
            const char *s = bytes;
            trim_span(&s, &len);
            return finish_value(g_strndup(s, len));
        }
        bad = end - bytes;
        *why = bad_bytes_message(r, end, len - bad);
    } else {
        gsize read = 0, written = 0;
        GError *e = NULL;
        value = g_convert_with_iconv(bytes, (gssize)len, r->conv, &read, &written, &e);
        if (value != NULL && read < len) // a character cut off at the end: not an error to GLib
            g_clear_pointer(&value, g_free);
        if (value != NULL) {
            const char *s = value;
            gsize n = written;
            trim_span(&s, &n);
            memmove(value, s, n);
            value[n] = '\0';
            return finish_value(value);
        }
        g_clear_error(&e);
        g_iconv(r->conv, NULL, NULL, NULL, NULL); // back to the initial state
        bad = read < len ? read : len - 1;
        *why = bad_bytes_message(r, bytes + bad, len - bad);
    }
    *bad_line = cell->end_line - count_line_breaks(bytes + bad, len - bad);
    return NULL;
}

// The label of column I (0-based) in messages: its field name, or "cell N" when it has none.
// Caller frees with g_free().
static char *
column_label(const reader *r, guint i)
{
    if (r->have_header && i < r->out->columns->len) {
        const char *name = g_ptr_array_index(r->out->columns, i);
        if (*name != '\0')
            return g_strdup(name);
    }
    if (r->have_header)
        return g_strdup_printf(_("cell %u"), i + 1);
    return g_strdup_printf(_("header cell %u"), i + 1);
}

// Forget the row being read.
static void
clear_row(reader *r)
{
    g_string_truncate(r->row_bytes, 0);
    g_array_set_size(r->cells, 0);
    r->n_cells = 0;
    r->unkept_has_text = FALSE;
}

// Decode every kept cell of the row into VALUES (NULL where it failed).  Returns whether all
// decoded; *BLANK tells whether every cell is empty.  The failures are added to the problems
// unless the row has the wrong number of cells: that alone is reported, as the cells do not
// line up with the header.
static gboolean
decode_row(reader *r, char **values, gboolean *blank)
{
    struct fault {
        guint line;
        guint column;
        char *why;
    };
    GArray *faults = g_array_new(FALSE, FALSE, sizeof(struct fault));
    *blank = !r->unkept_has_text;
    for (guint i = 0; i < r->cells->len; i++) {
        struct fault f = {0, i, NULL};
        values[i] = decode_cell(r, &g_array_index(r->cells, raw_cell, i), &f.line, &f.why);
        if (values[i] == NULL)
            g_array_append_val(faults, f);
        if (values[i] == NULL || values[i][0] != '\0')
            *blank = FALSE;
    }

    gboolean count_ok = !r->have_header || r->n_cells == r->kinds->len;
    for (guint i = 0; i < faults->len; i++) {
        struct fault *f = &g_array_index(faults, struct fault, i);
        if (count_ok) {
            char *label = column_label(r, f->column);
            sc_problems_add(r->problems, r->path, f->line, label, "%s", f->why);
            g_free(label);
        }
        g_free(f->why);
    }
    gboolean ok = faults->len == 0;
    g_array_unref(faults);
    return ok;
}

// Whether the header VALUES (R->n_cells) name FIELD.
static gboolean
header_has(const reader *r, char **values, const char *field)
{
    for (guint i = 0; i < r->n_cells; i++)
        if (values[i] != NULL && g_strcmp0(sc_field_canonical(values[i]), field) == 0)
            return TRUE;
    return FALSE;
}

// The note about the unknown column KEY of the header VALUES: kept for templates, and which
// known field it probably means when the header lacks that field (a 工种 column once went
// unnoticed and every work type printed as ——).
static void
add_unknown_note(reader *r, const char *key, char **values)
{
    g_autofree char *shown = sc_problems_escape(key);
    const char *near = sc_field_suggest(key);
    if (near != NULL && !header_has(r, values, near))
        g_ptr_array_add(r->notes, g_strdup_printf(_("%s: column %s is not a known field; kept "
                                                    "for templates (did you mean %s?)"),
                                                  r->path, shown, near));
    else
        g_ptr_array_add(r->notes,
                        g_strdup_printf(_("%s: column %s is not a known field; kept for templates"),
                                        r->path, shown));
}

// Take the first non-blank row as the header (SPEC §4): map its names to fields, report
// duplicates, missing required columns and (in NOTES) unknown columns.
static void
read_header(reader *r, char **values)
{
    guint row = r->row_start;

    guint known = 0;
    const char *first_text = NULL;
    for (guint i = 0; i < r->n_cells; i++) {
        if (sc_field_canonical(values[i]) != NULL)
            known++;
        if (first_text == NULL && values[i][0] != '\0')
            first_text = values[i];
    }
    if (known == 0) {
        glong n = g_utf8_strlen(first_text, -1);
        char *start = g_utf8_substring(first_text, 0, MIN(n, 20));
        char *first = g_strconcat(start, n > 20 ? "…" : "", NULL);
        g_free(start);
        if (!r->title_skipped) {
            // A report's title line above the header ("2026年11月…合格人员名单"): skipped once.
            g_autofree char *shown = sc_problems_escape(first); // notes are printed as they are
            if (r->notes != NULL)
                g_ptr_array_add(r->notes, g_strdup_printf(_("%s:%u: '%s' is taken as the sheet's "
                                                            "title and skipped; the header is "
                                                            "below it"),
                                                          r->path, row, shown));
            r->title_skipped = TRUE;
        } else {
            sc_problems_add(r->problems, r->path, row, NULL,
                            _("this line should be the header, but none of its cells is a field "
                              "name (姓名, 证件号码, 职业名称, 职业技能等级, …; it starts with "
                              "'%s'); make the header the first line and delete any title lines "
                              "above it"),
                            first);
            r->stop = TRUE;
        }
        g_free(first);
        return;
    }

    // Each field once; unknown columns kept under their own header text.
    guint unknown = 0;
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal); // key → column + 1
    for (guint i = 0; i < r->n_cells; i++) {
        const char *canon = sc_field_canonical(values[i]);
        const char *key = canon != NULL ? canon : values[i];
        column_kind kind = COLUMN_FIELD;
        if (*key == '\0') {
            kind = COLUMN_UNNAMED;
        } else if (g_hash_table_contains(seen, key)) {
            kind = COLUMN_DUPLICATE;
            sc_problems_add(r->problems, r->path, row, key,
                            _("column given twice (columns %u and %u); delete one of them"),
                            GPOINTER_TO_UINT(g_hash_table_lookup(seen, key)), i + 1);
        } else if (canon == NULL && r->notes != NULL && ++unknown <= MAX_UNKNOWN_NOTES) {
            add_unknown_note(r, key, values);
        }
        g_ptr_array_add(r->out->columns, g_strdup(key));
        if (kind == COLUMN_FIELD)
            g_hash_table_insert(seen, g_ptr_array_index(r->out->columns, i),
                                GUINT_TO_POINTER(i + 1));
        g_array_append_val(r->kinds, kind);
    }

    if (unknown > MAX_UNKNOWN_NOTES)
        g_ptr_array_add(r->notes,
                        g_strdup_printf(g_dngettext(GETTEXT_PACKAGE,
                                                    "%s: %u more column is not a known field; "
                                                    "kept for templates",
                                                    "%s: %u more columns are not known fields; "
                                                    "kept for templates",
                                                    unknown - MAX_UNKNOWN_NOTES),
                                        r->path, unknown - MAX_UNKNOWN_NOTES));

    for (guint i = 0; i < G_N_ELEMENTS(field_table); i++)
        if (field_table[i].required && !g_hash_table_contains(seen, field_table[i].name))
            sc_problems_add(r->problems, r->path, 0, field_table[i].name,
                            _("required column is missing (add a %s or %s column)"),
                            field_table[i].name, field_table[i].alias);
    g_hash_table_unref(seen);

    r->have_header = TRUE;
}

// N names in one reference-counted box, shared by the records of a file: the N pointers, then the
// bytes they point to.
static const char *const *
names_new(const char *const *text, guint n)
{
    gsize size = n * sizeof(char *);
    for (guint i = 0; i < n; i++)
        size += strlen(text[i]) + 1;
    char **out = g_atomic_rc_box_alloc(MAX(size, 1));
    char *at = (char *)(out + n);
    for (guint i = 0; i < n; i++) {
        gsize len = strlen(text[i]) + 1;
        out[i] = memcpy(at, text[i], len);
        at += len;
    }
    return (const char *const *)out;
}

// N values back to back in one allocation, each ending with its NUL: a batch holds every record,
// and a pointer to each value would take as much room as a short value (issue 9).
static char *
values_new(const char *const *text, guint n)
{
    gsize size = 0;
    for (guint i = 0; i < n; i++)
        size += strlen(text[i]) + 1;
    char *out = g_malloc(MAX(size, 1));
    char *at = out;
    for (guint i = 0; i < n; i++) {
        gsize len = strlen(text[i]) + 1;
        memcpy(at, text[i], len);
        at += len;
    }
    return out;
}

// The value after VALUE among a record's values.
static const char *
next_value(const char *value)
{
    return value + strlen(value) + 1;
}

// The names of the header's field columns, once for the file.
static void
reader_names(reader *r)
{
    const char *names[r->kinds->len + 1];
    guint n = 0;
    for (guint i = 0; i < r->kinds->len; i++)
        if (g_array_index(r->kinds, column_kind, i) == COLUMN_FIELD)
            names[n++] = g_ptr_array_index(r->out->columns, i);
    r->names = names_new(names, n);
    r->n_names = n;
}

// Turn a data row into a record, or report why it cannot be one.
static void
read_record(reader *r, char **values)
{
    guint row = r->row_start;
    guint n_columns = r->kinds->len;

    if (r->n_cells != n_columns) {
        const char *format =
            r->n_cells < n_columns
                ? _("row has %u cells, the header has %u; add the missing cells, even if empty")
            : r->delim == ','
                ? _("row has %u cells, the header has %u; put a cell that contains a comma in "
                    "double quotes")
                : _("row has %u cells, the header has %u; a cell may not contain a tab");
        sc_problems_add(r->problems, r->path, row, NULL, format, r->n_cells, n_columns);
        return;
    }

    gboolean ok = TRUE;
    for (guint i = 0; i < n_columns; i++) {
        if (g_array_index(r->kinds, column_kind, i) == COLUMN_UNNAMED && values[i][0] != '\0') {
            sc_problems_add(r->problems, r->path, row, NULL,
                            _("cell %u has a value but its column has no header; name the "
                              "column or empty the cell"),
                            i + 1);
            ok = FALSE;
        }
    }
    if (!ok)
        return;

    if (r->total_cells + n_columns > SC_RECORDS_MAX_CELLS) {
        sc_problems_add(r->problems, r->path, row, NULL,
                        _("the file has more than %u cells (rows × columns); split it into "
                          "smaller files"),
                        SC_RECORDS_MAX_CELLS);
        r->stop = TRUE;
        return;
    }
    r->total_cells += n_columns;

    if (r->names == NULL)
        reader_names(r);
    const char *kept[r->n_names + 1];
    guint n = 0;
    for (guint i = 0; i < n_columns; i++)
        if (g_array_index(r->kinds, column_kind, i) == COLUMN_FIELD)
            kept[n++] = values[i];
    sc_record *record = sc_record_new(row);
    record->n = n;
    record->names = g_atomic_rc_box_acquire((gpointer)r->names);
    record->values = values_new(kept, n);
    g_ptr_array_add(r->out->records, record);
}

// libcsv's end-of-row callback: the row's cells are complete.
static void
on_row(int c, void *data)
{
    (void)c;
    reader *r = data;
    r->row_open = FALSE;
    if (r->stop) {
        clear_row(r);
        return;
    }

    if (!r->have_header && r->n_cells > SC_RECORDS_MAX_COLUMNS) {
        sc_problems_add(r->problems, r->path, r->row_start, NULL,
                        _("the header has %u columns, over the limit of %u; is this the right "
                          "file?"),
                        r->n_cells, SC_RECORDS_MAX_COLUMNS);
        r->stop = TRUE;
        clear_row(r);
        return;
    }

    guint n = r->cells->len;
    char **values = g_new0(char *, n + 1);
    gboolean blank = FALSE;
    gboolean decoded = decode_row(r, values, &blank);
    if (!blank) {
        if (!r->have_header) {
            if (decoded)
                read_header(r, values);
            else
                r->stop = TRUE; // the header's problems are reported; nothing below makes sense
        } else if (decoded || r->n_cells != r->kinds->len) {
            read_record(r, values);
        }
    }
    for (guint i = 0; i < n; i++)
        g_free(values[i]);
    g_free(values);
    clear_row(r);
}

// libcsv's end-of-cell callback: keep the cell's bytes (only up to one cell more than any
// header may have, so a runaway row cannot take memory cell by cell).
static void
on_cell(void *s, size_t len, void *data)
{
    reader *r = data;
    r->n_cells++;
    if (r->cells->len > SC_RECORDS_MAX_COLUMNS) {
        for (size_t i = 0; i < len && !r->unkept_has_text; i++)
            if (!g_ascii_isspace(((const char *)s)[i]))
                r->unkept_has_text = TRUE;
        return;
    }
    raw_cell cell = {r->row_bytes->len, len, r->line};
    g_string_append_len(r->row_bytes, s, (gssize)len);
    g_array_append_val(r->cells, cell);
}

// The character at S (AVAIL bytes) as a message shows it: 'x', or its bytes if they do not
// decode.  Caller frees with g_free().
static char *
describe_char_at(const reader *r, const char *s, gsize avail)
{
    if (*s == ' ')
        return g_strdup(_("a space"));
    if ((unsigned char)*s > 0x20 && (unsigned char)*s < 0x7F)
        return g_strdup_printf("'%c'", *s);
    if (r->encoding == SC_ENCODING_UTF8) {
        gunichar c = g_utf8_get_char_validated(s, (gssize)MIN(avail, 4));
        if (c != (gunichar)-1 && c != (gunichar)-2 && g_unichar_isgraph(c))
            return g_strdup_printf("'%.*s'", (int)(g_utf8_next_char(s) - s), s);
    } else {
        // GB 18030 characters are 2 or 4 bytes.
        for (gsize n = 2; n <= 4 && n <= avail; n += 2) {
            char *utf8 = g_convert_with_iconv(s, (gssize)n, r->conv, NULL, NULL, NULL);
            g_iconv(r->conv, NULL, NULL, NULL, NULL);
            if (utf8 != NULL && g_utf8_strlen(utf8, -1) == 1) {
                char *shown = g_strdup_printf("'%s'", utf8);
                g_free(utf8);
                return shown;
            }
            g_free(utf8);
        }
    }
    return g_strdup_printf(_("byte 0x%02X"), (unsigned char)*s);
}

// Report the strict-mode error libcsv stopped at (the byte at S, AVAIL bytes left in the line)
// and skip to the next line; a broken header ends the reading.
static void
on_parse_error(reader *r, struct csv_parser *p, const char *s, gsize avail)
{
    char *label = column_label(r, r->n_cells);
    char *where =
        r->line != r->row_start ? g_strdup_printf(_(" (on line %u)"), r->line) : g_strdup("");
    if (p->quoted) {
        char *shown = describe_char_at(r, s, avail);
        sc_problems_add(r->problems, r->path, r->row_start, label,
                        _("%s follows the closing double quote of the cell%s; write a quote "
                          "inside a quoted cell as two (\"\")"),
                        shown, where);
        g_free(shown);
    } else {
        sc_problems_add(r->problems, r->path, r->row_start, label,
                        _("a double quote inside a cell that does not start with one%s; put the "
                          "whole cell in double quotes and write the quote as two (\"\")"),
                        where);
    }
    g_free(where);
    g_free(label);

    if (!r->have_header)
        r->stop = TRUE;
    clear_row(r);
    csv_fini(p, NULL, NULL, NULL); // back to the start of a row
    r->row_open = FALSE;
}

// Feed DATA (LEN bytes) to libcsv line by line.  A row begins on the first line after the last
// row that has more than spaces on it (libcsv skips blank lines between rows the same way), so
// its line number is known even when quoted cells span lines.
static void
feed_lines(reader *r, struct csv_parser *p, const char *data, gsize len)
{
    int (*is_space)(unsigned char) = r->delim == '\t' ? tsv_space : csv_space;
    size_t block = 1024;
    csv_set_blk_size(p, block);

    gsize pos = 0;
    guint line = 0;
    while (pos < len && !r->stop) {
        // One line: its text and its line break (CR LF, CR or LF).
        gsize end = pos;
        gboolean blank = TRUE;
        while (end < len && data[end] != '\n' && data[end] != '\r') {
            unsigned char c = (unsigned char)data[end];
            if (blank && (!is_space(c) || c == r->delim))
                blank = FALSE;
            end++;
        }
        gsize next = end;
        if (next < len)
            next += (data[next] == '\r' && next + 1 < len && data[next + 1] == '\n') ? 2 : 1;

        r->line = ++line;
        if (!r->row_open && !blank) {
            r->row_open = TRUE;
            r->row_start = line;
        }

        // Pieces; after each, libcsv's growth step becomes its buffer's size, so a long cell
        // costs a logarithmic number of reallocations instead of one per 128 bytes.
        for (gsize at = pos; at < next && !r->stop;) {
            gsize piece = MIN(next - at, (gsize)FEED_PIECE);
            size_t used = csv_parse(p, data + at, piece, on_cell, on_row, r);
            if (used < piece) {
                on_parse_error(r, p, data + at + used, next - (at + used));
                break;
            }
            at += piece;
            if (csv_get_buffer_size(p) > block) {
                block = csv_get_buffer_size(p);
                csv_set_blk_size(p, block);
            }
        }
        pos = next;
    }
}

// Whether DATA (LEN bytes) is to be read as UTF-8: valid UTF-8 (NUL bytes aside: they are
// reported per cell), or UTF-8 but for a few bad bytes (*MOSTLY set).  GBK/GB 18030 text has
// about one accidental UTF-8 sequence per four invalid ones; the threshold is far from that.
static gboolean
looks_like_utf8(const char *data, gsize len, gboolean *mostly)
{
    *mostly = FALSE;
    guint64 multibyte = 0, bad = 0;
    const char *p = data;
    const char *end = data + len;
    while (p < end) {
        const char *stop = NULL;
        gboolean valid = g_utf8_validate(p, end - p, &stop);
        for (const char *q = p; q < stop; q++)
            if ((unsigned char)*q >= 0xC0)
                multibyte++;
        if (valid)
            break;
        if (*stop != '\0')
            bad++;
        p = stop + 1;
    }
    if (bad == 0)
        return TRUE;
    *mostly = multibyte >= 8 * bad;
    return *mostly;
}

// The format for PATH by its extension, or SC_FORMAT_AUTO when it has none known.
static sc_format
format_by_extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL || strchr(dot, '/') != NULL)
        return SC_FORMAT_AUTO;
    if (g_ascii_strcasecmp(dot, ".csv") == 0)
        return SC_FORMAT_CSV;
    if (g_ascii_strcasecmp(dot, ".tsv") == 0 || g_ascii_strcasecmp(dot, ".tab") == 0 ||
        g_ascii_strcasecmp(dot, ".txt") == 0)
        return SC_FORMAT_TSV;
    return SC_FORMAT_AUTO;
}

// The format by the first non-blank line of TEXT: TSV if it has more tabs than commas.
static sc_format
format_by_content(const char *text, gsize len)
{
    guint tabs = 0, commas = 0;
    gboolean seen_text = FALSE;
    for (gsize i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n' || c == '\r') {
            if (seen_text)
                break;
            continue;
        }
        if (c == '\t')
            tabs++;
        else if (c == ',')
            commas++;
        if (c != ' ')
            seen_text = TRUE;
    }
    return tabs > commas ? SC_FORMAT_TSV : SC_FORMAT_CSV;
}

static gboolean
has_prefix(const char *data, gsize len, const char *prefix, gsize prefix_len)
{
    return len >= prefix_len && memcmp(data, prefix, prefix_len) == 0;
}

// Convert DATA, UTF-16 with a byte-order mark (Excel's "Unicode text"), to UTF-8.  Returns it
// with *OUT_LEN set (caller frees with g_free()), or NULL after adding a problem naming the line.
static char *
convert_utf16(const char *data, gsize len, const char *path, sc_problems *problems, gsize *out_len)
{
    gsize read = 0;
    GError *e = NULL;
    char *text = g_convert(data, (gssize)len, "UTF-8", "UTF-16", &read, out_len, &e);
    if (text != NULL)
        return text;

    // The line of the fault: the lines of the valid text before it (an even number of bytes).
    gsize good_len = 0;
    char *good =
        g_convert(data, (gssize)(read & ~(gsize)1), "UTF-8", "UTF-16", NULL, &good_len, NULL);
    guint line = 1 + (good != NULL ? count_line_breaks(good, good_len) : 0);
    sc_problems_add(problems, path, line, NULL,
                    _("the file is UTF-16 text, but has bytes here that are not UTF-16; save it "
                      "again as CSV UTF-8"));
    g_free(good);
    g_error_free(e);
    return NULL;
}

sc_record *
sc_record_new(guint row)
{
    sc_record *record = g_new0(sc_record, 1);
    record->row = row;
    return record;
}

void
sc_record_free(sc_record *record)
{
    if (record == NULL)
        return;
    if (record->names != NULL)
        g_atomic_rc_box_release((gpointer)record->names);
    g_free(record->values);
    g_free(record);
}

// sc_record_free() as a GDestroyNotify for sc_records.records.
static void
record_free(gpointer data)
{
    sc_record_free(data);
}

// Make an empty result for PATH.
static sc_records *
records_new(const char *path)
{
    sc_records *out = g_new0(sc_records, 1);
    out->path = g_strdup(path);
    out->columns = g_ptr_array_new_with_free_func(g_free);
    out->records = g_ptr_array_new_with_free_func(record_free);
    return out;
}

// Files that are not records text at all, refused as a whole: over the size limit, or an Excel
// workbook.
static gboolean
refuse_whole_file(const char *data, gsize len, const char *path, GError **error)
{
    if (len > SC_RECORDS_MAX_BYTES) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: the file is %llu MB, over the limit of %u MB; split the batch into "
                      "smaller files"),
                    path, (unsigned long long)((len + (1 << 20) - 1) >> 20),
                    SC_RECORDS_MAX_BYTES >> 20);
        return TRUE;
    }
    if (has_prefix(data, len, MAGIC_OLE, 4)) {
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("%s: this is an old Excel 97–2003 workbook (.xls), which is not read; in "
                      "Excel or WPS choose 另存为 (Save As) → Excel 工作簿 (.xlsx) or CSV UTF-8 "
                      "(逗号分隔)"),
                    path);
        return TRUE;
    }
    return FALSE;
}

// The file's text after byte-order marks and UTF-16 conversion, and how it is to be decoded.
typedef struct {
    const char *text;
    gsize len;
    char *converted;      // owned: the UTF-16 file converted to UTF-8, or NULL
    sc_encoding encoding; // SC_ENCODING_UTF8 or SC_ENCODING_GB18030
    encoding_choice choice;
} decoded_text;

typedef enum {
    DECODE_OK,
    DECODE_UNREADABLE, // problems added (a broken UTF-16 file): no records
    DECODE_REFUSED,    // *ERROR set: a byte-order mark contradicts the caller's encoding
} decode_result;

// Decide the encoding of DATA: byte-order marks decide it and must not contradict ENCODING; else
// ENCODING, or for SC_ENCODING_AUTO detection.
static decode_result
decode_text(const char *data, gsize len, const char *path, sc_encoding encoding,
            sc_problems *problems, decoded_text *d, GError **error)
{
    *d = (decoded_text){data, len, NULL, encoding, CHOSEN_BY_CALLER};
    if (has_prefix(data, len, BOM_UTF16LE, 2) || has_prefix(data, len, BOM_UTF16BE, 2)) {
        if (encoding != SC_ENCODING_AUTO) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("%s: the file is UTF-16 text (it starts with a UTF-16 byte-order "
                          "mark), not %s; let the encoding be detected, or save it as CSV UTF-8"),
                        path, encoding == SC_ENCODING_UTF8 ? "UTF-8" : "GB 18030");
            return DECODE_REFUSED;
        }
        d->converted = convert_utf16(data, len, path, problems, &d->len);
        if (d->converted == NULL)
            return DECODE_UNREADABLE;
        d->text = d->converted;
        d->encoding = SC_ENCODING_UTF8;
    }
    if (has_prefix(d->text, d->len, BOM_UTF8, 3)) {
        if (d->encoding == SC_ENCODING_GB18030) {
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("%s: the file starts with a UTF-8 byte-order mark, so it is UTF-8, not "
                          "GB 18030; read it as UTF-8 or let the encoding be detected"),
                        path);
            return DECODE_REFUSED;
        }
        d->text += 3;
        d->len -= 3;
        d->encoding = SC_ENCODING_UTF8;
    } else if (d->encoding != SC_ENCODING_UTF8 && has_prefix(d->text, d->len, BOM_GB18030, 4)) {
        d->text += 4;
        d->len -= 4;
        d->encoding = SC_ENCODING_GB18030;
    } else if (d->encoding == SC_ENCODING_AUTO) {
        gboolean mostly = FALSE;
        d->encoding =
            looks_like_utf8(d->text, d->len, &mostly) ? SC_ENCODING_UTF8 : SC_ENCODING_GB18030;
        d->choice = mostly                               ? CHOSEN_MOSTLY_UTF8
                    : d->encoding == SC_ENCODING_GB18030 ? CHOSEN_NOT_UTF8
                                                         : CHOSEN_BY_CALLER;
    }
    return DECODE_OK;
}

// Read the rows of TEXT into R->out with libcsv, adding the problems of the file as a whole (an
// unclosed quote, no header).
static void
read_rows(reader *r, const char *text, gsize text_len)
{
    // Strict RFC 4180 (a quote inside an unquoted cell, text after a closing quote and an
    // unclosed quote are errors); memory through GLib, which aborts when it runs out.
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_delim(&p, r->delim);
    csv_set_space_func(&p, r->delim == '\t' ? tsv_space : csv_space);
    csv_set_realloc_func(&p, g_realloc);
    csv_set_free_func(&p, g_free);

    feed_lines(r, &p, text, text_len);
    if (!r->stop && csv_fini(&p, on_cell, on_row, r) != 0) {
        char *label = column_label(r, r->n_cells);
        sc_problems_add(r->problems, r->path, r->row_start, label,
                        _("the double quote that opens this cell is never closed, so the rest of "
                          "the file, to line %u, was read into it; close the quote, and write a "
                          "quote inside a cell as two (\"\")"),
                        r->line);
        g_free(label);
        r->stop = TRUE;
    }
    csv_free(&p);

    if (!r->have_header && !r->stop)
        sc_problems_add(r->problems, r->path, 0, NULL,
                        _("the file is empty; its first line must be the header (姓名,证件号码,"
                          "职业名称,职业技能等级,…) and each line below it one certificate"));
}

// The cells of the sheet row ROW as the reader's values: trimmed, NFC, line breaks LF, padded
// with empty cells to the header's width.  A cell over SC_RECORDS_MAX_CELL_BYTES is a problem
// of its row (NULL in its place).  Returns the values (R->n_cells of them; caller frees each
// and the array).
static char **
sheet_values(reader *r, const sc_xlsx_row *row)
{
    guint n = MAX(row->cells->len, r->have_header ? r->kinds->len : 0);
    char **values = g_new0(char *, n + 1);
    for (guint i = 0; i < n; i++) {
        const char *s = i < row->cells->len ? g_ptr_array_index(row->cells, i) : "";
        gsize len = strlen(s);
        if (len > SC_RECORDS_MAX_CELL_BYTES) {
            g_autofree char *label = column_label(r, i);
            sc_problems_add(r->problems, r->path, row->row, label,
                            _("the cell is %zu bytes long, over the limit of %u; is this the "
                              "right file?"),
                            (size_t)len, SC_RECORDS_MAX_CELL_BYTES);
            values[i] = g_strdup("");
            continue;
        }
        trim_span(&s, &len);
        values[i] = finish_value(g_strndup(s, len));
    }
    r->n_cells = n;
    return values;
}

// Cells of ROW's VALUES right of the header: a value there has no column (reported, the row
// left out); empty ones are dropped.  Returns whether the row can be read.
static gboolean
fit_to_header(reader *r, char **values, guint row)
{
    for (guint i = r->kinds->len; i < r->n_cells; i++) {
        if (values[i][0] != '\0') {
            sc_problems_add(r->problems, r->path, row, NULL,
                            _("cell %u has a value but its column has no header; name the "
                              "column or empty the cell"),
                            i + 1);
            return FALSE;
        }
    }
    r->n_cells = r->kinds->len;
    return TRUE;
}

// An sc_xlsx_row_func: one row of an .xlsx sheet into the reader R, as a line of a CSV file.
static void
read_sheet_row(const sc_xlsx_row *row, gpointer data)
{
    reader *r = data;
    if (r->stop)
        return; // the rest of the sheet is still read, for the workbook's own problems
    r->row_start = row->row;
    char **values = sheet_values(r, row);
    gboolean blank = TRUE;
    for (guint k = 0; k < r->n_cells && blank; k++)
        blank = values[k][0] == '\0';
    guint n = r->n_cells;
    if (blank)
        ; // a row of spaces
    else if (!r->have_header)
        read_header(r, values);
    else if (fit_to_header(r, values, row->row))
        read_record(r, values);
    for (guint k = 0; k < n; k++)
        g_free(values[k]);
    g_free(values);
}

// Records from the rows of an .xlsx sheet (SPEC §4; issue 10): the same header, title line,
// field and limit rules as a CSV file, each row named by the sheet's own row number.  Each row
// becomes a record as it is read (issue 9: the sheet's rows are never all held); the problems
// and notes wait until the whole workbook has been read, since a workbook that cannot be read has
// none but its own.
static sc_records *
parse_workbook(const char *data, gsize len, const char *path, const char *sheet,
               sc_problems *problems, GPtrArray *notes, GError **error)
{
    g_autoptr(sc_problems) found = sc_problems_new();
    g_autoptr(GPtrArray) noted = g_ptr_array_new_with_free_func(g_free);
    sc_records *out = records_new(path);
    reader r = {
        .path = path,
        .problems = found,
        .notes = notes != NULL ? noted : NULL,
        .out = out,
        .kinds = g_array_new(FALSE, FALSE, sizeof(column_kind)),
    };
    gboolean ok = sc_xlsx_read_rows(data, len, path, sheet, read_sheet_row, &r, error);
    g_array_unref(r.kinds);
    if (r.names != NULL)
        g_atomic_rc_box_release((gpointer)r.names);
    if (!ok) {
        sc_records_free(out);
        return NULL;
    }
    if (!r.have_header && !r.stop)
        sc_problems_add(found, path, 0, NULL,
                        _("the sheet is empty; its first row must be the header (姓名,证件号码,"
                          "职业名称,职业技能等级,…) and each row below it one certificate"));
    sc_problems_merge(problems, found);
    for (guint i = 0; notes != NULL && i < noted->len; i++)
        g_ptr_array_add(notes, g_steal_pointer(&noted->pdata[i]));
    return out;
}

sc_records *
sc_records_parse(const char *data, gsize len, const char *path, sc_encoding encoding,
                 sc_format format, sc_problems *problems, GPtrArray *notes, GError **error)
{
    return sc_records_parse_sheet(data, len, path, NULL, encoding, format, problems, notes, error);
}

sc_records *
sc_records_parse_sheet(const char *data, gsize len, const char *path, const char *sheet,
                       sc_encoding encoding, sc_format format, sc_problems *problems,
                       GPtrArray *notes, GError **error)
{
    g_return_val_if_fail(data != NULL || len == 0, NULL);
    g_return_val_if_fail(path != NULL && problems != NULL, NULL);
    if (refuse_whole_file(data, len, path, error))
        return NULL;
    if (sc_xlsx_is_zip(data, len))
        return parse_workbook(data, len, path, sheet, problems, notes, error);
    if (sheet != NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("%s: --sheet %s is for an .xlsx workbook, and this file is text"), path,
                    sheet);
        return NULL;
    }

    decoded_text d;
    switch (decode_text(data, len, path, encoding, problems, &d, error)) {
    case DECODE_REFUSED: g_free(d.converted); return NULL;
    case DECODE_UNREADABLE: return records_new(path);
    case DECODE_OK: break;
    }
    if (format == SC_FORMAT_AUTO)
        format = format_by_extension(path);
    if (format == SC_FORMAT_AUTO)
        format = format_by_content(d.text, d.len);

    sc_records *out = records_new(path);
    reader r = {
        .path = path,
        .encoding = d.encoding,
        .choice = d.choice,
        .conv = (GIConv)-1,
        .delim = format == SC_FORMAT_TSV ? '\t' : ',',
        .problems = problems,
        .notes = notes,
        .out = out,
        .row_bytes = g_string_new(NULL),
        .cells = g_array_new(FALSE, FALSE, sizeof(raw_cell)),
        .kinds = g_array_new(FALSE, FALSE, sizeof(column_kind)),
    };
    if (d.encoding == SC_ENCODING_GB18030) {
        r.conv = g_iconv_open("UTF-8", "GB18030");
        if (r.conv == (GIConv)-1)
            g_set_error(error, SC_ERROR, SC_ERROR_IO,
                        _("%s: cannot read GB 18030 text: this system's iconv has no GB18030 "
                          "converter"),
                        path);
    }
    if (d.encoding != SC_ENCODING_GB18030 || r.conv != (GIConv)-1) {
        read_rows(&r, d.text, d.len);
        out->incomplete = r.stop;
    } else {
        g_clear_pointer(&out, sc_records_free);
    }

    if (r.conv != (GIConv)-1)
        g_iconv_close(r.conv);
    g_string_free(r.row_bytes, TRUE);
    g_array_unref(r.cells);
    g_array_unref(r.kinds);
    if (r.names != NULL)
        g_atomic_rc_box_release((gpointer)r.names);
    g_free(d.converted);
    return out;
}

sc_records *
sc_records_load(const char *path, sc_encoding encoding, sc_format format, sc_problems *problems,
                GPtrArray *notes, GError **error)
{
    return sc_records_load_sheet(path, NULL, encoding, format, problems, notes, error);
}

sc_records *
sc_records_load_sheet(const char *path, const char *sheet, sc_encoding encoding, sc_format format,
                      sc_problems *problems, GPtrArray *notes, GError **error)
{
    g_return_val_if_fail(path != NULL && problems != NULL, NULL);

    // Only a regular file, and never more of it than the limit (a folder, /dev/zero or a pipe
    // named as the records file would otherwise be read until memory runs out).
    char *contents = NULL;
    gsize len = 0;
    if (!sc_file_read(path, SC_RECORDS_MAX_BYTES, _("split the batch into smaller files"),
                      &contents, &len, error))
        return NULL;
    sc_records *records = sc_records_parse_sheet(contents, len, path, sheet, encoding, format,
                                                 problems, notes, error);
    g_free(contents);
    return records;
}

void
sc_records_free(sc_records *records)
{
    if (records == NULL)
        return;
    g_free(records->path);
    g_ptr_array_unref(records->columns);
    g_ptr_array_unref(records->records);
    g_free(records);
}

const char *
sc_record_get(const sc_record *record, const char *field)
{
    g_return_val_if_fail(record != NULL && field != NULL, NULL);
    const char *canon = sc_field_canonical(field);
    const char *key = canon != NULL ? canon : field;
    const char *value = record->values;
    for (guint i = 0; i < record->n; i++, value = next_value(value))
        if (record->names[i][0] == key[0] && strcmp(record->names[i], key) == 0)
            return value;
    return NULL;
}

const char *
sc_record_value(const sc_record *record, guint i)
{
    g_return_val_if_fail(record != NULL && i < record->n, NULL);
    const char *value = record->values;
    for (guint k = 0; k < i; k++)
        value = next_value(value);
    return value;
}

void
sc_record_set(sc_record *record, const char *field, const char *value)
{
    g_return_if_fail(record != NULL && field != NULL && value != NULL);
    const char *canon = sc_field_canonical(field);
    const char *key = canon != NULL ? canon : field;
    guint at = 0;
    while (at < record->n && strcmp(record->names[at], key) != 0)
        at++;
    const char *names[record->n + 1], *values[record->n + 1];
    const char *old = record->values;
    for (guint i = 0; i < record->n; i++, old = next_value(old)) {
        names[i] = record->names[i];
        values[i] = old;
    }
    names[at] = key;
    values[at] = value;
    guint n = MAX(record->n, at + 1);
    char *old_values = record->values;
    record->values = values_new(values, n);
    g_free(old_values);
    if (at == record->n) {
        const char *const *old_names = record->names;
        record->names = names_new(names, n);
        if (old_names != NULL)
            g_atomic_rc_box_release((gpointer)old_names);
    }
    record->n = n;
}

gboolean
sc_encoding_from_name(const char *name, sc_encoding *enc, GError **error)
{
    *enc = SC_ENCODING_AUTO;
    if (name == NULL || g_ascii_strcasecmp(name, "auto") == 0)
        return TRUE;
    if (g_ascii_strcasecmp(name, "utf-8") == 0 || g_ascii_strcasecmp(name, "utf8") == 0) {
        *enc = SC_ENCODING_UTF8;
        return TRUE;
    }
    if (g_ascii_strcasecmp(name, "gbk") == 0 || g_ascii_strcasecmp(name, "gb18030") == 0 ||
        g_ascii_strcasecmp(name, "gb2312") == 0) {
        *enc = SC_ENCODING_GB18030;
        return TRUE;
    }
    g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                _("--encoding %s: write utf-8, gbk (GB 18030) or auto"), name);
    return FALSE;
}
