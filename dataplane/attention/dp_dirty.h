/*
 * dp_dirty.h - dirty vectors: what an out owes at one cadence, as route
 * indices in blocks of one cache line, the newest block first (the router
 * keeps them instead of its dirty lists when the `dirtyvec` switch is on;
 * dp_route.h).
 *
 * A list threaded through the routes makes a flush a pointer chase: the
 * next route is known only once this one has come from memory. A vector
 * names the routes ahead, so a flush asks for a route, its key and its
 * history several entries before it gets to them.
 *
 * The blocks come from one pool that the caller sizes with
 * dp_dirty_blocks(); nothing here allocates, so the router stays EAL-free.
 * Inline only: the router's mark is on the per-sample path.
 */
#ifndef DP_DIRTY_H
#define DP_DIRTY_H

#include <errno.h>
#include <stdint.h>

/* Entries in a block: a next pointer and a count leave 13 of 4 bytes. */
#define DP_DIRTY_BLK_N 13

struct dp_dirty_blk {
	struct dp_dirty_blk *next;      /* older block of the same vector */
	uint32_t n;                     /* entries used, oldest first */
	uint32_t rt[DP_DIRTY_BLK_N];    /* route indices */
};
_Static_assert(sizeof(struct dp_dirty_blk) == 64, "a block is one line");

struct dp_dirty_pool {
	struct dp_dirty_blk *free;
	uint32_t nblk;
	uint32_t used;                  /* blocks on vectors now */
	uint64_t dry;                   /* appends refused for want of a
					 * block: never, when the pool has
					 * dp_dirty_blocks() of them */
};

/**
 * Blocks enough for vectors that together hold at most @p entries
 * distinct entries, spread over at most @p nvec vectors. Each vector fills
 * a block before it takes another and gives all of its blocks back at
 * once, so only its newest block is ever partly used: a vector of e
 * entries holds ceil(e / 13) = floor((e + 12) / 13) blocks, and nvec
 * vectors holding E entries in all at most
 * floor((E + 12 nvec) / 13) <= floor(E / 13) + nvec.
 */
static inline uint32_t dp_dirty_blocks(uint32_t entries, uint32_t nvec)
{
	return entries / DP_DIRTY_BLK_N + nvec;
}

/** Make @p p the pool of the @p n blocks at @p blk (the first taken
 * first). */
static inline void dp_dirty_pool_init(struct dp_dirty_pool *p,
				      struct dp_dirty_blk *blk, uint32_t n)
{
	p->free = NULL;
	p->nblk = n;
	p->used = 0;
	p->dry = 0;
	for (uint32_t i = n; i-- > 0;) {
		blk[i].next = p->free;
		blk[i].n = 0;
		p->free = &blk[i];
	}
}

/**
 * Append @p idx to the vector whose newest block is @p *head (NULL:
 * empty), taking a block from @p p when that one is full.
 * @return 0, or -ENOBUFS when the pool is empty (counted in p->dry).
 */
static inline int dp_dirty_append(struct dp_dirty_pool *p,
				  struct dp_dirty_blk **head, uint32_t idx)
{
	struct dp_dirty_blk *b = *head;

	if (b == NULL || b->n == DP_DIRTY_BLK_N) {
		struct dp_dirty_blk *nb = p->free;

		if (nb == NULL) {
			p->dry++;
			return -ENOBUFS;
		}
		p->free = nb->next;
		p->used++;
		nb->next = b;
		nb->n = 0;
		*head = b = nb;
	}
	b->rt[b->n++] = idx;
	return 0;
}

/** Give block @p b back to @p p (its entries are the caller's to read
 * first). */
static inline void dp_dirty_put(struct dp_dirty_pool *p,
				struct dp_dirty_blk *b)
{
	b->next = p->free;
	p->free = b;
	p->used--;
}

#endif /* DP_DIRTY_H */
