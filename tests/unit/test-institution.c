// test-institution.c - the institution file: the cases of tests/data/institution/cases.txt
// (SPEC §3 positions 1–13 under each province profile; seeds 000, 001, 002, 004), then loading
// from disk: the seal relative to the file, missing files and syntax errors.
#include "institution.h"
#include "keyfile.h"
#include "testfiles.h"
#include "testutil.h"

#include <glib/gstdio.h>
#include <string.h>

#define CASES SC_TEST_DATA("institution/cases.txt")

// One case of cases.txt.
typedef struct {
    guint line; // of its "===" line
    char *name;
    GString *ini;
    gboolean ok;
    char *prefix, *profile;               // ok
    char *want_name, *seal, *qr, *forbid; // ok, optional; "none" for NULL
    GPtrArray *errors;                    // !ok: char *, words expected in problem i
} data_case;

static void
data_case_free(gpointer p)
{
    data_case *c = p;
    g_free(c->name);
    g_string_free(c->ini, TRUE);
    g_free(c->prefix);
    g_free(c->profile);
    g_free(c->want_name);
    g_free(c->seal);
    g_free(c->qr);
    g_free(c->forbid);
    g_ptr_array_unref(c->errors);
    g_free(c);
}

// Read cases.txt; a malformed file stops the program, naming the line.
static GPtrArray *
load_cases(void)
{
    char *contents = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(CASES, &contents, NULL, &error))
        g_error("%s", error->message);
    GPtrArray *cases = g_ptr_array_new_with_free_func(data_case_free);
    char **lines = g_strsplit(contents, "\n", -1);
    data_case *c = NULL;
    enum { OUTSIDE, INI, OK, ERRORS } state = OUTSIDE;
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *l = lines[i];
        guint n = i + 1;
        if (g_str_has_prefix(l, "=== ")) {
            c = g_new0(data_case, 1);
            c->line = n;
            c->name = g_strdup(l + 4);
            c->ini = g_string_new(NULL);
            c->errors = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(cases, c);
            state = INI;
        } else if (state == OUTSIDE) {
            if (*l != '\0' && *l != '#')
                g_error("%s:%u: text outside a case", CASES, n);
        } else if (state == INI && !g_str_has_prefix(l, "---")) {
            g_string_append_printf(c->ini, "%s\n", l);
        } else if (g_str_has_prefix(l, "--- ok ")) {
            char **w = g_strsplit(l + 7, " ", -1);
            if (g_strv_length(w) != 2)
                g_error("%s:%u: --- ok PREFIX PROFILE", CASES, n);
            c->ok = TRUE;
            c->prefix = g_strdup(w[0]);
            c->profile = g_strdup(w[1]);
            g_strfreev(w);
            state = OK;
        } else if (strcmp(l, "--- error") == 0) {
            state = ERRORS;
        } else if (state == OK && g_str_has_prefix(l, "--- ")) {
            const char *sp = strchr(l + 4, ' ');
            if (sp == NULL)
                g_error("%s:%u: --- KEY VALUE", CASES, n);
            char *key = g_strndup(l + 4, sp - (l + 4));
            char **slot = strcmp(key, "name") == 0        ? &c->want_name
                          : strcmp(key, "seal") == 0      ? &c->seal
                          : strcmp(key, "qr_data") == 0   ? &c->qr
                          : strcmp(key, "forbidden") == 0 ? &c->forbid
                                                          : NULL;
            if (slot == NULL)
                g_error("%s:%u: unknown check %s", CASES, n, key);
            *slot = g_strdup(sp + 1);
            g_free(key);
        } else if (state == ERRORS && *l != '\0' && *l != '#') {
            g_ptr_array_add(c->errors, g_strdup(l));
        } else if (*l == '\0' || *l == '#') {
            state = state == INI ? INI : OUTSIDE;
        } else {
            g_error("%s:%u: unexpected line", CASES, n);
        }
    }
    for (guint i = 0; i < cases->len; i++) {
        c = g_ptr_array_index(cases, i);
        if (!c->ok && c->errors->len == 0)
            g_error("%s:%u: case %s expects neither success nor errors", CASES, c->line, c->name);
    }
    g_strfreev(lines);
    g_free(contents);
    return cases;
}

// Whether LINE (a problem without its "PATH: ") contains the words of WANT in order; a first
// word ending in ':' must begin it.
static gboolean
problem_matches(const char *line, const char *want)
{
    char **words = g_strsplit(want, " ", -1);
    gboolean ok = TRUE;
    const char *at = line;
    for (int i = 0; ok && words[i] != NULL; i++) {
        if (*words[i] == '\0')
            continue;
        if (i == 0 && g_str_has_suffix(words[i], ":")) {
            ok = g_str_has_prefix(at, words[i]);
            at += ok ? strlen(words[i]) : 0;
            continue;
        }
        const char *found = strstr(at, words[i]);
        ok = found != NULL;
        if (ok)
            at = found + strlen(words[i]);
    }
    g_strfreev(words);
    return ok;
}

// "none" means NULL.
static void
assert_optional(const data_case *c, const char *what, const char *got, const char *want)
{
    if (want == NULL)
        return;
    if (strcmp(want, "none") == 0 ? got != NULL : g_strcmp0(got, want) != 0)
        g_error("%s:%u: %s: %s is \"%s\", expected \"%s\"", CASES, c->line, c->name, what, got,
                want);
}

static void
run_case(const data_case *c)
{
    g_autofree char *file = g_strconcat(c->name, ".ini", NULL);
    g_autofree char *path = g_build_filename("tests/data/institution", file, NULL);
    GError *error = NULL;
    sc_institution *inst = sc_institution_parse(c->ini->str, c->ini->len, path, &error);

    if (c->ok) {
        if (inst == NULL)
            g_error("%s:%u: %s: refused: %s", CASES, c->line, c->name, error->message);
        g_assert_no_error(error);
        g_assert_cmpstr(inst->path, ==, path);
        g_assert_cmpstr(inst->prefix, ==, c->prefix);
        g_assert_cmpstr(sc_certno_profile_name(inst->profile), ==, c->profile);
        assert_optional(c, "name", inst->name, c->want_name);
        assert_optional(c, "qr_data", inst->qr_data, c->qr);
        assert_optional(c, "forbidden_words", inst->forbidden, c->forbid);
        if (c->seal != NULL && strcmp(c->seal, "none") != 0) {
            // The same file, however the path is spelled.
            g_assert_nonnull(inst->seal);
            g_autofree char *got = g_canonicalize_filename(inst->seal, NULL);
            g_autofree char *want = g_canonicalize_filename(c->seal, NULL);
            g_assert_cmpstr(got, ==, want);
        } else {
            assert_optional(c, "seal", inst->seal, c->seal);
        }
        sc_institution_free(inst);
        return;
    }

    if (inst != NULL)
        g_error("%s:%u: %s: loaded, expected refusal", CASES, c->line, c->name);
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    char **lines = g_strsplit(error->message, "\n", -1);
    guint n = g_strv_length(lines);
    // The problems, then "N problem(s) found".
    g_autofree char *count =
        g_strdup_printf("%u problem%s found", c->errors->len, c->errors->len == 1 ? "" : "s");
    if (n != c->errors->len + 1 || strcmp(lines[n - 1], count) != 0)
        g_error("%s:%u: %s: expected %u problems, got:\n%s", CASES, c->line, c->name,
                c->errors->len, error->message);
    g_autofree char *lead = g_strconcat(path, ": ", NULL);
    for (guint i = 0; i < c->errors->len; i++) {
        const char *want = g_ptr_array_index(c->errors, i);
        if (!g_str_has_prefix(lines[i], lead) || !problem_matches(lines[i] + strlen(lead), want))
            g_error("%s:%u: %s: problem %u is \"%s\", expected \"%s%s\"", CASES, c->line, c->name,
                    i + 1, lines[i], lead, want);
    }
    g_strfreev(lines);
    g_error_free(error);
}

static void
test_case(gconstpointer data)
{
    run_case(data);
}

// --- From disk --------------------------------------------------------------------------------

static void
test_load_file(void)
{
    GError *error = NULL;
    const char *path = SC_TEST_DATA("institution/guangdong.ini");
    g_autoptr(sc_institution) inst = sc_institution_load(path, &error);
    g_assert_no_error(error);
    g_assert_nonnull(inst);
    g_assert_cmpstr(inst->path, ==, path);
    g_assert_cmpstr(inst->name, ==, "广州市越秀区示例职业培训学校");
    g_assert_cmpstr(inst->prefix, ==, "S000044011001");
    g_assert_cmpint(inst->profile, ==, SC_PROFILE_GUANGDONG);
    g_assert_cmpstr(inst->qr_data, ==, "http://jndj.osta.org.cn/?zsbh={证书编号}");
    g_assert_cmpstr(inst->forbidden, ==, "示范,权威");
    g_assert_true(g_file_test(inst->seal, G_FILE_TEST_IS_REGULAR));
    g_assert_true(g_str_has_suffix(inst->seal, "tests/data/institution/seal.png"));
    // The prefix is a valid positions 1–13 for its profile, as the numbering stage will need.
    g_assert_true(sc_certno_check_prefix(inst->prefix, inst->profile, &error));
    g_assert_no_error(error);
}

static void
test_load_missing_file(void)
{
    GError *error = NULL;
    g_assert_null(sc_institution_load(SC_TEST_DATA("institution/no-such.ini"), &error));
    g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_clear_error(&error);
}

// /dev/zero, a folder or a FIFO named as the institution file: refused at once.  A file over
// SC_KEYFILE_MAX_BYTES (sparse) is refused before it is read.
static void
test_load_not_regular(void)
{
    sc_test_hostile h;
    sc_test_hostile_init(&h);
    for (guint i = 0; i < G_N_ELEMENTS(h.paths); i++) {
        GError *error = NULL;
        g_assert_null(sc_institution_load(h.paths[i], &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_assert_nonnull(strstr(error->message, "not a regular file"));
        g_clear_error(&error);
    }
    char *big = g_build_filename(h.dir, "big.ini", NULL);
    g_assert_true(g_file_set_contents(big, "[institution]\n", -1, NULL));
    g_assert_cmpint(truncate(big, SC_KEYFILE_MAX_BYTES + 1), ==, 0);
    GError *error = NULL;
    g_assert_null(sc_institution_load(big, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "over the limit of 1 MB"));
    g_clear_error(&error);
    g_unlink(big);
    g_free(big);
    sc_test_hostile_free(&h);
}

static void
test_syntax_error(void)
{
    static const char data[] = "[institution\nname = x\n";
    GError *error = NULL;
    g_assert_null(sc_institution_parse(data, strlen(data), "inst.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_true(g_str_has_prefix(error->message, "inst.ini: "));
    g_clear_error(&error);
    sc_institution_free(NULL);
}

// The seal is found next to the institution file, wherever the program runs from.
static void
test_seal_relative_to_file(void)
{
    GError *error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sc-institution-XXXXXX", &error);
    g_assert_no_error(error);
    g_autofree char *img = g_build_filename(dir, "img", NULL);
    g_assert_cmpint(g_mkdir(img, 0755), ==, 0);
    g_autofree char *seal = g_build_filename(img, "seal.png", NULL);
    g_assert_true(g_file_set_contents(seal, "png", 3, &error));
    g_autofree char *path = g_build_filename(dir, "inst.ini", NULL);
    static const char ini[] = "[institution]\nname = 广州市示例培训中心\ncategory = S\n"
                              "route = 0000\nprovince = 44\nsite = 011001\nprofile = guangdong\n"
                              "seal = img/seal.png\n";
    g_assert_true(g_file_set_contents(path, ini, -1, &error));
    g_assert_false(g_file_test("img/seal.png", G_FILE_TEST_EXISTS)); // not found by accident

    sc_institution *inst = sc_institution_load(path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(inst->seal, ==, seal);
    sc_institution_free(inst);

    // An absolute seal path is kept as it is.
    g_autofree char *abs_ini = g_strdup_printf("[institution]\nname = 广州市示例培训中心\n"
                                               "category = S\nroute = 0000\nprovince = 44\n"
                                               "site = 011001\nprofile = guangdong\nseal = %s\n",
                                               seal);
    inst = sc_institution_parse(abs_ini, strlen(abs_ini), "elsewhere/inst.ini", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(inst->seal, ==, seal);
    sc_institution_free(inst);

    // Gone: an error naming the seal and where it was looked for.
    g_unlink(seal);
    g_assert_null(sc_institution_load(path, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "seal: "));
    g_assert_nonnull(strstr(error->message, seal));
    g_clear_error(&error);

    g_unlink(path);
    g_rmdir(img);
    g_rmdir(dir);
}

// institution.h: "seal: absolute path of the seal image", even when the institution file is given
// by a relative path (the working directory may change before the seal is read).
static void
test_seal_is_absolute(void)
{
    GError *error = NULL;
    g_autoptr(sc_institution) inst =
        sc_institution_load(SC_TEST_DATA("institution/guangdong.ini"), &error);
    g_assert_no_error(error);
    g_assert_true(g_path_is_absolute(inst->seal));
}

// institution.h: problems are reported as "PATH: KEY: message", also those the profile finds in
// positions 1–13 ("PATH: site: positions 8–9: city code 99 …"), naming the key to change.
static void
test_prefix_problems_name_key(void)
{
    const struct {
        const char *province, *site, *key;
    } cases[] = {
        {"99", "011001", "province"},
        {"11", "011001", "province"},
        {"44", "991001", "site"},
        {"44", "015001", "site"},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *ini =
            g_strdup_printf("[institution]\nname = 广州市示例培训中心\ncategory = S\nroute = 0000\n"
                            "province = %s\nsite = %s\nprofile = guangdong\n",
                            cases[i].province, cases[i].site);
        GError *error = NULL;
        g_assert_null(sc_institution_parse(ini, strlen(ini), "inst.ini", &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_autofree char *lead = g_strdup_printf("inst.ini: %s: ", cases[i].key);
        if (!g_str_has_prefix(error->message, lead))
            g_error("\"%s\" does not start with \"%s\"", error->message, lead);
        g_clear_error(&error);
    }
}

// institution.h: "every problem is reported at once": a file with category X and province 99
// reports both, not the category alone.
static void
test_all_problems_at_once(void)
{
    static const char ini[] = "[institution]\nname = 广州市示例培训中心\ncategory = X\n"
                              "route = 0000\nprovince = 99\nsite = 011001\n";
    GError *error = NULL;
    g_assert_null(sc_institution_parse(ini, strlen(ini), "inst.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "category"));
    g_assert_nonnull(strstr(error->message, "99"));
    g_assert_true(g_str_has_suffix(error->message, "\n2 problems found"));
    g_clear_error(&error);
}

// A file saved by Windows Notepad starts with a UTF-8 BOM; the records reader accepts one
// (DESIGN.md "record"), and a GBK-encoded file is refused as not UTF-8 rather than read as a
// missing name.
static void
test_encodings(void)
{
    static const char bom[] = "\xef\xbb\xbf[institution]\nname = 广州市示例培训中心\n"
                              "category = S\nroute = 0000\nprovince = 44\nsite = 011001\n"
                              "profile = guangdong\n";
    GError *error = NULL;
    g_autoptr(sc_institution) inst = sc_institution_parse(bom, strlen(bom), "inst.ini", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(inst->prefix, ==, "S000044011001");

    // 广州 in GBK.
    static const char gbk[] = "[institution]\nname = \xb9\xe3\xd6\xdd\ncategory = S\n"
                              "route = 0000\nprovince = 44\nsite = 011001\nprofile = guangdong\n";
    g_assert_null(sc_institution_parse(gbk, strlen(gbk), "inst.ini", &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_assert_nonnull(strstr(error->message, "UTF-8"));
    g_clear_error(&error);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    GPtrArray *cases = load_cases();
    for (guint i = 0; i < cases->len; i++) {
        const data_case *c = g_ptr_array_index(cases, i);
        g_autofree char *name = g_strdup_printf("/institution/case/%s", c->name);
        g_test_add_data_func(name, c, test_case);
    }
    g_test_add_func("/institution/load/file", test_load_file);
    g_test_add_func("/institution/load/missing-file", test_load_missing_file);
    g_test_add_func("/institution/load/not-regular", test_load_not_regular);
    g_test_add_func("/institution/load/syntax-error", test_syntax_error);
    g_test_add_func("/institution/load/seal-relative-to-file", test_seal_relative_to_file);
    g_test_add_func("/institution/load/seal-is-absolute", test_seal_is_absolute);
    g_test_add_func("/institution/prefix-problems-name-key", test_prefix_problems_name_key);
    g_test_add_func("/institution/all-problems-at-once", test_all_problems_at_once);
    g_test_add_func("/institution/encodings", test_encodings);
    int status = g_test_run();
    g_ptr_array_unref(cases);
    return status;
}
