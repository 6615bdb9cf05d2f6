#!/bin/sh
# test-trust.sh - certificates anyone can verify, tampering that shows, PDFs fit for the archive
# (issue 13; seed 002 "纸质证书与电子证书具有同等效力"; 电子材料不少于5年): PDF/A-2b clauses on every
# kind of output, institution keys, PAdES signatures checked by pdfsig, the register's SHA-256,
# and verify on PDFs and on photographed scans.
. "$SC_TOP/tests/cli/lib.sh"

EX=examples
INST=$EX/institution.ini
export SOURCE_DATE_EPOCH=1795392000

# --- PDF/A-2b: every kind of output passes the clause checker (tests/cli/pdfa.py) -------------
new_register "$T/reg.db" "$INST"
run_sc "$T/a" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" -o "$T/one.pdf" --split "$T/s"
expect_status "render one PDF and split output" 0
run_sc "$T/f" render $EX/records.csv -i $INST --photos $EX/photos --register "$T/reg.db" --fill-only -o "$T/fill.pdf"
expect_status "render on stock (--fill-only)" 0
first=$(ls "$T/s"/*.pdf | head -n 1)
for f in "$T/one.pdf" "$first" "$T/fill.pdf"; do
    python3 tests/cli/pdfa.py "$f" >"$T/pdfa.out" 2>&1 && ok "PDF/A-2b clauses hold: $(basename "$f")" ||
        { not_ok "PDF/A-2b clauses: $(basename "$f")"; grep -v '^ok' "$T/pdfa.out" | sed 's/^/# /' | head; }
done
# Every split file, not only the first.
bad=0
for f in "$T/s"/*.pdf; do python3 tests/cli/pdfa.py "$f" >/dev/null 2>&1 || bad=$((bad + 1)); done
[ $bad = 0 ] && ok "PDF/A-2b clauses hold for all $(ls "$T/s"/*.pdf | wc -l) split files" || not_ok "$bad split files fail the PDF/A clauses"
# The checker itself fails on a PDF as cairo writes it (no OutputIntent, /Interpolate true).
python3 - "$T/one.pdf" "$T/bare.pdf" <<'PY'
import sys
d = open(sys.argv[1], "rb").read().replace(b"/GTS_PDFA1", b"/GTS_PDFX1")
open(sys.argv[2], "wb").write(d)
PY
python3 tests/cli/pdfa.py "$T/bare.pdf" >/dev/null 2>&1 && not_ok "the checker refuses a PDF without a PDF/A OutputIntent" || ok "the checker refuses a PDF without a PDF/A OutputIntent"

# --- Institution keys: key new ------------------------------------------------------------------
mkdir -p "$T/inst"
cp $INST $EX/seal.png "$T/inst/"
run_sc "$T/k" key new -i "$T/inst/institution.ini"
expect_status "key new" 0
KEYS=$XDG_DATA_HOME/skillcert/keys
PREFIX=S000044011001
for f in $PREFIX.key $PREFIX.crt $PREFIX.qr.key $PREFIX.qr.crt; do
    [ "$(stat -c %a "$KEYS/$f")" = 600 ] && ok "key new: $f is mode 0600" || not_ok "$f mode $(stat -c %a "$KEYS/$f" 2>&1)"
done
# The certificate names the institution as filed: CN and O its name, serialNumber its prefix.
subj=$(openssl x509 -in "$KEYS/$PREFIX.crt" -noout -subject -nameopt utf8,sep_comma_plus_space)
INST_NAME=$(sed -n 's/^name *= *//p' $INST)
case "$subj" in *"O=$INST_NAME, CN=$INST_NAME, serialNumber=$PREFIX"*) ok "certificate names the institution and its prefix" ;;
*) not_ok "certificate subject: $subj" ;; esac
openssl pkey -in "$KEYS/$PREFIX.qr.key" -noout -text 2>/dev/null | grep -q 'ED25519' && ok "the QR key is Ed25519" || not_ok "QR key type"
grep -q "^key = $KEYS/$PREFIX.key$" "$T/k.out" && grep -q "^certificate = $KEYS/$PREFIX.crt$" "$T/k.out" &&
    ok "key new prints the lines naming the keys" || not_ok "key new lines: $(cat "$T/k.out")"
run_sc "$T/k2" key new -i "$T/inst/institution.ini"
expect_status "key new refuses to replace an existing key" 3
# --dir given relative: the lines name the keys by their full path (the institution file reads a
# relative path from its own folder, not from where key new ran).
mkdir -p "$T/rel/inst2"
cp $INST $EX/seal.png "$T/rel/inst2/"
(cd "$T/rel" && "$SKILLCERT" key new -i inst2/institution.ini --dir keys2 >"$T/k3.out" 2>&1)
grep -q "^key = $(cd "$T/rel" && pwd -P)/keys2/$PREFIX.key$" "$T/k3.out" &&
    [ -f "$T/rel/keys2/$PREFIX.key" ] && ok "key new --dir DIR (relative) prints the keys' full paths" ||
    not_ok "key new --dir keys2: $(cat "$T/k3.out")"
grep '^[a-z_]* = ' "$T/k.out" >>"$T/inst/institution.ini"
SINST=$T/inst/institution.ini

# --- PAdES signatures, checked by pdfsig ----------------------------------------------------------
new_register "$T/sreg.db" "$SINST"
run_sc "$T/sg" render $EX/records.csv -i "$SINST" --photos $EX/photos --register "$T/sreg.db" --split "$T/ss" -o "$T/unsigned.pdf"
expect_status "render with a key" 0
bad=0
for f in "$T/ss"/*.pdf; do
    pdfsig "$f" >"$T/sig.out" 2>&1
    grep -q 'Signature Validation: Signature is Valid' "$T/sig.out" && grep -q 'Signature Type: ETSI.CAdES.detached' "$T/sig.out" &&
        grep -q 'Total document signed' "$T/sig.out" && grep -q 'Signing Hash Algorithm: SHA-256' "$T/sig.out" || bad=$((bad + 1))
done
[ $bad = 0 ] && ok "pdfsig: every split file carries a valid ETSI.CAdES.detached SHA-256 signature over the whole file" || not_ok "$bad split files without a valid signature"
# Self-signed: pdfsig cannot trust the issuer (no CA), which is expected.
grep -q 'Certificate Validation: Certificate issuer is unknown' "$T/sig.out" && ok "pdfsig: the self-signed certificate's issuer is unknown (expected)" || not_ok "certificate validation: $(grep Certificate "$T/sig.out")"
pdfsig "$T/unsigned.pdf" 2>&1 | grep -q 'does not contain any signatures' && ok "the one PDF is not signed without --sign" || not_ok "one PDF signed without --sign"
first=$(ls "$T/ss"/*.pdf | head -n 1)
python3 tests/cli/pdfa.py "$first" >/dev/null 2>&1 && ok "a signed file keeps the PDF/A-2b clauses" || not_ok "signed file PDF/A clauses"
# One byte changed inside the signed range (a letter of the producer in the document
# information) and one just after the signature: pdfsig reports each changed.
for where in Producer Size; do
    python3 - "$first" "$T/t-$where.pdf" "$where" <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.rfind(b"/" + sys.argv[3].encode())
d[i + 2] ^= 0x20  # /Producer → /PrOducer; /Size → /SIze
open(sys.argv[2], "wb").write(d)
PY
    pdfsig "$T/t-$where.pdf" 2>&1 | grep -q 'Signature is Valid' && not_ok "one byte changed ($where) still valid" || ok "one byte changed ($where): pdfsig no longer says valid"
done
# --sign: the one PDF signed too; the same input, the same signed bytes (SOURCE_DATE_EPOCH).
run_sc "$T/sg2" render $EX/records.csv -i "$SINST" --photos $EX/photos --register "$T/sreg.db" -o "$T/signed.pdf" --sign
pdfsig "$T/signed.pdf" 2>&1 | grep -q 'Signature is Valid' && ok "--sign: the one PDF is signed" || not_ok "--sign"
run_sc "$T/sg3" render $EX/records.csv -i "$SINST" --photos $EX/photos --register "$T/sreg.db" --split "$T/ss2"
cmp -s "$first" "$T/ss2/$(basename "$first")" && ok "signed output is byte-identical from run to run" || not_ok "signed output differs between runs"

# --- key import: a certificate issued by a CA (PKCS#12) ---------------------------------------
mkdir -p "$T/ca" "$T/inst2"
cp $INST $EX/seal.png "$T/inst2/"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca/ca.key" -out "$T/ca/ca.crt" -days 30 -subj "/CN=Test CA" 2>/dev/null
openssl req -utf8 -newkey rsa:2048 -nodes -keyout "$T/ca/i.key" -out "$T/ca/i.csr" -subj "/CN=$INST_NAME/serialNumber=$PREFIX" 2>/dev/null
openssl x509 -req -in "$T/ca/i.csr" -CA "$T/ca/ca.crt" -CAkey "$T/ca/ca.key" -CAcreateserial -out "$T/ca/i.crt" -days 30 2>/dev/null
printf 'pa55 word\n' >"$T/ca/pw"
openssl pkcs12 -export -inkey "$T/ca/i.key" -in "$T/ca/i.crt" -certfile "$T/ca/ca.crt" -out "$T/ca/i.p12" -passout pass:'pa55 word'
run_sc "$T/imp0" key import -i "$T/inst2/institution.ini" --dir "$T/keys2" "$T/ca/i.p12"
expect_status "key import without a password: usage" 2
SKILLCERT_P12_PASSWORD=wrong run_sc "$T/imp1" key import -i "$T/inst2/institution.ini" --dir "$T/keys2" "$T/ca/i.p12"
expect_status "key import with a wrong password is refused" 1
expect_absent "nothing kept after a wrong password" "$T/keys2/$PREFIX.key"
run_sc "$T/imp" key import -i "$T/inst2/institution.ini" --dir "$T/keys2" --password-file "$T/ca/pw" "$T/ca/i.p12"
expect_status "key import with --password-file" 0
[ "$(stat -c %a "$T/keys2/$PREFIX.key")" = 600 ] && ok "imported key is mode 0600" || not_ok "imported key mode"
grep '^[a-z_]* = ' "$T/imp.out" >>"$T/inst2/institution.ini"
new_register "$T/reg2.db" "$T/inst2/institution.ini"
run_sc "$T/sg4" render $EX/records.csv -i "$T/inst2/institution.ini" --photos $EX/photos --register "$T/reg2.db" --split "$T/ss4"
pdfsig "$(ls "$T/ss4"/*.pdf | head -n 1)" >"$T/sig4.out" 2>&1
grep -q 'Signature is Valid' "$T/sig4.out" && grep -q "Signer Certificate Common Name: $INST_NAME" "$T/sig4.out" &&
    ok "signed with the imported CA-issued certificate" || { not_ok "imported key signature"; sed 's/^/# /' "$T/sig4.out"; }

# --- verify: a certificate PDF checked without any other program ---------------------------------
run_sc "$T/v" verify "$first" -i "$SINST" --register "$T/sreg.db"
expect_status "verify: a signed certificate of the register is valid" 0
num=$(basename "$first" | cut -d_ -f1)
expect_grep "verify names the certificate the register issued" "$T/v.out" "$num"
sha=$(sha256sum "$first" | cut -d' ' -f1)
run_sc "$T/show" show "$num" -i "$SINST" --register "$T/sreg.db"
expect_grep "show lists the SHA-256 of the file issued (sha256sum)" "$T/show.out" "SHA-256 $sha"
run_sc "$T/v1" verify "$T/t-Producer.pdf" -i "$SINST" --register "$T/sreg.db"
expect_status "verify: one byte changed is refused" 1
expect_grep "verify says the file was changed" "$T/v1.err" "changed"
cp "$first" "$T/appended.pdf"
printf '%% appended\n' >>"$T/appended.pdf"
run_sc "$T/v2" verify "$T/appended.pdf" -i "$SINST" --register "$T/sreg.db"
expect_status "verify: bytes appended after signing are refused" 1
# Signed by another key (the imported CA-issued one) than the institution's certificate.
other=$(ls "$T/ss4"/*.pdf | head -n 1)
run_sc "$T/v3" verify "$other" -i "$SINST" --register "$T/sreg.db"
expect_status "verify: a certificate signed by another key is refused" 1
expect_grep "verify names the other signer" "$T/v3.err" "not by the certificate"
# Signed by the institution's key but not a file its register issued (another register).
run_sc "$T/v4" verify "$other" -i "$T/inst2/institution.ini" --register "$T/sreg.db"
expect_status "verify: a file the register did not issue is refused" 1
expect_grep "verify says the register issued no such file" "$T/v4.err" "issued no file"
run_sc "$T/v5" verify "$T/unsigned.pdf"
expect_status "verify: an unsigned PDF is refused" 1
