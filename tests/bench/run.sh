#!/bin/sh
# run.sh - `make bench`: certificates per second and peak memory for 1,000 and 10,000 records,
# into one PDF and split into one PDF per record (DESIGN.md quality bar).
# Records are synthetic (valid ID numbers, the example's photos under 1,000 distinct names).
# split2 is split output drawn by two threads (--jobs 2).
set -eu
cd "$(dirname "$0")/../.."
B=build/bench
mkdir -p $B
SC=${SKILLCERT:-./skillcert}
sizes=${BENCH_SIZES:-1000 10000}

python3 tests/bench/records.py $B $sizes

printf '%-8s %-6s %10s %10s %10s %10s\n' records output seconds "certs/s" "peak MB" "MB out"
for n in $sizes; do
    for mode in pdf split split2; do
        rm -rf $B/out.pdf $B/split $B/reg-$n.db
        case $mode in
        pdf) out="-o $B/out.pdf" ;;
        split) out="--split $B/split" ;;
        split2) out="--split $B/split --jobs 2" ;;
        esac
        /usr/bin/time -f "%e %M" -o $B/time $SC render $B/records-$n.csv -i examples/institution.ini \
            --photos $B/photos --register $B/reg-$n.db --date 2026-11-23 $out >/dev/null
        read secs kb <$B/time
        if [ $mode = pdf ]; then bytes=$(stat -c %s $B/out.pdf); else bytes=$(du -sb $B/split | cut -f1); fi
        awk -v n=$n -v m=$mode -v s="$secs" -v kb="$kb" -v b="$bytes" 'BEGIN {
            printf "%-8d %-6s %10.2f %10.0f %10.1f %10.1f\n", n, m, s, (s > 0 ? n / s : 0), kb / 1024, b / 1048576 }'
    done
done
