/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */

/*
 * PV boot, from the first C instruction.
 *
 * locore.S calls xen_start() on our own stack with the start_info page Xen
 * built for us and the TSC read by the first instruction.  The story so
 * far, in order:
 *
 *   1. copy start_info: the bootstrap pages it sits in will be reused;
 *   2. map shared_info (a machine address) over a page of our .bss with
 *      update_va_mapping, which gives us vCPU 0's time and event bits, and
 *      turn the first instruction's TSC into Xen system time;
 *   3. cninit(): the console drivers of the console linker set probe,
 *      and the PV console ring (found through the m2p) wins and becomes
 *      the console: everything printed so far was buffered and now
 *      appears;
 *   4. the trap table and callbacks: from here on a fault is reported
 *      (register dump, backtrace) instead of silently killing the domain;
 *   5. the banner and what Xen told us: memory, p2m, page tables, devices'
 *      rings, ramdisk, command line, kernel symbols;
 *   6. a first sanity check of the p2m against Xen's m2p;
 *   7. pmap: the direct map over the p2m, the page allocator, and the p2m
 *      published for the toolstack;
 *   8. mi_startup(): the SYSINITs, in order (<sys/kernel.h>): malloc,
 *      event channels, clocks, events on, ..., in-kernel tests, and the
 *      end of boot.
 *
 * Until the trap table exists any fault kills the domain, and xl reports
 * "crash".
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cons.h>
#include <sys/errno.h>
#include <sys/kenv.h>
#include <sys/kernel.h>
#include <sys/ksyms.h>
#include <sys/reboot.h>
#include <sys/stdarg.h>
#include <sys/timetc.h>
#include <machine/atomic.h>
#include <machine/cpufunc.h>
#include <machine/hypercall.h>
#include <machine/md_var.h>
#include <machine/mmu_batch.h>
#include <machine/pmap.h>
#include <machine/trap.h>
#include <machine/xen.h>
#include <xen/elfnote.h>
#include <xen/xen_suspend.h>

#ifndef PVBSD_VERSION
#error "PVBSD_VERSION must be defined by the build"
#endif
#ifndef PVBSD_IDENT
#define	PVBSD_IDENT	"PVBSD"
#endif


start_info_t xen_start_info;
u_long xen_hypercall_count[XEN_NHYPERCALLS];
shared_info_t *HYPERVISOR_shared_info;
u_long xen_boot_end;

/* What the MI kernel learns of the machine (<machine/md_var.h>). */
u_long physmem;
vm_offset_t boot_mapped_end;
const void *preload_addr;
size_t preload_size;

/* The frame shared_info is mapped over; its own frame is orphaned. */
static char shared_info_page[PAGE_SIZE] __aligned(PAGE_SIZE);

/* The start_info page a suspend hands to the toolstack (xen_md_suspend). */
static char suspend_si_page[PAGE_SIZE] __aligned(PAGE_SIZE);


void
xen_shutdown(u_int reason)
{
	struct sched_shutdown sd = { .reason = reason };

	cnflush();
	for (;;)
		(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

/*
 * The machine-dependent ends of kern_reboot(9) and panic(9): the domain
 * asks Xen to shut it down for a reason the toolstack acts on (xl's
 * on_poweroff, on_reboot, on_crash).
 */
void
cpu_poweroff(void)
{
	xen_shutdown(SHUTDOWN_poweroff);
}

void
cpu_reset(void)
{
	xen_shutdown(SHUTDOWN_reboot);
}

void
cpu_crash(void)
{
	xen_shutdown(SHUTDOWN_crash);
}

/*
 * Halt: the domain stays, doing nothing, until the toolstack destroys it
 * (xl destroy).  Events stay masked, so no handler and no other thread
 * runs again; SCHEDOP_poll on no port blocks the vCPU in Xen until some
 * event becomes pending (the masked upcall does not end it early), and
 * the loop blocks again.
 */
void
cpu_halt(void)
{
	struct sched_poll poll;

	cnflush();
	(void)intr_disable();
	memset(&poll, 0, sizeof(poll));
	for (;;)
		(void)HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

static void
xen_map_shared_info(void)
{
	long rv;

	rv = HYPERVISOR_update_va_mapping((u_long)shared_info_page,
	    xen_start_info.shared_info | PG_V | PG_RW | PG_A | PG_M | PG_NX,
	    UVMF_INVLPG);
	if (rv != 0) {
		/* No console yet: all we can do is say so to xl. */
		struct sched_shutdown sd = { .reason = SHUTDOWN_crash };

		for (;;)
			(void)HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
	}
	HYPERVISOR_shared_info = (shared_info_t *)shared_info_page;
}

/* The pseudo-physical frame of a page of the kernel image. */
static u_long
xen_image_pfn(const void *va)
{
	return (((vm_offset_t)va - KERNBASE) >> PAGE_SHIFT);
}

/*
 * The machine-dependent part of xen_suspend(9), events masked.
 *
 * Before: the toolstack saves only our own RAM and refuses page tables
 * that map anything else, so shared_info's page goes back to its own
 * frame (gnttab_suspend has unmapped the grant table).  start_info goes
 * to the toolstack in a page of ours whose MFN is the hypercall's third
 * argument; in it the xenstore and console ring frames are written as
 * pseudo-physical frames, which the restore turns into the new machine
 * frames.  The copy is made in suspend_si_page because the page Xen
 * built at boot was reused long ago.
 *
 * After: shared_info is mapped again -- from the new machine address
 * the restore wrote into the page, in a new domain -- and in a new
 * domain the fields the restore rewrote (ring frames and event
 * channels, shared_info, flags) are taken into xen_start_info, and pmap
 * recomputes what it keeps in machine terms (pmap_resume: the L4, the
 * p2m published for the next save); the console is told (cnresume) so
 * that it takes its new event channel before anything prints.  Until
 * shared_info is mapped again nothing here may read the clock or touch
 * event bits.
 *
 * Returns 0 (with *newdomp saying whether this is a new domain) or the
 * error of a refused hypercall.
 */
int
xen_md_suspend(bool *newdomp)
{
	start_info_t *si = (start_info_t *)suspend_si_page;
	u_long store_pfn, cons_pfn, own;
	long rv;
	int error;

	*newdomp = false;
	store_pfn = mfn_to_pfn(xen_start_info.store_mfn);
	cons_pfn = mfn_to_pfn(xen_start_info.console.domU.mfn);
	if (store_pfn == ~0UL || cons_pfn == ~0UL)
		return (EINVAL);
	memcpy(si, &xen_start_info, sizeof(*si));
	si->store_mfn = store_pfn;
	si->console.domU.mfn = cons_pfn;
	cnflush();

	own = pfn_to_mfn(xen_image_pfn(shared_info_page));
	rv = HYPERVISOR_update_va_mapping((u_long)shared_info_page,
	    ((uint64_t)own << PAGE_SHIFT) | PG_V | PG_RW | PG_A | PG_M | PG_NX,
	    UVMF_INVLPG);
	if (rv != 0)
		return (xen_errno(rv));
	rv = HYPERVISOR_suspend(pfn_to_mfn(xen_image_pfn(si)));
	error = rv < 0 ? xen_errno(rv) : 0;
	if (rv == 0) {
		*newdomp = true;
		xen_start_info.shared_info = si->shared_info;
		xen_start_info.store_mfn = si->store_mfn;
		xen_start_info.store_evtchn = si->store_evtchn;
		xen_start_info.console.domU.mfn = si->console.domU.mfn;
		xen_start_info.console.domU.evtchn = si->console.domU.evtchn;
		xen_start_info.flags = si->flags;
	}
	rv = HYPERVISOR_update_va_mapping((u_long)shared_info_page,
	    xen_start_info.shared_info | PG_V | PG_RW | PG_A | PG_M | PG_NX,
	    UVMF_INVLPG);
	if (rv != 0)			/* no time, no events: dead */
		xen_shutdown(SHUTDOWN_crash);
	cnresume();
	if (*newdomp)
		pmap_resume();
	return (error);
}

static void
xen_print_banner(void)
{
	xen_extraversion_t extra;
	long ver;

	ver = HYPERVISOR_xen_version(XENVER_version, NULL);
	if (HYPERVISOR_xen_version(XENVER_extraversion, extra) != 0)
		extra[0] = '\0';
	extra[sizeof(extra) - 1] = '\0';
	printf("pvbsd %s (%s) amd64 on Xen %ld.%ld%s\n", PVBSD_VERSION,
	    PVBSD_IDENT, ver >> 16, ver & 0xffff, extra);
	printf("Copyright (c) 2026 The pvbsd Authors.  BSD-2-Clause.\n");
}

/*
 * The symbol table Xen loaded after the image because of the BSD_SYMTAB
 * note (see kern_ksyms.c for its layout and checks).
 */
static void
xen_ksyms_init(void)
{
	u_long base;
	int error;

	base = roundup2((u_long)_end, 8);
	error = base < xen_boot_end ? ksyms_parse(&ksyms_kernel,
	    (const void *)base, xen_boot_end - base) : ENOENT;
	if (error != 0) {
		printf("ksyms: no usable kernel symbol table (error %d)\n",
		    error);
		return;
	}
	printf("ksyms: %zu symbols, %zu bytes of strings\n",
	    ksyms_kernel.ks_nsyms, ksyms_kernel.ks_strsz);
}

/*
 * Every p2m entry of ours must map back through Xen's m2p; a mismatch
 * means we misread the boot contract.
 */
static void
xen_check_p2m(void)
{
	u_long bad;

	bad = pmap_p2m_mismatches((const u_long *)xen_start_info.mfn_list,
	    xen_start_info.nr_pages);
	if (bad != 0)
		panic("p2m: %lu of %lu entries disagree with the m2p", bad,
		    xen_start_info.nr_pages);
	printf("p2m: %lu entries agree with the m2p\n",
	    xen_start_info.nr_pages);
}

static void
xen_print_start_info(void)
{
	const start_info_t *si = &xen_start_info;

	printf("start_info: \"%.32s\", flags %#x\n", si->magic, si->flags);
	printf("memory: %lu pages (%lu MiB), p2m list at %#lx\n",
	    si->nr_pages, si->nr_pages >> (20 - PAGE_SHIFT), si->mfn_list);
	printf("page tables: L4 at %#lx, %lu bootstrap frames\n",
	    si->pt_base, si->nr_pt_frames);
	printf("kernel: text %p-%p, data %p-%p, bootstrap map ends %#lx\n",
	    _begin, _etext, _etext, _end, xen_boot_end);
	printf("shared_info: machine address %#lx\n", si->shared_info);
	printf("xenstore: mfn %#lx, event channel %u\n", si->store_mfn,
	    si->store_evtchn);
	printf("console: mfn %#lx, event channel %u\n",
	    si->console.domU.mfn, si->console.domU.evtchn);
	if (si->mod_len == 0)
		printf("ramdisk: none\n");
	else
		printf("ramdisk: %lu bytes at %#lx%s\n", si->mod_len,
		    si->mod_start, (si->flags & SIF_MOD_START_PFN) ?
		    " (pfn)" : "");
	printf("command line: \"%s\"\n", si->cmd_line);
}

/* Hand the MI kernel what it needs to know, in its own terms. */
static void
xen_md_facts(void)
{
	const start_info_t *si = &xen_start_info;

	physmem = xen_npages;
	boot_mapped_end = xen_boot_end;
	if (si->mod_len == 0 || si->mod_start == 0)
		return;
	/* A pfn, or an address in the bootstrap area; both stay ours. */
	if ((si->flags & SIF_MOD_START_PFN) != 0)
		preload_addr = (const void *)PHYS_TO_DMAP(ptoa(si->mod_start));
	else
		preload_addr = (const void *)si->mod_start;
	preload_size = si->mod_len;
}

void
xen_start(start_info_t *si, u_long entry_rsp, uint64_t entry_tsc)
{
	xen_start_info = *si;
	xen_start_info.cmd_line[sizeof(xen_start_info.cmd_line) - 1] = '\0';
	/* Xen's stack page is the last page of the bootstrap area. */
	xen_boot_end = entry_rsp;

	kenv_init((const char *)xen_start_info.cmd_line,
	    sizeof(xen_start_info.cmd_line));

	xen_map_shared_info();
	/* Xen system time at the first instruction (see kern_tc.c). */
	boot_first_ns = xen_clock_tsc_ns(entry_tsc);
	cninit();
	trap_init();

	xen_print_banner();
	xen_print_start_info();
	xen_ksyms_init();
	xen_check_p2m();
	pmap_bootstrap((xen_boot_end - KERNBASE) >> PAGE_SHIFT);
	pmap_publish_p2m();
	xen_md_facts();

	mi_startup();
}

/* The hypercalls by number (Xen's, <xen/xen.h>), for the reports. */
static const char *const xen_hypercall_names[XEN_NHYPERCALLS] = {
	[__HYPERVISOR_set_trap_table] = "set_trap_table",
	[__HYPERVISOR_mmu_update] = "mmu_update",
	[__HYPERVISOR_set_gdt] = "set_gdt",
	[__HYPERVISOR_stack_switch] = "stack_switch",
	[__HYPERVISOR_set_callbacks] = "set_callbacks",
	[__HYPERVISOR_fpu_taskswitch] = "fpu_taskswitch",
	[__HYPERVISOR_set_debugreg] = "set_debugreg",
	[__HYPERVISOR_get_debugreg] = "get_debugreg",
	[__HYPERVISOR_update_descriptor] = "update_descriptor",
	[__HYPERVISOR_memory_op] = "memory_op",
	[__HYPERVISOR_multicall] = "multicall",
	[__HYPERVISOR_update_va_mapping] = "update_va_mapping",
	[__HYPERVISOR_set_timer_op] = "set_timer_op",
	[__HYPERVISOR_xen_version] = "xen_version",
	[__HYPERVISOR_console_io] = "console_io",
	[__HYPERVISOR_grant_table_op] = "grant_table_op",
	[__HYPERVISOR_vm_assist] = "vm_assist",
	[__HYPERVISOR_iret] = "iret",
	[__HYPERVISOR_vcpu_op] = "vcpu_op",
	[__HYPERVISOR_set_segment_base] = "set_segment_base",
	[__HYPERVISOR_mmuext_op] = "mmuext_op",
	[__HYPERVISOR_nmi_op] = "nmi_op",
	[__HYPERVISOR_sched_op] = "sched_op",
	[__HYPERVISOR_callback_op] = "callback_op",
	[__HYPERVISOR_event_channel_op] = "event_channel_op",
	[__HYPERVISOR_physdev_op] = "physdev_op",
};

/* A dmesg-style account of the hypercalls boot made, by kind. */
static void
xen_hypercall_report(void *arg)
{
	u_int i;

	printf("hypercalls:");
	for (i = 0; i < XEN_NHYPERCALLS; i++) {
		if (xen_hypercall_count[i] == 0)
			continue;
		if (xen_hypercall_names[i] != NULL)
			printf(" %s", xen_hypercall_names[i]);
		else
			printf(" nr%u", i);
		printf(" %lu", xen_hypercall_count[i]);
	}
	printf("\n");
	printf("mmu: %lu page-table updates and %lu extended ops in %lu "
	    "hypercalls (%lu multicalls), %lu refused\n", mmu_stats.ms_updates,
	    mmu_stats.ms_extops, mmu_stats.ms_hypercalls,
	    mmu_stats.ms_multicalls, mmu_stats.ms_errors);
}
SYSINIT(xen_hypercalls, SI_SUB_LAST, SI_ORDER_FIRST, xen_hypercall_report,
    NULL);

#include <sys/sysctl.h>

/*
 * sysctl: hw.xen (Xen services hang below: xenstore, console, and the
 * grant table's counters as hw.xen.gnttab), machdep.hypercalls.<name>.
 */
SYSCTL_DECL(_hw);
SYSCTL_NODE(_hw, xen, "Xen services");

static int
xen_sysctl_hypercalls(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	char other[16];
	u_int i;

	for (i = 0; i < XEN_NHYPERCALLS; i++) {
		if (xen_hypercall_names[i] != NULL)
			(void)sysctl_emit(req, xen_hypercall_names[i], "%lu",
			    xen_hypercall_count[i]);
		else if (xen_hypercall_count[i] != 0) {
			snprintf(other, sizeof(other), "nr%u", i);
			(void)sysctl_emit(req, other, "%lu",
			    xen_hypercall_count[i]);
		}
	}
	return (0);
}
SYSCTL_PROC(_machdep, hypercalls, xen_sysctl_hypercalls, NULL, 0,
    "hypercalls made, by kind");

/*
 * hw.xen.runstate: this vCPU's time, in microseconds, by Xen's run state
 * (VCPUOP_get_runstate_info): running; runnable (wanting to run while Xen
 * ran something else: steal); blocked (idle in SCHEDOP_block); offline.
 */
static int
xen_sysctl_runstate(struct sysctl_oid *oidp, struct sysctl_req *req)
{
	static const char *const names[4] = { "running", "runnable",
	    "blocked", "offline" };
	struct vcpu_runstate_info ri;
	u_int i;

	memset(&ri, 0, sizeof(ri));
	if (HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &ri) != 0)
		return (EIO);
	for (i = 0; i < 4; i++)
		(void)sysctl_emit(req, names[i], "%lu",
		    (u_long)(ri.time[i] / 1000));
	return (0);
}
SYSCTL_PROC(_hw_xen, runstate, xen_sysctl_runstate, NULL, 0,
    "this vCPU's time by run state, us");

/* sysctl: hw.xen.suspend (xen_suspend(9), sys/xen/xen_suspend.c). */
SYSCTL_NODE(_hw_xen, suspend, "suspend and resume");
SYSCTL_ULONG(_hw_xen_suspend, suspends, &xen_suspend_stats.xss_suspends,
    "suspend hypercalls made");
SYSCTL_ULONG(_hw_xen_suspend, cancelled, &xen_suspend_stats.xss_cancelled,
    "suspends cancelled (same domain)");
SYSCTL_ULONG(_hw_xen_suspend, resumed, &xen_suspend_stats.xss_resumed,
    "resumes in a new domain");
SYSCTL_ULONG(_hw_xen_suspend, refused, &xen_suspend_stats.xss_refused,
    "suspends refused by a device or xenstore");
SYSCTL_ULONG(_hw_xen_suspend, last_suspend_us,
    &xen_suspend_stats.xss_last_suspend_us,
    "guest's part of the last suspend, us");
SYSCTL_ULONG(_hw_xen_suspend, last_resume_us,
    &xen_suspend_stats.xss_last_resume_us,
    "guest's part of the last resume, us");
