/* clock.c: the loop's clock, monotonic (real time) or virtual (time that
 * only moves when the loop jumps it to the next timer deadline, or by the
 * real time the loop spent blocked waiting for I/O).
 *
 * Hot path: braid__clock_read, called only when the timer heap is not
 * empty, by sleep(d > 0), or for a hook event.
 */
#include <time.h>

#include "braid-private.h"

uint64_t
braid__monotonic_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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
  if (!loop)
    braid__abort ("braid_loop_set_clock", "NULL loop");
  if (loop->ever_ran || loop->running)
    return braid__raise_code (BRAID_EBUSY, "braid_loop_set_clock");
  if (clock != BRAID_CLOCK_MONOTONIC && clock != BRAID_CLOCK_VIRTUAL)
    return braid__raise_code (BRAID_EINVAL, "braid_loop_set_clock");
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
