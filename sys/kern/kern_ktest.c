/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The in-kernel test runner (see <sys/ktest.h>).  A test reports why it
 * failed with ktest_fail(); the runner prints the one result line.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/ktest.h>

SET_DECLARE(ktest_set, struct ktest);

static char ktest_reason[160];

void
ktest_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ktest_reason, sizeof(ktest_reason), fmt, ap);
	va_end(ap);
}

/* Is 'name' one of the comma-separated words of 'list'? */
static bool
ktest_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; *p != '\0';) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return (true);
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	return (false);
}

/* Run the tests 'list' selects; returns the number that failed. */
int
ktest_run(const char *list)
{
	struct ktest **ktp, *kt;
	int error, passed, failed;
	bool all;

	all = strcmp(list, "all") == 0;
	passed = failed = 0;
	SET_FOREACH(ktp, ktest_set) {
		kt = *ktp;
		if (all ? (kt->kt_flags &
		    (KTEST_CRASHES | KTEST_EXPLICIT)) != 0 :
		    !ktest_listed(list, kt->kt_name))
			continue;
		printf("ktest: %s: running (%s)\n", kt->kt_name, kt->kt_desc);
		ktest_reason[0] = '\0';
		error = kt->kt_func();
		if (error == 0) {
			printf("ktest: %s: PASS\n", kt->kt_name);
			passed++;
		} else {
			printf("ktest: %s: FAIL: %s (error %d)\n", kt->kt_name,
			    ktest_reason[0] != '\0' ? ktest_reason :
			    "no reason given", error);
			failed++;
		}
	}
	printf("ktest: %d passed, %d failed\n", passed, failed);
	return (failed);
}

/* At the end of boot, the tests that "ktest=" on the command line names. */
static void
ktest_boot(void *arg)
{
	const char *tests;

	if ((tests = kern_getenv("ktest")) != NULL)
		(void)ktest_run(tests);
}
SYSINIT(ktest, SI_SUB_KTEST, SI_ORDER_FIRST, ktest_boot, NULL);
