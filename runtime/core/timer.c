/* timer.c: the loop's timers, one binary min-heap ordered by (deadline,
 * arming order). Due timers are moved to the end of the ready queue in
 * deadline order at the start of an iteration (ORDERING.md rule 2); a
 * single uv_timer, armed only while the loop blocks, wakes the poll for
 * the earliest deadline.
 *
 * Hot path: arming a sleep (a sift-up in an array, no allocation: the
 * sleep timer lives in the task) and braid__timers_move_due.
 */
#include "braid-private.h"

static bool
timer_less (const braid__timer *a, const braid__timer *b)
{
  if (a->deadline != b->deadline)
    return a->deadline < b->deadline;
  return a->seq < b->seq;
}

static void
heap_set (braid_loop *loop, size_t i, braid__timer *t)
{
  loop->heap[i] = t;
  t->index = i;
}

static void
sift_up (braid_loop *loop, size_t i)
{
  braid__timer *t = loop->heap[i];
  while (i > 0)
    {
      size_t parent = (i - 1) / 2;
      if (!timer_less (t, loop->heap[parent]))
        break;
      heap_set (loop, i, loop->heap[parent]);
      i = parent;
    }
  heap_set (loop, i, t);
}

static void
sift_down (braid_loop *loop, size_t i)
{
  braid__timer *t = loop->heap[i];
  size_t n = loop->nheap;
  for (;;)
    {
      size_t l = 2 * i + 1;
      if (l >= n)
        break;
      size_t m = l;
      if (l + 1 < n && timer_less (loop->heap[l + 1], loop->heap[l]))
        m = l + 1;
      if (!timer_less (loop->heap[m], t))
        break;
      heap_set (loop, i, loop->heap[m]);
      i = m;
    }
  heap_set (loop, i, t);
}

static void
heap_remove (braid_loop *loop, braid__timer *t)
{
  size_t i = t->index;
  braid__timer *last = loop->heap[--loop->nheap];
  if (i < loop->nheap)
    {
      heap_set (loop, i, last);
      if (i > 0 && timer_less (last, loop->heap[(i - 1) / 2]))
        sift_up (loop, i);
      else
        sift_down (loop, i);
    }
}

void
braid__timer_arm (braid_loop *loop, braid__timer *t, uint64_t deadline)
{
  if (loop->nheap == loop->capheap)
    {
      size_t cap = loop->capheap ? loop->capheap * 2 : 64;
      braid__timer **h = realloc (loop->heap, cap * sizeof *h);
      if (!h)
        braid__abort ("braid__timer_arm", "out of memory");
      loop->heap = h;
      loop->capheap = cap;
    }
  t->loop = loop;
  t->deadline = deadline;
  t->seq = loop->timer_seq++;
  t->state = TIMER_ARMED;
  loop->heap[loop->nheap++] = t;
  sift_up (loop, loop->nheap - 1);
}

void
braid__timers_move_due (braid_loop *loop, uint64_t now)
{
  while (loop->nheap > 0 && loop->heap[0]->deadline <= now)
    {
      braid__timer *t = loop->heap[0];
      heap_remove (loop, t);
      t->state = TIMER_QUEUED;
      braid__entry *e = queue_push_slot (&loop->queue);
      e->kind = ENTRY_TIMER;
      e->a = t;
    }
}

void
braid__timer_dispatch (braid__timer *t)
{
  uint8_t state = t->state;
  braid__timer_fn fn = t->fn;
  void *data = t->data;
  t->state = TIMER_IDLE;
  if (!t->embedded)
    free (t);
  if (state == TIMER_QUEUED)
    fn (data);
}

/* The loop a timer is set on: @loop, or the loop running on this
 * thread. */
static braid_loop *
timer_loop (braid_loop *loop, const char *call)
{
  if (!loop)
    loop = braid__tls_loop;
  if (!loop)
    braid__abort (call, "no loop");
  return loop;
}

braid__timer *
braid__call_at_ns (braid_loop *loop, uint64_t deadline, braid__timer_fn fn,
                   void *data)
{
  loop = timer_loop (loop, "braid__call_at_ns");
  braid__timer *t = braid__xcalloc (1, sizeof *t);
  t->fn = fn;
  t->data = data;
  braid__timer_arm (loop, t, deadline);
  return t;
}

braid__timer *
braid__call_later (braid_loop *loop, uint64_t delay_ns, braid__timer_fn fn,
                   void *data)
{
  loop = timer_loop (loop, "braid__call_later");
  uint64_t now = braid__clock_read (loop);
  uint64_t deadline = delay_ns > UINT64_MAX - now ? UINT64_MAX : now + delay_ns;
  return braid__call_at_ns (loop, deadline, fn, data);
}

void
braid__timer_cancel (braid__timer *t)
{
  if (!t)
    return;
  switch (t->state)
    {
    case TIMER_ARMED:
      heap_remove (t->loop, t);
      t->state = TIMER_IDLE;
      if (!t->embedded)
        free (t);
      break;
    case TIMER_QUEUED:
      /* Its entry is in the ready queue: the dispatch skips it. */
      t->state = TIMER_CANCELLED_QUEUED;
      break;
    default:
      break;
    }
}

uint64_t
braid__timer_id (const braid__timer *t)
{
  if (!t)
    return 0;
  if (t->id == 0)
    ((braid__timer *)t)->id = braid__object_id_new ();
  return t->id;
}

void
braid__timers_free_all (braid_loop *loop)
{
  for (size_t i = 0; i < loop->nheap; i++)
    {
      braid__timer *t = loop->heap[i];
      t->state = TIMER_IDLE;
      /* A public handle's timer never fires now: the handle drops the
       * reference the loop held for it (call.c). */
      if (t->fn == braid__handle_run)
        braid__handle_dropped (t->data);
      if (!t->embedded)
        free (t);
    }
  loop->nheap = 0;
  free (loop->heap);
  loop->heap = NULL;
  loop->capheap = 0;
}
