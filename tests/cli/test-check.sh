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

for f in gbk bom idcard forbidden glyph photos duplicates quoting cells twenty; do
    check_file $f
done

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
[ $rc = 1 ] && grep -q "long-name.csv:2: 姓名: .*does not fit" "$T/ln.out" && ok "a 20,000-character name: does not fit, quickly" || not_ok "long name (status $rc)"
timeout 30 "$SKILLCERT" check "$T/wide.csv" -i $INST --photos "$P" >"$T/w.out" 2>"$T/w.err"
rc=$?
[ $rc = 0 ] && [ "$(grep -c 'not a known field' "$T/w.err")" -le 11 ] && ok "3,000 unknown columns: kept, mentioned in a few lines" || not_ok "wide file (status $rc)"
