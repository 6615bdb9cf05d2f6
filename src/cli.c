// cli.c - subcommands render, preview, check, number; the one place that prints and exits.
#include "cli.h"

#include "batch.h"
#include "certno.h"
#include "check.h"
#include "datadir.h"
#include "error.h"
#include "finish.h"
#include "i18n.h"
#include "level.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
    gboolean force;
    int row;
    double dpi;
    int jobs;
    char *name_pattern;
    gboolean full_id;
    gboolean quiet;
} job_options;

static int
report(GError *error)
{
    int status = sc_error_exit_status(error);
    fprintf(stderr, "skillcert: %s\n", error->message);
    g_error_free(error);
    return status;
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

// The PDF creation date: $SOURCE_DATE_EPOCH when set (reproducible output), else now; in China's
// time zone (+08:00), as the certificates' own dates.
static char *
creation_date(void)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    g_autoptr(GDateTime) t = NULL;
    if (epoch != NULL && *epoch != '\0')
        t = g_date_time_new_from_unix_utc(g_ascii_strtoll(epoch, NULL, 10));
    if (t == NULL)
        t = g_date_time_new_now_utc();
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

// What a job's options say about its batch, and the strings made for it (freed with the job).
typedef struct {
    sc_batch_options batch;
    sc_batch_output out;
    char *template_path, *fonts_dir, *created;
} job;

static void
job_clear(job *j)
{
    g_free(j->template_path);
    g_free(j->fonts_dir);
    g_free(j->created);
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

    sc_batch_output *out = &j->out;
    if (o->offset != NULL && !parse_offset(o->offset, &out->offset_x, &out->offset_y)) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--offset %s: write X,Y in millimetres, each within ±50, e.g. 1.5,-0.8"),
                    o->offset);
        return FALSE;
    }
    out->output = o->output;
    out->split = o->split;
    out->row = o->row > 0 ? (guint)o->row : 0;
    out->dpi = o->dpi;
    out->fill_only = o->fill_only;
    out->force = o->force;
    out->jobs = o->jobs > 0 ? (guint)o->jobs : 1;
    out->name_pattern = o->name_pattern;
    out->full_id = o->full_id;
    j->created = creation_date();
    out->created = j->created;
    return TRUE;
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
        *status = report(error);
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
report_problems(const sc_problems *problems, GError *error)
{
    guint n = sc_problems_count(problems);
    if (n == 0)
        return report(error);
    fprintf(stderr, "skillcert: ");
    for (guint i = 0; i < n; i++)
        fprintf(stderr, "%s\n", sc_problems_get(problems, i));
    fprintf(stderr, "%s\n", error->message);
    int status = sc_error_exit_status(error);
    g_error_free(error);
    return status;
}

// The end of a render: what was written where, the numbers' range and the time it took, on
// standard output (on stderr when the PDF itself went there).
static void
render_summary(const job_options *o, const char *records_path, GPtrArray *written, double secs)
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
}

// render and preview: load and check everything, number, draw, write atomically (batch.h).
static int
run_job(job_options *o, const char *records_path, gboolean preview)
{
    job j = {.out = {.preview = preview}};
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(GPtrArray) written = NULL;
    GError *error = NULL;
    int status = 0;
    progress_line progress;
    g_autoptr(sc_batch) batch = job_load(&j, o, records_path, problems, &status);
    if (batch == NULL)
        goto out;
    progress_begin(batch, o, &progress);
    gboolean ok = sc_batch_write(batch, &j.out, &written, problems, &error);
    progress_end(&progress);
    if (!ok) {
        status = report_problems(problems, error);
        goto out;
    }
    if (o->quiet)
        goto out;
    if (preview)
        printf(_("%s: row %u, %s → %s\n"), records_path, ((sc_cert *)written->pdata[0])->row,
               ((sc_cert *)written->pdata[0])->number, o->output);
    else
        render_summary(o, records_path, written,
                       (double)(g_get_monotonic_time() - progress.start) / G_USEC_PER_SEC);
out:
    job_clear(&j);
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
    gboolean ok = sc_batch_check(batch, problems, &error);
    progress_end(&progress);
    if (!ok) {
        status = report(error);
        goto out;
    }
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
    // A wrong count of arguments: what is wrong in one line, then where to read more.
    if (want_args >= 0 && *argc - 1 < want_args) {
        g_autofree char *command = g_strndup(usage, strcspn(usage, " "));
        fprintf(stderr,
                _("skillcert: %s needs a records file, e.g. skillcert %s records.csv (see "
                  "--help)\n"),
                command, command);
        return 2;
    }
    if (want_args >= 0 && *argc - 1 > want_args) {
        g_autofree char *command = g_strndup(usage, strcspn(usage, " "));
        fprintf(stderr,
                _("skillcert: %s takes one records file; '%s' is one too many (see --help)\n"),
                command, (*argv)[want_args + 1]);
        return 2;
    }
    return 0;
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
    };
    guint n = 0;
    while (more[n].long_name != NULL)
        n++;
    GOptionEntry *all = g_new0(GOptionEntry, G_N_ELEMENTS(common) + n + 1);
    memcpy(all, common, sizeof common);
    memcpy(all + G_N_ELEMENTS(common), more, n * sizeof *more);
    return all;
}

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
    g_free(o->name_pattern);
}

static int
cmd_render(int argc, char **argv)
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
        {"fill-only", 0, 0, G_OPTION_ARG_NONE, &o.fill_only,
         N_("Only the record's data, for pre-printed certificate stock (套打)"), NULL},
        {"offset", 0, 0, G_OPTION_ARG_STRING, &o.offset,
         N_("Shift the data by X,Y mm to calibrate a printer"), "X,Y"},
        {"jobs", 0, 0, G_OPTION_ARG_INT, &o.jobs,
         N_("With --split, draw with N threads at once (default 1)"), "N"},
        {"force", 0, 0, G_OPTION_ARG_NONE, &o.force, N_("Replace output files that are read-only"),
         NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autofree GOptionEntry *entries = job_entries(&o, more);
    int status = parse_options(N_("render RECORDS"), N_("Render certificates to PDF."), entries,
                               &argc, &argv, 1);
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
    if (status == 0 && o.jobs != 0 && (o.jobs < 1 || o.jobs > 64)) {
        fprintf(stderr, _("skillcert: --jobs must be between 1 and 64\n"));
        status = 2;
    }
    if (status == 0)
        status = run_job(&o, argv[1], FALSE);
    job_options_clear(&o);
    return status;
}

// Whether PATH names a PNG file (".png" in any case).
static gboolean
has_png_name(const char *path)
{
    gsize n = strlen(path);
    return n > 4 && g_ascii_strcasecmp(path + n - 4, ".png") == 0;
}

static int
cmd_preview(int argc, char **argv)
{
    job_options o = {.dpi = 150};
    const GOptionEntry more[] = {
        {"row", 0, 0, G_OPTION_ARG_INT, &o.row,
         N_("The record starting at row N of the file (row 1 is the header; default: the first)"),
         "N"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("The PNG to write"), "OUT.png"},
        {"dpi", 0, 0, G_OPTION_ARG_DOUBLE, &o.dpi, N_("Resolution (default 150)"), "D"},
        {"fill-only", 0, 0, G_OPTION_ARG_NONE, &o.fill_only, N_("Only the record's data"), NULL},
        {"offset", 0, 0, G_OPTION_ARG_STRING, &o.offset, N_("Shift the data by X,Y mm"), "X,Y"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autofree GOptionEntry *entries = job_entries(&o, more);
    int status = parse_options(N_("preview RECORDS"),
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
    job_options_clear(&o);
    return status;
}

static int
cmd_check(int argc, char **argv)
{
    job_options o = {0};
    const GOptionEntry none[] = {{NULL, 0, 0, 0, NULL, NULL, NULL}};
    g_autofree GOptionEntry *entries = job_entries(&o, none);
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
        {"year", 0, 0, G_OPTION_ARG_INT, &year, N_("Year of issue (next; default this year)"), "Y"},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &reg_path, N_("Register (next)"), N_("FILE")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GError *error = NULL;
    int status = parse_options(N_("number explain NUMBER | number next -i INSTITUTION --level L"),
                               N_("Explain a certificate number, or show the next one."), entries,
                               &argc, &argv, -1);
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
        g_autofree char *next = sc_batch_next_number(inst_path, reg_path, level_text, year, &error);
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
    g_autofree char *catalogues = sc_datadir_locale();
    bindtextdomain(GETTEXT_PACKAGE, catalogues);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    g_set_prgname("skillcert");
    if (argc < 2) {
        fprintf(stderr, _("skillcert: which command? render, preview, check or number (see "
                          "--help)\n"));
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("skillcert %s\n", SC_VERSION);
        return 0;
    }
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr,
            _("skillcert: '%s' is not a command: render, preview, check or number (see "
              "--help)\n"),
            argv[1]);
    return 2;
}
