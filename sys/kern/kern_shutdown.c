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
 *   2. DEVICE_SHUTDOWN over the whole device tree, children before their
 *      bus (bus_generic_shutdown): a disk flushes its cache here, a
 *      frontend stops its rings;
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
#include <sys/bus.h>
#include <sys/cons.h>
#include <sys/eventhandler.h>
#include <sys/kernel.h>
#include <sys/linker.h>
#include <sys/module.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/reboot.h>
#include <sys/stdarg.h>
#include <sys/timetc.h>

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

void
kern_reboot(int howto)
{
	static int once;
	bool locked;

	if (once++ == 0) {
		EVENTHANDLER_INVOKE(shutdown_pre_sync, howto);
		printf("Shutting down devices...\n");
		if (root_bus != NULL)
			(void)device_shutdown(root_bus);
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
