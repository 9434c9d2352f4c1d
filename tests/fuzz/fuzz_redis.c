/*
 * fuzz_redis.c - libFuzzer target for what the daemon reads back from
 * Redis and its own configuration of it: event messages of the channel
 * (cp_event_parse, then every item of a sensor list), subscription
 * members (cp_sub_member_parse) and Redis URLs (cp_url_parse). Each is
 * taken or refused; an accepted one must be what it says.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cp_schema.h"
#include "cp_url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[4096], err[256];
	struct cp_event e;
	struct cp_sensor_item it;
	struct cp_url u;
	const char *cur;
	uint64_t sensor;
	uint16_t attr;
	int rc, n = 0;

	if (size >= sizeof(msg))
		return 0;
	memcpy(msg, data, size);
	msg[size] = '\0';
	if (cp_event_parse(msg, &e) == 0) {
		if (memchr(e.name, '\0', sizeof(e.name)) == NULL)
			abort();
		if (e.items) {
			if (e.items < msg || e.items > msg + size)
				abort();
			cur = e.items;
			while ((rc = cp_event_next_sensor(&cur, &it)) == 1) {
				if (cur < msg || cur > msg + size || ++n > 4096)
					abort();
			}
		}
	}
	if (cp_sub_member_parse(msg, &sensor, &attr) == 0 && sensor == 0)
		abort();
	if (cp_url_parse(msg, &u, err, sizeof(err)) < 0 && err[0] == '\0')
		abort();
	return 0;
}
