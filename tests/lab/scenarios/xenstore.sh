# xenstore from both sides: the guest writes, reads, lists and removes
# keys and checks xenstored's errors; a transaction of the guest reads
# tx-x and dom0 changes it before the commit (which must fail with EAGAIN;
# the retry commits dom0's value into tx-y, and an aborted write to tx-z
# must not be there); then the guest waits for a value dom0 writes
# (through a watch) while dom0 reads back the one the guest wrote.
lab_create xenstore 'extra="ktest=xenstore_basic,xenstore_transaction,xenstore_tx_dom0,xenstore_dom0"'
if lab_wait_console xenstore 'xenstore_tx_dom0: .*waiting for dom0 to change it' 60; then
	id=$(lab_domid xenstore)
	xenstore-write /local/domain/$id/data/pvbsd/tx-x dom0-changed ||
	    lab_fail "xenstore-write tx-x"
fi
if lab_wait_console xenstore 'xenstore_dom0: waiting for dom0' 60; then
	id=$(lab_domid xenstore)
	d=/local/domain/$id/data/pvbsd
	lab_result guest_wrote "$(xenstore-read $d/from-guest)"
	lab_result tx_committed "$(xenstore-read $d/tx-y)"
	if xenstore-read $d/tx-z >/dev/null 2>&1; then
		lab_result tx_aborted present
	else
		lab_result tx_aborted absent
	fi
	xenstore-write $d/from-dom0 dom0-says-42
fi
lab_wait_end xenstore 90
