# xbd(4)'s long leak test, not part of `make test' (about 30 minutes
# under TCG): 100 kldload/kldunload cycles with a disk attached, each
# reading from it, then 50 block-attach/detach cycles, the kernel's
# counters compared before and after each run.  Run it with
#	tools/lab/lab -s tests/lab/long/xbd_cycles.sh
# lab-timeout: 3000
xa=/tmp/xbd-a.img
xro=/tmp/xbd-ro.img
x4k=/tmp/xbd-4k.img
xb=/tmp/xbd-b.img
dd if=/dev/zero of=$xa bs=1M count=16 2>/dev/null
dd if=/dev/zero of=$xro bs=1M count=2 2>/dev/null
dd if=/dev/zero of=$x4k bs=1M count=4 2>/dev/null
dd if=/dev/zero of=$xb bs=1M count=8 2>/dev/null
# pattern SEED OFFSET LENGTH: the monitor's 16-byte text pattern
pattern() {
	awk -v s="$1" -v o="$2" -v n="$3" 'BEGIN {
		for (i = o; i < o + n; i += 16) printf "%04x%011x\n", s, i }'
}
# check NAME IMAGE SEED OFFSET LENGTH: dom0 finds the pattern there
check() {
	pattern "$3" "$4" "$5" >/tmp/xbd-want
	dd if="$2" bs=512 skip=$(($4 / 512)) count=$(($5 / 512)) \
	    2>/dev/null >/tmp/xbd-got
	if cmp /tmp/xbd-want /tmp/xbd-got >/dev/null 2>&1; then
		lab_result "$1" ok
	else
		lab_fail "$1: the image does not hold pattern $3 at $4"
	fi
}
# The counters the leak checks compare, in two commands (a line holds
# 128 characters): grants, watches, ports, malloc types, pages.
C1='sysctl hw.xen.gnttab.inuse hw.xen.gnttab.reserved hw.xen.xenstore.watches dev.evtchn.bound kern.malloc.xbd.inuse'
C2='sysctl kern.malloc.disk.inuse vm.stats.free vm.stats.ptable'
pattern 53456 1048576 65536 | dd of=$xa bs=65536 seek=16 conv=notrunc \
    2>/dev/null
lab_create xbd 'memory=48'
# mon CMD [SECS]: type CMD; return when its echo shows, i.e. when the
# monitor is reading again: every command before it has finished.
mon() {
	lab_send xbd "$1" && lab_wait_console xbd '^pvbsd> ' ${2:-120}
}
# nmatch RE: how many console lines match RE
nmatch() {
	tr -d '\r' <"$(lab_console_log xbd)" | grep -c -E -e "$1"
}
# await RE N SECS: wait until more than N console lines match RE.  (For
# messages that come on their own: one printed while the prompt shows
# ends the prompt's line, which mon's wait has already passed.)
await() {
	local n=0
	while [ "$(nmatch "$1")" -le "$2" ]; do
		n=$((n + 1))
		if [ $n -gt $(($3 * 10)) ]; then
			lab_log "xbd: /$1/ not seen within $3 s"
			return 1
		fi
		sleep 0.1
	done
}
# done_mon [SECS]: return once the last command has finished
done_mon() {
	mon 'sysctl kern.ostype' "$@"
}
# counters: print them
counters() {
	mon "$C1" && mon "$C2" && done_mon
}
# leakcheck WHAT: the last two counter dumps on the console are equal
# (pages: free plus page-table pages, as kmem may move a table)
leakcheck() {
	tr -d '\r' <"$(lab_console_log xbd)" |
	awk '/^(pvbsd> )?sysctl hw\.xen\.gnttab\.inuse/ { n++; c = 1; next }
	    /^(pvbsd> )?sysctl kern\.malloc\.disk\.inuse/ { next }
	    /^pvbsd> / { c = 0 }
	    c && /^vm\.stats\.(free|ptable): / { pg[n] += $2; next }
	    c && /^(hw|kern|dev)\./ { v[n] = v[n] $0 "\n" }
	    END { if (n < 2 || v[n] != v[n - 1] || pg[n] != pg[n - 1] ||
		v[n] == "") exit 1 }' &&
	    lab_result "$1" ok || lab_fail "$1: counters differ"
}
# cycles N CMD...: run CMD N times, record the seconds a cycle took
cycles() {
	local n=$1 i=0 t0
	shift
	t0=$(date +%s)
	while [ $i -lt $n ]; do
		"$@" || break
		i=$((i + 1))
	done
	lab_result "$1_cycles" "$i"
	[ $i -gt 0 ] &&
	    lab_result "$1_secs_per_cycle" $(( ($(date +%s) - t0) / i ))
	[ $i = $n ]
}
kldcycle() {
	mon 'kldload xbd' && mon 'diskverify xbd0 8m 64k 0x0777' &&
	mon 'kldunload xbd'
}
attachcycle() {
	local a d
	a=$(nmatch 'xbd1: 2MB <Virtual Block Device>')
	d=$(nmatch 'xbd1: detached')
	lab_block_attach xbd $xro xvdb r &&
	await 'xbd1: 2MB <Virtual Block Device>' $a 60 &&
	lab_block_detach xbd xvdb &&
	await 'xbd1: detached' $d 60
}
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
