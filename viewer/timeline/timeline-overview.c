/* timeline-overview.c: the overview strip, the whole run in a few pixels.
 *
 * Owns the density image of a model: a grid of columns (stretches of the
 * axis) by rows (blocks of consecutive lanes), each cell the share of its
 * lanes' time spent running there, painted once into a small cairo image
 * and scaled to the strip when drawn. It is computed off the draw path,
 * once per model, axis and lane layout, in one pass over the running
 * slices of the visible lanes: a slice adds its length to the columns it
 * covers, so the cost is the number of slices plus the columns they
 * span, whatever the number of lanes (10,000 lanes fold into at most
 * OVERVIEW_MAX_ROWS rows). Drawing is then a scaled image blit and the
 * viewport's outline, and a click maps a strip pixel back to an axis
 * value and a lane.
 */
#include "timeline-private.h"

#include <math.h>
#include <stdlib.h>

#define OVERVIEW_MAX_ROWS 128

struct braid_timeline_overview
{
  braid_timeline_axis axis;
  size_t n_lanes;  /* the lane count it was built for */
  double extent;   /* the axis extent it covers */
  int columns, rows;
  cairo_surface_t *image; /* columns x rows, RGB24 */
};

/* Adds @ns of running (or @ns steps) over [@start, @end) to the cells of
 * row @row, spread over the columns the interval covers. */
static void
add_interval (double *cells, int columns, int row, double col_width,
              double start, double end)
{
  if (!(end > start))
    return;
  double a = start / col_width, b = end / col_width;
  int c0 = (int)floor (a), c1 = (int)floor (b);
  if (c0 < 0)
    c0 = 0;
  if (c1 >= columns)
    c1 = columns - 1;
  for (int c = c0; c <= c1; c++)
    {
      double lo = fmax (a, c), hi = fmin (b, c + 1.0);
      if (hi > lo)
        cells[(size_t)row * columns + c] += hi - lo;
    }
}

braid_timeline_overview *
braid_timeline_overview_new (const braid_timeline_model *m,
                             braid_timeline_axis axis, int columns)
{
  if (columns < 16)
    columns = 16;
  if (columns > 4096)
    columns = 4096;
  braid_timeline_overview *ov = calloc (1, sizeof *ov);
  if (!ov)
    return NULL;
  ov->axis = axis;
  ov->n_lanes = m->n_lanes;
  ov->extent = braid_timeline_model_get_extent (m, axis);
  ov->columns = columns;
  ov->rows = m->n_lanes == 0                   ? 1
             : m->n_lanes > OVERVIEW_MAX_ROWS ? OVERVIEW_MAX_ROWS
                                               : (int)m->n_lanes;
  double *cells = calloc ((size_t)ov->columns * ov->rows, sizeof *cells);
  int *lanes_in_row = calloc ((size_t)ov->rows, sizeof *lanes_in_row);
  if (!cells || !lanes_in_row)
    goto fail;
  double col_width = ov->extent / ov->columns;
  for (size_t lane = 0; lane < m->n_lanes; lane++)
    {
      int row = (int)(lane * (size_t)ov->rows / m->n_lanes);
      lanes_in_row[row]++;
      int32_t task = m->lanes[lane];
      size_t first, n;
      braid__timeline_task_slices (m, task, &first, &n);
      for (size_t i = first; i < first + n; i++)
        if (braid__timeline_state (m, i) == BRAID_STATE_RUNNING)
          {
            double s, e;
            braid__timeline_range (m, task, first + n, i, axis, &s, &e);
            add_interval (cells, ov->columns, row, col_width, s, e);
          }
    }

  ov->image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, ov->columns,
                                          ov->rows);
  if (cairo_surface_status (ov->image) != CAIRO_STATUS_SUCCESS)
    goto fail;
  cairo_surface_flush (ov->image);
  unsigned char *data = cairo_image_surface_get_data (ov->image);
  int stride = cairo_image_surface_get_stride (ov->image);
  braid_timeline_rgb run = braid_timeline_state_color (BRAID_STATE_RUNNING, 0);
  for (int r = 0; r < ov->rows; r++)
    {
      uint32_t *px = (uint32_t *)(data + (size_t)r * stride);
      for (int c = 0; c < ov->columns; c++)
        {
          /* The share of the row's lanes running in the column; a square
           * root so that one busy lane among a hundred still shows. */
          double d = lanes_in_row[r] > 0
                         ? cells[(size_t)r * ov->columns + c] / lanes_in_row[r]
                         : 0;
          d = d > 0 ? sqrt (fmin (d, 1.0)) : 0;
          if (d > 0 && d < 0.15)
            d = 0.15;
          double rr = 0.96 + (run.r - 0.96) * d;
          double gg = 0.96 + (run.g - 0.96) * d;
          double bb = 0.97 + (run.b - 0.97) * d;
          px[c] = (uint32_t)lround (rr * 255) << 16
                  | (uint32_t)lround (gg * 255) << 8
                  | (uint32_t)lround (bb * 255);
        }
    }
  cairo_surface_mark_dirty (ov->image);
  free (cells);
  free (lanes_in_row);
  return ov;

fail:
  free (cells);
  free (lanes_in_row);
  braid_timeline_overview_free (ov);
  return NULL;
}

void
braid_timeline_overview_free (braid_timeline_overview *ov)
{
  if (!ov)
    return;
  if (ov->image)
    cairo_surface_destroy (ov->image);
  free (ov);
}

bool
braid_timeline_overview_is_current (const braid_timeline_overview *ov,
                                    const braid_timeline_model *m,
                                    braid_timeline_axis axis)
{
  return ov && ov->axis == axis && ov->n_lanes == m->n_lanes
         && ov->extent == braid_timeline_model_get_extent (m, axis);
}

bool
braid_timeline_overview_grew (const braid_timeline_overview *ov,
                              const braid_timeline_model *m,
                              braid_timeline_axis axis)
{
  return ov && ov->axis == axis && m->n_lanes >= ov->n_lanes
         && braid_timeline_model_get_extent (m, axis) >= ov->extent;
}

/* The lane area's height in @v: what the viewport outline spans. */
static double
lanes_height (const braid_timeline_view *v)
{
  double h = v->height - v->ruler_height;
  return h > 1 ? h : 1;
}

void
braid_timeline_overview_viewport (const braid_timeline_overview *ov,
                                  const braid_timeline_model *m,
                                  const braid_timeline_view *v, int width,
                                  int height, double *x, double *y,
                                  double *w, double *h)
{
  double area = v->width - (v->show_labels ? v->label_width : 0);
  if (area < 1)
    area = 1;
  double from = v->origin, to = v->origin + v->scale * area;
  *x = from / ov->extent * width;
  *w = (to - from) / ov->extent * width;
  double all = (double)(m->n_lanes ? m->n_lanes : 1) * v->lane_height;
  *y = v->scroll_y / all * height;
  *h = fmin (lanes_height (v) / all, 1.0) * height;
}

void
braid_timeline_overview_draw (const braid_timeline_overview *ov,
                              const braid_timeline_model *m,
                              const braid_timeline_view *v, cairo_t *cr,
                              int width, int height)
{
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_save (cr);
  cairo_scale (cr, (double)width / ov->columns, (double)height / ov->rows);
  cairo_set_source_surface (cr, ov->image, 0, 0);
  /* Blocky rows read better than blurred ones; columns are fine either
   * way. */
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);

  double x, y, w, h;
  braid_timeline_overview_viewport (ov, m, v, width, height, &x, &y, &w, &h);
  /* At least a few pixels, so a deep zoom still shows where it is. */
  if (w < 3)
    {
      x -= (3 - w) / 2;
      w = 3;
    }
  if (h < 3)
    h = 3;
  /* Dim what is outside the view, outline what is inside. */
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.12);
  cairo_fill (cr);
  cairo_rectangle (cr, x + 0.5, y + 0.5, fmax (w - 1, 1), fmax (h - 1, 1));
  cairo_set_source_rgb (cr, 0.1, 0.3, 0.8);
  cairo_set_line_width (cr, 1.5);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
braid_timeline_overview_move_view (const braid_timeline_overview *ov,
                                   const braid_timeline_model *m,
                                   braid_timeline_view *v, int width,
                                   int height, double x, double y)
{
  if (width <= 0 || height <= 0)
    return;
  double value = fmin (fmax (x / width, 0), 1) * ov->extent;
  braid_timeline_view_center_on (v, m, value);
  double all = (double)m->n_lanes * v->lane_height;
  double lane_y = fmin (fmax (y / height, 0), 1) * all;
  v->scroll_y = lane_y - lanes_height (v) / 2;
  braid_timeline_view_clamp (v, m);
}
