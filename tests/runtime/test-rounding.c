/* test-rounding.c: the floating-point environment is per coroutine.
 *
 * The switch saves and restores the FP control words (x86_64: MXCSR and
 * the x87 control word; aarch64: FPCR), so a coroutine that changes its
 * rounding mode, or its flush-to-zero mode, does not change its peer's.
 * The sticky exception flags are the thread's (see below).
 */
#include <fenv.h>
#include <float.h>
#include <glib.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <pmmintrin.h>
#include <xmmintrin.h>
#endif

#include "coro.h"

static braid__coro main_co, up_co, near_co;
static braid__stack_pool *pool;

/* Rounding 1/3 up and to nearest give different doubles; volatile keeps
 * the compiler from folding the division at compile time. */
static double
one_third (void)
{
  volatile double one = 1.0, three = 3.0;
  return one / three;
}

static double third_up_in_up, third_in_near;
static int mode_in_up_after, mode_in_near;

static void
up_entry (void *p)
{
  fesetround (FE_UPWARD);
  braid__coro_switch (&up_co, &near_co);
  third_up_in_up = one_third ();
  mode_in_up_after = fegetround ();
  braid__coro_switch_final (&up_co, &main_co);
}

static void
near_entry (void *p)
{
  mode_in_near = fegetround ();
  third_in_near = one_third ();
  braid__coro_switch (&near_co, &up_co);
  g_assert_not_reached ();
}

static void
test_rounding_mode_is_per_coroutine (void)
{
  g_assert_cmpint (fegetround (), ==, FE_TONEAREST);
  double nearest = one_third ();
  fesetround (FE_UPWARD);
  double upward = one_third ();
  fesetround (FE_TONEAREST);
  /* valgrind ignores the rounding mode in arithmetic: then only the
   * mode itself can be checked. */
  bool honoured = nearest != upward;

  g_assert_cmpint (braid__coro_init (&up_co, pool, up_entry, NULL, "up"), ==,
                   0);
  g_assert_cmpint (braid__coro_init (&near_co, pool, near_entry, NULL, "near"),
                   ==, 0);
  braid__coro_switch (&main_co, &up_co);

  g_assert_cmpint (mode_in_near, ==, FE_TONEAREST);
  g_assert_cmpint (mode_in_up_after, ==, FE_UPWARD);
  if (honoured)
    {
      g_assert_cmpfloat (third_in_near, ==, nearest);
      g_assert_cmpfloat (third_up_in_up, ==, upward);
    }
  else
    g_test_message ("arithmetic ignores the rounding mode here; "
                    "checked the modes only");
  /* The thread's own context never changed its mode either. */
  g_assert_cmpint (fegetround (), ==, FE_TONEAREST);
  braid__coro_release (&up_co);
  braid__coro_release (&near_co);
}

/* A new coroutine starts with its creator's rounding mode, as a new
 * thread does. */
static int mode_at_start;

static void
start_mode_entry (void *p)
{
  mode_at_start = fegetround ();
  braid__coro_switch_final (&up_co, &main_co);
}

static void
test_new_coroutine_inherits_the_creators_mode (void)
{
  fesetround (FE_TOWARDZERO);
  g_assert_cmpint (
      braid__coro_init (&up_co, pool, start_mode_entry, NULL, "inherit"), ==,
      0);
  fesetround (FE_TONEAREST);
  braid__coro_switch (&main_co, &up_co);
  g_assert_cmpint (mode_at_start, ==, FE_TOWARDZERO);
  g_assert_cmpint (fegetround (), ==, FE_TONEAREST);
  braid__coro_release (&up_co);
}

#if defined(__x86_64__)
/* MXCSR's modes are per coroutine too: flush-to-zero and
 * denormals-are-zero set in one coroutine do not reach its peer. */
static bool ftz_seen_by_peer, daz_seen_by_peer;
static bool ftz_honoured; /* false under valgrind */

static bool
denormal_flushed (void)
{
  volatile double tiny = DBL_MIN, two = 2.0;
  return tiny / two == 0.0;
}

static void
ftz_setter_entry (void *p)
{
  _MM_SET_FLUSH_ZERO_MODE (_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE (_MM_DENORMALS_ZERO_ON);
  braid__coro_switch (&up_co, &near_co);
  g_assert_cmpuint (_MM_GET_FLUSH_ZERO_MODE (), ==, _MM_FLUSH_ZERO_ON);
  g_assert_cmpuint (_MM_GET_DENORMALS_ZERO_MODE (), ==, _MM_DENORMALS_ZERO_ON);
  /* A denormal result is flushed here... */
  if (ftz_honoured)
    g_assert_true (denormal_flushed ());
  braid__coro_switch_final (&up_co, &main_co);
}

static void
ftz_peer_entry (void *p)
{
  ftz_seen_by_peer = _MM_GET_FLUSH_ZERO_MODE () == _MM_FLUSH_ZERO_ON;
  daz_seen_by_peer = _MM_GET_DENORMALS_ZERO_MODE () == _MM_DENORMALS_ZERO_ON;
  /* ...and not here. */
  g_assert_false (denormal_flushed ());
  braid__coro_switch (&near_co, &up_co);
  g_assert_not_reached ();
}

static void
test_ftz_and_daz_are_per_coroutine (void)
{
  unsigned csr = _mm_getcsr ();
  _MM_SET_FLUSH_ZERO_MODE (_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE (_MM_DENORMALS_ZERO_ON);
  bool sticks = _mm_getcsr () == (csr | 0x8040);
  ftz_honoured = denormal_flushed ();
  _mm_setcsr (csr);
  if (!sticks)
    {
      g_test_skip ("MXCSR does not keep FTZ/DAZ here (valgrind)");
      return;
    }
  g_assert_cmpint (
      braid__coro_init (&near_co, pool, ftz_peer_entry, NULL, "peer"), ==, 0);
  g_assert_cmpint (
      braid__coro_init (&up_co, pool, ftz_setter_entry, NULL, "ftz"), ==, 0);
  braid__coro_switch (&main_co, &up_co);
  g_assert_false (ftz_seen_by_peer);
  g_assert_false (daz_seen_by_peer);
  g_assert_cmpuint (_MM_GET_FLUSH_ZERO_MODE (), ==, _MM_FLUSH_ZERO_OFF);
  g_assert_cmpuint (_MM_GET_DENORMALS_ZERO_MODE (), ==, _MM_DENORMALS_ZERO_OFF);
  braid__coro_release (&up_co);
  braid__coro_release (&near_co);
}

#ifndef BRAID_TEST_FALLBACK
/* The sticky exception flags are the thread's, not the coroutine's (as
 * the x87 status word's always are): switching never rewrites them, which
 * keeps MXCSR writes, ten times the cost of a switch, off the hot path.
 * The fallback's swapcontext restores them, so this is not checked there. */
static unsigned flags_seen_after_switch;

static void
raiser_entry (void *p)
{
  volatile double third = one_third ();
  (void)third;
  braid__coro_switch_final (&up_co, &main_co);
}

static void
test_exception_flags_belong_to_the_thread (void)
{
  _mm_setcsr (_mm_getcsr () & ~_MM_EXCEPT_MASK);
  volatile double third = one_third ();
  (void)third;
  bool flagged = _mm_getcsr () & _MM_EXCEPT_INEXACT;
  _mm_setcsr (_mm_getcsr () & ~_MM_EXCEPT_MASK);
  if (!flagged)
    {
      g_test_skip ("arithmetic does not set MXCSR's flags here (valgrind)");
      return;
    }
  g_assert_cmpint (
      braid__coro_init (&up_co, pool, raiser_entry, NULL, "raiser"), ==, 0);
  braid__coro_switch (&main_co, &up_co);
  flags_seen_after_switch = _mm_getcsr () & _MM_EXCEPT_MASK;
  g_assert_cmphex (flags_seen_after_switch & _MM_EXCEPT_INEXACT, ==,
                   _MM_EXCEPT_INEXACT);
  braid__coro_release (&up_co);
}
#endif

/* The x87 control word: a coroutine's precision control does not reach
 * its peer. */
static uint16_t x87_cw_in_peer;

static void
x87_setter_entry (void *p)
{
  uint16_t cw;
  __asm__ volatile("fnstcw %0" : "=m"(cw));
  cw = (uint16_t)((cw & ~0x300) | 0x000); /* single precision */
  __asm__ volatile("fldcw %0" : : "m"(cw));
  braid__coro_switch (&up_co, &near_co);
  uint16_t now;
  __asm__ volatile("fnstcw %0" : "=m"(now));
  g_assert_cmphex (now & 0x300, ==, 0);
  braid__coro_switch_final (&up_co, &main_co);
}

static void
x87_peer_entry (void *p)
{
  __asm__ volatile("fnstcw %0" : "=m"(x87_cw_in_peer));
  braid__coro_switch (&near_co, &up_co);
  g_assert_not_reached ();
}

static void
test_x87_control_word_is_per_coroutine (void)
{
  uint16_t saved, probe;
  __asm__ volatile("fnstcw %0" : "=m"(saved));
  probe = (uint16_t)(saved & ~0x300);
  __asm__ volatile("fldcw %0" : : "m"(probe));
  __asm__ volatile("fnstcw %0" : "=m"(probe));
  __asm__ volatile("fldcw %0" : : "m"(saved));
  if ((probe & 0x300) != 0)
    {
      g_test_skip ("the x87 precision control does not stick here (valgrind)");
      return;
    }
  g_assert_cmpint (
      braid__coro_init (&near_co, pool, x87_peer_entry, NULL, "peer"), ==, 0);
  g_assert_cmpint (
      braid__coro_init (&up_co, pool, x87_setter_entry, NULL, "x87"), ==, 0);
  braid__coro_switch (&main_co, &up_co);
  /* Default: extended precision (0x300). */
  g_assert_cmphex (x87_cw_in_peer & 0x300, ==, 0x300);
  braid__coro_release (&up_co);
  braid__coro_release (&near_co);
}
#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  braid__coro_init_thread (&main_co);
  pool = braid__stack_pool_new (0);

  g_test_add_func ("/runtime/coro/rounding-mode-is-per-coroutine",
                   test_rounding_mode_is_per_coroutine);
  g_test_add_func ("/runtime/coro/new-coroutine-inherits-the-creators-mode",
                   test_new_coroutine_inherits_the_creators_mode);
#if defined(__x86_64__)
  g_test_add_func ("/runtime/coro/ftz-and-daz-are-per-coroutine",
                   test_ftz_and_daz_are_per_coroutine);
#ifndef BRAID_TEST_FALLBACK
  g_test_add_func ("/runtime/coro/exception-flags-belong-to-the-thread",
                   test_exception_flags_belong_to_the_thread);
#endif
  g_test_add_func ("/runtime/coro/x87-control-word-is-per-coroutine",
                   test_x87_control_word_is_per_coroutine);
#endif

  int ret = g_test_run ();
  braid__stack_pool_free (pool);
  return ret;
}
