// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
/*
 * driver.c - runs the fuzz target without libFuzzer (gcc + ASan/UBSan):
 * `fuzz-gcc FILE|DIR...` replays inputs (every file of a directory, e.g.
 * the seed corpus); `fuzz-gcc -n RUNS -s SEED` feeds RUNS deterministic
 * pseudo-random inputs, half of them shaped like real payloads (plausible
 * counts, DC UUIDs, 2 MiB aligned extents). Both together replay first.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t state;

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static size_t shaped(uint8_t *buf, size_t cap)
{
	unsigned int nr = rnd() % 17, i;
	size_t n = 1 + 32 + nr * 128;

	memset(buf, 0, n);
	buf[0] = rnd() & 7;
	if ((buf[0] & 3) == 1) {
		buf[1 + 20] = nr;
		for (i = 0; i < nr; i++) {
			uint8_t *r = buf + 1 + 32 + i * 128;
			uint64_t dpa = (rnd() % 300) << 21;
			uint64_t len = (rnd() % 4) << 21;

			r[0x30] = rnd() % 5;
			r[0x35] = i + 1 < nr;
			memcpy(r + 0x38, &dpa, 8);
			memcpy(r + 0x40, &len, 8);
			if (rnd() % 4 == 0)
				r[0x48] = rnd() % 3;
			r[0x58] = rnd() % 3;
		}
	} else {
		n = rnd() % cap;
		for (i = 0; i < n; i++)
			buf[i] = rnd() % 5 ? rnd() % 4 : rnd();
		buf[0] = rnd();
	}
	if (rnd() % 8 == 0 && n > 1)
		n -= rnd() % n;		/* truncate */
	return n;
}

static uint8_t buf[4096];

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

/* Replay a file, or every regular file of a directory; returns the count. */
static long replay_arg(const char *path)
{
	char name[4096];
	struct dirent *de;
	long nr = 0;
	DIR *d;

	d = opendir(path);
	if (!d)
		return replay(path) ? -1 : 1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/%s", path, de->d_name);
		if (replay(name)) {
			closedir(d);
			return -1;
		}
		nr++;
	}
	closedir(d);
	return nr;
}

int main(int argc, char **argv)
{
	unsigned long runs = 10000, r;
	int opt, random_runs = 1;
	long nr;

	state = 1;
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			runs = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			state = strtoull(optarg, NULL, 0) | 1;
	}
	if (optind < argc && optind == 1)
		random_runs = 0;	/* only files: replay them */
	for (; optind < argc; optind++) {
		nr = replay_arg(argv[optind]);
		if (nr < 0) {
			fprintf(stderr, "fuzz-gcc: cannot read %s\n", argv[optind]);
			return 1;
		}
		printf("fuzz-gcc: %ld inputs replayed from %s, no crash\n", nr, argv[optind]);
	}
	if (!random_runs)
		return 0;
	for (r = 0; r < runs; r++) {
		size_t n = r & 1 ? shaped(buf, sizeof(buf)) :
				   rnd() % sizeof(buf);

		if (!(r & 1))
			for (size_t i = 0; i < n; i++)
				buf[i] = rnd();
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz-gcc: %lu inputs, no crash\n", runs);
	return 0;
}
