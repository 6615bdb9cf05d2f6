// finish.c - the finish stage (DESIGN.md "finish", pitfalls: cairo 1.16 writes dates without D:
// and a zone, no /ID, no XMP; SPEC §5 metadata and /Lang; issue 12: /PrintScaling /None).
#include "finish.h"

#include "i18n.h"

#include "photo.h"

#include <cairo.h>
#include <qpdf/qpdf-c.h>
#include <string.h>

#define XMP_NS                                                                                     \
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" "    \
    "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\""

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

// The producer: the libraries that wrote the file.
static char *
producer(void)
{
    return g_strdup_printf("cairo %s; qpdf %s", cairo_version_string(), qpdf_get_qpdf_version());
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
    g_string_append(x, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n");
    // Room for an editor to rewrite the packet in place (XMP Part 1 §7.3.2).
    for (int i = 0; i < 20; i++)
        g_string_append(x, "                                                                   "
                           "                                \n");
    g_string_append(x, "<?xpacket end=\"w\"?>");
    return g_string_free(x, FALSE);
}

// Set KEY of dictionary DICT to the text string TEXT, when TEXT is given.
static void
set_text(qpdf_data q, qpdf_oh dict, const char *key, const char *text)
{
    if (text != NULL)
        qpdf_oh_replace_key(q, dict, key, qpdf_oh_new_unicode_string(q, text));
}

// A new document information dictionary for INFO, indirect, in the trailer.
static void
replace_info(qpdf_data q, const sc_finish_info *info)
{
    qpdf_oh dict = qpdf_oh_new_dictionary(q);
    set_text(q, dict, "/Title", info->title);
    set_text(q, dict, "/Author", info->author);
    set_text(q, dict, "/Subject", info->subject);
    set_text(q, dict, "/Keywords", info->keywords);
    set_text(q, dict, "/Creator", creator_of(info));
    g_autofree char *prod = producer();
    set_text(q, dict, "/Producer", prod);
    g_autofree char *date = sc_finish_pdf_date(info->created);
    if (date != NULL) {
        qpdf_oh_replace_key(q, dict, "/CreationDate", qpdf_oh_new_string(q, date));
        qpdf_oh_replace_key(q, dict, "/ModDate", qpdf_oh_new_string(q, date));
    }
    qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info", qpdf_make_indirect_object(q, dict));
}

// The catalog's additions: the XMP stream, the language and the viewer preferences.
static void
amend_catalog(qpdf_data q, const sc_finish_info *info)
{
    qpdf_oh root = qpdf_get_root(q);
    g_autofree char *xmp = sc_finish_xmp(info);
    qpdf_oh stream = qpdf_oh_new_stream(q);
    qpdf_oh sdict = qpdf_oh_get_dict(q, stream);
    qpdf_oh_replace_key(q, sdict, "/Type", qpdf_oh_new_name(q, "/Metadata"));
    qpdf_oh_replace_key(q, sdict, "/Subtype", qpdf_oh_new_name(q, "/XML"));
    // Uncompressed, so that a reader (and PDF/A) finds the packet without decoding.
    qpdf_oh_replace_stream_data(q, stream, (const unsigned char *)xmp, strlen(xmp),
                                qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, root, "/Metadata", stream);
    set_text(q, root, "/Lang", info->lang != NULL ? info->lang : "zh-CN");
    // Issue 12: every PDF asks to be printed at actual size.
    qpdf_oh prefs = qpdf_oh_parse(q, "<< /PrintScaling /None >>");
    qpdf_oh_replace_key(q, root, "/ViewerPreferences", prefs);
}

// qpdf's last error as *ERROR.
static void
set_qpdf_error(qpdf_data q, GError **error)
{
    qpdf_error e = qpdf_has_error(q) ? qpdf_get_error(q) : NULL;
    g_set_error(error, SC_ERROR, SC_ERROR_RENDER, _("cannot finish the PDF: %s"),
                e != NULL ? qpdf_get_error_full_text(q, e) : "qpdf failed");
}

// Whether OH's dictionary has KEY with the name NAME.
static gboolean
has_name(qpdf_data q, qpdf_oh dict, const char *key, const char *name)
{
    qpdf_oh v = qpdf_oh_get_key(q, dict, key);
    return qpdf_oh_is_name(q, v) && strcmp(qpdf_oh_get_name(q, v), name) == 0;
}

// Turn stream OH, when it is the stub of a PNG photo (sc_photo_png_stub_parse()), into the
// PNG's image: its IDAT data as is, /FlateDecode with the PNG predictors (issue 15).
static void
expand_stub(qpdf_data q, qpdf_oh oh)
{
    qpdf_oh dict = qpdf_oh_get_dict(q, oh);
    if (!has_name(q, dict, "/Subtype", "/Image") || !has_name(q, dict, "/Filter", "/DCTDecode"))
        return;
    unsigned char *data = NULL;
    size_t len = 0;
    if (qpdf_oh_get_stream_data(q, oh, qpdf_dl_none, NULL, &data, &len) & QPDF_ERRORS)
        return;
    int colors, columns;
    gsize offset;
    if (sc_photo_png_stub_parse(data, len, &colors, &columns, &offset)) {
        g_autofree char *parms = g_strdup_printf(
            "<< /Predictor 15 /Colors %d /BitsPerComponent 8 /Columns %d >>", colors, columns);
        qpdf_oh_replace_key(q, dict, "/ColorSpace",
                            qpdf_oh_new_name(q, colors == 3 ? "/DeviceRGB" : "/DeviceGray"));
        qpdf_oh_replace_stream_data(q, oh, data + offset, len - offset,
                                    qpdf_oh_new_name(q, "/FlateDecode"), qpdf_oh_parse(q, parms));
    }
    free(data);
}

// Every image object of Q that is a PNG's stub, expanded (expand_stub()).
static void
expand_stubs(qpdf_data q)
{
    qpdf_oh size = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Size");
    int n = qpdf_oh_is_integer(q, size) ? qpdf_oh_get_int_value_as_int(q, size) : 0;
    for (int id = 1; id < n; id++) {
        qpdf_oh oh = qpdf_get_object_by_id(q, id, 0);
        if (qpdf_oh_is_stream(q, oh))
            expand_stub(q, oh);
        qpdf_oh_release_all(q);
    }
}

// Whether the LEN bytes of DATA hold the mark of a PNG's stub (photo.h).
static gboolean
memmem_mark(const guint8 *data, gsize len)
{
    static const char mark[] = "skillcert-png-idat";
    const gsize n = sizeof mark - 1;
    for (const guint8 *p = data; len >= n && (p = memchr(p, 's', len - (p - data) - n + 1)); p++)
        if (memcmp(p, mark, n) == 0)
            return TRUE;
    return FALSE;
}

GBytes *
sc_finish_pdf(const guint8 *data, gsize len, const sc_finish_info *info, GError **error)
{
    g_return_val_if_fail(data != NULL && info != NULL, NULL);
    qpdf_data q = qpdf_init();
    GBytes *result = NULL;
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if (qpdf_read_memory(q, "PDF", (const char *)data, len, NULL) & QPDF_ERRORS)
        goto out;
    // Only a PDF holding a stub's mark is searched for stubs, object by object.
    if (memmem_mark(data, len))
        expand_stubs(q);
    replace_info(q, info);
    amend_catalog(q, info);
    if (qpdf_has_error(q) || (qpdf_init_write_memory(q) & QPDF_ERRORS))
        goto out;
    // Streams as cairo compressed them; an /ID from the content, so that the same input gives
    // the same bytes.
    qpdf_set_stream_data_mode(q, qpdf_s_preserve);
    qpdf_set_decode_level(q, qpdf_dl_none);
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    if (qpdf_write(q) & QPDF_ERRORS)
        goto out;
    result = g_bytes_new(qpdf_get_buffer(q), qpdf_get_buffer_length(q));
out:
    if (result == NULL)
        set_qpdf_error(q, error);
    qpdf_cleanup(&q);
    return result;
}
