#!/bin/sh
# test-check.sh - `skillcert check` on the corpus in tests/data/check: every problem of a file,
# one line each as FILE:ROW: FIELD: message, a count, exit status 1; valid files pass (issue 4).
. "$SC_TOP/tests/cli/lib.sh"

D=tests/data/check
INST=examples/institution.ini # Guangdong profile: its forbidden words apply

# A photo folder: the example's photos and the bad ones each case needs.
P=$T/photos
mkdir -p "$P" "$T/outside"
cp examples/photos/* "$P/"
head -c 300 examples/photos/440103198701251113.png >"$P/corrupt.png"
convert -size 100x140 xc:white "$P/tiny.jpg"          # 100 × 140 px: under 200 dpi for 35 × 49 mm
convert -size 500x500 xc:white "$P/square.jpg"        # 1:1, not 5:7
echo "not an image" >"$P/text.jpg"
convert -size 413x579 xc:white "$T/outside/x.jpg"
ln -s "$T/outside/x.jpg" "$P/link.jpg"                # a link that leaves the folder

# check_file NAME: the problems match NAME.expect exactly (row, field, phrase; same count).
check_file() {
    name=$1
    "$SKILLCERT" check "$D/$name.csv" -i $INST --photos "$P" >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    # A problem names the holder after its row ("FILE:31 (刘洋): …", issue 10): compared without.
    cp "$T/$name.out" "$T/$name.raw"
    sed -E 's/^([^ ]*:[0-9]+) \([^)]*\):/\1:/' "$T/$name.raw" >"$T/$name.out"
    want=$(grep -cv '^#' "$D/$name.expect")
    got=$(grep -c "^$D/$name.csv:" "$T/$name.out")
    if [ "$want" = 0 ]; then
        [ $rc = 0 ] && ok "$name: no problems, exit 0" || { not_ok "$name: exit $rc"; sed 's/^/# /' "$T/$name.out" "$T/$name.err" | head -n 20; }
        return
    fi
    [ $rc = 1 ] && ok "$name: exit status 1" || not_ok "$name: exit status $rc, want 1"
    [ "$got" = "$want" ] && ok "$name: $want problems reported" || { not_ok "$name: $got problems reported, want $want"; sed 's/^/# /' "$T/$name.out"; }
    tail -n 1 "$T/$name.out" | grep -q "^$want problems\? found" && ok "$name: ends with the count" || not_ok "$name: count line"
    grep -v '^#' "$D/$name.expect" | while IFS='	' read -r row field phrase; do
        if [ "$field" != - ]; then prefix="$D/$name.csv:$row: $field: "; else prefix="$D/$name.csv:$row: "; fi
        if grep -F -- "$prefix" "$T/$name.out" | grep -qF -- "$phrase"; then
            ok "$name: row $row ${field:-(row)}: $phrase"
        else
            not_ok "$name: row $row ${field:-(row)}: no '$phrase'"
            sed 's/^/# /' "$T/$name.out" | head -n 30
        fi
    done
}

for f in gbk bom idcard forbidden glyph photos duplicates quoting cells twenty \
    gbk-question invisible everyday excel-id same-id; do
    check_file $f
done

# Problems name the holder as well as the row (issue 10).
expect_grep "a problem names the holder" "$T/idcard.raw" "$D/idcard.csv:2 (张伟): 证件号码: "
# A terminal escape in a cell is shown escaped, never sent to the terminal raw.
if grep -q "$(printf '\033')" "$T/invisible.raw"; then not_ok "raw ESC in check's output"; else ok "no raw ESC in check's output"; fi
expect_grep "ESC quoted as \\x1b" "$T/invisible.raw" "发证日期: '\\x1b[31m2026-11-20' is not a date"

# seeds/004 四(四)1 applies to the template's own text: a title with 中国 is refused once for a
# Guangdong institution, as a problem of the template, however many records there are.
sed 's/^text = 职业技能等级证书$/text = 中国职业技能等级证书/' templates/national.ini >"$T/cn.ini"
grep -q '^text = 中国职业技能等级证书$' "$T/cn.ini" || not_ok "the test template has 中国 in its title"
run_sc "$T/cn" check $D/forbidden.csv -t "$T/cn.ini" -i $INST --photos "$P"
expect_status "a template titled 中国…: refused" 1
expect_grep "names the template's element" "$T/cn.out" "$T/cn.ini: [title] text: contains '中国', which Guangdong certificates must not carry"
[ "$(grep -c "contains '中国'" "$T/cn.out")" = 1 ] && ok "said once for four records" || not_ok "said once ($(grep -c "contains '中国'" "$T/cn.out") times)"

# One problem on every row is read once, with the rows and their count: no -i and no
# 评价机构名称 column on 300 rows.
python3 - "$T/many.csv" <<'PY'
import sys
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("姓名,证件号码,职业名称,职业技能等级,证书编号\n")
    for i in range(300):
        s = "4401041990%02d%02d%03d" % (1 + i // 28 % 12, 1 + i % 28, 100 + i)
        s += "10X98765432"[sum(int(a) * b for a, b in zip(s, w)) % 11]
        f.write("人%d,%s,电工,四级,S000044011001264%06d\n" % (i, s, i + 1))
PY
run_sc "$T/many" check "$T/many.csv" --photos "$P"
expect_status "300 rows without an institution: refused" 1
expect_grep "one line with the rows and their count" "$T/many.out" "$T/many.csv: rows 2–301 (300 rows): 评价机构名称: "
[ "$(grep -c '评价机构名称' "$T/many.out")" = 1 ] && ok "not 300 lines" || not_ok "$(grep -c '评价机构名称' "$T/many.out") lines about 评价机构名称"

# Photos are probed ahead by the other cores (check.c): with 600 records, past the window of
# 256, each photo problem is still said of its own row and holder, once, in row order.
python3 tests/cli/faults.py records 600 "$T/ahead.csv"
python3 - "$T/ahead.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
for i in (3, 257, 598):  # records 3, 257 and 598: file rows 5, 259 and 600
    rows[i + 1][6] = "corrupt.png"
csv.writer(open(sys.argv[1], "w", newline="", encoding="utf-8")).writerows(rows)
PY
run_sc "$T/ahead" check "$T/ahead.csv" -i $INST --photos "$P"
expect_status "600 records, three bad photos: refused" 1
grep '照片' "$T/ahead.out" | cut -d: -f2 >"$T/ahead.rows"
printf '5 (王敏)\n259 (王芳)\n600 (王强)\n' | cmp -s - "$T/ahead.rows" &&
    ok "photos probed ahead: the problems of rows 5, 259 and 600 and their holders, in order, none else" ||
    { not_ok "photos probed ahead: rows $(tr '\n' ' ' <"$T/ahead.rows")"; head -3 "$T/ahead.out" | sed 's/^/# /'; }

# Everyday forms print as SPEC says: the 工种 column is 工种名称, the level canonical.
new_register "$T/ev.db" "$INST"
run_sc "$T/ev" render $D/everyday.csv -i $INST --photos "$P" --register "$T/ev.db" -o "$T/ev.pdf"
expect_status "render of everyday.csv" 0
pdftotext "$T/ev.pdf" - | tr -d ' ' >"$T/ev.txt"
expect_grep "工种 printed as 工种名称" "$T/ev.txt" "电力电缆安装运维工"
expect_grep "三级（高级工） printed canonically" "$T/ev.txt" "三级/高级工"
expect_grep "Ⅳ级 printed canonically" "$T/ev.txt" "四级/中级工"
expect_grep "2026-12-18 00:00:00 printed as the date" "$T/ev.txt" "2026年12月18日"
expect_grep "序号: an unknown column is said" "$T/ev.err" "column 序号 is not a known field"

# An .xlsx workbook made by a real writer (tests/data/records/make-xlsx.py) is read directly:
# its title row skipped with a note, the sheet's row numbers in messages, the same checks as CSV.
X=tests/data/records/workbook.xlsx
run_sc "$T/x" check $X -i $INST --photos "$P"
expect_status "check of the workbook: the number-typed ID refused" 1
expect_grep "the sheet's row 5, the holder, the advice" "$T/x.out" "$X:5 (王芳): 证件号码: '4.40104E+17' is a number in scientific notation"
expect_grep "format the column as text" "$T/x.out" "设置单元格格式 → 文本"
expect_grep "one problem in four records" "$T/x.out" "1 problem found in 4 records"
expect_grep "the title row is said once" "$T/x.err" "$X:1: '2026年11月"
[ "$(grep -c 'title' "$T/x.err")" = 1 ] && ok "title note once" || not_ok "title note $(grep -c 'title' "$T/x.err") times"
run_sc "$T/x2" check $X --sheet 第三批 -i $INST --photos "$P"
expect_status "--sheet that is not there" 1
expect_grep "the sheets there are" "$T/x2.err" "no sheet named 第三批; its sheets are: 名单, 第二批"
cp "$P/440104199003121232.jpg" "$P/110105198001010016.jpg"
new_register "$T/x3.db" "$INST"
run_sc "$T/x3" render $X --sheet 第二批 -i $INST --photos "$P" --register "$T/x3.db" -o "$T/x3.pdf" --date ２０２６－１１－２３
expect_status "render --sheet 第二批 (full-width --date)" 0
pdftotext "$T/x3.pdf" - | tr -d ' ' >"$T/x3.txt"
expect_grep "the second sheet's holder printed" "$T/x3.txt" "陈明"
expect_grep "its level printed canonically" "$T/x3.txt" "五级/初级工"
expect_grep "the full-width --date used" "$T/x3.txt" "2026年11月23日"
run_sc "$T/x4" preview $X --row ７ -i $INST --photos "$P" --register "$T/x3.db" -o "$T/x4.png"
expect_status "preview --row ７ (full-width digit) of the workbook" 0
expect_grep "row 7 is the sheet's row 7" "$T/x4.out" "row 7"

# A missing glyph's advice works: a font copied into the fonts folder is used after the
# template's fonts, and the message names that folder's real path.
mkdir -p "$T/data/fonts"
ln -s "$SC_TOP/templates" "$T/data/templates"
printf '姓名,证件号码,职业名称,职业技能等级,照片\n阿ა,440104199003121013,电工,四级,440104199003121232.jpg\n' >"$T/ka.csv"
env SKILLCERT_DATADIR="$T/data" "$SKILLCERT" check "$T/ka.csv" -i $INST --photos "$P" >"$T/ka.out" 2>"$T/ka.err"
rc=$? last_err=$T/ka.err
expect_status "a Georgian letter LXGW WenKai lacks: refused" 1
expect_grep "the message names the fonts folder's real path" "$T/ka.out" "U+10D0) is in none of the fonts LXGW WenKai; copy a font that has it into $(cd "$T/data/fonts" && pwd -P) (its faces"
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$T/data/fonts/"
env SKILLCERT_DATADIR="$T/data" "$SKILLCERT" check "$T/ka.csv" -i $INST --photos "$P" >"$T/ka2.out" 2>"$T/ka2.err"
rc=$? last_err=$T/ka2.err
expect_status "with DejaVu Sans in the fonts folder: accepted" 0
new_register "$T/ka.db" "$INST"
env SKILLCERT_DATADIR="$T/data" "$SKILLCERT" render "$T/ka.csv" -i $INST --photos "$P" --register "$T/ka.db" -o "$T/ka.pdf" >/dev/null 2>&1
pdffonts "$T/ka.pdf" >"$T/ka.fonts" 2>&1
expect_grep "the letter printed from the folder's DejaVu Sans" "$T/ka.fonts" "DejaVuSans"
pdftotext "$T/ka.pdf" - | tr -d ' ' >"$T/ka.txt"
expect_grep "the name printed whole" "$T/ka.txt" "阿ა"

# GBK is read, not guessed at: the names come out right on the certificate.
new_register "$T/reg.db" "$INST"
run_sc "$T/g" render $D/gbk.csv -i $INST --photos "$P" --register "$T/reg.db" -o "$T/gbk.pdf"
expect_status "render a GBK file" 0
pdftotext "$T/gbk.pdf" - | tr -d ' ' >"$T/gbk.txt"
expect_grep "GBK names printed correctly" "$T/gbk.txt" "欧阳振华"
run_sc "$T/g2" check $D/gbk.csv -i $INST --photos "$P" --encoding utf-8
expect_status "--encoding utf-8 forced on a GBK file: refused" 1
expect_grep "names the line with the invalid bytes" "$T/g2.out" "$D/gbk.csv:1: header cell 1: byte 0xD0 is not valid UTF-8"

# render runs the same checks first and then writes nothing, issues nothing.
new_register "$T/reg2.db" "$INST"
run_sc "$T/r" render $D/twenty.csv -i $INST --photos "$P" --register "$T/reg2.db" -o "$T/twenty.pdf"
expect_status "render of the twenty-problem file: status 1" 1
[ "$(grep -c "^$D/twenty.csv:" "$T/r.err" | tr -d ' ')" -ge 1 ] && ok "render lists the problems" || not_ok "render lists the problems"
expect_absent "render wrote no PDF" "$T/twenty.pdf"

# Pathological inputs (STYLE.md), each under a timeout: a cell over the 64 KB limit, names of
# 20,000 characters that Pango must lay out, and 3,000 unknown columns.
python3 - "$T" <<'PY'
import csv, sys
d = sys.argv[1]
head = ["姓名", "证件号码", "职业名称", "职业技能等级", "照片"]
row = ["张伟", "440104199003121232", "电工", "4", "440104199003121232.jpg"]
def write(name, header, rows):
    with open(f"{d}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
write("huge-cell.csv", head, [["张" * 60000] + row[1:]])
write("long-name.csv", head, [["张" * 20000] + row[1:]])
write("wide.csv", head + ["c%d" % i for i in range(3000)], [row + ["x"] * 3000])
PY
timeout 30 "$SKILLCERT" check "$T/huge-cell.csv" -i $INST --photos "$P" >"$T/hc.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "huge-cell.csv:2: 姓名: .*over the limit" "$T/hc.out" && ok "a 180 KB cell: refused by size, quickly" || not_ok "huge cell (status $rc)"
timeout 30 "$SKILLCERT" check "$T/long-name.csv" -i $INST --photos "$P" >"$T/ln.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "long-name.csv:2 (张.*): 姓名: .*does not fit" "$T/ln.out" && ok "a 20,000-character name: does not fit, quickly" || not_ok "long name (status $rc)"
timeout 30 "$SKILLCERT" check "$T/wide.csv" -i $INST --photos "$P" >"$T/w.out" 2>"$T/w.err"
rc=$?
[ $rc = 0 ] && [ "$(grep -c 'not a known field' "$T/w.err")" -le 11 ] && ok "3,000 unknown columns: kept, mentioned in a few lines" || not_ok "wide file (status $rc)"
