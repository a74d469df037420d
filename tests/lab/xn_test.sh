#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# xn(4) in the lab against Linux netback (scenarios/xn.sh): attach and
# negotiation, configuration from the kernel environment, ICMP both ways
# with and without fragments, UDP echo, receive moderation under a
# flood, malformed frames counted as errors, hot-plug, and load/unload
# cycles that leak nothing.

. "$(atf_get_srcdir)/lab.subr"

# lab_result_of KEY: the value scenarios/xn.sh recorded
lab_result_of() {
	sed -n "s/^$1 //p" "$SCEN_DIR/results"
}

atf_test_case attach
attach_head() {
	atf_set descr "kldload xn attaches xn0 with the lab's MAC and says what it negotiated"
}
attach_body() {
	lab_scenario xn
	lab_expect_line 'xn0: <Xen Virtual Network Interface> at device/vif/0 on xenbusb_front0'
	lab_expect_match 'xn0: Ethernet address 00:16:3e:1a:b0:05, 1 queue, rx-copy, rx-notify, sg, csum-offload, split-evtchn( \(gso-tcpv4 offered, not used\))?'
	lab_expect_line 'xn0: configured from ifconfig_xn0: inet 10.99.0.5/24'
	lab_expect_line '	inet 10.99.0.5 netmask 0xffffff00 broadcast 10.99.0.255'
	lab_expect_line '	ether 00:16:3e:1a:b0:05'
}

atf_test_case ping_both_ways
ping_both_ways_head() {
	atf_set descr "dom0 pings pvbsd and pvbsd pings dom0, 56 and 4000 bytes"
}
ping_both_ways_body() {
	lab_scenario xn
	[ "$(lab_result_of dom0_ping)" = ok ] || atf_fail "dom0 ping failed"
	[ "$(lab_result_of dom0_ping_4000)" = ok ] ||
	    atf_fail "dom0's 4000-byte ping failed"
	lab_expect_line 'PING 10.99.0.1 (10.99.0.1): 56 data bytes'
	lab_expect_line '3 packets transmitted, 3 packets received, 0.0% packet loss'
	lab_expect_line 'PING 10.99.0.1 (10.99.0.1): 4000 data bytes'
	lab_expect_match '4008 bytes from 10\.99\.0\.1: icmp_seq=1 ttl=64 time=[0-9]+\.[0-9]{3} ms'
	lab_expect_line '2 packets transmitted, 2 packets received, 0.0% packet loss'
	lab_expect_match 'round-trip min/avg/max/stddev = [0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3}/[0-9]+\.[0-9]{3} ms'
}

atf_test_case udp_echo
udp_echo_head() {
	atf_set descr "a datagram from dom0 to port 7 comes back"
}
udp_echo_body() {
	lab_scenario xn
	got=$(lab_result_of udpecho)
	[ "$got" = 'udpecho: reply "hello-xn" from 10.99.0.5:7' ] ||
	    atf_fail "udp echo: $got"
}

atf_test_case rx_moderation
rx_moderation_head() {
	atf_set descr "a flood of 64-byte datagrams from dom0 arrives through rx polls, with far fewer events than datagrams"
}
rx_moderation_body() {
	lab_scenario xn
	sent=$(lab_result_of flood |
	    sed -n 's/^flood: sent \([0-9]*\) datagrams of 64 bytes$/\1/p')
	[ "$sent" = 4000 ] || atf_fail "dom0's flood: $(lab_result_of flood)"
	got=$(sed -n 's/^udpsink: port=5001 datagrams=\([0-9]*\) .*/\1/p' \
	    "$CONSOLE")
	[ -n "$got" ] || atf_fail "no udpsink summary"
	set -- $(sed -n 's/^dev\.xn\.0\.q0\.events: //p' "$CONSOLE")
	[ $# -eq 2 ] || atf_fail "q0.events printed $# times, expected 2"
	events=$(($2 - $1))
	set -- $(sed -n 's/^dev\.xn\.0\.q0\.rx_polls: //p' "$CONSOLE")
	[ $# -eq 2 ] || atf_fail "q0.rx_polls printed $# times, expected 2"
	polls=$(($2 - $1))
	echo "sent $sent, received $got, $events events, $polls polls"
	# Some loss is the lab's (a vCPU kept off its CPU lets dom0's
	# queues overflow); a lost re-arm would stop the flow altogether.
	[ "$got" -ge $((sent / 2)) ] ||
	    atf_fail "received $got of $sent datagrams"
	[ "$polls" -gt 0 ] || atf_fail "no rx poll during the flood"
	[ "$events" -le $((got / 2)) ] ||
	    atf_fail "$events events for $got datagrams: not moderated"
}

atf_test_case malformed_frames
malformed_frames_head() {
	atf_set descr "eleven malformed frames from dom0 are eleven input errors; the interface keeps working"
}
malformed_frames_body() {
	lab_scenario xn
	set -- $(sed -n 's/^net\.link\.xn0\.ierrors: //p' "$CONSOLE")
	[ $# -eq 2 ] || { lab_show_console; atf_fail "ierrors printed $# times"; }
	[ $(($2 - $1)) -eq 11 ] ||
	    atf_fail "ierrors went from $1 to $2, expected +11"
	[ "$(lab_result_of dom0_ping_after_bad)" = ok ] ||
	    atf_fail "dom0 ping failed after the malformed frames"
	lab_expect_line '2 packets transmitted, 2 packets received, 0.0% packet loss'
}

atf_test_case hotplug
hotplug_head() {
	atf_set descr "a NIC hot-plugged and unplugged during a ping attaches as xn1 and goes; the ping goes on"
}
hotplug_body() {
	lab_scenario xn
	lab_expect_match '(pvbsd> )?xn1: Ethernet address 00:16:3e:1a:b0:06, 1 queue, rx-copy, rx-notify, sg, csum-offload, split-evtchn \(gso-tcpv4 offered, not used\)'
	# Printed while the prompt is up: it may follow "pvbsd> ".
	lab_expect_match '(pvbsd> )?xn1: the backend is closing'
	bg=$(lab_result_of bgping)
	n=$(echo "$bg" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	[ -n "$n" ] && [ "$n" -ge 10 ] || atf_fail "background ping: $bg"
	# Detach after the backend closed writes no state into the node
	# the toolstack removed (it used to: "cannot set state Closed: 13").
	if grep -q 'cannot set state' "$CONSOLE"; then
		lab_show_console
		atf_fail "$(grep 'cannot set state' "$CONSOLE" | head -n 1)"
	fi
	# After the unplug, devinfo shows xn0 only.
	grep -q '^    xn1 ' "$CONSOLE" && atf_fail "xn1 still in devinfo"
	lab_expect_match '    xn0 <Xen Virtual Network Interface>'
}

atf_test_case load_unload_cycles
load_unload_cycles_head() {
	atf_set descr "three kldload/kldunload cycles leave grants, ports, watches, mbufs, pool pages, malloc counters, free and page-table pages as before"
}
load_unload_cycles_body() {
	lab_scenario xn
	n=$(grep -c '^xn0: detached$' "$CONSOLE")
	[ "$n" -eq 4 ] || atf_fail "xn0 detached $n times, expected 4"
	xn_counters_agree 1 2
	lab_expect_end poweroff
}

atf_test_case attach_detach_cycles
attach_detach_cycles_head() {
	atf_set descr "ten xl network-attach/detach cycles leave grants, ports, watches, mbufs, pool pages, malloc counters, free and page-table pages as before"
}
attach_detach_cycles_body() {
	lab_scenario xn
	[ "$(lab_result_of netcycles)" = 10 ] ||
	    atf_fail "$(lab_result_of netcycles) network-attach/detach cycles, expected 10"
	# One from the hot-plug test before, then the ten.
	n=$(grep -cE '^(pvbsd> )?xn1: detached$' "$CONSOLE")
	[ "$n" -eq 11 ] || atf_fail "xn1 detached $n times, expected 11"
	xn_counters_agree 3 4
	lab_expect_end poweroff
}

atf_test_case kld_cycles_100
kld_cycles_100_head() {
	atf_set descr "100 kldload/kldunload cycles of xn with a NIC, each connected, leave pages, grants, ports, watches and malloc counters as before"
}
kld_cycles_100_body() {
	lab_scenario pvcycle
	lab_kcycle_ok xn_cycle xn xn0 \
	    'xn0: <Xen Virtual Network Interface> at device/vif/0 on xenbusb_front0'
	lab_expect_end poweroff
}

# xn_counters_agree I J: the I-th and J-th counter dumps of the console
# are the same, free pages and page-table pages included (kmem puts the
# rings and pool pages of a later load or attach where the first one's
# were, under the tables that one made)
xn_counters_agree() {
	i=$1 j=$2
	for v in hw.xen.gnttab.inuse hw.xen.gnttab.reserved dev.evtchn.bound \
	    hw.xen.xenstore.watches vm.stats.ptable kern.ipc.mbufs \
	    kern.ipc.poolpages kern.malloc.ifnet.inuse \
	    kern.malloc.ifaddr.inuse vm.stats.free; do
		set -- $(sed -n "s/^$v: //p" "$CONSOLE")
		[ $# -eq 4 ] || atf_fail "$v printed $# times, expected 4"
		eval "a=\${$i} b=\${$j}"
		[ "$a" = "$b" ] || atf_fail "$v: $a before, $b after"
	done
}

atf_init_test_cases() {
	atf_add_test_case attach
	atf_add_test_case ping_both_ways
	atf_add_test_case udp_echo
	atf_add_test_case rx_moderation
	atf_add_test_case malformed_frames
	atf_add_test_case hotplug
	atf_add_test_case load_unload_cycles
	atf_add_test_case attach_detach_cycles
	atf_add_test_case kld_cycles_100
}
