# SPDX-License-Identifier: GPL-2.0
# Helpers shared by guest tests, sourced as "$LIB/lab.sh" by a test that set
# LIB to this directory (found relative to the test itself, so the tests run
# from a checkout or an install as well as from the lab's /opt/cxl-dcd).
#
# In the QEMU lab, scripts/run-tests passes the topology it started:
#   LAB_TOPOLOGY=dcd1
#   LAB_DEVICES="kind:serial:size:regions ..."  (kind dc|ram, hex serial/size)
# and the tests check what the device shows against it. Elsewhere (make -C
# selftests run_tests on a machine with a DCD) LAB_DEVICES is unset: a test
# that needs a lab topology skips (lab_only), one that does not checks its
# prerequisites (dcd_prereqs) and compares with what the first load read.
# shellcheck source=selftests/guest/lib/ktap.sh
. "$LIB/ktap.sh"

CXL=/sys/bus/cxl/devices

# in_lab: scripts/run-tests started this test in a QEMU lab guest.
in_lab() {
	[ -n "${LAB_DEVICES:-}" ]
}

# lab_only TOPOLOGY: skip the whole test (KTAP, exit 4) outside the lab.
lab_only() {
	in_lab && return 0
	ktap_print_header
	ktap_skip_all "lab-only: needs the QEMU lab's $1 topology" \
		"(LAB_DEVICES, set by scripts/run-tests)"
	exit "$KSFT_SKIP"
}

# skip_all REASON: skip the whole test (KTAP, exit 4), before its plan.
skip_all() {
	ktap_print_header
	ktap_skip_all "$*"
	exit "$KSFT_SKIP"
}

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

# dc_config MEMDEV: the DC configuration cxl_dcd published for MEMDEV, one
# "file value" line per attribute (for comparing two loads).
dc_config() {
	_d=$CXL/$1/dcd
	echo "size $(cat "$CXL/$1/dynamic_ram_1/size")"
	echo "region_count $(cat "$_d/region_count")"
	for _r in "$_d"/region[0-9]*; do
		for _f in base decode_length length block_size dsmad_handle; do
			echo "$(basename "$_r")/$_f $(cat "$_r/$_f")"
		done
	done
}

# dcd_prereqs: outside the lab, skip unless this is root on a machine with
# cxl_dcd installed and at least one memdev cxl_dcd enables DC on; load
# cxl_dcd once to find those memdevs (DCD_MEMDEVS) and record what it read
# (DCD_SNAPSHOT), then unload it again. Nothing to do in the lab.
dcd_prereqs() {
	in_lab && return 0
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (loads and unloads cxl_dcd)"
	modprobe -n -q cxl_dcd 2>/dev/null ||
		skip_all "cxl_dcd is not installed for $(uname -r)"
	ls -d "$CXL"/mem* >/dev/null 2>&1 || skip_all "no CXL memdev"
	if [ -d /sys/module/cxl_dcd ] && ! rmmod cxl_dcd 2>/dev/null; then
		skip_all "cxl_dcd is loaded and in use (DC memory online?)"
	fi
	modprobe cxl_dcd || skip_all "modprobe cxl_dcd failed"
	DCD_MEMDEVS=
	DCD_SNAPSHOT=$(mktemp)
	trap 'rm -f "$DCD_SNAPSHOT" "$DCD_SNAPSHOT".*' EXIT
	for _m in "$CXL"/mem*; do
		[ -d "$_m/dcd" ] || continue
		DCD_MEMDEVS="$DCD_MEMDEVS $(basename "$_m")"
		dc_config "$(basename "$_m")" > "$DCD_SNAPSHOT.$(basename "$_m")"
	done
	rmmod cxl_dcd || skip_all "rmmod cxl_dcd failed"
	[ -n "$DCD_MEMDEVS" ] ||
		skip_all "no DC-capable memdev: cxl_dcd enabled DC on none"
}

# first_dc_memdev: the (first) DC memdev under test.
first_dc_memdev() {
	if in_lab; then
		memdev_by_serial "$(field "$(dc_devices | head -1)" 2)"
	else
		for _m in $DCD_MEMDEVS; do
			echo "$_m"
			return 0
		done
	fi
}

# dc_configured: every DC memdev shows the expected DC configuration: the
# QEMU command line's in the lab, elsewhere what the first load read.
dc_configured() {
	in_lab && { all_dc_configured; return; }
	_all=0
	for _m in $DCD_MEMDEVS; do
		if ! dc_config "$_m" | cmp -s - "$DCD_SNAPSHOT.$_m"; then
			ktap_print_msg "$_m: DC configuration differs from the first load's"
			_all=1
		fi
	done
	return $_all
}
