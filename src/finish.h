// finish.h - the finish stage: what cairo 1.16 cannot write into a PDF, added once per file after
// cairo has written it (DESIGN.md "finish"; SPEC §5: metadata naming the holder, the institution,
// the number and the issue date, /Lang zh-CN; issue 12: print at actual size).
//
// cairo's file is amended where it stands and an incremental update appended (finish.c says
// how): a new document information
// dictionary with dates in the D:YYYYMMDDHHmmSS+08'00' form, an XMP metadata packet saying the
// same, /Lang and /ViewerPreferences << /PrintScaling /None >> in the catalog, and a /ID made from
// the content (the same input gives the same bytes).  Every PDF is made PDF/A-2b (ISO 19005-2;
// issue 13): pdfaid in the XMP, an sRGB OutputIntent (Debian's icc-profiles-free, embedded once),
// /Interpolate false on every image, /CIDToGIDMap /Identity on CIDFontType2 fonts, every
// annotation printable.  sc_finish_pdf() is the one place a finished PDF passes through.
#ifndef SC_FINISH_H
#define SC_FINISH_H

#include "error.h"
#include "sign.h"
#include <glib.h>
#include <stdio.h>

#ifndef SC_VERSION
#define SC_VERSION "0.9.0" // the Makefile's VERSION, when built without it
#endif

// What a PDF says about itself.  Every string is UTF-8 and may be NULL (left out).
typedef struct {
    const char *title;
    const char *author;   // the institution's filed name
    const char *subject;  // occupation and level
    const char *keywords; // the certificate number(s), separated by ", "
    const char *creator;  // NULL: "skillcert SC_VERSION"
    const char *created;  // ISO 8601 with its zone ("2026-11-23T00:00:00+08:00"); NULL: none
    const char *lang;     // NULL: "zh-CN"
    // The key that signs the file (PAdES B-B, see sc_finish_pdf()), or NULL: not signed.
    const sc_signer *signer;
    // Where the signature field shows on the first page (over the seal): x, y, width, height in
    // mm from the page's top-left corner; NULL: the field is invisible.
    const double *signature_box;
    // The one PDF's page labels and bookmarks, in page order: MARK_PAGES pairs of strings, each
    // ended by a zero byte, "label" then "bookmark" (either may be empty: none), in the file
    // MARKS (read from its start; 6 MB for 100,000 pages, never held); NULL: none.  Written by the
    // finish stage, not by cairo: cairo 1.16 holds every page's until its document ends, and reads
    // a label's trailing digits as a number (a certificate number's overflowed into
    // "S0000-1067514559").
    FILE *marks;
    guint mark_pages;
} sc_finish_info;

// The PDF date of ISO (ISO 8601 with a zone, "2026-11-23T09:30:00+08:00" or "…Z"; without a zone
// it is taken as UTC): "D:20261123093000+08'00'".  NULL when ISO is not such a date.
// Caller frees with g_free().
char *sc_finish_pdf_date(const char *iso);

// The XMP packet (UTF-8, with the xpacket wrapper) saying what INFO says.  Caller frees with
// g_free().
char *sc_finish_xmp(const sc_finish_info *info);

// DATA (LEN bytes, a PDF as cairo wrote it) with INFO's metadata, /Lang, the viewer preferences
// and the PDF/A objects added.  With INFO->signer, the file is signed last (PAdES B-B, ETSI EN
// 319 142-1): a signature field on the first page (invisible, or over INFO->signature_box with
// an empty appearance: what shows is the page beneath, the seal) whose /V is a signature dictionary
// (/SubFilter /ETSI.CAdES.detached, /M the creation date or now) whose /Contents holds the CMS
// of sc_signer_cms() over every byte of the file but the /Contents value itself (/ByteRange).
// The signing time is INFO->created (else now), so the same input gives the same bytes.
// Time-stamping (PAdES B-T) is not done: it needs a time-stamp authority; its hook is the
// unsigned attributes of the CMS, added after signing and before the hex is written.  NULL with
// *ERROR set (SC_ERROR_RENDER) when the file is not as cairo writes it.  With SHA256 (may be
// NULL), the finished file's SHA-256 in lower-case hex (caller frees with g_free()).  Borrows DATA
// and INFO.  Caller frees with g_bytes_unref().
GBytes *sc_finish_pdf(const guint8 *data, gsize len, const sc_finish_info *info, char **sha256,
                      GError **error);

// As sc_finish_pdf() for the file at PATH, amended in place: the file cairo wrote, thousands of
// pages, is neither held in memory nor copied, only its last bytes written.  INFO must not sign
// (a signature is made over bytes in memory: use sc_finish_pdf()).  With SHA256 (may be NULL),
// the finished file's SHA-256 in lower-case hex (caller frees with g_free()).  Not synced.
// FALSE with *ERROR set; the file is then to be removed.
gboolean sc_finish_pdf_file(const char *path, const sc_finish_info *info, char **sha256,
                            GError **error);

// Join PARTS (N files, each a PDF cairo wrote of some of one document's pages, in order) into the
// file at PATH (an empty file made for it, e.g. by g_mkstemp(): its mode is kept) as if cairo had
// written them as one document: every part's objects that its pages use, renumbered, under one page
// tree and catalog (a part's own catalog, document information and structure tree are left behind:
// the joined document is untagged).  Each part is removed once copied.  The stream data is copied
// by the kernel (copy_file_range()), never held in memory.  With INFO (may be NULL; it must not
// sign), the file is also finished as sc_finish_pdf_file() finishes one, SHA256 as its: the
// objects amended as they are copied and the bytes digested as they are written, on another core,
// so that only the update is left to write.  Not synced.  FALSE with *ERROR set; PATH and the
// parts not yet copied are then to be removed.
gboolean sc_finish_join(const char *const *parts, guint n, const char *path,
                        const sc_finish_info *info, char **sha256, GError **error);

#endif
