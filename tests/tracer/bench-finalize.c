/* bench-finalize.c: finalization's time and peak memory, at two lengths.
 *
 * For each length (1M and 4M events by default), a child process records
 * a synthetic ping-pong (recording-util.h) and dies without its clean end
 * once the writer has committed every batch, as a killed program does.
 * Then a fresh process (this executable, run again with --repair) runs
 * braid_trace_repair on the file, which checks it and finalizes it: the
 * batches become the events table. The parent times that process and
 * reads its peak resident memory from wait4. Prints, per length:
 *
 *   bench finalize-s-per-million@<N>M VALUE s
 *   bench finalize-cpu-s-per-million@<N>M VALUE s
 *   bench finalize-peak-rss-mb@<N>M VALUE MB
 *
 * The wall time is what a user waits; on a machine shared with other
 * work it grows with the load, the CPU time (user and system) much less,
 * so both are printed.
 *
 * Finalization streams the batches into the table a batch at a time, so
 * the peak should not grow with the length: the two peaks should be
 * close (it was about 83 bytes per event when every event was held).
 * Usage: bench-tracer-finalize [EVENTS...].
 */
#include "recording-util.h"

/* Records and finalizes @n events, and prints the two figures. Returns 0
 * or 1. */
static int
bench_length (const char *self, uint64_t n)
{
  char *path = test_trace_path ("finalize.db");
  if (record_and_die (path, ping_pong_scenario, &n) != 0)
    {
      fprintf (stderr, "bench-finalize: the recording failed\n");
      return 1;
    }
  uint64_t stored = (uint64_t) query_int_at (
    path, "SELECT COALESCE (sum (n), 0) FROM batches");
  char *argv[] = { (char *) self, "--repair", path, NULL };
  long maxrss_kb = 0;
  double cpu_s = 0;
  double t0 = now_s ();
  int rc = run_measured_cpu (argv, &maxrss_kb, &cpu_s);
  double t1 = now_s ();
  uint64_t rows
    = rc == 0 ? (uint64_t) query_int_at (path, "SELECT count(*) FROM events")
              : 0;
  remove_trace (path);
  g_free (path);
  if (rc != 0 || rows != stored)
    {
      fprintf (stderr, "bench-finalize: repair failed (%d, %llu of %llu "
               "events)\n", rc, (unsigned long long) rows,
               (unsigned long long) stored);
      return 1;
    }
  double millions = (double) stored / 1e6;
  unsigned label = (unsigned) (n / 1000000);
  printf ("%llu events finalized in %.2f s (%.2f s of CPU), peak %ld "
          "KiB\n", (unsigned long long) stored, t1 - t0, cpu_s, maxrss_kb);
  printf ("bench finalize-s-per-million@%uM %.3f s\n", label,
          (t1 - t0) / millions);
  printf ("bench finalize-cpu-s-per-million@%uM %.3f s\n", label,
          cpu_s / millions);
  printf ("bench finalize-peak-rss-mb@%uM %.1f MB\n", label,
          (double) maxrss_kb * 1024 / 1e6);
  fflush (stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--repair") == 0)
    return repair_quietly (argv[2], 0);
  char self[4096];
  ssize_t len = readlink ("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0)
    return 1;
  self[len] = '\0';
  uint64_t defaults[] = { 1000000, 4000000 };
  int failed = 0;
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      failed |= bench_length (self, strtoull (argv[i], NULL, 10));
  else
    for (size_t i = 0; i < G_N_ELEMENTS (defaults); i++)
      failed |= bench_length (self, defaults[i]);
  return failed;
}
