# lab-timeout: 300
# Variables from loader.conf (loader.conf(5), kern_getenv(9)), checked by
# tests/lab/loaderconf_test.sh.  A guest booted with preload-net.cpio
# (tools/preload: loader.conf with xn_load="YES", then loader-net.conf):
# xn(4) loads at boot and xn0 takes 10.99.0.9/24 from loader.conf's
# ifconfig_xn0; dom0 pings it.  The command line sets kenvtest, which
# loader.conf sets too: the command line's value is kept.  Then kldunload
# and kldload xn: xn0 attaches again, configured again, pinged again.
ip=10.99.0.9
lab_create lc "ramdisk=\"$(lab_img preload-net.cpio)\"" \
    "vif=['mac=00:16:3e:1a:b0:09, bridge=xenbr0']" \
    "extra='kenvtest=\"from the command line\"'"
mon() {
	lab_send lc "$1" && lab_wait_console lc '^pvbsd> ' 90
}
dping() {
	if lab_dom0 ping -c 3 -w 30 $ip; then
		lab_result "$1" ok
	else
		lab_result "$1" fail
	fi
}
# xn0 may attach before or after the first prompt: wait for it, then
# for a fresh prompt.
if lab_wait_console lc '^(pvbsd> )?xn0: configured from ifconfig_xn0: ' 120 &&
    mon ''; then
	dping dom0_ping_boot
	mon 'kenv -v ifconfig_xn0' &&
	mon 'kenv -v kenvtest' &&
	mon 'kenv kenvtest2' &&
	mon 'kenv bad_value' &&
	mon 'kldunload xn' &&
	mon 'kldload xn' &&
	lab_wait_console lc '^(pvbsd> )?xn0: configured from ifconfig_xn0: ' 60 &&
	dping dom0_ping_reload
	lab_send lc 'shutdown -p'
fi
lab_wait_end lc 120
