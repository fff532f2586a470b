/* test-compact-load.c: the reader's compact mode (the viewer's) holds the
 * same slices as the full mode (the CLI's), read back through the
 * timeline model, with the same task totals; the full accessor is empty
 * in compact mode; a windowed compact load agrees with a windowed full
 * one; the model draws the same picture from either; and the drawing's
 * pixel layer agrees with cairo.
 */
#include "viewer-test-util.h"

static braid_trace *
open_mode (const char *db, bool compact, int64_t start, int64_t end)
{
  braid_trace_load_options o = { .start_ns = start, .end_ns = end,
                                 .compact = compact };
  braid_trace *t = NULL;
  char *error = NULL;
  int rc = braid_trace_open (db, &o, &t, &error);
  if (rc != 0)
    g_error ("cannot open %s: %s", db, error);
  return t;
}

/* Every slice and task total of @full and @compact agree. */
static void
assert_same_slices (braid_trace *full, braid_trace *compact)
{
  size_t n_full, n_compact, n_tasks, n_tasks2;
  const braid_trace_slice *slices = braid_trace_get_slices (full, &n_full);
  g_assert_nonnull (braid_trace_get_compact_slices (compact, &n_compact));
  g_assert_cmpuint (n_compact, ==, n_full);
  g_assert_cmpuint (n_full, >, 0);
  size_t n_none = 1;
  g_assert_null (braid_trace_get_slices (compact, &n_none));
  g_assert_cmpuint (n_none, ==, 0);
  const braid_trace_task *a = braid_trace_get_tasks (full, &n_tasks);
  const braid_trace_task *b = braid_trace_get_tasks (compact, &n_tasks2);
  g_assert_cmpuint (n_tasks, ==, n_tasks2);
  for (size_t t = 0; t < n_tasks; t++)
    {
      g_assert_cmpuint (a[t].first_slice, ==, b[t].first_slice);
      g_assert_cmpuint (a[t].n_slices, ==, b[t].n_slices);
      g_assert_cmpint (a[t].running_ns, ==, b[t].running_ns);
      g_assert_cmpint (a[t].ready_ns, ==, b[t].ready_ns);
      g_assert_cmpint (a[t].waiting_ns, ==, b[t].waiting_ns);
    }
  braid_timeline_model *m = braid_timeline_model_new (compact);
  g_assert_nonnull (m);
  for (size_t i = 0; i < n_full; i++)
    {
      braid_trace_slice s;
      g_assert_true (braid_timeline_model_get_slice (m, (int64_t)i, &s));
      g_assert_cmpuint (s.task, ==, slices[i].task);
      g_assert_cmpint (s.state, ==, slices[i].state);
      g_assert_cmpuint (s.wait_reason, ==, slices[i].wait_reason);
      g_assert_cmpuint (s.object, ==, slices[i].object);
      g_assert_cmpint (s.start_ns, ==, slices[i].start_ns);
      g_assert_cmpint (s.end_ns, ==, slices[i].end_ns);
      g_assert_cmpuint (s.start_step, ==, slices[i].start_step);
      g_assert_cmpuint (s.end_step, ==, slices[i].end_step);
    }
  braid_trace_slice s;
  g_assert_false (braid_timeline_model_get_slice (m, (int64_t)n_full, &s));
  g_assert_false (braid_timeline_model_get_slice (m, -1, &s));
  braid_timeline_model_free (m);
}

static void
test_compact_slices_equal_the_full_ones (void)
{
  const char *samples[] = { "print_numbers", "might_fail", "never_retrieved" };
  for (size_t k = 0; k < G_N_ELEMENTS (samples); k++)
    {
      char *db = vt_record_sample (samples[k], NULL);
      if (!db)
        return;
      braid_trace *full = open_mode (db, false, 0, 0);
      braid_trace *compact = open_mode (db, true, 0, 0);
      assert_same_slices (full, compact);
      g_assert_null (braid_trace_get_compact_slices (full, NULL));
      braid_trace_close (full);
      braid_trace_close (compact);
      g_free (db);
    }
}

static void
test_a_windowed_compact_load_equals_the_full_one (void)
{
  char *db = vt_record_sample ("might_fail", NULL);
  if (!db)
    return;
  braid_trace *whole = open_mode (db, false, 0, 0);
  int64_t d = braid_trace_get_meta (whole)->duration_ns;
  g_assert_cmpint (d, >, 4);
  braid_trace_close (whole);
  braid_trace *full = open_mode (db, false, d / 4, d / 2);
  braid_trace *compact = open_mode (db, true, d / 4, d / 2);
  assert_same_slices (full, compact);
  braid_trace_close (full);
  braid_trace_close (compact);
  g_free (db);
}

/* The pixels of a frame of @trace's model; @device_scale 2 makes cairo
 * draw the lanes instead of the pixel layer. */
static cairo_surface_t *
draw_scaled (braid_trace *trace, braid_timeline_axis axis, int device_scale)
{
  braid_timeline_model *m = braid_timeline_model_new (trace);
  braid_timeline_view v;
  braid_timeline_view_init (&v, m, 900, 300);
  braid_timeline_view_set_axis (&v, m, axis);
  braid_timeline_view_fit (&v, m);
  v.device_scale = device_scale;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 900,
                                                   300);
  cairo_t *cr = cairo_create (s);
  braid_timeline_draw (m, &v, cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  braid_timeline_model_free (m);
  return s;
}

static cairo_surface_t *
draw (braid_trace *trace, braid_timeline_axis axis)
{
  return draw_scaled (trace, axis, 1);
}

static void
test_both_modes_draw_the_same_pixels (void)
{
  char *db = vt_record_sample ("print_numbers", NULL);
  if (!db)
    return;
  braid_trace *full = open_mode (db, false, 0, 0);
  braid_trace *compact = open_mode (db, true, 0, 0);
  for (int axis = 0; axis < 2; axis++)
    {
      cairo_surface_t *a = draw (full, axis), *b = draw (compact, axis);
      int stride = cairo_image_surface_get_stride (a);
      g_assert_cmpint (memcmp (cairo_image_surface_get_data (a),
                               cairo_image_surface_get_data (b),
                               (size_t)stride * 300),
                       ==, 0);
      cairo_surface_destroy (a);
      cairo_surface_destroy (b);
    }
  braid_trace_close (full);
  braid_trace_close (compact);
  g_free (db);
}

/* The pixel layer and cairo draw the same lanes: rectangles exactly,
 * the stamped marks within anti-aliasing. */
static void
test_the_layer_draws_what_cairo_draws (void)
{
  const char *samples[] = { "print_numbers", "might_fail" };
  for (size_t k = 0; k < G_N_ELEMENTS (samples); k++)
    {
      char *db = vt_record_sample (samples[k], NULL);
      if (!db)
        return;
      braid_trace *trace = open_mode (db, true, 0, 0);
      for (int axis = 0; axis < 2; axis++)
        {
          cairo_surface_t *a = draw_scaled (trace, axis, 1);
          cairo_surface_t *b = draw_scaled (trace, axis, 2);
          int far = 0, differ = 0;
          for (int y = 0; y < 300; y++)
            for (int x = 0; x < 900; x++)
              {
                guint32 p = vt_pixel (a, x, y), q = vt_pixel (b, x, y);
                int d = 0;
                for (int c = 0; c < 24; c += 8)
                  d = MAX (d, ABS ((int)(p >> c & 0xff)
                                   - (int)(q >> c & 0xff)));
                differ += d > 0;
                far += d > 48;
              }
          g_test_message ("%s axis %d: %d pixels differ, %d by more than 48",
                          samples[k], axis, differ, far);
          g_assert_cmpint (far, ==, 0);
          cairo_surface_destroy (a);
          cairo_surface_destroy (b);
        }
      braid_trace_close (trace);
      g_free (db);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/compact/slices-equal-the-full-ones",
                   test_compact_slices_equal_the_full_ones);
  g_test_add_func ("/viewer/compact/a-windowed-load-equals-the-full-one",
                   test_a_windowed_compact_load_equals_the_full_one);
  g_test_add_func ("/viewer/compact/both-modes-draw-the-same-pixels",
                   test_both_modes_draw_the_same_pixels);
  g_test_add_func ("/viewer/compact/the-layer-draws-what-cairo-draws",
                   test_the_layer_draws_what_cairo_draws);
  return g_test_run ();
}
