/* test-event.c: braid_event against asyncio.Event (ORDERING.md rules 22
 * and 8), and the wake-up edges the hooks see (the task that set the
 * event is the waker of each waiter). Each expected log is what the
 * Python twin prints: python3 tests/runtime/python/event.py <case>.
 */
#include "combinator-test-util.h"
#include "plain-hook.h"

typedef struct waiter_spec
{
  braid_async_event *ev;
  const char *name;
} waiter_spec;

static void *
waiter (void *arg)
{
  waiter_spec *s = arg;

  note ("%s-waits", s->name);
  if (braid_event_wait (s->ev) < 0)
    {
      note ("%s-cancelled", s->name);
      return NULL;
    }
  note ("%s-woken", s->name);
  return NULL;
}

/* python: set_wakes_every_waiter_in_waiting_order */
static void *
set_wakes_every_waiter_in_waiting_order (void *unused)
{
  braid_async_event *ev = braid_event_new (NULL);
  waiter_spec s[3] = { { ev, "c" }, { ev, "a" }, { ev, "b" } };
  braid_task *t[4];

  for (int i = 0; i < 3; i++)
    t[i] = braid_spawn (waiter, &s[i]);
  g_assert_cmpint (braid_yield (), ==, 0);
  t[3] = braid_spawn (ticker, GINT_TO_POINTER (3));
  braid_event_set (ev);
  note ("set is_set=%s", braid_event_is_set (ev) ? "True" : "False");
  g_assert_cmpint (braid_gather_tasks (t, 4, NULL, NULL, 0), ==, 0);
  for (int i = 0; i < 4; i++)
    braid_task_unref (t[i]);
  braid_event_free (ev);
  return NULL;
}

static void
test_set_wakes_every_waiter_in_waiting_order (void)
{
  check_run (set_wakes_every_waiter_in_waiting_order,
             "c-waits a-waits b-waits set is_set=True tick0 c-woken a-woken "
             "b-woken tick1 tick2");
  g_assert_true (saw_suspension_on (BRAID_WAIT_EVENT, BRAID_OBJ_EVENT));
}

/* python: wait_on_a_set_event_does_not_suspend */
static void *
wait_on_a_set_event_does_not_suspend (void *unused)
{
  braid_async_event *ev = braid_event_new (NULL);
  braid_task *t;

  braid_event_set (ev);
  t = braid_spawn (ticker, GINT_TO_POINTER (2));
  g_assert_cmpint (braid_event_wait (ev), ==, 0);
  note ("waited");
  g_assert_cmpint (braid_event_wait (ev), ==, 0);
  note ("waited-again");
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  braid_event_free (ev);
  return NULL;
}

static void
test_wait_on_a_set_event_does_not_suspend (void)
{
  check_run (wait_on_a_set_event_does_not_suspend,
             "waited waited-again tick0 tick1");
  g_assert_false (saw_suspension_on (BRAID_WAIT_EVENT, BRAID_OBJ_EVENT));
}

/* python: clear_makes_waits_block_again */
static void *
clear_makes_waits_block_again (void *unused)
{
  braid_async_event *ev = braid_event_new (NULL);
  waiter_spec s = { ev, "a" };
  braid_task *a;

  braid_event_set (ev);
  braid_event_clear (ev);
  a = braid_spawn (waiter, &s);
  g_assert_cmpint (braid_yield (), ==, 0);
  note ("a-done=%s", braid_task_done (a) ? "True" : "False");
  /* A waiter woken by set stays woken when the event is cleared before
   * it runs. */
  braid_event_set (ev);
  braid_event_clear (ev);
  g_assert_cmpint (braid_await_task (a, NULL), ==, 0);
  note ("is_set=%s", braid_event_is_set (ev) ? "True" : "False");
  braid_task_unref (a);
  braid_event_free (ev);
  return NULL;
}

static void
test_clear_makes_waits_block_again (void)
{
  check_run (clear_makes_waits_block_again,
             "a-waits a-done=False a-woken is_set=False");
}

/* python: cancelled_waiter_does_not_stop_the_others */
static void *
cancelled_waiter_does_not_stop_the_others (void *unused)
{
  braid_async_event *ev = braid_event_new (NULL);
  waiter_spec s[2] = { { ev, "a" }, { ev, "b" } };
  braid_task *t[2];

  t[0] = braid_spawn (waiter, &s[0]);
  t[1] = braid_spawn (waiter, &s[1]);
  g_assert_cmpint (braid_yield (), ==, 0);
  braid_task_cancel (t[0], NULL);
  g_assert_cmpint (braid_yield (), ==, 0);
  braid_event_set (ev);
  g_assert_cmpint (
      braid_gather_tasks (t, 2, NULL, NULL, BRAID_GATHER_RETURN_EXCEPTIONS), ==,
      0);
  g_assert_true (braid_task_cancelled (t[0]));
  braid_task_unref (t[0]);
  braid_task_unref (t[1]);
  braid_event_free (ev);
  return NULL;
}

static void
test_cancelled_waiter_does_not_stop_the_others (void)
{
  check_run (cancelled_waiter_does_not_stop_the_others,
             "a-waits b-waits a-cancelled b-woken");
}

/* Wake-up edges: what a tracer draws from the setter to the woken. */
typedef struct edge
{
  uint64_t woken, waker;
  uint32_t reason;
} edge;
static GArray *edges;
static uint64_t event_object;
static int suspended_on_event;

static void
edge_hook_plain (void *user_data, const braid_event *e)
{
  if (e->kind == BRAID_EV_TASK_WOKEN)
    {
      edge ed = { e->task, e->other, e->reason };
      g_array_append_val (edges, ed);
    }
  else if (e->kind == BRAID_EV_OBJECT_CREATED && e->reason == BRAID_OBJ_EVENT)
    event_object = e->object;
  else if (e->kind == BRAID_EV_TASK_SUSPENDED && e->reason == BRAID_WAIT_EVENT
           && e->object == event_object)
    suspended_on_event++;
}
PLAIN_HOOK (edge_hook, edge_hook_plain)

static uint64_t setter_id;

static void *
setter (void *arg)
{
  setter_id = braid_task_id (braid_task_current ());
  braid_event_set (arg);
  return NULL;
}

static void *
edges_main (void *unused)
{
  braid_async_event *ev = braid_event_new (NULL);
  waiter_spec s[2] = { { ev, "a" }, { ev, "b" } };
  braid_task *t[3];

  t[0] = braid_spawn (waiter, &s[0]);
  t[1] = braid_spawn (waiter, &s[1]);
  t[2] = braid_spawn (setter, ev);
  g_assert_cmpint (braid_gather_tasks (t, 3, NULL, NULL, 0), ==, 0);
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  braid_event_free (ev);
  return NULL;
}

static void
test_set_is_the_waker_of_each_waiter (void)
{
  int from_setter = 0;

  edges = g_array_new (FALSE, FALSE, sizeof (edge));
  g_assert_cmpint (braid_hooks_uninstall (count_hook), ==, 0);
  g_assert_cmpint (braid_hooks_install (edge_hook, NULL), ==, 0);
  g_assert_cmpint (run_main (edges_main, NULL), ==, 0);
  g_assert_cmpint (braid_hooks_uninstall (edge_hook), ==, 0);
  g_assert_cmpint (braid_hooks_install (count_hook, NULL), ==, 0);
  g_assert_cmpstr (test_log->str, ==, "a-waits b-waits a-woken b-woken");
  g_assert_cmpint (suspended_on_event, ==, 2);
  for (guint i = 0; i < edges->len; i++)
    {
      edge *ed = &g_array_index (edges, edge, i);
      if (ed->reason == BRAID_WAIT_EVENT)
        {
          g_assert_cmpuint (ed->waker, ==, setter_id);
          from_setter++;
        }
    }
  g_assert_cmpint (from_setter, ==, 2);
  g_array_free (edges, TRUE);
}

/* The same edges for a lock release and a queue put. */
static braid_lock *edge_lock;
static braid_queue *edge_queue;

static void *
lock_waiter (void *unused)
{
  g_assert_cmpint (braid_lock_acquire (edge_lock), ==, 0);
  g_assert_cmpint (braid_lock_release (edge_lock), ==, 0);
  return NULL;
}

static void *
queue_waiter (void *unused)
{
  void *item;

  g_assert_cmpint (braid_queue_get (edge_queue, &item), ==, 0);
  return NULL;
}

static void *
releaser (void *unused)
{
  setter_id = braid_task_id (braid_task_current ());
  g_assert_cmpint (braid_lock_release (edge_lock), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (edge_queue, NULL), ==, 0);
  return NULL;
}

static void *
release_main (void *unused)
{
  braid_task *t[3];

  edge_lock = braid_lock_new (NULL);
  edge_queue = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  g_assert_cmpint (braid_lock_acquire (edge_lock), ==, 0);
  t[0] = braid_spawn (lock_waiter, NULL);
  t[1] = braid_spawn (queue_waiter, NULL);
  t[2] = braid_spawn (releaser, NULL);
  g_assert_cmpint (braid_gather_tasks (t, 3, NULL, NULL, 0), ==, 0);
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  braid_lock_free (edge_lock);
  braid_queue_free (edge_queue);
  return NULL;
}

static void
test_release_and_put_are_the_wakers (void)
{
  int lock_edges = 0, queue_edges = 0;

  edges = g_array_new (FALSE, FALSE, sizeof (edge));
  g_assert_cmpint (braid_hooks_uninstall (count_hook), ==, 0);
  g_assert_cmpint (braid_hooks_install (edge_hook, NULL), ==, 0);
  g_assert_cmpint (run_main (release_main, NULL), ==, 0);
  g_assert_cmpint (braid_hooks_uninstall (edge_hook), ==, 0);
  g_assert_cmpint (braid_hooks_install (count_hook, NULL), ==, 0);
  for (guint i = 0; i < edges->len; i++)
    {
      edge *ed = &g_array_index (edges, edge, i);
      if (ed->reason == BRAID_WAIT_LOCK || ed->reason == BRAID_WAIT_QUEUE)
        {
          g_assert_cmpuint (ed->waker, ==, setter_id);
          if (ed->reason == BRAID_WAIT_LOCK)
            lock_edges++;
          else
            queue_edges++;
        }
    }
  g_assert_cmpint (lock_edges, ==, 1);
  g_assert_cmpint (queue_edges, ==, 1);
  g_array_free (edges, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/event/set-wakes-every-waiter-in-waiting-order",
                   test_set_wakes_every_waiter_in_waiting_order);
  g_test_add_func ("/runtime/event/wait-on-a-set-event-does-not-suspend",
                   test_wait_on_a_set_event_does_not_suspend);
  g_test_add_func ("/runtime/event/clear-makes-waits-block-again",
                   test_clear_makes_waits_block_again);
  g_test_add_func ("/runtime/event/cancelled-waiter-does-not-stop-the-others",
                   test_cancelled_waiter_does_not_stop_the_others);
  g_test_add_func ("/runtime/event/set-is-the-waker-of-each-waiter",
                   test_set_is_the_waker_of_each_waiter);
  g_test_add_func ("/runtime/event/release-and-put-are-the-wakers",
                   test_release_and_put_are_the_wakers);
  return g_test_run ();
}
