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

# Kyua's own summary of the results file:
# "Test cases: N total, S skipped, X expected failures, B broken, F failed".
summary=$(kyua report --results-file="$results" 2>/dev/null |
    sed -n 's/^Test cases: //p')
set -- $(echo "$summary" | tr -dc '0-9 ')
total=${1:-0} skipped=${2:-0} broken=${4:-0} fails=${5:-0}
failed=$((broken + fails))
passed=$((total - skipped - failed))

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
