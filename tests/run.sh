#!/bin/sh
# run.sh - run every unit-test program and CLI test script; ends with `N passed, N failed`.
# Usage: tests/run.sh BUILD [SAN_BUILD]
#   BUILD      the normal build folder (its skillcert and tests/ are run in the C.UTF-8 locale)
#   SAN_BUILD  the ASan + UBSan build, run a second time in the de_DE.UTF-8 locale, where the
#              decimal separator is a comma (STYLE.md)
# SC_ONLY_SAN=1 runs only the second pass; SC_VALGRIND=1 runs the unit tests under valgrind.
# A PostgreSQL server for the tests runs meanwhile (tests/pg.sh), at $SC_TEST_PG.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
build=${1:-build}
san=${2:-}
passed=0
failed=0
failures=""
log=$(mktemp)
# The PostgreSQL register's tests (issue 14) use a throw-away server of their own, started once
# here and stopped at the end.  When none can be started they fail, never skip.
pg_dir=""
if pg=$(sh tests/pg.sh start 2>"$log"); then
    pg_dir=${pg%% *}
    export SC_TEST_PG="${pg#* }"
else
    echo "PostgreSQL test server: $(cat "$log")"
    export SC_TEST_PG="unavailable: $(head -n 1 "$log")"
fi
trap 'exit 130' INT TERM
trap 'rm -f "$log"; [ -z "$pg_dir" ] || sh tests/pg.sh stop "$pg_dir"' EXIT

# Count TAP lines in $log; remember the failing ones.
tally() {
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -gt 0 ]; then
        failures="$failures
$(grep '^not ok ' "$log" | sed "s|^|  $1: |")"
    fi
}

# run_pass BUILD LOCALE: every unit program and every CLI script once.
run_pass() {
    b=$1
    loc=$2
    obtained=$(LC_ALL=$loc locale 2>/dev/null | sed -n 's/^LC_NUMERIC=//p' | tr -d '"')
    echo "== $b (locale asked: $loc, obtained: ${obtained:-none}) =="
    export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    for t in "$b"/tests/test-*; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        wrap=""
        [ "${SC_VALGRIND:-0}" = 1 ] && wrap="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --suppressions=$top/tests/valgrind.supp"
        LC_ALL=$loc timeout 300 $wrap "$t" --tap >"$log" 2>&1
        rc=$?
        if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
            echo "not ok - $name exited with status $rc" >>"$log"
            tail -n 20 "$log" | sed 's/^/    /'
        fi
        tally "$b/$name"
        echo "  $name: $(grep -c '^ok ' "$log") passed, $(grep -c '^not ok ' "$log") failed"
    done
    for s in tests/cli/test-*.sh; do
        [ -f "$s" ] || continue
        name=$(basename "$s" .sh)
        LC_ALL=$loc SKILLCERT="$top/$b/skillcert" SC_TOP="$top" timeout 900 sh "$s" >"$log" 2>&1
        rc=$?
        if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then
            echo "not ok - $name exited with status $rc" >>"$log"
        fi
        grep '^not ok ' "$log" | sed 's/^/    /'
        grep '^#' "$log" | sed 's/^/    /' | head -n 40
        tally "$b/$name"
        echo "  $name: $(grep -c '^ok ' "$log") passed, $(grep -c '^not ok ' "$log") failed"
    done
}

[ "${SC_ONLY_SAN:-0}" = 1 ] || run_pass "$build" C.UTF-8
[ -n "$san" ] && run_pass "$san" de_DE.UTF-8

if [ -n "$failures" ]; then
    echo "failures:$failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
