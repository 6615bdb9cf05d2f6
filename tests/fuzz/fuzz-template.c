// fuzz-template.c - libFuzzer target for template files (src/template.c): any bytes either load
// into elements whose boxes lie on the page, or fail with one SC_ERROR_INPUT message in UTF-8.
#include "template.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>

static const char *
lookup(const char *name, gpointer data)
{
    (void)data;
    return name; // every field is its own name
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    sc_template *t = sc_template_parse((const char *)data, size, "fuzz.ini", &error);
    CHECK((t == NULL) != (error == NULL));
    if (t == NULL) {
        CHECK(error->domain == SC_ERROR && error->code == SC_ERROR_INPUT);
        CHECK(g_utf8_validate(error->message, -1, NULL));
        g_error_free(error);
        return 0;
    }
    for (guint i = 0; i < t->elements->len; i++) {
        const sc_element *e = g_ptr_array_index(t->elements, i);
        if (e->type != SC_ELEMENT_LINE)
            CHECK(e->x >= 0 && e->y >= 0 && e->x + e->width <= t->page_width + 1e-6 &&
                  e->y + e->height <= t->page_height + 1e-6);
        // Placeholders validated at load expand without a brace error.
        const char *text = e->type == SC_ELEMENT_TEXT     ? e->text
                           : e->type == SC_ELEMENT_QRCODE ? e->data
                                                          : NULL;
        if (text != NULL) {
            char *out = sc_template_expand(text, lookup, NULL, &error);
            CHECK(out != NULL);
            g_free(out);
        }
    }
    sc_template_free(t);
    return 0;
}
