# The kernel linker (kld(4), kldload(8)), driven at the monitor's prompt:
# the module loader.conf loads at boot (control, loaded at boot too, is
# unloaded first so the ids below stay), the test module and the
# dependency it pulls in, kldstat, unloads refused (a dependency in use, a device that
# will not detach once) and done, a module whose dependency is missing,
# the damaged files of the preload image, a failed load whose driver will
# not let go (kld_stuck: the file is kept, then unloaded), and a reload at
# the end.
# (kldcycle.sh runs the 100-cycle leak test.)
lab_create kld
mon() {
	lab_send kld "$1" && lab_wait_console kld '^pvbsd> ' 60
}
if lab_wait_console kld '^pvbsd> ' 60; then
	mon kldstat &&
	mon 'kldunload control' &&
	mon 'kldload -v ktest_mod' &&
	mon 'kldstat -v' &&
	mon 'sysctl kern.ktest_mod' &&
	mon devinfo &&
	mon 'kldunload kld_dep' &&
	mon 'kldload ktest_mod' &&
	mon 'kldunload ktest_mod' &&
	mon 'kldunload -v ktest_mod' &&
	mon 'sysctl kern.ktest_mod' &&
	mon 'kldload needs_missing' &&
	mon 'kldload /boot/corrupt/truncated.ko' &&
	mon 'kldload /boot/corrupt/badmagic.ko' &&
	mon 'kldload /boot/corrupt/badreloc.ko' &&
	mon 'kldload nosuch' &&
	mon 'kldunload 9' &&
	mon 'kldunload kernel' &&
	mon 'kldload kld_stuck' &&
	mon kldstat &&
	mon 'kldunload kld_stuck' &&
	mon 'kldunload ktest_example' &&
	mon 'kldload ktest_example' &&
	mon kldstat &&
	lab_send kld 'shutdown -p'
fi
lab_wait_end kld 60
