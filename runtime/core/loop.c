/* loop.c: the event loop: creation and closing, the iteration (asyncio's
 * _run_once), the dispatch of ready entries, run_until_complete, and the
 * ready queue's growth.
 *
 * An iteration (ORDERING.md rules 1-2): poll I/O (blocking only when
 * nothing is ready), append the due timers in deadline order, then run
 * exactly the entries that were queued when it began (`remaining`). I/O is
 * polled when the queue is empty and otherwise every BRAID_POLL_EVERY
 * iterations, BRAID_POLL_WORK entries or BRAID_POLL_NS (1 ms), so a yield
 * does not pay a uv_run and long steps do not starve I/O; never when
 * libuv has no active handle or request, so a loop of tasks alone does
 * not return to the loop's own context to poll.
 *
 * Hot path: braid__loop_fast_iteration, which lets a task that ends an
 * iteration start the next one itself and switch straight to the next
 * task (braid__task_suspend), and loop_run's dispatch of a RESUME entry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "braid-private.h"

void
braid__queue_grow (braid__queue *q)
{
  size_t cap = (q->mask + 1) * 2;
  braid__entry *ring = malloc (cap * sizeof *ring);
  if (!ring)
    braid__abort ("braid ready queue", "out of memory");
  size_t old = q->mask + 1;
  for (size_t i = 0; i < q->len; i++)
    ring[i] = q->ring[(q->head + i) & (old - 1)];
  free (q->ring);
  q->ring = ring;
  q->mask = cap - 1;
  q->head = 0;
}

static void
wake_timer_cb (uv_timer_t *handle)
{
  /* uv_run (UV_RUN_ONCE) runs due timers before it computes the poll's
   * timeout. If the thread was preempted between arming this timer and
   * uv_run for longer than the timer's delay, it fires there, no timer is
   * left, and with an I/O handle open the poll would block without a
   * timeout. Stopping the loop makes libuv compute a timeout of 0, so the
   * poll returns at once and the due braid timer runs. */
  uv_stop (handle->loop);
}

/* Runs libuv once in @mode; returns the nanoseconds it spent. */
static uint64_t
poll_io (braid_loop *loop, uv_run_mode mode)
{
  uint64_t t0 = mode == UV_RUN_NOWAIT ? 0 : braid__monotonic_ns ();
  uv_run (&loop->uv, mode);
  return mode == UV_RUN_NOWAIT ? 0 : braid__monotonic_ns () - t0;
}

bool
braid__poll_due (braid_loop *loop)
{
  size_t w = loop->work_since_poll;
  if (w >= BRAID_POLL_WORK)
    {
      loop->check_first = BRAID_POLL_CHECK;
      return true;
    }
  if (!uv_loop_alive (&loop->uv))
    {
      /* Nothing to poll: no need to read the clock until there is. */
      loop->work_check = BRAID_POLL_WORK;
      return false;
    }
  uint64_t e = braid__monotonic_ns () - loop->last_poll_ns;
  if (e >= BRAID_POLL_NS)
    {
      /* The next interval, at this rate, reaches the bound after about
       * w * BRAID_POLL_NS / e entries: check at half of that. */
      uint64_t first = (uint64_t)w * BRAID_POLL_NS / e / 2;
      loop->check_first = first < 1                  ? 1
                          : first > BRAID_POLL_CHECK ? BRAID_POLL_CHECK
                                                     : (size_t)first;
      return true;
    }
  /* Entries left until the bound at the rate seen so far: check again
   * after half of them. */
  uint64_t left = e ? (uint64_t)w * (BRAID_POLL_NS - e) / e / 2 : w;
  if (left < 1)
    left = 1;
  if (left > BRAID_POLL_WORK - w)
    left = BRAID_POLL_WORK - w;
  loop->work_check = w + (size_t)left;
  return false;
}

/* Starts counting towards the next poll (after a poll, or when there was
 * nothing to poll). */
static void
poll_reset (braid_loop *loop, bool polled)
{
  loop->since_poll = 0;
  loop->work_since_poll = 0;
  loop->work_check = loop->check_first;
  if (polled)
    loop->last_poll_ns = braid__monotonic_ns ();
}

bool
braid__poll_skip (braid_loop *loop)
{
  if (uv_loop_alive (&loop->uv))
    return false;
  /* What begin_iteration does for a poll due by count with nothing to
   * poll. */
  loop->check_first = BRAID_POLL_CHECK;
  poll_reset (loop, false);
  return true;
}

/* Begins an iteration in the loop's own context. Returns 1 when it began,
 * 0 when nothing became ready (try again), -1 when nothing ever can. */
static int
begin_iteration (braid_loop *loop)
{
  bool io = uv_loop_alive (&loop->uv);
  bool polled = false, jumped = false;
  uint64_t blocked = 0;
  if (loop->queue.len == 0)
    {
      if (loop->nheap == 0)
        {
          if (!io)
            return -1;
          blocked = poll_io (loop, UV_RUN_ONCE);
          if (loop->clock == BRAID_CLOCK_VIRTUAL)
            loop->virtual_now += blocked;
        }
      else if (loop->clock == BRAID_CLOCK_VIRTUAL && !io)
        {
          /* Nothing can happen before the next deadline: jump to it. */
          if (loop->heap[0]->deadline > loop->virtual_now)
            loop->virtual_now = loop->heap[0]->deadline;
          jumped = true;
        }
      else
        {
          uint64_t now = braid__clock_read (loop);
          uint64_t deadline = loop->heap[0]->deadline;
          if (deadline > now)
            {
              uint64_t wait = deadline - now;
              uint64_t ms = (wait + 999999) / 1000000;
              /* libuv computes the due time from its cached clock, which
               * only uv_run refreshes: after a long step it is stale, the
               * wake timer would fire before the poll, and the poll would
               * then block without a timeout while I/O handles are open. */
              uv_update_time (&loop->uv);
              uv_timer_start (&loop->wake_timer, wake_timer_cb, ms, 0);
              blocked = poll_io (loop, UV_RUN_ONCE);
              uv_timer_stop (&loop->wake_timer);
              if (loop->clock == BRAID_CLOCK_VIRTUAL)
                loop->virtual_now += blocked < wait ? blocked : wait;
            }
          else if (io)
            poll_io (loop, UV_RUN_NOWAIT);
        }
      polled = true;
      poll_reset (loop, true);
    }
  else
    {
      bool due = ++loop->since_poll >= BRAID_POLL_EVERY;
      if (due)
        loop->check_first = BRAID_POLL_CHECK; /* short steps */
      else if (loop->work_since_poll >= loop->work_check)
        due = braid__poll_due (loop);
      if (due)
        {
          if (io)
            {
              poll_io (loop, UV_RUN_NOWAIT);
              polled = true;
            }
          poll_reset (loop, polled);
        }
    }
  if (loop->nheap)
    braid__timers_move_due (loop, braid__clock_read (loop));
  bool begins = loop->queue.len != 0;
  if (begins)
    {
      loop->iteration++;
      loop->remaining = loop->queue.len;
      loop->work_since_poll += loop->remaining;
    }
  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      if (polled)
        braid__emit_poll (loop, blocked, jumped, begins);
      else if (begins)
        braid__emit_iteration (loop);
      if (!begins)
        return 0;
      /* The first entry is dispatched right away: when it is a task's
       * step, its RESUMED shares this reading; a callback may run long
       * and reads the clock for its events. */
      loop->ev_held = queue_peek (&loop->queue)->kind == ENTRY_RESUME;
    }
  return begins;
}

/* After a callback run by the loop: an error it left current is reported
 * (asyncio's "Exception in callback") and cleared, and the thread's error
 * from before (@saved, owned) is put back. */
void
braid__callback_report (braid_loop *loop, const void *fn, braid_error *left)
{
  flockfile (stderr);
  fputs ("braid: error in callback ", stderr);
  braid__callback_print_name (loop, fn, stderr);
  fputs (": ", stderr);
  braid_error_print (left, stderr);
  funlockfile (stderr);
  fflush (stderr);
  braid_error_unref (left);
}

static void
callback_done (braid_loop *loop, void *fn, braid_error *saved)
{
  braid_error *left = braid__error_steal_current ();
  if (BRAID_UNLIKELY (left != NULL))
    braid__callback_report (loop, fn, left);
  if (saved)
    braid__error_set_current (saved);
}

static void
dispatch (braid_loop *loop, braid__entry *e)
{
  switch (e->kind)
    {
    case ENTRY_RESUME:
      {
        braid_task *t = e->a;
        if (!t->started && !braid__task_start (loop, t))
          break;
        STEP_SEQ_BUMP (loop);
        __atomic_store_n (&loop->in_step, 1, __ATOMIC_RELAXED);
        if (BRAID_UNLIKELY (braid__hooks_active))
          braid__emit_resumed (loop, t, true);
        braid__tls_task = t;
        braid__coro_transfer (&loop->main_ctx, &t->co);
        braid__tls_task = NULL;
        __atomic_store_n (&loop->in_step, 0, __ATOMIC_RELAXED);
        braid__reap_finished (loop);
        break;
      }
    case ENTRY_CALL:
      {
        braid_error *saved = braid__error_steal_current ();
        ((void (*) (void *))e->fn) (e->a);
        callback_done (loop, e->fn, saved);
        break;
      }
    case ENTRY_DONE_CB:
      {
        braid_error *saved = braid__error_steal_current ();
        if (BRAID_UNLIKELY (braid__hooks_active))
          loop->cause = ((braid_future *)e->a)->completer;
        ((braid_done_fn)e->fn) ((braid_future *)e->a, e->b);
        loop->cause = 0;
        braid_future_unref ((braid_future *)e->a);
        callback_done (loop, e->fn, saved);
        break;
      }
    case ENTRY_TIMER:
      {
        braid__timer *timer = e->a;
        braid_error *saved = braid__error_steal_current ();
        void *fn = (void *)timer->fn;
        braid__timer_dispatch (timer);
        callback_done (loop, fn, saved);
        break;
      }
    }
}

/* Runs until stopped (0) or until nothing can ever happen (-1). */
static int
loop_run (braid_loop *loop)
{
  for (;;)
    {
      if (loop->remaining == 0)
        {
          if (loop->stopping)
            return 0;
          int r = begin_iteration (loop);
          if (r < 0)
            return -1;
          if (r == 0)
            continue;
        }
      braid__entry e = *queue_peek (&loop->queue);
      queue_drop_head (&loop->queue);
      loop->remaining--;
      dispatch (loop, &e);
    }
}

static uint64_t
env_slow_step_ns (void)
{
  const char *s = getenv ("BRAID_SLOW_STEP_MS");
  if (!s || !*s)
    return 100 * 1000000ull;
  char *end = NULL;
  errno = 0;
  double ms = strtod (s, &end);
  if (errno || end == s || ms < 0 || ms != ms)
    {
      fprintf (stderr,
               "braid: ignoring BRAID_SLOW_STEP_MS=%s (not a "
               "non-negative number of milliseconds)\n",
               s);
      return 100 * 1000000ull;
    }
  return (uint64_t)(ms * 1e6);
}

/* Every loop not yet closed. A call on a closed loop (closing it twice)
 * must abort naming the call without reading the freed loop, which a
 * field of the loop cannot tell: the list can. Loops are few and the
 * calls that check it rare (close, run, setters), so a list under a
 * mutex does. */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static braid_loop *live_loops;

static void
live_add (braid_loop *loop)
{
  pthread_mutex_lock (&live_lock);
  loop->live_next = live_loops;
  live_loops = loop;
  pthread_mutex_unlock (&live_lock);
}

static bool
live_remove (braid_loop *loop)
{
  pthread_mutex_lock (&live_lock);
  braid_loop **p = &live_loops;
  while (*p && *p != loop)
    p = &(*p)->live_next;
  bool found = *p != NULL;
  if (found)
    *p = loop->live_next;
  pthread_mutex_unlock (&live_lock);
  return found;
}

void
braid__loop_check (const braid_loop *loop, const char *call)
{
  braid__check_arg (loop, call, "loop");
  pthread_mutex_lock (&live_lock);
  const braid_loop *l = live_loops;
  while (l && l != loop)
    l = l->live_next;
  pthread_mutex_unlock (&live_lock);
  if (!l)
    braid__abort (call, "the loop was closed (or is not a loop)");
}

braid_loop *
braid_loop_new (void)
{
  braid__modules_load_once ();
  braid_loop *loop = calloc (1, sizeof *loop);
  if (!loop)
    return NULL;
  if (uv_loop_init (&loop->uv) != 0)
    goto fail_free;
  uv_timer_init (&loop->uv, &loop->wake_timer);
  if (braid__threadsafe_init (loop) != 0)
    goto fail_uv;
  loop->queue.ring = malloc (256 * sizeof (braid__entry));
  if (!loop->queue.ring)
    goto fail_uv;
  loop->queue.mask = 255;
  loop->stack_size = 256 * 1024;
  loop->pools = malloc (sizeof *loop->pools);
  if (!loop->pools)
    goto fail_queue;
  loop->pools[0] = braid__stack_pool_new (loop->stack_size);
  if (!loop->pools[0])
    goto fail_pools;
  loop->npools = 1;
  braid__coro_init_thread (&loop->main_ctx);
  const char *clock = getenv ("BRAID_CLOCK");
  if (clock && strcmp (clock, "virtual") == 0)
    loop->clock = BRAID_CLOCK_VIRTUAL;
  loop->slow_step_ns = env_slow_step_ns ();
  loop->check_first = loop->work_check = BRAID_POLL_CHECK;
  loop->id = braid__object_id_new ();
  loop->owner = (unsigned long)pthread_self ();
  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      extern char *program_invocation_name;
      braid_event ev;
      braid__event_init (&ev, BRAID_EV_LOOP_CREATED, braid__event_time (loop));
      ev.object = loop->id;
      ev.value = loop->clock;
      ev.str1 = program_invocation_name;
      braid__hook_call (&ev);
    }
  live_add (loop);
  return loop;

fail_pools:
  free (loop->pools);
fail_queue:
  free (loop->queue.ring);
fail_uv:
  braid__threadsafe_close (loop);
  uv_close ((uv_handle_t *)&loop->wake_timer, NULL);
  uv_run (&loop->uv, UV_RUN_NOWAIT);
  uv_loop_close (&loop->uv);
fail_free:
  free (loop);
  return NULL;
}

void
braid__loop_check_thread (const braid_loop *loop, const char *call)
{
  if (BRAID_UNLIKELY (loop->owner != (unsigned long)pthread_self ()))
    braid__abort (call, "the loop belongs to another thread");
}

void
braid_loop_set_slow_step_ns (braid_loop *loop, uint64_t ns)
{
  braid__loop_check (loop, "braid_loop_set_slow_step_ns");
  __atomic_store_n (&loop->slow_step_ns, ns, __ATOMIC_RELAXED);
}

int
braid_loop_set_stack_size (braid_loop *loop, size_t bytes)
{
  braid__loop_check (loop, "braid_loop_set_stack_size");
  braid__loop_check_thread (loop, "braid_loop_set_stack_size");
  if (bytes == 0)
    bytes = BRAID_STACK_SIZE_DEFAULT;
  if (bytes < BRAID_STACK_SIZE_MIN || bytes > BRAID_STACK_SIZE_MAX)
    return braid__raise_as (BRAID_VALUE_ERROR, BRAID_EINVAL,
                            "braid_loop_set_stack_size: %zu bytes is out of "
                            "range (%d to %ld)",
                            bytes, BRAID_STACK_SIZE_MIN,
                            (long)BRAID_STACK_SIZE_MAX);
  if (bytes == loop->stack_size)
    return 0;
  braid__stack_pool *pool = braid__stack_pool_new (bytes);
  if (!pool)
    return braid__raise_code (BRAID_ENOMEM, "braid_loop_set_stack_size");
  braid__stack_pool **pools
      = realloc (loop->pools, (loop->npools + 1) * sizeof *pools);
  if (!pools)
    {
      braid__stack_pool_free (pool);
      return braid__raise_code (BRAID_ENOMEM, "braid_loop_set_stack_size");
    }
  loop->pools = pools;
  loop->pools[loop->npools++] = pool;
  loop->stack_size = bytes;
  return 0;
}

braid_loop *
braid_loop_current (void)
{
  return braid__tls_loop;
}

struct uv_loop_s *
braid_loop_uv (braid_loop *loop)
{
  if (!loop)
    braid__abort ("braid_loop_uv", "NULL loop");
  return &loop->uv;
}

static void
stop_cb (braid_future *f, void *data)
{
  (void)f;
  ((braid_loop *)data)->stopping = true;
}

int
braid_loop_run_until_complete (braid_loop *loop, braid_future *future,
                               void **result)
{
  braid__loop_check (loop, "braid_loop_run_until_complete");
  braid__check_arg (future, "braid_loop_run_until_complete", "future");
  braid__loop_check_thread (loop, "braid_loop_run_until_complete");
  if (braid__tls_task || loop->running || braid__tls_loop)
    return braid__raise_code (BRAID_EBUSY, "braid_loop_run_until_complete "
                                           "(the loop is already running)");
  if (future->loop != loop)
    return braid__raise_code (BRAID_EXLOOP, "braid_loop_run_until_complete");
  braid_future_ref (future);
  braid_future_add_done_callback (future, stop_cb, loop);
  loop->running = true;
  loop->ever_ran = true;
  loop->stopping = false;
  braid__tls_loop = loop;
  braid__watchdog_start (loop);
  int r = loop_run (loop);
  braid__tls_loop = NULL;
  loop->running = false;
  loop->stopping = false;
  int rc;
  if (r < 0)
    {
      braid_future_remove_done_callback (future, stop_cb, loop);
      braid__report_deadlock (loop);
      rc = braid__raise_code (BRAID_EDEADLK, "braid_loop_run_until_complete");
    }
  else
    rc = braid_future_result (future, result);
  braid_future_unref (future);
  return rc;
}

/* Empties the ready queue of a loop being closed. */
static void
drain_queue (braid_loop *loop)
{
  while (loop->queue.len)
    {
      braid__entry e = *queue_peek (&loop->queue);
      queue_drop_head (&loop->queue);
      if (e.kind == ENTRY_DONE_CB)
        braid_future_unref ((braid_future *)e.a);
      else if (e.kind == ENTRY_CALL && e.fn == (void *)braid__handle_run)
        braid__handle_dropped (e.a);
      else if (e.kind == ENTRY_TIMER)
        {
          braid__timer *t = e.a;
          if (t->fn == braid__handle_run && t->state == TIMER_QUEUED)
            braid__handle_dropped (t->data);
          t->state = TIMER_IDLE;
          if (!t->embedded)
            free (t);
        }
    }
  loop->remaining = 0;
}

static void
close_walk_cb (uv_handle_t *h, void *arg)
{
  (void)arg;
  if (!uv_is_closing (h))
    uv_close (h, NULL);
}

/* Runs what is queued while a loop closes: callbacks, done callbacks and
 * fired timers run (they release what combinators and I/O hold); a task's
 * step is dropped (the close resumes each pending task itself, and a task
 * that never started never runs). */
static void
close_run_queue (braid_loop *loop)
{
  while (loop->queue.len)
    {
      braid__entry e = *queue_peek (&loop->queue);
      queue_drop_head (&loop->queue);
      if (e.kind != ENTRY_RESUME)
        dispatch (loop, &e);
    }
  loop->remaining = 0;
}

/* Unwinds @t, a started pending task, during braid_loop_close: cancels
 * what it waits on, then resumes it with its await failing with the
 * closing CancelledError (braid__task_deliver_cancel, braid__await_as).
 * Every further suspension fails at once (braid__suspend_attention), so
 * the task runs to its end before this returns. */
static void
close_unwind_task (braid_loop *loop, braid_task *t)
{
  t->closing = true;
  loop->close_fails = 0;
  if (t->wait_kind == WAITK_FUTURE && t->waiting_on)
    braid_future_cancel (t->waiting_on, BRAID_LOOP_CLOSING_MESSAGE);
  else if (t->wait_kind == WAITK_SLEEP)
    braid__timer_cancel (&t->sleep_timer);
  /* Callbacks the cancellation queued (an I/O op's, a gather's) run
   * before the task resumes, as they would in the loop. */
  close_run_queue (loop);
  /* Work that could not be stopped (a thread running the task's
   * function, a read into its buffer) may use the task's memory: wait
   * for it before the task's stack unwinds. */
  braid_future *w = t->wait_kind == WAITK_FUTURE ? t->waiting_on : NULL;
  while (w && w->close_wait && w->state == FUT_PENDING
         && uv_loop_alive (&loop->uv))
    {
      uv_run (&loop->uv, UV_RUN_ONCE);
      close_run_queue (loop);
    }
  if (t->fut.state != FUT_PENDING || !t->started)
    return;
  t->must_cancel = true;
  t->wake_cancelled = false;
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_resumed (loop, t, false);
  braid__tls_task = t;
  braid__coro_transfer (&loop->main_ctx, &t->co);
  braid__tls_task = NULL;
  braid__reap_finished (loop);
  close_run_queue (loop);
}

/* Unwinds every started pending task, newest first (children before the
 * tasks that wait on them, usually), with @tasks (@n, creation order)
 * held by the caller. */
static void
close_unwind (braid_loop *loop, braid_task **tasks, size_t n)
{
  loop->closing = true;
  loop->stopping = true;
  __atomic_store_n (&loop->slow_flag, SLOW_FLAG_CLOSING, __ATOMIC_RELAXED);
  braid_loop *saved_loop = braid__tls_loop;
  braid__tls_loop = loop;
  close_run_queue (loop);
  for (size_t i = n; i-- > 0;)
    {
      braid_task *t = tasks[i];
      if (t->fut.state == FUT_PENDING && t->started && !t->closing)
        close_unwind_task (loop, t);
    }
  close_run_queue (loop);
  braid__tls_loop = saved_loop;
  __atomic_store_n (&loop->slow_flag, 0, __ATOMIC_RELAXED);
}

void
braid__loop_add_closer (braid_loop *loop, braid__closer *c)
{
  c->prev = NULL;
  c->next = loop->closers;
  if (loop->closers)
    loop->closers->prev = c;
  loop->closers = c;
}

void
braid__loop_remove_closer (braid_loop *loop, braid__closer *c)
{
  if (c->prev)
    c->prev->next = c->next;
  else if (loop->closers == c)
    loop->closers = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->prev = c->next = NULL;
}

/* Closes the I/O objects the program left open, newest first, and runs
 * libuv until their close callbacks (which free them) have run. */
static void
close_closers (braid_loop *loop)
{
  braid_loop *saved_loop = braid__tls_loop;
  braid__tls_loop = loop;
  while (loop->closers)
    {
      braid__closer *c = loop->closers;
      braid__loop_remove_closer (loop, c);
      c->close (c);
      close_run_queue (loop);
    }
  braid__tls_loop = saved_loop;
}

/* Holds every task of @loop (a reference each), in creation order. */
static braid_task **
hold_tasks (braid_loop *loop, size_t *count)
{
  size_t n = loop->ntasks, i = 0;
  braid_task **tasks = braid__xcalloc (n ? n : 1, sizeof *tasks);
  for (braid_task *t = loop->tasks; t; t = t->next)
    {
      t->fut.refcount++;
      tasks[i++] = t;
    }
  /* Creation order reads better than the list's reverse order. */
  for (size_t a = 0, b = n ? n - 1 : 0; a < b; a++, b--)
    {
      braid_task *tmp = tasks[a];
      tasks[a] = tasks[b];
      tasks[b] = tmp;
    }
  *count = n;
  return tasks;
}

static void
release_tasks (braid_task **tasks, size_t n)
{
  for (size_t i = 0; i < n; i++)
    braid_task_unref (tasks[i]);
  free (tasks);
}

int
braid_loop_close (braid_loop *loop)
{
  braid__loop_check (loop, "braid_loop_close");
  braid__loop_check_thread (loop, "braid_loop_close");
  if (loop->running || loop->closing)
    return braid__raise_code (BRAID_EBUSY, "braid_loop_close");
  braid__watchdog_stop (loop);

  /* Hold every task while reporting, unwinding and detaching, so that
   * releasing one (which may drop the last reference to another) frees
   * nothing under the walk. */
  size_t n, i;
  braid_task **tasks = hold_tasks (loop, &n);
  for (i = 0; i < n; i++)
    {
      braid_task *t = tasks[i];
      if (t->fut.state == FUT_PENDING)
        {
          if (!t->fut.gathered && !t->destroyed_reported)
            braid__report_destroyed_pending (t, false);
        }
      else if (t->fut.state == FUT_ERROR && !t->fut.retrieved
               && !t->fut.reported)
        braid__report_never_retrieved (&t->fut);
    }
  close_unwind (loop, tasks, n);
  release_tasks (tasks, n);

  /* What is left pending never started (or was spawned while closing):
   * it has no stack to unwind. */
  drain_queue (loop);
  tasks = hold_tasks (loop, &n);
  for (i = 0; i < n; i++)
    {
      braid_task *t = tasks[i];
      bool pending = t->fut.state == FUT_PENDING;
      braid__task_detach (t);
      if (pending)
        t->fut.refcount--; /* the loop's own reference */
    }
  release_tasks (tasks, n);
  drain_queue (loop);
  close_closers (loop);
  drain_queue (loop);
  braid__timers_free_all (loop);
  braid__threadsafe_close (loop);

  uv_close ((uv_handle_t *)&loop->wake_timer, NULL);
  /* libuv frees nothing itself: the closers' close callbacks free their
   * objects. Handles nobody registered are closed next, and libuv runs
   * until every close callback (and thread-pool work still finishing) has
   * run. */
  uv_run (&loop->uv, UV_RUN_NOWAIT);
  if (uv_loop_close (&loop->uv) == UV_EBUSY)
    {
      uv_walk (&loop->uv, close_walk_cb, NULL);
      uv_run (&loop->uv, UV_RUN_DEFAULT);
      uv_loop_close (&loop->uv);
    }
  for (i = 0; i < loop->npools; i++)
    braid__stack_pool_free (loop->pools[i]);
  free (loop->pools);
  free (loop->queue.ring);
  free (loop->heap);
  free (loop->cb_sites);
  while (loop->free_tasks)
    {
      braid_task *t = loop->free_tasks;
      loop->free_tasks = t->next;
      free (t);
    }
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_simple (loop, BRAID_EV_LOOP_CLOSED, 0, 0, loop->id, 0, 0);
  /* The thread's running context is the loop's main context since the
   * loop last ran: the overflow handler must not read it once freed. */
  braid__coro_forget_thread (&loop->main_ctx);
  live_remove (loop);
  free (loop);
  return 0;
}

void
braid__call_soon (braid_loop *loop, void (*fn) (void *data), void *data)
{
  if (!loop)
    loop = braid__tls_loop;
  if (!loop)
    braid__abort ("braid__call_soon", "no loop");
  if (!fn)
    braid__abort ("braid__call_soon", "NULL function");
  braid__entry *e = queue_push_slot (&loop->queue);
  e->kind = ENTRY_CALL;
  e->fn = (void *)fn;
  e->a = data;
}
