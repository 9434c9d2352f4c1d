/*
 * dp_link.c - link state from LSC events or polling (see dp_link.h).
 */
#include "dp_link.h"

#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#define POLL_NS 100000000ull

/* Read the link; log and count a change. Called from the interrupt
 * thread (LSC) and the control thread (polling): whichever sees a change
 * first swaps the state and reports it, once. */
static void refresh(struct dp_link *l)
{
	struct rte_eth_link link;
	char text[RTE_ETH_LINK_MAX_STR_LEN];
	uint32_t was;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(l->port_id, &link) != 0)
		return;
	was = !link.link_status;
	if (!__atomic_compare_exchange_n(&l->up, &was, link.link_status, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&l->speed_mbps, link.link_speed, __ATOMIC_RELAXED);
	__atomic_add_fetch(&l->changes, 1, __ATOMIC_RELEASE);
	rte_eth_link_to_str(text, sizeof(text), &link);
	printf("senseplane-dp: port %u: %s\n", l->port_id, text);
	fflush(stdout);
}

static int on_lsc(uint16_t port_id, enum rte_eth_event_type type, void *arg,
		  void *ret)
{
	(void)port_id;
	(void)type;
	(void)ret;
	refresh(arg);
	return 0;
}

int dp_link_start(struct dp_link *l, uint16_t port_id, int lsc)
{
	struct rte_eth_link link;

	memset(l, 0, sizeof(*l));
	l->port_id = port_id;
	l->lsc = lsc;
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port_id, &link) == 0) {
		l->up = link.link_status;
		l->speed_mbps = link.link_speed;
	}
	if (lsc)
		return rte_eth_dev_callback_register(port_id,
				RTE_ETH_EVENT_INTR_LSC, on_lsc, l);
	return 0;
}

void dp_link_stop(struct dp_link *l)
{
	if (l->lsc)
		rte_eth_dev_callback_unregister(l->port_id,
				RTE_ETH_EVENT_INTR_LSC, on_lsc, l);
	l->lsc = 0;
}

void dp_link_poll(struct dp_link *l, uint64_t now_ns)
{
	/* with LSC too: not every PMD that has the events reports each */
	if (now_ns - l->last_poll_ns < POLL_NS)
		return;
	l->last_poll_ns = now_ns;
	l->polls++;
	refresh(l);
}
