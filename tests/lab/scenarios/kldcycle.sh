# The kernel linker's leak test: kld_res.ko loaded and unloaded 100 times
# (ktest=kld_cycle, sys/tests/kern/ktest_kld.c), counters compared.
lab_create kldcycle 'extra="ktest=kld_cycle"'
lab_wait_end kldcycle 60
