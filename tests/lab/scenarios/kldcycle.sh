# The kernel linker's leak tests (sys/tests/kern/ktest_kld.c): kld_res.ko
# loaded and unloaded 100 times (ktest=kld_cycle), then kld_fail.ko, whose
# MOD_LOAD fails, loaded twice (ktest=kld_fail); counters compared.
lab_create kldcycle 'extra="ktest=kld_cycle,kld_fail"'
lab_wait_end kldcycle 110
