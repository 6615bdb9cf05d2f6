#!/bin/sh
# run.sh - `make bench`: wall time, certificates per second, peak memory and bytes per certificate
# for 1,000 and 10,000 records, into one PDF and split into one PDF per record (electronic
# certificates), with one thread (--jobs 1) and the default, on the example's institution with
# its seal (DESIGN.md quality bar; issue 15).  Records are synthetic (valid ID numbers), each with
# its own photo: 80 % JPEG, 20 % photographic PNG (photos.c).  Never asserted: a table to read.
# BENCH_SIZES="1000" runs the smaller batch only, "1000 10000 100000" adds the largest; BENCH_MODES="pdf:1 split:" chooses the rows.
# "signed" is split output with the institution's signing keys (`key new`, RSA 3072): each file
# signed, as an institution with keys issues its electronic certificates.
# On a shared machine wall time follows the load: cpu s (user + system) is steadier.
set -eu
cd "$(dirname "$0")/../.."
B=build/bench
mkdir -p $B/photos
SC=${SKILLCERT:-./skillcert}
sizes=${BENCH_SIZES:-1000 10000}
modes=${BENCH_MODES:-pdf:1 pdf: split:1 split: signed:}

max=0
for n in $sizes; do [ "$n" -gt "$max" ] && max=$n; done
${CC:-cc} -O2 -o $B/photos-gen tests/bench/photos.c $(pkg-config --cflags --libs glib-2.0 libpng libjpeg) -lm
# Distinct photos for up to 10,000 records (a 100,000-record run reuses them: 5 GB otherwise).
photos=$((max < 10000 ? max : 10000))
$B/photos-gen $B/photos "$photos"
BENCH_PHOTOS=$photos python3 tests/bench/records.py $B $sizes

# The example institution with keys of its own, made once (bench data, like the photos).
case " $modes" in
*" signed:"*)
    if [ ! -f $B/keys/institution.ini ]; then
        rm -rf $B/keys
        mkdir -p $B/keys
        cp examples/institution.ini examples/seal.png $B/keys/
        $SC key new -i $B/keys/institution.ini --dir $B/keys | grep ' = ' >$B/keys/lines
        awk 'FNR == NR { keys = keys $0 "\n"; next } { print } /^\[institution\]/ { printf "%s", keys }' \
            $B/keys/lines examples/institution.ini >$B/keys/institution.ini
    fi
    ;;
esac

# Split output goes into a folder of its own each run, all removed at the end: on ext4 without a
# journal (this machine's) a file made less than a minute after thousands were deleted waits while
# the kernel looks past each of their inodes (12 % of a split run's CPU).  A run is measured, not
# the bench's own deleting.
rm -rf $B/split $B/split-*
trap 'rm -rf $B/split-*' EXIT
run=0
printf '%-8s %-7s %-7s %8s %8s %8s %8s %10s\n' records output jobs "wall s" "cpu s" "certs/s" "peak MB" "bytes/cert"
for n in $sizes; do
    for m in $modes; do
        mode=${m%%:*} jobs=${m#*:}
        run=$((run + 1))
        inst=examples/institution.ini
        [ $mode = signed ] && inst=$B/keys/institution.ini
        rm -rf $B/out.pdf $B/reg-$n.db $B/reg-$n.db.backup-*
        $SC register init -i $inst --register $B/reg-$n.db >/dev/null
        case $mode in
        pdf) out="-o $B/out.pdf" ;;
        split | signed) out="--split $B/split-$run" ;;
        esac
        [ -n "$jobs" ] && out="$out --jobs $jobs"
        /usr/bin/time -f "%e %U %S %M" -o $B/time $SC render $B/records-$n.csv -i $inst \
            --photos $B/photos --register $B/reg-$n.db --date 2026-11-23 --quiet $out >/dev/null
        read secs user sys kb <$B/time
        if [ $mode = pdf ]; then bytes=$(stat -c %s $B/out.pdf); else bytes=$(du -sb $B/split-$run | cut -f1); fi
        awk -v n=$n -v m=$mode -v j="${jobs:-default}" -v s="$secs" -v cpu="$user $sys" -v kb="$kb" -v b="$bytes" 'BEGIN {
            split(cpu, c, " ")
            printf "%-8d %-7s %-7s %8.2f %8.2f %8.0f %8.1f %10.0f\n", n, m, j, s, c[1] + c[2], (s > 0 ? n / s : 0), kb / 1024, b / n }'
    done
done
