#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Rows from pvbsd's in-kernel tests, one boot each round with
# ktest=xenstore_basic,sched_pingpong,pmap_bulk (the kernel powers off
# after them): the xenstore read round trip (100 reads), context
# switches per second (two threads ping-ponging through sleep/wakeup)
# and mmu_update operations per hypercall when 1024 pages are mapped in
# bulk.  Each test prints its figure on the console.
# dom0's baseline for the xenstore round trip: one xenstore-read process
# reading the same node 500 times, less one process reading it once,
# divided by 499 (dom0's clock has 10 ms steps, hence the many reads).
# The Linux guest has no xenstore client, no ping-pong test and no
# counter of its mmu_update batching: those cells stay "-".

ROW_ROUNDS=each
ROW_TIMEOUT=300
ROW_TIMEOUT_QUICK=300
ROW_KTESTS=xenstore_basic,sched_pingpong,pmap_bulk

# row_line PATTERN: the first console line of bench-kt with PATTERN (sed
# ERE), printed as the first group
row_line() {
	tr -d '\r' <"$(bench_console bench-kt)" | sed -n -E "s|$1|\\1|p" |
	    head -n 1
}

row_dom0_xenstore() {
	local i t0 t1 t2 args n=500
	xenstore-write /bench/greeting hello 2>/dev/null ||
	    { bench_fail xs.dom0 "xenstore-write failed"; return; }
	set --
	i=0
	while [ $i -lt $n ]; do
		set -- "$@" /bench/greeting
		i=$((i + 1))
	done
	t0=$(lab_now)
	xenstore-read /bench/greeting >/dev/null
	t1=$(lab_now)
	xenstore-read "$@" >/dev/null
	t2=$(lab_now)
	xenstore-rm /bench 2>/dev/null
	# (t2 - t1) - (t1 - t0) centiseconds over n - 1 reads, in us
	bench_sample xs.dom0 $(( ((t2 - t1) - (t1 - t0)) * 10000 / (n - 1) ))
}

row_measure() {
	local v
	if bench_boot bench-kt 'ktest: * passed, * failed*' 90 \
	    "extra=\"ktest=$ROW_KTESTS\""; then
		v=$(row_line '^ktest: xenstore_basic: ([0-9]+) us per read round trip.*')
		[ -n "$v" ] && bench_sample xs.pvbsd "$v" ||
		    bench_fail xs.pvbsd "xenstore_basic printed no round trip: $(row_line '^(ktest: xenstore_basic: FAIL.*)')"
		v=$(row_line '^ktest: sched_pingpong: .*\(([0-9]+) switches/s\)$')
		[ -n "$v" ] && bench_sample cs.pvbsd "$v" ||
		    bench_fail cs.pvbsd "sched_pingpong printed no rate: $(row_line '^(ktest: sched_pingpong: FAIL.*)')"
		v=$(row_line '^ktest: pmap_bulk: .*\(([0-9]+) per call\)$')
		[ -n "$v" ] && bench_sample mmu.pvbsd "$v" ||
		    bench_fail mmu.pvbsd "pmap_bulk printed no ratio: $(row_line '^(ktest: pmap_bulk: FAIL.*)')"
	else
		for v in xs cs mmu; do
			bench_fail $v.pvbsd "ktest boot: $BENCH_WHY"
		done
	fi
	bench_wait_gone bench-kt 20
	cp "$(bench_console bench-kt)" "$LAB_SDIR/console-bench-kt.log"
	row_dom0_xenstore
}

row_report() {
	ROW "xenstore read round trip (us)" "$(stat xs.pvbsd)" "-" \
	    "$(stat xs.dom0)" "-" \
	    "pvbsd: ktest xenstore_basic; dom0: xenstore-read over xenstored's socket; Linux guest: no xenstore client"
	ROW "context switches per second" "$(stat cs.pvbsd)" "-" "-" "-" \
	    "ktest sched_pingpong; no comparable test in the Linux guest or dom0"
	ROW "mmu_update operations per hypercall, bulk mapping" \
	    "$(stat mmu.pvbsd)" "-" "-" ">=32" \
	    "ktest pmap_bulk (1024 pages); Linux keeps no such counter"
}
