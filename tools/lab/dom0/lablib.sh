#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd authors
#
# lablib.sh: the scenario library, sourced by dom0's init and by every
# scenario script (busybox sh).
#
# A scenario is a shell script run in dom0 with these functions.  It starts
# guests with lab_create (xl create -F from /lab/job/pvbsd.cfg with
# key=value overrides), talks to their consoles, hot-plugs devices and
# waits for the guests to end.  Per guest, xl's output, the times and the
# end reason are kept in /lab/run/<guest>/; per scenario, what goes back to
# the host collects in /lab/out/<scenario>/ and is shipped over the
# channel when the scenario is over.
#
# Channel lines (fd 3; see tools/lab/lab for the reader):
#	@lab:R <uptime_cs> <chan>	dom0 ready
#	@lab:P <scen> <text>		progress, printed as "lab: <scen>: text"
#	@lab:C <scen> <guest> <line>	one console line of a guest, live
#	@lab:F/B/f <scen> <file> [b64]	a file, base64, begin/data/end
#	@lab:E <scen> <end> <code> <first> <total>	scenario over
#	@lab:X <code>			job over
#
# Times are centiseconds of dom0 uptime.  Each wait is bounded.

LAB_CFG=/lab/job/pvbsd.cfg
LAB_OUT=/lab/out
LAB_RUN=/lab/run
LAB_CONSDIR=/var/log/xen/console

# Sleeps without a fork: a read with a timeout on a FIFO nobody writes.
[ -p /run/lab-nap ] || mkfifo /run/lab-nap 2>/dev/null
exec 9<>/run/lab-nap

# lab__nap SECS: sleep (fractions allowed)
lab__nap() {
	read -r -t "$1" _ <&9
}

lab_emit() {
	printf '@lab:%s\n' "$*" >&3
}

lab_now() {
	local u
	read -r u _ </proc/uptime
	echo $(( ${u%.*} * 100 + 1${u#*.} - 100 ))
}

# centiseconds -> seconds with two decimals
lab_secs() {
	printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# lab_log TEXT: a progress line on the host's stdout and in script.log
lab_log() {
	echo "lab: $*"
	lab_emit "P ${LAB_SCEN:--} $*"
}

# lab_result KEY VALUE: a result, kept in <outdir>/<scenario>/results
lab_result() {
	echo "$1 $2" >>"$LAB_SDIR/results"
	lab_log "result $1 = $2"
}

# lab_fail TEXT: the scenario failed a check (exit status 6)
lab_fail() {
	echo "$*" >>"$LAB_SDIR/failed"
	lab_log "FAIL: $*"
	return 1
}

# lab_expect END: the end the primary guest is expected to reach
# (poweroff by default); the scenario passes if it ends so.
lab_expect() {
	echo "$1" >"$LAB_SDIR/expect"
}

# lab_dom0 CMD...: run a dom0 command, log it and its output to
# script.log; returns the command's status.
lab_dom0() {
	local rc
	echo "+ $*"
	"$@" 2>&1
	rc=$?
	[ $rc = 0 ] || echo "+ exit status $rc"
	return $rc
}

lab_domid() {
	cat "$LAB_RUN/$1/domid" 2>/dev/null || xl domid "$1" 2>/dev/null
}

# lab_console_log GUEST: path of GUEST's console log in dom0
lab_console_log() {
	echo "$LAB_CONSDIR/guest-$1.log"
}

# lab_img FILE: path in dom0 of an image the host packed into the job
lab_img() {
	echo "/lab/job/img/$1"
}

lab__alive() {
	[ ! -f "$LAB_RUN/$1/xlrc" ]
}

# lab__remaining [SECS]: SECS, capped by the scenario deadline (seconds)
lab__remaining() {
	local left
	left=$(( (LAB_DEADLINE - $(lab_now)) / 100 ))
	[ $left -lt 0 ] && left=0
	if [ -n "$1" ] && [ "$1" -lt $left ]; then
		echo "$1"
	else
		echo $left
	fi
}

# lab_create GUEST [KEY=VALUE...]: start a guest from pvbsd.cfg.  The
# job's defaults (-k -r -m -e -d -N on the host) come first, then the
# arguments; on_poweroff/on_reboot/on_crash are "destroy" unless an
# argument sets them (on_reboot="restart" to see a guest boot again; the
# console log then goes on with the new domain's lines), so a guest
# always goes away in the end.  Returns once the domain exists.
lab_create() {
	local name=$1 d t0 n
	shift
	d=$LAB_RUN/$name
	if [ -d "$d" ]; then
		lab__alive "$name" && { lab_log "$name already running"; return 1; }
		rm -rf "$d"
	fi
	mkdir -p "$d"
	echo "$LAB_SCEN" >"$d/scen"
	[ -f "$LAB_SDIR/primary" ] || echo "$name" >"$LAB_SDIR/primary"
	echo "$name" >>"$LAB_SDIR/guests"
	lab_emit "G $LAB_SCEN $name"
	rm -f "$LAB_CONSDIR/guest-$name.log"
	{
		echo "name=\"$name\""
		cat /lab/job/xl-defaults 2>/dev/null
		for a; do echo "$a"; done
		for k in on_poweroff on_reboot on_crash; do
			for a; do
				case "$a" in "$k="*) continue 2 ;; esac
			done
			echo "$k=\"destroy\""
		done
	} >"$d/args"
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done <"$d/args"
	echo "+ xl create -F $LAB_CFG $*"
	t0=$(lab_now)
	echo "$t0" >"$d/t0"
	(
		xl create -F "$LAB_CFG" "$@" >"$d/xl.log" 2>&1 </dev/null
		echo $? >"$d/xlrc"
		lab_now >"$d/tend"
	) &
	lab__firstbyte "$name" &
	lab__stream "$name" &
	n=0
	until lab__xldomid "$name" >"$d/domid"; do
		if ! lab__alive "$name"; then
			lab_log "$name: xl create failed"
			return 1
		fi
		n=$((n + 1))
		[ $n -gt 1200 ] && { lab_log "$name: no domain after 60 s"; return 1; }
		lab__nap 0.05
	done
	return 0
}

# The domain id once xl has built and started the domain: xl create -F
# (and xl restore -F) says "Waiting for domain NAME (domid N) to die";
# after a restore the log holds several, the last is the domain now.
# No fork.
lab__xldomid() {
	local l id=
	[ -f "$LAB_RUN/$1/xl.log" ] || return 1
	while IFS= read -r l; do
		case "$l" in
		"Waiting for domain $1 (domid "*)
			l=${l#*(domid }
			id=${l%%)*}
			;;
		esac
	done <"$LAB_RUN/$1/xl.log"
	[ -n "$id" ] && echo "$id"
}

# Note the time of the guest's first console byte (xenconsoled's log).
lab__firstbyte() {
	local d=$LAB_RUN/$1 log=$LAB_CONSDIR/guest-$1.log
	while lab__alive "$1"; do
		if [ -s "$log" ]; then
			lab_now >"$d/tfirst"
			return 0
		fi
		lab__nap 0.02
	done
	[ -s "$log" ] && lab_now >"$d/tfirst"
}

# lab_tty GUEST [SECS]: print the guest's console pty once xenconsoled
# has made it.
lab_tty() {
	local id tty n=0 lim=$((${2:-10} * 20))
	while lab__alive "$1" && [ $n -lt $lim ]; do
		id=
		[ -s "$LAB_RUN/$1/domid" ] && read -r id <"$LAB_RUN/$1/domid"
		if [ -n "$id" ]; then
			tty=$(xenstore-read "/local/domain/$id/console/tty" \
			    2>/dev/null)
			if [ -n "$tty" ] && [ -c "$tty" ]; then
				echo "$tty"
				return 0
			fi
		fi
		n=$((n + 1))
		lab__nap 0.05
	done
	return 1
}

# Stream the guest's console to the host, a line at a time, from its pty
# (reads block, so lines go out as soon as xenconsoled has them).  The
# shell's read takes a byte at a time from the pipe and never holds a line
# back, as a buffering filter (busybox awk) does; it does not read the tty
# itself, whose settings it would fiddle with.
lab__stream() {
	local d=$LAB_RUN/$1 tty l
	if tty=$(lab_tty "$1" 30); then
		cat "$tty" | {
			while IFS= read -r l; do
				printf '@lab:C %s %s %s\n' "$LAB_SCEN" "$1" "$l" >&3
			done
			[ -n "$l" ] &&
			    printf '@lab:C %s %s %s\n' "$LAB_SCEN" "$1" "$l" >&3
		}
	fi 2>/dev/null
	touch "$d/streamed"
}

# lab_wait_console GUEST REGEX [SECS]: wait for a console line matching
# the extended REGEX, searching after the line the last successful wait
# for GUEST matched.  0: seen, 1: timeout, 2: the guest is gone.
lab_wait_console() {
	local name=$1 re=$2 secs d log cur n end
	secs=$(lab__remaining "${3:-}")
	d=$LAB_RUN/$name
	log=$LAB_CONSDIR/guest-$name.log
	end=$(( $(lab_now) + secs * 100 ))
	cur=$(cat "$d/cursor" 2>/dev/null || echo 0)
	while :; do
		if [ -f "$log" ]; then
			n=$(tail -n +$((cur + 1)) "$log" | tr -d '\r' |
			    grep -n -m 1 -E -e "$re" | cut -d: -f1)
			if [ -n "$n" ]; then
				echo $((cur + n)) >"$d/cursor"
				return 0
			fi
		fi
		if ! lab__alive "$name"; then
			lab_log "$name: gone while waiting for /$re/"
			return 2
		fi
		if [ "$(lab_now)" -ge $end ]; then
			lab_log "$name: /$re/ not seen within $secs s"
			return 1
		fi
		lab__nap 0.1
	done
}

# lab_send GUEST TEXT...: type a line on the guest's console
lab_send() {
	local name=$1 tty
	shift
	tty=$(lab_tty "$name") || return 1
	printf '%s\n' "$*" >"$tty"
}

# lab_sendraw GUEST FORMAT [ARGS]: printf exact bytes to the console
lab_sendraw() {
	local name=$1 tty
	shift
	tty=$(lab_tty "$name") || return 1
	printf "$@" >"$tty"
}

# lab_send_file GUEST FILE: type FILE's lines on the console.  Directive
# lines: "@@wait REGEX" waits for REGEX (lab_wait_console), "@@sleep SECS"
# pauses.
lab_send_file() {
	local name=$1 file=$2 tty line
	tty=$(lab_tty "$name") || return 1
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		"@@wait "*)
			lab_wait_console "$name" "${line#@@wait }" || return 1
			;;
		"@@sleep "*)
			sleep "${line#@@sleep }"
			;;
		*)
			printf '%s\n' "$line" >"$tty"
			;;
		esac
	done <"$file"
}

# lab_wait_first GUEST [SECS]: wait for the guest's first console byte
lab_wait_first() {
	local name=$1 secs n=0
	secs=$(lab__remaining "${2:-}")
	while [ ! -f "$LAB_RUN/$name/tfirst" ]; do
		lab__alive "$name" || return 2
		n=$((n + 1))
		[ $n -gt $((secs * 20)) ] && return 1
		lab__nap 0.05
	done
	return 0
}

lab__reason() {
	local code
	code=$(sed -n 's/.*has shut down, reason code \([0-9]*\).*/\1/p' \
	    "$1/xl.log" | tail -n 1)
	case "$code" in
	0) echo poweroff ;;
	1|5) echo reboot ;;
	2) echo suspend ;;
	3|4) echo crash ;;
	*) echo error ;;
	esac
}

# lab_wait_end GUEST [SECS]: wait for the guest to go away; after SECS
# (default: what is left of the scenario's time) destroy it.  Prints the
# end: poweroff reboot crash suspend timeout error.  Returns 0 if that is
# the expected end (lab_expect, default poweroff).
lab_wait_end() {
	local name=$1 secs d end n=0 t
	d=$LAB_RUN/$name
	[ -d "$d" ] || { echo error; return 1; }
	if [ ! -f "$d/end" ]; then
		secs=$(lab__remaining "${2:-}")
		t=$(( $(lab_now) + secs * 100 ))
		while lab__alive "$name"; do
			n=$((n + 1))
			if [ $((n % 10)) = 0 ] &&
			    grep -q 'reason code 2 ' "$d/xl.log"; then
				# xl keeps a suspended guest: finish it
				xl destroy "$name" >>"$d/xl.log" 2>&1
				break
			fi
			if [ "$(lab_now)" -ge $t ]; then
				lab_log "$name: still running after $secs s, destroying it"
				echo timeout >"$d/end"
				xl destroy "$name" >>"$d/xl.log" 2>&1
				break
			fi
			lab__nap 0.1
		done
		n=0
		while lab__alive "$name" && [ $n -lt 100 ]; do
			lab__nap 0.1
			n=$((n + 1))
		done
		[ -f "$d/end" ] || lab__reason "$d" >"$d/end"
		[ -f "$d/tend" ] || lab_now >"$d/tend"
	fi
	end=$(cat "$d/end")
	echo "$end"
	[ "$end" = "$(cat "$LAB_SDIR/expect" 2>/dev/null || echo poweroff)" ]
}

# lab_destroy GUEST: destroy it now (its end becomes "error" unless it
# had ended already)
lab_destroy() {
	xl destroy "$1" >>"$LAB_RUN/$1/xl.log" 2>&1
	lab_wait_end "$1" 5 >/dev/null
}

# lab_block_attach GUEST IMAGE VDEV [r|w]: hot-plug a file-backed disk
lab_block_attach() {
	local mode=${4:-w}
	lab_dom0 xl block-attach "$1" \
	    "format=raw,vdev=$3,access=$mode,script=block,target=$2"
}

# lab_block_detach GUEST VDEV
lab_block_detach() {
	lab_dom0 xl block-detach "$1" "$2"
}

# lab_net_attach GUEST [NICSPEC...]: hot-plug a NIC on xenbr0
lab_net_attach() {
	local name=$1
	shift
	lab_dom0 xl network-attach "$name" bridge=xenbr0 "$@"
}

# lab_net_detach GUEST DEVID|MAC
lab_net_detach() {
	lab_dom0 xl network-detach "$1" "$2"
}

# lab_save GUEST FILE [OPTION...]: xl save [OPTION...] GUEST FILE; its
# status.  xl create -F (or restore -F) ends when it sees the guest
# suspend.  When the guest goes on (-c: the suspend was cancelled, the
# same domain resumes) a watcher takes its place (lab__watch).
# The seconds xl save took are recorded as result save_secs.
lab_save() {
	local name=$1 file=$2 d t0 rc n=0
	shift 2
	d=$LAB_RUN/$name
	t0=$(lab_now)
	echo "+ xl save $* $name $file" >>"$d/xl.log"
	xl save "$@" "$name" "$file" >>"$d/xl.log" 2>&1
	rc=$?
	lab_result save_secs "$(lab_secs $(( $(lab_now) - t0 )))"
	# the monitor sees the suspend and exits (bounded wait)
	while lab__alive "$name" && [ $n -lt 100 ]; do
		lab__nap 0.1
		n=$((n + 1))
	done
	if [ $rc = 0 ] && xl domid "$name" >/dev/null 2>&1; then
		rm -f "$d/xlrc" "$d/tend" "$d/end"
		lab__watch "$name" &
	fi
	return $rc
}

# Watch a guest no xl process waits for (after xl save -c): note when it
# is gone (a later xl save destroys it).  One that shuts down stays until
# lab_wait_end's limit destroys it.
lab__watch() {
	local name=$1 d=$LAB_RUN/$1
	while xl domid "$name" >/dev/null 2>&1; do
		[ -f "$d/xlrc" ] && return 0
		lab__nap 0.2
	done
	[ -f "$d/xlrc" ] || echo 0 >"$d/xlrc"
	lab_now >"$d/tend"
}

# lab_restore GUEST FILE: xl restore -F FILE in place of the saved guest,
# which must be gone; returns once the new domain exists, its console
# streamed as GUEST's.  The seconds until xl restore said the domain
# runs are recorded as result restore_secs.
lab_restore() {
	local name=$1 file=$2 d t0 n=0 old id
	d=$LAB_RUN/$name
	while lab__alive "$name"; do
		n=$((n + 1))
		[ $n -gt 100 ] && { lab_log "$name: still running, cannot restore"; return 1; }
		lab__nap 0.1
	done
	old=$(cat "$d/domid" 2>/dev/null)
	rm -f "$d/xlrc" "$d/tend" "$d/end" "$d/streamed"
	echo "+ xl restore -F $file" >>"$d/xl.log"
	t0=$(lab_now)
	(
		xl restore -F "$file" >>"$d/xl.log" 2>&1 </dev/null
		echo $? >"$d/xlrc"
		lab_now >"$d/tend"
	) &
	n=0
	while :; do
		id=$(lab__xldomid "$name")
		[ -n "$id" ] && [ "$id" != "$old" ] && break
		if ! lab__alive "$name"; then
			lab_log "$name: xl restore failed"
			return 1
		fi
		n=$((n + 1))
		[ $n -gt 1200 ] && { lab_log "$name: no domain after 60 s"; return 1; }
		lab__nap 0.05
	done
	echo "$id" >"$d/domid"
	lab_result restore_secs "$(lab_secs $(( $(lab_now) - t0 )))"
	lab__stream "$name" &
	return 0
}

# lab_get FILE [NAME]: send a dom0 file back to <outdir>/<scenario>/NAME
lab_get() {
	cp "$1" "$LAB_SDIR/${2:-$(basename "$1")}"
}

# --- used by init ----------------------------------------------------

lab__ship() {
	[ -f "$2" ] || return 0
	lab_emit "F $1 $3"
	base64 "$2" | sed "s|^|@lab:B $1 |" >&3
	lab_emit "f $1 $3"
}

lab__children() {
	local st pid comm state ppid rest
	for st in /proc/[0-9]*/stat; do
		read -r pid comm state ppid rest <"$st" 2>/dev/null || continue
		[ "$ppid" = "$1" ] && echo "$pid"
	done
}

lab__killtree() {
	local c
	for c in $(lab__children "$1"); do
		lab__killtree "$c"
	done
	kill "$1" 2>/dev/null
}

lab__code() {
	case "$1" in
	poweroff|none) echo 0 ;;
	crash) echo 3 ;;
	timeout) echo 4 ;;
	reboot) echo 5 ;;
	*) echo 1 ;;
	esac
}

# lab_run_scenario NAME SCRIPT SECS: run one scenario script with a hard
# deadline, finish its guests, ship its logs, report its end.
lab_run_scenario() {
	local name=$1 script=$2 secs=$3 sdir pid n g end code expect
	local prim first total t0
	LAB_SCEN=$name
	LAB_SDIR=$LAB_OUT/$name
	LAB_DEADLINE=$(( $(lab_now) + secs * 100 ))
	export LAB_SCEN LAB_SDIR LAB_DEADLINE
	sdir=$LAB_SDIR
	mkdir -p "$sdir"
	(
		(
			. /lab/lablib.sh
			cd "$sdir" || exit 1
			. "$script"
		)
		echo $? >"$sdir/script.rc"
	) >"$sdir/script.log" 2>&1 </dev/null &
	pid=$!
	while [ ! -f "$sdir/script.rc" ]; do
		if [ "$(lab_now)" -ge $((LAB_DEADLINE + 300)) ]; then
			lab_log "scenario overran its $secs s, stopping it"
			echo "scenario killed at its deadline" >>"$sdir/script.log"
			lab__killtree $pid
			break
		fi
		lab__nap 0.1
	done
	wait $pid 2>/dev/null
	[ -f "$sdir/script.rc" ] || echo 124 >"$sdir/script.rc"
	for g in $(cat "$sdir/guests" 2>/dev/null); do
		lab_wait_end "$g" >/dev/null
	done
	end=none
	prim=$(cat "$sdir/primary" 2>/dev/null)
	expect=$(cat "$sdir/expect" 2>/dev/null || echo poweroff)
	first=- total=-
	if [ -n "$prim" ]; then
		end=$(cat "$LAB_RUN/$prim/end")
		t0=$(cat "$LAB_RUN/$prim/t0")
		[ -f "$LAB_RUN/$prim/tfirst" ] &&
		    first=$(lab_secs $(( $(cat "$LAB_RUN/$prim/tfirst") - t0 )))
		total=$(lab_secs $(( $(cat "$LAB_RUN/$prim/tend") - t0 )))
	fi
	if [ "$end" = "$expect" ]; then
		code=0
	else
		code=$(lab__code "$end")
		[ "$code" = 0 ] && code=1
	fi
	if [ "$code" = 0 ] &&
	    { [ -f "$sdir/failed" ] || [ "$(cat "$sdir/script.rc")" != 0 ]; }; then
		if [ "$(cat "$sdir/script.rc")" = 124 ] && [ "$end" != timeout ]; then
			end=timeout
			code=4
		else
			code=6
		fi
	fi
	# let the console streams drain
	for g in $(cat "$sdir/guests" 2>/dev/null); do
		n=0
		while [ ! -f "$LAB_RUN/$g/streamed" ] && [ $n -lt 20 ]; do
			lab__nap 0.05
			n=$((n + 1))
		done
	done
	for g in $(cat "$sdir/guests" 2>/dev/null); do
		if [ "$g" = "$prim" ]; then
			lab__ship "$name" "$LAB_CONSDIR/guest-$g.log" console.log
			lab__ship "$name" "$LAB_RUN/$g/xl.log" xl.log
		else
			lab__ship "$name" "$LAB_CONSDIR/guest-$g.log" "console-$g.log"
			lab__ship "$name" "$LAB_RUN/$g/xl.log" "xl-$g.log"
			lab__ship "$name" "$LAB_RUN/$g/end" "end-$g"
		fi
	done
	xl dmesg >"$sdir/xl-dmesg.log" 2>&1
	dmesg >"$sdir/dom0-dmesg.log" 2>&1
	grep xenstored /var/log/messages >"$sdir/xenstored.log" 2>/dev/null
	grep xenconsoled /var/log/messages >"$sdir/xenconsoled.log" 2>/dev/null
	cp /var/log/xen/hotplug.log "$sdir/hotplug.log" 2>/dev/null
	for f in "$sdir"/*; do
		case "${f##*/}" in
		primary|guests|expect|script.rc) ;;
		*) lab__ship "$name" "$f" "${f##*/}" ;;
		esac
	done
	lab_emit "E $name $end $code $first $total"
	return "$code"
}

# lab_run_all: every scenario of the job, in order, in this one boot.
# Status: 0 if all passed, else the first failing one's code.
lab_run_all() {
	local name secs script rc=0 c
	while read -r name secs script; do
		lab_run_scenario "$name" "$script" "$secs"
		c=$?
		[ $rc = 0 ] && rc=$c
	done </lab/job/scenarios
	return $rc
}

# lab_interactive: the default guest's console on dom0's console (hvc0,
# QEMU's stdio on the host); ends when the guest does.
lab_interactive() {
	local args
	LAB_SCEN=$(awk '{ print $1; exit }' /lab/job/scenarios)
	LAB_SDIR=$LAB_OUT/$LAB_SCEN
	mkdir -p "$LAB_SDIR"
	{
		echo "name=\"$LAB_SCEN\""
		cat /lab/job/xl-defaults 2>/dev/null
		echo 'on_poweroff="destroy"'
		echo 'on_reboot="destroy"'
		echo 'on_crash="destroy"'
	} >"$LAB_SDIR/args"
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done <"$LAB_SDIR/args"
	echo "lab: $LAB_SCEN: console attached (Ctrl-] detaches)" >/dev/console
	setsid -c sh -c 'exec xl create -c "$0" "$@"' "$LAB_CFG" "$@" \
	    </dev/console >/dev/console 2>&1
	lab__ship "$LAB_SCEN" "$LAB_CONSDIR/guest-$LAB_SCEN.log" console.log
	lab_emit "E $LAB_SCEN interactive 0 - -"
	return 0
}

lab_ship_global() {
	xl dmesg >/lab/out/xl-dmesg.log 2>&1
	dmesg >/lab/out/dom0-dmesg.log 2>&1
	cp /var/log/messages /lab/out/messages.log 2>/dev/null
	for f in xl-dmesg.log dom0-dmesg.log messages.log init.log; do
		lab__ship - "/lab/out/$f" "$f"
	done
}
