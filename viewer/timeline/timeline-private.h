/* timeline-private.h: the model's struct, shared by the timeline
 * library's files (model, view, drawing) and nobody else.
 */
#ifndef BRAID_TIMELINE_PRIVATE_H
#define BRAID_TIMELINE_PRIVATE_H

#include "timeline.h"

#include <pango/pangocairo.h>

struct braid_timeline_model
{
  const braid_trace *trace;
  const braid_trace_task *tasks;
  size_t n_tasks;
  /* The slices: the reader's compact ones (cslices, with one end per
   * task in cends) when the trace was loaded in compact mode, else the
   * full ones. Go through braid__timeline_range() and friends. */
  const braid_trace_slice *slices;
  const braid_trace_compact_slice *cslices;
  const braid_trace_compact_end *cends;
  size_t n_slices;
  const braid_trace_mark *marks;
  size_t n_marks;
  const braid_trace_edge *edges;
  size_t n_edges;

  /* The task tree, children in creation order. */
  int32_t first_root;
  int32_t *parent; /* validated copy of tasks[].parent */
  int32_t *first_child;
  int32_t *next_sibling;

  /* Collapse and filter state, one byte per task. */
  uint8_t *collapsed;
  uint8_t *matches; /* matches the filter (all 1 without one) */
  uint8_t *shown;   /* matches, or an ancestor of a match */

  /* The visible lanes and their inverse. */
  int32_t *lanes;
  size_t n_lanes;
  int64_t *task_lane;

  /* Running time and running-slice count of a task's slices before its
   * local slice 8k, for each 8k before its last slice (task t's
   * braid__timeline_run_samples start at run_sample_offset[t]): a prefix
   * is a sample plus at most 8 slices, and the running share of a run of
   * slices is a difference of two prefixes. 12 bytes per 8 slices
   * instead of 12 per slice. */
  size_t *run_sample_offset; /* n_tasks + 1 (n_tasks in a live model) */
  int64_t *run_sample_ns;
  uint32_t *run_sample_count;

  /* Marks grouped by task, in time order within a task: task t's at
   * mark_index + mark_offset[t], mark_offset[t + 1] - mark_offset[t] of
   * them, or mark_count[t] in a live model. */
  size_t *mark_offset; /* n_tasks + 1 (n_tasks in a live model) */
  uint32_t *mark_index;

  /* The tasks with slices in the order of their ranges, when that is
   * not the tasks' order (a followed trace's); NULL otherwise. */
  int32_t *range_order;
  size_t n_range_order;

  /* The time each step began (non-decreasing), for axis conversion. */
  int64_t *step_time;
  size_t n_step_time;

  double extent_time, extent_steps;

  /* A followed trace's model (timeline-live.c): the store that holds
   * its run samples, mark lists and step table, shared with the models
   * made before and after it; NULL otherwise. The rest is its own. */
  struct braid__timeline_store *store;
  uint64_t generation;    /* the store's count of models when made */
  uint32_t *mark_count;   /* n_tasks */
  size_t *mark_cap;       /* room of each task's mark list */
  size_t *run_cap;        /* room of each task's samples */
  int64_t max_time;       /* what extent_time was made from */
  uint64_t max_step;      /* and extent_steps */

  /* The wait-for graph of each deadlock (timeline-sync.c), taken at the
   * first frame or question that needs it. */
  struct braid__timeline_deadlock *deadlocks;
  size_t n_deadlocks;
  bool deadlocks_done;
};

/* A model's base (timeline-model.c): the arrays, the task tree and the
 * ranges' order, but no index and no lane. NULL when out of memory. */
braid_timeline_model *braid__timeline_model_base (const braid_trace *trace);
/* Lists the visible lanes again (after a change of collapse or filter). */
void braid__timeline_rebuild_lanes (braid_timeline_model *m);
/* Frees what a live model holds beyond a model's base, and drops its
 * reference to the store (timeline-live.c). */
void braid__timeline_live_free (braid_timeline_model *m);

/* The run samples a task of @n slices has: one per 8 slices before its
 * last (whose end moves while a followed trace grows), and one (0) for
 * none. */
#define RUN_SAMPLE 8
static inline size_t
braid__timeline_run_samples (size_t n)
{
  return n == 0 ? 1 : (n - 1) / RUN_SAMPLE + 1;
}

/* timeline-sync.c: draws each deadlock's waits and cycle over the lanes
 * between @left and @right, with @layout's font. */
void braid__timeline_draw_deadlocks (const braid_timeline_model *m,
                                     const braid_timeline_view *v,
                                     cairo_t *cr, PangoLayout *layout,
                                     double left, double right);
/* Frees what braid__timeline_draw_deadlocks took. */
void braid__timeline_deadlocks_free (braid_timeline_model *m);

/* The clamped slice range of @task. */
void braid__timeline_task_slices (const braid_timeline_model *m, int32_t task,
                                  size_t *first, size_t *n);
/* The first slice in [first, end) whose end is after @value; @task's
 * slices end at @task_end. */
size_t braid__timeline_lower_bound (const braid_timeline_model *m,
                                    int32_t task, size_t task_end,
                                    size_t first, size_t end,
                                    braid_timeline_axis axis, double value);
/* Running time and count of @task's slices in [i, j) (task_first <= i <=
 * j <= task_end). */
void braid__timeline_running (const braid_timeline_model *m, int32_t task,
                              size_t task_first, size_t task_end, size_t i,
                              size_t j, int64_t *ns, uint32_t *count);
/* A mark's position: its time, or on the step axis its step with the
 * marks of one task in one step spread evenly across it (so five lines
 * printed in a step read as five dots, not one). @idx is the task's mark
 * list (n long) and @i the mark's place in it. An edge's: the middle of
 * its step. */
double braid__timeline_mark_pos (const braid_timeline_model *m,
                                 const uint32_t *idx, size_t n, size_t i,
                                 braid_timeline_axis axis);
double braid__timeline_edge_pos (const braid_trace_edge *edge,
                                 braid_timeline_axis axis);

/* Where the arrow of edge @e is drawn in @v: from the waker's step
 * (@x0, @y0: on the side of its lane facing the woken one, or just above
 * the woken lane for a wake by the loop) to the woken task's resumption
 * (@x1, @y1), the start moved 2 * @spread pixels right. @from_lane and
 * @to_lane are the visible lanes of its ends (-1: hidden, or the loop).
 * Drawing and hit-testing share it. */
void braid__timeline_edge_geometry (const braid_timeline_model *m,
                                    const braid_timeline_view *v,
                                    const braid_trace_edge *e, int spread,
                                    double *x0, double *y0, double *x1,
                                    double *y1, int64_t *from_lane,
                                    int64_t *to_lane);

/* Slice fields in either mode. @task_end is the end of @task's slice
 * range (braid__timeline_task_slices); the compact form derives a
 * slice's end from the next slice's start. */
static inline int64_t
braid__timeline_start_ns (const braid_timeline_model *m, size_t i)
{
  return m->cslices ? m->cslices[i].start_ns : m->slices[i].start_ns;
}

static inline int64_t
braid__timeline_end_ns (const braid_timeline_model *m, int32_t task,
                        size_t task_end, size_t i)
{
  if (!m->cslices)
    return m->slices[i].end_ns;
  int64_t s = m->cslices[i].start_ns;
  int64_t e = i + 1 < task_end ? m->cslices[i + 1].start_ns
                               : m->cends[task].end_ns;
  return e > s ? e : s;
}

static inline braid_trace_state
braid__timeline_state (const braid_timeline_model *m, size_t i)
{
  return m->cslices ? (braid_trace_state)m->cslices[i].state
                    : m->slices[i].state;
}

static inline uint32_t
braid__timeline_reason (const braid_timeline_model *m, size_t i)
{
  return m->cslices ? m->cslices[i].wait_reason : m->slices[i].wait_reason;
}

static inline void
braid__timeline_range (const braid_timeline_model *m, int32_t task,
                       size_t task_end, size_t i, braid_timeline_axis axis,
                       double *start, double *end)
{
  if (!m->cslices)
    {
      braid_timeline_slice_range (&m->slices[i], axis, start, end);
      return;
    }
  const braid_trace_compact_slice *c = &m->cslices[i];
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    {
      *start = (double)c->start_step;
      *end = (double)c->end_step;
    }
  else
    {
      *start = (double)c->start_ns;
      *end = (double)braid__timeline_end_ns (m, task, task_end, i);
    }
}

/* Draws the symbol of a mark kind centred on @cx, in a lane whose drawing
 * band starts at @top and is @h pixels high. */
void braid__timeline_draw_mark_shape (cairo_t *cr, braid_trace_mark_kind kind,
                                      double cx, double top, double h);

/* Adds an arrow's head to @cr's path without filling it: a triangle
 * whose tip is (@x, @y), pointing along the unit vector (@dx, @dy),
 * @length long and 2 * @half_width wide at its base. The arrows between
 * lanes, the wait-for graph's and the legend's share it. */
void braid__timeline_arrowhead_path (cairo_t *cr, double x, double y,
                                     double dx, double dy, double length,
                                     double half_width);

/* The label indentation of a task at @depth; a hostile depth (negative
 * or huge) stays on screen. */
static inline double
braid__timeline_indent (int32_t depth)
{
  return depth <= 0 ? 0 : depth > 64 ? 64 * 12.0 : depth * 12.0;
}

/* The left edge of the collapse triangle of a task's label at @depth:
 * after the indentation, but never past the middle of a @label_width
 * gutter (so a deep task's name keeps some room). Drawing and
 * hit-testing both use it. */
static inline double
braid__timeline_expander_x (int32_t depth, int label_width)
{
  double x = 4 + braid__timeline_indent (depth);
  return x > label_width / 2.0 ? label_width / 2.0 : x;
}

#endif /* BRAID_TIMELINE_PRIVATE_H */
