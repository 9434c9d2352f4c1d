/*
 * dp_policy.c - source policy in one LPM table (see dp_policy.h).
 */
#include "dp_policy.h"

#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
/* rte_lpm.h's bulk lookup uses a variable-length array */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvla"
#include <rte_lpm.h>
#pragma GCC diagnostic pop

#include "dp_allow.h"

enum list { L_ALLOW, L_DENY, L_MAC, L__N };

static const char *const list_key[L__N] = {
	"security.allow", "security.deny", "security.require_mac_from",
};

/* Does network (@p net, @p mask) hold network (@p n2, @p m2)? */
static int holds(uint32_t net, uint32_t mask, uint32_t n2, uint32_t m2)
{
	return (mask & m2) == mask && (n2 & mask) == net;
}

static unsigned int depth_of(uint32_t mask)
{
	return (unsigned int)__builtin_popcount(mask);
}

/* The policy of every address inside (@p net, @p mask) that no longer
 * prefix holds. */
static uint32_t policy_of_prefix(const struct dp_allow l[L__N], bool mac,
				 uint32_t net, uint32_t mask)
{
	int best = -1, deny = l[L_ALLOW].n > 0;
	uint32_t pol = 0;

	for (int t = L_ALLOW; t <= L_DENY; t++) {
		for (unsigned int i = 0; i < l[t].n; i++) {
			int d = (int)depth_of(l[t].mask[i]);

			if (!holds(l[t].net[i], l[t].mask[i], net, mask))
				continue;
			if (d > best || (d == best && t == L_DENY)) {
				best = d;
				deny = t == L_DENY;
			}
		}
	}
	for (unsigned int i = 0; !mac && i < l[L_MAC].n; i++)
		mac = holds(l[L_MAC].net[i], l[L_MAC].mask[i], net, mask);
	if (deny)
		pol |= DP_POL_DENY;
	if (mac)
		pol |= DP_POL_MAC;
	return pol;
}

int dp_policy_init(struct dp_policy *p, const struct sp_config *cfg,
		   int socket, char *err, size_t errlen)
{
	const char *text[L__N] = { cfg->src_allow, cfg->src_deny,
				   cfg->require_mac_from };
	struct dp_allow l[L__N];
	struct rte_lpm_config lc = { .max_rules = L__N * DP_ALLOW_MAX,
				     .number_tbl8s = 256 };
	char why[200];

	memset(p, 0, sizeof(*p));
	for (int t = 0; t < L__N; t++) {
		if (dp_allow_parse(&l[t], text[t], why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: %s", list_key[t], why);
			return -1;
		}
		p->prefixes += l[t].n;
	}
	p->dflt = policy_of_prefix(l, cfg->require_mac, 0, 0);
	if (p->prefixes == 0)
		return 0;
	p->lpm = rte_lpm_create("sp_policy", socket, &lc);
	if (p->lpm == NULL) {
		snprintf(err, errlen, "security: cannot allocate the source "
			 "policy table: %s", rte_strerror(rte_errno));
		return -1;
	}
	for (int t = 0; t < L__N; t++) {
		for (unsigned int i = 0; i < l[t].n; i++) {
			uint32_t pol = policy_of_prefix(l, cfg->require_mac,
							l[t].net[i],
							l[t].mask[i]);

			/* /0 is the default; the same prefix twice gets the
			 * same answer */
			if (l[t].mask[i] == 0)
				continue;
			if (rte_lpm_add(p->lpm, l[t].net[i],
					(uint8_t)depth_of(l[t].mask[i]),
					pol) < 0) {
				snprintf(err, errlen, "%s: cannot add entry %u "
					 "to the policy table", list_key[t],
					 i + 1);
				dp_policy_free(p);
				return -1;
			}
		}
	}
	return 0;
}

void dp_policy_free(struct dp_policy *p)
{
	rte_lpm_free(p->lpm);
	p->lpm = NULL;
}

uint32_t dp_policy_lookup(const struct dp_policy *p, uint32_t ip)
{
	uint32_t nh;

	return rte_lpm_lookup(p->lpm, ip, &nh) == 0 ? nh : p->dflt;
}
