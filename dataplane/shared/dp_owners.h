/*
 * dp_owners.h - which worker owns each sensor when ownership follows the
 * NIC (dataplane.owner_by_queue): the worker whose RX queue a sensor's
 * packets first arrive on claims it, so with RSS spreading flows over the
 * queues a sensor's packets are handled where they land and cross no
 * ring. A packet of a sensor that another worker owns (its flow moved to
 * another queue, or a gateway's flow carries many sensors) is handed to
 * the owner over the hand-off ring, as with ownership by hash.
 *
 * One rte_hash for the run, id -> owner: read lock-free by every worker
 * and the control thread; claims (a sensor's first packet, or the
 * control thread posting a command for a sensor nobody has yet) are
 * serialised by a spinlock and never overwrite: the first claim wins.
 * Entries are never removed (a sensor's state lives as long as the run).
 */
#ifndef DP_OWNERS_H
#define DP_OWNERS_H

#include <stdint.h>

struct dp_owners;

/** A directory of up to @p entries sensors; NULL on failure. */
struct dp_owners *dp_owners_create(const char *name, uint32_t entries,
				   int socket);

void dp_owners_free(struct dp_owners *o);

/** The owner of sensor @p id, or -1 if nobody has claimed it. */
int dp_owners_get(const struct dp_owners *o, uint64_t id);

/**
 * Claim sensor @p id for worker @p want unless somebody owns it already.
 * @return the owner (@p want, or the earlier claimant), or -1 when the
 * directory is full (the caller falls back to ownership by hash).
 */
int dp_owners_claim(struct dp_owners *o, uint64_t id, unsigned int want);

/** Sensors claimed. */
uint32_t dp_owners_count(const struct dp_owners *o);

#endif /* DP_OWNERS_H */
