/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * A fake xenstore for host tests: the client interface of
 * <xen/xenstore/xenstorevar.h> over an in-memory tree of (path, value)
 * pairs.  Like the real one, relative paths are under our home
 * (/local/domain/5), a new watch fires once, and watch callbacks run
 * later, not inside the call that caused them: the test delivers queued
 * events with fake_xs_deliver(), as the xenwatch thread would.  Mutexes
 * are no-ops (one thread).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/queue.h>

#include "malloc_host.h"
#define	malloc	kern_malloc
#define	free	kern_free
#include <sys/malloc.h>
#undef malloc
#undef free
#include <sys/mutex.h>
#include <xen/xenstore/xs_wire.h>
#include <xen/xenstore/xenstorevar.h>
#include "fake_xs.h"

MALLOC_DEFINE(M_XENSTORE, "xenstore", "fake xenstore");
struct xs_stats xs_stats;

#define	HOME	"/local/domain/5"
#define	NNODES	256
#define	NEVENTS	256

static struct { char *path, *value; } nodes[NNODES];
static LIST_HEAD(, xs_watch) watches = LIST_HEAD_INITIALIZER(watches);
static struct { struct xs_watch *w; char *path; } events[NEVENTS];
static int nevents;

static void
abspath(const char *dir, const char *node, char *buf, size_t len)
{
	char tmp[1024];

	if (node != NULL && node[0] != '\0')
		snprintf(tmp, sizeof(tmp), "%s/%s", dir, node);
	else
		snprintf(tmp, sizeof(tmp), "%s", dir);
	if (tmp[0] == '/')
		snprintf(buf, len, "%s", tmp);
	else
		snprintf(buf, len, "%s/%s", HOME, tmp);
}

static int
find(const char *path)
{
	int i;

	for (i = 0; i < NNODES; i++)
		if (nodes[i].path != NULL && strcmp(nodes[i].path, path) == 0)
			return (i);
	return (-1);
}

static void
queue_events(const char *path)
{
	struct xs_watch *w;
	size_t n;

	LIST_FOREACH(w, &watches, xw_link) {
		n = strlen(w->xw_node);
		if (strncmp(path, w->xw_node, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/') && nevents < NEVENTS) {
			events[nevents].w = w;
			events[nevents].path = strdup(path);
			nevents++;
		}
	}
}

void
fake_xs_set(const char *path, const char *value)
{
	char abs[1024];
	int i;

	abspath(path, NULL, abs, sizeof(abs));
	if ((i = find(abs)) < 0) {
		for (i = 0; i < NNODES && nodes[i].path != NULL; i++)
			;
		if (i == NNODES)
			abort();
		nodes[i].path = strdup(abs);
	} else
		free(nodes[i].value);
	nodes[i].value = strdup(value);
	queue_events(abs);
}

/* Remove path and everything below it. */
void
fake_xs_rm(const char *path)
{
	char abs[1024];
	size_t n;
	int i;

	abspath(path, NULL, abs, sizeof(abs));
	n = strlen(abs);
	for (i = 0; i < NNODES; i++)
		if (nodes[i].path != NULL &&
		    strncmp(nodes[i].path, abs, n) == 0 &&
		    (nodes[i].path[n] == '\0' || nodes[i].path[n] == '/')) {
			free(nodes[i].path);
			free(nodes[i].value);
			nodes[i].path = nodes[i].value = NULL;
		}
	queue_events(abs);
}

void
fake_xs_reset(void)
{
	int i;

	for (i = 0; i < NNODES; i++) {
		free(nodes[i].path);
		free(nodes[i].value);
		nodes[i].path = nodes[i].value = NULL;
	}
	for (i = 0; i < nevents; i++)
		free(events[i].path);
	nevents = 0;
	LIST_INIT(&watches);
}

/* Run the queued watch callbacks, as the xenwatch thread would. */
int
fake_xs_deliver(void)
{
	int i, n = 0;

	while (nevents > 0) {
		struct xs_watch *w = events[0].w;
		char *path = events[0].path;

		for (i = 1; i < nevents; i++)
			events[i - 1] = events[i];
		nevents--;
		w->xw_callback(w, path);
		free(path);
		n++;
	}
	return (n);
}

int
fake_xs_nwatches(void)
{
	struct xs_watch *w;
	int n = 0;

	LIST_FOREACH(w, &watches, xw_link)
		n++;
	return (n);
}

int
xs_read(xs_tx_t tx, const char *dir, const char *node, char **valp,
    size_t *lenp)
{
	char abs[1024];
	int i;

	(void)tx;
	abspath(dir, node, abs, sizeof(abs));
	if ((i = find(abs)) < 0 || nodes[i].value == NULL)
		return (ENOENT);
	*valp = kern_malloc(strlen(nodes[i].value) + 1, M_XENSTORE, M_WAITOK);
	strcpy(*valp, nodes[i].value);
	if (lenp != NULL)
		*lenp = strlen(*valp);
	return (0);
}

int
xs_write(xs_tx_t tx, const char *dir, const char *node, const char *value)
{
	char abs[1024];

	(void)tx;
	abspath(dir, node, abs, sizeof(abs));
	fake_xs_set(abs, value);
	return (0);
}

int
xs_directory(xs_tx_t tx, const char *dir, const char *node, u_int *nump,
    const char ***vecp)
{
	char abs[1024], names[NNODES][128];
	const char **vec;
	char *p;
	size_t n, len;
	u_int count = 0, i, j;
	int k;

	(void)tx;
	abspath(dir, node, abs, sizeof(abs));
	n = strlen(abs);
	for (k = 0; k < NNODES; k++) {
		const char *q = nodes[k].path;

		if (q == NULL || strncmp(q, abs, n) != 0 || q[n] != '/')
			continue;
		q += n + 1;
		len = strcspn(q, "/");
		for (j = 0; j < count; j++)
			if (strlen(names[j]) == len &&
			    strncmp(names[j], q, len) == 0)
				break;
		if (j == count && len < sizeof(names[0])) {
			memcpy(names[count], q, len);
			names[count][len] = '\0';
			count++;
		}
	}
	if (count == 0 && find(abs) < 0)
		return (ENOENT);
	vec = kern_malloc((count + 1) * sizeof(*vec) + count * 128,
	    M_XENSTORE, M_WAITOK);
	p = (char *)&vec[count + 1];
	for (i = 0; i < count; i++) {
		strcpy(p, names[i]);
		vec[i] = p;
		p += strlen(p) + 1;
	}
	vec[count] = NULL;
	*nump = count;
	*vecp = vec;
	return (0);
}

int
xs_read_ulong(xs_tx_t tx, const char *dir, const char *node, u_long max,
    u_long *valp)
{
	char *v;
	int error;

	if ((error = xs_read(tx, dir, node, &v, NULL)) != 0)
		return (error);
	error = xs_parse_ulong(v, max, valp);
	kern_free(v, M_XENSTORE);
	return (error);
}

int
xs_read_int(xs_tx_t tx, const char *dir, const char *node, int min, int max,
    int *valp)
{
	char *v;
	int error;

	if ((error = xs_read(tx, dir, node, &v, NULL)) != 0)
		return (error);
	error = xs_parse_int(v, min, max, valp);
	kern_free(v, M_XENSTORE);
	return (error);
}

int
xs_watch_register(struct xs_watch *w, const char *node, xs_watch_cb_t *cb,
    void *arg)
{
	w->xw_node = kern_malloc(strlen(node) + 1, M_XENSTORE, M_WAITOK);
	strcpy(w->xw_node, node);
	w->xw_callback = cb;
	w->xw_arg = arg;
	LIST_INSERT_HEAD(&watches, w, xw_link);
	if (nevents < NEVENTS) {	/* a new watch fires once */
		events[nevents].w = w;
		events[nevents].path = strdup(node);
		nevents++;
	}
	return (0);
}

void
xs_watch_unregister(struct xs_watch *w)
{
	int i, j;

	if (w->xw_node == NULL)
		return;
	LIST_REMOVE(w, xw_link);
	for (i = j = 0; i < nevents; i++) {
		if (events[i].w == w)
			free(events[i].path);
		else
			events[j++] = events[i];
	}
	nevents = j;
	kern_free(w->xw_node, M_XENSTORE);
	w->xw_node = NULL;
}

bool
xs_ready(void)
{
	return (true);
}

/* The domain id; a test of a resume in a new domain changes it. */
u_int fake_xs_domid = 5;

u_int
xs_domid(void)
{
	return (fake_xs_domid);
}

/* xen_suspend(9)'s flag, read by the bus's DEVICE_RESUME. */
bool xen_suspend_cancelled;
