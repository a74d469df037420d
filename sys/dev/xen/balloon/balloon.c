/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * balloon(4): the Xen balloon driver, balloon.ko.
 *
 * The toolstack writes the size it wants the domain to have in the
 * domain's xenstore node memory/target, in KiB (xl mem-set); the balloon
 * follows it by giving pages back to Xen and taking them again through
 * xen_mem(9), which keeps the p2m, the m2p and the direct map in step.
 * The page bookkeeping is balloon_core.c.
 *
 * Flow.  A device, balloon0, on the root bus (it is no xenbus device: it
 * has no backend).  Attach adopts the pages that are unbacked already,
 * starts a task queue ("balloon") and watches memory/target.  The watch
 * callback (xenstore's watch thread) only enqueues the task; the task
 * reads memory/target, checks it (untrusted: anything but a decimal
 * number of KiB no larger than the domain's pfn space is refused with a
 * log line and changes nothing; below the floor is clamped to the floor,
 * with a log line), then moves toward it one step (BALLOON_BATCH pages)
 * at a time, looking at b_stop between steps.  If Xen cuts a step short
 * (populate fails when the domain is at its cap -- xl mem-set sets the cap
 * to the target plus 1 MiB -- or the host has no memory; or Xen refuses
 * frames) the error is counted and a timeout task retries after a delay
 * that doubles from 1 s up to 64 s; it never spins.  When a move ends,
 * its rate (pages per second, zeroing and hypercalls included) goes to
 * the log and to hw.balloon.rate_down / rate_up.
 *
 * Detach (kldunload) stops the watch and the task, then gives the memory
 * back to the kernel: every page the balloon holds is populated again,
 * as far as Xen allows (its cap); pages Xen will not back stay unbacked
 * and a later load adopts them.
 *
 * Context: one softc (one domain, one balloon); every reservation change
 * happens in the task thread, or in detach after the task is drained.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/bus.h>
#include <sys/module.h>
#include <sys/sysctl.h>
#include <sys/taskqueue.h>
#include <sys/timetc.h>
#include <machine/xen_mem.h>
#include <vm/vm_page.h>
#include <xen/xenstore/xenstorevar.h>
#include <dev/xen/balloon/balloon_var.h>

#include "device_if.h"
#include "bus_if.h"

#define	BALLOON_RETRY_MIN	1	/* s, first retry after an error */
#define	BALLOON_RETRY_MAX	64	/* s */

struct balloon_softc {
	device_t		sc_dev;
	struct balloon		sc_b;
	struct mtx		sc_lock;	/* sc_stop, sc_target */
	struct taskqueue	*sc_tq;
	struct task		sc_task;
	struct timeout_task	sc_retry;
	struct xs_watch		sc_watch;
	bool			sc_watching;
	bool			sc_stop;	/* [l] detaching */
	u_long			sc_target;	/* pages, checked */
	u_int			sc_backoff;	/* s, next retry */
	int			sc_dir;		/* move: -1 down, +1 up */
	u_long			sc_moved;	/* pages in this move */
	uint64_t		sc_t0;		/* its start, ns of uptime */
	u_long			sc_floor_said;	/* target we logged */
};

static struct balloon_softc *balloon_sc;	/* the one, for sysctl */
static u_long balloon_rate_down;		/* pages/s, last move */
static u_long balloon_rate_up;
static u_long balloon_target_kib;
static u_long balloon_retries;

static int
balloon_xen_decrease(vm_page_t *pages, u_int n, u_int *donep)
{
	return (xen_mem_decrease(pages, n, donep));
}

static int
balloon_xen_populate(vm_page_t *pages, u_int n, u_int *donep)
{
	return (xen_mem_populate(pages, n, donep));
}

static const struct balloon_ops balloon_xen_ops = {
	.bo_decrease = balloon_xen_decrease,
	.bo_populate = balloon_xen_populate,
};

#define	PG2KIB(n)	((n) * (PAGE_SIZE / 1024))

/* Printable, short copy of an untrusted value for a log line. */
static void
balloon_sanitize(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n;

	n = MIN(len, size - 1);
	for (i = 0; i < n; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"') ?
		    s[i] : '?';
	buf[n] = '\0';
}

/*
 * Read and check memory/target.  Returns true with *pagesp set when it
 * is a target to follow; false (logged) when it is refused.
 */
static bool
balloon_read_target(struct balloon_softc *sc, u_long *pagesp)
{
	char *val, shown[40];
	size_t len;
	u_long kib, pages, floor;
	int error, why;

	if ((error = xs_read(0, "memory", "target", &val, &len)) != 0) {
		device_printf(sc->sc_dev, "cannot read memory/target: "
		    "error %d\n", error);
		sc->sc_b.b_stats.bs_refused++;
		return (false);
	}
	why = balloon_parse_target(val, len, &kib);
	balloon_sanitize(val, len, shown, sizeof(shown));
	free(val, M_XENSTORE);
	if (why != BALLOON_TGT_OK) {
		device_printf(sc->sc_dev, "refusing memory/target \"%s\": "
		    "%s\n", shown, balloon_target_problem(why));
		sc->sc_b.b_stats.bs_refused++;
		return (false);
	}
	pages = kib / (PAGE_SIZE / 1024);
	if (pages > balloon_high(&sc->sc_b)) {
		device_printf(sc->sc_dev, "refusing memory/target %lu KiB: "
		    "above the most this domain can hold, %lu KiB\n", kib,
		    PG2KIB(balloon_high(&sc->sc_b)));
		sc->sc_b.b_stats.bs_refused++;
		return (false);
	}
	floor = balloon_floor(&sc->sc_b);
	if (pages < floor) {
		device_printf(sc->sc_dev, "refusing to go below the floor of "
		    "%lu KiB (memory/target %lu KiB)\n", PG2KIB(floor), kib);
		sc->sc_b.b_stats.bs_floor_hits++;
		sc->sc_floor_said = floor;
		pages = floor;
	}
	balloon_target_kib = kib;
	*pagesp = pages;
	return (true);
}

/* The end of a move: its rate, in the log and in the sysctls. */
static void
balloon_move_done(struct balloon_softc *sc, const char *why)
{
	uint64_t ns;
	u_long rate;

	if (sc->sc_dir == 0)
		return;
	ns = nanouptime_ns() - sc->sc_t0;
	rate = ns == 0 ? 0 : (u_long)(sc->sc_moved * 1000000000ULL / ns);
	if (sc->sc_moved > 0) {
		if (sc->sc_dir < 0)
			balloon_rate_down = rate;
		else
			balloon_rate_up = rate;
	}
	device_printf(sc->sc_dev, "%s %lu pages in %lu.%03lu ms (%lu pages/s)"
	    "%s; now %lu KiB\n", sc->sc_dir < 0 ? "gave back" : "took",
	    sc->sc_moved, (u_long)(ns / 1000000), (u_long)(ns / 1000 % 1000),
	    rate, why, PG2KIB(balloon_current(&sc->sc_b)));
	sc->sc_dir = 0;
	sc->sc_moved = 0;
}

static void
balloon_task(void *arg, int pending)
{
	struct balloon_softc *sc = arg;
	u_long target, moved;
	bool floor, stop;
	int dir, error;

	if (pending > 0 || sc->sc_target == ~0UL) {
		/* A watch event (or the first run): a new target. */
		if (balloon_read_target(sc, &target))
			sc->sc_target = target;
	}
	if (sc->sc_target == ~0UL)
		return;
	target = sc->sc_target;
	for (;;) {
		mtx_lock(&sc->sc_lock);
		stop = sc->sc_stop;
		mtx_unlock(&sc->sc_lock);
		if (stop) {
			balloon_move_done(sc, " (detaching)");
			return;
		}
		dir = target < balloon_current(&sc->sc_b) ? -1 :
		    target > balloon_current(&sc->sc_b) ? 1 : 0;
		if (dir != sc->sc_dir) {
			balloon_move_done(sc, "");
			if (dir == 0)
				break;
			sc->sc_dir = dir;
			sc->sc_t0 = nanouptime_ns();
		}
		error = balloon_step(&sc->sc_b, target, &moved, &floor);
		sc->sc_moved += moved;
		if (error != 0) {
			balloon_move_done(sc, " (Xen cut it short)");
			balloon_retries++;
			device_printf(sc->sc_dev, "error %d at %lu KiB of %lu "
			    "KiB; retrying in %u s\n", error,
			    PG2KIB(balloon_current(&sc->sc_b)),
			    PG2KIB(target), sc->sc_backoff);
			taskqueue_enqueue_timeout(sc->sc_tq, &sc->sc_retry,
			    sc->sc_backoff * hz);
			sc->sc_backoff = MIN(sc->sc_backoff * 2,
			    BALLOON_RETRY_MAX);
			return;
		}
		if (floor) {
			balloon_move_done(sc, " (at the floor)");
			if (sc->sc_floor_said != target) {
				device_printf(sc->sc_dev, "at the floor: "
				    "%lu pages free, target %lu KiB not "
				    "reached\n", vm_page_free_count(),
				    PG2KIB(target));
				sc->sc_floor_said = target;
			}
			break;
		}
		if (moved == 0) {
			/* Up, with nothing held: the pfn space is full. */
			balloon_move_done(sc, "");
			break;
		}
		/*
		 * A new target is waiting (the watch fired again): return,
		 * and the queue runs the task again at once to read it;
		 * the move goes on if it keeps its direction.
		 */
		if (sc->sc_task.ta_pending > 0)
			return;
	}
	sc->sc_backoff = BALLOON_RETRY_MIN;
}

/* The retry timer: run the task again, with the target it has. */
static void
balloon_retry(void *arg, int pending)
{
	struct balloon_softc *sc = arg;

	balloon_task(sc, 0);
}

static void
balloon_watch_cb(struct xs_watch *w, const char *path)
{
	struct balloon_softc *sc = w->xw_arg;

	taskqueue_enqueue(sc->sc_tq, &sc->sc_task);
}

static void
balloon_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "balloon", DEVICE_UNIT_ANY) == NULL)
		(void)device_add_child(parent, "balloon", 0);
}

static int
balloon_probe(device_t dev)
{
	if (!xs_ready())
		return (ENXIO);
	device_set_desc(dev, "Xen memory balloon");
	return (BUS_PROBE_DEFAULT);
}

static int
balloon_attach(device_t dev)
{
	struct balloon_softc *sc = device_get_softc(dev);
	u_long adopted;
	int error;

	sc->sc_dev = dev;
	sc->sc_target = ~0UL;
	sc->sc_backoff = BALLOON_RETRY_MIN;
	mtx_init(&sc->sc_lock, "balloon", MTX_DEF);
	balloon_init(&sc->sc_b, &balloon_xen_ops, BALLOON_MINFREE);
	adopted = balloon_adopt(&sc->sc_b);
	sc->sc_tq = taskqueue_create("balloon", M_WAITOK, PRI_KERN);
	if (sc->sc_tq == NULL) {
		device_printf(dev, "cannot start its thread\n");
		error = ENOMEM;
		goto fail;
	}
	TASK_INIT(&sc->sc_task, 0, balloon_task, sc);
	TIMEOUT_TASK_INIT(sc->sc_tq, &sc->sc_retry, 0, balloon_retry, sc);
	balloon_sc = sc;
	device_printf(dev, "%lu KiB now, %lu KiB at most, floor %lu KiB "
	    "(in use + %lu KiB free); %lu pages unbacked\n",
	    PG2KIB(balloon_current(&sc->sc_b)),
	    PG2KIB(balloon_high(&sc->sc_b)), PG2KIB(balloon_floor(&sc->sc_b)),
	    PG2KIB((u_long)BALLOON_MINFREE), adopted);
	/* The watch fires once now: the task reads the current target. */
	if ((error = xs_watch_register(&sc->sc_watch, "memory/target",
	    balloon_watch_cb, sc)) != 0) {
		device_printf(dev, "cannot watch memory/target: error %d\n",
		    error);
		goto fail;
	}
	sc->sc_watching = true;
	return (0);
fail:
	balloon_sc = NULL;
	if (sc->sc_tq != NULL)
		taskqueue_free(sc->sc_tq);
	sc->sc_tq = NULL;
	/* The adopted pages stay unbacked in the page array, as they were. */
	mtx_destroy(&sc->sc_lock);
	return (error);
}

static int
balloon_detach(device_t dev)
{
	struct balloon_softc *sc = device_get_softc(dev);
	u_long held, left;
	int error;

	if (sc->sc_watching)
		xs_watch_unregister(&sc->sc_watch);
	sc->sc_watching = false;
	mtx_lock(&sc->sc_lock);
	sc->sc_stop = true;
	mtx_unlock(&sc->sc_lock);
	taskqueue_drain_timeout(sc->sc_tq, &sc->sc_retry);
	taskqueue_drain(sc->sc_tq, &sc->sc_task);
	taskqueue_free(sc->sc_tq);
	sc->sc_tq = NULL;
	balloon_sc = NULL;
	held = sc->sc_b.b_nheld;
	error = balloon_release(&sc->sc_b, &left);
	device_printf(dev, "detached: took back %lu of %lu pages%s; now "
	    "%lu KiB\n", held - left, held, left > 0 ?
	    " (Xen's cap; the rest stay unbacked)" : "",
	    PG2KIB(balloon_current(&sc->sc_b)));
	mtx_destroy(&sc->sc_lock);
	(void)error;
	return (0);
}

static kobj_method_t balloon_methods[] = {
	DEVMETHOD(device_identify,	balloon_identify),
	DEVMETHOD(device_probe,		balloon_probe),
	DEVMETHOD(device_attach,	balloon_attach),
	DEVMETHOD(device_detach,	balloon_detach),
	DEVMETHOD_END
};

static driver_t balloon_driver = {
	"balloon",
	balloon_methods,
	sizeof(struct balloon_softc)
};

static int
balloon_modevent(module_t mod, int what, void *arg)
{
	device_t dev;

	if (what == MOD_UNLOAD && (dev = device_find_child(root_bus,
	    "balloon", DEVICE_UNIT_ANY)) != NULL)
		return (device_delete_child(root_bus, dev));
	return (0);
}

DRIVER_MODULE(balloon, root, balloon_driver, balloon_modevent, NULL);
MODULE_VERSION(balloon, 1);

/* sysctl: hw.balloon. */
SYSCTL_NODE(_hw, balloon, "the Xen memory balloon (balloon(4))");

static int
balloon_sysctl_kib(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct balloon_softc *sc = balloon_sc;
	u_long v;

	if (sc == NULL)
		return (ENXIO);
	switch (oidp->oid_arg2) {
	case 0:
		v = balloon_current(&sc->sc_b);
		break;
	case 1:
		v = balloon_floor(&sc->sc_b);
		break;
	default:
		v = balloon_high(&sc->sc_b);
		break;
	}
	return (sysctl_emit(req, NULL, "%lu", PG2KIB(v)));
}

static int
balloon_sysctl_stat(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct balloon_softc *sc = balloon_sc;
	const struct balloon_stats *bs;
	u_long v;

	if (sc == NULL)
		return (ENXIO);
	bs = &sc->sc_b.b_stats;
	switch (oidp->oid_arg2) {
	case 0:
		v = bs->bs_errors;
		break;
	case 1:
		v = bs->bs_refused;
		break;
	case 2:
		v = bs->bs_floor_hits;
		break;
	case 3:
		v = bs->bs_decreased;
		break;
	case 4:
		v = bs->bs_populated;
		break;
	default:
		v = sc->sc_b.b_nheld;
		break;
	}
	return (sysctl_emit(req, NULL, "%lu", v));
}

SYSCTL_PROC(_hw_balloon, current, balloon_sysctl_kib, NULL, 0,
    "KiB the domain has now");
SYSCTL_ULONG(_hw_balloon, target, &balloon_target_kib,
    "KiB memory/target last asked for (0: none accepted yet)");
SYSCTL_PROC(_hw_balloon, low, balloon_sysctl_kib, NULL, 1,
    "KiB the floor: the balloon never goes below it");
SYSCTL_PROC(_hw_balloon, high, balloon_sysctl_kib, NULL, 2,
    "KiB the most the domain can hold (its pfn space)");
SYSCTL_PROC(_hw_balloon, errors, balloon_sysctl_stat, NULL, 0,
    "steps Xen cut short (each retried after a back-off)");
SYSCTL_PROC(_hw_balloon, refused, balloon_sysctl_stat, NULL, 1,
    "targets refused (garbage, empty, too large, unreadable)");
SYSCTL_PROC(_hw_balloon, floor_hits, balloon_sysctl_stat, NULL, 2,
    "targets below the floor (clamped to it)");
SYSCTL_PROC(_hw_balloon, decreased, balloon_sysctl_stat, NULL, 3,
    "pages given back to Xen");
SYSCTL_PROC(_hw_balloon, populated, balloon_sysctl_stat, NULL, 4,
    "pages taken again");
SYSCTL_PROC(_hw_balloon, held, balloon_sysctl_stat, NULL, 5,
    "pages the balloon holds (unbacked)");
SYSCTL_ULONG(_hw_balloon, retries, &balloon_retries,
    "retries after an error");
SYSCTL_ULONG(_hw_balloon, rate_down, &balloon_rate_down,
    "pages per second given back, last move");
SYSCTL_ULONG(_hw_balloon, rate_up, &balloon_rate_up,
    "pages per second taken, last move");
