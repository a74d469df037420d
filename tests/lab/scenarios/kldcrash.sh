# At the monitor: kld_dep.ko loaded, then a copy of it under another name
# (kld_dep_copy.ko), which is refused because its module is loaded, with
# kldstat before and after; then a module that faults in its MOD_LOAD
# handler (crashme.ko): the fatal-trap report's backtrace names the
# function inside the module and the .ko, and the domain crashes.
lab_expect crash
lab_create kldcrash
mon() {
	lab_send kldcrash "$1" && lab_wait_console kldcrash '^pvbsd> ' 60
}
if lab_wait_console kldcrash '^pvbsd> ' 60; then
	mon 'kldload kld_dep' &&
	mon kldstat &&
	mon 'kldload kld_dep_copy' &&
	mon kldstat &&
	lab_send kldcrash 'kldload crashme'
fi
lab_wait_end kldcrash 60
