/* cp_batch.h - words queued for Redis, to go as one script call's
 * arguments per CP_BATCH (the daemon's registry, last_seen and
 * subscription reads). */
#ifndef CP_BATCH_H
#define CP_BATCH_H

#include <stdint.h>
#include <stddef.h>

/** Words per script call. */
#define CP_BATCH 256

/** The words end to end in one buffer, each ended by a NUL: no
 * allocation per word (the daemon queues a word per active sensor every
 * controlplane.last_seen_s). */
struct cp_batch {
	char *buf;                   /* the words, each ended by a NUL */
	size_t len, cap;
	uint32_t *end;               /* end[i]: offset just past word i's NUL */
	uint32_t n, ncap;
};

/** Queue word @p w. @return the words queued, 0 when out of memory. */
uint32_t cp_batch_push(struct cp_batch *b, const char *w);
/** Word @p i (< b->n). */
const char *cp_batch_word(const struct cp_batch *b, uint32_t i);
/** Words @p off to @p off + @p k - 1 as one string, joined by spaces (in
 * place: those words are no longer separate until the next clear). */
const char *cp_batch_join(struct cp_batch *b, uint32_t off, uint32_t k);
/** Forget the queued words (and keep the memory for the next ones). */
void cp_batch_clear(struct cp_batch *b);
/** Free the memory of @p b. */
void cp_batch_free(struct cp_batch *b);

#endif
