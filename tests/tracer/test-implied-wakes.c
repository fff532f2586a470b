/* test-implied-wakes.c: the wake-ups a trace implies instead of
 * recording them (SCHEMA.md, "Implied wake-ups").
 *
 * A TCP echo over loopback (echo-util.h), traced in this process on
 * the real clock: each round trip ends two waits on I/O in one poll,
 * whose TASK_WOKEN the runtime leaves out. The test checks that none is
 * recorded, that the cancellation at the loop's close still tells its
 * story, and that the views (slices, waits, wake_edges, task_summary)
 * and the reader derive the same wake-ups: the same totals of running,
 * ready and waiting time per task, as many wake edges, ready slices
 * that begin at an iteration-begin of the loop.
 */
#include <stdio.h>
#include <stdlib.h>

#include <braid/braid.h>
#include "echo-util.h"
#include "trace-test-util.h"

enum { ROUND_TRIPS = 200 };

static void *
echo_main (void *arg)
{
  const char *failed = NULL;
  if (echo_round_trips (ROUND_TRIPS, &failed) != 0)
    g_error ("%s", failed);
  return NULL;
}

/* Traces the echo into a new file; returns its path (g_free). */
static char *
trace_echo (void)
{
  char *path = test_trace_path ("echo.db");
  g_assert_cmpint (braid__trace_begin (path, 1, 0), ==, 0);
  g_assert_cmpint (braid_run (echo_main, NULL, NULL), ==, 0);
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  return path;
}

static void
test_io_completions_record_no_wake_up (void)
{
  char *path = trace_echo ();
  /* Both ends wait on I/O at least once per round trip... */
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"
                                       " WHERE kind = 7 AND reason = 12"),
                   >=, 2 * ROUND_TRIPS);
  /* ...and no completion of the loop's is recorded as a wake-up. */
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"
                                       " WHERE kind = 8 AND reason = 12"
                                       " AND other IS NULL"),
                   ==, 0);
  /* The loop's close cancels the handler, still reading: the request
   * and the cancellation are recorded (the wake-up between them is
   * implied: the loop wakes it, outside any task). */
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"
                                       " WHERE kind = 12"),
                   ==, 1);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM task_ends"
                                       " WHERE outcome = 'cancelled'"),
                   ==, 1);
  /* Every wait that a resumption ends was ended by an implied wake-up,
   * one wake_edges row each, by the loop. */
  g_assert_cmpint (
      query_int_at (path, "SELECT count(*) FROM wake_edges"
                          " WHERE waker IS NULL AND reason = 'io'"),
      ==,
      query_int_at (path, "SELECT count(*) FROM slices WHERE woken_implied"
                          " AND state = 'waiting'"));
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM wake_edges"
                                       " WHERE waker IS NULL"),
                   >=, 2 * ROUND_TRIPS);
  remove_trace (path);
  g_free (path);
}

static void
test_views_and_reader_derive_the_same_wake_ups (void)
{
  char *path = trace_echo ();
  /* The second task an iteration runs waited in the ready queue: its
   * ready slice begins where the iteration began. */
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM slices"
                                       " WHERE woken_implied"
                                       " AND state = 'ready'"),
                   >, 0);
  g_assert_cmpint (
      query_int_at (path, "SELECT count(*) FROM slices s"
                          " WHERE woken_implied AND state = 'ready'"
                          " AND NOT EXISTS (SELECT 1 FROM events b"
                          "  WHERE b.kind = 3 AND b.t = s.start_t)"),
      ==, 0);
  /* A wait that an implied wake-up ends ends where its ready slice
   * begins. */
  g_assert_cmpint (
      query_int_at (path, "SELECT count(*) FROM slices w JOIN slices r"
                          " ON r.task = w.task AND r.start_seq = w.end_seq"
                          " AND r.state = 'ready' AND r.woken_implied"
                          " WHERE w.state = 'waiting' AND w.woken_implied"
                          " AND w.end_t <> r.start_t"),
      ==, 0);

  braid_trace *trace = open_or_fail (path);
  size_t n_tasks, n_slices, n_edges;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n_slices);
  const braid_trace_edge *edges = braid_trace_get_edges (trace, &n_edges);
  g_assert_cmpuint (n_tasks, ==, 2);
  for (size_t i = 0; i < n_tasks; i++)
    {
      const char *columns[] = { "running_ns", "ready_ns", "waiting_ns",
                                "steps" };
      int64_t reader[] = { tasks[i].running_ns, tasks[i].ready_ns,
                           tasks[i].waiting_ns, tasks[i].n_steps };
      for (size_t c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          char *q = g_strdup_printf ("SELECT %s FROM task_summary"
                                     " WHERE task = %" G_GUINT64_FORMAT,
                                     columns[c], tasks[i].id);
          g_test_message ("%s: %s %" G_GINT64_FORMAT, tasks[i].name,
                          columns[c], reader[c]);
          g_assert_cmpint (query_int_at (path, q), ==, reader[c]);
          g_free (q);
        }
    }
  size_t ready_io = 0;
  for (size_t i = 0; i < n_slices; i++)
    ready_io += slices[i].state == BRAID_STATE_READY
                && slices[i].wait_reason == BRAID_WAIT_IO;
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM slices"
                                       " WHERE state = 'ready'"
                                       " AND reason = 'io'"),
                   ==, (int64_t)ready_io);
  size_t wakes = 0;
  for (size_t i = 0; i < n_edges; i++)
    wakes += edges[i].kind == BRAID_EDGE_WAKE;
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM wake_edges"),
                   ==, (int64_t)wakes);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/implied-wakes/io-completions-record-no-wake-up",
                   test_io_completions_record_no_wake_up);
  g_test_add_func ("/tracer/implied-wakes/views-and-reader-agree",
                   test_views_and_reader_derive_the_same_wake_ups);
  return g_test_run ();
}
