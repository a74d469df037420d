# lab-boot: 2
# lab-timeout: 900
# Suspend and resume (xen_suspend(9), xen(4) SUSPEND AND RESUME), checked
# by tests/lab/saverestore_test.sh.  A 32 MiB guest (maxmem 48) with
# xbd(4), xn(4) and balloon(4) loaded (a blkback disk, a netback vif on
# the lab bridge).  One ping from dom0 runs across the whole scenario.
# xl save -c: the suspend is cancelled and the domain goes on in place.
# Then SR_CYCLES save/restore cycles in a row, each saving the domain the
# previous restore made, each with a disk write/verify stress meant to be
# in flight when the save begins: one pass over the whole 16 MiB disk,
# two passes typed together (the monitor runs them in turn) after a
# stress that ended before its save.  After each restore: the stress
# ends with every piece verified, the ping from dom0 answers again, the
# guest pings dom0, and the state (grant and port counters, watches,
# uptime, wall clock, kldstat, devinfo) is printed in one batch of
# monitor commands for the test to compare.  After the first and the
# last restore, xl mem-set 16, 40 and 32 move the balloon; its counters
# and the free pages are recorded.  dom0 times each step (results *_cs,
# centiseconds).
SR_CYCLES=${SR_CYCLES:-10}
SR_BALLOON_AT="1 $SR_CYCLES"
img=/tmp/sr.save
disk=/tmp/sr-disk.img
ip=10.99.0.7
bglog=/tmp/sr-bgping.log
dd if=/dev/zero of=$disk bs=1M count=16 2>/dev/null
C1='sysctl hw.xen.gnttab.inuse hw.xen.gnttab.reserved hw.xen.xenstore.watches dev.evtchn.bound'
C2='sysctl kern.uptime_ns kern.wallclock hw.xen.suspend'
ts=$(lab_now)
lab_create sr 'memory=32' 'maxmem=48' \
    "vif=['mac=00:16:3e:1a:b0:07, bridge=xenbr0']" \
    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=$disk']" \
    "extra='ifconfig_xn0=\"inet $ip/24\"'"
mon() {
	lab_send sr "$1" && lab_wait_console sr '^pvbsd> ' ${2:-90}
}
# state: the guest pings dom0 and prints its state, typed ahead in one
# go; the monitor runs the lines in turn.  Done when the last prompt
# follows C2's last line.
state() {
	lab_sendraw sr '%s\n%s\n%s\n%s\n%s\n' 'ping -c 2 -i 200 10.99.0.1' \
	    "$C1" kldstat devinfo "$C2" &&
	    lab_wait_console sr '^hw\.xen\.suspend\.suspends: ' 90 &&
	    lab_wait_console sr '^pvbsd> ' 90
}
# count RE: console lines matching RE (also a line that follows the
# prompt on its line, which lab_wait_console has passed already)
count() {
	tr -d '\r' <"$(lab_console_log sr)" | grep -c -E -e "$1"
}
# await RE N SECS: wait until more than N console lines match RE
await() {
	local end=$(( $(lab_now) + $3 * 100 ))
	while [ "$(count "$1")" -le "$2" ]; do
		if [ "$(lab_now)" -ge $end ]; then
			lab_log "sr: /$1/ not seen within $3 s"
			return 1
		fi
		lab__nap 0.1
	done
	return 0
}
# replies: answers the ping from dom0 has had so far
replies() {
	grep -c 'bytes from' $bglog
}
# pingback N SECS: wait until the ping from dom0 has more than N answers
pingback() {
	local end=$(( $(lab_now) + $2 * 100 ))
	while [ "$(replies)" -le "$1" ]; do
		if [ "$(lab_now)" -ge $end ]; then
			lab_log "sr: no answer to dom0's ping within $2 s"
			return 1
		fi
		lab__nap 0.1
	done
	return 0
}
# val NAME: the value of the last "NAME: V" console line
val() {
	tr -d '\r' <"$(lab_console_log sr)" | sed -n "s/^$1: //p" | tail -n 1
}
# memset MIB KIB TAG: xl mem-set MIB, wait for the balloon to reach KIB,
# record the balloon's counters and the free pages as TAG_*
memset() {
	local n
	n=$(count "balloon0: (gave back|took) [0-9]+ pages in .*; now $2 KiB\$")
	lab_dom0 xl mem-set sr "$1" &&
	    await "balloon0: (gave back|took) [0-9]+ pages in .*; now $2 KiB\$" \
	    "$n" 60 &&
	    mon 'sysctl vm.stats.free hw.balloon.current hw.balloon.target' ||
	    return 1
	lab_result "$3_free" "$(val vm.stats.free)"
	lab_result "$3_current" "$(val hw.balloon.current)"
	lab_result "$3_target" "$(val hw.balloon.target)"
	lab_result "$3_xl" "$(xl list sr 2>/dev/null | awk 'NR == 2 { print $3 }')"
}
# balloon TAG: 32 -> 16 -> 40 -> 32 MiB
balloon() {
	mon 'sysctl vm.stats.free hw.balloon.current' || return 1
	lab_result "$1_m32_free" "$(val vm.stats.free)"
	lab_result "$1_m32_current" "$(val hw.balloon.current)"
	memset 16 16384 "$1_m16" && memset 40 40960 "$1_m40" &&
	    memset 32 32768 "$1_back"
}
ok=false
if lab_wait_console sr '^pvbsd> ' 90 &&
    mon 'kldload xbd' && mon 'kldload xn' && mon 'kldload balloon' &&
    state; then
	ok=true
fi
ping -i 0.2 -w 800 $ip >$bglog 2>&1 &
bg=$!
if $ok; then
	ok=false
	pingback 0 30 || lab_fail "dom0 cannot ping the guest"
	lab_result replies_0 "$(replies)"
	lab_save sr $img -c &&
	    lab_wait_console sr '^(pvbsd> )?xen_suspend: suspend cancelled, resuming in place' 60 &&
	    lab_wait_console sr '^(pvbsd> )?xen_suspend: done' 60 &&
	    mon '' && mon 'diskwrite xbd0 0 64k 0x5c' &&
	    mon 'diskverify xbd0 0 64k 0x5c' && state &&
	    pingback "$(replies)" 30 && ok=true
	lab_result replies_c "$(replies)"
	rm -f $img
	$ok || lab_fail "xl save -c"
fi
lab_result setup_cs $(( $(lab_now) - ts ))
# The stress covers the whole disk, to its last sector.  It must outlast
# the start of xl save (dom0's pace), but the guest runs it at its own:
# one that ends before its save began makes the next ones two passes.
# ns counts the stress runs typed so far.
passes=1
ns=0
i=0
while $ok && [ $i -lt $SR_CYCLES ]; do
	ok=false
	i=$((i + 1))
	t0=$(lab_now)
	t2=$t0
	lab_result stress_passes_$i $passes
	if [ $passes = 1 ]; then
		lab_send sr "diskstress xbd0 0 16m 16 0x5$i"
	else
		lab_sendraw sr '%s\n%s\n' "diskstress xbd0 0 16m 16 0x5$i" \
		    "diskstress xbd0 0 16m 16 0x6$i"
	fi
	ns=$((ns + passes))
	lab__nap 0.5
	if lab_save sr $img; then
		# The old domain is gone: answers from here on come from
		# the new one.
		n=$(replies)
		if [ "$(count '^diskstress: xbd0: ')" -ge $ns ]; then
			lab_log "sr: stress $i ended before its save"
			passes=2
		fi
		if lab_restore sr $img; then
			t2=$(lab_now)
			lab_wait_console sr '^(pvbsd> )?xen_suspend: resumed in a new domain' 60 &&
			    lab_wait_console sr '^(pvbsd> )?xen_suspend: done' 60 &&
			    lab_result resume_cs_$i $(( $(lab_now) - t2 )) &&
			    await '^(pvbsd> )?xbd0: reconnected to ' $((i - 1)) 60 &&
			    await '^(pvbsd> )?xn0: reconnected to ' $((i - 1)) 60 &&
			    await '^diskstress: xbd0: ' $((ns - 1)) 300 &&
			    lab_result stress_cs_$i $(( $(lab_now) - t0 )) &&
			    pingback "$n" 60 &&
			    lab_result pingback_cs_$i $(( $(lab_now) - t2 )) &&
			    state && ok=true
		fi
		lab_result save_restore_cs_$i $((t2 - t0))
	fi
	lab_result cycle_cs_$i $(( $(lab_now) - t0 ))
	rm -f $img
	if $ok; then
		case " $SR_BALLOON_AT " in
		*" $i "*)
			t0=$(lab_now)
			balloon balloon_$i || { ok=false
			    lab_fail "balloon after restore $i"; }
			lab_result balloon_cs_$i $(( $(lab_now) - t0 )) ;;
		esac
	else
		lab_fail "save/restore cycle $i"
	fi
done
lab_result sr_cycles $i
lab_result stress_runs $ns
lab_result total_cs $(( $(lab_now) - ts ))
kill $bg
lab_result replies_end "$(replies)"
lab_get $bglog bgping.log
$ok && lab_send sr 'shutdown -p'
lab_wait_end sr 60
