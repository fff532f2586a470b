/* bench-timeline.c: the viewer on large traces, measured.
 *
 * Records bench-viewer-spawner under tracing at two sizes, about one
 * million events (10000 tasks x 46 yields) and about ten million (20000
 * tasks x 230 yields), and for each prints: the time to open the trace
 * and build the timeline model, resident memory against the file size
 * (after loading, and the peak while loading, per array of the reader
 * model), the time of one frame (1600x900, offscreen cairo) at every
 * zoom level from the whole trace to the deepest zoom on both axes while
 * panning, the cost of a hit test (of slices and of arrows) and of the
 * statistics of the whole run as a range. For the first size it also loads
 * the same run left in the batch form of a killed recording, whose file
 * is four times smaller, and reports the memory against that file.
 *
 * Figures only: a benchmark never fails on time. Traces are recorded
 * once into BRAID_BENCH_CACHE (the build dir under meson) and reused
 * while they are newer than the spawner. BRAID_BENCH_TASKS /
 * BRAID_BENCH_YIELDS replace the sizes with one; BRAID_BENCH_10M=0 skips
 * the large one; BRAID_BENCH_TRACE measures an existing trace only.
 */
#include <malloc.h>
#include <glib/gstdio.h>
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "viewer-test-util.h"

/* The size of the trace being measured, appended to every bench NAME
 * ("@1M", "@10M"; empty for a given trace) so that each line of one run
 * names one figure. */
static const char *bench_size = "";

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

/* The resident size from /proc/self/statm, in kB. */
static long
statm_rss_kb (void)
{
  FILE *f = fopen ("/proc/self/statm", "r");
  long size = 0, resident = -1;
  if (f)
    {
      if (fscanf (f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
      fclose (f);
    }
  return resident < 0 ? -1 : resident * (sysconf (_SC_PAGESIZE) / 1024);
}

/* The process's peak resident size from getrusage, in kB (never reset:
 * the largest load of the run so far). */
static long
maxrss_kb (void)
{
  struct rusage ru;
  return getrusage (RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static int progress_calls;

static bool
on_progress (double fraction, void *data)
{
  progress_calls++;
  return true;
}

/* Resets the peak resident size (VmHWM) to the current one, so that the
 * peak of one load can be read; false where the kernel refuses. */
static bool
reset_peak (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");
  if (!f)
    return false;
  bool ok = fputs ("5", f) >= 0;
  return fclose (f) == 0 && ok;
}

/* Bytes the allocator hands out now (small blocks and mmapped ones). */
static double
heap_mb (void)
{
  struct mallinfo2 mi = mallinfo2 ();
  return (double)(mi.uordblks + mi.hblkhd) / 1048576.0;
}

/* Records the spawner with @tasks and @yields into @db. With @killed the
 * spawner kills itself once its events are stored, leaving the batches
 * of an interrupted recording instead of a finalized trace. */
static bool
record_into (const char *db, const char *tasks, const char *yields, bool killed)
{
  const char *spawner = g_getenv ("BRAID_BENCH_SPAWNER");
  const char *argv[]
      = { spawner, tasks, yields, "0", killed ? "kill" : NULL, NULL };
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "BRAID_TRACE", db, TRUE);
  int status;
  gint64 t0 = g_get_monotonic_time ();
  GError *error = NULL;
  for (const char *suffix = ""; suffix; suffix = *suffix ? NULL : "-wal")
    {
      char *file = g_strconcat (db, suffix, NULL);
      g_unlink (file);
      g_free (file);
    }
  g_spawn_sync (NULL, (char **)argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_strfreev (env);
  g_assert_no_error (error);
  bool ok = killed ? WIFSIGNALED (status)
                   : WIFEXITED (status) && WEXITSTATUS (status) == 0;
  if (!ok)
    {
      fprintf (stderr, "the spawner failed (status %d)\n", status);
      return false;
    }
  printf ("record   %s tasks x %s yields under tracing%s: %.2f s\n", tasks,
          yields, killed ? ", killed before finalization" : "",
          (g_get_monotonic_time () - t0) / 1e6);
  return true;
}

/* Whether the file @db is newer than the spawner and every file named in
 * BRAID_BENCH_INPUTS (colon separated: the runtime and tracer libraries,
 * which record it). */
static bool
is_fresh (const char *db, const char *spawner)
{
  GStatBuf trace_st, st;
  if (g_stat (db, &trace_st) != 0 || trace_st.st_size == 0
      || g_stat (spawner, &st) != 0 || st.st_mtime >= trace_st.st_mtime)
    return false;
  const char *inputs = g_getenv ("BRAID_BENCH_INPUTS");
  char **paths = g_strsplit (inputs ? inputs : "", ":", -1);
  bool fresh = true;
  for (char **p = paths; fresh && *p; p++)
    if (**p && g_stat (*p, &st) == 0 && st.st_mtime >= trace_st.st_mtime)
      fresh = false;
  g_strfreev (paths);
  return fresh;
}

/* The path of a trace of @tasks x @yields, recorded now unless the cache
 * holds a fresh one. NULL if recording failed. */
static char *
cached_trace (const char *tasks, const char *yields, bool killed)
{
  const char *spawner = g_getenv ("BRAID_BENCH_SPAWNER");
  if (!spawner)
    {
      fprintf (stderr, "BRAID_BENCH_SPAWNER is not set: run "
                       "meson test -C build --benchmark\n");
      exit (77);
    }
  const char *dir = g_getenv ("BRAID_BENCH_CACHE");
  char *name = g_strdup_printf ("bench-trace-%sx%s%s.db", tasks, yields,
                                killed ? "-killed" : "");
  char *db = g_build_filename (dir ? dir : vt_tmpdir (), name, NULL);
  g_free (name);
  if (is_fresh (db, spawner))
    {
      printf ("record   reusing %s\n", db);
      return db;
    }
  if (!record_into (db, tasks, yields, killed))
    {
      g_free (db);
      return NULL;
    }
  return db;
}

/* Opens @db, builds the model (unless @model_out is NULL) and prints
 * the time and memory figures. Returns the trace. */
static braid_trace *
load (const char *db, const char *label, braid_timeline_model **model_out)
{
  GStatBuf sb;
  g_assert_cmpint (g_stat (db, &sb), ==, 0);
  double file_mb;
  /* A killed recording leaves its last pages in the write-ahead log:
   * they are part of the trace. */
  char *wal = g_strconcat (db, "-wal", NULL);
  GStatBuf wal_sb;
  if (g_stat (wal, &wal_sb) == 0)
    sb.st_size += wal_sb.st_size;
  g_free (wal);
  file_mb = sb.st_size / 1048576.0;

  malloc_trim (0);
  long rss0 = rss_kb ("VmRSS:");
  bool peak_ok = reset_peak ();
  double heap0 = heap_mb ();
  braid_trace_load_options opts = { 0 };
  opts.progress = on_progress;
  opts.compact = g_strcmp0 (g_getenv ("BRAID_BENCH_FULL"), "1") != 0;
  progress_calls = 0;
  braid_trace *trace = NULL;
  char *error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  if (braid_trace_open (db, &opts, &trace, &error) != 0)
    {
      fprintf (stderr, "cannot open %s: %s\n", db, error);
      free (error);
      return NULL;
    }
  gint64 t1 = g_get_monotonic_time ();
  long rss_reader = rss_kb ("VmRSS:");
  long hwm_reader = rss_kb ("VmHWM:");
  double heap_reader = heap_mb () - heap0;
  braid_timeline_model *m = NULL;
  if (model_out)
    *model_out = m = braid_timeline_model_new (trace);
  gint64 t2 = g_get_monotonic_time ();
  long rss1 = rss_kb ("VmRSS:");
  long hwm = rss_kb ("VmHWM:");

  const braid_trace_meta *meta = braid_trace_get_meta (trace);
  size_t n_tasks, n_slices, n_marks, n_edges, n_outputs, n_objects, n_problems;
  braid_trace_get_tasks (trace, &n_tasks);
  size_t n_compact;
  braid_trace_get_compact_slices (trace, &n_compact);
  braid_trace_get_slices (trace, &n_slices);
  bool compact = n_compact > 0;
  if (compact)
    n_slices = n_compact;
  braid_trace_get_marks (trace, &n_marks);
  braid_trace_get_edges (trace, &n_edges);
  braid_trace_get_outputs (trace, &n_outputs);
  braid_trace_get_objects (trace, &n_objects);
  braid_trace_get_problems (trace, &n_problems);
  printf ("trace    %s: %.1f MB (%.1f bytes/event), %" G_GUINT64_FORMAT
          " events, %zu tasks, %zu slices, %zu marks, %zu edges\n",
          label, file_mb, sb.st_size / (double)MAX (meta->n_events, 1),
          meta->n_events, n_tasks, n_slices, n_marks, n_edges);
  printf ("open     reader %.2f s (%d progress calls), model %.3f s, "
          "total %.2f s\n",
          (t1 - t0) / 1e6, progress_calls, (t2 - t1) / 1e6, (t2 - t0) / 1e6);
#define MB(n, type) ((double)(n) * sizeof (type) / 1048576.0)
  printf ("arrays   slices %.1f MB (%zu B each), marks %.1f, tasks %.1f, "
          "edges %.1f, outputs %.1f, objects %.2f, problems %.2f; "
          "malloc heap in use %.1f MB (tasks, objects, problems, strings, "
          "id maps)\n",
          compact ? MB (n_slices, braid_trace_compact_slice)
                  : MB (n_slices, braid_trace_slice),
          compact ? sizeof (braid_trace_compact_slice)
                  : sizeof (braid_trace_slice),
          MB (n_marks, braid_trace_mark), MB (n_tasks, braid_trace_task),
          MB (n_edges, braid_trace_edge), MB (n_outputs, braid_trace_output),
          MB (n_objects, braid_trace_object),
          MB (n_problems, braid_trace_problem), heap_reader);
#undef MB
  double reader = (rss_reader - rss0) / 1024.0;
  double model = (rss1 - rss_reader) / 1024.0;
  double peak_reader = (hwm_reader - rss0) / 1024.0;
  double peak = (hwm - rss0) / 1024.0;
  if (model_out)
    printf ("memory   resident +%.1f MB after loading (%.2fx the file): "
            "reader %.1f MB, timeline model %.1f MB\n",
            reader + model, (reader + model) / file_mb, reader, model);
  else
    printf ("memory   resident +%.1f MB after loading (%.2fx the file)\n",
            reader, reader / file_mb);
  if (peak_ok && model_out)
    printf ("peak     resident +%.1f MB while opening (%.2fx the file); "
            "reader alone +%.1f MB (%.2fx)\n",
            peak, peak / file_mb, peak_reader, peak_reader / file_mb);
  else if (peak_ok)
    printf ("peak     resident +%.1f MB while opening (%.2fx the file)\n",
            peak_reader, peak_reader / file_mb);
  else
    printf ("peak     unknown (/proc/self/clear_refs refused); process "
            "peak %.1f MB\n",
            hwm / 1024.0);
  printf ("rss      statm resident %.1f MB now (%.1f MB before opening); "
          "getrusage ru_maxrss %.1f MB (the process's peak so far)\n",
          statm_rss_kb () / 1024.0, rss0 / 1024.0, maxrss_kb () / 1024.0);
  return trace;
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

/* The overview strip of every lane on both axes: its density image,
 * built once per model, axis and lane layout, and a frame of the strip
 * (a scaled blit and the viewport's outline) with @v outlined. */
static void
bench_overview (const braid_timeline_model *m, const braid_timeline_view *v,
                cairo_t *cr)
{
  for (int axis = 0; axis < 2; axis++)
    {
      const char *name = axis == BRAID_TIMELINE_AXIS_STEPS ? "steps" : "time";
      gint64 b0 = g_get_monotonic_time ();
      braid_timeline_overview *ov
          = braid_timeline_overview_new (m, (braid_timeline_axis)axis, 1024);
      double build_ms = (g_get_monotonic_time () - b0) / 1000.0;
      if (!ov)
        {
          printf ("overview %s: out of memory\n", name);
          continue;
        }
      gint64 d0 = g_get_monotonic_time ();
      for (int i = 0; i < 100; i++)
        braid_timeline_overview_draw (ov, m, v, cr, FRAME_W, 44);
      printf ("bench viewer-overview-build-%s%s %.1f ms (%zu lanes)\n", name,
              bench_size, build_ms, braid_timeline_model_get_n_lanes (m));
      printf ("bench viewer-overview-frame-%s%s %.3f ms\n", name, bench_size,
              (g_get_monotonic_time () - d0) / 100000.0);
      braid_timeline_overview_free (ov);
    }
}

/* Draws every zoom level of @trace's model on both axes and times the
 * hit test. */
static void
bench_frames (braid_timeline_model *m)
{
  cairo_surface_t *surface
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, FRAME_W, FRAME_H);
  cairo_t *cr = cairo_create (surface);
  /* The process's first frame loads fonts and fills glyph caches; a GUI
   * has done that before it shows a timeline. Timed apart. */
  static bool warm;
  if (!warm)
    {
      braid_timeline_view v;
      braid_timeline_view_init (&v, m, FRAME_W, FRAME_H);
      gint64 t0 = g_get_monotonic_time ();
      braid_timeline_draw (m, &v, cr);
      cairo_surface_flush (surface);
      printf ("cold     first frame of the process %.2f ms (fonts, glyph "
              "caches; not in the figures below)\n",
              (g_get_monotonic_time () - t0) / 1000.0);
      warm = true;
    }
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

  /* Arrows under the pointer (tooltips ask on every motion), fitted. */
  gint64 a0 = g_get_monotonic_time ();
  for (int i = 0; i < 200; i++)
    braid_timeline_edge_at (m, &v, g_rand_double_range (rand, 0, FRAME_W),
                            g_rand_double_range (rand, 0, FRAME_H));
  printf ("bench viewer-arrow-hit-test%s %.1f us\n", bench_size,
          (g_get_monotonic_time () - a0) / 200.0);
  g_rand_free (rand);

  /* Statistics of the whole run as a range (the Range tab). */
  braid_timeline_range_stats st;
  gint64 r0 = g_get_monotonic_time ();
  int rc = braid_timeline_model_range_stats (
      m, BRAID_TIMELINE_AXIS_TIME, 0,
      braid_timeline_model_get_extent (m, BRAID_TIMELINE_AXIS_TIME) + 1, &st);
  printf ("bench viewer-range-stats-whole-run%s %.1f ms%s\n", bench_size,
          (g_get_monotonic_time () - r0) / 1000.0,
          rc == 0 ? "" : " (failed)");
  braid_timeline_range_stats_clear (&st);
  bench_overview (m, &v, cr);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* The whole benchmark on one trace. */
static int
bench_trace (const char *db, const char *label)
{
  braid_timeline_model *m = NULL;
  braid_trace *trace = load (db, label, &m);
  if (!trace || !m)
    return 1;
  bench_frames (m);
  braid_timeline_model_free (m);
  braid_trace_close (trace);
  return 0;
}

static double
load_average (void)
{
  double avg[1] = { -1 };
  FILE *f = fopen ("/proc/loadavg", "r");
  if (f)
    {
      if (fscanf (f, "%lf", &avg[0]) != 1)
        avg[0] = -1;
      fclose (f);
    }
  return avg[0];
}

int
main (int argc, char **argv)
{
  printf ("load     average %.2f at start\n", load_average ());
  const char *reuse = g_getenv ("BRAID_BENCH_TRACE");
  if (reuse)
    return bench_trace (reuse, "given trace");

  const char *tasks = g_getenv ("BRAID_BENCH_TASKS");
  const char *yields = g_getenv ("BRAID_BENCH_YIELDS");
  int failed = 0;
  if (tasks || yields)
    {
      char *db = cached_trace (tasks ? tasks : "10000", yields ? yields : "46",
                               false);
      return db ? bench_trace (db, "finalized") : 1;
    }

  /* About a million events: finalized, then the same program's batches
   * as a killed run leaves them (memory only). */
  printf ("== about 1,000,000 events\n");
  bench_size = "@1M";
  char *db = cached_trace ("10000", "46", false);
  failed |= db ? bench_trace (db, "finalized") : 1;
  g_free (db);
  db = cached_trace ("10000", "46", true);
  if (db)
    {
      braid_trace *trace = load (db, "batches of a killed run", NULL);
      failed |= trace == NULL;
      braid_trace_close (trace);
      g_free (db);
    }

  const char *big = g_getenv ("BRAID_BENCH_10M");
  if (big && strcmp (big, "0") == 0)
    return failed;
  printf ("== about 10,000,000 events\n");
  bench_size = "@10M";
  db = cached_trace ("20000", "230", false);
  failed |= db ? bench_trace (db, "finalized") : 1;
  g_free (db);
  printf ("load     average %.2f at the end\n", load_average ());
  return failed;
}
