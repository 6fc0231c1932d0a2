// SPDX-License-Identifier: GPL-2.0-only
/* Copyright(c) 2026 The cxl-dcd authors. */
/*
 * driver.c - runs the fuzz target without libFuzzer (gcc + ASan/UBSan):
 * `fuzz-gcc FILE...` replays inputs; `fuzz-gcc -n RUNS -s SEED` feeds RUNS
 * deterministic pseudo-random inputs, half of them shaped like real
 * payloads (plausible counts, DC UUIDs, 2 MiB aligned extents).
 */
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

int main(int argc, char **argv)
{
	static uint8_t buf[4096];
	unsigned long runs = 10000, r;
	int opt;

	state = 1;
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			runs = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			state = strtoull(optarg, NULL, 0) | 1;
	}
	if (optind < argc) {
		for (; optind < argc; optind++) {
			FILE *f = fopen(argv[optind], "rb");
			size_t n;

			if (!f)
				return 1;
			n = fread(buf, 1, sizeof(buf), f);
			fclose(f);
			LLVMFuzzerTestOneInput(buf, n);
		}
		return 0;
	}
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
