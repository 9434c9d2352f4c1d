/*
 * sim_sched.c - the deadline heap (see sim_sched.h).
 */
#include "sim_sched.h"

#include <stdlib.h>

int sim_sched_init(struct sim_sched *s, size_t cap)
{
	s->h = malloc(cap * sizeof(*s->h));
	s->n = 0;
	s->cap = cap;
	return s->h ? 0 : -1;
}

void sim_sched_free(struct sim_sched *s)
{
	free(s->h);
	s->h = NULL;
}

void sim_sched_push(struct sim_sched *s, uint64_t due_ns, uint32_t stream)
{
	size_t i = s->n++;

	while (i > 0) {
		size_t up = (i - 1) / 2;

		if (s->h[up].due_ns <= due_ns)
			break;
		s->h[i] = s->h[up];
		i = up;
	}
	s->h[i] = (struct sim_sched_item){ due_ns, stream };
}

void sim_sched_retime(struct sim_sched *s, uint64_t due_ns)
{
	struct sim_sched_item it = { due_ns, s->h[0].stream };
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= s->n)
			break;
		if (c + 1 < s->n && s->h[c + 1].due_ns < s->h[c].due_ns)
			c++;
		if (s->h[c].due_ns >= due_ns)
			break;
		s->h[i] = s->h[c];
		i = c;
	}
	s->h[i] = it;
}
