// error.c - the SC_ERROR domain, exit statuses, and the problem collector (DESIGN.md).
#include "error.h"

#include "i18n.h"

#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(sc - error - quark, sc_error)

static const struct {
    const char *name;
    int status;
} code_table[] = {
    [SC_ERROR_INPUT] = {"SC_ERROR_INPUT", 1},
    [SC_ERROR_GLYPH] = {"SC_ERROR_GLYPH", 1},
    [SC_ERROR_FIT] = {"SC_ERROR_FIT", 1},
    [SC_ERROR_PHOTO] = {"SC_ERROR_PHOTO", 1},
    [SC_ERROR_DUPLICATE] = {"SC_ERROR_DUPLICATE", 1},
    [SC_ERROR_EXHAUSTED] = {"SC_ERROR_EXHAUSTED", 1},
    [SC_ERROR_USAGE] = {"SC_ERROR_USAGE", 2},
    [SC_ERROR_FONT] = {"SC_ERROR_FONT", 3},
    [SC_ERROR_IO] = {"SC_ERROR_IO", 3},
    [SC_ERROR_REGISTER] = {"SC_ERROR_REGISTER", 3},
    [SC_ERROR_RENDER] = {"SC_ERROR_RENDER", 3},
    [SC_ERROR_CANCELLED] = {"SC_ERROR_CANCELLED", 130},
};

const char *
sc_error_code_name(sc_error_code code)
{
    if ((unsigned)code >= G_N_ELEMENTS(code_table))
        return NULL;
    return code_table[code].name;
}

int
sc_error_exit_status(const GError *error)
{
    if (error == NULL)
        return 0;
    if (error->domain == SC_ERROR) {
        if ((unsigned)error->code < G_N_ELEMENTS(code_table))
            return code_table[error->code].status;
        return 3;
    }
    if (error->domain == G_CONVERT_ERROR || error->domain == G_KEY_FILE_ERROR ||
        error->domain == G_MARKUP_ERROR)
        return 1;
    if (error->domain == G_OPTION_ERROR)
        return 2;
    return 3;
}

struct sc_problems {
    GPtrArray *items; // sc_problem *
    GHashTable *rows; // row -> how many items have it (sc_problems_has_row() in constant time)
};

// Count ROW once more (BY = 1) or once less (BY = -1) in the index of rows.
static void
index_row(sc_problems *problems, guint row, int by)
{
    gpointer key = GUINT_TO_POINTER(row);
    guint n = GPOINTER_TO_UINT(g_hash_table_lookup(problems->rows, key));
    if (by < 0 && n <= 1)
        g_hash_table_remove(problems->rows, key);
    else
        g_hash_table_insert(problems->rows, key, GUINT_TO_POINTER(by < 0 ? n - 1 : n + 1));
}

// Index the rows of every item anew (after items were folded or dropped).
static void
reindex_rows(sc_problems *problems)
{
    g_hash_table_remove_all(problems->rows);
    for (guint i = 0; i < problems->items->len; i++)
        index_row(problems, ((const sc_problem *)g_ptr_array_index(problems->items, i))->row, 1);
}

static void
problem_free(gpointer data)
{
    sc_problem *p = data;
    g_free(p->file);
    g_free(p->field);
    g_free(p->message);
    g_free(p->line);
    g_free(p->who);
    g_free(p->rows);
    g_free(p);
}

sc_problems *
sc_problems_new(void)
{
    sc_problems *p = g_new0(sc_problems, 1);
    p->items = g_ptr_array_new_with_free_func(problem_free);
    p->rows = g_hash_table_new(g_direct_hash, g_direct_equal);
    return p;
}

void
sc_problems_free(sc_problems *problems)
{
    if (problems == NULL)
        return;
    g_ptr_array_unref(problems->items);
    g_hash_table_unref(problems->rows);
    g_free(problems);
}

char *
sc_problems_escape(const char *text)
{
    if (text == NULL)
        return NULL;
    g_autofree char *valid = g_utf8_make_valid(text, -1);
    GString *out = g_string_sized_new(strlen(valid));
    for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        GUnicodeType t = g_unichar_type(c);
        if (c < 0x20 || c == 0x7F)
            g_string_append_printf(out, "\\x%02x", c);
        else if (t == G_UNICODE_CONTROL || t == G_UNICODE_FORMAT || t == G_UNICODE_LINE_SEPARATOR ||
                 t == G_UNICODE_PARAGRAPH_SEPARATOR)
            g_string_append_printf(out, "<U+%04X>", c);
        else
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    return g_string_free(out, FALSE);
}

// WHO as a line shows it: at most 20 characters, escaped.  Caller frees with g_free().
static char *
short_who(const char *who)
{
    glong n = g_utf8_strlen(who, -1);
    if (n <= 20)
        return sc_problems_escape(who);
    g_autofree char *start = g_utf8_substring(who, 0, 19);
    g_autofree char *cut = g_strconcat(start, "…", NULL);
    return sc_problems_escape(cut);
}

// The line a reader sees: "FILE:ROW (WHO): FIELD: message", each part left out when absent; a
// folded problem "FILE: rows 2–9 (8 rows): FIELD: message".  Everything escaped
// (sc_problems_escape()): a cell's text never reaches the terminal raw.
static char *
problem_line(const sc_problem *p)
{
    GString *line = g_string_new(NULL);
    if (p->file != NULL) {
        g_autofree char *file = sc_problems_escape(p->file);
        g_string_append(line, file);
    }
    if (p->rows != NULL)
        g_string_append_printf(
            line,
            g_dngettext(GETTEXT_PACKAGE, ": rows %s (%u row)", ": rows %s (%u rows)", p->n_rows),
            p->rows, p->n_rows);
    else if (p->row > 0)
        g_string_append_printf(line, ":%u", p->row);
    if (p->who != NULL && p->rows == NULL) {
        g_autofree char *who = short_who(p->who);
        g_string_append_printf(line, " (%s)", who);
    }
    if (line->len > 0)
        g_string_append(line, ": ");
    if (p->field != NULL) {
        g_autofree char *field = sc_problems_escape(p->field);
        g_string_append_printf(line, "%s: ", field);
    }
    g_autofree char *message = sc_problems_escape(p->message);
    g_string_append(line, message);
    return g_string_free(line, FALSE);
}

void
sc_problems_add_who(sc_problems *problems, const char *file, guint row, const char *who,
                    const char *field, const char *message)
{
    g_return_if_fail(problems != NULL && message != NULL);
    sc_problem *p = g_new0(sc_problem, 1);
    p->file = g_strdup(file);
    p->row = row;
    p->field = field != NULL && *field != '\0' ? g_strdup(field) : NULL;
    p->message = g_strdup(message);
    p->who = who != NULL && *who != '\0' ? g_strdup(who) : NULL;
    p->n_rows = 1;
    p->line = problem_line(p);
    g_ptr_array_add(problems->items, p);
    index_row(problems, p->row, 1);
}

void
sc_problems_add_literal(sc_problems *problems, const char *file, guint row, const char *field,
                        const char *message)
{
    sc_problems_add_who(problems, file, row, NULL, field, message);
}

void
sc_problems_add(sc_problems *problems, const char *file, guint row, const char *field,
                const char *format, ...)
{
    g_return_if_fail(problems != NULL && format != NULL);
    va_list args;
    va_start(args, format);
    g_autofree char *message = g_strdup_vprintf(format, args);
    va_end(args);
    sc_problems_add_literal(problems, file, row, field, message);
}

void
sc_problems_merge(sc_problems *problems, const sc_problems *from)
{
    sc_problems_merge_in(problems, from, NULL);
}

void
sc_problems_merge_in(sc_problems *problems, const sc_problems *from, const char *file)
{
    for (guint i = 0; i < sc_problems_count(from); i++) {
        const sc_problem *p = sc_problems_item(from, i);
        sc_problems_add_who(problems, p->file != NULL ? p->file : file, p->row, p->who, p->field,
                            p->message);
    }
}

void
sc_problems_keep_row(sc_problems *problems, guint row)
{
    guint kept = 0;
    for (guint i = 0; i < problems->items->len; i++) {
        sc_problem *p = g_ptr_array_index(problems->items, i);
        if (p->row == row || p->row == 0)
            problems->items->pdata[kept++] = p;
        else
            problem_free(p);
    }
    // The items past KEPT were moved or freed: drop them without freeing again.
    g_ptr_array_set_free_func(problems->items, NULL);
    g_ptr_array_set_size(problems->items, kept);
    g_ptr_array_set_free_func(problems->items, problem_free);
    reindex_rows(problems);
}

guint
sc_problems_count(const sc_problems *problems)
{
    return problems != NULL ? problems->items->len : 0;
}

const sc_problem *
sc_problems_item(const sc_problems *problems, guint i)
{
    g_return_val_if_fail(problems != NULL && i < problems->items->len, NULL);
    return g_ptr_array_index(problems->items, i);
}

const char *
sc_problems_get(const sc_problems *problems, guint i)
{
    const sc_problem *p = sc_problems_item(problems, i);
    return p != NULL ? p->line : NULL;
}

typedef struct {
    guint row, seq;
    gpointer item;
} numbered_item;

static int
by_row_then_seq(const void *a, const void *b)
{
    const numbered_item *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
sc_problems_sort(sc_problems *problems)
{
    // qsort is not stable: the sequence number keeps a row's problems in the order found.
    guint n = problems->items->len;
    if (n < 2)
        return;
    numbered_item *v = g_new(numbered_item, n);
    for (guint i = 0; i < n; i++) {
        sc_problem *p = g_ptr_array_index(problems->items, i);
        v[i] = (numbered_item){p->row, i, p};
    }
    qsort(v, n, sizeof *v, by_row_then_seq);
    for (guint i = 0; i < n; i++)
        g_ptr_array_index(problems->items, i) = v[i].item;
    g_free(v);
}

gboolean
sc_problems_has_row(const sc_problems *problems, guint row)
{
    return g_hash_table_contains(problems->rows, GUINT_TO_POINTER(row));
}

gboolean
sc_problems_to_error(const sc_problems *problems, sc_error_code code, GError **error)
{
    guint n = sc_problems_count(problems);
    if (n == 0)
        return TRUE;

    GString *all = g_string_new(NULL);
    for (guint i = 0; i < n; i++)
        g_string_append_printf(all, "%s\n", sc_problems_get(problems, i));
    g_string_append_printf(
        all, g_dngettext(GETTEXT_PACKAGE, "%u problem found", "%u problems found", n), n);
    g_set_error_literal(error, SC_ERROR, code, all->str);
    g_string_free(all, TRUE);
    return FALSE;
}

// The key that makes two problems "the same" for sc_problems_compact(): file, field, message.
static char *
same_key(const sc_problem *p)
{
    return g_strjoin("\x1f", p->file != NULL ? p->file : "", p->field != NULL ? p->field : "",
                     p->message, NULL);
}

static gint
compare_rows(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *)a, y = *(const guint *)b;
    return x < y ? -1 : x > y;
}

// "2–5, 9, 12–20": ROWS (ascending) as ranges, at most 6 of them, then "…".  Caller frees.
static char *
rows_text(const GArray *rows)
{
    GString *out = g_string_new(NULL);
    guint ranges = 0;
    for (guint i = 0; i < rows->len;) {
        guint first = g_array_index(rows, guint, i), last = first;
        while (++i < rows->len && g_array_index(rows, guint, i) == last + 1)
            last++;
        if (++ranges > 6) {
            g_string_append(out, ", …");
            break;
        }
        g_string_append_printf(out, "%s%u", out->len > 0 ? ", " : "", first);
        if (last != first)
            g_string_append_printf(out, "–%u", last);
    }
    return g_string_free(out, FALSE);
}

void
sc_problems_compact(sc_problems *problems)
{
    g_return_if_fail(problems != NULL);
    // The rows of each key, in order; rows of a repeated problem within one row counted once.
    g_autoptr(GHashTable) rows =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
    GPtrArray *items = problems->items;
    for (guint i = 0; i < items->len; i++) {
        const sc_problem *p = g_ptr_array_index(items, i);
        if (p->row == 0 || p->rows != NULL)
            continue;
        char *key = same_key(p);
        GArray *a = g_hash_table_lookup(rows, key);
        if (a == NULL) {
            a = g_array_new(FALSE, FALSE, sizeof(guint));
            g_hash_table_insert(rows, key, a);
        } else {
            g_free(key);
        }
        if (a->len == 0 || g_array_index(a, guint, a->len - 1) != p->row)
            g_array_append_val(a, p->row);
    }
    // Keep the first item of a folded key, with its rows; drop the others.
    g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GPtrArray *kept = g_ptr_array_new_with_free_func(problem_free);
    for (guint i = 0; i < items->len; i++) {
        sc_problem *p = g_ptr_array_index(items, i);
        items->pdata[i] = NULL;
        char *key = p->row != 0 && p->rows == NULL ? same_key(p) : NULL;
        GArray *a = key != NULL ? g_hash_table_lookup(rows, key) : NULL;
        if (a != NULL && g_hash_table_contains(done, key)) {
            problem_free(p);
            g_free(key);
            continue;
        }
        if (a != NULL && a->len >= SC_PROBLEMS_COMPACT_MIN) {
            g_array_sort(a, compare_rows);
            p->rows = rows_text(a);
            p->n_rows = a->len;
            g_free(p->line);
            p->line = problem_line(p);
            g_hash_table_add(done, g_steal_pointer(&key));
        }
        g_free(key);
        g_ptr_array_add(kept, p);
    }
    g_ptr_array_set_free_func(items, NULL);
    g_ptr_array_unref(items);
    problems->items = kept;
    reindex_rows(problems);
}
