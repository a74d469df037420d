#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# A short libFuzzer run of the xenstore wire layer (fuzz/xs_wire_fuzz.c) on
# every `make test': the seeds in fuzz/corpus plus some seconds of mutation.
# Any crash, sanitizer report, failed check, leak or slow input fails the
# test and shows the offending input.  `make fuzz' runs the same program
# for longer.  Kyua runs this in a scratch directory, so the corpus the run
# grows and any crash-* file stay there.

# A fixed seed makes the run in `make test' the same mutation sequence on
# every machine (only where it stops depends on speed), so CI does not
# depend on luck; `make fuzz' explores.
: ${XS_FUZZ_TIME:=15}
: ${XS_FUZZ_RUNS:=300000}
: ${XS_FUZZ_SEED:=1}

atf_test_case brief cleanup
brief_head()
{
	atf_set "descr" "xs_wire_fuzz finds nothing in a short run"
	atf_set "timeout" "120"
}
brief_body()
{
	fuzzer=$(atf_get_srcdir)/xs_wire_fuzz
	[ -x "$fuzzer" ] || atf_fail "$fuzzer is missing; run make first"
	srctop=$(atf_config_get srctop "")
	seeds=
	if [ -n "$srctop" ] && [ -d "$srctop/tests/sys/xen/fuzz/corpus" ]; then
		seeds=$srctop/tests/sys/xen/fuzz/corpus
	fi
	mkdir corpus
	# New inputs go to the first directory only: the seeds stay as they
	# are.
	if ! "$fuzzer" -max_total_time="$XS_FUZZ_TIME" -runs="$XS_FUZZ_RUNS" \
	    -seed="$XS_FUZZ_SEED" -max_len=9000 -timeout=10 -artifact_prefix=./ \
	    -print_final_stats=1 corpus $seeds >fuzz.log 2>&1; then
		tail -n 60 fuzz.log
		for f in crash-* leak-* timeout-* oom-* slow-unit-*; do
			[ -f "$f" ] || continue
			echo "=== $f"
			od -A d -c "$f" | head -n 40
		done
		atf_fail "xs_wire_fuzz found a problem (log above)"
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
