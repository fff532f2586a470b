/* braid-overview.h: BraidOverview, the overview strip under the timeline:
 * every lane of the run compressed into a thin strip of activity, with
 * the part the timeline shows outlined. A click or a drag in it moves
 * the timeline's view there.
 */
#pragma once

#include <gtk/gtk.h>

#include "braid-timeline-widget.h"

G_BEGIN_DECLS

#define BRAID_TYPE_OVERVIEW (braid_overview_get_type ())
G_DECLARE_FINAL_TYPE (BraidOverview, braid_overview, BRAID, OVERVIEW,
                      GtkWidget)

/* A strip that follows @timeline (borrowed: the strip must not outlive
 * it; the window owns both). */
GtkWidget *braid_overview_new (BraidTimeline *timeline);

/* A click at (@x, @y) of the strip, as the pointer would make it (for the
 * self-test). */
void braid_overview_click_at (BraidOverview *self, double x, double y);

/* The density image drawn now, building it if the model, axis or lanes
 * changed; NULL without a model. Borrowed. */
const braid_timeline_overview *braid_overview_get_image (BraidOverview *self);

G_END_DECLS
