// fuzz-registry.c - libFuzzer target for the register's operations (src/registry.c, SPEC §3,
// "What the register means in an office"): the input is decoded into a sequence of issue,
// preview, rolled-back issue, void and reprint operations on a fresh register in memory (a tmpfs
// folder), and after each one the register must still keep its promises:
// - a new number is unique: never issued before, never void;
// - a reprint returns the number its holder holds (same holder, not void);
// - every number issued agrees with the register's prefix, its 发证日期's year and its level;
// - counters never decrease (the next number of every year and level only moves forward), and
//   a preview, a rolled-back issue or a failed one changes nothing at all;
// - a preview gives exactly the numbers the same issue gives right after it;
// - a void number is never issued again, and voiding it twice is refused.
#include "certno.h"
#include "fuzz.h"
#include "level.h"
#include "registry.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX    "S000044011001"
#define MAX_ITEMS 4
#define MAX_OPS   48

static const int levels[] = {1, 2, 3, 4, 5, 9};
static const int years[] = {2025, 2026};

// What the register should hold, kept beside it.
typedef struct {
    sc_registry *r;
    GHashTable *issued; // number → holder key (id type, id, occupation, work type, level)
    GHashTable *voided; // number → itself
    char *next[G_N_ELEMENTS(years)][G_N_ELEMENTS(levels)]; // peek results, never decreasing
} model;

// The input, read byte by byte (zeros once it is used up).
typedef struct {
    const uint8_t *p, *end;
} input;

static guint8
take(input *in)
{
    return in->p < in->end ? *in->p++ : 0;
}

// One item's strings, owned here.
typedef struct {
    char id[24], name[16], date[16], number[32];
} item_text;

// An sc_certno_problem_func for a number that must agree: any disagreement is a finding.
static void
disagrees(int first, const char *message, gpointer data)
{
    (void)first, (void)message, (void)data;
    abort();
}

static char *
holder_key(const sc_number_item *it)
{
    return g_strdup_printf("%s|%s|%s|%s|%d", it->id_type, it->id_number, it->occupation,
                           it->work_type, it->level);
}

// Decode one item from three bytes: holder, level, name variant, year, own date or not,
// occupation, a pre-assigned number (agreeing or not, small, the next one or 999999).
static void
decode_item(input *in, sc_number_item *it, item_text *t, model *m)
{
    guint8 a = take(in), b = take(in), c = take(in);
    int level = levels[(a >> 3) % G_N_ELEMENTS(levels)];
    int year = years[(b >> 1) & 1];
    g_snprintf(t->id, sizeof t->id, "4401041990031212%02d", a & 7);
    g_snprintf(t->name, sizeof t->name, "%s", b & 1 ? "张伟" : "张玮");
    g_snprintf(t->date, sizeof t->date, "%d-11-%02d", year, 20 + (c & 1));
    *it = (sc_number_item){.row = 2,
                           .name = t->name,
                           .id_type = "居民身份证",
                           .id_number = t->id,
                           .occupation = (b >> 3) & 1 ? "电工" : "焊工",
                           .work_type = "——",
                           .level = level,
                           .issue_date = t->date,
                           .date_given = (b >> 2) & 1,
                           .second = (a >> 6) & 1,
                           .correct = (a >> 7) & 1,
                           .output = "fuzz.pdf"};
    if (((b >> 4) & 3) != 3)
        return;
    static const int serials[] = {1, 2, 3, 7, 999999, 999998, 500000, 0};
    int serial = serials[(c >> 1) & 7];
    if (serial == 0) { // the next one a plain issue would take
        const char *next = m->next[(b >> 1) & 1][(a >> 3) % G_N_ELEMENTS(levels)];
        serial = next != NULL ? atoi(next + 16) : 1;
    }
    int given_level = (c >> 4) & 1 ? levels[(c >> 5) % G_N_ELEMENTS(levels)] : level;
    sc_certno n;
    CHECK(sc_certno_make(PREFIX, (c >> 6) & 1 ? year - 1 : year, given_level, serial, &n));
    char *text = sc_certno_format(&n);
    g_strlcpy(t->number, text, sizeof t->number);
    g_free(text);
    it->number = t->number;
}

// The next number of every year and level; each may only move forward (serials are compared as
// text: same prefix, year and level, six digits).  With SAME, none may move at all.
static void
check_counters(model *m, gboolean same)
{
    for (guint y = 0; y < G_N_ELEMENTS(years); y++)
        for (guint l = 0; l < G_N_ELEMENTS(levels); l++) {
            char *next = sc_registry_peek(m->r, years[y], levels[l], NULL);
            CHECK(next != NULL && strlen(next) == SC_CERTNO_LEN);
            CHECK(g_hash_table_lookup(m->issued, next) == NULL);
            CHECK(g_hash_table_lookup(m->voided, next) == NULL);
            if (m->next[y][l] != NULL) {
                CHECK(strcmp(next, m->next[y][l]) >= 0);
                CHECK(!same || strcmp(next, m->next[y][l]) == 0);
            }
            g_free(m->next[y][l]);
            m->next[y][l] = next;
        }
}

// The results of a successful issue of ITEMS agree with the model; KEEP: record them in it.
static void
check_results(model *m, sc_number_item *items, guint n, gboolean keep)
{
    for (guint i = 0; i < n; i++) {
        sc_number_item *it = &items[i];
        CHECK(it->assigned != NULL && it->assigned_date != NULL);
        sc_certno num;
        CHECK(sc_certno_split(it->assigned, &num) && num.serial >= 1);
        CHECK(sc_certno_check_agrees(&num, PREFIX, atoi(it->assigned_date), it->level, disagrees,
                                     NULL));
        CHECK(g_hash_table_lookup(m->voided, it->assigned) == NULL);
        g_autofree char *key = holder_key(it);
        const char *holder = g_hash_table_lookup(m->issued, it->assigned);
        if (it->status == SC_NUMBER_NEW) {
            CHECK(holder == NULL); // a new number is new
            if (it->number != NULL)
                CHECK(strcmp(it->number, it->assigned) == 0);
            if (keep)
                g_hash_table_insert(m->issued, g_strdup(it->assigned), g_strdup(key));
        } else {
            // A reprint or correction: the holder's own number, issued before, or new to another
            // item of this batch of the same holder (pre-assigned numbers are issued first).
            gboolean in_batch = FALSE;
            for (guint k = 0; k < n; k++)
                if (k != i && items[k].status == SC_NUMBER_NEW &&
                    g_strcmp0(items[k].assigned, it->assigned) == 0) {
                    g_autofree char *other = holder_key(&items[k]);
                    in_batch = in_batch || strcmp(other, key) == 0;
                }
            CHECK(holder != NULL ? strcmp(holder, key) == 0 : in_batch);
        }
    }
    // Two new certificates never share a number.
    for (guint i = 0; i < n; i++)
        for (guint k = i + 1; k < n; k++)
            if (items[i].status == SC_NUMBER_NEW && items[k].status == SC_NUMBER_NEW)
                CHECK(strcmp(items[i].assigned, items[k].assigned) != 0);
}

static void
clear_items(sc_number_item *items, guint n)
{
    for (guint i = 0; i < n; i++) {
        g_clear_pointer(&items[i].assigned, g_free);
        g_clear_pointer(&items[i].assigned_date, g_free);
    }
}

// Copy the results of ITEMS (number and status) into SAVED, for comparison.
static void
save_results(const sc_number_item *items, guint n, char **saved)
{
    for (guint i = 0; i < n; i++)
        saved[i] = g_strdup_printf("%s %s %d", items[i].assigned, items[i].assigned_date,
                                   (int)items[i].status);
}

// Issue (KIND 0), preview then issue (1), issue rolled back (2) the items decoded from IN.
static void
op_issue(model *m, input *in, int kind)
{
    sc_number_item items[MAX_ITEMS];
    item_text texts[MAX_ITEMS];
    guint n = 1 + take(in) % MAX_ITEMS;
    for (guint i = 0; i < n; i++)
        decode_item(in, &items[i], &texts[i], m);
    char *previewed[MAX_ITEMS] = {0};
    gboolean preview_ok = FALSE;
    if (kind == 1) {
        sc_problems *pp = sc_problems_new();
        preview_ok = sc_registry_preview(m->r, items, n, pp, NULL);
        CHECK(preview_ok == (sc_problems_count(pp) == 0));
        if (preview_ok)
            check_results(m, items, n, FALSE);
        save_results(items, n, previewed);
        clear_items(items, n);
        sc_problems_free(pp);
        check_counters(m, TRUE); // a preview changes nothing
    }
    sc_problems *problems = sc_problems_new();
    GError *error = NULL;
    gboolean ok = sc_registry_begin_issue(m->r, "fuzz", items, n, problems, &error);
    CHECK(ok == (error == NULL));
    if (ok) {
        check_results(m, items, n, kind != 2);
        if (kind == 1 && preview_ok) { // the preview said exactly this
            char *issued[MAX_ITEMS] = {0};
            save_results(items, n, issued);
            for (guint i = 0; i < n; i++) {
                CHECK(strcmp(issued[i], previewed[i]) == 0);
                g_free(issued[i]);
            }
        }
        CHECK(sc_registry_end_issue(m->r, kind != 2, NULL));
    } else {
        CHECK(sc_problems_count(problems) > 0); // no failure of the register itself here
        for (guint i = 0; i < n; i++)
            CHECK(items[i].assigned == NULL);
        if (kind == 1)
            CHECK(!preview_ok);
    }
    g_clear_error(&error);
    clear_items(items, n);
    sc_problems_free(problems);
    for (guint i = 0; i < n; i++)
        g_free(previewed[i]);
    check_counters(m, !ok || kind == 2); // nothing kept: nothing moved
}

// Void one of the numbers issued (or a number never issued): then it is never issued again.
static void
op_void(model *m, input *in)
{
    guint pick = take(in);
    guint count = g_hash_table_size(m->issued);
    GList *keys = g_hash_table_get_keys(m->issued);
    const char *number = count > 0 && pick % 8 != 7 ? g_list_nth_data(keys, pick % count) : NULL;
    if (number != NULL) {
        gboolean was_void = g_hash_table_lookup(m->voided, number) != NULL;
        CHECK(sc_registry_void(m->r, number, "fuzz", NULL) == !was_void);
        CHECK(!sc_registry_void(m->r, number, "again", NULL)); // already void
        g_hash_table_replace(m->voided, g_strdup(number), g_strdup(number));
        char *shown = sc_registry_show(m->r, number, NULL, NULL);
        CHECK(shown != NULL && g_utf8_validate(shown, -1, NULL));
        g_free(shown);
    } else {
        CHECK(!sc_registry_void(m->r,
                                PREFIX "26"
                                       "4"
                                       "999997",
                                "fuzz", NULL));
    }
    g_list_free(keys);
    check_counters(m, TRUE);
}

static void
model_free(model *m)
{
    for (guint y = 0; y < G_N_ELEMENTS(years); y++)
        for (guint l = 0; l < G_N_ELEMENTS(levels); l++)
            g_free(m->next[y][l]);
    g_hash_table_unref(m->issued);
    g_hash_table_unref(m->voided);
    sc_registry_close(m->r);
}

// The folder of the registers, removed at exit (each register is removed after its input).
static char *dir;

static void
remove_dir(void)
{
    g_rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static guint serial;
    if (dir == NULL) {
        // In memory: /dev/shm where there is one.
        const char *base = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : NULL;
        dir = base != NULL ? g_build_filename(base, "skillcert-fuzz-XXXXXX", NULL)
                           : g_build_filename(g_get_tmp_dir(), "skillcert-fuzz-XXXXXX", NULL);
        CHECK(g_mkdtemp(dir) != NULL);
        atexit(remove_dir);
    }
    char *path = g_strdup_printf("%s/register-%u.db", dir, serial++);
    model m = {.issued = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
               .voided = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)};
    m.r = sc_registry_create(path, PREFIX, NULL);
    CHECK(m.r != NULL);
    check_counters(&m, TRUE);
    input in = {data, data + size};
    for (int op = 0; op < MAX_OPS && in.p < in.end; op++) {
        guint8 kind = take(&in) % 5;
        if (kind == 4)
            op_void(&m, &in);
        else
            op_issue(&m, &in, kind == 3 ? 0 : kind); // 0 and 3: a plain issue (reprints too)
    }
    model_free(&m);
    const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        char *f = g_strconcat(path, suffixes[i], NULL);
        g_unlink(f);
        g_free(f);
    }
    g_free(path);
    return 0;
}
