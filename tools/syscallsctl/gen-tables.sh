#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerates src/tables_generated.rs, syscallsctl's system call tables (and
# errno names), with the controller's own generator (asm/gen_tables.sh, the one the kernel build
# uses), so that the tool and the controller read the same tables:
#
#   tools/syscallsctl/gen-tables.sh            # rewrite the checked-in copy
#   tools/syscallsctl/gen-tables.sh --check    # fail if it differs
#
# The tables come from $SYSCALLS_TBL_DIR (a directory holding syscall_64.tbl
# and syscall_32.tbl), by default arch/x86/entry/syscalls of the kernel tree
# that `make test` fetches into ${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/linux;
# the errno names from $SYSCALLS_ERRNO_DIR (errno-base.h and errno.h), by
# default include/uapi/asm-generic of the same tree.

set -e

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/syscalls-cgroup
dir=${SYSCALLS_TBL_DIR:-$cache/linux/arch/x86/entry/syscalls}
edir=${SYSCALLS_ERRNO_DIR:-$cache/linux/include/uapi/asm-generic}
out=$here/src/tables_generated.rs

if [ ! -f "$dir/syscall_64.tbl" ] || [ ! -f "$dir/syscall_32.tbl" ] ||
	[ ! -f "$edir/errno-base.h" ] || [ ! -f "$edir/errno.h" ]; then
	echo "gen-tables.sh: no syscall_64.tbl and syscall_32.tbl in $dir, or no errno-base.h and errno.h in $edir" >&2
	echo "gen-tables.sh: set SYSCALLS_TBL_DIR and SYSCALLS_ERRNO_DIR, or fetch the kernel (scripts/fetch-kernel.sh)" >&2
	exit 2
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
	echo "// SPDX-License-Identifier: GPL-2.0"
	echo "// Checked-in output of asm/gen_tables.sh for Linux 6.12, written by"
	echo "// tools/syscallsctl/gen-tables.sh (which --check compares it with)."
	sh "$repo/asm/gen_tables.sh" "$dir/syscall_64.tbl" "$dir/syscall_32.tbl" \
		"$edir/errno-base.h" "$edir/errno.h"
} > "$tmp"

if [ "$1" = "--check" ]; then
	if cmp -s "$tmp" "$out"; then
		echo "gen-tables.sh: $out matches $dir"
	else
		echo "gen-tables.sh: $out differs from the tables in $dir: run gen-tables.sh" >&2
		exit 1
	fi
else
	cp "$tmp" "$out"
	echo "gen-tables.sh: wrote $out"
fi
