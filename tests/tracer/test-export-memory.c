/* test-export-memory.c: `braid export` streams, in memory that does not
 * grow with the length of the trace.
 *
 * Records a synthetic trace of EXPORT_MEMORY_EVENTS events (3M by default)
 * in which every step makes an edge: a main task and a pool of workers
 * that wake each other in turn, with loop iterations, output lines
 * (marks with text) and yields. The recording is killed before its end
 * and repaired, as a crashed program's would be. Then `braid export` runs
 * on it in each format, writing to /dev/null, and the peak resident
 * memory of that process (getrusage of the child) must stay below
 * MAX_RSS_MB: the reader's whole model of this trace alone is over 120
 * MB (about 43 bytes an event), so a writer that loaded it fails here,
 * while the streaming writers need a few tens of MB whatever the length.
 * The exports must also succeed and, for Perfetto, hold every flow: the
 * output of a smaller trace of the same scenario is checked for its flow
 * ids in the test export (check-export.py does the semantic checks on
 * real programs).
 */
#include "export-measure.h"

/* The bound: well below the whole model of 3M events (about 130 MB), well
 * above what streaming takes (a cursor per task, an 8 MiB page cache for
 * the flows' store, the process's libraries). */
#define MAX_RSS_MB 80

enum
{
  N_WORKERS = 64,
};

/* Feeds about @n events: main (task 1) creates N_WORKERS workers, then
 * round after round wakes one worker and waits for it, and the worker
 * runs a step and wakes main back: two wake edges a round, an iteration
 * a round, an output line every 16 rounds and a yield every 8. Returns
 * the number fed. */
static uint64_t
feed_wake_rounds (uint64_t n)
{
  uint64_t t = 1000, fed = 0;
  feed (BRAID_EV_LOOP_CREATED, t, 0, 0, 1, 0, 0, 0, "export", NULL, NULL);
  feed (BRAID_EV_TASK_CREATED, t, 1, 0, 1, 0, 0, 10, "main", "main_fn",
        "export.c");
  feed (BRAID_EV_TASK_RESUMED, t, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  fed += 3;
  char name[32];
  for (uint64_t w = 0; w < N_WORKERS; w++)
    {
      snprintf (name, sizeof name, "worker %llu", (unsigned long long) w);
      feed (BRAID_EV_TASK_CREATED, t, 2 + w, 1, 1, 0, 0, 20, name,
            "worker_fn", "export.c");
      fed++;
    }
  feed (BRAID_EV_TASK_SUSPENDED, t, 1, 0, 0, BRAID_WAIT_YIELD, 0, 0, NULL,
        NULL, NULL);
  fed++;
  /* Every worker runs once and waits on its event. */
  for (uint64_t w = 0; w < N_WORKERS; w++)
    {
      t += 100;
      feed (BRAID_EV_TASK_RESUMED, t, 2 + w, 0, 0, 0, 0, 0, NULL, NULL,
            NULL);
      feed (BRAID_EV_TASK_SUSPENDED, t + 10, 2 + w, 0, 100 + w,
            BRAID_WAIT_EVENT, 0, 0, NULL, NULL, NULL);
      fed += 2;
    }
  char line[64];
  for (uint64_t round = 0; fed < n; round++)
    {
      uint64_t w = 2 + round % N_WORKERS;
      t += 100;
      feed (BRAID_EV_ITERATION_BEGIN, t, 0, 0, 1, 0, (int64_t) round + 1, 0,
            NULL, NULL, NULL);
      feed (BRAID_EV_TASK_RESUMED, t, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL);
      if (round % 16 == 0)
        {
          snprintf (line, sizeof line, "round %llu",
                    (unsigned long long) (round % 512));
          feed (BRAID_EV_OUTPUT, t + 5, 1, 0, 0, 0, 0, 1, line, NULL, NULL);
          fed++;
        }
      feed (BRAID_EV_TASK_WOKEN, t + 10, w, 1, 100 + w, BRAID_WAIT_EVENT, 0,
            0, NULL, NULL, NULL);
      feed (BRAID_EV_TASK_SUSPENDED, t + 20, 1, 0, w, BRAID_WAIT_TASK, 0, 0,
            NULL, NULL, NULL);
      feed (BRAID_EV_TASK_RESUMED, t + 30, w, 0, 0, 0, 0, 0, NULL, NULL,
            NULL);
      if (round % 8 == 0)
        {
          feed (BRAID_EV_TASK_SUSPENDED, t + 35, w, 0, 0, BRAID_WAIT_YIELD, 0,
                0, NULL, NULL, NULL);
          feed (BRAID_EV_TASK_WOKEN, t + 35, w, w, 0, BRAID_WAIT_YIELD, 0, 0,
                NULL, NULL, NULL);
          feed (BRAID_EV_TASK_RESUMED, t + 36, w, 0, 0, 0, 0, 0, NULL, NULL,
                NULL);
          fed += 3;
        }
      feed (BRAID_EV_TASK_WOKEN, t + 40, 1, w, w, BRAID_WAIT_TASK, 0, 0,
            NULL, NULL, NULL);
      feed (BRAID_EV_TASK_SUSPENDED, t + 50, w, 0, 100 + w, BRAID_WAIT_EVENT,
            0, 0, NULL, NULL, NULL);
      fed += 7;
    }
  return fed;
}

static uint64_t
wake_rounds_scenario (void *data)
{
  return feed_wake_rounds (*(const uint64_t *) data);
}

/* Records the scenario of @n events into a new killed-then-repaired
 * trace; returns its path (g_free, remove_trace). */
static char *
record_trace (uint64_t n)
{
  char *path = test_trace_path ("export-memory.db");
  g_assert_cmpint (record_and_die (path, wake_rounds_scenario, &n), ==, 0);
  g_assert_cmpint (repair_in_child (path, n / 2), ==, 0);
  return path;
}

/* Exports @path in @format to @out; returns the peak RSS in MB of the
 * braid process, and asserts it succeeded. */
static double
export_rss_mb (const char *path, const char *format, const char *out)
{
  const char *braid = g_getenv ("BRAID_EXE");
  g_assert_nonnull (braid);
  char *args[] = { (char *) braid, "export", "--format", (char *) format,
                   "-o", (char *) out, (char *) path, NULL };
  long maxrss_kb = 0;
  g_assert_cmpint (run_measured (args, &maxrss_kb), ==, 0);
  return (double) maxrss_kb / 1024.0;
}

static void
test_export_memory_is_bounded (void)
{
  uint64_t n = 3000000;
  const char *env = g_getenv ("EXPORT_MEMORY_EVENTS");
  if (env != NULL)
    n = g_ascii_strtoull (env, NULL, 10);
  char *path = record_trace (n);
  static const char *const formats[] = { "perfetto", "chrome" };
  for (size_t i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      double mb = export_rss_mb (path, formats[i], "/dev/null");
      g_test_message ("%s export of %llu events: peak RSS %.1f MB",
                      formats[i], (unsigned long long) n, mb);
      g_assert_cmpfloat (mb, <, MAX_RSS_MB);
    }
  remove_trace (path);
  g_free (path);
}

/* The flows of the scenario, on a small trace: as many flow events in the
 * Chrome JSON as the scenario makes wake edges (two a round) and spawns,
 * each id once as a start and once as an end. */
static void
test_export_flows_of_the_scenario (void)
{
  uint64_t n = 20000;
  char *path = record_trace (n);
  char *json = g_strconcat (path, ".json", NULL);
  export_rss_mb (path, "chrome", json);
  char *text = NULL;
  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  size_t starts = 0, ends = 0;
  for (const char *p = text; (p = strstr (p, "{\"ph\":\"s\",")) != NULL; p++)
    starts++;
  for (const char *p = text; (p = strstr (p, "{\"ph\":\"f\",")) != NULL; p++)
    ends++;
  braid_trace *trace = NULL;
  g_assert_cmpint (braid_trace_open (path, NULL, &trace, NULL), ==, 0);
  size_t n_edges;
  braid_trace_get_edges (trace, &n_edges);
  g_assert_cmpuint (n_edges, >, n / 5);
  g_assert_cmpuint (starts, ==, n_edges);
  g_assert_cmpuint (ends, ==, n_edges);
  braid_trace_close (trace);
  g_free (text);
  g_unlink (json);
  g_free (json);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/export-memory/flows-of-the-scenario",
                   test_export_flows_of_the_scenario);
  g_test_add_func ("/tracer/export-memory/peak-rss-is-bounded",
                   test_export_memory_is_bounded);
  return g_test_run ();
}
