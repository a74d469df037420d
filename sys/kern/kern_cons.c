/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The console switch.
 *
 * Output.  Until a console device attaches, output is held in a small
 * early buffer and replayed on attach, so nothing printed before the
 * console ring is found is lost.  Line ends become "\r\n" here: xl's
 * console is a raw terminal.  cnwrite() is the raw path; printf(9) also
 * copies what it prints into the message buffer (subr_msgbuf.c).
 *
 * Input.  A device whose input interrupts (CN_INTR) calls cnintr() from
 * its handler, in interrupt context; cnintr() moves every byte the device
 * holds into the input queue below and wakes the readers.  A full queue
 * drops the byte and counts an overrun, as a UART would.  cngetc() takes
 * the oldest byte, sleeping for more when called from a thread that may
 * sleep; before the scheduler runs, in an interrupt handler or with
 * events masked it polls the device instead, waiting in the device's
 * bounded cn_idle between polls.  Readers also drain the device
 * themselves, so input is never stuck behind a lost event (the console's
 * output path polls the same event channel and may consume a
 * notification); the sleep is bounded for the same reason.  The queue is
 * protected by masking events: a single vCPU, and the interrupt handler
 * runs masked.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cons.h>
#include <sys/kernel.h>
#include <sys/proc.h>
#include <machine/cpufunc.h>

#define	CN_RXQ_SIZE	512	/* a power of two */

static struct consdev *cn_dev;
static char cn_early[1024];
static size_t cn_early_len;

static char cn_rxq[CN_RXQ_SIZE];	/* [e] */
static u_int cn_rxq_prod, cn_rxq_cons;	/* [e] free-running */
static bool cn_sleep_ok;		/* [I] threads and events run */
u_long cn_rx_bytes;			/* [e] */
u_long cn_rx_overruns;			/* [e] */

static void
cn_output(const char *buf, size_t len)
{
	size_t i, start;

	if (cn_dev == NULL) {
		len = MIN(len, sizeof(cn_early) - cn_early_len);
		memcpy(cn_early + cn_early_len, buf, len);
		cn_early_len += len;
		return;
	}
	for (i = start = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i > start)
			cn_dev->cn_write(buf + start, i - start);
		cn_dev->cn_write("\r\n", 2);
		start = i + 1;
	}
	if (len > start)
		cn_dev->cn_write(buf + start, len - start);
}

SET_DECLARE(cons_set, struct consdev);

/*
 * Early in the MD entry: the console devices of cons_set (CONSOLE_DRIVER)
 * each probe; the one with the highest priority is set up and attached.
 * With none there, output stays in the early buffer.
 */
void
cninit(void)
{
	struct consdev **cpp, *cp, *best;

	best = NULL;
	SET_FOREACH(cpp, cons_set) {
		cp = *cpp;
		cp->cn_pri = CN_DEAD;
		if (cp->cn_probe != NULL)
			cp->cn_probe(cp);
		if (cp->cn_pri != CN_DEAD &&
		    (best == NULL || cp->cn_pri > best->cn_pri))
			best = cp;
	}
	if (best == NULL)
		return;
	if (best->cn_init != NULL)
		best->cn_init(best);
	cnattach(best);
}

void
cnattach(struct consdev *cn)
{
	cn_dev = cn;
	if (cn_early_len > 0) {
		cn_output(cn_early, cn_early_len);
		cn_early_len = 0;
	}
}

/*
 * The machine-dependent resume, after the machine was suspended and
 * before the console is used again: the console device may have moved
 * (under Xen: a new event channel).  Events masked.
 */
void
cnresume(void)
{
	if (cn_dev != NULL && cn_dev->cn_resume != NULL)
		cn_dev->cn_resume();
}

void
cnwrite(const char *buf, size_t len)
{
	cn_output(buf, len);
}

/* Move what the device holds into the queue; events masked.  */
static bool
cn_rx_pull(void)
{
	bool got;
	int c;

	got = false;
	if (cn_dev == NULL || cn_dev->cn_getc == NULL)
		return (false);
	while ((c = cn_dev->cn_getc()) != -1) {
		if (cn_rxq_prod - cn_rxq_cons == CN_RXQ_SIZE) {
			cn_rx_overruns++;
			continue;
		}
		cn_rxq[cn_rxq_prod++ % CN_RXQ_SIZE] = (char)c;
		cn_rx_bytes++;
		got = true;
	}
	return (got);
}

/* Called by the console device's interrupt handler. */
void
cnintr(void)
{
	register_t s;
	bool got;

	s = intr_disable();
	got = cn_rx_pull();
	intr_restore(s);
	if (got)
		wakeup(cn_rxq);
}

/* The oldest byte of input, or -1 if there is none. */
int
cncheckc(void)
{
	register_t s;
	int c;

	s = intr_disable();
	(void)cn_rx_pull();
	c = -1;
	if (cn_rxq_prod != cn_rxq_cons)
		c = (u_char)cn_rxq[cn_rxq_cons++ % CN_RXQ_SIZE];
	intr_restore(s);
	return (c);
}

static bool
cn_can_sleep(void)
{
	return (cn_sleep_ok && curthread->td_intr == 0 &&
	    curthread->td_critnest == 0 && !intr_masked());
}

/* One byte of input: wait for it.  -1 only if there is no console. */
int
cngetc(void)
{
	register_t s;
	int c;

	if (cn_dev == NULL || cn_dev->cn_getc == NULL)
		return (-1);
	while ((c = cncheckc()) == -1) {
		if (!cn_can_sleep()) {
			if (cn_dev->cn_idle != NULL)
				cn_dev->cn_idle();
			continue;
		}
		/*
		 * Check again with events masked, so that cnintr() cannot
		 * slip in between the check and the sleep.  Without input
		 * interrupts, poll every tick.
		 */
		s = intr_disable();
		if (!cn_rx_pull() && cn_rxq_prod == cn_rxq_cons)
			(void)tsleep(cn_rxq, 0, "cnin",
			    (cn_dev->cn_flags & CN_INTR) != 0 ? hz : 1);
		intr_restore(s);
	}
	return (c);
}

void
cnflush(void)
{
	if (cn_dev != NULL && cn_dev->cn_flush != NULL)
		cn_dev->cn_flush();
}

/* From here on a reader may sleep for input. */
static void
cn_sleep_enable(void *arg)
{
	cn_sleep_ok = true;
}
SYSINIT(cn_sleep, SI_SUB_SCHED, SI_ORDER_ANY, cn_sleep_enable, NULL);

#include <sys/sysctl.h>

/* sysctl: kern.console. */
static int
cn_sysctl_name(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (sysctl_emit(req, NULL, "%s", cn_dev != NULL ?
	    cn_dev->cn_name : ""));
}
SYSCTL_NODE(_kern, console, "the system console");
SYSCTL_PROC(_kern_console, name, cn_sysctl_name, NULL, 0,
    "the console device");
SYSCTL_ULONG(_kern_console, rx_bytes, &cn_rx_bytes, "input bytes queued");
SYSCTL_ULONG(_kern_console, rx_overruns, &cn_rx_overruns,
    "input bytes dropped: queue full");
