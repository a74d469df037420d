#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The manual pages under share/man: every page is clean under
# "mandoc -Tlint -W warning", its .Dt names the file, and every
# cross-reference to a section 4 or 9 page names a page in the tree.
# Each case lists all offenders, not just the first.

# man_pages: the pages in the source tree, one path a line.  Call
# man_setup first, outside the command substitution, to set srctop.
man_setup() {
	srctop=$(atf_config_get srctop)
	[ -d "$srctop/share/man" ] || atf_fail "no share/man under $srctop"
}
man_pages() {
	find "$srctop/share/man" -type f -name '*.[1-9]' | sort
}

atf_test_case lint
lint_head() {
	atf_set descr "every page is clean under mandoc -Tlint -W warning"
	atf_set require.progs mandoc
}
lint_body() {
	man_setup
	n=0 bad=0
	for page in $(man_pages); do
		n=$((n + 1))
		out=$(mandoc -Tlint -W warning "$page" 2>&1)
		rc=$?
		if [ $rc -ne 0 ] || [ -n "$out" ]; then
			bad=$((bad + 1))
			echo "${page#$srctop/}: mandoc exit $rc" >&2
			echo "$out" >&2
		fi
	done
	[ $n -gt 0 ] || atf_fail "no manual pages found"
	[ $bad -eq 0 ] || atf_fail "$bad of $n pages have lint warnings"
}

atf_test_case titles
titles_head() {
	atf_set descr "each page's .Dt is its file name and section"
}
titles_body() {
	man_setup
	bad=0
	for page in $(man_pages); do
		file=${page##*/}
		want=$(echo "${file%.*} ${file##*.}" | tr '[:lower:]' '[:upper:]')
		got=$(sed -n 's/^\.Dt[[:space:]]*//p' "$page" |
		    tr '[:lower:]' '[:upper:]' | awk '{ print $1, $2 }')
		if [ "$got" != "$want" ]; then
			bad=$((bad + 1))
			echo "${page#$srctop/}: .Dt is \"$got\", want \"$want\"" >&2
		fi
	done
	[ $bad -eq 0 ] || atf_fail "$bad pages with a wrong .Dt"
}

atf_test_case xrefs
xrefs_head() {
	atf_set descr "every .Xr to a section 4 or 9 page names a page in the tree"
}
xrefs_body() {
	man_setup
	bad=0
	for page in $(man_pages); do
		for ref in $(awk '$1 == ".Xr" && ($3 ~ /^[49]/) {
		    sec = $3; sub(/[^0-9].*/, "", sec); print $2 "." sec }' \
		    "$page"); do
			if [ ! -f "$srctop/share/man/man${ref##*.}/$ref" ]; then
				bad=$((bad + 1))
				echo "${page#$srctop/}: .Xr to missing $ref" >&2
			fi
		done
	done
	[ $bad -eq 0 ] || atf_fail "$bad cross-references to missing pages"
}

atf_init_test_cases() {
	atf_add_test_case lint
	atf_add_test_case titles
	atf_add_test_case xrefs
}
