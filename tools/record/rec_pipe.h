/*
 * rec_pipe.h - senseplane-record's pipeline: live messages and history
 * reads into batches, batches to the store, watermarks on its answers.
 *
 * Per key (rec_table.h) a message is taken when its versions follow on
 * from what is queued, trimmed when it repeats some, and a gap puts the
 * key on the catch-up queue: from then on its live messages are left to
 * history, read by version (rec_fill.h) until the key is level with the
 * dataplane. One batch is in flight at a time, retried with backoff (100
 * ms doubling to 2 s) until the store acknowledges it; then the watermarks
 * of its keys advance. At most max_samples samples are held (buffered and
 * in flight): past it, live samples are left to history too.
 */
#ifndef REC_PIPE_H
#define REC_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "rec_spec.h"
#include "rec_table.h"

struct rec_pipe;
struct rec_store;
struct sp_ctl;
struct senseplane_msg;

struct rec_pipe_params {
	const struct rec_spec *spec;
	const struct sp_catalog *cat;
	struct rec_store *store;
	uint64_t max_samples;
	uint32_t batch_samples;        /* a request at most */
	uint32_t flush_ms;             /* or after this long */
};

/** What the pipeline did (the recorder's figures). */
struct rec_figures {
	uint64_t recorded;             /* samples the store acknowledged */
	uint64_t msgs;                 /* live messages of chosen keys */
	uint64_t dups;                 /* live samples already queued */
	uint64_t shed;                 /* live ones left: memory full */
	uint64_t live_skipped;         /* live ones of keys catching up */
	uint64_t fill_reads, filled;   /* history answers, their samples */
	uint64_t ranges_closed;        /* keys brought level */
	uint64_t lost, before;         /* see rec_table.h */
	uint64_t store_ok, store_errors, posts;
};

/** @return the pipeline, or NULL (no memory). */
struct rec_pipe *rec_pipe_create(const struct rec_pipe_params *p);
void rec_pipe_free(struct rec_pipe *pp);

/** Its key table (the caller loads and saves it). */
struct rec_table *rec_pipe_table(struct rec_pipe *pp);

/** A live message from the lens. */
void rec_pipe_msg(struct rec_pipe *pp, const struct senseplane_msg *m,
		  uint64_t now_ns);

/** Key @p kidx is to be read from history after its queued version. */
void rec_pipe_catchup(struct rec_pipe *pp, uint32_t kidx);

/** The dataplane restarted: nothing queued is to be read any more. */
void rec_pipe_forget_queue(struct rec_pipe *pp);

/**
 * Read history for the queued keys, for at most @p budget_ns, while the
 * store takes writes and memory has room. @return 0; 1 when a key's
 * versions went back (the dataplane restarted: check its session); -1
 * when the control socket failed (@p err says how).
 */
int rec_pipe_fill(struct rec_pipe *pp, struct sp_ctl *ctl, uint64_t now_ns,
		  uint64_t budget_ns, char *err, size_t errlen);

/**
 * Send a batch when one is due (full, old enough, or @p stopping), and
 * again after its backoff when the store refused it.
 * @return 0, or -ENOMEM (a batch could not be encoded).
 */
int rec_pipe_store(struct rec_pipe *pp, uint64_t now_ns, int stopping);

/** Samples buffered and in flight. */
size_t rec_pipe_buffered(const struct rec_pipe *pp);
/** 1 while a batch waits for the store's answer (or its retry). */
int rec_pipe_in_flight(const struct rec_pipe *pp);
/** 1 while the store refuses or does not answer. */
int rec_pipe_store_down(const struct rec_pipe *pp);
/** How long the oldest sample not acknowledged has waited (ns). */
uint64_t rec_pipe_lag_ns(const struct rec_pipe *pp, uint64_t now_ns);
/** Keys reading history. */
uint64_t rec_pipe_catching_up(const struct rec_pipe *pp);
const struct rec_figures *rec_pipe_figures(const struct rec_pipe *pp);

#endif /* REC_PIPE_H */
