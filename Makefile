# SPDX-License-Identifier: GPL-2.0
#
# make            build the module (against KDIR), the library, the tools, the
#                 examples and the tests
# make examples   the example programs (examples/), into build/examples/
# make check      boot kernels under QEMU and run every test tier (installs what it needs)
# make run        the main job: a guest with the module, a three-node corosync and
#                 pacemaker cluster, clusnotifyd and a live watcher (DEMO=feed:
#                 scripted events instead, in seconds)
# make install    modules_install + depmod, the uapi header, the udev rule, library and tools
# make dkms-install  register the module source with DKMS
# make deb        Debian packages in build/deb/ (clusnotify-dkms, libclusnotify1,
#                 libclusnotify-dev, clusnotify-tools), checked with lintian
# make bench      the benchmark, in a guest (BENCH_ARGS=--debug-kernel)
# make fuzz       the fuzz tier alone on the debug kernel, DURATION seconds of
#                 cnfuzz (default 600; FUZZ_SEED=, FUZZ_PROCS=, TRINITY_DURATION=)
# make coverage   the line and branch coverage of kernel/ (table and HTML in
#                 build/debug/coverage/) from the counters make check collected
#                 last; with none, runs the debug kernel's tiers first

# Kbuild refuses a directory whose path has a space ("building multiple
# external modules is not supported"), and make's word lists split it. From
# such a checkout every goal runs again in a space-free alias of it, a bind
# mount that tests/vm/alias.sh makes once (as root) under /var/cache/clusnotify.
ifneq ($(word 2,$(CURDIR)),)
CN_ALIAS := $(shell tests/vm/alias.sh)
ifeq ($(CN_ALIAS),)
$(error this checkout's path has a space, and no alias of it could be made (see above))
endif
.PHONY: $(or $(MAKECMDGOALS),all) cn-alias
$(or $(MAKECMDGOALS),all): cn-alias ; @:
cn-alias:
	@echo "make: the path has a space; running in its alias $(CN_ALIAS)"
	@$(MAKE) --no-print-directory -C $(CN_ALIAS) $(MAKECMDGOALS)
else

PREFIX ?= /usr/local
DESTDIR ?=
# The kernel to build against: the running one if its headers are installed,
# else the newest kernel that has headers here (Debian's linux-headers-amd64).
KVER ?= $(shell v=$$(uname -r); if [ -d /lib/modules/$$v/build ]; then echo $$v; \
	else ls -1 /lib/modules 2>/dev/null | while read k; do [ -d /lib/modules/$$k/build ] && echo $$k; done | sort -V | tail -n1; fi)
KDIR ?= /lib/modules/$(KVER)/build
MODULE_VERSION := 0.1.0
# What an out-of-tree module that uses the in-kernel API builds against.
KAPIDIR ?= $(PREFIX)/src/clusnotify

ifeq ($(V),1)
Q :=
else
Q := @
MAKEFLAGS += --no-print-directory
endif

export KDIR KVER PREFIX DESTDIR V

.PHONY: all module module-debug lib tools examples tests check run bench fuzz coverage install dkms-install deb clean deps

all: module lib tools examples tests

# Debian's headers carry no vmlinux to generate BTF from: do not try.
module:
	$(Q)[ -f "$(KDIR)/Makefile" ] || { echo "make: no kernel headers at $(KDIR): apt-get install linux-headers-amd64 (or make deps), or set KDIR=" >&2; exit 1; }
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_DEBUG_INFO_BTF_MODULES= modules

# The module and the test modules for the debug kernel (tests/vm/debug-kernel.sh
# builds it once and caches it). Kbuild writes objects next to the sources, so
# this builds from a copy in build/debug, leaving the stock build alone.
# The module gets gcov counters (CLUSNOTIFY_GCOV, kernel/Kbuild) for make
# coverage; the .gcno files beside its objects must survive the copy.
module-debug:
	$(Q)d=$$(tests/vm/debug-kernel.sh) && mkdir -p build/debug && \
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude='*.gcno' --exclude=build Kbuild kernel uapi tests build/debug/ && \
	$(MAKE) -C $$d M=$(CURDIR)/build/debug CLUSNOTIFY_GCOV=1 modules

lib:
	$(Q)$(MAKE) -C lib

tools: lib
	$(Q)$(MAKE) -C tools

examples: lib
	$(Q)$(MAKE) -C examples

tests: lib tools
	$(Q)$(MAKE) -C tests/selftests
	$(Q)$(MAKE) -C tests/hostile
	$(Q)$(MAKE) -C tests/kapi
	$(Q)$(MAKE) -C tests/lib
	$(Q)$(MAKE) -C tests/e2e
	$(Q)$(MAKE) -C tests/port
	$(Q)$(MAKE) -C tests/fault
	$(Q)$(MAKE) -C tests/bench
	$(Q)$(MAKE) -C tests/fuzz

deps:
	$(Q)tests/vm/deps.sh

check: deps
	$(Q)$(MAKE) all module-debug deb
	$(Q)tests/vm/check.sh

# The benchmark, in a guest; BENCH_ARGS=--debug-kernel for the debug kernel.
bench: deps
	$(Q)$(MAKE) all
	$(Q)tests/bench/bench.sh $(BENCH_ARGS)

# The fuzz tier alone, on the debug kernel (KASAN, lockdep, UBSAN, kmemleak):
# a splat or an invariant violation fails it. The guest's and the tier's
# timeouts leave room for the workers to stop and for trinity.
DURATION ?= 600
fuzz: deps
	$(Q)$(MAKE) all module-debug
	$(Q)d=$$(tests/vm/debug-kernel.sh) && \
	FUZZ_DURATION=$(DURATION) TIER_TIMEOUT=$$(($(DURATION) + 900)) VM_TIMEOUT=$$(($(DURATION) + 1800)) \
	TIERS=tests/fuzz CHECK_RIG=0 KERNEL=$$d/arch/x86/boot/bzImage \
	CLUSNOTIFY_KO=$(CURDIR)/build/debug/kernel/clusnotify.ko tests/vm/check.sh

# The coverage report of kernel/ (tests/coverage/coverage.sh) from the gcov
# counters the debug-kernel guests of the last make check (or make fuzz, or
# make coverage) handed back; with none yet, the debug half of make check
# runs first (CHECK_STOCK=0: not the stock kernel), and prints it itself.
coverage: deps
	$(Q)if ls build/debug/coverage/runs/*.json >/dev/null 2>&1; then \
		tests/coverage/coverage.sh report; \
	else \
		echo "make: no coverage counters yet: running the debug kernel's tiers"; \
		$(MAKE) all module-debug && CHECK_STOCK=0 CHECK_RIG=0 tests/vm/check.sh; \
	fi

run: deps
	$(Q)$(MAKE) all
	$(Q)tests/vm/run-demo.sh

install: all
	@# modules_install takes what modules.order lists: the module, not the tests'.
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) CLUSNOTIFY_NO_TESTS=1 \
		CONFIG_DEBUG_INFO_BTF_MODULES= modules
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		CLUSNOTIFY_NO_TESTS=1 CONFIG_MODULE_SIG_ALL= modules_install
	$(Q)[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(Q)install -D -m 0644 uapi/linux/clusnotify.h $(DESTDIR)$(PREFIX)/include/linux/clusnotify.h
	$(Q)install -D -m 0644 kernel/99-clusnotify.rules $(DESTDIR)/etc/udev/rules.d/99-clusnotify.rules
	$(Q)install -D -m 0644 kernel/clusnotify.h $(DESTDIR)$(KAPIDIR)/include/clusnotify.h
	$(Q)install -D -m 0644 uapi/linux/clusnotify.h $(DESTDIR)$(KAPIDIR)/include/uapi/linux/clusnotify.h
	$(Q)install -D -m 0644 Module.symvers $(DESTDIR)$(KAPIDIR)/Module.symvers
	$(Q)$(MAKE) -C lib install
	$(Q)$(MAKE) -C tools install

dkms-install:
	$(Q)install -d $(DESTDIR)/usr/src/clusnotify-$(MODULE_VERSION)
	$(Q)cp -r Kbuild kernel uapi $(DESTDIR)/usr/src/clusnotify-$(MODULE_VERSION)/
	$(Q)sed 's/#MODULE_VERSION#/$(MODULE_VERSION)/' dkms.conf >$(DESTDIR)/usr/src/clusnotify-$(MODULE_VERSION)/dkms.conf
	$(Q)[ -n "$(DESTDIR)" ] || { dkms add -m clusnotify -v $(MODULE_VERSION) && \
		dkms build -m clusnotify -v $(MODULE_VERSION) -k $(KVER) && \
		dkms install -m clusnotify -v $(MODULE_VERSION) -k $(KVER); }

# The packages, built by dpkg-buildpackage from a copy of the tracked files
# (as they are in the working tree) in build/deb/src, so that the checkout
# stays clean; the version is MODULE_VERSION, which debian/changelog must
# match. tests/pkg installs them in a guest.
deb: deps
	$(Q)v=$$(dpkg-parsechangelog -S Version | sed 's/-[^-]*$$//'); \
	[ "$$v" = "$(MODULE_VERSION)" ] || { echo "make: debian/changelog says $$v, the Makefile's MODULE_VERSION $(MODULE_VERSION): add an entry (dch -v $(MODULE_VERSION)-1)" >&2; exit 1; }
	@echo "  DEB     build/deb (dpkg-buildpackage, about a minute; log in build/deb/build.log)"
	$(Q)rm -rf build/deb && mkdir -p build/deb/src
	$(Q)if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git ls-files -z | rsync -a --from0 --files-from=- ./ build/deb/src/; \
	else \
		rsync -a --exclude=build --exclude='*.o' --exclude='*.os' --exclude='*.ko' \
			--exclude='.*.cmd' --exclude='*.mod*' ./ build/deb/src/; \
	fi
	$(Q)cd build/deb/src && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -n 30 ../build.log >&2; echo "make: dpkg-buildpackage failed; the whole log is build/deb/build.log" >&2; exit 1; }
	$(Q)cd build/deb && lintian --fail-on error *.changes >lintian.log 2>&1; rc=$$?; \
		grep -v 'running with root privileges' lintian.log; [ $$rc = 0 ] || { echo "make: lintian found errors (build/deb/lintian.log)" >&2; exit 1; }
	$(Q)cd build/deb && ls -1 *.deb

clean:
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(Q)$(MAKE) -C lib clean
	$(Q)$(MAKE) -C tools clean
	$(Q)$(MAKE) -C examples clean
	$(Q)$(MAKE) -C tests/selftests clean
	$(Q)$(MAKE) -C tests/lib clean
	$(Q)$(MAKE) -C tests/kapi clean
	$(Q)$(MAKE) -C tests/hostile clean
	$(Q)$(MAKE) -C tests/e2e clean
	$(Q)$(MAKE) -C tests/port clean
	$(Q)$(MAKE) -C tests/fuzz clean
	$(Q)rm -rf build/deb

endif # the path has no space
