/*
 * rec_subs.h - the recorder's side of attention on one node: its recording
 * viewer (`viewer add NAME GROUP:PORT LEVEL record`, common/CONTROL.md,
 * "Recording"), a subscription per chosen sensor the dataplane has (found
 * by paging `sensors`, again every few seconds for new ones), and the
 * dataplane's run (`ping`'s session).
 */
#ifndef REC_SUBS_H
#define REC_SUBS_H

#include <stddef.h>
#include <stdint.h>

#include "rec_spec.h"

struct sp_ctl;
struct rec_subs;

struct rec_subs_params {
	const char *name;          /* the viewer */
	const char *lens;          /* its lens, GROUP:PORT */
	const char *level;         /* of its subscriptions: batching */
	const struct rec_spec *spec;
	const struct sp_catalog *cat;
};

/** @return the state, or NULL (no memory). Strings are copied. */
struct rec_subs *rec_subs_create(const struct rec_subs_params *p);
void rec_subs_free(struct rec_subs *s);

/**
 * Make the recording viewer, or take the one a previous run of this
 * recorder left (same name, lens, and a recorder's). @return 0, or -1
 * with @p err saying why (a viewer of that name that is not this one's).
 */
int rec_subs_viewer(struct rec_subs *s, struct sp_ctl *ctl, char *err,
		    size_t errlen);

/** Remove the viewer (its subscriptions go with it). @return 0 or -1. */
int rec_subs_viewer_rm(struct rec_subs *s, struct sp_ctl *ctl, char *err,
		       size_t errlen);

/**
 * Subscribe every chosen sensor the dataplane has that is not yet.
 * @p added gets how many were subscribed now, @p refused how many the
 * dataplane refused (each named in @p err's last). @return 0, or -1
 * when the control socket failed.
 */
int rec_subs_scan(struct rec_subs *s, struct sp_ctl *ctl, unsigned int *added,
		  unsigned int *refused, char *err, size_t errlen);

/** Sensors subscribed. */
uint64_t rec_subs_count(const struct rec_subs *s);

/** The dataplane restarted: its viewers and subscriptions are gone. */
void rec_subs_forget(struct rec_subs *s);

/** The dataplane's run: `ping`'s session. @return it, 0 with @p err set
 * on failure. */
uint64_t rec_subs_session(struct sp_ctl *ctl, char *err, size_t errlen);

#endif /* REC_SUBS_H */
