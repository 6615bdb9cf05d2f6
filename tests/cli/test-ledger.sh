#!/bin/sh
# test-ledger.sh - the register as the institution's ledger (issue 14): report issued read back
# (Python's csv, and the xlsx opened as a zip with its sheet XML parsed) against the register;
# report summary (seeds/002 附件7) against hand-counted certificates, as CSV, xlsx and PDF text;
# formula neutralisation; numbers imported from an upstream platform; the schema migrated.
. "$SC_TOP/tests/cli/lib.sh"

EX=examples
INST=$EX/institution.ini # S 0000 44 011001, 广州市越秀区百川职业培训学校
PREFIX=S000044011001
REG="$T/r.db"
PHOTO=440104199003121232.jpg
new_register "$REG"

# Valid 居民身份证 numbers (GB 11643 check digit), one per holder: ids N prints N of them.
ids() {
    python3 - "$1" <<'PY'
import sys
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
for i in range(int(sys.argv[1])):
    body = "11010119900101%03d" % (100 + i)
    s = sum(int(c) * k for c, k in zip(body, w)) % 11
    print(body + "10X98765432"[s])
PY
}
ids 20 >"$T/ids"
id() { sed -n "${1}p" "$T/ids"; }

# Hand-counted fixture, November 2026: 电工 五级 ×2, 四级 ×1, 一级 ×1 (a name that is a formula);
# 焊工（电焊工） 三级 ×2, 二级 ×1; 车工 一级 ×1, 四级 ×1 (voided below); and one 电工 五级 in
# December that the November table leaves out.
H='姓名,证件类型,证件号码,职业名称,职业编码,工种名称,职业技能等级,发证日期,照片'
{
    echo "$H"
    echo "张一,居民身份证,$(id 1),电工,6-31-01-03,,五级,2026-11-02,$PHOTO"
    echo "张二,居民身份证,$(id 2),电工,6-31-01-03,,五级,2026-11-30,$PHOTO"
    echo "张三,居民身份证,$(id 3),电工,6-31-01-03,,四级,2026-11-15,$PHOTO"
    echo "=1+2,居民身份证,$(id 4),电工,6-31-01-03,,一级,2026-11-15,$PHOTO"
    echo "李一,居民身份证,$(id 5),焊工,6-18-02-04,电焊工,三级,2026-11-03,$PHOTO"
    echo "李二,居民身份证,$(id 6),焊工,6-18-02-04,电焊工,三级,2026-11-03,$PHOTO"
    echo "李三,居民身份证,$(id 7),焊工,6-18-02-04,电焊工,二级,2026-11-03,$PHOTO"
    echo "王一,居民身份证,$(id 8),车工,6-18-01-01,,一级,2026-11-20,$PHOTO"
    echo "王二,居民身份证,$(id 9),车工,6-18-01-01,,四级,2026-11-20,$PHOTO"
    echo "赵一,居民身份证,$(id 10),电工,6-31-01-03,,五级,2026-12-01,$PHOTO"
} >"$T/r.csv"
run_sc "$T/a" render "$T/r.csv" -i $INST --register "$REG" --photos $EX/photos -o "$T/a.pdf"
expect_status "the fixture is issued" 0
if [ "$rc" -ne 0 ]; then sed 's/^/# /' "$T/a.err" | head; fi
# A reprint of 张一 (counted once) and the void of 王二's certificate.
sed -n '1p;2p' "$T/r.csv" >"$T/again.csv"
run_sc "$T/b" render "$T/again.csv" -i $INST --register "$REG" --photos $EX/photos -o "$T/b.pdf"
expect_status "a reprint" 0
VOID=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT number FROM certificates WHERE id_number=?\", (sys.argv[2],)).fetchone()[0])" "$REG" "$(id 9)")
run_sc "$T/v" void "$VOID" --reason 打印错误 -i $INST --register "$REG"
expect_status "a void" 0

# --- report issued ---------------------------------------------------------------------------
run_sc "$T/i" report issued -i $INST --register "$REG" -o "$T/i.csv"
expect_status "report issued as CSV" 0
run_sc "$T/x" report issued -i $INST --register "$REG" -o "$T/i.xlsx"
expect_status "report issued as xlsx" 0
# Both read back against the register: every certificate once, every column as the register
# holds it, the states decided from the register (issue 14: issued, reprinted, corrected, void).
cat >"$T/readback.py" <<'PY'
import csv, io, re, sqlite3, sys, zipfile
import xml.etree.ElementTree as ET
reg, path, inst = sys.argv[1], sys.argv[2], sys.argv[3]
HEAD = ["姓名", "证件类型", "证件号码", "职业名称", "职业编码", "工种名称", "职业技能等级",
        "证书编号", "发证日期", "评价机构名称", "状态"]
LEVEL = {1: "一级/高级技师", 2: "二级/技师", 3: "三级/高级工", 4: "四级/中级工", 5: "五级/初级工"}
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}

def xlsx_rows(path):
    z = zipfile.ZipFile(path)
    shared = [si.findtext(".//m:t", "", NS) if si.find("m:t", NS) is not None else
              "".join(t.text or "" for t in si.iter("{%s}t" % NS["m"]))
              for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)]
    sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter("{%s}row" % NS["m"]):
        cells = {}
        for c in row.findall("m:c", NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            v = c.findtext("m:v", None, NS)
            if v is None:
                continue
            # Identity numbers and every other cell of this list are text (shared strings).
            if c.get("t") != "s":
                print("cell %s is not a text cell (t=%s)" % (c.get("r"), c.get("t")))
                sys.exit(1)
            cells[ord(col) - ord("A")] = shared[int(v)]
        rows.append([cells.get(i, "") for i in range(len(HEAD))])
    return rows

if path.endswith(".xlsx"):
    rows = xlsx_rows(path)
else:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
if rows[0] != HEAD:
    print("header", rows[0]); sys.exit(1)
db = sqlite3.connect(reg)
want = {}
for (number, name, id_type, idn, occ, code, work, level, date, void) in db.execute(
        "SELECT number, name, id_type, id_number, occupation, occupation_code, work_type, level,"
        " issue_date, void_reason FROM certificates"):
    prints = db.execute("SELECT count(*) FROM prints WHERE number=?", (number,)).fetchone()[0]
    fixes = db.execute("SELECT count(*) FROM corrections WHERE number=?", (number,)).fetchone()[0]
    state = "作废" if void else "更正" if fixes else "补打" if prints > 1 else "已发证"
    if path.endswith(".csv") and name[:1] in "=+-@":
        name = "'" + name  # neutralised, never run as a formula
    want[number] = [name, id_type, idn, occ, code, "" if work == "——" else work, LEVEL[level],
                    number, date, inst, state]
got = {r[7]: r for r in rows[1:]}
if len(rows) - 1 != len(want) or got != want:
    for k in sorted(set(want) | set(got)):
        if want.get(k) != got.get(k):
            print("want", want.get(k)); print("got ", got.get(k))
    sys.exit(1)
print("\n".join(sorted(r[10] for r in rows[1:])))
PY
NAME=广州市越秀区百川职业培训学校
python3 "$T/readback.py" "$REG" "$T/i.csv" $NAME >"$T/i.states" &&
    ok "report issued (CSV) is the register, row for row and column for column" ||
    { not_ok "report issued (CSV) differs from the register"; sed 's/^/# /' "$T/i.states" | head; }
python3 "$T/readback.py" "$REG" "$T/i.xlsx" $NAME >"$T/x.states" &&
    ok "report issued (xlsx) is the register, every cell a text cell" ||
    { not_ok "report issued (xlsx) differs from the register"; sed 's/^/# /' "$T/x.states" | head; }
[ "$(grep -c 补打 "$T/i.states")" = 1 ] && [ "$(grep -c 作废 "$T/i.states")" = 1 ] &&
    [ "$(grep -c 已发证 "$T/i.states")" = 8 ] && ok "… one reprint, one void, eight issued" ||
    not_ok "states: $(tr '\n' ' ' <"$T/i.states")"
# The formula in a name: never a formula in the CSV (a leading apostrophe, quoted).
grep -q "^\"'=1+2\",居民身份证," "$T/i.csv" && ok "a name that is a formula is neutralised in CSV" ||
    not_ok "formula cell: $(grep 1+2 "$T/i.csv")"
grep -q '^=1+2' "$T/i.csv" && not_ok "a formula left as it is" || ok "… never left to run"
head -c 3 "$T/i.csv" | od -An -tx1 | grep -q "ef bb bf" && ok "CSV starts with a UTF-8 BOM" ||
    not_ok "no BOM"
[ "$(stat -c %a "$T/i.csv")" = 600 ] && ok "… and is private (identity numbers)" ||
    not_ok "mode $(stat -c %a "$T/i.csv")"
# Filters: 发证日期 range and level.
run_sc "$T/f" report issued -i $INST --register "$REG" --from 2026-11-03 --to 2026-11-15 --level 三级 -o "$T/f.csv"
expect_status "report issued --from --to --level" 0
[ "$(tail -n +2 "$T/f.csv" | wc -l)" = 2 ] && ok "… the two 三级 certificates of 11-03" ||
    not_ok "filtered rows: $(tail -n +2 "$T/f.csv" | wc -l)"
run_sc "$T/f2" report issued -i $INST --register "$REG" --from 2026-13-01 -o "$T/f2.csv"
expect_status "a bad --from is a usage error" 2
expect_absent "… and nothing written" "$T/f2.csv"

# --- report summary (seeds/002 附件7) ---------------------------------------------------------
for ext in csv xlsx pdf; do
    run_sc "$T/s$ext" report summary -i $INST --register "$REG" --month 2026-11 -o "$T/s.$ext"
    expect_status "report summary as $ext" 0
done
expect_grep "… the total is said" "$T/scsv.out" "8 certificates"
cat >"$T/summary.py" <<'PY'
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET
path = sys.argv[1]
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
if path.endswith(".csv"):
    rows = list(csv.reader(open(path, encoding="utf-8-sig", newline="")))
else:
    z = zipfile.ZipFile(path)
    shared = ["".join(t.text or "" for t in si.iter(NS + "t"))
              for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(NS + "si")]
    rows = []
    for row in ET.fromstring(z.read("xl/worksheets/sheet1.xml")).iter(NS + "row"):
        cells = {}
        for c in row.findall(NS + "c"):
            v = c.findtext(NS + "v")
            if v is None:
                continue
            col = ord(re.match(r"[A-Z]+", c.get("r")).group(0)) - 65
            if c.get("t") == "s":
                cells[col] = shared[int(v)]
            else:  # a count: a number cell
                cells[col] = str(int(float(v)))
        rows.append([cells.get(i, "") for i in range(max(cells) + 1)] if cells else [])
print("\n".join("|".join(r).rstrip("|") for r in rows))
PY
# Hand-counted: 附件7's lines in its order and wording, then the rows, 小计, 合计.
cat >"$T/want.txt" <<EOF
企业职业技能等级认定结果汇总表
填报单位：$NAME（章）|||2026年11月|||单位：人
职业（工种）名称|初级工（五级）|中级工（四级）|高级工（三级）|技师（二级）|高级技师（一级）|小计
焊工（电焊工）|0|0|2|1|0|3
电工|2|1|0|0|1|4
车工|0|0|0|0|1|1
合  计|2|1|2|1|2|8
EOF
for ext in csv xlsx; do
    python3 "$T/summary.py" "$T/s.$ext" >"$T/got-$ext.txt"
    sort "$T/want.txt" >"$T/w"; sort "$T/got-$ext.txt" >"$T/g"
    cmp -s "$T/w" "$T/g" && ok "summary ($ext): every line as counted by hand (void out, reprint once)" ||
        { not_ok "summary ($ext) differs"; diff "$T/w" "$T/g" | sed 's/^/# /'; }
    head -3 "$T/got-$ext.txt" | cmp -s - "$(head -3 "$T/want.txt" >"$T/w3"; echo "$T/w3")" &&
        ok "… title, 填报单位, 单位 and headings first, in 附件7's order" || not_ok "summary ($ext) header order"
done
# The PDF as a reader sees it: A4, 附件7's headings in order on one line, the counts.
pdfinfo "$T/s.pdf" | grep -q "A4" && ok "summary PDF is A4" || not_ok "summary PDF size"
pdftotext -layout "$T/s.pdf" "$T/s.txt"
for want in 企业职业技能等级认定结果汇总表 "填报单位：$NAME（章）" 单位：人 2026年11月; do
    expect_grep "summary PDF shows $want" "$T/s.txt" "$want"
done
grep -E '职业（工种）名称 +初级工（五级） +中级工（四级） +高级工（三级） +技师（二级） +高级技师（一级） +小计' "$T/s.txt" >/dev/null &&
    ok "… the column headings of 附件7 on one line, in its order" || { not_ok "PDF headings"; sed 's/^/# /' "$T/s.txt" | head -8; }
grep -Eq '^ *电工 +2 +1 +0 +0 +1 +4 *$' "$T/s.txt" && ok "… 电工's row with its 小计" || not_ok "PDF 电工 row"
grep -Eq '^ *合 +计 +2 +1 +2 +1 +2 +8 *$' "$T/s.txt" && ok "… and the 合计 row" || not_ok "PDF 合计 row"
pdffonts "$T/s.pdf" | grep -q "LXGWWenKai.* yes yes yes" && ok "… its font embedded" || not_ok "PDF font"
run_sc "$T/sm" report summary -i $INST --register "$REG" --month 2026-13 -o "$T/bad.pdf"
expect_status "a month that does not exist is a usage error" 2
expect_absent "… and nothing written" "$T/bad.pdf"

# --- import: numbers assigned upstream ------------------------------------------------------
# 2026 五级 has serials 1–3 (张一, 张二, 赵一); the platform assigned 000005 and 000004.
IH='证书编号,姓名,证件类型,证件号码,职业名称,工种名称,职业技能等级,发证日期'
{
    echo "$IH"
    echo "${PREFIX}265000005,钱一,居民身份证,$(id 11),电工,,五级,2026-11-25"
    echo "${PREFIX}265000004,钱二,居民身份证,$(id 12),电工,,五级,2026-11-26"
} >"$T/n.csv"
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$REG" "$1"; }
BEFORE=$(count "SELECT count(*) FROM certificates")
# A bad file: every problem listed, nothing imported.
{
    echo "$IH"
    echo "${PREFIX}265000006,孙一,居民身份证,$(id 13),电工,,四级,2026-11-25"       # level 4 ≠ 5
    echo "${PREFIX}255000007,孙二,居民身份证,$(id 14),电工,,五级,2026-11-25"       # year 25 ≠ 2026
    echo "S000044011002265000008,孙三,居民身份证,$(id 15),电工,,五级,2026-11-25"   # another institution
    echo "${PREFIX}265000001,孙四,居民身份证,$(id 16),电工,,五级,2026-11-25"       # 张一's number
    echo "${PREFIX}265000009,孙五,居民身份证,$(id 17),电工,,五级,2026-11-25"
    echo "${PREFIX}265000009,孙六,居民身份证,$(id 18),电工,,五级,2026-11-25"       # twice in the file
    echo ",孙七,居民身份证,$(id 19),电工,,五级,2026-11-25"                        # no number
    echo "${PREFIX}265000010,孙八,居民身份证,$(id 20),电工,,五级,"                  # no date
    echo "${PREFIX}265000011,孙九,居民身份证,$(id 20)1,电工,,五级,2026-11-25"      # bad id
} >"$T/bad.csv"
run_sc "$T/ib" import "$T/bad.csv" -i $INST --register "$REG"
expect_status "a bad numbers file is refused" 1
for want in "bad.csv:2 (孙一): 证书编号:" "bad.csv:3 (孙二): 证书编号:" "bad.csv:4 (孙三): 证书编号:" \
    "bad.csv:5 (孙四): 证书编号:" "bad.csv:7 (孙六): 证书编号:" "bad.csv:8 (孙七): 证书编号: empty" \
    "bad.csv:9 (孙八): 发证日期: empty" "bad.csv:10 (孙九): 证件号码:"; do
    expect_grep "… lists $want" "$T/ib.err" "$want"
done
expect_grep "… says nothing was imported" "$T/ib.err" "nothing imported"
[ "$(count "SELECT count(*) FROM certificates")" = "$BEFORE" ] && ok "… and the register is unchanged" ||
    not_ok "a bad import recorded something"

run_sc "$T/in" import "$T/n.csv" -i $INST --register "$REG"
expect_status "a valid numbers file is imported" 0
expect_grep "… two numbers recorded" "$T/in.out" "2 numbers recorded"
[ "$(count "SELECT count(*) FROM prints WHERE number LIKE '%26500000_' AND number > '${PREFIX}265000003'")" = 0 ] &&
    ok "… recorded, not printed" || not_ok "an import logged a print"
[ "$(count "SELECT batch FROM certificates WHERE number = '${PREFIX}265000005'")" = "import $T/n.csv" ] &&
    ok "… under the batch 'import FILE'" || not_ok "import batch label"
run_sc "$T/in2" import "$T/n.csv" -i $INST --register "$REG"
expect_status "importing the same file again changes nothing" 0
expect_grep "… both already in the register" "$T/in2.out" "2 already in the register"
# Printing those holders later reprints them with those numbers and dates; the counter skips
# them: the next new 五级 is 000006.
{
    echo "$H"
    echo "钱一,居民身份证,$(id 11),电工,,,五级,,$PHOTO"
    echo "钱二,居民身份证,$(id 12),电工,,,五级,,$PHOTO"
    echo "周一,居民身份证,$(id 13),电工,,,五级,2026-11-27,$PHOTO"
} >"$T/p.csv"
run_sc "$T/p" render "$T/p.csv" -i $INST --register "$REG" --photos $EX/photos --date 2026-11-28 -o "$T/p.pdf"
expect_status "render the imported holders and a new one" 0
python3 tests/cli/pdfcheck.py numbers "$T/p.pdf" $PREFIX >"$T/p.nums"
printf '%s\n' "${PREFIX}265000005" "${PREFIX}265000004" "${PREFIX}265000006" | cmp -s - "$T/p.nums" &&
    ok "… the imported numbers printed, the new holder gets 000006 (000004, 000005 skipped)" ||
    not_ok "numbers: $(tr '\n' ' ' <"$T/p.nums")"
pdftotext -f 1 -l 1 "$T/p.pdf" - | grep -q "2026年11月25日" && ok "… with the date the platform issued it on" ||
    not_ok "imported date not printed"
expect_grep "… counted as reprints" "$T/p.out" "printed again: 2"

# --- migration: a schema-2 register keeps every number --------------------------------------
cp "$REG" "$T/old.db"
python3 - "$T/old.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""
DROP INDEX prints_stock; DROP TABLE stock_ranges; DROP TABLE spoiled;
DROP INDEX prints_sha256; ALTER TABLE prints DROP COLUMN sha256;
ALTER TABLE prints DROP COLUMN stock; ALTER TABLE certificates DROP COLUMN occupation_code;
PRAGMA user_version = 2;
""")
c.close()
PY
chmod 600 "$T/old.db"
python3 -c "import sqlite3,sys; print('\n'.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('SELECT number FROM certificates ORDER BY number')))" "$T/old.db" >"$T/old.nums"
run_sc "$T/m" report issued -i $INST --register "$T/old.db" -o "$T/m.csv"
expect_status "a schema-2 register is migrated when opened" 0
tail -n +2 "$T/m.csv" | cut -d, -f8 | sort | cmp -s - "$T/old.nums" && ok "… every number kept" ||
    not_ok "numbers lost in migration"
[ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA user_version').fetchone()[0])" "$T/old.db")" = 4 ] &&
    ok "… to schema 4" || not_ok "schema version after migration"

# --- blank stock (证书内芯) ---------------------------------------------------------------------
SR="$T/stock.db"
new_register "$SR"
# The example's 10 records on sheets A0001001–A0001010 of the 20 loaded; 1003 jams and is spoiled.
run_sc "$T/k1" render $EX/records.csv -i $INST --register "$SR" --photos $EX/photos -o "$T/k1.pdf" --stock-serials A0001001-A0001020
expect_status "render --stock-serials" 0
[ "$(python3 -c "import sqlite3,sys; print(','.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('SELECT stock FROM prints ORDER BY rowid')))" "$SR")" = \
    "A0001001,A0001002,A0001003,A0001004,A0001005,A0001006,A0001007,A0001008,A0001009,A0001010" ] &&
    ok "… each certificate logged on the next sheet, in order" || not_ok "stock sheets logged"
run_sc "$T/k2" spoil A0001003 --reason 卡纸 -i $INST --register "$SR"
expect_status "spoil a sheet" 0
run_sc "$T/k3" spoil A0001003 --reason 卡纸 -i $INST --register "$SR"
expect_status "… spoiling it twice is refused" 1
run_sc "$T/k4" spoil A0001001-A0001002 --reason x -i $INST --register "$SR"
expect_status "… one sheet at a time" 2
run_sc "$T/k5" report stock -i $INST --register "$SR"
expect_status "report stock" 0
# 20 sheets: 10 printed, one of them spoiled → 9 used, 1 spoiled, 10 remaining.
expect_grep "… used, spoiled and remaining per range" "$T/k5.out" "A0001001-A0001020: 20 sheets, 9 used, 1 spoiled, 10 remaining"
# Sheets already printed are refused before anything is issued; too few sheets likewise.
BEFORE=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM prints').fetchone()[0])" "$SR")
run_sc "$T/k6" render $EX/records.csv -i $INST --register "$SR" --photos $EX/photos -o "$T/k6.pdf" --stock-serials A0001005-A0001020
expect_status "sheets already printed are refused" 1
expect_grep "… naming the sheet" "$T/k6.err" "A0001005 was already printed"
expect_absent "… and nothing delivered" "$T/k6.pdf"
run_sc "$T/k7" render $EX/records.csv -i $INST --register "$SR" --photos $EX/photos -o "$T/k7.pdf" --stock-serials A0001011-A0001015
expect_status "fewer sheets than certificates is refused" 2
expect_absent "… and nothing delivered" "$T/k7.pdf"
[ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM prints').fetchone()[0])" "$SR")" = "$BEFORE" ] &&
    ok "… no print logged by either" || not_ok "a refused run logged prints"
# The next run continues on the sheets left, the range extended to 1030; 1030 is spoiled too.
run_sc "$T/k8" render $EX/records.csv -i $INST --register "$SR" --photos $EX/photos -o "$T/k8.pdf" --stock-serials A0001011-A0001030
expect_status "the next run on the sheets left" 0
run_sc "$T/k9" spoil A0001030 --reason 污损 -i $INST --register "$SR"
run_sc "$T/k10" report stock -i $INST --register "$SR"
expect_grep "… ranges that touch are one" "$T/k10.out" "A0001001-A0001030: 30 sheets, 19 used, 2 spoiled, 9 remaining"
run_sc "$T/k11" render $EX/records.csv -i $INST --register "$SR" --photos $EX/photos -o "$T/k11.pdf" --stock-serials 1-
expect_status "a malformed range is a usage error" 2
