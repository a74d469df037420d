# xbd(4)'s long leak test, not part of `make test' (about 30 minutes
# under TCG): 100 kldload/kldunload cycles with a disk attached, each
# reading from it, then 50 block-attach/detach cycles, the kernel's
# counters compared before and after each run.  Run it with
#	tools/lab/lab -s tests/lab/long/xbd_cycles.sh
# lab-timeout: 3000
# lab-image: ../xbd.subr
. "$(lab_img xbd.subr)"
lab_create xbd 'memory=48'
if lab_wait_console xbd '^pvbsd> ' 60; then
	lab_block_attach xbd $xa xvda
	sleep 2
	mon 'kldload xbd' &&
	mon 'diskwrite xbd0 8m 64k 0x0777' &&
	mon 'kldunload xbd'
	counters
	cycles 100 kldcycle
	counters
	leakcheck kldcycle_leak
	mon 'kldload xbd'
	counters
	cycles 50 attachcycle
	counters
	leakcheck attachcycle_leak
	mon 'kldunload xbd' &&
	lab_send xbd 'shutdown -p'
fi
lab_wait_end xbd 120
