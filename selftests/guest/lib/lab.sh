# SPDX-License-Identifier: GPL-2.0
# Helpers shared by guest tests. The host passes the topology it started:
#   LAB_TOPOLOGY=dcd1
#   LAB_DEVICES="kind:serial:size:regions ..."  (kind dc|ram, hex serial/size)
. /opt/cxl-dcd/selftests/guest/lib/ktap.sh

CXL=/sys/bus/cxl/devices

# memdev_by_serial SERIAL: print memN for the memdev with that serial number.
memdev_by_serial() {
	for m in "$CXL"/mem*; do
		[ -e "$m/serial" ] || continue
		if [ $(($(cat "$m/serial"))) -eq $(($1)) ]; then
			basename "$m"
			return 0
		fi
	done
	return 1
}

# hexeq FILE VALUE: the file holds VALUE (numbers compared, any base).
hexeq() {
	[ -r "$1" ] || { ktap_print_msg "$1: missing"; return 1; }
	_v=$(cat "$1")
	if [ $((_v)) -ne $(($2)) ]; then
		ktap_print_msg "$1: $_v, want $2"
		return 1
	fi
}

module_loaded() {
	[ -d "/sys/module/$1" ]
}

# dc_devices: the LAB_DEVICES entries of kind dc.
dc_devices() {
	for d in $LAB_DEVICES; do
		case "$d" in dc:*) echo "$d" ;; esac
	done
}

field() {
	echo "$1" | cut -d: -f"$2"
}

# check_dc_config ENTRY: the memdev of a "dc:serial:size:regions" entry shows
# the DC configuration QEMU was started with (equal regions, contiguous from
# DPA 0, 2 MiB blocks, DSMAD handles 0..n-1). Prints diagnostics, returns 1 on
# any mismatch.
check_dc_config() {
	_sn=$(field "$1" 2)
	_size=$(field "$1" 3)
	_nr=$(field "$1" 4)
	_m=$(memdev_by_serial "$_sn") || { ktap_print_msg "no memdev with serial $_sn"; return 1; }
	_d=$CXL/$_m/dcd
	_len=$((_size / _nr))
	_rc=0
	hexeq "$_d/region_count" "$_nr" || _rc=1
	hexeq "$CXL/$_m/dynamic_ram_1/size" "$_size" || _rc=1
	_i=0
	while [ $_i -lt "$_nr" ]; do
		_r=$_d/region$_i
		hexeq "$_r/base" $((_i * _len)) || _rc=1
		hexeq "$_r/length" $_len || _rc=1
		hexeq "$_r/decode_length" $_len || _rc=1
		hexeq "$_r/block_size" 0x200000 || _rc=1
		hexeq "$_r/dsmad_handle" $_i || _rc=1
		_i=$((_i + 1))
	done
	[ ! -e "$_d/region$_nr" ] || { ktap_print_msg "$_d/region$_nr should not exist"; _rc=1; }
	return $_rc
}

# no_dcd_sysfs: no memdev carries cxl_dcd's attributes (module unloaded).
no_dcd_sysfs() {
	for _m in "$CXL"/mem*; do
		if [ -e "$_m/dcd" ] || [ -e "$_m/dynamic_ram_1" ]; then
			ktap_print_msg "$_m still has cxl_dcd sysfs"
			return 1
		fi
	done
}

# rmmod_dcd_gone: rmmod cxl_dcd succeeds, the module is gone and no memdev
# keeps its sysfs (one condition, for ktap_test_result).
rmmod_dcd_gone() {
	rmmod cxl_dcd || return 1
	if [ -d /sys/module/cxl_dcd ]; then
		ktap_print_msg "/sys/module/cxl_dcd still there after rmmod"
		return 1
	fi
	no_dcd_sysfs
}

# all_dc_configured: check_dc_config for every DC device of the topology.
all_dc_configured() {
	_all=0
	for _e in $(dc_devices); do
		check_dc_config "$_e" || _all=1
	done
	return $_all
}

# dmesg_has PATTERN: the kernel log has a line matching the extended regex.
dmesg_has() {
	dmesg | grep -Eq "$1"
}

# unload_dcd: make sure cxl_dcd is not loaded (it may have been loaded at boot
# through the softdep on cxl_pci).
unload_dcd() {
	if [ -d /sys/module/cxl_dcd ]; then
		rmmod cxl_dcd || ktap_print_msg "rmmod cxl_dcd failed"
	fi
}
