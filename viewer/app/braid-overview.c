/* braid-overview.c: BraidOverview, the overview strip.
 *
 * Owns the strip's density image (braid_timeline_overview, from the
 * timeline library) and its input. The image is built when the strip is
 * first drawn for a model, an axis and a lane layout, never per frame:
 * a frame is a scaled blit and the viewport's outline, so the strip costs
 * the same with 10,000 lanes as with ten. A model that keeps changing (a
 * live trace, replaced every second) gets a new image at most every half
 * second, or ten times as long as the last one took to build, and the
 * previous image meanwhile, so that a big growing trace does not spend
 * its frames here. It listens to the timeline's ::view-changed to redraw
 * the outline, and moves the timeline's view on a click or a drag.
 */
#include "braid-overview.h"

#define STRIP_HEIGHT 44
#define STRIP_COLUMNS 1024

struct _BraidOverview
{
  GtkWidget parent_instance;
  BraidTimeline *timeline; /* borrowed */
  braid_timeline_model *model_seen; /* the model the image was built for */
  braid_timeline_overview *image;
  gint64 next_build; /* monotonic us before which the image is kept */
  guint redraw;      /* a redraw due then, or 0 */
};

G_DEFINE_FINAL_TYPE (BraidOverview, braid_overview, GTK_TYPE_WIDGET)

static gboolean
redraw_later (gpointer data)
{
  BraidOverview *self = data;
  self->redraw = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

const braid_timeline_overview *
braid_overview_get_image (BraidOverview *self)
{
  braid_timeline_model *model = braid_timeline_get_model (self->timeline);
  if (!model)
    {
      g_clear_pointer (&self->image, braid_timeline_overview_free);
      self->model_seen = NULL;
      return NULL;
    }
  braid_timeline_axis axis = braid_timeline_get_axis (self->timeline);
  if (model != self->model_seen
      || !braid_timeline_overview_is_current (self->image, model, axis))
    {
      gint64 now = g_get_monotonic_time ();
      /* The same lanes growing (a live trace): keep the last image a
       * while. A new axis or lane layout is built at once. */
      if (self->image && now < self->next_build
          && braid_timeline_overview_grew (self->image, model, axis))
        {
          if (!self->redraw)
            self->redraw = g_timeout_add (
                (guint)((self->next_build - now) / 1000 + 1), redraw_later,
                self);
          return self->image;
        }
      g_clear_pointer (&self->image, braid_timeline_overview_free);
      self->image
          = braid_timeline_overview_new (model, axis, STRIP_COLUMNS);
      self->model_seen = model;
      gint64 took = g_get_monotonic_time () - now;
      self->next_build = now + MAX (500000, 10 * took);
    }
  return self->image;
}

static void
braid_overview_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BraidOverview *self = BRAID_OVERVIEW (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  const braid_timeline_overview *ov = braid_overview_get_image (self);
  if (!ov || w <= 0 || h <= 0)
    return;
  cairo_t *cr
      = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  braid_timeline_overview_draw (ov, braid_timeline_get_model (self->timeline),
                                braid_timeline_get_view (self->timeline), cr,
                                w, h);
  cairo_destroy (cr);
}

void
braid_overview_click_at (BraidOverview *self, double x, double y)
{
  const braid_timeline_overview *ov = braid_overview_get_image (self);
  if (!ov)
    return;
  braid_timeline_move_from_overview (
      self->timeline, ov, gtk_widget_get_width (GTK_WIDGET (self)),
      gtk_widget_get_height (GTK_WIDGET (self)), x, y);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y,
               BraidOverview *self)
{
  braid_overview_click_at (self, x, y);
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy,
                BraidOverview *self)
{
  double sx, sy;
  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  braid_overview_click_at (self, sx + dx, sy + dy);
}

static void
on_view_changed (BraidTimeline *timeline, BraidOverview *self)
{
  /* The window lets go of a model (NULL) before it frees it: drop the
   * image with it, as a new model may come at the same address. */
  if (!braid_timeline_get_model (timeline))
    {
      g_clear_pointer (&self->image, braid_timeline_overview_free);
      self->model_seen = NULL;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
braid_overview_measure (GtkWidget *widget, GtkOrientation orientation,
                        int for_size, int *minimum, int *natural,
                        int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_VERTICAL)
    *minimum = *natural = STRIP_HEIGHT;
  else
    *minimum = *natural = 64;
}

static void
braid_overview_dispose (GObject *object)
{
  BraidOverview *self = BRAID_OVERVIEW (object);
  if (self->timeline)
    g_signal_handlers_disconnect_by_data (self->timeline, self);
  self->timeline = NULL;
  g_clear_handle_id (&self->redraw, g_source_remove);
  g_clear_pointer (&self->image, braid_timeline_overview_free);
  G_OBJECT_CLASS (braid_overview_parent_class)->dispose (object);
}

static void
braid_overview_class_init (BraidOverviewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = braid_overview_dispose;
  widget_class->snapshot = braid_overview_snapshot;
  widget_class->measure = braid_overview_measure;
  gtk_widget_class_set_css_name (widget_class, "braidoverview");
}

static void
braid_overview_init (BraidOverview *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gtk_widget_set_hexpand (w, TRUE);
  gtk_widget_set_tooltip_text (
      w, "The whole run: click or drag to move the view there");
  GtkGesture *drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
braid_overview_new (BraidTimeline *timeline)
{
  BraidOverview *self = g_object_new (BRAID_TYPE_OVERVIEW, NULL);
  self->timeline = timeline;
  g_signal_connect (timeline, "view-changed", G_CALLBACK (on_view_changed),
                    self);
  return GTK_WIDGET (self);
}
