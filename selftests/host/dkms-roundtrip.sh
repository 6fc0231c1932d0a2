#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-roundtrip.sh - install cxl_dcd with DKMS for the lab kernel, check what
# got installed, remove it and check that the machine is as it was.
#
# `make dkms-install DKMS_KERNEL=$KVER` must build cxl_dcd.ko against the
# installed headers of $KVER (scripts/lab.conf; the host may run another
# kernel: building for a given kernel is the point), put it in
# /lib/modules/$KVER/updates/dkms, index it (depmod) and install
# /etc/modprobe.d/cxl-dcd.conf; `make dkms-remove` must undo all of it: the
# module, the modprobe configuration, the depmod indexes (byte-identical to
# before), the DKMS tree and the staged sources.
#
# Needs root, dkms, linux-headers-$KVER and linux-source-X.Y; skips (KTAP
# SKIP, exit 4) with the reason when one is missing, and when cxl-dcd is
# already installed in any form (it would be disturbed). Modules are signed
# with a throwaway key in a temporary directory, not DKMS's /var/lib/dkms
# key. About a minute of CPU (a module build, two depmod runs): minutes of
# wall time on a loaded machine.
#
# Usage: selftests/host/dkms-roundtrip.sh [KVER]

# Check functions run through ktap_test_result (shellcheck cannot see it).
# shellcheck disable=SC2317
set -uo pipefail

DIR="$(dirname "$(readlink -f "$0")")"
ROOT="$(cd "$DIR/../.." && pwd)"
# shellcheck source=selftests/guest/lib/ktap.sh
. "$ROOT/selftests/guest/lib/ktap.sh"
# shellcheck source=scripts/lab.conf
. "$ROOT/scripts/lab.conf"

TK=${1:-$KVER}
MODDIR=/lib/modules/$TK
CONF=/etc/modprobe.d/cxl-dcd.conf
NAME=cxl-dcd
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$ROOT/dkms.conf")
MAJMIN=$(cut -d. -f1,2 <<<"$TK")
TMP=
INSTALLED=

skip_all()
{
	ktap_print_header
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

prereqs()
{
	[[ "$(id -u)" -eq 0 ]] || skip_all "needs root (dkms installs into /lib/modules)"
	command -v dkms >/dev/null || skip_all "dkms is not installed (apt-get install dkms)"
	[[ -n "$VER" ]] || skip_all "no PACKAGE_VERSION in $ROOT/dkms.conf"
	[[ -r "$MODDIR/build/include/config/kernel.release" ]] ||
		skip_all "no headers for $TK (linux-headers-$TK)"
	[[ -r "/usr/src/linux-source-$MAJMIN.tar.xz" ]] ||
		skip_all "linux-source-$MAJMIN is not installed"
	[[ -z "$(dkms status -m "$NAME" 2>/dev/null)" && ! -e "/var/lib/dkms/$NAME" ]] ||
		skip_all "$NAME is already registered with dkms: not disturbing it"
	[[ ! -e "/usr/src/$NAME-$VER" ]] || skip_all "/usr/src/$NAME-$VER exists: not disturbing it"
	[[ ! -e "$CONF" ]] || skip_all "$CONF exists: not disturbing it"
	[[ -z "$(find "$MODDIR" -name 'cxl_dcd.ko*' 2>/dev/null)" ]] ||
		skip_all "a cxl_dcd module is already installed in $MODDIR"
}

# What may change under /lib/modules/$TK: everything but the kernel's own tree.
tree_state()
{
	find "$MODDIR" -path "$MODDIR/kernel" -prune -o -print | sort
}

index_state()
{
	(cd "$MODDIR" && sha256sum modules.*)
}

cleanup()
{
	if [[ -n "$INSTALLED" ]]; then
		ktap_print_msg "cleaning up after a failure: make dkms-remove"
		make -s -C "$ROOT" dkms-remove >>"$TMP/cleanup.log" 2>&1 ||
			ktap_print_msg "cleanup failed, see $TMP/cleanup.log"
	fi
	[[ -n "$TMP" ]] && rm -rf "$TMP"
}

# run LOG CMD...: run CMD with output to LOG; on failure print its tail.
run()
{
	local log=$1 rc

	shift
	"$@" >"$log" 2>&1
	rc=$?
	if [[ $rc -ne 0 ]]; then
		ktap_print_msg "$* exited $rc; last lines of its output:"
		tail -n 20 "$log" | sed 's/^/#   /'
	fi
	return $rc
}

# The helper as DKMS runs it, on a machine without linux-source-X.Y: dpkg
# does not know the package and its tarball is absent.
check_missing_source_error()
{
	local err bin=$TMP/no-source-bin

	mkdir -p "$bin"
	cat >"$bin/dpkg-query" <<-EOF
	#!/bin/sh
	for a; do case "\$a" in linux-source-*) exit 1 ;; esac; done
	exec /usr/bin/dpkg-query "\$@"
	EOF
	chmod +x "$bin/dpkg-query"
	err=$(PATH="$bin:$PATH" KSRC_TARBALL="$TMP/absent.tar.xz" \
		"$ROOT/scripts/dkms-helper" build "$TK" "$MODDIR/build" 2>&1 >/dev/null) &&
		return 1
	ktap_print_msg "$err"
	grep -q "package linux-source-$MAJMIN, which is not installed" <<<"$err" &&
		grep -q "apt-get install linux-source-$MAJMIN" <<<"$err"
}

check_status_installed()
{
	local st

	st=$(dkms status -m "$NAME" -v "$VER" -k "$TK" 2>/dev/null)
	ktap_print_msg "dkms status: $st"
	grep -q "^$NAME/$VER, $TK, [^:]*: installed" <<<"$st"
}

check_module_file()
{
	local files idx

	readarray -t files < <(find "$MODDIR" -name 'cxl_dcd.ko*')
	[[ ${#files[@]} -eq 1 && "${files[0]}" == "$MODDIR"/updates/dkms/cxl_dcd.ko* ]] ||
		{ ktap_print_msg "cxl_dcd files: ${files[*]:-none}"; return 1; }
	idx=$(modinfo -k "$TK" -F filename cxl_dcd 2>/dev/null)
	ktap_print_msg "modinfo -k $TK: $idx"
	[[ "$idx" == "${files[0]}" ]]
}

check_modinfo()
{
	local vermagic name ns

	vermagic=$(modinfo -k "$TK" -F vermagic cxl_dcd 2>/dev/null)
	name=$(modinfo -k "$TK" -F name cxl_dcd 2>/dev/null)
	ns=$(modinfo -k "$TK" -F import_ns cxl_dcd 2>/dev/null)
	ktap_print_msg "vermagic: $vermagic"
	[[ "$vermagic" == "$TK "* && "$name" == cxl_dcd ]] && grep -qx CXL <<<"$ns"
}

check_softdep()
{
	local out first pci line

	out=$(modprobe -S "$TK" --dry-run --show-depends cxl_pci 2>&1)
	ktap_print_msg "modprobe --show-depends cxl_pci:"
	while read -r line; do
		ktap_print_msg "  $line"
	done <<<"$out"
	first=$(grep -n "^insmod $MODDIR/updates/dkms/cxl_dcd\.ko" <<<"$out" | cut -d: -f1)
	pci=$(grep -n "^insmod .*/cxl_pci\.ko" <<<"$out" | cut -d: -f1)
	[[ -n "$first" && -n "$pci" && "$first" -lt "$pci" ]]
}

check_dax_cxl_blocked()
{
	modprobe -S "$TK" --dry-run --show-depends dax_cxl 2>&1 | grep -qx 'install /bin/false *'
}

check_no_softdep()
{
	! modprobe -S "$TK" --dry-run --show-depends cxl_pci 2>&1 | grep -q cxl_dcd
}

check_dkms_clean()
{
	[[ -z "$(dkms status -m "$NAME" 2>/dev/null)" && ! -e "/var/lib/dkms/$NAME" &&
		! -e "/usr/src/$NAME-$VER" ]]
}

# The post-remove step keeps the modprobe configuration while another kernel
# still has the module: a DKMS tree of two kernels, laid out as DKMS does,
# with the configuration in a scratch directory.
check_post_remove_multi_kernel()
{
	local tree=$TMP/dkms/$NAME src=$TMP/dkms/$NAME/$VER/source d=$TMP/modprobe.d

	mkdir -p "$tree/$VER/$TK/x86_64" "$tree/$VER/9.9.9/x86_64" "$d"
	ln -s "$ROOT" "$src"
	ln -s "$VER/$TK/x86_64" "$tree/kernel-$TK-x86_64"
	ln -s "$VER/9.9.9/x86_64" "$tree/kernel-9.9.9-x86_64"
	MODPROBE_DIR=$d "$src/scripts/dkms-helper" post-install >/dev/null || return 1
	cmp -s "$d/cxl-dcd.conf" "$ROOT/etc/modprobe.d/cxl-dcd.conf" || return 1
	rm "$tree/kernel-$TK-x86_64"
	MODPROBE_DIR=$d "$src/scripts/dkms-helper" post-remove >/dev/null || return 1
	[[ -e "$d/cxl-dcd.conf" ]] || return 1
	rm "$tree/kernel-9.9.9-x86_64"
	MODPROBE_DIR=$d "$src/scripts/dkms-helper" post-remove >/dev/null || return 1
	[[ ! -e "$d/cxl-dcd.conf" ]]
}

main()
{
	local tree0 index0 t0 rc

	prereqs
	TMP=$(mktemp -d /tmp/cxl-dcd-dkms.XXXXXX)
	trap cleanup EXIT
	# DKMS signs with these; it creates them when absent.
	export mok_signing_key=$TMP/mok.key mok_certificate=$TMP/mok.pub
	t0=$SECONDS

	ktap_print_header
	ktap_set_plan 14
	ktap_print_msg "target kernel $TK (running $(uname -r)), $NAME/$VER"

	ktap_test_result "a missing linux-source-$MAJMIN is a build error naming the package" \
		check_missing_source_error
	ktap_test_result "post-remove keeps the modprobe configuration while another kernel has the module" \
		check_post_remove_multi_kernel

	tree0=$(tree_state)
	index0=$(index_state)
	INSTALLED=1
	run "$TMP/install.log" make -s -C "$ROOT" dkms-install DKMS_KERNEL="$TK"
	rc=$?
	ktap_print_msg "install took $((SECONDS - t0))s"
	if [[ $rc -ne 0 ]]; then
		ktap_test_fail "make dkms-install builds and installs cxl_dcd for $TK"
		ktap_exit_fail_msg "dkms install failed; nothing more to check"
	fi
	ktap_test_pass "make dkms-install builds and installs cxl_dcd for $TK"
	ktap_test_result "dkms status: $NAME/$VER installed for $TK" check_status_installed
	ktap_test_result "the module is $MODDIR/updates/dkms/cxl_dcd.ko*, indexed by depmod" \
		check_module_file
	ktap_test_result "modinfo: vermagic $TK, imports namespace CXL" check_modinfo
	ktap_test_result "$CONF is the shipped modprobe configuration" \
		cmp -s "$CONF" "$ROOT/etc/modprobe.d/cxl-dcd.conf"
	ktap_test_result "modprobe loads cxl_dcd before cxl_pci (softdep)" check_softdep
	ktap_test_result "modprobe refuses dax_cxl (install /bin/false)" check_dax_cxl_blocked

	t0=$SECONDS
	if run "$TMP/remove.log" make -s -C "$ROOT" dkms-remove; then
		INSTALLED=
		ktap_test_pass "make dkms-remove succeeds"
	else
		ktap_test_fail "make dkms-remove succeeds"
	fi
	ktap_print_msg "remove took $((SECONDS - t0))s"
	ktap_test_result "$MODDIR holds exactly the files it held before" \
		test "$(tree_state)" == "$tree0"
	ktap_test_result "the module indexes are byte-identical to before (depmod undone)" \
		test "$(index_state)" == "$index0"
	ktap_test_result "$CONF is gone and cxl_pci has no softdep on cxl_dcd" \
		eval "[[ ! -e $CONF ]] && check_no_softdep"
	ktap_test_result "dkms, /var/lib/dkms and /usr/src know nothing of $NAME" check_dkms_clean
	ktap_finished
}

main "$@"
