/* test-timeline-model.c: the timeline model and view on a real trace:
 * lanes nest under parents, collapsing hides descendants, the filter keeps
 * ancestors, hit-testing finds the slice under a pixel, zooming keeps
 * the value under the pointer in place, and the wait-for graph under the
 * pointer is found and drawn at the step there on either axis, or at a
 * step given, where several share a pixel.
 */
#include <string.h>

#include <braid/braid-hooks.h>

#include "viewer-test-util.h"

static braid_trace *trace;
static braid_timeline_model *model;

static gboolean
load (const char *sample)
{
  char *db = vt_record_sample (sample, NULL);
  if (!db)
    return FALSE;
  trace = vt_open (db);
  model = braid_timeline_model_new (trace);
  g_assert_nonnull (model);
  g_free (db);
  return TRUE;
}

static void
unload (void)
{
  braid_timeline_model_free (model);
  braid_trace_close (trace);
  model = NULL;
  trace = NULL;
}

static void
test_children_follow_their_parent_and_collapse (void)
{
  if (!load ("never_retrieved"))
    return;
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (braid_timeline_model_get_n_lanes (model), ==, n);
  int32_t parent = -1;
  for (size_t t = 0; t < n; t++)
    if (tasks[t].parent >= 0)
      {
        parent = tasks[t].parent;
        /* A child's lane comes after its parent's. */
        g_assert_cmpint (braid_timeline_model_task_lane (model, (int32_t)t), >,
                         braid_timeline_model_task_lane (model, parent));
      }
  g_assert_cmpint (parent, >=, 0);
  g_assert_true (braid_timeline_model_task_has_children (model, parent));
  braid_timeline_model_set_collapsed (model, parent, true);
  for (size_t t = 0; t < n; t++)
    if (tasks[t].parent == parent)
      g_assert_cmpint (braid_timeline_model_task_lane (model, (int32_t)t), ==,
                       -1);
  /* Revealing a child expands its parent again. */
  for (size_t t = 0; t < n; t++)
    if (tasks[t].parent == parent)
      {
        braid_timeline_model_reveal (model, (int32_t)t);
        g_assert_cmpint (braid_timeline_model_task_lane (model, (int32_t)t), >=,
                         0);
        break;
      }
  unload ();
}

static void
test_filter_keeps_matches_and_their_ancestors (void)
{
  if (!load ("never_retrieved"))
    return;
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  int32_t child = -1;
  for (size_t t = 0; t < n; t++)
    if (tasks[t].parent >= 0)
      child = (int32_t)t;
  g_assert_cmpint (child, >=, 0);
  size_t matched = braid_timeline_model_set_filter (model, tasks[child].name);
  g_assert_cmpuint (matched, >=, 1);
  g_assert_cmpint (braid_timeline_model_task_lane (model, child), >=, 0);
  g_assert_cmpint (braid_timeline_model_task_lane (model, tasks[child].parent),
                   >=, 0);
  g_assert_cmpuint (braid_timeline_model_get_n_lanes (model), <, n);
  g_assert_cmpuint (
      braid_timeline_model_set_filter (model, "no task is named so"), ==, 0);
  g_assert_cmpuint (braid_timeline_model_get_n_lanes (model), ==, 0);
  braid_timeline_model_set_filter (model, NULL);
  g_assert_cmpuint (braid_timeline_model_get_n_lanes (model), ==, n);
  unload ();
}

static void
test_hit_test_finds_the_slice_under_the_pointer (void)
{
  if (!load ("print_numbers"))
    return;
  braid_timeline_view v;
  braid_timeline_view_init (&v, model, 1000, 400);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_STEPS);
  braid_timeline_view_fit (&v, model);
  size_t n;
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n);
  int hits = 0;
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_slice *s = &slices[i];
      if (s->end_step <= s->start_step)
        continue;
      double x
          = braid_timeline_view_x_for (&v, (s->start_step + s->end_step) / 2.0);
      int64_t lane = braid_timeline_model_task_lane (model, (int32_t)s->task);
      double y = braid_timeline_view_lane_y (&v, lane) + v.lane_height / 2.0;
      braid_timeline_hit hit;
      g_assert_true (braid_timeline_hit_test (model, &v, x, y, &hit));
      g_assert_cmpint (hit.area, ==, BRAID_TIMELINE_AREA_LANE);
      g_assert_cmpint (hit.task, ==, (int32_t)s->task);
      g_assert_cmpint (hit.slice, ==, (int64_t)i);
      hits++;
    }
  g_assert_cmpint (hits, >=, 10);
  /* The ruler is not a lane. */
  braid_timeline_hit hit;
  braid_timeline_hit_test (model, &v, 500, 5, &hit);
  g_assert_cmpint (hit.area, ==, BRAID_TIMELINE_AREA_RULER);
  g_assert_cmpint (hit.task, ==, -1);
  unload ();
}

static void
test_zoom_keeps_the_anchor_in_place (void)
{
  if (!load ("wait_for_timeout"))
    return;
  braid_timeline_view v;
  braid_timeline_view_init (&v, model, 1000, 400);
  double before = braid_timeline_view_value_at (&v, 600);
  braid_timeline_view_zoom (&v, model, 8, 600);
  g_assert_cmpfloat_with_epsilon (braid_timeline_view_value_at (&v, 600),
                                  before, v.scale);
  braid_timeline_view_zoom (&v, model, 1e-9, 600);
  /* Zooming out stops at the whole trace. */
  g_assert_cmpfloat (v.origin, ==, 0);
  unload ();
}

/* Switching axis keeps the same stretch of the run in view: a fitted
 * view stays fitted, a zoomed one shows the steps that ran in its time
 * range (and back). */
static void
test_axis_switch_keeps_the_stretch_in_view (void)
{
  if (!load ("fetch_urls"))
    return;
  braid_timeline_view v;
  braid_timeline_view_init (&v, model, 1000, 400);
  double t_extent
      = braid_timeline_model_get_extent (model, BRAID_TIMELINE_AXIS_TIME);
  double s_extent
      = braid_timeline_model_get_extent (model, BRAID_TIMELINE_AXIS_STEPS);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_STEPS);
  g_assert_cmpfloat (v.origin, ==, 0);
  g_assert_cmpfloat (braid_timeline_view_value_at (&v, v.width), >=,
                     s_extent);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_TIME);
  g_assert_cmpfloat (v.origin, ==, 0);
  g_assert_cmpfloat (braid_timeline_view_value_at (&v, v.width), >=,
                     t_extent);
  /* The middle third of the run on wall time. */
  double a = t_extent / 3, b = 2 * t_extent / 3;
  braid_timeline_view_show_range (&v, model, a, b);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_STEPS);
  double sa = braid_timeline_model_convert (model, BRAID_TIMELINE_AXIS_TIME, a);
  double sb = braid_timeline_model_convert (model, BRAID_TIMELINE_AXIS_TIME, b);
  g_test_message ("time [%g, %g] -> steps [%g, %g], view origin %g scale %g",
                  a, b, sa, sb, v.origin, v.scale);
  g_assert_cmpfloat_with_epsilon (v.origin, sa, 1e-6);
  double right = braid_timeline_view_value_at (&v, v.width);
  g_assert_cmpfloat (right, >=, sb);
  /* The step running at the right edge stays in view; a few steps are
   * shown at the deepest zoom (a hundredth of a step per pixel). */
  g_assert_cmpfloat (right, <=,
                     MAX (sb + 1, sa + 0.01 * (v.width - v.label_width))
                         + 1e-6);
  g_assert_cmpfloat (right, <, s_extent);
  /* And back: the steps' times cover the range again. */
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_TIME);
  g_assert_cmpfloat (v.origin, <=, a);
  g_assert_cmpfloat (braid_timeline_view_value_at (&v, v.width), >=, b);
  unload ();
}

/* A virtual-clock trace opens on loop steps: its steps take no time. */
static void
test_virtual_clock_prefers_steps (void)
{
  if (!load ("print_numbers"))
    return;
  g_assert_cmpstr (braid_trace_get_meta (trace)->clock, ==, "virtual");
  g_assert_cmpint (braid_timeline_model_preferred_axis (model), ==,
                   BRAID_TIMELINE_AXIS_STEPS);
  unload ();
}

/* Who woke whom in fetch_urls: the parent's resumption after its gather
 * was caused by a gathered child; a resumption after a sleep by the
 * loop (from = -1). */
static void
test_find_waker_names_the_cause (void)
{
  if (!load ("fetch_urls"))
    return;
  size_t n_edges, n_tasks;
  const braid_trace_edge *edges = braid_trace_get_edges (trace, &n_edges);
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  int by_child = 0, by_loop = 0;
  for (size_t t = 0; t < n_tasks; t++)
    {
      size_t first, n;
      braid_timeline_model_task_slices (model, (int32_t)t, &first, &n);
      for (size_t i = first; i < first + n; i++)
        {
          braid_trace_slice sl;
          g_assert_true (braid_timeline_model_get_slice (model, (int64_t)i,
                                                         &sl));
          if (sl.state != BRAID_STATE_WAITING)
            continue;
          int64_t e = braid_timeline_model_find_waker (model, (int32_t)t,
                                                       (int64_t)i);
          if (sl.wait_reason == BRAID_WAIT_GATHER)
            {
              g_assert_cmpint (e, >=, 0);
              g_assert_cmpint (edges[e].kind, ==, BRAID_EDGE_GATHER);
              g_assert_cmpint (edges[e].to, ==, (int32_t)t);
              g_assert_cmpint (tasks[edges[e].from].parent, ==, (int32_t)t);
              by_child++;
            }
          else if (sl.wait_reason == BRAID_WAIT_SLEEP && e >= 0)
            {
              g_assert_cmpint (edges[e].from, ==, -1);
              g_assert_cmpint (edges[e].to, ==, (int32_t)t);
              by_loop++;
            }
        }
    }
  g_assert_cmpint (by_child, ==, 1);
  g_assert_cmpint (by_loop, >=, 1);
  g_assert_cmpint (n_edges, >, 0);
  unload ();
}

/* event_workers: worker2 waits on an event that worker1 sets, so its
 * wait was ended by worker1, through the event. */
static void
test_find_waker_names_the_setter_of_an_event (void)
{
  if (!load ("event_workers"))
    return;
  size_t n_edges, n_tasks;
  const braid_trace_edge *edges = braid_trace_get_edges (trace, &n_edges);
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  int found = 0;
  for (size_t t = 0; t < n_tasks; t++)
    {
      size_t first, n;
      braid_timeline_model_task_slices (model, (int32_t)t, &first, &n);
      for (size_t i = first; i < first + n; i++)
        {
          braid_trace_slice sl;
          braid_timeline_model_get_slice (model, (int64_t)i, &sl);
          if (sl.state != BRAID_STATE_WAITING
              || sl.wait_reason != BRAID_WAIT_EVENT)
            continue;
          int64_t e = braid_timeline_model_find_waker (model, (int32_t)t,
                                                       (int64_t)i);
          g_assert_cmpint (e, >=, 0);
          g_assert_cmpint (edges[e].kind, ==, BRAID_EDGE_WAKE);
          g_assert_cmpint (edges[e].from, >=, 0);
          g_assert_cmpstr (tasks[edges[e].from].name, ==, "worker1");
          g_assert_cmpstr (tasks[t].name, ==, "worker2");
          g_assert_cmpuint (edges[e].object, ==, sl.object);
          found++;
        }
    }
  g_assert_cmpint (found, ==, 1);
  unload ();
}

/* Each output dot stands for the line its task printed, and two dots of
 * one step for two different lines. */
static void
test_output_marks_find_their_lines (void)
{
  if (!load ("print_numbers"))
    return;
  size_t n_marks, n_outputs;
  const braid_trace_mark *marks = braid_trace_get_marks (trace, &n_marks);
  const braid_trace_output *outputs
      = braid_trace_get_outputs (trace, &n_outputs);
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  int n = 0;
  for (size_t i = 0; i < n_marks; i++)
    {
      int64_t o = braid_timeline_model_mark_output (model, (int64_t)i);
      if (marks[i].kind != BRAID_MARK_OUTPUT)
        {
          g_assert_cmpint (o, ==, -1);
          continue;
        }
      g_assert_cmpint (o, >=, 0);
      g_assert_cmpint (outputs[o].task, ==, marks[i].task);
      g_assert_cmpuint (outputs[o].step, ==, marks[i].step);
      g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (o + 1)));
      g_hash_table_add (seen, GINT_TO_POINTER (o + 1));
      n++;
    }
  g_assert_cmpint (n, ==, (int)n_outputs);
  g_hash_table_destroy (seen);
  unload ();
}

/* The filter matches what a task printed, and hides the arrows of the
 * tasks it hides. */
static void
test_filter_matches_output_and_hides_arrows (void)
{
  if (!load ("fetch_urls"))
    return;
  size_t n_outputs, n_edges;
  const braid_trace_output *outputs
      = braid_trace_get_outputs (trace, &n_outputs);
  const braid_trace_edge *edges = braid_trace_get_edges (trace, &n_edges);
  int32_t writer = -1;
  for (size_t i = 0; i < n_outputs && writer < 0; i++)
    if (outputs[i].task >= 0 && strlen (outputs[i].text) > 4)
      writer = outputs[i].task;
  g_assert_cmpint (writer, >=, 0);
  const char *text = NULL;
  for (size_t i = 0; i < n_outputs; i++)
    if (outputs[i].task == writer)
      text = outputs[i].text;
  g_assert_true (braid_timeline_model_set_filter (model, text) >= 1);
  g_assert_true (braid_timeline_model_task_matches (model, writer));
  braid_timeline_view v;
  braid_timeline_view_init (&v, model, 1000, 400);
  int hidden = 0;
  for (size_t i = 0; i < n_edges; i++)
    {
      double x0, y0, x1, y1;
      bool drawn = braid_timeline_edge_points (model, &v, (int64_t)i, &x0,
                                               &y0, &x1, &y1);
      bool from_hidden
          = edges[i].from >= 0
            && braid_timeline_model_task_lane (model, edges[i].from) < 0;
      bool to_hidden = braid_timeline_model_task_lane (model, edges[i].to) < 0;
      if (from_hidden || to_hidden)
        {
          g_assert_false (drawn);
          hidden++;
        }
    }
  g_assert_cmpint (hidden, >=, 1);
  unload ();
}

/* The filter finds a task by its error message. */
static void
test_filter_matches_error_messages (void)
{
  if (!load ("never_retrieved"))
    return;
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  int32_t failed = -1;
  for (size_t t = 0; t < n; t++)
    if (*tasks[t].error_message)
      failed = (int32_t)t;
  g_assert_cmpint (failed, >=, 0);
  g_assert_cmpuint (
      braid_timeline_model_set_filter (model, tasks[failed].error_message),
      >=, 1);
  g_assert_true (braid_timeline_model_task_matches (model, failed));
  g_assert_cmpint (braid_timeline_model_task_lane (model, failed), >=, 0);
  g_assert_true (braid_timeline_text_matches (tasks[failed].error_message,
                                              tasks[failed].error_message));
  g_assert_false (braid_timeline_text_matches (tasks[failed].error_message,
                                               ""));
  unload ();
}

/* The whole run as a range, on either axis, adds up to each task's own
 * totals; a range of zero width is refused. */
static void
test_range_stats_of_the_whole_run (void)
{
  if (!load ("semaphore_bounded"))
    return;
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  int64_t waiting = 0, running = 0;
  for (size_t t = 0; t < n; t++)
    {
      waiting += tasks[t].waiting_ns;
      running += tasks[t].running_ns;
    }
  for (int axis = 0; axis < 2; axis++)
    {
      braid_timeline_range_stats st;
      double extent = braid_timeline_model_get_extent (model, axis);
      g_assert_cmpint (braid_timeline_model_range_stats (model, axis, 0,
                                                         extent + 1, &st),
                       ==, 0);
      g_assert_cmpint (st.total_waiting_ns, ==, waiting);
      g_assert_cmpint (st.total_running_ns, ==, running);
      g_assert_cmpuint (st.n_alive, ==, n);
      g_assert_cmpuint (st.to_step - st.from_step, ==,
                        braid_trace_get_meta (trace)->n_steps);
      for (size_t t = 0; t < n; t++)
        g_assert_cmpint (st.waiting_ns[t], ==, tasks[t].waiting_ns);
      /* 2.75 s of sleeps (50..500 ms) on the virtual clock. */
      g_assert_cmpint (st.reason_ns[BRAID_WAIT_SLEEP], ==, 2750000000);
      braid_timeline_range_stats_clear (&st);
    }
  braid_timeline_range_stats st;
  g_assert_cmpint (braid_timeline_model_range_stats (
                       model, BRAID_TIMELINE_AXIS_TIME, 5, 5, &st),
                   ==, -1);
  braid_timeline_range_stats_clear (&st);
  unload ();
}

/* Draws @model with @v, then the wait-for graph at pixel @x over it, on
 * an image surface: each arrow braid_timeline_wait_graph_arrows() gives
 * is a vertical stroke of the graph's colour from its task's lane to
 * its holder's, none there before. Returns the number of arrows. */
static size_t
check_wait_graph_drawn (const braid_timeline_view *v, double x)
{
  guint32 colour = vt_rgb_hex (braid_timeline_wait_graph_color ());
  size_t n = braid_timeline_wait_graph_arrows (model, v, x, NULL, 0);
  braid_timeline_wait_arrow *a = g_new0 (braid_timeline_wait_arrow, n + 1);
  g_assert_cmpuint (braid_timeline_wait_graph_arrows (model, v, x, a, n), ==,
                    n);
  cairo_surface_t *s
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, v->width, v->height);
  cairo_t *cr = cairo_create (s);
  braid_timeline_draw (model, v, cr);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpint (a[i].holder, >=, 0);
      g_assert_cmpuint (
          vt_pixel (s, (int)a[i].x, (int)((a[i].y0 + a[i].y1) / 2)), !=,
          colour);
    }
  g_assert_cmpuint (braid_timeline_draw_wait_graph (model, v, cr, x), ==, n);
  for (size_t i = 0; i < n; i++)
    {
      /* Clear of the arrow's head, its dot and the caption. */
      double top = MIN (a[i].y0, a[i].y1) + 8;
      double bottom = MAX (a[i].y0, a[i].y1) - 8;
      for (double y = top; y < bottom; y += 1)
        g_assert_cmpuint (vt_pixel (s, (int)a[i].x, (int)y), ==, colour);
    }
  /* Over the lane labels, no graph. */
  g_assert_cmpuint (
      braid_timeline_draw_wait_graph (model, v, cr, v->label_width - 1), ==,
      0);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  g_free (a);
  return n;
}

/* The fair run of tests/tracer/prim-program.c has a step where w1, w2
 * and w3 all wait on the lock the main task holds: at that step on the
 * loop-step axis the graph reads "wN → lock K → Task-1" three times, and
 * three arrows go up from the workers' lanes to the main task's. */
static void
test_wait_graph_under_the_pointer (void)
{
  const char *args[] = { "fair", NULL };
  char *db = vt_record_sample ("prim", args);
  if (!db)
    return;
  trace = vt_open (db);
  model = braid_timeline_model_new (trace);
  g_free (db);
  uint64_t n_steps = braid_trace_get_meta (trace)->n_steps;
  uint64_t step = UINT64_MAX;
  char *text = NULL;
  for (uint64_t s = 0; s <= n_steps && step == UINT64_MAX; s++)
    {
      text = braid_timeline_model_wait_graph_text (model, s);
      if (text && strstr (text, "w3 → lock "))
        step = s;
      else
        g_clear_pointer (&text, g_free);
    }
  g_assert_cmpuint (step, !=, UINT64_MAX);
  g_test_message ("step %" G_GUINT64_FORMAT ":\n%s", step, text);
  const char *const workers[] = { "w1", "w2", "w3" };
  for (int i = 0; i < 3; i++)
    {
      char *start = g_strdup_printf ("%s → lock ", workers[i]);
      g_assert_true (vt_has_line (text, start, "", " → Task-1"));
      g_free (start);
    }
  g_assert_null (strstr (text, "(deadlock cycle)"));
  g_free (text);
  braid_timeline_view v;
  braid_timeline_view_init (&v, model, 900, 300);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_STEPS);
  double x = braid_timeline_view_x_for (&v, (double)step + 0.5);
  g_assert_cmpuint (braid_timeline_view_step_at (model, &v, x), ==, step);
  braid_timeline_wait_arrow a[8];
  g_assert_cmpuint (braid_timeline_wait_graph_arrows (model, &v, x, a, 8), ==,
                    3);
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpstr (tasks[a[i].task].name, ==, workers[i]);
      g_assert_cmpstr (tasks[a[i].holder].name, ==, "Task-1");
      g_assert_false (a[i].in_cycle);
      g_assert_cmpfloat (a[i].y1, <, a[i].y0);
    }
  g_assert_cmpuint (check_wait_graph_drawn (&v, x), ==, 3);
  unload ();
}

/* On wall time: semaphore_bounded's waiters wait on the three tasks
 * holding its permits. At a time between two steps that do not share
 * it, the pixel there maps to the earlier step, and the graph drawn is
 * that step's: an arrow per waiter and holder. */
static void
test_wait_graph_on_wall_time (void)
{
  if (!load ("semaphore_bounded"))
    return;
  braid_timeline_view v;
  braid_timeline_view_init (&v, model, 900, 400);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_TIME);
  uint64_t n_steps = braid_trace_get_meta (trace)->n_steps;
  size_t best = 0;
  uint64_t step = 0;
  for (uint64_t s = 0; s + 1 < n_steps; s++)
    {
      double t0 = braid_timeline_model_convert (
          model, BRAID_TIMELINE_AXIS_STEPS, (double)s);
      double t1 = braid_timeline_model_convert (
          model, BRAID_TIMELINE_AXIS_STEPS, (double)s + 1);
      double x = braid_timeline_view_x_for (&v, (t0 + t1) / 2);
      /* Steps a few pixels apart, so the pixel is the step's alone. */
      if (braid_timeline_view_x_for (&v, t1)
              - braid_timeline_view_x_for (&v, t0)
          < 4)
        continue;
      size_t k = braid_timeline_wait_graph_arrows (model, &v, x, NULL, 0);
      if (k > best)
        {
          best = k;
          step = s;
        }
    }
  g_assert_cmpuint (best, >=, 3);
  double x = braid_timeline_view_x_for (
      &v, (braid_timeline_model_convert (model, BRAID_TIMELINE_AXIS_STEPS,
                                         (double)step)
           + braid_timeline_model_convert (model, BRAID_TIMELINE_AXIS_STEPS,
                                           (double)step + 1))
              / 2);
  g_assert_cmpuint (braid_timeline_view_step_at (model, &v, x), ==, step);
  char *text = braid_timeline_model_wait_graph_text (model, step);
  g_test_message ("step %" G_GUINT64_FORMAT ":\n%s", step, text);
  g_assert_nonnull (strstr (text, " → semaphore "));
  g_free (text);
  g_assert_cmpuint (check_wait_graph_drawn (&v, x), ==, best);
  unload ();
}

/* The wait-for graph of a step given rather than read from a pixel
 * (braid_timeline_draw_wait_graph_at_step, the instant a click on an
 * empty point of a lane selects): deadlock_locks runs under the virtual
 * clock, so on wall time all its steps share one pixel, which reads as
 * another step, where nobody waits; drawn at the deadlock's step, the
 * graph there is the cycle's two arrows, in the deadlock colour. On the
 * step axis the step's pixel reads as the step again. */
static void
test_wait_graph_at_a_step_sharing_its_pixel (void)
{
  if (!load ("deadlock_locks"))
    return;
  size_t n_problems;
  const braid_trace_problem *p = braid_trace_get_problems (trace,
                                                          &n_problems);
  g_assert_cmpuint (n_problems, ==, 1);
  uint64_t step = p[0].step;
  g_assert_cmpuint (step, >, 0);
  braid_timeline_view v;
  braid_timeline_view_init (&v, model, 900, 300);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_STEPS);
  double x = braid_timeline_view_x_for_step (model, &v, step);
  g_assert_cmpuint (braid_timeline_view_step_at (model, &v, x), ==, step);
  braid_timeline_view_set_axis (&v, model, BRAID_TIMELINE_AXIS_TIME);
  x = braid_timeline_view_x_for_step (model, &v, step);
  g_assert_cmpfloat (x, ==, braid_timeline_view_x_for_step (model, &v, 0));
  uint64_t other = braid_timeline_view_step_at (model, &v, x);
  g_assert_cmpuint (other, !=, step);
  g_assert_null (braid_timeline_model_wait_graph_text (model, other));

  cairo_surface_t *s
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, v.width, v.height);
  cairo_t *cr = cairo_create (s);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  guint32 red = vt_rgb_hex (braid_timeline_deadlock_color ());
  g_assert_cmpuint (braid_timeline_draw_wait_graph (model, &v, cr, x), ==, 0);
  g_assert_cmpuint (vt_count_near (s, red, 0, v.height), ==, 0);
  g_assert_cmpuint (
      braid_timeline_draw_wait_graph_at_step (model, &v, cr, step), ==, 2);
  g_assert_cmpuint (vt_count_near (s, red, 0, v.height), >=, 20);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  unload ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/viewer/model/children-follow-their-parent-and-collapse",
                   test_children_follow_their_parent_and_collapse);
  g_test_add_func ("/viewer/model/filter-keeps-matches-and-their-ancestors",
                   test_filter_keeps_matches_and_their_ancestors);
  g_test_add_func ("/viewer/view/hit-test-finds-the-slice-under-the-pointer",
                   test_hit_test_finds_the_slice_under_the_pointer);
  g_test_add_func ("/viewer/view/zoom-keeps-the-anchor-in-place",
                   test_zoom_keeps_the_anchor_in_place);
  g_test_add_func ("/viewer/view/axis-switch-keeps-the-stretch-in-view",
                   test_axis_switch_keeps_the_stretch_in_view);
  g_test_add_func ("/viewer/model/virtual-clock-prefers-steps",
                   test_virtual_clock_prefers_steps);
  g_test_add_func ("/viewer/model/find-waker-names-the-cause",
                   test_find_waker_names_the_cause);
  g_test_add_func ("/viewer/model/find-waker-names-the-setter-of-an-event",
                   test_find_waker_names_the_setter_of_an_event);
  g_test_add_func ("/viewer/model/output-marks-find-their-lines",
                   test_output_marks_find_their_lines);
  g_test_add_func ("/viewer/model/filter-matches-output-and-hides-arrows",
                   test_filter_matches_output_and_hides_arrows);
  g_test_add_func ("/viewer/model/filter-matches-error-messages",
                   test_filter_matches_error_messages);
  g_test_add_func ("/viewer/model/range-stats-of-the-whole-run",
                   test_range_stats_of_the_whole_run);
  g_test_add_func ("/viewer/view/wait-graph-under-the-pointer",
                   test_wait_graph_under_the_pointer);
  g_test_add_func ("/viewer/view/wait-graph-at-a-step-sharing-its-pixel",
                   test_wait_graph_at_a_step_sharing_its_pixel);
  g_test_add_func ("/viewer/view/wait-graph-on-wall-time",
                   test_wait_graph_on_wall_time);
  return g_test_run ();
}
