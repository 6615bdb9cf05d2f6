// photos.c - `make bench`: distinct synthetic holder photos, 413 × 579 pixels (a 2-inch photo at
// 300 dpi), of photographic content (smooth light, a head and shoulders, sensor noise), not flat
// drawings: 80 % baseline JPEG (quality 90), 20 % 8-bit RGB PNG.
// Usage: photos DIR COUNT — writes DIR/p0000.jpg … (every fifth a .png); existing files are kept.
#include <glib.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
// jpeglib.h needs stdio.h first.
#include <jpeglib.h>
#include <math.h>

#define W 413
#define H 579

// A small fast generator (xorshift32): noise for 240,000 pixels a photo.
static guint32
next(guint32 *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

// Photo K's pixels (RGB, W × H): a lit background gradient, a skin-toned face ellipse and dark
// shoulders, each with its own hues, and Gaussian-like noise.
static void
paint(int k, guint8 *rgb)
{
    GRand *rand = g_rand_new_with_seed((guint32)k * 2654435761u + 1);
    double bg[3] = {g_rand_double_range(rand, 120, 230), g_rand_double_range(rand, 120, 230),
                    g_rand_double_range(rand, 150, 250)};
    double skin[3] = {g_rand_double_range(rand, 180, 240), g_rand_double_range(rand, 130, 190),
                      g_rand_double_range(rand, 100, 160)};
    double cloth = g_rand_double_range(rand, 20, 90);
    double cx = W / 2.0 + g_rand_double_range(rand, -20, 20), cy = H * 0.4;
    double rx = g_rand_double_range(rand, 110, 140), ry = g_rand_double_range(rand, 150, 180);
    guint32 state = (guint32)k * 2654435761u | 1;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double light = 0.8 + 0.2 * (double)(W - x) / W + 0.05 * sin(y / 37.0 + k);
            double dx = (x - cx) / rx, dy = (y - cy) / ry, d = dx * dx + dy * dy;
            double c[3];
            for (int i = 0; i < 3; i++) {
                if (d < 1)
                    c[i] = skin[i] * (1.05 - 0.25 * d) * light;
                else if (y > H * 0.72 && fabs(x - cx) < (y - H * 0.6) * 1.6)
                    c[i] = cloth + 15 * i + 10 * sin(x / 9.0);
                else
                    c[i] = bg[i] * light;
                // Sensor noise: the sum of two uniforms, about ±7.
                guint32 r = next(&state);
                c[i] += (int)(r & 7) + (int)((r >> 8) & 7) - 7;
                rgb[((gsize)y * W + x) * 3 + i] = (guint8)CLAMP(c[i], 0, 255);
            }
        }
    g_rand_free(rand);
}

static int
write_jpeg(const char *path, const guint8 *rgb)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 1;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = W;
    c.image_height = H;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    c.density_unit = 1;
    c.X_density = c.Y_density = 300;
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < H) {
        JSAMPROW row = (JSAMPROW)(rgb + (gsize)c.next_scanline * W * 3);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return fclose(f) != 0;
}

static int
write_png(const char *path, const guint8 *rgb)
{
    png_image image = {.version = PNG_IMAGE_VERSION, .width = W, .height = H,
                       .format = PNG_FORMAT_RGB};
    return !png_image_write_to_file(&image, path, 0, rgb, W * 3, NULL);
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: photos DIR COUNT\n");
        return 2;
    }
    int n = atoi(argv[2]);
    guint8 *rgb = g_malloc((gsize)W * H * 3);
    for (int k = 0; k < n; k++) {
        gboolean png = k % 5 == 4;
        char *path = g_strdup_printf("%s/p%05d.%s", argv[1], k, png ? "png" : "jpg");
        if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
            paint(k, rgb);
            if (png ? write_png(path, rgb) : write_jpeg(path, rgb)) {
                fprintf(stderr, "photos: cannot write %s\n", path);
                return 1;
            }
        }
        g_free(path);
    }
    g_free(rgb);
    return 0;
}
