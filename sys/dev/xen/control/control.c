/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * control(4): the domain's answer to its toolstack, a newbus driver on
 * root0 built as control.ko (loader.conf loads it at boot).
 *
 * The toolstack asks a guest to stop through xenstore: `xl shutdown`
 * writes "poweroff" into our control/shutdown node, `xl reboot` writes
 * "reboot" (and "halt" and "suspend" exist), and waits for the guest to
 * take the request -- to write the node back empty -- and then to shut
 * itself down with the matching SCHEDOP_shutdown reason.  `xl sysrq D K`
 * writes the single key K into control/sysrq.  A guest says it listens by
 * writing "1" into control/feature-poweroff, feature-reboot,
 * feature-suspend and feature-sysrq -- those of them it may write: libxl
 * creates the first three for the guest and not the last.  "suspend"
 * (xl save, xl save -c, xl migrate) calls xen_suspend(9) from the task
 * thread: it returns once the domain runs again, in place or as the new
 * domain a restore made.
 *
 * Attach writes the feature keys and watches the two request nodes.  A
 * watch callback runs in the xenstore watch thread, which the shutdown
 * itself needs (drivers detaching from their backends wait for watch
 * events), so it only enqueues a task.  The tasks run in the driver's own
 * task queue thread ("control"), never in taskqueue_thread, which the
 * devices' shutdown methods may need too: a request ends up calling
 * kern_reboot(9) from there, which does not return.
 *
 * A task takes the request in one xenstore transaction: read the node
 * and, if it holds anything, write it back empty (retried if xenstored
 * says another writer got in between).  The value is then checked
 * (control_req.c: length first, then every byte) and looked up in the
 * table of actions; anything else -- too long, binary, an unknown word
 * -- is logged as refused and, being already taken, simply dropped.  The
 * empty value is "no request": it is what the node holds after every
 * request we take.  The tables below are the whole protocol: adding an
 * action is adding an entry.
 *
 * Detach (kldunload) stops watching, drains the task queue and withdraws
 * the feature keys it wrote ("0").  A request the toolstack writes while
 * the driver is out stays in xenstore; loading the driver again takes it
 * at once (a watch fires when registered).
 *
 * Lock: none of its own.  The softc is written by attach and detach
 * (topology lock) and read by the tasks, which detach drains first.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/module.h>
#include <sys/proc.h>
#include <sys/reboot.h>
#include <sys/sysctl.h>
#include <sys/taskqueue.h>
#include <sys/bus.h>
#include <vm/vm_page.h>

#include <xen/xen.h>
#include <xen/xenstore/xs_wire.h>
#include <xen/xenstore/xenstorevar.h>
#include <xen/xen_suspend.h>

#include <dev/xen/control/control_req.h>

#include "device_if.h"
#include "bus_if.h"

#define	CONTROL_TX_TRIES	5	/* transaction retries on EAGAIN */

struct control_softc {
	device_t	 sc_dev;
	struct taskqueue *sc_tq;
	struct task	 sc_shutdown_task;
	struct task	 sc_sysrq_task;
	struct xs_watch	 sc_shutdown_watch;
	struct xs_watch	 sc_sysrq_watch;
	char		 sc_home[64];		/* /local/domain/N/control */
	u_int		 sc_features;		/* written: bit i, key i */
	u_long		 sc_taken;		/* requests acted on */
	u_long		 sc_refused;		/* requests refused */
};

/* control/shutdown: one entry per word. */
struct control_shutdown_action {
	const char	*ca_word;
	void		(*ca_func)(struct control_softc *,
			    const struct control_shutdown_action *);
	int		 ca_howto;		/* RB_* for control_reboot */
};

/* control/sysrq: one entry per key. */
struct control_sysrq_action {
	char		 cs_key;
	const char	*cs_descr;		/* for the help line */
	void		(*cs_func)(struct control_softc *,
			    const struct control_sysrq_action *);
	int		 cs_howto;		/* RB_* for control_sysrq_reboot */
};

static void	control_reboot(struct control_softc *,
		    const struct control_shutdown_action *);
static void	control_suspend(struct control_softc *,
		    const struct control_shutdown_action *);
static void	control_sysrq_reboot(struct control_softc *,
		    const struct control_sysrq_action *);
static void	control_sysrq_crash(struct control_softc *,
		    const struct control_sysrq_action *);
static void	control_sysrq_help(struct control_softc *,
		    const struct control_sysrq_action *);
static void	control_sysrq_memory(struct control_softc *,
		    const struct control_sysrq_action *);
static void	control_sysrq_threads(struct control_softc *,
		    const struct control_sysrq_action *);

static const struct control_shutdown_action control_shutdown_actions[] = {
	{ "poweroff",	control_reboot,		RB_POWEROFF },
	{ "halt",	control_reboot,		RB_HALT },
	{ "reboot",	control_reboot,		RB_AUTOBOOT },
	{ "suspend",	control_suspend,	0 },
};

static const struct control_sysrq_action control_sysrq_actions[] = {
	{ 'b', "reboot",	control_sysrq_reboot,	RB_AUTOBOOT },
	{ 'c', "crash",		control_sysrq_crash,	0 },
	{ 'h', "help",		control_sysrq_help,	0 },
	{ 'm', "memory",	control_sysrq_memory,	0 },
	{ 'o', "power off",	control_sysrq_reboot,	RB_POWEROFF },
	{ 't', "threads",	control_sysrq_threads,	0 },
};

/* The feature keys we write at attach ("1") and withdraw at detach. */
static const char *const control_features[] = {
	"feature-poweroff",
	"feature-reboot",
	"feature-suspend",
	"feature-sysrq",
};

/*
 * Take the request in control/<node>: read it and write the node back
 * empty, in one transaction.  0 with *valp (M_XENSTORE, or NULL) and
 * *lenp set, or an errno value; an absent node is an empty request.  A
 * value with a NUL byte in it, which xs_read() refuses (EINVAL), is taken
 * too, so that it does not stay behind: *valp is then NULL and *nulp
 * true.
 */
static int
control_take(struct control_softc *sc, const char *node, char **valp,
    size_t *lenp, bool *nulp)
{
	xs_tx_t tx;
	char *val;
	size_t len;
	int error, tries;

	*valp = NULL;
	*lenp = 0;
	*nulp = false;
	for (tries = 0; tries < CONTROL_TX_TRIES; tries++) {
		if ((error = xs_transaction_start(&tx)) != 0)
			return (error);
		val = NULL;
		len = 0;
		error = xs_read(tx, sc->sc_home, node, &val, &len);
		if (error == ENOENT || (error == 0 && len == 0)) {
			(void)xs_transaction_end(tx, true);
			if (val != NULL)
				free(val, M_XENSTORE);
			return (0);
		}
		if (error != 0 && error != EINVAL) {
			(void)xs_transaction_end(tx, true);
			return (error);
		}
		*nulp = error == EINVAL;
		if ((error = xs_write(tx, sc->sc_home, node, "")) != 0) {
			(void)xs_transaction_end(tx, true);
			if (val != NULL)
				free(val, M_XENSTORE);
			return (error);
		}
		error = xs_transaction_end(tx, false);
		if (error == 0) {
			*valp = val;
			*lenp = len;
			return (0);
		}
		if (val != NULL)
			free(val, M_XENSTORE);
		if (error != EAGAIN)
			return (error);
	}
	return (EAGAIN);
}

/* A refused request: say what and why; it has been taken already. */
static void
control_refuse(struct control_softc *sc, const char *node, const char *val,
    size_t len, int why)
{
	char q[48];

	sc->sc_refused++;
	if (val == NULL) {
		device_printf(sc->sc_dev, "refused control/%s: a NUL byte in "
		    "the value\n", node);
		return;
	}
	control_req_quote(val, len, q, sizeof(q));
	device_printf(sc->sc_dev, "refused control/%s \"%s\" (%zu bytes): "
	    "%s\n", node, q, len, control_req_strerror(why));
}

static void
control_shutdown_task(void *arg, int pending)
{
	const struct control_shutdown_action *ca;
	struct control_softc *sc = arg;
	char *val;
	size_t len, i;
	int error, res;
	bool nul;

	if ((error = control_take(sc, "shutdown", &val, &len, &nul)) != 0) {
		device_printf(sc->sc_dev, "cannot take control/shutdown: %d\n",
		    error);
		return;
	}
	res = nul ? CONTROL_REQ_BADCHAR : control_check_word(val, len);
	ca = NULL;
	if (res == CONTROL_REQ_OK) {
		res = CONTROL_REQ_UNKNOWN;
		for (i = 0; i < nitems(control_shutdown_actions); i++)
			if (strcmp(control_shutdown_actions[i].ca_word, val) ==
			    0) {
				ca = &control_shutdown_actions[i];
				res = CONTROL_REQ_OK;
				break;
			}
	}
	if (res != CONTROL_REQ_OK && res != CONTROL_REQ_NONE)
		control_refuse(sc, "shutdown", val, len, res);
	if (val != NULL)
		free(val, M_XENSTORE);
	if (ca != NULL) {
		sc->sc_taken++;
		ca->ca_func(sc, ca);
	}
}

static void
control_sysrq_task(void *arg, int pending)
{
	const struct control_sysrq_action *cs;
	struct control_softc *sc = arg;
	char *val;
	size_t len, i;
	int error, res;
	bool nul;

	if ((error = control_take(sc, "sysrq", &val, &len, &nul)) != 0) {
		device_printf(sc->sc_dev, "cannot take control/sysrq: %d\n",
		    error);
		return;
	}
	res = nul ? CONTROL_REQ_BADCHAR : control_check_key(val, len);
	cs = NULL;
	if (res == CONTROL_REQ_OK) {
		res = CONTROL_REQ_UNKNOWN;
		for (i = 0; i < nitems(control_sysrq_actions); i++)
			if (control_sysrq_actions[i].cs_key == val[0]) {
				cs = &control_sysrq_actions[i];
				res = CONTROL_REQ_OK;
				break;
			}
	}
	if (res != CONTROL_REQ_OK && res != CONTROL_REQ_NONE)
		control_refuse(sc, "sysrq", val, len, res);
	if (val != NULL)
		free(val, M_XENSTORE);
	if (cs != NULL) {
		sc->sc_taken++;
		device_printf(sc->sc_dev, "sysrq %c: %s\n", cs->cs_key,
		    cs->cs_descr);
		cs->cs_func(sc, cs);
	}
}

/*
 * The actions.  All run in the driver's task thread, may sleep, and those
 * that end the system do not return.
 */
static void
control_reboot(struct control_softc *sc,
    const struct control_shutdown_action *ca)
{
	device_printf(sc->sc_dev, "%s requested by the toolstack\n",
	    ca->ca_word);
	kern_reboot(ca->ca_howto);
}

/*
 * Suspend (xen_suspend(9)) in this thread: neither the xenstore watch
 * thread nor a bus's task thread, which the drivers' suspend and resume
 * need.  The request is already taken (the node reads empty), which is
 * what the toolstack waits for before it waits for the suspend.
 */
static void
control_suspend(struct control_softc *sc,
    const struct control_shutdown_action *ca)
{
	int error;

	device_printf(sc->sc_dev, "suspend requested by the toolstack\n");
	if ((error = xen_suspend()) != 0)
		device_printf(sc->sc_dev, "suspend refused: %d\n", error);
}

static void
control_sysrq_reboot(struct control_softc *sc,
    const struct control_sysrq_action *cs)
{
	kern_reboot(cs->cs_howto);
}

static void
control_sysrq_crash(struct control_softc *sc,
    const struct control_sysrq_action *cs)
{
	panic("control: crash requested by the toolstack (sysrq %c)",
	    cs->cs_key);
}

static void
control_sysrq_help(struct control_softc *sc,
    const struct control_sysrq_action *cs)
{
	size_t i;

	printf("sysrq keys:");
	for (i = 0; i < nitems(control_sysrq_actions); i++)
		printf("%s %c %s", i == 0 ? "" : ",",
		    control_sysrq_actions[i].cs_key,
		    control_sysrq_actions[i].cs_descr);
	printf("\n");
}

static void
control_sysrq_memory(struct control_softc *sc,
    const struct control_sysrq_action *cs)
{
	const struct vm_page_stats *vs = &vm_page_stats;

	printf("memory: %lu pages (%lu KB), %lu free, %lu reserved, "
	    "%lu page tables, %lu unbacked\n", vs->vs_npages,
	    vs->vs_npages * (PAGE_SIZE / 1024), vs->vs_free, vs->vs_reserved,
	    vs->vs_ptable, vs->vs_unbacked);
	printf("memory: %lu page allocations, %lu refused\n", vs->vs_allocs,
	    vs->vs_failures);
}

static void
control_thread_out(const char *name, const char *value, void *arg)
{
	static const char prefix[] = "kern.threads.";

	if (strncmp(name, prefix, sizeof(prefix) - 1) == 0)
		name += sizeof(prefix) - 1;
	printf("%5s %s\n", name, value);
}

static void
control_sysrq_threads(struct control_softc *sc,
    const struct control_sysrq_action *cs)
{
	printf("  tid name state priority wait\n");
	if (sysctl_query("kern.threads", control_thread_out, NULL) != 0)
		printf("threads: kern.threads not available\n");
}

/* Watch callbacks (xenwatch thread): hand the work to our thread. */
static void
control_shutdown_watch(struct xs_watch *w, const char *path)
{
	struct control_softc *sc = w->xw_arg;

	(void)taskqueue_enqueue(sc->sc_tq, &sc->sc_shutdown_task);
}

static void
control_sysrq_watch(struct xs_watch *w, const char *path)
{
	struct control_softc *sc = w->xw_arg;

	(void)taskqueue_enqueue(sc->sc_tq, &sc->sc_sysrq_task);
}

/*
 * Write val into every feature key we advertised (all of them at attach).
 * Best effort: the toolstack creates the nodes it reads and lets the guest
 * write them (libxl: feature-poweroff and feature-reboot); the guest may
 * not create others under control/ (libxl leaves feature-sysrq out, and
 * xenstored refuses it: EACCES).  A key that cannot be written is reported
 * and left out of sc_features.
 */
static void
control_features_set(struct control_softc *sc, const char *val, bool attach)
{
	size_t i;
	int error;

	for (i = 0; i < nitems(control_features); i++) {
		if (!attach && (sc->sc_features & (1u << i)) == 0)
			continue;
		error = xs_write(0, sc->sc_home, control_features[i], val);
		if (error == 0 && attach)
			sc->sc_features |= 1u << i;
		else if (error != 0 && attach)
			device_printf(sc->sc_dev, "cannot write control/%s: "
			    "error %d; not advertised\n", control_features[i],
			    error);
	}
}

static void
control_identify(driver_t *driver, device_t parent)
{
	if (device_find_child(parent, "control", DEVICE_UNIT_ANY) == NULL)
		(void)device_add_child(parent, "control", DEVICE_UNIT_ANY);
}

static int
control_probe(device_t dev)
{
	if (!xs_ready())
		return (ENXIO);
	device_set_desc(dev, "Xen domain control");
	return (BUS_PROBE_DEFAULT);
}

static int
control_attach(device_t dev)
{
	struct control_softc *sc = device_get_softc(dev);
	char path[96];
	int error;

	sc->sc_dev = dev;
	snprintf(sc->sc_home, sizeof(sc->sc_home), "/local/domain/%u/control",
	    xs_domid());
	TASK_INIT(&sc->sc_shutdown_task, 0, control_shutdown_task, sc);
	TASK_INIT(&sc->sc_sysrq_task, 0, control_sysrq_task, sc);
	sc->sc_tq = taskqueue_create("control", M_WAITOK, PRI_KERN);
	if (sc->sc_tq == NULL) {
		device_printf(dev, "cannot start its task thread\n");
		return (ENOMEM);
	}
	control_features_set(sc, "1", true);
	snprintf(path, sizeof(path), "%s/shutdown", sc->sc_home);
	if ((error = xs_watch_register(&sc->sc_shutdown_watch, path,
	    control_shutdown_watch, sc)) != 0) {
		device_printf(dev, "cannot watch %s: %d\n", path, error);
		goto fail_features;
	}
	snprintf(path, sizeof(path), "%s/sysrq", sc->sc_home);
	if ((error = xs_watch_register(&sc->sc_sysrq_watch, path,
	    control_sysrq_watch, sc)) != 0) {
		device_printf(dev, "cannot watch %s: %d\n", path, error);
		goto fail_watch;
	}
	device_printf(dev, "listening on control/shutdown (poweroff, halt, "
	    "reboot, suspend) and control/sysrq\n");
	return (0);

fail_watch:
	xs_watch_unregister(&sc->sc_shutdown_watch);
fail_features:
	control_features_set(sc, "0", false);
	taskqueue_free(sc->sc_tq);
	return (error);
}

static int
control_detach(device_t dev)
{
	struct control_softc *sc = device_get_softc(dev);

	xs_watch_unregister(&sc->sc_sysrq_watch);
	xs_watch_unregister(&sc->sc_shutdown_watch);
	/* Drains what the watches queued. */
	taskqueue_free(sc->sc_tq);
	control_features_set(sc, "0", false);
	device_printf(dev, "detached; requests left to the toolstack "
	    "(%lu taken, %lu refused)\n", sc->sc_taken, sc->sc_refused);
	return (0);
}

/*
 * DEVICE_RESUME (xen_suspend(9)), in the task thread that asked for the
 * suspend.  A new domain has a new domain id, so our xenstore home moved:
 * watch the request nodes there and write the feature keys we could
 * write before.  After a cancelled suspend nothing moved.
 */
static int
control_resume(device_t dev)
{
	struct control_softc *sc = device_get_softc(dev);
	char path[96];
	int error;

	if (xen_suspend_cancelled)
		return (0);
	xs_watch_unregister(&sc->sc_shutdown_watch);
	xs_watch_unregister(&sc->sc_sysrq_watch);
	snprintf(sc->sc_home, sizeof(sc->sc_home), "/local/domain/%u/control",
	    xs_domid());
	control_features_set(sc, "1", false);
	snprintf(path, sizeof(path), "%s/shutdown", sc->sc_home);
	if ((error = xs_watch_register(&sc->sc_shutdown_watch, path,
	    control_shutdown_watch, sc)) != 0)
		device_printf(dev, "cannot watch %s after resume: %d\n", path,
		    error);
	snprintf(path, sizeof(path), "%s/sysrq", sc->sc_home);
	if ((error = xs_watch_register(&sc->sc_sysrq_watch, path,
	    control_sysrq_watch, sc)) != 0)
		device_printf(dev, "cannot watch %s after resume: %d\n", path,
		    error);
	return (0);
}

static kobj_method_t control_methods[] = {
	DEVMETHOD(device_identify,	control_identify),
	DEVMETHOD(device_probe,		control_probe),
	DEVMETHOD(device_attach,	control_attach),
	DEVMETHOD(device_detach,	control_detach),
	DEVMETHOD(device_resume,	control_resume),
	DEVMETHOD_END
};

static driver_t control_driver = {
	"control",
	control_methods,
	sizeof(struct control_softc)
};

/* The device identify added is the module's to delete. */
static int
control_modevent(module_t mod, int what, void *arg)
{
	device_t dev;

	if (what == MOD_UNLOAD && (dev = device_find_child(root_bus,
	    "control", DEVICE_UNIT_ANY)) != NULL)
		return (device_delete_child(root_bus, dev));
	return (0);
}

DRIVER_MODULE(control, root, control_driver, control_modevent, NULL);
MODULE_VERSION(control, 1);
MODULE_DEPEND(control, kernel, 1, 1, 1);
