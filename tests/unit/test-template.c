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
    g_assert_true(sc_length_parse("14mm", 0, &mm));
    MM_EQ(mm, 14);
    g_assert_true(sc_length_parse(" 2.25pt ", 0, &mm));
    MM_EQ(mm, 2.25 * 25.4 / 72);
    g_assert_true(sc_length_parse("1in", 0, &mm));
    MM_EQ(mm, 25.4);
    g_assert_true(sc_length_parse("0.5cm", 0, &mm));
    MM_EQ(mm, 5);
    g_assert_true(sc_length_parse("2em", 16, &mm)); // 2 × 16 pt
    MM_EQ(mm, 32 * 25.4 / 72);
    g_assert_true(sc_length_parse("-1.5mm", 0, &mm));
    MM_EQ(mm, -1.5);

    // No unit, unknown unit, em without a size, a decimal comma, trailing junk.
    const char *bad[] = {"14", "mm", "14px", "2em", "1,5mm", "14mmx", "", "nanmm", "infmm"};
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
        g_assert_false(sc_length_parse(bad[i], 0, &mm));
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
    const char *left[] = {"title", "body", "institution", "issue_date", "query_certificate",
                          "query_institution"};
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
    const char *right[] = {"name", "id_type", "id_number", "occupation", "work_type", "level",
                           "number"};
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
                       "page_width = 297\n"          // no unit
                       "[a]\n"
                       "type = circle\n"             // unknown type
                       "x = 1mm\ny = 1mm\nwidth = 10mm\nheight = 10mm\n"
                       "[b]\n"
                       "type = text\n"
                       "text = {姓名\n"               // unbalanced brace
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
    const char *want[] = {"[template] page_width", "[a] type: 'circle'", "[b] text: unbalanced",
                          "[c] height: a QR code is square", "[d] x: the box does not lie",
                          "5 problems found"};
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
    g_test_add_func("/template/expand", test_expand);
    g_test_add_func("/template/foreach-field", test_foreach_field);
    g_test_add_func("/template/national-matches-spec", test_national_matches_spec);
    g_test_add_func("/template/bad-template-all-problems", test_bad_template_all_problems);
    g_test_add_func("/template/load/not-regular", test_load_not_regular);
    return g_test_run();
}
