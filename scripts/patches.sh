#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# For developers: regenerates every patch of patches/ from the edited kernel
# tree (see mkpatch.sh). The list of files and the messages live here.
S=$(dirname "$0")
"$S/mkpatch.sh" 0001-entry-add-the-cgroup-syscalls-work-bit.patch \
	"entry: check the syscalls cgroup in syscall_trace_enter()" \
	"A task whose cgroup denies system calls carries the new work bit
SYSCALL_WORK_CGROUP_SYSCALLS. syscall_trace_enter() then asks the
controller about the final system call number, after ptrace, seccomp and
tracepoints, and fails a denied call with -ENOSYS without running it.
When the bit is a task's only entry work, the number is final at once,
and syscall_trace_enter() asks the controller before doing any of its
other work, which moves to __syscall_trace_enter(). Tasks without the bit
take the same path as before: the bit only joins SYSCALL_WORK_ENTER." \
	include/linux/thread_info.h include/linux/entry-common.h \
	include/linux/syscalls_cgroup.h kernel/entry/common.c
"$S/mkpatch.sh" 0002-cgroup-register-the-syscalls-controller.patch \
	"cgroup: register the syscalls controller" \
	"Adds SUBSYS(syscalls) with the v1-only controllers, its Kconfig and the
directory kernel/cgroup/syscalls/ that holds it." \
	include/linux/cgroup_subsys.h init/Kconfig kernel/cgroup/Makefile
"$S/mkpatch.sh" 0003-rust-bindings-and-helpers-for-the-syscalls-cgroup.patch \
	"rust: bindings and helpers for the syscalls cgroup" \
	"The cgroup, seq_file, seqlock and capability headers for bindgen, and
helpers for the static inline functions the controller's binding layer
calls: RCU, seqlock, the css of a task, css references, the work bit, the
ABI of the current system call and array_index_nospec()." \
	rust/bindings/bindings_helper.h rust/helpers/helpers.c rust/helpers/syscalls_cgroup.c
"$S/mkpatch.sh" 0004-docs-cgroup-v1-list-the-syscalls-controller.patch \
	"docs: cgroup-v1: list the syscalls controller" \
	"Adds syscalls.rst, which the graft puts beside the other controllers'
pages, to the cgroup v1 index." \
	Documentation/admin-guide/cgroup-v1/index.rst
