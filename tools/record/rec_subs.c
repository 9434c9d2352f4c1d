/*
 * rec_subs.c - the recording viewer and its subscriptions (see rec_subs.h).
 */
#include "rec_subs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_ctl.h"

/* Sensors are paged this many at a time (CONTROL.md allows 20 000). */
#define PAGE 20000

struct rec_subs {
	char name[64], lens[64], level[16];
	const struct rec_spec *spec;
	const struct sp_catalog *cat;
	uint64_t *set;             /* sensors subscribed: open addressing,
				    * 0 empty */
	uint64_t n, cap;           /* cap a power of two */
};

struct rec_subs *rec_subs_create(const struct rec_subs_params *p)
{
	struct rec_subs *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	snprintf(s->name, sizeof(s->name), "%s", p->name);
	snprintf(s->lens, sizeof(s->lens), "%s", p->lens);
	snprintf(s->level, sizeof(s->level), "%s", p->level);
	s->spec = p->spec;
	s->cat = p->cat;
	s->cap = 4096;
	s->set = calloc(s->cap, sizeof(*s->set));
	if (s->set == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void rec_subs_free(struct rec_subs *s)
{
	if (s == NULL)
		return;
	free(s->set);
	free(s);
}

static uint64_t *set_slot(uint64_t *set, uint64_t cap, uint64_t id)
{
	uint64_t m = cap - 1, i = ((id * 0x9e3779b97f4a7c15ull) >> 17) & m;

	while (set[i] != 0 && set[i] != id)
		i = (i + 1) & m;
	return &set[i];
}

/* @return 1 when @p id was added now, 0 when it was there, -1 (memory). */
static int set_add(struct rec_subs *s, uint64_t id)
{
	uint64_t *sl = set_slot(s->set, s->cap, id);

	if (*sl == id)
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		uint64_t nc = s->cap * 2, *ns = calloc(nc, sizeof(*ns));

		if (ns == NULL)
			return -1;
		for (uint64_t i = 0; i < s->cap; i++)
			if (s->set[i])
				*set_slot(ns, nc, s->set[i]) = s->set[i];
		free(s->set);
		s->set = ns;
		s->cap = nc;
		sl = set_slot(s->set, s->cap, id);
	}
	*sl = id;
	s->n++;
	return 1;
}

static void set_del(struct rec_subs *s, uint64_t id)
{
	/* rebuild without it: a refusal is rare */
	uint64_t *ns = calloc(s->cap, sizeof(*ns));

	if (ns == NULL)
		return;
	for (uint64_t i = 0; i < s->cap; i++)
		if (s->set[i] && s->set[i] != id)
			*set_slot(ns, s->cap, s->set[i]) = s->set[i];
	free(s->set);
	s->set = ns;
	s->n--;
}

uint64_t rec_subs_count(const struct rec_subs *s)
{
	return s ? s->n : 0;
}

void rec_subs_forget(struct rec_subs *s)
{
	memset(s->set, 0, s->cap * sizeof(*s->set));
	s->n = 0;
}

/* The viewer called s->name in `viewer ls`, or NULL. */
static const json_t *find_viewer(const json_t *resp, const char *name)
{
	const json_t *list = json_object_get(resp, "viewers"), *v;
	size_t i;

	json_array_foreach(list, i, v) {
		const char *n = json_string_value(json_object_get(v, "name"));

		if (n && strcmp(n, name) == 0)
			return v;
	}
	return NULL;
}

int rec_subs_viewer(struct rec_subs *s, struct sp_ctl *ctl, char *err,
		    size_t errlen)
{
	json_t *r = sp_ctl_call(ctl, err, errlen, "viewer add %s %s %s record",
				s->name, s->lens, s->level);
	const json_t *v;
	const char *e, *dest;
	int rc = -1;

	if (r == NULL)
		return -1;
	e = sp_ctl_error(r);
	if (e == NULL) {
		json_decref(r);
		return 0;
	}
	if (strstr(e, "exists") == NULL) {
		snprintf(err, errlen, "viewer add %s %s: %s", s->name, s->lens,
			 e);
		json_decref(r);
		return -1;
	}
	json_decref(r);
	/* a previous run's (kill -9 leaves it): take it if it is ours */
	r = sp_ctl_call(ctl, err, errlen, "viewer ls");
	if (r == NULL)
		return -1;
	v = find_viewer(r, s->name);
	dest = v ? json_string_value(json_object_get(v, "dest")) : NULL;
	if (v && json_is_true(json_object_get(v, "record")) && dest &&
	    strcmp(dest, s->lens) == 0)
		rc = 0;
	else
		snprintf(err, errlen, "viewer '%s' exists and is not this "
			 "recorder's (dest %s, %s): choose another --name",
			 s->name, dest ? dest : "?",
			 v && json_is_true(json_object_get(v, "record")) ?
			 "recording" : "not recording");
	json_decref(r);
	return rc;
}

int rec_subs_viewer_rm(struct rec_subs *s, struct sp_ctl *ctl, char *err,
		       size_t errlen)
{
	json_t *r = sp_ctl_call(ctl, err, errlen, "viewer rm %s", s->name);
	const char *e;

	if (r == NULL)
		return -1;
	e = sp_ctl_error(r);
	if (e)
		snprintf(err, errlen, "viewer rm %s: %s", s->name, e);
	json_decref(r);
	return e ? -1 : 0;
}

/* Subscribe sensor @p id: every attribute, or each chosen one. */
static int subscribe(struct rec_subs *s, struct sp_ctl *ctl, uint64_t id,
		     char *err, size_t errlen, int *refused)
{
	unsigned int n = s->spec->nattrs ? s->spec->nattrs : 1;

	for (unsigned int i = 0; i < n; i++) {
		char key[48];
		const char *e;
		json_t *r;

		if (s->spec->nattrs)
			snprintf(key, sizeof(key), "%" PRIu64 "/%u", id,
				 s->spec->attr[i]);
		else
			snprintf(key, sizeof(key), "%" PRIu64, id);
		r = sp_ctl_call(ctl, err, errlen, "sub add %s %s %s", s->name,
				key, s->level);
		if (r == NULL)
			return -1;
		e = sp_ctl_error(r);
		if (e) {
			snprintf(err, errlen, "sub add %s %s: %s", s->name,
				 key, e);
			*refused = 1;
		}
		json_decref(r);
	}
	return 0;
}

int rec_subs_scan(struct rec_subs *s, struct sp_ctl *ctl, unsigned int *added,
		  unsigned int *refused, char *err, size_t errlen)
{
	uint64_t from = 0;
	int more = 1;

	*added = *refused = 0;
	while (more) {
		json_t *r = sp_ctl_call(ctl, err, errlen, "sensors %d %" PRIu64
					" brief", PAGE, from);
		const json_t *flat;
		const char *e;

		if (r == NULL)
			return -1;
		e = sp_ctl_error(r);
		if (e) {
			snprintf(err, errlen, "sensors: %s", e);
			json_decref(r);
			return -1;
		}
		flat = json_object_get(r, "brief");
		/* four integers a sensor: id, worker, age_ms, idle */
		for (size_t i = 0; i + 3 < json_array_size(flat); i += 4) {
			uint64_t id = (uint64_t)json_integer_value(
				json_array_get(flat, i));
			int bad = 0, rc;

			if (!rec_spec_sensor(s->spec, id))
				continue;
			rc = set_add(s, id);
			if (rc <= 0)
				continue;
			if (subscribe(s, ctl, id, err, errlen, &bad) < 0) {
				set_del(s, id);
				json_decref(r);
				return -1;
			}
			if (bad) {
				set_del(s, id);   /* again at the next scan */
				(*refused)++;
			} else {
				(*added)++;
			}
		}
		more = json_is_true(json_object_get(r, "more"));
		from = (uint64_t)json_integer_value(json_object_get(r, "next"));
		json_decref(r);
	}
	return 0;
}

uint64_t rec_subs_session(struct sp_ctl *ctl, char *err, size_t errlen)
{
	json_t *r = sp_ctl_call(ctl, err, errlen, "ping");
	const char *hex;
	uint64_t session = 0;

	if (r == NULL)
		return 0;
	hex = json_string_value(json_object_get(r, "session"));
	if (hex == NULL || sscanf(hex, "%" SCNx64, &session) != 1 ||
	    session == 0)
		snprintf(err, errlen, "ping: no session in the answer");
	json_decref(r);
	return session;
}
