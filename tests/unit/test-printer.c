// test-printer.c - printing on stock (issue 12): the correction's parsing and range, page ranges,
// printer profiles, the template's stocks and the institution's seal_on.
#include "institution.h"
#include "printer.h"
#include "template.h"
#include "testutil.h"

#include <string.h>

static void
test_offset(void)
{
    double x = 99, y = 99;
    g_assert_true(sc_printer_parse_offset("1.5,-0.8", &x, &y));
    g_assert_cmpfloat_with_epsilon(x, 1.5, 1e-12);
    g_assert_cmpfloat_with_epsilon(y, -0.8, 1e-12);
    // Full-width digits, point, comma and minus, as a Chinese input method types them.
    g_assert_true(sc_printer_parse_offset("１．５，－０．８", &x, &y));
    g_assert_cmpfloat_with_epsilon(x, 1.5, 1e-12);
    g_assert_cmpfloat_with_epsilon(y, -0.8, 1e-12);
    g_assert_true(sc_printer_parse_offset(" 2mm , +3mm ", &x, &y));
    g_assert_cmpfloat_with_epsilon(x, 2, 1e-12);
    g_assert_cmpfloat_with_epsilon(y, 3, 1e-12);
    g_assert_true(sc_printer_parse_offset("\u22121,0", &x, &y)); // U+2212 MINUS SIGN
    g_assert_cmpfloat_with_epsilon(x, -1, 1e-12);
    // ±50 mm from both sides.
    g_assert_true(sc_printer_parse_offset("50,-50", &x, &y));
    const char *bad[] = {"50.01,0", "0,-50.01", "1.5",   "1,2,3", "",    ",",    "1e1,0",
                         "nan,0",   "inf,0",    "0x1,0", "1cm,0", "a,b", "1,,2", "\xff,1"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        x = y = 7;
        g_assert_false(sc_printer_parse_offset(bad[i], &x, &y));
        g_assert_cmpfloat(x, ==, 7); // untouched
    }
}

static void
test_scale(void)
{
    double s = 0;
    g_assert_true(sc_printer_parse_scale("1.002", &s));
    g_assert_cmpfloat_with_epsilon(s, 1.002, 1e-12);
    g_assert_true(sc_printer_parse_scale("100.5%", &s));
    g_assert_cmpfloat_with_epsilon(s, 1.005, 1e-12);
    g_assert_true(sc_printer_parse_scale("０．９５", &s));
    g_assert_cmpfloat_with_epsilon(s, 0.95, 1e-12);
    g_assert_true(sc_printer_parse_scale("1.05", &s));
    const char *bad[] = {"0.9499", "1.0501", "0", "-1", "1e0", "", "95", "x"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(sc_printer_parse_scale(bad[i], &s));
}

static void
test_pages(void)
{
    g_autofree char *a = sc_printer_parse_pages("3,5-7", 10);
    g_assert_cmpstr(a, ==, "3-3,5-7");
    g_autofree char *b = sc_printer_parse_pages("３，５－７", 0);
    g_assert_cmpstr(b, ==, "3-3,5-7");
    g_autofree char *c = sc_printer_parse_pages("10", 10);
    g_assert_cmpstr(c, ==, "10-10");
    const char *bad[] = {"11", "0", "7-5", "3,", "-3", "3-", "a", "", "1-2-3", "1.5"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *r = sc_printer_parse_pages(bad[i], 10);
        if (r != NULL)
            g_test_message("'%s' accepted as %s", bad[i], r);
        g_assert_null(r);
    }
}

static void
test_profile(void)
{
    const char *ini =
        "[printer 前台]\noffset = １．５，－０．８\nscale = 1.01\nstock = national-body\n"
        "options = media=A4 InputSlot=Tray2\n"
        "[printer bad]\noffset = 60,0\nscale = 2\n";
    GError *error = NULL;
    g_autoptr(sc_printer_profile) p =
        sc_printer_profile_parse(ini, strlen(ini), "printers.ini", "前台", &error);
    g_assert_no_error(error);
    g_assert_nonnull(p);
    g_assert_cmpfloat_with_epsilon(p->offset_x, 1.5, 1e-12);
    g_assert_cmpfloat_with_epsilon(p->offset_y, -0.8, 1e-12);
    g_assert_cmpfloat_with_epsilon(p->scale, 1.01, 1e-12);
    g_assert_cmpstr(p->stock, ==, "national-body");
    g_assert_cmpstr(p->options, ==, "media=A4 InputSlot=Tray2");
    // A profile that is not there: NULL without an error (the next file is looked in).
    g_assert_null(sc_printer_profile_parse(ini, strlen(ini), "printers.ini", "后台", &error));
    g_assert_no_error(error);
    // Both wrong keys reported at once, naming file, section and key.
    g_assert_null(sc_printer_profile_parse(ini, strlen(ini), "printers.ini", "bad", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "printers.ini: [printer bad] offset: '60,0'"));
    g_assert_nonnull(strstr(error->message, "[printer bad] scale: '2'"));
    g_clear_error(&error);
}

static const char stock_tpl[] =
    "[template]\nstock = a\n"
    "[stock a]\npreprinted = border, label_*\n"
    "[stock b]\nbased_on = a\npreprinted = body\n"
    "[border]\ntype = rect\nlayer = static\nx = 1mm\ny = 1mm\n"
    "width = 10mm\nheight = 10mm\n"
    "[label_x]\ntype = text\nlayer = static\ntext = x\nx = 1mm\n"
    "y = 1mm\nwidth = 10mm\nheight = 10mm\n"
    "[body]\ntype = text\ntext = {姓名}\nx = 1mm\ny = 1mm\n"
    "width = 10mm\nheight = 10mm\n"
    "[seal]\ntype = image\nlayer = field\nsource = {印章}\noptional = true\nx = 1mm\n"
    "y = 1mm\nwidth = 10mm\nheight = 10mm\n";

static void
test_stock(void)
{
    GError *error = NULL;
    g_autoptr(sc_template) t = sc_template_parse(stock_tpl, strlen(stock_tpl), "t.ini", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(t->elements->len, ==, 4); // [stock …] sections are not elements
    g_autofree gboolean *a = sc_template_stock_mask(t, NULL, &error);
    g_assert_true(a[0] && a[1] && !a[2] && !a[3]);
    g_autofree gboolean *b = sc_template_stock_mask(t, "b", &error);
    g_assert_true(b[0] && b[1] && b[2] && !b[3]);
    g_autofree gboolean *blank = sc_template_stock_mask(t, SC_STOCK_BLANK, &error);
    g_assert_true(!blank[0] && !blank[1] && !blank[2] && !blank[3]);
    g_assert_true(sc_template_mask_names(t, blank, "seal", "--leave-out", &error));
    g_assert_true(blank[3] && !blank[2]);
    g_assert_false(sc_template_mask_names(t, blank, "stamp", "--leave-out", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_clear_error(&error);
    g_assert_null(sc_template_stock_mask(t, "c", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_assert_nonnull(strstr(error->message, "blank, a, b"));
    g_clear_error(&error);
    const char *const seal[] = {"印章", "seal", NULL};
    g_assert_true(sc_template_element_names(t->elements->pdata[3], seal));
    g_assert_false(sc_template_element_names(t->elements->pdata[2], seal));

    // Without stock sections the static layer is the stock (layer = static keeps working).
    g_autofree char *plain = g_strconcat("[template]\n", strstr(stock_tpl, "[border]"), NULL);
    g_autoptr(sc_template) p = sc_template_parse(plain, strlen(plain), "p.ini", &error);
    g_assert_no_error(error);
    g_autofree gboolean *s = sc_template_stock_mask(p, "", &error);
    g_assert_true(s[0] && s[1] && !s[2] && !s[3]);
}

static void
test_stock_errors(void)
{
    const char *bad = "[template]\nstock = z\n[stock a]\npreprinted = bordr\n"
                      "[stock c]\nbased_on = d\n[stock d]\nbased_on = c\n"
                      "[stock e]\nbased_on = nope\n"
                      "[border]\ntype = rect\nx = 1mm\ny = 1mm\nwidth = 10mm\nheight = 10mm\n";
    GError *error = NULL;
    g_assert_null(sc_template_parse(bad, strlen(bad), "t.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "[stock a] preprinted: 'bordr'"));
    g_assert_nonnull(strstr(error->message, "[stock c] based_on"));
    g_assert_nonnull(strstr(error->message, "[stock e] based_on: there is no [stock nope]"));
    g_assert_nonnull(strstr(error->message, "[template] stock: there is no [stock z]"));
    g_clear_error(&error);
}

static void
test_seal_on(void)
{
    const char *base = "[institution]\nname = 某某职业培训学校\ncategory = S\nroute = 0000\n"
                       "province = 11\nsite = 000001\n";
    GError *error = NULL;
    g_autoptr(sc_institution) d = sc_institution_parse(base, strlen(base), "i.ini", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(d->seal_on, ==, SC_SEAL_ELECTRONIC | SC_SEAL_FULL);
    g_autofree char *all = g_strconcat(base, "seal_on = electronic，full, stock\n", NULL);
    g_autoptr(sc_institution) a = sc_institution_parse(all, strlen(all), "i.ini", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(a->seal_on, ==, SC_SEAL_ELECTRONIC | SC_SEAL_FULL | SC_SEAL_STOCK);
    g_autofree char *none = g_strconcat(base, "seal_on = none\n", NULL);
    g_autoptr(sc_institution) n = sc_institution_parse(none, strlen(none), "i.ini", &error);
    g_assert_no_error(error);
    g_assert_cmpuint(n->seal_on, ==, 0);
    g_autofree char *bad = g_strconcat(base, "seal_on = paper\n", NULL);
    g_assert_null(sc_institution_parse(bad, strlen(bad), "i.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "i.ini: seal_on: 'paper'"));
    g_clear_error(&error);
}

// No CUPS server at the address: 0 and an environment error naming the queue, nothing else.
static void
test_submit_no_server(void)
{
    g_autofree char *dir = g_dir_make_tmp("sc-printer-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "none.sock", NULL);
    g_autofree char *pdf = g_build_filename(dir, "x.pdf", NULL);
    g_assert_true(g_file_set_contents(pdf, "%PDF-1.5\n", -1, NULL));
    g_setenv("CUPS_SERVER", sock, TRUE);
    const sc_print_job job = {.copies = 1, .title = "x"};
    GError *error = NULL;
    g_assert_cmpint(sc_printer_submit("q", pdf, &job, &error), ==, 0);
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_assert_nonnull(strstr(error->message, "printing to q failed"));
    g_clear_error(&error);
    sc_test_remove_tree(dir);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/printer/offset", test_offset);
    g_test_add_func("/printer/scale", test_scale);
    g_test_add_func("/printer/pages", test_pages);
    g_test_add_func("/printer/profile", test_profile);
    g_test_add_func("/printer/stock", test_stock);
    g_test_add_func("/printer/stock-errors", test_stock_errors);
    g_test_add_func("/printer/seal-on", test_seal_on);
    g_test_add_func("/printer/submit-no-server", test_submit_no_server);
    return g_test_run();
}
