#!/usr/bin/env python3
"""printcheck.py - measure printing on stock from the PDF as a reader sees it (issue 12).

  printcheck.py moved REF.pdf OUT.pdf OX OY S
      every word (pdftotext -bbox) and image (mutool trace) of REF's page 1 is on OUT's page 1 at
      (x * S + OX, y * S + OY), OX/OY in mm; nothing else is there.  One TAP line.
  printcheck.py marks CAL.pdf TEMPLATE STOCK OX OY S
      the calibration page has a cross-hair at each corner of every element STOCK does not carry
      (worked out here from the template's [stock] sections), moved by the correction, and none
      elsewhere; the ruler numbers sit at their millimetre, uncorrected.  TAP lines.
Tolerance 0.2 mm (DESIGN.md quality bar).
"""
import configparser
import fnmatch
import re
import subprocess
import sys

PT = 72 / 25.4
TOL = 0.2 * PT


def words(pdf):
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    pat = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(m[5], float(m[1]), float(m[2])) for m in re.finditer(pat, out)]


def trace(pdf):
    return subprocess.run(["mutool", "trace", pdf, "1"], capture_output=True, text=True,
                          check=True).stdout


def images(pdf):
    """(a, d, e, f) of every image drawn on page 1."""
    found = []
    for m in re.finditer(r'<fill_image(?:_mask)? [^>]*transform="([^"]+)"', trace(pdf)):
        a, _b, _c, d, e, f = (float(v) for v in m[1].split())
        found.append((a, d, e, f))
    return found


def moved(ref, out, ox, oy, s):
    ox, oy = ox * PT, oy * PT
    bad = []
    rw, ow = words(ref), words(out)
    for text, x, y in rw:
        want = (x * s + ox, y * s + oy)
        if not any(t == text and abs(x2 - want[0]) < TOL and abs(y2 - want[1]) < TOL
                   for t, x2, y2 in ow):
            near = [(round(x2, 2), round(y2, 2)) for t, x2, y2 in ow if t == text]
            bad.append(f"{text}: want ({want[0]:.2f}, {want[1]:.2f}) pt, found {near}")
    ri, oi = images(ref), images(out)
    for a, d, e, f in ri:
        want = (a * s, d * s, e * s + ox, f * s + oy)
        if not any(all(abs(p - q) < TOL for p, q in zip(want, got)) for got in oi):
            bad.append(f"image at ({e:.2f}, {f:.2f}): want {want}, found {oi}")
    if len(rw) != len(ow) or len(ri) != len(oi):
        bad.append(f"{len(ow)} words, {len(oi)} images; want {len(rw)}, {len(ri)}")
    name = f"{len(rw)} words and {len(ri)} images at template × {s} + ({ox / PT}, {oy / PT}) mm"
    if bad:
        print(f"not ok - {name}")
        for b in bad[:10]:
            print(f"# {b}")
    else:
        print(f"ok - {name}")


def length(v):
    m = re.fullmatch(r"\s*([-\d.]+)\s*(mm|pt)\s*", v)
    return float(m[1]) * (1 if m[2] == "mm" else 25.4 / 72)


def expected_marks(template, stock):
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(template, encoding="utf-8")
    stocks = {s[6:].strip(): ini[s] for s in ini.sections() if s.startswith("stock ")}
    carried = []
    while stock:
        carried += [p.strip() for p in stocks[stock].get("preprinted", "").split(",") if p.strip()]
        stock = stocks[stock].get("based_on")
    marks = []
    for sec in ini.sections():
        if sec == "template" or sec.startswith("stock ") or any(
                fnmatch.fnmatchcase(sec, p) for p in carried):
            continue
        e = ini[sec]
        x, y, w, h = (length(e.get(k, "0mm")) for k in ("x", "y", "width", "height"))
        if e["type"] == "line":
            marks += [(x, y), (x + w, y + h)]
        else:
            marks += [(x, y), (x + w, y), (x, y + h), (x + w, y + h)]
    return marks


def found_marks(pdf):
    """Centres (mm) of the cross-hairs: paths of two 8 mm arms crossing at their middles."""
    centres = []
    for m in re.finditer(r"<stroke_path [^>]*>(.*?)</stroke_path>", trace(pdf), re.S):
        pts = [(float(a), float(b)) for a, b in
               re.findall(r'<(?:moveto|lineto) x="([-\d.]+)" y="([-\d.]+)"/>', m[1])]
        for i in range(0, len(pts) - 3, 4):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[i:i + 4]
            if abs(y0 - y1) < 1e-3 and abs(x2 - x3) < 1e-3 and abs(x1 - x0) > 7 * PT:
                centres.append(((x0 + x1) / 2 / PT, (y2 + y3) / 2 / PT))
    return centres


def marks(cal, template, stock, ox, oy, s):
    want = sorted((x * s + ox, y * s + oy) for x, y in expected_marks(template, stock))
    got = sorted(found_marks(cal))
    missing = [w for w in want if not any(abs(w[0] - g[0]) < 0.2 and abs(w[1] - g[1]) < 0.2
                                          for g in got)]
    extra = len(got) - len(want)
    name = f"{len(want)} cross-hairs at the box corners × {s} + ({ox}, {oy}) mm"
    if missing or extra:
        print(f"not ok - {name}")
        print(f"# missing {missing[:5]}, {extra} more found than wanted")
    else:
        print(f"ok - {name}")
    # Ruler numbers: "N" just right of its N mm tick on the top ruler, whatever the correction.
    top = [(t, x) for t, x, y in words(cal) if t.isdigit() and y < 9.5 * PT]
    off = [(t, round(x / PT, 2)) for t, x in top if abs(x / PT - 0.4 - int(t)) > 0.2]
    if len(top) >= 25 and not off:
        print(f"ok - {len(top)} top ruler numbers at their millimetre")
    else:
        print(f"not ok - ruler numbers ({len(top)} found; off: {off[:5]})")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "moved":
        moved(args[0], args[1], *(float(v) for v in args[2:5]))
    elif cmd == "marks":
        marks(args[0], args[1], args[2], *(float(v) for v in args[3:6]))
