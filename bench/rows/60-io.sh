#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# Rows: the PV block and network frontends, xbd(4) and xn(4), against the
# Linux test guest's xen-blkfront and xen-netfront and against dom0, on
# the same image and the same bridge, in one boot of each guest a round.
#
# Disk: two identical 32 MiB files in dom0's tmpfs, one given to each
# guest as xvda (blkback on a loop device); dom0's baseline is a loop
# device of pvbsd's file of its own.  (A file each because both guests
# are up at once, and Xen's block script refuses a file that another
# domain has open for writing; dom0 shares pvbsd's because its root
# file system, in RAM, has no room for a third beside the Linux guest's
# kernel and initramfs.  Both loop devices go through the file's page
# cache, and only one of them is in use at a time.)  Sequential 1 MiB writes and reads one
# request at a time (queue depth 1), random 4 KiB reads and writes at
# queue depth 1 and 32, the page cache bypassed: pvbsd's monitor
# `diskbench' (disk(9) requests, QD kept in flight), and labperf
# (tools/lab/guest/labperf.c, O_DIRECT pread/pwrite; QD processes each
# with one request in flight) in the Linux guest and in dom0.
#
# The disk figures are taken in turns: pvbsd, Linux, dom0, then again,
# ROW_TRIES times a round, every try a sample.  The lab's vCPUs are host
# threads on a shared machine, and the same 32 MiB run was seen to take
# anywhere from 0.2 to 1.7 s as other work came and went; measured one
# guest after the other, minutes apart, the ratio followed the machine
# more than the drivers.  In turns, each guest's tries meet the same
# weather.
#
# Network: pvbsd (10.99.0.5) and Linux (10.99.0.2) on the lab bridge with
# dom0 (10.99.0.1).  UDP datagrams of 64 and 1472 bytes sent as fast as
# the sender can for a few seconds, counted by the receiver (rates from
# the first datagram to the last): guest to dom0 (the guest's udpsrc,
# labperf udpsink in dom0) and dom0 to guest (labperf udpsrc in dom0,
# the guest's udpsink).  pvbsd uses its monitor's udpsrc/udpsink, Linux
# labperf.  dom0's reference is labperf to itself over 127.0.0.1 (one
# vCPU shared by sender and receiver; no PV path).  These too are taken
# in turns, pvbsd then Linux (then dom0 over lo) for each figure,
# ROW_TRIES times a round: the same transfer was seen to run at 3000 in
# one try and 6100 datagrams/s in the next.  Ping, once a round: the
# minimum round trip of pings from the guest to dom0 (pvbsd's ping,
# busybox's).

ROW_ROUNDS=each
ROW_TIMEOUT=1200
ROW_TIMEOUT_QUICK=420

row_setup() {
	local f
	if [ "$BENCH_QUICK" = 1 ]; then
		ROW_SEQ_MB=8 ROW_RAND_OPS=200 ROW_UDP_SECS=2 ROW_PINGS=3
		ROW_TRIES=1
	else
		ROW_SEQ_MB=32 ROW_RAND_OPS=2000 ROW_UDP_SECS=5 ROW_PINGS=10
		ROW_TRIES=3
	fi
	ROW_IMGS="/tmp/bench-io-pvbsd.img /tmp/bench-io-linux.img"
	ROW_PERF=/tmp/labperf
	cp "$(lab_img labperf)" $ROW_PERF && chmod +x $ROW_PERF
	for f in $ROW_IMGS; do
		dd if=/dev/zero of=$f bs=1M count=32 2>/dev/null
	done
}

# row_last NAME ERE: group 1 of the last line of NAME's console that
# matches ERE (sed -E, the whole line)
row_last() {
	tr -d '\r' <"$(bench_console "$1")" | sed -n -E "s|^$2\$|\\1|p" |
	    tail -n 1
}

# row_count NAME TEXT: how many lines of NAME's console contain TEXT
row_count() {
	tr -d '\r' <"$(bench_console "$1")" | grep -c -F -e "$2"
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

# row_sink_try KEY SIZE CMD...: one try counted by labperf udpsink in
# dom0: start the sink, run the sender CMD, record what the sink counted
row_sink_try() {
	local key=$1 v=$2
	shift 2
	row_sink_start $((ROW_UDP_SECS + 1))
	"$@" >/dev/null
	row_sink_wait
	row_got "$key" "$(row_sink_get $v)" \
	    "dom0 counted nothing: $(tr '\n' ' ' </tmp/bench-sink.out)"
}

# row_guest_got KEY NAME TEXT SIZE N: record the figure of the receiver
# line (starting with TEXT) that NAME's console gained after it had N:
# a try without a new line, or one that counted nothing, is a failure
row_guest_got() {
	if [ "$(row_count $2 "$3")" != $(($5 + 1)) ]; then
		bench_fail "$1" "no new receiver line ($3...)"
		return
	fi
	row_got "$1" "$(tr -d '\r' <"$(bench_console "$2")" | grep -F -e "$3" |
	    tail -n 1 | grep 'datagrams=[1-9]' | row_rate "$4")" \
	    "the receiver in $2 counted nothing"
}

# The disk figures, KEY:MODE:BS:COUNT:QD; COUNT in requests, and
# MODE's unit (MBps or IOPS) is the figure.
row_disk_figures() {
	echo "seqwrite:seqwrite:1048576:$ROW_SEQ_MB:1 seqread:seqread:1048576:$ROW_SEQ_MB:1
	    randread:randread:4096:$ROW_RAND_OPS:1 randwrite:randwrite:4096:$ROW_RAND_OPS:1
	    randread32:randread:4096:$ROW_RAND_OPS:32 randwrite32:randwrite:4096:$ROW_RAND_OPS:32"
}

# row_fig F: set k, m, b, c, d and u from F (KEY:MODE:BS:COUNT:QD)
row_fig() {
	local IFS=:
	set -- $1
	k=$1 m=$2 b=$3 c=$4 d=$5
	case $m in seq*) u=MBps ;; *) u=IOPS ;; esac
}

ROW_DISK="seqwrite seqread randread randwrite randread32 randwrite32"
ROW_NET="tx64 tx1472 rx64 rx1472 rtt"

# row_pvbsd_boot: boot pvbsd with the disk and a vif; load xbd and xn
row_pvbsd_boot() {
	local g=bench-io k
	ROW_PVBSD=
	if ! bench_boot $g "$BENCH_PVBSD_READY" 60 memory=48 \
	    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=/tmp/bench-io-pvbsd.img']" \
	    "vif=['mac=00:16:3e:1a:b0:07, bridge=xenbr0']"; then
		for k in $ROW_DISK $ROW_NET; do bench_fail io.$k.pvbsd "boot: $BENCH_WHY"; done
		return
	fi
	if ! lab_wait_console $g '^pvbsd> ' 20 ||
	    ! bench_mon $g 'kldload xbd' 60 || ! bench_mon $g 'kldload xn' 60 ||
	    ! bench_mon $g 'ifconfig xn0 inet 10.99.0.5/24' 30; then
		for k in $ROW_DISK $ROW_NET; do bench_fail io.$k.pvbsd "kldload/ifconfig did not return"; done
		return
	fi
	ROW_PVBSD=1
}

# row_pvbsd_disk F: one try of figure F with diskbench
row_pvbsd_disk() {
	local g=bench-io k m b c d u n f
	row_fig "$1"
	n=$(row_count $g "diskbench xbd0 $m $u ")
	bench_mon $g "diskbench xbd0 $m $b $d $((b * c))" 300
	if [ "$(row_count $g "diskbench xbd0 $m $u ")" != $((n + 1)) ]; then
		bench_fail io.$k.pvbsd "no diskbench $m QD$d figure"
	elif [ "$(row_last $g "diskbench xbd0 $m errors ([0-9]+)")" != 0 ]; then
		bench_fail io.$k.pvbsd "diskbench $m QD$d: I/O errors"
	else
		row_got io.$k.pvbsd "$(row_last $g "diskbench xbd0 $m $u ([0-9.]+)")" "no diskbench $m QD$d figure"
	fi
}

# row_pvbsd_ping: pvbsd's ping to dom0
row_pvbsd_ping() {
	local g=bench-io
	bench_mon $g "ping -c $ROW_PINGS 10.99.0.1" 60
	row_got io.rtt.pvbsd "$(row_last $g 'round-trip min/avg/max/stddev = ([0-9.]+)/.*')" "no ping summary"
}

# row_pvbsd_tx SIZE: one try, pvbsd's udpsrc to labperf udpsink in dom0
row_pvbsd_tx() {
	local s=$ROW_UDP_SECS
	row_sink_try io.tx$1.pvbsd $1 \
	    bench_mon bench-io "udpsrc -s $1 -t $s 10.99.0.1" $((s + 60))
}

# row_pvbsd_rx SIZE: one try, labperf udpsrc in dom0 to pvbsd's udpsink
row_pvbsd_rx() {
	local g=bench-io v=$1 s=$ROW_UDP_SECS n
	n=$(row_count $g 'udpsink: port=5001 datagrams=')
	lab_send $g "udpsink -t $((s + 3))"
	if lab_wait_console $g 'udpsink: listening on port 5001' 20; then
		$ROW_PERF udpsrc 10.99.0.5 5001 $v $s >/dev/null
		lab_wait_console $g '^pvbsd> ' $((s + 60))
	fi
	row_guest_got io.rx$v.pvbsd $g 'udpsink: port=5001 datagrams=' $v $n
}

# row_lsh CMD ERE SECS: type CMD at the Linux guest's shell and wait for
# a line matching ERE
row_lsh() {
	lab_send bench-lio "$1" && lab_wait_console bench-lio "$2" "$3"
}

# row_linux_boot: boot the Linux guest with the disk and a vif
row_linux_boot() {
	local g=bench-lio k
	ROW_LINUX=
	if ! bench_boot $g 'LAB-GUEST: shell ready*' 240 \
	    "kernel=\"$BENCH_LINUX_KERNEL\"" "ramdisk=\"$BENCH_LINUX_RAMDISK\"" \
	    memory=128 "extra=\"console=hvc0 quiet labmode=net,shell\"" \
	    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=/tmp/bench-io-linux.img']" \
	    "vif=['mac=00:16:3e:1a:b0:08, bridge=xenbr0']"; then
		for k in $ROW_DISK $ROW_NET; do bench_fail io.$k.linux "boot: $BENCH_WHY"; done
		return
	fi
	ROW_LINUX=1
}

# row_linux_disk F: one try of figure F with labperf
row_linux_disk() {
	local g=bench-lio k m b c d u n
	row_fig "$1"
	n=$(row_count $g "labperf disk $m ")
	row_lsh "labperf disk /dev/xvda $m $b $c $d" "^labperf disk $m[ :]" 300
	if [ "$(row_count $g "labperf disk $m ")" != $((n + 1)) ]; then
		bench_fail io.$k.linux "no labperf $m QD$d figure: $(row_last $g '(labperf disk.*)')"
	else
		row_got io.$k.linux "$(row_last $g "labperf disk $m .* $u=([0-9.]+)( .*)?")" "no labperf $m QD$d figure: $(row_last $g '(labperf disk.*)')"
	fi
}

# row_linux_ping: busybox ping in the Linux guest to dom0
row_linux_ping() {
	local g=bench-lio
	row_lsh "ping -c $ROW_PINGS 10.99.0.1" 'round-trip min/avg/max = ' 60
	row_got io.rtt.linux "$(row_last $g 'round-trip min/avg/max = ([0-9.]+)/.*')" "no ping summary"
}

# row_linux_tx SIZE: one try, labperf udpsrc in the guest to dom0's sink
row_linux_tx() {
	local s=$ROW_UDP_SECS
	row_sink_try io.tx$1.linux $1 row_lsh \
	    "labperf udpsrc 10.99.0.1 5001 $1 $s" '^labperf udpsrc[ :]' $((s + 60))
}

# row_linux_rx SIZE: one try, labperf udpsrc in dom0 to labperf udpsink
# in the guest
row_linux_rx() {
	local g=bench-lio v=$1 s=$ROW_UDP_SECS n
	n=$(row_count $g 'labperf udpsink datagrams=')
	if row_lsh "echo RX-READY-$v; labperf udpsink 5001 $((s + 1))" "^RX-READY-$v\$" 20; then
		lab__nap 0.5
		$ROW_PERF udpsrc 10.99.0.2 5001 $v $s >/dev/null
		lab_wait_console $g '^labperf udpsink[ :]' 60
	fi
	row_guest_got io.rx$v.linux $g 'labperf udpsink datagrams=' $v $n
}

# row_dom0_disk DEV F: one try of figure F with labperf on dom0's loop
# device DEV
row_dom0_disk() {
	local k m b c d u v
	row_fig "$2"
	v=$($ROW_PERF disk "$1" $m $b $c $d 2>&1)
	row_got io.$k.dom0 "$(echo "$v" | sed -n -E "s/^labperf disk $m .* $u=([0-9.]+)( .*)?\$/\\1/p" | tail -n 1)" "labperf: $v"
}

# row_dom0_lo SIZE: one try, labperf to itself over lo
row_dom0_lo() {
	row_sink_try io.lo$1.dom0 $1 $ROW_PERF udpsrc 127.0.0.1 5001 $1 $ROW_UDP_SECS
}

row_measure() {
	local dev f i k m b c d u
	row_setup
	row_pvbsd_boot
	row_linux_boot
	if ! dev=$(losetup-util -f --show /tmp/bench-io-pvbsd.img) ||
	    [ -z "$dev" ]; then
		dev=
		for k in $ROW_DISK; do bench_fail io.$k.dom0 "losetup failed"; done
	fi
	# The disk figures in turns (see the top).
	for f in $(row_disk_figures); do
		i=0
		while [ $i -lt $ROW_TRIES ]; do
			i=$((i + 1))
			[ -n "$ROW_PVBSD" ] && row_pvbsd_disk $f
			[ -n "$ROW_LINUX" ] && row_linux_disk $f
			[ -n "$dev" ] && row_dom0_disk $dev $f
		done
	done
	[ -n "$dev" ] && losetup-util -d "$dev"
	# The network figures in turns too; ping once a round.
	[ -n "$ROW_PVBSD" ] && row_pvbsd_ping
	[ -n "$ROW_LINUX" ] && row_linux_ping
	i=0
	while [ $i -lt $ROW_TRIES ]; do
		i=$((i + 1))
		for k in 64 1472; do
			[ -n "$ROW_PVBSD" ] && row_pvbsd_tx $k
			[ -n "$ROW_LINUX" ] && row_linux_tx $k
			row_dom0_lo $k
			[ -n "$ROW_PVBSD" ] && row_pvbsd_rx $k
			[ -n "$ROW_LINUX" ] && row_linux_rx $k
		done
	done
	cp "$(bench_console bench-io)" "$LAB_SDIR/console-bench-io.log" 2>/dev/null
	cp "$(bench_console bench-lio)" "$LAB_SDIR/console-bench-lio.log" 2>/dev/null
	bench_end bench-io
	bench_end bench-lio
	rm -f $ROW_IMGS
}

row_report() {
	ROW "xbd sequential 1 MiB writes, QD1 (MB/s)" "$(stat io.seqwrite.pvbsd)" \
	    "$(stat io.seqwrite.linux)" "$(stat io.seqwrite.dom0)" "ratio>=1.5" \
	    "pvbsd diskbench; Linux blkfront and dom0's loop device: labperf, O_DIRECT; identical 32 MiB images in dom0's tmpfs (dom0 uses pvbsd's); both guests up, pvbsd / Linux / dom0 in turns, 3 tries a round, each a sample"
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
	    "counted by labperf in dom0; sent by pvbsd's udpsrc, Linux's labperf; dom0: labperf to itself over lo (one vCPU: the sender starves the receiver, so a floor, not a ceiling); pvbsd / Linux / dom0 in turns, 3 tries a round, each a sample"
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
