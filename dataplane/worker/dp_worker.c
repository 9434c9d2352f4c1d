/*
 * dp_worker.c - the poll loop: mailbox, RX burst, classify, hand off or
 * apply, route, timers. After start-up the loop allocates nothing but
 * mbufs and never logs. It takes one lock, and only on a sensor's first
 * packet on this worker when several workers own sensors by queue
 * (dataplane.owner_by_queue): the owners directory's spinlock
 * (dp_owners_claim), held for one hash insert; a known sensor's lookup
 * takes none. Its one system call besides the PMD's is a nap:
 * with dataplane.idle_sleep_us set, after 64 turns without a packet it
 * sleeps that long (nanosleep, at most 1 ms); with 0, the default, it
 * only polls.
 */
#include "dp_worker.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <time.h>

#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include "dp_limits.h"
#include "dp_mailbox.h"
#include "dp_net6.h"
#include "dp_notify.h"
#include "dp_outputs.h"
#include "dp_owners.h"
#include "dp_rereq.h"
#include "sp_bytes.h"
#include "sp_rereq.h"

#define TICK_MS 100
#define MBOX_SIZE 4096

/* Records in the largest packet (MTU 9000): 8984 / (20 + 4). */
#define MAX_RECS 384
#define MBOX_PER_TURN 16
/* Below this much history the keys, routes and outs stay in the caches
 * (32 MB: this machine's L3) and prefetching routes is work for nothing
 * (pinned high at 1 000 sensors: about 3 % slower with it); beyond it,
 * B2 x100 (564 MB) took 25 % more samples a second with it. */
#define ROUTES_MIN_HISTORY ((size_t)32 << 20)

/* All-or-nothing: check every record against the catalogue and find or
 * make its key before any is applied. @return 0 or the drop counter. */
static int resolve_keys(struct dp_worker *w, struct dp_sensor *s,
			const struct sp_sensor_pkt *pkt, struct dp_key **keys,
			uint32_t *nsamp, uint64_t **drop)
{
	const struct sp_catalog *cat = w->sh->cat;
	struct dp_stats *st = w->stats;
	struct sp_record tmp;
	uint32_t off = 0;
	unsigned int i = 0;
	int created;

	for (; i < pkt->nrec;) {
		const struct sp_record *r = sp_sensor_rec(pkt, i, &off, &tmp);
		const struct sp_attr *a = sp_catalog_get(cat, r->attr_id);

		if (a == NULL) {
			*drop = &st->dp_drop[DP_DROP_ATTR_UNKNOWN];
			return -1;
		}
		if (a->vtype != r->vtype || a->dim != r->dim) {
			*drop = &st->dp_drop[DP_DROP_ATTR_SHAPE];
			return -1;
		}
		if (i == MAX_RECS)
			goto full;
		*nsamp += r->nsamp;
		/* A sensor's first keys are in its first two cache lines; the
		 * rest on its own list, which beats a second hash lookup per
		 * record (measured: B1 in RESULTS.md). */
		keys[i] = NULL;
		for (unsigned int j = 0; j < s->nkeys &&
		     j < DP_SENSOR_FAST_KEYS; j++) {
			if (s->fast_attr[j] == r->attr_id) {
				keys[i] = s->fast_key[j];
				break;
			}
		}
		if (keys[i] == NULL && s->nkeys > DP_SENSOR_FAST_KEYS) {
			/* the list is newest first: the fast keys, the
			 * sensor's first ones, are its tail, already seen */
			struct dp_key *k = s->keys;

			for (unsigned int j = DP_SENSOR_FAST_KEYS; j < s->nkeys;
			     j++, k = k->sensor_next) {
				if (k->attr_id == r->attr_id) {
					keys[i] = k;
					break;
				}
			}
		}
		if (keys[i]) {
			i++;
			continue;
		}
		keys[i] = dp_table_key(w->table, s, a, &created);
		if (keys[i] == NULL) {
			if (created == DP_KEY_NO_HISTORY)
				st->history_full++;
			goto full;
		}
		if (created) {
			st->keys++;
			s->meter_prof = 0;  /* its rate limit changes */
			/* interests may have named it before it existed */
			if (s->interests)
				dp_attn_key(&w->attn, s, keys[i], w->now_ns);
		}
		i++;
	}
	return 0;
full:
	*drop = &st->dp_drop[DP_DROP_TABLE_FULL];
	return -1;
}

/* The replay window of keyed sensor @p s: 0 to go on, or the drop. A
 * sensor silent for replay_reset_s (since its last accepted packet) may
 * have restarted its counter: its window starts again. */
static int replay_check(struct dp_worker *w, struct dp_sensor *s, uint32_t seq)
{
	uint64_t reset = w->sh->replay_reset_tsc;

	if (reset && s->replay.valid && w->now_tsc - s->last_tsc >= reset) {
		dp_replay_reset(&s->replay);
		w->stats->replay_resets++;
	}
	switch (dp_replay_check(&s->replay, seq)) {
	case DP_REPLAY_SEEN:
		return DP_DROP_REPLAY;
	case DP_REPLAY_OLD:
		return DP_DROP_REPLAY_OLD;
	default:
		return 0;
	}
}

/* Apply a sensor packet from @p info, whose source has policy @p pol
 * (DP_POL_*, its ACL already passed). @return -1 when done with it, or
 * the worker to hand it to: with ownership by queue, another worker
 * claimed its new sensor first. */
static int sensor_rx(struct dp_worker *w, const struct dp_rx_info *info,
		     struct dp_sensor *hint, uint32_t pol, int from_ring)
{
	struct dp_stats *st = w->stats;
	struct dp_key *keys[MAX_RECS];
	struct sp_sensor_pkt pkt;
	struct dp_sensor *s;
	struct sp_record tmp;
	struct sp_mackeys *keyring;
	uint64_t *drop;
	enum sp_drop why;
	uint32_t off = 0, nsamp = 0;
	unsigned int i = 0;
	int created, reason;

	keyring = __atomic_load_n(&w->sh->keys, __ATOMIC_ACQUIRE);
	/* no keys file: no key lookup at all */
	why = sp_sensor_parse(info->payload, info->len,
			      keyring ? sp_mackeys_lookup : NULL, keyring,
			      (pol & DP_POL_MAC) ? SP_PARSE_REQUIRE_MAC : 0,
			      &pkt);
	if (why != SP_OK) {
		st->proto_drop[why]++;
		return -1;
	}
	if (hint && hint->id == pkt.sensor_id) {
		s = hint;
	} else {
		s = w->sh->owners && !from_ring ?
		    dp_table_sensor_find(w->table, pkt.sensor_id) : NULL;
		if (w->sh->owners && !from_ring && s == NULL) {
			/* new here: ours unless another worker has it (a
			 * full directory leaves it here) */
			int o = dp_owners_claim(w->sh->owners, pkt.sensor_id,
						w->idx);

			if (o >= 0 && (unsigned int)o != w->idx)
				return o;
		}
		if (s == NULL)
			s = dp_table_sensor(w->table, pkt.sensor_id, &created);
	}
	if (s == NULL) {
		st->dp_drop[DP_DROP_TABLE_FULL]++;
		return -1;
	}
	if (w->sh->cfg->bind_source && s->bound_ip &&
	    s->bound_ip != info->src_ip) {
		st->dp_drop[DP_DROP_SOURCE_BOUND]++;
		return -1;
	}
	if (pkt.key_used) {
		reason = replay_check(w, s, pkt.seq);
		if (reason) {
			st->dp_drop[reason]++;
			return -1;
		}
	} else if (s->have_seq && pkt.seq == s->last_seq) {
		st->dp_drop[DP_DROP_SEQ_DUP]++;
		return -1;
	}
	if (resolve_keys(w, s, &pkt, keys, &nsamp, &drop) < 0) {
		(*drop)++;
		return -1;
	}
	if (w->limits.factor > 0 &&
	    dp_limits_sensor(&w->limits, w->sh->cat, s, nsamp, w->now_tsc)) {
		st->dp_drop[DP_DROP_RATE_SENSOR]++;
		return -1;
	}
	/* accepted: nothing below drops it */
	if (pkt.key_used) {
		dp_replay_mark(&s->replay, pkt.seq);
		if (pkt.key_used == 2)
			st->mac_second_key++;
	}
	if (w->sh->cfg->bind_source && s->bound_ip == 0)
		s->bound_ip = info->src_ip;
	if (!s->seen) {
		s->seen = 1;
		s->first_tsc = w->now_tsc;
		st->sensors++;
		s->untold = dp_notify_event(w, s, DP_EV_SEEN) != 0;
	} else if (unlikely(s->idle | s->untold)) {
		/* back from idle, or its event was refused: (again) */
		s->idle = 0;
		if (dp_notify_event(w, s, DP_EV_SEEN) == 0) {
			st->events_retold += s->untold;
			s->untold = 0;
		} else {
			s->untold = 1;
		}
	}
	if (s->have_seq) {
		uint32_t gap = pkt.seq - s->last_seq - 1;

		if (gap < (1u << 31))  /* forward jump; older ones are reorders */
			st->seq_gaps += gap;
	}
	s->have_seq = 1;
	s->last_seq = pkt.seq;
	s->last_tsc = w->now_tsc;
	s->pkts++;
	s->flags = pkt.flags;
	s->src_port = info->src_port;
	memcpy(s->src_mac, info->src_mac, 6);
	if (unlikely(info->src_ip6 != NULL)) {
		/* IPv6: the address in the cold lines; hints and answers
		 * read it by src_v6 */
		s->src_ip = 0;
		s->src_v6 = 1;
		s->src6_to = info->dst6_idx;
		memcpy(s->src_ip6, info->src_ip6, 16);
	} else {
		s->src_ip = info->src_ip;
		s->src_v6 = 0;
	}
	for (; i < pkt.nrec; i++) {
		const struct sp_record *r = sp_sensor_rec(&pkt, i, &off, &tmp);
		struct dp_key *k = keys[i];

		k->version += r->nsamp;
		k->last_t_ns = r->t0_ns + (uint64_t)(r->nsamp - 1) * r->dt_ns;
		k->rx_ns = w->now_ns;
		dp_history_push_record(&k->hist, r);
		if (w->flags & DP_F_ATTENTION) {
			if (k->routes)   /* a key nobody routes: history only */
				dp_router_sample(&w->router, k, r, w->now_ns);
		} else {
			dp_outputs_broadcast(w, pkt.sensor_id, k->version, r);
		}
	}
	/* counted once a packet: resolve_keys summed its samples */
	st->records_in += pkt.nrec;
	st->samples_in += nsamp;
	s->samples += nsamp;
	st->sensor_pkts++;
	if (pkt.flags & SP_SFLAG_HINT)
		dp_notify_hint(w, s, 0);
	return -1;
}

/* The checks by source address, before anything of the packet is read:
 * @return its policy (DP_POL_*), or -1 when it is dropped (counted). */
static int64_t source_check(struct dp_worker *w, const struct dp_rx_info *info)
{
	uint32_t pol = dp_policy_of(&w->sh->policy,
				    rte_be_to_cpu_32(info->src_ip));

	if (pol & DP_POL_DENY) {
		w->stats->dp_drop[DP_DROP_ACL]++;
		return -1;
	}
	if (w->limits.src &&
	    dp_limits_source(&w->limits, info->src_ip, w->now_tsc)) {
		w->stats->dp_drop[DP_DROP_RATE_SOURCE]++;
		return -1;
	}
	return pol;
}

/* source_check() of an IPv6 source. The ACL and require_mac_from lists
 * are IPv4 prefixes: an IPv6 source is an address none of them holds, and
 * gets the policy's default (refused when security.allow lists anything).
 * The source rate limit meters its /64, as a host may take any address
 * in it. */
static int64_t source_check6(struct dp_worker *w,
			     const struct dp_rx_info *info)
{
	uint32_t pol = w->sh->policy.dflt;

	if (pol & DP_POL_DENY) {
		w->stats->dp_drop[DP_DROP_ACL]++;
		return -1;
	}
	if (w->limits.src &&
	    dp_limits_source(&w->limits,
			     rte_cpu_to_be_32(dp_net6_fold(info->src_ip6, 8)),
			     w->now_tsc)) {
		w->stats->dp_drop[DP_DROP_RATE_SOURCE]++;
		return -1;
	}
	return pol;
}

static void tx_reply(struct dp_worker *w, struct rte_mbuf *m)
{
	if (rte_eth_tx_burst(w->port_id, w->queue_id, &m, 1) == 0) {
		w->stats->tx_drops++;
		rte_pktmbuf_free(m);
	}
}

/* Keep @p m for worker @p o, whose it is: handed over at the end of the
 * burst (flush_handoff), one ring operation per owner. */
static void hand_off(struct dp_worker *w, struct rte_mbuf *m, unsigned int o)
{
	w->ho_pkts[w->ho_n] = m;
	w->ho_dst[w->ho_n++] = (uint8_t)o;
}

/* What this burst kept for other workers, one enqueue per owner; what a
 * full ring does not take is dropped, counted. */
static void flush_handoff(struct dp_worker *w)
{
	struct rte_mbuf *batch[DP_MAX_BURST];
	unsigned int n = w->ho_n;

	for (unsigned int o = 0; n && o < w->sh->nworkers; o++) {
		unsigned int k = 0, sent;

		for (unsigned int i = 0; i < w->ho_n; i++)
			if (w->ho_dst[i] == o)
				batch[k++] = w->ho_pkts[i];
		if (k == 0)
			continue;
		n -= k;
		sent = rte_ring_mp_enqueue_burst(w->sh->workers[o]->ring,
						 (void **)batch, k, NULL);
		w->stats->handoff_out += sent;
		if (sent < k) {
			w->stats->dp_drop[DP_DROP_RING_FULL] += k - sent;
			rte_pktmbuf_free_bulk(batch + sent, k - sent);
		}
	}
	w->ho_n = 0;
}

static void handle(struct dp_worker *w, struct rte_mbuf *m, int from_ring,
		   struct dp_sensor *hint)
{
	struct dp_stats *st = w->stats;
	struct dp_rx_info info;
	unsigned int why = 0;

	int64_t pol;
	int to;

	switch (dp_net_classify(w->sh->net, m, &info, &why)) {
	case DP_RX_SENSOR6:
		/* as below; dp_net_classify6() set info.src_ip6 */
		pol = from_ring ? (int64_t)w->sh->policy.dflt
				: source_check6(w, &info);
		goto sensor;
	case DP_RX_SENSOR:
		/* the worker that received it checks its source; the owner
		 * needs only the MAC policy */
		pol = from_ring ? dp_policy_of(&w->sh->policy,
					       rte_be_to_cpu_32(info.src_ip))
				: source_check(w, &info);
		info.src_ip6 = NULL;
sensor:
		if (pol < 0)
			break;
		if (!from_ring && w->sh->nworkers > 1 &&
		    info.len >= SP_SHDR_LEN) {
			/* by queue: a sensor in our table is ours; one that
			 * is not may be another's (its flow moved, or came
			 * through a gateway) */
			uint64_t id = sp_get64(info.payload + 8);
			int o = w->sh->owners == NULL ?
				(int)dp_owner(id, w->sh->nworkers) :
				hint ? (int)w->idx :
				dp_owners_get(w->sh->owners, id);

			if (o >= 0 && (unsigned int)o != w->idx) {
				hand_off(w, m, (unsigned int)o);
				return;
			}
		}
		to = sensor_rx(w, &info, hint, (uint32_t)pol, from_ring);
		if (to >= 0) {
			hand_off(w, m, (unsigned int)to);
			return;
		}
		break;
	case DP_RX_REREQ:
		/* the worker whose session is asked for answers: sessions
		 * of this run carry the worker in their low byte */
		if (!from_ring && w->sh->nworkers > 1 &&
		    info.len == SP_REREQ_LEN) {
			uint64_t ses = sp_get64(info.payload + 8);
			unsigned int o = (unsigned int)(ses & 0xff);

			if ((ses & ~(uint64_t)0xff) ==
			    (w->sh->session & ~(uint64_t)0xff) &&
			    o < w->sh->nworkers && o != w->idx) {
				hand_off(w, m, o);
				return;
			}
		}
		dp_rereq_rx(w, &info);
		break;
	case DP_RX_ARP:
		if (dp_net_arp_reply(w->sh->net, m) == 0) {
			st->arp_replies++;
			tx_reply(w, m);
			return;
		}
		st->ignored++;
		break;
	case DP_RX_ICMP:
		if (dp_net_icmp_reply(w->sh->net, m) == 0) {
			st->icmp_replies++;
			tx_reply(w, m);
			return;
		}
		st->ignored++;
		break;
	case DP_RX_ICMP6:
		switch (dp_net6_icmp_reply(w->sh->net, m)) {
		case DP_ICMP6_NA:
			st->nd_replies++;
			tx_reply(w, m);
			return;
		case DP_ICMP6_ECHO:
			st->icmp6_replies++;
			tx_reply(w, m);
			return;
		default:
			st->ignored++;
		}
		break;
	case DP_RX_IGNORE:
		st->ignored++;
		break;
	case DP_RX_DROP:
		st->dp_drop[why]++;
		break;
	}
	/* nothing of it is read after this burst: freed with the rest */
	w->to_free[w->nfree++] = m;
}

/* Free what the burst is done with, in one call (one mempool put). */
static inline void free_done(struct dp_worker *w)
{
	if (w->nfree) {
		rte_pktmbuf_free_bulk(w->to_free, w->nfree);
		w->nfree = 0;
	}
}

/*
 * The sensors of the burst's packets this worker owns, looked up together
 * before any packet is applied: rte_hash prefetches every bucket of the
 * set before comparing any, and each sensor found is prefetched, so
 * sensor_rx() finds it in cache. A miss (a sensor new in this burst, or a
 * packet the peek does not recognise) leaves NULL: sensor_rx() then looks
 * it up itself.
 */
static __rte_noinline void lookup_burst(struct dp_worker *w,
					struct rte_mbuf **pkts, uint16_t n,
					struct dp_sensor **hint)
{
	const struct dp_net *net = w->sh->net;
	uint64_t ids[RTE_HASH_LOOKUP_BULK_MAX];
	struct dp_sensor *found[RTE_HASH_LOOKUP_BULK_MAX];
	uint16_t at[RTE_HASH_LOOKUP_BULK_MAX];

	for (uint16_t base = 0; base < n; base += RTE_HASH_LOOKUP_BULK_MAX) {
		uint16_t end = RTE_MIN(n, base + RTE_HASH_LOOKUP_BULK_MAX);
		unsigned int m = 0;

		for (uint16_t i = base; i < end; i++) {
			hint[i] = NULL;
			if (!dp_net_peek_sensor_id(net, pkts[i], &ids[m]))
				continue;
			if (w->sh->nworkers > 1 && w->sh->owners == NULL &&
			    dp_owner(ids[m], w->sh->nworkers) != w->idx)
				continue;
			at[m++] = i;
		}
		if (m == 0)
			continue;
		dp_table_sensor_bulk(w->table, ids, m, found);
		for (unsigned int j = 0; j < m; j++) {
			hint[at[j]] = found[j];
			if (found[j]) {
				rte_prefetch0(found[j]);
				rte_prefetch0((const char *)found[j] + 64);
			}
		}
	}
}

/*
 * The burst as stages (HOTPATH.md): each stage runs over the whole burst
 * and prefetches what the next one reads, so that the misses of the
 * burst's packets overlap instead of queueing one packet after another
 * (a stage over 32 packets lasts longer than a miss). S0 asks for every
 * packet's data; S1 (lookup_burst) looks the sensor ids up together and
 * asks for each sensor's two hot lines; S2-S7 below only read and
 * prefetch. The apply stage (handle) then does every check and write in
 * the packets' order, as before. Each stage is one call a burst, kept
 * out of line so that a profile shows what each one costs.
 */

/* The first record's attribute id of a packet whose sensor id
 * dp_net_peek_sensor_id() read, or 0 (too short to hold one). */
static inline uint16_t peek_first_attr(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	if (rte_pktmbuf_data_len(m) < DP_NET_HDR_LEN + SP_SHDR_LEN + 2)
		return 0;
	return sp_get16(p + DP_NET_HDR_LEN + SP_SHDR_LEN);
}

/* S2: the key of each packet's first record, found in its sensor's lines
 * (S1 asked for them), asked for in turn. A key beyond the sensor's fast
 * ones, or not made yet, is left to the apply stage. */
static __rte_noinline void stage_keys(struct rte_mbuf **pkts, uint16_t n,
				      struct dp_sensor *const *hint,
				      struct dp_key **kp)
{
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_sensor *s = hint[i];
		uint16_t attr;

		kp[i] = NULL;
		if (s == NULL)
			continue;
		attr = peek_first_attr(pkts[i]);
		for (unsigned int j = 0; j < s->nkeys &&
		     j < DP_SENSOR_FAST_KEYS; j++) {
			if (s->fast_attr[j] == attr) {
				kp[i] = s->fast_key[j];
				rte_prefetch0(kp[i]);
				rte_prefetch0((const char *)kp[i] + 64);
				break;
			}
		}
	}
}

/* S3: from each key's lines (S2 asked for them), the history chunk its
 * sample goes into and the sample's slot, for writing; with @p routed the
 * key's first route. */
static __rte_noinline void stage_slots(struct dp_key *const *kp, uint16_t n,
				       int routed)
{
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_key *k = kp[i];
		const void *slot;

		if (k == NULL)
			continue;
		slot = dp_history_next_slot(&k->hist);
		if (slot) {
			rte_prefetch0_write(k->hist.cur);
			rte_prefetch0_write(slot);
		}
		if (routed && k->routes)
			rte_prefetch0(k->routes);
	}
}

/* S4: the out each key's first route leads to (S3 asked for the route);
 * the router counts on the out's first two lines (its dirty lists, its
 * offered counters). And the key's second route: at B2 x100 most keys
 * have two (their tier's and a viewer's lens), and the router reached
 * the second through the first, one more miss in the apply stage. */
static __rte_noinline void stage_outs(struct dp_key *const *kp, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_route *rt = kp[i] ? kp[i]->routes : NULL;

		if (rt) {
			rte_prefetch0(rt->out);
			rte_prefetch0((const char *)rt->out + 64);
			if (rt->key_next)
				rte_prefetch0(rt->key_next);
		}
	}
}

/* S5: the out of each key's second route (S4 asked for the route). With
 * dirty vectors (switch dirtyvec), also the block a mark of the first
 * route appends to: its out's newest for the route's cadence, named in
 * the out's first line, which S4 asked for. With @p deep
 * (switches.routes3) the third route too, for S6. */
static __rte_noinline void stage_outs2(struct dp_key *const *kp, uint16_t n,
				       int vec, int deep)
{
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_route *rt = kp[i] ? kp[i]->routes : NULL;
		const struct dp_dirty_blk *b;

		if (rt == NULL)
			continue;
		if (vec && !rt->dirty && (rt->level == SP_LEVEL_MEDIUM ||
					  rt->level == SP_LEVEL_LOW)) {
			b = rt->out->dvec[rt->level == SP_LEVEL_MEDIUM ?
					  DP_CAD_MEDIUM : DP_CAD_LOW];
			if (b)
				rte_prefetch0_write(b);
		}
		if ((rt = rt->key_next) != NULL) {
			rte_prefetch0(rt->out);
			rte_prefetch0((const char *)rt->out + 64);
			if (deep && rt->key_next)
				rte_prefetch0(rt->key_next);
		}
	}
}

/*
 * switches.routes3: a key's third and later routes in flight too. At B2
 * x100 two routed keys in five have more than two (the tier's route and
 * one per viewer's lens); without this the router meets each such route,
 * then its out, as misses one after the other in the apply stage.
 */

/* Route @p hop (1: the first) of @p k, or NULL. The routes before it were
 * asked for by earlier stages: the walk reads lines in cache. */
static inline const struct dp_route *route_at(const struct dp_key *k,
					      unsigned int hop)
{
	const struct dp_route *rt = k ? k->routes : NULL;

	while (rt && --hop)
		rt = rt->key_next;
	return rt;
}

/* The two lines of @p rt's out that the router reads, and the route after
 * it. @return that next route, or NULL. */
static inline const struct dp_route *ask_out_next(const struct dp_route *rt)
{
	rte_prefetch0(rt->out);
	rte_prefetch0((const char *)rt->out + 64);
	if (rt->key_next)
		rte_prefetch0(rt->key_next);
	return rt->key_next;
}

/* S6, S7: the out of each key's route @p hop (the stage before asked for
 * the route) and the route after it. */
static __rte_noinline void stage_outs_at(struct dp_key *const *kp, uint16_t n,
					 unsigned int hop)
{
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_route *rt = route_at(kp[i], hop);

		if (rt)
			ask_out_next(rt);
	}
}

/* Routes past the fourth (S7 asked for the fifth), asked for in the apply
 * stage two packets ahead: a handful of keys have them, so no stage of
 * their own. Each hop past the fifth waits on the line the hop before
 * asked for, hence the bound; the router walks the rest alone. */
#define DEEP_FIRST 5
#define DEEP_LAST 7

static inline void prefetch_deep(const struct dp_key *k)
{
	const struct dp_route *rt = route_at(k, DEEP_FIRST);

	for (unsigned int hop = DEEP_FIRST; rt && hop <= DEEP_LAST; hop++)
		rt = ask_out_next(rt);
}

/*
 * switches.staged off: the interleaved prefetch the stages replaced, kept
 * to measure them against in the same run (b2.sh --x100 alternates the
 * switch). Each helper reads lines prefetched one to four packets
 * earlier, less than a miss here, so the helpers themselves wait.
 */
#define PREFETCH_AHEAD 4
#define SLOTS_AHEAD 2

static inline void prefetch_keys(const struct dp_sensor *s)
{
	if (s == NULL)
		return;
	for (unsigned int j = 0; j < s->nkeys && j < DP_SENSOR_FAST_KEYS; j++) {
		rte_prefetch0(s->fast_key[j]);
		rte_prefetch0((const char *)s->fast_key[j] + 64);
	}
}

static inline void prefetch_slots(const struct dp_sensor *s)
{
	if (s == NULL)
		return;
	for (unsigned int j = 0; j < s->nkeys && j < DP_SENSOR_FAST_KEYS; j++) {
		const struct dp_history *h = &s->fast_key[j]->hist;
		const void *slot = dp_history_next_slot(h);

		if (slot) {
			rte_prefetch0(h->cur);
			rte_prefetch0(slot);
		}
	}
}

static inline void prefetch_routes(const struct dp_sensor *s)
{
	if (s == NULL)
		return;
	for (unsigned int j = 0; j < s->nkeys && j < DP_SENSOR_FAST_KEYS; j++)
		if (s->fast_key[j]->routes)
			rte_prefetch0(s->fast_key[j]->routes);
}

static inline void prefetch_outs(const struct dp_sensor *s)
{
	if (s == NULL)
		return;
	for (unsigned int j = 0; j < s->nkeys && j < DP_SENSOR_FAST_KEYS; j++) {
		const struct dp_route *rt = s->fast_key[j]->routes;

		if (rt) {
			rte_prefetch0(rt->out);
			rte_prefetch0((const char *)rt->out + 64);
		}
	}
}

static void burst_interleaved(struct dp_worker *w, struct rte_mbuf **pkts,
			      uint16_t n, struct dp_sensor **hint, int routed)
{
	for (uint16_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	lookup_burst(w, pkts, n, hint);
	for (uint16_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		prefetch_keys(hint[i]);
	for (uint16_t i = 0; i < n; i++) {
		if (i + PREFETCH_AHEAD < n) {
			rte_prefetch0(rte_pktmbuf_mtod(
				pkts[i + PREFETCH_AHEAD], void *));
			prefetch_keys(hint[i + PREFETCH_AHEAD]);
		}
		if (i + SLOTS_AHEAD < n)
			prefetch_slots(hint[i + SLOTS_AHEAD]);
		if (routed && i + SLOTS_AHEAD < n)
			prefetch_routes(hint[i + SLOTS_AHEAD]);
		if (routed && i + 1 < n)
			prefetch_outs(hint[i + 1]);
		w->stats->rx_bytes += pkts[i]->pkt_len;
		handle(w, pkts[i], 0, hint[i]);
	}
}

static unsigned int drain_ring(struct dp_worker *w, struct rte_mbuf **pkts,
			       struct dp_sensor **hint)
{
	unsigned int n = rte_ring_sc_dequeue_burst(w->ring, (void **)pkts,
						   w->sh->burst, NULL);

	w->stats->handoff_in += n;
	/* every sensor packet here is ours: their sensors looked up
	 * together, as for our own RX burst */
	lookup_burst(w, pkts, (uint16_t)n, hint);
	for (unsigned int i = 0; i < n; i++)
		handle(w, pkts[i], 1, hint[i]);
	free_done(w);
	return n;
}

/* How many packets this turn may take: the burst, or with
 * dataplane.rx_limit_pps what a token bucket of one burst allows. The
 * rest stays in the port (on net_pcap it is never read), so a benchmark
 * can offer a given share of the worker's capacity. */
static uint16_t rx_allowance(struct dp_worker *w, uint64_t now)
{
	uint32_t pps = w->sh->cfg->rx_limit_pps;

	if (pps == 0)
		return w->sh->burst;
	if (w->rx_last_tsc)
		w->rx_tokens += (double)(now - w->rx_last_tsc) *
				w->sh->clock->ns_per_tsc * 1e-9 * pps;
	w->rx_last_tsc = now;
	if (w->rx_tokens > w->sh->burst)
		w->rx_tokens = w->sh->burst;
	return (uint16_t)w->rx_tokens;
}

static void set_now(struct dp_worker *w, uint64_t tsc)
{
	w->now_tsc = tsc;
	w->now_ns = dp_clock_ns(w->sh->clock, tsc);
}

/* The medium and low cadences, on TSC deadlines. A deadline missed by
 * more than a period restarts from now rather than flushing in a burst. */
static void timers(struct dp_worker *w)
{
	uint64_t t0 = w->now_tsc;

	if (t0 >= w->next_medium) {
		dp_router_flush(&w->router, DP_CAD_MEDIUM, w->now_ns);
		dp_outputs_shed_check(w, w->medium_tsc);
		w->next_medium += w->medium_tsc;
		if (w->next_medium <= t0)
			w->next_medium = t0 + w->medium_tsc;
		w->stats->flushes++;
	}
	if (t0 >= w->next_low) {
		dp_router_flush(&w->router, DP_CAD_LOW, w->now_ns);
		w->next_low += w->low_tsc;
		if (w->next_low <= t0)
			w->next_low = t0 + w->low_tsc;
		w->stats->flushes++;
	}
	if (t0 >= w->next_tick) {
		dp_outputs_tick(w);
		dp_notify_idle_scan(w);
		dp_notify_hint_due(w);
		dp_limits_tick(&w->limits);
		w->stats->sources_metered = w->limits.sources;
		w->stats->source_overflow = w->limits.src_overflow;
		w->stats->source_resets = w->limits.src_resets;
		w->next_tick = t0 + w->tick_tsc;
	}
	w->stats->flush_cycles += rte_rdtsc() - t0;
}

int dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	struct dp_shared *sh = w->sh;
	struct rte_mbuf *pkts[DP_MAX_BURST];
	struct dp_sensor *hint[DP_MAX_BURST];
	struct dp_key *kp[DP_MAX_BURST];
	uint64_t now = rte_rdtsc();

	set_now(w, now);
	w->next_medium = now + w->medium_tsc;
	w->next_low = now + w->low_tsc;
	w->next_tick = now + w->tick_tsc;
	w->bf_last_tsc = now;
	rte_rcu_qsbr_thread_online(sh->rcu, w->idx);
	while (!*sh->stop) {
		uint64_t start = now;
		unsigned int drained = 0;
		int routed, deep;
		uint32_t pushed;
		uint16_t n;

		set_now(w, now);
		dp_mailbox_drain(w, MBOX_PER_TURN);
		n = rte_eth_rx_burst(w->port_id, w->queue_id, pkts,
				     rx_allowance(w, start));
		w->stats->rx_pkts += n;
		if (sh->cfg->rx_limit_pps)
			w->rx_tokens -= n;
		routed = (w->flags & DP_F_ATTENTION) && w->router.routes_used &&
			 dp_table_history_used(w->table) >= ROUTES_MIN_HISTORY;
		if (!(w->flags & DP_F_STAGED)) {
			burst_interleaved(w, pkts, n, hint, routed);
			goto applied;
		}
		/* S0: the whole burst's data on its way before any is read */
		for (uint16_t i = 0; i < n; i++)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		lookup_burst(w, pkts, n, hint);                 /* S1 */
		stage_keys(pkts, n, hint, kp);                  /* S2 */
		stage_slots(kp, n, routed);                     /* S3 */
		deep = routed && (w->flags & DP_F_ROUTES3);
		if (routed) {
			stage_outs(kp, n);                      /* S4 */
			stage_outs2(kp, n, w->router.vec, deep); /* S5 */
		}
		if (deep) {
			stage_outs_at(kp, n, 3);                /* S6 */
			stage_outs_at(kp, n, 4);                /* S7 */
		}
		for (uint16_t i = 0; i < n; i++) {             /* apply */
			if (deep && i + 2 < n)
				prefetch_deep(kp[i + 2]);
			w->stats->rx_bytes += pkts[i]->pkt_len;
			handle(w, pkts[i], 0, hint[i]);
		}
applied:
		free_done(w);
		if (sh->nworkers > 1) {
			flush_handoff(w);
			drained = drain_ring(w, pkts, hint);
		}
		/* lens packets at their deadline (before the tick, which
		 * would send them too after a long turn, uncounted) */
		pushed = dp_outputs_send_due(w);
		if (now >= w->next_medium || now >= w->next_low ||
		    now >= w->next_tick)
			timers(w);
		/* what high routes wrote this turn leaves this turn */
		pushed += dp_outputs_push_touched(w);
		dp_feed_tick(&w->bcast.feed, now);
		/* no packet of this turn is looked at again: an old keys
		 * table may go */
		rte_rcu_qsbr_quiescent(sh->rcu, w->idx);
		w->stats->loops++;
		/* one TSC read per turn: it stamps this turn's work and
		 * starts the next one */
		now = rte_rdtsc();
		if (n && pushed)   /* from the RX burst to the TX burst */
			sp_histo_add(&w->rxtx, (uint64_t)((double)(now - start) *
					       sh->clock->ns_per_tsc));
		if (n || drained)
			w->stats->busy_cycles += now - start;
		if (now - start > w->long_turn_tsc) {
			uint64_t ns = (uint64_t)((double)(now - start) *
						 sh->clock->ns_per_tsc);

			w->stats->long_turns++;
			if (ns > w->stats->turn_max_ns)
				w->stats->turn_max_ns = ns;
		}
		/* a quiet worker may give its core back for a moment (as
		 * l3fwd-power does): after 64 empty turns, a nap; the
		 * timers' deadlines are tens of ms, the nap at most 1 ms */
		if (!n && !drained && sh->cfg->idle_sleep_us) {
			if (++w->idle_turns >= 64) {
				struct timespec ts = { 0,
					(long)sh->cfg->idle_sleep_us * 1000 };

				nanosleep(&ts, NULL);
				w->stats->idle_sleeps++;
				now = rte_rdtsc();
			}
		} else {
			w->idle_turns = 0;
		}
	}
	/* RX has stopped here; packets other workers already handed to us
	 * are still applied before the feeds end. */
	__atomic_add_fetch(&sh->rx_stopped, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&sh->rx_stopped, __ATOMIC_ACQUIRE) <
	       sh->nworkers || !rte_ring_empty(w->ring)) {
		set_now(w, rte_rdtsc());
		drain_ring(w, pkts, hint);
		rte_rcu_qsbr_quiescent(sh->rcu, w->idx);
	}
	rte_rcu_qsbr_thread_offline(sh->rcu, w->idx);
	set_now(w, rte_rdtsc());
	dp_outputs_end(w);
	return 0;
}

/* ---- set-up and tear-down ---- */

int dp_worker_init(struct dp_worker *w, char *err, size_t errlen)
{
	const struct sp_config *cfg = w->sh->cfg;
	const struct dp_clock *clk = w->sh->clock;
	int socket = (int)rte_lcore_to_socket_id(w->lcore);
	char name[32];
	int rc;
	struct dp_table_params tp = {
		.name = name,
		.socket = socket,
		.max_sensors = cfg->max_sensors,
		.max_keys = cfg->max_keys,
		.history_bytes = (size_t)cfg->history_mb << 20,
		.cat = w->sh->cat,
	};

	snprintf(name, sizeof(name), "sp_w%u", w->idx);
	w->table = dp_table_create(&tp);
	if (w->table == NULL) {
		snprintf(err, errlen, "worker %u: cannot allocate tables (%u "
			 "sensors, %u keys, %u MiB history): raise -m or lower "
			 "the [dataplane] sizes", w->idx, tp.max_sensors,
			 tp.max_keys, cfg->history_mb);
		return -1;
	}
	snprintf(name, sizeof(name), "sp_ring%u", w->idx);
	w->ring = rte_ring_create(name, cfg->ring_size, socket, RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "sp_mbox%u", w->idx);
	w->mbox = rte_ring_create_elem(name, sizeof(struct dp_cmd), MBOX_SIZE,
				       socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "sp_events%u", w->idx);
	w->events = rte_ring_create_elem(name, sizeof(struct dp_event),
					 cfg->events_ring, socket,
					 RING_F_SP_ENQ | RING_F_SC_DEQ);
	w->hint_cap = RTE_MIN(cfg->max_sensors, (uint32_t)DP_HINT_LIST_MAX);
	w->hint_list = rte_zmalloc_socket("dp_hint_list", (size_t)w->hint_cap *
			sizeof(void *), RTE_CACHE_LINE_SIZE, socket);
	w->query_samples = rte_zmalloc_socket("dp_query_samples",
			DP_QUERY_MAX_SAMPLES * sizeof(struct dp_history_sample),
			RTE_CACHE_LINE_SIZE, socket);
	if (!w->ring || !w->mbox || !w->events || !w->hint_list ||
	    !w->query_samples ||
	    dp_rereq_init(w) < 0 ||
	    rte_rcu_qsbr_thread_register(w->sh->rcu, w->idx) != 0) {
		snprintf(err, errlen, "worker %u: out of memory for its rings",
			 w->idx);
		return -1;
	}
	if (dp_limits_init(&w->limits, cfg, w->idx, socket) < 0) {
		snprintf(err, errlen, "worker %u: cannot allocate its rate "
			 "limits (%u sources): raise -m or lower "
			 "limits.max_sources", w->idx, cfg->max_sources);
		return -1;
	}
	dp_loss_set(&w->loss, (uint32_t)(cfg->loss_drop * 1e6),
		    (uint32_t)(cfg->loss_dup * 1e6),
		    (uint32_t)(cfg->loss_reorder * 1e6), cfg->loss_burst,
		    cfg->loss_seed + w->idx, cfg->loss_feed);
	w->flags = (cfg->sw_attention ? DP_F_ATTENTION : 0) |
		   (cfg->sw_lenses ? DP_F_LENSES : 0) |
		   (cfg->sw_backfill ? DP_F_BACKFILL : 0) |
		   (cfg->sw_shedding ? DP_F_SHEDDING : 0) |
		   (cfg->sw_hints ? DP_F_HINTS : 0) |
		   (cfg->sw_consumed ? DP_F_CONSUMED : 0) |
		   (cfg->sw_staged ? DP_F_STAGED : 0) |
		   (cfg->sw_coalesce ? DP_F_COALESCE : 0) |
		   (cfg->sw_dirtyvec ? DP_F_DIRTYVEC : 0) |
		   (cfg->sw_routes3 ? DP_F_ROUTES3 : 0) |
		   (cfg->sw_rtxwarm ? DP_F_RTXWARM : 0);
	rc = dp_outputs_init(w);
	if (rc < 0) {
		snprintf(err, errlen, "worker %u: cannot allocate its feeds and "
			 "routes (%u outs, %u routes): raise -m or lower the "
			 "[attention] sizes%s", w->idx, cfg->max_outs,
			 cfg->max_routes, rc == -EINVAL ? ", or port.mtu is "
			 "too small" : "");
		return -1;
	}
	w->medium_tsc = dp_clock_us_to_tsc(clk, (uint64_t)cfg->medium_ms * 1000);
	w->low_tsc = dp_clock_us_to_tsc(clk, (uint64_t)cfg->low_ms * 1000);
	w->tick_tsc = dp_clock_us_to_tsc(clk, TICK_MS * 1000);
	w->long_turn_tsc = dp_clock_us_to_tsc(clk, 100);
	return 0;
}

void dp_worker_fini(struct dp_worker *w)
{
	if (w == NULL)
		return;
	dp_outputs_free(w);
	dp_rereq_free(w);
	dp_limits_free(&w->limits);
	rte_free(w->hint_list);
	rte_free(w->query_samples);
	rte_ring_free(w->mbox);
	rte_ring_free(w->events);
	rte_ring_free(w->ring);
	dp_table_free(w->table);
}
