#!/bin/sh
# test-register.sh - the register in a real office (SPEC §3 "What the register means in an
# office"): one register per institution whatever copy of its file is used, created only on
# purpose, reprints with the original number and date, corrections, voids, who got which
# number, --rows and preview numbered as the whole file, an older register migrated.
. "$SC_TOP/tests/cli/lib.sh"

EX=examples
PREFIX=S000044011001 # examples/institution.ini: S 0000 44 011001
export XDG_DATA_HOME="$T/xdg"
REG="$XDG_DATA_HOME/skillcert/registers/$PREFIX.register.db"
mkdir -p "$T/desk1" "$T/desk2"
cp $EX/institution.ini $EX/seal.png "$T/desk1/"
cp $EX/institution.ini $EX/seal.png "$T/desk2/"
I1="$T/desk1/institution.ini"
I2="$T/desk2/institution.ini"
# The example's records without their own 发证日期: the batch's date is the default.
sed 's/,2026-11-20,/,,/' $EX/records.csv >"$T/r.csv"

# Nothing is created implicitly: without `register init` a render is refused and says how.
run_sc "$T/a" render "$T/r.csv" -i "$I1" --photos $EX/photos -o "$T/a.pdf"
expect_status "no register yet: refused" 3
expect_grep "… saying how to create it" "$T/a.err" "register init"
expect_absent "… and nothing written" "$T/a.pdf"
expect_absent "… and no register created" "$REG"

run_sc "$T/i" register init -i "$I1"
expect_status "register init" 0
expect_grep "… in the per-user data folder, named by the institution's prefix" "$T/i.out" "$REG"
[ "$(stat -c %a "$REG")" = 600 ] && ok "… readable by its owner only" || not_ok "register mode $(stat -c %a "$REG")"
run_sc "$T/i2" register init -i "$I2"
expect_status "a second init (from a copy of the institution file) is refused" 3

# A copy of the institution file in another folder reaches the same register.
run_sc "$T/a" render "$T/r.csv" -i "$I1" --photos $EX/photos --date 2026-11-30 -o "$T/a.pdf"
expect_status "first render from desk 1" 0
python3 tests/cli/pdfcheck.py numbers "$T/a.pdf" $PREFIX >"$T/a.nums"
rec_new() { printf '姓名,证件号码,职业名称,职业技能等级,照片\n%s,%s,电工,四级,440104199003121232.jpg\n' "$1" "$2" >"$3"; }
rec_new 李明 11010519491231002X "$T/new.csv"
run_sc "$T/b" render "$T/new.csv" -i "$I2" --photos $EX/photos --date 2026-11-30 -o "$T/b.pdf"
expect_status "a new holder from desk 2 (a copy of the institution file)" 0
python3 tests/cli/pdfcheck.py numbers "$T/b.pdf" $PREFIX >"$T/b.nums"
# The example has four 四级 records: serials 1-4; the next 四级 is 000005, not 000001 again.
[ "$(cat "$T/b.nums")" = "${PREFIX}264000005" ] && ok "… gets the next number of the shared register, not 000001" ||
    not_ok "desk 2 got $(cat "$T/b.nums")"
grep -qx "$(cat "$T/b.nums")" "$T/a.nums" && not_ok "a number given twice" || ok "no number given to two people"
expect_grep "the summary names the register" "$T/b.out" "$REG"

# A reprint a week later: the same numbers, the original 发证日期 printed.
run_sc "$T/c" render "$T/r.csv" -i "$I1" --photos $EX/photos --date 2026-12-07 -o "$T/c.pdf"
expect_status "reprint a week later" 0
python3 tests/cli/pdfcheck.py numbers "$T/c.pdf" $PREFIX >"$T/c.nums"
cmp -s "$T/a.nums" "$T/c.nums" && ok "… every holder gets the same number back" || not_ok "reprint numbers differ"
pdftotext -f 1 -l 1 "$T/c.pdf" - | grep -q "发证日期：2026年11月30日" && ok "… and the original 发证日期 is printed" ||
    not_ok "reprint date"
pdftotext "$T/c.pdf" - | grep -q "2026年12月7日" && not_ok "the reprint carries the new date" || ok "… never the reprint's date"
expect_grep "… the summary counts the reprints" "$T/c.out" "printed again: 10"
# A record whose own 发证日期 differs from the issued one is reported, not reissued.
sed 's/^\(张伟,.*\),,\(44[0-9]*\.jpg\)$/\1,2026-12-07,\2/' "$T/r.csv" >"$T/d.csv"
grep -q 2026-12-07 "$T/d.csv" || sed -i '2s/,,\([^,]*\)$/,2026-12-07,\1/' "$T/d.csv"
run_sc "$T/d" render "$T/d.csv" -i "$I1" --photos $EX/photos -o "$T/d.pdf"
expect_status "a different 发证日期 for an issued certificate: refused" 1
expect_grep "… naming the date issued" "$T/d.err" "2026-11-30"
expect_absent "… nothing written" "$T/d.pdf"

# A corrected name: refused without --correct, recorded with it, same number.
sed '2s/^张伟,/张玮,/' "$T/r.csv" >"$T/e.csv"
run_sc "$T/e" render "$T/e.csv" -i "$I1" --photos $EX/photos -o "$T/e.pdf"
expect_status "a changed name without --correct: refused" 1
expect_grep "… saying --correct" "$T/e.err" "--correct"
run_sc "$T/e" render "$T/e.csv" -i "$I1" --photos $EX/photos --correct -o "$T/e.pdf"
expect_status "with --correct" 0
first=$(head -n 1 "$T/a.nums")
pdftotext -f 1 -l 1 "$T/e.pdf" - | grep -q "$first" && ok "… printed with the same number" || not_ok "corrected number"
run_sc "$T/s" show "$first" -i "$I1"
expect_grep "show: the correction is kept" "$T/s.out" "张伟"
expect_grep "show: … and the new name" "$T/s.out" "张玮"
expect_grep "show: every print is logged" "$T/s.out" "共打印 3 次"

# A void number is never issued again; a record carrying it is refused.
second=$(sed -n 2p "$T/a.nums")
run_sc "$T/v" void "$second" --reason "印刷错误" -i "$I1"
expect_status "void a number" 0
printf '姓名,证件号码,职业名称,职业技能等级,证书编号,发证日期,照片\n王五,11010519491231002X,焊工,三级,%s,2026-11-30,440104199003121232.jpg\n' "$second" >"$T/v.csv"
run_sc "$T/v2" render "$T/v.csv" -i "$I1" --photos $EX/photos -o "$T/v.pdf"
expect_status "a record carrying the void number: refused" 1
expect_grep "… saying it is void" "$T/v2.err" "void"
run_sc "$T/n" number next -i "$I1" --level 3 --year 2026
[ "$(cat "$T/n.out")" != "$second" ] && ok "the void number is not the next one" || not_ok "void number reissued"

# Who got which number: the numbers file matches the PDF page by page.
python3 - "$T/a.pdf.numbers.csv" "$T/a.nums" "$T/r.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
nums = open(sys.argv[2]).read().split()
recs = list(csv.DictReader(open(sys.argv[3], encoding="utf-8")))
ok = rows[0][:6] == ["行号", "姓名", "证件号码", "证书编号", "发证日期", "状态"]
ok = ok and [r[3] for r in rows[1:]] == nums
ok = ok and [r[1] for r in rows[1:]] == [r["姓名"] for r in recs]
ok = ok and [int(r[0]) for r in rows[1:]] == list(range(2, 2 + len(recs)))
ok = ok and all(r[5] == "新发" for r in rows[1:])
print(("ok" if ok else "not ok") + " - the numbers file: row, name, number of each page, in order")
PY

# --rows and preview: the numbers the whole file would give.
new_register "$T/rows.db" "$I1"
python3 - "$T/thirty.csv" <<'PY'
import sys
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idno(n):
    base = "4401041990%02d%02d%03d" % (1 + n % 12, 1 + n % 28, 100 + n)
    return base + "10X98765432"[sum(int(c) * w for c, w in zip(base, W)) % 11]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("姓名,证件号码,职业名称,职业技能等级,发证日期,照片\n")
    for n in range(30):
        f.write("学员%d,%s,电工,%s,2026-11-30,440104199003121232.jpg\n" % (n, idno(n), "三四五"[n % 3] + "级"))
PY
for row in 2 3 7 15 31; do
    run_sc "$T/p$row" preview "$T/thirty.csv" -i "$I1" --register "$T/rows.db" --photos $EX/photos --row $row -o "$T/p.png"
    sed -n 's/.*, \(S[0-9]*\) → .*/\1/p' "$T/p$row.out" >>"$T/previewed"
done
run_sc "$T/w" render "$T/thirty.csv" -i "$I1" --register "$T/rows.db" --photos $EX/photos --rows 7,15 -o "$T/w.pdf"
expect_status "render --rows 7,15" 0
run_sc "$T/x" render "$T/thirty.csv" -i "$I1" --register "$T/rows.db" --photos $EX/photos -o "$T/x.pdf"
expect_status "then the whole file" 0
python3 tests/cli/pdfcheck.py numbers "$T/x.pdf" $PREFIX >"$T/x.nums"
want=$(sed -n '1p;2p;6p;14p;30p' "$T/x.nums" | tr '\n' ' ')
[ "$(tr '\n' ' ' <"$T/previewed")" = "$want" ] && ok "preview --row N shows the number render gives row N (5 rows of 30)" ||
    { not_ok "preview numbers"; echo "# previewed $(tr '\n' ' ' <"$T/previewed")"; echo "# rendered  $want"; }
python3 tests/cli/pdfcheck.py numbers "$T/w.pdf" $PREFIX | tr '\n' ' ' >"$T/w.nums"
[ "$(cat "$T/w.nums")" = "$(sed -n '6p;14p' "$T/x.nums" | tr '\n' ' ')" ] && ok "--rows 7,15 got the numbers of the whole file's rows 7 and 15" ||
    not_ok "--rows numbers: $(cat "$T/w.nums")"
python3 - "$T/x.nums" <<'PY'
import sys
nums = open(sys.argv[1]).read().split()
ok = len(set(nums)) == 30
for level in "345":
    serials = sorted(int(n[16:]) for n in nums if n[15] == level)
    ok = ok and serials == list(range(1, 11))
print(("ok" if ok else "not ok") + " - 30 rows: each level's serials are 1..10, none twice")
PY

# A missing or emptied register is never re-created: the error says how to restore it.
cp "$REG" "$T/saved.db"
: >"$REG"
run_sc "$T/z" render "$T/new.csv" -i "$I1" --photos $EX/photos -o "$T/z.pdf"
expect_status "an emptied register: refused" 3
expect_grep "… saying how to restore a backup" "$T/z.err" "register restore"
[ ! -s "$REG" ] && ok "… and not re-created" || not_ok "register re-created"
backup=$(ls "$REG".backup-* | tail -n 1)
run_sc "$T/rs" register restore "$backup" -i "$I1"
expect_status "register restore from the newest backup" 0
run_sc "$T/n" number next -i "$I1" --level 4 --year 2026
[ "$(cat "$T/n.out")" = "${PREFIX}264000006" ] && ok "… numbering goes on where it was" || not_ok "after restore: $(cat "$T/n.out")"
rm -f "$REG" "$REG-wal" "$REG-shm"
run_sc "$T/z" render "$T/new.csv" -i "$I1" --photos $EX/photos -o "$T/z.pdf"
expect_status "a deleted register: refused" 3
expect_absent "… and not re-created" "$REG"

# A register made by the previous version (schema 1) is migrated, every number kept.
python3 - "$T/old.db" "$PREFIX" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""
CREATE TABLE certificates (number TEXT NOT NULL PRIMARY KEY CHECK (length(number) = 22),
 prefix TEXT NOT NULL CHECK (length(prefix) = 13), year INTEGER NOT NULL, level INTEGER NOT NULL,
 serial INTEGER NOT NULL, name TEXT NOT NULL, id_type TEXT NOT NULL, id_number TEXT NOT NULL,
 occupation TEXT NOT NULL, work_type TEXT NOT NULL, issue_date TEXT NOT NULL, batch TEXT NOT NULL,
 issued_at TEXT NOT NULL, UNIQUE (prefix, year, level, serial),
 UNIQUE (prefix, id_number, occupation, work_type, level, issue_date));
CREATE TABLE counters (prefix TEXT NOT NULL, year INTEGER NOT NULL, level INTEGER NOT NULL,
 last INTEGER NOT NULL, PRIMARY KEY (prefix, year, level)) WITHOUT ROWID;
PRAGMA application_id = 1396920903; PRAGMA user_version = 1;
""")
p = sys.argv[2]
for s, (name, idn) in enumerate([("张伟", "440104199003121232"), ("李龑", "440106199511084565")], 1):
    c.execute("INSERT INTO certificates VALUES (?,?,26,4,?,?,'居民身份证',?,'电工','——','2026-11-20','old',"
              "'2026-11-20T10:00:00')", (p + "264%06d" % s, p, s, name, idn))
c.execute("INSERT INTO counters VALUES (?, 26, 4, 2)", (p,))
c.commit()
PY
chmod 600 "$T/old.db"
run_sc "$T/m" register init -i "$I1" --from "$T/old.db"
expect_status "register init --from an older register" 0
run_sc "$T/ms" show "${PREFIX}264000002" -i "$I1"
expect_grep "… its certificates are kept" "$T/ms.out" "李龑"
run_sc "$T/n" number next -i "$I1" --level 4 --year 2026
[ "$(cat "$T/n.out")" = "${PREFIX}264000003" ] && ok "… and numbering goes on from its counter" || not_ok "after migration: $(cat "$T/n.out")"

# Private by default: outputs 0600 (identity numbers and photos), or as --mode asks.
run_sc "$T/pm" render "$T/new.csv" -i "$I1" --photos $EX/photos -o "$T/pm.pdf"
[ "$(stat -c %a "$T/pm.pdf")" = 600 ] && ok "outputs are 0600 by default" || not_ok "output mode $(stat -c %a "$T/pm.pdf")"
[ "$(stat -c %a "$T/pm.pdf.numbers.csv")" = 600 ] && ok "… the numbers file too" || not_ok "numbers file mode"
run_sc "$T/pm2" render "$T/new.csv" -i "$I1" --photos $EX/photos --mode 0640 -o "$T/pm2.pdf"
[ "$(stat -c %a "$T/pm2.pdf")" = 640 ] && ok "--mode 0640 as asked" || not_ok "--mode: $(stat -c %a "$T/pm2.pdf")"
run_sc "$T/pm3" render "$T/new.csv" -i "$I1" --photos $EX/photos --mode 0444 -o "$T/pm3.pdf"
expect_status "--mode without owner write: a usage error" 2
chmod 644 "$REG"
run_sc "$T/pm4" render "$T/new.csv" -i "$I1" --photos $EX/photos -o "$T/pm4.pdf"
expect_status "a register others can read: refused" 3
expect_grep "… with the chmod that fixes it" "$T/pm4.err" "chmod 600"
chmod 600 "$REG"

# An invalid SOURCE_DATE_EPOCH is an error, not 1970.
SOURCE_DATE_EPOCH=abc "$SKILLCERT" render "$T/new.csv" -i "$I1" --photos $EX/photos -o "$T/sde.pdf" >/dev/null 2>"$T/sde.err"
rc=$?
[ $rc = 2 ] && grep -q SOURCE_DATE_EPOCH "$T/sde.err" && ok "SOURCE_DATE_EPOCH=abc: a usage error naming it" || not_ok "SOURCE_DATE_EPOCH=abc (status $rc)"
