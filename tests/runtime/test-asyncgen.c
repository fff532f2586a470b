/* test-asyncgen.c: braid_agen against Python's async generators
 * (ORDERING.md rule 25): the body starts at the first next(), runs inside
 * the consumer's step (a yield costs no loop iteration), its awaits
 * suspend the consumer, its cleanup runs on exhaustion or close. Each
 * expected log is what the Python twin prints:
 * python3 tests/runtime/python/asyncgen.py <case>.
 */
#include <stdint.h>

#include "braid-internal.h"
#include "combinator-test-util.h"

typedef struct counter_spec
{
  int n;
  int awaits; /* sleep(0)s before each yield */
} counter_spec;

/* async def counter(n, awaits): yields 0..n-1, "cleanup" in a finally. */
static void
counter (braid_agen *gen, void *arg)
{
  counter_spec *s = arg;

  note ("body-start");
  for (intptr_t i = 0; i < s->n; i++)
    {
      for (int k = 0; k < s->awaits; k++)
        if (braid_yield () < 0)
          goto cleanup;
      if (braid_agen_yield (gen, (void *)i) < 0)
        goto cleanup;
    }
  note ("body-end");
cleanup:
  note ("cleanup");
}

/* Consumes @gen to the end like `async for`, logging each value after
 * @prefix ("v0 v1 ..."), and checks it ended with StopAsyncIteration. */
static void
consume (braid_agen *gen, const char *prefix)
{
  void *v;
  int rc;

  while ((rc = braid_agen_next (gen, &v)) == 0)
    note ("%s%d", prefix, (int)(intptr_t)v);
  g_assert_cmpint (rc, ==, BRAID_ESTOP);
  g_assert_nonnull (catch_message (BRAID_STOP_ASYNC_ITERATION));
}

/* python: body_starts_at_first_next */
static void *
body_starts_at_first_next (void *unused)
{
  counter_spec s = { 2, 0 };
  braid_agen *gen = braid_agen_new (counter, &s);
  void *v;

  note ("created");
  g_assert_cmpint (braid_yield (), ==, 0);
  note ("first-next");
  g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  consume (gen, "v");
  g_assert_true (braid_agen_done (gen));
  g_assert_cmpint (braid_agen_next (gen, &v), ==, BRAID_ESTOP);
  if (catch_message (BRAID_STOP_ASYNC_ITERATION))
    note ("stop-again");
  braid_agen_free (gen);
  return NULL;
}

static void
test_body_starts_at_first_next (void)
{
  check_run (body_starts_at_first_next,
             "created first-next body-start v0 v1 body-end cleanup "
             "stop-again");
}

/* python: yields_cost_no_iteration */
static void *
yields_cost_no_iteration (void *unused)
{
  counter_spec s = { 3, 0 };
  braid_task *t = braid_spawn (ticker, GINT_TO_POINTER (3));
  braid_agen *gen = braid_agen_new (counter, &s);

  consume (gen, "v");
  braid_agen_free (gen);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  return NULL;
}

static void
test_yields_cost_no_iteration (void)
{
  check_run (yields_cost_no_iteration,
             "body-start v0 v1 v2 body-end cleanup tick0 tick1 tick2");
}

/* python: awaits_suspend_the_consumer */
static void *
awaits_suspend_the_consumer (void *unused)
{
  counter_spec s = { 2, 2 };
  braid_task *t = braid_spawn (ticker, GINT_TO_POINTER (6));
  braid_agen *gen = braid_agen_new (counter, &s);

  consume (gen, "v");
  braid_agen_free (gen);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  return NULL;
}

static void
test_awaits_suspend_the_consumer (void)
{
  check_run (awaits_suspend_the_consumer,
             "body-start tick0 tick1 v0 tick2 tick3 v1 body-end cleanup tick4 "
             "tick5");
}

/* async def slow_cleanup(): yields 1, 2; its finally awaits once. */
static void
slow_cleanup (braid_agen *gen, void *arg)
{
  int rc = braid_agen_yield (gen, (void *)1);

  if (rc == 0)
    rc = braid_agen_yield (gen, (void *)2);
  /* The finally runs with GeneratorExit pending: keep it aside while the
   * cleanup awaits, then let it propagate. */
  braid_error *pending = braid_error_catch (BRAID_BASE_EXCEPTION);
  note ("cleanup-start");
  g_assert_cmpint (braid_yield (), ==, 0);
  note ("cleanup-end");
  if (pending)
    {
      braid_reraise (pending);
      braid_error_unref (pending);
    }
}

/* python: close_runs_the_cleanup */
static void *
close_runs_the_cleanup (void *unused)
{
  braid_task *t = braid_spawn (ticker, GINT_TO_POINTER (3));
  braid_agen *gen = braid_agen_new (slow_cleanup, NULL);
  void *v;

  g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  g_assert_cmpint (braid_agen_close (gen), ==, 0);
  g_assert_null (braid_error_current ());
  note ("closed");
  g_assert_cmpint (braid_agen_next (gen, &v), ==, BRAID_ESTOP);
  if (catch_message (BRAID_STOP_ASYNC_ITERATION))
    note ("stop");
  braid_agen_free (gen);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  return NULL;
}

static void
test_close_runs_the_cleanup (void)
{
  check_run (close_runs_the_cleanup,
             "v1 cleanup-start tick0 cleanup-end closed stop tick1 tick2");
}

static void
failing (braid_agen *gen, void *arg)
{
  if (braid_agen_yield (gen, (void *)1) < 0)
    return;
  braid_raise (BRAID_VALUE_ERROR, "boom");
}

/* python: error_propagates_from_next */
static void *
error_propagates_from_next (void *unused)
{
  braid_agen *gen = braid_agen_new (failing, NULL);
  void *v;

  g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  g_assert_cmpint (braid_agen_next (gen, &v), ==, BRAID_EFAILED);
  note ("ValueError:%s", catch_message (BRAID_VALUE_ERROR));
  g_assert_cmpint (braid_agen_next (gen, &v), ==, BRAID_ESTOP);
  if (catch_message (BRAID_STOP_ASYNC_ITERATION))
    note ("stop");
  braid_agen_free (gen);
  return NULL;
}

static void
test_error_propagates_from_next (void)
{
  check_run (error_propagates_from_next, "v1 ValueError:boom stop");
}

static void
sleepy (braid_agen *gen, void *arg)
{
  note ("gen-sleeps");
  if (braid_sleep (1) < 0)
    {
      note ("gen-cancelled");
      return;
    }
  braid_agen_yield (gen, (void *)1);
}

static void *
sleepy_consumer (void *unused)
{
  braid_agen *gen = braid_agen_new (sleepy, NULL);
  void *v;
  int rc;

  while ((rc = braid_agen_next (gen, &v)) == 0)
    note ("v%d", (int)(intptr_t)v);
  if (rc == BRAID_ECANCELLED)
    note ("consumer-cancelled");
  braid_agen_free (gen);
  return NULL;
}

/* python: cancel_reaches_the_body */
static void *
cancel_reaches_the_body (void *unused)
{
  braid_task *c = braid_spawn (sleepy_consumer, NULL);

  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  braid_task_cancel (c, NULL);
  g_assert_cmpint (
      braid_gather_tasks (&c, 1, NULL, NULL, BRAID_GATHER_RETURN_EXCEPTIONS),
      ==, 0);
  note ("cancelled=%s", braid_task_cancelled (c) ? "True" : "False");
  braid_task_unref (c);
  return NULL;
}

static void
test_cancel_reaches_the_body (void)
{
  check_run (cancel_reaches_the_body,
             "gen-sleeps gen-cancelled consumer-cancelled cancelled=True");
}

/* python: close_unstarted_runs_nothing */
static void *
close_unstarted_runs_nothing (void *unused)
{
  counter_spec s = { 2, 0 };
  braid_agen *gen = braid_agen_new (counter, &s);
  void *v;

  g_assert_cmpint (braid_agen_close (gen), ==, 0);
  note ("closed");
  g_assert_cmpint (braid_agen_next (gen, &v), ==, BRAID_ESTOP);
  if (catch_message (BRAID_STOP_ASYNC_ITERATION))
    note ("stop");
  braid_agen_free (gen);
  return NULL;
}

static void
test_close_unstarted_runs_nothing (void)
{
  check_run (close_unstarted_runs_nothing, "closed stop");
}

/* python: two_generators_interleave */
static void *
two_generators_interleave (void *unused)
{
  counter_spec sa = { 2, 0 }, sb = { 2, 1 };
  braid_agen *a = braid_agen_new (counter, &sa);
  braid_agen *b = braid_agen_new (counter, &sb);
  void *v;

  for (int i = 0; i < 2; i++)
    {
      g_assert_cmpint (braid_agen_next (a, &v), ==, 0);
      note ("a%d", (int)(intptr_t)v);
      g_assert_cmpint (braid_agen_next (b, &v), ==, 0);
      note ("b%d", (int)(intptr_t)v);
    }
  g_assert_cmpint (braid_agen_close (a), ==, 0);
  g_assert_cmpint (braid_agen_close (b), ==, 0);
  braid_agen_free (a);
  braid_agen_free (b);
  return NULL;
}

static void
test_two_generators_interleave (void)
{
  check_run (two_generators_interleave,
             "body-start a0 body-start b0 a1 b1 cleanup cleanup");
}

/* A generator driven by one task, then (after it yields) by another. */
static void
handover_body (braid_agen *gen, void *arg)
{
  for (intptr_t i = 0; i < 4; i++)
    {
      if (braid_sleep (0.001) < 0)
        return;
      note ("in-%s", braid_task_name (braid_task_current ()));
      if (braid_agen_yield (gen, (void *)i) < 0)
        return;
    }
}

static void *
drive_twice (void *arg)
{
  braid_agen *gen = arg;
  void *v;

  for (int k = 0; k < 2; k++)
    g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  return NULL;
}

static void *
consumers_can_change (void *unused)
{
  braid_agen *gen = braid_agen_new (handover_body, NULL);
  braid_task *t1 = braid_spawn_named ("one", drive_twice, gen);
  braid_task *t2;

  g_assert_cmpint (braid_await_task (t1, NULL), ==, 0);
  t2 = braid_spawn_named ("two", drive_twice, gen);
  g_assert_cmpint (braid_await_task (t2, NULL), ==, 0);
  braid_task_unref (t1);
  braid_task_unref (t2);
  braid_agen_free (gen); /* closes it: the body returns from its yield */
  return NULL;
}

static void
test_consumers_can_change (void)
{
  check_run (consumers_can_change, "in-one in-one in-two in-two");
}

/* next() from inside the body, or from a second task while the body
 * awaits, is refused. */
static braid_agen *busy_gen;

static void
busy_body (braid_agen *gen, void *arg)
{
  void *v;

  g_assert_cmpint (braid_agen_next (gen, &v), ==, BRAID_EBUSY);
  braid_error_clear ();
  if (braid_sleep (0.01) < 0)
    return;
  braid_agen_yield (gen, NULL);
}

static void *
second_consumer (void *unused)
{
  void *v;

  g_assert_cmpint (braid_agen_next (busy_gen, &v), ==, BRAID_EBUSY);
  g_assert_nonnull (catch_message (BRAID_RUNTIME_ERROR));
  note ("refused");
  return NULL;
}

static void *
running_generator_refuses_next (void *unused)
{
  braid_task *t = braid_spawn (second_consumer, NULL);
  void *v;

  busy_gen = braid_agen_new (busy_body, NULL);
  g_assert_cmpint (braid_agen_next (busy_gen, &v), ==, 0);
  note ("got");
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  braid_agen_free (busy_gen);
  return NULL;
}

static void
test_running_generator_refuses_next (void)
{
  check_run (running_generator_refuses_next, "refused got");
}

/* Checks that @rc is BRAID_ESTOP with StopAsyncIteration current, as
 * `except StopAsyncIteration:` would catch it, and logs "stop". */
static void
note_stop (int rc)
{
  g_assert_cmpint (rc, ==, BRAID_ESTOP);
  g_assert_nonnull (catch_message (BRAID_STOP_ASYNC_ITERATION));
  note ("stop");
}

/* async def echo(): `x = yield 1`, logs it, yields 2; "fin" in a
 * finally. */
static void
echo (braid_agen *gen, void *arg)
{
  void *sent;

  note ("body-start");
  if (braid_agen_yield_recv (gen, (void *)1, &sent) == 0)
    {
      note ("got%d", (int)(intptr_t)sent);
      braid_agen_yield (gen, (void *)2);
    }
  note ("fin");
}

/* python: asend_reaches_the_yield */
static void *
asend_reaches_the_yield (void *unused)
{
  braid_agen *gen = braid_agen_new (echo, NULL);
  void *v;

  /* Nothing waits at a yield yet: a value is refused, the body not run. */
  g_assert_cmpint (braid_agen_asend (gen, (void *)5, &v), ==, BRAID_EINVAL);
  note ("TypeError:%s", catch_message (BRAID_TYPE_ERROR));
  g_assert_cmpint (braid_agen_asend (gen, NULL, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  g_assert_cmpint (braid_agen_asend (gen, (void *)7, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  note_stop (braid_agen_asend (gen, (void *)8, &v));
  note_stop (braid_agen_asend (gen, (void *)9, &v));
  braid_agen_free (gen);
  return NULL;
}

static void
test_asend_reaches_the_yield (void)
{
  check_run (asend_reaches_the_yield,
             "TypeError:can't send non-None value to a just-started async "
             "generator body-start v1 got7 v2 fin stop stop");
}

/* async def catcher(): yields 1; a ValueError thrown there is logged and
 * answered with yield 3 (once, or again while @arg says so); "fin" in a
 * finally. */
static void
catcher (braid_agen *gen, void *arg)
{
  int again = GPOINTER_TO_INT (arg);
  intptr_t v = 1;

  note ("body-start");
  for (;;)
    {
      if (braid_agen_yield (gen, (void *)v) == 0)
        break;
      braid_error *e = braid_error_catch (BRAID_VALUE_ERROR);
      if (!e)
        break; /* GeneratorExit, or another error: let it out */
      note ("caught:%s", braid_error_message (e));
      braid_error_unref (e);
      if (again-- <= 0)
        break; /* handled, and the body returns */
      v = 3;
    }
  note ("fin");
}

/* python: athrow_caught_yields_again */
static void *
athrow_caught_yields_again (void *unused)
{
  braid_agen *gen = braid_agen_new (catcher, GINT_TO_POINTER (1));
  braid_error *x = braid_error_new (BRAID_VALUE_ERROR, "x");
  braid_error *y = braid_error_new (BRAID_VALUE_ERROR, "y");
  void *v;

  g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  g_assert_cmpint (braid_agen_athrow (gen, x, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  g_assert_null (braid_error_current ());
  /* The second one is caught too, and the body returns. */
  note_stop (braid_agen_athrow (gen, y, &v));
  braid_error_unref (x);
  braid_error_unref (y);
  braid_agen_free (gen);
  return NULL;
}

static void
test_athrow_caught_yields_again (void)
{
  check_run (athrow_caught_yields_again,
             "body-start v1 caught:x v3 caught:y fin stop");
}

/* python: athrow_uncaught_leaves_the_generator */
static void *
athrow_uncaught_leaves_the_generator (void *unused)
{
  counter_spec s = { 3, 0 };
  braid_agen *gen = braid_agen_new (counter, &s);
  braid_error *q = braid_error_new (BRAID_RUNTIME_ERROR, "q");
  void *v = (void *)1;

  g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  g_assert_cmpint (braid_agen_athrow (gen, q, &v), ==, BRAID_EFAILED);
  /* The very error thrown comes back out. */
  g_assert_true (braid_error_current () == q);
  note ("RuntimeError:%s", catch_message (BRAID_RUNTIME_ERROR));
  g_assert_true (braid_agen_done (gen));
  note_stop (braid_agen_next (gen, &v));
  /* CPython 3.11 throws into the finished frame, which gives None. */
  v = (void *)1;
  g_assert_cmpint (braid_agen_athrow (gen, q, &v), ==, 0);
  g_assert_null (braid_error_current ());
  note ("after-end:%s", v ? "value" : "None");
  braid_error_unref (q);
  braid_agen_free (gen);
  return NULL;
}

static void
test_athrow_uncaught_leaves_the_generator (void)
{
  check_run (athrow_uncaught_leaves_the_generator,
             "body-start v0 cleanup RuntimeError:q stop after-end:None");
}

/* python: athrow_unstarted_runs_nothing */
static void *
athrow_unstarted_runs_nothing (void *unused)
{
  counter_spec s = { 2, 0 };
  braid_agen *gen = braid_agen_new (counter, &s);
  braid_error *early = braid_error_new (BRAID_VALUE_ERROR, "early");
  void *v;

  g_assert_cmpint (braid_agen_athrow (gen, early, &v), ==, BRAID_EFAILED);
  g_assert_true (braid_error_current () == early);
  braid_error_unref (early);
  note ("ValueError:%s", catch_message (BRAID_VALUE_ERROR));
  note_stop (braid_agen_next (gen, &v));
  braid_agen_free (gen);
  return NULL;
}

static void
test_athrow_unstarted_runs_nothing (void)
{
  check_run (athrow_unstarted_runs_nothing, "ValueError:early stop");
}

/* athrow of the error that is current hands it to the body: caught there,
 * it is no longer the consumer's. A GeneratorExit thrown in closes. */
static void *
athrow_current_error (void *unused)
{
  braid_agen *gen = braid_agen_new (catcher, GINT_TO_POINTER (5));
  void *v;

  g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  braid_raise (BRAID_VALUE_ERROR, "current");
  g_assert_cmpint (braid_agen_athrow (gen, braid_error_current (), &v), ==,
                   0);
  g_assert_null (braid_error_current ());
  g_assert_cmpint ((int)(intptr_t)v, ==, 3);
  braid_error *exit = braid_error_new (BRAID_GENERATOR_EXIT, NULL);
  g_assert_cmpint (braid_agen_athrow (gen, exit, &v), ==, BRAID_EFAILED);
  g_assert_true (braid_error_catch (BRAID_GENERATOR_EXIT) == exit);
  braid_error_unref (exit);
  braid_error_unref (exit);
  g_assert_true (braid_agen_done (gen));
  braid_agen_free (gen);
  return NULL;
}

static void
test_athrow_current_error (void)
{
  check_run (athrow_current_error, "body-start caught:current fin");
}

/* async def stop_raiser(): yields 1, then raises StopAsyncIteration. */
static void
stop_raiser (braid_agen *gen, void *arg)
{
  if (braid_agen_yield (gen, (void *)1) < 0)
    return;
  /* The code is BRAID_ESTOP, as for every StopAsyncIteration. */
  g_assert_cmpint (braid_raise (BRAID_STOP_ASYNC_ITERATION, "inner"), ==,
                   BRAID_ESTOP);
}

/* python: stop_raised_in_body_is_a_runtime_error */
static void *
stop_raised_in_body_is_a_runtime_error (void *unused)
{
  braid_agen *gen = braid_agen_new (stop_raiser, NULL);
  void *v;

  g_assert_cmpint (braid_agen_next (gen, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  g_assert_cmpint (braid_agen_next (gen, &v), ==, BRAID_EFAILED);
  braid_error *e = braid_error_catch (BRAID_RUNTIME_ERROR);
  g_assert_nonnull (e);
  note ("RuntimeError:%s cause=%s", braid_error_message (e),
        braid_error_get_type (braid_error_cause (e))->name);
  braid_error_unref (e);
  note_stop (braid_agen_next (gen, &v));
  braid_agen_free (gen);
  return NULL;
}

static void
test_stop_raised_in_body_is_a_runtime_error (void)
{
  check_run (stop_raised_in_body_is_a_runtime_error,
             "v1 RuntimeError:async generator raised StopAsyncIteration "
             "cause=StopAsyncIteration stop");
}

/* Outside a task there is nothing for the body's awaits to suspend. */
static void
test_next_outside_a_task (void)
{
  counter_spec s = { 1, 0 };
  braid_agen *gen = braid_agen_new (counter, &s);

  g_assert_cmpint (braid_agen_next (gen, NULL), ==, BRAID_ENOTASK);
  braid_error_clear ();
  g_assert_cmpint (braid_agen_yield (gen, NULL), ==, BRAID_EINVALSTATE);
  braid_error_clear ();
  g_assert_cmpint (braid_agen_asend (gen, NULL, NULL), ==, BRAID_ENOTASK);
  braid_error_clear ();
  braid_error *e = braid_error_new (BRAID_VALUE_ERROR, "x");
  g_assert_cmpint (braid_agen_athrow (gen, e, NULL), ==, BRAID_ENOTASK);
  braid_error_clear ();
  braid_error_unref (e);
  braid_agen_free (gen);
}

static void
forever_body (braid_agen *gen, void *arg)
{
  if (braid_sleep (100) == 0)
    braid_agen_yield (gen, NULL);
}

static void *
forever_consumer (void *arg)
{
  void *v;

  braid_agen_next (arg, &v);
  return NULL;
}

static void *
short_sleep (void *arg)
{
  braid_sleep (0.01);
  return NULL;
}

/* A loop closed while a consumer is suspended inside a generator's body:
 * the task is reported as destroyed pending, and freeing the generator
 * afterwards is safe (its stack is left alone). */
static void
test_loop_closed_inside_the_body (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_agen *gen = braid_agen_new (forever_body, NULL);
  braid_task *c, *s;

  test_destroyed_pending = 0;
  g_assert_cmpint (braid_loop_set_clock (loop, BRAID_CLOCK_VIRTUAL), ==, 0);
  c = braid_loop_spawn (loop, "consumer", forever_consumer, gen);
  s = braid_loop_spawn (loop, "short", short_sleep, NULL);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (s), NULL), ==, 0);
  g_assert_false (braid_agen_done (gen));
  braid_task_unref (s);
  braid_task_unref (c);
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
  g_assert_cmpint (test_destroyed_pending, ==, 1);
  braid_agen_free (gen);
}

static braid_agen *left_open;

static void *
leave_open (void *arg)
{
  static counter_spec s = { 3, 0 };
  void *v;

  left_open = braid_agen_new (counter, &s);
  g_assert_cmpint (braid_agen_next (left_open, &v), ==, 0);
  note ("v%d", (int)(intptr_t)v);
  return NULL;
}

static int
run_main_keep_open (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_task *t;
  int rc;

  g_string_truncate (test_log, 0);
  g_assert_cmpint (braid_loop_set_clock (loop, BRAID_CLOCK_VIRTUAL), ==, 0);
  t = braid_loop_spawn (loop, "main", leave_open, NULL);
  rc = braid_loop_run_until_complete (loop, braid_task_future (t), NULL);
  braid_task_unref (t);
  note ("main-done");
  braid__agen_shutdown (loop);
  g_assert_true (braid_agen_done (left_open));
  braid_agen_free (left_open);
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
  g_assert_cmpstr (test_log->str, ==, "body-start v0 main-done cleanup");
  return rc;
}

/* braid__agen_shutdown (rule 26, for braid_run): a generator left at a
 * yield has its cleanup run in a task of its own. */
static void
test_shutdown_closes_open_generators (void)
{
  g_assert_cmpint (run_main_keep_open (), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/asyncgen/body-starts-at-first-next",
                   test_body_starts_at_first_next);
  g_test_add_func ("/runtime/asyncgen/yields-cost-no-iteration",
                   test_yields_cost_no_iteration);
  g_test_add_func ("/runtime/asyncgen/awaits-suspend-the-consumer",
                   test_awaits_suspend_the_consumer);
  g_test_add_func ("/runtime/asyncgen/close-runs-the-cleanup",
                   test_close_runs_the_cleanup);
  g_test_add_func ("/runtime/asyncgen/error-propagates-from-next",
                   test_error_propagates_from_next);
  g_test_add_func ("/runtime/asyncgen/cancel-reaches-the-body",
                   test_cancel_reaches_the_body);
  g_test_add_func ("/runtime/asyncgen/close-unstarted-runs-nothing",
                   test_close_unstarted_runs_nothing);
  g_test_add_func ("/runtime/asyncgen/two-generators-interleave",
                   test_two_generators_interleave);
  g_test_add_func ("/runtime/asyncgen/consumers-can-change",
                   test_consumers_can_change);
  g_test_add_func ("/runtime/asyncgen/running-generator-refuses-next",
                   test_running_generator_refuses_next);
  g_test_add_func ("/runtime/asyncgen/asend-reaches-the-yield",
                   test_asend_reaches_the_yield);
  g_test_add_func ("/runtime/asyncgen/athrow-caught-yields-again",
                   test_athrow_caught_yields_again);
  g_test_add_func ("/runtime/asyncgen/athrow-uncaught-leaves-the-generator",
                   test_athrow_uncaught_leaves_the_generator);
  g_test_add_func ("/runtime/asyncgen/athrow-unstarted-runs-nothing",
                   test_athrow_unstarted_runs_nothing);
  g_test_add_func ("/runtime/asyncgen/athrow-current-error",
                   test_athrow_current_error);
  g_test_add_func ("/runtime/asyncgen/stop-raised-in-body-is-a-runtime-error",
                   test_stop_raised_in_body_is_a_runtime_error);
  g_test_add_func ("/runtime/asyncgen/next-outside-a-task",
                   test_next_outside_a_task);
  g_test_add_func ("/runtime/asyncgen/loop-closed-inside-the-body",
                   test_loop_closed_inside_the_body);
  g_test_add_func ("/runtime/asyncgen/shutdown-closes-open-generators",
                   test_shutdown_closes_open_generators);
  return g_test_run ();
}
