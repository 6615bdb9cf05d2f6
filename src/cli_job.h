// cli_job.h - what the command files of render, preview, check and calibrate share: their
// options, the job made of them, and the helpers both files use.  Private to src/cli*.c.
#ifndef SC_CLI_JOB_H
#define SC_CLI_JOB_H

#include "batch.h"
#include "printer.h"

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
    char *sheet;
    char *scale;
    char *stock;
    char *leave_out;
    char *printer;
    char *print;
    char *pages;
    int copies;
    gboolean fill_only;
    gboolean force;
    char *mode;
    gboolean second;
    gboolean correct;
    char *rows;
    char *numbers;
    int row;
    double dpi;
    int jobs;
    char *name_pattern;
    gboolean full_id;
    gboolean sign; // --sign: the one PDF signed too (issue 13)
    gboolean quiet;
    char *stock_serials;
} job_options;

// What a job's options say about its batch, and the strings made for it (freed with the job).
typedef struct {
    sc_batch_options batch;
    sc_batch_output out;
    char *template_path, *fonts_dir, *created, *numbers;
    sc_printer_profile *profile; // --printer's, or NULL
    char *pages;                 // --pages as IPP page-ranges, or NULL
} job;

// The PDF creation date: $SOURCE_DATE_EPOCH when set (reproducible output), else now.  NULL
// with *ERROR set when it is set to something else than seconds since 1970.  Caller frees with
// g_free().
char *sc_cli_creation_date(GError **error);

void sc_cli_job_clear(job *j);
void sc_cli_job_options_clear(job_options *o);

// The printer's correction and paper of J from O: --printer's profile, overridden by --offset,
// --scale and --stock (or --fill-only); and --pages checked.  FALSE with *ERROR set.
gboolean sc_cli_job_init_printing(job *j, const job_options *o, GError **error);

// Send the output of J to the queue of --print (PAGES pages); returns the exit status.
int sc_cli_print_output(const job *j, const job_options *o, guint pages);

// The options of printing on stock that render, preview and calibrate share, for O.
#define PRINTING_ENTRIES(o)                                                                        \
    {"stock",                                                                                      \
     0,                                                                                            \
     0,                                                                                            \
     G_OPTION_ARG_STRING,                                                                          \
     &(o).stock,                                                                                   \
     N_("The certificate stock printed on: what it carries is left out (blank: the full design)"), \
     N_("NAME")},                                                                                  \
        {"leave-out",                                                                              \
         0,                                                                                        \
         0,                                                                                        \
         G_OPTION_ARG_STRING,                                                                      \
         &(o).leave_out,                                                                           \
         N_("Elements not to print either, e.g. seal,photo,body"),                                 \
         N_("LIST")},                                                                              \
        {"printer",                                                                                \
         0,                                                                                        \
         0,                                                                                        \
         G_OPTION_ARG_STRING,                                                                      \
         &(o).printer,                                                                             \
         N_("Printer profile from printers.ini: offset, scale, stock"),                            \
         N_("NAME")},                                                                              \
        {"offset",    0,                                                                           \
         0,           G_OPTION_ARG_STRING,                                                         \
         &(o).offset, N_("Move what is printed by X,Y mm, +X right, +Y down (each within ±50)"),   \
         "X,Y"},                                                                                   \
    {                                                                                              \
        "scale", 0, 0, G_OPTION_ARG_STRING, &(o).scale,                                            \
            N_("Scale what is printed around the page's top-left corner (0.95 to 1.05)"), "S"      \
    }

#endif
