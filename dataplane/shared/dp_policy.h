/*
 * dp_policy.h - what the dataplane does with a sensor packet by its source
 * address, before it reads the packet: refuse it ([security] allow, deny)
 * and whether its sensor must sign it (require_mac, require_mac_from).
 *
 * Every prefix of the three lists goes into one DPDK LPM table whose next
 * hop is the policy of that prefix, computed so that one longest-prefix
 * lookup answers both questions: the ACL verdict is the longest allow or
 * deny prefix that holds the address (deny wins a tie; none: allowed when
 * the allow list is empty), and a MAC is required when require_mac is on or
 * any require_mac_from prefix holds it. With no lists there is no table
 * and no lookup on the fast path.
 */
#ifndef DP_POLICY_H
#define DP_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "sp_config.h"

struct rte_lpm;

#define DP_POL_DENY 0x1u  /* drop: acl_deny */
#define DP_POL_MAC  0x2u  /* the sensor must sign (SP_PARSE_REQUIRE_MAC) */

struct dp_policy {
	struct rte_lpm *lpm;     /* NULL: every address gets dflt */
	uint32_t dflt;           /* DP_POL_* of an address no prefix holds */
	unsigned int prefixes;
};

/**
 * Build the policy of @p cfg on NUMA @p socket.
 * @return 0, or -1 with @p err naming the key and entry at fault.
 */
int dp_policy_init(struct dp_policy *p, const struct sp_config *cfg,
		   int socket, char *err, size_t errlen);

/** Free the table; the struct may be initialised again. */
void dp_policy_free(struct dp_policy *p);

/** The table's answer for @p ip (host order); dp_policy_of() asks. */
uint32_t dp_policy_lookup(const struct dp_policy *p, uint32_t ip);

/** DP_POL_* of source @p ip (host order): no call without lists. */
static inline uint32_t dp_policy_of(const struct dp_policy *p, uint32_t ip)
{
	return p->lpm ? dp_policy_lookup(p, ip) : p->dflt;
}

#endif /* DP_POLICY_H */
