/* braid-window-loading.c: opening traces without freezing the window.
 *
 * Owns the load job: the reader (braid_trace_open) and the timeline model
 * are built in a GTask worker thread; the reader's progress callback posts
 * the fraction to the main loop for the progress bar and stops the load
 * when the user cancels. The result replaces the shown trace only if it is
 * still the latest request. A failure (not a trace, newer version,
 * truncated...) is shown in the window's error banner, and the window
 * keeps what it showed before, ready for the next file. Also owns the
 * recent files (GtkRecentManager) list on the empty page.
 */
#include "braid-window-private.h"

#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

typedef struct load_job
{
  char *path;
  /* With braid_window_open_several: every file (path is the first), and
   * how they go together; NULL for one file. */
  char **paths;
  int n_paths;
  braid_window_open_mode mode;
  braid__window_several extra; /* what the files together made */
  guint generation;
  GCancellable *cancellable; /* borrowed from the GTask */
  int last_percent;
  BraidWindow *window; /* a reference, for progress messages */
  braid_trace *trace;
  braid_timeline_model *model;
  braid_trace_follower *follower; /* a trace being written */
  char *error;
} load_job;

typedef struct progress_msg
{
  BraidWindow *window;
  guint generation;
  double fraction;
} progress_msg;

static void
load_job_free (load_job *job)
{
  braid_timeline_model_free (job->model);
  braid_trace_close (job->trace);
  braid_trace_follower_free (job->follower);
  g_free (job->path);
  g_strfreev (job->paths);
  braid__window_several_clear (&job->extra);
  g_free (job->error);
  g_object_unref (job->window);
  g_free (job);
}

static gboolean
progress_idle (gpointer data)
{
  progress_msg *msg = data;
  BraidWindow *self = msg->window;
  if (msg->generation == self->load_generation && self->progress)
    gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                   CLAMP (msg->fraction, 0, 1));
  g_object_unref (msg->window);
  g_free (msg);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker thread: posts at most one message per percent. */
static bool
on_progress (double fraction, void *data)
{
  load_job *job = data;
  if (g_cancellable_is_cancelled (job->cancellable))
    return false;
  int percent = (int)(fraction * 100);
  if (percent != job->last_percent)
    {
      job->last_percent = percent;
      progress_msg *msg = g_new (progress_msg, 1);
      msg->window = g_object_ref (job->window);
      msg->generation = job->generation;
      msg->fraction = fraction;
      g_idle_add (progress_idle, msg);
    }
  return true;
}

static void
load_thread (GTask *task, gpointer source, gpointer data,
             GCancellable *cancellable)
{
  load_job *job = data;
  braid_trace_load_options options = { 0 };
  options.progress = on_progress;
  options.progress_data = job;
  /* The viewer keeps 24-byte slices, not the CLI's 56-byte ones. */
  options.compact = true;
  char *error = NULL;
  int rc;
  if (job->paths)
    rc = braid__window_load_several (job->paths, job->n_paths, job->mode,
                                     &options, &job->trace, &job->extra,
                                     &job->error);
  else
    {
      rc = braid__window_live_load (job->path, &options, &job->trace,
                                    &job->follower, &error);
      if (rc != 0)
        job->error = g_strdup (error ? error : "cannot open the trace");
      free (error);
    }
  if (rc != 0)
    job->trace = NULL;
  else
    {
      job->model = braid_timeline_model_new (job->trace);
      if (!job->model)
        job->error = g_strdup_printf ("%s: out of memory", job->path);
    }
  g_task_return_boolean (task, job->error == NULL);
}

char *
braid__window_format_count (uint64_t n, char *buf, size_t size)
{
  char digits[32];
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);
  size_t o = 0;
  for (int i = 0; i < len && o + 1 < size; i++)
    {
      if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
        buf[o++] = ',';
      buf[o++] = digits[i];
    }
  buf[o] = '\0';
  return buf;
}

void
braid__window_set_titles (BraidWindow *self)
{
  if (!self->file)
    {
      gtk_label_set_text (GTK_LABEL (self->title), "braid");
      gtk_widget_set_visible (self->subtitle, FALSE);
      gtk_window_set_title (GTK_WINDOW (self), "braid");
      return;
    }
  char *base = g_file_get_basename (self->file);
  gtk_label_set_text (GTK_LABEL (self->title), base);
  gtk_window_set_title (GTK_WINDOW (self), base);
  const braid_trace_meta *meta = braid_trace_get_meta (self->trace);
  size_t n_tasks;
  braid_trace_get_tasks (self->trace, &n_tasks);
  char d[32], events[32], tasks[32];
  /* The counts first, with thousands separators, and the program's name
   * (any length) last, where the label may cut it. */
  char *sub = g_strdup_printf (
      "%s events · %s tasks · %s · %s clock%s · %s",
      braid__window_format_count (meta->n_events, events, sizeof events),
      braid__window_format_count (n_tasks, tasks, sizeof tasks),
      braid_timeline_format_duration (meta->duration_ns, d, sizeof d),
      meta->clock,
      meta->complete || meta->liveness == BRAID_LIVENESS_RUNNING
          ? ""
          : " · incomplete",
      *meta->program ? meta->program : "program");
  /* The program name comes from the file: make it valid UTF-8. */
  char *valid = g_utf8_make_valid (sub, -1);
  gtk_label_set_text (GTK_LABEL (self->subtitle), valid);
  g_free (valid);
  gtk_widget_set_visible (self->subtitle, TRUE);
  g_free (sub);
  g_free (base);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BraidWindow *self = BRAID_WINDOW (source);
  GTask *task = G_TASK (result);
  load_job *job = g_task_get_task_data (task);
  if (job->generation != self->load_generation)
    return; /* a newer request replaced this one */
  g_clear_object (&self->cancellable);

  if (job->error)
    {
      gboolean cancelled
          = g_cancellable_is_cancelled (g_task_get_cancellable (task));
      char *msg = cancelled ? g_strdup ("Loading was cancelled.")
                            : g_strdup (job->error);
      braid__window_show_error (self, msg);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack),
                                        self->model ? "trace" : "empty");
      if (self->loaded_hook)
        self->loaded_hook (self, msg);
      g_free (msg);
      return;
    }

  /* Swap in the new trace; the widget lets go of the old model first,
   * and a follow of the old one stops. */
  braid__window_live_stop (self);
  braid_timeline_set_model (BRAID_TIMELINE (self->timeline), NULL);
  braid_timeline_model_free (self->model);
  braid_trace_close (self->trace);
  self->trace = g_steal_pointer (&job->trace);
  self->model = g_steal_pointer (&job->model);
  g_clear_object (&self->file);
  self->file = g_file_new_for_path (job->path);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  braid_timeline_set_model (BRAID_TIMELINE (self->timeline), self->model);
  braid__window_panes_set_trace (self);
  braid__window_set_titles (self);
  braid__window_live_start (self, g_steal_pointer (&job->follower));
  /* Two traces side by side: their marked steps go with the model. */
  braid__window_several_clear (&self->compared);
  self->compared = job->extra;
  memset (&job->extra, 0, sizeof job->extra);
  braid_timeline_set_marked_steps (BRAID_TIMELINE (self->timeline),
                                   self->compared.marked_steps,
                                   self->compared.n_marked_steps);
  gtk_widget_set_tooltip_text (self->title, self->compared.verdict);
  if (job->paths)
    {
      /* Several files: the first one's name and how many more, or the
       * two compared and the verdict. */
      char *base = g_file_get_basename (self->file);
      char *other = g_path_get_basename (job->paths[1]);
      size_t n = self->compared.n_marked_steps;
      char *title
          = job->mode != BRAID_WINDOW_OPEN_COMPARE
                ? g_strdup_printf ("%s and %d more", base, job->n_paths - 1)
            : n ? g_strdup_printf ("%s vs %s · %zu step%s differ%s", base,
                                   other, n, n == 1 ? "" : "s",
                                   n == 1 ? "s" : "")
                : g_strdup_printf ("%s vs %s · the same schedule", base,
                                   other);
      g_free (other);
      gtk_label_set_text (GTK_LABEL (self->title), title);
      gtk_window_set_title (GTK_WINDOW (self), title);
      g_free (title);
      g_free (base);
    }
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "trace");
  braid__window_update_actions (self);
  /* A virtual-clock trace without sleeps took no time: show its steps. */
  g_action_group_change_action_state (
      G_ACTION_GROUP (self), "axis",
      g_variant_new_string (braid_timeline_model_preferred_axis (self->model)
                                        == BRAID_TIMELINE_AXIS_STEPS
                                    || self->compared.verdict
                                ? "steps"
                                : "time"));
  gtk_widget_grab_focus (self->timeline);

#ifdef __GLIBC__
  /* Loading freed a lot in the worker thread's malloc arena (SQLite's
   * cache, the reader's scratch); give it back to the system. */
  malloc_trim (0);
#endif

  char *uri = g_file_get_uri (self->file);
  gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
  g_free (uri);
  if (self->loaded_hook)
    self->loaded_hook (self, NULL);
}

static void start_load (BraidWindow *self, GFile *file, char *path,
                        char **paths, int n_paths,
                        braid_window_open_mode mode);

void
braid_window_open_several (BraidWindow *self, GFile **files, int n_files,
                           braid_window_open_mode mode)
{
  g_return_if_fail (BRAID_IS_WINDOW (self) && n_files > 0);
  /* One file is a run of one process; a comparison of one file is
   * refused by the load (two traces are compared). */
  if (mode == BRAID_WINDOW_OPEN_ONE
      || (n_files == 1 && mode == BRAID_WINDOW_OPEN_RUN))
    {
      braid_window_open (self, files[0]);
      return;
    }
  char **paths = g_new0 (char *, n_files + 1);
  for (int i = 0; i < n_files; i++)
    if (!(paths[i] = g_file_get_path (files[i])))
      {
        /* Only local files: braid_window_open says so. */
        g_strfreev (paths);
        braid_window_open (self, files[i]);
        return;
      }
  start_load (self, files[0], g_strdup (paths[0]), paths, n_files, mode);
}

void
braid_window_open (BraidWindow *self, GFile *file)
{
  g_return_if_fail (BRAID_IS_WINDOW (self));
  start_load (self, file, g_file_get_path (file), NULL, 0,
              BRAID_WINDOW_OPEN_ONE);
}

/* Loads @path (owned; NULL: @file is not local), or with @paths (owned,
 * @n_paths of them, NULL-terminated) all of them as @mode says. */
static void
start_load (BraidWindow *self, GFile *file, char *path, char **paths,
            int n_paths, braid_window_open_mode mode)
{
  if (!path)
    {
      char *uri = g_file_get_uri (file);
      char *msg = g_strdup_printf ("%s: only local files can be opened", uri);
      braid__window_show_error (self, msg);
      if (self->loaded_hook)
        self->loaded_hook (self, msg);
      g_free (msg);
      g_free (uri);
      return;
    }
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->load_generation++;

  load_job *job = g_new0 (load_job, 1);
  job->path = path;
  job->paths = paths;
  job->n_paths = n_paths;
  job->mode = mode;
  job->generation = self->load_generation;
  job->cancellable = self->cancellable;
  job->last_percent = -1;
  job->window = g_object_ref (self);

  char *base = g_file_get_basename (file);
  char *label = paths ? g_strdup_printf ("Loading %s and %d more…", base,
                                         n_paths - 1)
                      : g_strdup_printf ("Loading %s…", base);
  gtk_label_set_text (GTK_LABEL (self->progress_label), label);
  g_free (label);
  g_free (base);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "loading");

  GTask *task = g_task_new (self, self->cancellable, load_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify)load_job_free);
  g_task_run_in_thread (task, load_thread);
  g_object_unref (task);
}

void
braid__window_show_error (BraidWindow *self, const char *message)
{
  /* The message comes from an untrusted file name or content. */
  char *valid = g_utf8_make_valid (message, -1);
  gtk_label_set_text (GTK_LABEL (self->error_label), valid);
  g_free (valid);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->error_revealer), TRUE);
}

static void
on_recent_clicked (GtkButton *button, BraidWindow *self)
{
  const char *uri = g_object_get_data (G_OBJECT (button), "uri");
  GFile *file = g_file_new_for_uri (uri);
  braid_window_open (self, file);
  g_object_unref (file);
}

void
braid__window_fill_recent (BraidWindow *self)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (self->recent_box)))
    gtk_box_remove (GTK_BOX (self->recent_box), child);
  GList *items
      = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  int shown = 0;
  const char *app = g_get_application_name ();
  for (GList *l = items; l && shown < 6; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      if (!app || !gtk_recent_info_has_application (info, app)
          || !gtk_recent_info_exists (info))
        continue;
      if (shown == 0)
        {
          GtkWidget *head = gtk_label_new ("Recent traces");
          gtk_widget_add_css_class (head, "heading");
          gtk_widget_set_margin_top (head, 12);
          gtk_box_append (GTK_BOX (self->recent_box), head);
        }
      GtkWidget *b
          = gtk_button_new_with_label (gtk_recent_info_get_display_name (info));
      gtk_widget_add_css_class (b, "flat");
      char *path
          = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
      gtk_widget_set_tooltip_text (b, path);
      g_free (path);
      g_object_set_data_full (G_OBJECT (b), "uri",
                              g_strdup (gtk_recent_info_get_uri (info)),
                              g_free);
      g_signal_connect (b, "clicked", G_CALLBACK (on_recent_clicked), self);
      gtk_box_append (GTK_BOX (self->recent_box), b);
      shown++;
    }
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);
}
