/* test-fast-path.c: the recorder hook's fast path and when it may be
 * taken (record.c: one compare of the thread's generation says that the
 * session, the thread's producer, an open loop of the thread and a lone
 * recording thread are all current).
 *
 * Synthetic events fed to the hook: a thread that opened a loop records
 * in the fast path; a second thread that starts recording sends both to
 * the shared counter, and the first thread's events after that follow
 * its own earlier ones and the second thread's; a thread whose loop
 * closed records its events at the loop's last time; a second session
 * starts with one thread again. Every event is stored, seqs are dense,
 * and each thread's events are in its own order.
 */
#include <braid/braid.h>
#include "trace-test-util.h"

enum { STEPS = 2000 };

/* Feeds @n steps of task @task (resumed, suspended by a yield) at times
 * from @t, value counting from @from so that a thread's order shows. */
static void
feed_steps (uint64_t task, uint64_t t, int64_t from, int n)
{
  for (int i = 0; i < n; i++)
    {
      feed (BRAID_EV_TASK_RESUMED, t + 2 * i, task, 0, 0, 0, from + 2 * i,
            0, NULL, NULL, NULL);
      feed (BRAID_EV_TASK_SUSPENDED, t + 2 * i + 1, task, 0, 0,
            BRAID_WAIT_YIELD, from + 2 * i + 1, 0, NULL, NULL, NULL);
    }
}

static gpointer
second_thread (gpointer data)
{
  feed (BRAID_EV_LOOP_CREATED, 1000, 0, 0, 8, 0, 0, 0, "second", NULL, NULL);
  feed_steps (20, 1000, 0, STEPS);
  feed (BRAID_EV_LOOP_CLOSED, 9000, 0, 0, 8, 0, 0, 0, NULL, NULL, NULL);
  return NULL;
}

/* The checks every trace of this file passes: all @n events stored, seqs
 * dense, each task's values in seq order. */
static void
check_stored (const char *path, int64_t n)
{
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"), ==, n);
  g_assert_cmpint (query_int_at (path, "SELECT max(seq) - min(seq) + 1"
                                       " - count(*) FROM events"),
                   ==, 0);
  g_assert_cmpint (
      query_int_at (path, "SELECT count(*) FROM (SELECT value, LAG (value)"
                          " OVER (PARTITION BY task ORDER BY seq) AS prev"
                          " FROM events WHERE kind IN (6, 7))"
                          " WHERE value <> prev + 1"),
      ==, 0);
}

static void
test_a_second_thread_ends_the_fast_path (void)
{
  char *path = test_trace_path ("fast.db");
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  feed (BRAID_EV_LOOP_CREATED, 10, 0, 0, 7, 0, 0, 0, "first", NULL, NULL);
  feed_steps (10, 10, 0, STEPS);
  g_thread_join (g_thread_new ("second", second_thread, NULL));
  feed_steps (10, 10 + 2 * STEPS, 2 * STEPS, STEPS);
  feed (BRAID_EV_LOOP_CLOSED, 10 + 4 * STEPS, 0, 0, 7, 0, 0, 0, NULL, NULL,
        NULL);
  /* After its loop closed, an event of the thread is kept at the loop's
   * last time, which only the slow path knows to do. */
  feed (BRAID_EV_TASK_FREED, 999999999, 10, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  check_stored (path, 3 * 2 * STEPS + 5);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"
                                       " WHERE task = 10"),
                   ==, 4 * STEPS + 1);
  /* The second thread recorded (and was joined) between the first
   * thread's two halves: its events sit between them. */
  char *last_first = g_strdup_printf ("SELECT max(seq) FROM events"
                                      " WHERE task = 10 AND kind IN (6, 7)"
                                      " AND value < %d", 2 * STEPS);
  char *first_second = g_strdup_printf ("SELECT min(seq) FROM events"
                                        " WHERE task = 10 AND kind IN (6, 7)"
                                        " AND value >= %d", 2 * STEPS);
  g_assert_cmpint (query_int_at (path, last_first), <,
                   query_int_at (path, "SELECT min(seq) FROM events"
                                       " WHERE task = 20"));
  g_assert_cmpint (query_int_at (path, "SELECT max(seq) FROM events"
                                       " WHERE task = 20"),
                   <, query_int_at (path, first_second));
  g_free (last_first);
  g_free (first_second);
  g_assert_cmpint (query_int_at (path, "SELECT t FROM events"
                                       " WHERE kind = 16")
                       - query_int_at (path, "SELECT t FROM events"
                                             " WHERE kind = 2 AND object = 7"),
                   ==, 0);
  remove_trace (path);
  g_free (path);

  /* The next session starts with one thread again. */
  path = test_trace_path ("fast-again.db");
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  feed (BRAID_EV_LOOP_CREATED, 10, 0, 0, 7, 0, 0, 0, "first", NULL, NULL);
  feed_steps (10, 10, 0, STEPS);
  feed (BRAID_EV_LOOP_CLOSED, 10 + 2 * STEPS, 0, 0, 7, 0, 0, 0, NULL, NULL,
        NULL);
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  check_stored (path, 2 * STEPS + 2);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/fast-path/a-second-thread-ends-it",
                   test_a_second_thread_ends_the_fast_path);
  return g_test_run ();
}
