# SPDX-License-Identifier: GPL-2.0
#
# Two makefiles in one. Under kbuild (KERNELRELEASE is set) it lists the
# controller's objects in kernel/cgroup/syscalls/. Otherwise it is the
# user's entry point: see README.md, or `make help`.

ifneq ($(KERNELRELEASE),)

obj-$(CONFIG_CGROUP_SYSCALLS) += syscalls_cgroup.o

# The controller builds without a warning, from rustc or (CLIPPY=1) clippy.
rustflags-y += -Dwarnings

# One Rust source serves Linux 7.x and 6.12: on 6.12, whose `kernel` crate
# lacks some of 7.x's abstractions, sync.rs makes them itself.
ifeq ($(VERSION).$(PATCHLEVEL),6.12)
rustflags-y += --cfg linux_6_12
endif

# The system call tables are generated from the kernel's own .tbl files.
# So are the errno names, from the uapi headers.
systbl := $(srctree)/arch/x86/entry/syscalls
errno_h := $(srctree)/include/uapi/asm-generic
tables_in := $(systbl)/syscall_64.tbl $(systbl)/syscall_32.tbl \
	     $(errno_h)/errno-base.h $(errno_h)/errno.h
quiet_cmd_syscalls_tables = GEN     $@
      cmd_syscalls_tables = $(CONFIG_SHELL) $(src)/asm/gen_tables.sh \
			    $(tables_in) > $@

$(obj)/syscalls_tables.rs: $(tables_in) $(src)/asm/gen_tables.sh FORCE
	$(call if_changed,syscalls_tables)
targets += syscalls_tables.rs

# So are the widths of their arguments, from the calls' prototypes.
# arch_prctl is in process_64.c on 6.12, in process.c on 7.x.
widths_in := $(systbl)/syscall_64.tbl $(systbl)/syscall_32.tbl \
	     $(srctree)/include/linux/syscalls.h \
	     $(wildcard $(addprefix $(srctree)/arch/x86/kernel/,process.c \
		process_64.c sys_x86_64.c ldt.c ioport.c signal_64.c))
quiet_cmd_syscalls_widths = GEN     $@
      cmd_syscalls_widths = $(CONFIG_SHELL) $(src)/asm/gen_widths.sh \
			    $(widths_in) > $@

$(obj)/syscalls_widths.rs: $(widths_in) $(src)/asm/gen_widths.sh FORCE
	$(call if_changed,syscalls_widths)
targets += syscalls_widths.rs

$(obj)/syscalls_cgroup.o: $(obj)/syscalls_tables.rs $(obj)/syscalls_widths.rs
# The crate includes the generated files by these absolute paths.
export SYSCALLS_CGROUP_TABLES := $(abspath $(obj)/syscalls_tables.rs)
export SYSCALLS_CGROUP_WIDTHS := $(abspath $(obj)/syscalls_widths.rs)

else

include scripts/user.mk

endif
