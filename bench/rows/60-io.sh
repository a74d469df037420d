#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Rows: the PV block and network frontends, xbd(4) and xn(4), against the
# Linux test guest's xen-blkfront and xen-netfront and against dom0, on
# the same image and the same bridge, in one boot of each guest a round.
#
# Disk: a file in dom0's tmpfs, given to each guest as xvda (blkback on
# a loop device) and set up as a loop device in dom0 for its baseline.
# Sequential 1 MiB writes and reads one request at a time (queue depth
# 1), random 4 KiB reads and writes at queue depth 1 and 32, the page
# cache bypassed: pvbsd's monitor `diskbench' (disk(9) requests, QD kept
# in flight), and labperf (tools/lab/guest/labperf.c, O_DIRECT
# pread/pwrite; QD processes each with one request in flight) in the
# Linux guest and in dom0.
#
# Network: pvbsd (10.99.0.5) and Linux (10.99.0.2) on the lab bridge with
# dom0 (10.99.0.1).  UDP datagrams of 64 and 1472 bytes sent as fast as
# the sender can for a few seconds, counted by the receiver (rates from
# the first datagram to the last): guest to dom0 (the guest's udpsrc,
# labperf udpsink in dom0) and dom0 to guest (labperf udpsrc in dom0,
# the guest's udpsink).  pvbsd uses its monitor's udpsrc/udpsink, Linux
# labperf.  dom0's reference is labperf to itself over 127.0.0.1 (one
# vCPU shared by sender and receiver; no PV path).  Ping: the minimum
# round trip of pings from the guest to dom0 (pvbsd's ping, busybox's).

ROW_ROUNDS=each
ROW_TIMEOUT=900
ROW_TIMEOUT_QUICK=420

row_setup() {
	if [ "$BENCH_QUICK" = 1 ]; then
		ROW_SEQ_MB=8 ROW_RAND_OPS=200 ROW_UDP_SECS=2 ROW_PINGS=3
	else
		ROW_SEQ_MB=32 ROW_RAND_OPS=2000 ROW_UDP_SECS=5 ROW_PINGS=10
	fi
	ROW_IMG=/tmp/bench-io.img
	ROW_PERF=/tmp/labperf
	cp "$(lab_img labperf)" $ROW_PERF && chmod +x $ROW_PERF
	dd if=/dev/zero of=$ROW_IMG bs=1M count=32 2>/dev/null
}

# row_last NAME ERE: group 1 of the last line of NAME's console that
# matches ERE (sed -E, the whole line)
row_last() {
	tr -d '\r' <"$(bench_console "$1")" | sed -n -E "s|^$2\$|\\1|p" |
	    tail -n 1
}

# row_got KEY VALUE WHY: a sample, or why there is none
row_got() {
	if [ -n "$2" ]; then
		bench_sample "$1" "$2"
	else
		bench_fail "$1" "$3"
	fi
}

# row_sink_start SECS: labperf udpsink in dom0, in the background
row_sink_start() {
	rm -f /tmp/bench-sink.out
	$ROW_PERF udpsink 5001 "$1" >/tmp/bench-sink.out 2>&1 &
	ROW_SINK=$!
	lab__nap 0.3
}

# row_rate SIZE: the figure of a "... kbps=K pps=P" line on stdin:
# datagrams/s for 64-byte datagrams, else Mbit/s
row_rate() {
	sed -n 's/.* kbps=\([0-9]*\) pps=\([0-9]*\).*/\1 \2/p' | tail -n 1 |
	    awk -v size="$1" 'NF == 2 { if (size == 64) print $2
		else printf "%.2f\n", $1 / 1000 }'
}

# row_sink_wait: wait for dom0's sink to end (not in a subshell: only
# the shell that started it can wait for it)
row_sink_wait() {
	wait $ROW_SINK
}

# row_sink_get SIZE: the figure from dom0's sink, after row_sink_wait
row_sink_get() {
	grep '^labperf udpsink datagrams=[1-9]' /tmp/bench-sink.out |
	    row_rate "$1"
}

# row_guest_rate NAME ERE SIZE: the figure of NAME's last console line
# matching ERE (its receiver's line)
row_guest_rate() {
	tr -d '\r' <"$(bench_console "$1")" | grep -E "$2" | row_rate "$3"
}

# the random rows, KEY:MODE:QD
ROW_RAND="randread:randread:1 randwrite:randwrite:1 randread32:randread:32
    randwrite32:randwrite:32"

# row_rand T: set k, m and d from T (KEY:MODE:QD)
row_rand() {
	k=${1%%:*} m=${1#*:}
	d=${m#*:} m=${m%%:*}
}

ROW_ALL="seqwrite seqread randread randwrite randread32 randwrite32 tx64 tx1472 rx64 rx1472 rtt"

# pvbsd: kldload xbd and xn, diskbench, udpsrc/udpsink, ping
row_pvbsd() {
	local g=bench-io k m d t v s=$ROW_UDP_SECS
	if ! bench_boot $g "$BENCH_PVBSD_READY" 60 memory=48 \
	    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=$ROW_IMG']" \
	    "vif=['mac=00:16:3e:1a:b0:07, bridge=xenbr0']"; then
		for k in $ROW_ALL; do bench_fail io.$k.pvbsd "boot: $BENCH_WHY"; done
		bench_end $g
		return
	fi
	if ! lab_wait_console $g '^pvbsd> ' 20 ||
	    ! bench_mon $g 'kldload xbd' 60 || ! bench_mon $g 'kldload xn' 60 ||
	    ! bench_mon $g 'ifconfig xn0 inet 10.99.0.5/24' 30; then
		for k in $ROW_ALL; do bench_fail io.$k.pvbsd "kldload/ifconfig did not return"; done
		cp "$(bench_console $g)" "$LAB_SDIR/console-$g.log"
		bench_end $g
		return
	fi
	bench_mon $g "diskbench xbd0 seqwrite 1m 1 ${ROW_SEQ_MB}m" 300
	row_got io.seqwrite.pvbsd "$(row_last $g 'diskbench xbd0 seqwrite MBps ([0-9.]+)')" "no diskbench seqwrite figure"
	bench_mon $g "diskbench xbd0 seqread 1m 1 ${ROW_SEQ_MB}m" 300
	row_got io.seqread.pvbsd "$(row_last $g 'diskbench xbd0 seqread MBps ([0-9.]+)')" "no diskbench seqread figure"
	for t in $ROW_RAND; do
		row_rand $t
		bench_mon $g "diskbench xbd0 $m 4096 $d $((ROW_RAND_OPS * 4096))" 300
		row_got io.$k.pvbsd "$(row_last $g "diskbench xbd0 $m IOPS ([0-9]+)")" "no diskbench $m QD$d figure"
	done
	bench_mon $g "ping -c $ROW_PINGS 10.99.0.1" 60
	row_got io.rtt.pvbsd "$(row_last $g 'round-trip min/avg/max/stddev = ([0-9.]+)/.*')" "no ping summary"
	for v in 64 1472; do
		row_sink_start $((s + 1))
		bench_mon $g "udpsrc -s $v -t $s 10.99.0.1" $((s + 60))
		row_sink_wait
		k=$(row_sink_get $v)
		row_got io.tx$v.pvbsd "$k" "dom0 counted nothing: $(tr '\n' ' ' </tmp/bench-sink.out)"
		lab_send $g "udpsink -t $((s + 3))"
		if lab_wait_console $g 'udpsink: listening on port 5001' 20; then
			$ROW_PERF udpsrc 10.99.0.5 5001 $v $s >/dev/null
			lab_wait_console $g '^pvbsd> ' $((s + 60))
		fi
		k=$(row_guest_rate $g '^udpsink: port=5001 datagrams=[1-9]' $v)
		row_got io.rx$v.pvbsd "$k" "pvbsd's udpsink counted nothing"
	done
	cp "$(bench_console $g)" "$LAB_SDIR/console-$g.log"
	bench_end $g
}

# row_lsh CMD ERE SECS: type CMD at the Linux guest's shell and wait for
# a line matching ERE
row_lsh() {
	lab_send bench-lio "$1" && lab_wait_console bench-lio "$2" "$3"
}

# Linux: the same with labperf and busybox's ping
row_linux() {
	local g=bench-lio k m d t v s=$ROW_UDP_SECS
	if ! bench_boot $g 'LAB-GUEST: shell ready*' 240 \
	    "kernel=\"$BENCH_LINUX_KERNEL\"" "ramdisk=\"$BENCH_LINUX_RAMDISK\"" \
	    memory=128 "extra=\"console=hvc0 quiet labmode=net,shell\"" \
	    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=$ROW_IMG']" \
	    "vif=['mac=00:16:3e:1a:b0:08, bridge=xenbr0']"; then
		for k in $ROW_ALL; do bench_fail io.$k.linux "boot: $BENCH_WHY"; done
		bench_end $g
		return
	fi
	for k in seqwrite seqread; do
		row_lsh "labperf disk /dev/xvda $k 1048576 $ROW_SEQ_MB" "^labperf disk $k[ :]" 300
		row_got io.$k.linux "$(row_last $g "labperf disk $k .* MBps=([0-9.]+) .*")" "no labperf $k figure: $(row_last $g '(labperf disk.*)')"
	done
	for t in $ROW_RAND; do
		row_rand $t
		row_lsh "labperf disk /dev/xvda $m 4096 $ROW_RAND_OPS $d" "^labperf disk $m[ :]" 300
		row_got io.$k.linux "$(row_last $g "labperf disk $m .* IOPS=([0-9]+)")" "no labperf $m QD$d figure: $(row_last $g '(labperf disk.*)')"
	done
	row_lsh "ping -c $ROW_PINGS 10.99.0.1" 'round-trip min/avg/max = ' 60
	row_got io.rtt.linux "$(row_last $g 'round-trip min/avg/max = ([0-9.]+)/.*')" "no ping summary"
	for v in 64 1472; do
		row_sink_start $((s + 1))
		row_lsh "labperf udpsrc 10.99.0.1 5001 $v $s" '^labperf udpsrc[ :]' $((s + 60))
		row_sink_wait
		k=$(row_sink_get $v)
		row_got io.tx$v.linux "$k" "dom0 counted nothing: $(tr '\n' ' ' </tmp/bench-sink.out)"
		if row_lsh "echo RX-READY-$v; labperf udpsink 5001 $((s + 1))" "^RX-READY-$v\$" 20; then
			lab__nap 0.5
			$ROW_PERF udpsrc 10.99.0.2 5001 $v $s >/dev/null
			lab_wait_console $g '^labperf udpsink[ :]' 60
		fi
		k=$(row_guest_rate $g '^labperf udpsink datagrams=[1-9]' $v)
		row_got io.rx$v.linux "$k" "labperf udpsink in the guest counted nothing"
	done
	cp "$(bench_console $g)" "$LAB_SDIR/console-$g.log"
	bench_end $g
}

# dom0: labperf on a loop device of the image, and to itself over lo
row_dom0() {
	local dev k m d t v s=$ROW_UDP_SECS
	if dev=$(losetup-util -f --show $ROW_IMG) && [ -n "$dev" ]; then
		for k in seqwrite seqread; do
			v=$($ROW_PERF disk "$dev" $k 1048576 $ROW_SEQ_MB)
			row_got io.$k.dom0 "$(echo "$v" | sed -n 's/.* MBps=\([0-9.]*\) .*/\1/p')" "labperf: $v"
		done
		for t in $ROW_RAND; do
			row_rand $t
			v=$($ROW_PERF disk "$dev" $m 4096 $ROW_RAND_OPS $d)
			row_got io.$k.dom0 "$(echo "$v" | sed -n 's/.* IOPS=\([0-9]*\)$/\1/p')" "labperf: $v"
		done
		losetup-util -d "$dev"
	else
		for k in seqwrite seqread randread randwrite randread32 randwrite32; do
			bench_fail io.$k.dom0 "losetup failed"
		done
	fi
	for v in 64 1472; do
		row_sink_start $((s + 1))
		$ROW_PERF udpsrc 127.0.0.1 5001 $v $s >/dev/null
		row_sink_wait
		k=$(row_sink_get $v)
		row_got io.lo$v.dom0 "$k" "labperf over lo: $(tr '\n' ' ' </tmp/bench-sink.out)"
	done
}

row_measure() {
	row_setup
	row_pvbsd
	row_linux
	row_dom0
	rm -f $ROW_IMG
}

row_report() {
	ROW "xbd sequential 1 MiB writes, QD1 (MB/s)" "$(stat io.seqwrite.pvbsd)" \
	    "$(stat io.seqwrite.linux)" "$(stat io.seqwrite.dom0)" "ratio>=1.5" \
	    "pvbsd diskbench; Linux blkfront and dom0's loop device: labperf, O_DIRECT; same 32 MiB image in dom0's tmpfs"
	ROW "xbd sequential 1 MiB reads, QD1 (MB/s)" "$(stat io.seqread.pvbsd)" \
	    "$(stat io.seqread.linux)" "$(stat io.seqread.dom0)" "ratio>=1.5" \
	    "as above"
	ROW "xbd random 4 KiB reads, QD1 (IOPS)" "$(stat io.randread.pvbsd)" \
	    "$(stat io.randread.linux)" "$(stat io.randread.dom0)" "ratio>=1.5" \
	    "as above"
	ROW "xbd random 4 KiB writes, QD1 (IOPS)" "$(stat io.randwrite.pvbsd)" \
	    "$(stat io.randwrite.linux)" "$(stat io.randwrite.dom0)" "-" \
	    "as above"
	ROW "xbd random 4 KiB reads, QD32 (IOPS)" "$(stat io.randread32.pvbsd)" \
	    "$(stat io.randread32.linux)" "$(stat io.randread32.dom0)" "-" \
	    "pvbsd: diskbench keeps 32 in flight; Linux and dom0: 32 labperf processes, one request each"
	ROW "xbd random 4 KiB writes, QD32 (IOPS)" "$(stat io.randwrite32.pvbsd)" \
	    "$(stat io.randwrite32.linux)" "$(stat io.randwrite32.dom0)" "-" \
	    "as above"
	ROW "xn UDP 64-byte datagrams, guest to dom0 (datagrams/s)" \
	    "$(stat io.tx64.pvbsd)" "$(stat io.tx64.linux)" \
	    "$(stat io.lo64.dom0)" "ratio>=1" \
	    "counted by labperf in dom0; sent by pvbsd's udpsrc, Linux's labperf; dom0: labperf to itself over lo (one vCPU: the sender starves the receiver, so a floor, not a ceiling)"
	ROW "xn UDP 1472-byte datagrams, guest to dom0 (Mbit/s)" \
	    "$(stat io.tx1472.pvbsd)" "$(stat io.tx1472.linux)" \
	    "$(stat io.lo1472.dom0)" "ratio>=1" "as above, payload bits"
	ROW "xn UDP 64-byte datagrams, dom0 to guest (datagrams/s)" \
	    "$(stat io.rx64.pvbsd)" "$(stat io.rx64.linux)" \
	    "$(stat io.lo64.dom0)" "ratio>=1" \
	    "sent by labperf in dom0; counted by pvbsd's udpsink, Linux's labperf; dom0 as above"
	ROW "xn UDP 1472-byte datagrams, dom0 to guest (Mbit/s)" \
	    "$(stat io.rx1472.pvbsd)" "$(stat io.rx1472.linux)" \
	    "$(stat io.lo1472.dom0)" "ratio>=1" "as above, payload bits"
	ROW "xn ping round trip to dom0, min (ms)" "$(stat io.rtt.pvbsd)" \
	    "$(stat io.rtt.linux)" "-" "ratio<=1" \
	    "pvbsd's ping, busybox ping in the Linux guest; 3 (quick) or 10 a round, 1 s apart"
}
