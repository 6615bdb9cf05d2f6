// test-certno.c - certificate numbers: the cases of tests/data/certno.txt (SPEC §3, seeds 000,
// 001, 002, 004), the tables, formatting and the explanation's layout.
#include "certno.h"
#include "testutil.h"

#include <string.h>

// One block of certno.txt.
typedef struct {
    guint line;  // where the block starts
    char *title; // its "#" lines, joined
    sc_profile profile;
    gboolean is_prefix; // "prefix" rather than "number"
    char *text;
    gboolean valid;
    GPtrArray *errors;  // char *: expected problem i is in line i of the message
    GPtrArray *explain; // char *: lines the explanation contains (spaces collapsed)
} data_case;

static void
data_case_free(gpointer p)
{
    data_case *c = p;
    g_free(c->title);
    g_free(c->text);
    g_ptr_array_unref(c->errors);
    g_ptr_array_unref(c->explain);
    g_free(c);
}

// S with leading and trailing spaces removed and inner runs of spaces made one.  Caller frees.
static char *
collapse_spaces(const char *s)
{
    GString *out = g_string_new(NULL);
    gboolean space = FALSE;
    for (; *s != '\0'; s++) {
        if (*s == ' ' || *s == '\t') {
            space = TRUE;
            continue;
        }
        if (space && out->len > 0)
            g_string_append_c(out, ' ');
        space = FALSE;
        g_string_append_c(out, *s);
    }
    return g_string_free(out, FALSE);
}

// A value of the file: the rest of the line, or "quoted" with C escapes.  Caller frees.
static char *
data_value(const char *rest)
{
    while (*rest == ' ' || *rest == '\t')
        rest++;
    gsize n = strlen(rest);
    while (n > 0 && (rest[n - 1] == ' ' || rest[n - 1] == '\t' || rest[n - 1] == '\r'))
        n--;
    if (n >= 2 && rest[0] == '"' && rest[n - 1] == '"') {
        char *inner = g_strndup(rest + 1, n - 2);
        char *value = g_strcompress(inner);
        g_free(inner);
        return value;
    }
    return g_strndup(rest, n);
}

// Read PATH into cases; a malformed file fails the program at once, naming the line.
static GPtrArray *
load_cases(const char *path)
{
    char *contents = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, NULL, &error))
        g_error("%s", error->message);
    GPtrArray *cases = g_ptr_array_new_with_free_func(data_case_free);
    char **lines = g_strsplit(contents, "\n", -1);
    data_case *c = NULL;
    GString *title = g_string_new(NULL);
    gboolean has_profile = FALSE;

    guint count = g_strv_length(lines);
    for (guint i = 0; i <= count; i++) {
        const char *l = i < count ? lines[i] : ""; // a blank line ends the last block
        guint lineno = i + 1;
        gboolean blank = l[strspn(l, " \t\r")] == '\0';
        if (blank) {
            // End of a block: a case must be complete.
            if (c != NULL) {
                if (!has_profile || c->text == NULL || c->valid == (c->errors->len > 0))
                    g_error("%s:%u: incomplete case (profile, number or prefix, and valid or "
                            "error lines)",
                            path, c->line);
                // Every case names the seed it comes from (STYLE.md).
                if (!g_regex_match_simple("^00[0-4] ", c->title, 0, 0))
                    g_error("%s:%u: the title names no seed: %s", path, c->line, c->title);
                g_ptr_array_add(cases, c);
            }
            c = NULL;
            g_string_truncate(title, 0);
            has_profile = FALSE;
            continue;
        }
        if (l[0] == '#') {
            if (title->len > 0)
                g_string_append_c(title, ' ');
            g_string_append(title, l + 1 + strspn(l + 1, " "));
            continue;
        }
        if (c == NULL) {
            c = g_new0(data_case, 1);
            c->line = lineno;
            c->title = g_strdup(title->str);
            c->errors = g_ptr_array_new_with_free_func(g_free);
            c->explain = g_ptr_array_new_with_free_func(g_free);
        }
        gsize klen = strcspn(l, " \t");
        char *key = g_strndup(l, klen);
        const char *rest = l + klen;
        if (strcmp(key, "profile") == 0) {
            char *name = data_value(rest);
            if (!sc_certno_profile_from_name(name, &c->profile))
                g_error("%s:%u: unknown profile %s", path, lineno, name);
            has_profile = TRUE;
            g_free(name);
        } else if (strcmp(key, "number") == 0 || strcmp(key, "prefix") == 0) {
            c->is_prefix = key[0] == 'p';
            c->text = data_value(rest);
        } else if (strcmp(key, "valid") == 0) {
            c->valid = TRUE;
        } else if (strcmp(key, "error") == 0) {
            g_ptr_array_add(c->errors, data_value(rest));
        } else if (strcmp(key, "explain") == 0) {
            char *v = data_value(rest);
            g_ptr_array_add(c->explain, collapse_spaces(v));
            g_free(v);
        } else {
            g_error("%s:%u: unknown key %s", path, lineno, key);
        }
        g_free(key);
    }
    g_string_free(title, TRUE);
    g_strfreev(lines);
    g_free(contents);
    return cases;
}

// One problem handed to an sc_certno_problem_func: its first position and its message.
typedef struct {
    int first;
    char *message;
} seen_problem;

static void
seen_problem_clear(gpointer p)
{
    g_free(((seen_problem *)p)->message);
}

// An sc_certno_problem_func collecting into the GArray of seen_problem DATA.
static void
collect_problem(int first, const char *message, gpointer data)
{
    seen_problem p = {first, g_strdup(message)};
    g_array_append_val((GArray *)data, p);
}

static GArray *
seen_problems_new(void)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(seen_problem));
    g_array_set_clear_func(a, seen_problem_clear);
    return a;
}

// One case of certno.txt: the verdict, every expected problem one by one (each handed over on
// its own) and nothing else, and the explanation's lines.
static void
test_data_case(gconstpointer data)
{
    const data_case *c = data;
    GError *error = NULL;
    g_test_message("%s (line %u): %s", c->title, c->line, c->text);

    gboolean ok, ok_each;
    sc_certno n, n_each;
    GArray *got = seen_problems_new();
    if (c->is_prefix) {
        ok = sc_certno_check_prefix(c->text, c->profile, &error);
        ok_each = sc_certno_check_prefix_each(c->text, c->profile, collect_problem, got);
    } else {
        ok = sc_certno_parse(c->text, c->profile, &n, &error);
        ok_each = sc_certno_parse_each(c->text, c->profile, &n_each, collect_problem, got);
    }
    g_assert_cmpint(ok, ==, ok_each);

    if (c->valid) {
        g_assert_no_error(error);
        g_assert_true(ok);
        g_assert_cmpuint(got->len, ==, 0);
        if (!c->is_prefix) {
            // A valid number formats back to itself; both parses read the same fields.
            g_assert_cmpmem(&n, sizeof n, &n_each, sizeof n_each);
            char *again = sc_certno_format(&n);
            g_assert_cmpstr(again, ==, c->text);
            g_free(again);
        }
    } else {
        g_assert_false(ok);
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        if (got->len != c->errors->len)
            g_error("expected %u problems, got:\n%s", c->errors->len, error->message);
        GString *joined = g_string_new(NULL);
        for (guint i = 0; i < c->errors->len; i++) {
            const char *want = g_ptr_array_index(c->errors, i);
            const seen_problem *p = &g_array_index(got, seen_problem, i);
            if (strstr(p->message, want) == NULL)
                g_error("problem %u\n  %s\ndoes not contain\n  %s", i + 1, p->message, want);
            g_string_append_printf(joined, "%s%s", i > 0 ? "\n" : "", p->message);
        }
        // The GError form lists the same problems, one per line.
        g_assert_cmpstr(error->message, ==, joined->str);
        g_string_free(joined, TRUE);
        g_clear_error(&error);
    }
    g_array_unref(got);

    if (c->is_prefix)
        return;
    char *explanation = sc_certno_explain(c->text, c->profile, &error);
    if (!c->valid) {
        // Explain refuses what parse refuses, with the same message.
        g_assert_null(explanation);
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_clear_error(&error);
        return;
    }
    g_assert_no_error(error);
    g_assert_nonnull(explanation);
    char **lines = g_strsplit(explanation, "\n", -1);
    for (guint i = 0; i < c->explain->len; i++) {
        const char *want = g_ptr_array_index(c->explain, i);
        gboolean found = FALSE;
        for (guint j = 0; lines[j] != NULL && !found; j++) {
            char *have = collapse_spaces(lines[j]);
            found = strcmp(have, want) == 0;
            g_free(have);
        }
        if (!found)
            g_error("the explanation\n%sdoes not contain the line\n  %s", explanation, want);
    }
    g_strfreev(lines);
    g_free(explanation);
}

// The file loaded and holds cases of every kind.
static void
test_data_file(gconstpointer data)
{
    const GPtrArray *cases = data;
    guint valid = 0, invalid = 0, prefixes = 0;
    for (guint i = 0; i < cases->len; i++) {
        const data_case *c = g_ptr_array_index(cases, i);
        if (c->is_prefix)
            prefixes++;
        else if (c->valid)
            valid++;
        else
            invalid++;
    }
    g_assert_cmpuint(valid, >=, 20);
    g_assert_cmpuint(invalid, >=, 40);
    g_assert_cmpuint(prefixes, >=, 5);
}

// Profile names round-trip; unknown names are refused.
static void
test_profile_names(void)
{
    const char *names[] = {"national", "guizhou", "guangdong", "liaoning", "chongqing-ts"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        sc_profile p;
        g_assert_true(sc_certno_profile_from_name(names[i], &p));
        g_assert_cmpstr(sc_certno_profile_name(p), ==, names[i]);
    }
    sc_profile p = SC_PROFILE_NATIONAL;
    g_assert_false(sc_certno_profile_from_name("beijing", &p));
    g_assert_false(sc_certno_profile_from_name("", &p));
    g_assert_false(sc_certno_profile_from_name(NULL, &p));
    g_assert_cmpint(p, ==, SC_PROFILE_NATIONAL);
}

// 004 附件4 二(三) 表4, all 34 codes, and nothing else.
static void
test_province_table(void)
{
    static const char *const table[][2] = {
        {"11", "北京市"},           {"12", "天津市"},           {"13", "河北省"},
        {"14", "山西省"},           {"15", "内蒙古自治区"},     {"21", "辽宁省"},
        {"22", "吉林省"},           {"23", "黑龙江省"},         {"31", "上海市"},
        {"32", "江苏省"},           {"33", "浙江省"},           {"34", "安徽省"},
        {"35", "福建省"},           {"36", "江西省"},           {"37", "山东省"},
        {"41", "河南省"},           {"42", "湖北省"},           {"43", "湖南省"},
        {"44", "广东省"},           {"45", "广西壮族自治区"},   {"46", "海南省"},
        {"50", "重庆市"},           {"51", "四川省"},           {"52", "贵州省"},
        {"53", "云南省"},           {"54", "西藏自治区"},       {"61", "陕西省"},
        {"62", "甘肃省"},           {"63", "青海省"},           {"64", "宁夏回族自治区"},
        {"65", "新疆维吾尔自治区"}, {"66", "新疆生产建设兵团"}, {"71", "台湾省"},
        {"81", "香港特别行政区"},   {"82", "澳门特别行政区"},
    };
    guint found = 0;
    for (int code = 0; code < 100; code++) {
        char s[3];
        g_snprintf(s, sizeof s, "%02d", code);
        const char *name = sc_certno_province_name(s);
        const char *want = NULL;
        for (guint i = 0; i < G_N_ELEMENTS(table); i++)
            if (strcmp(table[i][0], s) == 0)
                want = table[i][1];
        g_assert_cmpstr(name, ==, want);
        found += name != NULL;
    }
    g_assert_cmpuint(found, ==, G_N_ELEMENTS(table));
    g_assert_null(sc_certno_province_name("4"));
    g_assert_null(sc_certno_province_name("440"));
    g_assert_null(sc_certno_province_name(NULL));
}

// The real filing numbers of 002 附件8 (央企驻辽分公司) and 附件9 (首批试点企业): each is a
// valid Liaoning prefix (and national), and grows into a valid number.
static void
test_liaoning_filing_numbers(void)
{
    static const char *const filed[] = {
        // 附件8
        "Y001121011001",
        "Y000221011004",
        "Y000821011016",
        "Y000321011017",
        "Y000421011019",
        "Y001321011027",
        "Y001021011028",
        "Y001421011029",
        "Y001521011030",
        "Y001521011031",
        "Y001521011033",
        "Y001521011034",
        "Y001521011036",
        "Y000221021005",
        "Y000221021006",
        "Y000121021009",
        "Y000721021023",
        "Y000921021026",
        "Y000921021035",
        "Y000121041013",
        "Y001121041018",
        "Y000121071011",
        "Y001121071037",
        "Y000121081015",
        "Y000421081020",
        "Y000421081022",
        "Y001121101002",
        "Y000121101007",
        "Y001121131003",
        "Y000121131008",
        "Y000121131010",
        "Y000121131012",
        "Y000121141014",
        "Y000421141021",
        "Y000921141024",
        "Y000521141025",
        "Y000421141032",
        // 附件9
        "Y000021012001",
        "Y000021013002",
        "Y000021013003",
        "Y000021023004",
        "Y000021021005",
        "Y000021023006",
        "Y000021023007",
        "Y000021023008",
        "Y000021023009",
        "Y000021021010",
        "Y000021031011",
        "Y000021043012",
        "Y000021041013",
        "Y000021052014",
        "Y000021071015",
        "Y000021083016",
        "Y000021083017",
        "Y000021092018",
        "Y000021103019",
        "Y000021112020",
        "Y000021141021",
    };
    g_assert_cmpuint(G_N_ELEMENTS(filed), ==, 37 + 21);
    for (guint i = 0; i < G_N_ELEMENTS(filed); i++) {
        GError *error = NULL;
        g_assert_true(sc_certno_check_prefix(filed[i], SC_PROFILE_LIAONING, &error));
        g_assert_no_error(error);
        g_assert_true(sc_certno_check_prefix(filed[i], SC_PROFILE_NATIONAL, &error));
        g_assert_no_error(error);
        char *number = g_strconcat(filed[i], "205000001", NULL);
        sc_certno n;
        g_assert_true(sc_certno_parse(number, SC_PROFILE_LIAONING, &n, &error));
        g_assert_no_error(error);
        g_assert_cmpint(n.category, ==, 'Y');
        g_assert_cmpstr(n.province, ==, "21");
        g_free(number);
        // Not Guangdong's.
        g_assert_false(sc_certno_check_prefix(filed[i], SC_PROFILE_GUANGDONG, &error));
        g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
        g_clear_error(&error);
    }
}

// The parsed fields of SPEC §3's example S000052001001205000029.
static void
test_parse_fields(void)
{
    sc_certno n;
    GError *error = NULL;
    g_assert_true(sc_certno_parse("S000052001001205000029", SC_PROFILE_GUIZHOU, &n, &error));
    g_assert_no_error(error);
    g_assert_cmpint(n.category, ==, 'S');
    g_assert_cmpstr(n.route, ==, "0000");
    g_assert_cmpstr(n.province, ==, "52");
    g_assert_cmpstr(n.site, ==, "001001");
    g_assert_cmpint(n.year, ==, 20);
    g_assert_cmpint(n.level, ==, 5);
    g_assert_cmpint(n.serial, ==, 29);

    // *OUT is left alone on failure; OUT may be NULL.
    sc_certno before = n;
    g_assert_false(sc_certno_parse("S000052001001205000000", SC_PROFILE_GUIZHOU, &n, &error));
    g_clear_error(&error);
    g_assert_cmpmem(&before, sizeof before, &n, sizeof n);
    g_assert_true(sc_certno_parse("S000052001001205000029", SC_PROFILE_NATIONAL, NULL, NULL));
    g_assert_false(sc_certno_parse("S0000520010015000029", SC_PROFILE_NATIONAL, NULL, NULL));
}

// Format writes the fields with their widths, whatever the locale.
static void
test_format(void)
{
    sc_certno n = {.category = 'Y',
                   .route = "0001",
                   .province = "44",
                   .site = "001005",
                   .year = 20,
                   .level = 5,
                   .serial = 1};
    char *s = sc_certno_format(&n);
    g_assert_cmpstr(s, ==, "Y000144001005205000001");
    g_free(s);
    n.year = 3;
    n.serial = 999999;
    s = sc_certno_format(&n);
    g_assert_cmpstr(s, ==, "Y000144001005035999999");
    g_free(s);
}

// Make from the parts, then format (SPEC §3 table): the serial runs 000001–999999, the level is
// a code of 表7 or 9, the year keeps its last two digits.
static void
test_make(void)
{
    sc_certno n;
    g_assert_true(sc_certno_make("S000052001001", 2020, 5, 29, &n));
    char *s = sc_certno_format(&n);
    g_assert_cmpstr(s, ==, "S000052001001205000029"); // SPEC §3, 000 附件3's own table
    g_free(s);
    sc_certno parsed;
    g_assert_true(sc_certno_parse("S000052001001205000029", SC_PROFILE_GUIZHOU, &parsed, NULL));
    g_assert_cmpmem(&n, sizeof n, &parsed, sizeof parsed);

    g_assert_true(sc_certno_make("Y000144001005", 2026, 1, 1, &n));
    s = sc_certno_format(&n);
    g_assert_cmpstr(s, ==, "Y000144001005261000001");
    g_free(s);
    g_assert_true(sc_certno_make("Y000144001005", 2026, 4, 999999, &n));
    s = sc_certno_format(&n);
    g_assert_cmpstr(s, ==, "Y000144001005264999999");
    g_free(s);
    g_assert_true(sc_certno_make("S000050000001", 2026, 9, 7, &n)); // 预备技师, 001 附件6
    g_assert_cmpint(n.level, ==, 9);

    // Refused, *OUT untouched: serial 0 and 1000000, levels 0, 6 and 8, a malformed prefix.
    sc_certno before = n;
    g_assert_false(sc_certno_make("Y000144001005", 2026, 4, 0, &n));
    g_assert_false(sc_certno_make("Y000144001005", 2026, 4, 1000000, &n));
    g_assert_false(sc_certno_make("Y000144001005", 2026, 6, 1, &n));
    g_assert_false(sc_certno_make("Y000144001005", 2026, 0, 1, &n));
    g_assert_false(sc_certno_make("Y000144001005", 2026, 8, 1, &n));
    g_assert_false(sc_certno_make("Y00014400100", 2026, 4, 1, &n));
    g_assert_false(sc_certno_make("Y0001440010055", 2026, 4, 1, &n));
    g_assert_false(sc_certno_make("y000144001005", 2026, 4, 1, &n));
    g_assert_false(sc_certno_make("Y00014400100a", 2026, 4, 1, &n));
    g_assert_false(sc_certno_make("Y000144001005", -1, 4, 1, &n));
    g_assert_cmpmem(&before, sizeof before, &n, sizeof n);
}

// Positions 1–13 of a parsed number, and a number's fields read without a profile.
static void
test_prefix_and_split(void)
{
    sc_certno n;
    g_assert_true(sc_certno_parse("S000052001001205000029", SC_PROFILE_GUIZHOU, &n, NULL));
    char prefix[SC_CERTNO_PREFIX_LEN + 1];
    sc_certno_get_prefix(&n, prefix);
    g_assert_cmpstr(prefix, ==, "S000052001001");

    // Split reads any number of the right shape, even one no profile accepts (serial 000000).
    sc_certno split;
    g_assert_true(sc_certno_split("S000052001001205000029", &split));
    g_assert_cmpmem(&n, sizeof n, &split, sizeof split);
    g_assert_true(sc_certno_split("Y999999999999998000000", &split));
    g_assert_cmpint(split.year, ==, 99);
    g_assert_cmpint(split.level, ==, 8);
    g_assert_cmpint(split.serial, ==, 0);
    g_assert_false(sc_certno_split("S0000520010015000029", &split)); // 000 附件3's 20 characters
    g_assert_false(sc_certno_split("S0000520010012050000291", &split));
    g_assert_false(sc_certno_split("s000052001001205000029", &split));
    g_assert_false(sc_certno_split("S00005200100120500002X", &split));
    g_assert_false(sc_certno_split("", &split));
}

// Each disagreement of a number with its certificate, worded as the checks show it.
static void
test_check_agrees(void)
{
    sc_certno n;
    g_assert_true(sc_certno_parse("S000052001001205000029", SC_PROFILE_GUIZHOU, &n, NULL));
    GArray *got = seen_problems_new();
    g_assert_true(sc_certno_check_agrees(&n, "S000052001001", 2020, 5, collect_problem, got));
    // Nothing given, nothing compared.
    g_assert_true(sc_certno_check_agrees(&n, NULL, 0, 0, collect_problem, got));
    g_assert_cmpuint(got->len, ==, 0);

    g_assert_false(sc_certno_check_agrees(&n, "S000052001002", 2020, 5, collect_problem, got));
    g_assert_cmpuint(got->len, ==, 1);
    g_assert_cmpint(g_array_index(got, seen_problem, 0).first, ==, 1);
    g_assert_cmpstr(g_array_index(got, seen_problem, 0).message, ==,
                    "positions 1–13 are S000052001001, but the institution's are S000052001002");
    g_array_set_size(got, 0);

    g_assert_false(sc_certno_check_agrees(&n, "S000052001001", 2021, 5, collect_problem, got));
    g_assert_cmpuint(got->len, ==, 1);
    g_assert_cmpint(g_array_index(got, seen_problem, 0).first, ==, 14);
    g_assert_cmpstr(g_array_index(got, seen_problem, 0).message, ==,
                    "positions 14–15 say 2020, but 发证日期 is 2021");
    g_array_set_size(got, 0);

    // Only the year's last two digits are compared (positions 14–15): 2120 agrees with 20.
    g_assert_true(sc_certno_check_agrees(&n, NULL, 2120, 0, collect_problem, got));

    g_assert_false(sc_certno_check_agrees(&n, "S000052001001", 2020, 4, collect_problem, got));
    g_assert_cmpuint(got->len, ==, 1);
    g_assert_cmpint(g_array_index(got, seen_problem, 0).first, ==, 16);
    g_assert_cmpstr(g_array_index(got, seen_problem, 0).message, ==,
                    "position 16 is level 5, but 职业技能等级 is 四级/中级工");
    g_array_set_size(got, 0);

    // All three at once, in position order.
    g_assert_false(sc_certno_check_agrees(&n, "Y000144001005", 2026, 9, collect_problem, got));
    g_assert_cmpuint(got->len, ==, 3);
    g_assert_cmpint(g_array_index(got, seen_problem, 0).first, ==, 1);
    g_assert_cmpint(g_array_index(got, seen_problem, 1).first, ==, 14);
    g_assert_cmpint(g_array_index(got, seen_problem, 2).first, ==, 16);
    g_assert_cmpstr(g_array_index(got, seen_problem, 2).message, ==,
                    "position 16 is level 5, but 职业技能等级 is 预备技师");
    g_array_unref(got);
}

// Parse-each hands over every problem on its own, with the field's first position.
static void
test_parse_each(void)
{
    GArray *got = seen_problems_new();
    sc_certno n = {0}, before = n;
    // Province 11 in Guangdong, unit type 9, serial 000000: three problems.
    g_assert_false(sc_certno_parse_each("S000011039002205000000", SC_PROFILE_GUANGDONG, &n,
                                        collect_problem, got));
    g_assert_cmpmem(&before, sizeof before, &n, sizeof n);
    g_assert_cmpuint(got->len, ==, 3);
    g_assert_cmpint(g_array_index(got, seen_problem, 0).first, ==, 6);
    g_assert_nonnull(strstr(g_array_index(got, seen_problem, 0).message, "province code 11"));
    g_assert_cmpint(g_array_index(got, seen_problem, 1).first, ==, 10);
    g_assert_nonnull(strstr(g_array_index(got, seen_problem, 1).message, "unit type 9"));
    g_assert_cmpint(g_array_index(got, seen_problem, 2).first, ==, 17);
    g_assert_nonnull(strstr(g_array_index(got, seen_problem, 2).message, "serial 000000"));
    for (guint i = 0; i < got->len; i++)
        g_assert_null(strchr(g_array_index(got, seen_problem, i).message, '\n'));
    g_array_set_size(got, 0);

    // A wrong length is about the number as a whole: position 0.
    g_assert_false(sc_certno_parse_each("S0000520010015000029", SC_PROFILE_NATIONAL, NULL,
                                        collect_problem, got));
    g_assert_cmpuint(got->len, ==, 1);
    g_assert_cmpint(g_array_index(got, seen_problem, 0).first, ==, 0);
    g_assert_nonnull(strstr(g_array_index(got, seen_problem, 0).message, "found 20 characters"));
    g_array_set_size(got, 0);

    g_assert_true(sc_certno_parse_each("S000052001001205000029", SC_PROFILE_GUIZHOU, &n,
                                       collect_problem, got));
    g_assert_cmpuint(got->len, ==, 0);
    g_assert_cmpint(n.serial, ==, 29);
    g_array_unref(got);
}

// Levels by profile (004 附件4 表7; 001 附件6 二(七)).
static void
test_levels(void)
{
    for (int p = SC_PROFILE_NATIONAL; p <= SC_PROFILE_CHONGQING_TS; p++) {
        for (int level = -1; level <= 10; level++) {
            gboolean want = p == SC_PROFILE_CHONGQING_TS
                                ? (level == 3 || level == 4 || level == 5 || level == 9)
                                : (level >= 1 && level <= 5);
            g_assert_cmpint(sc_certno_profile_allows_level(p, level), ==, want);
        }
    }
}

// City and unit-type tables (004 附件4 表5, 表6-1, 表6-2; 002 附件5 四).
static void
test_city_and_unit_names(void)
{
    g_assert_cmpstr(sc_certno_profile_city_name(SC_PROFILE_GUANGDONG, "00"), ==, "广东省省本级");
    g_assert_cmpstr(sc_certno_profile_city_name(SC_PROFILE_GUANGDONG, "19"), ==, "东莞市");
    g_assert_cmpstr(sc_certno_profile_city_name(SC_PROFILE_GUANGDONG, "51"), ==, "潮州市");
    g_assert_null(sc_certno_profile_city_name(SC_PROFILE_GUANGDONG, "11"));
    g_assert_null(sc_certno_profile_city_name(SC_PROFILE_GUANGDONG, "21"));
    g_assert_cmpstr(sc_certno_profile_city_name(SC_PROFILE_LIAONING, "02"), ==, "大连市");
    g_assert_cmpstr(sc_certno_profile_city_name(SC_PROFILE_LIAONING, "13"), ==, "盘锦市");
    g_assert_null(sc_certno_profile_city_name(SC_PROFILE_LIAONING, "00"));
    g_assert_null(sc_certno_profile_city_name(SC_PROFILE_NATIONAL, "01"));
    g_assert_null(sc_certno_profile_city_name(SC_PROFILE_CHONGQING_TS, "01"));

    guint gd = 0, ln = 0;
    for (int code = 0; code < 100; code++) {
        char s[3];
        g_snprintf(s, sizeof s, "%02d", code);
        gd += sc_certno_profile_city_name(SC_PROFILE_GUANGDONG, s) != NULL;
        ln += sc_certno_profile_city_name(SC_PROFILE_LIAONING, s) != NULL;
    }
    g_assert_cmpuint(gd, ==, 22);
    g_assert_cmpuint(ln, ==, 14);

    g_assert_cmpstr(sc_certno_profile_unit_type_name(SC_PROFILE_GUANGDONG, 'Y', '1'), ==,
                    "国有企业");
    g_assert_cmpstr(sc_certno_profile_unit_type_name(SC_PROFILE_GUANGDONG, 'Y', '3'), ==, "其他");
    g_assert_null(sc_certno_profile_unit_type_name(SC_PROFILE_GUANGDONG, 'Y', '4'));
    g_assert_cmpstr(sc_certno_profile_unit_type_name(SC_PROFILE_GUANGDONG, 'S', '2'), ==,
                    "技工院校");
    g_assert_cmpstr(sc_certno_profile_unit_type_name(SC_PROFILE_GUANGDONG, 'S', '4'), ==, "其他");
    g_assert_null(sc_certno_profile_unit_type_name(SC_PROFILE_GUANGDONG, 'S', '0'));
    g_assert_null(sc_certno_profile_unit_type_name(SC_PROFILE_GUANGDONG, 'X', '1'));
    g_assert_cmpstr(sc_certno_profile_unit_type_name(SC_PROFILE_LIAONING, 'Y', '5'), ==,
                    "行业协会");
    g_assert_cmpstr(sc_certno_profile_unit_type_name(SC_PROFILE_LIAONING, 'S', '6'), ==, "其他");
    g_assert_null(sc_certno_profile_unit_type_name(SC_PROFILE_LIAONING, 'Y', '7'));
    g_assert_null(sc_certno_profile_unit_type_name(SC_PROFILE_GUIZHOU, 'Y', '1'));
}

// The terminal width of S: wide (CJK) characters take two columns.
static int
columns(const char *s, const char *end)
{
    int w = 0;
    for (; s < end; s = g_utf8_next_char(s))
        w += g_unichar_iswide(g_utf8_get_char(s)) ? 2 : 1;
    return w;
}

// The explanation reads as a table in a terminal: one line per field, the value starting at
// column 7 and the meaning at column 15 on every line, the Chinese last.
static void
test_explain_aligned(void)
{
    static const struct {
        sc_profile profile;
        const char *number;
        guint fields;
    } cases[] = {
        {SC_PROFILE_GUIZHOU, "S000052001001205000029", 7},
        {SC_PROFILE_NATIONAL, "Y999966123456995000001", 7},
        {SC_PROFILE_GUANGDONG, "Y000144001005205000001", 9},
        {SC_PROFILE_LIAONING, "Y000021141021215000123", 9},
        {SC_PROFILE_CHONGQING_TS, "S000050999999209999999", 7},
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        char *text = sc_certno_explain(cases[i].number, cases[i].profile, &error);
        g_assert_no_error(error);
        g_assert_true(g_str_has_suffix(text, "\n"));
        char **lines = g_strsplit(text, "\n", -1);
        g_assert_cmpuint(g_strv_length(lines), ==, cases[i].fields + 1); // the last is empty
        for (guint j = 0; j < cases[i].fields; j++) {
            const char *l = lines[j];
            const char *value = strchr(l, ' ');
            g_assert_nonnull(value);
            value += strspn(value, " ");
            const char *meaning = strchr(value, ' ');
            g_assert_nonnull(meaning);
            meaning += strspn(meaning, " ");
            g_assert_cmpint(columns(l, value), ==, 7);
            g_assert_cmpint(columns(l, meaning), ==, 15);
            // The meaning is Chinese: "label：value".
            g_assert_nonnull(strstr(meaning, "："));
        }
        g_strfreev(lines);
        g_free(text);
    }

    // The layout of the brief's examples, byte for byte.
    char *text = sc_certno_explain("S000144002009205000001", SC_PROFILE_GUANGDONG, NULL);
    g_assert_nonnull(strstr(text, "1      S       评价机构类别：社会培训评价组织\n"));
    g_assert_nonnull(strstr(text, "6–7    44      省份：广东省\n"));
    g_assert_nonnull(strstr(text, "14–15  20      发证年份：2020\n"));
    g_assert_nonnull(strstr(text, "16     5       职业技能等级：五级/初级工\n"));
    g_assert_true(g_str_has_suffix(text, "\n17–22  000001  证书序列码：1\n"));
    g_free(text);
}

// Explaining an invalid number gives parse's error.
static void
test_explain_invalid(void)
{
    GError *e1 = NULL, *e2 = NULL;
    const char *bad = "S000011033002205000001"; // 004 附件4 三(四) 示例 4
    g_assert_null(sc_certno_explain(bad, SC_PROFILE_GUANGDONG, &e1));
    g_assert_false(sc_certno_parse(bad, SC_PROFILE_GUANGDONG, NULL, &e2));
    g_assert_error(e1, SC_ERROR, SC_ERROR_INPUT);
    g_assert_cmpstr(e1->message, ==, e2->message);
    g_error_free(e1);
    g_error_free(e2);
}

// Pathological inputs: very long text, every byte value, characters of four bytes.
static void
test_pathological(void)
{
    GError *error = NULL;
    char *long_text = g_strnfill(1000000, '1');
    g_assert_false(sc_certno_parse(long_text, SC_PROFILE_NATIONAL, NULL, &error));
    g_assert_nonnull(strstr(error->message, "found 1000000 characters"));
    g_clear_error(&error);
    g_free(long_text);

    char one[SC_CERTNO_LEN + 1];
    for (int b = 1; b < 256; b++) {
        memset(one, '0', SC_CERTNO_LEN);
        one[0] = 'S';
        one[SC_CERTNO_LEN] = '\0';
        for (int pos = 0; pos < SC_CERTNO_LEN; pos++) {
            char saved = one[pos];
            one[pos] = (char)b;
            for (int p = SC_PROFILE_NATIONAL; p <= SC_PROFILE_CHONGQING_TS; p++) {
                gboolean ok = sc_certno_parse(one, p, NULL, &error);
                g_assert_true(ok == (error == NULL));
                g_clear_error(&error);
            }
            one[pos] = saved;
        }
    }

    // 22 emoji: 22 characters, none of them right.
    GString *s = g_string_new(NULL);
    for (int i = 0; i < SC_CERTNO_LEN; i++)
        g_string_append(s, "😀");
    g_assert_false(sc_certno_parse(s->str, SC_PROFILE_NATIONAL, NULL, &error));
    g_assert_nonnull(strstr(error->message, "position 1: category '😀' is not ASCII"));
    g_clear_error(&error);
    g_string_free(s, TRUE);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    GPtrArray *cases = load_cases(SC_TEST_DATA("certno.txt"));
    g_test_add_data_func("/certno/data/file", cases, test_data_file);
    for (guint i = 0; i < cases->len; i++) {
        const data_case *c = g_ptr_array_index(cases, i);
        char *path = g_strdup_printf("/certno/data/line-%u", c->line);
        g_test_add_data_func(path, c, test_data_case);
        g_free(path);
    }
    g_test_add_func("/certno/profile/names", test_profile_names);
    g_test_add_func("/certno/province/table", test_province_table);
    g_test_add_func("/certno/liaoning/filing-numbers", test_liaoning_filing_numbers);
    g_test_add_func("/certno/parse/fields", test_parse_fields);
    g_test_add_func("/certno/parse/pathological", test_pathological);
    g_test_add_func("/certno/format", test_format);
    g_test_add_func("/certno/make", test_make);
    g_test_add_func("/certno/prefix-and-split", test_prefix_and_split);
    g_test_add_func("/certno/check-agrees", test_check_agrees);
    g_test_add_func("/certno/parse/each", test_parse_each);
    g_test_add_func("/certno/levels", test_levels);
    g_test_add_func("/certno/tables/city-unit", test_city_and_unit_names);
    g_test_add_func("/certno/explain/aligned", test_explain_aligned);
    g_test_add_func("/certno/explain/invalid", test_explain_invalid);
    int status = g_test_run();
    g_ptr_array_unref(cases);
    return status;
}
