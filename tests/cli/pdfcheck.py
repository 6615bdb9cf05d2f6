#!/usr/bin/env python3
"""pdfcheck.py - measure a rendered certificate as a reader would and compare it with SPEC §2.

Usage: pdfcheck.py geometry PDF PAGE   TAP lines: border, photo, QR, font sizes (SPEC §2)
       pdfcheck.py fields PDF RECORDS  TAP lines: page i shows every field of record i (SPEC §4)
       pdfcheck.py numbers PDF PREFIX  print each page's certificate number, checking its shape
       pdfcheck.py sizes PDF PAGE      the font size of each text run, one per line
       pdfcheck.py under-seal WITH.pdf WITHOUT.pdf PAGE   TAP lines: no text lost under the seal
       pdfcheck.py photo-upright PDF PAGE   TAP line: the marker photo shows upright
       pdfcheck.py long-names PDF NAMES     TAP lines: official long names whole, ≥ 12 pt, in place
Expected values are SPEC §2's, written here from the table, never taken from the program.
Measures come from a 300 dpi raster (pdftoppm) and from `mutool trace` (drawing operations).
"""
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MM = 25.4 / 72.0  # mm per point
TOL = 0.2  # mm, DESIGN.md quality bar


def ok(cond, what):
    print(("ok - " if cond else "not ok - ") + what)
    return cond


def raster(pdf, page, dpi=300):
    """The page as (width, height, bytes) of 8-bit grey pixels."""
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page),
                        pdf, d + "/p"], check=True)
        import glob
        data = open(glob.glob(d + "/p*.pgm")[0], "rb").read()
    # PGM: "P5\nW H\n255\n" then pixels.
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def dark_runs(values):
    """Runs of dark pixels (< 128) as (start, end) index pairs, end exclusive."""
    runs, start = [], None
    for i, v in enumerate(values):
        if v < 128 and start is None:
            start = i
        elif v >= 128 and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(values)))
    return runs


def border(pdf, page):
    """The border's stroke centres in mm: left, right, top, bottom, and its width in mm."""
    dpi = 300
    w, h, px = raster(pdf, page, dpi)
    px_mm = 25.4 / dpi
    # A row through the lower third (below the text columns' tops, above the addresses) and a
    # column near the left page's edge, where only the border is dark.
    row = h * 150 // 210
    col = w * 20 // 297
    horiz = dark_runs(px[row * w:(row + 1) * w])
    vert = dark_runs([px[y * w + col] for y in range(h)])
    # Pixel centres: a pixel i covers [i, i+1) → the run's centre is (start + end) / 2.
    lx = (horiz[0][0] + horiz[0][1]) / 2 * px_mm
    rx = (horiz[-1][0] + horiz[-1][1]) / 2 * px_mm
    ty = (vert[0][0] + vert[0][1]) / 2 * px_mm
    by = (vert[-1][0] + vert[-1][1]) / 2 * px_mm
    lw = (horiz[0][1] - horiz[0][0]) * px_mm
    return lx, rx, ty, by, lw


def trace(pdf, page):
    out = subprocess.run(["mutool", "trace", pdf, str(page)], check=True, capture_output=True).stdout
    return ET.fromstring(out)


def box_of(transform, page_h_pt):
    """The mm box (x, y, w, h, top-left origin) of an image drawn with TRANSFORM (a b c d e f)."""
    a, b, c, d, e, f = map(float, transform.split())
    # Images map the unit square; mutool's y axis already points down (page space of the
    # trace is the PDF's, flipped by mutool to top-left origin).
    return e * MM, f * MM, a * MM, d * MM


def geometry(pdf, page):
    good = True
    lx, rx, ty, by, lw = border(pdf, page)
    good &= ok(abs((rx - lx) - 269) <= TOL, f"border width {rx - lx:.2f} mm = 269 mm ±0.2")
    good &= ok(abs((by - ty) - 188) <= TOL, f"border height {by - ty:.2f} mm = 188 mm ±0.2")
    good &= ok(abs(lx - (297 - rx)) <= TOL and abs(ty - (210 - by)) <= TOL,
               f"border centred: margins {lx:.2f}/{297 - rx:.2f} mm, {ty:.2f}/{210 - by:.2f} mm")
    good &= ok(abs(lw - 2.25 * MM) <= 0.1, f"border line {lw:.2f} mm = 2.25 pt ±0.1 mm")

    root = trace(pdf, page)
    pg = root.find("page")
    page_h = float(pg.get("mediabox").split()[3])
    # Photo: the (clipped) image in the right page's top-left, covering the 35 × 49 mm slot.
    images = [(box_of(e.get("transform"), page_h), int(e.get("width")) / int(e.get("height")))
              for e in root.iter("fill_image")]
    clips = [e for e in root.iter("clip_path")]
    photos = [b for b in images if b[0][0] > 148.5 and b[0][1] < 100 and b[0][0] < 236]
    good &= ok(len(photos) == 1, f"one photo on the right page ({len(photos)})")
    if photos:
        (x, y, w, h), pixel_ratio = photos[0]
        # The image covers the slot (cover fit, cropped by a clip): it spans at least 35 × 49,
        # centred on the slot's centre.
        cx, cy = x + w / 2, y + h / 2
        good &= ok(w >= 35 - TOL and h >= 49 - TOL, f"photo covers 35 × 49 mm ({w:.2f} × {h:.2f})")
        good &= ok(abs(cx - (163 + 17.5)) <= TOL and abs(cy - (28 + 24.5)) <= TOL,
                   f"photo centred on its slot ({cx:.2f}, {cy:.2f})")
        good &= ok(abs(w / h - pixel_ratio) < 0.002,
                   f"photo not stretched: drawn {w / h:.4f}, pixels {pixel_ratio:.4f}")
    # The slot itself: a clip rectangle of 35 × 49 mm at (163, 28).
    rects = []
    for c in clips:
        pts = [(float(m.get("x")), float(m.get("y"))) for m in c if m.get("x") is not None]
        if len(pts) >= 4:
            xs, ys = [p[0] * MM for p in pts], [p[1] * MM for p in pts]
            rects.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    slot = [r for r in rects if abs(r[2] - 35) <= TOL and abs(r[3] - 49) <= TOL]
    good &= ok(len(slot) >= 1 and abs(slot[0][0] - 163) <= TOL and abs(slot[0][1] - 28) <= TOL,
               f"photo slot 35 × 49 mm at (163, 28): {slot[:1]}")
    # QR: one image mask, 30 × 30 mm at (236, 28), drawn without interpolation.
    masks = [(box_of(e.get("transform"), page_h), e) for e in root.iter("fill_image_mask")]
    good &= ok(len(masks) == 1, f"the QR code is one image mask ({len(masks)})")
    if masks:
        (x, y, w, h), _ = masks[0]
        good &= ok(abs(w - 30) <= TOL and abs(h - 30) <= TOL, f"QR symbol {w:.2f} × {h:.2f} mm = 30 × 30")
        good &= ok(abs(x - 236) <= TOL and abs(y - 28) <= TOL, f"QR at ({x:.2f}, {y:.2f}) = (236, 28)")

    # Font sizes: title 30, body and basic information 16, addresses 14 (SPEC §2).
    sizes = span_sizes(root)
    def size_of(text):
        for s, t in sizes:
            if text in t:
                return s
        return None
    for text, want in [("职业技能等级证书", 30), ("本证书由", 16), ("姓", 16), ("证书编号", 16),
                       ("证书信息查询网址", 14), ("机构信息查询网址", 14), ("发证日期", 16)]:
        got = size_of(text)
        good &= ok(got is not None and abs(got - want) < 0.01, f"'{text}' at {got} pt = {want} pt")
    # The certificate number itself (a value, not its label): 16 pt, never shrunk (SPEC §2).
    import re
    nums = [s for s, t in sizes if re.fullmatch(r"[YS][0-9]{21}", t)]
    good &= ok(len(nums) == 1 and abs(nums[0] - 16) < 0.01, f"the certificate number at {nums} pt = 16 pt")
    return good


def under_seal(with_seal, without_seal, page, box):
    """TAP lines: inside BOX (x, y, w, h mm) of PAGE at 300 dpi, every text pixel of WITHOUT_SEAL
    (grey < 100) is still as dark with the seal drawn over it (SPEC §2: the seal is ink on paper,
    multiplied, so it never hides the name and date), and the seal shows (red pixels)."""
    dpi = 300
    w, h, plain = raster(without_seal, page, dpi)
    w2, h2, sealed = raster(with_seal, page, dpi)
    px = dpi / 25.4
    x0, y0 = int(box[0] * px), int(box[1] * px)
    x1, y1 = int((box[0] + box[2]) * px), int((box[1] + box[3]) * px)
    text = lost = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            i = y * w + x
            if plain[i] < 100:
                text += 1
                lost += sealed[i] >= 100
    good = ok(w == w2 and h == h2 and text > 2000, f"{text} text pixels under the seal's box")
    good &= ok(lost == 0, f"no text pixel under the seal is lost at 300 dpi ({lost} of {text})")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", "50", "-f", str(page), "-l", str(page), with_seal,
                        d + "/p"], check=True)
        import glob
        data = open(glob.glob(d + "/p*.ppm")[0], "rb").read()
    parts = data.split(b"\n", 3)
    cw, ch = map(int, parts[1].split())
    rgb = parts[3]
    q = 50 / 25.4
    red = sum(1 for y in range(int(box[1] * q), int((box[1] + box[3]) * q))
              for x in range(int(box[0] * q), int((box[0] + box[2]) * q))
              if rgb[3 * (y * cw + x)] > rgb[3 * (y * cw + x) + 1] + 80)
    good &= ok(red > 100, f"the seal is printed ({red} red pixels at 50 dpi)")
    return good


def photo_upright(pdf, page):
    """TAP lines: the photo slot (x 163–198, y 28–77 mm, SPEC §2) of PAGE shows the fixture of
    tests/data/photo/make-exif.sh upright: red block top-left, blue block top-right, white below."""
    dpi = 100
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), pdf,
                        d + "/p"], check=True)
        import glob
        data = open(glob.glob(d + "/p*.ppm")[0], "rb").read()
    parts = data.split(b"\n", 3)
    w, _ = map(int, parts[1].split())
    rgb = parts[3]

    def colour(x_mm, y_mm):
        x, y = int(x_mm * dpi / 25.4), int(y_mm * dpi / 25.4)
        i = 3 * (y * w + x)
        r, g, b = rgb[i], rgb[i + 1], rgb[i + 2]
        if r > 150 and g < 80 and b < 80:
            return "red"
        if b > 150 and r < 80 and g < 80:
            return "blue"
        if min(r, g, b) > 200:
            return "white"
        return f"rgb({r},{g},{b})"
    # The blocks are 70 of 280 pixels: 8.75 mm; sampled at their centres.
    want = [((167.4, 32.4), "red"), ((193.6, 32.4), "blue"), ((167.4, 72.5), "white"),
            ((193.6, 72.5), "white")]
    got = [colour(x, y) for (x, y), _ in want]
    return ok(got == [c for _, c in want], f"page {page}: photo upright (top-left, top-right, "
              f"bottom-left, bottom-right: {', '.join(got)})")


def long_names(pdf, names_file):
    """TAP lines: page i shows name i of NAMES_FILE (as 职业名称 and 工种名称) whole, never below
    12 pt, inside the value column (x 202.51–280 mm, SPEC §2 right page) and above the border's
    bottom (199 mm); the lines of the basic information do not collide and every label sits on a
    line of its value (issue 10)."""
    names = [l.strip() for l in open(names_file, encoding="utf-8") if l.strip() and not l.startswith("#")]
    good = True
    for page, name in enumerate(names, 1):
        glyphs = []  # (y pt, x pt, size pt, advance pt, char)
        for span in trace(pdf, page).iter("span"):
            a, b, _, _ = map(float, span.get("trm").split())
            size = (a * a + b * b) ** 0.5
            for g in span.iter("g"):
                glyphs.append((float(g.get("y")), float(g.get("x")), size,
                               float(g.get("adv")) * size, g.get("unicode")))
        col = 202.51 / MM
        values = sorted(g for g in glyphs if g[1] >= col - 0.5 and g[0] > 100 / MM)
        labels = sorted(g for g in glyphs if 163 / MM - 0.5 <= g[1] < col - 0.5 and g[0] > 100 / MM)
        text = "".join(g[4] for g in values)
        whole = text.count(name) >= 2
        small = [g[2] for g in values if g[2] < 12 - 0.01]
        outside = [g for g in values if g[1] + g[3] > 280 / MM + 0.2 / MM or g[0] > 197 / MM]
        base = sorted({round(g[0], 2) for g in values})
        tight = [(p, q) for p, q in zip(base, base[1:]) if q - p < 12 * 1.2]
        orphan = sorted({round(g[0], 2) for g in labels} - set(base))
        sizes = sorted({round(g[2], 2) for g in values})
        good &= ok(whole and not small and not outside and not tight and not orphan,
                   f"page {page}: {name} whole twice at {sizes} pt (≥ 12), inside 202.5–280 mm "
                   f"and above 197 mm, lines apart, labels on their lines"
                   + ("" if whole else f" [text: {text}]") + (f" [outside {outside[:2]}]" if outside else "")
                   + (f" [tight {tight}]" if tight else "") + (f" [orphan labels {orphan}]" if orphan else ""))
    return good


def span_sizes(root):
    """(size in pt, text) of each text span: the size is the text matrix's scale."""
    out = []
    for span in root.iter("span"):
        a, b, c, d = map(float, span.get("trm").split())
        size = (a * a + b * b) ** 0.5
        out.append((round(size, 3), "".join(g.get("unicode") for g in span.iter("g"))))
    return out


# SPEC §4: every accepted form of a level, and the name a certificate prints.
LEVELS = {}
for code, full in enumerate(["一级/高级技师", "二级/技师", "三级/高级工", "四级/中级工", "五级/初级工"], 1):
    short, old = full.split("/")
    for form in (full, short, old, str(code)):
        LEVELS[form] = full


def page_texts(pdf):
    out = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True,
                         text=True).stdout
    return [t.replace(" ", "") for t in out.split("\f")]


def fields(pdf, records):
    import csv
    rows = list(csv.DictReader(open(records, encoding="utf-8-sig")))
    pages = [p for p in page_texts(pdf) if p.strip()]
    good = ok(len(pages) == len(rows), f"{len(pages)} pages for {len(rows)} records")
    for i, (row, text) in enumerate(zip(rows, pages), 1):
        want = {
            "姓名": row["姓名"],
            "证件类型": row.get("证件类型") or "居民身份证",
            "证件号码": row["证件号码"].upper(),
            "职业名称": row["职业名称"],
            "工种名称": row.get("工种名称") or "——",  # SPEC §2: empty prints two em dashes
            "职业技能等级": LEVELS[row["职业技能等级"].strip()],
        }
        missing = [f"{k}={v}" for k, v in want.items() if ("：" + v) not in text]
        good &= ok(not missing, f"page {i} shows every field of record {i} {missing}")
    return good


def numbers(pdf, prefix):
    import re
    good = True
    for i, text in enumerate([p for p in page_texts(pdf) if p.strip()], 1):
        m = re.search(r"证书编号：([A-Z0-9]+)", text)
        n = m.group(1) if m else ""
        good &= len(n) == 22 and n.startswith(prefix) and n[13:].isdigit()
        print(n)
    return good


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "fields":
        sys.exit(0 if fields(sys.argv[2], sys.argv[3]) else 1)
    if len(sys.argv) == 4 and sys.argv[1] == "numbers":
        sys.exit(0 if numbers(sys.argv[2], sys.argv[3]) else 1)
    if len(sys.argv) == 4 and sys.argv[1] == "geometry":
        sys.exit(0 if geometry(sys.argv[2], int(sys.argv[3])) else 1)
    if len(sys.argv) == 5 and sys.argv[1] == "under-seal":
        # The seal's box in templates/national.ini: x 96–136, y 100–140 mm.
        sys.exit(0 if under_seal(sys.argv[2], sys.argv[3], int(sys.argv[4]), (96, 100, 40, 40)) else 1)
    if len(sys.argv) == 4 and sys.argv[1] == "photo-upright":
        sys.exit(0 if photo_upright(sys.argv[2], int(sys.argv[3])) else 1)
    if len(sys.argv) == 4 and sys.argv[1] == "long-names":
        sys.exit(0 if long_names(sys.argv[2], sys.argv[3]) else 1)
    if len(sys.argv) == 4 and sys.argv[1] == "sizes":
        for s, t in span_sizes(trace(sys.argv[2], int(sys.argv[3]))):
            print(s, t)
        sys.exit(0)
    print(__doc__, file=sys.stderr)
    sys.exit(2)
