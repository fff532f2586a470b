/* braid-window.c: BraidWindow's construction and layout.
 *
 * Owns the widget tree: the header bar (title, open, axis switch, zoom,
 * search, problems, menu), the error banner, and a stack of three pages:
 * the empty state that says what to do, the loading page with its
 * progress bar, and the trace page (search bar, timeline, side notebook).
 * Drag and drop of files onto the window lands here too (several
 * files open as one run). The other concerns live in
 * braid-window-{actions,loading,several,live,panes,sync,selftest}.c.
 */
#include "braid-window-private.h"
#include "braid-overview.h"

G_DEFINE_FINAL_TYPE (BraidWindow, braid_window, GTK_TYPE_APPLICATION_WINDOW)

/* A file dropped opens as ever; several (a GdkFileList) open as the
 * files of one run, as --run and the Open dialog open them. */
static gboolean
on_drop (GtkDropTarget *target, const GValue *value, double x, double y,
         BraidWindow *self)
{
  if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    {
      braid_window_open (self, g_value_get_object (value));
      return TRUE;
    }
  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  GSList *list = gdk_file_list_get_files (g_value_get_boxed (value));
  guint n = g_slist_length (list);
  GFile **files = g_new (GFile *, n);
  guint i = 0;
  for (GSList *l = list; l; l = l->next)
    files[i++] = l->data;
  if (n > 0)
    braid_window_open_several (self, files, (int)n, BRAID_WINDOW_OPEN_RUN);
  g_free (files);
  g_slist_free (list);
  return n > 0;
}

static GtkWidget *
build_header (BraidWindow *self)
{
  GtkWidget *header = gtk_header_bar_new ();

  GtkWidget *titles = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_valign (titles, GTK_ALIGN_CENTER);
  self->title = gtk_label_new ("braid");
  gtk_widget_add_css_class (self->title, "title");
  gtk_label_set_ellipsize (GTK_LABEL (self->title), PANGO_ELLIPSIZE_MIDDLE);
  self->subtitle = gtk_label_new ("");
  gtk_widget_add_css_class (self->subtitle, "subtitle");
  gtk_widget_add_css_class (self->subtitle, "dim-label");
  /* The subtitle ends with the program's name: cut there, never in the
   * middle of a count. */
  gtk_label_set_ellipsize (GTK_LABEL (self->subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_set_visible (self->subtitle, FALSE);
  gtk_box_append (GTK_BOX (titles), self->title);
  gtk_box_append (GTK_BOX (titles), self->subtitle);
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), titles);
  /* Beside the title: "live" while the program writes the trace. */
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header),
                           braid__window_live_indicator (self));

  GtkWidget *open = gtk_button_new_with_mnemonic ("_Open");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "win.open");
  gtk_widget_set_tooltip_text (open, "Open a trace (Ctrl+O)");
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), open);

  /* The axis switch: two linked toggle buttons on a stateful action. */
  GtkWidget *axis = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (axis, "linked");
  GtkWidget *time = gtk_toggle_button_new_with_label ("Wall time");
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (time),
                                           "win.axis::time");
  gtk_widget_set_tooltip_text (time, "Time axis: wall clock (Ctrl+1)");
  GtkWidget *steps = gtk_toggle_button_new_with_label ("Loop steps");
  gtk_actionable_set_detailed_action_name (GTK_ACTIONABLE (steps),
                                           "win.axis::steps");
  gtk_widget_set_tooltip_text (
      steps, "Time axis: one step per resumption of a task (Ctrl+2)");
  gtk_box_append (GTK_BOX (axis), time);
  gtk_box_append (GTK_BOX (axis), steps);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), axis);

  GtkWidget *menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button),
                                 "open-menu-symbolic");
  GMenu *menu = g_menu_new ();
  GMenu *section = g_menu_new ();
  g_menu_append (section, "_Open…", "win.open");
  g_menu_append (section, "_Close", "win.close");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  section = g_menu_new ();
  g_menu_append (section, "Zoom to _Fit", "win.zoom-fit");
  g_menu_append (section, "Zoom to _Selection", "win.zoom-selection");
  g_menu_append (section, "Show _Arrows", "win.show-arrows");
  g_menu_append (section, "Show the _Wait-for Graph (g)",
                 "win.show-wait-graph");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  section = g_menu_new ();
  g_menu_append (section, "_Keyboard Shortcuts", "win.show-help-overlay");
  g_menu_append (section, "_About braid viewer", "app.about");
  g_menu_append (section, "_Quit", "app.quit");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  g_object_unref (section);
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button),
                                  G_MENU_MODEL (menu));
  g_object_unref (menu);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), menu_button);

  GtkWidget *problems = gtk_button_new_with_label ("Problems");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (problems),
                                  "win.show-problems");
  gtk_widget_set_tooltip_text (problems, "Show the problems list (Ctrl+P)");
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), problems);

  self->search_button = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (self->search_button),
                            "system-search-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->search_button),
                                  "win.search");
  gtk_widget_set_tooltip_text (self->search_button,
                               "Find tasks by name (Ctrl+F)");
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->search_button);

  GtkWidget *fit = gtk_button_new_from_icon_name ("zoom-fit-best-symbolic");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (fit), "win.zoom-fit");
  gtk_widget_set_tooltip_text (fit, "Zoom to fit (Ctrl+0)");
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), fit);
  return header;
}

static GtkWidget *
build_empty_page (BraidWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  GtkWidget *icon = gtk_image_new_from_icon_name ("document-open-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 96);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_box_append (GTK_BOX (box), icon);
  GtkWidget *title = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (title), "<span size='x-large' weight='bold'>"
                                           "Open a trace</span>");
  gtk_box_append (GTK_BOX (box), title);
  GtkWidget *hint = gtk_label_new (
      "Record one with  braid run ./program  or  "
      "BRAID_TRACE=trace.braid ./program,\n"
      "then press Ctrl+O, or drop the .braid file on this window.");
  gtk_label_set_justify (GTK_LABEL (hint), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_box_append (GTK_BOX (box), hint);
  GtkWidget *open = gtk_button_new_with_mnemonic ("_Open a Trace…");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "win.open");
  gtk_widget_add_css_class (open, "suggested-action");
  gtk_widget_add_css_class (open, "pill");
  gtk_widget_set_halign (open, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), open);
  self->recent_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_box_append (GTK_BOX (box), self->recent_box);
  return box;
}

static void
on_cancel_load (GtkButton *button, BraidWindow *self)
{
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
}

static GtkWidget *
build_loading_page (BraidWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (box, 360, -1);
  self->progress_label = gtk_label_new ("Loading…");
  gtk_label_set_ellipsize (GTK_LABEL (self->progress_label),
                           PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (box), self->progress_label);
  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_box_append (GTK_BOX (box), self->progress);
  GtkWidget *cancel = gtk_button_new_with_mnemonic ("_Cancel");
  gtk_widget_set_halign (cancel, GTK_ALIGN_CENTER);
  g_signal_connect (cancel, "clicked", G_CALLBACK (on_cancel_load), self);
  gtk_box_append (GTK_BOX (box), cancel);
  return box;
}

static void
on_search_changed (GtkSearchEntry *entry, BraidWindow *self)
{
  braid__window_apply_filter (self,
                              gtk_editable_get_text (GTK_EDITABLE (entry)));
}

/* The lane scrollbar shows only when the lanes do not fit. */
static void
on_lanes_adjustment_changed (GtkAdjustment *adj, BraidWindow *self)
{
  gtk_widget_set_visible (self->lane_scrollbar,
                          gtk_adjustment_get_upper (adj)
                              > gtk_adjustment_get_page_size (adj) + 0.5);
}

static void
on_selection_changed (BraidTimeline *timeline, BraidWindow *self)
{
  braid__window_show_details (self);
}

static void
draw_legend (GtkDrawingArea *area, cairo_t *cr, int width, int height,
             gpointer data)
{
  /* The widget's fonts may wrap the legend differently from the
   * estimate: follow what was drawn. */
  int h = braid_timeline_draw_legend (cr, 0, 0, width);
  if (h != gtk_drawing_area_get_content_height (area))
    gtk_drawing_area_set_content_height (area, h);
}

static GtkWidget *
build_legend (void)
{
  GtkWidget *area = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (area),
                                       braid_timeline_legend_height (800));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (area), draw_legend, NULL,
                                  NULL);
  return area;
}

static GtkWidget *
build_trace_page (BraidWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->search_bar = gtk_search_bar_new ();
  GtkWidget *sbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  self->search_entry = gtk_search_entry_new ();
  gtk_widget_set_size_request (self->search_entry, 320, -1);
  g_object_set (self->search_entry, "placeholder-text",
                "Filter tasks by name or function", NULL);
  g_signal_connect (self->search_entry, "search-changed",
                    G_CALLBACK (on_search_changed), self);
  self->filter_label = gtk_label_new ("");
  gtk_widget_add_css_class (self->filter_label, "dim-label");
  gtk_box_append (GTK_BOX (sbox), self->search_entry);
  gtk_box_append (GTK_BOX (sbox), self->filter_label);
  gtk_search_bar_set_child (GTK_SEARCH_BAR (self->search_bar), sbox);
  gtk_search_bar_connect_entry (GTK_SEARCH_BAR (self->search_bar),
                                GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_show_close_button (GTK_SEARCH_BAR (self->search_bar),
                                        TRUE);
  g_object_bind_property (self->search_bar, "search-mode-enabled",
                          self->search_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (box), self->search_bar);

  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_widget_set_vexpand (paned, TRUE);
  self->timeline = braid_timeline_new ();
  g_signal_connect (self->timeline, "selection-changed",
                    G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->timeline, "range-changed",
                            G_CALLBACK (braid__window_show_range), self);
  GtkWidget *left = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  /* A vertical scrollbar for traces with more lanes than fit. */
  GtkWidget *lanes = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_box_append (GTK_BOX (lanes), self->timeline);
  self->lane_scrollbar = gtk_scrollbar_new (
      GTK_ORIENTATION_VERTICAL,
      braid_timeline_get_vadjustment (BRAID_TIMELINE (self->timeline)));
  gtk_box_append (GTK_BOX (lanes), self->lane_scrollbar);
  g_signal_connect (
      braid_timeline_get_vadjustment (BRAID_TIMELINE (self->timeline)),
      "changed", G_CALLBACK (on_lanes_adjustment_changed), self);
  gtk_widget_set_visible (self->lane_scrollbar, FALSE);
  gtk_box_append (GTK_BOX (left), lanes);
  self->overview = braid_overview_new (BRAID_TIMELINE (self->timeline));
  gtk_box_append (GTK_BOX (left), self->overview);
  gtk_box_append (GTK_BOX (left), build_legend ());
  gtk_paned_set_start_child (GTK_PANED (paned), left);
  gtk_paned_set_resize_start_child (GTK_PANED (paned), TRUE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  self->side = braid__window_build_side (self);
  gtk_widget_set_size_request (self->side, 300, -1);
  gtk_paned_set_end_child (GTK_PANED (paned), self->side);
  gtk_paned_set_resize_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_box_append (GTK_BOX (box), paned);
  return box;
}

static void
on_error_close (GtkButton *button, BraidWindow *self)
{
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
}

static GtkWidget *
build_error_banner (BraidWindow *self)
{
  self->error_revealer = gtk_revealer_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (box, "braid-error");
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_box_append (GTK_BOX (box), icon);
  self->error_label = gtk_label_new ("");
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_widget_set_hexpand (self->error_label, TRUE);
  gtk_box_append (GTK_BOX (box), self->error_label);
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_add_css_class (close, "flat");
  g_signal_connect (close, "clicked", G_CALLBACK (on_error_close), self);
  gtk_box_append (GTK_BOX (box), close);
  gtk_revealer_set_child (GTK_REVEALER (self->error_revealer), box);
  return self->error_revealer;
}

static void
braid_window_dispose (GObject *object)
{
  BraidWindow *self = BRAID_WINDOW (object);
  /* A load finishing after this must not touch the destroyed widgets,
   * nor an update of a live trace. */
  self->load_generation++;
  braid__window_live_stop (self);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->timeline)
    braid_timeline_set_model (BRAID_TIMELINE (self->timeline), NULL);
  G_OBJECT_CLASS (braid_window_parent_class)->dispose (object);
}

static void
braid_window_finalize (GObject *object)
{
  BraidWindow *self = BRAID_WINDOW (object);
  braid_timeline_model_free (self->model);
  braid_trace_close (self->trace);
  braid__window_several_clear (&self->compared);
  g_clear_object (&self->file);
  if (self->search_results)
    g_array_free (self->search_results, TRUE);
  for (int i = 0; i < self->n_test_files; i++)
    g_object_unref (self->test_files[i]);
  g_free (self->test_files);
  g_free (self->test_png);
  g_free (self->test_select);
  g_free (self->test_show);
  g_free (self->test_via);
  G_OBJECT_CLASS (braid_window_parent_class)->finalize (object);
}

static void
braid_window_class_init (BraidWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = braid_window_dispose;
  object_class->finalize = braid_window_finalize;
}

static void
braid_window_init (BraidWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self), 1100, 700);
  gtk_window_set_title (GTK_WINDOW (self), "braid");
  gtk_window_set_titlebar (GTK_WINDOW (self), build_header (self));

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), build_error_banner (self));
  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  gtk_stack_add_named (GTK_STACK (self->stack), build_empty_page (self),
                       "empty");
  gtk_stack_add_named (GTK_STACK (self->stack), build_loading_page (self),
                       "loading");
  gtk_stack_add_named (GTK_STACK (self->stack), build_trace_page (self),
                       "trace");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "empty");
  gtk_box_append (GTK_BOX (box), self->stack);
  gtk_window_set_child (GTK_WINDOW (self), box);

  /* A file list first: a drop of several files keeps them all. */
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop,
                              (GType[]){ GDK_TYPE_FILE_LIST, G_TYPE_FILE }, 2);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  braid__window_init_actions (self);
  braid__window_fill_recent (self);
}

BraidWindow *
braid_window_new (GtkApplication *app)
{
  return g_object_new (BRAID_TYPE_WINDOW, "application", app, NULL);
}

gboolean
braid_window_is_empty (BraidWindow *self)
{
  return self->trace == NULL && self->cancellable == NULL;
}
