/* braid-window-sync.c: the primitives in the details pane.
 *
 * Owns what the details pane says about a lock, semaphore, condition,
 * queue or event when the selected slice waits on one (its fairness:
 * the order its waiters began waiting against the order they were
 * served, longest and mean wait, hand-overs, waits overtaken, the FIFO
 * verdict, and who held it then). The figures are the reader's
 * (reader-sync.c); the wait-for graph in the details pane is the
 * timeline's words for it (braid-window-panes.c); the timeline draws a
 * deadlock's cycle itself (timeline-sync.c), and the wait-for graph under
 * the pointer. Also the self-test's look at a deadlock and at that
 * graph.
 *
 * Not hot: it runs when the selection changes.
 */
#include "braid-window-private.h"

#include <braid/braid-hooks.h>

/* The most names an order row lists. */
#define ORDER_NAMES 10

/* Appends "<b>key</b>  value", the value escaped; @colour (may be NULL)
 * colours the value. */
static void
sync_row (GString *s, const char *key, const char *value, const char *colour)
{
  char *valid = g_utf8_make_valid (value, -1);
  char *esc = g_markup_escape_text (valid, -1);
  if (colour)
    g_string_append_printf (s, "<b>%s</b>  <span foreground='%s'>%s</span>\n",
                            key, colour, esc);
  else
    g_string_append_printf (s, "<b>%s</b>  %s\n", key, esc);
  g_free (esc);
  g_free (valid);
}

static const char *
name_of (BraidWindow *self, int32_t task)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (self->trace, &n);
  return task >= 0 && (size_t)task < n ? tasks[task].name : "(the loop)";
}

/* "lock 4", "queue 7 'jobs'", "task worker". */
static void
append_object (BraidWindow *self, GString *s, uint64_t id, uint32_t reason)
{
  char obj[512];
  braid_timeline_object_text (self->trace, id, reason, obj, sizeof obj);
  g_string_append (s, obj);
}

static int
cmp_serve (gconstpointer a, gconstpointer b)
{
  const braid_trace_sync_wait *x = *(const braid_trace_sync_wait *const *)a;
  const braid_trace_sync_wait *y = *(const braid_trace_sync_wait *const *)b;
  return x->serve_rank < y->serve_rank ? -1 : x->serve_rank > y->serve_rank;
}

static void
order_row (BraidWindow *self, GString *s, const char *key, GPtrArray *waits)
{
  GString *line = g_string_new (NULL);
  for (guint i = 0; i < waits->len && i < ORDER_NAMES; i++)
    {
      const braid_trace_sync_wait *w = g_ptr_array_index (waits, i);
      g_string_append_printf (line, "%s%s", i ? ", " : "",
                              name_of (self, w->task));
    }
  if (waits->len > ORDER_NAMES)
    g_string_append_printf (line, " … and %u more", waits->len - ORDER_NAMES);
  if (waits->len == 0)
    g_string_append (line, "(none)");
  sync_row (s, key, line->str, NULL);
  g_string_free (line, TRUE);
}

/* A row per robbed wait of queue @p (at most ORDER_NAMES): who was woken
 * for an item or a place, and who took it first. */
static void
robbed_rows (BraidWindow *self, GString *s, const braid_trace_primitive *p,
             const braid_trace_sync_wait *waits)
{
  unsigned shown = 0;
  for (size_t k = 0; k < p->n_waits && shown < ORDER_NAMES; k++)
    {
      const braid_trace_sync_wait *w = &waits[p->first_wait + k];
      if (w->robbed == 0)
        continue;
      const char *what = w->robbed_op == BRAID_QUEUE_OP_PUT ? "place" : "item";
      char *line;
      if (w->robbed_step == UINT64_MAX)
        line = g_strdup_printf ("%s: woken, but another task took its %s "
                                "first, and it waited again",
                                name_of (self, w->task), what);
      else
        line = g_strdup_printf ("%s: its %s went to %s at step %" G_GUINT64_FORMAT
                                ", and it waited again",
                                name_of (self, w->task), what,
                                name_of (self, w->robbed_by), w->robbed_step);
      sync_row (s, "Robbed", line, "#c0101a");
      g_free (line);
      shown++;
    }
}

void
braid__window_describe_primitive (BraidWindow *self, GString *s,
                                  const braid_trace_slice *slice)
{
  if (slice->state == BRAID_STATE_RUNNING || slice->object == 0)
    return;
  const braid_trace_primitive *p
      = braid_trace_find_primitive (self->trace, slice->object);
  if (!p)
    return;
  size_t n_waits;
  const braid_trace_sync_wait *waits
      = braid_trace_get_sync_waits (self->trace, &n_waits);
  GString *head = g_string_new (NULL);
  append_object (self, head, p->object, p->kind);
  if (p->n_waits == 0)
    g_string_append (head, ": FIFO (nobody waited)");
  else if (p->fifo)
    g_string_append (head, ": FIFO");
  else if (p->n_robbed > 0)
    g_string_append_printf (head, ": NOT FIFO (%u overtaken, %u robbed)",
                            p->n_overtaken, p->n_robbed);
  else
    g_string_append_printf (head, ": NOT FIFO (%u overtaken)",
                            p->n_overtaken);
  sync_row (s, "Primitive", head->str, p->fifo ? NULL : "#c0101a");
  g_string_free (head, TRUE);
  char buf[256], d1[32], d2[32];
  g_snprintf (buf, sizeof buf,
              "%zu: %u served, %u cancelled, %u still waiting; %u hand-overs",
              p->n_waits, p->n_served, p->n_cancelled, p->n_pending,
              p->n_handovers);
  sync_row (s, "Waits", buf, NULL);
  g_snprintf (buf, sizeof buf, "longest %s, mean %s",
              braid_timeline_format_duration (p->longest_wait_ns, d1,
                                              sizeof d1),
              braid_timeline_format_duration (p->mean_wait_ns, d2,
                                              sizeof d2));
  sync_row (s, "Wait time", buf, NULL);
  GPtrArray *order = g_ptr_array_new ();
  for (size_t k = 0; k < p->n_waits; k++)
    g_ptr_array_add (order, (gpointer)&waits[p->first_wait + k]);
  order_row (self, s, "Began waiting", order);
  g_ptr_array_set_size (order, 0);
  for (size_t k = 0; k < p->n_waits; k++)
    if (waits[p->first_wait + k].outcome == BRAID_TRACE_WAIT_SERVED)
      g_ptr_array_add (order, (gpointer)&waits[p->first_wait + k]);
  g_ptr_array_sort (order, cmp_serve);
  order_row (self, s, "Served", order);
  g_ptr_array_free (order, TRUE);
  robbed_rows (self, s, p, waits);
  if (p->kind == BRAID_OBJ_LOCK || p->kind == BRAID_OBJ_SEMAPHORE)
    {
      /* Who held it when this wait began. */
      size_t n_holds;
      const braid_trace_hold *h = braid_trace_get_holds (self->trace,
                                                         &n_holds);
      GString *held = g_string_new (NULL);
      for (size_t i = 0; i < n_holds; i++)
        if (h[i].object == p->object && h[i].start_step <= slice->start_step
            && (h[i].end_ns < 0 || h[i].end_step >= slice->start_step))
          g_string_append_printf (held, "%s%s", held->len ? ", " : "",
                                  name_of (self, h[i].task));
      g_snprintf (buf, sizeof buf,
                  "acquired %u time%s; at step %" G_GUINT64_FORMAT
                  " held by %s",
                  p->n_acquisitions, p->n_acquisitions == 1 ? "" : "s",
                  slice->start_step, held->len ? held->str : "no task");
      sync_row (s, "Holders", buf, NULL);
      g_string_free (held, TRUE);
    }
}

void
braid__window_check_deadlock (BraidWindow *self)
{
  size_t n_problems;
  const braid_trace_problem *p
      = braid_trace_get_problems (self->trace, &n_problems);
  const braid_trace_problem *dead = NULL;
  for (size_t i = 0; i < n_problems && !dead; i++)
    if (p[i].kind == BRAID_PROBLEM_DEADLOCK)
      dead = &p[i];
  if (!dead)
    return;
  char *cycle = braid_timeline_model_deadlock_cycle (self->model, 0);
  printf ("self-test: deadlock cycle drawn: %s\n", cycle ? cycle : "(none)");
  free (cycle);
  /* Select the wait of the cycle's first task, as a click on it would,
   * and report what the details pane says. */
  braid_trace_wait_edge *e = NULL;
  size_t n = 0;
  if (braid_trace_wait_graph (self->trace, dead->step, &e, &n) != 0 || n == 0)
    {
      free (e);
      return;
    }
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  int32_t task = e[0].task;
  free (e);
  size_t first, count;
  braid_trace_slice one;
  braid_timeline_model_task_slices (self->model, task, &first, &count);
  int64_t pick = -1;
  for (size_t i = 0; i < count; i++)
    if (braid_timeline_model_get_slice (self->model, (int64_t)(first + i),
                                        &one)
        && one.state == BRAID_STATE_WAITING && one.start_step <= dead->step)
      pick = (int64_t)(first + i);
  braid_timeline_select (tl, task, pick);
  braid__window_show_details (self);
  /* The tooltip over that wait names the holder too. */
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  int64_t lane = braid_timeline_model_task_lane (self->model, task);
  if (pick >= 0 && lane >= 0
      && braid_timeline_model_get_slice (self->model, pick, &one))
    {
      double from, to;
      braid_timeline_slice_range (&one, v->axis, &from, &to);
      double x = braid_timeline_view_x_for (v, (from + to) / 2);
      double y = braid_timeline_view_lane_y (v, lane) + v->lane_height / 2.0;
      char *tip = braid_timeline_describe_at (tl, x, y);
      char *plain = NULL;
      if (tip && pango_parse_markup (tip, -1, 0, NULL, &plain, NULL, NULL))
        {
          g_strdelimit (plain, "\n", '|');
          printf ("self-test: wait tooltip: %s\n", plain);
        }
      g_free (plain);
      g_free (tip);
    }
  const char *text = gtk_label_get_text (GTK_LABEL (self->details_label));
  char **lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "Primitive")
        || g_str_has_prefix (lines[i], "Holders")
        || g_str_has_prefix (lines[i], "Wait-for")
        || strstr (lines[i], "(deadlock cycle)"))
      printf ("self-test: details| %s\n", lines[i]);
  g_strfreev (lines);
}

void
braid__window_check_robbed (BraidWindow *self)
{
  size_t n_waits;
  const braid_trace_sync_wait *waits
      = braid_trace_get_sync_waits (self->trace, &n_waits);
  const braid_trace_sync_wait *w = NULL;
  for (size_t i = 0; i < n_waits && !w; i++)
    if (waits[i].robbed > 0)
      w = &waits[i];
  if (!w)
    return;
  /* Select that wait on the timeline, as a click on it would. */
  size_t first, count;
  braid_trace_slice one;
  braid_timeline_model_task_slices (self->model, w->task, &first, &count);
  int64_t pick = -1;
  for (size_t i = 0; i < count && pick < 0; i++)
    if (braid_timeline_model_get_slice (self->model, (int64_t)(first + i),
                                        &one)
        && one.state == BRAID_STATE_WAITING && one.object == w->object)
      pick = (int64_t)(first + i);
  braid_timeline_select (BRAID_TIMELINE (self->timeline), w->task, pick);
  braid__window_show_details (self);
  const char *text = gtk_label_get_text (GTK_LABEL (self->details_label));
  char **lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "Primitive")
        || g_str_has_prefix (lines[i], "Robbed"))
      printf ("self-test: robbed details| %s\n", lines[i]);
  g_strfreev (lines);
}

/* Reports where the arrows of a wait-for graph drawn on the timeline
 * are, in the window's pixels, as "self-test: @what arrow TASK → HOLDER
 * at X,Y": the graph under pixel @x, or with @at_step (>= 0) the graph
 * at that step, drawn at its pixel. */
static void
report_arrows (BraidWindow *self, double x, int64_t at_step,
               const char *what)
{
  const braid_timeline_view *v
      = braid_timeline_get_view (BRAID_TIMELINE (self->timeline));
  braid_timeline_wait_arrow a[16];
  size_t n = at_step >= 0 ? braid_timeline_wait_graph_arrows_at_step (
                                self->model, v, (uint64_t)at_step, a, 16)
                          : braid_timeline_wait_graph_arrows (self->model, v,
                                                              x, a, 16);
  for (size_t i = 0; i < n && i < 16; i++)
    {
      graphene_point_t p;
      if (!gtk_widget_compute_point (
              self->timeline, GTK_WIDGET (self),
              &GRAPHENE_POINT_INIT (a[i].x, (a[i].y0 + a[i].y1) / 2), &p))
        continue;
      printf ("self-test: %s arrow %s → %s at %.0f,%.0f%s\n", what,
              name_of (self, a[i].task), name_of (self, a[i].holder), p.x,
              p.y, a[i].in_cycle ? " (cycle)" : "");
    }
}

/* Puts the pointer on @step (the middle of it, at mid-height of the
 * lanes) with the wait-for graph shown, and reports the graph in words
 * and where its arrows are drawn, in the window's pixels. */
static void
report_wait_graph (BraidWindow *self, uint64_t step)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  double x = braid_timeline_view_x_for_step (self->model, v, step);
  if (x < v->label_width || x >= v->width)
    {
      braid_timeline_zoom_fit (tl);
      x = braid_timeline_view_x_for_step (self->model, v, step);
    }
  braid_timeline_hover_at (tl, x, (v->ruler_height + v->height) / 2.0);
  char *text = braid_timeline_model_wait_graph_text (self->model, step);
  char **lines = g_strsplit (text ? text : "", "\n", -1);
  for (int i = 0; lines[i] && *lines[i]; i++)
    printf ("self-test: wait-for graph at step %" G_GUINT64_FORMAT "| %s\n",
            step, lines[i]);
  g_strfreev (lines);
  g_free (text);
  report_arrows (self, x, -1, "wait-for");
}

void
braid__window_check_wait_graph (BraidWindow *self)
{
  /* Among the first steps (a large trace's graph is not searched
   * whole: each step's costs a binary search per task): the first where
   * the most tasks wait on a task holding what they wait on, outside any
   * cycle, and the first where tasks wait in a cycle. */
  uint64_t n_steps = braid_trace_get_meta (self->trace)->n_steps;
  size_t n_tasks;
  braid_trace_get_tasks (self->trace, &n_tasks);
  uint64_t limit = MAX (64, 2000000 / (n_tasks + 1));
  uint64_t held = UINT64_MAX, cycle = UINT64_MAX;
  size_t most = 0;
  for (uint64_t s = 0; s <= n_steps && s < MIN (limit, 5000); s++)
    {
      braid_trace_wait_edge *e = NULL;
      size_t n = 0, k = 0;
      if (braid_trace_wait_graph (self->trace, s, &e, &n) != 0)
        break;
      for (size_t i = 0; i < n; i++)
        {
          k += e[i].holder >= 0 && e[i].reason != BRAID_WAIT_TASK
               && !e[i].in_cycle;
          if (e[i].in_cycle && cycle == UINT64_MAX)
            cycle = s;
        }
      if (k > most)
        {
          most = k;
          held = s;
        }
      free (e);
    }
  if (held == UINT64_MAX && cycle == UINT64_MAX)
    return;
  /* As the "g" key or the menu item would; it stays on for the
   * snapshot, at the cycle when there is one. */
  g_action_group_activate_action (G_ACTION_GROUP (self), "show-wait-graph",
                                  NULL);
  printf ("self-test: wait-for graph shown: %s\n",
          braid_timeline_get_show_wait_graph (BRAID_TIMELINE (self->timeline))
              ? "yes"
              : "no");
  if (held != UINT64_MAX)
    report_wait_graph (self, held);
  if (cycle != UINT64_MAX)
    report_wait_graph (self, cycle);
}

/* The number of edges of the wait-for graph at @step. */
static size_t
graph_size (BraidWindow *self, uint64_t step)
{
  braid_trace_wait_edge *e = NULL;
  size_t n = 0;
  if (braid_trace_wait_graph (self->trace, step, &e, &n) != 0)
    n = 0;
  free (e);
  return n;
}

gboolean
braid__window_check_empty_instant (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  braid_timeline_zoom_fit (tl);
  /* The empty points next to each lane's task (the step before its first
   * slice, the step after its last), as the hit test finds them; the
   * first lanes only, for a large trace. */
  uint64_t n_steps = braid_trace_get_meta (self->trace)->n_steps;
  size_t n_lanes = braid_timeline_model_get_n_lanes (self->model);
  int32_t best_task = -1;
  uint64_t best_step = 0;
  size_t best_n = 0;
  double best_x = 0, best_y = 0;
  for (size_t lane = 0; lane < n_lanes && lane < 200; lane++)
    {
      int32_t task = braid_timeline_model_lane_task (self->model, lane);
      size_t first, count;
      braid_trace_slice a, b;
      braid_timeline_model_task_slices (self->model, task, &first, &count);
      if (count == 0
          || !braid_timeline_model_get_slice (self->model, (int64_t)first, &a)
          || !braid_timeline_model_get_slice (
              self->model, (int64_t)(first + count - 1), &b))
        continue;
      uint64_t near[2] = { a.start_step - 1, b.end_step + 1 };
      for (int k = a.start_step > 0 ? 0 : 1; k < 2; k++)
        {
          double x = braid_timeline_view_x_for_step (self->model, v, near[k]);
          double y = braid_timeline_view_lane_y (v, (int64_t)lane)
                     + v->lane_height / 2.0;
          braid_timeline_hit hit;
          size_t n;
          if (near[k] > n_steps
              || !braid_timeline_hit_test (self->model, v, x, y, &hit)
              || hit.area != BRAID_TIMELINE_AREA_LANE || hit.task != task
              || hit.slice >= 0
              || (n = graph_size (self, near[k])) <= best_n)
            continue;
          best_task = task;
          best_step = near[k];
          best_n = n;
          best_x = x;
          best_y = y;
        }
    }
  if (best_task < 0)
    return FALSE;
  /* Clicked as a user would, looking at the details pane. */
  gtk_notebook_set_current_page (GTK_NOTEBOOK (self->side), 0);
  braid_timeline_click_at (tl, best_x, best_y);
  printf ("self-test: empty point of %s's lane at step %" G_GUINT64_FORMAT
          " selects %s, slice %" G_GINT64_FORMAT ", instant %" G_GINT64_FORMAT
          "\n",
          name_of (self, best_task), best_step,
          name_of (self, braid_timeline_get_selected_task (tl)),
          braid_timeline_get_selected_slice (tl),
          braid_timeline_get_selected_step (tl));
  const char *text = gtk_label_get_text (GTK_LABEL (self->details_label));
  char **lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    printf ("self-test: instant details| %s\n", lines[i]);
  g_strfreev (lines);
  report_arrows (self, 0, (int64_t)best_step, "instant");
  return TRUE;
}
