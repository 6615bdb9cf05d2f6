// fuzz-image.c - libFuzzer target for photos (src/photo.c): any bytes, as a file, are either an
// image within the size limits that loads (decoded and passed through) with the probed size, or
// one SC_ERROR_PHOTO; never a crash, never an unbounded allocation.
#include "photo.h"
#include "fuzz.h"

#include <glib/gstdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *path;
    if (path == NULL)
        path = g_strdup_printf("%s/skillcert-fuzz-image-%d", g_get_tmp_dir(), (int)getpid());
    CHECK(g_file_set_contents(path, (const char *)data, (gssize)size, NULL));

    GError *error = NULL;
    sc_photo_info info;
    gboolean ok = sc_photo_probe(path, &info, &error);
    if (!ok) {
        CHECK(error->domain == SC_ERROR && error->code == SC_ERROR_PHOTO);
        CHECK(g_utf8_validate(error->message, -1, NULL));
        g_clear_error(&error);
        return 0;
    }
    CHECK(info.width > 0 && info.height > 0 && info.width <= SC_PHOTO_MAX_SIDE &&
          (gint64)info.width * info.height <= SC_PHOTO_MAX_PIXELS);
    for (int decode = 0; decode <= 1; decode++) {
        cairo_surface_t *s = sc_photo_load(path, decode, NULL, &error);
        if (s == NULL) { // a corrupt body behind a good header
            CHECK(error->code == SC_ERROR_PHOTO);
            g_clear_error(&error);
            continue;
        }
        // The surface holds the stored pixels; EXIF orientations 5–8 show them turned.
        gboolean turned = info.orientation >= 5;
        CHECK(cairo_image_surface_get_width(s) == (turned ? info.height : info.width));
        CHECK(cairo_image_surface_get_height(s) == (turned ? info.width : info.height));
        cairo_surface_destroy(s);
    }
    return 0;
}
