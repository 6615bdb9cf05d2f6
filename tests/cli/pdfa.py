#!/usr/bin/env python3
"""pdfa.py - check a PDF against the PDF/A-2b clauses (ISO 19005-2) that skillcert's finish
stage must meet (issue 13).  No validator (veraPDF) can be installed here: this reads the file as
qpdf sees it (`qpdf --json`, streams decoded) and the raw bytes for the header.

Usage: pdfa.py PDF...     one TAP line per clause per file; status 1 if any fails

Checked (clause of ISO 19005-2):
  6.1.2   header %PDF-1.n (n <= 7) followed by a comment line of four bytes >= 128
  6.1.3   trailer /ID of two strings; no /Encrypt
  6.1.7   no external streams (/F, /FFilter in a stream dictionary)
  6.2.2/3 exactly one PDF/A OutputIntent (/S /GTS_PDFA1), its DestOutputProfile an ICC profile
          of an RGB or grey output/display class with /N matching; every OutputIntent with a
          profile uses the same one (embedded once)
  6.2.8   no image with /Interpolate true, /Alternates or /OPI
  6.2.5   no /TR (transfer function) in a graphics state; /TR2 only /Default
  6.2.11  every font embedded (FontFile, FontFile2 or FontFile3 in each descriptor, Type0 through
          its descendant); every CIDFontType2 has /CIDToGIDMap
  6.3.2/3 every annotation has /F with Print set and Hidden, Invisible, NoView, ToggleNoView
          clear; every annotation but Link and Popup with a non-empty /Rect has /AP
  6.5/6.6 no JavaScript (names tree, /S /JavaScript actions), no /Launch, /Sound, /Movie,
          /ResetForm, /ImportData actions; no /AA in the catalog or on pages
  6.6.2   a /Metadata XMP stream in the catalog, unfiltered, with pdfaid:part 2 and
          pdfaid:conformance B; the document information (Title, Author, Subject, Keywords,
          Creator, Producer, CreationDate, ModDate) equal to its XMP counterparts; info dates in
          the D:YYYYMMDDHHmmSS+HH'mm' form
  6.8     no embedded files (/EmbeddedFiles)
Not checked: font programs themselves (glyph widths matching the font, 6.2.11.5), the ICC
profile's contents beyond its header, content stream operators and colour spaces used inside
content streams (6.2.4: DeviceCMYK with an RGB intent), transparency group colour spaces
(6.2.10), implementation limits (6.1.13), XMP extension schema descriptions (6.6.2.3), and the
PDF/A rules on digital signatures' byte ranges (6.1.3's incremental updates are allowed).
"""
import base64
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
FAILED = 0


def ok(cond, what):
    global FAILED
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        FAILED += 1
    return cond


def load(path):
    out = subprocess.run(
        ["qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=inline",
         "--decode-level=generalized", path],
        check=True, capture_output=True).stdout
    q = json.loads(out)["qpdf"][1]
    return q


def text(v):
    """A PDF string from qpdf's JSON: u:text or b:hex (UTF-16BE with BOM or PDFDocEncoding)."""
    if v.startswith("u:"):
        return v[2:]
    raw = bytes.fromhex(v[2:])
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


class Doc:
    def __init__(self, path):
        self.path = path
        self.objs = load(path)
        self.trailer = self.objs["trailer"]["value"]

    def get(self, v):
        """Resolve a reference: the object's value, or its stream's dictionary."""
        if isinstance(v, str) and v.endswith(" R"):
            o = self.objs.get("obj:" + v)
            if o is None:
                return None
            return o["value"] if "value" in o else o["stream"]["dict"]
        return v

    def stream(self, ref):
        o = self.objs.get("obj:" + ref)
        return o["stream"] if o and "stream" in o else None

    def dicts(self):
        """Every indirect dictionary (streams: their dictionary), with its reference."""
        for k, o in self.objs.items():
            if not k.startswith("obj:"):
                continue
            d = o["value"] if "value" in o else o["stream"]["dict"]
            if isinstance(d, dict):
                yield k[4:], d, "stream" in o

    def direct_dicts(self):
        """Every dictionary, direct ones nested anywhere included."""
        def walk(v):
            if isinstance(v, dict):
                yield v
                for x in v.values():
                    yield from walk(x)
            elif isinstance(v, list):
                for x in v:
                    yield from walk(x)
        for _, d, _ in self.dicts():
            yield from walk(d)


def check_header(path):
    with open(path, "rb") as f:
        head = f.read(64)
    m = re.match(rb"%PDF-1\.([0-7])\r?\n%([\x80-\xff]{4})", head)
    ok(m is not None, f"{path}: 6.1.2 header %PDF-1.n and a binary comment")


def check_trailer(doc):
    ids = doc.trailer.get("/ID")
    ok(isinstance(ids, list) and len(ids) == 2, f"{doc.path}: 6.1.3 trailer /ID")
    ok("/Encrypt" not in doc.trailer, f"{doc.path}: 6.1.3 not encrypted")
    ext = [r for r, d, s in doc.dicts() if s and ("/F" in d or "/FFilter" in d)]
    ok(not ext, f"{doc.path}: 6.1.7 no external streams {ext}")


def check_output_intent(doc, root):
    intents = [doc.get(i) for i in doc.get(root.get("/OutputIntents", [])) or []]
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    ok(len(pdfa) == 1, f"{doc.path}: 6.2.3 one PDF/A OutputIntent")
    profiles = {i.get("/DestOutputProfile") for i in intents if "/DestOutputProfile" in i}
    ok(len(profiles) == 1, f"{doc.path}: 6.2.3 one embedded profile")
    if len(pdfa) != 1 or "/DestOutputProfile" not in pdfa[0]:
        return
    s = doc.stream(pdfa[0]["/DestOutputProfile"])
    icc = base64.b64decode(s["data"])
    space, cls = icc[16:20], icc[12:16]
    n = s["dict"].get("/N")
    good = icc[36:40] == b"acsp" and cls in (b"mntr", b"prtr") and (
        (space == b"RGB " and n == 3) or (space == b"GRAY" and n == 1))
    ok(good, f"{doc.path}: 6.2.3 output profile is ICC {space!r} {cls!r}, /N {n}")


def check_images_gs(doc):
    bad = [r for r, d, _ in doc.dicts() if d.get("/Subtype") == "/Image" and (
        d.get("/Interpolate") is True or "/Alternates" in d or "/OPI" in d)]
    ok(not bad, f"{doc.path}: 6.2.8 no /Interpolate true, /Alternates, /OPI on images {bad}")
    gs = [d for d in doc.direct_dicts() if "/TR" in d or d.get("/TR2", "/Default") != "/Default"]
    ok(not gs, f"{doc.path}: 6.2.5 no transfer functions")


def font_embedded(doc, font):
    fd = doc.get(font.get("/FontDescriptor"))
    return fd is not None and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_fonts(doc):
    fonts = [(r, d) for r, d, _ in doc.dicts() if d.get("/Type") == "/Font"]
    bad = []
    for r, f in fonts:
        sub = f.get("/Subtype")
        if sub == "/Type0":
            continue  # its descendant is checked as a font of its own
        if sub == "/Type3":
            continue  # glyphs are content streams: nothing to embed
        if not font_embedded(doc, f):
            bad.append(r)
    ok(fonts and not bad, f"{doc.path}: 6.2.11.4 every font embedded {bad}")
    cid = [r for r, f in fonts if f.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in f]
    ok(not cid, f"{doc.path}: 6.2.11.3.2 /CIDToGIDMap on every CIDFontType2 {cid}")


def check_annotations(doc):
    bad = []
    for r, d, _ in doc.dicts():
        if d.get("/Type") != "/Annot" and "/Subtype" not in d or "/Rect" not in d:
            continue
        if d.get("/Subtype") in ("/Image", "/Form", None):
            continue
        flags = d.get("/F", 0)
        if not (flags & 4) or (flags & (1 | 2 | 32 | 256)):
            bad.append(f"{r} /F {flags}")
        rect = d["/Rect"]
        empty = rect[0] == rect[2] or rect[1] == rect[3]
        if d.get("/Subtype") not in ("/Link", "/Popup") and not empty and "/AP" not in d:
            bad.append(f"{r} no /AP")
    ok(not bad, f"{doc.path}: 6.3.2/6.3.3 annotations printed, with appearances {bad}")


def check_actions(doc, root):
    names = doc.get(root.get("/Names")) or {}
    ok("/JavaScript" not in names, f"{doc.path}: 6.6.1 no JavaScript name tree")
    ok("/EmbeddedFiles" not in names, f"{doc.path}: 6.8 no embedded files")
    forbidden = {"/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData"}
    acts = [d.get("/S") for d in doc.direct_dicts() if d.get("/S") in forbidden]
    ok(not acts, f"{doc.path}: 6.6.1 no forbidden actions {acts}")
    aa = "/AA" in root or any(d.get("/Type") == "/Page" and "/AA" in d for _, d, _ in doc.dicts())
    ok(not aa, f"{doc.path}: 6.6.2 no additional actions on the catalog or pages")


def xmp_values(xmp):
    rdf = ET.fromstring(xmp).find("rdf:RDF", NS)
    out = {}
    for desc in rdf.findall("rdf:Description", NS):
        for el in desc:
            items = [li.text or "" for li in el.iter("{%s}li" % NS["rdf"])]
            out[el.tag] = ", ".join(items) if items else (el.text or "")
        for k, v in desc.attrib.items():
            out[k] = v
    return out


def iso_of(pdfdate):
    m = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)'", pdfdate)
    if not m:
        return None
    g = m.groups()
    return f"{g[0]}-{g[1]}-{g[2]}T{g[3]}:{g[4]}:{g[5]}{g[6]}{g[7]}:{g[8]}"


def check_metadata(doc, root):
    ref = root.get("/Metadata")
    s = doc.stream(ref) if isinstance(ref, str) else None
    if not ok(s is not None, f"{doc.path}: 6.6.2.1 XMP metadata stream in the catalog"):
        return
    ok("/Filter" not in s["dict"], f"{doc.path}: 6.6.2.1 the XMP stream is not filtered")
    x = xmp_values(base64.b64decode(s["data"]))
    q = lambda ns, k: x.get("{%s}%s" % (NS[ns], k))
    ok(q("pdfaid", "part") == "2" and q("pdfaid", "conformance") == "B",
       f"{doc.path}: 6.6.4 pdfaid:part 2, pdfaid:conformance B")
    info = doc.get(doc.trailer.get("/Info")) or {}
    pairs = {"/Title": ("dc", "title"), "/Author": ("dc", "creator"),
             "/Subject": ("dc", "description"), "/Keywords": ("pdf", "Keywords"),
             "/Creator": ("xmp", "CreatorTool"), "/Producer": ("pdf", "Producer"),
             "/CreationDate": ("xmp", "CreateDate"), "/ModDate": ("xmp", "ModifyDate")}
    bad = []
    for key, (ns, name) in pairs.items():
        if key not in info:
            continue
        v = text(info[key])
        if key.endswith("Date"):
            if iso_of(v) is None:
                bad.append(f"{key} {v!r} not D:…+HH'mm'")
            v = iso_of(v)
        if q(ns, name) != v:
            bad.append(f"{key} {v!r} ≠ {ns}:{name} {q(ns, name)!r}")
    ok(not bad, f"{doc.path}: 6.6.3 document information equal to the XMP {bad}")


def check(path):
    check_header(path)
    doc = Doc(path)
    root = doc.get(doc.trailer["/Root"])
    check_trailer(doc)
    check_output_intent(doc, root)
    check_images_gs(doc)
    check_fonts(doc)
    check_annotations(doc)
    check_actions(doc, root)
    check_metadata(doc, root)


if __name__ == "__main__":
    for p in sys.argv[1:]:
        check(p)
    sys.exit(1 if FAILED else 0)
