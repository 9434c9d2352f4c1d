/*
 * example.c - libsenseplane in one page: join the feeds named on the
 * command line, print every message in order with how it arrived, say
 * what was lost, and account for everything at the end.
 *
 *   senseplane-example [-t SECONDS] [-c CONTROL_SOCKET] GROUP:PORT ...
 *
 * Build against the installed library:
 *   cc example.c $(pkg-config --cflags --libs libsenseplane)
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <senseplane.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_msg(void *ctx, const struct senseplane_msg *m)
{
	static const char *how[] = { "live", "late", "recovered", "history" };

	(void)ctx;
	printf("%s sensor %" PRIu64 " %s v%u: %u x %u samples, first %g%s\n",
	       how[m->how], m->sensor_id, m->attr_name ? m->attr_name : "?",
	       m->version, m->nsamp, m->dim, senseplane_value(m, 0),
	       m->quality & SENSEPLANE_Q_CONFLATED ? " (conflated)" : "");
}

static void on_loss(void *ctx, const struct senseplane_loss *l)
{
	(void)ctx;
	fprintf(stderr, "feed %u: messages %" PRIu64 "..%" PRIu64 " lost (%s),"
		" %" PRIu64 " samples read back from history\n", l->feed_id,
		l->first_seq, l->end_seq - 1, l->reason == SENSEPLANE_LOSS_GONE
		? "no longer buffered" : "no answer", l->history_samples);
}

int main(int argc, char **argv)
{
	struct senseplane_params p = { .on_msg = on_msg, .on_loss = on_loss };
	struct senseplane_stats st;
	struct senseplane *v;
	double seconds = 10;
	time_t end;
	int i = 1;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "-t") == 0)
			seconds = atof(argv[i + 1]);
		else if (strcmp(argv[i], "-c") == 0)
			p.control = argv[i + 1];
	}
	if (i == argc) {
		fprintf(stderr, "usage: %s [-t SECONDS] [-c CONTROL] "
			"GROUP:PORT ...\n", argv[0]);
		return 2;
	}
	v = senseplane_create(&p);
	if (v == NULL) {
		fprintf(stderr, "senseplane: %s\n", senseplane_last_error());
		return 1;
	}
	for (; i < argc; i++)
		if (senseplane_join(v, argv[i]) < 0) {
			fprintf(stderr, "senseplane: %s\n",
				senseplane_errmsg(v));
			senseplane_free(v);
			return 1;
		}
	fprintf(stderr, "joined %d feed(s)\n", argc - 1);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	end = time(NULL) + (time_t)seconds;
	while (!stop && time(NULL) < end && !senseplane_ended(v))
		if (senseplane_poll(v, 100) < 0)
			fprintf(stderr, "senseplane: %s\n",
				senseplane_errmsg(v));
	senseplane_finish(v);
	senseplane_stats(v, &st);
	printf("%" PRIu64 " messages: %" PRIu64 " live, %" PRIu64 " late, %"
	       PRIu64 " recovered, %" PRIu64 " lost; %" PRIu64 " samples\n",
	       st.messages, st.live, st.late, st.recovered,
	       st.lost_gone + st.lost_noanswer, st.samples);
	senseplane_free(v);
	return 0;
}
