/* bench-timeline.c: the viewer on a large trace, measured.
 *
 * Records bench-viewer-spawner (default 10000 tasks x 46 yields, about a
 * million events) under tracing, then prints: the time to open the trace
 * and build the timeline model, resident memory against the file size,
 * the time of one frame (1600x900, offscreen cairo) at every zoom level
 * from the whole trace to the deepest zoom on both axes while panning,
 * and the cost of a hit test. Figures only: a benchmark never fails on
 * time. BRAID_BENCH_TASKS / BRAID_BENCH_YIELDS change the size;
 * BRAID_BENCH_TRACE reuses an existing trace.
 */
#include <glib/gstdio.h>
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "viewer-test-util.h"

#define FRAME_W 1600
#define FRAME_H 900

static long
rss_kb (const char *field)
{
  FILE *f = fopen ("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  size_t n = strlen (field);
  while (f && fgets (line, sizeof line, f))
    if (strncmp (line, field, n) == 0)
      kb = strtol (line + n + 1, NULL, 10);
  if (f)
    fclose (f);
  return kb;
}

static int progress_calls;

static bool
on_progress (double fraction, void *data)
{
  progress_calls++;
  return true;
}

static char *
record (void)
{
  const char *reuse = g_getenv ("BRAID_BENCH_TRACE");
  if (reuse)
    return g_strdup (reuse);
  const char *spawner = g_getenv ("BRAID_BENCH_SPAWNER");
  if (!spawner)
    {
      fprintf (stderr, "BRAID_BENCH_SPAWNER is not set: run meson bench\n");
      exit (77);
    }
  const char *tasks = g_getenv ("BRAID_BENCH_TASKS");
  const char *yields = g_getenv ("BRAID_BENCH_YIELDS");
  char *db = g_build_filename (vt_tmpdir (), "bench.db", NULL);
  const char *argv[]
      = { spawner, tasks ? tasks : "10000", yields ? yields : "46", NULL };
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "BRAID_TRACE", db, TRUE);
  int status;
  gint64 t0 = g_get_monotonic_time ();
  GError *error = NULL;
  g_spawn_sync (NULL, (char **)argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      fprintf (stderr, "the spawner failed (status %d)\n", status);
      exit (1);
    }
  printf ("record   %s tasks x %s yields under tracing: %.2f s\n", argv[1],
          argv[2], (g_get_monotonic_time () - t0) / 1e6);
  g_strfreev (env);
  return db;
}

typedef struct frame_stats
{
  double max_ms, sum_ms;   /* wall clock */
  double max_cpu, sum_cpu; /* this thread's CPU time */
  int n, over_16, cpu_over_16;
} frame_stats;

/* The thread's CPU time in ms: on a machine shared with other work the
 * wall clock also counts time spent waiting for a core. */
static double
cpu_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
time_frame (const braid_timeline_model *m, const braid_timeline_view *v,
            cairo_t *cr, frame_stats *st)
{
  double c0 = cpu_ms ();
  gint64 t0 = g_get_monotonic_time ();
  braid_timeline_draw (m, v, cr);
  cairo_surface_flush (cairo_get_target (cr));
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  double cpu = cpu_ms () - c0;
  st->sum_ms += ms;
  st->sum_cpu += cpu;
  st->n++;
  if (ms > st->max_ms)
    st->max_ms = ms;
  if (cpu > st->max_cpu)
    st->max_cpu = cpu;
  st->over_16 += ms > 16;
  st->cpu_over_16 += cpu > 16;
}

static void
bench_axis (const braid_timeline_model *m, braid_timeline_axis axis,
            cairo_t *cr)
{
  braid_timeline_view v;
  braid_timeline_view_init (&v, m, FRAME_W, FRAME_H);
  braid_timeline_view_set_axis (&v, m, axis);
  braid_timeline_view_fit (&v, m);
  double extent = braid_timeline_model_get_extent (m, axis);
  double n_lanes = (double)braid_timeline_model_get_n_lanes (m);
  frame_stats all = { 0 };
  printf ("frames   axis %s, %dx%d, extent %.0f %s, %.0f lanes\n",
          axis == BRAID_TIMELINE_AXIS_STEPS ? "steps" : "time", FRAME_W,
          FRAME_H, extent, axis == BRAID_TIMELINE_AXIS_STEPS ? "steps" : "ns",
          n_lanes);
  for (int level = 0; level < 64; level++)
    {
      frame_stats st = { 0 };
      /* Pan across the trace and down the lanes at this zoom. */
      for (int k = 0; k < 6; k++)
        {
          double visible = v.scale * (FRAME_W - v.label_width);
          v.origin = (extent - visible) * k / 5.0;
          v.scroll_y = (n_lanes * v.lane_height) * k / 6.0;
          braid_timeline_view_clamp (&v, m);
          time_frame (m, &v, cr, &st);
          braid_timeline_view_pan (&v, m, 37, 11); /* a drag step */
          time_frame (m, &v, cr, &st);
        }
      printf ("  zoom %2d  %12.4g units/px  wall mean %6.2f max %6.2f ms"
              "  cpu mean %6.2f max %6.2f ms\n",
              level, v.scale, st.sum_ms / st.n, st.max_ms, st.sum_cpu / st.n,
              st.max_cpu);
      all.sum_ms += st.sum_ms;
      all.sum_cpu += st.sum_cpu;
      all.n += st.n;
      all.over_16 += st.over_16;
      all.cpu_over_16 += st.cpu_over_16;
      all.max_ms = fmax (all.max_ms, st.max_ms);
      all.max_cpu = fmax (all.max_cpu, st.max_cpu);
      double before = v.scale;
      braid_timeline_view_zoom (&v, m, 4, FRAME_W / 2.0);
      if (v.scale >= before)
        break; /* the deepest zoom */
    }
  printf ("  all levels: %d frames; wall mean %.2f ms, max %.2f ms, %d over "
          "16 ms; cpu mean %.2f ms, max %.2f ms, %d over 16 ms\n",
          all.n, all.sum_ms / all.n, all.max_ms, all.over_16,
          all.sum_cpu / all.n, all.max_cpu, all.cpu_over_16);
}

int
main (int argc, char **argv)
{
  char *db = record ();
  GStatBuf sb;
  g_assert_cmpint (g_stat (db, &sb), ==, 0);
  double file_mb = sb.st_size / 1048576.0;

  long rss0 = rss_kb ("VmRSS:");
  braid_trace_load_options opts = { 0 };
  opts.progress = on_progress;
  braid_trace *trace = NULL;
  char *error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  if (braid_trace_open (db, &opts, &trace, &error) != 0)
    {
      fprintf (stderr, "cannot open %s: %s\n", db, error);
      return 1;
    }
  gint64 t1 = g_get_monotonic_time ();
  long rss_reader = rss_kb ("VmRSS:");
  braid_timeline_model *m = braid_timeline_model_new (trace);
  gint64 t2 = g_get_monotonic_time ();
  long rss1 = rss_kb ("VmRSS:");
  const braid_trace_meta *meta = braid_trace_get_meta (trace);
  size_t n_tasks, n_slices, n_marks, n_edges;
  braid_trace_get_tasks (trace, &n_tasks);
  braid_trace_get_slices (trace, &n_slices);
  braid_trace_get_marks (trace, &n_marks);
  braid_trace_get_edges (trace, &n_edges);
  printf ("trace    %.1f MB, %" G_GUINT64_FORMAT " events, %zu tasks, "
          "%zu slices, %zu marks, %zu edges\n",
          file_mb, meta->n_events, n_tasks, n_slices, n_marks, n_edges);
  printf ("open     reader %.2f s (%d progress calls), model %.3f s, "
          "total %.2f s\n",
          (t1 - t0) / 1e6, progress_calls, (t2 - t1) / 1e6, (t2 - t0) / 1e6);
  printf ("memory   resident +%.1f MB after loading (%.2fx the file): "
          "reader %.1f MB, timeline model %.1f MB; peak %.1f MB\n",
          (rss1 - rss0) / 1024.0, (rss1 - rss0) / 1024.0 / file_mb,
          (rss_reader - rss0) / 1024.0, (rss1 - rss_reader) / 1024.0,
          rss_kb ("VmHWM:") / 1024.0);

  cairo_surface_t *surface
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, FRAME_W, FRAME_H);
  cairo_t *cr = cairo_create (surface);
  bench_axis (m, BRAID_TIMELINE_AXIS_TIME, cr);
  bench_axis (m, BRAID_TIMELINE_AXIS_STEPS, cr);

  /* Hit tests at pseudo-random points. */
  braid_timeline_view v;
  braid_timeline_view_init (&v, m, FRAME_W, FRAME_H);
  GRand *rand = g_rand_new_with_seed (42);
  int hits = 0;
  gint64 h0 = g_get_monotonic_time ();
  for (int i = 0; i < 100000; i++)
    {
      braid_timeline_hit hit;
      braid_timeline_hit_test (m, &v, g_rand_double_range (rand, 0, FRAME_W),
                               g_rand_double_range (rand, 0, FRAME_H), &hit);
      hits += hit.slice >= 0;
    }
  printf ("hit test %.2f us each (100000 points, %d on a slice)\n",
          (g_get_monotonic_time () - h0) / 100000.0, hits);
  g_rand_free (rand);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  braid_timeline_model_free (m);
  braid_trace_close (trace);
  g_free (db);
  return 0;
}
