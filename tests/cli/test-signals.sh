#!/bin/sh
# test-signals.sh - stopping cleanly (issue 9 "Signals"): SIGINT, SIGTERM and SIGHUP during a
# --split render stop it with status 128 + the signal, one line on stderr saying nothing was
# issued, no file in the output folder, no temporary, the register unchanged; a second SIGINT
# right after the first ends the run at once, and the next run completes the batch.  Then a
# truncated and a deleted register (issue 8, 9: never re-created): render refuses with the
# restore advice and issues nothing; register restore brings it back and numbering goes on.
. "$SC_TOP/tests/cli/lib.sh"

ARGS="-t templates/national.ini -i examples/institution.ini --photos examples/photos"
PREFIX=S000044011001
python3 tests/cli/faults.py records 150 "$T/many.csv"
REG=$T/reg.db
new_register "$REG"
# Some numbers issued first, so that "unchanged" means something: the example's 10.
"$SKILLCERT" render examples/records.csv $ARGS --register "$REG" -o "$T/first.pdf" >/dev/null 2>&1 ||
    not_ok "the first batch is rendered"
python3 tests/cli/faults.py numbers "$REG" >"$T/before"
"$SKILLCERT" number next -i examples/institution.ini --register "$REG" --level 4 --year 2026 \
    >"$T/next-before" 2>&1

# pages_drawn DIR: how many pages the run has drawn so far into its temporary folder.
pages_drawn() {
    find "$1" -path '*skillcert-tmp*' -name '*.pdf' 2>/dev/null | wc -l
}

# interrupt SIGNAL STATUS [TWICE]: a --split render of 150 records, sent SIGNAL once 3 pages are
# drawn (TWICE: a second SIGNAL right after the first); checks as above.
interrupt() {
    out=$T/out-$1
    rm -rf "$out"
    mkdir -p "$out"
    # shellcheck disable=SC2086
    "$SKILLCERT" render "$T/many.csv" $ARGS --register "$REG" --split "$out/s" \
        >"$T/sig.out" 2>"$T/sig.err" &
    pid=$!
    i=0
    while [ "$(pages_drawn "$out")" -lt 3 ] && [ $i -lt 600 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.05
        i=$((i + 1))
    done
    kill "-$1" "$pid"
    [ -n "${3:-}" ] && kill "-$1" "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    last_err=$T/sig.err
    what="SIG$1${3:+ twice}"
    expect_status "$what during a --split render: status $2" "$2"
    if [ -z "${3:-}" ]; then
        [ "$(wc -l <"$T/sig.err")" -eq 1 ] && ok "… one line on stderr" ||
            { not_ok "… $(wc -l <"$T/sig.err") lines on stderr"; sed 's/^/# /' "$T/sig.err" | head -n 5; }
        expect_grep "… saying no number was issued" "$T/sig.err" "no number was issued"
        left=$(find "$out" -mindepth 1 | wc -l)
        [ "$left" -eq 0 ] && ok "… nothing in the output folder, no temporary" ||
            not_ok "… $left things left in the output folder: $(find "$out" -mindepth 1 | head -n 3 | tr '\n' ' ')"
    fi
    python3 tests/cli/faults.py numbers "$REG" >"$T/after"
    check "… the register unchanged" cmp "$T/before" "$T/after"
    "$SKILLCERT" number next -i examples/institution.ini --register "$REG" --level 4 --year 2026 \
        >"$T/next-after" 2>&1
    check "… the next number the same as before" cmp "$T/next-before" "$T/next-after"
}

interrupt INT 130
interrupt TERM 143
interrupt HUP 129
interrupt INT 130 twice

# The next run (into the folder of the double SIGINT) completes the batch and removes what the
# run ended at once left behind.
run_sc "$T/done" render "$T/many.csv" $ARGS --register "$REG" --split "$T/out-INT/s"
expect_status "the next run completes" 0
[ "$(ls "$T/out-INT/s" | grep -c "\\.pdf$")" -eq 150 ] && ok "… 150 files" || not_ok "… $(ls "$T/out-INT/s" | wc -l) files"
left=$(find "$T/out-INT" -name '*skillcert-tmp*' | wc -l)
[ "$left" -eq 0 ] && ok "… no temporary left" || not_ok "… $left temporaries left"
python3 tests/cli/faults.py numbers "$REG" >"$T/after"
[ "$(wc -l <"$T/after")" -eq 160 ] && [ "$(sort -u "$T/after" | wc -l)" -eq 160 ] &&
    ok "… the register holds 160 numbers, none twice" || not_ok "… the register holds $(wc -l <"$T/after") numbers"

# A truncated register: refused with the restore advice, nothing issued, nothing written.
backup=$T/backup.db
run_sc "$T/bk" register backup -i examples/institution.ini --register "$REG" -o "$backup"
expect_status "a backup of the register" 0
rm -f "$REG-wal" "$REG-shm"
: >"$REG"
run_sc "$T/tr" render examples/records.csv $ARGS --register "$REG" -o "$T/tr.pdf"
[ "$rc" -ne 0 ] && ok "a truncated register: render refused (status $rc)" || not_ok "a truncated register: render succeeded"
expect_grep "… with the restore advice" "$T/tr.err" "register restore"
expect_absent "… no output" "$T/tr.pdf"
[ ! -s "$REG" ] && ok "… the register not re-created" || not_ok "… the register was re-created"
run_sc "$T/rs" register restore "$backup" -i examples/institution.ini --register "$REG"
expect_status "register restore BACKUP brings it back" 0
"$SKILLCERT" number next -i examples/institution.ini --register "$REG" --level 4 --year 2026 >"$T/n" 2>&1
# The 150 records' level-4 serials (30, after the example's 4) are in the backup.
[ "$(cat "$T/n")" = "${PREFIX}264000035" ] && ok "… numbering goes on where it was (…264000035)" ||
    not_ok "… next number after restore: $(cat "$T/n")"

# A deleted register: the same.
rm -f "$REG" "$REG-wal" "$REG-shm"
run_sc "$T/del" render examples/records.csv $ARGS --register "$REG" -o "$T/del.pdf"
[ "$rc" -ne 0 ] && ok "a deleted register: render refused (status $rc)" || not_ok "a deleted register: render succeeded"
expect_grep "… with the restore advice" "$T/del.err" "register restore"
expect_absent "… no output" "$T/del.pdf"
expect_absent "… the register not re-created" "$REG"
run_sc "$T/rs2" register restore "$backup" -i examples/institution.ini --register "$REG"
expect_status "register restore BACKUP brings it back" 0
run_sc "$T/again" render examples/records.csv $ARGS --register "$REG" -o "$T/again.pdf"
expect_status "… and the first batch renders again" 0
python3 tests/cli/pdfcheck.py numbers "$T/again.pdf" $PREFIX | sort >"$T/again.nums"
check "… with the numbers it was issued (reprints, nothing issued twice)" cmp "$T/again.nums" "$T/before"
