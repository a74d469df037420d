/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * EVENTHANDLER(9): named lists of callbacks (see <sys/eventhandler.h> for
 * the macros the rest of the kernel uses).
 *
 * Lists are found by name in one global list, created by their first
 * registration and never freed (there are few of them, and a tag held by
 * a module stays meaningful across a reload).  Each list keeps its
 * entries sorted by priority, registration order among equals, under a
 * sleep mutex of its own; the global lock only guards the list of lists,
 * and the two are never held together.
 *
 * Invocation (EVENTHANDLER_INVOKE) counts itself in el_runcount and walks
 * the entries without holding the lock across a handler: handlers may
 * sleep, register and deregister -- on their own list or any other.  So
 * that the walk stays valid, an entry deregistered while its list runs is
 * only marked dead (skipped from then on) and freed by the last invoker
 * to finish.  EVENTHANDLER_DEREGISTER also waits for that moment, so a
 * module that deregisters in MOD_UNLOAD knows that none of its code is
 * still running from the list when its file goes away.
 *
 * Context: thread only (sleep mutexes); never from an event handler.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/queue.h>
#include <sys/eventhandler.h>

#define	EHL_NAMELEN	32

struct eventhandler_list {
	TAILQ_ENTRY(eventhandler_list) el_link;	/* [g] all lists */
	char			 el_name[EHL_NAMELEN];	/* [I] */
	struct mtx		 el_lock;
	u_int			 el_runcount;	/* [l] invocations running */
	bool			 el_hasdead;	/* [l] dead entries to free */
	TAILQ_HEAD(, eventhandler_entry) el_entries;	/* [l] */
};

static MALLOC_DEFINE(M_EVENTHANDLER, "eventhandler",
    "event handler lists and entries");

/* [g]: the global lock, eh_lock. */
static struct mtx eh_lock;
static TAILQ_HEAD(, eventhandler_list) eh_lists =
    TAILQ_HEAD_INITIALIZER(eh_lists);

static void
eventhandler_init(void *arg)
{
	mtx_init(&eh_lock, "eventhandler", MTX_DEF);
}
SYSINIT(eventhandler, SI_SUB_TUNABLES, SI_ORDER_FIRST, eventhandler_init,
    NULL);

/* The list called 'name'; a new, empty one if 'create' and none exists. */
static struct eventhandler_list *
eventhandler_find_list(const char *name, bool create)
{
	struct eventhandler_list *el;
	size_t len;

	mtx_lock(&eh_lock);
	TAILQ_FOREACH(el, &eh_lists, el_link)
		if (strcmp(el->el_name, name) == 0)
			break;
	if (el == NULL && create) {
		len = strlen(name);
		if (len == 0 || len >= EHL_NAMELEN) {
			printf("eventhandler: bad list name \"%s\"\n", name);
			goto out;
		}
		el = malloc(sizeof(*el), M_EVENTHANDLER, M_NOWAIT | M_ZERO);
		if (el == NULL)
			goto out;
		memcpy(el->el_name, name, len + 1);
		mtx_init(&el->el_lock, "eventhandler list", MTX_DEF);
		TAILQ_INIT(&el->el_entries);
		TAILQ_INSERT_TAIL(&eh_lists, el, el_link);
	}
out:
	mtx_unlock(&eh_lock);
	return (el);
}

eventhandler_tag
eventhandler_register(const char *name, eventhandler_fn func, void *arg,
    int priority)
{
	struct eventhandler_list *el;
	struct eventhandler_entry *ee, *at;

	KASSERT(priority >= 0, ("eventhandler_register: %s: priority %d",
	    name, priority));
	if ((el = eventhandler_find_list(name, true)) == NULL)
		return (NULL);
	ee = malloc(sizeof(*ee), M_EVENTHANDLER, M_NOWAIT | M_ZERO);
	if (ee == NULL)
		return (NULL);
	ee->ee_func = func;
	ee->ee_arg = arg;
	ee->ee_priority = priority;
	mtx_lock(&el->el_lock);
	/* After every live entry of the same or a lower priority. */
	TAILQ_FOREACH(at, &el->el_entries, ee_link)
		if (at->ee_priority != EHE_DEAD && at->ee_priority > priority)
			break;
	if (at != NULL)
		TAILQ_INSERT_BEFORE(at, ee, ee_link);
	else
		TAILQ_INSERT_TAIL(&el->el_entries, ee, ee_link);
	mtx_unlock(&el->el_lock);
	return (ee);
}

/* Free the entries deregistered while the list ran.  List locked. */
static void
eventhandler_prune(struct eventhandler_list *el)
{
	struct eventhandler_entry *ee, *next;

	mtx_assert(&el->el_lock, MA_OWNED);
	for (ee = TAILQ_FIRST(&el->el_entries); ee != NULL; ee = next) {
		next = TAILQ_NEXT(ee, ee_link);
		if (ee->ee_priority != EHE_DEAD)
			continue;
		TAILQ_REMOVE(&el->el_entries, ee, ee_link);
		free(ee, M_EVENTHANDLER);
	}
	el->el_hasdead = false;
}

void
eventhandler_deregister(const char *name, eventhandler_tag tag, int wait)
{
	struct eventhandler_list *el;
	struct eventhandler_entry *ee;

	if (tag == NULL)
		return;
	if ((el = eventhandler_find_list(name, false)) == NULL) {
		printf("eventhandler: deregister from unknown list \"%s\"\n",
		    name);
		return;
	}
	mtx_lock(&el->el_lock);
	TAILQ_FOREACH(ee, &el->el_entries, ee_link)
		if (ee == tag)
			break;
	if (ee == NULL || ee->ee_priority == EHE_DEAD) {
		mtx_unlock(&el->el_lock);
		printf("eventhandler: %s: tag %p is not registered\n", name,
		    tag);
		return;
	}
	if (el->el_runcount == 0) {
		TAILQ_REMOVE(&el->el_entries, ee, ee_link);
		free(ee, M_EVENTHANDLER);
	} else {
		ee->ee_priority = EHE_DEAD;
		el->el_hasdead = true;
		while (wait && el->el_runcount > 0)
			(void)msleep(el, &el->el_lock, 0, "evhdereg", 0);
	}
	mtx_unlock(&el->el_lock);
}

/*
 * EVENTHANDLER_INVOKE: begin (NULL: no such list, nothing to call), next
 * live entry after 'prev' (NULL: the first), end.
 */
struct eventhandler_list *
eventhandler_invoke_begin(const char *name)
{
	struct eventhandler_list *el;

	if ((el = eventhandler_find_list(name, false)) == NULL)
		return (NULL);
	mtx_lock(&el->el_lock);
	el->el_runcount++;
	mtx_unlock(&el->el_lock);
	return (el);
}

struct eventhandler_entry *
eventhandler_invoke_next(struct eventhandler_list *el,
    struct eventhandler_entry *prev)
{
	struct eventhandler_entry *ee;

	/* 'prev' is still linked: nothing is freed while we run. */
	mtx_lock(&el->el_lock);
	ee = prev == NULL ? TAILQ_FIRST(&el->el_entries) :
	    TAILQ_NEXT(prev, ee_link);
	while (ee != NULL && ee->ee_priority == EHE_DEAD)
		ee = TAILQ_NEXT(ee, ee_link);
	mtx_unlock(&el->el_lock);
	return (ee);
}

void
eventhandler_invoke_end(struct eventhandler_list *el)
{
	mtx_lock(&el->el_lock);
	KASSERT(el->el_runcount > 0, ("eventhandler_invoke_end: %s not "
	    "running", el->el_name));
	if (--el->el_runcount == 0) {
		if (el->el_hasdead)
			eventhandler_prune(el);
		wakeup(el);
	}
	mtx_unlock(&el->el_lock);
}
