/* test-live-model.c: the timeline model of a trace that grows, made from
 * the last one (braid_timeline_model_new_after).
 *
 * A real program (live-program) runs under `braid run` while a compact
 * follower reads its trace every few tens of milliseconds. Each trace
 * handed out gets a model grown from the last one and a model made from
 * nothing: they must draw the same pixels (lanes, slices, the running
 * shares of crowded columns, marks, arrows) and answer the same (marks
 * of each task, the slice under a point, the time of each step begun,
 * the extents). A model kept from early on must keep its answers and
 * its pixels while the later ones write the store they share, and after
 * the models between are freed.
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "viewer-test-util.h"

#define W 900
#define H 700

/* Starts `braid run -o @path -- live-program @seconds`; returns its pid. */
static GPid
start_program (const char *path, const char *seconds)
{
  const char *argv[] = { vt_program ("BRAID_EXE"),    "run",   "-o", path, "--",
                         vt_program ("LIVE_PROGRAM"), seconds, NULL };
  GPid pid = 0;
  GError *error = NULL;
  g_assert_true (
      g_spawn_async (NULL, (char **)argv, NULL,
                     G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

/* The pixels of @m drawn on @axis in a view fitted to @fit's extent
 * (the same view for the two models compared). */
static cairo_surface_t *
draw (const braid_timeline_model *m, const braid_timeline_model *fit,
      braid_timeline_axis axis)
{
  braid_timeline_view view;
  braid_timeline_view_init (&view, fit, W, H);
  braid_timeline_view_set_axis (&view, fit, axis);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (s);
  braid_timeline_draw (m, &view, cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  return s;
}

static void
assert_same_pixels (cairo_surface_t *a, cairo_surface_t *b)
{
  int stride = cairo_image_surface_get_stride (a);
  g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (b));
  const unsigned char *pa = cairo_image_surface_get_data (a);
  const unsigned char *pb = cairo_image_surface_get_data (b);
  size_t differ = 0;
  for (size_t i = 0; i < (size_t)stride * H; i++)
    differ += pa[i] != pb[i];
  g_assert_cmpuint (differ, ==, 0);
}

/* The two models of one trace answer the same. */
static void
assert_same_answers (const braid_timeline_model *grown,
                     const braid_timeline_model *fresh, const braid_trace *t)
{
  g_assert_cmpfloat (
      braid_timeline_model_get_extent (grown, BRAID_TIMELINE_AXIS_TIME), ==,
      braid_timeline_model_get_extent (fresh, BRAID_TIMELINE_AXIS_TIME));
  g_assert_cmpfloat (
      braid_timeline_model_get_extent (grown, BRAID_TIMELINE_AXIS_STEPS), ==,
      braid_timeline_model_get_extent (fresh, BRAID_TIMELINE_AXIS_STEPS));
  g_assert_cmpuint (braid_timeline_model_get_n_lanes (grown), ==,
                    braid_timeline_model_get_n_lanes (fresh));
  size_t nt;
  braid_trace_get_tasks (t, &nt);
  double extent
      = braid_timeline_model_get_extent (fresh, BRAID_TIMELINE_AXIS_TIME);
  for (size_t i = 0; i < nt; i++)
    {
      size_t na, nb;
      const uint32_t *a
          = braid_timeline_model_task_marks (grown, (int32_t)i, &na);
      const uint32_t *b
          = braid_timeline_model_task_marks (fresh, (int32_t)i, &nb);
      g_assert_cmpuint (na, ==, nb);
      if (na > 0)
        g_assert_cmpmem (a, na * sizeof *a, b, nb * sizeof *b);
      for (int k = 0; k <= 16; k++)
        {
          double x = extent * k / 16;
          int64_t sa = braid_timeline_model_find_slice (
              grown, (int32_t)i, BRAID_TIMELINE_AXIS_TIME, x);
          g_assert_cmpint (sa, ==,
                           braid_timeline_model_find_slice (
                               fresh, (int32_t)i, BRAID_TIMELINE_AXIS_TIME, x));
          braid_trace_slice s1, s2;
          if (sa >= 0)
            {
              g_assert_true (braid_timeline_model_get_slice (grown, sa, &s1));
              g_assert_true (braid_timeline_model_get_slice (fresh, sa, &s2));
              g_assert_cmpint (s1.task, ==, i);
              g_assert_cmpint (s2.task, ==, i);
              g_assert_cmpint (s1.state, ==, s2.state);
              g_assert_cmpint (s1.start_ns, ==, s2.start_ns);
              g_assert_cmpint (s1.end_ns, ==, s2.end_ns);
              g_assert_cmpuint (s1.start_step, ==, s2.start_step);
              g_assert_cmpuint (s1.end_step, ==, s2.end_step);
              g_assert_cmpuint (s1.object, ==, s2.object);
              g_assert_cmpuint (s1.wait_reason, ==, s2.wait_reason);
            }
        }
    }
  uint64_t steps = braid_trace_get_meta (t)->n_steps;
  for (uint64_t k = 0; k < steps; k += 1 + steps / 64)
    g_assert_cmpfloat (braid_timeline_model_convert (
                           grown, BRAID_TIMELINE_AXIS_STEPS, (double)k),
                       ==,
                       braid_timeline_model_convert (
                           fresh, BRAID_TIMELINE_AXIS_STEPS, (double)k));
}

static void
test_grown_model_is_the_fresh_one (void)
{
  char *dir = g_dir_make_tmp ("braid-live-model-XXXXXX", NULL);
  char *path = g_build_filename (dir, "live.braid", NULL);
  GPid pid = start_program (path, "1.5");
  braid_trace_writer_status st;
  for (int i = 0;; i++)
    {
      if (braid_trace_probe (path, &st, NULL) == 0
          && st.liveness == BRAID_LIVENESS_RUNNING && st.n_batches > 0)
        break;
      g_assert_cmpint (i, <, 2000);
      g_usleep (10000);
    }
  braid_trace_load_options options = { 0 };
  options.compact = true;
  braid_trace_follower *f = NULL;
  braid_trace *trace = NULL;
  g_assert_cmpint (braid_trace_follow (path, &options, &f, &trace, NULL), ==,
                   0);
  braid_timeline_model *model = braid_timeline_model_new (trace);

  /* The first grown model, kept: its pixels and marks now. */
  braid_trace *kept_trace = NULL;
  braid_timeline_model *kept = NULL;
  cairo_surface_t *kept_pixels = NULL;
  size_t kept_marks = 0;

  unsigned grown = 0;
  bool running = true;
  while (running)
    {
      g_usleep (30000);
      running = braid_trace_follower_liveness (f) == BRAID_LIVENESS_RUNNING;
      braid_trace *next = NULL;
      g_assert_cmpint (braid_trace_follower_update (f, &next, NULL), >=, 0);
      if (!next)
        continue;
      braid_timeline_model *m = braid_timeline_model_new_after (next, model);
      braid_timeline_model *fresh = braid_timeline_model_new (next);
      g_assert_nonnull (m);
      g_assert_nonnull (fresh);
      assert_same_answers (m, fresh, next);
      for (int axis = 0; axis < 2; axis++)
        {
          cairo_surface_t *a = draw (m, fresh, axis);
          cairo_surface_t *b = draw (fresh, fresh, axis);
          assert_same_pixels (a, b);
          cairo_surface_destroy (a);
          cairo_surface_destroy (b);
        }
      braid_timeline_model_free (fresh);
      grown++;
      if (!kept)
        {
          /* Kept, with its trace: the next models grow from it. */
          kept = m;
          kept_trace = next;
          kept_pixels = draw (kept, kept, BRAID_TIMELINE_AXIS_TIME);
          braid_trace_get_marks (kept_trace, &kept_marks);
        }
      if (model != kept)
        {
          braid_timeline_model_free (model);
          braid_trace_close (trace);
        }
      model = m;
      trace = next;
    }
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_cmpuint (grown, >=, 3);
  g_assert_nonnull (kept);

  /* The kept model after the store grew behind it, and the last model
   * after the ones between were freed. */
  cairo_surface_t *again = draw (kept, kept, BRAID_TIMELINE_AXIS_TIME);
  assert_same_pixels (again, kept_pixels);
  cairo_surface_destroy (again);
  size_t n_marks;
  braid_trace_get_marks (kept_trace, &n_marks);
  g_assert_cmpuint (n_marks, ==, kept_marks);
  braid_timeline_model_free (kept);
  braid_trace_close (kept_trace);
  braid_timeline_model *fresh = braid_timeline_model_new (trace);
  assert_same_answers (model, fresh, trace);
  braid_timeline_model_free (fresh);
  braid_timeline_model_free (model);
  braid_trace_close (trace);
  braid_trace_follower_free (f);
  cairo_surface_destroy (kept_pixels);
  char *suffixes[] = { "", "-wal", "-shm" };
  for (int i = 0; i < 3; i++)
    {
      char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
      g_free (file);
    }
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/live-model/grown-model-is-the-fresh-one",
                   test_grown_model_is_the_fresh_one);
  return g_test_run ();
}
