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

struct braid__timeline_deadlock
{
  uint64_t step;
  int64_t time_ns;
  braid_trace_wait_edge *edges;
  size_t n_edges;
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
    free (m->deadlocks[i].edges);
  free (m->deadlocks);
  m->deadlocks = NULL;
  m->n_deadlocks = 0;
}

/* Takes the wait-for graph of every deadlock, once. */
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
      m->n_deadlocks++;
    }
}

/* "lock 4" or the object's own name when it has one of its own. */
static void
object_text (const braid_trace *trace, uint64_t id, uint32_t reason,
             char *buf, size_t size)
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

char *
braid_timeline_model_deadlock_cycle (const braid_timeline_model *cm,
                                     size_t k)
{
  braid_timeline_model *m = (braid_timeline_model *) cm;
  if (!m->deadlocks_done)
    deadlocks_compute (m);
  if (k >= m->n_deadlocks || m->deadlocks[k].n_edges == 0
      || !m->deadlocks[k].edges[0].in_cycle)
    return NULL;
  const struct braid__timeline_deadlock *d = &m->deadlocks[k];
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
        object_text (m->trace, d->edges[i].object, d->edges[i].reason, obj,
                     sizeof obj);
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

/* An arrow from (x, y0) to (x, y1), its head at y1. */
static void
arrow (cairo_t *cr, double x, double y0, double y1)
{
  double dir = y1 > y0 ? 1 : -1;
  cairo_move_to (cr, x, y0);
  cairo_line_to (cr, x, y1 - dir * 5);
  cairo_stroke (cr);
  cairo_move_to (cr, x, y1);
  cairo_line_to (cr, x - 4, y1 - dir * 7);
  cairo_line_to (cr, x + 4, y1 - dir * 7);
  cairo_close_path (cr);
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
          object_text (m->trace, e->object, e->reason, obj, sizeof obj);
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
      char *cycle = braid_timeline_model_deadlock_cycle (m, k);
      if (cycle && isfinite (top))
        {
          char *text = g_strdup_printf ("deadlock: %s", cycle);
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
      free (cycle);
    }
}
