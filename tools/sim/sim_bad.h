/*
 * sim_bad.h - turn a valid sensor packet into a malformed one of a given
 * kind; the kinds are the protocol's drop reasons (enum sp_drop), so the
 * dataplane's counters can be compared reason by reason.
 */
#ifndef SIM_BAD_H
#define SIM_BAD_H

#include <stddef.h>
#include <stdint.h>

#include "sp_wire.h"

/**
 * Mutate the valid one-record packet @p buf of @p *len bytes (room for 64
 * more) so that it is dropped for @p kind. @p keyed says whether the
 * sensor has a MAC key (mac_missing and mac_bad need one).
 * @return 0, or -1 when the kind does not apply to this packet.
 */
int sim_bad_make(uint8_t *buf, size_t *len, enum sp_drop kind, int keyed);

#endif /* SIM_BAD_H */
