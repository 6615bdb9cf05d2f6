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
