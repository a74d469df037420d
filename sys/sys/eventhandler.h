/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * EVENTHANDLER(9): named lists of callbacks that a part of the kernel
 * runs when something happens (the system is about to shut down, ...),
 * without knowing who listens.  Implemented in
 * sys/kern/subr_eventhandler.c.
 *
 * The announcer declares the list's handler type in a header and invokes
 * it; a listener registers a function of that type with an argument and
 * a priority (lower runs first) and keeps the tag to deregister it:
 *
 *	typedef void (*shutdown_fn)(void *, int);
 *	EVENTHANDLER_DECLARE(shutdown_pre_sync, shutdown_fn);
 *
 *	tag = EVENTHANDLER_REGISTER(shutdown_pre_sync, foo_shutdown, sc,
 *	    EVENTHANDLER_PRI_ANY);
 *	EVENTHANDLER_INVOKE(shutdown_pre_sync, howto);
 *	EVENTHANDLER_DEREGISTER(shutdown_pre_sync, tag);
 *
 * A list is created by its first registration; invoking a list nobody
 * registered with does nothing.  Thread context only: the lists are
 * guarded by sleep mutexes, and handlers may sleep.
 */
#ifndef _SYS_EVENTHANDLER_H_
#define	_SYS_EVENTHANDLER_H_

#include <sys/queue.h>

typedef void (*eventhandler_fn)(void);

/*
 * One registration.  Lock legend: [l] the list's lock; [I] immutable.
 */
struct eventhandler_entry {
	TAILQ_ENTRY(eventhandler_entry) ee_link;	/* [l] by priority */
	eventhandler_fn		 ee_func;	/* [I] cast to the list's type */
	void			*ee_arg;	/* [I] its first argument */
	int			 ee_priority;	/* [l] EHE_DEAD: deregistered */
};
typedef struct eventhandler_entry *eventhandler_tag;

#define	EVENTHANDLER_PRI_FIRST	0
#define	EVENTHANDLER_PRI_ANY	10000
#define	EVENTHANDLER_PRI_LAST	20000
#define	EHE_DEAD		(-1)	/* ee_priority of a deregistered entry */

struct eventhandler_list;

eventhandler_tag eventhandler_register(const char *, eventhandler_fn, void *,
	    int);
void	eventhandler_deregister(const char *, eventhandler_tag, int);
struct eventhandler_list *eventhandler_invoke_begin(const char *);
struct eventhandler_entry *eventhandler_invoke_next(
	    struct eventhandler_list *, struct eventhandler_entry *);
void	eventhandler_invoke_end(struct eventhandler_list *);

/* The type of the handlers of list 'name': a pointer to function. */
#define	EVENTHANDLER_DECLARE(name, type)				\
	typedef type name##_eventhandler_t

/*
 * Register 'func' (of the list's declared type; the compiler checks) with
 * 'arg' at 'priority'.  Returns the tag, or NULL if memory was short.
 */
#define	EVENTHANDLER_REGISTER(name, func, arg, priority) __extension__ ({ \
	name##_eventhandler_t _eh_func = (func);			\
	eventhandler_register(#name, (eventhandler_fn)_eh_func, (arg),	\
	    (priority));						\
})

/*
 * Remove a registration (NULL: nothing to do).  When it returns, the
 * handler is not running and will not run again: if the list is being
 * invoked, it waits for that to finish.  From a handler of the same list,
 * use EVENTHANDLER_DEREGISTER_NOWAIT, which only makes sure the handler
 * is not called again.
 */
#define	EVENTHANDLER_DEREGISTER(name, tag)				\
	eventhandler_deregister(#name, (tag), 1)
#define	EVENTHANDLER_DEREGISTER_NOWAIT(name, tag)			\
	eventhandler_deregister(#name, (tag), 0)

/* Call every handler of 'name', by priority: handler(arg, ...). */
#define	EVENTHANDLER_INVOKE(name, ...) do {				\
	struct eventhandler_list *_el;					\
	struct eventhandler_entry *_ee;					\
									\
	if ((_el = eventhandler_invoke_begin(#name)) != NULL) {		\
		_ee = NULL;						\
		while ((_ee = eventhandler_invoke_next(_el, _ee)) != NULL) \
			((name##_eventhandler_t)_ee->ee_func)(_ee->ee_arg, \
			    ## __VA_ARGS__);				\
		eventhandler_invoke_end(_el);				\
	}								\
} while (0)

/*
 * The shutdown lists kern_reboot(9) invokes, in this order, with the
 * RB_* flags it was given: shutdown_pre_sync before the devices are shut
 * down, shutdown_post_sync after the devices and before the modules,
 * shutdown_final last, just before the machine-dependent power-off,
 * reset or halt.
 */
typedef void (*shutdown_fn)(void *, int);
EVENTHANDLER_DECLARE(shutdown_pre_sync, shutdown_fn);
EVENTHANDLER_DECLARE(shutdown_post_sync, shutdown_fn);
EVENTHANDLER_DECLARE(shutdown_final, shutdown_fn);

#define	SHUTDOWN_PRI_FIRST	EVENTHANDLER_PRI_FIRST
#define	SHUTDOWN_PRI_DEFAULT	EVENTHANDLER_PRI_ANY
#define	SHUTDOWN_PRI_LAST	EVENTHANDLER_PRI_LAST

#endif /* !_SYS_EVENTHANDLER_H_ */
