/*
 * test_viewseq.c - the viewer's in-order delivery with gap recovery, with
 * fake callbacks and a fake clock: delivery order, held packets, RETRANS
 * fills, late packets, duplicates, the count-0 answer, retries with
 * backoff, and giving up on silence.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "spl_seq.h"

static uint64_t delivered[4096];
static unsigned int ndeliv, nreq, nlost;
static uint64_t req_seq[64], lost_lo[16], lost_hi[16];
static uint16_t req_count[64];
static enum spl_how last_how;

static void deliver(void *ctx, struct spl_feed *f, const struct sp_feed_hdr *h,
		    const uint8_t *pkt, size_t len, unsigned int first,
		    unsigned int n, enum spl_how how, uint64_t now)
{
	(void)ctx; (void)f; (void)pkt; (void)len; (void)now;
	for (unsigned int i = 0; i < n; i++)
		delivered[ndeliv++] = h->seq + first + i;
	last_how = how;
}

static void request(void *ctx, struct spl_feed *f, uint64_t seq,
		    uint16_t count)
{
	(void)ctx; (void)f;
	req_seq[nreq] = seq;
	req_count[nreq++] = count;
}

static void lost(void *ctx, struct spl_feed *f, uint64_t lo, uint64_t hi,
		 enum spl_lost_reason why)
{
	(void)ctx; (void)f; (void)why;
	lost_lo[nlost] = lo;
	lost_hi[nlost++] = hi;
}

static const struct spl_seq_ops OPS = { deliver, request, lost, NULL };
static struct spl_seq S;

static void reset(void)
{
	spl_seq_free(&S);
	memset(&S, 0, sizeof(S));
	ndeliv = nreq = nlost = 0;
}

/* A data packet of @p count messages from @p seq (the payload is not
 * looked at by spl_seq). */
static struct spl_feed *pkt(uint64_t seq, uint16_t count, uint8_t flags,
			     uint64_t now)
{
	static uint8_t dummy[64];
	struct sp_feed_hdr h = { .flags = flags, .feed_id = 1, .count = count,
				 .session = 7, .seq = seq, .send_ns = now };

	return spl_seq_packet(&S, &h, dummy, sizeof(dummy), now, 0x0100000a,
			       0x1234, &OPS);
}

static int in_order(unsigned int n, uint64_t from)
{
	for (unsigned int i = 0; i < n; i++)
		if (delivered[i] != from + i)
			return 0;
	return ndeliv == n;
}

#define MS 1000000ull

static void test_in_order_and_dups(void)
{
	struct spl_feed *f;

	reset();
	pkt(1, 3, 0, 0);
	f = pkt(4, 2, 0, 0);
	pkt(4, 2, 0, 0);             /* the same again */
	pkt(5, 3, 0, 0);             /* overlaps by one */
	CU_ASSERT_TRUE(in_order(7, 1));
	CU_ASSERT_EQUAL(f->dups, 3);
	CU_ASSERT_EQUAL(f->live, 7);
	CU_ASSERT_EQUAL(nreq, 0);
}

static void test_gap_rereq_fill(void)
{
	struct spl_feed *f;

	reset();
	pkt(1, 2, 0, 0);
	f = pkt(6, 2, 0, 1 * MS);    /* 3..5 missing */
	CU_ASSERT_EQUAL(ndeliv, 2);  /* 6, 7 wait behind the gap */
	CU_ASSERT_EQUAL(f->gaps, 1);
	spl_seq_poll(&S, 1 * MS, &OPS);
	CU_ASSERT_EQUAL_FATAL(nreq, 1);
	CU_ASSERT_EQUAL(req_seq[0], 3);
	CU_ASSERT_EQUAL(req_count[0], 3);
	pkt(3, 3, SP_FF_RETRANS, 1 * MS + 200000);
	CU_ASSERT_TRUE(in_order(7, 1));
	CU_ASSERT_EQUAL(f->recovered, 3);
	CU_ASSERT_EQUAL(f->ngaps, 0);
	CU_ASSERT_EQUAL(f->nheld, 0);
	CU_ASSERT_EQUAL(f->rtt_ns, 200000);
	CU_ASSERT_EQUAL(f->recover_ns.count, 1);
}

static void test_late_packet(void)
{
	struct spl_feed *f;

	reset();
	pkt(1, 1, 0, 0);
	pkt(3, 1, 0, 0);
	f = pkt(2, 1, 0, 0);         /* reordered, before any re-request */
	CU_ASSERT_TRUE(in_order(3, 1));
	CU_ASSERT_EQUAL(f->late, 1);
	CU_ASSERT_EQUAL(f->ngaps, 0);
}

static void test_heartbeat_reveals_gap(void)
{
	struct spl_feed *f;

	reset();
	pkt(1, 2, 0, 0);
	f = pkt(5, 0, 0, 0);         /* heartbeat: next is 5, so 3, 4 lost */
	CU_ASSERT_EQUAL(f->ngaps, 1);
	spl_seq_poll(&S, 0, &OPS);
	CU_ASSERT_EQUAL(req_seq[0], 3);
	CU_ASSERT_EQUAL(req_count[0], 2);
}

static void test_count0_gives_up(void)
{
	struct spl_feed *f;

	reset();
	pkt(1, 1, 0, 0);
	f = pkt(10, 1, 0, 0);        /* 2..9 missing */
	spl_seq_poll(&S, 0, &OPS);
	pkt(6, 0, SP_FF_RETRANS, 0); /* first still held is 6 */
	CU_ASSERT_EQUAL_FATAL(nlost, 1);
	CU_ASSERT_EQUAL(lost_lo[0], 2);
	CU_ASSERT_EQUAL(lost_hi[0], 6);
	CU_ASSERT_EQUAL(f->lost_gone, 4);
	CU_ASSERT_EQUAL(ndeliv, 1);  /* 6..9 still owed, 10 waits */
	pkt(6, 4, SP_FF_RETRANS, 0);
	CU_ASSERT_EQUAL(ndeliv, 6);
	CU_ASSERT_EQUAL(delivered[1], 6);
	CU_ASSERT_EQUAL(delivered[5], 10);
	CU_ASSERT_EQUAL(f->next_seq, 11);
}

static void test_retries_then_silence(void)
{
	struct spl_feed *f;
	uint64_t t = 0;

	reset();
	pkt(1, 1, 0, 0);
	f = pkt(3, 1, 0, 0);
	spl_seq_poll(&S, t, &OPS);
	CU_ASSERT_EQUAL(nreq, 1);
	/* no answer: retried after 3 RTT (1 ms floor), then doubling */
	spl_seq_poll(&S, t + 2 * MS, &OPS);
	CU_ASSERT_EQUAL(nreq, 1);
	spl_seq_poll(&S, t + 3 * MS, &OPS);
	CU_ASSERT_EQUAL(nreq, 2);
	/* five tries and the backoff (capped at 200 ms) do not give up a gap
	 * before a second has passed since it was seen: a stalled host only
	 * delays answers */
	for (t = 3 * MS; t < 3000 * MS && nlost == 0; t += MS)
		spl_seq_poll(&S, t, &OPS);
	CU_ASSERT_TRUE(t - MS >= 1000 * MS);
	CU_ASSERT_TRUE(t - MS <= 1201 * MS);
	CU_ASSERT_TRUE(nreq >= 5 && nreq <= 12);
	CU_ASSERT_EQUAL(nlost, 1);
	CU_ASSERT_EQUAL(f->lost_noanswer, 1);
	CU_ASSERT_TRUE(in_order(2, 1) == 0);   /* 2 was never delivered */
	CU_ASSERT_EQUAL(delivered[1], 3);      /* but 3 went on after it */
	CU_ASSERT_EQUAL(f->next_seq, 4);
}

static void test_sessions_apart(void)
{
	static uint8_t dummy[8];
	struct sp_feed_hdr h = { .feed_id = 1, .count = 1, .session = 9,
				 .seq = 1 };
	struct spl_feed *a, *b;

	reset();
	a = pkt(100, 1, 0, 0);
	b = spl_seq_packet(&S, &h, dummy, sizeof(dummy), 0, 1, 1, &OPS);
	CU_ASSERT_PTR_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(S.sessions_seen, 2);
	CU_ASSERT_EQUAL(a->ngaps + b->ngaps, 0);
}

void suite_viewseq(void)
{
	static const CU_TestInfo tests[] = {
		{ "in order, duplicates dropped", test_in_order_and_dups },
		{ "gap re-requested and filled", test_gap_rereq_fill },
		{ "late packet fills a gap", test_late_packet },
		{ "heartbeat reveals a gap", test_heartbeat_reveals_gap },
		{ "count-0 answer gives up the gone part", test_count0_gives_up },
		{ "retries with backoff, then gives up", test_retries_then_silence },
		{ "sessions never mix", test_sessions_apart },
		CU_TEST_INFO_NULL,
	};
	unit_add("viewseq", tests);
}
