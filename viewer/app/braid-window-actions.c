/* braid-window-actions.c: the window's actions.
 *
 * Owns every win.* action in one place: open (GtkFileChooserNative, as
 * GtkFileDialog is GTK 4.10; several files chosen open as one run),
 * close, search, the axis switch, zooms, arrows, the wait-for graph
 * under the pointer and the problems list. Their accelerators are set by
 * the application (braid-application.c), also in one place.
 */
#include "braid-window-private.h"

static void
on_open_response (GtkNativeDialog *dialog, int response, BraidWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      /* One file as ever; several as the files of one run, in this
       * window, as --run opens them. */
      GListModel *list = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n = g_list_model_get_n_items (list);
      if (n > 0)
        {
          GFile **files = g_new (GFile *, n);
          for (guint i = 0; i < n; i++)
            files[i] = g_list_model_get_item (list, i);
          braid_window_open_several (self, files, (int)n,
                                     BRAID_WINDOW_OPEN_RUN);
          for (guint i = 0; i < n; i++)
            g_object_unref (files[i]);
          g_free (files);
        }
      g_object_unref (list);
    }
  g_object_unref (dialog);
}

static void
open_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  BraidWindow *self = data;
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
      "Open a Trace", GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN, "_Open",
      "_Cancel");
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "braid traces (*.braid, *.db)");
  gtk_file_filter_add_pattern (filter, "*.braid");
  gtk_file_filter_add_pattern (filter, "*.db");
  /* A trace under any name, where the MIME database knows braid's type
   * (data/org.braidtrace.Viewer.mime.xml). */
  gtk_file_filter_add_mime_type (filter, "application/x-braid-trace");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, "All files");
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  /* Several files of one run open together. */
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
close_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
}

static void
search_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  BraidWindow *self = data;
  gboolean on = g_variant_get_boolean (state);
  g_simple_action_set_state (action, state);
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (self->search_bar), on);
  if (on)
    gtk_widget_grab_focus (self->search_entry);
}

static void
search_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GVariant *state = g_action_get_state (G_ACTION (action));
  g_action_change_state (
      G_ACTION (action),
      g_variant_new_boolean (!g_variant_get_boolean (state)));
  g_variant_unref (state);
}

static void
axis_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  BraidWindow *self = data;
  const char *axis = g_variant_get_string (state, NULL);
  g_simple_action_set_state (action, state);
  braid_timeline_set_axis (BRAID_TIMELINE (self->timeline),
                           g_str_equal (axis, "steps")
                               ? BRAID_TIMELINE_AXIS_STEPS
                               : BRAID_TIMELINE_AXIS_TIME);
}

static void
axis_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_action_change_state (G_ACTION (action), param);
}

static void
zoom_in_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  braid_timeline_zoom (BRAID_TIMELINE (BRAID_WINDOW (data)->timeline), 1.5);
}

static void
zoom_out_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  braid_timeline_zoom (BRAID_TIMELINE (BRAID_WINDOW (data)->timeline), 1 / 1.5);
}

static void
zoom_fit_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  braid_timeline_zoom_fit (BRAID_TIMELINE (BRAID_WINDOW (data)->timeline));
}

static void
zoom_selection_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  braid_timeline_zoom_to_selection (
      BRAID_TIMELINE (BRAID_WINDOW (data)->timeline));
}

static void
arrows_change_state (GSimpleAction *action, GVariant *state, gpointer data)
{
  BraidWindow *self = data;
  g_simple_action_set_state (action, state);
  braid_timeline_set_show_edges (BRAID_TIMELINE (self->timeline),
                                 g_variant_get_boolean (state));
}

static void
wait_graph_change_state (GSimpleAction *action, GVariant *state,
                         gpointer data)
{
  BraidWindow *self = data;
  g_simple_action_set_state (action, state);
  braid_timeline_set_show_wait_graph (BRAID_TIMELINE (self->timeline),
                                      g_variant_get_boolean (state));
}

static void
toggle_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GVariant *state = g_action_get_state (G_ACTION (action));
  g_action_change_state (
      G_ACTION (action),
      g_variant_new_boolean (!g_variant_get_boolean (state)));
  g_variant_unref (state);
}

static void
show_problems_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  braid__window_show_problems (BRAID_WINDOW (data));
}

static const GActionEntry win_entries[] = {
  { "open", open_activated, NULL, NULL, NULL, { 0 } },
  { "close", close_activated, NULL, NULL, NULL, { 0 } },
  { "search", search_activated, NULL, "false", search_change_state, { 0 } },
  { "axis", axis_activated, "s", "'time'", axis_change_state, { 0 } },
  { "zoom-in", zoom_in_activated, NULL, NULL, NULL, { 0 } },
  { "zoom-out", zoom_out_activated, NULL, NULL, NULL, { 0 } },
  { "zoom-fit", zoom_fit_activated, NULL, NULL, NULL, { 0 } },
  { "zoom-selection", zoom_selection_activated, NULL, NULL, NULL, { 0 } },
  { "show-arrows", toggle_activated, NULL, "true", arrows_change_state, { 0 } },
  { "show-wait-graph", toggle_activated, NULL, "false",
    wait_graph_change_state, { 0 } },
  { "show-problems", show_problems_activated, NULL, NULL, NULL, { 0 } },
};

/* The actions that need a trace on screen. */
static const char *const trace_actions[]
    = { "search",   "axis",           "zoom-in",     "zoom-out",
        "zoom-fit", "zoom-selection", "show-arrows", "show-problems",
        "show-wait-graph" };

void
braid__window_init_actions (BraidWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries,
                                   G_N_ELEMENTS (win_entries), self);
  braid__window_update_actions (self);
}

void
braid__window_update_actions (BraidWindow *self)
{
  gboolean have = self->model != NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (trace_actions); i++)
    {
      GAction *a
          = g_action_map_lookup_action (G_ACTION_MAP (self), trace_actions[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (a), have);
    }
}
