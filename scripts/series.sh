#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make series`: the whole feature as a git format-patch series against
# Debian's source of $KERNEL (lib.sh), with a cover letter, for upstream
# submission: Linux 7.3 by default, the series for mainline review, or
# with KERNEL=6.12 (`make series KERNEL=6.12`) the 6.12 LTS backport.
#
#   scripts/series.sh [OUTDIR]                write it to OUTDIR ($KCACHE/series)
#   scripts/series.sh --check [OUTDIR]        write it, then check it (below)
#   scripts/series.sh --build-each [OUTDIR]   write it, then build the kernel
#                                             after each of its patches (below)
#
# The series is made in a scratch git repository that holds only the files
# it touches, as Debian's tarball has them (extracted once and kept in
# $KCACHE/series-pristine/). Each $PATCHES/NNNN-*.patch (patches/7.3/ or
# patches/6.12/) becomes one commit with the patch's own author, subject,
# message and Signed-off-by. The controller's files (controller_files in
# lib.sh, the list graft.sh copies; the same for both kernels) go into
# the patch that hooks them into kernel/cgroup/Makefile, and the
# administrator's guides (ADMIN_GUIDES) into the patch that lists the
# first, the v2 reference, in Documentation/admin-guide/index.rst, so
# that each patch builds and documents what it adds. The cover letter's
# subject (its first paragraph) and body come from
# patches/cover-letter.txt, which both kernels' series share, less its
# lines that start with '#'. Dates are fixed: the same input
# gives the same series, byte for byte.
#
# --check runs checkpatch.pl --strict from the kernel tree on every patch
# and the cover letter, then applies the series with `git am` onto a fresh
# repository of the pristine files and compares every file it creates or
# changes with the grafted tree $KSRC ($KCACHE/linux), which is what make
# test builds; it fails, naming each difference, unless they are
# identical.
#
# --build-each applies the series with `git am` in the same way, then
# builds a kernel of tinyconfig, config/base.config,
# config/kernel-$KERNEL.config and test.config (without full.config) after
# each patch, in a whole pristine tree of its own,
# $KCACHE/series-build-src/, and $KCACHE/build-series: each patch must build
# on its own: one full build, then one incremental build per patch.
#
# It holds $CACHE/build.lock (lib.sh) throughout: it writes $KCACHE/series*
# and reads the grafted tree, which no build may change meanwhile.
source "$(dirname "$0")/lib.sh"
cache_lock build

mode=write
case ${1:-} in
--check) mode=check; shift ;;
--build-each) mode=build-each; shift ;;
-*) die "usage: series.sh [--check|--build-each] [OUTDIR]" ;;
esac
OUT=$(realpath -m "${1:-$KCACHE/series}")
case $OUT in "$REPO/patches" | "$REPO/patches/"*) die "OUTDIR must not be in patches/: the series is made from it" ;; esac
COVER=$REPO/patches/cover-letter.txt
# The date of the first commit; each later one is a minute later.
SERIES_DATE=${SERIES_DATE:-2026-12-01 12:00:00 UTC}

# The user's git configuration (format.signOff, format.thread, hooks and
# the like) must not change the series.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

deb=$(kernel_deb)
version=$(dpkg-deb -f "$deb" Version)
PRISTINE=$KCACHE/series-pristine/$version
date0=$(date -u -d "$SERIES_DATE" +%s) || die "bad SERIES_DATE '$SERIES_DATE'"

cd "$REPO"
mapfile -t patches < <(ls "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch)
[ ${#patches[@]} -gt 0 ] || die "no patches in $PATCHES"
[ -f "$COVER" ] || die "no cover letter text at $COVER"
mapfile -t controller < <(controller_files)
[ ${#controller[@]} -gt 0 ] || die "no controller files in $REPO"

# The files each patch changes and creates, as git reads them.
changed() { git apply --numstat "$1" | cut -f3; }
created() { git apply --summary "$1" | sed -n 's/^ create \(mode [0-7]* \)\{0,1\}//p'; }

# The pristine files: those the patches change that none of them creates.
declare -A new=()
for p in "${patches[@]}"; do
	while read -r f; do new[$f]=1; done < <(created "$p")
	while read -r f; do
		case $f in
		"$GRAFT_DIR"/*)
			die "$p touches $f, which series.sh adds from the repository" ;;
		esac
		for guide in "${ADMIN_GUIDES[@]}"; do
			[ "$f" != "$guide" ] ||
				die "$p touches $f, which series.sh adds from the repository"
		done
	done < <(changed "$p")
done
mapfile -t base_files < <(for p in "${patches[@]}"; do changed "$p"; done | sort -u |
	while read -r f; do [ -n "${new[$f]:-}" ] || echo "$f"; done)

# Extract from the tarball, in one pass, the pristine files not yet cached.
missing=()
for f in "${base_files[@]}"; do
	[ -f "$PRISTINE/$f" ] || missing+=("$KERNEL_PKG/$f")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "extracting ${#missing[@]} pristine files from $(basename "$deb")"
	tmp=$KCACHE/series-pristine/.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp" "$PRISTINE"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$KERNEL_TARBALL" |
		tar -xJ -f - -C "$tmp" "${missing[@]}" ||
		die "cannot extract ${missing[*]} from $(basename "$deb")"
	cp -R "$tmp/$KERNEL_PKG/." "$PRISTINE/"
	rm -rf "$tmp"
fi

# The identity of the cover letter and of every commit's committer: the
# author of the first patch.
ident=$(git mailinfo /dev/null /dev/null < "${patches[0]}")
export GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
GIT_COMMITTER_NAME=$(sed -n 's/^Author: //p' <<< "$ident")
GIT_COMMITTER_EMAIL=$(sed -n 's/^Email: //p' <<< "$ident")
[ -n "$GIT_COMMITTER_NAME" ] && [ -n "$GIT_COMMITTER_EMAIL" ] || die "${patches[0]}: no From:"

# at N COMMAND...: runs a git command with the fixed date of commit N.
at() {
	local d="$((date0 + 60 * $1)) +0000"
	shift
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d "$@"
}

# base_repo DIR: a new repository in DIR whose branch `series` has one
# commit, tagged `base`: the pristine files.
base_repo() {
	rm -rf "$1"
	mkdir -p "$1"
	git -C "$1" init -q -b series
	local f
	for f in "${base_files[@]}"; do
		mkdir -p "$1/$(dirname "$f")"
		cp "$PRISTINE/$f" "$1/$f"
	done
	git -C "$1" add -A
	at 0 git -C "$1" -c user.name="$GIT_COMMITTER_NAME" -c user.email="$GIT_COMMITTER_EMAIL" \
		commit -q -m "Debian $KERNEL_PKG $version: the files the series changes"
	git -C "$1" tag base
}

# add_files DIR PREFIX FILE...: copies each FILE of the repository to
# PREFIX/FILE in the scratch repository DIR and stages it.
add_files() {
	local dir=$1 prefix=$2 f
	shift 2
	for f; do
		mkdir -p "$(dirname "$dir/$prefix$f")"
		cp "$REPO/$f" "$dir/$prefix$f"
		git -C "$dir" add "$prefix$f"
	done
}

# Write the series.
W=$KCACHE/series-work
base_repo "$W"
n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	git mailinfo "$W/.git/series-msg" "$W/.git/series-diff" < "$p" > "$W/.git/series-info" ||
		die "$p: not a patch with From: and Subject:"
	author=$(sed -n 's/^Author: //p' "$W/.git/series-info")
	email=$(sed -n 's/^Email: //p' "$W/.git/series-info")
	subject=$(sed -n 's/^Subject: //p' "$W/.git/series-info")
	[ -n "$author" ] && [ -n "$email" ] && [ -n "$subject" ] || die "$p: no From: or no Subject:"
	grep -q '^Signed-off-by: ' "$W/.git/series-msg" || die "$p: no Signed-off-by:"
	git -C "$W" apply --index "$W/.git/series-diff" || die "$p does not apply to the pristine files"
	files=$(changed "$p")
	if grep -qxF kernel/cgroup/Makefile <<< "$files"; then
		add_files "$W" "$GRAFT_DIR/" "${controller[@]}"
		log "$(basename "$p"): with the controller's ${#controller[@]} files"
		has_controller=1
	fi
	if grep -qxF "$(dirname "$ADMIN_GUIDE")/index.rst" <<< "$files"; then
		add_files "$W" "" "${ADMIN_GUIDES[@]}"
		log "$(basename "$p"): with the administrator's guides"
		has_guide=1
	fi
	{ printf '%s\n\n' "$subject"; cat "$W/.git/series-msg"; } > "$W/.git/series-commit-msg"
	at "$n" git -C "$W" commit -q --cleanup=whitespace --author="$author <$email>" \
		-F "$W/.git/series-commit-msg"
done
[ -n "${has_controller:-}" ] || die "no patch hooks the controller into kernel/cgroup/Makefile"
[ -n "${has_guide:-}" ] || die "no patch lists the guide in $(dirname "$ADMIN_GUIDE")/index.rst"

# An RFC, to the cgroup list and maintainers, with the lists and
# maintainers of what it touches besides: Rust, the system call ABI, the
# generic entry code, x86 and seccomp (MAINTAINERS of 7.3). The 6.12
# backport says which tree it is for.
prefix="RFC PATCH"
[ "$KERNEL" = "${KERNELS[0]}" ] || prefix="RFC PATCH $KERNEL"
recipients=(--to=cgroups@vger.kernel.org
	--to="Tejun Heo <tj@kernel.org>"
	--cc="Johannes Weiner <hannes@cmpxchg.org>"
	--cc="Michal Koutný <mkoutny@suse.com>"
	--cc=rust-for-linux@vger.kernel.org
	--cc="Miguel Ojeda <ojeda@kernel.org>"
	--cc="Alice Ryhl <aliceryhl@google.com>"
	--cc=linux-api@vger.kernel.org
	--cc="Thomas Gleixner <tglx@kernel.org>"
	--cc="Peter Zijlstra <peterz@infradead.org>"
	--cc="Andy Lutomirski <luto@kernel.org>"
	--cc="Ingo Molnar <mingo@redhat.com>"
	--cc="Borislav Petkov <bp@alien8.de>"
	--cc="Dave Hansen <dave.hansen@linux.intel.com>"
	--cc=x86@kernel.org
	--cc="Kees Cook <kees@kernel.org>"
	--cc=linux-kernel@vger.kernel.org)
mkdir -p "$OUT"
rm -f "$OUT"/[0-9][0-9][0-9][0-9]-*.patch
at "$n" git -C "$W" -c branch.series.description="$(grep -v '^#' "$COVER")" \
	format-patch -q --cover-letter --cover-from-description=subject \
	--subject-prefix="$prefix" "${recipients[@]}" \
	--no-signature -o "$OUT" base..series
log "wrote the series to $OUT: $(ls "$OUT"/*.patch | wc -l) files, cover letter included"
ls "$OUT"/*.patch

# am_series DIR: a new repository of the pristine files in DIR, with the
# series just written applied by git am on its branch `series`.
mapfile -t mails < <(ls "$OUT"/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-cover-letter\.patch$')
am_series() {
	base_repo "$1"
	at "$n" git -C "$1" am -q "${mails[@]}" ||
		die "git am of the series onto the pristine files failed (see $1)"
}

# config_lost CONFIG FRAGMENT...: the options that the fragments set (a
# later one overriding an earlier one, =n or "is not set" meaning off) and
# CONFIG does not have, as build-kernel.sh checks them.
config_lost() {
	local config=$1 opt want
	shift
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 n/p' "$@" |
		awk '{ k = $1; $1 = ""; v[k] = substr($0, 2) } END { for (k in v) print k, v[k] }' | sort |
		while read -r opt want; do
			if [ "$want" = n ]; then
				if grep -q "^$opt=" "$config"; then echo "$opt=n"; fi
			elif ! grep -qxF "$opt=$want" "$config"; then
				echo "$opt=$want"
			fi
		done
}

# build_each: builds the test kernel after each patch of the series. The
# tree moves from one patch to the next by rewriting only the files whose
# content differs, so that kbuild rebuilds only what each patch changes.
build_each() {
	local src=$KCACHE/series-build-src B=$KCACHE/build-series
	local frags=("$REPO/config/base.config" "$REPO/config/kernel-$KERNEL.config"
		"$REPO/config/test.config")
	[ "${KMAKE[1]}" = -C ] || die "KMAKE in lib.sh no longer starts with make -C KSRC"
	local kmake=(make -C "$src" "${KMAKE[@]:3}" O="$B")
	local A=$KCACHE/series-build-am k=0 failed=() c f m subject lost
	local -a paths commits

	am_series "$A"
	mapfile -t paths < <(git -C "$A" diff --no-renames --name-only base series)
	mapfile -t commits < <(git -C "$A" rev-list --reverse base..series)

	# A tree of another .deb, or one that an earlier series changed in files
	# this one does not touch, is unpacked anew: only this series' files are
	# rewritten below.
	if [ "$(cat "$src/.syscalls-source" 2>/dev/null)" != "$(basename "$deb")" ] ||
		[ -n "$(comm -23 "$src/.syscalls-series-paths" <(printf '%s\n' "${paths[@]}"))" ]; then
		rm -rf "$src"
	fi
	if [ ! -f "$src/.syscalls-source" ]; then
		log "unpacking the whole of $(basename "$deb") into $src"
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -xO "$KERNEL_TARBALL" | tar -xJ -f - -C "$src.tmp" ||
			die "cannot unpack $(basename "$deb")"
		mv "$src.tmp/$KERNEL_PKG" "$src"
		rmdir "$src.tmp"
		basename "$deb" > "$src/.syscalls-source"
	fi
	printf '%s\n' "${paths[@]}" > "$src/.syscalls-series-paths"
	mkdir -p "$B"

	for c in "${commits[@]}"; do
		k=$((k + 1))
		subject=$(git -C "$A" log -1 --format=%s "$c")
		# The tree after patch k: each file of the series as commit c has it.
		for f in "${paths[@]}"; do
			m=$(git -C "$A" ls-tree "$c" -- "$f" | cut -d' ' -f1)
			if [ -z "$m" ]; then
				rm -f "$src/$f"
				continue
			fi
			git -C "$A" cat-file blob "$c:$f" > "$B/.series-file"
			if ! cmp -s "$B/.series-file" "$src/$f"; then
				mkdir -p "$(dirname "$src/$f")"
				cp "$B/.series-file" "$src/$f"
			fi
			if [ "$m" = 100755 ]; then chmod +x "$src/$f"; else chmod -x "$src/$f"; fi
		done
		rm -f "$B/.series-file"

		log "patch $k/${#commits[@]}: configuring and building ($subject)"
		"${kmake[@]}" -s tinyconfig >/dev/null
		(cd "$B" && KCONFIG_CONFIG=.config "$src/scripts/kconfig/merge_config.sh" \
			-m -O "$B" .config "${frags[@]}" >/dev/null)
		"${kmake[@]}" -s olddefconfig >/dev/null
		lost=$(config_lost "$B/.config" "${frags[@]}")
		# Before the controller's patch, its options do not exist yet.
		[ -f "$src/$GRAFT_DIR/Kconfig" ] || lost=$(grep -v '^CONFIG_CGROUP_SYSCALLS' <<< "$lost" || true)
		if [ -n "$lost" ]; then
			echo "not ok $k patch $k: the config lost ${lost//$'\n'/ } ($subject)"
			failed+=("$k")
		elif "${kmake[@]}" -j"$NPROC" CLIPPY=1 bzImage > "$B/.series-$k.log" 2>&1; then
			echo "ok $k patch $k builds ($subject)"
		else
			tail -n 30 "$B/.series-$k.log"
			echo "not ok $k patch $k does not build ($subject; $B/.series-$k.log)"
			failed+=("$k")
		fi
	done
	[ ${#failed[@]} -eq 0 ] || die "patches ${failed[*]} of the series do not build on their own"
	echo "series: each of the ${#commits[@]} patches builds on its own"
}

case $mode in
write) exit 0 ;;
build-each) build_each; exit 0 ;;
esac

# --check: checkpatch, then git am onto the pristine files.
[ -f "$KSRC/.syscalls-source" ] || die "no kernel tree at $KSRC: run scripts/fetch-kernel.sh and scripts/graft.sh"
bad=0
fail() { echo "series: $*"; bad=1; }
# mode_of FILE: whether FILE is executable, which git records.
mode_of() { if [ -x "$1" ]; then echo 755; else echo 644; fi; }

# (a) checkpatch. FILE_PATH_CHANGES asks for a MAINTAINERS entry for new
# files, and ENOSYS is what a denied call returns on purpose (a denied call
# fails as a missing one does): lint.sh ignores both, too.
for p in "$OUT"/*.patch; do
	if ! (cd "$KSRC" && perl scripts/checkpatch.pl --strict --quiet \
		--ignore FILE_PATH_CHANGES,ENOSYS "$p"); then
		fail "checkpatch: $(basename "$p") is not clean (above)"
	fi
done

# (b) git am of the series onto the pristine files gives the grafted tree.
A=$KCACHE/series-check
am_series "$A"
count=0
while IFS=$'\t' read -r status f; do
	count=$((count + 1))
	if [ "$status" = D ]; then
		[ ! -e "$KSRC/$f" ] || fail "the series deletes $f, the grafted tree has it"
	elif [ ! -f "$KSRC/$f" ]; then
		fail "the series has $f, the grafted tree does not"
	elif ! cmp -s "$A/$f" "$KSRC/$f"; then
		fail "$f differs between the series (-) and the grafted tree (+):"
		{ diff -u --label "series/$f" --label "grafted/$f" "$A/$f" "$KSRC/$f" || true; } | head -n 40
	elif [ "$(mode_of "$A/$f")" != "$(mode_of "$KSRC/$f")" ]; then
		fail "$f is mode $(mode_of "$A/$f") in the series, $(mode_of "$KSRC/$f") in the grafted tree"
	fi
done < <(git -C "$A" diff --no-renames --name-status base series)

# The grafted tree has no controller file that the series lacks ...
diff_lists() { # diff_lists WHAT LIST1 LIST2: names the lines of one list only
	local extra
	extra=$(comm -13 <(echo "$2") <(echo "$3"))
	[ -z "$extra" ] || fail "$1 the grafted tree has but the series does not: ${extra//$'\n'/ }"
	extra=$(comm -23 <(echo "$2") <(echo "$3"))
	[ -z "$extra" ] || fail "$1 the series has but the grafted tree does not: ${extra//$'\n'/ }"
}
diff_lists "files under $GRAFT_DIR/ that" \
	"$(cd "$A/$GRAFT_DIR" && find . -type f | sed 's|^\./||' | sort)" \
	"$(cd "$KSRC/$GRAFT_DIR" && find . -type f | sed 's|^\./||' | sort)"
# ... and patched no file that the series leaves alone: graft.sh applied
# exactly patches/, the same patches the series is made from.
diff_lists "patches that" \
	"$(printf '%s\n' "${patches[@]##*/}" | sort)" \
	"$(ls "$KSRC/.syscalls-applied" | grep '\.patch$' | sort)"
for p in "${patches[@]}"; do
	a=$KSRC/.syscalls-applied/${p##*/}
	[ ! -f "$a" ] || cmp -s "$p" "$a" || fail "graft.sh applied an older ${p##*/}"
done

if [ $bad -ne 0 ]; then
	echo "series: FAILED: the series and the tree make test builds differ, or checkpatch complains (above)"
	exit 1
fi
echo "series: ${#mails[@]} patches, checkpatch --strict clean; git am onto pristine $KERNEL_PKG $version gives the grafted tree ($count files identical)"
