#!/bin/sh
# test-i18n.sh - messages in the user's language: Chinese (zh_CN) for certificate officers, English
# in C.UTF-8; the "FILE:ROW: FIELD:" prefixes the same in both; po/zh_CN.po complete, checked by
# msgfmt, and with no entry whose message the sources no longer have.
. "$SC_TOP/tests/cli/lib.sh"

unset LANGUAGE # it would outrank LC_ALL in choosing the catalogue
D=tests/data/check
INST=examples/institution.ini
ZH=zh_CN.UTF-8


if LC_ALL=$ZH locale 2>&1 | grep -q 'Cannot set'; then
    not_ok "the $ZH locale is missing (make setup builds it with localedef)"
    exit 0
fi

# run_in LOCALE OUT_PREFIX ARGS...: run_sc with LC_ALL=LOCALE.
run_in() {
    loc=$1; shift
    p=$1; shift
    LC_ALL=$loc "$SKILLCERT" "$@" >"$p.out" 2>"$p.err"
    rc=$?
    last_err=$p.err
}

# The prefixes "FILE:ROW: FIELD:" of a check's output, one a line.
prefixes() {
    sed -n "s|^\($D/[^:]*:[0-9]*: [^:]*:\) .*|\1|p" "$1"
}

# --- Chinese --------------------------------------------------------------------------------
run_in $ZH "$T/zh" check $D/twenty.csv -i $INST --photos examples/photos
expect_status "zh_CN: check of the twenty-problem file exits 1" 1
expect_grep "zh_CN: the check-digit line says 校验码" "$T/zh.out" "$D/twenty.csv:2 (张一): 证件号码: 校验码为 1"
expect_grep "zh_CN: the birth-date line says 出生日期" "$T/zh.out" "$D/twenty.csv:3 (张二): 证件号码: 出生日期 20250230"
expect_grep "zh_CN: says what to do" "$T/zh.out" "请核对后重新填写"
expect_grep "zh_CN: a level that is not one" "$T/zh.out" "$D/twenty.csv:5 (张四): 职业技能等级: “六级”不是职业技能等级"
expect_grep "zh_CN: a number from another institution" "$T/zh.out" "$D/twenty.csv:16 (张五甲): 证书编号: 第 1–13 位为"
last=$(tail -n 1 "$T/zh.out")
[ "$last" = "共检查 20 条记录，发现 20 个问题" ] && ok "zh_CN: the count line is Chinese" ||
    not_ok "zh_CN: the count line is '$last'"
[ "$(grep -c "^$D/twenty.csv:" "$T/zh.out")" = 20 ] && ok "zh_CN: twenty problem lines" ||
    not_ok "zh_CN: $(grep -c "^$D/twenty.csv:" "$T/zh.out") problem lines, want 20"
# No English sentence left (three lower-case words in a row).
english=$(grep "^$D/twenty.csv:" "$T/zh.out" |
          grep -E '[a-z]+ [a-z]+ [a-z]+' || true)
[ -z "$english" ] && ok "zh_CN: no English left in the problem lines" ||
    { not_ok "zh_CN: English left in the problem lines"; echo "$english" | sed 's/^/# /'; }

# The usage, the options' help and a usage error.
run_in $ZH "$T/zh-help" --help
expect_status "zh_CN: skillcert --help exits 0" 0
expect_grep "zh_CN: the usage is Chinese" "$T/zh-help.out" "用法：skillcert 命令 [选项]"
expect_grep "zh_CN: the exit statuses are Chinese" "$T/zh-help.out" "退出状态：0 完成，1 输入有误"
run_in $ZH "$T/zh-ohelp" check --help
expect_status "zh_CN: skillcert check --help exits 0" 0
expect_grep "zh_CN: the command's summary is Chinese" "$T/zh-ohelp.out" "列出名单文件中的全部问题"
expect_grep "zh_CN: the options are Chinese" "$T/zh-ohelp.out" "--template=模板"
run_in $ZH "$T/zh-bad" bogus
expect_status "zh_CN: an unknown command exits 2" 2
expect_grep "zh_CN: … and says so in Chinese" "$T/zh-bad.err" "skillcert: “bogus”不是命令"

# A render in Chinese (the fonts are found by their English names in any locale).
new_register "$T/reg.db" "$INST"
run_in $ZH "$T/zh-r" render examples/records.csv -i $INST --photos examples/photos \
    --register "$T/reg.db" -o "$T/zh.pdf"
expect_status "zh_CN: render of the example exits 0" 0
expect_grep "zh_CN: … and reports in Chinese" "$T/zh-r.out" "张证书 → $T/zh.pdf"

# --- English, the same run --------------------------------------------------------------------
run_in C.UTF-8 "$T/en" check $D/twenty.csv -i $INST --photos examples/photos
expect_status "C.UTF-8: check of the twenty-problem file exits 1" 1
expect_grep "C.UTF-8: the check-digit line is English" "$T/en.out" "$D/twenty.csv:2 (张一): 证件号码: check digit is 1, expected 3"
last=$(tail -n 1 "$T/en.out")
[ "$last" = "20 problems found in 20 records" ] && ok "C.UTF-8: the count line is English" ||
    not_ok "C.UTF-8: the count line is '$last'"
chinese=$(grep "^$D/twenty.csv:" "$T/en.out" | grep -E '，|；|请' || true)
[ -z "$chinese" ] && ok "C.UTF-8: no Chinese message text" ||
    { not_ok "C.UTF-8: Chinese message text"; echo "$chinese" | sed 's/^/# /'; }
prefixes "$T/zh.out" >"$T/zh.prefixes"
prefixes "$T/en.out" >"$T/en.prefixes"
if [ -s "$T/en.prefixes" ] && cmp -s "$T/zh.prefixes" "$T/en.prefixes"; then
    ok "FILE:ROW: FIELD: prefixes are the same in both languages"
else
    not_ok "FILE:ROW: FIELD: prefixes differ"
    diff "$T/en.prefixes" "$T/zh.prefixes" | sed 's/^/# /' | head -n 20
fi
run_in C.UTF-8 "$T/en-help" --help
expect_grep "C.UTF-8: the usage is English" "$T/en-help.out" "usage: skillcert COMMAND [OPTIONS]"

# --- The catalogue ----------------------------------------------------------------------------
check "po/zh_CN.po passes msgfmt --check" msgfmt --check -o /dev/null po/zh_CN.po
# msgattrib prints the header too, once there is any entry to print.
entries() { n=$(msgattrib "$@" | grep -c '^msgid ' || true); echo $((n > 0 ? n - 1 : 0)); }
n=$(entries --untranslated po/zh_CN.po)
[ "$n" = 0 ] && ok "po/zh_CN.po has no untranslated entry" || not_ok "po/zh_CN.po: $n untranslated"
n=$(entries --only-fuzzy --no-obsolete po/zh_CN.po)
[ "$n" = 0 ] && ok "po/zh_CN.po has no fuzzy entry" || not_ok "po/zh_CN.po: $n fuzzy"
ls src/*.c src/*.h >"$T/POTFILES"
cmp -s "$T/POTFILES" po/POTFILES && ok "po/POTFILES lists the sources" ||
    not_ok "po/POTFILES does not list src/*.c and src/*.h (make pot)"

# The template, made from the sources now as `make pot` makes it (keep in step with XGETTEXT
# in the Makefile), so a message changed in the code shows here before anyone runs make pot.
xgettext --keyword=_ --keyword=N_ --keyword=g_dngettext:2,3 --from-code=UTF-8 \
    --package-name=skillcert --add-comments=TRANSLATORS: --sort-by-file \
    -o "$T/skillcert.pot" --files-from="$T/POTFILES"
check "every message of the sources is translated (msgcmp)" msgcmp po/zh_CN.po "$T/skillcert.pot"

# Stale entries: those msgmerge makes obsolete.  One marked "# pending: FILE" is a translation
# waiting for FILE's _() wrapping; it is named here but does not fail.
msgmerge --quiet --no-fuzzy-matching po/zh_CN.po "$T/skillcert.pot" -o "$T/merged.po"
msgattrib --only-obsolete "$T/merged.po" | awk -v RS= '
    /#~ msgid/ && !/# pending: / { print "stale"; print > "/dev/stderr" }
    /#~ msgid/ && /# pending: / { print "pending" }' >"$T/stale" 2>"$T/stale.entries"
stale=$(grep -c '^stale' "$T/stale" || true)
pending=$(grep -c '^pending' "$T/stale" || true)
[ "$stale" = 0 ] && ok "po/zh_CN.po has no stale entry" ||
    { not_ok "po/zh_CN.po has $stale stale entries"; sed 's/^/# /' "$T/stale.entries" | head -n 20; }
[ "$pending" = 0 ] || echo "# $pending translations wait for _() in $(grep -h '^# pending: ' po/zh_CN.po | sort -u | sed 's/^# pending: //' | tr '\n' ' ')"
