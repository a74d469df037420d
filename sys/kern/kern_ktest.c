/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The in-kernel test runner (see <sys/ktest.h> and ktest(9)).  The tests
 * themselves are not part of the kernel: they live in test modules, the
 * .ko files under boot/ktest/ of the preload image (sources in sys/tests,
 * Makefiles in sys/modules/ktest_*), each holding its tests in its own
 * ktest_set linker set.  When the kernel argument ktest= is given, the
 * runner loads every one of those modules at the end of boot (thread0,
 * SI_SUB_KTEST), runs the tests the argument selects in module order and
 * set order, and prints one result line per test and a summary.  A test
 * reports why it failed with ktest_fail().  A name that no module has is
 * reported and counted as a failure.  The modules stay loaded.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/linker.h>
#include <sys/preload.h>

#define	KTEST_DIR	"boot/ktest/"
#define	KTEST_MAXFILES	16

static struct linker_file *ktest_files[KTEST_MAXFILES];
static int ktest_nfiles;
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

/* Is 'path' (as in the archive) a test module, boot/ktest/<name>.ko? */
static bool
ktest_module_path(const char *path)
{
	size_t len;

	while (*path == '/' || (path[0] == '.' && path[1] == '/'))
		path += *path == '/' ? 1 : 2;
	len = strlen(path);
	return (strncmp(path, KTEST_DIR, strlen(KTEST_DIR)) == 0 &&
	    len > strlen(KTEST_DIR) + 3 && strcmp(path + len - 3, ".ko") == 0 &&
	    strchr(path + strlen(KTEST_DIR), '/') == NULL);
}

/* Load every test module of the preload image (once). */
static void
ktest_load_modules(void)
{
	struct preload_file pf;
	struct linker_file *lf;
	size_t i;
	int error;

	if (ktest_nfiles > 0)
		return;
	for (i = 0; preload_entry(&preload_kernel, i, &pf) == 0; i++) {
		if (!ktest_module_path(pf.pf_name))
			continue;
		if (ktest_nfiles == KTEST_MAXFILES) {
			printf("ktest: more than %d test modules, %s left "
			    "out\n", KTEST_MAXFILES, pf.pf_name);
			break;
		}
		if ((error = linker_load_file(pf.pf_name, true, &lf)) != 0) {
			printf("ktest: cannot load %s: error %d\n", pf.pf_name,
			    error);
			continue;
		}
		ktest_files[ktest_nfiles++] = lf;
	}
	if (ktest_nfiles == 0)
		printf("ktest: no test modules (" KTEST_DIR "*.ko) in the "
		    "preload image\n");
}

/* The tests of loaded test module 'i': 0 and the set, or an errno. */
static int
ktest_set_of(int i, struct ktest ***setp, size_t *countp)
{
	return (linker_file_lookup_set(ktest_files[i], "ktest_set",
	    (void ***)setp, countp));
}

/* Does any test module have a test called 'name' ('len' bytes)? */
static bool
ktest_exists(const char *name, size_t len)
{
	struct ktest **set;
	size_t n, j;
	int i;

	for (i = 0; i < ktest_nfiles; i++) {
		if (ktest_set_of(i, &set, &n) != 0)
			continue;
		for (j = 0; j < n; j++)
			if (strncmp(set[j]->kt_name, name, len) == 0 &&
			    set[j]->kt_name[len] == '\0')
				return (true);
	}
	return (false);
}

/* Run the tests 'list' selects; returns the number that failed. */
int
ktest_run(const char *list)
{
	struct ktest **set, *kt;
	const char *p, *end;
	size_t n, j;
	int error, passed, failed, i;
	bool all;

	ktest_load_modules();
	all = strcmp(list, "all") == 0;
	passed = failed = 0;
	for (i = 0; i < ktest_nfiles; i++) {
		if (ktest_set_of(i, &set, &n) != 0)
			continue;
		for (j = 0; j < n; j++) {
			kt = set[j];
			if (all ? (kt->kt_flags &
			    (KTEST_CRASHES | KTEST_EXPLICIT)) != 0 :
			    !ktest_listed(list, kt->kt_name))
				continue;
			printf("ktest: %s: running (%s)\n", kt->kt_name,
			    kt->kt_desc);
			ktest_reason[0] = '\0';
			error = kt->kt_func();
			if (error == 0) {
				printf("ktest: %s: PASS\n", kt->kt_name);
				passed++;
			} else {
				printf("ktest: %s: FAIL: %s (error %d)\n",
				    kt->kt_name, ktest_reason[0] != '\0' ?
				    ktest_reason : "no reason given", error);
				failed++;
			}
		}
	}
	/* Names nobody has: a typo must not look like a pass. */
	for (p = all ? "" : list; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		for (end = p; *end != '\0' && *end != ','; end++)
			;
		if (end > p && !ktest_exists(p, end - p)) {
			printf("ktest: %.*s: FAIL: no such test (error %d)\n",
			    (int)(end - p), p, ENOENT);
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
