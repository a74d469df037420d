/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * sysctl(9): the read-only tree of named kernel variables.
 *
 * Oids are declared statically (SYSCTL_* in <sys/sysctl.h>) in the
 * sysctl_set linker set, or registered at run time.  Each knows its
 * parent, so its full name ("vm.stats.free") is found by walking up.  The
 * tree is kept as one list of every registered oid sorted by full name,
 * which is the order queries print in; sysctl_init() builds it from the
 * linker set at SI_SUB_TUNABLES, before anything can ask.
 *
 * A query names a subtree: "vm.stats" matches the oid vm.stats and
 * everything below it, by whole components ("vm.st" matches nothing); no
 * name matches everything.  Every matching variable is formatted and
 * handed to the caller's output function as (name, value).  A handler
 * (CTLTYPE_PROC) runs if its oid is in the subtree or the subtree is
 * below it, and prints through sysctl_emit(), for itself or for names
 * below it that no oid stands for (kern.malloc.<type>.inuse); each name
 * it emits is held against the query too.
 *
 * Queries and registration run in thread context under the sysctl lock,
 * a sleep mutex; handlers run with it held and must not register oids.
 * Counters are read without their owners' locks: a value may be a moment
 * old, never torn (aligned words).
 *
 * The root nodes and the kern.* identity strings are in kern_mib.c.  The
 * unit tests in tests/sys/kern build this file on the host.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/mutex.h>
#include <sys/stdarg.h>

#include <sys/sysctl.h>

SET_DECLARE(sysctl_set, struct sysctl_oid);

struct sysctl_req {
	const char	*sr_query;		/* NULL: everything */
	sysctl_out_t	*sr_out;
	void		*sr_arg;
	const char	*sr_base;		/* the running handler's oid */
	int		 sr_found;		/* something matched */
};

static TAILQ_HEAD(, sysctl_oid) sysctl_list =
    TAILQ_HEAD_INITIALIZER(sysctl_list);
static bool sysctl_ready;
u_int sysctl_noids;		/* registered oids, for leak checks */

static struct mtx sysctl_mtx;
#define	SYSCTL_LOCK()		mtx_lock(&sysctl_mtx)
#define	SYSCTL_UNLOCK()		mtx_unlock(&sysctl_mtx)

static void	sysctl_init(void *);

/* The full dotted name of oid; ENAMETOOLONG if it does not fit. */
int
sysctl_fullname(struct sysctl_oid *oid, char *buf, size_t size)
{
	struct sysctl_oid *path[16];
	size_t len, n;
	int depth, i;

	depth = 0;
	for (; oid != NULL; oid = oid->oid_parent) {
		if (depth == (int)(sizeof(path) / sizeof(path[0])))
			return (ENAMETOOLONG);
		path[depth++] = oid;
	}
	len = 0;
	for (i = depth - 1; i >= 0; i--) {
		n = strlen(path[i]->oid_name);
		if (len + n + (len > 0) + 1 > size)
			return (ENAMETOOLONG);
		if (len > 0)
			buf[len++] = '.';
		memcpy(buf + len, path[i]->oid_name, n);
		len += n;
	}
	if (size == 0)
		return (ENAMETOOLONG);
	buf[len] = '\0';
	return (0);
}

/* Is 'name' the subtree 'query' or inside it (by whole components)? */
static bool
sysctl_under(const char *name, const char *query)
{
	size_t n;

	if (query == NULL)
		return (true);
	n = strlen(query);
	return (strncmp(name, query, n) == 0 &&
	    (name[n] == '\0' || name[n] == '.'));
}

static int
sysctl_insert(struct sysctl_oid *oid)
{
	char name[SYSCTL_NAMELEN], other[SYSCTL_NAMELEN];
	struct sysctl_oid *p;
	int cmp;

	if (oid->oid_parent != NULL && !oid->oid_parent->oid_registered)
		return (ENOENT);
	if (oid->oid_registered)
		return (EEXIST);
	if (sysctl_fullname(oid, name, sizeof(name)) != 0 ||
	    oid->oid_name[0] == '\0' || strchr(oid->oid_name, '.') != NULL)
		return (EINVAL);
	TAILQ_FOREACH(p, &sysctl_list, oid_link) {
		(void)sysctl_fullname(p, other, sizeof(other));
		if ((cmp = strcmp(name, other)) == 0)
			return (EEXIST);
		if (cmp < 0)
			break;
	}
	if (p != NULL)
		TAILQ_INSERT_BEFORE(p, oid, oid_link);
	else
		TAILQ_INSERT_TAIL(&sysctl_list, oid, oid_link);
	oid->oid_registered = 1;
	sysctl_noids++;
	return (0);
}

/*
 * Add an oid at run time (a module's, a device's).  Its parent must be
 * registered.  ENOENT: no parent; EEXIST: the name is taken; EINVAL: a
 * bad or too long name.
 */
int
sysctl_register_oid(struct sysctl_oid *oid)
{
	int error;

	if (!sysctl_ready)
		sysctl_init(NULL);
	SYSCTL_LOCK();
	error = sysctl_insert(oid);
	SYSCTL_UNLOCK();
	return (error);
}

/* Remove an oid registered before, and everything below it. */
void
sysctl_unregister_oid(struct sysctl_oid *oid)
{
	struct sysctl_oid *p, *next, *q;

	SYSCTL_LOCK();
	if (oid->oid_registered) {
		/* (No TAILQ_FOREACH_SAFE: the host's queue.h lacks it.) */
		for (p = TAILQ_FIRST(&sysctl_list); p != NULL; p = next) {
			next = TAILQ_NEXT(p, oid_link);
			for (q = p; q != NULL && q != oid; q = q->oid_parent)
				;
			if (q == NULL)
				continue;
			TAILQ_REMOVE(&sysctl_list, p, oid_link);
			p->oid_registered = 0;
			sysctl_noids--;
		}
	}
	SYSCTL_UNLOCK();
}

/*
 * Print one value from a handler: for the handler's own oid when 'sub' is
 * NULL, else for the name "<oid>.<sub>".  Names outside the query are
 * skipped.  Returns 0, or ENAMETOOLONG.
 */
int
sysctl_emit(struct sysctl_req *req, const char *sub, const char *fmt, ...)
{
	char name[SYSCTL_NAMELEN], value[SYSCTL_VALUELEN];
	va_list ap;
	int n;

	if (sub == NULL)
		n = snprintf(name, sizeof(name), "%s", req->sr_base);
	else
		n = snprintf(name, sizeof(name), "%s.%s", req->sr_base, sub);
	if (n < 0 || (size_t)n >= sizeof(name))
		return (ENAMETOOLONG);
	if (!sysctl_under(name, req->sr_query))
		return (0);
	req->sr_found = 1;
	va_start(ap, fmt);
	(void)vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	req->sr_out(name, value, req->sr_arg);
	return (0);
}

static void
sysctl_show(struct sysctl_oid *oid, const char *name, struct sysctl_req *req)
{
	req->sr_base = name;
	switch (oid->oid_kind) {
	case CTLTYPE_INT:
		(void)sysctl_emit(req, NULL, "%d", *(int *)oid->oid_arg1);
		break;
	case CTLTYPE_UINT:
		(void)sysctl_emit(req, NULL, "%u", *(u_int *)oid->oid_arg1);
		break;
	case CTLTYPE_LONG:
		(void)sysctl_emit(req, NULL, "%ld", *(long *)oid->oid_arg1);
		break;
	case CTLTYPE_ULONG:
		(void)sysctl_emit(req, NULL, "%lu",
		    *(u_long *)oid->oid_arg1);
		break;
	case CTLTYPE_STRING:
		(void)sysctl_emit(req, NULL, "%s", (char *)oid->oid_arg1);
		break;
	case CTLTYPE_PROC:
		(void)oid->oid_handler(oid, req);
		break;
	case CTLTYPE_NODE:
	default:
		break;
	}
}

/*
 * Print every variable in the subtree 'query' (NULL or "": all) through
 * out(name, value, arg), in name order.  Returns 0, or ENOENT if no oid
 * and no handler's name is in that subtree.
 */
int
sysctl_query(const char *query, sysctl_out_t *out, void *arg)
{
	char name[SYSCTL_NAMELEN];
	struct sysctl_req req;
	struct sysctl_oid *oid;

	if (!sysctl_ready)
		sysctl_init(NULL);
	if (query != NULL && query[0] == '\0')
		query = NULL;
	req.sr_query = query;
	req.sr_out = out;
	req.sr_arg = arg;
	req.sr_found = 0;
	SYSCTL_LOCK();
	TAILQ_FOREACH(oid, &sysctl_list, oid_link) {
		if (sysctl_fullname(oid, name, sizeof(name)) != 0)
			continue;
		if (sysctl_under(name, query)) {
			req.sr_found = 1;
			sysctl_show(oid, name, &req);
		} else if (oid->oid_kind == CTLTYPE_PROC &&
		    sysctl_under(query, name))
			sysctl_show(oid, name, &req);
	}
	SYSCTL_UNLOCK();
	return (req.sr_found ? 0 : ENOENT);
}

/*
 * Build the tree from the linker set.  A parent may come after its child
 * in the set: insert in rounds until nothing more can go in.
 */
static void
sysctl_init(void *arg)
{
	struct sysctl_oid **oidp;
	bool progress;
	int error;

	if (sysctl_ready)
		return;
	mtx_init(&sysctl_mtx, "sysctl", MTX_DEF);
	sysctl_ready = true;
	do {
		progress = false;
		SET_FOREACH(oidp, sysctl_set) {
			if ((*oidp)->oid_registered)
				continue;
			error = sysctl_insert(*oidp);
			if (error == 0)
				progress = true;
			else if (error != ENOENT)
				printf("sysctl: cannot add \"%s\": error %d\n",
				    (*oidp)->oid_name, error);
		}
	} while (progress);
	SET_FOREACH(oidp, sysctl_set)
		if (!(*oidp)->oid_registered &&
		    (*oidp)->oid_parent != NULL &&
		    !(*oidp)->oid_parent->oid_registered)
			printf("sysctl: \"%s\": parent \"%s\" is not in the "
			    "tree\n", (*oidp)->oid_name,
			    (*oidp)->oid_parent->oid_name);
}

SYSINIT(sysctl, SI_SUB_TUNABLES, SI_ORDER_FIRST, sysctl_init, NULL);
