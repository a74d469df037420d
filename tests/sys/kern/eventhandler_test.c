/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * EVENTHANDLER(9) on the host: sys/kern/subr_eventhandler.c as it is,
 * with malloc(9) counted by malloc_host.c and mutex(9)/sleep(9) built
 * here on POSIX threads, so that a deregistration really has to wait for
 * an invocation running in another thread.  Handlers append to a log the
 * tests compare.  Each test case runs in a process of its own.
 */

#include <sys/types.h>
#include <atf-c.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/mutex.h>
#include <sys/eventhandler.h>

/*
 * mutex(9) and sleep(9): every struct mtx is the one pthread mutex below
 * (the code under test never holds two locks at once, which lock()
 * checks), and every sleep channel shares one condition variable.
 */
static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t host_cv = PTHREAD_COND_INITIALIZER;
static __thread int host_held;
static __thread int host_me;		/* its address names the thread */

void
mtx_init(struct mtx *m, const char *name, int flags)
{
	memset(m, 0, sizeof(*m));
	m->mtx_name = name;
	m->mtx_flags = flags;
}

void
mtx_lock(struct mtx *m)
{
	ATF_REQUIRE_MSG(host_held == 0, "%s taken with a lock held",
	    m->mtx_name);
	pthread_mutex_lock(&host_lock);
	host_held = 1;
	m->mtx_owner = (struct thread *)&host_me;
}

void
mtx_unlock(struct mtx *m)
{
	ATF_REQUIRE(m->mtx_owner == (struct thread *)&host_me);
	m->mtx_owner = NULL;
	host_held = 0;
	pthread_mutex_unlock(&host_lock);
}

void
_mtx_assert(struct mtx *m, int what, const char *file, int line)
{
	if (what == MA_OWNED)
		ATF_REQUIRE_MSG(m->mtx_owner == (struct thread *)&host_me,
		    "%s not owned at %s:%d", m->mtx_name, file, line);
}

int
msleep(const void *chan, struct mtx *m, int pri, const char *wmesg,
    int timo)
{
	m->mtx_owner = NULL;
	pthread_cond_wait(&host_cv, &host_lock);
	m->mtx_owner = (struct thread *)&host_me;
	return (0);
}

void
wakeup(const void *chan)
{
	pthread_cond_broadcast(&host_cv);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

/* The lists of these tests. */
typedef void (*test_fn)(void *, int);
EVENTHANDLER_DECLARE(test_a, test_fn);
EVENTHANDLER_DECLARE(test_b, test_fn);
EVENTHANDLER_DECLARE(test_never, test_fn);

static char evlog[1024];

static void
ev(const char *fmt, ...)
{
	size_t len;
	va_list ap;

	len = strlen(evlog);
	if (len > 0 && len < sizeof(evlog) - 1)
		evlog[len++] = ' ';
	va_start(ap, fmt);
	vsnprintf(evlog + len, sizeof(evlog) - len, fmt, ap);
	va_end(ap);
}

#define	CHECK_LOG(expect) do {						\
	ATF_CHECK_STREQ(evlog, (expect));				\
	evlog[0] = '\0';						\
} while (0)

/* Logs "<arg>:<value>". */
static void
h_log(void *arg, int v)
{
	ev("%s:%d", (const char *)arg, v);
}

ATF_TC_WITHOUT_HEAD(priority_order);
ATF_TC_BODY(priority_order, tc)
{
	eventhandler_tag t[5];

	t[0] = EVENTHANDLER_REGISTER(test_a, h_log, "any1",
	    EVENTHANDLER_PRI_ANY);
	t[1] = EVENTHANDLER_REGISTER(test_a, h_log, "last",
	    EVENTHANDLER_PRI_LAST);
	t[2] = EVENTHANDLER_REGISTER(test_a, h_log, "first",
	    EVENTHANDLER_PRI_FIRST);
	t[3] = EVENTHANDLER_REGISTER(test_a, h_log, "any2",
	    EVENTHANDLER_PRI_ANY);
	t[4] = EVENTHANDLER_REGISTER(test_a, h_log, "five", 5);
	for (int i = 0; i < 5; i++)
		ATF_REQUIRE(t[i] != NULL);
	/* Lower first; equal priorities in registration order. */
	EVENTHANDLER_INVOKE(test_a, 7);
	CHECK_LOG("first:7 five:7 any1:7 any2:7 last:7");
	/* Another list is another list. */
	ATF_REQUIRE(EVENTHANDLER_REGISTER(test_b, h_log, "b", 1) != NULL);
	EVENTHANDLER_INVOKE(test_b, 1);
	CHECK_LOG("b:1");
	EVENTHANDLER_INVOKE(test_a, 8);
	CHECK_LOG("first:8 five:8 any1:8 any2:8 last:8");
}

ATF_TC_WITHOUT_HEAD(deregister);
ATF_TC_BODY(deregister, tc)
{
	eventhandler_tag a, b, c;
	long live;

	live = kern_malloc_live;
	a = EVENTHANDLER_REGISTER(test_a, h_log, "a", 1);
	b = EVENTHANDLER_REGISTER(test_a, h_log, "b", 2);
	c = EVENTHANDLER_REGISTER(test_a, h_log, "c", 3);
	ATF_REQUIRE(a != NULL && b != NULL && c != NULL);
	/* The list and three entries. */
	ATF_CHECK_EQ(kern_malloc_live, live + 4);
	EVENTHANDLER_DEREGISTER(test_a, b);
	ATF_CHECK_EQ(kern_malloc_live, live + 3);
	EVENTHANDLER_INVOKE(test_a, 0);
	CHECK_LOG("a:0 c:0");
	EVENTHANDLER_DEREGISTER(test_a, a);
	EVENTHANDLER_DEREGISTER(test_a, c);
	EVENTHANDLER_DEREGISTER(test_a, NULL);		/* nothing */
	EVENTHANDLER_INVOKE(test_a, 0);
	CHECK_LOG("");
	/* The list stays, empty. */
	ATF_CHECK_EQ(kern_malloc_live, live + 1);
	/* A list nobody registered with: nothing called, nothing made. */
	EVENTHANDLER_INVOKE(test_never, 0);
	CHECK_LOG("");
	ATF_CHECK_EQ(kern_malloc_live, live + 1);
	/* Registering again after everything went works as the first. */
	a = EVENTHANDLER_REGISTER(test_a, h_log, "again", 1);
	EVENTHANDLER_INVOKE(test_a, 2);
	CHECK_LOG("again:2");
	EVENTHANDLER_DEREGISTER(test_a, a);
	ATF_CHECK_EQ(kern_malloc_live, live + 1);
}

/*
 * Deregistration from inside handlers: of another list (not running: the
 * entry goes at once), of the running list (the entry is skipped from
 * then on and freed when the invocation ends).
 */
static eventhandler_tag tag_a2, tag_b3, tag_b1, tag_self;
static long live_in_handler;

static void
h_deregister_others(void *arg, int v)
{
	ev("dereg");
	/* The next entry of this very list, and one of list b. */
	EVENTHANDLER_DEREGISTER_NOWAIT(test_a, tag_a2);
	EVENTHANDLER_DEREGISTER(test_b, tag_b1);
	live_in_handler = kern_malloc_live;
}

static void
h_deregister_self(void *arg, int v)
{
	ev("self");
	EVENTHANDLER_DEREGISTER_NOWAIT(test_a, tag_self);
}

/* A handler of b invoking a, whose handler deregisters from b. */
static void
h_invoke_a(void *arg, int v)
{
	ev("b-invokes-a");
	EVENTHANDLER_INVOKE(test_a, v);
}

static void
h_deregister_b3(void *arg, int v)
{
	ev("dereg-b3");
	EVENTHANDLER_DEREGISTER_NOWAIT(test_b, tag_b3);
}

ATF_TC_WITHOUT_HEAD(deregister_from_handler);
ATF_TC_BODY(deregister_from_handler, tc)
{
	eventhandler_tag t1, t4, b0;
	long live;

	t1 = EVENTHANDLER_REGISTER(test_a, h_deregister_others, NULL, 1);
	tag_a2 = EVENTHANDLER_REGISTER(test_a, h_log, "a2", 2);
	tag_self = EVENTHANDLER_REGISTER(test_a, h_deregister_self, NULL, 3);
	t4 = EVENTHANDLER_REGISTER(test_a, h_log, "a4", 4);
	tag_b1 = EVENTHANDLER_REGISTER(test_b, h_log, "b1", 1);
	ATF_REQUIRE(t1 && tag_a2 && tag_self && t4 && tag_b1);
	live = kern_malloc_live;
	EVENTHANDLER_INVOKE(test_a, 0);
	/* a2 was deregistered before its turn; the others all ran. */
	CHECK_LOG("dereg self a4:0");
	/* b1 went at once: its list was not running. */
	ATF_CHECK_EQ(live_in_handler, live - 1);
	/* a2 and the handler that deregistered itself, after the run. */
	ATF_CHECK_EQ(kern_malloc_live, live - 3);
	EVENTHANDLER_INVOKE(test_b, 0);
	CHECK_LOG("");
	/* (Deregistering NULL, what is gone, does nothing.) */
	tag_a2 = tag_b1 = NULL;
	EVENTHANDLER_INVOKE(test_a, 1);
	CHECK_LOG("dereg a4:1");
	EVENTHANDLER_DEREGISTER(test_a, t1);
	EVENTHANDLER_DEREGISTER(test_a, t4);

	/* Nested: b runs a, a's handler deregisters an entry of b. */
	b0 = EVENTHANDLER_REGISTER(test_b, h_invoke_a, NULL, 1);
	tag_b3 = EVENTHANDLER_REGISTER(test_b, h_log, "b3", 3);
	t1 = EVENTHANDLER_REGISTER(test_a, h_deregister_b3, NULL, 1);
	live = kern_malloc_live;
	EVENTHANDLER_INVOKE(test_b, 5);
	CHECK_LOG("b-invokes-a dereg-b3");
	ATF_CHECK_EQ(kern_malloc_live, live - 1);
	EVENTHANDLER_DEREGISTER(test_b, b0);
	EVENTHANDLER_DEREGISTER(test_a, t1);
}

/*
 * EVENTHANDLER_DEREGISTER waits for a running invocation: thread 1 runs a
 * handler that blocks until told to go on; thread 2 deregisters it and
 * must not return before the handler has finished.
 */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int handler_state;		/* 1 running, 2 done */
static int gate_open;
static int deregistered;
static int state_at_deregister;
static eventhandler_tag slow_tag;

static void
h_slow(void *arg, int v)
{
	pthread_mutex_lock(&gate_lock);
	handler_state = 1;
	pthread_cond_broadcast(&gate_cv);
	while (!gate_open)
		pthread_cond_wait(&gate_cv, &gate_lock);
	usleep(50000);
	handler_state = 2;
	pthread_mutex_unlock(&gate_lock);
}

static void *
invoker(void *arg)
{
	EVENTHANDLER_INVOKE(test_a, 0);
	return (NULL);
}

static void *
deregisterer(void *arg)
{
	EVENTHANDLER_DEREGISTER(test_a, slow_tag);
	pthread_mutex_lock(&gate_lock);
	state_at_deregister = handler_state;
	deregistered = 1;
	pthread_mutex_unlock(&gate_lock);
	return (NULL);
}

ATF_TC_WITHOUT_HEAD(deregister_waits);
ATF_TC_BODY(deregister_waits, tc)
{
	pthread_t t1, t2;
	long live;

	slow_tag = EVENTHANDLER_REGISTER(test_a, h_slow, NULL, 1);
	ATF_REQUIRE(slow_tag != NULL);
	live = kern_malloc_live;
	ATF_REQUIRE_EQ(pthread_create(&t1, NULL, invoker, NULL), 0);
	pthread_mutex_lock(&gate_lock);
	while (handler_state != 1)
		pthread_cond_wait(&gate_cv, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	ATF_REQUIRE_EQ(pthread_create(&t2, NULL, deregisterer, NULL), 0);
	usleep(200000);
	pthread_mutex_lock(&gate_lock);
	ATF_CHECK_EQ_MSG(deregistered, 0,
	    "deregister returned while the handler ran");
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_lock);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	ATF_CHECK_EQ(deregistered, 1);
	ATF_CHECK_EQ(state_at_deregister, 2);
	ATF_CHECK_EQ(kern_malloc_live, live - 1);
	EVENTHANDLER_INVOKE(test_a, 0);		/* nothing left to run */
}

ATF_TC_WITHOUT_HEAD(register_fails);
ATF_TC_BODY(register_fails, tc)
{
	eventhandler_tag t;
	long live;

	live = kern_malloc_live;
	/* No memory for the list. */
	kern_malloc_fail_after = 0;
	ATF_CHECK(EVENTHANDLER_REGISTER(test_a, h_log, "x", 1) == NULL);
	ATF_CHECK_EQ(kern_malloc_live, live);
	/* The list, but no memory for the entry. */
	kern_malloc_fail_after = 1;
	ATF_CHECK(EVENTHANDLER_REGISTER(test_a, h_log, "x", 1) == NULL);
	ATF_CHECK_EQ(kern_malloc_live, live + 1);
	kern_malloc_fail_after = -1;
	t = EVENTHANDLER_REGISTER(test_a, h_log, "x", 1);
	ATF_REQUIRE(t != NULL);
	EVENTHANDLER_INVOKE(test_a, 3);
	CHECK_LOG("x:3");
	EVENTHANDLER_DEREGISTER(test_a, t);
	/* A name too long for a list. */
	ATF_CHECK(eventhandler_register(
	    "a_list_name_longer_than_the_limit_of_32", (eventhandler_fn)h_log,
	    NULL, 1) == NULL);
	ATF_CHECK_EQ(kern_malloc_live, live + 1);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, priority_order);
	ATF_TP_ADD_TC(tp, deregister);
	ATF_TP_ADD_TC(tp, deregister_from_handler);
	ATF_TP_ADD_TC(tp, deregister_waits);
	ATF_TP_ADD_TC(tp, register_fails);
	return (atf_no_error());
}
