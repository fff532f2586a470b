/* bench-big-trace.c: a big trace, from its recording to its first frame.
 *
 * Records one synthetic ping-pong (recording-util.h: two tasks, a yield
 * per step, an output line every 16 steps) of N events through the
 * recorder in a child process that dies without its clean end, as a
 * killed program does, then measures, each in a process of its own
 * (timed by the parent, peak resident memory from wait4):
 *
 *   finalization, `braid repair` (this executable run with --repair):
 *     bench finalize-s-per-million@<N> VALUE s
 *     bench finalize-cpu-s-per-million@<N> VALUE s
 *     bench finalize-peak-rss-mb@<N> VALUE MB
 *   `braid problems` on the finalized file ($BRAID_EXE):
 *     bench big-trace-problems-s@<N> VALUE s
 *   the viewer's model to its first frame: braid-render ($BRAID_RENDER,
 *   skipped when the viewer is not built), which loads the trace in the
 *   viewer's compact mode, builds the timeline model and draws one
 *   frame, as the app does when it opens a file:
 *     bench big-trace-open-s@<N> VALUE s
 *     bench big-trace-open-cpu-s@<N> VALUE s  (every thread's)
 *     bench big-trace-rss-ratio@<N> VALUE x   (peak resident / file size)
 *
 * The times grow with N; each is also printed scaled linearly to 100
 * million events, in a line that says so (an estimate, not a bench
 * line). Figures only: a benchmark never fails on time. Usage:
 * bench-tracer-big-trace [EVENTS] (default 10000000); the file, about
 * 25 bytes per event, goes to a temporary folder and is removed.
 * bench-tracer-big-trace --record EVENTS PATH only records, leaving the
 * unfinalized file at PATH (for `braid repair` and the rest by hand).
 */
#include "recording-util.h"

#include <sys/stat.h>

/* The CPU time (user and system) of the last process timed() ran: on a
 * machine shared with other work the wall time grows with the load, the
 * CPU time much less, so both are printed. */
static double last_cpu_s;

/* Runs @argv as run_measured_cpu does; stores the wall time in
 * *seconds. Returns its exit status. */
static int
timed (char *const *argv, double *seconds, long *maxrss_kb)
{
  double t0 = now_s ();
  int rc = run_measured_cpu (argv, maxrss_kb, &last_cpu_s);
  *seconds = now_s () - t0;
  return rc;
}

/* "10M", "1.5M", "100k": the size as a bench name's suffix. */
static void
size_label (uint64_t n, char *out, size_t size)
{
  if (n >= 1000000 && n % 1000000 == 0)
    snprintf (out, size, "%lluM", (unsigned long long) (n / 1000000));
  else if (n >= 1000000)
    snprintf (out, size, "%.1fM", (double) n / 1e6);
  else
    snprintf (out, size, "%lluk", (unsigned long long) (n / 1000));
}

static void
print_scaled (const char *name, double seconds, uint64_t events)
{
  printf ("  %s scaled to 100M events: %.1f s\n", name,
          seconds * 1e8 / (double) events);
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--repair") == 0)
    return repair_quietly (argv[2], 0);
  /* --record N PATH: only the recording, kept unfinalized at PATH, for
   * measuring a big trace by hand. */
  if (argc == 4 && strcmp (argv[1], "--record") == 0)
    {
      uint64_t events = strtoull (argv[2], NULL, 10);
      return record_and_die (argv[3], ping_pong_scenario, &events) == 0 ? 0
                                                                        : 1;
    }
  char self[4096];
  ssize_t len = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0)
    return 1;
  self[len] = '\0';
  uint64_t n = argc > 1 ? strtoull (argv[1], NULL, 10) : 10000000;
  if (n < 1000)
    {
      fprintf (stderr, "bench-big-trace: at least 1000 events\n");
      return 1;
    }
  const char *braid = getenv ("BRAID_EXE");
  const char *render = getenv ("BRAID_RENDER");
  char label[32];
  size_label (n, label, sizeof label);

  char *path = test_trace_path ("big.db");
  double t0 = now_s ();
  if (record_and_die (path, ping_pong_scenario, &n) != 0)
    {
      fprintf (stderr, "bench-big-trace: the recording failed\n");
      return 1;
    }
  uint64_t stored = (uint64_t) query_int_at (
    path, "SELECT COALESCE (sum (n), 0) FROM batches");
  printf ("%llu events recorded in %.1f s\n", (unsigned long long) stored,
          now_s () - t0);

  int failed = 0;
  double s;
  long kb = 0;
  char *repair_argv[] = { self, "--repair", path, NULL };
  if (timed (repair_argv, &s, &kb) != 0
      || (uint64_t) query_int_at (path, "SELECT count(*) FROM events")
           != stored)
    {
      fprintf (stderr, "bench-big-trace: the repair failed\n");
      failed = 1;
      goto out;
    }
  struct stat st;
  if (stat (path, &st) != 0)
    {
      failed = 1;
      goto out;
    }
  printf ("finalized in %.2f s (%.2f s of CPU), peak %ld KiB, file %.1f MB\n",
          s, last_cpu_s, kb, (double) st.st_size / 1e6);
  printf ("bench finalize-s-per-million@%s %.3f s\n", label,
          s / ((double) stored / 1e6));
  printf ("bench finalize-cpu-s-per-million@%s %.3f s\n", label,
          last_cpu_s / ((double) stored / 1e6));
  printf ("bench finalize-peak-rss-mb@%s %.1f MB\n", label,
          (double) kb * 1024 / 1e6);
  print_scaled ("finalization", s, stored);
  fflush (stdout);

  if (braid != NULL)
    {
      /* The output goes to /dev/null: the child inherits stdout. */
      char *problems_argv[]
        = { "/bin/sh", "-c", "exec \"$0\" problems \"$1\" >/dev/null",
            (char *) braid, path, NULL };
      int rc = timed (problems_argv, &s, &kb);
      /* 1 says there are problems (this trace is incomplete). */
      if (rc != 0 && rc != 1)
        {
          fprintf (stderr, "bench-big-trace: braid problems failed (%d)\n",
                   rc);
          failed = 1;
        }
      else
        {
          printf ("braid problems: %.2f s (%.2f s of CPU), peak %ld KiB\n",
                  s, last_cpu_s, kb);
          printf ("bench big-trace-problems-s@%s %.2f s\n", label, s);
          print_scaled ("braid problems", s, stored);
        }
      fflush (stdout);
    }
  else
    printf ("braid problems: skipped (no BRAID_EXE)\n");

  if (render != NULL)
    {
      char *png = g_strconcat (path, ".png", NULL);
      char *render_argv[] = { (char *) render, path, "-o", png,
                              "--width", "1600", "--height", "900", NULL };
      int rc = timed (render_argv, &s, &kb);
      g_remove (png);
      g_free (png);
      if (rc != 0)
        {
          fprintf (stderr, "bench-big-trace: braid-render failed (%d)\n",
                   rc);
          failed = 1;
        }
      else
        {
          double ratio = (double) kb * 1024 / (double) st.st_size;
          printf ("viewer model to first frame: %.2f s (%.2f s of CPU), "
                  "peak %ld KiB\n", s, last_cpu_s, kb);
          printf ("bench big-trace-open-s@%s %.2f s\n", label, s);
          printf ("bench big-trace-open-cpu-s@%s %.2f s\n", label,
                  last_cpu_s);
          printf ("bench big-trace-rss-ratio@%s %.2f x\n", label, ratio);
          print_scaled ("the first frame", s, stored);
        }
    }
  else
    printf ("viewer: skipped (no BRAID_RENDER: the viewer is not built)\n");

out:
  remove_trace (path);
  g_free (path);
  return failed;
}
