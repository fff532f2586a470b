/* stack-pool.c: where coroutine stacks come from.
 *
 * Owns the arenas stacks are carved from, their guard pages, the map
 * budget that limits guard pages, the free list, and valgrind's stack
 * registrations (of the stacks in use). A pool belongs to one loop and is not
 * thread-safe; the map budget is process-wide and atomic.
 *
 * An arena is one mmap (MAP_NORESERVE, so only touched pages cost memory)
 * of `count` slots of `stride` bytes: a guard page, then the usable stack.
 * One mapping serves many stacks, which matters because the kernel limits
 * the mappings of a process (vm.max_map_count, 65530 by default) and a
 * million tasks must fit. A slot gets its guard (an mprotect that splits
 * the arena's mapping, costing up to two map entries) the first time it
 * is handed out, while the pools' mappings stay within the budget, half of
 * max_map_count by default; slots past the budget rely on a canary zone
 * at the top of that page instead.
 *
 * Hot path: braid__stack_acquire and braid__stack_release on a warm pool,
 * which only pop and push the free list. Stacks released while more than
 * WARM_STACKS are already free have their pages returned to the kernel
 * with madvise, so a burst of a million tasks does not stay resident.
 * Tasks tend to end in the order they started, so neighbouring stacks are
 * freed one after another: they are collected into one pending range and
 * returned with one madvise per COLD_BATCH_BYTES (a system call per stack
 * cost 3 us each, most of a million tasks' teardown).
 */
#include "stack-pool.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "braid-config.h"

#ifdef HAVE_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#ifndef MAP_STACK
#define MAP_STACK 0
#endif
#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0
#endif

#define DEFAULT_STACK_SIZE (256 * 1024)
#define FIRST_ARENA_SLOTS 16
#define MAX_ARENA_SLOTS 1024
/* Free stacks kept with their pages; the ones freed past this are
 * madvise'd. */
#ifndef WARM_STACKS
#define WARM_STACKS 64
#endif
/* The most address space gathered before one madvise. */
#define COLD_BATCH_BYTES ((size_t)64 * 1024 * 1024)

typedef struct arena arena;
struct arena
{
  arena *next;
  unsigned char *mem;
  size_t count; /* slots */
  size_t used;  /* slots handed out at least once */
  size_t maps;  /* map entries accounted for this arena */
  struct braid__stack slots[];
};

struct braid__stack_pool
{
  size_t stack_size; /* usable bytes */
  size_t stride;     /* guard page + usable bytes */
  arena *arenas;     /* newest first; only the newest has
                        never-used slots */
  struct braid__stack *free_list;
  size_t n_free;
  /* Freed cold stacks whose pages are still to be returned: the range
   * [cold_lo, cold_hi) spans whole slots (guard page included, which
   * madvise leaves as it is or keeps zero). */
  unsigned char *cold_lo, *cold_hi;
  size_t next_arena_slots;
  size_t n_mmaps;
  /* Running under valgrind when the pool was made: only then are the
   * stacks in use registered with it (stack_take, braid__stack_release). */
  bool valgrind;
};

static size_t page_size;
static _Atomic size_t map_budget; /* 0 until first read */
static _Atomic size_t maps_used;

size_t
braid__stack_page_size (void)
{
  if (page_size == 0)
    {
      long p = sysconf (_SC_PAGESIZE);
      page_size = p > 0 ? (size_t)p : 4096;
    }
  return page_size;
}

/* Reads vm.max_map_count once and keeps half of it for stacks: the rest
 * is the program's (its libraries, heap arenas, threads' stacks). */
static size_t
get_map_budget (void)
{
  size_t budget = atomic_load_explicit (&map_budget, memory_order_relaxed);
  if (budget != 0)
    return budget;

  size_t max = 65530;
  int fd = open ("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
  if (fd >= 0)
    {
      char buf[32];
      ssize_t n = read (fd, buf, sizeof buf - 1);
      if (n > 0)
        {
          buf[n] = '\0';
          unsigned long long v = strtoull (buf, NULL, 10);
          if (v > 0)
            max = (size_t)v;
        }
      close (fd);
    }
  budget = max / 2;
  size_t expected = 0;
  if (!atomic_compare_exchange_strong (&map_budget, &expected, budget))
    budget = expected;
  return budget;
}

void
braid__stack_set_map_budget (size_t maps)
{
  atomic_store (&map_budget, maps);
}

size_t
braid__stack_maps_used (void)
{
  return atomic_load (&maps_used);
}

/* Reserves @n map entries for guards if the budget allows it. Guards
 * may use seven eighths of the budget: the rest is kept for the arenas
 * mapped later (a million stacks take about a thousand arenas), which are
 * never refused. */
static bool
reserve_guard_maps (size_t n)
{
  size_t budget = get_map_budget ();
  budget -= budget / 8;
  size_t used = atomic_load_explicit (&maps_used, memory_order_relaxed);
  do
    {
      if (used + n > budget)
        return false;
    }
  while (!atomic_compare_exchange_weak (&maps_used, &used, used + n));
  return true;
}

braid__stack_pool *
braid__stack_pool_new (size_t stack_size)
{
  size_t page = braid__stack_page_size ();
  if (stack_size == 0)
    stack_size = DEFAULT_STACK_SIZE;
  if (stack_size > ((size_t)1 << 40))
    return NULL;
  stack_size = (stack_size + page - 1) & ~(page - 1);

  braid__stack_pool *pool = calloc (1, sizeof *pool);
  if (pool == NULL)
    return NULL;
  pool->stack_size = stack_size;
  pool->stride = stack_size + page;
  pool->next_arena_slots = FIRST_ARENA_SLOTS;
#ifdef HAVE_VALGRIND_H
  pool->valgrind = RUNNING_ON_VALGRIND != 0;
#endif
  return pool;
}

void
braid__stack_pool_free (braid__stack_pool *pool)
{
  if (pool == NULL)
    return;
  arena *a = pool->arenas;
  while (a != NULL)
    {
      arena *next = a->next;
      munmap (a->mem, a->count * pool->stride);
      atomic_fetch_sub (&maps_used, a->maps);
      free (a);
      a = next;
    }
  free (pool);
}

/* Maps a new arena, with room for twice as many slots as the last one up
 * to MAX_ARENA_SLOTS, so small programs reserve little and big ones use
 * few mappings; half as many when the mapping fails. The arena's own
 * mapping is always allowed: the budget only limits guards. */
static arena *
arena_new (braid__stack_pool *pool)
{
  size_t count = pool->next_arena_slots;
  arena *a = calloc (1, sizeof *a + count * sizeof a->slots[0]);
  if (a == NULL)
    return NULL;
  void *mem;
  for (;;)
    {
      mem = mmap (NULL, count * pool->stride, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1,
                  0);
      if (mem != MAP_FAILED)
        break;
      /* Address space is short (a ulimit -v, valgrind, a 32-bit
       * process): settle for fewer stacks this time. */
      if (count == 1)
        goto fail_free;
      count /= 2;
      pool->next_arena_slots = count;
    }

  pool->n_mmaps++;
  a->mem = mem;
  a->count = count;
  a->maps = 1;
  atomic_fetch_add (&maps_used, 1);
  a->next = pool->arenas;
  pool->arenas = a;
  if (pool->next_arena_slots < MAX_ARENA_SLOTS)
    pool->next_arena_slots *= 2;
  return a;

fail_free:
  free (a);
  return NULL;
}

/* Prepares a slot the first time it is handed out: its guard page while
 * the budget allows. */
static void
slot_prepare (braid__stack_pool *pool, arena *a, size_t i)
{
  struct braid__stack *s = &a->slots[i];
  unsigned char *slot = a->mem + i * pool->stride;
  size_t page = braid__stack_page_size ();

  s->base = slot + page;
  s->size = pool->stack_size;
  s->pool = pool;
  /* A guard in the middle of the arena splits its mapping in three
   * (two new entries); neighbouring guards share splits, so this
   * overcounts, which only keeps a wider margin. */
  if (reserve_guard_maps (2))
    {
      if (mprotect (slot, page, PROT_NONE) == 0)
        {
          s->guarded = true;
          a->maps += 2;
        }
      else
        atomic_fetch_sub (&maps_used, 2);
    }
  if (!s->guarded)
    s->canary = (const uint64_t *)(s->base - BRAID__STACK_CANARY_BYTES);
}

/* Registers @s, now in use, with valgrind, which is told only of the
 * stacks in use: it searches its list of stacks linearly, so a million
 * idle ones would slow it to a crawl. Outside valgrind the requests would
 * be a dozen no-op instructions each, a tenth of a stack's acquire and
 * release: the pool asked once whether valgrind runs. */
static inline void
stack_take (struct braid__stack *s)
{
#ifdef HAVE_VALGRIND_H
  if (__builtin_expect (s->pool->valgrind, 0))
    s->valgrind_id = VALGRIND_STACK_REGISTER (s->base, s->base + s->size);
#endif
}

/* Returns the pending cold range's pages to the kernel. */
static void
cold_flush (braid__stack_pool *pool)
{
  if (pool->cold_lo != pool->cold_hi)
    madvise (pool->cold_lo, (size_t)(pool->cold_hi - pool->cold_lo),
             MADV_DONTNEED);
  pool->cold_lo = pool->cold_hi = NULL;
}

/* Adds the slot [lo, hi) to the pending cold range, which grows at
 * either end; a slot elsewhere, or a full batch, flushes it first. */
static void
cold_add (braid__stack_pool *pool, unsigned char *lo, unsigned char *hi)
{
  if (pool->cold_lo == pool->cold_hi)
    {
      pool->cold_lo = lo;
      pool->cold_hi = hi;
    }
  else if (lo == pool->cold_hi)
    pool->cold_hi = hi;
  else if (hi == pool->cold_lo)
    pool->cold_lo = lo;
  else
    {
      cold_flush (pool);
      pool->cold_lo = lo;
      pool->cold_hi = hi;
    }
  if ((size_t)(pool->cold_hi - pool->cold_lo) >= COLD_BATCH_BYTES)
    cold_flush (pool);
}

/* A stack taken back from the free list must leave the pending range
 * (its pages would be zeroed under it). The list is LIFO, so it is
 * usually at an end of the range, which then shrinks without a call. */
static void
cold_take (braid__stack_pool *pool, unsigned char *lo, unsigned char *hi)
{
  if (hi <= pool->cold_lo || lo >= pool->cold_hi)
    return;
  if (lo == pool->cold_lo)
    pool->cold_lo = hi < pool->cold_hi ? hi : pool->cold_hi;
  else if (hi == pool->cold_hi)
    pool->cold_hi = lo;
  else
    cold_flush (pool);
  if (pool->cold_lo >= pool->cold_hi)
    pool->cold_lo = pool->cold_hi = NULL;
}

struct braid__stack *
braid__stack_acquire (braid__stack_pool *pool)
{
  struct braid__stack *s = pool->free_list;
  if (s != NULL)
    {
      size_t page = pool->stride - pool->stack_size;
      cold_take (pool, s->base - page, s->base + s->size);
      pool->free_list = s->next_free;
      pool->n_free--;
      s->next_free = NULL;
      stack_take (s);
      return s;
    }

  arena *a = pool->arenas;
  if (a == NULL || a->used == a->count)
    {
      a = arena_new (pool);
      if (a == NULL)
        return NULL;
    }
  size_t i = a->used++;
  slot_prepare (pool, a, i);
  s = &a->slots[i];
  stack_take (s);
  return s;
}

void
braid__stack_release (struct braid__stack *stack)
{
  braid__stack_pool *pool = stack->pool;
#ifdef HAVE_VALGRIND_H
  if (__builtin_expect (pool->valgrind, 0))
    VALGRIND_STACK_DEREGISTER (stack->valgrind_id);
#endif
  if (pool->n_free >= WARM_STACKS)
    {
      /* Beyond the warm cache: give the pages back but keep the range. */
      size_t page = braid__stack_page_size ();
      cold_add (pool, stack->base - page, stack->base + stack->size);
    }
  stack->next_free = pool->free_list;
  pool->free_list = stack;
  pool->n_free++;
}

bool
braid__stack_pool_is_guard (const braid__stack_pool *pool, const void *addr)
{
  uintptr_t a = (uintptr_t)addr;
  size_t page = braid__stack_page_size ();
  for (const arena *ar = pool->arenas; ar != NULL; ar = ar->next)
    {
      uintptr_t lo = (uintptr_t)ar->mem;
      if (a < lo || a >= lo + ar->count * pool->stride)
        continue;
      size_t i = (a - lo) / pool->stride;
      return i < ar->used && (a - lo) % pool->stride < page
             && ar->slots[i].guarded;
    }
  return false;
}

void
braid__stack_pool_trim (braid__stack_pool *pool)
{
  cold_flush (pool);
}

size_t
braid__stack_pool_mmap_count (const braid__stack_pool *pool)
{
  return pool->n_mmaps;
}

size_t
braid__stack_pool_stack_size (const braid__stack_pool *pool)
{
  return pool->stack_size;
}
