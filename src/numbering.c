// numbering.c - the number-source plug point, and its source of pre-assigned numbers (SPEC §3;
// DESIGN.md "Two plug points").  The register's source is in registry.c.
#include "numbering.h"

#include "i18n.h"

static gboolean
given_assign(sc_number_source *self, sc_number_item *items, guint n, gboolean dry_run,
             sc_problems *problems, GError **error)
{
    (void)self;
    (void)dry_run;
    (void)problems; // a missing number is the command's problem (no -i), not the record's
    for (guint i = 0; i < n; i++)
        if (items[i].number == NULL || *items[i].number == '\0') {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("a record has no 证书编号 and no institution was given to number it: "
                          "add -i INSTITUTION, or fill in 证书编号"));
            return FALSE;
        }
    for (guint i = 0; i < n; i++) {
        items[i].assigned = g_strdup(items[i].number);
        items[i].assigned_date = g_strdup(items[i].issue_date);
        items[i].status = SC_NUMBER_NEW;
    }
    return TRUE;
}

static void
given_free(sc_number_source *self)
{
    g_free(self);
}

sc_number_source *
sc_number_source_given_new(void)
{
    sc_number_source *s = g_new0(sc_number_source, 1);
    s->assign = given_assign;
    s->free = given_free;
    return s;
}

gboolean
sc_number_source_finish(sc_number_source *source, gboolean keep, GError **error)
{
    return source->finish == NULL || source->finish(source, keep, error);
}

void
sc_number_source_free(sc_number_source *source)
{
    if (source != NULL)
        source->free(source);
}
