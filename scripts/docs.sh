#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Renders the reStructuredText pages of Documentation/ to HTML with plain
# docutils (Debian's python3-docutils), as a check that they are valid
# without Sphinx. Any docutils warning or error fails the run, and so does a
# Sphinx-only construct that docutils would accept quietly (code-block):
# the kernel's pages use "::" literal blocks.
#
#   docs.sh [FILE.rst...]     (default: every .rst under Documentation/)
#
# Output: $CACHE/docs/<name>.html. Prints the paths of the pages written.
source "$(dirname "$0")/lib.sh"

if command -v rst2html >/dev/null 2>&1; then
	render=(rst2html)
elif python3 -c 'import docutils' 2>/dev/null; then
	render=(python3 -m docutils --writer=html)
else
	die "no docutils: apt-get install python3-docutils"
fi

out=$CACHE/docs
mkdir -p "$out"

if [ $# -gt 0 ]; then
	pages=("$@")
else
	mapfile -t pages < <(cd "$REPO" && find Documentation -name '*.rst' | LC_ALL=C sort)
	pages=("${pages[@]/#/$REPO/}")
fi
[ ${#pages[@]} -gt 0 ] || die "no .rst files under $REPO/Documentation"

bad=0
for page in "${pages[@]}"; do
	[ -f "$page" ] || die "no such file: $page"
	name=$(basename "$page" .rst)
	if grep -nE '^\s*\.\. (code-block|sourcecode|toctree|kernel-doc|only)::' "$page" >&2; then
		echo "$page: Sphinx-only directive (use a '::' literal block)" >&2
		bad=1
		continue
	fi
	# --halt=warning stops at the first warning; --exit-status makes it
	# count even where docutils would only report it.
	if "${render[@]}" --halt=warning --report=warning --exit-status=warning \
		--no-datestamp --no-generator --no-source-link \
		"$page" "$out/$name.html"; then
		echo "$out/$name.html"
	else
		echo "$page: docutils reported a problem (see above)" >&2
		bad=1
	fi
done
exit $bad
