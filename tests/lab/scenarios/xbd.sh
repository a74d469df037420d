# xbd(4) with real blkback disks (checked by tests/lab/xbd_test.sh).
# Guest "xbd": kldload attaches a disk that is already there; the disk
# commands move patterns both ways (dom0 checks the image byte for byte,
# and writes one pvbsd checks); flush; a random-offset stress with many
# requests in flight; diskbench; a read-only disk refuses writes; a disk
# with 4096-byte sectors, on four queues (blkback's max_queues raised);
# 3 kldunload/kldload cycles with a disk attached (scenarios/pvcycle.sh
# does 100 in the kernel) and 50 xl block-attach/detach cycles, with
# the kernel's counters compared; a hostile backend
# (tests/lab/xbd_labtool.c) that breaks the ring protocol; block-detach
# in the middle of I/O, then the counters against those from before;
# kldunload.  Guest "xbdboot": xbd
# loaded from loader.conf attaches at boot, with every feature turned off
# on our side (the fallbacks), writes, flushes and is destroyed; dom0
# then finds the data in the image.
# lab-timeout: 600
# lab-image: ../xbd.subr
. "$(lab_img xbd.subr)"
lab_create xbd 'memory=48'
if lab_wait_console xbd '^pvbsd> ' 60; then
	lab_block_attach xbd $xa xvda
	sleep 2
	mon 'kldload xbd' &&
	mon 'diskinfo' &&
	mon 'sysctl dev.xbd.0' &&
	mon 'diskverify xbd0 1m 64k 0xd0d0' &&
	mon 'diskwrite xbd0 4m 300k 0x1234' &&
	mon 'diskflush xbd0' &&
	mon 'diskread xbd0 0x400010 40'
	check dom0_reads_pvbsd_pattern $xa 4660 4194304 307200
	mon 'diskbench xbd0 randread 4096 32 512k'
	mon 'diskstress xbd0 8m 2m 32 0x0777' && done_mon 300
	# The last 8 KiB of the 16 MiB disk: with this seed the stress once
	# drew a 16 KiB last piece and ran past the range (and the disk).
	mon 'diskstress xbd0 16376k 8k 1 1' && done_mon 120
	check dom0_reads_stress_pattern $xa 1911 8388608 2097152
	mon 'sysctl kern.disk.xbd0'
	# A read-only disk, hot-plugged.
	lab_block_attach xbd $xro xvdb r
	await 'xbd1: 2MB <Virtual Block Device> at device/vbd/51728 on xenbusb_front0' 0 60
	mon 'diskwrite xbd1 0 512 1' &&
	mon 'diskread xbd1 0 16'
	lab_block_detach xbd xvdb
	await 'xbd1: detached' 0 60
	# 4096-byte logical sectors: a loop device set up so in dom0.
	d4k=$(losetup-util -f --show -b 4096 $x4k)
	if [ -n "$d4k" ]; then
		echo 4 >/sys/module/xen_blkback/parameters/max_queues
		lab_block_attach xbd "$d4k" xvdc
		await 'xbd1: 4MB <Virtual Block Device> at device/vbd/51744 on xenbusb_front0' 0 60
		mon 'diskinfo xbd1' &&
		mon 'sysctl dev.xbd.1.queues' &&
		mon 'diskstress xbd1 0 1m 16 0x4096' &&
		mon 'diskread xbd1 4100 16' 300
		lab_block_detach xbd xvdc
		await 'xbd1: detached' 1 60
		echo 1 >/sys/module/xen_blkback/parameters/max_queues
		check dom0_reads_4k_pattern $x4k 16534 0 1048576
		losetup-util -d "$d4k"
	else
		lab_fail "losetup -b 4096 failed"
	fi
	# Load, use, unload with the disk attached, the counters compared
	# with the module out; then attach and detach a disk with it in.
	mon 'kldunload xbd'
	counters
	cycles 3 kldcycle
	counters
	leakcheck kldcycle_leak
	mon 'kldload xbd'
	mon 'diskverify xbd0 8m 2m 0x0777'
	counters
	cycles 50 attachcycle
	counters
	leakcheck attachcycle_leak
	# A hostile backend (xbd_labtool in dom0, in place of blkback)
	# answers the first request with an id out of range: the device
	# fails, the read fails with EIO, and the backend is told (error
	# node, state Closing) from a task; with the nodes removed the
	# device detaches.  (Before the detach test: its counters would
	# show a leak.)
	tool=/tmp/xbd_labtool
	cp "$(lab_img xbd_labtool)" $tool && chmod +x $tool
	dom=$(lab_domid xbd)
	$tool hostile "$dom" 51760 >/tmp/xbd-hostile.log 2>&1 &
	hpid=$!
	await 'xbd1: 1MB <Virtual Block Device> at device/vbd/51760 on xenbusb_front0' 0 60 &&
	mon 'diskread xbd1 0 16'
	wait $hpid
	cat /tmp/xbd-hostile.log
	if grep -q '^xbd_labtool: told: ' /tmp/xbd-hostile.log; then
		lab_result hostile_told ok
	else
		lab_fail "hostile backend: $(tail -1 /tmp/xbd-hostile.log)"
	fi
	d=$(nmatch 'xbd1: detached')
	xenstore-rm /local/domain/$dom/device/vbd/51760
	xenstore-rm /local/domain/0/backend/vbd/$dom/51760
	await 'xbd1: detached' $d 60
	# Detach in the middle of I/O.  The load has no end of its own
	# (diskbench with a total of 0 runs until a request fails), and
	# dom0 detaches only once blkback's statistics show a thousand of
	# its reads, so the I/O is in flight whatever the machine's speed.
	# The requests fail with EIO, nothing hangs, the device detaches;
	# the disk attached again works, and with the module unloaded the
	# counters are those of the second dump (module out, disk there).
	rdreq=/sys/bus/xen-backend/devices/vbd-$(lab_domid xbd)-51712/statistics/rd_req
	r0=$(cat "$rdreq" 2>/dev/null)
	d=$(nmatch 'xbd0: detached')
	lab_send xbd 'diskbench xbd0 randread 4096 32 0'
	if reads_seen "$rdreq" "${r0:-x}" 1000 180; then
		lab_result detach_io_in_flight ok
	else
		lab_fail "detach during I/O: blkback saw no reads"
	fi
	lab_block_detach xbd xvda
	await 'xbd0: detached' $d 120
	mon 'diskinfo' 120
	a=$(nmatch 'xbd0: 16MB <Virtual Block Device> at device/vbd/51712')
	lab_block_attach xbd $xa xvda &&
	await 'xbd0: 16MB <Virtual Block Device> at device/vbd/51712' $a 60 &&
	mon 'diskverify xbd0 8m 1m 0x0777' 300 &&
	mon 'kldunload xbd' &&
	counters &&
	leakcheck detach_leak 2
	mon 'kldstat' &&
	lab_send xbd 'shutdown -p'
fi
lab_wait_end xbd 120
# Loaded at boot, every feature declined: one page, one queue, no
# indirect segments, a grant per request.  Write, flush, destroy.
lab_create xbdboot "ramdisk=\"$(lab_img preload-xbd.cpio)\"" \
    'extra="xbd.persistent=0 xbd.max_indirect=0 xbd.max_ring_order=0 xbd.max_queues=1"' \
    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=$xb']"
if lab_wait_console xbdboot '^pvbsd> ' 90; then
	lab_send xbdboot 'diskstress xbd0 0 2m 16 0x0b0b'
	lab_wait_console xbdboot '^diskstress: ' 300
	lab_send xbdboot 'diskwrite xbd0 6m 64k 0x0f1f'
	lab_wait_console xbdboot '^diskwrite: ' 60
	lab_send xbdboot 'diskflush xbd0'
	lab_wait_console xbdboot '^diskflush: ' 60
	lab_send xbdboot 'sysctl dev.xbd.0'
	lab_wait_console xbdboot 'dev.xbd.0.leaked_grants' 60
	lab_destroy xbdboot
	sleep 2
	check dom0_reads_after_destroy $xb 3871 6291456 65536
	check dom0_reads_boot_stress $xb 2827 0 2097152
fi
