/* test-queue.c: braid_queue against asyncio.Queue, LifoQueue and
 * PriorityQueue (ORDERING.md rules 23 and 8). Each expected log is what
 * the Python twin prints: python3 tests/runtime/python/queues.py <case>.
 */
#include <stdint.h>

#include "combinator-test-util.h"

typedef struct actor_spec
{
  braid_queue *q;
  const char *name;
  intptr_t item; /* putters: what they put */
} actor_spec;

static void *
getter (void *arg)
{
  actor_spec *s = arg;
  void *item;

  note ("%s-gets", s->name);
  if (braid_queue_get (s->q, &item) < 0)
    {
      note ("%s-cancelled", s->name);
      return NULL;
    }
  note ("%s-got-%s", s->name, (const char *)item);
  return NULL;
}

static void *
putter (void *arg)
{
  actor_spec *s = arg;

  note ("%s-puts-%d", s->name, (int)s->item);
  if (braid_queue_put (s->q, (void *)s->item) < 0)
    {
      note ("%s-cancelled", s->name);
      return NULL;
    }
  note ("%s-put-%d", s->name, (int)s->item);
  return NULL;
}

/* python: put_wakes_the_oldest_getter */
static void *
put_wakes_the_oldest_getter (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  actor_spec s[3] = { { q, "g1", 0 }, { q, "g2", 0 }, { q, "g3", 0 } };
  braid_task *t[4];

  for (int i = 0; i < 3; i++)
    t[i] = braid_spawn (getter, &s[i]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, "1"), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, "2"), ==, 0);
  note ("qsize=%zu", braid_queue_qsize (q));
  t[3] = braid_spawn (ticker, GINT_TO_POINTER (2));
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, "3"), ==, 0);
  gather_all (t, 4, 0);
  braid_queue_free (q);
  return NULL;
}

static void
test_put_wakes_the_oldest_getter (void)
{
  check_run (put_wakes_the_oldest_getter,
             "g1-gets g2-gets g3-gets qsize=2 g1-got-1 g2-got-2 tick0 tick1 "
             "g3-got-3");
  g_assert_true (saw_suspension_on (BRAID_WAIT_QUEUE, BRAID_OBJ_QUEUE));
}

/* python: get_wakes_the_oldest_putter */
static void *
get_wakes_the_oldest_putter (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 1, BRAID_QUEUE_FIFO, NULL);
  actor_spec s[2] = { { q, "p1", 1 }, { q, "p2", 2 } };
  braid_task *t[2];

  g_assert_cmpint (braid_queue_put_nowait (q, (void *)0), ==, 0);
  for (int i = 0; i < 2; i++)
    t[i] = braid_spawn (putter, &s[i]);
  g_assert_cmpint (braid_yield (), ==, 0);
  note ("full=%s", braid_queue_full (q) ? "True" : "False");
  for (int i = 0; i < 3; i++)
    {
      void *item;
      g_assert_cmpint (braid_queue_get (q, &item), ==, 0);
      note ("main-got-%d", (int)(intptr_t)item);
      g_assert_cmpint (braid_yield (), ==, 0);
    }
  gather_all (t, 2, 0);
  braid_queue_free (q);
  return NULL;
}

static void
test_get_wakes_the_oldest_putter (void)
{
  check_run (get_wakes_the_oldest_putter,
             "p1-puts-1 p2-puts-2 full=True main-got-0 p1-put-1 main-got-1 "
             "p2-put-2 main-got-2");
}

/* python: woken_getter_checks_again */
static void *
woken_getter_checks_again (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  actor_spec s[2] = { { q, "g1", 0 }, { q, "g2", 0 } };
  braid_task *t[2];
  void *item;

  t[0] = braid_spawn (getter, &s[0]);
  t[1] = braid_spawn (getter, &s[1]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, "x"), ==, 0);
  g_assert_cmpint (braid_queue_get_nowait (q, &item), ==, 0);
  note ("main-stole-%s", (const char *)item);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, "y"), ==, 0);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, "z"), ==, 0);
  gather_all (t, 2, 0);
  braid_queue_free (q);
  return NULL;
}

static void
test_woken_getter_checks_again (void)
{
  check_run (woken_getter_checks_again,
             "g1-gets g2-gets main-stole-x g2-got-y g1-got-z");
}

/* python: possible_put_and_get_do_not_suspend */
static void *
possible_put_and_get_do_not_suspend (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 2, BRAID_QUEUE_FIFO, NULL);
  braid_task *t = braid_spawn (ticker, GINT_TO_POINTER (2));
  void *a, *b;

  g_assert_cmpint (braid_queue_put (q, (void *)1), ==, 0);
  g_assert_cmpint (braid_queue_put (q, (void *)2), ==, 0);
  g_assert_cmpint (braid_queue_get (q, &a), ==, 0);
  g_assert_cmpint (braid_queue_get (q, &b), ==, 0);
  note ("got-%d-%d", (int)(intptr_t)a, (int)(intptr_t)b);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  braid_queue_free (q);
  return NULL;
}

static void
test_possible_put_and_get_do_not_suspend (void)
{
  check_run (possible_put_and_get_do_not_suspend, "got-1-2 tick0 tick1");
  g_assert_false (saw_suspension_on (BRAID_WAIT_QUEUE, BRAID_OBJ_QUEUE));
}

static void *
join_worker (void *arg)
{
  actor_spec *s = arg;

  for (;;)
    {
      void *item;
      if (braid_queue_get (s->q, &item) < 0)
        return NULL;
      int n = (int)(intptr_t)item;
      note ("%s-works-%d", s->name, n);
      if (braid_sleep (0.01 * n) < 0)
        return NULL;
      note ("%s-done-%d", s->name, n);
      g_assert_cmpint (braid_queue_task_done (s->q), ==, 0);
    }
}

/* python: join_waits_for_every_task_done */
static void *
join_waits_for_every_task_done (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  actor_spec s[2] = { { q, "w1", 0 }, { q, "w2", 0 } };
  braid_task *t[2];
  const int items[3] = { 3, 1, 2 };

  for (int i = 0; i < 3; i++)
    g_assert_cmpint (braid_queue_put_nowait (q, (void *)(intptr_t)items[i]), ==,
                     0);
  t[0] = braid_spawn (join_worker, &s[0]);
  t[1] = braid_spawn (join_worker, &s[1]);
  g_assert_cmpint (braid_queue_join (q), ==, 0);
  note ("joined");
  braid_task_cancel (t[0], NULL);
  braid_task_cancel (t[1], NULL);
  gather_all (t, 2, BRAID_GATHER_RETURN_EXCEPTIONS);
  g_assert_cmpint (braid_queue_task_done (q), ==, BRAID_EINVAL);
  note ("ValueError:%s", catch_message (BRAID_VALUE_ERROR));
  braid_queue_free (q);
  return NULL;
}

static void
test_join_waits_for_every_task_done (void)
{
  check_run (join_waits_for_every_task_done,
             "w1-works-3 w2-works-1 w2-done-1 w2-works-2 w1-done-3 w2-done-2 "
             "joined ValueError:task_done() called too many times");
}

/* python: cancelled_getter_passes_the_item_on */
static void *
cancelled_getter_passes_the_item_on (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  actor_spec s[2] = { { q, "g1", 0 }, { q, "g2", 0 } };
  braid_task *t[2];

  t[0] = braid_spawn (getter, &s[0]);
  t[1] = braid_spawn (getter, &s[1]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, "x"), ==, 0);
  braid_task_cancel (t[0], NULL);
  gather_all (t, 2, BRAID_GATHER_RETURN_EXCEPTIONS);
  braid_queue_free (q);
  return NULL;
}

static void
test_cancelled_getter_passes_the_item_on (void)
{
  check_run (cancelled_getter_passes_the_item_on,
             "g1-gets g2-gets g1-cancelled g2-got-x");
}

/* python: cancelled_putter_passes_the_slot_on */
static void *
cancelled_putter_passes_the_slot_on (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 1, BRAID_QUEUE_FIFO, NULL);
  actor_spec s[2] = { { q, "p1", 1 }, { q, "p2", 2 } };
  braid_task *t[2];
  void *item;

  g_assert_cmpint (braid_queue_put_nowait (q, (void *)0), ==, 0);
  t[0] = braid_spawn (putter, &s[0]);
  t[1] = braid_spawn (putter, &s[1]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_queue_get_nowait (q, &item), ==, 0);
  note ("main-got-%d", (int)(intptr_t)item);
  braid_task_cancel (t[0], NULL);
  gather_all (t, 2, BRAID_GATHER_RETURN_EXCEPTIONS);
  g_assert_cmpint (braid_queue_get_nowait (q, &item), ==, 0);
  note ("main-got-%d", (int)(intptr_t)item);
  braid_queue_free (q);
  return NULL;
}

static void
test_cancelled_putter_passes_the_slot_on (void)
{
  check_run (cancelled_putter_passes_the_slot_on,
             "p1-puts-1 p2-puts-2 main-got-0 p1-cancelled p2-put-2 "
             "main-got-2");
}

static int
compare_ints (const void *a, const void *b)
{
  intptr_t x = (intptr_t)a, y = (intptr_t)b;
  return x < y ? -1 : x > y;
}

/* python: lifo_and_priority_order */
static void *
lifo_and_priority_order (void *unused)
{
  braid_queue *lq = braid_queue_new (NULL, 0, BRAID_QUEUE_LIFO, NULL);
  braid_queue *pq
      = braid_queue_new (NULL, 0, BRAID_QUEUE_PRIORITY, compare_ints);
  const int items[8] = { 5, 1, 4, 1, 3, 9, 2, 6 };
  GString *l = g_string_new ("lifo="), *p = g_string_new ("prio=");

  for (int i = 0; i < 8; i++)
    {
      braid_queue_put_nowait (lq, (void *)(intptr_t)items[i]);
      braid_queue_put_nowait (pq, (void *)(intptr_t)items[i]);
    }
  for (int i = 0; i < 8; i++)
    {
      void *a, *b;
      g_assert_cmpint (braid_queue_get_nowait (lq, &a), ==, 0);
      g_assert_cmpint (braid_queue_get_nowait (pq, &b), ==, 0);
      g_string_append_printf (l, "%s%d", i ? "," : "", (int)(intptr_t)a);
      g_string_append_printf (p, "%s%d", i ? "," : "", (int)(intptr_t)b);
    }
  note ("%s", l->str);
  note ("%s", p->str);
  g_string_free (l, TRUE);
  g_string_free (p, TRUE);
  braid_queue_free (lq);
  braid_queue_free (pq);
  return NULL;
}

static void
test_lifo_and_priority_order (void)
{
  check_run (lifo_and_priority_order,
             "lifo=6,2,9,3,1,4,1,5 prio=1,1,2,3,4,5,6,9");
}

typedef struct job
{
  int prio;
  const char *name;
} job;

static int
compare_jobs (const void *a, const void *b)
{
  const job *x = a, *y = b;
  return x->prio < y->prio ? -1 : x->prio > y->prio;
}

/* python: priority_ties_follow_heapq */
static void *
priority_ties_follow_heapq (void *unused)
{
  static job jobs[8] = { { 2, "a" }, { 1, "b" }, { 2, "c" }, { 1, "d" },
                         { 2, "e" }, { 1, "f" }, { 0, "g" }, { 2, "h" } };
  braid_queue *pq
      = braid_queue_new (NULL, 0, BRAID_QUEUE_PRIORITY, compare_jobs);
  GString *s = g_string_new ("order=");

  for (int i = 0; i < 8; i++)
    braid_queue_put_nowait (pq, &jobs[i]);
  for (int i = 0; i < 8; i++)
    {
      void *j;
      g_assert_cmpint (braid_queue_get_nowait (pq, &j), ==, 0);
      g_string_append_printf (s, "%s%s", i ? "," : "", ((job *)j)->name);
    }
  note ("%s", s->str);
  g_string_free (s, TRUE);
  braid_queue_free (pq);
  return NULL;
}

static void
test_priority_ties_follow_heapq (void)
{
  check_run (priority_ties_follow_heapq, "order=g,b,f,d,c,h,e,a");
}

/* python: nowait_on_full_or_empty_raises */
static void *
nowait_on_full_or_empty_raises (void *unused)
{
  braid_queue *q = braid_queue_new (NULL, 1, BRAID_QUEUE_FIFO, NULL);
  braid_error *err;

  g_assert_cmpint (braid_queue_get_nowait (q, NULL), ==, BRAID_EQUEUEEMPTY);
  err = braid_error_catch (BRAID_QUEUE_EMPTY);
  g_assert_nonnull (err);
  g_assert_cmpint (braid_error_code (err), ==, BRAID_EQUEUEEMPTY);
  note ("%s", braid_error_get_type (err)->name);
  braid_error_unref (err);
  g_assert_cmpint (braid_queue_put_nowait (q, (void *)1), ==, 0);
  g_assert_cmpint (braid_queue_put_nowait (q, (void *)2), ==, BRAID_EQUEUEFULL);
  err = braid_error_catch (BRAID_QUEUE_FULL);
  g_assert_nonnull (err);
  note ("%s", braid_error_get_type (err)->name);
  braid_error_unref (err);
  note ("qsize=%zu full=%s empty=%s", braid_queue_qsize (q),
        braid_queue_full (q) ? "True" : "False",
        braid_queue_empty (q) ? "True" : "False");
  braid_queue_free (q);
  return NULL;
}

static void
test_nowait_on_full_or_empty_raises (void)
{
  check_run (nowait_on_full_or_empty_raises,
             "QueueEmpty QueueFull qsize=1 full=True empty=False");
}

/* A FIFO ring that wraps around and grows keeps its order. */
static void
test_fifo_ring_keeps_order_across_growth (void)
{
  braid_queue *q = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  intptr_t next_in = 0, next_out = 0;

  for (int round = 0; round < 50; round++)
    {
      for (int i = 0; i < round % 7 + 1; i++)
        g_assert_cmpint (braid_queue_put_nowait (q, (void *)next_in++), ==, 0);
      for (int i = 0; i < round % 5 + 1 && !braid_queue_empty (q); i++)
        {
          void *v;
          g_assert_cmpint (braid_queue_get_nowait (q, &v), ==, 0);
          g_assert_cmpint ((intptr_t)v, ==, next_out++);
        }
    }
  while (!braid_queue_empty (q))
    {
      void *v;
      g_assert_cmpint (braid_queue_get_nowait (q, &v), ==, 0);
      g_assert_cmpint ((intptr_t)v, ==, next_out++);
    }
  g_assert_cmpint (next_in, ==, next_out);
  braid_queue_free (q);
}

static void
test_priority_without_compare_is_value_error (void)
{
  g_assert_null (braid_queue_new (NULL, 0, BRAID_QUEUE_PRIORITY, NULL));
  g_assert_nonnull (catch_message (BRAID_VALUE_ERROR));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/queue/put-wakes-the-oldest-getter",
                   test_put_wakes_the_oldest_getter);
  g_test_add_func ("/runtime/queue/get-wakes-the-oldest-putter",
                   test_get_wakes_the_oldest_putter);
  g_test_add_func ("/runtime/queue/woken-getter-checks-again",
                   test_woken_getter_checks_again);
  g_test_add_func ("/runtime/queue/possible-put-and-get-do-not-suspend",
                   test_possible_put_and_get_do_not_suspend);
  g_test_add_func ("/runtime/queue/join-waits-for-every-task-done",
                   test_join_waits_for_every_task_done);
  g_test_add_func ("/runtime/queue/cancelled-getter-passes-the-item-on",
                   test_cancelled_getter_passes_the_item_on);
  g_test_add_func ("/runtime/queue/cancelled-putter-passes-the-slot-on",
                   test_cancelled_putter_passes_the_slot_on);
  g_test_add_func ("/runtime/queue/lifo-and-priority-order",
                   test_lifo_and_priority_order);
  g_test_add_func ("/runtime/queue/priority-ties-follow-heapq",
                   test_priority_ties_follow_heapq);
  g_test_add_func ("/runtime/queue/nowait-on-full-or-empty-raises",
                   test_nowait_on_full_or_empty_raises);
  g_test_add_func ("/runtime/queue/fifo-ring-keeps-order-across-growth",
                   test_fifo_ring_keeps_order_across_growth);
  g_test_add_func ("/runtime/queue/priority-without-compare-is-value-error",
                   test_priority_without_compare_is_value_error);
  return g_test_run ();
}
