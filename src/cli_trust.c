// cli_trust.c - the commands of trust (issue 13; seed 002: an electronic certificate as hard to
// forge as paper): key new, key import, verify.  They print; sign.h and verify.h do.
#include "cli.h"

#include "i18n.h"
#include "institution.h"
#include "ledger.h"
#include "level.h"
#include "payload.h"
#include "registry.h"
#include "scan.h"
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
    g_autofree char *dir =
        dir_opt != NULL ? g_canonicalize_filename(dir_opt, NULL) : sc_sign_key_dir();
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
    guint count = 0;
    gboolean ok = sc_registry_find_file(reg, sha256, &number, &count, &reason, &error);
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
    if (count > 1)
        printf(_("issued: a print file of %u certificates from %s, this very file (SHA-256 %s) in "
                 "the register %s\n"),
               count, number, sha256, shown);
    else
        printf(_("issued: certificate %s, this very file (SHA-256 %s) in the register %s\n"),
               number, sha256, shown);
    return 0;
}

// What verify is asked: the file, and what it is checked against.
typedef struct {
    const char *file;
    const sc_institution *inst; // or NULL
    const char *reg_opt;        // --register, or NULL
    const char *qr_cert;        // the QR key's certificate (--cert, or the institution's)
    const char *name, *id;      // --name and --id, or NULL
} verify_job;

// Exit status of verify when the file holds no QR code that can be read (a blurred or cropped
// photo): neither valid nor shown invalid; photograph it again.
#define UNREADABLE 4

// The fields of a valid payload P, one line.
static void
print_payload(const char *where, const sc_payload *p, const char *holder)
{
    const char *level = p->level != 0 ? sc_level_name(p->level) : NULL;
    printf(_("%sQR code valid: certificate %s, issued %s, level %s%s%s\n"), where, p->number,
           p->issue_date, level != NULL ? level : "—", holder != NULL ? _(", holder ") : "",
           holder != NULL ? holder : "");
}

// The first of CODES that carries a payload signed with J's QR certificate, into *P; FALSE with
// *ERROR set (the first code's reason) when none does.
static gboolean
signed_code(const verify_job *j, GPtrArray *codes, sc_payload *p, GError **error)
{
    GError *first = NULL;
    for (guint i = 0; i < codes->len; i++) {
        GError *e = NULL;
        if (sc_payload_check(codes->pdata[i], j->qr_cert, p, NULL, &e)) {
            g_clear_error(&first);
            g_clear_error(&e);
            return TRUE;
        }
        if (first == NULL || e->code == SC_ERROR_IO) { // an unreadable certificate says most
            g_clear_error(&first);
            first = g_steal_pointer(&e);
        }
        g_clear_error(&e);
    }
    if (first == NULL) // no code at all (callers report that as unreadable first)
        first = g_error_new_literal(SC_ERROR, SC_ERROR_INPUT, _("no QR code can be read"));
    g_propagate_error(error, first);
    return FALSE;
}

// verify IMAGE: the QR code of a scan or photo, its signature, and the holder when given.
static int
verify_image(const verify_job *j)
{
    GError *error = NULL;
    g_autoptr(GPtrArray) codes = sc_scan_image(j->file, &error);
    if (codes == NULL || codes->len == 0) {
        fprintf(stderr, _("skillcert: unreadable: %s: %s\n"), j->file,
                error != NULL ? error->message
                              : _("no QR code can be read in it: photograph the certificate "
                                  "again, flat, sharp and well lit"));
        g_clear_error(&error);
        return UNREADABLE;
    }
    sc_payload p;
    if (!signed_code(j, codes, &p, &error)) {
        if (error->code == SC_ERROR_IO)
            return sc_cli_report(error);
        fprintf(stderr, _("skillcert: invalid: %s: %s\n"), j->file, error->message);
        g_error_free(error);
        return 1;
    }
    if (j->name != NULL && !sc_verify_holder(&p, j->name, j->id)) {
        fprintf(stderr,
                _("skillcert: invalid: %s: %s and the identity number given are not the holder "
                  "of certificate %s\n"),
                j->file, j->name, p.number);
        return 1;
    }
    print_payload("", &p, j->name);
    return 0;
}

// Page I of PAGES (N in all): its QR code signed with J's QR certificate and agreeing with the
// page's text, said on stdout.  *THEIRS: J's name and identity number are its holder (always
// checked on a one-page file).  0, or the exit status after saying what is wrong.
static int
verify_page(const verify_job *j, const sc_scan_page *page, guint i, guint n, gboolean *theirs)
{
    GError *error = NULL;
    sc_payload p;
    g_autofree char *holder = NULL;
    if (page->codes->len == 0) {
        fprintf(stderr, _("skillcert: unreadable: %s: page %u: no QR code can be read\n"), j->file,
                i + 1);
        return UNREADABLE;
    }
    gboolean ok = signed_code(j, page->codes, &p, &error);
    *theirs =
        ok && j->name != NULL && j->id != NULL && (n == 1 || sc_verify_holder(&p, j->name, j->id));
    if (ok)
        ok = sc_verify_page_text(&p, page->text, *theirs ? j->name : NULL, *theirs ? j->id : NULL,
                                 &holder, &error);
    if (!ok) {
        if (error->code == SC_ERROR_IO)
            return sc_cli_report(error);
        fprintf(stderr, _("skillcert: invalid: %s: page %u: %s\n"), j->file, i + 1, error->message);
        g_error_free(error);
        return 1;
    }
    g_autofree char *where = g_strdup_printf(_("page %u: "), i + 1);
    print_payload(where, &p, holder);
    return 0;
}

// The QR code of each page of the PDF DATA (verify_page()).  With J's name and identity number,
// a one-page file must be theirs; a combined file must hold their certificate on some page, each
// other page having its own holder.
static int
verify_pdf_codes(const verify_job *j, const char *data, gsize len)
{
    GError *error = NULL;
    g_autoptr(GPtrArray) pages = sc_scan_pdf((const guint8 *)data, len, j->file, 200, &error);
    if (pages == NULL)
        return sc_cli_report(error);
    gboolean found = FALSE;
    for (guint i = 0; i < pages->len; i++) {
        gboolean theirs = FALSE;
        int status = verify_page(j, pages->pdata[i], i, pages->len, &theirs);
        if (status != 0)
            return status;
        found = found || theirs;
    }
    if (j->name != NULL && j->id != NULL && !found) {
        fprintf(stderr,
                _("skillcert: invalid: %s: no page is the certificate of the name and "
                  "identity number given\n"),
                j->file);
        return 1;
    }
    return 0;
}

// verify FILE.pdf: the signature, the QR codes (with a QR certificate), then the register.
static int
verify_pdf(const verify_job *j, const char *data, gsize len)
{
    GError *error = NULL;
    const sc_institution *inst = j->inst;
    g_autofree char *signer = NULL;
    if (!sc_verify_pdf((const guint8 *)data, len, j->file, inst != NULL ? inst->certificate : NULL,
                       &signer, &error)) {
        fprintf(stderr, _("skillcert: invalid: %s\n"), error->message);
        g_error_free(error);
        return 1;
    }
    printf(_("signature valid, the file unchanged since it was signed by %s\n"), signer);
    int status = j->qr_cert != NULL ? verify_pdf_codes(j, data, len) : 0;
    if (status != 0)
        return status;
    if (inst == NULL) {
        printf(_("(without -i INSTITUTION the signer is not compared with the institution's "
                 "certificate, nor the file with the register)\n"));
        return 0;
    }
    g_autofree char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guint8 *)data, len);
    return check_register(inst, j->reg_opt, j->file, sha);
}

// verify FILE [-i INSTITUTION] [--cert FILE] [--name NAME --id ID]
static int
run_verify(verify_job *j, const char *inst_path, const char *cert_opt)
{
    GError *error = NULL;
    g_autoptr(sc_institution) inst = NULL;
    if (inst_path != NULL && (inst = sc_institution_load(inst_path, &error)) == NULL)
        return sc_cli_report(error);
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(j->file, &data, &len, &error))
        return sc_cli_report(error);
    gboolean pdf = sc_scan_is_pdf((const guint8 *)data, len);
    if (pdf && inst != NULL && inst->certificate == NULL) {
        fprintf(stderr, _("skillcert: %s names no certificate: run skillcert key new first\n"),
                inst_path);
        return 2;
    }
    j->inst = inst;
    // The QR codes are checked with --cert, or the certificate of an institution that signs them.
    j->qr_cert = cert_opt != NULL                            ? cert_opt
                 : inst != NULL && (inst->qr_signed || !pdf) ? inst->qr_certificate
                                                             : NULL;
    if (pdf && j->qr_cert == NULL && inst != NULL && inst->qr_signed)
        printf(_("(%s names no qr_certificate: the QR codes are not checked)\n"), inst_path);
    if (pdf)
        return verify_pdf(j, data, len);
    if (j->qr_cert == NULL) {
        fprintf(stderr, _("skillcert: verify of an image needs the institution's QR certificate: "
                          "--cert FILE, or -i INSTITUTION naming qr_certificate\n"));
        return 2;
    }
    g_clear_pointer(&data, g_free); // a photo is read again, as an image
    return verify_image(j);
}

int
sc_cli_verify(int argc, char **argv)
{
    char *inst_path = NULL, *reg = NULL, *cert = NULL, *name = NULL, *id = NULL;
    GOptionEntry entries[] = {
        {"institution", 'i', 0, G_OPTION_ARG_FILENAME, &inst_path,
         N_("The institution: the signer must be its certificate, the file in its register, the "
            "QR code signed with its qr_certificate"),
         N_("INSTITUTION")},
        {"register", 0, 0, G_OPTION_ARG_FILENAME, &reg,
         N_("Register (default: the "
            "institution's)"),
         N_("FILE")},
        {"cert", 0, 0, G_OPTION_ARG_FILENAME, &cert,
         N_("The QR code is signed with the key of this certificate (PEM; the institution's "
            "qr_certificate)"),
         N_("FILE")},
        {"name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The holder's name, checked with --id"),
         N_("NAME")},
        {"id", 0, 0, G_OPTION_ARG_STRING, &id, N_("The holder's identity number"), N_("ID")},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    int status = sc_cli_parse_options(
        N_("verify FILE.pdf|IMAGE [-i INSTITUTION] [--cert FILE] [--name NAME --id ID]"),
        N_("Check an electronic certificate: its signature valid and the file unchanged, signed "
           "by the institution's certificate and issued by its register (with -i), and the "
           "signed QR code of each page agreeing with the page's text.  Or check the QR code of "
           "a scan or photo (PNG, JPEG) of a printed certificate: its signature, and with --name "
           "and --id its holder.  Exit 0 valid, 1 invalid (the reason on standard error), 4 no "
           "QR code can be read."),
        entries, &argc, &argv, -1);
    if (status == 0 && argc != 2) {
        fprintf(stderr, _("skillcert: verify takes one file: skillcert verify FILE.pdf|IMAGE\n"));
        status = 2;
    }
    if (status == 0 && (name == NULL) != (id == NULL)) {
        fprintf(stderr, _("skillcert: --name and --id go together\n"));
        status = 2;
    }
    verify_job j = {.file = status == 0 ? argv[1] : NULL, .reg_opt = reg, .name = name, .id = id};
    if (status == 0)
        status = run_verify(&j, inst_path, cert);
    g_free(inst_path);
    g_free(reg);
    g_free(cert);
    g_free(name);
    g_free(id);
    return status;
}
