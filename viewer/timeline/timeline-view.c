/* timeline-view.c: the viewport of a timeline and hit-testing.
 *
 * Owns the mapping between axis values and pixels (origin + scale), lanes
 * and pixel rows, zoom, pan, fit and axis switching, and the answer to
 * "what is under this pixel". Hit-testing is by binary search in the
 * lane's slices and marks (the model's interval indexes), never a scan, so
 * hovering costs the same on a million-event trace as on a small one.
 */
#include "timeline-private.h"

#include <math.h>

/* The deepest zoom: a pixel is a hundredth of a step or a nanosecond. */
#define MIN_SCALE 0.01

double
braid__timeline_edge_pos (const braid_trace_edge *edge,
                          braid_timeline_axis axis)
{
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    return (double)edge->step + 0.5;
  return (double)edge->time_ns;
}

static double
lane_area_width (const braid_timeline_view *v)
{
  double w = v->width - (v->show_labels ? v->label_width : 0);
  return w > 1 ? w : 1;
}

static double
lane_area_left (const braid_timeline_view *v)
{
  return v->show_labels ? v->label_width : 0;
}

void
braid_timeline_view_init (braid_timeline_view *v, const braid_timeline_model *m,
                          int width, int height)
{
  v->axis = BRAID_TIMELINE_AXIS_TIME;
  v->origin = 0;
  v->scale = 1;
  v->scroll_y = 0;
  v->width = width;
  v->height = height;
  v->label_width = width >= 480 ? 180 : width / 3;
  v->ruler_height = 28;
  v->lane_height = 22;
  v->selected_task = -1;
  v->selected_slice = -1;
  v->hover_task = -1;
  v->hover_edge = -1;
  v->show_edges = true;
  v->show_labels = true;
  v->device_scale = 1;
  braid_timeline_view_fit (v, m);
}

void
braid_timeline_view_resize (braid_timeline_view *v,
                            const braid_timeline_model *m, int width,
                            int height)
{
  v->width = width;
  v->height = height;
  braid_timeline_view_clamp (v, m);
}

void
braid_timeline_view_fit (braid_timeline_view *v, const braid_timeline_model *m)
{
  double extent = braid_timeline_model_get_extent (m, v->axis);
  /* A small margin on the right so the last slice's end is visible. */
  v->origin = 0;
  v->scale = extent * 1.02 / lane_area_width (v);
  braid_timeline_view_clamp (v, m);
}

void
braid_timeline_view_show_range (braid_timeline_view *v,
                                const braid_timeline_model *m, double from,
                                double to)
{
  if (!(to > from))
    to = from + 1;
  v->origin = from;
  v->scale = (to - from) / lane_area_width (v);
  braid_timeline_view_clamp (v, m);
}

void
braid_timeline_view_set_axis (braid_timeline_view *v,
                              const braid_timeline_model *m,
                              braid_timeline_axis axis)
{
  if (axis == v->axis)
    return;
  double w = lane_area_width (v);
  double extent = braid_timeline_model_get_extent (m, v->axis);
  double right_v = v->origin + v->scale * w;
  /* A view showing the whole run stays fitted. */
  if (v->origin <= 0 && right_v >= extent)
    {
      v->axis = axis;
      braid_timeline_view_fit (v, m);
      return;
    }
  double left = braid_timeline_model_convert (m, v->axis, v->origin);
  double right = braid_timeline_model_convert (m, v->axis, right_v);
  /* A time converts to the step running then: on the step axis the right
   * edge is that step's end, so the step cut by the edge stays in view. */
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    right += 1;
  if (right_v >= extent)
    right = braid_timeline_model_get_extent (m, axis) * 1.02;
  v->axis = axis;
  if (right > left)
    braid_timeline_view_show_range (v, m, left, right);
  else
    braid_timeline_view_fit (v, m);
}

void
braid_timeline_view_zoom (braid_timeline_view *v, const braid_timeline_model *m,
                          double factor, double anchor_x)
{
  if (!(factor > 0))
    return;
  double anchor = braid_timeline_view_value_at (v, anchor_x);
  v->scale /= factor;
  braid_timeline_view_clamp (v, m);
  /* Keep the value under the anchor where it was. */
  v->origin = anchor - (anchor_x - lane_area_left (v)) * v->scale;
  braid_timeline_view_clamp (v, m);
}

void
braid_timeline_view_pan (braid_timeline_view *v, const braid_timeline_model *m,
                         double dx, double dy)
{
  v->origin += dx * v->scale;
  v->scroll_y += dy;
  braid_timeline_view_clamp (v, m);
}

void
braid_timeline_view_clamp (braid_timeline_view *v,
                           const braid_timeline_model *m)
{
  double w = lane_area_width (v);
  double extent = braid_timeline_model_get_extent (m, v->axis);
  double max_scale = extent * 1.02 / w;
  if (!(v->scale >= MIN_SCALE)) /* also catches NaN */
    v->scale = MIN_SCALE;
  if (v->scale > max_scale)
    v->scale = max_scale;
  double visible = v->scale * w;
  if (v->origin > extent * 1.02 - visible)
    v->origin = extent * 1.02 - visible;
  if (!(v->origin >= 0))
    v->origin = 0;

  double lanes_h
      = (double)braid_timeline_model_get_n_lanes (m) * v->lane_height;
  double area_h = v->height - v->ruler_height;
  if (v->scroll_y > lanes_h - area_h)
    v->scroll_y = lanes_h - area_h;
  if (!(v->scroll_y >= 0))
    v->scroll_y = 0;
}

void
braid_timeline_view_scroll_to_lane (braid_timeline_view *v,
                                    const braid_timeline_model *m, int64_t lane)
{
  if (lane < 0)
    return;
  double top = (double)lane * v->lane_height;
  double area_h = v->height - v->ruler_height;
  if (top < v->scroll_y)
    v->scroll_y = top;
  else if (top + v->lane_height > v->scroll_y + area_h)
    v->scroll_y = top + v->lane_height - area_h;
  braid_timeline_view_clamp (v, m);
}

void
braid_timeline_view_center_on (braid_timeline_view *v,
                               const braid_timeline_model *m, double value)
{
  v->origin = value - lane_area_width (v) * v->scale / 2;
  braid_timeline_view_clamp (v, m);
}

double
braid_timeline_view_x_for (const braid_timeline_view *v, double value)
{
  return lane_area_left (v) + (value - v->origin) / v->scale;
}

double
braid_timeline_view_value_at (const braid_timeline_view *v, double x)
{
  return v->origin + (x - lane_area_left (v)) * v->scale;
}

double
braid_timeline_view_lane_y (const braid_timeline_view *v, int64_t lane)
{
  return v->ruler_height + (double)lane * v->lane_height - v->scroll_y;
}

int64_t
braid_timeline_view_lane_at (const braid_timeline_view *v,
                             const braid_timeline_model *m, double y)
{
  if (y < v->ruler_height)
    return -1;
  double row = floor ((y - v->ruler_height + v->scroll_y) / v->lane_height);
  if (row < 0 || row >= (double)braid_timeline_model_get_n_lanes (m))
    return -1;
  return (int64_t)row;
}

static int64_t
find_mark_near (const braid_timeline_model *m, const braid_timeline_view *v,
                int32_t task, double x)
{
  size_t n;
  const uint32_t *idx = braid_timeline_model_task_marks (m, task, &n);
  if (n == 0)
    return -1;
  double lo_v = braid_timeline_view_value_at (v, x - 4);
  /* Binary search for the first mark at or after lo_v. */
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (braid__timeline_mark_pos (m, idx, n, mid, v->axis) < lo_v)
        lo = mid + 1;
      else
        hi = mid;
    }
  int64_t best = -1;
  double best_d = 5;
  for (size_t i = lo; i < n; i++)
    {
      const braid_trace_mark *mk = &m->marks[idx[i]];
      double mx = braid_timeline_view_x_for (
          v, braid__timeline_mark_pos (m, idx, n, i, v->axis));
      if (mx > x + 4)
        break;
      /* Output marks are drawn faintly; prefer the others. */
      double d = fabs (mx - x) + (mk->kind == BRAID_MARK_OUTPUT ? 2 : 0);
      if (d < best_d)
        {
          best_d = d;
          best = idx[i];
        }
    }
  return best;
}

bool
braid_timeline_hit_test (const braid_timeline_model *m,
                         const braid_timeline_view *v, double x, double y,
                         braid_timeline_hit *hit)
{
  hit->area = BRAID_TIMELINE_AREA_NONE;
  hit->lane = -1;
  hit->task = -1;
  hit->slice = -1;
  hit->mark = -1;
  hit->on_expander = false;
  hit->value = braid_timeline_view_value_at (v, x);
  if (x < 0 || y < 0 || x >= v->width || y >= v->height)
    return false;
  if (y < v->ruler_height)
    {
      hit->area = BRAID_TIMELINE_AREA_RULER;
      return true;
    }
  int64_t lane = braid_timeline_view_lane_at (v, m, y);
  if (lane < 0)
    return false;
  hit->lane = lane;
  hit->task = braid_timeline_model_lane_task (m, (size_t)lane);
  if (v->show_labels && x < v->label_width)
    {
      hit->area = BRAID_TIMELINE_AREA_LABEL;
      double ex = braid__timeline_expander_x (m->tasks[hit->task].depth,
                                              v->label_width);
      hit->on_expander = braid_timeline_model_task_has_children (m, hit->task)
                         && x >= ex - 2 && x < ex + 12;
      return true;
    }
  hit->area = BRAID_TIMELINE_AREA_LANE;
  hit->mark = find_mark_near (m, v, hit->task, x);
  hit->slice
      = braid_timeline_model_find_slice (m, hit->task, v->axis, hit->value);
  /* A slice narrower than a pixel is still hit by its pixel. */
  if (hit->slice < 0)
    {
      int64_t s = braid_timeline_model_find_slice (
          m, hit->task, v->axis, braid_timeline_view_value_at (v, x + 1));
      hit->slice = s;
    }
  return true;
}

bool
braid_timeline_edge_points (const braid_timeline_model *m,
                            const braid_timeline_view *v, int64_t edge,
                            double *x0, double *y0, double *x1, double *y1)
{
  if (edge < 0 || (size_t)edge >= m->n_edges)
    return false;
  int64_t from, to;
  braid__timeline_edge_geometry (m, v, &m->edges[edge], 0, x0, y0, x1, y1,
                                 &from, &to);
  return to >= 0 && from != to;
}

/* The distance from (@px, @py) to the segment (@x0, @y0)-(@x1, @y1). */
static double
segment_distance (double px, double py, double x0, double y0, double x1,
                  double y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

/* How many arrows edge_at looks at, at most: the visible ones are drawn
 * at most six per pixel column anyway. */
#define EDGE_AT_LIMIT 20000

int64_t
braid_timeline_edge_at (const braid_timeline_model *m,
                        const braid_timeline_view *v, double x, double y)
{
  /* The labels are drawn over the arrows: a click there is the label's. */
  if (!v->show_edges || m->n_edges == 0 || y < v->ruler_height
      || x < lane_area_left (v))
    return -1;
  double v0 = braid_timeline_view_value_at (v, lane_area_left (v));
  double v1 = braid_timeline_view_value_at (v, v->width);
  size_t lo = 0, hi = m->n_edges;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (braid__timeline_edge_pos (&m->edges[mid], v->axis) < v0)
        lo = mid + 1;
      else
        hi = mid;
    }
  int64_t best = -1;
  double best_d = 4;
  for (size_t i = lo, k = 0; i < m->n_edges && k < EDGE_AT_LIMIT; i++, k++)
    {
      if (braid__timeline_edge_pos (&m->edges[i], v->axis) > v1)
        break;
      double x0, y0, x1, y1;
      if (!braid_timeline_edge_points (m, v, (int64_t)i, &x0, &y0, &x1, &y1))
        continue;
      double d = segment_distance (x, y, x0, y0, x1, y1);
      if (d <= best_d)
        {
          best_d = d;
          best = (int64_t)i;
        }
    }
  return best;
}
