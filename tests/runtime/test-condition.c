/* test-condition.c: braid_condition against asyncio.Condition
 * (ORDERING.md rule 22). Each expected log is what the Python twin
 * prints: python3 tests/runtime/python/condition.py <case>.
 */
#include "combinator-test-util.h"

typedef struct waiter_spec
{
  braid_condition *cond;
  const char *name;
} waiter_spec;

/* async with cond: wait, log, yield once, log. */
static void *
waiter (void *arg)
{
  waiter_spec *s = arg;
  int rc;

  BRAID_WITH_CONDITION (s->cond, rc)
  {
    note ("%s-waits", s->name);
    rc = braid_condition_wait (s->cond);
    if (rc < 0)
      {
        note ("%s-cancelled locked=%s", s->name,
              braid_condition_locked (s->cond) ? "True" : "False");
        continue; /* releases, then leaves with the error current */
      }
    note ("%s-woken", s->name);
    rc = braid_yield ();
    note ("%s-leaves", s->name);
  }
  return NULL;
}

/* python: notify_wakes_the_oldest_waiters */
static void *
notify_wakes_the_oldest_waiters (void *unused)
{
  braid_condition *cond = braid_condition_new (NULL, NULL);
  waiter_spec s[4]
      = { { cond, "a" }, { cond, "b" }, { cond, "c" }, { cond, "n" } };
  braid_task *t[4];
  int rc;

  for (int i = 0; i < 3; i++)
    t[i] = braid_spawn (waiter, &s[i]);
  g_assert_cmpint (braid_yield (), ==, 0);
  BRAID_WITH_CONDITION (cond, rc)
  {
    g_assert_cmpint (braid_condition_notify (cond, 2), ==, 0);
    note ("notified-2");
  }
  g_assert_cmpint (rc, ==, 0);
  t[3] = braid_spawn (waiter, &s[3]);
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  BRAID_WITH_CONDITION (cond, rc)
  {
    g_assert_cmpint (braid_condition_notify_all (cond), ==, 0);
    note ("notified-all");
  }
  gather_all (t, 4, 0);
  braid_condition_free (cond);
  return NULL;
}

static void
test_notify_wakes_the_oldest_waiters (void)
{
  check_run (notify_wakes_the_oldest_waiters,
             "a-waits b-waits c-waits notified-2 a-woken a-leaves b-woken "
             "b-leaves n-waits notified-all c-woken c-leaves n-woken "
             "n-leaves");
  g_assert_true (saw_suspension_on (BRAID_WAIT_CONDITION, BRAID_OBJ_CONDITION));
}

static void *
grabber (void *arg)
{
  braid_condition *cond = arg;
  int rc;

  note ("g-wants");
  BRAID_WITH_CONDITION (cond, rc)
  {
    note ("g-has");
    g_assert_cmpint (braid_yield (), ==, 0);
    note ("g-releases");
  }
  g_assert_cmpint (rc, ==, 0);
  return NULL;
}

/* python: wait_reacquires_through_the_lock_queue */
static void *
wait_reacquires_through_the_lock_queue (void *unused)
{
  braid_condition *cond = braid_condition_new (NULL, NULL);
  waiter_spec s = { cond, "a" };
  braid_task *t[2];

  t[0] = braid_spawn (waiter, &s);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_condition_acquire (cond), ==, 0);
  g_assert_cmpint (braid_condition_notify (cond, 1), ==, 0);
  note ("notified");
  t[1] = braid_spawn (grabber, cond);
  g_assert_cmpint (braid_yield (), ==, 0);
  note ("main-releases");
  g_assert_cmpint (braid_condition_release (cond), ==, 0);
  gather_all (t, 2, 0);
  braid_condition_free (cond);
  return NULL;
}

static void
test_wait_reacquires_through_the_lock_queue (void)
{
  check_run (wait_reacquires_through_the_lock_queue,
             "a-waits notified g-wants main-releases a-woken a-leaves g-has "
             "g-releases");
}

/* python: cancelled_wait_still_reacquires */
static void *
cancelled_wait_still_reacquires (void *unused)
{
  braid_condition *cond = braid_condition_new (NULL, NULL);
  waiter_spec s = { cond, "a" };
  braid_task *a;

  a = braid_spawn (waiter, &s);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_condition_acquire (cond), ==, 0);
  braid_task_cancel (a, NULL);
  g_assert_cmpint (braid_yield (), ==, 0);
  note ("a-done=%s", braid_task_done (a) ? "True" : "False");
  g_assert_cmpint (braid_condition_release (cond), ==, 0);
  gather_all ((braid_task *[]){ braid_task_ref (a) }, 1,
              BRAID_GATHER_RETURN_EXCEPTIONS);
  note ("a-cancelled=%s locked=%s", braid_task_cancelled (a) ? "True" : "False",
        braid_condition_locked (cond) ? "True" : "False");
  braid_task_unref (a);
  braid_condition_free (cond);
  return NULL;
}

static void
test_cancelled_wait_still_reacquires (void)
{
  check_run (cancelled_wait_still_reacquires,
             "a-waits a-done=False a-cancelled locked=True a-cancelled=True "
             "locked=False");
}

static int counter;

/* `counter >= 2 and counter`: the count once it is at least 2. */
static void *
counter_at_least_2 (void *data)
{
  return counter >= 2 ? (void *)(intptr_t)counter : NULL;
}

static void *
consumer (void *arg)
{
  braid_condition *cond = arg;
  void *seen = NULL;
  int rc;

  BRAID_WITH_CONDITION (cond, rc)
  {
    /* wait_for gives the predicate's value, not just "true". */
    rc = braid_condition_wait_for (cond, counter_at_least_2, NULL, &seen);
    g_assert_cmpint (rc, ==, 0);
    note ("consumer-sees-%d", (int)(intptr_t)seen);
  }
  return NULL;
}

/* python: wait_for_checks_the_predicate */
static void *
wait_for_checks_the_predicate (void *unused)
{
  braid_condition *cond = braid_condition_new (NULL, NULL);
  braid_task *c;
  int rc;

  counter = 0;
  c = braid_spawn (consumer, cond);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpint (braid_yield (), ==, 0);
      BRAID_WITH_CONDITION (cond, rc)
      {
        counter++;
        note ("n=%d", counter);
        braid_condition_notify (cond, 1);
      }
    }
  g_assert_cmpint (braid_await_task (c, NULL), ==, 0);
  braid_task_unref (c);
  braid_condition_free (cond);
  return NULL;
}

static void
test_wait_for_checks_the_predicate (void)
{
  check_run (wait_for_checks_the_predicate, "n=1 n=2 consumer-sees-2 n=3");
}

/* python: misuse_is_runtime_error */
static void *
misuse_is_runtime_error (void *unused)
{
  braid_condition *cond = braid_condition_new (NULL, NULL);

  g_assert_cmpint (braid_condition_notify (cond, 1), ==, BRAID_EFAILED);
  note ("RuntimeError:%s", catch_message (BRAID_RUNTIME_ERROR));
  g_assert_cmpint (braid_condition_wait (cond), ==, BRAID_EFAILED);
  note ("RuntimeError:%s", catch_message (BRAID_RUNTIME_ERROR));
  braid_condition_free (cond);
  return NULL;
}

static void
test_misuse_is_runtime_error (void)
{
  check_run (misuse_is_runtime_error,
             "RuntimeError:cannot notify on un-acquired lock "
             "RuntimeError:cannot wait on un-acquired lock");
}

/* A condition on a lock of the caller's shares that lock. */
static void *
shares_a_given_lock (void *unused)
{
  braid_lock *lock = braid_lock_new (NULL);
  braid_condition *cond = braid_condition_new (NULL, lock);

  g_assert_true (braid_condition_lock (cond) == lock);
  g_assert_cmpint (braid_lock_acquire (lock), ==, 0);
  g_assert_true (braid_condition_locked (cond));
  g_assert_cmpint (braid_condition_release (cond), ==, 0);
  g_assert_false (braid_lock_locked (lock));
  braid_condition_free (cond);
  braid_lock_free (lock);
  note ("ok");
  return NULL;
}

static void
test_shares_a_given_lock (void)
{
  check_run (shares_a_given_lock, "ok");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/condition/notify-wakes-the-oldest-waiters",
                   test_notify_wakes_the_oldest_waiters);
  g_test_add_func ("/runtime/condition/wait-reacquires-through-the-lock-"
                   "queue",
                   test_wait_reacquires_through_the_lock_queue);
  g_test_add_func ("/runtime/condition/cancelled-wait-still-reacquires",
                   test_cancelled_wait_still_reacquires);
  g_test_add_func ("/runtime/condition/wait-for-checks-the-predicate",
                   test_wait_for_checks_the_predicate);
  g_test_add_func ("/runtime/condition/misuse-is-runtime-error",
                   test_misuse_is_runtime_error);
  g_test_add_func ("/runtime/condition/shares-a-given-lock",
                   test_shares_a_given_lock);
  return g_test_run ();
}
