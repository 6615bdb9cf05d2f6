#!/usr/bin/env python3
"""pngcheck.py - PNG photos passed into a PDF as they are (issue 15).
  make PNG W H      an 8-bit RGB photo-like PNG (gradient and noise), its rows filtered with each
                    of the five PNG filters in turn, so a reader must apply every predictor
  same PNG PPM      whether the PNG's pixels equal the PPM's (what pdfimages extracts)"""
import random
import struct
import sys
import zlib


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def predict(f, line, prev, i, bpp):
    a = line[i - bpp] if i >= bpp else 0
    b = prev[i]
    c = prev[i - bpp] if i >= bpp else 0
    return (0, a, b, (a + b) // 2, paeth(a, b, c))[f]


def make(path, w, h):
    random.seed(15)
    rows, raw, prev = [], bytearray(), bytearray(w * 3)
    for y in range(h):
        line = bytearray(min(255, max(0, 60 + (x + y) // 5 + 40 * c + random.randint(-9, 9)))
                         for x in range(w) for c in range(3))
        f = y % 5
        raw.append(f)
        raw += bytes((line[i] - predict(f, line, prev, i, 3)) & 255 for i in range(w * 3))
        prev = line
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    z = zlib.compress(bytes(raw))
    png += chunk(b"IDAT", z[: len(z) // 2]) + chunk(b"IDAT", z[len(z) // 2:]) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


def pixels(path):
    d, pos, idat = open(path, "rb").read(), 8, b""
    while pos < len(d):
        n, t = struct.unpack(">I4s", d[pos:pos + 8])
        if t == b"IHDR":
            w, h, _, ct = struct.unpack(">IIBB", d[pos + 8:pos + 18])
        elif t == b"IDAT":
            idat += d[pos + 8:pos + 8 + n]
        pos += 12 + n
    bpp = {0: 1, 2: 3}[ct]
    raw, out, prev, s = zlib.decompress(idat), bytearray(), bytearray(w * bpp), w * bpp
    for y in range(h):
        f, line = raw[y * (s + 1)], bytearray(raw[y * (s + 1) + 1:(y + 1) * (s + 1)])
        for i in range(s):
            line[i] = (line[i] + predict(f, line, prev, i, bpp)) & 255
        out += line
        prev = line
    return w, h, bytes(out)


def ppm(path):
    magic, size, _, data = open(path, "rb").read().split(b"\n", 3)
    w, h = map(int, size.split())
    return w, h, data


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "same":
        sys.exit(0 if pixels(sys.argv[2]) == ppm(sys.argv[3]) else 1)
    print(__doc__, file=sys.stderr)
    sys.exit(2)
