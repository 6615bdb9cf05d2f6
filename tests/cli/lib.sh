# lib.sh - helpers for CLI test scripts: TAP lines, a scratch folder, and PDF readers.
# Each script: `. "$SC_TOP/tests/cli/lib.sh"`, then ok/check calls; run by tests/run.sh.
set -u
: "${SC_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SKILLCERT:=$SC_TOP/skillcert}"
cd "$SC_TOP" || exit 2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# Never the user's own registers and printer profiles: the per-user folders are the test's.
export XDG_DATA_HOME="$T/xdg-data" XDG_CONFIG_HOME="$T/xdg-config"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: the command succeeds.
check() {
    d=$1; shift
    if "$@" >"$T/.out" 2>&1; then ok "$d"; else not_ok "$d"; sed 's/^/# /' "$T/.out" | head -n 20; fi
}

# run_sc OUT_PREFIX ARGS...: run skillcert, stdout to OUT_PREFIX.out, stderr to .err, status in $rc.
run_sc() {
    p=$1; shift
    "$SKILLCERT" "$@" >"$p.out" 2>"$p.err"
    rc=$?
    last_err=$p.err
}

# new_register FILE [INSTITUTION]: create a register (a register is never created implicitly).
new_register() {
    "$SKILLCERT" register init -i "${2:-examples/institution.ini}" --register "$1" >/dev/null ||
        echo "# cannot create the register $1"
}

# expect_status DESCRIPTION WANT: $rc equals WANT.
expect_status() {
    if [ "$rc" -eq "$2" ]; then ok "$1"; else not_ok "$1 (status $rc, want $2)"; sed 's/^/# /' "$last_err" | head -n 10; fi
}

# expect_grep DESCRIPTION FILE PATTERN (fixed string).
expect_grep() {
    if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1 (no '$3' in $(basename "$2"))"; sed 's/^/# /' "$2" | head -n 10; fi
}

# expect_no_grep DESCRIPTION FILE PATTERN (fixed string): FILE does not hold it.
expect_no_grep() {
    if grep -qF -- "$3" "$2"; then not_ok "$1 ('$3' in $(basename "$2"))"; sed 's/^/# /' "$2" | head -n 10; else ok "$1"; fi
}

# expect_absent DESCRIPTION PATH: no file there.
expect_absent() {
    if [ -e "$2" ]; then not_ok "$1 ($2 exists)"; else ok "$1"; fi
}
