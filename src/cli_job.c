// cli_job.c - the commands render, preview and check: options in, a batch run, its result out.
#include "cli.h"
#include "cli_job.h"

#include "check.h"
#include "datadir.h"
#include "error.h"
#include "i18n.h"
#include "stop.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// The PDF creation date: $SOURCE_DATE_EPOCH when set (reproducible output), else now.  NULL
// with *ERROR set when it is set to something else than seconds since 1970.
char *
sc_cli_creation_date(GError **error)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    g_autoptr(GDateTime) t = NULL;
    if (epoch != NULL && *epoch != '\0') {
        guint64 seconds = 0;
        if (g_ascii_string_to_unsigned(epoch, 10, 0, G_MAXINT64, &seconds, NULL))
            t = g_date_time_new_from_unix_utc((gint64)seconds);
        if (t == NULL) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("SOURCE_DATE_EPOCH=%s: write the seconds since 1970-01-01 UTC, or unset "
                          "it"),
                        epoch);
            return NULL;
        }
    }
    if (t == NULL)
        t = g_date_time_new_now_utc();
    // In China's time zone (+08:00), as the certificates' own dates.
    g_autoptr(GTimeZone) cst = g_time_zone_new_offset(8 * 3600);
    g_autoptr(GDateTime) local = g_date_time_to_timezone(t, cst);
    return g_date_time_format(local, "%Y-%m-%dT%H:%M:%S%:z");
}

// Progress on a terminal (issue 11): done/total, rate and time left on one line of stderr,
// redrawn at most five times a second and erased at the end.
typedef struct {
    gint64 start, last;
    gboolean shown;
} progress_line;

static void
show_progress(guint done, guint total, gpointer data)
{
    progress_line *p = data;
    gint64 now = g_get_monotonic_time();
    if (now - p->last < G_USEC_PER_SEC / 5 || done >= total)
        return;
    p->last = now;
    double secs = (double)(now - p->start) / G_USEC_PER_SEC;
    double rate = secs > 0 ? done / secs : 0;
    int left = rate > 0 ? (int)((total - done) / rate + 0.5) : 0;
    fprintf(stderr, _("\r%u/%u certificates, %.0f/s, %d:%02d left"), done, total, rate, left / 60,
            left % 60);
    fprintf(stderr, "\033[K");
    fflush(stderr);
    p->shown = TRUE;
}

// Show progress of BATCH into P when stderr is a terminal and O does not ask for quiet.
static void
progress_begin(sc_batch *batch, const job_options *o, progress_line *p)
{
    *p = (progress_line){.start = g_get_monotonic_time()};
    p->last = p->start;
    if (!o->quiet && isatty(STDERR_FILENO))
        sc_batch_set_progress(batch, show_progress, p);
}

static void
progress_end(progress_line *p)
{
    if (p->shown)
        fprintf(stderr, "\r\033[K");
    p->shown = FALSE;
}

void
sc_cli_job_clear(job *j)
{
    sc_printer_profile_free(j->profile);
    g_free(j->pages);
    g_free(j->template_path);
    g_free(j->fonts_dir);
    g_free(j->created);
    g_free(j->numbers);
    if (j->out.rows != NULL)
        g_array_unref(j->out.rows);
}

// Fill J from O for RECORDS_PATH.  FALSE with *ERROR set (SC_ERROR_USAGE) for a bad option.
static gboolean
job_init(job *j, const job_options *o, const char *records_path, GError **error)
{
    sc_batch_options *b = &j->batch;
    j->template_path =
        o->template_path ? g_strdup(o->template_path) : sc_datadir_path("templates/national.ini");
    j->fonts_dir = sc_datadir_path("fonts");
    b->records_path = records_path;
    b->template_path = j->template_path;
    b->fonts_dir = j->fonts_dir;
    b->institution_path = o->institution_path;
    b->photo_dir = o->photos;
    b->register_path = o->register_path;
    b->sheet = o->sheet;
    if (!sc_encoding_from_name(o->encoding, &b->encoding, error))
        return FALSE;

    // The batch date: --date, else today (the batch's default).
    if (o->date != NULL) {
        if (!sc_check_parse_date(o->date, &b->year, &b->month, &b->day)) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("--date %s: write a date such as 2026-11-23"), o->date);
            return FALSE;
        }
    }

    if (!sc_cli_job_init_printing(j, o, error))
        return FALSE;
    sc_batch_output *out = &j->out;
    out->output = o->output;
    out->split = o->split;
    out->row = o->row > 0 ? (guint)o->row : 0;
    out->dpi = o->dpi;
    out->fill_only = o->fill_only;
    out->force = o->force;
    if (o->mode != NULL) {
        guint64 mode = 0;
        if (!g_ascii_string_to_unsigned(o->mode, 8, 0, 0777, &mode, NULL) ||
            (mode & 0600) != 0600) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("--mode %s: write the output files' permissions in octal, readable and "
                          "writable by you, e.g. 0640 (default 0600: they hold identity numbers)"),
                        o->mode);
            return FALSE;
        }
        out->mode = (guint)mode;
    }
    // Split output is drawn by as many threads as there are cores unless told (issue 15).
    out->jobs = o->jobs > 0 ? (guint)o->jobs : MIN(g_get_num_processors(), 64);
    out->name_pattern = o->name_pattern;
    out->full_id = o->full_id;
    out->sign = o->sign;
    out->second = o->second;
    out->correct = o->correct;
    out->stock_serials = o->stock_serials;
    if (o->rows != NULL && (out->rows = sc_batch_parse_rows(o->rows, error)) == NULL)
        return FALSE;
    // Who got which number: beside one PDF, unless said otherwise (a PDF on standard output has
    // no place beside it: only --numbers says where).
    if (o->numbers != NULL)
        j->numbers = g_strdup(o->numbers);
    else if (!out->preview && o->output != NULL && strcmp(o->output, "-") != 0 && o->split == NULL)
        j->numbers = g_strconcat(o->output, ".numbers.csv", NULL);
    out->numbers = j->numbers;
    j->created = sc_cli_creation_date(error);
    out->created = j->created;
    return j->created != NULL;
}

// Set J up from O and load its batch of RECORDS_PATH, printing the notes about the records.
// Problems of the records go to PROBLEMS.  NULL after reporting an error, *STATUS set.
static sc_batch *
job_load(job *j, const job_options *o, const char *records_path, sc_problems *problems, int *status)
{
    GError *error = NULL;
    sc_batch *batch = NULL;
    if (!job_init(j, o, records_path, &error) ||
        (batch = sc_batch_load(&j->batch, problems, &error)) == NULL) {
        *status = sc_cli_report(error);
        return NULL;
    }
    GPtrArray *notes = sc_batch_get_notes(batch);
    for (guint i = 0; !o->quiet && i < notes->len; i++)
        fprintf(stderr, _("skillcert: note: %s\n"), (const char *)g_ptr_array_index(notes, i));
    return batch;
}

// ERROR, after the problems it counts, if any: the first line prefixed with "skillcert: ".
// Returns the exit status.
static int
report_problems(sc_problems *problems, GError *error)
{
    sc_problems_compact(problems); // one line for a problem on every row
    guint n = sc_problems_count(problems);
    if (n == 0)
        return sc_cli_report(error);
    fprintf(stderr, "skillcert: ");
    for (guint i = 0; i < n; i++)
        fprintf(stderr, "%s\n", sc_problems_get(problems, i));
    fprintf(stderr, "%s\n", error->message);
    int status = sc_error_exit_status(error);
    g_error_free(error);
    return status;
}

// The end of a render: what was written where, the numbers' range and the time it took, the
// register, the numbers issued per level and the reprints, on standard output (on stderr when
// the PDF itself went there).
static void
render_summary(const job_options *o, const sc_batch *batch, const job *j, const char *records_path,
               GPtrArray *written, double secs)
{
    FILE *to = o->output != NULL && strcmp(o->output, "-") == 0 ? stderr : stdout;
    g_autofree char *where = o->output != NULL && o->split != NULL
                                 ? g_strdup_printf("%s, %s", o->output, o->split)
                                 : g_strdup(o->split != NULL ? o->split : o->output);
    fprintf(to,
            g_dngettext(GETTEXT_PACKAGE, "%s: %u certificate → %s\n", "%s: %u certificates → %s\n",
                        written->len),
            records_path, written->len, where);
    const char *lo = NULL, *hi = NULL;
    for (guint i = 0; i < written->len; i++) {
        const char *n = ((sc_cert *)written->pdata[i])->number;
        if (lo == NULL || strcmp(n, lo) < 0)
            lo = n;
        if (hi == NULL || strcmp(n, hi) > 0)
            hi = n;
    }
    if (lo != NULL)
        fprintf(to, _("numbers %s to %s, in %.1f s\n"), lo, hi, secs);
    g_autofree char *summary = sc_batch_summary(batch, written, j->out.numbers);
    fprintf(to, "%s", summary);
}

// render and preview: load and check everything, number, draw, write atomically (batch.h).
static int
run_job(job_options *o, const char *records_path, gboolean preview)
{
    job j = {.out = {.preview = preview, .cancel = sc_stop_watch()}};
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(GPtrArray) written = NULL;
    GError *error = NULL;
    int status = 0;
    g_autoptr(sc_batch) batch = job_load(&j, o, records_path, problems, &status);
    if (batch == NULL)
        goto out;
    progress_line progress;
    progress_begin(batch, o, &progress);
    gboolean ok = sc_batch_write(batch, &j.out, &written, problems, &error);
    progress_end(&progress);
    if (!ok) {
        if (g_error_matches(error, SC_ERROR, SC_ERROR_CANCELLED)) {
            int signo = g_atomic_int_get(j.out.cancel);
            fprintf(stderr, _("skillcert: %s (%s)\n"), error->message, g_strsignal(signo));
            g_error_free(error);
            status = 128 + signo;
        } else {
            status = report_problems(problems, error);
        }
        goto out;
    }
    if (preview && !o->quiet)
        printf(_("%s: row %u, %s → %s\n"), records_path, ((sc_cert *)written->pdata[0])->row,
               ((sc_cert *)written->pdata[0])->number, o->output);
    else if (!o->quiet)
        render_summary(o, batch, &j, records_path, written,
                       (double)(g_get_monotonic_time() - progress.start) / G_USEC_PER_SEC);
    if (!preview && o->print != NULL)
        status = sc_cli_print_output(&j, o, written->len);
out:
    sc_cli_job_clear(&j);
    return status;
}

// check: every problem of the file, one line each, and a count; nothing written.
static int
run_check(job_options *o, const char *records_path)
{
    job j = {.out = {.preview = FALSE}};
    g_autoptr(sc_problems) problems = sc_problems_new();
    GError *error = NULL;
    int status = 0;
    g_autoptr(sc_batch) batch = job_load(&j, o, records_path, problems, &status);
    if (batch == NULL)
        goto out;
    progress_line progress;
    progress_begin(batch, o, &progress);
    GPtrArray *notes = sc_batch_get_notes(batch);
    guint noted = notes->len;
    gboolean ok = sc_batch_check(batch, problems, &error);
    progress_end(&progress);
    for (guint i = noted; !o->quiet && i < notes->len; i++)
        fprintf(stderr, _("skillcert: note: %s\n"), (const char *)g_ptr_array_index(notes, i));
    if (!ok) {
        status = sc_cli_report(error);
        goto out;
    }
    sc_problems_compact(problems); // one line for a problem on every row
    guint n = sc_problems_count(problems), m = sc_batch_get_certs(batch)->len;
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
    sc_cli_job_clear(&j);
    return status;
}

// The options render, preview and check share, for O, followed by MORE (ending with a NULL
// entry).  Caller frees with g_free().
static GOptionEntry *
job_entries(job_options *o, const GOptionEntry *more)
{
    const GOptionEntry common[] = {
        {"template", 't', 0, G_OPTION_ARG_FILENAME, &o->template_path,
         N_("Template file (default: the installed templates/national.ini)"), N_("TEMPLATE")},
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &o->institution_path,
         N_("Institution file: name, number prefix, profile, seal"), N_("INSTITUTION")},
        {"photos", 0, 0, G_OPTION_ARG_FILENAME, &o->photos,
         N_("Photo folder (default: photos/ beside RECORDS, else RECORDS' folder)"), N_("DIR")},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &o->register_path,
         N_("The register of issued numbers (default: INSTITUTION.register.db)"), N_("FILE")},
        {"encoding", 0, 0, G_OPTION_ARG_STRING, &o->encoding,
         N_("Records encoding: auto (default), utf-8 or gbk"), N_("ENC")},
        {"date", 0, 0, G_OPTION_ARG_STRING, &o->date,
         N_("Issue date for records without 发证日期 (default: today)"), "YYYY-MM-DD"},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet,
         N_("No progress, notes or summary: only errors (and check's problems)"), NULL},
        {"sheet", 0, 0, G_OPTION_ARG_STRING, &o->sheet,
         N_("The sheet of an .xlsx workbook to read (default: the first)"), N_("NAME")},
    };
    guint n = 0;
    while (more[n].long_name != NULL)
        n++;
    GOptionEntry *all = g_new0(GOptionEntry, G_N_ELEMENTS(common) + n + 1);
    memcpy(all, common, sizeof common);
    memcpy(all + G_N_ELEMENTS(common), more, n * sizeof *more);
    return all;
}

void
sc_cli_job_options_clear(job_options *o)
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
    g_free(o->sheet);
    g_free(o->mode);
    g_free(o->name_pattern);
    g_free(o->rows);
    g_free(o->numbers);
    g_free(o->stock_serials);
    g_free(o->scale);
    g_free(o->stock);
    g_free(o->leave_out);
    g_free(o->printer);
    g_free(o->print);
    g_free(o->pages);
}

int
sc_cli_render(int argc, char **argv)
{
    job_options o = {0};
    const GOptionEntry more[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
         N_("One PDF with a page per record (- for standard output)"), "OUT.pdf"},
        {"split", 0, 0, G_OPTION_ARG_FILENAME, &o.split,
         N_("A folder with one PDF per record and a manifest.csv; with -o too: both, numbered "
            "alike"),
         N_("DIR")},
        {"name", 0, 0, G_OPTION_ARG_STRING, &o.name_pattern,
         N_("With --split, the files' names from record fields (default: {证书编号}_{姓名}.pdf)"),
         N_("PATTERN")},
        {"full-id", 0, 0, G_OPTION_ARG_NONE, &o.full_id,
         N_("With --split, the manifest shows 证件号码 whole (default: its middle hidden)"), NULL},
        {"sign", 0, 0, G_OPTION_ARG_NONE, &o.sign,
         N_("Sign the one PDF (-o) with the institution's key too (split files always are)"), NULL},
        {"fill-only", 0, 0, G_OPTION_ARG_NONE, &o.fill_only,
         N_("Print on the template's default certificate stock (套打): only what it lacks"), NULL},
        PRINTING_ENTRIES(o),
        {"print", 0, 0, G_OPTION_ARG_STRING, &o.print,
         N_("Send the PDF to this CUPS printer queue at actual size"), N_("QUEUE")},
        {"copies", 0, 0, G_OPTION_ARG_INT, &o.copies, N_("With --print, copies (default 1)"), "N"},
        {"pages", 0, 0, G_OPTION_ARG_STRING, &o.pages,
         N_("With --print, only these pages, for reprints (e.g. 3,5-7)"), N_("PAGES")},
        {"jobs", 0, 0, G_OPTION_ARG_INT, &o.jobs,
         N_("With --split, draw with N threads at once (default: one per core)"), "N"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &o.force, N_("Replace output files that are read-only"),
         NULL},
        {"mode", 0, 0, G_OPTION_ARG_STRING, &o.mode,
         N_("Permissions of the output files, e.g. 0640 (default 0600: they hold identity "
            "numbers)"),
         "MODE"},
        {"rows", 0, 0, G_OPTION_ARG_STRING, &o.rows,
         N_("Only these rows, e.g. 6,9-12; numbered as in the whole file"), N_("ROWS")},
        {"new", 0, 0, G_OPTION_ARG_NONE, &o.second,
         N_("The records are genuinely second certificates, not reprints"), NULL},
        {"correct", 0, 0, G_OPTION_ARG_NONE, &o.correct,
         N_("A changed 姓名 corrects the register (its history is kept)"), NULL},
        {"numbers", 0, 0, G_OPTION_ARG_FILENAME, &o.numbers,
         N_("Who got which number, as CSV (default: OUT.pdf.numbers.csv)"), N_("FILE")},
        {"stock-serials", 0, 0, G_OPTION_ARG_STRING, &o.stock_serials,
         N_("The numbered blank stock sheets loaded, e.g. A0001001-A0001100: each certificate "
            "is logged on the next one"),
         N_("A-B")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autofree GOptionEntry *entries = job_entries(&o, more);
    int status = sc_cli_parse_options(N_("render RECORDS"), N_("Render certificates to PDF."),
                                      entries, &argc, &argv, 1);
    if (status == 0 && o.output == NULL && o.split == NULL) {
        fprintf(stderr, _("skillcert: render needs -o OUT.pdf or --split DIR, or both (see "
                          "--help)\n"));
        status = 2;
    }
    if (status == 0 && o.split == NULL && (o.name_pattern != NULL || o.full_id)) {
        fprintf(stderr, _("skillcert: --name and --full-id name split files: they need --split DIR "
                          "(see --help)\n"));
        status = 2;
    }
    if (status == 0 && o.print != NULL && o.output == NULL) {
        fprintf(stderr, _("skillcert: --print needs -o OUT.pdf\n"));
        status = 2;
    }
    if (status == 0 && o.copies != 0 && (o.copies < 1 || o.copies > 999)) {
        fprintf(stderr, _("skillcert: --copies must be between 1 and 999\n"));
        status = 2;
    }
    if (status == 0 && o.jobs != 0 && (o.jobs < 1 || o.jobs > 64)) {
        fprintf(stderr, _("skillcert: --jobs must be between 1 and 64\n"));
        status = 2;
    }
    if (status == 0)
        status = run_job(&o, argv[1], FALSE);
    sc_cli_job_options_clear(&o);
    return status;
}

// Whether PATH names a PNG file (".png" in any case).
static gboolean
has_png_name(const char *path)
{
    gsize n = strlen(path);
    return n > 4 && g_ascii_strcasecmp(path + n - 4, ".png") == 0;
}

int
sc_cli_preview(int argc, char **argv)
{
    job_options o = {.dpi = 150};
    const GOptionEntry more[] = {
        {"row", 0, 0, G_OPTION_ARG_INT, &o.row,
         N_("The record starting at row N of the file (row 1 is the header; default: the first)"),
         "N"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("The PNG to write"), "OUT.png"},
        {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &o.dpi, N_("Resolution (default 150)"), "D"},
        {"fill-only", 0, 0, G_OPTION_ARG_NONE, &o.fill_only,
         N_("Print on the template's default certificate stock (套打)"), NULL},
        PRINTING_ENTRIES(o),
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autofree GOptionEntry *entries = job_entries(&o, more);
    int status =
        sc_cli_parse_options(N_("preview RECORDS"),
                             N_("Render one certificate to PNG; numbers are shown as they would "
                                "be issued, none is issued."),
                             entries, &argc, &argv, 1);
    if (status == 0 && o.output == NULL) {
        fprintf(stderr, _("skillcert: preview needs -o OUT.png\n"));
        status = 2;
    }
    if (status == 0 && !has_png_name(o.output)) {
        fprintf(stderr,
                _("skillcert: preview writes a PNG image: -o %s should end in .png (see "
                  "--help)\n"),
                o.output);
        status = 2;
    }
    if (status == 0 && (o.dpi < 36 || o.dpi > 1200)) {
        fprintf(stderr, _("skillcert: --dpi must be between 36 and 1200\n"));
        status = 2;
    }
    if (status == 0)
        status = run_job(&o, argv[1], TRUE);
    sc_cli_job_options_clear(&o);
    return status;
}

int
sc_cli_check(int argc, char **argv)
{
    job_options o = {0};
    const GOptionEntry none[] = {{NULL, 0, 0, 0, NULL, NULL, NULL}};
    g_autofree GOptionEntry *entries = job_entries(&o, none);
    int status =
        sc_cli_parse_options(N_("check RECORDS"),
                             N_("Report every problem of a records file; nothing is written or "
                                "issued."),
                             entries, &argc, &argv, 1);
    if (status == 0)
        status = run_check(&o, argv[1]);
    sc_cli_job_options_clear(&o);
    return status;
}
