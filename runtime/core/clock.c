/* clock.c: the loop's clock, monotonic (real time) or virtual (time that
 * only moves when the loop jumps it to the next timer deadline, or by the
 * real time the loop spent blocked waiting for I/O), and the timestamps
 * of events (braid__event_time).
 *
 * Hot path: braid__clock_read, called only when the timer heap is not
 * empty, by sleep(d > 0), or by the poll bookkeeping. With a hook
 * installed, braid__event_time (inline in braid-private.h) for every
 * event that does not share its transition's reading: a counter read, a
 * multiply and a shift. Its slow path here reads CLOCK_MONOTONIC about
 * once per millisecond of events to re-anchor the conversion.
 *
 * The counter's rate is a property of the machine, not of a loop: it is
 * measured once per process (by the first loop that runs long enough,
 * then refined by any loop that has measured it over a longer span), and
 * every later loop converts with it from its first event on. Only the
 * first millisecond of the process's first traced loop reads the clock
 * at every event.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "braid-private.h"

uint64_t
braid__monotonic_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The counter's conversion is re-anchored on CLOCK_MONOTONIC when this
 * much time passed since the last anchor: with the rate measured over the
 * whole run, the error between anchors stays far below a microsecond. */
#define EV_REANCHOR_NS 1000000u
/* The rate is first measured once this much time passed since the first
 * event; until then every event of a loop that knows no rate (the
 * process's first) reads CLOCK_MONOTONIC (as without a counter), so no
 * loop pays a calibration wait. */
#define EV_CALIBRATE_NS 1000000u
/* A (counter, clock, counter) triple read further apart than this (the
 * thread was preempted in between) is not used as an anchor. */
#define EV_MAX_GAP_NS 2000u

static int cycles_usable;

/* The process's best measure of the counter's rate: the multiplier (as
 * loop->ev_mult; 0 until a loop measured it) and the span in ns it was
 * measured over. A loop publishes its own rate when its span is longer;
 * the two are read and written apart, so a reader may pair a multiplier
 * with another's span, which only decides which of two measured rates a
 * loop prefers. */
static _Atomic uint64_t process_mult;
static _Atomic uint64_t process_span_ns;

/* Whether braid__cycles counts at a constant rate, on every CPU, in every
 * power state: the invariant TSC on x86-64 (CPUID 0x80000007, EDX bit 8),
 * always on AArch64 (the generic timer's virtual counter). The variable
 * BRAID_EVENT_CLOCK=monotonic turns the counter off (every event then
 * reads CLOCK_MONOTONIC). */
static void
cycles_probe (void)
{
  const char *env = getenv ("BRAID_EVENT_CLOCK");
  if (env && strcmp (env, "monotonic") == 0)
    return;
#if defined(__x86_64__)
  unsigned a, b, c, d;
  if (__get_cpuid (0x80000000, &a, &b, &c, &d) && a >= 0x80000007
      && __get_cpuid (0x80000007, &a, &b, &c, &d) && (d & (1u << 8)))
    cycles_usable = 1;
#elif defined(__aarch64__)
  cycles_usable = 1;
#endif
}

/* Makes @mult the loop's conversion rate. */
static void
use_rate (braid_loop *loop, uint64_t mult)
{
  loop->ev_mult = mult;
  loop->ev_limit = (uint64_t)(((unsigned __int128)EV_REANCHOR_NS << 32) / mult);
}

/* Whether an anchor read @gap ticks apart is tight enough to convert
 * from at the rate @mult (the thread was not preempted in between). */
static bool
tight (uint64_t gap, uint64_t mult)
{
  return (uint64_t)(((unsigned __int128)gap * mult) >> 32) <= EV_MAX_GAP_NS;
}

/* Records an anchor read as @c0, @ns, @c1 (counter, clock, counter);
 * measures the counter's rate once the run is long enough, or takes the
 * process's (see process_mult). */
static void
anchor (braid_loop *loop, uint64_t c0, uint64_t ns, uint64_t c1)
{
  uint64_t gap = c1 - c0;
  uint64_t c = c0 + gap / 2;
  /* The rate another loop measured: a loop that has none yet converts
   * with it from its first tight anchor, instead of reading the clock
   * at every event while it measures its own. */
  uint64_t known = atomic_load_explicit (&process_mult, memory_order_relaxed);
  bool adopt = loop->ev_mult == 0 && known != 0 && tight (gap, known);
  if (loop->ev_origin_ns == 0 || c <= loop->ev_origin_cyc)
    {
      loop->ev_origin_cyc = loop->ev_anchor_cyc = c;
      loop->ev_origin_ns = loop->ev_anchor_ns = ns;
      if (adopt)
        use_rate (loop, known);
      return;
    }
  if (adopt)
    use_rate (loop, known);
  if (loop->ev_mult && !tight (gap, loop->ev_mult))
    return;
  uint64_t span_ns = ns - loop->ev_origin_ns;
  if (span_ns >= EV_CALIBRATE_NS)
    {
      /* The rate over the whole run since the origin: its error (that of
       * two readings over the span) shrinks as the run goes on. The
       * process's rate, when measured over a longer span, is better. */
      uint64_t best_span
          = atomic_load_explicit (&process_span_ns, memory_order_relaxed);
      if (known != 0 && best_span > span_ns)
        use_rate (loop, known);
      else
        {
          uint64_t mult = (uint64_t)(((unsigned __int128)span_ns << 32)
                                     / (c - loop->ev_origin_cyc));
          if (mult == 0 || mult >= (uint64_t)1 << 40)
            return; /* not a sensible rate (a counter slower than 4 MHz) */
          use_rate (loop, mult);
          atomic_store_explicit (&process_mult, mult, memory_order_relaxed);
          atomic_store_explicit (&process_span_ns, span_ns,
                                 memory_order_relaxed);
        }
    }
  loop->ev_anchor_cyc = c;
  loop->ev_anchor_ns = ns;
}

uint64_t
braid__event_time_slow (braid_loop *loop)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, cycles_probe);
  uint64_t ns;
  if (BRAID_HAVE_CYCLES && cycles_usable)
    {
      uint64_t c0 = braid__cycles ();
      ns = braid__monotonic_ns ();
      uint64_t c1 = braid__cycles ();
      anchor (loop, c0, ns, c1);
    }
  else
    ns = braid__monotonic_ns ();
  if (ns < loop->ev_last)
    ns = loop->ev_last;
  loop->ev_last = ns;
  return ns;
}

uint64_t
braid__clock_read (const braid_loop *loop)
{
  if (loop->clock == BRAID_CLOCK_VIRTUAL)
    return loop->virtual_now;
  return braid__monotonic_ns ();
}

uint64_t
braid_loop_now_ns (const braid_loop *loop)
{
  if (!loop)
    braid__abort ("braid_loop_now_ns", "NULL loop");
  return braid__clock_read (loop);
}

int
braid_loop_set_clock (braid_loop *loop, braid_clock_kind clock)
{
  braid__loop_check (loop, "braid_loop_set_clock");
  if (loop->ever_ran || loop->running)
    return braid__raise_code (BRAID_EBUSY, "braid_loop_set_clock");
  if (clock != BRAID_CLOCK_MONOTONIC && clock != BRAID_CLOCK_VIRTUAL)
    return braid__raise_code (BRAID_EINVAL, "braid_loop_set_clock");
  /* Events already stamped on this loop (its creation, tasks spawned
   * before it runs) carry the monotonic clock's time: later stamps add the
   * last of them to the virtual time, so a trace never goes backwards,
   * while braid_loop_now_ns still starts at 0 (a run prints the same with
   * and without tracing). */
  if (clock == BRAID_CLOCK_VIRTUAL && loop->clock != BRAID_CLOCK_VIRTUAL)
    loop->virtual_stamp_base = loop->ev_last;
  loop->clock = (uint8_t)clock;
  return 0;
}

braid_clock_kind
braid_loop_get_clock (const braid_loop *loop)
{
  if (!loop)
    braid__abort ("braid_loop_get_clock", "NULL loop");
  return (braid_clock_kind)loop->clock;
}
