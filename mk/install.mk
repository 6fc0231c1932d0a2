# SPDX-License-Identifier: GPL-2.0
#
# Installing the user-space side, included by the top-level Makefile:
#   make install    [PREFIX=/usr/local] [DESTDIR=...]  dcdctl and dcd-fm,
#                   man pages dcdctl(8), dcd-fm(8), dcdctl-policy.conf(5),
#                   the systemd unit, the example policy, the modprobe.d
#                   file, bash completion
#   make uninstall  the same files again (an edited /etc/dcdctl/policy.conf
#                   stays)
#   make man        the man pages in build/man (asciidoctor)
#   make install-check  selftests/host/install-tree.sh: install into a
#                   DESTDIR, check the tree, systemd-analyze verify and the
#                   security exposure of the installed unit (TAP; make check
#                   runs it)
# The module itself installs through DKMS (mk/dkms.mk).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/cxl-dcd
UNITDIR ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc

INST_MAN := build/man/dcdctl.8 build/man/dcd-fm.8 build/man/dcdctl-policy.conf.5
INST_UNIT := etc/systemd/dcdctl-monitor.service
INST_POLICY := etc/dcdctl/policy.conf

.PHONY: install uninstall man install-check

man: $(INST_MAN)

build/man/%.8 build/man/%.5: Documentation/man/%.txt
	@mkdir -p build/man
	asciidoctor -b manpage -a reproducible -a manmanual='cxl-dcd' \
		-a mansource='cxl-dcd' -D build/man $<

install: tools man
	install -D -m 0755 tools/dcdctl/dcdctl $(DESTDIR)$(BINDIR)/dcdctl
	install -D -m 0755 tools/dcd-fm/dcd-fm $(DESTDIR)$(BINDIR)/dcd-fm
	install -D -m 0644 build/man/dcdctl.8 $(DESTDIR)$(MANDIR)/man8/dcdctl.8
	install -D -m 0644 build/man/dcd-fm.8 $(DESTDIR)$(MANDIR)/man8/dcd-fm.8
	install -D -m 0644 build/man/dcdctl-policy.conf.5 \
		$(DESTDIR)$(MANDIR)/man5/dcdctl-policy.conf.5
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@bindir@|$(BINDIR)|g' $(INST_UNIT) \
		> $(DESTDIR)$(UNITDIR)/dcdctl-monitor.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/dcdctl-monitor.service
	install -D -m 0644 $(INST_POLICY) $(DESTDIR)$(DOCDIR)/policy.conf.example
	@# the admin's policy is never overwritten
	if [ ! -e $(DESTDIR)$(SYSCONFDIR)/dcdctl/policy.conf ]; then \
		install -D -m 0644 $(INST_POLICY) $(DESTDIR)$(SYSCONFDIR)/dcdctl/policy.conf; \
	fi
	install -D -m 0644 $(DCD_MODPROBE_CONF) $(DESTDIR)$(SYSCONFDIR)/modprobe.d/cxl-dcd.conf
	install -D -m 0644 etc/bash-completion/dcdctl $(DESTDIR)$(BASHCOMPDIR)/dcdctl
	ln -sf dcdctl $(DESTDIR)$(BASHCOMPDIR)/dcd-fm

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dcdctl $(DESTDIR)$(BINDIR)/dcd-fm
	rm -f $(DESTDIR)$(MANDIR)/man8/dcdctl.8 $(DESTDIR)$(MANDIR)/man8/dcd-fm.8 \
		$(DESTDIR)$(MANDIR)/man5/dcdctl-policy.conf.5
	rm -f $(DESTDIR)$(UNITDIR)/dcdctl-monitor.service
	@# only the unchanged example; an edited policy stays
	if cmp -s $(INST_POLICY) $(DESTDIR)$(SYSCONFDIR)/dcdctl/policy.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/dcdctl/policy.conf; \
		rmdir $(DESTDIR)$(SYSCONFDIR)/dcdctl 2>/dev/null || true; \
	fi
	rm -f $(DESTDIR)$(DOCDIR)/policy.conf.example
	rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	rm -f $(DESTDIR)$(SYSCONFDIR)/modprobe.d/cxl-dcd.conf
	rm -f $(DESTDIR)$(BASHCOMPDIR)/dcdctl $(DESTDIR)$(BASHCOMPDIR)/dcd-fm

install-check: tools man
	selftests/host/install-tree.sh
