#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install-tree.sh - `make install` into a DESTDIR: the tree it makes, the
# installed systemd unit (systemd-analyze verify, and its security exposure
# at most 4.0), the policy an admin edited surviving install and uninstall,
# `make uninstall` leaving nothing, PREFIX reaching the unit's ExecStart.
#
# The installed unit is verified as installed: in a private mount namespace
# the DESTDIR's /usr/bin, /usr/share/man and /usr/lib/systemd/system are
# overlaid on the host's, so systemd-analyze finds dcdctl, its man pages and
# the unit where the unit says they are. That needs root (skipped without).
#
# Usage: selftests/host/install-tree.sh    (make install-check; make check)

# Check functions run through ktap_test_result (shellcheck cannot see it).
# shellcheck disable=SC2317
set -uo pipefail

DIR="$(dirname "$(readlink -f "$0")")"
ROOT="$(cd "$DIR/../.." && pwd)"
# shellcheck source=selftests/guest/lib/ktap.sh
. "$ROOT/selftests/guest/lib/ktap.sh"

MAX_EXPOSURE=4.0
UNIT=usr/lib/systemd/system/dcdctl-monitor.service
FILES=(
	"usr/bin/dcdctl 755" "usr/bin/dcd-fm 755"
	"usr/share/man/man8/dcdctl.8 644" "usr/share/man/man8/dcd-fm.8 644"
	"usr/share/man/man5/dcdctl-policy.conf.5 644"
	"$UNIT 644"
	"etc/dcdctl/policy.conf 644" "usr/share/doc/cxl-dcd/policy.conf.example 644"
	"etc/modprobe.d/cxl-dcd.conf 644"
	"usr/share/bash-completion/completions/dcdctl 644"
)

D=$(mktemp -d /tmp/cxl-dcd-install.XXXXXX)
cleanup() { rm -rf "$D"; }
trap cleanup EXIT

inst() { make -s -C "$ROOT" "$@" >"$D.log" 2>&1 || { cat "$D.log" >&2; return 1; }; }

tree_complete() {
	local f p m bad=0
	for f in "${FILES[@]}"; do
		p=${f% *}
		m=${f#* }
		if [ ! -f "$D/dest/$p" ]; then
			ktap_print_msg "missing: /$p"
			bad=1
		elif [ "$(stat -c %a "$D/dest/$p")" != "$m" ]; then
			ktap_print_msg "/$p: mode $(stat -c %a "$D/dest/$p"), want $m"
			bad=1
		fi
	done
	[ "$(readlink "$D/dest/usr/share/bash-completion/completions/dcd-fm")" = dcdctl ] || bad=1
	return $bad
}

nothing_else() {
	local n
	n=$(find "$D/dest" -type f -o -type l | wc -l)
	[ "$n" -eq $((${#FILES[@]} + 1)) ] || { ktap_print_msg "$n files installed"; return 1; }
}

unit_paths() {
	grep -qx 'ExecStart=/usr/bin/dcdctl monitor' "$D/dest/$UNIT" &&
		! grep -q '@bindir@' "$D/dest/$UNIT"
}

binaries_run() {
	"$D/dest/usr/bin/dcdctl" --version | grep -q '^dcdctl ' &&
		"$D/dest/usr/bin/dcd-fm" --version | grep -q '^dcd-fm '
}

man_pages_render() {
	local f out
	for f in "$D"/dest/usr/share/man/man*/*; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null) || return 1
		[ -z "$out" ] || { ktap_print_msg "$f: $out"; return 1; }
	done
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$D/dest/usr/share/man/man8/dcdctl.8" 2>/dev/null |
		grep -q 'SIZES'
}

completion_loads() {
	bash -c ". '$D/dest/usr/share/bash-completion/completions/dcdctl' &&
		complete -p dcdctl && complete -p dcd-fm" >/dev/null
}

# run "$@" with the DESTDIR's files overlaid where the unit expects them
in_installed_view() {
	unshare -m bash -c '
		set -e
		D=$1; shift
		mount --make-rprivate /
		for d in usr/bin usr/share/man usr/lib/systemd/system; do
			mount -t overlay overlay -o "lowerdir=$D/$d:/$d" "/$d"
		done
		"$@"' view "$D/dest" "$@"
}

unit_verifies() {
	local out
	out=$(in_installed_view systemd-analyze verify dcdctl-monitor.service 2>&1)
	local rc=$?
	[ -z "$out" ] || ktap_print_msg "$out"
	[ $rc -eq 0 ] && [ -z "$out" ]
}

EXPOSURE=
unit_exposure() {
	EXPOSURE=$(systemd-analyze security --offline=true "$D/dest/$UNIT" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	ktap_print_msg "systemd-analyze security --offline=true: exposure ${EXPOSURE:-?}"
	[ -n "$EXPOSURE" ] && awk -v e="$EXPOSURE" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e <= m) }'
}

edited_policy_kept() {
	echo "ignore  # the admin's own" >> "$D/dest/etc/dcdctl/policy.conf"
	inst install DESTDIR="$D/dest" PREFIX=/usr &&
		grep -q "the admin's own" "$D/dest/etc/dcdctl/policy.conf"
}

uninstall_clean() {
	local left
	inst uninstall DESTDIR="$D/dest" PREFIX=/usr || return 1
	left=$(find "$D/dest" -type f -o -type l)
	[ "$left" = "$D/dest/etc/dcdctl/policy.conf" ] ||
		{ ktap_print_msg "left after uninstall: $left"; return 1; }
	rm "$D/dest/etc/dcdctl/policy.conf"
	inst install DESTDIR="$D/dest" PREFIX=/usr && inst uninstall DESTDIR="$D/dest" PREFIX=/usr &&
		[ -z "$(find "$D/dest" -type f -o -type l)" ]
}

prefix_local() {
	inst install DESTDIR="$D/local" PREFIX=/usr/local &&
		[ -x "$D/local/usr/local/bin/dcdctl" ] &&
		grep -qx 'ExecStart=/usr/local/bin/dcdctl monitor' \
			"$D/local/usr/local/lib/systemd/system/dcdctl-monitor.service" &&
		[ -f "$D/local/etc/dcdctl/policy.conf" ]
}

main() {
	ktap_print_header
	ktap_set_plan 12
	inst install DESTDIR="$D/dest" PREFIX=/usr ||
		ktap_exit_fail_msg "make install DESTDIR=$D/dest PREFIX=/usr failed"
	ktap_test_pass "make install DESTDIR=... PREFIX=/usr succeeds"
	ktap_test_result "every file installed with its mode, the dcd-fm completion a link" \
		tree_complete
	ktap_test_result "nothing else installed" nothing_else
	ktap_test_result "the unit runs the installed dcdctl (@bindir@ filled in)" unit_paths
	ktap_test_result "the installed dcdctl and dcd-fm run" binaries_run
	ktap_test_result "man pages render without warnings" man_pages_render
	ktap_test_result "bash completion loads for dcdctl and dcd-fm" completion_loads
	if [ "$(id -u)" -eq 0 ]; then
		ktap_test_result "systemd-analyze verify: the installed unit is clean" unit_verifies
	else
		ktap_test_skip "systemd-analyze verify of the installed unit needs root (overlays)"
	fi
	ktap_test_result "systemd-analyze security --offline=true: exposure <= $MAX_EXPOSURE" \
		unit_exposure
	ktap_test_result "an edited /etc/dcdctl/policy.conf survives install and uninstall" \
		edited_policy_kept
	ktap_test_result "make uninstall removes everything else, an unedited policy too" \
		uninstall_clean
	ktap_test_result "PREFIX=/usr/local: binaries and unit there, ExecStart follows" prefix_local
	ktap_finished
}

main "$@"
