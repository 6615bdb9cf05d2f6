// error.c - the SC_ERROR domain, exit statuses, and the problem collector (DESIGN.md).
#include "error.h"

#include "i18n.h"

#include <stdlib.h>

G_DEFINE_QUARK(sc-error-quark, sc_error)

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
    GPtrArray *lines; // char *
    GArray *rows;     // guint, parallel to lines
};

sc_problems *
sc_problems_new(void)
{
    sc_problems *p = g_new0(sc_problems, 1);
    p->lines = g_ptr_array_new_with_free_func(g_free);
    p->rows = g_array_new(FALSE, FALSE, sizeof(guint));
    return p;
}

void
sc_problems_free(sc_problems *problems)
{
    if (problems == NULL)
        return;
    g_ptr_array_unref(problems->lines);
    g_array_unref(problems->rows);
    g_free(problems);
}

void
sc_problems_add(sc_problems *problems, const char *file, guint row, const char *field,
                const char *format, ...)
{
    g_return_if_fail(problems != NULL && format != NULL);

    GString *line = g_string_new(NULL);
    if (file != NULL)
        g_string_append(line, file);
    if (row > 0)
        g_string_append_printf(line, ":%u", row);
    if (line->len > 0)
        g_string_append(line, ": ");
    if (field != NULL && *field != '\0')
        g_string_append_printf(line, "%s: ", field);

    va_list args;
    va_start(args, format);
    g_string_append_vprintf(line, format, args);
    va_end(args);

    g_ptr_array_add(problems->lines, g_string_free(line, FALSE));
    g_array_append_val(problems->rows, row);
}

void
sc_problems_merge(sc_problems *problems, const sc_problems *from)
{
    for (guint i = 0; i < from->lines->len; i++) {
        g_ptr_array_add(problems->lines, g_strdup(g_ptr_array_index(from->lines, i)));
        g_array_append_val(problems->rows, g_array_index(from->rows, guint, i));
    }
}

void
sc_problems_keep_row(sc_problems *problems, guint row)
{
    guint kept = 0;
    for (guint i = 0; i < problems->lines->len; i++) {
        guint r = g_array_index(problems->rows, guint, i);
        gpointer line = g_ptr_array_index(problems->lines, i);
        if (r == row || r == 0) {
            g_ptr_array_index(problems->lines, kept) = line;
            g_array_index(problems->rows, guint, kept) = r;
            kept++;
        } else {
            g_free(line);
        }
    }
    // The lines past KEPT were moved or freed: drop them without freeing again.
    g_ptr_array_set_free_func(problems->lines, NULL);
    g_ptr_array_set_size(problems->lines, kept);
    g_ptr_array_set_free_func(problems->lines, g_free);
    g_array_set_size(problems->rows, kept);
}

guint
sc_problems_count(const sc_problems *problems)
{
    return problems != NULL ? problems->lines->len : 0;
}

const char *
sc_problems_get(const sc_problems *problems, guint i)
{
    g_return_val_if_fail(problems != NULL && i < problems->lines->len, NULL);
    return g_ptr_array_index(problems->lines, i);
}

typedef struct {
    guint row, seq;
    gpointer line;
} numbered_line;

static int
by_row_then_seq(const void *a, const void *b)
{
    const numbered_line *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
sc_problems_sort(sc_problems *problems)
{
    // qsort is not stable: the sequence number keeps a row's problems in the order found.
    guint n = problems->lines->len;
    if (n < 2)
        return;
    numbered_line *v = g_new(numbered_line, n);
    for (guint i = 0; i < n; i++)
        v[i] = (numbered_line){g_array_index(problems->rows, guint, i), i,
                               g_ptr_array_index(problems->lines, i)};
    qsort(v, n, sizeof *v, by_row_then_seq);
    for (guint i = 0; i < n; i++) {
        g_ptr_array_index(problems->lines, i) = v[i].line;
        g_array_index(problems->rows, guint, i) = v[i].row;
    }
    g_free(v);
}

gboolean
sc_problems_has_row(const sc_problems *problems, guint row)
{
    for (guint i = 0; i < problems->rows->len; i++)
        if (g_array_index(problems->rows, guint, i) == row)
            return TRUE;
    return FALSE;
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
