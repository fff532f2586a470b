/* braid-timeline-widget.h: BraidTimeline, the GTK widget that shows a
 * timeline drawn by the timeline library.
 */
#pragma once

#include <gtk/gtk.h>

#include "timeline.h"

G_BEGIN_DECLS

#define BRAID_TYPE_TIMELINE (braid_timeline_get_type ())
G_DECLARE_FINAL_TYPE (BraidTimeline, braid_timeline, BRAID, TIMELINE, GtkWidget)

GtkWidget *braid_timeline_new (void);

/* Shows @model (borrowed: call with NULL before freeing it). Fits the
 * view and clears the selection. */
void braid_timeline_set_model (BraidTimeline *self,
                               braid_timeline_model *model);

/* Shows @model, a newer model of the same trace as the one shown (a live
 * trace that grew: its task indexes are the old model's, and more), in
 * place of the old one, which the caller frees afterwards. The view keeps
 * its place, zoom, axis and selection (the selected slice found again by
 * its start), unless its right edge was at the end of the trace: then it
 * scrolls with the run, keeping the zoom, so that the end stays in view.
 * Returns whether it scrolled. */
gboolean braid_timeline_replace_model (BraidTimeline *self,
                                       braid_timeline_model *model);

void braid_timeline_set_axis (BraidTimeline *self, braid_timeline_axis axis);
braid_timeline_axis braid_timeline_get_axis (BraidTimeline *self);

void braid_timeline_zoom (BraidTimeline *self, double factor);
void braid_timeline_zoom_fit (BraidTimeline *self);
/* Zooms to the range dragged with Shift held, else to the selected slice,
 * else to the selected task's lifetime. */
void braid_timeline_zoom_to_selection (BraidTimeline *self);

/* Selects @task (and @slice, a global slice index, or -1), expands its
 * ancestors and scrolls its lane into view. -1 clears the selection.
 * Emits "selection-changed". */
void braid_timeline_select (BraidTimeline *self, int32_t task, int64_t slice);
int32_t braid_timeline_get_selected_task (BraidTimeline *self);
int64_t braid_timeline_get_selected_slice (BraidTimeline *self);
/* The instant a click on an empty point of a lane selected (with that
 * lane's task), as a step: its wait-for graph is drawn there. -1 when a
 * slice or a task alone is selected. */
int64_t braid_timeline_get_selected_step (BraidTimeline *self);

/* Centres the view on @time_ns / @step (whichever the axis shows). */
void braid_timeline_reveal_moment (BraidTimeline *self, int64_t time_ns,
                                   uint64_t step);

/* Call after changing the model's filter or collapse state. */
void braid_timeline_model_changed (BraidTimeline *self);

/* Shows or hides the causal arrows between lanes. */
void braid_timeline_set_show_edges (BraidTimeline *self, bool show);
/* Shows or hides the wait-for graph at the pointer (task → object →
 * holder, braid_timeline_draw_wait_graph); the "g" key toggles it. */
void braid_timeline_set_show_wait_graph (BraidTimeline *self, bool show);
bool braid_timeline_get_show_wait_graph (BraidTimeline *self);

/* The view, for tests and the self-test script. */
const braid_timeline_view *braid_timeline_get_view (BraidTimeline *self);

/* Zooms by @factor keeping the point under the pointer where it is (the
 * last position the motion controller saw); at the centre when the
 * pointer is not over the widget. Ctrl+scroll calls it. */
void braid_timeline_zoom_at_pointer (BraidTimeline *self, double factor);
/* Sets where the pointer is, as the motion controller would (for the
 * self-test). */
void braid_timeline_set_pointer (BraidTimeline *self, double x, double y);
/* The pointer moved to (@x, @y): tracks it, and highlights the lane and
 * the arrow under it (view.hover_task, view.hover_edge). */
void braid_timeline_hover_at (BraidTimeline *self, double x, double y);
/* A click at (@x, @y): on an arrow, selects its other end (the woken task
 * at its resumption, or the waker when the woken task is selected); else
 * the task or slice there (on an empty point of a lane, the task and that
 * instant), or collapses a label's lane. */
void braid_timeline_click_at (BraidTimeline *self, double x, double y);
/* The tooltip at (@x, @y) as Pango markup (free it), NULL for none: a
 * slice, a mark (with an output line's text), or an arrow. */
char *braid_timeline_describe_at (BraidTimeline *self, double x, double y);
/* The vertical scrolling of the lanes, for a GtkScrollbar: its value is
 * the view's scroll_y, its upper the height of all lanes. */
GtkAdjustment *braid_timeline_get_vadjustment (BraidTimeline *self);
/* The range a Shift+drag selected, in axis units, @from <= @to (equal:
 * none, or a zero-width drag). */
void braid_timeline_get_range (BraidTimeline *self, double *from, double *to);
/* Selects the range [@from, @to) on the current axis as a Shift+drag
 * would, emitting ::range-changed. */
void braid_timeline_set_range (BraidTimeline *self, double from, double to);

/* Marks the @n sorted @steps across the lanes on the step axis (the
 * steps where two compared traces differ); @steps is borrowed until the
 * next call (NULL: none). */
void braid_timeline_set_marked_steps (BraidTimeline *self,
                                      const uint64_t *steps, size_t n);

/* The model shown (borrowed), or NULL. */
braid_timeline_model *braid_timeline_get_model (BraidTimeline *self);
/* A click or drag at (@x, @y) of the @width x @height overview strip
 * drawn from @ov: centres the view there (braid_timeline_overview_move_view)
 * and emits ::view-changed. */
void braid_timeline_move_from_overview (BraidTimeline *self,
                                        const braid_timeline_overview *ov,
                                        int width, int height, double x,
                                        double y);

G_END_DECLS
