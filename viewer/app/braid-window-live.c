/* braid-window-live.c: following a trace that is still being written.
 *
 * Owns the live view. A trace whose writer runs (braid_trace_probe says
 * BRAID_LIVENESS_RUNNING when it is opened) is loaded through a follower
 * (braid_trace_follow), which the window keeps. Every UPDATE_MS a worker
 * thread asks it for what was stored since (braid_trace_follower_update
 * reads only the new rows) and builds the timeline model of the grown
 * trace (braid_timeline_model_new_after: it grows the indexes of the
 * model shown, which it shares); back on the main loop the new model
 * replaces the shown one in
 * place (braid_timeline_replace_model keeps the view where it was, or
 * scrolls with the run when it was at the end), the output and problems
 * lists grow, and the header bar's indicator says "live". When the
 * program ends the indicator goes away; when its writer dies (killed,
 * crashed, a stale heartbeat) it says "writer died". Either way the
 * follower is released and the trace stays as the last update left it.
 *
 * Only one update is in flight at a time, and the next waits as long as
 * the last one took, so that a big trace costs half a core at most. The
 * main loop's cost per update is the swap (no drawing work: the next
 * frame draws the new model; the models replaced are freed by the next
 * update's worker), so frames stay smooth however fast the trace grows.
 *
 * With BRAID_VIEWER_LIVE_TEST set in the environment (the GUI tests), it
 * reports each step on stdout as "live-test:" lines, moves the view as a
 * user would (it stays at the end for three updates, then zooms in on the
 * start and must stay there), and quits when the follow ends.
 */
#include "braid-window-private.h"

#include "braid-line-list.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* New events appear within a second: an update every quarter of one. */
#define UPDATE_MS 250

struct braid__live
{
  BraidWindow *window; /* NULL once the window let go */
  braid_trace_follower *follower;
  guint timer;
  gboolean busy;  /* an update is in flight */
  gint64 next_us; /* no update starts before (monotonic): as long
                     after the last one as it took, so that following
                     a big trace takes half a core at most */
  /* The model and trace replaced by the last update, freed at the next
   * one: widgets that remember a model by its address (the overview
   * strip) never meet a new model at an address they saw last. */
  braid_timeline_model *retired_model;
  braid_trace *retired_trace;
  /* The self-test script (BRAID_VIEWER_LIVE_TEST). */
  gboolean test;
  guint test_updates;
  gint64 test_last_us;
  double test_origin, test_scale; /* where the test left the view */
  /* The model shown when the update in flight started: the last one
   * made, whose indexes the new one grows (braid_timeline_model_new_after)
   * under prev_lock. The window owns it and draws it meanwhile; it may
   * free it once braid__window_live_stop, which clears it under the lock,
   * has returned. */
  GMutex prev_lock;
  const braid_timeline_model *prev_model;
};

typedef struct update_job
{
  braid__live *live;
  /* What the update before the last one replaced, freed in the worker:
   * unmapping a large model is not the main loop's business. */
  braid_timeline_model *retired_model;
  braid_trace *retired_trace;
  braid_trace *trace; /* the grown trace, or NULL */
  braid_timeline_model *model;
  char *error;
  gint64 took_us; /* the worker's time */
} update_job;

int
braid__window_live_load (const char *path,
                         const braid_trace_load_options *options,
                         braid_trace **trace, braid_trace_follower **follower,
                         char **error)
{
  *follower = NULL;
  braid_trace_writer_status st;
  if (braid_trace_probe (path, &st, NULL) != 0
      || st.liveness != BRAID_LIVENESS_RUNNING)
    return braid_trace_open (path, options, trace, error);
  braid_trace_follower *f = NULL;
  int rc = braid_trace_follow (path, options, &f, trace, error);
  if (rc != 0)
    return rc;
  if (braid_trace_follower_liveness (f) == BRAID_LIVENESS_RUNNING)
    *follower = f;
  else
    braid_trace_follower_free (f); /* it ended meanwhile */
  return 0;
}

GtkWidget *
braid__window_live_indicator (BraidWindow *self)
{
  self->live_label = gtk_label_new ("");
  gtk_widget_add_css_class (self->live_label, "braid-live");
  gtk_widget_set_visible (self->live_label, FALSE);
  return self->live_label;
}

/* Shows the liveness of the trace shown: "live" while it runs, nothing
 * once it is complete, "writer died" when it will never be. */
static void
show_liveness (BraidWindow *self, braid_trace_liveness liveness)
{
  GtkWidget *label = self->live_label;
  if (!label)
    return;
  gtk_widget_remove_css_class (label, "braid-live-dead");
  if (liveness == BRAID_LIVENESS_RUNNING)
    {
      gtk_label_set_text (GTK_LABEL (label), "● live");
      gtk_widget_set_tooltip_text (
          label, "The program is running: new events appear as it "
                 "writes them");
      gtk_widget_set_visible (label, TRUE);
    }
  else if (liveness == BRAID_LIVENESS_DEAD)
    {
      const braid_trace_meta *m = braid_trace_get_meta (self->trace);
      char *tip = g_strdup_printf (
          "The program (pid %lld) stopped writing its trace without "
          "closing it: it was killed or crashed, or it stopped "
          "answering. Every event it committed is shown.",
          (long long)m->pid);
      gtk_label_set_text (GTK_LABEL (label), "writer died");
      gtk_widget_set_tooltip_text (label, tip);
      gtk_widget_add_css_class (label, "braid-live-dead");
      gtk_widget_set_visible (label, TRUE);
      g_free (tip);
    }
  else
    gtk_widget_set_visible (label, FALSE);
}

static const char *
indicator_text (BraidWindow *self)
{
  return gtk_widget_get_visible (self->live_label)
             ? gtk_label_get_text (GTK_LABEL (self->live_label))
             : "";
}

static void
live_free (braid__live *live)
{
  if (live->timer)
    g_source_remove (live->timer);
  braid_trace_follower_free (live->follower);
  braid_timeline_model_free (live->retired_model);
  braid_trace_close (live->retired_trace);
  g_mutex_clear (&live->prev_lock);
  g_free (live);
}

void
braid__window_live_stop (BraidWindow *self)
{
  braid__live *live = self->live;
  if (!live)
    return;
  self->live = NULL;
  if (live->timer)
    {
      g_source_remove (live->timer);
      live->timer = 0;
    }
  live->window = NULL;
  /* The window may free its model once this returns: an update in
   * flight that reads it is waited for. */
  g_mutex_lock (&live->prev_lock);
  live->prev_model = NULL;
  g_mutex_unlock (&live->prev_lock);
  /* An update in flight frees it when it comes back. */
  if (!live->busy)
    live_free (live);
}

/* The end of a follow: the program ended or its writer died. */
static void
live_ended (BraidWindow *self, braid_trace_liveness liveness)
{
  gboolean test = self->live->test;
  show_liveness (self, liveness);
  braid__window_set_titles (self);
  braid__window_live_stop (self);
  if (test)
    {
      printf (
          "live-test: ended: %s (indicator '%s'), %" G_GUINT64_FORMAT
          " events\n",
          liveness == BRAID_LIVENESS_COMPLETE ? "program ended" : "writer died",
          indicator_text (self), braid_trace_get_meta (self->trace)->n_events);
      fflush (stdout);
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
      if (app)
        g_application_quit (G_APPLICATION (app));
    }
}

/* The lists of the side panes, grown to the new trace's lengths. */
static void
grow_lists (BraidWindow *self)
{
  size_t n_problems = 0, n_outputs = 0;
  braid_trace_get_problems (self->trace, &n_problems);
  braid_trace_get_outputs (self->trace, &n_outputs);
  GtkWidget *lists[2] = { self->problems_list, self->output_list };
  size_t counts[2] = { n_problems, n_outputs };
  const char *names[2] = { "Problems", "Output" };
  for (int i = 0; i < 2; i++)
    {
      GtkSelectionModel *sel
          = gtk_list_view_get_model (GTK_LIST_VIEW (lists[i]));
      GListModel *lines
          = sel && GTK_IS_NO_SELECTION (sel)
                ? gtk_no_selection_get_model (GTK_NO_SELECTION (sel))
                : NULL;
      if (lines && BRAID_IS_LINE_LIST (lines))
        /* Problems are sorted by time and the incomplete one moves to
         * the end: redo them all; output lines only come after. */
        braid_line_list_set_n_items (BRAID_LINE_LIST (lines),
                                     (guint)MIN (counts[i], G_MAXUINT), i == 0);
      char *label = g_strdup_printf ("%s (%zu)", names[i], counts[i]);
      gtk_notebook_set_tab_label_text (
          GTK_NOTEBOOK (self->side),
          gtk_notebook_get_nth_page (GTK_NOTEBOOK (self->side), i + 1), label);
      g_free (label);
    }
}

/* The self-test's moves and report after an update. */
static void
test_step (braid__live *live, BraidWindow *self, gboolean scrolled)
{
  const braid_timeline_view *v
      = braid_timeline_get_view (BRAID_TIMELINE (self->timeline));
  const braid_trace_meta *m = braid_trace_get_meta (self->trace);
  gint64 now = g_get_real_time ();
  /* How old the newest event shown is: the wall clock against the
   * trace's start plus its length. */
  double lag_ms
      = (double)(now * 1000 - m->start_unix_ns - m->duration_ns) / 1e6;
  printf ("live-test: update %u after %" G_GINT64_FORMAT
          " ms, %" G_GUINT64_FORMAT " events, %zu outputs, lag %.0f ms,"
          " indicator '%s'%s\n",
          live->test_updates,
          live->test_last_us ? (now - live->test_last_us) / 1000 : 0,
          m->n_events,
          (size_t)g_list_model_get_n_items (G_LIST_MODEL (
              gtk_list_view_get_model (GTK_LIST_VIEW (self->output_list)))),
          lag_ms, indicator_text (self), scrolled ? ", scrolled" : "");
  live->test_last_us = now;
  live->test_updates++;
  if (live->test_updates == 4)
    {
      double extent = braid_timeline_model_get_extent (self->model, v->axis);
      double right = braid_timeline_view_value_at (v, v->width);
      printf ("live-test: at the end, the view follows it: %s\n",
              right >= extent - 2 * v->scale ? "yes" : "no");
      /* Move away from the end as a user would: zoom in at the start. */
      braid_timeline_set_pointer (BRAID_TIMELINE (self->timeline),
                                  v->label_width + 1, v->height / 2.0);
      braid_timeline_zoom_at_pointer (BRAID_TIMELINE (self->timeline), 8);
      live->test_origin = v->origin;
      live->test_scale = v->scale;
    }
  else if (live->test_updates == 7)
    printf ("live-test: away from the end, the view kept its place: %s\n",
            v->origin == live->test_origin && v->scale == live->test_scale
                ? "yes"
                : "no");
  fflush (stdout);
}

/* Swaps the grown trace and its model in, keeping what the user set:
 * the view, the selection, collapsed lanes and the filter. */
static void
apply_update (braid__live *live, BraidWindow *self, braid_trace *trace,
              braid_timeline_model *model)
{
  size_t n_old;
  braid_trace_get_tasks (self->trace, &n_old);
  for (size_t i = 0; i < n_old; i++)
    if (braid_timeline_model_get_collapsed (self->model, (int32_t)i))
      braid_timeline_model_set_collapsed (model, (int32_t)i, true);
  /* The previous retired pair went to the update that made this one. */
  live->retired_model = self->model;
  live->retired_trace = self->trace;
  self->trace = trace;
  self->model = model;
  gboolean scrolled
      = braid_timeline_replace_model (BRAID_TIMELINE (self->timeline), model);
  const char *filter
      = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  if (filter && *filter)
    braid__window_apply_filter (self, filter);
  grow_lists (self);
  braid__window_show_details (self);
  braid__window_set_titles (self);
  show_liveness (self, braid_trace_get_meta (trace)->liveness);
  if (live->test)
    test_step (live, self, scrolled);
}

static void
update_thread (GTask *task, gpointer source, gpointer data,
               GCancellable *cancellable)
{
  update_job *job = data;
  gint64 start = g_get_monotonic_time ();
  braid_timeline_model_free (g_steal_pointer (&job->retired_model));
  braid_trace_close (g_steal_pointer (&job->retired_trace));
  char *error = NULL;
  int rc
      = braid_trace_follower_update (job->live->follower, &job->trace, &error);
  if (rc < 0)
    job->error = g_strdup (error ? error : "cannot read the trace");
  else if (job->trace)
    {
      g_mutex_lock (&job->live->prev_lock);
      job->model = braid_timeline_model_new_after (job->trace,
                                                   job->live->prev_model);
      g_mutex_unlock (&job->live->prev_lock);
      if (!job->model)
        job->error = g_strdup ("out of memory");
    }
  free (error);
  job->took_us = g_get_monotonic_time () - start;
  g_task_return_boolean (task, TRUE);
}

static void
update_job_free (update_job *job)
{
  braid_timeline_model_free (job->model);
  braid_trace_close (job->trace);
  braid_timeline_model_free (job->retired_model);
  braid_trace_close (job->retired_trace);
  g_free (job->error);
  g_free (job);
}

static void
update_done (GObject *source, GAsyncResult *result, gpointer data)
{
  update_job *job = g_task_get_task_data (G_TASK (result));
  braid__live *live = job->live;
  live->busy = FALSE;
  live->next_us = g_get_monotonic_time () + job->took_us;
  BraidWindow *self = live->window;
  if (!self)
    {
      live_free (live); /* the window let go while this ran */
      return;
    }
  if (job->error)
    {
      /* A file that went bad (or away) while it was followed: say so
       * and keep what was shown. */
      braid__window_show_error (self, job->error);
      live_ended (self, BRAID_LIVENESS_DEAD);
      return;
    }
  if (job->trace)
    {
      apply_update (live, self, g_steal_pointer (&job->trace),
                    g_steal_pointer (&job->model));
    }
  braid_trace_liveness liveness
      = braid_trace_follower_liveness (live->follower);
  if (liveness != BRAID_LIVENESS_RUNNING)
    live_ended (self, liveness);
}

static gboolean
on_timer (gpointer data)
{
  braid__live *live = data;
  if (live->busy || !live->window || g_get_monotonic_time () < live->next_us)
    return G_SOURCE_CONTINUE;
  live->busy = TRUE;
  update_job *job = g_new0 (update_job, 1);
  job->live = live;
  job->retired_model = g_steal_pointer (&live->retired_model);
  job->retired_trace = g_steal_pointer (&live->retired_trace);
  g_mutex_lock (&live->prev_lock);
  live->prev_model = live->window->model;
  g_mutex_unlock (&live->prev_lock);
  /* No source object: the window may go while the update runs (live
   * then outlives it, see braid__window_live_stop). */
  GTask *task = g_task_new (NULL, NULL, update_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify)update_job_free);
  g_task_run_in_thread (task, update_thread);
  g_object_unref (task);
  return G_SOURCE_CONTINUE;
}

void
braid__window_live_start (BraidWindow *self, braid_trace_follower *follower)
{
  braid__window_live_stop (self);
  show_liveness (self, braid_trace_get_meta (self->trace)->liveness);
  if (!follower)
    {
      if (g_getenv ("BRAID_VIEWER_LIVE_TEST"))
        {
          /* Nothing to follow: the script ends here. */
          printf ("live-test: not followed: the trace is %s\n",
                  braid_trace_liveness_name (
                      braid_trace_get_meta (self->trace)->liveness));
          fflush (stdout);
          GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
          if (app)
            g_application_quit (G_APPLICATION (app));
        }
      return;
    }
  braid__live *live = g_new0 (braid__live, 1);
  live->window = self;
  live->follower = follower;
  g_mutex_init (&live->prev_lock);
  live->test = g_getenv ("BRAID_VIEWER_LIVE_TEST") != NULL;
  live->timer = g_timeout_add (UPDATE_MS, on_timer, live);
  self->live = live;
  show_liveness (self, braid_trace_follower_liveness (follower));
  if (live->test)
    {
      printf (
          "live-test: following %" G_GUINT64_FORMAT " events, indicator '%s'\n",
          braid_trace_get_meta (self->trace)->n_events, indicator_text (self));
      fflush (stdout);
    }
}
