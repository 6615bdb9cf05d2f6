#!/bin/sh
# test-faults.sh - injected I/O faults (issue 9, SPEC §3: numbers are issued only for output that
# exists): the shim build/fault/libfault.so (tests/fault/fault.c) fails the Nth write, fsync,
# fdatasync, rename, link, close, ftruncate, open or unlink of a render of the example's 10
# records to one PDF, and of its first 4 to --split, for every N of every kind (writes: the first
# and last to each file, every one in the window, a few between; --split: the calls on the
# register's files only from the window on, as the PDF run has them all).  After each failing run:
# - no number is issued without its output, and no output is in place whose numbers are not
#   issued, except when the fault falls in the window between the first output file's rename and
#   the register's commit (faults.py plan says which calls those are);
# - a file under its final name is whole (byte for byte the file of a run that never failed);
# - no temporary is left (unless the fault was in removing it: then the next run removes it);
# - the exit status is not 0 and stderr holds one line;
# and the next clean run succeeds with exactly the numbers and files of a run that never failed.
# Not run under ASan (LD_PRELOAD and the sanitizer runtime do not mix): skipped there.
. "$SC_TOP/tests/cli/lib.sh"

SHIM=$SC_TOP/build/fault/libfault.so
ARGS="-t templates/national.ini -i examples/institution.ini --photos examples/photos"
# The PDFs' creation date pinned, so that a run gives the same bytes as the one that never failed.
SOURCE_DATE_EPOCH=1795000000
export SOURCE_DATE_EPOCH

# The one PDF written in parts of 4 pages, joined (sink.c): the join's writes fail too.
SKILLCERT_PART_PAGES=4
export SKILLCERT_PART_PAGES

# render DIR MODE: the render of MODE (pdf, split) into DIR/out with the register DIR/reg.db.
render() {
    if [ "$2" = pdf ]; then
        set -- "$1" examples/records.csv -o "$1/out/c.pdf"
    else
        set -- "$1" "$FT/four.csv" --split "$1/out/s"
    fi
    d=$1
    shift
    # shellcheck disable=SC2086
    "$SKILLCERT" render "$@" $ARGS --register "$d/reg.db"
}

# out_state DIR MODE REF: none, complete, pdf-only (the PDF without its numbers file) or
# partial: (a file missing or not the one REF holds, the run that never failed).
out_state() {
    if [ "$2" = pdf ]; then
        pdf=none csv=none
        if [ -e "$1/out/c.pdf" ]; then
            cmp -s "$1/out/c.pdf" "$3/out/c.pdf" && pdf=same || pdf=differs
        fi
        if [ -e "$1/out/c.pdf.numbers.csv" ]; then
            if [ "$(cut -d, -f4 "$1/out/c.pdf.numbers.csv")" = "$(cut -d, -f4 "$3/out/c.pdf.numbers.csv")" ]; then
                csv=same
            else
                csv=differs
            fi
        fi
        case $pdf/$csv in
        none/none) echo none ;;
        same/same) echo complete ;;
        same/none) echo pdf-only ;;
        *) echo "partial: c.pdf $pdf, numbers file $csv" ;;
        esac
        return
    fi
    n=0 bad=""
    for f in "$1"/out/s/*.pdf; do
        [ -e "$f" ] || continue
        n=$((n + 1))
        cmp -s "$f" "$3/out/s/$(basename "$f")" || bad="$bad $(basename "$f")"
    done
    want=$(ls "$3/out/s" | grep -c '\.pdf$')
    if [ -n "$bad" ]; then
        echo "partial: differ:$bad"
    elif [ "$n" -eq 0 ]; then
        echo none
    elif [ "$n" -eq "$want" ]; then
        echo complete
    else
        echo "partial: $n of $want files"
    fi
}

# reg_state DIR MODE: empty, issued (exactly the numbers of the run that never failed) or wrong.
reg_state() {
    python3 tests/cli/faults.py numbers "$1/reg.db" >"$1/numbers" 2>"$1/numbers.err" || {
        echo "unreadable: $(head -n 1 "$1/numbers.err")"
        return
    }
    if [ ! -s "$1/numbers" ]; then
        echo empty
    elif cmp -s "$1/numbers" "$FT/expected-$2"; then
        echo issued
    else
        echo "wrong: $(wc -l <"$1/numbers") numbers"
    fi
}

# temporaries DIR: the temporaries left in DIR (ours, and the register's backups').
temporaries() {
    find "$1" \( -name '*skillcert-tmp*' -o -name '*.backup-*.tmp-*' \) -print | sed "s|$1/||" |
        tr '\n' ' '
}

# one_case MODE KIND N ERRNO WHERE: fail call N of KIND with ERRNO, check, run again, check.
one_case() {
    mode=$1 kind=$2 n=$3 errno=$4 where=$5
    d=$FT/case-$mode-$kind-$n-$$
    mkdir -p "$d/out"
    cp "$FT/pristine.db" "$d/reg.db"
    SC_FAULT=$kind:$n:$errno SC_FAULT_PATH=$d/ SC_FAULT_LOG=$d/injected LD_PRELOAD=$SHIM \
        render "$d" "$mode" >"$d/stdout" 2>"$d/stderr"
    rc=$?
    reg=$(reg_state "$d" "$mode")
    out=$(out_state "$d" "$mode" "$FT/ref-$mode")
    tmp=$(temporaries "$d")
    lines=$(wc -l <"$d/stderr")
    what="$mode: $kind #$n fails ($errno, $where)"
    problem=""
    if [ "$rc" -eq 0 ]; then
        # The fault did not stop the run: then everything must be done.
        [ "$reg/$out" = issued/complete ] || problem="exit 0 but register $reg, output $out"
    else
        [ "$lines" -eq 1 ] || problem="$lines lines on stderr"
        case $where/$reg/$out in
        before/empty/none) ;;
        window/empty/none | window/empty/complete | window/empty/pdf-only) ;;
        window/issued/complete | after/issued/complete) ;;
        *) problem="$problem; register $reg, output $out" ;;
        esac
    fi
    if [ -n "$tmp" ] && [ "$kind" != unlink ]; then
        problem="$problem; temporaries left: $tmp"
    fi
    if [ ! -s "$d/injected" ]; then
        problem="$problem; the fault was not injected"
    fi
    if [ -z "$problem" ]; then
        ok "$what: exit $rc, register $reg, output $out"
    else
        not_ok "$what: $problem"
        sed 's/^/# stderr: /' "$d/stderr" | head -n 5
    fi
    # The next clean run completes the batch with the numbers of a run that never failed.
    render "$d" "$mode" >"$d/stdout2" 2>"$d/stderr2"
    rc2=$?
    reg=$(reg_state "$d" "$mode")
    out=$(out_state "$d" "$mode" "$FT/ref-$mode")
    tmp=$(find "$d/out" -name '*skillcert-tmp*' | tr '\n' ' ')
    if [ "$rc2" -eq 0 ] && [ "$reg/$out" = issued/complete ] && [ -z "$tmp" ]; then
        ok "$what, then a clean run: the same numbers and files as a run that never failed"
    else
        not_ok "$what, then a clean run: exit $rc2, register $reg, output $out, temporaries: $tmp"
        sed 's/^/# stderr: /' "$d/stderr2" | head -n 5
    fi
    rm -rf "$d"
}

# Run as one case by xargs (below), in the shared folder $FT.
if [ "${1:-}" = --case ]; then
    shift
    one_case "$@"
    exit 0
fi

case $SKILLCERT in
*/build/asan/*)
    ok "# SKIP fault injection: not with the sanitizer build"
    exit 0
    ;;
esac
if [ ! -f "$SHIM" ]; then
    make --no-print-directory build/fault/libfault.so >/dev/null 2>&1
fi
if [ ! -f "$SHIM" ]; then
    not_ok "the fault shim $SHIM is built (make build/fault/libfault.so)"
    exit 0
fi
FT=$T
export FT SHIM
head -n 5 examples/records.csv >"$FT/four.csv"

# The runs that never failed: the expected numbers and files, and the trace of every call.
new_register "$FT/pristine.db"
for mode in pdf split; do
    r=$FT/ref-$mode
    mkdir -p "$r/out"
    cp "$FT/pristine.db" "$r/reg.db"
    SC_FAULT_PATH=$r/ SC_FAULT_TRACE=$FT/trace-$mode LD_PRELOAD=$SHIM render "$r" "$mode" \
        >/dev/null 2>"$FT/ref-$mode.err"
    rc=$?
    last_err=$FT/ref-$mode.err
    expect_status "$mode: a run under the shim that fails nothing succeeds" 0
    python3 tests/cli/faults.py numbers "$r/reg.db" >"$FT/expected-$mode"
done
# The runs issue 10 and 4 numbers, the PDF prints them (read back from the pages), the split
# folder has a file named by each.
check "the reference runs issue 10 and 4 numbers" \
    sh -c "[ \$(wc -l <'$FT/expected-pdf') -eq 10 ] && [ \$(wc -l <'$FT/expected-split') -eq 4 ]"
pdftotext "$FT/ref-pdf/out/c.pdf" - | grep -o 'S[0-9]\{21\}' | sort -u >"$FT/printed"
check "the reference PDF prints exactly the numbers issued" cmp "$FT/printed" "$FT/expected-pdf"
check "the reference split folder has one file per number issued" \
    sh -c "ls '$FT/ref-split/out/s' | grep '\.pdf\$' | sed 's/_.*//; s/\.pdf\$//' | sort | cmp - '$FT/expected-split'"

# The plan: which calls to fail.  Faults in SQLite's own files (the register, its -wal, its
# backups) are cases as much as the output's.
: >"$FT/cases"
for mode in pdf split; do
    only=0
    [ "$mode" = split ] && only=1
    python3 tests/cli/faults.py plan "$FT/trace-$mode" "$FT/ref-$mode/out" \
        "$FT/ref-$mode/reg.db" 9 $only >"$FT/plan-$mode" || not_ok "$mode: the plan is made"
    awk -v m="$mode" '{print m, $1, $2, $3, $4}' "$FT/plan-$mode" >>"$FT/cases"
    # The window, as found (printed for the reader).
    grep ' window ' "$FT/plan-$mode" | sed "s|$FT/ref-$mode/||; s/^/# $mode window: /" |
        awk '!seen[$0]++' | head -n 40
done
# A disk that stays full: every write from the first to each output file on fails.
for mode in pdf split; do
    grep '^write .* before .*/out/' "$FT/plan-$mode" | awk -v m="$mode" '!seen[$5]++ {print m, $1, $2 "+", $3, $4}' |
        head -n 3 >>"$FT/cases"
done
echo "# $(wc -l <"$FT/cases") fault cases"
# Two at a time (the machine's two cores); each case prints its own TAP lines.
xargs -P 2 -L 1 sh "$0" --case <"$FT/cases"
