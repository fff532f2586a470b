/* timeline.h: the timeline library (libbraid-timeline), without GTK.
 *
 * Owns everything the viewer and braid-render share: the normalised model
 * of a trace for drawing (lanes, per-lane indexes, prefix sums), the
 * viewport (two axes: wall time and loop steps, zoom, pan, hit-testing) and
 * the cairo/pango drawing of lanes, marks, arrows, ruler, labels and the
 * legend. It reads traces only through the reader's model (braid-trace.h).
 *
 * Hot path: braid_timeline_draw() and braid_timeline_hit_test(). Both
 * work from indexes built once by braid_timeline_model_new(): a frame
 * costs O(visible lanes x pixel columns x log n), whatever the zoom,
 * because what is smaller than a pixel is aggregated per column by binary
 * search and prefix sums, never by scanning.
 */
#ifndef BRAID_TIMELINE_H
#define BRAID_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cairo.h>

#include <braid/braid-trace.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum braid_timeline_axis
{
  BRAID_TIMELINE_AXIS_TIME = 0,  /* nanoseconds since the first event */
  BRAID_TIMELINE_AXIS_STEPS = 1, /* resumptions: step k spans [k, k+1) */
} braid_timeline_axis;

/* ---------------------------------------------------------------------
 * Model: the lanes of a trace and the indexes drawing needs.
 * ------------------------------------------------------------------ */

typedef struct braid_timeline_model braid_timeline_model;

/* braid_timeline_model_new:
 * Builds lanes and indexes for @trace, which is borrowed and must outlive
 * the model. Every task is a lane, children nested under their parent in
 * creation order, all expanded. Returns NULL only when out of memory. */
braid_timeline_model *braid_timeline_model_new (const braid_trace *trace);
/* braid_timeline_model_new_after:
 * braid_timeline_model_new for @trace, a trace that a follower handed out
 * (braid_trace_follower_update) after the trace of @prev, the model made
 * last for the same follower (or NULL): the new model shares the indexes
 * of @prev and adds those of what the trace added, at a cost that
 * follows what was added plus the number of tasks. @prev is only read
 * (another thread may draw it meanwhile) and may be freed before or
 * after the new model; it must stay alive, and so must its trace, for
 * the length of the call. The collapse and filter state is not carried
 * over. Its step table stops at the trace's last step begun. Any other
 * @prev or @trace gets a model made from nothing. Returns NULL only when
 * out of memory. */
braid_timeline_model *braid_timeline_model_new_after (
    const braid_trace *trace, const braid_timeline_model *prev);
void braid_timeline_model_free (braid_timeline_model *model); /* NULL ok */

const braid_trace *braid_timeline_model_get_trace (
    const braid_timeline_model *model);

/* The visible lanes, top to bottom, after collapse and filter. */
size_t braid_timeline_model_get_n_lanes (const braid_timeline_model *model);
/* The task index drawn in @lane; -1 if @lane is out of range. */
int32_t braid_timeline_model_lane_task (const braid_timeline_model *model,
                                        size_t lane);
/* The lane of task @task, or -1 when it is hidden (collapsed parent,
 * filtered out) or out of range. */
int64_t braid_timeline_model_task_lane (const braid_timeline_model *model,
                                        int32_t task);

bool braid_timeline_model_task_has_children (
    const braid_timeline_model *model, int32_t task);
bool braid_timeline_model_get_collapsed (const braid_timeline_model *model,
                                         int32_t task);
/* Collapsing a task hides its descendants' lanes. */
void braid_timeline_model_set_collapsed (braid_timeline_model *model,
                                         int32_t task, bool collapsed);
/* Expands every ancestor of @task so that it has a lane; clears the filter
 * if it hides @task. */
void braid_timeline_model_reveal (braid_timeline_model *model, int32_t task);
/* Shows only tasks whose name, function, error type or error message
 * contains @text (case insensitive), or that printed a line containing
 * it, with their ancestors for context. NULL or "" shows all.
 * Returns the number of tasks that matched. */
size_t braid_timeline_model_set_filter (braid_timeline_model *model,
                                        const char *text);
/* Whether @text contains @query, ignoring ASCII case (the filter's own
 * test, for lists of search results). False for an empty @query. */
bool braid_timeline_text_matches (const char *text, const char *query);
/* Whether @task's own text matches @query (braid_timeline_text_matches):
 * its name, function, error type or error message, the fields the filter
 * looks at besides the task's output. False for an empty @query. */
bool braid_timeline_task_text_matches (const braid_trace_task *task,
                                       const char *query);
/* Whether @task matched the current filter (true when there is none). */
bool braid_timeline_model_task_matches (const braid_timeline_model *model,
                                        int32_t task);

/* The length of the trace on @axis (ns or steps), at least 1. */
double braid_timeline_model_get_extent (const braid_timeline_model *model,
                                        braid_timeline_axis axis);
/* The axis a trace reads best on: loop steps where the interleaving of
 * steps is invisible on wall time (no time passed, a virtual clock whose
 * steps take no time, or steps crowded into few pixel columns of a
 * fitted view), else wall time. */
braid_timeline_axis braid_timeline_model_preferred_axis (
    const braid_timeline_model *model);
/* Converts a position between the axes: a time to the step running or
 * next to run at that time, a step to the time it began. */
double braid_timeline_model_convert (const braid_timeline_model *model,
                                     braid_timeline_axis from, double value);

/* A slice's or mark's position on @axis. */
void braid_timeline_slice_range (const braid_trace_slice *slice,
                                 braid_timeline_axis axis, double *start,
                                 double *end);

/* The slices of @task: global indexes [*@first, *@first + *@n), clamped
 * to the slice array. Returns false (and an empty range) when @task is
 * out of range. */
bool braid_timeline_model_task_slices (const braid_timeline_model *model,
                                       int32_t task, size_t *first,
                                       size_t *n);

/* The index of the slice of @task covering @value on @axis (the last one
 * starting at or before it), or -1. Binary search. */
int64_t braid_timeline_model_find_slice (const braid_timeline_model *model,
                                         int32_t task,
                                         braid_timeline_axis axis,
                                         double value);

/* The slice at index @slice (a task's first_slice + k, hit.slice,
 * find_slice's answer) as a full record, whether the trace was loaded in
 * full or compact mode. Returns false when @slice is out of range. */
bool braid_timeline_model_get_slice (const braid_timeline_model *model,
                                     int64_t slice, braid_trace_slice *out);
/* The task owning slice @slice, or -1. Binary search. */
int32_t braid_timeline_model_slice_task (const braid_timeline_model *model,
                                         int64_t slice);

/* The running slice in which @task resumed after a moment (@time_ns,
 * @step), such as an edge into it: the first running slice that began
 * at step @step or later, at @time_ns or later. -1 when it never ran
 * again. */
int64_t braid_timeline_model_resumption (const braid_timeline_model *model,
                                         int32_t task, int64_t time_ns,
                                         uint64_t step);
/* The edge (an index into braid_trace_get_edges) that woke @task for the
 * resumption at or after its slice @slice (a wait, the ready slice after
 * it, or the running slice itself): a wake, gather, error or cancel edge
 * into @task during the wait before that resumption. -1 when none was
 * recorded (the task ran straight on, or nothing names the waker). An
 * edge whose from is -1 was a timer or I/O. */
int64_t braid_timeline_model_find_waker (const braid_timeline_model *model,
                                         int32_t task, int64_t slice);
/* The output line (an index into braid_trace_get_outputs) that an output
 * mark @mark stands for, or -1 when @mark is not an output mark. */
int64_t braid_timeline_model_mark_output (const braid_timeline_model *model,
                                          int64_t mark);

/* The marks of @task in time order: indexes into the trace's mark array. */
const uint32_t *braid_timeline_model_task_marks (
    const braid_timeline_model *model, int32_t task, size_t *n);

/* ---------------------------------------------------------------------
 * View: where the model is drawn. Plain data the caller may edit; call
 * braid_timeline_view_clamp() after editing origin/scale/scroll_y.
 * ------------------------------------------------------------------ */

typedef struct braid_timeline_view
{
  braid_timeline_axis axis;
  double origin;        /* axis value at the left edge of the lane area */
  double scale;         /* axis units per pixel, > 0 */
  double scroll_y;      /* pixels of lanes scrolled off the top */
  int width, height;    /* the whole drawing, pixels */
  int label_width;      /* the lane-label gutter on the left */
  int ruler_height;     /* the ruler at the top */
  int lane_height;
  int32_t selected_task;   /* -1 for none */
  int64_t selected_slice;  /* -1 for none */
  int32_t hover_task;      /* -1 for none */
  int64_t hover_edge;      /* the arrow under the pointer, drawn thicker;
                              -1 for none */
  bool show_edges;
  bool show_labels;
  /* Device pixels per unit of the target (a widget's scale factor), 1 by
   * default. At 1 the lanes are drawn into a pixel layer of their own
   * (fast at any zoom); above, cairo draws them at full resolution. */
  int device_scale;
} braid_timeline_view;

/* Fills @view with defaults for a @width x @height drawing of @model
 * (time axis, fitted, nothing selected). */
void braid_timeline_view_init (braid_timeline_view *view,
                               const braid_timeline_model *model, int width,
                               int height);
/* Resizes, keeping the left edge and the zoom. */
void braid_timeline_view_resize (braid_timeline_view *view,
                                 const braid_timeline_model *model,
                                 int width, int height);
/* Shows the whole trace horizontally. */
void braid_timeline_view_fit (braid_timeline_view *view,
                              const braid_timeline_model *model);
/* Shows [@from, @to) in axis units. */
void braid_timeline_view_show_range (braid_timeline_view *view,
                                     const braid_timeline_model *model,
                                     double from, double to);
/* Switches axis showing the same stretch of the trace: the left and right
 * edges are converted to the new axis (the whole trace is fitted when they
 * convert to an empty range). */
void braid_timeline_view_set_axis (braid_timeline_view *view,
                                   const braid_timeline_model *model,
                                   braid_timeline_axis axis);
/* Zooms by @factor (> 1 zooms in) keeping the value under pixel @anchor_x
 * in place. */
void braid_timeline_view_zoom (braid_timeline_view *view,
                               const braid_timeline_model *model,
                               double factor, double anchor_x);
/* Pans by pixels (positive dx shows later times, dy lower lanes). */
void braid_timeline_view_pan (braid_timeline_view *view,
                              const braid_timeline_model *model, double dx,
                              double dy);
/* Keeps the view inside the trace and the zoom within limits. */
void braid_timeline_view_clamp (braid_timeline_view *view,
                                const braid_timeline_model *model);
/* Scrolls vertically so that @lane is visible. */
void braid_timeline_view_scroll_to_lane (braid_timeline_view *view,
                                         const braid_timeline_model *model,
                                         int64_t lane);
/* Centres @value horizontally without changing the zoom. */
void braid_timeline_view_center_on (braid_timeline_view *view,
                                    const braid_timeline_model *model,
                                    double value);

/* Pixel x of axis value @value, and back. */
double braid_timeline_view_x_for (const braid_timeline_view *view,
                                  double value);
double braid_timeline_view_value_at (const braid_timeline_view *view,
                                     double x);
/* Pixel y of the top of @lane (may be off screen). */
double braid_timeline_view_lane_y (const braid_timeline_view *view,
                                   int64_t lane);
/* The lane at pixel @y, or -1 (ruler, below the last lane). */
int64_t braid_timeline_view_lane_at (const braid_timeline_view *view,
                                     const braid_timeline_model *model,
                                     double y);

typedef enum braid_timeline_area
{
  BRAID_TIMELINE_AREA_NONE = 0,
  BRAID_TIMELINE_AREA_RULER,
  BRAID_TIMELINE_AREA_LABEL,
  BRAID_TIMELINE_AREA_LANE,
} braid_timeline_area;

typedef struct braid_timeline_hit
{
  braid_timeline_area area;
  int64_t lane;    /* -1 if none */
  int32_t task;    /* -1 if none */
  int64_t slice;   /* global slice index, -1 if none */
  int64_t mark;    /* global mark index within 4 pixels, -1 if none */
  bool on_expander; /* the collapse triangle of a label */
  double value;    /* axis value under the pointer */
} braid_timeline_hit;

/* braid_timeline_hit_test:
 * What is under pixel (@x, @y). Binary searches only. Returns true when
 * something (a lane, label or ruler) is there. */
bool braid_timeline_hit_test (const braid_timeline_model *model,
                              const braid_timeline_view *view, double x,
                              double y, braid_timeline_hit *hit);

/* braid_timeline_edge_points:
 * Where the arrow of edge @edge (an index into braid_trace_get_edges) is
 * drawn: from (@x0, @y0), the waker's step (or, for a wake by a timer or
 * I/O, just above the woken lane) to (@x1, @y1), the woken task's
 * resumption. Returns false when it is not drawn because an end is
 * hidden (filtered out) or both ends share a lane. Ignores the spreading
 * of arrows that leave one pixel column. */
bool braid_timeline_edge_points (const braid_timeline_model *model,
                                 const braid_timeline_view *view,
                                 int64_t edge, double *x0, double *y0,
                                 double *x1, double *y1);
/* braid_timeline_edge_at:
 * The arrow passing within 4 pixels of (@x, @y), an index into
 * braid_trace_get_edges, or -1. Looks at the arrows of the visible range
 * only (at most a few thousand). */
int64_t braid_timeline_edge_at (const braid_timeline_model *model,
                                const braid_timeline_view *view, double x,
                                double y);

/* ---------------------------------------------------------------------
 * Statistics of a range
 * ------------------------------------------------------------------ */

/* Wait reasons kept apart in range statistics; larger ones (a newer
 * recorder) count as the last. */
#define BRAID_TIMELINE_STATS_REASONS 32

typedef struct braid_timeline_range_stats
{
  int64_t from_ns, to_ns;      /* the range in time */
  uint64_t from_step, to_step; /* the steps that began in it: [from, to) */
  size_t n_tasks;              /* the trace's tasks: the arrays' length */
  size_t n_alive;              /* tasks with a slice in the range */
  /* Per task index: time in each state within the range. */
  int64_t *running_ns, *ready_ns, *waiting_ns;
  int64_t total_running_ns, total_ready_ns, total_waiting_ns;
  int64_t reason_ns[BRAID_TIMELINE_STATS_REASONS]; /* waiting, by reason */
  uint64_t n_marks_by_kind[8];                     /* braid_trace_mark_kind */
  uint64_t n_edges, n_outputs;
  /* Whole durations, sorted ascending, of the steps that began in the
   * range and of the waits (by reason) that ended in it: for
   * percentiles (braid_timeline_percentile). */
  int64_t *step_ns;
  size_t n_step_ns;
  int64_t *wait_ns[BRAID_TIMELINE_STATS_REASONS];
  size_t n_wait_ns[BRAID_TIMELINE_STATS_REASONS];
} braid_timeline_range_stats;

/* The nearest-rank percentile @p (1..100) of the @n sorted values @v: the
 * smallest that at least @p% of them do not exceed. 0 when @n is 0. */
int64_t braid_timeline_percentile (const int64_t *v, size_t n, int p);

/* braid_timeline_model_range_stats:
 * Fills @out with what happened in [@from, @to) on @axis (a step range is
 * taken as the time from the first step's start to the last's end):
 * each task's time running, ready and waiting within it, waiting time per
 * reason, the steps that began in it and the marks, arrows and output
 * lines in it, and the durations of its steps and of the waits that ended
 * in it. Costs a binary search per task plus the slices in the
 * range. Returns 0, or -1 for an empty range (@to <= @from) or when out
 * of memory; free with braid_timeline_range_stats_clear(). */
int braid_timeline_model_range_stats (const braid_timeline_model *model,
                                      braid_timeline_axis axis, double from,
                                      double to,
                                      braid_timeline_range_stats *out);
void braid_timeline_range_stats_clear (braid_timeline_range_stats *stats);

/* ---------------------------------------------------------------------
 * Drawing
 * ------------------------------------------------------------------ */

typedef struct braid_timeline_rgb
{
  double r, g, b;
} braid_timeline_rgb;

/* The colour of a slice: running, ready, or waiting on @reason
 * (braid_wait_reason). */
braid_timeline_rgb braid_timeline_state_color (braid_trace_state state,
                                               uint32_t reason);
braid_timeline_rgb braid_timeline_mark_color (braid_trace_mark_kind kind);
/* The colour a deadlock's waits and cycle are drawn in. */
braid_timeline_rgb braid_timeline_deadlock_color (void);

/* braid_timeline_model_deadlock_cycle:
 * The cycle of the @k-th deadlock of the trace (in the order of its
 * problems) in words, "alpha → lock 4 → beta → lock 3 → alpha", as the
 * timeline draws it; NULL when there is no such deadlock, it has no
 * cycle, or memory ran out. Free with free(). */
char *braid_timeline_model_deadlock_cycle (const braid_timeline_model *model,
                                           size_t k);
/* braid_timeline_object_text:
 * What a task waits on, in words, into @buf of @size bytes: "task NAME"
 * for a task awaited, else the object's kind (its own, or its wait
 * @reason's) and id, "lock 4", with its name when it has one of its own,
 * "queue 7 'jobs'". The timeline's arrows, captions and the details pane
 * say it the same way. */
void braid_timeline_object_text (const braid_trace *trace, uint64_t id,
                                 uint32_t reason, char *buf, size_t size);
/* The colour the wait-for graph under the pointer is drawn in (its
 * cycle, if any, in the deadlock colour). */
braid_timeline_rgb braid_timeline_wait_graph_color (void);

/* The step at pixel @x of @view: on the time axis the step running or
 * next to run then; clamped to [0, n_steps]. */
uint64_t braid_timeline_view_step_at (const braid_timeline_model *model,
                                      const braid_timeline_view *view,
                                      double x);

/* The pixel of @step on @view: the middle of it on the step axis, the
 * moment it began on the time axis. */
double braid_timeline_view_x_for_step (const braid_timeline_model *model,
                                       const braid_timeline_view *view,
                                       uint64_t step);

/* braid_timeline_model_wait_graph_text:
 * The wait-for graph at @step (braid_trace_wait_graph) in words, one
 * edge a line: "w1 → lock 4 → main", "(nobody)" for a holder unknown,
 * "  (deadlock cycle)" after an edge of a cycle. NULL when no task
 * waits then (or out of memory). Free with g_free(). */
char *braid_timeline_model_wait_graph_text (const braid_timeline_model *model,
                                            uint64_t step);

/* An arrow of the wait-for graph as braid_timeline_draw_wait_graph()
 * draws it: from the middle of @task's lane (y0) down or up to the
 * middle of @holder's (y1), at x, in the view's pixels. */
typedef struct braid_timeline_wait_arrow
{
  int32_t task, holder;
  uint64_t object;
  uint32_t reason; /* braid_wait_reason */
  bool in_cycle;
  double x, y0, y1;
} braid_timeline_wait_arrow;

/* braid_timeline_wait_graph_arrows:
 * The arrows of the wait-for graph at the step under pixel @x (edges
 * whose holder is unknown or whose lanes are filtered out have none):
 * stores the first @max in @out (may be NULL when @max is 0) and returns
 * how many there are. */
size_t braid_timeline_wait_graph_arrows (const braid_timeline_model *model,
                                         const braid_timeline_view *view,
                                         double x,
                                         braid_timeline_wait_arrow *out,
                                         size_t max);
/* braid_timeline_wait_graph_arrows_at_step:
 * The same for the graph at @step, at its pixel
 * (braid_timeline_view_x_for_step), as
 * braid_timeline_draw_wait_graph_at_step() draws them: on the time axis
 * several steps share a pixel, so the step is given, not read back. */
size_t braid_timeline_wait_graph_arrows_at_step (
    const braid_timeline_model *model, const braid_timeline_view *view,
    uint64_t step, braid_timeline_wait_arrow *out, size_t max);

/* braid_timeline_draw_wait_graph:
 * Draws over a timeline drawn with @view the wait-for graph at the step
 * under pixel @x: a dashed line at @x, the arrows of
 * braid_timeline_wait_graph_arrows() each labelled with its object (a
 * cycle's in the deadlock colour) and a caption naming the step. Draw it
 * after braid_timeline_draw(). Nothing when @x is outside the lanes.
 * Returns the number of arrows. */
size_t braid_timeline_draw_wait_graph (const braid_timeline_model *model,
                                       const braid_timeline_view *view,
                                       cairo_t *cr, double x);
/* braid_timeline_draw_wait_graph_at_step:
 * The same for the graph at @step, drawn at its pixel
 * (braid_timeline_view_x_for_step): the instant a viewer selected. */
size_t braid_timeline_draw_wait_graph_at_step (
    const braid_timeline_model *model, const braid_timeline_view *view,
    cairo_t *cr, uint64_t step);

/* The colour of an arrow of @kind; @by_loop for a wake by a timer or I/O
 * (from = -1), whatever the kind. */
braid_timeline_rgb braid_timeline_edge_color (braid_trace_edge_kind kind,
                                              bool by_loop);
/* The short name of a mark kind as the legend shows it ("yield", "slow
 * step"); "mark" for a kind this build does not know. */
const char *braid_timeline_mark_name (braid_trace_mark_kind kind);

/* braid_timeline_draw:
 * Draws the whole timeline of @view (background, lanes, marks, arrows,
 * ruler, labels) into @cr at (0, 0), clipped to view->width x height. */
void braid_timeline_draw (const braid_timeline_model *model,
                          const braid_timeline_view *view, cairo_t *cr);

/* The height the legend takes when drawn @width pixels wide. */
int braid_timeline_legend_height (int width);
/* Draws the legend of colours and marks at (@x, @y), @width wide, and
 * returns the height it took (text measured on @cr's surface, which may
 * differ slightly from braid_timeline_legend_height's estimate). */
int braid_timeline_draw_legend (cairo_t *cr, double x, double y, int width);

/* ---------------------------------------------------------------------
 * Overview strip: the whole run, every lane, in a thin strip
 * ------------------------------------------------------------------ */

typedef struct braid_timeline_overview braid_timeline_overview;

/* braid_timeline_overview_new:
 * Computes the density image of @model's visible lanes on @axis: @columns
 * stretches of the axis (16..4096) by at most 128 rows of consecutive
 * lanes, each cell the share of its lanes' time running. One pass over
 * the running slices, off the draw path: build it once per model, axis
 * and lane layout (braid_timeline_overview_is_current says when to build
 * it again). Returns NULL only when out of memory. */
braid_timeline_overview *braid_timeline_overview_new (
    const braid_timeline_model *model, braid_timeline_axis axis,
    int columns);
void braid_timeline_overview_free (braid_timeline_overview *ov); /* NULL ok */
/* Whether @ov was built for @model's current lanes on @axis (false for
 * NULL). */
bool braid_timeline_overview_is_current (const braid_timeline_overview *ov,
                                         const braid_timeline_model *model,
                                         braid_timeline_axis axis);
/* Whether @model looks like what @ov was built for, grown: the same
 * axis, as many lanes or more, an extent as long or longer (a live trace
 * that went on). An image may then be kept a while instead of rebuilt. */
bool braid_timeline_overview_grew (const braid_timeline_overview *ov,
                                   const braid_timeline_model *model,
                                   braid_timeline_axis axis);
/* Draws @ov scaled to @width x @height at (0, 0) of @cr, with the part
 * @view shows outlined and the rest dimmed. */
void braid_timeline_overview_draw (const braid_timeline_overview *ov,
                                   const braid_timeline_model *model,
                                   const braid_timeline_view *view,
                                   cairo_t *cr, int width, int height);
/* The rectangle of a @width x @height strip that @view shows. */
void braid_timeline_overview_viewport (const braid_timeline_overview *ov,
                                       const braid_timeline_model *model,
                                       const braid_timeline_view *view,
                                       int width, int height, double *x,
                                       double *y, double *w, double *h);
/* A click or drag at (@x, @y) of a @width x @height strip: centres @view
 * on the axis value and the lane there, keeping the zoom. */
void braid_timeline_overview_move_view (const braid_timeline_overview *ov,
                                        const braid_timeline_model *model,
                                        braid_timeline_view *view, int width,
                                        int height, double x, double y);

/* braid_timeline_open_compared:
 * Opens the two traces @paths (braid_trace_open with @options, which may
 * be NULL; its progress covers both files in turn) and, when they are
 * traces of one program (braid_trace_same_program), compares them as
 * `braid diff` does and merges them side by side on the step axis
 * (braid_trace_merge_compared): the merged trace in *@out, the sorted
 * steps that differ in *@marked (release with free()), *@n_marked of
 * them, for braid_timeline_draw_marked_steps; and when @verdict is not
 * NULL, what the comparison found in one line in *@verdict (release
 * with g_free()): "N steps differ, the first at step P of the K-th
 * iteration: ..." or "the schedules are the same (N steps)". Returns 0,
 * or -1 with one line in *@error (release with g_free()) naming the file
 * that cannot be opened, or the two files and their programs when they
 * are traces of different programs. */
int braid_timeline_open_compared (char *const paths[2],
                                  const braid_trace_load_options *options,
                                  braid_trace **out, uint64_t **marked,
                                  size_t *n_marked, char **verdict,
                                  char **error);

/* braid_timeline_draw_marked_steps:
 * Marks each of the @n sorted @steps (the steps where two compared traces
 * differ) over a timeline drawn with @view: a red band across the lanes
 * and a red tick in the ruler. On the step axis only (a merged step has
 * no single time); draw it after braid_timeline_draw(). */
void braid_timeline_draw_marked_steps (const braid_timeline_model *model,
                                       const braid_timeline_view *view,
                                       cairo_t *cr, const uint64_t *steps,
                                       size_t n);

/* Formats a duration in ns: "12.5 µs". */
char *braid_timeline_format_duration (int64_t ns, char *buf, size_t size);
/* Parses "1.5ms", "200us", "3s", "42" (ns) for time, or a step number.
 * Returns 0 or -1 on bad input. */
int braid_timeline_parse_value (braid_timeline_axis axis, const char *text,
                                double *out);

#ifdef __cplusplus
}
#endif
#endif /* BRAID_TIMELINE_H */
