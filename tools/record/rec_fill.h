/*
 * rec_fill.h - reading a key's missing samples back from the dataplane's
 * history over the control socket (`history SENSOR/ATTR after VERSION`,
 * common/CONTROL.md), into a batch.
 */
#ifndef REC_FILL_H
#define REC_FILL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rec_batch.h"
#include "rec_table.h"

struct sp_ctl;

struct rec_fill {
	uint64_t received;         /* the key's newest version now */
	uint64_t lost;             /* versions after `after` the ring had
				    * no more */
	uint32_t n;                /* samples appended to the batch */
	uint64_t v_last;           /* version of the last one appended */
	uint64_t t_last_ns;
	uint8_t dim;
	int gone;                  /* the dataplane has no such key */
};

/**
 * Parse one `history` answer object (@p h) of key @p k (index @p kidx),
 * asked for the samples after version @p after: append them to @p b and
 * say in @p f what the ring no longer held. @return 0, or -1 with @p err
 * naming what in the answer was wrong.
 */
int rec_fill_parse(const json_t *h, const struct rec_key *k, uint32_t kidx,
		   uint64_t after, struct rec_batch *b, struct rec_fill *f,
		   char *err, size_t errlen);

/**
 * Ask @p ctl for the samples of @p k after version @p after (at most 4096
 * an answer) and parse them as rec_fill_parse(). A key the dataplane does
 * not have (any more) is f->gone, not an error. @return 0, or -1 with
 * @p err set (the connection, or the answer).
 */
int rec_fill_read(struct sp_ctl *ctl, const struct rec_key *k, uint32_t kidx,
		  uint64_t after, struct rec_batch *b, struct rec_fill *f,
		  char *err, size_t errlen);

#endif /* REC_FILL_H */
