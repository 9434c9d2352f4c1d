/*
 * view_main.c - senseplane-view: join feeds, decode, check sequence numbers
 * per feed, show a live table (or JSON lines), and account for every
 * message at exit.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "sp_addr.h"
#include "sp_bytes.h"
#include "sp_rereq.h"
#include "sp_catalog.h"
#include "sp_digest.h"
#include "sp_feed.h"
#include "sp_json.h"
#include "view.h"
#include "view_summary.h"

#define BATCH 32

static volatile int g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-view [options] GROUP:PORT [GROUP:PORT ...]\n"
"\n"
"Joins senseplane feeds (PROTOCOL.md 2), checks their sequence numbers and\n"
"shows the newest values. At exit it prints what it received: packets,\n"
"messages, samples, gaps (messages missing), duplicates.\n"
"\n"
"  -i, --iface-addr IP   join the groups on the interface with this address\n"
"      --pcap FILE       decode feed packets from a capture instead\n"
"  -t, --seconds S       stop after S seconds\n"
"      --idle S          stop after S seconds without a packet\n"
"      --until-end       stop when every feed seen has sent END\n"
"      --json            one JSON line per message instead of the table\n"
"                        (NaN and infinities as \"NaN\", \"Infinity\",\n"
"                        \"-Infinity\"; integers as integers)\n"
"      --rows N          rows of the live table (default 20)\n"
"      --catalog FILE    attribute names (default %s)\n"
"      --summary FILE    also write the JSON summary to FILE\n"
"      --only FIRST-LAST only count sensors with ids in this range\n"
"      --rereq-port N    re-request gaps from the sender's port N (7401)\n"
"      --no-rereq        do not re-request gaps\n"
"      --control SOCKET  after a loss re-requests cannot mend, read the\n"
"                        history of the feed's keys from the dataplane\n"
"      --dedup           count a sample once even if several feeds carry\n"
"                        it (the digest is then of distinct samples)\n"
"  -q, --quiet           neither table nor JSON lines, just the summary\n"
"  -h, --help            this text\n"
"\n"
"example: senseplane-view 239.77.0.1:7500\n", SP_CATALOG_DEFAULT);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "iface-addr", 1, NULL, 'i' }, { "pcap", 1, NULL, 'P' },
		{ "seconds", 1, NULL, 't' }, { "idle", 1, NULL, 'I' },
		{ "until-end", 0, NULL, 'E' }, { "json", 0, NULL, 'J' },
		{ "rows", 1, NULL, 'R' }, { "catalog", 1, NULL, 'C' },
		{ "summary", 1, NULL, 'U' }, { "quiet", 0, NULL, 'q' },
		{ "dedup", 0, NULL, 'D' }, { "only", 1, NULL, 'O' },
		{ "control", 1, NULL, 'X' }, { "rereq-port", 1, NULL, 'Q' },
		{ "no-rereq", 0, NULL, 'N' },
		{ "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*o = (struct opts){ .catalog = SP_CATALOG_DEFAULT, .rows = 20,
			    .rereq_port = SP_REREQ_PORT };
	while ((c = getopt_long(argc, argv, "i:t:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'P': o->pcap = optarg; break;
		case 'C': o->catalog = optarg; break;
		case 'U': o->summary = optarg; break;
		case 'E': o->until_end = 1; break;
		case 'J': o->json = 1; break;
		case 'q': o->quiet = 1; break;
		case 'D': o->dedup = 1; break;
		case 'X': o->control = optarg; break;
		case 'N': o->rereq_port = 0; break;
		case 'Q': {
			unsigned long p = strtoul(optarg, &end, 10);

			if (*end || p == 0 || p > 65535) {
				fprintf(stderr, "senseplane-view: --rereq-port "
					"'%s': not a port\n", optarg);
				return -1;
			}
			o->rereq_port = (uint16_t)p;
			break;
		}
		case 'O':
			if (sscanf(optarg, "%" SCNu64 "-%" SCNu64, &o->only_lo,
				   &o->only_hi) != 2 || o->only_lo == 0 ||
			    o->only_lo > o->only_hi) {
				fprintf(stderr, "senseplane-view: --only '%s': "
					"expected FIRST-LAST sensor ids\n",
					optarg);
				return -1;
			}
			break;
		case 't': case 'I': case 'R': {
			double v = strtod(optarg, &end);

			if (*end || *optarg == '\0' || v <= 0) {
				fprintf(stderr, "senseplane-view: '%s' is not a "
					"positive number\n", optarg);
				return -1;
			}
			if (c == 't') o->seconds = v;
			else if (c == 'I') o->idle = v;
			else o->rows = (unsigned int)v;
			break;
		}
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	for (; optind < argc; optind++) {
		struct sockaddr_in *a = &o->feeds[o->nfeeds];
		uint32_t ip;
		uint16_t port;

		if (o->nfeeds == MAX_SOCKS) {
			fprintf(stderr, "senseplane-view: at most %d feeds\n",
				MAX_SOCKS);
			return -1;
		}
		if (sp_addr_parse(argv[optind], &ip, &port, 0) < 0) {
			fprintf(stderr, "senseplane-view: '%s': expected "
				"GROUP:PORT, e.g. 239.77.0.1:7500\n",
				argv[optind]);
			return -1;
		}
		memset(a, 0, sizeof(*a));
		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(ip);
		o->nfeeds++;
	}
	if (o->nfeeds == 0 && !o->pcap) {
		fprintf(stderr, "senseplane-view: give at least one "
			"GROUP:PORT (see --help)\n");
		return -1;
	}
	return 0;
}

static void json_msg(const struct viewer *v, const struct sp_feed_hdr *h,
		     uint64_t seq, const struct sp_feed_msg *m)
{
	const struct sp_attr *a = sp_catalog_get(&v->cat, m->rec.attr_id);
	size_t n = (size_t)m->rec.nsamp * m->rec.dim;

	printf("{\"feed\": %u, \"seq\": %" PRIu64 ", \"flags\": %u, "
	       "\"sensor\": %" PRIu64 ", \"attr\": \"%s\", \"version\": %u, "
	       "\"quality\": %u, \"t0_ns\": %" PRIu64 ", \"dt_ns\": %u, "
	       "\"nsamp\": %u, \"dim\": %u, \"values\": [", h->feed_id, seq,
	       h->flags, m->sensor_id, a ? a->name : "?", m->version,
	       m->quality, m->rec.t0_ns, m->rec.dt_ns, m->rec.nsamp,
	       m->rec.dim);
	for (size_t i = 0; i < n; i++) {
		char num[SP_JSON_VALUE_MAX];

		sp_json_value(num, sizeof(num), m->rec.values, m->rec.vtype,
			      i);
		printf("%s%s", i ? ", " : "", num);
	}
	printf("]}\n");
}

/* Messages [first, first + n) of a feed packet, in order (view_seq). */
static void cb_deliver(void *ctx, struct view_feed *f,
		       const struct sp_feed_hdr *h, const uint8_t *p,
		       size_t len, unsigned int first, unsigned int n,
		       enum view_how how, uint64_t now)
{
	struct viewer *v = ctx;
	struct sp_feed_msg m;
	struct view_key *k;
	unsigned int i = 0;
	size_t off = 0;

	(void)how;
	while (sp_feed_next(p, len, &off, &m)) {
		if (i++ < first)
			continue;
		if (i > first + n)
			break;
		if (v->o.only_lo && (m.sensor_id < v->o.only_lo ||
				     m.sensor_id > v->o.only_hi))
			continue;
		k = view_table_msg(&v->table, &m, now, &v->digest,
			!!(h->flags & (SP_FF_BACKFILL | SP_FF_RETRANS)));
		if (k)
			k->feed_slot = (uint16_t)(f - v->seq.feeds);
		view_seq_msg(f, h, &m, now);
		if (m.sensor_id < v->sensor_min || !v->sensor_min)
			v->sensor_min = m.sensor_id;
		if (m.sensor_id > v->sensor_max)
			v->sensor_max = m.sensor_id;
		v->samples += m.rec.nsamp;
		if (v->o.json && !v->o.quiet)
			json_msg(v, h, h->seq + i - 1, &m);
	}
}

/* Ask the feed's sender for [seq, seq + count) again (PROTOCOL.md 3). */
static void cb_request(void *ctx, struct view_feed *f, uint64_t seq,
		       uint16_t count)
{
	struct viewer *v = ctx;
	struct sp_rereq rq = { .feed_id = f->feed_id, .count = count,
			       .session = f->session, .seq = seq };
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(v->o.rereq_port),
				  .sin_addr.s_addr = f->src_ip };
	uint8_t buf[SP_REREQ_LEN];

	if (v->rfd < 0 || f->src_ip == 0)
		return;
	sp_rereq_encode(buf, &rq);
	if (sendto(v->rfd, buf, sizeof(buf), 0, (struct sockaddr *)&to,
		   sizeof(to)) == (ssize_t)sizeof(buf))
		v->rereq_bytes += sizeof(buf);
}

static void cb_lost(void *ctx, struct view_feed *f, uint64_t lo, uint64_t hi,
		    enum view_lost_reason why)
{
	struct viewer *v = ctx;

	v->lost_events++;
	fprintf(stderr, "senseplane-view: feed %u session %016" PRIx64
		": messages %" PRIu64 "..%" PRIu64 " unrecoverable by "
		"re-request (%s)%s\n", f->feed_id, f->session, lo, hi - 1,
		why == VIEW_LOST_GONE ? "no longer buffered" : "no answer",
		v->ctl ? ": reading history" : "");
	if (v->ctl)
		view_fill_history(v->ctl, &v->table, &v->digest,
				  (uint16_t)(f - v->seq.feeds), &v->fill);
}

/* A packet from a capture: no sender to re-request from. */
static void on_packet(struct viewer *v, const uint8_t *p, size_t len,
		      uint64_t now, uint32_t src_ip, uint16_t src_port);

static void on_packet_at(struct viewer *v, const uint8_t *p, size_t len,
			 uint64_t now)
{
	on_packet(v, p, len, now, 0, 0);
}

static struct view_seq_ops seq_ops(struct viewer *v)
{
	return (struct view_seq_ops){ cb_deliver, cb_request, cb_lost, v };
}

/* One feed packet's UDP payload, from @p src (network order; 0 for a
 * capture). */
static void on_packet(struct viewer *v, const uint8_t *p, size_t len,
		      uint64_t now, uint32_t src_ip, uint16_t src_port)
{
	struct view_seq_ops ops = seq_ops(v);
	struct sp_feed_hdr h;
	enum sp_feed_err e = sp_feed_decode(p, len, &h);

	v->packets++;
	v->last_pkt_ns = now;
	if (e != SP_FEED_E_OK) {
		v->bad_packets++;
		v->bad[e]++;
		return;
	}
	view_seq_packet(&v->seq, &h, p, len, now, src_ip, src_port, &ops);
}

static int open_socks(const struct opts *o, struct pollfd *pfd)
{
	int one = 1, rcvbuf = 16 << 20;

	for (int i = 0; i < o->nfeeds; i++) {
		struct ip_mreq mr = { .imr_multiaddr = o->feeds[i].sin_addr };
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		if (fd < 0) {
			perror("senseplane-view: socket");
			return -1;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			   sizeof(rcvbuf));
		if (bind(fd, (const struct sockaddr *)&o->feeds[i],
			 sizeof(o->feeds[i])) < 0) {
			fprintf(stderr, "senseplane-view: bind %s:%u: %s\n",
				inet_ntoa(o->feeds[i].sin_addr),
				ntohs(o->feeds[i].sin_port), strerror(errno));
			return -1;
		}
		if (o->iface && inet_pton(AF_INET, o->iface,
					  &mr.imr_interface) != 1) {
			fprintf(stderr, "senseplane-view: --iface-addr '%s': "
				"not an IPv4 address\n", o->iface);
			return -1;
		}
		if (IN_MULTICAST(ntohl(o->feeds[i].sin_addr.s_addr)) &&
		    setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
			       sizeof(mr)) < 0) {
			if (errno == ENODEV && o->iface)
				fprintf(stderr, "senseplane-view: join %s: no "
					"interface of this host has the address"
					" %s (--iface-addr)\n",
					inet_ntoa(o->feeds[i].sin_addr),
					o->iface);
			else
				fprintf(stderr, "senseplane-view: join %s: "
					"%s\n", inet_ntoa(o->feeds[i].sin_addr),
					strerror(errno));
			return -1;
		}
		pfd[i].fd = fd;
		pfd[i].events = POLLIN;
	}
	return 0;
}

/* Feed packets from a capture: IPv4/UDP to one of the feed ports (any
 * port when none was given). */
static int read_pcap(struct viewer *v)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(v->o.pcap, err);
	struct pcap_pkthdr *h;
	const u_char *d;

	if (pc == NULL) {
		fprintf(stderr, "senseplane-view: %s: %s\n", v->o.pcap, err);
		return -1;
	}
	while (!g_stop && pcap_next_ex(pc, &h, &d) == 1) {
		unsigned int ihl, match = v->o.nfeeds == 0;
		uint16_t ulen;

		if (h->caplen < 42 || sp_get16(d + 12) != 0x0800 ||
		    d[23] != 17)
			continue;
		ihl = (d[14] & 0x0f) * 4u;
		if (h->caplen < 14 + ihl + 8)
			continue;
		for (int i = 0; i < v->o.nfeeds; i++)
			match |= memcmp(d + 14 + ihl + 2,
					&v->o.feeds[i].sin_port, 2) == 0;
		ulen = sp_get16(d + 14 + ihl + 4);
		if (!match || ulen < 8 || 14 + ihl + ulen > h->caplen)
			continue;
		on_packet_at(v, d + 14 + ihl + 8, ulen - 8u,
			  (uint64_t)h->ts.tv_sec * 1000000000ull +
			  (uint64_t)h->ts.tv_usec * 1000);
	}
	pcap_close(pc);
	{
		struct view_seq_ops ops = seq_ops(v);

		view_seq_close(&v->seq, &ops);
	}
	return 0;
}

/* The live figures: a full-screen table on a terminal, one line a second
 * otherwise (logs, pipes). */
static void screen(struct viewer *v, uint64_t now, double secs,
		   uint64_t *last_pkts, uint64_t *last_samples, int tty)
{
	printf("%ssenseplane-view  %d feed(s) | %" PRIu64
	       " pkts (%.0f/s) | %" PRIu64 " samples (%.0f/s) | keys %" PRIu64
	       " | missing %" PRIu64 " dups %" PRIu64 "\n%s",
	       tty ? "\033[H\033[2J" : "", v->seq.n, v->packets, (v->packets - *last_pkts) / secs,
	       v->samples, (v->samples - *last_samples) / secs, v->table.n,
	       view_seq_total_missing(&v->seq), view_seq_total_dups(&v->seq),
	       tty ? "\n" : "");
	if (tty)
		view_table_print(&v->table, &v->cat, v->o.rows, now, secs,
				 stdout);
	fflush(stdout);
	*last_pkts = v->packets;
	*last_samples = v->samples;
}

static int any_open(const struct view_seq *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->feeds[i].ngaps || s->feeds[i].nheld)
			return 1;
	return 0;
}

/* Read a batch from @p fd, with the senders' addresses. */
static void read_batch(struct viewer *v, int fd)
{
	static uint8_t bufs[BATCH][9216];
	struct sockaddr_in from[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint64_t now;
	int n;

	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ bufs[i], sizeof(bufs[i]) };
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
	now = now_ns();
	for (int i = 0; i < n; i++)
		on_packet(v, bufs[i], msgs[i].msg_len, now,
			  from[i].sin_addr.s_addr, from[i].sin_port);
}

static int receive(struct viewer *v)
{
	struct pollfd pfd[MAX_SOCKS + 1];
	struct view_seq_ops ops = seq_ops(v);
	uint64_t start = now_ns(), next_screen = start + 1000000000ull;
	uint64_t last_screen = start, last_pkts = 0, last_samples = 0;
	uint64_t ended_ns = 0;
	int live = !v->o.json && !v->o.quiet, tty = isatty(1);
	int nfd = v->o.nfeeds;

	if (open_socks(&v->o, pfd) < 0)
		return -1;
	if (v->o.rereq_port) {
		v->rfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		pfd[nfd++] = (struct pollfd){ .fd = v->rfd, .events = POLLIN };
	}
	v->last_pkt_ns = start;
	while (!g_stop) {
		uint64_t now = now_ns();
		int open = any_open(&v->seq);

		if (v->o.seconds && now - start >= v->o.seconds * 1e9)
			break;
		if (v->o.idle && now - v->last_pkt_ns >= v->o.idle * 1e9)
			break;
		/* at END, wait (a second at most) for what is being mended */
		if (v->o.until_end && view_seq_all_ended(&v->seq)) {
			if (!ended_ns)
				ended_ns = now;
			if (!open || now - ended_ns > 1000000000ull)
				break;
		}
		if (live && now >= next_screen) {
			screen(v, now, (double)(now - last_screen) / 1e9,
			       &last_pkts, &last_samples, tty);
			last_screen = now;
			next_screen = now + 1000000000ull;
		}
		/* 1 ms while a gap is open: re-requests time out in RTTs */
		if (poll(pfd, (nfds_t)nfd, open ? 1 : 100) > 0)
			for (int s = 0; s < nfd; s++)
				if (pfd[s].revents & POLLIN)
					read_batch(v, pfd[s].fd);
		view_seq_poll(&v->seq, now_ns(), &ops);
	}
	view_seq_close(&v->seq, &ops);
	for (int s = 0; s < nfd; s++)
		close(pfd[s].fd);
	return 0;
}

int main(int argc, char **argv)
{
	static struct viewer v;
	char err[512];
	int rc;

	if (parse_opts(argc, argv, &v.o) < 0)
		return 2;
	if (sp_catalog_load(&v.cat, v.o.catalog, err, sizeof(err)) < 0) {
		fprintf(stderr, "senseplane-view: %s\n", err);
		return 2;
	}
	if (view_table_init(&v.table) < 0)
		return 2;
	v.rfd = -1;
	if (v.o.control) {
		v.ctl = sp_ctl_open(v.o.control, err, sizeof(err));
		if (v.ctl == NULL) {
			fprintf(stderr, "senseplane-view: %s\n", err);
			return 2;
		}
	}
	v.table.dedup = v.o.dedup;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = v.o.pcap ? read_pcap(&v) : receive(&v);
	if (rc == 0) {
		view_summary(v.o.json ? stderr : stdout, &v, 0);
		if (v.o.json)
			view_summary(stdout, &v, 1);
		if (v.o.summary) {
			FILE *f = fopen(v.o.summary, "w");

			if (f) {
				view_summary(f, &v, 1);
				fclose(f);
			} else {
				fprintf(stderr, "senseplane-view: %s: %s\n",
					v.o.summary, strerror(errno));
			}
		}
	}
	view_table_free(&v.table);
	view_seq_free(&v.seq);
	sp_ctl_close(v.ctl);
	return rc ? 1 : 0;
}
