// numbering.c - number sources: the register, and pre-assigned numbers (SPEC §3).
#include "numbering.h"

#include "i18n.h"

typedef struct {
    sc_number_source base;
    sc_registry *registry;
    char *prefix;
    char *batch;
} register_source;

static gboolean
register_assign(sc_number_source *self, sc_issue *items, guint n, gboolean dry_run,
                GError **error)
{
    register_source *rs = (register_source *)self;
    if (dry_run)
        return sc_registry_preview(rs->registry, rs->prefix, items, n, error);
    return sc_registry_issue(rs->registry, rs->prefix, rs->batch, items, n, error);
}

static void
register_free(sc_number_source *self)
{
    register_source *rs = (register_source *)self;
    sc_registry_close(rs->registry);
    g_free(rs->prefix);
    g_free(rs->batch);
    g_free(rs);
}

sc_number_source *
sc_number_source_register_new(const char *path, const char *prefix, const char *batch,
                              GError **error)
{
    sc_registry *registry = sc_registry_open(path, error);
    if (registry == NULL)
        return NULL;
    register_source *rs = g_new0(register_source, 1);
    rs->base.assign = register_assign;
    rs->base.free = register_free;
    rs->registry = registry;
    rs->prefix = g_strdup(prefix);
    rs->batch = g_strdup(batch);
    return &rs->base;
}

static gboolean
given_assign(sc_number_source *self, sc_issue *items, guint n, gboolean dry_run, GError **error)
{
    (void)self;
    (void)dry_run;
    for (guint i = 0; i < n; i++)
        if (items[i].number == NULL || *items[i].number == '\0') {
            g_set_error(error, SC_ERROR, SC_ERROR_USAGE,
                        _("a record has no 证书编号 and no institution was given to number it: "
                          "add -i INSTITUTION, or fill in 证书编号"));
            return FALSE;
        }
    for (guint i = 0; i < n; i++)
        items[i].assigned = g_strdup(items[i].number);
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

void
sc_number_source_free(sc_number_source *source)
{
    if (source != NULL)
        source->free(source);
}
