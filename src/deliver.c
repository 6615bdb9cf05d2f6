// deliver.c - file names and the manifest of electronic certificates (SPEC §5; issue 11).
#include "deliver.h"

#include "file.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "i18n.h"
#include "template.h"

#include <string.h>

#define EXT ".pdf"

// Whether C may not appear in a file name on some system (Windows' reserved characters, which
// include macOS's ':' and Unix's '/', and control characters everywhere).
static gboolean
forbidden_char(gunichar c)
{
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        return TRUE;
    return c < 0x80 && strchr("<>:\"/\\|?*", (int)c) != NULL;
}

// Whether STEM (the name before ".pdf") is a Windows device name: the part before its first dot,
// spaces at its end ignored, is CON, PRN, AUX, NUL, COM1–9 or LPT1–9 in any case.
static gboolean
reserved_stem(const char *stem)
{
    static const char *const names[] = {"CON", "PRN", "AUX", "NUL"};
    gsize n = strcspn(stem, ".");
    while (n > 0 && stem[n - 1] == ' ')
        n--;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (n == 3 && g_ascii_strncasecmp(stem, names[i], 3) == 0)
            return TRUE;
    return n == 4 &&
           (g_ascii_strncasecmp(stem, "COM", 3) == 0 || g_ascii_strncasecmp(stem, "LPT", 3) == 0) &&
           stem[3] >= '1' && stem[3] <= '9';
}

// The first MAX bytes of S at most, cut before a whole UTF-8 character: if the first byte left
// out continues a character, that character goes too.
static void
cut_utf8(GString *s, gsize max)
{
    if (s->len <= max)
        return;
    gsize cut = max;
    while (cut > 0 && ((guchar)s->str[cut] & 0xc0) == 0x80)
        cut--;
    g_string_truncate(s, cut);
}

char *
sc_deliver_safe_name(const char *name)
{
    g_autofree char *valid = g_utf8_make_valid(name != NULL ? name : "", -1);
    g_autofree char *nfc = g_utf8_normalize(valid, -1, G_NORMALIZE_NFC);
    if (g_str_has_suffix(nfc, EXT))
        nfc[strlen(nfc) - strlen(EXT)] = '\0';
    GString *stem = g_string_new(NULL);
    for (const char *p = nfc; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (forbidden_char(c))
            g_string_append_c(stem, '_');
        else
            g_string_append_unichar(stem, c);
    }
    g_strstrip(stem->str);
    g_string_set_size(stem, strlen(stem->str));
    // No hidden file, no "." or "..": leading dots become '_'.
    for (gsize i = 0; i < stem->len && stem->str[i] == '.'; i++)
        stem->str[i] = '_';
    if (stem->len == 0)
        g_string_assign(stem, "_");
    if (reserved_stem(stem->str))
        g_string_prepend_c(stem, '_');
    cut_utf8(stem, SC_DELIVER_NAME_MAX - strlen(EXT));
    g_string_append(stem, EXT);
    return g_string_free(stem, FALSE);
}

// How two names compare on a case-insensitive file system: case-folded, NFC.
static char *
name_key(const char *name)
{
    g_autofree char *folded = g_utf8_casefold(name, -1);
    return g_utf8_normalize(folded, -1, G_NORMALIZE_NFC);
}

GHashTable *
sc_deliver_names(GPtrArray *certs, const char *pattern, const char *file, sc_problems *problems,
                 GError **error)
{
    const char *pat = pattern != NULL ? pattern : SC_DELIVER_DEFAULT_NAME;
    GHashTable *names = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < certs->len; i++) {
        sc_cert *c = g_ptr_array_index(certs, i);
        GError *err = NULL;
        g_autofree char *expanded = sc_template_expand(pat, sc_cert_lookup, c, &err);
        if (expanded == NULL) {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE, "--name %s: %s", pat, err->message);
            g_error_free(err);
            g_hash_table_unref(names);
            return NULL;
        }
        char *safe = sc_deliver_safe_name(expanded);
        char *key = name_key(safe);
        gpointer first = g_hash_table_lookup(seen, key);
        if (first != NULL) {
            // Issue 11: two records with one name are an error before anything is written.
            sc_problems_add(problems, file, c->row, "证书编号",
                            _("the file name %s is already that of row %u (--name %s): give a "
                              "pattern that tells them apart"),
                            safe, GPOINTER_TO_UINT(first), pat);
            g_free(key);
        } else {
            g_hash_table_insert(seen, key, GUINT_TO_POINTER(c->row));
        }
        g_hash_table_insert(names, c, safe);
    }
    return names;
}

char *
sc_deliver_mask_id(const char *id)
{
    glong n = g_utf8_strlen(id, -1);
    glong keep = n >= 8 ? 4 : n >= 3 ? 1 : 0;
    GString *s = g_string_new(NULL);
    glong i = 0;
    for (const char *p = id; *p; p = g_utf8_next_char(p), i++) {
        if (i < keep || i >= n - keep)
            g_string_append_unichar(s, g_utf8_get_char(p));
        else
            g_string_append_c(s, '*');
    }
    return g_string_free(s, FALSE);
}

void
sc_deliver_csv_field(GString *s, const char *value, char sep)
{
    const char *v = value != NULL ? value : "";
    gboolean formula = strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0';
    if (formula || strpbrk(v, ",\"\r\n") != NULL) {
        g_string_append_c(s, '"');
        if (formula)
            g_string_append_c(s, '\'');
        for (const char *p = v; *p; p++) {
            if (*p == '"')
                g_string_append_c(s, '"');
            g_string_append_c(s, *p);
        }
        g_string_append_c(s, '"');
    } else {
        g_string_append(s, v);
    }
    g_string_append_c(s, sep);
}

gboolean
sc_deliver_write_manifest(const char *dir, const sc_deliver_entry *entries, guint n,
                          gboolean full_id, guint mode, GError **error)
{
    GString *s = g_string_new("\xef\xbb\xbf"
                              "row,姓名,证件号码,证书编号,发证日期,file,bytes,SHA-256\r\n");
    for (guint i = 0; i < n; i++) {
        const sc_deliver_entry *e = &entries[i];
        g_autofree char *row = g_strdup_printf("%u", e->cert->row);
        g_autofree char *id =
            full_id ? g_strdup(e->cert->id_number) : sc_deliver_mask_id(e->cert->id_number);
        g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT, e->bytes);
        sc_deliver_csv_field(s, row, ',');
        sc_deliver_csv_field(s, e->cert->name, ',');
        sc_deliver_csv_field(s, id, ',');
        sc_deliver_csv_field(s, e->cert->number, ',');
        sc_deliver_csv_field(s, e->cert->issue_date, ',');
        sc_deliver_csv_field(s, e->file, ',');
        sc_deliver_csv_field(s, bytes, ',');
        sc_deliver_csv_field(s, e->sha256, '\r');
        g_string_append_c(s, '\n');
    }
    // Written beside its name under a temporary of the sink's pattern: a run killed here leaves
    // a file the next run recognises and removes, never a stray one in the folder.
    g_autofree char *path = g_build_filename(dir, SC_DELIVER_MANIFEST, NULL);
    g_autofree char *tmp = sc_file_temporary(path, error);
    GError *err = NULL;
    gboolean ok = tmp != NULL &&
                  g_file_set_contents_full(tmp, s->str, (gssize)s->len, G_FILE_SET_CONTENTS_NONE,
                                           0600, &err) &&
                  (mode == 0 || g_chmod(tmp, (int)mode) == 0);
    if (tmp != NULL && !ok) {
        g_set_error(error, SC_ERROR, SC_ERROR_IO, _("cannot write %s: %s"), path,
                    err != NULL ? err->message : g_strerror(errno));
        g_clear_error(&err);
        g_unlink(tmp);
    }
    ok = ok && sc_file_put_in_place(tmp, path, error);
    g_string_free(s, TRUE);
    return ok;
}
