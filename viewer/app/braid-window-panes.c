/* braid-window-panes.c: the side panes and the task filter.
 *
 * Owns the notebook beside the timeline: the details of the selected task
 * (name, function, creation site, parent, outcome, error and raise site,
 * time running / ready / waiting, its events in order; the wait-for graph
 * at the selected slice, or at the instant selected by a click on an
 * empty point of its lane, in the timeline model's words), the problems list
 * (a click selects the task and reveals its moment) and the program's
 * output lines (a click jumps to the moment a line was written). Lists are
 * GtkListViews over BraidLineList, so a trace with a million lines costs
 * only the visible rows. Also owns the search: one field over task names,
 * functions, error messages and output text, which filters the lanes and
 * lists the matches in the Search page (a click jumps to the moment).
 */
#include "braid-window-private.h"

#include "braid-line-list.h"

#include <braid/braid-hooks.h>

/* The most events listed in the details pane; the rest are counted. */
#define MAX_DETAIL_EVENTS 400
/* The most edges of a wait-for graph the details pane lists. */
#define MAX_GRAPH_EDGES 20

static const braid_trace_task *
task_at (BraidWindow *self, int32_t index)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (self->trace, &n);
  return index >= 0 && (size_t)index < n ? &tasks[index] : NULL;
}

static char *
problem_line (guint index, gpointer data)
{
  BraidWindow *self = data;
  size_t n;
  const braid_trace_problem *p
      = self->trace ? braid_trace_get_problems (self->trace, &n) : NULL;
  if (!p || index >= n)
    return g_strdup ("");
  p += index;
  char *s
      = g_strdup_printf ("%s\n%s%s%s", braid_trace_problem_kind_name (p->kind),
                         p->summary, *p->detail ? "\n" : "", p->detail);
  char *valid = g_utf8_make_valid (s, -1);
  g_free (s);
  return valid;
}

static char *
output_line (guint index, gpointer data)
{
  BraidWindow *self = data;
  size_t n;
  const braid_trace_output *o
      = self->trace ? braid_trace_get_outputs (self->trace, &n) : NULL;
  if (!o || index >= n)
    return g_strdup ("");
  o += index;
  const braid_trace_task *t = task_at (self, o->task);
  const char *prefix = o->stream == 2 ? "! " : "";
  char *s = t ? g_strdup_printf ("%s[%s] %s", prefix, t->name, o->text)
              : g_strdup_printf ("%s%s", prefix, o->text);
  char *valid = g_utf8_make_valid (s, -1);
  g_free (s);
  return valid;
}

typedef braid__search_result search_result;

/* The most search results listed; the count says how many matched. */
#define MAX_SEARCH_RESULTS 10000

static char *
result_line (guint index, gpointer data)
{
  BraidWindow *self = data;
  if (!self->trace || !self->search_results
      || index >= self->search_results->len)
    return g_strdup ("");
  const search_result *r
      = &g_array_index (self->search_results, search_result, index);
  if (r->is_output)
    return output_line ((guint)r->index, self);
  const braid_trace_task *t = task_at (self, (int32_t)r->index);
  char *s = *t->error_type
                ? g_strdup_printf ("task %s\n%s: %s: %s",
                                   *t->name ? t->name : "(unnamed)",
                                   braid_trace_outcome_name (t->outcome),
                                   t->error_type, t->error_message)
                : g_strdup_printf ("task %s\n%s", *t->name ? t->name
                                                           : "(unnamed)",
                                   t->function);
  char *valid = g_utf8_make_valid (s, -1);
  g_free (s);
  return valid;
}

static void
setup_row (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_margin_top (label, 1);
  gtk_widget_set_margin_bottom (label, 1);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
bind_row (GtkSignalListItemFactory *f, GtkListItem *item, gpointer data)
{
  GtkStringObject *obj = gtk_list_item_get_item (item);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (obj));
}

/* Selects @task at the moment (@time_ns, @step) and shows that moment. */
static void
jump_to (BraidWindow *self, int32_t task, int64_t time_ns, uint64_t step)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  if (task >= 0 && task_at (self, task))
    {
      braid_timeline_axis axis = braid_timeline_get_axis (tl);
      double v = axis == BRAID_TIMELINE_AXIS_STEPS ? (double)step + 0.5
                                                   : (double)time_ns;
      int64_t slice
          = braid_timeline_model_find_slice (self->model, task, axis, v);
      braid_timeline_select (tl, task, slice);
    }
  braid_timeline_reveal_moment (tl, time_ns, step);
}

static void
on_problem_activate (GtkListView *list, guint position, BraidWindow *self)
{
  size_t n;
  const braid_trace_problem *p = braid_trace_get_problems (self->trace, &n);
  if (position < n)
    jump_to (self, p[position].task, p[position].time_ns, p[position].step);
}

static void
on_output_activate (GtkListView *list, guint position, BraidWindow *self)
{
  size_t n;
  const braid_trace_output *o = braid_trace_get_outputs (self->trace, &n);
  if (position < n)
    jump_to (self, o[position].task, o[position].time_ns, o[position].step);
}

/* A task result jumps to its error (the moment it failed) if it has one,
 * else to its first step; an output result to the moment it was
 * written. */
static void
on_result_activate (GtkListView *list, guint position, BraidWindow *self)
{
  if (!self->search_results || position >= self->search_results->len)
    return;
  const search_result *r
      = &g_array_index (self->search_results, search_result, position);
  size_t n;
  if (r->is_output)
    {
      on_output_activate (list, (guint)r->index, self);
      return;
    }
  int32_t task = (int32_t)r->index;
  size_t n_marks;
  const uint32_t *mi
      = braid_timeline_model_task_marks (self->model, task, &n_marks);
  const braid_trace_mark *marks = braid_trace_get_marks (self->trace, &n);
  for (size_t i = 0; i < n_marks; i++)
    if (marks[mi[i]].kind == BRAID_MARK_ERROR
        || marks[mi[i]].kind == BRAID_MARK_CANCELLED)
      {
        jump_to (self, task, marks[mi[i]].time_ns, marks[mi[i]].step);
        return;
      }
  size_t first, count;
  braid_trace_slice sl;
  if (braid_timeline_model_task_slices (self->model, task, &first, &count)
      && count > 0
      && braid_timeline_model_get_slice (self->model, (int64_t)first, &sl))
    jump_to (self, task, sl.start_ns, sl.start_step);
}

static GtkWidget *
build_list (BraidWindow *self, GtkWidget **list_out, GCallback activate,
            gboolean rich)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  GtkWidget *list = gtk_list_view_new (NULL, factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list), TRUE);
  if (rich)
    gtk_widget_add_css_class (list, "rich-list");
  g_signal_connect (list, "activate", activate, self);
  GtkWidget *scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), list);
  gtk_widget_set_vexpand (scroll, TRUE);
  *list_out = list;
  return scroll;
}

GtkWidget *
braid__window_build_side (BraidWindow *self)
{
  GtkWidget *notebook = gtk_notebook_new ();

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  self->details_label = gtk_label_new ("Click a task or a slice.");
  gtk_label_set_xalign (GTK_LABEL (self->details_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->details_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->details_label),
                           PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->details_label), TRUE);
  gtk_box_append (GTK_BOX (box), self->details_label);
  self->events_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->events_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->events_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (self->events_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->events_label),
                           PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (self->events_label, "monospace");
  gtk_box_append (GTK_BOX (box), self->events_label);
  GtkWidget *scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), box);
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), scroll,
                            gtk_label_new ("Details"));

  gtk_notebook_append_page (GTK_NOTEBOOK (notebook),
                            build_list (self, &self->problems_list,
                                        G_CALLBACK (on_problem_activate), TRUE),
                            gtk_label_new ("Problems"));
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook),
                            build_list (self, &self->output_list,
                                        G_CALLBACK (on_output_activate), FALSE),
                            gtk_label_new ("Output"));
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook),
                            build_list (self, &self->results_list,
                                        G_CALLBACK (on_result_activate), TRUE),
                            gtk_label_new ("Search"));
  self->range_label
      = gtk_label_new ("Drag across the timeline with Shift held to select "
                       "a range: its statistics appear here.");
  gtk_label_set_xalign (GTK_LABEL (self->range_label), 0);
  gtk_label_set_yalign (GTK_LABEL (self->range_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->range_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->range_label), TRUE);
  gtk_widget_add_css_class (self->range_label, "monospace");
  gtk_widget_set_margin_start (self->range_label, 10);
  gtk_widget_set_margin_end (self->range_label, 10);
  gtk_widget_set_margin_top (self->range_label, 10);
  GtkWidget *range_scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (range_scroll),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (range_scroll),
                                 self->range_label);
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), range_scroll,
                            gtk_label_new ("Range"));
  return notebook;
}

static void
set_list (GtkWidget *list, guint n, BraidLineFunc func, BraidWindow *self)
{
  BraidLineList *lines = braid_line_list_new (n, func, self);
  GtkNoSelection *sel = gtk_no_selection_new (G_LIST_MODEL (lines));
  gtk_list_view_set_model (GTK_LIST_VIEW (list), GTK_SELECTION_MODEL (sel));
  g_object_unref (sel);
}

void
braid__window_panes_set_trace (BraidWindow *self)
{
  size_t n_problems = 0, n_outputs = 0;
  braid_trace_get_problems (self->trace, &n_problems);
  braid_trace_get_outputs (self->trace, &n_outputs);
  set_list (self->problems_list, (guint)MIN (n_problems, G_MAXUINT),
            problem_line, self);
  set_list (self->output_list, (guint)MIN (n_outputs, G_MAXUINT), output_line,
            self);
  char *label = g_strdup_printf ("Problems (%zu)", n_problems);
  gtk_notebook_set_tab_label_text (
      GTK_NOTEBOOK (self->side),
      gtk_notebook_get_nth_page (GTK_NOTEBOOK (self->side), 1), label);
  g_free (label);
  label = g_strdup_printf ("Output (%zu)", n_outputs);
  gtk_notebook_set_tab_label_text (
      GTK_NOTEBOOK (self->side),
      gtk_notebook_get_nth_page (GTK_NOTEBOOK (self->side), 2), label);
  g_free (label);
  gtk_label_set_text (GTK_LABEL (self->filter_label), "");
  braid__window_search (self, NULL);
  braid__window_show_details (self);
}

/* Appends "<b>key</b> value" with the value escaped and made valid. */
static void
add_row (GString *s, const char *key, const char *value)
{
  char *valid = g_utf8_make_valid (value, -1);
  char *esc = g_markup_escape_text (valid, -1);
  g_string_append_printf (s, "<b>%s</b>  %s\n", key, esc);
  g_free (esc);
  g_free (valid);
}

static void
describe_slice (GString *s, const braid_trace *trace,
                const braid_trace_slice *sl)
{
  char d[32], a[32];
  g_string_append_printf (
      s, "%s · step %" G_GUINT64_FORMAT " · %s for %s",
      braid_timeline_format_duration (sl->start_ns, a, sizeof a),
      sl->start_step, braid_trace_state_name (sl->state),
      braid_timeline_format_duration (sl->end_ns - sl->start_ns, d, sizeof d));
  if (sl->state != BRAID_STATE_RUNNING && sl->wait_reason)
    g_string_append_printf (s, " %s %s",
                            sl->state == BRAID_STATE_READY ? "after" : "on",
                            braid_trace_wait_reason_name (sl->wait_reason));
  const braid_trace_object *obj
      = sl->object ? braid_trace_find_object (trace, sl->object) : NULL;
  if (obj && *obj->name)
    g_string_append_printf (s, " (%s)", obj->name);
}

/* What of the loop woke a task that waited for @reason. */
static const char *
loop_waker (uint32_t reason)
{
  return reason == BRAID_WAIT_SLEEP ? "its timer"
         : reason == BRAID_WAIT_IO  ? "its I/O"
                                    : "the loop";
}

char *
braid__window_describe_waker (BraidWindow *self, int32_t task, int64_t slice)
{
  int64_t e = braid_timeline_model_find_waker (self->model, task, slice);
  if (e < 0)
    return NULL;
  size_t n;
  const braid_trace_edge *edge = &braid_trace_get_edges (self->trace, &n)[e];
  const braid_trace_object *obj
      = edge->object ? braid_trace_find_object (self->trace, edge->object)
                     : NULL;
  GString *s = g_string_new ("woken by ");
  const braid_trace_task *waker = task_at (self, edge->from);
  if (waker)
    {
      g_string_append (s, *waker->name ? waker->name : "(unnamed)");
      if (edge->kind == BRAID_EDGE_GATHER)
        g_string_append (s, " finishing");
      else if (edge->kind == BRAID_EDGE_ERROR)
        g_string_append (s, "'s error");
      else if (edge->kind == BRAID_EDGE_CANCEL)
        g_string_append (s, " cancelling it");
    }
  else
    {
      /* The loop: what the task waited on says which of its sources. */
      braid_trace_slice wait;
      uint32_t reason = 0;
      for (int64_t i = slice; i >= slice - 2 && i >= 0; i--)
        if (braid_timeline_model_get_slice (self->model, i, &wait)
            && wait.task == (uint32_t)task && wait.state == BRAID_STATE_WAITING)
          {
            reason = wait.wait_reason;
            break;
          }
      g_string_append (s, loop_waker (reason));
    }
  if (obj && *obj->name)
    g_string_append_printf (s, " through %s", obj->name);
  g_string_append_printf (s, " at step %" G_GUINT64_FORMAT, edge->step);
  return g_string_free (s, FALSE);
}

/* Appends the wait-for graph at @step in the model's words
 * (braid_timeline_model_wait_graph_text), an edge of a cycle in the
 * deadlock colour; when no task waits then, says so if @say_none. */
static void
append_wait_graph (BraidWindow *self, GString *s, uint64_t step,
                   bool say_none)
{
  char *text = braid_timeline_model_wait_graph_text (self->model, step);
  if (!text && !say_none)
    return;
  g_string_append_printf (s, "<b>Wait-for graph at step %" G_GUINT64_FORMAT
                             "</b>\n",
                          step);
  if (!text)
    {
      g_string_append (s, "  no task waits then\n");
      return;
    }
  char **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  guint n = 0;
  for (; lines[n] && *lines[n]; n++)
    {
      if (n >= MAX_GRAPH_EDGES)
        continue;
      char *valid = g_utf8_make_valid (lines[n], -1);
      char *esc = g_markup_escape_text (valid, -1);
      if (g_str_has_suffix (lines[n], "(deadlock cycle)"))
        g_string_append_printf (s, "  <span foreground='#c0101a' "
                                   "weight='bold'>%s</span>\n",
                                esc);
      else
        g_string_append_printf (s, "  %s\n", esc);
      g_free (esc);
      g_free (valid);
    }
  if (n > MAX_GRAPH_EDGES)
    g_string_append_printf (s, "  … and %u more\n", n - MAX_GRAPH_EDGES);
  g_strfreev (lines);
}

void
braid__window_show_details (BraidWindow *self)
{
  if (!self->model)
    {
      gtk_label_set_text (GTK_LABEL (self->details_label), "");
      gtk_label_set_text (GTK_LABEL (self->events_label), "");
      return;
    }
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  int32_t index = braid_timeline_get_selected_task (tl);
  const braid_trace_task *t = task_at (self, index);
  if (!t)
    {
      gtk_label_set_text (GTK_LABEL (self->details_label),
                          "Click a task's lane or a slice to see its "
                          "details here.");
      gtk_label_set_text (GTK_LABEL (self->events_label), "");
      return;
    }
  GString *s = g_string_new (NULL);
  char *valid_name = g_utf8_make_valid (*t->name ? t->name : "(unnamed)", -1);
  char *name = g_markup_escape_text (valid_name, -1);
  g_free (valid_name);
  g_string_append_printf (s, "<span size='large' weight='bold'>%s</span>\n",
                          name);
  g_free (name);
  char buf[512], d[32];
  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, t->id);
  add_row (s, "Task id", buf);
  add_row (s, "Function", t->function);
  g_snprintf (buf, sizeof buf, "%s:%d", t->file, t->line);
  add_row (s, "Created at", buf);
  const braid_trace_task *parent = task_at (self, t->parent);
  add_row (s, "Parent", parent ? parent->name : "(none)");
  add_row (s, "Outcome", braid_trace_outcome_name (t->outcome));
  if (*t->error_type)
    {
      add_row (s, "Error", t->error_type);
      add_row (s, "Message", t->error_message);
      g_snprintf (buf, sizeof buf, "%s:%d", t->error_file, t->error_line);
      add_row (s, "Raised at", buf);
      add_row (s, "Retrieved", t->error_retrieved ? "yes" : "never");
    }
  add_row (s, "Running",
           braid_timeline_format_duration (t->running_ns, d, sizeof d));
  add_row (s, "Ready",
           braid_timeline_format_duration (t->ready_ns, d, sizeof d));
  add_row (s, "Waiting",
           braid_timeline_format_duration (t->waiting_ns, d, sizeof d));
  g_snprintf (buf, sizeof buf, "%u", t->n_steps);
  add_row (s, "Steps", buf);

  int64_t sel = braid_timeline_get_selected_slice (tl);
  braid_trace_slice sel_slice;
  if (sel >= 0
      && braid_timeline_model_get_slice (self->model, sel, &sel_slice))
    {
      GString *one = g_string_new (NULL);
      describe_slice (one, self->trace, &sel_slice);
      add_row (s, "Selected", one->str);
      g_string_free (one, TRUE);
      char *waker = braid__window_describe_waker (self, index, sel);
      if (waker)
        add_row (s, "Resumed", waker);
      g_free (waker);
      /* The primitive it waits on (braid-window-sync.c), and who waits
       * for whom then. */
      braid__window_describe_primitive (self, s, &sel_slice);
      append_wait_graph (self, s,
                         sel_slice.state == BRAID_STATE_WAITING
                             ? sel_slice.end_step
                             : sel_slice.start_step,
                         false);
    }
  int64_t instant = braid_timeline_get_selected_step (tl);
  if (sel < 0 && instant >= 0)
    {
      /* An empty point of the lane: that instant, and who waits for whom
       * then. */
      char at[32];
      g_snprintf (buf, sizeof buf, "the instant of step %" G_GINT64_FORMAT
                                   " (%s)",
                  instant,
                  braid_timeline_format_duration (
                      (int64_t)braid_timeline_model_convert (
                          self->model, BRAID_TIMELINE_AXIS_STEPS,
                          (double)instant),
                      at, sizeof at));
      add_row (s, "Selected", buf);
      append_wait_graph (self, s, (uint64_t)instant, true);
    }
  g_string_truncate (s, s->len - 1);
  gtk_label_set_markup (GTK_LABEL (self->details_label), s->str);
  g_string_free (s, TRUE);

  /* Its events in order: slices and marks merged by time. */
  GString *ev = g_string_new ("Events\n");
  /* Slices through the model: the trace may be in compact mode. */
  size_t first, count;
  braid_timeline_model_task_slices (self->model, index, &first, &count);
  braid_trace_slice cur;
  if (count > 0)
    braid_timeline_model_get_slice (self->model, (int64_t)first, &cur);
  size_t n_marks, n_all_marks;
  const uint32_t *mi
      = braid_timeline_model_task_marks (self->model, index, &n_marks);
  const braid_trace_mark *marks
      = braid_trace_get_marks (self->trace, &n_all_marks);
  /* The arrows into this task that can end a wait, in time order (one
   * pass over the arrows), to say who woke each ready slice. */
  size_t n_edges;
  const braid_trace_edge *edges = braid_trace_get_edges (self->trace, &n_edges);
  GArray *wakes = g_array_new (FALSE, FALSE, sizeof (size_t));
  for (size_t k = 0; k < n_edges; k++)
    if (edges[k].to == index && edges[k].kind != BRAID_EDGE_SPAWN)
      g_array_append_val (wakes, k);
  size_t next_wake = 0;
  int64_t wait_start = INT64_MIN;
  uint32_t wait_reason = 0;
  size_t i = 0, j = 0, lines = 0;
  while ((i < count || j < n_marks) && lines < MAX_DETAIL_EVENTS)
    {
      bool take_mark
          = j < n_marks
            && (i >= count || marks[mi[j]].time_ns < cur.start_ns
                || (marks[mi[j]].time_ns == cur.start_ns
                    && marks[mi[j]].step < cur.start_step));
      if (take_mark)
        {
          const braid_trace_mark *mk = &marks[mi[j++]];
          g_string_append_printf (
              ev, "%s · step %" G_GUINT64_FORMAT " · ▸ %s\n",
              braid_timeline_format_duration (mk->time_ns, d, sizeof d),
              mk->step, braid_timeline_mark_name (mk->kind));
        }
      else
        {
          describe_slice (ev, self->trace, &cur);
          /* The last arrow into it since its wait began, up to now. */
          const braid_trace_edge *woke = NULL;
          while (next_wake < wakes->len)
            {
              const braid_trace_edge *e
                  = &edges[g_array_index (wakes, size_t, next_wake)];
              if (e->time_ns > cur.start_ns
                  || (e->time_ns == cur.start_ns && e->step > cur.start_step))
                break;
              if (e->time_ns >= wait_start)
                woke = e;
              next_wake++;
            }
          if (cur.state == BRAID_STATE_READY && woke)
            {
              const braid_trace_task *w = task_at (self, woke->from);
              g_string_append_printf (
                  ev, " ← %s",
                  w ? (*w->name ? w->name : "(unnamed)")
                    : loop_waker (wait_reason));
            }
          if (cur.state == BRAID_STATE_WAITING)
            {
              wait_start = cur.start_ns;
              wait_reason = cur.wait_reason;
            }
          g_string_append_c (ev, '\n');
          if (++i < count)
            braid_timeline_model_get_slice (self->model,
                                            (int64_t)(first + i), &cur);
        }
      lines++;
    }
  g_array_free (wakes, TRUE);
  if (i < count || j < n_marks)
    g_string_append_printf (ev, "… and %zu more\n",
                            (count - i) + (n_marks - j));
  char *valid = g_utf8_make_valid (ev->str, -1);
  gtk_label_set_text (GTK_LABEL (self->events_label), valid);
  g_free (valid);
  g_string_free (ev, TRUE);
}

void
braid__window_apply_filter (BraidWindow *self, const char *text)
{
  if (!self->model)
    return;
  size_t n_tasks;
  braid_trace_get_tasks (self->trace, &n_tasks);
  size_t matched = braid_timeline_model_set_filter (self->model, text);
  size_t n_results = braid__window_search (self, text);
  if (text && *text)
    {
      char *label = g_strdup_printf ("%zu of %zu tasks, %zu results", matched,
                                     n_tasks, n_results);
      gtk_label_set_text (GTK_LABEL (self->filter_label), label);
      g_free (label);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->filter_label), "");
  braid_timeline_model_changed (BRAID_TIMELINE (self->timeline));
}

size_t
braid__window_search (BraidWindow *self, const char *text)
{
  if (!self->search_results)
    self->search_results = g_array_new (FALSE, FALSE, sizeof (search_result));
  g_array_set_size (self->search_results, 0);
  size_t total = 0;
  if (self->trace && text && *text)
    {
      size_t n_tasks, n_outputs;
      const braid_trace_task *tasks
          = braid_trace_get_tasks (self->trace, &n_tasks);
      const braid_trace_output *outputs
          = braid_trace_get_outputs (self->trace, &n_outputs);
      for (size_t t = 0; t < n_tasks; t++)
        if (braid_timeline_task_text_matches (&tasks[t], text))
          {
            if (total++ < MAX_SEARCH_RESULTS)
              g_array_append_val (self->search_results,
                                  ((search_result){ false, t }));
          }
      for (size_t i = 0; i < n_outputs; i++)
        if (braid_timeline_text_matches (outputs[i].text, text))
          {
            if (total++ < MAX_SEARCH_RESULTS)
              g_array_append_val (self->search_results,
                                  ((search_result){ true, i }));
          }
    }
  set_list (self->results_list, self->search_results->len, result_line, self);
  char *label = total > self->search_results->len
                    ? g_strdup_printf ("Search (%u of %zu)",
                                       self->search_results->len, total)
                    : g_strdup_printf ("Search (%zu)", total);
  GtkNotebook *side = GTK_NOTEBOOK (self->side);
  gtk_notebook_set_tab_label_text (side, gtk_notebook_get_nth_page (side, 3),
                                   text && *text ? label : "Search");
  g_free (label);
  /* Show the results while searching. */
  if (text && *text)
    gtk_notebook_set_current_page (side, 3);
  return total;
}

void
braid__window_show_problems (BraidWindow *self)
{
  gtk_notebook_set_current_page (GTK_NOTEBOOK (self->side), 1);
}

/* The most tasks the range pane lists; the rest are counted. */
#define MAX_RANGE_TASKS 200

static const braid_timeline_range_stats *sort_stats;

/* Tasks by time running in the range, then waiting, most first. */
static int
compare_range_tasks (const void *a, const void *b)
{
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  const braid_timeline_range_stats *st = sort_stats;
  if (st->running_ns[x] != st->running_ns[y])
    return st->running_ns[x] < st->running_ns[y] ? 1 : -1;
  if (st->waiting_ns[x] != st->waiting_ns[y])
    return st->waiting_ns[x] < st->waiting_ns[y] ? 1 : -1;
  return (x > y) - (x < y);
}

/* One row of the durations table: count, p50, p90, p99, max. */
static void
append_percentiles (GString *s, const char *label, const int64_t *v, size_t n)
{
  char p50[32], p90[32], p99[32], mx[32];
  g_string_append_printf (
      s, "  %-14s %5zu %8s %8s %8s %8s\n", label, n,
      braid_timeline_format_duration (braid_timeline_percentile (v, n, 50),
                                      p50, sizeof p50),
      braid_timeline_format_duration (braid_timeline_percentile (v, n, 90),
                                      p90, sizeof p90),
      braid_timeline_format_duration (braid_timeline_percentile (v, n, 99),
                                      p99, sizeof p99),
      braid_timeline_format_duration (braid_timeline_percentile (v, n, 100),
                                      mx, sizeof mx));
}

char *
braid__window_range_text (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  double from, to;
  braid_timeline_get_range (tl, &from, &to);
  braid_timeline_range_stats st;
  if (!self->model || !(to > from))
    return g_strdup ("The selected range is empty: drag across the timeline "
                     "with Shift held to select one.");
  if (braid_timeline_model_range_stats (self->model,
                                        braid_timeline_get_axis (tl), from,
                                        to, &st)
      != 0)
    return g_strdup ("Out of memory computing the range's statistics.");
  GString *s = g_string_new (NULL);
  char a[32], b[32], d[32];
  g_string_append_printf (
      s, "Range %s – %s (%s), steps %" G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT
         "\n",
      braid_timeline_format_duration (st.from_ns, a, sizeof a),
      braid_timeline_format_duration (st.to_ns, b, sizeof b),
      braid_timeline_format_duration (st.to_ns - st.from_ns, d, sizeof d),
      st.from_step, st.to_step);
  g_string_append_printf (
      s, "%zu of %zu tasks alive; %" G_GUINT64_FORMAT " steps, %" G_GUINT64_FORMAT
         " arrows, %" G_GUINT64_FORMAT " output lines\n\n",
      st.n_alive, st.n_tasks, st.to_step - st.from_step, st.n_edges,
      st.n_outputs);
  g_string_append_printf (
      s, "All tasks\n  running  %s\n",
      braid_timeline_format_duration (st.total_running_ns, a, sizeof a));
  g_string_append_printf (
      s, "  ready    %s\n",
      braid_timeline_format_duration (st.total_ready_ns, a, sizeof a));
  g_string_append_printf (
      s, "  waiting  %s\n",
      braid_timeline_format_duration (st.total_waiting_ns, a, sizeof a));
  bool any_reason = false;
  for (int r = 0; r < BRAID_TIMELINE_STATS_REASONS; r++)
    if (st.reason_ns[r] > 0)
      {
        if (!any_reason)
          g_string_append (s, "\nWaiting by reason\n");
        any_reason = true;
        g_string_append_printf (
            s, "  %-10s %s\n", braid_trace_wait_reason_name ((uint32_t)r),
            braid_timeline_format_duration (st.reason_ns[r], a, sizeof a));
      }
  /* Percentiles of whole steps and waits (nearest rank). */
  g_string_append (s, "\nDurations        count      p50      p90      "
                      "p99      max\n");
  append_percentiles (s, "steps", st.step_ns, st.n_step_ns);
  for (int r = 0; r < BRAID_TIMELINE_STATS_REASONS; r++)
    if (st.n_wait_ns[r] > 0)
      {
        char label[48];
        g_snprintf (label, sizeof label, "wait %s",
                    braid_trace_wait_reason_name ((uint32_t)r));
        append_percentiles (s, label, st.wait_ns[r], st.n_wait_ns[r]);
      }
  g_string_append (s, "\nMarks\n ");
  bool any_mark = false;
  for (int k = 0; k < 8; k++)
    if (st.n_marks_by_kind[k])
      {
        g_string_append_printf (s, " %s %" G_GUINT64_FORMAT ",",
                                braid_timeline_mark_name (
                                    (braid_trace_mark_kind)k),
                                st.n_marks_by_kind[k]);
        any_mark = true;
      }
  if (any_mark)
    g_string_truncate (s, s->len - 1);
  else
    g_string_append (s, " none");
  g_string_append (s, "\n\nTask                 running    ready  waiting\n");
  int32_t *order = g_new (int32_t, st.n_tasks ? st.n_tasks : 1);
  size_t n = 0;
  for (size_t t = 0; t < st.n_tasks; t++)
    if (st.running_ns[t] || st.ready_ns[t] || st.waiting_ns[t])
      order[n++] = (int32_t)t;
  sort_stats = &st;
  qsort (order, n, sizeof *order, compare_range_tasks);
  sort_stats = NULL;
  for (size_t i = 0; i < n && i < MAX_RANGE_TASKS; i++)
    {
      const braid_trace_task *t = task_at (self, order[i]);
      char r[32];
      g_string_append_printf (
          s, "%-20.20s %8s %8s %8s\n", *t->name ? t->name : "(unnamed)",
          braid_timeline_format_duration (st.running_ns[order[i]], r,
                                          sizeof r),
          braid_timeline_format_duration (st.ready_ns[order[i]], a, sizeof a),
          braid_timeline_format_duration (st.waiting_ns[order[i]], b,
                                          sizeof b));
    }
  if (n > MAX_RANGE_TASKS)
    g_string_append_printf (s, "… and %zu more\n", n - MAX_RANGE_TASKS);
  g_free (order);
  braid_timeline_range_stats_clear (&st);
  char *valid = g_utf8_make_valid (s->str, -1);
  g_string_free (s, TRUE);
  return valid;
}

void
braid__window_show_range (BraidWindow *self)
{
  char *text = braid__window_range_text (self);
  gtk_label_set_text (GTK_LABEL (self->range_label), text);
  g_free (text);
  /* Bring the page forward for a range, not when a click dropped one. */
  double from, to;
  braid_timeline_get_range (BRAID_TIMELINE (self->timeline), &from, &to);
  if (to > from)
    gtk_notebook_set_current_page (GTK_NOTEBOOK (self->side), 4);
}
