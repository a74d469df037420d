# Every in-kernel test that does not crash on purpose, in a 32 MiB domU.
lab_create ktest 'memory=32' 'extra="ktest=all"'
lab_wait_end ktest 90
