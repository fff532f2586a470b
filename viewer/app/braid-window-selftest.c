/* braid-window-selftest.c: a scripted run of the real window, for tests.
 *
 *   braid-viewer --self-test=OUT.png [--select=NAME] [--show=PAGE] FILE...
 *
 * Opens each FILE in turn in one window (so a bad file followed by a good
 * one shows that an error leaves the app usable), then, on the last trace,
 * selects a task (NAME, or the first child of the first root), switches
 * the axis to loop steps and opens the problems list, all through the
 * window's GActions as a user would (then shows PAGE: details, problems or
 * output, if given). Before that it zooms in, out, to the selection and to
 * fit, filters by the task's name, and clicks an output line and the first
 * problem, reporting what each did; clicks an empty point of a lane where
 * tasks wait then and renders the window to OUT-instant.png. After the
 * window has drawn, it renders the window to OUT.png and quits. Without
 * a FILE it counts the recent traces of the empty page, opens the About
 * dialog through app.about, reports it and the windows' icon, and renders
 * the dialog to OUT-about.png before the window to OUT.png. With
 * --via=dialog the FILEs (alone in their folder) are chosen in the Open
 * dialog, all selected as Ctrl+A would; with --via=drop they are dropped
 * on the window as one file list; either way they open as one run, as
 * --run opens them. It prints one "self-test:" line per step on stdout. Exit
 * status (see braid-viewer-main.c): 0 when the last file loaded and the
 * PNG was written, 1 otherwise.
 */
#include "braid-window-private.h"

#include "braid-about.h"
#include "braid-overview.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void
finish (BraidWindow *self, int status)
{
  GApplication *app
      = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_object_set_data (G_OBJECT (app), "braid-exit-status",
                     GINT_TO_POINTER (status));
  g_application_quit (app);
}

/* Prints the process's resident memory now and at its peak, for the
 * large-trace figures. */
static void
print_memory (void)
{
  char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return;
  const char *rss = strstr (status, "VmRSS:");
  const char *hwm = strstr (status, "VmHWM:");
  if (rss && hwm)
    printf ("self-test: memory resident %ld kB, peak %ld kB\n",
            strtol (rss + 6, NULL, 10), strtol (hwm + 6, NULL, 10));
  g_free (status);
}

/* Renders the window @w as it is drawn now into @png, and says so.
 * Returns TRUE when the file was written. */
static gboolean
save_png (GtkWidget *w, const char *png)
{
  int width = gtk_widget_get_width (w), height = gtk_widget_get_height (w);
  GdkPaintable *paintable = gtk_widget_paintable_new (w);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  gboolean written = FALSE;
  if (node)
    {
      GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (w));
      GdkTexture *texture = gsk_renderer_render_texture (
          renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
      written = texture && gdk_texture_save_to_png (texture, png);
      if (written)
        printf ("self-test: wrote %s (%dx%d)\n", png, width, height);
      else
        printf ("self-test: could not write %s\n", png);
      g_clear_object (&texture);
      gsk_render_node_unref (node);
    }
  else
    printf ("self-test: the window drew nothing\n");
  g_object_unref (paintable);
  return written;
}

/* OUT-@what.png beside OUT.png (g_free). */
static char *
sibling_png (BraidWindow *self, const char *what)
{
  size_t len = strlen (self->test_png);
  if (g_str_has_suffix (self->test_png, ".png"))
    len -= 4;
  return g_strdup_printf ("%.*s-%s.png", (int)len, self->test_png, what);
}

static gboolean
snapshot_window (gpointer data)
{
  BraidWindow *self = data;
  int status = 1;
  if (save_png (GTK_WIDGET (self), self->test_png))
    {
      print_memory ();
      status = self->model ? 0 : 1;
    }
  fflush (stdout);
  finish (self, status);
  return G_SOURCE_REMOVE;
}

/* Reports the About dialog that app.about opened and the windows' icon,
 * writes the dialog to OUT-about.png beside OUT.png, closes it, and then
 * snapshots the window. */
static gboolean
check_about (gpointer data)
{
  BraidWindow *self = data;
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (
      gtk_widget_get_display (GTK_WIDGET (self)));
  const char *icon = gtk_window_get_default_icon_name ();
  printf ("self-test: default icon %s (in the icon theme: %s)\n",
          icon ? icon : "(none)",
          icon && gtk_icon_theme_has_icon (theme, icon) ? "yes" : "no");
  GtkAboutDialog *about = braid_find_about (GTK_WINDOW (self));
  if (!about)
    printf ("self-test: no about dialog\n");
  else
    {
      const char *logo = gtk_about_dialog_get_logo_icon_name (about);
      printf ("self-test: about dialog %s: %s %s, logo %s (in the icon "
              "theme: %s), licence %s, %s\n",
              gtk_widget_get_mapped (GTK_WIDGET (about)) ? "shown" : "hidden",
              gtk_about_dialog_get_program_name (about),
              gtk_about_dialog_get_version (about), logo ? logo : "(none)",
              logo && gtk_icon_theme_has_icon (theme, logo) ? "yes" : "no",
              gtk_about_dialog_get_license_type (about) == GTK_LICENSE_MIT_X11
                  ? "MIT"
                  : "other",
              gtk_about_dialog_get_website (about));
      char *png = sibling_png (self, "about");
      save_png (GTK_WIDGET (about), png);
      g_free (png);
      gtk_window_close (GTK_WINDOW (about));
    }
  fflush (stdout);
  return snapshot_window (self);
}

static int32_t
pick_task (BraidWindow *self)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (self->trace, &n);
  if (self->test_select)
    {
      for (size_t i = 0; i < n; i++)
        if (g_str_equal (tasks[i].name, self->test_select))
          return (int32_t)i;
      printf ("self-test: no task named %s\n", self->test_select);
    }
  for (size_t i = 0; i < n; i++)
    if (tasks[i].depth == 1)
      return (int32_t)i;
  return n > 0 ? 0 : -1;
}

static const char *
task_name (BraidWindow *self, int32_t task)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (self->trace, &n);
  return task >= 0 && (size_t)task < n ? tasks[task].name : "(none)";
}

/* Exercises the zoom actions, the filter, and clicks in the output and
 * problems lists, printing what each did. */
static void
exercise (BraidWindow *self, int32_t task)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  GActionGroup *group = G_ACTION_GROUP (self);
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  double s0 = v->scale;
  g_action_group_activate_action (group, "zoom-in", NULL);
  double s1 = v->scale;
  g_action_group_activate_action (group, "zoom-out", NULL);
  double s2 = v->scale;
  braid_timeline_select (tl, task, -1);
  g_action_group_activate_action (group, "zoom-selection", NULL);
  double s3 = v->scale;
  g_action_group_activate_action (group, "zoom-fit", NULL);
  printf ("self-test: zoom in %s, out %s, to selection %s, fit %s\n",
          s1 < s0 ? "ok" : "no change", s2 > s1 ? "ok" : "no change",
          s3 < s2 ? "ok" : "no change", v->scale == s0 ? "ok" : "differs");

  g_action_group_activate_action (group, "search", NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry),
                         task_name (self, task));
  /* search-changed is delayed; apply the filter now as it would. */
  braid__window_apply_filter (self, task_name (self, task));
  printf ("self-test: filter '%s' leaves %zu lanes\n", task_name (self, task),
          braid_timeline_model_get_n_lanes (self->model));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  braid__window_apply_filter (self, "");
  g_action_group_activate_action (group, "search", NULL);

  size_t n_outputs, n_problems;
  const braid_trace_output *outputs
      = braid_trace_get_outputs (self->trace, &n_outputs);
  const braid_trace_problem *problems
      = braid_trace_get_problems (self->trace, &n_problems);
  if (n_outputs > 0)
    {
      guint k = (guint)(n_outputs / 2);
      g_signal_emit_by_name (self->output_list, "activate", k);
      printf ("self-test: output line %u selects %s (wrote it: %s)\n", k,
              task_name (self, braid_timeline_get_selected_task (tl)),
              outputs[k].task == braid_timeline_get_selected_task (tl) ? "yes"
                                                                       : "no");
    }
  if (n_problems > 0)
    {
      g_signal_emit_by_name (self->problems_list, "activate", 0u);
      printf ("self-test: problem 0 selects %s (its task: %s)\n",
              task_name (self, braid_timeline_get_selected_task (tl)),
              problems[0].task == braid_timeline_get_selected_task (tl) ? "yes"
                                                                        : "no");
    }
}

/* Replaces newlines by " / " and drops markup, for one report line. */
static char *
one_line (const char *markup)
{
  char *plain = NULL;
  if (!pango_parse_markup (markup, -1, 0, NULL, &plain, NULL, NULL))
    plain = g_strdup (markup);
  for (char *p = plain; *p; p++)
    if (*p == '\n')
      *p = '|';
  return plain;
}

/* Zooms at a pointer position and reports whether the value under it
 * stayed; reports the lane scrollbar and drives it. */
static void
check_navigation (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  double x = v->label_width + (v->width - v->label_width) * 0.3;
  braid_timeline_set_pointer (tl, x, v->ruler_height + 10);
  double before = braid_timeline_view_value_at (v, x);
  double s0 = v->scale;
  braid_timeline_zoom_at_pointer (tl, 4);
  double after = braid_timeline_view_value_at (v, x);
  printf ("self-test: zoom at the pointer: %s, the value under it %s\n",
          v->scale < s0 ? "zoomed in" : "no change",
          fabs (after - before) <= v->scale ? "stayed" : "moved");
  braid_timeline_zoom_fit (tl);

  GtkAdjustment *adj = braid_timeline_get_vadjustment (tl);
  double upper = gtk_adjustment_get_upper (adj);
  double page = gtk_adjustment_get_page_size (adj);
  printf ("self-test: lane scrollbar %s, lanes %.0f px in a %.0f px page\n",
          gtk_widget_get_visible (self->lane_scrollbar) ? "shown" : "hidden",
          upper, page);
  if (upper > page)
    {
      gtk_adjustment_set_value (adj, upper - page);
      printf ("self-test: the scrollbar scrolls the lanes: %s\n",
              fabs (v->scroll_y - (upper - page)) < 1 ? "yes" : "no");
      gtk_adjustment_set_value (adj, 0);
    }
  printf ("self-test: subtitle %s\n",
          gtk_label_get_text (GTK_LABEL (self->subtitle)));
  char count[32];
  printf ("self-test: 116293785 events read %s\n",
          braid__window_format_count (116293785, count, sizeof count));
}

/* Files opened together: the top-level lanes (a process group per file of
 * a run) with the number of tasks under each, and the window's title. */
static void
report_groups (BraidWindow *self)
{
  size_t n_tasks;
  const braid_trace_task *tasks = braid_trace_get_tasks (self->trace, &n_tasks);
  printf ("self-test: title %s\n",
          gtk_label_get_text (GTK_LABEL (self->title)));
  for (size_t i = 0; i < n_tasks; i++)
    if (tasks[i].parent < 0)
      {
        size_t under = 0;
        for (size_t j = i + 1; j < n_tasks && tasks[j].depth > 0; j++)
          under++;
        printf ("self-test: group '%s': %zu tasks, from %s\n", tasks[i].name,
                under, task_name (self, (int32_t)(i + 1 < n_tasks ? i + 1 : i)));
      }
  fflush (stdout);
}

/* Two traces side by side: the verdict, the steps marked, and the tasks
 * that run the first marked step on each side (the root of a task's tree
 * is its side: "A: PROGRAM [pid N]" or "B: ..."). */
static void
report_compared (BraidWindow *self)
{
  printf ("self-test: compared: %s, %zu marked steps\n",
          self->compared.verdict ? self->compared.verdict : "(none)",
          self->compared.n_marked_steps);
  if (self->compared.n_marked_steps == 0)
    return;
  uint64_t step = self->compared.marked_steps[0];
  size_t n_tasks;
  const braid_trace_task *tasks = braid_trace_get_tasks (self->trace, &n_tasks);
  printf ("self-test: marked step %llu runs", (unsigned long long)step);
  for (size_t t = 0; t < n_tasks; t++)
    {
      int64_t i = braid_timeline_model_find_slice (
          self->model, (int32_t)t, BRAID_TIMELINE_AXIS_STEPS, step + 0.5);
      braid_trace_slice sl;
      if (i < 0 || !braid_timeline_model_get_slice (self->model, i, &sl)
          || sl.state != BRAID_STATE_RUNNING || sl.start_step != step)
        continue;
      int32_t root = (int32_t)t;
      while (tasks[root].parent >= 0)
        root = tasks[root].parent;
      printf (" %.1s:%s", tasks[root].name, tasks[t].name);
    }
  printf ("\n");
  fflush (stdout);
}

/* Zooms in 8 times, then clicks the overview strip at 80% of its width
 * and 90% of its height, as the pointer would, and reports whether the
 * view moved there: its centre to 80% of the run, its lanes to the
 * bottom of the list when they do not all fit. */
static void
check_overview (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  BraidOverview *ov = BRAID_OVERVIEW (self->overview);
  braid_timeline_zoom_fit (tl);
  braid_timeline_zoom (tl, 8);
  int w = gtk_widget_get_width (self->overview);
  int h = gtk_widget_get_height (self->overview);
  double extent = braid_timeline_model_get_extent (self->model, v->axis);
  double area = v->width - (v->show_labels ? v->label_width : 0);
  double before = (v->origin + v->scale * area / 2) / extent;
  double scroll_before = v->scroll_y;
  braid_overview_click_at (ov, 0.8 * w, 0.9 * h);
  double after = (v->origin + v->scale * area / 2) / extent;
  double all = (double)braid_timeline_model_get_n_lanes (self->model)
               * v->lane_height;
  bool lanes_fit = all <= v->height - v->ruler_height;
  printf ("self-test: overview %dx%d: a click at 80%% moves the view's "
          "centre from %.0f%% to %.0f%% of the run (%s), lanes %s\n",
          w, h, before * 100, after * 100,
          fabs (after - 0.8) < 0.02 ? "there" : "elsewhere",
          lanes_fit                    ? "all shown"
          : v->scroll_y > scroll_before ? "scrolled down"
                                        : "not scrolled");
  fflush (stdout);
  braid_timeline_zoom_fit (tl);
}

/* Clicks the middle of an arrow from a task, twice, and reports what each
 * click selected, the arrow's tooltip and what the details pane says
 * woke the task. */
static void
check_arrows (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  size_t n_edges;
  const braid_trace_edge *edges = braid_trace_get_edges (self->trace, &n_edges);
  int64_t pick = -1;
  double x0, y0, x1, y1;
  /* A gather arrow if there is one, else a wake by a task. */
  for (int want = BRAID_EDGE_GATHER; want >= BRAID_EDGE_WAKE && pick < 0;
       want--)
    for (size_t i = 0; i < n_edges && pick < 0; i++)
      if ((int)edges[i].kind == want && edges[i].from >= 0
          && braid_timeline_edge_points (self->model, v, (int64_t)i, &x0, &y0,
                                         &x1, &y1)
          && hypot (x1 - x0, y1 - y0) > 12
          && braid_timeline_edge_at (self->model, v, (x0 + x1) / 2,
                                     (y0 + y1) / 2)
                 == (int64_t)i)
        pick = (int64_t)i;
  if (pick < 0)
    {
      printf ("self-test: no arrow to click\n");
      return;
    }
  const braid_trace_edge *e = &edges[pick];
  double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
  char *tip = braid_timeline_describe_at (tl, mx, my);
  char *plain = tip ? one_line (tip) : g_strdup ("(none)");
  printf ("self-test: arrow tooltip: %s\n", plain);
  g_free (plain);
  g_free (tip);
  braid_timeline_select (tl, -1, -1);
  braid_timeline_click_at (tl, mx, my);
  int32_t first = braid_timeline_get_selected_task (tl);
  int64_t slice = braid_timeline_get_selected_slice (tl);
  printf ("self-test: clicking the arrow from %s to %s selects %s (its "
          "resumption: %s)\n",
          task_name (self, e->from), task_name (self, e->to),
          task_name (self, first),
          slice >= 0
                  && slice
                         == braid_timeline_model_resumption (
                             self->model, e->to, e->time_ns, e->step)
              ? "yes"
              : "no");
  char *waker = braid__window_describe_waker (self, first, slice);
  printf ("self-test: details say %s\n", waker ? waker : "(nothing)");
  g_free (waker);
  /* Its events list names the waker of each ready slice. */
  char **events = g_strsplit (
      gtk_label_get_text (GTK_LABEL (self->events_label)), "\n", -1);
  for (int i = 0; events[i]; i++)
    if (strstr (events[i], "←"))
      printf ("self-test: event %s\n", events[i]);
  g_strfreev (events);
  braid_timeline_click_at (tl, mx, my);
  printf ("self-test: clicking it again selects %s\n",
          task_name (self, braid_timeline_get_selected_task (tl)));
  /* Hovering it highlights it (and it stays so for the snapshot). */
  braid_timeline_hover_at (tl, mx, my);
  printf ("self-test: hovering the arrow highlights it: %s\n",
          v->hover_edge == pick ? "yes" : "no");

  /* A wake by the loop, described in the details pane. */
  for (size_t i = 0; i < n_edges; i++)
    if (edges[i].from < 0)
      {
        int64_t r = braid_timeline_model_resumption (
            self->model, edges[i].to, edges[i].time_ns, edges[i].step);
        char *loop = r >= 0 ? braid__window_describe_waker (self, edges[i].to,
                                                            r)
                            : NULL;
        if (!loop)
          continue;
        printf ("self-test: a loop wake: %s %s\n",
                task_name (self, edges[i].to), loop);
        g_free (loop);
        break;
      }
}

/* Finds an output dot on its writer's lane by hit-testing along it, and
 * reports its tooltip. */
static void
check_output_tooltip (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  const braid_timeline_view *v = braid_timeline_get_view (tl);
  size_t n_marks;
  const braid_trace_mark *marks = braid_trace_get_marks (self->trace, &n_marks);
  for (size_t l = 0; l < braid_timeline_model_get_n_lanes (self->model); l++)
    {
      double y = braid_timeline_view_lane_y (v, (int64_t)l)
                 + v->lane_height * 0.8;
      if (y >= v->height)
        break;
      for (double x = v->label_width; x < v->width; x += 1)
        {
          braid_timeline_hit hit;
          if (!braid_timeline_hit_test (self->model, v, x, y, &hit)
              || hit.mark < 0 || marks[hit.mark].kind != BRAID_MARK_OUTPUT)
            continue;
          char *tip = braid_timeline_describe_at (tl, x, y);
          char *plain = tip ? one_line (tip) : g_strdup ("(none)");
          printf ("self-test: output dot tooltip: %s\n", plain);
          g_free (plain);
          g_free (tip);
          return;
        }
    }
  printf ("self-test: no output dot on screen\n");
}

/* Searches for the text of an output line and activates the first
 * output result, reporting whether its writer was selected. */
static void
check_search (BraidWindow *self)
{
  size_t n_outputs;
  const braid_trace_output *outputs
      = braid_trace_get_outputs (self->trace, &n_outputs);
  const braid_trace_output *o = NULL;
  for (size_t i = n_outputs; i-- > 0;)
    if (outputs[i].task >= 0 && strlen (outputs[i].text) >= 4)
      o = &outputs[i];
  if (!o)
    {
      printf ("self-test: no output line to search for\n");
      return;
    }
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  braid_timeline_select (tl, -1, -1);
  size_t n = braid__window_search (self, o->text);
  guint first_output = G_MAXUINT;
  for (guint i = 0; i < self->search_results->len && first_output == G_MAXUINT;
       i++)
    if (g_array_index (self->search_results, braid__search_result, i)
            .is_output)
      first_output = i;
  if (first_output != G_MAXUINT)
    g_signal_emit_by_name (self->results_list, "activate", first_output);
  printf ("self-test: search '%s' finds %zu results; an output result "
          "selects %s (wrote it: %s)\n",
          o->text, n, task_name (self, braid_timeline_get_selected_task (tl)),
          braid_timeline_get_selected_task (tl) == o->task ? "yes" : "no");
  braid__window_search (self, NULL);
}

/* Selects the whole run on wall time as a range and reports its
 * statistics, then a zero-width range; back on the axis it was on. */
static void
check_range (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  braid_timeline_axis axis = braid_timeline_get_axis (tl);
  braid_timeline_set_axis (tl, BRAID_TIMELINE_AXIS_TIME);
  braid_timeline_set_range (
      tl, 0,
      braid_timeline_model_get_extent (self->model, BRAID_TIMELINE_AXIS_TIME)
          + 1);
  const char *text = gtk_label_get_text (GTK_LABEL (self->range_label));
  char **lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (*lines[i])
      printf ("self-test: range| %s\n", lines[i]);
  g_strfreev (lines);
  braid_timeline_set_range (tl, 5, 5);
  printf ("self-test: a zero-width range: %s\n",
          gtk_label_get_text (GTK_LABEL (self->range_label)));
  braid_timeline_set_range (tl, 0, 0);
  braid_timeline_set_axis (tl, axis);
}

/* The rest of the script, after the click on an empty point: the
 * deadlock, the wait-for graph under the pointer, the task picked
 * selected again and the problems shown, then the snapshot. */
static void
drive_on (BraidWindow *self)
{
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  braid__window_check_deadlock (self);
  braid__window_check_robbed (self);
  braid__window_check_wait_graph (self);
  /* Back to the task picked, for the snapshot. */
  if (self->test_picked_task >= 0)
    {
      braid_timeline_select (tl, self->test_picked_task,
                             self->test_picked_slice);
      printf ("self-test: selected %s again\n",
              task_name (self, self->test_picked_task));
    }
  g_action_group_activate_action (G_ACTION_GROUP (self), "show-problems", NULL);
  size_t n_problems;
  braid_trace_get_problems (self->trace, &n_problems);
  GtkNotebook *side = GTK_NOTEBOOK (self->side);
  printf ("self-test: showing %s with %zu problems\n",
          gtk_notebook_get_tab_label_text (
              side, gtk_notebook_get_nth_page (
                        side, gtk_notebook_get_current_page (side))),
          n_problems);
  if (self->test_show)
    {
      /* Then end on another page if asked, for looking at it. */
      int page = g_str_equal (self->test_show, "details")  ? 0
                 : g_str_equal (self->test_show, "output") ? 2
                                                           : 1;
      gtk_notebook_set_current_page (side, page);
    }
  fflush (stdout);
  /* Give the window time to lay out and draw before the snapshot. */
  g_timeout_add (600, snapshot_window, self);
}

/* The window has drawn the instant clicked: writes it to OUT-instant.png,
 * then goes on. */
static gboolean
instant_drawn (gpointer data)
{
  BraidWindow *self = data;
  char *png = sibling_png (self, "instant");
  save_png (GTK_WIDGET (self), png);
  g_free (png);
  drive_on (self);
  return G_SOURCE_REMOVE;
}

static gboolean
drive (gpointer data)
{
  BraidWindow *self = data;
  BraidTimeline *tl = BRAID_TIMELINE (self->timeline);
  int32_t task = pick_task (self);
  exercise (self, task);
  if (task >= 0)
    {
      /* Select its first running slice, as a click on it would. */
      size_t n;
      const braid_trace_task *t
          = &braid_trace_get_tasks (self->trace, &n)[task];
      int64_t slice = -1;
      size_t first, n_slices;
      braid_trace_slice one;
      braid_timeline_model_task_slices (self->model, task, &first, &n_slices);
      for (size_t i = 0;
           i < n_slices
           && braid_timeline_model_get_slice (self->model,
                                              (int64_t)(first + i), &one);
           i++)
        if (one.state == BRAID_STATE_RUNNING)
          {
            slice = (int64_t)(first + i);
            break;
          }
      braid_timeline_select (tl, task, slice);
      printf ("self-test: selected task %s\n", t->name);
    }
  g_action_group_activate_action (G_ACTION_GROUP (self), "axis",
                                  g_variant_new_string ("steps"));
  printf ("self-test: axis %s\n",
          braid_timeline_get_axis (tl) == BRAID_TIMELINE_AXIS_STEPS ? "steps"
                                                                    : "time");
  int32_t picked_task = braid_timeline_get_selected_task (tl);
  int64_t picked_slice = braid_timeline_get_selected_slice (tl);
  if (self->test_mode != BRAID_WINDOW_OPEN_ONE)
    report_groups (self);
  if (self->test_mode == BRAID_WINDOW_OPEN_COMPARE)
    report_compared (self);
  check_overview (self);
  check_navigation (self);
  check_arrows (self);
  check_output_tooltip (self);
  check_search (self);
  check_range (self);
  self->test_picked_task = picked_task;
  self->test_picked_slice = picked_slice;
  /* A click on an empty point of a lane; once the window has drawn it,
   * the rest. */
  if (braid__window_check_empty_instant (self))
    g_timeout_add (300, instant_drawn, self);
  else
    drive_on (self);
  return G_SOURCE_REMOVE;
}

static void
on_loaded (BraidWindow *self, const char *error)
{
  GFile *file = self->test_files[self->test_index];
  char *path = g_file_get_path (file);
  if (error)
    printf ("self-test: load failed, shown in the window: %s (banner %s)\n",
            error,
            gtk_revealer_get_reveal_child (GTK_REVEALER (self->error_revealer))
                ? "visible"
                : "hidden");
  else
    printf ("self-test: loaded %s, %zu lanes, on the %s axis\n", path,
            braid_timeline_model_get_n_lanes (self->model),
            braid_timeline_get_axis (BRAID_TIMELINE (self->timeline))
                    == BRAID_TIMELINE_AXIS_STEPS
                ? "steps"
                : "time");
  fflush (stdout);
  g_free (path);

  /* Files opened together load once. */
  if (self->test_mode != BRAID_WINDOW_OPEN_ONE)
    self->test_index = self->n_test_files - 1;
  self->test_index++;
  if (self->test_index < self->n_test_files)
    {
      braid_window_open (self, self->test_files[self->test_index]);
      return;
    }
  if (error || !self->model)
    {
      /* Still snapshot, so the test can look at the error state. */
      g_timeout_add (600, snapshot_window, self);
      return;
    }
  /* Let the trace page get its size before driving it. */
  g_timeout_add (300, drive, self);
}

/* --via=drop: the files dropped on the window as one GdkFileList, as a
 * file manager drops several, handed to the window's own drop target. */
static void
open_by_drop (BraidWindow *self)
{
  GtkDropTarget *target = NULL;
  GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (self));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !target; i++)
    {
      GObject *c = g_list_model_get_item (controllers, i);
      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
      g_object_unref (c); /* the window keeps its controllers */
    }
  g_object_unref (controllers);
  if (!target)
    {
      printf ("self-test: the window takes no drop\n");
      fflush (stdout);
      finish (self, 1);
      return;
    }
  GValue value = G_VALUE_INIT;
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (
                                  self->test_files, self->n_test_files));
  gboolean taken = FALSE;
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &taken);
  g_value_unset (&value);
  printf ("self-test: the window takes file lists: %s; dropped %d files: "
          "%s\n",
          gdk_content_formats_contain_gtype (
              gtk_drop_target_get_formats (target), GDK_TYPE_FILE_LIST)
              ? "yes"
              : "no",
          self->n_test_files, taken ? "taken" : "refused");
  fflush (stdout);
}

/* The first GtkTreeView under @w: the Open dialog's list of files. */
static GtkWidget *
find_tree_view (GtkWidget *w)
{
  if (GTK_IS_TREE_VIEW (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_tree_view (c);
      if (found)
        return found;
    }
  return NULL;
}

/* --via=dialog, polled after win.open: finds the Open dialog (GTK's own
 * when there is no portal), shows it the folder of the files, selects
 * every file it lists there as Ctrl+A would, reports them and presses
 * Open. */
static gboolean
pick_in_dialog (gpointer data)
{
  BraidWindow *self = data;
  GtkWidget *dialog = NULL;
  GListModel *tops = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (tops) && !dialog; i++)
    {
      GObject *w = g_list_model_get_item (tops, i);
      if (GTK_IS_FILE_CHOOSER_DIALOG (w)
          && gtk_widget_get_visible (GTK_WIDGET (w)))
        dialog = GTK_WIDGET (w);
      g_object_unref (w);
    }
  GtkWidget *tree = dialog ? find_tree_view (dialog) : NULL;
  GFile *folder = g_file_get_parent (self->test_files[0]);
  if (dialog && !g_object_get_data (G_OBJECT (dialog), "braid-folder"))
    {
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder,
                                           NULL);
      g_object_set_data (G_OBJECT (dialog), "braid-folder",
                         GINT_TO_POINTER (1));
    }
  /* Select all it lists; that is the folder's files once it has loaded
   * them in the background (until then it may list none, or the recent
   * files). */
  GListModel *files = NULL;
  if (tree)
    {
      gboolean handled = FALSE;
      g_signal_emit_by_name (tree, "select-all", &handled);
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
    }
  guint n = files ? g_list_model_get_n_items (files) : 0;
  GString *names = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      GFile *f = g_list_model_get_item (files, i);
      GFile *parent = g_file_get_parent (f);
      char *base = g_file_get_basename (f);
      g_string_append_printf (names, "%s%s", i ? ", " : "", base);
      if (!parent || !g_file_equal (parent, folder))
        n = 0; /* not the folder's */
      g_clear_object (&parent);
      g_free (base);
      g_object_unref (f);
    }
  g_object_unref (folder);
  if (n != (guint)self->n_test_files)
    {
      g_string_free (names, TRUE);
      g_clear_object (&files);
      if (tree)
        gtk_tree_selection_unselect_all (
            gtk_tree_view_get_selection (GTK_TREE_VIEW (tree)));
      if (++self->test_dialog_polls < 100)
        return G_SOURCE_CONTINUE;
      printf ("self-test: the Open dialog %s\n",
              dialog ? "did not list the files" : "did not open");
      fflush (stdout);
      finish (self, 1);
      return G_SOURCE_REMOVE;
    }
  printf ("self-test: the Open dialog takes several files: %s; selected "
          "%u: %s\n",
          gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (dialog))
              ? "yes"
              : "no",
          g_list_model_get_n_items (files), names->str);
  fflush (stdout);
  g_string_free (names, TRUE);
  g_object_unref (files);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  return G_SOURCE_REMOVE;
}

void
braid_window_set_self_test_via (BraidWindow *self, const char *via)
{
  g_free (self->test_via);
  self->test_via = g_strdup (via);
}

void
braid_window_run_self_test_several (BraidWindow *self, GFile **files,
                                    int n_files, braid_window_open_mode mode,
                                    const char *png, const char *select_name,
                                    const char *show_page)
{
  self->test_mode = mode;
  braid_window_run_self_test (self, files, n_files, png, select_name,
                              show_page);
}

void
braid_window_run_self_test (BraidWindow *self, GFile **files, int n_files,
                            const char *png, const char *select_name,
                            const char *show_page)
{
  self->test_show = g_strdup (show_page);
  self->test_files = g_new (GFile *, n_files);
  for (int i = 0; i < n_files; i++)
    self->test_files[i] = g_object_ref (files[i]);
  self->n_test_files = n_files;
  self->test_index = 0;
  self->test_png = g_strdup (png);
  self->test_select = g_strdup (select_name);
  self->loaded_hook = on_loaded;
  printf (
      "self-test: shortcuts window %s\n",
      gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self))
              && g_action_group_has_action (G_ACTION_GROUP (self),
                                            "show-help-overlay")
          ? "yes"
          : "no");
  if (n_files == 0)
    {
      /* The empty page: count the recent traces it offers (the heading
       * is the first child). */
      int n = 0;
      for (GtkWidget *c = gtk_widget_get_first_child (self->recent_box); c;
           c = gtk_widget_get_next_sibling (c))
        n += GTK_IS_BUTTON (c);
      printf ("self-test: empty page with %d recent traces\n", n);
      fflush (stdout);
      /* Then the About dialog, through app.about as its menu item. */
      g_action_group_activate_action (
          G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (self))),
          "about", NULL);
      g_timeout_add (600, check_about, self);
      return;
    }
  if (self->test_via && g_str_equal (self->test_via, "drop"))
    open_by_drop (self);
  else if (self->test_via && g_str_equal (self->test_via, "dialog"))
    {
      g_action_group_activate_action (G_ACTION_GROUP (self), "open", NULL);
      g_timeout_add (100, pick_in_dialog, self);
    }
  else if (self->test_via)
    {
      printf ("self-test: --via is dialog or drop, not %s\n", self->test_via);
      fflush (stdout);
      finish (self, 1);
    }
  else if (self->test_mode != BRAID_WINDOW_OPEN_ONE)
    braid_window_open_several (self, files, n_files, self->test_mode);
  else
    braid_window_open (self, files[0]);
}
