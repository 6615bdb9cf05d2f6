// cli_ledger.c - the commands about numbers and the register: number, register, void, show,
// report, import (SPEC §3 "What the register means in an office"; issue 14).  They print; the
// ledger module does.
#include "cli.h"

#include "certno.h"
#include "check.h"
#include "cli_job.h"
#include "datadir.h"
#include "i18n.h"
#include "ledger.h"
#include "level.h"
#include "sqldb.h"

#include <stdio.h>
#include <string.h>

// The options that name where a register command works: -i INSTITUTION and --register ADDRESS
// (sc_ledger_place), into INST and REG.
// clang-format off
#define PLACE_OPTIONS(inst, reg)                                                                   \
    {"institution", 'i', 0, G_OPTION_ARG_FILENAME, (inst), N_("Institution file"),                 \
     N_("INSTITUTION")},                                                                           \
    {"register", 0, 0, G_OPTION_ARG_FILENAME, (reg), N_("The register"), N_("FILE")}
// clang-format on

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
        N_("register init|backup|restore BACKUP|check|copy FROM TO -i INSTITUTION"),
        N_("Create the institution's register (once, on purpose), back it up, restore a backup, "
           "check it, or copy it whole into a new register (a file or a postgresql:// address)."),
        entries, &argc, &argv, -1);
    const char *what = argc >= 2 ? argv[1] : "";
    gboolean restore = strcmp(what, "restore") == 0, copy = strcmp(what, "copy") == 0;
    if (status == 0 && (inst_path == NULL ||
                        argc != (restore ? 3
                                 : copy  ? 4
                                         : 2) ||
                        (strcmp(what, "init") != 0 && strcmp(what, "backup") != 0 && !restore &&
                         !copy && strcmp(what, "check") != 0))) {
        fprintf(stderr, _("usage: skillcert register init|backup|check -i INSTITUTION\n"
                          "       skillcert register restore BACKUP -i INSTITUTION\n"
                          "       skillcert register copy FROM TO -i INSTITUTION\n"));
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
    } else if (copy) {
        // A new register TO holding FROM's every row: init --from, between any two kinds.
        const sc_ledger_place to = {inst_path, argv[3]};
        g_autofree char *path = sc_ledger_init(&to, argv[2], &error);
        g_autofree char *shown = sc_sqldb_display_name(argv[2]);
        if (path != NULL)
            said = g_strdup_printf(_("register copied from %s: %s"), shown, path);
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
        PLACE_OPTIONS(&inst_path, &reg_path),
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
        PLACE_OPTIONS(&inst_path, &reg_path),
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

// The options of report.
typedef struct {
    char *inst_path, *reg_path, *from, *to, *level, *month, *output;
} report_options;

// FILTER from O's --from, --to and --level, the dates as YYYY-MM-DD in FROM and TO.  FALSE
// (after saying why) on a bad value.
static gboolean
report_filter(const report_options *o, sc_registry_filter *filter, char from[11], char to[11])
{
    const char *given[2] = {o->from, o->to};
    char *out[2] = {from, to};
    const char *names[2] = {"--from", "--to"};
    for (int k = 0; k < 2; k++) {
        int y, m, d;
        if (given[k] == NULL)
            continue;
        if (!sc_check_parse_date(given[k], &y, &m, &d)) {
            fprintf(stderr, _("skillcert: %s %s: not a date; write it as YYYY-MM-DD\n"), names[k],
                    given[k]);
            return FALSE;
        }
        g_snprintf(out[k], 11, "%04d-%02d-%02d", y, m, d);
    }
    filter->from = o->from != NULL ? from : NULL;
    filter->to = o->to != NULL ? to : NULL;
    if (o->level != NULL) {
        GError *error = NULL;
        filter->level = sc_level_parse(o->level, &error);
        if (filter->level == 0) {
            fprintf(stderr, _("skillcert: --level %s: %s\n"), o->level, error->message);
            g_error_free(error);
            return FALSE;
        }
    }
    return TRUE;
}

// report issued: the list of certificates for the supervision platform (seeds/000 五(四)).
static int
report_issued(const report_options *o)
{
    sc_registry_filter filter = {0};
    char from[11], to[11];
    if (!report_filter(o, &filter, from, to))
        return 2;
    const sc_ledger_place at = {o->inst_path, o->reg_path};
    GError *error = NULL;
    guint count = 0;
    if (!sc_ledger_report_issued(&at, &filter, o->output, &count, &error))
        return sc_cli_report(error);
    printf(g_dngettext(GETTEXT_PACKAGE, "%s: %u certificate\n", "%s: %u certificates\n", count),
           o->output, count);
    return 0;
}

// report summary: seeds/002 附件7 for one month.
static int
report_summary(const report_options *o)
{
    if (o->month == NULL) {
        fprintf(stderr, _("skillcert: report summary needs --month YYYY-MM\n"));
        return 2;
    }
    const sc_ledger_place at = {o->inst_path, o->reg_path};
    GError *error = NULL;
    g_autofree char *created = sc_cli_creation_date(&error);
    if (created == NULL)
        return sc_cli_report(error);
    g_autofree char *fonts = sc_datadir_path("fonts");
    guint total = 0, other = 0;
    if (!sc_ledger_report_summary(&at, o->month, fonts, created, o->output, &total, &other, &error))
        return sc_cli_report(error);
    printf(g_dngettext(GETTEXT_PACKAGE, "%s: %u certificate in the month (合计)\n",
                       "%s: %u certificates in the month (合计)\n", total),
           o->output, total);
    if (other > 0)
        printf(g_dngettext(GETTEXT_PACKAGE,
                           "%u certificate of 预备技师 is not in the table (附件7 has no column "
                           "for it)\n",
                           "%u certificates of 预备技师 are not in the table (附件7 has no column "
                           "for it)\n",
                           other),
               other);
    return 0;
}

// report stock: the blank stock sheets (证书内芯) used, spoiled and remaining.
static int
report_stock(const report_options *o)
{
    const sc_ledger_place at = {o->inst_path, o->reg_path};
    GError *error = NULL;
    g_autofree char *text = sc_ledger_stock_report(&at, &error);
    if (text == NULL)
        return sc_cli_report(error);
    printf("%s", text);
    return 0;
}

// report issued|summary|stock -i INSTITUTION -o FILE [...]
int
sc_cli_report_cmd(int argc, char **argv)
{
    report_options o = {0};
    GOptionEntry entries[] = {
        PLACE_OPTIONS(&o.inst_path, &o.reg_path),
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
         N_("The report: .csv (UTF-8 with BOM), .xlsx, or for summary .pdf"), N_("FILE")},
        {"from", 0, 0, G_OPTION_ARG_STRING, &o.from, N_("issued: 发证日期 from (included)"),
         N_("DATE")},
        {"to", 0, 0, G_OPTION_ARG_STRING, &o.to, N_("issued: 发证日期 up to (included)"),
         N_("DATE")},
        {"level", 0, 0, G_OPTION_ARG_STRING, &o.level, N_("issued: only this level"), "L"},
        {"month", 0, 0, G_OPTION_ARG_STRING, &o.month, N_("summary: the month, YYYY-MM"),
         N_("MONTH")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = sc_cli_parse_options(
        N_("report issued|summary|stock -i INSTITUTION [-o FILE]"),
        N_("Reports from the register: issued, the certificates for the supervision platform; "
           "summary, the monthly table 企业职业技能等级认定结果汇总表 (附件7); stock, the blank "
           "stock sheets used, spoiled and remaining."),
        entries, &argc, &argv, -1);
    const char *what = argc == 2 ? argv[1] : "";
    gboolean issued = strcmp(what, "issued") == 0, summary = strcmp(what, "summary") == 0;
    gboolean stock = strcmp(what, "stock") == 0;
    if (status == 0 && stock && o.inst_path != NULL) {
        status = report_stock(&o);
        goto out;
    }
    if (status == 0 && (o.inst_path == NULL || o.output == NULL || (!issued && !summary))) {
        fprintf(stderr, _("usage: skillcert report issued -i INSTITUTION [--from DATE] [--to "
                          "DATE] [--level L] -o FILE.csv|.xlsx\n"
                          "       skillcert report summary -i INSTITUTION --month YYYY-MM -o "
                          "FILE.pdf|.csv|.xlsx\n"
                          "       skillcert report stock -i INSTITUTION\n"));
        status = 2;
    }
    if (status == 0)
        status = issued ? report_issued(&o) : report_summary(&o);
out:
    g_free(o.inst_path);
    g_free(o.reg_path);
    g_free(o.from);
    g_free(o.to);
    g_free(o.level);
    g_free(o.month);
    g_free(o.output);
    return status;
}

// import NUMBERS.csv -i INSTITUTION: numbers assigned by an upstream platform.
int
sc_cli_import(int argc, char **argv)
{
    char *inst_path = NULL, *reg_path = NULL;
    GOptionEntry entries[] = {
        PLACE_OPTIONS(&inst_path, &reg_path),
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = sc_cli_parse_options(
        N_("import NUMBERS.csv -i INSTITUTION"),
        N_("Record numbers assigned elsewhere (an upstream platform) against their holders: "
           "printing them later reprints them with those numbers, and the counter skips them."),
        entries, &argc, &argv, 1);
    if (status == 0 && inst_path == NULL) {
        fprintf(stderr, _("skillcert: import needs -i INSTITUTION\n"));
        status = 2;
    }
    if (status == 0) {
        const sc_ledger_place at = {inst_path, reg_path};
        g_autoptr(sc_problems) problems = sc_problems_new();
        GError *error = NULL;
        guint recorded = 0, known = 0;
        if (sc_ledger_import(&at, argv[1], problems, &recorded, &known, &error)) {
            printf(g_dngettext(GETTEXT_PACKAGE, "%s: %u number recorded", "%s: %u numbers recorded",
                               recorded),
                   argv[1], recorded);
            if (known > 0)
                printf(g_dngettext(GETTEXT_PACKAGE, ", %u already in the register",
                                   ", %u already in the register", known),
                       known);
            printf("\n");
        } else {
            for (guint i = 0; i < sc_problems_count(problems); i++)
                fprintf(stderr, "%s\n", sc_problems_get(problems, i));
            status = sc_cli_report(error);
        }
    }
    g_free(inst_path);
    g_free(reg_path);
    return status;
}

// spoil SHEET --reason TEXT -i INSTITUTION: a blank stock sheet spoiled.
int
sc_cli_spoil(int argc, char **argv)
{
    char *inst_path = NULL, *reg_path = NULL, *reason = NULL;
    GOptionEntry entries[] = {
        PLACE_OPTIONS(&inst_path, &reg_path),
        {"reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it is spoiled (recorded)"),
         N_("TEXT")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = sc_cli_parse_options(N_("spoil SHEET --reason TEXT -i INSTITUTION"),
                                      N_("Log a spoiled blank stock sheet (证书内芯)."), entries,
                                      &argc, &argv, 1);
    if (status == 0 && (inst_path == NULL || reason == NULL || *g_strstrip(reason) == '\0')) {
        fprintf(stderr, _("skillcert: spoil needs -i INSTITUTION and --reason TEXT\n"));
        status = 2;
    }
    if (status == 0) {
        const sc_ledger_place at = {inst_path, reg_path};
        GError *error = NULL;
        if (sc_ledger_spoil(&at, argv[1], reason, &error))
            printf(_("stock sheet %s spoiled: %s\n"), argv[1], reason);
        else
            status = sc_cli_report(error);
    }
    g_free(inst_path);
    g_free(reg_path);
    g_free(reason);
    return status;
}
