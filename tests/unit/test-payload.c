// test-payload.c - the QR code's signed payload (issue 13; seed 002): signed and read back
// through a raster decoded by libzbar, deterministic, every changed character refused, another
// key refused, the holder digest, and the symbol's version measured (at most 8 at error
// correction M: modules of 0.6 mm in SPEC §2's 30 mm).
#include "payload.h"
#include "scan.h"
#include "sign.h"
#include "testutil.h"
#include "verify.h"

#include <cairo.h>
#include <string.h>

#define PREFIX "S000044011001"

// Two institutions' keys, made once: the one that signs and another.
static char *keys, *other_keys;

static char *
key_path(const char *dir, int which)
{
    g_auto(GStrv) p = sc_sign_key_paths(dir, PREFIX);
    return g_strdup(p[which]);
}

// The fields of one certificate, as sc_cert_lookup() gives them to a data pattern.
static const char *
lookup(const char *name, gpointer data)
{
    (void)data;
    static const char *const fields[][2] = {
        {"证书编号", "S000044011001264999999"},
        {"发证日期", "2026-11-20"},
        {"等级代码", "4"},
        {"姓名", "欧阳振华"},
        {"证件号码", "44011219780403415X"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(fields); i++)
        if (strcmp(name, fields[i][0]) == 0)
            return fields[i][1];
    return NULL;
}

// A one-element template whose code holds DATA (and `signed = no` when not SIGN).
static sc_template *
template_with(const char *data, gboolean sign, gboolean has_level)
{
    g_autofree char *text = g_strdup_printf(
        "[template]\nname = t\npage_width = 297mm\npage_height = 210mm\nhas_level = %s\n"
        "[qrcode]\ntype = qrcode\nlayer = field\ndata = %s\nerror_correction = M\n"
        "x = 236mm\ny = 28mm\nwidth = 30mm\nheight = 30mm\n%s",
        has_level ? "true" : "false", data, sign ? "" : "signed = no\n");
    GError *error = NULL;
    sc_template *t = sc_template_parse(text, strlen(text), "t.ini", &error);
    g_assert_no_error(error);
    return t;
}

// The data pattern of the template's one code, expanded for the certificate of lookup().
static char *
expanded(const sc_template *t)
{
    const sc_element *e = g_ptr_array_index(t->elements, 0);
    GError *error = NULL;
    char *text = sc_template_expand(e->data, lookup, NULL, &error);
    g_assert_no_error(error);
    return text;
}

// Encode the certificate's code of the template with DATA, signed with KEYS' key.
static void
encode(const char *data, sc_code_matrix *m, GError **error)
{
    g_autoptr(sc_template) t = template_with(data, TRUE, TRUE);
    sc_payload_sign_template(t);
    g_autofree char *text = expanded(t);
    g_autofree char *kp = key_path(keys, 2);
    GError *e = NULL;
    g_autoptr(sc_payload_key) key = sc_payload_key_load(kp, &e);
    g_assert_no_error(e);
    const sc_code_encoder *enc = sc_payload_key_encoder(key);
    memset(m, 0, sizeof *m);
    enc->encode(enc->ctx, text, 'M', m, error);
}

// The text zbar reads from MATRIX drawn 6 pixels a module with a 4-module quiet zone.
static char *
read_back(const sc_code_matrix *m)
{
    const int px = 6, side = (m->width + 8) * px;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int y = 0; y < m->width; y++)
        for (int x = 0; x < m->width; x++)
            if (m->modules[y * m->width + x])
                cairo_rectangle(cr, (x + 4) * px, (y + 4) * px, px, px);
    cairo_fill(cr);
    cairo_destroy(cr);
    g_autofree char *dir = g_dir_make_tmp("test-payload-XXXXXX", NULL);
    g_autofree char *png = g_build_filename(dir, "code.png", NULL);
    g_assert_cmpint(cairo_surface_write_to_png(s, png), ==, CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
    GError *error = NULL;
    g_autoptr(GPtrArray) codes = sc_scan_image(png, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(codes->len, ==, 1);
    sc_test_remove_tree(dir);
    return g_strdup(codes->pdata[0]);
}

static void
test_round_trip(void)
{
    sc_code_matrix m;
    GError *error = NULL;
    encode("http://jndj.osta.org.cn/?zsbh={证书编号}", &m, &error);
    g_assert_no_error(error);
    g_autofree char *text = read_back(&m);
    // The address the template names, then "#" and the 198 digits of payload.h.
    g_assert_true(g_str_has_prefix(text, "http://jndj.osta.org.cn/?zsbh=S000044011001264999999#"));
    g_assert_cmpuint(strlen(strrchr(text, '#') + 1), ==, SC_PAYLOAD_DIGITS);
    // The holder's name and number are never in the code's text.
    g_assert_null(strstr(text, "欧阳振华"));
    g_assert_null(strstr(text, "44011219780403415"));
    g_autofree char *cert = key_path(keys, 3);
    sc_payload p;
    g_autofree char *address = NULL;
    g_assert_true(sc_payload_check(text, cert, &p, &address, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(address, ==, "http://jndj.osta.org.cn/?zsbh=S000044011001264999999");
    g_assert_cmpstr(p.number, ==, "S000044011001264999999");
    g_assert_cmpstr(p.issue_date, ==, "2026-11-20");
    g_assert_cmpint(p.level, ==, 4);
    g_assert_true(sc_verify_holder(&p, "欧阳振华", "44011219780403415X"));
    // As a verifier types them: spaces around, a lower-case x.
    g_assert_true(sc_verify_holder(&p, " 欧阳振华 ", "44011219780403415x"));
    g_assert_false(sc_verify_holder(&p, "欧阳振", "44011219780403415X"));
    g_assert_false(sc_verify_holder(&p, "欧阳振华", "440112197804034150"));
    sc_code_matrix_clear(&m);
}

// Ed25519 is deterministic: the same certificate, the same modules.
static void
test_deterministic(void)
{
    sc_code_matrix a, b;
    encode("http://jndj.osta.org.cn/?zsbh={证书编号}", &a, NULL);
    encode("http://jndj.osta.org.cn/?zsbh={证书编号}", &b, NULL);
    g_assert_cmpint(a.width, ==, b.width);
    g_assert_cmpmem(a.modules, a.width * a.width, b.modules, b.width * b.width);
    sc_code_matrix_clear(&a);
    sc_code_matrix_clear(&b);
}

// Every character of the code's text changed (a digit to the next, a letter of the address to
// another) is refused, and so is a code checked against another institution's certificate.
static void
test_tampered(void)
{
    sc_code_matrix m;
    encode("https://v.example.org/{证书编号}", &m, NULL);
    g_autofree char *text = read_back(&m);
    g_autofree char *cert = key_path(keys, 3);
    g_autofree char *other = key_path(other_keys, 3);
    sc_payload p;
    GError *error = NULL;
    g_assert_true(sc_payload_check(text, cert, &p, NULL, &error));
    g_assert_false(sc_payload_check(text, other, &p, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    guint refused = 0, n = strlen(text);
    for (guint i = 0; i < n; i++) {
        g_autofree char *t = g_strdup(text);
        if (t[i] == '#')
            continue;
        t[i] =
            g_ascii_isdigit(t[i]) ? (char)('0' + (t[i] - '0' + 1) % 10) : (t[i] == 'v' ? 'w' : 'v');
        if (!sc_payload_check(t, cert, &p, NULL, &error))
            refused++;
        else
            g_test_message("position %u changed: still valid", i);
        g_clear_error(&error);
    }
    g_assert_cmpuint(refused, ==, n - 1);
    // The same as a scanner sees it: a code made of the text with one digit changed (in the
    // number, the date, the level, the holder digest, the signature), read back by zbar.
    const char *d = strrchr(text, '#') + 1;
    static const guint at[] = {5, 26, 32, 40, 100, 197};
    for (guint i = 0; i < G_N_ELEMENTS(at); i++) {
        g_autofree char *t = g_strdup(text);
        char *c = t + (d - text) + at[i];
        *c = (char)('0' + (*c - '0' + 1) % 10);
        sc_code_matrix forged;
        g_assert_true(sc_qr_encode_mixed(t, 'M', 40, &forged, NULL));
        g_autofree char *scanned = read_back(&forged);
        g_assert_cmpstr(scanned, ==, t);
        g_assert_false(sc_payload_check(scanned, cert, &p, NULL, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_clear_error(&error);
        sc_code_matrix_clear(&forged);
    }
    // An address alone carries no payload.
    g_assert_false(sc_payload_check("http://jndj.osta.org.cn/?zsbh=S000044011001264999999", cert,
                                    &p, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    sc_code_matrix_clear(&m);
}

// The symbol's version for realistic addresses: the national template's (52 bytes with the
// number) and a province's longer one; then the longest address that keeps version 8, measured,
// and the next one refused with a message naming the version.
static void
test_version(void)
{
    static const char *const addresses[] = {
        "http://jndj.osta.org.cn/?zsbh={证书编号}",
        "https://zscx.hrss.gd.gov.cn/zyjn/verify?zsbh={证书编号}",
    };
    for (guint i = 0; i < G_N_ELEMENTS(addresses); i++) {
        sc_code_matrix m;
        GError *error = NULL;
        encode(addresses[i], &m, &error);
        g_assert_no_error(error);
        int v = sc_code_matrix_version(&m);
        g_test_message("%s: version %d, %.2f mm modules in 30 mm", addresses[i], v, 30.0 / m.width);
        g_assert_cmpint(v, <=, SC_PAYLOAD_MAX_VERSION);
        g_assert_cmpfloat(30.0 / m.width, >=, 0.6);
        sc_code_matrix_clear(&m);
    }
    // Lengthen a lower-case path one letter at a time until version 8 no longer holds.
    GString *pad = g_string_new("");
    GError *error = NULL;
    for (;;) {
        g_autofree char *data = g_strdup_printf("https://v.example.org/%s?n={证书编号}", pad->str);
        sc_code_matrix m;
        encode(data, &m, &error);
        if (error != NULL)
            break;
        sc_code_matrix_clear(&m);
        g_string_append_c(pad, 'a');
    }
    gsize longest = strlen("https://v.example.org/?n=") + pad->len - 1 + SC_CERTNO_LEN;
    g_test_message("the longest address signed in version 8: %zu characters", longest);
    g_assert_cmpuint(longest, >=, 60);
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "larger than version 8"));
    g_clear_error(&error);
    g_string_free(pad, TRUE);
}

// A code the template marks `signed = no` keeps its data; a template without levels signs level
// 0; an address whose expansion holds the separator cannot be signed.
static void
test_template(void)
{
    g_autoptr(sc_template) no = template_with("http://x/{证书编号}", FALSE, TRUE);
    sc_payload_sign_template(no);
    g_assert_cmpstr(((sc_element *)no->elements->pdata[0])->data, ==, "http://x/{证书编号}");

    g_autoptr(sc_template) t = template_with("http://x/{证书编号}", TRUE, FALSE);
    sc_payload_sign_template(t);
    g_autofree char *text = expanded(t);
    g_autofree char *kp = key_path(keys, 2), *cert = key_path(keys, 3);
    g_autoptr(sc_payload_key) key = sc_payload_key_load(kp, NULL);
    const sc_code_encoder *enc = sc_payload_key_encoder(key);
    sc_code_matrix m = {0};
    GError *error = NULL;
    g_assert_true(enc->encode(enc->ctx, text, 'M', &m, &error));
    g_autofree char *read = read_back(&m);
    sc_payload p;
    g_assert_true(sc_payload_check(read, cert, &p, NULL, &error));
    g_assert_cmpint(p.level, ==, 0);
    sc_code_matrix_clear(&m);
    // The link drawn over the code is its address alone.
    sc_payload_cut_facts(text);
    g_assert_cmpstr(text, ==, "http://x/S000044011001264999999");
    // The signing key must be Ed25519: the RSA signing key is refused.
    g_autofree char *rsa = key_path(keys, 0);
    g_assert_null(sc_payload_key_load(rsa, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
}

// A page's text agrees with the payload: number, date, level and a holder found on the page.
static void
test_page_text(void)
{
    sc_payload p = {.number = "S000044011001264999999", .issue_date = "2026-11-20", .level = 4};
    p.holder = sc_payload_holder(p.number, "欧阳振华", "44011219780403415X");
    const char *page = "职业技能等级证书\n姓\n发证日期：2026年11月20日\n名：欧阳振华\n"
                       "证件号码：44011219780403415X\n职业技能等级：四级/中级工\n"
                       "证书编号：S000044011001264999999\n";
    GError *error = NULL;
    g_autofree char *holder = NULL;
    g_assert_true(sc_verify_page_text(&p, page, NULL, NULL, &holder, &error));
    g_assert_no_error(error);
    g_assert_cmpstr(holder, ==, "欧阳振华");
    g_assert_true(sc_verify_page_text(&p, page, "欧阳振华", "44011219780403415X", NULL, &error));
    g_assert_false(sc_verify_page_text(&p, page, "王芳", "44011219780403415X", NULL, &error));
    g_clear_error(&error);
    // Each fact changed on the page.
    const char *const changed[][2] = {
        {"S000044011001264999999", "S000044011001264999998"},
        {"2026年11月20日", "2026年11月21日"},
        {"四级/中级工", "三级/高级工"},
        {"名：欧阳振华", "名：欧阳振"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(changed); i++) {
        GString *s = g_string_new(page);
        g_string_replace(s, changed[i][0], changed[i][1], 1);
        g_assert_false(sc_verify_page_text(&p, s->str, NULL, NULL, NULL, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_clear_error(&error);
        g_string_free(s, TRUE);
    }
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_autofree char *tmp = g_dir_make_tmp("test-payload-keys-XXXXXX", NULL);
    keys = g_build_filename(tmp, "a", NULL);
    other_keys = g_build_filename(tmp, "b", NULL);
    g_assert_true(sc_sign_key_new(keys, "某某职业培训学校", PREFIX, 1795392000, NULL));
    g_assert_true(sc_sign_key_new(other_keys, "某某职业培训学校", PREFIX, 1795392000, NULL));
    g_test_add_func("/payload/round-trip", test_round_trip);
    g_test_add_func("/payload/deterministic", test_deterministic);
    g_test_add_func("/payload/tampered", test_tampered);
    g_test_add_func("/payload/version", test_version);
    g_test_add_func("/payload/template", test_template);
    g_test_add_func("/payload/page-text", test_page_text);
    int status = g_test_run();
    sc_test_remove_tree(tmp);
    g_free(keys);
    g_free(other_keys);
    return status;
}
