# Courtwatch build. A newcomer needs two commands:
#
#   make run     build the desktop app and open it (ARGS="..." passes arguments)
#   make test    vet, build with the real GLFW driver, and run every test
#
# Both first install what is missing on Debian/Ubuntu (see deps). Other targets:
# build, package, fuzz, bench, bench-all, soak, torture, audit, windows,
# test-windows, fmt, clean.
#
# GOCACHE stays at Go's default, so a warm rebuild takes seconds; a cold one
# takes minutes, almost all of it compiling github.com/go-gl/gl.

GO        ?= go
# The minimum Go is go.mod's go line (minio-go and golang.org/x/crypto need it).
GO_MIN    := $(shell sed -n 's/^go \([0-9.]*\)$$/\1/p' go.mod)
FUZZTIME  ?= 60s
BENCHTIME ?= 1s
ARGS      ?=

# Never change go.mod or go.sum as a side effect of building or testing.
export GOFLAGS := $(strip $(GOFLAGS) -mod=readonly)

# Fyne's GLFW driver needs cgo, a C compiler and the X11/OpenGL headers.
DEB_PACKAGES := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# The stock tools HQ can always fall back on; a test proves they open our
# bundles (age -d | zstd -d | tar x, minisign -V), and the window's place is
# checked on the real app in a virtual display (Xvfb, xdotool). Under make test
# (COURTWATCH_REQUIRE_TOOLS=1) a test whose tool is missing fails.
TEST_PACKAGES := age minisign zstd tar poppler-utils xvfb xauth xdotool
# make screenshots runs the app in a virtual display and drives it.
SHOT_PACKAGES := xvfb xauth xdotool imagemagick

# FyneApp.toml is the single source of the app's metadata.
VERSION  := $(shell sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS  := -X main.version=$(VERSION)
# no_animations: Fyne's blinking text cursor otherwise redraws the window
# about 60 times a second while a field has the focus (about 20 % of a core
# under software rendering, with nothing changing; tools/measure/run.sh).
# no_emoji: Fyne's 4 MB colour emoji font is parsed once per text style
# (regular, bold, monospace), about 10 MB of heap; emoji in notes are kept
# exactly and drawn with a system font if there is one.
BUILD_TAGS := no_animations,no_emoji

FYNE_TOOLS_VERSION := v1.7.4
FYNE := bin/tools/fyne-$(FYNE_TOOLS_VERSION)/fyne
# The S3 tests run against a real server, versitygw (Apache-2.0); the
# tests find it through COURTWATCH_VERSITYGW and fail if it is missing.
VERSITYGW_VERSION := v1.8.0
VERSITYGW := bin/tools/versitygw-$(VERSITYGW_VERSION)/versitygw

.DEFAULT_GOAL := build
.PHONY: deps run build test package fuzz bench bench-all soak torture screenshots fmt clean

# deps installs the missing system packages (with sudo unless root) and checks
# that Go is new enough. On a machine that has everything it only reads dpkg's
# database and never touches apt.
deps:
	@if ! command -v dpkg >/dev/null 2>&1; then \
		echo "make: not Debian/Ubuntu, so not checking system packages; Fyne needs a C compiler, pkg-config and the X11/OpenGL development headers (Debian names: $(strip $(DEB_PACKAGES)))" >&2; \
	else \
		missing=""; \
		for p in $(DEB_PACKAGES) $(if $(filter test,$(MAKECMDGOALS)),$(TEST_PACKAGES)) $(if $(filter screenshots,$(MAKECMDGOALS)),$(SHOT_PACKAGES)); do \
			dpkg -s $$p 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
		done; \
		if [ -n "$$missing" ]; then \
			sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
			echo "make: installing missing system packages:$$missing"; \
			$$sudo apt-get update -qq && \
			$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing || \
			{ echo "make: could not install$$missing; install them by hand: sudo apt-get install$$missing" >&2; exit 1; }; \
		fi; \
	fi
	@if ! command -v $(GO) >/dev/null 2>&1; then \
		echo "make: go not found. Install Go $(GO_MIN) or newer from https://go.dev/dl/ and put it on PATH, e.g. export PATH=\$$PATH:/usr/local/go/bin" >&2; \
		exit 1; \
	fi; \
	v=$$($(GO) env GOVERSION); v=$${v#go}; \
	if [ "$$(printf '%s\n' $(GO_MIN) "$$v" | sort -V | head -n 1)" != "$(GO_MIN)" ]; then \
		echo "make: Go $(GO_MIN) or newer is needed (go.mod asks for it: minio-go and golang.org/x/crypto need it); found go$$v. Install a newer Go from https://go.dev/dl/" >&2; \
		exit 1; \
	fi

run: deps
	$(GO) build -tags '$(BUILD_TAGS)' -ldflags '$(LDFLAGS)' -o bin/courtwatch ./cmd/courtwatch
	./bin/courtwatch $(ARGS)

build: deps
	$(GO) build -tags '$(BUILD_TAGS)' -ldflags '$(LDFLAGS)' -o bin/ ./cmd/...

# The headless tests use Fyne's test driver (-tags ci), so the real GLFW build
# is compiled and linked separately: that is where missing C libraries show.
test: deps audit $(VERSITYGW)
	$(GO) vet -tags ci ./...
	$(GO) build ./...
	COURTWATCH_REQUIRE_TOOLS=1 COURTWATCH_VERSITYGW=$(CURDIR)/$(VERSITYGW) $(GO) test -race -tags ci -timeout 25m ./...

# package builds an installable Linux archive from FyneApp.toml. The fyne tool
# raises Build in FyneApp.toml after every run; we put the file back, so the
# build number changes only when a person releases.
package: deps $(FYNE)
	$(GO) build -tags '$(BUILD_TAGS)' -ldflags '$(LDFLAGS)' -o bin/courtwatch ./cmd/courtwatch
	@mkdir -p dist && cp FyneApp.toml dist/.FyneApp.toml.orig
	@$(FYNE) package -os linux -executable bin/courtwatch; rc=$$?; \
		cp dist/.FyneApp.toml.orig FyneApp.toml && rm dist/.FyneApp.toml.orig; \
		exit $$rc
	mv Courtwatch.tar.xz dist/Courtwatch-$(VERSION)-linux.tar.xz
	@tar -tJf dist/Courtwatch-$(VERSION)-linux.tar.xz | grep -q '/bin/courtwatch$$' || \
		{ echo "make: dist/Courtwatch-$(VERSION)-linux.tar.xz has no bin/courtwatch" >&2; exit 1; }
	@echo "packaged dist/Courtwatch-$(VERSION)-linux.tar.xz (install: tar -xJf it, then sudo make -C courtwatch install)"

$(FYNE):
	GOBIN=$(CURDIR)/$(dir $(FYNE)) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)

$(VERSITYGW):
	GOBIN=$(CURDIR)/$(dir $(VERSITYGW)) $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)

# fuzz runs every Fuzz* target for FUZZTIME each; go test -fuzz takes one
# package and one target at a time.
fuzz: deps
	@pkgs=$$($(GO) list -tags ci -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...) || exit 1; \
	failed=""; found=0; \
	for pkg in $$pkgs; do \
		targets=$$($(GO) test -tags ci -list '^Fuzz' $$pkg) || exit 1; \
		for f in $$(echo "$$targets" | grep '^Fuzz'); do \
			found=$$((found + 1)); \
			echo "== fuzz $$pkg $$f for $(FUZZTIME)"; \
			$(GO) test -tags ci -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) $$pkg || failed="$$failed $$pkg.$$f"; \
		done; \
	done; \
	echo "fuzz: ran $$found targets"; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed (a new failing input is saved under the package's testdata/fuzz)" >&2; exit 1; fi

# screenshots writes docs/screenshots/*.png: the real app under Xvfb on a
# demo vault, driven with the keyboard (tools/screenshots/run.sh).
screenshots: deps
	tools/screenshots/run.sh docs/screenshots

# bench runs the benchmark suite (tools/benchreport) and writes
# bench/results.md: every figure of issue 13 at two or more sizes, with its
# baseline from the same run, the ratio and the goal; bench/raw.txt keeps
# the go test output for benchstat, written after each go test run. A run
# cut short is finished with BENCHFLAGS="-only PATTERN -reuse raw.txt".
# bench-all runs every benchmark once.
BENCHFLAGS ?=
bench: deps $(VERSITYGW)
	COURTWATCH_VERSITYGW=$(CURDIR)/$(VERSITYGW) $(GO) run ./tools/benchreport -out bench/results.md -raw bench/raw.txt $(BENCHFLAGS)

bench-all: deps $(VERSITYGW)
	COURTWATCH_VERSITYGW=$(CURDIR)/$(VERSITYGW) $(GO) test -tags ci -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...

# Soak tests are named TestSoak* and skip unless COURTWATCH_SOAK=1.
soak: deps
	COURTWATCH_SOAK=1 $(GO) test -tags ci -run Soak -timeout 60m ./...

# windows cross-compiles both programs for Windows (amd64, cgo, Debian's
# mingw-w64) into dist/Courtwatch-$(VERSION)-windows-amd64.zip with the
# licence files and HOW-TO-START.txt (tools/windows/package.sh).
# test-windows runs the headless tests of storage, sync, report and cmd as
# .exe files under Debian's wine64 (tools/windows/test.sh).
.PHONY: windows test-windows
windows: deps
	tools/windows/package.sh $(VERSION)

test-windows: deps
	tools/windows/test.sh

# audit fails when THIRD_PARTY.md is out of date or a module linked into
# the programs has a licence that does not allow distribution with
# Apache-2.0 (GPL, AGPL, SSPL, or a text tools/licenses does not know).
.PHONY: audit
audit:
	$(GO) run ./tools/licenses -check

# torture kills every command that writes at random moments (a 100,000-line
# note import among them), fills a small tmpfs (as root), scans for plaintext
# and prints the result table; make test runs its short form (torture/).
torture: deps
	COURTWATCH_TORTURE=1 $(GO) test -tags ci -run 'TestTorture$$|TestStagingCrash$$|TestUpdateLargeNotes$$' -v -timeout 120m ./torture/ ./storage/
	COURTWATCH_TORTURE=1 $(GO) test -tags ci -run '^TestReceiverAbuse$$' -v -timeout 30m ./sync/hq/receiver/ | grep -E '^(torture:|--- |ok|FAIL)'

fmt:
	$(GO) fmt ./...

clean:
	rm -rf bin dist tmp-pkg Courtwatch.tar.xz
