/* test-lossless.c: recording loses nothing. Several threads (several
 * loops) record at once into rings far too small for the writer to keep
 * up: every event is stored once, in each thread's order (a direct switch
 * as the events it stands for), and each time a thread had to wait for
 * the writer the wait itself is in the trace as an observer-wait event.
 * And the hook, called while no session records, records nothing. */
#include <sqlite3.h>

#include <braid/braid.h>
#include "trace-test-util.h"

#define PER_THREAD 40000
#define THREADS 3

/* After every fourth output line a thread also records a direct switch
 * of its task to itself, every other one with an iteration folded in:
 * records that take two or three seqs each. */
static bool
switch_after (uint64_t i)
{
  return i % 4 == 0;
}

static int32_t
switch_iteration_ready (uint64_t i)
{
  return i % 8 == 0 ? 1 : 0;
}

static gpointer
record_thread (gpointer data)
{
  uint64_t base = GPOINTER_TO_SIZE (data) * 1000000;
  feed (BRAID_EV_TASK_CREATED, 1, base, 0, 0, 0, 0, 1, "t", "f", "x.c");
  for (uint64_t i = 1; i < PER_THREAD; i++)
    {
      feed (BRAID_EV_OUTPUT, 1 + i, base, 0, 0, 0, (int64_t) i, 1, "x", NULL,
            NULL);
      if (switch_after (i))
        feed (BRAID_EV_TASK_SWITCHED, 1 + i, base, base, 7, BRAID_WAIT_YIELD,
              (int64_t) i, switch_iteration_ready (i), NULL, NULL, NULL);
    }
  return NULL;
}


static void
test_full_rings_make_threads_wait_and_say_so (void)
{
  char *path = test_trace_path ("lossless.db");
  /* 64 records per ring: the writer is always behind. */
  g_assert_cmpint (braid__trace_begin (path, 0, 64), ==, 0);
  GThread *threads[THREADS];
  for (size_t i = 0; i < THREADS; i++)
    threads[i] = g_thread_new ("recorder", record_thread,
                               GSIZE_TO_POINTER (i + 1));
  for (size_t i = 0; i < THREADS; i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (braid_trace_stop (), ==, 0);

  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  int64_t waits
      = query_int (db, "SELECT count(*) FROM events WHERE kind = 23");
  g_test_message ("%lld observer waits", (long long) waits);
  int64_t switches = 0, iterations = 0;
  for (uint64_t i = 1; i < PER_THREAD; i++)
    if (switch_after (i))
      {
        switches++;
        iterations += switch_iteration_ready (i);
      }
  /* Each switch is stored as the plain events it stands for. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM events"
                                  " WHERE kind <> 23"),
                   ==, THREADS * (PER_THREAD + 2 * switches + iterations));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM events"
                                  " WHERE kind = 7"),
                   ==, THREADS * switches);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM events WHERE kind = 3"
                              " AND object = 7 AND other = 1"),
                   ==, THREADS * iterations);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM events"
                                  " WHERE kind = 24"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT value FROM meta"
                              " WHERE key = 'observer_waits'"),
                   ==, waits);
  g_assert_cmpint (waits, >, 0);
  g_assert_cmpint (query_int (db, "SELECT min(value) FROM events"
                              " WHERE kind = 23"),
                   >, 0);
  /* Each thread's events are in its own order: value grows with seq. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM (SELECT value,"
                              " LAG (value) OVER (PARTITION BY task"
                              " ORDER BY seq) AS prev FROM events"
                              " WHERE kind = 19) WHERE value <> prev + 1"),
                   ==, 0);
  /* Sequence numbers are unique and dense. */
  g_assert_cmpint (query_int (db, "SELECT max(seq) - min(seq) + 1 - count(*)"
                              " FROM events"),
                   ==, 0);
  sqlite3_close (db);

  braid_trace *trace = open_or_fail (path);
  size_t n;
  braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (n, ==, THREADS);
  const braid_trace_mark *m = braid_trace_get_marks (trace, &n);
  size_t observer = 0;
  for (size_t i = 0; i < n; i++)
    observer += m[i].kind == BRAID_MARK_OBSERVER_WAIT;
  g_assert_cmpuint (observer, ==, (size_t) waits);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_a_second_session_starts_clean (void)
{
  for (int round = 0; round < 3; round++)
    {
      char *path = test_trace_path ("again.db");
      g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
      g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, BRAID_EBUSY);
      feed (BRAID_EV_TASK_CREATED, 5, 1, 0, 0, 0, 0, 1, "t", "f", "x.c");
      g_assert_cmpint (braid_trace_stop (), ==, 0);
      braid_trace *trace = open_or_fail (path);
      g_assert_cmpuint (braid_trace_get_meta (trace)->n_events, ==, 1);
      braid_trace_close (trace);
      remove_trace (path);
      g_free (path);
    }
}

/* Feeds an event without strings (one the hook's fast path may take)
 * from the thread it runs on, a thread that has never recorded. */
static gpointer
feed_from_new_thread (gpointer data)
{
  feed (BRAID_EV_TASK_RESUMED, 9, GPOINTER_TO_SIZE (data), 0, 0, 0, 0, 0,
        NULL, NULL, NULL);
  return NULL;
}

static void
feed_once_from_new_thread (uint64_t task)
{
  g_thread_join (g_thread_new ("late", feed_from_new_thread,
                               GSIZE_TO_POINTER (task)));
}

/* The hook may be called while no session records: before the first one
 * or after one stopped, from a thread that never recorded. It records
 * nothing, and nothing of it shows up in the next session. */
static void
test_no_session_records_nothing (void)
{
  feed_once_from_new_thread (1);
  char *path = test_trace_path ("inactive.db");
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  feed (BRAID_EV_TASK_CREATED, 5, 2, 0, 0, 0, 0, 1, "t", "f", "x.c");
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  feed_once_from_new_thread (3);
  feed (BRAID_EV_TASK_CREATED, 6, 4, 0, 0, 0, 0, 1, "t", "f", "x.c");
  braid_trace *trace = open_or_fail (path);
  g_assert_cmpuint (braid_trace_get_meta (trace)->n_events, ==, 1);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);

  path = test_trace_path ("after.db");
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  feed (BRAID_EV_TASK_CREATED, 7, 5, 0, 0, 0, 0, 1, "t", "f", "x.c");
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  feed_once_from_new_thread (6);
  trace = open_or_fail (path);
  g_assert_cmpuint (braid_trace_get_meta (trace)->n_events, ==, 1);
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (tasks[0].id, ==, 5);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* First: it needs a process where no session has run yet. */
  g_test_add_func ("/tracer/lossless/no-session-records-nothing",
                   test_no_session_records_nothing);
  g_test_add_func ("/tracer/lossless/full-rings-make-threads-wait-and-say-so",
                   test_full_rings_make_threads_wait_and_say_so);
  g_test_add_func ("/tracer/lossless/a-second-session-starts-clean",
                   test_a_second_session_starts_clean);
  return g_test_run ();
}
