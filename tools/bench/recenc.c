/*
 * recenc.c - senseplane-record's encoding alone: CPU seconds per million
 * samples to turn a batch into the store's JSON lines (rec_batch_encode),
 * the part of the recorder's cost that is its own arithmetic.
 *
 *   senseplane-bench-recenc [REPS] [--dump FILE]
 *
 * The batch: 200 ECG keys x 250 float32 samples (one second of 200 patches
 * at 250 Hz), encoded REPS times (30). --dump writes one encoding, so two
 * builds can be checked for the same bytes with cmp.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rec_batch.h"

#define KEYS 200
#define PER_KEY 250

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct rec_batch b;
	struct rec_buf o = { 0 };
	const char *dump = NULL;
	long reps = 30;
	size_t bytes = 0;
	double t0, t1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dump") == 0 && i + 1 < argc) {
			dump = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 ||
			   strcmp(argv[i], "--help") == 0) {
			printf("usage: senseplane-bench-recenc [REPS] "
			       "[--dump FILE]\n");
			return 0;
		} else if ((reps = strtol(argv[i], NULL, 10)) < 1) {
			fprintf(stderr, "senseplane-bench-recenc: '%s' is not "
				"a count of repetitions\n", argv[i]);
			return 2;
		}
	}
	rec_batch_init(&b);
	for (int k = 0; k < KEYS; k++) {
		struct rec_run *r = rec_batch_run(&b, (uint32_t)k,
						  (uint64_t)k + 1, "ecg", 1,
						  PER_KEY);

		if (r == NULL) {
			fprintf(stderr, "senseplane-bench-recenc: no memory\n");
			return 1;
		}
		for (int s = 0; s < PER_KEY; s++) {
			b.times[r->toff + s] = 1796677603245LL + s * 4;
			b.vals[r->voff + s] =
				(double)(float)(sin(s * 0.1 + k) * 1.3);
		}
	}
	t0 = cpu_now();
	for (long i = 0; i < reps; i++) {
		o.len = 0;
		if (rec_batch_encode(&b, &o) < 0) {
			fprintf(stderr, "senseplane-bench-recenc: no memory\n");
			return 1;
		}
		bytes += o.len;
	}
	t1 = cpu_now();
	if (dump) {
		FILE *f = fopen(dump, "w");

		if (f == NULL || fwrite(o.p, 1, o.len, f) != o.len ||
		    fclose(f) != 0) {
			fprintf(stderr, "senseplane-bench-recenc: %s: cannot "
				"write\n", dump);
			return 1;
		}
	}
	printf("{\"cpu_s_per_million_samples\":%.4f,\"bytes_per_sample\":%.2f,"
	       "\"samples\":%ld}\n", (t1 - t0) / ((double)reps * KEYS *
					       PER_KEY) * 1e6,
	       (double)bytes / ((double)reps * KEYS * PER_KEY),
	       reps * KEYS * PER_KEY);
	rec_buf_free(&o);
	rec_batch_free(&b);
	return 0;
}
