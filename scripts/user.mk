# SPDX-License-Identifier: GPL-2.0
#
# The user's entry points (the top-level Makefile includes this outside
# kbuild). Everything lives in ${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/.

SHELL := /bin/bash
S := scripts

# KERNEL=6.12 selects the LTS kernel for every target; 7.3 is the default.
ifdef KERNEL
export KERNEL
endif

CMD ?= true
TIMEOUT ?= 600
VMFLAGS := --timeout $(TIMEOUT) $(if $(OVERLAY),--overlay $(OVERLAY)) \
	   $(if $(filter 1,$(ICOUNT)),--icount)

.PHONY: help kernel run demo demo-container test bench vm-run lint series clean distclean

help:
	@echo "make run      build what is missing, boot into a shell (the demo without a terminal)"
	@echo "make test     build, boot, run KUnit, the kselftests and seccomp_bpf: 'N passed, N failed'"
	@echo "make demo     replay the classic session in the VM"
	@echo "make demo-container  crun runs containers on cgroup v2; deny and allow mkdir while one runs,"
	@echo "             then block socket(AF_ALG) in two running containers at once and lift it in one"
	@echo "make bench    the benchmark under -icount (BASELINE=1 adds a kernel without the controller)"
	@echo "make vm-run CMD='<shell command>' [OVERLAY=<dir>] [ICOUNT=1] [TIMEOUT=<s>]"
	@echo "make kernel   just build the test kernel and the initramfs"
	@echo "make lint     clippy and rustfmt on the controller, checkpatch on patches/"
	@echo "make series [OUTDIR=<dir>]  the git format-patch series for upstream (~/.cache/syscalls-cgroup/series/)"
	@echo "make clean    drop the build directories; distclean also the kernel tree"

kernel:
	@$(S)/kernel.sh

run: kernel
	@if [ -t 0 ]; then $(S)/vm-run.sh --interactive; \
	else $(S)/vm-run.sh --timeout $(TIMEOUT) /selftests/demo.sh; fi

demo: kernel
	@$(S)/vm-run.sh --timeout $(TIMEOUT) /selftests/demo.sh

demo-container: kernel
	@overlay=$$(mktemp -d) && trap 'rm -rf "$$overlay"' EXIT && \
	$(S)/container.sh "$$overlay" >/dev/null && \
	$(S)/vm-run.sh --timeout $(TIMEOUT) --overlay "$$overlay" \
		'sh /overlay/test_container.sh --demo'

vm-run: kernel
	@$(S)/vm-run.sh $(VMFLAGS) -- '$(subst ','\'',$(CMD))'

test:
	@$(S)/test.sh

bench:
	@$(S)/bench.sh $(if $(filter 1,$(BASELINE)),--baseline)

lint:
	@$(S)/lint.sh

series:
	@$(S)/series.sh $(OUTDIR)

# clean waits for a build in progress (scripts/lib.sh, cache_lock); it
# drops both kernels' build directories and initramfs.
clean:
	c=$${XDG_CACHE_HOME:-$$HOME/.cache}/syscalls-cgroup; mkdir -p "$$c" && \
	flock "$$c/build.lock" rm -rf "$$c"/*/build-* "$$c"/*/initramfs*

distclean: clean
	rm -rf $${XDG_CACHE_HOME:-$$HOME/.cache}/syscalls-cgroup
