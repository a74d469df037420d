#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Row: kldload.  Every round pvbsd boots to its prompt and loads a driver
# module from its preload image with the monitor's `kldload -v`, which
# times the load itself (read, link, relocate, run the SYSINITs and
# attach: "Loaded NAME.ko, id N, in X.YYY ms").  The module is kld_res,
# which takes what a PV driver takes at load (memory, a grant, an event
# channel, a xenstore watch, a sysctl node, a device on the root bus),
# until a Xen PV driver module is in the image.  The Linux guest has no
# comparable timer.

ROW_ROUNDS=each
ROW_TIMEOUT=150
ROW_TIMEOUT_QUICK=150
ROW_KLD_MODULE=kld_res

row_measure() {
	local ms log
	log=$(bench_console bench-kld)
	if ! bench_boot bench-kld "$BENCH_PVBSD_READY" 30; then
		bench_fail kld.pvbsd "$BENCH_WHY"
	elif ! lab_wait_console bench-kld '^pvbsd> ' 10; then
		bench_fail kld.pvbsd "no monitor prompt"
	elif ! bench_mon bench-kld "kldload -v $ROW_KLD_MODULE" 20; then
		bench_fail kld.pvbsd "kldload did not return to the prompt"
	else
		ms=$(tr -d '\r' <"$log" | sed -n "s/.*Loaded $ROW_KLD_MODULE\(\.ko\)*, id [0-9]*, in \([0-9]*\.[0-9]*\) ms$/\2/p" | head -n 1)
		if [ -n "$ms" ]; then
			bench_sample kld.pvbsd "$ms"
		else
			bench_fail kld.pvbsd "no 'Loaded $ROW_KLD_MODULE' line: $(tr -d '\r' <"$log" | grep -A1 'kldload -v' | tail -n 1)"
			cp "$log" "$LAB_SDIR/console-bench-kld.log"
		fi
	fi
	bench_end bench-kld
}

row_report() {
	ROW "kldload of a driver module (ms)" "$(stat kld.pvbsd)" "-" "-" "-" \
	    "kld_res (a grant, an event channel, a xenstore watch, a device: what a PV driver takes) timed by kldload -v; Linux guest and dom0: no comparable figure measured"
}
