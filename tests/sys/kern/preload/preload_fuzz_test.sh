#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# A short libFuzzer run of the preload image parser and the loader.conf
# reader (fuzz/preload_fuzz.c) on every `make test': the seeds in
# fuzz/corpus (small cpio archives and a loader.conf) plus some seconds of
# mutation.  Any crash, sanitizer report, failed check, leak or slow input
# fails the test and shows the offending input.  `make fuzz' runs the same
# program for longer.  Kyua runs this in a scratch directory, so the corpus
# the run grows and any crash-* file stay there.

# A fixed seed makes the run in `make test' the same mutation sequence on
# every machine (only where it stops depends on speed), so a finding is
# reproducible and CI does not depend on luck; `make fuzz' explores.
: ${PRELOAD_FUZZ_TIME:=15}
: ${PRELOAD_FUZZ_RUNS:=300000}
: ${PRELOAD_FUZZ_SEED:=1}

atf_test_case brief cleanup
brief_head()
{
	atf_set "descr" "preload_fuzz finds nothing in a short run"
	atf_set "timeout" "120"
}
brief_body()
{
	fuzzer=$(atf_get_srcdir)/preload_fuzz
	[ -x "$fuzzer" ] || atf_fail "$fuzzer is missing; run make first"
	srctop=$(atf_config_get srctop "")
	seeds=
	if [ -n "$srctop" ] && [ -d "$srctop/tests/sys/kern/preload/fuzz/corpus" ]; then
		seeds=$srctop/tests/sys/kern/preload/fuzz/corpus
	fi
	mkdir corpus
	# New inputs go to the first directory only: the seeds stay as they
	# are.
	if ! "$fuzzer" -max_total_time="$PRELOAD_FUZZ_TIME" \
	    -runs="$PRELOAD_FUZZ_RUNS" -seed="$PRELOAD_FUZZ_SEED" \
	    -max_len=4096 -timeout=10 \
	    -artifact_prefix=./ -print_final_stats=1 corpus $seeds \
	    >fuzz.log 2>&1; then
		tail -n 60 fuzz.log
		for f in crash-* leak-* timeout-* oom-* slow-unit-*; do
			[ -f "$f" ] || continue
			echo "=== $f"
			od -A d -c "$f" | head -n 40
		done
		atf_fail "preload_fuzz found a problem (log above)"
	fi
	grep -E '^(stat::|Done|INFO: Seed)' fuzz.log
}
brief_cleanup()
{
	:
}

atf_init_test_cases()
{
	atf_add_test_case brief
}
