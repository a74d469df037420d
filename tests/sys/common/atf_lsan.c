/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Linked into every host test program.  libatf-c keeps its test-case list
 * allocated until exit; LeakSanitizer would report that as a leak of the
 * program, so it is suppressed here and only here: leaks in the kernel code
 * under test still fail the test.
 */

const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return ("leak:libatf-c.so\n");
}

/* Kyua treats any stderr output while listing test cases as breakage. */
const char *__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return ("print_suppressions=0");
}
