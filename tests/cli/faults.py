#!/usr/bin/env python3
"""faults.py - helpers of tests/cli/test-faults.sh and test-kill.sh.

  faults.py plan TRACE OUTDIR REGISTER SEED [OUTPUT-ONLY]
      From the trace of a clean run under the fault shim (SC_FAULT_TRACE: "KIND N PATH" per call,
      in order), the calls to fail, one per line: "KIND N ERRNO WHERE".  Every call of every kind
      but write; of the writes, the first and last to each file and a few between (seeded), and
      the first two and last two writes of each file in the window.  OUTPUT-ONLY (1): before the window, only calls on OUTDIR's files
      (the register's are the same in every mode).  WHERE says when the call happens:
        before  before the first output file is renamed to its final name
        window  from that rename up to the register's commit (its -wal synced): the only calls
                whose failure may leave files in place whose numbers are not issued
        after   after the commit
  faults.py numbers REGISTER
      The register's certificate numbers, sorted, one per line (read-only; nothing if none).
  faults.py records N FILE
      N records with distinct valid 居民身份证 numbers, mixed levels, the example's photos.
"""
import csv
import os
import random
import sqlite3
import sys

ERRNO = {"write": "ENOSPC", "fsync": "EIO", "fdatasync": "EIO", "rename": "EIO", "link": "EIO",
         "close": "EIO", "ftruncate": "EIO", "open": "ENOSPC", "unlink": "EACCES"}


def plan(trace, outdir, register, seed, output_only):
    calls = []
    with open(trace, encoding="utf-8", errors="replace") as f:
        for line in f:
            kind, n, path = line.rstrip("\n").split(" ", 2)
            calls.append((kind, int(n), path))
    outdir = outdir.rstrip("/") + "/"
    # The window opens with the first rename to a final name in OUTDIR.  The register's commit
    # (WAL, synchronous=FULL) writes its frames to REGISTER-wal and syncs it; the checkpoint that
    # follows (on close) is the first call on REGISTER itself.  The window closes with the -wal's
    # sync after the commit's last frame: the commit is durable from then on.
    start = end = None
    wal = register + "-wal"
    for i, (kind, n, path) in enumerate(calls):
        name = os.path.basename(path)
        if (kind == "rename" and path.startswith(outdir) and not name.startswith(".")
                and "skillcert-tmp" not in name):
            start = i
            break
    checkpoint = next((i for i in range(start or 0, len(calls)) if calls[i][2] == register),
                      len(calls))
    last_frame = max((i for i in range(start or 0, checkpoint)
                      if calls[i][0] == "write" and calls[i][2] == wal), default=None)
    if last_frame is not None:
        end = next((i for i in range(last_frame, checkpoint)
                    if calls[i][0] == "fdatasync" and calls[i][2] == wal), None)
    if start is None or end is None:
        sys.exit("faults.py: no output rename or no register commit in %s" % trace)

    def where(i):
        return "before" if i < start else "window" if i <= end else "after"

    chosen = set()
    by_path = {}
    for i, (kind, n, path) in enumerate(calls):
        if output_only and i < start and not path.startswith(outdir):
            continue
        if kind != "write":
            chosen.add(i)
        else:
            by_path.setdefault((path, where(i)), []).append(i)
    rnd = random.Random(seed)
    for (path, when), idx in by_path.items():
        chosen.update([idx[0], idx[-1]])
        if when == "window":  # the commit's frames: the first two and the last two
            chosen.update(idx[:2] + idx[-2:])
        middle = idx[1:-1]
        chosen.update(rnd.sample(middle, min(len(middle), 2 if len(idx) > 100 else 0)))
    for i in sorted(chosen):
        kind, n, path = calls[i]
        print(kind, n, ERRNO[kind], where(i), path)


def numbers(register):
    if not os.path.exists(register) or os.path.getsize(register) == 0:
        return
    db = sqlite3.connect("file:%s?mode=ro" % register, uri=True)
    for (number,) in db.execute("SELECT number FROM certificates ORDER BY number"):
        print(number)


W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def records(n, path):
    photos = ["440104199003121232.jpg", "440106199511084565.jpg", "440103198701251113.png",
              "44010619890517362X.jpg"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "证件号码", "职业名称", "工种名称", "职业技能等级", "发证日期", "照片"])
        for i in range(n):
            s = "440104%04d%02d%02d%03d" % (1960 + i % 45, 1 + i % 12, 1 + i % 28, i % 1000)
            idn = s + "10X98765432"[sum(int(c) * k for c, k in zip(s, W)) % 11]
            w.writerow(["王%s" % "伟芳娜敏静丽强磊"[i % 8], idn, "电工", "", str(1 + i % 5),
                        "2026-11-20", photos[i % len(photos)]])


if __name__ == "__main__":
    if sys.argv[1] == "plan":
        plan(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]),
             len(sys.argv) > 6 and sys.argv[6] == "1")
    elif sys.argv[1] == "numbers":
        numbers(sys.argv[2])
    elif sys.argv[1] == "records":
        records(int(sys.argv[2]), sys.argv[3])
