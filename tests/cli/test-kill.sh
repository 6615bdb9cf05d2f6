#!/bin/sh
# test-kill.sh - SIGKILL at random moments (issue 9: a killed run is completed, not duplicated, by
# running it again; SPEC §3: one transaction per batch).  A render of 50 records, to one PDF and
# to --split, is killed 75 and 55 times at moments drawn from a seeded sequence over the length
# of a run, always into the same folder, as an impatient user would re-run it.  After every kill
# (each into a first issue: once a batch is issued, the register and the final files are reset,
# the temporaries of killed runs kept): the register holds none or all of the batch's numbers
# (never some); a file under its final name is whole (byte for byte the file of a run never killed); all numbers issued
# means all files in place.  Then one clean run: exactly the expected serials (consecutive per
# level, no gaps, no duplicates), every file in place and whole, no temporary left.
. "$SC_TOP/tests/cli/lib.sh"

ARGS="-t templates/national.ini -i examples/institution.ini --photos examples/photos"
SOURCE_DATE_EPOCH=1795000000 # the same bytes in every run
export SOURCE_DATE_EPOCH
# Kills per mode that land while a run is going: 75 into one PDF, 55 into --split (whose run is
# longer); at least 100 in all.
kills() { if [ "$1" = pdf ]; then echo "${SC_KILLS:-75}"; else echo "${SC_KILLS:-55}"; fi; }
total=0
python3 tests/cli/faults.py records 50 "$T/fifty.csv"

# render DIR MODE: the 50 records into DIR/out (c.pdf or s/), register DIR/reg.db.  With
# EXEC=1 (in a subshell) the subshell becomes skillcert, so that its process id is skillcert's.
render() {
    if [ "$2" = pdf ]; then
        set -- "$1" -o "$1/out/c.pdf"
    else
        set -- "$1" --split "$1/out/s"
    fi
    rdir=$1
    shift
    # shellcheck disable=SC2086
    if [ "${EXEC:-0}" = 1 ]; then
        exec "$SKILLCERT" render "$T/fifty.csv" $ARGS --register "$rdir/reg.db" "$@"
    fi
    # shellcheck disable=SC2086
    "$SKILLCERT" render "$T/fifty.csv" $ARGS --register "$rdir/reg.db" "$@"
}

# files DIR MODE: the final files in DIR/out, one per line (not the temporaries).
files() {
    if [ "$2" = pdf ]; then
        for f in "$1/out/c.pdf" "$1/out/c.pdf.numbers.csv"; do [ -e "$f" ] && basename "$f"; done
    else
        [ -d "$1/out/s" ] && ls "$1/out/s"
    fi
    return 0
}

# whole DIR MODE: every final file is the reference's (the numbers file: its numbers column).
whole() {
    for f in $(files "$1" "$2"); do
        [ "$2" = split ] && f=s/$f
        case $f in
        *.csv) [ "$(cut -d, -f4 "$1/out/$f")" = "$(cut -d, -f4 "$T/ref-$2/out/$f")" ] || return 1 ;;
        *) cmp -s "$1/out/$f" "$T/ref-$2/out/$f" || return 1 ;;
        esac
    done
}

# unwhole DIR MODE: which final files differ from the reference's, and where (a diagnosis).
unwhole() {
    for f in $(files "$1" "$2"); do
        [ "$2" = split ] && f=s/$f
        case $f in
        *.csv) [ "$(cut -d, -f4 "$1/out/$f")" = "$(cut -d, -f4 "$T/ref-$2/out/$f")" ] ||
            echo "#   $f: other numbers" ;;
        *) cmp "$1/out/$f" "$T/ref-$2/out/$f" 2>&1 | sed 's/^/#   /' ;;
        esac
    done
}

for mode in pdf split; do
    r=$T/ref-$mode
    mkdir -p "$r/out"
    new_register "$r/reg.db"
    render "$r" "$mode" >/dev/null 2>"$T/ref.err"
    rc=$?
    last_err=$T/ref.err
    expect_status "$mode: a run never killed" 0
    # How long a run takes (a second one, as the runs below are, all but the first, reprints).
    start=$(date +%s%N)
    render "$r" "$mode" >/dev/null 2>&1
    took=$((($(date +%s%N) - start) / 1000000))
    KILLS=$(kills "$mode")
    python3 tests/cli/faults.py numbers "$r/reg.db" >"$T/expected-$mode"
    want=$(files "$r" "$mode" | wc -l)

    kd=$T/kill-$mode
    mkdir -p "$kd/out"
    [ -f "$T/pristine.db" ] || new_register "$T/pristine.db"
    cp "$T/pristine.db" "$kd/reg.db"
    landed=0 bad=0 none=0 window=0 committed=0
    # Moments: fractions of a seeded sequence times a span that starts as the length of a clean
    # run and follows the runs here: shorter after a run that ended before its kill, longer after
    # one killed, so that the kills spread over the whole run, its end included.
    # A kill that comes after its run ended does not count: moments are drawn until KILLS have
    # landed (at most three times as many tries).
    awk -v n="$((KILLS * 3))" -v seed=42 'BEGIN {
        srand(seed); for (i = 0; i < n; i++) printf "%.4f\n", rand() }' >"$T/moments"
    span=$(awk -v ms="$took" 'BEGIN { printf "%.3f", ms / 1000 }')
    while [ "$landed" -lt "$KILLS" ] && read -r fraction; do
        moment=$(awk -v f="$fraction" -v s="$span" 'BEGIN { printf "%.3f", f * s }')
        (
            EXEC=1
            render "$kd" "$mode" >/dev/null 2>&1
        ) &
        pid=$!
        sleep "$moment"
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        if [ $? -eq 137 ]; then
            landed=$((landed + 1))
            span=$(awk -v s="$span" 'BEGIN { printf "%.3f", s * 1.05 }')
        else
            span=$(awk -v s="$span" 'BEGIN { printf "%.3f", s * 0.85 }')
        fi
        python3 tests/cli/faults.py numbers "$kd/reg.db" >"$T/now"
        have=$(files "$kd" "$mode" | wc -l)
        if [ -s "$T/now" ] && ! cmp -s "$T/now" "$T/expected-$mode"; then
            bad=$((bad + 1))
            echo "# killed at ${moment}s: the register holds $(wc -l <"$T/now") numbers, not none or all"
        elif [ -s "$T/now" ] && [ "$have" -ne "$want" ]; then
            bad=$((bad + 1))
            echo "# killed at ${moment}s: every number issued but $have of $want files in place"
            files "$kd" "$mode" | sort >"$T/have-files"
            files "$T/ref-$mode" "$mode" | sort | comm -23 "$T/have-files" - | sed 's/^/#   not the reference'"'"'s: /' | head -n 3
        elif ! whole "$kd" "$mode"; then
            bad=$((bad + 1))
            echo "# killed at ${moment}s: a file under its final name is not whole"
            unwhole "$kd" "$mode" | head -n 3
        fi
        # Once the batch is issued, start again from a register that has not issued it (the
        # output's final files removed, the temporaries of killed runs left for the next run to
        # find), so that every kill lands in a first issue.
        if [ -s "$T/now" ]; then
            committed=$((committed + 1))
            cp "$T/pristine.db" "$kd/reg.db"
            rm -f "$kd/reg.db-wal" "$kd/reg.db-shm" "$kd/out/c.pdf" "$kd/out/c.pdf.numbers.csv"
            rm -f "$kd"/out/s/*.pdf
        elif [ "$have" -gt 0 ]; then
            window=$((window + 1))
        else
            none=$((none + 1))
        fi
    done <"$T/moments"
    echo "# $mode: after the kills, $none times nothing issued and no file, $window times files in place but not yet issued (the window), $committed times issued"
    [ "$bad" -eq 0 ] && ok "$mode: $landed kills during a run: none or all numbers issued, files whole" ||
        not_ok "$mode: $bad of $KILLS kills left the register and the output disagreeing"
    total=$((total + landed))

    # One clean run completes the batch: the expected numbers, every file whole, nothing stale.
    render "$kd" "$mode" >/dev/null 2>"$T/clean.err"
    rc=$?
    last_err=$T/clean.err
    expect_status "$mode: after the kills, a clean run" 0
    python3 tests/cli/faults.py numbers "$kd/reg.db" >"$T/now"
    check "$mode: … the register holds exactly the batch's numbers" cmp "$T/now" "$T/expected-$mode"
    [ "$(files "$kd" "$mode" | wc -l)" -eq "$want" ] && whole "$kd" "$mode" &&
        ok "$mode: … every file in place and whole" || {
        not_ok "$mode: … files $(files "$kd" "$mode" | wc -l) of $want, or not whole"
        files "$kd" "$mode" | sort >"$T/have-files"
        files "$T/ref-$mode" "$mode" | sort | comm -3 "$T/have-files" - | sed 's/^/#   differs: /' | head -n 5
        unwhole "$kd" "$mode" | head -n 3
    }
    left=$(find "$kd/out" -name '*skillcert-tmp*' | wc -l)
    [ "$left" -eq 0 ] && ok "$mode: … no temporary left" ||
        not_ok "$mode: … $left temporaries left: $(find "$kd/out" -name '*skillcert-tmp*' | head -n 3 | tr '\n' ' ')"
done

[ "$total" -ge 100 ] && ok "$total kills landed while a run was going (at least 100)" ||
    not_ok "only $total kills landed while a run was going"

# The serials: per level consecutive from 000001, no gaps, no duplicates (50 records, 5 levels:
# 10 each), and the PDF prints them.
python3 - "$T/expected-pdf" <<'PY'
import collections, sys
nums = open(sys.argv[1]).read().split()
by_level = collections.defaultdict(list)
for n in nums:
    by_level[n[15]].append(int(n[16:]))
ok = len(nums) == 50 and len(set(nums)) == 50 and all(
    sorted(s) == list(range(1, 11)) for s in by_level.values()) and len(by_level) == 5
print(("ok" if ok else "not ok") + " - 50 numbers, each level's serials 000001-000010, none twice")
PY
pdftotext "$T/ref-pdf/out/c.pdf" - | grep -o 'S[0-9]\{21\}' | sort -u >"$T/printed"
check "the PDF prints exactly the numbers issued" cmp "$T/printed" "$T/expected-pdf"
check "one PDF and --split issue the same numbers" cmp "$T/expected-pdf" "$T/expected-split"
