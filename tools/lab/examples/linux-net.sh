# A Linux guest with a NIC on xenbr0 pings dom0; dom0 pings it back.
# lab-timeout: 90
lab_create net 'extra="console=hvc0 quiet labmode=net,shell"' \
    "vif=['mac=00:16:3e:1a:b0:01,bridge=xenbr0']"
lab_wait_console net 'ping (ok|failed)' 60
lab_wait_console net 'shell ready' 10
lab_dom0 brctl show
if lab_dom0 ping -c 2 -W 5 10.99.0.2; then
	lab_result dom0_ping ok
else
	lab_fail "dom0 cannot ping the guest"
fi
grep -q 'ping ok' "$(lab_console_log net)" || lab_fail "guest cannot ping dom0"
lab_send net 'poweroff -f'
lab_wait_end net
