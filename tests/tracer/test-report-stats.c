/* test-report-stats.c: `braid report --stats` on traces with known
 * answers. The samples run under the virtual clock, where steps take no
 * time and a sleep of d seconds is a wait of exactly d: so every count,
 * total and percentile below follows from the sample's source.
 *
 * semaphore_bounded: ten operations through a semaphore of 3, operation
 * i sleeping 50 * (i + 1) ms. Sleeps: 50, 100, ..., 500 ms (total 2.75 s;
 * nearest-rank p50 is the 5th, 250 ms; p90 the 9th, 450 ms; p99 and max
 * the 10th, 500 ms). Operations 0-2 start at once and end at 50, 100 and
 * 150 ms; each end lets the next one in, so operations 3-9 wait on the
 * semaphore 50, 100, 150, 250, 350, 450 and 600 ms (total 1.95 s, p50
 * the 4th, 250 ms, p90 the 7th, 600 ms), and the last ends at 1.10 s,
 * which is how long main waits on its gather. Operation 9 runs three
 * steps (start, after the semaphore, after its sleep) and waits 600 +
 * 500 ms.
 */
#include <string.h>

#include "sample-trace-util.h"

/* @text with each run of spaces made one space, so rows compare without
 * their column padding. */
static char *
squeeze (const char *text)
{
  GString *s = g_string_new (NULL);
  for (const char *p = text; *p; p++)
    if (*p != ' ' || (s->len > 0 && s->str[s->len - 1] != ' '
                      && s->str[s->len - 1] != '\n'))
      g_string_append_c (s, *p);
  return g_string_free (s, FALSE);
}

/* Asserts that the squeezed report @out has the line @row. */
static void
assert_row (const char *out, const char *row)
{
  char *line = g_strconcat ("\n", row, "\n", NULL);
  if (!strstr (out, line))
    g_error ("no line '%s' in:\n%s", row, out);
  g_free (line);
}

static void
test_stats_of_a_bounded_semaphore (void)
{
  char *db = trace_sample ("semaphore_bounded");
  if (!db)
    {
      g_test_skip ("semaphore_bounded is not built");
      return;
    }
  const char *args[] = { "report", "--stats", db, NULL };
  char *raw = NULL;
  g_assert_cmpint (run_braid (args, &raw), ==, 0);
  char *out = squeeze (raw);
  g_assert_nonnull (strstr (out, "\nstatistics (durations; nearest-rank "
                                 "percentiles)\n"));
  assert_row (out, "count total p50 p90 p99 max");
  /* 29 steps: main's two, two for each of operations 0-2, three for
   * each of 3-9; all of them instants on the virtual clock. */
  assert_row (out, "step (running) 29 0 ns 0 ns 0 ns 0 ns 0 ns");
  assert_row (out, "wait: sleep 10 2.75 s 250.0 ms 450.0 ms 500.0 ms "
                   "500.0 ms");
  assert_row (out, "wait: semaphore 7 1.95 s 250.0 ms 600.0 ms 600.0 ms "
                   "600.0 ms");
  assert_row (out, "wait: gather 1 1.10 s 1.10 s 1.10 s 1.10 s 1.10 s");
  /* Per task: steps, running, ready, waiting, step percentiles. */
  assert_row (out, "task steps running ready waiting step p50 step p99 "
                   "step max");
  assert_row (out, "bounded_operation0 2 0 ns 0 ns 50.0 ms 0 ns 0 ns 0 ns");
  assert_row (out, "bounded_operation9 3 0 ns 0 ns 1.10 s 0 ns 0 ns 0 ns");
  /* Statistics replace the timeline. */
  g_assert_null (strstr (out, "timeline ("));
  g_free (out);
  g_free (raw);
  g_free (db);
}

static void
test_stats_of_one_sleep (void)
{
  char *db = trace_sample ("task1_task2");
  if (!db)
    {
      g_test_skip ("task1_task2 is not built");
      return;
    }
  const char *args[] = { "report", db, "--stats", NULL };
  char *raw = NULL;
  g_assert_cmpint (run_braid (args, &raw), ==, 0);
  char *out = squeeze (raw);
  /* task1 sleeps 1 s; main gathers both for that second. */
  assert_row (out, "wait: sleep 1 1.00 s 1.00 s 1.00 s 1.00 s 1.00 s");
  assert_row (out, "wait: gather 1 1.00 s 1.00 s 1.00 s 1.00 s 1.00 s");
  assert_row (out, "task1 2 0 ns 0 ns 1.00 s 0 ns 0 ns 0 ns");
  assert_row (out, "task2 1 0 ns 0 ns 0 ns 0 ns 0 ns 0 ns");
  g_free (out);
  g_free (raw);
  g_free (db);
}

static void
test_stats_of_a_bad_file_fails_clearly (void)
{
  char *bad = test_trace_path ("not-a-trace.db");
  g_assert_true (g_file_set_contents (bad, "hello\n", -1, NULL));
  const char *args[] = { "report", "--stats", bad, NULL };
  char *out = NULL;
  g_assert_cmpint (run_braid (args, &out), ==, 2);
  g_free (out);
  g_free (bad);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/report/stats-of-a-bounded-semaphore",
                   test_stats_of_a_bounded_semaphore);
  g_test_add_func ("/tracer/report/stats-of-one-sleep",
                   test_stats_of_one_sleep);
  g_test_add_func ("/tracer/report/stats-of-a-bad-file-fails-clearly",
                   test_stats_of_a_bad_file_fails_clearly);
  return g_test_run ();
}
