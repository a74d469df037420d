# A NIC hot-plugged into a running Linux guest, used, and unplugged.
# lab-timeout: 90
lab_create nh 'extra="console=hvc0 quiet labmode=shell"'
lab_wait_console nh 'shell ready' 60 || lab_fail "guest did not start"
lab_net_attach nh mac=00:16:3e:1a:b0:09 || lab_fail "network-attach"
lab_send nh 'n=0; until [ -e /sys/class/net/eth0 ] || [ $n -gt 50 ]; do usleep 100000; n=$((n+1)); done'
lab_send nh 'ip link set eth0 up && ip addr add 10.99.0.3/24 dev eth0 && ping -c 2 -W 5 10.99.0.1 >/dev/null && echo NET-HOTPLUG-OK'
lab_wait_console nh '^NET-HOTPLUG-OK' 30 || lab_fail "hot-plugged NIC does not work"
lab_dom0 brctl show
lab_net_detach nh 0 || lab_fail "network-detach"
lab_send nh 'n=0; while [ -e /sys/class/net/eth0 ] && [ $n -lt 50 ]; do usleep 100000; n=$((n+1)); done; [ -e /sys/class/net/eth0 ] || echo NIC-GONE'
lab_wait_console nh '^NIC-GONE' 30 || lab_fail "NIC did not go away"
lab_send nh 'poweroff -f'
lab_wait_end nh
