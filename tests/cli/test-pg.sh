#!/bin/sh
# test-pg.sh - the register on a PostgreSQL server (issue 14 "Several desks, one register"):
# --register postgresql://… and `register = postgresql://…` in the institution file, created
# only by register init; numbers issued, reprints with the same numbers; four desks rendering at
# once get disjoint consecutive ranges; a render killed, or whose connection is lost, while it
# holds its numbers issues nothing; reports and imports give what they give on SQLite; an
# address's password is never shown.  The server is tests/run.sh's ($SC_TEST_PG, tests/pg.sh):
# without it these tests fail.
. "$SC_TOP/tests/cli/lib.sh"

case ${SC_TEST_PG:-} in
postgresql://* | postgres://*) ;;
*)
    not_ok "no PostgreSQL test server (SC_TEST_PG=${SC_TEST_PG:-unset}): tests/run.sh starts one with tests/pg.sh"
    exit 1
    ;;
esac

EX=examples
INST=$EX/institution.ini
PREFIX=S000044011001
PHOTOS="--photos $EX/photos"
case $SC_TEST_PG in *\?*) SEP='&' ;; *) SEP='?' ;; esac
n_schemas=0
# schema: a new empty schema on the server; its register's address in $ADDR.
schema() {
    n_schemas=$((n_schemas + 1))
    s="cli_$$_$n_schemas"
    psql -q "$SC_TEST_PG" -c "CREATE SCHEMA $s" || echo "# cannot create schema $s"
    echo "$s" >>"$T/schemas"
    ADDR="$SC_TEST_PG${SEP}options=-csearch_path%3D$s"
}
# Drop the schemas at the end (the server is shared by every test of the run).
cleanup() {
    [ -f "$T/schemas" ] && while read -r s; do psql -q "$SC_TEST_PG" -c "DROP SCHEMA $s CASCADE" 2>/dev/null; done <"$T/schemas"
    rm -rf "$T"
}
trap cleanup EXIT
# q SQL: one value from the register at $ADDR.
q() { psql -Atq "$ADDR" -c "$1"; }

# --- Created on purpose, numbers issued, reprints ------------------------------------------
schema
sed 's/,2026-11-20,/,,/' $EX/records.csv >"$T/r.csv"
run_sc "$T/a" render "$T/r.csv" -i $INST $PHOTOS --register "$ADDR" -o "$T/a.pdf"
expect_status "no register in the database: refused" 3
expect_grep "… saying how to create it" "$T/a.err" "register init"
expect_absent "… nothing written" "$T/a.pdf"
[ "$(q "SELECT to_regclass('meta') IS NULL")" = t ] && ok "… and no tables made" || not_ok "tables made implicitly"

run_sc "$T/i" register init -i $INST --register "$ADDR"
expect_status "register init on PostgreSQL" 0
run_sc "$T/i2" register init -i $INST --register "$ADDR"
expect_status "a second init is refused" 3
expect_grep "… saying a register exists" "$T/i2.err" "already exists"
run_sc "$T/c" register check -i $INST --register "$ADDR"
expect_status "register check" 0

run_sc "$T/a" render "$T/r.csv" -i $INST $PHOTOS --register "$ADDR" --date 2026-11-30 -o "$T/a.pdf"
expect_status "render with --register postgresql://…" 0
python3 tests/cli/pdfcheck.py numbers "$T/a.pdf" $PREFIX >"$T/a.nums"
# The example: 一级 1, 二级 1, 三级 2, 四级 4, 五级 2 — each level from 000001.
sort "$T/a.nums" | cut -c14-22 | tr '\n' ' ' >"$T/a.serials"
[ "$(cat "$T/a.serials")" = "261000001 262000001 263000001 263000002 264000001 264000002 264000003 264000004 265000001 265000002 " ] &&
    ok "… numbers per (year, level) from 000001, on the pages" || not_ok "numbers $(cat "$T/a.serials")"
[ "$(q "SELECT count(*) FROM certificates")" = 10 ] && ok "… recorded in the database" || not_ok "certificates in the database"

# The institution file naming the server reaches the same register: a reprint.
mkdir -p "$T/desk2"
cp $EX/seal.png "$T/desk2/"
{ cat $INST; echo "register = $ADDR"; } >"$T/desk2/institution.ini"
run_sc "$T/b" render "$T/r.csv" -i "$T/desk2/institution.ini" $PHOTOS --date 2026-12-07 -o "$T/b.pdf"
expect_status "render with register = postgresql://… in the institution file" 0
python3 tests/cli/pdfcheck.py numbers "$T/b.pdf" $PREFIX >"$T/b.nums"
cmp -s "$T/a.nums" "$T/b.nums" && ok "… a reprint: the same numbers" || not_ok "reprint numbers differ"
pdftotext -f 1 -l 1 "$T/b.pdf" - | grep -q "发证日期：2026年11月30日" && ok "… and the original 发证日期" || not_ok "reprint date"
expect_grep "… counted as printed again" "$T/b.out" "printed again: 10"
[ "$(q "SELECT count(*) FROM prints")" = 20 ] && ok "… both prints logged" || not_ok "prints logged: $(q "SELECT count(*) FROM prints")"

run_sc "$T/bk" register backup -i $INST --register "$ADDR"
expect_status "register backup on PostgreSQL: refused" 3
expect_grep "… naming the server's tool" "$T/bk.err" "pg_dump"

# --- Four desks at once ----------------------------------------------------------------------
python3 - "$T" <<'PY'
import sys
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(i):
    s = "440104%04d0101%03d" % (1950 + i // 1000, i % 1000)
    return s + "10X98765432"[sum(int(c) * w for c, w in zip(s, W)) % 11]
for k in range(4):
    with open(f"{sys.argv[1]}/d{k}.csv", "w", encoding="utf-8") as f:
        f.write("姓名,证件号码,职业名称,职业技能等级,发证日期,照片\n")
        for i in range(200 * k, 200 * k + 200):
            f.write(f"持证人{i},{idn(i)},电工,5,2026-11-20,440104199003121232.jpg\n")
PY
schema
new_register "$ADDR"
for k in 0 1 2 3; do
    "$SKILLCERT" render "$T/d$k.csv" -i $INST $PHOTOS --register "$ADDR" -o "$T/d$k.pdf" >/dev/null 2>"$T/d$k.err" &
    eval "p$k=\$!"
done
fails=0
for k in 0 1 2 3; do
    eval "wait \$p$k" || { fails=$((fails + 1)); sed 's/^/# /' "$T/d$k.err"; }
done
[ $fails = 0 ] && ok "four concurrent renders of 200 all succeed" || not_ok "$fails of four concurrent renders failed"
serials() { pdftotext "$1" - | grep -o "${PREFIX}265[0-9]\{6\}" | cut -c17-22 | sed 's/^0*//'; }
consecutive() { sort -n "$1" | awk 'NR == 1 { first = $1 } { if ($1 != first + NR - 1) bad = 1 } END { exit bad || NR != 200 }'; }
bad=0
for k in 0 1 2 3; do
    serials "$T/d$k.pdf" >"$T/d$k.s"
    consecutive "$T/d$k.s" || bad=1
done
[ $bad = 0 ] && ok "… each got 200 consecutive serials" || not_ok "a render's serials are not consecutive"
[ "$(sort -n "$T"/d?.s | uniq | wc -l)" = 800 ] && [ "$(sort -n "$T"/d?.s | tail -n 1)" = 800 ] &&
    ok "… disjoint, together exactly 1..800" || not_ok "ranges overlap or leave gaps"
[ "$(q "SELECT last FROM counters WHERE level = 5")" = 800 ] && ok "… and the counter stands at 800" || not_ok "counter"

# --- Killed, or its connection lost, mid-batch: nothing issued -------------------------------
# hold FILE: render FILE into $T/h.pdf while another desk holds the register's write lock, and
# wait until the render, its pages drawn, waits in its transaction to draw its numbers; its
# process in $hp.  FALSE if it never got there.  release: the other desk lets go, and every
# connection of the killed render is gone.  Both connections are told apart by an
# application_name of this test's own: the server is shared with the other tests of the run,
# whose renders wait on locks of their own.
HOLDER=sc_holder_$$
HELD=sc_held_$$
held_waits() { q "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$HELD' AND wait_event_type = 'Lock'"; }
hold() {
    rm -f "$T/h.pdf" "$T/h.pdf.numbers.csv"
    psql -q "$ADDR&application_name=$HOLDER" -c "BEGIN; LOCK TABLE counters IN SHARE ROW EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
    lp=$!
    for _ in $(seq 600); do
        [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$HOLDER' AND wait_event = 'PgSleep'")" = 1 ] && break
        sleep 0.05
    done
    "$SKILLCERT" render "$1" -i $INST $PHOTOS --register "$ADDR&application_name=$HELD" -o "$T/h.pdf" >"$T/h.out" 2>"$T/h.err" &
    hp=$!
    for _ in $(seq 600); do
        [ "$(held_waits)" = 1 ] && return 0
        kill -0 $hp 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
release() {
    q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$HOLDER'" >/dev/null
    wait $lp 2>/dev/null
    for _ in $(seq 200); do
        [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name IN ('$HOLDER', '$HELD')")" = 0 ] && break
        sleep 0.05
    done
}
schema
new_register "$ADDR"
if hold "$T/d0.csv"; then
    kill -9 $hp
    wait $hp 2>/dev/null
    release
    [ "$(q "SELECT count(*) FROM certificates")" = 0 ] && [ "$(q "SELECT count(*) FROM counters")" = 0 ] &&
        ok "a render SIGKILLed mid-batch issues nothing" || not_ok "a killed render issued numbers"
    expect_absent "… and leaves no PDF" "$T/h.pdf"
else
    release
    not_ok "the render never reached its numbers"
    sed 's/^/# /' "$T/h.err" | head -n 5
fi

if hold "$T/d1.csv"; then
    q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '$HELD' AND wait_event_type = 'Lock'" >/dev/null
    wait $hp
    rc=$?
    last_err=$T/h.err
    release
    [ $rc -eq 3 ] && ok "a render whose connection is lost mid-batch fails (status 3)" || not_ok "a render lost its connection: status $rc"
    expect_grep "… saying the connection was lost" "$T/h.err" "the connection to the register's server was lost"
    expect_grep "… and that nothing was issued" "$T/h.err" "no number of this batch was issued"
    grep -qF "$ADDR" "$T/h.err" && ok "… naming the register's server" || not_ok "the message does not name the server"
    [ "$(q "SELECT count(*) FROM certificates")" = 0 ] && ok "… and nothing is issued" || not_ok "numbers issued after the connection was lost"
    expect_absent "… nor a PDF left" "$T/h.pdf"
else
    release
    not_ok "the render never reached its numbers"
fi
run_sc "$T/after" render "$T/d1.csv" -i $INST $PHOTOS --register "$ADDR" -o "$T/after.pdf"
expect_status "the same render afterwards" 0
serials "$T/after.pdf" >"$T/after.s"
[ "$(sort -n "$T/after.s" | head -n 1)" = 1 ] && consecutive "$T/after.s" && ok "… gets 1..200: nothing was taken before" ||
    not_ok "serials after a lost connection"

# --- Reports and imports: what SQLite gives ---------------------------------------------------
# The same batches, a void and an import into a SQLite register and a PostgreSQL one: the same
# reports, byte for byte (their contents are checked against the register in test-ledger.sh).
schema
new_register "$ADDR"
new_register "$T/same.db"
IH='证书编号,姓名,证件类型,证件号码,职业名称,工种名称,职业技能等级,发证日期'
printf '%s\n%s\n' "$IH" "${PREFIX}265000007,钱一,居民身份证,11010519491231002X,电工,,五级,2026-11-25" >"$T/n.csv"
for reg in "$T/same.db" "$ADDR"; do
    tag=$(basename "$reg" | cut -c1-4)
    run_sc "$T/s1" render "$T/r.csv" -i $INST $PHOTOS --register "$reg" --date 2026-11-30 -o "$T/s1-$tag.pdf"
    run_sc "$T/s2" void "${PREFIX}264000002" --reason 打印错误 -i $INST --register "$reg"
    run_sc "$T/s3" import "$T/n.csv" -i $INST --register "$reg"
    expect_status "import into $tag" 0
    expect_grep "… one number recorded" "$T/s3.out" "1 number"
    run_sc "$T/s4" report issued -i $INST --register "$reg" -o "$T/issued-$tag.csv"
    expect_status "report issued from $tag" 0
    run_sc "$T/s5" report summary -i $INST --register "$reg" --month 2026-11 -o "$T/summary-$tag.csv"
    expect_status "report summary from $tag" 0
done
pgtag=$(basename "$ADDR" | cut -c1-4)
[ "$(wc -l <"$T/issued-$pgtag.csv")" = 12 ] && cmp -s "$T/issued-same.csv" "$T/issued-$pgtag.csv" &&
    ok "report issued: the same on PostgreSQL as on SQLite (11 certificates)" ||
    { not_ok "report issued differs"; diff "$T/issued-same.csv" "$T/issued-$pgtag.csv" | sed 's/^/# /' | head; }
grep -q 作废 "$T/issued-$pgtag.csv" && ok "… with the void" || not_ok "no void in report issued"
cmp -s "$T/summary-same.csv" "$T/summary-$pgtag.csv" && ok "report summary: the same on PostgreSQL as on SQLite" ||
    { not_ok "report summary differs"; diff "$T/summary-same.csv" "$T/summary-$pgtag.csv" | sed 's/^/# /' | head; }

# --- Never a password in a message -----------------------------------------------------------
run_sc "$T/pw" render "$T/r.csv" -i $INST $PHOTOS --register "postgresql://desk:s3cret@/nowhere?host=$T&password=s3cret" -o "$T/pw.pdf"
expect_status "an unreachable server: refused" 3
expect_grep "… naming the address" "$T/pw.err" "postgresql://desk@/nowhere?host=$T"
grep -q s3cret "$T/pw.err" && not_ok "the password is shown" || ok "… without its password"
# The summary of a render that worked names its register without the password either.
run_sc "$T/pw2" render "$T/r.csv" -i $INST $PHOTOS --register "$ADDR&password=s3cret" -o "$T/pw2.pdf"
expect_status "a render with a password in the address" 0
expect_grep "… its summary names the register" "$T/pw2.out" "register: postgresql://"
cat "$T/pw2.out" "$T/pw2.err" | grep -q s3cret && not_ok "the summary shows the password" || ok "… without its password"

# --- register copy: SQLite → PostgreSQL → SQLite, losslessly ---------------------------------
schema
run_sc "$T/cp1" register copy "$T/same.db" "$ADDR" -i $INST
expect_status "register copy of a SQLite register into PostgreSQL" 0
run_sc "$T/cp1r" report issued -i $INST --register "$ADDR" -o "$T/issued-copy.csv"
cmp -s "$T/issued-same.csv" "$T/issued-copy.csv" && ok "… report issued the same before and after" ||
    not_ok "report issued differs after the copy"
run_sc "$T/cp2" register copy "$ADDR" "$T/back.db" -i $INST
expect_status "… and back into a new SQLite file" 0
python3 - "$T/same.db" "$T/back.db" >"$T/cp.diff" <<'PY'
import sqlite3, sys
a, b = (sqlite3.connect(p) for p in sys.argv[1:3])
bad = 0
for t in ("meta", "certificates", "counters", "corrections", "prints", "stock_ranges", "spoiled"):
    ra, rb = (sorted(map(repr, d.execute("SELECT * FROM " + t))) for d in (a, b))
    if ra != rb:
        print(t, len(ra), len(rb)); bad = 1
if len(list(a.execute("SELECT * FROM prints"))) < 10:
    print("too few prints to compare"); bad = 1
sys.exit(bad)
PY
[ $? = 0 ] && ok "… every row of every table as it was, values and types" || { not_ok "the round trip changed rows"; sed 's/^/# /' "$T/cp.diff"; }
run_sc "$T/cp3" register copy "$T/same.db" "$ADDR" -i $INST
expect_status "a copy over an existing register is refused" 3
printf '姓名,证件号码,职业名称,职业技能等级,照片\n李明,11010519491231002X,电工,四级,440104199003121232.jpg\n' >"$T/new.csv"
run_sc "$T/cp4" render "$T/new.csv" -i $INST $PHOTOS --register "$ADDR" --date 2026-11-30 -o "$T/cp4.pdf"
expect_status "the copy issues on" 0
expect_grep "… from where the original stood (四级: 000005)" "$T/cp4.pdf.numbers.csv" "${PREFIX}264000005"
