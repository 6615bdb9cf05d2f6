#!/bin/sh
# test-number.sh - certificate numbers from the command line (SPEC §3): explain, next, the limit
# 999999, two batches at once, a killed batch; with real processes.
. "$SC_TOP/tests/cli/lib.sh"

INST=examples/institution.ini
PREFIX=S000044011001

# explain: the SPEC §3 examples validate (000 附件3's 22-character forms); fields in Chinese.
run_sc "$T/e" number explain S000052001001205000029 --profile guizhou
expect_status "explain the 000 附件3 example" 0
expect_grep "explain names the province" "$T/e.out" "贵州省"
expect_grep "explain names the level" "$T/e.out" "五级/初级工"
expect_grep "explain gives the serial" "$T/e.out" "000029"
run_sc "$T/e" number explain Y000052002008203000001 --profile guizhou
expect_status "explain the 000 附件3 Y example" 0
expect_grep "explain names the category" "$T/e.out" "用人单位"
run_sc "$T/g" number explain ${PREFIX}264000001 --profile guangdong
expect_status "explain a Guangdong number" 0
expect_grep "Guangdong: the city" "$T/g.out" "广州"
expect_grep "Guangdong: the unit type" "$T/g.out" "企业"

# The defects SPEC §3 lists are refused, each for its reason.
run_sc "$T/d" number explain S0000520010015000029
expect_status "000 附件3's 20-character example is refused" 1
expect_grep "… for its length" "$T/d.err" "found 20 characters"
run_sc "$T/d" number explain S000011033002205000001 --profile guangdong
expect_status "004 三 example 4 is refused as Guangdong" 1
expect_grep "… because 11 is not Guangdong" "$T/d.err" "province code 11"
run_sc "$T/d" number explain s000044011001264000001
expect_status "a lower-case letter is refused" 1
run_sc "$T/d" number explain S000044011001264000000
expect_status "serial 000000 is refused" 1
run_sc "$T/d" number explain
expect_status "explain without a number: usage" 2

# next: without allocating.
new_register "$T/reg.db" "$INST"
run_sc "$T/n" number next -i $INST --register "$T/reg.db" --level 中级工 --year 2026
expect_status "next on a new register" 0
expect_grep "next is serial 1" "$T/n.out" "${PREFIX}264000001"
run_sc "$T/n" number next -i $INST --register "$T/reg.db" --level 四级 --year 2026
expect_grep "next allocated nothing" "$T/n.out" "${PREFIX}264000001"
run_sc "$T/n" number next -i $INST --register "$T/reg.db" --level 预备技师
expect_status "预备技师 is not a Guangdong level" 1

# A pre-assigned number never moves the counter (a mistyped 999999 would end the year's
# numbering): allocation goes on from 000001, and skips the pre-assigned serials it reaches.
rec() { # FILE NAME ID LEVEL NUMBER: one record with the example's first photo
    printf '姓名,证件号码,职业名称,职业技能等级,证书编号,发证日期,照片\n%s,%s,电工,%s,%s,2026-11-20,440104199003121232.jpg\n' "$2" "$3" "$4" "$5" >"$1"
}
rec "$T/last.csv" 张伟 440104199003121232 5 ${PREFIX}265999999
new_register "$T/lim.db" "$INST"
# check calls it a likely typo, without refusing it (a number from upstream may be right).
run_sc "$T/c" check "$T/last.csv" -i $INST --photos examples/photos --register "$T/lim.db"
expect_status "check of a far-ahead serial: no problem" 0
expect_grep "… but a note naming the row and the serial" "$T/c.err" "last.csv:2: 证书编号: serial 999999 of ${PREFIX}265999999 is far ahead"
rec "$T/near.csv" 张伟 440104199003121232 5 ${PREFIX}265000900
run_sc "$T/c" check "$T/near.csv" -i $INST --photos examples/photos --register "$T/lim.db"
expect_no_grep "a serial within reach of the counter: no note" "$T/c.err" "far ahead"
run_sc "$T/c" check "$T/last.csv" -i $INST --photos examples/photos --register "$T/lim.db" --quiet
expect_no_grep "--quiet: no note" "$T/c.err" "far ahead"
run_sc "$T/l" render "$T/last.csv" -i $INST --photos examples/photos --register "$T/lim.db" -o "$T/last.pdf"
expect_status "serial 999999 is accepted" 0
run_sc "$T/n" number next -i $INST --register "$T/lim.db" --level 5 --year 2026
expect_grep "… and the counter did not move" "$T/n.out" "${PREFIX}265000001"
run_sc "$T/c" check "$T/last.csv" -i $INST --photos examples/photos --register "$T/lim.db"
expect_no_grep "once issued, the number is the register's own: no note" "$T/c.err" "far ahead"
rec "$T/two.csv" 李明 11010519491231002X 5 ${PREFIX}265000002
run_sc "$T/l2" render "$T/two.csv" -i $INST --photos examples/photos --register "$T/lim.db" -o "$T/two.pdf"
rec "$T/one.csv" 王芳 440106199511084565 5 ""
run_sc "$T/l1" render "$T/one.csv" -i $INST --photos examples/photos --register "$T/lim.db" -o "$T/one.pdf"
expect_grep "the next allocation is 000001" "$T/one.pdf.numbers.csv" "${PREFIX}265000001"
run_sc "$T/n" number next -i $INST --register "$T/lim.db" --level 5 --year 2026
expect_grep "… and then 000003: the pre-assigned 000002 is skipped" "$T/n.out" "${PREFIX}265000003"

# The limit, from both sides: serial 999999 is issued, the one after it refused.
new_register "$T/end.db" "$INST"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO counters VALUES ('$PREFIX', 26, 5, 999998)\"); c.commit()" "$T/end.db"
rec "$T/last2.csv" 张伟 440104199003121232 5 ""
run_sc "$T/e" render "$T/last2.csv" -i $INST --photos examples/photos --register "$T/end.db" -o "$T/last2.pdf"
expect_status "serial 999999 is issued" 0
expect_grep "… as 999999" "$T/last2.pdf.numbers.csv" "${PREFIX}265999999"
rec "$T/over.csv" 王芳 11010519491231002X 5 ""
run_sc "$T/o" render "$T/over.csv" -i $INST --photos examples/photos --register "$T/end.db" -o "$T/over.pdf"
expect_status "the next one is refused, not wrapped" 1
expect_grep "… saying the serials are used up" "$T/o.err" "999999"
expect_absent "… and nothing is written" "$T/over.pdf"
run_sc "$T/n" number next -i $INST --register "$T/end.db" --level 5 --year 2026
expect_status "next after 999999: an error" 1

# Two batches at once into one register: disjoint, each consecutive, together 1..400.
python3 - "$T" <<'PY'
import sys
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(i):
    s = "440104%04d0101%03d" % (1950 + i // 1000, i % 1000)
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, W)) % 11]
for b, start in (("a", 0), ("b", 200)):
    with open(f"{sys.argv[1]}/{b}.csv", "w", encoding="utf-8") as f:
        f.write("姓名,证件号码,职业名称,职业技能等级,发证日期,照片\n")
        for i in range(start, start + 200):
            f.write(f"持证人{i},{idn(i)},电工,5,2026-11-20,440104199003121232.jpg\n")
PY
new_register "$T/con.db" "$INST"
"$SKILLCERT" render "$T/a.csv" -i $INST --photos examples/photos --register "$T/con.db" -o "$T/a.pdf" >/dev/null 2>"$T/a.err" &
pa=$!
"$SKILLCERT" render "$T/b.csv" -i $INST --photos examples/photos --register "$T/con.db" -o "$T/b.pdf" >/dev/null 2>"$T/b.err" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
[ $ra = 0 ] && [ $rb = 0 ] && ok "two concurrent batches both succeed" || { not_ok "concurrent batches ($ra, $rb)"; sed 's/^/# /' "$T/a.err" "$T/b.err"; }
serials() { pdftotext "$1" - | grep -o "${PREFIX}265[0-9]\{6\}" | cut -c17-22 | sed 's/^0*//'; }
serials "$T/a.pdf" >"$T/a.s"
serials "$T/b.pdf" >"$T/b.s"
consecutive() { sort -n "$1" | awk 'NR == 1 { first = $1 } { if ($1 != first + NR - 1) bad = 1 } END { exit bad || NR != 200 }'; }
consecutive "$T/a.s" && consecutive "$T/b.s" && ok "each batch got 200 consecutive serials" || not_ok "consecutive ranges"
[ "$(sort -n "$T/a.s" "$T/b.s" | uniq | wc -l)" = 400 ] && [ "$(sort -n "$T/a.s" "$T/b.s" | tail -n 1)" = 400 ] &&
    ok "disjoint, together exactly 1..400" || not_ok "disjoint ranges"

# A batch killed at random moments never leaves a gap or a duplicate: running it again to the
# end gives serials 1..200 exactly, and no certificate file under its final name until done.
new_register "$T/kill.db" "$INST"
for delay in 0.05 0.15 0.3; do
    "$SKILLCERT" render "$T/a.csv" -i $INST --photos examples/photos --register "$T/kill.db" -o "$T/k.pdf" >/dev/null 2>&1 &
    pk=$!
    sleep $delay
    kill -9 $pk 2>/dev/null
    wait $pk 2>/dev/null
    [ -f "$T/k.pdf" ] && [ "$(pdfinfo "$T/k.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')" != 200 ] && not_ok "killed after ${delay}s: a partial PDF under the final name"
done
run_sc "$T/k" render "$T/a.csv" -i $INST --photos examples/photos --register "$T/kill.db" -o "$T/k.pdf"
expect_status "the batch run again after kills" 0
serials "$T/k.pdf" | sort -n >"$T/k.s"
[ "$(head -n 1 "$T/k.s")" = 1 ] && consecutive "$T/k.s" && ok "after kills: serials 1..200, no gap, no duplicate" || not_ok "gap or duplicate after kills"
