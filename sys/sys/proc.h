/*-
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * Copyright (c) 2026 The pvbsd Authors
 */
#ifndef _SYS_PROC_H_
#define	_SYS_PROC_H_

#include <sys/callout.h>
#include <sys/priority.h>
#include <sys/queue.h>
#include <machine/pcb.h>

/*
 * Kernel threads.  Each has its own kernel stack (with an unmapped guard
 * page below it), a pcb for the switch, a lazily saved FPU area, a
 * priority (0 is the most urgent, PRI_IDLE the least), and the state the
 * scheduler and sleep queues keep.  Lock: events masked [e]; [I] set at
 * creation; [c] the thread's own.
 */
struct thread {
	TAILQ_ENTRY(thread) td_runq;	/* [e] run, sleep or mutex queue */
	TAILQ_ENTRY(thread) td_alllist;	/* [e] all threads */
	struct pcb	 td_pcb;	/* [c] saved registers */
	char		 td_name[24];	/* [I] */
	int		 td_tid;	/* [I] */
	int		 td_pri;	/* [e] */
	int		 td_state;	/* [e] TDS_* */
	int		 td_critnest;	/* [c] critical_enter depth */
	int		 td_intr;	/* [c] in an interrupt handler */
	int		 td_timedout;	/* [e] the sleep timed out */
	const void	*td_wchan;	/* [e] what it sleeps on */
	const char	*td_wmesg;	/* [e] why */
	struct callout	 td_slpcallout;	/* [e] sleep timeout */
	vm_offset_t	 td_kstack;	/* [I] lowest mapped byte */
	size_t		 td_kstack_size; /* [I] */
	void		*td_fpu;	/* [e] FPU save area, or NULL */
	bool		 td_fpu_used;	/* [e] td_fpu holds its state */
	u_long		 td_switches;	/* [e] times switched in */
	uint64_t	 td_woken_ns;	/* [e] made runnable at, or 0 */
};

#define	TDS_RUNNING	1
#define	TDS_RUNQ	2
#define	TDS_SLEEPING	3
#define	TDS_BLOCKED	4	/* on a mutex */
#define	TDS_DEAD	5


extern struct thread *curthread;
extern struct thread thread0;
extern u_long sched_switches;
extern u_long sched_upcall_deferred;
extern uint64_t sched_idle_poll_max_ns;	/* idle poll: longest window */
extern uint64_t sched_idle_poll_ns;	/* idle poll: current window */
extern u_long sched_idle_poll_hits, sched_idle_blocks;
extern bool sched_need_resched;	/* switch at the next chance */
#ifdef MALLOC_DECLARE
MALLOC_DECLARE(M_THREAD);
#endif

int	thread_create(void (*)(void *), void *, int, const char *,
	    struct thread **);
void	thread_exit(void) __dead2;
void	thread_start(void (*)(void *), void *) __dead2;

void	sched_add(struct thread *);
void	sched_rem(struct thread *);
void	setrunnable(struct thread *);
void	mi_switch(void);
void	sched_yield(void);
void	sched_preempt_check(void);
bool	sched_preempt_locked(void);
void	sched_upcall_exit(bool);
void	critical_enter(void);
void	critical_exit(void);

int	tsleep(const void *, int, const char *, int);
void	wakeup(const void *);
void	wakeup_one(const void *);

/* Machine-dependent parts (vm_machdep.c, fpu.c). */
int	cpu_thread_alloc(struct thread *, size_t);
void	cpu_thread_setup(struct thread *, void (*)(void *), void *);
void	cpu_thread_free(struct thread *);
void	cpu_switch_md(struct thread *, struct thread *);
void	fpu_thread_exit(struct thread *);
void	cpu_idle(void);

#endif /* !_SYS_PROC_H_ */
