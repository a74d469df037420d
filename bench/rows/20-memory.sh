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
# then one more boot at that size confirms it.  A size too small ends
# quickly (the builder refuses it, or the kernel panics), so each step is
# a boot of a second or two.
# Linux: a boot takes 5-20 s here, so a 1 MiB walk from 4 to ~90 is too
# long.  Bisection between 3 MiB (refused by the builder) and 128 MiB
# (the lab's default, booted first to check it works) finds the
# smallest size to 1 MiB, assuming more memory never hurts; the size
# found is then booted once more and the size below it has failed in the
# search.  A failed Linux boot at a small size may hang instead of
# crashing: each try gets 60 s.  The quick run skips the Linux search.
# Both results stay in dom0 for the density row.

ROW_ROUNDS=once
ROW_TIMEOUT=1500
ROW_TIMEOUT_QUICK=90

row_try_pvbsd() {
	bench_boot bench-mem "$BENCH_PVBSD_READY" 30 "memory=$1"
	local rc=$?
	bench_end bench-mem
	return $rc
}

row_try_linux() {
	bench_boot_linux bench-mem 60 "$1" poweroff
	local rc=$?
	bench_end bench-mem
	lab_log "linux at $1 MiB: $([ $rc = 0 ] && echo ready || echo "$BENCH_WHY")"
	return $rc
}

row_measure() {
	local m boots lo hi mid
	# pvbsd
	m=4 boots=0
	while [ $m -le 64 ]; do
		boots=$((boots + 1))
		row_try_pvbsd $m && break
		m=$((m + 1))
	done
	if [ $m -gt 64 ]; then
		bench_fail mem.pvbsd "no size from 4 to 64 MiB reached ready"
	elif boots=$((boots + 1)) && row_try_pvbsd $m; then
		echo $m >"$BENCH_STATE/mem.pvbsd"
		bench_sample mem.pvbsd $m
		bench_sample mem.pvbsd.how "upward from 4 MiB in 1 MiB steps, $boots boots (the last confirms)"
	else
		bench_fail mem.pvbsd "$m MiB reached ready once, then not ($BENCH_WHY)"
	fi
	# Linux
	if [ "$BENCH_QUICK" = 1 ]; then
		bench_sample mem.linux "NA not searched in the quick run"
		return 0
	fi
	boots=1
	if ! row_try_linux 128; then
		bench_fail mem.linux "128 MiB did not boot: $BENCH_WHY"
		return 0
	fi
	lo=3 hi=128
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		boots=$((boots + 1))
		if row_try_linux $mid; then
			hi=$mid
		else
			lo=$mid
		fi
	done
	boots=$((boots + 1))
	if row_try_linux $hi; then
		echo $hi >"$BENCH_STATE/mem.linux"
		bench_sample mem.linux $hi
		bench_sample mem.linux.how "bisection 3..128 MiB to 1 MiB, $boots boots (the last confirms; $lo failed)"
	else
		bench_fail mem.linux "$hi MiB reached ready once, then not ($BENCH_WHY)"
	fi
}

row_report() {
	ROW "smallest memory= to ready (MiB)" "$(stat mem.pvbsd)" \
	    "$(stat mem.linux)" "-" "<=4" \
	    "pvbsd: $(note mem.pvbsd.how); Linux: $(note mem.linux.how)"
}
