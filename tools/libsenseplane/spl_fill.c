/*
 * spl_fill.c - history fill after a loss (see spl_fill.h).
 */
#include "spl_fill.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "sp_json.h"
#include "sp_time.h"
#include "sp_wire.h"

/* One history sample [t, v0, v1, ...] as a one-sample record. */
static int to_record(const json_t *row, const struct spl_key *k,
		     struct sp_record *r, uint8_t *vals)
{
	double v;

	if (json_array_size(row) != (size_t)k->dim + 1)
		return -1;
	memset(r, 0, sizeof(*r));
	r->attr_id = k->attr;
	r->vtype = k->vtype;
	r->dim = k->dim;
	r->nsamp = 1;
	r->t0_ns = (uint64_t)json_integer_value(json_array_get(row, 0));
	r->values = vals;
	for (unsigned int j = 0; j < k->dim; j++) {
		const json_t *x = json_array_get(row, j + 1);
		float f;
		int32_t i32;
		int64_t i64;

		if (sp_json_get_double(x, &v) < 0)
			return -1;
		switch (k->vtype) {
		case SP_VT_F32: f = (float)v;
			sp_values_encode(SP_VT_F32, 1, &f, vals + 4 * j); break;
		case SP_VT_F64:
			sp_values_encode(SP_VT_F64, 1, &v, vals + 8 * j); break;
		case SP_VT_I32: i32 = (int32_t)v;
			sp_values_encode(SP_VT_I32, 1, &i32, vals + 4 * j); break;
		default: i64 = json_is_integer(x) ? json_integer_value(x)
						  : (int64_t)v;
			sp_values_encode(SP_VT_I64, 1, &i64, vals + 8 * j); break;
		}
	}
	return 0;
}

uint64_t spl_fill_history(struct sp_ctl *ctl, struct spl_keys *t,
			   struct sp_digest *d, uint16_t feed_slot,
			   struct spl_fill_stats *st, spl_fill_emit_fn emit,
			   void *ctx)
{
	uint64_t got = 0;
	uint64_t now = sp_wall_ns();
	char err[256];

	for (uint64_t i = 0; i < t->cap; i++) {
		struct spl_key *k = &t->slots[i];
		json_t *resp, *h, *rows, *row;
		uint64_t first;
		size_t n;

		if (!k->sensor || k->feed_slot != feed_slot)
			continue;
		st->queries++;
		resp = sp_ctl_call(ctl, err, sizeof(err),
				   "history %" PRIu64 "/%u range %" PRIu64
				   " %" PRIu64, k->sensor, k->attr,
				   k->last_t_ns + 1, now);
		h = resp ? json_object_get(resp, "history") : NULL;
		if (h == NULL) {
			st->errors++;
			json_decref(resp);
			continue;
		}
		first = (uint64_t)json_integer_value(json_object_get(h,
							"first_version"));
		rows = json_object_get(h, "samples");
		st->keys += json_array_size(rows) > 0;
		json_array_foreach(rows, n, row) {
			uint8_t vals[SP_MAX_DIM * 8];
			struct sp_record r;

			if (to_record(row, k, &r, vals) == 0 &&
			    spl_keys_sample(t, k, (uint32_t)(first + n), &r,
					    d)) {
				st->samples++;
				got++;
				if (emit)
					emit(ctx, k, (uint32_t)(first + n), &r);
			}
		}
		json_decref(resp);
	}
	return got;
}
