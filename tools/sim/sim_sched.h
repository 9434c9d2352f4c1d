/*
 * sim_sched.h - a binary min-heap of stream deadlines: which (sensor,
 * attribute) stream sends its next record first.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct sim_sched_item {
	uint64_t due_ns;
	uint32_t stream;
};

struct sim_sched {
	struct sim_sched_item *h;
	size_t n, cap;
};

/** @return 0, or -1 when out of memory. */
int sim_sched_init(struct sim_sched *s, size_t cap);
void sim_sched_free(struct sim_sched *s);
/** Add (the heap has room for cap items). */
void sim_sched_push(struct sim_sched *s, uint64_t due_ns, uint32_t stream);
/** The earliest item; the heap must not be empty. */
static inline const struct sim_sched_item *
sim_sched_top(const struct sim_sched *s)
{
	return &s->h[0];
}
/** Move the earliest item to @p due_ns (cheaper than pop + push). */
void sim_sched_retime(struct sim_sched *s, uint64_t due_ns);

#endif /* SIM_SCHED_H */
