// cli_print.c - printing on certificate stock from the command line: the printer profile's
// correction, sending the output to a CUPS queue, and the calibrate command (printer.h).
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

// The printer's correction and paper of J from O: --printer's profile, overridden by --offset,
// --scale and --stock (or --fill-only); and --pages checked.  FALSE with *ERROR set.
gboolean
sc_cli_job_init_printing(job *j, const job_options *o, GError **error)
{
    sc_batch_output *out = &j->out;
    if (o->printer != NULL) {
        j->profile = sc_printer_profile_find(o->printer, o->institution_path, error);
        if (j->profile == NULL)
            return FALSE;
        out->offset_x = j->profile->offset_x;
        out->offset_y = j->profile->offset_y;
        out->scale = j->profile->scale;
        out->stock = j->profile->stock != NULL ? j->profile->stock : "";
    }
    if (o->offset != NULL && !sc_printer_parse_offset(o->offset, &out->offset_x, &out->offset_y)) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--offset %s: write X,Y in millimetres, each within ±50 (+X right, +Y "
                      "down), e.g. 1.5,-0.8"),
                    o->offset);
        return FALSE;
    }
    if (o->scale != NULL && !sc_printer_parse_scale(o->scale, &out->scale)) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--scale %s: write a number from 0.95 to 1.05, e.g. 1.002"), o->scale);
        return FALSE;
    }
    if (o->stock != NULL || o->fill_only)
        out->stock = o->stock != NULL ? o->stock : "";
    out->leave_out = o->leave_out;
    if (o->pages != NULL && (j->pages = sc_printer_parse_pages(o->pages, 0)) == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("--pages %s: write pages and ranges such as 3,5-7"), o->pages);
        return FALSE;
    }
    return TRUE;
}

// --print: send the PDF just written (PAGES pages) to the queue, at actual size, and say the job's
// id.  The PDF stays whatever happens: it can be printed again.  Returns the exit status.
int
sc_cli_print_output(const job *j, const job_options *o, guint pages)
{
    g_autofree char *range = NULL;
    if (o->pages != NULL && (range = sc_printer_parse_pages(o->pages, pages)) == NULL) {
        fprintf(stderr, _("skillcert: --pages %s: %s has pages 1 to %u; nothing printed\n"),
                o->pages, o->output, pages);
        return 2;
    }
    const sc_print_job pj = {.copies = o->copies,
                             .pages = range,
                             .options = j->profile ? j->profile->options : NULL,
                             .title = o->output};
    GError *error = NULL;
    int id = sc_printer_submit(o->print, o->output, &pj, &error);
    if (id == 0) {
        fprintf(stderr, _("skillcert: %s is written; print it later\n"), o->output);
        return sc_cli_report(error);
    }
    printf(_("%s: job %s-%d sent to %s\n"), o->output, o->print, id, o->print);
    return 0;
}

// calibrate: the calibration page of a template's stock through a printer profile (printer.h).
static int
run_calibrate(job_options *o)
{
    job j = {0};
    GError *error = NULL;
    int status = 0;
    g_autofree char *path =
        o->template_path ? g_strdup(o->template_path) : sc_datadir_path("templates/national.ini");
    g_autoptr(sc_template) tmpl = NULL;
    g_autofree gboolean *omit = NULL;
    g_autofree char *created = sc_cli_creation_date(&error);
    if (created == NULL || !sc_cli_job_init_printing(&j, o, &error) ||
        (tmpl = sc_template_load(path, &error)) == NULL)
        goto fail;
    const char *stock = j.out.stock != NULL ? j.out.stock : "";
    if ((omit = sc_template_stock_mask(tmpl, stock, &error)) == NULL ||
        !sc_template_mask_names(tmpl, omit, o->leave_out, "--leave-out", &error))
        goto fail;
    const sc_calibration cal = {
        .tmpl = tmpl,
        .omit = omit,
        .stock = *stock        ? stock
                 : tmpl->stock ? tmpl->stock
                               : "static layer",
        .profile = o->printer,
        .correct = {.offset_x = j.out.offset_x, .offset_y = j.out.offset_y, .scale = j.out.scale},
        .created = created,
    };
    if (!sc_printer_calibrate(&cal, o->output, &error))
        goto fail;
    printf(_("calibration page → %s\n"), o->output);
    if (o->print != NULL)
        status = sc_cli_print_output(&j, o, 1);
    sc_cli_job_clear(&j);
    return status;
fail:
    sc_cli_job_clear(&j);
    return sc_cli_report(error);
}

int
sc_cli_calibrate(int argc, char **argv)
{
    job_options o = {0};
    GOptionEntry entries[] = {
        {"template", 't', 0, G_OPTION_ARG_FILENAME, &o.template_path,
         N_("Template file (default: the installed templates/national.ini)"), N_("TEMPLATE")},
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &o.institution_path,
         N_("Institution file: printers.ini is looked up beside it"), N_("INSTITUTION")},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("The PDF to write"), "SHEET.pdf"},
        PRINTING_ENTRIES(o),
        {"print", 0, 0, G_OPTION_ARG_STRING, &o.print,
         N_("Send the page to this CUPS printer queue at actual size"), N_("QUEUE")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status =
        sc_cli_parse_options(N_("calibrate -o SHEET.pdf"),
                             N_("Write the calibration page of a template's stock: millimetre "
                                "rulers, a cross-hair at each corner of what is printed, and how "
                                "to read the printer's offset (+X right, +Y down) and scale."),
                             entries, &argc, &argv, 0);
    if (status == 0 && o.output == NULL) {
        fprintf(stderr, _("skillcert: calibrate needs -o SHEET.pdf\n"));
        status = 2;
    }
    if (status == 0)
        status = run_calibrate(&o);
    sc_cli_job_options_clear(&o);
    return status;
}
