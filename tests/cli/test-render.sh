#!/bin/sh
# test-render.sh - render and preview end to end, read back as a reader would (SPEC §2, §4):
# pdftotext, pdffonts, mutool trace, zbarimg on a 300 dpi raster; bad input leaves nothing.
. "$SC_TOP/tests/cli/lib.sh"

EX=examples
INST=$EX/institution.ini
PREFIX=S000044011001 # examples/institution.ini: S 0000 44 011001
export SOURCE_DATE_EPOCH=1795392000

# The example batch.
new_register "$T/reg.db" "$INST"
run_sc "$T/r" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/c.pdf"
expect_status "render the example batch" 0
pages=$(pdfinfo "$T/c.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
[ "$pages" = 10 ] && ok "10 pages for 10 records" || not_ok "10 pages for 10 records ($pages)"
size=$(pdfinfo "$T/c.pdf" | sed -n 's/^Page size: *//p')
case "$size" in "841.89 x 595.276 pts"*) ok "A4 landscape page ($size)" ;; *) not_ok "A4 landscape page ($size)" ;; esac

python3 tests/cli/pdfcheck.py fields "$T/c.pdf" $EX/records.csv
python3 tests/cli/pdfcheck.py geometry "$T/c.pdf" 1

# Every font embedded (and subset): no "no" in pdffonts' emb column.
pdffonts "$T/c.pdf" >"$T/fonts"
if [ "$(tail -n +3 "$T/fonts" | awk '{ if ($(NF-4) != "yes") print }' | wc -l)" = 0 ] &&
   [ "$(tail -n +3 "$T/fonts" | wc -l)" -ge 1 ]; then
    ok "every font embedded"
else
    not_ok "every font embedded"; sed 's/^/# /' "$T/fonts"
fi
grep -q "LXGWWenKai-Regular" "$T/fonts" && ok "the Kaiti face used is LXGW WenKai" || not_ok "LXGW WenKai embedded"

# Numbers: 22 characters of the institution, year 26, the record's level, serials from 000001
# per level in record order (SPEC §3).
python3 tests/cli/pdfcheck.py numbers "$T/c.pdf" $PREFIX >"$T/numbers" && ok "every page has a 22-character number of the institution" || not_ok "numbers well formed"
expected="${PREFIX}264000001 ${PREFIX}263000001 ${PREFIX}265000001 ${PREFIX}262000001 ${PREFIX}264000002 ${PREFIX}264000003 ${PREFIX}261000001 ${PREFIX}264000004 ${PREFIX}265000002 ${PREFIX}263000002"
got=$(tr '\n' ' ' <"$T/numbers" | sed 's/ $//')
[ "$got" = "$expected" ] && ok "serials consecutive per (year, level) in record order" || { not_ok "serials per level"; echo "# got      $got"; echo "# expected $expected"; }

# The QR code decodes, from a 300 dpi rendering, to the verification address with the number.
for p in 1 7; do
    pdftoppm -r 300 -png -f $p -l $p "$T/c.pdf" "$T/page"
    got=$(zbarimg -q --raw "$T"/page-*$p.png 2>/dev/null)
    want="http://jndj.osta.org.cn/?zsbh=$(sed -n "${p}p" "$T/numbers")"
    [ "$got" = "$want" ] && ok "page $p QR decodes to $want" || not_ok "page $p QR: '$got' != '$want'"
    rm -f "$T"/page-*.png
done

# The photos: JPEG embedded as-is (DCT), PNG re-encoded; the seal once for all pages.
pdfimages -list "$T/c.pdf" >"$T/images"
[ "$(awk '$9 == "jpeg"' "$T/images" | wc -l)" = 8 ] && ok "8 JPEG photos passed through as JPEG" || not_ok "JPEG pass-through"
[ "$(awk '$3 == "stencil" && $10 == "no"' "$T/images" | wc -l)" = 10 ] && ok "QR: one 1-bit stencil per page, not interpolated" || not_ok "QR stencil"
[ "$(awk '$4 == 600 { print $11 }' "$T/images" | sort -u | wc -l)" = 1 ] && ok "the seal is embedded once" || not_ok "seal embedded once"

# Idempotent and deterministic: the same batch again gives the same numbers and the same bytes.
run_sc "$T/r2" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/c2.pdf"
cmp -s "$T/c.pdf" "$T/c2.pdf" && ok "re-running the batch: byte-identical PDF, no new numbers" || not_ok "re-run identical"

# One PDF per record, named by number.
run_sc "$T/s" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" --split "$T/split"
expect_status "render --split" 0
# Issue 11: named {证书编号}_{姓名}.pdf by default, with the manifest beside them.
[ "$(ls "$T/split" | grep -c '\.pdf$')" = 10 ] && [ -f "$T/split/${PREFIX}261000001_欧阳振华.pdf" ] && [ -f "$T/split/manifest.csv" ] &&
    ok "10 files named by number and holder, and a manifest" || not_ok "split files"
[ -z "$(ls -A "$T/split" | grep '^\.')" ] && ok "no temporary files left in the split folder" || not_ok "temporaries left"
run_sc "$T/s3" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" --split "$T/split3" --jobs 3
expect_status "render --split --jobs 3" 0
diff -r "$T/split" "$T/split3" >/dev/null && [ -z "$(ls -A "$T/split3" | grep '^\.')" ] &&
    ok "three threads write the same files, byte for byte" || not_ok "--jobs 3 output differs"
run_sc "$T/s4" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" --split "$T/split4" --jobs 65
expect_status "--jobs 65: usage error" 2

# Fill-only (套打): the record's data without the border, title or labels.
run_sc "$T/f" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" --fill-only --offset 1.5,-0.5 -o "$T/fill.pdf"
expect_status "render --fill-only --offset" 0
pdftotext -f 1 -l 1 "$T/fill.pdf" - | tr -d ' ' >"$T/fill.txt"
if grep -q "张伟" "$T/fill.txt" && ! grep -q "职业技能等级证书" "$T/fill.txt" && ! grep -q "查询网址" "$T/fill.txt"; then
    ok "fill-only: data without the pre-printed text"
else
    not_ok "fill-only content"
fi
mutool trace "$T/fill.pdf" 1 | grep -q "stroke_path" && not_ok "fill-only draws no border" || ok "fill-only draws no border"

# Preview: one record to PNG at the asked resolution, without issuing anything.
new_register "$T/new.db" "$INST"
run_sc "$T/p" preview $EX/records.csv -i $INST --photos $EX/photos --register "$T/new.db" --row 4 --dpi 100 -o "$T/p.png"
expect_status "preview --row 4" 0
dims=$(file "$T/p.png" | grep -o '[0-9]* x [0-9]*')
[ "$dims" = "1170 x 827" ] && ok "preview is 297 × 210 mm at 100 dpi ($dims)" || not_ok "preview size ($dims)"
expect_grep "preview shows the number row 4 would get" "$T/p.out" "${PREFIX}265000001"
run_sc "$T/n" number next -i $INST --register "$T/new.db" --level 5 --year 2026
expect_grep "preview issued nothing" "$T/n.out" "${PREFIX}265000001"

# Bad input: a clear message naming file, row and field; status 1; no output; no number used.
bad() { # NAME EDIT-ROW-3 EXPECTED-MESSAGE
    name=$1; shift
    mkdir -p "$T/$name/photos"
    cp $EX/photos/* "$T/$name/photos/"
    python3 - "$T/$name" "$@" <<'PY'
import csv, sys
d, field, value = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.DictReader(open("examples/records.csv", encoding="utf-8")))
rows[2][field] = value
with open(d + "/records.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=rows[0].keys())
    w.writeheader()
    w.writerows(rows)
PY
}
check_bad() { # DESCRIPTION NAME EXPECTED...
    d=$1; name=$2; shift 2
    new_register "$T/$name/reg.db" "$INST"
    run_sc "$T/$name/r" render "$T/$name/records.csv" -i $INST --photos "$T/$name/photos" --register "$T/$name/reg.db" -o "$T/$name/out.pdf"
    expect_status "$d: exit status 1" 1
    for want in "$@"; do expect_grep "$d: says '$want'" "$T/$name/r.err" "$want"; done
    expect_absent "$d: no PDF written" "$T/$name/out.pdf"
    [ -z "$(ls -A "$T/$name" | grep '^\.out')" ] && ok "$d: no temporary file left" || not_ok "$d: temporary left"
    "$SKILLCERT" number next -i $INST --register "$T/$name/reg.db" --level 5 --year 2026 >"$T/$name/next" 2>&1
    grep -q "${PREFIX}265000001" "$T/$name/next" && ok "$d: no number consumed" || not_ok "$d: number consumed"
}

bad nophoto 照片 missing.jpg
check_bad "missing photo" nophoto "records.csv:4 (阿依古丽·买买提): 照片:" "not found"

bad corrupt 照片 broken.png
head -c 200 $EX/photos/440103198701251113.png >"$T/corrupt/photos/broken.png"
check_bad "corrupt PNG" corrupt "records.csv:4 (阿依古丽·买买提): 照片:" "corrupt PNG"

bad glyph 姓名 "王"$(printf '\360\240\200\200') # U+20000, CJK Extension B: in no configured face
check_bad "character no font has" glyph "records.csv:4 (" "U+20000"

bad long 职业名称 "$(printf '职业%.0s' $(seq 1 40))"
check_bad "text too long for its box" long "records.csv:4 (阿依古丽·买买提): 职业名称:" "does not fit"

# The institution's name is printed twice: without an institution file it must come from a
# 评价机构名称 column, never be left blank.
printf '姓名,证件号码,职业名称,职业技能等级,证书编号,照片\n张伟,440104199003121232,电工,5,S000044011001265000042,440104199003121232.jpg\n' >"$T/noinst.csv"
run_sc "$T/ni" render "$T/noinst.csv" --photos $EX/photos -o "$T/noinst.pdf"
expect_status "no institution name anywhere: refused" 1
expect_grep "… naming the holder, the field and what to do" "$T/ni.err" "noinst.csv:2 (张伟): 评价机构名称: "
expect_absent "… and nothing written" "$T/noinst.pdf"
printf '姓名,证件号码,职业名称,职业技能等级,证书编号,照片,评价机构名称\n张伟,440104199003121232,电工,5,S000044011001265000042,440104199003121232.jpg,东莞市某某职业技能培训中心\n' >"$T/col.csv"
run_sc "$T/co" render "$T/col.csv" --photos $EX/photos -o "$T/col.pdf"
expect_status "the name from a 评价机构名称 column" 0
pdftotext "$T/col.pdf" - | tr -d ' \n' >"$T/col.txt"
expect_grep "… printed in the body" "$T/col.txt" "本证书由东莞市某某职业技能培训中心颁发"

# Preview shows one record: problems of other rows do not stop it; its own do.
new_register "$T/pv.db" "$INST"
run_sc "$T/pv" preview tests/data/check/idcard.csv -i $INST --photos $EX/photos --register "$T/pv.db" --row 5 -o "$T/pv.png"
expect_status "preview of a good row beside bad ones" 0
run_sc "$T/pb" preview tests/data/check/idcard.csv -i $INST --photos $EX/photos --register "$T/pv.db" --row 2 -o "$T/pb.png"
expect_status "preview of a bad row: refused" 1
expect_grep "… with its own problem" "$T/pb.err" "idcard.csv:2 (张伟): 证件号码:"
grep -q "idcard.csv:3:" "$T/pb.err" && not_ok "… and not other rows' problems" || ok "… and not other rows' problems"
expect_absent "… and no PNG" "$T/pb.png"

# A scanned JPEG seal (no transparency, off-white paper, red ink; tests/data/image/make-seals.sh)
# is printed as ink on paper (SPEC §2, issue 10): measured at 300 dpi against the same page
# without a seal, no text pixel of the name and date under it is lost.
head -n 2 $EX/records.csv >"$T/one.csv"
sed "s|^seal = .*|seal = $SC_TOP/tests/data/image/scanned-seal.jpg|" $INST >"$T/inst-scan.ini"
sed "s|^seal = .*|seal = $SC_TOP/tests/data/image/dark-seal.jpg|" $INST >"$T/inst-dark.ini"
grep -v '^seal' $INST >"$T/inst-none.ini"
new_register "$T/seal.db" "$INST"
run_sc "$T/sc" render "$T/one.csv" -i "$T/inst-scan.ini" --photos $EX/photos --register "$T/seal.db" -o "$T/seal.pdf"
expect_status "render with a scanned JPEG seal" 0
run_sc "$T/sn" render "$T/one.csv" -i "$T/inst-none.ini" --photos $EX/photos --register "$T/seal.db" -o "$T/noseal.pdf"
expect_status "the same without a seal" 0
python3 tests/cli/pdfcheck.py under-seal "$T/seal.pdf" "$T/noseal.pdf" 1
pdfimages -list "$T/seal.pdf" | awk '$4 == 600 && $9 == "jpeg"' | grep -q . && ok "the scanned seal passes through as JPEG" || not_ok "scanned seal passthrough"
# A seal that would hide the text even as ink (a dark disc) is refused, saying why.
run_sc "$T/sd" render "$T/one.csv" -i "$T/inst-dark.ini" --photos $EX/photos --register "$T/seal.db" -o "$T/dark.pdf"
expect_status "a dark seal over the name and date: refused" 1
expect_grep "… saying it would hide the text" "$T/sd.err" "too dark for the text under it"
expect_absent "… and nothing written" "$T/dark.pdf"

# Phone photos (issue 10; SPEC §5 "photos are shown the way their EXIF orientation says"): the
# same upright picture stored and tagged with each EXIF orientation 1–8
# (tests/data/photo/make-exif.sh).  Orientations 5–8 store landscape pixels: judged by the shown
# 5:7 shape, they are accepted; each page shows the picture upright, measured on the page.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } NR <= 9 { $NF = "orient-" (NR - 1) ".jpg"; print }' \
    $EX/records.csv >"$T/orient.csv"
new_register "$T/orient.db" "$INST"
run_sc "$T/or" render "$T/orient.csv" -i $INST --photos tests/data/photo --register "$T/orient.db" -o "$T/orient.pdf"
expect_status "photos tagged with EXIF orientations 1–8 accepted" 0
for p in 1 2 3 4 5 6 7 8; do
    python3 tests/cli/pdfcheck.py photo-upright "$T/orient.pdf" $p | sed "s/page $p:/orientation $p:/"
done
[ "$(pdfimages -list "$T/orient.pdf" | awk '$4 >= 280 && $9 == "jpeg"' | wc -l)" = 8 ] && ok "… each photo still passed through as JPEG" || not_ok "oriented photos as JPEG"

# A photo with GPS, camera, XMP, IPTC and a comment: none of it in the PDF, and the image data
# (from the first SOS marker to the end) byte for byte the file's.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } NR == 2 { $NF = "gps.jpg"; print }' $EX/records.csv >"$T/gps.csv"
new_register "$T/gps.db" "$INST"
run_sc "$T/gp" render "$T/gps.csv" -i $INST --photos tests/data/photo --register "$T/gps.db" -o "$T/gps.pdf"
expect_status "render a photo carrying GPS" 0
mkdir -p "$T/gpsimg" && pdfimages -all "$T/gps.pdf" "$T/gpsimg/i"
photo=$(for f in "$T"/gpsimg/*.jpg; do [ "$(identify -format %w "$f")" = 392 ] && echo "$f"; done)
if [ -n "$photo" ]; then
    tags=$(exiftool -a -G1 -s "$photo" | grep -E '^\[(GPS|IFD0|ExifIFD|XMP|IPTC|Photoshop)' | wc -l)
    [ "$tags" = 0 ] && ok "no Exif, GPS, XMP or IPTC in the embedded photo (exiftool)" || { not_ok "metadata left ($tags tags)"; exiftool -a -G1 -s "$photo" | sed 's/^/# /' | head; }
    strings "$photo" | grep -qE 'Exif|GPS|PhoneMaker|phone comment|Guangzhou' && not_ok "strings: metadata left" || ok "strings: no Exif, GPS, camera or comment text"
    python3 -c 'import sys; a=open(sys.argv[1],"rb").read(); b=open(sys.argv[2],"rb").read(); sys.exit(0 if a[a.index(b"\xff\xda"):] == b[b.index(b"\xff\xda"):] else 1)' \
        tests/data/photo/gps.jpg "$photo" && ok "image data byte-identical from SOS to EOI" || not_ok "image data changed"
else
    not_ok "the photo is embedded as a JPEG"
fi

# Issue 15: an 8-bit RGB PNG photo goes into the PDF as it is, not decoded and deflated again:
# its image is Flate with the PNG predictors (each of the five filters used), and the pixels
# pdfimages extracts are the file's, every one.
mkdir -p "$T/pngph" && python3 tests/cli/pngcheck.py make "$T/pngph/rgb.png" 413 579
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } NR == 2 { $NF = "rgb.png"; print }' $EX/records.csv >"$T/png.csv"
new_register "$T/png.db" "$INST"
run_sc "$T/pn" render "$T/png.csv" -i $INST --photos "$T/pngph" --register "$T/png.db" -o "$T/png.pdf"
expect_status "render an RGB PNG photo" 0
mkdir -p "$T/pngimg" && pdfimages "$T/png.pdf" "$T/pngimg/i"
same=no
for f in "$T"/pngimg/*.ppm; do python3 tests/cli/pngcheck.py same "$T/pngph/rgb.png" "$f" && same=yes; done
[ $same = yes ] && ok "the PNG photo's pixels in the PDF are the file's, bit for bit" || not_ok "PNG photo pixels differ"
qpdf --qdf --stream-data=preserve --object-streams=disable "$T/png.pdf" - 2>/dev/null | grep -aq "/Predictor 15" &&
    ok "… as its own Flate data with PNG predictors" || not_ok "PNG photo not passed through"

# Photos that printed wrong before (issue 10): a truncated JPEG, a half-transparent PNG.
for f in truncated.jpg:truncated half-transparent.png:"partly transparent"; do
    awk -F, -v p="${f%%:*}" 'BEGIN { OFS = "," } NR == 1 { print; next } NR == 2 { $NF = p; print }' $EX/records.csv >"$T/bad.csv"
    run_sc "$T/bp" check "$T/bad.csv" -i $INST --photos tests/data/photo
    expect_status "check: ${f%%:*} refused" 1
    cat "$T/bp.out" "$T/bp.err" >"$T/bp.all"
    expect_grep "… saying why" "$T/bp.all" "${f#*:}"
done

# Official long names (issue 10, SPEC §2): each of tests/data/layout/long-names.txt as both
# 职业名称 and 工种名称 of one record (valid 证件号码 made here, GB 11643 check digit), printed
# whole, never below 12 pt, inside the value column, the lines below moved down, not colliding.
python3 - "$T/names.csv" <<'PY'
import sys
names = [l.strip() for l in open("tests/data/layout/long-names.txt", encoding="utf-8") if l.strip() and not l.startswith("#")]
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("姓名,证件号码,职业名称,工种名称,职业技能等级,发证日期,照片\n")
    for i, n in enumerate(names):
        body = "44010419900101%03d" % (100 + i)
        check = "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11]
        f.write(f"张伟{i},{body}{check},{n},{n},4,2026-11-20,orient-1.jpg\n")
PY
new_register "$T/names.db" "$INST"
run_sc "$T/ln" render "$T/names.csv" -i $INST --photos tests/data/photo --register "$T/names.db" -o "$T/names.pdf"
expect_status "render the longest official names" 0
python3 tests/cli/pdfcheck.py long-names "$T/names.pdf" tests/data/layout/long-names.txt

# A JPEG photo's own ICC profile is honoured (ICCBased), not dropped; the JPEG still passes
# through untouched (issue 10).
mkdir -p "$T/icc/photos"
convert $EX/photos/440104199003121232.jpg -profile /usr/share/color/icc/sRGB.icc "$T/icc/photos/440104199003121232.jpg"
head -n 2 $EX/records.csv >"$T/icc/r.csv"
new_register "$T/icc/r.db" "$INST"
run_sc "$T/icc/o" render "$T/icc/r.csv" -i $INST --photos "$T/icc/photos" --register "$T/icc/r.db" -o "$T/icc/o.pdf"
expect_status "render a photo with an ICC profile" 0
pdfimages -list "$T/icc/o.pdf" | awk '$9 == "jpeg"' >"$T/icc/list"
[ "$(awk '{print $6}' "$T/icc/list")" = icc ] && ok "… the photo's colour space is its ICC profile" ||
    { not_ok "ICC profile not used"; sed 's/^/# /' "$T/icc/list"; }
pdfimages -list "$T/c.pdf" | awk '$9 == "jpeg" {print $6}' | sort -u >"$T/icc/plain"
[ "$(cat "$T/icc/plain")" = rgb ] && ok "… and a photo without one stays DeviceRGB" || not_ok "plain photos: $(cat "$T/icc/plain")"
