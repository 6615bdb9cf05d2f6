#!/bin/sh
# test-verify.sh - the QR code's signed payload and verify on what a phone or a scanner sees
# (issue 13; seed 002 "纸质证书与电子证书具有同等效力"): the code read back by zbarimg, its
# version measured, verify on the PDF, on the page rendered at 300 dpi, and on versions made to
# look photographed (rotated, perspective-distorted, blurred, JPEG quality 60 with ImageMagick);
# a wrong holder, another institution's key and a picture without a code refused, each with its
# own exit status.
. "$SC_TOP/tests/cli/lib.sh"

EX=examples
export SOURCE_DATE_EPOCH=1795392000

# An institution with its keys and qr_signed = yes; another with its own keys.
for d in inst other; do
    mkdir -p "$T/$d"
    cp $EX/institution.ini $EX/seal.png "$T/$d/"
    "$SKILLCERT" key new -i "$T/$d/institution.ini" --dir "$T/$d/keys" | grep '^[a-z_]* = ' >>"$T/$d/institution.ini"
done
INST=$T/inst/institution.ini
QRCERT=$T/inst/keys/S000044011001.qr.crt
echo 'qr_signed = yes' >>"$INST"
new_register "$T/reg.db" "$INST"
run_sc "$T/r" render $EX/records.csv -i "$INST" --photos $EX/photos --register "$T/reg.db" --split "$T/s"
expect_status "render with qr_signed = yes" 0
pdf=$(ls "$T/s"/*.pdf | head -n 1)
num=$(basename "$pdf" | cut -d_ -f1)
# The holder of that certificate, from the records file (the row with its name).
name=$(basename "$pdf" .pdf | cut -d_ -f2)
id=$(grep "^$name," $EX/records.csv | cut -d, -f3)

# --- The code as a reader sees it ------------------------------------------------------------
pdftoppm -r 300 -png "$pdf" "$T/page"
page=$T/page-1.png
zbarimg --raw -q "$page" >"$T/code.txt" 2>/dev/null
code=$(head -n 1 "$T/code.txt")
case "$code" in
"http://jndj.osta.org.cn/?zsbh=$num#"*) ok "the code holds the template's address with the number, then # and the payload" ;;
*) not_ok "code text: $code" ;; esac
payload=${code##*#}
[ ${#payload} = 198 ] && [ -z "$(printf %s "$payload" | tr -d 0-9)" ] &&
    ok "the payload is 198 digits (QR numeric mode)" || not_ok "payload: $payload"
grep -qF "$name" "$T/code.txt" || grep -qF "$id" "$T/code.txt" &&
    not_ok "the code shows the holder's name or identity number" || ok "the code holds neither the holder's name nor identity number"
# The symbol's modules: the stencil image of the code in the PDF, one pixel a module.
w=$(pdfimages -list "$pdf" | awk '$3 == "stencil" { print $4; exit }')
v=$(((w - 17) / 4))
[ "$v" -le 8 ] && ok "the signed code is version $v (≤ 8 at M): $w modules, $(echo "scale=3; 30 / $w" | bc) mm each" ||
    not_ok "code version $v ($w modules)"

# --- verify on the PDF: signature, the code against the printed text, the register ------------
run_sc "$T/v" verify "$pdf" -i "$INST" --register "$T/reg.db"
expect_status "verify PDF: valid" 0
expect_grep "verify PDF: the code's number, date, level and the holder printed" "$T/v.out" "page 1: QR code valid: certificate $num, issued 2026-11-20"
expect_grep "verify PDF: the holder found on the page" "$T/v.out" "holder $name"
run_sc "$T/vn" verify "$pdf" -i "$INST" --register "$T/reg.db" --name "王五" --id "$id"
expect_status "verify PDF: another name refused" 1
expect_grep "verify PDF: says the holder is not the one given" "$T/vn.err" "not the holder"

# A combined PDF (signed on request): each page its own holder; --name and --id ask whether
# their certificate is one of them.
run_sc "$T/o" render $EX/records.csv -i "$INST" --photos $EX/photos --register "$T/reg.db" -o "$T/all.pdf" --sign
expect_status "render the combined PDF, signed" 0
third=$(sed -n 4p $EX/records.csv)
run_sc "$T/va" verify "$T/all.pdf" -i "$INST" --register "$T/reg.db" --name "${third%%,*}" --id "$(echo "$third" | cut -d, -f3)"
expect_status "verify a combined PDF for the third holder: valid" 0
expect_grep "… every page's code read and valid" "$T/va.out" "page 10: QR code valid"
expect_grep "… and the register issued it as a print file of 10" "$T/va.out" "issued: a print file of 10 certificates from ${num%??????}"
run_sc "$T/vx" verify "$T/all.pdf" -i "$INST" --register "$T/reg.db" --name "王五" --id "$id"
expect_status "verify a combined PDF for someone not in it: invalid" 1
expect_grep "… saying no page is theirs" "$T/vx.err" "no page is the certificate of the name and identity number given"

# --- verify on a scan and on photographed versions -------------------------------------------
run_sc "$T/i" verify "$page" --cert "$QRCERT"
expect_status "verify the page at 300 dpi (PNG)" 0
expect_grep "verify image: the number, date and level" "$T/i.out" "QR code valid: certificate $num, issued 2026-11-20, level"
# A phone photo of the right page (SPEC §2: the code is on it), at the page's 300 dpi.
convert "$page" -crop 1753x2480+1754+0 +repage "$T/right.png"
convert "$T/right.png" -rotate 90 -quality 60 "$T/rot90.jpg"
convert "$T/right.png" -background white -rotate 7 -blur 0x1.5 -quality 60 "$T/rot7.jpg"
# Held at an angle: the corners moved (perspective), turned 7°, blurred, JPEG quality 60.
convert "$T/right.png" -background white -virtual-pixel white \
    -distort Perspective '0,0 40,60  1753,0 1650,20  0,2480 90,2380  1753,2480 1700,2420' \
    -rotate 7 -blur 0x2 -quality 60 "$T/photo.jpg"
for f in rot90.jpg rot7.jpg photo.jpg; do
    run_sc "$T/p" verify "$T/$f" -i "$INST"
    expect_status "verify $f (made to look photographed)" 0
done
run_sc "$T/h" verify "$T/photo.jpg" -i "$INST" --name "$name" --id "$id"
expect_status "verify photo with the holder's --name and --id" 0
expect_grep "verify photo: the holder named" "$T/h.out" "holder $name"
run_sc "$T/h2" verify "$T/photo.jpg" -i "$INST" --name "${name}x" --id "$id"
expect_status "verify photo: a wrong --name is refused" 1
expect_grep "verify photo: says which holder is not" "$T/h2.err" "not the holder of certificate $num"
run_sc "$T/o" verify "$T/photo.jpg" -i "$T/other/institution.ini"
expect_status "verify photo: another institution's QR certificate refused" 1
expect_grep "verify photo: says the signature does not match" "$T/o.err" "signature does not match"
run_sc "$T/u" verify $EX/seal.png -i "$INST"
expect_status "verify a picture without a QR code: unreadable (4)" 4
expect_grep "verify unreadable: says so" "$T/u.err" "unreadable"
run_sc "$T/nc" verify "$page"
expect_status "verify an image without --cert or -i: usage" 2
run_sc "$T/ni" verify "$page" --cert "$QRCERT" --name "$name"
expect_status "verify --name without --id: usage" 2

# --- The template decides too; without qr_signed the code is the address alone -----------------
sed 's/^error_correction = M$/&\nsigned = no/' templates/national.ini >"$T/unsigned.ini"
run_sc "$T/r2" render $EX/records.csv -t "$T/unsigned.ini" -i "$INST" --photos $EX/photos --register "$T/reg.db" --split "$T/s2"
expect_status "render with a template whose code says signed = no" 0
pdf2=$(ls "$T/s2"/*.pdf | head -n 1)
pdftoppm -r 150 -png "$pdf2" "$T/u2"
case "$(zbarimg --raw -q "$T/u2-1.png" 2>/dev/null)" in
*"#"*) not_ok "signed = no: the code still carries a payload" ;;
http://jndj.osta.org.cn/?zsbh=*) ok "signed = no: the code holds the address alone" ;;
*) not_ok "signed = no: no code read" ;; esac
run_sc "$T/v2" verify "$pdf2" -i "$INST" --register "$T/reg.db"
expect_status "verify PDF whose code carries no payload, for an institution that signs: invalid" 1
expect_grep "verify: says the code carries no payload" "$T/v2.err" "no signed payload"

# An address too long for version 8 with the payload: refused before anything is issued.
cp "$INST" "$T/inst/long.ini"
echo 'qr_data = https://verify.example.org/skill-certificates/check/by-number/all/{证书编号}' >>"$T/inst/long.ini"
run_sc "$T/l" check $EX/records.csv -t templates/national.ini -i "$T/inst/long.ini" --photos $EX/photos
expect_status "check: a QR address too long for the signed payload is refused" 1
expect_grep "check: says the code would be larger than version 8" "$T/l.out" "larger than version 8"

# --- Deterministic: the same certificate, the same signed code and file ------------------------
run_sc "$T/r3" render $EX/records.csv -i "$INST" --photos $EX/photos --register "$T/reg.db" --split "$T/s3"
cmp -s "$pdf" "$T/s3/$(basename "$pdf")" && ok "a reprint with the signed code is byte-identical" ||
    not_ok "signed-code output differs between runs"

# --- The signature field: visible over the seal, or invisible, as the template says ------------
# The field's /Rect and appearance, read with qpdf's JSON (PDF points from the bottom-left).
sig_field() {
    qpdf --json=2 --json-key=qpdf "$1" | python3 -c '
import json, sys
objs = json.load(sys.stdin)["qpdf"][1]
for o in objs.values():
    v = o.get("value") if isinstance(o, dict) else None
    if isinstance(v, dict) and v.get("/FT") == "/Sig":
        print(" ".join("%.1f" % x for x in v["/Rect"]), "AP" if "/N" in v.get("/AP", {}) else "noAP")'
}
# templates/national.ini: signature = seal, the seal's box x 96–136 mm, y 100–140 mm on a 210 mm
# page: [272.1 198.4 385.5 311.8] in points.
field=$(sig_field "$pdf")
[ "$field" = "272.1 198.4 385.5 311.8 AP" ] && ok "the signature field shows over the seal, with an appearance" ||
    not_ok "signature field: $field"
pdfsig "$pdf" 2>&1 | grep -q 'Signature is Valid' && ok "pdfsig: the visible signature is valid" || not_ok "pdfsig visible signature"
python3 tests/cli/pdfa.py "$pdf" >"$T/pdfa.out" 2>&1 && ok "PDF/A-2b clauses hold with the visible signature (6.3.3: its appearance)" ||
    { not_ok "PDF/A clauses with the visible signature"; grep -v '^ok' "$T/pdfa.out" | sed 's/^/# /' | head; }
sed 's/^signature = seal$/signature = invisible/' templates/national.ini >"$T/invisible.ini"
run_sc "$T/r4" render $EX/records.csv -t "$T/invisible.ini" -i "$INST" --photos $EX/photos --register "$T/reg.db" --split "$T/s4"
field=$(sig_field "$(ls "$T/s4"/*.pdf | head -n 1)")
[ "$field" = "0.0 0.0 0.0 0.0 noAP" ] && ok "signature = invisible: an empty /Rect" || not_ok "invisible signature field: $field"
sed 's/^signature = seal$/signature = stamp/' templates/national.ini >"$T/nosuch.ini"
run_sc "$T/r5" render $EX/records.csv -t "$T/nosuch.ini" -i "$INST" --photos $EX/photos --register "$T/reg.db" --split "$T/s5"
expect_status "signature naming no element: the template is refused" 1
expect_grep "the template's problem names the key" "$T/r5.err" "[template] signature: names no element"
