/* call.c: the public callbacks of a loop (asyncio's loop.call_soon,
 * call_later, call_at, call_soon_threadsafe and loop.time) and their
 * handles.
 *
 * A handle is built on the core's internal scheduling: braid__call_soon
 * puts it on the ready queue (so a callback keeps its FIFO place among
 * the tasks and callbacks already ready, ORDERING.md rule 1), and
 * braid__call_at_ns puts it on the timer heap (due timers join the end of
 * the ready queue, rule 2). A handle has two references while pending:
 * the caller's (braid_handle_unref) and the loop's, dropped when the
 * callback has run, when a timed handle is cancelled (its timer never
 * runs), or when the loop closes with it unrun. The reference count and
 * the cancelled flag are atomic: a handle made by
 * braid_call_soon_threadsafe may be cancelled and released on any
 * thread.
 *
 * The thread-safe queue is a mutex-protected list that a uv_async drains
 * into the ready queue on the loop's thread. The uv_async is unreferenced:
 * it does not keep the loop alive (braid.h says what that means).
 */
#include "braid-private.h"

#include <math.h>
#include <pthread.h>

struct braid_handle
{
  int refs;       /* atomic */
  bool cancelled; /* atomic */
  bool timed;
  braid_loop *loop;
  braid__timer *timer; /* pending timed handle only (loop thread) */
  double when;         /* timed handle only */
  braid_callback_fn fn;
  void *arg;
  struct braid_handle *next; /* the thread-safe queue */
};

typedef struct braid__threadsafe
{
  uv_async_t async;
  pthread_mutex_t lock;
  braid_handle *head, *tail;
} braid__threadsafe;

static braid_handle *
handle_new (braid_loop *loop, braid_callback_fn fn, void *arg)
{
  braid_handle *h = braid__xcalloc (1, sizeof *h);
  h->refs = 2; /* the caller's and the loop's */
  h->loop = loop;
  h->fn = fn;
  h->arg = arg;
  return h;
}

void
braid_handle_unref (braid_handle *handle)
{
  if (!handle)
    return;
  if (__atomic_sub_fetch (&handle->refs, 1, __ATOMIC_ACQ_REL) == 0)
    free (handle);
}

void
braid__handle_dropped (void *data)
{
  braid_handle *h = data;
  h->timer = NULL;
  braid_handle_unref (h);
}

void
braid__handle_run (void *data)
{
  braid_handle *h = data;
  h->timer = NULL;
  if (!__atomic_load_n (&h->cancelled, __ATOMIC_ACQUIRE))
    {
      h->fn (h->arg);
      /* Reported here, naming the program's function rather than this
       * one's (the loop's dispatch then finds no error left). */
      braid_error *left = braid__error_steal_current ();
      if (left)
        braid__callback_report (h->loop, (const void *)h->fn, left);
    }
  braid_handle_unref (h);
}

/* The loop a call names: @loop, or the loop running on this thread. */
static braid_loop *
call_loop (braid_loop *loop, braid_callback_fn fn, const char *call)
{
  if (!loop)
    loop = braid_loop_current ();
  if (!loop)
    braid__abort (call, "NULL loop and no loop running on this thread");
  if (!fn)
    braid__abort (call, "NULL fn");
  braid__loop_check_thread (loop, call);
  return loop;
}

braid_handle *
braid_call_soon (braid_loop *loop, braid_callback_fn fn, void *arg)
{
  loop = call_loop (loop, fn, "braid_call_soon");
  braid_handle *h = handle_new (loop, fn, arg);
  braid__call_soon (loop, braid__handle_run, h);
  return h;
}

/* braid_call_later (@relative: @t is a delay) and braid_call_at (@t is a
 * time of braid_loop_time). The handle's when() is the time asked for,
 * as asyncio's (now + delay for a delay), while the deadline on the
 * timer heap is clamped to the clock's range (rule 35: the past is
 * due). */
static braid_handle *
call_timed (braid_loop *loop, bool relative, double t, braid_callback_fn fn,
            void *arg, const char *call)
{
  loop = call_loop (loop, fn, call);
  if (isnan (t))
    {
      braid__raise_code (BRAID_EINVAL, call);
      return NULL;
    }
  uint64_t deadline = braid__seconds_to_ns (t, NULL);
  double when = t;
  if (relative)
    {
      uint64_t now = braid__clock_read (loop);
      deadline = deadline > UINT64_MAX - now ? UINT64_MAX : now + deadline;
      when = (double)now / 1e9 + t;
    }
  braid_handle *h = handle_new (loop, fn, arg);
  h->timed = true;
  h->when = when;
  h->timer = braid__call_at_ns (loop, deadline, braid__handle_run, h);
  return h;
}

braid_handle *
braid_call_later (braid_loop *loop, double delay_s, braid_callback_fn fn,
                  void *arg)
{
  return call_timed (loop, true, delay_s, fn, arg, "braid_call_later");
}

braid_handle *
braid_call_at (braid_loop *loop, double when_s, braid_callback_fn fn, void *arg)
{
  return call_timed (loop, false, when_s, fn, arg, "braid_call_at");
}

void
braid_handle_cancel (braid_handle *handle)
{
  if (!handle)
    braid__abort ("braid_handle_cancel", "NULL handle");
  if (__atomic_exchange_n (&handle->cancelled, true, __ATOMIC_ACQ_REL))
    return;
  /* A pending timer is taken off the heap (or skipped in the ready queue)
   * and never calls braid__handle_run: its loop reference goes now. A
   * callback on the ready queue runs braid__handle_run, which skips it. */
  if (handle->timed && handle->timer)
    {
      /* A pending timer means the loop is open (its close drops the
       * timer): the heap is the loop thread's alone. */
      braid__loop_check_thread (handle->loop, "braid_handle_cancel");
      braid__timer_cancel (handle->timer);
      handle->timer = NULL;
      braid_handle_unref (handle);
    }
}

bool
braid_handle_cancelled (const braid_handle *handle)
{
  if (!handle)
    braid__abort ("braid_handle_cancelled", "NULL handle");
  return __atomic_load_n (&handle->cancelled, __ATOMIC_ACQUIRE);
}

double
braid_handle_when (const braid_handle *handle)
{
  if (!handle)
    braid__abort ("braid_handle_when", "NULL handle");
  if (!handle->timed)
    return NAN;
  return handle->when;
}

double
braid_loop_time (const braid_loop *loop)
{
  if (!loop)
    braid__abort ("braid_loop_time", "NULL loop");
  return (double)braid__clock_read (loop) / 1e9;
}

/* The thread-safe queue. */

static void
threadsafe_drain (uv_async_t *async)
{
  braid_loop *loop = async->data;
  braid__threadsafe *ts = loop->threadsafe;
  pthread_mutex_lock (&ts->lock);
  braid_handle *h = ts->head;
  ts->head = ts->tail = NULL;
  pthread_mutex_unlock (&ts->lock);
  while (h)
    {
      braid_handle *next = h->next;
      h->next = NULL;
      braid__call_soon (loop, braid__handle_run, h);
      h = next;
    }
}

int
braid__threadsafe_init (braid_loop *loop)
{
  braid__threadsafe *ts = calloc (1, sizeof *ts);
  if (!ts)
    return -1;
  if (uv_async_init (&loop->uv, &ts->async, threadsafe_drain) != 0)
    {
      free (ts);
      return -1;
    }
  ts->async.data = loop;
  uv_unref ((uv_handle_t *)&ts->async);
  pthread_mutex_init (&ts->lock, NULL);
  loop->threadsafe = ts;
  return 0;
}

static void
threadsafe_closed (uv_handle_t *async)
{
  free (async); /* the struct's first member */
}

void
braid__threadsafe_close (braid_loop *loop)
{
  braid__threadsafe *ts = loop->threadsafe;
  if (!ts)
    return;
  loop->threadsafe = NULL;
  /* Calls sent but not yet moved to the ready queue never run, as the
   * ready queue's own are dropped by the close. */
  braid_handle *h = ts->head;
  while (h)
    {
      braid_handle *next = h->next;
      braid_handle_unref (h);
      h = next;
    }
  pthread_mutex_destroy (&ts->lock);
  uv_close ((uv_handle_t *)&ts->async, threadsafe_closed);
}

braid_handle *
braid_call_soon_threadsafe (braid_loop *loop, braid_callback_fn fn, void *arg)
{
  if (!loop)
    braid__abort ("braid_call_soon_threadsafe", "NULL loop");
  if (!fn)
    braid__abort ("braid_call_soon_threadsafe", "NULL fn");
  braid_handle *h = handle_new (loop, fn, arg);
  /* On the loop's own thread the call goes straight to the ready queue,
   * in FIFO order with braid_call_soon, as asyncio's does. */
  if (loop->owner == (unsigned long)pthread_self ())
    {
      braid__call_soon (loop, braid__handle_run, h);
      return h;
    }
  braid__threadsafe *ts = loop->threadsafe;
  pthread_mutex_lock (&ts->lock);
  if (ts->tail)
    ts->tail->next = h;
  else
    ts->head = h;
  ts->tail = h;
  pthread_mutex_unlock (&ts->lock);
  uv_async_send (&ts->async);
  return h;
}
