/* braid-application.c: BraidApplication.
 *
 * Owns the application-wide pieces: command-line options (--version;
 * --self-test, --select, --show and --via, hidden from --help), app.quit, every
 * accelerator of the app and its windows in one table, the style sheet,
 * the windows' icon, app.about (the dialog is braid-about.c's), and which
 * window a file opens in. The shortcuts window comes from
 * gtk/help-overlay.ui in the resources, which GtkApplication wires to
 * win.show-help-overlay (Ctrl+?).
 */
#include "braid-application.h"

#include <braid/braid-version.h>

#include "braid-about.h"
#include "braid-window.h"

struct _BraidApplication
{
  GtkApplication parent_instance;
  char *self_test_png;
  char *select_name;
  char *show_page;
  /* --via=dialog|drop: the self-test opens its files as a user would. */
  char *via;
  /* --run: the files given are opened together, in one window. */
  braid_window_open_mode open_mode;
};

G_DEFINE_FINAL_TYPE (BraidApplication, braid_application, GTK_TYPE_APPLICATION)

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_application_quit (G_APPLICATION (data));
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkApplication *app = GTK_APPLICATION (data);
  braid_show_about (gtk_application_get_active_window (app));
}

static const GActionEntry app_entries[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

static const struct
{
  const char *action;
  const char *accels[4];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.close", { "<Control>w", NULL } },
  { "win.search", { "<Control>f", NULL } },
  { "win.zoom-in",
    { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL } },
  { "win.zoom-out", { "<Control>minus", "<Control>KP_Subtract", NULL } },
  { "win.zoom-fit", { "<Control>0", NULL } },
  { "win.zoom-selection", { "<Control>e", NULL } },
  { "win.axis::time", { "<Control>1", NULL } },
  { "win.axis::steps", { "<Control>2", NULL } },
  { "win.show-problems", { "<Control>p", NULL } },
};

static void
braid_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (braid_application_parent_class)->startup (app);
  /* Every window's icon: the app's own, from the icon theme (installed
   * in hicolor, and in the resources for an uninstalled build). */
  gtk_window_set_default_icon_name (BRAID_VIEWER_APP_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries,
                                   G_N_ELEMENTS (app_entries), app);
  for (size_t i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app),
                                           accels[i].action, accels[i].accels);
  GtkCssProvider *css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/braidtrace/Viewer/style.css");
  gtk_style_context_add_provider_for_display (
      gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_unref (css);
}

static void
braid_application_activate (GApplication *app)
{
  BraidApplication *self = BRAID_APPLICATION (app);
  BraidWindow *win = braid_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (win));
  if (self->self_test_png)
    braid_window_run_self_test (win, NULL, 0, self->self_test_png,
                                self->select_name, self->show_page);
}

static void
braid_application_open (GApplication *app, GFile **files, int n_files,
                        const char *hint)
{
  BraidApplication *self = BRAID_APPLICATION (app);
  if (self->self_test_png)
    {
      BraidWindow *win = braid_window_new (GTK_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (win));
      if (self->via)
        braid_window_set_self_test_via (win, self->via);
      /* Through the dialog or a drop, the files go together, as a run. */
      braid_window_run_self_test_several (
          win, files, n_files,
          self->via ? BRAID_WINDOW_OPEN_RUN : self->open_mode,
          self->self_test_png, self->select_name, self->show_page);
      return;
    }
  if (self->open_mode != BRAID_WINDOW_OPEN_ONE)
    {
      BraidWindow *win = braid_window_new (GTK_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (win));
      braid_window_open_several (win, files, n_files, self->open_mode);
      return;
    }
  for (int i = 0; i < n_files; i++)
    {
      /* Reuse the active window while it shows nothing. */
      GtkWindow *active
          = gtk_application_get_active_window (GTK_APPLICATION (app));
      BraidWindow *win
          = active && BRAID_IS_WINDOW (active)
                    && braid_window_is_empty (BRAID_WINDOW (active))
                ? BRAID_WINDOW (active)
                : braid_window_new (GTK_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (win));
      braid_window_open (win, files[i]);
    }
}

static int
braid_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  BraidApplication *self = BRAID_APPLICATION (app);
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("braid-viewer %s\n", BRAID_VERSION_STRING);
      return 0; /* exit here, before a display is opened */
    }
  g_variant_dict_lookup (options, "self-test", "^ay", &self->self_test_png);
  g_variant_dict_lookup (options, "select", "s", &self->select_name);
  g_variant_dict_lookup (options, "show", "s", &self->show_page);
  g_variant_dict_lookup (options, "via", "s", &self->via);
  if (g_variant_dict_contains (options, "run"))
    self->open_mode = BRAID_WINDOW_OPEN_RUN;
  if (g_variant_dict_contains (options, "compare"))
    self->open_mode = BRAID_WINDOW_OPEN_COMPARE;
  return -1; /* carry on with activate or open */
}

static void
braid_application_finalize (GObject *object)
{
  BraidApplication *self = BRAID_APPLICATION (object);
  g_free (self->self_test_png);
  g_free (self->select_name);
  g_free (self->show_page);
  g_free (self->via);
  G_OBJECT_CLASS (braid_application_parent_class)->finalize (object);
}

static void
braid_application_class_init (BraidApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  app_class->startup = braid_application_startup;
  app_class->activate = braid_application_activate;
  app_class->open = braid_application_open;
  app_class->handle_local_options = braid_application_handle_local_options;
  G_OBJECT_CLASS (klass)->finalize = braid_application_finalize;
}

/* --self-test, --select, --show and --via drive the tests' scripted run
 * (braid-window-selftest.c): they work, but --help does not list them. */
static const GOptionEntry options[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Print the version of braid-viewer and exit", NULL },
  { "run", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Open the TRACEs as the processes of one run (a process tree), in one "
    "timeline with a group of lanes per process",
    NULL },
  { "compare", 0, 0, G_OPTION_ARG_NONE, NULL,
    "Open two TRACEs side by side, lined up on loop steps as 'braid diff' "
    "pairs them, the steps that differ marked in red",
    NULL },
  { "self-test", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL,
    "Open FILEs, select a task, switch to loop steps, show the problems, "
    "write a snapshot of the window to PNG and quit",
    "PNG" },
  { "select", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
    "With --self-test: the name of the task to select", "NAME" },
  { "show", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
    "With --self-test: the side page to end on (details, problems, output)",
    "PAGE" },
  { "via", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
    "With --self-test: open the FILEs as a user would, chosen in the Open "
    "dialog (dialog) or dropped on the window (drop)",
    "HOW" },
  { NULL, 0, 0, 0, NULL, NULL, NULL },
};

static void
braid_application_init (BraidApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     "[TRACE.braid…]");
  g_application_set_option_context_summary (
      G_APPLICATION (self),
      "Shows the timeline of braid traces: which task ran when, why it "
      "stopped, who woke it up.");
}

BraidApplication *
braid_application_new (void)
{
  return g_object_new (BRAID_TYPE_APPLICATION, "application-id",
                       BRAID_VIEWER_APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/org/braidtrace/Viewer", NULL);
}
