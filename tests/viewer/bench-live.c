/* bench-live.c: the viewer following a live trace, measured.
 *
 * Runs live-program under `braid run` asking for about a million events a
 * second (BRAID_BENCH_LIVE_RATE; BRAID_BENCH_LIVE_SECONDS of run, 8 by
 * default) and follows its trace as braid-viewer does: a worker thread
 * updates a follower every 250 ms (braid_trace_follower_update, which
 * reads only the new rows, then the timeline model of the grown trace,
 * grown from the last one: braid_timeline_model_new_after)
 * and frees the models replaced; the main thread draws frames of
 * 1600x900 (offscreen cairo) at 60 per second, swapping in each new
 * model with the view kept at the end, where it scrolls with the run.
 *
 * Prints the frame times (p50, p99, max: the draw plus the swap, what
 * the main loop pays; in wall time and in the drawing thread's CPU
 * time; the process's first frame, which loads fonts, apart), the cost of one incremental update (mean and
 * max, and per million events of the trace it ends with), that cost
 * split by least squares over the updates that saw the program run into
 * a part per million events the update added and a part per million
 * events already in the trace (the second is 0 for an update whose cost
 * follows what was added), the CPU time of the first update at or past
 * 1M, 2M, 4M and 8M events in the trace (the follower's part and the
 * model's: flat when an update costs what was added), the rate the
 * trace actually grew at, and how far behind the program the newest
 * event drawn was. Figures only: a benchmark never fails on time. With
 * two shared cores the program, its writer, the worker and the frames
 * compete: the frame times include waiting for a core.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "viewer-test-util.h"

#define FRAME_W 1600
#define FRAME_H 900
#define UPDATE_MS 250

static double
clock_ms (clockid_t clock)
{
  struct timespec ts;
  clock_gettime (clock, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double
now_ms (void)
{
  return clock_ms (CLOCK_MONOTONIC);
}

/* What the worker hands the frame loop, under the mutex. */
typedef struct shared
{
  pthread_mutex_t mutex;
  braid_trace_follower *follower;
  braid_trace *pending_trace; /* a newer trace to swap in, or NULL */
  braid_timeline_model *pending_model;
  braid_trace *retired_trace; /* swapped out, for the worker to free */
  braid_timeline_model *retired_model;
  bool done;             /* the program ended or died */
  GArray *update_ms;     /* double: each update's cost */
  GArray *read_ms;       /* its part in the follower (the rest is
                            the timeline model) */
  GArray *update_cpu_ms; /* each update's CPU time */
  /* The updates that saw the program run (not the last, which reads its
   * finalization, and may read the whole file again): CPU time, events
   * added and events in the trace made, for fit_update_cost. */
  GArray *fit_cpu_ms, *fit_added, *fit_size;
  uint64_t last_events;
  uint64_t fed_events; /* the events of the last trace the worker made */
  /* The last model the worker made, which the next one grows. */
  braid_timeline_model *last_model;
  /* Per update: its follower part in CPU time, and the events of the
   * trace it made (for the cost at a given size). */
  GArray *read_cpu_ms, *update_size;
  /* The first and the last update that saw the program run: the rate
   * the trace grew at (the follow also covers its finalization). */
  double first_ms, last_ms;
  uint64_t first_events, running_events;
} shared;

static void *
updater (void *data)
{
  shared *sh = data;
  for (;;)
    {
      g_usleep (UPDATE_MS * 1000);
      pthread_mutex_lock (&sh->mutex);
      braid_trace *old_trace = sh->retired_trace;
      braid_timeline_model *old_model = sh->retired_model;
      sh->retired_trace = NULL;
      sh->retired_model = NULL;
      pthread_mutex_unlock (&sh->mutex);
      braid_timeline_model_free (old_model);
      braid_trace_close (old_trace);

      double t0 = now_ms (), c0 = clock_ms (CLOCK_THREAD_CPUTIME_ID);
      braid_trace *trace = NULL;
      char *error = NULL;
      int rc = braid_trace_follower_update (sh->follower, &trace, &error);
      if (rc < 0)
        g_error ("update: %s", error ? error : "?");
      braid_timeline_model *model = NULL;
      if (trace)
        {
          double t1 = now_ms (), c1 = clock_ms (CLOCK_THREAD_CPUTIME_ID);
          /* As the viewer does: the indexes of the last model made grow
           * (it is alive: the frame loop draws it, or it is pending). */
          model = braid_timeline_model_new_after (trace, sh->last_model);
          g_assert_nonnull (model);
          sh->last_model = model;
          double ms = now_ms () - t0, read = t1 - t0;
          g_array_append_val (sh->update_ms, ms);
          g_array_append_val (sh->read_ms, read);
          double cpu = clock_ms (CLOCK_THREAD_CPUTIME_ID) - c0;
          g_array_append_val (sh->update_cpu_ms, cpu);
          double read_cpu = c1 - c0;
          g_array_append_val (sh->read_cpu_ms, read_cpu);
          double size = (double)braid_trace_get_meta (trace)->n_events;
          g_array_append_val (sh->update_size, size);
        }
      bool running = braid_trace_follower_liveness (sh->follower)
                     == BRAID_LIVENESS_RUNNING;
      if (trace && running)
        {
          double cpu = g_array_index (sh->update_cpu_ms, double,
                                      sh->update_cpu_ms->len - 1);
          double size = (double)braid_trace_get_meta (trace)->n_events;
          double added = size - (double)sh->fed_events;
          g_array_append_val (sh->fit_cpu_ms, cpu);
          g_array_append_val (sh->fit_added, added);
          g_array_append_val (sh->fit_size, size);
        }
      if (trace)
        sh->fed_events = braid_trace_get_meta (trace)->n_events;
      pthread_mutex_lock (&sh->mutex);
      if (trace)
        {
          /* The frame loop did not take the last one: it goes. */
          braid_timeline_model_free (sh->pending_model);
          braid_trace_close (sh->pending_trace);
          sh->pending_trace = trace;
          sh->pending_model = model;
          sh->last_events = braid_trace_get_meta (trace)->n_events;
          if (running)
            {
              if (sh->first_ms == 0)
                {
                  sh->first_ms = t0;
                  sh->first_events = sh->last_events;
                }
              sh->last_ms = t0;
              sh->running_events = sh->last_events;
            }
        }
      sh->done = !running;
      pthread_mutex_unlock (&sh->mutex);
      if (!running)
        return NULL;
    }
}

/* Splits the updates' CPU cost in two by least squares,
 * cpu = a * added + b * size (no constant: an update that adds nothing
 * to an empty trace costs next to nothing): @a is the cost per million
 * events an update added, @b per million events already in the trace
 * it made. An update whose cost follows what was added has b near 0.
 * Returns false when the updates cannot tell the two apart. */
static bool
fit_update_cost (GArray *cpu, GArray *added, GArray *size, double *a, double *b)
{
  double xx = 0, xy = 0, yy = 0, xc = 0, yc = 0;
  for (guint i = 0; i < cpu->len; i++)
    {
      double x = g_array_index (added, double, i) / 1e6;
      double y = g_array_index (size, double, i) / 1e6;
      double c = g_array_index (cpu, double, i);
      xx += x * x, xy += x * y, yy += y * y, xc += x * c, yc += y * c;
    }
  double det = xx * yy - xy * xy;
  if (cpu->len < 3 || fabs (det) < 1e-9 * (xx * yy + 1e-12))
    return false;
  *a = (xc * yy - yc * xy) / det;
  *b = (yc * xx - xc * xy) / det;
  return true;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double
percentile (GArray *a, double p)
{
  if (a->len == 0)
    return 0;
  size_t i = (size_t)ceil (p * a->len) - 1;
  return g_array_index (a, double, MIN (i, a->len - 1));
}

int
main (void)
{
  const char *braid = g_getenv ("BRAID_EXE");
  const char *program = g_getenv ("LIVE_PROGRAM");
  if (!braid || !program)
    {
      printf ("bench-live: BRAID_EXE and LIVE_PROGRAM must be set\n");
      return 77;
    }
  const char *seconds = g_getenv ("BRAID_BENCH_LIVE_SECONDS");
  const char *rate = g_getenv ("BRAID_BENCH_LIVE_RATE");
  seconds = seconds ? seconds : "8";
  rate = rate ? rate : "1000000";
  char *dir = g_dir_make_tmp ("braid-bench-live-XXXXXX", NULL);
  char *path = g_build_filename (dir, "live.braid", NULL);
  const char *argv[]
      = { braid, "run", "-o", path, "--", program, seconds, rate, "4", NULL };
  GPid pid = 0;
  GError *error = NULL;
  if (!g_spawn_async (NULL, (char **)argv, NULL,
                      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, &pid, &error))
    g_error ("cannot run braid: %s", error->message);
  braid_trace_writer_status st;
  for (int i = 0;; i++)
    {
      if (braid_trace_probe (path, &st, NULL) == 0
          && st.liveness == BRAID_LIVENESS_RUNNING && st.n_batches > 0)
        break;
      if (i == 2000)
        g_error ("%s never showed a running recording", path);
      g_usleep (10000);
    }

  shared sh = { .mutex = PTHREAD_MUTEX_INITIALIZER };
  sh.update_ms = g_array_new (FALSE, FALSE, sizeof (double));
  sh.read_ms = g_array_new (FALSE, FALSE, sizeof (double));
  sh.update_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  sh.fit_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  sh.fit_added = g_array_new (FALSE, FALSE, sizeof (double));
  sh.fit_size = g_array_new (FALSE, FALSE, sizeof (double));
  sh.read_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  sh.update_size = g_array_new (FALSE, FALSE, sizeof (double));
  braid_trace_load_options options = { 0 };
  options.compact = true;
  braid_trace *trace = NULL;
  char *err = NULL;
  if (braid_trace_follow (path, &options, &sh.follower, &trace, &err) != 0)
    g_error ("follow: %s", err ? err : "?");
  sh.fed_events = braid_trace_get_meta (trace)->n_events;
  braid_timeline_model *model = braid_timeline_model_new (trace);
  sh.last_model = model;
  braid_timeline_view view;
  braid_timeline_view_init (&view, model, FRAME_W, FRAME_H);
  /* A window on the last 200 ms of the run, at its end. */
  view.scale = 200e6 / (FRAME_W - view.label_width);
  view.origin = braid_timeline_model_get_extent (model, view.axis) - 200e6;
  braid_timeline_view_clamp (&view, model);
  cairo_surface_t *surface
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, FRAME_W, FRAME_H);
  cairo_t *cr = cairo_create (surface);

  pthread_t thread;
  pthread_create (&thread, NULL, updater, &sh);
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (double));
  /* The same frames in CPU time of the drawing thread: what a frame costs
   * without the wait for a core on a loaded machine. */
  GArray *frames_cpu = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *lags = g_array_new (FALSE, FALSE, sizeof (double));
  double cold_ms = -1;
  double start = now_ms (), next = start;
  for (;;)
    {
      double t0 = now_ms (), c0 = clock_ms (CLOCK_THREAD_CPUTIME_ID);
      pthread_mutex_lock (&sh.mutex);
      bool done = sh.done;
      braid_trace *new_trace = sh.pending_trace;
      braid_timeline_model *new_model = sh.pending_model;
      sh.pending_trace = NULL;
      sh.pending_model = NULL;
      pthread_mutex_unlock (&sh.mutex);
      if (new_model)
        {
          /* As braid_timeline_replace_model: at the end, scroll with the
           * run, keeping the zoom. */
          double old_end = braid_timeline_model_get_extent (model, view.axis);
          double right = braid_timeline_view_value_at (&view, view.width);
          if (right >= old_end - 2 * view.scale)
            view.origin
                += braid_timeline_model_get_extent (new_model, view.axis)
                   - old_end;
          braid_timeline_view_clamp (&view, new_model);
          pthread_mutex_lock (&sh.mutex);
          /* The worker frees them, off the frame loop; one it has not
           * taken yet is freed here (rare: updates are 250 ms apart). */
          braid_timeline_model_free (sh.retired_model);
          braid_trace_close (sh.retired_trace);
          sh.retired_model = model;
          sh.retired_trace = trace;
          pthread_mutex_unlock (&sh.mutex);
          model = new_model;
          trace = new_trace;
          const braid_trace_meta *m = braid_trace_get_meta (trace);
          double lag = (double)(g_get_real_time () * 1000 - m->start_unix_ns
                                - m->duration_ns)
                       / 1e6;
          if (m->liveness == BRAID_LIVENESS_RUNNING)
            g_array_append_val (lags, lag);
        }
      braid_timeline_draw (model, &view, cr);
      cairo_surface_flush (surface);
      double ms = now_ms () - t0;
      double cpu = clock_ms (CLOCK_THREAD_CPUTIME_ID) - c0;
      /* The process's first frame loads fonts and fills glyph caches, as
       * a GUI has done before it follows a trace: timed apart, as the
       * viewer-large-trace benchmark does. */
      if (cold_ms < 0)
        cold_ms = ms;
      else
        {
          g_array_append_val (frames, ms);
          g_array_append_val (frames_cpu, cpu);
        }
      if (done)
        break;
      next += 1000.0 / 60;
      double wait = next - now_ms ();
      if (wait > 0)
        g_usleep ((gulong)(wait * 1000));
      else
        next = now_ms ();
    }
  double run_ms = now_ms () - start;
  pthread_join (thread, NULL);
  int status = 0;
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);

  uint64_t events = braid_trace_get_meta (trace)->n_events;
  g_array_sort (frames, cmp_double);
  g_array_sort (frames_cpu, cmp_double);
  GArray *updates = sh.update_ms;
  double update_sum = 0, update_max = 0;
  for (guint i = 0; i < updates->len; i++)
    {
      double u = g_array_index (updates, double, i);
      update_sum += u;
      update_max = MAX (update_max, u);
    }
  double update_mean = updates->len ? update_sum / updates->len : 0;
  double per_added = 0, per_size = 0;
  bool fitted = fit_update_cost (sh.fit_cpu_ms, sh.fit_added, sh.fit_size,
                                 &per_added, &per_size);
  /* The cost of one update against the size of the trace it made: the
   * first update at or past each size, CPU time (the follower's part and
   * the timeline model's), and what it added. An update whose cost
   * follows what was added costs the same at every size. */
  static const double sizes[] = { 1e6, 2e6, 4e6, 8e6 };
  for (size_t k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (guint i = 1; i < sh.update_size->len; i++)
      {
        double size = g_array_index (sh.update_size, double, i);
        if (size < sizes[k])
          continue;
        double cpu = g_array_index (sh.update_cpu_ms, double, i);
        double read = g_array_index (sh.read_cpu_ms, double, i);
        double added = size - g_array_index (sh.update_size, double, i - 1);
        printf ("bench live-update-cpu-ms-at-%.0fM-events %.1f ms\n",
                sizes[k] / 1e6, cpu);
        printf ("bench live-update-model-cpu-ms-at-%.0fM-events %.1f ms\n",
                sizes[k] / 1e6, cpu - read);
        printf ("# the update at %.0fM events: %.2fM in the trace, %.0fk "
                "added, %.1f ms in the follower, %.1f ms for the model "
                "(CPU); per million added: %.1f ms\n",
                sizes[k] / 1e6, size / 1e6, added / 1e3, read, cpu - read,
                added > 0 ? cpu / (added / 1e6) : 0);
        break;
      }
  g_array_sort (sh.update_cpu_ms, cmp_double);
  g_array_sort (lags, cmp_double);
  printf ("# followed %s for %.1f s: %" G_GUINT64_FORMAT " events, "
          "%u frames, %u updates (program exit status %d)\n",
          path, run_ms / 1e3, events, frames->len, updates->len,
          WIFEXITED (status) ? WEXITSTATUS (status) : -1);
  printf ("# cold first frame of the process %.2f ms (fonts, glyph caches; "
          "not in the frame figures below)\n",
          cold_ms);
  double grew_s = (sh.last_ms - sh.first_ms) / 1e3;
  printf ("bench live-growth-events-per-s %.0f events/s\n",
          grew_s > 0 ? (double)(sh.running_events - sh.first_events) / grew_s
                     : 0);
  printf ("bench live-frame-p50-ms %.2f ms\n", percentile (frames, 0.5));
  printf ("bench live-frame-p99-ms %.2f ms\n", percentile (frames, 0.99));
  printf ("bench live-frame-max-ms %.2f ms\n", percentile (frames, 1.0));
  printf ("bench live-frame-cpu-p99-ms %.2f ms\n",
          percentile (frames_cpu, 0.99));
  printf ("bench live-frame-cpu-max-ms %.2f ms\n",
          percentile (frames_cpu, 1.0));
  printf ("bench live-refresh-mean-ms %.1f ms\n", update_mean);
  printf ("bench live-refresh-max-ms %.1f ms\n", update_max);
  printf ("bench live-refresh-cpu-max-ms %.1f ms\n",
          percentile (sh.update_cpu_ms, 1.0));
  /* The last update (the largest trace): its follower part, which reads
   * the new rows and copies the model, against the timeline model. */
  if (updates->len > 0)
    printf ("# last update: %.1f ms in the follower, %.1f ms for the "
            "timeline model\n",
            g_array_index (sh.read_ms, double, sh.read_ms->len - 1),
            g_array_index (updates, double, updates->len - 1)
                - g_array_index (sh.read_ms, double, sh.read_ms->len - 1));
  printf ("bench live-refresh-cpu-ms-per-million-events %.1f ms\n",
          events ? percentile (sh.update_cpu_ms, 1.0) / ((double)events / 1e6)
                 : 0);
  if (fitted)
    {
      /* What an update costs, split: per million events it added and per
       * million already in the trace (the fit of fit_update_cost). */
      printf ("bench live-update-cpu-ms-per-million-added %.1f ms\n",
              per_added);
      printf ("bench live-update-cpu-ms-per-million-in-trace %.1f ms\n",
              per_size);
    }
  else
    printf ("# too few updates to split their cost between the events "
            "added and the events in the trace\n");
  printf ("bench live-lag-p50-ms %.0f ms\n", percentile (lags, 0.5));
  printf ("bench live-lag-max-ms %.0f ms\n", percentile (lags, 1.0));
  printf ("# frames <= 16 ms: %s in wall time (p99 %.2f ms, max %.2f ms), "
          "%s in CPU time (p99 %.2f ms, max %.2f ms); an update is the "
          "decoding of the new events, the follower's snapshot and the "
          "model grown from the last (braid_timeline_model_new_after): "
          "what was added, plus what is per task\n",
          percentile (frames, 0.99) <= 16 ? "yes" : "no",
          percentile (frames, 0.99), percentile (frames, 1.0),
          percentile (frames_cpu, 0.99) <= 16 ? "yes" : "no",
          percentile (frames_cpu, 0.99), percentile (frames_cpu, 1.0));

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  braid_timeline_model_free (model);
  braid_trace_close (trace);
  braid_timeline_model_free (sh.retired_model);
  braid_trace_close (sh.retired_trace);
  braid_trace_follower_free (sh.follower);
  g_array_free (frames, TRUE);
  g_array_free (frames_cpu, TRUE);
  g_array_free (lags, TRUE);
  g_array_free (updates, TRUE);
  g_array_free (sh.read_ms, TRUE);
  g_array_free (sh.update_cpu_ms, TRUE);
  g_array_free (sh.fit_cpu_ms, TRUE);
  g_array_free (sh.fit_added, TRUE);
  g_array_free (sh.fit_size, TRUE);
  g_array_free (sh.read_cpu_ms, TRUE);
  g_array_free (sh.update_size, TRUE);
  char *suffixes[] = { "", "-wal", "-shm" };
  for (int i = 0; i < 3; i++)
    {
      char *f = g_strconcat (path, suffixes[i], NULL);
      g_unlink (f);
      g_free (f);
    }
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
  free (err);
  return 0;
}
