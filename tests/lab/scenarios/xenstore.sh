# xenstore from both sides: the guest writes, reads, lists and removes
# keys and checks xenstored's errors; then it waits for a value dom0
# writes (through a watch) while dom0 reads back the one the guest wrote.
lab_create xenstore 'extra="ktest=xenstore_basic,xenstore_transaction,xenstore_dom0"'
if lab_wait_console xenstore 'xenstore_dom0: waiting for dom0' 60; then
	id=$(lab_domid xenstore)
	lab_result guest_wrote "$(xenstore-read /local/domain/$id/data/pvbsd/from-guest)"
	xenstore-write /local/domain/$id/data/pvbsd/from-dom0 dom0-says-42
fi
lab_wait_end xenstore 90
