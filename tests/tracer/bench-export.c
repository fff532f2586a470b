/* bench-export.c: `braid export` of a 1M-event trace, in both formats.
 *
 * Records a synthetic ping-pong (recording-util.h) of N events (1M by
 * default), finalizes it, then runs `braid export` (BRAID_EXE) on it once
 * per format and prints, per format:
 *
 *   bench export-<format>-s@<N>M VALUE s
 *   bench export-<format>-mb@<N>M VALUE MB          (the file's size)
 *   bench export-<format>-peak-rss-mb@<N>M VALUE MB
 *
 * The perfetto export streams from the reader's model, so its peak should
 * be the model's (braid report's), whatever it writes.
 * Usage: bench-tracer-export [EVENTS].
 */
#include <sys/stat.h>

#include "recording-util.h"

int
main (int argc, char **argv)
{
  uint64_t n = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 1000000;
  const char *braid = g_getenv ("BRAID_EXE");
  if (braid == NULL)
    {
      fprintf (stderr, "bench-export: BRAID_EXE is not set\n");
      return 1;
    }
  char *path = test_trace_path ("export.db");
  if (record_and_die (path, ping_pong_scenario, &n) != 0
      || repair_quietly (path, n / 2) != 0)
    {
      fprintf (stderr, "bench-export: the recording failed\n");
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
        }
      unlink (out);
      g_free (out);
    }
  remove_trace (path);
  g_free (path);
  return failed;
}
