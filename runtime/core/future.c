/* future.c: futures (a result, an error or a cancellation, set once), their
 * done callbacks, and braid_await, the one suspension point every wait on
 * a future goes through.
 *
 * Ordering (ORDERING.md rules 10-12): completing a future changes its state
 * at once and queues its callbacks in registration order, never inline; a
 * task waiting on it is one of those callbacks (its wake-up), so it resumes
 * in the next iteration.
 *
 * Hot path: braid_await of a pending future (register the waiter in the
 * inline callback slot, suspend) and braid__future_complete.
 */
#include <string.h>

#include "braid-private.h"

static uint64_t next_object_id;
/* Each thread takes ids in blocks, so creating an object costs no atomic
 * operation. */
static BRAID_TLS uint64_t id_next, id_end;

uint64_t
braid__object_id_new (void)
{
  if (BRAID_UNLIKELY (id_next == id_end))
    {
      id_next
          = __atomic_fetch_add (&next_object_id, 1024, __ATOMIC_RELAXED) + 1;
      id_end = id_next + 1024;
    }
  return id_next++;
}

void
braid__object_created (braid_loop *loop, uint64_t id, braid_object_kind kind,
                       const char *name)
{
  if (!braid__hooks_active)
    return;
  braid_task *cur = braid__tls_task;
  if (!loop)
    loop = braid__tls_loop;
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_OBJECT_CREATED,
                     loop ? braid__event_time (loop) : braid__monotonic_ns ());
  ev.task = cur ? cur->fut.id : 0;
  ev.other = ev.task;
  ev.object = id;
  ev.reason = kind;
  ev.str1 = name;
  braid__hook_call (&ev);
}

void
braid__future_init (braid_future *f, braid_loop *loop, uint64_t id,
                    bool is_task)
{
  memset (f, 0, sizeof *f);
  f->refcount = 1;
  f->magic = BRAID__MAGIC_FUTURE;
  f->loop = loop;
  f->id = id;
  f->is_task = is_task;
  f->cbs = f->inline_cb;
  f->capcbs = 1;
}

/* A plain future of @loop (the running one when NULL); @call names the
 * caller in the abort when there is no loop. */
static braid_future *
future_alloc (braid_loop *loop, const char *call)
{
  if (!loop)
    loop = braid__tls_loop;
  if (!loop)
    braid__abort (call, "no loop (pass one outside a task)");
  braid_future *f = braid__xmalloc (sizeof *f);
  braid__future_init (f, loop, braid__object_id_new (), false);
  return f;
}

braid_future *
braid_future_new (braid_loop *loop)
{
  braid_future *f = future_alloc (loop, "braid_future_new");
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__object_created (f->loop, f->id, BRAID_OBJ_FUTURE, NULL);
  return f;
}

braid_future *
braid__future_new_private (braid_loop *loop)
{
  braid_future *f = future_alloc (loop, "braid__future_new_private");
  f->is_private = true;
  return f;
}

braid_future *
braid_future_ref (braid_future *f)
{
  braid__check_object (f, "braid_future_ref", "future", FUTURE_ALIVE (f));
  f->refcount++;
  return f;
}

void
braid__future_release_cbs (braid_future *f)
{
  if (f->cbs != f->inline_cb)
    free (f->cbs);
  f->cbs = f->inline_cb;
  f->capcbs = 1;
  f->ncbs = 0;
}

void
braid_future_unref (braid_future *f)
{
  if (!f)
    return;
  braid__check_object (f, "braid_future_unref", "future", FUTURE_ALIVE (f));
  if (f->is_task)
    {
      braid_task_unref (future_as_task (f));
      return;
    }
  if (--f->refcount > 0)
    {
      /* Rule 41: only tasks waiting on it may hold it now. */
      if (BRAID_UNLIKELY (f->state == FUT_PENDING && f->ncbs > 0)
          && (uint32_t)f->refcount <= f->ncbs)
        braid__abandoned_check (f);
      return;
    }
  if (f->state == FUT_ERROR && !f->retrieved && !f->reported)
    braid__report_never_retrieved (f);
  braid__future_release_cbs (f);
  braid_error_unref (f->error);
  braid_error_unref (f->cancel_bare);
  if (f->owns_result)
    free (f->result);
  braid__forget (f->magic);
  free (f);
}

uint64_t
braid_future_id (const braid_future *f)
{
  if (!f)
    braid__abort ("braid_future_id", "NULL future");
  return f->id;
}

bool
braid_future_done (const braid_future *f)
{
  if (!f)
    braid__abort ("braid_future_done", "NULL future");
  return f->state != FUT_PENDING;
}

bool
braid_future_cancelled (const braid_future *f)
{
  if (!f)
    braid__abort ("braid_future_cancelled", "NULL future");
  return f->state == FUT_CANCELLED;
}

braid_task *
braid_future_task (braid_future *f)
{
  if (!f)
    braid__abort ("braid_future_task", "NULL future");
  return f->is_task ? future_as_task (f) : NULL;
}

braid_loop *
braid__future_loop (const braid_future *f)
{
  return f ? f->loop : NULL;
}

void
braid__future_set_gathered (braid_future *f)
{
  if (f)
    f->gathered = true;
}

void
braid__future_set_close_wait (braid_future *f, bool on)
{
  if (!f)
    braid__abort ("braid__future_set_close_wait", "NULL future");
  f->close_wait = on;
}

void
braid__future_set_cancel_fn (braid_future *f, braid__cancel_fn fn, void *data)
{
  if (!f)
    braid__abort ("braid__future_set_cancel_fn", "NULL future");
  f->cancel_fn = fn;
  f->cancel_data = data;
}

static void
push_callback (braid_future *f, braid_done_fn fn, void *data)
{
  if (f->ncbs == f->capcbs)
    {
      uint32_t cap = f->capcbs * 2;
      braid__callback *cbs = braid__xmalloc (cap * sizeof *cbs);
      memcpy (cbs, f->cbs, f->ncbs * sizeof *cbs);
      if (f->cbs != f->inline_cb)
        free (f->cbs);
      f->cbs = cbs;
      f->capcbs = cap;
    }
  f->cbs[f->ncbs].fn = fn;
  f->cbs[f->ncbs].data = data;
  f->ncbs++;
}

static void
queue_done_callback (braid_future *f, braid_done_fn fn, void *data)
{
  braid__entry *e = queue_push_slot (&f->loop->queue);
  e->kind = ENTRY_DONE_CB;
  e->fn = (void *)fn;
  e->a = f;
  e->b = data;
  f->refcount++;
}

void
braid__future_add_waiter (braid_future *f, braid_task *t)
{
  push_callback (f, NULL, t);
}

/* Wakes the tasks waiting on the completed @f and queues its done
 * callbacks, in registration order. */
static inline __attribute__ ((always_inline)) void
run_waiters (braid_future *f)
{
  uint32_t n = f->ncbs;
  if (n == 0)
    return;
  braid_task *waker = braid__tls_task;
  for (uint32_t i = 0; i < n; i++)
    {
      braid__callback cb = f->cbs[i];
      if (cb.fn == NULL)
        braid__task_wake ((braid_task *)cb.data, waker, f->id);
      else
        queue_done_callback (f, cb.fn, cb.data);
    }
  braid__future_release_cbs (f);
}

/* True when the completion of @f wakes, without telling anything its
 * resumption does not, the one task that waits on it: @f is the private
 * future behind an I/O operation (io-op.c), completed by the loop's
 * libuv callback (no task runs, no earlier completion caused it). Such a
 * TASK_WOKEN would name the object the suspension named, reason I/O, no
 * waker, at a time inside the poll whose end the next ITERATION_BEGIN
 * stamps, the iteration in which the task then runs (a loop iteration
 * runs the tasks that were ready when it began). It is not reported,
 * and its clock reading not made: the reader derives the wake-up from
 * the resumption (SCHEMA.md, "Implied wake-ups"). A thread-pool wait
 * (BRAID_WAIT_THREAD, a long step of work) keeps its TASK_WOKEN, which
 * says when the work ended. */
static bool
wake_implied (braid_future *f, braid_task *cur)
{
  if (!f->is_private || cur || f->loop->cause != 0 || f->ncbs != 1
      || f->cbs[0].fn != NULL)
    return false;
  return ((braid_task *)f->cbs[0].data)->wait_reason == BRAID_WAIT_IO;
}

/* braid__future_complete with a hook installed: records the completer,
 * reports OBJECT_DONE for a plain future, and wakes the waiters with one
 * shared reading for all their WOKEN events (a task's end event already
 * opened the window; otherwise this reading is OBJECT_DONE's, or a fresh
 * one). The window is put back as it was: a task's end keeps it open
 * for the switch that follows. */
static __attribute__ ((noinline)) void
complete_observed (braid_future *f, int state)
{
  braid_loop *loop = f->loop;
  braid_task *cur = braid__tls_task;
  f->completer = cur ? cur->fut.id : loop->cause;
  bool reported = !f->is_task && !f->is_private;
  if (reported)
    braid__emit_simple (loop, BRAID_EV_OBJECT_DONE, cur ? cur->fut.id : 0,
                        cur ? cur->fut.id : 0, f->id,
                        state == FUT_RESULT  ? 0
                        : state == FUT_ERROR ? 1
                                             : 2,
                        0);
  if (f->ncbs == 0)
    return;
  if (wake_implied (f, cur))
    {
      braid__task_queue_resume ((braid_task *)f->cbs[0].data);
      braid__future_release_cbs (f);
      return;
    }
  /* The wake-ups share one reading: OBJECT_DONE's, the task's end
   * event's (held), or else a fresh one (a private future completed by
   * the loop, after a poll: the last reading may be from before it). */
  bool held = loop->ev_held;
  if (!held && !reported)
    braid__event_time (loop);
  loop->ev_held = true;
  run_waiters (f);
  loop->ev_held = held;
}

void
braid__future_complete (braid_future *f, int state, void *result,
                        braid_error *error)
{
  f->state = (uint8_t)state;
  f->result = result;
  f->error = error;
  f->cancel_fn = NULL;
  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      complete_observed (f, state);
      return;
    }
  run_waiters (f);
}

int
braid_future_set_result (braid_future *f, void *result)
{
  if (!f)
    braid__abort ("braid_future_set_result", "NULL future");
  if (f->state != FUT_PENDING || f->is_task)
    return braid__raise_code (BRAID_EINVALSTATE, "braid_future_set_result");
  braid__future_complete (f, FUT_RESULT, result, NULL);
  return 0;
}

int
braid_future_set_error (braid_future *f, braid_error *error)
{
  if (!f)
    braid__abort ("braid_future_set_error", "NULL future");
  if (!error)
    braid__abort ("braid_future_set_error", "NULL error");
  if (f->state != FUT_PENDING || f->is_task)
    return braid__raise_code (BRAID_EINVALSTATE, "braid_future_set_error");
  if (braid_error_is (error, BRAID_CANCELLED_ERROR))
    braid__future_complete (f, FUT_CANCELLED, NULL, braid_error_ref (error));
  else
    braid__future_complete (f, FUT_ERROR, NULL, braid_error_ref (error));
  return 0;
}

int
braid__future_set_owned_result (braid_future *f, void *result)
{
  braid__check_arg (f, "braid__future_set_owned_result", "future");
  if (f->state != FUT_PENDING || f->is_task)
    {
      free (result);
      return braid__raise_code (BRAID_EINVALSTATE,
                                "braid__future_set_owned_result");
    }
  f->owns_result = true;
  braid__future_complete (f, FUT_RESULT, result, NULL);
  return 0;
}

int
braid__future_fail (braid_future *f, braid_error *error)
{
  braid__check_arg (f, "braid__future_fail", "future");
  braid__check_arg (error, "braid__future_fail", "error");
  if (f->state != FUT_PENDING || f->is_task)
    return braid__raise_code (BRAID_EINVALSTATE, "braid__future_fail");
  braid__future_complete (f, FUT_ERROR, NULL, braid_error_ref (error));
  return 0;
}

bool
braid_future_cancel (braid_future *f, const char *msg)
{
  if (!f)
    braid__abort ("braid_future_cancel", "NULL future");
  if (f->state != FUT_PENDING)
    return false;
  if (f->is_task)
    return braid__task_cancel_by (future_as_task (f), msg);
  if (f->cancel_fn)
    return f->cancel_fn (f, msg, f->cancel_data);
  braid_error *e = braid__error_new (BRAID_CANCELLED_ERROR, BRAID_ECANCELLED,
                                     NULL, 0, "braid_future_cancel", msg);
  braid__future_complete (f, FUT_CANCELLED, NULL, e);
  return true;
}

static void
mark_retrieved (braid_future *f)
{
  if (f->state != FUT_ERROR || f->retrieved)
    return;
  f->retrieved = true;
  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      braid_task *cur = braid__tls_task;
      braid__emit_simple (f->loop, BRAID_EV_ERROR_RETRIEVED,
                          f->is_task ? f->id : 0, cur ? cur->fut.id : 0, f->id,
                          0, 0);
    }
}

braid_error *
braid__future_cancelled_error (braid_future *f)
{
  if (!f->cancel_once)
    return braid_error_ref (f->error);
  if (!f->cancel_handed)
    {
      f->cancel_handed = true;
      return braid_error_ref (f->error);
    }
  return braid__error_new (BRAID_CANCELLED_ERROR, BRAID_ECANCELLED, NULL, 0,
                           NULL, NULL);
}

braid_error *
braid__future_cancel_entry (braid_future *f)
{
  if (!f->cancel_once)
    return f->error;
  if (!f->cancel_bare)
    f->cancel_bare = braid__error_new (BRAID_CANCELLED_ERROR,
                                       BRAID_ECANCELLED, NULL, 0, NULL, NULL);
  return f->cancel_bare;
}

int
braid_future_result (braid_future *f, void **result)
{
  if (!f)
    braid__abort ("braid_future_result", "NULL future");
  switch (f->state)
    {
    case FUT_PENDING:
      return braid__raise_code (BRAID_EINVALSTATE, "braid_future_result");
    case FUT_RESULT:
      if (result)
        *result = f->result;
      return 0;
    case FUT_ERROR:
      mark_retrieved (f);
      return braid_reraise (f->error);
    default:
      return braid__error_set_current (braid__future_cancelled_error (f));
    }
}

braid_error *
braid_future_error (braid_future *f)
{
  if (!f)
    braid__abort ("braid_future_error", "NULL future");
  if (f->state == FUT_PENDING)
    {
      braid__raise_code (BRAID_EINVALSTATE, "braid_future_error");
      return NULL;
    }
  mark_retrieved (f);
  return f->error;
}

/* braid_future_add_done_callback once its arguments are checked. */
static int
add_done_callback (braid_future *f, braid_done_fn fn, void *data)
{
  if (f->state != FUT_PENDING)
    queue_done_callback (f, fn, data);
  else
    push_callback (f, fn, data);
  return 0;
}

int
braid_future_add_done_callback_at (braid_future *f, braid_done_fn fn,
                                   void *data, const char *fn_name,
                                   const char *file, int line)
{
  braid__check_arg (f, "braid_future_add_done_callback", "future");
  braid__check_arg (fn, "braid_future_add_done_callback", "callback");
  if (fn_name)
    braid__callback_site_note (f->loop, (const void *)fn, fn_name, file, line);
  return add_done_callback (f, fn, data);
}

/* The function behind the macro, for callers without the macro (a
 * function pointer, another language): its callbacks are named by their
 * symbol when they have one. */
int (braid_future_add_done_callback) (braid_future *f, braid_done_fn fn,
                                      void *data)
{
  braid__check_arg (f, "braid_future_add_done_callback", "future");
  braid__check_arg (fn, "braid_future_add_done_callback", "callback");
  return add_done_callback (f, fn, data);
}

int
braid_future_remove_done_callback (braid_future *f, braid_done_fn fn,
                                   void *data)
{
  if (!f)
    braid__abort ("braid_future_remove_done_callback", "NULL future");
  uint32_t j = 0;
  int removed = 0;
  for (uint32_t i = 0; i < f->ncbs; i++)
    {
      if (f->cbs[i].fn == fn && fn != NULL && f->cbs[i].data == data)
        removed++;
      else
        f->cbs[j++] = f->cbs[i];
    }
  f->ncbs = j;
  return removed;
}

/* Removes @t's waiter registration from @f (a task stops waiting before
 * @f completes: it was destroyed). */
static void
remove_waiter (braid_future *f, braid_task *t)
{
  uint32_t j = 0;
  for (uint32_t i = 0; i < f->ncbs; i++)
    if (!(f->cbs[i].fn == NULL && f->cbs[i].data == t))
      f->cbs[j++] = f->cbs[i];
  f->ncbs = j;
}

void
braid__future_forget_waiter (braid_future *f, braid_task *t)
{
  remove_waiter (f, t);
}

int
braid__await_as (braid_future *f, braid_wait_reason reason, uint64_t object_id,
                 void **result)
{
  braid_task *t = braid__tls_task;
  if (!f)
    braid__abort ("braid_await", "NULL future");
  if (BRAID_UNLIKELY (!t))
    return braid__raise_code (BRAID_ENOTASK, "braid_await");
  if (BRAID_UNLIKELY (&t->fut == f))
    return braid__raise_code (BRAID_EDEADLK, "braid_await (a task awaiting "
                                             "itself)");
  if (BRAID_UNLIKELY (f->loop != t->loop))
    return braid__raise_code (BRAID_EXLOOP, "braid_await");
  /* Rule 8: a future already done does not suspend. */
  if (f->state != FUT_PENDING)
    return braid_future_result (f, result);

  braid_loop *loop = t->loop;
  if (BRAID_LIKELY (f->ncbs < f->capcbs))
    {
      f->cbs[f->ncbs].fn = NULL;
      f->cbs[f->ncbs].data = t;
      f->ncbs++;
    }
  else
    braid__future_add_waiter (f, t);
  /* The waiting task keeps @f alive until it has read it. */
  f->refcount++;
  t->waiting_on = f;
  t->wait_kind = WAITK_FUTURE;
  t->wait_reason = reason;
  t->wait_object = object_id ? object_id : f->id;
  if (BRAID_UNLIKELY (t->must_cancel) && !t->closing)
    {
      /* asyncio's __step: a pending cancellation goes to what we wait on. */
      if (braid_future_cancel (f, t->cancel_msg))
        t->must_cancel = false;
    }
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_suspended (t, reason, t->wait_object, 0);
  braid__task_suspend (loop, t);

  t->waiting_on = NULL;
  t->wait_kind = WAITK_NONE;
  int rc;
  if (BRAID_UNLIKELY (t->must_cancel))
    {
      t->must_cancel = false;
      if (BRAID_UNLIKELY (t->closing))
        {
          /* braid_loop_close unwinds the task: the wait ends with the
           * closing error whatever @f's state. */
          braid__future_forget_waiter (f, t);
          rc = braid__raise_cancelled (BRAID_LOOP_CLOSING_MESSAGE);
        }
      else if (f->state == FUT_CANCELLED)
        rc = braid__error_set_current (braid__future_cancelled_error (f));
      else
        rc = braid__raise_cancelled (t->cancel_msg);
    }
  else if (BRAID_LIKELY (f->state == FUT_RESULT))
    {
      if (result)
        *result = f->result;
      rc = 0;
    }
  else
    rc = braid_future_result (f, result);
  if (BRAID_LIKELY (f->refcount > 1))
    f->refcount--;
  else
    braid_future_unref (f);
  return rc;
}

int
braid_await (braid_future *f, void **result)
{
  uint32_t reason = BRAID_WAIT_FUTURE;
  if (f && f->is_task)
    reason = BRAID_WAIT_TASK;
  return braid__await_as (f, reason, 0, result);
}
