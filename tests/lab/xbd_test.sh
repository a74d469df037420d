#-
# SPDX-License-Identifier: BSD-2-Clause
#
# Copyright (c) 2026 The pvbsd Authors
#
# xbd(4), the block frontend, against Linux blkback in dom0, driven by
# scenarios/xbd.sh: attach at kldload and at hot-plug, what was
# negotiated, data both ways checked byte for byte by dom0, flush, a
# random-offset stress, a read-only disk, 4096-byte sectors, leak checks
# over load/unload and attach/detach cycles, detach during I/O, and a
# guest that loads xbd at boot with every feature declined, whose data
# survives xl destroy.

. "$(atf_get_srcdir)/lab.subr"

# The prompt may precede a line printed while it was showing.
P='(pvbsd> )?'

atf_test_case kldload_attaches
kldload_attaches_head() {
	atf_set descr "kldload xbd attaches the disk already there; attach and features lines"
}
kldload_attaches_body() {
	lab_scenario xbd
	lab_expect_end poweroff
	lab_expect_match "${P}xenbusb_front0: <vbd> at device/vbd/51712 \\(no driver attached\\)"
	lab_expect_line 'pvbsd> kldload xbd'
	lab_expect_line 'xbd0: 16MB <Virtual Block Device> at device/vbd/51712 on xenbusb_front0'
	lab_expect_match 'xbd0: 512-byte sectors, read-write, [0-9]+ queues?, ring 4 pages \(128 requests\), 256 segments a request \(indirect\); .*persistent-grants'
	lab_expect_line 'xbd0: <Virtual Block Device> 16777216 bytes (16 MiB), 32768 sectors of 512, max request 1048576, flush, delete, open 0'
}

atf_test_case negotiated_sysctl
negotiated_sysctl_head() {
	atf_set descr "sysctl dev.xbd.0 shows what was negotiated with blkback"
}
negotiated_sysctl_body() {
	lab_scenario xbd
	lab_expect_line 'dev.xbd.0.node: device/vbd/51712'
	lab_expect_line 'dev.xbd.0.state: connected'
	lab_expect_line 'dev.xbd.0.ring_pages: 4'
	lab_expect_line 'dev.xbd.0.ring_entries: 128'
	lab_expect_line 'dev.xbd.0.indirect_segments: 256'
	lab_expect_line 'dev.xbd.0.persistent: 1'
	lab_expect_line 'dev.xbd.0.sectors: 32768'
	lab_expect_line 'dev.xbd.0.backend_max_ring_order: 4'
	lab_expect_line 'dev.xbd.0.backend_max_indirect: 256'
	lab_expect_match 'dev.xbd.0.backend_max_queues: [1-9][0-9]*'
}

atf_test_case data_both_ways
data_both_ways_head() {
	atf_set descr "pvbsd reads dom0's pattern; dom0 reads pvbsd's back from the image"
}
data_both_ways_body() {
	lab_scenario xbd
	lab_expect_line 'diskverify: xbd0: 65536 bytes at 1048576 match seed 0xd0d0'
	lab_expect_line 'diskwrite: xbd0: wrote 307200 bytes at 4194304, seed 0x1234'
	lab_expect_line 'diskflush: xbd0: flushed'
	lab_expect_line '00400010  31 32 33 34 30 30 30 30 30 34 30 30 30 31 30 0a  |123400000400010.|'
	lab_expect_line '00400030  31 32 33 34 30 30 30 30                          |12340000|'
	lab_result_is dom0_reads_pvbsd_pattern ok
}

atf_test_case stress
stress_head() {
	atf_set descr "random-offset write/read/verify, 32 requests in flight, checked by dom0 too"
}
stress_body() {
	lab_scenario xbd
	lab_expect_match 'diskstress: xbd0: [0-9]+ pieces written and read back at random, 32 deep: ok'
	# ... and one that ends at the end of the disk (it ran past the end
	# when diskstress drew its last piece twice)
	lab_expect_match 'diskstress: xbd0: [0-9]+ pieces written and read back at random, 1 deep: ok'
	lab_result_is dom0_reads_stress_pattern ok
	lab_expect_line 'diskverify: xbd0: 2097152 bytes at 8388608 match seed 0x0777'
	lab_expect_line 'diskbench xbd0 randread errors 0'
	lab_expect_match 'kern.disk.xbd0.read.ops: [1-9][0-9]*'
	lab_expect_line 'kern.disk.xbd0.read.errors: 0'
}

atf_test_case read_only
read_only_head() {
	atf_set descr "a hot-plugged read-only disk attaches, refuses writes with EROFS, detaches"
}
read_only_body() {
	lab_scenario xbd
	lab_expect_match "${P}xbd1: 2MB <Virtual Block Device> at device/vbd/51728 on xenbusb_front0"
	lab_expect_match "xbd1: 512-byte sectors, read-only, .*"
	lab_expect_line 'xbd1: cannot open: error 30'
	lab_expect_match "${P}xbd1: backend is Closing: closing"
	lab_expect_line 'xbd1: detached'
}

atf_test_case sectors_4k
sectors_4k_head() {
	atf_set descr "a disk with 4096-byte logical sectors works, on four queues"
}
sectors_4k_body() {
	lab_scenario xbd
	lab_expect_match "${P}xbd1: 4MB <Virtual Block Device> at device/vbd/51744 on xenbusb_front0"
	lab_expect_match 'xbd1: 4096-byte sectors, read-write, 4 queues, ring 4 pages \(128 requests\), .*'
	lab_expect_line 'dev.xbd.1.queues: 4'
	lab_expect_line 'xbd1: <Virtual Block Device> 4194304 bytes (4 MiB), 1024 sectors of 4096, max request 1048576, flush, delete, open 0'
	lab_expect_match 'diskstress: xbd1: [0-9]+ pieces written and read back at random, 16 deep: ok'
	lab_expect_line '00001004  30 30 30 30 30 30 30 31 30 30 30 0a 34 30 39 36  |00000001000.4096|'
	lab_result_is dom0_reads_4k_pattern ok
}

atf_test_case cycles_leak_nothing
cycles_leak_nothing_head() {
	atf_set descr "3 kldload/kldunload cycles at the monitor and 50 xl block-attach/detach cycles leave the counters as before"
}
cycles_leak_nothing_body() {
	lab_scenario xbd
	lab_result_is kldcycle_cycles 3
	lab_result_is kldcycle_leak ok
	lab_result_is attachcycle_cycles 50
	lab_result_is attachcycle_leak ok
	if grep -q 'allocations of its malloc types were never freed' \
	    "$CONSOLE"; then
		lab_show_console
		atf_fail "xbd.ko leaked memory at unload"
	fi
}

atf_test_case kld_cycles_100
kld_cycles_100_head() {
	atf_set descr "100 kldload/kldunload cycles of xbd with a disk, each connected and reading it, leave pages, grants, ports, watches and malloc counters as before"
}
kld_cycles_100_body() {
	lab_scenario pvcycle
	lab_kcycle_ok xbd_cycle xbd xbd0 \
	    'xbd0: 1MB <Virtual Block Device> at device/vbd/51712 on xenbusb_front0'
}

atf_test_case detach_during_io
detach_during_io_head() {
	atf_set descr "block-detach during I/O fails the rest, detaches, and hangs nothing"
}
detach_during_io_body() {
	lab_scenario xbd
	lab_result_is detach_io_in_flight ok
	lab_expect_match "${P}diskbench xbd0 randread 4096 32 0"
	lab_expect_match "${P}xbd0: backend is Closing: closing"
	lab_expect_match 'diskbench xbd0 randread errors [1-9][0-9]*'
	# EIO: failed by xbd; ENXIO: sent after the disk was gone (disk(9))
	lab_expect_match 'diskbench xbd0 randread first_error (5|6)'
	lab_expect_match "${P}xbd0: detached"
	lab_expect_line 'diskverify: xbd0: 1048576 bytes at 8388608 match seed 0x0777'
	lab_result_is detach_leak ok
	lab_expect_line 'pvbsd> kldunload xbd'
	lab_expect_line ' 2    1 0xffffffffc0000000     3000 ktest_example.ko'
	lab_expect_line 'Powering off...'
}

atf_test_case hostile_backend
hostile_backend_head() {
	atf_set descr "a backend that breaks the ring protocol fails the device and is told so (error node, Closing)"
}
hostile_backend_body() {
	lab_scenario xbd
	lab_expect_match "${P}xbd1: 1MB <Virtual Block Device> at device/vbd/51760 on xenbusb_front0"
	lab_expect_line 'xbd1: backend broke the ring protocol (response id out of range); device failed'
	lab_expect_line 'xbd1: read of 512 bytes at 0: error 5'
	lab_expect_match "${P}xbd1: backend broke the ring protocol \\(response id out of range\\): error 5"
	lab_expect_match "${P}xbd1: backend is Closed: closing"
	lab_result_is hostile_told ok
	lab_expect_match "${P}xbd1: detached"
}

atf_test_case boot_fallbacks
boot_fallbacks_head() {
	atf_set descr "xbd_load=YES attaches at boot; declined features fall back; data survives xl destroy"
}
boot_fallbacks_body() {
	lab_scenario xbd
	CONSOLE=$SCEN_DIR/console-xbdboot.log
	lab_expect_line 'kld: xbd.ko loaded from the preload image (id 4)'
	lab_expect_line 'xbd0: 8MB <Virtual Block Device> at device/vbd/51712 on xenbusb_front0'
	lab_expect_line 'xbd0: 512-byte sectors, read-write, 1 queue, ring 1 page (32 requests), 11 segments a request; flush barrier discard grant-per-request'
	lab_expect_match 'diskstress: xbd0: [0-9]+ pieces written and read back at random, 16 deep: ok'
	lab_expect_line 'diskflush: xbd0: flushed'
	lab_expect_line 'dev.xbd.0.persistent: 0'
	lab_expect_line 'dev.xbd.0.leaked_grants: 0'
	lab_result_is dom0_reads_after_destroy ok
	lab_result_is dom0_reads_boot_stress ok
}

atf_init_test_cases() {
	atf_add_test_case kldload_attaches
	atf_add_test_case negotiated_sysctl
	atf_add_test_case data_both_ways
	atf_add_test_case stress
	atf_add_test_case read_only
	atf_add_test_case sectors_4k
	atf_add_test_case cycles_leak_nothing
	atf_add_test_case kld_cycles_100
	atf_add_test_case hostile_backend
	atf_add_test_case detach_during_io
	atf_add_test_case boot_fallbacks
}
