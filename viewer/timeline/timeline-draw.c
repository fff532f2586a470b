/* timeline-draw.c: drawing a timeline with cairo and pango.
 *
 * Owns the frame: background and lane stripes, each visible lane's slices
 * coloured by state and wait reason, marks, causal arrows, the ruler and
 * the lane labels. This is the hot path of the viewer: everything it
 * touches is bounded by what is on screen. Per lane, a slice at least a
 * pixel wide is drawn as itself; a run of narrower slices is folded into
 * one pixel column whose colour comes from the model's prefix sums (the
 * running share) and the slice at the column's centre, found by binary
 * search. Marks and arrows likewise draw a bounded number per column and
 * jump over the rest.
 *
 * Pixels: a zoomed-out frame is tens of thousands of one-pixel columns
 * and marks, and cairo's cost is per fill and per anti-aliased edge. So
 * when the target is drawn at one device pixel per unit, the lane area is
 * a pixel layer of our own: stripes and slice bands (whole-pixel
 * rectangles) are written into it in drawing order, the frequent marks
 * (yields, output dots) are stamped from one cairo-rasterised copy per
 * kind, and the layer is painted once. Otherwise (HiDPI, a transformed
 * or poster-sized target) cairo fills the same rectangles without
 * anti-aliasing and fills the frequent marks as one path per kind.
 */
#include "timeline-private.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

/* Heights of the state bands as fractions of the lane: running is tall,
 * ready medium and waiting a thin bar, so activity reads at a glance. */
static double
band_fraction (braid_trace_state state)
{
  switch (state)
    {
    case BRAID_STATE_RUNNING:
      return 0.72;
    case BRAID_STATE_READY:
      return 0.48;
    default:
      return 0.30;
    }
}

/* A batch of frequent marks of one kind: x, band top and height (and a
 * spare) per mark. */
typedef struct rect_batch
{
  double *xywh;
  size_t n, cap;
} rect_batch;

typedef struct frame
{
  const braid_timeline_model *m;
  const braid_timeline_view *v;
  cairo_t *cr;
  double left, right; /* the lane area, pixels */
  double v0, v1;      /* its axis values */
  PangoLayout *layout;
  /* The frequent marks (yields, output lines), batched per kind: x and
   * the lane's band top and height per mark. */
  rect_batch yield_marks, output_marks;
  struct layer *layer; /* NULL: cairo draws the lanes */
} frame;

/* Adds a frequent mark to its batch; returns false when out of memory. */
static bool
mark_batch_add (rect_batch *b, double cx, double top, double h)
{
  if (b->n == b->cap)
    {
      size_t cap = b->cap ? b->cap * 2 : 256;
      double *xywh = realloc (b->xywh, cap * 4 * sizeof *xywh);
      if (!xywh)
        return false;
      b->xywh = xywh;
      b->cap = cap;
    }
  double *r = &b->xywh[4 * b->n++];
  r[0] = cx;
  r[1] = top;
  r[2] = h;
  r[3] = 0;
  return true;
}

/* Above this many marks of a kind in a frame, the marks are stamped
 * (into the frame's layer, or into one mask) instead of being filled as
 * one path: cairo rasterises a path of tens of thousands of small
 * anti-aliased shapes in tens of milliseconds, while stamping a
 * pre-rasterised copy (every mark of a kind has the same shape and,
 * lanes being whole pixels apart, the same sub-pixel offset) costs a few
 * bytes each. */
#define STAMP_THRESHOLD 1000

/* Adds the shape of a frequent mark to @cr's path without filling it (a
 * yield's downward triangle on the top edge, else an output's dot near
 * the bottom), so that a batch of them is filled at once. */
static void
mark_path (cairo_t *cr, braid_trace_mark_kind kind, double cx, double top,
           double h)
{
  if (kind == BRAID_MARK_YIELD)
    {
      cairo_move_to (cr, cx - 3, top);
      cairo_line_to (cr, cx + 3, top);
      cairo_line_to (cr, cx, top + 5);
      cairo_close_path (cr);
    }
  else
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, cx, top + h - 3, 1.8, 0, 2 * M_PI);
    }
}

/* The coverage of one mark of @kind whose centre and top have the
 * sub-pixel offsets @fx, @fy, rasterised by cairo: the mark at (cx, top)
 * covers sprite pixel (c, r) at (floor (cx) - 8 + c, floor (top) - 4 + r).
 * Only rows r0..r1 and columns c0..c1 hold coverage. */
typedef struct sprite
{
  cairo_surface_t *surface;
  const unsigned char *data;
  int stride, r0, r1, c0, c1;
} sprite;

static bool
sprite_make (sprite *sp, braid_trace_mark_kind kind, double fx, double fy,
             double h)
{
  int sw = 16, sh = (int)ceil (h) + 8;
  sp->surface = cairo_image_surface_create (CAIRO_FORMAT_A8, sw, sh);
  if (cairo_surface_status (sp->surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (sp->surface);
      return false;
    }
  cairo_t *sc = cairo_create (sp->surface);
  mark_path (sc, kind, 8 + fx, 4 + fy, h);
  cairo_fill (sc);
  cairo_destroy (sc);
  cairo_surface_flush (sp->surface);
  sp->data = cairo_image_surface_get_data (sp->surface);
  sp->stride = cairo_image_surface_get_stride (sp->surface);
  sp->r0 = sh, sp->r1 = 0, sp->c0 = sw, sp->c1 = 0;
  for (int r = 0; r < sh; r++)
    for (int c = 0; c < sw; c++)
      if (sp->data[r * sp->stride + c])
        {
          sp->r0 = r < sp->r0 ? r : sp->r0;
          sp->r1 = r + 1 > sp->r1 ? r + 1 : sp->r1;
          sp->c0 = c < sp->c0 ? c : sp->c0;
          sp->c1 = c + 1 > sp->c1 ? c + 1 : sp->c1;
        }
  return true;
}

/* Stamps every mark of @b into the A8 @mask (@w x @h, @stride), keeping
 * the larger coverage where marks overlap: close to what one path of
 * all of them would give. Mark positions are offset by (-@ox, -@oy).
 * Sets @rows[y] (when @rows is not NULL) for each mask row touched. */
static void
sprite_stamp (const sprite *sp, const rect_batch *b, unsigned char *mask,
              int w, int h, int stride, double ox, double oy,
              unsigned char *rows)
{
  for (size_t i = 0; i < b->n; i++)
    {
      int x = (int)floor (b->xywh[4 * i] - ox) - 8;
      int y = (int)floor (b->xywh[4 * i + 1] - oy) - 4;
      int c0 = x + sp->c0 < 0 ? -x : sp->c0;
      int c1 = x + sp->c1 > w ? w - x : sp->c1;
      for (int r = sp->r0; r < sp->r1; r++)
        {
          int my = y + r;
          if (my < 0 || my >= h)
            continue;
          if (rows)
            rows[my] = 1;
          unsigned char *row = mask + (size_t)my * stride + x;
          const unsigned char *srow = sp->data + r * sp->stride;
          for (int c = c0; c < c1; c++)
            if (srow[c] > row[c])
              row[c] = srow[c];
        }
    }
}

/* The frame's lane area as pixels of our own, when the target is drawn
 * at one device pixel per unit: lane stripes, slices and frequent marks
 * are written straight into it and it is painted once, which costs a
 * few milliseconds at any zoom instead of cairo's per-rectangle and
 * per-edge work. */
typedef struct layer
{
  cairo_surface_t *surface;
  uint32_t *px;
  int w, h, stride; /* stride in pixels */
  double ox, oy;    /* user coordinates of pixel (0, 0) */
  unsigned char *mask; /* w x h coverage, for the marks */
  unsigned char *rows; /* h flags: rows of mask holding coverage */
} layer;

static uint32_t
rgb_pixel (braid_timeline_rgb c)
{
  /* As cairo rounds a colour: to 16 bits, then the top 8. */
  unsigned r = (unsigned)(c.r * 65535 + 0.5) >> 8,
           g = (unsigned)(c.g * 65535 + 0.5) >> 8,
           b = (unsigned)(c.b * 65535 + 0.5) >> 8;
  return 0xff000000u | r << 16 | g << 8 | b;
}

static void
layer_fill (layer *ly, double x0, double y0, double x1, double y1,
            braid_timeline_rgb c)
{
  int a = (int)floor (x0 - ly->ox + 0.5), b = (int)floor (x1 - ly->ox + 0.5);
  int t = (int)floor (y0 - ly->oy + 0.5), u = (int)floor (y1 - ly->oy + 0.5);
  a = a < 0 ? 0 : a, b = b > ly->w ? ly->w : b;
  t = t < 0 ? 0 : t, u = u > ly->h ? ly->h : u;
  if (a >= b || t >= u)
    return;
  uint32_t p = rgb_pixel (c);
  uint32_t *first = ly->px + (size_t)t * ly->stride;
  for (int x = a; x < b; x++)
    first[x] = p;
  /* The other rows are copies of the first, at memcpy's speed. */
  for (int y = t + 1; y < u; y++)
    memcpy (ly->px + (size_t)y * ly->stride + a, first + a,
            (size_t)(b - a) * sizeof *first);
}

/* Blends colour @c into the layer by the coverage in its mask, over the
 * rows flagged in @rows, and clears those rows and flags. */
static void
layer_blend_mask (layer *ly, braid_timeline_rgb c, unsigned char *rows)
{
  uint32_t p = rgb_pixel (c);
  unsigned cr = p >> 16 & 0xff, cg = p >> 8 & 0xff, cb = p & 0xff;
  for (int y = 0; y < ly->h; y++)
    {
      if (!rows[y])
        continue;
      rows[y] = 0;
      unsigned char *m = ly->mask + (size_t)y * ly->w;
      uint32_t *row = ly->px + (size_t)y * ly->stride;
      for (int x = 0; x < ly->w; x++)
        {
          /* Most of a row is uncovered: skip it eight bytes at a time. */
          if ((x & 7) == 0 && x + 8 <= ly->w)
            {
              uint64_t word;
              memcpy (&word, m + x, sizeof word);
              if (word == 0)
                {
                  x += 7;
                  continue;
                }
            }
          unsigned a = m[x];
          if (!a)
            continue;
          m[x] = 0;
          uint32_t d = row[x];
          unsigned dr = d >> 16 & 0xff, dg = d >> 8 & 0xff, db = d & 0xff;
          dr = (cr * a + dr * (255 - a) + 127) / 255;
          dg = (cg * a + dg * (255 - a) + 127) / 255;
          db = (cb * a + db * (255 - a) + 127) / 255;
          row[x] = 0xff000000u | dr << 16 | dg << 8 | db;
        }
    }
}

static void
stamp_marks (frame *f, layer *ly, rect_batch *b, braid_trace_mark_kind kind)
{
  double fx = b->xywh[0] - floor (b->xywh[0]);
  double fy = b->xywh[1] - floor (b->xywh[1]);
  sprite sp;
  if (!sprite_make (&sp, kind, fx, fy, b->xywh[2]))
    return;
  braid_timeline_rgb c = braid_timeline_mark_color (kind);
  if (ly)
    {
      sprite_stamp (&sp, b, ly->mask, ly->w, ly->h, ly->w, ly->ox, ly->oy,
                    ly->rows);
      layer_blend_mask (ly, c, ly->rows);
    }
  else
    {
      const braid_timeline_view *v = f->v;
      cairo_surface_t *mask
          = cairo_image_surface_create (CAIRO_FORMAT_A8, v->width, v->height);
      if (cairo_surface_status (mask) == CAIRO_STATUS_SUCCESS)
        {
          cairo_surface_flush (mask);
          sprite_stamp (&sp, b, cairo_image_surface_get_data (mask),
                        v->width, v->height,
                        cairo_image_surface_get_stride (mask), 0, 0, NULL);
          cairo_surface_mark_dirty (mask);
          cairo_set_source_rgb (f->cr, c.r, c.g, c.b);
          cairo_mask_surface (f->cr, mask, 0, 0);
        }
      cairo_surface_destroy (mask);
    }
  cairo_surface_destroy (sp.surface);
}

/* Draws the batched frequent marks: the same shapes
 * braid__timeline_draw_mark_shape draws one by one, as one path per kind,
 * or stamped when there are many or the frame has a layer. */
static void
mark_batches_flush (frame *f, layer *ly)
{
  cairo_t *cr = f->cr;
  rect_batch *batches[2] = { &f->yield_marks, &f->output_marks };
  braid_trace_mark_kind kinds[2] = { BRAID_MARK_YIELD, BRAID_MARK_OUTPUT };
  for (int k = 0; k < 2; k++)
    {
      rect_batch *b = batches[k];
      if (b->n == 0)
        continue;
      if (ly || b->n > STAMP_THRESHOLD)
        {
          stamp_marks (f, ly, b, kinds[k]);
          continue;
        }
      braid_timeline_rgb c = braid_timeline_mark_color (kinds[k]);
      cairo_set_source_rgb (cr, c.r, c.g, c.b);
      cairo_new_path (cr);
      for (size_t i = 0; i < b->n; i++)
        mark_path (cr, kinds[k], b->xywh[4 * i], b->xywh[4 * i + 1],
                   b->xywh[4 * i + 2]);
      cairo_fill (cr);
    }
  free (f->yield_marks.xywh);
  free (f->output_marks.xywh);
  f->yield_marks = f->output_marks = (rect_batch){ 0 };
}

/* A layer for the lane area of @f, or false when the target is scaled,
 * rotated or at a fractional offset (then cairo draws everything). */
static bool
layer_init (layer *ly, frame *f, double top)
{
  cairo_matrix_t mx;
  cairo_get_matrix (f->cr, &mx);
  double sx = 1, sy = 1;
  cairo_surface_get_device_scale (cairo_get_target (f->cr), &sx, &sy);
  if (mx.xx != 1 || mx.yy != 1 || mx.xy != 0 || mx.yx != 0
      || mx.x0 != floor (mx.x0) || mx.y0 != floor (mx.y0) || sx != 1
      || sy != 1 || f->v->device_scale > 1)
    return false;
  ly->ox = f->left;
  ly->oy = top;
  ly->w = (int)(f->right - f->left);
  ly->h = (int)(f->v->height - top);
  /* A poster-sized picture (braid-render allows 16384 x 8192) would
   * double its memory: cairo draws those. */
  if (ly->w <= 0 || ly->h <= 0 || (double)ly->w * ly->h > 4096.0 * 4096.0)
    return false;
  ly->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, ly->w, ly->h);
  ly->mask = calloc ((size_t)ly->w * ly->h, 1);
  ly->rows = calloc ((size_t)ly->h, 1);
  if (cairo_surface_status (ly->surface) != CAIRO_STATUS_SUCCESS
      || !ly->mask || !ly->rows)
    {
      cairo_surface_destroy (ly->surface);
      free (ly->mask);
      free (ly->rows);
      return false;
    }
  cairo_surface_flush (ly->surface);
  ly->px = (uint32_t *)cairo_image_surface_get_data (ly->surface);
  ly->stride = cairo_image_surface_get_stride (ly->surface) / 4;
  /* The lanes' stripes cover their rows; what lies below the last lane
   * is made white (the frame's background) by layer_clear_below. */
  return true;
}

/* Whitens the layer's rows from user y @from down: those no lane
 * covered. */
static void
layer_clear_below (layer *ly, double from)
{
  int t = (int)floor (from - ly->oy + 0.5);
  if (t < 0)
    t = 0;
  for (int y = t; y < ly->h; y++)
    memset (ly->px + (size_t)y * ly->stride, 0xff, (size_t)ly->w * 4);
}

static void
layer_paint (layer *ly, cairo_t *cr)
{
  cairo_surface_mark_dirty (ly->surface);
  cairo_set_source_surface (cr, ly->surface, ly->ox, ly->oy);
  cairo_paint (cr);
  cairo_surface_destroy (ly->surface);
  free (ly->mask);
  free (ly->rows);
}

static void
fill_band (frame *f, double x0, double x1, double lane_y, double lane_h,
           double fraction, braid_timeline_rgb c)
{
  double h = round (lane_h * fraction);
  double y = round (lane_y + (lane_h - lane_h * fraction) / 2);
  if (f->layer)
    {
      layer_fill (f->layer, round (x0), y, round (x1), y + h, c);
      return;
    }
  cairo_set_source_rgb (f->cr, c.r, c.g, c.b);
  cairo_rectangle (f->cr, round (x0), y, round (x1) - round (x0), h);
  cairo_fill (f->cr);
}

/* Consecutive bands of the same colour and height are merged into one
 * rectangle: a zoomed-out lane is mostly runs of equal columns. */
typedef struct band_run
{
  bool active;
  double x0, x1, y, lane_h, fraction;
  braid_timeline_rgb c;
} band_run;

static void
band_flush (frame *f, band_run *run)
{
  if (run->active)
    fill_band (f, run->x0, run->x1, run->y, run->lane_h, run->fraction,
               run->c);
  run->active = false;
}

static void
band_push (frame *f, band_run *run, double x0, double x1, double y,
           double lane_h, double fraction, braid_timeline_rgb c)
{
  if (run->active && run->fraction == fraction && run->c.r == c.r
      && run->c.g == c.g && run->c.b == c.b && x0 >= run->x0
      && x0 <= run->x1 + 0.001)
    {
      if (x1 > run->x1)
        run->x1 = x1;
      return;
    }
  band_flush (f, run);
  *run = (band_run){ true, x0, x1, y, lane_h, fraction, c };
}

static braid_timeline_rgb
mix (braid_timeline_rgb a, braid_timeline_rgb b, double t)
{
  return (braid_timeline_rgb){ a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t,
                               a.b + (b.b - a.b) * t };
}

static void
draw_lane_slices (frame *f, int32_t task, double y)
{
  const braid_timeline_model *m = f->m;
  const braid_timeline_view *v = f->v;
  braid_timeline_axis axis = v->axis;
  double lh = v->lane_height;
  size_t first, n;
  braid__timeline_task_slices (m, task, &first, &n);
  size_t end = first + n;
  /* The first slice ending at or after the left edge: a zero-length slice
   * right on the edge (a virtual clock) must still be drawn. */
  size_t lo = first, hi = end;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      double s, e;
      braid__timeline_range (m, task, end, mid, axis, &s, &e);
      if (e < f->v0)
        lo = mid + 1;
      else
        hi = mid;
    }
  size_t i = lo;
  braid_timeline_rgb running
      = braid_timeline_state_color (BRAID_STATE_RUNNING, 0);
  band_run run = { 0 };

  while (i < end)
    {
      double s, e;
      braid__timeline_range (m, task, end, i, axis, &s, &e);
      if (s >= f->v1)
        break;
      braid_trace_state state = braid__timeline_state (m, i);
      double x0 = braid_timeline_view_x_for (v, s);
      double x1 = braid_timeline_view_x_for (v, e);
      if (x1 - x0 >= 1.0)
        {
          /* Wide enough to be itself; snapped to whole pixels. */
          double a = fmax (round (x0), f->left);
          double b = fmin (round (x1), f->right);
          if (b > a)
            {
              band_push (f, &run, a, b, y, lh, band_fraction (state),
                         braid_timeline_state_color (
                             state, braid__timeline_reason (m, i)));
              /* Back-to-back steps stay two blocks: a light seam. */
              if (state == BRAID_STATE_RUNNING && b - a >= 6
                  && round (x0) >= f->left)
                band_push (f, &run, a, a + 1, y, lh, band_fraction (state),
                           (braid_timeline_rgb){ 0.75, 0.9, 0.8 });
            }
          i++;
          continue;
        }

      /* Sub-pixel: fold every slice that ends inside this column. */
      double col = floor (x0);
      if (col < f->left)
        col = f->left;
      double col_end = braid_timeline_view_value_at (v, col + 1);
      size_t j = braid__timeline_lower_bound (m, task, end, i, end, axis,
                                              col_end);
      if (j == i)
        j = i + 1;
      double col_start = braid_timeline_view_value_at (v, col);
      double units = col_end - col_start;
      int64_t run_ns;
      uint32_t run_count;
      braid__timeline_running (m, task, first, end, i, j, &run_ns,
                               &run_count);
      double run_units = axis == BRAID_TIMELINE_AXIS_STEPS ? (double)run_count
                                                           : (double)run_ns;
      /* The slice at the centre of the column gives the base colour. */
      /* It lies between i and j: the column's slices end by col_end. */
      size_t mid = braid__timeline_lower_bound (
          m, task, end, i, j < end ? j + 1 : end, axis,
          braid_timeline_view_value_at (v, col + 0.5));
      if (mid >= end)
        mid = end - 1;
      braid_trace_state ms = braid__timeline_state (m, mid);
      braid_timeline_rgb c
          = braid_timeline_state_color (ms, braid__timeline_reason (m, mid));
      double frac = band_fraction (ms);
      if (run_count > 0 && ms != BRAID_STATE_RUNNING)
        {
          /* Work in the column must never vanish, even when it took no
           * time on a virtual clock: at least half running colour. */
          double share = units > 0 ? run_units / units : 1;
          share = fmin (1, fmax (0.5, share));
          /* Eighths: finer shades are invisible and break up runs. */
          share = round (share * 8) / 8;
          c = mix (c, running, share);
          frac = band_fraction (BRAID_STATE_RUNNING);
        }
      band_push (f, &run, col, col + 1, y, lh, frac, c);
      i = j;
    }
  band_flush (f, &run);
}

void
braid__timeline_draw_mark_shape (cairo_t *cr, braid_trace_mark_kind kind,
                                 double cx, double top, double h)
{
  braid_timeline_rgb c = braid_timeline_mark_color (kind);
  cairo_set_source_rgb (cr, c.r, c.g, c.b);
  double r = h * 0.28;
  double cy = top + h / 2;
  /* An arc would otherwise join the previous shape's current point. */
  cairo_new_path (cr);
  switch (kind)
    {
    case BRAID_MARK_YIELD:
    case BRAID_MARK_OUTPUT:
      /* The frequent marks, whose shape the batches share: a small
       * downward triangle on the top edge, a dot near the bottom. */
      mark_path (cr, kind, cx, top, h);
      cairo_fill (cr);
      break;
    case BRAID_MARK_ERROR:
      cairo_arc (cr, cx, cy, r + 1, 0, 2 * M_PI);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, cx - r / 2, cy - r / 2);
      cairo_line_to (cr, cx + r / 2, cy + r / 2);
      cairo_move_to (cr, cx + r / 2, cy - r / 2);
      cairo_line_to (cr, cx - r / 2, cy + r / 2);
      cairo_stroke (cr);
      break;
    case BRAID_MARK_CANCELLED:
      cairo_set_line_width (cr, 2);
      cairo_arc (cr, cx, cy, r, 0, 2 * M_PI);
      cairo_stroke (cr);
      cairo_move_to (cr, cx - r * 0.7, cy + r * 0.7);
      cairo_line_to (cr, cx + r * 0.7, cy - r * 0.7);
      cairo_stroke (cr);
      break;
    case BRAID_MARK_NEVER_RETRIEVED:
      /* The loudest mark: a big magenta diamond with a white bang. */
      r = h * 0.42;
      cairo_move_to (cr, cx, cy - r);
      cairo_line_to (cr, cx + r, cy);
      cairo_line_to (cr, cx, cy + r);
      cairo_line_to (cr, cx - r, cy);
      cairo_close_path (cr);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, cx, cy - r * 0.55);
      cairo_line_to (cr, cx, cy + r * 0.15);
      cairo_stroke (cr);
      cairo_rectangle (cr, cx - 0.75, cy + r * 0.3, 1.5, 1.5);
      cairo_fill (cr);
      break;
    case BRAID_MARK_DESTROYED_PENDING:
      cairo_rectangle (cr, cx - r, cy - r, 2 * r, 2 * r);
      cairo_fill (cr);
      break;
    case BRAID_MARK_SLOW_STEP:
      cairo_move_to (cr, cx - 4, top + h);
      cairo_line_to (cr, cx + 4, top + h);
      cairo_line_to (cr, cx, top + h - 6);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;
    case BRAID_MARK_OBSERVER_WAIT:
    default:
      cairo_rectangle (cr, cx - 2, top + h - 5, 4, 4);
      cairo_fill (cr);
      break;
    }
}

/* Whether mark @i of a task's list @idx lies before @value: on the step
 * axis a mark lies inside (step, step + 1), so only a mark of the step
 * holding @value needs its exact position. */
static bool
mark_before (const braid_timeline_model *m, const uint32_t *idx, size_t n,
             size_t i, braid_timeline_axis axis, double value)
{
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    {
      double step = (double)m->marks[idx[i]].step;
      if (step + 1 <= value)
        return true;
      if (step >= value)
        return false;
    }
  return braid__timeline_mark_pos (m, idx, n, i, axis) < value;
}

static bool
mark_is_rare (braid_trace_mark_kind kind)
{
  return kind != BRAID_MARK_OUTPUT && kind != BRAID_MARK_YIELD;
}

/* Draws one class of @task's marks (frequent or rare), at most one per
 * pixel column: after drawing a mark, jumps by binary search to the next
 * column, and looks at most a few marks of the other class before
 * jumping too. */
static void
draw_lane_marks_class (frame *f, int32_t task, double y, bool rare)
{
  const braid_timeline_model *m = f->m;
  const braid_timeline_view *v = f->v;
  size_t n;
  const uint32_t *idx = braid_timeline_model_task_marks (m, task, &n);
  double from = braid_timeline_view_value_at (v, f->left - 8);
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (mark_before (m, idx, n, mid, v->axis, from))
        lo = mid + 1;
      else
        hi = mid;
    }
  size_t i = lo;
  int skipped = 0;
  while (i < n)
    {
      const braid_trace_mark *mk = &m->marks[idx[i]];
      double pos = braid__timeline_mark_pos (m, idx, n, i, v->axis);
      double x = braid_timeline_view_x_for (v, pos);
      if (x > f->right + 8)
        break;
      if (mark_is_rare (mk->kind) != rare && ++skipped < 8)
        {
          i++;
          continue;
        }
      if (mark_is_rare (mk->kind) == rare)
        {
          if (mk->kind == BRAID_MARK_SLOW_STEP && mk->value > 0)
            {
              /* A red underline as long as the step held the loop. */
              double w = v->axis == BRAID_TIMELINE_AXIS_TIME
                             ? mk->value / v->scale
                             : 1 / v->scale;
              double x0
                  = v->axis == BRAID_TIMELINE_AXIS_TIME ? x - w : x - w / 2;
              braid_timeline_rgb c = braid_timeline_mark_color (mk->kind);
              cairo_set_source_rgb (f->cr, c.r, c.g, c.b);
              cairo_rectangle (f->cr, x0, y + v->lane_height - 3, fmax (w, 2),
                               2);
              cairo_fill (f->cr);
            }
          double cx = round (x) + 0.5;
          if (mk->kind == BRAID_MARK_YIELD
              && mark_batch_add (&f->yield_marks, cx, y + 1,
                                 v->lane_height - 2))
            ;
          else if (mk->kind == BRAID_MARK_OUTPUT
                   && mark_batch_add (&f->output_marks, cx, y + 1,
                                      v->lane_height - 2))
            ;
          else
            braid__timeline_draw_mark_shape (f->cr, mk->kind, cx, y + 1,
                                             v->lane_height - 2);
        }
      skipped = 0;
      /* Jump to the first mark in the next pixel column. */
      double next = braid_timeline_view_value_at (v, floor (x) + 1);
      size_t a = i + 1, b = n;
      while (a < b)
        {
          size_t mid = a + (b - a) / 2;
          if (mark_before (m, idx, n, mid, v->axis, next))
            a = mid + 1;
          else
            b = mid;
        }
      i = a;
    }
}

/* The lane an arrow end attaches to: the task's own, or its nearest
 * visible ancestor's when collapsed. -1 when none is visible, and when
 * the filter hides the task itself: an arrow drawn from its ancestor
 * would seem to come from another task. */
static int64_t
visible_lane (const braid_timeline_model *m, int32_t task)
{
  if (task >= 0 && !m->shown[task])
    return -1;
  for (int hops = 0; task >= 0 && hops < 64; hops++)
    {
      int64_t lane = braid_timeline_model_task_lane (m, task);
      if (lane >= 0)
        return lane;
      task = m->parent[task];
    }
  return -1;
}

/* Arrows are batched per style (the five edge kinds, then wakes by the
 * loop): one stroke and one fill per style per frame instead of one per
 * arrow, which matters when thousands of spawn arrows cross the screen. */
typedef struct arrow_batch
{
  double *xy; /* x0, y0, x1, y1, head (1 or 0) per arrow */
  size_t n, cap;
} arrow_batch;

#define N_EDGE_KINDS 5
/* Above this many wakes by the loop in a frame they are drawn as plain
 * lines in their colour, without dashes and rings. */
#define LOOP_STYLE_LIMIT 400
#define LOOP_BATCH N_EDGE_KINDS
#define N_ARROW_BATCHES (N_EDGE_KINDS + 1)

void
braid__timeline_arrowhead_path (cairo_t *cr, double x, double y, double dx,
                                double dy, double length, double half_width)
{
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x - length * dx - half_width * dy,
                 y - length * dy + half_width * dx);
  cairo_line_to (cr, x - length * dx + half_width * dy,
                 y - length * dy - half_width * dx);
  cairo_close_path (cr);
}

static void
batch_add (arrow_batch *b, double x0, double y0, double x1, double y1,
           bool head)
{
  if (b->n == b->cap)
    {
      size_t cap = b->cap ? b->cap * 2 : 64;
      double *xy = realloc (b->xy, cap * 5 * sizeof *xy);
      if (!xy)
        return;
      b->xy = xy;
      b->cap = cap;
    }
  double *p = &b->xy[b->n * 5];
  p[0] = x0;
  p[1] = y0;
  p[2] = x1;
  p[3] = y1;
  p[4] = head;
  b->n++;
}

/* Strokes the arrows of @b and fills their heads; a wake by the loop is
 * dashed and starts at a small ring (a clock's face), so that it cannot
 * be taken for a wake by the task in the lane above. */
static void
batch_draw (cairo_t *cr, const arrow_batch *b, braid_timeline_rgb c,
            bool by_loop)
{
  if (b->n == 0)
    return;
  cairo_set_source_rgba (cr, c.r, c.g, c.b, 0.9);
  cairo_new_path (cr);
  /* Dashes and rings cost cairo far more than plain lines: a zoomed-out
   * view of a run full of sleep(0) wakes draws thousands of them, where
   * the colour alone tells them apart. */
  if (b->n > LOOP_STYLE_LIMIT)
    by_loop = false;
  /* Many arrows (a zoomed-out fan of spawns) are drawn without
   * anti-aliasing: its coverage is most of the cost of long lines. */
  cairo_antialias_t aa = cairo_get_antialias (cr);
  if (b->n > 64)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  if (by_loop)
    {
      static const double dash[] = { 3, 2 };
      cairo_set_dash (cr, dash, 2, 0);
    }
  /* A few lines per stroke: cairo tessellates one stroke as a whole, and
   * a fan of arrows from one step crosses itself at every pair, so one
   * stroke of hundreds of them costs a frame; strokes of eight do not. */
  for (size_t i = 0; i < b->n; i++)
    {
      const double *p = &b->xy[i * 5];
      cairo_move_to (cr, p[0], p[1]);
      cairo_line_to (cr, p[2], p[3]);
      if (i % 8 == 7 || i + 1 == b->n)
        cairo_stroke (cr);
    }
  cairo_set_dash (cr, NULL, 0, 0);
  if (by_loop)
    {
      for (size_t i = 0; i < b->n; i++)
        {
          const double *p = &b->xy[i * 5];
          cairo_new_sub_path (cr);
          cairo_arc (cr, p[0], p[1], 2.5, 0, 2 * G_PI);
        }
      cairo_stroke (cr);
    }
  for (size_t i = 0; i < b->n; i++)
    {
      /* The head points along the arrow, at its end (none when the end
       * is off the view and the line was cut at its edge). */
      const double *p = &b->xy[i * 5];
      double dx = p[2] - p[0], dy = p[3] - p[1];
      double len = hypot (dx, dy);
      if (len < 1 || p[4] == 0)
        continue;
      braid__timeline_arrowhead_path (cr, p[2], p[3], dx / len, dy / len, 6,
                                      3);
      if (i % 8 == 7)
        cairo_fill (cr);
    }
  cairo_fill (cr);
  cairo_set_antialias (cr, aa);
}

/* Clips the segment (@x0, @y0)-(@x1, @y1) to the rectangle [@left,
 * @right] x [@top, @bottom] (Liang-Barsky). Returns false when nothing of
 * it is inside. Sets *@end_clipped when its end (the arrowhead's) was
 * cut. cairo tessellates a line over its whole length before clipping:
 * an arrow to a lane ten thousand rows down costs a frame otherwise. */
static bool
clip_segment (double *x0, double *y0, double *x1, double *y1, double left,
              double right, double top, double bottom, bool *end_clipped)
{
  double dx = *x1 - *x0, dy = *y1 - *y0;
  double t0 = 0, t1 = 1;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { *x0 - left, right - *x0, *y0 - top, bottom - *y0 };
  for (int k = 0; k < 4; k++)
    {
      if (p[k] == 0)
        {
          if (q[k] < 0)
            return false;
          continue;
        }
      double r = q[k] / p[k];
      if (p[k] < 0)
        {
          if (r > t1)
            return false;
          if (r > t0)
            t0 = r;
        }
      else
        {
          if (r < t0)
            return false;
          if (r < t1)
            t1 = r;
        }
    }
  *end_clipped = t1 < 1;
  double sx = *x0, sy = *y0;
  *x0 = sx + t0 * dx;
  *y0 = sy + t0 * dy;
  *x1 = sx + t1 * dx;
  *y1 = sy + t1 * dy;
  return true;
}

void
braid__timeline_edge_geometry (const braid_timeline_model *m,
                               const braid_timeline_view *v,
                               const braid_trace_edge *e, int spread,
                               double *x0, double *y0, double *x1,
                               double *y1, int64_t *from_lane,
                               int64_t *to_lane)
{
  double lh = v->lane_height;
  *from_lane = e->from >= 0 && (size_t)e->from < m->n_tasks
                   ? visible_lane (m, e->from)
                   : -1;
  *to_lane = e->to >= 0 && (size_t)e->to < m->n_tasks ? visible_lane (m, e->to)
                                                       : -1;
  /* A waker that is hidden is not the loop: no arrow at all. */
  if (e->from >= 0 && *from_lane < 0)
    *to_lane = -1;
  bool steps = v->axis == BRAID_TIMELINE_AXIS_STEPS;
  /* The start: the waker's step, the last running slice of the waker at
   * or before the edge (a gathered child's last step, a worker's step
   * that set an event), at its middle on the step axis and its end on
   * wall time. A wake by the loop, or a waker whose step is not found,
   * starts at the edge's moment: on the step axis the boundary before
   * the step it names, since the loop woke it between steps. */
  double start_v = steps ? (double)e->step : (double)e->time_ns;
  if (e->from >= 0 && (size_t)e->from < m->n_tasks)
    {
      size_t first, n;
      braid__timeline_task_slices (m, e->from, &first, &n);
      size_t i = braid__timeline_lower_bound (
          m, e->from, first + n, first, first + n, BRAID_TIMELINE_AXIS_STEPS,
          (double)e->step);
      if (i >= first + n && n > 0)
        i = first + n - 1;
      for (size_t k = 0; i >= first && i < first + n && k < 4; i--, k++)
        {
          double s, en;
          braid__timeline_range (m, e->from, first + n, i,
                                 BRAID_TIMELINE_AXIS_STEPS, &s, &en);
          if (s > (double)e->step)
            continue;
          if (braid__timeline_state (m, i) == BRAID_STATE_RUNNING)
            {
              start_v
                  = steps ? s + 0.5
                          : (double)braid__timeline_end_ns (m, e->from,
                                                            first + n, i);
              break;
            }
          if (i == first)
            break;
        }
    }
  *x0 = braid_timeline_view_x_for (v, start_v);
  /* The end: where the woken (or created) task resumed, else the edge's
   * own moment. */
  double end_v = braid__timeline_edge_pos (e, v->axis);
  int64_t r = *to_lane >= 0
                  ? braid_timeline_model_resumption (m, e->to, e->time_ns,
                                                     e->step)
                  : -1;
  if (r >= 0)
    {
      size_t first, n;
      braid__timeline_task_slices (m, e->to, &first, &n);
      double s, en;
      braid__timeline_range (m, e->to, first + n, (size_t)r, v->axis, &s,
                             &en);
      end_v = s;
    }
  *x1 = braid_timeline_view_x_for (v, end_v);
  /* Arrows leaving one pixel column are spread a few pixels apart, so
   * that a fan-in (three gathered children waking their parent at once)
   * shows three arrows, not one. */
  *x0 += 2 * spread;
  double yt = braid_timeline_view_lane_y (v, *to_lane);
  if (*from_lane < 0)
    {
      /* Woken by the loop (a timer, I/O): no task to start from. */
      *y0 = yt - lh * 0.3;
      *y1 = yt + lh * 0.25;
      return;
    }
  /* From the side of the waker's step that faces the woken lane, so
   * that the step's colour stays visible in the middle of its lane. */
  *y0 = braid_timeline_view_lane_y (v, *from_lane)
        + (*to_lane > *from_lane ? lh * 0.85 : lh * 0.15);
  *y1 = *to_lane > *from_lane ? yt + lh * 0.2 : yt + lh * 0.8;
}

static void
draw_edges (frame *f, int64_t first_lane, int64_t last_lane)
{
  const braid_timeline_model *m = f->m;
  const braid_timeline_view *v = f->v;
  if (m->n_edges == 0)
    return;
  size_t lo = 0, hi = m->n_edges;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (braid__timeline_edge_pos (&m->edges[mid], v->axis) < f->v0)
        lo = mid + 1;
      else
        hi = mid;
    }
  arrow_batch batches[N_ARROW_BATCHES] = { { 0 } };
  double last_col = -1e300;
  int in_col = 0;
  for (size_t i = lo; i < m->n_edges; i++)
    {
      const braid_trace_edge *e = &m->edges[i];
      double x = braid_timeline_view_x_for (
          v, braid__timeline_edge_pos (e, v->axis));
      if (x > f->right)
        break;
      double col = floor (x);
      if (col == last_col && in_col >= 6)
        {
          /* This column is full: jump to the next one. */
          double next = braid_timeline_view_value_at (v, col + 1);
          size_t a = i + 1, b = m->n_edges;
          while (a < b)
            {
              size_t mid = a + (b - a) / 2;
              if (braid__timeline_edge_pos (&m->edges[mid], v->axis) < next)
                a = mid + 1;
              else
                b = mid;
            }
          i = a - 1;
          continue;
        }
      if (col != last_col)
        {
          last_col = col;
          in_col = 0;
        }
      /* Skip arrows entirely above or below the screen before finding
       * their ends (binary searches): with thousands of lanes most are. */
      int64_t from = e->from >= 0 && (size_t)e->from < m->n_tasks
                         ? visible_lane (m, e->from)
                         : -1;
      int64_t to = e->to >= 0 && (size_t)e->to < m->n_tasks
                       ? visible_lane (m, e->to)
                       : -1;
      int64_t top = from >= 0 && from < to ? from : to;
      int64_t bottom = from > to ? from : to;
      if (to < 0 || from == to || bottom < first_lane || top > last_lane)
        continue;
      double x0, y0, x1, y1;
      braid__timeline_edge_geometry (m, v, e, in_col, &x0, &y0, &x1, &y1,
                                     &from, &to);
      if (to < 0 || from == to)
        continue;
      in_col++;
      /* Clip long arrows to the screen so cairo does not walk them. */
      bool end_clipped;
      if (!clip_segment (&x0, &y0, &x1, &y1, -20, v->width + 20, -20,
                         v->height + 20, &end_clipped))
        continue;
      arrow_batch *b = from < 0 ? &batches[LOOP_BATCH]
                       : (unsigned)e->kind < N_EDGE_KINDS
                           ? &batches[e->kind]
                           : &batches[BRAID_EDGE_CANCEL];
      batch_add (b, x0, y0, x1, y1, !end_clipped);
    }
  cairo_set_line_width (f->cr, 1.2);
  /* The arrow under the pointer, thicker, under the others' heads. */
  double hx0, hy0, hx1, hy1;
  bool clipped;
  if (v->hover_edge >= 0
      && braid_timeline_edge_points (m, v, v->hover_edge, &hx0, &hy0, &hx1,
                                     &hy1)
      && clip_segment (&hx0, &hy0, &hx1, &hy1, -20, v->width + 20, -20,
                       v->height + 20, &clipped))
    {
      const braid_trace_edge *e = &m->edges[v->hover_edge];
      braid_timeline_rgb c = braid_timeline_edge_color (e->kind, e->from < 0);
      cairo_set_source_rgba (f->cr, c.r, c.g, c.b, 0.45);
      cairo_set_line_width (f->cr, 5);
      cairo_move_to (f->cr, hx0, hy0);
      cairo_line_to (f->cr, hx1, hy1);
      cairo_stroke (f->cr);
      cairo_set_line_width (f->cr, 1.2);
    }
  for (int k = 0; k < N_ARROW_BATCHES; k++)
    {
      batch_draw (f->cr, &batches[k],
                  braid_timeline_edge_color (
                      k == LOOP_BATCH ? BRAID_EDGE_WAKE
                                      : (braid_trace_edge_kind)k,
                      k == LOOP_BATCH),
                  k == LOOP_BATCH);
      free (batches[k].xy);
    }
}

/* The ruler's labelled tick spacing: the smallest 1, 2 or 5 times a
 * power of ten that is at least @units_per_100px (and at least 1). */
static double
nice_step (double units_per_100px)
{
  /* Neither steps nor nanoseconds divide: ticks are whole units on both
   * axes, so the axis does not matter here. */
  double raw = units_per_100px;
  if (raw < 1)
    raw = 1;
  double p = pow (10, floor (log10 (raw)));
  double mant = raw / p;
  double nice = mant <= 1 ? 1 : mant <= 2 ? 2 : mant <= 5 ? 5 : 10;
  return nice * p;
}

static void
draw_ruler (frame *f)
{
  const braid_timeline_view *v = f->v;
  cairo_t *cr = f->cr;
  cairo_set_source_rgb (cr, 0.93, 0.93, 0.92);
  cairo_rectangle (cr, 0, 0, v->width, v->ruler_height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.7, 0.7, 0.7);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 0, v->ruler_height - 0.5);
  cairo_line_to (cr, v->width, v->ruler_height - 0.5);
  cairo_stroke (cr);

  bool steps = v->axis == BRAID_TIMELINE_AXIS_STEPS;
  double step = nice_step (v->scale * 100);
  double minor = step / (step < 5 ? step : 5);
  double first = floor (f->v0 / minor) * minor;
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  int count = 0;
  for (double t = first; t <= f->v1 && count < 4096; t += minor, count++)
    {
      double x = round (braid_timeline_view_x_for (v, t)) + 0.5;
      if (x < f->left)
        continue;
      bool major = fabs (remainder (t, step)) < minor / 2;
      cairo_move_to (cr, x, v->ruler_height - (major ? 10 : 4));
      cairo_line_to (cr, x, v->ruler_height);
      cairo_stroke (cr);
      if (major)
        {
          char buf[64];
          if (steps)
            snprintf (buf, sizeof buf, "%.0f", t);
          else
            braid_timeline_format_duration ((int64_t)llround (t), buf,
                                            sizeof buf);
          pango_layout_set_text (f->layout, buf, -1);
          cairo_move_to (cr, x + 3, 3);
          pango_cairo_show_layout (cr, f->layout);
        }
    }
  /* Name the axis in the label gutter's corner. */
  if (v->show_labels)
    {
      cairo_set_source_rgb (cr, 0.93, 0.93, 0.92);
      cairo_rectangle (cr, 0, 0, v->label_width, v->ruler_height - 1);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      pango_layout_set_text (f->layout, steps ? "loop steps" : "wall time", -1);
      cairo_move_to (cr, 6, 6);
      pango_cairo_show_layout (cr, f->layout);
    }
}

/* Names come from an untrusted file: pango needs valid UTF-8. */
static void
set_label_text (PangoLayout *layout, const char *text)
{
  if (g_utf8_validate (text, -1, NULL))
    pango_layout_set_text (layout, text, -1);
  else
    {
      char *valid = g_utf8_make_valid (text, -1);
      pango_layout_set_text (layout, valid, -1);
      g_free (valid);
    }
}

static void
draw_labels (frame *f, int64_t first_lane, int64_t last_lane)
{
  const braid_timeline_model *m = f->m;
  const braid_timeline_view *v = f->v;
  cairo_t *cr = f->cr;
  double lh = v->lane_height;
  cairo_save (cr);
  cairo_rectangle (cr, 0, v->ruler_height, v->label_width,
                   v->height - v->ruler_height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 0.96, 0.96, 0.95);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.78, 0.78, 0.78);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, v->label_width - 0.5, v->ruler_height);
  cairo_line_to (cr, v->label_width - 0.5, v->height);
  cairo_stroke (cr);

  pango_layout_set_ellipsize (f->layout, PANGO_ELLIPSIZE_END);
  for (int64_t lane = first_lane; lane <= last_lane; lane++)
    {
      int32_t task = braid_timeline_model_lane_task (m, (size_t)lane);
      const braid_trace_task *t = &m->tasks[task];
      double y = braid_timeline_view_lane_y (v, lane);
      if (task == v->selected_task)
        {
          cairo_set_source_rgb (cr, 0.80, 0.88, 0.98);
          cairo_rectangle (cr, 0, y, v->label_width - 1, lh);
          cairo_fill (cr);
        }
      double x = braid__timeline_expander_x (t->depth, v->label_width);
      if (braid_timeline_model_task_has_children (m, task))
        {
          cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
          double cy = y + lh / 2;
          if (braid_timeline_model_get_collapsed (m, task))
            {
              cairo_move_to (cr, x + 2, cy - 4);
              cairo_line_to (cr, x + 7, cy);
              cairo_line_to (cr, x + 2, cy + 4);
            }
          else
            {
              cairo_move_to (cr, x, cy - 2);
              cairo_line_to (cr, x + 8, cy - 2);
              cairo_line_to (cr, x + 4, cy + 3);
            }
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      x += 12;
      char fallback[48];
      const char *name = t->name;
      if (!name || !*name)
        {
          snprintf (fallback, sizeof fallback, "task %llu",
                    (unsigned long long)t->id);
          name = fallback;
        }
      set_label_text (f->layout, name);
      pango_layout_set_width (f->layout, (int)fmax (8, v->label_width - x - 4)
                                             * PANGO_SCALE);
      if (!braid_timeline_model_task_matches (m, task))
        cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
      else if (t->outcome == BRAID_OUTCOME_FAILED)
        cairo_set_source_rgb (cr, 0.75, 0.08, 0.1);
      else
        cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      int tw, th;
      pango_layout_get_pixel_size (f->layout, &tw, &th);
      cairo_move_to (cr, x, y + (lh - th) / 2.0);
      pango_cairo_show_layout (cr, f->layout);
    }
  pango_layout_set_width (f->layout, -1);
  pango_layout_set_ellipsize (f->layout, PANGO_ELLIPSIZE_NONE);
  cairo_restore (cr);
}

void
braid_timeline_draw (const braid_timeline_model *m,
                     const braid_timeline_view *v, cairo_t *cr)
{
  frame f = { .m = m, .v = v, .cr = cr };
  f.left = v->show_labels ? v->label_width : 0;
  f.right = v->width;
  f.v0 = braid_timeline_view_value_at (v, f.left);
  f.v1 = braid_timeline_view_value_at (v, f.right);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, v->width, v->height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  f.layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 8");
  pango_layout_set_font_description (f.layout, font);
  pango_font_description_free (font);

  size_t n_lanes = braid_timeline_model_get_n_lanes (m);
  int64_t first_lane = (int64_t)floor (v->scroll_y / v->lane_height);
  int64_t last_lane = (int64_t)floor (
      (v->scroll_y + v->height - v->ruler_height) / v->lane_height);
  if (first_lane < 0)
    first_lane = 0;
  if (last_lane >= (int64_t)n_lanes)
    last_lane = (int64_t)n_lanes - 1;

  /* The lanes, clipped below the ruler and right of the labels. */
  cairo_save (cr);
  cairo_rectangle (cr, f.left, v->ruler_height, f.right - f.left,
                   v->height - v->ruler_height);
  cairo_clip (cr);
  layer ly;
  if (layer_init (&ly, &f, v->ruler_height))
    f.layer = &ly;
  /* Without a layer, cairo fills whole-pixel rectangles: no
   * anti-aliasing to compute. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  for (int64_t lane = first_lane; lane <= last_lane; lane++)
    {
      int32_t task = braid_timeline_model_lane_task (m, (size_t)lane);
      double y = braid_timeline_view_lane_y (v, lane);
      braid_timeline_rgb bg = { 1, 1, 1 };
      if (task == v->selected_task)
        bg = (braid_timeline_rgb){ 0.86, 0.92, 0.99 };
      else if (task == v->hover_task)
        bg = (braid_timeline_rgb){ 0.95, 0.95, 0.97 };
      else if (lane % 2)
        bg = (braid_timeline_rgb){ 0.975, 0.975, 0.975 };
      if (f.layer)
        layer_fill (f.layer, f.left, y, f.right, y + v->lane_height, bg);
      else
        {
          cairo_set_source_rgb (cr, bg.r, bg.g, bg.b);
          cairo_rectangle (cr, f.left, y, f.right - f.left, v->lane_height);
          cairo_fill (cr);
        }
      draw_lane_slices (&f, task, y);
    }
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_DEFAULT);
  if (f.layer)
    layer_clear_below (f.layer,
                       last_lane >= first_lane
                           ? braid_timeline_view_lane_y (v, last_lane)
                                 + v->lane_height
                           : v->ruler_height);
  /* The frequent marks of every lane, then the rare ones above them. */
  for (int64_t lane = first_lane; lane <= last_lane; lane++)
    {
      int32_t task = braid_timeline_model_lane_task (m, (size_t)lane);
      double y = braid_timeline_view_lane_y (v, lane);
      draw_lane_marks_class (&f, task, y, false);
    }
  mark_batches_flush (&f, f.layer);
  if (f.layer)
    {
      layer_paint (f.layer, cr);
      f.layer = NULL;
    }
  int64_t sel_lane = braid_timeline_model_task_lane (m, v->selected_task);
  braid_trace_slice sel;
  if (sel_lane >= first_lane && sel_lane <= last_lane
      && v->selected_slice >= 0
      && braid_timeline_model_get_slice (m, v->selected_slice, &sel))
    {
      double y = braid_timeline_view_lane_y (v, sel_lane);
      double s, e;
      braid_timeline_slice_range (&sel, v->axis, &s, &e);
      double x0 = round (braid_timeline_view_x_for (v, s));
      double x1 = round (braid_timeline_view_x_for (v, e));
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_set_line_width (cr, 1.5);
      cairo_rectangle (cr, fmax (x0, f.left - 2) + 0.75, y + 1.75,
                       fmax (1, fmin (x1, f.right + 2) - x0 - 1.5),
                       v->lane_height - 3.5);
      cairo_stroke (cr);
    }
  for (int64_t lane = first_lane; lane <= last_lane; lane++)
    {
      int32_t task = braid_timeline_model_lane_task (m, (size_t)lane);
      double y = braid_timeline_view_lane_y (v, lane);
      draw_lane_marks_class (&f, task, y, true);
    }
  if (v->show_edges)
    draw_edges (&f, first_lane, last_lane);
  braid__timeline_draw_deadlocks (m, v, cr, f.layout, f.left, f.right);
  cairo_restore (cr);

  if (n_lanes == 0)
    {
      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      pango_layout_set_text (f.layout,
                             m->n_tasks ? "No task matches the filter."
                                        : "This trace has no tasks.",
                             -1);
      cairo_move_to (cr, f.left + 12, v->ruler_height + 12);
      pango_cairo_show_layout (cr, f.layout);
    }

  if (v->show_labels && n_lanes > 0)
    draw_labels (&f, first_lane, last_lane);
  draw_ruler (&f);

  g_object_unref (f.layout);
  cairo_restore (cr);
}
