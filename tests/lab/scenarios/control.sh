# control(4), loaded at boot by loader.conf, driven from dom0 the way the
# toolstack does it (checked by tests/lab/control_test.sh).
# Guest "ctl" (a disk at create): the feature keys; xl sysrq h, m, t;
# garbage in control/sysrq and control/shutdown (unknown words, binary,
# a NUL byte, 3000 bytes) refused, the nodes cleared, the domain still
# answering; then xbd loaded, a write at the monitor, and xl shutdown:
# the disk caches are flushed, the domain powers off within a bound
# (dom0 times it), and dom0 finds the write in the image.
# Guest "ctlrb" (on_reboot="restart"): kldunload control withdraws the
# features and stops listening, so xl reboot stays pending in xenstore;
# kldload control takes it and the domain reboots and comes back to
# its prompt; xl sysrq b reboots it again; xl sysrq o powers it off.
# Guest "ctlcrash": xl sysrq c panics it; xl sees a crash.
# lab-timeout: 420
img=/tmp/control.img
dd if=/dev/zero of=$img bs=1M count=4 2>/dev/null
# pattern SEED OFFSET LENGTH: the monitor's 16-byte text pattern
pattern() {
	awk -v s="$1" -v o="$2" -v n="$3" 'BEGIN {
		for (i = o; i < o + n; i += 16) printf "%04x%011x\n", s, i }'
}
# run GUEST CMD RE [SECS]: type CMD at the monitor and wait for the line
# it prints that matches RE.  (Not for the prompt: after a line the guest
# printed on its own, the command's echo comes without one.)
run() {
	lab_send "$1" "$2" && lab_wait_console "$1" "$3" ${4:-60}
}
# ctlnode GUEST NODE: the value of the guest's control/NODE
ctlnode() {
	xenstore-read "/local/domain/$(lab_domid "$1")/control/$2" 2>/dev/null
}
# ctlwrite GUEST NODE VALUE: write a request as any dom0 writer can
ctlwrite() {
	xenstore-write "/local/domain/$(lab_domid "$1")/control/$2" "$3"
}
# features GUEST WANT WHAT: feature-poweroff and -reboot are WANT (libxl
# creates those for the guest to write; feature-sysrq it does not, and
# the guest may not create it: absent, or WANT where a toolstack made it)
features() {
	local f v ok=1
	for f in poweroff reboot sysrq; do
		v=$(ctlnode "$1" feature-$f)
		[ "$v" = "$2" ] && continue
		[ $f = sysrq ] && [ -z "$v" ] && continue
		lab_fail "$3: control/feature-$f is '$v'"
		ok=0
	done
	[ $ok = 1 ] && lab_result "$3" ok
}
# cleared GUEST NODE WHAT: the guest took the request (the node is empty)
cleared() {
	local v
	v=$(ctlnode "$1" "$2")
	[ -z "$v" ] && lab_result "$3" ok ||
	    lab_fail "$3: control/$2 still holds '$v'"
}

lab_create ctl "disk=['format=raw, vdev=xvda, access=rw, script=block, target=$img']"
if lab_wait_console ctl '^pvbsd> ' 60; then
	features ctl 1 features_advertised
	# (suspend itself: scenarios/saverestore.sh)
	v=$(ctlnode ctl feature-suspend)
	[ "$v" = 1 ] && lab_result feature_suspend ok ||
	    lab_fail "control/feature-suspend is '$v'"
	lab_dom0 xl sysrq ctl h &&
	lab_wait_console ctl '^sysrq keys: ' 30 && cleared ctl sysrq sysrq_cleared
	lab_dom0 xl sysrq ctl m &&
	lab_wait_console ctl '^memory: [0-9]+ page allocations' 30
	lab_dom0 xl sysrq ctl t &&
	lab_wait_console ctl '^ +[0-9]+ control ' 30
	ctlwrite ctl sysrq zz &&
	lab_wait_console ctl 'refused control/sysrq "zz"' 30
	ctlwrite ctl sysrq x &&
	lab_wait_console ctl 'refused control/sysrq "x"' 30
	ctlwrite ctl shutdown garbage &&
	lab_wait_console ctl 'refused control/shutdown "garbage"' 30 &&
	cleared ctl shutdown garbage_cleared
	ctlwrite ctl shutdown POWEROFF &&
	lab_wait_console ctl 'refused control/shutdown "POWEROFF"' 30
	ctlwrite ctl shutdown "$(printf 'pow\001\002\377')" &&
	lab_wait_console ctl 'refused control/shutdown "pow' 30
	# xenstore-write turns \x00 into a NUL byte.
	ctlwrite ctl shutdown 'reb\x00oot' &&
	lab_wait_console ctl 'refused control/shutdown' 30
	ctlwrite ctl shutdown "$(awk 'BEGIN { while (i++ < 3000) printf "a" }')" &&
	lab_wait_console ctl 'refused control/shutdown "aaa' 30
	# Still running, and still answering.
	run ctl 'sysctl kern.ostype' '^kern\.ostype: ' &&
	run ctl 'kldload xbd' '^xbd0: ' &&
	run ctl 'diskwrite xbd0 1m 64k 0x5a5a' '^diskwrite: '
	t0=$(lab_now)
	lab_dom0 xl shutdown ctl
fi
lab_wait_end ctl 60
if [ -n "$t0" ] && [ -f "$LAB_RUN/ctl/tend" ]; then
	ms=$(( ($(cat "$LAB_RUN/ctl/tend") - t0) * 10 ))
	lab_result shutdown_to_gone_ms $ms
	[ $ms -le 30000 ] || lab_fail "xl shutdown took $ms ms to end the domain"
fi
pattern 23130 1048576 65536 >/tmp/control-want
dd if=$img bs=512 skip=2048 count=128 2>/dev/null >/tmp/control-got
cmp -s /tmp/control-want /tmp/control-got &&
    lab_result dom0_reads_last_write ok ||
    lab_fail "the image does not hold the write made before xl shutdown"

lab_create ctlrb 'on_reboot="restart"'
if lab_wait_console ctlrb '^pvbsd> ' 60; then
	run ctlrb 'kldunload control' 'control0: detached' &&
	features ctlrb 0 features_withdrawn
	lab_dom0 xl reboot ctlrb
	sleep 3
	run ctlrb 'sysctl kern.ostype' '^kern\.ostype: ' &&
	[ "$(ctlnode ctlrb shutdown)" = reboot ] &&
	    lab_result reboot_pending_while_unloaded ok ||
	    lab_fail "xl reboot was not left pending while control was out"
	lab_send ctlrb 'kldload control'
	lab_wait_console ctlrb '^Rebooting\.\.\.' 60 &&
	lab_wait_console ctlrb '^pvbsd> ' 90 &&
	lab_result rebooted_to_prompt ok
	lab_dom0 xl sysrq ctlrb b
	lab_wait_console ctlrb '^Rebooting\.\.\.' 60 &&
	lab_wait_console ctlrb '^pvbsd> ' 90 &&
	lab_result sysrq_b_rebooted_to_prompt ok
	lab_dom0 xl sysrq ctlrb o
fi
lab_wait_end ctlrb 60 >/dev/null
[ "$(grep -c 'has shut down, reason code 1 ' "$LAB_RUN/ctlrb/xl.log")" = 2 ] &&
    lab_result ctlrb_reboots 2 ||
    lab_fail "ctlrb: xl saw $(grep -c 'has shut down, reason code 1 ' "$LAB_RUN/ctlrb/xl.log") reboots"

lab_create ctlcrash
if lab_wait_console ctlcrash '^pvbsd> ' 60; then
	lab_dom0 xl sysrq ctlcrash c
fi
end=$(lab_wait_end ctlcrash 60)
[ "$end" = crash ] && lab_result ctlcrash_end crash ||
    lab_fail "ctlcrash ended with '$end', not crash"
