/* timeline-sync.c: a deadlock drawn where it happens.
 *
 * Owns the deadlock layer of the timeline: for each deadlock the trace
 * reports, the wait-for graph at its step (braid_trace_wait_graph, taken
 * once per model, at the first frame that needs it), drawn over the
 * lanes as a red band on every task that waits from the deadlock to the
 * end of the run (at least DEADLOCK_MIN_PX wide, so a deadlock found an
 * instant before the run ended is not a hairline), an arrow from each
 * task of the cycle to the lane of the task holding what it waits on,
 * labelled with that object, and the cycle spelt out in words.
 *
 * Also the wait-for graph at any instant, drawn on demand (the viewer's
 * "g" key) at the step under the pointer, or at a step given (the
 * instant the viewer selected): an arrow from each waiting task's lane to
 * its holder's lane, labelled with the object, the edges of a cycle in
 * the deadlock colour; and the same graph in words.
 *
 * Not hot: a trace has a deadlock or two at most; a frame draws a few
 * rectangles and arrows per deadlocked task.
 */
#include "timeline-private.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid-hooks.h>

/* The narrowest a deadlocked wait is drawn, in pixels. */
#define DEADLOCK_MIN_PX 24
/* The room each arrow of a cycle takes beside the previous one. */
#define ARROW_GAP_PX 12
/* The most arrows of a wait-for graph labelled with their object. */
#define MAX_LABELS 64

struct braid__timeline_deadlock
{
  uint64_t step;
  int64_t time_ns;
  braid_trace_wait_edge *edges;
  size_t n_edges;
  char *cycle; /* cycle_text's, or NULL */
};

braid_timeline_rgb
braid_timeline_deadlock_color (void)
{
  return (braid_timeline_rgb){ 0.80, 0.05, 0.10 };
}

void
braid__timeline_deadlocks_free (braid_timeline_model *m)
{
  for (size_t i = 0; i < m->n_deadlocks; i++)
    {
      free (m->deadlocks[i].edges);
      free (m->deadlocks[i].cycle);
    }
  free (m->deadlocks);
  m->deadlocks = NULL;
  m->n_deadlocks = 0;
}

static char *cycle_text (const braid_timeline_model *m,
                         const struct braid__timeline_deadlock *d);

/* Takes the wait-for graph of every deadlock and its cycle in words,
 * once. */
static void
deadlocks_compute (braid_timeline_model *m)
{
  m->deadlocks_done = true;
  size_t n_problems;
  const braid_trace_problem *p = braid_trace_get_problems (m->trace,
                                                           &n_problems);
  size_t n = 0;
  for (size_t i = 0; i < n_problems; i++)
    n += p[i].kind == BRAID_PROBLEM_DEADLOCK;
  if (n == 0 || (m->deadlocks = calloc (n, sizeof *m->deadlocks)) == NULL)
    return;
  for (size_t i = 0; i < n_problems; i++)
    {
      if (p[i].kind != BRAID_PROBLEM_DEADLOCK)
        continue;
      struct braid__timeline_deadlock *d = &m->deadlocks[m->n_deadlocks];
      if (braid_trace_wait_graph (m->trace, p[i].step, &d->edges,
                                  &d->n_edges)
          != 0)
        continue;
      d->step = p[i].step;
      d->time_ns = p[i].time_ns;
      d->cycle = cycle_text (m, d);
      m->n_deadlocks++;
    }
}

void
braid_timeline_object_text (const braid_trace *trace, uint64_t id,
                            uint32_t reason, char *buf, size_t size)
{
  int32_t task = braid_trace_find_task (trace, id);
  if (task >= 0)
    {
      size_t n;
      snprintf (buf, size, "task %s",
                braid_trace_get_tasks (trace, &n)[task].name);
      return;
    }
  const braid_trace_object *o = braid_trace_find_object (trace, id);
  /* A primitive's object kind has the number of its wait reason. */
  const char *kind = braid_trace_wait_reason_name (
    o && o->kind >= BRAID_OBJ_EVENT && o->kind <= BRAID_OBJ_QUEUE ? o->kind
                                                                  : reason);
  if (o && o->name[0] && strcmp (o->name, kind) != 0)
    snprintf (buf, size, "%s %llu '%s'", kind, (unsigned long long) id,
              o->name);
  else
    snprintf (buf, size, "%s %llu", kind, (unsigned long long) id);
}

/* The cycle of @d in words (braid_timeline_model_deadlock_cycle's);
 * NULL when it has none. */
static char *
cycle_text (const braid_timeline_model *m,
            const struct braid__timeline_deadlock *d)
{
  if (d->n_edges == 0 || !d->edges[0].in_cycle)
    return NULL;
  size_t cap = 256, len = 0;
  char *s = malloc (cap);
  if (s == NULL)
    return NULL;
  s[0] = '\0';
  for (size_t i = 0; i <= d->n_edges; i++)
    {
      bool last = i == d->n_edges || !d->edges[i].in_cycle;
      char obj[160] = "";
      const char *name = m->tasks[last ? d->edges[0].task
                                       : d->edges[i].task].name;
      if (!last)
        braid_timeline_object_text (m->trace, d->edges[i].object,
                                    d->edges[i].reason, obj, sizeof obj);
      size_t need = len + strlen (name) + strlen (obj) + 16;
      if (need > cap)
        {
          char *ns = realloc (s, need * 2);
          if (ns == NULL)
            {
              free (s);
              return NULL;
            }
          s = ns;
          cap = need * 2;
        }
      len += (size_t) sprintf (s + len, last ? "%s" : "%s → %s → ", name,
                               obj);
      if (last)
        break;
    }
  return s;
}

char *
braid_timeline_model_deadlock_cycle (const braid_timeline_model *cm,
                                     size_t k)
{
  braid_timeline_model *m = (braid_timeline_model *) cm;
  if (!m->deadlocks_done)
    deadlocks_compute (m);
  if (k >= m->n_deadlocks || m->deadlocks[k].cycle == NULL)
    return NULL;
  return strdup (m->deadlocks[k].cycle);
}

/* An arrow from (x, y0) to (x, y1), its head at y1. */
static void
arrow (cairo_t *cr, double x, double y0, double y1)
{
  double dir = y1 > y0 ? 1 : -1;
  cairo_move_to (cr, x, y0);
  cairo_line_to (cr, x, y1 - dir * 5);
  cairo_stroke (cr);
  braid__timeline_arrowhead_path (cr, x, y1, 0, dir, 7, 4);
  cairo_fill (cr);
}

void
braid__timeline_draw_deadlocks (const braid_timeline_model *cm,
                                const braid_timeline_view *v, cairo_t *cr,
                                PangoLayout *layout, double left,
                                double right)
{
  braid_timeline_model *m = (braid_timeline_model *) cm;
  if (!m->deadlocks_done)
    deadlocks_compute (m);
  braid_timeline_rgb c = braid_timeline_deadlock_color ();
  double end = braid_timeline_view_x_for (
    v, braid_timeline_model_get_extent (m, v->axis));
  for (size_t k = 0; k < m->n_deadlocks; k++)
    {
      const struct braid__timeline_deadlock *d = &m->deadlocks[k];
      double at = v->axis == BRAID_TIMELINE_AXIS_STEPS ? (double) d->step
                                                       : (double) d->time_ns;
      double x0 = round (braid_timeline_view_x_for (v, at));
      double x1 = fmax (end, x0 + DEADLOCK_MIN_PX);
      if (x1 < left || x0 > right)
        continue;
      /* The waits: a band on each waiting task's lane, stronger on the
       * cycle. */
      for (size_t i = 0; i < d->n_edges; i++)
        {
          int64_t lane = braid_timeline_model_task_lane (m, d->edges[i].task);
          if (lane < 0)
            continue;
          double y = braid_timeline_view_lane_y (v, lane);
          cairo_set_source_rgba (cr, c.r, c.g, c.b,
                                 d->edges[i].in_cycle ? 1.0 : 0.35);
          cairo_rectangle (cr, x0, y + v->lane_height * 0.3, x1 - x0,
                           v->lane_height * 0.4);
          cairo_fill (cr);
        }
      /* The cycle: an arrow from each task to its holder, named by the
       * object between them. */
      size_t n_cycle = 0;
      while (n_cycle < d->n_edges && d->edges[n_cycle].in_cycle)
        n_cycle++;
      cairo_set_line_width (cr, 2);
      double top = INFINITY;
      for (size_t i = 0; i < n_cycle; i++)
        {
          const braid_trace_wait_edge *e = &d->edges[i];
          int64_t from = braid_timeline_model_task_lane (m, e->task);
          int64_t to = braid_timeline_model_task_lane (m, e->holder);
          if (from < 0 || to < 0)
            continue;
          double h = v->lane_height;
          double y0 = braid_timeline_view_lane_y (v, from) + h / 2;
          double y1 = braid_timeline_view_lane_y (v, to) + h / 2;
          top = fmin (top, fmin (y0, y1) - h / 2);
          double x = x0 + 6 + (double) i * ARROW_GAP_PX;
          cairo_set_source_rgb (cr, c.r, c.g, c.b);
          arrow (cr, x, y0, y1);
          /* The object beside its arrow, where the arrows leave room
           * for a label each (the caption names them all anyway). */
          char obj[160];
          braid_timeline_object_text (m->trace, e->object, e->reason, obj,
                                      sizeof obj);
          pango_layout_set_text (layout, obj, -1);
          int tw, th;
          pango_layout_get_pixel_size (layout, &tw, &th);
          if (fabs (y1 - y0) < (double) (th + 2) * (double) n_cycle)
            continue;
          double tx = x + 4;
          if (tx + tw > right)
            tx = x - 4 - tw;
          double ty = fmin (y0, y1)
                      + fabs (y1 - y0) * (double) (i + 1)
                          / (double) (n_cycle + 1)
                      - th / 2.0;
          cairo_move_to (cr, tx, ty);
          pango_cairo_show_layout (cr, layout);
        }
      if (d->cycle && isfinite (top))
        {
          char *text = g_strdup_printf ("deadlock: %s", d->cycle);
          pango_layout_set_text (layout, text, -1);
          int tw, th;
          pango_layout_get_pixel_size (layout, &tw, &th);
          double tx = x0 + 6 + (double) n_cycle * ARROW_GAP_PX;
          if (tx + tw > right)
            tx = fmax (left + 2, x0 - 6 - tw);
          double ty = fmax (v->ruler_height, top - th);
          cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
          cairo_rectangle (cr, tx - 2, ty, tw + 4, th);
          cairo_fill (cr);
          cairo_set_source_rgb (cr, c.r * 0.8, c.g, c.b);
          cairo_move_to (cr, tx, ty);
          pango_cairo_show_layout (cr, layout);
          g_free (text);
        }
    }
}

/* ---------------------------------------------------------------------
 * The wait-for graph at any instant: what the viewer draws under the
 * pointer while its wait-for graph is shown (the "g" key).
 * ------------------------------------------------------------------ */

braid_timeline_rgb
braid_timeline_wait_graph_color (void)
{
  return (braid_timeline_rgb){ 0x0e / 255.0, 0x7c / 255.0, 0x86 / 255.0 };
}

uint64_t
braid_timeline_view_step_at (const braid_timeline_model *m,
                             const braid_timeline_view *v, double x)
{
  double value = braid_timeline_view_value_at (v, x);
  if (v->axis == BRAID_TIMELINE_AXIS_TIME)
    value = braid_timeline_model_convert (m, BRAID_TIMELINE_AXIS_TIME, value);
  uint64_t n_steps = braid_trace_get_meta (m->trace)->n_steps;
  if (!(value > 0))
    return 0;
  if (value >= (double) n_steps)
    return n_steps;
  return (uint64_t) value;
}

char *
braid_timeline_model_wait_graph_text (const braid_timeline_model *m,
                                      uint64_t step)
{
  braid_trace_wait_edge *e = NULL;
  size_t n = 0;
  if (braid_trace_wait_graph (m->trace, step, &e, &n) != 0 || n == 0)
    {
      free (e);
      return NULL;
    }
  GString *s = g_string_new (NULL);
  for (size_t i = 0; i < n; i++)
    {
      char obj[160];
      braid_timeline_object_text (m->trace, e[i].object, e[i].reason, obj,
                                  sizeof obj);
      g_string_append_printf (s, "%s → %s", m->tasks[e[i].task].name, obj);
      /* A task awaited is its own holder: the object names it already. */
      if (e[i].reason != BRAID_WAIT_TASK)
        g_string_append_printf (s, " → %s",
                                e[i].holder >= 0 ? m->tasks[e[i].holder].name
                                                 : "(nobody)");
      g_string_append (s, e[i].in_cycle ? "  (deadlock cycle)\n" : "\n");
    }
  free (e);
  return g_string_free (s, FALSE);
}

double
braid_timeline_view_x_for_step (const braid_timeline_model *m,
                                const braid_timeline_view *v, uint64_t step)
{
  double at = (double) step + 0.5;
  if (v->axis == BRAID_TIMELINE_AXIS_TIME)
    at = braid_timeline_model_convert (m, BRAID_TIMELINE_AXIS_STEPS,
                                       (double) step);
  return braid_timeline_view_x_for (v, at);
}

/* braid_timeline_wait_graph_arrows for the graph at @step, drawn at
 * pixel @x: on the time axis several steps can share a pixel, so the
 * step is given rather than read back from @x. */
static size_t
arrows_at_step (const braid_timeline_model *m, const braid_timeline_view *v,
                double x, uint64_t step, braid_timeline_wait_arrow *out,
                size_t max)
{
  braid_trace_wait_edge *e = NULL;
  size_t n = 0;
  if (braid_trace_wait_graph (m->trace, step, &e, &n) != 0)
    return 0;
  size_t k = 0;
  double h = v->lane_height;
  for (size_t i = 0; i < n; i++)
    {
      int64_t from = braid_timeline_model_task_lane (m, e[i].task);
      int64_t to = e[i].holder >= 0
                       ? braid_timeline_model_task_lane (m, e[i].holder)
                       : -1;
      /* Nobody to point at (an event nobody set), a task awaiting itself
       * or a lane filtered out: the text says it, no arrow. */
      if (from < 0 || to < 0 || from == to)
        continue;
      if (k < max)
        out[k] = (braid_timeline_wait_arrow){
          .task = e[i].task,
          .holder = e[i].holder,
          .object = e[i].object,
          .reason = e[i].reason,
          .in_cycle = e[i].in_cycle,
          .x = round (x) + 6.5 + (double) k * ARROW_GAP_PX,
          .y0 = braid_timeline_view_lane_y (v, from) + h / 2,
          .y1 = braid_timeline_view_lane_y (v, to) + h / 2,
        };
      k++;
    }
  free (e);
  return k;
}

size_t
braid_timeline_wait_graph_arrows (const braid_timeline_model *m,
                                  const braid_timeline_view *v, double x,
                                  braid_timeline_wait_arrow *out, size_t max)
{
  return arrows_at_step (m, v, x, braid_timeline_view_step_at (m, v, x), out,
                         max);
}

size_t
braid_timeline_wait_graph_arrows_at_step (const braid_timeline_model *m,
                                          const braid_timeline_view *v,
                                          uint64_t step,
                                          braid_timeline_wait_arrow *out,
                                          size_t max)
{
  return arrows_at_step (m, v, braid_timeline_view_x_for_step (m, v, step),
                         step, out, max);
}

/* braid_timeline_draw_wait_graph for the graph at @step, drawn at pixel
 * @x (inside the lanes). */
static size_t
draw_at_step (const braid_timeline_model *m, const braid_timeline_view *v,
              cairo_t *cr, double x, uint64_t step)
{
  /* The graph is taken once a frame, twice only for a crowd. */
  braid_timeline_wait_arrow few[MAX_LABELS], *a = few;
  size_t n = arrows_at_step (m, v, x, step, few, MAX_LABELS);
  if (n > MAX_LABELS)
    {
      if ((a = calloc (n, sizeof *a)) == NULL)
        return 0;
      n = arrows_at_step (m, v, x, step, a, n);
    }
  braid_timeline_rgb c = braid_timeline_wait_graph_color ();
  braid_timeline_rgb red = braid_timeline_deadlock_color ();
  cairo_save (cr);
  cairo_rectangle (cr, v->label_width, v->ruler_height,
                   v->width - v->label_width, v->height - v->ruler_height);
  cairo_clip (cr);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 8");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  /* The instant: a dashed line across the lanes. */
  static const double dash[] = { 4, 3 };
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, c.r, c.g, c.b, 0.7);
  cairo_move_to (cr, round (x) + 0.5, v->ruler_height);
  cairo_line_to (cr, round (x) + 0.5, v->height);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  /* The labels go right of the last arrow, each at its arrow's middle. */
  double label_x = round (x) + 6 + (double) n * ARROW_GAP_PX;
  cairo_set_line_width (cr, 2);
  for (size_t i = 0; i < n; i++)
    {
      braid_timeline_rgb k = a[i].in_cycle ? red : c;
      cairo_set_source_rgb (cr, k.r, k.g, k.b);
      cairo_arc (cr, a[i].x, a[i].y0, 3, 0, 2 * M_PI);
      cairo_fill (cr);
      arrow (cr, a[i].x, a[i].y0, a[i].y1);
    }
  /* Labels placed so far, as [top, bottom) spans: a label that would
   * cover one moves down below it (arrows between the same two lanes
   * share a middle). */
  double placed[MAX_LABELS][2];
  size_t n_placed = 0;
  for (size_t i = 0; i < n && i < MAX_LABELS; i++)
    {
      char obj[160];
      braid_timeline_object_text (m->trace, a[i].object, a[i].reason, obj,
                                  sizeof obj);
      pango_layout_set_text (layout, obj, -1);
      int tw, th;
      pango_layout_get_pixel_size (layout, &tw, &th);
      double tx = label_x;
      if (tx + tw > v->width)
        tx = fmax (v->label_width + 2, a[0].x - 8 - tw);
      double ty = (a[i].y0 + a[i].y1) / 2 - th / 2.0;
      for (size_t j = 0; j < n_placed; j++)
        if (ty < placed[j][1] && ty + th > placed[j][0])
          {
            ty = placed[j][1];
            j = (size_t) -1; /* look at them all again */
          }
      placed[n_placed][0] = ty;
      placed[n_placed][1] = ty + th;
      n_placed++;
      cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
      cairo_rectangle (cr, tx - 2, ty, tw + 4, th);
      cairo_fill (cr);
      braid_timeline_rgb k = a[i].in_cycle ? red : c;
      cairo_set_source_rgb (cr, k.r * 0.8, k.g * 0.8, k.b * 0.8);
      cairo_move_to (cr, tx, ty);
      pango_cairo_show_layout (cr, layout);
    }
  /* Which instant, at the top of the lanes. */
  char when[64] = "";
  if (v->axis == BRAID_TIMELINE_AXIS_TIME)
    {
      char d[32];
      snprintf (when, sizeof when, "%s, ",
                braid_timeline_format_duration (
                  (int64_t) braid_timeline_view_value_at (v, x), d, sizeof d));
    }
  char *caption = g_strdup_printf ("wait-for graph at %sstep %llu%s", when,
                                   (unsigned long long) step,
                                   n ? "" : ": no task waits on a holder");
  pango_layout_set_text (layout, caption, -1);
  int tw, th;
  pango_layout_get_pixel_size (layout, &tw, &th);
  double tx = round (x) + 6;
  if (tx + tw > v->width)
    tx = fmax (v->label_width + 2, round (x) - 6 - tw);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.85);
  cairo_rectangle (cr, tx - 2, v->ruler_height + 2, tw + 4, th);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, c.r * 0.8, c.g * 0.8, c.b * 0.8);
  cairo_move_to (cr, tx, v->ruler_height + 2);
  pango_cairo_show_layout (cr, layout);
  g_free (caption);
  g_object_unref (layout);
  cairo_restore (cr);
  if (a != few)
    free (a);
  return n;
}

size_t
braid_timeline_draw_wait_graph (const braid_timeline_model *m,
                                const braid_timeline_view *v, cairo_t *cr,
                                double x)
{
  if (x < v->label_width || x >= v->width)
    return 0;
  return draw_at_step (m, v, cr, x, braid_timeline_view_step_at (m, v, x));
}

size_t
braid_timeline_draw_wait_graph_at_step (const braid_timeline_model *m,
                                        const braid_timeline_view *v,
                                        cairo_t *cr, uint64_t step)
{
  double x = braid_timeline_view_x_for_step (m, v, step);
  if (x < v->label_width || x >= v->width)
    return 0;
  return draw_at_step (m, v, cr, x, step);
}
