/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run the dcdctl binary ($DCDCTL) on the fake tree: stdout, stderr, exit
 * code; optionally as an unprivileged user so sysfs writes fail with EACCES.
 * Also the field tables of Documentation/dcdctl.rst.
 */
#ifndef DCDCTL_RUN_H
#define DCDCTL_RUN_H

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fake.h"

static char out[65536], err[8192];

static void rn_slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* "$DCDCTL <args>"; unpriv: as uid/gid 65534; returns the exit code */
static __attribute__((unused)) int rn_dcdctl(int unpriv, const char *fmt, ...)
{
	const char *bin = getenv("DCDCTL");
	char args[600], cmd[1200], o[300], e[300];
	va_list ap;
	pid_t pid;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(o, sizeof(o), "/tmp/dcdctl-run.%d.out", (int)getpid());
	snprintf(e, sizeof(e), "/tmp/dcdctl-run.%d.err", (int)getpid());
	snprintf(cmd, sizeof(cmd), "exec %s %s >%s 2>%s", bin ? bin : "./dcdctl", args, o, e);
	unlink(o);
	unlink(e);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		if (unpriv && (setgid(65534) || setuid(65534)))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		abort();
	rn_slurp(o, out, sizeof(out));
	rn_slurp(e, err, sizeof(err));
	unlink(o);
	unlink(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define dcdctl(...) rn_dcdctl(0, __VA_ARGS__)

/*
 * Make writes to rel fail with EACCES for the next rn_dcdctl(rn_unpriv(rel), ...):
 * as root, the command runs as nobody (every write fails, reads work: the
 * tree is world-readable); otherwise the file is made read-only.
 */
static __attribute__((unused)) int rn_unpriv(const char *rel)
{
	chmod(fk_root, 0755);
	if (geteuid() == 0)
		return 1;
	chmod(fk_p("%s", rel), 0444);
	return 0;
}

static __attribute__((unused)) int one_line(void)
{
	char *nl = strchr(err, '\n');

	return nl && !nl[1];
}

/* content of a fake file, trailing newline kept */
static __attribute__((unused)) const char *rn_file(const char *rel)
{
	static char b[4][512];
	static int n;
	char *p = b[n++ & 3];

	rn_slurp(fk_p("%s", rel), p, 512);
	return p;
}

/* ---- Documentation/dcdctl.rst field tables ---- */

#define RN_MAX_FIELDS 40

struct rn_field {
	char key[48], type[16];
	int seen;
};

struct rn_table {
	char name[32];
	int n;
	struct rn_field f[RN_MAX_FIELDS];
};

/*
 * Read the table ".. table:: Fields of the <name> object" from the doc:
 * a simple rst table, one "key type meaning..." row per field.
 * Returns the number of fields, -1 if the table is missing or malformed.
 */
static __attribute__((unused)) int rn_doc_table(const char *name, struct rn_table *t)
{
	const char *doc = getenv("DCDCTL_DOC");
	char want[96], line[512];
	int state = 0, rules = 0;
	FILE *f;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(want, sizeof(want), ".. table:: Fields of the %s object", name);
	f = fopen(doc ? doc : "../../Documentation/dcdctl.rst", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char k[64], ty[32];

		line[strcspn(line, "\n")] = '\0';
		if (!state) {
			if (!strcmp(line, want))
				state = 1;
			continue;
		}
		if (strspn(line, " =") == strlen(line) && strchr(line, '=')) {
			if (++rules == 3)
				break;
			continue;
		}
		if (rules != 2 || !line[0])
			continue;
		if (strlen(line) > 3 && !strncmp(line, "    ", 4))
			continue;	/* continuation of the meaning column */
		if (strncmp(line, "   ", 3) || sscanf(line, "%63s %31s", k, ty) != 2 ||
		    t->n == RN_MAX_FIELDS) {
			fclose(f);
			return -1;
		}
		snprintf(t->f[t->n].key, sizeof(t->f[0].key), "%s", k);
		snprintf(t->f[t->n].type, sizeof(t->f[0].type), "%s", ty);
		t->n++;
	}
	fclose(f);
	return rules == 3 && t->n ? t->n : -1;
}

/*
 * Check one JSON object against its table: every key documented with a
 * matching type (human: addr/size are strings). Marks seen keys. Appends
 * problems to bad.
 */
static __attribute__((unused)) void rn_check_obj(struct rn_table *t, struct json_object *o,
						 int human, char *bad, size_t len)
{
	json_object_object_foreach(o, key, val) {
		struct rn_field *fd = NULL;
		enum json_type jt = json_object_get_type(val);
		const char *ty;
		int good;
		int i;

		for (i = 0; i < t->n; i++)
			if (!strcmp(t->f[i].key, key))
				fd = &t->f[i];
		if (!fd) {
			snprintf(bad + strlen(bad), len - strlen(bad), " %s.%s(undocumented)",
				 t->name, key);
			continue;
		}
		fd->seen = 1;
		ty = fd->type;
		if (!strcmp(ty, "addr") || !strcmp(ty, "size"))
			good = human ? jt == json_type_string : jt == json_type_int;
		else if (!strcmp(ty, "int"))
			good = jt == json_type_int;
		else if (!strcmp(ty, "string"))
			good = jt == json_type_string;
		else if (!strcmp(ty, "bool"))
			good = jt == json_type_boolean;
		else if (!strcmp(ty, "array"))
			good = jt == json_type_array;
		else if (!strcmp(ty, "object"))
			good = jt == json_type_object;
		else
			good = 0;
		if (!good)
			snprintf(bad + strlen(bad), len - strlen(bad), " %s.%s(type %s, doc %s)",
				 t->name, key, json_type_to_name(jt), ty);
	}
}

/* documented keys never printed */
static __attribute__((unused)) void rn_unseen(struct rn_table *t, char *bad, size_t len)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (!t->f[i].seen)
			snprintf(bad + strlen(bad), len - strlen(bad), " %s.%s(never printed)",
				 t->name, t->f[i].key);
}

#endif
