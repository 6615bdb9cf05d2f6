#!/bin/sh
# test-print.sh - printing on certificate stock (套打, issue 12), measured from the PDF: what each
# stock carries is not drawn and everything else is; the printer's offset and scale move every
# field alike; the calibration page's marks sit at the template's box corners; a job sent with
# --print reaches a real cupsd started here and is byte-identical to the PDF.
. "$SC_TOP/tests/cli/lib.sh"

EX=examples
TPL=templates/national.ini
export SOURCE_DATE_EPOCH=1795392000
R="$EX/records.csv --photos $EX/photos --register $T/reg.db"
new_register "$T/reg.db" $EX/institution.ini

# An institution printing its seal everywhere, to see the stock alone decide (seal_on).
sed 's/^seal = seal.png/seal = '"$(pwd | sed 's/[\/&]/\\&/g')"'\/examples\/seal.png\nseal_on = electronic, full, stock/' \
    $EX/institution.ini >"$T/inst-all.ini"

text() { pdftotext -f 1 -l 1 "$1" - | tr -d ' \n'; }
nimages() { pdfimages -f 1 -l 1 -list "$1" | tail -n +3 | awk '$3 != "smask"' | wc -l; }
has() { # DESCRIPTION FILE WORD
    case "$(cat "$2")" in *"$3"*) ok "$1" ;; *) not_ok "$1 (no '$3')" ;; esac
}
lacks() {
    case "$(cat "$2")" in *"$3"*) not_ok "$1 ('$3' drawn)" ;; *) ok "$1" ;; esac
}

# The national stock (--fill-only = --stock national): border, title, labels, addresses left out.
run_sc "$T/n" render $R -i "$T/inst-all.ini" --stock national -o "$T/national.pdf"
expect_status "render --stock national" 0
text "$T/national.pdf" >"$T/national.txt"
lacks "national stock: no title" "$T/national.txt" "职业技能等级证书"
lacks "national stock: no query addresses" "$T/national.txt" "查询网址"
lacks "national stock: no labels" "$T/national.txt" "证件号码："
has "national stock: the body paragraph" "$T/national.txt" "本证书由"
has "national stock: the name" "$T/national.txt" "张伟"
has "national stock: the number" "$T/national.txt" "S000044011001264000001"
mutool trace "$T/national.pdf" 1 | grep -q "stroke_path" && not_ok "national stock: no border" || ok "national stock: no border"
[ "$(nimages "$T/national.pdf")" = 3 ] && ok "national stock: photo, seal (seal_on has stock) and QR" || not_ok "national stock images ($(nimages "$T/national.pdf"))"
run_sc "$T/f" render $R -i "$T/inst-all.ini" --fill-only -o "$T/fill.pdf"
cmp -s "$T/fill.pdf" "$T/national.pdf" && ok "--fill-only prints on the template's default stock" || not_ok "--fill-only = --stock national"

# The seal on stock is the institution's choice: the example's default leaves it to the stamp.
run_sc "$T/d" render $R -i $EX/institution.ini --stock national -o "$T/noseal.pdf"
[ "$(nimages "$T/noseal.pdf")" = 2 ] && ok "default seal_on: no seal on stock (photo and QR only)" || not_ok "default seal_on on stock ($(nimages "$T/noseal.pdf"))"
run_sc "$T/b" render $R -i $EX/institution.ini -o "$T/blank.pdf"
[ "$(nimages "$T/blank.pdf")" = 3 ] && ok "default seal_on: the seal on a full print" || not_ok "default seal_on, full print ($(nimages "$T/blank.pdf"))"

# The stock with the body paragraph pre-printed.
run_sc "$T/nb" render $R -i "$T/inst-all.ini" --stock national-body -o "$T/body.pdf"
text "$T/body.pdf" >"$T/body.txt"
lacks "body stock: no body paragraph" "$T/body.txt" "本证书由"
lacks "body stock: no title" "$T/body.txt" "职业技能等级证书"
has "body stock: the institution's name line" "$T/body.txt" "广州市越秀区百川职业培训学校发证日期"
has "body stock: the number" "$T/body.txt" "S000044011001264000001"

# Seal and photo by hand: only text and the QR code.
run_sc "$T/nf" render $R -i "$T/inst-all.ini" --stock national-full -o "$T/full.pdf"
text "$T/full.pdf" >"$T/full.txt"
[ "$(nimages "$T/full.pdf")" = 1 ] && pdfimages -list "$T/full.pdf" | grep -q stencil &&
    ok "full stock: no seal, no photo; the QR code" || not_ok "full stock images"
has "full stock: the name" "$T/full.txt" "张伟"
lacks "full stock: no body" "$T/full.txt" "本证书由"
# One setting instead of a stock: --leave-out.
run_sc "$T/lo" render $R -i "$T/inst-all.ini" --fill-only --leave-out seal,photo -o "$T/lo.pdf"
[ "$(nimages "$T/lo.pdf")" = 1 ] && ok "--leave-out seal,photo" || not_ok "--leave-out seal,photo"
run_sc "$T/lx" render $R -i "$T/inst-all.ini" --fill-only --leave-out stamp -o "$T/lx.pdf"
expect_status "--leave-out of no element: usage" 2
expect_grep "  names the element" "$T/lx.err" "stamp"
run_sc "$T/sx" render $R -i "$T/inst-all.ini" --stock nosuch -o "$T/sx.pdf"
expect_status "unknown stock: usage" 2
expect_grep "  lists the stocks" "$T/sx.err" "national-body"
expect_absent "  nothing written" "$T/sx.pdf"

# Offset and scale: every word and image of the national-stock page moves to template × S + O.
for c in "1.5 -0.8 1" "-5 4 0.95" "3 2 1.05" "0 0 1.02"; do
    set -- $c
    "$SKILLCERT" render $R -i "$T/inst-all.ini" --fill-only --offset "$1,$2" --scale "$3" -o "$T/m.pdf" >/dev/null 2>&1
    python3 tests/cli/printcheck.py moved "$T/fill.pdf" "$T/m.pdf" "$1" "$2" "$3"
done
# Full-width digits, signs, points and commas, as a Chinese input method types them.
run_sc "$T/fw" render $R -i "$T/inst-all.ini" --fill-only --offset "１．５，－０．８" --scale "１．０１" -o "$T/fw.pdf"
expect_status "full-width --offset １．５，－０．８ --scale １．０１" 0
python3 tests/cli/printcheck.py moved "$T/fill.pdf" "$T/fw.pdf" 1.5 -0.8 1.01
for bad in "50.1,0" "1.5" "1e1,0" "nan,0"; do
    run_sc "$T/bo" render $R -i "$T/inst-all.ini" --fill-only --offset "$bad" -o "$T/bo.pdf"
    expect_status "--offset $bad refused" 2
done
run_sc "$T/bs" render $R -i "$T/inst-all.ini" --fill-only --scale 1.06 -o "$T/bs.pdf"
expect_status "--scale 1.06 refused (0.95-1.05)" 2

# A printer profile beside the institution file: its offset, scale and stock; options override.
mkdir -p "$T/office"
cp "$T/inst-all.ini" "$T/office/institution.ini"
printf '[printer 前台]\noffset = 1.5，-0.8\nscale = 1.01\nstock = national-body\n' >"$T/office/printers.ini"
run_sc "$T/p" render $R -i "$T/office/institution.ini" --printer 前台 -o "$T/p.pdf"
expect_status "render --printer 前台" 0
run_sc "$T/pb" render $R -i "$T/inst-all.ini" --stock national-body -o "$T/pbody.pdf"
python3 tests/cli/printcheck.py moved "$T/pbody.pdf" "$T/p.pdf" 1.5 -0.8 1.01
run_sc "$T/po" render $R -i "$T/office/institution.ini" --printer 前台 --offset 0,0 --scale 1 -o "$T/po.pdf"
cmp -s "$T/po.pdf" "$T/pbody.pdf" && ok "--offset and --scale override the profile" || not_ok "options override the profile"
run_sc "$T/px" render $R -i "$T/office/institution.ini" --printer 后台 -o "$T/px.pdf"
expect_status "--printer with no profile: usage" 2
expect_grep "  says where it looked" "$T/px.err" "printers.ini"
# The per-user file.
mkdir -p "$T/xdg/skillcert"
printf '[printer home]\noffset = 1.5,-0.8\nscale = 1.01\nstock = national-body\n' >"$T/xdg/skillcert/printers.ini"
XDG_CONFIG_HOME="$T/xdg" "$SKILLCERT" render $R -i "$T/inst-all.ini" --printer home -o "$T/ph.pdf" >/dev/null 2>&1
cmp -s "$T/ph.pdf" "$T/p.pdf" && ok "a profile from \$XDG_CONFIG_HOME/skillcert/printers.ini" || not_ok "per-user profile"

# The calibration page: marks at the corners of what the stock lacks, moved by the correction.
run_sc "$T/c" calibrate -t $TPL -o "$T/cal.pdf"
expect_status "calibrate" 0
python3 tests/cli/printcheck.py marks "$T/cal.pdf" $TPL national 0 0 1
run_sc "$T/c2" calibrate -t $TPL -i "$T/office/institution.ini" --printer 前台 -o "$T/cal2.pdf"
python3 tests/cli/printcheck.py marks "$T/cal2.pdf" $TPL national-body 1.5 -0.8 1.01
run_sc "$T/c3" calibrate -t $TPL --stock national-full --offset=-2,3 --scale 0.98 -o "$T/cal3.pdf"
python3 tests/cli/printcheck.py marks "$T/cal3.pdf" $TPL national-full -2 3 0.98
pdftotext "$T/cal.pdf" - | tr -d ' \n' >"$T/cal.txt"
has "calibration page: +X is right" "$T/cal.txt" "+X向右"
has "calibration page: +Y is down" "$T/cal.txt" "+Y向下"
has "calibration page: how to compute the scale" "$T/cal.txt" "缩放S=(R−L)÷269"
[ "$(pdfinfo "$T/cal.pdf" | sed -n 's/^Page size: *//p')" = "841.89 x 595.276 pts (A4)" ] && ok "calibration page is A4 landscape" || not_ok "calibration page size"
"$SKILLCERT" calibrate --help >"$T/help" 2>&1
grep -q "+X right, +Y down" "$T/help" && ok "--help says which way +X and +Y go" || not_ok "--help +X/+Y"

# --print: a real cupsd with a temporary configuration, listening on a socket in $T, and a queue
# without filters (raw); PreserveJobFiles keeps what it received in its spool folder.
C="$T/cups"
mkdir -p "$C/spool" "$C/tmp" "$C/cache" "$C/state" "$C/log" "$C/ppd"
chmod 755 "$T" "$C"
cat >"$C/cups-files.conf" <<EOF
ServerRoot $C
RequestRoot $C/spool
TempDir $C/tmp
CacheDir $C/cache
StateDir $C/state
ServerBin /usr/lib/cups
DataDir /usr/share/cups
AccessLog $C/log/access_log
ErrorLog $C/log/error_log
PageLog $C/log/page_log
Printcap $C/printcap
FileDevice Yes
Sandboxing Relaxed
EOF
cat >"$C/cupsd.conf" <<EOF
Listen $C/cups.sock
LogLevel debug
Browsing No
PreserveJobFiles Yes
<Location />
Order allow,deny
Allow all
</Location>
EOF
cupsd -f -c "$C/cupsd.conf" -s "$C/cups-files.conf" >"$C/log/stdout" 2>&1 &
cupsd_pid=$!
trap 'kill $cupsd_pid 2>/dev/null; wait $cupsd_pid 2>/dev/null; rm -rf "$T"' EXIT
export CUPS_SERVER="$C/cups.sock"
i=0
while [ ! -S "$C/cups.sock" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
if lpadmin -p stock -E -v "file://$C/out.prn" >"$C/lpadmin.out" 2>&1; then
    ok "a test cupsd and queue"
else
    not_ok "a test cupsd and queue"; sed 's/^/# /' "$C/lpadmin.out" "$C/log/stdout" | head -n 20
fi

run_sc "$T/pr" render $R -i "$T/inst-all.ini" --fill-only --print stock --copies 2 --pages "３,５-７" -o "$T/pr.pdf"
expect_status "render --print stock --copies 2 --pages ３,５-７" 0
job=$(sed -n 's/.*job stock-\([0-9]*\) sent.*/\1/p' "$T/pr.out")
[ -n "$job" ] && ok "the job id is reported (stock-$job)" || not_ok "job id reported"
spool="$C/spool/d$(printf %05d "${job:-0}")-001"
i=0
while [ ! -s "$spool" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
cmp -s "$spool" "$T/pr.pdf" && ok "the queue received the PDF byte for byte" || not_ok "received job differs from the PDF ($spool)"
# The job's attributes, from the control file the scheduler keeps (IPP encoding), written a
# moment after the job.
control="$C/spool/c$(printf %05d "${job:-0}")"
i=0
while [ ! -s "$control" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
python3 - "$control" >"$T/attrs" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
i, name = 8, None
while i < len(d):
    tag = d[i]; i += 1
    if tag < 0x10:
        if tag == 3: break
        continue
    n = struct.unpack(">H", d[i:i+2])[0]; i += 2
    name = d[i:i+n].decode() if n else name; i += n
    n = struct.unpack(">H", d[i:i+2])[0]; i += 2
    v = d[i:i+n]; i += n
    if tag in (0x21, 0x23): v = str(struct.unpack(">i", v)[0])
    elif tag == 0x33: v = "%d-%d" % struct.unpack(">ii", v)
    elif tag == 0x22: v = "true" if v[0] else "false"
    else: v = v.decode(errors="replace")
    print(f"{name}={v}")
PY
for a in print-scaling=none fit-to-page=false copies=2 page-ranges=3-3 page-ranges=5-7; do
    grep -qx "$a" "$T/attrs" && ok "job attribute $a" || { not_ok "job attribute $a"; sed 's/^/# /' "$T/attrs" | head -n 30; }
done
run_sc "$T/pp" render $R -i "$T/inst-all.ini" --fill-only --print stock --pages 11 -o "$T/pp.pdf"
expect_status "--pages beyond the 10 pages: usage" 2
run_sc "$T/pq" render $R -i "$T/inst-all.ini" --fill-only --print nosuchqueue -o "$T/pq.pdf"
expect_status "an unknown queue: environment error" 3
[ -f "$T/pq.pdf" ] && ok "  the PDF is kept to print later" || not_ok "PDF kept after a failed print"
