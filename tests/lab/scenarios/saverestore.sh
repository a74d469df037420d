# lab-boot: 2
# lab-timeout: 900
# Suspend and resume (xen_suspend(9), xen(4) SUSPEND AND RESUME), checked
# by tests/lab/saverestore_test.sh.  A 32 MiB guest with xbd(4) and xn(4)
# loaded (a blkback disk, a netback vif on the lab bridge).  xl save -c:
# the suspend is cancelled and the domain goes on in place.  Then
# SR_CYCLES save/restore cycles, each saving the domain the previous
# restore made, each with a disk write/verify stress running in the guest
# and a ping from dom0 running across it.  After each: the stress ends
# with every piece verified, ping answers both ways, and the state (grant
# and port counters, watches, uptime, wall clock, kldstat, devinfo) is
# printed for the test to compare.  tests/lab/long/saverestore10.sh does
# ten cycles.
SR_CYCLES=${SR_CYCLES:-3}
img=/tmp/sr.save
disk=/tmp/sr-disk.img
ip=10.99.0.7
dd if=/dev/zero of=$disk bs=1M count=32 2>/dev/null
C1='sysctl hw.xen.gnttab.inuse hw.xen.gnttab.reserved hw.xen.xenstore.watches dev.evtchn.bound'
C2='sysctl kern.uptime_ns kern.wallclock hw.xen.suspend'
lab_create sr 'memory=32' "vif=['mac=00:16:3e:1a:b0:07, bridge=xenbr0']" \
    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=$disk']" \
    "extra='ifconfig_xn0=\"inet $ip/24\"'"
mon() {
	lab_send sr "$1" && lab_wait_console sr '^pvbsd> ' ${2:-90}
}
state() {
	mon "$C1" && mon "$C2" && mon 'kldstat' && mon 'devinfo'
}
# await RE N SECS: wait until more than N console lines match RE (for a
# line that may come before or after others waited for)
nmatch() {
	tr -d '\r' <"$(lab_console_log sr)" | grep -c -E -e "$1"
}
await() {
	local n=0
	while [ "$(nmatch "$1")" -le "$2" ]; do
		n=$((n + 1))
		if [ $n -gt $(($3 * 10)) ]; then
			lab_log "sr: /$1/ not seen within $3 s"
			return 1
		fi
		sleep 0.1
	done
}
# dping NAME: dom0 pings the guest; NAME ok or fail
dping() {
	if lab_dom0 ping -c 3 -w 30 $ip; then
		lab_result "$1" ok
	else
		lab_result "$1" fail
	fi
}
ok=false
if lab_wait_console sr '^pvbsd> ' 90 &&
    mon 'kldload xbd' && mon 'kldload xn' &&
    mon 'ping -c 2 10.99.0.1' && state; then
	dping dom0_ping_0
	ok=true
fi
if $ok; then
	ok=false
	lab_save sr $img -c &&
	    lab_wait_console sr '^(pvbsd> )?xen_suspend: suspend cancelled, resuming in place' 60 &&
	    lab_wait_console sr '^(pvbsd> )?xen_suspend: done' 60 &&
	    mon '' && mon 'diskwrite xbd0 0 64k 0x5c' &&
	    mon 'diskverify xbd0 0 64k 0x5c' &&
	    mon 'ping -c 2 10.99.0.1' && state && ok=true
	dping dom0_ping_c
	rm -f $img
	$ok || lab_fail "xl save -c"
fi
i=0
while $ok && [ $i -lt $SR_CYCLES ]; do
	ok=false
	i=$((i + 1))
	ping -i 0.5 -w 60 $ip >/tmp/sr-bgping.log 2>&1 &
	bg=$!
	lab_send sr "diskstress xbd0 0 32m 16 0x5$i"
	sleep 0.5
	lab_save sr $img &&
	    lab_restore sr $img &&
	    lab_wait_console sr '^(pvbsd> )?xen_suspend: resumed in a new domain' 60 &&
	    lab_wait_console sr '^(pvbsd> )?xbd0: reconnected to ' 60 &&
	    lab_wait_console sr '^(pvbsd> )?xn0: reconnected to ' 60 &&
	    lab_wait_console sr '^(pvbsd> )?xen_suspend: done' 60 &&
	    await '^diskstress: xbd0: ' $((i - 1)) 300 &&
	    mon '' && mon 'ping -c 2 10.99.0.1' && state && ok=true
	dping dom0_ping_$i
	wait $bg
	lab_result bgping_$i "$(grep 'packets received' /tmp/sr-bgping.log)"
	rm -f $img
	$ok || lab_fail "save/restore cycle $i"
done
lab_result sr_cycles $i
$ok && lab_send sr 'shutdown -p'
lab_wait_end sr 60
