/* test-hooks.c: the instrumentation events of a small program, in order,
 * with their fields; braid_print's output events; install/uninstall.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid-internal.h"
#include "test-core-util.h"
#include "plain-hook.h"

static GString *events;
static uint64_t main_id, child_id;

static const char *
kind_name (braid_event_kind k)
{
  switch (k)
    {
    case BRAID_EV_LOOP_CREATED:
      return "loop-created";
    case BRAID_EV_LOOP_CLOSED:
      return "loop-closed";
    case BRAID_EV_ITERATION_BEGIN:
      return "iter";
    case BRAID_EV_POLL:
      return "poll";
    case BRAID_EV_TASK_CREATED:
      return "created";
    case BRAID_EV_TASK_RESUMED:
      return "resumed";
    case BRAID_EV_TASK_SUSPENDED:
      return "suspended";
    case BRAID_EV_TASK_WOKEN:
      return "woken";
    case BRAID_EV_TASK_COMPLETED:
      return "completed";
    case BRAID_EV_TASK_FAILED:
      return "failed";
    case BRAID_EV_TASK_CANCELLED:
      return "cancelled";
    case BRAID_EV_CANCEL_REQUESTED:
      return "cancel-requested";
    case BRAID_EV_ERROR_RETRIEVED:
      return "retrieved";
    case BRAID_EV_ERROR_NEVER_RETRIEVED:
      return "never-retrieved";
    case BRAID_EV_TASK_DESTROYED_PENDING:
      return "destroyed-pending";
    case BRAID_EV_TASK_FREED:
      return "freed";
    case BRAID_EV_OBJECT_CREATED:
      return "object-created";
    case BRAID_EV_OBJECT_DONE:
      return "object-done";
    case BRAID_EV_OUTPUT:
      return "output";
    default:
      return "other";
    }
}

/* Names tasks "M" (main) and "C" (child) so the sequence reads. */
static const char *
who (uint64_t id)
{
  if (id && id == main_id)
    return "M";
  if (id && id == child_id)
    return "C";
  return id ? "?" : "-";
}

static void
record_plain (void *data, const braid_event *ev)
{
  if (ev->kind == BRAID_EV_TASK_CREATED)
    {
      if (strcmp (ev->str1, "main") == 0)
        main_id = ev->task;
      else
        child_id = ev->task;
      g_string_append_printf (events, "created:%s:%s:%s:%s ", ev->str1,
                              ev->str2, who (ev->other),
                              ev->line > 0 ? "site" : "nosite");
      return;
    }
  if (ev->kind == BRAID_EV_POLL || ev->kind == BRAID_EV_LOOP_CREATED
      || ev->kind == BRAID_EV_LOOP_CLOSED)
    return;
  g_string_append_printf (events, "%s", kind_name (ev->kind));
  switch (ev->kind)
    {
    case BRAID_EV_TASK_RESUMED:
    case BRAID_EV_TASK_COMPLETED:
    case BRAID_EV_TASK_FREED:
      g_string_append_printf (events, ":%s", who (ev->task));
      break;
    case BRAID_EV_TASK_SUSPENDED:
      g_string_append_printf (events, ":%s:%u", who (ev->task), ev->reason);
      break;
    case BRAID_EV_TASK_WOKEN:
      g_string_append_printf (events, ":%s:by-%s:%u", who (ev->task),
                              who (ev->other), ev->reason);
      break;
    case BRAID_EV_TASK_FAILED:
      g_string_append_printf (events, ":%s:%s:%s", who (ev->task), ev->str1,
                              ev->str2);
      break;
    case BRAID_EV_ERROR_RETRIEVED:
      g_string_append_printf (events, ":%s:by-%s", who (ev->object),
                              who (ev->other));
      break;
    case BRAID_EV_OUTPUT:
      g_string_append_printf (events, ":%s:%s:%d", who (ev->task), ev->str1,
                              ev->line);
      break;
    default:
      break;
    }
  g_string_append_c (events, ' ');
}
PLAIN_HOOK (record, record_plain)

static void *
child (void *arg)
{
  braid_yield ();
  braid_raise (BRAID_VALUE_ERROR, "v");
  return NULL;
}

static void *
small_main (void *arg)
{
  braid_task *c = braid_spawn (child, NULL);
  braid_print ("hello ");
  braid_print ("world\n");
  braid_await_task (c, NULL);
  braid_error_clear ();
  braid_task_unref (c);
  return NULL;
}

static void
test_small_program_event_sequence (void)
{
  if (g_test_subprocess ())
    {
      events = g_string_new (NULL);
      g_assert_cmpint (braid_hooks_install (record, NULL), ==, 0);
      g_assert_cmpint (braid_hooks_install (core_hook, NULL), ==, BRAID_EBUSY);
      braid_error_clear ();
      braid_loop *loop = braid_loop_new ();
      braid_task *t = braid_loop_spawn (loop, "main", small_main, NULL);
      braid_loop_run_until_complete (loop, braid_task_future (t), NULL);
      braid_task_unref (t);
      braid_loop_close (loop);
      g_assert_cmpint (braid_hooks_uninstall (record), ==, 0);
      fprintf (stderr, "%s\n", events->str);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("hello world\n");
  g_test_trap_assert_stderr (
      "created:main:small_main:-:site "
      "iter resumed:M "
      "created:Task-*:child:M:site "
      "output:M:hello world:1 "
      "suspended:M:3 "
      "iter resumed:C suspended:C:1 "
      "iter resumed:C failed:C:ValueError:v woken:M:by-C:3 "
      "iter resumed:M retrieved:C:by-M freed:C completed:M "
      "iter freed:M \n");
}

/* BRAID_MODULES names modules to load at the first loop creation: one
 * that is missing is reported when named explicitly; "" loads none. */
static void
test_modules_named_explicitly_are_reported_when_missing (void)
{
  if (g_test_subprocess ())
    {
      setenv ("BRAID_MODULES", "/nonexistent/braid-module.so", 1);
      braid_loop *loop = braid_loop_new ();
      braid_loop_close (loop);
      loop = braid_loop_new (); /* loaded once per process */
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: cannot load module "
                             "/nonexistent/braid-module.so: *\n");
  /* The wildcard would also match a second report: loaded once means
   * reported once. */
  g_test_trap_assert_stderr_unmatched ("*cannot load*cannot load*");
}

static void
test_empty_module_list_loads_nothing (void)
{
  if (g_test_subprocess ())
    {
      setenv ("BRAID_MODULES", "", 1);
      braid_loop *loop = braid_loop_new ();
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static GString *kinds;

static void
record_kinds_plain (void *data, const braid_event *ev)
{
  switch (ev->kind)
    {
    case BRAID_EV_OBJECT_CREATED:
      g_string_append_printf (kinds, "object-created:%u ", ev->reason);
      break;
    case BRAID_EV_OBJECT_DONE:
      g_string_append_printf (kinds, "object-done:%d ", (int)ev->value);
      break;
    case BRAID_EV_CANCEL_REQUESTED:
      g_string_append_printf (kinds, "cancel-requested:%s ", ev->str2);
      break;
    case BRAID_EV_TASK_CANCELLED:
      g_string_append_printf (kinds, "cancelled:%s ", ev->str2);
      break;
    case BRAID_EV_TASK_SUSPENDED:
      g_string_append_printf (kinds, "suspended:%u:%lld ", ev->reason,
                              (long long)ev->value);
      break;
    case BRAID_EV_ERROR_NEVER_RETRIEVED:
      g_string_append_printf (kinds, "never-retrieved:%s ", ev->str1);
      break;
    case BRAID_EV_TASK_DESTROYED_PENDING:
      g_string_append_printf (kinds, "destroyed-pending ");
      break;
    case BRAID_EV_DEADLOCK:
      g_string_append_printf (kinds, "deadlock:%lld ", (long long)ev->value);
      break;
    case BRAID_EV_DEADLOCK_TASK:
      g_string_append_printf (kinds, "deadlock-task:%u ", ev->reason);
      break;
    default:
      break;
    }
}
PLAIN_HOOK (record_kinds, record_kinds_plain)

static braid_future *stuck;

static void *
sleeper (void *arg)
{
  braid_sleep (0.5);
  return NULL;
}

static void *
stuck_task (void *arg)
{
  braid_await (stuck, NULL);
  return NULL;
}

static void *
failer (void *arg)
{
  braid_raise (BRAID_RUNTIME_ERROR, "x");
  return NULL;
}

static void *
cancel_program (void *arg)
{
  braid_future *f = braid_future_new (NULL);
  braid_future_set_result (f, NULL);
  braid_future_unref (f);
  braid_task *s = braid_spawn (sleeper, NULL);
  braid_yield ();
  braid_task_cancel (s, "enough");
  braid_await_task (s, NULL);
  braid_error_clear ();
  braid_task_unref (s);
  braid_task_unref (braid_spawn (failer, NULL));
  braid_task *k = braid_spawn (stuck_task, NULL);
  braid_task_unref (k);
  braid_yield ();
  braid_yield ();
  return NULL;
}

/* The events around futures, cancellation and the diagnostics. */
static void
test_cancellation_and_diagnostic_events (void)
{
  if (g_test_subprocess ())
    {
      kinds = g_string_new (NULL);
      braid_hooks_install (record_kinds, NULL);
      braid_loop *loop = braid_loop_new ();
      braid_loop_set_clock (loop, BRAID_CLOCK_VIRTUAL);
      stuck = braid_future_new (loop);
      braid_task *m = braid_loop_spawn (loop, "main", cancel_program, NULL);
      braid_loop_run_until_complete (loop, braid_task_future (m), NULL);
      braid_future *never = braid_future_new (loop);
      braid_loop_run_until_complete (loop, never, NULL);
      braid_error_clear ();
      braid_future_unref (never);
      braid_task_unref (m);
      braid_loop_close (loop);
      braid_future_unref (stuck);
      printf ("%s\n", kinds->str);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (
      "object-created:3 object-created:3 object-done:0 suspended:1:0 "
      "object-created:4 suspended:2:500000000 cancel-requested:enough "
      "suspended:3:0 cancelled:enough suspended:1:0 "
      "never-retrieved:RuntimeError suspended:4:0 suspended:1:0 "
      "object-created:3 "
      "deadlock:1 deadlock-task:4 destroyed-pending "
      /* The close unwinds the stuck task: what it waits on is cancelled,
       * and the task ends cancelled. */
      "object-done:2 cancelled:" BRAID_LOOP_CLOSING_MESSAGE " \n");
}

/* A wake-up that travels through done callbacks (a gather's child
 * completes the gather's future, whose callback wakes the awaiter) still
 * names the child as the waker, and names the object the awaiter said it
 * waited on at its suspension. */
static uint64_t gather_waiter, gather_object, gather_waker, gather_woken_on;

static void
record_gather_wake_plain (void *data, const braid_event *ev)
{
  if (ev->kind == BRAID_EV_TASK_SUSPENDED && ev->reason == BRAID_WAIT_GATHER)
    {
      gather_waiter = ev->task;
      gather_object = ev->object;
    }
  else if (ev->kind == BRAID_EV_TASK_WOKEN && ev->task == gather_waiter
           && ev->reason == BRAID_WAIT_GATHER)
    {
      gather_waker = ev->other;
      gather_woken_on = ev->object;
    }
}
PLAIN_HOOK (record_gather_wake, record_gather_wake_plain)

static void *
gathered_child (void *arg)
{
  braid_yield ();
  return arg;
}

static uint64_t gathered_child_id;

static void *
gather_main (void *arg)
{
  braid_task *c = braid_spawn (gathered_child, NULL);
  gathered_child_id = braid_task_id (c);
  braid_gather_tasks (&c, 1, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_task_unref (c);
  return NULL;
}

static void
test_wake_through_gather_names_the_child (void)
{
  g_assert_cmpint (braid_hooks_install (record_gather_wake, NULL), ==, 0);
  braid_loop *loop = braid_loop_new ();
  braid_task *t = braid_loop_spawn (loop, "main", gather_main, NULL);
  braid_loop_run_until_complete (loop, braid_task_future (t), NULL);
  braid_task_unref (t);
  braid_loop_close (loop);
  g_assert_cmpint (braid_hooks_uninstall (record_gather_wake), ==, 0);
  g_assert_cmpuint (gather_waiter, !=, 0);
  g_assert_cmpuint (gather_object, !=, 0);
  g_assert_cmpuint (gather_waker, ==, gathered_child_id);
  g_assert_cmpuint (gather_woken_on, ==, gather_object);
}

/* The runtime's own future behind a wait on a lock is not reported as an
 * object: the waiter's suspension and wake-up name the lock, and only the
 * program's own future appears as a future (created and done). */
static uint64_t lock_object, lock_suspended_on, lock_woken_on;
static uint64_t user_future_id;
static int futures_created, objects_done, user_future_done;

static void
record_lock_wait_plain (void *data, const braid_event *ev)
{
  if (ev->kind == BRAID_EV_OBJECT_CREATED && ev->reason == BRAID_OBJ_LOCK)
    lock_object = ev->object;
  else if (ev->kind == BRAID_EV_OBJECT_CREATED
           && ev->reason == BRAID_OBJ_FUTURE)
    futures_created++;
  else if (ev->kind == BRAID_EV_OBJECT_DONE)
    {
      objects_done++;
      user_future_done += ev->object == user_future_id;
    }
  else if (ev->kind == BRAID_EV_TASK_SUSPENDED
           && ev->reason == BRAID_WAIT_LOCK)
    lock_suspended_on = ev->object;
  else if (ev->kind == BRAID_EV_TASK_WOKEN && ev->reason == BRAID_WAIT_LOCK)
    lock_woken_on = ev->object;
}
PLAIN_HOOK (record_lock_wait, record_lock_wait_plain)

static void *
lock_waiter (void *arg)
{
  braid_lock *lock = arg;
  if (braid_lock_acquire (lock) == 0)
    braid_lock_release (lock);
  return NULL;
}

static void *
lock_main (void *arg)
{
  braid_lock *lock = braid_lock_new (NULL);
  braid_future *mine = braid_future_new (NULL);
  user_future_id = braid_future_id (mine);
  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  braid_task *w = braid_spawn (lock_waiter, lock);
  braid_yield (); /* the waiter now waits on the lock */
  braid_lock_release (lock);
  braid_await_task (w, NULL);
  braid_task_unref (w);
  braid_future_set_result (mine, NULL);
  braid_future_unref (mine);
  braid_lock_free (lock);
  return NULL;
}

static void
test_private_futures_are_not_objects (void)
{
  g_assert_cmpint (braid_hooks_install (record_lock_wait, NULL), ==, 0);
  g_assert_cmpint (braid_run (lock_main, NULL, NULL), ==, 0);
  g_assert_cmpint (braid_hooks_uninstall (record_lock_wait), ==, 0);
  g_assert_cmpuint (lock_object, !=, 0);
  g_assert_cmpuint (lock_suspended_on, ==, lock_object);
  g_assert_cmpuint (lock_woken_on, ==, lock_object);
  g_assert_cmpint (futures_created, ==, 1);
  g_assert_cmpint (objects_done, ==, 1);
  g_assert_cmpint (user_future_done, ==, 1);
}

/* The events as the hook receives them, tasks named by their names:
 * "sw:A>B" for a TASK_SWITCHED from A to B, "sw:A>B:iter2" when an
 * iteration with 2 ready entries began between; the plain kinds as
 * kind:task. And, through braid_event_expand, the plain sequence. */
static GString *raw_events, *expanded_events;
static GHashTable *task_names;

static const char *
task_name (uint64_t id)
{
  const char *name = g_hash_table_lookup (task_names, GSIZE_TO_POINTER (id));
  return name ? name : "-";
}

static void
append_plain (GString *out, const braid_event *ev)
{
  if (ev->kind == BRAID_EV_ITERATION_BEGIN)
    g_string_append_printf (out, "iter%" PRId64 ":%" PRIu64 " ", ev->value,
                            ev->other);
  else if (ev->kind == BRAID_EV_TASK_SUSPENDED)
    g_string_append_printf (out, "suspended:%s:%u ", task_name (ev->task),
                            ev->reason);
  else if (ev->kind == BRAID_EV_TASK_RESUMED)
    g_string_append_printf (out, "resumed:%s ", task_name (ev->task));
  else if (ev->kind == BRAID_EV_TASK_COMPLETED)
    g_string_append_printf (out, "completed:%s ", task_name (ev->task));
}

static void
record_switches (void *data, const braid_event *ev)
{
  if (ev->kind == BRAID_EV_TASK_CREATED)
    g_hash_table_insert (task_names, GSIZE_TO_POINTER (ev->task),
                         g_strdup (ev->str1));
  if (ev->kind == BRAID_EV_TASK_SWITCHED)
    {
      g_string_append_printf (raw_events, "sw:%s>%s", task_name (ev->other),
                              task_name (ev->task));
      if (ev->line != 0)
        g_string_append_printf (raw_events, ":iter%d", ev->line);
      g_string_append_c (raw_events, ' ');
    }
  else
    append_plain (raw_events, ev);
  braid_event plain[3];
  int n = braid_event_expand (ev, plain);
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpuint (plain[i].time_ns, ==, ev->time_ns);
      append_plain (expanded_events, &plain[i]);
    }
}

static void *
yield_twice (void *arg)
{
  braid_yield ();
  braid_yield ();
  return NULL;
}

static void *
two_yielders_main (void *arg)
{
  braid_task *a = braid_spawn_named ("A", yield_twice, NULL);
  braid_task *b = braid_spawn_named ("B", yield_twice, NULL);
  braid_await_task (a, NULL);
  braid_await_task (b, NULL);
  braid_task_unref (a);
  braid_task_unref (b);
  return NULL;
}

/* A switch from a task straight to the next one is one TASK_SWITCHED
 * (with the iteration that began between, after a yield); a switch
 * through the loop, or to a task's first step, stays plain. Expanded,
 * the events are asyncio's sequence. */
static void
test_direct_switch_is_one_event (void)
{
  raw_events = g_string_new (NULL);
  expanded_events = g_string_new (NULL);
  task_names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_assert_cmpint (braid_hooks_install (record_switches, NULL), ==, 0);
  braid_loop *loop = braid_loop_new ();
  braid_task *t = braid_loop_spawn (loop, "M", two_yielders_main, NULL);
  braid_loop_run_until_complete (loop, braid_task_future (t), NULL);
  braid_task_unref (t);
  braid_loop_close (loop);
  g_assert_cmpint (braid_hooks_uninstall (record_switches), ==, 0);
  /* M awaits A (an object: the iteration does not fold in), B's first
   * step is a fresh reading (its stack is set up first), an end event
   * is not held back; every other switch is one event. */
  g_assert_cmpstr (raw_events->str, ==,
                   "iter1:1 resumed:M suspended:M:3 iter2:2 resumed:A "
                   "suspended:A:1 resumed:B "
                   "sw:B>A:iter2 sw:A>B sw:B>A:iter2 "
                   "completed:A resumed:B completed:B "
                   "iter5:1 resumed:M completed:M iter6:1 ");
  g_assert_cmpstr (expanded_events->str, ==,
                   "iter1:1 resumed:M suspended:M:3 iter2:2 resumed:A "
                   "suspended:A:1 resumed:B "
                   "suspended:B:1 iter3:2 resumed:A "
                   "suspended:A:1 resumed:B "
                   "suspended:B:1 iter4:2 resumed:A "
                   "completed:A resumed:B completed:B "
                   "iter5:1 resumed:M completed:M iter6:1 ");
  g_string_free (raw_events, TRUE);
  g_string_free (expanded_events, TRUE);
  g_hash_table_destroy (task_names);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/hooks/small-program-event-sequence",
                   test_small_program_event_sequence);
  g_test_add_func (
      "/runtime/hooks/modules-named-explicitly-are-reported-when-missing",
      test_modules_named_explicitly_are_reported_when_missing);
  g_test_add_func ("/runtime/hooks/empty-module-list-loads-nothing",
                   test_empty_module_list_loads_nothing);
  g_test_add_func ("/runtime/hooks/cancellation-and-diagnostic-events",
                   test_cancellation_and_diagnostic_events);
  g_test_add_func ("/runtime/hooks/wake-through-gather-names-the-child",
                   test_wake_through_gather_names_the_child);
  g_test_add_func ("/runtime/hooks/private-futures-are-not-objects",
                   test_private_futures_are_not_objects);
  g_test_add_func ("/runtime/hooks/direct-switch-is-one-event",
                   test_direct_switch_is_one_event);
  return g_test_run ();
}
