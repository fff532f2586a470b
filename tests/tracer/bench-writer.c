/* bench-writer.c: how fast events go into SQLite, and how small they are.
 *
 * Feeds synthetic events shaped like a sleep(0) ping-pong
 * (recording-util.h) straight into the tracer's hook, as fast as one
 * thread can (the writer's sustained pace, lossless), waits until the
 * writer has committed every event as batches, then stops the session,
 * which finalizes the file (expands the batches into the events table
 * and builds its indexes). Prints the
 * producer's rate, the rate into the file (events / time until the last
 * batch is committed), bytes per event on disk while recording and after
 * finalization, the finalization's time, and the reader's.
 * Usage: bench-tracer-writer [EVENTS] (default 2,000,000). With
 * BENCH_KEEP=1 the trace is kept and its path printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include "recording-util.h"

int
main (int argc, char **argv)
{
  uint64_t n = argc > 1 ? strtoull (argv[1], NULL, 10) : 2000000;
  char *path = test_trace_path ("bench.db");
  if (braid__trace_begin (path, 0, 0) != 0)
    return 1;
  double t0 = now_s ();
  uint64_t fed = feed_ping_pong (n);
  double t1 = now_s ();
  wait_until_stored (fed);
  double t_stored = now_s ();
  g_usleep (20000); /* let the last commit land before measuring size */
  /* The size of the database as a reader sees it (pages in use, the
   * file and its WAL together), before finalization. */
  struct stat st;
  long long recording_bytes = 0;
  sqlite3 *db = NULL;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
    {
      sqlite3_stmt *q = NULL;
      if (sqlite3_prepare_v2 (db,
                              "SELECT (page_count - freelist_count)"
                              " * page_size FROM pragma_page_count,"
                              " pragma_freelist_count, pragma_page_size",
                              -1, &q, NULL)
            == SQLITE_OK
          && sqlite3_step (q) == SQLITE_ROW)
        recording_bytes = sqlite3_column_int64 (q, 0);
      sqlite3_finalize (q);
    }
  sqlite3_close (db);
  double t_stop = now_s ();
  braid_trace_stop ();
  double t2 = now_s ();
  stat (path, &st);

  braid_trace *trace = NULL;
  double t3 = now_s ();
  int rc = braid_trace_open (path, NULL, &trace, NULL);
  double t4 = now_s ();
  uint64_t stored = rc == 0 ? braid_trace_get_meta (trace)->n_events : 0;
  printf ("events fed:            %llu (%llu stored, %llu observer waits)\n",
          (unsigned long long) fed, (unsigned long long) stored,
          (unsigned long long) atomic_load (
            &braid__the_session.n_observer_waits));
  printf ("producer rate:         %.0f events/s (%.1f ns per event)\n",
          (double) fed / (t1 - t0), (t1 - t0) * 1e9 / (double) fed);
  printf ("into the file:         %.0f events/s (%.2f s to the last "
          "batch committed; target >= 2,000,000)\n",
          (double) stored / (t_stored - t0), t_stored - t0);
  printf ("bytes per event:       %.1f while recording (%lld bytes of "
          "pages in use; target <= 32)\n",
          (double) recording_bytes / (double) stored, recording_bytes);
  printf ("finalization:          %.2f s (%.0f events/s into the events "
          "table and its indexes)\n",
          t2 - t_stop, (double) stored / (t2 - t_stop));
  printf ("bytes per event:       %.1f finalized (file %lld bytes)\n",
          (double) st.st_size / (double) stored, (long long) st.st_size);
  printf ("reader load:           %.2f s for %llu events (%.0f events/s)\n",
          t4 - t3, (unsigned long long) stored,
          (double) stored / (t4 - t3));
  printf ("bench writer-producer-ns-per-event %.1f ns\n",
          (t1 - t0) * 1e9 / (double) fed);
  printf ("bench writer-into-file-events-per-s %.0f events/s\n",
          (double) stored / (t_stored - t0));
  printf ("bench writer-recording-bytes-per-event %.1f B\n",
          (double) recording_bytes / (double) stored);
  printf ("bench writer-finalized-bytes-per-event %.1f B\n",
          (double) st.st_size / (double) stored);
  printf ("bench reader-load-events-per-s %.0f events/s\n",
          (double) stored / (t4 - t3));
  double load[3];
  if (getloadavg (load, 3) == 3)
    printf ("load average:          %.2f %.2f %.2f (2 cores, shared)\n",
            load[0], load[1], load[2]);
  braid_trace_close (trace);
  if (getenv ("BENCH_KEEP") != NULL)
    printf ("kept:                  %s\n", path);
  else
    remove_trace (path);
  g_free (path);
  return rc == 0 ? 0 : 1;
}
