/* bench-switch.c: nanoseconds per context switch.
 *
 * Two contexts ping-pong N times with, in the same run:
 *   - braid__coro_switch, the runtime's switch (canary check, current
 *     coroutine, then the assembly switch ending in an indirect jump);
 *   - braid__coro_swap alone, the assembly switch ending in `jmp`;
 *   - braid__coro_swap_ret, the same assembly ending in `ret`;
 *   - ucontext's swapcontext;
 * and the cost of a whole coroutine life (init, first switch, final
 * switch, release) on a warm pool. Where the runtime's switch is inline
 * (braid__coro_transfer, x86_64), both switches are also timed from
 * inside a function that returns after the switch, as braid_yield does:
 * the function switch leaves the return stack buffer one entry off, so
 * that return is mispredicted every time, and the inline one does not.
 * Each figure is the best of several rounds (the machine is shared).
 * Prints figures and ratios; asserts nothing about time.
 */
#define _GNU_SOURCE 1
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include "coro-arch.h"
#include "coro.h"
#include "stack-pool.h"

#define ROUNDS 7

static long n_switches = 2000000;

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The runtime's switch. */
static braid__coro main_co, peer_co;

static void
peer_entry (void *p)
{
  for (;;)
    braid__coro_switch (&peer_co, &main_co);
}

static double
bench_coro_switch (void)
{
  uint64_t t0 = now_ns ();
  for (long i = 0; i < n_switches; i++)
    braid__coro_switch (&main_co, &peer_co);
  return (double)(now_ns () - t0) / (2.0 * n_switches);
}

/* The bare assembly, both endings: the peer is a coroutine whose first
 * frame was made by braid__coro_make_frame, so it runs on a real pool
 * stack; it calls the same variant back. */
typedef void (*swap_fn) (void **, void *);
static void *main_sp, *peer_sp;
static swap_fn bare_swap;

static void
bare_start (void *co, void *entry, void *arg)
{
  for (;;)
    bare_swap (&peer_sp, main_sp);
}

static double
bench_bare (swap_fn fn, braid__stack_pool *pool)
{
  braid__coro holder;
  if (braid__coro_init (&holder, pool, peer_entry, NULL, "bare") != 0)
    abort ();
  /* Reuse the stack the coroutine got, with a frame of our own. */
  peer_sp = braid__coro_make_frame (holder.stack->base + holder.stack->size,
                                    bare_start, NULL, NULL, NULL);
  bare_swap = fn;
  uint64_t t0 = now_ns ();
  for (long i = 0; i < n_switches; i++)
    fn (&main_sp, peer_sp);
  double ns = (double)(now_ns () - t0) / (2.0 * n_switches);
  braid__coro_release (&holder);
  return ns;
}

/* A whole coroutine life on a warm pool: init, run to its end, release
 * (what a spawn and await cost the machine layer). */
static braid__coro life_co;

static void
life_entry (void *p)
{
  braid__coro_switch_final (&life_co, &main_co);
}

static double
bench_life (braid__stack_pool *pool)
{
  long n = n_switches / 4;
  uint64_t t0 = now_ns ();
  for (long i = 0; i < n; i++)
    {
      if (braid__coro_init (&life_co, pool, life_entry, NULL, "life") != 0)
        abort ();
      braid__coro_switch (&main_co, &life_co);
      braid__coro_release (&life_co);
    }
  return (double)(now_ns () - t0) / (double)n;
}

#if BRAID__CORO_INLINE
/* A switch made from inside a function that then returns, both sides
 * the same code, as two tasks calling braid_yield. The empty asm after
 * the switch keeps the compiler from making it a tail call. */
static __attribute__ ((noinline)) void
yield_switch (braid__coro *from, braid__coro *to)
{
  braid__coro_switch (from, to);
  __asm__ volatile ("" ::: "memory");
}

static __attribute__ ((noinline)) void
yield_transfer (braid__coro *from, braid__coro *to)
{
  braid__coro_transfer (from, to);
  __asm__ volatile ("" ::: "memory");
}

static void (*yield_fn) (braid__coro *, braid__coro *);
static braid__coro yield_co;

/* Both sides loop here, so the function returns to the same place on
 * both, as two tasks running the same loop of sleep(0). */
static __attribute__ ((noinline)) void
yield_loop (braid__coro *self, braid__coro *other, long n)
{
  for (long i = 0; i < n; i++)
    yield_fn (self, other);
}

static void
yield_peer (void *p)
{
  yield_loop (&yield_co, &main_co, LONG_MAX);
}

static double
bench_yield_like (void (*fn) (braid__coro *, braid__coro *),
                  braid__stack_pool *pool)
{
  yield_fn = fn;
  if (braid__coro_init (&yield_co, pool, yield_peer, NULL, "yield") != 0)
    abort ();
  uint64_t t0 = now_ns ();
  yield_loop (&main_co, &yield_co, n_switches);
  double ns = (double)(now_ns () - t0) / (2.0 * n_switches);
  braid__coro_release (&yield_co);
  return ns;
}
#endif

/* ucontext. */
static ucontext_t main_uc, peer_uc;

static void
uc_entry (void)
{
  for (;;)
    swapcontext (&peer_uc, &main_uc);
}

static double
bench_ucontext (void)
{
  static char stack[256 * 1024] __attribute__ ((aligned (16)));
  getcontext (&peer_uc);
  peer_uc.uc_stack.ss_sp = stack;
  peer_uc.uc_stack.ss_size = sizeof stack;
  peer_uc.uc_link = NULL;
  makecontext (&peer_uc, uc_entry, 0);
  long n = n_switches / 10; /* a system call each: slower */
  uint64_t t0 = now_ns ();
  for (long i = 0; i < n; i++)
    swapcontext (&main_uc, &peer_uc);
  return (double)(now_ns () - t0) / (2.0 * n);
}

static double
min_d (double a, double b)
{
  return a < b ? a : b;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    n_switches = atol (argv[1]);
  if (n_switches <= 0)
    {
      fprintf (stderr, "usage: %s [switches]\n", argv[0]);
      return 2;
    }

  braid__coro_init_thread (&main_co);
  braid__stack_pool *pool = braid__stack_pool_new (0);
  if (pool == NULL
      || braid__coro_init (&peer_co, pool, peer_entry, NULL, "peer") != 0)
    {
      fprintf (stderr, "bench-switch: cannot allocate a stack\n");
      return 1;
    }

  double coro = 1e9, jmp = 1e9, ret = 1e9, uc = 1e9, life = 1e9;
  double in_fn_switch = 1e9, in_fn_transfer = 1e9;
  for (int r = 0; r < ROUNDS; r++)
    {
      coro = min_d (coro, bench_coro_switch ());
      jmp = min_d (jmp, bench_bare (braid__coro_swap, pool));
      ret = min_d (ret, bench_bare (braid__coro_swap_ret, pool));
      uc = min_d (uc, bench_ucontext ());
      life = min_d (life, bench_life (pool));
#if BRAID__CORO_INLINE
      in_fn_switch = min_d (in_fn_switch, bench_yield_like (yield_switch, pool));
      in_fn_transfer
          = min_d (in_fn_transfer, bench_yield_like (yield_transfer, pool));
#endif
    }

  printf ("switch: braid__coro_switch      %7.2f ns\n", coro);
  printf ("switch: asm ending in jmp       %7.2f ns\n", jmp);
  printf ("switch: asm ending in ret       %7.2f ns\n", ret);
  printf ("switch: ucontext swapcontext    %7.2f ns\n", uc);
  printf ("coroutine life (init, run, release), warm pool: %.2f ns\n", life);
  printf ("ratio: ret / jmp                %7.2f\n", ret / jmp);
  printf ("ratio: swapcontext / jmp        %7.2f\n", uc / jmp);
  printf ("ratio: swapcontext / coro_switch %6.2f\n", uc / coro);
  printf ("bench coro-switch-ns %.2f ns\n", coro);
  printf ("bench ucontext-switch-ns %.2f ns\n", uc);
  printf ("bench coro-life-ns %.2f ns\n", life);
#if BRAID__CORO_INLINE
  printf ("switch in a function that returns: braid__coro_switch %7.2f ns, "
          "braid__coro_transfer %7.2f ns\n",
          in_fn_switch, in_fn_transfer);
  printf ("bench coro-switch-returning-ns %.2f ns\n", in_fn_switch);
  printf ("bench coro-transfer-returning-ns %.2f ns\n", in_fn_transfer);
#else
  (void)in_fn_switch;
  (void)in_fn_transfer;
#endif
  braid__stack_pool_free (pool);
  return 0;
}
