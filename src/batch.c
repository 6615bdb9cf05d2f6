// batch.c - the issuing protocol over typed certificates (DESIGN.md "batch"; SPEC §3: numbers
// are allocated in one transaction, only after the whole batch has passed every check).
#include "batch.h"

#include "check.h"
#include "deliver.h"
#include "i18n.h"
#include "institution.h"
#include "layout.h"
#include "ledger.h"
#include "level.h"
#include "payload.h"
#include "qr.h"
#include "registry.h"
#include "render.h"
#include "sign.h"
#include "sink.h"
#include "sqldb.h"
#include "template.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The photos of a batch kept between check and drawing: a batch whose photos fit is read once;
// past this, a photo is read again when drawn (memory stays bounded whatever the batch).
#define BATCH_PHOTO_BYTES (16u * 1024 * 1024)

// The one PDF is drawn by several threads (--jobs) from this many certificates, each thread's
// share at least half of it: below, a second thread's start (its fonts and renderer) and the
// join of its pages cost more than they save.
#define PARALLEL_PDF_PAGES 200

struct sc_batch {
    char *records_path;
    char *fonts_dir;
    char *register_path;
    gboolean register_given; // named by the caller, not found from the institution
    char *label;
    sc_number_source *source; // borrowed, or NULL
    sc_template *tmpl;
    sc_institution *inst; // or NULL
    sc_signer *signer;    // the institution's signing key (issue 13), or NULL
    sc_payload_key *qr;   // the key of the QR code's signed payload (issue 13), or NULL
    sc_records *records;
    GPtrArray *notes; // char *
    GPtrArray *certs; // sc_cert *, one per record
    sc_fonts *fonts;
    sc_renderer *renderer;  // for the output being drawn (raster or not), made on demand
    sc_photo_files *photos; // each photo read once: by check, then drawn from it
    gboolean raster;
    gboolean *omit;    // per element: not drawn on the output being drawn (stock, seal), or NULL
    GHashTable *names; // split: sc_cert * → its file name, for the drawing under way
    sc_deflate_share *share;   // split: the drawing under way's compressed runs (deflate.h)
    const sc_cert *share_cert; // whose page is their reference: the first certificate's
    GArray *drawn;             // file_hash, per certificate drawn: what its file carries (issue 13)
    GStringChunk *strings;     // the numbers and SHA-256s DRAWN points to, each hash stored once
    sc_batch_progress progress;
    gpointer progress_data;
    GMutex progress_lock; // one progress call at a time, from any thread
    gint done;            // atomic: certificates laid out or drawn so far
    guint total;
};

void
sc_batch_free(sc_batch *b)
{
    if (b == NULL)
        return;
    sc_renderer_free(b->renderer);
    if (b->drawn != NULL)
        g_array_unref(b->drawn);
    if (b->strings != NULL)
        g_string_chunk_free(b->strings);
    g_free(b->omit);
    sc_fonts_free(b->fonts);
    if (b->certs != NULL)
        g_ptr_array_unref(b->certs);
    g_ptr_array_unref(b->notes);
    sc_records_free(b->records);
    sc_institution_free(b->inst);
    sc_signer_free(b->signer);
    sc_payload_key_free(b->qr);
    sc_template_free(b->tmpl);
    g_free(b->records_path);
    g_free(b->fonts_dir);
    g_free(b->register_path);
    g_free(b->label);
    g_free(b);
}

// The template, with the institution's QR data pattern in place of the template's.
static gboolean
load_design(sc_batch *b, const sc_batch_options *o, GError **error)
{
    b->tmpl = sc_template_load(o->template_path, error);
    if (b->tmpl == NULL)
        return FALSE;
    if (o->institution_path == NULL)
        return TRUE;
    b->inst = sc_institution_load(o->institution_path, error);
    if (b->inst == NULL)
        return FALSE;
    for (guint i = 0; b->inst->qr_data && i < b->tmpl->elements->len; i++) {
        sc_element *e = g_ptr_array_index(b->tmpl->elements, i);
        if (e->type == SC_ELEMENT_QRCODE) {
            g_free(e->data);
            e->data = g_strdup(b->inst->qr_data);
        }
    }
    // Issue 13: qr_signed = yes: the codes the template lets carry it hold the signed payload.
    if (b->inst->qr_signed && (b->qr = sc_payload_key_load(b->inst->qr_key, error)) == NULL)
        return FALSE;
    if (b->qr != NULL)
        sc_payload_sign_template(b->tmpl);
    return TRUE;
}

// The code encoder: the signing one when the institution signs its codes.
static const sc_code_encoder *
encoder(const sc_batch *b)
{
    return b->qr != NULL ? sc_payload_key_encoder(b->qr) : sc_qr_encoder();
}

// The register's label for a batch of RECORDS_PATH: its file name and the time.
static char *
default_label(const char *records_path)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *base = g_path_get_basename(records_path);
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    return g_strdup_printf("%s %s", base, stamp);
}

// Photos: the folder given, else a photos/ folder beside the records, else their own folder.
static char *
photo_folder(const sc_batch_options *o)
{
    if (o->photo_dir != NULL)
        return g_strdup(o->photo_dir);
    g_autofree char *dir = g_path_get_dirname(o->records_path);
    char *photos = g_build_filename(dir, "photos", NULL);
    if (g_file_test(photos, G_FILE_TEST_IS_DIR))
        return photos;
    g_free(photos);
    return g_steal_pointer(&dir);
}

sc_batch *
sc_batch_load(const sc_batch_options *o, sc_problems *problems, GError **error)
{
    g_return_val_if_fail(o != NULL && o->records_path != NULL && o->template_path != NULL, NULL);
    g_autofree char *photos = photo_folder(o);
    sc_batch *b = g_new0(sc_batch, 1);
    g_mutex_init(&b->progress_lock);
    b->records_path = g_strdup(o->records_path);
    b->fonts_dir = g_strdup(o->fonts_dir);
    b->label = o->label != NULL ? g_strdup(o->label) : default_label(o->records_path);
    b->source = o->source;
    b->notes = g_ptr_array_new_with_free_func(g_free);
    if (!load_design(b, o, error))
        goto fail;
    b->register_path = b->inst != NULL ? sc_ledger_register_path(b->inst, o->register_path) : NULL;
    b->register_given = o->register_path != NULL;
    // Issue 13: an institution with a key signs its electronic certificates.
    if (b->inst != NULL && b->inst->key != NULL &&
        (b->signer = sc_signer_load(b->inst->key, b->inst->certificate, error)) == NULL)
        goto fail;
    b->records = sc_records_load_sheet(o->records_path, o->sheet, o->encoding, SC_FORMAT_AUTO,
                                       problems, b->notes, error);
    if (b->records == NULL)
        goto fail;

    b->photos = sc_photo_files_new(BATCH_PHOTO_BYTES);
    sc_check_options copt = {.photo_files = b->photos,
                             .tmpl = b->tmpl,
                             .institution = b->inst,
                             .photo_dir = photos,
                             .batch_year = o->year,
                             .batch_month = o->month,
                             .batch_day = o->day};
    if (o->year == 0) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        copt.batch_year = g_date_time_get_year(now);
        copt.batch_month = g_date_time_get_month(now);
        copt.batch_day = g_date_time_get_day_of_month(now);
    }
    // A file not read to its end (over a limit) is refused as read: checking its records would
    // only take time.
    if (b->records->incomplete)
        g_ptr_array_set_size(b->records->records, 0);
    b->certs = sc_check_records(b->records, &copt, problems);

    b->fonts = sc_fonts_new(b->fonts_dir, error);
    if (b->fonts == NULL)
        goto fail;
    return b;

fail:
    sc_batch_free(b);
    return NULL;
}

GPtrArray *
sc_batch_get_notes(const sc_batch *b)
{
    return b->notes;
}

GPtrArray *
sc_batch_get_certs(const sc_batch *b)
{
    return b->certs;
}

void
sc_batch_set_progress(sc_batch *b, sc_batch_progress func, gpointer data)
{
    b->progress = func;
    b->progress_data = data;
}

// Progress starts again: TOTAL certificates to lay out or draw.
static void
progress_start(sc_batch *b, guint total)
{
    g_atomic_int_set(&b->done, 0);
    b->total = total;
}

// One more certificate done (any thread).
static void
progress_tick(const sc_batch *b)
{
    sc_batch *m = (sc_batch *)b; // the counter and its lock only
    guint done = (guint)g_atomic_int_add(&m->done, 1) + 1;
    if (b->progress == NULL)
        return;
    g_mutex_lock(&m->progress_lock);
    b->progress(done, b->total, b->progress_data);
    g_mutex_unlock(&m->progress_lock);
}

// The renderer for raster (PNG) or vector (PDF) output, made once.
static gboolean
ensure_renderer(sc_batch *b, gboolean raster, GError **error)
{
    if (b->renderer != NULL && b->raster == raster)
        return TRUE;
    sc_renderer_free(b->renderer);
    b->raster = raster;
    b->renderer = sc_renderer_new(b->tmpl, b->fonts, encoder(b), raster, error);
    if (b->renderer != NULL)
        sc_renderer_set_photo_files(b->renderer, b->photos);
    return b->renderer != NULL;
}

// Add every problem of FOUND to PROBLEMS, naming FILE and the holder WHO where it names none.
static void
add_for(sc_problems *problems, const sc_problems *found, const char *file, const char *who)
{
    for (guint i = 0; i < sc_problems_count(found); i++) {
        const sc_problem *p = sc_problems_item(found, i);
        sc_problems_add_who(problems, p->file != NULL ? p->file : file, p->row,
                            p->who != NULL ? p->who : who, p->field, p->message);
    }
}

// Lay out C's page with the renderer R.  A certificate still without a number is laid out with
// a stand-in: the institution's, its year and level, with the widest serial, so that fit and
// glyph checks see what will be printed.  The page, or NULL with problems added.
static sc_page *
lay_out(sc_renderer *r, const char *file, sc_cert *c, const sc_institution *inst,
        sc_problems *problems)
{
    const sc_fields fields = {sc_cert_lookup, sc_cert_field_name, c};
    gboolean standin = c->number == NULL;
    if (standin) {
        sc_certno n;
        sc_certno_make(inst != NULL ? inst->prefix : "S000000000000", c->year,
                       c->level != 0 ? c->level : 5, SC_CERTNO_SERIAL_MAX, &n);
        c->number = sc_certno_format(&n);
    }
    g_autoptr(sc_problems) found = sc_problems_new();
    sc_page *page = sc_renderer_prepare(r, &fields, file, c->row, found);
    if (standin)
        g_clear_pointer(&c->number, g_free);
    add_for(problems, found, file, c->name);
    return page;
}

// Lay out every certificate of CERTS whose row has no problem yet (to find every problem).
static void
lay_out_all(sc_batch *b, GPtrArray *certs, sc_problems *problems)
{
    progress_start(b, certs->len);
    for (guint i = 0; i < certs->len; i++) {
        sc_cert *c = g_ptr_array_index(certs, i);
        if (!sc_problems_has_row(problems, c->row))
            sc_page_free(lay_out(b->renderer, b->records_path, c, b->inst, problems));
        progress_tick(b);
    }
}

// How far a pre-assigned serial may run ahead of the register's next one before check calls
// it a likely typo (issue 9: 999999 typed for 000012).
#define SERIAL_FAR_AHEAD 1000

// Whether the number of C, given by its record and not yet in REGISTRY, runs far ahead of the
// serial the register would issue next for its year and level (NEXT caches those).
static gboolean
far_ahead(sc_registry *registry, const sc_cert *c, GHashTable *next)
{
    gpointer key = GINT_TO_POINTER(c->given.year * 10 + c->given.level);
    gpointer known = g_hash_table_lookup(next, key);
    if (known == NULL) {
        g_autofree char *peek =
            sc_registry_peek(registry, 2000 + c->given.year, c->given.level, NULL);
        int serial = peek != NULL && strlen(peek) == 22 ? atoi(peek + 16) : 0;
        g_hash_table_insert(next, key, known = GINT_TO_POINTER(serial + 1));
    }
    int serial = GPOINTER_TO_INT(known) - 1;
    if (serial <= 0 || c->given.serial <= serial + SERIAL_FAR_AHEAD)
        return FALSE;
    g_autofree char *held = sc_registry_show(registry, c->number, NULL, NULL);
    return held == NULL;
}

// Note each pre-assigned number far ahead of the register's counter (a likely typo: the counter
// skips it, but the holder would keep it for good).  Nothing when there is no register yet.
static void
note_far_serials(sc_batch *b)
{
    if (b->inst == NULL || b->source != NULL)
        return;
    sc_registry *registry = sc_registry_open(b->register_path, b->inst->prefix, NULL);
    if (registry == NULL)
        return;
    g_autoptr(GHashTable) next = g_hash_table_new(NULL, NULL);
    for (guint i = 0; i < b->certs->len; i++) {
        const sc_cert *c = g_ptr_array_index(b->certs, i);
        if (c->number_given && c->number != NULL && far_ahead(registry, c, next))
            g_ptr_array_add(
                b->notes,
                g_strdup_printf(_("%s:%u: 证书编号: serial %06d of %s is far ahead of the "
                                  "register's next for that year and level; is it a typo? A "
                                  "number given is the holder's for good once issued"),
                                b->records_path, c->row, c->given.serial, c->number));
    }
    sc_registry_close(registry);
}

gboolean
sc_batch_check(sc_batch *b, sc_problems *problems, GError **error)
{
    if (!ensure_renderer(b, FALSE, error))
        return FALSE;
    note_far_serials(b);
    lay_out_all(b, b->certs, problems);
    sc_problems_sort(problems);
    return TRUE;
}

// The number source: the one given, the institution's register, or the records' own numbers.
// Caller frees with sc_number_source_free() when *OWNED.
static sc_number_source *
open_source(sc_batch *b, gboolean *owned, GError **error)
{
    *owned = b->source == NULL;
    if (b->source != NULL)
        return b->source;
    if (b->inst == NULL)
        return sc_number_source_given_new();
    if (!b->register_given && !sc_ledger_check_exists(b->inst, b->register_path, error))
        return NULL;
    return sc_registry_source_new(b->register_path, b->inst->prefix, b->label, error);
}

// Where certificate I of CERTS is printed in OUT, for the register's print log.  Caller frees
// with g_free().
static char *
print_place(const sc_batch *b, const sc_batch_output *out, const sc_cert *c, guint i)
{
    const char *name = b->names != NULL ? g_hash_table_lookup(b->names, c) : NULL;
    if (out->split != NULL && name != NULL)
        return g_build_filename(out->split, name, NULL);
    return g_strdup_printf(_("%s, page %u"), out->output != NULL ? out->output : "", i + 1);
}

// Whether RANGE has a sheet for each of N certificates; else FALSE with *ERROR set.
static gboolean
stock_fits(const sc_stock_range *range, guint n, GError **error)
{
    if (range->last - range->first + 1 >= n)
        return TRUE;
    g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                _("--stock-serials has %llu sheets; this run prints %u certificates"),
                (unsigned long long)(range->last - range->first + 1), n);
    return FALSE;
}

// A file drawn and finished: the number it carries and its SHA-256, for the print log.  Kept
// per certificate (a print run of 100,000 shares one file: its hash is stored once).
typedef struct {
    const sc_cert *cert;
    const char *number, *sha256; // in the batch's string chunk
} file_hash;

// Remember, per certificate of CERTS, the number its file carries and the file's SHA-256 (the
// split file, or the one PDF), once SINKS are finished (issue 13: the register keeps the hash of
// every file it issued).
static void
remember_files(sc_batch *b, const sc_batch_output *out, GPtrArray *certs, GPtrArray *sinks)
{
    g_autoptr(GHashTable) by_path = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint k = 0; k < sinks->len; k++) {
        const sc_sink *sink = sinks->pdata[k];
        const GPtrArray *files = sc_sink_files(sink);
        for (guint i = 0; i < files->len; i++)
            if (sc_sink_file_sha256(sink, i) != NULL)
                g_hash_table_insert(by_path, files->pdata[i],
                                    (gpointer)sc_sink_file_sha256(sink, i));
    }
    if (b->drawn != NULL)
        g_array_unref(b->drawn);
    if (b->strings != NULL)
        g_string_chunk_free(b->strings);
    b->drawn = g_array_sized_new(FALSE, TRUE, sizeof(file_hash), certs->len);
    b->strings = g_string_chunk_new(64 * 1024);
    for (guint i = 0; i < certs->len; i++) {
        const sc_cert *c = certs->pdata[i];
        const char *name = b->names != NULL ? g_hash_table_lookup(b->names, c) : NULL;
        g_autofree char *split =
            out->split != NULL && name != NULL ? g_build_filename(out->split, name, NULL) : NULL;
        const char *sha = g_hash_table_lookup(by_path, split != NULL ? split : out->output);
        file_hash h = {.cert = c,
                       .number =
                           c->number != NULL ? g_string_chunk_insert(b->strings, c->number) : NULL,
                       .sha256 = sha != NULL ? g_string_chunk_insert_const(b->strings, sha) : NULL};
        g_array_append_val(b->drawn, h);
    }
}

// Give every certificate of CERTS its number and 发证日期 from SOURCE (DRY_RUN: those it would
// get now, nothing kept).  RESERVED: the certificates keep the numbers they were given by a dry
// run of the whole file (a selection of its rows).  Problems of the source are added under the
// records file's name.
static gboolean
number(sc_batch *b, const sc_batch_output *out, sc_number_source *source, GPtrArray *certs,
       gboolean dry_run, gboolean reserved, sc_problems *problems, GError **error)
{
    guint n = certs->len;
    sc_number_item *items = g_new0(sc_number_item, n);
    // Each certificate's print place, for the print log: stored back to back (100,000 of them).
    GStringChunk *places = g_string_chunk_new(64 * 1024);
    for (guint i = 0; i < n; i++) {
        const sc_cert *c = g_ptr_array_index(certs, i);
        // (A dry run logs no print: no place.)
        g_autofree char *place = dry_run ? NULL : print_place(b, out, c, i);
        items[i] = sc_cert_number_item(c);
        items[i].number =
            c->number_given || (reserved && c->status == SC_NUMBER_NEW) ? c->number : NULL;
        items[i].second = out->second;
        items[i].correct = out->correct;
        items[i].output = place != NULL ? g_string_chunk_insert(places, place) : NULL;
        const file_hash *h =
            b->drawn != NULL && i < b->drawn->len ? &g_array_index(b->drawn, file_hash, i) : NULL;
        if (h != NULL && h->cert == c && !dry_run) {
            items[i].sha256 = h->sha256;
            items[i].sha256_number = h->number;
        }
    }
    // The stock sheets the certificates are printed on, one each, in order (issue 14).
    char **sheets = NULL;
    sc_stock_range stock;
    if (!dry_run && out->stock_serials != NULL) {
        sheets = g_new0(char *, n + 1);
        if (!sc_registry_stock_parse(out->stock_serials, &stock, error) ||
            !stock_fits(&stock, n, error)) {
            g_strfreev(sheets);
            g_string_chunk_free(places);
            g_free(items);
            return FALSE;
        }
        for (guint i = 0; i < n; i++) {
            items[i].stock = sheets[i] = sc_registry_stock_sheet(&stock, i);
            items[i].stock_range = out->stock_serials;
        }
    }
    g_autoptr(sc_problems) found = sc_problems_new();
    gboolean ok = source->assign(source, items, n, dry_run, found, error);
    // The source names rows: each problem is said of its holder too.
    for (guint k = 0; k < sc_problems_count(found); k++) {
        const sc_problem *p = sc_problems_item(found, k);
        const char *who = NULL;
        for (guint i = 0; i < n && who == NULL; i++)
            if (items[i].row == p->row)
                who = items[i].name;
        sc_problems_add_who(problems, p->file != NULL ? p->file : b->records_path, p->row, who,
                            p->field, p->message);
    }
    for (guint i = 0; i < n; i++) {
        sc_cert *c = g_ptr_array_index(certs, i);
        int y, m, d;
        if (ok) {
            sc_cert_set_number(c, items[i].assigned);
            if (items[i].assigned_date != NULL &&
                sc_check_parse_date(items[i].assigned_date, &y, &m, &d))
                sc_cert_set_date(c, y, m, d); // a reprint's original date
            // A reserved number comes back as given: it is new all the same.
            if (!(reserved && c->status == SC_NUMBER_NEW))
                c->status = items[i].status;
        }
        g_free(items[i].assigned);
        g_free(items[i].assigned_date);
    }
    g_string_chunk_free(places);
    g_strfreev(sheets);
    g_free(items);
    return ok;
}

// What a stage freed (the checks' tables, the numbering's arrays, the finish stage's
// cross-reference table: tens of MB at 100,000 certificates) given back to the system before the
// next: glibc keeps freed heap, and serves the next stage's arrays from fresh memory beside it.
static void
give_back_memory(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

// Whether the run was asked to stop (a signal); then *ERROR says that nothing was issued.
static gboolean
cancelled(const sc_batch_output *out, GError **error)
{
    if (out->cancel == NULL || g_atomic_int_get(out->cancel) == 0)
        return FALSE;
    g_set_error(error, SC_ERROR, SC_ERROR_CANCELLED, "%s",
                _("stopped: no number was issued and no file written"));
    return TRUE;
}

// A link to URI over the rectangle X, Y, W × H (points) of the page on CR, widened to whole
// points: cairo 1.16 reads some tag numbers with the C library's locale-dependent sscanf(), and
// integers read the same in every locale (a decimal comma broke "12.5").
static void
add_link(cairo_t *cr, const char *uri, double x, double y, double w, double h)
{
    if (strchr(uri, '\'') != NULL || strlen(uri) > 900)
        return; // cairo's attribute syntax has no quote escape: no link rather than a wrong one
    g_autofree char *escaped = g_strescape(uri, NULL);
    long x0 = (long)floor(x), y0 = (long)floor(y);
    long x1 = (long)ceil(x + w), y1 = (long)ceil(y + h);
    g_autofree char *attrs =
        g_strdup_printf("rect=[%ld %ld %ld %ld] uri='%s'", x0, y0, x1 - x0, y1 - y0, escaped);
    cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
    cairo_tag_end(cr, CAIRO_TAG_LINK);
}

// A link over the web address in text element E as laid out on PAGE (issue 11: the query
// addresses of SPEC §2 are links), shifted by DX, DY points.
static void
link_text(cairo_t *cr, const sc_page *page, const sc_element *e, double dx, double dy)
{
    const sc_placed_text *t = sc_page_get_text(page, e->id);
    if (t == NULL || t->layout == NULL)
        return;
    const char *text = pango_layout_get_text(t->layout);
    const char *start = strstr(text, "http://");
    if (start == NULL)
        start = strstr(text, "https://");
    if (start == NULL)
        return;
    gsize len = 0;
    while (start[len] > ' ' && (guchar)start[len] < 0x7f)
        len++; // an address is printable ASCII, ended by a space or the first other character
    g_autofree char *uri = g_strndup(start, len);
    PangoRectangle a, z;
    pango_layout_index_to_pos(t->layout, (int)(start - text), &a);
    pango_layout_index_to_pos(t->layout, (int)(start - text + len) - 1, &z);
    double x0 = t->x * SC_PT_PER_MM + a.x / (double)PANGO_SCALE + dx;
    double x1 = t->x * SC_PT_PER_MM + (z.x + z.width) / (double)PANGO_SCALE + dx;
    double y0 = t->y * SC_PT_PER_MM + a.y / (double)PANGO_SCALE + dy;
    add_link(cr, uri, x0, y0, x1 - x0, a.height / (double)PANGO_SCALE);
}

// The links of C's page: each web address of a text element drawn, and the code's address over
// the code when its data is a URL (issue 11).
static void
draw_links(const sc_template *t, const sc_page *page, sc_cert *c, cairo_t *cr, const gboolean *omit,
           const sc_batch_output *out)
{
    // The printer's correction moves everything drawn (render.h sc_draw_options).
    cairo_save(cr);
    cairo_translate(cr, out->offset_x * SC_PT_PER_MM, out->offset_y * SC_PT_PER_MM);
    if (out->scale > 0)
        cairo_scale(cr, out->scale, out->scale);
    for (guint i = 0; i < t->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(t->elements, i);
        if (omit != NULL && omit[i])
            continue;
        double dx = 0, dy = 0;
        if (e->type == SC_ELEMENT_TEXT) {
            link_text(cr, page, e, dx, dy);
        } else if (e->type == SC_ELEMENT_QRCODE) {
            g_autofree char *data = sc_template_expand(e->data, sc_cert_lookup, c, NULL);
            if (data != NULL)
                sc_payload_cut_facts(data); // the address, never the holder's facts
            if (data != NULL &&
                (g_str_has_prefix(data, "http://") || g_str_has_prefix(data, "https://")))
                add_link(cr, data, e->x * SC_PT_PER_MM + dx, e->y * SC_PT_PER_MM + dy,
                         e->width * SC_PT_PER_MM, e->height * SC_PT_PER_MM);
        }
    }
    cairo_restore(cr);
}

// What the PDF of C alone says about itself (SPEC §5): the holder, the institution, the
// occupation and level, the number, the issue date in China's time zone.
typedef struct {
    char *title, *subject, *created;
    sc_finish_info info;
} cert_info;

static void
cert_info_init(cert_info *ci, const sc_template *t, const sc_cert *c)
{
    ci->title = g_strdup_printf("%s — %s", t->name, c->name);
    ci->subject = c->level != 0 ? g_strdup_printf("%s %s", c->occupation, sc_level_name(c->level))
                                : g_strdup(c->occupation);
    ci->created = g_strdup_printf("%sT00:00:00+08:00", c->issue_date);
    ci->info = (sc_finish_info){.title = ci->title,
                                .author = c->institution,
                                .subject = ci->subject,
                                .keywords = c->number,
                                .created = ci->created};
}

static void
cert_info_clear(cert_info *ci)
{
    g_free(ci->title);
    g_free(ci->subject);
    g_free(ci->created);
}

// Draw PAGE of C into SINK (with R), its links, what it says about itself.
static gboolean
draw_into(const sc_batch *b, sc_renderer *r, const sc_batch_output *out, const sc_page *page,
          sc_cert *c, guint order, sc_sink *sink, gboolean split, GError **error)
{
    cert_info ci;
    cert_info_init(&ci, b->tmpl, c);
    g_autofree char *bookmark = g_strdup_printf("%s %s", c->number, c->name);
    const sc_sink_page about = {.bookmark = split ? NULL : bookmark,
                                .label = split ? NULL : c->number,
                                .info = split ? &ci.info : NULL,
                                .reference = split && c == b->share_cert,
                                .order = order};
    const char *name = split && b->names != NULL ? g_hash_table_lookup(b->names, c) : c->number;
    cairo_t *cr = sc_sink_begin_page_full(sink, name, &about, error);
    cert_info_clear(&ci);
    if (cr == NULL)
        return FALSE;
    // Tagged for screen readers: the electronic certificates, not the combined print PDF (a
    // print run of 100,000 would hold 400 MB of structure in cairo until its end).
    const sc_draw_options opt = {.omit = b->omit,
                                 .offset_x = out->offset_x,
                                 .offset_y = out->offset_y,
                                 .scale = out->scale,
                                 .untagged = !split};
    sc_renderer_draw_with(r, page, cr, &opt);
    if (!out->preview)
        draw_links(b->tmpl, page, c, cr, b->omit, out);
    return sc_sink_end_page(sink, error);
}

// Lay out each of CERTS (numbered) with R and draw it into PDF and SPLIT (either may be NULL):
// all of them in order, or, with NEXT, those this thread takes in turn from the next one not yet
// taken by any (*NEXT, shared; set past the end when the output fails, so the others stop).
// A page that cannot be laid out adds its problems to PROBLEMS; from then on pages are still
// laid out, to find every problem, but no longer drawn.  FALSE with *ERROR set only when the
// output fails.
static gboolean
draw_pages(const sc_batch *b, sc_renderer *r, const sc_batch_output *out, GPtrArray *certs,
           gint *next, sc_sink *pdf, sc_sink *split, sc_problems *problems, GError **error)
{
    for (guint k = 0;; k++) {
        if ((next != NULL ? (guint)g_atomic_int_get(next) : k) >= certs->len)
            return TRUE;
        if (cancelled(out, error)) // (before a page is taken: a page taken is seen through)
            return FALSE;
        guint i = next != NULL ? (guint)g_atomic_int_add(next, 1) : k;
        if (i >= certs->len)
            return TRUE;
        sc_cert *c = g_ptr_array_index(certs, i);
        sc_page *page = lay_out(r, b->records_path, c, NULL, problems);
        gboolean ok = TRUE;
        if (page != NULL && sc_problems_count(problems) == 0) {
            ok = (pdf == NULL || draw_into(b, r, out, page, c, i, pdf, FALSE, error)) &&
                 (split == NULL || draw_into(b, r, out, page, c, i, split, TRUE, error));
        }
        sc_page_free(page);
        if (split != NULL && c == b->share_cert) // (drawn or not: the other threads wait)
            sc_deflate_share_done(b->share);
        if (!ok) {
            if (next != NULL)
                g_atomic_int_set(next, (gint)certs->len);
            return FALSE;
        }
        progress_tick(b);
    }
}

// A sink for OUT of KIND: the preview's PNG, the one PDF or the split folder (its files written
// BESIDE that split sink's, when not NULL: sc_sink_options.beside).
static sc_sink *
open_sink(const sc_batch *b, const sc_batch_output *out, sc_sink_kind kind, const sc_sink *beside,
          GError **error)
{
    const sc_template *t = b->tmpl;
    const sc_sink_options so = {.force = out->force, .mode = out->mode, .beside = beside};
    if (kind == SC_SINK_PNG)
        return sc_sink_new_full(SC_SINK_PNG, out->output, t->page_width, t->page_height, out->dpi,
                                NULL, NULL, &so, error);
    sc_sink *sink =
        sc_sink_new_full(kind, kind == SC_SINK_SPLIT ? out->split : out->output, t->page_width,
                         t->page_height, 0, t->name, out->created, &so, error);
    if (sink != NULL && kind == SC_SINK_SPLIT)
        sc_sink_set_share(sink, b->share);
    // Issue 13: every electronic certificate is signed, the one PDF on request (--sign).
    if (sink != NULL && b->signer != NULL && (kind == SC_SINK_SPLIT || out->sign)) {
        sc_sink_set_signer(sink, b->signer);
        if (t->signature >= 0) { // visible over the element the template names (the seal)
            const sc_element *e = g_ptr_array_index(t->elements, t->signature);
            sc_sink_set_signature_box(sink, (const double[4]){e->x, e->y, e->width, e->height});
        }
    }
    return sink;
}

// What the one PDF of CERTS says about itself: the batch's title and count, the institution,
// the occupations and levels, every number (SPEC §5).
static void
set_batch_info(const sc_batch *b, const sc_batch_output *out, GPtrArray *certs, sc_sink *sink)
{
    g_autoptr(GString) subject = g_string_new(NULL);
    g_autoptr(GString) keywords = g_string_new(NULL);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < certs->len; i++) {
        const sc_cert *c = g_ptr_array_index(certs, i);
        g_string_append_printf(keywords, "%s%s", i > 0 ? ", " : "", c->number);
        char *what = c->level != 0
                         ? g_strdup_printf("%s %s", c->occupation, sc_level_name(c->level))
                         : g_strdup(c->occupation);
        if (g_hash_table_add(seen, what) && g_hash_table_size(seen) <= 10)
            g_string_append_printf(subject, "%s%s", subject->len > 0 ? "；" : "", what);
    }
    if (g_hash_table_size(seen) > 10)
        g_string_append(subject, "；…");
    g_autofree char *title = g_strdup_printf("%s — %u 份", b->tmpl->name, certs->len);
    const sc_cert *first = certs->len > 0 ? g_ptr_array_index(certs, 0) : NULL;
    const sc_finish_info info = {.title = title,
                                 .author = b->inst != NULL ? b->inst->name
                                           : first != NULL ? first->institution
                                                           : NULL,
                                 .subject = subject->str,
                                 .keywords = keywords->str,
                                 .created = out->created};
    sc_sink_set_info(sink, &info);
}

// One worker of a split output, or of the one PDF, drawing with its own fonts and renderer (a
// Pango font map is not to be shared between threads) into its own sink: of split output, the
// certificates it takes in turn with the others (NEXT), so that they all end together (a fixed
// half each left one core idle for the last 5–7 % of the drawing); of the one PDF, a contiguous
// share of them, its part of the file.
typedef struct {
    const sc_batch *b;
    const sc_batch_output *out;
    GPtrArray *certs; // sc_cert *, borrowed
    gint *next;       // split: the next certificate not taken yet; NULL: all of CERTS
    sc_fonts *fonts;
    sc_renderer *renderer;
    sc_sink *sink;
    sc_problems *problems;
    GError *error;
} worker;

static gpointer
worker_run(gpointer data)
{
    worker *w = data;
    // The application font folder was added to fontconfig by the batch's own sc_fonts_new().
    w->fonts = sc_fonts_new(NULL, &w->error);
    if (w->fonts != NULL)
        w->renderer = sc_renderer_new(w->b->tmpl, w->fonts, encoder(w->b), FALSE, &w->error);
    if (w->renderer != NULL)
        sc_renderer_set_photo_files(w->renderer, w->b->photos);
    gboolean pdf = w->sink != NULL && sc_sink_get_kind(w->sink) == SC_SINK_PDF;
    if (w->renderer != NULL && w->sink != NULL)
        draw_pages(w->b, w->renderer, w->out, w->certs, w->next, pdf ? w->sink : NULL,
                   pdf ? NULL : w->sink, w->problems, &w->error);
    return NULL;
}

// Draw CERTS into sinks of KIND with N workers (split output, or the one PDF in parts), and
// meanwhile into PDF (when not NULL: the one PDF beside split output) on this thread.  The
// workers' sinks are added to SINKS in certificate order, to be made one (gather()) and
// committed or aborted together; problems of any page go to PROBLEMS.  FALSE with *ERROR set if
// the output failed.
static gboolean
draw_parallel(sc_batch *b, const sc_batch_output *out, GPtrArray *certs, guint n, sc_sink_kind kind,
              sc_sink *pdf, GPtrArray *sinks, sc_problems *problems, GError **error)
{
    worker *w = g_new0(worker, n);
    GThread **threads = g_new0(GThread *, n);
    gint next = 0;
    guint share = (certs->len + n - 1) / n;
    // The sinks are opened here, in order: the first makes the split folder if it must and its
    // temporary folder, where the others write too (so that gather() has no file to move), and
    // the last made is the first aborted (abort_all()), so the folders go when they are empty.
    for (guint k = 0; k < n; k++) {
        w[k] = (worker){.b = b, .out = out, .problems = sc_problems_new()};
        if (kind == SC_SINK_SPLIT) { // all of them, taken in turn
            w[k].certs = g_ptr_array_ref(certs);
            w[k].next = &next;
        } else { // its part
            w[k].certs = g_ptr_array_new();
            for (guint i = k * share; i < MIN(certs->len, (k + 1) * share); i++)
                g_ptr_array_add(w[k].certs, certs->pdata[i]);
        }
        sc_sink *beside = kind == SC_SINK_SPLIT && k > 0 ? w[0].sink : NULL;
        if (k == 0 || beside != NULL || kind != SC_SINK_SPLIT)
            w[k].sink = open_sink(b, out, kind, beside, &w[k].error);
    }
    if (kind == SC_SINK_PDF && w[0].sink != NULL)
        set_batch_info(b, out, certs, w[0].sink); // the sink the others join
    for (guint k = 0; k < n; k++)
        threads[k] = g_thread_new("skillcert-render", worker_run, &w[k]);
    g_autoptr(sc_problems) mine = sc_problems_new();
    gboolean ok =
        pdf == NULL || draw_pages(b, b->renderer, out, certs, NULL, pdf, NULL, mine, error);
    for (guint k = 0; k < n; k++) {
        g_thread_join(threads[k]);
        sc_problems_merge(problems, w[k].problems);
        if (w[k].error != NULL && ok) {
            g_propagate_error(error, g_steal_pointer(&w[k].error));
            ok = FALSE;
        }
        g_clear_error(&w[k].error);
        g_ptr_array_add(sinks, w[k].sink);
        sc_renderer_free(w[k].renderer);
        sc_fonts_free(w[k].fonts);
        sc_problems_free(w[k].problems);
        g_ptr_array_unref(w[k].certs);
    }
    if (sc_problems_count(problems) == 0)
        sc_problems_merge(problems, mine); // the same pages' problems, found once by the workers
    g_free(threads);
    g_free(w);
    return ok;
}

// The seal's names as a template writes them (cert.h SC_FIELD_SEAL and its alias).
static const char *const seal_fields[] = {SC_FIELD_SEAL, "seal", NULL};

// What OUT leaves out of B's pages: what its stock carries (the template's stock sections, else
// its static layer), the elements named in OUT->leave_out, and the seal where the institution
// does not print it (SPEC §2: "the institution chooses where its seal image is printed";
// electronic = split output, full = blank paper, stock = pre-printed stock).  NULL with *ERROR
// set (SC_ERROR_USAGE) for an unknown stock or element.  Caller frees with g_free().
static gboolean *
leave_out(const sc_batch *b, const sc_batch_output *out, GError **error)
{
    gboolean on_stock = out->fill_only || out->stock != NULL;
    const char *stock = out->fill_only && out->stock == NULL ? "" : out->stock;
    if (!on_stock)
        stock = SC_STOCK_BLANK;
    gboolean *omit = sc_template_stock_mask(b->tmpl, stock, error);
    if (omit == NULL)
        return NULL;
    on_stock = on_stock && strcmp(stock, SC_STOCK_BLANK) != 0;
    guint where = out->split != NULL ? SC_SEAL_ELECTRONIC : on_stock ? SC_SEAL_STOCK : SC_SEAL_FULL;
    guint seal_on = b->inst != NULL ? b->inst->seal_on : SC_SEAL_DEFAULT;
    if (!sc_template_mask_names(b->tmpl, omit, out->leave_out, "--leave-out", error)) {
        g_free(omit);
        return NULL;
    }
    for (guint i = 0; !(seal_on & where) && i < b->tmpl->elements->len; i++)
        omit[i] |= sc_template_element_names(g_ptr_array_index(b->tmpl->elements, i), seal_fields);
    return omit;
}

// The sinks of KIND in SINKS (one per thread) made one, so that the output is committed whole:
// the first takes over the others' split files, or the one PDF's parts they drew.
static gboolean
gather(GPtrArray *sinks, sc_sink_kind kind, GError **error)
{
    sc_sink *first = NULL;
    for (guint k = 0; k < sinks->len; k++) {
        sc_sink *sink = sinks->pdata[k];
        if (sink == NULL || sc_sink_get_kind(sink) != kind)
            continue;
        if (first == NULL) {
            first = sink;
            continue;
        }
        if (!sc_sink_adopt(first, sink, error))
            return FALSE;
        g_ptr_array_remove_index(sinks, k--); // adopted and freed: not to be aborted
    }
    return TRUE;
}

// Abort the sinks of SINKS, the last made first (a split folder made by the first is removed
// once the others' temporaries are gone), and empty it.
static void
abort_all(GPtrArray *sinks)
{
    for (guint k = sinks->len; k-- > 0;)
        sc_sink_abort(g_steal_pointer(&sinks->pdata[k]));
    g_ptr_array_set_size(sinks, 0);
}

// Draw CERTS into fresh sinks, added to SINKS: the PNG of a preview, or the one PDF, and the
// split folder (one sink, or one per worker).  Split file names are worked out first: two
// certificates with one name are a problem before anything is written.
static gboolean
draw(sc_batch *b, const sc_batch_output *out, GPtrArray *certs, GPtrArray *sinks,
     sc_problems *problems, GError **error)
{
    gboolean split = !out->preview && out->split != NULL;
    gboolean one = out->preview || out->output != NULL;
    guint workers = split && out->jobs > 1 ? MIN(out->jobs, certs->len) : 1;
    // The one PDF alone: its pages shared among the workers, each drawing parts of it.
    gboolean pdf_parts =
        one && !split && !out->preview && out->jobs > 1 && certs->len >= PARALLEL_PDF_PAGES;
    if (pdf_parts)
        workers = MIN(out->jobs, certs->len / (PARALLEL_PDF_PAGES / 2));
    g_free(b->omit);
    b->omit = leave_out(b, out, error);
    if (b->omit == NULL)
        return FALSE;
    g_clear_pointer(&b->names, g_hash_table_unref);
    if (split) {
        b->names = sc_deliver_names(certs, out->name_pattern, b->records_path, problems, error);
        if (b->names == NULL)
            return FALSE;
        if (sc_problems_count(problems) > 0)
            return TRUE;
    }
    sc_sink *pdf = NULL, *folder = NULL;
    if (pdf_parts) {
        progress_start(b, certs->len);
        gboolean ok =
            draw_parallel(b, out, certs, workers, SC_SINK_PDF, NULL, sinks, problems, error) &&
            gather(sinks, SC_SINK_PDF, error);
        sc_problems_sort(problems);
        return ok;
    }
    if (one) {
        pdf = open_sink(b, out, out->preview ? SC_SINK_PNG : SC_SINK_PDF, NULL, error);
        if (pdf == NULL)
            return FALSE;
        g_ptr_array_add(sinks, pdf);
        if (!out->preview)
            set_batch_info(b, out, certs, pdf);
    }
    progress_start(b, certs->len * (one && workers > 1 ? 2 : 1));
    if (split) { // the split pages' font subsets made with the first's runs (deflate.h)
        b->share = sc_deflate_share_new();
        b->share_cert = certs->len > 0 ? certs->pdata[0] : NULL;
    }
    gboolean ok;
    if (workers > 1) {
        ok = draw_parallel(b, out, certs, workers, SC_SINK_SPLIT, pdf, sinks, problems, error) &&
             gather(sinks, SC_SINK_SPLIT, error);
    } else {
        ok = !split || (folder = open_sink(b, out, SC_SINK_SPLIT, NULL, error)) != NULL;
        if (folder != NULL)
            g_ptr_array_add(sinks, folder);
        ok = ok && draw_pages(b, b->renderer, out, certs, NULL, pdf, folder, problems, error);
    }
    g_clear_pointer(&b->share, sc_deflate_share_free); // (every page drawn: no longer used)
    b->share_cert = NULL;
    sc_problems_sort(problems);
    return ok;
}

// Finish every sink of SINKS: each file written, closed and synced under its temporary name.
static gboolean
finish(GPtrArray *sinks, GError **error)
{
    for (guint k = 0; k < sinks->len; k++)
        if (!sc_sink_finish(sinks->pdata[k], error))
            return FALSE;
    return TRUE;
}

// Commit SINKS in order; after a failure the rest are aborted.  Empties SINKS.
static gboolean
commit(GPtrArray *sinks, GError **error)
{
    gboolean ok = TRUE;
    for (guint k = 0; k < sinks->len; k++) {
        sc_sink *sink = g_steal_pointer(&sinks->pdata[k]);
        if (ok)
            ok = sc_sink_commit(sink, error);
        else
            sc_sink_abort(sink);
    }
    g_ptr_array_set_size(sinks, 0);
    return ok;
}

// A file of split output, as the manifest lists it.
typedef struct {
    char *file, *sha256;
    guint64 bytes;
} manifest_file;

static void
manifest_file_clear(gpointer p)
{
    manifest_file *m = p;
    g_free(m->file);
    g_free(m->sha256);
}

// The files of the split sinks of SINKS, finished, in certificate order: what the manifest will
// list once they are in place.  NULL when OUT has no split output.
static GArray *
manifest_collect(const sc_batch_output *out, GPtrArray *sinks)
{
    if (out->split == NULL || out->preview)
        return NULL;
    GArray *files = g_array_new(FALSE, TRUE, sizeof(manifest_file));
    g_array_set_clear_func(files, manifest_file_clear);
    for (guint k = 0; k < sinks->len; k++) {
        const sc_sink *sink = sinks->pdata[k];
        if (sc_sink_get_kind(sink) != SC_SINK_SPLIT)
            continue;
        const GPtrArray *finals = sc_sink_files(sink);
        for (guint i = 0; i < finals->len; i++) {
            manifest_file m = {.file = g_path_get_basename(finals->pdata[i]),
                               .sha256 = g_strdup(sc_sink_file_sha256(sink, i)),
                               .bytes = sc_sink_file_size(sink, i)};
            g_array_append_val(files, m);
        }
    }
    return files;
}

// Write the manifest of FILES, one per certificate of CERTS, into the split folder (written last:
// a complete manifest means a complete set; issue 11).
static gboolean
manifest_write(const sc_batch_output *out, GPtrArray *certs, GArray *files, GError **error)
{
    g_return_val_if_fail(files->len == certs->len, FALSE);
    sc_deliver_entry *entries = g_new0(sc_deliver_entry, files->len);
    for (guint i = 0; i < files->len; i++) {
        const manifest_file *m = &g_array_index(files, manifest_file, i);
        entries[i] = (sc_deliver_entry){
            .cert = certs->pdata[i], .file = m->file, .bytes = m->bytes, .sha256 = m->sha256};
    }
    gboolean ok =
        sc_deliver_write_manifest(out->split, entries, files->len, out->full_id, 0, error);
    g_free(entries);
    return ok;
}

// The problems of PROBLEMS as *ERROR: their code and how many.  Always FALSE.
static gboolean
fail_with_problems(const sc_problems *problems, sc_error_code code, GError **error)
{
    guint n = sc_problems_count(problems);
    g_set_error(error, SC_ERROR, code,
                g_dngettext(GETTEXT_PACKAGE, "%u problem found", "%u problems found", n), n);
    return FALSE;
}

// Whether row ROW of the file is one OUT asks for: every row, the rows of --rows, or the one of
// a preview (its row, else the first).
static gboolean
wanted(const sc_batch_output *out, guint row, guint first_row)
{
    if (out->preview)
        return row == (out->row != 0 ? out->row : first_row);
    if (out->rows == NULL)
        return TRUE;
    for (guint i = 0; i < out->rows->len; i += 2)
        if (row >= g_array_index(out->rows, guint, i) &&
            row <= g_array_index(out->rows, guint, i + 1))
            return TRUE;
    return FALSE;
}

// The certificates OUT asks for, into *SELECTED, and those the whole file numbers (every one
// without a problem), into *ALL.  FALSE with *ERROR set when none is asked for.
static gboolean
select_certs(sc_batch *b, const sc_batch_output *out, GPtrArray **selected, GPtrArray **all,
             sc_problems *problems, GError **error)
{
    *selected = g_ptr_array_new();
    *all = g_ptr_array_new();
    guint first = b->certs->len > 0 ? ((sc_cert *)b->certs->pdata[0])->row : 0;
    for (guint i = 0; i < b->certs->len; i++) {
        sc_cert *c = g_ptr_array_index(b->certs, i);
        if (wanted(out, c->row, first))
            g_ptr_array_add(*selected, c);
        if (!sc_problems_has_row(problems, c->row))
            g_ptr_array_add(*all, c);
    }
    if ((*selected)->len == 0 && sc_problems_count(problems) == 0) {
        if (out->preview && out->row != 0)
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("%s: no record starts at row %d (row 1 is the header)"), b->records_path,
                        (int)out->row);
        else if (out->rows != NULL)
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("%s: no record starts at the rows given"), b->records_path);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("%s: no records"), b->records_path);
        return FALSE;
    }
    // A preview shows its one record: other rows' problems are for check and render.
    if (out->preview && (*selected)->len == 1)
        sc_problems_keep_row(problems, ((sc_cert *)(*selected)->pdata[0])->row);
    return TRUE;
}

// Whether each certificate of CERTS still has the number of PREDICTED.
static gboolean
same_numbers(GPtrArray *certs, GPtrArray *predicted)
{
    for (guint i = 0; i < certs->len; i++)
        if (g_strcmp0(predicted->pdata[i], ((sc_cert *)certs->pdata[i])->number) != 0)
            return FALSE;
    return TRUE;
}

// Issue CERTS' numbers from SOURCE (the issue left open until the output is in place); if any
// differs from PREDICTED (a concurrent batch took it in between), abort SINKS and draw again
// with the numbers issued.
static gboolean
issue(sc_batch *b, const sc_batch_output *out, sc_number_source *source, GPtrArray *certs,
      GPtrArray *predicted, gboolean reserved, GPtrArray *sinks, sc_problems *problems,
      GError **error)
{
    for (guint i = 0; i < certs->len; i++) {
        sc_cert *c = g_ptr_array_index(certs, i);
        if (!c->number_given && !(reserved && c->status == SC_NUMBER_NEW))
            g_clear_pointer(&c->number, g_free);
    }
    if (!number(b, out, source, certs, /*dry_run*/ FALSE, reserved, problems, error))
        return FALSE;
    if (same_numbers(certs, predicted))
        return TRUE;
    abort_all(sinks);
    if (!draw(b, out, certs, sinks, problems, error))
        return FALSE;
    if (sc_problems_count(problems) > 0)
        return fail_with_problems(problems, SC_ERROR_INPUT, error);
    return finish(sinks, error);
}

// The numbers file (SPEC §3 "who got which number"): a row per certificate written, in UTF-8
// with a BOM so that Excel opens it, written and synced under a temporary name (mode 0600: it
// holds identity numbers).  Returns the temporary's path, or NULL with *ERROR set.
static char *
write_numbers(const sc_batch *b, const sc_batch_output *out, GPtrArray *certs, GError **error)
{
    static const char *const status[] = {[SC_NUMBER_NEW] = N_("新发"),
                                         [SC_NUMBER_REPRINT] = N_("补打"),
                                         [SC_NUMBER_CORRECTED] = N_("更正后补打")};
    // Named as the sink names its temporaries (sink.h), so that a run killed here leaves one the
    // next run into the same folder recognises and removes.
    g_autofree char *dir = g_path_get_dirname(out->numbers);
    g_autofree char *base = g_path_get_basename(out->numbers);
    g_autofree char *name = g_strdup_printf(".%s.skillcert-tmp-%ld-XXXXXX", base, (long)getpid());
    char *tmp = g_build_filename(dir, name, NULL);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
    gboolean ok = fd >= 0;
    GString *csv = g_string_new("\xEF\xBB\xBF");
    g_string_append(csv, "行号,姓名,证件号码,证书编号,发证日期,状态,输出\n");
    for (guint i = 0; ok && i < certs->len; i++) {
        const sc_cert *c = g_ptr_array_index(certs, i);
        char row[16];
        g_snprintf(row, sizeof row, "%u", c->row);
        g_autofree char *place = print_place(b, out, c, i);
        const char *cells[] = {
            row, c->name, c->id_number, c->number, c->issue_date, _(status[c->status]), place};
        for (guint k = 0; k < G_N_ELEMENTS(cells); k++)
            sc_deliver_csv_field(csv, cells[k], k + 1 == G_N_ELEMENTS(cells) ? '\n' : ',');
        if (csv->len >= 64 * 1024) { // written as it grows: 10 MB at 100,000
            ok = write(fd, csv->str, csv->len) == (ssize_t)csv->len;
            g_string_truncate(csv, 0);
        }
    }
    ok = ok && write(fd, csv->str, csv->len) == (ssize_t)csv->len && fsync(fd) == 0;
    int saved = errno;
    if (fd >= 0)
        close(fd);
    g_string_free(csv, TRUE);
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write: %s"), out->numbers,
                    g_strerror(saved));
        if (fd >= 0)
            g_unlink(tmp);
        g_clear_pointer(&tmp, g_free);
    }
    return tmp;
}

// Put the output in place and keep the numbers: the files are moved to their names (and their
// folder synced), then the register commits.  A crash between the two leaves files whose
// numbers are not issued; running the batch again gives the same records the same numbers (the
// counter did not move) and replaces them.  Any failure before the files are in place gives
// every number back.
static gboolean
deliver(const sc_batch *b, const sc_batch_output *out, GPtrArray *certs, sc_number_source *source,
        GPtrArray *sinks, GError **error)
{
    g_autofree char *numbers = NULL;
    g_autoptr(GArray) manifest = manifest_collect(out, sinks); // listed once they are in place
    if (out->numbers != NULL && (numbers = write_numbers(b, out, certs, error)) == NULL)
        goto fail;
    if (cancelled(out, error) || !commit(sinks, error))
        goto fail;
    if (manifest != NULL && !manifest_write(out, certs, manifest, error))
        goto fail;
    if (numbers != NULL && g_rename(numbers, out->numbers) != 0) {
        int saved = errno;
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("%s: cannot write: %s"), out->numbers,
                    g_strerror(saved));
        goto fail;
    }
    return sc_number_source_finish(source, /*keep*/ TRUE, error);
fail:
    if (numbers != NULL)
        g_unlink(numbers);
    sc_number_source_finish(source, /*keep*/ FALSE, NULL);
    return FALSE;
}

// Each page is laid out once in the common case: the numbers the batch would get are worked out
// first without issuing them (a dry run of the source over the whole file), the pages are laid
// out and drawn with them into temporary files, every file is completed and synced, and only
// then are the numbers issued, in one transaction that commits once the files are in place.
// Should a concurrent batch have taken some of them in between, the pages are drawn again with
// the numbers actually issued.
gboolean
sc_batch_write(sc_batch *b, const sc_batch_output *out, GPtrArray **written, sc_problems *problems,
               GError **error)
{
    g_return_val_if_fail(b != NULL && out != NULL, FALSE);
    g_autoptr(GPtrArray) certs = NULL, all = NULL;
    g_autoptr(GPtrArray) predicted = g_ptr_array_new(); // in NUMBERS
    GStringChunk *numbers = g_string_chunk_new(64 * 1024);
    g_autoptr(GPtrArray) sinks = g_ptr_array_new(); // sc_sink *, aborted by abort_all()
    sc_number_source *source = NULL;
    gboolean owned = FALSE, ok = FALSE;

    if (!select_certs(b, out, &certs, &all, problems, error) ||
        !ensure_renderer(b, out->preview, error))
        goto out;
    // Certificates with problems cannot be numbered: report them with every layout problem of
    // the others (laid out with a stand-in number), and stop.
    if (sc_problems_count(problems) > 0) {
        lay_out_all(b, certs, problems);
        sc_problems_sort(problems);
        fail_with_problems(problems, SC_ERROR_INPUT, error);
        goto out;
    }
    // The numbers of the whole file, so that a selection of rows (and a preview) gets the
    // numbers the whole file would give it.
    gboolean reserved = certs->len < all->len;
    source = open_source(b, &owned, error);
    if (source == NULL ||
        !number(b, out, source, all, /*dry_run*/ TRUE, /*reserved*/ FALSE, problems, error))
        goto out;
    for (guint i = 0; i < certs->len; i++) {
        const char *number = ((sc_cert *)certs->pdata[i])->number;
        g_ptr_array_add(predicted, number != NULL ? g_string_chunk_insert(numbers, number) : NULL);
    }
    give_back_memory(); // the checks' and the dry run's, before the pages
    if (!draw(b, out, certs, sinks, problems, error))
        goto out;
    if (sc_problems_count(problems) > 0) {
        fail_with_problems(problems, SC_ERROR_INPUT, error);
        goto out;
    }
    // Every file complete and synced before any number is issued.
    give_back_memory(); // cairo's, before the parts are joined and finished
    if (!finish(sinks, error) || cancelled(out, error))
        goto out;
    give_back_memory();
    remember_files(b, out, certs, sinks);
    if (out->preview)
        ok = commit(sinks, error);
    else
        ok = issue(b, out, source, certs, predicted, reserved, sinks, problems, error) &&
             deliver(b, out, certs, source, sinks, error);
    if (ok && written != NULL)
        *written = g_ptr_array_ref(certs);

out:
    abort_all(sinks);
    if (owned)
        sc_number_source_free(source);
    g_string_chunk_free(numbers);
    return ok;
}

const char *
sc_batch_get_register(const sc_batch *b)
{
    return b->inst != NULL && b->source == NULL ? b->register_path : NULL;
}

GArray *
sc_batch_parse_rows(const char *text, GError **error)
{
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(guint));
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    gboolean ok = parts[0] != NULL;
    for (guint i = 0; ok && parts[i] != NULL; i++) {
        g_auto(GStrv) ends = g_strsplit(g_strstrip(parts[i]), "-", 2);
        guint64 first = 0, last = 0;
        ok = ends[0] != NULL &&
             g_ascii_string_to_unsigned(g_strstrip(ends[0]), 10, 2, G_MAXUINT, &first, NULL) &&
             (ends[1] == NULL ||
              g_ascii_string_to_unsigned(g_strstrip(ends[1]), 10, first, G_MAXUINT, &last, NULL));
        guint range[2] = {(guint)first, ends[1] != NULL ? (guint)last : (guint)first};
        g_array_append_vals(rows, range, 2);
    }
    if (!ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--rows %s: write rows of the file (row 1 is the header) such as 6,9-12"),
                    text);
        g_array_unref(rows);
        return NULL;
    }
    return rows;
}

// The first and last numbers of a level's new certificates, and how many.
typedef struct {
    const char *first, *last;
    guint count;
} level_range;

char *
sc_batch_summary(const sc_batch *b, GPtrArray *written, const char *numbers)
{
    GString *out = g_string_new(NULL);
    const char *reg = sc_batch_get_register(b);
    if (reg != NULL) {
        g_autofree char *shown = sc_sqldb_display_name(reg); // never a password
        g_string_append_printf(out, _("register: %s\n"), shown);
    }
    level_range ranges[10] = {{0}};
    guint reprinted = 0, corrected = 0;
    for (guint i = 0; i < written->len; i++) {
        const sc_cert *c = g_ptr_array_index(written, i);
        if (c->status == SC_NUMBER_REPRINT)
            reprinted++;
        else if (c->status == SC_NUMBER_CORRECTED)
            corrected++;
        if (c->status != SC_NUMBER_NEW || c->level < 0 || c->level > 9)
            continue;
        level_range *r = &ranges[c->level];
        if (r->first == NULL || strcmp(c->number, r->first) < 0)
            r->first = c->number;
        if (r->last == NULL || strcmp(c->number, r->last) > 0)
            r->last = c->number;
        r->count++;
    }
    for (int level = 0; level < 10; level++)
        if (ranges[level].count > 0)
            g_string_append_printf(out, _("new, %s: %s – %s (%u)\n"),
                                   level != 0 ? sc_level_name(level) : "-", ranges[level].first,
                                   ranges[level].last, ranges[level].count);
    if (reprinted + corrected > 0)
        g_string_append_printf(out, _("printed again: %u (%u of them corrected)\n"),
                               reprinted + corrected, corrected);
    if (numbers != NULL)
        g_string_append_printf(out, _("who got which number: %s\n"), numbers);
    return g_string_free(out, FALSE);
}
