#!/usr/bin/env python3
"""readcheck.py - read a certificate PDF as its readers do: its text as extracted (pdftotext)
and, as a screen reader does, through its structure tree.

Usage: readcheck.py tagged PDF      TAP lines: every text each page shows is in marked content
                                    that a structure element holds; no form shows text (a form
                                    every page reuses cannot be tagged)
       readcheck.py untagged PDF    TAP line: no structure tree and no /MarkInfo (the combined
                                    print PDF: cairo would hold every page's tree to the end)
       readcheck.py read PDF PAGE   the page's structure elements in the tree's order, one a
                                    line: TYPE<TAB>the text it holds (its marked content's text,
                                    /ActualText where given, else the fonts' /ToUnicode)
       readcheck.py pairs PDF PAGE NAME LABEL VALUE [LABEL VALUE]...
                                    TAP lines, one per reading (pdftotext default, -raw, -layout;
                                    the structure tree's paragraphs, when the file has a tree):
                                    each LABEL once, directly
                                    followed by its VALUE, the labels in the order given
Reads the file as qpdf sees it (`qpdf --json`, streams decoded).  Content streams: only what a
cairo PDF holds (text in BT/ET, strings shown by Tj TJ ' ", marked content BDC/BMC/EMC).
"""
import base64
import json
import os
import re
import subprocess
import sys

FAILED = 0


def ok(cond, what):
    global FAILED
    print(("ok - " if cond else "not ok - ") + what)
    FAILED += not cond
    return cond


class Doc:
    def __init__(self, path):
        out = subprocess.run(
            ["qpdf", "--json=2", "--json-key=qpdf", "--json-stream-data=inline",
             "--decode-level=generalized", path], check=True, capture_output=True).stdout
        self.objs = json.loads(out)["qpdf"][1]
        self.trailer = self.objs["trailer"]["value"]
        self.cmaps = {}

    def get(self, v):
        if isinstance(v, str) and v.endswith(" R"):
            o = self.objs["obj:" + v]
            return o["value"] if "value" in o else o["stream"]["dict"]
        return v

    def data(self, ref):
        return base64.b64decode(self.objs["obj:" + ref]["stream"]["data"])

    def pages(self):
        """The page references in order."""
        out = []

        def walk(ref):
            node = self.get(ref)
            if node.get("/Type") == "/Pages":
                for kid in node["/Kids"]:
                    walk(kid)
            else:
                out.append(ref)
        walk(self.get(self.trailer["/Root"])["/Pages"])
        return out

    def contents(self, page):
        c = self.get(page).get("/Contents")
        refs = c if isinstance(c, list) else [c]
        return b"\n".join(self.data(r) for r in refs)

    def cmap(self, font_ref):
        """(bytes per code, {code: text}) of a font, from its /ToUnicode."""
        if font_ref in self.cmaps:
            return self.cmaps[font_ref]
        font = self.get(font_ref)
        width = 2 if font.get("/Subtype") == "/Type0" else 1
        table = {}
        if "/ToUnicode" in font:
            text = self.data(font["/ToUnicode"]).decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
                for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                    table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
            for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
                for lo, hi, dst in re.findall(
                        r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                    first = int(dst, 16)
                    for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                        table[code] = chr(first + i)
        self.cmaps[font_ref] = (width, table)
        return self.cmaps[font_ref]


TOKEN = re.compile(rb"""
    (?P<ws>\s+|%[^\r\n]*)
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<dict><<|>>)
  | (?P<arr>[\[\]])
  | (?P<name>/[^\s/\[\]<>(){}%]*)
  | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<str>\()
  | (?P<op>[^\s/\[\]<>(){}%]+)
""", re.X)


def literal(data, i):
    """The literal string starting after the '(' at I: (bytes, index after its ')')."""
    out, depth = bytearray(), 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while True:
        c = data[i]
        i += 1
        if c == ord("\\"):
            n = data[i]
            if n in escapes:
                out.append(escapes[n])
                i += 1
            elif 48 <= n <= 55:
                m = re.match(rb"[0-7]{1,3}", data[i:i + 3])
                out.append(int(m.group(), 8) & 255)
                i += len(m.group())
            elif n in (10, 13):
                i += 1
            else:
                out.append(n)
                i += 1
            continue
        if c == ord("("):
            depth += 1
        elif c == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i
        out.append(c)


def operations(data):
    """(operands, operator) of a content stream; strings as ("s", bytes)."""
    i, stack, operands = 0, [], []
    while i < len(data):
        m = TOKEN.match(data, i)
        if m is None:
            i += 1
            continue
        kind, tok = m.lastgroup, m.group()
        i = m.end()
        if kind == "ws":
            continue
        if kind == "str":
            s, i = literal(data, i)
            value = ("s", s)
        elif kind == "hex":
            value = ("s", bytes.fromhex(re.sub(rb"\s", b"", tok[1:-1]).decode()))
        elif kind in ("dict", "arr") and tok in (b"<<", b"["):
            stack.append(operands)
            operands = []
            continue
        elif kind in ("dict", "arr"):
            inner, operands = operands, stack.pop()
            value = ("d", inner) if tok == b">>" else ("a", inner)
        elif kind == "name":
            value = ("n", tok.decode("latin-1"))
        elif kind == "num":
            value = ("f", float(tok))
        elif tok == b"BI":  # an inline image: skipped whole
            end = data.find(b"EI", data.find(b"ID", i))
            i = end + 2
            operands = []
            continue
        elif tok in (b"true", b"false", b"null"):
            value = ("k", tok)
        else:
            yield operands, tok.decode("latin-1")
            operands = []
            continue
        operands.append(value)


def mcid_of(operands):
    """The MCID and /ActualText of a BDC's property list given inline."""
    props = operands[1][1] if len(operands) > 1 and operands[1][0] == "d" else []
    mcid = actual = None
    for k, v in zip(props[::2], props[1::2]):
        if k == ("n", "/MCID"):
            mcid = int(v[1])
        elif k == ("n", "/ActualText"):
            raw = v[1]
            actual = raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1")
    return mcid, actual


def decode(doc, font, s):
    width, table = doc.cmap(font)
    codes = [int.from_bytes(s[i:i + width], "big") for i in range(0, len(s), width)]
    return "".join(table.get(c, "\ufffd") for c in codes)


def page_texts(doc, page):
    """{MCID: text} of a page's marked content, and the texts shown outside any MCID."""
    fonts = doc.get(doc.get(page).get("/Resources", {})).get("/Font", {})
    fonts = doc.get(fonts)
    by_mcid, untagged = {}, []
    stack = []  # per open marked content: [mcid, actualtext, collected text]
    font = None
    for operands, op in operations(doc.contents(page)):
        if op in ("BDC", "BMC"):
            mcid, actual = mcid_of(operands) if op == "BDC" else (None, None)
            stack.append([mcid, actual, ""])
        elif op == "EMC" and stack:
            mcid, actual, text = stack.pop()
            if actual is not None:
                text = actual
            if mcid is not None:
                by_mcid[mcid] = by_mcid.get(mcid, "") + text
            elif stack:
                stack[-1][2] += text
            elif text:
                untagged.append(text)
        elif op == "Tf":
            font = fonts[operands[0][1]]
        elif op in ("Tj", "'", '"', "TJ"):
            strings = operands[-1][1] if op == "TJ" else [operands[-1]]
            text = "".join(decode(doc, font, s) for kind, s in strings if kind == "s")
            if stack:
                stack[-1][2] += text
            else:
                untagged.append(text)
    return by_mcid, untagged


def struct_elements(doc):
    """Every structure element in the tree's order: (type, page ref, [MCIDs])."""
    root = doc.get(doc.trailer["/Root"])
    out = []

    def walk(ref, page):
        node = doc.get(ref)
        if isinstance(node, dict) and node.get("/Type") not in (None, "/StructElem", "/StructTreeRoot"):
            return
        page = node.get("/Pg", page) if isinstance(node, dict) else page
        kids = node.get("/K", []) if isinstance(node, dict) else node
        kids = kids if isinstance(kids, list) else [kids]
        mcids, children = [], []
        for k in kids:
            k = doc.get(k) if isinstance(k, str) else k
            if isinstance(k, int):
                mcids.append(k)
            elif isinstance(k, dict) and "/MCID" in k:
                mcids.append(k["/MCID"])
            elif isinstance(k, dict) or isinstance(k, list):
                children.append(k)
        if isinstance(node, dict) and node.get("/Type") != "/StructTreeRoot" and "/S" in node:
            out.append((node["/S"][1:], page, mcids))
        for k in kids:
            if isinstance(k, str) and k.endswith(" R"):
                walk(k, page)
            elif isinstance(k, dict) and "/MCID" not in k and "/S" in k:
                walk(k, page)
    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"], None)
    return out


def forms_with_text(doc):
    """The form XObjects that show text."""
    out = []
    for key, o in doc.objs.items():
        if not key.startswith("obj:") or "stream" not in o:
            continue
        d = o["stream"]["dict"]
        if d.get("/Subtype") == "/Form" and any(op in ("Tj", "TJ", "'", '"') for _, op in
                                                operations(doc.data(key[4:]))):
            out.append(key[4:])
    return out


def tagged(path):
    doc = Doc(path)
    name = os.path.basename(path)
    elements = struct_elements(doc)
    pages = doc.pages()
    untagged_pages, unheld = [], []
    for n, page in enumerate(pages, 1):
        by_mcid, untagged = page_texts(doc, page)
        held = {m for _, pg, mcids in elements if pg == page for m in mcids}
        if untagged:
            untagged_pages.append((n, untagged[0]))
        unheld += [(n, t) for m, t in by_mcid.items() if t and m not in held]
    ok(not untagged_pages, "%s: every text of its %d pages is marked content%s" % (
        name, len(pages), "" if not untagged_pages else " (page %d: %r is not)" % untagged_pages[0]))
    ok(not unheld, "%s: a structure element holds each%s" % (
        name, "" if not unheld else " (page %d: %r is held by none)" % unheld[0]))
    forms = forms_with_text(doc)
    ok(not forms, "%s: no form shows text%s" % (name, "" if not forms else " (" + forms[0] + ")"))


def read(path, number):
    doc = Doc(path)
    page = doc.pages()[number - 1]
    by_mcid, _ = page_texts(doc, page)
    for kind, pg, mcids in struct_elements(doc):
        if pg == page:
            print("%s\t%s" % (kind, "".join(by_mcid.get(m, "") for m in mcids)))


def has_tree(path):
    doc = Doc(path)
    return "/StructTreeRoot" in doc.get(doc.trailer["/Root"])


def untagged(path):
    doc = Doc(path)
    root = doc.get(doc.trailer["/Root"])
    ok("/StructTreeRoot" not in root and "/MarkInfo" not in root,
       "%s: no structure tree, no /MarkInfo (a print file, not tagged)" % os.path.basename(path))


def paragraphs(path, number):
    """The text of the page's paragraphs (P), one a line, in the structure tree's order."""
    doc = Doc(path)
    page = doc.pages()[number - 1]
    by_mcid, _ = page_texts(doc, page)
    return "\n".join("".join(by_mcid.get(m, "") for m in mcids)
                     for kind, pg, mcids in struct_elements(doc) if pg == page and kind == "P")


def in_order(text, pairs):
    """None when each label is in TEXT once, directly followed by its value, in the order given;
    else what is wrong."""
    at = -1
    for label, value in pairs:
        if text.count(label) != 1:
            return "%s is there %d times" % (label, text.count(label))
        where = text.find(label)
        if not text.startswith(value, where + len(label)):
            line = text[where:].split("\n", 1)[0]
            return "%s is followed by %r, not %r" % (label, line[len(label):], value)
        if where < at:
            return "%s comes before the label above it" % label
        at = where
    return None


def pairs(path, number, name, args):
    pairs = list(zip(args[::2], args[1::2]))
    readings = [("pdftotext" + (" " + m if m else ""),
                 subprocess.run(["pdftotext"] + ([m] if m else []) +
                                ["-f", str(number), "-l", str(number), path, "-"],
                                check=True, capture_output=True, text=True).stdout)
                for m in ("", "-raw", "-layout")]
    if has_tree(path):
        readings.append(("the structure tree", paragraphs(path, number)))
    for how, text in readings:
        wrong = in_order(text, pairs)
        ok(wrong is None, "%s, %s: each label followed by its value, in order%s" % (
            name, how, "" if wrong is None else " (" + wrong + ")"))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "tagged":
        tagged(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "untagged":
        untagged(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "read":
        read(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 7 and sys.argv[1] == "pairs" and len(sys.argv) % 2 == 1:
        pairs(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5:])
    else:
        sys.exit(__doc__)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
