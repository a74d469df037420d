#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Row: the smallest `memory=` (MiB) that boots to the ready line; once per
# run (the search is many boots), in the first round.
#
# pvbsd: upward in 1 MiB steps from 4 MiB, the smallest size Xen's domain
# builder accepts for any PV guest, until a boot reaches the ready line;
# then one more boot at that size confirms it (as for Linux, below).  A
# size too small ends quickly (the builder refuses it, or the kernel panics), so each step is
# a boot of a second or two.
# Linux: a boot takes 5-20 s here, so a 1 MiB walk from 4 to ~90 is too
# long.  Bisection between 3 MiB (refused by the builder) and 128 MiB
# (the lab's default, booted first to check it works) finds the
# smallest size to 1 MiB, assuming more memory never hurts; the size
# found is then booted once more and the size below it has failed in the
# search.  A size at the edge can boot once and fail the next time
# (Linux at 83 MiB did here); then the confirmation goes up 1 MiB at a
# time until a boot succeeds, and the note lists the sizes that did
# not hold.  A failed Linux boot at a small size may hang instead of
# crashing: each try gets 120 s (a good boot took 50 s under load).  The
# quick run skips the Linux search.
# Both results stay in dom0 for the density row.

ROW_ROUNDS=once
ROW_TIMEOUT=2400
ROW_TIMEOUT_QUICK=200

row_try_pvbsd() {
	bench_boot bench-mem "$BENCH_PVBSD_READY" 30 "memory=$1"
	local rc=$?
	bench_end bench-mem
	return $rc
}

row_try_linux() {
	bench_boot_linux bench-mem 120 "$1" poweroff
	local rc=$?
	bench_end bench-mem
	lab_log "linux at $1 MiB: $([ $rc = 0 ] && echo ready || echo "$BENCH_WHY")"
	return $rc
}

# row_confirm KIND M: boot KIND at M MiB again; if that fails (a size at
# the edge may boot one time and not the next), go up 1 MiB at a time, at
# most 8, until a boot succeeds.  Sets row_m to the size confirmed;
# status 1 if none was.  Counts boots in row_boots, sizes that failed in
# row_flaky.
row_confirm() {
	local kind=$1 m=$2 top=$(($2 + 8))
	while [ $m -le $top ]; do
		row_boots=$((row_boots + 1))
		if row_try_$kind $m; then
			row_m=$m
			return 0
		fi
		row_flaky="$row_flaky $m"
		m=$((m + 1))
	done
	return 1
}

# row_result KIND M HOW: record the size found, or why there is none
row_result() {
	local kind=$1 found=$2 how=$3 m
	if row_confirm $kind $found; then
		m=$row_m
		echo $m >"$BENCH_STATE/mem.$kind"
		bench_sample mem.$kind $m
		how="$how, $row_boots boots"
		[ -n "$row_flaky" ] &&
		    how="$how; booted once and then not at:$row_flaky MiB"
		bench_sample mem.$kind.how "$how; the last boot confirms"
	else
		bench_fail mem.$kind "$found MiB reached ready once, then neither it nor 8 MiB more did ($BENCH_WHY)"
	fi
}

row_measure() {
	local m lo hi mid
	# pvbsd
	m=4 row_boots=0 row_flaky=
	while [ $m -le 64 ]; do
		row_boots=$((row_boots + 1))
		row_try_pvbsd $m && break
		m=$((m + 1))
	done
	if [ $m -gt 64 ]; then
		bench_fail mem.pvbsd "no size from 4 to 64 MiB reached ready"
	else
		row_result pvbsd $m "upward from 4 MiB in 1 MiB steps"
	fi
	# Linux
	if [ "$BENCH_QUICK" = 1 ]; then
		bench_sample mem.linux "NA not searched in the quick run"
		return 0
	fi
	row_boots=1 row_flaky=
	if ! row_try_linux 128; then
		bench_fail mem.linux "128 MiB did not boot: $BENCH_WHY"
		return 0
	fi
	lo=3 hi=128
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		row_boots=$((row_boots + 1))
		if row_try_linux $mid; then
			hi=$mid
		else
			lo=$mid
		fi
	done
	row_result linux $hi "bisection between 3 and 128 MiB to 1 MiB ($lo failed)"
}

row_report() {
	ROW "smallest memory= to ready (MiB)" "$(stat mem.pvbsd)" \
	    "$(stat mem.linux)" "-" "<=4" \
	    "pvbsd: $(note mem.pvbsd.how); Linux: $(note mem.linux.how)"
}
