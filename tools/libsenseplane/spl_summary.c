/*
 * spl_summary.c - what a handle received, accounted for: every message
 * live, late, recovered by re-request or lost (gone from the buffer or
 * unanswered), duplicates, history fill, per feed and in all
 * (senseplane_stats(), senseplane_summary_json()).
 */
#include "spl_core.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static json_t *feed_json(const struct spl_feed *f)
{
	char session[20];

	snprintf(session, sizeof(session), "%016" PRIx64, f->session);
	return json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I,"
			 " s:f, s:f, s:f, s:I, s:f, s:f, s:f, s:f, s:f, s:f,"
			 " s:f}",
		"feed", f->feed_id, "session", session,
		"packets", (json_int_t)f->packets,
		"heartbeats", (json_int_t)f->heartbeats,
		"messages", (json_int_t)f->messages,
		"live", (json_int_t)f->live,
		"late", (json_int_t)f->late,
		"recovered", (json_int_t)f->recovered,
		"lost_gone", (json_int_t)f->lost_gone,
		"lost_noanswer", (json_int_t)f->lost_noanswer,
		"missing", (json_int_t)(f->lost_gone + f->lost_noanswer),
		"duplicates", (json_int_t)f->dups,
		"gaps", (json_int_t)f->gaps,
		"rereqs", (json_int_t)f->rereqs,
		"rtx_bytes", (json_int_t)f->rtx_bytes,
		"backfill_msgs", (json_int_t)f->backfill_msgs,
		"conflated_msgs", (json_int_t)f->conflated_msgs,
		"ended", f->ended,
		"first_data_ns", (json_int_t)f->first_data_ns,
		"first_ns", (json_int_t)f->first_ns,
		"age_p50_ms", ms(sp_histo_pct(&f->age, 50)),
		"age_p99_ms", ms(sp_histo_pct(&f->age, 99)),
		"age_max_ms", ms(f->age.max_ns),
		"flushes", (json_int_t)f->flush_gap.count,
		"flush_min_ms", ms(f->flush_gap.min_ns),
		"flush_p50_ms", ms(sp_histo_pct(&f->flush_gap, 50)),
		"flush_p99_ms", ms(sp_histo_pct(&f->flush_gap, 99)),
		"flush_max_ms", ms(f->flush_gap.max_ns),
		"recover_p50_ms", ms(sp_histo_pct(&f->recover_ns, 50)),
		"recover_p99_ms", ms(sp_histo_pct(&f->recover_ns, 99)),
		"recover_max_ms", ms(f->recover_ns.max_ns));
}

static json_t *summary(const struct senseplane *v)
{
	uint64_t msgs = 0, hb = 0, gaps = 0, live = 0, late = 0, rec = 0;
	uint64_t gone = 0, noans = 0, rtx = 0, degr = 0;
	json_t *feeds = json_array(), *j;
	struct sp_histo recover = { 0 };
	char digest[20];

	for (unsigned int i = 0; i < v->seq.n; i++) {
		const struct spl_feed *f = &v->seq.feeds[i];

		msgs += f->messages;
		hb += f->heartbeats;
		gaps += f->gaps;
		live += f->live;
		late += f->late;
		rec += f->recovered;
		gone += f->lost_gone;
		noans += f->lost_noanswer;
		rtx += f->rtx_bytes;
		sp_histo_merge(&recover, &f->recover_ns);
		json_array_append_new(feeds, feed_json(f));
	}
	snprintf(digest, sizeof(digest), "%016" PRIx64, v->digest.sum);
	j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:I, s:I, s:I,"
		      " s:I, s:I, s:I, s:I, s:I, s:i, s:I, s:b, s:I, s:I}",
		"packets", (json_int_t)v->packets,
		"heartbeats", (json_int_t)hb,
		"messages", (json_int_t)msgs,
		"samples", (json_int_t)v->samples,
		"unique_samples", (json_int_t)v->digest.samples,
		"digest", digest,
		"gaps", (json_int_t)gaps,
		"missing", (json_int_t)spl_seq_total_missing(&v->seq),
		"duplicates", (json_int_t)spl_seq_total_dups(&v->seq),
		"dup_samples", (json_int_t)v->keys.dup_samples,
		"order_errors", (json_int_t)v->keys.order_errors,
		"version_skips", (json_int_t)v->keys.version_skips,
		"conflated_skips", (json_int_t)v->keys.conflated_skips,
		"bad_packets", (json_int_t)v->bad_packets,
		"keys", (json_int_t)v->keys.n,
		"feeds", v->seq.n,
		"sessions", (json_int_t)v->seq.sessions_seen,
		"ended", spl_seq_all_ended(&v->seq),
		"sensor_min", (json_int_t)v->sensor_min,
		"sensor_max", (json_int_t)v->sensor_max);
	(void)degr;
	json_object_set_new(j, "delivered_live", json_integer((json_int_t)live));
	json_object_set_new(j, "delivered_late", json_integer((json_int_t)late));
	json_object_set_new(j, "recovered_rereq", json_integer((json_int_t)rec));
	json_object_set_new(j, "lost_gone", json_integer((json_int_t)gone));
	json_object_set_new(j, "lost_noanswer", json_integer((json_int_t)noans));
	json_object_set_new(j, "rereq_bytes",
			    json_integer((json_int_t)v->rereq_bytes));
	json_object_set_new(j, "rtx_bytes", json_integer((json_int_t)rtx));
	json_object_set_new(j, "recover_p50_ms",
			    json_real(ms(sp_histo_pct(&recover, 50))));
	json_object_set_new(j, "recover_p99_ms",
			    json_real(ms(sp_histo_pct(&recover, 99))));
	json_object_set_new(j, "recover_max_ms",
			    json_real(ms(recover.max_ns)));
	json_object_set_new(j, "read_lag_p50_ms",
			    json_real(ms(sp_histo_pct(&v->read_lag, 50))));
	json_object_set_new(j, "read_lag_p99_ms",
			    json_real(ms(sp_histo_pct(&v->read_lag, 99))));
	json_object_set_new(j, "read_lag_max_ms",
			    json_real(ms(v->read_lag.max_ns)));
	json_object_set_new(j, "history_samples",
			    json_integer((json_int_t)v->fill.samples));
	json_object_set_new(j, "history_keys",
			    json_integer((json_int_t)v->fill.keys));
	json_object_set_new(j, "history_errors",
			    json_integer((json_int_t)v->fill.errors));
	json_object_set_new(j, "by_feed", feeds);
	return j;
}

char *senseplane_summary_json(const struct senseplane *v)
{
	json_t *j = summary(v);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return s;
}

int senseplane_stats(const struct senseplane *v, struct senseplane_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int i = 0; i < v->seq.n; i++) {
		const struct spl_feed *f = &v->seq.feeds[i];

		s->heartbeats += f->heartbeats;
		s->messages += f->messages;
		s->live += f->live;
		s->late += f->late;
		s->recovered += f->recovered;
		s->lost_gone += f->lost_gone;
		s->lost_noanswer += f->lost_noanswer;
		s->duplicates += f->dups;
		s->gaps += f->gaps;
		s->rereqs += f->rereqs;
	}
	s->packets = v->packets;
	s->bad_packets = v->bad_packets;
	s->samples = v->samples;
	s->rereq_bytes = v->rereq_bytes;
	s->history_samples = v->fill.samples;
	s->history_keys = v->fill.keys;
	s->history_errors = v->fill.errors;
	s->keys = v->keys.n;
	s->order_errors = v->keys.order_errors;
	s->version_skips = v->keys.version_skips;
	s->conflated_skips = v->keys.conflated_skips;
	s->dup_samples = v->keys.dup_samples;
	s->unique_samples = v->digest.samples;
	s->digest = v->digest.sum;
	s->sensor_min = v->sensor_min;
	s->sensor_max = v->sensor_max;
	s->feeds = v->seq.n;
	s->sessions = (unsigned int)v->seq.sessions_seen;
	s->ended = spl_seq_all_ended(&v->seq);
	return 0;
}
