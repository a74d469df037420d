#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# A short libFuzzer run of the kernel linker's object loader
# (fuzz/link_elf_fuzz.c) on every `make test': the real ktest_example.ko
# as the seed plus some seconds of mutation.  Any crash, sanitizer report,
# failed check, leak or slow input fails the test and shows the offending
# input.  `make fuzz' runs the same program for longer.  Kyua runs this in
# a scratch directory, so the corpus the run grows and any crash-* file
# stay there.

# A fixed seed makes the run in `make test' the same mutation sequence on
# every machine (only where it stops depends on speed), so a finding is
# reproducible and CI does not depend on luck; `make fuzz' explores.
: ${LINK_ELF_FUZZ_TIME:=15}
: ${LINK_ELF_FUZZ_RUNS:=300000}
: ${LINK_ELF_FUZZ_SEED:=1}

atf_test_case brief cleanup
brief_head()
{
	atf_set "descr" "link_elf_fuzz finds nothing in a short run"
	atf_set "timeout" "120"
}
brief_body()
{
	fuzzer=$(atf_get_srcdir)/link_elf_fuzz
	seeds=$(atf_get_srcdir)/seeds
	[ -x "$fuzzer" ] || atf_fail "$fuzzer is missing; run make first"
	[ -d "$seeds" ] || atf_fail "$seeds is missing; run make first"
	mkdir corpus
	# New inputs go to the first directory only: the seeds stay as they
	# are.
	if ! "$fuzzer" -max_total_time="$LINK_ELF_FUZZ_TIME" \
	    -runs="$LINK_ELF_FUZZ_RUNS" -seed="$LINK_ELF_FUZZ_SEED" \
	    -max_len=16384 -timeout=10 \
	    -artifact_prefix=./ -print_final_stats=1 corpus "$seeds" \
	    >fuzz.log 2>&1; then
		tail -n 60 fuzz.log
		for f in crash-* leak-* timeout-* oom-* slow-unit-*; do
			[ -f "$f" ] || continue
			echo "=== $f"
			od -A d -t x1 "$f" | head -n 40
		done
		atf_fail "link_elf_fuzz found a problem (log above)"
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
