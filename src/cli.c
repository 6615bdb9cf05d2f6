// cli.c - subcommands render, preview, check, number; the one place that prints and exits.
#include "cli.h"

#include "certno.h"
#include "check.h"
#include "error.h"
#include "i18n.h"
#include "institution.h"
#include "layout.h"
#include "level.h"
#include "numbering.h"
#include "qr.h"
#include "record.h"
#include "registry.h"
#include "render.h"
#include "sink.h"
#include "template.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

// Options shared by render, preview and check.
typedef struct {
    char *template_path;
    char *institution_path;
    char *photos;
    char *register_path;
    char *encoding;
    char *date;
    char *output;
    char *split;
    char *offset;
    gboolean fill_only;
    int row;
    double dpi;
    int jobs;
} job_options;

// The loaded inputs of a job.
typedef struct {
    job_options *opt;
    sc_template *tmpl;
    sc_institution *inst;
    sc_records *records;
    sc_fonts *fonts;
    sc_renderer *renderer;
    char *photo_dir;
    double offset_x, offset_y;
} job;

static void
job_clear(job *j)
{
    sc_renderer_free(j->renderer);
    sc_fonts_free(j->fonts);
    sc_records_free(j->records);
    sc_institution_free(j->inst);
    sc_template_free(j->tmpl);
    g_free(j->photo_dir);
}

// Where templates/ and fonts/ are: $SKILLCERT_DATADIR, else next to the program or up to two
// folders above it (the source tree: ./skillcert, build/skillcert, build/asan/skillcert), else
// the installed data folder.
static char *
data_path(const char *sub)
{
    const char *env = g_getenv("SKILLCERT_DATADIR");
    if (env != NULL && *env != '\0')
        return g_build_filename(env, sub, NULL);
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe != NULL) {
        g_autofree char *dir = g_path_get_dirname(exe);
        const char *const ups[] = {".", "..", "../.."};
        for (guint i = 0; i < G_N_ELEMENTS(ups); i++) {
            char *p = g_build_filename(dir, ups[i], sub, NULL);
            if (g_file_test(p, G_FILE_TEST_EXISTS))
                return p;
            g_free(p);
        }
    }
    return g_build_filename(SC_DATADIR, sub, NULL);
}

// Where the message catalogues are (LANG/LC_MESSAGES/skillcert.mo): the locale/ folder that
// data_path() finds (the source tree's, built by make), else the installed SC_LOCALEDIR.
// Caller frees with g_free().
static char *
locale_dir(void)
{
    char *dir = data_path("locale");
    if (g_file_test(dir, G_FILE_TEST_IS_DIR))
        return dir;
    g_free(dir);
    return g_strdup(SC_LOCALEDIR);
}

static int
report(GError *error)
{
    int status = sc_error_exit_status(error);
    fprintf(stderr, "skillcert: %s\n", error->message);
    g_error_free(error);
    return status;
}

// Field lookup for templates: canonical names, ASCII aliases, and the names checks add.
static const char *
record_lookup(const char *name, gpointer data)
{
    static const struct { const char *alias, *field; } extra[] = {
        {"institution", SC_FIELD_INSTITUTION}, {"seal", SC_FIELD_SEAL},
        {"issue_year", SC_FIELD_ISSUE_YEAR},   {"issue_month", SC_FIELD_ISSUE_MONTH},
        {"issue_day", SC_FIELD_ISSUE_DAY},     {"level_code", SC_FIELD_LEVEL_CODE},
    };
    const sc_record *rec = data;
    const char *value = sc_record_get(rec, name);
    for (guint i = 0; value == NULL && i < G_N_ELEMENTS(extra); i++)
        if (g_ascii_strcasecmp(name, extra[i].alias) == 0)
            value = sc_record_get(rec, extra[i].field);
    return value;
}

static gboolean
parse_offset(const char *text, double *x, double *y)
{
    g_auto(GStrv) parts = g_strsplit(text, ",", 2);
    if (g_strv_length(parts) != 2)
        return FALSE;
    char *end;
    *x = g_ascii_strtod(parts[0], &end);
    if (end == parts[0] || (*end && strcmp(end, "mm") != 0) || fabs(*x) > 50)
        return FALSE;
    *y = g_ascii_strtod(parts[1], &end);
    return end != parts[1] && (!*end || strcmp(end, "mm") == 0) && fabs(*y) <= 50;
}

// Load template, institution, records and fonts; check every record (fields, photos) and
// lay every page out once (glyphs, fit), with a stand-in for numbers still to be allocated.
// All problems go to PROBLEMS.  FALSE with *ERROR set for what stops the job as a whole.
static gboolean
job_load(job *j, const char *records_path, gboolean raster, sc_problems *problems,
         GPtrArray *notes, GError **error)
{
    job_options *o = j->opt;
    g_autofree char *tmpl_path = o->template_path ? g_strdup(o->template_path)
                                                  : data_path("templates/national.ini");
    j->tmpl = sc_template_load(tmpl_path, error);
    if (j->tmpl == NULL)
        return FALSE;
    if (o->institution_path != NULL) {
        j->inst = sc_institution_load(o->institution_path, error);
        if (j->inst == NULL)
            return FALSE;
        // The institution's QR data pattern replaces the template's.
        for (guint i = 0; j->inst->qr_data && i < j->tmpl->elements->len; i++) {
            sc_element *e = g_ptr_array_index(j->tmpl->elements, i);
            if (e->type == SC_ELEMENT_QRCODE) {
                g_free(e->data);
                e->data = g_strdup(j->inst->qr_data);
            }
        }
    }
    if (o->offset != NULL && !parse_offset(o->offset, &j->offset_x, &j->offset_y)) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--offset %s: write X,Y in millimetres, each within ±50, e.g. 1.5,-0.8"),
                    o->offset);
        return FALSE;
    }

    sc_encoding enc = SC_ENCODING_AUTO;
    if (o->encoding != NULL) {
        if (g_ascii_strcasecmp(o->encoding, "utf-8") == 0 || g_ascii_strcasecmp(o->encoding, "utf8") == 0)
            enc = SC_ENCODING_UTF8;
        else if (g_ascii_strcasecmp(o->encoding, "gbk") == 0 ||
                 g_ascii_strcasecmp(o->encoding, "gb18030") == 0 ||
                 g_ascii_strcasecmp(o->encoding, "gb2312") == 0)
            enc = SC_ENCODING_GB18030;
        else if (g_ascii_strcasecmp(o->encoding, "auto") != 0) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("--encoding %s: write utf-8, gbk (GB 18030) or auto"), o->encoding);
            return FALSE;
        }
    }
    j->records = sc_records_load(records_path, enc, SC_FORMAT_AUTO, problems, notes, error);
    if (j->records == NULL)
        return FALSE;

    // The batch date: --date, else today.
    sc_check_options copt = {.tmpl = j->tmpl, .institution = j->inst};
    if (o->date != NULL) {
        if (!sc_check_parse_date(o->date, &copt.batch_year, &copt.batch_month, &copt.batch_day)) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("--date %s: write a date such as 2026-11-23"), o->date);
            return FALSE;
        }
    } else {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        copt.batch_year = g_date_time_get_year(now);
        copt.batch_month = g_date_time_get_month(now);
        copt.batch_day = g_date_time_get_day_of_month(now);
    }

    // Photos: --photos, else a photos/ folder beside the records, else their own folder.
    if (o->photos != NULL)
        j->photo_dir = g_strdup(o->photos);
    else {
        g_autofree char *dir = g_path_get_dirname(records_path);
        j->photo_dir = g_build_filename(dir, "photos", NULL);
        if (!g_file_test(j->photo_dir, G_FILE_TEST_IS_DIR)) {
            g_free(j->photo_dir);
            j->photo_dir = g_steal_pointer(&dir);
        }
    }
    copt.photo_dir = j->photo_dir;
    sc_check_records(j->records, &copt, problems);

    g_autofree char *fonts_dir = data_path("fonts");
    j->fonts = sc_fonts_new(fonts_dir, error);
    if (j->fonts == NULL)
        return FALSE;
    j->renderer = sc_renderer_new(j->tmpl, j->fonts, sc_qr_encoder(), raster, error);
    return j->renderer != NULL;
}

// A stand-in for a number still to be allocated: the institution's, this year's and level's,
// with the widest serial, so fit and glyph checks see what will be printed.
static char *
standin_number(const job *j, const sc_record *rec)
{
    const char *year = sc_record_get(rec, SC_FIELD_ISSUE_YEAR);
    const char *level = sc_record_get(rec, SC_FIELD_LEVEL_CODE);
    return g_strdup_printf("%s%02d%s999999", j->inst ? j->inst->prefix : "S000000000000",
                           year ? atoi(year) % 100 : 0, level ? level : "5");
}

// Lay out the page of REC, numbered or with a stand-in number; the page, or NULL + problems.
static sc_page *
prepare(job *j, sc_record *rec, sc_problems *problems)
{
    const char *number = sc_record_get(rec, SC_FIELD_NUMBER);
    if (number != NULL && *number != '\0')
        return sc_renderer_prepare(j->renderer, record_lookup, rec, j->records->path, rec->row,
                                   problems);
    g_autofree char *standin = standin_number(j, rec);
    sc_record_set(rec, SC_FIELD_NUMBER, standin);
    sc_page *page = sc_renderer_prepare(j->renderer, record_lookup, rec, j->records->path,
                                        rec->row, problems);
    sc_record_set(rec, SC_FIELD_NUMBER, "");
    return page;
}

static void
print_notes(GPtrArray *notes)
{
    for (guint i = 0; i < notes->len; i++)
        fprintf(stderr, _("skillcert: note: %s\n"), (const char *)g_ptr_array_index(notes, i));
}

// Give every record of RECS its number through the institution's register or as given.
static gboolean
assign_numbers(job *j, GPtrArray *recs, gboolean dry_run, GError **error)
{
    sc_number_source *source;
    if (j->inst != NULL) {
        g_autofree char *reg = j->opt->register_path
                                   ? g_strdup(j->opt->register_path)
                                   : g_strconcat(j->inst->path, ".register.db", NULL);
        g_autoptr(GDateTime) now = g_date_time_new_now_local();
        g_autofree char *base = g_path_get_basename(j->records->path);
        g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
        g_autofree char *batch = g_strdup_printf("%s %s", base, stamp);
        source = sc_registry_source_new(reg, j->inst->prefix, batch, error);
        if (source == NULL)
            return FALSE;
    } else {
        source = sc_number_source_given_new();
    }

    guint n = recs->len;
    sc_number_item *items = g_new0(sc_number_item, n);
    for (guint i = 0; i < n; i++) {
        sc_record *rec = g_ptr_array_index(recs, i);
        const char *number = sc_record_get(rec, SC_FIELD_NUMBER);
        const char *lc = sc_record_get(rec, SC_FIELD_LEVEL_CODE);
        items[i] = (sc_number_item){
            .row = rec->row,
            .name = sc_record_get(rec, SC_FIELD_NAME),
            .id_type = sc_record_get(rec, SC_FIELD_ID_TYPE),
            .id_number = sc_record_get(rec, SC_FIELD_ID_NUMBER),
            .occupation = sc_record_get(rec, SC_FIELD_OCCUPATION),
            .work_type = sc_record_get(rec, SC_FIELD_WORK_TYPE),
            .level = lc ? lc[0] - '0' : 0,
            .issue_date = sc_record_get(rec, SC_FIELD_ISSUE_DATE),
            .number = number != NULL && *number ? number : NULL,
        };
    }
    // The source's problems shown as the others are: FILE:ROW: FIELD: message.
    g_autoptr(sc_problems) found = sc_problems_new();
    GError *local = NULL;
    gboolean ok = source->assign(source, items, n, dry_run, found, &local);
    if (!ok && sc_problems_count(found) > 0) {
        g_autoptr(sc_problems) shown = sc_problems_new();
        sc_problems_merge_in(shown, found, j->records->path);
        sc_problems_to_error(shown, (sc_error_code)local->code, error);
        g_clear_error(&local);
    } else if (!ok) {
        g_propagate_error(error, local);
    }
    for (guint i = 0; i < n; i++) {
        if (ok)
            sc_record_set(g_ptr_array_index(recs, i), SC_FIELD_NUMBER, items[i].assigned);
        g_free(items[i].assigned);
    }
    g_free(items);
    sc_number_source_free(source);
    return ok;
}

// The PDF creation date: $SOURCE_DATE_EPOCH when set (reproducible output), else now.
static char *
creation_date(void)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    g_autoptr(GDateTime) t = NULL;
    if (epoch != NULL && *epoch != '\0')
        t = g_date_time_new_from_unix_utc(g_ascii_strtoll(epoch, NULL, 10));
    if (t == NULL)
        t = g_date_time_new_now_utc();
    return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S");
}

// Lay out each of RECS (numbered) and draw it into SINK.  A page that cannot be laid out adds
// its problems to PROBLEMS; from then on pages are still laid out, to find every problem, but
// no longer drawn.  FALSE with *ERROR set only when the output fails.
static gboolean
draw_pages(job *j, GPtrArray *recs, sc_sink *sink, sc_problems *problems, GError **error)
{
    sc_layer layers = j->opt->fill_only ? SC_LAYER_FIELD : SC_LAYER_ALL;
    for (guint i = 0; i < recs->len; i++) {
        sc_record *rec = g_ptr_array_index(recs, i);
        sc_page *page = sc_renderer_prepare(j->renderer, record_lookup, rec, j->records->path,
                                            rec->row, problems);
        if (page == NULL || sc_problems_count(problems) > 0) {
            sc_page_free(page);
            continue;
        }
        cairo_t *cr = sc_sink_begin_page(sink, sc_record_get(rec, SC_FIELD_NUMBER), error);
        if (cr == NULL) {
            sc_page_free(page);
            return FALSE;
        }
        sc_renderer_draw(j->renderer, page, cr, layers, j->offset_x, j->offset_y);
        sc_page_free(page);
        if (!sc_sink_end_page(sink, error))
            return FALSE;
    }
    return TRUE;
}

static sc_sink *
open_sink(job *j, gboolean preview, const char *created, GError **error)
{
    const job_options *o = j->opt;
    if (preview)
        return sc_sink_new(SC_SINK_PNG, o->output, j->tmpl->page_width, j->tmpl->page_height,
                           o->dpi, NULL, NULL, error);
    return sc_sink_new(o->split != NULL ? SC_SINK_SPLIT : SC_SINK_PDF,
                       o->split != NULL ? o->split : o->output, j->tmpl->page_width,
                       j->tmpl->page_height, 0, j->tmpl->name, created, error);
}

// One worker of a split render: a contiguous share of the records, drawn with its own fonts
// and renderer (a Pango font map is not to be shared between threads) into its own sink.
typedef struct {
    job j;               // the job, with this worker's fonts and renderer
    GPtrArray *recs;     // sc_record *, borrowed
    const char *created;
    sc_sink *sink;
    sc_problems *problems;
    GError *error;
} worker;

static gpointer
worker_run(gpointer data)
{
    worker *w = data;
    // The application font folder was added to fontconfig by the main thread's sc_fonts_new().
    w->j.fonts = sc_fonts_new(NULL, &w->error);
    if (w->j.fonts != NULL)
        w->j.renderer = sc_renderer_new(w->j.tmpl, w->j.fonts, sc_qr_encoder(), FALSE, &w->error);
    if (w->j.renderer != NULL)
        w->sink = open_sink(&w->j, FALSE, w->created, &w->error);
    if (w->sink != NULL)
        draw_pages(&w->j, w->recs, w->sink, w->problems, &w->error);
    return NULL;
}

// Draw RECS into split output with N workers, each with its share in a sink of its own.  The
// sinks are returned in *SINKS (in record order) to be committed or aborted together; problems
// of any page go to PROBLEMS.  FALSE with *ERROR set if the output failed.
static gboolean
draw_split_parallel(job *j, GPtrArray *recs, guint n, const char *created, GPtrArray *sinks,
                    sc_problems *problems, GError **error)
{
    worker *w = g_new0(worker, n);
    GThread **threads = g_new0(GThread *, n);
    guint share = (recs->len + n - 1) / n;
    for (guint k = 0; k < n; k++) {
        w[k].j = *j;
        w[k].j.fonts = NULL;
        w[k].j.renderer = NULL;
        w[k].recs = g_ptr_array_new();
        for (guint i = k * share; i < MIN(recs->len, (k + 1) * share); i++)
            g_ptr_array_add(w[k].recs, recs->pdata[i]);
        w[k].created = created;
        w[k].problems = sc_problems_new();
        threads[k] = g_thread_new("skillcert-render", worker_run, &w[k]);
    }
    gboolean ok = TRUE;
    for (guint k = 0; k < n; k++) {
        g_thread_join(threads[k]);
        sc_problems_merge(problems, w[k].problems);
        if (w[k].error != NULL && ok) {
            g_propagate_error(error, w[k].error);
            w[k].error = NULL;
            ok = FALSE;
        }
        g_clear_error(&w[k].error);
        g_ptr_array_add(sinks, w[k].sink);
        sc_renderer_free(w[k].j.renderer);
        sc_fonts_free(w[k].j.fonts);
        sc_problems_free(w[k].problems);
        g_ptr_array_unref(w[k].recs);
    }
    g_free(threads);
    g_free(w);
    return ok;
}

// render and preview: load and check everything, number, draw, write atomically.
//
// Each page is laid out once in the common case: the numbers the batch would get are worked
// out first without issuing them (a dry run of the register), the pages are laid out and
// drawn with them into the temporary output, and only when every page is right are the
// numbers issued, in one transaction.  Should a concurrent batch have taken some of them in
// between, the pages are drawn again with the numbers actually issued.
static int
run_job(job_options *o, const char *records_path, gboolean preview)
{
    job j = {.opt = o};
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) recs = g_ptr_array_new();
    g_autoptr(GPtrArray) predicted = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) given = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) sinks = g_ptr_array_new_with_free_func((GDestroyNotify)sc_sink_abort);
    GError *error = NULL;
    sc_sink *sink = NULL;
    g_autofree char *created = creation_date();
    int status = 0;

    if (!job_load(&j, records_path, preview, problems, notes, &error))
        goto out;
    print_notes(notes);

    // Which records: all, or the one at --row (its line in the file).
    for (guint i = 0; i < j.records->records->len; i++) {
        sc_record *rec = g_ptr_array_index(j.records->records, i);
        if (!preview || o->row == 0 || (int)rec->row == o->row)
            g_ptr_array_add(recs, rec);
        if (preview && recs->len == 1)
            break;
    }
    if (recs->len == 0 && sc_problems_count(problems) == 0) {
        if (preview && o->row)
            g_set_error(&error, SC_ERROR, SC_ERROR_USAGE,
                        _("%s: no record starts at row %d (row 1 is the header)"), records_path,
                        o->row);
        else
            g_set_error(&error, SC_ERROR, SC_ERROR_INPUT, _("%s: no records"), records_path);
        goto out;
    }

    // A preview shows its one record: other rows' problems are for check and render.
    if (preview && recs->len == 1)
        sc_problems_keep_row(problems, ((sc_record *)recs->pdata[0])->row);

    // Records with field problems cannot be numbered: report them with every layout problem of
    // the others (laid out with a stand-in number), and stop.
    if (sc_problems_count(problems) > 0) {
        for (guint i = 0; i < recs->len; i++) {
            sc_record *rec = g_ptr_array_index(recs, i);
            if (!sc_problems_has_row(problems, rec->row))
                sc_page_free(prepare(&j, rec, problems));
        }
        sc_problems_sort(problems);
        sc_problems_to_error(problems, SC_ERROR_INPUT, &error);
        goto out;
    }

    // The numbers the batch would get now; the pages laid out and drawn with them.  The
    // records' own numbers (given in the file, or empty) are kept for the real run.
    for (guint i = 0; i < recs->len; i++)
        g_ptr_array_add(given, g_strdup(sc_record_get(recs->pdata[i], SC_FIELD_NUMBER)));
    if (!assign_numbers(&j, recs, /*dry_run*/ TRUE, &error))
        goto out;
    for (guint i = 0; i < recs->len; i++)
        g_ptr_array_add(predicted, g_strdup(sc_record_get(recs->pdata[i], SC_FIELD_NUMBER)));
    guint workers = !preview && o->split != NULL && o->jobs > 1 ? MIN((guint)o->jobs, recs->len) : 1;
    if (workers > 1) {
        if (!draw_split_parallel(&j, recs, workers, created, sinks, problems, &error))
            goto out;
    } else {
        sink = open_sink(&j, preview, created, &error);
        if (sink == NULL || !draw_pages(&j, recs, sink, problems, &error))
            goto out;
    }
    sc_problems_sort(problems);
    if (!sc_problems_to_error(problems, SC_ERROR_INPUT, &error))
        goto out;

    // Issue the numbers; if any differs from the dry run's, draw again with the issued ones.
    if (!preview) {
        for (guint i = 0; i < recs->len; i++)
            sc_record_set(recs->pdata[i], SC_FIELD_NUMBER,
                          given->pdata[i] != NULL ? given->pdata[i] : "");
        if (!assign_numbers(&j, recs, /*dry_run*/ FALSE, &error))
            goto out;
        gboolean same = TRUE;
        for (guint i = 0; i < recs->len && same; i++)
            same = g_strcmp0(predicted->pdata[i], sc_record_get(recs->pdata[i], SC_FIELD_NUMBER)) == 0;
        if (!same) {
            sc_sink_abort(sink);
            g_ptr_array_set_size(sinks, 0); // aborts the workers' sinks
            sink = open_sink(&j, preview, created, &error);
            if (sink == NULL || !draw_pages(&j, recs, sink, problems, &error))
                goto out;
            if (!sc_problems_to_error(problems, SC_ERROR_INPUT, &error))
                goto out;
        }
    }
    // Commit: the one sink, or the workers' in record order.
    gboolean ok = TRUE;
    if (sink != NULL) {
        ok = sc_sink_commit(sink, &error);
        sink = NULL;
    }
    for (guint k = 0; k < sinks->len; k++) {
        sc_sink *ws = sinks->pdata[k];
        sinks->pdata[k] = NULL;
        if (ok)
            ok = sc_sink_commit(ws, &error);
        else
            sc_sink_abort(ws);
    }
    if (!ok)
        goto out;

    if (preview)
        printf(_("%s: row %u, %s → %s\n"), records_path, ((sc_record *)recs->pdata[0])->row,
               sc_record_get(recs->pdata[0], SC_FIELD_NUMBER), o->output);
    else
        printf(g_dngettext(GETTEXT_PACKAGE, "%s: %u certificate → %s\n",
                           "%s: %u certificates → %s\n", recs->len),
               records_path, recs->len, o->split ? o->split : o->output);

out:
    sc_sink_abort(sink);
    if (error != NULL)
        status = report(error);
    job_clear(&j);
    return status;
}

// check: every problem of the file, one line each, and a count; nothing written.
static int
run_check(job_options *o, const char *records_path)
{
    job j = {.opt = o};
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    int status = 0;

    if (!job_load(&j, records_path, FALSE, problems, notes, &error)) {
        status = report(error);
        goto out;
    }
    print_notes(notes);
    for (guint i = 0; i < j.records->records->len; i++) {
        sc_record *rec = g_ptr_array_index(j.records->records, i);
        if (!sc_problems_has_row(problems, rec->row))
            sc_page_free(prepare(&j, rec, problems));
    }
    sc_problems_sort(problems);
    guint n = sc_problems_count(problems), m = j.records->records->len;
    for (guint i = 0; i < n; i++)
        printf("%s\n", sc_problems_get(problems, i));
    if (n > 0) {
        // Two counts, each with its own plural: the records part is made first.
        g_autofree char *in =
            g_strdup_printf(g_dngettext(GETTEXT_PACKAGE, "%u record", "%u records", m), m);
        printf(g_dngettext(GETTEXT_PACKAGE, "%1$u problem found in %2$s\n",
                           "%1$u problems found in %2$s\n", n),
               n, in);
        status = 1;
    } else {
        printf(g_dngettext(GETTEXT_PACKAGE, "%s: %u record, no problems\n",
                           "%s: %u records, no problems\n", m),
               records_path, m);
    }
out:
    job_clear(&j);
    return status;
}

// Parse a subcommand's options; the remaining arguments stay in ARGV.  Returns 0, or the exit
// status to stop with (2 for usage, 0 after --help).  USAGE, SUMMARY and the entries' texts are
// untranslated (N_()): GOption translates them when it shows them.
static int
parse_options(const char *usage, const char *summary, GOptionEntry *entries, int *argc,
              char ***argv, int want_args)
{
    g_autoptr(GOptionContext) ctx = g_option_context_new(usage);
    g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
    g_option_context_set_summary(ctx, summary);
    g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
    GError *error = NULL;
    if (!g_option_context_parse(ctx, argc, argv, &error)) {
        fprintf(stderr, _("skillcert: %s (see --help)\n"), error->message);
        g_error_free(error);
        return 2;
    }
    if (want_args >= 0 && *argc - 1 != want_args) {
        g_autofree char *help = g_option_context_get_help(ctx, TRUE, NULL);
        fprintf(stderr, "%s", help);
        return 2;
    }
    return 0;
}

#define JOB_ENTRIES(o)                                                                           \
    {"template", 't', 0, G_OPTION_ARG_FILENAME, &(o).template_path,                              \
     N_("Template file (default: the installed templates/national.ini)"), N_("TEMPLATE")},        \
    {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &(o).institution_path,                         \
     N_("Institution file: name, number prefix, profile, seal"), N_("INSTITUTION")},              \
    {"photos", 0, 0, G_OPTION_ARG_FILENAME, &(o).photos,                                          \
     N_("Photo folder (default: photos/ beside RECORDS, else RECORDS' folder)"), N_("DIR")},      \
    {"register", 0, 0, G_OPTION_ARG_FILENAME, &(o).register_path,                                 \
     N_("The register of issued numbers (default: INSTITUTION.register.db)"), N_("FILE")},        \
    {"encoding", 0, 0, G_OPTION_ARG_STRING, &(o).encoding,                                        \
     N_("Records encoding: auto (default), utf-8 or gbk"), N_("ENC")},                            \
    {"date", 0, 0, G_OPTION_ARG_STRING, &(o).date,                                                \
     N_("Issue date for records without 发证日期 (default: today)"), "YYYY-MM-DD"}

static void
job_options_clear(job_options *o)
{
    g_free(o->template_path);
    g_free(o->institution_path);
    g_free(o->photos);
    g_free(o->register_path);
    g_free(o->encoding);
    g_free(o->date);
    g_free(o->output);
    g_free(o->split);
    g_free(o->offset);
}

static int
cmd_render(int argc, char **argv)
{
    job_options o = {0};
    GOptionEntry entries[] = {
        JOB_ENTRIES(o),
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("One PDF with a page per record"),
         "OUT.pdf"},
        {"split", 0, 0, G_OPTION_ARG_FILENAME, &o.split,
         N_("A folder with one PDF per record, named by certificate number"), N_("DIR")},
        {"fill-only", 0, 0, G_OPTION_ARG_NONE, &o.fill_only,
         N_("Only the record's data, for pre-printed certificate stock (套打)"), NULL},
        {"offset", 0, 0, G_OPTION_ARG_STRING, &o.offset,
         N_("Shift the data by X,Y mm to calibrate a printer"), "X,Y"},
        {"jobs", 0, 0, G_OPTION_ARG_INT, &o.jobs,
         N_("With --split, draw with N threads at once (default 1)"), "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = parse_options(N_("render RECORDS"), N_("Render certificates to PDF."), entries,
                               &argc, &argv, 1);
    if (status == 0 && (o.output == NULL) == (o.split == NULL)) {
        fprintf(stderr, _("skillcert: render needs one of -o OUT.pdf or --split DIR\n"));
        status = 2;
    }
    if (status == 0 && o.jobs != 0 && (o.jobs < 1 || o.jobs > 64)) {
        fprintf(stderr, _("skillcert: --jobs must be between 1 and 64\n"));
        status = 2;
    }
    if (status == 0)
        status = run_job(&o, argv[1], FALSE);
    job_options_clear(&o);
    return status;
}

static int
cmd_preview(int argc, char **argv)
{
    job_options o = {.dpi = 150};
    GOptionEntry entries[] = {
        JOB_ENTRIES(o),
        {"row", 0, 0, G_OPTION_ARG_INT, &o.row,
         N_("The record starting at row N of the file (row 1 is the header; default: the first)"),
         "N"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("The PNG to write"), "OUT.png"},
        {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &o.dpi, N_("Resolution (default 150)"), "D"},
        {"fill-only", 0, 0, G_OPTION_ARG_NONE, &o.fill_only, N_("Only the record's data"), NULL},
        {"offset", 0, 0, G_OPTION_ARG_STRING, &o.offset, N_("Shift the data by X,Y mm"), "X,Y"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = parse_options(N_("preview RECORDS"),
                               N_("Render one certificate to PNG; numbers are shown as they would "
                                  "be issued, none is issued."),
                               entries, &argc, &argv, 1);
    if (status == 0 && o.output == NULL) {
        fprintf(stderr, _("skillcert: preview needs -o OUT.png\n"));
        status = 2;
    }
    if (status == 0 && (o.dpi < 36 || o.dpi > 1200)) {
        fprintf(stderr, _("skillcert: --dpi must be between 36 and 1200\n"));
        status = 2;
    }
    if (status == 0)
        status = run_job(&o, argv[1], TRUE);
    job_options_clear(&o);
    return status;
}

static int
cmd_check(int argc, char **argv)
{
    job_options o = {0};
    GOptionEntry entries[] = {JOB_ENTRIES(o), {NULL, 0, 0, 0, NULL, NULL, NULL}};
    int status = parse_options(N_("check RECORDS"),
                               N_("Report every problem of a records file; nothing is written or "
                                  "issued."),
                               entries, &argc, &argv, 1);
    if (status == 0)
        status = run_check(&o, argv[1]);
    job_options_clear(&o);
    return status;
}

static int
cmd_number(int argc, char **argv)
{
    char *profile_name = NULL, *inst_path = NULL, *level_text = NULL, *reg_path = NULL;
    int year = 0;
    GOptionEntry entries[] = {
        {"profile", 0, 0, G_OPTION_ARG_STRING, &profile_name,
         N_("national (default), guizhou, guangdong, liaoning, chongqing-ts"), "P"},
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &inst_path, N_("Institution file (next)"),
         N_("INSTITUTION")},
        {"level", 0, 0, G_OPTION_ARG_STRING, &level_text, N_("Level (next)"), "L"},
        {"year", 0, 0, G_OPTION_ARG_INT, &year, N_("Year of issue (next; default this year)"),
         "Y"},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &reg_path, N_("Register (next)"), N_("FILE")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GError *error = NULL;
    int status = parse_options(N_("number explain NUMBER | number next -i INSTITUTION --level L"),
                               N_("Explain a certificate number, or show the next one."),
                               entries, &argc, &argv, -1);
    if (status != 0)
        goto out;

    if (argc == 3 && strcmp(argv[1], "explain") == 0) {
        sc_profile profile = SC_PROFILE_NATIONAL;
        if (profile_name != NULL && !sc_certno_profile_from_name(profile_name, &profile)) {
            fprintf(stderr, _("skillcert: --profile %s: not a profile\n"), profile_name);
            status = 2;
            goto out;
        }
        g_autofree char *text = sc_certno_explain(argv[2], profile, &error);
        if (text == NULL) {
            fprintf(stderr, _("skillcert: %s is not a valid certificate number:\n"), argv[2]);
            status = report(error);
            goto out;
        }
        printf("%s", text);
    } else if (argc == 2 && strcmp(argv[1], "next") == 0) {
        if (inst_path == NULL || level_text == NULL) {
            fprintf(stderr, _("skillcert: number next needs -i INSTITUTION and --level L\n"));
            status = 2;
            goto out;
        }
        g_autoptr(sc_institution) inst = sc_institution_load(inst_path, &error);
        int level = inst ? sc_level_parse(level_text, &error) : 0;
        if (level != 0 && !sc_certno_profile_allows_level(inst->profile, level))
            g_set_error(&error, SC_ERROR, SC_ERROR_INPUT,
                        _("%s is not issued under the %s profile"), sc_level_name(level),
                        sc_certno_profile_name(inst->profile));
        if (error != NULL) {
            status = report(error);
            goto out;
        }
        if (year == 0) {
            g_autoptr(GDateTime) now = g_date_time_new_now_local();
            year = g_date_time_get_year(now);
        }
        g_autofree char *path = reg_path ? g_strdup(reg_path)
                                         : g_strconcat(inst_path, ".register.db", NULL);
        sc_registry *reg = sc_registry_open(path, &error);
        g_autofree char *next = reg ? sc_registry_peek(reg, inst->prefix, year, level, &error)
                                    : NULL;
        sc_registry_close(reg);
        if (next == NULL) {
            status = report(error);
            goto out;
        }
        printf("%s\n", next);
    } else {
        fprintf(stderr, _("usage: skillcert number explain NUMBER [--profile P]\n"
                          "       skillcert number next -i INSTITUTION --level L [--year Y]\n"));
        status = 2;
    }
out:
    g_free(profile_name);
    g_free(inst_path);
    g_free(level_text);
    g_free(reg_path);
    return status;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; // untranslated: N_()
} commands[] = {
    {"render", cmd_render, N_("records → one PDF, or one PDF per record (--split)")},
    {"preview", cmd_preview, N_("one record → PNG")},
    {"check", cmd_check, N_("every problem of a records file; nothing written")},
    {"number", cmd_number, N_("explain a certificate number, or show the next one")},
};

static void
usage(FILE *out)
{
    fprintf(out, _("usage: skillcert COMMAND [OPTIONS] ...\n\n"));
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
    fprintf(out, _("\nskillcert COMMAND --help shows a command's options.\n"
                   "Exit status: 0 done, 1 bad input, 2 usage, 3 environment.\n"));
}

int
sc_cli_main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    g_autofree char *catalogues = locale_dir();
    bindtextdomain(GETTEXT_PACKAGE, catalogues);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    g_set_prgname("skillcert");
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, _("skillcert: '%s' is not a command\n"), argv[1]);
    usage(stderr);
    return 2;
}
