/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A private etcd for dcd-fm tests: started on 127.0.0.1 on free ports with
 * a temporary data directory, stopped (SIGTERM to its own pid) and removed
 * at the end. etcd_start() returns -1 when etcd is not installed (the
 * caller skips).
 */
#ifndef DCD_FM_TEST_ETCD_H
#define DCD_FM_TEST_ETCD_H

#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct etcd_srv {
	pid_t pid;
	char dir[64];
	int port;
	char url[128];		/* http://127.0.0.1:PORT */
};

static int etcd_free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &l))
		abort();
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static size_t etcd_sink(char *d, size_t s, size_t n, void *arg)
{
	(void)d;
	(void)arg;
	return s * n;
}

static int etcd_healthy(const char *url)
{
	char u[160];
	long st = 0;
	CURL *c = curl_easy_init();
	int ok;

	snprintf(u, sizeof(u), "%s/health", url);
	curl_easy_setopt(c, CURLOPT_URL, u);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, etcd_sink);
	ok = curl_easy_perform(c) == CURLE_OK;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_easy_cleanup(c);
	return ok && st == 200;
}

static int etcd_start(struct etcd_srv *s)
{
	char client[64], peer[64], cluster[96], data[96], log[96];
	int i, peer_port;

	memset(s, 0, sizeof(*s));
	if (system("command -v etcd >/dev/null 2>&1"))
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/dcd-fm-etcd.XXXXXX");
	if (!mkdtemp(s->dir))
		abort();
	s->port = etcd_free_port();
	do
		peer_port = etcd_free_port();
	while (peer_port == s->port);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
	snprintf(client, sizeof(client), "http://127.0.0.1:%d", s->port);
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%d", peer_port);
	snprintf(cluster, sizeof(cluster), "default=%s", peer);
	snprintf(data, sizeof(data), "%s/data", s->dir);
	snprintf(log, sizeof(log), "%s/etcd.log", s->dir);
	s->pid = fork();
	if (!s->pid) {
		FILE *f = freopen(log, "w", stdout);

		if (!f || dup2(fileno(stdout), 2) < 0)
			_exit(127);
		execlp("etcd", "etcd", "--data-dir", data, "--listen-client-urls", client,
		       "--advertise-client-urls", client, "--listen-peer-urls", peer,
		       "--initial-advertise-peer-urls", peer, "--initial-cluster", cluster,
		       (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 200; i++) {
		if (etcd_healthy(s->url))
			return 0;
		if (waitpid(s->pid, NULL, WNOHANG) == s->pid) {
			s->pid = 0;
			return -2;
		}
		usleep(100000);
	}
	return -2;
}

static void etcd_stop(struct etcd_srv *s)
{
	char cmd[128];

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
	if (s->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd))
			perror("rm");
	}
}

#endif
