/* test-packed-copy.c: the packed copy of a finalized file's events.
 *
 * Finalization keeps the batches it expanded into rows as events_packed
 * (finalize.c), and the reader decodes that copy instead of stepping
 * through the rows (reader.c). These tests check that the copy holds
 * every event and that reading it gives what reading the rows gives:
 * `braid report`, `problems` and `export` print the same bytes for a
 * file and for its copy without events_packed, for a recording of two
 * threads too (the merge numbers their events as finalization did).
 * They also check the cases where the rows alone are read (a file whose
 * rows were added to, a copy whose count differs), that a malformed copy
 * is one line of error, and that `braid repair` of a finalized file
 * keeps the copy.
 */
#include <pthread.h>

#include <braid/braid.h>

#include "trace-test-util.h"

#define T0 1000000

/* Tasks that yield, wait, wake each other, write, fail unretrieved, hold
 * the loop, deadlock and are destroyed pending: every table of the
 * model gets rows. */
static void
feed_mixed (uint64_t base, int64_t t0)
{
  feed (BRAID_EV_LOOP_CREATED, t0, 0, 0, base + 90, 0, 0, 0, "loop", 0, 0);
  feed (BRAID_EV_TASK_CREATED, t0, base + 1, 0, 0, 0, 0, 3, "main", "m",
        "p.c");
  feed (BRAID_EV_OBJECT_CREATED, t0, 0, base + 1, base + 50, BRAID_OBJ_LOCK,
        0, 0, "lk", 0, 0);
  for (int i = 0; i < 40; i++)
    {
      int64_t t = t0 + 10 + 10 * i;
      feed (BRAID_EV_ITERATION_BEGIN, t, 0, 0, base + 90, 0, i + 1, 0, 0, 0,
            0);
      feed (BRAID_EV_TASK_RESUMED, t + 1, base + 1, 0, 0, 0, 0, 0, 0, 0, 0);
      if (i % 7 == 0)
        feed (BRAID_EV_OUTPUT, t + 2, base + 1, 0, 0, 0, 0, 1, "line", 0, 0);
      feed (BRAID_EV_TASK_SUSPENDED, t + 3, base + 1, 0, 0, BRAID_WAIT_YIELD,
            0, 0, 0, 0, 0);
      feed (BRAID_EV_TASK_WOKEN, t + 3, base + 1, base + 1, 0,
            BRAID_WAIT_YIELD, 0, 0, 0, 0, 0);
    }
  int64_t t = t0 + 1000;
  feed (BRAID_EV_TASK_RESUMED, t, base + 1, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_CREATED, t + 1, base + 2, base + 1, 0, 0, 0, 12,
        "lost", "f", "p.c");
  feed (BRAID_EV_TASK_CREATED, t + 2, base + 3, base + 1, 0, 0, 0, 13,
        "stuck", "g", "p.c");
  feed (BRAID_EV_TASK_SUSPENDED, t + 3, base + 1, 0, base + 50,
        BRAID_WAIT_LOCK, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, t + 4, base + 2, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_SLOW_STEP, t + 200000004, base + 2, 0, 0, 0, 200000000, 0,
        0, 0, 0);
  feed (BRAID_EV_TASK_FAILED, t + 200000004, base + 2, 0, 0, 0, 0, 20,
        "OSError", "gone", "p.c");
  feed (BRAID_EV_TASK_RESUMED, t + 200000005, base + 3, 0, 0, 0, 0, 0, 0, 0,
        0);
  feed (BRAID_EV_TASK_SUSPENDED, t + 200000006, base + 3, 0, base + 50,
        BRAID_WAIT_LOCK, 0, 0, 0, 0, 0);
  feed (BRAID_EV_DEADLOCK, t + 200000007, 0, 0, 0, 0, 2, 0, 0, 0, 0);
  feed (BRAID_EV_DEADLOCK_TASK, t + 200000007, base + 1, 0, base + 50,
        BRAID_WAIT_LOCK, 0, 0, 0, 0, 0);
  feed (BRAID_EV_DEADLOCK_TASK, t + 200000007, base + 3, 0, base + 50,
        BRAID_WAIT_LOCK, 0, 0, 0, 0, 0);
  feed (BRAID_EV_ERROR_NEVER_RETRIEVED, t + 200000008, base + 2, 0,
        base + 2, 0, 0, 20, "OSError", "gone", "p.c");
  feed (BRAID_EV_TASK_DESTROYED_PENDING, t + 200000009, base + 3, 0, 0, 0, 0,
        0, 0, 0, 0);
}

static void
mixed (void)
{
  feed_mixed (0, T0);
}

static void *
second_thread (void *data)
{
  feed_mixed (1000, T0 + 5);
  return data;
}

/* The same load from this thread and another at once: two producers. */
static void
mixed_two_threads (void)
{
  pthread_t th;
  g_assert_cmpint (pthread_create (&th, NULL, second_thread, NULL), ==, 0);
  feed_mixed (0, T0);
  g_assert_cmpint (pthread_join (th, NULL), ==, 0);
}

/* A copy of the trace at @path named trace.db in a new folder. */
static char *
copy_trace (const char *path)
{
  char *copy = test_trace_path ("trace.db");
  char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, (gssize) len, NULL));
  g_free (bytes);
  return copy;
}

/* What `braid ARGS... trace.db` prints, run in @path's folder so that
 * the file's name is the same for every copy. */
static char *
braid_output (const char *path, const char *cmd, const char *arg)
{
  char *dir = g_path_get_dirname (path);
  const char *args[] = { cmd, "trace.db", arg, NULL };
  char *out = NULL;
  int rc = spawn_braid_in (dir, args, &out, NULL);
  g_assert_cmpint (rc, <=, 1); /* problems exits 1: there are some */
  g_free (dir);
  return out;
}

/* report, problems and the Chrome export of @a and @b are the same. */
static void
assert_same_reading (const char *a, const char *b)
{
  static const char *const cmds[][2] = {
    { "report", NULL }, { "problems", NULL }, { "export", NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      char *x = braid_output (a, cmds[i][0], cmds[i][1]);
      char *y = braid_output (b, cmds[i][0], cmds[i][1]);
      g_assert_cmpuint (strlen (x), >, 0);
      g_assert_cmpstr (x, ==, y);
      g_free (x);
      g_free (y);
    }
}

/* Records @scenario, checks the copy, and compares the reading of the
 * file with that of its rows alone. */
static void
check_scenario (void (*scenario) (void))
{
  char *path = record (scenario);
  char *file = copy_trace (path);
  int64_t rows = query_int_at (file, "SELECT count(*) FROM events");
  g_assert_cmpint (rows, >, 100);
  g_assert_cmpint (query_int_at (file, "SELECT sum (n) FROM events_packed"),
                   ==, rows);
  g_assert_cmpint (query_int_at (file, "SELECT count(*) FROM batches"), ==,
                   0);
  braid_trace *trace = open_or_fail (file);
  g_assert_cmpuint (braid_trace_get_meta (trace)->n_events, ==,
                    (uint64_t) rows);
  braid_trace_close (trace);

  char *rows_only = copy_trace (file);
  exec_at (rows_only, "DROP TABLE events_packed");
  assert_same_reading (file, rows_only);
  remove_trace (rows_only);
  g_free (rows_only);
  remove_trace (file);
  g_free (file);
  remove_trace (path);
  g_free (path);
}

static void
test_the_copy_reads_as_the_rows (void)
{
  check_scenario (mixed);
}

static void
test_the_copy_of_two_threads_reads_as_the_rows (void)
{
  check_scenario (mixed_two_threads);
}

/* A copy that does not count the rows (rows deleted, or added by hand)
 * is not read: the reader falls back to the rows. */
static void
test_a_copy_that_disagrees_with_the_rows_is_not_read (void)
{
  char *path = record (mixed);
  int64_t rows = query_int_at (path, "SELECT count(*) FROM events");
  exec_at (path, "DELETE FROM events WHERE seq = (SELECT max(seq) FROM"
                 " events)");
  braid_trace *trace = open_or_fail (path);
  g_assert_cmpuint (braid_trace_get_meta (trace)->n_events, ==,
                    (uint64_t) rows - 1);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

/* A malformed copy fails the load with one line, as a malformed batch
 * does; it never crashes the reader. */
static void
test_a_malformed_copy_is_rejected (void)
{
  char *path = record (mixed);
  exec_at (path, "UPDATE events_packed SET data = zeroblob (length (data))"
                 " WHERE id = (SELECT min(id) FROM events_packed)");
  braid_trace *trace = NULL;
  char *error = NULL;
  g_assert_cmpint (braid_trace_open (path, NULL, &trace, &error), ==,
                   BRAID_EINVAL);
  g_assert_null (trace);
  g_assert_nonnull (strstr (error, "malformed"));
  g_assert_null (strchr (error, '\n'));
  free (error);
  remove_trace (path);
  g_free (path);
}

/* braid repair of a finalized file adds nothing: the copy stays. */
static void
test_repair_of_a_finalized_file_keeps_the_copy (void)
{
  char *path = record (mixed);
  int64_t packed = query_int_at (path, "SELECT sum (n) FROM events_packed");
  const char *args[] = { "repair", path, NULL };
  g_assert_cmpint (spawn_braid (args, NULL, NULL), ==, 0);
  g_assert_cmpint (query_int_at (path, "SELECT sum (n) FROM events_packed"),
                   ==, packed);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"), ==,
                   packed);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/packed-copy/reads-as-the-rows",
                   test_the_copy_reads_as_the_rows);
  g_test_add_func ("/tracer/packed-copy/two-threads-read-as-the-rows",
                   test_the_copy_of_two_threads_reads_as_the_rows);
  g_test_add_func ("/tracer/packed-copy/disagreeing-copy-is-not-read",
                   test_a_copy_that_disagrees_with_the_rows_is_not_read);
  g_test_add_func ("/tracer/packed-copy/malformed-copy-is-rejected",
                   test_a_malformed_copy_is_rejected);
  g_test_add_func ("/tracer/packed-copy/repair-keeps-the-copy",
                   test_repair_of_a_finalized_file_keeps_the_copy);
  return g_test_run ();
}
