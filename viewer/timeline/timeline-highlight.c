/* timeline-highlight.c: steps marked across every lane.
 *
 * Owns the drawing of a sorted list of marked steps (the steps where two
 * compared traces differ, braid_trace_merge_compared) over a drawn
 * timeline: a translucent band across the lanes and a solid tick in the
 * ruler for each. Only the marked steps in view are visited (a binary
 * search for the first), and steps narrower than a pixel share their
 * pixel column, so a frame costs at most a band per column.
 */
#include "timeline-private.h"

#include <math.h>

void
braid_timeline_draw_marked_steps (const braid_timeline_model *m,
                                  const braid_timeline_view *v, cairo_t *cr,
                                  const uint64_t *steps, size_t n)
{
  if (v->axis != BRAID_TIMELINE_AXIS_STEPS || n == 0)
    return;
  double left = v->show_labels ? v->label_width : 0;
  double first = braid_timeline_view_value_at (v, left);
  double last = braid_timeline_view_value_at (v, v->width);
  /* The first marked step that ends after the left edge. */
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if ((double)steps[mid] + 1 <= first)
        lo = mid + 1;
      else
        hi = mid;
    }
  cairo_save (cr);
  cairo_rectangle (cr, left, 0, v->width - left, v->height);
  cairo_clip (cr);
  double lanes_bottom
      = fmin (v->height,
              braid_timeline_view_lane_y (
                  v, (int64_t)braid_timeline_model_get_n_lanes (m)));
  double drawn_to = -1;
  for (size_t i = lo; i < n && (double)steps[i] < last; i++)
    {
      double x0 = floor (braid_timeline_view_x_for (v, (double)steps[i]));
      double x1 = ceil (braid_timeline_view_x_for (v, (double)steps[i] + 1));
      if (x1 < x0 + 2)
        x1 = x0 + 2;
      if (x1 <= drawn_to)
        continue;
      if (x0 < drawn_to)
        x0 = drawn_to;
      drawn_to = x1;
      cairo_set_source_rgba (cr, 0.85, 0.1, 0.1, 0.16);
      cairo_rectangle (cr, x0, v->ruler_height, x1 - x0,
                       lanes_bottom - v->ruler_height);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.85, 0.1, 0.1);
      cairo_rectangle (cr, x0, v->ruler_height - 6, x1 - x0, 6);
      cairo_fill (cr);
    }
  cairo_restore (cr);
}
