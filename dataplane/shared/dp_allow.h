/*
 * dp_allow.h - a list of IPv4 networks ("10.0.0.0/8,192.168.1.7") that may
 * use a service: the re-request server answers only them. EAL-free.
 */
#ifndef DP_ALLOW_H
#define DP_ALLOW_H

#include <stddef.h>
#include <stdint.h>

#define DP_ALLOW_MAX 32

struct dp_allow {
	unsigned int n;
	uint32_t net[DP_ALLOW_MAX];    /* host order */
	uint32_t mask[DP_ALLOW_MAX];
};

/**
 * Parse a comma-separated CIDR list (an address alone is a /32; an empty
 * list allows nobody). @return 0, or -1 with @p err naming the bad entry.
 */
int dp_allow_parse(struct dp_allow *a, const char *list, char *err,
		   size_t errlen);

/** 1 when @p ip (host order) is in one of the networks. */
int dp_allow_match(const struct dp_allow *a, uint32_t ip);

#endif /* DP_ALLOW_H */
