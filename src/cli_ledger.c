// cli_ledger.c - the commands about numbers and the register: number, register, void, show
// (SPEC §3 "What the register means in an office").  They print; the ledger module does.
#include "cli.h"

#include "certno.h"
#include "i18n.h"
#include "ledger.h"

#include <stdio.h>
#include <string.h>

int
sc_cli_number(int argc, char **argv)
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
    int status = sc_cli_parse_options(
        N_("number explain NUMBER | number next -i INSTITUTION --level L"),
        N_("Explain a certificate number, or show the next one."), entries, &argc, &argv, -1);
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
            status = sc_cli_report(error);
            goto out;
        }
        printf("%s", text);
    } else if (argc == 2 && strcmp(argv[1], "next") == 0) {
        if (inst_path == NULL || level_text == NULL) {
            fprintf(stderr, _("skillcert: number next needs -i INSTITUTION and --level L\n"));
            status = 2;
            goto out;
        }
        const sc_ledger_place at = {inst_path, reg_path};
        g_autofree char *next = sc_ledger_next_number(&at, level_text, year, &error);
        if (next == NULL) {
            status = sc_cli_report(error);
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

// register init|backup|restore|check -i INSTITUTION [--register FILE] [...]
int
sc_cli_register(int argc, char **argv)
{
    char *inst_path = NULL, *reg_path = NULL, *from = NULL, *output = NULL;
    GOptionEntry entries[] = {
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &inst_path, N_("Institution file"),
         N_("INSTITUTION")},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &reg_path,
         N_("The register (default: the institution's, in the per-user data folder)"), N_("FILE")},
        {"from", 0, 0, G_OPTION_ARG_FILENAME, &from,
         N_("init: take over the certificates of an existing register"), N_("FILE")},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         N_("backup: write the backup here (default: beside the register)"), N_("FILE")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GError *error = NULL;
    g_autofree char *said = NULL;
    int status = sc_cli_parse_options(
        N_("register init|backup|restore BACKUP|check -i INSTITUTION"),
        N_("Create the institution's register (once, on purpose), back it up, restore a backup, "
           "or check it."),
        entries, &argc, &argv, -1);
    const char *what = argc >= 2 ? argv[1] : "";
    gboolean restore = strcmp(what, "restore") == 0;
    if (status == 0 && (inst_path == NULL || argc != (restore ? 3 : 2) ||
                        (strcmp(what, "init") != 0 && strcmp(what, "backup") != 0 && !restore &&
                         strcmp(what, "check") != 0))) {
        fprintf(stderr, _("usage: skillcert register init|backup|check -i INSTITUTION\n"
                          "       skillcert register restore BACKUP -i INSTITUTION\n"));
        status = 2;
    }
    if (status != 0)
        goto out;
    const sc_ledger_place at = {inst_path, reg_path};
    if (strcmp(what, "init") == 0) {
        g_autofree char *path = sc_ledger_init(&at, from, &error);
        if (path != NULL)
            said = g_strdup_printf(_("register created: %s"), path);
    } else if (strcmp(what, "backup") == 0) {
        g_autofree char *path = sc_ledger_backup(&at, output, &error);
        if (path != NULL)
            said = g_strdup_printf(_("backup written: %s"), path);
    } else if (restore) {
        g_autofree char *path = sc_ledger_restore(&at, argv[2], &error);
        if (path != NULL)
            said = g_strdup_printf(_("register restored from %s: %s"), argv[2], path);
    } else {
        said = sc_ledger_check(&at, &error);
    }
    if (said == NULL)
        status = sc_cli_report(error);
    else
        printf("%s\n", said);
out:
    g_free(inst_path);
    g_free(reg_path);
    g_free(from);
    g_free(output);
    return status;
}

// void NUMBER --reason TEXT -i INSTITUTION
int
sc_cli_void(int argc, char **argv)
{
    char *inst_path = NULL, *reg_path = NULL, *reason = NULL;
    GOptionEntry entries[] = {
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &inst_path, N_("Institution file"),
         N_("INSTITUTION")},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &reg_path, N_("The register"), N_("FILE")},
        {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it is void (recorded)"), N_("TEXT")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GError *error = NULL;
    int status = sc_cli_parse_options(N_("void NUMBER --reason TEXT -i INSTITUTION"),
                                      N_("Void a certificate: its number is never issued again, "
                                         "and a record carrying it is refused."),
                                      entries, &argc, &argv, 1);
    if (status == 0 && (inst_path == NULL || reason == NULL || *g_strstrip(reason) == '\0')) {
        fprintf(stderr, _("skillcert: void needs -i INSTITUTION and --reason TEXT\n"));
        status = 2;
    }
    if (status == 0) {
        const sc_ledger_place at = {inst_path, reg_path};
        if (sc_ledger_void(&at, argv[1], reason, &error))
            printf(_("%s is void: %s\n"), argv[1], reason);
        else
            status = sc_cli_report(error);
    }
    g_free(inst_path);
    g_free(reg_path);
    g_free(reason);
    return status;
}

// show NUMBER | show --id 证件号码, -i INSTITUTION
int
sc_cli_show(int argc, char **argv)
{
    char *inst_path = NULL, *reg_path = NULL, *id = NULL;
    GOptionEntry entries[] = {
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &inst_path, N_("Institution file"),
         N_("INSTITUTION")},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &reg_path, N_("The register"), N_("FILE")},
        {"id", 0, 0, G_OPTION_ARG_STRING, &id, N_("Every certificate of this holder"),
         N_("证件号码")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GError *error = NULL;
    int status = sc_cli_parse_options(
        N_("show NUMBER | show --id 证件号码, -i INSTITUTION"),
        N_("What the register holds: holder, occupation, level, dates, prints, corrections, void."),
        entries, &argc, &argv, -1);
    if (status == 0 && (inst_path == NULL || (id == NULL) == (argc != 2) || argc > 2)) {
        fprintf(stderr, _("usage: skillcert show NUMBER -i INSTITUTION\n"
                          "       skillcert show --id 证件号码 -i INSTITUTION\n"));
        status = 2;
    }
    if (status == 0) {
        const sc_ledger_place at = {inst_path, reg_path};
        g_autofree char *text = sc_ledger_show(&at, id == NULL ? argv[1] : NULL, id, &error);
        if (text != NULL)
            printf("%s", text);
        else
            status = sc_cli_report(error);
    }
    g_free(inst_path);
    g_free(reg_path);
    g_free(id);
    return status;
}
