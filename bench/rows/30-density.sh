#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Row: density.  How many domains of one kind are at the ready line at
# once in the lab's free memory, each at the smallest size the memory row
# found; once per run.  Domains are started one at a time (xl create -e:
# no xl process stays per domain) and each must reach ready before the
# next starts; the count stops when Xen's free memory is below one more
# domain, or xl create fails (out of memory), or a domain does not reach
# ready.  The count is then the domains still running, and all of them
# are destroyed.  The quick run stops at 3 pvbsd and leaves Linux out.

ROW_ROUNDS=once
ROW_TIMEOUT=1800
ROW_TIMEOUT_QUICK=200

# row_fill KIND SIZE CAP READY UNTIL: fill memory with KIND domains of
# SIZE MiB, until dom0 uptime UNTIL (centiseconds): a count cut short by
# time says so, rather than the scenario being stopped with no count.
row_fill() {
	local kind=$1 size=$2 cap=$3 ready=$4 until=$5 n=0 free why log t alive l
	why="stopped at the cap of $cap"
	while [ $n -lt $cap ]; do
		if [ "$(lab_now)" -ge "$until" ]; then
			why="stopped: the row's time ran out (a slow machine)"
			break
		fi
		free=$(bench_free_mib)
		if [ -z "$free" ] || [ "$free" -lt "$size" ]; then
			why="Xen has ${free:-?} MB free"
			break
		fi
		log=$(bench_console bench-d$n)
		rm -f "$log"
		if [ $kind = pvbsd ]; then
			set --
			while IFS= read -r l; do
				set -- "$@" "$l"
			done </lab/job/xl-defaults
			xl create -e -q "$LAB_CFG" "name=\"bench-d$n\"" \
			    "$@" "memory=$size" \
			    'on_poweroff="destroy"' 'on_crash="destroy"' \
			    >"$LAB_SDIR/xl-density.log" 2>&1
		else
			xl create -e -q "$LAB_CFG" "name=\"bench-d$n\"" \
			    "kernel=\"$BENCH_LINUX_KERNEL\"" \
			    "ramdisk=\"$BENCH_LINUX_RAMDISK\"" "memory=$size" \
			    'extra="console=hvc0 quiet labmode=hang"' \
			    'on_poweroff="destroy"' 'on_crash="destroy"' \
			    >"$LAB_SDIR/xl-density.log" 2>&1
		fi
		if [ $? != 0 ]; then
			why="xl create failed at domain $((n + 1)) ($(tail -n 1 "$LAB_SDIR/xl-density.log")), Xen had $free MB free"
			break
		fi
		t=0
		while ! grep -q "^$ready" "$log" 2>/dev/null; do
			t=$((t + 1))
			[ $t -gt 1200 ] && break
			lab__nap 0.1
		done
		if [ $t -gt 1200 ]; then
			xl destroy "bench-d$n" >/dev/null 2>&1
			why="domain $((n + 1)) not ready within 120 s"
			break
		fi
		n=$((n + 1))
	done
	alive=$(xl list 2>/dev/null | awk 'NR > 1 && $1 ~ /^bench-d/ && $5 !~ /[scd]/ { n++ } END { print n + 0 }')
	free=$(bench_free_mib)
	bench_sample density.$kind $alive
	bench_sample density.$kind.how "$alive at $size MiB, ${free:-?} MB left free; $why"
	bench_cleanup
	n=0
	while xl list 2>/dev/null | grep -q '^bench-' && [ $n -lt 100 ]; do
		lab__nap 0.1
		n=$((n + 1))
	done
}

row_measure() {
	local size cap left
	cap=1000
	[ "$BENCH_QUICK" = 1 ] && cap=3
	# pvbsd gets 60% of the row's time, Linux the rest less 180 s (a
	# Linux domain may take up to 120 s to be ready)
	left=$((LAB_DEADLINE - $(lab_now)))
	if size=$(cat "$BENCH_STATE/mem.pvbsd" 2>/dev/null); then
		row_fill pvbsd "$size" $cap "pvbsd: boot sequence complete" \
		    $(($(lab_now) + left * 6 / 10))
	else
		bench_fail density.pvbsd "no smallest size (the memory row failed)"
	fi
	if [ "$BENCH_QUICK" = 1 ]; then
		# a Linux boot is 10-40 s here: not in the quick run
		bench_sample density.linux "NA not in the quick run"
	elif size=$(cat "$BENCH_STATE/mem.linux" 2>/dev/null); then
		row_fill linux "$size" $cap "LAB-GUEST: linux domU up" \
		    $((LAB_DEADLINE - 18000))
	else
		bench_fail density.linux "no smallest size (the memory row failed)"
	fi
}

row_report() {
	ROW "domains at ready at once in free memory" "$(stat density.pvbsd)" \
	    "$(stat density.linux)" "-" ">=120" \
	    "pvbsd: $(note density.pvbsd.how); Linux: $(note density.linux.how)"
}
