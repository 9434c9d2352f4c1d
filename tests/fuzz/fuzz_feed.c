/*
 * fuzz_feed.c - libFuzzer target for the viewer-side decoders: feed packet,
 * re-request and attention hint. Accepted feed packets must iterate to
 * exactly their message count within the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sp_feed.h"
#include "sp_hint.h"
#include "sp_rereq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sp_feed_hdr h;
	struct sp_feed_msg m;
	struct sp_rereq rq;
	struct sp_hint hint;
	size_t off = 0;
	unsigned int n = 0;

	(void)sp_rereq_decode(data, size, &rq);
	(void)sp_hint_decode(data, size, &hint);
	if (sp_feed_decode(data, size, &h) != SP_FEED_E_OK)
		return 0;
	while (sp_feed_next(data, size, &off, &m)) {
		if (m.raw < data || m.raw + m.raw_len > data + size)
			abort();
		n++;
	}
	if (n != h.count || (h.count && off != size))
		abort();
	return 0;
}
