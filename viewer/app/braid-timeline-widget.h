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

/* Centres the view on @time_ns / @step (whichever the axis shows). */
void braid_timeline_reveal_moment (BraidTimeline *self, int64_t time_ns,
                                   uint64_t step);

/* Call after changing the model's filter or collapse state. */
void braid_timeline_model_changed (BraidTimeline *self);

/* Shows or hides the causal arrows between lanes. */
void braid_timeline_set_show_edges (BraidTimeline *self, bool show);

/* The view, for tests and the self-test script. */
const braid_timeline_view *braid_timeline_get_view (BraidTimeline *self);

G_END_DECLS
