# lab-boot: 2
# lab-timeout: 400
# The PV frontends' 100-cycle leak tests (checked by tests/lab/xbd_test.sh
# and xn_test.sh): a guest with a disk (blkback) and a NIC (netback) runs
# ktest=xbd_cycle,xn_cycle (sys/tests/kern/ktest_kld.c), which loads and
# unloads xbd.ko, then xn.ko, 100 times each from the kernel -- no
# console round trip a cycle -- with every load connected to the real
# backend and every xbd load reading the marker dom0 writes here at the
# start of the disk; the counters before and after must agree.
img=/tmp/pvcycle.img
dd if=/dev/zero of=$img bs=1M count=1 2>/dev/null
printf 'pvbsd kld cycle disk\n' | dd of=$img conv=notrunc 2>/dev/null
lab_create pvcycle 'memory=48' 'extra="ktest=xbd_cycle,xn_cycle"' \
    "disk=['format=raw, vdev=xvda, access=rw, script=block, target=$img']" \
    "vif=['mac=00:16:3e:1a:b0:07, bridge=xenbr0']"
lab_wait_end pvcycle
