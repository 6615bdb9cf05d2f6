// qr.c - the code encoder plug point, implemented with libqrencode (SPEC §2).
#include "qr.h"

#include "i18n.h"

#include <errno.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

// libqrencode's level for EC_LEVEL, or FALSE with *ERROR set.
static gboolean
qr_level(char ec_level, QRecLevel *level, GError **error)
{
    switch (ec_level) {
    case 'L': *level = QR_ECLEVEL_L; return TRUE;
    case 'M': *level = QR_ECLEVEL_M; return TRUE;
    case 'Q': *level = QR_ECLEVEL_Q; return TRUE;
    case 'H': *level = QR_ECLEVEL_H; return TRUE;
    default:
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("QR error correction '%c' is not L, M, Q or H"), ec_level);
        return FALSE;
    }
}

// --- The mask ----------------------------------------------------------------------------------
//
// ISO/IEC 18004 §7.8.3: of the eight mask patterns, the symbol takes the one whose result scores
// the fewest penalty points.  libqrencode scores each with a loop over every module whose branches
// go either way at random: 0.17 ms of a version 4 symbol's 0.21 ms, 8 % of an electronic
// certificate's time.  Here libqrencode makes the symbol with mask 0, the mask is taken off its
// data modules, and the eight are scored on rows of bits: the same points as libqrencode's
// Mask_mask() gives them (its rules, to the letter: test-qr compares every module of symbols of
// every version with libqrencode's own), so the same mask is chosen, a few times faster.

// libqrencode makes a symbol with the mask given (-1: its own choice).  Exported by
// libqrencode.so.4 (qrencode.c), not declared in qrencode.h; Split_splitStringToQRinput() too
// (split.c): the input QRcode_encodeString() makes.
extern QRcode *QRcode_encodeMask(QRinput *input, int mask);
extern int Split_splitStringToQRinput(const char *string, QRinput *input, QRencodeMode hint,
                                      int casesensitive);

#define QR_WORDS 3 // a row of up to 192 modules (a version 40 symbol is 177 wide)

typedef struct {
    guint64 w[QR_WORDS];
} qr_row;

static inline __attribute__((always_inline)) gboolean
row_get(const qr_row *r, int x)
{
    return (r->w[x >> 6] >> (x & 63)) & 1;
}

static inline void
row_put(qr_row *r, int x, gboolean dark)
{
    guint64 bit = (guint64)1 << (x & 63);
    r->w[x >> 6] = dark ? r->w[x >> 6] | bit : r->w[x >> 6] & ~bit;
}

// R shifted one module to the left (module X + 1 at X).
static inline __attribute__((always_inline)) qr_row
row_next(const qr_row *r, int nw)
{
    qr_row n = {0};
    for (int k = 0; k < nw; k++)
        n.w[k] = r->w[k] >> 1 | (k + 1 < nw ? r->w[k + 1] << 63 : 0);
    return n;
}

// R shifted one module to the right (module X - 1 at X).
static inline __attribute__((always_inline)) qr_row
row_prev(const qr_row *r, int nw)
{
    qr_row n = {0};
    for (int k = 0; k < nw; k++)
        n.w[k] = r->w[k] << 1 | (k > 0 ? r->w[k - 1] >> 63 : 0);
    return n;
}

// The modules 0 … N - 1.
static inline __attribute__((always_inline)) qr_row
row_first(int n)
{
    qr_row r;
    for (int k = 0; k < QR_WORDS; k++)
        r.w[k] = n >= 64 * (k + 1) ? G_MAXUINT64
                 : n <= 64 * k     ? 0
                                   : ((guint64)1 << (n - 64 * k)) - 1;
    return r;
}

// How many bits of V are set (without the CPU's instruction, which the build does not assume).
static inline __attribute__((always_inline)) int
count_bits(guint64 v)
{
    v = v - ((v >> 1) & 0x5555555555555555u);
    v = (v & 0x3333333333333333u) + ((v >> 2) & 0x3333333333333333u);
    v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (int)((v * 0x0101010101010101u) >> 56);
}

static inline __attribute__((always_inline)) int
row_count(const qr_row *r, int nw)
{
    int n = 0;
    for (int k = 0; k < nw; k++)
        n += count_bits(r->w[k]);
    return n;
}

static inline __attribute__((always_inline)) gboolean
row_any(const qr_row *r, int nw)
{
    guint64 any = 0;
    for (int k = 0; k < nw; k++)
        any |= r->w[k];
    return any != 0;
}

// Mask K's modules (where data modules are turned) in a row Y with Y % 12 = M: pattern[K][M]
// (every pattern repeats every 12 rows).  ISO/IEC 18004 Table 10, as libqrencode writes them.
static qr_row mask_pattern[8][12];

static gpointer
make_patterns(gpointer unused)
{
    (void)unused;
    for (int y = 0; y < 12; y++)
        for (int x = 0; x < 64 * QR_WORDS; x++) {
            int xy = x * y;
            const gboolean turned[8] = {((x + y) & 1) == 0,
                                        (y & 1) == 0,
                                        x % 3 == 0,
                                        (x + y) % 3 == 0,
                                        (((y / 2) + (x / 3)) & 1) == 0,
                                        ((xy & 1) + xy % 3) == 0,
                                        (((xy & 1) + xy % 3) & 1) == 0,
                                        (((xy % 3) + ((x + y) & 1)) & 1) == 0};
            for (int k = 0; k < 8; k++)
                row_put(&mask_pattern[k][y], x, turned[k]);
        }
    return NULL;
}

// The 15 format information bits of MASK at LEVEL: its level's 2 bits and the mask's 3, their BCH
// (15, 5) code, XORed with 101010000010010 (ISO/IEC 18004 §7.9.1).
static guint
format_bits(int mask, QRecLevel level)
{
    static const guint level_bits[4] = {1, 0, 3, 2}; // L M Q H
    guint data = level_bits[level] << 3 | (guint)mask, rem = data << 10;
    for (int i = 14; i >= 10; i--)
        if (rem & (1u << i))
            rem ^= 0x537u << (i - 10);
    return (data << 10 | rem) ^ 0x5412u;
}

// Where format bit I (0 … 14) goes, twice: as libqrencode's Mask_writeFormatInformation().
static void
format_places(int width, int i, int xy[4])
{
    if (i < 8) {
        xy[0] = width - 1 - i, xy[1] = 8;
        xy[2] = 8, xy[3] = i < 6 ? i : i + 1;
    } else {
        i -= 8;
        xy[0] = 8, xy[1] = width - 7 + i;
        xy[2] = i == 0 ? 7 : 6 - i, xy[3] = 8;
    }
}

// The run lengths of the WIDTH modules of ROW as libqrencode's Mask_calcRunLength*() makes them
// (a row starting dark begins with a light run of -1); their count.
static inline __attribute__((always_inline)) int
row_runs(const qr_row *row, int width, int nw, int *run)
{
    int n = 0, last = -1;
    if (row_get(row, 0))
        run[n++] = -1;
    // Bit X of CHANGES: module X + 1 is not module X.
    qr_row next = row_next(row, nw), inside = row_first(width - 1);
    for (int k = 0; k < nw; k++) {
        guint64 changes = (row->w[k] ^ next.w[k]) & inside.w[k];
        while (changes != 0) {
            int x = 64 * k + __builtin_ctzll(changes);
            run[n++] = x - last;
            last = x;
            changes &= changes - 1;
        }
    }
    run[n++] = width - 1 - last;
    return n;
}

// Penalty N3 of the runs RUN (LENGTH of them): the 1:1:3:1:1 pattern as libqrencode's
// Mask_calcN1N3() finds it, its rules as they are.
static int
runs_n3(const int *run, int length)
{
    int points = 0;
    for (int i = 3; i < length - 2; i += 2) {
        if (run[i] % 3 != 0)
            continue;
        int fact = run[i] / 3;
        if (run[i - 2] == fact && run[i - 1] == fact && run[i + 1] == fact && run[i + 2] == fact &&
            (i == 3 || run[i - 3] >= 4 * fact || i + 4 >= length || run[i + 3] >= 4 * fact))
            points += 40;
    }
    return points;
}

// Windows of five alike (modules X … X + 4 of one colour, at X) in a line as A … E, its module
// X, X + 1 …: penalty N1 of the line, each run of L ≥ 5 alike 3 + (L - 5) = its L - 4 windows
// and 2 for its first one.  (IN: the windows that fit in the line.)
static inline __attribute__((always_inline)) int
five_alike(const qr_row *a, const qr_row *b, const qr_row *c, const qr_row *d, const qr_row *e,
           const qr_row *in, int nw, qr_row *windows)
{
    for (int k = 0; k < nw; k++)
        windows->w[k] = ~(a->w[k] ^ b->w[k]) & ~(b->w[k] ^ c->w[k]) & ~(c->w[k] ^ d->w[k]) &
                        ~(d->w[k] ^ e->w[k]) & in->w[k];
    return row_count(windows, nw);
}

// Where a line may hold the 1:1:3:1:1 pattern starting at X, given its modules X - 1 … X + 14 as
// L[0] … L[15] (light past its ends): dark, light, three dark, light, dark with light or an end
// on either side (the pattern 1 module wide), the same 2 wide, or nine dark (the middle of a
// wider one).  A line without any has no N3 points.
static inline __attribute__((always_inline)) qr_row
pattern_may_be(const qr_row *const *l, int nw)
{
    qr_row may = {0};
    for (int k = 0; k < nw; k++) {
#define M(i) (l[(i) + 1]->w[k])
        guint64 one = ~M(-1) & M(0) & ~M(1) & M(2) & M(3) & M(4) & ~M(5) & M(6) & ~M(7);
        guint64 two = ~M(-1) & M(0) & M(1) & ~M(2) & ~M(3) & M(4) & M(5) & M(6) & M(7) & M(8) &
                      M(9) & ~M(10) & ~M(11) & M(12) & M(13) & ~M(14);
        guint64 wider = M(0) & M(1) & M(2) & M(3) & M(4) & M(5) & M(6) & M(7) & M(8);
#undef M
        may.w[k] = one | two | wider;
    }
    return may;
}

// The penalty points of the symbol ROWS (WIDTH of them), as libqrencode's Mask_mask() counts
// them: N1 and N2 on whole rows of bits, N3 from the run lengths of the lines that may hold its
// pattern, N4 from the share of dark modules.
static inline __attribute__((always_inline)) int
symbol_penalty(const qr_row *rows, int width, int nw)
{
    int run[64 * QR_WORDS + 2], points = 0, dark = 0;
    qr_row in5 = row_first(width - 4), pairs = row_first(width - 1);
    qr_row columns = {0}, last = {0}, light = {0}, windows;
    for (int y = 0; y < width; y++) {
        const qr_row *r = &rows[y];
        dark += row_count(r, nw);
        // The row.
        qr_row s[16]; // modules X - 1 … X + 14 at X
        s[0] = row_prev(r, nw);
        s[1] = *r;
        for (int i = 2; i < 16; i++)
            s[i] = row_next(&s[i - 1], nw);
        const qr_row *at[16];
        for (int i = 0; i < 16; i++)
            at[i] = &s[i];
        points += five_alike(&s[1], &s[2], &s[3], &s[4], &s[5], &in5, nw, &windows);
        qr_row starts = row_prev(&windows, nw);
        for (int k = 0; k < nw; k++)
            starts.w[k] = windows.w[k] & ~starts.w[k];
        points += 2 * row_count(&starts, nw);
        qr_row may = pattern_may_be(at, nw);
        if (row_any(&may, nw))
            points += runs_n3(run, row_runs(r, width, nw, run));
        // N2: 2 × 2 blocks of one colour with the row above, each 3.
        if (y > 0) {
            qr_row up = row_next(&rows[y - 1], nw);
            for (int k = 0; k < nw; k++)
                points += 3 * count_bits(~(rows[y - 1].w[k] ^ r->w[k]) & ~(up.w[k] ^ s[2].w[k]) &
                                         ~(r->w[k] ^ s[2].w[k]) & pairs.w[k]);
        }
        // The columns from row Y down, all at once.
        if (y + 4 < width) {
            qr_row all = row_first(width);
            points += five_alike(r, &rows[y + 1], &rows[y + 2], &rows[y + 3], &rows[y + 4], &all,
                                 nw, &windows);
            for (int k = 0; k < nw; k++)
                starts.w[k] = windows.w[k] & ~last.w[k];
            points += 2 * row_count(&starts, nw);
            last = windows;
        }
        const qr_row *down[16]; // the columns' modules Y - 1 … Y + 14
        for (int i = 0; i < 16; i++)
            down[i] = y - 1 + i >= 0 && y - 1 + i < width ? &rows[y - 1 + i] : &light;
        qr_row may_v = pattern_may_be(down, nw);
        for (int k = 0; k < nw; k++)
            columns.w[k] |= may_v.w[k];
    }
    // The columns that may hold the pattern: their run lengths.
    for (int k = 0; k < nw; k++)
        for (guint64 bits = columns.w[k]; bits != 0; bits &= bits - 1) {
            int x = 64 * k + __builtin_ctzll(bits);
            qr_row col = {0};
            for (int y = 0; y < width; y++)
                col.w[y >> 6] |= (guint64)row_get(&rows[y], x) << (y & 63);
            points += runs_n3(run, row_runs(&col, width, nw, run));
        }
    int all = width * width, ratio = (200 * dark + all) / all / 2;
    return points + abs(ratio - 50) / 5 * 10;
}

// CODE (made with mask 0) given the mask of the fewest penalty points instead, in place.
static void
choose_mask(QRcode *code, QRecLevel level)
{
    static GOnce once = G_ONCE_INIT;
    g_once(&once, make_patterns, NULL);
    int width = code->width, nw = (width + 63) / 64; // the words a row takes
    if (width > 64 * QR_WORDS)
        return;
    // The data unmasked (BARE), and where the modules a mask turns are (DATA); format
    // information left out (light), as libqrencode's frame has it before masking.
    qr_row bare[64 * QR_WORDS] = {0}, data[64 * QR_WORDS] = {0};
    for (int y = 0; y < width; y++) {
        const unsigned char *m = code->data + (gsize)y * width;
        for (int x = 0; x < width; x++) {
            bare[y].w[x >> 6] |= (guint64)(m[x] & 1) << (x & 63);
            data[y].w[x >> 6] |= (guint64)(~m[x] >> 7 & 1) << (x & 63);
        }
        for (int k = 0; k < QR_WORDS; k++)
            bare[y].w[k] ^= mask_pattern[0][y % 12].w[k] & data[y].w[k];
    }
    int places[15][4];
    for (int i = 0; i < 15; i++) {
        format_places(width, i, places[i]);
        row_put(&bare[places[i][1]], places[i][0], FALSE);
        row_put(&bare[places[i][3]], places[i][2], FALSE);
    }
    int best = -1, least = G_MAXINT;
    qr_row rows[8][64 * QR_WORDS];
    for (int k = 0; k < 8; k++) {
        for (int y = 0; y < width; y++)
            for (int j = 0; j < QR_WORDS; j++)
                rows[k][y].w[j] = bare[y].w[j] ^ (mask_pattern[k][y % 12].w[j] & data[y].w[j]);
        guint format = format_bits(k, level);
        for (int i = 0; i < 15; i++) {
            gboolean dark = (format >> i) & 1;
            row_put(&rows[k][places[i][1]], places[i][0], dark);
            row_put(&rows[k][places[i][3]], places[i][2], dark);
        }
        int points = nw == 1   ? symbol_penalty(rows[k], width, 1) // (each made for its words)
                     : nw == 2 ? symbol_penalty(rows[k], width, 2)
                               : symbol_penalty(rows[k], width, 3);
        if (points < least) {
            least = points;
            best = k;
        }
    }
    for (int y = 0; y < width; y++) {
        unsigned char *m = code->data + (gsize)y * width;
        for (int x = 0; x < width; x++)
            m[x] = (unsigned char)((m[x] & ~1u) | ((rows[best][y].w[x >> 6] >> (x & 63)) & 1));
    }
}

// INPUT's symbol with the mask ISO/IEC 18004 chooses (choose_mask()), or NULL with errno set;
// INPUT freed.
static QRcode *
encode_input(QRinput *input, QRecLevel level)
{
    QRcode *code = QRcode_encodeMask(input, 0);
    int err = errno;
    QRinput_free(input);
    if (code != NULL)
        choose_mask(code, level);
    errno = err;
    return code;
}

// libqrencode's contract is NULL + errno (ERANGE: data too large; EINVAL: bad argument); it is
// translated to GError here, at our edge (STYLE.md).  CODE (freed here) into *OUT.
static gboolean
take_code(QRcode *code, const char *text, char ec_level, sc_code_matrix *out, GError **error)
{
    if (code == NULL) {
        if (errno == ERANGE)
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                        _("QR data is too long (%zu bytes) for error correction %c"), strlen(text),
                        ec_level);
        else
            g_set_error(error, SC_ERROR, SC_ERROR_INPUT, _("QR encoding failed: %s"),
                        g_strerror(errno));
        return FALSE;
    }
    // Bit 0 of each libqrencode byte is the module colour.
    int w = code->width;
    out->width = w;
    out->modules = g_malloc((gsize)w * w);
    for (int i = 0; i < w * w; i++)
        out->modules[i] = code->data[i] & 1;
    QRcode_free(code);
    return TRUE;
}

static gboolean
qrencode_encode(gpointer ctx, const char *text, char ec_level, sc_code_matrix *out, GError **error)
{
    (void)ctx;
    QRecLevel level;
    if (!qr_level(ec_level, &level, error))
        return FALSE;
    if (*text == '\0') {
        g_set_error_literal(error, SC_ERROR, SC_ERROR_INPUT, _("QR data is empty"));
        return FALSE;
    }
    errno = 0;
    QRinput *input = QRinput_new2(0, level); // QRcode_encodeData()'s input
    QRcode *code = NULL;
    if (input != NULL &&
        QRinput_append(input, QR_MODE_8, (int)strlen(text), (const unsigned char *)text) < 0)
        QRinput_free(g_steal_pointer(&input));
    if (input != NULL)
        code = encode_input(input, level);
    return take_code(code, text, ec_level, out, error);
}

gboolean
sc_qr_encode_mixed(const char *text, char ec_level, int max_version, sc_code_matrix *out,
                   GError **error)
{
    QRecLevel level;
    if (!qr_level(ec_level, &level, error))
        return FALSE;
    errno = 0;
    // QRcode_encodeString()'s input.  Case kept (casesensitive): the text is not upper-cased to
    // fit alphanumeric mode.
    QRinput *input = QRinput_new2(0, level);
    QRcode *code = NULL;
    if (input != NULL &&
        Split_splitStringToQRinput(text, input, QR_MODE_8, /*casesensitive*/ 1) < 0)
        QRinput_free(g_steal_pointer(&input));
    if (input != NULL)
        code = encode_input(input, level);
    int version = code != NULL ? code->version : 0;
    if (code != NULL && version > max_version) {
        QRcode_free(code);
        g_set_error(error, SC_ERROR, SC_ERROR_INPUT,
                    _("QR data of %zu characters needs a version %d symbol at error correction "
                      "%c, larger than version %d: shorten the QR data"),
                    strlen(text), version, ec_level, max_version);
        return FALSE;
    }
    return take_code(code, text, ec_level, out, error);
}

int
sc_code_matrix_version(const sc_code_matrix *matrix)
{
    return (matrix->width - 17) / 4;
}

static const sc_code_encoder qr_encoder = {qrencode_encode, NULL};

const sc_code_encoder *
sc_qr_encoder(void)
{
    return &qr_encoder;
}

void
sc_code_matrix_clear(sc_code_matrix *matrix)
{
    if (matrix == NULL)
        return;
    g_clear_pointer(&matrix->modules, g_free);
    matrix->width = 0;
}
