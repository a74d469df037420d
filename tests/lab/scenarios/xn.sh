# lab-boot: 2
# lab-timeout: 420
# xn(4) with a real netback vif on the lab bridge (dom0 is 10.99.0.1/24,
# pvbsd takes 10.99.0.5 from the kernel environment): kldload, pings both
# ways and 4000-byte pings (fragments), UDP echo from dom0, a flood of
# 4000 64-byte datagrams from dom0 counted by udpsink with the queue's
# event and poll counters around it (receive moderation), malformed
# frames from dom0 (xn_labtool bad) counted as input errors while the
# interface keeps working, a second NIC hot-plugged and unplugged during
# a ping from dom0, then three kldload/kldunload cycles and ten
# network-attach/detach cycles, the leak counters printed before and
# after each (scenarios/pvcycle.sh does 100 load/unload cycles in the
# kernel).  Nothing leaves the lab's QEMU.
tool=/tmp/xn_labtool
cp "$(lab_img xn_labtool)" $tool && chmod +x $tool
# (two commands: a monitor line holds at most 128 characters)
COUNTERS1='hw.xen.gnttab.inuse hw.xen.gnttab.reserved dev.evtchn.bound hw.xen.xenstore.watches vm.stats.ptable'
COUNTERS2='kern.ipc.mbufs kern.ipc.poolpages kern.malloc.ifnet.inuse kern.malloc.ifaddr.inuse vm.stats.free'
lab_create xn "vif=['mac=00:16:3e:1a:b0:05, bridge=xenbr0']" \
    "extra='ifconfig_xn0=\"inet 10.99.0.5/24\"'"
mon() {
	lab_send xn "$1" && lab_wait_console xn '^pvbsd> ' 90
}
# dom0 ping: "NAME OK" or "NAME FAIL" as a result
dping() {
	name=$1
	shift
	if lab_dom0 ping -c 3 -w 30 "$@" 10.99.0.5; then
		lab_result "$name" ok
	else
		lab_result "$name" fail
	fi
}
ok=false
if lab_wait_console xn '^pvbsd> ' 90; then
	mon 'kldload xn' &&
	mon 'ifconfig xn0' &&
	dping dom0_ping &&
	dping dom0_ping_4000 -s 4000 &&
	mon 'ping -c 3 10.99.0.1' &&
	mon 'ping -c 2 -s 4000 10.99.0.1' &&
	lab_result udpecho "$($tool udpecho 10.99.0.5 7 hello-xn)" &&
	mon 'sysctl dev.xn.0.q0.events dev.xn.0.q0.rx_polls' &&
	lab_send xn 'udpsink -t 8' &&
	lab_wait_console xn 'udpsink: listening on port 5001' 30 &&
	lab_result flood "$($tool flood 10.99.0.5 5001 64 4000)" &&
	lab_wait_console xn '^udpsink: port=5001 datagrams=' 60 &&
	lab_wait_console xn '^pvbsd> ' 10 &&
	mon 'sysctl dev.xn.0.q0.events dev.xn.0.q0.rx_polls' &&
	mon 'sysctl net.link.xn0.ierrors' &&
	lab_dom0 $tool bad xenbr0 00:16:3e:1a:b0:05 10.99.0.1 10.99.0.5 &&
	sleep 2 &&
	mon 'sysctl net.link.xn0.ierrors' &&
	mon 'netstat -i' &&
	dping dom0_ping_after_bad &&
	mon 'ping -c 2 10.99.0.1' &&
	ok=true
fi
if $ok; then
	ok=false
	ping -c 12 -w 40 10.99.0.5 >/tmp/xn_bgping.log 2>&1 &
	bgpid=$!
	sleep 2
	lab_net_attach xn mac=00:16:3e:1a:b0:06 &&
	lab_wait_console xn 'xn1: Ethernet address 00:16:3e:1a:b0:06' 60 &&
	mon 'ifconfig xn1' &&
	lab_net_detach xn 00:16:3e:1a:b0:06 &&
	sleep 3 &&
	mon 'devinfo' &&
	ok=true
	wait $bgpid
	lab_result bgping "$(grep 'packets received' /tmp/xn_bgping.log)"
fi
if $ok; then
	mon 'kldunload xn' &&
	mon "sysctl $COUNTERS1" &&
	mon "sysctl $COUNTERS2" &&
	for i in 1 2 3; do
		mon 'kldload xn' &&
		mon 'ping -c 1 10.99.0.1' &&
		mon 'kldunload xn' || break
	done &&
	mon "sysctl $COUNTERS1" &&
	mon "sysctl $COUNTERS2" &&
	ok=true
fi
# 10 network-attach/detach cycles with xn loaded, the counters printed
# before and after (checked by xn_test.sh's attach_detach_cycles).
if $ok; then
	ok=false
	mon 'kldload xn' &&
	mon "sysctl $COUNTERS1" &&
	mon "sysctl $COUNTERS2" &&
	i=0 &&
	while [ $i -lt 10 ]; do
		lab_net_attach xn mac=00:16:3e:1a:b0:06 &&
		lab_wait_console xn 'xn1: Ethernet address 00:16:3e:1a:b0:06' 60 &&
		lab_net_detach xn 00:16:3e:1a:b0:06 &&
		lab_wait_console xn 'xn1: detached' 60 || break
		i=$((i + 1))
	done
	lab_result netcycles $i
	mon "sysctl $COUNTERS1" &&
	mon "sysctl $COUNTERS2" &&
	lab_send xn 'shutdown -p'
fi
lab_wait_end xn 60
