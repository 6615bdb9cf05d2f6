// i18n.h - message translation through gettext (po/; cli.c binds the catalogue folder).
// English is the source language.  _("...") translates a message where it is used; N_("...")
// marks one in a static table, translated with _() where it is shown; plurals go through
// g_dngettext(GETTEXT_PACKAGE, singular, plural, n).  Field names, template keys and anything a
// program reads back are data, never translated.  po/README.md says how the catalogue is kept.
#ifndef SC_I18N_H
#define SC_I18N_H

#define GETTEXT_PACKAGE "skillcert"
#include <glib/gi18n-lib.h>

#endif
