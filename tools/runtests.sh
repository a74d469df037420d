#!/bin/sh
#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Run the whole test suite through Kyua and print the one line CI reads:
# "N passed, N failed[, N skipped]".  Exit status is non-zero if any test
# failed or was broken.  Usage: runtests.sh OBJTOP [kyua test filters...]

set -u
OBJTOP=${1:?usage: runtests.sh OBJTOP [filters]}
shift
SRCTOP=$(cd "$(dirname "$0")/.." && pwd)
results=$OBJTOP/tests/results.db
log=$OBJTOP/tests/kyua.log
rm -f "$results"
# Lab results are per run: the first lab test boots the lab afresh.
rm -f "$OBJTOP/lab/tests/stamp"

start=$(date +%s)
kyua --logfile="$OBJTOP/tests/kyua-debug.log" -c none \
    -v "test_suites.pvbsd.srctop=$SRCTOP" \
    -v "test_suites.pvbsd.objtop=$OBJTOP" \
    test -k "$OBJTOP/tests/Kyuafile" --results-file="$results" "$@" 2>&1 |
    tee "$log"
end=$(date +%s)

# One line per test case: "program:case  ->  state  [time]".
counts=$(awk '/  ->  / {
	st = $3
	if (st == "passed" || st == "expected_failure") p++
	else if (st == "skipped") s++
	else f++
} END { printf "%d %d %d\n", p, f, s }' "$log")
set -- $counts
passed=$1 failed=$2 skipped=$3

if [ "$failed" -ne 0 ]; then
	echo "=== details of failed and broken tests ==="
	kyua report --results-file="$results" --verbose \
	    --results-filter=broken,failed 2>&1 | tail -n 200
fi
echo "test time: $((end - start)) s"
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
	echo "no test ran"
	failed=1
fi
if [ "$skipped" -ne 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
