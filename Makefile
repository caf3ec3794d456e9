# SPDX-License-Identifier: GPL-2.0
#
# The user's entry point: see README.md, or `make help`. Kbuild builds the
# controller from ./Kbuild, which is what goes into kernel/cgroup/syscalls/.

include scripts/user.mk
