/*
 * sp_hint.h - the attention hint of PROTOCOL.md section 4 (appliance to a
 * sensor that set HINT): 16 bytes.
 */
#ifndef SP_HINT_H
#define SP_HINT_H

#include <stddef.h>
#include <stdint.h>

#include "sp_level.h"

#define SP_HINT_MAGIC 0x5348u /* "SH" */
#define SP_HINT_LEN   16u


struct sp_hint {
	uint8_t level;      /* enum sp_level (sp_level.h) */
	uint32_t batch_ms;  /* recommended batch window */
	uint64_t sensor_id;
};

enum sp_hint_err {
	SP_HINT_OK = 0,
	SP_HINT_LEN_BAD,
	SP_HINT_MAGIC_BAD,
	SP_HINT_VERSION_BAD,
	SP_HINT_LEVEL_BAD,
	SP_HINT_SENSOR_BAD,
};


/** Encode into @p p (16 bytes). @return 16. */
size_t sp_hint_encode(uint8_t *p, const struct sp_hint *h);

/** Decode and validate @p len bytes. */
enum sp_hint_err sp_hint_decode(const uint8_t *p, size_t len,
				struct sp_hint *h);

#endif /* SP_HINT_H */
