// cli_trust.c - the commands of trust (issue 13; seed 002: an electronic certificate as hard to
// forge as paper): key new, key import, verify.  They print; sign.h and verify.h do.
#include "cli.h"

#include "i18n.h"
#include "institution.h"
#include "ledger.h"
#include "registry.h"
#include "sign.h"
#include "sqldb.h"
#include "verify.h"

#include <stdio.h>
#include <string.h>

// The lines an institution file needs to name PREFIX's keys in DIR.
static void
print_key_lines(const char *dir, const char *prefix, gboolean qr)
{
    g_auto(GStrv) p = sc_sign_key_paths(dir, prefix);
    printf(_("Add these lines to the [institution] section of the institution file:\n"));
    printf("key = %s\ncertificate = %s\n", p[0], p[1]);
    if (qr)
        printf("qr_key = %s\nqr_certificate = %s\n", p[2], p[3]);
}

// The PKCS#12 password: from FILE (its first line), else $SKILLCERT_P12_PASSWORD; never an
// argument, which other users could read in the process list.
static char *
p12_password(const char *file, GError **error)
{
    if (file != NULL) {
        char *text = NULL;
        if (!g_file_get_contents(file, &text, NULL, error))
            return NULL;
        text[strcspn(text, "\r\n")] = '\0';
        return text;
    }
    const char *env = g_getenv("SKILLCERT_P12_PASSWORD");
    if (env == NULL) {
        g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                    _("key import needs the password: --password-file FILE or the environment "
                      "variable SKILLCERT_P12_PASSWORD"));
        return NULL;
    }
    return g_strdup(env);
}

// key new -i INST | key import -i INST FILE.p12
static int
run_key(int argc, char **argv, const char *inst_path, const char *pw_file, const char *dir_opt)
{
    GError *error = NULL;
    g_autoptr(sc_institution) inst = sc_institution_load(inst_path, &error);
    if (inst == NULL)
        return sc_cli_report(error);
    g_autofree char *dir = dir_opt != NULL ? g_strdup(dir_opt) : sc_sign_key_dir();
    if (argc == 2 && strcmp(argv[1], "new") == 0) {
        if (!sc_sign_key_new(dir, inst->name, inst->prefix, g_get_real_time() / G_USEC_PER_SEC,
                             &error))
            return sc_cli_report(error);
        print_key_lines(dir, inst->prefix, TRUE);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "import") == 0) {
        g_autofree char *pw = p12_password(pw_file, &error);
        if (pw == NULL || !sc_sign_key_import(dir, inst->prefix, argv[2], pw, &error))
            return sc_cli_report(error);
        print_key_lines(dir, inst->prefix, FALSE);
        return 0;
    }
    fprintf(stderr,
            _("skillcert: key new -i INSTITUTION, or key import -i INSTITUTION FILE.p12\n"));
    return 2;
}

int
sc_cli_key(int argc, char **argv)
{
    char *inst_path = NULL, *pw_file = NULL, *dir = NULL;
    GOptionEntry entries[] = {
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &inst_path, N_("Institution file"),
         N_("INSTITUTION")},
        {"password-file", 0, 0, G_OPTION_ARG_FILENAME, &pw_file,
         N_("import: the PKCS#12 password is this file's first line (else "
            "$SKILLCERT_P12_PASSWORD)"),
         N_("FILE")},
        {"dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
         N_("Keep the keys in DIR (default: the per-user data folder)"), N_("DIR")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = sc_cli_parse_options(
        N_("key new -i INSTITUTION | key import -i INSTITUTION FILE.p12"),
        N_("Make the institution's signing keys and self-signed certificates, or import a "
           "certificate issued by a CA (PKCS#12).  Keys are kept with mode 0600; the lines "
           "naming them in the institution file are printed."),
        entries, &argc, &argv, -1);
    if (status == 0 && inst_path == NULL) {
        fprintf(stderr, _("skillcert: key needs -i INSTITUTION\n"));
        status = 2;
    }
    if (status == 0)
        status = run_key(argc, argv, inst_path, pw_file, dir);
    g_free(inst_path);
    g_free(pw_file);
    g_free(dir);
    return status;
}

// The register's word on the file of SHA256: 0 issued (its number printed), 1 not (why on
// standard error), 3 the register cannot be read.
static int
check_register(const sc_institution *inst, const char *reg_opt, const char *file,
               const char *sha256)
{
    GError *error = NULL;
    g_autofree char *reg_path = sc_ledger_register_path(inst, reg_opt);
    sc_registry *reg = sc_registry_open(reg_path, inst->prefix, &error);
    if (reg == NULL)
        return sc_cli_report(error);
    g_autofree char *number = NULL, *reason = NULL;
    gboolean ok = sc_registry_find_file(reg, sha256, &number, &reason, &error);
    sc_registry_close(reg);
    if (!ok)
        return sc_cli_report(error);
    g_autofree char *shown = sc_sqldb_display_name(reg_path); // never a password
    if (number == NULL) {
        fprintf(stderr,
                _("skillcert: invalid: %s: the register %s issued no file with this "
                  "SHA-256 (%s)\n"),
                file, shown, sha256);
        return 1;
    }
    if (reason != NULL) {
        fprintf(stderr, _("skillcert: invalid: %s: certificate %s was voided: %s\n"), file, number,
                reason);
        return 1;
    }
    printf(_("issued: certificate %s, this very file (SHA-256 %s) in the register %s\n"), number,
           sha256, shown);
    return 0;
}

// verify FILE.pdf [-i INSTITUTION]: the signature, then the register.
static int
run_verify(const char *file, const char *inst_path, const char *reg_opt)
{
    GError *error = NULL;
    g_autoptr(sc_institution) inst = NULL;
    if (inst_path != NULL && (inst = sc_institution_load(inst_path, &error)) == NULL)
        return sc_cli_report(error);
    if (inst != NULL && inst->certificate == NULL) {
        fprintf(stderr, _("skillcert: %s names no certificate: run skillcert key new first\n"),
                inst_path);
        return 2;
    }
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(file, &data, &len, &error))
        return sc_cli_report(error);
    g_autofree char *signer = NULL;
    if (!sc_verify_pdf((const guint8 *)data, len, file, inst != NULL ? inst->certificate : NULL,
                       &signer, &error)) {
        fprintf(stderr, _("skillcert: invalid: %s\n"), error->message);
        g_error_free(error);
        return 1;
    }
    printf(_("signature valid, the file unchanged since it was signed by %s\n"), signer);
    if (inst == NULL) {
        printf(_("(without -i INSTITUTION the signer is not compared with the institution's "
                 "certificate, nor the file with the register)\n"));
        return 0;
    }
    g_autofree char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guint8 *)data, len);
    return check_register(inst, reg_opt, file, sha);
}

int
sc_cli_verify(int argc, char **argv)
{
    char *inst_path = NULL, *reg = NULL;
    GOptionEntry entries[] = {
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &inst_path,
         N_("The institution: the signer must be its certificate, the file in its register"),
         N_("INSTITUTION")},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &reg,
         N_("Register (default: the "
            "institution's)"),
         N_("FILE")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = sc_cli_parse_options(
        N_("verify FILE.pdf [-i INSTITUTION]"),
        N_("Check an electronic certificate: its signature valid and the file unchanged, signed "
           "by the institution's certificate and issued by its register (with -i).  Exit 0 "
           "valid, 1 invalid (the reason on standard error)."),
        entries, &argc, &argv, -1);
    if (status == 0 && argc != 2) {
        fprintf(stderr, _("skillcert: verify takes one file: skillcert verify FILE.pdf\n"));
        status = 2;
    }
    if (status == 0)
        status = run_verify(argv[1], inst_path, reg);
    g_free(inst_path);
    g_free(reg);
    return status;
}
