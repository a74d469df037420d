# lab-boot: 2
# lab-timeout: 420
# The balloon, balloon(4), in a domain of memory=32 maxmem=64: kldload,
# xl mem-set 16 then 48 (the guest's free pages and xl list follow), a
# target below the floor (refused, clamped), back to 32, 20 cycles
# 32 -> 24 -> 32 written straight to memory/target, garbage targets,
# kldunload, kldload, kldunload.  Values go to results; balloon_test.sh
# checks them.
lab_create balloon memory=32 maxmem=64
id=$(lab_domid balloon)
mon() {
	lab_send balloon "$1" && lab_wait_console balloon '^pvbsd> ' 60
}
# val NAME: the value of the last "NAME: V" console line
val() {
	tr -d '\r' <"$(lab_console_log balloon)" | sed -n "s/^$1: //p" |
	    tail -n 1
}
xlmem() {
	xl list "$id" 2>/dev/null | awk 'NR == 2 { print $3 }'
}
# Asynchronous lines may follow the prompt on its line, which
# lab_wait_console has passed already: count matching lines instead.
count() {
	tr -d '\r' <"$(lab_console_log balloon)" | grep -cE -e "$1"
}
# after RE SECS CMD...: run CMD, then wait for one more line matching RE
after() {
	local re=$1 secs=$2 n end
	shift 2
	n=$(count "$re")
	if ! "$@"; then
		lab_log "failed: $*"
		return 1
	fi
	end=$(( $(lab_now) + secs * 100 ))
	while [ "$(count "$re")" -le "$n" ]; do
		if [ "$(lab_now)" -ge $end ]; then
			lab_log "/$re/ not seen within $secs s of: $*"
			return 1
		fi
		lab__nap 0.2
	done
	return 0
}
# moved KIB SECS CMD...: run CMD, wait for the end of a move at KIB KiB
moved() {
	local kib=$1 secs=$2
	shift 2
	after "balloon0: (gave back|took) [0-9]+ pages in .*; now $kib KiB\$" \
	    "$secs" "$@"
}
# snap TAG: free pages and the balloon's view, recorded as TAG_*
snap() {
	mon 'sysctl vm.stats.free hw.balloon.current hw.balloon.low hw.balloon.held' || return 1
	lab_result "$1_free" "$(val vm.stats.free)"
	lab_result "$1_current" "$(val hw.balloon.current)"
	lab_result "$1_low" "$(val hw.balloon.low)"
	lab_result "$1_xl" "$(xlmem)"
}
setkib() {
	lab_dom0 xenstore-write -- "/local/domain/$id/memory/target" "$1"
}
run() {
	lab_wait_console balloon '^pvbsd> ' 60 || return 1
	lab_send balloon 'kldload balloon' || return 1
	lab_wait_console balloon 'balloon0: [0-9]+ KiB now' 60 || return 1
	lab_wait_console balloon '^pvbsd> ' 60 || return 1
	mon 'sysctl hw.balloon vm.stats' || return 1
	snap m32 || return 1

	t0=$(lab_now)
	moved 16384 120 lab_dom0 xl mem-set "$id" 16 || return 1
	lab_result down16_cs $(( $(lab_now) - t0 ))
	snap m16 || return 1

	t0=$(lab_now)
	moved 49152 120 lab_dom0 xl mem-set "$id" 48 || return 1
	lab_result up48_cs $(( $(lab_now) - t0 ))
	snap m48 || return 1
	mon 'sysctl hw.balloon.rate_down hw.balloon.rate_up' || return 1
	lab_result rate_down "$(val hw.balloon.rate_down)"
	lab_result rate_up "$(val hw.balloon.rate_up)"

	# Below the floor: refused with a message, the balloon stops there.
	moved '[0-9]+' 120 lab_dom0 xl mem-set "$id" 2 || return 1
	[ "$(count 'refusing to go below the floor of [0-9]+ KiB \(memory/target 2048 KiB\)')" = 1 ] ||
	    lab_fail "no floor message"
	snap floor || return 1
	moved 32768 120 lab_dom0 xl mem-set "$id" 32 || return 1
	snap before || return 1

	# 20 cycles 32 -> 24 -> 32: no page lost.
	i=0
	while [ $i -lt 20 ]; do
		moved 24576 60 setkib 24576 || return 1
		moved 32768 60 setkib 32768 || return 1
		i=$((i + 1))
	done
	lab_result cycles $i
	snap after || return 1

	# Garbage: each refused, nothing moves.
	for v in abc -4096 '' 99999999999999999999 '16384 ' 0x4000 \
	    99999999; do
		after 'balloon0: refusing memory/target' 30 setkib "$v" ||
		    return 1
	done
	mon 'sysctl hw.balloon' || return 1
	snap garbage || return 1
	lab_result refused "$(val hw.balloon.refused)"

	after 'balloon0: detached: ' 60 mon 'kldunload balloon' || return 1
	mon 'sysctl hw.physmem vm.stats.unbacked' || return 1
	after 'balloon0: [0-9]+ KiB now' 60 mon 'kldload balloon' || return 1
	after 'balloon0: detached: ' 60 mon 'kldunload balloon' || return 1
	mon 'kldstat' || return 1
	lab_send balloon 'shutdown -p'
}
run || lab_fail "balloon scenario stopped early"
lab_wait_end balloon 60
