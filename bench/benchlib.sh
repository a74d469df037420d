#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# benchlib.sh: what a bench row's measuring half uses in dom0 (busybox sh,
# after the lab's lablib.sh).  bench.sh puts this file, one row file and a
# call of its row_measure into each scenario script.
#
# Theory of operation.  A row measures in dom0 and records samples,
# "KEY VALUE" lines in the scenario's "samples" file, which the lab ships
# back; bench.sh gathers them over all rounds and the row's report half
# turns them into table rows.  A sample whose value is "FAIL reason..."
# records why a figure is missing: the report shows the reason, never an
# empty or invented figure.
#
# Timing.  bench_boot starts a domain with `xl create -F` and watches its
# console log (written by xenconsoled) and xl's output in one loop that
# forks nothing: both files are read through descriptors kept open, a
# line at a time, between naps of 20 ms.  Times are dom0 uptime in
# centiseconds (/proc/uptime), so a figure is good to about 0.03 s.  The
# lab's lab_create starts helper processes per guest (first-byte watcher,
# console stream) that would compete with xl for dom0's one vCPU; the
# bench does without them.  Guests are named "bench-..." and every
# scenario begins by destroying any such domain a killed scenario left.

BENCH_STATE=/tmp/bench
mkdir -p "$BENCH_STATE"
# The Linux test guest travels in the job (bench.sh passes it with -f).
BENCH_LINUX_KERNEL=/lab/job/img/vmlinux
BENCH_LINUX_RAMDISK=/lab/job/img/initrd.cpio
# Console lines that mean "ready".
BENCH_PVBSD_READY='pvbsd: boot sequence complete*'
BENCH_LINUX_READY='LAB-GUEST: linux domU up*'

# bench_sample KEY VALUE...: record a sample.
bench_sample() {
	local k=$1
	shift
	echo "$k $*" >>"$LAB_SDIR/samples"
	lab_log "sample $k = $*"
}

# bench_fail KEY REASON...: record why KEY has no sample this time.
bench_fail() {
	local k=$1
	shift
	bench_sample "$k" "FAIL $*"
}

# bench_secs CS: centiseconds as seconds with two decimals.
bench_secs() {
	lab_secs "$1"
}

# bench_cleanup: destroy every bench-* domain still there.
bench_cleanup() {
	local n
	for n in $(xl list 2>/dev/null | awk 'NR > 1 && $1 ~ /^bench-/ { print $1 }'); do
		xl destroy "$n" >/dev/null 2>&1
	done
}

# bench_boot_linux NAME SECS MIB [LABMODE]: bench_boot of the Linux test
# guest (labmode poweroff by default: it ends by itself after the marker).
bench_boot_linux() {
	bench_boot "$1" "$BENCH_LINUX_READY" "$2" \
	    "kernel=\"$BENCH_LINUX_KERNEL\"" "ramdisk=\"$BENCH_LINUX_RAMDISK\"" \
	    "memory=$3" "extra=\"console=hvc0 quiet labmode=${4:-poweroff}\""
}

# bench_boot NAME GLOB SECS KEY=VALUE...: create domain NAME and wait up
# to SECS for a console line matching the shell pattern GLOB (end it with
# "*": log lines may end in a carriage return).  Sets
# BENCH_RUN (centiseconds from `xl create` until xl says the domain
# runs; xl says so late, under load after the guest has booted),
# BENCH_FIRST (until the first console byte) and BENCH_READY (until the
# line), each empty if unseen, and BENCH_WHY when not ready.  Returns 0 ready, 1 timeout, 2 the
# domain failed or went away.  The domain stays; end it with bench_end.
bench_boot() {
	local name=$1 glob=$2 secs=$3 d log t0 end now u cbuf xbuf l rc copen
	shift 3
	d=$LAB_RUN/$name
	log=$LAB_CONSDIR/guest-$name.log
	BENCH_RUN= BENCH_FIRST= BENCH_READY= BENCH_WHY=
	xl destroy "$name" >/dev/null 2>&1
	rm -rf "$d"
	mkdir -p "$d"
	rm -f "$log"
	{
		echo "name=\"$name\""
		cat /lab/job/xl-defaults 2>/dev/null
		for l; do echo "$l"; done
		echo 'on_poweroff="destroy"'
		echo 'on_reboot="destroy"'
		echo 'on_crash="destroy"'
	} >"$d/args"
	set --
	while IFS= read -r l; do
		set -- "$@" "$l"
	done <"$d/args"
	: >"$d/xl.log"
	t0=$(lab_now)
	echo "$t0" >"$d/t0"
	(
		xl create -F "$LAB_CFG" "$@" >"$d/xl.log" 2>&1 </dev/null
		echo $? >"$d/xlrc"
		lab_now >"$d/tend"
	) &
	end=$((t0 + secs * 100))
	exec 6<"$d/xl.log"
	cbuf= xbuf= copen=0
	rc=1
	while :; do
		read -r u _ </proc/uptime
		now=$(( ${u%.*} * 100 + 1${u#*.} - 100 ))
		# xl's output: "Waiting for domain NAME (domid N) to die"
		while [ -z "$BENCH_RUN" ] && IFS= read -r l <&6; do
			l=$xbuf$l
			xbuf=
			case "$l" in
			"Waiting for domain $name (domid "*)
				BENCH_RUN=$((now - t0))
				l=${l#*(domid }
				echo "${l%%)*}" >"$d/domid"
				;;
			esac
		done
		[ -z "$BENCH_RUN" ] && xbuf=$xbuf$l
		if [ $copen = 0 ] && [ -f "$log" ]; then
			exec 7<"$log"
			copen=1
		fi
		if [ $copen = 1 ]; then
			# The first byte is seen when it is read: a size check
			# before the read could miss a console that came whole
			# (banner to ready line) between the two.
			while IFS= read -r l <&7; do
				[ -z "$BENCH_FIRST" ] && BENCH_FIRST=$((now - t0))
				l=$cbuf$l
				cbuf=
				case "$l" in
				$glob)
					BENCH_READY=$((now - t0))
					rc=0
					break 2
					;;
				esac
			done
			[ -z "$BENCH_FIRST" ] && [ -n "$l" ] &&
			    BENCH_FIRST=$((now - t0))
			cbuf=$cbuf$l
		fi
		if [ -f "$d/xlrc" ]; then
			BENCH_WHY="domain ended before ready ($(lab__reason "$d"))"
			rc=2
			break
		fi
		if [ "$now" -ge "$end" ]; then
			BENCH_WHY="not ready within $secs s"
			rc=1
			break
		fi
		lab__nap 0.02
	done
	exec 6<&-
	[ $copen = 1 ] && exec 7<&-
	# Ready before xl said "Waiting for domain" (it says so late under
	# load): lab_tty, hence lab_send, needs the domid file.
	if [ $rc = 0 ] && [ ! -s "$d/domid" ]; then
		xl domid "$name" >"$d/domid" 2>/dev/null
	fi
	if [ $rc != 0 ]; then
		# Keep the evidence: the console and xl's output.
		cp "$log" "$LAB_SDIR/console-$name.log" 2>/dev/null
		cp "$d/xl.log" "$LAB_SDIR/xl-$name.log" 2>/dev/null
	fi
	return $rc
}

# bench_end NAME: destroy NAME unless gone, and wait until xl has gone.
bench_end() {
	local n=0
	if [ ! -f "$LAB_RUN/$1/xlrc" ]; then
		xl destroy "$1" >>"$LAB_RUN/$1/xl.log" 2>&1
	fi
	while [ ! -f "$LAB_RUN/$1/xlrc" ] && [ $n -lt 100 ]; do
		lab__nap 0.1
		n=$((n + 1))
	done
}

# bench_wait_gone NAME SECS: wait for NAME to end by itself (0), else
# destroy it (1).
bench_wait_gone() {
	local n=0
	while [ ! -f "$LAB_RUN/$1/xlrc" ] && [ $n -lt $(($2 * 10)) ]; do
		lab__nap 0.1
		n=$((n + 1))
	done
	[ -f "$LAB_RUN/$1/xlrc" ] && return 0
	bench_end "$1"
	return 1
}

# bench_mon NAME COMMAND SECS: type a monitor command on pvbsd's console
# and wait for the next prompt; the output is the console log's lines
# after the command line (bench_console NAME).
bench_mon() {
	lab_send "$1" "$2" || return 1
	lab_wait_console "$1" '^pvbsd> ' "$3"
}

# bench_console NAME: path of NAME's console log in dom0
bench_console() {
	echo "$LAB_CONSDIR/guest-$1.log"
}

# bench_free_mib: Xen's free memory in MiB (xl info)
bench_free_mib() {
	xl info 2>/dev/null | awk '$1 == "free_memory" { print $3 }'
}

bench_cleanup
