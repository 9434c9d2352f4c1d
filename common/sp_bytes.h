/*
 * sp_bytes.h - unaligned-safe big-endian loads and stores.
 *
 * Every wire format of senseplane is big-endian and unaligned (PROTOCOL.md).
 * memcpy into a local lets the compiler emit one load plus a byte swap on
 * x86 and stays correct on strict-alignment targets.
 */
#ifndef SP_BYTES_H
#define SP_BYTES_H

#include <stdint.h>
#include <string.h>

static inline uint16_t sp_get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return __builtin_bswap16(v);
}

static inline uint32_t sp_get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return __builtin_bswap32(v);
}

static inline uint64_t sp_get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return __builtin_bswap64(v);
}

static inline void sp_put16(uint8_t *p, uint16_t v)
{
	v = __builtin_bswap16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void sp_put32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void sp_put64(uint8_t *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, sizeof(v));
}

#endif /* SP_BYTES_H */
