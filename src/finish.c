// finish.c - the finish stage (DESIGN.md "finish", pitfalls: cairo 1.16 writes dates without D:
// and a zone, no /ID, no XMP; SPEC §5 metadata and /Lang; issue 12: /PrintScaling /None).
#include "finish.h"

#include "photo.h"

#include "i18n.h"

#include "photo.h"

#include <cairo.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>

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
    // A structure tree (render.c tags texts and images) makes a tagged PDF once it says so
    // (ISO 32000-1 §14.7.1): cairo 1.16 writes the tree but not /MarkInfo.
    if (qpdf_oh_has_key(q, root, "/StructTreeRoot"))
        qpdf_oh_replace_key(q, root, "/MarkInfo", qpdf_oh_parse(q, "<< /Marked true >>"));
}

// --- PDF/A-2b (ISO 19005-2)
// -----------------------------------------------------------------------

// ISO 19005-2 §6.2.3: an sRGB OutputIntent, its ICC profile embedded once per file, since cairo
// paints in DeviceRGB.  FALSE with *ERROR set when the profile cannot be read.
static gboolean
add_output_intent(qpdf_data q, GError **error)
{
    g_autofree char *icc = NULL;
    gsize len = 0;
    if (!g_file_get_contents(SC_ICC_PROFILE, &icc, &len, error)) {
        g_prefix_error(error, _("the sRGB colour profile (Debian package icc-profiles-free): "));
        return FALSE;
    }
    qpdf_oh stream = qpdf_oh_new_stream(q);
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, stream), "/N", qpdf_oh_new_integer(q, 3));
    qpdf_oh_replace_stream_data(q, stream, (const unsigned char *)icc, len, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    qpdf_oh intent =
        qpdf_oh_parse(q, "<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier "
                         "(sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) /RegistryName "
                         "(http://www.color.org) >>");
    qpdf_oh_replace_key(q, intent, "/DestOutputProfile", stream);
    qpdf_oh_replace_key(q, qpdf_get_root(q), "/OutputIntents", qpdf_oh_wrap_in_array(q, intent));
    return TRUE;
}

// Whether dictionary DICT has KEY with the name NAME.
static gboolean
has_name(qpdf_data q, qpdf_oh dict, const char *key, const char *name)
{
    if (!qpdf_oh_has_key(q, dict, key))
        return FALSE;
    qpdf_oh v = qpdf_oh_get_key(q, dict, key);
    gboolean is = qpdf_oh_is_name(q, v) && strcmp(qpdf_oh_get_name(q, v), name) == 0;
    qpdf_oh_release(q, v);
    return is;
}

// A JPEG image's own ICC profile as its colour space (SPEC §5; issue 10: a photo's profile is
// honoured, not dropped): cairo 1.16 writes /DeviceRGB (or Gray, CMYK) for JPEG data, and a
// viewer then ignores the profile the JPEG carries.  The profile's stream is added once per image.
static void
use_jpeg_icc(qpdf_data q, qpdf_oh image, qpdf_oh dict)
{
    static const struct {
        const char *name;
        int components;
    } spaces[] = {{"/DeviceRGB", 3}, {"/DeviceGray", 1}, {"/DeviceCMYK", 4}};
    int n = 0;
    for (guint i = 0; i < G_N_ELEMENTS(spaces) && n == 0; i++)
        if (has_name(q, dict, "/ColorSpace", spaces[i].name))
            n = spaces[i].components;
    unsigned char *jpeg = NULL;
    size_t len = 0;
    // Warnings (qpdf's about the data it does not decode) are no failure.
    if (n == 0 ||
        (qpdf_oh_get_stream_data(q, image, qpdf_dl_none, NULL, &jpeg, &len) & QPDF_ERRORS) ||
        jpeg == NULL) {
        free(jpeg);
        return;
    }
    g_autoptr(GBytes) icc = sc_photo_jpeg_icc(jpeg, len);
    free(jpeg);
    gsize size = 0;
    const guint8 *profile = icc != NULL ? g_bytes_get_data(icc, &size) : NULL;
    // A profile of another colour space than the image's would be wrong: ICC.1 §7.2.6.
    static const char *const sig[] = {NULL, "GRAY", NULL, "RGB ", "CMYK"};
    if (profile == NULL || size < 128 || memcmp(profile + 16, sig[n], 4) != 0)
        return;
    qpdf_oh stream = qpdf_oh_new_stream(q);
    qpdf_oh sdict = qpdf_oh_get_dict(q, stream);
    qpdf_oh_replace_key(q, sdict, "/N", qpdf_oh_new_integer(q, n));
    qpdf_oh_replace_stream_data(q, stream, profile, size, qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh space = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, space, qpdf_oh_new_name(q, "/ICCBased"));
    qpdf_oh_append_item(q, space, qpdf_make_indirect_object(q, stream));
    qpdf_oh_replace_key(q, dict, "/ColorSpace", space);
}

// Every object cairo wrote (numbered 1 to the trailer's /Size - 1): images say /Interpolate false
// (§6.2.8: cairo 1.16 writes true for the default filter), and CIDFontType2 fonts name their
// /CIDToGIDMap (§6.2.11.3.2: cairo's subsets are numbered CID = GID, which is /Identity).
static void
amend_objects(qpdf_data q)
{
    qpdf_oh size = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Size");
    int n = qpdf_oh_get_int_value_as_int(q, size);
    for (int id = 1; id < n; id++) {
        qpdf_oh obj = qpdf_get_object_by_id(q, id, 0);
        qpdf_oh dict = qpdf_oh_is_stream(q, obj) ? qpdf_oh_get_dict(q, obj) : obj;
        if (!qpdf_oh_is_dictionary(q, dict)) {
            qpdf_oh_release(q, obj);
            continue;
        }
        if (has_name(q, dict, "/Subtype", "/Image")) {
            qpdf_oh_replace_key(q, dict, "/Interpolate", qpdf_oh_new_bool(q, QPDF_FALSE));
            if (has_name(q, dict, "/Filter", "/DCTDecode"))
                use_jpeg_icc(q, obj, dict);
        } else if (has_name(q, dict, "/Subtype", "/CIDFontType2"))
            qpdf_oh_replace_key(q, dict, "/CIDToGIDMap", qpdf_oh_new_name(q, "/Identity"));
        if (dict != obj)
            qpdf_oh_release(q, dict);
        qpdf_oh_release(q, obj);
    }
}

// §6.3.2: every annotation (cairo's links) printed, never hidden: /F 4 (the Print flag).
static void
amend_annotations(qpdf_data q)
{
    int pages = qpdf_get_num_pages(q);
    for (int p = 0; p < pages; p++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)p);
        qpdf_oh annots = qpdf_oh_get_key(q, page, "/Annots");
        int n = qpdf_oh_is_array(q, annots) ? qpdf_oh_get_array_n_items(q, annots) : 0;
        for (int i = 0; i < n; i++) {
            qpdf_oh a = qpdf_oh_get_array_item(q, annots, i);
            if (qpdf_oh_is_dictionary(q, a) && !qpdf_oh_has_key(q, a, "/F"))
                qpdf_oh_replace_key(q, a, "/F", qpdf_oh_new_integer(q, 4));
            qpdf_oh_release(q, a);
        }
        qpdf_oh_release(q, annots);
        qpdf_oh_release(q, page);
    }
}

// --- The signature (PAdES B-B, ETSI EN 319 142-1)
// -------------------------------------------------

// What qpdf writes for the byte ranges before they are known: wide enough for any file.
#define BYTE_RANGE_STAND_IN "[0 9999999999 9999999999 9999999999]"

// The PDF array of the N numbers V (points, to a hundredth: no locale's decimal comma).
static qpdf_oh
number_array(qpdf_data q, const double *v, int n)
{
    qpdf_oh a = qpdf_oh_new_array(q);
    for (int i = 0; i < n; i++)
        qpdf_oh_append_item(q, a, qpdf_oh_new_real_from_double(q, v[i], 2));
    return a;
}

// The value of the number N, read in the C locale (qpdf's numeric value reads a real with the
// process's locale: 595,28 under a decimal comma, 595.28 read as 595).
static double
number_value(qpdf_data q, qpdf_oh n)
{
    if (qpdf_oh_is_integer(q, n))
        return (double)qpdf_oh_get_int_value(q, n);
    return qpdf_oh_is_real(q, n) ? g_ascii_strtod(qpdf_oh_get_real_value(q, n), NULL) : 0;
}

// Show the signature FIELD of PAGE over BOX (mm from the page's top-left: x, y, w, h): its
// /Rect in the page's default user space, and the empty appearance PDF/A 6.3.3 asks of a
// visible annotation (what shows is the page beneath it: the seal).
static void
show_signature(qpdf_data q, qpdf_oh page, qpdf_oh field, const double *box)
{
    qpdf_oh media = qpdf_oh_get_key(q, page, "/MediaBox");
    double top = 0;
    if (qpdf_oh_is_array(q, media) && qpdf_oh_get_array_n_items(q, media) == 4)
        top = number_value(q, qpdf_oh_get_array_item(q, media, 3));
    const double pt = 72.0 / 25.4;
    const double rect[4] = {box[0] * pt, top - (box[1] + box[3]) * pt, (box[0] + box[2]) * pt,
                            top - box[1] * pt};
    const double bbox[4] = {0, 0, rect[2] - rect[0], rect[3] - rect[1]};
    qpdf_oh_replace_key(q, field, "/Rect", number_array(q, rect, 4));
    qpdf_oh stream = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, stream, (const unsigned char *)"", 0, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    qpdf_oh dict = qpdf_oh_get_dict(q, stream);
    qpdf_oh_replace_key(q, dict, "/Type", qpdf_oh_new_name(q, "/XObject"));
    qpdf_oh_replace_key(q, dict, "/Subtype", qpdf_oh_new_name(q, "/Form"));
    qpdf_oh_replace_key(q, dict, "/BBox", number_array(q, bbox, 4));
    qpdf_oh ap = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, ap, "/N", stream);
    qpdf_oh_replace_key(q, field, "/AP", ap);
}

// A signature field on the first page (invisible, or shown over INFO->signature_box), its value
// a signature dictionary whose /ByteRange and /Contents (ROOM zero bytes, written as hex) are
// filled in by sign_written().
static void
add_signature_field(qpdf_data q, const sc_finish_info *info, gsize room)
{
    GString *hex = g_string_sized_new(2 * room + 2);
    g_string_append_c(hex, '<');
    for (gsize i = 0; i < room; i++)
        g_string_append(hex, "00");
    g_string_append_c(hex, '>');
    qpdf_oh sig = qpdf_oh_parse(q, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
                                   "/ETSI.CAdES.detached /ByteRange " BYTE_RANGE_STAND_IN " >>");
    qpdf_oh_replace_key(q, sig, "/Contents", qpdf_oh_parse(q, hex->str));
    g_string_free(hex, TRUE);
    g_autofree char *date = sc_finish_pdf_date(info->created);
    if (date != NULL)
        qpdf_oh_replace_key(q, sig, "/M", qpdf_oh_new_string(q, date));
    qpdf_oh page = qpdf_get_page_n(q, 0);
    // /F 132: printed and locked; an empty /Rect: invisible (no appearance needed, PDF/A 6.3.3).
    qpdf_oh field = qpdf_oh_parse(q, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) "
                                     "/F 132 /Rect [0 0 0 0] >>");
    if (info->signature_box != NULL)
        show_signature(q, page, field, info->signature_box);
    qpdf_oh_replace_key(q, field, "/V", qpdf_make_indirect_object(q, sig));
    qpdf_oh_replace_key(q, field, "/P", page);
    field = qpdf_make_indirect_object(q, field);
    qpdf_oh annots = qpdf_oh_get_key(q, page, "/Annots");
    if (!qpdf_oh_is_array(q, annots)) {
        annots = qpdf_oh_new_array(q);
        qpdf_oh_replace_key(q, page, "/Annots", annots);
    }
    qpdf_oh_append_item(q, annots, field);
    qpdf_oh form = qpdf_oh_parse(q, "<< /SigFlags 3 >>");
    qpdf_oh_replace_key(q, form, "/Fields", qpdf_oh_wrap_in_array(q, field));
    qpdf_oh_replace_key(q, qpdf_get_root(q), "/AcroForm", form);
}

// The first NEEDLE in the LEN bytes at HAY (which may hold zero bytes), or NULL.
static guint8 *
find_bytes(guint8 *hay, gsize len, const char *needle)
{
    gsize n = strlen(needle);
    for (guint8 *p = hay; n <= len && p <= hay + len - n; p++) {
        p = memchr(p, needle[0], (gsize)(hay + len - n - p) + 1);
        if (p == NULL)
            return NULL;
        if (memcmp(p, needle, n) == 0)
            return p;
    }
    return NULL;
}

// Sign PDF (LEN bytes, as qpdf wrote it with add_signature_field()'s stand-ins) in place: the
// byte ranges written over their stand-in, the CMS over them written into /Contents.
static gboolean
sign_written(guint8 *pdf, gsize len, const sc_finish_info *info, gsize room, GError **error)
{
    // qpdf writes the stand-in as "[ 0 9999999999 9999999999 9999999999 ]".
    guint8 *br = find_bytes(pdf, len, "/ByteRange [");
    guint8 *br_end = br != NULL ? memchr(br, ']', (gsize)(pdf + len - br)) : NULL;
    guint8 *c0 = find_bytes(pdf, len, "<0000000000000000");
    gsize c1 = c0 != NULL ? (gsize)(c0 - pdf) + 2 * room + 2 : 0;
    if (br_end == NULL || c0 == NULL || c1 > len || pdf[c1 - 1] != '>') {
        g_set_error(error, SC_ERROR, SC_ERROR_RENDER,
                    _("cannot sign the PDF: its signature dictionary is not where expected"));
        return FALSE;
    }
    br += strlen("/ByteRange ");
    gsize width = (gsize)(br_end - br) + 1;
    g_autofree char *range =
        g_strdup_printf("[0 %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT "]",
                        (gsize)(c0 - pdf), c1, len - c1);
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
    g_autoptr(GBytes) cms =
        sc_signer_cms(info->signer, pdf, (gsize)(c0 - pdf), pdf + c1, len - c1, when, error);
    if (cms == NULL)
        return FALSE;
    // Here a time-stamp (PAdES B-T) would be added to the CMS as an unsigned attribute.
    gsize cms_len;
    const guint8 *d = g_bytes_get_data(cms, &cms_len);
    if (cms_len > room) {
        g_set_error(error, SC_ERROR, SC_ERROR_RENDER,
                    _("cannot sign the PDF: the signature takes %lu bytes, more than the %lu "
                      "set aside"),
                    (unsigned long)cms_len, (unsigned long)room);
        return FALSE;
    }
    static const char digits[] = "0123456789abcdef";
    for (gsize i = 0; i < cms_len; i++) {
        c0[1 + 2 * i] = (guint8)digits[d[i] >> 4];
        c0[2 + 2 * i] = (guint8)digits[d[i] & 15];
    }
    return TRUE;
}

// qpdf's last error as *ERROR.
static void
set_qpdf_error(qpdf_data q, GError **error)
{
    qpdf_error e = qpdf_has_error(q) ? qpdf_get_error(q) : NULL;
    g_set_error(error, SC_ERROR, SC_ERROR_RENDER, _("cannot finish the PDF: %s"),
                e != NULL ? qpdf_get_error_full_text(q, e) : "qpdf failed");
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

// What every finished PDF gets (the objects of sc_finish_pdf()), on the document Q read.
// FALSE with *ERROR set.
static gboolean
amend(qpdf_data q, const sc_finish_info *info, gboolean stubs, gsize room, GError **error)
{
    if (stubs)
        expand_stubs(q);
    replace_info(q, info);
    amend_catalog(q, info);
    amend_objects(q);
    amend_annotations(q);
    if (info->signer != NULL)
        add_signature_field(q, info, room);
    return add_output_intent(q, error);
}

// Write Q as finished PDFs are written: streams as cairo compressed them, an /ID from the
// content, so that the same input gives the same bytes.
static gboolean
write_finished_pdf(qpdf_data q)
{
    qpdf_set_stream_data_mode(q, qpdf_s_preserve);
    qpdf_set_decode_level(q, qpdf_dl_none);
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    return !(qpdf_write(q) & QPDF_ERRORS);
}

gboolean
sc_finish_pdf_file(const char *in, const char *out, const sc_finish_info *info, GError **error)
{
    g_return_val_if_fail(in != NULL && out != NULL && info != NULL && info->signer == NULL, FALSE);
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    gboolean ok = !(qpdf_read(q, in, NULL) & QPDF_ERRORS);
    GError *local = NULL;
    // Stubs are looked for in every image: the file is not in memory to search for their mark.
    if (ok && !amend(q, info, /*stubs*/ TRUE, 0, &local)) {
        g_propagate_error(error, local);
        qpdf_cleanup(&q);
        return FALSE;
    }
    ok = ok && !qpdf_has_error(q) && !(qpdf_init_write(q, out) & QPDF_ERRORS) &&
         write_finished_pdf(q);
    if (!ok)
        set_qpdf_error(q, error);
    qpdf_cleanup(&q);
    return ok;
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
    gsize room = info->signer != NULL ? sc_signer_max_size(info->signer) : 0;
    if (!amend(q, info, memmem_mark(data, len), room, error)) {
        qpdf_cleanup(&q);
        return NULL;
    }
    if (qpdf_has_error(q) || (qpdf_init_write_memory(q) & QPDF_ERRORS) || !write_finished_pdf(q))
        goto out;
    gsize n = qpdf_get_buffer_length(q);
    guint8 *pdf = g_memdup2(qpdf_get_buffer(q), n);
    if (info->signer != NULL && !sign_written(pdf, n, info, room, error)) {
        g_free(pdf);
        qpdf_cleanup(&q);
        return NULL;
    }
    result = g_bytes_new_take(pdf, n);
out:
    if (result == NULL)
        set_qpdf_error(q, error);
    qpdf_cleanup(&q);
    return result;
}
