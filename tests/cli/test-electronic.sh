#!/bin/sh
# test-electronic.sh - electronic certificates ready to send and to keep (issue 11; SPEC §5):
# file names from a pattern, the manifest, both outputs in one run, metadata, bookmarks, links,
# print scaling (issue 12), progress, quiet runs, usage errors, standard output, PNG resolution.
. "$SC_TOP/tests/cli/lib.sh"

EX=examples
INST=$EX/institution.ini
PREFIX=S000044011001
INST_NAME=$(sed -n 's/^name *= *//p' $INST) # the filed name, as the institution file says
export SOURCE_DATE_EPOCH=1795392000

# One run, both outputs: the same numbers in the same order (one numbering).
new_register "$T/reg.db" "$INST"
run_sc "$T/b" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/c.pdf" --split "$T/s"
expect_status "-o and --split in one run" 0
python3 tests/cli/pdfcheck.py numbers "$T/c.pdf" $PREFIX >"$T/numbers"
# The manifest: UTF-8 with a byte-order mark, a header, one line per record in file order.
[ "$(head -c 3 "$T/s/manifest.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] && ok "manifest starts with a UTF-8 BOM" || not_ok "manifest BOM"
sed '1s/^\xef\xbb\xbf//' "$T/s/manifest.csv" | tr -d '\r' >"$T/m.csv"
[ "$(head -n 1 "$T/m.csv")" = "row,姓名,证件号码,证书编号,发证日期,file,bytes,SHA-256" ] && ok "manifest header" || not_ok "manifest header: $(head -n 1 "$T/m.csv")"
tail -n +2 "$T/m.csv" | cut -d, -f4 >"$T/m-numbers"
[ "$(wc -l <"$T/numbers")" = 10 ] && cmp -s "$T/numbers" "$T/m-numbers" &&
    ok "the one PDF and the split files carry the same numbers, in the same order" || { not_ok "numbering of both outputs"; paste "$T/numbers" "$T/m-numbers" | sed 's/^/# /'; }
[ "$(ls "$T/s" | grep -c '\.pdf$')" = 10 ] && ok "10 split files" || not_ok "split file count"

# Every file listed, with its real size and SHA-256 (recomputed here), named number_holder.
bad=0
tail -n +2 "$T/m.csv" | while IFS=, read -r row name id number date file bytes sum; do
    [ "$file" = "${number}_${name}.pdf" ] || { echo "# $row: $file is not ${number}_${name}.pdf"; exit 1; }
    [ "$(sha256sum "$T/s/$file" | cut -d' ' -f1)" = "$sum" ] || { echo "# $row: SHA-256 differs"; exit 1; }
    [ "$(wc -c <"$T/s/$file" | tr -d ' ')" = "$bytes" ] || { echo "# $row: size differs"; exit 1; }
done && ok "each file is {证书编号}_{姓名}.pdf with the size and SHA-256 the manifest gives" || not_ok "manifest rows match the files"
# 证件号码 masked in the middle (SPEC §4: 18 characters: 4 shown, 10 hidden, 4 shown).
row2=$(sed -n 2p "$T/m.csv")
id2=$(sed -n 2p $EX/records.csv | cut -d, -f3)
masked=$(echo "$id2" | sed 's/^\(....\).\{10\}\(....\)$/\1**********\2/')
echo "$row2" | grep -qF ",$masked," && ! grep -qF "$id2" "$T/m.csv" && ok "证件号码 masked in the middle ($masked)" || not_ok "masked id: $row2"

# --full-id: the whole number (a reprint: same numbers from the register).
run_sc "$T/f" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" --split "$T/full" --full-id
expect_grep "--full-id shows 证件号码 whole" "$T/full/manifest.csv" ",$id2,"
# Reproducible: the same batch again gives the same files, byte for byte.
diff -r -x manifest.csv "$T/s" "$T/full" >/dev/null && ok "split files byte-identical across runs" || not_ok "split files differ across runs"

# Metadata of one holder's file, read back with pdfinfo (SPEC §5).
f1="$T/s/${PREFIX}264000001_张伟.pdf"
pdfinfo -isodates "$f1" >"$T/info"
expect_grep "title names the holder" "$T/info" "Title:           职业技能等级证书 — 张伟"
expect_grep "author is the institution's filed name" "$T/info" "Author:          $INST_NAME"
expect_grep "subject: occupation and level" "$T/info" "Subject:         电工 四级/中级工"
expect_grep "keywords: the certificate number" "$T/info" "Keywords:        ${PREFIX}264000001"
expect_grep "creator: skillcert and its version" "$T/info" "Creator:         skillcert $(sed -n 's/^VERSION *:= *//p' Makefile)"
expect_grep "creation date: the issue date in China's time zone" "$T/info" "CreationDate:    2026-11-20T00:00:00+08"
pdfinfo -meta "$f1" >"$T/xmp"
expect_grep "XMP: dc:title" "$T/xmp" "职业技能等级证书 — 张伟</rdf:li>"
expect_grep "XMP: dc:creator" "$T/xmp" "<rdf:li>$INST_NAME</rdf:li>"
expect_grep "XMP: xmp:CreateDate with its zone" "$T/xmp" "<xmp:CreateDate>2026-11-20T00:00:00+08:00</xmp:CreateDate>"
expect_grep "XMP: pdf:Keywords" "$T/xmp" "<pdf:Keywords>${PREFIX}264000001</pdf:Keywords>"
qpdf --qdf --object-streams=disable "$f1" "$T/q1.pdf"
expect_grep "date in D:…+08'00' form" "$T/q1.pdf" "/CreationDate (D:20261120000000+08'00')"
expect_grep "/Lang (zh-CN)" "$T/q1.pdf" "/Lang (zh-CN)"
expect_grep "split file: /PrintScaling /None (issue 12)" "$T/q1.pdf" "/PrintScaling /None"
qpdf --qdf --object-streams=disable "$T/c.pdf" "$T/qc.pdf"
expect_grep "one PDF: /PrintScaling /None (issue 12)" "$T/qc.pdf" "/PrintScaling /None"
pdfinfo "$T/c.pdf" >"$T/cinfo"
expect_grep "one PDF: the batch's title and count" "$T/cinfo" "Title:           职业技能等级证书 — 10 份"

# Links: both query addresses and the QR's address on every page.
pdfinfo -url "$T/c.pdf" >"$T/urls"
for p in 1 10; do
    n=$(sed -n "${p}p" "$T/numbers")
    for u in "http://jndj.osta.org.cn/" "http://pjjg.osta.org.cn/" "http://jndj.osta.org.cn/?zsbh=$n"; do
        awk -v p=$p -v u="$u" '$1 == p && $3 == u { f = 1 } END { exit !f }' "$T/urls" && ok "page $p links to $u" || not_ok "page $p link $u"
    done
done

# Bookmarks: one per certificate, "证书编号 姓名", in page order, each to its page.
mutool show "$T/c.pdf" outline >"$T/outline"
tail -n +2 $EX/records.csv | cut -d, -f1 >"$T/names"
paste -d' ' "$T/numbers" "$T/names" | awk '{ printf "%s\t#page=%d\n", $0, NR }' >"$T/want-outline"
sed 's/^|\t"\(.*\)"\t\(#page=[0-9]*\).*/\1\t\2/' "$T/outline" >"$T/got-outline"
cmp -s "$T/want-outline" "$T/got-outline" && ok "a bookmark per certificate: number and holder, to its page" || { not_ok "bookmarks"; diff "$T/want-outline" "$T/got-outline" | head -5 | sed 's/^/# /'; }
expect_grep "page labels" "$T/qc.pdf" "/PageLabels"
# Page labels: each page's label is its certificate number, whole (cairo 1.16 would have read
# its trailing digits as a page number: "S0000" then an overflowed count).
labels() { qpdf --json --json-key=pagelabels "$1" | python3 -c '
import json, sys
for l in json.load(sys.stdin)["pagelabels"]:
    print(l["label"]["/P"].removeprefix("u:"), l["label"].get("/S", "-"))'; }
labels "$T/c.pdf" >"$T/labels"
awk '{ print $0, "-" }' "$T/numbers" | cmp -s - "$T/labels" && ok "page labels: each page's certificate number, no numbering style" ||
    { not_ok "page labels"; head -3 "$T/labels" | sed 's/^/# /'; }

# A long print run is written by cairo in parts and joined (issue 9: memory stays flat): 10
# certificates in parts of 3 pages read, look and check as the one-part file does.
SKILLCERT_PART_PAGES=3 run_sc "$T/p" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/parts.pdf"
expect_status "one PDF joined from 4 parts" 0
# The SHA-256 the register keeps is the file's (digested while the finish stage amended it).
num=$(python3 tests/cli/pdfcheck.py numbers "$T/parts.pdf" $PREFIX | head -n 1)
run_sc "$T/psh" show "$num" -i $INST --register "$T/reg.db"
expect_grep "joined: the register keeps the file's SHA-256 (sha256sum)" "$T/psh.out" "SHA-256 $(sha256sum "$T/parts.pdf" | cut -d' ' -f1)"
[ "$(pdfinfo "$T/parts.pdf" | sed -n 's/^Pages: *//p')" = 10 ] && qpdf --check "$T/parts.pdf" >/dev/null 2>&1 &&
    ok "joined: 10 pages, qpdf finds no error" || not_ok "joined file: $(qpdf --check "$T/parts.pdf" 2>&1 | head -3)"
python3 tests/cli/pdfcheck.py numbers "$T/parts.pdf" $PREFIX | cmp -s - "$T/numbers" && ok "joined: the same numbers on the same pages" || not_ok "joined: numbers"
pdftoppm -r 40 -png "$T/c.pdf" "$T/one" && pdftoppm -r 40 -png "$T/parts.pdf" "$T/joined"
same=0
for f in "$T"/one-*.png; do cmp -s "$f" "$T/joined-${f##*/one-}" && same=$((same + 1)); done
[ $same = 10 ] && ok "joined: every page looks as in the one-part file, pixel for pixel" || not_ok "joined: $same of 10 pages look the same"
mutool show "$T/parts.pdf" outline | sed 's/^|\t"\(.*\)"\t\(#page=[0-9]*\).*/\1\t\2/' | cmp -s - "$T/want-outline" &&
    ok "joined: a bookmark per certificate, to its page" || not_ok "joined: bookmarks"
labels "$T/parts.pdf" | cmp -s - "$T/labels" && ok "joined: page labels" || not_ok "joined: page labels"
pdfinfo -url "$T/parts.pdf" | cmp -s - "$T/urls" && ok "joined: the same links on the same pages" || not_ok "joined: links"
pdffonts "$T/parts.pdf" | awk 'NR > 2 && $(NF-4) != "yes" { bad = 1 } END { exit bad }' && ok "joined: every font embedded" || not_ok "joined: fonts"
mkdir -p "$T/img1" "$T/img2"
pdfimages -all "$T/c.pdf" "$T/img1/i" && pdfimages -all "$T/parts.pdf" "$T/img2/i"
for f in "$T"/img1/*.jpg; do cmp -s "$f" "$T/img2/${f##*/}" || echo "$f"; done | grep -q . && not_ok "joined: photos" ||
    ok "joined: the JPEG photos bit-exact"
python3 tests/cli/pdfa.py "$T/parts.pdf" >"$T/pdfa.out" 2>&1 && ok "joined: PDF/A-2b clauses hold" || { not_ok "joined: PDF/A"; grep "^not ok" "$T/pdfa.out" | head -3 | sed 's/^/# /'; }
python3 tests/cli/readcheck.py untagged "$T/parts.pdf" >/dev/null 2>&1 && ok "joined: untagged, as the one-part print file" || not_ok "joined: tagging"
ls -a "$T" | grep -q skillcert-tmp && not_ok "joined: temporaries left" || ok "joined: no part left behind"
SKILLCERT_PART_PAGES=3 run_sc "$T/p2" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/parts2.pdf"
cmp -s "$T/parts.pdf" "$T/parts2.pdf" && ok "joined: byte-identical across runs" || not_ok "joined: differs across runs"

# Both cores for one PDF (issue 15): 240 certificates drawn by two threads, each into parts of
# its own, joined; the same pages, text and numbers as one thread's file, in the same order.
python3 tests/cli/faults.py records 240 "$T/many.csv"
new_register "$T/r1.db" "$INST"
new_register "$T/r2.db" "$INST"
run_sc "$T/j1" render "$T/many.csv" -i $INST --photos $EX/photos --register "$T/r1.db" -o "$T/j1.pdf" --jobs 1
run_sc "$T/j2" render "$T/many.csv" -i $INST --photos $EX/photos --register "$T/r2.db" -o "$T/j2.pdf" --jobs 2
expect_status "one PDF of 240 with --jobs 2" 0
[ "$(pdfinfo "$T/j2.pdf" | sed -n 's/^Pages: *//p')" = 240 ] && qpdf --check "$T/j2.pdf" >/dev/null 2>&1 &&
    ok "two threads: 240 pages, qpdf finds no error" || not_ok "two threads: pages or structure"
pdftotext "$T/j1.pdf" "$T/j1.txt" && pdftotext "$T/j2.pdf" "$T/j2.txt"
cmp -s "$T/j1.txt" "$T/j2.txt" && ok "two threads: every page's text as one thread's, in order" || not_ok "two threads: text differs"
mutool show "$T/j1.pdf" outline >"$T/o1" && mutool show "$T/j2.pdf" outline >"$T/o2"
labels "$T/j1.pdf" >"$T/l1" && labels "$T/j2.pdf" >"$T/l2"
cmp -s "$T/o1" "$T/o2" && cmp -s "$T/l1" "$T/l2" && [ "$(wc -l <"$T/l2")" = 240 ] &&
    ok "two threads: the same bookmarks and page labels" || not_ok "two threads: bookmarks or labels"
pdftoppm -r 20 -png -f 119 -l 122 "$T/j1.pdf" "$T/k1" && pdftoppm -r 20 -png -f 119 -l 122 "$T/j2.pdf" "$T/k2"
same=0
for f in "$T"/k1-*.png; do cmp -s "$f" "$T/k2-${f##*/k1-}" && same=$((same + 1)); done
[ $same = 4 ] && ok "two threads: the pages where one thread's share ends look the same" || not_ok "two threads: $same of 4 pages look the same"
ls -a "$T" | grep -q skillcert-tmp && not_ok "two threads: temporaries left" || ok "two threads: no part left behind"

# Read as its readers read it (issue 11): pdftotext in each of its modes and a screen reader
# (the structure tree) find each label of SPEC §2 directly followed by its value, in the page's
# order: 姓　　名： reads 姓名：, not 姓 far from 名：; every text the page shows is tagged, the
# pre-printed title and labels too, each label in one paragraph with its value.
# read_pairs WHAT PDF PAGE ROW: page PAGE of PDF against row ROW of the records and its number.
read_pairs() {
    IFS=, read -r name idtype id occ code work level _ date _ <<ROW
$(sed -n "$4p" $EX/records.csv)
ROW
    number=$(python3 tests/cli/pdfcheck.py numbers "$2" $PREFIX | sed -n "$3p")
    y=${date%%-*} md=${date#*-}
    m=${md%-*} d=${md#*-}
    python3 tests/cli/readcheck.py pairs "$2" "$3" "$1, left page" \
        发证日期： "${y}年${m#0}月${d#0}日" 证书信息查询网址： http://jndj.osta.org.cn/ \
        机构信息查询网址： http://pjjg.osta.org.cn/
    python3 tests/cli/readcheck.py pairs "$2" "$3" "$1, right page" \
        姓名： "$name" 证件类型： "$idtype" 证件号码： "$id" 职业名称： "$occ" \
        工种名称： "${work:-——}" 职业技能等级： "$level" 证书编号： "$number"
    if [ "${5:-}" = tagged ]; then
        python3 tests/cli/readcheck.py read "$2" "$3" >"$T/read"
        grep -q "^P	职业技能等级证书$" "$T/read" && ok "$1: the title is a paragraph of the structure" ||
            not_ok "$1: no title paragraph"
    fi
    # Still justified as SPEC §2 shows it: 姓名： starts where 证件类型： does (both right-aligned,
    # four characters wide).
    pdftotext -f "$3" -l "$3" -bbox "$2" - >"$T/bbox"
    x1=$(sed -n "s/.*xMin=\"\([0-9.]*\)\".*>姓名：$name<.*/\1/p" "$T/bbox")
    x2=$(sed -n "s/.*xMin=\"\([0-9.]*\)\".*>证件类型：$idtype<.*/\1/p" "$T/bbox")
    [ -n "$x1" ] && [ -n "$x2" ] && awk -v a="$x1" -v b="$x2" 'BEGIN { exit !(a - b < 0.1 && b - a < 0.1) }' &&
        ok "$1: 姓名： starts where 证件类型： does ($x1 pt)" || not_ok "$1: 姓名： at '$x1', 证件类型： at '$x2'"
}
# The electronic certificates are tagged; the combined print PDF is not (cairo 1.16 would hold
# every page's structure tree, 4 KB a page, until the end of a print run), and reads alike.
read_pairs "national template, row 2" "$T/c.pdf" 1 2
read_pairs "national template, row 3" "$T/c.pdf" 2 3
python3 tests/cli/readcheck.py untagged "$T/c.pdf"
qpdf --check "$T/c.pdf" >"$T/qc.out" 2>&1 && ! grep -q WARNING "$T/qc.out" &&
    ok "… and whole: qpdf --check finds nothing (no object left unwritten)" || { not_ok "qpdf --check of the untagged PDF"; sed 's/^/# /' "$T/qc.out" | head -5; }
read_pairs "a split file, row 2" "$f1" 1 2 tagged
python3 tests/cli/readcheck.py tagged "$f1"
# At 22 pt, where the two-em gap is wider still: labels and values in wider boxes.
awk '/^\[/ { k = $0 ~ /^\[label_/ ? "label" : $0 ~ /^\[value_/ ? "value" : "" }
     k != "" && /^size =/ { $0 = "size = 22pt" }
     k == "value" && /^min_size =/ { $0 = "min_size = 12pt" }
     k != "" && /^x =/ { $0 = "x = " (k == "label" ? "150mm" : "206mm") }
     k != "" && /^width =/ { $0 = "width = " (k == "label" ? "56mm" : "74mm") }
     { print }' templates/national.ini >"$T/big.ini"
run_sc "$T/big" render $EX/records.csv -t "$T/big.ini" -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/big.pdf" --split "$T/bigs"
expect_status "render with labels at 22 pt" 0
python3 tests/cli/pdfcheck.py sizes "$T/big.pdf" 1 | grep "^22.0 姓" >/dev/null && ok "… 姓　　名： at 22 pt" || not_ok "姓　　名： not at 22 pt"
read_pairs "labels at 22 pt, row 2" "$T/big.pdf" 1 2
big1=$(ls "$T/bigs/${PREFIX}264000001_"*.pdf)
read_pairs "labels at 22 pt, a split file" "$big1" 1 2 tagged
python3 tests/cli/readcheck.py tagged "$big1"

# Names from a pattern with hostile fields: separators, reserved names, dots, 300 bytes.
long=$(printf 'x%.0s' $(seq 1 300))
python3 - "$T/h.csv" "$long" <<'PY'
import csv, sys
rows = list(csv.DictReader(open("examples/records.csv", encoding="utf-8")))
notes = ["a/b", "c:d\\e", "..", "CON", sys.argv[2], "nul.txt", "f|g?h*", " .x", "LPT1", "ok"]
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()) + ["备注"])
    w.writeheader()
    for r, n in zip(rows, notes):
        r["备注"] = n
        w.writerow(r)
PY
run_sc "$T/h" render "$T/h.csv" -i $INST --photos $EX/photos --register "$T/reg.db" --split "$T/hs" --name '{备注}'
expect_status "hostile names: rendered" 0
ls "$T/hs" | grep -v manifest.csv | sort >"$T/hnames"
printf '%s\n' "a_b.pdf" "c_d_e.pdf" "__.pdf" "_CON.pdf" "_nul.txt.pdf" "f_g_h_.pdf" "_x.pdf" "_LPT1.pdf" "ok.pdf" | sort >"$T/hwant"
grep -v '^xxx' "$T/hnames" >"$T/hgot"
cmp -s "$T/hwant" "$T/hgot" && ok "separators, reserved characters, dots and device names made safe" || { not_ok "safe names"; diff "$T/hwant" "$T/hgot" | sed 's/^/# /'; }
ln=$(grep '^xxx' "$T/hnames")
[ "${#ln}" -le 255 ] && [ "${#ln}" -ge 250 ] && case "$ln" in *.pdf) true ;; *) false ;; esac &&
    ok "a 300-byte name cut to ${#ln} bytes, still .pdf" || not_ok "long name: ${#ln} bytes"
[ "$(find "$T" -name 'b.pdf' -o -name 'e.pdf' | wc -l)" = 0 ] && ok "nothing written outside the folder" || not_ok "file outside the folder"

# Two records with one name: refused before anything is written, the second row naming the first.
new_register "$T/new.db" "$INST"
run_sc "$T/c" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/new.db" --split "$T/coll" --name '{发证日期}'
expect_status "a name shared by two records: refused" 1
expect_grep "… on the second row, naming the first" "$T/c.err" "records.csv: rows 3–11 (9 rows): 证书编号: the file name 2026-11-20.pdf is already that of row 2"
expect_absent "… and no folder written" "$T/coll"
run_sc "$T/cn" number next -i $INST --register "$T/new.db" --level 4 --year 2026
expect_grep "… and no number used" "$T/cn.out" "${PREFIX}264000001"

# Standard output: the PDF and nothing else; the summary on stderr; no temporary left.
mkdir -p "$T/tmp"
mkdir -p "$T/cwd"
(cd "$T/cwd" && TMPDIR="$T/tmp" "$SKILLCERT" render "$SC_TOP/$EX/records.csv" -i "$SC_TOP/$INST" --photos "$SC_TOP/$EX/photos" \
    --register "$T/reg.db" -o - >"$T/stdout.pdf" 2>"$T/stdout.err")
rc=$?
expect_status "-o - writes to standard output" 0
[ "$(head -c 5 "$T/stdout.pdf")" = "%PDF-" ] && [ "$(pdfinfo "$T/stdout.pdf" | sed -n 's/^Pages: *//p')" = 10 ] && ok "… a PDF of 10 pages" || not_ok "stdout PDF"
cmp -s "$T/stdout.pdf" "$T/c.pdf" && ok "… the same bytes as -o FILE" || not_ok "stdout differs from the file"
expect_grep "… the summary on stderr" "$T/stdout.err" "10 certificates"
[ -z "$(ls -A "$T/tmp")" ] && ok "… no temporary left" || not_ok "temporary left in TMPDIR"
[ -z "$(ls -A "$T/cwd")" ] && ok "… and no numbers file named after '-' (only --numbers writes one)" || not_ok "file written in the working folder: $(ls -A "$T/cwd")"

# Progress: on a terminal only (script gives a pseudo-terminal); --quiet silences it.
python3 - >"$T/big.csv" <<'PY'
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print("姓名,证件号码,职业名称,职业技能等级,发证日期,照片")
for i in range(3000):
    body = "440104%04d%02d%02d%03d" % (1960 + i % 40, 1 + i % 12, 1 + i % 28, i % 1000)
    s = sum(int(c) * k for c, k in zip(body, w)) % 11
    print("张%d,%s%s,电工,四级,2026-11-20,440104199003121232.jpg" % (i, body, "10X98765432"[s]))
PY
script -q -c "'$SKILLCERT' check '$T/big.csv' -i $INST --photos $EX/photos" /dev/null >"$T/tty.txt" 2>&1
grep -q '/3000 certificates, [0-9]*/s, [0-9]*:[0-9][0-9] left' "$T/tty.txt" && ok "progress on a terminal: done/total, rate, time left" || { not_ok "progress on a terminal"; head -c 300 "$T/tty.txt" | sed 's/^/# /'; }
grep -q "$(printf '\r')" "$T/tty.txt" && ok "… redrawn in place with \\r" || not_ok "progress not overwritten"
"$SKILLCERT" check "$T/big.csv" -i $INST --photos $EX/photos >"$T/notty.out" 2>"$T/notty.err"
[ ! -s "$T/notty.err" ] && ! grep -q "certificates," "$T/notty.out" && ok "no progress when not on a terminal" || not_ok "progress without a terminal"
script -q -c "'$SKILLCERT' check '$T/big.csv' -i $INST --photos $EX/photos --quiet" /dev/null >"$T/q.txt" 2>&1
! grep -q "certificates," "$T/q.txt" && grep -q "3000 records, no problems" "$T/q.txt" && ok "--quiet: no progress, the result still said" || not_ok "--quiet check"
run_sc "$T/qr" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/quiet.pdf" --quiet
[ $rc = 0 ] && [ ! -s "$T/qr.out" ] && [ ! -s "$T/qr.err" ] && [ -f "$T/quiet.pdf" ] && ok "render --quiet: nothing said, PDF written" || not_ok "render --quiet"
run_sc "$T/sum" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/sum.pdf"
expect_grep "the run ends with its summary: the numbers' range" "$T/sum.out" "numbers ${PREFIX}261000001 to ${PREFIX}265000002, in "

# Usage errors: one line naming the problem, pointing to --help, status 2.
usage() { # DESCRIPTION EXPECTED ARGS...
    d=$1; want=$2; shift 2
    run_sc "$T/u" "$@"
    if [ $rc = 2 ] && [ "$(wc -l <"$T/u.err")" = 1 ] && grep -qF -- "$want" "$T/u.err" && grep -qF -- "--help" "$T/u.err"; then
        ok "usage: $d"
    else
        not_ok "usage: $d (status $rc)"; sed 's/^/# /' "$T/u.err" | head -n 5
    fi
}
usage "render without RECORDS" "render needs a records file" render -o x.pdf
usage "check without RECORDS" "check needs a records file" check
usage "two records files" "'b.csv' is one too many" render a.csv b.csv -o x.pdf
usage "render without an output" "needs -o OUT.pdf or --split DIR" render $EX/records.csv
usage "--name without --split" "need --split DIR" render $EX/records.csv -o x.pdf --name '{姓名}'
usage "preview to a PDF name" "-o x.pdf should end in .png" preview $EX/records.csv -o x.pdf
usage "no command" "which command?"
usage "not a command" "'frobnicate' is not a command" frobnicate
usage "an unknown option" "--bogus" render --bogus
run_sc "$T/v" --version
[ $rc = 0 ] && [ "$(cat "$T/v.out")" = "skillcert $(sed -n 's/^VERSION *:= *//p' Makefile)" ] && ok "--version" || not_ok "--version: $(cat "$T/v.out")"

# The preview PNG records its resolution (pHYs), so it prints at its true size.
run_sc "$T/p" preview $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" --dpi 200 -o "$T/p.png"
expect_status "preview at 200 dpi" 0
python3 - "$T/p.png" <<'PY' && ok "PNG pHYs: 200 dpi" || not_ok "PNG pHYs"
import struct, sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"pHYs")
x, y, unit = struct.unpack(">IIB", d[i + 4:i + 13])
sys.exit(0 if i > 0 and unit == 1 and abs(x * 0.0254 - 200) < 0.5 and x == y else 1)
PY

# make install: the example batch and bash completion; make uninstall: only what it installed.
D="$T/dest"
if make -s --no-print-directory install DESTDIR="$D" >"$T/inst.log" 2>&1; then
    share="$D/usr/local/share"
    [ -f "$share/skillcert/examples/institution.ini" ] && [ -f "$share/skillcert/examples/records.csv" ] &&
        [ -n "$(ls "$share/skillcert/examples/photos")" ] && ok "install: the example institution, records and photos" || not_ok "install: examples"
    [ -f "$share/bash-completion/completions/skillcert" ] && bash -c ". '$share/bash-completion/completions/skillcert' && complete -p skillcert" >/dev/null 2>&1 &&
        ok "install: bash completion that loads" || not_ok "install: bash completion"
    echo "a licensed face" >"$share/skillcert/fonts/STKaiti.ttf"
    make -s --no-print-directory uninstall DESTDIR="$D" >"$T/uninst.log" 2>&1
    [ "$(find "$D" -type f)" = "$share/skillcert/fonts/STKaiti.ttf" ] &&
        ok "uninstall: removes what install put, keeps the user's font" || { not_ok "uninstall"; find "$D" -type f | sed 's/^/# /'; }
else
    not_ok "make install"; sed 's/^/# /' "$T/inst.log" | head
fi

# Tagged for screen readers (issue 11): the texts and images a page draws are in the structure
# tree (P, Figure), and the PDF says it is tagged: each split file (an electronic certificate);
# the combined print PDF is not tagged.
new_register "$T/tag.db" "$INST"
run_sc "$T/tag" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/tag.db" -o "$T/tag.pdf" --split "$T/tags"
expect_status "render, one PDF and split" 0
pdfinfo "$T/tag.pdf" | grep -q "^Tagged: *no" && ok "the one PDF, a print file, is not tagged" || not_ok "one PDF tagged"
first=$(ls "$T/tags"/*.pdf | head -n 1)
pdfinfo "$first" | grep -q "^Tagged: *yes" && ok "each split file is tagged" || not_ok "split file not tagged"
qpdf --qdf --object-streams=disable "$first" "$T/tag-q.pdf"
p=$(grep -a -c "/S /P$" "$T/tag-q.pdf")
f=$(grep -a -c "/S /Figure" "$T/tag-q.pdf")
[ "$p" -ge 10 ] && [ "$f" -ge 2 ] && ok "… its structure: $p paragraphs, $f figures for its page" ||
    not_ok "structure: $p paragraphs, $f figures"
python3 tests/cli/pdfa.py "$T/tag.pdf" "$first" | grep -q "^not ok" && not_ok "a tagged PDF is not PDF/A" ||
    ok "… and still PDF/A-2b by the clause checker"
