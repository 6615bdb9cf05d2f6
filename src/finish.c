// finish.c - the finish stage (DESIGN.md "finish", pitfalls: cairo 1.16 writes dates without D:
// and a zone, no /ID, no XMP; SPEC §5 metadata and /Lang; issue 12: /PrintScaling /None).
#define _GNU_SOURCE // copy_file_range()
#include "finish.h"

#include "i18n.h"
#include "photo.h"

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#ifndef SC_ICC_PROFILE
#define SC_ICC_PROFILE "/usr/share/color/icc/sRGB.icc" // Debian's icc-profiles-free
#endif

#define XMP_NS                                                                                     \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" "    \
    "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" "                                                  \
    "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\""

// ISO as a GDateTime; a date without a zone is UTC.  NULL when not a date.
static GDateTime *
parse_iso(const char *iso)
{
    if (iso == NULL)
        return NULL;
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
    return g_date_time_new_from_iso8601(iso, utc);
}

char *
sc_finish_pdf_date(const char *iso)
{
    g_autoptr(GDateTime) t = parse_iso(iso);
    if (t == NULL)
        return NULL;
    // PDF 32000-1 §7.9.4: D:YYYYMMDDHHmmSSOHH'mm'
    gint64 offset_min = g_date_time_get_utc_offset(t) / G_TIME_SPAN_MINUTE;
    char sign = offset_min < 0 ? '-' : '+';
    offset_min = ABS(offset_min);
    g_autofree char *local = g_date_time_format(t, "%Y%m%d%H%M%S");
    return g_strdup_printf("D:%s%c%02d'%02d'", local, sign, (int)(offset_min / 60),
                           (int)(offset_min % 60));
}

static const char *
creator_of(const sc_finish_info *info)
{
    return info->creator != NULL ? info->creator : "skillcert " SC_VERSION;
}

// The producer: the library that wrote the file (the finish stage only appends to it).
static char *
producer(void)
{
    return g_strdup_printf("cairo %s", cairo_version_string());
}

// Append <TAG><rdf:KIND>items</rdf:KIND></TAG> to X: the items of TEXT split at SEP (or TEXT
// whole when SEP is NULL), ALT giving each an xml:lang.
static void
xmp_list(GString *x, const char *tag, const char *kind, const char *text, const char *sep)
{
    if (text == NULL)
        return;
    g_auto(GStrv) items = sep != NULL ? g_strsplit(text, sep, -1) : g_strsplit(text, "\x01", 1);
    g_string_append_printf(x, "   <%s><rdf:%s>", tag, kind);
    for (guint i = 0; items[i] != NULL; i++) {
        g_autofree char *v = g_markup_escape_text(items[i], -1);
        if (strcmp(kind, "Alt") == 0)
            g_string_append_printf(x, "<rdf:li xml:lang=\"x-default\">%s</rdf:li>", v);
        else
            g_string_append_printf(x, "<rdf:li>%s</rdf:li>", v);
    }
    g_string_append_printf(x, "</rdf:%s></%s>\n", kind, tag);
}

static void
xmp_simple(GString *x, const char *tag, const char *text)
{
    if (text == NULL)
        return;
    g_autofree char *v = g_markup_escape_text(text, -1);
    g_string_append_printf(x, "   <%s>%s</%s>\n", tag, v, tag);
}

char *
sc_finish_xmp(const sc_finish_info *info)
{
    GString *x =
        g_string_new("<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                     " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                     "  <rdf:Description rdf:about=\"\" " XMP_NS ">\n"
                     "   <dc:format>application/pdf</dc:format>\n");
    xmp_list(x, "dc:title", "Alt", info->title, NULL);
    xmp_list(x, "dc:creator", "Seq", info->author, NULL);
    xmp_list(x, "dc:description", "Alt", info->subject, NULL);
    xmp_list(x, "dc:subject", "Bag", info->keywords, ", ");
    xmp_list(x, "dc:language", "Bag", info->lang != NULL ? info->lang : "zh-CN", NULL);
    g_autoptr(GDateTime) t = parse_iso(info->created);
    g_autofree char *date = t != NULL ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
    xmp_simple(x, "xmp:CreateDate", date);
    xmp_simple(x, "xmp:ModifyDate", date);
    xmp_simple(x, "xmp:MetadataDate", date);
    xmp_simple(x, "xmp:CreatorTool", creator_of(info));
    g_autofree char *prod = producer();
    xmp_simple(x, "pdf:Producer", prod);
    xmp_simple(x, "pdf:Keywords", info->keywords);
    // ISO 19005-2 §6.6.4: the PDF/A part and conformance level the file claims.
    xmp_simple(x, "pdfaid:part", "2");
    xmp_simple(x, "pdfaid:conformance", "B");
    g_string_append(x, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n");
    // Room for an editor to rewrite the packet in place (XMP Part 1 §7.3.2).
    for (int i = 0; i < 20; i++)
        g_string_append(x, "                                                                   "
                           "                                \n");
    g_string_append(x, "<?xpacket end=\"w\"?>");
    return g_string_free(x, FALSE);
}

// --- The file cairo wrote -----------------------------------------------------------------------
//
// The finish stage does not rewrite the file (issue 15: a rewrite by qpdf took most of the time
// of a batch and ≈ 50 KB of memory per page).  It reads cairo's cross-reference table, changes
// the few dictionaries that must change where they stand when the new one fits in the old one's
// bytes (an image's /Interpolate, a PNG's stub turned into its image, an annotation's /F), and
// appends an incremental update (ISO 32000-1 §7.5.6, allowed by PDF/A-2: ISO 19005-2 §6.1.3)
// holding the new catalog, document information, XMP, OutputIntent and whatever did not fit.
// The bulk of the file (photos, fonts, pages) is never copied.  cairo 1.16 writes one classic
// cross-reference section and no object streams; anything else is refused.

// A PDF being finished: in memory (MEM), or a file (FD) of LEN bytes as cairo wrote it.
typedef struct {
    GByteArray *mem;
    int fd;
    guint64 len;                // the bytes cairo wrote; the update goes after them
    guint64 *offset;            // offset of object I (0: free), I < SIZE; NULL: read from the
                                // file's table when asked (obj_at())
    guint64 entries;            // where that table's first entry is in the file
    guint size;                 // the trailer's /Size: objects 0 … SIZE - 1
    guint root, info;           // the trailer's /Root and /Info (0: none)
    guint64 xref_at;            // cairo's cross-reference section, the update's /Prev
    GString *tail;              // the update, written after LEN (and FLUSHED)
    guint64 flushed;            // a file's: the update's bytes already written (tail_flush())
    int write_errno;            // the first error of writing them, or 0
    GArray *written;            // (number, offset) of every object in the update
    guint next;                 // the next new object number
    GHashTable *iccs;           // JPEG ICC profiles embedded (checksum → object number)
    guint64 sig_range;          // offsets in the update of the signature's /ByteRange array and
    guint64 sig_hex;            // /Contents hex string, when signing
    struct body_digest *digest; // a file's: its bytes digested as they are amended, or NULL
    gboolean joined; // the file sc_finish_join() wrote: its objects amended already, each object
                     // it lists written (its table is read when asked: obj_at())
} pdf_doc;

typedef struct {
    guint num;
    guint64 at;
} xref_entry;

// The largest file a classic cross-reference table addresses: 10-digit offsets.
#define MAX_CLASSIC_OFFSET G_GUINT64_CONSTANT(9999999999)

// A file past MAX_CLASSIC_OFFSET: *ERROR set, saying what to do.
static void
set_too_large(GError **error)
{
    g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                _("the PDF would be over 10 GB, more than a PDF's cross-reference table can "
                  "address: print the batch in several runs (--rows), or one file per "
                  "certificate (--split)"));
}

// At most this many bytes of an object's dictionary are read (a font's /W array is the longest).
#define MAX_DICT (4u << 20)

static void
set_bad(GError **error, const char *why)
{
    g_set_error(error, SC_ERROR, SC_ERROR_RENDER, _("cannot finish the PDF: %s"), why);
}

// Read up to N bytes at OFF into BUF; the count read.
static gsize
doc_read(const pdf_doc *d, guint64 off, guint8 *buf, gsize n)
{
    if (off >= d->len)
        return 0;
    n = (gsize)MIN((guint64)n, d->len - off);
    if (d->mem != NULL) {
        memcpy(buf, d->mem->data + off, n);
        return n;
    }
    gsize got = 0;
    while (got < n) {
        ssize_t r = pread(d->fd, buf + got, n - got, (off_t)(off + got));
        if (r <= 0)
            break;
        got += (gsize)r;
    }
    return got;
}

// Write N bytes at OFF (within what cairo wrote).  FALSE with *ERROR set.
static gboolean
doc_write(pdf_doc *d, guint64 off, const char *buf, gsize n, GError **error)
{
    if (d->mem != NULL) {
        memcpy(d->mem->data + off, buf, n);
        return TRUE;
    }
    if (pwrite(d->fd, buf, n, (off_t)off) != (ssize_t)n) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot finish the PDF: %s"),
                    g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

// --- A dictionary's entries, read without interpreting the values

static gboolean
is_space(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

// N bytes of DATA as hexadecimal digits into OUT (2 × N characters, no terminator): DIGITS
// "0123456789abcdef" or upper-case.
static void
hex_into(char *out, const guint8 *data, gsize n, const char *digits)
{
    for (gsize i = 0; i < n; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
}

#define HEX_LOWER "0123456789abcdef"

// (A switch, not strchr() on the delimiters: the join calls this for every byte of every
// dictionary it copies.)
static gboolean
is_delim(char c)
{
    switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '[':
    case ']':
    case '{':
    case '}':
    case '/':
    case '%': return TRUE;
    default: return is_space(c);
    }
}

// P past white space and comments.
static const char *
skip_space(const char *p, const char *end)
{
    while (p < end) {
        if (*p == '%')
            while (p < end && *p != '\n' && *p != '\r')
                p++;
        else if (is_space(*p))
            p++;
        else
            break;
    }
    return p;
}

static const char *value_end(const char *p, const char *end);

// The end of the literal string starting at P: nested parentheses, backslash escapes.
static const char *
string_end(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return NULL;
}

// The end of the array or dictionary starting at P (CLOSE: "]" or ">>").
static const char *
container_end(const char *p, const char *end, const char *close)
{
    gsize n = strlen(close);
    p += n;
    while (p != NULL) {
        p = skip_space(p, end);
        if (p + n <= end && memcmp(p, close, n) == 0)
            return p + n;
        p = p < end ? value_end(p, end) : NULL;
    }
    return NULL;
}

// The end of the token at P: a name, number or keyword.
static const char *
token_end(const char *p, const char *end)
{
    if (p < end && *p == '/')
        p++;
    while (p < end && !is_delim(*p))
        p++;
    return p;
}

// Whether the bytes P … END hold an unsigned integer only.
static gboolean
is_uint(const char *p, const char *end)
{
    if (p == end)
        return FALSE;
    for (; p < end; p++)
        if (!g_ascii_isdigit(*p))
            return FALSE;
    return TRUE;
}

// The end of the value starting at P, a reference "N G R" being one value; NULL if malformed.
static const char *
value_end(const char *p, const char *end)
{
    if (p >= end)
        return NULL;
    if (*p == '(')
        return string_end(p, end);
    if (end - p >= 2 && p[0] == '<' && p[1] == '<')
        return container_end(p, end, ">>");
    if (*p == '<') {
        const char *q = memchr(p, '>', (gsize)(end - p));
        return q != NULL ? q + 1 : NULL;
    }
    if (*p == '[')
        return container_end(p, end, "]");
    const char *q = token_end(p, end);
    if (q == p)
        return NULL;
    if (!is_uint(p, q))
        return q;
    // N G R
    const char *g = skip_space(q, end), *g_end = token_end(g, end);
    const char *r = skip_space(g_end, end), *r_end = token_end(r, end);
    if (is_uint(g, g_end) && r_end - r == 1 && *r == 'R')
        return r_end;
    return q;
}

typedef struct {
    char *key;   // "/Name"
    char *value; // as written
} dict_entry;

static void
entry_clear(gpointer p)
{
    dict_entry *e = p;
    g_free(e->key);
    g_free(e->value);
}

// The entries of the dictionary starting at P ("<<"), and its end in *END_OUT; NULL if malformed.
static GArray *
dict_parse(const char *p, const char *end, const char **end_out)
{
    if (end - p < 2 || p[0] != '<' || p[1] != '<')
        return NULL;
    GArray *a = g_array_new(FALSE, FALSE, sizeof(dict_entry));
    g_array_set_clear_func(a, entry_clear);
    p += 2;
    for (;;) {
        p = skip_space(p, end);
        if (end - p >= 2 && p[0] == '>' && p[1] == '>') {
            *end_out = p + 2;
            return a;
        }
        const char *k_end = p < end && *p == '/' ? token_end(p, end) : NULL;
        const char *v = k_end != NULL ? skip_space(k_end, end) : NULL;
        const char *v_end = v != NULL ? value_end(v, end) : NULL;
        if (v_end == NULL) {
            g_array_unref(a);
            return NULL;
        }
        dict_entry e = {g_strndup(p, (gsize)(k_end - p)), g_strndup(v, (gsize)(v_end - v))};
        g_array_append_val(a, e);
        p = v_end;
    }
}

// The value of KEY in A as written, or NULL.
static const char *
dict_get(GArray *a, const char *key)
{
    for (guint i = 0; i < a->len; i++)
        if (strcmp(g_array_index(a, dict_entry, i).key, key) == 0)
            return g_array_index(a, dict_entry, i).value;
    return NULL;
}

// Set KEY of A to VALUE (copied), in place of its value or last.
static void
dict_set(GArray *a, const char *key, const char *value)
{
    for (guint i = 0; i < a->len; i++) {
        dict_entry *e = &g_array_index(a, dict_entry, i);
        if (strcmp(e->key, key) == 0) {
            g_free(e->value);
            e->value = g_strdup(value);
            return;
        }
    }
    dict_entry e = {g_strdup(key), g_strdup(value)};
    g_array_append_val(a, e);
}

// Whether KEY of A is the name NAME.
static gboolean
dict_is(GArray *a, const char *key, const char *name)
{
    const char *v = dict_get(a, key);
    return v != NULL && strcmp(v, name) == 0;
}

// A written on one line, with WIDTH - its length spaces before its ">>" when WIDTH is larger.
static GString *
dict_unparse(GArray *a, gsize width)
{
    GString *s = g_string_new("<<");
    for (guint i = 0; i < a->len; i++) {
        dict_entry *e = &g_array_index(a, dict_entry, i);
        g_string_append_c(s, ' ');
        g_string_append(s, e->key);
        g_string_append_c(s, ' ');
        g_string_append(s, e->value);
    }
    while (s->len + 3 < width)
        g_string_append_c(s, ' ');
    g_string_append(s, " >>");
    return s;
}

// The object number of the reference REF ("N 0 R"), or 0.
static guint
ref_num(const char *ref)
{
    if (ref == NULL)
        return 0;
    const char *end = ref + strlen(ref);
    const char *n_end = token_end(ref, end);
    const char *v_end = value_end(ref, end);
    if (!is_uint(ref, n_end) || v_end == NULL || v_end == n_end || v_end[-1] != 'R')
        return 0;
    guint64 n = g_ascii_strtoull(ref, NULL, 10);
    return n < G_MAXUINT ? (guint)n : 0;
}

// --- Objects

// Object NUM as written: its dictionary's entries (NULL when it has none: an array, a number),
// where the dictionary starts and ends, and where its stream's data starts (0: not a stream).
typedef struct {
    GArray *dict;
    guint64 dict_at, dict_end, data_at;
    char *text; // the bytes read, from the object's start
    gsize text_len;
} pdf_obj;

static void
obj_clear(pdf_obj *o)
{
    g_clear_pointer(&o->dict, g_array_unref);
    g_clear_pointer(&o->text, g_free);
}

// Where object NUM of D starts; 0 when it is free, or not one of D's.
static guint64
obj_at(const pdf_doc *d, guint num)
{
    if (num == 0 || num >= d->size)
        return 0;
    if (d->offset != NULL)
        return d->offset[num];
    char entry[20 + 1];
    if (doc_read(d, d->entries + 20ull * num, (guint8 *)entry, 20) != 20 || entry[17] != 'n')
        return 0;
    entry[20] = '\0';
    guint64 at = g_ascii_strtoull(entry, NULL, 10);
    return at < d->len ? at : 0;
}

// Read object NUM into *O.  FALSE, with nothing to clear, when it is free or not "NUM 0 obj"
// followed by a dictionary read whole.
static gboolean
obj_read(const pdf_doc *d, guint num, gsize first, pdf_obj *o)
{
    memset(o, 0, sizeof *o);
    guint64 at = obj_at(d, num);
    if (at == 0)
        return FALSE;
    g_autofree char *head = g_strdup_printf("%u 0 obj", num);
    for (gsize want = first; want <= MAX_DICT; want *= 4) {
        g_free(o->text);
        o->text = g_malloc(want + 1);
        o->text_len = doc_read(d, at, (guint8 *)o->text, want);
        o->text[o->text_len] = '\0';
        const char *end = o->text + o->text_len;
        gsize hn = strlen(head);
        if (o->text_len < hn || memcmp(o->text, head, hn) != 0)
            break;
        const char *p = skip_space(o->text + hn, end);
        const char *dict_end = NULL;
        o->dict = dict_parse(p, end, &dict_end);
        if (o->dict != NULL) {
            o->dict_at = at + (guint64)(p - o->text);
            o->dict_end = at + (guint64)(dict_end - o->text);
            const char *s = skip_space(dict_end, end);
            if (end - s >= 7 && memcmp(s, "stream", 6) == 0) {
                s += 6;
                s += s[0] == '\r' && s[1] == '\n' ? 2 : 1;
                o->data_at = at + (guint64)(s - o->text);
            }
            return TRUE;
        }
        if (o->text_len < want || (p < end && *p != '<'))
            break; // the whole object read, or no dictionary at all
    }
    obj_clear(o); // nothing kept: a caller may try many objects
    return FALSE;
}

// The integer that object NUM is (a stream's indirect /Length), or -1.
static gint64
obj_integer(const pdf_doc *d, guint num)
{
    guint64 at = obj_at(d, num);
    if (at == 0)
        return -1;
    char text[64 + 1];
    gsize n = doc_read(d, at, (guint8 *)text, 64);
    text[n] = '\0';
    g_autofree char *head = g_strdup_printf("%u 0 obj", num);
    if (!g_str_has_prefix(text, head))
        return -1;
    const char *p = skip_space(text + strlen(head), text + n);
    char *e = NULL;
    guint64 v = g_ascii_strtoull(p, &e, 10);
    return e != p && v < G_MAXINT64 ? (gint64)v : -1;
}

// The length of stream O's data, or -1.
static gint64
obj_length(const pdf_doc *d, const pdf_obj *o)
{
    const char *v = dict_get(o->dict, "/Length");
    if (v == NULL)
        return -1;
    if (ref_num(v) != 0)
        return obj_integer(d, ref_num(v));
    return is_uint(v, v + strlen(v)) ? (gint64)g_ascii_strtoull(v, NULL, 10) : -1;
}

// Where the next byte of the update goes.
static guint64
tail_at(const pdf_doc *d)
{
    return d->len + d->flushed + d->tail->len;
}

// A file's update written as it grows (its bookmarks alone take 17 MB for 100,000 pages); an
// error is kept for sc_finish_pdf_file() to report.
static void
tail_flush(pdf_doc *d)
{
    if (d->mem != NULL || d->tail->len < (1u << 20))
        return;
    if (d->write_errno == 0 && pwrite(d->fd, d->tail->str, d->tail->len,
                                      (off_t)(d->len + d->flushed)) != (ssize_t)d->tail->len)
        d->write_errno = errno != 0 ? errno : EIO;
    d->flushed += d->tail->len;
    g_string_truncate(d->tail, 0);
}

// Start object NUM in the update (its offset recorded); what follows is its body.
static void
begin_object(pdf_doc *d, guint num)
{
    tail_flush(d);
    xref_entry e = {num, tail_at(d)};
    g_array_append_val(d->written, e);
    g_string_append_printf(d->tail, "%u 0 obj\n", num);
}

// Object NUM (a new one, or a new version of NUM) in the update: TEXT, or dictionary DICT with
// LEN bytes of stream DATA.
static void
put_object(pdf_doc *d, guint num, const char *text)
{
    begin_object(d, num);
    g_string_append_printf(d->tail, "%s\nendobj\n", text);
}

// DICT with its /Length set to LEN, written on one line.
static GString *
stream_dict(GArray *dict, gsize len)
{
    g_autofree char *n = g_strdup_printf("%" G_GSIZE_FORMAT, len);
    dict_set(dict, "/Length", n);
    return dict_unparse(dict, 0);
}

// A stream object's body (after "N 0 obj"): DICT with its /Length, then LEN bytes of DATA,
// appended to OUT.
static void
append_stream(GString *out, GArray *dict, const guint8 *data, gsize len)
{
    g_autoptr(GString) s = stream_dict(dict, len);
    g_string_append_len(out, s->str, (gssize)s->len);
    g_string_append(out, "\nstream\n");
    g_string_append_len(out, (const char *)data, (gssize)len);
    g_string_append(out, "\nendstream\nendobj\n");
}

static void
put_stream(pdf_doc *d, guint num, GArray *dict, const guint8 *data, gsize len)
{
    begin_object(d, num);
    append_stream(d->tail, dict, data, len);
}

// Where the objects that amendments add go: the update of the PDF amended (the finish stage), or
// the file parts are joined into (sc_finish_join()).
typedef struct {
    // A new stream object of DICT (without /Length) and LEN bytes of DATA: its number.
    guint (*stream)(gpointer to, GArray *dict, const guint8 *data, gsize len);
    gpointer to;
    GHashTable *iccs; // JPEG ICC profiles added there (checksum → object number)
} added_objects;

static guint
update_stream(gpointer to, GArray *dict, const guint8 *data, gsize len)
{
    pdf_doc *d = to;
    guint num = d->next++;
    put_stream(d, num, dict, data, len);
    return num;
}

// A new stream object of DICT_TEXT (without /Length) and DATA in OUT; its number.
static guint
add_stream(added_objects *out, const char *dict_text, const guint8 *data, gsize len)
{
    const char *end = NULL;
    GArray *dict = dict_parse(dict_text, dict_text + strlen(dict_text), &end);
    guint num = out->stream(out->to, dict, data, len);
    g_array_unref(dict);
    return num;
}

// The same in D's update.
static guint
new_stream(pdf_doc *d, const char *dict_text, const guint8 *data, gsize len)
{
    added_objects out = {update_stream, d, d->iccs};
    return add_stream(&out, dict_text, data, len);
}

// Object O (number NUM) with its dictionary O->dict as amended: written over the old dictionary
// when it fits in its bytes, else as a new version in the update.  SKIP: the first bytes of the
// stream's data, a PNG's stub header (photo.h), to be dropped; the new dictionary may take them.
// FALSE with *ERROR set.
static gboolean
rewrite_dict(pdf_doc *d, guint num, pdf_obj *o, gsize skip, GError **error)
{
    static const char eol_stream[] = "\nstream\n";
    gsize width = (gsize)(o->dict_end - o->dict_at);
    if (skip > 0)
        width = (gsize)(o->data_at + skip - o->dict_at) - strlen(eol_stream);
    g_autoptr(GString) s = dict_unparse(o->dict, width);
    if (s->len == width) {
        if (skip > 0)
            g_string_append(s, eol_stream);
        return doc_write(d, o->dict_at, s->str, s->len, error);
    }
    if (o->data_at == 0) {
        put_object(d, num, s->str);
        return TRUE;
    }
    // A stream whose dictionary grew past its room: written again whole (never for cairo 1.16's
    // images, whose dictionaries carry spare white space).
    // (A stub's dictionary already has its image's /Length.)
    gint64 len = obj_length(d, o);
    if (len < 0 || o->data_at + skip + (guint64)len > d->len) {
        set_bad(error, _("a stream without its length"));
        return FALSE;
    }
    g_autofree guint8 *data = g_malloc((gsize)len + 1);
    gsize n = doc_read(d, o->data_at + skip, data, (gsize)len);
    put_stream(d, num, o->dict, data, n);
    return TRUE;
}

// --- What every finished PDF gets

// The ICC profile of the JPEG at DATA (LEN of its first bytes) as a colour space for its N
// components ("[/ICCBased K 0 R]", the profile's stream added once per file), or NULL.
static char *
jpeg_icc_space(added_objects *out, const guint8 *data, gsize len, int n)
{
    g_autoptr(GBytes) icc = sc_photo_jpeg_icc(data, len);
    gsize size = 0;
    const guint8 *profile = icc != NULL ? g_bytes_get_data(icc, &size) : NULL;
    // A profile of another colour space than the image's would be wrong: ICC.1 §7.2.6.
    static const char *const sig[] = {NULL, "GRAY", NULL, "RGB ", "CMYK"};
    if (profile == NULL || size < 128 || memcmp(profile + 16, sig[n], 4) != 0)
        return NULL;
    g_autofree char *sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, icc);
    guint num = GPOINTER_TO_UINT(g_hash_table_lookup(out->iccs, sum));
    if (num == 0) {
        g_autofree char *dict = g_strdup_printf("<< /N %d >>", n);
        num = add_stream(out, dict, profile, size);
        g_hash_table_insert(out->iccs, g_steal_pointer(&sum), GUINT_TO_POINTER(num));
    }
    return g_strdup_printf("[/ICCBased %u 0 R]", num);
}

// The most of a JPEG's (or a stub's) first bytes that its amendment reads: its ICC profile.
#define IMAGE_HEAD_MAX (256u * 1024)

// The first bytes of the /DCTDecode data at AT (LEN bytes) of D: its segments up to its scan or
// end, what amend_image() reads (a stub's header, an ICC profile), not the whole photo; their
// count into *N.  Caller frees with g_free().
static guint8 *
image_head(const pdf_doc *d, guint64 at, gsize len, gsize *n)
{
    gsize most = MIN(len, IMAGE_HEAD_MAX), want = MIN(most, 4096);
    for (;;) {
        guint8 *head = g_malloc(want + 1);
        gsize got = doc_read(d, at, head, want), need = 0;
        for (gsize pos = 2; pos + 4 <= got && head[pos] == 0xFF;) {
            guint8 marker = head[pos + 1];
            if (marker == 0xDA || marker == 0xD9)
                break; // the scan or the end
            gsize seg = 2 + ((gsize)head[pos + 2] << 8 | head[pos + 3]);
            if (pos + seg + 4 > got) {
                need = pos + seg + 4; // the segment and the next one's marker and length
                break;
            }
            pos += seg;
        }
        if (need == 0 || got < want || want >= most) {
            *n = got;
            return head;
        }
        g_free(head);
        want = MIN(most, MAX(need, 4 * want));
    }
}

// A soft mask of W × H 8-bit ALPHA (zlib) as a new image object: its reference.
static char *
soft_mask(added_objects *out, GBytes *alpha, int w, int h)
{
    g_autofree char *dict = g_strdup_printf(
        "<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        "/BitsPerComponent 8 /Interpolate false /Filter /FlateDecode >>",
        w, h);
    gsize n;
    const guint8 *data = g_bytes_get_data(alpha, &n);
    return g_strdup_printf("%u 0 R", add_stream(out, dict, data, n));
}

// Image O of D: /Interpolate false (ISO 19005-2 §6.2.8: cairo 1.16 writes true for the default
// filter); a PNG's stub (photo.h) turned into the PNG's image, its IDAT data as is with the PNG
// predictors (issue 15); a JPEG's own ICC profile as its colour space (SPEC §5; issue 10: cairo
// 1.16 writes /DeviceRGB, and a viewer would ignore the profile).  The objects this needs added to
// OUT; in *SKIP the first bytes of the stream's data to drop (a stub's header).
static void
amend_image(const pdf_doc *d, pdf_obj *o, added_objects *out, gsize *skip)
{
    dict_set(o->dict, "/Interpolate", "false");
    if (o->data_at != 0 && dict_is(o->dict, "/Filter", "/DCTDecode")) {
        static const struct {
            const char *name;
            int components;
        } spaces[] = {{"/DeviceRGB", 3}, {"/DeviceGray", 1}, {"/DeviceCMYK", 4}};
        int n = 0;
        for (guint i = 0; i < G_N_ELEMENTS(spaces) && n == 0; i++)
            if (dict_is(o->dict, "/ColorSpace", spaces[i].name))
                n = spaces[i].components;
        gint64 len = obj_length(d, o);
        gsize head_len = 0;
        g_autofree guint8 *head = image_head(d, o->data_at, len > 0 ? (gsize)len : 0, &head_len);
        int colors, columns, w, h;
        gsize offset;
        g_autoptr(GBytes) alpha = NULL;
        if (sc_photo_png_stub_parse(head, head_len, &colors, &columns, &offset)) {
            g_autofree char *parms = g_strdup_printf(
                "<< /Predictor 15 /Colors %d /BitsPerComponent 8 /Columns %d >>", colors, columns);
            g_autofree char *length = g_strdup_printf("%" G_GINT64_FORMAT, len - (gint64)offset);
            dict_set(o->dict, "/ColorSpace", colors == 3 ? "/DeviceRGB" : "/DeviceGray");
            dict_set(o->dict, "/Filter", "/FlateDecode");
            dict_set(o->dict, "/DecodeParms", parms);
            dict_set(o->dict, "/Length", length);
            *skip = offset;
        } else if ((alpha = sc_photo_mask_stub_parse(head, head_len, &w, &h, &offset)) != NULL) {
            g_autofree char *smask = soft_mask(out, alpha, w, h);
            g_autofree char *length = g_strdup_printf("%" G_GINT64_FORMAT, len - (gint64)offset);
            dict_set(o->dict, "/ColorSpace", "/DeviceRGB");
            dict_set(o->dict, "/Filter", "/FlateDecode");
            dict_set(o->dict, "/SMask", smask);
            dict_set(o->dict, "/Length", length);
            *skip = offset;
        } else if (n != 0) {
            g_autofree char *space = jpeg_icc_space(out, head, head_len, n);
            if (space != NULL)
                dict_set(o->dict, "/ColorSpace", space);
        }
    }
}

// The amendments object O of D needs, made to its dictionary O->dict: an image's (amend_image());
// a CIDFontType2 font naming its /CIDToGIDMap (ISO 19005-2 §6.2.11.3.2: cairo's subsets are
// numbered CID = GID, which is /Identity); an annotation (cairo's links) printed, never hidden:
// /F 4 (§6.3.2).  Whether any was made (none is made twice); OUT and *SKIP as amend_image()'s.
static gboolean
amend_dict(const pdf_doc *d, pdf_obj *o, added_objects *out, gsize *skip)
{
    *skip = 0;
    if (dict_is(o->dict, "/Subtype", "/Image")) {
        amend_image(d, o, out, skip);
        return TRUE;
    }
    if (dict_is(o->dict, "/Subtype", "/CIDFontType2") &&
        dict_get(o->dict, "/CIDToGIDMap") == NULL) {
        dict_set(o->dict, "/CIDToGIDMap", "/Identity");
        return TRUE;
    }
    if (dict_is(o->dict, "/Type", "/Annot") && dict_get(o->dict, "/F") == NULL) {
        dict_set(o->dict, "/F", "4");
        return TRUE;
    }
    return FALSE;
}

// The first bytes of object NUM of D, as text, up to its "endobj": a short object (a stream's
// length) is not taken for the image whose dictionary follows it.  BUF holds SIZE bytes.
static const char *
object_head(const pdf_doc *d, guint num, char *buf, gsize size)
{
    guint64 at = obj_at(d, num);
    gsize n = at != 0 ? doc_read(d, at, (guint8 *)buf, size - 1) : 0;
    buf[n] = '\0';
    char *end = strstr(buf, "endobj");
    if (end != NULL)
        *end = '\0';
    return buf;
}

// LEN bytes at AT of the file FD into the digest CTX, read through BUF (SIZE bytes).  FALSE when
// they cannot be read.
static gboolean
digest_range(EVP_MD_CTX *ctx, int fd, guint64 at, guint64 len, guint8 *buf, gsize size)
{
    for (guint64 done = 0; done < len;) {
        ssize_t got = pread(fd, buf, (gsize)MIN((guint64)size, len - done), (off_t)(at + done));
        if (got <= 0)
            return FALSE;
        EVP_DigestUpdate(ctx, buf, (gsize)got);
        done += (guint64)got;
    }
    return TRUE;
}

// A file's bytes digested on another core while the finish stage amends them
// (sc_finish_pdf_file()), as far as the amendments have left it final (amend_objects()), or while
// parts are joined into it (sc_finish_join()).  For 1,000 certificates the digest of 106 MB took
// 0.10 s after the amendments' 0.07 s.
typedef struct body_digest {
    int fd;
    EVP_MD_CTX *ctx;
    GThread *thread;
    GMutex lock;
    GCond moved;
    guint64 final;   // bytes [0, FINAL) are final
    guint64 told;    // FINAL when the digest was last woken
    gboolean closed; // FINAL will not move again
    gboolean failed; // a read failed
} body_digest;

#define DIGEST_STEP (1u << 20)

static gpointer
digest_body(gpointer data)
{
    body_digest *b = data;
    g_autofree guint8 *buf = g_malloc(DIGEST_STEP);
    guint64 done = 0;
    for (;;) {
        g_mutex_lock(&b->lock);
        while (!b->closed && b->final - done < DIGEST_STEP)
            g_cond_wait(&b->moved, &b->lock);
        guint64 final = b->final;
        gboolean closed = b->closed;
        g_mutex_unlock(&b->lock);
        b->failed = !digest_range(b->ctx, b->fd, done, final - done, buf, DIGEST_STEP);
        // Final, so on its way to the disk already: the fsync that follows has less to wait for
        // (an error of writing it is told to that fsync).
        if (!b->failed && final > done)
            sync_file_range(b->fd, (off64_t)done, (off64_t)(final - done), SYNC_FILE_RANGE_WRITE);
        done = final;
        if (closed || b->failed)
            return NULL;
    }
}

// Bytes [0, FINAL) of B's file are final (CLOSE: and no more will be).
static void
digest_up_to(body_digest *b, guint64 final, gboolean close)
{
    if (b == NULL)
        return;
    g_mutex_lock(&b->lock);
    b->final = MAX(b->final, final);
    b->closed = b->closed || close;
    if (close || b->final - b->told >= DIGEST_STEP) {
        b->told = b->final;
        g_cond_signal(&b->moved);
    }
    g_mutex_unlock(&b->lock);
}

// The bytes of the file FD digested (SHA-256) on another core as they become final
// (digest_up_to()).
static body_digest *
digest_start(int fd)
{
    body_digest *b = g_new0(body_digest, 1);
    b->fd = fd;
    b->ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(b->ctx, EVP_sha256(), NULL);
    g_mutex_init(&b->lock);
    g_cond_init(&b->moved);
    b->thread = g_thread_new("skillcert-digest", digest_body, b);
    return b;
}

// B's digest of the file's first FINAL bytes (*FAILED: they could not all be read), B freed.
// Caller frees with EVP_MD_CTX_free().
static EVP_MD_CTX *
digest_stop(body_digest *b, guint64 final, gboolean *failed)
{
    digest_up_to(b, final, TRUE);
    g_thread_join(b->thread);
    EVP_MD_CTX *ctx = b->ctx;
    *failed = b->failed || b->final != final;
    g_mutex_clear(&b->lock);
    g_cond_clear(&b->moved);
    g_free(b);
    return ctx;
}

// Every object cairo wrote amended (amend_dict()), in its place when it fits.  Only the first bytes
// of an object are read to know what it is.
static gboolean
amend_objects(pdf_doc *d, GError **error)
{
    gboolean ok = TRUE;
    added_objects out = {update_stream, d, d->iccs};
    // For the digest (digest_up_to()): how many objects not yet amended start in each megabyte
    // of the file.  What lies before the first megabyte that still has one is final: an object's
    // amendments stay within its own bytes, after its start.  (Objects stand mostly in the order
    // of their numbers.)
    guint64 chunks = d->len / DIGEST_STEP + 1, first = 0;
    g_autofree guint32 *pending = d->digest != NULL ? g_new0(guint32, chunks) : NULL;
    for (guint num = 1; pending != NULL && num < d->size; num++)
        if (d->offset[num] != 0 && d->offset[num] < d->len)
            pending[d->offset[num] / DIGEST_STEP]++;
    guint done = 0; // the object amended last, to be counted out
    for (guint num = 1; num < d->size && ok; num++) {
        if (pending != NULL && done != 0) {
            pending[d->offset[done] / DIGEST_STEP]--;
            while (first < chunks && pending[first] == 0)
                first++;
            digest_up_to(d->digest, MIN(first * DIGEST_STEP, d->len), FALSE);
        }
        done = d->offset[num] != 0 && d->offset[num] < d->len ? num : 0;
        char head[160];
        const char *h = object_head(d, num, head, sizeof head);
        gboolean image = strstr(h, "/Subtype /Image") != NULL;
        gboolean font = strstr(h, "/Subtype /CIDFontType2") != NULL;
        gboolean annot = strstr(h, "/Type /Annot") != NULL;
        pdf_obj o;
        if (!(image || font || annot) || !obj_read(d, num, 1024, &o))
            continue;
        gsize skip;
        if (amend_dict(d, &o, &out, &skip))
            ok = rewrite_dict(d, num, &o, skip, error);
        obj_clear(&o);
    }
    return ok;
}

// TEXT as a PDF text string: literal when printable ASCII, else UTF-16BE with its byte order
// mark, in hex (ISO 32000-1 §7.9.2.2).
static void
append_text(GString *s, const char *text)
{
    gboolean ascii = TRUE;
    for (const char *p = text; *p != '\0' && ascii; p++)
        ascii = *p >= 0x20 && *p < 0x7f;
    if (ascii) {
        g_string_append_c(s, '(');
        for (const char *p = text; *p != '\0'; p++) {
            if (*p == '(' || *p == ')' || *p == '\\')
                g_string_append_c(s, '\\');
            g_string_append_c(s, *p);
        }
        g_string_append_c(s, ')');
        return;
    }
    glong n = 0;
    g_autofree gunichar2 *u = g_utf8_to_utf16(text, -1, NULL, &n, NULL);
    g_string_append(s, "<FEFF");
    for (glong i = 0; u != NULL && i < n; i++) {
        const guint8 unit[2] = {(guint8)(u[i] >> 8), (guint8)u[i]};
        char hex[4];
        hex_into(hex, unit, 2, "0123456789ABCDEF");
        g_string_append_len(s, hex, 4);
    }
    g_string_append_c(s, '>');
}

static void
info_text(GString *s, const char *key, const char *text)
{
    if (text == NULL)
        return;
    g_string_append_printf(s, " %s ", key);
    append_text(s, text);
}

// A new document information dictionary for INFO, in place of cairo's (or a new object).
static void
replace_info(pdf_doc *d, const sc_finish_info *info)
{
    g_autoptr(GString) s = g_string_new("<<");
    info_text(s, "/Title", info->title);
    info_text(s, "/Author", info->author);
    info_text(s, "/Subject", info->subject);
    info_text(s, "/Keywords", info->keywords);
    info_text(s, "/Creator", creator_of(info));
    g_autofree char *prod = producer();
    info_text(s, "/Producer", prod);
    g_autofree char *date = sc_finish_pdf_date(info->created);
    info_text(s, "/CreationDate", date);
    info_text(s, "/ModDate", date);
    g_string_append(s, " >>");
    if (d->info == 0)
        d->info = d->next++;
    put_object(d, d->info, s->str);
}

// The sRGB profile (SC_ICC_PROFILE) compressed, read once for the process (every split file
// embeds it: 2.4 KB instead of 6.9), or NULL with *ERROR set.  Caller frees with g_bytes_unref().
static GBytes *
icc_profile(GError **error)
{
    static GMutex lock;
    static GBytes *profile; // kept for the process's life once read
    g_mutex_lock(&lock);
    g_autofree char *icc = NULL;
    gsize len = 0;
    if (profile == NULL && g_file_get_contents(SC_ICC_PROFILE, &icc, &len, error)) {
        uLongf n = compressBound((uLong)len);
        guint8 *z = g_malloc(n);
        if (compress2(z, &n, (const Bytef *)icc, (uLong)len, Z_BEST_COMPRESSION) == Z_OK) {
            profile = g_bytes_new_take(z, n);
        } else {
            g_free(z);
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot read %s: %s"), SC_ICC_PROFILE,
                        g_strerror(ENOMEM));
        }
    }
    GBytes *result = profile != NULL ? g_bytes_ref(profile) : NULL;
    g_mutex_unlock(&lock);
    return result;
}

// ISO 19005-2 §6.2.3: an sRGB OutputIntent, its ICC profile embedded once per file, since cairo
// paints in DeviceRGB: the intents array, or NULL with *ERROR set when the profile is missing.
static char *
output_intents(pdf_doc *d, GError **error)
{
    g_autoptr(GBytes) icc = icc_profile(error);
    if (icc == NULL) {
        g_prefix_error(error, _("the sRGB colour profile (Debian package icc-profiles-free): "));
        return NULL;
    }
    gsize len = 0;
    const guint8 *data = g_bytes_get_data(icc, &len);
    guint num = new_stream(d, "<< /N 3 /Filter /FlateDecode >>", data, len);
    return g_strdup_printf("[<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier "
                           "(sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /RegistryName "
                           "(http://www.color.org) /DestOutputProfile %u 0 R >>]",
                           num);
}

// The first page's object number, down the page tree from the catalog's /Pages; 0 if none.
static guint
first_page(const pdf_doc *d, const char *pages)
{
    guint num = ref_num(pages);
    for (int depth = 0; num != 0 && depth < 64; depth++) {
        pdf_obj o;
        if (!obj_read(d, num, 1024, &o))
            return 0;
        gboolean leaf = dict_is(o.dict, "/Type", "/Page");
        const char *kids = dict_get(o.dict, "/Kids");
        guint next =
            kids != NULL && kids[0] == '[' ? ref_num(skip_space(kids + 1, kids + strlen(kids))) : 0;
        obj_clear(&o);
        if (leaf)
            return num;
        num = next;
    }
    return 0;
}

// --- The signature (PAdES B-B, ETSI EN 319 142-1)
// -------------------------------------------------

// What is written for the byte ranges before they are known: wide enough for any file.
#define BYTE_RANGE_STAND_IN "[0 9999999999 9999999999 9999999999]"

// The /Rect and /AP of a signature widget shown over BOX (mm from the top-left of the page whose
// dictionary is PAGE: x, y, w, h): the rectangle in the page's default user space, and the empty
// appearance PDF/A 6.3.3 asks of a visible annotation (what shows is the page beneath: the
// seal).  Caller frees with g_free().
static char *
shown_signature(pdf_doc *d, GArray *page, const double *box)
{
    const char *media = dict_get(page, "/MediaBox");
    double top = 0;
    if (media != NULL && media[0] == '[') {
        const char *p = media + 1;
        for (int i = 0; i < 4; i++)
            top = g_ascii_strtod(p, (char **)&p); // the C locale whatever the process's
    }
    const double pt = 72.0 / 25.4;
    const double r[4] = {box[0] * pt, top - (box[1] + box[3]) * pt, (box[0] + box[2]) * pt,
                         top - box[1] * pt};
    char n[6][G_ASCII_DTOSTR_BUF_SIZE];
    const double v[6] = {r[0], r[1], r[2], r[3], r[2] - r[0], r[3] - r[1]};
    for (int i = 0; i < 6; i++)
        g_ascii_formatd(n[i], sizeof n[i], "%.2f", v[i]);
    g_autofree char *form =
        g_strdup_printf("<< /Type /XObject /Subtype /Form /BBox [0 0 %s %s] >>", n[4], n[5]);
    guint ap = new_stream(d, form, (const guint8 *)"", 0);
    return g_strdup_printf("/Rect [%s %s %s %s] /AP << /N %u 0 R >>", n[0], n[1], n[2], n[3], ap);
}

// A signature field on the first page (invisible, or shown over INFO->signature_box), its value
// a signature dictionary whose /ByteRange and /Contents (ROOM zero bytes, written as hex) are
// filled in by sign_written().  The field's number, or 0 with *ERROR set.
static guint
add_signature_field(pdf_doc *d, const char *pages, const sc_finish_info *info, gsize room,
                    GError **error)
{
    guint page = first_page(d, pages);
    pdf_obj o;
    if (page == 0 || !obj_read(d, page, 1024, &o)) {
        set_bad(error, _("no first page to sign"));
        return 0;
    }
    guint sig = d->next++, field = d->next++;
    begin_object(d, sig);
    g_string_append(d->tail, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
                             "/ETSI.CAdES.detached /ByteRange ");
    d->sig_range = tail_at(d);
    g_string_append(d->tail, BYTE_RANGE_STAND_IN " /Contents ");
    d->sig_hex = tail_at(d);
    g_string_append_c(d->tail, '<');
    for (gsize i = 0; i < room; i++)
        g_string_append(d->tail, "00");
    g_string_append_c(d->tail, '>');
    g_autofree char *date = sc_finish_pdf_date(info->created);
    if (date != NULL)
        g_string_append_printf(d->tail, " /M (%s)", date);
    g_string_append(d->tail, " >>\nendobj\n");
    // /F 132: printed and locked; an empty /Rect: invisible (no appearance needed, PDF/A 6.3.3).
    g_autofree char *place = info->signature_box != NULL
                                 ? shown_signature(d, o.dict, info->signature_box)
                                 : g_strdup("/Rect [0 0 0 0]");
    g_autofree char *widget =
        g_strdup_printf("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /F 132 %s "
                        "/V %u 0 R /P %u 0 R >>",
                        place, sig, page);
    put_object(d, field, widget);
    const char *annots = dict_get(o.dict, "/Annots");
    g_autofree char *list = NULL;
    if (annots != NULL && annots[0] == '[') // cairo writes its links' array in the page
        list = g_strdup_printf("%.*s %u 0 R]", (int)strlen(annots) - 1, annots, field);
    else
        list = g_strdup_printf("[%u 0 R]", field);
    dict_set(o.dict, "/Annots", list);
    g_autoptr(GString) s = dict_unparse(o.dict, 0);
    put_object(d, page, s->str);
    obj_clear(&o);
    return field;
}

// Sign PDF (LEN bytes, written with add_signature_field()'s stand-ins at D's offsets) in place:
// the byte ranges written over their stand-in, the CMS over them written into /Contents.  BODY
// is the SHA-256 so far of the first D->len bytes (what cairo wrote, before the stand-ins): each
// digest carries it on (its bytes are read once), the signature's over the ranges, and the
// signed file's, which goes into MD (taken: freed).
static gboolean
sign_written(const pdf_doc *d, guint8 *pdf, gsize len, const sc_finish_info *info, gsize room,
             EVP_MD_CTX *body, guint8 *md, unsigned int *mdn, GError **error)
{
    guint8 *br = pdf + d->sig_range, *c0 = pdf + d->sig_hex;
    gsize c1 = d->sig_hex + 2 * room + 2;
    gsize width = strlen(BYTE_RANGE_STAND_IN);
    g_autofree char *range =
        g_strdup_printf("[0 %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT "]",
                        (gsize)d->sig_hex, c1, len - c1);
    gsize n = strlen(range);
    if (n > width) {
        g_set_error(error, SC_ERROR, SC_ERROR_RENDER, _("cannot sign the PDF: it is too large"));
        return FALSE;
    }
    memset(br, ' ', width); // the array, then spaces where the stand-in was longer
    memcpy(br, range, n);
    // The signing time: the creation date (SOURCE_DATE_EPOCH), so the same input signs the same.
    g_autoptr(GDateTime) t = parse_iso(info->created);
    gint64 when = t != NULL ? g_date_time_to_unix(t) : g_get_real_time() / G_USEC_PER_SEC;
    g_assert(d->sig_hex >= d->len && c1 <= len); // (the signature is in the update)
    guint8 ranges[EVP_MAX_MD_SIZE];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_MD_CTX_copy_ex(ctx, body);
    EVP_DigestUpdate(ctx, pdf + d->len, d->sig_hex - d->len);
    EVP_DigestUpdate(ctx, pdf + c1, len - c1);
    EVP_DigestFinal_ex(ctx, ranges, NULL);
    EVP_MD_CTX_free(ctx);
    g_autoptr(GBytes) cms = sc_signer_cms_digest(info->signer, ranges, when, error);
    if (cms == NULL) {
        EVP_MD_CTX_free(body);
        return FALSE;
    }
    // Here a time-stamp (PAdES B-T) would be added to the CMS as an unsigned attribute.
    gsize cms_len;
    const guint8 *data = g_bytes_get_data(cms, &cms_len);
    if (cms_len > room) {
        g_set_error(error, SC_ERROR, SC_ERROR_RENDER,
                    _("cannot sign the PDF: the signature takes %lu bytes, more than the %lu "
                      "set aside"),
                    (unsigned long)cms_len, (unsigned long)room);
        EVP_MD_CTX_free(body);
        return FALSE;
    }
    hex_into((char *)c0 + 1, data, cms_len, HEX_LOWER);
    EVP_DigestUpdate(body, pdf + d->len, len - d->len);
    EVP_DigestFinal_ex(body, md, mdn);
    EVP_MD_CTX_free(body);
    return TRUE;
}

// --- Reading the cross-reference table, writing the update

// The first KEY in the bytes P … END (which may hold zero bytes), or NULL.
static const char *
find_key(const char *p, const char *end, const char *key)
{
    gsize n = strlen(key);
    for (; p + n <= end; p++) {
        p = memchr(p, key[0], (gsize)(end - p) - n + 1);
        if (p == NULL || memcmp(p, key, n) == 0)
            return p;
    }
    return NULL;
}

// A number after KEY in the bytes P … END, or -1.
static gint64
number_after(const char *p, const char *end, const char *key)
{
    const char *k = find_key(p, end, key);
    if (k == NULL)
        return -1;
    const char *v = skip_space(k + strlen(key), end);
    char *e = NULL;
    guint64 n = g_ascii_strtoull(v, &e, 10);
    return e != v && n < G_MAXINT64 ? (gint64)n : -1;
}

// The trailer and cross-reference table of D's file: one classic section, as cairo writes.
// An update's table entry for an object made free (xref_entry.at).
#define FREED G_MAXUINT64

// Objects cairo numbered but never wrote (its structure tree's, when no page is tagged) keep a
// stale offset in its table: each is listed free in the update (generation 1), so that no reader
// finds a damaged file.  One read of an object's first bytes each.
static void
free_unwritten(pdf_doc *d)
{
    for (guint i = 1; i < d->size; i++) {
        if (d->offset[i] == 0)
            continue;
        char head[32 + 1];
        gsize n = doc_read(d, d->offset[i], (guint8 *)head, 32);
        head[n] = '\0';
        guint num = 0, gen = 0;
        int used = 0;
        if (sscanf(head, "%u %u obj%n", &num, &gen, &used) == 2 && used > 0 && num == i)
            continue;
        d->offset[i] = 0;
        xref_entry e = {i, FREED};
        g_array_append_val(d->written, e);
    }
}

static gboolean
read_xref(pdf_doc *d, GError **error)
{
    char tail[1024 + 1];
    gsize n = doc_read(d, d->len > 1024 ? d->len - 1024 : 0, (guint8 *)tail, 1024);
    tail[n] = '\0';
    const char *sx = NULL;
    for (const char *p = tail; (p = find_key(p, tail + n, "startxref")) != NULL; p++)
        sx = p;
    gint64 at = sx != NULL ? number_after(sx, tail + n, "startxref") : -1;
    char head[64 + 1];
    gsize hn = at > 0 ? doc_read(d, (guint64)at, (guint8 *)head, 64) : 0;
    head[hn] = '\0';
    guint first = 1, count = 0;
    int used = 0;
    if (hn == 0 || sscanf(head, "xref %u %u%n", &first, &count, &used) != 2 || first != 0 ||
        count == 0 || count > 100000000) {
        set_bad(error, _("it is not a PDF as cairo writes it"));
        return FALSE;
    }
    const char *e = head + used;
    while (*e == ' ' || *e == '\r' || *e == '\n')
        e++;
    guint64 entries = (guint64)at + (guint64)(e - head);
    d->xref_at = (guint64)at;
    d->size = count;
    d->next = count;
    d->entries = entries;
    // A joined file's table stays in the file (1.3 million entries for 100,000 certificates,
    // 10 MB in memory): the finish stage reads few of them.
    if (d->joined && entries + 20ull * count > d->len) {
        set_bad(error, _("its cross-reference table is cut short"));
        return FALSE;
    }
    d->offset = d->joined ? NULL : g_new0(guint64, count);
    guint8 buf[20 * 1024];
    for (guint i = 0; d->offset != NULL && i < count; i += 1024) {
        guint k = MIN(1024, count - i);
        if (doc_read(d, entries + 20ull * i, buf, 20 * k) != 20 * k) {
            set_bad(error, _("its cross-reference table is cut short"));
            return FALSE;
        }
        for (guint j = 0; j < k; j++) {
            const char *entry = (const char *)buf + 20 * j;
            if (entry[17] == 'n')
                d->offset[i + j] = g_ascii_strtoull(entry, NULL, 10);
        }
    }
    // The trailer dictionary follows the table.
    char trailer[1024 + 1];
    gsize tn = doc_read(d, entries + 20ull * count, (guint8 *)trailer, 1024);
    trailer[tn] = '\0';
    gint64 root = number_after(trailer, trailer + tn, "/Root");
    gint64 info = number_after(trailer, trailer + tn, "/Info");
    if (!g_str_has_prefix(skip_space(trailer, trailer + tn), "trailer") || root <= 0 ||
        (guint64)root >= count) {
        set_bad(error, _("it has no catalog"));
        return FALSE;
    }
    d->root = (guint)root;
    d->info = info > 0 && (guint64)info < count ? (guint)info : 0;
    if (d->offset != NULL)
        free_unwritten(d);
    return TRUE;
}

static gint
entry_cmp(gconstpointer a, gconstpointer b)
{
    const xref_entry *x = a, *y = b;
    return x->num < y->num ? -1 : x->num > y->num;
}

// The update's cross-reference section: one subsection per run of consecutive numbers.
static void
write_xref(pdf_doc *d)
{
    g_array_sort(d->written, entry_cmp);
    g_string_append(d->tail, "xref\n");
    for (guint i = 0; i < d->written->len;) {
        guint j = i + 1;
        while (j < d->written->len && g_array_index(d->written, xref_entry, j).num ==
                                          g_array_index(d->written, xref_entry, j - 1).num + 1)
            j++;
        g_string_append_printf(d->tail, "%u %u\n", g_array_index(d->written, xref_entry, i).num,
                               j - i);
        for (; i < j; i++) {
            guint64 at = g_array_index(d->written, xref_entry, i).at;
            if (at == FREED)
                g_string_append(d->tail, "0000000000 00001 f \n");
            else
                g_string_append_printf(d->tail, "%010" G_GUINT64_FORMAT " 00000 n \n", at);
        }
    }
}

// --- The one PDF's bookmarks and page labels

// The page objects under the page tree node NUM, in order, appended to PAGES; FALSE if the tree
// is not one (DEPTH bounds a loop).
static gboolean
collect_pages(const pdf_doc *d, guint num, GArray *pages, int depth)
{
    pdf_obj o;
    if (depth > 32 || !obj_read(d, num, 1024, &o))
        return FALSE;
    gboolean ok = TRUE;
    if (dict_is(o.dict, "/Type", "/Page")) {
        g_array_append_val(pages, num);
    } else {
        const char *kids = dict_get(o.dict, "/Kids");
        const char *end = kids != NULL ? kids + strlen(kids) : NULL;
        ok = kids != NULL && kids[0] == '[';
        for (const char *p = ok ? skip_space(kids + 1, end) : end; ok && p < end && *p != ']';) {
            const char *v = value_end(p, end);
            g_autofree char *ref = v != NULL ? g_strndup(p, (gsize)(v - p)) : NULL;
            guint kid = ref_num(ref);
            ok = kid != 0 && collect_pages(d, kid, pages, depth + 1);
            p = ok ? skip_space(v, end) : end;
        }
    }
    obj_clear(&o);
    return ok;
}

// The next string of MARKS (sc_finish_info.marks) into *BUF (*CAP bytes, grown as needed), or
// NULL at its end.
static const char *
next_mark(FILE *marks, char **buf, size_t *cap)
{
    return getdelim(buf, cap, '\0', marks) > 0 ? *buf : NULL;
}

// INFO's page labels and bookmarks (sc_finish_info.marks) as new objects: the catalog's
// /PageLabels and /Outlines values set in CAT (an outline entry per page at the top level, each
// to its page).  FALSE with *ERROR set when the pages are not as many as the marks.
static gboolean
add_marks(pdf_doc *d, GArray *cat, const sc_finish_info *info, GError **error)
{
    g_autoptr(GArray) pages = g_array_new(FALSE, FALSE, sizeof(guint));
    guint root = ref_num(dict_get(cat, "/Pages"));
    if (root == 0 || !collect_pages(d, root, pages, 0) || pages->len != info->mark_pages) {
        set_bad(error, _("its pages are not the pages it was given bookmarks for"));
        return FALSE;
    }
    g_autofree char *label = NULL, *bookmark = NULL;
    size_t label_cap = 0, bookmark_cap = 0;
    // Read three times: the bookmarks counted, written, then the labels.
    guint count = 0;
    rewind(info->marks);
    for (guint i = 0; i < pages->len; i++) {
        if (next_mark(info->marks, &label, &label_cap) == NULL ||
            next_mark(info->marks, &bookmark, &bookmark_cap) == NULL) {
            set_bad(error, _("its pages are not the pages it was given bookmarks for"));
            return FALSE;
        }
        count += *bookmark != '\0';
    }
    // The entries are numbered in page order: each one's neighbours are the numbers beside it.
    guint outlines = d->next++, first = d->next, last = first + count - 1;
    d->next += count;
    g_autoptr(GString) s = g_string_new(NULL);
    rewind(info->marks);
    for (guint i = 0, num = first; i < pages->len; i++) {
        next_mark(info->marks, &label, &label_cap);
        next_mark(info->marks, &bookmark, &bookmark_cap);
        if (*bookmark == '\0')
            continue;
        g_string_assign(s, "<< /Title ");
        append_text(s, bookmark);
        g_string_append_printf(s, " /Parent %u 0 R", outlines);
        if (num > first)
            g_string_append_printf(s, " /Prev %u 0 R", num - 1);
        if (num < last)
            g_string_append_printf(s, " /Next %u 0 R", num + 1);
        g_string_append_printf(s, " /Dest [%u 0 R /Fit] >>", g_array_index(pages, guint, i));
        put_object(d, num++, s->str);
    }
    // The labels: one number tree (/Nums), written into the update as it grows.
    guint nums = d->next++;
    begin_object(d, nums);
    g_string_append(d->tail, "<< /Nums [");
    rewind(info->marks);
    for (guint i = 0; i < pages->len; i++) {
        next_mark(info->marks, &label, &label_cap);
        next_mark(info->marks, &bookmark, &bookmark_cap);
        if (*label == '\0')
            continue;
        g_string_append_printf(d->tail, " %u << /P ", i);
        append_text(d->tail, label);
        g_string_append(d->tail, " >>");
        tail_flush(d);
    }
    g_string_append(d->tail, " ] >>\nendobj\n");
    g_autofree char *labels_ref = g_strdup_printf("%u 0 R", nums);
    dict_set(cat, "/PageLabels", labels_ref);
    // With no bookmark at all: an empty outline.
    g_autofree char *o =
        count > 0 ? g_strdup_printf("<< /Type /Outlines /First %u 0 R /Last %u 0 R /Count %u >>",
                                    first, last, count)
                  : g_strdup("<< /Type /Outlines /Count 0 >>");
    put_object(d, outlines, o);
    g_autofree char *outlines_ref = g_strdup_printf("%u 0 R", outlines);
    dict_set(cat, "/Outlines", outlines_ref);
    return TRUE;
}

// The catalog's additions: the XMP stream, the language, the viewer preferences, /MarkInfo, the
// OutputIntent, and with a signer the signature field (ROOM bytes for its CMS).
static gboolean
amend_catalog(pdf_doc *d, const sc_finish_info *info, gsize room, GError **error)
{
    pdf_obj cat;
    if (!obj_read(d, d->root, 4096, &cat)) {
        set_bad(error, _("it has no catalog"));
        return FALSE;
    }
    g_autofree char *xmp = sc_finish_xmp(info);
    // Uncompressed, so that a reader (and PDF/A) finds the packet without decoding.
    guint meta =
        new_stream(d, "<< /Type /Metadata /Subtype /XML >>", (const guint8 *)xmp, strlen(xmp));
    g_autofree char *meta_ref = g_strdup_printf("%u 0 R", meta);
    dict_set(cat.dict, "/Metadata", meta_ref);
    g_autoptr(GString) lang = g_string_new(NULL);
    append_text(lang, info->lang != NULL ? info->lang : "zh-CN");
    dict_set(cat.dict, "/Lang", lang->str);
    // Issue 12: every PDF asks to be printed at actual size.
    dict_set(cat.dict, "/ViewerPreferences", "<< /PrintScaling /None >>");
    if (info->marks != NULL && !add_marks(d, cat.dict, info, error)) {
        obj_clear(&cat);
        return FALSE;
    }
    // A structure tree (render.c tags texts and images) makes a tagged PDF once it says so
    // (ISO 32000-1 §14.7.1): cairo 1.16 writes the tree but not /MarkInfo.
    if (dict_get(cat.dict, "/StructTreeRoot") != NULL)
        dict_set(cat.dict, "/MarkInfo", "<< /Marked true >>");
    g_autofree char *intents = output_intents(d, error);
    gboolean ok = intents != NULL;
    if (ok)
        dict_set(cat.dict, "/OutputIntents", intents);
    if (ok && info->signer != NULL) {
        guint field = add_signature_field(d, dict_get(cat.dict, "/Pages"), info, room, error);
        g_autofree char *form = g_strdup_printf("<< /SigFlags 3 /Fields [%u 0 R] >>", field);
        dict_set(cat.dict, "/AcroForm", form);
        ok = field != 0;
    }
    g_autoptr(GString) s = dict_unparse(cat.dict, 0);
    put_object(d, d->root, s->str);
    obj_clear(&cat);
    return ok;
}

// The update: every amendment, then its cross-reference section (the trailer follows, once the
// file's /ID is known).  FALSE with *ERROR set.
static gboolean
amend(pdf_doc *d, const sc_finish_info *info, gsize room, guint64 *xref, GError **error)
{
    if (!read_xref(d, error) || (!d->joined && !amend_objects(d, error)))
        return FALSE;
    replace_info(d, info);
    if (!amend_catalog(d, info, room, error))
        return FALSE;
    *xref = tail_at(d);
    write_xref(d);
    if (tail_at(d) > MAX_CLASSIC_OFFSET) {
        set_too_large(error);
        return FALSE;
    }
    return TRUE;
}

// The trailer, with the /ID made from DIGEST (of every byte before it: the same input gives the
// same bytes, another holder another /ID).
static void
write_trailer(pdf_doc *d, guint64 xref, const guint8 *digest)
{
    char hex[33];
    hex_into(hex, digest, 16, HEX_LOWER);
    hex[32] = '\0';
    g_string_append_printf(d->tail,
                           "trailer\n<< /Size %u /Root %u 0 R /Info %u 0 R /Prev %" G_GUINT64_FORMAT
                           " /ID [<%s> <%s>] >>\nstartxref\n%" G_GUINT64_FORMAT "\n%%%%EOF\n",
                           d->next, d->root, d->info, d->xref_at, hex, hex, xref);
}

static void
doc_init(pdf_doc *d)
{
    d->fd = -1;
    d->tail = g_string_new(NULL);
    d->written = g_array_new(FALSE, FALSE, sizeof(xref_entry));
    d->iccs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

static void
doc_clear(pdf_doc *d)
{
    g_free(d->offset);
    g_string_free(d->tail, TRUE);
    g_array_unref(d->written);
    g_hash_table_unref(d->iccs);
}

// --- Joining parts ------------------------------------------------------------------------------
//
// sink.c has cairo write a long document in parts (cairo 1.16 holds ≈ 1 KB per page until its
// document ends: 100 MB for 100,000 certificates).  The parts are joined here into the file cairo
// would have written: each part's objects that its pages reach are copied, renumbered, the
// parts' pages under one page tree.  The rest of a part (its catalog, page tree root, document
// information, and the structure tree of its links: the combined PDF is untagged) is left
// behind.  Stream data is copied file to file by the kernel; an image several parts use (a photo
// on pages of two parts) is copied once, as cairo embeds it once in one document.

typedef struct {
    int fd;
    const char *path;
    guint64 flushed; // bytes written to FD
    GString *buf;    // bytes to write after them
    guint next;      // the next new object number
    GString *parts;  // the page tree: one node per part, "N 0 R " each
    guint pages;
    int table;       // the cross-reference table as it is filled, 20 bytes an object, in a
                     // temporary file (100,000 pages have 1.3 million objects)
    int table_errno; // the first error of writing it, or 0
    GString *run;    // entries not yet written: a run of objects from RUN_FIRST on
    guint run_first;
    guint64 last;        // the last object's offset
    GHashTable *images;  // image_key() → join_image *: the images copied (a list per key)
    GHashTable *seen;    // the part being copied: its images' numbers → join_image * (not yet
                         // known to be copied: join_known_images())
    added_objects added; // where the amendments' objects go (join_add_stream())
    body_digest *digest; // the bytes written digested, or NULL
} join_out;

// N in decimal appended to S (what "%u" would write: objects are numbered by the million).
static void
append_uint(GString *s, guint64 n)
{
    char digits[24];
    int i = (int)sizeof digits;
    do
        digits[--i] = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    g_string_append_len(s, digits + i, (gssize)sizeof digits - i);
}

static guint64
join_at(const join_out *j)
{
    return j->flushed + j->buf->len;
}

static gboolean
join_flush(join_out *j, GError **error)
{
    for (gsize done = 0; done < j->buf->len;) {
        ssize_t w =
            pwrite(j->fd, j->buf->str + done, j->buf->len - done, (off_t)(j->flushed + done));
        if (w <= 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), j->path,
                        g_strerror(w < 0 ? errno : EIO));
            return FALSE;
        }
        done += (gsize)w;
    }
    j->flushed += j->buf->len;
    g_string_truncate(j->buf, 0);
    digest_up_to(j->digest, j->flushed, FALSE);
    return TRUE;
}

// Copy LEN bytes at OFF of the file IN to the end of J's (after flushing what is pending).
static gboolean
join_copy(join_out *j, int in, guint64 off, guint64 len, GError **error)
{
    if (!join_flush(j, error))
        return FALSE;
    loff_t from = (loff_t)off, to = (loff_t)j->flushed;
    while (len > 0) {
        ssize_t n = copy_file_range(in, &from, j->fd, &to, (size_t)MIN(len, 1u << 30), 0);
        if (n < 0 &&
            (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
            guint8 b[64 * 1024]; // no kernel copy between these files: through this buffer
            ssize_t got = pread(in, b, (gsize)MIN(len, sizeof b), from);
            n = got > 0 ? pwrite(j->fd, b, (gsize)got, to) : -1;
            if (n > 0)
                from += n, to += n;
        } // (else copy_file_range() moved both offsets)
        if (n <= 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), j->path,
                        g_strerror(n < 0 ? errno : EIO));
            return FALSE;
        }
        len -= (guint64)n;
    }
    j->flushed = (guint64)to;
    digest_up_to(j->digest, j->flushed, FALSE);
    return TRUE;
}

// The new number of D's object OLD (MAP[OLD]), given on first sight, when OLD is queued in TODO
// to be copied; 0 for an object D does not have.
static guint
join_number(join_out *j, const pdf_doc *d, guint *map, GArray *todo, guint old)
{
    if (old == 0 || old >= d->size || d->offset[old] == 0)
        return 0;
    if (map[old] == 0) {
        map[old] = j->next++;
        g_array_append_val(todo, old);
    }
    return map[old];
}

// The bytes P … END of an object of D, each reference renumbered (join_number()) into OUT.
// A page's /StructParents and an annotation's /StructParent index the structure tree left
// behind: they are blanked, the bytes keeping their length (finish's amendments rewrite
// dictionaries in their own room).  LENGTH (>= 0): a stream's, written in place of a /Length
// that refers to an object (cairo writes each length as one: 5 objects a page fewer to copy,
// list and read back).
static void
renumber(join_out *j, const pdf_doc *d, guint *map, GArray *todo, const char *p, const char *end,
         gint64 length, GString *out)
{
    while (p < end) {
        const char *q;
        if (*p == '(') {
            q = string_end(p, end);
        } else if (end - p >= 2 && p[0] == '<' && p[1] == '<') {
            q = p + 2;
        } else if (*p == '<') {
            q = memchr(p, '>', (gsize)(end - p));
            q = q != NULL ? q + 1 : NULL;
        } else if (*p == '%') {
            for (q = p; q < end && *q != '\n' && *q != '\r';)
                q++;
        } else if (is_delim(*p)) {
            q = *p == '/' ? token_end(p, end) : p + 1;
            if (*p == '/' && ((q - p == 14 && memcmp(p, "/StructParents", 14) == 0) ||
                              (q - p == 13 && memcmp(p, "/StructParent", 13) == 0))) {
                const char *v = skip_space(q, end), *v_end = token_end(v, end);
                if (is_uint(v, v_end)) {
                    for (const char *b = p; b < v_end; b++)
                        g_string_append_c(out, *b == '\n' || *b == '\r' ? *b : ' ');
                    p = v_end;
                    continue;
                }
            }
            const char *v = q - p == 7 && memcmp(p, "/Length", 7) == 0 && length >= 0
                                ? skip_space(q, end)
                                : NULL;
            const char *v_end = v != NULL ? value_end(v, end) : NULL;
            if (v_end != NULL && v_end[-1] == 'R') {
                g_string_append_printf(out, "/Length %" G_GINT64_FORMAT, length);
                p = v_end;
                continue;
            }
        } else {
            q = token_end(p, end);
            const char *v = is_uint(p, q) ? value_end(p, end) : NULL;
            if (v != NULL && v != q && v[-1] == 'R') {
                guint64 old = g_ascii_strtoull(p, NULL, 10);
                guint n = old < G_MAXUINT ? join_number(j, d, map, todo, (guint)old) : 0;
                if (n != 0) {
                    append_uint(out, n);
                    g_string_append(out, " 0 R");
                } else
                    g_string_append(out, "null");
                p = v;
                continue;
            }
        }
        if (q == NULL || q <= p)
            q = end; // malformed: the rest as it is
        g_string_append_len(out, p, q - p);
        p = q;
    }
}

// Images at least this large are copied once however many parts use them (a photo drawn on
// pages of two parts, as cairo embeds it once in one document).
#define SHARED_IMAGE_BYTES 1024

// An image copied into J: two images are the same when their keys (image_key()) and their
// data are.  Their data's SHA-256 is worked out only when a second image of the same key is met:
// most photos differ in length already (issue 15: every photo digested took a third of the join).
#define IMAGE_KEY 24
typedef struct join_image {
    guint8 key[IMAGE_KEY]; // image_key()
    guint8 md[16];         // the SHA-256 of its data, once HAS_MD
    gboolean has_md;
    guint num;       // its number in J
    guint64 data_at; // where its data starts in J's file (in its part's until copied)
    guint64 len;
    guint8 *head; // a copy's first bytes that were not copied (a stub's header), or NULL
    gsize head_len;
    struct join_image *next; // another image copied with the same key (rare), or NULL
} join_image;

static void
join_images_free(gpointer p)
{
    for (join_image *im = p, *next; im != NULL; im = next) {
        next = im->next;
        g_free(im->head);
        g_free(im);
    }
}

static guint
image_key_hash(gconstpointer key)
{
    guint h;
    memcpy(&h, key, sizeof h);
    return h;
}

static gboolean
image_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, IMAGE_KEY) == 0;
}

// What makes object NUM of D, an image that refers to nothing but its /Length, the image it is,
// but its data, into KEY: 16 bytes of the SHA-256 of its dictionary but /Length, then its data's
// length (24 bytes an image kept, not the dictionary: 10,000 photos joined).  Where the data is
// into *DATA_AT and *LEN.  FALSE when NUM is no such image.
static gboolean
image_key(const pdf_doc *d, guint num, guint8 key[IMAGE_KEY], guint64 *data_at, guint64 *len)
{
    char head[200];
    pdf_obj o;
    if (strstr(object_head(d, num, head, sizeof head), "/Subtype /Image") == NULL ||
        !obj_read(d, num, 1024, &o))
        return FALSE;
    gint64 n = o.data_at != 0 ? obj_length(d, &o) : -1;
    gboolean leaf = dict_is(o.dict, "/Subtype", "/Image") && n >= SHARED_IMAGE_BYTES &&
                    o.data_at + (guint64)n <= d->len;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (guint i = 0; leaf && i < o.dict->len; i++) {
        const dict_entry *e = &g_array_index(o.dict, dict_entry, i);
        if (strcmp(e->key, "/Length") == 0)
            continue;
        leaf = strstr(e->value, " R") == NULL; // (a reference, e.g. /SMask: not shared)
        EVP_DigestUpdate(ctx, e->key, strlen(e->key) + 1);
        EVP_DigestUpdate(ctx, e->value, strlen(e->value) + 1);
    }
    guint8 md[EVP_MAX_MD_SIZE];
    unsigned int mdn = 0;
    EVP_DigestFinal_ex(ctx, md, &mdn);
    EVP_MD_CTX_free(ctx);
    guint64 length = (guint64)MAX(n, 0);
    memcpy(key, md, 16);
    memcpy(key + 16, &length, 8);
    *data_at = o.data_at;
    *len = length;
    obj_clear(&o);
    return leaf;
}

// IM's data digested (from the file FD, where it is at IM->data_at, after its IM->head), once.
// FALSE when it cannot be read.
static gboolean
image_digest(join_image *im, int fd)
{
    if (im->has_md)
        return TRUE;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    if (im->head != NULL)
        EVP_DigestUpdate(ctx, im->head, im->head_len);
    guint8 buf[64 * 1024];
    gboolean ok = digest_range(ctx, fd, im->data_at, im->len, buf, sizeof buf);
    guint8 md[EVP_MAX_MD_SIZE];
    unsigned int mdn = 0;
    EVP_DigestFinal_ex(ctx, md, &mdn);
    EVP_MD_CTX_free(ctx);
    memcpy(im->md, md, 16);
    im->has_md = ok;
    return ok;
}

// Before a part of D is copied: each of its images that an earlier part copied is that one
// (MAP set to its number); the others are kept to be known once copied (join_object()).
static void
join_known_images(join_out *j, const pdf_doc *d, guint *map)
{
    g_hash_table_remove_all(j->seen);
    for (guint num = 1; num < d->size; num++) {
        join_image im = {0};
        if (d->offset[num] == 0 || !image_key(d, num, im.key, &im.data_at, &im.len))
            continue;
        for (join_image *copied = g_hash_table_lookup(j->images, im.key);
             copied != NULL && map[num] == 0; copied = copied->next)
            if (image_digest(copied, j->fd) && image_digest(&im, d->fd) &&
                memcmp(copied->md, im.md, 16) == 0)
                map[num] = copied->num;
        if (map[num] == 0)
            g_hash_table_insert(j->seen, GUINT_TO_POINTER(num), g_memdup2(&im, sizeof im));
    }
}

// The entries of J's table not yet written, written.
static void
join_flush_table(join_out *j)
{
    if (j->run->len > 0 && j->table_errno == 0 &&
        pwrite(j->table, j->run->str, j->run->len, (off_t)(20 * (guint64)j->run_first)) !=
            (ssize_t)j->run->len)
        j->table_errno = errno != 0 ? errno : EIO;
    g_string_truncate(j->run, 0);
}

// Object NUM's entry in J's table: at AT (0: free).  Objects are mostly written in the order of
// their numbers: their entries are written a run at a time.
static void
join_entry(join_out *j, guint num, guint64 at)
{
    if (j->run->len >= 64 * 1024 || num != j->run_first + j->run->len / 20) {
        join_flush_table(j);
        j->run_first = num;
    }
    char entry[] = "0000000000 00000 n \n"; // (ten digits: what a classic section holds)
    if (at == 0)
        memcpy(entry, "0000000000 00001 f \n", 20);
    for (guint64 v = MIN(at, MAX_CLASSIC_OFFSET), k = 10; v != 0; v /= 10)
        entry[--k] = (char)('0' + v % 10);
    g_string_append_len(j->run, entry, 20);
    j->last = MAX(j->last, at);
}

// Start new object NUM in J.
static void
join_begin(join_out *j, guint num)
{
    join_entry(j, num, join_at(j));
    append_uint(j->buf, num);
    g_string_append(j->buf, " 0 obj\n");
}

// A new stream object in J (added_objects): its number.
static guint
join_add_stream(gpointer to, GArray *dict, const guint8 *data, gsize len)
{
    join_out *j = to;
    guint num = j->next++;
    join_begin(j, num);
    append_stream(j->buf, dict, data, len);
    return num;
}

// Whether object O of a part is one that amend_dict() may amend.
static gboolean
amendable(const pdf_obj *o)
{
    return dict_is(o->dict, "/Subtype", "/Image") ||
           dict_is(o->dict, "/Subtype", "/CIDFontType2") || dict_is(o->dict, "/Type", "/Annot");
}

// Object O of D, its dictionary renumbered into DICT, amended as the finish stage amends what
// cairo wrote (amend_dict()): DICT rewritten, the objects the amendments add written into J
// (before O), in *SKIP the first bytes of O's data not to copy.
static void
join_amend(join_out *j, const pdf_doc *d, const pdf_obj *o, GString *dict, gsize *skip)
{
    const char *end = NULL;
    pdf_obj view = {.dict = dict_parse(dict->str, dict->str + dict->len, &end),
                    .data_at = o->data_at};
    *skip = 0;
    if (view.dict != NULL && amend_dict(d, &view, &j->added, skip)) {
        g_autoptr(GString) s = dict_unparse(view.dict, 0);
        g_string_assign(dict, s->str);
    }
    if (view.dict != NULL)
        g_array_unref(view.dict);
}

// Copy D's object OLD into J as MAP[OLD], what it refers to queued in TODO; amended
// (join_amend()) when J is to be finished.
static gboolean
join_object(join_out *j, const pdf_doc *d, guint *map, GArray *todo, guint old, GError **error)
{
    pdf_obj o;
    guint num = map[old];
    join_image *image = NULL;
    g_hash_table_steal_extended(j->seen, GUINT_TO_POINTER(old), NULL, (gpointer *)&image);
    if (obj_read(d, old, 1024, &o)) {
        gsize start = (gsize)(o.dict_at - d->offset[old]),
              stop = (gsize)(o.dict_end - d->offset[old]);
        gint64 len = o.data_at != 0 ? obj_length(d, &o) : -1;
        gboolean ok = o.data_at == 0 || (len >= 0 && o.data_at + (guint64)len <= d->len);
        if (!ok) {
            set_bad(error, _("a stream without its length"));
            obj_clear(&o);
            return FALSE;
        }
        gsize skip = 0;
        if (j->digest != NULL && amendable(&o)) {
            g_autoptr(GString) dict = g_string_new(NULL);
            renumber(j, d, map, todo, o.text + start, o.text + stop, len, dict);
            join_amend(j, d, &o, dict, &skip);
            if (o.data_at != 0 && skip > (guint64)len) {
                set_bad(error, _("a stream without its length"));
                obj_clear(&o);
                return FALSE;
            }
            join_begin(j, num);
            g_string_append_len(j->buf, dict->str, (gssize)dict->len);
        } else {
            join_begin(j, num);
            renumber(j, d, map, todo, o.text + start, o.text + stop, len, j->buf);
        }
        if (o.data_at != 0) {
            g_string_append(j->buf, "\nstream\n");
            if (image != NULL) { // known from now on, in J's file
                image->num = num;
                image->data_at = join_at(j);
                image->len = (guint64)len - skip;
                if (skip > 0) { // (the bytes it was digested from: image_digest())
                    image->head = g_malloc(skip);
                    image->head_len = doc_read(d, o.data_at, image->head, skip);
                }
                join_image *first = g_hash_table_lookup(j->images, image->key);
                if (first != NULL) {
                    image->next = first->next;
                    first->next = g_steal_pointer(&image);
                } else {
                    g_hash_table_insert(j->images, image->key, image);
                    image = NULL;
                }
            }
            ok = ok && join_copy(j, d->fd, o.data_at + skip, (guint64)len - skip, error);
            g_string_append(j->buf, "\nendstream");
        }
        g_free(image);
        g_string_append(j->buf, "\nendobj\n");
        obj_clear(&o);
        return ok && (j->buf->len < (1u << 20) || join_flush(j, error));
    }
    // No dictionary: a number (a stream's length) or an array, read whole up to "endobj".
    obj_clear(&o);
    g_free(image);
    g_autofree char *head = g_strdup_printf("%u 0 obj", old);
    g_autofree char *text = NULL;
    const char *end = NULL;
    for (gsize want = 1024; end == NULL && want <= MAX_DICT; want *= 4) {
        g_free(text);
        text = g_malloc(want + 1);
        gsize got = doc_read(d, d->offset[old], (guint8 *)text, want);
        text[got] = '\0';
        if (!g_str_has_prefix(text, head)) {
            join_entry(j, num, 0); // listed but never written: nothing can use it
            return TRUE;
        }
        end = strstr(text + strlen(head), "endobj");
        if (got < want)
            break;
    }
    if (end == NULL) {
        set_bad(error, _("an object without its end"));
        return FALSE;
    }
    join_begin(j, num);
    renumber(j, d, map, todo, skip_space(text + strlen(head), end), end, -1, j->buf);
    g_string_append(j->buf, "endobj\n");
    return TRUE;
}

// Copy the part at PATH into J: its pages, and what they reach, under a page tree node of
// their own (the root, object 1, is written last).
static gboolean
join_part(join_out *j, const char *path, GError **error)
{
    pdf_doc d = {0};
    doc_init(&d);
    d.fd = g_open(path, O_RDONLY | O_CLOEXEC, 0);
    GStatBuf st;
    gboolean ok = d.fd >= 0 && fstat(d.fd, &st) == 0;
    if (!ok)
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot read %s: %s"), path, g_strerror(errno));
    d.len = ok ? (guint64)st.st_size : 0;
    pdf_obj cat = {0};
    ok = ok && read_xref(&d, error) && obj_read(&d, d.root, 1024, &cat);
    g_autoptr(GArray) pages = g_array_new(FALSE, FALSE, sizeof(guint));
    guint root = ok ? ref_num(dict_get(cat.dict, "/Pages")) : 0;
    if (ok && (root == 0 || !collect_pages(&d, root, pages, 0) || pages->len == 0)) {
        set_bad(error, _("a part has no pages"));
        ok = FALSE;
    }
    obj_clear(&cat);
    g_autofree guint *map = g_new0(guint, MAX(d.size, 1));
    g_autoptr(GArray) todo = g_array_new(FALSE, FALSE, sizeof(guint));
    guint node = j->next++;
    if (ok) {
        join_known_images(j, &d, map);
        map[root] = node; // each page's /Parent: the part's node
        g_autoptr(GString) kids = g_string_new(NULL);
        for (guint i = 0; i < pages->len; i++)
            g_string_append_printf(kids, "%u 0 R ",
                                   join_number(j, &d, map, todo, g_array_index(pages, guint, i)));
        for (guint k = 0; ok && k < todo->len; k++)
            ok = join_object(j, &d, map, todo, g_array_index(todo, guint, k), error);
        join_begin(j, node);
        g_string_append_printf(j->buf,
                               "<< /Type /Pages /Parent 1 0 R /Kids [ %s] /Count %u >>\nendobj\n",
                               kids->str, pages->len);
        g_string_append_printf(j->parts, "%u 0 R ", node);
        j->pages += pages->len;
    }
    if (d.fd >= 0)
        close(d.fd);
    doc_clear(&d);
    return ok;
}

static gboolean finish_fd(int fd, const char *path, guint64 len, const sc_finish_info *info,
                          body_digest *body, gboolean joined, char **sha256, GError **error);

gboolean
sc_finish_join(const char *const *parts, guint n, const char *path, const sc_finish_info *info,
               char **sha256, GError **error)
{
    g_return_val_if_fail(parts != NULL && n > 0 && path != NULL, FALSE);
    g_return_val_if_fail(info == NULL || info->signer == NULL, FALSE);
    join_out j = {.path = path, .next = 2}; // 1: the page tree's root
    // Emptied only when not empty: ext4 takes a file truncated to nothing for one being
    // replaced, and writes it out when it is closed (57 ms for 1,000 certificates' 106 MB, while
    // the caller waits), which fsync does anyway when it is time.  (Read: join_known_images().)
    j.fd = g_open(path, O_RDWR | O_CLOEXEC, 0);
    GStatBuf st;
    if (j.fd >= 0 && (fstat(j.fd, &st) != 0 || (st.st_size > 0 && ftruncate(j.fd, 0) != 0))) {
        close(j.fd);
        j.fd = -1;
    }
    if (j.fd < 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), path,
                    g_strerror(errno));
        return FALSE;
    }
    g_autofree char *table = NULL;
    j.table = g_file_open_tmp("skillcert-xref-XXXXXX", &table, error);
    if (j.table < 0) {
        close(j.fd);
        return FALSE;
    }
    g_unlink(table); // the file lives as long as it is open
    j.buf = g_string_new("%PDF-1.5\n%\xb5\xed\xae\xfb\n");
    j.run = g_string_new(NULL);
    j.parts = g_string_new(NULL);
    j.images = g_hash_table_new_full(image_key_hash, image_key_equal, NULL, join_images_free);
    j.seen = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    GHashTable *iccs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    j.added = (added_objects){join_add_stream, &j, iccs};
    // To be finished: amended as copied, digested as written (on another core), so that the
    // finish stage has only its update left to write (issue 15).
    if (info != NULL)
        j.digest = digest_start(j.fd);
    gboolean ok = TRUE;
    for (guint i = 0; ok && i < n; i++) {
        ok = join_part(&j, parts[i], error);
        if (ok)
            g_unlink(parts[i]); // copied: its room on the disk is given back at once
    }
    if (ok) {
        join_begin(&j, 1);
        g_string_append_printf(j.buf, "<< /Type /Pages /Kids [ %s] /Count %u >>\nendobj\n",
                               j.parts->str, j.pages);
        guint info = j.next++, catalog = j.next++;
        join_begin(&j, info);
        g_string_append(j.buf, "<< >>\nendobj\n");
        join_begin(&j, catalog);
        g_string_append(j.buf, "<< /Type /Catalog /Pages 1 0 R >>\nendobj\n");
        // One classic cross-reference section, 20 bytes an entry, as cairo writes it.
        guint64 xref = join_at(&j);
        if (xref > MAX_CLASSIC_OFFSET || j.last > MAX_CLASSIC_OFFSET) {
            set_too_large(error);
            ok = FALSE;
        }
        join_flush_table(&j);
        if (ok && j.table_errno != 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), path,
                        g_strerror(j.table_errno));
            ok = FALSE;
        }
        g_string_append_printf(j.buf, "xref\n0 %u\n0000000000 65535 f \n", j.next);
        ok = ok && join_copy(&j, j.table, 20, 20 * (guint64)(j.next - 1), error);
        g_string_append_printf(
            j.buf,
            "trailer\n<< /Size %u /Root %u 0 R /Info %u 0 R >>\nstartxref\n%" G_GUINT64_FORMAT
            "\n%%%%EOF\n",
            j.next, catalog, info, xref);
        ok = ok && join_flush(&j, error);
    }
    if (j.digest != NULL && ok) {
        ok = finish_fd(j.fd, path, j.flushed, info, j.digest, TRUE, sha256, error);
    } else if (j.digest != NULL) {
        gboolean failed;
        EVP_MD_CTX_free(digest_stop(j.digest, j.flushed, &failed));
    }
    if (close(j.fd) != 0 && ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), path,
                    g_strerror(errno));
        ok = FALSE;
    }
    g_string_free(j.buf, TRUE);
    g_string_free(j.run, TRUE);
    g_string_free(j.parts, TRUE);
    close(j.table);
    g_hash_table_unref(j.images);
    g_hash_table_unref(j.seen);
    g_hash_table_unref(iccs);
    return ok;
}

static char *
hex_digest(const guint8 *md, guint n)
{
    char *s = g_malloc(2 * (gsize)n + 1);
    hex_into(s, md, n, HEX_LOWER);
    s[2 * n] = '\0';
    return s;
}

// The SHA-256 of CTX so far, CTX left as it was.
static void
digest_so_far(EVP_MD_CTX *ctx, guint8 *md)
{
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    unsigned int n = 0;
    EVP_MD_CTX_copy_ex(copy, ctx);
    EVP_DigestFinal_ex(copy, md, &n);
    EVP_MD_CTX_free(copy);
}

// fdatasync() the file descriptor DATA; 0, or the errno of its failure.
static gpointer
flush_data(gpointer data)
{
    return GINT_TO_POINTER(fdatasync(GPOINTER_TO_INT(data)) == 0 ? 0 : errno != 0 ? errno : EIO);
}

// Finish the PDF in the file FD (at PATH, LEN bytes) where it stands, as sc_finish_pdf_file()
// does, BODY digesting it (digest_start()); its objects amended unless JOINED (the file
// sc_finish_join() wrote, amended already).  Frees BODY.
static gboolean
finish_fd(int fd, const char *path, guint64 len, const sc_finish_info *info, body_digest *body,
          gboolean joined, char **sha256, GError **error)
{
    pdf_doc d = {0};
    doc_init(&d);
    d.fd = fd;
    d.len = len;
    d.digest = body;
    d.joined = joined;
    guint64 xref = 0;
    // Meanwhile too the file as it was written goes to the disk: the caller's fsync then has
    // only the amendments and the update left to write (for 1,000 certificates 106 MB, 50 ms).
    GThread *flusher = g_thread_new("skillcert-flush", flush_data, GINT_TO_POINTER(d.fd));
    gboolean ok = amend(&d, info, 0, &xref, error), failed;
    // One pass over the file: the /ID from its digest, and the file's SHA-256.
    EVP_MD_CTX *ctx = digest_stop(body, ok ? d.len : 0, &failed);
    d.digest = NULL;
    // Then the update's bytes already written.
    g_autofree guint8 *buf = g_malloc(DIGEST_STEP);
    guint64 written = d.len + d.flushed;
    ok = ok && d.write_errno == 0 && !failed &&
         digest_range(ctx, d.fd, d.len, written - d.len, buf, DIGEST_STEP);
    guint8 md[EVP_MAX_MD_SIZE];
    unsigned int mdn = 0;
    if (ok) {
        EVP_DigestUpdate(ctx, d.tail->str, d.tail->len);
        digest_so_far(ctx, md);
        gsize before = d.tail->len;
        write_trailer(&d, xref, md);
        EVP_DigestUpdate(ctx, d.tail->str + before, d.tail->len - before);
        EVP_DigestFinal_ex(ctx, md, &mdn);
        ok = pwrite(d.fd, d.tail->str, d.tail->len, (off_t)written) == (ssize_t)d.tail->len;
        if (!ok)
            g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot finish %s: %s"), path,
                        g_strerror(errno));
    } else if (d.write_errno != 0 && error != NULL && *error == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot finish %s: %s"), path,
                    g_strerror(d.write_errno));
    } else if (error != NULL && *error == NULL) {
        set_bad(error, _("it cannot be read back"));
    }
    EVP_MD_CTX_free(ctx);
    // Its failure is the file's: a write error is told once, to the fsync that meets it.
    int flush_errno = GPOINTER_TO_INT(g_thread_join(flusher));
    if (ok && flush_errno != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot finish %s: %s"), path,
                    g_strerror(flush_errno));
        ok = FALSE;
    }
    if (ok && sha256 != NULL)
        *sha256 = hex_digest(md, mdn);
    doc_clear(&d);
    return ok;
}

gboolean
sc_finish_pdf_file(const char *path, const sc_finish_info *info, char **sha256, GError **error)
{
    g_return_val_if_fail(path != NULL && info != NULL && info->signer == NULL, FALSE);
    int fd = g_open(path, O_RDWR | O_CLOEXEC, 0);
    GStatBuf st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot finish %s: %s"), path,
                    g_strerror(errno));
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    // Its body digested while it is amended.
    gboolean ok =
        finish_fd(fd, path, (guint64)st.st_size, info, digest_start(fd), FALSE, sha256, error);
    close(fd);
    return ok;
}

GBytes *
sc_finish_pdf(const guint8 *data, gsize len, const sc_finish_info *info, char **sha256,
              GError **error)
{
    g_return_val_if_fail(data != NULL && info != NULL, NULL);
    pdf_doc d = {0};
    doc_init(&d);
    d.mem = g_byte_array_sized_new((guint)len + 64 * 1024);
    g_byte_array_append(d.mem, data, (guint)len);
    d.len = len;
    gsize room = info->signer != NULL ? sc_signer_max_size(info->signer) : 0;
    guint64 xref = 0;
    gboolean ok = amend(&d, info, room, &xref, error);
    guint8 md[EVP_MAX_MD_SIZE];
    unsigned int mdn = 0;
    if (ok) {
        // One pass: the /ID from the digest of what precedes the trailer, the file's SHA-256
        // from the same digest carried on over the trailer; a signed file's digests carry on
        // from that of cairo's bytes, as they are the same (sign_written()).
        EVP_MD_CTX *ctx = EVP_MD_CTX_new(), *body = NULL;
        EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
        EVP_DigestUpdate(ctx, d.mem->data, d.len);
        if (info->signer != NULL) { // (carried on by sign_written())
            body = EVP_MD_CTX_new();
            EVP_MD_CTX_copy_ex(body, ctx);
        }
        EVP_DigestUpdate(ctx, d.tail->str, d.tail->len);
        digest_so_far(ctx, md);
        gsize before = d.tail->len;
        write_trailer(&d, xref, md);
        EVP_DigestUpdate(ctx, d.tail->str + before, d.tail->len - before);
        EVP_DigestFinal_ex(ctx, md, &mdn);
        EVP_MD_CTX_free(ctx);
        g_byte_array_append(d.mem, (const guint8 *)d.tail->str, (guint)d.tail->len);
        if (body != NULL) // (the signature is written into the bytes digested)
            ok = sign_written(&d, d.mem->data, d.mem->len, info, room, body, md, &mdn, error);
    }
    if (ok && sha256 != NULL)
        *sha256 = hex_digest(md, mdn);
    GBytes *result = ok ? g_byte_array_free_to_bytes(g_steal_pointer(&d.mem)) : NULL;
    if (d.mem != NULL)
        g_byte_array_unref(d.mem);
    doc_clear(&d);
    return result;
}
