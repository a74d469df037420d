#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# A short libFuzzer run of the preload image parser and the loader.conf
# reader (fuzz/preload_fuzz.c) on every `make test', from the cpio archives
# and loader.conf in fuzz/corpus.
# The run itself is tests/fuzz.subr's.

atf_test_case brief
brief_head()
{
	atf_set "descr" "preload_fuzz finds nothing in a short run"
	atf_set "timeout" "120"
}
brief_body()
{
	srctop=$(atf_config_get srctop)
	. "$srctop/tests/fuzz.subr"
	fuzz_brief preload_fuzz 4096 "-c" "$srctop/tests/sys/kern/preload/fuzz/corpus"
}

atf_init_test_cases()
{
	atf_add_test_case brief
}
