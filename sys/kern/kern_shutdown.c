/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * The end of the kernel: orderly (kern_reboot) or not (panic).
 *
 * kern_reboot(howto) is how the system goes down on purpose: the monitor's
 * shutdown command, the end of a ktest= or boot_poweroff= boot, and later
 * the control driver when the toolstack asks.  In order:
 *
 *   1. the shutdown_pre_sync event handlers (EVENTHANDLER(9));
 *   1a. every writable disk(9) that has a write cache is flushed
 *      (BIO_FLUSH), each wait bounded: "Flushing disk caches: xbd0 done";
 *   2. DEVICE_SHUTDOWN over the whole device tree, children before their
 *      bus (bus_generic_shutdown): a frontend stops its rings;
 *   3. the shutdown_post_sync handlers;
 *   4. MOD_SHUTDOWN to every module, the most recently loaded first;
 *   5. "Uptime: ...", then the shutdown_final handlers;
 *   6. the machine-dependent end: cpu_poweroff() (RB_POWEROFF),
 *      cpu_halt() (RB_HALT) or cpu_reset() (neither, RB_AUTOBOOT).
 *
 * Every step runs in the calling thread, which may sleep: handlers and
 * drivers may wait (bounded) for their other end.  A second kern_reboot()
 * -- from a handler, say -- skips what the first one is doing and goes
 * straight to the end it asks for.
 *
 * panic() is how it goes down when something impossible happened: no
 * handler, driver or module is called (they may be what broke).  It
 * prints "panic: <message>" -- into the message buffer as well, like all
 * kernel output, and keeps the message in panicstr -- then the stack of
 * the panicking thread (the MD cpu_backtrace(); after a fatal trap, the
 * stack of the trapped code) and tells the hypervisor the kernel crashed
 * (cpu_crash()).  A panic during the panic prints its message and crashes
 * at once.
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/bio.h>
#include <sys/bus.h>
#include <sys/cons.h>
#include <sys/eventhandler.h>
#include <sys/kernel.h>
#include <sys/disk.h>
#include <sys/linker.h>
#include <sys/malloc.h>
#include <sys/module.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/reboot.h>
#include <sys/stdarg.h>
#include <sys/timetc.h>
#include <machine/cpufunc.h>

const char *panicstr;
static char panic_msg[256];
static int panic_depth;

/*
 * The timecounter counts from an origin of the hypervisor's (Xen: its own
 * boot); the kernel's uptime counts from when its clock came up.
 */
static uint64_t boot_clock_ns;

static void
shutdown_clock_init(void *arg)
{
	boot_clock_ns = nanouptime_ns();
}
SYSINIT(shutdown_clock, SI_SUB_CLOCKS, SI_ORDER_ANY, shutdown_clock_init,
    NULL);

void
panic(const char *fmt, ...)
{
	va_list ap;

	/* No preemption from here on; events still come (the console). */
	critical_enter();
	if (panic_depth++ > 0) {
		printf("panic: (while panicking) ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		cpu_crash();
	}
	va_start(ap, fmt);
	(void)vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	panicstr = panic_msg;
	printf("panic: %s\n", panic_msg);
	cpu_backtrace();
	cpu_crash();
}

/* "Uptime: 1d2h3m4s", leading zero units left out. */
static void
print_uptime(void)
{
	uint64_t s;
	bool lead;

	s = (nanouptime_ns() - boot_clock_ns) / 1000000000;
	printf("Uptime: ");
	lead = false;
	if (s >= 86400) {
		printf("%lud", (u_long)(s / 86400));
		s %= 86400;
		lead = true;
	}
	if (lead || s >= 3600) {
		printf("%luh", (u_long)(s / 3600));
		s %= 3600;
		lead = true;
	}
	if (lead || s >= 60) {
		printf("%lum", (u_long)(s / 60));
		s %= 60;
	}
	printf("%lus\n", (u_long)s);
}

/*
 * Flush the disks' write caches before their drivers shut down, so what
 * a disk acknowledged is on the other end's stable storage when the
 * domain goes (FreeBSD syncs its buffers at the same point).  Each flush
 * is waited for at most SYNC_WAIT_NS; one that does not finish in time
 * is reported and left to its driver, with the disk kept open (the
 * request still refers to it).
 */
#define	SYNC_DISKS_MAX	16
#define	SYNC_WAIT_NS	(5ULL * 1000 * 1000 * 1000)
#define	SYNC_NAMELEN	sizeof(((struct disk *)0)->d_nameunit)

struct sync_list {
	int	sl_n;
	char	sl_names[SYNC_DISKS_MAX][SYNC_NAMELEN];
};

static int
sync_collect(struct disk *dp, void *arg)
{
	struct sync_list *sl = arg;

	if ((dp->d_flags & DISKFLAG_CANFLUSHCACHE) == 0 ||
	    (dp->d_flags & DISKFLAG_WRITE_PROTECT) != 0)
		return (0);
	if (sl->sl_n < SYNC_DISKS_MAX)
		strlcpy(sl->sl_names[sl->sl_n++], dp->d_nameunit,
		    sizeof(sl->sl_names[0]));
	return (0);
}

static void
sync_done(struct bio *bp)
{
	wakeup(bp);
}

static void
sync_disks(void)
{
	static struct sync_list sl;
	struct disk *dp;
	struct bio *bp;
	uint64_t deadline;
	register_t s;
	int i, error;

	sl.sl_n = 0;
	(void)disk_foreach(sync_collect, &sl);
	if (sl.sl_n == 0)
		return;
	printf("Flushing disk caches:");
	/* The list is newest first: flush in the order the disks came. */
	for (i = sl.sl_n - 1; i >= 0; i--) {
		printf(" %s", sl.sl_names[i]);
		error = disk_open(sl.sl_names[i], DISK_READ | DISK_WRITE, &dp);
		if (error != 0) {
			printf(" (error %d)", error);
			continue;
		}
		bp = malloc(sizeof(*bp), M_TEMP, M_WAITOK | M_ZERO);
		bp->bio_cmd = BIO_FLUSH;
		bp->bio_done = sync_done;
		bio_submit(dp, bp);
		deadline = nanouptime_ns() + SYNC_WAIT_NS;
		/* Events masked: the completion cannot slip in unseen. */
		s = intr_disable();
		while ((bp->bio_flags & BIOF_DONE) == 0 &&
		    nanouptime_ns() < deadline)
			(void)tsleep(bp, 0, "syncdisk", hz / 10);
		intr_restore(s);
		if ((bp->bio_flags & BIOF_DONE) == 0) {
			printf(" (timed out)");
			continue;
		}
		if (bp->bio_error != 0)
			printf(" (error %d)", bp->bio_error);
		free(bp, M_TEMP);
		disk_close(dp, DISK_READ | DISK_WRITE);
	}
	printf(" done\n");
}

void
kern_reboot(int howto)
{
	static int once;
	bool locked, topo;

	if (once++ == 0) {
		EVENTHANDLER_INVOKE(shutdown_pre_sync, howto);
		sync_disks();
		printf("Shutting down devices...\n");
		/*
		 * The walk holds the topology lock shared, so no device
		 * comes or goes under it, unless this thread already holds
		 * it (a driver that gives up in attach or detach).
		 */
		if (root_bus != NULL) {
			topo = !bus_topo_owned();
			if (topo)
				bus_topo_slock();
			(void)device_shutdown(root_bus);
			if (topo)
				bus_topo_sunlock();
		}
		EVENTHANDLER_INVOKE(shutdown_post_sync, howto);
		printf("Shutting down modules...\n");
		/* The module list is the linker's; a handler may hold it. */
		locked = !mtx_owned(&kld_mtx);
		if (locked)
			mtx_lock(&kld_mtx);
		module_shutdown();
		if (locked)
			mtx_unlock(&kld_mtx);
		print_uptime();
		EVENTHANDLER_INVOKE(shutdown_final, howto);
	}
	if ((howto & RB_POWEROFF) != 0) {
		printf("Powering off...\n");
		cnflush();
		cpu_poweroff();
	}
	if ((howto & RB_HALT) != 0) {
		printf("The operating system has halted.\n");
		cnflush();
		cpu_halt();
	}
	printf("Rebooting...\n");
	cnflush();
	cpu_reset();
}
