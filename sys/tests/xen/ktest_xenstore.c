/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * In-kernel tests of the xenstore client against the real xenstored in
 * the lab's dom0.  xenstore_dom0 and xenstore_tx_dom0 need dom0's help (a
 * lab scenario writes the values they wait for and reads back the ones
 * they write), so they run only when named.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/ktest.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/timetc.h>
#include <xen/io/xs_wire.h>
#include <xen/xenstore/xenstorevar.h>

#define	KT_DIR	"data/pvbsd"

KTEST(xenstore_basic, "xenstore write, read, directory, rm; errors", 0)
{
	const char **vec;
	char *val, big[XENSTORE_ABS_PATH_MAX + 16];
	uint64_t t0, us;
	u_int n, i;
	int error;

	if (!xs_ready()) {
		ktest_fail("xenstore is not connected");
		return (ENXIO);
	}
	if ((error = xs_write(0, KT_DIR, "greeting", "hello")) != 0 ||
	    (error = xs_read(0, KT_DIR, "greeting", &val, NULL)) != 0) {
		ktest_fail("write/read: %d", error);
		return (error);
	}
	if (strcmp(val, "hello") != 0) {
		ktest_fail("read back \"%s\"", val);
		free(val, M_XENSTORE);
		return (EINVAL);
	}
	free(val, M_XENSTORE);
	if ((error = xs_directory(0, KT_DIR, NULL, &n, &vec)) != 0) {
		ktest_fail("directory: %d", error);
		return (error);
	}
	for (i = 0; i < n && strcmp(vec[i], "greeting") != 0; i++)
		;
	free(vec, M_XENSTORE);
	if (i == n) {
		ktest_fail("\"greeting\" not among %u children", n);
		return (ENOENT);
	}
	/* Round-trip latency: 100 reads. */
	t0 = nanouptime_ns();
	for (i = 0; i < 100; i++) {
		if ((error = xs_read(0, KT_DIR, "greeting", &val, NULL)) != 0) {
			ktest_fail("read %u: %d", i, error);
			return (error);
		}
		free(val, M_XENSTORE);
	}
	us = (nanouptime_ns() - t0) / 1000 / 100;
	printf("ktest: xenstore_basic: %lu us per read round trip (100 reads)\n",
	    us);
	if ((error = xs_rm(0, KT_DIR, "greeting")) != 0) {
		ktest_fail("rm: %d", error);
		return (error);
	}
	/* Errors come back as errno values. */
	if ((error = xs_read(0, KT_DIR, "greeting", &val, NULL)) != ENOENT) {
		ktest_fail("read of a removed node: %d, not ENOENT", error);
		return (EINVAL);
	}
	if ((error = xs_write(0, "/local/domain/0", "pvbsd-was-here",
	    "x")) != EACCES) {
		ktest_fail("write into dom0's tree: %d, not EACCES", error);
		return (EINVAL);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	if ((error = xs_read(0, big, NULL, &val, NULL)) != ENAMETOOLONG) {
		ktest_fail("oversized path: %d, not ENAMETOOLONG", error);
		return (EINVAL);
	}
	return (0);
}

KTEST(xenstore_transaction, "a transaction commits atomically", 0)
{
	xs_tx_t tx;
	char *a, *b;
	int error, tries;

	for (tries = 0; tries < 5; tries++) {
		if ((error = xs_transaction_start(&tx)) != 0) {
			ktest_fail("start: %d", error);
			return (error);
		}
		if ((error = xs_write(tx, KT_DIR, "tx-a", "1")) != 0 ||
		    (error = xs_write(tx, KT_DIR, "tx-b", "2")) != 0) {
			(void)xs_transaction_end(tx, true);
			ktest_fail("write in transaction: %d", error);
			return (error);
		}
		error = xs_transaction_end(tx, false);
		if (error != EAGAIN)
			break;
	}
	if (error != 0) {
		ktest_fail("commit: %d after %d tries", error, tries + 1);
		return (error);
	}
	if ((error = xs_read(0, KT_DIR, "tx-a", &a, NULL)) != 0)
		return (error);
	if ((error = xs_read(0, KT_DIR, "tx-b", &b, NULL)) != 0) {
		free(a, M_XENSTORE);
		return (error);
	}
	error = (strcmp(a, "1") == 0 && strcmp(b, "2") == 0) ? 0 : EINVAL;
	if (error != 0)
		ktest_fail("read back \"%s\", \"%s\"", a, b);
	free(a, M_XENSTORE);
	free(b, M_XENSTORE);
	(void)xs_rm(0, KT_DIR, "tx-a");
	(void)xs_rm(0, KT_DIR, "tx-b");
	if (error != 0)
		return (error);

	/* An aborted transaction's write is seen by no one. */
	if ((error = xs_transaction_start(&tx)) != 0) {
		ktest_fail("start: %d", error);
		return (error);
	}
	if ((error = xs_write(tx, KT_DIR, "tx-c", "3")) != 0) {
		(void)xs_transaction_end(tx, true);
		ktest_fail("write in transaction: %d", error);
		return (error);
	}
	if ((error = xs_transaction_end(tx, true)) != 0) {
		ktest_fail("abort: %d", error);
		return (error);
	}
	if ((error = xs_read(0, KT_DIR, "tx-c", &a, NULL)) != ENOENT) {
		if (error == 0)
			free(a, M_XENSTORE);
		ktest_fail("an aborted write reads back: %d, not ENOENT",
		    error);
		return (EINVAL);
	}
	return (0);
}

/*
 * Isolation, with dom0's help: a transaction reads tx-x, dom0 changes
 * tx-x (the scenario waits for our line and runs xenstore-write), and the
 * commit must fail with EAGAIN, its write lost; the retry reads dom0's
 * value and commits.  Then a transaction that is aborted: its write is
 * not there, for us or (the scenario checks) for dom0.
 */
static bool
kt_read_is(xs_tx_t tx, const char *node, const char *want, int *errorp)
{
	char *val;
	bool same;

	if ((*errorp = xs_read(tx, KT_DIR, node, &val, NULL)) != 0)
		return (false);
	same = strcmp(val, want) == 0;
	free(val, M_XENSTORE);
	return (same);
}

KTEST(xenstore_tx_dom0, "a transaction whose read dom0 overwrites fails "
    "with EAGAIN; the retry commits; abort", KTEST_EXPLICIT)
{
	static int kt_poll;
	xs_tx_t tx;
	char *val;
	int error, i;

	(void)xs_rm(0, KT_DIR, "tx-y");
	(void)xs_rm(0, KT_DIR, "tx-z");
	if ((error = xs_write(0, KT_DIR, "tx-x", "guest-0")) != 0) {
		ktest_fail("write tx-x: %d", error);
		return (error);
	}
	if ((error = xs_transaction_start(&tx)) != 0) {
		ktest_fail("start: %d", error);
		return (error);
	}
	if (!kt_read_is(tx, "tx-x", "guest-0", &error)) {
		(void)xs_transaction_end(tx, true);
		ktest_fail("read tx-x in the transaction: %d", error);
		return (error != 0 ? error : EINVAL);
	}
	if ((error = xs_write(tx, KT_DIR, "tx-y", "first-try")) != 0) {
		(void)xs_transaction_end(tx, true);
		ktest_fail("write tx-y in the transaction: %d", error);
		return (error);
	}
	printf("ktest: xenstore_tx_dom0: transaction read tx-x = guest-0; "
	    "waiting for dom0 to change it\n");
	/* dom0's write, seen outside the transaction. */
	for (i = 0; i < 60 * 20; i++) {
		if (!kt_read_is(0, "tx-x", "guest-0", &error) && error == 0)
			break;
		(void)tsleep(&kt_poll, 0, "ktpoll", hz / 20);
	}
	if (i == 60 * 20) {
		(void)xs_transaction_end(tx, true);
		ktest_fail("dom0 did not change tx-x within 60 s");
		return (ETIMEDOUT);
	}
	error = xs_transaction_end(tx, false);
	printf("ktest: xenstore_tx_dom0: commit after dom0's write: %s\n",
	    error == EAGAIN ? "EAGAIN" : error == 0 ? "committed" : "error");
	if (error != EAGAIN) {
		ktest_fail("commit after dom0's write: %d, not EAGAIN (%d)",
		    error, EAGAIN);
		return (EINVAL);
	}
	if ((error = xs_read(0, KT_DIR, "tx-y", &val, NULL)) != ENOENT) {
		if (error == 0)
			free(val, M_XENSTORE);
		ktest_fail("the failed transaction's write reads back: %d",
		    error);
		return (EINVAL);
	}

	/* The retry sees dom0's value and commits. */
	if ((error = xs_transaction_start(&tx)) != 0) {
		ktest_fail("start: %d", error);
		return (error);
	}
	if ((error = xs_read(tx, KT_DIR, "tx-x", &val, NULL)) != 0) {
		(void)xs_transaction_end(tx, true);
		ktest_fail("read tx-x in the retry: %d", error);
		return (error);
	}
	error = xs_write(tx, KT_DIR, "tx-y", val);
	printf("ktest: xenstore_tx_dom0: the retry read tx-x = %s\n", val);
	free(val, M_XENSTORE);
	if (error != 0) {
		(void)xs_transaction_end(tx, true);
		ktest_fail("write tx-y in the retry: %d", error);
		return (error);
	}
	error = xs_transaction_end(tx, false);
	printf("ktest: xenstore_tx_dom0: retry: %s\n", error == 0 ?
	    "committed" : "failed");
	if (error != 0) {
		ktest_fail("retry commit: %d", error);
		return (error);
	}

	/* Abort: the write is not there. */
	if ((error = xs_transaction_start(&tx)) != 0) {
		ktest_fail("start: %d", error);
		return (error);
	}
	if ((error = xs_write(tx, KT_DIR, "tx-z", "aborted")) != 0 ||
	    (error = xs_transaction_end(tx, true)) != 0) {
		ktest_fail("write and abort: %d", error);
		return (error);
	}
	if ((error = xs_read(0, KT_DIR, "tx-z", &val, NULL)) != ENOENT) {
		if (error == 0)
			free(val, M_XENSTORE);
		ktest_fail("the aborted write reads back: %d", error);
		return (EINVAL);
	}
	printf("ktest: xenstore_tx_dom0: aborted transaction's write is not "
	    "there\n");
	return (0);
}

/* The dom0 exchange: dom0 writes from-dom0, we answer in from-guest. */
static struct mtx kx_lock;
static char kx_value[64];
static int kx_events;

static void
kx_watch_cb(struct xs_watch *w, const char *path)
{
	char *val;

	if (xs_read(0, path, NULL, &val, NULL) != 0)
		return;
	mtx_lock(&kx_lock);
	strlcpy(kx_value, val, sizeof(kx_value));
	kx_events++;
	wakeup(&kx_events);
	mtx_unlock(&kx_lock);
	free(val, M_XENSTORE);
}

KTEST(xenstore_dom0, "values and watches cross between dom0 and us",
    KTEST_EXPLICIT)
{
	struct xs_watch w;
	char path[64];
	int error;

	mtx_init(&kx_lock, "kx", MTX_DEF);
	kx_value[0] = '\0';
	kx_events = 0;
	if ((error = xs_write(0, KT_DIR, "from-guest", "guest-says-hi")) != 0) {
		ktest_fail("write: %d", error);
		return (error);
	}
	snprintf(path, sizeof(path), "/local/domain/%u/" KT_DIR "/from-dom0",
	    xs_domid());
	if ((error = xs_watch_register(&w, path, kx_watch_cb, NULL)) != 0) {
		ktest_fail("watch: %d", error);
		return (error);
	}
	printf("ktest: xenstore_dom0: waiting for dom0 to write %s\n", path);
	mtx_lock(&kx_lock);
	error = 0;
	while (strcmp(kx_value, "dom0-says-42") != 0 && error == 0)
		error = msleep(&kx_events, &kx_lock, 0, "kxwait", 60 * hz);
	mtx_unlock(&kx_lock);
	xs_watch_unregister(&w);
	if (error != 0) {
		ktest_fail("no value from dom0 within 60 s (%d events, last "
		    "\"%s\")", kx_events, kx_value);
		return (ETIMEDOUT);
	}
	printf("ktest: xenstore_dom0: dom0 wrote \"%s\" (%d watch events)\n",
	    kx_value, kx_events);
	return (0);
}
