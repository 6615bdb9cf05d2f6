#!/bin/sh
# run.sh - build and run libFuzzer targets (STYLE.md: one target per parser of outside input).
# Usage: sh tests/fuzz/run.sh SECONDS fuzz-a [fuzz-b ...]
#   Each tests/fuzz/NAME.c is built with clang -fsanitize=fuzzer,address,undefined against the
#   library modules (every src/*.c but main.c) into build/fuzz/NAME and run for SECONDS on the
#   corpus build/fuzz/corpus-NAME, which is kept between runs and seeded from tests/data:
#     tests/data/STEM/* and tests/data/STEMs/*   every file    (STEM is NAME without "fuzz-")
#     tests/data/STEM.txt                        the file, and each "in: TEXT" line's TEXT
#   Crash inputs are written to build/fuzz/NAME-crash-*; the log is build/fuzz/NAME.log.
# Environment:
#   FUZZ_MODULES  library modules to link, e.g. "error record idcard level" (default: all)
#   FUZZ_CC       the compiler (default clang)      FUZZ_ARGS  more libFuzzer options
# Exit status: 0 if every target built and ran without a crash, 1 otherwise, 2 on bad usage.
set -u
cd "$(dirname "$0")/../.." || exit 2

if [ $# -lt 2 ] || ! [ "$1" -ge 1 ] 2>/dev/null; then
    echo "usage: sh tests/fuzz/run.sh SECONDS fuzz-name..." >&2
    exit 2
fi
seconds=$1
shift

cc=${FUZZ_CC:-clang}
# The Makefile's packages (one list); libcups links through cups-config, as in the Makefile.
pkgs=$(sed -n 's/^PKGS *:= *//p' Makefile)
if ! pkg_cflags=$(pkg-config --cflags $pkgs) || ! pkg_libs=$(pkg-config --libs $pkgs); then
    echo "run.sh: pkg-config cannot find the libraries (make setup installs them)" >&2
    exit 2
fi
flags="-std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -DSC_DATADIR=\"/usr/local/share/skillcert\" -DSC_VERSION=\"fuzz\"
       -DSC_LOCALEDIR=\"/usr/local/share/locale\" -Isrc -g -O1
       -fno-omit-frame-pointer -fno-sanitize-recover=all"
out=build/fuzz
mkdir -p "$out/obj"

if [ -n "${FUZZ_MODULES:-}" ]; then
    modules=$FUZZ_MODULES
else
    modules=$(for f in src/*.c; do basename "$f" .c; done | grep -vx main)
fi

# The library, once, instrumented for coverage but without libFuzzer's main.
objs=""
for m in $modules; do
    if [ ! -f "src/$m.c" ]; then
        echo "run.sh: no module src/$m.c" >&2
        exit 2
    fi
    o=$out/obj/$m.o
    if [ ! -f "$o" ] || [ "src/$m.c" -nt "$o" ] || [ -n "$(find src -name '*.h' -newer "$o")" ]; then
        echo "  CC      src/$m.c"
        # shellcheck disable=SC2086
        $cc $flags -fsanitize=fuzzer-no-link,address,undefined $pkg_cflags -c "src/$m.c" -o "$o" ||
            exit 1
    fi
    objs="$objs $o"
done

# seed NAME CORPUS: copy the matching files of tests/data into CORPUS (see above).
seed() {
    stem=${1#fuzz-}
    for d in "tests/data/$stem" "tests/data/${stem}s"; do
        [ -d "$d" ] || continue
        for f in "$d"/*; do
            [ -f "$f" ] && cp "$f" "$2/seed-$(basename "$d")-$(basename "$f")"
        done
    done
    t=tests/data/$stem.txt
    if [ -f "$t" ]; then
        cp "$t" "$2/seed-$stem.txt"
        i=0
        sed -n 's/^in: //p' "$t" | while IFS= read -r line; do
            i=$((i + 1))
            printf '%s' "$line" >"$2/seed-$stem-$i"
        done
    fi
}

status=0
summary=""
for name in "$@"; do
    name=${name%.c}
    name=$(basename "$name")
    src=tests/fuzz/$name.c
    if [ ! -f "$src" ]; then
        echo "run.sh: no fuzz target $src" >&2
        summary="$summary
  $name: no such target"
        status=1
        continue
    fi

    echo "  LD      $out/$name"
    # shellcheck disable=SC2086
    if ! $cc $flags -fsanitize=fuzzer,address,undefined $pkg_cflags "$src" $objs \
        -o "$out/$name" $pkg_libs $(cups-config --libs) -lcsv -lm; then
        summary="$summary
  $name: build failed"
        status=1
        continue
    fi

    corpus=$out/corpus-$name
    mkdir -p "$corpus"
    seed "$name" "$corpus"

    echo "  FUZZ    $name for ${seconds}s (log: $out/$name.log)"
    # shellcheck disable=SC2086
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$out/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 \
        -artifact_prefix="$out/$name-" -print_final_stats=1 ${FUZZ_ARGS:-} "$corpus" \
        >"$out/$name.log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -n 1)
    if [ $rc -eq 0 ]; then
        summary="$summary
  $name: ok, ${runs:-?} runs, corpus $(ls "$corpus" | wc -l) files"
    else
        status=1
        summary="$summary
  $name: FAILED (status $rc): $(ls "$out/$name"-crash-* "$out/$name"-leak-* \
            "$out/$name"-timeout-* "$out/$name"-oom-* 2>/dev/null | tr '\n' ' ')"
        tail -n 40 "$out/$name.log" | sed 's/^/    /'
    fi
done

echo "fuzz results:$summary"
exit $status
