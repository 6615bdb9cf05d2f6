// cli.c - the command table, option parsing and error reporting shared by every command; the
// commands themselves are in cli_job.c, cli_print.c and cli_ledger.c.
#include "cli.h"

#include "batch.h"
#include "certno.h"
#include "check.h"
#include "datadir.h"
#include "error.h"
#include "i18n.h"
#include "stop.h"
#include "level.h"
#include "printer.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int
sc_cli_report(GError *error)
{
    int status = sc_error_exit_status(error);
    fprintf(stderr, "skillcert: %s\n", error->message);
    g_error_free(error);
    return status;
}

// S with full-width digits, comma, full stop, plus, minus and solidus (as a Chinese input method
// types them: "２０２６－１１－２３", "１．５，－０．８") made ASCII, in place: each is shorter.
static void
ascii_in_place(char *s)
{
    char *to = s;
    for (const char *p = s; *p != '\0';) {
        gunichar c = g_utf8_get_char_validated(p, -1);
        if (c >= 0xFF01 && c <= 0xFF5E && strchr("0123456789,.+-/", (int)(c - 0xFEE0)) != NULL) {
            *to++ = (char)(c - 0xFEE0);
            p += 3;
        } else {
            *to++ = *p++;
        }
    }
    *to = '\0';
}

// Make the values of the numeric options in ARGV ASCII (ascii_in_place()), in both the
// "--row ５" and "--row=５" forms; nothing after "--".
static void
ascii_option_values(int argc, char **argv)
{
    static const char *const numeric[] = {"--date",  "--offset", "--row",  "--level",
                                          "--year",  "--jobs",   "--dpi",  "--rows",
                                          "--scale", "--copies", "--pages"};
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        for (guint k = 0; k < G_N_ELEMENTS(numeric); k++) {
            gsize n = strlen(numeric[k]);
            if (strncmp(argv[i], numeric[k], n) != 0)
                continue;
            if (argv[i][n] == '=')
                ascii_in_place(argv[i] + n + 1);
            else if (argv[i][n] == '\0' && i + 1 < argc)
                ascii_in_place(argv[i + 1]);
        }
    }
}

int
sc_cli_parse_options(const char *usage, const char *summary, GOptionEntry *entries, int *argc,
                     char ***argv, int want_args)
{
    ascii_option_values(*argc, *argv);
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

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; // untranslated: N_()
} commands[] = {
    {"render", sc_cli_render, N_("records → one PDF, or one PDF per record (--split)")},
    {"preview", sc_cli_preview, N_("one record → PNG")},
    {"check", sc_cli_check, N_("every problem of a records file; nothing written")},
    {"number", sc_cli_number, N_("explain a certificate number, or show the next one")},
    {"register", sc_cli_register, N_("create, back up, restore or check the register")},
    {"void", sc_cli_void, N_("void a certificate: its number is never issued again")},
    {"show", sc_cli_show, N_("what the register holds about a certificate or a holder")},
    {"report", sc_cli_report_cmd, N_("reports from the register: issued, summary (附件7), stock")},
    {"import", sc_cli_import, N_("record numbers assigned by an upstream platform")},
    {"spoil", sc_cli_spoil, N_("log a spoiled blank stock sheet (证书内芯)")},
    {"calibrate", sc_cli_calibrate, N_("the calibration page of a printer on certificate stock")},
    {"key", sc_cli_key, N_("make or import the institution's signing keys")},
    {"verify", sc_cli_verify,
     N_("check a certificate PDF (signature, register, QR code) or a photo of its QR code")},
};

static void
usage(FILE *out)
{
    fprintf(out, _("usage: skillcert COMMAND [OPTIONS] ...\n\n"));
    for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
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
        fprintf(stderr, _("skillcert: which command? render, preview, check, register, show … "
                          "(see --help)\n"));
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
    fprintf(stderr, _("skillcert: '%s' is not a command: see skillcert --help\n"), argv[1]);
    return 2;
}
