/*
 * dp_pages.h - which pages the process's DPDK memory is on, for the log
 * and the `ping` answer: benchmarks and operators must be able to say
 * whether a figure came from 1 GB, 2 MB or ordinary (--no-huge) pages.
 */
#ifndef DP_PAGES_H
#define DP_PAGES_H

#include <stddef.h>
#include <stdint.h>

/** The memory in use on pages of one size. */
struct dp_pages {
	uint64_t page_sz;   /* the largest page size in use, bytes */
	uint64_t bytes;     /* memory on pages of that size */
	uint64_t total;     /* memory on pages of every size */
	int huge;           /* 0 under --no-huge */
};

/** Read what EAL has mapped now (takes the memory lock: not on a worker). */
void dp_pages_get(struct dp_pages *p);

/**
 * Describe @p p in @p buf, e.g. "1 GB hugepages (2048 MB)" or "4 KB pages
 * (--no-huge, 1024 MB)". @return @p buf.
 */
char *dp_pages_describe(const struct dp_pages *p, char *buf, size_t len);

#endif /* DP_PAGES_H */
