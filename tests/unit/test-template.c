// test-template.c - template loading, lengths, placeholders; national.ini against SPEC §2.
#include "template.h"
#include "keyfile.h"
#include "testfiles.h"
#include "testutil.h"

#include <string.h>

#define MM_EQ(a, b) g_assert_cmpfloat_with_epsilon((a), (b), 1e-6)

static void
test_lengths(void)
{
    double mm = 0;
    g_assert_true(sc_template_length_parse("14mm", 0, &mm));
    MM_EQ(mm, 14);
    g_assert_true(sc_template_length_parse(" 2.25pt ", 0, &mm));
    MM_EQ(mm, 2.25 * 25.4 / 72);
    g_assert_true(sc_template_length_parse("1in", 0, &mm));
    MM_EQ(mm, 25.4);
    g_assert_true(sc_template_length_parse("0.5cm", 0, &mm));
    MM_EQ(mm, 5);
    g_assert_true(sc_template_length_parse("2em", 16, &mm)); // 2 × 16 pt
    MM_EQ(mm, 32 * 25.4 / 72);
    g_assert_true(sc_template_length_parse("-1.5mm", 0, &mm));
    MM_EQ(mm, -1.5);

    // No unit, unknown unit, em without a size, a decimal comma, trailing junk.
    const char *bad[] = {"14", "mm", "14px", "2em", "1,5mm", "14mmx", "", "nanmm", "infmm"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(sc_template_length_parse(bad[i], 0, &mm));
}

// Every length is bounded whatever its unit or syntax: plain decimals only (no exponent, hex,
// nan, inf), at most SC_LENGTH_MAX_MM (2000 mm) either way.
static void
test_lengths_bounded(void)
{
    double mm = 0;
    g_assert_true(sc_template_length_parse("2000mm", 0, &mm));
    MM_EQ(mm, 2000);
    g_assert_true(sc_template_length_parse("-2000mm", 0, &mm));
    g_assert_true(sc_template_length_parse("200cm", 0, &mm));
    g_assert_true(sc_template_length_parse("+.5mm", 0, &mm));
    MM_EQ(mm, 0.5);
    g_assert_true(sc_template_length_parse("3.mm", 0, &mm));
    MM_EQ(mm, 3);
    const char *bad[] = {"2000.001mm",
                         "201cm",
                         "79in",
                         "5670pt",
                         "1e6pt",
                         "1e6mm",
                         "1E2mm",
                         "0x10mm",
                         "0x1p3mm",
                         "nan mm",
                         "NaNmm",
                         "infinitymm",
                         "-infmm",
                         "1e308in",
                         ".mm",
                         "-mm",
                         "1..2mm",
                         "--1mm",
                         "999999999999999999999999999999999mm",
                         "500em"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        if (sc_template_length_parse(bad[i], 16, &mm))
            g_error("'%s' read as %g mm", bad[i], mm);
}

// A one-element template: [template] on an A4 landscape page, then [e] of TYPE with the box
// (10, 10, 50 × 20 mm) and the other keys of EXTRA ("key = value\n" lines), where a key given in
// EXTRA replaces the box's ("key = omit" leaves it out).  Parsed; returns the error message or
// NULL.  Caller frees.
static char *
parse_element(const char *type, const char *extra)
{
    GString *ini = g_string_new("[template]\npage_width = 297mm\npage_height = 210mm\n[e]\n");
    g_string_append_printf(ini, "type = %s\n", type);
    const char *box[] = {"x = 10mm", "y = 10mm", "width = 50mm", "height = 20mm"};
    for (guint i = 0; i < G_N_ELEMENTS(box); i++) {
        g_autofree char *key = g_strndup(box[i], strchr(box[i], ' ') - box[i]);
        g_autofree char *mine = g_strdup_printf("\n%s =", key);
        g_autofree char *at_start = g_strdup_printf("%s =", key);
        g_autofree char *padded = g_strdup_printf("\n%s", extra);
        if (strstr(padded, mine) == NULL && !g_str_has_prefix(extra, at_start))
            g_string_append_printf(ini, "%s\n", box[i]);
    }
    // "KEY = omit" leaves KEY out.
    g_auto(GStrv) lines = g_strsplit(extra, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i] != '\0' && !g_str_has_suffix(lines[i], " = omit"))
            g_string_append_printf(ini, "%s\n", lines[i]);
    if (strcmp(type, "text") == 0 && strstr(extra, "text =") == NULL)
        g_string_append(ini, "text = x\n");
    if (strcmp(type, "qrcode") == 0 && strstr(extra, "data =") == NULL)
        g_string_append(ini, "data = x\n");
    if (strcmp(type, "image") == 0)
        g_string_append(ini, "source = seal.png\n");
    GError *error = NULL;
    sc_template *t = sc_template_parse(ini->str, ini->len, "t.ini", &error);
    g_string_free(ini, TRUE);
    if (t != NULL) {
        g_assert_no_error(error);
        sc_template_free(t);
        return NULL;
    }
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    char *message = g_strdup(error->message);
    g_error_free(error);
    return message;
}

static void
assert_element_ok(const char *type, const char *extra)
{
    g_autofree char *message = parse_element(type, extra);
    if (message != NULL)
        g_error("%s with\n%s: refused:\n%s", type, extra, message);
}

// Refused with exactly one problem, whose line starts "t.ini: [e] " followed by WANT.
static void
assert_element_bad(const char *type, const char *extra, const char *want)
{
    g_autofree char *message = parse_element(type, extra);
    if (message == NULL)
        g_error("%s with\n%s: accepted", type, extra);
    g_autofree char *line = g_strdup_printf("t.ini: [e] %s", want);
    if (!g_str_has_prefix(message, line) || strstr(message, "\n1 problem") == NULL)
        g_error("%s with\n%s: want one problem starting '%s', got:\n%s", type, extra, line,
                message);
}

// Font sizes from 1 to 200 pt whatever they are written in (1e6 pt hung the layout, 999 pt
// took seconds per record); min_size within them and not above size.
static void
test_font_size_bounds(void)
{
    assert_element_ok("text", "size = 200pt\nmin_size = 1pt\n");
    assert_element_ok("text", "size = 200\n");
    assert_element_ok("text", "size = 5mm\n");
    const char *bad[] = {"1e6pt", "1e6", "999pt", "200.5pt", "0.5pt", "0pt",   "-12pt",
                         "nan",   "inf", "71mm",  "3in",     "0x10",  "12 px", "1000mm"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *extra = g_strdup_printf("size = %s\n", bad[i]);
        g_autofree char *want =
            g_strdup_printf("size: '%s' is not a font size from 1 to 200 pt", bad[i]);
        assert_element_bad("text", extra, want);
        g_autofree char *extra2 = g_strdup_printf("min_size = %s\n", bad[i]);
        g_autofree char *want2 =
            g_strdup_printf("min_size: '%s' is not a font size from 1 to 200 pt", bad[i]);
        assert_element_bad("text", extra2, want2);
    }
    assert_element_bad("text", "size = 12pt\nmin_size = 14pt\n", "min_size: is larger than size");
}

// Line widths from 0 to 20 pt, in any unit; negative ones were accepted.
static void
test_line_width_bounds(void)
{
    const char *types[] = {"rect", "line"};
    for (guint t = 0; t < G_N_ELEMENTS(types); t++) {
        assert_element_ok(types[t], "line_width = 0pt\n");
        assert_element_ok(types[t], "line_width = 20pt\n");
        assert_element_ok(types[t], "line_width = 2.25pt\n");
        const char *bad[] = {"-1pt", "-0.1mm", "21pt", "1cm", "1000mm"};
        for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
            g_autofree char *extra = g_strdup_printf("line_width = %s\n", bad[i]);
            assert_element_bad(types[t], extra, "line_width: must be from 0 to 20 pt");
        }
        assert_element_bad(types[t], "line_width = 1e6pt\n", "line_width: '1e6pt' is not a length");
        assert_element_bad(types[t], "line_width = 6000pt\n",
                           "line_width: '6000pt' is longer than 2000 mm");
    }
}

// A box of zero or negative size is refused for every boxed element, in its own key (a 0 mm
// QR code failed only when drawn, with "invalid matrix" and no element named).
static void
test_box_sizes(void)
{
    const char *types[] = {"rect", "text", "image", "qrcode"};
    for (guint t = 0; t < G_N_ELEMENTS(types); t++) {
        gboolean qr = strcmp(types[t], "qrcode") == 0;
        if (qr) {
            g_autofree char *m = parse_element("qrcode", "width = 0mm\nheight = 0mm\n");
            g_assert_nonnull(m);
            g_assert_nonnull(strstr(m, "t.ini: [e] width: must be at least"));
            g_assert_nonnull(strstr(m, "t.ini: [e] height: must be at least"));
            g_assert_nonnull(strstr(m, "\n2 problems"));
            assert_element_ok(types[t], "width = 20mm\nheight = 20mm\n");
        } else {
            assert_element_bad(types[t], "width = 0mm\n", "width: must be at least");
            assert_element_bad(types[t], "height = 0mm\n", "height: must be at least");
            assert_element_bad(types[t], "width = -5mm\n", "width: must be at least");
            assert_element_bad(types[t], "height = -5mm\n", "height: must be at least");
        }
    }
    // A text box may leave out its height when it gives a baseline, but not give it as 0.
    assert_element_ok("text", "height = omit\nbaseline = 20mm\n");
    assert_element_bad("text", "height = omit\n", "height: missing (or give a baseline)");
    assert_element_bad("text", "height = 0mm\nbaseline = 20mm\n", "height: must be at least");
    // A line's box is its direction: zero is fine, and it must stay on the page.
    assert_element_ok("line", "width = 100mm\nheight = 0mm\n");
    assert_element_bad("line", "width = 290mm\nheight = 0mm\n",
                       "x: the line does not lie within the page");
}

// The other numbers: lengths over 2000 mm named as such, a baseline off the page, an indent
// wider than the box, line spacing and max_lines without exponents.
static void
test_other_bounds(void)
{
    assert_element_bad("rect", "x = 1e6mm\n", "x: '1e6mm' is not a length");
    assert_element_bad("rect", "x = 3000mm\n", "x: '3000mm' is longer than 2000 mm");
    assert_element_bad("text", "baseline = 211mm\n", "baseline: the baseline does not lie");
    assert_element_bad("text", "baseline = -1mm\n", "baseline: the baseline does not lie");
    assert_element_bad("text", "indent = 51mm\n", "indent: is wider than the box");
    assert_element_ok("text", "indent = 2em\n");
    assert_element_bad("text", "line_spacing = 1e0\n", "line_spacing: '1e0' is not a number");
    assert_element_bad("text", "line_spacing = nan\n", "line_spacing: 'nan' is not a number");
    assert_element_bad("text", "max_lines = inf\n", "max_lines: 'inf' is not a number");

    const char *pages[] = {"page_width = 1e6mm", "page_height = 0mm", "page_width = 2001mm"};
    for (guint i = 0; i < G_N_ELEMENTS(pages); i++) {
        g_autofree char *ini =
            g_strdup_printf("[template]\n%s\n[e]\ntype = rect\nx = 1mm\ny = 1mm\n"
                            "width = 1mm\nheight = 1mm\n",
                            pages[i]);
        GError *error = NULL;
        g_assert_null(sc_template_parse(ini, strlen(ini), "t.ini", &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_autofree char *key = g_strndup(pages[i], strchr(pages[i], ' ') - pages[i]);
        g_autofree char *want = g_strdup_printf("t.ini: [template] %s: ", key);
        g_assert_true(g_str_has_prefix(error->message, want));
        g_assert_nonnull(strstr(error->message, "\n1 problem"));
        g_clear_error(&error);
    }
}

static const char *
lookup(const char *name, gpointer data)
{
    (void)data;
    if (strcmp(name, "姓名") == 0)
        return "张伟";
    if (strcmp(name, "证书编号") == 0)
        return "S000044011001264000001";
    return NULL;
}

static void
test_expand(void)
{
    GError *error = NULL;
    g_autofree char *a = sc_template_expand("姓名：{姓名}", lookup, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(a, ==, "姓名：张伟");
    g_autofree char *b = sc_template_expand("{{x}} { 证书编号 }", lookup, NULL, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(b, ==, "{x} S000044011001264000001");
    g_autofree char *c = sc_template_expand("no fields", lookup, NULL, &error);
    g_assert_cmpstr(c, ==, "no fields");

    g_assert_null(sc_template_expand("{备注}", lookup, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "{备注}"));
    g_clear_error(&error);
    g_assert_null(sc_template_expand("{姓名", lookup, NULL, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
}

static const sc_element *
element(const sc_template *t, const char *id)
{
    for (guint i = 0; i < t->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(t->elements, i);
        if (strcmp(e->id, id) == 0)
            return e;
    }
    g_assert_not_reached();
    return NULL;
}

// templates/national.ini against the table of SPEC §2 (seeds/000 附件4 制作说明).
static void
test_national_matches_spec(void)
{
    GError *error = NULL;
    g_autoptr(sc_template) t = sc_template_load("templates/national.ini", &error);
    g_assert_no_error(error);
    MM_EQ(t->page_width, 297);
    MM_EQ(t->page_height, 210);
    g_assert_true(g_str_has_prefix(t->fonts, "STKaiti"));

    // 1. Border: 269 × 188 mm centred on A4 landscape, 2.25 pt line.
    const sc_element *b = element(t, "border");
    g_assert_cmpint(b->type, ==, SC_ELEMENT_RECT);
    MM_EQ(b->width, 269);
    MM_EQ(b->height, 188);
    MM_EQ(b->x, (297 - 269) / 2.0);
    MM_EQ(b->y, (210 - 188) / 2.0);
    MM_EQ(b->line_width, 2.25);
    g_assert_cmpint(b->layer, ==, SC_LAYER_STATIC);

    // 2. Title 30 pt, body 16 pt single-spaced, addresses 14 pt; all on the left page.
    const sc_element *title = element(t, "title");
    MM_EQ(title->size, 30);
    MM_EQ(title->x + title->width / 2, 81.25); // centred on the left page
    const sc_element *body = element(t, "body");
    MM_EQ(body->size, 16);
    MM_EQ(body->line_spacing, 1);
    g_assert_true(body->wrap);
    MM_EQ(element(t, "query_certificate")->size, 14);
    MM_EQ(element(t, "query_institution")->size, 14);
    g_assert_nonnull(strstr(element(t, "query_certificate")->text, "http://jndj.osta.org.cn/"));
    g_assert_nonnull(strstr(element(t, "query_institution")->text, "http://pjjg.osta.org.cn/"));
    const char *left[] = {
        "title", "body", "institution", "issue_date", "query_certificate", "query_institution"};
    for (guint i = 0; i < G_N_ELEMENTS(left); i++) {
        const sc_element *e = element(t, left[i]);
        g_assert_cmpfloat(e->x, >=, 14);
        g_assert_cmpfloat(e->x + e->width, <=, 148.5);
    }

    // 3. Photo 35 × 49 mm, QR 30 × 30 mm, basic information 16 pt: all on the right page.
    const sc_element *photo = element(t, "photo");
    MM_EQ(photo->width, 35);
    MM_EQ(photo->height, 49);
    g_assert_cmpfloat(photo->x, >=, 148.5);
    const sc_element *qr = element(t, "qrcode");
    g_assert_cmpint(qr->type, ==, SC_ELEMENT_QRCODE);
    MM_EQ(qr->width, 30);
    MM_EQ(qr->height, 30);
    g_assert_cmpint(qr->ec_level, ==, 'M');
    g_assert_nonnull(strstr(qr->data, "{证书编号}"));
    const char *right[] = {"name",      "id_type", "id_number", "occupation",
                           "work_type", "level",   "number"};
    double colon = -1;
    for (guint i = 0; i < G_N_ELEMENTS(right); i++) {
        g_autofree char *lid = g_strconcat("label_", right[i], NULL);
        g_autofree char *vid = g_strconcat("value_", right[i], NULL);
        const sc_element *l = element(t, lid), *v = element(t, vid);
        MM_EQ(l->size, 16);
        MM_EQ(v->size, 16);
        g_assert_cmpfloat(l->x, >=, 148.5);
        g_assert_cmpfloat(v->x + v->width, <=, 283);
        // Labels end on one colon column; values start there; baselines 10 mm apart.
        g_assert_true(g_str_has_suffix(l->text, "："));
        g_assert_cmpint(l->align, ==, SC_ALIGN_RIGHT);
        if (colon < 0)
            colon = l->x + l->width;
        MM_EQ(l->x + l->width, colon);
        MM_EQ(v->x, colon);
        MM_EQ(l->baseline, 110 + 10 * i);
        MM_EQ(v->baseline, l->baseline);
    }
    g_assert_cmpstr(element(t, "label_name")->text, ==, "姓　　名：");
}

static void
test_bad_template_all_problems(void)
{
    const char *text = "[template]\n"
                       "page_width = 297\n" // no unit
                       "[a]\n"
                       "type = circle\n" // unknown type
                       "x = 1mm\ny = 1mm\nwidth = 10mm\nheight = 10mm\n"
                       "[b]\n"
                       "type = text\n"
                       "text = {姓名\n" // unbalanced brace
                       "x = 1mm\ny = 1mm\nwidth = 10mm\nheight = 10mm\n"
                       "[c]\n"
                       "type = qrcode\ndata = x\n"
                       "x = 1mm\ny = 1mm\nwidth = 10mm\nheight = 12mm\n" // not square
                       "[d]\n"
                       "type = rect\n"
                       "x = 290mm\ny = 1mm\nwidth = 10mm\nheight = 10mm\n"; // off the page
    GError *error = NULL;
    g_assert_null(sc_template_parse(text, strlen(text), "bad.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    const char *want[] = {"[template] page_width",       "[a] type: 'circle'",
                          "[b] text: unbalanced",        "[c] height: a QR code is square",
                          "[d] x: the box does not lie", "5 problems found"};
    for (guint i = 0; i < G_N_ELEMENTS(want); i++)
        if (strstr(error->message, want[i]) == NULL)
            g_error("no '%s' in:\n%s", want[i], error->message);
    g_clear_error(&error);

    // Not UTF-8 (GBK 姓名): refused at once, the message itself valid UTF-8.
    const char gbk[] = "[template]\nname = \xd0\xd5\xc3\xfb\n";
    g_assert_null(sc_template_parse(gbk, sizeof gbk - 1, "gbk.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_true(g_utf8_validate(error->message, -1, NULL));
    g_assert_nonnull(strstr(error->message, "byte 18 is not UTF-8"));
    g_clear_error(&error);

    g_assert_null(sc_template_parse("not an ini", 10, "x.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_null(sc_template_load("tests/data/no-such-template.ini", &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error(&error);
}

// /dev/zero, a folder or a FIFO named as the template: refused at once.  A file over
// SC_KEYFILE_MAX_BYTES (sparse) is refused before it is read.
static void
test_load_not_regular(void)
{
    sc_test_hostile h;
    sc_test_hostile_init(&h);
    for (guint i = 0; i < G_N_ELEMENTS(h.paths); i++) {
        GError *error = NULL;
        g_assert_null(sc_template_load(h.paths[i], &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_assert_nonnull(strstr(error->message, "not a regular file"));
        g_clear_error(&error);
    }
    char *big = g_build_filename(h.dir, "big.ini", NULL);
    g_assert_true(g_file_set_contents(big, "[template]\n", -1, NULL));
    g_assert_cmpint(truncate(big, SC_KEYFILE_MAX_BYTES + 1), ==, 0);
    GError *error = NULL;
    g_assert_null(sc_template_load(big, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "over the limit of 1 MB"));
    g_clear_error(&error);
    g_unlink(big);
    g_free(big);
    sc_test_hostile_free(&h);
}

static void
collect(const char *name, gpointer data)
{
    g_ptr_array_add(data, g_strdup(name));
}

static void
test_foreach_field(void)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    sc_template_foreach_field("{姓名}：{ name }{{literal}}", collect, names);
    g_assert_cmpuint(names->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(names, 0), ==, "姓名");
    g_assert_cmpstr(g_ptr_array_index(names, 1), ==, "name");
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/template/lengths", test_lengths);
    g_test_add_func("/template/lengths-bounded", test_lengths_bounded);
    g_test_add_func("/template/bounds/font-size", test_font_size_bounds);
    g_test_add_func("/template/bounds/line-width", test_line_width_bounds);
    g_test_add_func("/template/bounds/box-sizes", test_box_sizes);
    g_test_add_func("/template/bounds/other", test_other_bounds);
    g_test_add_func("/template/expand", test_expand);
    g_test_add_func("/template/foreach-field", test_foreach_field);
    g_test_add_func("/template/national-matches-spec", test_national_matches_spec);
    g_test_add_func("/template/bad-template-all-problems", test_bad_template_all_problems);
    g_test_add_func("/template/load/not-regular", test_load_not_regular);
    return g_test_run();
}
