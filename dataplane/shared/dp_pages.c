/*
 * dp_pages.c - which pages DPDK's memory is on (see dp_pages.h).
 */
#include "dp_pages.h"

#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_memory.h>

static int one_list(const struct rte_memseg_list *msl, void *arg)
{
	struct dp_pages *p = arg;
	uint64_t used = (uint64_t)msl->memseg_arr.count * msl->page_sz;

	if (msl->external || used == 0)
		return 0;
	p->total += used;
	if (msl->page_sz > p->page_sz) {
		p->page_sz = msl->page_sz;
		p->bytes = used;
	} else if (msl->page_sz == p->page_sz) {
		p->bytes += used;
	}
	return 0;
}

void dp_pages_get(struct dp_pages *p)
{
	memset(p, 0, sizeof(*p));
	p->huge = rte_eal_has_hugepages();
	rte_memseg_list_walk(one_list, p);
}

char *dp_pages_describe(const struct dp_pages *p, char *buf, size_t len)
{
	uint64_t sz = p->page_sz;

	if (!p->huge)
		snprintf(buf, len, "4 KB pages (--no-huge, %llu MB)",
			 (unsigned long long)(p->total >> 20));
	else if (sz >= (1ull << 30))
		snprintf(buf, len, "%llu GB hugepages (%llu MB)",
			 (unsigned long long)(sz >> 30),
			 (unsigned long long)(p->bytes >> 20));
	else if (sz >= (1ull << 20))
		snprintf(buf, len, "%llu MB hugepages (%llu MB)",
			 (unsigned long long)(sz >> 20),
			 (unsigned long long)(p->bytes >> 20));
	else
		snprintf(buf, len, "%llu KB pages (%llu MB)",
			 (unsigned long long)(sz >> 10),
			 (unsigned long long)(p->bytes >> 20));
	if (p->huge && p->total > p->bytes) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " and %llu MB on smaller pages",
			 (unsigned long long)((p->total - p->bytes) >> 20));
	}
	return buf;
}
