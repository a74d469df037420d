# xenbus hot-plug with an attach that sleeps: at the monitor, kldload the
# xbtest driver; dom0 plants device/xbtest/1, whose attach plants
# device/xbtest/2 and sleeps 500 ms.  The bus must see the second device
# during that sleep (see tests/lab/xenbus_test.sh).  Then dom0 removes
# both, the driver is unloaded and the domain powered off.
lab_create xbtest
mon() {
	lab_send xbtest "$1" && lab_wait_console xbtest '^pvbsd> ' 60
}
if lab_wait_console xbtest '^pvbsd> ' 60 && mon 'kldload xbtest'; then
	id=$(lab_domid xbtest)
	d=/local/domain/$id/device/xbtest
	b=/local/domain/0/backend/xbtest/$id
	# The guest owns device/xbtest, so its driver may plant a node.
	xenstore-write $d ""
	xenstore-chmod $d n$id
	xenstore-write $d/1/plug 2 $d/1/backend-id 0 $d/1/backend $b/1
	lab_wait_console xbtest '^xbtest1: attach end after [0-9]+ ms' 60 ||
	    lab_fail "the second xbtest device did not attach"
	mon devinfo
	xenstore-rm $d
	lab_wait_console xbtest '^xbtest1: detached' 30 ||
	    lab_fail "the xbtest devices did not go"
	mon 'kldunload xbtest'
	lab_send xbtest 'shutdown -p'
fi
lab_wait_end xbtest 60
