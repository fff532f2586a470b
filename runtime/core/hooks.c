/* hooks.c: the one installed observer of runtime events, braid_hooks_emit,
 * (The loading of modules is modules.c's.)
 *
 * Hot path: braid__hooks_active, read by every transition; it is 0 unless
 * a hook is installed, so the runtime's branches on it are predictable.
 * With a hook installed, the emitters of the frequent events (suspended,
 * resumed, woken, iteration, poll) are the hot path: each costs a
 * timestamp (braid__event_time, a counter read, or none within a
 * shared-reading window), a dozen stores and the indirect call, about 35
 * instructions in all. A direct switch from one task to the next makes
 * one call, not two or three: the suspension (and the iteration that may
 * begin before the next task) is held back and reported with the next
 * task's resumption as one TASK_SWITCHED (braid_event_expand undoes the
 * fold). A held suspension that does not fold (the task waits on I/O and
 * the loop polls next) is reported in place (flush_held); a poll and the
 * iteration after it are reported by one emitter (braid__emit_poll).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "braid-private.h"

int braid__hooks_active;
static braid_hook_fn hook_fn;
static void *hook_data;

/* The suspension of this thread's running task, held back until the
 * switch that follows shows whether it folds into a TASK_SWITCHED (the
 * next event is the RESUMED of a task at the same reading, maybe after
 * an ITERATION_BEGIN, which folds in too) or must be reported alone
 * (any other event, or the switch to the loop: flush_held). A
 * TASK_SWITCHED under construction: time, other, reason, object, value,
 * and line once an iteration folded in; task is set when it is sent. */
static BRAID_TLS braid_event held = { .kind = BRAID_EV_TASK_SWITCHED };
static BRAID_TLS bool held_active;

int
braid_hooks_install (braid_hook_fn fn, void *user_data)
{
  if (!fn)
    braid__abort ("braid_hooks_install", "NULL hook");
  if (hook_fn && hook_fn != fn)
    return braid__raise_code (BRAID_EBUSY, "braid_hooks_install");
  hook_fn = fn;
  hook_data = user_data;
  braid__hooks_active = 1;
  return 0;
}

int
braid_hooks_uninstall (braid_hook_fn fn)
{
  if (!fn || fn != hook_fn)
    return braid__raise_code (BRAID_EINVAL, "braid_hooks_uninstall");
  braid__hooks_active = 0;
  held_active = false;
  hook_fn = NULL;
  hook_data = NULL;
  return 0;
}

int
braid_event_expand (const braid_event *event, braid_event out[3])
{
  if (event->kind != BRAID_EV_TASK_SWITCHED)
    {
      out[0] = *event;
      return 1;
    }
  int n = 0;
  braid_event *suspended = &out[n++];
  braid__event_init (suspended, BRAID_EV_TASK_SUSPENDED, event->time_ns);
  suspended->task = event->other;
  suspended->reason = event->reason;
  if (event->line == 0)
    {
      suspended->object = event->object;
      suspended->value = event->value;
    }
  else
    {
      braid_event *iteration = &out[n++];
      braid__event_init (iteration, BRAID_EV_ITERATION_BEGIN, event->time_ns);
      iteration->other = (uint64_t)event->line;
      iteration->object = event->object;
      iteration->value = event->value;
    }
  braid_event *resumed = &out[n++];
  braid__event_init (resumed, BRAID_EV_TASK_RESUMED, event->time_ns);
  resumed->task = event->task;
  return n;
}

/* Reports the held suspension (and the iteration folded into it) as the
 * plain events it stands for: what came next does not fold. In place,
 * field by field, as braid_event_expand would write them (not the
 * RESUMED: none happened): expanding into a fresh array costs three
 * events' worth of stores, and this runs before every poll that follows
 * a suspension. Safe against a hook that emits an event of its own
 * (braid_hooks_emit: OBSERVER_WAIT) before it copies this one: held_active
 * is already false, so nothing else writes held. The next suspension
 * refills every field it uses; kind is put back for the fold. */
static __attribute__ ((noinline)) void
flush_held (void)
{
  held_active = false;
  braid_hook_fn fn = hook_fn;
  if (!fn)
    return;
  int32_t line = held.line;
  uint64_t object = held.object;
  int64_t value = held.value;
  held.kind = BRAID_EV_TASK_SUSPENDED;
  held.task = held.other;
  held.other = 0;
  if (line != 0)
    {
      held.object = 0;
      held.value = 0;
      held.line = 0;
    }
  fn (hook_data, &held);
  if (line != 0)
    {
      held.kind = BRAID_EV_ITERATION_BEGIN;
      held.reason = 0;
      held.task = 0;
      held.other = (uint64_t)line;
      held.object = object;
      held.value = value;
      fn (hook_data, &held);
    }
  held.kind = BRAID_EV_TASK_SWITCHED;
}

void
braid__hooks_flush (void)
{
  if (held_active)
    flush_held ();
}

void
braid__hook_call (braid_event *event)
{
  if (BRAID_UNLIKELY (held_active))
    flush_held ();
  braid_hook_fn fn = hook_fn;
  if (fn)
    fn (hook_data, event);
}

void
braid_hooks_emit (braid_event *event)
{
  if (!event || !hook_fn)
    return;
  if (event->time_ns == 0)
    {
      braid_loop *loop = braid__tls_loop;
      event->time_ns = loop ? braid__event_time (loop) : braid__monotonic_ns ();
    }
  braid__hook_call (event);
}

/* Passes @ev to the hook, after the held suspension if there is one.
 * Inline in the emitters below: one load of the hook instead of a call
 * to braid__hook_call. */
static inline __attribute__ ((always_inline)) void
call_hook (braid_event *ev)
{
  if (BRAID_UNLIKELY (held_active))
    flush_held ();
  braid_hook_fn fn = hook_fn;
  if (BRAID_LIKELY (fn != NULL))
    fn (hook_data, ev);
}

void
braid__emit_simple (braid_loop *loop, braid_event_kind kind, uint64_t task,
                    uint64_t other, uint64_t object, int64_t value,
                    uint32_t reason)
{
  braid_event ev;
  uint64_t now;
  if (loop)
    {
      now = braid__event_time (loop);
      loop->ev_held = false;
    }
  else
    now = braid__monotonic_ns ();
  braid__event_init (&ev, kind, now);
  ev.task = task;
  ev.other = other;
  ev.object = object;
  ev.value = value;
  ev.reason = reason;
  call_hook (&ev);
}

/* Holds the suspension of @t at @now (see held). */
static inline __attribute__ ((always_inline)) void
hold_suspension (braid_task *t, uint64_t now, uint32_t reason,
                 uint64_t object, int64_t value)
{
  held.time_ns = now;
  held.other = t->fut.id;
  held.object = object;
  held.value = value;
  held.reason = reason;
  held.line = 0;
  held_active = true;
}

/* braid__emit_suspended when a suspension is still held (reported
 * first) or the clock must be read: the calls its common path avoids. */
static __attribute__ ((noinline)) void
emit_suspended_slow (braid_task *t, uint32_t reason, uint64_t object,
                     int64_t value)
{
  braid_loop *loop = t->loop;
  uint64_t now = braid__event_time (loop);
  loop->ev_held = true;
  if (held_active)
    flush_held ();
  hold_suspension (t, now, reason, object, value);
}

void
braid__emit_suspended (braid_task *t, uint32_t reason, uint64_t object,
                       int64_t value)
{
  braid_loop *loop = t->loop;
  uint64_t now;
  /* The common path makes no call (a tail call otherwise), so it saves
   * no registers. */
  if (BRAID_UNLIKELY (held_active)
      || BRAID_UNLIKELY (!braid__event_time_fast (loop, &now)))
    {
      emit_suspended_slow (t, reason, object, value);
      return;
    }
  /* The switch that follows (the next task's RESUMED, an iteration's
   * start, wake-ups by due timers) happens within a few hundred
   * instructions: its events reuse this reading. */
  loop->ev_held = true;
  /* Held, not reported: see held. */
  hold_suspension (t, now, reason, object, value);
}

void
braid__emit_resumed (braid_loop *loop, braid_task *t, bool may_share)
{
  braid_event ev;
  /* A task's first step (wait_kind still WAITK_NONE) follows the set-up
   * of its stack, which may map memory: a fresh reading then. */
  uint64_t now = may_share && t->wait_kind != WAITK_NONE
                     ? braid__event_time_shared (loop)
                     : braid__event_time (loop);
  loop->ev_held = false;
  if (BRAID_LIKELY (held_active) && now == held.time_ns)
    {
      /* A direct switch: one TASK_SWITCHED. */
      held_active = false;
      held.task = t->fut.id;
      braid_hook_fn fn = hook_fn;
      if (BRAID_LIKELY (fn != NULL))
        fn (hook_data, &held);
      return;
    }
  braid__event_init (&ev, BRAID_EV_TASK_RESUMED, now);
  ev.task = t->fut.id;
  call_hook (&ev);
}

void
braid__emit_woken (braid_task *t, braid_task *waker, uint64_t object)
{
  braid_loop *loop = t->loop;
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_TASK_WOKEN, braid__event_time_shared (loop));
  ev.task = t->fut.id;
  ev.other = waker ? waker->fut.id : loop->cause;
  /* The object is the one the task said it waits on at its suspension
   * (a gather, a wait...), not the private future behind it, so the
   * suspension and its wake-up name the same object. */
  ev.object = t->wait_object ? t->wait_object : object;
  ev.reason = t->wait_reason;
  call_hook (&ev);
}

void
braid__emit_iteration (braid_loop *loop)
{
  uint64_t now = braid__event_time_shared (loop);
  if (held_active && held.line == 0 && held.object == 0 && held.value == 0
      && now == held.time_ns && loop->queue.len - 1 < INT32_MAX)
    {
      /* A suspension that names nothing (a yield) carries the
       * iteration's fields in the TASK_SWITCHED it may become; the
       * ready count (at least 1) in line marks it. */
      held.object = loop->id;
      held.value = (int64_t)loop->iteration;
      held.line = (int32_t)loop->queue.len;
      return;
    }
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_ITERATION_BEGIN, now);
  ev.other = loop->queue.len;
  ev.object = loop->id;
  ev.value = (int64_t)loop->iteration;
  call_hook (&ev);
}

/* Reports the poll that just ended (poll_reset read the clock after it):
 * stamped with that reading, which the iteration's start, a few
 * instructions later, shares when one begins; and then that
 * ITERATION_BEGIN (@begins), from the same event on this stack: only the
 * fields that differ are rewritten, and one call here does what a second
 * out-of-line emitter (braid__emit_iteration) would. The POLL's report
 * flushed any held suspension (call_hook), so the iteration has
 * nothing to fold into and is always reported alone, as
 * braid__emit_iteration would; its time is braid__event_time_shared's,
 * the POLL's reading unless the hook emitted an event of its own
 * (OBSERVER_WAIT) after it. */
void
braid__emit_poll (braid_loop *loop, uint64_t blocked, bool jumped, bool begins)
{
  uint64_t now = loop->virtual_now + loop->virtual_stamp_base;
  if (loop->clock != BRAID_CLOCK_VIRTUAL)
    {
      now = loop->last_poll_ns > loop->ev_last ? loop->last_poll_ns
                                               : loop->ev_last;
      loop->ev_last = now;
    }
  loop->ev_held = begins;
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_POLL, now);
  ev.object = loop->id;
  ev.value = (int64_t)blocked;
  ev.other = jumped;
  call_hook (&ev);
  if (!begins)
    return;
  ev.kind = BRAID_EV_ITERATION_BEGIN;
  ev.time_ns = braid__event_time_shared (loop);
  ev.other = loop->queue.len;
  ev.value = (int64_t)loop->iteration;
  call_hook (&ev);
}
