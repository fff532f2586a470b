/* test-coro.c: the context switch keeps every context's state.
 *
 * Ping-pong between several coroutines and the thread's context, with
 * values live across switches (the compiler keeps them in callee-saved
 * registers), coroutines switching to each other, an assembly check of
 * each callee-saved register on x86_64 and aarch64, deep recursion within
 * the stack limit, braid__coro_current, an aligned stack at the entry, a
 * coroutine's frame being the outermost one, and the inline switch
 * (braid__coro_transfer) keeping the values its caller holds in
 * registers a call may clobber.
 */
#include <execinfo.h>
#include <glib.h>
#include <stdint.h>

#include "coro.h"
#include "stack-pool.h"
#include "test-coro-regs.h"

static braid__coro main_co;
static braid__stack_pool *pool;

/* Ping-pong: N coroutines each count their round in progress[], then
 * switch back to the thread, which resumes them round-robin. */
#define N_CORO 4
#define ROUNDS 1000

static braid__coro cor[N_CORO];
static uint64_t progress[N_CORO];

typedef struct
{
  int id;
  uint64_t sum; /* checked after the coroutine finishes */
  bool done;
} pp_arg;

static void
ping_pong_entry (void *p)
{
  pp_arg *a = p;
  /* Many values live across each switch: at -O2 they sit in callee-saved
   * registers, which the switch must preserve. */
  uint64_t x1 = (uint64_t)a->id * 1000003u + 1, x2 = x1 * 3, x3 = x1 * 5,
           x4 = x1 * 7, x5 = x1 * 11, x6 = x1 * 13;
  double d = a->id + 0.5;
  for (int r = 0; r < ROUNDS; r++)
    {
      progress[a->id]++;
      braid__coro_switch (&cor[a->id], &main_co);
      x1 += 1;
      x2 += 3;
      x3 += 5;
      x4 += 7;
      x5 += 11;
      x6 += 13;
      d += 1.0;
    }
  uint64_t base = (uint64_t)a->id * 1000003u + 1;
  a->sum = (x1 - base) + (x2 - base * 3) + (x3 - base * 5) + (x4 - base * 7)
           + (x5 - base * 11) + (x6 - base * 13);
  g_assert_cmpfloat (d, ==, a->id + 0.5 + ROUNDS);
  a->done = true;
  braid__coro_switch_final (&cor[a->id], &main_co);
}

static void
test_ping_pong_keeps_locals (void)
{
  pp_arg args[N_CORO];
  for (int i = 0; i < N_CORO; i++)
    {
      args[i] = (pp_arg){ .id = i };
      progress[i] = 0;
      g_assert_cmpint (
          braid__coro_init (&cor[i], pool, ping_pong_entry, &args[i], "ping"),
          ==, 0);
    }
  for (int r = 0; r <= ROUNDS; r++)
    for (int i = 0; i < N_CORO; i++)
      {
        g_assert_false (args[i].done);
        braid__coro_switch (&main_co, &cor[i]);
        if (r < ROUNDS)
          g_assert_cmpuint (progress[i], ==, (uint64_t)r + 1);
      }
  for (int i = 0; i < N_CORO; i++)
    {
      g_assert_true (args[i].done);
      g_assert_cmpuint (args[i].sum, ==,
                        (uint64_t)ROUNDS * (1 + 3 + 5 + 7 + 11 + 13));
      braid__coro_release (&cor[i]);
    }
}

/* Coroutines switching directly to each other, not through the thread:
 * a ring passes a token around. */
static int ring_token;
static int ring_seen[N_CORO];

static void
ring_entry (void *p)
{
  int id = (int)(intptr_t)p;
  for (int r = 0; r < 100; r++)
    {
      g_assert_cmpint (ring_token, ==, r * N_CORO + id);
      ring_token++;
      ring_seen[id]++;
      braid__coro *next = id + 1 < N_CORO ? &cor[id + 1] : &main_co;
      braid__coro_switch (&cor[id], next);
    }
  braid__coro_switch_final (&cor[id], &main_co);
}

static void
test_coroutines_switch_to_each_other (void)
{
  ring_token = 0;
  for (int i = 0; i < N_CORO; i++)
    {
      ring_seen[i] = 0;
      g_assert_cmpint (braid__coro_init (&cor[i], pool, ring_entry,
                                         (void *)(intptr_t)i, "ring"),
                       ==, 0);
    }
  for (int r = 0; r < 100; r++)
    braid__coro_switch (&main_co, &cor[0]);
  g_assert_cmpint (ring_token, ==, 100 * N_CORO);
  /* Let each finish. */
  for (int i = 0; i < N_CORO; i++)
    {
      g_assert_cmpint (ring_seen[i], ==, 100);
      braid__coro_switch (&main_co, &cor[i]);
      braid__coro_release (&cor[i]);
    }
}

/* braid__coro_current names the running coroutine, NULL on the thread. */
static braid__coro *seen_current;

static void
current_entry (void *p)
{
  seen_current = braid__coro_current ();
  braid__coro_switch_final (&cor[0], &main_co);
}

static void
test_current_is_the_running_coroutine (void)
{
  g_assert_null (braid__coro_current ());
  g_assert_cmpint (
      braid__coro_init (&cor[0], pool, current_entry, NULL, "current"), ==, 0);
  braid__coro_switch (&main_co, &cor[0]);
  g_assert_true (seen_current == &cor[0]);
  g_assert_null (braid__coro_current ());
  braid__coro_release (&cor[0]);
}

/* The entry function starts on a stack aligned as the ABI requires: its
 * frame address (the canonical frame address less the return address and
 * saved frame pointer, 16 bytes on both x86_64 and aarch64) is a multiple
 * of 16. */
static uintptr_t entry_frame;

static void
aligned_entry (void *p)
{
  entry_frame = (uintptr_t)__builtin_frame_address (0);
  braid__coro_switch_final (&cor[0], &main_co);
}

static void
test_entry_runs_on_an_aligned_stack (void)
{
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpint (
          braid__coro_init (&cor[0], pool, aligned_entry, NULL, "aligned"), ==,
          0);
      braid__coro_switch (&main_co, &cor[0]);
      g_assert_cmpuint (entry_frame % 16, ==, 0);
      braid__coro_release (&cor[0]);
    }
}

/* An unwinder walking a coroutine's stack stops at its first frame (the
 * trampoline's return address is undefined in the CFI) instead of
 * running off the top of the stack. */
static int frames_seen;

static void
backtrace_entry (void *p)
{
  void *frames[64];
  frames_seen = backtrace (frames, 64);
  braid__coro_switch_final (&cor[0], &main_co);
}

static void
test_backtrace_stops_at_the_coroutine_entry (void)
{
  g_assert_cmpint (
      braid__coro_init (&cor[0], pool, backtrace_entry, NULL, "bt"), ==, 0);
  braid__coro_switch (&main_co, &cor[0]);
  /* backtrace_entry, coro_start, the trampoline; a little slack for
   * builds that add frames. */
  g_assert_cmpint (frames_seen, >=, 2);
  g_assert_cmpint (frames_seen, <=, 6);
  braid__coro_release (&cor[0]);
}

/* Deep recursion that stays within the stack works and its result is
 * right; it touches most of the stack, which resident size reports. The
 * depth is set by the address reached, since frame sizes differ between
 * builds (ASan's are much larger). */
static __attribute__ ((noinline)) uint64_t
recurse (const char *limit, volatile char *prev)
{
  volatile char pad[200];
  pad[0] = 1;
  pad[199] = prev != NULL ? prev[0] : 1;
  if ((const char *)__builtin_frame_address (0) < limit)
    return 1;
  return recurse (limit, pad) + (uint64_t)pad[0] + (uint64_t)pad[199];
}

static uint64_t deep_result;
static size_t deep_resident;

static void
deep_entry (void *p)
{
  braid__coro *self = p;
  /* Use 190 KiB of the 256 KiB. */
  const char *limit
      = (const char *)self->stack->base + self->stack->size - 190 * 1024;
  deep_result = recurse (limit, NULL);
  deep_resident = braid__coro_stack_resident (self);
  braid__coro_switch_final (self, &main_co);
}

static void
test_deep_recursion_within_the_limit (void)
{
  g_assert_cmpint (
      braid__coro_init (&cor[0], pool, deep_entry, &cor[0], "deep"), ==, 0);
  braid__coro_switch (&main_co, &cor[0]);
  /* Each frame adds 2, the last one returns 1: the result is odd and
   * shows hundreds of frames ran. */
  g_assert_cmpuint (deep_result % 2, ==, 1);
  g_assert_cmpuint (deep_result, >, 2 * 100);
  g_assert_cmpuint (deep_resident, >=, 180 * 1024);
  g_assert_cmpuint (deep_resident, <=, 256 * 1024);
  braid__coro_release (&cor[0]);
}

/* An entry function that returns (it must end by switching away for
 * good) is reported by name and aborts, rather than running off the
 * top of its stack. */
static void
returning_entry (void *p)
{
}

static void
test_entry_that_returns_is_reported (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpint (braid__coro_init (&cor[0], pool, returning_entry, NULL,
                                         "returns"),
                       ==, 0);
      braid__coro_switch (&main_co, &cor[0]);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr (
      "*braid: a coroutine's entry function returned*");
}

#if BRAID__CORO_INLINE && !defined(BRAID_TEST_FALLBACK)
/* braid__coro_transfer, the switch inline in its caller, declares every
 * register a call may clobber as clobbered: values live across it, more
 * than the callee-saved registers hold (integers, doubles, a long double
 * on the x87 stack), survive a peer that overwrites every caller-saved
 * register, on both sides of the switch. */
static volatile uint64_t seed = 7;

static void
trash_caller_saved (void)
{
  uint64_t junk = 0xdeadbeefdeadbeefu;
  __asm__ volatile ("movq %0, %%rax\n\tmovq %0, %%rcx\n\tmovq %0, %%rdx\n\t"
                    "movq %0, %%rsi\n\tmovq %0, %%rdi\n\tmovq %0, %%r8\n\t"
                    "movq %0, %%r9\n\tmovq %0, %%r10\n\tmovq %0, %%r11\n\t"
                    "movq %0, %%xmm0\n\tpshufd $0, %%xmm0, %%xmm0\n\t"
                    "movdqa %%xmm0, %%xmm1\n\tmovdqa %%xmm0, %%xmm2\n\t"
                    "movdqa %%xmm0, %%xmm3\n\tmovdqa %%xmm0, %%xmm4\n\t"
                    "movdqa %%xmm0, %%xmm5\n\tmovdqa %%xmm0, %%xmm6\n\t"
                    "movdqa %%xmm0, %%xmm7\n\tmovdqa %%xmm0, %%xmm8\n\t"
                    "movdqa %%xmm0, %%xmm9\n\tmovdqa %%xmm0, %%xmm10\n\t"
                    "movdqa %%xmm0, %%xmm11\n\tmovdqa %%xmm0, %%xmm12\n\t"
                    "movdqa %%xmm0, %%xmm13\n\tmovdqa %%xmm0, %%xmm14\n\t"
                    "movdqa %%xmm0, %%xmm15"
                    :
                    : "m"(junk)
                    : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
                      "r11", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
                      "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
                      "xmm12", "xmm13", "xmm14", "xmm15");
}

/* Sums many values live across @n transfers from @self to @peer. */
static double
live_across_transfers (braid__coro *self, braid__coro *peer, int n)
{
  uint64_t v[14];
  double f[10];
  long double ld = (long double)seed / 3;
  for (int i = 0; i < 14; i++)
    v[i] = seed * (uint64_t)(i + 1);
  for (int i = 0; i < 10; i++)
    f[i] = (double)seed / (i + 2);
  for (int r = 0; r < n; r++)
    {
      braid__coro_transfer (self, peer);
      for (int i = 0; i < 14; i++)
        v[i] += (uint64_t)i;
      for (int i = 0; i < 10; i++)
        f[i] += 0.5;
      ld += 1;
    }
  double sum = (double)(ld - (long double)seed / 3);
  for (int i = 0; i < 14; i++)
    sum += (double)(v[i] - seed * (uint64_t)(i + 1));
  for (int i = 0; i < 10; i++)
    sum += f[i] - (double)seed / (i + 2);
  return sum;
}

static double transfer_peer_sum;

static void
transfer_entry (void *p)
{
  for (int r = 0; r < 10; r++)
    {
      trash_caller_saved ();
      braid__coro_transfer (&cor[0], &main_co);
    }
  transfer_peer_sum = live_across_transfers (&cor[0], &main_co, 50);
  trash_caller_saved ();
  braid__coro_transfer_final (&cor[0], &main_co);
}

static void
test_transfer_keeps_caller_saved_values (void)
{
  g_assert_cmpint (
      braid__coro_init (&cor[0], pool, transfer_entry, NULL, "transfer"), ==,
      0);
  /* 10 resumes with the peer trashing registers, then 50 with the peer
   * holding live values of its own while this side trashes them. */
  double sum = live_across_transfers (&main_co, &cor[0], 10);
  for (int r = 0; r < 51; r++)
    {
      trash_caller_saved ();
      braid__coro_transfer (&main_co, &cor[0]);
    }
  /* Per round: 0+1+...+13 = 91, ten halves, one. */
  g_assert_cmpfloat (sum, ==, 10 * (91 + 5.0 + 1));
  g_assert_cmpfloat (transfer_peer_sum, ==, 50 * (91 + 5.0 + 1));
  braid__coro_release (&cor[0]);
}
#endif

#ifdef HAVE_CHECK_CALLEE_SAVED
/* Every callee-saved register (general and, on aarch64, d8-d15) survives
 * a switch during which the peer coroutine overwrote them all. */
static void
clobber_entry (void *p)
{
  for (;;)
    {
      CLOBBER_CALLEE_SAVED ();
      braid__coro_switch (&cor[1], &main_co);
    }
}

static void
test_callee_saved_registers_survive (void)
{
  g_assert_cmpint (
      braid__coro_init (&cor[1], pool, clobber_entry, NULL, "clobber"), ==, 0);
  for (int i = 0; i < 3; i++)
    g_assert_cmphex (check_callee_saved (&main_co, &cor[1]), ==, 0);
  /* The clobbering coroutine never ends; its stack can still go back,
   * since it will never be resumed. */
  braid__coro_release (&cor[1]);
}
#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  braid__coro_init_thread (&main_co);
  pool = braid__stack_pool_new (0);

  g_test_add_func ("/runtime/coro/ping-pong-keeps-locals",
                   test_ping_pong_keeps_locals);
  g_test_add_func ("/runtime/coro/coroutines-switch-to-each-other",
                   test_coroutines_switch_to_each_other);
  g_test_add_func ("/runtime/coro/current-is-the-running-coroutine",
                   test_current_is_the_running_coroutine);
  g_test_add_func ("/runtime/coro/entry-runs-on-an-aligned-stack",
                   test_entry_runs_on_an_aligned_stack);
  g_test_add_func ("/runtime/coro/backtrace-stops-at-the-coroutine-entry",
                   test_backtrace_stops_at_the_coroutine_entry);
  g_test_add_func ("/runtime/coro/deep-recursion-within-the-limit",
                   test_deep_recursion_within_the_limit);
  g_test_add_func ("/runtime/coro/entry-that-returns-is-reported",
                   test_entry_that_returns_is_reported);
#if BRAID__CORO_INLINE && !defined(BRAID_TEST_FALLBACK)
  g_test_add_func ("/runtime/coro/transfer-keeps-caller-saved-values",
                   test_transfer_keeps_caller_saved_values);
#endif
#ifdef HAVE_CHECK_CALLEE_SAVED
  g_test_add_func ("/runtime/coro/callee-saved-registers-survive",
                   test_callee_saved_registers_survive);
#endif

  int ret = g_test_run ();
  braid__stack_pool_free (pool);
  return ret;
}
