/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * Ending the kernel: kern_reboot(9) and the machine-dependent steps it
 * ends with (sys/kern/kern_shutdown.c; the cpu_* functions are the MD
 * layer's, sys/amd64/xen/machdep.c).
 *
 * kern_reboot(howto) runs the shutdown event handlers (EVENTHANDLER(9):
 * shutdown_pre_sync, shutdown_post_sync, shutdown_final), shuts the
 * device tree down (DEVICE_SHUTDOWN(9)) and every module (MOD_SHUTDOWN),
 * then powers off, halts or resets.  The flags have FreeBSD's values.
 */
#ifndef _SYS_REBOOT_H_
#define	_SYS_REBOOT_H_

#define	RB_AUTOBOOT	0x0000		/* reset: start the system again */
#define	RB_HALT		0x0008		/* stop, do not reset */
#define	RB_POWEROFF	0x4000		/* turn the domain off */

#ifdef _KERNEL
void	kern_reboot(int) __dead2;

/*
 * Machine-dependent ends, called last with the console flushed.  None
 * returns.  cpu_poweroff: the domain is gone; cpu_reset: the toolstack
 * starts it again (xl: on_reboot); cpu_halt: the domain stays, blocked
 * with events masked, until it is destroyed; cpu_crash: panic(9)'s, the
 * toolstack is told the kernel crashed (xl: on_crash).
 */
void	cpu_poweroff(void) __dead2;
void	cpu_reset(void) __dead2;
void	cpu_halt(void) __dead2;
void	cpu_crash(void) __dead2;
#endif

#endif /* !_SYS_REBOOT_H_ */
