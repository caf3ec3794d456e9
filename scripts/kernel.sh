#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make kernel`: installs what is missing, fetches the kernel ($KERNEL,
# lib.sh), grafts the controller, builds the test kernel (MAKEARGS go to
# build-kernel.sh) and the initramfs, all under one hold of
# $CACHE/build.lock (lib.sh), so that another run's graft cannot come
# between this graft and this build. Prints the paths of the bzImage and
# of the initramfs, a line each.
#
#   kernel.sh [MAKEARGS...]
source "$(dirname "$0")/lib.sh"
S=$REPO/scripts
cache_lock build
"$S/setup.sh"
"$S/fetch-kernel.sh"
"$S/graft.sh"
"$S/build-kernel.sh" test "$@"
"$S/initramfs.sh"
