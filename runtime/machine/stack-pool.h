/* stack-pool.h: the stack pool's internals shared with coro.c and its
 * tests (internal, not installed).
 *
 * A stack is one slot of an arena: a page that is a PROT_NONE guard when
 * the map budget allows it, then the usable bytes. When the page is not a
 * guard, its top BRAID__STACK_CANARY_BYTES, just below the usable bytes,
 * are a canary zone: no legitimate frame reaches it, so it stays zero (a
 * fresh anonymous page reads as zero without costing memory), and a
 * switch that finds it non-zero has caught an overflow. Being outside the
 * usable range, the zone is not counted by braid__coro_stack_resident.
 */
#ifndef BRAID_STACK_POOL_H
#define BRAID_STACK_POOL_H

#include "coro.h"

#define BRAID__STACK_CANARY_BYTES 64

struct braid__stack
{
  unsigned char *base;    /* lowest usable byte */
  const uint64_t *canary; /* the canary zone below base, or NULL
                             when a guard page is there instead */
  size_t size;            /* usable bytes, a multiple of the page */
  braid__stack_pool *pool;
  struct braid__stack *next_free;
  unsigned valgrind_id; /* valgrind's stack id, when registered */
  bool guarded;         /* a PROT_NONE page lies just below base */
};

/* Takes a stack from @pool: the most recently freed one, else a new slot
 * (mapping a new arena when all are used). Returns NULL when no memory
 * can be mapped. */
struct braid__stack *braid__stack_acquire (braid__stack_pool *pool);

/* Gives @stack back to its pool. Past the pool's warm cache the stack's
 * pages are returned to the kernel (the address range stays reserved),
 * in batches of neighbouring stacks. */
void braid__stack_release (struct braid__stack *stack);

/* True when @addr lies in the guard page of one of @pool's stacks. Only
 * reads the pool, so the overflow handler may call it. */
bool braid__stack_pool_is_guard (const braid__stack_pool *pool,
                                 const void *addr);

/* Returns to the kernel, now, the pages of the freed stacks past the warm
 * cache that braid__stack_release batched (it does so by itself every
 * 64 MiB of such stacks). Only the tests call it. */
void braid__stack_pool_trim (braid__stack_pool *pool);

/* The page size, read once. */
size_t braid__stack_page_size (void);

/* Test and diagnostic hooks. */

/* Sets how many memory mappings this process's stack pools may create
 * (arenas and the splits made by guard pages), replacing the default of
 * half of /proc/sys/vm/max_map_count; 0 restores that default. */
void braid__stack_set_map_budget (size_t maps);
/* The mappings the pools account for right now. */
size_t braid__stack_maps_used (void);
/* How many times @pool called mmap for stacks. */
size_t braid__stack_pool_mmap_count (const braid__stack_pool *pool);
/* The usable size of the stacks of @pool. */
size_t braid__stack_pool_stack_size (const braid__stack_pool *pool);

#endif /* BRAID_STACK_POOL_H */
