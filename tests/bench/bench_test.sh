#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# The benchmark's quick run (bench/bench.sh -q, `make bench BENCH_QUICK=1`)
# in its own lab boot, so that the bench cannot rot: every row that
# bench/rows/*.sh declares must be in the report, and each of its pvbsd,
# Linux and dom0 cells must be a figure, "-" (no such figure) or "n/a
# (reason)".  A "failed: ..." cell fails the test: the bench or the kernel
# feature it measures is broken.

# check_report REPORT ROWSDIR: the checks, on any report
check_report() {
	local report=$1 rows=$2 fig n bad
	[ -s "$report" ] || { echo "no report $report"; return 1; }
	grep -h '^[[:space:]]*ROW "' "$rows"/*.sh |
	    sed 's/^[[:space:]]*ROW "\([^"]*\)".*/\1/' >expected
	[ -s expected ] || { echo "no ROW in $rows"; return 1; }
	while IFS= read -r fig; do
		n=$(grep -cF -- "| $fig |" "$report")
		[ "$n" = 1 ] || { echo "row '$fig' appears $n times"; return 1; }
	done <expected
	n=$(grep -c '^| ' "$report")
	[ "$n" = $(($(wc -l <expected) + 1)) ] ||
	    { echo "$n table lines for $(wc -l <expected) rows"; return 1; }
	bad=$(awk -F' [|] ' '/^\| / && !/^\| figure \|/ {
		for (i = 2; i <= 4; i++) {
			c = $i
			if (c ~ /^-?[0-9]+(\.[0-9]+)?( \(-?[0-9.]+--?[0-9.]+\))?$/ ||
			    c == "-" || c ~ /^n\/a \(.+\)$/)
				continue
			print
			next
		}
	}' "$report")
	[ -z "$bad" ] || { echo "cells without a figure:"; echo "$bad"; return 1; }
	return 0
}

atf_test_case quick
quick_head() {
	atf_set descr "make bench BENCH_QUICK=1: one lab boot, every row with a figure"
}
quick_body() {
	SRCTOP=$(atf_config_get srctop)
	OBJTOP=$(atf_config_get objtop)
	out=$OBJTOP/bench/quick
	mkdir -p "$out"
	if ! OBJTOP=$OBJTOP sh "$SRCTOP/bench/bench.sh" -q -o "$out" \
	    >"$out/bench.out" 2>&1; then
		tail -n 30 "$out/bench.out"
		atf_fail "bench.sh -q failed"
	fi
	head -c 5 "$out/report.svg" | grep -q '<' ||
	    atf_fail "report.svg is not an SVG file"
	if ! check_report "$out/report.md" "$SRCTOP/bench/rows"; then
		cat "$out/report.md"
		atf_fail "the report is incomplete"
	fi
}

atf_test_case checker
checker_head() {
	atf_set descr "the report check rejects a failed cell, a missing row and a blank cell"
}
# expect_check STATUS PATTERN REPORT: check_report ends so and says that
expect_check() {
	check_report "$3" rows >out
	rc=$?
	[ $rc = "$1" ] || { cat out; atf_fail "check_report $3: status $rc, not $1"; }
	[ -z "$2" ] || grep -q -- "$2" out || { cat out; atf_fail "check_report $3 did not say '$2'"; }
}

checker_body() {
	mkdir rows
	printf '%s\n' 'row_report() {' '	ROW "a (s)" x' '	ROW "b" y' '}' \
	    >rows/10-x.sh
	hdr='| figure | pvbsd | Linux | dom0 | ratio | goal | met | note |
|---|---|---|---|---|---|---|---|'
	printf '%s\n' "$hdr" '| a (s) | 0.81 (0.70-0.90) | 4.1 | - | 0.2x | - | - | n |' \
	    '| b | 5 | n/a (not searched) | 12 | - | - | - | n |' >good.md
	expect_check 0 '' good.md
	sed 's/| 5 |/| failed: no prompt |/' good.md >failed.md
	expect_check 1 'cells without' failed.md
	grep -v '^| b ' good.md >missing.md
	expect_check 1 "row 'b' appears 0" missing.md
	sed 's/| 5 |/|  |/' good.md >blank.md
	expect_check 1 'cells without' blank.md
	sed 's/| 4.1 |/| 4.1; 1 of 2 failed: timeout |/' good.md >partial.md
	expect_check 1 'cells without' partial.md
}

atf_init_test_cases() {
	atf_add_test_case checker
	atf_add_test_case quick
}
