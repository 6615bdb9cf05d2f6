// test-batch.c - the issuing protocol (DESIGN.md "batch"): check, number (dry run), draw,
// issue, draw again when the numbers moved, commit; with an in-memory number source.
#include "batch.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX "S000044011001" // examples/institution.ini

// A number source in memory: serials from NEXT on, per batch; the real run adds SHIFT to every
// serial (as if a concurrent batch had taken SHIFT numbers since the dry run).
typedef struct {
    sc_number_source base;
    int next;
    int shift;
    guint dry_runs, issues;
} memory_source;

static gboolean
memory_assign(sc_number_source *self, sc_number_item *items, guint n, gboolean dry_run,
              sc_problems *problems, GError **error)
{
    (void)problems;
    (void)error;
    memory_source *m = (memory_source *)self;
    int serial = m->next + (dry_run ? 0 : m->shift);
    for (guint i = 0; i < n; i++) {
        if (items[i].number != NULL) {
            items[i].assigned = g_strdup(items[i].number);
            continue;
        }
        sc_certno number;
        g_assert_true(sc_certno_make(PREFIX, 2026, items[i].level, serial++, &number));
        items[i].assigned = sc_certno_format(&number);
    }
    if (dry_run)
        m->dry_runs++;
    else
        m->issues++;
    return TRUE;
}

static void
memory_free(sc_number_source *self)
{
    (void)self;
}

static memory_source
memory_source_init(int next, int shift)
{
    return (memory_source){
        .base = {.assign = memory_assign, .free = memory_free}, .next = next, .shift = shift};
}

static sc_batch_options
options(const char *records, sc_number_source *source)
{
    return (sc_batch_options){.records_path = records,
                              .template_path = "templates/national.ini",
                              .fonts_dir = "fonts",
                              .institution_path = "examples/institution.ini",
                              .photo_dir = "examples/photos",
                              .year = 2026,
                              .month = 11,
                              .day = 30,
                              .label = "test",
                              .source = source};
}

// The text of PDF as pdftotext gives it (pages separated by form feeds).
static char *
pdf_text(const char *pdf)
{
    const char *argv[] = {"pdftotext", "-enc", "UTF-8", pdf, "-", NULL};
    char *out = NULL;
    int status = 0;
    GError *error = NULL;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &status, &error));
    g_assert_no_error(error);
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    return out;
}

// Render RECORDS through SOURCE into PDF.  On success *NUMBERS (when not NULL) holds the
// numbers of the certificates written, in order (char *); else the problems and error are left
// for the caller.
static gboolean
render(const char *records, sc_number_source *source, const char *pdf, GPtrArray **numbers,
       sc_problems *problems, GError **error)
{
    sc_batch_options o = options(records, source);
    g_autoptr(sc_batch) b = sc_batch_load(&o, problems, error);
    g_assert_nonnull(b);
    sc_batch_output out = {.output = pdf, .created = "2026-11-30T00:00:00"};
    g_autoptr(GPtrArray) written = NULL;
    gboolean ok = sc_batch_write(b, &out, &written, problems, error);
    if (ok && numbers != NULL) {
        *numbers = g_ptr_array_new_with_free_func(g_free);
        for (guint i = 0; i < written->len; i++)
            g_ptr_array_add(*numbers, g_strdup(((sc_cert *)written->pdata[i])->number));
    }
    return ok;
}

// Every certificate numbered once, in file order per level, one page each, the numbers on them.
static void
test_clean(void)
{
    g_autofree char *dir = g_dir_make_tmp("batch-XXXXXX", NULL);
    g_autofree char *pdf = g_build_filename(dir, "out.pdf", NULL);
    memory_source m = memory_source_init(1, 0);
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(GPtrArray) numbers = NULL;
    GError *error = NULL;
    g_assert_true(render("examples/records.csv", &m.base, pdf, &numbers, problems, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    g_assert_cmpuint(m.dry_runs, ==, 1);
    g_assert_cmpuint(m.issues, ==, 1);
    g_assert_cmpuint(numbers->len, ==, 10);

    g_autofree char *text = pdf_text(pdf);
    g_auto(GStrv) pages = g_strsplit(text, "\f", -1);
    for (guint i = 0; i < numbers->len; i++) {
        const char *n = numbers->pdata[i];
        g_assert_cmpuint(strlen(n), ==, 22);
        g_assert_true(g_str_has_prefix(n, PREFIX "26"));
        g_assert_cmpint(atoi(n + 16), ==, (int)i + 1); // serials from 1 in file order
        g_assert_nonnull(strstr(pages[i], n));
    }
    sc_test_remove_tree(dir);
}

// A batch with a problem: nothing drawn, nothing numbered, every problem on its row.
static void
test_problems(void)
{
    g_autofree char *dir = g_dir_make_tmp("batch-XXXXXX", NULL);
    g_autofree char *csv = g_build_filename(dir, "r.csv", NULL);
    g_autofree char *pdf = g_build_filename(dir, "out.pdf", NULL);
    gsize len;
    g_autofree char *records = sc_test_slurp("examples/records.csv", &len);
    // Row 3 gets a level that does not exist.
    g_auto(GStrv) parts = g_strsplit(records, "电焊工,三级", 2);
    g_assert_cmpuint(g_strv_length(parts), ==, 2);
    g_autofree char *bad = g_strjoinv("电焊工,六级", parts);
    g_assert_true(g_file_set_contents(csv, bad, -1, NULL));

    memory_source m = memory_source_init(1, 0);
    g_autoptr(sc_problems) problems = sc_problems_new();
    GError *error = NULL;
    g_assert_false(render(csv, &m.base, pdf, NULL, problems, &error));
    g_assert_error(error, SC_ERROR, SC_ERROR_INPUT);
    g_clear_error(&error);
    g_assert_cmpuint(sc_problems_count(problems), ==, 1);
    const sc_problem *pr = sc_problems_item(problems, 0);
    g_assert_cmpuint(pr->row, ==, 3);
    g_assert_cmpstr(pr->field, ==, "职业技能等级");
    g_assert_cmpstr(pr->file, ==, csv);
    g_assert_cmpuint(m.dry_runs + m.issues, ==, 0);
    g_assert_false(g_file_test(pdf, G_FILE_TEST_EXISTS));
    sc_test_remove_tree(dir);
}

// The source issues other numbers than its dry run said: the pages are drawn again, and the
// PDF carries the numbers issued, not the ones predicted.
static void
test_redraw(void)
{
    g_autofree char *dir = g_dir_make_tmp("batch-XXXXXX", NULL);
    g_autofree char *pdf = g_build_filename(dir, "out.pdf", NULL);
    memory_source m = memory_source_init(1, 500);
    g_autoptr(sc_problems) problems = sc_problems_new();
    g_autoptr(GPtrArray) numbers = NULL;
    GError *error = NULL;
    g_assert_true(render("examples/records.csv", &m.base, pdf, &numbers, problems, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(m.issues, ==, 1);

    g_autofree char *text = pdf_text(pdf);
    g_auto(GStrv) pages = g_strsplit(text, "\f", -1);
    for (guint i = 0; i < numbers->len; i++) {
        const char *n = numbers->pdata[i];
        g_assert_cmpint(atoi(n + 16), ==, 501 + (int)i);
        g_assert_nonnull(strstr(pages[i], n));
        g_autofree char *predicted = g_strdup(n);
        g_snprintf(predicted + 16, 7, "%06d", 1 + (int)i);
        g_assert_null(strstr(text, predicted));
    }
    sc_test_remove_tree(dir);
}

// The output cannot be written: nothing issued (only the dry run happened), no file left.
static void
test_failing_sink(void)
{
    g_autofree char *dir = g_dir_make_tmp("batch-XXXXXX", NULL);
    g_autofree char *pdf = g_build_filename(dir, "missing", "out.pdf", NULL);
    memory_source m = memory_source_init(1, 0);
    g_autoptr(sc_problems) problems = sc_problems_new();
    GError *error = NULL;
    g_assert_false(render("examples/records.csv", &m.base, pdf, NULL, problems, &error));
    g_assert_nonnull(error);
    g_assert_cmpint(sc_error_exit_status(error), ==, 3);
    g_clear_error(&error);
    g_assert_cmpuint(m.issues, ==, 0);
    g_assert_cmpuint(sc_problems_count(problems), ==, 0);
    sc_test_remove_tree(dir);
}

int
main(int argc, char **argv)
{
    sc_test_init(&argc, &argv);
    g_test_add_func("/batch/clean", test_clean);
    g_test_add_func("/batch/problems", test_problems);
    g_test_add_func("/batch/redraw", test_redraw);
    g_test_add_func("/batch/failing-sink", test_failing_sink);
    return g_test_run();
}
