/*
 * sim_signal.c - signal shapes for the simulator (see sim_signal.h). The
 * shape is chosen by the attribute's name; an attribute the simulator does
 * not know gets band-limited noise of its type.
 */
#include "sim_signal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sp_wire.h"

uint64_t sim_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

double sim_rand01(uint64_t *s)
{
	return (double)(sim_rand(s) >> 11) * (1.0 / 9007199254740992.0);
}

static double gauss(uint64_t *s)
{
	/* Sum of uniforms: cheap, close enough to normal for sensor noise. */
	return sim_rand01(s) + sim_rand01(s) + sim_rand01(s) - 1.5;
}

void sim_body_init(struct sim_body *b, uint64_t *rng)
{
	b->heart_bpm = 55 + 35 * sim_rand01(rng);
	b->lat = 51.5 + 0.1 * sim_rand01(rng);
	b->lon = -0.2 + 0.2 * sim_rand01(rng);
	b->alt = 20 + 30 * sim_rand01(rng);
	b->heading = 2 * M_PI * sim_rand01(rng);
	b->temp_base = 19 + 6 * sim_rand01(rng);
	b->battery = 60 + 40 * sim_rand01(rng);
	b->phase = 10 * sim_rand01(rng);
}

/* One heartbeat's PQRST complex as a sum of Gaussian bumps, in mV. */
static double ecg_at(double t, double bpm)
{
	static const struct { double at, width, amp; } w[] = {
		{ 0.20, 0.025, 0.12 },   /* P */
		{ 0.34, 0.010, -0.10 },  /* Q */
		{ 0.37, 0.012, 1.20 },   /* R */
		{ 0.40, 0.010, -0.25 },  /* S */
		{ 0.62, 0.040, 0.30 },   /* T */
	};
	double period = 60.0 / bpm, x = fmod(t, period) / period, v = 0;

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		double d = (x - w[i].at) / w[i].width;

		v += w[i].amp * exp(-0.5 * d * d);
	}
	return v;
}

/* Value number @p j (0..dim-1) of attribute @p name at time @p t. */
static double value(const char *name, struct sim_body *b, uint64_t *rng,
		    double t, unsigned int j, double dt)
{
	if (strcmp(name, "ecg") == 0)
		return ecg_at(t + b->phase, b->heart_bpm) + 0.02 * gauss(rng);
	if (strcmp(name, "respiration") == 0)
		return sin(2 * M_PI * 0.25 * (t + b->phase)) + 0.05 * gauss(rng);
	if (strcmp(name, "heartrate") == 0)
		return b->heart_bpm + 8 * sin(t / 60.0) + gauss(rng);
	if (strcmp(name, "accelerometer") == 0)
		return (j == 2 ? 9.81 : 0.0) + 0.3 * gauss(rng);
	if (strcmp(name, "gyroscope") == 0)
		return 0.05 * gauss(rng);
	if (strcmp(name, "geolocation") == 0) {
		if (j == 0) {   /* walk at ~1.4 m/s, turning slowly */
			b->heading += 0.2 * gauss(rng) * dt;
			b->lat += 1.4 * dt * cos(b->heading) / 111111.0;
			b->lon += 1.4 * dt * sin(b->heading) /
				  (111111.0 * cos(b->lat * M_PI / 180));
			return b->lat;
		}
		return j == 1 ? b->lon : b->alt + 0.5 * gauss(rng);
	}
	if (strcmp(name, "temperature") == 0)
		return b->temp_base + 1.5 * sin(t / 600.0) + 0.05 * gauss(rng);
	if (strcmp(name, "humidity") == 0)
		return 45 + 10 * sin(t / 900.0 + b->phase) + 0.2 * gauss(rng);
	if (strcmp(name, "battery") == 0) {
		b->battery = b->battery > 0.01 ? b->battery - 0.01 : 100;
		return b->battery;
	}
	if (strcmp(name, "button") == 0)
		return 1;
	return gauss(rng);
}

void sim_signal_fill(const struct sp_attr *a, struct sim_body *b,
		     uint64_t *rng, double t0, double dt, unsigned int nsamp,
		     void *out)
{
	for (unsigned int i = 0; i < nsamp; i++) {
		for (unsigned int j = 0; j < a->dim; j++) {
			double v = value(a->name, b, rng, t0 + i * dt, j,
					 dt > 0 ? dt : 1.0 / a->rate);
			size_t k = (size_t)i * a->dim + j;

			switch (a->vtype) {
			case SP_VT_F32: ((float *)out)[k] = (float)v; break;
			case SP_VT_F64: ((double *)out)[k] = v; break;
			case SP_VT_I32: ((int32_t *)out)[k] = (int32_t)lrint(v); break;
			default: ((int64_t *)out)[k] = (int64_t)llrint(v); break;
			}
		}
	}
}
