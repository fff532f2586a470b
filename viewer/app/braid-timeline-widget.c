/* braid-timeline-widget.c: BraidTimeline, the interactive timeline.
 *
 * Owns the input handling of the timeline: zoom (Ctrl+scroll at the
 * pointer, which a motion controller tracks; +/- at the centre), pan
 * (drag, scroll, arrow keys, a vertical scrollbar through an adjustment),
 * Shift+drag range selection (for zoom to selection and the range's
 * statistics, through ::range-changed), hover tooltips (a
 * slice, a mark and an output dot's text, an arrow's waker and woken),
 * click selection of a task or slice (on an arrow: its other end; on an
 * empty point of a lane, the task and that instant, whose wait-for graph
 * is drawn there),
 * collapsing lanes from their labels, and the wait-for graph at the
 * pointer while "g" has it shown. Drawing is the timeline library's,
 * called from snapshot through a cairo node; the model is borrowed from
 * the window.
 *
 * Hot path: snapshot (one braid_timeline_draw per frame) and the motion
 * handler (one hit test, binary searches only).
 */
#include "braid-timeline-widget.h"

#include <math.h>

#include <braid/braid-hooks.h> /* braid_wait_reason */

/* Escapes untrusted text (names from the trace file) for markup, making
 * it valid UTF-8 first. */
static char *
escape_untrusted (const char *text)
{
  char *valid = g_utf8_make_valid (text, -1);
  char *esc = g_markup_escape_text (valid, -1);
  g_free (valid);
  return esc;
}

struct _BraidTimeline
{
  GtkWidget parent_instance;

  braid_timeline_model *model; /* borrowed */
  braid_timeline_view view;
  bool view_ready;

  /* Dragging: pan, or with Shift a range selection. */
  double drag_origin, drag_scroll;
  bool drag_range;
  double range_from, range_to; /* axis values; from == to: none */

  /* The pointer, tracked by the motion controller: Ctrl+scroll zooms
   * around it (a scroll event's own position is not in the widget's
   * coordinates). Negative when the pointer is outside. */
  double pointer_x, pointer_y;
  /* The wait-for graph at the pointer is drawn ("g" toggles it). */
  bool show_wait_graph;
  /* The instant selected by a click on an empty point of a lane, as a
   * step; -1 when a slice or a task alone is selected. */
  int64_t selected_step;

  /* The vertical scrolling of the lanes, for a scrollbar beside the
   * widget; kept equal to view.scroll_y both ways. */
  GtkAdjustment *vadjustment;
  bool syncing;

  /* Steps marked across the lanes (borrowed; see
   * braid_timeline_set_marked_steps). */
  const uint64_t *marked_steps;
  size_t n_marked_steps;
};

G_DEFINE_FINAL_TYPE (BraidTimeline, braid_timeline, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_SELECTION_CHANGED,
  SIGNAL_RANGE_CHANGED,
  SIGNAL_VIEW_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
ensure_view (BraidTimeline *self)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  if (!self->model || w <= 0 || h <= 0)
    return;
  if (!self->view_ready)
    {
      /* What was set before the first allocation survives the init. */
      braid_timeline_view before = self->view;
      braid_timeline_view_init (&self->view, self->model, w, h);
      self->view.selected_task = before.selected_task;
      self->view.selected_slice = before.selected_slice;
      self->view.show_edges = before.show_edges;
      if (before.axis != self->view.axis)
        {
          self->view.axis = before.axis;
          braid_timeline_view_fit (&self->view, self->model);
        }
      braid_timeline_view_scroll_to_lane (
          &self->view, self->model,
          braid_timeline_model_task_lane (self->model,
                                          self->view.selected_task));
      self->view_ready = true;
    }
  else if (w != self->view.width || h != self->view.height)
    braid_timeline_view_resize (&self->view, self->model, w, h);
}

/* Copies the view's vertical scrolling into the adjustment. */
static void
sync_adjustment (BraidTimeline *self)
{
  if (!self->vadjustment || self->syncing)
    return;
  double upper = 0, page = 1, value = 0;
  if (self->model && self->view_ready)
    {
      upper = (double)braid_timeline_model_get_n_lanes (self->model)
              * self->view.lane_height;
      page = self->view.height - self->view.ruler_height;
      if (page < 1)
        page = 1;
      value = self->view.scroll_y;
    }
  self->syncing = true;
  gtk_adjustment_configure (self->vadjustment, value, 0, fmax (upper, page),
                            self->view.lane_height, page * 0.9, page);
  self->syncing = false;
}

/* After any change of the view: redraw, move the scrollbar, and tell
 * whoever shows the view elsewhere (the overview strip). */
static void
view_changed (BraidTimeline *self)
{
  sync_adjustment (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
}

static void
on_vadjustment_changed (GtkAdjustment *adj, BraidTimeline *self)
{
  if (self->syncing || !self->model)
    return;
  ensure_view (self);
  self->view.scroll_y = gtk_adjustment_get_value (adj);
  braid_timeline_view_clamp (&self->view, self->model);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
}

static void
braid_timeline_size_allocate (GtkWidget *widget, int width, int height,
                              int baseline)
{
  BraidTimeline *self = BRAID_TIMELINE (widget);
  ensure_view (self);
  sync_adjustment (self);
}

static void
braid_timeline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BraidTimeline *self = BRAID_TIMELINE (widget);
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  if (!self->model || w <= 0 || h <= 0)
    return;
  ensure_view (self);
  cairo_t *cr
      = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  /* A cairo node is replayed at the display's scale: the timeline must
   * know it to draw sharp lanes. */
  self->view.device_scale = gtk_widget_get_scale_factor (widget);
  braid_timeline_draw (self->model, &self->view, cr);
  braid_timeline_draw_marked_steps (self->model, &self->view, cr,
                                    self->marked_steps, self->n_marked_steps);
  if (self->selected_step >= 0)
    braid_timeline_draw_wait_graph_at_step (self->model, &self->view, cr,
                                            (uint64_t)self->selected_step);
  if (self->show_wait_graph && self->pointer_x >= 0)
    braid_timeline_draw_wait_graph (self->model, &self->view, cr,
                                    self->pointer_x);
  if (self->range_to != self->range_from)
    {
      double x0 = braid_timeline_view_x_for (&self->view, self->range_from);
      double x1 = braid_timeline_view_x_for (&self->view, self->range_to);
      cairo_set_source_rgba (cr, 0.2, 0.4, 0.9, 0.18);
      cairo_rectangle (cr, fmin (x0, x1), self->view.ruler_height,
                       fabs (x1 - x0), h - self->view.ruler_height);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

static void
set_selection (BraidTimeline *self, int32_t task, int64_t slice, int64_t step)
{
  if (self->view.selected_task == task && self->view.selected_slice == slice
      && self->selected_step == step)
    return;
  self->view.selected_task = task;
  self->view.selected_slice = slice;
  self->selected_step = step;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

/* ----- input ----------------------------------------------------------- */

static gboolean
on_scroll (GtkEventControllerScroll *ctl, double dx, double dy,
           BraidTimeline *self)
{
  if (!self->model)
    return FALSE;
  ensure_view (self);
  GdkModifierType mods = gtk_event_controller_get_current_event_state (
      GTK_EVENT_CONTROLLER (ctl));
  if (mods & GDK_CONTROL_MASK)
    {
      braid_timeline_zoom_at_pointer (self, pow (1.25, -dy));
      return TRUE;
    }
  else if (mods & GDK_SHIFT_MASK)
    braid_timeline_view_pan (&self->view, self->model, dy * 40, 0);
  else
    braid_timeline_view_pan (&self->view, self->model, dx * 40, dy * 40);
  view_changed (self);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, BraidTimeline *self)
{
  if (!self->model)
    return;
  ensure_view (self);
  GdkModifierType mods = gtk_event_controller_get_current_event_state (
      GTK_EVENT_CONTROLLER (gesture));
  self->drag_range = (mods & GDK_SHIFT_MASK) != 0;
  self->drag_origin = self->view.origin;
  self->drag_scroll = self->view.scroll_y;
  if (self->drag_range)
    self->range_from = self->range_to
        = braid_timeline_view_value_at (&self->view, x);
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy,
                BraidTimeline *self)
{
  if (!self->model)
    return;
  if (self->drag_range)
    {
      double sx, sy;
      gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
      self->range_to = braid_timeline_view_value_at (&self->view, sx + dx);
    }
  else
    {
      self->view.origin = self->drag_origin;
      self->view.scroll_y = self->drag_scroll;
      braid_timeline_view_pan (&self->view, self->model, -dx, -dy);
    }
  view_changed (self);
}

/* A click drops the dragged range; whoever shows its statistics hears
 * of it. */
static void
clear_range (BraidTimeline *self)
{
  if (self->range_from == self->range_to)
    return;
  self->range_from = self->range_to = 0;
  g_signal_emit (self, signals[SIGNAL_RANGE_CHANGED], 0);
}

/* Selects the end of arrow @edge that is not selected: the woken task at
 * its resumption, or, when the woken task is already selected, the waker
 * at its step. */
static void
select_arrow_end (BraidTimeline *self, int64_t edge)
{
  size_t n;
  const braid_trace_edge *e
      = &braid_trace_get_edges (braid_timeline_model_get_trace (self->model),
                                &n)[edge];
  if (e->from >= 0 && self->view.selected_task == e->to)
    {
      double v = self->view.axis == BRAID_TIMELINE_AXIS_STEPS
                     ? (double)e->step + 0.5
                     : (double)e->time_ns;
      int64_t slice = braid_timeline_model_find_slice (
          self->model, e->from, self->view.axis, v);
      braid_timeline_select (self, e->from, slice);
      return;
    }
  braid_timeline_select (
      self, e->to,
      braid_timeline_model_resumption (self->model, e->to, e->time_ns,
                                       e->step));
}

void
braid_timeline_click_at (BraidTimeline *self, double x, double y)
{
  if (!self->model)
    return;
  ensure_view (self);
  int64_t edge = braid_timeline_edge_at (self->model, &self->view, x, y);
  if (edge >= 0)
    {
      clear_range (self);
      select_arrow_end (self, edge);
      return;
    }
  braid_timeline_hit hit;
  if (!braid_timeline_hit_test (self->model, &self->view, x, y, &hit)
      || hit.task < 0)
    return;
  if (hit.area == BRAID_TIMELINE_AREA_LABEL && hit.on_expander)
    {
      bool c = braid_timeline_model_get_collapsed (self->model, hit.task);
      braid_timeline_model_set_collapsed (self->model, hit.task, !c);
      braid_timeline_view_clamp (&self->view, self->model);
      view_changed (self);
      return;
    }
  clear_range (self);
  /* An empty point of a lane selects the task and that instant. */
  bool instant = hit.area == BRAID_TIMELINE_AREA_LANE && hit.slice < 0;
  set_selection (self, hit.task,
                 hit.area == BRAID_TIMELINE_AREA_LANE ? hit.slice : -1,
                 instant ? (int64_t)braid_timeline_view_step_at (
                               self->model, &self->view, x)
                         : -1);
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy,
             BraidTimeline *self)
{
  if (self->model && self->drag_range)
    g_signal_emit (self, signals[SIGNAL_RANGE_CHANGED], 0);
}

static void
on_click (GtkGestureClick *gesture, int n_press, double x, double y,
          BraidTimeline *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  braid_timeline_click_at (self, x, y);
}

static gboolean
on_key (GtkEventControllerKey *ctl, guint keyval, guint keycode,
        GdkModifierType state, BraidTimeline *self)
{
  if (!self->model)
    return FALSE;
  ensure_view (self);
  double step = self->view.width / 8.0;
  switch (keyval)
    {
    case GDK_KEY_Left:
      braid_timeline_view_pan (&self->view, self->model, -step, 0);
      break;
    case GDK_KEY_Right:
      braid_timeline_view_pan (&self->view, self->model, step, 0);
      break;
    case GDK_KEY_Up:
      braid_timeline_view_pan (&self->view, self->model, 0,
                               -self->view.lane_height * 3);
      break;
    case GDK_KEY_Down:
      braid_timeline_view_pan (&self->view, self->model, 0,
                               self->view.lane_height * 3);
      break;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      braid_timeline_zoom (self, 1.5);
      return TRUE;
    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      braid_timeline_zoom (self, 1 / 1.5);
      return TRUE;
    case GDK_KEY_g:
      if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
        return FALSE;
      /* Through the window's action when there is one, so its menu
       * item shows the state. */
      if (!gtk_widget_activate_action (GTK_WIDGET (self),
                                       "win.show-wait-graph", NULL))
        braid_timeline_set_show_wait_graph (self, !self->show_wait_graph);
      return TRUE;
    default:
      return FALSE;
    }
  view_changed (self);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *ctl, double x, double y,
           BraidTimeline *self)
{
  braid_timeline_hover_at (self, x, y);
}

void
braid_timeline_hover_at (BraidTimeline *self, double x, double y)
{
  self->pointer_x = x;
  self->pointer_y = y;
  if (!self->model)
    return;
  ensure_view (self);
  /* The wait-for graph follows the pointer. */
  if (self->show_wait_graph)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  int64_t lane = braid_timeline_view_lane_at (&self->view, self->model, y);
  int32_t task
      = lane >= 0 ? braid_timeline_model_lane_task (self->model, (size_t)lane)
                  : -1;
  int64_t edge = braid_timeline_edge_at (self->model, &self->view, x, y);
  if (task != self->view.hover_task || edge != self->view.hover_edge)
    {
      self->view.hover_task = task;
      self->view.hover_edge = edge;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_leave (GtkEventControllerMotion *ctl, BraidTimeline *self)
{
  self->pointer_x = self->pointer_y = -1;
  self->view.hover_task = -1;
  self->view.hover_edge = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A task's name for markup, escaped. */
static char *
task_markup_name (const braid_trace *trace, int32_t task)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  if (task < 0 || (size_t)task >= n)
    return g_strdup ("(unknown task)");
  return escape_untrusted (*tasks[task].name ? tasks[task].name
                                             : "(unnamed)");
}

/* Describes arrow @edge: who caused what, through which object. */
static void
describe_edge (GString *s, const braid_trace *trace, int64_t edge)
{
  size_t n;
  const braid_trace_edge *e = &braid_trace_get_edges (trace, &n)[edge];
  char *to = task_markup_name (trace, e->to);
  char *from = e->from >= 0 ? task_markup_name (trace, e->from) : NULL;
  static const char *const verbs[]
      = { "spawned", "woke", "finished, waking (gather)", "passed its error to",
          "cancelled" };
  const char *verb
      = (unsigned)e->kind < G_N_ELEMENTS (verbs) ? verbs[e->kind] : "woke";
  if (from)
    g_string_append_printf (s, "<b>%s</b> %s <b>%s</b>", from, verb, to);
  else
    g_string_append_printf (s, "<b>%s</b> woken by its timer or I/O", to);
  const braid_trace_object *obj
      = e->object ? braid_trace_find_object (trace, e->object) : NULL;
  if (obj && *obj->name)
    {
      char *on = escape_untrusted (obj->name);
      g_string_append_printf (s, " through %s", on);
      g_free (on);
    }
  char d[32];
  g_string_append_printf (s, "\nat %s, step %" G_GUINT64_FORMAT
                             "\nclick: select the other end",
                          braid_timeline_format_duration (e->time_ns, d,
                                                          sizeof d),
                          e->step);
  g_free (to);
  g_free (from);
}

/* Who holds the lock or semaphore that @sl waits on, at the step under
 * the pointer's @x (the wait-for graph's edge from the hovered task). */
static void
describe_holders (GString *s, BraidTimeline *self,
                  const braid_trace_slice *sl, double x)
{
  const braid_trace *trace = braid_timeline_model_get_trace (self->model);
  double at = braid_timeline_view_value_at (&self->view, x);
  if (self->view.axis == BRAID_TIMELINE_AXIS_TIME)
    at = braid_timeline_model_convert (self->model, BRAID_TIMELINE_AXIS_TIME,
                                       at);
  uint64_t step = at <= (double)sl->start_step ? sl->start_step
                  : at >= (double)sl->end_step ? sl->end_step
                                               : (uint64_t)at;
  int32_t holders[4];
  size_t n = braid_trace_holders (trace, sl->object, step, holders, 4);
  size_t n_tasks;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  g_string_append_printf (s, "\nat step %" G_GUINT64_FORMAT " held by ",
                          step);
  if (n == 0)
    g_string_append (s, "no task");
  for (size_t i = 0; i < n && i < 4; i++)
    {
      char *name = escape_untrusted (tasks[holders[i]].name);
      g_string_append_printf (s, "%s%s", i ? ", " : "", name);
      g_free (name);
    }
  if (n > 4)
    g_string_append_printf (s, " and %zu more", n - 4);
}

char *
braid_timeline_describe_at (BraidTimeline *self, double x, double y)
{
  if (!self->model)
    return NULL;
  ensure_view (self);
  const braid_trace *trace = braid_timeline_model_get_trace (self->model);
  GString *s = g_string_new (NULL);
  int64_t edge = braid_timeline_edge_at (self->model, &self->view, x, y);
  braid_timeline_hit hit;
  bool on_lane = braid_timeline_hit_test (self->model, &self->view, x, y,
                                          &hit)
                 && hit.task >= 0;
  if (edge >= 0 && (!on_lane || hit.mark < 0))
    {
      describe_edge (s, trace, edge);
      return g_string_free (s, FALSE);
    }
  if (!on_lane)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  size_t n;
  char *name = task_markup_name (trace, hit.task);
  g_string_append_printf (s, "<b>%s</b>", name);
  g_free (name);
  if (hit.mark >= 0)
    {
      const braid_trace_mark *mk = &braid_trace_get_marks (trace, &n)[hit.mark];
      static const char *const mark_names[] = { "yield (sleep(0))",
                                                "error",
                                                "cancelled",
                                                "exception never retrieved",
                                                "destroyed while pending",
                                                "slow step",
                                                "output line",
                                                "tracer made the run wait" };
      char d[32];
      g_string_append_printf (
          s, "\n%s at %s, step %" G_GUINT64_FORMAT,
          (unsigned)mk->kind < G_N_ELEMENTS (mark_names) ? mark_names[mk->kind]
                                                         : "mark",
          braid_timeline_format_duration (mk->time_ns, d, sizeof d), mk->step);
      /* An output dot shows what was printed. */
      int64_t out = braid_timeline_model_mark_output (self->model, hit.mark);
      if (out >= 0)
        {
          const braid_trace_output *o
              = &braid_trace_get_outputs (trace, &n)[out];
          char *text = escape_untrusted (o->text);
          g_string_append_printf (s, "\n<tt>%s%s</tt>",
                                  o->stream == 2 ? "stderr: " : "", text);
          g_free (text);
        }
    }
  if (hit.slice >= 0)
    {
      braid_trace_slice one;
      braid_timeline_model_get_slice (self->model, hit.slice, &one);
      const braid_trace_slice *sl = &one;
      char d[32], a[32];
      g_string_append_printf (s, "\n%s", braid_trace_state_name (sl->state));
      if (sl->state == BRAID_STATE_WAITING)
        g_string_append_printf (s, " on %s",
                                braid_trace_wait_reason_name (sl->wait_reason));
      const braid_trace_object *obj
          = sl->object ? braid_trace_find_object (trace, sl->object) : NULL;
      if (obj && *obj->name)
        {
          char *on = escape_untrusted (obj->name);
          g_string_append_printf (s, " (%s)", on);
          g_free (on);
        }
      g_string_append_printf (
          s, " for %s\nfrom %s, steps %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT,
          braid_timeline_format_duration (sl->end_ns - sl->start_ns, d,
                                          sizeof d),
          braid_timeline_format_duration (sl->start_ns, a, sizeof a),
          sl->start_step, sl->end_step);
      if (sl->state == BRAID_STATE_WAITING
          && (sl->wait_reason == BRAID_WAIT_LOCK
              || sl->wait_reason == BRAID_WAIT_SEMAPHORE))
        describe_holders (s, self, sl, x);
    }
  return g_string_free (s, FALSE);
}

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard,
                  GtkTooltip *tooltip, gpointer data)
{
  char *markup = braid_timeline_describe_at (BRAID_TIMELINE (widget), x, y);
  if (!markup)
    return FALSE;
  gtk_tooltip_set_markup (tooltip, markup);
  g_free (markup);
  return TRUE;
}

/* ----- public ---------------------------------------------------------- */

GtkWidget *
braid_timeline_new (void)
{
  return g_object_new (BRAID_TYPE_TIMELINE, NULL);
}

void
braid_timeline_set_model (BraidTimeline *self, braid_timeline_model *model)
{
  g_return_if_fail (BRAID_IS_TIMELINE (self));
  self->model = model;
  self->view_ready = false;
  self->view.selected_task = -1;
  self->view.selected_slice = -1;
  self->selected_step = -1;
  self->view.hover_task = -1;
  self->view.hover_edge = -1;
  self->range_from = self->range_to = 0;
  view_changed (self);
  g_signal_emit (self, signals[SIGNAL_SELECTION_CHANGED], 0);
}

gboolean
braid_timeline_replace_model (BraidTimeline *self,
                              braid_timeline_model *model)
{
  g_return_val_if_fail (BRAID_IS_TIMELINE (self), FALSE);
  braid_timeline_model *old = self->model;
  if (!old || !model || !self->view_ready)
    {
      /* Nothing drawn yet: the view is made (fitted) at the next frame. */
      self->model = model;
      view_changed (self);
      return FALSE;
    }
  braid_timeline_view *v = &self->view;
  double old_end = braid_timeline_model_get_extent (old, v->axis);
  double right = braid_timeline_view_value_at (v, v->width);
  /* At the end: the right edge within two pixels of the last moment. */
  gboolean at_end = right >= old_end - 2 * v->scale;
  int64_t slice = -1;
  braid_trace_slice sl;
  if (v->selected_slice >= 0
      && braid_timeline_model_get_slice (old, v->selected_slice, &sl))
    slice = braid_timeline_model_find_slice (
        model, v->selected_task, v->axis,
        v->axis == BRAID_TIMELINE_AXIS_STEPS ? (double)sl.start_step
                                             : (double)sl.start_ns);
  self->model = model;
  v->selected_slice = slice;
  /* Edge indexes move as edges come in: no arrow stays highlighted. */
  v->hover_edge = -1;
  if (at_end)
    v->origin += braid_timeline_model_get_extent (model, v->axis) - old_end;
  braid_timeline_view_clamp (v, model);
  view_changed (self);
  return at_end;
}

void
braid_timeline_set_axis (BraidTimeline *self, braid_timeline_axis axis)
{
  g_return_if_fail (BRAID_IS_TIMELINE (self));
  if (self->model && self->view_ready)
    {
      /* Keep the dragged range meaningful across the switch. */
      if (self->range_from != self->range_to)
        {
          self->range_from = braid_timeline_model_convert (
              self->model, self->view.axis, self->range_from);
          self->range_to = braid_timeline_model_convert (
              self->model, self->view.axis, self->range_to);
        }
      braid_timeline_view_set_axis (&self->view, self->model, axis);
    }
  else
    self->view.axis = axis;
  view_changed (self);
}

braid_timeline_axis
braid_timeline_get_axis (BraidTimeline *self)
{
  return self->view.axis;
}

void
braid_timeline_zoom (BraidTimeline *self, double factor)
{
  if (!self->model)
    return;
  ensure_view (self);
  double left = self->view.show_labels ? self->view.label_width : 0;
  braid_timeline_view_zoom (&self->view, self->model, factor,
                            left + (self->view.width - left) / 2.0);
  view_changed (self);
}

void
braid_timeline_zoom_fit (BraidTimeline *self)
{
  if (!self->model)
    return;
  ensure_view (self);
  braid_timeline_view_fit (&self->view, self->model);
  view_changed (self);
}

void
braid_timeline_zoom_to_selection (BraidTimeline *self)
{
  if (!self->model)
    return;
  ensure_view (self);
  double from = 0, to = 0;
  if (self->range_from != self->range_to)
    {
      from = fmin (self->range_from, self->range_to);
      to = fmax (self->range_from, self->range_to);
      self->range_from = self->range_to = 0;
    }
  else if (self->view.selected_slice >= 0)
    {
      braid_trace_slice one;
      if (braid_timeline_model_get_slice (self->model,
                                          self->view.selected_slice, &one))
        braid_timeline_slice_range (&one, self->view.axis, &from, &to);
    }
  else if (self->view.selected_task >= 0)
    {
      size_t first, n;
      braid_trace_slice s0, s1;
      if (braid_timeline_model_task_slices (
              self->model, self->view.selected_task, &first, &n)
          && n > 0
          && braid_timeline_model_get_slice (self->model, (int64_t)first,
                                             &s0)
          && braid_timeline_model_get_slice (
              self->model, (int64_t)(first + n - 1), &s1))
        {
          double a, b, c, d;
          braid_timeline_slice_range (&s0, self->view.axis, &a, &b);
          braid_timeline_slice_range (&s1, self->view.axis, &c, &d);
          from = a;
          to = d;
        }
    }
  if (to > from)
    {
      double pad = (to - from) * 0.05;
      braid_timeline_view_show_range (&self->view, self->model, from - pad,
                                      to + pad);
      view_changed (self);
    }
}

void
braid_timeline_select (BraidTimeline *self, int32_t task, int64_t slice)
{
  g_return_if_fail (BRAID_IS_TIMELINE (self));
  if (!self->model)
    return;
  ensure_view (self);
  if (task >= 0)
    {
      braid_timeline_model_reveal (self->model, task);
      braid_timeline_view_scroll_to_lane (
          &self->view, self->model,
          braid_timeline_model_task_lane (self->model, task));
    }
  set_selection (self, task, slice, -1);
  view_changed (self);
}

int32_t
braid_timeline_get_selected_task (BraidTimeline *self)
{
  return self->model ? self->view.selected_task : -1;
}

int64_t
braid_timeline_get_selected_slice (BraidTimeline *self)
{
  return self->model ? self->view.selected_slice : -1;
}

int64_t
braid_timeline_get_selected_step (BraidTimeline *self)
{
  return self->model ? self->selected_step : -1;
}

void
braid_timeline_reveal_moment (BraidTimeline *self, int64_t time_ns,
                              uint64_t step)
{
  if (!self->model)
    return;
  ensure_view (self);
  double v = self->view.axis == BRAID_TIMELINE_AXIS_STEPS ? (double)step + 0.5
                                                          : (double)time_ns;
  braid_timeline_view_center_on (&self->view, self->model, v);
  view_changed (self);
}

void
braid_timeline_model_changed (BraidTimeline *self)
{
  if (self->model)
    braid_timeline_view_clamp (&self->view, self->model);
  view_changed (self);
}

void
braid_timeline_set_show_edges (BraidTimeline *self, bool show)
{
  g_return_if_fail (BRAID_IS_TIMELINE (self));
  ensure_view (self);
  self->view.show_edges = show;
  view_changed (self);
}

void
braid_timeline_set_show_wait_graph (BraidTimeline *self, bool show)
{
  self->show_wait_graph = show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

bool
braid_timeline_get_show_wait_graph (BraidTimeline *self)
{
  return self->show_wait_graph;
}

const braid_timeline_view *
braid_timeline_get_view (BraidTimeline *self)
{
  ensure_view (self);
  return &self->view;
}

void
braid_timeline_zoom_at_pointer (BraidTimeline *self, double factor)
{
  if (!self->model)
    return;
  ensure_view (self);
  if (self->pointer_x < 0 || self->pointer_x >= self->view.width)
    {
      braid_timeline_zoom (self, factor);
      return;
    }
  braid_timeline_view_zoom (&self->view, self->model, factor,
                            self->pointer_x);
  view_changed (self);
}

void
braid_timeline_set_pointer (BraidTimeline *self, double x, double y)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

void
braid_timeline_get_range (BraidTimeline *self, double *from, double *to)
{
  *from = fmin (self->range_from, self->range_to);
  *to = fmax (self->range_from, self->range_to);
}

void
braid_timeline_set_range (BraidTimeline *self, double from, double to)
{
  self->range_from = from;
  self->range_to = to;
  view_changed (self);
  g_signal_emit (self, signals[SIGNAL_RANGE_CHANGED], 0);
}

GtkAdjustment *
braid_timeline_get_vadjustment (BraidTimeline *self)
{
  return self->vadjustment;
}

void
braid_timeline_set_marked_steps (BraidTimeline *self, const uint64_t *steps,
                                 size_t n)
{
  g_return_if_fail (BRAID_IS_TIMELINE (self));
  self->marked_steps = steps;
  self->n_marked_steps = steps ? n : 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

braid_timeline_model *
braid_timeline_get_model (BraidTimeline *self)
{
  g_return_val_if_fail (BRAID_IS_TIMELINE (self), NULL);
  return self->model;
}

void
braid_timeline_move_from_overview (BraidTimeline *self,
                                   const braid_timeline_overview *ov,
                                   int width, int height, double x, double y)
{
  g_return_if_fail (BRAID_IS_TIMELINE (self));
  if (!self->model || !ov)
    return;
  ensure_view (self);
  braid_timeline_overview_move_view (ov, self->model, &self->view, width,
                                     height, x, y);
  view_changed (self);
}

/* ----- class ----------------------------------------------------------- */

static void
braid_timeline_dispose (GObject *object)
{
  BraidTimeline *self = BRAID_TIMELINE (object);
  if (self->vadjustment)
    g_signal_handlers_disconnect_by_data (self->vadjustment, self);
  g_clear_object (&self->vadjustment);
  G_OBJECT_CLASS (braid_timeline_parent_class)->dispose (object);
}


static void
braid_timeline_class_init (BraidTimelineClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = braid_timeline_dispose;
  widget_class->snapshot = braid_timeline_snapshot;
  widget_class->size_allocate = braid_timeline_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "braidtimeline");

  /* BraidTimeline::selection-changed: the selected task or slice changed;
   * read it with braid_timeline_get_selected_task(). */
  signals[SIGNAL_SELECTION_CHANGED]
      = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* BraidTimeline::range-changed: a Shift+drag selected a range (maybe
   * of zero width); read it with braid_timeline_get_range(). */
  signals[SIGNAL_RANGE_CHANGED]
      = g_signal_new ("range-changed", G_TYPE_FROM_CLASS (klass),
                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* BraidTimeline::view-changed: the view scrolled, zoomed, switched axis
   * or got a new model; read it with braid_timeline_get_view(). */
  signals[SIGNAL_VIEW_CHANGED]
      = g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass),
                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
braid_timeline_init (BraidTimeline *self)
{
  GtkWidget *w = GTK_WIDGET (self);
  gtk_widget_set_focusable (w, TRUE);
  gtk_widget_set_hexpand (w, TRUE);
  gtk_widget_set_vexpand (w, TRUE);
  gtk_widget_set_has_tooltip (w, TRUE);
  self->view.axis = BRAID_TIMELINE_AXIS_TIME;
  self->view.selected_task = -1;
  self->view.selected_slice = -1;
  self->selected_step = -1;
  self->view.hover_task = -1;
  self->view.hover_edge = -1;
  self->view.show_edges = true;
  self->pointer_x = self->pointer_y = -1;
  self->vadjustment = g_object_ref_sink (gtk_adjustment_new (0, 0, 1, 1, 1, 1));
  g_signal_connect (self->vadjustment, "value-changed",
                    G_CALLBACK (on_vadjustment_changed), self);

  GtkEventController *scroll
      = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (w, scroll);

  GtkGesture *drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (drag));

  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_click), self);
  gtk_widget_add_controller (w, GTK_EVENT_CONTROLLER (click));

  GtkEventController *key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key), self);
  gtk_widget_add_controller (w, key);

  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  /* Entering gives a position too: a scroll right after entering zooms
   * around it. */
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (w, motion);

  g_signal_connect (w, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}
