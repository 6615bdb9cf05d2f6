#!/bin/sh
# setup.sh - install what skillcert needs to build, run and test on Debian 12.
# Installs only the packages that are missing; safe to run again.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev gettext
libcairo2-dev libpango1.0-dev libglib2.0-dev libfontconfig-dev libfreetype-dev
libqrencode-dev libpng-dev zlib1g-dev libdeflate-dev libjpeg-dev libexif-dev libsqlite3-dev libpq-dev libcsv-dev libcups2-dev libzip-dev
libqpdf-dev qpdf libxlsxwriter-dev icc-profiles-free libssl-dev python3-openpyxl python3-xlsxwriter
fonts-lxgw-wenkai
libzbar-dev libpoppler-glib-dev
postgresql cups-daemon cups-client poppler-utils zbar-tools mupdf-tools imagemagick libimage-exiftool-perl locales valgrind time python3 cppcheck clang-format"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# A decimal-comma locale for the second test run (STYLE.md: numbers must not depend on it).
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO localedef -i de_DE -f UTF-8 de_DE.UTF-8 || echo "setup: could not build de_DE.UTF-8 locale"
fi

# The Chinese locale of the users, for the translated messages (po/zh_CN.po, tests/cli/test-i18n.sh).
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO localedef -i zh_CN -f UTF-8 zh_CN.UTF-8 || echo "setup: could not build zh_CN.UTF-8 locale"
fi
