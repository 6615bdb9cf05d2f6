#!/usr/bin/env python3
"""records.py OUTDIR N... - synthetic records files for the benchmark: valid 居民身份证 numbers
(GB 11643 check digit), mixed levels and occupations, a distinct photo per record (made by
photos.c into OUTDIR/photos: p00000.jpg …, every fifth a photographic PNG; past BENCH_PHOTOS
records, 10,000 by default, the photos repeat)."""
import csv
import datetime
import os
import random
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(i):
    """A distinct valid number for each i below 1,000 × 6,000: 1,000 sequence numbers a birth
    date, the dates 1960-01-01 plus (i // 1000) × 37 days (mod 6,000)."""
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=(i // 1000) * 37 % 6000)
    s = "440104%s%03d" % (born.strftime("%Y%m%d"), i % 1000)
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, W)) % 11]


out = sys.argv[1]
# BENCH_PHOTOS: how many distinct photos photos.c made; record i shows photo i modulo that.
photos = int(os.environ.get("BENCH_PHOTOS", "10000"))

family = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
jobs = [("电工", ""), ("焊工", "电焊工"), ("保育师", ""), ("中式烹调师", ""), ("育婴员", ""),
        ("车工", ""), ("养老护理员", ""), ("电子商务师", "")]
random.seed(1)
for n in map(int, sys.argv[2:]):
    with open("%s/records-%d.csv" % (out, n), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "证件号码", "职业名称", "工种名称", "职业技能等级", "照片"])
        for i in range(n):
            occ, work = jobs[i % len(jobs)]
            name = random.choice(family) + "".join(random.choice(given) for _ in range(random.randint(1, 2)))
            # Distinct holders: the level and the ID sequence vary with i.
            w.writerow([name, id_number(i), occ, work, str(1 + i % 5), "p%05d.%s" % (i % photos, "png" if i % photos % 5 == 4 else "jpg")])
