/*
 * sim_signal.h - realistic sample values per attribute: an ECG-like PQRST
 * waveform, breathing, IMU noise around gravity, a walking GPS track, slow
 * temperature and humidity drift, battery discharge, button presses.
 */
#ifndef SIM_SIGNAL_H
#define SIM_SIGNAL_H

#include <stdint.h>

#include "sp_catalog.h"

/** Per-sensor state the signals evolve. */
struct sim_body {
	double heart_bpm;     /* resting heart rate */
	double lat, lon, alt; /* position */
	double heading;       /* radians */
	double temp_base;     /* degC */
	double battery;       /* percent */
	double phase;         /* random phase offset, s */
};

/** Seed a body from @p rng (xorshift state). */
void sim_body_init(struct sim_body *b, uint64_t *rng);

/** Next value of xorshift64* state @p s. */
uint64_t sim_rand(uint64_t *s);
/** Uniform double in [0, 1). */
double sim_rand01(uint64_t *s);

/**
 * Fill @p out with @p nsamp samples of @p a (dim values each, host order,
 * the C type of a->vtype) at times t0 + i * dt (seconds since start).
 */
void sim_signal_fill(const struct sp_attr *a, struct sim_body *b,
		     uint64_t *rng, double t0, double dt, unsigned int nsamp,
		     void *out);

#endif /* SIM_SIGNAL_H */
