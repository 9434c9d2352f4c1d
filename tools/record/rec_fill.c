/*
 * rec_fill.c - a key's missing samples from the dataplane's history (see
 * rec_fill.h).
 */
#include "rec_fill.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sp_ctl.h"
#include "sp_json.h"

int rec_fill_parse(const json_t *h, const struct rec_key *k, uint32_t kidx,
		   uint64_t after, struct rec_batch *b, struct rec_fill *f,
		   char *err, size_t errlen)
{
	const json_t *samples = json_object_get(h, "samples");
	json_int_t first = json_integer_value(json_object_get(h,
							      "first_version"));
	json_int_t dim = json_integer_value(json_object_get(h, "dim"));
	size_t n = json_array_size(samples);
	struct rec_run *r;

	memset(f, 0, sizeof(*f));
	f->received = (uint64_t)json_integer_value(json_object_get(h,
								   "received"));
	if (!json_is_array(samples) || dim < 1 || dim > 16 || first < 1) {
		snprintf(err, errlen, "history %" PRIu64 "/%u: answer without "
			 "samples, dim or first_version", k->sensor, k->attr);
		return -1;
	}
	f->dim = (uint8_t)dim;
	/* what the ring no longer had between `after` and what it gave */
	if (n > 0)
		f->lost = (uint64_t)first > after + 1 ?
			  (uint64_t)first - after - 1 : 0;
	else
		f->lost = f->received > after ? f->received - after : 0;
	if (n == 0)
		return 0;
	if ((uint64_t)first <= after) {
		snprintf(err, errlen, "history %" PRIu64 "/%u after %" PRIu64
			 ": first_version %" PRId64 " is not after it",
			 k->sensor, k->attr, after, (int64_t)first);
		return -1;
	}
	r = rec_batch_run(b, kidx, k->sensor, k->name, (uint8_t)dim,
			  (uint32_t)n);
	if (r == NULL) {
		snprintf(err, errlen, "history %" PRIu64 "/%u: out of memory",
			 k->sensor, k->attr);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *s = json_array_get(samples, i);
		double *v = b->vals + r->voff + i * (size_t)dim;
		uint64_t t;

		if (!json_is_array(s) || json_array_size(s) != (size_t)dim + 1 ||
		    !json_is_integer(json_array_get(s, 0)))
			goto bad;
		t = (uint64_t)json_integer_value(json_array_get(s, 0));
		b->times[r->toff + i] = rec_ms(t);
		for (json_int_t d = 0; d < dim; d++)
			if (sp_json_get_double(json_array_get(s, (size_t)d + 1), &v[d]) < 0)
				goto bad;
		r->t_last_ns = t;
	}
	r->v_last = (uint64_t)first + n - 1;
	f->n = (uint32_t)n;
	f->v_last = r->v_last;
	f->t_last_ns = r->t_last_ns;
	return 0;
bad:
	/* take the run back: the batch holds only whole answers */
	b->nruns--;
	b->ntimes = r->toff;
	b->nvals = r->voff;
	snprintf(err, errlen, "history %" PRIu64 "/%u: a sample is not "
		 "[t_ns, %d values]", k->sensor, k->attr, (int)dim);
	return -1;
}

int rec_fill_read(struct sp_ctl *ctl, const struct rec_key *k, uint32_t kidx,
		  uint64_t after, struct rec_batch *b, struct rec_fill *f,
		  char *err, size_t errlen)
{
	json_t *resp = sp_ctl_call(ctl, err, errlen, "history %" PRIu64
				   "/%u after %" PRIu64, k->sensor, k->attr,
				   after);
	const char *e;
	int rc;

	memset(f, 0, sizeof(*f));
	if (resp == NULL)
		return -1;
	e = sp_ctl_error(resp);
	if (e) {
		/* a key or sensor the dataplane does not have: nothing to
		 * read (it restarted, or the sensor went) */
		const char *code = json_string_value(json_object_get(resp,
								     "code"));

		if (code && strcmp(code, "refused") == 0) {
			f->gone = 1;
			json_decref(resp);
			return 0;
		}
		snprintf(err, errlen, "history %" PRIu64 "/%u: %s", k->sensor,
			 k->attr, e);
		json_decref(resp);
		return -1;
	}
	rc = rec_fill_parse(json_object_get(resp, "history"), k, kidx, after,
			    b, f, err, errlen);
	json_decref(resp);
	return rc;
}
