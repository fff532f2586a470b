/* bench-export.c: `braid export` of 1M- and 4M-event traces, in both
 * formats.
 *
 * For each size N (1M and 4M events by default), records a synthetic
 * ping-pong (recording-util.h) of N events, finalizes it, then runs
 * `braid export` (BRAID_EXE) on it once per format and prints, per
 * format:
 *
 *   bench export-<format>-s@<N>M VALUE s
 *   bench export-<format>-mb@<N>M VALUE MB          (the file's size)
 *   bench export-<format>-peak-rss-mb@<N>M VALUE MB
 *
 * Two sizes show whether the peak grows with the number of events: both
 * formats stream the trace (export-stream.c), so it should not; when
 * they wrote from the reader's whole model it was about 44 bytes an
 * event (55 MB at 1M, 184 MB at 4M, 441 MB at 10M).
 * Usage: bench-tracer-export [EVENTS...], e.g. 10000000 by hand.
 */
#include <sys/stat.h>

#include "export-measure.h"

/* Records a trace of @n events and exports it with @braid in each
 * format, printing the bench lines. Returns 0, or 1 on a failure. */
static int
bench_size (const char *braid, uint64_t n)
{
  char *path = test_trace_path ("export.db");
  if (record_and_die (path, ping_pong_scenario, &n) != 0
      || repair_in_child (path, n / 2) != 0)
    {
      fprintf (stderr, "bench-export: the recording failed\n");
      remove_trace (path);
      g_free (path);
      return 1;
    }
  static const char *const formats[] = { "chrome", "perfetto" };
  int failed = 0;
  for (size_t i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      char *out = g_strdup_printf ("%s.%s", path, formats[i]);
      char *args[] = { (char *) braid, "export", "--format",
                       (char *) formats[i], "-o", out, path, NULL };
      long maxrss_kb = 0;
      double t0 = now_s ();
      int rc = run_measured (args, &maxrss_kb);
      double t1 = now_s ();
      struct stat st;
      if (rc != 0 || stat (out, &st) != 0)
        {
          fprintf (stderr, "bench-export: braid export --format %s failed\n",
                   formats[i]);
          failed = 1;
        }
      else
        {
          double m = (double) n / 1e6;
          printf ("bench export-%s-s@%gM %.3f s\n", formats[i], m, t1 - t0);
          printf ("bench export-%s-mb@%gM %.1f MB\n", formats[i], m,
                  (double) st.st_size / 1e6);
          printf ("bench export-%s-peak-rss-mb@%gM %.1f MB\n", formats[i], m,
                  (double) maxrss_kb / 1024.0);
          fflush (stdout);
        }
      unlink (out);
      g_free (out);
    }
  remove_trace (path);
  g_free (path);
  return failed;
}

int
main (int argc, char **argv)
{
  const char *braid = g_getenv ("BRAID_EXE");
  if (braid == NULL)
    {
      fprintf (stderr, "bench-export: BRAID_EXE is not set\n");
      return 1;
    }
  static const uint64_t sizes[] = { 1000000, 4000000 };
  int failed = 0;
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      failed |= bench_size (braid, g_ascii_strtoull (argv[i], NULL, 10));
  else
    for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
      failed |= bench_size (braid, sizes[i]);
  return failed;
}
