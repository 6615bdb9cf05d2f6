# skillcert - GNU Makefile.  `make` builds, `make example` renders examples/, `make check` tests.
# Project flags are kept apart from CFLAGS so `make CFLAGS=-O0` cannot drop -Werror.

PKGS      := cairo pango pangocairo pangoft2 freetype2 fontconfig glib-2.0 libqrencode libpng libjpeg sqlite3 libzip libexif libqpdf xlsxwriter libcrypto zlib libdeflate zbar poppler-glib libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libcups2-dev ships no pkg-config file in Debian 12: cups-config gives its flags.
CUPS_CFLAGS := $(shell cups-config --cflags 2>/dev/null)
CUPS_LIBS   := $(shell cups-config --libs 2>/dev/null)

# The version skillcert --version prints and every PDF names as its creator.
VERSION  := 0.9.0

CC       ?= cc
CFLAGS   ?= -O2 -g
SAN      ?=
SC_CFLAGS = -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
            -DSC_DATADIR='"$(DATADIR)"' -DSC_VERSION='"$(VERSION)"' -DSC_LOCALEDIR='"$(LOCALEDIR)"' -Isrc $(PKG_CFLAGS) $(CUPS_CFLAGS) $(SAN)
LDLIBS_SC = $(PKG_LIBS) $(CUPS_LIBS) -lcsv -lm

PREFIX  ?= /usr/local
DESTDIR ?=
DATADIR ?= $(PREFIX)/share/skillcert
LOCALEDIR ?= $(PREFIX)/share/locale
BUILD   ?= build

# Every src/*.c but main.c is a library module; LIB_MODULES restricts the set (for working on
# one module while others are mid-change: make BUILD=build/x LIB_MODULES="error certno" ...).
LIB_MODULES ?= $(filter-out main,$(basename $(notdir $(wildcard src/*.c))))
LIB_OBJS     = $(LIB_MODULES:%=$(BUILD)/obj/%.o)
LIB          = $(BUILD)/libskillcert.a
BIN          = skillcert
UNIT_TESTS   = $(basename $(notdir $(wildcard tests/unit/test-*.c)))
UNIT_BINS    = $(UNIT_TESTS:%=$(BUILD)/tests/%)
FUZZERS      = $(basename $(notdir $(wildcard tests/fuzz/fuzz-*.c)))
# Message catalogues: po/LANG.po → locale/LANG/LC_MESSAGES/skillcert.mo, where cli.c finds them
# in the source tree (installed: $(LOCALEDIR)).  po/README.md: how the catalogue is kept.
LINGUAS      = $(basename $(notdir $(wildcard po/*.po)))
MO_FILES     = $(LINGUAS:%=locale/%/LC_MESSAGES/skillcert.mo)
XGETTEXT     = xgettext --keyword=_ --keyword=N_ --keyword=g_dngettext:2,3 --from-code=UTF-8 \
               --package-name=skillcert --add-comments=TRANSLATORS: --sort-by-file

ifeq ($(V),1)
Q =
else
Q = @
endif

# FORCE: see $(BUILD)/paths.
.PHONY: FORCE all setup example check check-run asan leakcheck fuzz bench lint format format-check install uninstall clean unit \
        pot update-po

all: $(BUILD)/$(BIN) $(BIN) $(MO_FILES)

$(BIN): $(BUILD)/$(BIN)
	$(Q)cp $< $@

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) $(BUILD)/paths | $(BUILD)/obj
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(SC_CFLAGS) $(CFLAGS) -c $< -o $@

# The install paths compiled into the program: rewritten only when they change (make install
# PREFIX=/opt/x after a plain make), so that the objects are rebuilt for them.
$(BUILD)/paths: FORCE | $(BUILD)/obj
	$(Q)echo "$(DATADIR) $(LOCALEDIR) $(VERSION)" >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

FORCE:

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/$(BIN): $(BUILD)/obj/main.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SC_CFLAGS) $(CFLAGS) $^ -o $@ $(LDLIBS_SC)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIB) | $(BUILD)/tests
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(SC_CFLAGS) -Itests/unit $(CFLAGS) $< $(LIB) -o $@ $(LDLIBS_SC)

$(BUILD)/obj $(BUILD)/tests:
	$(Q)mkdir -p $@

unit: $(UNIT_BINS)

# The fault-injection shim of tests/cli/test-faults.sh (LD_PRELOAD): always the normal compiler
# and flags, never the sanitizers (ASan must come first in the preload order).
FAULT_LIB = build/fault/libfault.so
$(FAULT_LIB): tests/fault/fault.c
	@$(if $(Q),echo "  CC      $<")
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -g -Wall -Wextra -Werror -shared -fPIC $< -o $@ -ldl

# msgfmt --check: the format directives of each translation match its English (c-format).
locale/%/LC_MESSAGES/skillcert.mo: po/%.po
	@$(if $(Q),echo "  MSGFMT  $<")
	$(Q)mkdir -p $(dir $@)
	$(Q)msgfmt --check -o $@ $<

# The template of every message in src/, and the translations merged with it (then translate
# what is new or fuzzy in po/LANG.po).
pot:
	$(Q)ls src/*.c src/*.h >po/POTFILES
	$(Q)$(XGETTEXT) -o po/skillcert.pot --files-from=po/POTFILES

update-po: pot
	$(Q)for l in $(LINGUAS); do msgmerge --quiet --update --backup=none po/$$l.po po/skillcert.pot; done

# Install whatever is missing on a Debian machine (build libraries, fonts, test tools).
setup:
	$(Q)sh scripts/setup.sh

# README's first command: render the bundled example.
example: setup
	$(Q)$(MAKE) --no-print-directory all
	$(Q)mkdir -p out
	$(Q)test -f out/register.db || ./skillcert register init -i examples/institution.ini \
	    --register out/register.db
	./skillcert render examples/records.csv -t templates/national.ini -i examples/institution.ini \
	    --photos examples/photos --register out/register.db -o out/certificates.pdf
	./skillcert preview examples/records.csv -t templates/national.ini -i examples/institution.ini \
	    --photos examples/photos --register out/register.db -o out/preview.png

# README's second command: the whole suite, then again under ASan + UBSan in a decimal-comma
# locale (STYLE.md).  Ends with `N passed, N failed`.
check: setup
	$(Q)$(MAKE) --no-print-directory check-run

check-run: format-check all unit $(FAULT_LIB)
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    build/asan/skillcert unit
	$(Q)sh tests/run.sh build build/asan

asan:
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g" \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    build/asan/skillcert unit
	$(Q)SC_ONLY_SAN=1 sh tests/run.sh build/asan build/asan

leakcheck: all unit $(FAULT_LIB)
	$(Q)SC_VALGRIND=1 sh tests/run.sh build build

fuzz:
	$(Q)sh tests/fuzz/run.sh $(or $(FUZZ_SECONDS),20) $(FUZZERS)

bench: all
	$(Q)sh tests/bench/run.sh

# cppcheck knows GLib through its gtk library file; the few declaration macros it does not
# know are defined away.
lint:
	$(Q)cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
	    --library=gtk --suppress=missingIncludeSystem "-DG_GNUC_PRINTF(a,b)=" \
	    "-DG_DEFINE_QUARK(a,b)=" "-DG_DEFINE_AUTOPTR_CLEANUP_FUNC(a,b)=" \
	    -Isrc -Itests/unit src tests/unit tests/fuzz

FORMATTED = src/*.c src/*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/fault/*.c

format:
	$(Q)clang-format -i $(FORMATTED)

# make check fails when clang-format would change a file: run make format, then commit.
format-check:
	$(Q)clang-format --dry-run --Werror $(FORMATTED) || \
	    { echo "clang-format would change the files above: run make format" >&2; exit 1; }

# What `make install` puts under $(DATADIR) besides the templates: the font folder's README (a
# licensed font a user adds there is theirs) and the example batch of README's first command.
EXAMPLES     = examples/institution.ini examples/records.csv examples/seal.png
EXAMPLE_PHOTOS = $(wildcard examples/photos/*)
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/fonts \
	    $(DESTDIR)$(DATADIR)/examples/photos $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/$(BIN)
	install -m 644 doc/skillcert.1 $(DESTDIR)$(PREFIX)/share/man/man1/skillcert.1
	install -m 644 templates/*.ini $(DESTDIR)$(DATADIR)/templates/
	install -m 644 fonts/README.md $(DESTDIR)$(DATADIR)/fonts/
	install -m 644 $(EXAMPLES) $(DESTDIR)$(DATADIR)/examples/
	install -m 644 $(EXAMPLE_PHOTOS) $(DESTDIR)$(DATADIR)/examples/photos/
	install -m 644 doc/skillcert.bash-completion $(DESTDIR)$(COMPLETIONDIR)/skillcert
	for l in $(LINGUAS); do \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	    install -m 644 locale/$$l/LC_MESSAGES/skillcert.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/ || exit 1; \
	done

# Only what install installed, by name: a licensed font a user put into fonts/ (README), or a
# register kept beside the examples, stays, and so does its folder.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/$(BIN) $(DESTDIR)$(PREFIX)/share/man/man1/skillcert.1
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/,$(wildcard templates/*.ini) fonts/README.md \
	    $(EXAMPLES) $(EXAMPLE_PHOTOS))
	rm -f $(DESTDIR)$(COMPLETIONDIR)/skillcert
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/skillcert.mo; done
	-rmdir $(DESTDIR)$(DATADIR)/examples/photos $(DESTDIR)$(DATADIR)/examples \
	    $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build $(BIN) out locale
