#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# A short libFuzzer run of the IPv4 receive path (fuzz/inet_fuzz.c) on
# every `make test', from the seeds in fuzz/corpus.
# The run itself is tests/fuzz.subr's.

atf_test_case brief
brief_head()
{
	atf_set "descr" "inet_fuzz finds nothing in a short run"
	atf_set "timeout" "120"
}
brief_body()
{
	srctop=$(atf_config_get srctop)
	. "$srctop/tests/fuzz.subr"
	fuzz_brief inet_fuzz 8192 "-t x1" "$srctop/tests/sys/net/fuzz/corpus"
}

atf_init_test_cases()
{
	atf_add_test_case brief
}
