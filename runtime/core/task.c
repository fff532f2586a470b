/* task.c: tasks, the stackful coroutines a loop runs: creation (which only
 * schedules the first step, ORDERING.md rule 4), the first step (which
 * takes a stack from the pool, or never runs the body of a task cancelled
 * before it started, rule 14), completion, references, names, and
 * cancellation requests (rules 13-15).
 *
 * Hot path: braid_spawn_at (one allocation, no stack until the first
 * step), task_entry, and the completion that returns the stack to the pool
 * at once (the loop does it right after the last switch).
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "braid-private.h"

BRAID_TLS braid_task *braid__tls_task;
BRAID_TLS braid_loop *braid__tls_loop;

static uint64_t task_name_counter;

static void
task_list_add (braid_loop *loop, braid_task *t)
{
  t->prev = NULL;
  t->next = loop->tasks;
  if (loop->tasks)
    loop->tasks->prev = t;
  loop->tasks = t;
  loop->ntasks++;
}

static void
task_list_remove (braid_loop *loop, braid_task *t)
{
  if (t->prev)
    t->prev->next = t->next;
  else
    loop->tasks = t->next;
  if (t->next)
    t->next->prev = t->prev;
  t->prev = t->next = NULL;
  loop->ntasks--;
}

braid_task *
braid_spawn_at (braid_loop *loop, const char *name, braid_task_fn fn,
                const char *fn_name, void *arg, const char *file, int line)
{
  braid_task *parent = braid__tls_task;
  if (!loop)
    loop = braid__tls_loop;
  else if (BRAID_UNLIKELY (loop != braid__tls_loop))
    braid__loop_check_thread (loop, "braid_loop_spawn");
  if (!loop)
    braid__abort ("braid_spawn", "no running loop: use braid_loop_spawn");
  if (!fn)
    braid__abort ("braid_spawn", "NULL function");
  /* The atomic comes first: a locked instruction waits for the store
   * buffer to drain, which is cheap before the task's fields are written
   * and costly after. */
  uint64_t name_num
      = name ? 0 : __atomic_add_fetch (&task_name_counter, 1, __ATOMIC_RELAXED);
  braid_task *t = loop->free_tasks;
  if (t)
    {
      loop->free_tasks = t->next;
      loop->nfree_tasks--;
    }
  else
    t = braid__xmalloc (sizeof *t);
  /* Field by field rather than one memset: a spawn touches only what it
   * must (the coroutine is set up at the first step). */
  braid_future *f = &t->fut;
  f->refcount = 2; /* the caller's and the loop's (while pending) */
  f->magic = BRAID__MAGIC_FUTURE;
  f->state = FUT_PENDING;
  f->is_task = true;
  f->retrieved = f->gathered = f->reported = f->close_wait = false;
  f->cancel_once = f->cancel_handed = f->owns_result = false;
  f->is_private = false; /* read for every future (wake_implied) */
  f->cancel_bare = NULL;
  f->ncbs = 0;
  f->capcbs = 1;
  f->id = braid__object_id_new ();
  f->loop = loop;
  f->result = NULL;
  f->error = NULL;
  f->cbs = f->inline_cb;
  f->cancel_fn = NULL;
  t->fn = fn;
  t->arg = arg;
  t->error = NULL;
  t->error_stale = false;
  t->loop = loop;
  t->fn_name = fn_name;
  t->file = file;
  t->line = line;
  t->started = t->must_cancel = t->wake_cancelled = false;
  t->closing = t->destroyed_reported = false;
  t->wait_kind = WAITK_NONE;
  t->wait_reason = BRAID_WAIT_NONE;
  t->cancel_requests = 0;
  t->cancel_msg = NULL;
  t->wake_cancel_msg = NULL;
  t->cancel_requester = 0;
  t->wait_object = 0;
  t->waiting_on = NULL;
  t->name_buf[0] = 0;
  t->custom_name = name ? braid__xstrdup (name) : NULL;
  t->name_num = name_num;
  t->sleep_timer.state = TIMER_IDLE;
  t->sleep_timer.embedded = true;
  t->sleep_timer.data = t;
  t->sleep_timer.id = 0;
  t->parent_name = NULL;
  if (parent)
    {
      t->parent_id = parent->fut.id;
      t->parent_num = parent->name_num;
      if (parent->custom_name)
        t->parent_name = braid__xstrdup (parent->custom_name);
    }
  else
    t->parent_id = t->parent_num = 0;
  task_list_add (loop, t);

  braid__entry *e = queue_push_slot (&loop->queue);
  e->kind = ENTRY_RESUME;
  e->a = t;

  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      braid_event ev;
      braid__event_init (&ev, BRAID_EV_TASK_CREATED, braid__event_time (loop));
      ev.task = t->fut.id;
      ev.other = t->parent_id;
      ev.object = loop->id;
      ev.str1 = braid_task_name (t);
      ev.str2 = fn_name;
      ev.str3 = file;
      ev.line = line;
      braid__hook_call (&ev);
    }
  return t;
}

braid_task *
braid_task_ref (braid_task *t)
{
  braid__check_object (t, "braid_task_ref", "task", FUTURE_ALIVE (&t->fut));
  t->fut.refcount++;
  return t;
}

void
braid__task_free (braid_task *t)
{
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_simple (t->loop, BRAID_EV_TASK_FREED, t->fut.id, 0, 0, 0, 0);
  if (t->loop)
    task_list_remove (t->loop, t);
  if (t->fut.cbs != t->fut.inline_cb)
    braid__future_release_cbs (&t->fut);
  if (t->fut.error)
    braid_error_unref (t->fut.error);
  if (BRAID_UNLIKELY (t->fut.cancel_bare))
    braid_error_unref (t->fut.cancel_bare);
  if (BRAID_UNLIKELY (t->error || t->custom_name || t->cancel_msg
                      || t->wake_cancel_msg || t->parent_name))
    {
      braid_error_unref (t->error);
      free (t->custom_name);
      free (t->cancel_msg);
      free (t->wake_cancel_msg);
      free (t->parent_name);
    }
  braid_loop *loop = t->loop;
  /* Keep the memory for the next spawn (not under ASan, which must see
   * every use after free). */
  braid__forget (t->fut.magic);
  if (loop && !BRAID_ASAN_BUILD && loop->nfree_tasks < 256)
    {
      t->next = loop->free_tasks;
      loop->free_tasks = t;
      loop->nfree_tasks++;
      return;
    }
  free (t);
}

void
braid_task_unref (braid_task *t)
{
  if (!t)
    return;
  braid__check_object (t, "braid_task_unref", "task", FUTURE_ALIVE (&t->fut));
  if (--t->fut.refcount > 0)
    {
      /* Rule 41: the reference dropped may have been the last one from
       * outside the tasks that wait, while it waits on a future. */
      if (BRAID_UNLIKELY (t->fut.state == FUT_PENDING
                          && t->wait_kind == WAITK_FUTURE))
        braid__abandoned_check (&t->fut);
      return;
    }
  /* Rule 27: nobody can read this error any more. */
  if (t->fut.state == FUT_ERROR && !t->fut.retrieved && !t->fut.reported)
    braid__report_never_retrieved (&t->fut);
  braid__task_free (t);
}

braid_future *
braid_task_future (braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_future", "NULL task");
  return &t->fut;
}

uint64_t
braid_task_id (const braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_id", "NULL task");
  return t->fut.id;
}

/* The last name formatted on this thread: names count up, so the next
 * one is usually that one plus one, an increment of the decimal string.
 * One struct: one thread-local base address. */
static BRAID_TLS struct
{
  char text[32];
  uint64_t num;
  size_t len;
} last = { "Task-0", 0, 6 };

#define last_name last.text
#define last_num last.num
#define last_len last.len

/* Adds one to the decimal number after "Task-" in @text (@len bytes). */
static inline void
increment_name (char *text, size_t *len)
{
  size_t i = *len;
  while (i > 5 && text[i - 1] == '9')
    text[--i] = '0';
  if (i > 5)
    text[i - 1]++;
  else
    {
      memmove (text + 6, text + 5, *len - 5 + 1);
      text[5] = '1';
      (*len)++;
    }
}

/* Writes "Task-N" into @buf (32 bytes) without snprintf (task starts are
 * hot). Out of line: braid_task_name's common paths stay small. The wide
 * copy reads the cached name before its bytes are changed: reading it
 * right after a byte store would stall on store forwarding. */
static __attribute__ ((noinline)) void
format_task_name (char *buf, uint64_t n)
{
  if (n == last_num + 1)
    {
      size_t len = last_len;
      memcpy (buf, last_name, 32);
      increment_name (buf, &len);
      increment_name (last_name, &last_len);
    }
  else
    {
      char digits[24];
      int k = 0;
      uint64_t v = n;
      do
        {
          digits[k++] = (char)('0' + v % 10);
          v /= 10;
        }
      while (v);
      size_t i = 5;
      while (k)
        last_name[i++] = digits[--k];
      last_name[i] = 0;
      last_len = i;
      memcpy (buf, last_name, i + 1);
    }
  last_num = n;
}

const char *
braid_task_name (const braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_name", "NULL task");
  if (t->custom_name)
    return t->custom_name;
  /* Names are formatted lazily: spawning stays free of formatting. */
  braid_task *m = (braid_task *)t;
  if (!m->name_buf[0])
    format_task_name (m->name_buf, t->name_num);
  return m->name_buf;
}

bool
braid_task_done (const braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_done", "NULL task");
  return t->fut.state != FUT_PENDING;
}

bool
braid_task_cancelled (const braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_cancelled", "NULL task");
  return t->fut.state == FUT_CANCELLED;
}

braid_task *
braid_task_current (void)
{
  return braid__tls_task;
}

int
braid_task_cancelling (const braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_cancelling", "NULL task");
  return t->cancel_requests;
}

int
braid_task_uncancel (braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_uncancel", "NULL task");
  if (t->cancel_requests > 0)
    t->cancel_requests--;
  return t->cancel_requests;
}

int
braid_task_result (braid_task *t, void **result)
{
  if (!t)
    braid__abort ("braid_task_result", "NULL task");
  return braid_future_result (&t->fut, result);
}

braid_error *
braid_task_error (braid_task *t)
{
  if (!t)
    braid__abort ("braid_task_error", "NULL task");
  return braid_future_error (&t->fut);
}

static void
set_msg (char **slot, const char *msg)
{
  free (*slot);
  *slot = braid__xstrdup (msg);
}

/* Cancels the sleep @t is in (asyncio cancels the sleep's future, which
 * schedules the task's wake-up). Returns false if the sleep already ended
 * (its wake-up is queued). */
static bool
cancel_sleep (braid_task *t, const char *msg, braid_task *by)
{
  braid__timer *timer = &t->sleep_timer;
  if (timer->state != TIMER_ARMED && timer->state != TIMER_QUEUED)
    return false;
  braid__timer_cancel (timer);
  t->wake_cancelled = true;
  set_msg (&t->wake_cancel_msg, msg);
  braid__task_wake (t, by, timer->id);
  return true;
}

bool
braid__task_cancel_by (braid_task *t, const char *msg)
{
  if (t->fut.state != FUT_PENDING)
    return false;
  braid_task *by = braid__tls_task;
  t->cancel_requests++;
  t->cancel_requester = by ? by->fut.id : 0;
  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      braid_event ev;
      braid__event_init (&ev, BRAID_EV_CANCEL_REQUESTED,
                         braid__event_time (t->loop));
      ev.task = t->fut.id;
      ev.other = t->cancel_requester;
      ev.str2 = msg;
      braid__hook_call (&ev);
    }
  if (t->wait_kind == WAITK_FUTURE && t->waiting_on)
    {
      /* The task stays suspended on what it waits on; it is woken when
       * that completes (as a cancelled future, usually). */
      if (braid_future_cancel (t->waiting_on, msg))
        return true;
    }
  else if (t->wait_kind == WAITK_SLEEP)
    {
      if (cancel_sleep (t, msg, by))
        return true;
    }
  t->must_cancel = true;
  set_msg (&t->cancel_msg, msg);
  return true;
}

bool
braid_task_cancel (braid_task *t, const char *msg)
{
  if (!t)
    braid__abort ("braid_task_cancel", "NULL task");
  return braid__task_cancel_by (t, msg);
}

int
braid__task_deliver_cancel (braid_task *t)
{
  t->must_cancel = false;
  if (BRAID_UNLIKELY (t->closing))
    return braid__raise_cancelled (BRAID_LOOP_CLOSING_MESSAGE);
  return braid__raise_cancelled (t->cancel_msg);
}

bool
braid__suspend_attention (braid_loop *loop, braid_task *t)
{
  if (BRAID_UNLIKELY (t->closing))
    {
      /* braid_loop_close unwinds @t: the await fails at once. */
      if (++loop->close_fails > BRAID_CLOSE_MAX_FAILS)
        {
          char site[600];
          snprintf (site, sizeof site,
                    "task %s (function %s, created at %s:%d) awaited %u "
                    "times after the loop began to close, each failing at "
                    "once with CancelledError: it ignores the error in a "
                    "loop",
                    braid_task_name (t), t->fn_name ? t->fn_name : "?",
                    t->file ? t->file : "?", t->line, BRAID_CLOSE_MAX_FAILS);
          braid__abort ("braid_loop_close", site);
        }
      t->must_cancel = true;
      if (BRAID_UNLIKELY (braid__hooks_active))
        braid__emit_resumed (loop, t, false);
      return true;
    }
  braid__watchdog_check (loop, t);
  return false;
}

/* Reports the end of @t in @state with @err (hooks installed). */
static __attribute__ ((noinline)) void
emit_task_end (braid_task *t, int state, braid_error *err)
{
  braid_loop *loop = t->loop;
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_TASK_COMPLETED, braid__event_time (loop));
  /* The wake-ups of its awaiters and the switch to the next task follow
   * within a few hundred instructions: they reuse this reading
   * (start_failed and the switch to the loop close the window). */
  loop->ev_held = true;
  ev.task = t->fut.id;
  if (state == FUT_CANCELLED)
    {
      ev.kind = BRAID_EV_TASK_CANCELLED;
      ev.str2 = err->message;
      ev.other = t->cancel_requester;
    }
  else if (state == FUT_ERROR)
    {
      ev.kind = BRAID_EV_TASK_FAILED;
      ev.error = err;
      ev.str1 = err->type->name;
      ev.str2 = err->message;
      ev.str3 = err->file;
      ev.line = err->line;
    }
  braid__hook_call (&ev);
}

/* Ends @t with its current error (if any) or @result. A task whose
 * cancellation was requested after its last suspension (it cancelled
 * itself, or awaited only done futures since) and that returns ends
 * cancelled with the request's message, its result dropped (rule 30,
 * asyncio's __step seeing _must_cancel at StopIteration). */
static void
task_finish (braid_task *t, void *result)
{
  braid_error *err = t->error;
  t->error = NULL;
  int state = FUT_RESULT;
  if (err)
    {
      state = braid_error_is (err, BRAID_CANCELLED_ERROR) ? FUT_CANCELLED
                                                          : FUT_ERROR;
      /* Rule 31: the error it raised goes to the first reader only. */
      t->fut.cancel_once = state == FUT_CANCELLED;
      result = NULL;
    }
  else if (BRAID_UNLIKELY (t->must_cancel))
    {
      t->must_cancel = false;
      err = braid__error_new (BRAID_CANCELLED_ERROR, BRAID_ECANCELLED, NULL,
                              0, NULL,
                              t->closing ? BRAID_LOOP_CLOSING_MESSAGE
                                         : t->cancel_msg);
      state = FUT_CANCELLED;
      result = NULL;
    }
  if (BRAID_UNLIKELY (braid__hooks_active))
    emit_task_end (t, state, err);
  braid__future_complete (&t->fut, state, result, err);
}

static void
task_entry (void *arg)
{
  braid_task *t = arg;
  braid_loop *loop = t->loop;
  braid__reap_finished (loop);
  void *result = t->fn (t->arg);
  if (BRAID_UNLIKELY (__atomic_load_n (&loop->slow_flag, __ATOMIC_RELAXED)
                      & SLOW_FLAG_STEP))
    braid__watchdog_check (loop, t);
  task_finish (t, result);
  /* The stack is released by whoever runs next (it cannot be while we
   * run on it). */
  loop->finished = t;
  braid_task *next = braid__next_task (loop);
  if (next)
    {
      braid__tls_task = next;
      braid__coro_transfer_final (&t->co, &next->co);
    }
  loop->ev_held = false; /* the loop runs next: the window closes */
  braid__tls_task = NULL;
  braid__coro_transfer_final (&t->co, &loop->main_ctx);
}

/* Ends @t, which could not start, with @error (owned). Out of line: the
 * start's common path keeps its registers. */
static __attribute__ ((noinline, cold)) bool
start_failed (braid_loop *loop, braid_task *t, braid_error *error)
{
  t->error = error;
  task_finish (t, NULL);
  braid__task_reap (loop, t);
  /* Whoever called may run something long before the next event: the
   * end event's reading is not shared on. */
  loop->ev_held = false;
  return false;
}

bool
braid__task_start (braid_loop *loop, braid_task *t)
{
  if (t->must_cancel)
    {
      /* Rule 14: the body never runs. */
      t->must_cancel = false;
      return start_failed (loop, t,
                           braid__error_new (BRAID_CANCELLED_ERROR,
                                             BRAID_ECANCELLED, NULL, 0, NULL,
                                             t->cancel_msg));
    }
  braid__stack_pool *pool = loop->pools[loop->npools - 1];
  /* The overflow report formats a default name itself (Task-N): a
   * start formats none. */
  if (braid__coro_init (&t->co, pool, task_entry, t, t->custom_name) < 0)
    return start_failed (loop, t,
                         braid__error_new (BRAID_MEMORY_ERROR, BRAID_ENOMEM,
                                           NULL, 0, "braid_spawn",
                                           "no stack could be mapped for the "
                                           "task"));
  t->co.name_num = t->name_num;
  t->started = true;
  return true;
}

void
braid__task_reap (braid_loop *loop, braid_task *t)
{
  if (t->started)
    {
      braid__coro_release (&t->co);
      t->started = false;
    }
  /* The loop's reference goes: the task is no longer pending. */
  braid_task_unref (t);
}

void
braid__task_detach (braid_task *t)
{
  braid_loop *loop = t->loop;
  if (t->fut.state == FUT_PENDING)
    {
      if (t->waiting_on)
        {
          braid__future_forget_waiter (t->waiting_on, t);
          braid_future *w = t->waiting_on;
          t->waiting_on = NULL;
          braid_future_unref (w);
        }
      if (t->wait_kind == WAITK_SLEEP)
        braid__timer_cancel (&t->sleep_timer);
      if (t->started)
        {
          braid__coro_release (&t->co);
          t->started = false;
        }
    }
  task_list_remove (loop, t);
  t->loop = NULL;
  t->fut.loop = NULL;
}

void
braid__wait_describe (const braid_task *t, char *buf, size_t size)
{
  static const char *const names[] = {
    "nothing",     "a yield", "a sleep",  "a task",   "a future",
    "a gather",    "a wait",  "an event", "a lock",   "a semaphore",
    "a condition", "a queue", "I/O",      "a thread", "something",
  };
  if (!t->started && t->wait_kind == WAITK_NONE)
    {
      snprintf (buf, size, "its first step");
      return;
    }
  uint32_t r = t->wait_reason;
  const char *what = r < BRAID_WAIT_REASON_COUNT ? names[r] : "something";
  if (t->wait_kind == WAITK_FUTURE && t->waiting_on && t->waiting_on->is_task
      && r == BRAID_WAIT_TASK)
    snprintf (buf, size, "task %s (id %" PRIu64 ")",
              braid_task_name (future_as_task (t->waiting_on)),
              t->waiting_on->id);
  else if (t->wait_object)
    snprintf (buf, size, "%s (id %" PRIu64 ")", what, t->wait_object);
  else
    snprintf (buf, size, "%s", what);
}
