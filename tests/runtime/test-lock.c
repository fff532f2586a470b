/* test-lock.c: braid_lock against asyncio.Lock (ORDERING.md rules 21 and
 * 8). Each expected log is what the Python twin prints:
 * python3 tests/runtime/python/lock.py <case>.
 */
#include "combinator-test-util.h"

typedef struct worker_spec
{
  braid_lock *lock;
  const char *name;
} worker_spec;

/* async with lock: log, yield once, log. Logs its cancellation, and
 * returns NULL with the error current, so the task ends cancelled, as the
 * Python worker re-raises. */
static void *
worker (void *arg)
{
  worker_spec *s = arg;
  int rc;

  note ("%s-wants", s->name);
  BRAID_WITH_LOCK (s->lock, rc)
  {
    note ("%s-has", s->name);
    rc = braid_yield ();
    if (rc == 0)
      note ("%s-releases", s->name);
  }
  if (rc < 0)
    note ("%s-cancelled", s->name);
  return NULL;
}

/* python: lock_hands_over_in_arrival_order */
static void *
lock_hands_over_in_arrival_order (void *unused)
{
  braid_lock *lock = braid_lock_new (NULL);
  worker_spec s[4]
      = { { lock, "a" }, { lock, "b" }, { lock, "c" }, { lock, "d" } };
  braid_task *t[5];

  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  for (int i = 0; i < 3; i++)
    t[i] = braid_spawn (worker, &s[i]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_lock_release (lock), ==, 0);
  note ("locked=%s", braid_lock_locked (lock) ? "True" : "False");
  t[3] = braid_spawn (worker, &s[3]);
  t[4] = braid_spawn (ticker, GINT_TO_POINTER (8));
  g_assert_cmpint (braid_gather_tasks (t, 5, NULL, NULL, 0), ==, 0);
  for (int i = 0; i < 5; i++)
    braid_task_unref (t[i]);
  braid_lock_free (lock);
  return NULL;
}

static void
test_lock_hands_over_in_arrival_order (void)
{
  check_run (lock_hands_over_in_arrival_order,
             "a-wants b-wants c-wants locked=False a-has d-wants tick0 "
             "a-releases tick1 b-has tick2 b-releases tick3 c-has tick4 "
             "c-releases tick5 d-has tick6 d-releases tick7");
  g_assert_true (saw_suspension_on (BRAID_WAIT_LOCK, BRAID_OBJ_LOCK));
}

/* python: uncontended_acquire_does_not_suspend */
static void *
uncontended_acquire_does_not_suspend (void *unused)
{
  braid_lock *lock = braid_lock_new (NULL);
  braid_task *t = braid_spawn (ticker, GINT_TO_POINTER (2));

  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  note ("has locked=%s", braid_lock_locked (lock) ? "True" : "False");
  g_assert_cmpint (braid_lock_release (lock), ==, 0);
  note ("released locked=%s", braid_lock_locked (lock) ? "True" : "False");
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  braid_lock_free (lock);
  return NULL;
}

static void
test_uncontended_acquire_does_not_suspend (void)
{
  check_run (uncontended_acquire_does_not_suspend,
             "has locked=True released locked=False tick0 tick1");
  g_assert_false (saw_suspension_on (BRAID_WAIT_LOCK, BRAID_OBJ_LOCK));
}

/* python: cancelled_waiter_passes_the_lock_on */
static void *
cancelled_waiter_passes_the_lock_on (void *unused)
{
  braid_lock *lock = braid_lock_new (NULL);
  worker_spec s[2] = { { lock, "a" }, { lock, "b" } };
  braid_task *t[2];

  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  t[0] = braid_spawn (worker, &s[0]);
  t[1] = braid_spawn (worker, &s[1]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_lock_release (lock), ==, 0);
  braid_task_cancel (t[0], NULL);
  g_assert_cmpint (
      braid_gather_tasks (t, 2, NULL, NULL, BRAID_GATHER_RETURN_EXCEPTIONS), ==,
      0);
  note ("a-cancelled=%s", braid_task_cancelled (t[0]) ? "True" : "False");
  braid_task_unref (t[0]);
  braid_task_unref (t[1]);
  g_assert_false (braid_lock_locked (lock));
  braid_lock_free (lock);
  return NULL;
}

static void
test_cancelled_waiter_passes_the_lock_on (void)
{
  check_run (cancelled_waiter_passes_the_lock_on,
             "a-wants b-wants a-cancelled b-has b-releases a-cancelled=True");
}

/* python: cancelled_while_queued_leaves_the_queue */
static void *
cancelled_while_queued_leaves_the_queue (void *unused)
{
  braid_lock *lock = braid_lock_new (NULL);
  worker_spec s[2] = { { lock, "a" }, { lock, "b" } };
  braid_task *t[2];

  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  t[0] = braid_spawn (worker, &s[0]);
  t[1] = braid_spawn (worker, &s[1]);
  g_assert_cmpint (braid_yield (), ==, 0);
  braid_task_cancel (t[0], NULL);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_lock_release (lock), ==, 0);
  g_assert_cmpint (
      braid_gather_tasks (t, 2, NULL, NULL, BRAID_GATHER_RETURN_EXCEPTIONS), ==,
      0);
  braid_task_unref (t[0]);
  braid_task_unref (t[1]);
  braid_lock_free (lock);
  return NULL;
}

static void
test_cancelled_while_queued_leaves_the_queue (void)
{
  check_run (cancelled_while_queued_leaves_the_queue,
             "a-wants b-wants a-cancelled b-has b-releases");
}

/* python: release_unlocked_is_runtime_error */
static void *
release_unlocked_is_runtime_error (void *unused)
{
  braid_lock *lock = braid_lock_new (NULL);

  g_assert_cmpint (braid_lock_release (lock), ==, BRAID_EFAILED);
  note ("RuntimeError:%s", catch_message (BRAID_RUNTIME_ERROR));
  braid_lock_free (lock);
  return NULL;
}

static void
test_release_unlocked_is_runtime_error (void)
{
  check_run (release_unlocked_is_runtime_error,
             "RuntimeError:Lock is not acquired.");
}

/* Outside a task, a contended acquire cannot wait. */
static void
test_contended_acquire_outside_a_task (void)
{
  braid_lock *lock = braid_lock_new (NULL);

  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  g_assert_cmpint (braid_lock_acquire (lock), ==, BRAID_ENOTASK);
  braid_error_clear ();
  g_assert_cmpint (braid_lock_release (lock), ==, 0);
  braid_lock_free (lock);
}

/* Leaves BRAID_WITH_LOCK by `return` with the lock held. */
static int
return_from_inside (braid_lock *lock)
{
  int rc;
  BRAID_WITH_LOCK (lock, rc)
  {
    g_assert_true (braid_lock_locked (lock));
    return 1;
  }
  return rc;
}

/* Leaves two nested guards by one `return`. */
static int
return_from_two_guards (braid_lock *outer, braid_lock *inner)
{
  int rc, rc2 = 0;
  BRAID_WITH_LOCK (outer, rc)
  BRAID_WITH_LOCK (inner, rc2)
  {
    g_assert_true (braid_lock_locked (outer) && braid_lock_locked (inner));
    return 2;
  }
  return rc < 0 ? rc : rc2;
}

/* Leaves BRAID_WITH_SEMAPHORE by `return`. */
static int
return_from_semaphore (braid_semaphore *sem)
{
  int rc;
  BRAID_WITH_SEMAPHORE (sem, rc)
  {
    g_assert_cmpint (braid_semaphore_value (sem), ==, 0);
    return 3;
  }
  return rc;
}

/* `async with` releases on every way out of its body: the end, continue,
 * break, return and goto (the scope guard of BRAID_HAVE_SCOPE_GUARDS;
 * uncontended acquires do not suspend, so no loop is needed). */
static void
test_with_lock_releases_on_every_way_out (void)
{
  if (!BRAID_HAVE_SCOPE_GUARDS)
    {
      g_test_skip ("this compiler has no scope guards: the portable form "
                   "releases at the end of the body and on continue only");
      return;
    }
  braid_lock *lock = braid_lock_new (NULL);
  braid_lock *inner = braid_lock_new (NULL);
  int rc, ran = 0;

  BRAID_WITH_LOCK (lock, rc) { ran++; }
  g_assert_false (braid_lock_locked (lock));

  BRAID_WITH_LOCK (lock, rc)
  {
    ran++;
    continue;
  }
  g_assert_false (braid_lock_locked (lock));

  BRAID_WITH_LOCK (lock, rc)
  {
    ran++;
    break;
  }
  g_assert_false (braid_lock_locked (lock));

  BRAID_WITH_LOCK (lock, rc)
  {
    ran++;
    goto out;
  }
out:
  g_assert_false (braid_lock_locked (lock));
  g_assert_cmpint (ran, ==, 4);
  g_assert_cmpint (rc, ==, 0);

  g_assert_cmpint (return_from_inside (lock), ==, 1);
  g_assert_false (braid_lock_locked (lock));
  g_assert_cmpint (return_from_two_guards (lock, inner), ==, 2);
  g_assert_false (braid_lock_locked (lock));
  g_assert_false (braid_lock_locked (inner));

  braid_semaphore *sem = braid_semaphore_new (NULL, 1);
  g_assert_cmpint (return_from_semaphore (sem), ==, 3);
  g_assert_cmpint (braid_semaphore_value (sem), ==, 1);
  braid_semaphore_free (sem);

  /* A failed acquire skips the body and releases nothing. */
  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  ran = 0;
  BRAID_WITH_LOCK (lock, rc) { ran++; }
  g_assert_cmpint (rc, ==, BRAID_ENOTASK);
  g_assert_cmpint (ran, ==, 0);
  g_assert_true (braid_lock_locked (lock));
  braid_error_clear ();
  g_assert_cmpint (braid_lock_release (lock), ==, 0);

  braid_lock_free (inner);
  braid_lock_free (lock);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/lock/hands-over-in-arrival-order",
                   test_lock_hands_over_in_arrival_order);
  g_test_add_func ("/runtime/lock/uncontended-acquire-does-not-suspend",
                   test_uncontended_acquire_does_not_suspend);
  g_test_add_func ("/runtime/lock/cancelled-waiter-passes-the-lock-on",
                   test_cancelled_waiter_passes_the_lock_on);
  g_test_add_func ("/runtime/lock/cancelled-while-queued-leaves-the-queue",
                   test_cancelled_while_queued_leaves_the_queue);
  g_test_add_func ("/runtime/lock/release-unlocked-is-runtime-error",
                   test_release_unlocked_is_runtime_error);
  g_test_add_func ("/runtime/lock/contended-acquire-outside-a-task",
                   test_contended_acquire_outside_a_task);
  g_test_add_func ("/runtime/lock/with-lock-releases-on-every-way-out",
                   test_with_lock_releases_on_every_way_out);
  return g_test_run ();
}
