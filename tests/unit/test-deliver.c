// test-deliver.c - file names from a pattern made safe on every file system, name collisions,
// masked identity numbers and the manifest (SPEC §5; issue 11).
#include "deliver.h"
#include "testutil.h"

#include <string.h>

static void
test_safe_name(void)
{
    const struct {
        const char *in, *out;
    } cases[] = {
        {"S1_张伟.pdf", "S1_张伟.pdf"},
        {"S1_张伟", "S1_张伟.pdf"},                  // .pdf added
        {"a/b\\c", "a_b_c.pdf"},                     // separators of Unix, Windows, zip
        {"a:b<c>d\"e|f?g*h", "a_b_c_d_e_f_g_h.pdf"}, // Windows' reserved characters
        {"a\tb\x01"
         "c\x7f",
         "a_b_c_.pdf"},                               // control characters
        {"..", "__.pdf"},                             // no "." or ".."
        {"../../etc/passwd", "___.._etc_passwd.pdf"}, // one name: never leaves the folder
        {".hidden", "_hidden.pdf"},                   // no hidden files
        {"  name  ", "name.pdf"},                     // spaces around the name
        {"", "_.pdf"},
        {"CON", "_CON.pdf"},     // Windows device names, any case,
        {"con.pdf", "_con.pdf"}, // any extension
        {"Aux.txt", "_Aux.txt.pdf"},
        {"nul ", "_nul.pdf"},
        {"COM1", "_COM1.pdf"},
        {"lpt9", "_lpt9.pdf"},
        {"COM0", "COM0.pdf"}, // not reserved
        {"CONSOLE", "CONSOLE.pdf"},
        {"e\xcc\x81", "\xc3\xa9.pdf"},              // NFD é → NFC é
        {"阿依古丽·买买提", "阿依古丽·买买提.pdf"}, // CJK code units are not '?' or '/'
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = sc_deliver_safe_name(cases[i].in);
        g_assert_cmpstr(got, ==, cases[i].out);
    }
}

static void
test_safe_name_length(void)
{
    // 300 three-byte characters: cut to at most 255 bytes, before a whole character.
    g_autoptr(GString) s = g_string_new(NULL);
    for (int i = 0; i < 300; i++)
        g_string_append(s, "张");
    g_autofree char *got = sc_deliver_safe_name(s->str);
    g_assert_cmpuint(strlen(got), <=, SC_DELIVER_NAME_MAX);
    g_assert_cmpuint(strlen(got), >, SC_DELIVER_NAME_MAX - 3);
    g_assert_true(g_utf8_validate(got, -1, NULL));
    g_assert_true(g_str_has_suffix(got, "张.pdf"));
    // ASCII: exactly 255 bytes.
    g_autofree char *a = g_strnfill(400, 'a');
    g_autofree char *ga = sc_deliver_safe_name(a);
    g_assert_cmpuint(strlen(ga), ==, SC_DELIVER_NAME_MAX);
    // Invalid UTF-8 is repaired, never passed on.
    g_autofree char *bad = sc_deliver_safe_name("a\xff\xfe"
                                                "b");
    g_assert_true(g_utf8_validate(bad, -1, NULL));
}

static void
test_mask(void)
{
    const struct {
        const char *in, *out;
    } cases[] = {
        {"440104199003121232", "4401**********1232"},
        {"44010419900312123X", "4401**********123X"},
        {"E12345678", "E123*5678"},
        {"12345", "1***5"},
        {"12", "**"},
        {"", ""},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = sc_deliver_mask_id(cases[i].in);
        g_assert_cmpstr(got, ==, cases[i].out);
    }
}

// A certificate of ROW with NAME, NUMBER and ID, its record holding a column 车间 = WORKSHOP.
static sc_cert *
make_cert(sc_record **rec, guint row, const char *name, const char *number, const char *id,
          const char *workshop)
{
    *rec = sc_record_new(row);
    sc_record_set(*rec, "车间", workshop);
    sc_cert *c = sc_cert_new(*rec);
    c->name = name;
    sc_cert_set_id_number(c, id, NULL);
    sc_cert_set_number(c, number);
    sc_cert_set_date(c, 2026, 11, 20);
    return c;
}

typedef struct {
    sc_record *recs[4];
    GPtrArray *certs;
} batch;

static void
batch_init(batch *b)
{
    b->certs = g_ptr_array_new_with_free_func((GDestroyNotify)sc_cert_free);
    g_ptr_array_add(b->certs, make_cert(&b->recs[0], 2, "张伟", "S000044011001264000001",
                                        "440104199003121232", "一车间"));
    g_ptr_array_add(b->certs, make_cert(&b->recs[1], 3, "=HYPERLINK(\"x\")",
                                        "S000044011001264000002", "440106199511084565", "二车间"));
    g_ptr_array_add(b->certs, make_cert(&b->recs[2], 4, "张伟", "S000044011001264000003",
                                        "440104199003121232", "一车间"));
    g_ptr_array_add(b->certs, make_cert(&b->recs[3], 5, "a,b", "S000044011001264000004",
                                        "440104199003121232", "三车间"));
}

static void
batch_clear(batch *b)
{
    g_ptr_array_unref(b->certs);
    for (int i = 0; i < 4; i++)
        sc_record_free(b->recs[i]);
}

static void
test_names(void)
{
    batch b;
    batch_init(&b);
    g_autoptr(sc_problems) problems = sc_problems_new();
    GError *error = NULL;
    GHashTable *names = sc_deliver_names(b.certs, NULL, "r.csv", problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    g_assert_cmpstr(g_hash_table_lookup(names, b.certs->pdata[0]), ==,
                    "S000044011001264000001_张伟.pdf");
    g_assert_cmpstr(g_hash_table_lookup(names, b.certs->pdata[1]), ==,
                    "S000044011001264000002_=HYPERLINK(_x_).pdf");
    g_hash_table_unref(names);

    // Any column of the record: two holders of one workshop get one name, an error on the
    // second row naming the first.
    names = sc_deliver_names(b.certs, "{车间}_{姓名}", "r.csv", problems, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(sc_problems_count(problems), ==, 1);
    const sc_problem *p = sc_problems_item(problems, 0);
    g_assert_cmpuint(p->row, ==, 4);
    g_assert_nonnull(strstr(p->message, "一车间_张伟.pdf"));
    g_assert_nonnull(strstr(p->message, "row 2"));
    g_hash_table_unref(names);

    // Names that differ only in case are one name on Windows and macOS.
    g_autoptr(sc_problems) more = sc_problems_new();
    ((sc_cert *)b.certs->pdata[1])->name = "ZHANG";
    ((sc_cert *)b.certs->pdata[3])->name = "zhang";
    names = sc_deliver_names(b.certs, "{姓名}", "r.csv", more, &error);
    g_assert_cmpuint(sc_problems_count(more), ==, 2); // row 4 (张伟) and row 5 (zhang)
    g_assert_cmpuint(sc_problems_item(more, 1)->row, ==, 5);
    g_hash_table_unref(names);

    // A field no record has: a usage error, no table.
    g_assert_null(sc_deliver_names(b.certs, "{no_such_field}", "r.csv", more, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_USAGE);
    g_clear_error(&error);
    batch_clear(&b);
}

static void
test_manifest(void)
{
    batch b;
    batch_init(&b);
    g_autofree char *dir = g_dir_make_tmp("sc-deliver-XXXXXX", NULL);
    sc_deliver_entry e[2] = {
        {b.certs->pdata[0], "S000044011001264000001_张伟.pdf", 1234, "ab12"},
        {b.certs->pdata[3], "x.pdf", 5, "cd34"},
    };
    GError *error = NULL;
    g_assert_true(sc_deliver_write_manifest(dir, e, 2, FALSE, 0, &error));
    g_assert_no_error(error);
    g_autofree char *path = g_build_filename(dir, SC_DELIVER_MANIFEST, NULL);
    gsize len;
    g_autofree char *text = sc_test_slurp(path, &len);
    g_assert_cmpstr(
        text, ==,
        "\xef\xbb\xbfrow,姓名,证件号码,证书编号,发证日期,file,bytes,SHA-256\r\n"
        "2,张伟,4401**********1232,S000044011001264000001,2026-11-20,"
        "S000044011001264000001_张伟.pdf,1234,ab12\r\n"
        "5,\"a,b\",4401**********1232,S000044011001264000004,2026-11-20,x.pdf,5,cd34\r\n");
    GStatBuf st;
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);

    // --full-id; a name a spreadsheet would run as a formula is quoted as text.
    e[1].cert = b.certs->pdata[1];
    g_assert_true(sc_deliver_write_manifest(dir, e, 2, TRUE, 0, &error));
    g_free(text);
    text = sc_test_slurp(path, &len);
    g_assert_nonnull(strstr(text, ",440104199003121232,"));
    g_assert_nonnull(strstr(text, "\n3,\"'=HYPERLINK(\"\"x\"\")\",440106199511084565,"));
    sc_test_remove_tree(dir);

    // A folder that is not there: an error, nothing written.
    g_assert_false(sc_deliver_write_manifest("/nonexistent/dir", e, 2, FALSE, 0, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_IO);
    g_clear_error(&error);
    batch_clear(&b);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/deliver/safe-name", test_safe_name);
    g_test_add_func("/deliver/safe-name-length", test_safe_name_length);
    g_test_add_func("/deliver/mask", test_mask);
    g_test_add_func("/deliver/names", test_names);
    g_test_add_func("/deliver/manifest", test_manifest);
    return g_test_run();
}
