#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Row: boot.  `xl create` to the ready line, every round, pvbsd and the
# lab's Linux test guest one after the other (the order alternates from
# round to round), each at the lab's default size (pvbsd 32 MiB, Linux
# 128 MiB).  Ready is pvbsd's "pvbsd: boot sequence complete" (the line
# before its prompt) and the marker line of the Linux guest's /init.
# pvbsd's time splits into `xl create` until its first console byte
# (the toolstack and the domain builder: pvbsd prints its banner within
# its first instructions) and the guest's own time from its first
# instruction to the prompt, which the kernel reports itself (Xen system
# time).  xl's own "Waiting for domain" line is no use for the split: it
# comes late, under load after the guest has already booted.  The Linux
# guest boots "quiet": its first byte is its marker, so it has no split.

ROW_ROUNDS=each
ROW_TIMEOUT=240
ROW_TIMEOUT_QUICK=240

# The guest's own boot time in ms from its console, if it reports one
# ("boot: 12.345 ms from first instruction to prompt").
row_guest_ms() {
	sed -n 's/^boot: \([0-9][0-9]*\.[0-9]*\) ms from first instruction to prompt.*/\1/p' \
	    "$(bench_console "$1")" | tr -d '\r' | head -n 1
}

row_boot_pvbsd() {
	local ms
	if bench_boot bench-pvbsd "$BENCH_PVBSD_READY" 30; then
		bench_sample boot.pvbsd "$(bench_secs $BENCH_READY)"
		bench_sample first.pvbsd "$(bench_secs $BENCH_FIRST)"
		ms=$(row_guest_ms bench-pvbsd)
		if [ -n "$ms" ]; then
			bench_sample guest.pvbsd "$ms"
		elif grep -q '^boot: no reading' "$(bench_console bench-pvbsd)"; then
			bench_fail guest.pvbsd "the kernel says: no clock reading at its first instruction"
		else
			bench_sample guest.pvbsd "NA not reported"
		fi
	else
		bench_fail boot.pvbsd "$BENCH_WHY"
		bench_fail first.pvbsd "$BENCH_WHY"
		bench_fail guest.pvbsd "$BENCH_WHY"
	fi
	bench_end bench-pvbsd
}

row_boot_linux() {
	if bench_boot_linux bench-linux 150 128 poweroff; then
		bench_sample boot.linux "$(bench_secs $BENCH_READY)"
	else
		bench_fail boot.linux "$BENCH_WHY"
	fi
	bench_wait_gone bench-linux 30
}

row_measure() {
	if [ $((BENCH_ROUND % 2)) = 1 ]; then
		row_boot_pvbsd
		row_boot_linux
	else
		row_boot_linux
		row_boot_pvbsd
	fi
}

row_report() {
	ROW "xl create to ready (s)" "$(stat boot.pvbsd)" "$(stat boot.linux)" \
	    "-" "ratio<=0.18" \
	    "pvbsd 32 MiB to 'boot sequence complete', Linux 128 MiB to its init's marker; dom0: no such figure"
	ROW "  of which toolstack + domain build: xl create to first console byte (s)" \
	    "$(stat first.pvbsd)" "-" "-" "-" \
	    "pvbsd prints its banner at once; the Linux guest boots quiet, its first byte is its marker"
	ROW "  of which the guest's own: first instruction to prompt (ms)" \
	    "$(stat guest.pvbsd)" "-" "-" "-" \
	    "reported by the guest (Xen system time); the Linux guest reports none"
}
