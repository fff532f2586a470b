/* test-timeline-model.c: the timeline model and view on a real trace:
 * lanes nest under parents, collapsing hides descendants, the filter keeps
 * ancestors, hit-testing finds the slice under a pixel, and zooming keeps
 * the value under the pointer in place.
 */
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
  return g_test_run ();
}
