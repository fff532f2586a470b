/* timeline-private.h: the model's struct, shared by the timeline
 * library's files (model, view, drawing) and nobody else.
 */
#ifndef BRAID_TIMELINE_PRIVATE_H
#define BRAID_TIMELINE_PRIVATE_H

#include "timeline.h"

struct braid_timeline_model
{
  const braid_trace *trace;
  const braid_trace_meta *meta;
  const braid_trace_task *tasks;
  size_t n_tasks;
  const braid_trace_slice *slices;
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
  uint8_t *matches; /* matches the filter */
  uint8_t *shown;   /* matches, or an ancestor of a match */
  bool filtering;

  /* The visible lanes and their inverse. */
  int32_t *lanes;
  size_t n_lanes;
  int64_t *task_lane;

  /* Running time and running-slice count before slice i (n_slices + 1
   * entries): the running share of any run of a task's slices is a
   * difference of two entries. */
  int64_t *run_prefix_ns;
  uint32_t *run_prefix_count;

  /* Marks grouped by task, in time order within a task. */
  size_t *mark_offset; /* n_tasks + 1 */
  uint32_t *mark_index;
  /* Each mark's position on the step axis: the marks of one task in one
   * step are spread evenly across it, so five lines printed in a step
   * read as five dots, not one. */
  double *mark_step_pos;

  /* The time each step began (non-decreasing), for axis conversion. */
  int64_t *step_time;
  size_t n_step_time;

  double extent_time, extent_steps;
};

/* The clamped slice range of @task. */
void braid__timeline_task_slices (const braid_timeline_model *m, int32_t task,
                                  size_t *first, size_t *n);
/* The first slice in [first, first+n) whose end is after @value. */
size_t braid__timeline_lower_bound (const braid_timeline_model *m, size_t first,
                                    size_t n, braid_timeline_axis axis,
                                    double value);
/* A mark's position (see mark_step_pos), an edge's: the middle of its
 * step. */
double braid__timeline_mark_pos (const braid_timeline_model *m, uint32_t mark,
                                 braid_timeline_axis axis);
double braid__timeline_edge_pos (const braid_trace_edge *edge,
                                 braid_timeline_axis axis);

/* Draws the symbol of a mark kind centred on @cx, in a lane whose drawing
 * band starts at @top and is @h pixels high. */
void braid__timeline_draw_mark_shape (cairo_t *cr, braid_trace_mark_kind kind,
                                      double cx, double top, double h);

/* The label indentation of a task at @depth; a hostile depth (negative
 * or huge) stays on screen. */
static inline double
braid__timeline_indent (int32_t depth)
{
  return depth <= 0 ? 0 : depth > 64 ? 64 * 12.0 : depth * 12.0;
}

#endif /* BRAID_TIMELINE_PRIVATE_H */
