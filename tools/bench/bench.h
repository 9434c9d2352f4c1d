/*
 * bench.h - the scenarios of senseplane-bench, one file each.
 */
#ifndef BENCH_H
#define BENCH_H

#include <jansson.h>

struct bench_opts {
	int quick;
	const char *root;    /* the source tree (scripts, config) */
	const char *build;   /* the build tree (binaries) */
};

/* Each prints its figures beside their baseline and fills @p out.
 * @return 0, or -1 when the scenario could not run. */
int bench_b1(const struct bench_opts *o, json_t *out);
int bench_b2(const struct bench_opts *o, json_t *out);
int bench_b3(const struct bench_opts *o, json_t *out);
int bench_b4(const struct bench_opts *o, json_t *out);
int bench_b5(const struct bench_opts *o, json_t *out);
int bench_b6(const struct bench_opts *o, json_t *out);
int bench_b7(const struct bench_opts *o, json_t *out);

/** Run a command, echo its output, and return it (malloc'd) or NULL. */
char *bench_run(const char *cmd);

/** Print "name  value  baseline  ratio" and add {value, baseline} to out. */
void bench_row(json_t *out, const char *key, const char *label,
	       double value, double baseline, const char *unit);

/* 1 and 2 workers and the owner hand-off ring (not a BENCHMARKS row:
 * issue 6 asks for it). */
int bench_scale(const struct bench_opts *o, json_t *out);

#endif /* BENCH_H */
