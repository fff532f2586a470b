/* test-render-pixels.c: braid-render draws real traces where they belong.
 *
 * Each test records a sample on the virtual clock, renders it with the
 * real braid-render, and checks pixels of the PNG at positions computed
 * from the trace through the timeline library's own view mapping (the
 * same one braid-render uses), so a lane or an x that is off fails.
 */
#include <math.h>
#include <string.h>

#include "viewer-test-util.h"

#define W 800
#define H 300

/* The view braid-render sets up for --width W --height H --no-legend. */
static void
view_like_render (const braid_timeline_model *m, braid_timeline_axis axis,
                  braid_timeline_view *v)
{
  braid_timeline_view_init (v, m, W, H);
  if (axis != v->axis)
    {
      v->axis = axis;
      braid_timeline_view_fit (v, m);
    }
}

static cairo_surface_t *
render (const char *db, const char *axis, const char *png_name)
{
  char *png = g_strdup_printf ("%s/%s", vt_tmpdir (), png_name);
  const char *argv[] = { db,
                         "-o",
                         png,
                         "--width",
                         G_STRINGIFY (W),
                         "--height",
                         G_STRINGIFY (H),
                         "--no-legend",
                         "--axis",
                         axis,
                         NULL };
  char *err = NULL;
  int status = vt_render (argv, &err);
  if (status != 0)
    g_error ("braid-render failed (%d): %s", status, err);
  g_free (err);
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, W);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, H);
  g_free (png);
  return s;
}

/* One sample's trace rendered by braid-render, opened with the reader,
 * and laid out as braid-render laid it out. */
typedef struct
{
  char *db;
  cairo_surface_t *png;
  braid_trace *trace;
  braid_timeline_model *m;
  braid_timeline_view v;
} rendered;

/* Renders the trace @db (taken: freed by rendered_close) on @axis into
 * @png_name and opens it. Returns false (the test is skipped) when there
 * is no trace (its program is not built). */
static bool
rendered_open_trace (rendered *r, char *db, braid_timeline_axis axis,
                     const char *png_name)
{
  r->db = db;
  if (!r->db)
    return false;
  r->png = render (r->db, axis == BRAID_TIMELINE_AXIS_STEPS ? "steps" : "time",
                   png_name);
  r->trace = vt_open (r->db);
  r->m = braid_timeline_model_new (r->trace);
  view_like_render (r->m, axis, &r->v);
  return true;
}

/* Records the sample @name, then as rendered_open_trace. */
static bool
rendered_open (rendered *r, const char *name, braid_timeline_axis axis,
               const char *png_name)
{
  return rendered_open_trace (r, vt_record_sample (name, NULL), axis,
                              png_name);
}

static void
rendered_close (rendered *r)
{
  braid_timeline_model_free (r->m);
  braid_trace_close (r->trace);
  cairo_surface_destroy (r->png);
  g_free (r->db);
}

static void
test_running_lane_has_running_colour_at_its_x (void)
{
  rendered r;
  if (!rendered_open (&r, "print_numbers", BRAID_TIMELINE_AXIS_STEPS,
                      "running.png"))
    return;
  cairo_surface_t *png = r.png;
  braid_trace *trace = r.trace;
  braid_timeline_model *m = r.m;
  braid_timeline_view v = r.v;

  guint32 running
      = vt_rgb_hex (braid_timeline_state_color (BRAID_STATE_RUNNING, 0));
  guint32 ready
      = vt_rgb_hex (braid_timeline_state_color (BRAID_STATE_READY, 0));
  size_t n_tasks, n_slices;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n_slices);
  int checked_running = 0, checked_ready = 0, checked_outside = 0;
  for (size_t t = 0; t < n_tasks; t++)
    {
      int64_t lane = braid_timeline_model_task_lane (m, (int32_t)t);
      g_assert_cmpint (lane, >=, 0);
      double y = braid_timeline_view_lane_y (&v, lane) + v.lane_height / 2.0;
      if (y >= H)
        continue;
      for (size_t i = 0; i < tasks[t].n_slices; i++)
        {
          const braid_trace_slice *s = &slices[tasks[t].first_slice + i];
          double x0 = braid_timeline_view_x_for (&v, (double)s->start_step);
          double x1 = braid_timeline_view_x_for (&v, (double)s->end_step);
          if (x1 - x0 < 4)
            continue;
          guint32 px = vt_pixel (png, (int)((x0 + x1) / 2), (int)y);
          if (s->state == BRAID_STATE_RUNNING)
            {
              g_assert_cmphex (px, ==, running);
              checked_running++;
            }
          else if (s->state == BRAID_STATE_READY)
            {
              g_assert_cmphex (px, ==, ready);
              checked_ready++;
            }
        }
      /* Before the task's first step, its lane is not running. */
      const braid_trace_slice *first = &slices[tasks[t].first_slice];
      double xf = braid_timeline_view_x_for (&v, (double)first->start_step);
      if (xf - v.label_width > 6)
        {
          g_assert_cmphex (vt_pixel (png, (int)xf - 3, (int)y), !=, running);
          checked_outside++;
        }
    }
  g_test_message ("checked %d running, %d ready slices, %d empty lane starts",
                  checked_running, checked_ready, checked_outside);
  g_assert_cmpint (checked_running, >=, 10);
  g_assert_cmpint (checked_ready, >=, 3);
  g_assert_cmpint (checked_outside, >=, 2);

  rendered_close (&r);
}

/* Counts runs of dark pixels (output dots) on row @y in [x0, x1). */
static int
count_dots (cairo_surface_t *png, int x0, int x1, int y)
{
  int runs = 0;
  bool in = false;
  for (int x = x0; x < x1; x++)
    {
      guint32 p = vt_pixel (png, x, y);
      bool dark = (p >> 16 & 0xff) < 0x70 && (p >> 8 & 0xff) < 0x70
                  && (p & 0xff) < 0x70;
      if (dark && !in)
        runs++;
      in = dark;
    }
  return runs;
}

static void
test_print_numbers_steps_alternate_in_blocks_of_five (void)
{
  rendered r;
  if (!rendered_open (&r, "print_numbers", BRAID_TIMELINE_AXIS_STEPS,
                      "blocks.png"))
    return;
  cairo_surface_t *png = r.png;
  braid_trace *trace = r.trace;
  braid_timeline_model *m = r.m;
  braid_timeline_view v = r.v;
  guint32 running
      = vt_rgb_hex (braid_timeline_state_color (BRAID_STATE_RUNNING, 0));

  int32_t c[2]
      = { vt_task_writing (trace, "c1_2"), vt_task_writing (trace, "c2_2") };
  g_assert_cmpint (c[0], >=, 0);
  g_assert_cmpint (c[1], >=, 0);
  double lane_top[2];
  for (int k = 0; k < 2; k++)
    lane_top[k] = braid_timeline_view_lane_y (
        &v, braid_timeline_model_task_lane (m, c[k]));

  /* Walk the steps: who of the two is running in each? */
  GString *owners = g_string_new (NULL);
  GArray *dots = g_array_new (FALSE, FALSE, sizeof (int));
  double extent = braid_timeline_model_get_extent (m, v.axis);
  for (double step = 0; step < extent; step++)
    {
      int x0 = (int)braid_timeline_view_x_for (&v, step);
      int x1 = (int)braid_timeline_view_x_for (&v, step + 1);
      int xm = (x0 + x1) / 2;
      bool run[2];
      for (int k = 0; k < 2; k++)
        run[k] = vt_pixel (png, xm, (int)(lane_top[k] + v.lane_height / 2))
                 == running;
      g_assert_false (run[0] && run[1]); /* one task runs at a time */
      for (int k = 0; k < 2; k++)
        if (run[k])
          {
            g_string_append_c (owners, k ? 'B' : 'A');
            /* Output dots sit near the bottom of the lane band. */
            int n = count_dots (png, x0 + 1, x1 - 1,
                                (int)lane_top[k] + v.lane_height - 4);
            g_array_append_val (dots, n);
          }
    }
  g_test_message ("owners %s", owners->str);
  /* c1_2 and c2_2 take turns: A B A B A B. */
  g_assert_cmpstr (owners->str, ==, "ABABAB");
  /* Blocks of five: 1 line (i = 0), then 5 (1..5), then 4 (6..9). */
  int expected[] = { 1, 1, 5, 5, 4, 4 };
  g_assert_cmpuint (dots->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < dots->len; i++)
    g_assert_cmpint (g_array_index (dots, int, i), ==, expected[i]);

  g_array_free (dots, TRUE);
  g_string_free (owners, TRUE);
  rendered_close (&r);
}

static gboolean
region_has (cairo_surface_t *png, int x0, int x1, int y0, int y1,
            guint32 colour)
{
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      if (vt_pixel (png, x, y) == colour)
        return TRUE;
  return FALSE;
}

/* The one never-retrieved mark of never_retrieved's trace @r is drawn
 * in its task's lane, at its time, and in no other lane. */
static void
check_never_retrieved_mark (rendered *r)
{
  cairo_surface_t *png = r->png;
  braid_trace *trace = r->trace;
  braid_timeline_model *m = r->m;
  braid_timeline_view v = r->v;
  guint32 magenta
      = vt_rgb_hex (braid_timeline_mark_color (BRAID_MARK_NEVER_RETRIEVED));

  size_t n_marks, n_tasks;
  const braid_trace_mark *marks = braid_trace_get_marks (trace, &n_marks);
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  int found = 0;
  for (size_t i = 0; i < n_marks; i++)
    {
      if (marks[i].kind != BRAID_MARK_NEVER_RETRIEVED)
        continue;
      /* The task whose error nobody read (both programs name it). */
      g_assert_cmpstr (tasks[marks[i].task].name, ==, "forgotten");
      int64_t lane = braid_timeline_model_task_lane (m, marks[i].task);
      int y = (int)braid_timeline_view_lane_y (&v, lane);
      int x = (int)braid_timeline_view_x_for (&v, (double)marks[i].time_ns);
      g_assert_true (
          region_has (png, x - 6, x + 7, y, y + v.lane_height, magenta));
      /* ...and only in its own lane. */
      for (size_t t = 0; t < n_tasks; t++)
        if ((int32_t)t != marks[i].task)
          {
            int yt = (int)braid_timeline_view_lane_y (
                &v, braid_timeline_model_task_lane (m, (int32_t)t));
            g_assert_false (region_has (png, x - 6, x + 7, yt + 3,
                                        yt + v.lane_height - 3, magenta));
          }
      found++;
    }
  g_assert_cmpint (found, ==, 1);

}

static void
test_never_retrieved_sample_shows_its_mark (void)
{
  rendered r;
  if (!rendered_open (&r, "never_retrieved", BRAID_TIMELINE_AXIS_TIME,
                      "never.png"))
    return;
  check_never_retrieved_mark (&r);
  rendered_close (&r);
}

/* The same on the trace of the asyncio twin, recorded by the Python
 * module: the mark asyncio's "Task exception was never retrieved" left is
 * in the lane of the task it names. */
static void
test_never_retrieved_python_twin_shows_its_mark (void)
{
  rendered r;
  if (!rendered_open_trace (&r, vt_record_twin ("never_retrieved"),
                            BRAID_TIMELINE_AXIS_TIME, "never-python.png"))
    return;
  check_never_retrieved_mark (&r);
  rendered_close (&r);

  /* asyncio reports it at exit, after the last step: on the step axis the
   * mark still shows (the axis extends to the marks after the last step),
   * in the lane of 'forgotten'. */
  if (!rendered_open_trace (&r, vt_record_twin ("never_retrieved"),
                            BRAID_TIMELINE_AXIS_STEPS,
                            "never-python-steps.png"))
    return;
  size_t n_tasks;
  const braid_trace_task *tasks = braid_trace_get_tasks (r.trace, &n_tasks);
  guint32 magenta
      = vt_rgb_hex (braid_timeline_mark_color (BRAID_MARK_NEVER_RETRIEVED));
  int shown_in = -1;
  for (size_t t = 0; t < n_tasks; t++)
    {
      int y = (int)braid_timeline_view_lane_y (
          &r.v, braid_timeline_model_task_lane (r.m, (int32_t)t));
      if (region_has (r.png, (int)r.v.label_width, W, y + 3,
                      y + r.v.lane_height - 3, magenta))
        {
          g_assert_cmpint (shown_in, ==, -1);
          shown_in = (int)t;
        }
    }
  g_assert_cmpint (shown_in, >=, 0);
  g_assert_cmpstr (tasks[shown_in].name, ==, "forgotten");
  rendered_close (&r);
}

static void
test_sleeping_lane_has_sleep_colour_on_the_time_axis (void)
{
  rendered r;
  if (!rendered_open (&r, "wait_for_timeout", BRAID_TIMELINE_AXIS_TIME,
                      "sleep.png"))
    return;
  cairo_surface_t *png = r.png;
  braid_trace *trace = r.trace;
  braid_timeline_model *m = r.m;
  braid_timeline_view v = r.v;
  size_t n;
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n);
  int checked = 0;
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_slice *s = &slices[i];
      double x0 = braid_timeline_view_x_for (&v, (double)s->start_ns);
      double x1 = braid_timeline_view_x_for (&v, (double)s->end_ns);
      if (s->state != BRAID_STATE_WAITING || x1 - x0 < 6)
        continue;
      int64_t lane = braid_timeline_model_task_lane (m, (int32_t)s->task);
      int y
          = (int)(braid_timeline_view_lane_y (&v, lane) + v.lane_height / 2.0);
      g_assert_cmphex (
          vt_pixel (png, (int)((x0 + x1) / 2), y), ==,
          vt_rgb_hex (braid_timeline_state_color (s->state, s->wait_reason)));
      checked++;
    }
  g_test_message ("checked %d waiting slices", checked);
  g_assert_cmpint (checked, >=, 2);
  rendered_close (&r);
}

/* Whether a pixel within 1 of (@x, @y) is within @tol per channel of
 * @colour: arrows are anti-aliased and drawn at 90% opacity. */
static bool
near_colour (cairo_surface_t *png, double x, double y, guint32 colour,
             int tol)
{
  for (int dy = -1; dy <= 1; dy++)
    for (int dx = -1; dx <= 1; dx++)
      {
        int px = (int)x + dx, py = (int)y + dy;
        if (px < 0 || py < 0 || px >= W || py >= H)
          continue;
        guint32 p = vt_pixel (png, px, py);
        bool near = true;
        for (int shift = 0; shift < 24; shift += 8)
          near = near
                 && ABS ((int)(p >> shift & 0xff)
                         - (int)(colour >> shift & 0xff))
                        <= tol;
        if (near)
          return true;
      }
  return false;
}

/* fetch_urls gathers three children: the three gather arrows into the
 * parent are each drawn, from three different places to its resumption,
 * in the gather arrows' colour, and each is found under the pointer at
 * its middle. A wake by the loop starts at a ring in its own colour. */
static void
test_gather_fan_in_shows_every_arrow (void)
{
  rendered r;
  if (!rendered_open (&r, "fetch_urls", BRAID_TIMELINE_AXIS_STEPS,
                      "fan-in.png"))
    return;
  size_t n_edges;
  const braid_trace_edge *edges = braid_trace_get_edges (r.trace, &n_edges);
  guint32 gather = vt_rgb_hex (
      braid_timeline_edge_color (BRAID_EDGE_GATHER, false));
  guint32 loop = vt_rgb_hex (braid_timeline_edge_color (BRAID_EDGE_WAKE, true));
  int n_gather = 0, n_loop = 0;
  int32_t parent = -1;
  double starts[3][2];
  for (size_t i = 0; i < n_edges; i++)
    {
      double x0, y0, x1, y1;
      if (!braid_timeline_edge_points (r.m, &r.v, (int64_t)i, &x0, &y0, &x1,
                                       &y1))
        continue;
      if (edges[i].kind == BRAID_EDGE_GATHER)
        {
          if (parent < 0)
            parent = edges[i].to;
          g_assert_cmpint (edges[i].to, ==, parent);
          g_assert_cmpint (n_gather, <, 3);
          starts[n_gather][0] = x0;
          starts[n_gather][1] = y0;
          /* It ends where the parent resumed: on the parent's lane. */
          int64_t lane = braid_timeline_model_task_lane (r.m, parent);
          double top = braid_timeline_view_lane_y (&r.v, lane);
          g_assert_cmpfloat (y1, >=, top);
          g_assert_cmpfloat (y1, <=, top + r.v.lane_height);
          /* Drawn along its length. */
          int seen = 0;
          for (int k = 1; k <= 5; k++)
            {
              double t = 0.25 + 0.1 * k;
              seen += near_colour (r.png, x0 + t * (x1 - x0),
                                   y0 + t * (y1 - y0), gather, 40);
            }
          g_assert_cmpint (seen, >=, 4);
          /* And found under the pointer at its middle. */
          int64_t hit = braid_timeline_edge_at (r.m, &r.v, (x0 + x1) / 2,
                                                (y0 + y1) / 2);
          g_assert_cmpint (hit, ==, (int64_t)i);
          n_gather++;
        }
      else if (edges[i].from < 0 && n_loop < 3
               && y0 > r.v.ruler_height + 4)
        {
          /* The ring at its start, in the loop's colour. */
          g_assert_true (near_colour (r.png, x0 + 2.5, y0, loop, 60)
                         || near_colour (r.png, x0 - 2.5, y0, loop, 60));
          n_loop++;
        }
    }
  g_assert_cmpint (n_gather, ==, 3);
  g_assert_cmpint (n_loop, >=, 1);
  /* Three different starting points, one per child. */
  for (int a = 0; a < 3; a++)
    for (int b = a + 1; b < 3; b++)
      g_assert_true (fabs (starts[a][0] - starts[b][0]) > 3
                     || fabs (starts[a][1] - starts[b][1]) > 3);
  rendered_close (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/render/running-lane-has-running-colour-at-its-x",
                   test_running_lane_has_running_colour_at_its_x);
  g_test_add_func (
      "/viewer/render/print-numbers-steps-alternate-in-blocks-of-five",
      test_print_numbers_steps_alternate_in_blocks_of_five);
  g_test_add_func ("/viewer/render/never-retrieved-sample-shows-its-mark",
                   test_never_retrieved_sample_shows_its_mark);
  g_test_add_func ("/viewer/render/never-retrieved-python-twin-shows-its-"
                   "mark",
                   test_never_retrieved_python_twin_shows_its_mark);
  g_test_add_func (
      "/viewer/render/sleeping-lane-has-sleep-colour-on-the-time-axis",
      test_sleeping_lane_has_sleep_colour_on_the_time_axis);
  g_test_add_func ("/viewer/render/gather-fan-in-shows-every-arrow",
                   test_gather_fan_in_shows_every_arrow);
  return g_test_run ();
}
