/* test-coro-cross.c: the switch's essentials without GLib, for checking
 * another architecture under an emulator.
 *
 * The same rules as test-coro.c, test-rounding.c and the overflow test of
 * test-stack.c, in one self-contained TAP program that needs only libc, so
 * it cross-compiles without a target GLib. It also runs natively in every
 * build. For aarch64 on an x86_64 Debian host (packages
 * gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, qemu-user):
 *
 *   printf '#pragma once\n' > /tmp/braid-config.h
 *   aarch64-linux-gnu-gcc -O2 -I/tmp -Iinclude -Iruntime/machine -Iruntime/core \
 *     -Itests/runtime \
 *     tests/runtime/test-coro-cross.c runtime/machine/coro.c runtime/machine/stack-pool.c \
 *     runtime/machine/coro-aarch64.S -lpthread -lm -o /tmp/test-coro-aarch64
 *   qemu-aarch64 -L /usr/aarch64-linux-gnu /tmp/test-coro-aarch64
 */
#include <fenv.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coro-arch.h"
#include "coro.h"
#include "stack-pool.h"
#include "test-coro-regs.h"

static int n_test, n_failed;

#define CHECK(cond)                                                            \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        {                                                                      \
          printf ("# %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
          fflush (stdout);                                                     \
          return false;                                                        \
        }                                                                      \
    }                                                                          \
  while (0)

static void
run (const char *name, bool (*fn) (void))
{
  n_test++;
  bool ok = fn ();
  if (!ok)
    n_failed++;
  printf ("%sok %d %s\n", ok ? "" : "not ", n_test, name);
  fflush (stdout);
}

static braid__coro main_co, a_co, b_co;
static braid__stack_pool *pool;

/* Ping-pong main -> a -> b -> main, with integer and floating-point values
 * live across every switch (callee-saved registers at -O2). */
static long order[16];
static int n_order;
static bool values_ok[3];

static void
ab_entry (void *p)
{
  long id = (long)p;
  braid__coro *self = id == 1 ? &a_co : &b_co;
  braid__coro *next = id == 1 ? &b_co : &main_co;
  uint64_t x1 = (uint64_t)id * 7, x2 = (uint64_t)id * 11,
           x3 = (uint64_t)id * 13, x4 = (uint64_t)id * 17,
           x5 = (uint64_t)id * 19, x6 = (uint64_t)id * 23;
  double d1 = id + 0.25, d2 = id + 0.5, d3 = id * 3.0, d4 = id * 5.0;
  for (int r = 0; r < 5; r++)
    {
      order[n_order++] = id * 100 + r;
      braid__coro_switch (self, next);
      x1++, x2++, x3++, x4++, x5++, x6++;
      d1 += 1, d2 += 1, d3 += 1, d4 += 1;
    }
  uint64_t i = (uint64_t)id;
  values_ok[id] = x1 == i * 7 + 5 && x2 == i * 11 + 5 && x3 == i * 13 + 5
                  && x4 == i * 17 + 5 && x5 == i * 19 + 5 && x6 == i * 23 + 5
                  && d1 == id + 5.25 && d2 == id + 5.5 && d3 == id * 3.0 + 5
                  && d4 == id * 5.0 + 5;
  braid__coro_switch_final (self, next);
}

static bool
ping_pong_keeps_locals (void)
{
  n_order = 0;
  CHECK (braid__coro_init (&a_co, pool, ab_entry, (void *)1L, "a") == 0);
  CHECK (braid__coro_init (&b_co, pool, ab_entry, (void *)2L, "b") == 0);
  for (int r = 0; r < 6; r++)
    braid__coro_switch (&main_co, &a_co);
  CHECK (n_order == 10);
  for (int r = 0; r < 5; r++)
    CHECK (order[2 * r] == 100 + r && order[2 * r + 1] == 200 + r);
  CHECK (values_ok[1] && values_ok[2]);
  braid__coro_release (&a_co);
  braid__coro_release (&b_co);
  return true;
}

#ifdef HAVE_CHECK_CALLEE_SAVED
static void
clobber_entry (void *p)
{
  for (;;)
    {
      CLOBBER_CALLEE_SAVED ();
      braid__coro_switch (&a_co, &main_co);
    }
}

static bool
callee_saved_registers_survive (void)
{
  CHECK (braid__coro_init (&a_co, pool, clobber_entry, NULL, "clobber") == 0);
  for (int i = 0; i < 3; i++)
    {
      uint64_t mask = check_callee_saved (&main_co, &a_co);
      if (mask != 0)
        printf ("# changed registers: mask %#llx\n", (unsigned long long)mask);
      CHECK (mask == 0);
    }
  braid__coro_release (&a_co);
  return true;
}
#endif

/* The rounding mode is per coroutine. */
static double
one_third (void)
{
  volatile double one = 1.0, three = 3.0;
  return one / three;
}

static int mode_in_near, mode_in_up;
static double third_in_near, third_in_up;

static void
up_entry (void *p)
{
  fesetround (FE_UPWARD);
  braid__coro_switch (&a_co, &b_co);
  third_in_up = one_third ();
  mode_in_up = fegetround ();
  braid__coro_switch_final (&a_co, &main_co);
}

static void
near_entry (void *p)
{
  mode_in_near = fegetround ();
  third_in_near = one_third ();
  braid__coro_switch (&b_co, &a_co);
  abort ();
}

static bool
rounding_mode_is_per_coroutine (void)
{
  double nearest = one_third ();
  fesetround (FE_UPWARD);
  double upward = one_third ();
  fesetround (FE_TONEAREST);
  CHECK (braid__coro_init (&a_co, pool, up_entry, NULL, "up") == 0);
  CHECK (braid__coro_init (&b_co, pool, near_entry, NULL, "near") == 0);
  braid__coro_switch (&main_co, &a_co);
  CHECK (mode_in_near == FE_TONEAREST && mode_in_up == FE_UPWARD);
  CHECK (fegetround () == FE_TONEAREST);
  if (nearest != upward) /* valgrind ignores the mode in arithmetic */
    CHECK (third_in_near == nearest && third_in_up == upward);
  braid__coro_release (&a_co);
  braid__coro_release (&b_co);
  return true;
}

#ifdef HAVE_CHECK_CALLEE_SAVED
/* The first-switch frame: bare swap in both endings on a made frame. */
static void *bare_main_sp, *bare_peer_sp;
static long bare_rounds;
static void (*bare_fn) (void **, void *);

static void
bare_start (void *co, void *entry, void *arg)
{
  for (;;)
    {
      bare_rounds++;
      bare_fn (&bare_peer_sp, bare_main_sp);
    }
}

static bool
both_switch_endings_work (void)
{
  void (*fns[2]) (void **, void *) = { braid__coro_swap, braid__coro_swap_ret };
  for (int f = 0; f < 2; f++)
    {
      struct braid__stack *s = braid__stack_acquire (pool);
      CHECK (s != NULL);
      bare_fn = fns[f];
      bare_rounds = 0;
      bare_peer_sp = braid__coro_make_frame (s->base + s->size, bare_start,
                                             NULL, NULL, NULL);
      for (int i = 0; i < 1000; i++)
        bare_fn (&bare_main_sp, bare_peer_sp);
      CHECK (bare_rounds == 1000);
      braid__stack_release (s);
    }
  return true;
}
#endif

/* An overflow into the guard page is reported with the task's name, in a
 * child process. */
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static __attribute__ ((noinline)) int
recurse_forever (int depth)
{
  volatile char pad[512];
  pad[0] = (char)depth;
  pad[511] = (char)depth;
  return recurse_forever (depth + 1) + pad[0] + pad[511];
}

static void
overflow_entry (void *p)
{
  recurse_forever (0);
}

static bool
overflow_names_the_task (void)
{
  int fds[2];
  CHECK (pipe (fds) == 0);
  fflush (stdout);
  pid_t pid = fork ();
  CHECK (pid >= 0);
  if (pid == 0)
    {
      dup2 (fds[1], STDERR_FILENO);
      if (braid__coro_init (&a_co, pool, overflow_entry, NULL, "deep-diver")
              != 0
          || !a_co.stack->guarded)
        _exit (3);
      braid__coro_switch (&main_co, &a_co);
      _exit (0);
    }
  close (fds[1]);
  char buf[512] = { 0 };
  size_t n = 0;
  ssize_t k;
  while (n < sizeof buf - 1
         && (k = read (fds[0], buf + n, sizeof buf - 1 - n)) > 0)
    n += (size_t)k;
  close (fds[0]);
  int status;
  CHECK (waitpid (pid, &status, 0) == pid);
  CHECK (WIFSIGNALED (status) && WTERMSIG (status) == SIGABRT);
  CHECK (strstr (buf, "braid: stack overflow in task 'deep-diver' "
                      "(stack of 262144 bytes)\n")
         != NULL);
  return true;
}

int
main (void)
{
  braid__coro_init_thread (&main_co);
  pool = braid__stack_pool_new (0);
  if (pool == NULL)
    {
      printf ("Bail out! no stack pool\n");
      return 1;
    }

#ifdef HAVE_CHECK_CALLEE_SAVED
  run ("/runtime/coro/callee-saved-registers-survive",
       callee_saved_registers_survive);
  run ("/runtime/coro/both-switch-endings-work", both_switch_endings_work);
#endif
  run ("/runtime/coro/ping-pong-keeps-locals", ping_pong_keeps_locals);
  run ("/runtime/coro/rounding-mode-is-per-coroutine",
       rounding_mode_is_per_coroutine);
  run ("/runtime/coro/overflow-names-the-task", overflow_names_the_task);
  printf ("1..%d\n", n_test);

  braid__stack_pool_free (pool);
  return n_failed == 0 ? 0 : 1;
}
