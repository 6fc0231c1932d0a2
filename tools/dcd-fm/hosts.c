// SPDX-License-Identifier: GPL-2.0
/* dcd-fm: host names and work directories */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hosts.h"

static int set_dir(struct fm_host *h, const char *dir, struct fm_err *e)
{
	char real[PATH_MAX];

	if (!realpath(dir, real))
		return fm_seterr(e, -errno, "host %s: work directory %s: %s", h->name, dir,
				 strerror(errno));
	snprintf(h->dir, sizeof(h->dir), "%s", real);
	return 0;
}

static int lookup(const char *name, const char *file, struct fm_host *h, struct fm_err *e)
{
	char line[PATH_MAX + 128];
	unsigned int n = 0;
	FILE *f;

	if (!file || !*file)
		return fm_seterr(e, -ENOENT, "unknown host '%s': give NAME=DIR or a hosts file "
				 "(--hosts, DCD_FM_HOSTS)", name);
	f = fopen(file, "re");
	if (!f)
		return fm_seterr(e, -errno, "hosts file %s: %s", file, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *sv, *k, *v, *x;

		n++;
		line[strcspn(line, "\r\n#")] = 0;
		for (x = line; *x; x++)
			if (*x == '=')
				*x = ' ';
		k = strtok_r(line, " \t", &sv);
		v = strtok_r(NULL, " \t", &sv);
		if (!k)
			continue;
		if (!v || strtok_r(NULL, " \t", &sv)) {
			fclose(f);
			return fm_seterr(e, -EINVAL, "hosts file %s:%u: expected NAME DIR", file,
					 n);
		}
		if (strcmp(k, name))
			continue;
		fclose(f);
		return set_dir(h, v, e);
	}
	fclose(f);
	return fm_seterr(e, -ENOENT, "unknown host '%s' (not in %s)", name, file);
}

int fm_host_resolve(const char *spec, const char *hosts_file, struct fm_host *h,
		    struct fm_err *e)
{
	const char *eq = strchr(spec, '=');
	size_t nl;

	memset(h, 0, sizeof(*h));
	if (eq) {
		nl = (size_t)(eq - spec);
		if (!nl || nl >= sizeof(h->name))
			return fm_seterr(e, -EINVAL, "bad host name in '%s'", spec);
		memcpy(h->name, spec, nl);
		return set_dir(h, eq + 1, e);
	}
	if (strchr(spec, '/')) {
		const char *b;
		char tmp[PATH_MAX];
		size_t l;

		snprintf(tmp, sizeof(tmp), "%s", spec);
		l = strlen(tmp);
		while (l > 1 && tmp[l - 1] == '/')
			tmp[--l] = 0;
		b = strrchr(tmp, '/');
		snprintf(h->name, sizeof(h->name), "%s", b && b[1] ? b + 1 : tmp);
		return set_dir(h, spec, e);
	}
	if (strlen(spec) >= sizeof(h->name) || !*spec)
		return fm_seterr(e, -EINVAL, "bad host name '%s'", spec);
	snprintf(h->name, sizeof(h->name), "%s", spec);
	return lookup(spec, hosts_file, h, e);
}

void fm_host_sock(const struct fm_host *h, const char *sock, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", h->dir, sock);
}
